//! `overdue`: the command line over the same use cases as the desktop app.
//!
//! Every subcommand is one call into [`overdue_api::Api`]; `--json` prints the same DTOs
//! the app receives. Errors go to stderr as `error: ...` (or `{code, message}` with
//! `--json`) with a non-zero exit: 2 for bad input, 1 for everything else.

mod bank;
mod book;
mod calc;
mod collections;
mod credit;
mod dunning;
mod latefees;
mod ledger;
mod pdf;
mod staff;

use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand, ValueEnum};
use overdue_api::dto::{
    ContactDto, Debtor, DebtorInput, DebtorKindDto, DebtorListQuery, DebtorPage, DebtorSortDto,
    DemoRequest, SortDirectionDto,
};
use overdue_api::{config, Api, ApiError, ErrorCode, SystemClock};

#[derive(Parser)]
#[command(
    name = "overdue",
    version,
    about = "Overdue: receivables and debt collection"
)]
struct Cli {
    /// Database: a SQLite file (created when missing) or a postgres:// URL.
    /// Default: the database the app last used, else ~/.local/share/overdue/overdue.db.
    #[arg(long, global = true, env = "OVERDUE_DB")]
    db: Option<String>,
    /// Print machine-readable JSON.
    #[arg(long, global = true)]
    json: bool,
    /// Also write what happens to the log file the app writes (the platform's log folder,
    /// e.g. ~/.local/share/overdue/logs), for a daily run or a support request.
    #[arg(long, global = true)]
    log: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Debtors: add, list, show, search, archive.
    #[command(subcommand)]
    Debtors(DebtorsCommand),
    /// Load a deterministic synthetic dataset (demo data, benchmarks).
    Demo {
        /// Number of debtors.
        #[arg(long, default_value_t = 250)]
        debtors: u32,
        /// Number of invoices over three years.
        #[arg(long, default_value_t = 3000)]
        invoices: u32,
        /// Seed: the same seed gives the same data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Debtors, invoices and payments only: no demo letterhead and no reminders of the
        /// past months (for benchmarks).
        #[arg(long)]
        bare: bool,
    },
    /// Show which database is in use and what it holds.
    Info,
    /// Receivables: import, invoices, payments, reports, exports.
    #[command(flatten)]
    Ledger(ledger::LedgerCommand),
    /// Collections: payment plans, promises, settlements, holds, collection state.
    #[command(flatten)]
    Collections(collections::CollectionsCommand),
    /// Calculators: late-payment interest, payment score, credit check, payment plan.
    #[command(subcommand)]
    Calc(Box<calc::CalcCommand>),
    /// Whole books: copy one from a SQLite file to a PostgreSQL server, or back
    /// (`book copy --from SRC --to DST`; no --db).
    #[command(subcommand)]
    Book(book::BookCommand),
    /// Documents as PDF: invoices, letters, statements, case files, a dunning run's letters.
    #[command(subcommand)]
    Pdf(pdf::PdfCommand),
    /// Attach a file (contract, terms, delivery note) to a debtor or one of its invoices.
    Attach(pdf::AttachArgs),
    /// Benchmarks on a synthetic book (see BENCHMARKS.md).
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Credit: a debtor's payment score, credit check of a new order, alerts.
    #[command(subcommand)]
    Credit(credit::CreditCommand),
    /// Dunning: the collection policy run, outbox, worklist, templates, email settings.
    #[command(subcommand)]
    Dunning(Box<dunning::DunningCommand>),
    /// Late fees: a debtor's policy, interest to date (and its PDF), claim now.
    #[command(subcommand, name = "late-fee")]
    LateFee(latefees::LateFeeCommand),
    /// Bank statements: import (camt, MT940, OFX, CSV), review and match payments.
    #[command(subcommand)]
    Bank(Box<bank::BankCommand>),
    /// Collection agencies: add, hand a claim over, record what they collected, recall,
    /// report.
    #[command(subcommand)]
    Agency(AgencyCommand),
    /// Court claims: the data a claim needs, ready to file (Money Claim Online, Mahnantrag,
    /// injonction de payer).
    #[command(subcommand)]
    Court(CourtCommand),
    /// Staff of a shared book and their roles: add, list, role, remove, whoami.
    #[command(subcommand)]
    Staff(staff::StaffCommand),
    /// Who did what: the audit trail, and the check of the contact log's hash chain.
    #[command(subcommand)]
    Audit(staff::AuditCommand),
    /// Limitation periods: the last day a claim for each open invoice can be issued,
    /// soonest first (time-barred ones first of all).
    Limitation {
        /// Count days from this date (YYYY-MM-DD; default today).
        #[arg(long, default_value = "")]
        as_of: String,
        /// Only claims with at most this many days left (time-barred ones included).
        #[arg(long)]
        within: Option<i64>,
        /// Only this debtor's invoices (its reference, or #id).
        #[arg(long)]
        debtor: Option<String>,
    },
}

/// Collection agencies.
#[derive(Subcommand)]
enum AgencyCommand {
    /// Adds an agency.
    Add {
        /// Name (unique).
        #[arg(long)]
        name: String,
        /// Where handovers are sent.
        #[arg(long)]
        email: String,
        /// Percent of each amount collected.
        #[arg(long, default_value = "0")]
        commission: String,
        /// Fee per case, charged with its first collection.
        #[arg(long, default_value = "0.00")]
        fee_per_case: String,
        /// The contract's terms in words.
        #[arg(long, default_value = "")]
        terms: String,
        /// Countries covered ("DE, AT").
        #[arg(long, default_value = "")]
        countries: String,
        /// The person at the agency who handles our cases.
        #[arg(long, default_value = "")]
        contact: String,
        /// The least a case costs once the agency collects anything.
        #[arg(long, default_value = "0.00")]
        min_commission: String,
    },
    /// Lists the agencies.
    List,
    /// Hands a debtor's claim over: writes the package to a folder (case file PDF, claim
    /// CSV and XLSX, contact history, documents), records the case and stops our reminders
    /// for its invoices. Needs a reminder and a final demand on record, or --reason.
    Handover {
        /// The debtor (its reference, or #id).
        #[arg(long)]
        debtor: String,
        /// The agency's name.
        #[arg(long)]
        agency: String,
        /// Invoice numbers, comma-separated (default: every overdue one not paused).
        #[arg(long, value_delimiter = ',')]
        invoices: Vec<String>,
        /// The folder for the package (new or empty).
        #[arg(long)]
        out: std::path::PathBuf,
        /// Also write the package as one ZIP in the folder.
        #[arg(long)]
        zip: bool,
        /// Email it to the agency through the book's SMTP server.
        #[arg(long)]
        send: bool,
        /// Why it is handed over without the usual notice or despite a pause (logged).
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Records what the agency collected from the debtor (gross); the commission is
    /// booked as a cost.
    Collected {
        /// The debtor (its reference, or #id).
        #[arg(long)]
        debtor: String,
        /// Amount collected from the debtor.
        #[arg(long)]
        amount: String,
        /// Day collected (YYYY-MM-DD; default today).
        #[arg(long, default_value = "")]
        date: String,
    },
    /// Records what the agency reports on the debtor's open case, on its timeline.
    Update {
        /// The debtor (its reference, or #id).
        #[arg(long)]
        debtor: String,
        /// What the agency reports.
        #[arg(long, value_enum)]
        status: AgencyStatusArg,
        /// The day (YYYY-MM-DD; default today).
        #[arg(long, default_value = "")]
        date: String,
        /// Details in the agency's words (needed with --status other).
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Recalls the debtor's case from the agency; our reminders resume.
    Recall {
        /// The debtor (its reference, or #id).
        #[arg(long)]
        debtor: String,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// Per agency: handed over, recovered, commission, net, time to recover.
    Report,
}

/// A legal cost.
#[derive(Clone, Copy, clap::ValueEnum)]
enum LegalCostArg {
    /// A court fee.
    CourtFee,
    /// A lawyer's fee.
    Lawyer,
    /// A cost of enforcement.
    Enforcement,
}

/// A step of a court case.
#[derive(Clone, Copy, clap::ValueEnum)]
enum CourtStepArg {
    /// The claim was issued.
    Issued,
    /// Judgment was obtained.
    Judgment,
    /// Enforcement started.
    Enforcement,
    /// The judgment was paid.
    Paid,
    /// The claim was withdrawn.
    Withdrawn,
}

/// What an agency reports.
#[derive(Clone, Copy, clap::ValueEnum)]
enum AgencyStatusArg {
    /// The agency reached the debtor.
    Contacted,
    /// The debtor promised to pay.
    Promised,
    /// The debtor agreed instalments with the agency.
    Instalments,
    /// The debtor disputes the claim.
    Disputed,
    /// The debtor cannot be found.
    Untraceable,
    /// The debtor is insolvent.
    Insolvent,
    /// The agency advises court action.
    CourtAdvised,
    /// Anything else (say what in --note).
    Other,
}

/// Court claims.
#[derive(Subcommand)]
enum CourtCommand {
    /// The data for a claim against a debtor's overdue invoices (those not paused): the
    /// form's fields, the particulars, interest (from, per day, to date), compensation,
    /// court fee, total and warnings. Needs a reminder and a final demand on record, or
    /// --reason (logged).
    Claim {
        /// The debtor (its reference, or #id).
        #[arg(long)]
        debtor: String,
        /// uk-mcol, de-mahnverfahren or fr-injonction (default: the form of the debtor's
        /// own country: England and Wales, Germany or France).
        #[arg(long, default_value = "")]
        court: String,
        /// The date (YYYY-MM-DD; default today).
        #[arg(long, default_value = "")]
        as_of: String,
        /// Also write the claim as a PDF worksheet here (kept on the debtor's record).
        #[arg(long)]
        out: Option<std::path::PathBuf>,
        /// Why the claim goes ahead without the usual notice or despite a pause (logged).
        #[arg(long, default_value = "")]
        reason: String,
        /// goods or services: the claim's type in the form's catalogue.
        #[arg(long, default_value = "goods")]
        claim_type: String,
    },
    /// Books a court fee, lawyer's fee or enforcement cost on the debtor's account.
    Cost {
        /// The debtor (its reference, or #id).
        #[arg(long)]
        debtor: String,
        /// What the cost was.
        #[arg(long, value_enum)]
        kind: LegalCostArg,
        /// Amount in the debtor's currency.
        #[arg(long)]
        amount: String,
        /// The day (YYYY-MM-DD; default today).
        #[arg(long, default_value = "")]
        date: String,
        /// What it was (claim number, invoice of the lawyer).
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Records a step of the court case on the debtor's timeline.
    Status {
        /// The debtor (its reference, or #id).
        #[arg(long)]
        debtor: String,
        /// The step.
        #[arg(long, value_enum)]
        status: CourtStepArg,
        /// The day (YYYY-MM-DD; default today).
        #[arg(long, default_value = "")]
        date: String,
        /// Details (claim number, court, what was ordered).
        #[arg(long, default_value = "")]
        note: String,
    },
}

/// Benchmarks.
#[derive(Subcommand)]
enum BenchCommand {
    /// The ledger (aging today and past, a statement, CSV import) against hand-written SQL
    /// baselines measured in the same run. Build with --release.
    Ledger {
        /// Debtors in the synthetic book.
        #[arg(long, default_value_t = 50_000)]
        debtors: u32,
        /// Invoices in the synthetic book.
        #[arg(long, default_value_t = 1_000_000)]
        invoices: u32,
        /// Runs per operation (the median is reported).
        #[arg(long, default_value_t = 5)]
        runs: u32,
        /// Folder for the benchmark's SQLite files (default: a temporary folder).
        #[arg(long)]
        dir: Option<std::path::PathBuf>,
    },
    /// Lay out and write N single-page demand letters for N debtors: into one PDF, then into
    /// N files; prints letters per CPU-second, bytes per letter and peak memory. No database.
    Letters {
        /// Number of letters.
        #[arg(long, default_value_t = 1000)]
        count: usize,
        /// Folder for the combined PDF and the separate files.
        #[arg(long)]
        out_dir: std::path::PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum KindArg {
    Company,
    Individual,
    SoleTrader,
}

#[derive(Clone, Copy, ValueEnum)]
enum SortArg {
    Name,
    Reference,
    City,
    Country,
    OpenBalance,
    OverdueBalance,
    Risk,
}

#[derive(Args)]
struct DebtorFields {
    /// Name as printed on letters.
    #[arg(long)]
    name: String,
    /// Company, individual or sole trader.
    #[arg(long, value_enum, default_value = "company")]
    kind: KindArg,
    /// Your customer number for the debtor.
    #[arg(long = "ref", default_value = "")]
    external_ref: String,
    /// Contact person's name.
    #[arg(long, default_value = "")]
    contact: String,
    /// Contact's role.
    #[arg(long, default_value = "")]
    role: String,
    /// Contact's email.
    #[arg(long, default_value = "")]
    email: String,
    /// Contact's phone.
    #[arg(long, default_value = "")]
    phone: String,
    /// Street lines (use \n for a line break).
    #[arg(long, default_value = "")]
    address: String,
    /// Postal code.
    #[arg(long, default_value = "")]
    postal_code: String,
    /// City.
    #[arg(long, default_value = "")]
    city: String,
    /// Two-letter country code.
    #[arg(long, default_value = "")]
    country: String,
    /// Letter language (en, de, fr, ...). Default: the country's (fr for FR, de for DE or
    /// AT, pl for PL, ...; en where Overdue has no catalog).
    #[arg(long, default_value = "")]
    language: String,
    /// ISO 4217 currency.
    #[arg(long, default_value = "EUR")]
    currency: String,
    /// Payment terms in days.
    #[arg(long, default_value_t = 30)]
    terms: u32,
    /// Credit limit, e.g. 5000.00.
    #[arg(long, default_value = "")]
    credit_limit: String,
    /// Tag (repeatable).
    #[arg(long = "tag")]
    tags: Vec<String>,
    /// Notes.
    #[arg(long, default_value = "")]
    notes: String,
    /// Account manager.
    #[arg(long, default_value = "")]
    manager: String,
}

#[derive(Subcommand)]
enum DebtorsCommand {
    /// Add a debtor.
    Add(Box<DebtorFields>),
    /// List debtors.
    List {
        /// Only debtors matching this text.
        #[arg(long, default_value = "")]
        search: String,
        /// Sort column.
        #[arg(long, value_enum, default_value = "name")]
        sort: SortArg,
        /// Largest / Z first.
        #[arg(long)]
        desc: bool,
        /// Rows to show.
        #[arg(long, default_value_t = 100)]
        limit: u32,
        /// Rows to skip.
        #[arg(long, default_value_t = 0)]
        offset: u32,
        /// Include archived debtors.
        #[arg(long)]
        archived: bool,
    },
    /// Show one debtor by reference (or #id).
    Show {
        /// External reference, or `#42` for database id 42.
        debtor: String,
    },
    /// Search debtors by name, reference, email or city (prefix match).
    Search {
        /// Words to look for.
        text: String,
        /// Rows to show.
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Change a debtor's details: only the fields given change (the rest stay as they are).
    Edit(Box<DebtorEdit>),
    /// Archive a debtor (kept with its history, hidden from lists).
    Archive {
        /// External reference, or `#42`.
        debtor: String,
        /// Restore instead of archiving.
        #[arg(long)]
        restore: bool,
    },
}

/// `debtors edit`: the fields to change.
#[derive(Args)]
struct DebtorEdit {
    /// External reference, or `#42`.
    debtor: String,
    /// New name.
    #[arg(long)]
    name: Option<String>,
    /// New city.
    #[arg(long)]
    city: Option<String>,
    /// New postal code.
    #[arg(long)]
    postal_code: Option<String>,
    /// New street lines.
    #[arg(long)]
    address: Option<String>,
    /// New two-letter country code.
    #[arg(long)]
    country: Option<String>,
    /// New payment terms in days.
    #[arg(long)]
    terms: Option<u32>,
    /// New credit limit (empty: no limit).
    #[arg(long)]
    credit_limit: Option<String>,
    /// New notes.
    #[arg(long)]
    notes: Option<String>,
    /// New account manager.
    #[arg(long)]
    manager: Option<String>,
    /// Save only if the debtor is still at this version (its `version`, as
    /// `debtors show --json` printed it): a change saved by someone else since is not
    /// overwritten.
    #[arg(long)]
    version: Option<i64>,
}

fn main() -> ExitCode {
    quiet_when_the_reader_goes_away();
    let cli = Cli::parse();
    let json = cli.json;
    let _log = if cli.log {
        match overdue_api::logging::init() {
            Ok((guard, _)) => Some(guard),
            Err(e) => return report(&e, json),
        }
    } else {
        None
    };
    // The subcommand's name only: argument values (paths, names, amounts) stay out of logs.
    let known: Vec<String> = <Cli as clap::CommandFactory>::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    let command_name = std::env::args()
        .skip(1)
        .find(|a| known.contains(a))
        .unwrap_or_default();
    let _span = tracing::info_span!("cli", command = %command_name).entered();
    tracing::info!("started");
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return report(&ApiError::new(ErrorCode::Internal, e.to_string()), json),
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => {
            tracing::info!("done");
            ExitCode::SUCCESS
        }
        Err(e) => {
            tracing::warn!(code = ?e.code, error = %e.message, "failed");
            report(&e, json)
        }
    }
}

fn report(e: &ApiError, json: bool) -> ExitCode {
    if json {
        eprintln!(
            "{}",
            serde_json::to_string(e).unwrap_or_else(|_| e.message.clone())
        );
    } else {
        eprintln!("error: {}", e.message);
        if e.fields.len() > 1 {
            for f in &e.fields {
                eprintln!("  {}: {}", f.field, f.message);
            }
        }
    }
    ExitCode::from(match e.code {
        ErrorCode::Validation
        | ErrorCode::InvalidInput
        | ErrorCode::NotFound
        | ErrorCode::Duplicate
        | ErrorCode::CreditHold
        | ErrorCode::Forbidden
        | ErrorCode::Stale => 2,
        _ => 1,
    })
}

fn database(cli_db: Option<String>) -> Result<String, ApiError> {
    if let Some(db) = cli_db.filter(|d| !d.trim().is_empty()) {
        // A server named without a password: the keyring's, else PGPASSWORD (read by the
        // driver), else none.
        if config::is_server(&db) && config::split_password(&db).1.is_none() {
            if let Ok(Some(pw)) = config::stored_password(&db) {
                return Ok(config::with_password(&db, &pw));
            }
        }
        return Ok(db);
    }
    match config::load(&config::config_path()?)? {
        Some(stored) => config::resolve(&stored),
        None => Ok(config::default_database_path()?.display().to_string()),
    }
}

async fn bench_ledger(
    debtors: u32,
    invoices: u32,
    runs: u32,
    dir: Option<std::path::PathBuf>,
    json: bool,
) -> Result<(), ApiError> {
    use overdue_api::Clock;
    let temp;
    let dir = match dir {
        Some(d) => {
            std::fs::create_dir_all(&d)
                .map_err(|e| ApiError::new(ErrorCode::Io, format!("{}: {e}", d.display())))?;
            d
        }
        None => {
            temp = std::env::temp_dir().join(format!("overdue-bench-{}", std::process::id()));
            std::fs::create_dir_all(&temp)
                .map_err(|e| ApiError::new(ErrorCode::Io, e.to_string()))?;
            temp
        }
    };
    let today = SystemClock::from_env().today();
    let report = overdue_api::bench::ledger(&dir, debtors, invoices, runs, today, &|step| {
        eprintln!(".. {step}")
    })
    .await?;
    if json {
        return print_json(&report);
    }
    println!(
        "Book: {} debtors, {} invoices, {} payments (loaded in {} ms); times are {} time, medians",
        report.debtors, report.invoices, report.payments, report.load_ms, report.clock
    );
    println!(
        "{:<72} {:>10} {:>12} {:>8}  target",
        "operation", "ours ms", "baseline ms", "ratio"
    );
    for l in &report.lines {
        println!(
            "{:<72} {:>10} {:>12} {:>8}  {} {}",
            l.operation,
            l.ours_ms,
            l.baseline_ms,
            l.ratio,
            l.target,
            if l.met { "met" } else { "NOT MET" }
        );
    }
    println!(
        "Re-scoring every debtor after the import (in the background in the app): {} ms",
        report.rescore_ms
    );
    Ok(())
}

fn print_json<T: serde::Serialize>(value: &T) -> Result<(), ApiError> {
    // Straight into stdout (an aging report of a large book is 16 MB of JSON).
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, value)
        .and_then(|()| {
            use std::io::Write as _;
            writeln!(out)
                .and_then(|()| out.flush())
                .map_err(serde_json::Error::io)
        })
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))
}

async fn run(cli: Cli) -> Result<(), ApiError> {
    if let Command::Calc(c) = cli.command {
        return calc::run(*c, cli.json);
    }
    if let Command::Book(c) = cli.command {
        return book::run(c, cli.json).await;
    }
    if let Command::Bench(BenchCommand::Letters { count, out_dir }) = cli.command {
        return pdf::bench(count, &out_dir, cli.json);
    }
    if let Command::Bench(BenchCommand::Ledger {
        debtors,
        invoices,
        runs,
        dir,
    }) = cli.command
    {
        return bench_ledger(debtors, invoices, runs, dir, cli.json).await;
    }
    let target = database(cli.db)?;
    if reads_only(&cli.command) {
        // A command that only reads never creates a book: a mistyped --db says so.
        if !config::is_server(&target) && !std::path::Path::new(&target).exists() {
            return Err(ApiError::new(
                ErrorCode::NotFound,
                format!(
                    "There is no book at {target}: check --db (nothing was created; add a \
                     debtor or import a file to start a new book there)."
                ),
            ));
        }
    }
    let scheduled = matches!(&cli.command, Command::Dunning(c)
        if matches!(**c, dunning::DunningCommand::Run { scheduled: true, .. }));
    let clock = Arc::new(SystemClock::from_env());
    let result = match Api::open(&target, clock.clone()).await {
        Ok(api) => {
            let result = match cli.command {
                Command::Dunning(c) => match *c {
                    dunning::DunningCommand::Schedule { at, off, print } => {
                        dunning::schedule(&api, &target, at, off, print, cli.json).await
                    }
                    other => dunning::run(&api, other, cli.json).await,
                },
                other => dispatch(&api, other, cli.json).await,
            };
            // A refusal by the database names who is signed in and what their role allows.
            let result = match result {
                Err(e) => Err(api.explain_refusal(e).await),
                ok => ok,
            };
            api.close().await;
            result
        }
        Err(e) => Err(e),
    };
    if scheduled {
        // Recorded whatever happened, also when the book could not be opened (locked, the
        // server unreachable), so the window and `dunning schedule` can say why.
        use overdue_api::Clock;
        let outcome = match (&result, dunning::SCHEDULED_OUTCOME.get()) {
            (Err(e), _) => Err(e.message.as_str()),
            (Ok(()), Some(digest)) => Ok(digest),
            (Ok(()), None) => Err("the run ended without a result"),
        };
        let record = overdue_api::schedule::outcome(clock.now(), &target, outcome);
        let file = config::daily_run_file()?;
        if let Err(e) = overdue_api::schedule::record_last_run(&file, &record) {
            tracing::warn!(error = %e.message, "the daily run's outcome could not be recorded");
        }
        tracing::info!(ok = record.ok, "scheduled run recorded");
        overdue_api::daily_run::notify_desktop(&record.digest());
    }
    result
}

async fn find(api: &Api, key: &str) -> Result<Debtor, ApiError> {
    match key.strip_prefix('#').map(str::parse::<i64>) {
        Some(Ok(id)) => api.debtor_get(id).await,
        Some(Err(_)) => Err(ApiError::invalid(format!(
            "\"{key}\" is not a debtor id: write #42."
        ))),
        None => api.debtor_by_ref(key).await,
    }
}

async fn dispatch(api: &Api, command: Command, json: bool) -> Result<(), ApiError> {
    match command {
        Command::Staff(c) => staff::staff(api, c, json).await,
        Command::Audit(c) => staff::audit(api, c, json).await,
        Command::Debtors(DebtorsCommand::Add(f)) => {
            let d = api.debtor_create(input_from(*f)).await?;
            if json {
                print_json(&d)
            } else {
                println!("Added debtor #{} {}", d.id, d.input.name);
                Ok(())
            }
        }
        Command::Debtors(DebtorsCommand::List {
            search,
            sort,
            desc,
            limit,
            offset,
            archived,
        }) => {
            let page = api
                .debtors_list(DebtorListQuery {
                    search,
                    sort: match sort {
                        SortArg::Name => DebtorSortDto::Name,
                        SortArg::Reference => DebtorSortDto::Reference,
                        SortArg::City => DebtorSortDto::City,
                        SortArg::Country => DebtorSortDto::Country,
                        SortArg::OpenBalance => DebtorSortDto::OpenBalance,
                        SortArg::OverdueBalance => DebtorSortDto::OverdueBalance,
                        SortArg::Risk => DebtorSortDto::Risk,
                    },
                    direction: if desc {
                        SortDirectionDto::Desc
                    } else {
                        SortDirectionDto::Asc
                    },
                    offset,
                    limit,
                    include_archived: archived,
                })
                .await?;
            print_page(&page, json)
        }
        Command::Debtors(DebtorsCommand::Search { text, limit }) => {
            let page = api
                .debtors_list(DebtorListQuery {
                    search: text,
                    limit,
                    ..Default::default()
                })
                .await?;
            print_page(&page, json)
        }
        Command::Debtors(DebtorsCommand::Show { debtor }) => {
            let d = find(api, &debtor).await?;
            if json {
                return print_json(&d);
            }
            let i = &d.input;
            println!(
                "#{} {}{}",
                d.id,
                i.name,
                if d.archived { " (archived)" } else { "" }
            );
            println!("  kind:      {:?}", i.kind);
            println!("  reference: {}", i.external_ref);
            println!(
                "  address:   {} {} {} {}",
                i.address_lines.replace('\n', ", "),
                i.postal_code,
                i.city,
                i.country
            );
            println!(
                "  currency:  {}  terms: {} days  credit limit: {}",
                i.currency,
                i.payment_terms_days,
                if i.credit_limit.is_empty() {
                    "none"
                } else {
                    &i.credit_limit
                }
            );
            for c in &i.contacts {
                println!("  contact:   {} {} {} {}", c.name, c.role, c.email, c.phone);
            }
            Ok(())
        }
        Command::Debtors(DebtorsCommand::Edit(edit)) => {
            let DebtorEdit {
                debtor,
                name,
                city,
                postal_code,
                address,
                country,
                terms,
                credit_limit,
                notes,
                manager,
                version,
            } = *edit;
            let d = find(api, &debtor).await?;
            let mut input = d.input;
            let set = |field: &mut String, value: Option<String>| {
                if let Some(v) = value {
                    *field = v;
                }
            };
            set(&mut input.name, name);
            set(&mut input.city, city);
            set(&mut input.postal_code, postal_code);
            set(
                &mut input.address_lines,
                address.map(|a| a.replace("\\n", "\n")),
            );
            set(&mut input.country, country);
            set(&mut input.credit_limit, credit_limit);
            set(&mut input.notes, notes);
            set(&mut input.account_manager, manager);
            if let Some(t) = terms {
                input.payment_terms_days = t;
            }
            let d = api.debtor_update(d.id, input, version).await?;
            if json {
                print_json(&d)
            } else {
                println!("Saved debtor #{} {}", d.id, d.input.name);
                Ok(())
            }
        }
        Command::Debtors(DebtorsCommand::Archive { debtor, restore }) => {
            let d = find(api, &debtor).await?;
            let d = api.debtor_set_archived(d.id, !restore).await?;
            if json {
                print_json(&d)
            } else {
                println!(
                    "{} debtor #{} {}",
                    if restore { "Restored" } else { "Archived" },
                    d.id,
                    d.input.name
                );
                Ok(())
            }
        }
        Command::Demo {
            debtors,
            invoices,
            seed,
            bare,
        } => {
            let s = api
                .demo_load(DemoRequest {
                    debtors,
                    invoices,
                    seed,
                    as_used: !bare,
                })
                .await?;
            if json {
                print_json(&s)
            } else {
                println!(
                    "Loaded {} debtors, {} invoices, {} payments.",
                    s.debtors, s.invoices, s.payments
                );
                if s.reminders > 0 {
                    println!("Recorded {} reminders of the past months.", s.reminders);
                }
                if s.letterhead {
                    println!(
                        "Set a demo letterhead (Overdue Demo GmbH): replace it with yours in \
                         Settings > Letterhead or with `overdue pdf letterhead --set FILE`."
                    );
                }
                Ok(())
            }
        }
        Command::Calc(c) => calc::run(*c, json),
        Command::Book(_) => Err(ApiError::new(
            ErrorCode::Internal,
            "a book copy opens its own databases",
        )),
        Command::Pdf(c) => pdf::run(api, c, json).await,
        Command::Attach(a) => pdf::attach(api, a, json).await,
        Command::Bench(BenchCommand::Ledger { .. } | BenchCommand::Letters { .. }) => Err(
            ApiError::new(ErrorCode::Internal, "the benchmark opens its own databases"),
        ),
        Command::Ledger(c) => ledger::run(api, c, json).await,
        Command::Collections(c) => collections::run(api, c, json).await,
        Command::Credit(c) => credit::run(api, c, json).await,
        Command::Dunning(c) => dunning::run(api, *c, json).await,
        Command::LateFee(c) => latefees::run(api, c, json).await,
        Command::Bank(c) => bank::run(api, *c, json).await,
        Command::Agency(c) => agency(api, c, json).await,
        Command::Court(CourtCommand::Cost {
            debtor,
            kind,
            amount,
            date,
            note,
        }) => {
            let debtor_id = find(api, &debtor).await?.id;
            let basis = api
                .legal_cost_add(&overdue_api::court::LegalCostInput {
                    debtor_id,
                    kind: match kind {
                        LegalCostArg::CourtFee => overdue_api::court::LegalCostKind::CourtFee,
                        LegalCostArg::Lawyer => overdue_api::court::LegalCostKind::Lawyer,
                        LegalCostArg::Enforcement => overdue_api::court::LegalCostKind::Enforcement,
                    },
                    amount,
                    date,
                    note,
                })
                .await?;
            if json {
                return print_json(&serde_json::json!({ "booked": basis }));
            }
            println!("Booked {basis}.");
            Ok(())
        }
        Command::Court(CourtCommand::Status {
            debtor,
            status,
            date,
            note,
        }) => {
            let debtor_id = find(api, &debtor).await?.id;
            use overdue_api::court::CourtStep;
            let recorded = api
                .court_status(&overdue_api::court::CourtStatusInput {
                    debtor_id,
                    status: match status {
                        CourtStepArg::Issued => CourtStep::Issued,
                        CourtStepArg::Judgment => CourtStep::Judgment,
                        CourtStepArg::Enforcement => CourtStep::Enforcement,
                        CourtStepArg::Paid => CourtStep::Paid,
                        CourtStepArg::Withdrawn => CourtStep::Withdrawn,
                    },
                    date,
                    note,
                })
                .await?;
            if json {
                return print_json(&serde_json::json!({ "recorded": true, "entry": recorded }));
            }
            println!("Recorded on the timeline: {recorded}.");
            Ok(())
        }
        Command::Court(CourtCommand::Claim {
            debtor,
            court,
            as_of,
            out,
            reason,
            claim_type,
        }) => {
            let debtor_id = find(api, &debtor).await?.id;
            let claim = api
                .court_claim(&overdue_api::court::CourtClaimRequest {
                    debtor_id,
                    court,
                    as_of,
                    reason,
                    claim_type,
                })
                .await?;
            if let Some(path) = &out {
                api.court_claim_pdf_to(&claim, debtor_id, path).await?;
                eprintln!("Wrote {}", path.display());
            }
            if json {
                return print_json(&claim);
            }
            println!(
                "{} for {} ({}), as of {}",
                claim.court_name, claim.debtor, claim.court, claim.as_of
            );
            println!(
                "  principal {}  interest {} (from {}, {} a day)  compensation {}  costs {}  court fee {}  total {} {}",
                claim.principal,
                claim.interest.to_date,
                claim.interest.from,
                claim.interest.daily,
                claim.compensation,
                claim.costs,
                claim.court_fee,
                claim.total,
                claim.currency
            );
            println!("particulars:");
            for l in &claim.particulars {
                println!("  {l}");
            }
            for w in &claim.warnings {
                println!("warning: {w}");
            }
            Ok(())
        }
        Command::Limitation {
            as_of,
            within,
            debtor,
        } => {
            let debtor_id = match debtor {
                Some(key) => Some(find(api, &key).await?.id),
                None => None,
            };
            let report = api.limitation(&as_of, within, debtor_id).await?;
            if !report.unknown.is_empty() {
                let invoices: i64 = report.unknown.iter().map(|u| u.invoices).sum();
                let mut countries: Vec<&str> = report
                    .unknown
                    .iter()
                    .map(|u| {
                        if u.country.is_empty() {
                            "no country set"
                        } else {
                            u.country.as_str()
                        }
                    })
                    .collect();
                countries.sort_unstable();
                countries.dedup();
                eprintln!(
                    "not listed: {invoices} open invoice{} of {} debtor{} in {}: Overdue knows no limitation rule there{}",
                    if invoices == 1 { "" } else { "s" },
                    report.unknown.len(),
                    if report.unknown.len() == 1 { "" } else { "s" },
                    countries.join(", "),
                    if countries.contains(&"US") {
                        " (a US debtor's state comes from its late-fee policy: statutory us-ca or us-ny)"
                    } else {
                        ""
                    }
                );
            }
            if json {
                return print_json(&report.items);
            }
            if report.items.is_empty() {
                println!(
                    "No open invoice becomes time-barred in that window (as of {}).",
                    report.as_of
                );
            }
            for i in &report.items {
                println!(
                    "{}  {:>6} days  {:<14} {:<10} {:<30} {} {}",
                    i.expires_on,
                    i.days_left,
                    i.jurisdiction,
                    i.invoice,
                    i.debtor,
                    i.open,
                    i.currency
                );
                println!("      {}", i.rule);
            }
            Ok(())
        }
        Command::Info => {
            let info = api.info().await?;
            if json {
                print_json(&info)
            } else {
                println!("{} database at {}", info.backend, info.location);
                println!(
                    "{} debtors, {} invoices, {} payments",
                    info.debtors, info.invoices, info.payments
                );
                Ok(())
            }
        }
    }
}

fn input_from(f: DebtorFields) -> DebtorInput {
    let has_contact = [&f.contact, &f.role, &f.email, &f.phone]
        .iter()
        .any(|s| !s.trim().is_empty());
    DebtorInput {
        kind: match f.kind {
            KindArg::Company => DebtorKindDto::Company,
            KindArg::Individual => DebtorKindDto::Individual,
            KindArg::SoleTrader => DebtorKindDto::SoleTrader,
        },
        name: f.name,
        external_ref: f.external_ref,
        contacts: if has_contact {
            vec![ContactDto {
                name: f.contact,
                role: f.role,
                email: f.email,
                phone: f.phone,
            }]
        } else {
            Vec::new()
        },
        address_lines: f.address.replace("\\n", "\n"),
        postal_code: f.postal_code,
        city: f.city,
        country: f.country,
        language: f.language,
        currency: f.currency,
        payment_terms_days: f.terms,
        credit_limit: f.credit_limit,
        tags: f.tags,
        notes: f.notes,
        account_manager: f.manager,
    }
}

fn print_page(page: &DebtorPage, json: bool) -> Result<(), ApiError> {
    if json {
        return print_json(page);
    }
    println!(
        "{:<14} {:<40} {:<18} {:>2} {:>14} {:>14}",
        "REFERENCE", "NAME", "CITY", "CC", "OPEN", "OVERDUE"
    );
    for r in &page.rows {
        println!(
            "{:<14} {:<40} {:<18} {:>2} {:>10} {} {:>10} {}",
            r.external_ref,
            truncate(&r.name, 40),
            truncate(&r.city, 18),
            r.country,
            r.open_balance,
            r.currency,
            r.overdue_balance,
            r.currency
        );
    }
    println!("{} of {} debtors", page.rows.len(), page.total);
    Ok(())
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).collect::<String>() + "…"
    }
}

/// `overdue debtors list | head`: when the reader of stdout goes away, printing fails with
/// a broken pipe; that is the reader's choice, not an error, so the process ends quietly
/// (as a filter does) instead of panicking with a backtrace. Nothing is half-written by it:
/// every command writes to the book before it prints.
fn quiet_when_the_reader_goes_away() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.starts_with("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(0);
        }
        default(info);
    }));
}

async fn agency(api: &Api, command: AgencyCommand, json: bool) -> Result<(), ApiError> {
    use overdue_api::agencies::{AgencyInput, CollectedInput, HandoverRequest};
    match command {
        AgencyCommand::Add {
            name,
            email,
            commission,
            fee_per_case,
            terms,
            countries,
            contact,
            min_commission,
        } => {
            let a = api
                .agency_add(&AgencyInput {
                    name,
                    email,
                    commission,
                    fee_per_case,
                    terms,
                    countries,
                    contact,
                    min_commission,
                })
                .await?;
            if json {
                return print_json(&a);
            }
            println!(
                "Added agency {} ({}): {}% commission, {} per case, at least {} a case",
                a.name, a.email, a.commission, a.fee_per_case, a.min_commission
            );
        }
        AgencyCommand::List => {
            let all = api.agencies().await?;
            if json {
                return print_json(&all);
            }
            for a in all {
                println!(
                    "{}  {}  {}%  {} per case",
                    a.name, a.email, a.commission, a.fee_per_case
                );
            }
        }
        AgencyCommand::Handover {
            debtor,
            agency,
            invoices,
            out,
            zip,
            send,
            reason,
        } => {
            let debtor_id = find(api, &debtor).await?.id;
            let h = api
                .agency_handover(&HandoverRequest {
                    debtor_id,
                    agency,
                    invoices,
                    out_dir: out.display().to_string(),
                    zip,
                    send,
                    reason,
                })
                .await?;
            if json {
                return print_json(&h);
            }
            println!(
                "Handed {} over to {} (case {}): {} invoice{}, total {} {} (principal {}, interest {}, compensation {})",
                h.debtor,
                h.agency,
                h.case_id,
                h.invoices.len(),
                if h.invoices.len() == 1 { "" } else { "s" },
                h.total,
                h.currency,
                h.principal,
                h.interest,
                h.compensation
            );
            println!("package: {} ({})", h.folder, h.files.join(", "));
            if let Some(z) = &h.zip {
                println!("zip: {z}");
            }
            if let Some(to) = &h.sent_to {
                println!("sent to {to}");
            }
            for w in &h.warnings {
                println!("warning: {w}");
            }
        }
        AgencyCommand::Collected {
            debtor,
            amount,
            date,
        } => {
            let debtor_id = find(api, &debtor).await?.id;
            let c = api
                .agency_collected(&CollectedInput {
                    debtor_id,
                    amount,
                    date,
                })
                .await?;
            if json {
                return print_json(&c);
            }
            println!(
                "Recorded {} {} collected (payment {}): commission {}, net {}",
                c.gross, c.currency, c.payment_id, c.commission, c.net
            );
        }
        AgencyCommand::Update {
            debtor,
            status,
            date,
            note,
        } => {
            use overdue_api::agencies::{AgencyStatus, AgencyUpdateInput};
            let debtor_id = find(api, &debtor).await?.id;
            let said = api
                .agency_update(&AgencyUpdateInput {
                    debtor_id,
                    status: match status {
                        AgencyStatusArg::Contacted => AgencyStatus::Contacted,
                        AgencyStatusArg::Promised => AgencyStatus::Promised,
                        AgencyStatusArg::Instalments => AgencyStatus::Instalments,
                        AgencyStatusArg::Disputed => AgencyStatus::Disputed,
                        AgencyStatusArg::Untraceable => AgencyStatus::Untraceable,
                        AgencyStatusArg::Insolvent => AgencyStatus::Insolvent,
                        AgencyStatusArg::CourtAdvised => AgencyStatus::CourtAdvised,
                        AgencyStatusArg::Other => AgencyStatus::Other,
                    },
                    date,
                    note,
                })
                .await?;
            if json {
                return print_json(&serde_json::json!({ "recorded": said }));
            }
            println!("Recorded on the timeline: {said}.");
        }
        AgencyCommand::Recall { debtor, reason } => {
            let debtor_id = find(api, &debtor).await?.id;
            api.agency_recall(debtor_id, &reason).await?;
            if !json {
                println!("Recalled; reminders resume for its invoices.");
            } else {
                return print_json(&serde_json::json!({"recalled": true}));
            }
        }
        AgencyCommand::Report => {
            let r = api.agency_report().await?;
            if json {
                return print_json(&r);
            }
            if r.is_empty() {
                println!("No case has been handed over yet.");
            }
            for a in r {
                println!(
                    "{} ({}): {} cases, {} open; handed over {}, recovered {}, commission {}, net {}{}",
                    a.agency,
                    a.currency,
                    a.cases,
                    a.open_cases,
                    a.handed_over,
                    a.recovered,
                    a.commission,
                    a.net,
                    a.average_days_to_recover
                        .map(|d| format!(", {d} days to recover on average"))
                        .unwrap_or_default()
                );
                for c in a.case_list {
                    println!(
                        "  case {} {} {} handed over {} on {}, recovered {}, net {}",
                        c.id,
                        c.debtor,
                        c.status,
                        c.handed_over,
                        c.handed_over_on,
                        c.recovered,
                        c.net
                    );
                    for p in c.direct_payments {
                        println!("    report to the agency: {p}");
                    }
                }
            }
        }
    }
    Ok(())
}

/// Commands that only read the book (so must not create one where none is).
fn reads_only(command: &Command) -> bool {
    use ledger::{InvoicesCommand, LedgerCommand};
    matches!(
        command,
        Command::Info
            | Command::Limitation { .. }
            | Command::Audit(_)
            | Command::Staff(staff::StaffCommand::List | staff::StaffCommand::Whoami)
            | Command::Debtors(
                DebtorsCommand::List { .. }
                    | DebtorsCommand::Show { .. }
                    | DebtorsCommand::Search { .. }
            )
            | Command::Ledger(
                LedgerCommand::Report(_)
                    | LedgerCommand::Export(_)
                    | LedgerCommand::Invoices(
                        InvoicesCommand::List { .. } | InvoicesCommand::Show { .. }
                    )
            )
    )
}
