//! `overdue dunning policy list|show|set|default|delete` and `overdue dunning assign`: a
//! policy written from JSON reads back the same, bad files and bad levels exit 2 naming the
//! field, and a debtor follows the policy it was assigned.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn overdue(db: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_overdue"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("OVERDUE_TODAY", "2026-04-30")
        .output()
        .expect("the overdue binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok(db: &Path, args: &[&str]) -> String {
    let (code, out, err) = overdue(db, args);
    assert_eq!(code, 0, "overdue {args:?} failed: {err}");
    out
}

fn json(db: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    serde_json::from_str(&ok(db, &all)).expect("JSON output")
}

const CONSUMER: &str = r#"{
  "name": "Consumer gentle",
  "levels": [
    {"number": 1, "name": "Nudge", "trigger_days": 5, "channel": "email", "template": "friendly_reminder",
     "audience": "consumer", "wait_days": 10},
    {"number": 2, "name": "Letter", "trigger_days": 30, "channel": "letter", "template": "reminder",
     "min_open": "50.00", "min_open_currency": "EUR", "wait_days": 14, "deadline_days": 14},
    {"number": 3, "name": "Agency", "trigger_days": 90, "channel": "agency"}
  ]
}"#;

#[test]
fn a_policy_round_trips_through_json_and_a_debtor_follows_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let file = dir.path().join("consumer.json");
    std::fs::write(&file, CONSUMER).unwrap();

    // A fresh book has the standard policy as its default.
    let list = json(&db, &["dunning", "policy", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["name"], "Standard");
    assert_eq!(list[0]["is_default"], true);

    let created = json(&db, &["dunning", "policy", "set", file.to_str().unwrap()]);
    assert_ne!(created["id"], 0);
    assert_eq!(created["is_default"], false);
    let shown = json(&db, &["dunning", "policy", "show", "Consumer gentle"]);
    assert_eq!(shown, created);
    let levels = shown["levels"].as_array().unwrap();
    assert_eq!(levels.len(), 3);
    assert_eq!(levels[0]["audience"], "consumer");
    assert_eq!(levels[0]["wait_days"], 10);
    assert_eq!(levels[1]["channel"], "letter");
    assert_eq!(levels[1]["min_open"], "50.00");
    assert_eq!(levels[1]["min_open_currency"], "EUR");
    assert_eq!(levels[1]["deadline_days"], 14);
    assert_eq!(levels[2]["audience"], "all");
    assert_eq!(levels[2]["template"], "");

    // `show --json` fed back to `set` replaces the same policy and changes nothing.
    let again = dir.path().join("again.json");
    std::fs::write(&again, serde_json::to_string_pretty(&shown).unwrap()).unwrap();
    let replaced = json(&db, &["dunning", "policy", "set", again.to_str().unwrap()]);
    let mut same = shown.clone();
    same["version"] = serde_json::json!(shown["version"].as_i64().unwrap() + 1);
    assert_eq!(replaced, same, "the same policy, one version on");
    // The same file again was read before that save: refused (exit 2), naming who saved.
    let (code, _, said) = overdue(&db, &["dunning", "policy", "set", again.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        said.contains("saved this policy at") && said.contains("reload"),
        "{said}"
    );
    assert_eq!(
        json(&db, &["dunning", "policy", "list"])
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // A debtor follows it, then the default again; both are on its timeline.
    ok(
        &db,
        &["debtors", "add", "--name", "Eva Muster", "--ref", "C1"],
    );
    let followed = json(
        &db,
        &[
            "dunning",
            "assign",
            "--debtor",
            "C1",
            "--policy",
            "Consumer gentle",
        ],
    );
    assert_eq!(followed["assigned"], true);
    assert_eq!(followed["policy"]["name"], "Consumer gentle");
    let (code, _, err) = overdue(&db, &["dunning", "policy", "delete", "Consumer gentle"]);
    assert_eq!(code, 2, "a followed policy cannot be deleted");
    assert!(err.contains("follow"), "{err}");
    let back = json(&db, &["dunning", "assign", "--debtor", "C1", "--default"]);
    assert_eq!(back["assigned"], false);
    assert_eq!(back["policy"]["name"], "Standard");
    let log = ok(&db, &["dunning", "log", "C1"]);
    assert!(log.contains("Dunning now follows Consumer gentle"), "{log}");
    assert!(
        log.contains("Dunning now follows the default policy"),
        "{log}"
    );

    // Default moves; the default cannot be deleted, another policy can.
    let d = json(&db, &["dunning", "policy", "default", "Consumer gentle"]);
    assert_eq!(d["is_default"], true);
    let list = json(&db, &["dunning", "policy", "list"]);
    assert_eq!(
        list[0]["name"], "Consumer gentle",
        "the default is listed first"
    );
    assert_eq!(list[1]["is_default"], false);
    let (code, _, err) = overdue(&db, &["dunning", "policy", "delete", "Consumer gentle"]);
    assert_eq!(code, 2);
    assert!(err.contains("default"), "{err}");
    ok(&db, &["dunning", "policy", "delete", "Standard"]);
    let list = json(&db, &["dunning", "policy", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
}

#[test]
fn bad_policy_files_exit_2_naming_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    // Not JSON of the right shape.
    let f = write("typo.json", r#"{"name": "X", "levles": []}"#);
    let (code, _, err) = overdue(&db, &["dunning", "policy", "set", f.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("levles"), "{err}");
    // Triggers going back in time: the field of the offending level.
    let f = write(
        "order.json",
        r#"{"name": "X", "levels": [
            {"number": 1, "name": "A", "trigger_days": 10, "channel": "call"},
            {"number": 2, "name": "B", "trigger_days": 5, "channel": "email", "template": ""}]}"#,
    );
    let (code, _, err) = overdue(
        &db,
        &["--json", "dunning", "policy", "set", f.to_str().unwrap()],
    );
    assert_eq!(code, 2);
    let e: Value = serde_json::from_str(&err).expect("the error as JSON on stderr");
    assert_eq!(e["code"], "validation");
    let fields: Vec<&str> = e["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["levels[1].trigger_days"], "{e}");
    // Nothing was created.
    let list = json(&db, &["dunning", "policy", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    // Unknown policy and unknown debtor.
    let (code, _, err) = overdue(&db, &["dunning", "policy", "default", "Nope"]);
    assert_eq!(code, 2);
    assert!(err.contains("Nope") && err.contains("Standard"), "{err}");
    let (code, _, _) = overdue(
        &db,
        &[
            "dunning", "assign", "--debtor", "ZZ", "--policy", "Standard",
        ],
    );
    assert_eq!(code, 2);
}
