//! Collections use cases: payment plans (preview, agree, track), promises to pay,
//! settlement offers, manual holds, dispute resolution, and the debtor's derived
//! collection state that the dunning engine reads ([`Api::collection_state`]) together
//! with the installment reminders it sends ([`Api::installment_reminders_due`]).
//!
//! Outcomes are derived from payments by `overdue_domain::collection`. The first time an
//! outcome is seen (a plan in default or completed, a promise kept or broken, a settlement
//! paid) it is recorded in the contact log, and a paid settlement's remainder is written
//! off: that sweep runs after a payment is recorded and whenever the state is evaluated
//! as of today, so it never depends on someone opening a screen.

// serde's derives expand to code naming f64 in generic content handling; no DTO here has
// a float field.
#![allow(clippy::disallowed_types)]

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use overdue_domain::collection::{
    self as coll, CollectionFacts, CollectionState, Hold, InstallmentStatus, OpenInvoiceFacts,
    PauseKind, PlanFacts, PlanProgress, PlanStatus, PromiseFacts, PromiseStatus, PromiseToPay,
    Receipt, ScheduledInstallment, Settlement, SettlementStatus,
};
use overdue_domain::{Currency, Money};
use overdue_store::{
    CollectionRecords, DisputeOutcome, HoldRecord, NewHold, NewPlan, NewPromise, NewSettlement,
    OpenBalance, PaymentRecord, PlanInstallmentRecord, PlanRecord, PromiseRecord, SettlementRecord,
    Store, StoreError,
};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::calc::{self, PlanCalcRequest, PlanCalcResult};
use crate::ledger::{capitalise, money_string, parse_date, parse_positive, InvoiceDetailDto};
use crate::{Api, ApiError, ErrorCode};

// ---------------------------------------------------------------------------------------
// DTOs
// ---------------------------------------------------------------------------------------

/// The plan wizard's terms: which invoices, how to split them, who agreed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PlanInput {
    /// The debtor.
    #[ts(type = "number")]
    pub debtor_id: i64,
    /// Open invoices of the debtor the plan covers (at least one).
    #[ts(type = "Array<number>")]
    pub invoice_ids: Vec<i64>,
    /// Number of installments after any down payment (`"3"`).
    pub installments: String,
    /// Date of the first payment (`YYYY-MM-DD`).
    pub first_due: String,
    /// `monthly` (default), `fortnightly`, `weekly`, or `custom` with `dates`.
    #[serde(default)]
    pub frequency: String,
    /// `interest-free` (default), `annuity` or `equal-principal`.
    #[serde(default)]
    pub method: String,
    /// Annual rate in percent (`""` = none).
    #[serde(default)]
    pub rate: String,
    /// `last` (default) or `first`: which installment takes leftover cents.
    #[serde(default)]
    pub remainder: String,
    /// Paid up front on the first due date (`""` = none).
    #[serde(default)]
    pub down_payment: String,
    /// Custom due dates, one per installment.
    #[serde(default)]
    pub dates: Vec<String>,
    /// Days after a due date before an installment counts as missed.
    #[serde(default)]
    pub grace_days: u32,
    /// Who agreed it (staff member).
    #[serde(default)]
    pub agreed_by: String,
    /// Free text.
    #[serde(default)]
    pub note: String,
}

/// An invoice covered by a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PlanInvoiceDto {
    /// The invoice.
    #[ts(type = "number")]
    pub invoice_id: i64,
    /// Its number.
    pub number: String,
    /// Its open balance (today in a preview; when agreed in a stored plan).
    pub open: String,
}

/// A plan previewed before it is agreed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PlanPreview {
    /// The debtor.
    #[ts(type = "number")]
    pub debtor_id: i64,
    /// Currency.
    pub currency: String,
    /// What the invoices owe together.
    pub owed: String,
    /// The invoices.
    pub invoices: Vec<PlanInvoiceDto>,
    /// The schedule (same as `overdue calc plan`).
    pub schedule: PlanCalcResult,
}

/// Where an installment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum InstallmentStatusDto {
    /// Not paid, grace period not over.
    Open,
    /// Part paid, grace period not over.
    PartlyPaid,
    /// Paid in full.
    Paid,
    /// Not paid in full by due date + grace days.
    Missed,
}

/// Where a plan stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PlanStatusDto {
    /// Being kept.
    Active,
    /// An installment was missed: the remaining balance is due, dunning resumes.
    Defaulted,
    /// Paid off.
    Completed,
}

/// One installment of a stored plan with what was paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PlanInstallmentStatus {
    /// 0 for the down payment, then 1, 2, ...
    pub n: u32,
    /// Due date.
    pub due: String,
    /// Amount due.
    pub amount: String,
    /// Principal part.
    pub principal: String,
    /// Interest part.
    pub interest: String,
    /// Debt left after it.
    pub balance_after: String,
    /// Paid on it so far.
    pub paid: String,
    /// Its status.
    pub status: InstallmentStatusDto,
}

/// An agreed payment plan with its progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PaymentPlanDto {
    /// Id.
    #[ts(type = "number")]
    pub id: i64,
    /// The debtor.
    #[ts(type = "number")]
    pub debtor_id: i64,
    /// Currency.
    pub currency: String,
    /// `interest-free`, `annuity` or `equal-principal`.
    pub method: String,
    /// `monthly`, `fortnightly`, `weekly` or `custom`.
    pub frequency: String,
    /// Annual rate, percent.
    pub rate: String,
    /// `last` or `first`.
    pub remainder: String,
    /// What the invoices owed when agreed.
    pub owed: String,
    /// Down payment.
    pub down_payment: String,
    /// All installments together.
    pub total: String,
    /// Interest in them.
    pub interest: String,
    /// Grace days.
    pub grace_days: u32,
    /// Who agreed it.
    pub agreed_by: String,
    /// The day it was agreed.
    pub agreed_on: String,
    /// When it was recorded (RFC 3339).
    pub agreed_at: String,
    /// Free text.
    pub note: String,
    /// Invoices covered.
    pub invoices: Vec<PlanInvoiceDto>,
    /// Installments with status.
    pub installments: Vec<PlanInstallmentStatus>,
    /// The date the progress is computed at.
    pub as_of: String,
    /// Active, defaulted or completed.
    pub status: PlanStatusDto,
    /// Since when defaulted / completed ("" when active).
    pub status_since: String,
    /// Paid toward it.
    pub paid: String,
    /// Still to pay.
    pub remaining: String,
    /// Due date of the next unpaid installment ("" when none).
    pub next_due: String,
}

/// A promise to pay to record.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PromiseInput {
    /// The debtor.
    #[ts(type = "number")]
    pub debtor_id: i64,
    /// Amount promised.
    pub amount: String,
    /// Promised by (`YYYY-MM-DD`).
    pub date: String,
    /// Made on (`""` = today).
    #[serde(default)]
    pub made_on: String,
    /// The contact-log event (call, email) it was made in; `null` = log it on its own.
    #[serde(default)]
    #[ts(type = "number | null")]
    pub event_id: Option<i64>,
    /// Who took it.
    #[serde(default)]
    pub author: String,
    /// Free text.
    #[serde(default)]
    pub note: String,
}

/// Whether a promise was kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PromiseStatusDto {
    /// Date not passed, not yet paid: dunning waits.
    Pending,
    /// Paid in full by its date.
    Kept,
    /// Part paid by its date.
    PartlyKept,
    /// Nothing paid by its date.
    Broken,
}

/// A recorded promise with its status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PromiseDto {
    /// Id.
    #[ts(type = "number")]
    pub id: i64,
    /// The debtor.
    #[ts(type = "number")]
    pub debtor_id: i64,
    /// Currency.
    pub currency: String,
    /// Amount promised.
    pub amount: String,
    /// Made on.
    pub made_on: String,
    /// Promised by.
    pub date: String,
    /// The contact it was made in.
    #[ts(type = "number | null")]
    pub event_id: Option<i64>,
    /// Who took it.
    pub author: String,
    /// Free text.
    pub note: String,
    /// Status today.
    pub status: PromiseStatusDto,
    /// Paid toward it (at most the amount).
    pub paid: String,
}

/// A settlement offer to record.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SettlementInput {
    /// The debtor.
    #[ts(type = "number")]
    pub debtor_id: i64,
    /// Invoices it covers; empty = all the debtor's open invoices.
    #[serde(default)]
    #[ts(type = "Array<number>")]
    pub invoice_ids: Vec<i64>,
    /// Agreed amount (`""` when a percentage is given).
    #[serde(default)]
    pub amount: String,
    /// Percentage of the claim (`"60"`), instead of an amount.
    #[serde(default)]
    pub percent: String,
    /// Pay by (`YYYY-MM-DD`).
    pub deadline: String,
    /// `one_off` (default) or `by_plan`.
    #[serde(default)]
    pub mode: String,
    /// Who offered it.
    #[serde(default)]
    pub offered_by: String,
    /// Free text.
    #[serde(default)]
    pub note: String,
}

/// Where a settlement stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SettlementStatusDto {
    /// Offered, not accepted yet.
    Offered,
    /// Accepted, being paid.
    Accepted,
    /// Paid; the rest written off.
    Fulfilled,
    /// Not accepted or not paid by the deadline.
    Lapsed,
}

/// A settlement offer with its status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SettlementDto {
    /// Id.
    #[ts(type = "number")]
    pub id: i64,
    /// The debtor.
    #[ts(type = "number")]
    pub debtor_id: i64,
    /// Currency.
    pub currency: String,
    /// What the covered invoices owed when offered.
    pub claim: String,
    /// Agreed amount.
    pub amount: String,
    /// As a percentage ("" when an amount).
    pub percent: String,
    /// `one_off` or `by_plan`.
    pub mode: String,
    /// Offered on.
    pub offered_on: String,
    /// Pay by.
    pub deadline: String,
    /// Who offered it.
    pub offered_by: String,
    /// Free text.
    pub note: String,
    /// Accepted on ("" when not).
    pub accepted_on: String,
    /// Fulfilled on ("" when not).
    pub fulfilled_on: String,
    /// Written off ("" when not yet).
    pub written_off: String,
    /// Paid toward it.
    pub paid: String,
    /// Status today.
    pub status: SettlementStatusDto,
    /// Invoices covered.
    #[ts(type = "Array<number>")]
    pub invoice_ids: Vec<i64>,
}

/// A manual hold to record.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HoldInput {
    /// The debtor.
    #[ts(type = "number")]
    pub debtor_id: i64,
    /// Why dunning stops.
    pub reason: String,
    /// From (`""` = today).
    #[serde(default)]
    pub from: String,
    /// Until, inclusive (`YYYY-MM-DD`).
    pub until: String,
    /// Who.
    #[serde(default)]
    pub author: String,
}

/// A manual hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HoldDto {
    /// Id.
    #[ts(type = "number")]
    pub id: i64,
    /// The debtor.
    #[ts(type = "number")]
    pub debtor_id: i64,
    /// Why.
    pub reason: String,
    /// From.
    pub from: String,
    /// Until.
    pub until: String,
    /// Released early on ("" when not).
    pub released_on: String,
    /// Why released.
    pub release_reason: String,
    /// Who put it on.
    pub created_by: String,
    /// Whether it holds today.
    pub active: bool,
}

/// A debtor's collection state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum CollectionStateKind {
    /// Dunning runs normally.
    Active,
    /// Dunning waits (see `pauses`, `until`).
    Paused,
    /// A payment plan was broken: the remaining balance is due, dunning resumes.
    InDefault,
    /// Settled: the agreed amount was paid and the rest written off.
    Settled,
}

/// What pauses dunning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PauseKindDto {
    /// A pending promise to pay.
    Promise,
    /// An active payment plan.
    Plan,
    /// A disputed invoice.
    Dispute,
    /// A manual hold.
    Hold,
}

/// One reason dunning is paused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CollectionPauseDto {
    /// What pauses it.
    pub kind: PauseKindDto,
    /// Until (inclusive; "" = until resolved).
    pub until: String,
    /// Why, in words.
    pub reason: String,
    /// The plan, promise or hold id (the invoice id for a dispute).
    #[ts(type = "number")]
    pub ref_id: i64,
    /// The one invoice it pauses, if it pauses one invoice.
    #[ts(type = "number | null")]
    pub invoice_id: Option<i64>,
}

/// A debtor's derived collection state: what the dunning engine reads before acting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CollectionStateDto {
    /// The debtor.
    #[ts(type = "number")]
    pub debtor_id: i64,
    /// The date it is derived for.
    pub as_of: String,
    /// Active, paused, in default or settled.
    pub state: CollectionStateKind,
    /// Until when the debtor is paused ("" when not paused or until resolved).
    pub until: String,
    /// The reason in one line ("" when active).
    pub reason: String,
    /// Pauses of the whole debtor.
    pub pauses: Vec<CollectionPauseDto>,
    /// Invoices paused one by one (disputed, or in an active plan), whatever `state` is:
    /// do not dun these.
    pub invoice_pauses: Vec<CollectionPauseDto>,
    /// The ids of the invoices in `invoice_pauses`.
    #[ts(type = "Array<number>")]
    pub paused_invoice_ids: Vec<i64>,
    /// Plans in default.
    #[ts(type = "Array<number>")]
    pub defaulted_plan_ids: Vec<i64>,
    /// Remaining balance of the defaulted plans, now due ("" when none).
    pub default_balance: String,
    /// Promises broken, for the debtor's record.
    pub broken_promises: u32,
    /// Promises partly kept.
    pub partly_kept_promises: u32,
}

/// An installment reminder the dunning engine should send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct InstallmentReminderDto {
    /// The plan.
    #[ts(type = "number")]
    pub plan_id: i64,
    /// The debtor.
    #[ts(type = "number")]
    pub debtor_id: i64,
    /// Installment number (0 = down payment).
    pub n: u32,
    /// Its due date.
    pub due: String,
    /// What is left to pay on it.
    pub amount: String,
    /// Currency.
    pub currency: String,
}

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

fn invalid(e: String) -> ApiError {
    ApiError::invalid(capitalise(&e))
}

fn field(name: &str, e: String) -> ApiError {
    let mut err = invalid(e);
    err.fields.push(crate::FieldErrorDto {
        field: name.into(),
        message: err.message.clone(),
    });
    err
}

fn money(minor: i64, c: Currency) -> String {
    money_string(&Money::from_minor_units(minor, c))
}

fn date_string(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn to_minor(m: &Money) -> Result<i64, ApiError> {
    Ok(m.to_minor_units()?)
}

/// The debtor's payments in `c` not reversed as of `as_of`.
async fn receipts(
    store: &Store,
    debtor_id: i64,
    c: Currency,
    as_of: NaiveDate,
) -> Result<Vec<Receipt>, ApiError> {
    Ok(receipts_of(&store.payments_of(debtor_id).await?, c, as_of))
}

/// What a debtor had paid in currency `c` as of `as_of`, from its payments (a payment
/// reversed later still counts on that day).
fn receipts_of(payments: &[PaymentRecord], c: Currency, as_of: NaiveDate) -> Vec<Receipt> {
    payments
        .iter()
        .filter(|p| p.amount.currency() == c && p.reversed_on.is_none_or(|r| r > as_of))
        .filter_map(|p| {
            p.amount.to_minor_units().ok().map(|m| Receipt {
                date: p.paid_on,
                amount_minor: m,
            })
        })
        .collect()
}

fn schedule_of(plan: &PlanRecord) -> Vec<ScheduledInstallment> {
    plan.installments
        .iter()
        .map(|i| ScheduledInstallment {
            n: u32::try_from(i.n).unwrap_or(0),
            due: i.due_on,
            amount_minor: i.amount_minor,
        })
        .collect()
}

fn track(plan: &PlanRecord, rs: &[Receipt], as_of: NaiveDate) -> PlanProgress {
    coll::track_plan(
        &schedule_of(plan),
        plan.agreed_on,
        plan.grace_days,
        rs,
        as_of,
    )
}

fn plan_dto(plan: PlanRecord, progress: &PlanProgress, as_of: NaiveDate) -> PaymentPlanDto {
    let c = plan.currency;
    let installments = plan
        .installments
        .iter()
        .map(|i| {
            let p = progress
                .installments
                .iter()
                .find(|p| i64::from(p.installment.n) == i.n);
            PlanInstallmentStatus {
                n: u32::try_from(i.n).unwrap_or(0),
                due: i.due_on.to_string(),
                amount: money(i.amount_minor, c),
                principal: money(i.principal_minor, c),
                interest: money(i.interest_minor, c),
                balance_after: money(i.balance_after_minor, c),
                paid: money(p.map_or(0, |p| p.paid_minor), c),
                status: match p.map(|p| p.status) {
                    Some(InstallmentStatus::Paid) => InstallmentStatusDto::Paid,
                    Some(InstallmentStatus::PartlyPaid) => InstallmentStatusDto::PartlyPaid,
                    Some(InstallmentStatus::Missed) => InstallmentStatusDto::Missed,
                    _ => InstallmentStatusDto::Open,
                },
            }
        })
        .collect();
    PaymentPlanDto {
        id: plan.id,
        debtor_id: plan.debtor_id,
        currency: c.code().to_string(),
        method: plan.method,
        frequency: plan.frequency,
        rate: plan.rate,
        remainder: plan.remainder,
        owed: money(plan.owed_minor, c),
        down_payment: money(plan.down_payment_minor, c),
        total: money(plan.total_minor, c),
        interest: money(plan.interest_minor, c),
        grace_days: plan.grace_days,
        agreed_by: plan.agreed_by,
        agreed_on: plan.agreed_on.to_string(),
        agreed_at: plan.agreed_at.to_rfc3339(),
        note: plan.note,
        invoices: plan
            .invoices
            .into_iter()
            .map(|i| PlanInvoiceDto {
                invoice_id: i.invoice_id,
                number: i.number,
                open: money(i.open_minor, c),
            })
            .collect(),
        installments,
        as_of: as_of.to_string(),
        status: plan_status_dto(progress.status),
        status_since: date_string(progress.status_since),
        paid: money(progress.paid_minor, c),
        remaining: money(progress.remaining_minor, c),
        next_due: progress
            .next_due
            .map(|i| i.due.to_string())
            .unwrap_or_default(),
    }
}

fn plan_status_dto(s: PlanStatus) -> PlanStatusDto {
    match s {
        PlanStatus::Active => PlanStatusDto::Active,
        PlanStatus::Defaulted => PlanStatusDto::Defaulted,
        PlanStatus::Completed => PlanStatusDto::Completed,
    }
}

fn promise_of(p: &PromiseRecord) -> Result<PromiseToPay, ApiError> {
    Ok(PromiseToPay {
        made_on: p.made_on,
        due: p.due_on,
        amount_minor: to_minor(&p.amount)?,
    })
}

fn promise_dto(p: PromiseRecord, rs: &[Receipt], as_of: NaiveDate) -> Result<PromiseDto, ApiError> {
    let (status, paid) = coll::promise_status(&promise_of(&p)?, rs, as_of);
    let c = p.amount.currency();
    Ok(PromiseDto {
        id: p.id,
        debtor_id: p.debtor_id,
        currency: c.code().to_string(),
        amount: money_string(&p.amount),
        made_on: p.made_on.to_string(),
        date: p.due_on.to_string(),
        event_id: p.event_id,
        author: p.author,
        note: p.note,
        status: match status {
            PromiseStatus::Pending => PromiseStatusDto::Pending,
            PromiseStatus::Kept => PromiseStatusDto::Kept,
            PromiseStatus::PartlyKept => PromiseStatusDto::PartlyKept,
            PromiseStatus::Broken => PromiseStatusDto::Broken,
        },
        paid: money(paid, c),
    })
}

fn settlement_of(s: &SettlementRecord) -> Result<Settlement, ApiError> {
    Ok(Settlement {
        offered_on: s.offered_on,
        accepted_on: s.accepted_on,
        deadline: s.deadline,
        amount_minor: to_minor(&s.amount)?,
    })
}

fn settlement_status(
    s: &SettlementRecord,
    rs: &[Receipt],
    as_of: NaiveDate,
) -> Result<(SettlementStatus, i64, Option<NaiveDate>), ApiError> {
    if let Some(on) = s.fulfilled_on.filter(|d| *d <= as_of) {
        return Ok((SettlementStatus::Fulfilled, to_minor(&s.amount)?, Some(on)));
    }
    Ok(coll::settlement_status(&settlement_of(s)?, rs, as_of))
}

fn settlement_dto(
    s: SettlementRecord,
    rs: &[Receipt],
    as_of: NaiveDate,
) -> Result<SettlementDto, ApiError> {
    let (status, paid, _) = settlement_status(&s, rs, as_of)?;
    let c = s.amount.currency();
    Ok(SettlementDto {
        id: s.id,
        debtor_id: s.debtor_id,
        currency: c.code().to_string(),
        claim: money_string(&s.claim),
        amount: money_string(&s.amount),
        percent: s.percent,
        mode: s.mode,
        offered_on: s.offered_on.to_string(),
        deadline: s.deadline.to_string(),
        offered_by: s.offered_by,
        note: s.note,
        accepted_on: date_string(s.accepted_on),
        fulfilled_on: date_string(s.fulfilled_on),
        written_off: s.written_off.map(|m| money_string(&m)).unwrap_or_default(),
        paid: money(paid, c),
        status: match status {
            SettlementStatus::Offered => SettlementStatusDto::Offered,
            SettlementStatus::Accepted => SettlementStatusDto::Accepted,
            SettlementStatus::Fulfilled => SettlementStatusDto::Fulfilled,
            SettlementStatus::Lapsed => SettlementStatusDto::Lapsed,
        },
        invoice_ids: s.invoice_ids,
    })
}

fn hold_of(h: &HoldRecord) -> Hold {
    Hold {
        id: h.id,
        reason: h.reason.clone(),
        from: h.from_on,
        until: h.until_on,
        released_on: h.released_on,
    }
}

fn hold_dto(h: HoldRecord, as_of: NaiveDate) -> HoldDto {
    let active = hold_of(&h).holds_on(as_of);
    HoldDto {
        id: h.id,
        debtor_id: h.debtor_id,
        reason: h.reason,
        from: h.from_on.to_string(),
        until: h.until_on.to_string(),
        released_on: date_string(h.released_on),
        release_reason: h.release_reason,
        created_by: h.created_by,
        active,
    }
}

fn pause_dto(p: &coll::Pause) -> CollectionPauseDto {
    CollectionPauseDto {
        kind: match p.kind {
            PauseKind::Promise => PauseKindDto::Promise,
            PauseKind::Plan => PauseKindDto::Plan,
            PauseKind::Dispute => PauseKindDto::Dispute,
            PauseKind::Hold => PauseKindDto::Hold,
        },
        until: date_string(p.until),
        reason: p.reason.clone(),
        ref_id: p.ref_id,
        invoice_id: p.invoice_id,
    }
}

// ---------------------------------------------------------------------------------------
// Use cases
// ---------------------------------------------------------------------------------------

impl Api {
    fn date_or_today_c(&self, field_name: &str, text: &str) -> Result<NaiveDate, ApiError> {
        if text.trim().is_empty() {
            Ok(self.clock().today())
        } else {
            parse_date(field_name, text).map_err(|e| field(field_name, e))
        }
    }

    /// The schedule a plan would have, before it is agreed: the chosen open invoices'
    /// balances spread over the installments by the plan calculator.
    pub async fn plan_preview(&self, input: PlanInput) -> Result<PlanPreview, ApiError> {
        let store = self.store().await;
        let debtor = store.debtor(input.debtor_id).await?;
        let c = debtor.draft.currency;
        if input.invoice_ids.is_empty() {
            return Err(field(
                "invoice_ids",
                "choose at least one open invoice for the plan".into(),
            ));
        }
        let mut seen = BTreeSet::new();
        let mut invoices = Vec::new();
        let mut owed = 0i64;
        for id in &input.invoice_ids {
            if !seen.insert(*id) {
                continue;
            }
            let inv = store.invoice(*id).await?.invoice;
            if inv.debtor_id != input.debtor_id {
                return Err(field(
                    "invoice_ids",
                    format!("invoice {} is not {}'s", inv.number, debtor.draft.name),
                ));
            }
            if inv.open.is_zero() {
                return Err(field(
                    "invoice_ids",
                    format!("invoice {} has nothing open", inv.number),
                ));
            }
            if inv.open.currency() != c {
                return Err(field(
                    "invoice_ids",
                    format!(
                        "invoice {} is in {}, not {c}",
                        inv.number,
                        inv.open.currency()
                    ),
                ));
            }
            owed += to_minor(&inv.open)?;
            invoices.push(PlanInvoiceDto {
                invoice_id: inv.id,
                number: inv.number,
                open: money_string(&inv.open),
            });
        }
        let schedule = calc::plan(PlanCalcRequest {
            total: money(owed, c),
            currency: c.code().to_string(),
            installments: input.installments.clone(),
            first_due: input.first_due.clone(),
            frequency: input.frequency.clone(),
            method: input.method.clone(),
            rate: input.rate.clone(),
            remainder: input.remainder.clone(),
            down_payment: input.down_payment.clone(),
            dates: input.dates.clone(),
        })?;
        Ok(PlanPreview {
            debtor_id: input.debtor_id,
            currency: c.code().to_string(),
            owed: money(owed, c),
            invoices,
            schedule,
        })
    }

    /// Agrees a plan: stores the previewed schedule with who agreed it and today's date,
    /// and logs it on the debtor.
    pub async fn plan_create(&self, input: PlanInput) -> Result<PaymentPlanDto, ApiError> {
        if input.grace_days > 365 {
            return Err(field(
                "grace_days",
                "grace days must be between 0 and 365".into(),
            ));
        }
        let preview = self.plan_preview(input.clone()).await?;
        let c = Currency::from_code(&preview.currency)?;
        let parse = |s: &str| -> Result<i64, ApiError> { to_minor(&Money::parse(s, c)?) };
        let installments = preview
            .schedule
            .installments
            .iter()
            .map(|i| {
                Ok(PlanInstallmentRecord {
                    n: i64::from(i.n),
                    due_on: parse_date("due", &i.due).map_err(invalid)?,
                    amount_minor: parse(&i.amount)?,
                    principal_minor: parse(&i.principal)?,
                    interest_minor: parse(&i.interest)?,
                    balance_after_minor: parse(&i.balance_after)?,
                })
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        let invoices = preview
            .invoices
            .iter()
            .map(|i| Ok((i.invoice_id, parse(&i.open)?)))
            .collect::<Result<Vec<_>, ApiError>>()?;
        let down = installments
            .iter()
            .find(|i| i.n == 0)
            .map_or(0, |i| i.amount_minor);
        let id = self
            .store()
            .await
            .create_plan(
                &NewPlan {
                    debtor_id: input.debtor_id,
                    currency: c,
                    method: preview.schedule.method.clone(),
                    frequency: preview.schedule.frequency.clone(),
                    rate: preview.schedule.rate.clone(),
                    remainder: if input.remainder.trim().eq_ignore_ascii_case("first") {
                        "first".into()
                    } else {
                        "last".into()
                    },
                    invoices,
                    down_payment_minor: down,
                    grace_days: input.grace_days,
                    agreed_by: input.agreed_by.trim().to_string(),
                    agreed_on: self.clock().today(),
                    note: input.note,
                    installments,
                },
                self.clock().now(),
            )
            .await?;
        self.plan_get(id).await
    }

    /// One plan with each installment's status today.
    pub async fn plan_get(&self, id: i64) -> Result<PaymentPlanDto, ApiError> {
        let store = self.store().await;
        let plan = store.plan(id).await?;
        let today = self.clock().today();
        let rs = receipts(&store, plan.debtor_id, plan.currency, today).await?;
        let progress = track(&plan, &rs, today);
        Ok(plan_dto(plan, &progress, today))
    }

    /// A debtor's plans, newest first, with their status today.
    pub async fn plans_of(&self, debtor_id: i64) -> Result<Vec<PaymentPlanDto>, ApiError> {
        let store = self.store().await;
        let debtor = store.debtor(debtor_id).await?;
        let today = self.clock().today();
        let rs = receipts(&store, debtor_id, debtor.draft.currency, today).await?;
        Ok(store
            .plans_of(Some(debtor_id))
            .await?
            .into_iter()
            .map(|p| {
                let progress = track(&p, &rs, today);
                plan_dto(p, &progress, today)
            })
            .collect())
    }

    /// Records a promise to pay (with the contact it was made in); it pauses dunning until
    /// its date.
    pub async fn promise_add(&self, input: PromiseInput) -> Result<PromiseDto, ApiError> {
        let store = self.store().await;
        let debtor = store.debtor(input.debtor_id).await?;
        let c = debtor.draft.currency;
        let amount = parse_positive(&input.amount, c).map_err(|e| field("amount", e))?;
        let due_on = parse_date("the promised date", &input.date).map_err(|e| field("date", e))?;
        let made_on = self.date_or_today_c("made_on", &input.made_on)?;
        if due_on < made_on {
            return Err(field(
                "date",
                format!("the promised date {due_on} is before the day it was made ({made_on})"),
            ));
        }
        let id = store
            .add_promise(
                &NewPromise {
                    debtor_id: input.debtor_id,
                    amount,
                    made_on,
                    due_on,
                    event_id: input.event_id,
                    author: input.author,
                    note: input.note,
                },
                self.clock().now(),
            )
            .await?;
        self.promises_of(input.debtor_id)
            .await?
            .into_iter()
            .find(|p| p.id == id)
            .ok_or_else(|| ApiError::new(ErrorCode::Internal, "the promise was not stored"))
    }

    /// A debtor's promises, newest first, with their status today.
    pub async fn promises_of(&self, debtor_id: i64) -> Result<Vec<PromiseDto>, ApiError> {
        let store = self.store().await;
        let debtor = store.debtor(debtor_id).await?;
        let today = self.clock().today();
        let rs = receipts(&store, debtor_id, debtor.draft.currency, today).await?;
        store
            .promises_of(debtor_id)
            .await?
            .into_iter()
            .map(|p| promise_dto(p, &rs, today))
            .collect()
    }

    /// Records an offer to settle for less (an amount, or a percentage of what the covered
    /// invoices owe today).
    pub async fn settlement_offer_add(
        &self,
        input: SettlementInput,
    ) -> Result<SettlementDto, ApiError> {
        let store = self.store().await;
        let debtor = store.debtor(input.debtor_id).await?;
        let c = debtor.draft.currency;
        let today = self.clock().today();
        let open = store.open_balances(today, Some(input.debtor_id)).await?;
        let invoices: Vec<(i64, i64)> = if input.invoice_ids.is_empty() {
            open.iter()
                .filter(|o| o.open.currency() == c)
                .map(|o| Ok((o.invoice_id, to_minor(&o.open)?)))
                .collect::<Result<_, ApiError>>()?
        } else {
            let mut v = Vec::new();
            for id in &input.invoice_ids {
                let o = open.iter().find(|o| o.invoice_id == *id).ok_or_else(|| {
                    field(
                        "invoice_ids",
                        format!(
                            "invoice {id} is not an open invoice of {}",
                            debtor.draft.name
                        ),
                    )
                })?;
                if !v.iter().any(|(i, _)| i == id) {
                    v.push((*id, to_minor(&o.open)?));
                }
            }
            v
        };
        if invoices.is_empty() {
            return Err(field(
                "invoice_ids",
                format!("{} has no open invoices to settle", debtor.draft.name),
            ));
        }
        let claim: i64 = invoices.iter().map(|(_, o)| *o).sum();
        let (amount, percent) = match (input.amount.trim(), input.percent.trim()) {
            ("", "") => {
                return Err(field(
                    "amount",
                    "give the settlement amount or a percentage of the claim".into(),
                ))
            }
            (a, "") => (
                parse_positive(a, c).map_err(|e| field("amount", e))?,
                String::new(),
            ),
            ("", p) => {
                let pct: Decimal = p.trim_end_matches('%').trim().parse().map_err(|_| {
                    field(
                        "percent",
                        format!("\"{p}\" is not a percentage: write it like 60"),
                    )
                })?;
                if pct <= Decimal::ZERO || pct > Decimal::from(100) {
                    return Err(field(
                        "percent",
                        format!("{p}%: the percentage must be above 0 and at most 100"),
                    ));
                }
                let m = Money::from_minor_units(claim, c)
                    .times(pct / Decimal::from(100))?
                    .rounded();
                (m, pct.normalize().to_string())
            }
            _ => {
                return Err(field(
                    "amount",
                    "give either an amount or a percentage, not both".into(),
                ))
            }
        };
        if to_minor(&amount)? > claim {
            return Err(field(
                "amount",
                format!(
                    "the settlement {} is more than the claim {}",
                    money_string(&amount),
                    money(claim, c)
                ),
            ));
        }
        let deadline =
            parse_date("the deadline", &input.deadline).map_err(|e| field("deadline", e))?;
        if deadline < today {
            return Err(field(
                "deadline",
                format!("the deadline {deadline} has passed"),
            ));
        }
        let mode = match input.mode.trim() {
            "" | "one_off" | "one-off" => "one_off",
            "by_plan" | "by-plan" => "by_plan",
            other => {
                return Err(field(
                    "mode",
                    format!("\"{other}\" is not a settlement mode: use one_off or by_plan"),
                ))
            }
        };
        let id = store
            .add_settlement(
                &NewSettlement {
                    debtor_id: input.debtor_id,
                    invoices,
                    amount,
                    percent,
                    mode: mode.into(),
                    offered_on: today,
                    deadline,
                    offered_by: input.offered_by,
                    note: input.note,
                },
                self.clock().now(),
            )
            .await?;
        self.settlement_get(id).await
    }

    /// One settlement offer with its status today.
    pub async fn settlement_get(&self, id: i64) -> Result<SettlementDto, ApiError> {
        let store = self.store().await;
        let s = store.settlement(id).await?;
        let today = self.clock().today();
        let rs = receipts(&store, s.debtor_id, s.amount.currency(), today).await?;
        settlement_dto(s, &rs, today)
    }

    /// A debtor's settlement offers, newest first.
    pub async fn settlements_of(&self, debtor_id: i64) -> Result<Vec<SettlementDto>, ApiError> {
        let store = self.store().await;
        let debtor = store.debtor(debtor_id).await?;
        let today = self.clock().today();
        let rs = receipts(&store, debtor_id, debtor.draft.currency, today).await?;
        store
            .settlements_of(debtor_id)
            .await?
            .into_iter()
            .map(|s| settlement_dto(s, &rs, today))
            .collect()
    }

    /// Records that the debtor accepted a settlement offer on `date` ("" = today). Once the
    /// agreed amount is paid the rest is written off (see the module docs).
    pub async fn settlement_accept(
        &self,
        id: i64,
        date: &str,
        by: &str,
    ) -> Result<SettlementDto, ApiError> {
        let on = self.date_or_today_c("date", date)?;
        let store = self.store().await;
        store
            .accept_settlement(id, on, by, self.clock().now())
            .await?;
        let debtor_id = store.settlement(id).await?.debtor_id;
        self.collections_sweep(debtor_id).await?;
        self.settlement_get(id).await
    }

    /// Pauses dunning for a debtor until a date, with a reason.
    pub async fn hold_add(&self, input: HoldInput) -> Result<HoldDto, ApiError> {
        let store = self.store().await;
        store.debtor(input.debtor_id).await?;
        if input.reason.trim().is_empty() {
            return Err(field("reason", "say why dunning is put on hold".into()));
        }
        let from_on = self.date_or_today_c("from", &input.from)?;
        let until_on = parse_date("the end date", &input.until).map_err(|e| field("until", e))?;
        if until_on < from_on {
            return Err(field(
                "until",
                format!("the hold ends on {until_on}, before it starts on {from_on}"),
            ));
        }
        let id = store
            .add_hold(
                &NewHold {
                    debtor_id: input.debtor_id,
                    reason: input.reason,
                    from_on,
                    until_on,
                    created_by: input.author,
                },
                self.clock().now(),
            )
            .await?;
        self.holds_of(input.debtor_id)
            .await?
            .into_iter()
            .find(|h| h.id == id)
            .ok_or_else(|| ApiError::new(ErrorCode::Internal, "the hold was not stored"))
    }

    /// Ends a hold today; dunning resumes.
    pub async fn hold_release(&self, id: i64, reason: &str, by: &str) -> Result<HoldDto, ApiError> {
        let today = self.clock().today();
        let h = self
            .store()
            .await
            .release_hold(id, today, reason, by, self.clock().now())
            .await?;
        Ok(hold_dto(h, today))
    }

    /// A debtor's holds, newest first.
    pub async fn holds_of(&self, debtor_id: i64) -> Result<Vec<HoldDto>, ApiError> {
        let today = self.clock().today();
        Ok(self
            .store()
            .await
            .holds_of(debtor_id)
            .await?
            .into_iter()
            .map(|h| hold_dto(h, today))
            .collect())
    }

    /// Resolves an invoice's dispute on `date` ("" = today): `upheld` issues a credit note
    /// for its whole open balance (document number `credit_note_ref`); otherwise it is
    /// rejected and dunning resumes on it.
    pub async fn invoice_dispute_settle(
        &self,
        invoice_id: i64,
        date: &str,
        upheld: bool,
        credit_note_ref: &str,
        by: &str,
    ) -> Result<InvoiceDetailDto, ApiError> {
        let on = self.date_or_today_c("date", date)?;
        let outcome = if upheld {
            DisputeOutcome::Upheld {
                credit_note_ref: credit_note_ref.trim().to_string(),
            }
        } else {
            DisputeOutcome::Rejected
        };
        self.store()
            .await
            .resolve_dispute(invoice_id, on, &outcome, by, self.clock().now())
            .await?;
        self.invoice_get(invoice_id).await
    }

    /// Records outcomes decided as of today that are not yet in the contact log: plans in
    /// default or completed, promises kept / partly kept / broken, and settlements paid
    /// (writing off the remainder). Runs after payments and when the state is evaluated.
    pub async fn collections_sweep(&self, debtor_id: i64) -> Result<(), ApiError> {
        let records = self.store().await.collection_records(&[debtor_id]).await?;
        self.sweep_records(&records, debtor_id).await?;
        Ok(())
    }

    /// [`Api::collections_sweep`] of one debtor from its records read beforehand (for many
    /// debtors at once). Returns whether anything was recorded, which changes the records.
    async fn sweep_records(
        &self,
        records: &CollectionRecords,
        debtor_id: i64,
    ) -> Result<bool, ApiError> {
        let store = self.store().await;
        let today = self.clock().today();
        let now = self.clock().now();
        let (c, rs) = receipts_in(records, debtor_id, today)?;
        let mut changed = false;
        for plan in records.plans.get(&debtor_id).into_iter().flatten() {
            if plan.recorded_status == "completed" {
                continue;
            }
            let p = track(plan, &rs, today);
            let since = p.status_since.unwrap_or(today);
            match p.status {
                PlanStatus::Defaulted if plan.recorded_status == "active" => {
                    let missed = p
                        .installments
                        .iter()
                        .find(|i| i.status == InstallmentStatus::Missed)
                        .map_or(0, |i| i.installment.n);
                    let summary = format!(
                        "Payment plan #{} in default: installment {missed} missed; {} remaining is due",
                        plan.id,
                        money(p.remaining_minor, plan.currency)
                    );
                    changed |= store
                        .record_plan_status(plan.id, "defaulted", since, summary, now)
                        .await?;
                }
                PlanStatus::Completed => {
                    let summary = format!("Payment plan #{} paid off", plan.id);
                    changed |= store
                        .record_plan_status(plan.id, "completed", since, summary, now)
                        .await?;
                }
                _ => {}
            }
        }
        for promise in records.promises.get(&debtor_id).into_iter().flatten() {
            if !promise.recorded_outcome.is_empty() {
                continue;
            }
            let (status, paid) = coll::promise_status(&promise_of(promise)?, &rs, today);
            let (outcome, summary) = match status {
                PromiseStatus::Pending => continue,
                PromiseStatus::Kept => ("kept", format!("Promise kept: {} paid", promise.amount)),
                PromiseStatus::PartlyKept => (
                    "partly_kept",
                    format!(
                        "Promise partly kept: {} of {} paid by {}",
                        money(paid, c),
                        promise.amount,
                        promise.due_on
                    ),
                ),
                PromiseStatus::Broken => (
                    "broken",
                    format!(
                        "Promise broken: nothing of {} paid by {}; dunning resumes",
                        promise.amount, promise.due_on
                    ),
                ),
            };
            let on = if status == PromiseStatus::Kept {
                today.min(promise.due_on)
            } else {
                promise.due_on.succ_opt().unwrap_or(promise.due_on)
            };
            changed |= store
                .record_promise_outcome(promise.id, outcome, on, summary, now)
                .await?;
        }
        for s in records.settlements.get(&debtor_id).into_iter().flatten() {
            if s.fulfilled_on.is_some() {
                continue;
            }
            let (status, _, reached) = coll::settlement_status(&settlement_of(s)?, &rs, today);
            let (SettlementStatus::Fulfilled, Some(on)) = (status, reached) else {
                continue;
            };
            let open = store.open_balances(today, Some(debtor_id)).await?;
            let covered: Vec<(i64, i64)> = s
                .invoice_ids
                .iter()
                .filter_map(|id| open.iter().find(|o| o.invoice_id == *id))
                .map(|o| Ok((o.invoice_id, to_minor(&o.open)?)))
                .collect::<Result<_, ApiError>>()?;
            let remainder = to_minor(&s.claim)? - to_minor(&s.amount)?;
            let lines = coll::settlement_write_offs(remainder, &covered);
            let reason = format!(
                "settlement #{}: {} accepted in full satisfaction of {}",
                s.id,
                money_string(&s.amount),
                money_string(&s.claim)
            );
            changed = true;
            // Dated the day the agreed amount was reached; if the ledger refuses that date
            // (a payment on an invoice was reversed later), dated today.
            match store
                .fulfil_settlement(s.id, on, &lines, &reason, now)
                .await
            {
                Err(StoreError::Rejected(_)) if on < today => {
                    store
                        .fulfil_settlement(s.id, today, &lines, &reason, now)
                        .await?;
                }
                other => {
                    other?;
                }
            }
        }
        Ok(changed)
    }

    /// A debtor's collection state on `as_of` ("" = today): what the dunning engine reads
    /// to know whether the debtor, or which invoices, are paused, until when and why.
    pub async fn collection_state(
        &self,
        debtor_id: i64,
        as_of: &str,
    ) -> Result<CollectionStateDto, ApiError> {
        let as_of = self.date_or_today_c("as_of", as_of)?;
        self.collection_state_on(debtor_id, as_of).await
    }

    /// [`Api::collection_state`] for a date value.
    pub async fn collection_state_on(
        &self,
        debtor_id: i64,
        as_of: NaiveDate,
    ) -> Result<CollectionStateDto, ApiError> {
        let mut states = self.collection_states_on(&[debtor_id], as_of, None).await?;
        states.pop().ok_or_else(|| {
            ApiError::from(StoreError::NotFound {
                entity: "debtor",
                key: debtor_id.to_string(),
            })
        })
    }

    /// The collection states of these debtors on `as_of`, in their order, read in a fixed
    /// number of statements however many debtors there are (a dunning run asks for all of
    /// them). On or after today the outcomes due are recorded first
    /// ([`Api::collections_sweep`]). `open`: every open balance on `as_of`, when the caller
    /// has read them already.
    pub(crate) async fn collection_states_on(
        &self,
        debtor_ids: &[i64],
        as_of: NaiveDate,
        open: Option<&[OpenBalance]>,
    ) -> Result<Vec<CollectionStateDto>, ApiError> {
        let store = self.store().await;
        let mut records = store.collection_records(debtor_ids).await?;
        if let Some(missing) = debtor_ids
            .iter()
            .find(|id| !records.currencies.contains_key(id))
        {
            return Err(StoreError::NotFound {
                entity: "debtor",
                key: missing.to_string(),
            }
            .into());
        }
        let mut swept = Vec::new();
        if as_of >= self.clock().today() {
            for id in records.with_arrangements() {
                if self.sweep_records(&records, id).await? {
                    swept.push(id);
                }
            }
        }
        let (fetched, reloaded);
        let mut balances: Vec<&OpenBalance> = match open {
            Some(open) => open.iter().collect(),
            None => {
                fetched = store.open_balances_among(as_of, debtor_ids).await?;
                fetched.iter().collect()
            }
        };
        if !swept.is_empty() {
            // What was recorded (a settlement's write-off) changes these debtors' books.
            records = store.collection_records(debtor_ids).await?;
            balances.retain(|b| !swept.contains(&b.debtor_id));
            reloaded = store.open_balances_among(as_of, &swept).await?;
            balances.extend(reloaded.iter());
        }
        let mut by_debtor: HashMap<i64, Vec<&OpenBalance>> = HashMap::new();
        for b in balances {
            by_debtor.entry(b.debtor_id).or_default().push(b);
        }
        debtor_ids
            .iter()
            .map(|id| {
                state_of(
                    &records,
                    *id,
                    as_of,
                    by_debtor.get(id).map_or(&[][..], Vec::as_slice),
                )
            })
            .collect()
    }

    /// Collection states of several debtors today (the debtor list's column).
    pub async fn collection_states(
        &self,
        debtor_ids: Vec<i64>,
    ) -> Result<Vec<CollectionStateDto>, ApiError> {
        let ids: Vec<i64> = debtor_ids.into_iter().take(500).collect();
        self.collection_states_on(&ids, self.clock().today(), None)
            .await
    }

    /// Installment reminders due on `as_of` ("" = today): every unpaid installment of an
    /// active plan falling due within `days_before` days. The dunning engine sends them and
    /// remembers what it sent.
    pub async fn installment_reminders_due(
        &self,
        as_of: &str,
        days_before: u32,
    ) -> Result<Vec<InstallmentReminderDto>, ApiError> {
        let as_of = self.date_or_today_c("as_of", as_of)?;
        if days_before > 90 {
            return Err(field(
                "days_before",
                "remind at most 90 days before a due date".into(),
            ));
        }
        let store = self.store().await;
        let mut out = Vec::new();
        for plan in store.plans_of(None).await? {
            let rs = receipts(&store, plan.debtor_id, plan.currency, as_of).await?;
            let p = track(&plan, &rs, as_of);
            for (inst, left) in coll::installment_reminders(&p, as_of, days_before) {
                out.push(InstallmentReminderDto {
                    plan_id: plan.id,
                    debtor_id: plan.debtor_id,
                    n: inst.n,
                    due: inst.due.to_string(),
                    amount: money(left, plan.currency),
                    currency: plan.currency.code().to_string(),
                });
            }
        }
        out.sort_by(|a, b| a.due.cmp(&b.due).then(a.plan_id.cmp(&b.plan_id)));
        Ok(out)
    }
}

/// A debtor's currency and what it had paid in it as of `as_of`, from its records.
fn receipts_in(
    records: &CollectionRecords,
    debtor_id: i64,
    as_of: NaiveDate,
) -> Result<(Currency, Vec<Receipt>), ApiError> {
    let c = *records
        .currencies
        .get(&debtor_id)
        .ok_or_else(|| StoreError::NotFound {
            entity: "debtor",
            key: debtor_id.to_string(),
        })?;
    let payments = records
        .payments
        .get(&debtor_id)
        .map_or(&[][..], Vec::as_slice);
    Ok((c, receipts_of(payments, c, as_of)))
}

/// A debtor's collection state on `as_of` from its records and open balances: the one
/// place the facts are put together for the domain's rules.
fn state_of(
    records: &CollectionRecords,
    debtor_id: i64,
    as_of: NaiveDate,
    open: &[&OpenBalance],
) -> Result<CollectionStateDto, ApiError> {
    let (c, rs) = receipts_in(records, debtor_id, as_of)?;
    let mut facts = CollectionFacts {
        open_invoices: open
            .iter()
            .map(|o| OpenInvoiceFacts {
                id: o.invoice_id,
                number: o.number.clone(),
                dispute: records
                    .disputes
                    .get(&o.invoice_id)
                    .filter(|(debtor, on, _)| *debtor == debtor_id && *on <= as_of)
                    .map(|(_, on, reason)| (*on, reason.clone())),
            })
            .collect(),
        ..Default::default()
    };
    let mut default_balance = 0i64;
    for plan in records.plans.get(&debtor_id).into_iter().flatten() {
        if plan.agreed_on > as_of {
            continue;
        }
        let p = track(plan, &rs, as_of);
        if p.status == PlanStatus::Defaulted {
            default_balance += p.remaining_minor;
        }
        facts.plans.push(PlanFacts {
            id: plan.id,
            invoice_ids: plan.invoices.iter().map(|i| i.invoice_id).collect(),
            status: p.status,
            pause_until: p.next_due.and_then(|i| {
                i.due
                    .checked_add_days(chrono::Days::new(u64::from(plan.grace_days)))
            }),
            defaulted_since: (p.status == PlanStatus::Defaulted)
                .then_some(p.status_since)
                .flatten(),
        });
    }
    for promise in records.promises.get(&debtor_id).into_iter().flatten() {
        if promise.made_on > as_of {
            continue;
        }
        let (status, _) = coll::promise_status(&promise_of(promise)?, &rs, as_of);
        facts.promises.push(PromiseFacts {
            id: promise.id,
            due: promise.due_on,
            amount_text: promise.amount.to_string(),
            status,
        });
    }
    facts.holds = records
        .holds
        .get(&debtor_id)
        .into_iter()
        .flatten()
        .map(hold_of)
        .collect();
    for s in records.settlements.get(&debtor_id).into_iter().flatten() {
        if settlement_status(s, &rs, as_of)?.0 == SettlementStatus::Fulfilled {
            facts.settlement_fulfilled = true;
            facts
                .settled_invoice_ids
                .extend(s.invoice_ids.iter().copied());
        }
    }
    let status = coll::collection_state(&facts, as_of);
    let mut paused_invoice_ids: Vec<i64> = status
        .invoice_pauses
        .iter()
        .filter_map(|p| p.invoice_id)
        .collect();
    paused_invoice_ids.sort_unstable();
    paused_invoice_ids.dedup();
    Ok(CollectionStateDto {
        debtor_id,
        as_of: as_of.to_string(),
        state: match status.state {
            CollectionState::Active => CollectionStateKind::Active,
            CollectionState::Paused => CollectionStateKind::Paused,
            CollectionState::InDefault => CollectionStateKind::InDefault,
            CollectionState::Settled => CollectionStateKind::Settled,
        },
        until: date_string(status.until),
        reason: status.reason.clone(),
        pauses: status.pauses.iter().map(pause_dto).collect(),
        invoice_pauses: status.invoice_pauses.iter().map(pause_dto).collect(),
        paused_invoice_ids,
        defaulted_plan_ids: status.defaulted_plan_ids.clone(),
        default_balance: if default_balance > 0 {
            money(default_balance, c)
        } else {
            String::new()
        },
        broken_promises: status.broken_promises,
        partly_kept_promises: status.partly_kept_promises,
    })
}
