//! `overdue late-fee ...`: a debtor's late-fee policy, its interest to date, "claim now",
//! and the printable calculation.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use overdue_api::interest_pdf::InterestPrint;
use overdue_api::latefees::{LateFeePolicyDto, RateChange, RateRowInput};
use overdue_api::{Api, ApiError};

use crate::ledger::debtor_id;
use crate::print_json;

/// Late-fee commands on the stored book.
#[derive(Subcommand)]
pub enum LateFeeCommand {
    /// The policy that applies to a debtor (its own or the default), in words.
    Show {
        /// The debtor's external reference (or #id).
        #[arg(long)]
        debtor: String,
    },
    /// Give a debtor its own policy (or `--kind default` to follow the default again).
    Set(SetArgs),
    /// Interest and compensation to date on each overdue invoice, with the working.
    Interest {
        /// The debtor's external reference (or #id).
        #[arg(long)]
        debtor: String,
        /// The date (default: today).
        #[arg(long, default_value = "")]
        as_of: String,
        /// Also write the calculation as a PDF (kept on the debtor's record).
        #[arg(long)]
        pdf: Option<PathBuf>,
    },
    /// Book the interest and compensation not yet charged as charges on the account.
    Claim {
        /// The debtor's external reference (or #id).
        #[arg(long)]
        debtor: String,
    },
    /// The reference-rate table in use: list it, import a publisher's file, add or remove
    /// a row.
    #[command(subcommand)]
    Rates(RatesCommand),
}

/// `overdue late-fee rates ...`
#[derive(Subcommand)]
pub enum RatesCommand {
    /// Every rate in use, by series and date; your own rows are marked with their id.
    List,
    /// Read a rate file as downloaded from its publisher (ECB Data Portal CSV of the main
    /// refinancing rate, Bundesbank time-series CSV of the base rate, Bank of England Bank
    /// Rate CSV, Banque de France legal rate, or Overdue's own rate CSV) and show what it
    /// changes; `--apply` saves the new and changed rows.
    Import {
        /// The file.
        file: PathBuf,
        /// Save the new and changed rows (without it nothing is written).
        #[arg(long)]
        apply: bool,
    },
    /// Add a rate row (e.g. a half-year's base rate as published).
    Add {
        /// Series: ecb_mro, de_basiszins, boe_base, ...
        #[arg(long)]
        series: String,
        /// First day in force (YYYY-MM-DD).
        #[arg(long)]
        from: String,
        /// Last day in force (YYYY-MM-DD).
        #[arg(long)]
        to: String,
        /// Percent a year, e.g. 1.27.
        #[arg(long)]
        rate: String,
        /// Where it was published.
        #[arg(long)]
        source: String,
    },
    /// Remove one of your rows (the shipped row, if any, applies again).
    Delete {
        /// The row's id (see `list`).
        id: i64,
    },
}

/// `overdue late-fee set`.
#[derive(Args)]
pub struct SetArgs {
    /// The debtor's external reference (or #id).
    #[arg(long)]
    debtor: String,
    /// auto (statutory rule of the debtor's country), statutory, contract, none, or
    /// default (drop the debtor's own policy).
    #[arg(long)]
    kind: String,
    /// For statutory: uk, eu, ie, de, fr, us-ca, us-ny.
    #[arg(long, default_value = "")]
    jurisdiction: String,
    /// For a UK debtor: england-wales (default), scotland or northern-ireland (limitation
    /// periods and the court).
    #[arg(long, default_value = "")]
    uk_region: String,
    /// Contract rate in percent a year (or an override of the statutory rate).
    #[arg(long, default_value = "")]
    rate: String,
    /// Contract: fixed fee per invoice.
    #[arg(long, default_value = "")]
    fixed_fee: String,
    /// Contract: fee in percent of the invoice.
    #[arg(long, default_value = "")]
    percentage_fee: String,
    /// Contract: days of grace after the due date.
    #[arg(long, default_value_t = 0)]
    grace_days: u32,
    /// Contract: cap on interest and fees per invoice.
    #[arg(long, default_value = "")]
    cap: String,
    /// Do not claim the fixed compensation.
    #[arg(long)]
    no_compensation: bool,
    /// gov.uk rounding (daily interest rounded to the penny).
    #[arg(long)]
    govuk_rounding: bool,
}

/// Runs a late-fee command.
pub async fn run(api: &Api, c: LateFeeCommand, json: bool) -> Result<(), ApiError> {
    match c {
        LateFeeCommand::Show { debtor } => {
            let lf = api.late_fee_of(debtor_id(api, &debtor).await?).await?;
            if json {
                return print_json(&lf);
            }
            println!(
                "{}{}",
                lf.summary,
                if lf.own { "" } else { " (the default)" }
            );
            Ok(())
        }
        LateFeeCommand::Set(a) => {
            let id = debtor_id(api, &a.debtor).await?;
            let policy = (a.kind != "default").then(|| LateFeePolicyDto {
                kind: a.kind.clone(),
                jurisdiction: a.jurisdiction,
                rate: a.rate,
                fixed_fee: a.fixed_fee,
                percentage_fee: a.percentage_fee,
                grace_days: a.grace_days,
                cap: a.cap,
                claim_compensation: !a.no_compensation,
                govuk_rounding: a.govuk_rounding,
                fee_per_level: String::new(),
                uk_region: a.uk_region,
            });
            let lf = api.late_fee_set(id, policy).await?;
            if json {
                return print_json(&lf);
            }
            println!("{}", lf.summary);
            Ok(())
        }
        LateFeeCommand::Interest { debtor, as_of, pdf } => {
            let id = debtor_id(api, &debtor).await?;
            let i = api.debtor_interest(id, &as_of).await?;
            if let Some(path) = &pdf {
                let what = InterestPrint::Debtor {
                    debtor_id: id,
                    as_of: as_of.clone(),
                };
                let saved = api.interest_pdf_to(&what, path).await?;
                if !json {
                    println!("Wrote {} (SHA-256 {})", saved.path, saved.sha256);
                }
            }
            if json {
                return print_json(&i);
            }
            println!("{} as of {}", i.policy, i.as_of);
            for v in &i.invoices {
                println!(
                    "  {:<14} due {}  open {:>12}  interest {:>10}  compensation {:>8}  not yet charged {:>10}",
                    v.number, v.due_date, v.open, v.interest, v.compensation, v.claimable
                );
            }
            println!(
                "  total {}: interest {}, compensation {}, not yet charged {}",
                i.currency, i.interest, i.compensation, i.claimable
            );
            for p in &i.problems {
                eprintln!("note: {p}");
            }
            Ok(())
        }
        LateFeeCommand::Claim { debtor } => {
            let id = debtor_id(api, &debtor).await?;
            let charges = api.charges_claim(id, "overdue").await?;
            if json {
                return print_json(&charges);
            }
            if charges.is_empty() {
                println!("Nothing to claim: every amount is already charged.");
            }
            for c in &charges {
                println!(
                    "Charged {} {} on {} ({})",
                    c.kind, c.amount, c.invoice_number, c.charged_on
                );
            }
            Ok(())
        }
        LateFeeCommand::Rates(r) => rates(api, r, json).await,
    }
}

async fn rates(api: &Api, c: RatesCommand, json: bool) -> Result<(), ApiError> {
    let rows = match c {
        RatesCommand::List => api.rate_table().await?,
        RatesCommand::Import { file, apply } => {
            let bytes = std::fs::read(&file).map_err(|e| {
                ApiError::invalid(format!("{}: cannot be read: {e}", file.display()))
            })?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_else(|| file.display().to_string());
            let r = api.rate_import(&name, &bytes, apply).await?;
            if json {
                return print_json(&r);
            }
            println!("{} ({})", r.file_name, r.publisher);
            for c in &r.changes {
                let what = match (c.change, &c.previous) {
                    (RateChange::New, _) => "new".to_string(),
                    (RateChange::Same, _) => "unchanged".to_string(),
                    (RateChange::Extended, _) => format!("now known to {}", c.valid_to),
                    (RateChange::Changed, Some(p)) => format!("changed from {p}"),
                    (RateChange::Changed, None) => "changed".to_string(),
                };
                println!(
                    "  {:<13} {} to {}  {:>6}%  {what}",
                    c.series, c.valid_from, c.valid_to, c.rate
                );
            }
            for s in &r.skipped {
                println!("  skipped: {s}");
            }
            let n = r
                .changes
                .iter()
                .filter(|c| c.change != RateChange::Same)
                .count();
            if r.applied {
                println!("Saved {n} new or changed row(s).");
            } else if n > 0 {
                println!("{n} new or changed row(s); run again with --apply to save them.");
            } else {
                println!("Nothing to change: the table already has every rate in the file.");
            }
            return Ok(());
        }
        RatesCommand::Add {
            series,
            from,
            to,
            rate,
            source,
        } => {
            api.rate_row_add(RateRowInput {
                series,
                valid_from: from,
                valid_to: to,
                rate,
                source,
            })
            .await?
        }
        RatesCommand::Delete { id } => api.rate_row_delete(id).await?,
    };
    if json {
        return print_json(&rows);
    }
    for r in &rows {
        println!(
            "  {:<13} {} to {}  {:>6}%  {}{}",
            r.series,
            r.valid_from,
            r.valid_to,
            r.rate,
            r.source,
            r.user_id
                .map(|id| format!("  [yours, id {id}]"))
                .unwrap_or_default()
        );
    }
    Ok(())
}
