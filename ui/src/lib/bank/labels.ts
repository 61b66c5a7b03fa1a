// Words and formatting for the Bank screen. Display only: every number here comes from
// the API as it is (counts, decimal strings); nothing is computed from amounts.
import type { BankEntryDto } from "../bindings/BankEntryDto";
import type { BankEntryStatusDto } from "../bindings/BankEntryStatusDto";
import type { BankImportProgress } from "../bindings/BankImportProgress";
import type { BankImportSummary } from "../bindings/BankImportSummary";
import type { ApiError } from "../bindings/ApiError";
import { formatCount, formatMoney } from "../shared/format";

export const STATUS_LABELS: Record<BankEntryStatusDto, string> = {
  suggested: "Suggested",
  unmatched: "Unmatched",
  matched: "Matched",
  ignored: "Ignored",
};

/** "€1,234.56, $20.00" from a per-currency map of decimal strings. */
export function moneyList(sums: { [key in string]?: string }): string {
  return Object.entries(sums)
    .filter((e): e is [string, string] => typeof e[1] === "string")
    .map(([currency, amount]) => formatMoney(amount, currency))
    .join(", ");
}

/** The line shown after an import. */
export function summaryText(s: BankImportSummary): string {
  const head = `${formatCount(s.entries)} ${s.entries === 1 ? "entry" : "entries"} (${formatCount(s.duplicates)} already imported)`;
  const counts = `${formatCount(s.matched)} matched, ${formatCount(s.suggested)} suggested, ${formatCount(s.unmatched)} unmatched, ${formatCount(s.ignored)} ignored`;
  const money = [
    Object.keys(s.credits).length > 0 ? `money in ${moneyList(s.credits)}` : "",
    Object.keys(s.debits).length > 0 ? `money out ${moneyList(s.debits)}` : "",
  ].filter(Boolean);
  return `${head}: ${counts}${money.length > 0 ? `; ${money.join("; ")}` : ""}.`;
}

/** How far an import is, for the progress bar (display only). */
export function progressPercent(p: BankImportProgress | null): number {
  if (!p) return 0;
  switch (p.phase) {
    case "reading":
      return 5;
    case "matching":
      return p.total > 0 ? 10 + Math.round((p.done / p.total) * 75) : 10;
    case "saving":
      return 90;
    case "done":
      return 100;
    default:
      return 5;
  }
}

export function progressText(p: BankImportProgress): string {
  const words: Record<string, string> = { reading: "Reading the file…", matching: "Matching entries…", saving: "Saving…", done: "Done" };
  const of = p.total > 0 ? ` ${formatCount(p.done)} of ${formatCount(p.total)}` : "";
  return `${words[p.phase] ?? p.phase}${of}`;
}

/** The amount as shown: money in with a plus, money out with a minus sign. */
export function signedAmount(e: BankEntryDto): string {
  const text = formatMoney(e.amount, e.currency);
  return e.side === "credit" ? `+${text}` : `−${text}`;
}

/**
 * The API refuses a CSV file without a mapping the first time (the message asks for one);
 * the window then offers the mapping form. Branches on the refusal, never on the file.
 */
export function needsCsvMapping(err: ApiError): boolean {
  return (err.fields ?? []).some((f) => f.field === "csv");
}

/** Field errors by field name (`invoices[1]`, `tolerance_abs`); a message without fields under `""`. */
export function fieldErrors(err: ApiError): Record<string, string> {
  const fields = err.fields ?? [];
  if (fields.length === 0) return { "": err.message };
  return Object.fromEntries(fields.map((f) => [f.field, f.message]));
}

/** An IBAN in groups of four, as printed ("DE89 3704 0044 ..."); any other text as it is. */
export function formatIban(text: string): string {
  return /^[A-Z]{2}\d{2}[A-Z0-9]{4,30}$/.test(text) ? text.replace(/(.{4})(?=.)/g, "$1 ") : text;
}
