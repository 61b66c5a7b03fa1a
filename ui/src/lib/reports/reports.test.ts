import { describe, expect, it } from "vitest";
import { bucketShares, compareDecimal, lastFullQuarter, metricText, topDebtors } from "./reports";
import type { DebtorAgingDto } from "../bindings/DebtorAgingDto";

describe("compareDecimal", () => {
  it("orders decimal strings exactly", () => {
    expect(compareDecimal("10.00", "9.99")).toBe(1);
    expect(compareDecimal("9.99", "10")).toBe(-1);
    expect(compareDecimal("1.5", "1.50")).toBe(0);
    expect(compareDecimal("-0.00", "0")).toBe(0);
    expect(compareDecimal("-3.00", "-2.99")).toBe(-1);
    expect(compareDecimal("-1", "0.01")).toBe(-1);
    expect(compareDecimal("12345678901234567890.01", "12345678901234567890.00")).toBe(1);
  });
});

describe("bucketShares", () => {
  it("gives each bucket its share of the total in label order", () => {
    const shares = bucketShares({ "1-30": "2000.00", current: "1000.00", "31-60": "1000.00", "60+": "0.00" }, [
      "current", "1-30", "31-60", "60+",
    ]);
    expect(shares.map((s) => s.label)).toEqual(["current", "1-30", "31-60", "60+"]);
    expect(shares.map((s) => s.percent)).toEqual([25, 50, 25, 0]);
    expect(shares[1]!.amount).toBe("2000.00");
  });
  it("gives credits and an all-zero report no width", () => {
    expect(bucketShares({ current: "-50.00", "1-30": "50.00" }, ["current", "1-30"]).map((s) => s.percent)).toEqual([0, 100]);
    expect(bucketShares({}, ["current"])).toEqual([{ label: "current", amount: "0.00", percent: 0 }]);
  });
});

describe("topDebtors", () => {
  it("keeps one currency, largest total first", () => {
    const row = (name: string, currency: string, total: string): DebtorAgingDto => ({
      debtor_id: 1, external_id: name, name, currency, buckets: {}, total,
    });
    const rows = [row("A", "EUR", "9.00"), row("B", "EUR", "10.00"), row("C", "GBP", "99.00"), row("D", "EUR", "100.00")];
    expect(topDebtors(rows, "EUR", 2).map((r) => r.name)).toEqual(["D", "B"]);
  });
});

describe("lastFullQuarter", () => {
  it("is the calendar quarter before today's", () => {
    expect(lastFullQuarter("2026-05-14")).toEqual({ from: "2026-01-01", to: "2026-03-31" });
    expect(lastFullQuarter("2026-02-01")).toEqual({ from: "2025-10-01", to: "2025-12-31" });
    expect(lastFullQuarter("2024-08-31")).toEqual({ from: "2024-04-01", to: "2024-06-30" });
    expect(lastFullQuarter("2026-12-31")).toEqual({ from: "2026-07-01", to: "2026-09-30" });
  });
});

describe("metricText", () => {
  it("shows a dash for an undefined metric", () => {
    expect(metricText(null, "days")).toBe("—");
    expect(metricText("55.00", "days")).toBe("55.00 days");
    expect(metricText("52.63", "%")).toBe("52.63 %");
  });
});
