import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import InvoicesScreen from "./InvoicesScreen.svelte";
import { MemoryBackend } from "../backend/memory";
import type { Invoice } from "../bindings/Invoice";
import type { InvoiceDetailDto } from "../bindings/InvoiceDetailDto";
import type { InvoiceListQuery } from "../bindings/InvoiceListQuery";
import type { InvoicePage } from "../bindings/InvoicePage";
import type { InvoiceInput } from "../bindings/InvoiceInput";

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

  it("sends the search, the sort column and its direction to the API, from the first page", async () => {
    const backend = new InvoicesBackend();
    render(InvoicesScreen, { backend, onchange: () => {} });
    await waitFor(() => expect(screen.getAllByTestId("invoice-row")).toHaveLength(50));
    await fireEvent.click(screen.getByTestId("invoice-next"));
    await fireEvent.input(screen.getByTestId("invoice-search"), { target: { value: "müller" } });
    await waitFor(() => expect(backend.queries.at(-1)).toMatchObject({ search: "müller", offset: 0, sort: "due", direction: "asc" }));
    await fireEvent.click(screen.getByTestId("invoice-sort-amount"));
    await waitFor(() => expect(backend.queries.at(-1)).toMatchObject({ sort: "amount", direction: "asc" }));
    expect(screen.getByTestId("invoice-sort-amount").closest("th")?.getAttribute("aria-sort")).toBe("ascending");
    await fireEvent.click(screen.getByTestId("invoice-sort-amount"));
    await waitFor(() => expect(backend.queries.at(-1)).toMatchObject({ sort: "amount", direction: "desc" }));
    expect(screen.getByTestId("invoice-sort-amount").closest("th")?.getAttribute("aria-sort")).toBe("descending");
  });

  it("disputes the selected invoices with one reason", async () => {
    const backend = new InvoicesBackend();
    render(InvoicesScreen, { backend, onchange: () => {} });
    await waitFor(() => expect(screen.getAllByTestId("invoice-row")).toHaveLength(50));
    const picks = screen.getAllByTestId("invoice-pick");
    await fireEvent.click(picks[2]!);
    await fireEvent.click(picks[4]!);
    expect(screen.getByTestId("invoice-bulk").textContent).toContain("2 selected");
    await fireEvent.click(screen.getByTestId("invoice-bulk-dispute"));
    await fireEvent.input(screen.getByTestId("invoice-bulk-reason"), { target: { value: "Wrong delivery address" } });
    await fireEvent.click(screen.getByTestId("invoice-bulk-save"));
    expect((await screen.findByTestId("invoice-notice")).textContent).toBe("2 invoices marked disputed.");
    expect([...backend.disputes.entries()]).toEqual([[3, "Wrong delivery address"], [5, "Wrong delivery address"]]);
    expect(screen.queryByTestId("invoice-bulk")).toBeNull();
  });

  it("adds an invoice for a debtor found by name, with the API's refusal under its field", async () => {
    class Creating extends InvoicesBackend {
      sent: InvoiceInput[] = [];
      override async invoiceCreate(input: InvoiceInput): Promise<Invoice> {
        this.sent.push(input);
        if (input.issue_date === "2026-02-31") {
          throw { code: "validation", message: "The issue date 2026-02-31 is not a date.", fields: [{ field: "issue_date", message: "The issue date 2026-02-31 is not a date." }] };
        }
        return { ...invoice(121), number: input.number, debtor_id: input.debtor_id };
      }
    }
    const backend = new Creating();
    const debtor = await backend.debtorCreate({
      kind: "company", name: "Łódź Trading", external_ref: "PL-1", contacts: [], address_lines: "",
      postal_code: "", city: "Łódź", country: "PL", language: "pl", currency: "PLN", payment_terms_days: 14,
      credit_limit: "", tags: [], notes: "", account_manager: "",
    });
    render(InvoicesScreen, { backend, onchange: () => {} });
    await fireEvent.click(screen.getByTestId("invoice-create"));
    await fireEvent.click(await screen.findByTestId("inv-save"));
    expect((await screen.findByTestId("error-inv-debtor-search")).textContent).toContain("Choose the debtor");
    expect(backend.sent).toHaveLength(0);
    await fireEvent.input(screen.getByTestId("inv-debtor-search"), { target: { value: "lodz" } });
    await fireEvent.click(await screen.findByTestId("inv-debtor-option"));
    expect((await screen.findByTestId("inv-debtor")).textContent).toContain("Łódź Trading");
    expect(screen.getByText("Amount (PLN)")).toBeTruthy();
    await fireEvent.input(screen.getByTestId("inv-number"), { target: { value: "FV/2026/7" } });
    await fireEvent.input(screen.getByTestId("inv-issue"), { target: { value: "2026-02-31" } });
    await fireEvent.input(screen.getByTestId("inv-amount"), { target: { value: "1 250,00" } });
    await fireEvent.click(screen.getByTestId("inv-save"));
    expect((await screen.findByTestId("error-inv-issue")).textContent).toContain("2026-02-31 is not a date");
    await fireEvent.input(screen.getByTestId("inv-issue"), { target: { value: "2026-02-28" } });
    await fireEvent.click(screen.getByTestId("inv-save"));
    expect((await screen.findByTestId("invoice-notice")).textContent).toBe("Invoice FV/2026/7 added.");
    expect(backend.sent.at(-1)).toMatchObject({ debtor_id: debtor.id, number: "FV/2026/7", issue_date: "2026-02-28", amount: "1 250,00", due_date: "" });
    expect(screen.queryByTestId("invoice-create-dialog")).toBeNull();
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
