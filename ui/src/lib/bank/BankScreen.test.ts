import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import BankScreen from "./BankScreen.svelte";
import { MemoryBackend } from "../backend/memory";
import type { ApiError } from "../bindings/ApiError";
import type { BankAccountDto } from "../bindings/BankAccountDto";
import type { BankCsvMappingDto } from "../bindings/BankCsvMappingDto";
import type { BankCsvPreviewDto } from "../bindings/BankCsvPreviewDto";
import type { BankEntryDto } from "../bindings/BankEntryDto";
import type { BankEntryStatusDto } from "../bindings/BankEntryStatusDto";
import type { BankImportOptions } from "../bindings/BankImportOptions";
import type { BankImportProgress } from "../bindings/BankImportProgress";
import type { BankImportSummary } from "../bindings/BankImportSummary";
import type { BankMatchInput } from "../bindings/BankMatchInput";
import type { BankStatementDto } from "../bindings/BankStatementDto";
import { summaryText } from "./labels";

const entry = (id: number, over: Partial<BankEntryDto>): BankEntryDto => ({
  id, account: "DE89370400440532013000", statement_id: 1, booking_date: "2026-11-20", value_date: null,
  amount: "100.00", currency: "EUR", side: "credit", is_return: false, counterparty: "Payer", counterparty_iban: "",
  remittance: "", reference: "", end_to_end_id: "", bank_reference: "", status: "unmatched", debtor_id: null,
  debtor_name: null, payment_id: null, invoices: [], unapplied: "0.00", confidence: 0, reasons: [], location: "",
  ...over,
});

const summary: BankImportSummary = {
  format: "camt053", encoding: "UTF-8", statements: 1, entries: 4, duplicates: 0, credits: { EUR: "1700.00" },
  debits: { EUR: "950.00" }, matched: 1, suggested: 1, unmatched: 2, ignored: 0, new_accounts: ["DE89370400440532013000"],
  balance_problems: [], dry_run: false,
};

// Stands in for the Rust core: fixed entries, and the calls the screen makes.
class BankStub extends MemoryBackend {
  entries: BankEntryDto[] = [
    entry(1, {
      status: "suggested", counterparty: "<b>Beta</b> Ltd", remittance: "Invoice E2E-2 thanks", debtor_id: 2, debtor_name: "Beta Ltd",
      invoices: [{ invoice_id: 5, number: "E2E-2", amount: "400.00" }], confidence: 70, reasons: ["invoice number E2E-2 in the text"],
    }),
    entry(2, { counterparty: "Stranger", amount: "50.00" }),
    entry(3, { side: "debit", counterparty: "Landlord", amount: "950.00", remittance: "Rent November" }),
  ];
  calls: string[] = [];
  imports: BankImportOptions[] = [];
  csvNeeded = false;
  override async bankEntries(status: BankEntryStatusDto | null): Promise<BankEntryDto[]> {
    return this.entries.filter((e) => status === null || e.status === status);
  }
  override async bankAccounts(): Promise<BankAccountDto[]> {
    return [{ id: 1, account: "DE89370400440532013000", name: "Main", currency: "EUR", latest: "2026-11-20", has_csv_mapping: false }];
  }
  override async bankStatements(): Promise<BankStatementDto[]> {
    return [{
      id: 1, account: "DE89370400440532013000", format: "camt053", file_name: "nov.xml", statement_ref: "S1", period_from: "2026-11-01",
      period_to: "2026-11-20", currency: "EUR", opening: "0.00", closing: "10.00", balance_problem: "Opening 0.00 + entries 750.00 is not the closing 10.00.",
      entries: 3, duplicates: 0, credits: "150.00", debits: "950.00", matched_percent: 0, imported_at: "2026-11-22T10:00:00Z",
    }];
  }
  private set(id: number, status: BankEntryStatusDto): BankEntryDto {
    const e = this.entries.find((x) => x.id === id)!;
    e.status = status;
    return e;
  }
  override async bankAccept(id: number): Promise<BankEntryDto> {
    this.calls.push(`accept ${id}`);
    return this.set(id, "matched");
  }
  override async bankIgnore(id: number, rule: boolean): Promise<BankEntryDto[]> {
    this.calls.push(`ignore ${id} ${rule}`);
    return [this.set(id, "ignored")];
  }
  override async bankUnmatch(id: number): Promise<BankEntryDto> {
    this.calls.push(`unmatch ${id}`);
    return this.set(id, "unmatched");
  }
  override async bankMatch(id: number, input: BankMatchInput): Promise<BankEntryDto> {
    this.calls.push(`match ${id} ${JSON.stringify(input)}`);
    if (input.invoices.some((l) => l.number === "NOPE")) {
      const err: ApiError = { code: "validation", message: "invoices[1]: There is no invoice \"NOPE\".", fields: [{ field: "invoices[1]", message: "There is no invoice \"NOPE\"." }] };
      throw err;
    }
    return this.set(id, "matched");
  }
  override async bankImport(
    _name: string, _b64: string, options: BankImportOptions, _job: string, onProgress: (p: BankImportProgress) => void,
  ): Promise<BankImportSummary> {
    this.imports.push(options);
    if (this.csvNeeded && !options.csv) {
      const err: ApiError = {
        code: "validation",
        message: "bank.csv: a bank's CSV export needs a column mapping the first time",
        fields: [{ field: "csv", message: "bank.csv: a bank's CSV export needs a column mapping the first time" }],
      };
      throw err;
    }
    onProgress({ phase: "matching", done: 2, total: 4 });
    return summary;
  }
  override async bankCsvPreview(): Promise<BankCsvPreviewDto> {
    const mapping: BankCsvMappingDto = {
      date: "Buchungstag", amount: "Betrag", debit: null, credit: null, currency: null, default_currency: "EUR", counterparty: "Name",
      counterparty_iban: null, remittance: "Verwendungszweck", reference: null, value_date: null, counterparty_bic: null,
      end_to_end_id: null, direction: null, date_format: "%d.%m.%Y", decimal_comma: true,
      delimiter: ";", invert_sign: false, skip_rows: 0,
    };
    return {
      headers: ["Buchungstag", "Betrag", "Name", "Verwendungszweck"], rows: [["20.11.2026", "1.234,56", "<i>Acme</i>", "RE 1"]],
      encoding: "windows-1252", mapping, saved: false,
    };
  }
}

describe("Bank screen", () => {
  it("lists the suggestions first, as text, and accepts one in one click", async () => {
    const b = new BankStub();
    const { container } = render(BankScreen, { backend: b });
    await waitFor(() => expect(screen.getAllByTestId("bank-entry")).toHaveLength(1));
    expect(screen.getByTestId("bank-count-suggested").textContent).toBe("1");
    expect(screen.getByTestId("bank-count-unmatched").textContent).toBe("2");
    expect(screen.getByTestId("bank-count-all").textContent).toBe("3");
    const row = screen.getByTestId("bank-entry");
    expect(row.textContent).toContain("<b>Beta</b> Ltd");
    expect(container.querySelector("td b")).toBeNull();
    expect(row.textContent).toContain("E2E-2");
    expect(row.textContent).toContain("70% sure");
    expect(row.textContent).toContain("invoice number E2E-2 in the text");
    expect(screen.getByTestId("bank-statement-problem").textContent).toContain("is not the closing");

    await fireEvent.click(screen.getByTestId("entry-accept-1"));
    await waitFor(() => expect(b.calls).toEqual(["accept 1"]));
    await waitFor(() => expect(screen.getByTestId("bank-count-matched").textContent).toBe("1"));
    expect(screen.getByTestId("bank-notice").textContent).toContain("E2E-2");
  });

  it("works from the keyboard: arrows move, I ignores, U undoes", async () => {
    const b = new BankStub();
    render(BankScreen, { backend: b });
    await waitFor(() => expect(screen.getAllByTestId("bank-entry")).toHaveLength(1));
    await fireEvent.click(screen.getByTestId("bank-tab-unmatched"));
    await waitFor(() => expect(screen.getAllByTestId("bank-entry")).toHaveLength(2));
    const [first, second] = screen.getAllByTestId("bank-entry");
    first!.focus();
    await fireEvent.keyDown(first!, { key: "ArrowDown" });
    await waitFor(() => expect(document.activeElement).toBe(second));
    await fireEvent.keyDown(second!, { key: "i" });
    await waitFor(() => expect(b.calls).toEqual(["ignore 3 false"]));
    await fireEvent.click(screen.getByTestId("bank-tab-all"));
    await waitFor(() => expect(screen.getAllByTestId("bank-entry")).toHaveLength(3));
    // Enter on a suggestion accepts it; then U undoes it.
    const suggestion = screen.getAllByTestId("bank-entry").find((r) => r.dataset.entry === "1")!;
    suggestion.focus();
    await fireEvent.keyDown(suggestion, { key: "Enter" });
    await waitFor(() => expect(b.calls).toContain("accept 1"));
    await waitFor(() => expect(screen.getAllByTestId("bank-entry").find((r) => r.dataset.entry === "1")!.dataset.status).toBe("matched"));
    const matched = screen.getAllByTestId("bank-entry").find((r) => r.dataset.entry === "1")!;
    matched.focus();
    await fireEvent.keyDown(matched, { key: "u" });
    await waitFor(() => expect(b.calls).toContain("unmatch 1"));
  });

  it("splits an entry across invoices and shows the API's refusal on its line", async () => {
    const b = new BankStub();
    render(BankScreen, { backend: b });
    await fireEvent.click(await screen.findByTestId("bank-tab-unmatched"));
    await fireEvent.click(await screen.findByTestId("entry-match-2"));
    await fireEvent.input(screen.getByTestId("match-number-0"), { target: { value: "E2E-1" } });
    await fireEvent.input(screen.getByTestId("match-amount-0"), { target: { value: "30.00" } });
    await fireEvent.click(screen.getByTestId("match-add-line"));
    await fireEvent.input(screen.getByTestId("match-number-1"), { target: { value: "NOPE" } });
    await fireEvent.click(screen.getByTestId("match-save"));
    expect((await screen.findByTestId("match-error-1")).textContent).toBe("There is no invoice \"NOPE\".");
    expect(screen.queryByTestId("match-error-0")).toBeNull();
    await fireEvent.input(screen.getByTestId("match-number-1"), { target: { value: "E2E-3" } });
    await fireEvent.click(screen.getByTestId("match-save"));
    await waitFor(() => expect(screen.queryByTestId("match-dialog")).toBeNull());
    expect(b.calls.at(-1)).toBe(`match 2 ${JSON.stringify({ invoices: [{ number: "E2E-1", amount: "30.00" }, { number: "E2E-3", amount: null }], debtor_id: null })}`);
  });

  it("imports a file and says what it found", async () => {
    const b = new BankStub();
    render(BankScreen, { backend: b });
    const input = (await screen.findByTestId("bank-file")) as HTMLInputElement;
    const file = new File(["<Document/>"], "nov.xml", { type: "text/xml" });
    await fireEvent.change(input, { target: { files: [file] } });
    const line = await screen.findByTestId("bank-summary");
    expect(line.textContent).toBe(`nov.xml: ${summaryText(summary)}`);
    expect(line.textContent).toContain("4 entries (0 already imported): 1 matched, 1 suggested, 2 unmatched, 0 ignored; money in");
    expect(b.imports[0]).toEqual({ format: "auto", account: null, csv: null, dry_run: false, no_match: false });
    expect(screen.getByTestId("bank-new-account").textContent).toContain("DE89 3704 0044 0532 0130 00");
  });

  it("asks for the CSV columns when the API needs a mapping, then imports with it", async () => {
    const b = new BankStub();
    b.csvNeeded = true;
    render(BankScreen, { backend: b });
    await fireEvent.input(await screen.findByTestId("bank-account"), { target: { value: "DE89 3704 0044 0532 0130 00" } });
    const file = new File(["Buchungstag;Betrag\n"], "export.csv", { type: "text/csv" });
    await fireEvent.change(screen.getByTestId("bank-file"), { target: { files: [file] } });
    const form = await screen.findByTestId("bank-csv");
    expect(form.textContent).toContain("<i>Acme</i>");
    expect(form.querySelector("td i")).toBeNull();
    expect((screen.getByTestId("csv-date") as HTMLSelectElement).value).toBe("Buchungstag");
    await fireEvent.change(screen.getByTestId("csv-counterparty"), { target: { value: "" } });
    await fireEvent.click(screen.getByTestId("csv-import"));
    await screen.findByTestId("bank-summary");
    expect(b.imports[1]).toMatchObject({ format: "csv", account: "DE89 3704 0044 0532 0130 00", csv: { date: "Buchungstag", amount: "Betrag", counterparty: null, decimal_comma: true } });
    expect(screen.queryByTestId("bank-csv")).toBeNull();
  });

  it("says the core is needed in the browser preview", async () => {
    render(BankScreen, { backend: new MemoryBackend() });
    expect((await screen.findByTestId("bank-error")).textContent).toContain("not available");
  });
});
