//! The desktop notification after a scheduled daily run (issue 17): what was sent and
//! what needs a person, in the words of [`overdue_api::daily_run::RunDigest`], shown by
//! the desktop's notification service (freedesktop notifications over D-Bus on Linux,
//! through notify-rust, the crate tauri-plugin-notification wraps; the window's shell
//! uses it the same way). A
//! computer without a notification service (a server, CI) loses only the popup: the run
//! is recorded in `daily-run.json` either way, and the window's banner shows it.

use overdue_api::daily_run::RunDigest;

/// Shows `digest` as a desktop notification; a failure is logged, never fatal.
pub fn desktop(digest: &RunDigest) {
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
