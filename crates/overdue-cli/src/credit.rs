//! `overdue credit ...`: a stored debtor's payment score, credit check and alerts.

use clap::Subcommand;
use overdue_api::{Api, ApiError};

use crate::ledger::debtor_id;
use crate::print_json;

/// Credit commands on the stored book.
#[derive(Subcommand)]
pub enum CreditCommand {
    /// A debtor's payment score from the ledger, with its explanation and alerts.
    Score {
        /// The debtor's external reference (or #id).
        #[arg(long)]
        debtor: String,
        /// The date to score as of (default: today).
        #[arg(long, default_value = "")]
        as_of: String,
    },
    /// HOLD or RELEASE for a new order of a debtor, with every reason.
    Check {
        /// The debtor's external reference (or #id).
        #[arg(long)]
        debtor: String,
        /// The new order's amount, e.g. 3000.00.
        #[arg(long)]
        amount: String,
        /// Orders accepted but not yet invoiced.
        #[arg(long, default_value = "")]
        open_orders: String,
    },
    /// Recompute every debtor's score and alerts as of today (the app does this daily).
    Refresh,
    /// Debtors over their limit, past tolerance, or whose score dropped a band.
    Alerts {
        /// How many debtors to list.
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
}

/// Runs a credit command.
pub async fn run(api: &Api, c: CreditCommand, json: bool) -> Result<(), ApiError> {
    match c {
        CreditCommand::Score { debtor, as_of } => {
            let id = debtor_id(api, &debtor).await?;
            let c = api.credit_of(id, &as_of).await?;
            if json {
                return print_json(&c);
            }
            let s = &c.score;
            match s.score {
                Some(score) => println!(
                    "{}: score {score} ({}), as of {}",
                    c.name,
                    s.band_meaning.as_deref().unwrap_or(""),
                    c.as_of
                ),
                None => println!("{}: unscored (UN), as of {}", c.name, c.as_of),
            }
            println!("{}", s.summary);
            for d in &s.details {
                println!("  {d}");
            }
            for e in &s.biggest_effects {
                println!("  {}", e.words);
            }
            for a in &c.alerts {
                println!("ALERT: {a}");
            }
            Ok(())
        }
        CreditCommand::Check {
            debtor,
            amount,
            open_orders,
        } => {
            let id = debtor_id(api, &debtor).await?;
            let r = api.credit_check(id, &amount, &open_orders).await?;
            if json {
                return print_json(&r);
            }
            println!(
                "{}: exposure {} {}, headroom {} {}",
                r.decision, r.exposure, r.currency, r.headroom, r.currency
            );
            for reason in &r.reasons {
                println!("  {reason}");
            }
            Ok(())
        }
        CreditCommand::Refresh => {
            let n = api.credit_refresh(None).await?;
            if json {
                return print_json(&serde_json::json!({ "scored": n }));
            }
            println!("Scored {n} debtors.");
            Ok(())
        }
        CreditCommand::Alerts { limit } => {
            let a = api.credit_alerts(limit).await?;
            if json {
                return print_json(&a);
            }
            println!(
                "{} over their limit, {} past tolerance, {} with a score down a band",
                a.over_limit, a.past_tolerance, a.score_dropped
            );
            for d in &a.debtors {
                println!("{} ({}): {}", d.name, d.external_ref, d.reasons.join(" "));
            }
            Ok(())
        }
    }
}
