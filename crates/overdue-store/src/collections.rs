//! Collections: agreed payment plans (with the invoices they cover and their installments),
//! promises to pay, settlement offers and manual holds (migration 0005), and dispute
//! resolution by credit note.
//!
//! Only facts are stored: what was agreed, promised, offered, accepted, paid. Whether a
//! plan is kept or in default, a promise kept or broken, is derived from the payments by
//! the domain (`overdue_domain::collection`); the `recorded_*` columns only remember which
//! outcome has already been written to the contact log, so it is logged once.
//!
//! Every write here is one transaction that also appends its event to the contact log.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use overdue_domain::{Currency, Money};

use crate::events::{insert_event, NewEvent};
use crate::ledger::insert_adjustment;
use crate::{with_pool, AdjustmentKind, NewAdjustment, PaymentRecord, Store, StoreError};

fn currency(code: &str) -> Result<Currency, StoreError> {
    Currency::from_code(code).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn at_noon(d: NaiveDate) -> DateTime<Utc> {
    d.and_time(chrono::NaiveTime::from_hms_opt(12, 0, 0).unwrap_or(chrono::NaiveTime::MIN))
        .and_utc()
}

/// The event written with a collections change.
fn event(
    debtor_id: i64,
    on: NaiveDate,
    kind: &str,
    author: &str,
    summary: String,
    ref_table: &str,
) -> NewEvent {
    NewEvent {
        debtor_id,
        invoice_id: None,
        occurred_at: at_noon(on),
        kind: kind.into(),
        author: if author.trim().is_empty() {
            "overdue".into()
        } else {
            author.trim().into()
        },
        summary,
        detail: String::new(),
        content: None,
        content_type: String::new(),
        ref_table: ref_table.into(),
        ref_id: None,
    }
}

// ---------------------------------------------------------------------------------------
// Payment plans
// ---------------------------------------------------------------------------------------

/// One installment of a plan to store or as stored (amounts in minor units).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PlanInstallmentRecord {
    /// 0 for the down payment, then 1, 2, ...
    pub n: i64,
    /// Due date.
    pub due_on: NaiveDate,
    /// Amount due.
    pub amount_minor: i64,
    /// Principal part.
    pub principal_minor: i64,
    /// Interest part.
    pub interest_minor: i64,
    /// Debt left after it.
    pub balance_after_minor: i64,
}

/// An invoice a plan covers.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PlanInvoiceRecord {
    /// The invoice.
    pub invoice_id: i64,
    /// Its number.
    pub number: String,
    /// Its open balance when the plan was agreed, minor units.
    pub open_minor: i64,
}

/// A plan's invoice as read with the plan it belongs to.
#[derive(sqlx::FromRow)]
struct PlanInvoiceRow {
    plan_id: i64,
    #[sqlx(flatten)]
    record: PlanInvoiceRecord,
}

impl PlanInvoiceRow {
    fn split(self) -> (i64, PlanInvoiceRecord) {
        (self.plan_id, self.record)
    }
}

/// A plan's installment as read with the plan it belongs to.
#[derive(sqlx::FromRow)]
struct PlanInstallmentRow {
    plan_id: i64,
    #[sqlx(flatten)]
    record: PlanInstallmentRecord,
}

impl PlanInstallmentRow {
    fn split(self) -> (i64, PlanInstallmentRecord) {
        (self.plan_id, self.record)
    }
}

/// A plan to store once agreed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPlan {
    /// The debtor.
    pub debtor_id: i64,
    /// Currency of the invoices and the plan.
    pub currency: Currency,
    /// `interest-free`, `annuity` or `equal-principal`.
    pub method: String,
    /// `monthly`, `fortnightly`, `weekly` or `custom`.
    pub frequency: String,
    /// Annual rate in percent, decimal text.
    pub rate: String,
    /// `last` or `first`.
    pub remainder: String,
    /// Invoices covered with their open balance (minor units) when agreed.
    pub invoices: Vec<(i64, i64)>,
    /// Down payment, minor units.
    pub down_payment_minor: i64,
    /// Days after a due date before an installment counts as missed.
    pub grace_days: u32,
    /// Who agreed it (staff member).
    pub agreed_by: String,
    /// The day it was agreed: payments count toward it from this day.
    pub agreed_on: NaiveDate,
    /// Free text.
    pub note: String,
    /// The schedule.
    pub installments: Vec<PlanInstallmentRecord>,
}

/// A stored plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanRecord {
    /// Id.
    pub id: i64,
    /// The debtor.
    pub debtor_id: i64,
    /// Currency.
    pub currency: Currency,
    /// Method.
    pub method: String,
    /// Frequency.
    pub frequency: String,
    /// Annual rate, percent.
    pub rate: String,
    /// Remainder placement.
    pub remainder: String,
    /// Open balance covered when agreed, minor units.
    pub owed_minor: i64,
    /// Down payment, minor units.
    pub down_payment_minor: i64,
    /// All installments together, minor units.
    pub total_minor: i64,
    /// Interest in the installments, minor units.
    pub interest_minor: i64,
    /// Grace days.
    pub grace_days: u32,
    /// Who agreed it.
    pub agreed_by: String,
    /// The day it was agreed.
    pub agreed_on: NaiveDate,
    /// When it was recorded as agreed.
    pub agreed_at: DateTime<Utc>,
    /// Free text.
    pub note: String,
    /// Last outcome written to the contact log: `active`, `defaulted` or `completed`.
    pub recorded_status: String,
    /// Invoices covered.
    pub invoices: Vec<PlanInvoiceRecord>,
    /// The schedule, in order.
    pub installments: Vec<PlanInstallmentRecord>,
}

#[derive(sqlx::FromRow)]
struct PlanRow {
    id: i64,
    debtor_id: i64,
    currency: String,
    method: String,
    frequency: String,
    rate: String,
    remainder: String,
    owed_minor: i64,
    down_payment_minor: i64,
    total_minor: i64,
    interest_minor: i64,
    grace_days: i64,
    agreed_by: String,
    agreed_on: NaiveDate,
    agreed_at: DateTime<Utc>,
    note: String,
    recorded_status: String,
}

const PLAN_COLUMNS: &str = "id, debtor_id, currency, method, frequency, rate, remainder, \
     owed_minor, down_payment_minor, total_minor, interest_minor, grace_days, agreed_by, \
     agreed_on, agreed_at, note, recorded_status FROM payment_plans";

// ---------------------------------------------------------------------------------------
// Promises, settlements, holds
// ---------------------------------------------------------------------------------------

/// A promise to pay to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPromise {
    /// The debtor.
    pub debtor_id: i64,
    /// Amount promised.
    pub amount: Money,
    /// The day it was made.
    pub made_on: NaiveDate,
    /// The day the money is promised by.
    pub due_on: NaiveDate,
    /// The contact-log event (call, email) it was made in; `None` = log the promise itself
    /// as the contact.
    pub event_id: Option<i64>,
    /// Who took it.
    pub author: String,
    /// Free text.
    pub note: String,
}

/// A stored promise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromiseRecord {
    /// Id.
    pub id: i64,
    /// The debtor.
    pub debtor_id: i64,
    /// Amount promised.
    pub amount: Money,
    /// Made on.
    pub made_on: NaiveDate,
    /// Promised by.
    pub due_on: NaiveDate,
    /// The contact it was made in.
    pub event_id: Option<i64>,
    /// Who took it.
    pub author: String,
    /// Free text.
    pub note: String,
    /// Outcome already written to the contact log ("" while none).
    pub recorded_outcome: String,
}

#[derive(sqlx::FromRow)]
struct PromiseRow {
    id: i64,
    debtor_id: i64,
    currency: String,
    amount_minor: i64,
    made_on: NaiveDate,
    due_on: NaiveDate,
    event_id: Option<i64>,
    author: String,
    note: String,
    recorded_outcome: String,
}

impl PromiseRow {
    fn into_record(self) -> Result<PromiseRecord, StoreError> {
        Ok(PromiseRecord {
            id: self.id,
            debtor_id: self.debtor_id,
            amount: Money::from_minor_units(self.amount_minor, currency(&self.currency)?),
            made_on: self.made_on,
            due_on: self.due_on,
            event_id: self.event_id,
            author: self.author,
            note: self.note,
            recorded_outcome: self.recorded_outcome,
        })
    }
}

/// A settlement offer to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSettlement {
    /// The debtor.
    pub debtor_id: i64,
    /// Invoices it covers with their open balance (minor units) when offered.
    pub invoices: Vec<(i64, i64)>,
    /// Agreed amount (at most the claim).
    pub amount: Money,
    /// The percentage it was offered as ("" when an amount).
    pub percent: String,
    /// `one_off` or `by_plan`.
    pub mode: String,
    /// Offered on.
    pub offered_on: NaiveDate,
    /// Pay by.
    pub deadline: NaiveDate,
    /// Who offered it.
    pub offered_by: String,
    /// Free text.
    pub note: String,
}

/// A stored settlement offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettlementRecord {
    /// Id.
    pub id: i64,
    /// The debtor.
    pub debtor_id: i64,
    /// Open balance covered when offered.
    pub claim: Money,
    /// Agreed amount.
    pub amount: Money,
    /// As a percentage ("" when an amount).
    pub percent: String,
    /// `one_off` or `by_plan`.
    pub mode: String,
    /// Offered on.
    pub offered_on: NaiveDate,
    /// Pay by.
    pub deadline: NaiveDate,
    /// Who offered it.
    pub offered_by: String,
    /// Free text.
    pub note: String,
    /// Accepted on.
    pub accepted_on: Option<NaiveDate>,
    /// Who recorded the acceptance.
    pub accepted_by: String,
    /// Fulfilled (paid, rest written off) on.
    pub fulfilled_on: Option<NaiveDate>,
    /// What was written off.
    pub written_off: Option<Money>,
    /// Invoices covered.
    pub invoice_ids: Vec<i64>,
}

#[derive(sqlx::FromRow)]
struct SettlementRow {
    id: i64,
    debtor_id: i64,
    currency: String,
    claim_minor: i64,
    amount_minor: i64,
    percent: String,
    mode: String,
    offered_on: NaiveDate,
    deadline: NaiveDate,
    offered_by: String,
    note: String,
    accepted_on: Option<NaiveDate>,
    accepted_by: String,
    fulfilled_on: Option<NaiveDate>,
    written_off_minor: Option<i64>,
}

const SETTLEMENT_COLUMNS: &str = "id, debtor_id, currency, claim_minor, amount_minor, percent, \
     mode, offered_on, deadline, offered_by, note, accepted_on, accepted_by, fulfilled_on, \
     written_off_minor FROM settlement_offers";

/// A manual hold to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewHold {
    /// The debtor.
    pub debtor_id: i64,
    /// Why.
    pub reason: String,
    /// From.
    pub from_on: NaiveDate,
    /// Until (inclusive).
    pub until_on: NaiveDate,
    /// Who.
    pub created_by: String,
}

/// A stored hold.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct HoldRecord {
    /// Id.
    pub id: i64,
    /// The debtor.
    pub debtor_id: i64,
    /// Why.
    pub reason: String,
    /// From.
    pub from_on: NaiveDate,
    /// Until (inclusive).
    pub until_on: NaiveDate,
    /// Released early on.
    pub released_on: Option<NaiveDate>,
    /// Why released.
    pub release_reason: String,
    /// Who put it on.
    pub created_by: String,
}

const HOLD_COLUMNS: &str = "id, debtor_id, reason, from_on, until_on, released_on, \
     release_reason, created_by FROM collection_holds";

/// How a dispute ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DisputeOutcome {
    /// The debtor is right: a credit note for the whole open balance, with this document
    /// number ("" = none).
    Upheld {
        /// Credit note number.
        credit_note_ref: String,
    },
    /// The debtor is wrong: dunning resumes.
    Rejected,
}

impl CollectionRecords {
    /// The debtors with a payment plan, a promise or a settlement offer (whose outcomes
    /// depend on their payments), in id order.
    pub fn with_arrangements(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = self
            .plans
            .keys()
            .chain(self.promises.keys())
            .chain(self.settlements.keys())
            .copied()
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

/// The rows [`Store::collection_records`] reads: debtors' currencies, plans, promises,
/// holds, settlement offers.
type CollectionRows = (
    Vec<(i64, String)>,
    Vec<PlanRow>,
    Vec<PromiseRow>,
    Vec<HoldRecord>,
    Vec<SettlementRow>,
);

/// What the collection states of many debtors are worked out from, read in a fixed number
/// of statements whatever the number of debtors (a dunning run over 10,000 debtors makes
/// the same round trips to the server as one over 1,000). Per debtor, each list is in the
/// order of the one-debtor reads (`plans_of`, `promises_of`, `holds_of`,
/// `settlements_of`, `payments_of`: newest first).
#[derive(Debug, Clone, Default)]
pub struct CollectionRecords {
    /// Each debtor's own currency.
    pub currencies: HashMap<i64, Currency>,
    /// Payment plans by debtor.
    pub plans: HashMap<i64, Vec<PlanRecord>>,
    /// Promises to pay by debtor.
    pub promises: HashMap<i64, Vec<PromiseRecord>>,
    /// Manual holds by debtor.
    pub holds: HashMap<i64, Vec<HoldRecord>>,
    /// Settlement offers by debtor.
    pub settlements: HashMap<i64, Vec<SettlementRecord>>,
    /// Payments by debtor, of the debtors with a plan, a promise or a settlement offer
    /// (nothing else in a collection state depends on payments).
    pub payments: HashMap<i64, Vec<PaymentRecord>>,
    /// Invoices under dispute: invoice id to (debtor, opened on, reason).
    pub disputes: HashMap<i64, (i64, NaiveDate, String)>,
}

impl Store {
    // -------------------------------------------------------------------------- plans

    /// Stores an agreed plan, its invoices and installments, and logs it, in one
    /// transaction. Every invoice must be the debtor's, open, and in the plan's currency.
    pub async fn create_plan(&self, plan: &NewPlan, now: DateTime<Utc>) -> Result<i64, StoreError> {
        if plan.invoices.is_empty() {
            return Err(StoreError::Rejected(
                "a plan covers at least one invoice".into(),
            ));
        }
        if plan.installments.is_empty() {
            return Err(StoreError::Rejected(
                "a plan has at least one installment".into(),
            ));
        }
        let owed: i64 = plan.invoices.iter().map(|(_, o)| *o).sum();
        let total: i64 = plan.installments.iter().map(|i| i.amount_minor).sum();
        let interest: i64 = plan.installments.iter().map(|i| i.interest_minor).sum();
        let summary = format!(
            "Payment plan agreed: {} in {} installment(s) from {}",
            Money::from_minor_units(total, plan.currency),
            plan.installments.iter().filter(|i| i.n > 0).count(),
            plan.installments[0].due_on
        );
        let code = plan.currency.code().to_string();
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            for (invoice_id, _) in &plan.invoices {
                let row: Option<(i64, String, i64, String)> = sqlx::query_as(
                    "SELECT debtor_id, currency, open_minor, number FROM invoices WHERE id = $1",
                )
                .bind(invoice_id)
                .fetch_optional(&mut *tx)
                .await?;
                let Some((debtor_id, cur, open, number)) = row else {
                    return Err(StoreError::NotFound { entity: "invoice", key: invoice_id.to_string() });
                };
                if debtor_id != plan.debtor_id {
                    return Err(StoreError::Rejected(format!("invoice {number} belongs to another debtor")));
                }
                if cur != code {
                    return Err(StoreError::Rejected(format!("invoice {number} is in {cur}, the plan in {code}")));
                }
                if open <= 0 {
                    return Err(StoreError::Rejected(format!("invoice {number} has nothing open")));
                }
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO payment_plans (debtor_id, currency, method, frequency, rate, remainder, \
                 owed_minor, down_payment_minor, total_minor, interest_minor, grace_days, agreed_by, \
                 agreed_on, agreed_at, note, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id",
            )
            .bind(plan.debtor_id)
            .bind(&code)
            .bind(&plan.method)
            .bind(&plan.frequency)
            .bind(&plan.rate)
            .bind(&plan.remainder)
            .bind(owed)
            .bind(plan.down_payment_minor)
            .bind(total)
            .bind(interest)
            .bind(i64::from(plan.grace_days))
            .bind(plan.agreed_by.trim())
            .bind(plan.agreed_on)
            .bind(now)
            .bind(plan.note.trim())
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| StoreError::refused(e, |db| format!("the plan was refused: {db}")))?;
            for (invoice_id, open) in &plan.invoices {
                sqlx::query("INSERT INTO payment_plan_invoices (plan_id, invoice_id, open_minor) VALUES ($1, $2, $3)")
                    .bind(id)
                    .bind(invoice_id)
                    .bind(open)
                    .execute(&mut *tx)
                    .await?;
            }
            for i in &plan.installments {
                sqlx::query(
                    "INSERT INTO plan_installments (plan_id, n, due_on, amount_minor, principal_minor, \
                     interest_minor, balance_after_minor) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(id)
                .bind(i.n)
                .bind(i.due_on)
                .bind(i.amount_minor)
                .bind(i.principal_minor)
                .bind(i.interest_minor)
                .bind(i.balance_after_minor)
                .execute(&mut *tx)
                .await
                .map_err(|e| StoreError::refused(e, |db| format!("installment {} was refused: {db}", i.n)))?;
            }
            let mut ev = event(plan.debtor_id, plan.agreed_on, "plan", &plan.agreed_by, summary, "payment_plans");
            ev.ref_id = Some(id);
            insert_event!(tx, &ev, now)?;
            tx.commit().await?;
            Ok(id)
        })
    }

    /// One plan with its invoices and installments.
    pub async fn plan(&self, id: i64) -> Result<PlanRecord, StoreError> {
        let sql = format!("SELECT {PLAN_COLUMNS} WHERE id = $1");
        let row: Option<PlanRow> = with_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?
        });
        let row = row.ok_or_else(|| StoreError::NotFound {
            entity: "payment plan",
            key: id.to_string(),
        })?;
        let mut plans = self.plans_from_rows(vec![row]).await?;
        plans
            .pop()
            .ok_or_else(|| StoreError::Corrupt(format!("payment plan {id} vanished")))
    }

    /// Plans with their invoices and installments: two statements for all of them.
    async fn plans_from_rows(&self, rows: Vec<PlanRow>) -> Result<Vec<PlanRecord>, StoreError> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let (among, json) = self.among("plan_id", 1, &ids);
        let (invoices, installments): (Vec<PlanInvoiceRow>, Vec<PlanInstallmentRow>) = with_pool!(self, pool => {
            let invoices = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT p.plan_id, p.invoice_id, i.number, p.open_minor FROM payment_plan_invoices p \
                 JOIN invoices i ON i.id = p.invoice_id WHERE {} ORDER BY i.due_date, i.id",
                among.replace("plan_id", "p.plan_id")
            )))
            .bind(&json)
            .fetch_all(pool)
            .await?;
            let installments = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT plan_id, n, due_on, amount_minor, principal_minor, interest_minor, balance_after_minor \
                 FROM plan_installments WHERE {among} ORDER BY n"
            )))
            .bind(&json)
            .fetch_all(pool)
            .await?;
            (invoices, installments)
        });
        let mut by_plan: HashMap<i64, (Vec<PlanInvoiceRecord>, Vec<PlanInstallmentRecord>)> =
            HashMap::new();
        for (plan, i) in invoices.into_iter().map(PlanInvoiceRow::split) {
            by_plan.entry(plan).or_default().0.push(i);
        }
        for (plan, i) in installments.into_iter().map(PlanInstallmentRow::split) {
            by_plan.entry(plan).or_default().1.push(i);
        }
        rows.into_iter()
            .map(|r| {
                let (invoices, installments) = by_plan.remove(&r.id).unwrap_or_default();
                Ok(PlanRecord {
                    id: r.id,
                    debtor_id: r.debtor_id,
                    currency: currency(&r.currency)?,
                    method: r.method,
                    frequency: r.frequency,
                    rate: r.rate,
                    remainder: r.remainder,
                    owed_minor: r.owed_minor,
                    down_payment_minor: r.down_payment_minor,
                    total_minor: r.total_minor,
                    interest_minor: r.interest_minor,
                    grace_days: u32::try_from(r.grace_days)
                        .map_err(|_| StoreError::Corrupt("negative grace days".into()))?,
                    agreed_by: r.agreed_by,
                    agreed_on: r.agreed_on,
                    agreed_at: r.agreed_at,
                    note: r.note,
                    recorded_status: r.recorded_status,
                    invoices,
                    installments,
                })
            })
            .collect()
    }

    /// The records of [`CollectionRecords`] for these debtors.
    pub async fn collection_records(
        &self,
        debtor_ids: &[i64],
    ) -> Result<CollectionRecords, StoreError> {
        let (among, json) = self.among("debtor_id", 1, debtor_ids);
        let (currencies, plans, promises, holds, offers): CollectionRows = with_pool!(self, pool => {
            let currencies = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT id, currency FROM debtors WHERE {}",
                among.replace("debtor_id", "id")
            )))
            .bind(&json)
            .fetch_all(pool)
            .await?;
            let plans = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {PLAN_COLUMNS} WHERE {among} ORDER BY id DESC"
            )))
            .bind(&json)
            .fetch_all(pool)
            .await?;
            let promises = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT id, debtor_id, currency, amount_minor, made_on, due_on, event_id, author, note, \
                 recorded_outcome FROM promises WHERE {among} ORDER BY made_on DESC, id DESC"
            )))
            .bind(&json)
            .fetch_all(pool)
            .await?;
            let holds = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {HOLD_COLUMNS} WHERE {among} ORDER BY from_on DESC, id DESC"
            )))
            .bind(&json)
            .fetch_all(pool)
            .await?;
            let offers = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {SETTLEMENT_COLUMNS} WHERE {among} ORDER BY id DESC"
            )))
            .bind(&json)
            .fetch_all(pool)
            .await?;
            (currencies, plans, promises, holds, offers)
        });
        let mut out = CollectionRecords::default();
        for (id, code) in currencies {
            out.currencies.insert(id, currency(&code)?);
        }
        for p in self.plans_from_rows(plans).await? {
            out.plans.entry(p.debtor_id).or_default().push(p);
        }
        for p in promises {
            let p = p.into_record()?;
            out.promises.entry(p.debtor_id).or_default().push(p);
        }
        for h in holds {
            out.holds.entry(h.debtor_id).or_default().push(h);
        }
        for o in self.settlements_from_rows(offers).await? {
            out.settlements.entry(o.debtor_id).or_default().push(o);
        }
        let paying = out.with_arrangements();
        if !paying.is_empty() {
            out.payments = self.payments_among(&paying).await?;
        }
        out.disputes = self.disputes_among(debtor_ids).await?;
        Ok(out)
    }

    /// A debtor's plans, newest first; or, with `None`, every plan whose last recorded
    /// status is `active` (for installment reminders).
    pub async fn plans_of(&self, debtor_id: Option<i64>) -> Result<Vec<PlanRecord>, StoreError> {
        let sql = match debtor_id {
            Some(_) => format!("SELECT {PLAN_COLUMNS} WHERE debtor_id = $1 ORDER BY id DESC"),
            None => format!(
                "SELECT {PLAN_COLUMNS} WHERE recorded_status = 'active' AND $1 = $1 ORDER BY id"
            ),
        };
        let rows: Vec<PlanRow> = with_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(debtor_id.unwrap_or(0))
                .fetch_all(pool)
                .await?
        });
        self.plans_from_rows(rows).await
    }

    /// Records (once) that a plan went into default or was completed on `on`, and logs it.
    /// Returns whether it was new.
    pub async fn record_plan_status(
        &self,
        plan_id: i64,
        status: &str,
        on: NaiveDate,
        summary: String,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let plan = self.plan(plan_id).await?;
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let changed = sqlx::query(
                "UPDATE payment_plans SET recorded_status = $1 WHERE id = $2 AND recorded_status <> $1 \
                 AND recorded_status <> 'completed'",
            )
            .bind(status)
            .bind(plan_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                return Ok(false);
            }
            let mut ev = event(plan.debtor_id, on, "plan", "overdue", summary, "payment_plans");
            ev.ref_id = Some(plan_id);
            insert_event!(tx, &ev, now)?;
            tx.commit().await?;
            Ok(true)
        })
    }

    // -------------------------------------------------------------------------- promises

    /// Records a promise to pay with the contact it was made in, and logs it.
    pub async fn add_promise(&self, p: &NewPromise, now: DateTime<Utc>) -> Result<i64, StoreError> {
        let amount = p
            .amount
            .to_minor_units()
            .map_err(|e| StoreError::Rejected(e.to_string()))?;
        if amount <= 0 {
            return Err(StoreError::Rejected(
                "a promise must be for more than zero".into(),
            ));
        }
        if p.due_on < p.made_on {
            return Err(StoreError::Rejected(format!(
                "the promised date {} is before the day the promise was made ({})",
                p.due_on, p.made_on
            )));
        }
        let summary = format!("Promised to pay {} by {}", p.amount, p.due_on);
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            if let Some(ev) = p.event_id {
                let owner: Option<i64> = sqlx::query_scalar("SELECT debtor_id FROM events WHERE id = $1")
                    .bind(ev)
                    .fetch_optional(&mut *tx)
                    .await?;
                match owner {
                    None => return Err(StoreError::NotFound { entity: "contact-log event", key: ev.to_string() }),
                    Some(d) if d != p.debtor_id => {
                        return Err(StoreError::Rejected(format!("contact-log event {ev} is about another debtor")))
                    }
                    Some(_) => {}
                }
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO promises (debtor_id, currency, amount_minor, made_on, due_on, event_id, author, note, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            )
            .bind(p.debtor_id)
            .bind(p.amount.currency().code())
            .bind(amount)
            .bind(p.made_on)
            .bind(p.due_on)
            .bind(p.event_id)
            .bind(p.author.trim())
            .bind(p.note.trim())
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            let mut ev = event(p.debtor_id, p.made_on, "promise", &p.author, summary, "promises");
            ev.ref_id = Some(id);
            ev.detail = p.note.trim().to_string();
            let ev_id = insert_event!(tx, &ev, now)?;
            if p.event_id.is_none() {
                sqlx::query("UPDATE promises SET event_id = $1 WHERE id = $2")
                    .bind(ev_id)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(id)
        })
    }

    /// A debtor's promises, newest first.
    pub async fn promises_of(&self, debtor_id: i64) -> Result<Vec<PromiseRecord>, StoreError> {
        let rows: Vec<PromiseRow> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, debtor_id, currency, amount_minor, made_on, due_on, event_id, author, note, \
                 recorded_outcome FROM promises WHERE debtor_id = $1 ORDER BY made_on DESC, id DESC",
            )
            .bind(debtor_id)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter().map(PromiseRow::into_record).collect()
    }

    /// Records (once) a promise's outcome (`kept`, `partly_kept`, `broken`) and logs it.
    pub async fn record_promise_outcome(
        &self,
        promise_id: i64,
        outcome: &str,
        on: NaiveDate,
        summary: String,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let debtor: Option<i64> = sqlx::query_scalar(
                "UPDATE promises SET recorded_outcome = $1 WHERE id = $2 AND recorded_outcome = '' RETURNING debtor_id",
            )
            .bind(outcome)
            .bind(promise_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(debtor_id) = debtor else {
                return Ok(false);
            };
            let mut ev = event(debtor_id, on, "promise", "overdue", summary, "promises");
            ev.ref_id = Some(promise_id);
            insert_event!(tx, &ev, now)?;
            tx.commit().await?;
            Ok(true)
        })
    }

    // -------------------------------------------------------------------------- settlements

    /// Records a settlement offer and logs it.
    pub async fn add_settlement(
        &self,
        s: &NewSettlement,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let amount = s
            .amount
            .to_minor_units()
            .map_err(|e| StoreError::Rejected(e.to_string()))?;
        let claim: i64 = s.invoices.iter().map(|(_, o)| *o).sum();
        if s.invoices.is_empty() || claim <= 0 {
            return Err(StoreError::Rejected(
                "a settlement covers at least one open invoice".into(),
            ));
        }
        if amount <= 0 || amount > claim {
            return Err(StoreError::Rejected(format!(
                "the settlement amount {} must be more than zero and at most the claim {}",
                s.amount,
                Money::from_minor_units(claim, s.amount.currency())
            )));
        }
        if s.deadline < s.offered_on {
            return Err(StoreError::Rejected(format!(
                "the deadline {} is before the offer date {}",
                s.deadline, s.offered_on
            )));
        }
        let summary = format!(
            "Settlement offered: {} instead of {}, to pay by {}",
            s.amount,
            Money::from_minor_units(claim, s.amount.currency()),
            s.deadline
        );
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO settlement_offers (debtor_id, currency, claim_minor, amount_minor, percent, mode, \
                 offered_on, deadline, offered_by, note, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
            )
            .bind(s.debtor_id)
            .bind(s.amount.currency().code())
            .bind(claim)
            .bind(amount)
            .bind(s.percent.trim())
            .bind(&s.mode)
            .bind(s.offered_on)
            .bind(s.deadline)
            .bind(s.offered_by.trim())
            .bind(s.note.trim())
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| StoreError::refused(e, |db| format!("the settlement offer was refused: {db}")))?;
            for (invoice_id, _) in &s.invoices {
                let owner: Option<i64> = sqlx::query_scalar("SELECT debtor_id FROM invoices WHERE id = $1")
                    .bind(invoice_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                if owner != Some(s.debtor_id) {
                    return Err(StoreError::Rejected(format!("invoice {invoice_id} is not this debtor's")));
                }
                sqlx::query("INSERT INTO settlement_offer_invoices (offer_id, invoice_id) VALUES ($1, $2)")
                    .bind(id)
                    .bind(invoice_id)
                    .execute(&mut *tx)
                    .await?;
            }
            let mut ev = event(s.debtor_id, s.offered_on, "settlement", &s.offered_by, summary, "settlement_offers");
            ev.ref_id = Some(id);
            ev.detail = s.note.trim().to_string();
            insert_event!(tx, &ev, now)?;
            tx.commit().await?;
            Ok(id)
        })
    }

    /// One settlement offer.
    pub async fn settlement(&self, id: i64) -> Result<SettlementRecord, StoreError> {
        let sql = format!("SELECT {SETTLEMENT_COLUMNS} WHERE id = $1");
        let row: Option<SettlementRow> = with_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?
        });
        let row = row.ok_or_else(|| StoreError::NotFound {
            entity: "settlement offer",
            key: id.to_string(),
        })?;
        let mut offers = self.settlements_from_rows(vec![row]).await?;
        offers
            .pop()
            .ok_or_else(|| StoreError::Corrupt(format!("settlement offer {id} vanished")))
    }

    /// Settlement offers with the invoices they cover: one statement for all of them.
    async fn settlements_from_rows(
        &self,
        rows: Vec<SettlementRow>,
    ) -> Result<Vec<SettlementRecord>, StoreError> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let (among, json) = self.among("offer_id", 1, &ids);
        let pairs: Vec<(i64, i64)> = with_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT offer_id, invoice_id FROM settlement_offer_invoices WHERE {among} ORDER BY invoice_id"
            )))
            .bind(&json)
            .fetch_all(pool)
            .await?
        });
        let mut invoices: HashMap<i64, Vec<i64>> = HashMap::new();
        for (offer, invoice) in pairs {
            invoices.entry(offer).or_default().push(invoice);
        }
        rows.into_iter()
            .map(|r| {
                let c = currency(&r.currency)?;
                Ok(SettlementRecord {
                    id: r.id,
                    debtor_id: r.debtor_id,
                    claim: Money::from_minor_units(r.claim_minor, c),
                    amount: Money::from_minor_units(r.amount_minor, c),
                    percent: r.percent,
                    mode: r.mode,
                    offered_on: r.offered_on,
                    deadline: r.deadline,
                    offered_by: r.offered_by,
                    note: r.note,
                    accepted_on: r.accepted_on,
                    accepted_by: r.accepted_by,
                    fulfilled_on: r.fulfilled_on,
                    written_off: r.written_off_minor.map(|m| Money::from_minor_units(m, c)),
                    invoice_ids: invoices.remove(&r.id).unwrap_or_default(),
                })
            })
            .collect()
    }

    /// A debtor's settlement offers, newest first.
    pub async fn settlements_of(
        &self,
        debtor_id: i64,
    ) -> Result<Vec<SettlementRecord>, StoreError> {
        let sql = format!("SELECT {SETTLEMENT_COLUMNS} WHERE debtor_id = $1 ORDER BY id DESC");
        let rows: Vec<SettlementRow> = with_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(debtor_id).fetch_all(pool).await?
        });
        self.settlements_from_rows(rows).await
    }

    /// Records that the debtor accepted a settlement offer on `on`, and logs it.
    pub async fn accept_settlement(
        &self,
        id: i64,
        on: NaiveDate,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let s = self.settlement(id).await?;
        if s.accepted_on.is_some() {
            return Err(StoreError::Rejected(format!(
                "settlement offer {id} is already accepted"
            )));
        }
        if on < s.offered_on || on > s.deadline {
            return Err(StoreError::Rejected(format!(
                "settlement offer {id} can be accepted from {} to {}, not on {on}",
                s.offered_on, s.deadline
            )));
        }
        let summary = format!("Settlement accepted: {} to pay by {}", s.amount, s.deadline);
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query("UPDATE settlement_offers SET accepted_on = $1, accepted_by = $2 WHERE id = $3 AND accepted_on IS NULL")
                .bind(on)
                .bind(by.trim())
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let mut ev = event(s.debtor_id, on, "settlement", by, summary, "settlement_offers");
            ev.ref_id = Some(id);
            insert_event!(tx, &ev, now)?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// Marks a settlement fulfilled on `on` and writes off the rest of each covered invoice
    /// (`(invoice id, amount)` in minor units, from
    /// `overdue_domain::collection::settlement_write_offs`) with `reason`, in one
    /// transaction that also logs it. Returns `false` (and writes nothing) when it was
    /// already fulfilled.
    pub async fn fulfil_settlement(
        &self,
        id: i64,
        on: NaiveDate,
        write_offs: &[(i64, i64)],
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let s = self.settlement(id).await?;
        if s.fulfilled_on.is_some() {
            return Ok(false);
        }
        let c = s.amount.currency();
        let mut checked = Vec::with_capacity(write_offs.len());
        for (invoice_id, amount) in write_offs {
            let adj = NewAdjustment {
                invoice_id: *invoice_id,
                kind: AdjustmentKind::WriteOff,
                reference: format!("SETTLEMENT-{id}"),
                issued_on: on,
                amount: Money::from_minor_units(*amount, c),
                reason: reason.to_string(),
                seen_open: None,
            };
            let ok = self.check_adjustment(&adj).await?;
            checked.push((adj, ok));
        }
        let total: i64 = write_offs.iter().map(|(_, a)| *a).sum();
        let summary = format!(
            "Settlement paid ({}): {} written off",
            s.amount,
            Money::from_minor_units(total, c)
        );
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let changed = sqlx::query(
                "UPDATE settlement_offers SET fulfilled_on = $1, written_off_minor = $2 WHERE id = $3 AND fulfilled_on IS NULL",
            )
            .bind(on)
            .bind(total)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                return Ok(false);
            }
            for (adj, ok) in checked {
                insert_adjustment!(&mut *tx, &adj, ok, now)?;
            }
            let mut ev = event(s.debtor_id, on, "settlement", "overdue", summary, "settlement_offers");
            ev.ref_id = Some(id);
            ev.detail = reason.to_string();
            insert_event!(tx, &ev, now)?;
            tx.commit().await?;
            Ok(true)
        })
    }

    // -------------------------------------------------------------------------- holds

    /// Puts a debtor on hold and logs it.
    pub async fn add_hold(&self, h: &NewHold, now: DateTime<Utc>) -> Result<i64, StoreError> {
        if h.reason.trim().is_empty() {
            return Err(StoreError::Rejected(
                "say why dunning is put on hold".into(),
            ));
        }
        if h.until_on < h.from_on {
            return Err(StoreError::Rejected(format!(
                "the hold ends on {} before it starts on {}",
                h.until_on, h.from_on
            )));
        }
        let summary = format!("Dunning on hold until {}: {}", h.until_on, h.reason.trim());
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO collection_holds (debtor_id, reason, from_on, until_on, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(h.debtor_id)
            .bind(h.reason.trim())
            .bind(h.from_on)
            .bind(h.until_on)
            .bind(h.created_by.trim())
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            let mut ev = event(h.debtor_id, h.from_on, "hold", &h.created_by, summary, "collection_holds");
            ev.ref_id = Some(id);
            insert_event!(tx, &ev, now)?;
            tx.commit().await?;
            Ok(id)
        })
    }

    /// Ends a hold early on `on` and logs it.
    pub async fn release_hold(
        &self,
        id: i64,
        on: NaiveDate,
        reason: &str,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<HoldRecord, StoreError> {
        let sql = format!("SELECT {HOLD_COLUMNS} WHERE id = $1");
        let hold: Option<HoldRecord> = with_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?
        });
        let hold = hold.ok_or_else(|| StoreError::NotFound {
            entity: "hold",
            key: id.to_string(),
        })?;
        if hold.released_on.is_some() {
            return Err(StoreError::Rejected(format!(
                "hold {id} is already released"
            )));
        }
        let summary = format!(
            "Hold released: {}",
            if reason.trim().is_empty() {
                "dunning resumes"
            } else {
                reason.trim()
            }
        );
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query("UPDATE collection_holds SET released_on = $1, release_reason = $2 WHERE id = $3")
                .bind(on)
                .bind(reason.trim())
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let mut ev = event(hold.debtor_id, on, "hold", by, summary, "collection_holds");
            ev.ref_id = Some(id);
            insert_event!(tx, &ev, now)?;
            tx.commit().await?;
            Ok::<(), StoreError>(())
        })?;
        Ok(HoldRecord {
            released_on: Some(on),
            release_reason: reason.trim().to_string(),
            ..hold
        })
    }

    /// A debtor's holds, newest first.
    pub async fn holds_of(&self, debtor_id: i64) -> Result<Vec<HoldRecord>, StoreError> {
        let sql =
            format!("SELECT {HOLD_COLUMNS} WHERE debtor_id = $1 ORDER BY from_on DESC, id DESC");
        Ok(with_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(debtor_id).fetch_all(pool).await?
        }))
    }

    // -------------------------------------------------------------------------- disputes

    /// Resolves an invoice's open dispute on `on`: upheld with a credit note for its whole
    /// open balance (through the ledger's credit-note code), or rejected; logs it. One
    /// transaction.
    pub async fn resolve_dispute(
        &self,
        invoice_id: i64,
        on: NaiveDate,
        outcome: &DisputeOutcome,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let detail = self.invoice(invoice_id).await?;
        let inv = detail.invoice;
        if inv.disputed_on.is_none() {
            return Err(StoreError::Rejected(format!(
                "invoice {} is not disputed",
                inv.number
            )));
        }
        let credit = match outcome {
            DisputeOutcome::Upheld { credit_note_ref } if !inv.open.is_zero() => {
                let adj = NewAdjustment {
                    invoice_id,
                    kind: AdjustmentKind::CreditNote,
                    reference: credit_note_ref.clone(),
                    issued_on: on,
                    amount: inv.open,
                    reason: format!("dispute upheld: {}", inv.dispute_reason),
                    seen_open: None,
                };
                let ok = self.check_adjustment(&adj).await?;
                Some((adj, ok))
            }
            _ => None,
        };
        let (resolution, summary) = match outcome {
            DisputeOutcome::Upheld { .. } => (
                "upheld",
                format!(
                    "Dispute of invoice {} upheld: credit note for {}",
                    inv.number, inv.open
                ),
            ),
            DisputeOutcome::Rejected => (
                "rejected",
                format!(
                    "Dispute of invoice {} rejected: dunning resumes",
                    inv.number
                ),
            ),
        };
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query(
                "UPDATE invoice_disputes SET resolved_on = $2, resolution = $3 WHERE invoice_id = $1 AND resolved_on IS NULL",
            )
            .bind(invoice_id)
            .bind(on)
            .bind(resolution)
            .execute(&mut *tx)
            .await?;
            sqlx::query("UPDATE invoices SET disputed_at = NULL, dispute_reason = '' WHERE id = $1")
                .bind(invoice_id)
                .execute(&mut *tx)
                .await?;
            if let Some((adj, ok)) = credit {
                insert_adjustment!(&mut *tx, &adj, ok, now)?;
            }
            let mut ev = event(inv.debtor_id, on, "dispute", by, summary, "invoice_disputes");
            ev.invoice_id = Some(invoice_id);
            ev.ref_id = Some(invoice_id);
            insert_event!(tx, &ev, now)?;
            tx.commit().await?;
            Ok(())
        })
    }
}
