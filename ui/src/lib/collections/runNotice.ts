// The sentence the window shows when the daily dunning run (started by the shell at the
// configured time) has finished.
import type { DunningRunResult } from "../bindings/DunningRunResult";

export function runNotice(r: DunningRunResult): string {
  const count = (status: string) => r.actions.filter((a) => a.status === status).length;
  const sent = count("sent");
  const planned = count("planned");
  const failed = count("failed");
  const parts = [
    sent > 0 ? `${sent} sent` : "",
    planned > 0 ? `${planned} planned for approval` : "",
    failed > 0 ? `${failed} failed` : "",
    r.reconciled.length > 0 ? `${r.reconciled.length} from an interrupted run reconciled` : "",
  ].filter(Boolean);
  const what = parts.length === 0 ? "nothing was due" : parts.join(", ");
  // "Reconcile before you remind": the API's sentences, as they are.
  const warnings = (r.warnings ?? []).map((w) => ` ${w}`).join("");
  return `Daily collection run for ${r.as_of}: ${what}.${warnings} See Collections.`;
}
