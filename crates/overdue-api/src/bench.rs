//! `overdue bench ledger`: the ledger's speed on the demo generator's book, each operation
//! against a hand-written from-scratch SQL baseline measured in the same run on the same
//! file (the store's `baseline_*` queries). Figures are ratios, never absolute limits.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{Months, NaiveDate};
use overdue_domain::money::decimal_string;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::clock::FixedClock;
use crate::dto::DemoRequest;
use crate::import::ImportKind;
use crate::reports::{AgingBy, AgingQuery};
use crate::{Api, ApiError, ErrorCode};

/// One measured operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BenchLine {
    /// What was measured.
    pub operation: String,
    /// Our time, median of the runs, in milliseconds.
    pub ours_ms: String,
    /// The baseline's time, median of the runs, in milliseconds.
    pub baseline_ms: String,
    /// Ours / baseline (lower is faster), 3 decimals.
    pub ratio: String,
    /// The target ratio the issue sets.
    pub target: String,
    /// Whether the target is met.
    pub met: bool,
}

/// The whole run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BenchReport {
    /// Debtors in the book.
    pub debtors: u32,
    /// Invoices in the book.
    pub invoices: u32,
    /// Payments in the book.
    pub payments: u32,
    /// Time to generate and load the book, in milliseconds (not compared).
    pub load_ms: String,
    /// Time to re-score every debtor after the import (the app does it in the background).
    pub rescore_ms: String,
    /// `cpu` (process CPU time, robust to other load) or `wall`.
    pub clock: String,
    /// The operations.
    pub lines: Vec<BenchLine>,
}

fn ms(d: Duration) -> String {
    decimal_string(Decimal::from(d.as_micros() as u64) / Decimal::from(1000), 1)
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::new(ErrorCode::Internal, e.to_string())
}

fn line(operation: &str, ours: Duration, base: Duration, target: &str, at_most: bool) -> BenchLine {
    let ratio = Decimal::from(ours.as_micros().max(1) as u64)
        / Decimal::from(base.as_micros().max(1) as u64);
    let limit: Decimal = target
        .trim_start_matches(['<', '>', '=', ' '])
        .parse()
        .unwrap_or(Decimal::ONE);
    BenchLine {
        operation: operation.to_string(),
        ours_ms: ms(ours),
        baseline_ms: ms(base),
        ratio: decimal_string(ratio, 3),
        target: target.to_string(),
        met: if at_most {
            ratio <= limit
        } else {
            ratio >= limit
        },
    }
}

/// CPU time (user + system) of this process so far, from `/proc/self/stat`: unlike wall
/// time it does not grow when other programs compete for the cores, and it counts
/// SQLite's worker threads. `None` where there is no procfs (the wall clock is used then).
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces) start at ") ".
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    // Linux reports clock ticks of 1/100 s (USER_HZ) on every mainstream architecture.
    Some(Duration::from_millis((utime + stime) * 10))
}

/// A stopwatch on CPU time where available, else on the wall clock.
struct Watch {
    wall: Instant,
    cpu: Option<Duration>,
}

impl Watch {
    fn start() -> Watch {
        Watch {
            wall: Instant::now(),
            cpu: cpu_time(),
        }
    }
    fn elapsed(&self) -> Duration {
        match (self.cpu, cpu_time()) {
            (Some(a), Some(b)) => b.saturating_sub(a),
            _ => self.wall.elapsed(),
        }
    }
}

/// Median time of `runs` runs of `f`.
async fn median<F, Fut, T>(runs: u32, mut f: F) -> Result<(Duration, T), ApiError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, ApiError>>,
{
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs.max(1) {
        let start = Watch::start();
        let out = f().await?;
        times.push(start.elapsed());
        last = Some(out);
    }
    times.sort();
    let value = last.ok_or_else(|| internal("no run"))?;
    Ok((times[times.len() / 2], value))
}

/// Runs the ledger benchmark in `dir` (three SQLite files are created there).
pub async fn ledger(
    dir: &Path,
    debtors: u32,
    invoices: u32,
    runs: u32,
    today: NaiveDate,
    say: &(dyn Fn(&str) + Send + Sync),
) -> Result<BenchReport, ApiError> {
    let clock = Arc::new(FixedClock(
        today
            .and_hms_opt(9, 0, 0)
            .ok_or_else(|| internal("time"))?
            .and_utc(),
    ));
    let path = |name: &str| dir.join(name).display().to_string();
    for name in ["book.db", "import.db", "raw.db"] {
        let _ = std::fs::remove_file(dir.join(name));
    }

    say("generating and loading the book");
    let api = Api::open(&path("book.db"), clock.clone()).await?;
    let req = DemoRequest {
        debtors,
        invoices,
        seed: 1,
        as_used: false,
    };
    let start = Watch::start();
    let summary = api.demo_load(req).await?;
    let load = start.elapsed();
    // The office opens the app on its book: measure on a fresh connection pool (the
    // load's write-ahead log checkpointed on close), not on the loader's warm pages.
    api.close().await;
    let api = Api::open(&path("book.db"), clock.clone()).await?;
    let store = api.store().await;
    let mut lines = Vec::new();

    for (label, as_of, target) in [
        ("aging as of today (open items only)", today, "<= 0.2"),
        ("aging as of 6 months ago", today - Months::new(6), "<= 1.5"),
    ] {
        say(label);
        let query = AgingQuery {
            as_of: as_of.to_string(),
            by: AgingBy::Due,
            buckets: String::new(),
        };
        let (ours, report) = median(runs, || api.report_aging(query.clone())).await?;
        let (base, rows) =
            median(runs, || async { Ok(store.baseline_aging(as_of).await?) }).await?;
        // The same answer: the totals per bucket agree to the cent.
        let base_total: i64 = rows.iter().map(|r| r.2 + r.3 + r.4 + r.5 + r.6).sum();
        let ours_total: i64 = report
            .debtors
            .iter()
            .map(|d| d.total.replace('.', "").parse::<i64>().unwrap_or(0))
            .sum();
        if base_total != ours_total || rows.len() != report.debtors.len() {
            return Err(internal(format!(
                "{label}: the baseline disagrees ({base_total} vs {ours_total} minor units, {} vs {} rows)",
                rows.len(),
                report.debtors.len()
            )));
        }
        lines.push(line(label, ours, base, target, true));
    }

    say("statement of one debtor");
    let (from, to) = (today - Months::new(36), today);
    let (from_text, to_text) = (from.to_string(), to.to_string());
    let (ours, st) = median(runs, || api.report_statement("#1", &from_text, &to_text)).await?;
    let (base, rows) = median(runs, || async {
        Ok(store.baseline_statement(1, from, to).await?)
    })
    .await?;
    let closing = rows.last().map_or(0, |r| r.4);
    if st
        .closing_balance
        .replace('.', "")
        .parse::<i64>()
        .unwrap_or(i64::MIN)
        != closing
    {
        return Err(internal(format!(
            "statement: the baseline's closing balance {closing} differs from {}",
            st.closing_balance
        )));
    }
    lines.push(line(
        "statement of one debtor (3 years)",
        ours,
        base,
        "<= 3",
        true,
    ));
    api.close().await;

    say("import of the invoices as CSV");
    let data = {
        tokio::task::spawn_blocking(move || crate::demo::generate(&req, today))
            .await
            .map_err(internal)?
    };
    let mut csv =
        String::from("number,debtor_external_id,issue_date,due_date,amount,currency,description\n");
    let mut raw = Vec::with_capacity(data.invoices.len());
    for inv in &data.invoices {
        let d = &data.debtors[inv.debtor].draft;
        let amount = decimal_string(
            Decimal::new(inv.amount_minor, d.currency.minor_units()),
            d.currency.minor_units(),
        );
        csv.push_str(&format!(
            "{},{},{},{},{},{},\n",
            inv.number,
            d.external_ref,
            inv.issue_date,
            inv.due_date,
            amount,
            d.currency.code()
        ));
        raw.push((
            0,
            inv.number.clone(),
            inv.issue_date,
            inv.due_date,
            d.currency.code().to_string(),
            inv.amount_minor,
            inv.debtor,
        ));
    }
    let only_debtors = DemoRequest {
        debtors,
        invoices: 0,
        seed: 1,
        as_used: false,
    };
    let ours_api = Api::open(&path("import.db"), clock.clone()).await?;
    ours_api.demo_load(only_debtors).await?;
    let start = Watch::start();
    let imported = ours_api
        .import_csv(ImportKind::Invoices, "invoices.csv", csv.as_bytes())
        .await?;
    let ours = start.elapsed();
    // Re-scoring after a large import runs in the background in the app; measured here on
    // its own, for the record (it has no from-scratch counterpart).
    let start = Watch::start();
    ours_api.credit_refresh_if_stale().await?;
    let rescore = start.elapsed();
    ours_api.close().await;
    if imported.imported != invoices {
        return Err(internal(format!(
            "imported {} of {invoices} invoices",
            imported.imported
        )));
    }
    let raw_api = Api::open(&path("raw.db"), clock.clone()).await?;
    raw_api.demo_load(only_debtors).await?;
    let raw_store = raw_api.store().await;
    let ids = raw_store.debtor_refs().await?;
    let rows: Vec<_> = raw
        .into_iter()
        .map(|(_, number, issue, due, currency, amount, debtor)| {
            let id = ids
                .get(&data.debtors[debtor].draft.external_ref)
                .copied()
                .unwrap_or(0);
            (id, number, issue, due, currency, amount)
        })
        .collect();
    let start = Watch::start();
    raw_store.baseline_insert_invoices(&rows, clock.0).await?;
    let base = start.elapsed();
    raw_api.close().await;
    // Rates: ours / raw >= 0.5 is time ours / time raw <= 2.
    let mut l = line(
        "CSV import of the invoices (time; rate target >= 0.5x raw insert)",
        ours,
        base,
        "<= 2",
        true,
    );
    l.operation = format!(
        "CSV import of {invoices} invoices vs raw insert (time ratio; rate ratio {})",
        decimal_string(
            Decimal::from(base.as_micros().max(1) as u64)
                / Decimal::from(ours.as_micros().max(1) as u64),
            3
        )
    );
    lines.push(l);

    Ok(BenchReport {
        debtors: summary.debtors,
        invoices: summary.invoices,
        payments: summary.payments,
        load_ms: ms(load),
        rescore_ms: ms(rescore),
        clock: if cpu_time().is_some() {
            "cpu".into()
        } else {
            "wall".into()
        },
        lines,
    })
}
