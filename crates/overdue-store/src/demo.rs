//! Bulk loading of a generated dataset (demo data, benchmarks): multi-row inserts in one
//! transaction, so a half-loaded demo can never be left behind.

use chrono::{DateTime, NaiveDate, Utc};
use overdue_domain::DebtorDraft;
use sqlx::QueryBuilder;

use crate::audit::{close_import, open_import};
use crate::debtors::{fts_columns, search_text};
use crate::{with_pool, Backend, ImportRecord, Store, StoreError};

/// A generated debtor.
#[derive(Debug, Clone)]
pub struct DemoDebtor {
    /// Its details.
    pub draft: DebtorDraft,
    /// Account manager.
    pub account_manager: String,
}

/// A generated invoice; `debtor` indexes the debtor slice.
#[derive(Debug, Clone)]
pub struct DemoInvoice {
    /// Index into the debtors.
    pub debtor: usize,
    /// Unique invoice number.
    pub number: String,
    /// Issue date.
    pub issue_date: NaiveDate,
    /// Due date.
    pub due_date: NaiveDate,
    /// Amount in minor units (the debtor's currency).
    pub amount_minor: i64,
    /// Tax included in the amount, minor units.
    pub tax_minor: i64,
    /// Description.
    pub description: String,
}

/// A generated payment, allocated to invoices (`(invoice index, minor units)`).
#[derive(Debug, Clone)]
pub struct DemoPayment {
    /// Index into the debtors.
    pub debtor: usize,
    /// Payment date.
    pub paid_on: NaiveDate,
    /// Amount in minor units.
    pub amount_minor: i64,
    /// Method ("bank transfer", "card", ...).
    pub method: String,
    /// Bank reference.
    pub reference: String,
    /// Allocations to invoices; their sum never exceeds the amount.
    pub allocations: Vec<(usize, i64)>,
}

/// Rows per multi-row INSERT: far below SQLite's 32,766 and PostgreSQL's 65,535
/// bind-parameter limits for the widest table.
const CHUNK: usize = 1000;

impl Store {
    /// Inserts a generated dataset in one transaction, with open balances and unapplied
    /// amounts consistent with its allocations from the start; over-allocated generated
    /// data is refused up front with a readable message.
    pub async fn insert_dataset(
        &self,
        debtors: &[DemoDebtor],
        invoices: &[DemoInvoice],
        payments: &[DemoPayment],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.insert_dataset_imported(debtors, invoices, payments, now, None)
            .await
    }

    /// [`Store::insert_dataset`] audited as the one import `import` (see [`ImportRecord`]).
    pub async fn insert_dataset_imported(
        &self,
        debtors: &[DemoDebtor],
        invoices: &[DemoInvoice],
        payments: &[DemoPayment],
        now: DateTime<Utc>,
        import: Option<&ImportRecord>,
    ) -> Result<(), StoreError> {
        let mut open: Vec<i64> = invoices.iter().map(|i| i.amount_minor).collect();
        for p in payments {
            for (inv, amount) in &p.allocations {
                open[*inv] -= amount;
            }
        }
        if let Some(bad) = open.iter().position(|o| *o < 0) {
            return Err(StoreError::Corrupt(format!(
                "generated allocations exceed invoice {}",
                invoices[bad].number
            )));
        }
        let backend = self.backend();
        // On SQLite the row-by-row allocation triggers are set aside for this transaction
        // and the final balances are written directly (checked above, and by the CHECK
        // constraints): a million trigger updates, each rewriting two open-item indexes,
        // cost more than the rest of the load. DDL is transactional in SQLite, so no other
        // connection ever sees the triggers missing; they are re-created from their own
        // stored SQL before commit. PostgreSQL's triggers work per statement and stay.
        let direct = backend == Backend::Sqlite;
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            open_import!(tx, import, now, backend);
            let set_aside: Vec<(String, String)> = if direct {
                let rows: Vec<(String, String)> = sqlx::query_as(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'allocations' \
                     AND name IN ('allocations_guard', 'allocations_apply')",
                )
                .fetch_all(&mut *tx)
                .await?;
                for (name, _) in &rows {
                    sqlx::query(sqlx::AssertSqlSafe(format!("DROP TRIGGER \"{name}\"")))
                        .execute(&mut *tx)
                        .await?;
                }
                rows
            } else {
                Vec::new()
            };
            let max_of = |table: &'static str| format!("SELECT coalesce(max(id), 0) FROM {table}");
            let d0: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(max_of("debtors"))).fetch_one(&mut *tx).await?;
            let i0: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(max_of("invoices"))).fetch_one(&mut *tx).await?;
            let p0: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(max_of("payments"))).fetch_one(&mut *tx).await?;

            for (c, chunk) in debtors.chunks(CHUNK).enumerate() {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO debtors (id, kind, name, external_ref, language, currency, \
                     payment_terms_days, credit_limit_minor, address_lines, postal_code, city, \
                     country, tags, notes, account_manager, created_at, updated_at, sort_name) ",
                );
                qb.push_values(chunk.iter().enumerate(), |mut b, (k, d)| {
                    let draft = &d.draft;
                    let limit = draft.credit_limit.map(|l| {
                        overdue_domain::Money::new(l, draft.currency).to_minor_units().unwrap_or(0)
                    });
                    b.push_bind(d0 + 1 + (c * CHUNK + k) as i64)
                        .push_bind(draft.kind.as_str())
                        .push_bind(draft.name.clone())
                        .push_bind(Some(draft.external_ref.clone()).filter(|r| !r.is_empty()))
                        .push_bind(draft.language.clone())
                        .push_bind(draft.currency.code().to_string())
                        .push_bind(i64::from(draft.payment_terms_days))
                        .push_bind(limit)
                        .push_bind(draft.address.lines.clone())
                        .push_bind(draft.address.postal_code.clone())
                        .push_bind(draft.address.city.clone())
                        .push_bind(draft.address.country.clone())
                        .push_bind(serde_json::to_string(&draft.tags).unwrap_or_else(|_| "[]".into()))
                        .push_bind(draft.notes.clone())
                        .push_bind(d.account_manager.clone())
                        .push_bind(now)
                        .push_bind(now)
                        .push_bind(crate::debtors::sort_name(&draft.name));
                });
                qb.build().execute(&mut *tx).await
                    .map_err(|e| StoreError::unique(e, "demo reference", "(already loaded)"))?;
            }
            let contacts: Vec<(i64, usize, &overdue_domain::Contact)> = debtors
                .iter()
                .enumerate()
                .flat_map(|(k, d)| d.draft.contacts.iter().enumerate().map(move |(pos, c)| (d0 + 1 + k as i64, pos, c)))
                .collect();
            for chunk in contacts.chunks(CHUNK) {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO debtor_contacts (debtor_id, position, name, role, email, phone) ",
                );
                qb.push_values(chunk, |mut b, (id, pos, c)| {
                    b.push_bind(*id)
                        .push_bind(*pos as i64)
                        .push_bind(c.name.clone())
                        .push_bind(c.role.clone())
                        .push_bind(c.email.clone())
                        .push_bind(c.phone.clone());
                });
                qb.build().execute(&mut *tx).await?;
            }
            // Search index entries, folded in Rust exactly as single writes fold them.
            let index: Vec<(i64, &DebtorDraft)> =
                debtors.iter().enumerate().map(|(k, d)| (d0 + 1 + k as i64, &d.draft)).collect();
            for chunk in index.chunks(CHUNK) {
                match backend {
                    Backend::Sqlite => {
                        let mut qb = QueryBuilder::new(
                            "INSERT INTO debtors_fts (rowid, name, external_ref, emails, city) ",
                        );
                        qb.push_values(chunk, |mut b, (id, d)| {
                            let (name, reference, emails, city) = fts_columns(d);
                            b.push_bind(*id).push_bind(name).push_bind(reference).push_bind(emails).push_bind(city);
                        });
                        qb.build().execute(&mut *tx).await?;
                    }
                    Backend::Postgres => {
                        let mut qb = QueryBuilder::new(
                            "UPDATE debtors AS d SET search = to_tsvector('simple', v.t) FROM (",
                        );
                        qb.push_values(chunk, |mut b, (id, d)| {
                            b.push_bind(*id).push_bind(search_text(d));
                        });
                        qb.push(") AS v (id, t) WHERE d.id = v.id");
                        qb.build().execute(&mut *tx).await?;
                    }
                }
            }
            for (c, chunk) in invoices.chunks(CHUNK).enumerate() {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO invoices (id, debtor_id, number, issue_date, due_date, currency, \
                     amount_minor, tax_minor, open_minor, description, created_at) ",
                );
                qb.push_values(chunk.iter().enumerate(), |mut b, (k, inv)| {
                    let idx = c * CHUNK + k;
                    b.push_bind(i0 + 1 + idx as i64)
                        .push_bind(d0 + 1 + inv.debtor as i64)
                        .push_bind(inv.number.clone())
                        .push_bind(inv.issue_date)
                        .push_bind(inv.due_date)
                        .push_bind(debtors[inv.debtor].draft.currency.code().to_string())
                        .push_bind(inv.amount_minor)
                        .push_bind(inv.tax_minor)
                        // With the triggers in place (PostgreSQL) balances start at the
                        // full amount and each allocation is taken off as it goes in.
                        .push_bind(if direct { open[idx] } else { inv.amount_minor })
                        .push_bind(inv.description.clone())
                        .push_bind(now);
                });
                qb.build().execute(&mut *tx).await
                    .map_err(|e| StoreError::unique(e, "invoice number", "(demo data with this seed is already loaded)"))?;
            }
            for (c, chunk) in payments.chunks(CHUNK).enumerate() {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO payments (id, debtor_id, paid_on, currency, amount_minor, \
                     unapplied_minor, method, reference, created_at) ",
                );
                qb.push_values(chunk.iter().enumerate(), |mut b, (k, p)| {
                    let allocated: i64 = p.allocations.iter().map(|a| a.1).sum();
                    b.push_bind(p0 + 1 + (c * CHUNK + k) as i64)
                        .push_bind(d0 + 1 + p.debtor as i64)
                        .push_bind(p.paid_on)
                        .push_bind(debtors[p.debtor].draft.currency.code().to_string())
                        .push_bind(p.amount_minor)
                        .push_bind(if direct { p.amount_minor - allocated } else { p.amount_minor })
                        .push_bind(p.method.clone())
                        .push_bind(p.reference.clone())
                        .push_bind(now);
                });
                qb.build().execute(&mut *tx).await?;
            }
            let allocs: Vec<(i64, i64, i64, NaiveDate)> = payments
                .iter()
                .enumerate()
                .flat_map(|(k, p)| {
                    p.allocations.iter().map(move |(inv, amt)| (p0 + 1 + k as i64, i0 + 1 + *inv as i64, *amt, p.paid_on))
                })
                .collect();
            for chunk in allocs.chunks(CHUNK) {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO allocations (payment_id, invoice_id, amount_minor, allocated_on) ",
                );
                qb.push_values(chunk, |mut b, (p, i, a, d)| {
                    b.push_bind(*p).push_bind(*i).push_bind(*a).push_bind(*d);
                });
                qb.build().execute(&mut *tx).await?;
            }
            for (_, sql) in &set_aside {
                sqlx::query(sqlx::AssertSqlSafe(sql.clone())).execute(&mut *tx).await?;
            }
            if backend == Backend::Postgres {
                // Explicit ids were inserted: move the identity sequences past them.
                for t in ["debtors", "invoices", "payments"] {
                    let sql = format!("SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT coalesce(max(id), 1) FROM {t}))");
                    sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *tx).await?;
                }
            }
            close_import!(tx, import, backend);
            tx.commit().await?;
            Ok(())
        })
    }
}
