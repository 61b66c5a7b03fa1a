//! Credit: the ledger facts the payment score is computed from, the score's history, each
//! debtor's current score and alerts, and the owner's own credit inputs (migration 0008).

use chrono::{DateTime, NaiveDate, Utc};
use overdue_domain::Money;

use crate::ledger::currency;
use crate::{with_pool, Store, StoreError};

/// An invoice as the score sees it on one date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoringInvoice {
    /// The debtor.
    pub debtor_id: i64,
    /// Invoice number (the explanation names invoices by it).
    pub number: String,
    /// The invoice amount.
    pub amount: Money,
    /// Its due date.
    pub due_date: NaiveDate,
    /// Open balance on the date (exact for past dates).
    pub open: Money,
    /// The last payment applied to it on or before the date (when the balance reached zero,
    /// for a paid invoice); `None` when no payment was applied.
    pub last_paid_on: Option<NaiveDate>,
}

/// A debtor's credit terms as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditTerms {
    /// The debtor.
    pub debtor_id: i64,
    /// The debtor's currency code.
    pub currency: String,
    /// The credit limit in minor units; `None` = no limit.
    pub credit_limit_minor: Option<i64>,
    /// The debtor's own policy (JSON), overriding the default.
    pub policy_json: Option<String>,
}

/// One computed score, for the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreEntry {
    /// The debtor.
    pub debtor_id: i64,
    /// The date it describes.
    pub as_of: NaiveDate,
    /// 1-100, or `None` for unscored ("UN").
    pub score: Option<i64>,
    /// Amount-weighted days beyond terms, as a decimal string.
    pub weighted_dbt: Option<String>,
    /// Number of payment experiences.
    pub experiences: i64,
}

/// A debtor's current score and alerts (what the risk column shows and sorts by).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RiskEntry {
    /// The debtor.
    pub debtor_id: i64,
    /// The date it describes.
    pub as_of: NaiveDate,
    /// Score now.
    pub score: Option<i64>,
    /// The score of the previous history entry.
    pub previous_score: Option<i64>,
    /// Alert kinds (`over_limit`, `past_tolerance`, `score_dropped`).
    pub flags: Vec<String>,
    /// The alerts in words.
    pub reasons: Vec<String>,
    /// Sort key, higher = riskier.
    pub rank: i64,
}

/// The owner's own inputs on a debtor's credit, shown beside the computed score.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreditInputs {
    /// The debtor's policy (JSON) when it differs from the default.
    pub policy_json: Option<String>,
    /// A rating from an agency or bank, as the owner wrote it.
    pub external_rating: String,
    /// Trade references.
    pub trade_references: String,
    /// Notes.
    pub notes: String,
}

type RiskRow = (
    i64,
    NaiveDate,
    Option<i64>,
    Option<i64>,
    String,
    String,
    i64,
);

fn risk_from_row(r: RiskRow) -> Result<RiskEntry, StoreError> {
    let (debtor_id, as_of, score, previous_score, flags, reasons, rank) = r;
    Ok(RiskEntry {
        debtor_id,
        as_of,
        score,
        previous_score,
        flags: flags
            .split(',')
            .filter(|f| !f.is_empty())
            .map(str::to_string)
            .collect(),
        reasons: serde_json::from_str(&reasons)
            .map_err(|e| StoreError::Corrupt(format!("risk reasons: {e}")))?,
        rank,
    })
}

const SCORING_SQL: &str = "SELECT i.debtor_id, i.number, i.currency, i.amount_minor, i.due_date, \
     i.amount_minor \
       - COALESCE((SELECT CAST(sum(a.amount_minor) AS BIGINT) FROM allocations a \
                   WHERE a.invoice_id = i.id AND a.allocated_on <= $1 \
                     AND (a.reversed_on IS NULL OR a.reversed_on > $1)), 0) \
       - COALESCE((SELECT CAST(sum(x.amount_minor) AS BIGINT) FROM invoice_adjustments x \
                   WHERE x.invoice_id = i.id AND x.issued_on <= $1), 0), \
     (SELECT max(a.allocated_on) FROM allocations a \
      WHERE a.invoice_id = i.id AND a.allocated_on <= $1 \
        AND (a.reversed_on IS NULL OR a.reversed_on > $1)) \
     FROM invoices i \
     WHERE i.issue_date <= $1 AND i.debtor_id BETWEEN $2 AND $3 \
     ORDER BY i.debtor_id, i.due_date, i.id";

impl Store {
    /// Invoices of debtors with ids in `first..=last`, as the score sees them on `as_of`:
    /// issued by then, with the open balance and last payment date on that date.
    pub async fn scoring_invoices(
        &self,
        as_of: NaiveDate,
        first: i64,
        last: i64,
    ) -> Result<Vec<ScoringInvoice>, StoreError> {
        type Row = (i64, String, String, i64, NaiveDate, i64, Option<NaiveDate>);
        let rows: Vec<Row> = with_pool!(self, pool => {
            sqlx::query_as(SCORING_SQL)
                .bind(as_of)
                .bind(first)
                .bind(last)
                .fetch_all(pool)
                .await?
        });
        rows.into_iter()
            .map(|(debtor_id, number, cur, amount, due_date, open, paid)| {
                let c = currency(&cur)?;
                if open < 0 || open > amount {
                    return Err(StoreError::Corrupt(format!(
                        "invoice {number} would have had an open balance of {open} minor units on {as_of}"
                    )));
                }
                Ok(ScoringInvoice {
                    debtor_id,
                    number,
                    amount: Money::from_minor_units(amount, c),
                    due_date,
                    open: Money::from_minor_units(open, c),
                    last_paid_on: paid,
                })
            })
            .collect()
    }

    /// Credit terms of debtors with ids in `first..=last` (archived ones included).
    pub async fn credit_terms(
        &self,
        first: i64,
        last: i64,
    ) -> Result<Vec<CreditTerms>, StoreError> {
        type Row = (i64, String, Option<i64>, Option<String>);
        let rows: Vec<Row> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT d.id, d.currency, d.credit_limit_minor, c.policy FROM debtors d \
                 LEFT JOIN debtor_credit c ON c.debtor_id = d.id \
                 WHERE d.id BETWEEN $1 AND $2 ORDER BY d.id",
            )
            .bind(first)
            .bind(last)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(
                |(debtor_id, currency, credit_limit_minor, policy_json)| CreditTerms {
                    debtor_id,
                    currency,
                    credit_limit_minor,
                    policy_json,
                },
            )
            .collect())
    }

    /// The smallest and largest debtor id (`None` for an empty book).
    pub async fn debtor_id_range(&self) -> Result<Option<(i64, i64)>, StoreError> {
        let row: (Option<i64>, Option<i64>) = with_pool!(self, pool => {
            sqlx::query_as("SELECT min(id), max(id) FROM debtors").fetch_one(pool).await?
        });
        Ok(row.0.zip(row.1))
    }

    /// Each debtor's latest score before `as_of` (the "previous" score alerts compare with),
    /// for debtors with ids in `first..=last`.
    pub async fn previous_scores(
        &self,
        as_of: NaiveDate,
        first: i64,
        last: i64,
    ) -> Result<Vec<(i64, Option<i64>)>, StoreError> {
        with_pool!(self, pool => {
            Ok(sqlx::query_as(
                "SELECT h.debtor_id, h.score FROM score_history h \
                 WHERE h.debtor_id BETWEEN $2 AND $3 AND h.as_of = \
                   (SELECT max(p.as_of) FROM score_history p WHERE p.debtor_id = h.debtor_id AND p.as_of < $1)",
            )
            .bind(as_of)
            .bind(first)
            .bind(last)
            .fetch_all(pool)
            .await?)
        })
    }

    /// Writes scores to the history (replacing one of the same debtor and date) and the
    /// debtors' current risk, in one transaction.
    pub async fn save_scores(
        &self,
        scores: &[ScoreEntry],
        risks: &[RiskEntry],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            for s in scores {
                sqlx::query(
                    "INSERT INTO score_history (debtor_id, as_of, score, weighted_dbt, experiences, computed_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) \
                     ON CONFLICT (debtor_id, as_of) DO UPDATE SET score = excluded.score, \
                       weighted_dbt = excluded.weighted_dbt, experiences = excluded.experiences, \
                       computed_at = excluded.computed_at",
                )
                .bind(s.debtor_id)
                .bind(s.as_of)
                .bind(s.score)
                .bind(&s.weighted_dbt)
                .bind(s.experiences)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            for r in risks {
                let reasons = serde_json::to_string(&r.reasons)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                sqlx::query(
                    "INSERT INTO debtor_risk (debtor_id, as_of, score, previous_score, flags, reasons, rank, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     ON CONFLICT (debtor_id) DO UPDATE SET as_of = excluded.as_of, score = excluded.score, \
                       previous_score = excluded.previous_score, flags = excluded.flags, \
                       reasons = excluded.reasons, rank = excluded.rank, updated_at = excluded.updated_at",
                )
                .bind(r.debtor_id)
                .bind(r.as_of)
                .bind(r.score)
                .bind(r.previous_score)
                .bind(r.flags.join(","))
                .bind(reasons)
                .bind(r.rank)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// A debtor's score history, oldest first.
    pub async fn score_history(&self, debtor_id: i64) -> Result<Vec<ScoreEntry>, StoreError> {
        type Row = (NaiveDate, Option<i64>, Option<String>, i64);
        let rows: Vec<Row> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT as_of, score, weighted_dbt, experiences FROM score_history \
                 WHERE debtor_id = $1 ORDER BY as_of",
            )
            .bind(debtor_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(as_of, score, weighted_dbt, experiences)| ScoreEntry {
                debtor_id,
                as_of,
                score,
                weighted_dbt,
                experiences,
            })
            .collect())
    }

    /// The date of the newest score in the history (`None` when never scored).
    pub async fn latest_score_date(&self) -> Result<Option<NaiveDate>, StoreError> {
        with_pool!(self, pool => {
            Ok(sqlx::query_scalar("SELECT max(as_of) FROM debtor_risk").fetch_one(pool).await?)
        })
    }

    /// A debtor's current risk entry.
    pub async fn debtor_risk(&self, debtor_id: i64) -> Result<Option<RiskEntry>, StoreError> {
        let row: Option<RiskRow> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT debtor_id, as_of, score, previous_score, flags, reasons, rank \
                 FROM debtor_risk WHERE debtor_id = $1",
            )
            .bind(debtor_id)
            .fetch_optional(pool)
            .await?
        });
        row.map(risk_from_row).transpose()
    }

    /// Debtors with at least one alert, riskiest first (archived debtors left out).
    pub async fn risk_alerts(&self, limit: i64) -> Result<Vec<RiskEntry>, StoreError> {
        let rows: Vec<RiskRow> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT r.debtor_id, r.as_of, r.score, r.previous_score, r.flags, r.reasons, r.rank \
                 FROM debtor_risk r JOIN debtors d ON d.id = r.debtor_id \
                 WHERE r.flags <> '' AND d.archived_at IS NULL \
                 ORDER BY r.rank DESC, r.debtor_id LIMIT $1",
            )
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter().map(risk_from_row).collect()
    }

    /// Counts of debtors per alert kind (archived left out).
    pub async fn risk_counts(&self) -> Result<(i64, i64, i64), StoreError> {
        with_pool!(self, pool => {
            Ok(sqlx::query_as(
                "SELECT \
                   CAST(COALESCE(sum(CASE WHEN r.flags LIKE '%over_limit%' THEN 1 ELSE 0 END), 0) AS BIGINT), \
                   CAST(COALESCE(sum(CASE WHEN r.flags LIKE '%past_tolerance%' THEN 1 ELSE 0 END), 0) AS BIGINT), \
                   CAST(COALESCE(sum(CASE WHEN r.flags LIKE '%score_dropped%' THEN 1 ELSE 0 END), 0) AS BIGINT) \
                 FROM debtor_risk r JOIN debtors d ON d.id = r.debtor_id WHERE d.archived_at IS NULL",
            )
            .fetch_one(pool)
            .await?)
        })
    }

    /// The owner's credit inputs on a debtor (defaults when none were saved).
    pub async fn credit_inputs(&self, debtor_id: i64) -> Result<CreditInputs, StoreError> {
        let row: Option<(Option<String>, String, String, String)> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT policy, external_rating, trade_references, notes FROM debtor_credit WHERE debtor_id = $1",
            )
            .bind(debtor_id)
            .fetch_optional(pool)
            .await?
        });
        Ok(row
            .map(
                |(policy_json, external_rating, trade_references, notes)| CreditInputs {
                    policy_json,
                    external_rating,
                    trade_references,
                    notes,
                },
            )
            .unwrap_or_default())
    }

    /// Saves the owner's credit inputs on a debtor.
    pub async fn set_credit_inputs(
        &self,
        debtor_id: i64,
        inputs: &CreditInputs,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM debtors WHERE id = $1")
                .bind(debtor_id)
                .fetch_optional(&mut *tx)
                .await?;
            if exists.is_none() {
                return Err(StoreError::NotFound { entity: "debtor", key: debtor_id.to_string() });
            }
            sqlx::query(
                "INSERT INTO debtor_credit (debtor_id, policy, external_rating, trade_references, notes, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (debtor_id) DO UPDATE SET policy = excluded.policy, \
                   external_rating = excluded.external_rating, trade_references = excluded.trade_references, \
                   notes = excluded.notes, updated_at = excluded.updated_at",
            )
            .bind(debtor_id)
            .bind(&inputs.policy_json)
            .bind(inputs.external_rating.trim())
            .bind(inputs.trade_references.trim())
            .bind(inputs.notes.trim())
            .bind(now)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(())
        })
    }
}
