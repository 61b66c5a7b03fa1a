import { afterEach, describe, expect, it, vi } from "vitest";

describe("formatting", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it("falls back to a valid locale when the system reports a C locale", async () => {
    // Regression: WebKit under LANG=C reports navigator.language "C", which Intl rejects,
    // and the whole window stayed blank.
    vi.stubGlobal("navigator", { language: "C", languages: ["C"] });
    const f = await import("./format");
    expect(f.locale()).toBe("en-GB");
    expect(f.formatMoney("1234.50", "EUR")).toBe("€1,234.50");
    expect(f.formatCount(50000)).toBe("50,000");
  });

  it("formats money in the user's locale", async () => {
    vi.stubGlobal("navigator", { language: "de-DE", languages: ["de-DE"] });
    const f = await import("./format");
    expect(f.formatMoney("1234.50", "EUR").replace(/\s/g, " ")).toBe("1.234,50 €");
    expect(f.isPositive("0.00")).toBe(false);
    expect(f.isPositive("0.01")).toBe(true);
    expect(f.isPositive("-5.00")).toBe(false);
  });
});
