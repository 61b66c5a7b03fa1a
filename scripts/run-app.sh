#!/usr/bin/env bash
# Sets up a fresh Debian/Ubuntu machine and launches Overdue on its embedded SQLite
# database (~/.local/share/overdue/overdue.db; demo data is offered on first start).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
echo "==> building the UI"
(cd ui && npm run build)
echo "==> building the app (the first build takes a few minutes)"
cargo build --release -p overdue-app -p overdue-cli --features overdue-app/custom-protocol
echo "==> starting Overdue"
exec target/release/overdue-app "$@"
