//! The log file a user can find: `overdue-YYYY-MM-DD.log` in the platform's log folder
//! (`~/.local/share/overdue/logs` on Linux, the application-data folder elsewhere), a new
//! file each day and two weeks kept. The window always writes it; the CLI with `--log`.
//! What is logged: use cases and their outcome (`tracing` events of the core), errors with
//! their cause. Never a password, a token or a message body: the core logs none, and a test
//! greps a log written while secrets and messages were handled.

use std::path::PathBuf;

use tracing_subscriber::EnvFilter;

use crate::{ApiError, ErrorCode};

/// Keeps the background writer alive; dropping it flushes the log.
pub struct LogGuard(#[allow(dead_code)] tracing_appender::non_blocking::WorkerGuard);

impl std::fmt::Debug for LogGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LogGuard")
    }
}

/// The folder the log files are written to (`OVERDUE_LOG_DIR` moves it, for tests).
pub fn log_dir() -> Result<PathBuf, ApiError> {
    if let Some(dir) = std::env::var_os("OVERDUE_LOG_DIR") {
        return Ok(PathBuf::from(dir));
    }
    let dirs = directories::ProjectDirs::from("", "", "overdue")
        .ok_or_else(|| ApiError::new(ErrorCode::Io, "Cannot find your home folder."))?;
    Ok(dirs.data_local_dir().join("logs"))
}

/// Starts writing the log file (level from `OVERDUE_LOG`, default `info`); the guard must
/// live as long as the process logs.
pub fn init() -> Result<(LogGuard, PathBuf), ApiError> {
    let dir = log_dir()?;
    std::fs::create_dir_all(&dir).map_err(|e| {
        ApiError::new(
            ErrorCode::Io,
            format!("{}: cannot create the log folder: {e}", dir.display()),
        )
    })?;
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("overdue")
        .filename_suffix("log")
        .max_log_files(14)
        .build(&dir)
        .map_err(|e| ApiError::new(ErrorCode::Io, format!("{}: {e}", dir.display())))?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter =
        EnvFilter::try_from_env("OVERDUE_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    // A second init in one process (tests) keeps the first subscriber.
    let _ = tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_target(true)
        .with_env_filter(filter)
        .try_init();
    Ok((LogGuard(guard), dir))
}

/// Help > Open log folder: the folder in the system's file manager (created when missing).
pub fn open_log_folder() -> Result<PathBuf, ApiError> {
    let dir = log_dir()?;
    std::fs::create_dir_all(&dir)
        .map_err(|e| ApiError::new(ErrorCode::Io, format!("{}: {e}", dir.display())))?;
    crate::letters_ui::open_in_viewer(&dir)?;
    Ok(dir)
}
