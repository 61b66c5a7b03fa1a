//! The store's typed errors. The API layer maps each to a `{code, message}` for the user.

use std::path::PathBuf;

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be opened or reached.
    #[error("could not open the database {target}: {message}")]
    Open {
        /// File path or redacted URL.
        target: String,
        /// The driver's reason.
        message: String,
    },
    /// A folder or file could not be created or read.
    #[error("{path}: {message}")]
    Io {
        /// The path concerned.
        path: PathBuf,
        /// The OS's reason.
        message: String,
    },
    /// The record asked for does not exist.
    #[error("{entity} {key} was not found")]
    NotFound {
        /// What kind of record ("debtor").
        entity: &'static str,
        /// Its id or reference.
        key: String,
    },
    /// A unique value is already taken (e.g. a debtor reference).
    #[error("{what} \"{value}\" is already used by another record")]
    Duplicate {
        /// The field ("reference").
        what: &'static str,
        /// The value.
        value: String,
    },
    /// A ledger rule refused the write (e.g. an allocation, credit note or write-off above
    /// the invoice's open balance); nothing was written.
    #[error("{0}")]
    Rejected(String),
    /// Another writer changed the same records at the same time; nothing was written and
    /// the operation can be tried again.
    #[error("{0}")]
    Conflict(String),
    /// The record was saved by someone else since the editor read it; nothing was written.
    #[error("{entity} {key} was changed by someone else since it was opened")]
    Stale {
        /// What kind of record ("debtor").
        entity: &'static str,
        /// Its id.
        key: String,
    },
    /// The login's role in the book does not allow this write (the database refused it:
    /// a missing GRANT or a row-level security policy). Says what was refused.
    #[error("{0}")]
    Forbidden(String),
    /// Stored data could not be read back into domain values (a corrupted row).
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    /// The operation does not exist for this backend.
    #[error("{0} is not supported on this database")]
    Unsupported(&'static str),
    /// A migration failed; the database is left at the last complete migration.
    #[error("database upgrade failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Any other database error.
    #[error("database error: {0}")]
    Database(sqlx::Error),
}

impl StoreError {
    /// A SQLite book another writer has held for longer than the busy timeout, in words.
    pub(crate) fn busy() -> StoreError {
        StoreError::Conflict(
            "the book is busy: another window or process has been writing to it for longer than 10 seconds \
             (a large import?). Nothing was written; try again when it has finished."
                .into(),
        )
    }
}

/// A database error becomes [`StoreError::Database`], except the ones concurrency causes,
/// which become a [`StoreError::Conflict`] in words: no person is shown "database is
/// locked" or "deadlock detected".
impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        let sqlx::Error::Database(db) = &e else {
            return StoreError::Database(e);
        };
        let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
        match code.as_str() {
            // SQLite: SQLITE_BUSY and its extended codes, SQLITE_LOCKED.
            "5" | "6" | "261" | "262" | "517" => StoreError::busy(),
            // PostgreSQL: serialization failure, deadlock, lock not available.
            "40001" | "40P01" | "55P03" => StoreError::Conflict(
                "someone else changed the same records at the same moment. Nothing was written; try again."
                    .into(),
            ),
            // PostgreSQL: insufficient privilege (a GRANT or a row-level policy).
            "42501" => StoreError::Forbidden(forbidden_words(db.message())),
            _ => StoreError::Database(e),
        }
    }
}

/// What a refused privilege was, in words: "permission denied for table payment_plans"
/// becomes "change payment plans".
fn forbidden_words(message: &str) -> String {
    let table = message
        .split_once(" for table ")
        .map(|(_, t)| t.trim())
        .or_else(|| message.split_once(" for relation ").map(|(_, t)| t.trim()));
    match table {
        Some(t) => format!("change {}", t.replace('_', " ")),
        // A refusal worded by the book's own trigger (a collector's settlement limit).
        None => message.trim_end_matches('.').to_string(),
    }
}

impl StoreError {
    pub(crate) fn open(target: &str, e: impl std::fmt::Display) -> Self {
        StoreError::Open {
            target: target.to_string(),
            message: e.to_string(),
        }
    }

    /// Maps a unique-constraint violation to [`StoreError::Duplicate`].
    pub(crate) fn unique(e: sqlx::Error, what: &'static str, value: &str) -> Self {
        match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Duplicate {
                what,
                value: value.to_string(),
            },
            _ => StoreError::from(e),
        }
    }

    /// Maps a CHECK or trigger refusal (a balance would go below zero, a currency or debtor
    /// mismatch) to [`StoreError::Rejected`] with `message`; other errors are converted as
    /// any database error is (a busy book or a deadlock becomes a [`StoreError::Conflict`]).
    pub(crate) fn refused(e: sqlx::Error, message: impl FnOnce(&str) -> String) -> Self {
        match &e {
            sqlx::Error::Database(db) => {
                // SQLite reports RAISE(ABORT) from a trigger as SQLITE_CONSTRAINT_TRIGGER (1811).
                let trigger = db.code().is_some_and(|c| c == "1811");
                if db.is_check_violation() || trigger {
                    StoreError::Rejected(message(db.message()))
                } else {
                    StoreError::from(e)
                }
            }
            _ => StoreError::from(e),
        }
    }
}
