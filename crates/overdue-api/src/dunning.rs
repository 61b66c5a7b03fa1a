//! Dunning use cases: the run (preview, plan, send), the outbox, the account manager's
//! worklist, policies, templates and the dunning settings (sender, payment instructions,
//! interest law, daily run time).
//!
//! A run: every debtor's open invoices as of the date, minus what is paused
//! ([`Api::dunning_pauses`], the ONE place pauses are gathered), go through
//! [`overdue_domain::dunning::decide`]. `preview` writes nothing; `plan` records the
//! actions in the outbox as `planned`; `send` records and performs them. Sending is
//! exactly-once in practice: the outbox row is set to `sending` with its Message-ID and
//! committed before the message leaves; a later run that finds a row still `sending` (the
//! app stopped in between) reconciles it as sent-unconfirmed and never sends it again.

// serde's derives expand to code naming f64 in generic content handling; no DTO here has
// a float field.
#![allow(clippy::disallowed_types)]

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, NaiveTime};
use overdue_domain::dunning::{
    catch_up_reason, decide, Audience, Channel, DebtorCase, Decision, Level, OpenInvoice,
    PastAction, Pause, PlannedAction, Policy,
};
use overdue_domain::money::decimal_string;
use overdue_domain::{Currency, Money};
use overdue_store::dunning::{ActionQuery, ActionRecord, DunningDebtor, NewAction};
use overdue_store::{NewEvent, OpenBalance, Store};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::claim::{claims_interest, Claim, ClaimScope};
use crate::email::{self, OutgoingEmail};
use crate::templates::{
    self, DunningMessage, DunningTemplateDto, MergeContact, MergeDebtor, MergeHistory,
    MergeInterest, MergeInvoiceLine, MergeLevel, MergePayment, MergeSender, MessageContext,
};
use crate::{Api, ApiError, ErrorCode};

/// Setting key of [`DunningSettings`].
const DUNNING_SETTING: &str = "dunning";

/// Author of automatic actions in the contact log.
const AUTHOR: &str = "overdue";

/// Sender, payment instructions, interest law and the daily run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DunningSettings {
    /// Who the messages come from.
    pub sender: MergeSender,
    /// Bank details printed in messages (the reference is filled per debtor).
    pub payment: MergePayment,
    /// Late-payment interest law claimed in reminders after the due date (`de`, `uk`,
    /// `eu`, `fr`, `ie`, ...; "" = claim none).
    pub interest_jurisdiction: String,
    /// Time of the automatic daily run while the app is open (`HH:MM`, local time of the
    /// machine; "" = no automatic run).
    pub run_time: String,
    /// The automatic run sends (true) or only plans for approval (false).
    pub auto_send: bool,
}

/// What a run does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum DunningRunMode {
    /// Compute and render, write nothing.
    #[default]
    Preview,
    /// Record the actions in the outbox as planned (for approval).
    Plan,
    /// Record and perform them (send emails, create tasks).
    Send,
}

/// A run request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DunningRunRequest {
    /// As-of date (`YYYY-MM-DD`; "" = today).
    #[serde(default)]
    pub as_of: String,
    /// Preview, plan or send.
    #[serde(default)]
    pub mode: DunningRunMode,
    /// Only debtors of this account manager ("" = all).
    #[serde(default)]
    pub account_manager: String,
    /// Only these debtors (approve some; empty = all).
    #[serde(default)]
    #[ts(type = "number[]")]
    pub debtor_ids: Vec<i64>,
}

/// What a dunning step does (the level's channel).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ActionChannel {
    /// An email from a template.
    Email,
    /// A printed letter from a template.
    Letter,
    /// A call task for the account manager.
    Call,
    /// A late fee or interest claimed.
    Fee,
    /// A handover to a collection agency.
    Agency,
    /// A legal review.
    Legal,
}

impl From<Channel> for ActionChannel {
    fn from(c: Channel) -> Self {
        match c {
            Channel::Email => ActionChannel::Email,
            Channel::Letter => ActionChannel::Letter,
            Channel::Call => ActionChannel::Call,
            Channel::Fee => ActionChannel::Fee,
            Channel::Agency => ActionChannel::Agency,
            Channel::Legal => ActionChannel::Legal,
        }
    }
}

impl ActionChannel {
    /// Its name, as the CLI and the outbox write it.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionChannel::Email => "email",
            ActionChannel::Letter => "letter",
            ActionChannel::Call => "call",
            ActionChannel::Fee => "fee",
            ActionChannel::Agency => "agency",
            ActionChannel::Legal => "legal",
        }
    }
}

impl std::fmt::Display for ActionChannel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// Where a dunning step is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ActionStatus {
    /// Decided, not yet done (a preview's steps too).
    Planned,
    /// Claimed by a sender (an email on its way).
    Sending,
    /// Done: sent, printed, charged or handed over.
    Sent,
    /// It could not be done (the error says why); the next run tries again.
    Failed,
    /// Superseded or withdrawn.
    Cancelled,
}

impl ActionStatus {
    /// From the outbox's stored state.
    pub fn parse(s: &str) -> Option<ActionStatus> {
        Some(match s {
            "planned" => ActionStatus::Planned,
            "sending" => ActionStatus::Sending,
            "sent" => ActionStatus::Sent,
            "failed" => ActionStatus::Failed,
            "cancelled" => ActionStatus::Cancelled,
            _ => return None,
        })
    }

    /// Its name, as the CLI and the outbox write it.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::Planned => "planned",
            ActionStatus::Sending => "sending",
            ActionStatus::Sent => "sent",
            ActionStatus::Failed => "failed",
            ActionStatus::Cancelled => "cancelled",
        }
    }
}

impl std::fmt::Display for ActionStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// One action of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DunningActionDto {
    /// Outbox id (`null` in a preview).
    #[ts(type = "number | null")]
    pub id: Option<i64>,
    /// Debtor id.
    #[ts(type = "number")]
    pub debtor_id: i64,
    /// Debtor's external reference (`#id` when it has none).
    pub debtor: String,
    /// Debtor's name.
    pub debtor_name: String,
    /// Account manager.
    pub account_manager: String,
    /// Level number.
    #[ts(type = "number")]
    pub level: u32,
    /// Level name.
    pub level_name: String,
    /// What the step does.
    pub channel: ActionChannel,
    /// Cycle.
    #[ts(type = "number")]
    pub cycle: u32,
    /// Invoice numbers named.
    pub invoices: Vec<String>,
    /// Open total named (decimal string).
    pub amount: String,
    /// Currency.
    pub currency: String,
    /// Where the step is.
    pub status: ActionStatus,
    /// Recipient (email address) or "" .
    pub recipient: String,
    /// Rendered subject ("" for tasks).
    pub subject: String,
    /// Rendered body ("" for tasks).
    pub body: String,
    /// Deadline printed ("" when none).
    pub deadline: String,
    /// Message-ID of the email, once claimed.
    pub message_id: String,
    /// Why it failed ("" when it did not).
    pub error: String,
    /// A remark (reconciled, task outcome).
    pub note: String,
    /// Run date.
    pub as_of: String,
    /// A later bounce of the sent email ("" when none): status, recipient, diagnostic.
    #[serde(default)]
    pub bounce: String,
}

/// A bounce to record: the raw notice as received (an `.eml`), or just the Message-ID
/// of the email that bounced.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DunningBounceInput {
    /// The bounced email's Message-ID ("" = read it from `raw`).
    #[serde(default)]
    pub message_id: String,
    /// The delivery status notification as received (RFC 3464 or a plain bounce).
    #[serde(default)]
    pub raw: String,
}

/// A recorded bounce.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DunningBounceResult {
    /// The outbox row of the email that bounced, with its `bounce`.
    pub action: DunningActionDto,
    /// False when this bounce was already recorded (nothing changed).
    pub recorded: bool,
}

/// A debtor left out of a run, with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DunningSkipDto {
    /// Debtor id.
    #[ts(type = "number")]
    pub debtor_id: i64,
    /// External reference (`#id` when none).
    pub debtor: String,
    /// Name.
    pub debtor_name: String,
    /// Why.
    pub reason: String,
}

/// What a run decided and did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DunningRunResult {
    /// As-of date.
    pub as_of: String,
    /// Preview, plan or send.
    pub mode: DunningRunMode,
    /// One action per debtor at most.
    pub actions: Vec<DunningActionDto>,
    /// Debtors held back (paused, disputed, below minimum) and levels passed over.
    pub skipped: Vec<DunningSkipDto>,
    /// Actions found `sending` from an interrupted run and reconciled (never re-sent).
    pub reconciled: Vec<DunningActionDto>,
    /// What the user should know before reminding anyone ("reconcile before you remind":
    /// a bank account whose latest statement is older than the setting).
    #[serde(default)]
    pub warnings: Vec<String>,
}

/// A level as shown and edited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DunningLevelDto {
    /// Position, 1 = first.
    #[ts(type = "number")]
    pub number: u32,
    /// Name.
    pub name: String,
    /// Days relative to the due date (negative = before).
    pub trigger_days: i32,
    /// Minimum open amount ("" = none).
    pub min_open: String,
    /// Currency of the minimum ("" = none).
    pub min_open_currency: String,
    /// `all`, `business`, `consumer`.
    pub audience: String,
    /// `email`, `letter`, `call`, `fee`, `agency`, `legal`.
    pub channel: String,
    /// Template key.
    pub template: String,
    /// Days before the next level may follow.
    #[ts(type = "number")]
    pub wait_days: u32,
    /// Days given to pay (0 = no deadline).
    #[ts(type = "number")]
    pub deadline_days: u32,
    /// An email level attaches the level's letter as PDF (stored as a document too).
    #[serde(default)]
    pub attach_letter: bool,
    /// An email level attaches the account statement as PDF (stored as a document too).
    #[serde(default)]
    pub attach_statement: bool,
}

/// A policy as shown and edited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DunningPolicyDto {
    /// Id.
    #[ts(type = "number")]
    pub id: i64,
    /// Name.
    pub name: String,
    /// The default policy.
    pub is_default: bool,
    /// Levels in order.
    pub levels: Vec<DunningLevelDto>,
    /// The version read (one more with every save): saving with it is refused (`stale`,
    /// naming who saved in between) when someone saved the policy since. `null` (a file
    /// written by hand) saves over whatever it is now.
    #[serde(default)]
    #[ts(type = "number | null")]
    pub version: Option<i64>,
}

/// Which policy a debtor follows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DunningDebtorPolicy {
    /// The debtor.
    #[ts(type = "number")]
    pub debtor_id: i64,
    /// True when the debtor has its own policy; false when it follows the default.
    pub assigned: bool,
    /// The policy it follows (`null` only when there is no default policy).
    pub policy: Option<DunningPolicyDto>,
}

/// What the template editor previews.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DunningTemplatePreview {
    /// Subject template.
    pub subject: String,
    /// Body template.
    pub body: String,
    /// A real debtor to fill it with (`null` = the sample).
    #[ts(type = "number | null")]
    pub debtor_id: Option<i64>,
    /// Or the debtor as the user knows it: its reference (`D01-000042`) or `#id`; `""` =
    /// none. A reference that names no debtor is an error, never the sample.
    #[serde(default)]
    pub debtor_ref: String,
    /// Level number whose name and deadline to use (default 2).
    #[serde(default)]
    #[ts(type = "number | null")]
    pub level: Option<u32>,
    /// As-of date ("" = today).
    #[serde(default)]
    pub as_of: String,
}

/// Logging a call (or other task) as done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DunningTaskDone {
    /// Outbox id of the task.
    #[ts(type = "number")]
    pub action_id: i64,
    /// Outcome ("reached, promised to pay Friday").
    pub outcome: String,
    /// Who did it.
    pub author: String,
}

/// Escalating a debtor by hand to a step of its policy (an agency, a legal review) with the
/// reason, which is logged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DunningEscalate {
    /// The debtor.
    #[ts(type = "number")]
    pub debtor_id: i64,
    /// The step (level number of the debtor's policy).
    #[ts(type = "number")]
    pub level: u32,
    /// Why notice is skipped (required; logged on the contact log).
    pub reason: String,
    /// The date ("" = today).
    pub as_of: String,
    /// Who decided.
    pub author: String,
}

/// An email exactly as sent, from the contact log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DunningSentMessage {
    /// The RFC 5322 message as sent (headers and body).
    pub raw: String,
    /// Hex SHA-256 of those bytes, recorded when it was sent.
    pub sha256: String,
}

/// Pauses gathered for a run: whole debtors and single invoices.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pauses {
    /// Debtor id -> pauses (promise to pay, payment plan, manual hold).
    pub debtors: HashMap<i64, Vec<Pause>>,
    /// Invoice id -> why it is left out (disputed, in a plan, under a promise).
    pub invoices: HashMap<i64, String>,
}

fn parse_date(text: &str, field: &str, default: NaiveDate) -> Result<NaiveDate, ApiError> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(default);
    }
    overdue_domain::ledger::parse_iso_date(t)
        .map_err(|m| ApiError::validation(vec![overdue_domain::FieldError::new(field, m)]))
}

/// An open balance as the run decides on it.
pub(crate) fn open_invoice(b: &OpenBalance) -> OpenInvoice {
    OpenInvoice {
        invoice_id: b.invoice_id,
        number: b.number.clone(),
        due_date: b.due_date,
        open: b.open,
    }
}

/// The contact-log kind of a step performed on `channel`.
pub(crate) fn event_kind(channel: Channel) -> &'static str {
    match channel {
        Channel::Email => "email",
        Channel::Letter => "letter",
        Channel::Call => "task",
        Channel::Fee => "fee",
        Channel::Agency | Channel::Legal => "status",
    }
}

fn debtor_label(d: &DunningDebtor) -> String {
    if d.external_ref.trim().is_empty() {
        format!("#{}", d.id)
    } else {
        d.external_ref.clone()
    }
}

fn money_str(m: &Money) -> String {
    decimal_string(m.amount(), m.currency().minor_units())
}

fn level_to_dto(l: &Level) -> DunningLevelDto {
    DunningLevelDto {
        number: l.number,
        name: l.name.clone(),
        trigger_days: l.trigger_days,
        min_open: l.min_open.as_ref().map(money_str).unwrap_or_default(),
        min_open_currency: l
            .min_open
            .as_ref()
            .map(|m| m.currency().code().to_string())
            .unwrap_or_default(),
        audience: l.audience.as_str().into(),
        channel: l.channel.as_str().into(),
        template: l.template.clone(),
        wait_days: l.wait_days,
        deadline_days: l.deadline_days,
        attach_letter: l.attach_letter,
        attach_statement: l.attach_statement,
    }
}

fn level_from_dto(l: &DunningLevelDto, i: usize) -> Result<Level, ApiError> {
    let field = |f: &str, m: String| {
        ApiError::validation(vec![overdue_domain::FieldError::new(
            format!("levels[{i}].{f}"),
            m,
        )])
    };
    let min_open = if l.min_open.trim().is_empty() {
        None
    } else {
        let c = Currency::from_code(l.min_open_currency.trim())
            .map_err(|e| field("min_open_currency", e.to_string()))?;
        Some(Money::parse(&l.min_open, c).map_err(|e| field("min_open", e.to_string()))?)
    };
    Ok(Level {
        number: l.number,
        name: l.name.trim().to_string(),
        trigger_days: l.trigger_days,
        min_open,
        audience: Audience::parse(&l.audience)
            .ok_or_else(|| field("audience", "Choose all, business or consumer.".into()))?,
        channel: Channel::parse(&l.channel).ok_or_else(|| {
            field(
                "channel",
                "Choose email, letter, call, fee, agency or legal.".into(),
            )
        })?,
        template: l.template.trim().to_string(),
        wait_days: l.wait_days,
        deadline_days: l.deadline_days,
        attach_letter: l.attach_letter,
        attach_statement: l.attach_statement,
    })
}

/// Checks a policy as the editor sends it, collecting every problem with its field.
fn policy_from_dto(p: &DunningPolicyDto) -> Result<Policy, ApiError> {
    use overdue_domain::dunning::PolicyError;
    use overdue_domain::FieldError;
    let mut errors = Vec::new();
    if p.name.trim().is_empty() {
        errors.push(FieldError::new("name", "Enter the policy's name."));
    }
    if p.levels.is_empty() {
        errors.push(FieldError::new(
            "levels",
            "A policy needs at least one level.",
        ));
    }
    let mut levels = Vec::with_capacity(p.levels.len());
    for (i, l) in p.levels.iter().enumerate() {
        if l.name.trim().is_empty() {
            errors.push(FieldError::new(
                format!("levels[{i}].name"),
                "Enter the level's name.",
            ));
        }
        if (l.attach_letter || l.attach_statement) && l.channel.trim() != "email" {
            errors.push(FieldError::new(
                format!("levels[{i}].attach_letter"),
                "Only an email level can attach documents.",
            ));
        }
        match level_from_dto(l, i) {
            Ok(level) => levels.push(level),
            Err(e) => errors.extend(
                e.fields
                    .into_iter()
                    .map(|f| FieldError::new(f.field, f.message)),
            ),
        }
    }
    if errors.is_empty() {
        let policy = Policy {
            name: p.name.trim().to_string(),
            levels,
        };
        let Err(e) = policy.validate() else {
            return Ok(policy);
        };
        let index = |n: u32| {
            policy
                .levels
                .iter()
                .position(|l| l.number == n)
                .unwrap_or(0)
        };
        let field = match e {
            PolicyError::Empty => "levels".to_string(),
            PolicyError::Order(n) => {
                // The first level that does not come after the one before it.
                let i = (1..policy.levels.len())
                    .find(|&i| policy.levels[i].number == n && policy.levels[i - 1].number >= n)
                    .unwrap_or(0);
                format!("levels[{i}].number")
            }
            PolicyError::Trigger(n) => format!("levels[{}].trigger_days", index(n)),
            PolicyError::Template(n) => format!("levels[{}].template", index(n)),
            PolicyError::Minimum(n) => format!("levels[{}].min_open", index(n)),
        };
        errors.push(FieldError::new(field, e.to_string()));
    }
    Err(ApiError::validation(errors))
}

fn record_dto(r: &ActionRecord, d: Option<&DunningDebtor>) -> DunningActionDto {
    DunningActionDto {
        id: Some(r.id),
        debtor_id: r.debtor_id,
        debtor: d
            .map(debtor_label)
            .unwrap_or_else(|| format!("#{}", r.debtor_id)),
        debtor_name: d.map(|d| d.name.clone()).unwrap_or_default(),
        account_manager: d.map(|d| d.account_manager.clone()).unwrap_or_default(),
        level: r.level,
        level_name: r.level_name.clone(),
        channel: r.channel.into(),
        cycle: r.cycle,
        invoices: r.invoices.iter().map(|(_, n, _)| n.clone()).collect(),
        amount: money_str(&r.amount),
        currency: r.amount.currency().code().into(),
        // The outbox's CHECK admits only these states.
        status: ActionStatus::parse(&r.state).unwrap_or(ActionStatus::Failed),
        recipient: r.recipient.clone(),
        subject: r.subject.clone(),
        body: String::new(),
        deadline: r.deadline.map(|d| d.to_string()).unwrap_or_default(),
        message_id: r.message_id.clone().unwrap_or_default(),
        error: r.error.clone(),
        note: r.note.clone(),
        as_of: r.as_of.to_string(),
        bounce: r.bounce.clone(),
    }
}

/// One decided action with what is needed to render and perform it.
struct Work {
    debtor: DunningDebtor,
    policy_id: i64,
    action: PlannedAction,
    message: Option<DunningMessage>,
    render_error: Option<String>,
    /// What the user should know about the claim behind the message (language fallback,
    /// interest cut short, invoices left out and why).
    notes: Vec<String>,
}

impl Api {
    /// The dunning settings (defaults until saved).
    pub async fn dunning_settings(&self) -> Result<DunningSettings, ApiError> {
        match self.store().await.setting(DUNNING_SETTING).await? {
            Some(text) => serde_json::from_str(&text)
                .map_err(|e| ApiError::new(ErrorCode::Internal, format!("dunning settings: {e}"))),
            None => Ok(DunningSettings::default()),
        }
    }

    /// The dunning settings with the creditor's details taken from the letterhead (Settings >
    /// Letterhead): one set of creditor details for every letter and email. A field the
    /// letterhead leaves empty falls back to what older books kept in the dunning settings.
    pub async fn message_settings(&self) -> Result<DunningSettings, ApiError> {
        self.message_settings_for("").await
    }

    /// [`Api::message_settings`] with the bank account that takes `currency` (the one the
    /// user added for it in Settings > Letterhead, else the main one).
    pub async fn message_settings_for(&self, currency: &str) -> Result<DunningSettings, ApiError> {
        let mut s = self.dunning_settings().await?;
        let h = self.letterhead_get().await?.for_currency(currency);
        let pick = |own: &str, old: &mut String| {
            if !own.trim().is_empty() {
                *old = own.trim().to_string();
            }
        };
        pick(&h.account_holder, &mut s.payment.account_holder);
        if s.payment.account_holder.trim().is_empty() {
            pick(&h.name, &mut s.payment.account_holder);
        }
        pick(&h.bank_name, &mut s.payment.bank_name);
        pick(&h.iban, &mut s.payment.iban);
        pick(&h.bic, &mut s.payment.bic);
        // A domestic account (UK sort code, US routing number) where there is no IBAN.
        let number = h.account_number.trim();
        if !number.is_empty() {
            let bank_code = [
                ("Sort code", h.sort_code.trim()),
                ("Routing", h.routing_number.trim()),
            ]
            .into_iter()
            .find(|(_, v)| !v.is_empty())
            .map(|(l, v)| format!("{l} {v}, "))
            .unwrap_or_default();
            s.payment.account = format!("{bank_code}account {number}");
        }
        let signer = match (h.signatory.trim(), h.name.trim()) {
            ("", name) => name.to_string(),
            (who, "") => who.to_string(),
            (who, name) => format!("{who}, {name}"),
        };
        pick(&signer, &mut s.sender.name);
        pick(&h.email, &mut s.sender.email);
        pick(&h.phone, &mut s.sender.phone);
        let address = [
            h.address_lines.trim().to_string(),
            format!("{} {}", h.postal_code.trim(), h.city.trim())
                .trim()
                .to_string(),
        ]
        .into_iter()
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
        pick(&address, &mut s.sender.address);
        Ok(s)
    }

    /// Saves the dunning settings.
    pub async fn dunning_settings_save(
        &self,
        s: DunningSettings,
    ) -> Result<DunningSettings, ApiError> {
        if !s.run_time.trim().is_empty()
            && NaiveTime::parse_from_str(s.run_time.trim(), "%H:%M").is_err()
        {
            return Err(ApiError::validation(vec![overdue_domain::FieldError::new(
                "run_time",
                "Write the time as HH:MM, e.g. 08:30.",
            )]));
        }
        let j = s.interest_jurisdiction.trim();
        if !j.is_empty() {
            overdue_domain::interest::Jurisdiction::parse(j).map_err(|e| {
                ApiError::validation(vec![overdue_domain::FieldError::new(
                    "interest_jurisdiction",
                    e.to_string(),
                )])
            })?;
        }
        // The creditor's details live once, in the letterhead (Settings > Letterhead): what
        // a script still passes here is written there, checked as the letterhead is, and
        // the dunning settings keep only what is about sending.
        let mut s = s;
        let mut head = self.letterhead_get().await?;
        let mut changed = false;
        let mut take = |from: &str, to: &mut String| {
            let from = from.trim();
            if !from.is_empty() && from != to.trim() {
                *to = from.to_string();
                changed = true;
            }
        };
        take(&s.sender.name, &mut head.name);
        take(&s.sender.email, &mut head.email);
        take(&s.sender.phone, &mut head.phone);
        take(&s.sender.address, &mut head.address_lines);
        take(&s.payment.account_holder, &mut head.account_holder);
        take(&s.payment.bank_name, &mut head.bank_name);
        take(&s.payment.iban, &mut head.iban);
        take(&s.payment.bic, &mut head.bic);
        if changed {
            self.letterhead_save(head, false).await?;
        }
        s.sender = MergeSender::default();
        s.payment = MergePayment::default();
        // The interest law is the default late-fee policy's (every message claims what the
        // debtor's policy says): the old setting sets it.
        let j = std::mem::take(&mut s.interest_jurisdiction);
        if !j.trim().is_empty() {
            self.late_fee_default_set(crate::latefees::LateFeePolicyDto {
                kind: "statutory".into(),
                jurisdiction: j.trim().to_string(),
                claim_compensation: true,
                ..crate::latefees::LateFeePolicyDto::default()
            })
            .await?;
        }
        let text = serde_json::to_string(&s)
            .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
        self.store()
            .await
            .set_setting(DUNNING_SETTING, &text)
            .await?;
        Ok(s)
    }

    /// Every policy, the default first.
    pub async fn dunning_policies(&self) -> Result<Vec<DunningPolicyDto>, ApiError> {
        Ok(self
            .store()
            .await
            .dunning_policies()
            .await?
            .into_iter()
            .map(|p| DunningPolicyDto {
                id: p.id,
                name: p.policy.name.clone(),
                is_default: p.is_default,
                levels: p.policy.levels.iter().map(level_to_dto).collect(),
                version: Some(p.version),
            })
            .collect())
    }

    /// Saves a policy after checking the ladder: `id` 0 creates a new (non-default) policy,
    /// any other id replaces that policy's name and levels. Every problem is reported at
    /// once with the field it belongs to (`name`, `levels`, `levels[2].trigger_days`, ...).
    pub async fn dunning_policy_save(
        &self,
        p: DunningPolicyDto,
    ) -> Result<DunningPolicyDto, ApiError> {
        let policy = policy_from_dto(&p)?;
        let store = self.store().await;
        let id = if p.id == 0 {
            store
                .create_dunning_policy(&policy, self.clock().now())
                .await?
        } else {
            let key = p.id.to_string();
            match store.save_dunning_policy(p.id, &policy, p.version).await {
                Err(overdue_store::StoreError::Stale { .. }) => {
                    return Err(self
                        .saved_since("policy", |e| {
                            (e.table == "dunning_policies" && e.row_key == key)
                                || (e.table == "dunning_levels"
                                    && crate::staff::audit_field_is(e, "policy_id", p.id))
                        })
                        .await)
                }
                other => other?,
            }
            p.id
        };
        self.dunning_policy(id).await
    }

    /// Checks a policy being edited without saving it: every problem with its field
    /// (`name`, `levels[2].trigger_days`, ...), as the save would report it.
    pub fn dunning_policy_check(&self, p: &DunningPolicyDto) -> Vec<crate::FieldErrorDto> {
        match policy_from_dto(p) {
            Ok(_) => Vec::new(),
            Err(e) if e.fields.is_empty() => vec![crate::FieldErrorDto {
                field: String::new(),
                message: e.message,
            }],
            Err(e) => e.fields,
        }
    }

    /// One policy by id.
    pub async fn dunning_policy(&self, id: i64) -> Result<DunningPolicyDto, ApiError> {
        self.dunning_policies()
            .await?
            .into_iter()
            .find(|x| x.id == id)
            .ok_or_else(|| {
                ApiError::new(ErrorCode::NotFound, format!("Policy {id} was not found."))
            })
    }

    /// One policy by its name (exact, or ignoring case) or by `#id` / id.
    pub async fn dunning_policy_named(&self, name: &str) -> Result<DunningPolicyDto, ApiError> {
        let key = name.trim();
        let list = self.dunning_policies().await?;
        let by_id = key.trim_start_matches('#').parse::<i64>().ok();
        list.iter()
            .find(|p| p.name == key)
            .or_else(|| list.iter().find(|p| p.name.eq_ignore_ascii_case(key)))
            .or_else(|| by_id.and_then(|id| list.iter().find(|p| p.id == id)))
            .cloned()
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::NotFound,
                    format!(
                        "There is no policy \"{key}\" (policies: {}).",
                        list.iter()
                            .map(|p| p.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })
    }

    /// Deletes a policy: refused for the default and for a policy debtors follow.
    pub async fn dunning_policy_delete(&self, id: i64) -> Result<(), ApiError> {
        Ok(self.store().await.delete_dunning_policy(id).await?)
    }

    /// Makes a policy the default, the one every debtor without its own follows.
    pub async fn dunning_policy_set_default(&self, id: i64) -> Result<DunningPolicyDto, ApiError> {
        self.store().await.set_default_dunning_policy(id).await?;
        self.dunning_policy(id).await
    }

    /// The policy a debtor follows: its own (`is_default` false unless it is also the
    /// default) and whether it was assigned (`assigned`).
    pub async fn dunning_debtor_policy(
        &self,
        debtor_id: i64,
    ) -> Result<DunningDebtorPolicy, ApiError> {
        let store = self.store().await;
        store.debtor(debtor_id).await?;
        let assigned = store.dunning_policy_of(debtor_id).await?;
        let list = self.dunning_policies().await?;
        let policy = match assigned {
            Some(id) => list.into_iter().find(|p| p.id == id),
            None => list.into_iter().find(|p| p.is_default),
        };
        Ok(DunningDebtorPolicy {
            debtor_id,
            assigned: assigned.is_some(),
            policy,
        })
    }

    /// Makes a debtor follow a policy (`None` = the default), logged on its timeline.
    pub async fn dunning_assign_policy(
        &self,
        debtor_id: i64,
        policy_id: Option<i64>,
    ) -> Result<(), ApiError> {
        let store = self.store().await;
        store.debtor(debtor_id).await?;
        let name = match policy_id {
            Some(p) => self.dunning_policy(p).await?.name,
            None => "the default policy".to_string(),
        };
        let now = self.clock().now();
        let event = NewEvent {
            debtor_id,
            occurred_at: now,
            kind: "status".into(),
            author: AUTHOR.into(),
            summary: format!("Dunning now follows {name}"),
            detail: serde_json::json!({ "policy_id": policy_id }).to_string(),
            ref_table: "dunning_policies".into(),
            ref_id: policy_id,
            ..Default::default()
        };
        Ok(store
            .assign_dunning_policy(debtor_id, policy_id, &event, now)
            .await?)
    }

    /// Everything that pauses dunning on `as_of` for these debtors: the one place pauses
    /// are gathered. Disputed invoices are left out; promises to pay, payment plans and
    /// manual holds come from each debtor's collection state ([`Api::collection_state_on`],
    /// which also records broken promises and defaulted plans, so dunning resumes on them).
    pub async fn dunning_pauses(
        &self,
        as_of: NaiveDate,
        debtor_ids: &[i64],
        open: Option<&[OpenBalance]>,
    ) -> Result<Pauses, ApiError> {
        let store = self.store().await;
        let mut pauses = Pauses::default();
        for (invoice_id, reason) in store.disputed_on(as_of).await? {
            pauses
                .invoices
                .insert(invoice_id, format!("disputed: {reason}"));
        }
        for state in self.collection_states_on(debtor_ids, as_of, open).await? {
            let debtor_id = state.debtor_id;
            for p in state.pauses {
                // Disputes pause invoices, not the debtor: the others are still reminded.
                if p.kind == crate::collections::PauseKindDto::Dispute {
                    continue;
                }
                let until = NaiveDate::parse_from_str(p.until.trim(), "%Y-%m-%d").ok();
                pauses.debtors.entry(debtor_id).or_default().push(Pause {
                    until,
                    reason: p.reason,
                });
            }
            for p in state.invoice_pauses {
                if let Some(invoice_id) = p.invoice_id {
                    pauses.invoices.entry(invoice_id).or_insert(p.reason);
                }
            }
        }
        // Invoices handed over to an agency are the agency's to collect: our reminders stop
        // for them until the case is recalled.
        for (invoice_id, agency, on) in store.agency_open_invoices().await? {
            pauses
                .invoices
                .entry(invoice_id)
                .or_insert(format!("handed over to {agency} on {on}"));
        }
        // A credit from a debtor's known IBAN that nobody has reviewed may be the payment
        // the next reminder would ask for: hold the debtor until it is reviewed.
        let holds = self.bank_holds().await?;
        for &debtor_id in debtor_ids {
            if let Some(reason) = holds.get(&debtor_id) {
                pauses.debtors.entry(debtor_id).or_default().push(Pause {
                    until: None,
                    reason: reason.clone(),
                });
            }
        }
        Ok(pauses)
    }

    /// The template for a key and language: the edited one, else the shipped one.
    pub async fn dunning_template(
        &self,
        key: &str,
        language: &str,
    ) -> Result<DunningTemplateDto, ApiError> {
        let edited = self.store().await.dunning_template(key, language).await?;
        template_or_shipped(edited, key, language)
    }

    /// Every template key and language known (shipped or edited), with its current text.
    pub async fn dunning_templates(&self) -> Result<Vec<DunningTemplateDto>, ApiError> {
        let mut out = Vec::new();
        for (k, l) in templates::shipped_keys() {
            out.push(self.dunning_template(&k, &l).await?);
        }
        Ok(out)
    }

    /// Saves an edited template after rendering it against the sample context: an unknown
    /// field or a syntax error is refused here, naming the subject or body.
    pub async fn dunning_template_save(
        &self,
        t: DunningTemplateDto,
    ) -> Result<DunningTemplateDto, ApiError> {
        if t.key.trim().is_empty() || t.language.trim().is_empty() {
            return Err(ApiError::invalid("A template needs a key and a language."));
        }
        templates::validate(&t.subject, &t.body)?;
        let saved = self
            .store()
            .await
            .save_dunning_template(
                &t.key,
                &t.language,
                &t.subject,
                &t.body,
                self.clock().now(),
                t.version,
            )
            .await;
        if let Err(overdue_store::StoreError::Stale { .. }) = saved {
            let is = |e: &overdue_store::AuditRecord, f: &str, want: &str| {
                e.new
                    .as_ref()
                    .and_then(|n| n.get(f))
                    .and_then(|v| v.as_str())
                    == Some(want.trim())
            };
            return Err(self
                .saved_since("template", |e| {
                    e.table == "dunning_templates"
                        && is(e, "key", &t.key)
                        && is(e, "language", &t.language)
                })
                .await);
        }
        saved?;
        self.dunning_template(&t.key, &t.language).await
    }

    /// Renders a template being edited, with a real debtor's data (or the sample).
    pub async fn dunning_template_preview(
        &self,
        req: DunningTemplatePreview,
    ) -> Result<DunningMessage, ApiError> {
        let as_of = parse_date(&req.as_of, "as_of", self.clock().today())?;
        let store = self.store().await;
        let named = req.debtor_ref.trim();
        let by_ref = match named {
            "" => None,
            key => Some(self.debtor_id_by_key(key).await.map_err(|e| match e.code {
                ErrorCode::NotFound => ApiError::field(
                    "debtor",
                    format!("No debtor has the reference \"{named}\": type a debtor's reference as the list shows it, or leave it empty for sample data."),
                ),
                _ => e,
            })?),
        };
        let Some(debtor_id) = by_ref.or(req.debtor_id) else {
            return templates::render(&req.subject, &req.body, &MessageContext::sample());
        };
        let debtor = store
            .dunning_debtors("", Some(debtor_id))
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::NotFound,
                    format!("Debtor {debtor_id} was not found."),
                )
            })?;
        let policy = self.policy_of(&store, &debtor).await?.1;
        let number = req.level.unwrap_or(2);
        let level = policy
            .levels
            .iter()
            .find(|l| l.number == number)
            .or(policy.levels.first())
            .cloned()
            .ok_or_else(|| ApiError::invalid("The debtor's policy has no levels."))?;
        let balances = store.open_balances(as_of, Some(debtor_id)).await?;
        let currency = Currency::from_code(&debtor.currency)?;
        let invoices: Vec<OpenInvoice> = balances
            .iter()
            .filter(|b| b.open.currency() == currency)
            .map(open_invoice)
            .collect();
        let amount = Money::sum(currency, invoices.iter().map(|i| &i.open))?;
        let action = PlannedAction {
            debtor_id,
            deadline: (level.deadline_days > 0)
                .then(|| as_of + chrono::Days::new(u64::from(level.deadline_days))),
            level,
            cycle: 1,
            invoices,
            amount,
            skipped_levels: Vec::new(),
        };
        let settings = self.message_settings().await?;
        let claim = self.action_claim(&store, &action, as_of, None).await?;
        let ctx = message_context(&debtor, &action, &claim, &settings);
        templates::render(&req.subject, &req.body, &ctx)
    }

    /// The notice a debtor has had before `as_of`: the days of reminders and demands on
    /// record (sent, or printed as letters) and the day of the last final demand (the
    /// policy's last notice level sent, or a final demand or Mahnung printed).
    pub(crate) async fn notice_on_record(
        &self,
        store: &Store,
        debtor_id: i64,
        as_of: NaiveDate,
    ) -> Result<(Vec<NaiveDate>, Option<NaiveDate>), ApiError> {
        let reminded = self.reminders_on_record(store, debtor_id, as_of).await?;
        let mut final_on: Option<NaiveDate> = None;
        if let Some(d) = store.dunning_debtors("", Some(debtor_id)).await?.first() {
            let (_, policy) = self.policy_of(store, d).await?;
            if let Some(level) = policy.final_demand() {
                for a in store
                    .dunning_actions(&ActionQuery {
                        debtor_id: Some(debtor_id),
                        states: vec!["sent".into(), "sending".into()],
                        ..Default::default()
                    })
                    .await?
                {
                    if a.level >= level.number && a.as_of < as_of {
                        final_on = final_on.max(Some(a.as_of));
                    }
                }
            }
        }
        for doc in store.documents_of(debtor_id).await? {
            let day = doc.created_at.date_naive();
            if matches!(doc.kind.as_str(), "final-demand" | "mahnung" | "us-demand") && day < as_of
            {
                final_on = final_on.max(Some(day));
            }
        }
        Ok((reminded, final_on))
    }

    async fn policy_of(
        &self,
        store: &Store,
        debtor: &DunningDebtor,
    ) -> Result<(i64, Policy), ApiError> {
        let policies = store.dunning_policies().await?;
        policies
            .iter()
            .find(|p| Some(p.id) == debtor.policy_id)
            .or_else(|| policies.iter().find(|p| p.is_default))
            .or(policies.first())
            .map(|p| (p.id, p.policy.clone()))
            .ok_or_else(|| ApiError::invalid("No collection policy is set up."))
    }

    /// Runs the policy as of a date: preview, plan or send. One run that writes at a time
    /// per book: a second one is told who runs it. The lock is given back before the
    /// result is (on every path), so a run started right after this one returns finds
    /// the book free.
    pub async fn dunning_run(&self, req: DunningRunRequest) -> Result<DunningRunResult, ApiError> {
        let lock = if req.mode == DunningRunMode::Preview {
            None
        } else {
            let store = self.store().await;
            match store.try_job_lock(overdue_store::Job::DunningRun).await? {
                Ok(lock) => Some(lock),
                Err(holder) => return Err(run_in_progress(&holder)),
            }
        };
        let result = self.dunning_run_unlocked(req).await;
        if let Some(lock) = lock {
            lock.release().await;
        }
        result
    }

    async fn dunning_run_unlocked(
        &self,
        req: DunningRunRequest,
    ) -> Result<DunningRunResult, ApiError> {
        let as_of = parse_date(&req.as_of, "as_of", self.clock().today())?;
        let store = self.store().await;
        let mut result = DunningRunResult {
            as_of: as_of.to_string(),
            mode: req.mode,
            actions: Vec::new(),
            skipped: Vec::new(),
            reconciled: Vec::new(),
            warnings: [
                self.bank_staleness(as_of).await?,
                self.rate_gaps(as_of).await?,
                self.limitation_warnings(as_of, None).await?,
            ]
            .concat(),
        };
        let debtors = store.dunning_debtors(&req.account_manager, None).await?;
        let by_id: HashMap<i64, &DunningDebtor> = debtors.iter().map(|d| (d.id, d)).collect();
        if req.mode != DunningRunMode::Preview {
            result.reconciled = self.reconcile_sending(&store, &by_id).await?;
        }
        let policies = store.dunning_policies().await?;
        let default = policies
            .iter()
            .find(|p| p.is_default)
            .or(policies.first())
            .ok_or_else(|| ApiError::invalid("No collection policy is set up."))?;
        let balances = store.open_balances(as_of, None).await?;
        let mut open_by_debtor: HashMap<i64, Vec<&OpenBalance>> = HashMap::new();
        for b in &balances {
            open_by_debtor.entry(b.debtor_id).or_default().push(b);
        }
        let history = store
            .dunning_actions(&ActionQuery {
                states: vec!["sent".into(), "sending".into()],
                ..Default::default()
            })
            .await?;
        let mut past: HashMap<i64, Vec<PastAction>> = HashMap::new();
        for a in &history {
            past.entry(a.debtor_id).or_default().push(PastAction {
                level: a.level,
                cycle: a.cycle,
                on: a.as_of,
                invoice_ids: a.invoices.iter().map(|(id, _, _)| *id).collect(),
            });
        }
        let with_open: Vec<i64> = debtors
            .iter()
            .map(|d| d.id)
            .filter(|id| open_by_debtor.contains_key(id))
            .collect();
        let pauses = self
            .dunning_pauses(as_of, &with_open, Some(&balances))
            .await?;
        let settings = self.message_settings().await?;
        let mut work = Vec::new();
        let mut acting = Vec::new();
        for d in &debtors {
            if !req.debtor_ids.is_empty() && !req.debtor_ids.contains(&d.id) {
                continue;
            }
            let Some(open) = open_by_debtor.get(&d.id) else {
                continue;
            };
            let currency = Currency::from_code(&d.currency)?;
            let record = d
                .policy_id
                .and_then(|id| policies.iter().find(|p| p.id == id))
                .unwrap_or(default);
            let case = DebtorCase {
                debtor_id: d.id,
                consumer: d.consumer(),
                currency,
                invoices: open
                    .iter()
                    // Dunning runs in the debtor's currency; invoices in another one are
                    // reminded separately by hand.
                    .filter(|b| b.open.currency() == currency)
                    .map(|b| open_invoice(b))
                    .collect(),
                history: past.remove(&d.id).unwrap_or_default(),
                pauses: pauses.debtors.get(&d.id).cloned().unwrap_or_default(),
                paused_invoices: open
                    .iter()
                    .filter_map(|b| {
                        pauses
                            .invoices
                            .get(&b.invoice_id)
                            .map(|r| (b.invoice_id, r.clone()))
                    })
                    .collect::<BTreeMap<_, _>>(),
            };
            match decide(&record.policy, &case, as_of)? {
                Decision::Nothing => {}
                Decision::Skip(s) => result.skipped.push(DunningSkipDto {
                    debtor_id: d.id,
                    debtor: debtor_label(d),
                    debtor_name: d.name.clone(),
                    reason: s.reason,
                }),
                Decision::Act(action) => {
                    if let Some(reason) = catch_up_reason(&record.policy, &action) {
                        result.skipped.push(DunningSkipDto {
                            debtor_id: d.id,
                            debtor: debtor_label(d),
                            debtor_name: d.name.clone(),
                            reason,
                        });
                    }
                    acting.push((d, record.id, action));
                }
            }
        }
        // The claims of every message in one go (issue 19: a fixed number of statements
        // however many debtors), then each message from its claim.
        let ids: Vec<Vec<i64>> = acting
            .iter()
            .map(|(_, _, a)| a.invoices.iter().map(|i| i.invoice_id).collect())
            .collect();
        let asks: Vec<(i64, ClaimScope)> = acting
            .iter()
            .zip(&ids)
            .filter(|((_, _, a), _)| matches!(a.level.channel, Channel::Email | Channel::Letter))
            .map(|((d, _, a), ids)| (d.id, action_scope(a, ids, Some(&pauses))))
            .collect();
        let mut claims = self
            .claims(&store, &asks, as_of, Some(&balances))
            .await?
            .into_iter();
        let mut edited: HashMap<(String, String), overdue_store::dunning::TemplateRecord> = store
            .dunning_templates_edited()
            .await?
            .into_iter()
            .map(|t| ((t.key.clone(), t.language.clone()), t))
            .collect();
        let mut texts: HashMap<(String, &str), Result<DunningTemplateDto, ApiError>> =
            HashMap::new();
        for (d, policy_id, action) in acting {
            let (message, render_error, notes) = match action.level.channel {
                Channel::Email | Channel::Letter => {
                    let claim = claims
                        .next()
                        .ok_or_else(|| ApiError::invalid("A claim of the run is missing."))?;
                    let ctx = message_context(d, &action, &claim, &settings);
                    let language = claim.lang.catalog();
                    // Shown in the preview in full, but never sent while the claim
                    // breaks a rule: the message says which and how to fix it.
                    let blocked = claim
                        .problems()
                        .into_iter()
                        .map(|p| p.message)
                        .collect::<Vec<_>>();
                    let blocked = (!blocked.is_empty()).then(|| blocked.join(" "));
                    let key = (action.level.template.clone(), language);
                    if !texts.contains_key(&key) {
                        let own = edited.remove(&(key.0.clone(), language.to_string()));
                        let t = template_or_shipped(own, &key.0, language);
                        texts.insert(key.clone(), t);
                    }
                    match texts[&key]
                        .clone()
                        .and_then(|t| templates::render(&t.subject, &t.body, &ctx))
                    {
                        Ok(m) => (Some(m), blocked, claim.notes()),
                        Err(e) => (None, Some(e.message), claim.notes()),
                    }
                }
                _ => (None, None, Vec::new()),
            };
            work.push(Work {
                debtor: d.clone(),
                policy_id,
                action,
                message,
                render_error,
                notes,
            });
        }
        if req.mode == DunningRunMode::Send
            && work
                .iter()
                .any(|w| w.action.level.channel == Channel::Email)
        {
            // Checked before anything is written: a run without email set up sends nothing.
            self.smtp_required().await?;
        }
        for w in work {
            let dto = match req.mode {
                DunningRunMode::Preview => preview_dto(&w, as_of),
                DunningRunMode::Plan | DunningRunMode::Send => {
                    let rec = store
                        .plan_dunning_action(&new_action(&w, as_of), self.clock().now())
                        .await?;
                    let rec = if req.mode == DunningRunMode::Send
                        && (rec.state == "planned" || rec.state == "failed")
                    {
                        self.perform(&store, &w, rec).await?
                    } else {
                        rec
                    };
                    let mut dto = record_dto(&rec, Some(&w.debtor));
                    if let Some(m) = &w.message {
                        dto.subject = m.subject.clone();
                        dto.body = m.body.clone();
                    }
                    if !w.notes.is_empty() {
                        dto.note = [dto.note.clone(), w.notes.join("\n")]
                            .into_iter()
                            .filter(|n| !n.is_empty())
                            .collect::<Vec<_>>()
                            .join("\n");
                    }
                    dto
                }
            };
            result.actions.push(dto);
        }
        Ok(result)
    }

    /// Rows left `sending` by an interrupted run: the message may have left, so they are
    /// marked sent (unconfirmed) and logged, and never sent again.
    async fn reconcile_sending(
        &self,
        store: &Store,
        debtors: &HashMap<i64, &DunningDebtor>,
    ) -> Result<Vec<DunningActionDto>, ApiError> {
        let stuck = store
            .dunning_actions(&ActionQuery {
                states: vec!["sending".into()],
                ..Default::default()
            })
            .await?;
        let mut out = Vec::new();
        for r in stuck {
            let note = format!(
                "the app stopped while sending; Message-ID <{}> is treated as sent and not sent again (check the mail server's log if in doubt)",
                r.message_id.clone().unwrap_or_default()
            );
            let event = NewEvent {
                debtor_id: r.debtor_id,
                occurred_at: self.clock().now(),
                kind: "email".into(),
                author: AUTHOR.into(),
                summary: format!(
                    "{} (level {}) to {}: delivery not confirmed",
                    r.level_name, r.level, r.recipient
                ),
                detail: note.clone(),
                ref_table: "dunning_actions".into(),
                ref_id: Some(r.id),
                ..Default::default()
            };
            store
                .complete_dunning_action(r.id, &event, &note, self.clock().now())
                .await?;
            let r = store.dunning_action(r.id).await?;
            out.push(record_dto(&r, debtors.get(&r.debtor_id).copied()));
        }
        Ok(out)
    }

    /// Performs one outbox row: sends the email, or logs the letter or task.
    async fn perform(
        &self,
        store: &Store,
        w: &Work,
        rec: ActionRecord,
    ) -> Result<ActionRecord, ApiError> {
        let now = self.clock().now();
        let a = &w.action;
        let what = format!(
            "{} (level {}): {} invoice{}, {}",
            a.level.name,
            a.level.number,
            a.invoices.len(),
            if a.invoices.len() == 1 { "" } else { "s" },
            a.amount
        );
        let base = NewEvent {
            debtor_id: rec.debtor_id,
            occurred_at: now,
            author: AUTHOR.into(),
            ref_table: "dunning_actions".into(),
            ref_id: Some(rec.id),
            detail: serde_json::json!({
                "level": a.level.number,
                "cycle": a.cycle,
                "invoices": a.invoices.iter().map(|i| &i.number).collect::<Vec<_>>(),
                "amount": money_str(&a.amount),
                "currency": a.amount.currency().code(),
            })
            .to_string(),
            ..Default::default()
        };
        let fail = |error: String, kind: &str| {
            let event = NewEvent {
                kind: kind.into(),
                summary: format!("{what} FAILED: {error}"),
                ..base.clone()
            };
            (error, event)
        };
        if let Some(err) = &w.render_error {
            let (error, event) = fail(err.clone(), "email_failed");
            store
                .fail_dunning_action(rec.id, &error, &event, now)
                .await?;
            return Ok(store.dunning_action(rec.id).await?);
        }
        match a.level.channel {
            Channel::Email => {
                let msg = w.message.clone().unwrap_or(DunningMessage {
                    subject: String::new(),
                    body: String::new(),
                });
                if w.debtor.contact_email.trim().is_empty() {
                    let (error, event) = fail(
                        "the debtor has no contact with an email address".into(),
                        "email_failed",
                    );
                    store
                        .fail_dunning_action(rec.id, &error, &event, now)
                        .await?;
                    return Ok(store.dunning_action(rec.id).await?);
                }
                let smtp = self.smtp_required().await?;
                // The book's own id keeps two books from ever sending the same Message-ID.
                let book = store
                    .setting_once("book.id", &uuid::Uuid::new_v4().simple().to_string())
                    .await?;
                let message_id = format!(
                    "dunning.{}.{}.{}.{}.{}@{}",
                    &book[..book.len().min(12)],
                    rec.id,
                    rec.debtor_id,
                    rec.level,
                    rec.cycle,
                    email::domain_of(&smtp.from_address)
                );
                let outgoing = OutgoingEmail {
                    to: w.debtor.contact_email.clone(),
                    to_name: w.debtor.contact_name.clone(),
                    subject: msg.subject.clone(),
                    body: msg.body.clone(),
                    message_id: message_id.clone(),
                    attachments: match self.dunning_attachments(w, rec.as_of).await {
                        Ok(a) => a,
                        Err(e) => {
                            let (error, event) = fail(
                                format!("the attachment could not be made: {}", e.message),
                                "email_failed",
                            );
                            store
                                .fail_dunning_action(rec.id, &error, &event, now)
                                .await?;
                            return Ok(store.dunning_action(rec.id).await?);
                        }
                    },
                };
                let built = email::build_message(&smtp, &outgoing, now);
                let (envelope, bytes) = match built {
                    Ok(b) => b,
                    Err(e) => {
                        let (error, event) = fail(e.message, "email_failed");
                        store
                            .fail_dunning_action(rec.id, &error, &event, now)
                            .await?;
                        return Ok(store.dunning_action(rec.id).await?);
                    }
                };
                // Recorded and committed BEFORE the message leaves.
                if !store
                    .claim_dunning_action(rec.id, &outgoing.to, &msg.subject, &message_id, now)
                    .await?
                {
                    return Ok(store.dunning_action(rec.id).await?);
                }
                let sent = email::send_raw(&smtp, &envelope, &bytes).await;
                crash_point_after_send();
                match sent {
                    Ok(()) => {
                        let event = NewEvent {
                            kind: "email".into(),
                            summary: format!("{what} emailed to {}", outgoing.to),
                            content: Some(bytes),
                            content_type: "message/rfc822".into(),
                            ..base.clone()
                        };
                        store
                            .complete_dunning_action(rec.id, &event, "", self.clock().now())
                            .await?;
                    }
                    Err(error) => {
                        let (error, event) = fail(error, "email_failed");
                        store
                            .fail_dunning_action(rec.id, &error, &event, self.clock().now())
                            .await?;
                    }
                }
            }
            Channel::Letter => {
                let msg = w.message.clone().unwrap_or(DunningMessage {
                    subject: String::new(),
                    body: String::new(),
                });
                let text = format!("{}\n\n{}\n", msg.subject, msg.body);
                let event = NewEvent {
                    kind: "letter".into(),
                    summary: format!("{what}: letter ready to print"),
                    content: Some(text.into_bytes()),
                    content_type: "text/plain; charset=utf-8".into(),
                    ..base.clone()
                };
                store
                    .complete_dunning_action(rec.id, &event, "", now)
                    .await?;
            }
            Channel::Call | Channel::Fee | Channel::Agency | Channel::Legal => {
                let summary = match a.level.channel {
                    Channel::Call => format!(
                        "{what}: call the debtor{}",
                        if w.debtor.account_manager.is_empty() {
                            String::new()
                        } else {
                            format!(" ({})", w.debtor.account_manager)
                        }
                    ),
                    Channel::Fee => format!("{what}: late fee and interest to claim"),
                    Channel::Agency => format!("{what}: hand over to the collection agency"),
                    _ => format!("{what}: legal review"),
                };
                let event = NewEvent {
                    kind: event_kind(a.level.channel).into(),
                    summary,
                    ..base.clone()
                };
                store
                    .complete_dunning_action(rec.id, &event, "", now)
                    .await?;
            }
        }
        Ok(store.dunning_action(rec.id).await?)
    }

    /// The PDFs a dunning email attaches, as its level asks (`attach_letter`,
    /// `attach_statement`). Each is rendered and stored as a document on the debtor (and
    /// logged) before the email is built, so the bytes in the sent message, in the contact
    /// log's copy of it and in the stored document are the same (same SHA-256).
    async fn dunning_attachments(
        &self,
        w: &Work,
        as_of: NaiveDate,
    ) -> Result<Vec<email::Attachment>, ApiError> {
        let level = &w.action.level;
        let mut out = Vec::new();
        if level.attach_letter {
            let req = crate::documents::LetterRequest {
                debtor_id: w.debtor.id,
                // The same letter the run's printed batch makes for this level (one
                // mapping: a Mahnung template attached a plain reminder before).
                kind: crate::documents::letter_kind_for_template(&level.template, &level.name)
                    .as_str()
                    .into(),
                as_of: as_of.to_string(),
                deadline: w.action.deadline.map(|d| d.to_string()).unwrap_or_default(),
                agreement_date: String::new(),
                page_size: String::new(),
                override_reason: String::new(),
            };
            let pdf = self.letter_pdf(&req, true).await?;
            out.push(email::Attachment {
                filename: pdf.file_name,
                content_type: "application/pdf".into(),
                bytes: pdf.bytes,
            });
        }
        if level.attach_statement {
            let from = (as_of - chrono::Months::new(12)).to_string();
            let pdf = self
                .statement_pdf(w.debtor.id, &from, &as_of.to_string(), true)
                .await?;
            out.push(email::Attachment {
                filename: pdf.file_name,
                content_type: "application/pdf".into(),
                bytes: pdf.bytes,
            });
        }
        Ok(out)
    }

    /// Records a later bounce of a sent dunning email: the notice is matched to the email
    /// by Message-ID (`Original-Message-ID`, the returned message's `Message-ID`, the
    /// bounce's `In-Reply-To`/`References`), the action is marked bounced and the notice is
    /// logged on the debtor's timeline (kept byte for byte). A delay notice is refused;
    /// the same bounce twice is recorded once.
    pub async fn dunning_bounce(
        &self,
        input: DunningBounceInput,
    ) -> Result<DunningBounceResult, ApiError> {
        use overdue_domain::FieldError;
        let notice = crate::dsn::parse(input.raw.as_bytes());
        let candidates = if input.message_id.trim().is_empty() {
            if input.raw.trim().is_empty() {
                return Err(ApiError::validation(vec![FieldError::new(
                    "raw",
                    "Give the bounce message or the Message-ID of the email that bounced.",
                )]));
            }
            if !notice.is_failure() {
                return Err(ApiError::validation(vec![FieldError::new(
                    "raw",
                    format!(
                        "This notice does not report a failed delivery (action: {}).",
                        if notice.actions.is_empty() {
                            "none".to_string()
                        } else {
                            notice.actions.join(", ")
                        }
                    ),
                )]));
            }
            notice.message_ids.clone()
        } else {
            vec![input.message_id.trim().to_string()]
        };
        let store = self.store().await;
        let mut found = None;
        for id in &candidates {
            if let Some(r) = store.dunning_action_by_message_id(id).await? {
                found = Some(r);
                break;
            }
        }
        let Some(rec) = found else {
            return Err(ApiError::new(
                ErrorCode::NotFound,
                if candidates.is_empty() {
                    "The bounce names no Message-ID, so it cannot be matched to a sent email."
                        .to_string()
                } else {
                    format!(
                        "No dunning email was sent with Message-ID {}.",
                        candidates
                            .iter()
                            .map(|c| format!("<{c}>"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                },
            ));
        };
        let recipient = notice
            .recipients
            .first()
            .cloned()
            .unwrap_or_else(|| rec.recipient.clone());
        let bounce = [
            notice.status.clone(),
            recipient.clone(),
            notice.diagnostic.clone(),
        ]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
        let bounce = if bounce.is_empty() {
            "bounced".to_string()
        } else {
            bounce
        };
        let now = self.clock().now();
        let event = NewEvent {
            debtor_id: rec.debtor_id,
            occurred_at: now,
            kind: "email_bounced".into(),
            author: AUTHOR.into(),
            summary: format!(
                "{} (level {}) to {} bounced: {bounce}",
                rec.level_name, rec.level, rec.recipient
            ),
            detail: serde_json::json!({
                "message_id": rec.message_id,
                "status": notice.status,
                "recipients": notice.recipients,
                "diagnostic": notice.diagnostic,
            })
            .to_string(),
            content: (!input.raw.is_empty()).then(|| input.raw.clone().into_bytes()),
            content_type: if input.raw.is_empty() {
                String::new()
            } else {
                "message/rfc822".into()
            },
            ref_table: "dunning_actions".into(),
            ref_id: Some(rec.id),
            ..Default::default()
        };
        let recorded = store
            .bounce_dunning_action(rec.id, &bounce, &event, now)
            .await?;
        let rec = store.dunning_action(rec.id).await?;
        let debtor = store
            .dunning_debtors("", Some(rec.debtor_id))
            .await?
            .into_iter()
            .next();
        Ok(DunningBounceResult {
            action: record_dto(&rec, debtor.as_ref()),
            recorded,
        })
    }

    /// The outbox, newest first (failed ones show why).
    pub async fn dunning_actions(
        &self,
        debtor_id: Option<i64>,
        states: Vec<String>,
    ) -> Result<Vec<DunningActionDto>, ApiError> {
        let store = self.store().await;
        let debtors = store.dunning_debtors("", None).await?;
        let by_id: HashMap<i64, &DunningDebtor> = debtors.iter().map(|d| (d.id, d)).collect();
        Ok(store
            .dunning_actions(&ActionQuery {
                debtor_id,
                states,
                ..Default::default()
            })
            .await?
            .iter()
            .map(|r| record_dto(r, by_id.get(&r.debtor_id).copied()))
            .collect())
    }

    /// The email a dunning action sent, byte for byte as the contact log keeps it.
    pub async fn dunning_sent_message(
        &self,
        action_id: i64,
    ) -> Result<DunningSentMessage, ApiError> {
        let store = self.store().await;
        let a = store.dunning_action(action_id).await?;
        let event = store
            .events_of(a.debtor_id)
            .await?
            .into_iter()
            .find(|e| {
                e.ref_table == "dunning_actions"
                    && e.ref_id == Some(action_id)
                    && e.sha256.is_some()
            })
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::NotFound,
                    format!("Dunning action {action_id} sent no message."),
                )
            })?;
        let (content, sha256) = store.event_content(event.id).await?;
        Ok(DunningSentMessage {
            raw: String::from_utf8_lossy(&content.unwrap_or_default()).into_owned(),
            sha256: sha256.unwrap_or_default(),
        })
    }

    /// The account manager's worklist: open call and legal/agency tasks ("" = everyone's).
    pub async fn dunning_worklist(
        &self,
        account_manager: String,
    ) -> Result<Vec<DunningActionDto>, ApiError> {
        let store = self.store().await;
        let debtors = store.dunning_debtors("", None).await?;
        let by_id: HashMap<i64, &DunningDebtor> = debtors.iter().map(|d| (d.id, d)).collect();
        Ok(store
            .dunning_actions(&ActionQuery {
                states: vec!["sent".into()],
                channels: Channel::TASKS.to_vec(),
                open_tasks_only: true,
                account_manager,
                ..Default::default()
            })
            .await?
            .iter()
            .map(|r| record_dto(r, by_id.get(&r.debtor_id).copied()))
            .collect())
    }

    /// The claim behind a step of the ladder: the invoices it names, with interest and
    /// compensation from the level after the due date that is not a gentle reminder.
    /// `pauses`: what the run already gathered for every debtor, so that a run does not
    /// gather them again for each message.
    async fn action_claim(
        &self,
        store: &Store,
        action: &PlannedAction,
        as_of: NaiveDate,
        pauses: Option<&Pauses>,
    ) -> Result<Claim, ApiError> {
        let ids: Vec<i64> = action.invoices.iter().map(|i| i.invoice_id).collect();
        self.claim(
            store,
            action.debtor_id,
            as_of,
            action_scope(action, &ids, pauses),
        )
        .await
    }

    /// Escalates a debtor by hand to a step of its policy, skipping the notice the ladder
    /// would otherwise require (a reminder and a final demand whose deadline has passed):
    /// only with a reason, which is kept on the step and on the contact log. The step is on
    /// record as performed (a task lands on the worklist) and the next run goes on from it.
    pub async fn dunning_escalate(
        &self,
        input: DunningEscalate,
    ) -> Result<DunningActionDto, ApiError> {
        let reason = input.reason.trim();
        if reason.is_empty() {
            return Err(ApiError::validation(vec![overdue_domain::FieldError::new(
                "reason",
                "Say why the debtor is escalated without the usual notice; the reason is logged.",
            )]));
        }
        let as_of = parse_date(&input.as_of, "as_of", self.clock().today())?;
        let store = self.store().await;
        let debtor = store
            .dunning_debtors("", Some(input.debtor_id))
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "No such debtor."))?;
        let (policy_id, policy) = self.policy_of(&store, &debtor).await?;
        let level = policy
            .levels
            .iter()
            .find(|l| l.number == input.level)
            .cloned()
            .ok_or_else(|| {
                ApiError::validation(vec![overdue_domain::FieldError::new(
                    "level",
                    format!(
                        "The policy \"{}\" has no level {}: use one of {}.",
                        policy.name,
                        input.level,
                        policy
                            .levels
                            .iter()
                            .map(|l| format!("{} ({})", l.number, l.name))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )])
            })?;
        let history = store
            .dunning_actions(&ActionQuery {
                debtor_id: Some(debtor.id),
                states: vec!["sent".into(), "sending".into()],
                ..Default::default()
            })
            .await?;
        let cycle = history.iter().map(|a| a.cycle).max().unwrap_or(1);
        if let Some(done) = history
            .iter()
            .filter(|a| a.cycle == cycle)
            .map(|a| a.level)
            .max()
            .filter(|l| *l >= level.number)
        {
            return Err(ApiError::validation(vec![overdue_domain::FieldError::new(
                "level",
                format!(
                    "Level {done} is already on record for {}: escalate to a later step.",
                    debtor.name
                ),
            )]));
        }
        let claim = self
            .claim(&store, debtor.id, as_of, ClaimScope::default())
            .await?;
        if claim.lines.is_empty() {
            return Err(ApiError::invalid(format!(
                "{} has nothing overdue that is not paused on {as_of}: there is nothing to escalate.",
                debtor.name
            )));
        }
        let author = if input.author.trim().is_empty() {
            AUTHOR.to_string()
        } else {
            input.author.trim().to_string()
        };
        let action = NewAction {
            debtor_id: debtor.id,
            policy_id,
            level: level.number,
            level_name: level.name.clone(),
            channel: level.channel,
            cycle,
            as_of,
            amount: claim.principal(),
            deadline: None,
            invoices: claim.lines.iter().map(|l| (l.invoice_id, l.open)).collect(),
        };
        let event = NewEvent {
            debtor_id: debtor.id,
            occurred_at: self.clock().now(),
            kind: "note".into(),
            author,
            summary: format!(
                "Escalated by hand to level {} ({}) without the usual notice: {reason}",
                level.number, level.name
            ),
            ref_table: "dunning_actions".into(),
            ..Default::default()
        };
        let rec = store
            .escalate_dunning(&action, reason, &event, self.clock().now())
            .await?;
        tracing::info!(
            debtor = debtor.id,
            level = level.number,
            "escalated by hand"
        );
        Ok(record_dto(&rec, Some(&debtor)))
    }

    /// Marks a task done with its outcome, logged on the debtor.
    pub async fn dunning_task_done(&self, input: DunningTaskDone) -> Result<(), ApiError> {
        if input.outcome.trim().is_empty() {
            return Err(ApiError::validation(vec![overdue_domain::FieldError::new(
                "outcome",
                "Say what came of it.",
            )]));
        }
        let store = self.store().await;
        let r = store.dunning_action(input.action_id).await?;
        let now = self.clock().now();
        let event = NewEvent {
            debtor_id: r.debtor_id,
            occurred_at: now,
            kind: if r.channel == Channel::Call {
                "call"
            } else {
                "note"
            }
            .into(),
            author: if input.author.trim().is_empty() {
                AUTHOR.into()
            } else {
                input.author.trim().into()
            },
            summary: input.outcome.trim().into(),
            ref_table: "dunning_actions".into(),
            ref_id: Some(r.id),
            ..Default::default()
        };
        Ok(store.finish_dunning_task(r.id, &event, now).await?)
    }
}

/// Test hook: `OVERDUE_FAULT=crash-after-send` aborts the process right after an email
/// left and before it is recorded, the window the outbox must survive.
fn crash_point_after_send() {
    if std::env::var("OVERDUE_FAULT").is_ok_and(|v| v == "crash-after-send") {
        std::process::abort();
    }
}

fn new_action(w: &Work, as_of: NaiveDate) -> NewAction {
    let a = &w.action;
    NewAction {
        debtor_id: w.debtor.id,
        policy_id: w.policy_id,
        level: a.level.number,
        level_name: a.level.name.clone(),
        channel: a.level.channel,
        cycle: a.cycle,
        as_of,
        amount: a.amount,
        deadline: a.deadline,
        invoices: a.invoices.iter().map(|i| (i.invoice_id, i.open)).collect(),
    }
}

fn preview_dto(w: &Work, as_of: NaiveDate) -> DunningActionDto {
    let a = &w.action;
    DunningActionDto {
        id: None,
        debtor_id: w.debtor.id,
        debtor: debtor_label(&w.debtor),
        debtor_name: w.debtor.name.clone(),
        account_manager: w.debtor.account_manager.clone(),
        level: a.level.number,
        level_name: a.level.name.clone(),
        channel: a.level.channel.into(),
        cycle: a.cycle,
        invoices: a.invoices.iter().map(|i| i.number.clone()).collect(),
        amount: money_str(&a.amount),
        currency: a.amount.currency().code().into(),
        status: ActionStatus::Planned,
        recipient: if a.level.channel == Channel::Email {
            w.debtor.contact_email.clone()
        } else {
            String::new()
        },
        subject: w
            .message
            .as_ref()
            .map(|m| m.subject.clone())
            .unwrap_or_default(),
        body: w
            .message
            .as_ref()
            .map(|m| m.body.clone())
            .unwrap_or_default(),
        deadline: a.deadline.map(|d| d.to_string()).unwrap_or_default(),
        message_id: String::new(),
        error: w.render_error.clone().unwrap_or_default(),
        note: w.notes.join("\n"),
        as_of: as_of.to_string(),
        bounce: String::new(),
    }
}

/// The merge fields for one action, from the claim behind it: the invoices, interest,
/// compensation, history and payment details the message states, with amounts and dates
/// written in the debtor's conventions.
fn message_context(
    d: &DunningDebtor,
    a: &PlannedAction,
    claim: &Claim,
    settings: &DunningSettings,
) -> MessageContext {
    let lang = claim.lang;
    let number = |m: &Money| lang.number(m);
    let lines = claim
        .lines
        .iter()
        .map(|l| MergeInvoiceLine {
            number: l.number.clone(),
            issue_date: lang.short_date(l.issue_date),
            due_date: lang.short_date(l.due_date),
            days_overdue: (claim.as_of - l.due_date).num_days(),
            open: number(&l.open),
            interest: number(&l.interest),
            compensation: number(&l.compensation),
        })
        .collect();
    let (interest, compensation) = (claim.interest(), claim.compensation());
    let basis = [
        claim.interest_basis.as_str(),
        claim.compensation_basis.as_str(),
    ]
    .iter()
    .filter(|t| !t.is_empty())
    .copied()
    .collect::<Vec<_>>()
    .join(&lang.t("list_separator", &[]));
    let address = [
        d.address_lines.trim().to_string(),
        format!("{} {}", d.postal_code.trim(), d.city.trim())
            .trim()
            .to_string(),
        d.country.trim().to_string(),
    ]
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join("\n");
    MessageContext {
        debtor: MergeDebtor {
            name: d.name.clone(),
            reference: d.external_ref.clone(),
            address,
            consumer: d.consumer(),
        },
        contact: MergeContact {
            name: d.contact_name.clone(),
            email: d.contact_email.clone(),
            phone: d.contact_phone.clone(),
        },
        invoices: lines,
        total: number(&claim.principal()),
        currency: claim.currency.code().into(),
        interest: MergeInterest {
            // Interest that runs is claimed, in words at least, even before its amount
            // can be worked out (a rate the table lacks).
            claimed: !interest.is_zero()
                || !compensation.is_zero()
                || !claim.interest_basis.is_empty(),
            amount: number(&interest),
            compensation: number(&compensation),
            basis,
            compensation_claimed: !compensation.is_zero(),
            to: claim.interest_to.map(|t| lang.date(t)).unwrap_or_default(),
        },
        grand_total: number(&claim.total()),
        payment: claim.payment.clone(),
        deadline: a.deadline.map(|t| lang.date(t)).unwrap_or_default(),
        sender: settings.sender.clone(),
        level: MergeLevel {
            number: a.level.number,
            name: a.level.name.clone(),
        },
        as_of: lang.date(claim.as_of),
        history: MergeHistory {
            reminded: !claim.reminded_on.is_empty(),
            dates: lang.dates(&claim.reminded_on),
        },
    }
}

impl Api {
    /// The daily run while the app is open: each minute it checks the configured time
    /// (the machine's local time); once a day, at or after it, it runs the policy for
    /// today, planning or sending per the settings, and hands what it did to `notify` (the
    /// shell shows it in the window and as a desktop notification). When the scheduled
    /// job runs the daily run (Settings > Daily run, "also when Overdue is closed"), the
    /// window leaves it to the job, so a day is never run twice, and reports each run the
    /// job records instead. Never returns; the shell spawns it.
    pub async fn dunning_daily_loop<F>(&self, notify: F)
    where
        F: Fn(Result<crate::daily_run::DailyRunEvent, ApiError>) + Send + Sync,
    {
        use crate::daily_run::DailyRunEvent;
        let dirs = crate::schedule::JobDirs::of_user().ok();
        let scheduler = crate::schedule::Scheduler::of_this_computer();
        let record = crate::config::daily_run_file().ok();
        let job_run = || record.as_deref().and_then(crate::schedule::last_run);
        let mut seen = job_run().map(|l| l.at);
        let mut last_run: Option<NaiveDate> = None;
        loop {
            // Re-read each minute: the time may be changed in Settings while the app runs.
            tokio::time::sleep(std::time::Duration::from_secs(60)).await;
            if dirs.as_ref().is_some_and(|d| scheduler.installed(d)) {
                if let Some(l) = job_run().filter(|l| Some(&l.at) != seen.as_ref()) {
                    seen = Some(l.at.clone());
                    notify(Ok(DailyRunEvent {
                        digest: l.digest(),
                        by_job: true,
                    }));
                }
                continue;
            }
            let Ok(settings) = self.dunning_settings().await else {
                continue;
            };
            let Ok(at) = NaiveTime::parse_from_str(settings.run_time.trim(), "%H:%M") else {
                continue;
            };
            let today = self.clock().today();
            #[allow(clippy::disallowed_methods)] // the scheduler runs on local wall time
            let local_now = chrono::Local::now().time();
            if last_run == Some(today) || local_now < at {
                continue;
            }
            last_run = Some(today);
            let result = self
                .dunning_run(DunningRunRequest {
                    as_of: today.to_string(),
                    mode: if settings.auto_send {
                        DunningRunMode::Send
                    } else {
                        DunningRunMode::Plan
                    },
                    ..Default::default()
                })
                .await;
            notify(result.map(|r| DailyRunEvent {
                digest: r.digest(),
                by_job: false,
            }));
        }
    }
}

/// The answer to a dunning run started while another one plans or sends.
fn run_in_progress(holder: &overdue_store::JobHolder) -> ApiError {
    let who = match (holder.login.as_str(), holder.client.as_str()) {
        ("", _) => String::new(),
        (login, "") => format!(" by {login}"),
        (login, client) => format!(" by {login} (from {client})"),
    };
    ApiError::new(
        ErrorCode::InvalidInput,
        format!(
            "Another dunning run is in progress on this book{who}. Nothing was planned or sent; \
             start the run again when it has finished (a preview can run meanwhile)."
        ),
    )
}

/// What a dunning action's message claims: the invoices it names, with interest on
/// demands (not on friendly reminders).
fn action_scope<'a>(
    action: &PlannedAction,
    ids: &'a [i64],
    pauses: Option<&'a Pauses>,
) -> ClaimScope<'a> {
    ClaimScope {
        only: Some(ids),
        interest: action.level.trigger_days > 0 && claims_interest(&action.level.template),
        override_reason: None,
        pauses,
    }
}

/// The edited template for a key and language if there is one, else the shipped one.
impl Api {
    /// The refusal of a save over someone else's: who saved `what` last and when, from the
    /// newest audit entry `of` picks out.
    pub(crate) async fn saved_since(
        &self,
        what: &str,
        of: impl Fn(&overdue_store::AuditRecord) -> bool,
    ) -> ApiError {
        let who = self
            .newest_audit(None, 500, |e| {
                of(e).then(|| {
                    format!(
                        "{} saved this {what} at {} UTC,",
                        e.login,
                        e.at.format("%Y-%m-%d %H:%M")
                    )
                })
            })
            .await
            .unwrap_or_else(|| format!("Someone else saved this {what},"));
        crate::staff::stale_refusal(&who, what)
    }
}

fn template_or_shipped(
    edited: Option<overdue_store::dunning::TemplateRecord>,
    key: &str,
    language: &str,
) -> Result<DunningTemplateDto, ApiError> {
    if let Some(t) = edited {
        return Ok(DunningTemplateDto {
            key: t.key,
            language: t.language,
            subject: t.subject,
            body: t.body,
            shipped: false,
            version: Some(t.version),
        });
    }
    templates::shipped(key, language).ok_or_else(|| {
        ApiError::new(
            ErrorCode::NotFound,
            format!("There is no template \"{key}\"."),
        )
    })
}
