#!/usr/bin/env python3
"""What the audit trail costs an import (issue 18 / 19), measured in one run.

Imports the shared harness's book (../shared/bench/perfdata.py: 20 invoices a debtor)
through `overdue import` twice with the same binary: into a new book as it is (every
insert recorded in audit_log by trigger), and into a new book whose audit triggers were
dropped first. Prints the CPU (user + system of the child) of each import and the ratio.
Run from the project's root after `cargo build --release -p overdue-cli`:

    python3 scripts/bench-audit.py --debtors 50000
"""
import argparse, os, resource, shutil, sqlite3, subprocess, sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "shared", "bench"))
import perfdata  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--debtors", type=int, default=50000)
ap.add_argument("--cli", default="target/release/overdue")
a = ap.parse_args()


def child_cpu(args):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = subprocess.run([a.cli] + args, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        sys.exit(f"overdue {' '.join(args[:4])} failed: {r.stderr.strip()[:300]}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


d = perfdata.book(a.debtors)
work = os.path.join(perfdata.CACHE, f"audit-{a.debtors}")
results = {}
for label in ("with the audit trail", "audit triggers dropped"):
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    db = os.path.join(work, "book.db")
    cpu = {"debtors": child_cpu(["--db", db, "import", "debtors", os.path.join(d, "debtors.csv")])}
    if label == "audit triggers dropped":
        con = sqlite3.connect(db)
        names = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'audit\\_%' ESCAPE '\\'")]
        for n in names:
            con.execute(f'DROP TRIGGER "{n}"')
        con.commit()
        con.close()
    for k in ("invoices", "payments"):
        cpu[k] = child_cpu(["--db", db, "import", k, os.path.join(d, f"{k}.csv")])
    size = os.path.getsize(db)
    results[label] = (cpu, size)
    print(f"{label}: " + ", ".join(f"{k} {v:.2f} s" for k, v in cpu.items()) + f"; file {size / 1e6:.0f} MB")
w, o = results["with the audit trail"][0], results["audit triggers dropped"][0]
for k in ("invoices", "payments"):
    print(f"{k} import with the audit trail: {w[k] / o[k]:.2f}x the CPU without it")
