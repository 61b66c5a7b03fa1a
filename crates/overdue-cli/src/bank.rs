//! `overdue bank ...`: import bank statements, review and match their entries.

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};
use overdue_api::bank::{
    BankCsvMappingDto, BankEntryDto, BankEntryStatusDto, BankFormatDto, BankImportOptions,
    BankMatchInput, BankMatchLine, BankSettingsDto, BankSideDto, ShortPaymentDto,
};
use overdue_api::{Api, ApiError, ErrorCode};

use crate::ledger::debtor_id;
use crate::print_json;

#[derive(Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Auto,
    Camt053,
    Camt054,
    Mt940,
    Mt942,
    Ofx,
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum StatusArg {
    Matched,
    Suggested,
    Unmatched,
    Ignored,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ShortArg {
    LeaveOpen,
    WriteOff,
}

/// Bank statements and their entries.
#[derive(Subcommand)]
pub enum BankCommand {
    /// Import a statement file (camt.053, camt.054, MT940, MT942, OFX/QFX, CSV): entries are
    /// stored once, matched to open invoices, unambiguous matches applied as payments.
    Import {
        /// The statement file.
        file: PathBuf,
        /// Format (default: detected from the content).
        #[arg(long, value_enum, default_value = "auto")]
        format: FormatArg,
        /// Your account's IBAN, when the file does not name it (CSV exports).
        #[arg(long)]
        account: Option<String>,
        /// CSV column mapping, repeatable: date=HEADER, amount=HEADER (or debit=, credit=),
        /// direction= (S/H or D/C column), counterparty=, iban=, bic=, remittance= (A+B joins
        /// columns), reference=, value-date=, e2e=, currency=,
        /// default-currency=EUR, date-format=%d.%m.%Y, skip-rows=N. Saved for --account.
        #[arg(long = "map", value_name = "COLUMN=HEADER")]
        map: Vec<String>,
        /// CSV delimiter (default: detected).
        #[arg(long)]
        delimiter: Option<String>,
        /// CSV amounts are written 1.234,56.
        #[arg(long)]
        decimal_comma: bool,
        /// CSV money out is written as a positive amount.
        #[arg(long)]
        invert_sign: bool,
        /// Read and match against the book, write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Store every entry unmatched (the benchmark's parse-and-insert baseline).
        #[arg(long, hide = true)]
        no_match: bool,
    },
    /// List entries (newest first).
    Entries {
        /// Only entries with this status.
        #[arg(long, value_enum)]
        status: Option<StatusArg>,
        /// Only entries of this statement.
        #[arg(long)]
        statement: Option<i64>,
        /// At most this many (0 = all).
        #[arg(long, default_value_t = 0)]
        limit: u32,
    },
    /// Match an entry by hand: to invoices (repeat --invoice to split; --amount applies to
    /// the invoice before it), or to a debtor as unapplied credit.
    Match {
        /// Entry id.
        entry: i64,
        /// Invoice number (repeatable).
        #[arg(long = "invoice")]
        invoices: Vec<String>,
        /// Amount for each --invoice, in the same order (default: what is open).
        #[arg(long = "amount")]
        amounts: Vec<String>,
        /// Credit the amount to this debtor (reference or #id) without paying an invoice.
        #[arg(long)]
        debtor: Option<String>,
    },
    /// Accept an entry's suggested match as proposed.
    Accept {
        /// Entry id.
        entry: i64,
    },
    /// Undo a match: the payment is reversed (kept on record) and the entry reviewed again.
    Unmatch {
        /// Entry id.
        entry: i64,
    },
    /// Ignore an entry (rent, salaries...); --rule ignores every entry like it, now and later.
    Ignore {
        /// Entry id.
        entry: i64,
        /// Also create a rule for its counterparty (or text).
        #[arg(long)]
        rule: bool,
        /// Put an ignored entry back to review instead.
        #[arg(long)]
        undo: bool,
    },
    /// Own bank accounts and the last day their statements cover.
    Accounts,
    /// Imported statements with their sums and share matched.
    Statements,
    /// Ignore rules (--delete ID removes one).
    Rules {
        /// Delete this rule.
        #[arg(long)]
        delete: Option<i64>,
    },
    /// Record an IBAN a debtor pays from (strong evidence for matching).
    Iban {
        /// The debtor (reference or #id).
        #[arg(long)]
        debtor: String,
        /// The IBAN.
        iban: String,
    },
    /// Matching settings: tolerance, automatic threshold, statement age warning.
    Settings {
        /// Short/over payment accepted, absolute (e.g. 2.50).
        #[arg(long)]
        tolerance: Option<String>,
        /// Short/over payment accepted, percent of the amount (e.g. 0.5).
        #[arg(long)]
        tolerance_pct: Option<String>,
        /// Confidence from which a match is applied at import (100 = only unambiguous exact).
        #[arg(long)]
        auto_threshold: Option<u8>,
        /// Warn before reminding when the latest statement is older than this many days.
        #[arg(long)]
        stale_days: Option<u32>,
        /// What a short payment within tolerance leaves: the difference open, or written off.
        #[arg(long, value_enum)]
        short_payment: Option<ShortArg>,
    },
}

fn status(s: StatusArg) -> BankEntryStatusDto {
    match s {
        StatusArg::Matched => BankEntryStatusDto::Matched,
        StatusArg::Suggested => BankEntryStatusDto::Suggested,
        StatusArg::Unmatched => BankEntryStatusDto::Unmatched,
        StatusArg::Ignored => BankEntryStatusDto::Ignored,
    }
}

fn format(f: FormatArg) -> BankFormatDto {
    match f {
        FormatArg::Auto => BankFormatDto::Auto,
        FormatArg::Camt053 => BankFormatDto::Camt053,
        FormatArg::Camt054 => BankFormatDto::Camt054,
        FormatArg::Mt940 => BankFormatDto::Mt940,
        FormatArg::Mt942 => BankFormatDto::Mt942,
        FormatArg::Ofx => BankFormatDto::Ofx,
        FormatArg::Csv => BankFormatDto::Csv,
    }
}

fn mapping(
    map: &[String],
    delimiter: Option<String>,
    decimal_comma: bool,
    invert_sign: bool,
) -> Result<Option<BankCsvMappingDto>, ApiError> {
    if map.is_empty() {
        return Ok(None);
    }
    let mut m = BankCsvMappingDto {
        delimiter: delimiter.unwrap_or_default(),
        decimal_comma,
        invert_sign,
        ..Default::default()
    };
    for pair in map {
        let Some((k, v)) = pair.split_once('=') else {
            return Err(ApiError::field(
                "--map",
                format!("\"{pair}\": write COLUMN=HEADER, e.g. --map date=Buchungstag"),
            ));
        };
        let v = v.trim().to_string();
        let some = Some(v.clone());
        match k.trim() {
            "date" => m.date = v,
            "amount" => m.amount = some,
            "debit" => m.debit = some,
            "credit" => m.credit = some,
            "currency" => m.currency = some,
            "default-currency" | "default_currency" => m.default_currency = some,
            "counterparty" | "name" => m.counterparty = some,
            "iban" | "counterparty-iban" | "counterparty_iban" => m.counterparty_iban = some,
            "remittance" | "text" => m.remittance = some,
            "reference" => m.reference = some,
            "value-date" | "value_date" => m.value_date = some,
            "bic" => m.counterparty_bic = some,
            "end-to-end-id" | "e2e" => m.end_to_end_id = some,
            "direction" => m.direction = some,
            "date-format" | "date_format" => m.date_format = v,
            "skip-rows" | "skip_rows" => {
                m.skip_rows = v.parse().map_err(|_| {
                    ApiError::field("--map", format!("skip-rows=\"{v}\" is not a number of lines"))
                })?
            }
            other => {
                return Err(ApiError::field(
                    "--map",
                    format!(
                        "\"{other}\" is not a column Overdue maps; use date, value-date, amount, debit, credit, direction, \
                         currency, default-currency, counterparty, iban, bic, remittance, reference, e2e, date-format or skip-rows"
                    ),
                ))
            }
        }
    }
    Ok(Some(m))
}

fn side_word(s: BankSideDto) -> &'static str {
    match s {
        BankSideDto::Credit => "in",
        BankSideDto::Debit => "out",
    }
}

fn status_word(s: BankEntryStatusDto) -> &'static str {
    match s {
        BankEntryStatusDto::Matched => "matched",
        BankEntryStatusDto::Suggested => "suggested",
        BankEntryStatusDto::Unmatched => "unmatched",
        BankEntryStatusDto::Ignored => "ignored",
    }
}

fn print_entry(e: &BankEntryDto) {
    println!(
        "#{:<6} {}  {:>3} {:>12} {}  {:<9}  {}{}",
        e.id,
        e.booking_date,
        side_word(e.side),
        e.amount,
        e.currency,
        status_word(e.status),
        e.counterparty,
        if e.remittance.is_empty() {
            String::new()
        } else {
            format!(" | {}", e.remittance)
        }
    );
    if !e.invoices.is_empty() {
        let parts: Vec<String> = e
            .invoices
            .iter()
            .map(|i| format!("{} {}", i.number, i.amount))
            .collect();
        println!(
            "         -> {}{} ({}%)",
            e.debtor_name
                .as_deref()
                .map(|n| format!("{n}: "))
                .unwrap_or_default(),
            parts.join(", "),
            e.confidence
        );
    }
    for r in &e.reasons {
        println!("            {r}");
    }
}

/// Runs a bank command.
pub async fn run(api: &Api, c: BankCommand, json: bool) -> Result<(), ApiError> {
    match c {
        BankCommand::Import {
            file,
            format: f,
            account,
            map,
            delimiter,
            decimal_comma,
            invert_sign,
            dry_run,
            no_match,
        } => {
            let bytes = std::fs::read(&file)
                .map_err(|e| ApiError::new(ErrorCode::Io, format!("{}: {e}", file.display())))?;
            let name = file.display().to_string();
            let options = BankImportOptions {
                format: format(f),
                account,
                csv: mapping(&map, delimiter, decimal_comma, invert_sign)?,
                dry_run,
                no_match,
                retried: false,
            };
            let s = api
                .bank_import(&bytes, &name, &options, &|_| {}, &|| false)
                .await?;
            if json {
                return print_json(&s);
            }
            println!(
                "{}{}: {} statement(s), {} entries ({} already imported), read as {} ({})",
                if s.dry_run {
                    "Dry run, nothing written. "
                } else {
                    ""
                },
                name,
                s.statements,
                s.entries,
                s.duplicates,
                s.format,
                s.encoding
            );
            for (c, a) in &s.credits {
                println!("  money in  {a:>14} {c}");
            }
            for (c, a) in &s.debits {
                println!("  money out {a:>14} {c}");
            }
            println!(
                "  matched {}, suggested {}, unmatched {}, ignored {}",
                s.matched, s.suggested, s.unmatched, s.ignored
            );
            for a in &s.new_accounts {
                println!(
                    "  new account: {a}{}",
                    if s.dry_run {
                        " (would be created)"
                    } else {
                        " (created)"
                    }
                );
            }
            for p in &s.balance_problems {
                println!("  warning: {p}");
            }
            Ok(())
        }
        BankCommand::Entries {
            status: st,
            statement,
            limit,
        } => {
            let entries = api.bank_entries(st.map(status), statement, limit).await?;
            if json {
                return print_json(&entries);
            }
            if entries.is_empty() {
                println!("No bank entries.");
            }
            for e in &entries {
                print_entry(e);
            }
            Ok(())
        }
        BankCommand::Match {
            entry,
            invoices,
            amounts,
            debtor,
        } => {
            if amounts.len() > invoices.len() {
                return Err(ApiError::field(
                    "--amount",
                    "give each --amount after the --invoice it is for",
                ));
            }
            let debtor_id = match debtor {
                Some(d) => Some(debtor_id(api, &d).await?),
                None => None,
            };
            let input = BankMatchInput {
                invoices: invoices
                    .iter()
                    .enumerate()
                    .map(|(k, n)| BankMatchLine {
                        number: n.clone(),
                        amount: amounts.get(k).cloned(),
                    })
                    .collect(),
                debtor_id,
            };
            let e = api.bank_match(entry, &input, &whoami()).await?;
            if json {
                return print_json(&e);
            }
            print_entry(&e);
            Ok(())
        }
        BankCommand::Accept { entry } => {
            let e = api.bank_accept(entry, &whoami()).await?;
            if json {
                return print_json(&e);
            }
            print_entry(&e);
            Ok(())
        }
        BankCommand::Unmatch { entry } => {
            let e = api.bank_unmatch(entry, &whoami()).await?;
            if json {
                return print_json(&e);
            }
            println!("Match undone: the payment is reversed and kept on record.");
            print_entry(&e);
            Ok(())
        }
        BankCommand::Ignore { entry, rule, undo } => {
            let list = if undo {
                vec![api.bank_unignore(entry).await?]
            } else {
                api.bank_ignore(entry, rule).await?
            };
            if json {
                return print_json(&list);
            }
            for e in &list {
                print_entry(e);
            }
            Ok(())
        }
        BankCommand::Accounts => {
            let list = api.bank_accounts().await?;
            if json {
                return print_json(&list);
            }
            if list.is_empty() {
                println!("No bank account yet: importing a statement creates its account.");
            }
            for a in &list {
                println!(
                    "#{:<4} {:<34} {} {:<20} latest statement: {}",
                    a.id,
                    a.account,
                    a.currency,
                    a.name,
                    a.latest.as_deref().unwrap_or("none")
                );
            }
            Ok(())
        }
        BankCommand::Statements => {
            let list = api.bank_statements().await?;
            if json {
                return print_json(&list);
            }
            for s in &list {
                println!(
                    "#{:<4} {} {:<8} {} .. {}  {} entries ({} duplicates)  in {} out {} {}  {}% matched{}",
                    s.id,
                    s.account,
                    s.format,
                    s.period_from.as_deref().unwrap_or("?"),
                    s.period_to.as_deref().unwrap_or("?"),
                    s.entries,
                    s.duplicates,
                    s.credits,
                    s.debits,
                    s.currency,
                    s.matched_percent,
                    if s.balance_problem.is_empty() { String::new() } else { format!("  warning: {}", s.balance_problem) }
                );
            }
            Ok(())
        }
        BankCommand::Rules { delete } => {
            if let Some(id) = delete {
                api.bank_ignore_rule_delete(id).await?;
            }
            let list = api.bank_ignore_rules().await?;
            if json {
                return print_json(&list);
            }
            for r in &list {
                println!(
                    "#{:<4} {}  counterparty: {}  text: {}",
                    r.id, r.label, r.counterparty, r.text
                );
            }
            Ok(())
        }
        BankCommand::Iban { debtor, iban } => {
            let id = debtor_id(api, &debtor).await?;
            let list = api.debtor_iban_add(id, &iban).await?;
            if json {
                return print_json(&list);
            }
            println!("Known IBANs: {}", list.join(", "));
            Ok(())
        }
        BankCommand::Settings {
            tolerance,
            tolerance_pct,
            auto_threshold,
            stale_days,
            short_payment,
        } => {
            let mut s: BankSettingsDto = api.bank_settings().await?;
            let changed = tolerance.is_some()
                || tolerance_pct.is_some()
                || auto_threshold.is_some()
                || stale_days.is_some()
                || short_payment.is_some();
            if let Some(t) = tolerance {
                s.tolerance_abs = t;
            }
            if let Some(t) = tolerance_pct {
                s.tolerance_pct = t;
            }
            if let Some(t) = auto_threshold {
                s.auto_threshold = t;
            }
            if let Some(d) = stale_days {
                s.stale_days = d;
            }
            if let Some(sp) = short_payment {
                s.short_payment = match sp {
                    ShortArg::LeaveOpen => ShortPaymentDto::LeaveOpen,
                    ShortArg::WriteOff => ShortPaymentDto::WriteOff,
                };
            }
            if changed {
                s = api.bank_settings_set(s).await?;
            }
            if json {
                return print_json(&s);
            }
            println!(
                "tolerance {} (+{}%), applied automatically from confidence {}, warn when a statement is older than {} days, short payments: {}",
                s.tolerance_abs,
                s.tolerance_pct,
                s.auto_threshold,
                s.stale_days,
                match s.short_payment {
                    ShortPaymentDto::LeaveOpen => "difference left open",
                    ShortPaymentDto::WriteOff => "difference written off",
                }
            );
            Ok(())
        }
    }
}

/// Who is at the keyboard (the OS user), for the contact log.
fn whoami() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "cli".to_string())
}
