//! The dashboard: money, not counts. What is owed and overdue per currency with its aging,
//! what was invoiced and collected month by month with DSO and CEI, and the day's work
//! (steps due, tasks, bank entries to review). Every figure is computed here from the same
//! reports the Reports screen shows; the window only draws it.

use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::reports::{AgingBy, AgingQuery};
use crate::{Api, ApiError};

/// One aging bucket of a currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DashboardBucketDto {
    /// "current", "1-30" ... "90+".
    pub label: String,
    /// Amount (decimal string).
    pub amount: String,
    /// Share of the currency's receivables, whole percent (for the bar's length).
    pub share_percent: u32,
    /// True for the buckets past their due date.
    pub overdue: bool,
}

/// One month of a currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DashboardMonthDto {
    /// First day of the month (YYYY-MM-DD).
    #[ts(type = "string")]
    pub from: NaiveDate,
    /// Last day counted (today for the current month).
    #[ts(type = "string")]
    pub to: NaiveDate,
    /// Invoiced in the month (decimal string).
    pub invoiced: String,
    /// Collected in the month (decimal string).
    pub collected: String,
    /// Days sales outstanding at the month's end, when it can be computed.
    pub dso: Option<String>,
    /// Collection effectiveness index of the month, percent, when it can be computed.
    pub cei: Option<String>,
    /// The chart's bar heights, whole percent of the six months' largest amount invoiced
    /// or collected in this currency.
    pub invoiced_percent: u32,
    /// See `invoiced_percent`.
    pub collected_percent: u32,
    /// The DSO line's height, whole percent of the six months' largest DSO.
    pub dso_percent: Option<u32>,
    /// The CEI line's height: the CEI itself, held within 0 to 100.
    pub cei_percent: Option<u32>,
}

/// What is owed in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DashboardCurrencyDto {
    /// ISO code.
    pub currency: String,
    /// Everything open (decimal string).
    pub total: String,
    /// Open and past its due date (decimal string).
    pub overdue: String,
    /// By age, in order.
    pub buckets: Vec<DashboardBucketDto>,
    /// The last six months, oldest first (the current one up to today).
    pub months: Vec<DashboardMonthDto>,
}

/// The day's work.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DashboardWorkDto {
    /// Dunning steps today's run would take (emails, letters, calls ...).
    pub steps_due: u32,
    /// Open tasks on the worklist (calls, legal reviews, agency handovers).
    pub tasks: u32,
    /// Bank entries waiting for a decision (suggested or unmatched).
    pub bank_to_review: u32,
}

/// The dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DashboardDto {
    /// The day it is as of (YYYY-MM-DD).
    #[ts(type = "string")]
    pub as_of: NaiveDate,
    /// Per currency, by code (amounts of different currencies are never ranked together).
    pub currencies: Vec<DashboardCurrencyDto>,
    /// The day's work.
    pub work: DashboardWorkDto,
}

/// Months shown.
const MONTHS: u32 = 6;

/// `value` as a whole percent of `whole` (0 when the whole is nothing).
fn percent_of(value: Decimal, whole: Decimal) -> u32 {
    if whole <= Decimal::ZERO {
        return 0;
    }
    (value.max(Decimal::ZERO) * Decimal::from(100) / whole)
        .round()
        .min(Decimal::from(100))
        .try_into()
        .unwrap_or(0)
}

/// The heights of the months' chart: amounts against the largest amount of the six months
/// (invoiced and collected share one scale), DSO against the largest DSO, CEI as itself.
fn chart_heights(months: &mut [DashboardMonthDto]) {
    let number = |s: &str| s.parse::<Decimal>().unwrap_or_default();
    let largest = months
        .iter()
        .flat_map(|m| [number(&m.invoiced), number(&m.collected)])
        .max()
        .unwrap_or_default();
    let longest = months
        .iter()
        .filter_map(|m| m.dso.as_deref().map(number))
        .max()
        .unwrap_or_default();
    for m in months {
        m.invoiced_percent = percent_of(number(&m.invoiced), largest);
        m.collected_percent = percent_of(number(&m.collected), largest);
        m.dso_percent = m.dso.as_deref().map(|d| percent_of(number(d), longest));
        m.cei_percent = m
            .cei
            .as_deref()
            .map(|c| percent_of(number(c), Decimal::from(100)));
    }
}

impl Api {
    /// The dashboard as of today.
    pub async fn dashboard(&self) -> Result<DashboardDto, ApiError> {
        let as_of = self.clock().today();
        let aging = self
            .report_aging(AgingQuery {
                as_of: as_of.to_string(),
                by: AgingBy::Due,
                buckets: "30,60,90".into(),
            })
            .await?;
        let first_month = NaiveDate::from_ymd_opt(as_of.year(), as_of.month(), 1)
            .and_then(|d| d.checked_sub_months(Months::new(MONTHS - 1)))
            .ok_or_else(|| ApiError::invalid("The date is out of range."))?;
        let mut periods = Vec::new();
        let mut month = first_month;
        while month <= as_of {
            let next = month
                .checked_add_months(Months::new(1))
                .ok_or_else(|| ApiError::invalid("The date is out of range."))?;
            let last = next.pred_opt().unwrap_or(next).min(as_of);
            let report = self
                .report_metrics(&month.to_string(), &last.to_string())
                .await?;
            periods.push((month, last, report));
            month = next;
        }
        let mut currencies: Vec<DashboardCurrencyDto> = Vec::new();
        for (code, c) in &aging.currencies {
            let total: Decimal = c.total.parse().unwrap_or_default();
            let mut overdue = Decimal::ZERO;
            let buckets = c
                .buckets
                .0
                .iter()
                .map(|(label, amount)| {
                    let value: Decimal = amount.parse().unwrap_or_default();
                    let late = &**label != "current";
                    if late {
                        overdue += value;
                    }
                    DashboardBucketDto {
                        label: label.to_string(),
                        amount: amount.clone(),
                        share_percent: percent_of(value, total),
                        overdue: late,
                    }
                })
                .collect();
            let mut months: Vec<DashboardMonthDto> = periods
                .iter()
                .map(|(from, to, r)| {
                    let m = r.currencies.get(code);
                    DashboardMonthDto {
                        from: *from,
                        to: *to,
                        invoiced: m.map_or("0.00".into(), |m| m.inputs.credit_sales.clone()),
                        collected: m.map_or("0.00".into(), |m| m.inputs.cash_collected.clone()),
                        dso: m.and_then(|m| m.dso.clone()),
                        cei: m.and_then(|m| m.cei.clone()),
                        invoiced_percent: 0,
                        collected_percent: 0,
                        dso_percent: None,
                        cei_percent: None,
                    }
                })
                .collect();
            chart_heights(&mut months);
            currencies.push(DashboardCurrencyDto {
                currency: code.clone(),
                total: c.total.clone(),
                overdue: format!("{:.2}", overdue),
                buckets,
                months,
            });
        }
        let run = self
            .dunning_run(crate::dunning::DunningRunRequest {
                as_of: as_of.to_string(),
                mode: crate::dunning::DunningRunMode::Preview,
                ..Default::default()
            })
            .await?;
        let tasks = self.dunning_worklist(String::new()).await?;
        let bank = self.store().await.bank_entry_counts().await?;
        let count = |status: &str| bank.get(status).copied().unwrap_or(0);
        Ok(DashboardDto {
            as_of,
            currencies,
            work: DashboardWorkDto {
                steps_due: u32::try_from(run.actions.len()).unwrap_or(u32::MAX),
                tasks: u32::try_from(tasks.len()).unwrap_or(u32::MAX),
                bank_to_review: u32::try_from(count("suggested") + count("unmatched"))
                    .unwrap_or(u32::MAX),
            },
        })
    }
}
