//! `overdue staff ...` (the staff of a shared book and their roles) and `overdue audit ...`
//! (who did what; the contact log's hash chain).

use std::io::BufRead;

use clap::Subcommand;
use overdue_api::staff::{AuditAction, AuditLogQuery, StaffInput, StaffRole};
use overdue_api::{Api, ApiError, ErrorCode};

use crate::print_json;

/// Staff of a shared (PostgreSQL) book.
#[derive(Subcommand)]
pub enum StaffCommand {
    /// Adds a staff member: a login of their own on the server, in a role (owner only).
    Add {
        /// Their login (lower-case letters, digits, '_', '.', '-').
        #[arg(long)]
        login: String,
        /// Their name.
        #[arg(long)]
        name: String,
        /// owner, accountant, collector or viewer.
        #[arg(long)]
        role: String,
        /// Read their first password from the first line of standard input (otherwise
        /// one is made up and printed once).
        #[arg(long)]
        password_stdin: bool,
        /// A collector who sees and works only the debtors whose account manager is
        /// their login (enforced by the database's row-level security).
        #[arg(long)]
        own_debtors: bool,
    },
    /// Lists the staff and their roles.
    List,
    /// Limits a collector to the debtors whose account manager is their login (`own`), or
    /// lets them see every debtor again (`all`) (owner only).
    Debtors {
        /// Their login.
        login: String,
        /// own or all.
        #[arg(value_parser = ["own", "all"])]
        which: String,
    },
    /// Gives a staff member another role (owner only).
    Role {
        /// Their login.
        login: String,
        /// owner, accountant, collector or viewer.
        role: String,
    },
    /// Takes a staff member out of the book (owner only); what they did stays on record.
    Remove {
        /// Their login.
        login: String,
    },
    /// Who you are signed in as, and what your role may do.
    Whoami,
    /// How much off the claim a collector may give in a settlement, in percent; with a
    /// number, sets it (owner only).
    SettlementLimit {
        /// The new limit, 0 to 100.
        percent: Option<String>,
    },
}

/// Who did what.
#[derive(Subcommand)]
pub enum AuditCommand {
    /// The audit trail: every change, with the login, the time, and old and new values.
    Log {
        /// Only changes concerning this debtor (its reference, or #id).
        #[arg(long)]
        debtor: Option<String>,
        /// Only changes on or after this day (YYYY-MM-DD).
        #[arg(long)]
        since: Option<String>,
        /// Only the newest N, newest first.
        #[arg(long)]
        limit: Option<u32>,
    },
    /// Checks the contact log against its hash chain; names the first event that does not
    /// fit (exit code 2).
    Verify,
}

/// A password from the first line of standard input (its line ending left out).
pub fn password_line() -> Result<String, ApiError> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| ApiError::new(ErrorCode::Io, format!("standard input: {e}")))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

pub async fn staff(api: &Api, command: StaffCommand, json: bool) -> Result<(), ApiError> {
    match command {
        StaffCommand::Add {
            login,
            name,
            role,
            password_stdin,
            own_debtors,
        } => {
            let role = StaffRole::parse(&role)?;
            let password = if password_stdin {
                Some(password_line()?)
            } else {
                None
            };
            let added = api
                .staff_add(StaffInput {
                    login,
                    name,
                    role,
                    own_debtors_only: own_debtors,
                    password,
                })
                .await?;
            if json {
                return print_json(&added);
            }
            println!(
                "Added {} as {}{}.",
                added.login,
                role.as_str(),
                if own_debtors {
                    ", for the debtors whose account manager is this login"
                } else {
                    ""
                }
            );
            if let Some(p) = &added.password {
                println!(
                    "Their password (hand it over; it is not shown again or stored anywhere): {p}"
                );
            }
            Ok(())
        }
        StaffCommand::List => {
            let staff = api.staff_list().await?;
            if json {
                return print_json(&staff);
            }
            println!("{:<24} {:<11} name", "login", "role");
            for s in &staff {
                println!(
                    "{:<24} {:<11} {}{}{}",
                    s.login,
                    s.role.as_str(),
                    s.name,
                    if s.own_debtors_only {
                        "  (own debtors only)"
                    } else {
                        ""
                    },
                    if s.is_you { "  (you)" } else { "" }
                );
            }
            Ok(())
        }
        StaffCommand::Debtors { login, which } => {
            let own = which == "own";
            api.staff_set_own_debtors(&login, own).await?;
            if own {
                println!(
                    "{login} now sees and works only the debtors whose account manager is {login}."
                );
            } else {
                println!("{login} now sees every debtor.");
            }
            Ok(())
        }
        StaffCommand::Role { login, role } => {
            let role = StaffRole::parse(&role)?;
            api.staff_set_role(&login, role).await?;
            println!("{login} is now {}: {}.", role.as_str(), role.duties());
            Ok(())
        }
        StaffCommand::Remove { login } => {
            api.staff_remove(&login).await?;
            println!(
                "{login} no longer works in this book; what they did stays in the audit trail."
            );
            Ok(())
        }
        StaffCommand::SettlementLimit { percent } => {
            let limit = match percent {
                Some(p) => api.collector_settlement_limit_set(&p).await?,
                None => api.collector_settlement_limit().await?,
            };
            if json {
                return print_json(&serde_json::json!({ "percent": limit }));
            }
            println!("Collectors may agree to settlements of up to {limit} % off the claim.");
            Ok(())
        }
        StaffCommand::Whoami => {
            let me = api.signed_in().await?;
            if json {
                return print_json(&me);
            }
            println!("{} ({}): {}", me.login, me.role.as_str(), me.duties);
            Ok(())
        }
    }
}

pub async fn audit(api: &Api, command: AuditCommand, json: bool) -> Result<(), ApiError> {
    match command {
        AuditCommand::Log {
            debtor,
            since,
            limit,
        } => {
            let since = since
                .as_deref()
                .map(|s| {
                    overdue_domain::ledger::parse_iso_date(s)
                        .map_err(|e| ApiError::invalid(format!("--since: {e}")))
                })
                .transpose()?;
            let entries = api
                .audit_log(&AuditLogQuery {
                    debtor,
                    since,
                    limit,
                })
                .await?;
            if json {
                return print_json(&entries);
            }
            if entries.is_empty() {
                println!("No changes recorded for this choice.");
            }
            for e in &entries {
                let what = match e.action {
                    AuditAction::Insert => "added",
                    AuditAction::Update => "changed",
                    AuditAction::Delete => "removed",
                };
                let debtor = e
                    .debtor
                    .as_deref()
                    .map(|d| format!(" (debtor {d})"))
                    .unwrap_or_default();
                println!(
                    "{}  {:<16} {what} {} {}{debtor}",
                    e.at.format("%Y-%m-%d %H:%M:%S"),
                    e.login,
                    e.table,
                    e.key
                );
                for c in &e.changes {
                    println!("      {c}");
                }
            }
            Ok(())
        }
        AuditCommand::Verify => {
            let report = api.audit_verify().await?;
            if json {
                print_json(&report)?;
            }
            match &report.broken {
                None => {
                    if !json {
                        println!(
                            "The contact log is intact: {} {}, each fits the chain.{}",
                            report.events,
                            if report.events == 1 { "event" } else { "events" },
                            report
                                .head
                                .as_deref()
                                .map(|h| format!(" Newest hash: {h}"))
                                .unwrap_or_default()
                        );
                    }
                    Ok(())
                }
                Some(b) => Err(ApiError::new(
                    ErrorCode::Validation,
                    format!(
                        "The contact log was changed outside Overdue: {}{} does not fit the chain: {}.",
                        b.event.map_or("the log".to_string(), |id| format!("event {id}")),
                        b.debtor
                            .as_deref()
                            .map(|d| format!(" (debtor {d})"))
                            .unwrap_or_default(),
                        b.why
                    ),
                )),
            }
        }
    }
}
