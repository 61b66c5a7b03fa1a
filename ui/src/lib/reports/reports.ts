// Pure helpers for the Reports screen. Amounts stay decimal strings: they are compared as
// strings and only turned into numbers for the width of a bar, never summed or stored.
import type { Buckets } from "../bindings/Buckets";
import type { DebtorAgingDto } from "../bindings/DebtorAgingDto";

/** Compares two decimal strings ("-12.50", "3", "1000.00") exactly, without floats. */
export function compareDecimal(a: string, b: string): number {
  const parse = (s: string) => {
    const t = s.trim();
    const negative = t.startsWith("-");
    const [intRaw = "", fracRaw = ""] = t.replace(/^[-+]/, "").split(".");
    const int = intRaw.replace(/^0+/, "");
    const frac = fracRaw.replace(/0+$/, "");
    const zero = int === "" && frac === "";
    return { negative: negative && !zero, int, frac };
  };
  const x = parse(a);
  const y = parse(b);
  if (x.negative !== y.negative) return x.negative ? -1 : 1;
  let magnitude: number;
  if (x.int.length !== y.int.length) magnitude = x.int.length < y.int.length ? -1 : 1;
  else if (x.int !== y.int) magnitude = x.int < y.int ? -1 : 1;
  else {
    const width = Math.max(x.frac.length, y.frac.length);
    const fx = x.frac.padEnd(width, "0");
    const fy = y.frac.padEnd(width, "0");
    magnitude = fx === fy ? 0 : fx < fy ? -1 : 1;
  }
  return x.negative ? -magnitude : magnitude;
}

export interface BucketShare {
  label: string;
  amount: string;
  /** Share of the positive total in percent, for drawing only. */
  percent: number;
}

/**
 * Each bucket's share of the total, in label order, for a stacked bar. Display only:
 * Number() here sizes a bar segment and never feeds back into an amount. Buckets at or
 * below zero (credits) get no width.
 */
export function bucketShares(buckets: Buckets, labels: string[]): BucketShare[] {
  const amounts = labels.map((label) => ({ label, amount: buckets[label] ?? "0.00" }));
  const sizes = amounts.map((b) => (compareDecimal(b.amount, "0") > 0 ? Number(b.amount) : 0));
  const sum = sizes.reduce((s, v) => s + v, 0);
  return amounts.map((b, k) => ({ ...b, percent: sum > 0 ? ((sizes[k] ?? 0) / sum) * 100 : 0 }));
}

/** The `n` debtors owing most in `currency`, largest first (ties by name). */
export function topDebtors(rows: DebtorAgingDto[], currency: string, n: number): DebtorAgingDto[] {
  return rows
    .filter((r) => r.currency === currency)
    .sort((a, b) => compareDecimal(b.total, a.total) || a.name.localeCompare(b.name))
    .slice(0, n);
}

const iso = (y: number, m: number, d: number) =>
  `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;

/** The last full calendar quarter before `today` (YYYY-MM-DD). */
export function lastFullQuarter(today: string): { from: string; to: string } {
  const [y = 1970, m = 1] = today.split("-").map(Number);
  let q = Math.floor((m - 1) / 3) - 1; // the quarter before the current one
  let year = y;
  if (q < 0) {
    q = 3;
    year -= 1;
  }
  const firstMonth = q * 3 + 1;
  const lastMonth = firstMonth + 2;
  const lastDay = new Date(Date.UTC(year, lastMonth, 0)).getUTCDate();
  return { from: iso(year, firstMonth, 1), to: iso(year, lastMonth, lastDay) };
}

/** A metric for a tile: "—" when the API left it undefined (null). */
export function metricText(value: string | null, unit: "days" | "%"): string {
  if (value === null) return "—";
  return unit === "%" ? `${value} %` : `${value} days`;
}
