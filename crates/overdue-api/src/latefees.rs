//! Late fees and statutory interest on the stored book: each debtor's late-fee policy (the
//! default in Settings), the rate table (shipped rows overlaid by the user's), interest and
//! compensation to date on every overdue invoice, and "claim now", which books them as
//! charges: documents of their own on the debtor's account, reversible.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use overdue_domain::interest::{RateRow, RateSeries, RateTable};
use overdue_domain::{Currency, DebtorKind, Money};
use overdue_store::{NewCharge, NewEvent, OpenBalance, Store, StoreError, UserRateRow};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::calc::{interest_with_rates, CalcPayment, InterestCalcRequest, InterestCalcResult};
use crate::ledger::{money_string, parse_date};
use crate::{Api, ApiError, ErrorCode};

/// Setting key of the default late-fee policy (JSON).
const POLICY_KEY: &str = "late_fee_policy";

/// EU member states whose statutory interest is the Directive's minimum unless Overdue
/// knows the national rule (IE, DE, FR have their own).
const EU_DIRECTIVE: &[&str] = &[
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "GR", "HU", "IT", "LV", "LT", "LU", "MT",
    "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
];

/// A late-fee policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LateFeePolicyDto {
    /// `auto` (the statutory rule of the debtor's country), `statutory` (a named
    /// jurisdiction), `contract` (the customer's own terms) or `none`.
    pub kind: String,
    /// For `statutory`: `uk`, `eu`, `ie`, `de`, `fr`, `us-ca`, `us-ny`.
    pub jurisdiction: String,
    /// For `contract`: the annual rate in percent; for `statutory`, an agreed rate that
    /// replaces the statutory one ("" = none).
    pub rate: String,
    /// For `contract`: a fixed late fee per invoice ("" = none).
    pub fixed_fee: String,
    /// For `contract`: a late fee in percent of the debt ("" = none).
    pub percentage_fee: String,
    /// For `contract`: days after the due date before interest and fees apply.
    pub grace_days: u32,
    /// For `contract`: the most interest and fees may come to per invoice ("" = no cap).
    pub cap: String,
    /// Claim the fixed compensation (UK bands, EUR 40) where the law gives it.
    pub claim_compensation: bool,
    /// gov.uk rounding (daily interest rounded before multiplying).
    pub govuk_rounding: bool,
    /// A fee per reminder level, for the dunning run ("" = none).
    pub fee_per_level: String,
    /// For a debtor in the United Kingdom, which of its laws governs limitation and
    /// courts: "" or `england-wales`, `scotland`, `northern-ireland`.
    #[serde(default)]
    pub uk_region: String,
}

impl Default for LateFeePolicyDto {
    fn default() -> Self {
        LateFeePolicyDto {
            kind: "auto".into(),
            jurisdiction: String::new(),
            rate: String::new(),
            fixed_fee: String::new(),
            percentage_fee: String::new(),
            grace_days: 0,
            cap: String::new(),
            claim_compensation: true,
            govuk_rounding: false,
            fee_per_level: String::new(),
            uk_region: String::new(),
        }
    }
}

/// A debtor's policy: its own or the default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DebtorLateFeeDto {
    /// The policy that applies.
    pub policy: LateFeePolicyDto,
    /// True when the debtor has its own.
    pub own: bool,
    /// What it means for this debtor, in words.
    pub summary: String,
}

/// Interest and compensation on one overdue invoice, to a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct InvoiceInterestDto {
    /// The invoice.
    #[ts(type = "number")]
    pub invoice_id: i64,
    /// Its number.
    pub number: String,
    /// Due date.
    pub due_date: String,
    /// Open balance on the date.
    pub open: String,
    /// Interest accrued to the date.
    pub interest: String,
    /// Compensation (or contractual fees).
    pub compensation: String,
    /// Interest already booked as charges (not reversed).
    pub charged_interest: String,
    /// Compensation and fees already booked.
    pub charged_compensation: String,
    /// What "claim now" would book.
    pub claimable: String,
    /// The full calculation with its segments and basis.
    pub calculation: InterestCalcResult,
}

/// Interest and compensation to date on a debtor's overdue invoices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DebtorInterestDto {
    /// The date.
    pub as_of: String,
    /// The debtor's currency.
    pub currency: String,
    /// The policy applied, in words.
    pub policy: String,
    /// Per invoice.
    pub invoices: Vec<InvoiceInterestDto>,
    /// Total interest to date.
    pub interest: String,
    /// Total compensation and fees.
    pub compensation: String,
    /// Total that "claim now" would book.
    pub claimable: String,
    /// Invoices that could not be calculated, and why (e.g. a missing rate period).
    pub problems: Vec<String>,
}

/// What a charge is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ChargeKind {
    /// Late-payment interest.
    Interest,
    /// Fixed compensation for recovery costs.
    Compensation,
    /// A late fee.
    Fee,
}

impl ChargeKind {
    /// From the stored kind (the table's CHECK admits only these three).
    fn parse(s: &str) -> ChargeKind {
        match s {
            "interest" => ChargeKind::Interest,
            "compensation" => ChargeKind::Compensation,
            _ => ChargeKind::Fee,
        }
    }
}

impl std::fmt::Display for ChargeKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(match self {
            ChargeKind::Interest => "interest",
            ChargeKind::Compensation => "compensation",
            ChargeKind::Fee => "fee",
        })
    }
}

/// A booked charge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ChargeDto {
    /// Id.
    #[ts(type = "number")]
    pub id: i64,
    /// Invoice number.
    pub invoice_number: String,
    /// What was charged.
    pub kind: ChargeKind,
    /// Date booked.
    pub charged_on: String,
    /// Interest period, "from to" ("" for other kinds).
    pub period: String,
    /// Amount.
    pub amount: String,
    /// Currency.
    pub currency: String,
    /// Basis in words.
    pub basis: String,
    /// When reversed ("" when standing).
    pub reversed_on: String,
    /// Why.
    pub reversal_reason: String,
}

/// One row of the rate table as the viewer shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RateRowDto {
    /// Series code.
    pub series: String,
    /// What the series is, in words.
    pub series_label: String,
    /// First day.
    pub valid_from: String,
    /// Last day.
    pub valid_to: String,
    /// Percent a year.
    pub rate: String,
    /// Source.
    pub source: String,
    /// The user's row id (`null` for a shipped row).
    #[ts(type = "number | null")]
    pub user_id: Option<i64>,
}

/// A rate row to add.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RateRowInput {
    /// Series code.
    pub series: String,
    /// First day.
    pub valid_from: String,
    /// Last day.
    pub valid_to: String,
    /// Percent a year.
    pub rate: String,
    /// Source (required: where the figure was published).
    pub source: String,
}

/// What a rate file would change in the table in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RateChange {
    /// A period the table did not cover.
    New,
    /// A period covered with another rate.
    Changed,
    /// The same rate, now known to hold for more days.
    Extended,
    /// Already in the table with this rate.
    Same,
}

/// One row of a rate file, compared with the table in use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RateChangeDto {
    /// Series code.
    pub series: String,
    /// The series in words.
    pub series_label: String,
    /// First day.
    pub valid_from: String,
    /// Last day.
    pub valid_to: String,
    /// Percent a year in the file.
    pub rate: String,
    /// The rate the table had for the period (`null` when new).
    pub previous: Option<String>,
    /// Where the figure comes from.
    pub source: String,
    /// New, changed or the same.
    pub change: RateChange,
}

/// A publisher's rate file read and compared with the table in use; applied or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RateImportDto {
    /// The file's name.
    pub file_name: String,
    /// Who published it, in words (ECB, Deutsche Bundesbank, Bank of England, ...).
    pub publisher: String,
    /// Every row of the file with what it changes.
    pub changes: Vec<RateChangeDto>,
    /// What the file held that makes no row (a half-year not yet complete), in words.
    pub skipped: Vec<String>,
    /// True when the new and changed rows were saved.
    pub applied: bool,
}

pub(crate) fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::new(ErrorCode::Internal, e.to_string())
}

fn optional_decimal(field: &str, text: &str) -> Result<Option<Decimal>, ApiError> {
    match text.trim() {
        "" => Ok(None),
        t => t
            .parse::<Decimal>()
            .ok()
            .filter(|d| !d.is_sign_negative())
            .map(Some)
            .ok_or_else(|| {
                ApiError::invalid(format!(
                    "{field}: \"{t}\" is not an amount or percentage: write it like 40.00 or 8.5"
                ))
            }),
    }
}

fn check_policy(p: &LateFeePolicyDto) -> Result<(), ApiError> {
    match p.kind.as_str() {
        "auto" | "none" => {}
        "statutory" => {
            overdue_domain::interest::Jurisdiction::parse(&p.jurisdiction).map_err(|_| {
                ApiError::invalid(format!(
                    "Jurisdiction: \"{}\" is not one Overdue knows: use uk, eu, ie, de, fr, us-ca or us-ny",
                    p.jurisdiction
                ))
            })?;
        }
        "contract" => {
            if optional_decimal("Annual rate", &p.rate)?.is_none()
                && optional_decimal("Fixed fee", &p.fixed_fee)?.is_none()
                && optional_decimal("Percentage fee", &p.percentage_fee)?.is_none()
            {
                return Err(ApiError::invalid(
                    "A contractual policy needs an annual rate, a fixed fee or a percentage fee.",
                ));
            }
        }
        other => {
            return Err(ApiError::invalid(format!(
                "\"{other}\" is not a policy: use auto, statutory, contract or none"
            )))
        }
    }
    if !matches!(
        p.uk_region.as_str(),
        "" | "england-wales" | "scotland" | "northern-ireland"
    ) {
        return Err(ApiError::invalid(format!(
            "UK region: \"{}\" is not one Overdue knows: use england-wales, scotland or northern-ireland",
            p.uk_region
        )));
    }
    for (field, text) in [
        ("Annual rate", &p.rate),
        ("Fixed fee", &p.fixed_fee),
        ("Percentage fee", &p.percentage_fee),
        ("Cap", &p.cap),
        ("Fee per reminder level", &p.fee_per_level),
    ] {
        optional_decimal(field, text)?;
    }
    if p.grace_days > 365 {
        return Err(ApiError::invalid("Grace days: at most 365."));
    }
    Ok(())
}

/// The jurisdiction a debtor's policy resolves to (`None`: no interest is claimed).
pub(crate) fn jurisdiction_of(p: &LateFeePolicyDto, country: &str) -> Option<String> {
    match p.kind.as_str() {
        "none" => None,
        "statutory" => Some(p.jurisdiction.clone()),
        "contract" => Some("contract".into()),
        _ => match country.trim().to_ascii_uppercase().as_str() {
            "GB" | "UK" => Some("uk".into()),
            "IE" => Some("ie".into()),
            "DE" => Some("de".into()),
            "FR" => Some("fr".into()),
            c if EU_DIRECTIVE.contains(&c) => Some("eu".into()),
            _ => None,
        },
    }
}

/// What the office is told when the rate table stops short ("add the rate").
pub(crate) fn gap_notice(gap: &str) -> String {
    format!("Interest is left out from the first day the rate table does not cover: {gap}.")
}

fn summary(p: &LateFeePolicyDto, country: &str) -> String {
    match (p.kind.as_str(), jurisdiction_of(p, country)) {
        ("none", _) => "No interest or fees are claimed.".into(),
        (_, None) => format!(
            "No statutory rule is known for the debtor's country ({}): choose one or contractual terms.",
            if country.is_empty() { "not set" } else { country }
        ),
        ("contract", _) => format!(
            "Contractual terms: {}{}{}{}.",
            if p.rate.is_empty() { "no interest".to_string() } else { format!("{}% a year", p.rate) },
            if p.fixed_fee.is_empty() { String::new() } else { format!(", fee {}", p.fixed_fee) },
            if p.percentage_fee.is_empty() { String::new() } else { format!(", fee {}%", p.percentage_fee) },
            if p.grace_days == 0 { String::new() } else { format!(", {} grace days", p.grace_days) },
        ),
        (kind, Some(j)) => format!(
            "Statutory interest ({}){}{}.",
            j,
            if kind == "auto" { ", from the debtor's country" } else { "" },
            if p.claim_compensation { " with fixed compensation" } else { ", no compensation claimed" }
        ),
    }
}

fn rate_row_dto(r: &RateRow, user_id: Option<i64>) -> RateRowDto {
    RateRowDto {
        series: r.series.as_str().to_string(),
        series_label: r.series.label().to_string(),
        valid_from: r.valid_from.to_string(),
        valid_to: r.valid_to.to_string(),
        rate: r.rate.normalize().to_string(),
        source: r.source.clone(),
        user_id,
    }
}

fn to_row(u: &UserRateRow) -> Result<RateRow, ApiError> {
    Ok(RateRow {
        series: RateSeries::parse(&u.series).ok_or_else(|| {
            internal(format!(
                "stored rate row has an unknown series {}",
                u.series
            ))
        })?,
        valid_from: u.valid_from,
        valid_to: u.valid_to,
        rate: u.rate.parse().map_err(internal)?,
        source: u.source.clone(),
    })
}

/// The shipped table with the user's rows laid over it: a user row replaces any shipped
/// row of its series that shares a day with it.
fn overlay(user: &[UserRateRow]) -> Result<RateTable, ApiError> {
    let mut table = RateTable::builtin();
    for u in user {
        let row = to_row(u)?;
        while let Some(i) = table.rows().iter().position(|r| {
            r.series == row.series && r.valid_from <= row.valid_to && row.valid_from <= r.valid_to
        }) {
            table = table.without_row(i);
        }
        table = table
            .with_row(row)
            .map_err(|e| ApiError::invalid(e.to_string()))?;
    }
    Ok(table)
}

impl Api {
    async fn effective_rates(&self, store: &Store) -> Result<RateTable, ApiError> {
        overlay(&store.user_rate_rows().await?)
    }

    /// The interest calculator on the rate table in use (the user's rows included).
    pub async fn calc_interest(
        &self,
        req: InterestCalcRequest,
    ) -> Result<InterestCalcResult, ApiError> {
        let table = self.effective_rates(&self.store().await).await?;
        interest_with_rates(
            InterestCalcRequest {
                rates_file: None,
                ..req
            },
            &table,
        )
    }

    /// What the rate table in use lacks for the half-year `today` is in, one sentence per
    /// series (shown as a banner in Settings and with the dunning run): interest for those
    /// days is left out of every message until the rate is added.
    /// Only the series some debtor's interest is built on count: a German-only book is
    /// not told about the Bank of England's rate.
    pub async fn rate_gaps(&self, today: NaiveDate) -> Result<Vec<String>, ApiError> {
        let store = self.store().await;
        let table = self.effective_rates(&store).await?;
        let default = self.late_fee_default().await?;
        let mut used = std::collections::HashSet::new();
        for (country, own) in store.late_fee_countries_and_policies().await? {
            let policy = match own {
                Some(json) => serde_json::from_str(&json).map_err(internal)?,
                None => default.clone(),
            };
            if let Some(series) = jurisdiction_of(&policy, &country)
                .and_then(|j| overdue_domain::interest::Jurisdiction::parse(&j).ok())
                .and_then(|j| j.reference_series())
            {
                used.insert(series);
            }
        }
        Ok(
            overdue_domain::interest::missing_reference_rates(&table, today)
                .into_iter()
                .filter(|(series, _)| used.contains(series))
                .map(|(series, period)| {
                    format!(
                        "The rate table has no {} for {period}: interest for the days it \
                         governs is left out of every message until it is added (Settings > \
                         Late fees: import the publisher's file or add the rate).",
                        series.label()
                    )
                })
                .collect(),
        )
    }

    /// [`Api::rate_gaps`] as of the clock's today.
    pub async fn rate_gaps_today(&self) -> Result<Vec<String>, ApiError> {
        self.rate_gaps(self.clock().today()).await
    }

    /// The rate table in use, by series and date, the user's rows marked.
    pub async fn rate_table(&self) -> Result<Vec<RateRowDto>, ApiError> {
        let store = self.store().await;
        let user = store.user_rate_rows().await?;
        let table = overlay(&user)?;
        Ok(table
            .rows()
            .iter()
            .map(|r| {
                let id = user
                    .iter()
                    .find(|u| u.series == r.series.as_str() && u.valid_from == r.valid_from)
                    .map(|u| u.id);
                rate_row_dto(r, id)
            })
            .collect())
    }

    /// Adds a rate (a new half-year's Basiszinssatz, a new BoE base rate, ...). Refused
    /// when unsound or overlapping another of the user's rows of its series.
    pub async fn rate_row_add(&self, input: RateRowInput) -> Result<Vec<RateRowDto>, ApiError> {
        let series = RateSeries::parse(input.series.trim()).ok_or_else(|| {
            ApiError::invalid(format!(
                "\"{}\" is not a rate series of the table",
                input.series
            ))
        })?;
        let from = parse_date("valid from", &input.valid_from).map_err(ApiError::invalid)?;
        let to = parse_date("valid to", &input.valid_to).map_err(ApiError::invalid)?;
        let rate: Decimal = input.rate.trim().parse().map_err(|_| {
            ApiError::invalid(format!(
                "Rate: \"{}\" is not a percentage: write 3.50 for 3.5%",
                input.rate
            ))
        })?;
        if input.source.trim().is_empty() {
            return Err(ApiError::invalid(
                "Source: say where the rate was published.",
            ));
        }
        let row = RateRow {
            series,
            valid_from: from,
            valid_to: to,
            rate,
            source: input.source.trim().to_string(),
        };
        let store = self.store().await;
        let user = store.user_rate_rows().await?;
        let mut mine =
            RateTable::parse("series,valid_from,valid_to,rate,source\n").map_err(internal)?;
        for u in &user {
            mine = mine
                .with_row(to_row(u)?)
                .map_err(|e| ApiError::invalid(e.to_string()))?;
        }
        mine.with_row(row.clone())
            .map_err(|e| ApiError::invalid(e.to_string()))?;
        store
            .merge_rate_rows(
                &[UserRateRow {
                    id: 0,
                    series: series.as_str().to_string(),
                    valid_from: from,
                    valid_to: to,
                    rate: rate.to_string(),
                    source: row.source,
                }],
                self.clock().now(),
            )
            .await?;
        self.rate_table().await
    }

    /// Removes one of the user's rate rows (the shipped row, if any, applies again).
    pub async fn rate_row_delete(&self, id: i64) -> Result<Vec<RateRowDto>, ApiError> {
        self.store().await.delete_rate_row(id).await?;
        self.rate_table().await
    }

    /// Reads a reference-rate file as its publisher offers it for download and compares
    /// it with the table in use; with `apply`, saves the new and changed rows (all or
    /// nothing), each replacing the user's rows of its series for the same days.
    pub async fn rate_import(
        &self,
        file_name: &str,
        bytes: &[u8],
        apply: bool,
    ) -> Result<RateImportDto, ApiError> {
        let (publisher, rows, skipped) = read_rate_file(file_name, bytes, self.clock().today())?;
        let store = self.store().await;
        let table = self.effective_rates(&store).await?;
        let mut changes = Vec::new();
        for r in &rows {
            let covering = table.rows().iter().find(|t| {
                t.series == r.series && t.valid_from <= r.valid_from && r.valid_from <= t.valid_to
            });
            let change = match covering {
                None => RateChange::New,
                Some(t)
                    if t.rate == r.rate
                        && t.valid_from == r.valid_from
                        && t.valid_to == r.valid_to =>
                {
                    RateChange::Same
                }
                Some(t) if t.rate == r.rate && t.valid_from == r.valid_from => RateChange::Extended,
                Some(_) => RateChange::Changed,
            };
            let previous = covering.map(|t| t.rate);
            changes.push(RateChangeDto {
                series: r.series.as_str().to_string(),
                series_label: r.series.label().to_string(),
                valid_from: r.valid_from.to_string(),
                valid_to: r.valid_to.to_string(),
                rate: r.rate.normalize().to_string(),
                previous: previous.map(|p| p.normalize().to_string()),
                source: r.source.clone(),
                change,
            });
        }
        let mut applied = false;
        if apply {
            let save: Vec<UserRateRow> = rows
                .iter()
                .zip(&changes)
                .filter(|(_, c)| c.change != RateChange::Same)
                .map(|(r, _)| UserRateRow {
                    id: 0,
                    series: r.series.as_str().to_string(),
                    valid_from: r.valid_from,
                    valid_to: r.valid_to,
                    rate: r.rate.to_string(),
                    source: if r.source.trim().is_empty() {
                        format!("{publisher}, imported from {file_name}")
                    } else {
                        r.source.clone()
                    },
                })
                .collect();
            // The merged table must still be sound before anything is written.
            let mut user = store.user_rate_rows().await?;
            for s in &save {
                user.retain(|u| {
                    !(u.series == s.series
                        && u.valid_from <= s.valid_to
                        && s.valid_from <= u.valid_to)
                });
                user.push(s.clone());
            }
            overlay(&user)?;
            store.merge_rate_rows(&save, self.clock().now()).await?;
            applied = true;
            tracing::info!(file_name, rows = save.len(), "rate file imported");
        }
        Ok(RateImportDto {
            file_name: file_name.to_string(),
            publisher,
            changes,
            skipped,
            applied,
        })
    }

    /// The default late-fee policy.
    pub async fn late_fee_default(&self) -> Result<LateFeePolicyDto, ApiError> {
        match self.store().await.setting(POLICY_KEY).await? {
            Some(json) => serde_json::from_str(&json).map_err(internal),
            None => Ok(LateFeePolicyDto::default()),
        }
    }

    /// Saves the default late-fee policy.
    pub async fn late_fee_default_set(
        &self,
        policy: LateFeePolicyDto,
    ) -> Result<LateFeePolicyDto, ApiError> {
        check_policy(&policy)?;
        let json = serde_json::to_string(&policy).map_err(internal)?;
        self.store().await.set_setting(POLICY_KEY, &json).await?;
        Ok(policy)
    }

    /// A debtor's late-fee policy (its own or the default), with what it means.
    pub async fn late_fee_of(&self, debtor_id: i64) -> Result<DebtorLateFeeDto, ApiError> {
        let store = self.store().await;
        let debtor = store.debtor(debtor_id).await?;
        let (policy, own) = match store.late_fee_policy(debtor_id).await? {
            Some(json) => (serde_json::from_str(&json).map_err(internal)?, true),
            None => (self.late_fee_default().await?, false),
        };
        let summary = summary(&policy, &debtor.draft.address.country);
        Ok(DebtorLateFeeDto {
            policy,
            own,
            summary,
        })
    }

    /// Sets a debtor's own policy, or with `null` returns it to the default.
    pub async fn late_fee_set(
        &self,
        debtor_id: i64,
        policy: Option<LateFeePolicyDto>,
    ) -> Result<DebtorLateFeeDto, ApiError> {
        let json = match &policy {
            Some(p) => {
                check_policy(p)?;
                Some(serde_json::to_string(p).map_err(internal)?)
            }
            None => None,
        };
        self.store()
            .await
            .set_late_fee_policy(debtor_id, json.as_deref(), self.clock().now())
            .await?;
        self.late_fee_of(debtor_id).await
    }

    /// Interest and compensation to `as_of` ("" = today) on each of a debtor's overdue
    /// invoices, under its policy, less what was already charged.
    pub async fn debtor_interest(
        &self,
        debtor_id: i64,
        as_of: &str,
    ) -> Result<DebtorInterestDto, ApiError> {
        Ok(self.debtor_interest_under(debtor_id, as_of).await?.0)
    }

    /// [`Api::debtor_interest`] with the policy it was worked out under and the debtor's
    /// country (which the policy's `auto` rule reads), for saying it in other words.
    pub(crate) async fn debtor_interest_under(
        &self,
        debtor_id: i64,
        as_of: &str,
    ) -> Result<(DebtorInterestDto, LateFeePolicyDto, String), ApiError> {
        let as_of = self.date_or_today("the date", as_of)?;
        let book = self.interest_book(&[debtor_id], as_of, None).await?;
        interest_in(&book, debtor_id, as_of)
    }

    /// What the interest of these debtors on `as_of` is worked out from, read in a fixed
    /// number of statements however many debtors there are. `open`: every open balance on
    /// `as_of` of (at least) these debtors, when the caller has read them already.
    pub(crate) async fn interest_book(
        &self,
        debtor_ids: &[i64],
        as_of: NaiveDate,
        open: Option<&[OpenBalance]>,
    ) -> Result<InterestBook, ApiError> {
        let store = self.store().await;
        let debtors = store.debtors_among(debtor_ids).await?;
        let wanted: HashSet<i64> = debtor_ids.iter().copied().collect();
        let balances = match open {
            Some(open) => open
                .iter()
                .filter(|o| wanted.contains(&o.debtor_id))
                .cloned()
                .collect(),
            None => store.open_balances_among(as_of, debtor_ids).await?,
        };
        let mut by_debtor: HashMap<i64, Vec<OpenBalance>> = HashMap::new();
        for o in balances {
            by_debtor.entry(o.debtor_id).or_default().push(o);
        }
        let ids: Vec<i64> = by_debtor
            .values()
            .flatten()
            .filter(|o| o.due_date < as_of)
            .map(|o| o.invoice_id)
            .collect();
        let mut own = HashMap::new();
        for (id, json) in store.late_fee_policies_among(debtor_ids).await? {
            own.insert(id, serde_json::from_str(&json).map_err(internal)?);
        }
        Ok(InterestBook {
            debtors,
            own,
            default: self.late_fee_default().await?,
            rates: self.effective_rates(&store).await?,
            open: by_debtor,
            histories: store.invoice_histories(&ids).await?,
            charges: store.charges_among(debtor_ids).await?,
        })
    }

    /// Books the interest and compensation claimable today as charges on the debtor's
    /// account (one per invoice and kind), with an event on the contact log.
    pub async fn charges_claim(
        &self,
        debtor_id: i64,
        author: &str,
    ) -> Result<Vec<ChargeDto>, ApiError> {
        let today = self.clock().today();
        let d = self.debtor_interest(debtor_id, "").await?;
        let currency = Currency::from_code(&d.currency).map_err(internal)?;
        let mut new = Vec::new();
        for inv in &d.invoices {
            let c = &inv.calculation;
            let owed_i = Money::parse(&inv.interest, currency)
                .map_err(internal)?
                .checked_sub(&Money::parse(&inv.charged_interest, currency).map_err(internal)?)
                .map_err(internal)?;
            let owed_c = Money::parse(&inv.compensation, currency)
                .map_err(internal)?
                .checked_sub(&Money::parse(&inv.charged_compensation, currency).map_err(internal)?)
                .map_err(internal)?;
            if !owed_i.is_negative() && !owed_i.is_zero() {
                new.push(NewCharge {
                    debtor_id,
                    invoice_id: inv.invoice_id,
                    kind: "interest".into(),
                    charged_on: today,
                    period: NaiveDate::parse_from_str(&c.interest_start, "%Y-%m-%d")
                        .ok()
                        .zip(Some(today)),
                    amount: owed_i,
                    basis: c.basis.clone(),
                });
            }
            if !owed_c.is_negative() && !owed_c.is_zero() {
                new.push(NewCharge {
                    debtor_id,
                    invoice_id: inv.invoice_id,
                    kind: "compensation".into(),
                    charged_on: today,
                    period: None,
                    amount: owed_c,
                    basis: c.compensation_basis.clone(),
                });
            }
        }
        if new.is_empty() {
            return Err(ApiError::invalid("Nothing to claim: no interest or compensation is due beyond what was already charged."));
        }
        let total = new
            .iter()
            .try_fold(Money::zero(currency), |a, c| a.checked_add(&c.amount))
            .map_err(internal)?;
        let event = NewEvent {
            debtor_id,
            occurred_at: self.clock().now(),
            kind: "charge".into(),
            author: if author.trim().is_empty() {
                "overdue".into()
            } else {
                author.trim().to_string()
            },
            summary: format!(
                "Interest and compensation claimed: {} on {} invoices",
                money_string(&total),
                d.invoices.len()
            ),
            detail: new
                .iter()
                .map(|c| {
                    format!(
                        "{} {}: {} ({})",
                        c.kind,
                        c.invoice_id,
                        money_string(&c.amount),
                        c.basis
                    )
                })
                .collect::<Vec<_>>()
                .join("\n"),
            ref_table: "charges".into(),
            ..NewEvent::default()
        };
        self.store()
            .await
            .add_charges(&new, &event, self.clock().now())
            .await?;
        self.charges_of(debtor_id).await
    }

    /// A debtor's charges, oldest first.
    pub async fn charges_of(&self, debtor_id: i64) -> Result<Vec<ChargeDto>, ApiError> {
        Ok(self
            .store()
            .await
            .charges_of(debtor_id)
            .await?
            .into_iter()
            .map(|c| ChargeDto {
                id: c.id,
                invoice_number: c.invoice_number,
                kind: ChargeKind::parse(&c.kind),
                charged_on: c.charged_on.to_string(),
                period: c
                    .period
                    .map(|(a, b)| format!("{a} to {b}"))
                    .unwrap_or_default(),
                amount: money_string(&c.amount),
                currency: c.amount.currency().code().to_string(),
                basis: c.basis,
                reversed_on: c.reversed_on.map(|d| d.to_string()).unwrap_or_default(),
                reversal_reason: c.reversal_reason,
            })
            .collect())
    }

    /// Reverses a charge from `date` ("" = today), with the reason, on the contact log.
    pub async fn charge_reverse(
        &self,
        debtor_id: i64,
        charge_id: i64,
        date: &str,
        reason: &str,
    ) -> Result<Vec<ChargeDto>, ApiError> {
        if reason.trim().is_empty() {
            return Err(ApiError::invalid("Say why the charge is reversed."));
        }
        let on = self.date_or_today("the reversal date", date)?;
        let event = NewEvent {
            debtor_id,
            occurred_at: self.clock().now(),
            kind: "charge".into(),
            author: "overdue".into(),
            summary: format!("Charge {charge_id} reversed: {}", reason.trim()),
            ref_table: "charges".into(),
            ref_id: Some(charge_id),
            ..NewEvent::default()
        };
        self.store()
            .await
            .reverse_charge(charge_id, on, reason, &event, self.clock().now())
            .await?;
        self.charges_of(debtor_id).await
    }
}

/// Reads a rate file as its publisher offers it for download (ECB Data Portal, Deutsche
/// Bundesbank, Bank of England, Banque de France) or as Overdue writes it: the publisher
/// in words, its rows, and what it held that makes no row. A list of rate changes is
/// taken as complete up to `today` (the day it is imported, normally the day it was
/// downloaded); the preview shows every row before anything is saved. Errors name the
/// file, the line and the field.
fn read_rate_file(
    file_name: &str,
    bytes: &[u8],
    today: NaiveDate,
) -> Result<(String, Vec<RateRow>, Vec<String>), ApiError> {
    use overdue_domain::interest::publishers::parse_rate_file_checked_to;
    let file = parse_rate_file_checked_to(file_name, bytes, today)
        .map_err(|e| ApiError::invalid(e.to_string()))?;
    let mut skipped = file.skipped.clone();
    for r in &file.fr_legal_rates {
        skipped.push(format!(
            "{} {}: {}% ({}): Overdue's French rule between businesses uses the ECB rate + 10 \
             points (article L441-10), so the legal rate is not used for interest",
            r.category.label(),
            r.half,
            r.rate.normalize(),
            r.source
        ));
    }
    Ok((
        format!("{} ({})", file.publisher.label(), file.format),
        file.rows,
        skipped,
    ))
}

/// What the interest of many debtors is worked out from ([`Api::interest_book`]).
pub(crate) struct InterestBook {
    /// The debtors, by id.
    pub(crate) debtors: HashMap<i64, overdue_store::DebtorRecord>,
    /// Their own late-fee policies, for those that have one.
    own: HashMap<i64, LateFeePolicyDto>,
    /// The default policy.
    default: LateFeePolicyDto,
    /// The effective reference-rate table.
    rates: RateTable,
    /// Open balances by debtor.
    pub(crate) open: HashMap<i64, Vec<OpenBalance>>,
    /// Payments and credit notes of the overdue invoices.
    histories: HashMap<i64, overdue_store::InvoiceHistory>,
    /// Charges by debtor.
    charges: HashMap<i64, Vec<overdue_store::ChargeRecord>>,
}

impl InterestBook {
    /// A debtor's late-fee policy: its own, else the default.
    fn late_fee_of(&self, debtor_id: i64, country: &str) -> Result<DebtorLateFeeDto, ApiError> {
        let (policy, own) = match self.own.get(&debtor_id) {
            Some(p) => (p.clone(), true),
            None => (self.default.clone(), false),
        };
        let summary = summary(&policy, country);
        Ok(DebtorLateFeeDto {
            policy,
            own,
            summary,
        })
    }
}

/// Interest and compensation on a debtor's overdue invoices on `as_of`, from the book:
/// the one place it is worked out ([`Api::debtor_interest`]).
pub(crate) fn interest_in(
    book: &InterestBook,
    debtor_id: i64,
    as_of: NaiveDate,
) -> Result<(DebtorInterestDto, LateFeePolicyDto, String), ApiError> {
    let debtor = book
        .debtors
        .get(&debtor_id)
        .ok_or_else(|| StoreError::NotFound {
            entity: "debtor",
            key: debtor_id.to_string(),
        })?;
    let currency = debtor.draft.currency;
    let lf = book.late_fee_of(debtor_id, &debtor.draft.address.country)?;
    let zero = Money::zero(currency);
    let mut out = DebtorInterestDto {
        as_of: as_of.to_string(),
        currency: currency.code().to_string(),
        policy: lf.summary.clone(),
        invoices: Vec::new(),
        interest: money_string(&zero),
        compensation: money_string(&zero),
        claimable: money_string(&zero),
        problems: Vec::new(),
    };
    let country = debtor.draft.address.country.clone();
    let Some(jurisdiction) = jurisdiction_of(&lf.policy, &country) else {
        return Ok((out, lf.policy, country));
    };
    let table = &book.rates;
    let open: Vec<&OpenBalance> = book
        .open
        .get(&debtor_id)
        .into_iter()
        .flatten()
        .filter(|o| o.due_date < as_of && o.open.currency() == currency)
        .collect();
    let histories = &book.histories;
    let none = Vec::new();
    let charges = book.charges.get(&debtor_id).unwrap_or(&none);
    let mut charged: HashMap<(i64, bool), Money> = HashMap::new();
    for c in charges
        .iter()
        .filter(|c| c.reversed_on.is_none_or(|r| r > as_of) && c.charged_on <= as_of)
    {
        let key = (c.invoice_id, c.kind == "interest");
        let sum = charged.get(&key).copied().unwrap_or(zero);
        charged.insert(key, sum.checked_add(&c.amount).map_err(internal)?);
    }
    let consumer = debtor.draft.kind == DebtorKind::Individual;
    let p = &lf.policy;
    let (mut total_i, mut total_c, mut total_claim) = (zero, zero, zero);
    for o in open {
        let history = histories.get(&o.invoice_id).cloned().unwrap_or_default();
        let notes: i64 = history
            .credit_notes
            .iter()
            .filter(|n| n.0 <= as_of)
            .map(|n| n.1)
            .sum();
        let mut principal = o.amount.to_minor_units().map_err(internal)? - notes;
        let mut payments = Vec::new();
        for (on, minor, reversed) in &history.allocations {
            if *on > as_of || reversed.is_some_and(|r| r <= as_of) {
                continue;
            }
            if *on <= o.due_date {
                principal -= minor;
            } else {
                payments.push(CalcPayment {
                    amount: money_string(&Money::from_minor_units(*minor, currency)),
                    date: on.to_string(),
                });
            }
        }
        if principal <= 0 {
            continue;
        }
        let req = InterestCalcRequest {
            jurisdiction: jurisdiction.clone(),
            principal: money_string(&Money::from_minor_units(principal, currency)),
            currency: currency.code().to_string(),
            due: o.due_date.to_string(),
            until: as_of.to_string(),
            debtor_kind: if consumer {
                "consumer".into()
            } else {
                "business".into()
            },
            payments,
            rate: (!p.rate.trim().is_empty()).then(|| p.rate.trim().to_string()),
            claim_compensation: p.claim_compensation,
            govuk_rounding: p.govuk_rounding,
            rates_file: None,
            grace_days: (p.kind == "contract" && p.grace_days > 0)
                .then(|| p.grace_days.to_string()),
            fee: (p.kind == "contract" && !p.fixed_fee.trim().is_empty())
                .then(|| p.fixed_fee.trim().to_string()),
            fee_percent: (p.kind == "contract" && !p.percentage_fee.trim().is_empty())
                .then(|| p.percentage_fee.trim().to_string()),
            cap: (p.kind == "contract" && !p.cap.trim().is_empty())
                .then(|| p.cap.trim().to_string()),
        };
        let calc = match interest_with_rates(req, table) {
            Ok(c) => c,
            Err(e) => {
                out.problems.push(format!("{}: {}", o.number, e.message));
                continue;
            }
        };
        // One notice per debtor, not one per invoice: the gap is the same for all.
        if let Some(gap) = &calc.rate_gap {
            let notice = gap_notice(gap);
            if !out.problems.contains(&notice) {
                out.problems.push(notice);
            }
        }
        if calc.compensation_basis.contains("not added to this claim") {
            // The statute's fixed sum is in another currency than this debt.
            if !out.problems.contains(&calc.compensation_basis) {
                out.problems.push(calc.compensation_basis.clone());
            }
        }
        let money = |s: &str| Money::parse(s, currency).map_err(internal);
        let interest = money(&calc.interest)?;
        let compensation = money(&calc.compensation)?;
        let ci = charged.get(&(o.invoice_id, true)).copied().unwrap_or(zero);
        let cc = charged.get(&(o.invoice_id, false)).copied().unwrap_or(zero);
        let claim_i = interest.checked_sub(&ci).map_err(internal)?;
        let claim_c = compensation.checked_sub(&cc).map_err(internal)?;
        let claimable = [claim_i, claim_c]
            .iter()
            .filter(|m| !m.is_negative())
            .try_fold(zero, |a, m| a.checked_add(m))
            .map_err(internal)?;
        total_i = total_i.checked_add(&interest).map_err(internal)?;
        total_c = total_c.checked_add(&compensation).map_err(internal)?;
        total_claim = total_claim.checked_add(&claimable).map_err(internal)?;
        out.invoices.push(InvoiceInterestDto {
            invoice_id: o.invoice_id,
            number: o.number.clone(),
            due_date: o.due_date.to_string(),
            open: money_string(&o.open),
            interest: money_string(&interest),
            compensation: money_string(&compensation),
            charged_interest: money_string(&ci),
            charged_compensation: money_string(&cc),
            claimable: money_string(&claimable),
            calculation: calc,
        });
    }
    out.interest = money_string(&total_i);
    out.compensation = money_string(&total_c);
    out.claimable = money_string(&total_claim);
    Ok((out, lf.policy, country))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_debtors_country_picks_the_statutory_rule() {
        let auto = LateFeePolicyDto::default();
        assert_eq!(jurisdiction_of(&auto, "GB").as_deref(), Some("uk"));
        assert_eq!(jurisdiction_of(&auto, "de").as_deref(), Some("de"));
        assert_eq!(jurisdiction_of(&auto, "PL").as_deref(), Some("eu"));
        assert_eq!(
            jurisdiction_of(&auto, "US"),
            None,
            "a US state must be chosen"
        );
        let none = LateFeePolicyDto {
            kind: "none".into(),
            ..auto.clone()
        };
        assert_eq!(jurisdiction_of(&none, "GB"), None);
    }

    #[test]
    fn policies_are_checked() {
        let bad = LateFeePolicyDto {
            kind: "statutory".into(),
            jurisdiction: "mars".into(),
            ..LateFeePolicyDto::default()
        };
        assert!(check_policy(&bad).unwrap_err().message.contains("mars"));
        let empty_contract = LateFeePolicyDto {
            kind: "contract".into(),
            ..LateFeePolicyDto::default()
        };
        assert!(check_policy(&empty_contract).is_err());
        let fee = LateFeePolicyDto {
            kind: "contract".into(),
            fixed_fee: "-5".into(),
            ..LateFeePolicyDto::default()
        };
        assert!(check_policy(&fee).is_err());
        let ok = LateFeePolicyDto {
            kind: "contract".into(),
            rate: "8".into(),
            fixed_fee: "25.00".into(),
            ..LateFeePolicyDto::default()
        };
        assert!(check_policy(&ok).is_ok());
    }
}
