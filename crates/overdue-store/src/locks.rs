//! Locks that keep two people (or a person and the daily run) from doing the same job at
//! once on a shared book.
//!
//! PostgreSQL: advisory locks. A job lock is a session lock on a connection taken out of
//! the pool for the job's length and closed, not returned, when the lock is dropped, so a
//! crashed or cancelled job never leaves it held. SQLite: one writer at a time already
//! (`BEGIN IMMEDIATE`, see [`crate::BeginWrite`]), so a job lock is not needed there.

use sqlx::pool::PoolConnection;
use sqlx::Postgres;

use crate::{Store, StoreError};

/// Advisory lock keys: "OVD" and the job, well apart from the per-debtor keys.
const DUNNING_RUN: i64 = 0x4F56_4400_0000_0001;
/// Per-debtor keys: this base plus the debtor's id.
pub(crate) const DEBTOR_BASE: i64 = 0x4F56_4401_0000_0000;

/// A job that runs alone on the book.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// A dunning run that plans or sends.
    DunningRun,
}

impl Job {
    fn key(self) -> i64 {
        match self {
            Job::DunningRun => DUNNING_RUN,
        }
    }
}

/// Held while a [`Job`] runs. [`JobLock::release`] gives it back and waits for the
/// server to confirm; dropping it (a panic, a cancelled task) closes its connection,
/// which releases it too, but in the background.
#[derive(Debug)]
pub struct JobLock {
    conn: Option<(PoolConnection<Postgres>, i64)>,
}

impl JobLock {
    /// Releases the job's lock before returning. Should the unlock fail, dropping the
    /// connection closes it, which releases the lock as well.
    pub async fn release(mut self) {
        if let Some((mut conn, key)) = self.conn.take() {
            let unlocked = sqlx::query_scalar::<_, bool>("SELECT pg_advisory_unlock($1)")
                .bind(key)
                .fetch_one(&mut *conn)
                .await;
            if matches!(unlocked, Ok(true)) {
                let _ = conn.close().await;
            }
        }
    }
}

/// Who holds a job's lock, as PostgreSQL knows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobHolder {
    /// The PostgreSQL login of the session holding it.
    pub login: String,
    /// The holder's address ("" for a local socket).
    pub client: String,
}

impl Store {
    /// Takes the lock of `job`, or says who holds it (`Err`), without waiting.
    pub async fn try_job_lock(&self, job: Job) -> Result<Result<JobLock, JobHolder>, StoreError> {
        let Store::Postgres(pool) = self else {
            return Ok(Ok(JobLock { conn: None }));
        };
        let mut conn = pool.acquire().await?;
        let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
            .bind(job.key())
            .fetch_one(&mut *conn)
            .await?;
        if got {
            // Closed when dropped, never handed to another job with the lock still held.
            conn.close_on_drop();
            return Ok(Ok(JobLock {
                conn: Some((conn, job.key())),
            }));
        }
        let holder: Option<(String, String)> = sqlx::query_as(
            "SELECT coalesce(a.usename::text, ''), coalesce(host(a.client_addr), '') \
             FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
             WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 \
             AND l.classid::bigint = ($1 >> 32) AND l.objid::bigint = ($1 & 4294967295) LIMIT 1",
        )
        .bind(job.key())
        .fetch_optional(&mut *conn)
        .await?;
        let (login, client) = holder.unwrap_or_default();
        Ok(Err(JobHolder { login, client }))
    }
}

/// Inside a PostgreSQL transaction: waits for and takes the debtor's lock until the
/// transaction ends, so two sessions writing the same debtor's outbox take turns.
macro_rules! lock_debtor {
    ($store:expr, $tx:expr, $debtor_id:expr) => {
        if $store.backend() == $crate::Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind($crate::locks::DEBTOR_BASE.wrapping_add($debtor_id))
                .execute(&mut *$tx)
                .await?;
        }
    };
}
pub(crate) use lock_debtor;
