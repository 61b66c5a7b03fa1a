//! The contact log: an append-only list of events per debtor (emails, letters, calls,
//! notes, promises, disputes, plans, settlements, exported documents, status changes).
//!
//! The database refuses updates and deletes of `events` (triggers on both backends). Other
//! modules that change something and log it in the same transaction use
//! [`insert_event!`](crate::events::insert_event) with their own transaction.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::{with_pool, Store, StoreError};

/// An event to append to a debtor's contact log.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewEvent {
    /// The debtor it is about.
    pub debtor_id: i64,
    /// The invoice it is about, if one.
    pub invoice_id: Option<i64>,
    /// When it happened (a call made yesterday is logged today with yesterday's time).
    pub occurred_at: DateTime<Utc>,
    /// What kind of event: `email`, `letter`, `call`, `note`, `promise`, `dispute`, `plan`,
    /// `settlement`, `document`, `status`, ... (free text; the UI shows it as a label).
    pub kind: String,
    /// Who did it: a staff member's name, or `overdue` for automatic actions.
    pub author: String,
    /// One line for the timeline.
    pub summary: String,
    /// More, by kind: JSON or free text.
    pub detail: String,
    /// The bytes exactly as sent or exported (an email's RFC 5322 message, a PDF), if any.
    pub content: Option<Vec<u8>>,
    /// MIME type of `content` (`message/rfc822`, `application/pdf`).
    pub content_type: String,
    /// The record it is about (`payment_plans`, `promises`, `dunning_actions`, ...).
    pub ref_table: String,
    /// That record's id.
    pub ref_id: Option<i64>,
}

/// A stored event.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct EventRecord {
    /// Id, increasing in the order events were recorded.
    pub id: i64,
    /// The debtor.
    pub debtor_id: i64,
    /// The invoice, if one.
    pub invoice_id: Option<i64>,
    /// When it happened.
    pub occurred_at: DateTime<Utc>,
    /// Kind label.
    pub kind: String,
    /// Who.
    pub author: String,
    /// One line.
    pub summary: String,
    /// More.
    pub detail: String,
    /// MIME type of the stored content ('' when none).
    pub content_type: String,
    /// Hex SHA-256 of the stored content.
    pub sha256: Option<String>,
    /// Record it is about.
    pub ref_table: String,
    /// That record's id.
    pub ref_id: Option<i64>,
    /// The login that wrote it (the session's on PostgreSQL, the OS user on SQLite; empty
    /// for events recorded before the audit trail).
    pub login: String,
    /// When it was written to the log.
    pub created_at: DateTime<Utc>,
}

/// The columns of [`EventRecord`], for a SELECT on `events`.
pub(crate) const EVENT_COLUMNS: &str = "id, debtor_id, invoice_id, occurred_at, kind, author, \
     summary, detail, content_type, sha256, ref_table, ref_id, login, created_at";

/// Hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lower-case hex of `bytes` (a table, not a `format!` per byte: the chain hashes every
/// event of a bank import or a letter batch).
fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// A time as the chain hashes it: RFC 3339 UTC to the microsecond
/// (`2026-12-07T21:09:03.123456Z`, chrono's `%Y-%m-%dT%H:%M:%S%.6fZ`), written directly
/// for the years 0 to 9999; chrono's formatter for anything else.
fn chain_time(t: DateTime<Utc>) -> String {
    use chrono::{Datelike, Timelike};
    let t = to_micros(t);
    let (year, nanos) = (t.year(), t.nanosecond());
    if !(0..=9999).contains(&year) || nanos >= 1_000_000_000 {
        return t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
    }
    format!(
        "{year:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        nanos / 1000
    )
}

/// A time as the contact log keeps it: to the microsecond (PostgreSQL's precision), so the
/// value hashed into the chain is the value read back on either backend.
pub fn to_micros(t: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::DurationRound;
    t.duration_trunc(chrono::TimeDelta::microseconds(1))
        .unwrap_or(t)
}

/// The hash of `e` following `prev` in the contact log's chain (hex SHA-256). Every field
/// goes in with its length in front, so no two different events hash alike; times go in
/// as RFC 3339 UTC to the microsecond. Written once, used when events are recorded and by
/// `audit verify`.
pub(crate) fn chain_hash(prev: &str, e: &EventRecord) -> String {
    let mut h = Sha256::new();
    let mut field = |s: &str| {
        h.update((s.len() as u64).to_be_bytes());
        h.update(s.as_bytes());
    };
    let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    let time = chain_time;
    field("overdue-event-chain-1");
    field(prev);
    field(&e.id.to_string());
    field(&e.debtor_id.to_string());
    field(&opt(e.invoice_id));
    field(&time(e.occurred_at));
    field(&e.kind);
    field(&e.author);
    field(&e.summary);
    field(&e.detail);
    field(&e.content_type);
    field(e.sha256.as_deref().unwrap_or(""));
    field(&e.ref_table);
    field(&opt(e.ref_id));
    field(&e.login);
    field(&time(e.created_at));
    hex(&h.finalize())
}

/// Takes the contact log's chain for the open transaction `$tx` (a row lock on
/// `event_chain`; on SQLite the write lock is held already): events recorded from here
/// until [`chain_events!`] get ids above the chain's last and are chained in id order.
macro_rules! lock_event_chain {
    ($tx:expr) => {
        sqlx::query("UPDATE event_chain SET last_id = last_id WHERE id = 1")
            .execute(&mut *$tx)
            .await
    };
}
pub(crate) use lock_event_chain;

/// Chains every event after the chain's last one (in id order) inside the open
/// transaction `$tx`, which holds the chain's lock ([`lock_event_chain!`]): their hashes
/// go to `event_hashes` and the newest becomes the chain's head. Evaluates to
/// `Result<(), sqlx::Error>`.
macro_rules! chain_events {
    ($tx:expr) => {{
        async {
            let (head, last): (Option<String>, Option<i64>) =
                sqlx::query_as("SELECT head, last_id FROM event_chain WHERE id = 1")
                    .fetch_one(&mut *$tx)
                    .await?;
            let sql = format!(
                "SELECT {} FROM events WHERE id > $1 ORDER BY id",
                $crate::events::EVENT_COLUMNS
            );
            let pending: Vec<$crate::events::EventRecord> =
                sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(last.unwrap_or(0))
                    .fetch_all(&mut *$tx)
                    .await?;
            let Some(newest) = pending.last().map(|e| e.id) else {
                return Ok::<(), sqlx::Error>(());
            };
            let mut prev = head.unwrap_or_default();
            let mut rows = Vec::with_capacity(pending.len());
            for e in &pending {
                let hash = $crate::events::chain_hash(&prev, e);
                rows.push((e.id, std::mem::replace(&mut prev, hash.clone()), hash));
            }
            for chunk in rows.chunks(3000) {
                let mut qb = sqlx::QueryBuilder::new(
                    "INSERT INTO event_hashes (event_id, prev_hash, hash) ",
                );
                qb.push_values(chunk, |mut b, (id, p, h)| {
                    b.push_bind(*id).push_bind(p.clone()).push_bind(h.clone());
                });
                qb.build().execute(&mut *$tx).await?;
            }
            sqlx::query("UPDATE event_chain SET head = $1, last_id = $2 WHERE id = 1")
                .bind(&prev)
                .bind(newest)
                .execute(&mut *$tx)
                .await?;
            Ok(())
        }
        .await
    }};
}
pub(crate) use chain_events;

/// Appends `$event` (a [`NewEvent`]) inside the open transaction `$tx`, recorded at `$now`
/// by the session's login, without chaining it: for a loop of events, which takes the
/// chain's lock once before ([`lock_event_chain!`]) and chains them all once after
/// ([`chain_events!`]). Evaluates to `Result<i64, sqlx::Error>` with the new event's id.
macro_rules! insert_event_unchained {
    ($tx:expr, $event:expr, $now:expr) => {{
        let ev: &$crate::events::NewEvent = $event;
        let sha = ev.content.as_deref().map($crate::events::sha256_hex);
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO events (debtor_id, invoice_id, occurred_at, kind, author, summary, detail, \
             content, content_type, sha256, ref_table, ref_id, created_at, login) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, \
             (SELECT login FROM audit_actor WHERE id = 1)) RETURNING id",
        )
        .bind(ev.debtor_id)
        .bind(ev.invoice_id)
        .bind($crate::events::to_micros(ev.occurred_at))
        .bind(ev.kind.trim())
        .bind(ev.author.trim())
        .bind(ev.summary.trim())
        .bind(&ev.detail)
        .bind(ev.content.as_deref())
        .bind(&ev.content_type)
        .bind(sha)
        .bind(&ev.ref_table)
        .bind(ev.ref_id)
        .bind($crate::events::to_micros($now))
        .fetch_one(&mut *$tx)
        .await
    }};
}
pub(crate) use insert_event_unchained;

/// Appends `$event` (a [`NewEvent`]) inside the open transaction `$tx`, recorded at `$now`
/// by the session's login, and chains it; evaluates to `Result<i64, sqlx::Error>` with the
/// new event's id.
macro_rules! insert_event {
    ($tx:expr, $event:expr, $now:expr) => {{
        async {
            $crate::events::lock_event_chain!($tx)?;
            let id = $crate::events::insert_event_unchained!($tx, $event, $now)?;
            $crate::events::chain_events!($tx)?;
            Ok::<i64, sqlx::Error>(id)
        }
        .await
    }};
}
#[allow(unused_imports)] // used by other store modules as they log their writes
pub(crate) use insert_event;

impl Store {
    /// Appends one event to a debtor's contact log, in its own transaction.
    pub async fn append_event(
        &self,
        event: &NewEvent,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        if event.kind.trim().is_empty() {
            return Err(StoreError::Rejected("an event needs a kind".into()));
        }
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let id = insert_event!(tx, event, now)?;
            tx.commit().await?;
            Ok(id)
        })
    }

    /// A debtor's contact log, newest first (by when it happened, then by id).
    pub async fn events_of(&self, debtor_id: i64) -> Result<Vec<EventRecord>, StoreError> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE debtor_id = $1 \
             ORDER BY occurred_at DESC, id DESC"
        );
        with_pool!(self, pool => {
            Ok(sqlx::query_as::<_, EventRecord>(sqlx::AssertSqlSafe(sql))
                .bind(debtor_id)
                .fetch_all(pool)
                .await?)
        })
    }

    /// One event's stored content (bytes exactly as sent) and its recorded SHA-256.
    pub async fn event_content(
        &self,
        event_id: i64,
    ) -> Result<(Option<Vec<u8>>, Option<String>), StoreError> {
        with_pool!(self, pool => {
            let row: Option<(Option<Vec<u8>>, Option<String>)> =
                sqlx::query_as("SELECT content, sha256 FROM events WHERE id = $1")
                    .bind(event_id)
                    .fetch_optional(pool)
                    .await?;
            row.ok_or(StoreError::NotFound { entity: "event", key: event_id.to_string() })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The chain's hashes must never change: the direct writing of times and hex is
    /// chrono's and `format!`'s, value for value.
    #[test]
    fn times_and_hex_are_written_as_before() {
        use chrono::TimeZone;
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut times: Vec<DateTime<Utc>> = vec![
            Utc.with_ymd_and_hms(1970, 1, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2026, 12, 31, 23, 59, 59).unwrap(),
            Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap(),
            Utc.with_ymd_and_hms(10000, 1, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(-1, 6, 1, 12, 0, 0).unwrap(),
        ];
        for _ in 0..20_000 {
            let secs = (next() % 8_000_000_000) as i64 - 1_000_000_000;
            let nanos = (next() % 1_000_000_000) as u32;
            times.push(DateTime::from_timestamp(secs, nanos).unwrap());
        }
        for t in times {
            let before = to_micros(t).format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
            assert_eq!(chain_time(t), before, "{t:?}");
        }
        for n in 0..300u64 {
            let bytes: Vec<u8> = (0..(n % 40)).map(|_| next() as u8).collect();
            let before: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(hex(&bytes), before);
        }
    }
}
