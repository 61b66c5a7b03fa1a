#!/usr/bin/env python3
"""Bank import benchmark, in the style of ../shared/bench: the `overdue` CLI as whole
processes, CPU time (user + system) of the child, the baseline measured in the same run.

For a 10,000-invoice book (500 debtors) and a 1,000,000-invoice book (50,000 debtors), both
the shared harness's books (`perfdata.book`) imported through `overdue import`, it writes a
camt.053 of N credits and debits aimed at the book's open items (RF references, invoice
numbers in the text, part payments, names only, unknown payers, rent), then imports it into
fresh copies of the book twice: `bank import --no-match` (parse and insert only: the
baseline) and `bank import` (parse, match, insert, apply the payments).

Printed: the ratio match/baseline on the large book (target <= 3) and the matching cost per
entry (match - baseline, divided by N) on the large book over the small one (target <= 1.5).

Run from the project's root after `cargo build --release -p overdue-cli`:
    python3 scripts/bench-bank.py [--entries 100000] [--runs 3]
"""
import argparse
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "shared", "bench"))
import perfdata  # noqa: E402

CLI = os.path.join(HERE, "..", "target", "release", "overdue")
CACHE = os.path.join(perfdata.CACHE, "bank")
ENV = dict(os.environ, OVERDUE_TODAY=perfdata.TODAY.isoformat())


def cpu(args):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([CLI] + args, check=True, stdout=subprocess.DEVNULL, env=ENV)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def book_db(debtors):
    os.makedirs(CACHE, exist_ok=True)
    db = os.path.join(CACHE, f"book-{debtors}.db")
    if os.path.exists(db + ".done"):
        return db
    for f in (db, db + "-wal", db + "-shm"):
        if os.path.exists(f):
            os.remove(f)
    d = perfdata.book(debtors)
    for kind in ("debtors", "invoices", "payments"):
        t = time.time()
        subprocess.run([CLI, "--db", db, "import", kind, os.path.join(d, f"{kind}.csv")], check=True,
                       stdout=subprocess.DEVNULL, env=ENV)
        print(f".. book {debtors}: {kind} imported in {time.time() - t:.0f} s", file=sys.stderr)
    open(db + ".done", "w").close()
    return db


def rf(number):
    body = "".join(c for c in number.upper() if c.isalnum())
    digits = "".join(str(int(c, 36)) for c in body + "RF00")
    return f"RF{98 - int(digits) % 97:02d}{body}"


def statement(db, entries, seed):
    """A camt.053.001.08 of `entries` transactions aimed at the book's open items."""
    con = sqlite3.connect(db)
    rows = con.execute(
        "SELECT i.number, i.open_minor, i.currency, d.name FROM invoices i JOIN debtors d ON d.id = i.debtor_id "
        "WHERE i.open_minor > 0 ORDER BY i.id").fetchall()
    con.close()
    rnd = random.Random(seed)
    rnd.shuffle(rows)
    out = [f'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">'
           f'<BkToCstmrStmt><GrpHdr><MsgId>BENCH</MsgId><CreDtTm>2026-11-21T06:00:00</CreDtTm></GrpHdr>'
           f'<Stmt><Id>BENCH-{entries}</Id><ElctrncSeqNb>1</ElctrncSeqNb>'
           f'<Acct><Id><IBAN>DE02120300000000202051</IBAN></Id><Ccy>EUR</Ccy></Acct>']
    k = 0
    for n in range(entries):
        number, open_minor, cur, name = rows[k % len(rows)]
        k += 1
        r = rnd.random()
        credit, ustrd, strd, nm, amount = True, "", "", name, open_minor
        if r < 0.35:
            strd = rf(number)
        elif r < 0.60:
            ustrd = f"Rechnung {number} Kd {n}"
        elif r < 0.75:
            ustrd = f"Teilzahlung {number}"
            amount = max(1, open_minor // 2)
        elif r < 0.85:
            amount = rnd.randrange(100, 500000)
        elif r < 0.95:
            nm, ustrd, amount = f"Unknown Payer {n}", f"Order {n}", rnd.randrange(100, 500000)
        else:
            credit, nm, ustrd, amount, cur = False, "Hausverwaltung Schmidt", "Miete", 120000, "EUR"
        value = f"{amount // 100}.{amount % 100:02d}"
        party, acct = ("Dbtr", "DbtrAcct") if credit else ("Cdtr", "CdtrAcct")
        rmt = (f"<Ustrd>{ustrd}</Ustrd>" if ustrd else "") + (
            f"<Strd><CdtrRefInf><Ref>{strd}</Ref></CdtrRefInf></Strd>" if strd else "")
        day = 1 + n % 20
        out.append(
            f'<Ntry><Amt Ccy="{cur}">{value}</Amt><CdtDbtInd>{"CRDT" if credit else "DBIT"}</CdtDbtInd>'
            f'<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-11-{day:02d}</Dt></BookgDt><ValDt><Dt>2026-11-{day:02d}</Dt></ValDt>'
            f'<AcctSvcrRef>B{n:08d}</AcctSvcrRef><NtryDtls><TxDtls><Refs><EndToEndId>E{n}</EndToEndId></Refs>'
            f'<RltdPties><{party}><Pty><Nm>{nm.replace("&", "&amp;")}</Nm></Pty></{party}></RltdPties>'
            f'<RmtInf>{rmt}</RmtInf></TxDtls></NtryDtls></Ntry>')
    out.append("</Stmt></BkToCstmrStmt></Document>\n")
    path = os.path.join(CACHE, f"camt-{os.path.basename(db)}-{entries}.xml")
    with open(path, "w") as f:
        f.write("\n".join(out))
    return path


def measure(db, camt, runs):
    times = {"baseline": [], "match": [], "dry_read": [], "dry_match": []}
    work = os.path.join(CACHE, "work.db")
    # Bring the cached book to this build's schema first, outside the timing: a migration
    # (and the backup before it) must not count in either run.
    subprocess.run([CLI, "--db", db, "info"], check=True, stdout=subprocess.DEVNULL, env=ENV)
    for f in os.listdir(CACHE):
        if f.startswith(os.path.basename(db) + ".backup-"):
            os.remove(os.path.join(CACHE, f))
    for _ in range(runs):
        for mode in ("baseline", "match"):
            for f in (work, work + "-wal", work + "-shm"):
                if os.path.exists(f):
                    os.remove(f)
            shutil.copy(db, work)
            extra = ["--no-match"] if mode == "baseline" else []
            times[mode].append(cpu(["--db", work, "bank", "import", camt] + extra))
        # The split: deciding the matches (a dry run reads, matches and writes nothing)
        # against reading alone, on the untouched book.
        times["dry_read"].append(cpu(["--db", db, "bank", "import", camt, "--dry-run", "--no-match"]))
        times["dry_match"].append(cpu(["--db", db, "bank", "import", camt, "--dry-run"]))
    med = {m: sorted(v)[len(v) // 2] for m, v in times.items()}
    return med


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--small", type=int, default=500, help="debtors of the small book (20 invoices each)")
    ap.add_argument("--large", type=int, default=50_000, help="debtors of the large book")
    a = ap.parse_args()
    results = {}
    for debtors in (a.small, a.large):
        db = book_db(debtors)
        camt = statement(db, a.entries, debtors)
        results[debtors] = measure(db, camt, a.runs)
        r = results[debtors]
        print(f"{debtors * 20:>9} invoices, {a.entries} entries: baseline {r['baseline']:.2f} s CPU, "
              f"import and match {r['match']:.2f} s CPU, ratio {r['match'] / r['baseline']:.2f}")
    small, large = results[a.small], results[a.large]
    per_small = (small["match"] - small["baseline"]) / a.entries
    per_large = (large["match"] - large["baseline"]) / a.entries
    print(f"import and match / parse and insert on the {a.large * 20}-invoice book: "
          f"{large['match'] / large['baseline']:.2f} (target <= 3)")
    print(f"matching cost per entry: {per_small * 1e6:.1f} us at {a.small * 20} invoices, "
          f"{per_large * 1e6:.1f} us at {a.large * 20} invoices: growth {per_large / max(per_small, 1e-9):.2f}x "
          f"(target <= 1.5)")
    dec_small = (small["dry_match"] - small["dry_read"]) / a.entries
    dec_large = (large["dry_match"] - large["dry_read"]) / a.entries
    print(f"deciding the matches alone (dry runs): {dec_small * 1e6:.1f} us an entry at {a.small * 20} invoices, "
          f"{dec_large * 1e6:.1f} us at {a.large * 20} invoices: growth {dec_large / max(dec_small, 1e-9):.2f}x")


if __name__ == "__main__":
    main()
