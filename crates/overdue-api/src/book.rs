//! A whole book copied from one database to another (`overdue book copy`, issue 18): a
//! SQLite file to a new PostgreSQL database for the office, or back to a file.
//!
//! The copy itself is the store's ([`overdue_store::Store::copy_book`]: every table, in
//! one transaction on the target, verified table by table before it commits). This use
//! case opens the two books, fills in a server password the way the rest of the app does,
//! refuses to copy a book onto itself, and says in words what to do when the copy is
//! refused. A SQLite file created for a copy that then fails is removed again.

use std::path::{Path, PathBuf};

use overdue_store::copy::CopyError;
use overdue_store::{redact_url, Backend, Store};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::config::{self, is_server, ServerLogin};
use crate::dto::AppInfo;
use crate::{open_store, Api, ApiError, Clock, ErrorCode};

/// What a copy wrote and verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BookCopy {
    /// The book copied (a server's URL without its password).
    pub from: String,
    /// The new copy.
    pub to: String,
    /// Every table copied, parents first, with its rows and checksum.
    pub tables: Vec<BookTable>,
    /// Tables of one database only, not the book's data (SQLite's `audit_actor`, which
    /// PostgreSQL has as a view of the session's login).
    pub skipped: Vec<String>,
    /// Debtors whose search entry was rebuilt on the target.
    #[ts(type = "number")]
    pub search_entries: u64,
}

impl BookCopy {
    /// The sentence that says the copy was checked ("Verified: counts and checksums
    /// match in 45 tables.").
    pub fn verified(&self) -> String {
        format!(
            "Verified: counts and checksums match in {} tables.",
            self.tables.len()
        )
    }
}

/// One table copied and verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BookTable {
    /// The table.
    pub table: String,
    /// Its rows, the same in the source and the copy.
    #[ts(type = "number")]
    pub rows: u64,
    /// SHA-256 of its rows in canonical form, the same in the source and the copy.
    pub checksum: String,
}

/// Copies the whole book at `from` into `to`: a SQLite file (created when missing) or a
/// `postgres://` URL naming an existing, empty database. Refused, with nothing written,
/// when the target holds anything beyond a new book's defaults.
pub async fn copy(from: &str, to: &str, clock: &dyn Clock) -> Result<BookCopy, ApiError> {
    let (from, to) = (from.trim(), to.trim());
    if from.is_empty() || to.is_empty() {
        return Err(ApiError::invalid(
            "Name the book to copy (--from) and where to (--to): a SQLite file or a postgres:// URL.",
        ));
    }
    if same_book(from, to) {
        return Err(ApiError::invalid(format!(
            "{} is both the source and the target: copy into a new, empty database.",
            shown(from)
        )));
    }
    if !is_server(from) && !Path::new(from).exists() {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            format!("There is no book at {from}: check --from (nothing was created)."),
        ));
    }
    let (source, _) = Store::open(&with_stored_password(from), clock.now()).await?;
    let created = (!is_server(to) && !Path::new(to).exists()).then(|| PathBuf::from(to));
    let target = match Store::open(&with_stored_password(to), clock.now()).await {
        Ok((target, _)) => target,
        Err(e) => {
            source.close().await;
            remove_created(created.as_deref());
            return Err(e.into());
        }
    };
    let result = Store::copy_book(&source, &target).await;
    source.close().await;
    target.close().await;
    let report = match result {
        Ok(report) => report,
        Err(e) => {
            remove_created(created.as_deref());
            return Err(in_words(e, to));
        }
    };
    tracing::info!(tables = report.tables.len(), "book copied and verified");
    Ok(BookCopy {
        from: shown(from),
        to: shown(to),
        tables: report
            .tables
            .into_iter()
            .map(|t| BookTable {
                table: t.table,
                rows: t.rows,
                checksum: t.checksum,
            })
            .collect(),
        skipped: report.skipped,
        search_entries: report.search_entries,
    })
}

/// What "Move this book to a server" did: the copy, checked, and the book the app has
/// open now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BookMoved {
    /// Every table copied, with its rows and checksum.
    pub copy: BookCopy,
    /// "Verified: counts and checksums match in N tables."
    pub verified: String,
    /// The server book the app works on from now on.
    pub info: AppInfo,
    /// Something the user should know although the move worked (the password could not
    /// be kept in the system keyring, or the server not remembered for the next start).
    pub warning: Option<String>,
}

impl Api {
    /// Copies the SQLite book the app has open to a new, empty database on a PostgreSQL
    /// server (`url`, with `password` typed beside it or "" for the one in the URL or the
    /// keyring), then works on the server and remembers it in `config_file`, as
    /// connecting in Settings does; the password goes to the OS keyring only. The file
    /// stays as it is. Nothing changes when the copy is refused (a target holding data,
    /// a wrong password).
    pub async fn move_book_to_server(
        &self,
        url: &str,
        password: &str,
        config_file: &Path,
    ) -> Result<BookMoved, ApiError> {
        let server = ServerLogin::typed(url, password)?;
        // Held until the window works on the server: nothing can be written to the file
        // after the copy read it and be missing on the server.
        let mut open = self.store.write().await;
        if !matches!(open.0.backend(), Backend::Sqlite) {
            return Err(ApiError::invalid(
                "This book is on a server already. To copy it elsewhere, use overdue book copy.",
            ));
        }
        let file = open.1.clone();
        let copied = copy(&file, &server.connect, self.clock()).await?;
        let now_open = open_store(&server.connect, self.clock()).await?;
        let old = std::mem::replace(&mut *open, now_open);
        drop(open);
        old.0.close().await;
        // The book is on the server and the window works there: a keyring or config file
        // that cannot be written is worth saying, not a reason to undo the move.
        let mut warnings = Vec::new();
        if let Err(e) = server.keep_password() {
            tracing::warn!(error = %e.message, "the moved book's password is not in the keyring");
            warnings.push(
                "The password could not be kept in the system keyring (is it locked or missing?): \
                 after a restart, enter it again under Shared server."
                    .to_string(),
            );
        }
        if let Err(e) = config::save(config_file, &server.remembered()) {
            warnings.push(format!(
                "Overdue could not remember the server for the next start ({}); connect to it under \
                 Shared server then.",
                e.message
            ));
        }
        Ok(BookMoved {
            verified: copied.verified(),
            copy: copied,
            info: self.info().await?,
            warning: (!warnings.is_empty()).then(|| warnings.join(" ")),
        })
    }
}

/// A location as shown to a person: a server's URL without its password.
fn shown(target: &str) -> String {
    if is_server(target) {
        redact_url(target)
    } else {
        target.to_string()
    }
}

/// True when both name the same file or the same server database.
fn same_book(a: &str, b: &str) -> bool {
    match (is_server(a), is_server(b)) {
        (true, true) => config::split_password(a).0 == config::split_password(b).0,
        (false, false) => {
            let full = |p: &str| {
                let p = Path::new(p);
                // The target may not exist yet: its folder does, or it is not the source.
                match (p.parent(), p.file_name()) {
                    (Some(dir), Some(name)) => {
                        let dir = if dir.as_os_str().is_empty() {
                            Path::new(".")
                        } else {
                            dir
                        };
                        dir.canonicalize().ok().map(|d| d.join(name))
                    }
                    _ => None,
                }
            };
            a == b || matches!((full(a), full(b)), (Some(x), Some(y)) if x == y)
        }
        _ => false,
    }
}

/// A server URL without a password gets the one the app keeps for it in the OS keyring,
/// unless `PGPASSWORD` gives one (the driver reads that itself). A keyring that cannot be
/// read is passed over: the server then says whether it wants a password.
fn with_stored_password(target: &str) -> String {
    if !is_server(target)
        || config::split_password(target).1.is_some()
        || std::env::var_os("PGPASSWORD").is_some()
    {
        return target.to_string();
    }
    match config::stored_password(target) {
        Ok(Some(password)) => config::with_password(target, &password),
        Ok(None) => target.to_string(),
        Err(e) => {
            tracing::warn!(error = %e.message, "no password from the keyring");
            target.to_string()
        }
    }
}

/// Removes a SQLite file this copy created (with its WAL files), after a failure.
fn remove_created(path: Option<&Path>) {
    let Some(path) = path else {
        return;
    };
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

/// Why a copy was refused, in words a person can act on.
fn in_words(e: CopyError, to: &str) -> ApiError {
    let rows = |n: i64| {
        if n == 1 {
            "1 row".to_string()
        } else {
            format!("{n} rows")
        }
    };
    match e {
        CopyError::TargetNotEmpty {
            table,
            rows: n,
            others,
        } => ApiError::invalid(format!(
            "The target book is not empty: table {table} holds {}{}; copy into a new, empty database. \
             Nothing was written to {}.",
            rows(n),
            match others {
                0 => String::new(),
                1 => " (and 1 more table holds rows)".to_string(),
                n => format!(" (and {n} more tables hold rows)"),
            },
            shown(to)
        )),
        CopyError::SchemaVersions {
            from_version,
            to_version,
        } => ApiError::invalid(format!(
            "The two books are at different versions (the source at schema {from_version}, the target at \
             {to_version}): open both with this version of Overdue first. Nothing was written."
        )),
        CopyError::NotOwner { table, login } => ApiError::invalid(format!(
            "Only the owner of the target database may copy a book into it: you are signed in as {login}, \
             who does not own table {table}. Create the database as the login that will own it, or sign in \
             as its owner. Nothing was written."
        )),
        CopyError::Unreadable {
            table,
            row,
            column,
            problem,
        } => ApiError::new(
            ErrorCode::Database,
            format!(
                "The source book holds a value the copy cannot take: table {table}, {row}, column {column}: \
                 {problem}. Correct it in the source and copy again; nothing was written."
            ),
        ),
        CopyError::Mismatch { table, what } => ApiError::new(
            ErrorCode::Database,
            format!(
                "The copy did not verify: in table {table}, {what}. Nothing was written to {}.",
                shown(to)
            ),
        ),
        CopyError::SchemaDiffers(what) => ApiError::new(
            ErrorCode::Internal,
            format!("The two books' tables differ ({what}), so the book cannot be copied. Nothing was written."),
        ),
        CopyError::Store(e) => {
            let mut e = ApiError::from(e);
            let stop = if e.message.ends_with('.') { "" } else { "." };
            e.message = format!("{}{stop} Nothing was written to {}.", e.message, shown(to));
            e
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_book_is_not_copied_onto_itself() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.db");
        std::fs::write(&a, b"").unwrap();
        let a = a.display().to_string();
        let dotted = format!("{}/./a.db", dir.path().display());
        assert!(same_book(&a, &dotted));
        assert!(!same_book(
            &a,
            &dir.path().join("b.db").display().to_string()
        ));
        assert!(same_book(
            "postgres://staff:one@db/overdue",
            "postgres://staff@db/overdue"
        ));
        assert!(!same_book(
            "postgres://staff@db/overdue",
            "postgres://staff@db/copy"
        ));
    }
}
