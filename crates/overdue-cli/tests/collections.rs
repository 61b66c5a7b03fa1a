//! The collections command-line contract: `plan create|show|list`, `promise add`,
//! `settlement offer|accept`, `hold add|release` and `collection state --json`, with exit
//! code 2 and a message naming the problem for bad input.

use std::path::Path;
use std::process::Command;

fn overdue(db: &Path, today: &str, args: &[&str]) -> (i32, serde_json::Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_overdue"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("OVERDUE_TODAY", today)
        .output()
        .expect("the overdue binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    (
        out.status.code().unwrap_or(-1),
        serde_json::from_str(&stdout).unwrap_or(serde_json::Value::Null),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn plan_promise_settlement_hold_and_state_contract() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    };
    let debtors = write(
        "d.csv",
        "external_id,name,currency,payment_terms_days\nD1,Acme GmbH,EUR,30\nD2,Beta Ltd,EUR,30\n",
    );
    let invoices = write(
        "i.csv",
        "number,debtor_external_id,issue_date,due_date,amount\n\
         N1,D1,2026-01-01,2026-01-31,600.00\nN2,D1,2026-02-01,2026-03-03,400.00\n\
         B1,D2,2026-01-01,2026-01-31,300.00\n",
    );
    let today = "2026-04-30";
    for (kind, path) in [("debtors", &debtors), ("invoices", &invoices)] {
        let (code, _, err) = overdue(&db, today, &["import", kind, path, "--json"]);
        assert_eq!(code, 0, "{err}");
    }

    let (code, plan, err) = overdue(
        &db,
        today,
        &[
            "plan",
            "create",
            "--debtor",
            "D1",
            "--invoices",
            "N1,N2",
            "--installments",
            "3",
            "--first-due",
            "2026-01-31",
            "--grace-days",
            "5",
            "--agreed-by",
            "Jana",
            "--json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(plan["total"], "1000.00");
    assert_eq!(plan["agreed_by"], "Jana");
    let dues: Vec<&str> = plan["installments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["due"].as_str().unwrap())
        .collect();
    assert_eq!(
        dues,
        ["2026-01-31", "2026-02-28", "2026-03-31"],
        "PLAN-IF1 dates"
    );
    let amounts: Vec<&str> = plan["installments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["amount"].as_str().unwrap())
        .collect();
    assert_eq!(amounts, ["333.33", "333.33", "333.34"], "PLAN-IF1 amounts");
    let id = plan["id"].as_i64().unwrap().to_string();
    let (code, shown, _) = overdue(&db, today, &["plan", "show", &id, "--json"]);
    assert_eq!(code, 0);
    assert_eq!(shown["id"], plan["id"]);
    let (code, list, _) = overdue(&db, today, &["plan", "list", "--debtor", "D1", "--json"]);
    assert_eq!(code, 0);
    assert_eq!(list.as_array().unwrap().len(), 1);

    let (code, state, _) = overdue(
        &db,
        today,
        &["collection", "state", "--debtor", "D1", "--json"],
    );
    assert_eq!(code, 0);
    // The plan's first installments were due before it was agreed and nothing was paid.
    assert_eq!(state["state"], "in_default", "{state}");

    let (code, promise, err) = overdue(
        &db,
        today,
        &[
            "promise",
            "add",
            "--debtor",
            "D2",
            "--amount",
            "100.00",
            "--date",
            "2026-05-15",
            "--json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(promise["status"], "pending");
    let (_, state, _) = overdue(
        &db,
        today,
        &["collection", "state", "--debtor", "D2", "--json"],
    );
    assert_eq!(state["state"], "paused");
    assert_eq!(state["until"], "2026-05-15");
    let (_, state, _) = overdue(
        &db,
        today,
        &[
            "collection",
            "state",
            "--debtor",
            "D2",
            "--as-of",
            "2026-05-16",
            "--json",
        ],
    );
    assert_eq!(state["state"], "active", "broken after its date");

    let (code, hold, err) = overdue(
        &db,
        today,
        &[
            "hold",
            "add",
            "--debtor",
            "D2",
            "--reason",
            "talking to a lawyer",
            "--until",
            "2026-06-30",
            "--json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let hold_id = hold["id"].as_i64().unwrap().to_string();
    let (code, released, _) = overdue(&db, today, &["hold", "release", &hold_id, "--json"]);
    assert_eq!(code, 0);
    assert_eq!(released["released_on"], today);

    let (code, offer, err) = overdue(
        &db,
        today,
        &[
            "settlement",
            "offer",
            "--debtor",
            "D2",
            "--percent",
            "50",
            "--deadline",
            "2026-05-31",
            "--json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(offer["amount"], "150.00");
    let offer_id = offer["id"].as_i64().unwrap().to_string();
    let (code, accepted, _) = overdue(&db, today, &["settlement", "accept", &offer_id, "--json"]);
    assert_eq!(code, 0);
    assert_eq!(accepted["status"], "accepted");

    // Bad input: exit 2, the problem named on stderr.
    let (code, _, err) = overdue(
        &db,
        today,
        &[
            "promise",
            "add",
            "--debtor",
            "D2",
            "--amount",
            "ten",
            "--date",
            "2026-05-15",
        ],
    );
    assert_eq!(code, 2);
    assert!(err.contains("\"ten\" is not an amount"), "{err}");
    let (code, _, err) = overdue(
        &db,
        today,
        &[
            "plan",
            "create",
            "--debtor",
            "D1",
            "--invoices",
            "NOPE",
            "--installments",
            "3",
            "--first-due",
            "2026-05-31",
        ],
    );
    assert_eq!(code, 2);
    assert!(err.contains("NOPE"), "{err}");
    let (code, _, err) = overdue(&db, today, &["collection", "state", "--debtor", "ZZZ"]);
    assert_eq!(code, 2);
    assert!(err.contains("ZZZ"), "{err}");
}
