//! Hand-written SQL that answers the benchmark's questions from scratch, with none of the
//! store's maintained balances or indexes on open items: the baseline `overdue bench`
//! measures the store against, in the same run and on the same file (BENCHMARKS.md).
//! Nothing in the application calls these.

use chrono::NaiveDate;

use crate::{Store, StoreError};

/// One debtor's aging row as the baseline computes it: minor units per bucket
/// (current, 1-30, 31-60, 61-90, 90+).
pub type BaselineAgingRow = (i64, String, i64, i64, i64, i64, i64);

/// Aging by due date as of `as_of` from the full history: every invoice issued by then,
/// minus every allocation and adjustment dated by then, bucketed by days past due.
const AGING_FROM_SCRATCH: &str = "\
WITH paid AS (
    SELECT invoice_id, sum(amount_minor) AS s FROM allocations
    WHERE allocated_on <= $1 AND (reversed_on IS NULL OR reversed_on > $1)
    GROUP BY invoice_id),
adj AS (
    SELECT invoice_id, sum(amount_minor) AS s FROM invoice_adjustments
    WHERE issued_on <= $1 GROUP BY invoice_id),
open AS (
    SELECT i.debtor_id, i.currency,
           CAST(julianday($1) - julianday(i.due_date) AS INTEGER) AS days,
           i.amount_minor - coalesce(p.s, 0) - coalesce(a.s, 0) AS o
    FROM invoices i
    LEFT JOIN paid p ON p.invoice_id = i.id
    LEFT JOIN adj a ON a.invoice_id = i.id
    WHERE i.issue_date <= $1)
SELECT debtor_id, currency,
       sum(CASE WHEN days <= 0 THEN o ELSE 0 END),
       sum(CASE WHEN days BETWEEN 1 AND 30 THEN o ELSE 0 END),
       sum(CASE WHEN days BETWEEN 31 AND 60 THEN o ELSE 0 END),
       sum(CASE WHEN days BETWEEN 61 AND 90 THEN o ELSE 0 END),
       sum(CASE WHEN days > 90 THEN o ELSE 0 END)
FROM open WHERE o > 0
GROUP BY debtor_id, currency
ORDER BY debtor_id, currency";

/// One debtor's statement lines (date, kind, signed minor units, running balance) over a
/// period, with the opening balance as the first line.
const STATEMENT_FROM_SCRATCH: &str = "\
WITH entries AS (
    SELECT issue_date AS d, 0 AS k, id, amount_minor AS a FROM invoices WHERE debtor_id = $1
    UNION ALL SELECT paid_on, 1, id, -amount_minor FROM payments WHERE debtor_id = $1
    UNION ALL SELECT reversed_on, 2, id, amount_minor FROM payments
              WHERE debtor_id = $1 AND reversed_on IS NOT NULL
    UNION ALL SELECT x.issued_on, 3, x.id, -x.amount_minor FROM invoice_adjustments x
              JOIN invoices i ON i.id = x.invoice_id WHERE i.debtor_id = $1),
opening AS (SELECT coalesce(sum(a), 0) AS b FROM entries WHERE d < $2)
SELECT $2 AS d, -1 AS k, 0 AS id, 0 AS a, (SELECT b FROM opening) AS balance
UNION ALL
SELECT d, k, id, a, (SELECT b FROM opening) + sum(a) OVER (ORDER BY d, k, id) AS balance
FROM entries WHERE d BETWEEN $2 AND $3
ORDER BY 1, 2, 3";

impl Store {
    /// The baseline aging (SQLite only).
    pub async fn baseline_aging(
        &self,
        as_of: NaiveDate,
    ) -> Result<Vec<BaselineAgingRow>, StoreError> {
        match self {
            Store::Sqlite(pool) => Ok(sqlx::query_as(AGING_FROM_SCRATCH)
                .bind(as_of)
                .fetch_all(pool)
                .await?),
            Store::Postgres(_) => Err(StoreError::Unsupported("the SQLite baseline")),
        }
    }

    /// The baseline statement of one debtor (SQLite only): rows of (date, kind, id,
    /// amount, running balance).
    pub async fn baseline_statement(
        &self,
        debtor_id: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(NaiveDate, i64, i64, i64, i64)>, StoreError> {
        match self {
            Store::Sqlite(pool) => Ok(sqlx::query_as(STATEMENT_FROM_SCRATCH)
                .bind(debtor_id)
                .bind(from)
                .bind(to)
                .fetch_all(pool)
                .await?),
            Store::Postgres(_) => Err(StoreError::Unsupported("the SQLite baseline")),
        }
    }

    /// The baseline import: the same invoice rows inserted one prepared statement per row
    /// into the same schema in one transaction (SQLite only). Rows are (debtor id, number,
    /// issue date, due date, currency, amount minor units).
    pub async fn baseline_insert_invoices(
        &self,
        rows: &[(i64, String, NaiveDate, NaiveDate, String, i64)],
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), StoreError> {
        let Store::Sqlite(pool) = self else {
            return Err(StoreError::Unsupported("the SQLite baseline"));
        };
        let mut tx = pool.begin().await?;
        for (debtor, number, issue, due, currency, amount) in rows {
            sqlx::query(
                "INSERT INTO invoices (debtor_id, number, issue_date, due_date, currency, \
                 amount_minor, tax_minor, open_minor, description, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, 0, $6, '', $7)",
            )
            .bind(debtor)
            .bind(number)
            .bind(issue)
            .bind(due)
            .bind(currency)
            .bind(amount)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
