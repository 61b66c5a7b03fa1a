//! Collection commitments and the debtor's collection state: payment plans being paid
//! off, promises to pay, settlement offers, disputes and manual holds, and what they mean
//! for dunning on a given day.
//!
//! Everything here is derived from records and payments as of a date; nothing is typed
//! in by hand. The same inputs and `as_of` always give the same answer, so a state shown
//! yesterday can be recomputed today.
//!
//! Amounts are integer minor units of ONE currency (the debtor's): the caller passes only
//! that currency's payments, so arithmetic is exact and cannot mix currencies. The API
//! layer converts to and from [`crate::Money`].
//!
//! Conventions (see `RULES.md`, "Payment plans"):
//! - **Plan tracking**: the debtor's payments dated from the day the plan was agreed are
//!   applied to the installments in order (oldest due first). An installment is *missed*
//!   when the payments received by its due date + grace days do not cover it and everything
//!   due before it; the first missed installment puts the plan in *default* from the day
//!   after its grace period, for good: a later payment is still applied, but dunning
//!   resumes on the remaining balance. A plan whose installments are all paid is
//!   *completed* (even after a default: the debt is paid).
//! - **Promise to pay**: payments dated from the day it was made up to its date count.
//!   Until its date it is *pending* (pauses dunning) unless already kept; after its date it
//!   is *kept* (paid in full), *partly kept* (something paid) or *broken* (nothing paid).
//! - **Settlement**: once accepted, payments dated from the acceptance up to the deadline
//!   count; when they reach the agreed amount the settlement is *fulfilled* on that day
//!   and the rest of the covered invoices is written off. Not accepted, or not paid in
//!   full, by the deadline: *lapsed*.
//! - **Collection state** (first that applies): *settled* (a fulfilled settlement and
//!   nothing open outside it); *paused* by a manual hold or a pending promise (the whole
//!   debtor); *in default* (a defaulted plan); *paused* by an active plan or by disputes
//!   when every open invoice is covered by one; otherwise *active*. Disputed invoices and
//!   invoices under an active plan are paused one by one whatever the debtor's state.
//!
//! ## Glossary
//! - **Installment**: one scheduled payment of a plan (row 0 is a down payment).
//! - **Grace days**: days after an installment's due date before it counts as missed.
//! - **Default**: a plan the debtor stopped keeping; its remaining balance is due at once.
//! - **Promise to pay**: the debtor's word to pay an amount by a date.
//! - **Settlement**: an agreement to accept less than owed in full satisfaction.
//! - **Hold**: a manual pause of dunning with a reason and an end date.
//! - **Collection state**: active, paused, in default or settled, with the reasons.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// A payment received: its date and amount (minor units, above zero).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// When it was received.
    pub date: NaiveDate,
    /// Amount in minor units.
    pub amount_minor: i64,
}

fn sum_between(receipts: &[Receipt], from: NaiveDate, to: NaiveDate) -> i64 {
    receipts
        .iter()
        .filter(|r| r.date >= from && r.date <= to)
        .map(|r| r.amount_minor)
        .sum()
}

fn plus_days(d: NaiveDate, days: u32) -> NaiveDate {
    d.checked_add_days(Days::new(u64::from(days)))
        .unwrap_or(NaiveDate::MAX)
}

// ---------------------------------------------------------------------------------------
// Payment plans
// ---------------------------------------------------------------------------------------

/// One scheduled installment of an agreed plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduledInstallment {
    /// 0 for a down payment, then 1, 2, ...
    pub n: u32,
    /// Due date.
    pub due: NaiveDate,
    /// Amount due (principal + interest), minor units.
    pub amount_minor: i64,
}

/// Where one installment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InstallmentStatus {
    /// Not (fully) paid, and its grace period has not ended.
    Open,
    /// Something paid, not all, grace period not ended.
    PartlyPaid,
    /// Paid in full.
    Paid,
    /// Not paid in full by its due date + grace days.
    Missed,
}

/// One installment with what has been paid on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstallmentProgress {
    /// The installment.
    pub installment: ScheduledInstallment,
    /// Paid on it so far (payments applied in order), minor units.
    pub paid_minor: i64,
    /// Its status as of the date asked.
    pub status: InstallmentStatus,
}

/// Where a plan stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanStatus {
    /// Being kept: installments are paid as they fall due.
    Active,
    /// An installment was missed: dunning resumes on the remaining balance.
    Defaulted,
    /// Every installment is paid.
    Completed,
}

/// A plan's progress as of a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanProgress {
    /// Each installment, in order.
    pub installments: Vec<InstallmentProgress>,
    /// Applied to the plan so far, minor units.
    pub paid_minor: i64,
    /// Still to pay, minor units.
    pub remaining_minor: i64,
    /// Active, defaulted or completed.
    pub status: PlanStatus,
    /// Since when: the day of default (the day after the missed installment's grace
    /// period) or of completion (the payment that completed it).
    pub status_since: Option<NaiveDate>,
    /// The first installment not yet paid in full (the next one to remind about).
    pub next_due: Option<ScheduledInstallment>,
}

/// Applies `receipts` (the debtor's payments, any order) dated from `agreed_on` up to
/// `as_of` to the installments in order and decides each one's status and the plan's.
pub fn track_plan(
    installments: &[ScheduledInstallment],
    agreed_on: NaiveDate,
    grace_days: u32,
    receipts: &[Receipt],
    as_of: NaiveDate,
) -> PlanProgress {
    let mut rs: Vec<Receipt> = receipts
        .iter()
        .copied()
        .filter(|r| r.date >= agreed_on && r.date <= as_of && r.amount_minor > 0)
        .collect();
    rs.sort_by_key(|r| r.date);
    let mut sorted = installments.to_vec();
    sorted.sort_by_key(|i| (i.due, i.n));
    let total: i64 = sorted.iter().map(|i| i.amount_minor).sum();
    let paid_total: i64 = rs.iter().map(|r| r.amount_minor).sum::<i64>().min(total);

    // The day cumulative payments first reached `target`, if they did.
    let reached_on = |target: i64| -> Option<NaiveDate> {
        let mut acc = 0;
        for r in &rs {
            acc += r.amount_minor;
            if acc >= target {
                return Some(r.date);
            }
        }
        None
    };

    let mut out = Vec::with_capacity(sorted.len());
    let mut cumulative_due = 0;
    let mut left = paid_total;
    let mut default_since: Option<NaiveDate> = None;
    for inst in &sorted {
        cumulative_due += inst.amount_minor;
        let paid = left.min(inst.amount_minor).max(0);
        left -= paid;
        let grace_end = plus_days(inst.due, grace_days);
        // Missed: the payments received by the end of its grace period did not cover it
        // and everything due before it.
        let covered_in_time = rs
            .iter()
            .filter(|r| r.date <= grace_end)
            .map(|r| r.amount_minor)
            .sum::<i64>()
            >= cumulative_due;
        let missed = as_of > grace_end && !covered_in_time;
        if missed && default_since.is_none() {
            default_since = Some(grace_end.succ_opt().unwrap_or(grace_end));
        }
        let status = if paid >= inst.amount_minor {
            InstallmentStatus::Paid
        } else if missed {
            InstallmentStatus::Missed
        } else if paid > 0 {
            InstallmentStatus::PartlyPaid
        } else {
            InstallmentStatus::Open
        };
        out.push(InstallmentProgress {
            installment: *inst,
            paid_minor: paid,
            status,
        });
    }
    let next_due = out
        .iter()
        .find(|p| p.status != InstallmentStatus::Paid)
        .map(|p| p.installment);
    let (status, status_since) = if total > 0 && paid_total >= total {
        (PlanStatus::Completed, reached_on(total))
    } else if let Some(since) = default_since {
        (PlanStatus::Defaulted, Some(since))
    } else {
        (PlanStatus::Active, None)
    };
    PlanProgress {
        installments: out,
        paid_minor: paid_total,
        remaining_minor: total - paid_total,
        status,
        status_since,
        next_due,
    }
}

// ---------------------------------------------------------------------------------------
// Promises to pay
// ---------------------------------------------------------------------------------------

/// A promise to pay an amount by a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromiseToPay {
    /// The day it was made.
    pub made_on: NaiveDate,
    /// The day the money was promised by.
    pub due: NaiveDate,
    /// Amount promised, minor units.
    pub amount_minor: i64,
}

/// Whether a promise was kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PromiseStatus {
    /// Its date has not passed and it is not yet paid in full: dunning waits.
    Pending,
    /// Paid in full by its date.
    Kept,
    /// Part paid by its date.
    PartlyKept,
    /// Nothing paid by its date.
    Broken,
}

/// A promise's status as of `as_of`, and what was paid toward it (capped at the amount).
pub fn promise_status(
    p: &PromiseToPay,
    receipts: &[Receipt],
    as_of: NaiveDate,
) -> (PromiseStatus, i64) {
    let paid = sum_between(receipts, p.made_on, p.due.min(as_of));
    let capped = paid.min(p.amount_minor);
    let status = if paid >= p.amount_minor {
        PromiseStatus::Kept
    } else if as_of <= p.due {
        PromiseStatus::Pending
    } else if paid > 0 {
        PromiseStatus::PartlyKept
    } else {
        PromiseStatus::Broken
    };
    (status, capped)
}

// ---------------------------------------------------------------------------------------
// Settlements
// ---------------------------------------------------------------------------------------

/// An offer to accept less than the full claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settlement {
    /// Offered on.
    pub offered_on: NaiveDate,
    /// Accepted on (the debtor agreed), if it was.
    pub accepted_on: Option<NaiveDate>,
    /// Pay by.
    pub deadline: NaiveDate,
    /// The agreed amount, minor units.
    pub amount_minor: i64,
}

/// Where a settlement stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SettlementStatus {
    /// Offered, not yet accepted, deadline not passed.
    Offered,
    /// Accepted, being paid.
    Accepted,
    /// The agreed amount is paid: the rest is written off.
    Fulfilled,
    /// Not accepted or not paid in full by the deadline.
    Lapsed,
}

/// A settlement's status as of `as_of`, what was paid toward it and, when fulfilled, the
/// day the agreed amount was reached.
pub fn settlement_status(
    s: &Settlement,
    receipts: &[Receipt],
    as_of: NaiveDate,
) -> (SettlementStatus, i64, Option<NaiveDate>) {
    let Some(accepted) = s.accepted_on.filter(|a| *a <= as_of) else {
        let status = if as_of > s.deadline {
            SettlementStatus::Lapsed
        } else {
            SettlementStatus::Offered
        };
        return (status, 0, None);
    };
    let mut rs: Vec<Receipt> = receipts
        .iter()
        .copied()
        .filter(|r| r.date >= accepted && r.date <= s.deadline.min(as_of))
        .collect();
    rs.sort_by_key(|r| r.date);
    let mut acc = 0;
    for r in &rs {
        acc += r.amount_minor;
        if acc >= s.amount_minor {
            return (SettlementStatus::Fulfilled, s.amount_minor, Some(r.date));
        }
    }
    let status = if as_of > s.deadline {
        SettlementStatus::Lapsed
    } else {
        SettlementStatus::Accepted
    };
    (status, acc, None)
}

/// What to write off when a settlement is fulfilled: the remainder of the claim
/// (`claim - agreed amount`), taken from the covered invoices' open balances in the order
/// given, as `(invoice id, amount)` in minor units. The lines sum to exactly the remainder,
/// or to less when less is still open (the debtor paid more than agreed); never more, so
/// a payment that went to an invoice outside the settlement is not written off with it.
pub fn settlement_write_offs(
    remainder_minor: i64,
    open_by_invoice: &[(i64, i64)],
) -> Vec<(i64, i64)> {
    let mut left = remainder_minor.max(0);
    let mut out = Vec::new();
    for (id, open) in open_by_invoice {
        if left == 0 {
            break;
        }
        let take = left.min(*open);
        if take > 0 {
            out.push((*id, take));
            left -= take;
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Collection state
// ---------------------------------------------------------------------------------------

/// Why dunning is paused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PauseKind {
    /// A pending promise to pay.
    Promise,
    /// An active payment plan.
    Plan,
    /// A disputed invoice.
    Dispute,
    /// A manual hold.
    Hold,
}

/// One reason dunning is paused (for the debtor or for one invoice).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    /// What pauses it.
    pub kind: PauseKind,
    /// Until when (inclusive); `None` until resolved (a dispute).
    pub until: Option<NaiveDate>,
    /// Why, in words.
    pub reason: String,
    /// The record behind it (plan, promise, hold id; the invoice id for a dispute).
    pub ref_id: i64,
    /// The invoice it pauses, when it pauses one invoice only.
    pub invoice_id: Option<i64>,
}

/// A debtor's collection state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CollectionState {
    /// Dunning runs normally.
    Active,
    /// Dunning waits (see the pauses).
    Paused,
    /// A payment plan was broken: the remaining balance is due and dunning resumes.
    InDefault,
    /// A settlement was paid and the rest written off.
    Settled,
}

/// A manual hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hold {
    /// Id.
    pub id: i64,
    /// Why.
    pub reason: String,
    /// From (inclusive).
    pub from: NaiveDate,
    /// Until (inclusive).
    pub until: NaiveDate,
    /// Released early on this day (no longer holds from that day).
    pub released_on: Option<NaiveDate>,
}

impl Hold {
    /// Whether the hold pauses dunning on `as_of`.
    pub fn holds_on(&self, as_of: NaiveDate) -> bool {
        self.from <= as_of && as_of <= self.until && self.released_on.is_none_or(|r| as_of < r)
    }
}

/// A plan as the state sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanFacts {
    /// Plan id.
    pub id: i64,
    /// Invoices it covers.
    pub invoice_ids: Vec<i64>,
    /// Its progress as of the date (from [`track_plan`]).
    pub status: PlanStatus,
    /// The next unpaid installment's due date + grace days (how long it pauses at most).
    pub pause_until: Option<NaiveDate>,
    /// Since when defaulted, if it is.
    pub defaulted_since: Option<NaiveDate>,
}

/// A promise as the state sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromiseFacts {
    /// Promise id.
    pub id: i64,
    /// Its date.
    pub due: NaiveDate,
    /// Amount in words for the reason ("500.00 EUR").
    pub amount_text: String,
    /// Status as of the date.
    pub status: PromiseStatus,
}

/// An open invoice as the state sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenInvoiceFacts {
    /// Invoice id.
    pub id: i64,
    /// Its number.
    pub number: String,
    /// Disputed since, with the reason, if it is.
    pub dispute: Option<(NaiveDate, String)>,
}

/// Everything the state is derived from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectionFacts {
    /// Open invoices (open balance above zero) as of the date.
    pub open_invoices: Vec<OpenInvoiceFacts>,
    /// The debtor's plans.
    pub plans: Vec<PlanFacts>,
    /// The debtor's promises.
    pub promises: Vec<PromiseFacts>,
    /// Manual holds.
    pub holds: Vec<Hold>,
    /// Invoices covered by a fulfilled settlement.
    pub settled_invoice_ids: Vec<i64>,
    /// Whether any settlement is fulfilled.
    pub settlement_fulfilled: bool,
}

/// The derived state with its reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectionStatus {
    /// Active, paused, in default or settled.
    pub state: CollectionState,
    /// Pauses of the whole debtor (holds, promises, plans or disputes covering every open
    /// invoice); empty unless paused.
    pub pauses: Vec<Pause>,
    /// Until when the debtor is paused: the latest end of its pauses (`None` when a pause
    /// has no end, e.g. disputes, or when not paused).
    pub until: Option<NaiveDate>,
    /// The reason in one line.
    pub reason: String,
    /// Invoices paused one by one (disputed, or under an active plan).
    pub invoice_pauses: Vec<Pause>,
    /// Defaulted plans (dunning resumes on their remaining balance).
    pub defaulted_plan_ids: Vec<i64>,
    /// Promises broken (nothing paid by the date), for the debtor's record.
    pub broken_promises: u32,
    /// Promises partly kept.
    pub partly_kept_promises: u32,
}

/// Derives a debtor's collection state on `as_of` from its commitments.
pub fn collection_state(facts: &CollectionFacts, as_of: NaiveDate) -> CollectionStatus {
    let mut invoice_pauses = Vec::new();
    for inv in &facts.open_invoices {
        if let Some((since, reason)) = &inv.dispute {
            invoice_pauses.push(Pause {
                kind: PauseKind::Dispute,
                until: None,
                reason: format!("invoice {} disputed since {since}: {reason}", inv.number),
                ref_id: inv.id,
                invoice_id: Some(inv.id),
            });
        }
    }
    let active_plans: Vec<&PlanFacts> = facts
        .plans
        .iter()
        .filter(|p| p.status == PlanStatus::Active)
        .collect();
    for p in &active_plans {
        for inv in facts
            .open_invoices
            .iter()
            .filter(|i| p.invoice_ids.contains(&i.id))
        {
            invoice_pauses.push(Pause {
                kind: PauseKind::Plan,
                until: p.pause_until,
                reason: format!("invoice {} is in payment plan #{}", inv.number, p.id),
                ref_id: p.id,
                invoice_id: Some(inv.id),
            });
        }
    }
    let broken_promises = count(&facts.promises, PromiseStatus::Broken);
    let partly_kept_promises = count(&facts.promises, PromiseStatus::PartlyKept);
    let defaulted_plan_ids: Vec<i64> = facts
        .plans
        .iter()
        .filter(|p| p.status == PlanStatus::Defaulted)
        .map(|p| p.id)
        .collect();
    let base = CollectionStatus {
        state: CollectionState::Active,
        pauses: Vec::new(),
        until: None,
        reason: String::new(),
        invoice_pauses,
        defaulted_plan_ids,
        broken_promises,
        partly_kept_promises,
    };

    let outside_settlement = facts
        .open_invoices
        .iter()
        .any(|i| !facts.settled_invoice_ids.contains(&i.id));
    if facts.settlement_fulfilled && !outside_settlement {
        return CollectionStatus {
            state: CollectionState::Settled,
            reason: "settled: the agreed amount was paid and the rest written off".into(),
            ..base
        };
    }

    let mut debtor_pauses: Vec<Pause> = facts
        .holds
        .iter()
        .filter(|h| h.holds_on(as_of))
        .map(|h| Pause {
            kind: PauseKind::Hold,
            until: Some(h.until),
            reason: format!("on hold until {}: {}", h.until, h.reason),
            ref_id: h.id,
            invoice_id: None,
        })
        .collect();
    debtor_pauses.extend(
        facts
            .promises
            .iter()
            .filter(|p| p.status == PromiseStatus::Pending)
            .map(|p| Pause {
                kind: PauseKind::Promise,
                until: Some(p.due),
                reason: format!("promised to pay {} by {}", p.amount_text, p.due),
                ref_id: p.id,
                invoice_id: None,
            }),
    );
    if !debtor_pauses.is_empty() {
        return paused(base, debtor_pauses);
    }
    if let Some(p) = facts
        .plans
        .iter()
        .find(|p| p.status == PlanStatus::Defaulted)
    {
        let since = p
            .defaulted_since
            .map(|d| format!(" since {d}"))
            .unwrap_or_default();
        return CollectionStatus {
            state: CollectionState::InDefault,
            reason: format!(
                "payment plan #{} in default{since}: the remaining balance is due",
                p.id
            ),
            ..base
        };
    }
    // Every open invoice paused one by one (plan or dispute): the debtor waits too.
    let all_paused = !facts.open_invoices.is_empty()
        && facts.open_invoices.iter().all(|i| {
            base.invoice_pauses
                .iter()
                .any(|p| p.invoice_id == Some(i.id))
        });
    if all_paused {
        let mut pauses: Vec<Pause> = Vec::new();
        for p in &base.invoice_pauses {
            if !pauses
                .iter()
                .any(|q| q.kind == p.kind && q.ref_id == p.ref_id)
            {
                let reason = match p.kind {
                    PauseKind::Plan => format!("paying by payment plan #{}", p.ref_id),
                    _ => p.reason.clone(),
                };
                pauses.push(Pause {
                    invoice_id: if p.kind == PauseKind::Plan {
                        None
                    } else {
                        p.invoice_id
                    },
                    reason,
                    ..p.clone()
                });
            }
        }
        return paused(base, pauses);
    }
    base
}

fn count(promises: &[PromiseFacts], status: PromiseStatus) -> u32 {
    u32::try_from(promises.iter().filter(|p| p.status == status).count()).unwrap_or(u32::MAX)
}

fn paused(base: CollectionStatus, pauses: Vec<Pause>) -> CollectionStatus {
    let until = if pauses.iter().any(|p| p.until.is_none()) {
        None
    } else {
        pauses.iter().filter_map(|p| p.until).max()
    };
    let reason = pauses
        .iter()
        .map(|p| p.reason.clone())
        .collect::<Vec<_>>()
        .join("; ");
    CollectionStatus {
        state: CollectionState::Paused,
        pauses,
        until,
        reason,
        ..base
    }
}

// ---------------------------------------------------------------------------------------
// Installment reminders
// ---------------------------------------------------------------------------------------

/// The installments of an active plan to remind about on `as_of`: not yet paid in full and
/// due within `days_before` days from `as_of` (due today included), with what is left on
/// each. The dunning engine sends them and keeps track of what it sent.
pub fn installment_reminders(
    progress: &PlanProgress,
    as_of: NaiveDate,
    days_before: u32,
) -> Vec<(ScheduledInstallment, i64)> {
    if progress.status != PlanStatus::Active {
        return Vec::new();
    }
    let horizon = plus_days(as_of, days_before);
    progress
        .installments
        .iter()
        .filter(|p| p.status != InstallmentStatus::Paid && p.status != InstallmentStatus::Missed)
        .filter(|p| p.installment.due >= as_of && p.installment.due <= horizon)
        .map(|p| (p.installment, p.installment.amount_minor - p.paid_minor))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn r(date: &str, amount_minor: i64) -> Receipt {
        Receipt {
            date: d(date),
            amount_minor,
        }
    }

    /// 300.00 in three monthly installments of 100.00 from 31 Jan.
    fn three() -> Vec<ScheduledInstallment> {
        ["2026-01-31", "2026-02-28", "2026-03-31"]
            .iter()
            .enumerate()
            .map(|(k, due)| ScheduledInstallment {
                n: u32::try_from(k).unwrap() + 1,
                due: d(due),
                amount_minor: 10_000,
            })
            .collect()
    }

    fn statuses(p: &PlanProgress) -> Vec<InstallmentStatus> {
        p.installments.iter().map(|i| i.status).collect()
    }

    #[test]
    fn plan_kept_on_time_completes() {
        use InstallmentStatus::*;
        let pays = [
            r("2026-01-30", 10_000),
            r("2026-02-27", 10_000),
            r("2026-03-31", 10_000),
        ];
        let p = track_plan(&three(), d("2026-01-15"), 5, &pays, d("2026-02-10"));
        assert_eq!(statuses(&p), vec![Paid, Open, Open]);
        assert_eq!(p.status, PlanStatus::Active);
        assert_eq!(
            p.next_due.unwrap().n,
            2,
            "the next reminder is for installment 2"
        );
        let p = track_plan(&three(), d("2026-01-15"), 5, &pays, d("2026-04-30"));
        assert_eq!(statuses(&p), vec![Paid, Paid, Paid]);
        assert_eq!(p.status, PlanStatus::Completed);
        assert_eq!(p.status_since, Some(d("2026-03-31")));
        assert_eq!(p.remaining_minor, 0);
    }

    #[test]
    fn plan_missed_goes_into_default_after_grace_and_stays() {
        use InstallmentStatus::*;
        let pays = [r("2026-01-31", 10_000), r("2026-03-02", 4_000)];
        // Within grace (28 Feb + 5 days = 5 Mar): partly paid, not missed.
        let p = track_plan(&three(), d("2026-01-15"), 5, &pays, d("2026-03-05"));
        assert_eq!(statuses(&p), vec![Paid, PartlyPaid, Open]);
        assert_eq!(p.status, PlanStatus::Active);
        // The day after grace: missed -> default, remaining balance due.
        let p = track_plan(&three(), d("2026-01-15"), 5, &pays, d("2026-03-06"));
        assert_eq!(statuses(&p), vec![Paid, Missed, Open]);
        assert_eq!(p.status, PlanStatus::Defaulted);
        assert_eq!(p.status_since, Some(d("2026-03-06")));
        assert_eq!(p.remaining_minor, 16_000);
        // A late catch-up payment is applied but does not undo the default.
        let late = [pays[0], pays[1], r("2026-03-10", 6_000)];
        let p = track_plan(&three(), d("2026-01-15"), 5, &late, d("2026-03-12"));
        assert_eq!(statuses(&p)[1], Paid);
        assert_eq!(
            p.status,
            PlanStatus::Defaulted,
            "a default is not undone by paying late"
        );
        assert!(
            installment_reminders(&p, d("2026-03-28"), 5).is_empty(),
            "no reminders for a defaulted plan"
        );
    }

    #[test]
    fn payments_before_the_plan_was_agreed_do_not_count() {
        let pays = [r("2026-01-10", 10_000)];
        let p = track_plan(&three(), d("2026-01-15"), 0, &pays, d("2026-02-01"));
        assert_eq!(p.installments[0].status, InstallmentStatus::Missed);
        assert_eq!(p.status, PlanStatus::Defaulted);
    }

    #[test]
    fn reminders_are_due_days_before_each_unpaid_installment() {
        let p = track_plan(
            &three(),
            d("2026-01-15"),
            5,
            &[r("2026-01-31", 10_000)],
            d("2026-02-24"),
        );
        let due = installment_reminders(&p, d("2026-02-24"), 5);
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].0.n, 2);
        assert_eq!(due[0].1, 10_000);
        assert!(installment_reminders(&p, d("2026-02-20"), 5).is_empty());
    }

    fn promise() -> PromiseToPay {
        PromiseToPay {
            made_on: d("2026-05-01"),
            due: d("2026-05-15"),
            amount_minor: 50_000,
        }
    }

    #[test]
    fn promise_kept_partly_kept_broken() {
        let p = promise();
        assert_eq!(
            promise_status(&p, &[], d("2026-05-10")),
            (PromiseStatus::Pending, 0)
        );
        assert_eq!(
            promise_status(&p, &[r("2026-05-15", 50_000)], d("2026-05-16")).0,
            PromiseStatus::Kept
        );
        assert_eq!(
            promise_status(&p, &[r("2026-05-03", 60_000)], d("2026-05-04")),
            (PromiseStatus::Kept, 50_000),
            "paid in full early: kept at once"
        );
        assert_eq!(
            promise_status(&p, &[r("2026-05-14", 20_000)], d("2026-05-16")),
            (PromiseStatus::PartlyKept, 20_000)
        );
        assert_eq!(
            promise_status(
                &p,
                &[r("2026-05-16", 50_000), r("2026-04-30", 50_000)],
                d("2026-05-20")
            ),
            (PromiseStatus::Broken, 0),
            "payments before the promise or after its date do not keep it"
        );
    }

    #[test]
    fn settlement_paid_is_fulfilled_on_the_day_the_amount_is_reached() {
        let s = Settlement {
            offered_on: d("2026-06-01"),
            accepted_on: Some(d("2026-06-03")),
            deadline: d("2026-06-30"),
            amount_minor: 60_000,
        };
        let pays = [r("2026-06-10", 30_000), r("2026-06-20", 30_000)];
        assert_eq!(
            settlement_status(&s, &pays, d("2026-06-15")),
            (SettlementStatus::Accepted, 30_000, None)
        );
        assert_eq!(
            settlement_status(&s, &pays, d("2026-06-25")),
            (SettlementStatus::Fulfilled, 60_000, Some(d("2026-06-20")))
        );
        assert_eq!(
            settlement_status(&s, &pays[..1], d("2026-07-01")).0,
            SettlementStatus::Lapsed
        );
        let unaccepted = Settlement {
            accepted_on: None,
            ..s
        };
        assert_eq!(
            settlement_status(&unaccepted, &pays, d("2026-06-25")).0,
            SettlementStatus::Offered
        );
        assert_eq!(
            settlement_status(&unaccepted, &pays, d("2026-07-01")).0,
            SettlementStatus::Lapsed
        );
    }

    fn inv(id: i64, disputed: bool) -> OpenInvoiceFacts {
        OpenInvoiceFacts {
            id,
            number: format!("I-{id}"),
            dispute: disputed.then(|| (d("2026-05-01"), "goods damaged".to_string())),
        }
    }

    #[test]
    fn state_machine_promise_pauses_then_broken_resumes() {
        let mut facts = CollectionFacts {
            open_invoices: vec![inv(1, false)],
            ..Default::default()
        };
        assert_eq!(
            collection_state(&facts, d("2026-05-10")).state,
            CollectionState::Active
        );
        facts.promises.push(PromiseFacts {
            id: 7,
            due: d("2026-05-15"),
            amount_text: "500.00 EUR".into(),
            status: PromiseStatus::Pending,
        });
        let s = collection_state(&facts, d("2026-05-10"));
        assert_eq!(s.state, CollectionState::Paused);
        assert_eq!(s.until, Some(d("2026-05-15")));
        assert_eq!(s.pauses[0].kind, PauseKind::Promise);
        facts.promises[0].status = PromiseStatus::Broken;
        let s = collection_state(&facts, d("2026-05-16"));
        assert_eq!(
            s.state,
            CollectionState::Active,
            "a broken promise resumes dunning"
        );
        assert_eq!(s.broken_promises, 1, "and counts in the debtor's record");
    }

    #[test]
    fn state_machine_plan_pauses_then_default_resumes() {
        let mut facts = CollectionFacts {
            open_invoices: vec![inv(1, false), inv(2, false)],
            plans: vec![PlanFacts {
                id: 3,
                invoice_ids: vec![1, 2],
                status: PlanStatus::Active,
                pause_until: Some(d("2026-03-05")),
                defaulted_since: None,
            }],
            ..Default::default()
        };
        let s = collection_state(&facts, d("2026-02-10"));
        assert_eq!(s.state, CollectionState::Paused);
        assert_eq!(s.pauses.len(), 1);
        assert_eq!(s.pauses[0].kind, PauseKind::Plan);
        assert_eq!(s.invoice_pauses.len(), 2);
        facts.plans[0].status = PlanStatus::Defaulted;
        facts.plans[0].defaulted_since = Some(d("2026-03-06"));
        let s = collection_state(&facts, d("2026-03-06"));
        assert_eq!(s.state, CollectionState::InDefault);
        assert!(
            s.invoice_pauses.is_empty(),
            "dunning resumes on the plan's invoices"
        );
        assert_eq!(s.defaulted_plan_ids, vec![3]);
        // A plan covering only some invoices pauses those, not the debtor.
        facts.plans[0].status = PlanStatus::Active;
        facts.plans[0].invoice_ids = vec![1];
        let s = collection_state(&facts, d("2026-02-10"));
        assert_eq!(s.state, CollectionState::Active);
        assert_eq!(s.invoice_pauses.len(), 1);
    }

    #[test]
    fn state_machine_dispute_pauses_invoice_then_resolution_resumes() {
        let mut facts = CollectionFacts {
            open_invoices: vec![inv(1, true), inv(2, false)],
            ..Default::default()
        };
        let s = collection_state(&facts, d("2026-05-10"));
        assert_eq!(s.state, CollectionState::Active);
        assert_eq!(s.invoice_pauses.len(), 1);
        assert_eq!(s.invoice_pauses[0].kind, PauseKind::Dispute);
        facts.open_invoices.pop();
        let s = collection_state(&facts, d("2026-05-10"));
        assert_eq!(
            s.state,
            CollectionState::Paused,
            "everything open is disputed"
        );
        assert_eq!(s.until, None, "a dispute has no end date");
        // Rejected: the invoice is no longer disputed.
        facts.open_invoices[0].dispute = None;
        assert_eq!(
            collection_state(&facts, d("2026-05-11")).state,
            CollectionState::Active
        );
        // Upheld: the credit note closes it; nothing open, nothing to chase.
        facts.open_invoices.clear();
        let s = collection_state(&facts, d("2026-05-11"));
        assert_eq!(s.state, CollectionState::Active);
        assert!(s.invoice_pauses.is_empty());
    }

    #[test]
    fn state_machine_hold_then_settled() {
        let mut facts = CollectionFacts {
            open_invoices: vec![inv(1, false)],
            holds: vec![Hold {
                id: 1,
                reason: "bereavement".into(),
                from: d("2026-05-01"),
                until: d("2026-05-31"),
                released_on: None,
            }],
            ..Default::default()
        };
        assert_eq!(
            collection_state(&facts, d("2026-05-10")).state,
            CollectionState::Paused
        );
        assert_eq!(
            collection_state(&facts, d("2026-06-01")).state,
            CollectionState::Active
        );
        facts.holds[0].released_on = Some(d("2026-05-12"));
        assert_eq!(
            collection_state(&facts, d("2026-05-12")).state,
            CollectionState::Active
        );
        facts.open_invoices.clear();
        facts.settlement_fulfilled = true;
        facts.settled_invoice_ids = vec![1];
        assert_eq!(
            collection_state(&facts, d("2026-06-01")).state,
            CollectionState::Settled
        );
    }

    #[test]
    fn settlement_write_off_is_exactly_the_remainder() {
        // Claim 1000.00 on two invoices, settled for 600.00 paid oldest first.
        let lines = settlement_write_offs(40_000, &[(1, 0), (2, 40_000)]);
        assert_eq!(lines, vec![(2, 40_000)]);
        // Part of the payment went elsewhere: still only the remainder is written off.
        let lines = settlement_write_offs(40_000, &[(1, 30_000), (2, 40_000)]);
        assert_eq!(lines, vec![(1, 30_000), (2, 10_000)]);
        // Overpaid: only what is open.
        assert_eq!(
            settlement_write_offs(40_000, &[(1, 5_000)]),
            vec![(1, 5_000)]
        );
    }

    proptest! {
        /// Whatever is paid, the plan's paid and remaining add up to its total, no
        /// installment takes more than its amount, and paid installments form a prefix.
        #[test]
        fn plan_tracking_conserves_money(
            amounts in proptest::collection::vec(1i64..100_000, 1..12),
            pays in proptest::collection::vec((0u32..400, 1i64..80_000), 0..10),
            grace in 0u32..15,
            as_of_off in 0u32..500,
        ) {
            let start = d("2026-01-01");
            let inst: Vec<ScheduledInstallment> = amounts.iter().enumerate().map(|(k, a)| ScheduledInstallment {
                n: u32::try_from(k).unwrap() + 1,
                due: crate::plan::add_months_clamped(d("2026-01-31"), u32::try_from(k).unwrap()),
                amount_minor: *a,
            }).collect();
            let receipts: Vec<Receipt> = pays.iter().map(|(off, a)| Receipt { date: plus_days(start, *off), amount_minor: *a }).collect();
            let p = track_plan(&inst, start, grace, &receipts, plus_days(start, as_of_off));
            let total: i64 = amounts.iter().sum();
            prop_assert_eq!(p.paid_minor + p.remaining_minor, total);
            prop_assert_eq!(p.installments.iter().map(|i| i.paid_minor).sum::<i64>(), p.paid_minor);
            for i in &p.installments {
                prop_assert!(i.paid_minor >= 0 && i.paid_minor <= i.installment.amount_minor);
            }
            let first_unpaid = p.installments.iter().position(|i| i.status != InstallmentStatus::Paid).unwrap_or(p.installments.len());
            prop_assert!(p.installments[first_unpaid..].iter().all(|i| i.status != InstallmentStatus::Paid));
            prop_assert_eq!(p.status == PlanStatus::Completed, p.remaining_minor == 0);
            if p.installments.iter().any(|i| i.status == InstallmentStatus::Missed) {
                prop_assert_eq!(p.status, PlanStatus::Defaulted);
            }
        }

        /// Write-offs never exceed the remainder nor any invoice's open balance.
        #[test]
        fn settlement_write_offs_are_bounded(
            remainder in 0i64..200_000,
            open in proptest::collection::vec(0i64..100_000, 0..6),
        ) {
            let items: Vec<(i64, i64)> = open.iter().enumerate().map(|(k, o)| (i64::try_from(k).unwrap(), *o)).collect();
            let lines = settlement_write_offs(remainder, &items);
            let total: i64 = lines.iter().map(|l| l.1).sum();
            prop_assert_eq!(total, remainder.min(open.iter().sum()));
            for (id, amount) in lines {
                prop_assert!(amount > 0 && amount <= items[usize::try_from(id).unwrap()].1);
            }
        }

        /// A promise's status never moves back: once decided on its date, later days agree.
        #[test]
        fn promise_outcome_is_final(
            pays in proptest::collection::vec((0u32..60, 1i64..80_000), 0..6),
            later in 1u32..100,
        ) {
            let p = promise();
            let receipts: Vec<Receipt> = pays.iter().map(|(off, a)| Receipt { date: plus_days(d("2026-04-20"), *off), amount_minor: *a }).collect();
            let (on_day_after, paid) = promise_status(&p, &receipts, plus_days(p.due, 1));
            prop_assert_ne!(on_day_after, PromiseStatus::Pending);
            prop_assert_eq!(promise_status(&p, &receipts, plus_days(p.due, 1 + later)), (on_day_after, paid));
            prop_assert!(paid <= p.amount_minor);
        }
    }
}
