//! Debtors: create, update, archive, fetch, and the paged, sorted, searchable list.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use overdue_domain::{Address, Contact, Currency, DebtorDraft, DebtorKind, Money};
use serde::{Deserialize, Serialize};
use sqlx::AssertSqlSafe;

use overdue_domain::text::fold_for_search as fold;

use crate::{with_pool, Backend, Store, StoreError};

/// Writes the contacts and the search index entry for debtor `$id` inside transaction `$tx`.
/// A macro because the transaction type differs per backend.
macro_rules! write_contacts_and_index {
    ($tx:ident, $backend:expr, $id:expr, $draft:expr, $v:expr) => {
        sqlx::query("UPDATE debtors SET sort_name = $1 WHERE id = $2")
            .bind(sort_name(&$draft.name))
            .bind($id)
            .execute(&mut *$tx)
            .await?;
        for (pos, c) in $draft.contacts.iter().enumerate() {
            sqlx::query(
                "INSERT INTO debtor_contacts (debtor_id, position, name, role, email, phone) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind($id)
            .bind(pos as i64)
            .bind(c.name.trim())
            .bind(c.role.trim())
            .bind(c.email.trim())
            .bind(c.phone.trim())
            .execute(&mut *$tx)
            .await?;
        }
        match $backend {
            Backend::Sqlite => {
                sqlx::query(
                    "INSERT INTO debtors_fts (rowid, name, external_ref, emails, city) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind($id)
                .bind(fts_columns($draft).0)
                .bind(fts_columns($draft).1)
                .bind(fts_columns($draft).2)
                .bind(fts_columns($draft).3)
                .execute(&mut *$tx)
                .await?;
            }
            Backend::Postgres => {
                sqlx::query("UPDATE debtors SET search = to_tsvector('simple', $1) WHERE id = $2")
                    .bind(&$v.search_text)
                    .bind($id)
                    .execute(&mut *$tx)
                    .await?;
            }
        }
    };
}

/// Binds `$1`..`$15` of the debtor INSERT and UPDATE, which list the columns in the same
/// order (kind .. notes, account manager, timestamp).
macro_rules! bind_debtor_fields {
    ($q:expr, $draft:expr, $v:expr, $manager:expr, $now:expr) => {
        $q.bind($draft.kind.as_str())
            .bind($draft.name.trim())
            .bind(&$v.external_ref)
            .bind(&$draft.language)
            .bind($draft.currency.code())
            .bind(i64::from($draft.payment_terms_days))
            .bind($v.credit_limit_minor)
            .bind(&$draft.address.lines)
            .bind(&$draft.address.postal_code)
            .bind(&$draft.address.city)
            .bind(&$draft.address.country)
            .bind(&$v.tags)
            .bind(&$draft.notes)
            .bind($manager)
            .bind($now)
    };
}

/// A stored debtor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebtorRecord {
    /// Database id.
    pub id: i64,
    /// The debtor's details.
    pub draft: DebtorDraft,
    /// Staff member responsible (free text until staff accounts exist).
    pub account_manager: String,
    /// When it was archived, if it is.
    pub archived_at: Option<DateTime<Utc>>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it was last changed.
    pub updated_at: DateTime<Utc>,
    /// Its version: one more with every save, so a save read at an older one is refused.
    pub version: i64,
}

/// One line of the debtor list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebtorListRow {
    /// Database id.
    pub id: i64,
    /// Kind of debtor.
    pub kind: DebtorKind,
    /// Name.
    pub name: String,
    /// External reference ("" when none).
    pub external_ref: String,
    /// City.
    pub city: String,
    /// Country code.
    pub country: String,
    /// First contact's email ("" when none).
    pub email: String,
    /// Open balance of invoices in the debtor's currency.
    pub open_balance: Money,
    /// Part of the open balance that is past due as of the query's date.
    pub overdue_balance: Money,
    /// True when archived.
    pub archived: bool,
    /// The latest payment score (`None`: unscored or never scored).
    pub score: Option<u8>,
    /// Credit alerts: `over_limit`, `past_tolerance`, `score_dropped`.
    pub risk_flags: Vec<String>,
}

/// Columns the list can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DebtorSort {
    /// By name, case-insensitive.
    #[default]
    Name,
    /// By external reference.
    Reference,
    /// By city.
    City,
    /// By country code.
    Country,
    /// By open balance.
    OpenBalance,
    /// By overdue balance.
    OverdueBalance,
    /// By risk: most credit alerts first, then the lowest payment score (see
    /// `overdue_domain::risk`); never-scored debtors last.
    Risk,
}

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortDirection {
    /// A to Z, smallest first.
    #[default]
    Asc,
    /// Z to A, largest first.
    Desc,
}

/// A page of the debtor list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebtorQuery {
    /// Search text ("" = everything): prefix match on name, reference, email and city.
    pub search: String,
    /// Sort column.
    pub sort: DebtorSort,
    /// Sort direction.
    pub direction: SortDirection,
    /// Rows to skip.
    pub offset: i64,
    /// Rows to return (at most 1000).
    pub limit: i64,
    /// Include archived debtors.
    pub include_archived: bool,
    /// The date "overdue" is measured at.
    pub as_of: chrono::NaiveDate,
}

#[derive(sqlx::FromRow)]
struct DebtorRow {
    id: i64,
    kind: String,
    name: String,
    external_ref: Option<String>,
    language: String,
    currency: String,
    payment_terms_days: i64,
    credit_limit_minor: Option<i64>,
    address_lines: String,
    postal_code: String,
    city: String,
    country: String,
    tags: String,
    notes: String,
    account_manager: String,
    archived_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i64,
}

/// A contact as read with its debtor's id.
#[derive(sqlx::FromRow)]
struct DebtorContactRow {
    debtor_id: i64,
    #[sqlx(flatten)]
    contact: ContactRow,
}

#[derive(sqlx::FromRow)]
struct ContactRow {
    name: String,
    role: String,
    email: String,
    phone: String,
}

#[derive(sqlx::FromRow)]
struct ListRow {
    id: i64,
    kind: String,
    name: String,
    external_ref: Option<String>,
    city: String,
    country: String,
    currency: String,
    archived_at: Option<DateTime<Utc>>,
    email: Option<String>,
    open_minor: i64,
    overdue_minor: i64,
    score: Option<i64>,
    risk_flags: Option<String>,
}

fn parse_kind(s: &str) -> Result<DebtorKind, StoreError> {
    DebtorKind::parse(s).ok_or_else(|| StoreError::Corrupt(format!("unknown debtor kind {s:?}")))
}

fn parse_currency(s: &str) -> Result<Currency, StoreError> {
    Currency::from_code(s).map_err(|e| StoreError::Corrupt(e.to_string()))
}

impl DebtorRow {
    fn into_record(self, contacts: Vec<ContactRow>) -> Result<DebtorRecord, StoreError> {
        let currency = parse_currency(&self.currency)?;
        let tags: Vec<String> = if self.tags.is_empty() {
            Vec::new()
        } else {
            serde_json::from_str(&self.tags).map_err(|e| StoreError::Corrupt(e.to_string()))?
        };
        Ok(DebtorRecord {
            id: self.id,
            draft: DebtorDraft {
                kind: parse_kind(&self.kind)?,
                name: self.name,
                external_ref: self.external_ref.unwrap_or_default(),
                contacts: contacts
                    .into_iter()
                    .map(|c| Contact {
                        name: c.name,
                        role: c.role,
                        email: c.email,
                        phone: c.phone,
                    })
                    .collect(),
                address: Address {
                    lines: self.address_lines,
                    postal_code: self.postal_code,
                    city: self.city,
                    country: self.country,
                },
                language: self.language,
                currency,
                payment_terms_days: u32::try_from(self.payment_terms_days)
                    .map_err(|_| StoreError::Corrupt("negative payment terms".into()))?,
                credit_limit: self
                    .credit_limit_minor
                    .map(|m| Money::from_minor_units(m, currency).amount()),
                tags,
                notes: self.notes,
            },
            account_manager: self.account_manager,
            archived_at: self.archived_at,
            created_at: self.created_at,
            updated_at: self.updated_at,
            version: self.version,
        })
    }
}

/// The values bound for a debtor write, derived once from a draft.
struct DebtorValues {
    external_ref: Option<String>,
    credit_limit_minor: Option<i64>,
    tags: String,
    search_text: String,
}

impl DebtorValues {
    fn from(draft: &DebtorDraft) -> Result<Self, StoreError> {
        let external_ref = Some(draft.external_ref.trim().to_string()).filter(|r| !r.is_empty());
        let credit_limit_minor = draft
            .credit_limit
            .map(|l| Money::new(l, draft.currency).to_minor_units())
            .transpose()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let tags =
            serde_json::to_string(&draft.tags).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(DebtorValues {
            external_ref,
            credit_limit_minor,
            tags,
            search_text: search_text(draft),
        })
    }
}

fn emails(draft: &DebtorDraft) -> String {
    draft
        .contacts
        .iter()
        .map(|c| c.email.trim())
        .filter(|e| !e.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A debtor name's sort key, the same on both backends (compared byte by byte): folded
/// as for search (case, accents and letters such as Ł, Ø, ß), leading quotes and
/// punctuation passed over, so "Łódź Trading" sorts among the L's and "\"Acme\"" with A.
pub fn sort_name(name: &str) -> String {
    let folded = fold(name.trim());
    folded
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .to_string()
}

/// The SQLite FTS5 columns (name, reference, emails, city), folded for accent-free search.
pub(crate) fn fts_columns(draft: &DebtorDraft) -> (String, String, String, String) {
    fts_columns_of(
        &draft.name,
        &draft.external_ref,
        &emails(draft),
        &draft.address.city,
    )
}

/// [`fts_columns`] from a debtor's stored name, reference, contact emails (space
/// separated) and city: a copied book's search index is rebuilt from these.
pub(crate) fn fts_columns_of(
    name: &str,
    external_ref: &str,
    emails: &str,
    city: &str,
) -> (String, String, String, String) {
    (fold(name), fold(external_ref), fold(emails), fold(city))
}

/// Text indexed for PostgreSQL search: folded and cut into words exactly as
/// [`search_terms`] cuts the query (PostgreSQL's own parser keeps `no-1` or an email
/// address as one token, which a prefix of its parts would then not find).
pub(crate) fn search_text(draft: &DebtorDraft) -> String {
    search_text_of(
        &draft.name,
        &draft.external_ref,
        &emails(draft),
        &draft.address.city,
    )
}

/// [`search_text`] from a debtor's stored fields, as [`fts_columns_of`].
pub(crate) fn search_text_of(name: &str, external_ref: &str, emails: &str, city: &str) -> String {
    let text = format!("{name} {external_ref} {emails} {city}");
    fold(&text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Splits search input into word prefixes, keeping letters and digits only, so no input
/// can change the meaning of the FTS5 or tsquery expression.
fn search_terms(input: &str) -> Vec<String> {
    input
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .take(8)
        .map(fold)
        .collect()
}

impl Store {
    /// Stores a new debtor and returns its id. The draft must already be validated.
    pub async fn create_debtor(
        &self,
        draft: &DebtorDraft,
        account_manager: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let v = DebtorValues::from(draft)?;
        let backend = self.backend();
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let insert = sqlx::query_scalar(
                "INSERT INTO debtors (kind, name, external_ref, language, currency, \
                 payment_terms_days, credit_limit_minor, address_lines, postal_code, city, \
                 country, tags, notes, account_manager, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) \
                 RETURNING id",
            );
            let id: i64 = bind_debtor_fields!(insert, draft, v, account_manager, now)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| StoreError::unique(e, "reference", &draft.external_ref))?;
            write_contacts_and_index!(tx, backend, id, draft, v);
            tx.commit().await?;
            Ok(id)
        })
    }

    /// Replaces a debtor's details. The draft must already be validated.
    pub async fn update_debtor(
        &self,
        id: i64,
        draft: &DebtorDraft,
        account_manager: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.update_debtor_from(id, draft, account_manager, now, None)
            .await
    }

    /// Updates a debtor only if it is still at the version the editor read (`read`);
    /// otherwise nothing is written and the error is [`StoreError::Stale`] (someone else
    /// saved it in between). Every save makes the version one more.
    pub async fn update_debtor_from(
        &self,
        id: i64,
        draft: &DebtorDraft,
        account_manager: &str,
        now: DateTime<Utc>,
        read: Option<i64>,
    ) -> Result<(), StoreError> {
        let v = DebtorValues::from(draft)?;
        let backend = self.backend();
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let update = sqlx::query(
                "UPDATE debtors SET kind = $1, name = $2, external_ref = $3, language = $4, \
                 currency = $5, payment_terms_days = $6, credit_limit_minor = $7, \
                 address_lines = $8, postal_code = $9, city = $10, country = $11, tags = $12, \
                 notes = $13, account_manager = $14, updated_at = $15, version = version + 1 \
                 WHERE id = $16 AND ($17 IS NULL OR version = $17)",
            );
            let changed = bind_debtor_fields!(update, draft, v, account_manager, now)
            .bind(id)
            .bind(read)
            .execute(&mut *tx)
            .await
            .map_err(|e| StoreError::unique(e, "reference", &draft.external_ref))?
            .rows_affected();
            if changed == 0 {
                // Checked in the UPDATE itself, so a save that waited for another one's
                // lock sees that one's version, not the one it read before.
                let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM debtors WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
                return Err(match exists {
                    Some(_) => StoreError::Stale { entity: "debtor", key: id.to_string() },
                    None => StoreError::NotFound { entity: "debtor", key: id.to_string() },
                });
            }
            sqlx::query("DELETE FROM debtor_contacts WHERE debtor_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            if backend == Backend::Sqlite {
                sqlx::query("DELETE FROM debtors_fts WHERE rowid = $1").bind(id).execute(&mut *tx).await?;
            }
            write_contacts_and_index!(tx, backend, id, draft, v);
            tx.commit().await?;
            Ok(())
        })
    }

    /// Gives every debtor without one its name's sort key (after migration 0017 added the
    /// column to a book with debtors), in one transaction. Returns how many were filled.
    pub(crate) async fn fill_sort_names(&self) -> Result<u64, StoreError> {
        with_pool!(self, pool => {
            let rows: Vec<(i64, String)> =
                sqlx::query_as("SELECT id, name FROM debtors WHERE sort_name IS NULL")
                    .fetch_all(pool)
                    .await?;
            if rows.is_empty() {
                return Ok(0);
            }
            let mut tx = pool.begin_write().await?;
            for (id, name) in &rows {
                sqlx::query("UPDATE debtors SET sort_name = $1 WHERE id = $2")
                    .bind(sort_name(name))
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(rows.len() as u64)
        })
    }

    /// Archives (or restores) a debtor. Archived debtors keep their history.
    pub async fn set_debtor_archived(
        &self,
        id: i64,
        archived: bool,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let changed = with_pool!(self, pool => {
            sqlx::query("UPDATE debtors SET archived_at = $1, updated_at = $2, version = version + 1 WHERE id = $3")
                .bind(archived.then_some(now))
                .bind(now)
                .bind(id)
                .execute(pool)
                .await?
                .rows_affected()
        });
        if changed == 0 {
            return Err(StoreError::NotFound {
                entity: "debtor",
                key: id.to_string(),
            });
        }
        Ok(())
    }

    /// Fetches one debtor with its contacts.
    pub async fn debtor(&self, id: i64) -> Result<DebtorRecord, StoreError> {
        with_pool!(self, pool => {
            let row: Option<DebtorRow> = sqlx::query_as("SELECT * FROM debtors WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await?;
            let row = row.ok_or_else(|| StoreError::NotFound { entity: "debtor", key: id.to_string() })?;
            let contacts: Vec<ContactRow> = sqlx::query_as(
                "SELECT name, role, email, phone FROM debtor_contacts WHERE debtor_id = $1 ORDER BY position",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
            row.into_record(contacts)
        })
    }

    /// These debtors with their contacts, by id (those that exist), in two statements.
    pub async fn debtors_among(
        &self,
        ids: &[i64],
    ) -> Result<HashMap<i64, DebtorRecord>, StoreError> {
        let (among, json) = self.among("id", 1, ids);
        let (of_debtor, _) = self.among("debtor_id", 1, ids);
        let (rows, contacts): (Vec<DebtorRow>, Vec<(i64, ContactRow)>) = with_pool!(self, pool => {
            let rows = sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT * FROM debtors WHERE {among}")))
                .bind(&json)
                .fetch_all(pool)
                .await?;
            let contacts: Vec<DebtorContactRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT debtor_id, name, role, email, phone FROM debtor_contacts WHERE {of_debtor} \
                 ORDER BY debtor_id, position"
            )))
            .bind(&json)
            .fetch_all(pool)
            .await?;
            (rows, contacts.into_iter().map(|c| (c.debtor_id, c.contact)).collect())
        });
        let mut by_debtor: HashMap<i64, Vec<ContactRow>> = HashMap::new();
        for (id, c) in contacts {
            by_debtor.entry(id).or_default().push(c);
        }
        rows.into_iter()
            .map(|r| {
                let id = r.id;
                let contacts = by_debtor.remove(&id).unwrap_or_default();
                Ok((id, r.into_record(contacts)?))
            })
            .collect()
    }

    /// Finds a debtor's id by its external reference.
    pub async fn debtor_id_by_ref(&self, external_ref: &str) -> Result<i64, StoreError> {
        let id: Option<i64> = with_pool!(self, pool => {
            sqlx::query_scalar("SELECT id FROM debtors WHERE external_ref = $1")
                .bind(external_ref.trim())
                .fetch_optional(pool)
                .await?
        });
        id.ok_or_else(|| StoreError::NotFound {
            entity: "debtor",
            key: external_ref.to_string(),
        })
    }

    /// One page of the debtor list with the total number of matching debtors.
    pub async fn list_debtors(
        &self,
        q: &DebtorQuery,
    ) -> Result<(i64, Vec<DebtorListRow>), StoreError> {
        let terms = search_terms(&q.search);
        let backend = self.backend();
        let mut filters: Vec<&str> = Vec::new();
        if !q.include_archived {
            filters.push("d.archived_at IS NULL");
        }
        let search_value = match backend {
            Backend::Sqlite => terms
                .iter()
                .map(|t| format!("\"{t}\"*"))
                .collect::<Vec<_>>()
                .join(" "),
            Backend::Postgres => terms
                .iter()
                .map(|t| format!("{t}:*"))
                .collect::<Vec<_>>()
                .join(" & "),
        };
        if !terms.is_empty() {
            filters.push(match backend {
                Backend::Sqlite => {
                    "d.id IN (SELECT rowid FROM debtors_fts WHERE debtors_fts MATCH $2)"
                }
                Backend::Postgres => "d.search @@ to_tsquery('simple', $2)",
            });
        }
        let where_sql = if filters.is_empty() {
            "WHERE $2 = $2".to_string()
        } else {
            format!("WHERE $2 = $2 AND {}", filters.join(" AND "))
        };
        let text_order = |col: &str| match backend {
            Backend::Sqlite => format!("{col} COLLATE NOCASE"),
            Backend::Postgres => format!("lower({col})"),
        };
        let order_col = match q.sort {
            DebtorSort::Name => match backend {
                Backend::Sqlite => "d.sort_name".to_string(),
                Backend::Postgres => "d.sort_name COLLATE \"C\"".to_string(),
            },
            DebtorSort::Reference => text_order("coalesce(d.external_ref, '')"),
            DebtorSort::City => text_order("d.city"),
            DebtorSort::Country => "d.country".to_string(),
            DebtorSort::OpenBalance => "open_minor".to_string(),
            DebtorSort::OverdueBalance => "overdue_minor".to_string(),
            DebtorSort::Risk => "coalesce(r.rank, -1)".to_string(),
        };
        let dir = match q.direction {
            SortDirection::Asc => "ASC",
            SortDirection::Desc => "DESC",
        };
        // Amounts in different currencies are not comparable (TRY 45,000 is not more than
        // EUR 40,000), so the money columns sort within each currency: the book's main
        // currency (the one most debtors are in) first, then the others by code.
        let order_col = match q.sort {
            DebtorSort::OpenBalance | DebtorSort::OverdueBalance => format!(
                "CASE WHEN d.currency = (SELECT m.currency FROM debtors m GROUP BY m.currency \
                 ORDER BY count(*) DESC, m.currency LIMIT 1) THEN 0 ELSE 1 END, d.currency, \
                 {order_col} {dir}"
            ),
            _ => format!("{order_col} {dir}"),
        };
        // Balances come from open items only (partial index on open invoices).
        let list_sql = format!(
            "SELECT d.id, d.kind, d.name, d.external_ref, d.city, d.country, d.currency, d.archived_at, \
             (SELECT c.email FROM debtor_contacts c WHERE c.debtor_id = d.id ORDER BY c.position LIMIT 1) AS email, \
             CAST(coalesce((SELECT sum(i.open_minor) FROM invoices i WHERE i.debtor_id = d.id AND i.open_minor > 0 AND i.currency = d.currency), 0) AS BIGINT) AS open_minor, \
             CAST(coalesce((SELECT sum(i.open_minor) FROM invoices i WHERE i.debtor_id = d.id AND i.open_minor > 0 AND i.currency = d.currency AND i.due_date < $1), 0) AS BIGINT) AS overdue_minor, \
             r.score, r.flags AS risk_flags \
             FROM debtors d LEFT JOIN debtor_risk r ON r.debtor_id = d.id {where_sql} ORDER BY {order_col}, d.id {dir} LIMIT $3 OFFSET $4"
        );
        let count_sql = format!("SELECT count(*) FROM debtors d {where_sql} AND $1 = $1");
        let limit = q.limit.clamp(1, 1000);
        let offset = q.offset.max(0);
        let (total, rows): (i64, Vec<ListRow>) = with_pool!(self, pool => {
            let total: i64 = sqlx::query_scalar(AssertSqlSafe(count_sql))
                .bind(q.as_of)
                .bind(&search_value)
                .fetch_one(pool)
                .await?;
            let rows: Vec<ListRow> = sqlx::query_as(AssertSqlSafe(list_sql))
                .bind(q.as_of)
                .bind(&search_value)
                .bind(limit)
                .bind(offset)
                .fetch_all(pool)
                .await?;
            (total, rows)
        });
        let rows = rows
            .into_iter()
            .map(|r| {
                let currency = parse_currency(&r.currency)?;
                Ok(DebtorListRow {
                    id: r.id,
                    kind: parse_kind(&r.kind)?,
                    name: r.name,
                    external_ref: r.external_ref.unwrap_or_default(),
                    city: r.city,
                    country: r.country,
                    email: r.email.unwrap_or_default(),
                    open_balance: Money::from_minor_units(r.open_minor, currency),
                    overdue_balance: Money::from_minor_units(r.overdue_minor, currency),
                    archived: r.archived_at.is_some(),
                    score: r.score.and_then(|s| u8::try_from(s).ok()),
                    risk_flags: r
                        .risk_flags
                        .unwrap_or_default()
                        .split(',')
                        .filter(|f| !f.is_empty())
                        .map(str::to_string)
                        .collect(),
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok((total, rows))
    }
}

#[cfg(test)]
mod tests {
    use super::search_terms;

    #[test]
    fn search_input_cannot_inject_query_syntax() {
        assert_eq!(
            search_terms("Øster \"OR* NEAR("),
            vec!["oster", "or", "near"]
        );
        assert!(search_terms("\"*:&|!()").is_empty());
    }
}
