//! Payment-behaviour score (PAYDEX-like) and the credit decision for a new order.
//!
//! The score answers "how promptly does this debtor pay, weighted by how much is at
//! stake?". Every paid invoice (and every open invoice that is already overdue) is a
//! *payment experience*; its days beyond terms map to an index (80 = paid on the due date,
//! 100 = paid 30 days early, 0 = 180 days or more late) and the score is the
//! amount-weighted mean of those indexes, rounded half-up. Fewer than three experiences
//! give no score ("UN", unscored), as with Dun & Bradstreet's PAYDEX.
//!
//! The credit check answers "may this order ship?": it holds the order when the debtor's
//! total exposure would pass the credit limit, or when an invoice has been overdue for
//! longer than the policy tolerates, and says so in plain words.
//!
//! ## Glossary
//! - **DBT (days beyond terms)**: payment date minus due date; negative when paid early.
//!   For an invoice still open: as-of date minus due date.
//! - **Payment experience**: one invoice's amount and DBT, the unit the score is built from.
//! - **Index**: the 0-100 value a DBT maps to (see [`dbt_index`]).
//! - **Score / PAYDEX**: the amount-weighted mean index, 1-100, or "UN" when unscored.
//! - **Exposure**: open receivables + open (unbilled) orders + the new order.
//! - **Headroom**: credit limit minus exposure; negative means over the limit by that much.
//! - **Tolerance days**: how many days past due the oldest open invoice may be before new
//!   orders are held.
//! - **Cash in advance**: no credit at all; the debtor pays before goods or services go out.

use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::{decimal_string, round_half_up, Money, MoneyError};

/// Experiences a debtor needs before a score is given; below this the status is "UN".
pub const MIN_EXPERIENCES: usize = 3;

/// Tolerance used by [`credit_check`] when the input names none, and by
/// [`CreditPolicy::default`].
pub const DEFAULT_TOLERANCE_DAYS: i64 = 30;

/// How many experiences [`PaydexExplanation::biggest_effects`] lists.
const BIGGEST_EFFECTS: usize = 3;

/// The DBT -> index anchor points of the rules. Between two anchors the index is
/// interpolated linearly; past the last one it falls 1 point per 3 days to 0.
const ANCHORS: [(i64, i64); 10] = [
    (-30, 100),
    (-20, 90),
    (-10, 85),
    (0, 80),
    (15, 70),
    (22, 60),
    (30, 50),
    (60, 40),
    (90, 30),
    (120, 20),
];

/// The index of a payment made on the due date: the neutral point impacts are measured from.
const PROMPT_INDEX: i64 = 80;

/// Why a credit check or credit policy was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScoringError {
    /// Amounts in different currencies were combined (e.g. a EUR limit and a GBP order).
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// An amount that can only be zero or more was negative.
    #[error("the {what} cannot be negative (got {amount})")]
    NegativeAmount {
        /// Which amount, in words ("credit limit", "new order", ...).
        what: &'static str,
        /// The amount as given.
        amount: String,
    },
    /// The tolerance for overdue invoices was negative.
    #[error("the tolerance for overdue invoices must be zero or more days (got {0})")]
    NegativeTolerance(i64),
    /// A score band of the credit policy gives a negative share of the limit.
    #[error(
        "the credit policy band starting at score {min_score} gives {percent}% of the limit; \
         use 0 or more, or cash in advance"
    )]
    NegativeLimitFactor {
        /// The band's lowest score.
        min_score: u8,
        /// The percentage as written.
        percent: String,
    },
}

// ---------------------------------------------------------------------------------------
// Index and experiences
// ---------------------------------------------------------------------------------------

/// Maps days beyond terms to the 0-100 index.
///
/// Linear between the anchors -30:100, -20:90, -10:85, 0:80, 15:70, 22:60, 30:50, 60:40,
/// 90:30, 120:20; then 1 point per 3 days down to 0 (reached at 180 days); 30 or more days
/// early is 100. The value is exact to 28 significant digits (e.g. 5 days -> 76.666...67),
/// so weighting and rounding happen once, at the end, on the score.
pub fn dbt_index(dbt: i64) -> Decimal {
    let (first_dbt, first_index) = ANCHORS[0];
    if dbt <= first_dbt {
        return Decimal::from(first_index);
    }
    for pair in ANCHORS.windows(2) {
        let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
        if dbt <= x1 {
            // One division of an exact integer numerator, so the only rounding is the last
            // digit of a repeating fraction and the index stays monotonic in `dbt`.
            let span = x1 - x0;
            let numerator = y0 * span + (y1 - y0) * (dbt - x0);
            return Decimal::from(numerator) / Decimal::from(span);
        }
    }
    let (last_dbt, last_index) = ANCHORS[ANCHORS.len() - 1];
    // Checked before subtracting so that an absurd `dbt` near i64::MAX cannot overflow.
    let days_to_zero = last_index * 3;
    if dbt >= last_dbt + days_to_zero {
        return Decimal::ZERO;
    }
    Decimal::from(last_index * 3 - (dbt - last_dbt)) / Decimal::from(3)
}

/// One payment experience: an invoice's amount and how many days beyond its terms it was
/// paid (or, for an invoice still open, has been overdue so far).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Experience {
    /// The invoice amount, in the debtor's currency; it is the weight of this experience.
    /// Experiences of zero or less are left out of the score (they carry no weight).
    pub amount: Decimal,
    /// Days beyond terms: payment (or as-of) date minus due date; negative when early.
    pub dbt: i64,
    /// An invoice number or other label used in explanations, e.g. `"INV-1042"`.
    #[serde(default)]
    pub label: Option<String>,
    /// True when the invoice is still unpaid (its DBT is days overdue so far).
    #[serde(default)]
    pub open: bool,
}

impl Experience {
    /// A paid-invoice experience without a label.
    pub fn new(amount: Decimal, dbt: i64) -> Self {
        Experience {
            amount,
            dbt,
            label: None,
            open: false,
        }
    }

    /// The same experience with an invoice number or label for explanations.
    pub fn labelled(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }
}

/// A ledger item the score can learn from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ScoredItem {
    /// An invoice paid in full.
    Paid {
        /// Invoice number or label for explanations.
        #[serde(default)]
        label: Option<String>,
        /// The invoice amount.
        amount: Decimal,
        /// Its due date.
        due: NaiveDate,
        /// The date it was paid in full.
        paid: NaiveDate,
    },
    /// An invoice with an open balance.
    Open {
        /// Invoice number or label for explanations.
        #[serde(default)]
        label: Option<String>,
        /// The amount still open.
        open_amount: Decimal,
        /// Its due date.
        due: NaiveDate,
    },
}

/// Turns ledger items into payment experiences as of a date.
///
/// - A paid invoice gives DBT = paid date - due date (early payments count too: they raise
///   the score).
/// - An open invoice counts only once it is overdue on `as_of`, with DBT = `as_of` - due
///   date; an open invoice not yet due says nothing about behaviour yet.
/// - A payment dated after `as_of` had not happened on `as_of`, so such an invoice is
///   treated as open on that date (the same rule as the open balance in aging).
///
/// Items keep their order; amounts are expected in one currency (the debtor's).
pub fn experiences_from(items: &[ScoredItem], as_of: NaiveDate) -> Vec<Experience> {
    items
        .iter()
        .filter_map(|item| {
            let (label, amount, due, paid) = match item {
                ScoredItem::Paid {
                    label,
                    amount,
                    due,
                    paid,
                } => (label, *amount, *due, Some(*paid)),
                ScoredItem::Open {
                    label,
                    open_amount,
                    due,
                } => (label, *open_amount, *due, None),
            };
            match paid.filter(|p| *p <= as_of) {
                Some(paid) => Some(Experience {
                    amount,
                    dbt: (paid - due).num_days(),
                    label: label.clone(),
                    open: false,
                }),
                None => {
                    let days_overdue = (as_of - due).num_days();
                    (days_overdue > 0).then(|| Experience {
                        amount,
                        dbt: days_overdue,
                        label: label.clone(),
                        open: true,
                    })
                }
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Score
// ---------------------------------------------------------------------------------------

/// Whether a score could be given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaydexStatus {
    /// Enough experiences: [`PaydexScore::score`] holds the score.
    #[serde(rename = "scored")]
    Scored,
    /// Fewer than [`MIN_EXPERIENCES`] experiences: unscored ("UN").
    #[serde(rename = "UN")]
    Unscored,
}

/// A score range with what it means in words. The bounds match the default credit policy
/// (80 is the index of paying on the due date, 50 of paying 30 days late).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentBand {
    /// 80-100: pays on time or early.
    Prompt,
    /// 50-79: pays late, on average by up to about 30 days.
    Slow,
    /// 1-49: pays more than about 30 days late.
    VerySlow,
}

impl PaymentBand {
    /// The band a score falls in.
    pub fn of(score: u8) -> Self {
        match score {
            80.. => PaymentBand::Prompt,
            50..=79 => PaymentBand::Slow,
            _ => PaymentBand::VerySlow,
        }
    }

    /// The score range, e.g. `"50-79"`.
    pub fn range(&self) -> &'static str {
        match self {
            PaymentBand::Prompt => "80-100",
            PaymentBand::Slow => "50-79",
            PaymentBand::VerySlow => "1-49",
        }
    }

    /// What the band means, in words.
    pub fn meaning(&self) -> &'static str {
        match self {
            PaymentBand::Prompt => "pays on time or early",
            PaymentBand::Slow => "pays late, on average by up to about 30 days",
            PaymentBand::VerySlow => "pays more than about 30 days late",
        }
    }
}

/// How one experience moved the score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExperienceEffect {
    /// The invoice's label, when known.
    pub label: Option<String>,
    /// The invoice amount.
    pub amount: Decimal,
    /// Its days beyond terms.
    pub dbt: i64,
    /// True when still unpaid.
    pub open: bool,
    /// Its index, 4 decimals.
    pub index: Decimal,
    /// Points it moved the score from 80 (paying on the due date), 2 decimals: negative
    /// pulled the score down, positive lifted it. All the effects add up to the score
    /// minus 80 (before rounding).
    pub points: Decimal,
    /// The same in words.
    pub words: String,
}

/// Counts of experiences by punctuality.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ExperienceCounts {
    /// Experiences that count (amount above zero).
    pub total: usize,
    /// Paid before the due date.
    pub early: usize,
    /// Paid on the due date.
    pub on_time: usize,
    /// Paid (or still open) after the due date.
    pub late: usize,
    /// More than 30 days beyond terms.
    pub over_30_days_late: usize,
    /// Still unpaid and overdue.
    pub still_open: usize,
    /// Items left out because their amount was zero or less.
    pub left_out: usize,
}

/// Why the score is what it is, for the owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaydexExplanation {
    /// The band the score falls in; `None` when unscored.
    pub band: Option<PaymentBand>,
    /// The experiences that moved the score most (by amount x distance from paying on
    /// time), biggest first, at most three.
    pub biggest_effects: Vec<ExperienceEffect>,
    /// Counts of experiences by punctuality.
    pub counts: ExperienceCounts,
    /// The counts in words, e.g. `"3 of 12 invoices over 30 days late"`.
    pub counts_in_words: Vec<String>,
    /// One plain sentence summing it all up.
    pub summary: String,
}

/// A payment-behaviour score with its explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaydexScore {
    /// The score 1-100, or `None` when unscored ("UN").
    pub score: Option<u8>,
    /// `"scored"` or `"UN"`.
    pub status: PaydexStatus,
    /// Amount-weighted mean index, 4 decimals; `None` when there is no experience at all.
    /// The score is rounded from the exact mean, not from this 4-decimal display value.
    pub weighted_index: Option<Decimal>,
    /// Amount-weighted mean days beyond terms, 2 decimals; `None` with no experience.
    pub weighted_dbt: Option<Decimal>,
    /// Number of experiences that count (amount above zero).
    pub experiences: usize,
    /// Why, in words and numbers.
    pub explanation: PaydexExplanation,
}

/// Amount-weighted mean index and DBT with each amount divided by `scale`; `None` when a
/// sum overflows. Returns `(mean index, mean DBT, total weight)`, the means `None` when
/// there is nothing to weigh.
#[allow(clippy::type_complexity)]
fn weighted_means(
    counted: &[&Experience],
    indexes: &[Decimal],
    scale: Decimal,
) -> Option<(Option<Decimal>, Option<Decimal>, Decimal)> {
    if counted.is_empty() {
        return Some((None, None, Decimal::ZERO));
    }
    let mut total = Decimal::ZERO;
    let mut by_index = Decimal::ZERO;
    let mut by_dbt = Decimal::ZERO;
    for (e, i) in counted.iter().zip(indexes) {
        let w = if scale == Decimal::ONE {
            e.amount
        } else {
            e.amount.checked_div(scale)?
        };
        total = total.checked_add(w)?;
        by_index = by_index.checked_add(w.checked_mul(*i)?)?;
        by_dbt = by_dbt.checked_add(w.checked_mul(Decimal::from(e.dbt))?)?;
    }
    Some((
        Some(by_index.checked_div(total)?),
        Some(by_dbt.checked_div(total)?),
        total,
    ))
}

/// Scores payment behaviour from experiences (see the module docs and [`dbt_index`]).
///
/// Score = amount-weighted mean index, rounded half-up, kept within 1..=100; "UN" below
/// [`MIN_EXPERIENCES`] experiences. The weighted figures are still reported when unscored
/// (with at least one experience), because they help the owner judge a new debtor.
pub fn paydex(experiences: &[Experience]) -> PaydexScore {
    let counted: Vec<&Experience> = experiences
        .iter()
        .filter(|e| e.amount > Decimal::ZERO)
        .collect();
    let left_out = experiences.len() - counted.len();
    let indexes: Vec<Decimal> = counted.iter().map(|e| dbt_index(e.dbt)).collect();
    // Weights are the amounts; only when their sums would overflow Decimal (amounts near
    // 10^28) are they taken relative to the largest one, so ordinary books stay exact.
    let exact_sums = weighted_means(&counted, &indexes, Decimal::ONE);
    let (exact_index, exact_dbt, total_weight, scale) = match exact_sums {
        Some((i, d, t)) => (i, d, t, Decimal::ONE),
        None => {
            let largest = counted
                .iter()
                .map(|e| e.amount)
                .max()
                .unwrap_or(Decimal::ONE);
            let (i, d, t) = weighted_means(&counted, &indexes, largest)
                .expect("weights of at most 1 cannot overflow");
            (i, d, t, largest)
        }
    };

    let score = exact_index
        .filter(|_| counted.len() >= MIN_EXPERIENCES)
        .map(|mean| {
            // The mean of 0..=100 indexes is itself within 0..=100; 0 is lifted to 1 because
            // the scale starts at 1.
            let rounded = round_half_up(mean, 0).clamp(Decimal::ONE, Decimal::ONE_HUNDRED);
            rounded.to_u8().unwrap_or(1)
        });

    let counts = ExperienceCounts {
        total: counted.len(),
        early: counted.iter().filter(|e| e.dbt < 0).count(),
        on_time: counted.iter().filter(|e| e.dbt == 0).count(),
        late: counted.iter().filter(|e| e.dbt > 0).count(),
        over_30_days_late: counted.iter().filter(|e| e.dbt > 30).count(),
        still_open: counted.iter().filter(|e| e.open).count(),
        left_out,
    };

    let mut effects: Vec<(Decimal, ExperienceEffect)> = counted
        .iter()
        .zip(&indexes)
        .map(|(e, index)| {
            // Points this experience moves the score away from 80: its share of the
            // weight times its distance from a prompt payer's index.
            let share = (e.amount / scale) / total_weight;
            let pull = share * (*index - Decimal::from(PROMPT_INDEX));
            let points = fixed(pull, 2);
            let effect = ExperienceEffect {
                label: e.label.clone(),
                amount: e.amount,
                dbt: e.dbt,
                open: e.open,
                index: fixed(*index, 4),
                points,
                words: effect_words(e, points),
            };
            (pull.abs(), effect)
        })
        .filter(|(pull, _)| !pull.is_zero())
        .collect();
    // Stable sort: equal effects keep ledger order, so the explanation is deterministic.
    effects.sort_by_key(|(pull, _)| std::cmp::Reverse(*pull));
    let biggest_effects: Vec<ExperienceEffect> = effects
        .into_iter()
        .take(BIGGEST_EFFECTS)
        .map(|(_, e)| e)
        .collect();

    let band = score.map(PaymentBand::of);
    let counts_in_words = counts_words(&counts);
    let summary = summary_sentence(score, exact_dbt, &counts, band, biggest_effects.first());

    PaydexScore {
        score,
        status: if score.is_some() {
            PaydexStatus::Scored
        } else {
            PaydexStatus::Unscored
        },
        weighted_index: exact_index.map(|i| fixed(i, 4)),
        weighted_dbt: exact_dbt.map(|d| fixed(d, 2)),
        experiences: counted.len(),
        explanation: PaydexExplanation {
            band,
            biggest_effects,
            counts,
            counts_in_words,
            summary,
        },
    }
}

/// Rounds half-up and pads to exactly `places` decimals, so `70` is shown as `70.0000`.
fn fixed(value: Decimal, places: u32) -> Decimal {
    let mut v = round_half_up(value, places);
    v.rescale(places);
    v
}

/// "1 day" / "12 days".
fn days(n: i64) -> String {
    if n.abs() == 1 {
        format!("{n} day")
    } else {
        format!("{n} days")
    }
}

/// "12 days late" / "3 days early" / "on the due date".
fn lateness(dbt: i64) -> String {
    match dbt {
        0 => "on the due date".to_string(),
        d if d > 0 => format!("{} late", days(d)),
        d => format!("{} early", days(-d)),
    }
}

fn effect_words(e: &Experience, points: Decimal) -> String {
    let name = match &e.label {
        Some(label) => format!("invoice {label}"),
        None => "an invoice".to_string(),
    };
    let when = if e.open {
        format!("still unpaid, {} overdue", days(e.dbt))
    } else {
        format!("paid {}", lateness(e.dbt))
    };
    let direction = if points.is_sign_negative() {
        "pulled the score down"
    } else {
        "lifted the score"
    };
    format!(
        "{name} ({}, {when}) {direction} by {} points",
        decimal_string(e.amount, 2),
        decimal_string(points.abs(), 2)
    )
}

fn counts_words(c: &ExperienceCounts) -> Vec<String> {
    let n = c.total;
    let mut out = vec![
        format!(
            "{} of {n} invoices paid on time or early",
            c.early + c.on_time
        ),
        format!("{} of {n} invoices late", c.late),
        format!("{} of {n} invoices over 30 days late", c.over_30_days_late),
    ];
    if c.still_open > 0 {
        out.push(format!(
            "{} of {n} invoices still unpaid and overdue",
            c.still_open
        ));
    }
    if c.left_out > 0 {
        out.push(format!("{} items with no amount left out", c.left_out));
    }
    out
}

fn summary_sentence(
    score: Option<u8>,
    exact_dbt: Option<Decimal>,
    counts: &ExperienceCounts,
    band: Option<PaymentBand>,
    biggest: Option<&ExperienceEffect>,
) -> String {
    let Some(mean_dbt) = exact_dbt else {
        return "Not scored (UN): there is no payment history yet; a score needs at least 3 \
                paid or overdue invoices."
            .to_string();
    };
    // Whole days read better in a sentence; the exact figure is in `weighted_dbt`.
    let whole = round_half_up(mean_dbt, 0).to_i64().unwrap_or(0);
    let habit = match whole {
        0 => "pays on average on the due date".to_string(),
        d => format!("pays on average {}", lateness(d)),
    };
    let head = match (score, band) {
        (Some(s), Some(b)) => format!("Score {s} ({}: {})", b.range(), b.meaning()),
        _ => format!(
            "Not scored (UN): only {} of the {MIN_EXPERIENCES} invoices a score needs",
            counts.total
        ),
    };
    let mut sentence = format!(
        "{head}: {habit}, weighted by amount; {} of {} invoices over 30 days late",
        counts.over_30_days_late, counts.total
    );
    if let Some(effect) = biggest {
        sentence.push_str("; biggest effect: ");
        sentence.push_str(&effect.words);
    }
    sentence.push('.');
    sentence
}

// ---------------------------------------------------------------------------------------
// Credit policy
// ---------------------------------------------------------------------------------------

/// One row of a credit policy: from `min_score` up to the next band's minimum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreBand {
    /// The lowest score (1-100) in this band.
    pub min_score: u8,
    /// Share of the requested limit granted, in percent (100 = all of it);
    /// `None` = cash in advance (no credit).
    pub limit_factor_percent: Option<Decimal>,
}

/// How scores translate into credit: limit bands and the overdue tolerance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditPolicy {
    /// Bands in any order; a score uses the band with the highest `min_score` it reaches.
    /// A score below every band gets cash in advance.
    pub bands: Vec<ScoreBand>,
    /// Days past due the oldest open invoice may reach before new orders are held.
    pub tolerance_days: i64,
    /// Share of the requested limit for an unscored ("UN") debtor, in percent; `None` =
    /// cash in advance. Defaults to 100: without history the owner's own limit stands.
    #[serde(default = "full_limit")]
    pub unscored_limit_factor_percent: Option<Decimal>,
}

fn full_limit() -> Option<Decimal> {
    Some(Decimal::ONE_HUNDRED)
}

impl Default for CreditPolicy {
    /// 80-100: 100% of the requested limit; 50-79: 50%; below 50: cash in advance;
    /// unscored: 100%; tolerance 30 days.
    fn default() -> Self {
        CreditPolicy {
            bands: vec![
                ScoreBand {
                    min_score: 80,
                    limit_factor_percent: Some(Decimal::ONE_HUNDRED),
                },
                ScoreBand {
                    min_score: 50,
                    limit_factor_percent: Some(Decimal::from(50)),
                },
                ScoreBand {
                    min_score: 1,
                    limit_factor_percent: None,
                },
            ],
            tolerance_days: DEFAULT_TOLERANCE_DAYS,
            unscored_limit_factor_percent: full_limit(),
        }
    }
}

impl CreditPolicy {
    /// The band a score falls in: the one with the highest `min_score` not above it.
    pub fn band_for(&self, score: u8) -> Option<&ScoreBand> {
        self.bands
            .iter()
            .filter(|b| b.min_score <= score)
            .max_by_key(|b| b.min_score)
    }

    /// Checks the policy: no negative percentage, no negative tolerance.
    pub fn validate(&self) -> Result<(), ScoringError> {
        if self.tolerance_days < 0 {
            return Err(ScoringError::NegativeTolerance(self.tolerance_days));
        }
        for band in &self.bands {
            if let Some(p) = band
                .limit_factor_percent
                .filter(|p| p.is_sign_negative() && !p.is_zero())
            {
                return Err(ScoringError::NegativeLimitFactor {
                    min_score: band.min_score,
                    percent: p.to_string(),
                });
            }
        }
        match self.unscored_limit_factor_percent {
            Some(p) if p.is_sign_negative() && !p.is_zero() => {
                Err(ScoringError::NegativeLimitFactor {
                    min_score: 0,
                    percent: p.to_string(),
                })
            }
            _ => Ok(()),
        }
    }
}

/// The credit limit a score earns under a policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EffectiveLimit {
    /// The limit to use: requested x percentage, rounded half-up to the currency's minor
    /// unit; zero for cash in advance.
    pub limit: Money,
    /// True when the debtor gets no credit and must pay in advance.
    pub cash_in_advance: bool,
    /// The percentage applied; `None` for cash in advance.
    pub limit_factor_percent: Option<Decimal>,
    /// The reason in words.
    pub reason: String,
}

/// Applies the policy's score band to the limit the owner asked for.
///
/// `score` is `None` for an unscored ("UN") debtor, who gets the policy's
/// `unscored_limit_factor_percent`.
pub fn effective_limit(
    requested_limit: Money,
    score: Option<u8>,
    policy: &CreditPolicy,
) -> Result<EffectiveLimit, ScoringError> {
    policy.validate()?;
    non_negative("requested credit limit", &requested_limit)?;
    let currency = requested_limit.currency();
    let (factor, who) = match score {
        None => (
            policy.unscored_limit_factor_percent,
            "not enough payment history for a score".to_string(),
        ),
        Some(s) => match policy.band_for(s) {
            Some(band) => (
                band.limit_factor_percent,
                format!("score {s} (band from {})", band.min_score),
            ),
            None => (None, format!("score {s} is below every band of the policy")),
        },
    };
    Ok(match factor {
        None => EffectiveLimit {
            limit: Money::zero(currency),
            cash_in_advance: true,
            limit_factor_percent: None,
            reason: format!("{who}: no credit, cash in advance"),
        },
        Some(percent) => {
            let limit = requested_limit
                .times(percent / Decimal::ONE_HUNDRED)?
                .rounded();
            EffectiveLimit {
                limit,
                cash_in_advance: false,
                limit_factor_percent: Some(percent),
                reason: format!(
                    "{who}: {}% of the requested {requested_limit} = {limit}",
                    percent.normalize()
                ),
            }
        }
    })
}

fn non_negative(what: &'static str, m: &Money) -> Result<(), ScoringError> {
    if m.is_negative() {
        Err(ScoringError::NegativeAmount {
            what,
            amount: m.to_string(),
        })
    } else {
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Credit check
// ---------------------------------------------------------------------------------------

/// What the credit check is asked about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditCheckInput {
    /// The debtor's credit limit (zero or more).
    pub limit: Money,
    /// Open receivables: unpaid invoice balances (may be negative when the debtor is in
    /// credit).
    pub open_receivables: Money,
    /// Orders accepted but not yet invoiced (zero or more).
    pub open_orders: Money,
    /// The order being checked (zero or more).
    pub new_order: Money,
    /// Days past due of the oldest open overdue invoice; `None` or 0 or less = nothing
    /// overdue.
    pub oldest_days_past_due: Option<i64>,
    /// Days past due tolerated before holding; `None` = [`DEFAULT_TOLERANCE_DAYS`].
    pub tolerance_days: Option<i64>,
}

/// Whether the order may go out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Decision {
    /// Stop: the order waits until the reasons are cleared.
    Hold,
    /// Go: the order is within the limit and nothing is overdue too long.
    Release,
}

/// The credit check's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreditDecision {
    /// `HOLD` or `RELEASE`.
    pub decision: Decision,
    /// Open receivables + open orders + new order.
    pub exposure: Money,
    /// Limit - exposure; negative means over the limit by that much.
    pub headroom: Money,
    /// Why, in plain words; every hold reason is listed.
    pub reasons: Vec<String>,
}

/// Decides whether a new order may ship on credit.
///
/// HOLD when exposure is over the limit (exposure equal to the limit is still within it),
/// and HOLD when the oldest overdue invoice is more days past due than tolerated; both
/// reasons are given when both apply. Otherwise RELEASE, with the headroom left.
/// Amounts in different currencies are an error, never a sum.
pub fn credit_check(input: &CreditCheckInput) -> Result<CreditDecision, ScoringError> {
    non_negative("credit limit", &input.limit)?;
    non_negative("open orders amount", &input.open_orders)?;
    non_negative("new order amount", &input.new_order)?;
    let tolerance = input.tolerance_days.unwrap_or(DEFAULT_TOLERANCE_DAYS);
    if tolerance < 0 {
        return Err(ScoringError::NegativeTolerance(tolerance));
    }

    // Rounded once, at the end, to the currency's minor unit.
    let exposure = input
        .open_receivables
        .checked_add(&input.open_orders)?
        .checked_add(&input.new_order)?
        .rounded();
    let headroom = input.limit.checked_sub(&exposure)?.rounded();

    let mut reasons = Vec::new();
    let over_limit = headroom.is_negative();
    if over_limit {
        let over_by = Money::zero(headroom.currency()).checked_sub(&headroom)?;
        reasons.push(format!(
            "This order would take the total owed to {exposure} (open invoices {}, open orders \
             {}, this order {}), over the credit limit of {} by {over_by}.",
            input.open_receivables.rounded(),
            input.open_orders.rounded(),
            input.new_order.rounded(),
            input.limit.rounded(),
        ));
    }

    let oldest = input.oldest_days_past_due.filter(|d| *d > 0);
    let too_late = oldest.filter(|d| *d > tolerance);
    if let Some(d) = too_late {
        reasons.push(format!(
            "The oldest unpaid invoice is {} past due, {} beyond the {} allowed.",
            days(d),
            days(d - tolerance),
            days(tolerance)
        ));
    }

    let decision = if over_limit || too_late.is_some() {
        Decision::Hold
    } else {
        Decision::Release
    };
    // The hold reasons come first (they are what the owner must act on); then what is fine.
    if !over_limit {
        reasons.push(format!(
            "The total owed with this order, {exposure}, is within the credit limit of {}; \
             {headroom} of credit is left.",
            input.limit.rounded()
        ));
    }
    if too_late.is_none() {
        reasons.push(match oldest {
            Some(d) => format!(
                "The oldest unpaid invoice is {} past due, within the {} allowed.",
                days(d),
                days(tolerance)
            ),
            None => "No invoice is overdue.".to_string(),
        });
    }
    Ok(CreditDecision {
        decision,
        exposure,
        headroom,
        reasons,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    fn eur() -> Currency {
        Currency::from_code("EUR").unwrap()
    }

    fn m(amount: Decimal) -> Money {
        Money::new(amount, eur())
    }

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn pdx_idx_every_vector_point() {
        let vectors = [
            (-30, dec!(100.0000)),
            (-20, dec!(90.0000)),
            (-10, dec!(85.0000)),
            (0, dec!(80.0000)),
            (5, dec!(76.6667)),
            (10, dec!(73.3333)),
            (15, dec!(70.0000)),
            (20, dec!(62.8571)),
            (22, dec!(60.0000)),
            (30, dec!(50.0000)),
            (40, dec!(46.6667)),
            (45, dec!(45.0000)),
            (60, dec!(40.0000)),
            (90, dec!(30.0000)),
            (120, dec!(20.0000)),
            (150, dec!(10.0000)),
            (180, dec!(0.0000)),
        ];
        for (dbt, expected) in vectors {
            assert_eq!(
                round_half_up(dbt_index(dbt), 4),
                expected,
                "PDX-IDX dbt={dbt}"
            );
        }
    }

    #[test]
    fn index_outside_the_anchors() {
        assert_eq!(dbt_index(-31), dec!(100));
        assert_eq!(dbt_index(i64::MIN), dec!(100));
        assert_eq!(dbt_index(123), dec!(19));
        assert_eq!(dbt_index(181), dec!(0));
        assert_eq!(dbt_index(i64::MAX), dec!(0));
        assert_eq!(dbt_index(-25), dec!(95));
    }

    #[test]
    fn pdx_1_weighted_mean_of_indexes() {
        let exps = [
            Experience::new(dec!(10000), 0).labelled("INV-1"),
            Experience::new(dec!(5000), 15).labelled("INV-2"),
            Experience::new(dec!(5000), 30).labelled("INV-3"),
        ];
        let s = paydex(&exps);
        assert_eq!(
            s.score,
            Some(70),
            "PDX-1: mean of indexes, not index of mean DBT (73)"
        );
        assert_eq!(s.status, PaydexStatus::Scored);
        assert_eq!(s.weighted_index, Some(dec!(70.0000)));
        assert_eq!(s.weighted_index.unwrap().to_string(), "70.0000");
        assert_eq!(s.weighted_dbt.unwrap().to_string(), "11.25");
        assert_eq!(s.experiences, 3);
        let ex = &s.explanation;
        assert_eq!(ex.band, Some(PaymentBand::Slow));
        // INV-3 pulled 5000 x 30 / 20000 = 7.50 points, INV-2 5000 x 10 / 20000 = 2.50.
        assert_eq!(
            ex.biggest_effects.len(),
            2,
            "INV-1 paid on time moved nothing"
        );
        assert_eq!(ex.biggest_effects[0].label.as_deref(), Some("INV-3"));
        assert_eq!(ex.biggest_effects[0].points, dec!(-7.50));
        assert_eq!(ex.biggest_effects[1].points, dec!(-2.50));
        assert_eq!(
            ex.biggest_effects[0].words,
            "invoice INV-3 (5000.00, paid 30 days late) pulled the score down by 7.50 points"
        );
        assert!(ex
            .counts_in_words
            .contains(&"0 of 3 invoices over 30 days late".to_string()));
        assert_eq!(
            ex.summary,
            "Score 70 (50-79: pays late, on average by up to about 30 days): pays on average \
             11 days late, weighted by amount; 0 of 3 invoices over 30 days late; biggest \
             effect: invoice INV-3 (5000.00, paid 30 days late) pulled the score down by 7.50 \
             points."
        );
    }

    #[test]
    fn pdx_4_two_experiences_are_unscored() {
        let s = paydex(&[
            Experience::new(dec!(100), 0),
            Experience::new(dec!(100), 10),
        ]);
        assert_eq!(s.score, None);
        assert_eq!(s.status, PaydexStatus::Unscored);
        assert_eq!(s.explanation.band, None);
        assert!(
            s.explanation
                .summary
                .starts_with("Not scored (UN): only 2 of the 3"),
            "{}",
            s.explanation.summary
        );
        // Still informative for the owner.
        assert_eq!(s.weighted_dbt, Some(dec!(5.00)));
        let empty = paydex(&[]);
        assert_eq!(
            (empty.score, empty.weighted_index, empty.experiences),
            (None, None, 0)
        );
    }

    #[test]
    fn zero_amount_items_carry_no_weight() {
        let s = paydex(&[
            Experience::new(dec!(100), 0),
            Experience::new(dec!(100), 0),
            Experience::new(dec!(0), 200),
        ]);
        assert_eq!(s.score, None, "only two experiences count");
        assert_eq!(s.explanation.counts.left_out, 1);
    }

    #[test]
    fn very_late_debtor_scores_at_least_one() {
        let exps = vec![Experience::new(dec!(10), 400); 3];
        let s = paydex(&exps);
        assert_eq!(s.score, Some(1));
        assert_eq!(s.explanation.band, Some(PaymentBand::VerySlow));
        assert!(s
            .explanation
            .counts_in_words
            .contains(&"3 of 3 invoices over 30 days late".to_string()));
        let early = paydex(&vec![Experience::new(dec!(10), -60); 3]);
        assert_eq!(early.score, Some(100));
        assert!(early
            .explanation
            .summary
            .contains("pays on average 60 days early"));
    }

    #[test]
    fn experiences_from_paid_and_open_items() {
        let as_of = date("2026-03-31");
        let items = [
            ScoredItem::Paid {
                label: Some("INV-1".into()),
                amount: dec!(1000),
                due: date("2026-01-31"),
                paid: date("2026-02-10"),
            },
            ScoredItem::Paid {
                label: None,
                amount: dec!(500),
                due: date("2026-02-28"),
                paid: date("2026-02-20"),
            },
            // Overdue and open: counts with DBT = as_of - due.
            ScoredItem::Open {
                label: Some("INV-3".into()),
                open_amount: dec!(700),
                due: date("2026-03-01"),
            },
            // Not yet due: says nothing yet.
            ScoredItem::Open {
                label: None,
                open_amount: dec!(900),
                due: date("2026-04-15"),
            },
            // Due today: not overdue.
            ScoredItem::Open {
                label: None,
                open_amount: dec!(900),
                due: as_of,
            },
            // Paid after as_of: still open on as_of.
            ScoredItem::Paid {
                label: None,
                amount: dec!(300),
                due: date("2026-03-21"),
                paid: date("2026-04-05"),
            },
        ];
        let exps = experiences_from(&items, as_of);
        let got: Vec<(Decimal, i64, bool)> =
            exps.iter().map(|e| (e.amount, e.dbt, e.open)).collect();
        assert_eq!(
            got,
            vec![
                (dec!(1000), 10, false),
                (dec!(500), -8, false),
                (dec!(700), 30, true),
                (dec!(300), 10, true)
            ]
        );
        assert_eq!(exps[0].label.as_deref(), Some("INV-1"));
        let s = paydex(&exps);
        assert_eq!(s.explanation.counts.still_open, 2);
        assert!(s
            .explanation
            .biggest_effects
            .iter()
            .any(|e| e.words.contains("still unpaid, 30 days overdue")));
    }

    #[test]
    fn crd_1_over_limit_by_500() {
        let d = credit_check(&CreditCheckInput {
            limit: m(dec!(10000.00)),
            open_receivables: m(dec!(7500.00)),
            open_orders: m(dec!(0)),
            new_order: m(dec!(3000.00)),
            oldest_days_past_due: Some(0),
            tolerance_days: None,
        })
        .unwrap();
        assert_eq!(d.decision, Decision::Hold);
        assert_eq!(d.exposure.to_string(), "10500.00 EUR");
        assert_eq!(d.headroom.to_string(), "-500.00 EUR");
        assert!(
            d.reasons[0].contains("over the credit limit of 10000.00 EUR by 500.00 EUR"),
            "{:?}",
            d.reasons
        );
        assert!(d.reasons.contains(&"No invoice is overdue.".to_string()));
    }

    fn cli_example(oldest: Option<i64>) -> CreditDecision {
        credit_check(&CreditCheckInput {
            limit: m(dec!(10000)),
            open_receivables: m(dec!(6800)),
            open_orders: Money::zero(eur()),
            new_order: m(dec!(3000)),
            oldest_days_past_due: oldest,
            tolerance_days: Some(30),
        })
        .unwrap()
    }

    #[test]
    fn cli_example_release_with_headroom() {
        let d = cli_example(None);
        assert_eq!(d.decision, Decision::Release);
        assert_eq!(d.exposure.to_string(), "9800.00 EUR");
        assert_eq!(d.headroom.to_string(), "200.00 EUR");
        assert_eq!(
            d.reasons[0],
            "The total owed with this order, 9800.00 EUR, is within the credit limit of 10000.00 \
             EUR; 200.00 EUR of credit is left."
        );
        let within = cli_example(Some(30));
        assert_eq!(
            within.decision,
            Decision::Release,
            "exactly at the tolerance is allowed"
        );
    }

    #[test]
    fn cli_example_hold_when_overdue_past_tolerance() {
        let d = cli_example(Some(45));
        assert_eq!(d.decision, Decision::Hold);
        assert_eq!(d.headroom.to_string(), "200.00 EUR");
        assert_eq!(
            d.reasons[0],
            "The oldest unpaid invoice is 45 days past due, 15 days beyond the 30 days allowed."
        );
    }

    #[test]
    fn both_hold_reasons_are_given_and_exposure_equal_to_limit_is_within() {
        let mut input = CreditCheckInput {
            limit: m(dec!(100)),
            open_receivables: m(dec!(100)),
            open_orders: m(dec!(20)),
            new_order: m(dec!(5)),
            oldest_days_past_due: Some(31),
            tolerance_days: Some(30),
        };
        let d = credit_check(&input).unwrap();
        assert_eq!(d.decision, Decision::Hold);
        assert_eq!(d.reasons.len(), 2);
        assert!(d.reasons[0].contains("by 25.00 EUR"));
        assert!(d.reasons[1].contains("1 day beyond the 30 days allowed"));
        input.open_receivables = m(dec!(75));
        input.oldest_days_past_due = None;
        let d = credit_check(&input).unwrap();
        assert_eq!(
            (d.decision, d.headroom.is_zero()),
            (Decision::Release, true)
        );
    }

    #[test]
    fn currency_mismatch_and_bad_inputs_are_errors() {
        let gbp = Currency::from_code("GBP").unwrap();
        let mut input = CreditCheckInput {
            limit: m(dec!(100)),
            open_receivables: m(dec!(10)),
            open_orders: Money::zero(eur()),
            new_order: Money::new(dec!(5), gbp),
            oldest_days_past_due: None,
            tolerance_days: None,
        };
        let err = credit_check(&input).unwrap_err();
        assert!(matches!(
            err,
            ScoringError::Money(MoneyError::CurrencyMismatch { .. })
        ));
        assert!(err.to_string().contains("different currencies"), "{err}");
        input.new_order = m(dec!(-5));
        assert_eq!(
            credit_check(&input).unwrap_err().to_string(),
            "the new order amount cannot be negative (got -5.00 EUR)"
        );
        input.new_order = m(dec!(5));
        input.tolerance_days = Some(-1);
        assert_eq!(
            credit_check(&input).unwrap_err(),
            ScoringError::NegativeTolerance(-1)
        );
    }

    #[test]
    fn wire_names_are_hold_release_and_un() {
        // No JSON crate here: the serde renames are shared by both directions, so reading
        // the wire names back proves how they are written.
        use serde::de::{value::Error, IntoDeserializer};
        let read = |s: &str| Decision::deserialize(IntoDeserializer::<Error>::into_deserializer(s));
        assert_eq!(read("HOLD"), Ok(Decision::Hold));
        assert_eq!(read("RELEASE"), Ok(Decision::Release));
        assert!(read("Hold").is_err());
        let status =
            |s: &str| PaydexStatus::deserialize(IntoDeserializer::<Error>::into_deserializer(s));
        assert_eq!(status("UN"), Ok(PaydexStatus::Unscored));
        assert_eq!(status("scored"), Ok(PaydexStatus::Scored));
    }

    #[test]
    fn effective_limit_follows_the_default_bands() {
        let policy = CreditPolicy::default();
        let req = m(dec!(10000.00));
        let top = effective_limit(req, Some(85), &policy).unwrap();
        assert_eq!(
            (top.limit.to_string(), top.cash_in_advance),
            ("10000.00 EUR".to_string(), false)
        );
        let mid = effective_limit(req, Some(79), &policy).unwrap();
        assert_eq!(mid.limit.to_string(), "5000.00 EUR");
        assert_eq!(
            mid.reason,
            "score 79 (band from 50): 50% of the requested 10000.00 EUR = 5000.00 EUR"
        );
        let low = effective_limit(req, Some(49), &policy).unwrap();
        assert!(low.cash_in_advance && low.limit.is_zero());
        assert_eq!(
            low.reason,
            "score 49 (band from 1): no credit, cash in advance"
        );
        let un = effective_limit(req, None, &policy).unwrap();
        assert_eq!(un.limit, req);
        // Half-up to the cent.
        let odd = effective_limit(m(dec!(0.05)), Some(60), &policy).unwrap();
        assert_eq!(odd.limit.amount(), dec!(0.03));
        let bad = CreditPolicy {
            bands: vec![ScoreBand {
                min_score: 1,
                limit_factor_percent: Some(dec!(-5)),
            }],
            ..CreditPolicy::default()
        };
        assert!(matches!(
            effective_limit(req, Some(50), &bad),
            Err(ScoringError::NegativeLimitFactor { .. })
        ));
        let gap = CreditPolicy {
            bands: vec![ScoreBand {
                min_score: 40,
                limit_factor_percent: Some(dec!(100)),
            }],
            ..CreditPolicy::default()
        };
        assert!(
            effective_limit(req, Some(20), &gap)
                .unwrap()
                .cash_in_advance
        );
    }

    fn experiences_strategy() -> impl Strategy<Value = Vec<(i64, i64)>> {
        // (amount in cents, dbt)
        proptest::collection::vec((1i64..100_000_000, -400i64..400), 0..30)
    }

    fn to_exps(v: &[(i64, i64)]) -> Vec<Experience> {
        v.iter()
            .map(|(c, d)| Experience::new(Decimal::new(*c, 2), *d))
            .collect()
    }

    proptest! {
        #[test]
        fn score_is_within_1_to_100(v in experiences_strategy()) {
            let s = paydex(&to_exps(&v));
            match s.score {
                Some(score) => {
                    prop_assert!((1..=100).contains(&score));
                    prop_assert!(v.len() >= MIN_EXPERIENCES);
                }
                None => prop_assert!(v.len() < MIN_EXPERIENCES),
            }
        }

        #[test]
        fn paying_earlier_never_lowers_the_score(
            v in experiences_strategy(),
            pick in any::<proptest::sample::Index>(),
            earlier in 1i64..200,
        ) {
            prop_assume!(!v.is_empty());
            let before = paydex(&to_exps(&v));
            let mut w = v.clone();
            let i = pick.index(w.len());
            w[i].1 -= earlier;
            let after = paydex(&to_exps(&w));
            prop_assert!(after.score >= before.score, "{:?} -> {:?}", before.score, after.score);
            prop_assert!(after.weighted_index >= before.weighted_index);
        }

        #[test]
        fn index_never_rises_with_days_late(dbt in -100i64..400, more in 0i64..100) {
            let a = dbt_index(dbt);
            let b = dbt_index(dbt + more);
            prop_assert!(b <= a, "index({}) = {} > index({}) = {}", dbt + more, b, dbt, a);
            prop_assert!(a >= Decimal::ZERO && a <= Decimal::ONE_HUNDRED);
        }
    }
}

#[cfg(test)]
mod overflow_regressions {
    use super::*;

    /// Regression: amounts near Decimal::MAX overflowed the weighted sums and panicked.
    #[test]
    fn huge_amounts_score_without_panicking() {
        let e = vec![
            Experience::new(Decimal::MAX, 1),
            Experience::new(Decimal::MAX, 1),
            Experience::new(Decimal::ONE, 1),
        ];
        let s = paydex(&e);
        assert_eq!(s.experiences, 3);
        assert!(
            s.score.is_some(),
            "three experiences are scored whatever their size"
        );
    }
}
