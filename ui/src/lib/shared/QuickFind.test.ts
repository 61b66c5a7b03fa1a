import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import QuickFind from "./QuickFind.svelte";
import { MemoryBackend } from "../backend/memory";
import type { InvoiceListQuery } from "../bindings/InvoiceListQuery";
import type { InvoicePage } from "../bindings/InvoicePage";

class Finder extends MemoryBackend {
  queries: InvoiceListQuery[] = [];
  override async invoicesList(q: InvoiceListQuery): Promise<InvoicePage> {
    this.queries.push(q);
    return {
      total: 1, offset: 0,
      rows: [{
        id: 41, debtor_id: 1, debtor_name: "Müller GmbH", debtor_ref: "DE-MUE", number: "INV-100", issue_date: "2026-08-01",
        due_date: "2026-08-31", currency: "EUR", amount: "45775.00", tax: "", open: "45775.00", description: "",
        status: "overdue", disputed_on: "", dispute_reason: "", payment_reference: "",
      }],
    };
  }
}

describe("Quick find (Ctrl+K)", () => {
  it("finds debtors and invoices, moves with the arrow keys and opens with Enter", async () => {
    const backend = new Finder();
    const debtor = await backend.debtorCreate({
      kind: "company", name: "Müller GmbH", external_ref: "DE-MUE", contacts: [], address_lines: "",
      postal_code: "", city: "Berlin", country: "DE", language: "de", currency: "EUR", payment_terms_days: 30,
      credit_limit: "", tags: [], notes: "", account_manager: "",
    });
    const ondebtor = vi.fn();
    const oninvoice = vi.fn();
    const onclose = vi.fn();
    render(QuickFind, { backend, onclose, ondebtor, oninvoice });
    const input = screen.getByTestId("quickfind-input");
    await waitFor(() => expect(document.activeElement).toBe(input));
    await fireEvent.input(input, { target: { value: "muller" } });
    await waitFor(() => expect(screen.getAllByTestId("quickfind-invoice")).toHaveLength(1));
    expect(screen.getAllByTestId("quickfind-debtor")[0]!.textContent).toContain("Müller GmbH");
    expect(backend.queries.at(-1)).toMatchObject({ search: "muller", limit: 6 });
    expect(screen.getAllByRole("option")[0]!.getAttribute("aria-selected")).toBe("true");

    await fireEvent.keyDown(input, { key: "ArrowDown" });
    expect(input.getAttribute("aria-activedescendant")).toBe("quickfind-1");
    await fireEvent.keyDown(input, { key: "Enter" });
    expect(oninvoice).toHaveBeenCalledWith(41);
    await fireEvent.keyDown(input, { key: "ArrowDown" });
    await fireEvent.keyDown(input, { key: "Enter" });
    expect(ondebtor).toHaveBeenCalledWith(debtor.id);
    await fireEvent.keyDown(input, { key: "Escape" });
    expect(onclose).toHaveBeenCalled();
  });

  it("says when nothing is found", async () => {
    class Nothing extends Finder {
      override async invoicesList(q: InvoiceListQuery): Promise<InvoicePage> {
        return { total: 0, offset: q.offset, rows: [] };
      }
    }
    render(QuickFind, { backend: new Nothing(), onclose: () => {}, ondebtor: () => {}, oninvoice: () => {} });
    await fireEvent.input(screen.getByTestId("quickfind-input"), { target: { value: "zzz" } });
    expect((await screen.findByTestId("quickfind-none")).textContent).toBe("Nothing found for “zzz”.");
  });
});
