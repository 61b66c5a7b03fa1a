//! Issue 19: on PostgreSQL, where the office's book lives and every statement is a network
//! round trip, what a user runs over the whole book does not cost more statements as the
//! book grows. Counted with the server's own statement statistics (`pg_stat_statements`,
//! which the test script preloads, with room for 20,000 distinct statements: at the
//! default 5,000 the other tests' statements, counted on the same server at the same time,
//! push this book's out and the counts go wrong) on a 1,000-debtor and a 10,000-debtor book: a dunning
//! run's preview, the aging report (today and a past date), the debtor list with its
//! collection states, and a letter batch (its reads; each letter it stores is one document
//! and one timeline event).

#[path = "support/pg.rs"]
mod pg;

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use overdue_api::clock::FixedClock;
use overdue_api::dto::{DebtorListQuery, DemoRequest};
use overdue_api::dunning::{DunningPolicyDto, DunningRunMode, DunningRunRequest};
use overdue_api::reports::AgingQuery;
use overdue_api::Api;
use sqlx::postgres::{PgPool, PgPoolOptions};

/// Statements the book's database ran since the last reset, by kind (reads, writes),
/// leaving out the counting itself and the driver's one-off type lookups per connection.
async fn counted(admin: &PgPool) -> (i64, i64) {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT query, calls FROM pg_stat_statements \
         WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) \
         AND query NOT LIKE '%pg_stat_statements%' AND query NOT LIKE '%pg_type%'",
    )
    .fetch_all(admin)
    .await
    .expect("pg_stat_statements is readable (the server preloads it)");
    let mut reads = 0;
    let mut writes = 0;
    for (query, calls) in rows {
        let verb = query.trim_start().to_ascii_uppercase();
        if verb.starts_with("SELECT") || verb.starts_with("WITH") {
            reads += calls;
        } else {
            writes += calls;
        }
    }
    (reads, writes)
}

async fn reset(admin: &PgPool) {
    sqlx::query(
        "SELECT pg_stat_statements_reset(0, \
         (SELECT oid FROM pg_database WHERE datname = current_database()), 0)",
    )
    .execute(admin)
    .await
    .unwrap();
}

/// The statements (reads, writes) each path costs on a demo book of `debtors` debtors
/// with a letterhead and a by-post policy, and the number of letters the batch printed.
async fn statements(debtors: u32) -> Option<(BTreeMap<&'static str, (i64, i64)>, usize)> {
    let db = pg::TestDb::create(&format!("round_trips_{debtors}")).await?;
    let admin = PgPoolOptions::new()
        .max_connections(1)
        .connect(&db.url)
        .await
        .unwrap();
    sqlx::query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        .execute(&admin)
        .await
        .unwrap();
    let api = Api::open(
        &db.url,
        Arc::new(FixedClock(
            Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap(),
        )),
    )
    .await
    .unwrap();
    api.demo_load(DemoRequest {
        debtors,
        invoices: debtors * 3,
        seed: 1,
        as_used: false,
    })
    .await
    .unwrap();
    api.letterhead_set(
        serde_json::from_value(serde_json::json!({
            "name": "Nordlicht Handel GmbH", "address_lines": "Hafenstrasse 1",
            "postal_code": "20457", "city": "Hamburg", "country": "DE",
            "email": "ar@nordlicht.example", "account_holder": "Nordlicht Handel GmbH",
            "bank_name": "Hamburger Sparkasse", "iban": "DE89370400440532013000",
            "bic": "COBADEFFXXX", "signatory": "Anna Berg"
        }))
        .unwrap(),
    )
    .await
    .unwrap();
    let level = |n: u32, name: &str, trigger: i32, template: &str| {
        serde_json::json!({"number": n, "name": name, "trigger_days": trigger, "min_open": "",
            "min_open_currency": "", "audience": "all", "channel": "letter",
            "template": template, "wait_days": 0, "deadline_days": 14,
            "attach_letter": false, "attach_statement": false})
    };
    let policy: DunningPolicyDto = serde_json::from_value(serde_json::json!({
        "id": 0, "name": "Letters", "is_default": false,
        "levels": [level(1, "Reminder by post", 7, "reminder"),
                   level(2, "Final demand by post", 35, "final_demand")]
    }))
    .unwrap();
    let policy = api.dunning_policy_save(policy).await.unwrap();
    api.dunning_policy_set_default(policy.id).await.unwrap();

    let mut out = BTreeMap::new();
    reset(&admin).await;
    let run = api
        .dunning_run(DunningRunRequest {
            as_of: "2026-11-22".into(),
            mode: DunningRunMode::Preview,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(
        run.actions.len() > usize::try_from(debtors / 20).unwrap(),
        "the run has work to do ({} actions)",
        run.actions.len()
    );
    out.insert("dunning run preview", counted(&admin).await);
    for (path, as_of) in [
        ("aging today", "2026-11-22"),
        ("aging 2025-06-30", "2025-06-30"),
    ] {
        reset(&admin).await;
        let aging = api
            .report_aging(AgingQuery {
                as_of: as_of.into(),
                ..Default::default()
            })
            .await
            .unwrap();
        assert!(!aging.debtors.is_empty());
        out.insert(path, counted(&admin).await);
    }
    reset(&admin).await;
    let page = api
        .debtors_list(DebtorListQuery {
            limit: 500,
            ..Default::default()
        })
        .await
        .unwrap();
    let ids: Vec<i64> = page.rows.iter().map(|r| r.id).collect();
    assert_eq!(ids.len(), 500);
    let states = api.collection_states(ids).await.unwrap();
    assert_eq!(states.len(), 500);
    out.insert("debtor list with states", counted(&admin).await);
    reset(&admin).await;
    let batch = api
        .batch_pdf("2026-11-22", true, &mut |_, _| true)
        .await
        .unwrap();
    out.insert("letter batch", counted(&admin).await);
    drop(api);
    admin.close().await;
    db.drop().await;
    Some((out, batch.letters))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statements_do_not_grow_with_the_number_of_debtors_postgres() {
    let Some((small, small_letters)) = statements(1_000).await else {
        return;
    };
    let (large, large_letters) = statements(10_000).await.unwrap();
    for (path, (reads, writes)) in &small {
        let (big_reads, big_writes) = large[path];
        eprintln!(
            "{path}: {reads} reads, {writes} writes at 1,000 debtors; \
             {big_reads} reads, {big_writes} writes at 10,000"
        );
        assert_eq!(
            *reads, big_reads,
            "{path}: the reads grew with the number of debtors"
        );
        if *path == "letter batch" {
            // Each letter is stored as a document with its timeline event: that grows with
            // the letters, by exactly two statements each, and nothing else does.
            let letters = |n: usize| 2 * i64::try_from(n).unwrap();
            assert_eq!(
                writes - letters(small_letters),
                big_writes - letters(large_letters),
                "{path}: writes other than the letters' own grew"
            );
        } else {
            assert_eq!(
                *writes, big_writes,
                "{path}: the writes grew with the number of debtors"
            );
        }
        assert!(
            *reads < 100,
            "{path}: {reads} statements is not reading in bulk"
        );
    }
    assert!(large_letters > small_letters);
}
