//! The `overdue` binary on one named book (a file or a `postgres://` URL), today pinned,
//! as the tests of many processes and many logins run it.

#![allow(dead_code)] // each test crate uses part of it

use std::process::{Command, Output};

/// The day the tests run on.
pub const TODAY: &str = "2026-12-06";

/// `overdue --db DB ARGS...`, whatever it answers.
pub fn overdue(db: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_overdue"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("OVERDUE_TODAY", TODAY)
        .output()
        .expect("the overdue binary runs")
}

/// [`overdue`], which must succeed; its standard output.
pub fn ok(db: &str, args: &[&str]) -> String {
    let out = overdue(db, args);
    assert!(
        out.status.success(),
        "overdue {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// [`ok`] with `--json`, read.
pub fn json(db: &str, args: &[&str]) -> serde_json::Value {
    let mut with = args.to_vec();
    with.push("--json");
    serde_json::from_str(&ok(db, &with)).expect("JSON out")
}
