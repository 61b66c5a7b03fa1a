//! A throwaway PostgreSQL database per test, on the server named by `OVERDUE_TEST_PG_URL`.

// Each test crate uses its own subset of these helpers.
#![allow(dead_code)]

use chrono::{NaiveDate, TimeZone, Utc};
use overdue_domain::{Currency, DebtorDraft, DebtorKind, Money};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::AssertSqlSafe;

/// A database created for one test and dropped by [`PgTestDb::drop`].
pub struct PgTestDb {
    admin: PgPool,
    name: String,
    /// URL of the new, empty database.
    pub url: String,
}

impl PgTestDb {
    /// Creates `<prefix>_<pid>`; `None` (the test skips) when no server is configured,
    /// unless `OVERDUE_REQUIRE_PG` says CI must have one.
    pub async fn create(prefix: &str) -> Option<PgTestDb> {
        let Ok(base) = std::env::var("OVERDUE_TEST_PG_URL") else {
            assert!(
                std::env::var("OVERDUE_REQUIRE_PG").is_err(),
                "OVERDUE_REQUIRE_PG is set but OVERDUE_TEST_PG_URL is not"
            );
            eprintln!("skipping: OVERDUE_TEST_PG_URL not set");
            return None;
        };
        let name = format!("{prefix}_{}", std::process::id());
        // A plain connection: the server's own database is not Overdue's and must not be
        // migrated.
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .connect(&base)
            .await
            .unwrap();
        for sql in [
            format!("DROP DATABASE IF EXISTS {name}"),
            format!("CREATE DATABASE {name}"),
        ] {
            sqlx::query(AssertSqlSafe(sql))
                .execute(&admin)
                .await
                .unwrap();
        }
        let i = base
            .rfind('/')
            .expect("OVERDUE_TEST_PG_URL names a database");
        let url = format!("{}/{name}", &base[..i]);
        Some(PgTestDb { admin, name, url })
    }

    /// Drops the database (all its connections must be closed).
    pub async fn drop(self) {
        let sql = format!("DROP DATABASE {}", self.name);
        sqlx::query(AssertSqlSafe(sql))
            .execute(&self.admin)
            .await
            .unwrap();
    }
}

/// The stories' clock: 2026-04-30 09:00 UTC.
pub fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 4, 30, 9, 0, 0).unwrap()
}

/// A date from `YYYY-MM-DD`.
pub fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Euro.
pub fn eur() -> Currency {
    Currency::from_code("EUR").unwrap()
}

/// An amount in euro.
pub fn m(s: &str) -> Money {
    Money::parse(s, eur()).unwrap()
}

/// A company debtor in euro on 30 days' terms.
pub fn debtor(name: &str, reference: &str) -> DebtorDraft {
    DebtorDraft {
        kind: DebtorKind::Company,
        name: name.into(),
        external_ref: reference.into(),
        contacts: vec![],
        address: Default::default(),
        language: "en".into(),
        currency: eur(),
        payment_terms_days: 30,
        credit_limit: None,
        tags: vec![],
        notes: String::new(),
    }
}

/// The open items as of a date, read both ways: the aging's lean read must agree item for
/// item with [`Store::open_balances`], which is returned.
pub async fn open_items_both_ways(
    store: &overdue_store::Store,
    as_of: &str,
) -> Vec<overdue_store::OpenBalance> {
    let key = |debtor: i64, issue, due, open: &Money| (debtor, issue, due, open.to_string());
    let mut lean: Vec<_> = store
        .open_aging_items(d(as_of))
        .await
        .unwrap()
        .iter()
        .map(|i| key(i.debtor_id, i.invoice_date, i.due_date, &i.open))
        .collect();
    let all = store.open_balances(d(as_of), None).await.unwrap();
    let mut full: Vec<_> = all
        .iter()
        .map(|o| key(o.debtor_id, o.issue_date, o.due_date, &o.open))
        .collect();
    lean.sort();
    full.sort();
    assert_eq!(lean, full, "open items on {as_of}");
    all
}
