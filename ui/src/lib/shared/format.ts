// Display formatting with Intl for the user's locale. Values stay decimal strings until
// here; formatting never feeds back into a calculation.

let resolved: string | undefined;
/** The user's locale, if Intl accepts it: a C/POSIX locale reports "C", which Intl rejects. */
export function locale(): string {
  if (resolved) return resolved;
  const candidates = typeof navigator === "undefined" ? [] : [navigator.language, ...(navigator.languages ?? [])];
  for (const tag of candidates) {
    try {
      const [canonical] = Intl.getCanonicalLocales(tag);
      if (canonical) return (resolved = canonical);
    } catch {
      // not a BCP 47 tag: try the next one
    }
  }
  return (resolved = "en-GB");
}
const moneyFormats = new Map<string, Intl.NumberFormat>();

/** "1234.50" + "EUR" -> "€1,234.50" (or "1.234,50 €" in a German locale). */
export function formatMoney(amount: string, currency: string): string {
  let nf = moneyFormats.get(currency);
  if (!nf) {
    try {
      nf = new Intl.NumberFormat(locale(), { style: "currency", currency });
    } catch {
      return `${amount} ${currency}`;
    }
    moneyFormats.set(currency, nf);
  }
  // Intl accepts decimal strings and formats them exactly (no float round trip) where the
  // engine supports it; display only either way.
  return nf.format(amount as unknown as number);
}

/** "2026-03-31" -> a short local date. */
export function formatDate(iso: string): string {
  const d = new Date(iso.length === 10 ? `${iso}T00:00:00` : iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(), { dateStyle: "medium" }).format(d);
}

/** "2026-06-01" -> the month ("Jun 2026"). */
export function formatMonth(iso: string): string {
  const d = new Date(`${iso.slice(0, 10)}T00:00:00`);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(), { month: "short", year: "numeric" }).format(d);
}

/** "2026-12-20" -> day and month only ("20 Dec"), for a narrow column. */
export function formatDayMonth(iso: string): string {
  const d = new Date(iso.length === 10 ? `${iso}T00:00:00` : iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(), { day: "numeric", month: "short" }).format(d);
}

/** "2026-12-07T07:00:03Z" -> a short local date and time. */
export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeStyle: "short" }).format(d);
}

export function formatCount(n: number): string {
  return new Intl.NumberFormat(locale()).format(n);
}

const kindLabels = { company: "Company", individual: "Individual", sole_trader: "Sole trader" } as const;
export function kindLabel(kind: keyof typeof kindLabels): string {
  return kindLabels[kind];
}

/** True when a decimal string is above zero (no float parsing). */
export function isPositive(amount: string): boolean {
  return !amount.startsWith("-") && /[1-9]/.test(amount);
}
