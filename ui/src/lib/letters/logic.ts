// The Letters screen's pure logic: request checks, progress, sizes and base64.
import type { JobProgress } from "../bindings/JobProgress";
import type { LetterRequest } from "../bindings/LetterRequest";

const isDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s));

/** Field problems of a letter request before it goes to the backend (which checks again). */
export function letterProblems(r: LetterRequest): Record<string, string> {
  const p: Record<string, string> = {};
  if (!(r.debtor_id > 0)) p.debtor = "Choose a debtor.";
  if (r.kind === "") p.kind = "Choose a letter.";
  for (const [field, value] of [["as_of", r.as_of], ["deadline", r.deadline], ["agreement_date", r.agreement_date]] as const) {
    if (value.trim() !== "" && !isDate(value.trim())) p[field] = "Use a date such as 2026-11-22.";
  }
  if (!p.as_of && !p.deadline && r.as_of.trim() !== "" && r.deadline.trim() !== "" && r.deadline.trim() <= r.as_of.trim()) {
    p.deadline = "The deadline must be after the letter's date.";
  }
  if (r.kind === "letter-of-claim" && r.agreement_date.trim() === "") {
    p.agreement_date = "A letter of claim names the date of the agreement the debt arises from.";
  }
  return p;
}

/** What a refusal says is missing: the part after "it needs", split into items. */
export function missingElements(message: string): string[] {
  const m = /it needs (.*?)\.?$/.exec(message.trim());
  if (!m) return [];
  return (m[1] ?? "").split(/,\s*/).map((s) => s.trim()).filter((s) => s !== "");
}

/** Percentage (0-100, whole) of a job's progress; 0 while the total is not known. */
export function percent(p: JobProgress | null): number {
  if (!p || p.total <= 0) return 0;
  return Math.max(0, Math.min(100, Math.floor((p.done * 100) / p.total)));
}

/** "3 of 12 letters" style progress text. */
export function progressText(p: JobProgress | null, noun: string): string {
  if (!p) return "Starting…";
  if (p.phase === "saving") return `Saving ${p.total} ${noun}…`;
  if (p.phase === "done") return `Done: ${p.done} ${noun}.`;
  return p.total > 0 ? `${p.done} of ${p.total} ${noun}` : "Starting…";
}

/** Human file size. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

/** Standard base64 to bytes. */
export function fromBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** A job id unique enough for this window. */
export function newJobId(): string {
  return `job-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** The first 12 hex digits of a SHA-256, for display next to the full value's tooltip. */
export const shortHash = (sha: string) => (sha.length > 12 ? `${sha.slice(0, 12)}…` : sha);
