//! Who did what: the audit trail the database writes by trigger (`audit_log`, migration
//! 0019), and the contact log's hash chain (`event_hashes`, `event_chain`).
//!
//! The trail is written by the database, not here: this module reads it, tells a SQLite
//! book who its user is, chains the events a book held before the chain began, and checks
//! the chain (`overdue audit verify`).

use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use sha2::{Digest, Sha256};

use crate::events::{chain_events, chain_hash, lock_event_chain, EventRecord, EVENT_COLUMNS};
use crate::{with_pool, Store, StoreError};

/// One change recorded in the audit trail.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    /// Increasing in the order the changes were written.
    pub id: i64,
    /// When it was written (the database's clock).
    pub at: DateTime<Utc>,
    /// The login that wrote it (the OS user on SQLite).
    pub login: String,
    /// The table changed.
    pub table: String,
    /// `insert`, `update` or `delete`.
    pub action: String,
    /// The row's id (a setting's key).
    pub row_key: String,
    /// The debtor it concerns, if one.
    pub debtor_id: Option<i64>,
    /// The row before (none for an insert).
    pub old: Option<serde_json::Value>,
    /// The row after (none for a delete).
    pub new: Option<serde_json::Value>,
}

/// A bulk import, recorded in the audit trail as one entry (table `imports`) instead of
/// one per inserted row (issue 19; migration 0022).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRecord {
    /// What was imported (`invoices`, `payments`, `debtors`, `bank statement`).
    pub kind: String,
    /// The file's name as the user chose it.
    pub file: String,
    /// Its rows (entries of a bank statement).
    pub rows: i64,
    /// The SHA-256 of its bytes, so the file can be matched to the entry later.
    pub sha256: String,
}

/// Opens an import's record in a write transaction (`$tx`; `$import`: an
/// `Option<&ImportRecord>`): the inserts of debtors, contacts, invoices, payments and
/// allocations made in it afterwards are covered by the record's one audit entry. On
/// SQLite the record is marked open until [`close_import!`]; PostgreSQL knows it by the
/// transaction's id, which it stamps itself.
macro_rules! open_import {
    ($tx:expr, $import:expr, $now:expr, $backend:expr) => {{
        let import: Option<&$crate::ImportRecord> = $import;
        if let Some(i) = import {
            sqlx::query(
                "INSERT INTO imports (kind, file, rows, sha256, login, at, open) \
                 VALUES ($1, $2, $3, $4, (SELECT login FROM audit_actor WHERE id = 1), $5, $6)",
            )
            .bind(&i.kind)
            .bind(&i.file)
            .bind(i.rows)
            .bind(&i.sha256)
            .bind($now)
            .bind($backend == $crate::Backend::Sqlite)
            .execute(&mut *$tx)
            .await?;
        }
    }};
}
pub(crate) use open_import;

/// Closes what [`open_import!`] opened, before the commit (SQLite: the inserts after it are
/// recorded one by one again).
macro_rules! close_import {
    ($tx:expr, $import:expr, $backend:expr) => {{
        let import: Option<&$crate::ImportRecord> = $import;
        if import.is_some() && $backend == $crate::Backend::Sqlite {
            sqlx::query("UPDATE imports SET open = 0 WHERE open = 1")
                .execute(&mut *$tx)
                .await?;
        }
    }};
}
pub(crate) use close_import;

/// Which audit entries to read.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// Only changes concerning this debtor.
    pub debtor_id: Option<i64>,
    /// Only changes written at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// At most this many, newest first (none: all, oldest first).
    pub limit: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: i64,
    at: DateTime<Utc>,
    login: String,
    tbl: String,
    action: String,
    row_key: String,
    debtor_id: Option<i64>,
    old: Option<String>,
    new: Option<String>,
}

/// The first event that does not fit the contact log's chain, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct ChainBreak {
    /// The event (for a removed newest event: the last one that still fits, if any).
    pub event_id: Option<i64>,
    /// Its debtor.
    pub debtor_id: Option<i64>,
    /// What does not fit, in words.
    pub why: String,
}

/// What `audit verify` found.
#[derive(Debug, Clone, PartialEq)]
pub struct ChainReport {
    /// Events read.
    pub events: u64,
    /// The chain's newest hash as recorded.
    pub head: Option<String>,
    /// The first break, if the log was changed.
    pub broken: Option<ChainBreak>,
}

#[derive(sqlx::FromRow)]
struct VerifyRow {
    #[sqlx(flatten)]
    event: EventRecord,
    content: Option<Vec<u8>>,
    prev_hash: Option<String>,
    hash: Option<String>,
}

impl Store {
    /// Tells a SQLite book who writes to it (the OS user), for its audit trail; a
    /// PostgreSQL book knows its session's login and needs nothing.
    pub(crate) async fn set_os_login(&self) -> Result<(), StoreError> {
        if let Store::Sqlite(pool) = self {
            let login = whoami::username().unwrap_or_else(|_| "unknown".to_string());
            // Read first: the usual case writes nothing, so opening a book never waits for
            // another process's write lock (a long import in the window).
            let known: Option<String> =
                sqlx::query_scalar("SELECT login FROM audit_actor WHERE id = 1")
                    .fetch_optional(pool)
                    .await?;
            if known.as_deref() != Some(login.as_str()) {
                sqlx::query("UPDATE audit_actor SET login = $1 WHERE id = 1")
                    .bind(login)
                    .execute(pool)
                    .await?;
            }
        }
        Ok(())
    }

    /// Chains the events a book held before its chain began (once, right after the
    /// upgrade that added it). Events recorded later outside the app stay out of the
    /// chain, and `audit verify` names them.
    pub(crate) async fn start_event_chain(&self) -> Result<(), StoreError> {
        with_pool!(self, pool => {
            let started: Option<i64> =
                sqlx::query_scalar("SELECT last_id FROM event_chain WHERE id = 1")
                    .fetch_one(pool)
                    .await?;
            if started.is_some() {
                return Ok(());
            }
            let mut tx = pool.begin_write().await?;
            lock_event_chain!(tx)?;
            chain_events!(tx)?;
            // Started, also when there was nothing to chain.
            sqlx::query("UPDATE event_chain SET last_id = 0 WHERE id = 1 AND last_id IS NULL")
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// The audit trail: oldest first, or the newest `limit` newest first.
    pub async fn audit_log(&self, q: &AuditQuery) -> Result<Vec<AuditRecord>, StoreError> {
        let mut sql = String::from(
            "SELECT id, at, login, tbl, action, row_key, debtor_id, \
             CAST(old AS TEXT) AS old, CAST(new AS TEXT) AS new FROM audit_log WHERE 1 = 1",
        );
        if q.debtor_id.is_some() {
            sql.push_str(" AND debtor_id = $1");
        } else {
            sql.push_str(" AND $1 IS NULL");
        }
        sql.push_str(" AND ($2 IS NULL OR at >= $2)");
        match q.limit {
            Some(n) => sql.push_str(&format!(" ORDER BY id DESC LIMIT {}", n.max(0))),
            None => sql.push_str(" ORDER BY id"),
        }

        let rows: Vec<AuditRow> = match self {
            // SQLite keeps `at` as RFC 3339 text with a Z: compare it as such.
            Store::Sqlite(pool) => {
                sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(q.debtor_id)
                    .bind(
                        q.since
                            .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()),
                    )
                    .fetch_all(pool)
                    .await?
            }
            Store::Postgres(pool) => {
                sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(q.debtor_id)
                    .bind(q.since)
                    .fetch_all(pool)
                    .await?
            }
        };
        let json = |s: Option<String>| -> Result<Option<serde_json::Value>, StoreError> {
            s.map(|s| serde_json::from_str(&s))
                .transpose()
                .map_err(|e| StoreError::Corrupt(format!("an audit entry's values: {e}")))
        };
        rows.into_iter()
            .map(|r| {
                Ok(AuditRecord {
                    id: r.id,
                    at: r.at,
                    login: r.login,
                    table: r.tbl,
                    action: r.action,
                    row_key: r.row_key,
                    debtor_id: r.debtor_id,
                    old: json(r.old)?,
                    new: json(r.new)?,
                })
            })
            .collect()
    }

    /// Checks the contact log against its hash chain, event by event in the order they were
    /// recorded, and names the first that does not fit: one changed (its fields or its
    /// stored content), one removed (the next one's link no longer fits), one added outside
    /// the app (not in the chain), or newest ones removed (the chain's head is missing).
    pub async fn verify_event_chain(&self) -> Result<ChainReport, StoreError> {
        let sql = format!(
            "SELECT {}, e.content, h.prev_hash, h.hash FROM events e \
             LEFT JOIN event_hashes h ON h.event_id = e.id ORDER BY e.id",
            EVENT_COLUMNS
                .split(", ")
                .map(|c| format!("e.{}", c.trim()))
                .collect::<Vec<_>>()
                .join(", ")
        );
        with_pool!(self, pool => {
            let (head, last_id): (Option<String>, Option<i64>) =
                sqlx::query_as("SELECT head, last_id FROM event_chain WHERE id = 1")
                    .fetch_one(pool)
                    .await?;
            let mut rows = sqlx::query_as::<_, VerifyRow>(sqlx::AssertSqlSafe(sql)).fetch(pool);
            let mut prev = String::new();
            let mut count = 0u64;
            let mut last_seen: Option<(i64, i64)> = None;
            let broken = |e: &EventRecord, why: String| ChainBreak {
                event_id: Some(e.id),
                debtor_id: Some(e.debtor_id),
                why,
            };
            while let Some(row) = rows.try_next().await? {
                count += 1;
                let e = &row.event;
                let (Some(prev_hash), Some(hash)) = (&row.prev_hash, &row.hash) else {
                    let why = if last_id.is_some_and(|l| e.id <= l) {
                        "its link in the chain was removed".to_string()
                    } else {
                        "it is not in the chain: it was written to the database outside Overdue".to_string()
                    };
                    return Ok(ChainReport { events: count, head, broken: Some(broken(e, why)) });
                };
                if let Some(content) = &row.content {
                    let actual: String =
                        Sha256::digest(content).iter().map(|b| format!("{b:02x}")).collect();
                    if e.sha256.as_deref() != Some(actual.as_str()) {
                        return Ok(ChainReport {
                            events: count,
                            head,
                            broken: Some(broken(e, "its stored content (the message or document as sent) was changed".into())),
                        });
                    }
                }
                if *prev_hash != prev {
                    let why = match last_seen {
                        Some((id, _)) => format!("it no longer follows event {id}: an event between them was removed, or the order was changed"),
                        None => "it no longer comes first: an earlier event was removed".to_string(),
                    };
                    return Ok(ChainReport { events: count, head, broken: Some(broken(e, why)) });
                }
                if chain_hash(&prev, e) != *hash {
                    return Ok(ChainReport {
                        events: count,
                        head,
                        broken: Some(broken(e, "it was changed after it was recorded (its fields no longer match its hash)".into())),
                    });
                }
                prev = hash.clone();
                last_seen = Some((e.id, e.debtor_id));
            }
            let fits_head = match (&head, last_id) {
                (None, None | Some(0)) => last_seen.is_none(),
                (Some(h), Some(l)) => *h == prev && last_seen.is_some_and(|(id, _)| id == l),
                _ => false,
            };
            let broken = (!fits_head).then(|| ChainBreak {
                event_id: None,
                debtor_id: None,
                why: match last_id {
                    Some(l) => format!("the newest events were removed: the chain ends at event {l}, the log at {}",
                        last_seen.map_or("its start".to_string(), |(id, _)| format!("event {id}"))),
                    None => "the chain's head was removed".to_string(),
                },
            });
            Ok(ChainReport { events: count, head, broken })
        })
    }
}
