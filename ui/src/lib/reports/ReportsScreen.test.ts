import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import ReportsScreen from "./ReportsScreen.svelte";
import { MemoryBackend } from "../backend/memory";
import type { AgingQuery } from "../bindings/AgingQuery";
import type { AgingReportDto } from "../bindings/AgingReportDto";
import type { MetricsReportDto } from "../bindings/MetricsReportDto";

// The ledger math is Rust's; these stubs stand in for its answers.
class ReportsBackend extends MemoryBackend {
  agingQueries: AgingQuery[] = [];
  metricsPeriods: [string, string][] = [];
  override async appInfo() {
    return { ...(await super.appInfo()), today: "2026-05-14" };
  }
  override async reportAging(q: AgingQuery): Promise<AgingReportDto> {
    this.agingQueries.push(q);
    const labels = ["current", "1-30", "31-60", "61-90", "90+"];
    const buckets = { current: "1600.00", "1-30": "2000.00", "31-60": "0.00", "61-90": "400.00", "90+": "0.00" };
    return {
      as_of: q.as_of,
      by: q.by,
      labels,
      currencies: { EUR: { buckets, total: "4000.00" } },
      debtors: [
        { debtor_id: 1, external_id: "D-1", name: "<b>Small</b>", currency: "EUR", buckets, total: "400.00" },
        { debtor_id: 2, external_id: "D-2", name: "Big", currency: "EUR", buckets, total: "3600.00" },
      ],
    };
  }
  override async reportMetrics(from: string, to: string): Promise<MetricsReportDto> {
    this.metricsPeriods.push([from, to]);
    const inputs = { begin_ar: "0", end_ar: "0", end_current_ar: "0", credit_sales: "0", cash_collected: "0", write_offs: "0" };
    return {
      from, to, days: 90,
      currencies: {
        EUR: { dso: "55.00", dso_countback: "53.40", best_possible_dso: "32.50", add: "22.50", cei: "52.63", collection_rate: "60.00", bad_debt_ratio: null, inputs },
      },
    };
  }
}

describe("Reports screen", () => {
  it("shows aging per currency and the metrics of the last full quarter", async () => {
    const backend = new ReportsBackend();
    const { container } = render(ReportsScreen, { backend });
    await waitFor(() => expect(screen.getByTestId("aging-total-EUR")).toBeTruthy());
    expect(backend.agingQueries[0]).toEqual({ as_of: "2026-05-14", by: "due", buckets: "30,60,90" });
    expect(backend.metricsPeriods[0]).toEqual(["2026-01-01", "2026-03-31"]);
    expect(screen.getByTestId("aging-total-EUR").textContent).toMatch(/4\D?000\D00/);
    // Zero buckets draw nothing; the rest are sized by their share.
    expect(screen.queryByTestId("aging-segment-EUR-31-60")).toBeNull();
    expect((screen.getByTestId("aging-segment-EUR-1-30") as HTMLElement).style.width).toBe("50%");
    // Largest debtor first, names as text.
    const rows = screen.getAllByTestId("aging-debtor-row");
    expect(rows.map((r) => r.querySelector("td")?.textContent)).toEqual(["Big", "<b>Small</b>"]);
    expect(container.querySelector("b")).toBeNull();
    await waitFor(() => expect(screen.getByTestId("kpi-dso-EUR").textContent).toBe("55.00 days"));
    expect(screen.getByTestId("kpi-cei-EUR").textContent).toBe("52.63 %");
    expect(screen.getByTestId("kpi-bad-debt-EUR").textContent).toBe("—");
  });

  it("asks again when the basis changes", async () => {
    const backend = new ReportsBackend();
    render(ReportsScreen, { backend });
    await waitFor(() => expect(screen.getByTestId("aging-total-EUR")).toBeTruthy());
    await fireEvent.change(screen.getByTestId("aging-by"), { target: { value: "invoice" } });
    await waitFor(() => expect(backend.agingQueries.at(-1)?.by).toBe("invoice"));
  });

  it("says so when nothing is open (the browser preview has no ledger)", async () => {
    render(ReportsScreen, { backend: new MemoryBackend() });
    expect((await screen.findByTestId("aging-empty")).textContent).toContain("Nothing is open");
    expect(await screen.findByTestId("metrics-empty")).toBeTruthy();
  });
});
