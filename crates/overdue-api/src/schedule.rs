//! The daily run without the window: a per-user scheduled job that runs the `overdue`
//! command-line tool at the time set in the dunning settings (issue 17).
//!
//! The job files are built from the same settings for every platform: a systemd user
//! service and timer on Linux (installed under `~/.config/systemd/user` and enabled by
//! the `timers.target.wants` link, so no running user session is needed to install it),
//! a launchd agent on macOS (`~/Library/LaunchAgents`, loaded with `launchctl load -w`)
//! and a Task Scheduler task on Windows (its UTF-16 XML kept under `%APPDATA%\Overdue`
//! and registered with `schtasks /Create /XML`); [`Scheduler`] picks the computer's
//! own. Only the Linux commands have been run for real here. Each runs
//! `overdue --db BOOK --log dunning run [--send] --scheduled`, which records its outcome in `daily-run.json` beside the default book, also when the book
//! cannot be opened, so the window and `dunning schedule` can say when it last ran and
//! what it did. The outbox's claim-before-send keeps a retried run from sending twice.

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveTime, SecondsFormat, Timelike, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{ApiError, ErrorCode};

/// The systemd units' name.
pub const UNIT: &str = "overdue-daily-run";

/// What the scheduled job runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailyJob {
    /// The `overdue` command-line tool.
    pub cli: PathBuf,
    /// The book: a SQLite path or a `postgres://` URL without password.
    pub db: String,
    /// When, local time.
    pub at: NaiveTime,
    /// Send (true) or only plan for approval (false).
    pub send: bool,
}

impl DailyJob {
    /// The arguments after the program.
    pub fn args(&self) -> Vec<String> {
        let mut a = vec![
            "--db".to_string(),
            self.db.clone(),
            "--log".to_string(),
            "dunning".to_string(),
            "run".to_string(),
        ];
        if self.send {
            a.push("--send".to_string());
        }
        a.push("--scheduled".to_string());
        a
    }
}

/// A word as systemd's `ExecStart=` reads it: quoted when it holds a space, a quote or a
/// backslash, with `%` doubled (systemd expands `%` specifiers).
fn systemd_word(w: &str) -> String {
    let w = w.replace('%', "%%");
    if w.is_empty() || w.contains([' ', '"', '\\', '\'', '\t']) {
        format!("\"{}\"", w.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        w
    }
}

/// The systemd user service.
pub fn systemd_service(job: &DailyJob) -> String {
    let mut exec = vec![systemd_word(&job.cli.display().to_string())];
    exec.extend(job.args().iter().map(|a| systemd_word(a)));
    format!(
        "# Written by Overdue (Settings > Dunning > Daily run); `overdue dunning schedule --off` removes it.\n\
         [Unit]\n\
         Description=Overdue: the daily dunning run\n\
         After=network-online.target\n\
         \n\
         [Service]\n\
         Type=oneshot\n\
         ExecStart={}\n",
        exec.join(" ")
    )
}

/// The systemd user timer: every day at the time; a day missed while the machine was off
/// runs at the next start (`Persistent=true`).
pub fn systemd_timer(job: &DailyJob) -> String {
    format!(
        "# Written by Overdue (Settings > Dunning > Daily run); `overdue dunning schedule --off` removes it.\n\
         [Unit]\n\
         Description=Overdue: the daily dunning run at {at}\n\
         \n\
         [Timer]\n\
         OnCalendar=*-*-* {at}:00\n\
         Persistent=true\n\
         \n\
         [Install]\n\
         WantedBy=timers.target\n",
        at = job.at.format("%H:%M")
    )
}

fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The launchd agent (`~/Library/LaunchAgents/app.overdue.daily-run.plist`).
pub fn launchd_plist(job: &DailyJob) -> String {
    let mut args = format!(
        "    <string>{}</string>\n",
        xml(&job.cli.display().to_string())
    );
    for a in job.args() {
        args.push_str(&format!("    <string>{}</string>\n", xml(&a)));
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n\
         <plist version=\"1.0\">\n<dict>\n\
         \x20 <key>Label</key>\n  <string>{LAUNCHD_LABEL}</string>\n\
         \x20 <key>ProgramArguments</key>\n  <array>\n{args}  </array>\n\
         \x20 <key>StartCalendarInterval</key>\n  <dict>\n\
         \x20   <key>Hour</key>\n    <integer>{}</integer>\n\
         \x20   <key>Minute</key>\n    <integer>{}</integer>\n  </dict>\n\
         </dict>\n</plist>\n",
        job.at.hour(),
        job.at.minute()
    )
}

/// A Windows argument as `CommandLineToArgvW` reads it.
fn windows_word(w: &str) -> String {
    if !w.is_empty() && !w.contains([' ', '\t', '"']) {
        return w.to_string();
    }
    let mut out = String::from("\"");
    let mut backslashes = 0;
    for c in w.chars() {
        match c {
            '\\' => backslashes += 1,
            '"' => {
                out.push_str(&"\\".repeat(backslashes * 2 + 1));
                out.push('"');
                backslashes = 0;
            }
            _ => {
                out.push_str(&"\\".repeat(backslashes));
                out.push(c);
                backslashes = 0;
            }
        }
    }
    out.push_str(&"\\".repeat(backslashes * 2));
    out.push('"');
    out
}

/// The Task Scheduler task (`schtasks /Create /XML FILE /TN "Overdue daily run"`).
pub fn windows_task(job: &DailyJob) -> String {
    let args: Vec<String> = job.args().iter().map(|a| windows_word(a)).collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n\
         <Task version=\"1.2\" xmlns=\"http://schemas.microsoft.com/windows/2004/02/mit/task\">\n\
         \x20 <RegistrationInfo><Description>Overdue: the daily dunning run</Description></RegistrationInfo>\n\
         \x20 <Triggers>\n    <CalendarTrigger>\n\
         \x20     <StartBoundary>2026-01-01T{}:00</StartBoundary>\n\
         \x20     <ScheduleByDay><DaysInterval>1</DaysInterval></ScheduleByDay>\n\
         \x20   </CalendarTrigger>\n  </Triggers>\n\
         \x20 <Settings>\n    <StartWhenAvailable>true</StartWhenAvailable>\n\
         \x20   <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>\n  </Settings>\n\
         \x20 <Actions Context=\"Author\">\n    <Exec>\n\
         \x20     <Command>{}</Command>\n      <Arguments>{}</Arguments>\n\
         \x20   </Exec>\n  </Actions>\n</Task>\n",
        job.at.format("%H:%M"),
        xml(&job.cli.display().to_string()),
        xml(&args.join(" "))
    )
}

/// Where the job's files went and whether the scheduler took it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ScheduleReport {
    /// The job is installed.
    pub installed: bool,
    /// Files written or removed.
    pub files: Vec<String>,
    /// What the scheduler said ("" when it took the change).
    pub note: String,
}

fn io(path: &Path, e: std::io::Error) -> ApiError {
    ApiError::new(ErrorCode::Io, format!("{}: {e}", path.display()))
}

/// Writes and enables the systemd user units under `config_dir` (`~/.config`): the
/// `timers.target.wants` link enables the timer without a running session; with
/// `activate`, a running one is asked to reload and start it (tests leave the user's
/// session alone).
fn install_systemd(
    job: &DailyJob,
    config_dir: &Path,
    activate: bool,
) -> Result<ScheduleReport, ApiError> {
    let dir = systemd_dir(config_dir);
    let wants = dir.join("timers.target.wants");
    std::fs::create_dir_all(&wants).map_err(|e| io(&wants, e))?;
    let service = dir.join(format!("{UNIT}.service"));
    let timer = dir.join(format!("{UNIT}.timer"));
    std::fs::write(&service, systemd_service(job)).map_err(|e| io(&service, e))?;
    std::fs::write(&timer, systemd_timer(job)).map_err(|e| io(&timer, e))?;
    let link = wants.join(format!("{UNIT}.timer"));
    let _ = std::fs::remove_file(&link);
    #[cfg(unix)]
    std::os::unix::fs::symlink(&timer, &link).map_err(|e| io(&link, e))?;
    let note = if activate {
        systemctl(&["daemon-reload"])
            .and_then(|()| systemctl(&["restart", &format!("{UNIT}.timer")]))
            .err()
            .map(|e| {
                format!(
                    "the timer is enabled and starts with your next login ({e}); \
                     `systemctl --user start {UNIT}.timer` starts it now"
                )
            })
            .unwrap_or_default()
    } else {
        "the timer is enabled and starts with your next login".into()
    };
    Ok(ScheduleReport {
        installed: true,
        files: vec![service.display().to_string(), timer.display().to_string()],
        note,
    })
}

/// Stops (with `activate`) and removes the systemd user units.
fn uninstall_systemd(config_dir: &Path, activate: bool) -> Result<ScheduleReport, ApiError> {
    let dir = systemd_dir(config_dir);
    if activate {
        let _ = systemctl(&["stop", &format!("{UNIT}.timer")]);
    }
    let mut files = Vec::new();
    for path in [
        dir.join("timers.target.wants")
            .join(format!("{UNIT}.timer")),
        dir.join(format!("{UNIT}.timer")),
        dir.join(format!("{UNIT}.service")),
    ] {
        match std::fs::remove_file(&path) {
            Ok(()) => files.push(path.display().to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(&path, e)),
        }
    }
    if activate {
        let _ = systemctl(&["daemon-reload"]);
    }
    Ok(ScheduleReport {
        installed: false,
        files,
        note: String::new(),
    })
}

/// Where systemd keeps a user's units under the configuration folder.
fn systemd_dir(config_dir: &Path) -> PathBuf {
    config_dir.join("systemd").join("user")
}

/// The launchd agent's label (and its file's name).
pub const LAUNCHD_LABEL: &str = "app.overdue.daily-run";
/// The Task Scheduler task's name.
pub const WINDOWS_TASK: &str = "Overdue daily run";

/// Which scheduler keeps the job on a computer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheduler {
    /// A systemd user timer (Linux).
    Systemd,
    /// A launchd agent (macOS).
    Launchd,
    /// A Task Scheduler task (Windows).
    TaskScheduler,
}

/// The folders a job's files go under: the user's configuration folder (`~/.config`,
/// `%APPDATA%`) and home folder (`~`, for `~/Library/LaunchAgents`).
#[derive(Debug, Clone)]
pub struct JobDirs {
    /// `~/.config` on Linux, `%APPDATA%` on Windows.
    pub config: PathBuf,
    /// The home folder.
    pub home: PathBuf,
}

impl JobDirs {
    /// This user's folders.
    pub fn of_user() -> Result<JobDirs, ApiError> {
        let b = directories::BaseDirs::new()
            .ok_or_else(|| ApiError::new(ErrorCode::Io, "Cannot find your home folder."))?;
        Ok(JobDirs {
            config: b.config_dir().to_path_buf(),
            home: b.home_dir().to_path_buf(),
        })
    }
}

impl Scheduler {
    /// The scheduler of the computer this runs on.
    pub fn of_this_computer() -> Scheduler {
        if cfg!(target_os = "macos") {
            Scheduler::Launchd
        } else if cfg!(windows) {
            Scheduler::TaskScheduler
        } else {
            Scheduler::Systemd
        }
    }

    fn paths(self, dirs: &JobDirs) -> Vec<PathBuf> {
        match self {
            Scheduler::Systemd => {
                let dir = systemd_dir(&dirs.config);
                vec![
                    dir.join(format!("{UNIT}.service")),
                    dir.join(format!("{UNIT}.timer")),
                ]
            }
            Scheduler::Launchd => vec![dirs
                .home
                .join("Library")
                .join("LaunchAgents")
                .join(format!("{LAUNCHD_LABEL}.plist"))],
            // The task as registered, kept beside the settings: its presence says the
            // job is on, and `schtasks /Create /XML` reads it.
            Scheduler::TaskScheduler => {
                vec![dirs.config.join("Overdue").join("daily-run-task.xml")]
            }
        }
    }

    /// The job's files as installed.
    pub fn files(self, dirs: &JobDirs) -> Vec<String> {
        self.paths(dirs)
            .into_iter()
            .filter(|p| p.exists())
            .map(|p| p.display().to_string())
            .collect()
    }

    /// True when the job is installed.
    pub fn installed(self, dirs: &JobDirs) -> bool {
        self.paths(dirs).last().is_some_and(|p| p.exists())
    }

    /// Writes the job's files and, with `activate`, hands them to the scheduler
    /// (`systemctl --user`, `launchctl load -w`, `schtasks /Create /XML`). Tests write the
    /// files only.
    pub fn install(
        self,
        job: &DailyJob,
        dirs: &JobDirs,
        activate: bool,
    ) -> Result<ScheduleReport, ApiError> {
        let file = self.paths(dirs).remove(0);
        let write = |path: &Path, bytes: &[u8]| -> Result<(), ApiError> {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
            }
            std::fs::write(path, bytes).map_err(|e| io(path, e))
        };
        let note = match self {
            Scheduler::Systemd => return install_systemd(job, &dirs.config, activate),
            Scheduler::Launchd => {
                write(&file, launchd_plist(job).as_bytes())?;
                let path = file.display().to_string();
                if activate {
                    // A changed agent is read again only after an unload.
                    let _ = run("launchctl", &["unload", &path]);
                    run("launchctl", &["load", "-w", &path])
                        .err()
                        .map(|e| format!("the agent starts with your next login ({e})"))
                        .unwrap_or_default()
                } else {
                    "the agent starts with your next login".into()
                }
            }
            Scheduler::TaskScheduler => {
                // The task XML declares UTF-16, as schtasks expects: little-endian with a BOM.
                let mut bytes = vec![0xFF, 0xFE];
                bytes.extend(windows_task(job).encode_utf16().flat_map(u16::to_le_bytes));
                write(&file, &bytes)?;
                let path = file.display().to_string();
                if activate {
                    run(
                        "schtasks",
                        &["/Create", "/XML", &path, "/TN", WINDOWS_TASK, "/F"],
                    )
                    .err()
                    .map(|e| {
                        format!("Task Scheduler refused the task ({e}); it is saved in {path}")
                    })
                    .unwrap_or_default()
                } else {
                    format!("the task is saved in {path}; `schtasks /Create /XML` registers it")
                }
            }
        };
        Ok(ScheduleReport {
            installed: true,
            files: vec![file.display().to_string()],
            note,
        })
    }

    /// Takes the job from the scheduler (with `activate`) and removes its files.
    pub fn uninstall(self, dirs: &JobDirs, activate: bool) -> Result<ScheduleReport, ApiError> {
        let file = self.paths(dirs).remove(0);
        let path = file.display().to_string();
        match self {
            Scheduler::Systemd => return uninstall_systemd(&dirs.config, activate),
            Scheduler::Launchd if activate => {
                let _ = run("launchctl", &["unload", "-w", &path]);
            }
            Scheduler::TaskScheduler if activate => {
                let _ = run("schtasks", &["/Delete", "/TN", WINDOWS_TASK, "/F"]);
            }
            _ => {}
        }
        let files = match std::fs::remove_file(&file) {
            Ok(()) => vec![path],
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(io(&file, e)),
        };
        Ok(ScheduleReport {
            installed: false,
            files,
            note: String::new(),
        })
    }
}

/// Runs a scheduler's command; `Err` carries what it said on stderr, or `silent` when
/// it failed without a word.
fn run_saying(program: &str, args: &[&str], silent: &str) -> Result<(), String> {
    let out = std::process::Command::new(program)
        .args(args)
        .output()
        .map_err(|e| format!("{program}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        let err = String::from_utf8_lossy(&out.stderr).trim().to_string();
        Err(if err.is_empty() {
            silent.to_string()
        } else {
            err
        })
    }
}

fn run(program: &str, args: &[&str]) -> Result<(), String> {
    run_saying(program, args, &format!("{program} failed"))
}

fn systemctl(args: &[&str]) -> Result<(), String> {
    let args: Vec<&str> = std::iter::once("--user")
        .chain(args.iter().copied())
        .collect();
    run_saying("systemctl", &args, "no systemd user session")
}

/// The outcome of the last scheduled run, kept beside the default book.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LastRun {
    /// When it ran (UTC, RFC 3339 to the second).
    pub at: String,
    /// The notification's title ("Overdue: 3 reminders sent").
    #[serde(default)]
    pub title: String,
    /// The book it ran on.
    pub db: String,
    /// It completed.
    pub ok: bool,
    /// What it did, in words ("3 emails sent, 1 call to make").
    pub summary: String,
    /// Why it did not complete ("" when it did): the book locked, the server unreachable,
    /// email failing.
    pub error: String,
}

/// Records a run's outcome in `file`.
pub fn record_last_run(file: &Path, run: &LastRun) -> Result<(), ApiError> {
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    }
    let text = serde_json::to_string_pretty(run)
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    std::fs::write(file, text).map_err(|e| io(file, e))
}

/// The last recorded run, if any.
pub fn last_run(file: &Path) -> Option<LastRun> {
    serde_json::from_str(&std::fs::read_to_string(file).ok()?).ok()
}

/// A run's record: what it did (a run where an email failed did not complete: it is
/// tried again at the next run), or why it could not run.
pub fn outcome(
    at: DateTime<Utc>,
    db: &str,
    result: Result<&crate::daily_run::RunDigest, &str>,
) -> LastRun {
    let at = at.to_rfc3339_opts(SecondsFormat::Secs, true);
    match result {
        Ok(d) => {
            let (summary, error) = if d.failed {
                (String::new(), d.body.clone())
            } else {
                (d.body.clone(), String::new())
            };
            LastRun {
                at,
                title: d.title.clone(),
                db: db.to_string(),
                ok: !d.failed,
                summary,
                error,
            }
        }
        Err(e) => LastRun {
            at,
            title: String::new(),
            db: db.to_string(),
            ok: false,
            summary: String::new(),
            error: e.to_string(),
        },
    }
}

/// The command a service's `ExecStart=` holds, split as systemd splits it (double quotes,
/// `\"` inside them, `%%` for `%`): what the job will run, read back from its file.
pub fn exec_start(service: &str) -> Option<Vec<String>> {
    let line = service.lines().find_map(|l| l.strip_prefix("ExecStart="))?;
    let mut words = Vec::new();
    let mut cur = String::new();
    let (mut quoted, mut any) = (false, false);
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            '\\' if quoted => cur.extend(chars.next()),
            ' ' if !quoted => {
                if any || !cur.is_empty() {
                    words.push(std::mem::take(&mut cur));
                }
                any = false;
            }
            c => cur.push(c),
        }
    }
    if any || !cur.is_empty() {
        words.push(cur);
    }
    Some(words.into_iter().map(|w| w.replace("%%", "%")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job() -> DailyJob {
        DailyJob {
            cli: PathBuf::from("/usr/bin/overdue"),
            db: "/home/anna/Bücher/Firma 100%.db".into(),
            at: NaiveTime::from_hms_opt(8, 5, 0).unwrap(),
            send: true,
        }
    }

    #[test]
    fn the_systemd_units_run_the_cli_at_the_time() {
        let s = systemd_service(&job());
        assert!(
            s.contains(
                "ExecStart=/usr/bin/overdue --db \"/home/anna/Bücher/Firma 100%%.db\" --log dunning run --send --scheduled\n"
            ),
            "{s}"
        );
        let t = systemd_timer(&job());
        assert!(t.contains("OnCalendar=*-*-* 08:05:00\n") && t.contains("Persistent=true"));
        assert!(t.contains("WantedBy=timers.target"));
        let plan_only = DailyJob {
            send: false,
            ..job()
        };
        assert!(!systemd_service(&plan_only).contains("--send"));
        // Read back as systemd splits it: the program and the arguments, `%` and spaces whole.
        let mut want = vec!["/usr/bin/overdue".to_string()];
        want.extend(job().args());
        assert_eq!(exec_start(&s), Some(want));
        assert_eq!(exec_start("[Unit]\n"), None);
    }

    #[test]
    fn the_launchd_agent_and_the_windows_task_hold_the_same_command() {
        let p = launchd_plist(&job());
        assert!(p.contains("<string>/home/anna/Bücher/Firma 100%.db</string>"));
        assert!(p.contains("<key>Hour</key>\n    <integer>8</integer>"));
        assert!(p.contains("<key>Minute</key>\n    <integer>5</integer>"));
        let w = windows_task(&job());
        assert!(w.contains("<StartBoundary>2026-01-01T08:05:00</StartBoundary>"));
        assert!(w.contains(
            "<Arguments>--db &quot;/home/anna/Bücher/Firma 100%.db&quot; --log dunning run --send --scheduled</Arguments>"
        ));
        assert_eq!(windows_word(r#"C:\a b\"x""#), r#""C:\a b\\\"x\"""#);
    }

    #[test]
    fn the_launchd_agent_and_the_windows_task_are_written_and_removed() {
        let home = tempfile::tempdir().unwrap();
        let dirs = JobDirs {
            config: home.path().join("config"),
            home: home.path().to_path_buf(),
        };
        let r = Scheduler::Launchd.install(&job(), &dirs, false).unwrap();
        let plist = home
            .path()
            .join("Library/LaunchAgents/app.overdue.daily-run.plist");
        assert_eq!(r.files, vec![plist.display().to_string()]);
        assert_eq!(
            std::fs::read_to_string(&plist).unwrap(),
            launchd_plist(&job())
        );
        assert!(Scheduler::Launchd.installed(&dirs) && !Scheduler::Systemd.installed(&dirs));
        let r = Scheduler::TaskScheduler
            .install(&job(), &dirs, false)
            .unwrap();
        let bytes = std::fs::read(&r.files[0]).unwrap();
        assert_eq!(&bytes[..2], [0xFF, 0xFE], "UTF-16LE with a byte order mark");
        let units: Vec<u16> = bytes[2..]
            .chunks(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        assert_eq!(String::from_utf16(&units).unwrap(), windows_task(&job()));
        assert!(r.note.contains("schtasks /Create /XML"), "{}", r.note);
        for s in [Scheduler::Launchd, Scheduler::TaskScheduler] {
            assert_eq!(s.uninstall(&dirs, false).unwrap().files.len(), 1);
            assert!(!s.installed(&dirs) && s.files(&dirs).is_empty());
        }
    }

    #[test]
    fn installing_writes_and_links_the_units_and_removing_takes_them_away() {
        let dir = tempfile::tempdir().unwrap();
        let dirs = JobDirs {
            config: dir.path().to_path_buf(),
            home: dir.path().to_path_buf(),
        };
        let r = Scheduler::Systemd.install(&job(), &dirs, false).unwrap();
        assert!(r.installed && Scheduler::Systemd.installed(&dirs));
        let link = dir
            .path()
            .join("systemd/user/timers.target.wants/overdue-daily-run.timer");
        assert!(std::fs::symlink_metadata(&link).is_ok());
        let r = Scheduler::Systemd.uninstall(&dirs, false).unwrap();
        assert_eq!(r.files.len(), 3);
        assert!(!Scheduler::Systemd.installed(&dirs));
    }
}
