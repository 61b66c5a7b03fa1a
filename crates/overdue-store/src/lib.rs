//! # overdue-store
//!
//! Persistence for Overdue: one [`Store`] over either an embedded SQLite file (the default,
//! one user) or a shared PostgreSQL server (several staff on one debtor database).
//!
//! ## House rules
//! - Every write is one transaction: it either happens completely or not at all.
//! - Money is stored as integer minor units (`*_minor`, `i64`) next to a currency code; it
//!   never passes through a float.
//! - Queries are runtime `query_as().bind()` with row structs private to this crate; the
//!   same SQL text serves both backends where the dialects agree (`$1` placeholders work
//!   in both), and the few that differ (search) are written per backend.
//! - Migrations are embedded per backend (`migrations/sqlite`, `migrations/postgres`) and
//!   never edited once released; before a SQLite file is migrated, a consistent copy is
//!   written next to it (`VACUUM INTO`).
//! - Time is passed in: writes take `now: DateTime<Utc>` from the caller.
//!
//! ## Glossary
//! - **Debtor record**: a stored debtor (a [`overdue_domain::DebtorDraft`] plus id and
//!   lifecycle timestamps).
//! - **Archived**: hidden from the working lists but kept, with its history, for the record.
//! - **Open item**: an invoice whose open balance is above zero.
//! - **Allocation**: the part of a payment applied to one invoice; maintained balances
//!   (`invoices.open_minor`, `payments.unapplied_minor`) follow allocations through
//!   database triggers, so the database itself refuses an allocation above a balance.
//! - **Adjustment**: a credit note or write-off, reducing one invoice's open balance.
//! - **Reversal**: a payment taken back; its allocations stop counting from that date but
//!   stay on record, so balances as of earlier dates do not change.

#![deny(missing_docs)]

mod agencies;
mod audit;
mod bank;
mod baseline;
mod bulk;
pub mod collections;
pub mod copy;
mod credit;
pub(crate) mod debtors;
mod demo;
mod documents;
pub mod dunning;
mod error;
pub mod events;
mod latefees;
mod ledger;
mod limitation;
pub(crate) mod locks;
mod staff;

use std::path::{Path, PathBuf};
use std::str::FromStr;

use chrono::{DateTime, Utc};
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use sqlx::ConnectOptions;

pub use agencies::{AgencyCaseRecord, AgencyRecord, NewAgency, NewAgencyCase};
pub use audit::{AuditQuery, AuditRecord, ChainBreak, ChainReport, ImportRecord};
pub use bank::{
    entry_reference, AccountFreshness, BankAccountRecord, BankEntryQuery, BankEntryRecord,
    BankHold, BankImport, BankImportOutcome, BankStatementRecord, EntryAction, EntrySide,
    EntryStatus, IgnoreRuleRecord, MatchInputs, MatchInvoiceRow, NewBankAccount, NewBankEntry,
    NewBankPayment, NewBankStatement,
};
pub use baseline::BaselineAgingRow;
pub use collections::{
    CollectionRecords, DisputeOutcome, HoldRecord, NewHold, NewPlan, NewPromise, NewSettlement,
    PlanInstallmentRecord, PlanInvoiceRecord, PlanRecord, PromiseRecord, SettlementRecord,
};
pub use credit::{CreditInputs, CreditTerms, RiskEntry, ScoreEntry, ScoringInvoice};
pub use debtors::{DebtorListRow, DebtorQuery, DebtorRecord, DebtorSort, SortDirection};
pub use demo::{DemoDebtor, DemoInvoice, DemoPayment};
pub use documents::{AttachmentRecord, DocumentRecord, NewAttachment, NewDocument};
pub use error::StoreError;
pub use events::{sha256_hex, EventRecord, NewEvent};
pub use latefees::{ChargeRecord, InvoiceHistory, NewCharge, UserRateRow};
pub use ledger::{
    AccountEntry, AdjustmentKind, AdjustmentRecord, AllocationRecord, DebtorLabel, DisputeRecord,
    EntryKind, InvoiceDetail, InvoiceQuery, InvoiceRecord, InvoiceSort, InvoiceStatus,
    NewAdjustment, NewInvoice, NewPayment, OpenBalance, PaymentRecord, PeriodFigures, Progress,
    RecordedPayment,
};
pub use limitation::LimitationRow;
pub use locks::{Job, JobHolder, JobLock};
pub use staff::{check_login, Signed, StaffRecord, StaffRole};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// Which kind of database a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// A connection pool to Overdue's database.
#[derive(Debug, Clone)]
pub enum Store {
    /// Embedded SQLite file.
    Sqlite(SqlitePool),
    /// Shared PostgreSQL server.
    Postgres(PgPool),
}

/// Runs the same body against whichever pool the store holds. The body is compiled once
/// per backend, so the SQL and row types are checked against both.
macro_rules! with_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match $store {
            $crate::Store::Sqlite($pool) => {
                #[allow(unused_imports)]
                use $crate::BeginWrite as _;
                $body
            }
            $crate::Store::Postgres($pool) => {
                #[allow(unused_imports)]
                use $crate::BeginWrite as _;
                $body
            }
        }
    };
}
pub(crate) use with_pool;

/// A transaction that will write.
///
/// On SQLite it takes the write lock up front (`BEGIN IMMEDIATE`), so a second process
/// writing the same file waits its turn under the busy timeout instead of failing: a
/// deferred transaction that has read and then writes after another writer committed gets
/// "database is locked" at once (SQLITE_BUSY_SNAPSHOT), which no timeout helps. Readers
/// are not held up (WAL). On PostgreSQL it is a plain `BEGIN`; rows are locked as written.
pub(crate) trait BeginWrite {
    type Db: sqlx::Database;
    fn begin_write(
        &self,
    ) -> impl std::future::Future<Output = Result<sqlx::Transaction<'static, Self::Db>, sqlx::Error>>
           + Send;
}

impl BeginWrite for SqlitePool {
    type Db = sqlx::Sqlite;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
        self.begin_with("BEGIN IMMEDIATE").await
    }
}

impl BeginWrite for PgPool {
    type Db = sqlx::Postgres;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error> {
        self.begin().await
    }
}

/// What happened when a database was opened.
#[derive(Debug, Clone, Default)]
pub struct OpenReport {
    /// The database file was created just now (SQLite only).
    pub created: bool,
    /// Migrations that were applied.
    pub migrations_applied: usize,
    /// Where the pre-migration backup was written, if one was needed.
    pub backup: Option<PathBuf>,
}

/// The PostgreSQL channel on which the book's triggers announce committed changes.
pub const CHANGES_CHANNEL: &str = "overdue_changes";

/// True when `target` names a PostgreSQL server (`postgres://` or `postgresql://`), not
/// a SQLite file.
pub fn is_postgres_url(target: &str) -> bool {
    target.starts_with("postgres://") || target.starts_with("postgresql://")
}

impl Store {
    /// Opens `target`: a `postgres://` / `postgresql://` URL, or a path to a SQLite file
    /// (created, with its folder, when missing). Pending migrations are applied; an
    /// existing SQLite file is backed up first.
    pub async fn open(target: &str, now: DateTime<Utc>) -> Result<(Store, OpenReport), StoreError> {
        if is_postgres_url(target) {
            Self::open_postgres(target).await
        } else {
            Self::open_sqlite(Path::new(target), now).await
        }
    }

    async fn open_sqlite(
        path: &Path,
        now: DateTime<Utc>,
    ) -> Result<(Store, OpenReport), StoreError> {
        let created = !path.exists();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Io {
                path: dir.to_path_buf(),
                message: e.to_string(),
            })?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .foreign_keys(true)
            // WAL: readers never block the writer, and a crash mid-write leaves the last
            // committed state intact.
            .journal_mode(SqliteJournalMode::Wal)
            // NORMAL is durable against an app crash in WAL mode (a power cut can lose the
            // last commit, never corrupt the file) and makes bulk writes several times faster.
            .synchronous(sqlx::sqlite::SqliteSynchronous::Normal)
            // Up to 64 MiB of page cache per connection (allocated only as used): large
            // imports and demo loads then write each page to the WAL once, instead of
            // spilling and rewriting pages every time the default 2 MiB cache fills.
            .pragma("cache_size", "-65536")
            .busy_timeout(std::time::Duration::from_secs(10))
            .disable_statement_logging();
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(|e| StoreError::open(&path.display().to_string(), e))?;
        let store = Store::Sqlite(pool);
        let applied = store.applied_versions().await?;
        store.check_schema_version(&path.display().to_string(), &applied)?;
        let pending = store.pending_of(&applied);
        let mut report = OpenReport {
            created,
            ..Default::default()
        };
        if pending > 0 && !created && !applied.is_empty() {
            let backup = backup_path(path, now);
            store.backup_sqlite(&backup).await?;
            report.backup = Some(backup);
        }
        if let Store::Sqlite(pool) = &store {
            SQLITE_MIGRATIONS.run(pool).await?;
        }
        if pending > 0 {
            store.fill_sort_names().await?;
        }
        store.set_os_login().await?;
        store.start_event_chain().await?;
        report.migrations_applied = pending;
        Ok((store, report))
    }

    async fn open_postgres(url: &str) -> Result<(Store, OpenReport), StoreError> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::open(&redact_url(url), e))?
            .disable_statement_logging();
        // One connection first, so a person reads why the server cannot be used (not the
        // pool's "timed out" after retrying a refused connection for ten seconds).
        {
            use sqlx::Connection;
            let host = format!("{}:{}", options.get_host(), options.get_port());
            let conn = sqlx::PgConnection::connect_with(&options)
                .await
                .map_err(|e| {
                    StoreError::open(&redact_url(url), Self::postgres_open_problem(&e, &host))
                })?;
            let _ = conn.close().await;
        }
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(std::time::Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(|e| StoreError::open(&redact_url(url), e))?;
        let store = Store::Postgres(pool);
        let applied = store.applied_versions().await?;
        store.check_schema_version(&redact_url(url), &applied)?;
        let pending = store.pending_of(&applied);
        // Only the book's owner upgrades it; a staff login opens an up-to-date book
        // without touching the schema (running the migrator at all needs CREATE rights).
        if pending > 0 {
            store.check_may_upgrade(&redact_url(url), pending).await?;
            if let Store::Postgres(pool) = &store {
                POSTGRES_MIGRATIONS.run(pool).await?;
            }
            store.fill_sort_names().await?;
            store.refresh_staff_grants().await?;
        }
        // A staff login without the right to chain (a viewer) leaves it to the next writer.
        match store.start_event_chain().await {
            Err(StoreError::Forbidden(_)) => {}
            other => other?,
        }
        Ok((
            store,
            OpenReport {
                created: false,
                migrations_applied: pending,
                backup: None,
            },
        ))
    }

    /// Why a PostgreSQL server cannot be used, in words a person can act on.
    fn postgres_open_problem(e: &sqlx::Error, host: &str) -> String {
        match e {
        sqlx::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => format!(
            "no PostgreSQL server answers at {host} (connection refused): is it running, and are the host and port right?"
        ),
        sqlx::Error::Io(io) => format!("the PostgreSQL server at {host} could not be reached: {io}"),
        sqlx::Error::Database(db) => {
            let (what, hint) = match db.code().as_deref() {
                Some("28P01") => (
                    "the server refused the login",
                    " (check the login's password: in the window under Settings > Shared server, \
                     for the command line in PGPASSWORD or the system keyring)",
                ),
                Some("28000") => ("the server refused the login", ""),
                Some("3D000") => ("the database does not exist on the server", ""),
                _ => ("the server refused the connection", ""),
            };
            format!("{what}: {}{hint}", db.message())
        }
        sqlx::Error::Tls(t) => format!("the secure connection to {host} failed: {t}"),
        other => other.to_string(),
    }
    }

    /// A condition that `column` is one of `ids`, read from a JSON array bound as
    /// parameter `$n` (the second value returned): one statement however many ids there
    /// are, so reading for 10,000 debtors costs the same round trips as for 10.
    pub(crate) fn among(&self, column: &str, n: u8, ids: &[i64]) -> (String, String) {
        let json = format!(
            "[{}]",
            ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
        );
        let sql = match self {
            Store::Sqlite(_) => format!("{column} IN (SELECT value FROM json_each(${n}))"),
            Store::Postgres(_) => format!(
                "{column} IN (SELECT CAST(value AS BIGINT) FROM json_array_elements_text(CAST(${n} AS json)))"
            ),
        };
        (sql, json)
    }

    /// Brings the planner's statistics up to date after a bulk write (a demo load, a large
    /// import). PostgreSQL plans from them: a book loaded a moment ago still looks empty
    /// until autovacuum's next pass, and the per-invoice lookups of scoring and aging turn
    /// into full scans (22 s instead of a fraction of a second on 30,000 invoices). SQLite
    /// plans from its indexes alone and needs nothing.
    pub async fn refresh_statistics(&self) -> Result<(), StoreError> {
        if let Store::Postgres(pool) = self {
            sqlx::query("ANALYZE").execute(pool).await?;
        }
        Ok(())
    }

    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        match self {
            Store::Sqlite(_) => Backend::Sqlite,
            Store::Postgres(_) => Backend::Postgres,
        }
    }

    fn migrator(&self) -> &'static Migrator {
        match self {
            Store::Sqlite(_) => &SQLITE_MIGRATIONS,
            Store::Postgres(_) => &POSTGRES_MIGRATIONS,
        }
    }

    async fn applied_versions(&self) -> Result<Vec<i64>, StoreError> {
        let exists: bool = with_pool!(self, pool => {
            let sql = match self.backend() {
                Backend::Sqlite => "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations')",
                Backend::Postgres => "SELECT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_name = '_sqlx_migrations' AND table_schema = current_schema())",
            };
            sqlx::query_scalar(sql).fetch_one(pool).await?
        });
        if !exists {
            return Ok(Vec::new());
        }
        let versions: Vec<i64> = with_pool!(self, pool => {
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
                .fetch_all(pool)
                .await?
        });
        Ok(versions)
    }

    /// Refuses a book upgraded by a newer Overdue than this one, in words, before the
    /// migrator would fail on a version it does not know.
    fn check_schema_version(&self, target: &str, applied: &[i64]) -> Result<(), StoreError> {
        let known: Vec<i64> = self.migrator().iter().map(|m| m.version).collect();
        let newest_known = known.iter().copied().max().unwrap_or(0);
        if let Some(newer) = applied.iter().copied().filter(|v| !known.contains(v)).max() {
            return Err(StoreError::open(
                target,
                format!(
                    "this app is older than the book: a newer version of Overdue upgraded it to schema {newer}, \
                     and this one knows up to {newest_known}. Install the newer Overdue to open it; nothing was changed."
                ),
            ));
        }
        Ok(())
    }

    /// PostgreSQL: refuses an upgrade by a login that is not the book's owner, in words,
    /// before a migration fails half-way on "permission denied".
    async fn check_may_upgrade(&self, target: &str, pending: usize) -> Result<(), StoreError> {
        let Store::Postgres(pool) = self else {
            return Ok(());
        };
        let (may, owner): (bool, String) = sqlx::query_as(
            "SELECT CASE WHEN t.tableowner IS NULL \
                 THEN has_schema_privilege(current_schema(), 'CREATE') \
                 ELSE pg_has_role(current_user, t.tableowner, 'USAGE') END, \
             coalesce(t.tableowner::text, (SELECT pg_get_userbyid(d.datdba)::text FROM pg_database d \
                 WHERE d.datname = current_database())) \
             FROM (SELECT 1) one LEFT JOIN pg_tables t \
             ON t.tablename = '_sqlx_migrations' AND t.schemaname = current_schema()",
        )
        .fetch_one(pool)
        .await?;
        if may {
            return Ok(());
        }
        let me: String = sqlx::query_scalar("SELECT current_user::text")
            .fetch_one(pool)
            .await?;
        Err(StoreError::open(
            target,
            format!(
                "the book needs an upgrade by its owner: this version of Overdue brings {pending} change(s) to its \
                 schema, which only the owner ({owner}) may make, and you are signed in as {me}. Ask {owner} to open \
                 the book once with this version; nothing was changed."
            ),
        ))
    }

    /// Number of embedded migrations not yet applied to this database.
    pub async fn pending_migrations(&self) -> Result<usize, StoreError> {
        Ok(self.pending_of(&self.applied_versions().await?))
    }

    /// Embedded migrations not among `applied`.
    fn pending_of(&self, applied: &[i64]) -> usize {
        self.migrator()
            .iter()
            .filter(|m| !applied.contains(&m.version))
            .count()
    }

    /// Writes a consistent copy of the SQLite database to `dest` (`VACUUM INTO`).
    pub async fn backup_sqlite(&self, dest: &Path) -> Result<(), StoreError> {
        let Store::Sqlite(pool) = self else {
            return Err(StoreError::Unsupported(
                "file backup of a PostgreSQL database",
            ));
        };
        sqlx::query("VACUUM INTO $1")
            .bind(dest.display().to_string())
            .execute(pool)
            .await?;
        Ok(())
    }

    /// Closes all connections (the WAL is checkpointed into the file).
    pub async fn close(&self) {
        with_pool!(self, pool => pool.close().await)
    }

    /// A listener on the shared book's change notifications (`overdue_changes`, sent by the
    /// audit and contact-log triggers at commit with the table's name); none on SQLite.
    /// It holds one of the pool's connections until dropped.
    pub async fn change_listener(&self) -> Result<Option<sqlx::postgres::PgListener>, StoreError> {
        let Store::Postgres(pool) = self else {
            return Ok(None);
        };
        let mut listener = sqlx::postgres::PgListener::connect_with(pool).await?;
        listener.listen(CHANGES_CHANNEL).await?;
        Ok(Some(listener))
    }

    /// Reads a setting (JSON text), if set.
    pub async fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(with_pool!(self, pool => {
            sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
                .bind(key)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// Writes a setting (JSON text).
    pub async fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        with_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO settings (key, value) VALUES ($1, $2) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )
            .bind(key)
            .bind(value)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// A setting written once: `value` when the key is new, else what is stored (two
    /// processes asking at once get the same answer).
    pub async fn setting_once(&self, key: &str, value: &str) -> Result<String, StoreError> {
        with_pool!(self, pool => {
            sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
                .bind(key)
                .bind(value)
                .execute(pool)
                .await?;
        });
        Ok(self
            .setting(key)
            .await?
            .unwrap_or_else(|| value.to_string()))
    }

    /// Row counts of the main tables: (debtors, invoices, payments).
    pub async fn counts(&self) -> Result<(i64, i64, i64), StoreError> {
        Ok(with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT (SELECT count(*) FROM debtors), (SELECT count(*) FROM invoices), \
                 (SELECT count(*) FROM payments)",
            )
            .fetch_one(pool)
            .await?
        }))
    }
}

fn backup_path(db: &Path, now: DateTime<Utc>) -> PathBuf {
    let name = db
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    db.with_file_name(format!("{name}.backup-{}", now.format("%Y%m%dT%H%M%SZ")))
}

/// A connection URL with its password replaced by `***`, safe to show and log.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_appear_in_messages() {
        assert_eq!(
            redact_url("postgres://staff:s3cret@db.local:5432/overdue"),
            "postgres://staff:***@db.local:5432/overdue"
        );
        assert_eq!(
            redact_url("postgres://db.local/overdue"),
            "postgres://db.local/overdue"
        );
    }
}
