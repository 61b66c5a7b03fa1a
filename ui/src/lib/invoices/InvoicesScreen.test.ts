import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import InvoicesScreen from "./InvoicesScreen.svelte";
import { MemoryBackend } from "../backend/memory";
import type { Invoice } from "../bindings/Invoice";
import type { InvoiceDetailDto } from "../bindings/InvoiceDetailDto";
import type { InvoiceListQuery } from "../bindings/InvoiceListQuery";
import type { InvoicePage } from "../bindings/InvoicePage";

const invoice = (id: number): Invoice => ({
  id, debtor_id: 7, debtor_name: id === 1 ? "<img src=x onerror=alert(1)>Evil" : "Müller GmbH", debtor_ref: "D-7",
  number: `INV-${id}`, issue_date: "2026-01-01", due_date: "2026-01-31", currency: "EUR", amount: "100.00", tax: "",
  open: "100.00", description: "", status: "overdue", disputed_on: "", dispute_reason: "", payment_reference: "",
});

// Stands in for the Rust ledger: 120 invoices, and a dispute flag it keeps.
class InvoicesBackend extends MemoryBackend {
  queries: InvoiceListQuery[] = [];
  disputes = new Map<number, string>();
  private get(id: number): Invoice {
    const reason = this.disputes.get(id);
    return reason === undefined ? invoice(id) : { ...invoice(id), status: "disputed", disputed_on: "2026-05-14", dispute_reason: reason };
  }
  override async invoicesList(q: InvoiceListQuery): Promise<InvoicePage> {
    this.queries.push(q);
    const total = q.disputed ? this.disputes.size : 120;
    const ids = q.disputed ? [...this.disputes.keys()] : Array.from({ length: 120 }, (_, k) => k + 1);
    return { total, offset: q.offset, rows: ids.slice(q.offset, q.offset + q.limit).map((id) => this.get(id)) };
  }
  override async invoiceGet(id: number): Promise<InvoiceDetailDto> {
    return { invoice: this.get(id), allocations: [], adjustments: [], disputes: [], payment_reference: "" };
  }
  override async invoiceDispute(id: number, _date: string, reason: string): Promise<InvoiceDetailDto> {
    this.disputes.set(id, reason);
    return this.invoiceGet(id);
  }
  override async invoiceResolveDispute(id: number): Promise<InvoiceDetailDto> {
    this.disputes.delete(id);
    return this.invoiceGet(id);
  }
}

describe("Invoices screen", () => {
  it("pages, filters, and disputes an invoice", async () => {
    const backend = new InvoicesBackend();
    const { container } = render(InvoicesScreen, { backend, onchange: () => {} });
    await waitFor(() => expect(screen.getAllByTestId("invoice-row")).toHaveLength(50));
    expect(container.querySelector("img")).toBeNull();
    expect(screen.getByTestId("invoice-page").textContent).toBe("Page 1 of 3");
    await fireEvent.click(screen.getByTestId("invoice-next"));
    await waitFor(() => expect(backend.queries.at(-1)?.offset).toBe(50));

    // A filter starts again at the first page.
    await fireEvent.click(screen.getByTestId("invoice-filter-overdue"));
    await waitFor(() => expect(backend.queries.at(-1)).toMatchObject({ overdue: true, offset: 0 }));

    const second = screen.getAllByTestId("invoice-open")[1]!;
    await fireEvent.click(second);
    expect((await screen.findByTestId("invoice-number")).textContent).toBe("Invoice INV-2");
    await fireEvent.click(screen.getByTestId("invoice-dispute-open"));
    await fireEvent.click(screen.getByTestId("dispute-save"));
    expect((await screen.findByTestId("invoice-error")).textContent).toContain("Say why");
    await fireEvent.input(screen.getByTestId("dispute-reason"), { target: { value: "Goods damaged" } });
    await fireEvent.click(screen.getByTestId("dispute-save"));
    expect((await screen.findByTestId("invoice-dispute")).textContent).toContain("Goods damaged");
    expect(backend.disputes.get(2)).toBe("Goods damaged");

    await fireEvent.click(screen.getByTestId("invoice-resolve"));
    await waitFor(() => expect(screen.queryByTestId("invoice-dispute")).toBeNull());
    expect(backend.disputes.size).toBe(0);
  });

  it("is empty in the browser preview", async () => {
    render(InvoicesScreen, { backend: new MemoryBackend(), onchange: () => {} });
    expect(await screen.findByTestId("invoice-list-empty")).toBeTruthy();
  });
});

describe("an empty book", () => {
  it("says there are no invoices yet, not that the filters match nothing", async () => {
    class Empty extends MemoryBackend {
      override async invoicesList(q: InvoiceListQuery): Promise<InvoicePage> {
        return { total: 0, offset: q.offset, rows: [] };
      }
    }
    render(InvoicesScreen, { backend: new Empty(), onchange: () => {} });
    const empty = await screen.findByTestId("invoice-list-empty");
    expect(empty.textContent).toContain("No invoices yet");
    await fireEvent.click(screen.getByTestId("invoice-filter-overdue"));
    await waitFor(() => expect(screen.getByTestId("invoice-list-empty").textContent).toContain("match these filters"));
  });
});
