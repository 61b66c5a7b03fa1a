//! `overdue dunning ...`: the collection policy run (for cron / Task Scheduler), the
//! outbox, the worklist, policies, templates, SMTP and dunning settings.
//!
//! `dunning run --json` prints a stable contract that scripts and acceptance checks read:
//! `{"as_of", "actions": [{"debtor", "level", "level_name", "channel", "invoices",
//! "amount", "currency", "status", "message": {"subject", "body"}, "notes": [..]}],
//! "skipped": [{"debtor", "reason"}], "warnings": [..]}` (`message` absent for calls and
//! tasks, `notes` when there is nothing to note).

use std::io::Read;
use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};
use overdue_api::dunning::{
    DunningEscalate, DunningLevelDto, DunningPolicyDto, DunningRunMode, DunningRunRequest,
    DunningTaskDone,
};
use overdue_api::email::{SmtpSecurity, SmtpSettings, SmtpSettingsInput};
use overdue_api::templates::DunningTemplateDto;
use overdue_api::{Api, ApiError, ErrorCode};
use serde::Serialize;

use crate::print_json;

/// Dunning commands.
#[derive(Subcommand)]
pub enum DunningCommand {
    /// Run the collection policy as of a date: plan the actions (default), preview them
    /// (--dry-run) or perform them (--send).
    Run {
        /// As-of date, YYYY-MM-DD (default: today).
        #[arg(long, default_value = "")]
        as_of: String,
        /// Compute and show, write nothing.
        #[arg(long, conflicts_with = "send")]
        dry_run: bool,
        /// Perform the actions: send the emails, create the tasks.
        #[arg(long)]
        send: bool,
        /// Only debtors of this account manager.
        #[arg(long, default_value = "")]
        manager: String,
        /// Only these debtors (external reference or #id; repeatable).
        #[arg(long = "debtor")]
        debtors: Vec<String>,
        /// Show the rendered messages too (text output).
        #[arg(long)]
        show_messages: bool,
        /// Run as the scheduled daily job: the outcome (or why it failed) is recorded for
        /// `dunning schedule` and the window.
        #[arg(long)]
        scheduled: bool,
    },
    /// The daily run when Overdue is closed: a per-user scheduled job (a systemd user
    /// timer on Linux, a launchd agent on macOS, a Task Scheduler task on Windows) at the
    /// dunning settings' run time; `--print` shows the job files for all three.
    Schedule {
        /// Install the job at this time (HH:MM, local); default: the settings' run time.
        #[arg(long, conflicts_with = "off")]
        at: Option<String>,
        /// Remove the job.
        #[arg(long)]
        off: bool,
        /// Print the job files instead of installing them.
        #[arg(long, conflicts_with = "off")]
        print: bool,
    },
    /// The outbox: planned, sent and failed actions.
    Actions {
        /// Only this debtor (reference or #id).
        #[arg(long)]
        debtor: Option<String>,
        /// Only this state (planned, sending, sent, failed, cancelled; repeatable).
        #[arg(long = "state")]
        states: Vec<String>,
    },
    /// Open call and legal tasks, optionally of one account manager.
    Worklist {
        /// Account manager.
        #[arg(long, default_value = "")]
        manager: String,
    },
    /// Mark a task (call, legal review) done with its outcome.
    Done {
        /// Outbox id of the task.
        id: i64,
        /// What came of it.
        #[arg(long)]
        outcome: String,
        /// Who did it.
        #[arg(long, default_value = "")]
        author: String,
    },
    /// Escalate a debtor by hand to a step of its policy (an agency, a legal review)
    /// without the usual notice: only with a reason, which is logged on the contact log.
    Escalate {
        /// Debtor reference or #id.
        #[arg(long)]
        debtor: String,
        /// The step: a level number of the debtor's policy (see `dunning policy show`).
        #[arg(long)]
        level: u32,
        /// Why the usual notice is skipped.
        #[arg(long)]
        reason: String,
        /// The date (YYYY-MM-DD; default today).
        #[arg(long, default_value = "")]
        as_of: String,
        /// Who decided.
        #[arg(long, default_value = "")]
        author: String,
    },
    /// A debtor's timeline: emails, letters, calls and ledger documents, newest first.
    Log {
        /// Debtor reference or #id.
        debtor: String,
    },
    /// Collection policies: list, show, set from JSON, default, delete.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Record a bounce of a sent dunning email: the bounce message as received (an .eml
    /// file, "-" = standard input), or --message-id of the email that bounced.
    Bounce {
        /// The bounce message (delivery status notification).
        #[arg(required_unless_present_any = ["message_id", "maildir"])]
        file: Option<PathBuf>,
        /// The Message-ID of the email that bounced.
        #[arg(long, conflicts_with_all = ["file", "maildir"])]
        message_id: Option<String>,
        /// Read every message in a Maildir (its new/ and cur/, or the folder itself):
        /// bounces of dunning emails are recorded, other messages are left alone.
        #[arg(long, conflicts_with = "file")]
        maildir: Option<PathBuf>,
    },
    /// Make a debtor follow a collection policy (`--policy NAME`) or the default again
    /// (`--default`).
    Assign {
        /// Debtor reference or #id.
        #[arg(long)]
        debtor: String,
        /// Policy name or #id.
        #[arg(long, conflicts_with = "default")]
        policy: Option<String>,
        /// Follow the default policy again.
        #[arg(long)]
        default: bool,
    },
    /// Message templates.
    #[command(subcommand)]
    Template(TemplateCommand),
    /// Email (SMTP) settings and a test email.
    #[command(subcommand)]
    Smtp(SmtpCommand),
    /// Sender, bank details, interest law and the daily run time.
    Settings {
        /// Your company name (written to the letterhead: `pdf letterhead`).
        #[arg(long)]
        sender_name: Option<String>,
        /// Your email (written to the letterhead).
        #[arg(long)]
        sender_email: Option<String>,
        /// Your phone (written to the letterhead).
        #[arg(long)]
        sender_phone: Option<String>,
        /// Your street address (written to the letterhead; use \n for a line break).
        #[arg(long)]
        sender_address: Option<String>,
        /// Account holder (written to the letterhead).
        #[arg(long)]
        account_holder: Option<String>,
        /// Bank name (written to the letterhead).
        #[arg(long)]
        bank: Option<String>,
        /// IBAN (written to the letterhead).
        #[arg(long)]
        iban: Option<String>,
        /// BIC (written to the letterhead).
        #[arg(long)]
        bic: Option<String>,
        /// Interest law of the default late-fee policy (de, uk, eu, fr, ie, ...).
        #[arg(long)]
        interest: Option<String>,
        /// Daily run time while the app is open (HH:MM; "" = none).
        #[arg(long)]
        run_time: Option<String>,
        /// The daily run sends instead of only planning.
        #[arg(long)]
        auto_send: Option<bool>,
    },
}

/// Policy commands.
#[derive(Subcommand)]
pub enum PolicyCommand {
    /// List the policies: name, default, number of levels.
    List,
    /// Show one policy's levels (by name or #id), or every policy's without a name.
    Show {
        /// Policy name or #id.
        name: Option<String>,
    },
    /// Create or replace a policy from a JSON file ("-" = standard input) shaped like
    /// `policy show NAME --json`: `{"id", "name", "levels": [{"number", "name", "trigger_days",
    /// "min_open", "min_open_currency", "audience", "channel", "template", "wait_days",
    /// "deadline_days"}], "is_default"}`. The policy of that id (renamed if the name
    /// changed), else of that name, is replaced; otherwise a new one is created.
    Set {
        /// The JSON file.
        file: PathBuf,
    },
    /// Make a policy the default (debtors without their own policy follow it).
    Default {
        /// Policy name or #id.
        name: String,
    },
    /// Delete a policy nobody follows (not the default).
    Delete {
        /// Policy name or #id.
        name: String,
    },
    /// Make a debtor follow a policy (or the default again).
    Assign {
        /// Debtor reference or #id.
        debtor: String,
        /// Policy id; omit for the default.
        #[arg(long)]
        policy: Option<i64>,
    },
}

/// A policy file for `dunning policy set`: the `policy show --json` shape, with `id`
/// and `is_default` optional.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    #[serde(default)]
    id: Option<i64>,
    name: String,
    #[serde(default)]
    is_default: bool,
    levels: Vec<LevelFile>,
    /// The version the file was written at (`policy list --json`): set refuses it when
    /// someone saved the policy since; a file without one saves over whatever is there.
    #[serde(default)]
    version: Option<i64>,
}

/// A level in a policy file; optional fields take the editor's defaults.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct LevelFile {
    number: u32,
    name: String,
    trigger_days: i32,
    #[serde(default)]
    min_open: String,
    #[serde(default)]
    min_open_currency: String,
    #[serde(default = "audience_all")]
    audience: String,
    channel: String,
    #[serde(default)]
    template: String,
    #[serde(default)]
    wait_days: u32,
    #[serde(default)]
    deadline_days: u32,
    #[serde(default)]
    attach_letter: bool,
    #[serde(default)]
    attach_statement: bool,
}

fn audience_all() -> String {
    "all".into()
}

fn print_policy(p: &DunningPolicyDto) {
    println!(
        "Policy {} {}{}",
        p.id,
        p.name,
        if p.is_default { " (default)" } else { "" }
    );
    for l in &p.levels {
        println!(
            "  {} {:<18} {:>+4} days  {:<6} {:<18} wait {} days{}{}{}{}",
            l.number,
            l.name,
            l.trigger_days,
            l.channel,
            l.template,
            l.wait_days,
            if l.deadline_days > 0 {
                format!(", {} days to pay", l.deadline_days)
            } else {
                String::new()
            },
            if l.min_open.is_empty() {
                String::new()
            } else {
                format!(", from {} {}", l.min_open, l.min_open_currency)
            },
            if l.audience == "all" {
                String::new()
            } else {
                format!(", {} only", l.audience)
            },
            match (l.attach_letter, l.attach_statement) {
                (true, true) => ", attaches letter and statement",
                (true, false) => ", attaches the letter",
                (false, true) => ", attaches the statement",
                (false, false) => "",
            }
        );
    }
}

/// Template commands.
#[derive(Subcommand)]
pub enum TemplateCommand {
    /// List the templates.
    List,
    /// Print one template.
    Show {
        /// Key (friendly_reminder, reminder, second_reminder, final_demand).
        key: String,
        /// Language.
        #[arg(long, default_value = "en")]
        lang: String,
    },
    /// Save a template (checked against every merge field first).
    Set {
        /// Key.
        key: String,
        /// Language.
        #[arg(long, default_value = "en")]
        lang: String,
        /// Subject template.
        #[arg(long)]
        subject: String,
        /// File with the body template ("-" = standard input).
        #[arg(long)]
        body_file: PathBuf,
        /// Save only if the template is still at this version (its `version`, as
        /// `template show --json` printed it; 0 = the shipped text): a template saved by
        /// someone else since is not overwritten.
        #[arg(long)]
        version: Option<i64>,
    },
}

/// SMTP commands.
#[derive(Subcommand)]
pub enum SmtpCommand {
    /// Save the SMTP settings; the password (from OVERDUE_SMTP_PASSWORD or
    /// --password-stdin) goes to the OS keyring only.
    Configure {
        /// Server host.
        #[arg(long)]
        host: String,
        /// Port.
        #[arg(long, default_value_t = 587)]
        port: u16,
        /// Connection security.
        #[arg(long, value_enum, default_value = "starttls")]
        security: SecurityArg,
        /// Login user ("" = none).
        #[arg(long, default_value = "")]
        user: String,
        /// Sender address.
        #[arg(long)]
        from: String,
        /// Sender name.
        #[arg(long, default_value = "")]
        from_name: String,
        /// Read the password from standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Show the SMTP settings (never the password).
    Show,
    /// Send a test email.
    Test {
        /// Recipient.
        #[arg(long)]
        to: String,
    },
}

/// SMTP security.
#[derive(Clone, Copy, ValueEnum)]
pub enum SecurityArg {
    /// STARTTLS.
    Starttls,
    /// TLS from the start.
    Tls,
    /// None (local servers only).
    Plain,
}

/// One action in the stable `dunning run --json` output.
#[derive(Serialize)]
struct RunAction {
    debtor: String,
    level: u32,
    level_name: String,
    channel: overdue_api::dunning::ActionChannel,
    invoices: Vec<String>,
    amount: String,
    currency: String,
    status: overdue_api::dunning::ActionStatus,
    /// The email or letter text as it would be sent (absent for calls and tasks).
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<RunMessage>,
    /// What the user should know about the message before it goes out (the language it
    /// falls back to, interest left out, invoices left out and why); absent when nothing.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    notes: Vec<String>,
}

/// One skipped debtor in the stable output.
#[derive(Serialize)]
struct RunSkip {
    debtor: String,
    reason: String,
}

/// The stable `dunning run --json` output.
#[derive(Serialize)]
struct RunOutput {
    as_of: String,
    actions: Vec<RunAction>,
    skipped: Vec<RunSkip>,
    /// "Reconcile before you remind" and the like.
    warnings: Vec<String>,
}

/// An email or letter as it would be sent.
#[derive(Serialize)]
struct RunMessage {
    subject: String,
    body: String,
}

/// One message of `dunning bounce --maildir`.
#[derive(Serialize)]
struct MaildirEntry {
    file: String,
    /// `recorded`, `already recorded`, or why it was left alone.
    outcome: String,
    action_id: Option<i64>,
    debtor: String,
    bounce: String,
}

/// Records the bounces found in a Maildir; messages that are not bounces of dunning emails
/// (or delays) are listed and left alone. Files are read, never moved or deleted.
async fn maildir_bounces(api: &Api, dir: &std::path::Path, json: bool) -> Result<(), ApiError> {
    let mut files = Vec::new();
    let subdirs = [dir.join("new"), dir.join("cur")];
    let folders: Vec<PathBuf> = if subdirs.iter().any(|d| d.is_dir()) {
        subdirs.into_iter().filter(|d| d.is_dir()).collect()
    } else {
        vec![dir.to_path_buf()]
    };
    for folder in folders {
        let rd = std::fs::read_dir(&folder)
            .map_err(|e| ApiError::invalid(format!("{}: {e}", folder.display())))?;
        for e in rd.flatten() {
            let p = e.path();
            if p.is_file() {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let raw = std::fs::read(&f)
            .map_err(|e| ApiError::new(ErrorCode::Io, format!("{}: {e}", f.display())))?;
        let r = api
            .dunning_bounce(overdue_api::dunning::DunningBounceInput {
                message_id: String::new(),
                raw: String::from_utf8_lossy(&raw).into_owned(),
            })
            .await;
        out.push(match r {
            Ok(r) => MaildirEntry {
                file: f.display().to_string(),
                outcome: if r.recorded {
                    "recorded"
                } else {
                    "already recorded"
                }
                .into(),
                action_id: r.action.id,
                debtor: r.action.debtor,
                bounce: r.action.bounce,
            },
            Err(e) if matches!(e.code, ErrorCode::NotFound | ErrorCode::Validation) => {
                MaildirEntry {
                    file: f.display().to_string(),
                    outcome: format!("left alone: {}", e.message),
                    action_id: None,
                    debtor: String::new(),
                    bounce: String::new(),
                }
            }
            Err(e) => return Err(e),
        });
    }
    if json {
        return print_json(&out);
    }
    for e in &out {
        if e.action_id.is_some() {
            println!("{}: {} ({}: {})", e.file, e.outcome, e.debtor, e.bounce);
        } else {
            println!("{}: {}", e.file, e.outcome);
        }
    }
    Ok(())
}

async fn debtor_id(api: &Api, key: &str) -> Result<i64, ApiError> {
    Ok(crate::find(api, key).await?.id)
}

/// Runs a dunning command.
pub async fn run(api: &Api, command: DunningCommand, json: bool) -> Result<(), ApiError> {
    match command {
        DunningCommand::Run {
            as_of,
            dry_run,
            send,
            manager,
            debtors,
            show_messages,
            scheduled,
        } => {
            let mut ids = Vec::new();
            for d in &debtors {
                ids.push(debtor_id(api, d).await?);
            }
            let r = api
                .dunning_run(DunningRunRequest {
                    as_of,
                    mode: if dry_run {
                        DunningRunMode::Preview
                    } else if send {
                        DunningRunMode::Send
                    } else {
                        DunningRunMode::Plan
                    },
                    account_manager: manager,
                    debtor_ids: ids,
                })
                .await?;
            if scheduled {
                let _ = SCHEDULED_OUTCOME.set(r.digest());
            }
            if json {
                return print_json(&RunOutput {
                    as_of: r.as_of,
                    actions: r
                        .actions
                        .into_iter()
                        .map(|a| RunAction {
                            debtor: a.debtor,
                            level: a.level,
                            level_name: a.level_name,
                            channel: a.channel,
                            invoices: a.invoices,
                            amount: a.amount,
                            currency: a.currency,
                            status: a.status,
                            message: (!a.subject.is_empty() || !a.body.is_empty()).then_some(
                                RunMessage {
                                    subject: a.subject,
                                    body: a.body,
                                },
                            ),
                            notes: a
                                .note
                                .lines()
                                .map(str::trim)
                                .filter(|n| !n.is_empty())
                                .map(String::from)
                                .collect(),
                        })
                        .collect(),
                    skipped: r
                        .skipped
                        .into_iter()
                        .map(|s| RunSkip {
                            debtor: s.debtor,
                            reason: s.reason,
                        })
                        .collect(),
                    warnings: r.warnings,
                });
            }
            println!("Dunning run as of {}", r.as_of);
            for w in &r.warnings {
                println!("  warning: {w}");
            }
            for a in &r.reconciled {
                println!("  reconciled {} level {}: {}", a.debtor, a.level, a.note);
            }
            for a in &r.actions {
                println!(
                    "  {:<12} L{} {:<18} {:<6} {:>12} {}  {:<8} {}{}",
                    a.debtor,
                    a.level,
                    a.level_name,
                    a.channel,
                    a.amount,
                    a.currency,
                    a.status,
                    a.invoices.join(","),
                    if a.error.is_empty() {
                        String::new()
                    } else {
                        format!("  ({})", a.error)
                    }
                );
                for note in a.note.lines().filter(|n| !n.trim().is_empty()) {
                    println!("    note: {note}");
                }
                if show_messages && !a.body.is_empty() {
                    println!("    To: {}\n    Subject: {}\n", a.recipient, a.subject);
                    for line in a.body.lines() {
                        println!("    | {line}");
                    }
                    println!();
                }
            }
            for s in &r.skipped {
                println!("  skipped {:<12} {}", s.debtor, s.reason);
            }
            println!("{} action(s), {} skipped", r.actions.len(), r.skipped.len());
            Ok(())
        }
        DunningCommand::Actions { debtor, states } => {
            let id = match debtor {
                Some(d) => Some(debtor_id(api, &d).await?),
                None => None,
            };
            let list = api.dunning_actions(id, states).await?;
            if json {
                return print_json(&list);
            }
            for a in &list {
                println!(
                    "#{:<5} {:<12} L{} {:<18} {:<6} {:>12} {} {:<9} {} {}",
                    a.id.unwrap_or_default(),
                    a.debtor,
                    a.level,
                    a.level_name,
                    a.channel,
                    a.amount,
                    a.currency,
                    a.status,
                    a.as_of,
                    a.error
                );
            }
            Ok(())
        }
        DunningCommand::Worklist { manager } => {
            let list = api.dunning_worklist(manager).await?;
            if json {
                return print_json(&list);
            }
            for a in &list {
                println!(
                    "#{:<5} {:<12} {:<30} {:<10} {} {} {}",
                    a.id.unwrap_or_default(),
                    a.debtor,
                    a.debtor_name,
                    a.channel,
                    a.amount,
                    a.currency,
                    a.account_manager
                );
            }
            Ok(())
        }
        DunningCommand::Done {
            id,
            outcome,
            author,
        } => {
            api.dunning_task_done(DunningTaskDone {
                action_id: id,
                outcome,
                author,
            })
            .await?;
            if json {
                print_json(&serde_json::json!({"done": id}))
            } else {
                println!("Task #{id} done.");
                Ok(())
            }
        }
        DunningCommand::Schedule { .. } => Err(ApiError::new(
            ErrorCode::Internal,
            "dunning schedule is handled where the book's location is known",
        )),
        DunningCommand::Escalate {
            debtor,
            level,
            reason,
            as_of,
            author,
        } => {
            let id = debtor_id(api, &debtor).await?;
            let a = api
                .dunning_escalate(DunningEscalate {
                    debtor_id: id,
                    level,
                    reason,
                    as_of,
                    author,
                })
                .await?;
            if json {
                return print_json(&a);
            }
            println!(
                "{}: level {} ({}) on record as of {} for {} {} ({}); the reason is on the contact log.",
                a.debtor,
                a.level,
                a.level_name,
                a.as_of,
                a.amount,
                a.currency,
                a.invoices.join(", ")
            );
            Ok(())
        }
        DunningCommand::Log { debtor } => {
            let id = debtor_id(api, &debtor).await?;
            let list = api.debtor_timeline(id).await?;
            if json {
                return print_json(&list);
            }
            for e in &list {
                println!(
                    "{:<25} {:<14} {}{}",
                    e.at,
                    e.kind,
                    e.title,
                    e.sha256
                        .as_ref()
                        .map(|h| format!("  sha256 {h}"))
                        .unwrap_or_default()
                );
            }
            Ok(())
        }
        DunningCommand::Policy(PolicyCommand::List) => {
            let list = api.dunning_policies().await?;
            if json {
                return print_json(&list);
            }
            for p in &list {
                println!(
                    "{:>4}  {:<24} {:>2} levels{}",
                    p.id,
                    p.name,
                    p.levels.len(),
                    if p.is_default { "  default" } else { "" }
                );
            }
            Ok(())
        }
        DunningCommand::Policy(PolicyCommand::Show { name }) => {
            let list = match &name {
                Some(n) => vec![api.dunning_policy_named(n).await?],
                None => api.dunning_policies().await?,
            };
            if json {
                // One named policy as an object (what `policy set` reads), all as a list.
                return match (&name, list.as_slice()) {
                    (Some(_), [one]) => print_json(one),
                    _ => print_json(&list),
                };
            }
            list.iter().for_each(print_policy);
            Ok(())
        }
        DunningCommand::Policy(PolicyCommand::Set { file }) => {
            let text = if file.as_os_str() == "-" {
                let mut s = String::new();
                std::io::stdin()
                    .read_to_string(&mut s)
                    .map_err(|e| ApiError::new(ErrorCode::Io, format!("standard input: {e}")))?;
                s
            } else {
                std::fs::read_to_string(&file)
                    .map_err(|e| ApiError::invalid(format!("{}: {e}", file.display())))?
            };
            let f: PolicyFile = serde_json::from_str(&text).map_err(|e| {
                ApiError::invalid(format!("{}: not a policy file: {e}", file.display()))
            })?;
            // The policy of the file's id (a rename), else the policy of its name, else new.
            let all = api.dunning_policies().await?;
            let existing =
                f.id.filter(|&id| id != 0)
                    .and_then(|id| all.iter().find(|p| p.id == id))
                    .or_else(|| all.iter().find(|p| p.name == f.name.trim()))
                    .cloned();
            let dto = DunningPolicyDto {
                id: existing.as_ref().map(|p| p.id).unwrap_or(0),
                name: f.name,
                is_default: false,
                levels: f
                    .levels
                    .into_iter()
                    .map(|l| DunningLevelDto {
                        number: l.number,
                        name: l.name,
                        trigger_days: l.trigger_days,
                        min_open: l.min_open,
                        min_open_currency: l.min_open_currency,
                        audience: l.audience,
                        channel: l.channel,
                        template: l.template,
                        wait_days: l.wait_days,
                        deadline_days: l.deadline_days,
                        attach_letter: l.attach_letter,
                        attach_statement: l.attach_statement,
                    })
                    .collect(),
                // A version belongs to the policy it was read from, not to a new one.
                version: existing.as_ref().and(f.version),
            };
            let mut saved = api.dunning_policy_save(dto).await?;
            if f.is_default && !saved.is_default {
                saved = api.dunning_policy_set_default(saved.id).await?;
            }
            if json {
                print_json(&saved)
            } else {
                println!(
                    "{} policy {} \"{}\" ({} levels).",
                    if existing.is_some() {
                        "Replaced"
                    } else {
                        "Created"
                    },
                    saved.id,
                    saved.name,
                    saved.levels.len()
                );
                Ok(())
            }
        }
        DunningCommand::Policy(PolicyCommand::Default { name }) => {
            let p = api.dunning_policy_named(&name).await?;
            let p = api.dunning_policy_set_default(p.id).await?;
            if json {
                print_json(&p)
            } else {
                println!("\"{}\" is now the default policy.", p.name);
                Ok(())
            }
        }
        DunningCommand::Policy(PolicyCommand::Delete { name }) => {
            let p = api.dunning_policy_named(&name).await?;
            api.dunning_policy_delete(p.id).await?;
            if json {
                print_json(&serde_json::json!({"deleted": p.id, "name": p.name}))
            } else {
                println!("Deleted policy \"{}\".", p.name);
                Ok(())
            }
        }
        DunningCommand::Bounce {
            maildir: Some(dir), ..
        } => maildir_bounces(api, &dir, json).await,
        DunningCommand::Bounce {
            file, message_id, ..
        } => {
            let raw = match &file {
                Some(f) if f.as_os_str() == "-" => {
                    let mut b = Vec::new();
                    std::io::stdin().read_to_end(&mut b).map_err(|e| {
                        ApiError::new(ErrorCode::Io, format!("standard input: {e}"))
                    })?;
                    b
                }
                Some(f) => std::fs::read(f)
                    .map_err(|e| ApiError::invalid(format!("{}: {e}", f.display())))?,
                None => Vec::new(),
            };
            let r = api
                .dunning_bounce(overdue_api::dunning::DunningBounceInput {
                    message_id: message_id.unwrap_or_default(),
                    raw: String::from_utf8_lossy(&raw).into_owned(),
                })
                .await?;
            if json {
                print_json(&r)
            } else {
                println!(
                    "{} {} (level {}) to {}: {}",
                    if r.recorded {
                        "Bounced:"
                    } else {
                        "Already recorded:"
                    },
                    r.action.level_name,
                    r.action.level,
                    r.action.debtor,
                    r.action.bounce
                );
                Ok(())
            }
        }
        DunningCommand::Assign {
            debtor,
            policy,
            default,
        } => {
            let id = debtor_id(api, &debtor).await?;
            let policy = match (policy, default) {
                (Some(name), false) => Some(api.dunning_policy_named(&name).await?),
                (None, true) => None,
                _ => {
                    return Err(ApiError::invalid(
                        "Name the policy with --policy NAME, or give --default.",
                    ))
                }
            };
            api.dunning_assign_policy(id, policy.as_ref().map(|p| p.id))
                .await?;
            let followed = api.dunning_debtor_policy(id).await?;
            if json {
                print_json(&followed)
            } else {
                println!(
                    "{debtor} follows {}.",
                    match &policy {
                        Some(p) => format!("\"{}\"", p.name),
                        None => "the default policy".into(),
                    }
                );
                Ok(())
            }
        }
        DunningCommand::Policy(PolicyCommand::Assign { debtor, policy }) => {
            let id = debtor_id(api, &debtor).await?;
            api.dunning_assign_policy(id, policy).await?;
            if json {
                print_json(&serde_json::json!({"debtor_id": id, "policy": policy}))
            } else {
                println!(
                    "Debtor #{id} follows policy {}.",
                    policy.map(|p| p.to_string()).unwrap_or("default".into())
                );
                Ok(())
            }
        }
        DunningCommand::Template(TemplateCommand::List) => {
            let list = api.dunning_templates().await?;
            if json {
                return print_json(&list);
            }
            for t in &list {
                println!(
                    "{:<18} {}  {}{}",
                    t.key,
                    t.language,
                    t.subject,
                    if t.shipped { "" } else { "  (edited)" }
                );
            }
            Ok(())
        }
        DunningCommand::Template(TemplateCommand::Show { key, lang }) => {
            let t = api.dunning_template(&key, &lang).await?;
            if json {
                return print_json(&t);
            }
            println!("Subject: {}\n\n{}", t.subject, t.body);
            Ok(())
        }
        DunningCommand::Template(TemplateCommand::Set {
            key,
            lang,
            subject,
            body_file,
            version,
        }) => {
            let body = if body_file.as_os_str() == "-" {
                let mut s = String::new();
                std::io::stdin()
                    .read_to_string(&mut s)
                    .map_err(|e| ApiError::new(ErrorCode::Io, format!("standard input: {e}")))?;
                s
            } else {
                std::fs::read_to_string(&body_file)
                    .map_err(|e| ApiError::invalid(format!("{}: {e}", body_file.display())))?
            };
            let t = api
                .dunning_template_save(DunningTemplateDto {
                    key,
                    language: lang,
                    subject,
                    body,
                    shipped: false,
                    version,
                })
                .await?;
            if json {
                print_json(&t)
            } else {
                println!("Saved template {} ({}).", t.key, t.language);
                Ok(())
            }
        }
        DunningCommand::Smtp(SmtpCommand::Configure {
            host,
            port,
            security,
            user,
            from,
            from_name,
            password_stdin,
        }) => {
            let password = if password_stdin {
                let mut s = String::new();
                std::io::stdin()
                    .read_to_string(&mut s)
                    .map_err(|e| ApiError::new(ErrorCode::Io, format!("standard input: {e}")))?;
                s.trim_end_matches(['\r', '\n']).to_string()
            } else {
                std::env::var("OVERDUE_SMTP_PASSWORD").unwrap_or_default()
            };
            let s = api
                .smtp_configure(SmtpSettingsInput {
                    settings: SmtpSettings {
                        host,
                        port,
                        security: match security {
                            SecurityArg::Starttls => SmtpSecurity::Starttls,
                            SecurityArg::Tls => SmtpSecurity::Tls,
                            SecurityArg::Plain => SmtpSecurity::Plain,
                        },
                        username: user,
                        from_address: from,
                        from_name,
                        has_password: false,
                    },
                    password,
                })
                .await?;
            if json {
                print_json(&s)
            } else {
                println!(
                    "Email goes through {}:{} from {}.",
                    s.host, s.port, s.from_address
                );
                Ok(())
            }
        }
        DunningCommand::Smtp(SmtpCommand::Show) => {
            let s = api.smtp_settings().await?;
            if json {
                return print_json(&s);
            }
            match s {
                Some(s) => println!(
                    "{}:{} {:?} user {:?} from {} <{}> password {}",
                    s.host,
                    s.port,
                    s.security,
                    s.username,
                    s.from_name,
                    s.from_address,
                    if s.has_password { "in keyring" } else { "none" }
                ),
                None => println!("Email is not set up."),
            }
            Ok(())
        }
        DunningCommand::Smtp(SmtpCommand::Test { to }) => {
            let r = api.smtp_send_test(&to).await?;
            if json {
                print_json(&r)
            } else {
                println!(
                    "Test email sent to {} (Message-ID <{}>).",
                    r.to, r.message_id
                );
                Ok(())
            }
        }
        DunningCommand::Settings {
            sender_name,
            sender_email,
            sender_phone,
            sender_address,
            account_holder,
            bank,
            iban,
            bic,
            interest,
            run_time,
            auto_send,
        } => {
            let mut s = api.dunning_settings().await?;
            let set = |slot: &mut String, v: Option<String>| {
                if let Some(v) = v {
                    *slot = v.replace("\\n", "\n");
                }
            };
            set(&mut s.sender.name, sender_name);
            set(&mut s.sender.email, sender_email);
            set(&mut s.sender.phone, sender_phone);
            set(&mut s.sender.address, sender_address);
            set(&mut s.payment.account_holder, account_holder);
            set(&mut s.payment.bank_name, bank);
            set(&mut s.payment.iban, iban);
            set(&mut s.payment.bic, bic);
            set(&mut s.interest_jurisdiction, interest);
            set(&mut s.run_time, run_time);
            if let Some(a) = auto_send {
                s.auto_send = a;
            }
            api.dunning_settings_save(s).await?;
            if json {
                // What messages use: the creditor's details come from the letterhead.
                print_json(&api.message_settings().await?)
            } else {
                println!("Dunning settings saved.");
                Ok(())
            }
        }
    }
}

/// What a scheduled run did, for its record and the desktop notification.
pub static SCHEDULED_OUTCOME: std::sync::OnceLock<overdue_api::daily_run::RunDigest> =
    std::sync::OnceLock::new();

/// `dunning schedule`: Settings > Daily run from the command line (the same use case).
pub async fn schedule(
    api: &Api,
    db: &str,
    at: Option<String>,
    off: bool,
    print: bool,
    json: bool,
) -> Result<(), ApiError> {
    use overdue_api::daily_run::{DailyRunInput, JobTarget};
    use overdue_api::schedule;
    let now = api.daily_run().await?;
    let at = at.unwrap_or_else(|| {
        if now.at.is_empty() {
            "08:00".to_string()
        } else {
            now.at.clone()
        }
    });
    let cli = std::env::current_exe()
        .map_err(|e| ApiError::new(ErrorCode::Io, format!("the overdue program's path: {e}")))?;
    if print {
        let job = schedule::DailyJob {
            cli,
            db: overdue_api::daily_run::job_book(db)?,
            at: overdue_api::daily_run::parse_time(&at)?,
            send: now.send,
        };
        println!(
            "# systemd user units (Linux): ~/.config/systemd/user/{0}.service and {0}.timer",
            schedule::UNIT
        );
        println!("{}", schedule::systemd_service(&job));
        println!("{}", schedule::systemd_timer(&job));
        println!(
            "# launchd agent (macOS): ~/Library/LaunchAgents/{}.plist",
            schedule::LAUNCHD_LABEL
        );
        println!("{}", schedule::launchd_plist(&job));
        println!(
            "# Task Scheduler (Windows): schtasks /Create /XML FILE /TN \"{}\"",
            schedule::WINDOWS_TASK
        );
        println!("{}", schedule::windows_task(&job));
        return Ok(());
    }
    let was_installed = now.when_closed;
    let set = api
        .daily_run_set(
            DailyRunInput {
                // Turning the job off keeps the time for the open window.
                at: if off { now.at.clone() } else { at },
                send: now.send,
                when_closed: !off,
            },
            Some(JobTarget {
                program: cli,
                db: db.to_string(),
                // Tests install into a temporary home and must not reach the user's
                // systemd session.
                activate: std::env::var_os("OVERDUE_NO_SYSTEMCTL").is_none(),
            }),
        )
        .await?;
    if json {
        return print_json(&set);
    }
    if set.when_closed {
        println!(
            "The daily run is scheduled at {}: {}",
            set.at,
            set.files.join(", ")
        );
    } else if was_installed {
        println!("The daily run is no longer scheduled.");
    } else {
        println!("No daily run was scheduled.");
    }
    if !set.note.is_empty() {
        println!("Note: {}", set.note);
    }
    match &set.last_run {
        Some(l) if l.ok => println!("Last run: {} on {}: {}", l.at, l.db, l.summary),
        Some(l) => println!("Last run: {} on {}: FAILED: {}", l.at, l.db, l.error),
        None => println!("Last run: none recorded yet."),
    }
    Ok(())
}
