//! Credit policy on the stored book: each debtor's payment score computed from the ledger,
//! its history, the credit check of a new order, alerts, and the owner's own inputs.
//!
//! The score is recomputed for a debtor when a payment or invoice of theirs is recorded,
//! and for every debtor once a day ([`Api::credit_refresh_if_stale`], run at start by the
//! shell and by `overdue credit refresh`). Reading a score never writes.

use std::collections::HashMap;

use chrono::NaiveDate;
use overdue_domain::money::decimal_string;
use overdue_domain::risk::{self, RiskFlag, RiskInput};
use overdue_domain::scoring::{experiences_from, CreditPolicy, Experience, ScoreBand, ScoredItem};
use overdue_domain::{Currency, Money};
use overdue_store::{CreditInputs, RiskEntry, ScoreEntry, ScoringInvoice, Store};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::calc::{credit_result, score_result, CreditCalcResult, CreditQuestion, ScoreResult};
use crate::ledger::{money_string, parse_positive};
use crate::{Api, ApiError};

/// Setting key of the default credit policy (JSON).
const POLICY_KEY: &str = "credit_policy";
/// Setting key: "true" when the scores need recomputing (a large import since).
const STALE_KEY: &str = "scores_stale";
/// Debtors scored per batch when refreshing the whole book.
const REFRESH_BATCH: i64 = 2000;

/// One band of a credit policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ScoreBandDto {
    /// Lowest score in the band (1-100).
    pub min_score: u8,
    /// Percent of the requested limit granted; `null` = cash in advance.
    pub limit_factor_percent: Option<String>,
}

/// A credit policy: score bands to limit factors, and the overdue tolerance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CreditPolicyDto {
    /// Bands, highest first.
    pub bands: Vec<ScoreBandDto>,
    /// Days past due tolerated before new orders are held.
    #[ts(type = "number")]
    pub tolerance_days: i64,
    /// Percent of the limit for unscored debtors; `null` = cash in advance.
    pub unscored_limit_factor_percent: Option<String>,
}

/// One point of a debtor's score history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ScorePointDto {
    /// The date.
    pub as_of: String,
    /// 1-100, or `null` when unscored.
    pub score: Option<u8>,
}

/// The owner's own credit inputs, shown beside the computed score (never mixed into it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CreditInputsDto {
    /// A rating from an agency or bank, as written.
    pub external_rating: String,
    /// Trade references.
    pub trade_references: String,
    /// Notes.
    pub notes: String,
    /// The debtor's own policy; `null` = the default from Settings.
    pub policy: Option<CreditPolicyDto>,
}

/// A debtor's credit picture as of a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DebtorCreditDto {
    /// The debtor.
    #[ts(type = "number")]
    pub debtor_id: i64,
    /// External reference.
    pub external_ref: String,
    /// Name.
    pub name: String,
    /// The date.
    pub as_of: String,
    /// The debtor's currency.
    pub currency: String,
    /// The payment score with its explanation.
    pub score: ScoreResult,
    /// The score over time, oldest first.
    pub history: Vec<ScorePointDto>,
    /// Open receivables in the debtor's currency.
    pub open: String,
    /// Days past due of the oldest overdue invoice.
    #[ts(type = "number | null")]
    pub oldest_days_past_due: Option<i64>,
    /// The credit check of no new order: is the account itself on hold?
    pub check: Option<CreditCalcResult>,
    /// Alerts in words.
    pub alerts: Vec<String>,
    /// Alert kinds: `over_limit`, `past_tolerance`, `score_dropped`.
    pub alert_kinds: Vec<String>,
    /// The policy that applies.
    pub policy: CreditPolicyDto,
    /// True when the debtor has its own policy.
    pub own_policy: bool,
    /// The owner's inputs.
    pub inputs: CreditInputsDto,
}

/// A debtor needing attention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CreditAlertDto {
    /// The debtor.
    #[ts(type = "number")]
    pub debtor_id: i64,
    /// Name.
    pub name: String,
    /// External reference.
    pub external_ref: String,
    /// Score now (`null` = unscored).
    pub score: Option<u8>,
    /// Alert kinds.
    pub kinds: Vec<String>,
    /// Alerts in words.
    pub reasons: Vec<String>,
}

/// Alerts across the book.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CreditAlertsDto {
    /// Debtors over their credit limit.
    #[ts(type = "number")]
    pub over_limit: i64,
    /// Debtors whose oldest overdue invoice passed the tolerance.
    #[ts(type = "number")]
    pub past_tolerance: i64,
    /// Debtors whose score fell by a band.
    #[ts(type = "number")]
    pub score_dropped: i64,
    /// The riskiest debtors first.
    pub debtors: Vec<CreditAlertDto>,
    /// When the scores were last computed (`null` = never).
    pub scored_on: Option<String>,
}

fn policy_dto(p: &CreditPolicy) -> CreditPolicyDto {
    let mut bands: Vec<ScoreBandDto> = p
        .bands
        .iter()
        .map(|b| ScoreBandDto {
            min_score: b.min_score,
            limit_factor_percent: b.limit_factor_percent.map(|d| d.normalize().to_string()),
        })
        .collect();
    bands.sort_by_key(|b| std::cmp::Reverse(b.min_score));
    CreditPolicyDto {
        bands,
        tolerance_days: p.tolerance_days,
        unscored_limit_factor_percent: p
            .unscored_limit_factor_percent
            .map(|d| d.normalize().to_string()),
    }
}

fn percent(field: &str, text: &Option<String>) -> Result<Option<Decimal>, ApiError> {
    let Some(text) = text.as_deref().map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let value: Decimal = text.parse().map_err(|_| {
        ApiError::invalid(format!(
            "{field}: \"{text}\" is not a percentage; write e.g. 50, or leave it empty for cash in advance"
        ))
    })?;
    if value.is_sign_negative() || value > Decimal::from(1000) {
        return Err(ApiError::invalid(format!(
            "{field}: {text}% is not a usable share of the limit (0 to 1000)"
        )));
    }
    Ok(Some(value))
}

fn policy_from_dto(dto: &CreditPolicyDto) -> Result<CreditPolicy, ApiError> {
    if dto.bands.is_empty() {
        return Err(ApiError::invalid(
            "A credit policy needs at least one score band.",
        ));
    }
    let mut bands = Vec::with_capacity(dto.bands.len());
    for b in &dto.bands {
        if !(1..=100).contains(&b.min_score) {
            return Err(ApiError::invalid(format!(
                "Band from {}: a band starts at a score from 1 to 100.",
                b.min_score
            )));
        }
        if bands.iter().any(|x: &ScoreBand| x.min_score == b.min_score) {
            return Err(ApiError::invalid(format!(
                "Two bands start at score {}.",
                b.min_score
            )));
        }
        bands.push(ScoreBand {
            min_score: b.min_score,
            limit_factor_percent: percent(
                &format!("Band from {}", b.min_score),
                &b.limit_factor_percent,
            )?,
        });
    }
    if !(0..=3650).contains(&dto.tolerance_days) {
        return Err(ApiError::invalid(format!(
            "Tolerance: {} days is not a usable number of days (0 to 3650).",
            dto.tolerance_days
        )));
    }
    let policy = CreditPolicy {
        bands,
        tolerance_days: dto.tolerance_days,
        unscored_limit_factor_percent: percent(
            "Unscored debtors",
            &dto.unscored_limit_factor_percent,
        )?,
    };
    policy
        .validate()
        .map_err(|e| ApiError::invalid(e.to_string()))?;
    Ok(policy)
}

fn parse_policy(json: &str) -> Result<CreditPolicy, ApiError> {
    serde_json::from_str(json).map_err(|e| {
        ApiError::new(
            crate::ErrorCode::Internal,
            format!("the stored credit policy cannot be read: {e}"),
        )
    })
}

/// Turns a debtor's invoices into score items: open ones with their open amount, paid ones
/// with the date of their last payment; invoices closed only by credit notes or
/// write-offs say nothing about paying and are left out.
fn scored_items(invoices: &[&ScoringInvoice]) -> Vec<ScoredItem> {
    invoices
        .iter()
        .filter_map(|i| {
            if !i.open.is_zero() {
                Some(ScoredItem::Open {
                    label: Some(i.number.clone()),
                    open_amount: i.open.amount(),
                    due: i.due_date,
                })
            } else {
                i.last_paid_on.map(|paid| ScoredItem::Paid {
                    label: Some(i.number.clone()),
                    amount: i.amount.amount(),
                    due: i.due_date,
                    paid,
                })
            }
        })
        .collect()
}

/// What one debtor's invoices say on a date.
struct Facts {
    experiences: Vec<Experience>,
    open: Money,
    oldest_days_past_due: Option<i64>,
}

fn facts(invoices: &[&ScoringInvoice], currency: Currency, as_of: NaiveDate) -> Facts {
    let experiences = experiences_from(&scored_items(invoices), as_of);
    let mut open = Money::zero(currency);
    let mut oldest: Option<i64> = None;
    for i in invoices.iter().filter(|i| !i.open.is_zero()) {
        if i.open.currency() == currency {
            open = open.checked_add(&i.open).unwrap_or(open);
        }
        let dpd = (as_of - i.due_date).num_days();
        if dpd > 0 {
            oldest = Some(oldest.map_or(dpd, |o| o.max(dpd)));
        }
    }
    Facts {
        experiences,
        open,
        oldest_days_past_due: oldest,
    }
}

impl Api {
    /// The default credit policy (from Settings; the built-in one until changed).
    pub async fn credit_policy(&self) -> Result<CreditPolicyDto, ApiError> {
        Ok(policy_dto(&self.default_policy(&self.store().await).await?))
    }

    async fn default_policy(&self, store: &Store) -> Result<CreditPolicy, ApiError> {
        match store.setting(POLICY_KEY).await? {
            Some(json) => parse_policy(&json),
            None => Ok(CreditPolicy::default()),
        }
    }

    /// Saves the default credit policy and re-scores the book against it.
    pub async fn credit_policy_set(
        &self,
        policy: CreditPolicyDto,
    ) -> Result<CreditPolicyDto, ApiError> {
        let p = policy_from_dto(&policy)?;
        let json = serde_json::to_string(&p)
            .map_err(|e| ApiError::new(crate::ErrorCode::Internal, e.to_string()))?;
        self.store().await.set_setting(POLICY_KEY, &json).await?;
        self.credit_refresh(None).await?;
        Ok(policy_dto(&p))
    }

    /// Saves the owner's credit inputs on a debtor (and its own policy, or `null` for the
    /// default), then re-scores the debtor.
    pub async fn credit_inputs_set(
        &self,
        debtor_id: i64,
        inputs: CreditInputsDto,
    ) -> Result<DebtorCreditDto, ApiError> {
        let policy_json = match &inputs.policy {
            None => None,
            Some(p) => Some(
                serde_json::to_string(&policy_from_dto(p)?)
                    .map_err(|e| ApiError::new(crate::ErrorCode::Internal, e.to_string()))?,
            ),
        };
        self.store()
            .await
            .set_credit_inputs(
                debtor_id,
                &CreditInputs {
                    policy_json,
                    external_rating: inputs.external_rating,
                    trade_references: inputs.trade_references,
                    notes: inputs.notes,
                },
                self.clock().now(),
            )
            .await?;
        self.credit_refresh(Some(debtor_id)).await?;
        self.credit_of(debtor_id, "").await
    }

    /// A debtor's score, explanation, history, account credit check and alerts as of
    /// `as_of` ("" = today), computed from the ledger.
    pub async fn credit_of(
        &self,
        debtor_id: i64,
        as_of: &str,
    ) -> Result<DebtorCreditDto, ApiError> {
        let as_of = self.date_or_today("the date", as_of)?;
        let store = self.store().await;
        let debtor = store.debtor(debtor_id).await?;
        let currency = debtor.draft.currency;
        let invoices = store.scoring_invoices(as_of, debtor_id, debtor_id).await?;
        let refs: Vec<&ScoringInvoice> = invoices.iter().collect();
        let f = facts(&refs, currency, as_of);
        let score = score_result(&f.experiences);
        let inputs = store.credit_inputs(debtor_id).await?;
        let (policy, own_policy) = match &inputs.policy_json {
            Some(json) => (parse_policy(json)?, true),
            None => (self.default_policy(&store).await?, false),
        };
        let history: Vec<ScorePointDto> = store
            .score_history(debtor_id)
            .await?
            .into_iter()
            .filter(|h| h.as_of <= as_of)
            .map(|h| ScorePointDto {
                as_of: h.as_of.to_string(),
                score: h.score.and_then(|s| u8::try_from(s).ok()),
            })
            .collect();
        let previous = history
            .iter()
            .rev()
            .find(|h| h.as_of < as_of.to_string())
            .and_then(|h| h.score);
        let limit = debtor.draft.credit_limit.map(|l| Money::new(l, currency));
        let assessed = risk::assess(&RiskInput {
            score: score.score,
            previous_score: previous,
            open: f.open,
            limit,
            oldest_days_past_due: f.oldest_days_past_due,
            tolerance_days: policy.tolerance_days,
        })
        .map_err(|e| ApiError::invalid(e.to_string()))?;
        let check = match limit {
            Some(requested) => Some(credit_result(&CreditQuestion {
                requested,
                score: Some(score.score),
                open: f.open,
                open_orders: Money::zero(currency),
                order: Money::zero(currency),
                oldest: f.oldest_days_past_due,
                tolerance: None,
                policy: &policy,
            })?),
            None => None,
        };
        Ok(DebtorCreditDto {
            debtor_id,
            external_ref: debtor.draft.external_ref.clone(),
            name: debtor.draft.name.clone(),
            as_of: as_of.to_string(),
            currency: currency.code().to_string(),
            score,
            history,
            open: money_string(&f.open),
            oldest_days_past_due: f.oldest_days_past_due,
            check,
            alerts: assessed.reasons,
            alert_kinds: assessed
                .flags
                .iter()
                .map(flag_kind)
                .map(str::to_string)
                .collect(),
            policy: policy_dto(&policy),
            own_policy,
            inputs: CreditInputsDto {
                external_rating: inputs.external_rating,
                trade_references: inputs.trade_references,
                notes: inputs.notes,
                policy: own_policy.then(|| policy_dto(&policy)),
            },
        })
    }

    /// The credit check of a new order of `amount` for a stored debtor: the score band
    /// applied to its limit, its open receivables, its oldest overdue invoice.
    pub async fn credit_check(
        &self,
        debtor_id: i64,
        amount: &str,
        open_orders: &str,
    ) -> Result<CreditCalcResult, ApiError> {
        let credit = self.credit_of(debtor_id, "").await?;
        let store = self.store().await;
        let debtor = store.debtor(debtor_id).await?;
        let currency = debtor.draft.currency;
        let order = parse_positive(amount, currency)
            .map_err(|e| ApiError::invalid(format!("--amount: {e}")))?;
        let open_orders = match open_orders.trim() {
            "" => Money::zero(currency),
            text => parse_positive(text, currency)
                .map_err(|e| ApiError::invalid(format!("--open-orders: {e}")))?,
        };
        let Some(limit) = debtor.draft.credit_limit else {
            return Err(ApiError::invalid(format!(
                "{} has no credit limit: set one on the debtor first.",
                debtor.draft.name
            )));
        };
        let open = parse_positive(&credit.open, currency).unwrap_or(Money::zero(currency));
        let policy = policy_from_dto(&credit.policy)?;
        credit_result(&CreditQuestion {
            requested: Money::new(limit, currency),
            score: Some(credit.score.score),
            open,
            open_orders,
            order,
            oldest: credit.oldest_days_past_due,
            tolerance: None,
            policy: &policy,
        })
    }

    /// Recomputes scores and alerts as of today, for one debtor or (with `None`) the whole
    /// book in batches, and stores them in the history. Returns how many were scored.
    pub async fn credit_refresh(&self, debtor_id: Option<i64>) -> Result<usize, ApiError> {
        let as_of = self.clock().today();
        let store = self.store().await;
        let (first, last) = match debtor_id {
            Some(id) => (id, id),
            None => match store.debtor_id_range().await? {
                Some(range) => range,
                None => return Ok(0),
            },
        };
        let default_policy = self.default_policy(&store).await?;
        let mut scored = 0;
        let mut start = first;
        while start <= last {
            let end = (start + REFRESH_BATCH - 1).min(last);
            scored += self
                .refresh_batch(&store, as_of, start, end, &default_policy)
                .await?;
            start = end + 1;
        }
        Ok(scored)
    }

    /// Refreshes the book's scores unless they were already computed today and nothing
    /// (a large import) marked them stale since.
    pub async fn credit_refresh_if_stale(&self) -> Result<usize, ApiError> {
        let today = self.clock().today();
        let store = self.store().await;
        let marked = store.setting(STALE_KEY).await?.is_some_and(|v| v == "true");
        if !marked && store.latest_score_date().await? == Some(today) {
            return Ok(0);
        }
        let n = self.credit_refresh(None).await?;
        store.set_setting(STALE_KEY, "false").await?;
        Ok(n)
    }

    /// Marks every score for recomputation (after a large import).
    pub(crate) async fn mark_scores_stale(&self) -> Result<(), ApiError> {
        Ok(self.store().await.set_setting(STALE_KEY, "true").await?)
    }

    async fn refresh_batch(
        &self,
        store: &Store,
        as_of: NaiveDate,
        first: i64,
        last: i64,
        default_policy: &CreditPolicy,
    ) -> Result<usize, ApiError> {
        let terms = store.credit_terms(first, last).await?;
        let invoices = store.scoring_invoices(as_of, first, last).await?;
        let previous: HashMap<i64, Option<i64>> = store
            .previous_scores(as_of, first, last)
            .await?
            .into_iter()
            .collect();
        let mut by_debtor: HashMap<i64, Vec<&ScoringInvoice>> = HashMap::new();
        for i in &invoices {
            by_debtor.entry(i.debtor_id).or_default().push(i);
        }
        let mut scores = Vec::with_capacity(terms.len());
        let mut risks = Vec::with_capacity(terms.len());
        for t in &terms {
            let Ok(currency) = Currency::from_code(&t.currency) else {
                continue;
            };
            let own = t.policy_json.as_deref().map(parse_policy).transpose()?;
            let policy = own.as_ref().unwrap_or(default_policy);
            let items = by_debtor.remove(&t.debtor_id).unwrap_or_default();
            let f = facts(&items, currency, as_of);
            let s = overdue_domain::scoring::paydex(&f.experiences);
            let previous_score = previous.get(&t.debtor_id).copied().flatten();
            let limit = t
                .credit_limit_minor
                .map(|m| Money::from_minor_units(m, currency));
            let assessed = risk::assess(&RiskInput {
                score: s.score,
                previous_score: previous_score.and_then(|p| u8::try_from(p).ok()),
                open: f.open,
                limit,
                oldest_days_past_due: f.oldest_days_past_due,
                tolerance_days: policy.tolerance_days,
            })
            .map_err(|e| ApiError::invalid(e.to_string()))?;
            scores.push(ScoreEntry {
                debtor_id: t.debtor_id,
                as_of,
                score: s.score.map(i64::from),
                weighted_dbt: s.weighted_dbt.map(|d| decimal_string(d, 2)),
                experiences: i64::try_from(s.experiences).unwrap_or(i64::MAX),
            });
            risks.push(RiskEntry {
                debtor_id: t.debtor_id,
                as_of,
                score: s.score.map(i64::from),
                previous_score,
                flags: assessed
                    .flags
                    .iter()
                    .map(flag_kind)
                    .map(str::to_string)
                    .collect(),
                reasons: assessed.reasons,
                rank: assessed.rank,
            });
        }
        store
            .save_scores(&scores, &risks, self.clock().now())
            .await?;
        Ok(scores.len())
    }

    /// Debtors with alerts, riskiest first, and counts per alert.
    pub async fn credit_alerts(&self, limit: i64) -> Result<CreditAlertsDto, ApiError> {
        let store = self.store().await;
        let (over_limit, past_tolerance, score_dropped) = store.risk_counts().await?;
        let entries = store.risk_alerts(limit.clamp(1, 500)).await?;
        let ids: Vec<i64> = entries.iter().map(|e| e.debtor_id).collect();
        let labels = store.debtor_labels(&ids).await?;
        let debtors = entries
            .into_iter()
            .map(|e| {
                let label = labels.get(&e.debtor_id);
                CreditAlertDto {
                    debtor_id: e.debtor_id,
                    name: label.map(|l| l.name.clone()).unwrap_or_default(),
                    external_ref: label.map(|l| l.external_ref.clone()).unwrap_or_default(),
                    score: e.score.and_then(|s| u8::try_from(s).ok()),
                    kinds: e.flags,
                    reasons: e.reasons,
                }
            })
            .collect();
        Ok(CreditAlertsDto {
            over_limit,
            past_tolerance,
            score_dropped,
            debtors,
            scored_on: store.latest_score_date().await?.map(|d| d.to_string()),
        })
    }
}

fn flag_kind(f: &RiskFlag) -> &'static str {
    match f {
        RiskFlag::OverLimit { .. } => "over_limit",
        RiskFlag::PastTolerance { .. } => "past_tolerance",
        RiskFlag::ScoreDropped { .. } => "score_dropped",
    }
}
