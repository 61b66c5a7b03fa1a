// An in-memory Backend: the same contract as the Rust API (validation, duplicate
// references, paging, search, sorting), for component tests and for running the UI in a
// plain browser. Amounts stay decimal strings; sums are done in integer cents.
import type { Backend } from "./backend";
import type { AppInfo } from "../bindings/AppInfo";
import type { BookMoved } from "../bindings/BookMoved";
import type { ApiError } from "../bindings/ApiError";
import type { DatabaseTarget } from "../bindings/DatabaseTarget";
import type { Debtor } from "../bindings/Debtor";
import type { DebtorInput } from "../bindings/DebtorInput";
import type { DebtorListQuery } from "../bindings/DebtorListQuery";
import type { DebtorPage } from "../bindings/DebtorPage";
import type { DebtorRow } from "../bindings/DebtorRow";
import type { DemoRequest } from "../bindings/DemoRequest";
import type { DemoSummary } from "../bindings/DemoSummary";
import type { InvoiceListQuery } from "../bindings/InvoiceListQuery";
import type { InvoicePage } from "../bindings/InvoicePage";
import type { InvoiceDetailDto } from "../bindings/InvoiceDetailDto";
import type { PaymentInput } from "../bindings/PaymentInput";
import type { PaymentResult } from "../bindings/PaymentResult";
import type { AgingQuery } from "../bindings/AgingQuery";
import type { AgingReportDto } from "../bindings/AgingReportDto";
import type { MetricsReportDto } from "../bindings/MetricsReportDto";
import type { CreditCalcResult } from "../bindings/CreditCalcResult";
import type { StatementDto } from "../bindings/StatementDto";
import type { Invoice } from "../bindings/Invoice";
import type { InvoiceInput } from "../bindings/InvoiceInput";
import type { AdjustmentInput } from "../bindings/AdjustmentInput";
import type { MergeFieldDto } from "../bindings/MergeFieldDto";
import type { DashboardDto } from "../bindings/DashboardDto";
import type { FieldErrorDto } from "../bindings/FieldErrorDto";
import type { SetupStatusDto } from "../bindings/SetupStatusDto";
import type { PaymentPreviewDto } from "../bindings/PaymentPreviewDto";
import type { TimelineEntryDto } from "../bindings/TimelineEntryDto";
import type { DebtorCreditDto } from "../bindings/DebtorCreditDto";
import type { CreditAlertsDto } from "../bindings/CreditAlertsDto";
import type { CreditPolicyDto } from "../bindings/CreditPolicyDto";
import type { CreditInputsDto } from "../bindings/CreditInputsDto";
import type { ImportKind } from "../bindings/ImportKind";
import type { ImportOptions } from "../bindings/ImportOptions";
import type { ImportPreview } from "../bindings/ImportPreview";
import type { ImportProgress } from "../bindings/ImportProgress";
import type { ImportSummary } from "../bindings/ImportSummary";
import type { StagedFile } from "../bindings/StagedFile";
import type { ExportRequest } from "../bindings/ExportRequest";
import type { ExportFormat } from "../bindings/ExportFormat";
import type { ExportDone } from "../bindings/ExportDone";
import type { InterestPrint } from "../bindings/InterestPrint";
import type { SavedPdf } from "../bindings/SavedPdf";
import type { AgreementKind } from "../bindings/AgreementKind";
import type { AgingDrillDto } from "../bindings/AgingDrillDto";
import type { DunningRunRequest } from "../bindings/DunningRunRequest";
import type { DunningRunResult } from "../bindings/DunningRunResult";
import type { RunDigest } from "../bindings/RunDigest";
import type { DailyRunDto } from "../bindings/DailyRunDto";
import type { DailyRunInput } from "../bindings/DailyRunInput";
import type { DunningActionDto } from "../bindings/DunningActionDto";
import type { DunningEscalate } from "../bindings/DunningEscalate";
import type { DunningTaskDone } from "../bindings/DunningTaskDone";
import type { DunningPolicyDto } from "../bindings/DunningPolicyDto";
import type { DunningDebtorPolicy } from "../bindings/DunningDebtorPolicy";
import type { DunningBounceInput } from "../bindings/DunningBounceInput";
import type { DunningBounceResult } from "../bindings/DunningBounceResult";
import { validatePolicy } from "../collections/policyEditor";
import type { DunningTemplateDto } from "../bindings/DunningTemplateDto";
import type { DunningTemplatePreview } from "../bindings/DunningTemplatePreview";
import type { DunningMessage } from "../bindings/DunningMessage";
import type { DunningSentMessage } from "../bindings/DunningSentMessage";
import type { DunningSettings } from "../bindings/DunningSettings";
import type { SmtpSettings } from "../bindings/SmtpSettings";
import type { SmtpSettingsInput } from "../bindings/SmtpSettingsInput";
import type { TestEmailResult } from "../bindings/TestEmailResult";
import type { LateFeePolicyDto } from "../bindings/LateFeePolicyDto";
import type { DebtorLateFeeDto } from "../bindings/DebtorLateFeeDto";
import type { DebtorInterestDto } from "../bindings/DebtorInterestDto";
import type { ChargeDto } from "../bindings/ChargeDto";
import type { RateImportDto } from "../bindings/RateImportDto";
import type { LimitationReportDto } from "../bindings/LimitationReportDto";
import type { AgencyDto } from "../bindings/AgencyDto";
import type { AgencyInput } from "../bindings/AgencyInput";
import type { AgencyCaseDto } from "../bindings/AgencyCaseDto";
import type { AgencyUpdateInput } from "../bindings/AgencyUpdateInput";
import type { AgencyReportDto } from "../bindings/AgencyReportDto";
import type { CollectedDto } from "../bindings/CollectedDto";
import type { CollectedInput } from "../bindings/CollectedInput";
import type { HandoverDto } from "../bindings/HandoverDto";
import type { HandoverRequest } from "../bindings/HandoverRequest";
import type { CourtClaimDto } from "../bindings/CourtClaimDto";
import type { CourtClaimRequest } from "../bindings/CourtClaimRequest";
import type { CourtStatusInput } from "../bindings/CourtStatusInput";
import type { LegalCostInput } from "../bindings/LegalCostInput";
import type { RateRowDto } from "../bindings/RateRowDto";
import type { RateRowInput } from "../bindings/RateRowInput";
import type { PlanInput } from "../bindings/PlanInput";
import type { PlanPreview } from "../bindings/PlanPreview";
import type { PaymentPlanDto } from "../bindings/PaymentPlanDto";
import type { PromiseInput } from "../bindings/PromiseInput";
import type { PromiseDto } from "../bindings/PromiseDto";
import type { SettlementInput } from "../bindings/SettlementInput";
import type { SettlementDto } from "../bindings/SettlementDto";
import type { HoldInput } from "../bindings/HoldInput";
import type { HoldDto } from "../bindings/HoldDto";
import type { CollectionStateDto } from "../bindings/CollectionStateDto";
import { validateDebtor } from "../debtors/validation";
import { MemoryCollections } from "./memory-collections";
import { MemoryLetters } from "./memory-letters";
import { bankUnavailable } from "./memory-bank";
import type { BankAccountDto } from "../bindings/BankAccountDto";
import type { BankCsvPreviewDto } from "../bindings/BankCsvPreviewDto";
import type { BankEntryDto } from "../bindings/BankEntryDto";
import type { BankIgnoreRuleDto } from "../bindings/BankIgnoreRuleDto";
import type { BankImportSummary } from "../bindings/BankImportSummary";
import type { BankImportOptions } from "../bindings/BankImportOptions";
import type { BankImportProgress } from "../bindings/BankImportProgress";
import type { BankEntryStatusDto } from "../bindings/BankEntryStatusDto";
import type { BankMatchInput } from "../bindings/BankMatchInput";
import type { BankSettingsDto } from "../bindings/BankSettingsDto";
import type { BankStatementDto } from "../bindings/BankStatementDto";
import type { LetterRequest } from "../bindings/LetterRequest";
import type { LetterheadDto } from "../bindings/LetterheadDto";
import type { JobProgress } from "../bindings/JobProgress";
import type { SignedInDto } from "../bindings/SignedInDto";
import type { StaffDto } from "../bindings/StaffDto";
import type { StaffAdded } from "../bindings/StaffAdded";
import type { AuditEntryDto } from "../bindings/AuditEntryDto";
import type { AuditVerifyDto } from "../bindings/AuditVerifyDto";

interface Stored {
  debtor: Debtor;
  openCents: number;
  overdueCents: number;
}

const fold = (s: string) =>
  s
    .toLowerCase()
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/ł/g, "l")
    .replace(/ø/g, "o")
    .replace(/ı/g, "i")
    .replace(/ß/g, "ss");

const cents = (n: number) => `${Math.trunc(n / 100)}.${String(Math.abs(n % 100)).padStart(2, "0")}`;

function fail(code: ApiError["code"], message: string, fields?: ApiError["fields"]): never {
  const error: ApiError = fields ? { code, message, fields } : { code, message };
  throw error;
}

export class MemoryBackend implements Backend {
  private rows: Stored[] = [];
  private nextId = 1;
  private demoOffered: boolean;
  private listeners: ((info: AppInfo) => void)[] = [];
  private location = "memory";

  constructor(options: { demo?: boolean } = {}) {
    this.demoOffered = !options.demo;
  }

  async appInfo(): Promise<AppInfo> {
    return {
      version: "0.1.0",
      backend: "sqlite",
      location: this.location,
      debtors: this.rows.length,
      invoices: 0,
      payments: 0,
      today: new Date().toISOString().slice(0, 10),
      offer_demo: !this.demoOffered && this.rows.length === 0,
    };
  }

  async startupNotice(): Promise<string | null> {
    return null;
  }

  async debtorsList(q: DebtorListQuery): Promise<DebtorPage> {
    const terms = fold(q.search).split(/[^\p{L}\p{N}]+/u).filter((t) => t !== "");
    let rows = this.rows.filter((r) => q.include_archived || !r.debtor.archived);
    if (terms.length > 0) {
      rows = rows.filter((r) => {
        const i = r.debtor;
        const words = fold(
          [i.name, i.external_ref, i.city, ...i.contacts.map((c) => c.email.replace(/[@.]/g, " "))].join(" "),
        ).split(/[^\p{L}\p{N}]+/u);
        return terms.every((t) => words.some((w) => w.startsWith(t)));
      });
    }
    const key = (r: Stored): string | number => {
      switch (q.sort) {
        case "reference":
          return r.debtor.external_ref.toLowerCase();
        case "city":
          return r.debtor.city.toLowerCase();
        case "country":
          return r.debtor.country;
        case "open_balance":
          return r.openCents;
        case "overdue_balance":
          return r.overdueCents;
        default:
          return r.debtor.name.toLowerCase();
      }
    };
    const dir = q.direction === "desc" ? -1 : 1;
    rows = [...rows].sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      return (ka < kb ? -1 : ka > kb ? 1 : a.debtor.id - b.debtor.id) * dir;
    });
    const limit = q.limit === 0 ? 100 : Math.min(q.limit, 1000);
    return {
      total: rows.length,
      offset: q.offset,
      rows: rows.slice(q.offset, q.offset + limit).map((r) => this.row(r)),
    };
  }

  private row(r: Stored): DebtorRow {
    const d = r.debtor;
    return {
      id: d.id,
      kind: d.kind,
      name: d.name,
      external_ref: d.external_ref,
      city: d.city,
      country: d.country,
      email: d.contacts[0]?.email ?? "",
      currency: d.currency,
      open_balance: cents(r.openCents),
      overdue_balance: cents(r.overdueCents),
      archived: d.archived,
      score: null,
      risk_flags: [],
    };
  }

  private find(id: number): Stored {
    const r = this.rows.find((x) => x.debtor.id === id);
    if (!r) fail("not_found", `Debtor ${id} was not found`);
    return r;
  }

  private check(input: DebtorInput, id: number | null): DebtorInput {
    const errors = validateDebtor(input);
    if (errors.length > 0) {
      fail("validation", errors.length === 1 ? errors[0]!.message : `${errors.length} fields need attention.`, errors);
    }
    const ref = input.external_ref.trim();
    if (ref !== "" && this.rows.some((r) => r.debtor.external_ref === ref && r.debtor.id !== id)) {
      fail("duplicate", `Reference "${ref}" is already used by another record`);
    }
    return {
      ...input,
      name: input.name.trim(),
      external_ref: ref,
      country: input.country.trim().toUpperCase(),
      currency: input.currency.trim().toUpperCase(),
      contacts: input.contacts.filter((c) => c.name || c.email || c.phone),
    };
  }

  async debtorGet(id: number): Promise<Debtor> {
    return structuredClone(this.find(id).debtor);
  }

  // The test double's check (the window asks the Rust core's debtor_check).
  async debtorCheck(input: DebtorInput): Promise<FieldErrorDto[]> {
    return validateDebtor(input);
  }
  async dunningPolicyCheck(policy: DunningPolicyDto): Promise<FieldErrorDto[]> {
    return Object.entries(validatePolicy(policy)).map(([field, message]) => ({ field, message }));
  }
  async debtorCreate(input: DebtorInput, balances: [number, number] = [0, 0]): Promise<Debtor> {
    const clean = this.check(input, null);
    const now = new Date().toISOString();
    const debtor: Debtor = { ...clean, id: this.nextId++, archived: false, created_at: now, updated_at: now, version: 0 };
    this.rows.push({ debtor, openCents: balances[0], overdueCents: balances[1] });
    return structuredClone(debtor);
  }

  async debtorUpdate(id: number, input: DebtorInput): Promise<Debtor> {
    const stored = this.find(id);
    const clean = this.check(input, id);
    stored.debtor = { ...stored.debtor, ...clean, updated_at: new Date().toISOString(), version: stored.debtor.version + 1 };
    return structuredClone(stored.debtor);
  }

  async debtorSetArchived(id: number, archived: boolean): Promise<Debtor> {
    const stored = this.find(id);
    stored.debtor = { ...stored.debtor, archived };
    return structuredClone(stored.debtor);
  }

  async demoLoad(request: DemoRequest): Promise<DemoSummary> {
    const cities: [string, string, string][] = [
      ["Łódź", "PL", "PLN"], ["København", "DK", "DKK"], ["İstanbul", "TR", "TRY"], ["Praha", "CZ", "CZK"],
      ["München", "DE", "EUR"], ["London", "GB", "GBP"], ["Oslo", "NO", "NOK"],
    ];
    const names = ["Łukasiewicz", "Øster", "Şahin", "Dvořák", "Müller", "Smith", "Håland"];
    for (let k = 0; k < request.debtors; k++) {
      const [city, country, currency] = cities[k % cities.length]!;
      const open = ((k * 7919) % 500000) + 100;
      await this.debtorCreate(
        {
          kind: "company",
          name: `${names[k % names.length]} Trading ${k + 1}`,
          external_ref: `D-${String(k + 1).padStart(6, "0")}`,
          contacts: [{ name: "Accounts", role: "", email: `ap${k}@example.com`, phone: "" }],
          address_lines: "Main Street 1",
          postal_code: "1000",
          city,
          country,
          language: "en",
          currency,
          payment_terms_days: 30,
          credit_limit: "10000.00",
          tags: [],
          notes: "",
          account_manager: "",
        },
        [open, k % 3 === 0 ? open : 0],
      );
    }
    this.demoOffered = true;
    return { debtors: request.debtors, invoices: 0, payments: 0, reminders: 0, letterhead: false };
  }

  async demoDecline(): Promise<void> {
    this.demoOffered = true;
  }

  async databaseConfigure(target: DatabaseTarget): Promise<AppInfo> {
    this.location = target.kind === "sqlite" ? target.path : target.url;
    const info = await this.appInfo();
    this.listeners.forEach((l) => l(info));
    return info;
  }

  async databasePick(_create: boolean): Promise<AppInfo | null> {
    return null;
  }

  // The copy is the Rust store's, between two real databases: the browser preview has no
  // server to move to.
  async bookMoveToServer(_url: string, _password: string): Promise<BookMoved> {
    fail("invalid_input", "Moving a book needs Overdue's desktop app and a PostgreSQL server; the browser preview has neither.");
  }

  async onDatabaseChanged(callback: (info: AppInfo) => void): Promise<() => void> {
    this.listeners.push(callback);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== callback);
    };
  }

  // The calculators are the Rust engine's (exact decimals, rate tables as data); the
  // browser preview has no engine, so it says so instead of approximating.
  private noEngine(): never {
    fail("internal", "The calculators need the desktop app: the browser preview has no calculation engine.");
  }
  async calcInterest(): Promise<never> {
    this.noEngine();
  }
  async calcPlan(): Promise<never> {
    this.noEngine();
  }
  async calcScore(): Promise<never> {
    this.noEngine();
  }
  async calcCredit(): Promise<never> {
    this.noEngine();
  }

  // The ledger (allocation, balances as of a date, aging, metrics) is the Rust engine's;
  // the browser preview holds no invoices, so lists are empty and reports have no rows.
  async invoicesList(q: InvoiceListQuery): Promise<InvoicePage> {
    return { total: 0, offset: q.offset, rows: [] };
  }
  async invoiceGet(id: number): Promise<InvoiceDetailDto> {
    fail("not_found", `Invoice ${id} was not found`);
  }
  async invoiceDispute(id: number, _date: string, _reason: string): Promise<InvoiceDetailDto> {
    fail("not_found", `Invoice ${id} was not found`);
  }
  async invoiceAdjust(input: AdjustmentInput): Promise<InvoiceDetailDto> {
    fail("not_found", `Invoice ${input.invoice_id} was not found`);
  }
  async invoicesPrint(_ids: number[]): Promise<SavedPdf | null> {
    return null;
  }
  async invoiceResolveDispute(id: number, _date: string): Promise<InvoiceDetailDto> {
    fail("not_found", `Invoice ${id} was not found`);
  }
  async paymentRecord(_input: PaymentInput): Promise<PaymentResult> {
    fail("internal", "Payments need the desktop app: the browser preview has no ledger.");
  }
  async reportAging(q: AgingQuery): Promise<AgingReportDto> {
    const bounds = (q.buckets.trim() || "30,60,90").split(",").map((b) => Number(b.trim()));
    if (bounds.some((b) => !Number.isInteger(b) || b <= 0)) fail("invalid_input", `Bad bucket bounds "${q.buckets}".`);
    const labels = q.by === "due" ? ["current"] : [];
    let lower = q.by === "due" ? 1 : 0;
    for (const b of bounds) {
      labels.push(`${lower}-${b}`);
      lower = b + 1;
    }
    labels.push(`${bounds[bounds.length - 1]}+`);
    const today = (await this.appInfo()).today;
    return { as_of: q.as_of.trim() || today, by: q.by, labels, currencies: {}, debtors: [] };
  }
  async reportMetrics(from: string, to: string): Promise<MetricsReportDto> {
    const days = Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1;
    if (!Number.isFinite(days) || days < 1) fail("invalid_input", "The period ends before it starts.");
    return { from, to, days, currencies: {} };
  }

  async reportStatement(debtorId: number, from: string, to: string): Promise<StatementDto> {
    const d = this.find(debtorId).debtor;
    return {
      debtor_id: d.id, external_id: d.external_ref, name: d.name, currency: d.currency, from, to,
      opening_balance: "0.00", lines: [], closing_balance: "0.00",
    };
  }
  async invoiceCreate(_input: InvoiceInput): Promise<Invoice> {
    fail("internal", "Invoices need the desktop app: the browser preview has no ledger.");
  }
  async paymentPreview(input: PaymentInput): Promise<PaymentPreviewDto> {
    const d = this.find(input.debtor_id).debtor;
    return { currency: d.currency, lines: [], unapplied: input.amount };
  }
  async debtorTimeline(debtorId: number): Promise<TimelineEntryDto[]> {
    this.find(debtorId);
    return [];
  }
  private policy: CreditPolicyDto = {
    bands: [
      { min_score: 80, limit_factor_percent: "100" },
      { min_score: 50, limit_factor_percent: "50" },
      { min_score: 1, limit_factor_percent: null },
    ],
    tolerance_days: 30,
    unscored_limit_factor_percent: "100",
  };
  async creditOf(debtorId: number, asOf: string): Promise<DebtorCreditDto> {
    const d = this.find(debtorId).debtor;
    return {
      debtor_id: d.id, external_ref: d.external_ref, name: d.name,
      as_of: asOf || (await this.appInfo()).today, currency: d.currency,
      score: {
        score: null, status: "UN", weighted_index: null, weighted_dbt: null, experiences: 0, band: null,
        band_range: null, band_meaning: null, summary: "No payment history yet.", details: [], biggest_effects: [], lines: [],
      },
      history: [], open: "0.00", oldest_days_past_due: null, check: null, alerts: [], alert_kinds: [],
      policy: this.policy, own_policy: false,
      inputs: { external_rating: "", trade_references: "", notes: "", policy: null },
    };
  }
  async creditCheck(_debtorId: number, _amount: string): Promise<CreditCalcResult> {
    this.noEngine();
  }
  async creditAlerts(_limit: number): Promise<CreditAlertsDto> {
    return { over_limit: 0, past_tolerance: 0, score_dropped: 0, debtors: [], scored_on: null };
  }
  async creditPolicy(): Promise<CreditPolicyDto> {
    return structuredClone(this.policy);
  }
  async creditPolicySet(policy: CreditPolicyDto): Promise<CreditPolicyDto> {
    if (policy.bands.length === 0) fail("invalid_input", "A credit policy needs at least one score band.");
    this.policy = structuredClone(policy);
    return structuredClone(policy);
  }
  async creditInputsSet(debtorId: number, _inputs: CreditInputsDto): Promise<DebtorCreditDto> {
    return this.creditOf(debtorId, "");
  }
  async creditRefresh(): Promise<number> {
    return 0;
  }
  async onCreditRefreshed(_callback: () => void): Promise<() => void> {
    return () => {};
  }
  // One user in the browser preview: nobody else changes the book.
  async onBookChanged(_callback: (table: string) => void): Promise<() => void> {
    return () => {};
  }

  // Import checks and writes are the Rust engine's; the preview shows the file's shape only.
  private staged: { name: string; text: string } | null = null;
  async importStage(fileName: string, contentBase64: string): Promise<StagedFile> {
    const text = atob(contentBase64);
    this.staged = { name: fileName, text };
    return { file_name: fileName, bytes: text.length };
  }
  async importPreview(kind: ImportKind, _options: ImportOptions): Promise<ImportPreview> {
    if (!this.staged) fail("invalid_input", "Choose a file to import first.");
    const lines = this.staged.text.split(/\r?\n/).filter((l) => l !== "");
    const headers = (lines[0] ?? "").split(",");
    return {
      kind, file_name: this.staged.name, source_headers: headers,
      mapping: headers.map((h) => ({ column: h, source: h, required: false })),
      delimiter: ",", encoding: "UTF-8", repeated_rows: [], columns: headers, sample: lines.slice(1, 21).map((l) => l.split(",")),
      rows: lines.length - 1, would_import: lines.length - 1, would_skip: 0, problems: null,
    };
  }
  async importRun(kind: ImportKind, _options: ImportOptions, onProgress: (p: ImportProgress) => void): Promise<ImportSummary> {
    onProgress({ phase: "done", done: 0, total: 0 });
    fail("internal", `Importing ${kind} needs the desktop app: the browser preview has no ledger.`);
  }
  async exportSave(_request: ExportRequest, _format: ExportFormat): Promise<ExportDone | null> {
    return null;
  }
  async interestPdfSave(_what: InterestPrint): Promise<SavedPdf | null> {
    return null;
  }
  async statementSave(_debtorId: number, _from: string, _to: string): Promise<SavedPdf | null> {
    return null;
  }
  async agreementSave(_debtorId: number, _kind: AgreementKind, _id: number | null): Promise<SavedPdf | null> {
    return null;
  }
  async reportAgingInvoices(q: AgingQuery, currency: string, label: string, _debtorId: number | null): Promise<AgingDrillDto> {
    return { as_of: q.as_of, currency, label, invoices: [], count: 0, interest_rows: 0, total: "0.00" };
  }

  // Dunning: a simplified run (every debtor with an overdue balance gets the reminder,
  // once), the same validation and error shapes as the Rust API.
  private outbox: DunningActionDto[] = [];
  private templates: DunningTemplateDto[] = [
    {
      key: "reminder",
      language: "en",
      subject: "Payment reminder: {{ total }} {{ currency }} overdue",
      body: "Dear {{ contact.name }},\n\nplease pay {{ total }} {{ currency }}.\n\n{{ sender.name }}",
      shipped: true,
      version: 0,
    },
  ];
  private smtp: SmtpSettings | null = null;
  private dunning: DunningSettings = {
    sender: { name: "", email: "", phone: "", address: "" },
    payment: { account_holder: "", bank_name: "", iban: "", bic: "", account: "", reference: "" },
    interest_jurisdiction: "",
    run_time: "",
    auto_send: false,
  };

  private static readonly mergeRoots = new Set([
    "debtor", "contact", "invoices", "total", "currency", "interest", "grand_total",
    "payment", "deadline", "sender", "level", "as_of", "loop", "i", "invoice",
  ]);

  private render(text: string, d: Debtor, total: string): string {
    return text.replace(/\{\{\s*([a-z_.]+)\s*\}\}/g, (_m, path: string) => {
      const values: Record<string, string> = {
        "total": total,
        "currency": d.currency,
        "debtor.name": d.name,
        "contact.name": d.contacts[0]?.name ?? "",
        "sender.name": this.dunning.sender.name,
      };
      return values[path] ?? "";
    });
  }

  async dunningRun(req: DunningRunRequest): Promise<DunningRunResult> {
    const asOf = req.as_of || new Date().toISOString().slice(0, 10);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) {
      fail("validation", `"${asOf}" is not a date: write YYYY-MM-DD.`, [
        { field: "as_of", message: `"${asOf}" is not a date: write YYYY-MM-DD.` },
      ]);
    }
    const template = this.templates.find((t) => t.key === "reminder")!;
    const actions: DunningActionDto[] = [];
    const due = this.rows.filter(
      (r) =>
        !r.debtor.archived &&
        r.overdueCents > 0 &&
        (req.account_manager === "" || r.debtor.account_manager === req.account_manager) &&
        (req.debtor_ids.length === 0 || req.debtor_ids.includes(r.debtor.id)) &&
        !this.outbox.some((a) => a.debtor_id === r.debtor.id && a.status === "sent"),
    );
    if (req.mode === "send" && due.length > 0 && this.smtp === null) {
      fail("invalid_input", "Email is not set up: enter the SMTP server in Settings first.");
    }
    for (const r of due) {
      const d = r.debtor;
      const total = cents(r.overdueCents);
      const email = d.contacts.find((c) => c.email)?.email ?? "";
      const action: DunningActionDto = {
        id: req.mode === "preview" ? null : this.outbox.length + 1,
        debtor_id: d.id,
        debtor: d.external_ref || `#${d.id}`,
        debtor_name: d.name,
        account_manager: d.account_manager,
        level: 2,
        level_name: "Reminder",
        channel: "email",
        cycle: 1,
        invoices: [],
        amount: total,
        currency: d.currency,
        status: req.mode === "send" ? (email ? "sent" : "failed") : "planned",
        recipient: email,
        subject: this.render(template.subject, d, total),
        body: this.render(template.body, d, total),
        deadline: "",
        message_id: req.mode === "send" && email ? `dunning.${this.outbox.length + 1}@memory` : "",
        error: req.mode === "send" && !email ? "the debtor has no contact with an email address" : "",
        note: "",
        as_of: asOf,
        bounce: "",
      };
      if (req.mode !== "preview") {
        this.outbox = this.outbox.filter((a) => a.debtor_id !== d.id || a.status === "sent");
        this.outbox.push(action);
      }
      actions.push(action);
    }
    return { as_of: asOf, mode: req.mode, actions, skipped: [], reconciled: [], warnings: [] };
  }
  async dunningActions(debtorId: number | null, states: string[]): Promise<DunningActionDto[]> {
    return this.outbox
      .filter((a) => (debtorId === null || a.debtor_id === debtorId) && (states.length === 0 || states.includes(a.status)))
      .reverse();
  }
  async dunningWorklist(accountManager: string): Promise<DunningActionDto[]> {
    return this.outbox.filter(
      (a) => a.channel !== "email" && a.note === "" && (accountManager === "" || a.account_manager === accountManager),
    );
  }
  async dunningEscalate(_input: DunningEscalate): Promise<DunningActionDto> {
    this.noEngine();
  }

  async dunningTaskDone(input: DunningTaskDone): Promise<void> {
    if (input.outcome.trim() === "") fail("validation", "Say what came of it.", [{ field: "outcome", message: "Say what came of it." }]);
    const a = this.outbox.find((x) => x.id === input.action_id);
    if (!a) fail("not_found", `Dunning action ${input.action_id} was not found`);
    a.note = input.outcome.trim();
  }
  private dunningPolicyList: DunningPolicyDto[] = (() => {
    const level = (number: number, name: string, trigger_days: number, channel: string, template: string) => ({
      number, name, trigger_days, min_open: "", min_open_currency: "", audience: "all", channel, template,
      wait_days: 7, deadline_days: number === 4 ? 10 : 0, attach_letter: false, attach_statement: false,
    });
    return [{
      id: 1, name: "Standard", is_default: true, version: 0,
      levels: [
        level(1, "Friendly reminder", -3, "email", "friendly_reminder"),
        level(2, "Reminder", 7, "email", "reminder"),
        level(3, "Second reminder", 21, "email", "second_reminder"),
        level(4, "Final demand", 35, "email", "final_demand"),
        level(5, "Call", 45, "call", ""),
        level(6, "Legal review", 60, "legal", ""),
      ],
    }];
  })();
  private dunningAssigned = new Map<number, number>();
  async dunningPolicies(): Promise<DunningPolicyDto[]> {
    const list = structuredClone(this.dunningPolicyList);
    return [...list.filter((p) => p.is_default), ...list.filter((p) => !p.is_default)];
  }
  private dunningPolicyById(id: number): DunningPolicyDto {
    const p = this.dunningPolicyList.find((x) => x.id === id);
    if (!p) fail("not_found", `Policy ${id} was not found.`);
    return p;
  }
  async dunningPolicySave(policy: DunningPolicyDto): Promise<DunningPolicyDto> {
    const errors = Object.entries(validatePolicy(policy)).map(([field, message]) => ({ field, message }));
    if (errors.length > 0) fail("validation", errors.length === 1 ? errors[0]!.message : `${errors.length} fields need attention.`, errors);
    const name = policy.name.trim();
    if (this.dunningPolicyList.some((p) => p.name === name && p.id !== policy.id)) {
      fail("duplicate", `policy name "${name}" is already used by another record`);
    }
    const levels = structuredClone(policy.levels).map((l) => ({ ...l, name: l.name.trim(), template: l.template.trim() }));
    if (policy.id === 0) {
      const id = Math.max(0, ...this.dunningPolicyList.map((p) => p.id)) + 1;
      this.dunningPolicyList.push({ id, name, is_default: false, levels, version: 0 });
      return structuredClone(this.dunningPolicyById(id));
    }
    const p = this.dunningPolicyById(policy.id);
    p.name = name;
    p.levels = levels;
    return structuredClone(p);
  }
  async dunningPolicyDelete(id: number): Promise<void> {
    const p = this.dunningPolicyById(id);
    if (p.is_default) fail("invalid_input", `"${p.name}" is the default policy: make another policy the default before deleting it.`);
    const followers = [...this.dunningAssigned.values()].filter((x) => x === id).length;
    if (followers > 0) fail("invalid_input", `${followers} debtor(s) follow "${p.name}": assign them another policy before deleting it.`);
    this.dunningPolicyList = this.dunningPolicyList.filter((x) => x.id !== id);
  }
  async dunningPolicySetDefault(id: number): Promise<DunningPolicyDto> {
    const p = this.dunningPolicyById(id);
    this.dunningPolicyList.forEach((x) => (x.is_default = x.id === id));
    return structuredClone(p);
  }
  async dunningDebtorPolicy(debtorId: number): Promise<DunningDebtorPolicy> {
    this.find(debtorId);
    const own = this.dunningAssigned.get(debtorId);
    const policy = this.dunningPolicyList.find((p) => (own === undefined ? p.is_default : p.id === own)) ?? null;
    return { debtor_id: debtorId, assigned: own !== undefined, policy: structuredClone(policy) };
  }
  async dunningAssignPolicy(debtorId: number, policyId: number | null): Promise<void> {
    this.find(debtorId);
    if (policyId === null) this.dunningAssigned.delete(debtorId);
    else {
      this.dunningPolicyById(policyId);
      this.dunningAssigned.set(debtorId, policyId);
    }
  }
  async dunningBounce(input: DunningBounceInput): Promise<DunningBounceResult> {
    // The same matching as the API, reduced: Original-Message-ID, Message-ID in the body,
    // or the given id; the failure check is the Action field.
    const raw = input.raw.replace(/\r\n/g, "\n");
    if (input.message_id.trim() === "" && raw.trim() === "") {
      fail("validation", "Give the bounce message or the Message-ID of the email that bounced.", [{ field: "raw", message: "Give the bounce message or the Message-ID of the email that bounced." }]);
    }
    const actions = [...raw.matchAll(/^Action:\s*(\S+)/gim)].map((m) => m[1]!.toLowerCase());
    if (input.message_id.trim() === "" && actions.length > 0 && !actions.includes("failed")) {
      const message = `This notice does not report a failed delivery (action: ${actions.join(", ")}).`;
      fail("validation", message, [{ field: "raw", message }]);
    }
    const body = raw.split("\n\n").slice(1).join("\n\n");
    const ids = input.message_id.trim() !== ""
      ? [input.message_id.trim().replace(/^<|>$/g, "")]
      : [...body.matchAll(/^(?:Original-)?Message-ID:\s*<([^>]+)>/gim)].map((m) => m[1]!);
    const a = this.outbox.find((x) => x.message_id !== "" && ids.includes(x.message_id));
    if (!a) fail("not_found", `No dunning email was sent with Message-ID ${ids.map((i) => `<${i}>`).join(", ")}.`);
    const recorded = a.bounce === "";
    if (recorded) {
      const status = /^Status:\s*(\S+)/im.exec(raw)?.[1] ?? "";
      const recipient = /^Final-Recipient:\s*[^;]*;\s*(\S+)/im.exec(raw)?.[1] ?? a.recipient;
      a.bounce = [status, recipient].filter(Boolean).join(" · ") || "bounced";
    }
    return { action: structuredClone(a), recorded };
  }
  async dunningTemplates(): Promise<DunningTemplateDto[]> {
    return structuredClone(this.templates);
  }
  private checkTemplate(t: { subject: string; body: string }) {
    for (const [field, text] of [["subject", t.subject], ["body", t.body]] as const) {
      for (const m of text.matchAll(/\{\{\s*([a-z_]+)/g)) {
        if (!MemoryBackend.mergeRoots.has(m[1]!)) {
          const message = `The ${field} template cannot be used: it uses a field that does not exist (${m[1]}).`;
          fail("validation", message, [{ field, message }]);
        }
      }
    }
  }
  async dunningTemplateSave(t: DunningTemplateDto): Promise<DunningTemplateDto> {
    this.checkTemplate(t);
    const saved = { ...t, shipped: false, version: (t.version ?? 0) + 1 };
    this.templates = [...this.templates.filter((x) => x.key !== t.key || x.language !== t.language), saved];
    return structuredClone(saved);
  }
  // Staff and the audit trail are the database's: the browser preview is a one-user book
  // with nothing on record.
  async signedIn(): Promise<SignedInDto> {
    return { login: "you", role: "owner", duties: "everything", shared: false, may: { ledger: true, collections: true, settings: true }, own_debtors_only: false };
  }
  async staffList(): Promise<StaffDto[]> {
    return [{ login: "you", name: "you", role: "owner", own_debtors_only: false, is_you: true }];
  }
  async staffAdd(): Promise<StaffAdded> {
    throw { code: "invalid_input", message: "Staff need a shared book on a PostgreSQL server.", fields: [] };
  }
  async staffSetRole(): Promise<void> {
    return this.staffAdd().then(() => undefined);
  }
  async staffSetOwnDebtors(): Promise<void> {
    return this.staffAdd().then(() => undefined);
  }
  async staffRemove(): Promise<void> {
    return this.staffAdd().then(() => undefined);
  }
  async collectorSettlementLimit(): Promise<string> {
    return "10";
  }
  async collectorSettlementLimitSet(): Promise<string> {
    return this.staffAdd().then(() => "10");
  }
  async auditLog(): Promise<AuditEntryDto[]> {
    return [];
  }
  async auditVerify(): Promise<AuditVerifyDto> {
    return { intact: true, events: 0, head: null, broken: null };
  }
  // The figures are the Rust ledger's; the browser preview holds no invoices.
  async dashboard(): Promise<DashboardDto> {
    return { as_of: (await this.appInfo()).today, currencies: [], work: { steps_due: 0, tasks: 0, bank_to_review: 0 } };
  }
  // The checklist is read from the book by Rust; the browser preview shows none.
  async setupStatus(): Promise<SetupStatusDto> {
    return { steps: [], done: 0, required: 0, hidden: true };
  }
  async setupHide(): Promise<SetupStatusDto> {
    return this.setupStatus();
  }
  // The list is the Rust context's; the browser preview offers none.
  async dunningTemplateFields(): Promise<MergeFieldDto[]> {
    return [];
  }
  async dunningTemplatePreview(req: DunningTemplatePreview): Promise<DunningMessage> {
    this.checkTemplate(req);
    const named = req.debtor_ref.trim();
    const byRef = named === ""
      ? undefined
      : this.rows.find((x) => (named.startsWith("#") ? `#${x.debtor.id}` === named : x.debtor.external_ref === named));
    if (named !== "" && !byRef) fail("validation", `No debtor has the reference "${named}".`, [{ field: "debtor", message: `No debtor has the reference "${named}".` }]);
    const r = byRef ?? (req.debtor_id === null ? this.rows[0] : this.find(req.debtor_id));
    if (!r) return { subject: req.subject, body: req.body };
    return { subject: this.render(req.subject, r.debtor, cents(r.overdueCents)), body: this.render(req.body, r.debtor, cents(r.overdueCents)) };
  }
  async dunningSentMessage(actionId: number): Promise<DunningSentMessage> {
    const a = this.outbox.find((x) => x.id === actionId && x.status === "sent");
    if (!a) fail("not_found", `Dunning action ${actionId} sent no message.`);
    return { raw: `Subject: ${a.subject}\r\n\r\n${a.body}\r\n`, sha256: "" };
  }
  async dunningSettings(): Promise<DunningSettings> {
    return structuredClone(this.dunning);
  }
  async dunningSettingsSave(settings: DunningSettings): Promise<DunningSettings> {
    if (settings.run_time !== "" && !/^\d{2}:\d{2}$/.test(settings.run_time)) {
      fail("validation", "Write the time as HH:MM, e.g. 08:30.", [{ field: "run_time", message: "Write the time as HH:MM, e.g. 08:30." }]);
    }
    this.dunning = structuredClone(settings);
    return structuredClone(settings);
  }
  async smtpSettings(): Promise<SmtpSettings | null> {
    return this.smtp ? structuredClone(this.smtp) : null;
  }
  async smtpConfigure(input: SmtpSettingsInput): Promise<SmtpSettings> {
    const s = input.settings;
    const errors: { field: string; message: string }[] = [];
    if (s.host.trim() === "") errors.push({ field: "host", message: "Enter the SMTP server's host name." });
    if (!s.port) errors.push({ field: "port", message: "Enter the SMTP port (587 for STARTTLS, 465 for TLS)." });
    if (!/^[^@\s]+@[^@\s]+$/.test(s.from_address.trim())) errors.push({ field: "from_address", message: "Enter the address reminders are sent from." });
    if (errors.length > 0) fail("validation", errors.length === 1 ? errors[0]!.message : `${errors.length} fields need attention.`, errors);
    this.smtp = { ...s, has_password: s.username !== "" && (input.password !== "" || (this.smtp?.has_password ?? false)) };
    return structuredClone(this.smtp);
  }
  async smtpSendTest(to: string): Promise<TestEmailResult> {
    if (!this.smtp) fail("invalid_input", "Email is not set up: enter the SMTP server in Settings first.");
    return { message_id: `test.1@${this.smtp.from_address.split("@")[1] ?? "memory"}`, to };
  }
  async onDunningRun(_callback: (digest: RunDigest) => void): Promise<() => void> {
    return () => {};
  }

  // The scheduled job is the core's (it writes systemd units): the browser preview keeps
  // the choice only.
  private daily: DailyRunDto = { at: "", send: false, when_closed: false, files: [], note: "", last_run: null, banner: null };
  async dailyRun(): Promise<DailyRunDto> {
    return { ...this.daily };
  }
  async dailyRunSet(input: DailyRunInput): Promise<DailyRunDto> {
    this.daily = { ...this.daily, at: input.at, send: input.send, when_closed: false };
    return { ...this.daily };
  }

  // Interest needs the Rust engine and its rate table; the preview keeps only the policy.
  private lateFee: LateFeePolicyDto = {
    kind: "auto", jurisdiction: "", rate: "", fixed_fee: "", percentage_fee: "", grace_days: 0, cap: "",
    claim_compensation: true, govuk_rounding: false, fee_per_level: "", uk_region: "",
  };
  async lateFeeDefault(): Promise<LateFeePolicyDto> {
    return structuredClone(this.lateFee);
  }
  async lateFeeDefaultSet(policy: LateFeePolicyDto): Promise<LateFeePolicyDto> {
    this.lateFee = structuredClone(policy);
    return policy;
  }
  async lateFeeOf(debtorId: number): Promise<DebtorLateFeeDto> {
    this.find(debtorId);
    return { policy: structuredClone(this.lateFee), own: false, summary: "Statutory interest, from the debtor's country." };
  }
  async lateFeeSet(debtorId: number, _policy: LateFeePolicyDto | null): Promise<DebtorLateFeeDto> {
    return this.lateFeeOf(debtorId);
  }
  async debtorInterest(debtorId: number, asOf: string): Promise<DebtorInterestDto> {
    const d = this.find(debtorId).debtor;
    return {
      as_of: asOf || (await this.appInfo()).today, currency: d.currency, policy: "", invoices: [],
      interest: "0.00", compensation: "0.00", claimable: "0.00", problems: [],
    };
  }
  async chargesClaim(_debtorId: number): Promise<ChargeDto[]> {
    this.noEngine();
  }
  async chargesOf(_debtorId: number): Promise<ChargeDto[]> {
    return [];
  }
  async chargeReverse(_debtorId: number, _chargeId: number, _date: string, _reason: string): Promise<ChargeDto[]> {
    this.noEngine();
  }
  async rateTable(): Promise<RateRowDto[]> {
    return [];
  }
  async rateRowAdd(_row: RateRowInput): Promise<RateRowDto[]> {
    this.noEngine();
  }
  async rateRowDelete(_id: number): Promise<RateRowDto[]> {
    return [];
  }
  async rateImport(_fileName: string, _content: string, _apply: boolean): Promise<RateImportDto> {
    this.noEngine();
  }

  async rateGaps(): Promise<string[]> {
    return [];
  }

  // Agencies and courts live in the Rust core: the browser preview has none.
  async agencies(): Promise<AgencyDto[]> {
    return [];
  }
  async agencyAdd(_input: AgencyInput): Promise<AgencyDto> {
    this.noEngine();
  }
  async agencyHandover(_request: HandoverRequest): Promise<HandoverDto | null> {
    this.noEngine();
  }
  async agencyCaseOf(_debtorId: number): Promise<AgencyCaseDto | null> {
    return null;
  }
  async agencyCollected(_input: CollectedInput): Promise<CollectedDto> {
    this.noEngine();
  }
  async agencyRecall(_debtorId: number, _reason: string): Promise<void> {
    this.noEngine();
  }
  async agencyUpdate(_input: AgencyUpdateInput): Promise<string> {
    this.noEngine();
  }
  async agencyReport(): Promise<AgencyReportDto[]> {
    return [];
  }
  async courtClaimPreview(_request: CourtClaimRequest): Promise<CourtClaimDto> {
    this.noEngine();
  }
  async courtClaimSave(_request: CourtClaimRequest): Promise<CourtClaimDto | null> {
    this.noEngine();
  }
  async courtStatus(_input: CourtStatusInput): Promise<string> {
    this.noEngine();
  }
  async legalCostAdd(_input: LegalCostInput): Promise<string> {
    this.noEngine();
  }

  /** The browser preview has no limitation rules (they live in Rust): nothing to list. */
  async limitation(_within: number | null, _debtorId: number | null): Promise<LimitationReportDto> {
    return { as_of: (await this.appInfo()).today, items: [], unknown: [] };
  }

  // Collections: see memory-collections.ts.
  private collections = new MemoryCollections(
    (id) => this.find(id).debtor,
    async () => (await this.appInfo()).today,
  );
  async planPreview(_input: PlanInput): Promise<PlanPreview> {
    return this.collections.noLedger();
  }
  async planCreate(_input: PlanInput): Promise<PaymentPlanDto> {
    return this.collections.noLedger();
  }
  async planGet(id: number): Promise<PaymentPlanDto> {
    fail("not_found", `Payment plan ${id} was not found`);
  }
  async plansOf(debtorId: number): Promise<PaymentPlanDto[]> {
    this.find(debtorId);
    return [];
  }
  async promiseAdd(input: PromiseInput): Promise<PromiseDto> {
    return this.collections.promiseAdd(input);
  }
  async promisesOf(debtorId: number): Promise<PromiseDto[]> {
    return this.collections.promisesOf(debtorId);
  }
  async settlementOfferAdd(_input: SettlementInput): Promise<SettlementDto> {
    return this.collections.noLedger();
  }
  async settlementAccept(id: number, _date: string, _by: string): Promise<SettlementDto> {
    fail("not_found", `Settlement offer ${id} was not found`);
  }
  async settlementsOf(debtorId: number): Promise<SettlementDto[]> {
    this.find(debtorId);
    return [];
  }
  async holdAdd(input: HoldInput): Promise<HoldDto> {
    return this.collections.holdAdd(input);
  }
  async holdRelease(id: number, reason: string, _by: string): Promise<HoldDto> {
    return this.collections.holdRelease(id, reason);
  }
  async holdsOf(debtorId: number): Promise<HoldDto[]> {
    return this.collections.holdsOf(debtorId);
  }
  async collectionState(debtorId: number, asOf: string): Promise<CollectionStateDto> {
    return this.collections.collectionState(debtorId, asOf);
  }
  async collectionStates(debtorIds: number[]): Promise<CollectionStateDto[]> {
    return Promise.all(debtorIds.map((id) => this.collections.collectionState(id, "")));
  }
  async invoiceDisputeSettle(id: number): Promise<InvoiceDetailDto> {
    fail("not_found", `Invoice ${id} was not found`);
  }

  async onError(_callback: (error: ApiError) => void): Promise<() => void> {
    return () => {};
  }

  // Letters: see memory-letters.ts.
  private letters = new MemoryLetters(
    (id) => this.find(id).debtor,
    () => this.rows.filter((r) => !r.debtor.archived).map((r) => r.debtor.id),
  );
  letterKinds = () => this.letters.letterKinds();
  letterPreview = (request: LetterRequest) => this.letters.letterPreview(request);
  letterSave = (request: LetterRequest) => this.letters.letterSave(request);
  letterPrint = (request: LetterRequest) => this.letters.letterPrint(request);
  lettersBatch = (asOf: string, job: string, onProgress: (p: JobProgress) => void) =>
    this.letters.lettersBatch(asOf, job, onProgress);
  caseFilesExport = (debtorIds: number[], job: string, onProgress: (p: JobProgress) => void) =>
    this.letters.caseFilesExport(debtorIds, job, onProgress);
  jobCancel = (job: string) => this.letters.jobCancel(job);
  documentsOf = (debtorId: number) => this.letters.documentsOf(debtorId);
  documentSave = (id: number) => this.letters.documentSave(id);
  attachmentsOf = (debtorId: number) => this.letters.attachmentsOf(debtorId);
  attachmentAdd = (debtorId: number) => this.letters.attachmentAdd(debtorId);
  letterheadGet = () => this.letters.letterheadGet();
  letterheadSet = (letterhead: LetterheadDto) => this.letters.letterheadSet(letterhead);
  letterheadSample = (letterhead: LetterheadDto) => this.letters.letterheadSample(letterhead);

  // Bank statements: see memory-bank.ts (the core's rules, not available here).
  async bankImport(_fileName: string, _contentBase64: string, _options: BankImportOptions, _job: string, _onProgress: (p: BankImportProgress) => void): Promise<BankImportSummary> { bankUnavailable(); }
  async bankCsvPreview(_fileName: string, _contentBase64: string, _account: string | null, _skipRows: number): Promise<BankCsvPreviewDto> { bankUnavailable(); }
  async bankEntries(_status: BankEntryStatusDto | null, _statementId: number | null, _limit: number): Promise<BankEntryDto[]> { bankUnavailable(); }
  async bankEntry(_id: number): Promise<BankEntryDto> { bankUnavailable(); }
  async bankAccept(_id: number): Promise<BankEntryDto> { bankUnavailable(); }
  async bankMatch(_id: number, _input: BankMatchInput): Promise<BankEntryDto> { bankUnavailable(); }
  async bankUnmatch(_id: number): Promise<BankEntryDto> { bankUnavailable(); }
  async bankIgnore(_id: number, _rule: boolean): Promise<BankEntryDto[]> { bankUnavailable(); }
  async bankUnignore(_id: number): Promise<BankEntryDto> { bankUnavailable(); }
  async bankAccounts(): Promise<BankAccountDto[]> { bankUnavailable(); }
  async bankAccountRename(_id: number, _name: string): Promise<void> { bankUnavailable(); }
  async bankStatements(): Promise<BankStatementDto[]> { bankUnavailable(); }
  async bankSettings(): Promise<BankSettingsDto> { bankUnavailable(); }
  async bankSettingsSet(_settings: BankSettingsDto): Promise<BankSettingsDto> { bankUnavailable(); }
  async bankIgnoreRules(): Promise<BankIgnoreRuleDto[]> { bankUnavailable(); }
  async bankIgnoreRuleDelete(_id: number): Promise<void> { bankUnavailable(); }
  async debtorIbanAdd(_debtorId: number, _iban: string): Promise<string[]> { bankUnavailable(); }
  async onMenuImportBank(_callback: () => void): Promise<() => void> {
    return () => {};
  }
}
