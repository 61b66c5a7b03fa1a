//! Documents as produced and files attached by the user, both kept byte for byte with
//! their SHA-256 (migration 0007). Storing a document or an attachment also logs it on the
//! debtor's contact log, in the same transaction.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::events::{
    chain_events, insert_event, insert_event_unchained, lock_event_chain, sha256_hex, NewEvent,
};
use crate::{with_pool, Store, StoreError};

/// A document to keep (a letter sent, an invoice or a case file exported).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewDocument {
    /// Whose.
    pub debtor_id: i64,
    /// The invoice it is about, if one.
    pub invoice_id: Option<i64>,
    /// Document kind (`final-demand`, `invoice`, `case-file`, ...).
    pub kind: String,
    /// Title (the subject line).
    pub title: String,
    /// File name it was saved or sent under.
    pub file_name: String,
    /// MIME type (`application/pdf`, `application/zip`).
    pub content_type: String,
    /// The bytes exactly as produced.
    pub content: Vec<u8>,
    /// Who produced it.
    pub author: String,
    /// The contact-log event kind: `letter` for letters sent, `document` for exports.
    pub event_kind: String,
}

/// A stored document (without its bytes).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DocumentRecord {
    /// Id.
    pub id: i64,
    /// Whose.
    pub debtor_id: i64,
    /// Invoice, if one.
    pub invoice_id: Option<i64>,
    /// Kind.
    pub kind: String,
    /// Title.
    pub title: String,
    /// File name.
    pub file_name: String,
    /// MIME type.
    pub content_type: String,
    /// Hex SHA-256 of the bytes.
    pub sha256: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// When it was produced.
    pub created_at: DateTime<Utc>,
}

/// A file to attach to a debtor or one of its invoices.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewAttachment {
    /// Whose.
    pub debtor_id: i64,
    /// The invoice, if it is about one.
    pub invoice_id: Option<i64>,
    /// Original file name.
    pub file_name: String,
    /// MIME type.
    pub content_type: String,
    /// The bytes as received.
    pub content: Vec<u8>,
    /// Who attached it.
    pub author: String,
}

/// A stored attachment (without its bytes).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AttachmentRecord {
    /// Id.
    pub id: i64,
    /// Whose.
    pub debtor_id: i64,
    /// Invoice, if one.
    pub invoice_id: Option<i64>,
    /// Original file name.
    pub file_name: String,
    /// MIME type.
    pub content_type: String,
    /// Hex SHA-256.
    pub sha256: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// When it was attached.
    pub created_at: DateTime<Utc>,
}

const DOCUMENT_COLUMNS: &str = "id, debtor_id, invoice_id, kind, title, file_name, content_type, \
     sha256, CAST(length(content) AS BIGINT) AS size_bytes, created_at";
const ATTACHMENT_COLUMNS: &str =
    "id, debtor_id, invoice_id, file_name, content_type, sha256, size_bytes, created_at";

impl Store {
    /// Keeps documents exactly as produced and logs each on its debtor's contact log, all
    /// in one transaction (a batch run is kept whole or not at all). Returns the ids and
    /// SHA-256 of the stored documents, in order.
    pub async fn store_documents(
        &self,
        docs: &[NewDocument],
        now: DateTime<Utc>,
    ) -> Result<Vec<(i64, String)>, StoreError> {
        for d in docs {
            if d.kind.trim().is_empty() || d.content.is_empty() {
                return Err(StoreError::Rejected(
                    "a stored document needs a kind and content".into(),
                ));
            }
        }
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let mut out = Vec::with_capacity(docs.len());
            // One lock and one chaining for the whole batch, not per letter.
            lock_event_chain!(tx)?;
            for d in docs {
                let sha = sha256_hex(&d.content);
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO documents (debtor_id, invoice_id, kind, title, file_name, \
                     content_type, content, sha256, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                )
                .bind(d.debtor_id)
                .bind(d.invoice_id)
                .bind(d.kind.trim())
                .bind(&d.title)
                .bind(&d.file_name)
                .bind(&d.content_type)
                .bind(&d.content)
                .bind(&sha)
                .bind(now)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| missing_debtor(e, d.debtor_id))?;
                let event = NewEvent {
                    debtor_id: d.debtor_id,
                    invoice_id: d.invoice_id,
                    occurred_at: now,
                    kind: d.event_kind.clone(),
                    author: d.author.clone(),
                    summary: format!("{} produced ({})", d.title, d.file_name),
                    detail: format!(
                        "{{\"document_id\":{id},\"kind\":\"{}\",\"sha256\":\"{sha}\",\"bytes\":{}}}",
                        d.kind.trim().replace(['"', '\\'], ""),
                        d.content.len()
                    ),
                    content: None,
                    content_type: d.content_type.clone(),
                    ref_table: "documents".into(),
                    ref_id: Some(id),
                };
                insert_event_unchained!(tx, &event, now)?;
                out.push((id, sha));
            }
            chain_events!(tx)?;
            tx.commit().await?;
            Ok(out)
        })
    }

    /// A debtor's stored documents, oldest first.
    pub async fn documents_of(&self, debtor_id: i64) -> Result<Vec<DocumentRecord>, StoreError> {
        let sql =
            format!("SELECT {DOCUMENT_COLUMNS} FROM documents WHERE debtor_id = $1 ORDER BY id");
        with_pool!(self, pool => {
            Ok(sqlx::query_as::<_, DocumentRecord>(sqlx::AssertSqlSafe(sql))
                .bind(debtor_id)
                .fetch_all(pool)
                .await?)
        })
    }

    /// The stored documents of these debtors, oldest first per debtor, in one statement.
    pub async fn documents_among(
        &self,
        debtor_ids: &[i64],
    ) -> Result<HashMap<i64, Vec<DocumentRecord>>, StoreError> {
        let (among, json) = self.among("debtor_id", 1, debtor_ids);
        let sql = format!("SELECT {DOCUMENT_COLUMNS} FROM documents WHERE {among} ORDER BY id");
        let rows: Vec<DocumentRecord> = with_pool!(self, pool => {
            sqlx::query_as::<_, DocumentRecord>(sqlx::AssertSqlSafe(sql))
                .bind(&json)
                .fetch_all(pool)
                .await?
        });
        let mut out: HashMap<i64, Vec<DocumentRecord>> = HashMap::new();
        for d in rows {
            out.entry(d.debtor_id).or_default().push(d);
        }
        Ok(out)
    }

    /// One stored document's bytes and record.
    pub async fn document(&self, id: i64) -> Result<(DocumentRecord, Vec<u8>), StoreError> {
        let sql = format!("SELECT {DOCUMENT_COLUMNS} FROM documents WHERE id = $1");
        with_pool!(self, pool => {
            let rec = sqlx::query_as::<_, DocumentRecord>(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(pool)
                .await?
                .ok_or(StoreError::NotFound { entity: "document", key: id.to_string() })?;
            let content: Vec<u8> = sqlx::query_scalar("SELECT content FROM documents WHERE id = $1")
                .bind(id)
                .fetch_one(pool)
                .await?;
            Ok((rec, content))
        })
    }

    /// Attaches a file to a debtor (or one of its invoices) and logs it, in one transaction.
    pub async fn add_attachment(
        &self,
        a: &NewAttachment,
        now: DateTime<Utc>,
    ) -> Result<AttachmentRecord, StoreError> {
        if a.file_name.trim().is_empty() {
            return Err(StoreError::Rejected(
                "an attachment needs a file name".into(),
            ));
        }
        let sha = sha256_hex(&a.content);
        let size = i64::try_from(a.content.len()).unwrap_or(i64::MAX);
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            if let Some(inv) = a.invoice_id {
                let owner: Option<i64> = sqlx::query_scalar("SELECT debtor_id FROM invoices WHERE id = $1")
                    .bind(inv)
                    .fetch_optional(&mut *tx)
                    .await?;
                if owner != Some(a.debtor_id) {
                    return Err(StoreError::Rejected(format!(
                        "invoice {inv} is not one of debtor {}'s invoices",
                        a.debtor_id
                    )));
                }
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO attachments (debtor_id, invoice_id, file_name, content_type, content, \
                 sha256, size_bytes, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(a.debtor_id)
            .bind(a.invoice_id)
            .bind(a.file_name.trim())
            .bind(&a.content_type)
            .bind(&a.content)
            .bind(&sha)
            .bind(size)
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| missing_debtor(e, a.debtor_id))?;
            let event = NewEvent {
                debtor_id: a.debtor_id,
                invoice_id: a.invoice_id,
                occurred_at: now,
                kind: "attachment".into(),
                author: a.author.clone(),
                summary: format!("File attached: {}", a.file_name.trim()),
                detail: format!("{{\"attachment_id\":{id},\"sha256\":\"{sha}\",\"bytes\":{size}}}"),
                content: None,
                content_type: a.content_type.clone(),
                ref_table: "attachments".into(),
                ref_id: Some(id),
            };
            insert_event!(tx, &event, now)?;
            tx.commit().await?;
            Ok(AttachmentRecord {
                id,
                debtor_id: a.debtor_id,
                invoice_id: a.invoice_id,
                file_name: a.file_name.trim().to_string(),
                content_type: a.content_type.clone(),
                sha256: sha,
                size_bytes: size,
                created_at: now,
            })
        })
    }

    /// A debtor's attachments, oldest first.
    pub async fn attachments_of(
        &self,
        debtor_id: i64,
    ) -> Result<Vec<AttachmentRecord>, StoreError> {
        let sql = format!(
            "SELECT {ATTACHMENT_COLUMNS} FROM attachments WHERE debtor_id = $1 ORDER BY id"
        );
        with_pool!(self, pool => {
            Ok(sqlx::query_as::<_, AttachmentRecord>(sqlx::AssertSqlSafe(sql))
                .bind(debtor_id)
                .fetch_all(pool)
                .await?)
        })
    }

    /// One attachment's bytes.
    pub async fn attachment_content(&self, id: i64) -> Result<Vec<u8>, StoreError> {
        with_pool!(self, pool => {
            sqlx::query_scalar("SELECT content FROM attachments WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await?
                .ok_or(StoreError::NotFound { entity: "attachment", key: id.to_string() })
        })
    }
}

/// A foreign-key failure on `debtor_id` reads as "debtor N was not found".
fn missing_debtor(e: sqlx::Error, debtor_id: i64) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound {
            entity: "debtor",
            key: debtor_id.to_string(),
        },
        _ => StoreError::from(e),
    }
}
