//! Whole-book reads on SQLite, stepped through in this thread.
//!
//! sqlx runs each SQLite connection on a worker thread and hands every row of a result
//! over a channel: about 11 us a row in locking, waking and allocating, so the 250,000
//! open items of a million-invoice book cost 2.7 s to receive against 0.05 s for SQLite to
//! read them from their covering index. A read of the whole book (aging, the names of every
//! debtor in it) opens its own connection to the book's file with rusqlite and steps
//! through the rows directly. The book is in WAL mode, so this reader sees the last
//! committed state like any connection of the pool and holds up no writer; it is opened
//! read-only in intent (`query_only`). Every write stays with sqlx and its transactions.

use chrono::NaiveDate;
use rusqlite::OpenFlags;
use sqlx::SqlitePool;

use crate::StoreError;

/// Runs `read` on a new connection to the file of `pool`, inside one read transaction
/// (every statement of `read` sees the same book).
pub(crate) async fn read_sqlite<T>(
    pool: &SqlitePool,
    read: impl FnOnce(&rusqlite::Connection) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let path = pool.connect_options().get_filename().to_path_buf();
    let db = rusqlite::Connection::open_with_flags(
        &path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(sqlite_error)?;
    db.busy_timeout(std::time::Duration::from_secs(10))
        .map_err(sqlite_error)?;
    db.execute_batch("PRAGMA query_only = ON; BEGIN")
        .map_err(sqlite_error)?;
    let out = read(&db)?;
    // A read transaction: ending it cannot lose anything.
    db.execute_batch("COMMIT").map_err(sqlite_error)?;
    Ok(out)
}

/// A rusqlite error in the words of [`StoreError`]: a busy book is a conflict to retry,
/// anything else a database error.
pub(crate) fn sqlite_error(e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
            StoreError::busy()
        }
        _ => StoreError::Corrupt(format!("reading the book: {e}")),
    }
}

/// A `YYYY-MM-DD` column (how sqlx stores a date on SQLite), read without chrono's format
/// parser, which costs more than the rest of a row.
pub(crate) fn date_column(row: &rusqlite::Row<'_>, i: usize) -> Result<NaiveDate, StoreError> {
    let text = row
        .get_ref(i)
        .and_then(|v| v.as_str().map_err(Into::into))
        .map_err(sqlite_error)?;
    ymd(text).ok_or_else(|| StoreError::Corrupt(format!("\"{text}\" is not a date")))
}

fn ymd(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(i32::try_from(num(0..4)?).ok()?, num(5..7)?, num(8..10)?)
}

/// A text column.
pub(crate) fn text_column<'r>(row: &'r rusqlite::Row<'_>, i: usize) -> Result<&'r str, StoreError> {
    row.get_ref(i)
        .and_then(|v| v.as_str().map_err(Into::into))
        .map_err(sqlite_error)
}

/// A text column that may be NULL.
pub(crate) fn opt_text_column<'r>(
    row: &'r rusqlite::Row<'_>,
    i: usize,
) -> Result<Option<&'r str>, StoreError> {
    row.get_ref(i)
        .and_then(|v| v.as_str_or_null().map_err(Into::into))
        .map_err(sqlite_error)
}

/// An integer column.
pub(crate) fn int_column(row: &rusqlite::Row<'_>, i: usize) -> Result<i64, StoreError> {
    row.get(i).map_err(sqlite_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_chrono_reads_them() {
        for s in ["2026-11-22", "2024-02-29", "0001-01-01", "9999-12-31"] {
            assert_eq!(ymd(s), NaiveDate::parse_from_str(s, "%Y-%m-%d").ok(), "{s}");
        }
        for s in [
            "2025-02-29",
            "2026-13-01",
            "2026-1-01",
            "2026/11/22",
            "",
            "20261122xx",
            "2026-11-2x",
        ] {
            assert_eq!(ymd(s), None, "{s}");
        }
    }
}
