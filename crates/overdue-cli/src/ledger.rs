//! `overdue import|report|export|invoices|payments ...`: the receivables ledger.
//!
//! The `import`, `report` and `export` commands are a stable contract (scripts and
//! acceptance checks call them); `invoices` and `payments` are small helpers for scripts.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use overdue_api::dto::SortDirectionDto;
use overdue_api::export::{
    aging_table, invoice_table, statement_table, ExportFormat, ExportRequest, Table,
};
use overdue_api::import::{ColumnMapping, DuplicateRows, ImportKind, ImportOptions, ImportSummary};
use overdue_api::ledger::{
    AdjustmentInput, AdjustmentKindDto, InvoiceDetailDto, InvoiceInput, InvoiceListQuery,
    InvoiceSortDto, InvoiceStatusDto, PaymentInput,
};
use overdue_api::reports::{AgingBy, AgingQuery, MetricsReportDto};
use overdue_api::{Api, ApiError, ErrorCode};

use crate::print_json;

/// Ledger commands (they need a database).
#[derive(Subcommand)]
pub enum LedgerCommand {
    /// Import debtors, invoices or payments from a CSV file: all rows or none.
    Import {
        /// What the file holds.
        #[arg(value_enum)]
        kind: KindArg,
        /// The CSV file (header row required; UTF-8, UTF-16 or Windows-1252).
        path: PathBuf,
        /// Map a canonical column to the file's header, e.g. --map amount=Betrag (repeatable;
        /// with any --map, only mapped columns are read).
        #[arg(long = "map", value_name = "COLUMN=HEADER")]
        map: Vec<String>,
        /// Field delimiter: "," ";" or "tab" (default: detected from the header line).
        #[arg(long, default_value = "")]
        delimiter: String,
        /// Payment rows that repeat an earlier row of the file: import them once (the same
        /// payment listed twice) or each time (separate payments). Without it, such a
        /// file is refused, naming the rows.
        #[arg(long, value_enum)]
        duplicates: Option<DuplicatesArg>,
        /// Amounts use a decimal comma (1.234,56).
        #[arg(long)]
        decimal_comma: bool,
    },
    /// Reports: aging, statement of account, metrics.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Export aging, a statement or the invoice list to CSV or XLSX.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Invoices: add, list, show, dispute, credit note, write-off.
    #[command(subcommand)]
    Invoices(InvoicesCommand),
    /// Payments: record (allocated automatically) and reverse.
    #[command(subcommand)]
    Payments(PaymentsCommand),
}

/// What an import file holds.
#[derive(Clone, Copy, ValueEnum)]
pub enum KindArg {
    /// external_id,name,kind,email,phone,address,postal_code,city,country,currency,payment_terms_days,credit_limit
    Debtors,
    /// number,debtor_external_id,issue_date,due_date,amount,currency,description
    Invoices,
    /// debtor_external_id,date,amount,currency,reference,invoice_number
    Payments,
}

/// Reports.
#[derive(Subcommand)]
pub enum ReportCommand {
    /// Open balances by age as of a date, per currency and per debtor.
    Aging(AgingArgs),
    /// A debtor's statement of account over a period.
    Statement(StatementArgs),
    /// DSO, countback DSO, best possible DSO, ADD, CEI, collection rate, bad-debt ratio.
    Metrics(PeriodArgs),
}

/// Aging options.
#[derive(Args)]
pub struct AgingArgs {
    /// As-of date, YYYY-MM-DD (default: today).
    #[arg(long, default_value = "")]
    as_of: String,
    /// Age from the due date or the invoice date.
    #[arg(long, value_enum, default_value = "due")]
    by: ByArg,
    /// Bucket upper bounds in days.
    #[arg(long, default_value = "30,60,90")]
    buckets: String,
}

/// What aging measures from.
#[derive(Clone, Copy, ValueEnum)]
pub enum ByArg {
    /// Days past the due date.
    Due,
    /// Days since the invoice date.
    Invoice,
}

/// Statement options.
#[derive(Args)]
pub struct StatementArgs {
    /// The debtor's external reference (or #id).
    #[arg(long)]
    debtor: String,
    /// First day, YYYY-MM-DD.
    #[arg(long)]
    from: String,
    /// Last day, YYYY-MM-DD.
    #[arg(long)]
    to: String,
}

/// A period.
#[derive(Args)]
pub struct PeriodArgs {
    /// First day, YYYY-MM-DD.
    #[arg(long)]
    from: String,
    /// Last day, YYYY-MM-DD.
    #[arg(long)]
    to: String,
}

/// Where an export goes.
#[derive(Args)]
pub struct OutArgs {
    /// File format.
    #[arg(long, value_enum, default_value = "csv")]
    format: FormatArg,
    /// Output file.
    #[arg(long)]
    out: PathBuf,
}

/// What to do with payment rows that repeat an earlier row.
#[derive(Clone, Copy, ValueEnum)]
pub enum DuplicatesArg {
    /// The same payment listed twice: import it once.
    Once,
    /// Separate payments: import each row.
    Each,
}

/// Export file formats.
#[derive(Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// Comma-separated values (UTF-8).
    Csv,
    /// Excel workbook.
    Xlsx,
}

/// Exports.
#[derive(Subcommand)]
pub enum ExportCommand {
    /// The aging report (one row per debtor and currency, then totals).
    Aging {
        #[command(flatten)]
        aging: AgingArgs,
        #[command(flatten)]
        out: OutArgs,
    },
    /// A debtor's statement of account.
    Statement {
        #[command(flatten)]
        statement: StatementArgs,
        #[command(flatten)]
        out: OutArgs,
    },
    /// The invoice list.
    Invoices {
        #[command(flatten)]
        filter: InvoiceFilter,
        #[command(flatten)]
        out: OutArgs,
    },
}

/// Invoice list filters.
#[derive(Args)]
pub struct InvoiceFilter {
    /// Only this debtor's invoices (external reference or #id).
    #[arg(long)]
    debtor: Option<String>,
    /// Only invoices in this status.
    #[arg(long, value_enum)]
    status: Option<StatusArg>,
    /// Only invoices owed past their due date.
    #[arg(long)]
    overdue: bool,
    /// Only disputed invoices.
    #[arg(long)]
    disputed: bool,
    /// Only invoices whose number, debtor name or debtor reference contains this text
    /// (case and accents ignored).
    #[arg(long)]
    search: Option<String>,
    /// Order the rows by this column (amounts within each currency).
    #[arg(long, value_enum, default_value = "due")]
    sort: SortArg,
    /// Largest, latest or last first.
    #[arg(long)]
    desc: bool,
}

/// The invoice list's orders.
#[derive(Clone, Copy, ValueEnum)]
pub enum SortArg {
    /// Due date.
    Due,
    /// Invoice number.
    Number,
    /// Debtor name.
    Debtor,
    /// Issue date.
    Issued,
    /// Amount, within each currency.
    Amount,
    /// Open balance, within each currency.
    Open,
    /// Status: overdue, disputed, open, settled.
    Status,
}

/// Invoice statuses.
#[derive(Clone, Copy, ValueEnum)]
pub enum StatusArg {
    /// Owed, not yet due.
    Open,
    /// Owed past the due date.
    Overdue,
    /// Disputed.
    Disputed,
    /// Nothing owed.
    Settled,
}

/// Invoice helpers.
#[derive(Subcommand)]
pub enum InvoicesCommand {
    /// Add an invoice (due date from the debtor's terms unless given).
    Add {
        /// The debtor's external reference (or #id).
        #[arg(long)]
        debtor: String,
        /// Invoice number.
        #[arg(long)]
        number: String,
        /// Issue date, YYYY-MM-DD.
        #[arg(long)]
        issue_date: String,
        /// Due date, YYYY-MM-DD (default: issue date + terms).
        #[arg(long, default_value = "")]
        due_date: String,
        /// Amount, tax included, e.g. 1200.00.
        #[arg(long)]
        amount: String,
        /// Tax included in the amount.
        #[arg(long, default_value = "")]
        tax: String,
        /// Description.
        #[arg(long, default_value = "")]
        description: String,
        /// Why the invoice goes out although the debtor is on credit hold.
        #[arg(long, default_value = "")]
        override_reason: String,
    },
    /// List invoices (by due date unless --sort says otherwise), filtered and searched.
    List {
        #[command(flatten)]
        filter: InvoiceFilter,
        /// Rows to show.
        #[arg(long, default_value_t = 100)]
        limit: u32,
        /// Rows to skip.
        #[arg(long, default_value_t = 0)]
        offset: u32,
    },
    /// Show an invoice with its payments, credits and disputes.
    Show {
        /// Invoice number.
        number: String,
    },
    /// Mark an invoice as disputed (or resolve the dispute with --resolve).
    Dispute {
        /// Invoice number.
        number: String,
        /// The debtor's reason.
        #[arg(long, default_value = "")]
        reason: String,
        /// Date, YYYY-MM-DD (default: today).
        #[arg(long, default_value = "")]
        date: String,
        /// Resolve the open dispute instead.
        #[arg(long)]
        resolve: bool,
    },
    /// Issue a credit note against an invoice.
    Credit {
        /// Invoice number.
        number: String,
        /// Amount (at most the open balance).
        #[arg(long)]
        amount: String,
        /// Date, YYYY-MM-DD (default: today).
        #[arg(long, default_value = "")]
        date: String,
        /// Credit note number.
        #[arg(long = "ref", default_value = "")]
        reference: String,
        /// Why.
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Write off (part of) an invoice as uncollectable.
    WriteOff {
        /// Invoice number.
        number: String,
        /// Amount (default: the whole open balance).
        #[arg(long)]
        amount: Option<String>,
        /// Date, YYYY-MM-DD (default: today).
        #[arg(long, default_value = "")]
        date: String,
        /// Why.
        #[arg(long, default_value = "")]
        reason: String,
    },
}

/// Payment helpers.
#[derive(Subcommand)]
pub enum PaymentsCommand {
    /// Record a payment: the named invoice first, then oldest due first; any rest stays
    /// as a credit on the debtor.
    Add {
        /// The debtor's external reference (or #id).
        #[arg(long)]
        debtor: String,
        /// Amount received.
        #[arg(long)]
        amount: String,
        /// Payment date, YYYY-MM-DD (default: today).
        #[arg(long, default_value = "")]
        date: String,
        /// Bank reference.
        #[arg(long = "ref", default_value = "")]
        reference: String,
        /// Method (bank transfer, card, ...).
        #[arg(long, default_value = "")]
        method: String,
        /// The invoice number the payment names.
        #[arg(long)]
        invoice: Option<String>,
    },
    /// Reverse a payment (bounced, charged back): its invoices are owed again.
    Reverse {
        /// Payment id.
        id: i64,
        /// Date, YYYY-MM-DD (default: today).
        #[arg(long, default_value = "")]
        date: String,
        /// Why.
        #[arg(long, default_value = "")]
        reason: String,
    },
}

pub(crate) async fn debtor_id(api: &Api, key: &str) -> Result<i64, ApiError> {
    match key.strip_prefix('#').map(str::parse::<i64>) {
        Some(Ok(id)) => Ok(api.debtor_get(id).await?.id),
        Some(Err(_)) => Err(ApiError::invalid(format!(
            "\"{key}\" is not a debtor id: write #42."
        ))),
        None => Ok(api.debtor_by_ref(key).await?.id),
    }
}

fn aging_query(a: AgingArgs) -> AgingQuery {
    AgingQuery {
        as_of: a.as_of,
        by: match a.by {
            ByArg::Due => AgingBy::Due,
            ByArg::Invoice => AgingBy::Invoice,
        },
        buckets: a.buckets,
    }
}

async fn invoice_query(api: &Api, f: InvoiceFilter) -> Result<InvoiceListQuery, ApiError> {
    Ok(InvoiceListQuery {
        debtor_id: match &f.debtor {
            Some(d) => Some(debtor_id(api, d).await?),
            None => None,
        },
        status: f.status.map(|s| match s {
            StatusArg::Open => InvoiceStatusDto::Open,
            StatusArg::Overdue => InvoiceStatusDto::Overdue,
            StatusArg::Disputed => InvoiceStatusDto::Disputed,
            StatusArg::Settled => InvoiceStatusDto::Settled,
        }),
        overdue: f.overdue,
        disputed: f.disputed,
        search: f.search.unwrap_or_default(),
        sort: match f.sort {
            SortArg::Due => InvoiceSortDto::Due,
            SortArg::Number => InvoiceSortDto::Number,
            SortArg::Debtor => InvoiceSortDto::Debtor,
            SortArg::Issued => InvoiceSortDto::Issued,
            SortArg::Amount => InvoiceSortDto::Amount,
            SortArg::Open => InvoiceSortDto::Open,
            SortArg::Status => InvoiceSortDto::Status,
        },
        direction: if f.desc {
            SortDirectionDto::Desc
        } else {
            SortDirectionDto::Asc
        },
        offset: 0,
        limit: 1000,
    })
}

/// Runs a ledger command and prints its result.
pub async fn run(api: &Api, command: LedgerCommand, json: bool) -> Result<(), ApiError> {
    match command {
        LedgerCommand::Import {
            kind,
            path,
            map,
            delimiter,
            decimal_comma,
            duplicates,
        } => {
            let mut mapping = Vec::new();
            for m in &map {
                let Some((column, source)) = m.split_once('=') else {
                    return Err(ApiError::invalid(format!(
                        "--map {m}: write COLUMN=HEADER, e.g. --map amount=Betrag"
                    )));
                };
                mapping.push(ColumnMapping {
                    column: column.trim().to_string(),
                    source: source.trim().to_string(),
                });
            }
            let options = ImportOptions {
                mapping,
                delimiter: if delimiter == "tab" {
                    "\t".into()
                } else {
                    delimiter
                },
                decimal_comma,
                duplicates: duplicates.map(|d| match d {
                    DuplicatesArg::Once => DuplicateRows::Once,
                    DuplicatesArg::Each => DuplicateRows::Each,
                }),
            };
            import(api, kind, &path, &options, json).await
        }
        LedgerCommand::Report(ReportCommand::Aging(a)) => {
            let r = api.report_aging(aging_query(a)).await?;
            if json {
                print_json(&r)
            } else {
                print_table(&aging_table(&r));
                Ok(())
            }
        }
        LedgerCommand::Report(ReportCommand::Statement(s)) => {
            let r = api.report_statement(&s.debtor, &s.from, &s.to).await?;
            if json {
                print_json(&r)
            } else {
                println!(
                    "Statement of account: {} ({}), {} to {}, {}",
                    r.name, r.external_id, r.from, r.to, r.currency
                );
                print_table(&statement_table(&r));
                Ok(())
            }
        }
        LedgerCommand::Report(ReportCommand::Metrics(p)) => {
            let r = api.report_metrics(&p.from, &p.to).await?;
            if json {
                print_json(&r)
            } else {
                print_metrics(&r);
                Ok(())
            }
        }
        LedgerCommand::Export(e) => {
            let (request, out) = match e {
                ExportCommand::Aging { aging, out } => (
                    ExportRequest::Aging {
                        query: aging_query(aging),
                    },
                    out,
                ),
                ExportCommand::Statement { statement: s, out } => (
                    ExportRequest::Statement {
                        debtor_id: debtor_id(api, &s.debtor).await?,
                        from: s.from,
                        to: s.to,
                    },
                    out,
                ),
                ExportCommand::Invoices { filter, out } => (
                    ExportRequest::Invoices {
                        query: invoice_query(api, filter).await?,
                    },
                    out,
                ),
            };
            let format = match out.format {
                FormatArg::Csv => ExportFormat::Csv,
                FormatArg::Xlsx => ExportFormat::Xlsx,
            };
            let done = api.export_to(&request, format, &out.out).await?;
            if json {
                print_json(&done)
            } else {
                println!("Wrote {} rows to {}", done.rows, done.path);
                Ok(())
            }
        }
        LedgerCommand::Invoices(c) => invoices(api, c, json).await,
        LedgerCommand::Payments(c) => payments(api, c, json).await,
    }
}

async fn import(
    api: &Api,
    kind: KindArg,
    path: &Path,
    options: &ImportOptions,
    json: bool,
) -> Result<(), ApiError> {
    let bytes = std::fs::read(path).map_err(|e| {
        ApiError::new(
            ErrorCode::Io,
            format!("Cannot read {}: {e}", path.display()),
        )
    })?;
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let kind = match kind {
        KindArg::Debtors => ImportKind::Debtors,
        KindArg::Invoices => ImportKind::Invoices,
        KindArg::Payments => ImportKind::Payments,
    };
    match api
        .import_csv_with(kind, &name, &bytes, options, &|_| {})
        .await
    {
        Ok(s) if json => print_json(&s),
        Ok(s) => {
            print_summary(&s);
            if s.kind != ImportKind::Debtors && s.imported > 0 {
                println!("Payment scores are recomputed when the app starts, or now with `overdue credit refresh`.");
            }
            Ok(())
        }
        Err(e) if json => Err(e),
        Err(mut e) => {
            // One `file:line: column: what is wrong` per line, then the summary line.
            for f in &e.fields {
                eprintln!("{}: {}", f.field, f.message);
            }
            if e.fields
                .iter()
                .any(|f| f.message.starts_with("duplicate row"))
            {
                eprintln!(
                    "Choose with --duplicates once (the same payment listed twice) or \
                     --duplicates each (separate payments)."
                );
            }
            e.fields.clear();
            Err(e)
        }
    }
}

fn print_summary(s: &ImportSummary) {
    let noun = match (s.kind, s.imported == 1) {
        (ImportKind::Debtors, false) => "debtors",
        (ImportKind::Debtors, true) => "debtor",
        (ImportKind::Invoices, false) => "invoices",
        (ImportKind::Invoices, true) => "invoice",
        (ImportKind::Payments, false) => "payments",
        (ImportKind::Payments, true) => "payment",
    };
    let read_as = if s.encoding == "UTF-8" {
        String::new()
    } else {
        format!(" The file was read as {}.", s.encoding)
    };
    println!(
        "Imported {} {noun} ({} rows; {} already stored, skipped).{read_as}",
        s.imported, s.rows, s.skipped
    );
    if s.repeated > 0 {
        println!(
            "{} row{} repeating an earlier row left out, as chosen (--duplicates once).",
            s.repeated,
            if s.repeated == 1 { "" } else { "s" }
        );
    }
}

async fn invoices(api: &Api, c: InvoicesCommand, json: bool) -> Result<(), ApiError> {
    let detail = match c {
        InvoicesCommand::Add {
            debtor,
            number,
            issue_date,
            due_date,
            amount,
            tax,
            description,
            override_reason,
        } => {
            let inv = api
                .invoice_create(InvoiceInput {
                    debtor_id: debtor_id(api, &debtor).await?,
                    number,
                    issue_date,
                    due_date,
                    amount,
                    tax,
                    currency: String::new(),
                    description,
                    override_reason,
                })
                .await?;
            if json {
                return print_json(&inv);
            }
            println!(
                "Added invoice {} for {}: {} {} due {}",
                inv.number, inv.debtor_name, inv.amount, inv.currency, inv.due_date
            );
            return Ok(());
        }
        InvoicesCommand::List {
            filter,
            limit,
            offset,
        } => {
            let mut q = invoice_query(api, filter).await?;
            q.limit = limit;
            q.offset = offset;
            let page = api.invoices_list(q).await?;
            if json {
                return print_json(&page);
            }
            print_table(&invoice_table(&page.rows));
            println!("{} of {} invoices", page.rows.len(), page.total);
            return Ok(());
        }
        InvoicesCommand::Show { number } => api.invoice_by_number(&number).await?,
        InvoicesCommand::Dispute {
            number,
            reason,
            date,
            resolve,
        } => {
            let id = api.invoice_by_number(&number).await?.invoice.id;
            if resolve {
                api.invoice_resolve_dispute(id, &date).await?
            } else {
                api.invoice_dispute(id, &date, &reason).await?
            }
        }
        InvoicesCommand::Credit {
            number,
            amount,
            date,
            reference,
            reason,
        } => {
            let id = api.invoice_by_number(&number).await?.invoice.id;
            api.adjustment_add(AdjustmentInput {
                invoice_id: id,
                kind: AdjustmentKindDto::CreditNote,
                reference,
                date,
                amount,
                reason,
                seen_open: None,
            })
            .await?
        }
        InvoicesCommand::WriteOff {
            number,
            amount,
            date,
            reason,
        } => {
            let inv = api.invoice_by_number(&number).await?.invoice;
            api.adjustment_add(AdjustmentInput {
                invoice_id: inv.id,
                kind: AdjustmentKindDto::WriteOff,
                reference: String::new(),
                date,
                amount: amount.unwrap_or(inv.open),
                reason,
                seen_open: None,
            })
            .await?
        }
    };
    if json {
        print_json(&detail)
    } else {
        print_detail(&detail);
        Ok(())
    }
}

async fn payments(api: &Api, c: PaymentsCommand, json: bool) -> Result<(), ApiError> {
    match c {
        PaymentsCommand::Add {
            debtor,
            amount,
            date,
            reference,
            method,
            invoice,
        } => {
            let invoice_id = match invoice {
                Some(n) => Some(api.invoice_by_number(&n).await?.invoice.id),
                None => None,
            };
            let r = api
                .payment_record(PaymentInput {
                    debtor_id: debtor_id(api, &debtor).await?,
                    date,
                    amount,
                    currency: String::new(),
                    method,
                    reference,
                    invoice_id,
                    seen_open: None,
                })
                .await?;
            if json {
                return print_json(&r);
            }
            println!("Recorded payment #{}", r.id);
            for l in &r.allocations {
                let n = api.invoice_get(l.invoice_id).await?.invoice.number;
                println!("  {} {} to invoice {n}", l.amount, r.currency);
            }
            println!(
                "  {} {} unapplied (credit on the debtor)",
                r.unapplied, r.currency
            );
            Ok(())
        }
        PaymentsCommand::Reverse { id, date, reason } => {
            api.payment_reverse(id, &date, &reason).await?;
            if json {
                print_json(&serde_json::json!({"reversed": id}))
            } else {
                println!("Reversed payment #{id}");
                Ok(())
            }
        }
    }
}

fn print_detail(d: &InvoiceDetailDto) {
    let i = &d.invoice;
    println!(
        "Invoice {} ({}) for {} [{}]",
        i.number,
        serde_json::to_value(i.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        i.debtor_name,
        i.debtor_ref
    );
    println!("  issued {}  due {}", i.issue_date, i.due_date);
    println!(
        "  payment reference {}",
        overdue_domain::bank::rf::grouped(&i.payment_reference)
    );
    println!(
        "  amount {} {}  open {} {}",
        i.amount, i.currency, i.open, i.currency
    );
    if !i.disputed_on.is_empty() {
        println!("  disputed since {}: {}", i.disputed_on, i.dispute_reason);
    }
    for a in &d.allocations {
        let reversed = if a.reversed_on.is_empty() {
            String::new()
        } else {
            format!(" (reversed {})", a.reversed_on)
        };
        println!(
            "  {} payment #{} {} {}{reversed}",
            a.date, a.payment_id, a.amount, a.payment_reference
        );
    }
    for a in &d.adjustments {
        let kind = match a.kind {
            AdjustmentKindDto::CreditNote => "credit note",
            AdjustmentKindDto::WriteOff => "write-off",
        };
        println!(
            "  {} {kind} {} {} {}",
            a.date, a.reference, a.amount, a.reason
        );
    }
    for x in &d.disputes {
        println!(
            "  dispute {} - {}: {}",
            x.opened_on,
            if x.resolved_on.is_empty() {
                "open"
            } else {
                &x.resolved_on
            },
            x.reason
        );
    }
}

fn print_table(t: &Table) {
    let width = |c: usize| {
        t.rows
            .iter()
            .map(|r| r[c].chars().count().min(40))
            .chain([t.header[c].chars().count()])
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..t.header.len()).map(width).collect();
    let line = |cells: &[String]| {
        cells
            .iter()
            .enumerate()
            .map(|(c, v)| {
                let v: String = if v.chars().count() > 40 {
                    v.chars().take(39).collect::<String>() + "…"
                } else {
                    v.replace('\n', " ")
                };
                if t.amount_columns.contains(&c) {
                    format!("{v:>w$}", w = widths[c])
                } else {
                    format!("{v:<w$}", w = widths[c])
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    println!("{}", line(&t.header));
    for r in &t.rows {
        println!("{}", line(r));
    }
}

fn print_metrics(r: &MetricsReportDto) {
    println!(
        "Receivables metrics {} to {} ({} days)",
        r.from, r.to, r.days
    );
    if r.currencies.is_empty() {
        println!("  no receivables in this period");
    }
    let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "n/a".into());
    for (c, m) in &r.currencies {
        println!("{c}");
        println!("  DSO                 {:>10} days", show(&m.dso));
        println!("  countback DSO       {:>10} days", show(&m.dso_countback));
        println!(
            "  best possible DSO   {:>10} days",
            show(&m.best_possible_dso)
        );
        println!("  ADD                 {:>10} days", show(&m.add));
        println!("  CEI                 {:>10} %", show(&m.cei));
        println!("  collection rate     {:>10} %", show(&m.collection_rate));
        println!("  bad-debt ratio      {:>10} %", show(&m.bad_debt_ratio));
    }
}
