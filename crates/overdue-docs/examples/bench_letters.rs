//! `cargo run --release -p overdue-docs --example bench_letters -- [COUNT] [OUT_DIR]`:
//! COUNT single-page demand letters to COUNT debtors, laid out and written into one PDF,
//! then into COUNT files; CPU time and peak memory from getrusage.

use std::path::PathBuf;

fn rusage() -> (u64, i64) {
    use nix::sys::resource::{getrusage, UsageWho};
    let u = getrusage(UsageWho::RUSAGE_SELF).expect("getrusage");
    let us = |t: nix::sys::time::TimeVal| {
        u64::try_from(t.tv_sec()).unwrap_or(0) * 1_000_000 + u64::try_from(t.tv_usec()).unwrap_or(0)
    };
    (us(u.user_time()) + us(u.system_time()), u.max_rss())
}

fn main() {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "target/bench-letters".into()));
    std::fs::create_dir_all(&dir).expect("output folder");
    let docs = overdue_docs::bench::demand_letters(count);
    let meta = overdue_docs::metadata_for(&docs[0], 1_795_000_000);
    let (t0, _) = rusage();
    let combined = overdue_docs::render_batch(&docs, &meta, &mut |_, _| true).expect("renders");
    let (t1, _) = rusage();
    std::fs::write(dir.join("letters.pdf"), &combined).expect("write");
    let (t2, _) = rusage();
    let mut separate = 0usize;
    for (i, d) in docs.iter().enumerate() {
        let bytes = overdue_docs::render(d, &overdue_docs::metadata_for(d, 1_795_000_000))
            .expect("renders");
        separate += bytes.len();
        std::fs::write(dir.join(format!("letter-{:05}.pdf", i + 1)), &bytes).expect("write");
    }
    let (t3, _) = rusage();
    let baseline = overdue_docs::bench::render_batch_baseline(&docs, &meta).expect("renders");
    let (t4, peak) = rusage();
    let rate = |n: usize, us: u64| (n as u64 * 1_000_000).checked_div(us).unwrap_or(0);
    println!("letters: {count}");
    println!(
        "combined PDF: {} ms CPU, {} letters per CPU-second, {} bytes per letter",
        (t1 - t0) / 1000,
        rate(count, t1 - t0),
        combined.len() / count.max(1)
    );
    println!(
        "separate files: {} ms CPU, {} letters per CPU-second, {} bytes per letter",
        (t3 - t2) / 1000,
        rate(count, t3 - t2),
        separate / count.max(1)
    );
    println!(
        "baseline (previous printpdf writer, combined): {} ms CPU, {} letters per CPU-second, {} bytes per letter; combined is {}% as fast as the baseline",
        (t4 - t3) / 1000,
        rate(count, t4 - t3),
        baseline.len() / count.max(1),
        ((t4 - t3) * 100).checked_div(t1 - t0).unwrap_or(0)
    );
    println!("peak RSS: {} MiB", peak / 1024);
}
