//! `overdue plan|promise|settlement|hold|dispute|collection ...`: payment plans, promises
//! to pay, settlements, holds, dispute resolution and the debtor's collection state. The
//! `plan create|show|list`, `promise add` and `collection state` commands are a stable
//! contract (scripts call them).

use clap::{Args, Subcommand, ValueEnum};
use overdue_api::collections::{
    CollectionStateDto, HoldInput, PaymentPlanDto, PlanInput, PromiseInput, SettlementDto,
    SettlementInput,
};
use overdue_api::{Api, ApiError};

use crate::ledger::debtor_id;
use crate::print_json;

/// Collections commands (they need a database).
#[derive(Subcommand)]
pub enum CollectionsCommand {
    /// Payment plans: preview, create (agree), show, list.
    #[command(subcommand)]
    Plan(PlanCommand),
    /// Promises to pay: add, list.
    #[command(subcommand)]
    Promise(PromiseCommand),
    /// Settlement offers: offer, accept, list.
    #[command(subcommand)]
    Settlement(SettlementCommand),
    /// Manual holds of dunning: add, release.
    #[command(subcommand)]
    Hold(HoldCommand),
    /// Resolve an invoice's dispute: uphold (credit note) or reject (dunning resumes).
    #[command(subcommand)]
    Dispute(DisputeCommand),
    /// A debtor's collection state; installment reminders due.
    #[command(subcommand)]
    Collection(CollectionCommand),
}

#[derive(Clone, Copy, ValueEnum)]
pub enum FrequencyArg {
    Monthly,
    Fortnightly,
    Weekly,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum MethodArg {
    InterestFree,
    Annuity,
    EqualPrincipal,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum RemainderArg {
    Last,
    First,
}

/// The terms of a plan.
#[derive(Args)]
pub struct PlanTerms {
    /// The debtor: external reference, or `#42` for database id 42.
    #[arg(long)]
    debtor: String,
    /// Invoice numbers the plan covers, comma-separated.
    #[arg(long, value_delimiter = ',', required = true)]
    invoices: Vec<String>,
    /// Number of installments after any down payment.
    #[arg(long)]
    installments: u32,
    /// Date of the first payment (YYYY-MM-DD).
    #[arg(long)]
    first_due: String,
    /// How often installments fall due.
    #[arg(long, value_enum, default_value = "monthly")]
    frequency: FrequencyArg,
    /// How installments are worked out (default: annuity with --rate, else interest-free).
    #[arg(long, value_enum)]
    method: Option<MethodArg>,
    /// Annual interest rate in percent.
    #[arg(long, default_value = "")]
    rate: String,
    /// Paid up front on the first due date.
    #[arg(long, default_value = "")]
    down_payment: String,
    /// Which installment takes leftover cents.
    #[arg(long, value_enum, default_value = "last")]
    remainder: RemainderArg,
    /// Days after a due date before an installment counts as missed.
    #[arg(long, default_value_t = 5)]
    grace_days: u32,
    /// Who agreed the plan.
    #[arg(long, default_value = "")]
    agreed_by: String,
    /// Note.
    #[arg(long, default_value = "")]
    note: String,
}

#[derive(Subcommand)]
pub enum PlanCommand {
    /// Show the schedule a plan would have, without storing it.
    Preview(PlanTerms),
    /// Agree a plan and store its schedule.
    Create(PlanTerms),
    /// One plan with each installment's status.
    Show {
        /// Plan id.
        id: i64,
    },
    /// A debtor's plans.
    List {
        /// The debtor: external reference or `#id`.
        #[arg(long)]
        debtor: String,
    },
}

#[derive(Subcommand)]
pub enum PromiseCommand {
    /// Record a promise to pay (pauses dunning until its date).
    Add {
        /// The debtor: external reference or `#id`.
        #[arg(long)]
        debtor: String,
        /// Amount promised.
        #[arg(long)]
        amount: String,
        /// Promised by (YYYY-MM-DD).
        #[arg(long)]
        date: String,
        /// The contact-log event (call, email) it was made in.
        #[arg(long)]
        event: Option<i64>,
        /// Who took it.
        #[arg(long, default_value = "")]
        author: String,
        /// Note.
        #[arg(long, default_value = "")]
        note: String,
    },
    /// A debtor's promises with their status.
    List {
        /// The debtor: external reference or `#id`.
        #[arg(long)]
        debtor: String,
    },
}

#[derive(Subcommand)]
pub enum SettlementCommand {
    /// Offer to settle for less: an amount or a percentage of the claim.
    Offer {
        /// The debtor: external reference or `#id`.
        #[arg(long)]
        debtor: String,
        /// Invoice numbers covered, comma-separated (default: all open invoices).
        #[arg(long, value_delimiter = ',')]
        invoices: Vec<String>,
        /// Agreed amount.
        #[arg(long, default_value = "")]
        amount: String,
        /// Or a percentage of the claim, e.g. 60.
        #[arg(long, default_value = "")]
        percent: String,
        /// Pay by (YYYY-MM-DD).
        #[arg(long)]
        deadline: String,
        /// Paid in one go (one_off) or by a plan (by_plan).
        #[arg(long, default_value = "one_off")]
        mode: String,
        /// Who offered it.
        #[arg(long, default_value = "")]
        by: String,
        /// Note.
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Record that the debtor accepted an offer.
    Accept {
        /// Offer id.
        id: i64,
        /// Accepted on (default today).
        #[arg(long, default_value = "")]
        date: String,
        /// Who recorded it.
        #[arg(long, default_value = "")]
        by: String,
    },
    /// A debtor's settlement offers.
    List {
        /// The debtor: external reference or `#id`.
        #[arg(long)]
        debtor: String,
    },
}

#[derive(Subcommand)]
pub enum HoldCommand {
    /// Pause dunning for a debtor until a date.
    Add {
        /// The debtor: external reference or `#id`.
        #[arg(long)]
        debtor: String,
        /// Why.
        #[arg(long)]
        reason: String,
        /// Until (YYYY-MM-DD, inclusive).
        #[arg(long)]
        until: String,
        /// From (default today).
        #[arg(long, default_value = "")]
        from: String,
        /// Who.
        #[arg(long, default_value = "")]
        by: String,
    },
    /// End a hold today.
    Release {
        /// Hold id.
        id: i64,
        /// Why.
        #[arg(long, default_value = "")]
        reason: String,
        /// Who.
        #[arg(long, default_value = "")]
        by: String,
    },
}

#[derive(Subcommand)]
pub enum DisputeCommand {
    /// The debtor is right: a credit note for the invoice's whole open balance.
    Uphold {
        /// Invoice number.
        invoice: String,
        /// Credit note number.
        #[arg(long, default_value = "")]
        credit_note: String,
        /// Date (default today).
        #[arg(long, default_value = "")]
        date: String,
        /// Who decided.
        #[arg(long, default_value = "")]
        by: String,
    },
    /// The debtor is wrong: dunning resumes.
    Reject {
        /// Invoice number.
        invoice: String,
        /// Date (default today).
        #[arg(long, default_value = "")]
        date: String,
        /// Who decided.
        #[arg(long, default_value = "")]
        by: String,
    },
}

#[derive(Subcommand)]
pub enum CollectionCommand {
    /// A debtor's collection state: active, paused (why, until), in default, settled.
    State {
        /// The debtor: external reference or `#id`.
        #[arg(long)]
        debtor: String,
        /// As of (default today).
        #[arg(long, default_value = "")]
        as_of: String,
    },
    /// Installment reminders due (for the dunning engine).
    Reminders {
        /// As of (default today).
        #[arg(long, default_value = "")]
        as_of: String,
        /// Days before the due date.
        #[arg(long, default_value_t = 5)]
        days_before: u32,
    },
}

async fn plan_input(api: &Api, t: PlanTerms) -> Result<PlanInput, ApiError> {
    let debtor_id = debtor_id(api, &t.debtor).await?;
    let mut invoice_ids = Vec::with_capacity(t.invoices.len());
    for n in t
        .invoices
        .iter()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
    {
        invoice_ids.push(api.invoice_by_number(n).await?.invoice.id);
    }
    Ok(PlanInput {
        debtor_id,
        invoice_ids,
        installments: t.installments.to_string(),
        first_due: t.first_due,
        frequency: match t.frequency {
            FrequencyArg::Monthly => "monthly",
            FrequencyArg::Fortnightly => "fortnightly",
            FrequencyArg::Weekly => "weekly",
        }
        .into(),
        method: match t.method {
            None => "",
            Some(MethodArg::InterestFree) => "interest-free",
            Some(MethodArg::Annuity) => "annuity",
            Some(MethodArg::EqualPrincipal) => "equal-principal",
        }
        .into(),
        rate: t.rate,
        remainder: match t.remainder {
            RemainderArg::Last => "last",
            RemainderArg::First => "first",
        }
        .into(),
        down_payment: t.down_payment,
        dates: Vec::new(),
        grace_days: t.grace_days,
        agreed_by: t.agreed_by,
        note: t.note,
    })
}

fn print_plan(p: &PaymentPlanDto) {
    println!(
        "Plan #{} for debtor #{}: {} {} ({}, {}), agreed {} by {}; {}",
        p.id,
        p.debtor_id,
        p.total,
        p.currency,
        p.method,
        p.frequency,
        p.agreed_on,
        if p.agreed_by.is_empty() {
            "-"
        } else {
            &p.agreed_by
        },
        match p.status {
            overdue_api::collections::PlanStatusDto::Active => "active",
            overdue_api::collections::PlanStatusDto::Defaulted => "IN DEFAULT",
            overdue_api::collections::PlanStatusDto::Completed => "completed",
        }
    );
    for i in &p.installments {
        println!(
            "  {:>3}  {}  {:>12}  paid {:>12}  {:?}",
            i.n, i.due, i.amount, i.paid, i.status
        );
    }
    println!(
        "  paid {} {}, remaining {} {}",
        p.paid, p.currency, p.remaining, p.currency
    );
}

fn print_settlement(s: &SettlementDto) {
    println!(
        "Settlement #{}: {} {} instead of {} by {} ({:?}); paid {}{}",
        s.id,
        s.amount,
        s.currency,
        s.claim,
        s.deadline,
        s.status,
        s.paid,
        if s.written_off.is_empty() {
            String::new()
        } else {
            format!(", written off {}", s.written_off)
        }
    );
}

fn print_state(s: &CollectionStateDto) {
    let word = match s.state {
        overdue_api::collections::CollectionStateKind::Active => "active",
        overdue_api::collections::CollectionStateKind::Paused => "paused",
        overdue_api::collections::CollectionStateKind::InDefault => "in default",
        overdue_api::collections::CollectionStateKind::Settled => "settled",
    };
    println!("Debtor #{} on {}: {word}", s.debtor_id, s.as_of);
    if !s.reason.is_empty() {
        println!("  {}", s.reason);
    }
    for p in &s.invoice_pauses {
        println!("  paused: {}", p.reason);
    }
}

/// Runs one collections command.
pub async fn run(api: &Api, command: CollectionsCommand, json: bool) -> Result<(), ApiError> {
    match command {
        CollectionsCommand::Plan(PlanCommand::Preview(t)) => {
            let p = api.plan_preview(plan_input(api, t).await?).await?;
            if json {
                return print_json(&p);
            }
            println!(
                "{} {} owed on {} invoice(s)",
                p.owed,
                p.currency,
                p.invoices.len()
            );
            for i in &p.schedule.installments {
                println!("  {:>3}  {}  {:>12}", i.n, i.due, i.amount);
            }
            println!(
                "  total {} (interest {})",
                p.schedule.total_paid, p.schedule.total_interest
            );
            Ok(())
        }
        CollectionsCommand::Plan(PlanCommand::Create(t)) => {
            let p = api.plan_create(plan_input(api, t).await?).await?;
            if json {
                print_json(&p)
            } else {
                print_plan(&p);
                Ok(())
            }
        }
        CollectionsCommand::Plan(PlanCommand::Show { id }) => {
            let p = api.plan_get(id).await?;
            if json {
                print_json(&p)
            } else {
                print_plan(&p);
                Ok(())
            }
        }
        CollectionsCommand::Plan(PlanCommand::List { debtor }) => {
            let plans = api.plans_of(debtor_id(api, &debtor).await?).await?;
            if json {
                return print_json(&plans);
            }
            plans.iter().for_each(print_plan);
            Ok(())
        }
        CollectionsCommand::Promise(PromiseCommand::Add {
            debtor,
            amount,
            date,
            event,
            author,
            note,
        }) => {
            let p = api
                .promise_add(PromiseInput {
                    debtor_id: debtor_id(api, &debtor).await?,
                    amount,
                    date,
                    made_on: String::new(),
                    event_id: event,
                    author,
                    note,
                })
                .await?;
            if json {
                print_json(&p)
            } else {
                println!(
                    "Promise #{}: {} {} by {} ({:?})",
                    p.id, p.amount, p.currency, p.date, p.status
                );
                Ok(())
            }
        }
        CollectionsCommand::Promise(PromiseCommand::List { debtor }) => {
            let ps = api.promises_of(debtor_id(api, &debtor).await?).await?;
            if json {
                return print_json(&ps);
            }
            for p in &ps {
                println!(
                    "#{} {} {} by {} (made {}): {:?}, paid {}",
                    p.id, p.amount, p.currency, p.date, p.made_on, p.status, p.paid
                );
            }
            Ok(())
        }
        CollectionsCommand::Settlement(SettlementCommand::Offer {
            debtor,
            invoices,
            amount,
            percent,
            deadline,
            mode,
            by,
            note,
        }) => {
            let mut invoice_ids = Vec::new();
            for n in invoices.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
                invoice_ids.push(api.invoice_by_number(n).await?.invoice.id);
            }
            let s = api
                .settlement_offer_add(SettlementInput {
                    debtor_id: debtor_id(api, &debtor).await?,
                    invoice_ids,
                    amount,
                    percent,
                    deadline,
                    mode,
                    offered_by: by,
                    note,
                })
                .await?;
            if json {
                print_json(&s)
            } else {
                print_settlement(&s);
                Ok(())
            }
        }
        CollectionsCommand::Settlement(SettlementCommand::Accept { id, date, by }) => {
            let s = api.settlement_accept(id, &date, &by).await?;
            if json {
                print_json(&s)
            } else {
                print_settlement(&s);
                Ok(())
            }
        }
        CollectionsCommand::Settlement(SettlementCommand::List { debtor }) => {
            let ss = api.settlements_of(debtor_id(api, &debtor).await?).await?;
            if json {
                return print_json(&ss);
            }
            ss.iter().for_each(print_settlement);
            Ok(())
        }
        CollectionsCommand::Hold(HoldCommand::Add {
            debtor,
            reason,
            until,
            from,
            by,
        }) => {
            let h = api
                .hold_add(HoldInput {
                    debtor_id: debtor_id(api, &debtor).await?,
                    reason,
                    from,
                    until,
                    author: by,
                })
                .await?;
            if json {
                print_json(&h)
            } else {
                println!("Hold #{}: {} to {}: {}", h.id, h.from, h.until, h.reason);
                Ok(())
            }
        }
        CollectionsCommand::Hold(HoldCommand::Release { id, reason, by }) => {
            let h = api.hold_release(id, &reason, &by).await?;
            if json {
                print_json(&h)
            } else {
                println!("Hold #{} released on {}", h.id, h.released_on);
                Ok(())
            }
        }
        CollectionsCommand::Dispute(c) => {
            let (invoice, date, by, upheld, credit_note) = match c {
                DisputeCommand::Uphold {
                    invoice,
                    credit_note,
                    date,
                    by,
                } => (invoice, date, by, true, credit_note),
                DisputeCommand::Reject { invoice, date, by } => {
                    (invoice, date, by, false, String::new())
                }
            };
            let id = api.invoice_by_number(&invoice).await?.invoice.id;
            let d = api
                .invoice_dispute_settle(id, &date, upheld, &credit_note, &by)
                .await?;
            if json {
                print_json(&d)
            } else {
                println!(
                    "Invoice {}: dispute {}; open {} {}",
                    d.invoice.number,
                    if upheld { "upheld" } else { "rejected" },
                    d.invoice.open,
                    d.invoice.currency
                );
                Ok(())
            }
        }
        CollectionsCommand::Collection(CollectionCommand::State { debtor, as_of }) => {
            let s = api
                .collection_state(debtor_id(api, &debtor).await?, &as_of)
                .await?;
            if json {
                print_json(&s)
            } else {
                print_state(&s);
                Ok(())
            }
        }
        CollectionsCommand::Collection(CollectionCommand::Reminders { as_of, days_before }) => {
            let r = api.installment_reminders_due(&as_of, days_before).await?;
            if json {
                return print_json(&r);
            }
            for x in &r {
                println!(
                    "plan #{} debtor #{} installment {} due {}: {} {}",
                    x.plan_id, x.debtor_id, x.n, x.due, x.amount, x.currency
                );
            }
            Ok(())
        }
    }
}
