// Accessibility (issue 16): every control has a name a screen reader can say (a label, a
// button's text or aria-label), every image its text, and the ARIA used is valid, checked
// with axe-core on each screen as the window renders it. Contrast needs a layout engine,
// which jsdom is not: the screens' colours are checked in the window tests' screenshots.
import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import axe from "axe-core";
import { MemoryBackend } from "./backend/memory";
import DebtorsScreen from "./debtors/DebtorsScreen.svelte";
import InvoicesScreen from "./invoices/InvoicesScreen.svelte";
import CollectionsScreen from "./collections/CollectionsScreen.svelte";
import Settings from "./settings/Settings.svelte";
import Dashboard from "./dashboard/Dashboard.svelte";
import ReportsScreen from "./reports/ReportsScreen.svelte";
import type { AppInfo } from "./bindings/AppInfo";
import { emptyDebtor } from "./debtors/validation";

const info: AppInfo = {
  version: "0.1.0", backend: "sqlite", location: "/home/anna/overdue.db", debtors: 1, invoices: 0,
  payments: 0, today: "2026-11-22", offer_demo: false,
};

async function violations(container: HTMLElement): Promise<string[]> {
  const result = await axe.run(container, {
    runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    rules: { "color-contrast": { enabled: false } },
  });
  return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(" ")} (${v.help})`));
}

async function book(): Promise<MemoryBackend> {
  const b = new MemoryBackend();
  const contact = { name: "Jiri", role: "", email: "jiri@dvorak.cz", phone: "" };
  await b.debtorCreate({ ...emptyDebtor(), name: "Dvořák s.r.o.", external_ref: "D1", contacts: [contact] });
  return b;
}

describe("every screen names its controls", () => {
  it("the check finds an unnamed button and an unlabelled field", async () => {
    const bad = document.createElement("div");
    bad.innerHTML = '<button></button><input type="text"><img src="x.png">';
    document.body.appendChild(bad);
    const found = await violations(bad);
    expect(found.some((v) => v.startsWith("button-name"))).toBe(true);
    expect(found.some((v) => v.startsWith("label"))).toBe(true);
    expect(found.some((v) => v.startsWith("image-alt"))).toBe(true);
    bad.remove();
  });

  it("the debtors screen, its detail and its form", async () => {
    const { container } = render(DebtorsScreen, { backend: await book(), onchange: () => {} });
    await waitFor(() => screen.getAllByTestId("debtor-row"));
    expect(await violations(container)).toEqual([]);
    await fireEvent.click(screen.getAllByTestId("debtor-row")[0]!);
    await screen.findByTestId("detail-name");
    expect(await violations(container)).toEqual([]);
    await fireEvent.click(screen.getByTestId("debtor-new"));
    await screen.findByTestId("debtor-save");
    expect(await violations(container)).toEqual([]);
  });

  it("the invoices screen", async () => {
    const { container } = render(InvoicesScreen, { backend: await book(), onchange: () => {} });
    await waitFor(() => screen.getByTestId("invoice-search"));
    expect(await violations(container)).toEqual([]);
  });

  it("collections: the run and the templates", async () => {
    const { container } = render(CollectionsScreen, { backend: await book(), today: "2026-11-22" });
    await waitFor(() => screen.getByTestId("run-preview"));
    expect(await violations(container)).toEqual([]);
    await fireEvent.click(screen.getByTestId("tab-templates"));
    await screen.findByTestId("template-body");
    expect(await violations(container)).toEqual([]);
  });

  it("settings", async () => {
    const { container } = render(Settings, { backend: await book(), info, onchanged: vi.fn() });
    await waitFor(() => screen.getByTestId("lh-save"));
    expect(await violations(container)).toEqual([]);
  });

  it("the dashboard and the reports", async () => {
    const b = await book();
    const dash = render(Dashboard, { backend: b, info, onopen: vi.fn(), ongo: vi.fn() });
    await waitFor(() => screen.getByTestId("dashboard-work"));
    expect(await violations(dash.container)).toEqual([]);
    dash.unmount();
    const reports = render(ReportsScreen, { backend: b });
    await waitFor(() => expect(reports.container.textContent).not.toBe(""));
    expect(await violations(reports.container)).toEqual([]);
  });
});
