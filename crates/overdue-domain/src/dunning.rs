//! Dunning: collection policies (an ordered ladder of levels) and the run decision per
//! debtor.
//!
//! A run looks at each debtor's open invoices as of a date, leaves out what is paused
//! (disputed invoices, invoices in a plan or under a promise, a debtor on hold), and picks
//! at most ONE action per debtor: the highest level whose trigger is reached and that is
//! not yet performed in the current cycle. Lower levels that became due while nobody ran
//! the policy (the app was closed) are skipped and reported, never sent in a burst.
//!
//! ## Glossary
//! - **Policy**: an ordered list of levels; each debtor follows one (the default unless
//!   assigned).
//! - **Level**: one step: a trigger in days relative to the due date (negative = before
//!   due), who it applies to, a minimum open amount, what to do (channel), and how long to
//!   wait before the next level.
//! - **Cycle**: one dunning episode of a debtor. It starts with the first action and ends
//!   when none of the invoices its actions named is open any more; the next overdue invoice
//!   then starts the next cycle at the bottom of the ladder again.
//! - **Catch-up**: a run after downtime, where several levels are due at once: only the
//!   highest is performed, the others are reported as skipped.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::money::{Currency, Money, MoneyError};

/// What a level does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// An email from a template.
    Email,
    /// A printed letter from a template.
    Letter,
    /// A call task for the account manager.
    Call,
    /// Apply a late fee or claim interest per the late-fee policy.
    Fee,
    /// Hand the debt over to a collection agency.
    Agency,
    /// Legal escalation (review by a lawyer, court claim).
    Legal,
}

impl Channel {
    /// The channels that make a task for a person (a call, a handover, a legal review)
    /// rather than a message: they stay on the worklist until done.
    pub const TASKS: [Channel; 3] = [Channel::Call, Channel::Agency, Channel::Legal];

    /// True for a channel in [`Channel::TASKS`].
    pub fn is_task(self) -> bool {
        Channel::TASKS.contains(&self)
    }

    /// Storage, CLI and JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Letter => "letter",
            Channel::Call => "call",
            Channel::Fee => "fee",
            Channel::Agency => "agency",
            Channel::Legal => "legal",
        }
    }

    /// Parses the storage spelling.
    pub fn parse(s: &str) -> Option<Channel> {
        Some(match s.trim() {
            "email" => Channel::Email,
            "letter" => Channel::Letter,
            "call" => Channel::Call,
            "fee" => Channel::Fee,
            "agency" => Channel::Agency,
            "legal" => Channel::Legal,
            _ => return None,
        })
    }
}

/// Which debtors a level applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// Every debtor.
    #[default]
    All,
    /// Companies and sole traders only.
    Business,
    /// Private persons (consumers) only.
    Consumer,
}

impl Audience {
    /// Storage spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::All => "all",
            Audience::Business => "business",
            Audience::Consumer => "consumer",
        }
    }

    /// Parses the storage spelling.
    pub fn parse(s: &str) -> Option<Audience> {
        Some(match s.trim() {
            "all" | "" => Audience::All,
            "business" => Audience::Business,
            "consumer" => Audience::Consumer,
            _ => return None,
        })
    }

    fn admits(self, consumer: bool) -> bool {
        match self {
            Audience::All => true,
            Audience::Business => !consumer,
            Audience::Consumer => consumer,
        }
    }
}

/// One step of a policy's ladder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Level {
    /// Position on the ladder, 1 = first; unique and increasing within a policy.
    pub number: u32,
    /// Name shown to staff ("Reminder", "Final demand").
    pub name: String,
    /// Days relative to the due date of the oldest open invoice when the level is reached
    /// (negative = before due).
    pub trigger_days: i32,
    /// The level applies only when the open amount the action names is at least this; a
    /// minimum in another currency than the debtor's does not apply (`None` = always).
    pub min_open: Option<Money>,
    /// Who it applies to.
    pub audience: Audience,
    /// What to do.
    pub channel: Channel,
    /// Template key for emails and letters ("" for other channels).
    pub template: String,
    /// Days after this level's action before the next level may follow.
    pub wait_days: u32,
    /// Days the debtor is given to pay (the deadline printed in the message; 0 = none).
    pub deadline_days: u32,
    /// An email level attaches the level's letter as PDF.
    #[serde(default)]
    pub attach_letter: bool,
    /// An email level attaches the debtor's account statement as PDF.
    #[serde(default)]
    pub attach_statement: bool,
}

/// A collection policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    /// Name.
    pub name: String,
    /// The ladder, ordered by `number`.
    pub levels: Vec<Level>,
}

/// What is wrong with a policy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// No levels.
    #[error("a policy needs at least one level")]
    Empty,
    /// Levels out of order or repeated.
    #[error(
        "level numbers must increase: level {0} follows a level with the same or a higher number"
    )]
    Order(u32),
    /// Triggers must not go back in time along the ladder.
    #[error("level {0} triggers earlier than the level before it")]
    Trigger(u32),
    /// An email or letter level without a template.
    #[error("level {0} sends a message but names no template")]
    Template(u32),
    /// Negative minimum.
    #[error("level {0} has a negative minimum amount")]
    Minimum(u32),
}

impl Level {
    /// A notice to the debtor (an email or letter on or after the due date).
    pub fn is_notice(&self) -> bool {
        matches!(self.channel, Channel::Email | Channel::Letter) && self.trigger_days >= 0
    }
}

impl Policy {
    /// The final demand: the last notice level. Agency and legal steps come only after it.
    pub fn final_demand(&self) -> Option<&Level> {
        self.levels
            .iter()
            .filter(|l| l.is_notice())
            .max_by_key(|l| l.number)
    }

    /// Checks the ladder: increasing numbers and triggers, templates for messages.
    pub fn validate(&self) -> Result<(), PolicyError> {
        if self.levels.is_empty() {
            return Err(PolicyError::Empty);
        }
        for (i, l) in self.levels.iter().enumerate() {
            if let Some(prev) = i.checked_sub(1).map(|p| &self.levels[p]) {
                if l.number <= prev.number {
                    return Err(PolicyError::Order(l.number));
                }
                if l.trigger_days < prev.trigger_days {
                    return Err(PolicyError::Trigger(l.number));
                }
            }
            if matches!(l.channel, Channel::Email | Channel::Letter) && l.template.trim().is_empty()
            {
                return Err(PolicyError::Template(l.number));
            }
            if l.min_open.as_ref().is_some_and(Money::is_negative) {
                return Err(PolicyError::Minimum(l.number));
            }
        }
        Ok(())
    }

    /// The policy a fresh database starts with: friendly reminder 3 days before due,
    /// reminder 7 days after, second reminder 21 after, final demand 35 after (10 days to
    /// pay), then a call task at 45 and a legal review at 60.
    pub fn default_policy() -> Policy {
        let level = |number, name: &str, trigger_days, channel, template: &str, wait_days| Level {
            number,
            name: name.to_string(),
            trigger_days,
            min_open: None,
            audience: Audience::All,
            channel,
            template: template.to_string(),
            wait_days,
            deadline_days: 0,
            attach_letter: false,
            attach_statement: false,
        };
        let mut final_demand = level(4, "Final demand", 35, Channel::Email, "final_demand", 10);
        final_demand.deadline_days = 10;
        Policy {
            name: "Standard".to_string(),
            levels: vec![
                level(
                    1,
                    "Friendly reminder",
                    -3,
                    Channel::Email,
                    "friendly_reminder",
                    0,
                ),
                level(2, "Reminder", 7, Channel::Email, "reminder", 7),
                level(
                    3,
                    "Second reminder",
                    21,
                    Channel::Email,
                    "second_reminder",
                    7,
                ),
                final_demand,
                level(5, "Call", 45, Channel::Call, "", 7),
                level(6, "Legal review", 60, Channel::Legal, "", 0),
            ],
        }
    }
}

/// An open invoice as the run sees it (balance as of the run's date).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenInvoice {
    /// Invoice id.
    pub invoice_id: i64,
    /// Invoice number.
    pub number: String,
    /// Due date.
    pub due_date: NaiveDate,
    /// Open balance as of the run's date (partial payments already taken off).
    pub open: Money,
}

/// An action already performed (or recorded) for a debtor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastAction {
    /// Level number.
    pub level: u32,
    /// Cycle it belonged to.
    pub cycle: u32,
    /// The date it was performed (or planned for).
    pub on: NaiveDate,
    /// Invoices it named.
    pub invoice_ids: Vec<i64>,
}

/// A pause on a whole debtor (promise to pay, payment plan, manual hold).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pause {
    /// Last day of the pause (`None` = until lifted).
    pub until: Option<NaiveDate>,
    /// Why ("promise to pay until 2026-03-01").
    pub reason: String,
}

/// Everything the run knows about one debtor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebtorCase {
    /// Debtor id.
    pub debtor_id: i64,
    /// True for a private person (consumer-only levels, consumer wording).
    pub consumer: bool,
    /// The debtor's currency (amounts of the action).
    pub currency: Currency,
    /// Open invoices as of the run's date.
    pub invoices: Vec<OpenInvoice>,
    /// Actions already recorded for this debtor, any cycle.
    pub history: Vec<PastAction>,
    /// Pauses on the whole debtor.
    pub pauses: Vec<Pause>,
    /// Invoices left out, with why (disputed, in a plan, under a promise).
    pub paused_invoices: BTreeMap<i64, String>,
}

/// The next action for a debtor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedAction {
    /// Debtor id.
    pub debtor_id: i64,
    /// The level to perform.
    pub level: Level,
    /// The cycle it belongs to.
    pub cycle: u32,
    /// The invoices it names (oldest due first).
    pub invoices: Vec<OpenInvoice>,
    /// Their open total.
    pub amount: Money,
    /// The payment deadline to print, if the level sets one.
    pub deadline: Option<NaiveDate>,
    /// Levels passed over on the way (catch-up), lowest first.
    pub skipped_levels: Vec<u32>,
}

/// Why a debtor with something open gets nothing in this run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    /// Debtor id.
    pub debtor_id: i64,
    /// A sentence for the user.
    pub reason: String,
}

/// The decision for one debtor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Perform this action.
    Act(PlannedAction),
    /// Something is due but held back; says why.
    Skip(Skip),
    /// Nothing is due (nothing open, or the next level's date has not come).
    Nothing,
}

/// The cycle the debtor is in and the last level performed in it, from the history and
/// what is open now: a cycle is over when none of the invoices its actions named is open.
fn current_cycle(case: &DebtorCase) -> (u32, Option<&PastAction>) {
    let Some(last_cycle) = case.history.iter().map(|a| a.cycle).max() else {
        return (1, None);
    };
    let open: BTreeSet<i64> = case.invoices.iter().map(|i| i.invoice_id).collect();
    let in_cycle: Vec<&PastAction> = case
        .history
        .iter()
        .filter(|a| a.cycle == last_cycle)
        .collect();
    let still_open = in_cycle
        .iter()
        .any(|a| a.invoice_ids.iter().any(|id| open.contains(id)));
    if still_open {
        let last = in_cycle.into_iter().max_by_key(|a| (a.level, a.on));
        (last_cycle, last)
    } else {
        (last_cycle + 1, None)
    }
}

fn add_days(date: NaiveDate, days: i64) -> NaiveDate {
    if days >= 0 {
        date.checked_add_days(Days::new(days.unsigned_abs()))
    } else {
        date.checked_sub_days(Days::new(days.unsigned_abs()))
    }
    .unwrap_or(date)
}

/// Decides the next action for one debtor as of `as_of` under `policy`.
pub fn decide(
    policy: &Policy,
    case: &DebtorCase,
    as_of: NaiveDate,
) -> Result<Decision, MoneyError> {
    // Invoices the run may name: open, not paused.
    let mut eligible: Vec<&OpenInvoice> = case
        .invoices
        .iter()
        .filter(|i| !i.open.is_zero() && !case.paused_invoices.contains_key(&i.invoice_id))
        .collect();
    eligible.sort_by(|a, b| (a.due_date, &a.number).cmp(&(b.due_date, &b.number)));
    let first_trigger = policy
        .levels
        .iter()
        .map(|l| l.trigger_days)
        .min()
        .unwrap_or(0);
    // Something would be due if nothing were paused: only then is a pause worth reporting.
    let anything_due = case
        .invoices
        .iter()
        .any(|i| !i.open.is_zero() && add_days(i.due_date, i64::from(first_trigger)) <= as_of);
    if !anything_due {
        return Ok(Decision::Nothing);
    }
    if let Some(p) = case
        .pauses
        .iter()
        .find(|p| p.until.is_none_or(|u| u >= as_of))
    {
        return Ok(Decision::Skip(Skip {
            debtor_id: case.debtor_id,
            reason: match p.until {
                Some(u) => format!("paused until {u}: {}", p.reason),
                None => format!("paused: {}", p.reason),
            },
        }));
    }
    let Some(oldest) = eligible.first().copied() else {
        let reasons: BTreeSet<&str> = case.paused_invoices.values().map(String::as_str).collect();
        return Ok(Decision::Skip(Skip {
            debtor_id: case.debtor_id,
            reason: format!(
                "every open invoice is paused ({})",
                reasons.into_iter().collect::<Vec<_>>().join("; ")
            ),
        }));
    };
    let (cycle, last) = current_cycle(case);
    let last_level = last.map(|a| a.level).unwrap_or(0);
    // The earliest day the next level may come, after the last one's wait.
    let not_before = last.map(|a| {
        let wait = policy
            .levels
            .iter()
            .find(|l| l.number == a.level)
            .map(|l| l.wait_days)
            .unwrap_or(0);
        add_days(a.on, i64::from(wait))
    });
    if not_before.is_some_and(|d| as_of < d) {
        return Ok(Decision::Nothing);
    }
    let overdue_days = (as_of - oldest.due_date).num_days();
    // Escalation never skips notice: the levels after the final demand (the last email or
    // letter after the due date), and every agency or legal level, come only once a reminder
    // and the final demand are on record in this cycle and the final demand's deadline has
    // passed. Until then a catch-up stops at the final demand.
    let in_cycle: Vec<&PastAction> = case.history.iter().filter(|a| a.cycle == cycle).collect();
    let final_demand = policy.final_demand();
    let reminded = in_cycle.iter().any(|a| {
        policy
            .levels
            .iter()
            .any(|l| l.number == a.level && l.is_notice())
    });
    let demand_expired = final_demand.is_some_and(|f| {
        in_cycle.iter().any(|a| {
            a.level == f.number
                && add_days(a.on, i64::from(f.deadline_days.max(f.wait_days))) <= as_of
        })
    });
    let mut held_back: Option<String> = None;
    let mut target: Option<(&Level, Vec<&OpenInvoice>, Money)> = None;
    let mut passed: Vec<u32> = Vec::new();
    for level in policy.levels.iter().filter(|l| l.number > last_level) {
        if i64::from(level.trigger_days) > overdue_days {
            break;
        }
        let after_demand = final_demand.is_some_and(|f| level.number > f.number);
        let escalation = matches!(level.channel, Channel::Agency | Channel::Legal);
        if (after_demand || escalation) && !(reminded && demand_expired) {
            if target.is_none() {
                held_back.get_or_insert_with(|| {
                    format!(
                        "level {} ({}) waits until a reminder and the final demand are on record \
                         and the final demand's deadline has passed",
                        level.number, level.name
                    )
                });
            }
            break;
        }
        // A reminder before the due date is stale once the invoice is due.
        let named: Vec<&OpenInvoice> = if level.trigger_days < 0 {
            eligible
                .iter()
                .copied()
                .filter(|i| {
                    i.due_date >= as_of
                        && add_days(i.due_date, i64::from(level.trigger_days)) <= as_of
                })
                .collect()
        } else {
            eligible
                .iter()
                .copied()
                .filter(|i| i.due_date < as_of)
                .collect()
        };
        if named.is_empty() {
            continue;
        }
        if !level.audience.admits(case.consumer) {
            held_back.get_or_insert_with(|| {
                format!(
                    "level {} ({}) is for {} debtors only",
                    level.number,
                    level.name,
                    level.audience.as_str()
                )
            });
            continue;
        }
        let amount = Money::sum(case.currency, named.iter().map(|i| &i.open))?;
        if let Some(min) = level
            .min_open
            .as_ref()
            .filter(|m| m.currency() == case.currency && amount.amount() < m.amount())
        {
            held_back.get_or_insert_with(|| {
                format!(
                    "{amount} open is below the minimum of {min} for level {} ({})",
                    level.number, level.name
                )
            });
            continue;
        }
        if let Some((prev, _, _)) = &target {
            passed.push(prev.number);
        }
        target = Some((level, named, amount));
    }
    let Some((level, named, amount)) = target else {
        return Ok(match held_back {
            Some(reason) => Decision::Skip(Skip {
                debtor_id: case.debtor_id,
                reason,
            }),
            None => Decision::Nothing,
        });
    };
    passed.retain(|n| *n < level.number && *n > last_level);
    passed.sort_unstable();
    passed.dedup();
    Ok(Decision::Act(PlannedAction {
        debtor_id: case.debtor_id,
        level: level.clone(),
        cycle,
        invoices: named.into_iter().cloned().collect(),
        amount,
        deadline: (level.deadline_days > 0)
            .then(|| add_days(as_of, i64::from(level.deadline_days))),
        skipped_levels: passed,
    }))
}

/// The reason line for levels passed over in a catch-up run.
pub fn catch_up_reason(policy: &Policy, action: &PlannedAction) -> Option<String> {
    if action.skipped_levels.is_empty() {
        return None;
    }
    let names: Vec<String> = action
        .skipped_levels
        .iter()
        .map(|n| {
            let name = policy
                .levels
                .iter()
                .find(|l| l.number == *n)
                .map(|l| l.name.as_str())
                .unwrap_or("?");
            format!("level {n} ({name})")
        })
        .collect();
    Some(format!(
        "catch-up: {} skipped, level {} ({}) performed instead",
        names.join(", "),
        action.level.number,
        action.level.name
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;
    use rust_decimal_macros::dec;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn eur() -> Currency {
        Currency::from_code("EUR").unwrap()
    }

    fn inv(id: i64, due: &str, open: Decimal) -> OpenInvoice {
        OpenInvoice {
            invoice_id: id,
            number: format!("INV-{id}"),
            due_date: d(due),
            open: Money::new(open, eur()),
        }
    }

    fn case(invoices: Vec<OpenInvoice>) -> DebtorCase {
        DebtorCase {
            debtor_id: 1,
            consumer: false,
            currency: eur(),
            invoices,
            history: Vec::new(),
            pauses: Vec::new(),
            paused_invoices: BTreeMap::new(),
        }
    }

    fn act(decision: Decision) -> PlannedAction {
        match decision {
            Decision::Act(a) => a,
            other => panic!("expected an action, got {other:?}"),
        }
    }

    /// Walks a debtor through the default ladder day by day, recording each action as
    /// performed: every level fires once, in order, on its trigger day.
    #[test]
    fn a_debtor_walks_through_every_level_on_its_day() {
        let policy = Policy::default_policy();
        let mut c = case(vec![inv(10, "2026-03-31", dec!(500))]);
        let mut fired = Vec::new();
        let mut day = d("2026-03-01");
        while day <= d("2026-06-30") {
            if let Decision::Act(a) = decide(&policy, &c, day).unwrap() {
                assert!(a.skipped_levels.is_empty(), "no catch-up on a daily run");
                fired.push((a.level.number, (day - d("2026-03-31")).num_days()));
                c.history.push(PastAction {
                    level: a.level.number,
                    cycle: a.cycle,
                    on: day,
                    invoice_ids: a.invoices.iter().map(|i| i.invoice_id).collect(),
                });
            }
            day = day.succ_opt().unwrap();
        }
        assert_eq!(
            fired,
            vec![(1, -3), (2, 7), (3, 21), (4, 35), (5, 45), (6, 60)],
            "each level on its trigger day relative to the due date"
        );
    }

    #[test]
    fn one_action_names_every_overdue_invoice_with_current_balances() {
        let policy = Policy::default_policy();
        let c = case(vec![
            inv(1, "2026-01-10", dec!(100.50)),
            inv(2, "2026-01-20", dec!(40)),
            inv(3, "2026-03-01", dec!(999)), // not yet due on the run date
        ]);
        let a = act(decide(&policy, &c, d("2026-01-25")).unwrap());
        assert_eq!(a.level.number, 2, "oldest is 15 days late: reminder");
        assert_eq!(
            a.invoices.iter().map(|i| i.invoice_id).collect::<Vec<_>>(),
            vec![1, 2]
        );
        assert_eq!(a.amount, Money::new(dec!(140.50), eur()));
    }

    #[test]
    fn catch_up_performs_only_the_highest_due_level_and_reports_the_rest() {
        let policy = Policy::default_policy();
        let c = case(vec![inv(1, "2026-01-01", dec!(100))]);
        let a = act(decide(&policy, &c, d("2026-01-23")).unwrap());
        assert_eq!(a.level.number, 3, "22 days late: second reminder");
        assert_eq!(
            a.skipped_levels,
            vec![2],
            "the stale reminder is skipped (the pre-due one was never due on a due invoice)"
        );
        assert!(catch_up_reason(&policy, &a)
            .unwrap()
            .contains("level 2 (Reminder)"));
    }

    #[test]
    fn wait_after_a_level_holds_the_next_one_back() {
        let policy = Policy::default_policy();
        let mut c = case(vec![inv(1, "2026-01-01", dec!(100))]);
        // Reminder sent late, on day 20: the second reminder (day 21) waits 7 days.
        c.history.push(PastAction {
            level: 2,
            cycle: 1,
            on: d("2026-01-21"),
            invoice_ids: vec![1],
        });
        assert_eq!(
            decide(&policy, &c, d("2026-01-27")).unwrap(),
            Decision::Nothing
        );
        assert_eq!(
            act(decide(&policy, &c, d("2026-01-28")).unwrap())
                .level
                .number,
            3
        );
    }

    #[test]
    fn disputed_invoice_is_left_out_and_the_others_still_reminded() {
        let policy = Policy::default_policy();
        let mut c = case(vec![
            inv(1, "2026-01-01", dec!(100)),
            inv(2, "2026-01-05", dec!(50)),
        ]);
        c.paused_invoices.insert(1, "disputed: wrong goods".into());
        let a = act(decide(&policy, &c, d("2026-01-13")).unwrap());
        assert_eq!(a.invoices.len(), 1);
        assert_eq!(a.invoices[0].invoice_id, 2);
        assert_eq!(a.amount, Money::new(dec!(50), eur()));
        c.paused_invoices
            .insert(2, "disputed: late delivery".into());
        match decide(&policy, &c, d("2026-01-13")).unwrap() {
            Decision::Skip(s) => assert!(s.reason.contains("disputed"), "{}", s.reason),
            other => panic!("expected a skip, got {other:?}"),
        }
    }

    #[test]
    fn a_pause_holds_until_its_date_then_dunning_resumes() {
        let policy = Policy::default_policy();
        let mut c = case(vec![inv(1, "2026-01-01", dec!(100))]);
        c.pauses.push(Pause {
            until: Some(d("2026-01-20")),
            reason: "promise to pay".into(),
        });
        match decide(&policy, &c, d("2026-01-20")).unwrap() {
            Decision::Skip(s) => assert!(s.reason.contains("until 2026-01-20")),
            other => panic!("expected a skip, got {other:?}"),
        }
        assert_eq!(
            act(decide(&policy, &c, d("2026-01-21")).unwrap())
                .level
                .number,
            2
        );
    }

    /// Regression (issue 14): a book imported with invoices 60 days overdue sent nothing
    /// and put every debtor straight into "Legal review". A debtor never reminded starts at
    /// the final demand; legal follows only after its deadline, with the demand on record.
    #[test]
    fn a_new_book_starts_at_the_final_demand_never_at_legal() {
        let policy = Policy::default_policy();
        let mut c = case(vec![inv(1, "2026-01-01", dec!(100))]);
        let first = act(decide(&policy, &c, d("2026-03-15")).unwrap());
        assert_eq!(
            first.level.name, "Final demand",
            "73 days overdue, never reminded"
        );
        assert_eq!(
            first.skipped_levels,
            vec![2, 3],
            "repeated reminders may be skipped"
        );
        c.history.push(PastAction {
            level: 4,
            cycle: 1,
            on: d("2026-03-15"),
            invoice_ids: vec![1],
        });
        // Within the final demand's 10 days nothing escalates.
        assert_eq!(
            decide(&policy, &c, d("2026-03-24")).unwrap(),
            Decision::Nothing
        );
        let next = act(decide(&policy, &c, d("2026-03-25")).unwrap());
        assert_eq!(
            next.level.name, "Legal review",
            "after the deadline, the demand on record"
        );
    }

    #[test]
    fn no_agency_or_legal_step_without_a_final_demand_on_record() {
        let policy = Policy::default_policy();
        let mut c = case(vec![inv(1, "2026-01-01", dec!(100))]);
        // Reminders on record, the final demand not: the run sends the final demand.
        for (level, on) in [(2, "2026-01-08"), (3, "2026-01-22")] {
            c.history.push(PastAction {
                level,
                cycle: 1,
                on: d(on),
                invoice_ids: vec![1],
            });
        }
        let a = act(decide(&policy, &c, d("2026-04-01")).unwrap());
        assert_eq!(a.level.number, 4);
    }

    #[test]
    fn a_settled_cycle_starts_again_at_the_bottom_for_new_invoices() {
        let policy = Policy::default_policy();
        let mut c = case(vec![inv(2, "2026-05-01", dec!(70))]);
        c.history.push(PastAction {
            level: 4,
            cycle: 1,
            on: d("2026-02-05"),
            invoice_ids: vec![1], // paid since
        });
        let a = act(decide(&policy, &c, d("2026-04-28")).unwrap());
        assert_eq!((a.cycle, a.level.number), (2, 1));
    }

    #[test]
    fn minimum_amount_and_audience_hold_a_level_back_with_a_reason() {
        let mut policy = Policy::default_policy();
        policy.levels[1].min_open = Some(Money::new(dec!(200), eur()));
        let c = case(vec![inv(1, "2026-01-01", dec!(100))]);
        match decide(&policy, &c, d("2026-01-10")).unwrap() {
            Decision::Skip(s) => assert!(s.reason.contains("minimum"), "{}", s.reason),
            other => panic!("expected a skip, got {other:?}"),
        }
        let mut policy = Policy::default_policy();
        policy.levels[1].audience = Audience::Consumer;
        match decide(&policy, &c, d("2026-01-10")).unwrap() {
            Decision::Skip(s) => assert!(s.reason.contains("consumer"), "{}", s.reason),
            other => panic!("expected a skip, got {other:?}"),
        }
    }

    #[test]
    fn policy_validation_names_the_level() {
        let mut p = Policy::default_policy();
        assert_eq!(p.validate(), Ok(()));
        p.levels[2].trigger_days = 1;
        assert_eq!(p.validate(), Err(PolicyError::Trigger(3)));
        let mut p = Policy::default_policy();
        p.levels[0].template.clear();
        assert_eq!(p.validate(), Err(PolicyError::Template(1)));
    }
}
