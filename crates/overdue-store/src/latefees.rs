//! Late fees on the stored book (migration 0009): debtors' late-fee policies, rate rows the
//! user added, the payment history interest is computed from, and charges.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use overdue_domain::Money;

use crate::events::{insert_event, NewEvent};
use crate::ledger::currency;
use crate::{with_pool, Store, StoreError};

/// A rate row the user added or imported.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UserRateRow {
    /// Id.
    pub id: i64,
    /// Series code (as in the rate table CSV).
    pub series: String,
    /// First day in force.
    pub valid_from: NaiveDate,
    /// Last day in force.
    pub valid_to: NaiveDate,
    /// Percent a year, decimal string.
    pub rate: String,
    /// Where the figure comes from.
    pub source: String,
}

/// What interest needs to know of an invoice: its payments and credit notes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InvoiceHistory {
    /// Allocations: (date applied, minor units, reversed on).
    pub allocations: Vec<(NaiveDate, i64, Option<NaiveDate>)>,
    /// Credit notes: (date, minor units).
    pub credit_notes: Vec<(NaiveDate, i64)>,
}

/// A charge to book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCharge {
    /// The debtor.
    pub debtor_id: i64,
    /// The invoice it is claimed on.
    pub invoice_id: i64,
    /// `interest`, `compensation` or `fee`.
    pub kind: String,
    /// Date booked.
    pub charged_on: NaiveDate,
    /// Interest period (interest only).
    pub period: Option<(NaiveDate, NaiveDate)>,
    /// Amount.
    pub amount: Money,
    /// The legal or contractual basis, in words.
    pub basis: String,
}

/// A booked charge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChargeRecord {
    /// Id.
    pub id: i64,
    /// The debtor.
    pub debtor_id: i64,
    /// The invoice.
    pub invoice_id: i64,
    /// The invoice's number.
    pub invoice_number: String,
    /// Kind.
    pub kind: String,
    /// Date booked.
    pub charged_on: NaiveDate,
    /// Interest period.
    pub period: Option<(NaiveDate, NaiveDate)>,
    /// Amount.
    pub amount: Money,
    /// Basis.
    pub basis: String,
    /// When reversed, if it was.
    pub reversed_on: Option<NaiveDate>,
    /// Why.
    pub reversal_reason: String,
}

type AllocationRow = (i64, NaiveDate, i64, Option<NaiveDate>);
type NoteRow = (i64, NaiveDate, i64);

type ChargeRow = (
    i64,
    i64,
    i64,
    String,
    String,
    NaiveDate,
    Option<NaiveDate>,
    Option<NaiveDate>,
    String,
    i64,
    String,
    Option<NaiveDate>,
    String,
);

impl Store {
    /// Each distinct (country, own late-fee policy JSON) among the debtors not archived:
    /// which laws, and so which reference rates, the book's interest depends on.
    pub async fn late_fee_countries_and_policies(
        &self,
    ) -> Result<Vec<(String, Option<String>)>, StoreError> {
        with_pool!(self, pool => {
            Ok(sqlx::query_as(
                "SELECT DISTINCT d.country, p.policy FROM debtors d \
                 LEFT JOIN debtor_late_fee_policy p ON p.debtor_id = d.id \
                 WHERE d.archived_at IS NULL",
            )
            .fetch_all(pool)
            .await?)
        })
    }

    /// A debtor's own late-fee policy (JSON), if it has one.
    pub async fn late_fee_policy(&self, debtor_id: i64) -> Result<Option<String>, StoreError> {
        with_pool!(self, pool => {
            Ok(sqlx::query_scalar("SELECT policy FROM debtor_late_fee_policy WHERE debtor_id = $1")
                .bind(debtor_id)
                .fetch_optional(pool)
                .await?)
        })
    }

    /// The own late-fee policies (JSON) of these debtors that have one, in one statement.
    pub async fn late_fee_policies_among(
        &self,
        debtor_ids: &[i64],
    ) -> Result<HashMap<i64, String>, StoreError> {
        let (among, json) = self.among("debtor_id", 1, debtor_ids);
        let rows: Vec<(i64, String)> = with_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT debtor_id, policy FROM debtor_late_fee_policy WHERE {among}"
            )))
            .bind(&json)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().collect())
    }

    /// Sets (or with `None` removes) a debtor's own late-fee policy.
    pub async fn set_late_fee_policy(
        &self,
        debtor_id: i64,
        policy: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.debtor(debtor_id).await?;
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query("DELETE FROM debtor_late_fee_policy WHERE debtor_id = $1")
                .bind(debtor_id)
                .execute(&mut *tx)
                .await?;
            if let Some(p) = policy {
                sqlx::query("INSERT INTO debtor_late_fee_policy (debtor_id, policy, updated_at) VALUES ($1, $2, $3)")
                    .bind(debtor_id)
                    .bind(p)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// Rate rows the user added or imported, by series and date.
    pub async fn user_rate_rows(&self) -> Result<Vec<UserRateRow>, StoreError> {
        with_pool!(self, pool => {
            Ok(sqlx::query_as(
                "SELECT id, series, valid_from, valid_to, rate, source FROM user_rate_rows ORDER BY series, valid_from",
            )
            .fetch_all(pool)
            .await?)
        })
    }

    /// Merges rate rows (a row the user adds, or those read from a publisher's file) into
    /// the user's rows, in one transaction: each replaces the user's rows of its series that
    /// share a day with it; rows of other series stay.
    pub async fn merge_rate_rows(
        &self,
        rows: &[UserRateRow],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            for r in rows {
                sqlx::query(
                    "DELETE FROM user_rate_rows WHERE series = $1 AND valid_from <= $2 \
                     AND valid_to >= $3",
                )
                .bind(&r.series)
                .bind(r.valid_to)
                .bind(r.valid_from)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO user_rate_rows (series, valid_from, valid_to, rate, source, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&r.series)
                .bind(r.valid_from)
                .bind(r.valid_to)
                .bind(&r.rate)
                .bind(r.source.trim())
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// Removes one of the user's rate rows.
    pub async fn delete_rate_row(&self, id: i64) -> Result<(), StoreError> {
        let n = with_pool!(self, pool => {
            sqlx::query("DELETE FROM user_rate_rows WHERE id = $1")
                .bind(id)
                .execute(pool)
                .await?
                .rows_affected()
        });
        if n == 0 {
            return Err(StoreError::NotFound {
                entity: "rate row",
                key: id.to_string(),
            });
        }
        Ok(())
    }

    /// Payments and credit notes of these invoices, for interest on part payments.
    pub async fn invoice_histories(
        &self,
        ids: &[i64],
    ) -> Result<HashMap<i64, InvoiceHistory>, StoreError> {
        let mut out: HashMap<i64, InvoiceHistory> = HashMap::new();
        if ids.is_empty() {
            return Ok(out);
        }
        let (among, json) = self.among("invoice_id", 1, ids);
        let (allocs, notes): (Vec<AllocationRow>, Vec<NoteRow>) = with_pool!(self, pool => {
            let allocs = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT invoice_id, allocated_on, amount_minor, reversed_on FROM allocations \
                 WHERE {among} ORDER BY allocated_on, id"
            )))
            .bind(&json)
            .fetch_all(pool)
            .await?;
            let notes = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT invoice_id, issued_on, amount_minor FROM invoice_adjustments \
                 WHERE kind = 'credit_note' AND {among} ORDER BY issued_on, id"
            )))
            .bind(&json)
            .fetch_all(pool)
            .await?;
            (allocs, notes)
        });
        for (id, on, amount, reversed) in allocs {
            out.entry(id)
                .or_default()
                .allocations
                .push((on, amount, reversed));
        }
        for (id, on, amount) in notes {
            out.entry(id).or_default().credit_notes.push((on, amount));
        }
        Ok(out)
    }

    /// Books charges, with one contact-log event, in one transaction. Returns their ids.
    pub async fn add_charges(
        &self,
        charges: &[NewCharge],
        event: &NewEvent,
        now: DateTime<Utc>,
    ) -> Result<Vec<i64>, StoreError> {
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let mut ids = Vec::with_capacity(charges.len());
            for c in charges {
                let minor = c.amount.to_minor_units().map_err(|e| StoreError::Rejected(e.to_string()))?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO charges (debtor_id, invoice_id, kind, charged_on, period_from, period_to, \
                     currency, amount_minor, basis, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                )
                .bind(c.debtor_id)
                .bind(c.invoice_id)
                .bind(&c.kind)
                .bind(c.charged_on)
                .bind(c.period.map(|p| p.0))
                .bind(c.period.map(|p| p.1))
                .bind(c.amount.currency().code())
                .bind(minor)
                .bind(&c.basis)
                .bind(now)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| StoreError::refused(e, |db| format!("the charge was refused: {db}")))?;
                ids.push(id);
            }
            insert_event!(tx, event, now)?;
            tx.commit().await?;
            Ok(ids)
        })
    }

    /// A debtor's charges, oldest first.
    pub async fn charges_of(&self, debtor_id: i64) -> Result<Vec<ChargeRecord>, StoreError> {
        Ok(self
            .charges_among(&[debtor_id])
            .await?
            .remove(&debtor_id)
            .unwrap_or_default())
    }

    /// The charges of these debtors, oldest first per debtor, in one statement.
    pub async fn charges_among(
        &self,
        debtor_ids: &[i64],
    ) -> Result<HashMap<i64, Vec<ChargeRecord>>, StoreError> {
        let (among, json) = self.among("c.debtor_id", 1, debtor_ids);
        let rows: Vec<ChargeRow> = with_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT c.id, c.debtor_id, c.invoice_id, i.number, c.kind, c.charged_on, c.period_from, \
                 c.period_to, c.currency, c.amount_minor, c.basis, c.reversed_on, c.reversal_reason \
                 FROM charges c JOIN invoices i ON i.id = c.invoice_id \
                 WHERE {among} ORDER BY c.charged_on, c.id"
            )))
            .bind(&json)
            .fetch_all(pool)
            .await?
        });
        let mut out: HashMap<i64, Vec<ChargeRecord>> = HashMap::new();
        for r in rows {
            out.entry(r.1).or_default().push(ChargeRecord {
                id: r.0,
                debtor_id: r.1,
                invoice_id: r.2,
                invoice_number: r.3,
                kind: r.4,
                charged_on: r.5,
                period: r.6.zip(r.7),
                amount: Money::from_minor_units(r.9, currency(&r.8)?),
                basis: r.10,
                reversed_on: r.11,
                reversal_reason: r.12,
            });
        }
        Ok(out)
    }

    /// Reverses a charge from `on` (it stays on record), with an event, in one transaction.
    pub async fn reverse_charge(
        &self,
        id: i64,
        on: NaiveDate,
        reason: &str,
        event: &NewEvent,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let changed = sqlx::query(
                "UPDATE charges SET reversed_on = $2, reversal_reason = $3 \
                 WHERE id = $1 AND reversed_on IS NULL AND charged_on <= $2",
            )
            .bind(id)
            .bind(on)
            .bind(reason.trim())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                return Err(StoreError::Rejected(format!(
                    "charge {id} does not exist, is already reversed, or was booked after {on}"
                )));
            }
            insert_event!(tx, event, now)?;
            tx.commit().await?;
            Ok(())
        })
    }
}
