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
    /// When it was written to the log.
    pub created_at: DateTime<Utc>,
}

/// Hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Appends `$event` (a [`NewEvent`]) inside the open transaction `$tx`, recorded at `$now`;
/// evaluates to `Result<i64, sqlx::Error>` with the new event's id.
macro_rules! insert_event {
    ($tx:expr, $event:expr, $now:expr) => {{
        let ev: &$crate::events::NewEvent = $event;
        let sha = ev.content.as_deref().map($crate::events::sha256_hex);
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO events (debtor_id, invoice_id, occurred_at, kind, author, summary, detail, \
             content, content_type, sha256, ref_table, ref_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
        )
        .bind(ev.debtor_id)
        .bind(ev.invoice_id)
        .bind(ev.occurred_at)
        .bind(ev.kind.trim())
        .bind(ev.author.trim())
        .bind(ev.summary.trim())
        .bind(&ev.detail)
        .bind(ev.content.as_deref())
        .bind(&ev.content_type)
        .bind(sha)
        .bind(&ev.ref_table)
        .bind(ev.ref_id)
        .bind($now)
        .fetch_one(&mut *$tx)
        .await
    }};
}
#[allow(unused_imports)] // used by other store modules as they log their writes
pub(crate) use insert_event;

const EVENT_COLUMNS: &str = "id, debtor_id, invoice_id, occurred_at, kind, author, summary, \
     detail, content_type, sha256, ref_table, ref_id, created_at";

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
