//! Settings > Daily run, and `dunning schedule` (issue 17): one use case for the window
//! and the command line. "Send reminders every day at 08:00, also when Overdue is
//! closed" is three settings: the time and what the run does (the dunning settings'
//! `run_time` and `auto_send`, which the open window's own loop also follows), and
//! whether a per-user scheduled job runs the `overdue` command-line tool while the window
//! is closed (see [`crate::schedule`]). The job's last outcome is read back from
//! `daily-run.json`, and [`DunningRunResult::digest`] is the one sentence the
//! notification, the window's banner and that record all show.

use std::path::{Path, PathBuf};

use chrono::NaiveTime;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::dunning::DunningRunResult;
use crate::schedule::{self, DailyJob, LastRun};
use crate::{Api, ApiError, ErrorCode};

/// The daily run as Settings shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DailyRunDto {
    /// Time of day, `HH:MM` local time ("" = no daily run).
    pub at: String,
    /// The run sends the reminders (true) or only plans them for approval (false).
    pub send: bool,
    /// A scheduled job runs it also while Overdue is closed.
    pub when_closed: bool,
    /// The job's files on this computer.
    pub files: Vec<String>,
    /// What the scheduler said when the job was changed ("" = it took the change).
    pub note: String,
    /// The last run of the scheduled job, if one is recorded.
    pub last_run: Option<LastRun>,
    /// What the window's banner says when it opens: the job's run of the last 24 hours.
    pub banner: Option<RunDigest>,
}

/// What the user chose in Settings > Daily run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DailyRunInput {
    /// Time of day, `HH:MM` ("" = no daily run).
    pub at: String,
    /// Send (true) or plan for approval (false).
    pub send: bool,
    /// Also while Overdue is closed.
    pub when_closed: bool,
}

/// Where the scheduled job runs: the command-line tool and the book, as the caller knows
/// them (the CLI its own path and `--db`; the window the `overdue` installed beside it and
/// the book it has open).
#[derive(Debug, Clone)]
pub struct JobTarget {
    /// The `overdue` command-line tool.
    pub program: PathBuf,
    /// The book: a file path or a server address without password.
    pub db: String,
    /// Ask the running systemd user session to (re)load the job (tests say no).
    pub activate: bool,
}

/// What a dunning run did, in the words of the notification, the banner and the record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RunDigest {
    /// One line: "Overdue: 3 reminders sent".
    pub title: String,
    /// What was done and what needs a person.
    pub body: String,
    /// An email could not be sent (it is tried again at the next run).
    pub failed: bool,
    /// Something needs attention: an email failed, or a warning (bank statements out of
    /// date).
    pub attention: bool,
}

/// A daily run finished: what the window's banner and the notification say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DailyRunEvent {
    /// What it did.
    pub digest: RunDigest,
    /// The scheduled job ran it (it has notified already); false when the open window did.
    pub by_job: bool,
}

impl LastRun {
    /// The recorded run in the words of a notification.
    pub fn digest(&self) -> RunDigest {
        if self.ok {
            RunDigest {
                title: if self.title.is_empty() {
                    "Overdue: daily run done".to_string()
                } else {
                    self.title.clone()
                },
                body: self.summary.clone(),
                failed: false,
                attention: false,
            }
        } else {
            RunDigest {
                title: "Overdue: the daily run did not complete".to_string(),
                body: format!("Did not complete: {}", self.error),
                failed: true,
                attention: true,
            }
        }
    }
}

impl DunningRunResult {
    /// What the run did and what is left for a person, counted once for every place that
    /// reports it.
    pub fn digest(&self) -> RunDigest {
        use crate::dunning::{ActionChannel as C, ActionStatus as S};
        let count = |status: S, channel: Option<C>| {
            self.actions
                .iter()
                .filter(|a| a.status == status && channel.is_none_or(|c| a.channel == c))
                .count()
        };
        let sent = count(S::Sent, None);
        let planned = count(S::Planned, None);
        let failed = count(S::Failed, None);
        let mut person: Vec<String> = Vec::new();
        let mut add = |n: usize, one: &str, many: &str| {
            if n > 0 {
                person.push(format!("{n} {}", if n == 1 { one } else { many }));
            }
        };
        add(
            count(S::Planned, Some(C::Email)),
            "email to approve",
            "emails to approve",
        );
        add(
            count(S::Planned, Some(C::Letter)),
            "letter to print",
            "letters to print",
        );
        add(
            count(S::Planned, Some(C::Call)),
            "call to make",
            "calls to make",
        );
        add(
            count(S::Planned, Some(C::Agency)) + count(S::Planned, Some(C::Legal)),
            "case for an agency or legal review",
            "cases for an agency or legal review",
        );
        add(
            count(S::Planned, Some(C::Fee)),
            "fee to confirm",
            "fees to confirm",
        );
        add(failed, "email that failed", "emails that failed");
        let title = if failed > 0 {
            format!("Overdue: {failed} of {} reminders failed", sent + failed)
        } else if sent > 0 {
            format!(
                "Overdue: {sent} reminder{} sent",
                if sent == 1 { "" } else { "s" }
            )
        } else if planned > 0 {
            "Overdue: reminders are ready for approval".to_string()
        } else {
            "Overdue: nothing was due today".to_string()
        };
        let done: Vec<String> = [
            (sent, "sent"),
            (planned, "planned for approval"),
            (failed, "failed"),
            (
                self.skipped.len(),
                "held back or passed over (see Collections)",
            ),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
        let mut body = if done.is_empty() {
            "Nothing was due.".to_string()
        } else {
            format!("{}.", done.join(", "))
        };
        if !person.is_empty() {
            body.push_str(&format!(" Needs a person: {}.", person.join(", ")));
        }
        if let Some(a) = self.actions.iter().find(|a| a.status == S::Failed) {
            body.push_str(&format!(
                " {} could not be sent ({}); failed messages are tried again at the next run.",
                a.debtor, a.error
            ));
        }
        for w in &self.warnings {
            body.push(' ');
            body.push_str(w);
        }
        RunDigest {
            title,
            body,
            failed: failed > 0,
            attention: failed > 0 || !self.warnings.is_empty(),
        }
    }
}

/// Shows what a run did as a desktop notification: the freedesktop notification
/// service over D-Bus on Linux (and the platform's own elsewhere), through notify-rust,
/// the crate tauri-plugin-notification wraps. The scheduled job calls it after each run,
/// the window after its own; the plugin itself is not used, as it would inject a script
/// into the page that needs a permission the UI has no use for. A computer without a
/// notification service (a server, CI) loses only the popup: the run is recorded in
/// `daily-run.json` either way, and the window's banner shows it. Never fails.
pub fn notify_desktop(digest: &RunDigest) {
    let mut n = notify_rust::Notification::new();
    n.appname("Overdue")
        .summary(&digest.title)
        .body(&digest.body);
    #[cfg(all(unix, not(target_os = "macos")))]
    n.urgency(if digest.attention {
        notify_rust::Urgency::Critical
    } else {
        notify_rust::Urgency::Normal
    });
    match n.show() {
        Ok(_) => tracing::info!(title = %digest.title, "desktop notification shown"),
        Err(e) => tracing::warn!(error = %e, "no desktop notification (no notification service)"),
    }
}

/// A time of day as typed (`HH:MM`); the error names the field `at`.
pub fn parse_time(text: &str) -> Result<NaiveTime, ApiError> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M").map_err(|_| {
        ApiError::field(
            "at",
            format!(
                "\"{}\" is not a time of day: write HH:MM, e.g. 08:00.",
                text.trim()
            ),
        )
    })
}

/// The `overdue` command-line tool installed beside the running program (the window's
/// `overdue-app` in the package's `/usr/bin`, or a build's `target/` folder).
pub fn program_beside(exe: &Path) -> Result<PathBuf, ApiError> {
    let name = if cfg!(windows) {
        "overdue.exe"
    } else {
        "overdue"
    };
    let cli = exe.with_file_name(name);
    if cli.is_file() {
        Ok(cli)
    } else {
        Err(ApiError::new(
            ErrorCode::InvalidInput,
            format!(
                "The daily run needs the overdue command-line tool, which is not installed beside the app \
                 (looked for {}). Install Overdue from its package, which puts both on the PATH.",
                cli.display()
            ),
        ))
    }
}

/// The book as the job names it: a file by its absolute path (the job runs from another
/// folder), a server by its address without the password (the job reads it from the
/// keyring).
pub fn job_book(db: &str) -> Result<String, ApiError> {
    if crate::config::is_server(db) {
        Ok(crate::config::split_password(db).0)
    } else {
        Ok(std::path::absolute(db)
            .map_err(|e| ApiError::new(ErrorCode::Io, format!("{db}: {e}")))?
            .display()
            .to_string())
    }
}

impl Api {
    /// The daily run's settings, whether the scheduled job is installed, and its last run.
    pub async fn daily_run(&self) -> Result<DailyRunDto, ApiError> {
        let settings = self.dunning_settings().await?;
        let dirs = schedule::JobDirs::of_user()?;
        let scheduler = schedule::Scheduler::of_this_computer();
        let when_closed = scheduler.installed(&dirs);
        let last_run = crate::config::daily_run_file()
            .ok()
            .and_then(|f| schedule::last_run(&f));
        let now = self.clock().now();
        let banner = last_run
            .as_ref()
            .filter(|l| {
                chrono::DateTime::parse_from_rfc3339(&l.at).is_ok_and(|at| {
                    let age = now.signed_duration_since(at);
                    age < chrono::TimeDelta::hours(24) && age > -chrono::TimeDelta::hours(1)
                })
            })
            .map(LastRun::digest);
        Ok(DailyRunDto {
            at: settings.run_time.trim().to_string(),
            send: settings.auto_send,
            when_closed,
            files: scheduler.files(&dirs),
            note: String::new(),
            last_run,
            banner,
        })
    }

    /// Saves the daily run: the time and mode in the dunning settings (the open window
    /// runs at that time), and the scheduled job installed, rewritten or removed.
    pub async fn daily_run_set(
        &self,
        input: DailyRunInput,
        target: Option<JobTarget>,
    ) -> Result<DailyRunDto, ApiError> {
        let at = if input.at.trim().is_empty() {
            None
        } else {
            Some(parse_time(&input.at)?)
        };
        if input.when_closed && at.is_none() {
            return Err(ApiError::field(
                "at",
                "Choose the time of the daily run (HH:MM, e.g. 08:00) to run it also while Overdue is closed.",
            ));
        }
        let dirs = schedule::JobDirs::of_user()?;
        let scheduler = schedule::Scheduler::of_this_computer();
        let installed = scheduler.installed(&dirs);
        let job = match (input.when_closed, at, target.as_ref()) {
            (true, Some(at), Some(t)) => Some(DailyJob {
                cli: t.program.clone(),
                db: job_book(&t.db)?,
                at,
                send: input.send,
            }),
            (true, _, None) => {
                return Err(ApiError::invalid(
                    "The daily run cannot be scheduled from here: the program and the book are unknown.",
                ))
            }
            _ => None,
        };
        let mut settings = self.dunning_settings().await?;
        settings.run_time = at
            .map(|t| t.format("%H:%M").to_string())
            .unwrap_or_default();
        settings.auto_send = input.send;
        self.dunning_settings_save(settings).await?;
        let activate = target.as_ref().is_none_or(|t| t.activate);
        let report = match job {
            Some(job) => scheduler.install(&job, &dirs, activate)?,
            None if installed => scheduler.uninstall(&dirs, activate)?,
            None => schedule::ScheduleReport::default(),
        };
        tracing::info!(
            at = %input.at,
            send = input.send,
            when_closed = input.when_closed,
            "daily run saved"
        );
        let mut dto = self.daily_run().await?;
        dto.note = report.note;
        Ok(dto)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn action(debtor: &str, channel: &str, status: &str, error: &str) -> serde_json::Value {
        serde_json::json!({
            "id": 1, "debtor_id": 1, "debtor": debtor, "debtor_name": debtor, "account_manager": "",
            "level": 1, "level_name": "Reminder", "channel": channel, "cycle": 1, "invoices": [],
            "amount": "10.00", "currency": "EUR", "status": status, "recipient": "", "subject": "",
            "body": "", "deadline": "", "message_id": "", "error": error, "note": "",
            "as_of": "2026-12-07", "bounce": ""
        })
    }

    fn run(actions: Vec<serde_json::Value>, warnings: &[&str]) -> DunningRunResult {
        serde_json::from_value(serde_json::json!({
            "as_of": "2026-12-07", "mode": "send", "actions": actions, "skipped": [],
            "reconciled": [], "warnings": warnings
        }))
        .unwrap()
    }

    #[test]
    fn the_digest_says_what_was_sent_and_what_needs_a_person() {
        let d = run(
            vec![
                action("D1", "email", "sent", ""),
                action("D2", "email", "sent", ""),
                action("D3", "letter", "planned", ""),
                action("D4", "call", "planned", ""),
                action("D5", "legal", "planned", ""),
            ],
            &[],
        )
        .digest();
        assert_eq!(d.title, "Overdue: 2 reminders sent");
        assert_eq!(
            d.body,
            "2 sent, 3 planned for approval. Needs a person: 1 letter to print, 1 call to make, \
             1 case for an agency or legal review."
        );
        assert!(!d.failed && !d.attention);
    }

    #[test]
    fn a_failed_email_or_a_warning_needs_attention() {
        let d = run(
            vec![
                action("D1", "email", "sent", ""),
                action("D2", "email", "failed", "550 mailbox unavailable"),
            ],
            &[],
        )
        .digest();
        assert_eq!(d.title, "Overdue: 1 of 2 reminders failed");
        assert!(d
            .body
            .contains("D2 could not be sent (550 mailbox unavailable)"));
        assert!(d.failed && d.attention);
        let d = run(vec![], &["The statement of DE02… is 9 days old."]).digest();
        assert_eq!(d.title, "Overdue: nothing was due today");
        assert_eq!(
            d.body,
            "Nothing was due. The statement of DE02… is 9 days old."
        );
        assert!(!d.failed && d.attention);
        // The record of a failed run reads back as one needing attention.
        let record = schedule::outcome(
            chrono::DateTime::parse_from_rfc3339("2026-12-07T07:30:00Z")
                .unwrap()
                .to_utc(),
            "/b.db",
            Err("the book is locked"),
        );
        let back = record.digest();
        assert_eq!(back.title, "Overdue: the daily run did not complete");
        assert_eq!(back.body, "Did not complete: the book is locked");
        assert!(back.attention);
    }
}
