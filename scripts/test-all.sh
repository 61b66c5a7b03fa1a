#!/usr/bin/env bash
# Sets up a fresh Debian/Ubuntu machine and runs every check and test: formatting, lints,
# UI type-check and unit tests, Rust tests against SQLite and a real PostgreSQL server,
# generated-type freshness, a short fuzz run of every parser target, and the end-to-end
# tests of the real app window and the CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
step() { printf '\n==> %s (%ss)\n' "$1" "$SECONDS"; }

step "dependencies"
scripts/install-deps.sh --test

step "cargo fmt --check"
cargo fmt --all --check

step "build the UI (the shell embeds it)"
(cd ui && npm run build)

step "clippy -D warnings on every workspace target, as they are built for the tests"
# Clippy lints the workspace's own crates while they are compiled for the tests, the app
# and the end-to-end suite below: cargo runs clippy-driver in place of rustc for workspace
# members (RUSTC_WORKSPACE_WRAPPER, the hook `cargo clippy` itself uses) with `-D warnings`.
# The same lints on the same targets as `cargo clippy --workspace --all-targets --features
# overdue-app/custom-protocol -- -D warnings`, without type-checking every dependency a
# second time (a separate `cargo clippy` was a quarter of a cold CI run).
export RUSTC_WORKSPACE_WRAPPER="$(rustc --print sysroot)/bin/clippy-driver"
export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
# A cold machine gains nothing from incremental compilation, which only adds work there.
[ -d target/debug ] || export CARGO_INCREMENTAL=0

step "svelte-check"
(cd ui && npm run check)

step "UI unit tests (Vitest, in-memory backend)"
(cd ui && npm test)

step "PostgreSQL server on 127.0.0.1"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PGDIR=$(mktemp -d /tmp/overdue-pg.XXXXXX)
PGPORT=${OVERDUE_PG_PORT:-55432}
chown postgres "$PGDIR" 2>/dev/null || true
as_pg() { if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
as_pg "$PGBIN/initdb -D $PGDIR/data -U overdue --auth=trust -E UTF8 --locale=C.UTF-8" >/dev/null
# Logins made members of overdue_password_required must give their password (scram), as
# staff do on an office's server; the tests' other logins are trusted.
as_pg "sed -i '1i host all +overdue_password_required 127.0.0.1/32 scram-sha-256' $PGDIR/data/pg_hba.conf"
as_pg "$PGBIN/pg_ctl -D $PGDIR/data -l $PGDIR/log -w -o \"-F -p $PGPORT -k $PGDIR -c listen_addresses=127.0.0.1 -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.max=20000\" start" >/dev/null
stop_pg() { as_pg "$PGBIN/pg_ctl -D $PGDIR/data -m fast stop" >/dev/null 2>&1 || true; }
trap stop_pg EXIT
export OVERDUE_TEST_PG_URL="postgres://overdue@127.0.0.1:$PGPORT/postgres"
"$PGBIN/psql" -X -q "$OVERDUE_TEST_PG_URL" -c "CREATE ROLE overdue_password_required NOLOGIN"
export OVERDUE_REQUIRE_PG=1

step "Rust tests (nextest; SQLite and PostgreSQL; a real Secret Service keyring)"
dbus-run-session -- bash -c '
  echo -n overdue-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
  export OVERDUE_TEST_KEYRING=1
  cargo nextest run --workspace --exclude overdue-e2e --exclude overdue-app --no-fail-fast
'

step "generated TypeScript types are up to date"
if ! git diff --exit-code --stat -- ui/src/lib/bindings || [ -n "$(git ls-files --others --exclude-standard ui/src/lib/bindings)" ]; then
  echo "ui/src/lib/bindings is stale: run 'cargo test -p overdue-api' and commit the result." >&2
  exit 1
fi

step "fuzz: every parser target from its committed corpus (fixed seed, fixed runs)"
env -u RUSTC_WORKSPACE_WRAPPER -u CLIPPY_ARGS bash scripts/fuzz.sh

step "build the app and the CLI for the end-to-end tests"
cargo build -p overdue-app --features custom-protocol
cargo build -p overdue-cli
# The build script makes the window's command wrapper and the permission set from the
# #[tauri::command] functions: what is committed must be what they make.
if ! git diff --exit-code --stat -- ui/src/lib/backend/commands.ts src-tauri/permissions \
  || [ -n "$(git ls-files --others --exclude-standard ui/src/lib/backend src-tauri/permissions)" ]; then
  echo "ui/src/lib/backend/commands.ts or src-tauri/permissions is stale: build overdue-app and commit the result." >&2
  exit 1
fi
# Every target `cargo clippy --all-targets` covers has now been built through clippy.

step "end-to-end: the real window (tauri-driver + WebKitWebDriver under Xvfb) and the CLI"
xvfb-run -a -s "-screen 0 1920x1080x24" cargo test -p overdue-e2e -- --test-threads=1

step "done"
echo "All checks passed in ${SECONDS}s. Screenshots: $ROOT/tests/artifacts/"
