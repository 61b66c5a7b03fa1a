//! `overdue calc ...`: the calculators, no database needed.
//!
//! Every value is taken as text and handed to `overdue_api::calc`, which parses and checks
//! it, so a bad value is reported the same way as any other error (`error: ...`, or
//! `{"code":"invalid_input","message":...}` with `--json`) with exit code 2.

use clap::{Args, Subcommand};
use overdue_api::calc::{
    self, CreditCalcRequest, CreditCalcResult, InterestCalcRequest, InterestCalcResult,
    PlanCalcRequest, PlanCalcResult, ScoreRequest, ScoreResult,
};
use overdue_api::{ApiError, ErrorCode};

/// Calculators.
#[derive(Debug, Subcommand)]
pub enum CalcCommand {
    /// Late-payment interest and fixed compensation for one invoice.
    Interest(InterestArgs),
    /// Payment score (PAYDEX-like, 1-100; "UN" below 3 experiences).
    Score(ScoreArgs),
    /// Credit check: may a new order ship on credit? (HOLD or RELEASE)
    Credit(CreditArgs),
    /// Payment plan: due dates and installments, interest-free or with interest.
    Plan(PlanArgs),
}

/// `overdue calc interest`.
#[derive(Debug, Args)]
pub struct InterestArgs {
    /// Law to apply: uk, eu, ie, de, fr, us-ca, us-ny or contract (required).
    #[arg(long, value_name = "CODE")]
    jurisdiction: Option<String>,
    /// Unpaid invoice amount, e.g. 2400.00 (required).
    #[arg(long, value_name = "AMOUNT", allow_negative_numbers = true)]
    principal: Option<String>,
    /// ISO 4217 currency [default: GBP for uk, EUR for eu/ie/de/fr, USD for us-ca/us-ny;
    /// required for contract].
    #[arg(long, value_name = "CODE")]
    currency: Option<String>,
    /// Due date, YYYY-MM-DD; interest runs from the day after (required).
    #[arg(long, value_name = "DATE")]
    due: Option<String>,
    /// Payment or as-of date, YYYY-MM-DD, included in the interest period (required).
    #[arg(long, value_name = "DATE")]
    until: Option<String>,
    /// business or consumer [default: business].
    #[arg(long, value_name = "KIND")]
    debtor_kind: Option<String>,
    /// Part payment received, AMOUNT@DATE, e.g. 2000.00@2025-05-15 (repeatable).
    #[arg(
        long = "payment",
        value_name = "AMOUNT@DATE",
        allow_hyphen_values = true
    )]
    payments: Vec<String>,
    /// Agreed rate in percent a year, e.g. 8.5: required for contract, replaces the
    /// statutory rate elsewhere.
    #[arg(long, value_name = "PERCENT", allow_negative_numbers = true)]
    rate: Option<String>,
    /// Do not claim the fixed compensation (or the contract's fees).
    #[arg(long)]
    no_compensation: bool,
    /// gov.uk method: round the daily interest to the penny before multiplying by the days.
    #[arg(long)]
    govuk_rounding: bool,
    /// Rate table CSV (series,valid_from,valid_to,rate,source); its rows take precedence
    /// over the shipped table's.
    #[arg(long, value_name = "FILE")]
    rates: Option<String>,
    /// Contract only: days after the due date before interest and fees apply.
    #[arg(long, value_name = "DAYS", allow_negative_numbers = true)]
    grace_days: Option<String>,
    /// Contract only: fixed late fee per invoice, e.g. 25.00.
    #[arg(long, value_name = "AMOUNT", allow_negative_numbers = true)]
    fee: Option<String>,
    /// Contract only: late fee in percent of the debt, e.g. 5.
    #[arg(long, value_name = "PERCENT", allow_negative_numbers = true)]
    fee_percent: Option<String>,
    /// Contract only: the most interest and fees together may come to, e.g. 500.00.
    #[arg(long, value_name = "AMOUNT", allow_negative_numbers = true)]
    cap: Option<String>,
}

/// `overdue calc score`.
#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// Payment experience AMOUNT@DBT: invoice amount @ days beyond terms (payment date -
    /// due date; negative when paid early), e.g. 5000.00@15 or 5000@-10 (repeatable).
    #[arg(
        long = "experience",
        value_name = "AMOUNT@DBT",
        allow_hyphen_values = true
    )]
    experiences: Vec<String>,
}

/// `overdue calc credit`.
#[derive(Debug, Args)]
pub struct CreditArgs {
    /// Credit limit, e.g. 10000.00 (required).
    #[arg(long, value_name = "AMOUNT", allow_negative_numbers = true)]
    limit: Option<String>,
    /// Open receivables (unpaid invoices), e.g. 6800.00 (required; 0 when none).
    #[arg(long, value_name = "AMOUNT", allow_negative_numbers = true)]
    open: Option<String>,
    /// The new order's amount, e.g. 3000.00 (required).
    #[arg(long, value_name = "AMOUNT", allow_negative_numbers = true)]
    order: Option<String>,
    /// Orders accepted but not yet invoiced [default: 0].
    #[arg(long, value_name = "AMOUNT", allow_negative_numbers = true)]
    open_orders: Option<String>,
    /// Days past due of the oldest open invoice [default: nothing overdue].
    #[arg(long, value_name = "DAYS", allow_negative_numbers = true)]
    oldest_dpd: Option<String>,
    /// Days past due tolerated before holding orders [default: 30].
    #[arg(long, value_name = "DAYS", allow_negative_numbers = true)]
    tolerance: Option<String>,
    /// ISO 4217 currency [default: EUR].
    #[arg(long, value_name = "CODE")]
    currency: Option<String>,
    /// The debtor's payment score (1-100 or UN): the limit then follows the score band
    /// (80-100: 100%, 50-79: 50%, below 50: cash in advance, UN: 100%).
    #[arg(long, value_name = "SCORE", allow_negative_numbers = true)]
    score: Option<String>,
}

/// `overdue calc plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Amount owed, including any down payment, e.g. 1000.00 (required).
    #[arg(long, value_name = "AMOUNT", allow_negative_numbers = true)]
    total: Option<String>,
    /// ISO 4217 currency, e.g. EUR (required).
    #[arg(long, value_name = "CODE")]
    currency: Option<String>,
    /// Number of installments after any down payment, 1-360 (required).
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    installments: Option<String>,
    /// Date of the first payment, YYYY-MM-DD (required unless --date is given).
    #[arg(long, value_name = "DATE")]
    first_due: Option<String>,
    /// monthly, fortnightly or weekly [default: monthly].
    #[arg(long, value_name = "FREQUENCY")]
    frequency: Option<String>,
    /// interest-free, annuity or equal-principal [default: annuity with a --rate above
    /// zero, else interest-free].
    #[arg(long, value_name = "METHOD")]
    method: Option<String>,
    /// Annual interest rate in percent, e.g. 6.
    #[arg(long, value_name = "PERCENT", allow_negative_numbers = true)]
    rate: Option<String>,
    /// Which installment takes the leftover cents: last or first [default: last].
    #[arg(long, value_name = "WHICH")]
    remainder: Option<String>,
    /// Paid up front on the first due date; installment 1 is then one period later.
    #[arg(long, value_name = "AMOUNT", allow_negative_numbers = true)]
    down_payment: Option<String>,
    /// Custom due date, one per installment, instead of --frequency (repeatable;
    /// interest-free plans only).
    #[arg(long = "date", value_name = "DATE")]
    dates: Vec<String>,
}

/// Runs a calculator and prints its result.
pub fn run(command: CalcCommand, json: bool) -> Result<(), ApiError> {
    match command {
        CalcCommand::Interest(a) => {
            let r = calc::interest(InterestCalcRequest {
                jurisdiction: a.jurisdiction.unwrap_or_default(),
                principal: a.principal.unwrap_or_default(),
                currency: a.currency.unwrap_or_default(),
                due: a.due.unwrap_or_default(),
                until: a.until.unwrap_or_default(),
                debtor_kind: a.debtor_kind.unwrap_or_default(),
                payments: a
                    .payments
                    .iter()
                    .map(|p| calc::payment_arg(p))
                    .collect::<Result<_, _>>()?,
                rate: a.rate,
                claim_compensation: !a.no_compensation,
                govuk_rounding: a.govuk_rounding,
                rates_file: a.rates,
                grace_days: a.grace_days,
                fee: a.fee,
                fee_percent: a.fee_percent,
                cap: a.cap,
            })?;
            output(&r, json, print_interest)
        }
        CalcCommand::Score(a) => {
            let r = calc::score(ScoreRequest {
                experiences: a
                    .experiences
                    .iter()
                    .map(|e| calc::experience_arg(e))
                    .collect::<Result<_, _>>()?,
            })?;
            output(&r, json, print_score)
        }
        CalcCommand::Credit(a) => {
            let r = calc::credit(CreditCalcRequest {
                limit: a.limit.unwrap_or_default(),
                open: a.open.unwrap_or_default(),
                order: a.order.unwrap_or_default(),
                open_orders: a.open_orders.unwrap_or_default(),
                oldest_dpd: a.oldest_dpd.unwrap_or_default(),
                tolerance: a.tolerance.unwrap_or_default(),
                currency: a.currency.unwrap_or_default(),
                score: a.score.unwrap_or_default(),
            })?;
            output(&r, json, print_credit)
        }
        CalcCommand::Plan(a) => {
            let r = calc::plan(PlanCalcRequest {
                total: a.total.unwrap_or_default(),
                currency: a.currency.unwrap_or_default(),
                installments: a.installments.unwrap_or_default(),
                first_due: a.first_due.unwrap_or_default(),
                frequency: a.frequency.unwrap_or_default(),
                method: a.method.unwrap_or_default(),
                rate: a.rate.unwrap_or_default(),
                remainder: a.remainder.unwrap_or_default(),
                down_payment: a.down_payment.unwrap_or_default(),
                dates: a.dates,
            })?;
            output(&r, json, print_plan)
        }
    }
}

fn output<T: serde::Serialize>(value: &T, json: bool, human: fn(&T)) -> Result<(), ApiError> {
    if json {
        let text = serde_json::to_string_pretty(value)
            .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
        println!("{text}");
    } else {
        human(value);
    }
    Ok(())
}

fn print_interest(r: &InterestCalcResult) {
    let c = &r.currency;
    println!("Late-payment interest under {} ({})", r.law, r.jurisdiction);
    println!(
        "Principal {} {c}, due {}, calculated to {} ({} days late; interest from {})",
        r.principal, r.due, r.until, r.days_late, r.interest_start
    );
    if !r.segments.is_empty() {
        println!();
        println!(
            "{:<10}  {:<10}  {:>5}  {:>14}  {:>7}  {:>10}  {:>12}",
            "FROM", "TO", "DAYS", "PRINCIPAL", "RATE %", "DAILY", "INTEREST"
        );
        for s in &r.segments {
            println!(
                "{:<10}  {:<10}  {:>5}  {:>14}  {:>7}  {:>10}  {:>12}",
                s.from, s.to, s.days, s.principal, s.rate, s.daily, s.interest
            );
        }
    }
    if !r.allocations.is_empty() {
        println!();
        println!(
            "{:<10}  {:>14}  {:>12}  {:>12}  {:>14}",
            "PAYMENT", "AMOUNT", "TO COSTS", "TO INTEREST", "TO PRINCIPAL"
        );
        for a in &r.allocations {
            println!(
                "{:<10}  {:>14}  {:>12}  {:>12}  {:>14}",
                a.date, a.amount, a.to_costs, a.to_interest, a.to_principal
            );
        }
    }
    println!();
    let rows = [
        ("Interest", &r.interest),
        ("Compensation and fees", &r.compensation),
        ("Principal outstanding", &r.principal_outstanding),
        ("Balance due", &r.balance_due),
    ];
    for (label, value) in rows {
        println!("{label:<26} {value:>14} {c}");
    }
    // Interest still runs where the rate is missing; its daily amount is not known.
    let daily = match &r.rate_gap {
        Some(_) => "not known (rate missing)".to_string(),
        None => format!("{:>14} {c}", r.daily_interest),
    };
    println!("{:<26} {daily}", "Interest per day from now");
    println!();
    println!("Basis: {}", r.basis);
    println!("Compensation: {}", r.compensation_basis);
}

fn print_score(r: &ScoreResult) {
    match (r.score, &r.band_range, &r.band_meaning) {
        (Some(s), Some(range), Some(meaning)) => {
            println!("Payment score: {s} (band {range}: {meaning})")
        }
        (Some(s), _, _) => println!("Payment score: {s}"),
        (None, _, _) => println!("Payment score: UN (unscored: fewer than 3 experiences)"),
    }
    println!(
        "Experiences: {}   weighted days beyond terms: {}   weighted index: {}",
        r.experiences,
        r.weighted_dbt.as_deref().unwrap_or("-"),
        r.weighted_index.as_deref().unwrap_or("-")
    );
    if !r.lines.is_empty() {
        println!();
        println!("{:>14}  {:>6}  {:>9}", "AMOUNT", "DBT", "INDEX");
        for l in &r.lines {
            println!(
                "{:>14}  {:>6}  {:>9}{}",
                l.amount,
                l.dbt,
                l.index,
                if l.counted {
                    ""
                } else {
                    "  (left out: no amount)"
                }
            );
        }
    }
    println!();
    println!("{}", r.summary);
    for d in &r.details {
        println!("- {d}");
    }
}

fn print_credit(r: &CreditCalcResult) {
    let c = &r.currency;
    println!("Decision: {}", r.decision);
    println!("{:<22} {:>14} {c}", "Exposure", r.exposure);
    println!("{:<22} {:>14} {c}", "Credit limit", r.limit);
    match &r.over_by {
        Some(over) => println!("{:<22} {:>14} {c}", "Over the limit by", over),
        None => println!("{:<22} {:>14} {c}", "Headroom", r.headroom),
    }
    println!();
    for reason in &r.reasons {
        println!("- {reason}");
    }
}

fn print_plan(r: &PlanCalcResult) {
    let c = &r.currency;
    println!(
        "{:>4}  {:<10}  {:>14}  {:>14}  {:>12}  {:>14}",
        "#", "DUE", "AMOUNT", "PRINCIPAL", "INTEREST", "BALANCE AFTER"
    );
    for i in &r.installments {
        println!(
            "{:>4}  {:<10}  {:>14}  {:>14}  {:>12}  {:>14}",
            if i.n == 0 {
                "down".to_string()
            } else {
                i.n.to_string()
            },
            i.due,
            i.amount,
            i.principal,
            i.interest,
            i.balance_after
        );
    }
    println!();
    println!("Total paid:     {:>14} {c}", r.total_paid);
    println!("Total interest: {:>14} {c}", r.total_interest);
    println!();
    println!("{}", r.summary);
}
