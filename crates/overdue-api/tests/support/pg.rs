#![allow(dead_code)] // shared by several api test crates; each uses part of it
//! A throwaway PostgreSQL database per test on the server `OVERDUE_TEST_PG_URL` names
//! (CI starts one; `OVERDUE_REQUIRE_PG` makes its absence a failure, not a skip).

use sqlx::postgres::{PgPool, PgPoolOptions};

/// A database created for one test; `drop` removes it.
pub struct TestDb {
    admin: PgPool,
    name: String,
    /// Its connection URL.
    pub url: String,
}

impl TestDb {
    /// Creates `<prefix>_<pid>` afresh, or `None` when no server is configured.
    pub async fn create(prefix: &str) -> Option<TestDb> {
        let Ok(base) = std::env::var("OVERDUE_TEST_PG_URL") else {
            assert!(
                std::env::var("OVERDUE_REQUIRE_PG").is_err(),
                "CI must provide PostgreSQL"
            );
            eprintln!("skipping: OVERDUE_TEST_PG_URL not set");
            return None;
        };
        let name = format!("{prefix}_{}", std::process::id());
        // A plain connection to the server's own database, which is not Overdue's.
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .connect(&base)
            .await
            .unwrap();
        for sql in [
            format!("DROP DATABASE IF EXISTS {name}"),
            format!("CREATE DATABASE {name}"),
        ] {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&admin)
                .await
                .unwrap();
        }
        let url = format!("{}/{name}", &base[..base.rfind('/').unwrap()]);
        Some(TestDb { admin, name, url })
    }

    /// Drops the database (every connection to it must be closed first).
    pub async fn drop(self) {
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE {}", self.name)))
            .execute(&self.admin)
            .await
            .unwrap();
    }
}
