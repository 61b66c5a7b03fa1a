//! One model of what a message to a debtor claims, built from the ledger and the
//! collection state as of a date. Every reminder email and every letter is rendered from
//! a [`Claim`], so they cannot disagree: which invoices are demanded (never one under an
//! active plan, a pending promise, a dispute or a hold, unless the user overrides with a
//! reason that is logged), which reminders really went out before, the interest and
//! compensation with their basis and how far the rate table reaches, the payment details,
//! and the language the debtor reads. [`Claim::problems`] is the check run before anything
//! is sent, printed or saved.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use overdue_docs::{i18n, Lang};
use overdue_domain::{Currency, Money};
use overdue_store::dunning::ActionQuery;
use overdue_store::Store;

use crate::calc::InterestCalcResult;
use crate::templates::MergePayment;
use crate::{Api, ApiError};

/// Document kinds that are reminders or demands, as stored when printed.
const REMINDER_KINDS: &[&str] = &[
    "reminder",
    "second-reminder",
    "final-demand",
    "mahnung",
    "us-demand",
];

/// How the note of an override begins (it is logged on the contact log when the letter
/// is kept).
pub(crate) const OVERRIDE_NOTE: &str = "Sent despite the pause";

/// Whether a message made from the template (email level) or document kind claims
/// interest and compensation: not a friendly reminder before the due date nor the first
/// gentle reminder ("perhaps overlooked"); every later one does, per the debtor's
/// late-fee policy.
pub(crate) fn claims_interest(template_or_kind: &str) -> bool {
    !matches!(
        template_or_kind,
        "friendly_reminder" | "friendly-reminder" | "reminder"
    )
}

/// One invoice demanded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ClaimLine {
    /// Invoice id.
    pub invoice_id: i64,
    /// Number.
    pub number: String,
    /// Issue date.
    pub issue_date: NaiveDate,
    /// Due date.
    pub due_date: NaiveDate,
    /// Open balance on the date.
    pub open: Money,
    /// The invoice's amount.
    pub amount: Money,
    /// The invoice's description.
    pub description: String,
    /// Interest claimed on it (zero when none).
    pub interest: Money,
    /// Fixed compensation or contract fees claimed on it.
    pub compensation: Money,
    /// The calculation behind them.
    pub calculation: Option<InterestCalcResult>,
}

/// An invoice that is open and overdue but left out of the message, with why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Excluded {
    /// Invoice id.
    pub invoice_id: i64,
    /// Number.
    pub number: String,
    /// Why (plan, promise, dispute, hold).
    pub reason: String,
}

/// A rule a message breaks: it is shown in the preview, and sending, printing and saving
/// are refused with this text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    /// Short name of the rule (`payment_details`, `paused`, `nothing_due`).
    pub rule: &'static str,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// What a message to one debtor claims on one date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Claim {
    /// The debtor.
    pub debtor_id: i64,
    /// The date.
    pub as_of: NaiveDate,
    /// Currency of every amount.
    pub currency: Currency,
    /// The conventions and catalog the debtor reads.
    pub lang: Lang,
    /// Invoices demanded, oldest due first.
    pub lines: Vec<ClaimLine>,
    /// Overdue invoices left out, with why.
    pub excluded: Vec<Excluded>,
    /// Pauses of the whole debtor (plan, promise, hold) in words; an override reason lets
    /// the message go out anyway.
    pub paused: Vec<String>,
    /// The reason the user gave to send despite a pause ("" = none).
    pub override_reason: String,
    /// Reminders and demands on record before the date (sent or printed), oldest first.
    pub reminded_on: Vec<NaiveDate>,
    /// Interest is worked out only to this day (the reference rate after it is missing).
    pub interest_to: Option<NaiveDate>,
    /// The legal basis of the interest in words, in the debtor's language ("interest at 9
    /// percentage points above the base rate from ..."): it holds without a number.
    pub interest_basis: String,
    /// The basis of the compensation in words, in the debtor's language.
    pub compensation_basis: String,
    /// Interest a day that keeps accruing after the date.
    pub daily_interest: Money,
    /// Notices for the user (one per debtor): language fallback, rate gaps.
    pub notices: Vec<String>,
    /// The creditor's bank details and the reference to quote.
    pub payment: MergePayment,
}

/// What to build a claim for.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ClaimScope<'a> {
    /// Only these invoices (those a dunning action names, due or not); `None` = every
    /// overdue one.
    pub only: Option<&'a [i64]>,
    /// Whether interest and compensation are claimed (demands, not friendly reminders).
    pub interest: bool,
    /// A reason to send although the debtor is paused (logged with the message).
    pub override_reason: Option<&'a str>,
    /// The pauses a dunning run already gathered for every debtor (`None`: gather this
    /// debtor's here).
    pub pauses: Option<&'a crate::dunning::Pauses>,
}

/// How an escalation (a handover to an agency, a court claim) is named in its messages.
pub(crate) struct Escalation<'a> {
    /// What the user asks for: "hand over", "claim".
    pub action: &'a str,
    /// What was done: "Handed over", "Claimed".
    pub done: &'a str,
}

impl Claim {
    /// The invoices left out, as " (INV-1: disputed; INV-2: ...)", or "" when none is.
    pub fn excluded_list(&self) -> String {
        if self.excluded.is_empty() {
            return String::new();
        }
        let list: Vec<String> = self
            .excluded
            .iter()
            .map(|e| format!("{}: {}", e.number, e.reason))
            .collect();
        format!(" ({})", list.join("; "))
    }

    /// The open total of the invoices demanded.
    pub fn principal(&self) -> Money {
        sum(self.currency, self.lines.iter().map(|l| l.open))
    }

    /// Interest claimed.
    pub fn interest(&self) -> Money {
        sum(self.currency, self.lines.iter().map(|l| l.interest))
    }

    /// Compensation claimed.
    pub fn compensation(&self) -> Money {
        sum(self.currency, self.lines.iter().map(|l| l.compensation))
    }

    /// Everything demanded.
    pub fn total(&self) -> Money {
        sum(
            self.currency,
            [self.principal(), self.interest(), self.compensation()],
        )
    }

    /// The rules this claim breaks; empty when a message built from it may go out.
    pub fn problems(&self) -> Vec<Problem> {
        let mut out: Vec<Problem> = payment_problem(&self.payment, "a reminder")
            .into_iter()
            .collect();
        if !self.paused.is_empty() && self.override_reason.trim().is_empty() {
            out.push(Problem {
                rule: "paused",
                message: format!(
                    "Blocked: collection is paused ({}). Wait until the pause ends, or give a \
                     reason to send anyway; the reason is logged with the letter.",
                    self.paused.join("; ")
                ),
            });
        }
        if self.lines.is_empty() {
            let why = if self.excluded.is_empty() {
                "nothing is overdue".to_string()
            } else {
                let names: Vec<String> = self
                    .excluded
                    .iter()
                    .map(|e| format!("{} ({})", e.number, e.reason))
                    .collect();
                format!("every overdue invoice is paused: {}", names.join(", "))
            };
            out.push(Problem {
                rule: "nothing_due",
                message: format!(
                    "Blocked: there is nothing to demand on {}: {why}.",
                    self.as_of
                ),
            });
        }
        out
    }

    /// Everything the user should see next to the message: notices, then what was left
    /// out and why.
    pub fn notes(&self) -> Vec<String> {
        let mut out = self.notices.clone();
        for e in &self.excluded {
            out.push(format!("{} left out: {}", e.number, e.reason));
        }
        if !self.override_reason.trim().is_empty() && !self.paused.is_empty() {
            out.push(format!(
                "{OVERRIDE_NOTE} ({}): {}",
                self.paused.join("; "),
                self.override_reason.trim()
            ));
        }
        out
    }
}

/// The rule every message that asks for money keeps: it says where to pay. `what` names
/// the message in the fix ("a reminder", "an agreement").
pub(crate) fn payment_problem(payment: &MergePayment, what: &str) -> Option<Problem> {
    (payment.iban.trim().is_empty() && payment.account.trim().is_empty()).then(|| Problem {
        rule: "payment_details",
        message: format!(
            "Blocked: no bank account to pay into. Enter the IBAN in Settings > Letterhead; \
             {what} must say where to pay."
        ),
    })
}

pub(crate) fn sum(currency: Currency, items: impl IntoIterator<Item = Money>) -> Money {
    items
        .into_iter()
        .fold(Money::zero(currency), |a, m| a.checked_add(&m).unwrap_or(a))
}

/// The language and conventions a debtor reads: its own language when there is a catalog
/// for it (US conventions for an English-speaking debtor of a US creditor), else English.
pub(crate) fn debtor_lang(debtor: &overdue_store::DebtorRecord, company_country: &str) -> Lang {
    let us = if company_country.eq_ignore_ascii_case("US") {
        "US"
    } else {
        ""
    };
    Lang::for_language(&debtor.draft.language, us)
}

/// The user-facing note when a debtor's language has no catalog.
pub(crate) fn language_notice(language: &str) -> Option<String> {
    let code = language.trim();
    (!code.is_empty() && !i18n::has(code)).then(|| {
        format!(
            "The debtor's language \"{code}\" has no translation catalog; the message is in \
             English (available: {}).",
            i18n::languages().join(", ")
        )
    })
}

impl Api {
    /// The checks before a claim is escalated: refused while collection is paused or
    /// without a reminder and a final demand on record, unless a reason is given (the
    /// caller logs it); with a reason, a warning says what was overridden. Returns the
    /// warnings and the day of the last final demand.
    pub(crate) async fn escalation_checks(
        &self,
        store: &Store,
        claim: &Claim,
        debtor_name: &str,
        reason: &str,
        words: &Escalation<'_>,
    ) -> Result<(Vec<String>, Option<NaiveDate>), ApiError> {
        let mut warnings = Vec::new();
        if !claim.paused.is_empty() {
            let paused = claim.paused.join("; ");
            if reason.is_empty() {
                return Err(ApiError::field(
                    "reason",
                    format!(
                        "Blocked: collection from {debtor_name} is paused ({paused}). Give a reason to {} anyway (--reason); it is logged.",
                        words.action
                    ),
                ));
            }
            warnings.push(format!(
                "{} although collection is paused ({paused}): reason logged.",
                words.done
            ));
        }
        let (reminded, final_demand) = self
            .notice_on_record(store, claim.debtor_id, claim.as_of)
            .await?;
        let missing = match (reminded.is_empty(), final_demand.is_none()) {
            (true, true) => Some("no reminder and no final demand are"),
            (true, false) => Some("no reminder is"),
            (false, true) => Some("no final demand is"),
            (false, false) => None,
        };
        if let Some(missing) = missing {
            if reason.is_empty() {
                return Err(ApiError::field(
                    "reason",
                    format!(
                        "Blocked: {missing} on record for {debtor_name}. Send them first (Collections), or give a reason to {} without notice (--reason); it is logged.",
                        words.action
                    ),
                ));
            }
            warnings.push(format!(
                "{} although {missing} on record: reason logged.",
                words.done
            ));
        }
        Ok((warnings, final_demand))
    }

    /// The claim a message to `debtor_id` on `as_of` makes (see the module's doc).
    pub(crate) async fn claim(
        &self,
        store: &Store,
        debtor_id: i64,
        as_of: NaiveDate,
        scope: ClaimScope<'_>,
    ) -> Result<Claim, ApiError> {
        let mut claims = self
            .claims(store, &[(debtor_id, scope)], as_of, None)
            .await?;
        claims
            .pop()
            .ok_or_else(|| ApiError::invalid("No claim was worked out."))
    }

    /// The claims of many messages on `as_of` (a dunning run's), read in a fixed number of
    /// statements however many debtors there are; in the order asked. `open`: every open
    /// balance on `as_of`, when the caller has read them already.
    pub(crate) async fn claims(
        &self,
        store: &Store,
        asks: &[(i64, ClaimScope<'_>)],
        as_of: NaiveDate,
        open: Option<&[overdue_store::OpenBalance]>,
    ) -> Result<Vec<Claim>, ApiError> {
        let mut ids: Vec<i64> = asks.iter().map(|(id, _)| *id).collect();
        ids.sort_unstable();
        ids.dedup();
        let company_country = self.letterhead_get().await?.country;
        let book = self.interest_book(&ids, as_of, open).await?;
        let mut unpaused: Vec<i64> = asks
            .iter()
            .filter(|(_, s)| s.pauses.is_none())
            .map(|(id, _)| *id)
            .collect();
        unpaused.sort_unstable();
        unpaused.dedup();
        let gathered = if unpaused.is_empty() {
            crate::dunning::Pauses::default()
        } else {
            self.dunning_pauses(as_of, &unpaused, open).await?
        };
        let sent = store
            .dunning_actions(&ActionQuery {
                // One debtor's when there is one (a letter, a preview), else everyone's.
                debtor_id: (ids.len() == 1).then(|| ids[0]),
                states: vec!["sent".into(), "sending".into()],
                ..Default::default()
            })
            .await?;
        let mut sent_by: HashMap<i64, Vec<&overdue_store::dunning::ActionRecord>> = HashMap::new();
        for a in &sent {
            sent_by.entry(a.debtor_id).or_default().push(a);
        }
        let documents = store.documents_among(&ids).await?;
        let mut settings: HashMap<Currency, crate::dunning::DunningSettings> = HashMap::new();
        let mut out = Vec::with_capacity(asks.len());
        for (debtor_id, scope) in asks {
            let debtor =
                book.debtors
                    .get(debtor_id)
                    .ok_or_else(|| overdue_store::StoreError::NotFound {
                        entity: "debtor",
                        key: debtor_id.to_string(),
                    })?;
            let currency = debtor.draft.currency;
            if let std::collections::hash_map::Entry::Vacant(e) = settings.entry(currency) {
                e.insert(self.message_settings_for(currency.code()).await?);
            }
            let reminded_on = reminders_in(
                sent_by.get(debtor_id).into_iter().flatten().copied(),
                documents.get(debtor_id).map_or(&[][..], Vec::as_slice),
                as_of,
            );
            out.push(claim_in(
                &book,
                debtor,
                &company_country,
                as_of,
                scope,
                scope.pauses.unwrap_or(&gathered),
                reminded_on,
                &settings[&currency],
            )?);
        }
        Ok(out)
    }

    /// The days a reminder or demand went to the debtor before `as_of`: emails and letters
    /// of the dunning run marked sent, and reminder letters printed and kept.
    pub(crate) async fn reminders_on_record(
        &self,
        store: &Store,
        debtor_id: i64,
        as_of: NaiveDate,
    ) -> Result<Vec<NaiveDate>, ApiError> {
        let sent = store
            .dunning_actions(&ActionQuery {
                debtor_id: Some(debtor_id),
                states: vec!["sent".into(), "sending".into()],
                ..Default::default()
            })
            .await?;
        let documents = store.documents_of(debtor_id).await?;
        Ok(reminders_in(sent.iter(), &documents, as_of))
    }
}

/// [`Api::reminders_on_record`] from a debtor's actions sent and its documents.
fn reminders_in<'a>(
    sent: impl Iterator<Item = &'a overdue_store::dunning::ActionRecord>,
    documents: &[overdue_store::DocumentRecord],
    as_of: NaiveDate,
) -> Vec<NaiveDate> {
    let mut days = BTreeSet::new();
    for a in sent {
        if a.as_of < as_of
            && matches!(
                a.channel,
                overdue_domain::dunning::Channel::Email | overdue_domain::dunning::Channel::Letter
            )
        {
            days.insert(a.as_of);
        }
    }
    for d in documents {
        let day = d.created_at.date_naive();
        if REMINDER_KINDS.contains(&d.kind.as_str()) && day < as_of {
            days.insert(day);
        }
    }
    days.into_iter().collect()
}

/// One claim from what [`Api::claims`] read: the one place a claim is put together.
#[allow(clippy::too_many_arguments)]
fn claim_in(
    book: &crate::latefees::InterestBook,
    debtor: &overdue_store::DebtorRecord,
    company_country: &str,
    as_of: NaiveDate,
    scope: &ClaimScope<'_>,
    pauses: &crate::dunning::Pauses,
    reminded_on: Vec<NaiveDate>,
    settings: &crate::dunning::DunningSettings,
) -> Result<Claim, ApiError> {
    let debtor_id = debtor.id;
    let currency = debtor.draft.currency;
    let lang = debtor_lang(debtor, company_country);
    let consumer = debtor.draft.kind == overdue_domain::DebtorKind::Individual;
    let mut notices: Vec<String> = language_notice(&debtor.draft.language)
        .into_iter()
        .collect();

    let paused: Vec<String> = pauses
        .debtors
        .get(&debtor_id)
        .map(|ps| ps.iter().map(|p| p.reason.clone()).collect())
        .unwrap_or_default();

    let mut lines = Vec::new();
    let mut excluded = Vec::new();
    let mut open: Vec<&overdue_store::OpenBalance> =
        book.open.get(&debtor_id).into_iter().flatten().collect();
    open.sort_by(|a, b| (a.due_date, &a.number).cmp(&(b.due_date, &b.number)));
    // The invoices an action names (a friendly reminder names some not yet due), else
    // every overdue one.
    let named = |o: &&overdue_store::OpenBalance| match scope.only {
        Some(only) => only.contains(&o.invoice_id),
        None => o.due_date < as_of,
    };
    for o in open
        .iter()
        .filter(|o| named(o) && o.open.currency() == currency)
    {
        if let Some(reason) = pauses.invoices.get(&o.invoice_id) {
            excluded.push(Excluded {
                invoice_id: o.invoice_id,
                number: o.number.clone(),
                reason: reason.clone(),
            });
            continue;
        }
        lines.push(ClaimLine {
            invoice_id: o.invoice_id,
            number: o.number.clone(),
            issue_date: o.issue_date,
            due_date: o.due_date,
            open: o.open,
            amount: o.amount,
            description: o.description.clone(),
            interest: Money::zero(currency),
            compensation: Money::zero(currency),
            calculation: None,
        });
    }

    let mut interest_to = None;
    let mut interest_basis = String::new();
    let mut compensation_basis = String::new();
    let mut daily = Money::zero(currency);
    if scope.interest && !lines.is_empty() {
        // The debtor's own late-fee policy (or the default) on the effective rate
        // table: the same numbers as the debtor's Interest tab.
        let interest = crate::latefees::interest_in(book, debtor_id, as_of)?.0;
        for p in &interest.problems {
            if !notices.contains(p) {
                notices.push(p.clone());
            }
        }
        for line in &mut lines {
            let Some(c) = interest
                .invoices
                .iter()
                .find(|c| c.invoice_id == line.invoice_id)
            else {
                continue;
            };
            let r = &c.calculation;
            let money = |s: &str| Money::parse(s, currency).map_err(crate::latefees::internal);
            line.interest = money(&r.interest)?;
            line.compensation = money(&r.compensation)?;
            daily = daily.checked_add(&money(&r.daily_interest)?)?;
            if r.rate_gap.is_some() {
                let to = NaiveDate::parse_from_str(&r.interest_to, "%Y-%m-%d").ok();
                interest_to = match (interest_to, to) {
                    (Some(a), Some(b)) => Some(std::cmp::min(a, b)),
                    (a, b) => a.or(b),
                };
            }
            // Interest that runs but is not worked out yet (the rate for its days is not
            // in the table) is still claimed in words: the basis holds without a number.
            if interest_basis.is_empty() && (!line.interest.is_zero() || r.rate_gap.is_some()) {
                interest_basis = interest_words(lang, r, consumer);
            }
            if compensation_basis.is_empty() && !line.compensation.is_zero() {
                compensation_basis = compensation_words(lang, r, &line.compensation);
            }
            line.calculation = Some(r.clone());
        }
    }

    let mut payment = settings.payment.clone();
    let named: Vec<(&str, i64)> = lines
        .iter()
        .map(|l| (l.number.as_str(), l.invoice_id))
        .collect();
    payment.reference =
        overdue_domain::bank::rf::grouped(&overdue_domain::bank::rf::for_demand(&named, debtor_id));
    Ok(Claim {
        debtor_id,
        as_of,
        currency,
        lang,
        lines,
        excluded,
        paused,
        override_reason: scope.override_reason.unwrap_or("").trim().to_string(),
        reminded_on,
        interest_to,
        interest_basis,
        compensation_basis,
        daily_interest: daily,
        notices,
        payment,
    })
}

/// A date of a calculation ("2026-09-01") in the letter's conventions.
fn day(lang: Lang, text: &str) -> String {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_or_else(|_| text.to_string(), |d| lang.date(d))
}

/// The legal basis of a calculation's interest in words, in `lang`: the law and the
/// margin over the reference rate, from the first day interest runs.
pub(crate) fn interest_words(lang: Lang, r: &InterestCalcResult, consumer: bool) -> String {
    let from = day(lang, &r.interest_start);
    // An agreed rate replaces the statutory one, whatever the jurisdiction.
    let agreed = r.basis.starts_with("Contractual");
    let rate = r
        .segments
        .last()
        .map(|s| s.rate.clone())
        .unwrap_or_default();
    let key = match r.jurisdiction.as_str() {
        _ if agreed => "basis_rate",
        "de" => "basis_de",
        "fr" => "basis_fr",
        "eu" => "basis_eu",
        "ie" => "basis_ie",
        "uk" => "basis_uk",
        _ => "basis_rate",
    };
    let (points, section) = if consumer { ("5", "1") } else { ("9", "2") };
    lang.t(
        key,
        &[
            ("from", &from),
            ("points", points),
            ("section", section),
            ("rate", &rate.replace('.', lang.decimal_mark())),
        ],
    )
}

/// The basis of a calculation's compensation in words, in `lang`.
pub(crate) fn compensation_words(lang: Lang, r: &InterestCalcResult, amount: &Money) -> String {
    let key = match r.jurisdiction.as_str() {
        "de" => "comp_de",
        "fr" => "comp_fr",
        "eu" | "ie" => "comp_eu",
        "uk" => "comp_uk",
        _ => "comp_fees",
    };
    lang.t(key, &[("amount", &lang.money(amount))])
}

/// The interest periods of a calculation in words ("01.09.2026 bis 31.12.2026: 122 Tage
/// zu 10,27 %"), for the basis printed under a letter's table.
pub(crate) fn segment_words(lang: Lang, r: &InterestCalcResult) -> String {
    r.segments
        .iter()
        .map(|s| {
            lang.t(
                "segment",
                &[
                    ("from", &day(lang, &s.from)),
                    ("to", &day(lang, &s.to)),
                    ("days", &s.days.to_string()),
                    ("rate", &s.rate.replace('.', lang.decimal_mark())),
                ],
            )
        })
        .collect::<Vec<_>>()
        .join(&lang.t("list_separator", &[]))
}
