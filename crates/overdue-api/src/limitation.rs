//! Limitation periods of open invoices: when each claim becomes time-barred, under the
//! law of the debtor's country (`overdue_domain::limitation`), for the CLI's
//! `limitation`, the dashboard, a debtor's and an invoice's page and the dunning run.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use overdue_domain::limitation::{self, law_for, Claim, Law};
use overdue_domain::{Currency, Money};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::latefees::LateFeePolicyDto;
use crate::ledger::money_string;
use crate::{Api, ApiError};

/// Days ahead the dashboard and the dunning run warn of.
pub const WARN_DAYS: i64 = 90;

/// Warnings listed one by one before the rest are counted.
const MAX_WARNINGS: usize = 10;

/// One open invoice's limitation period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LimitationDto {
    /// The invoice number.
    pub invoice: String,
    /// The invoice id.
    #[ts(type = "number")]
    pub invoice_id: i64,
    /// The debtor's name.
    pub debtor: String,
    /// The debtor id.
    #[ts(type = "number")]
    pub debtor_id: i64,
    /// The law: `england-wales`, `scotland`, `northern-ireland`, `ie`, `de`, `fr`, `us-ca`,
    /// `us-ny`.
    pub jurisdiction: String,
    /// The last day a claim can still be issued (`YYYY-MM-DD`).
    pub expires_on: String,
    /// Days from the as-of date to `expires_on`; negative once time-barred.
    #[ts(type = "number")]
    pub days_left: i64,
    /// The rule in words, with any restart by a part payment and any weekend or holiday
    /// move.
    pub rule: String,
    /// What is still open (`"1250.00"`).
    pub open: String,
    /// Its currency (`"EUR"`).
    pub currency: String,
}

/// Debtors whose country has no limitation rule in Overdue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LimitationUnknownDto {
    /// The debtor's name.
    pub debtor: String,
    /// The debtor id.
    #[ts(type = "number")]
    pub debtor_id: i64,
    /// Its country ("" when none is set).
    pub country: String,
    /// Its open invoices left out.
    #[ts(type = "number")]
    pub invoices: i64,
}

/// Open invoices by the day they become time-barred.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LimitationReportDto {
    /// The date days are counted from.
    pub as_of: String,
    /// Soonest first (time-barred ones first of all).
    pub items: Vec<LimitationDto>,
    /// Open invoices of debtors whose law Overdue does not know, per debtor.
    pub unknown: Vec<LimitationUnknownDto>,
}

impl Api {
    /// Every open invoice (of one debtor, or all) with the last day a claim can be
    /// issued, soonest first; with `within`, only those with at most that many days left
    /// (time-barred ones included).
    pub async fn limitation(
        &self,
        as_of: &str,
        within: Option<i64>,
        debtor_id: Option<i64>,
    ) -> Result<LimitationReportDto, ApiError> {
        let as_of = self
            .date_or_today("As of", as_of)
            .map_err(|e| ApiError::invalid(format!("As of: {}", e.message)))?;
        if let Some(w) = within {
            if !(0..=36_600).contains(&w) {
                return Err(ApiError::invalid(format!(
                    "Within: {w} days is not a number of days from 0 to 36600"
                )));
            }
        }
        let default_policy = self.late_fee_default().await?;
        // With a window, invoices too recent to expire within it are not read at all (the
        // dunning run asks on every run).
        let issued_by = within
            .map(|w| limitation::issued_by_for_expiry(as_of + chrono::Days::new(w.unsigned_abs())));
        let rows = self
            .store()
            .await
            .limitation_rows(debtor_id, issued_by)
            .await?;
        let mut items = Vec::new();
        let mut unknown: BTreeMap<i64, LimitationUnknownDto> = BTreeMap::new();
        for r in rows {
            let policy = match &r.policy {
                Some(json) => serde_json::from_str::<LateFeePolicyDto>(json)
                    .unwrap_or_else(|_| default_policy.clone()),
                None => default_policy.clone(),
            };
            let named = if policy.uk_region.is_empty() {
                &policy.jurisdiction
            } else {
                &policy.uk_region
            };
            let Some(law) = law_for(&r.country, Some(named)) else {
                unknown
                    .entry(r.debtor_id)
                    .or_insert_with(|| LimitationUnknownDto {
                        debtor: r.debtor_name.clone(),
                        debtor_id: r.debtor_id,
                        country: r.country.clone(),
                        invoices: 0,
                    })
                    .invoices += 1;
                continue;
            };
            let l = limitation::limitation(
                law,
                &Claim {
                    issue_date: r.issue_date,
                    due_date: r.due_date,
                    consumer: r.kind == "individual",
                    part_payments: r.last_payment.into_iter().collect(),
                },
            );
            let days_left = l.days_left(as_of);
            if within.is_some_and(|w| days_left > w) {
                continue;
            }
            let open = Currency::from_code(&r.currency)
                .map(|c| money_string(&Money::from_minor_units(r.open_minor, c)))
                .unwrap_or_else(|_| r.open_minor.to_string());
            items.push(LimitationDto {
                invoice: r.number,
                invoice_id: r.invoice_id,
                debtor: r.debtor_name,
                debtor_id: r.debtor_id,
                jurisdiction: law.code().to_string(),
                expires_on: l.expires_on.to_string(),
                days_left,
                rule: l.rule,
                open,
                currency: r.currency,
            });
        }
        items.sort_by(|a, b| {
            (a.days_left, &a.debtor, &a.invoice).cmp(&(b.days_left, &b.debtor, &b.invoice))
        });
        Ok(LimitationReportDto {
            as_of: as_of.to_string(),
            items,
            unknown: unknown.into_values().collect(),
        })
    }

    /// Warnings for a dunning run or a debtor's page: claims time-barred or becoming so
    /// within [`WARN_DAYS`].
    pub async fn limitation_warnings(
        &self,
        as_of: NaiveDate,
        debtor_id: Option<i64>,
    ) -> Result<Vec<String>, ApiError> {
        let report = self
            .limitation(&as_of.to_string(), Some(WARN_DAYS), debtor_id)
            .await?;
        let mut out: Vec<String> = report
            .items
            .iter()
            .take(MAX_WARNINGS)
            .map(warning_text)
            .collect();
        if report.items.len() > MAX_WARNINGS {
            out.push(format!(
                "... and {} more claims time-barred or becoming so within {WARN_DAYS} days: see Dashboard > Limitation or `overdue limitation --within {WARN_DAYS}`.",
                report.items.len() - MAX_WARNINGS
            ));
        }
        Ok(out)
    }
}

/// "INV-7 (Müller GmbH) becomes time-barred after 31 December 2026, in 25 days: ..."
pub fn warning_text(i: &LimitationDto) -> String {
    let date = NaiveDate::parse_from_str(&i.expires_on, "%Y-%m-%d")
        .map(|d| d.format("%-d %B %Y").to_string())
        .unwrap_or_else(|_| i.expires_on.clone());
    let law = Law::parse(&i.jurisdiction)
        .map(|l| l.rule().source)
        .unwrap_or_default();
    match i.days_left {
        d if d < 0 => format!(
            "{} ({}, {} {} open) has been time-barred since the end of {date} ({law}): the debtor may refuse to pay; get an acknowledgment before demanding it in court.",
            i.invoice, i.debtor, i.open, i.currency
        ),
        0 => format!(
            "{} ({}, {} {} open) becomes time-barred after today, {date}: issue a claim today or get an acknowledgment.",
            i.invoice, i.debtor, i.open, i.currency
        ),
        d => format!(
            "{} ({}, {} {} open) becomes time-barred after {date}, in {d} day{}: issue a claim or get an acknowledgment before then.",
            i.invoice,
            i.debtor,
            i.open,
            i.currency,
            if d == 1 { "" } else { "s" }
        ),
    }
}
