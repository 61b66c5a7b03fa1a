import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import CollectionsPanel from "./CollectionsPanel.svelte";
import { MemoryBackend } from "../backend/memory";

async function debtor(backend: MemoryBackend) {
  return backend.debtorCreate({
    kind: "company", name: "Promise Ltd", external_ref: "P1", contacts: [], address_lines: "",
    postal_code: "", city: "", country: "", language: "en", currency: "EUR", payment_terms_days: 30,
    credit_limit: "", tags: [], notes: "", account_manager: "",
  });
}

describe("Collections panel", () => {
  it("records a promise, which pauses collection until its date", async () => {
    const backend = new MemoryBackend();
    const d = await debtor(backend);
    render(CollectionsPanel, { backend, debtor: d, onchange: () => {} });
    expect((await screen.findByTestId("collection-state")).textContent).toBe("Active");

    await fireEvent.click(screen.getByTestId("promise-new"));
    await fireEvent.input(screen.getByTestId("promise-amount"), { target: { value: "ten" } });
    await fireEvent.input(screen.getByTestId("promise-date"), { target: { value: "2999-12-31" } });
    await fireEvent.click(screen.getByTestId("promise-save"));
    // The error sits next to the field it is about.
    expect((await screen.findByTestId("error-promise-amount")).textContent).toContain("is not an amount");

    await fireEvent.input(screen.getByTestId("promise-amount"), { target: { value: "250.00" } });
    await fireEvent.click(screen.getByTestId("promise-save"));
    await waitFor(() => expect(screen.getByTestId("collection-state").textContent).toContain("Paused until"));
    expect(screen.getByTestId("collection-reason").textContent).toContain("promised to pay 250.00 EUR by 2999-12-31");
    expect(await screen.findAllByTestId("promise-row")).toHaveLength(1);
  });

  it("says plans need the ledger in the browser preview", async () => {
    const backend = new MemoryBackend();
    const d = await debtor(backend);
    render(CollectionsPanel, { backend, debtor: d, onchange: () => {} });
    await fireEvent.click(await screen.findByTestId("plan-new"));
    expect((await screen.findByTestId("plan-wizard")).textContent).toContain("No open invoices");
  });
});
