//! What limitation periods are worked out from: every open invoice with its debtor's
//! country, kind and late-fee policy, and the last part payment on it that was not
//! reversed.

use chrono::NaiveDate;

use crate::{with_pool, Store, StoreError};

/// One open invoice as the limitation rules read it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LimitationRow {
    /// Invoice id.
    pub invoice_id: i64,
    /// Invoice number.
    pub number: String,
    /// Debtor id.
    pub debtor_id: i64,
    /// Debtor name.
    pub debtor_name: String,
    /// The debtor's country (ISO alpha-2, may be empty).
    pub country: String,
    /// `company`, `individual` or `sole_trader`.
    pub kind: String,
    /// Invoice date.
    pub issue_date: NaiveDate,
    /// Due date.
    pub due_date: NaiveDate,
    /// Currency.
    pub currency: String,
    /// Open balance in minor units.
    pub open_minor: i64,
    /// The latest day a payment (not reversed) was applied to it, if any.
    pub last_payment: Option<NaiveDate>,
    /// The debtor's own late-fee policy (JSON), if it has one.
    pub policy: Option<String>,
}

impl Store {
    /// Every open invoice (of one debtor, or of all; issued on or before `issued_by`, when
    /// given), oldest due first.
    pub async fn limitation_rows(
        &self,
        debtor_id: Option<i64>,
        issued_by: Option<NaiveDate>,
    ) -> Result<Vec<LimitationRow>, StoreError> {
        with_pool!(self, pool => {
            Ok(sqlx::query_as::<_, LimitationRow>(
                "SELECT i.id AS invoice_id, i.number, i.debtor_id, d.name AS debtor_name, \
                   d.country, d.kind, i.issue_date, i.due_date, i.currency, i.open_minor, \
                   (SELECT MAX(p.paid_on) FROM allocations a JOIN payments p ON p.id = a.payment_id \
                     WHERE a.invoice_id = i.id AND a.reversed_on IS NULL AND p.reversed_on IS NULL) \
                     AS last_payment, \
                   lp.policy \
                 FROM invoices i JOIN debtors d ON d.id = i.debtor_id \
                 LEFT JOIN debtor_late_fee_policy lp ON lp.debtor_id = i.debtor_id \
                 WHERE i.open_minor > 0 AND ($1 IS NULL OR i.debtor_id = $1) \
                   AND ($2 IS NULL OR i.issue_date <= $2) \
                 ORDER BY i.due_date, i.id",
            )
            .bind(debtor_id)
            .bind(issued_by)
            .fetch_all(pool)
            .await?)
        })
    }
}
