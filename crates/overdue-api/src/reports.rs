//! Reports over the ledger: aging (by due or invoice date, any buckets, any as-of date),
//! a debtor's statement of account, and the receivables metrics of a period. The store
//! supplies exact balances; the arithmetic is the domain's (`ledger::aging_report`,
//! `metrics::compute`).

// serde's derives expand to code naming f64 in generic content handling; no DTO here has
// a float field.
#![allow(clippy::disallowed_types)]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use chrono::{Datelike, Months, NaiveDate};
use overdue_domain::aging::{AgingBasis, AgingBuckets};
use overdue_domain::ledger::{aging_report, BucketAmount};
use overdue_domain::metrics::{compute, MetricsInput, MonthSales};
use overdue_domain::money::decimal_string;
use overdue_domain::{Currency, Money};
use rust_decimal::Decimal;
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ledger::{capitalise, money_string, parse_date};
use crate::{Api, ApiError};

/// Bucket label -> amount, serialized as a JSON object in bucket order (`current` first,
/// the open-ended bucket last), which a sorted map would scramble.
#[derive(Debug, Clone, PartialEq, Eq, Default, TS)]
#[ts(type = "Record<string, string>")]
pub struct Buckets(pub Vec<(Arc<str>, String)>);

impl<'de> Deserialize<'de> for Buckets {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Ordered;
        impl<'de> serde::de::Visitor<'de> for Ordered {
            type Value = Buckets;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object of bucket label -> amount")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<Buckets, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = m.next_entry::<String, String>()? {
                    out.push((Arc::from(k), v));
                }
                Ok(Buckets(out))
            }
        }
        d.deserialize_map(Ordered)
    }
}

impl Serialize for Buckets {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl Buckets {
    fn from_domain(list: &[BucketAmount]) -> Self {
        Buckets(
            list.iter()
                .map(|b| (b.label.clone(), money_string(&b.amount)))
                .collect(),
        )
    }

    /// The amount in a bucket, if there is such a bucket.
    pub fn get(&self, label: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| &**k == label)
            .map(|(_, v)| v.as_str())
    }
}

/// What aging measures from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AgingBy {
    /// Days past the due date.
    #[default]
    Due,
    /// Days since the invoice date.
    Invoice,
}

/// An aging request.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AgingQuery {
    /// As-of date ("" = today).
    pub as_of: String,
    /// Due date or invoice date.
    pub by: AgingBy,
    /// Bucket upper bounds, e.g. "30,60,90" ("" = 30,60,90).
    pub buckets: String,
}

/// Bucket totals of one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CurrencyAgingDto {
    /// Label -> amount, in bucket order.
    pub buckets: Buckets,
    /// Sum of the buckets.
    pub total: String,
}

/// One debtor's aging in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DebtorAgingDto {
    /// Database id.
    #[ts(type = "number")]
    pub debtor_id: i64,
    /// External reference.
    pub external_id: String,
    /// Name.
    pub name: String,
    /// Currency.
    pub currency: String,
    /// Label -> amount, in bucket order.
    pub buckets: Buckets,
    /// Sum of the buckets.
    pub total: String,
}

/// Open balances by age as of a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AgingReportDto {
    /// As-of date.
    pub as_of: String,
    /// What ages are measured from.
    pub by: AgingBy,
    /// Bucket labels in order.
    pub labels: Vec<String>,
    /// Totals per currency code.
    pub currencies: BTreeMap<String, CurrencyAgingDto>,
    /// One row per debtor and currency, by name.
    pub debtors: Vec<DebtorAgingDto>,
}

/// One line of a statement of account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StatementLine {
    /// Date.
    pub date: String,
    /// invoice, payment, payment_reversal, credit_note or write_off.
    pub kind: String,
    /// Invoice number, bank reference or document number.
    pub reference: String,
    /// Description, method or reason.
    pub description: String,
    /// What the debtor owes more ("" when none).
    pub debit: String,
    /// What the debtor owes less ("" when none).
    pub credit: String,
    /// Balance after this line.
    pub balance: String,
}

/// A debtor's statement of account over a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StatementDto {
    /// Database id.
    #[ts(type = "number")]
    pub debtor_id: i64,
    /// External reference.
    pub external_id: String,
    /// Name.
    pub name: String,
    /// Currency of every amount.
    pub currency: String,
    /// First day.
    pub from: String,
    /// Last day.
    pub to: String,
    /// Balance at the start of `from`.
    pub opening_balance: String,
    /// Every document and payment of the period, oldest first.
    pub lines: Vec<StatementLine>,
    /// Balance at the end of `to`.
    pub closing_balance: String,
}

/// One currency's receivables metrics; `None` (JSON null) where undefined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MetricsDto {
    /// Days sales outstanding.
    pub dso: Option<String>,
    /// Countback DSO.
    pub dso_countback: Option<String>,
    /// Best possible DSO.
    pub best_possible_dso: Option<String>,
    /// Average days delinquent.
    pub add: Option<String>,
    /// Collection effectiveness index, percent.
    pub cei: Option<String>,
    /// Collection rate, percent.
    pub collection_rate: Option<String>,
    /// Bad-debt ratio, percent.
    pub bad_debt_ratio: Option<String>,
    /// The figures they were computed from (decimal strings).
    pub inputs: MetricsInputsDto,
}

/// The ledger figures behind a currency's metrics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MetricsInputsDto {
    /// Receivables at the end of the day before the period.
    pub begin_ar: String,
    /// Receivables at the end of the period.
    pub end_ar: String,
    /// Part of `end_ar` not yet due.
    pub end_current_ar: String,
    /// Invoices issued in the period.
    pub credit_sales: String,
    /// Payments received in the period.
    pub cash_collected: String,
    /// Write-offs in the period.
    pub write_offs: String,
}

/// Receivables metrics of a period per currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MetricsReportDto {
    /// First day.
    pub from: String,
    /// Last day.
    pub to: String,
    /// Days in the period.
    pub days: u32,
    /// Metrics per currency code.
    pub currencies: BTreeMap<String, MetricsDto>,
}

fn invalid(e: String) -> ApiError {
    ApiError::invalid(capitalise(&e))
}

fn period(from: &str, to: &str) -> Result<(NaiveDate, NaiveDate), ApiError> {
    let from = parse_date("the start date (--from)", from).map_err(invalid)?;
    let to = parse_date("the end date (--to)", to).map_err(invalid)?;
    if to < from {
        return Err(ApiError::invalid(format!(
            "The period ends ({to}) before it starts ({from})."
        )));
    }
    Ok((from, to))
}

fn two_places(d: Decimal) -> String {
    decimal_string(d, 2)
}

/// An open invoice in an aging bucket (the drill-down from a bar or a cell).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AgingInvoiceDto {
    /// The invoice.
    #[ts(type = "number")]
    pub invoice_id: i64,
    /// Its number.
    pub number: String,
    /// The debtor.
    #[ts(type = "number")]
    pub debtor_id: i64,
    /// The debtor's name.
    pub debtor_name: String,
    /// The debtor's external reference.
    pub debtor_ref: String,
    /// Issue date.
    pub issue_date: String,
    /// Due date.
    pub due_date: String,
    /// Days past due (or since issue, by invoice date) on the as-of date.
    #[ts(type = "number")]
    pub days: i64,
    /// Open balance on the as-of date.
    pub open: String,
    /// Interest to the as-of date under the debtor's late-fee policy; empty when not
    /// calculated (beyond the first rows, no rule, or a missing rate period).
    pub interest: String,
    /// Compensation and fees under the same policy; empty when not calculated.
    pub compensation: String,
}

/// How many drill-down rows carry their interest (oldest first): each needs the
/// debtor's whole calculation, so a bucket of thousands shows it on the first ones.
pub const DRILL_INTEREST_ROWS: usize = 100;

/// The drill-down's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AgingDrillDto {
    /// The as-of date.
    pub as_of: String,
    /// Currency.
    pub currency: String,
    /// The bucket.
    pub label: String,
    /// Invoices in it, oldest first (at most `limit`).
    pub invoices: Vec<AgingInvoiceDto>,
    /// How many invoices the bucket holds in all.
    pub count: u32,
    /// How many of the rows carry their interest (see [`DRILL_INTEREST_ROWS`]).
    pub interest_rows: u32,
    /// Their open total (equals the bucket's total in the report).
    pub total: String,
}

impl Api {
    /// The open invoices behind one bucket of the aging report (one currency), oldest
    /// first; `debtor_id` narrows it to one debtor's row.
    pub async fn report_aging_invoices(
        &self,
        q: AgingQuery,
        currency: &str,
        label: &str,
        debtor_id: Option<i64>,
    ) -> Result<AgingDrillDto, ApiError> {
        let (as_of, buckets, basis) = self.aging_params(&q)?;
        let labels = buckets.labels(basis);
        let Some(wanted) = labels.iter().position(|l| l == label) else {
            return Err(ApiError::invalid(format!(
                "\"{label}\" is not a bucket of this report; the buckets are {}",
                labels.join(", ")
            )));
        };
        let currency = Currency::from_code(currency.trim())
            .map_err(|e| ApiError::invalid(capitalise(&e.to_string())))?;
        let store = self.store().await;
        let mut open: Vec<_> = store
            .open_balances(as_of, debtor_id)
            .await?
            .into_iter()
            .filter(|o| o.open.currency() == currency)
            .map(|o| {
                let days = overdue_domain::aging::age_days(basis, o.issue_date, o.due_date, as_of);
                (days, o)
            })
            .filter(|(days, _)| buckets.index(basis, *days) == wanted)
            .collect();
        open.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.number.cmp(&b.1.number)));
        let mut total = Money::zero(currency);
        for (_, o) in &open {
            total = total
                .checked_add(&o.open)
                .map_err(|e| ApiError::invalid(e.to_string()))?;
        }
        let count = u32::try_from(open.len()).unwrap_or(u32::MAX);
        open.truncate(1000);
        let ids: Vec<i64> = open.iter().map(|(_, o)| o.debtor_id).collect();
        let names = store.debtor_labels(&ids).await?;
        drop(store);
        // Interest on the oldest rows (those overdue), one calculation per debtor.
        let mut interest: HashMap<i64, (String, String)> = HashMap::new();
        let mut done = HashSet::new();
        for (_, o) in open
            .iter()
            .take(DRILL_INTEREST_ROWS)
            .filter(|(_, o)| o.due_date < as_of)
        {
            if !done.insert(o.debtor_id) {
                continue;
            }
            let d = self
                .debtor_interest(o.debtor_id, &as_of.to_string())
                .await?;
            for i in d.invoices {
                interest.insert(i.invoice_id, (i.interest, i.compensation));
            }
        }
        let interest_rows = open
            .iter()
            .filter(|(_, o)| interest.contains_key(&o.invoice_id))
            .count();
        Ok(AgingDrillDto {
            as_of: as_of.to_string(),
            currency: currency.code().to_string(),
            label: label.to_string(),
            invoices: open
                .into_iter()
                .map(|(days, o)| {
                    let l = names.get(&o.debtor_id);
                    let (interest, compensation) =
                        interest.remove(&o.invoice_id).unwrap_or_default();
                    AgingInvoiceDto {
                        invoice_id: o.invoice_id,
                        number: o.number,
                        debtor_id: o.debtor_id,
                        debtor_name: l.map(|l| l.name.clone()).unwrap_or_default(),
                        debtor_ref: l.map(|l| l.external_ref.clone()).unwrap_or_default(),
                        issue_date: o.issue_date.to_string(),
                        due_date: o.due_date.to_string(),
                        days,
                        open: money_string(&o.open),
                        interest,
                        compensation,
                    }
                })
                .collect(),
            count,
            interest_rows: u32::try_from(interest_rows).unwrap_or(u32::MAX),
            total: money_string(&total),
        })
    }

    fn aging_params(
        &self,
        q: &AgingQuery,
    ) -> Result<(NaiveDate, AgingBuckets, AgingBasis), ApiError> {
        let as_of = if q.as_of.trim().is_empty() {
            self.clock().today()
        } else {
            parse_date("the as-of date", &q.as_of).map_err(invalid)?
        };
        let buckets = if q.buckets.trim().is_empty() {
            AgingBuckets::default()
        } else {
            AgingBuckets::parse(&q.buckets)
                .map_err(|e| ApiError::invalid(capitalise(&e.to_string())))?
        };
        let basis = match q.by {
            AgingBy::Due => AgingBasis::Due,
            AgingBy::Invoice => AgingBasis::Invoice,
        };
        Ok((as_of, buckets, basis))
    }

    /// Aging of the open balances as of a date, per currency and per debtor.
    pub async fn report_aging(&self, q: AgingQuery) -> Result<AgingReportDto, ApiError> {
        let (as_of, buckets, basis) = self.aging_params(&q)?;
        let store = self.store().await;
        let items = store.open_aging_items(as_of).await?;
        let report = aging_report(&items, as_of, basis, &buckets);
        let ids: Vec<i64> = report.rows.iter().map(|r| r.debtor_id).collect();
        let labels = store.debtor_labels(&ids).await?;
        let mut debtors: Vec<DebtorAgingDto> = report
            .rows
            .iter()
            .map(|r| {
                let l = labels.get(&r.debtor_id);
                DebtorAgingDto {
                    debtor_id: r.debtor_id,
                    external_id: l.map(|l| l.external_ref.clone()).unwrap_or_default(),
                    name: l.map(|l| l.name.clone()).unwrap_or_default(),
                    currency: r.currency.code().to_string(),
                    buckets: Buckets::from_domain(&r.buckets),
                    total: money_string(&r.total),
                }
            })
            .collect();
        debtors.sort_by_cached_key(|d| (d.name.to_lowercase(), d.debtor_id, d.currency.clone()));
        Ok(AgingReportDto {
            as_of: as_of.to_string(),
            by: q.by,
            labels: report.labels.clone(),
            currencies: report
                .totals
                .iter()
                .map(|t| {
                    (
                        t.currency.code().to_string(),
                        CurrencyAgingDto {
                            buckets: Buckets::from_domain(&t.buckets),
                            total: money_string(&t.total),
                        },
                    )
                })
                .collect(),
            debtors,
        })
    }

    /// A debtor's statement of account (by external reference, or `#id`) over a period.
    pub async fn report_statement(
        &self,
        debtor: &str,
        from: &str,
        to: &str,
    ) -> Result<StatementDto, ApiError> {
        let (from, to) = period(from, to)?;
        let d = self
            .debtor_get(self.debtor_id_by_key(debtor).await?)
            .await?;
        let currency = Currency::from_code(&d.input.currency)?;
        let entries = self.store().await.account_entries(d.id, to).await?;
        let mut balance = Money::zero(currency);
        let mut lines = Vec::new();
        let mut opening = None;
        for e in entries.iter().filter(|e| e.amount.currency() == currency) {
            if e.date >= from && opening.is_none() {
                opening = Some(balance);
            }
            balance = balance.checked_add(&e.amount)?;
            if e.date >= from {
                let (debit, credit) = if e.amount.is_negative() {
                    (
                        String::new(),
                        money_string(&Money::new(-e.amount.amount(), currency)),
                    )
                } else {
                    (money_string(&e.amount), String::new())
                };
                lines.push(StatementLine {
                    date: e.date.to_string(),
                    kind: e.kind.as_str().to_string(),
                    reference: e.reference.clone(),
                    description: e.description.clone(),
                    debit,
                    credit,
                    balance: money_string(&balance),
                });
            }
        }
        let opening = opening.unwrap_or(balance);
        Ok(StatementDto {
            debtor_id: d.id,
            external_id: d.input.external_ref,
            name: d.input.name,
            currency: currency.code().to_string(),
            from: from.to_string(),
            to: to.to_string(),
            opening_balance: money_string(&opening),
            lines,
            closing_balance: money_string(&balance),
        })
    }

    /// Receivables metrics of a period (both ends included), per currency.
    pub async fn report_metrics(&self, from: &str, to: &str) -> Result<MetricsReportDto, ApiError> {
        let (from, to) = period(from, to)?;
        let before = from
            .pred_opt()
            .ok_or_else(|| ApiError::invalid("The period starts too early."))?;
        let store = self.store().await;
        let figures = store.period_figures(from, to).await?;
        let begin = store.open_balances(before, None).await?;
        let end = store.open_balances(to, None).await?;
        #[derive(Default)]
        struct Ar {
            begin: Decimal,
            end: Decimal,
            current: Decimal,
        }
        let mut ar: BTreeMap<Currency, Ar> = BTreeMap::new();
        for o in &begin {
            ar.entry(o.open.currency()).or_default().begin += o.open.amount();
        }
        for o in &end {
            let a = ar.entry(o.open.currency()).or_default();
            a.end += o.open.amount();
            // Current = not yet due at the end of the period (days past due <= 0).
            if o.due_date >= to {
                a.current += o.open.amount();
            }
        }
        let mut currencies: Vec<Currency> = ar.keys().chain(figures.keys()).copied().collect();
        currencies.sort();
        currencies.dedup();
        let days = (to - from).num_days() + 1;
        let mut out = BTreeMap::new();
        for c in currencies {
            let a = ar.remove(&c).unwrap_or_default();
            let f = figures.get(&c);
            let minor = |m: i64| Money::from_minor_units(m, c).amount();
            let mut months = Vec::new();
            let mut month = NaiveDate::from_ymd_opt(from.year(), from.month(), 1)
                .ok_or_else(|| ApiError::invalid("The period starts on an impossible date."))?;
            while month <= to {
                let next = month
                    .checked_add_months(Months::new(1))
                    .ok_or_else(|| ApiError::invalid("The period ends too late."))?;
                let first = month.max(from);
                let last = next.pred_opt().unwrap_or(next).min(to);
                let sales: i64 = f
                    .map(|f| f.sales_by_day.range(first..=last).map(|(_, v)| *v).sum())
                    .unwrap_or(0);
                months.push(MonthSales {
                    month_start: month,
                    days: (last - first).num_days() + 1,
                    sales: minor(sales),
                });
                month = next;
            }
            let credit_sales: Decimal = months.iter().map(|m| m.sales).sum();
            let input = MetricsInput {
                currency: c,
                days_in_period: days,
                begin_ar: a.begin,
                end_ar: a.end,
                end_current_ar: a.current,
                credit_sales,
                months: u32::try_from(months.len()).unwrap_or(u32::MAX),
                monthly_sales: months,
                cash_collected: minor(f.map_or(0, |f| f.cash_minor)),
                write_offs: minor(f.map_or(0, |f| f.write_offs_minor)),
            };
            let m = compute(&input).map_err(|e| ApiError::invalid(capitalise(&e.to_string())))?;
            let s = |d: Decimal| decimal_string(d, c.minor_units());
            out.insert(
                c.code().to_string(),
                MetricsDto {
                    dso: m.dso.map(two_places),
                    dso_countback: m.dso_countback.map(two_places),
                    best_possible_dso: m.best_possible_dso.map(two_places),
                    add: m.add.map(two_places),
                    cei: m.cei.map(two_places),
                    collection_rate: m.collection_rate.map(two_places),
                    bad_debt_ratio: m.bad_debt_ratio.map(two_places),
                    inputs: MetricsInputsDto {
                        begin_ar: s(input.begin_ar),
                        end_ar: s(input.end_ar),
                        end_current_ar: s(input.end_current_ar),
                        credit_sales: s(input.credit_sales),
                        cash_collected: s(input.cash_collected),
                        write_offs: s(input.write_offs),
                    },
                },
            );
        }
        Ok(MetricsReportDto {
            from: from.to_string(),
            to: to.to_string(),
            days: u32::try_from(days).unwrap_or(u32::MAX),
            currencies: out,
        })
    }
}
