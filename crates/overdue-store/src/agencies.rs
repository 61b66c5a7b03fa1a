//! Collection agencies (migration 0015): agencies, the cases handed over to them, what
//! they collected and the commission each collection cost.

use chrono::{DateTime, NaiveDate, Utc};

use crate::events::{insert_event, NewEvent};
use crate::ledger::NewPayment;
use crate::{with_pool, Store, StoreError};

/// An agency as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AgencyRecord {
    /// Id.
    pub id: i64,
    /// Name (unique).
    pub name: String,
    /// Where the handover goes.
    pub email: String,
    /// Percent of each collection, decimal string.
    pub commission_pct: String,
    /// Fee charged with a case's first collection, minor units.
    pub fee_per_case_minor: i64,
    /// The contract's terms in words.
    pub terms: String,
    /// Countries covered ("DE, AT").
    pub countries: String,
    /// The person at the agency who handles our cases.
    pub contact: String,
    /// The least a case costs once the agency collects anything, minor units.
    pub min_commission_minor: i64,
}

/// A new agency.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewAgency {
    /// Name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Percent, decimal string.
    pub commission_pct: String,
    /// Fee per case, minor units.
    pub fee_per_case_minor: i64,
    /// Terms.
    pub terms: String,
    /// Countries.
    pub countries: String,
    /// Contact person.
    pub contact: String,
    /// Minimum commission per case, minor units.
    pub min_commission_minor: i64,
}

/// A case handed over.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AgencyCaseRecord {
    /// Id.
    pub id: i64,
    /// The agency.
    pub agency_id: i64,
    /// The agency's name.
    pub agency: String,
    /// The debtor.
    pub debtor_id: i64,
    /// The debtor's name.
    pub debtor: String,
    /// Day handed over.
    pub handed_over_on: NaiveDate,
    /// Currency.
    pub currency: String,
    /// Principal handed over, minor units.
    pub principal_minor: i64,
    /// Interest claimed at handover.
    pub interest_minor: i64,
    /// Compensation claimed at handover.
    pub compensation_minor: i64,
    /// `open`, `recalled` or `closed`.
    pub status: String,
    /// Why it was handed over without the usual notice ("" = it had notice).
    pub reason: String,
    /// Day recalled.
    pub recalled_on: Option<NaiveDate>,
    /// Why.
    pub recall_reason: String,
    /// Collected so far (gross), minor units.
    pub collected_minor: i64,
    /// Commission so far, minor units.
    pub commission_minor: i64,
    /// Day of the last collection.
    pub last_collected_on: Option<NaiveDate>,
}

/// A new case.
#[derive(Debug, Clone)]
pub struct NewAgencyCase {
    /// Agency.
    pub agency_id: i64,
    /// Debtor.
    pub debtor_id: i64,
    /// Day handed over.
    pub handed_over_on: NaiveDate,
    /// Currency.
    pub currency: String,
    /// Principal, minor units.
    pub principal_minor: i64,
    /// Interest, minor units.
    pub interest_minor: i64,
    /// Compensation, minor units.
    pub compensation_minor: i64,
    /// The invoices handed over.
    pub invoice_ids: Vec<i64>,
    /// Reason given for handing over without notice.
    pub reason: String,
    /// The timeline entry.
    pub event: NewEvent,
}

const CASE_SELECT: &str = "SELECT c.id, c.agency_id, a.name AS agency, c.debtor_id, d.name AS debtor, \
     c.handed_over_on, c.currency, c.principal_minor, c.interest_minor, c.compensation_minor, \
     c.status, c.reason, c.recalled_on, c.recall_reason, \
     CAST(coalesce((SELECT sum(k.gross_minor) FROM agency_collections k WHERE k.case_id = c.id), 0) AS BIGINT) AS collected_minor, \
     CAST(coalesce((SELECT sum(k.commission_minor) FROM agency_collections k WHERE k.case_id = c.id), 0) AS BIGINT) AS commission_minor, \
     (SELECT max(k.collected_on) FROM agency_collections k WHERE k.case_id = c.id) AS last_collected_on \
     FROM agency_cases c JOIN agencies a ON a.id = c.agency_id JOIN debtors d ON d.id = c.debtor_id";

impl Store {
    /// Adds an agency; its name must be new.
    pub async fn agency_add(&self, a: &NewAgency, now: DateTime<Utc>) -> Result<i64, StoreError> {
        with_pool!(self, pool => {
            sqlx::query_scalar(
                "INSERT INTO agencies (name, email, commission_pct, fee_per_case_minor, terms, countries, created_at, contact, min_commission_minor) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            )
            .bind(a.name.trim())
            .bind(a.email.trim())
            .bind(&a.commission_pct)
            .bind(a.fee_per_case_minor)
            .bind(&a.terms)
            .bind(&a.countries)
            .bind(now)
            .bind(a.contact.trim())
            .bind(a.min_commission_minor)
            .fetch_one(pool)
            .await
            .map_err(|e| StoreError::unique(e, "agency name", a.name.trim()))
        })
    }

    /// Every agency, by name.
    pub async fn agencies(&self) -> Result<Vec<AgencyRecord>, StoreError> {
        with_pool!(self, pool => {
            Ok(sqlx::query_as(
                "SELECT id, name, email, commission_pct, fee_per_case_minor, terms, countries, \
                 contact, min_commission_minor FROM agencies ORDER BY name",
            )
            .fetch_all(pool)
            .await?)
        })
    }

    /// Hands a case over, with its invoices and the timeline entry, in one transaction.
    /// A debtor with an open case already is refused.
    pub async fn agency_case_open(
        &self,
        c: &NewAgencyCase,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO agency_cases (agency_id, debtor_id, handed_over_on, currency, principal_minor, \
                 interest_minor, compensation_minor, status, reason, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9) RETURNING id",
            )
            .bind(c.agency_id)
            .bind(c.debtor_id)
            .bind(c.handed_over_on)
            .bind(&c.currency)
            .bind(c.principal_minor)
            .bind(c.interest_minor)
            .bind(c.compensation_minor)
            .bind(&c.reason)
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| match &e {
                sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Rejected(
                    "the debtor already has an open case with an agency: recall it first".into(),
                ),
                _ => StoreError::from(e),
            })?;
            for invoice_id in &c.invoice_ids {
                sqlx::query("INSERT INTO agency_case_invoices (case_id, invoice_id) VALUES ($1, $2)")
                    .bind(id)
                    .bind(invoice_id)
                    .execute(&mut *tx)
                    .await?;
            }
            insert_event!(tx, &c.event, now)?;
            tx.commit().await?;
            Ok(id)
        })
    }

    /// Cases, newest first: all, or one debtor's.
    pub async fn agency_cases(
        &self,
        debtor_id: Option<i64>,
    ) -> Result<Vec<AgencyCaseRecord>, StoreError> {
        let sql = format!(
            "{CASE_SELECT} WHERE ($1 IS NULL OR c.debtor_id = $1) ORDER BY c.handed_over_on DESC, c.id DESC"
        );
        with_pool!(self, pool => {
            Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(debtor_id)
                .fetch_all(pool)
                .await?)
        })
    }

    /// The invoices of every open case: (invoice, agency, day handed over).
    pub async fn agency_open_invoices(&self) -> Result<Vec<(i64, String, NaiveDate)>, StoreError> {
        with_pool!(self, pool => {
            Ok(sqlx::query_as(
                "SELECT ci.invoice_id, a.name, c.handed_over_on FROM agency_case_invoices ci \
                 JOIN agency_cases c ON c.id = ci.case_id JOIN agencies a ON a.id = c.agency_id \
                 WHERE c.status = 'open'",
            )
            .fetch_all(pool)
            .await?)
        })
    }

    /// The invoices of one case.
    pub async fn agency_case_invoices(&self, case_id: i64) -> Result<Vec<i64>, StoreError> {
        with_pool!(self, pool => {
            Ok(sqlx::query_scalar(
                "SELECT invoice_id FROM agency_case_invoices WHERE case_id = $1 ORDER BY invoice_id",
            )
            .bind(case_id)
            .fetch_all(pool)
            .await?)
        })
    }

    /// Records what the agency collected: the payment (applied to the debtor's invoices as
    /// any payment is) and the collection with its commission. The payment and the
    /// collection are two writes; should the second fail, the payment is reversed, so the
    /// book never shows an agency payment without its commission.
    pub async fn agency_collect(
        &self,
        case_id: i64,
        payment: &NewPayment,
        commission_minor: i64,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let recorded = self
            .record_payments(std::slice::from_ref(payment), now)
            .await?;
        let payment_id = recorded
            .first()
            .map(|p| p.id)
            .ok_or_else(|| StoreError::Rejected("no payment was recorded".into()))?;
        let gross = payment
            .amount
            .to_minor_units()
            .map_err(|e| StoreError::Rejected(e.to_string()))?;
        let written: Result<(), StoreError> = with_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO agency_collections (case_id, payment_id, collected_on, gross_minor, commission_minor, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(case_id)
            .bind(payment_id)
            .bind(payment.paid_on)
            .bind(gross)
            .bind(commission_minor)
            .bind(now)
            .execute(pool)
            .await
            .map(|_| ())
            .map_err(StoreError::from)
        });
        if let Err(e) = written {
            self.reverse_payment(
                payment_id,
                payment.paid_on,
                "the agency's collection could not be recorded",
            )
            .await?;
            return Err(e);
        }
        Ok(payment_id)
    }

    /// Recalls an open case (or closes it: `status` "closed").
    pub async fn agency_case_end(
        &self,
        case_id: i64,
        status: &str,
        on: NaiveDate,
        reason: &str,
        event: &NewEvent,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let done = sqlx::query(
                "UPDATE agency_cases SET status = $1, recalled_on = $2, recall_reason = $3 \
                 WHERE id = $4 AND status = 'open'",
            )
            .bind(status)
            .bind(on)
            .bind(reason)
            .bind(case_id)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() != 1 {
                return Err(StoreError::Rejected("the case is not open".into()));
            }
            insert_event!(tx, event, now)?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// Payments the debtor made itself since the case was handed over (not through the
    /// agency), which the agency must be told of: (payment id, day, minor units).
    pub async fn agency_direct_payments(
        &self,
        case_id: i64,
    ) -> Result<Vec<(i64, NaiveDate, i64)>, StoreError> {
        with_pool!(self, pool => {
            Ok(sqlx::query_as(
                "SELECT p.id, p.paid_on, p.amount_minor FROM payments p JOIN agency_cases c ON c.debtor_id = p.debtor_id \
                 WHERE c.id = $1 AND p.paid_on >= c.handed_over_on AND p.reversed_on IS NULL \
                 AND NOT EXISTS (SELECT 1 FROM agency_collections k WHERE k.payment_id = p.id) ORDER BY p.paid_on, p.id",
            )
            .bind(case_id)
            .fetch_all(pool)
            .await?)
        })
    }
}
