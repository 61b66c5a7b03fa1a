// The one interface the UI talks to. `tauri.ts` implements it over IPC; `memory.ts`
// implements it in memory for component tests and for `vite dev` in a plain browser.
import type { AppInfo } from "../bindings/AppInfo";
import type { BookMoved } from "../bindings/BookMoved";
import type { ApiError } from "../bindings/ApiError";
import type { DatabaseTarget } from "../bindings/DatabaseTarget";
import type { Debtor } from "../bindings/Debtor";
import type { DebtorInput } from "../bindings/DebtorInput";
import type { DebtorListQuery } from "../bindings/DebtorListQuery";
import type { DebtorPage } from "../bindings/DebtorPage";
import type { DemoRequest } from "../bindings/DemoRequest";
import type { DemoSummary } from "../bindings/DemoSummary";
import type { InterestCalcRequest } from "../bindings/InterestCalcRequest";
import type { InterestCalcResult } from "../bindings/InterestCalcResult";
import type { InterestPrint } from "../bindings/InterestPrint";
import type { SavedPdf } from "../bindings/SavedPdf";
import type { AgreementKind } from "../bindings/AgreementKind";
import type { PlanCalcRequest } from "../bindings/PlanCalcRequest";
import type { PlanCalcResult } from "../bindings/PlanCalcResult";
import type { ScoreRequest } from "../bindings/ScoreRequest";
import type { ScoreResult } from "../bindings/ScoreResult";
import type { CreditCalcRequest } from "../bindings/CreditCalcRequest";
import type { CreditCalcResult } from "../bindings/CreditCalcResult";
import type { InvoiceListQuery } from "../bindings/InvoiceListQuery";
import type { InvoicePage } from "../bindings/InvoicePage";
import type { InvoiceDetailDto } from "../bindings/InvoiceDetailDto";
import type { PaymentInput } from "../bindings/PaymentInput";
import type { PaymentResult } from "../bindings/PaymentResult";
import type { AgingQuery } from "../bindings/AgingQuery";
import type { AgingReportDto } from "../bindings/AgingReportDto";
import type { MetricsReportDto } from "../bindings/MetricsReportDto";
import type { StatementDto } from "../bindings/StatementDto";
import type { Invoice } from "../bindings/Invoice";
import type { InvoiceInput } from "../bindings/InvoiceInput";
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
import type { FieldErrorDto } from "../bindings/FieldErrorDto";
import type { DunningDebtorPolicy } from "../bindings/DunningDebtorPolicy";
import type { DunningBounceInput } from "../bindings/DunningBounceInput";
import type { DunningBounceResult } from "../bindings/DunningBounceResult";
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
import type { AdjustmentInput } from "../bindings/AdjustmentInput";
import type { MergeFieldDto } from "../bindings/MergeFieldDto";
import type { DashboardDto } from "../bindings/DashboardDto";
import type { SetupStatusDto } from "../bindings/SetupStatusDto";
import type { SignedInDto } from "../bindings/SignedInDto";
import type { StaffDto } from "../bindings/StaffDto";
import type { StaffInput } from "../bindings/StaffInput";
import type { StaffAdded } from "../bindings/StaffAdded";
import type { StaffRole } from "../bindings/StaffRole";
import type { AuditLogQuery } from "../bindings/AuditLogQuery";
import type { AuditEntryDto } from "../bindings/AuditEntryDto";
import type { AuditVerifyDto } from "../bindings/AuditVerifyDto";
import type { LettersBackend } from "./letters";
import type { BankBackend } from "./bank";

export interface Backend extends LettersBackend, BankBackend {
  appInfo(): Promise<AppInfo>;
  startupNotice(): Promise<string | null>;
  debtorsList(query: DebtorListQuery): Promise<DebtorPage>;
  debtorGet(id: number): Promise<Debtor>;
  debtorCreate(input: DebtorInput): Promise<Debtor>;
  /** Checks a debtor form without saving it: every field's problem, as a save would say. */
  debtorCheck(input: DebtorInput): Promise<FieldErrorDto[]>;
  /** Checks a policy being edited without saving it: every problem with its field. */
  dunningPolicyCheck(policy: DunningPolicyDto): Promise<FieldErrorDto[]>;
  /** Saves an edited debtor; `version` is its version as the form read it (refused, code "stale", when someone else saved it since). */
  debtorUpdate(id: number, input: DebtorInput, version: number | null): Promise<Debtor>;
  debtorSetArchived(id: number, archived: boolean): Promise<Debtor>;
  demoLoad(request: DemoRequest): Promise<DemoSummary>;
  demoDecline(): Promise<void>;
  databaseConfigure(target: DatabaseTarget): Promise<AppInfo>;
  /** Native file dialog; `null` when the user cancelled. */
  databasePick(create: boolean): Promise<AppInfo | null>;
  /**
   * Copies the open book (a SQLite file) into a new, empty PostgreSQL database at `url`,
   * checks every table's rows and checksum, then works on the server and remembers it
   * (`password` goes to the system keyring only; "" = the one in the URL or the keyring).
   * A server database that holds data is refused in words, naming a table.
   */
  bookMoveToServer(url: string, password: string): Promise<BookMoved>;
  /** Called when the database was switched from the File menu. */
  onDatabaseChanged(callback: (info: AppInfo) => void): Promise<() => void>;
  /** Late-payment interest and compensation with the full breakdown. */
  calcInterest(request: InterestCalcRequest): Promise<InterestCalcResult>;
  /** A payment plan's schedule, previewed before it is agreed. */
  calcPlan(request: PlanCalcRequest): Promise<PlanCalcResult>;
  /** The payment-behaviour score of a list of experiences. */
  calcScore(request: ScoreRequest): Promise<ScoreResult>;
  /** A credit check of a proposed order. */
  calcCredit(request: CreditCalcRequest): Promise<CreditCalcResult>;
  /** One window of the invoice list, filtered. */
  invoicesList(query: InvoiceListQuery): Promise<InvoicePage>;
  /** An invoice with its payments, credits, write-offs and disputes. */
  invoiceGet(id: number): Promise<InvoiceDetailDto>;
  /** Marks an invoice disputed from `date` ("" = today) with the debtor's reason. */
  invoiceDispute(id: number, date: string, reason: string): Promise<InvoiceDetailDto>;
  /** A credit note or write-off against an invoice (at most its open balance). */
  invoiceAdjust(input: AdjustmentInput): Promise<InvoiceDetailDto>;
  /** Several invoices in one PDF, saved where the user chooses; `null` when cancelled. */
  invoicesPrint(ids: number[]): Promise<SavedPdf | null>;
  /** Resolves an invoice's open dispute on `date` ("" = today). */
  invoiceResolveDispute(id: number, date: string): Promise<InvoiceDetailDto>;
  /** Records a payment; the ledger allocates it (named invoice first, then oldest due). */
  paymentRecord(input: PaymentInput): Promise<PaymentResult>;
  /** Open balances by age as of a date, per currency and per debtor. */
  reportAging(query: AgingQuery): Promise<AgingReportDto>;
  /** Receivables per currency with their aging, six months of invoicing and collection, the day's work. */
  dashboard(): Promise<DashboardDto>;
  /** Getting started: the setup checklist, read from the book. */
  setupStatus(): Promise<SetupStatusDto>;
  /** Hides the setup checklist, or shows it again. */
  setupHide(hidden: boolean): Promise<SetupStatusDto>;
  /** Who the app is signed in as, and what their role may do. */
  signedIn(): Promise<SignedInDto>;
  /** The shared book's staff and their roles. */
  staffList(): Promise<StaffDto[]>;
  /** Adds a staff member with their own login (owner only). */
  staffAdd(input: StaffInput): Promise<StaffAdded>;
  /** Gives a staff member another role (owner only). */
  staffSetRole(login: string, role: StaffRole): Promise<void>;
  /** Limits a collector to the debtors whose account manager is their login, or not (owner only). */
  staffSetOwnDebtors(login: string, own: boolean): Promise<void>;
  /** Takes a staff member out of the book (owner only). */
  staffRemove(login: string): Promise<void>;
  /** How much off the claim a collector may give in a settlement, in percent (a decimal string). */
  collectorSettlementLimit(): Promise<string>;
  /** Sets the collectors' settlement limit (owner only); returns it as stored. */
  collectorSettlementLimitSet(percent: string): Promise<string>;
  /** The audit trail: who changed what, when, old and new values. */
  auditLog(query: AuditLogQuery): Promise<AuditEntryDto[]>;
  /** Checks the contact log against its hash chain. */
  auditVerify(): Promise<AuditVerifyDto>;
  /** Receivables metrics of a period (both ends included), per currency. */
  reportMetrics(from: string, to: string): Promise<MetricsReportDto>;
  /** A debtor's statement of account over a period (both ends included). */
  reportStatement(debtorId: number, from: string, to: string): Promise<StatementDto>;
  /** Creates an invoice; a debtor on credit hold needs `override_reason`. */
  invoiceCreate(input: InvoiceInput): Promise<Invoice>;
  /** Where a payment would go, without recording it. */
  paymentPreview(input: PaymentInput): Promise<PaymentPreviewDto>;
  /** Everything that happened on a debtor's account, newest first. */
  debtorTimeline(debtorId: number): Promise<TimelineEntryDto[]>;
  /** A debtor's payment score, explanation, history, credit check and alerts. */
  creditOf(debtorId: number, asOf: string): Promise<DebtorCreditDto>;
  /** HOLD or RELEASE for a new order of `amount`. */
  creditCheck(debtorId: number, amount: string): Promise<CreditCalcResult>;
  /** Debtors with credit alerts, riskiest first. */
  creditAlerts(limit: number): Promise<CreditAlertsDto>;
  /** The default credit policy. */
  creditPolicy(): Promise<CreditPolicyDto>;
  /** Saves the default credit policy (the book is re-scored). */
  creditPolicySet(policy: CreditPolicyDto): Promise<CreditPolicyDto>;
  /** Saves the owner's credit inputs and own policy for a debtor. */
  creditInputsSet(debtorId: number, inputs: CreditInputsDto): Promise<DebtorCreditDto>;
  /** Re-scores the book if an import (or the date) made the scores stale; returns how many. */
  creditRefresh(): Promise<number>;
  /** Called when the daily scoring finished. */
  onCreditRefreshed(callback: () => void): Promise<() => void>;
  /** Called with the table's name when another session changed the shared book (PostgreSQL notifications). */
  onBookChanged(callback: (table: string) => void): Promise<() => void>;
  /** Hands a file (base64) to the import wizard. */
  importStage(fileName: string, contentBase64: string): Promise<StagedFile>;
  /** Mapping, sample rows and a full check of the staged file; writes nothing. */
  importPreview(kind: ImportKind, options: ImportOptions): Promise<ImportPreview>;
  /** Imports the staged file, all or nothing, reporting progress. */
  importRun(kind: ImportKind, options: ImportOptions, onProgress: (p: ImportProgress) => void): Promise<ImportSummary>;
  /** Save As (native dialog) of a report or list; `null` when cancelled. */
  exportSave(request: ExportRequest, format: ExportFormat): Promise<ExportDone | null>;
  /** Save As (native dialog) of the interest calculation as a PDF; `null` when cancelled. */
  interestPdfSave(what: InterestPrint): Promise<SavedPdf | null>;
  /** Save As (native dialog) of a payment plan or settlement agreement (kept on the debtor's record); `null` when cancelled. */
  agreementSave(debtorId: number, kind: AgreementKind, id: number | null): Promise<SavedPdf | null>;
  statementSave(debtorId: number, from: string, to: string): Promise<SavedPdf | null>;
  /** The invoices behind one aging bucket. */
  reportAgingInvoices(query: AgingQuery, currency: string, label: string, debtorId: number | null): Promise<AgingDrillDto>;
  /** Runs the collection policy: preview (writes nothing), plan, or send. */
  dunningRun(request: DunningRunRequest): Promise<DunningRunResult>;
  /** The outbox, newest first; `states` empty = all. */
  dunningActions(debtorId: number | null, states: string[]): Promise<DunningActionDto[]>;
  /** Open call and legal tasks of an account manager ("" = everyone's). */
  dunningWorklist(accountManager: string): Promise<DunningActionDto[]>;
  /** Marks a task done with its outcome (logged on the debtor). */
  dunningTaskDone(input: DunningTaskDone): Promise<void>;
  /** Escalates a debtor by hand to a step of its policy, with the reason (logged). */
  dunningEscalate(input: DunningEscalate): Promise<DunningActionDto>;
  /** Collection policies, the default first. */
  dunningPolicies(): Promise<DunningPolicyDto[]>;
  /** Saves a policy: id 0 creates one; field errors name `name`, `levels[i].field`. */
  dunningPolicySave(policy: DunningPolicyDto): Promise<DunningPolicyDto>;
  /** Deletes a policy nobody follows (never the default). */
  dunningPolicyDelete(id: number): Promise<void>;
  /** Makes a policy the default. */
  dunningPolicySetDefault(id: number): Promise<DunningPolicyDto>;
  /** The policy a debtor follows and whether it is its own. */
  dunningDebtorPolicy(debtorId: number): Promise<DunningDebtorPolicy>;
  /** Makes a debtor follow a policy (`null` = the default); logged on its timeline. */
  dunningAssignPolicy(debtorId: number, policyId: number | null): Promise<void>;
  /** Records a later bounce (the notice as received, or the Message-ID); once per email. */
  dunningBounce(input: DunningBounceInput): Promise<DunningBounceResult>;
  /** Every message template (edited or shipped). */
  dunningTemplates(): Promise<DunningTemplateDto[]>;
  /** The fields a template may use (read from the Rust context), for the editor's list. */
  dunningTemplateFields(): Promise<MergeFieldDto[]>;
  /** Saves a template; an unknown merge field is refused with a validation error. */
  dunningTemplateSave(template: DunningTemplateDto): Promise<DunningTemplateDto>;
  /** Renders a template being edited with a real debtor (or the sample). */
  dunningTemplatePreview(request: DunningTemplatePreview): Promise<DunningMessage>;
  /** An email exactly as sent, with its SHA-256. */
  dunningSentMessage(actionId: number): Promise<DunningSentMessage>;
  /** Sender, bank details, interest law and the daily run. */
  dunningSettings(): Promise<DunningSettings>;
  dunningSettingsSave(settings: DunningSettings): Promise<DunningSettings>;
  /** SMTP settings (`null` until set up); never the password. */
  smtpSettings(): Promise<SmtpSettings | null>;
  /** Saves SMTP settings; a password goes to the OS keyring only. */
  smtpConfigure(input: SmtpSettingsInput): Promise<SmtpSettings>;
  /** Sends a test email with the saved settings. */
  smtpSendTest(to: string): Promise<TestEmailResult>;
  /** Called when the daily dunning run finished, with what it did in words. */
  onDunningRun(callback: (digest: RunDigest) => void): Promise<() => void>;
  /** Settings > Daily run: time, mode, the scheduled job and its last run. */
  dailyRun(): Promise<DailyRunDto>;
  /** Saves the daily run and installs, rewrites or removes the scheduled job. */
  dailyRunSet(input: DailyRunInput): Promise<DailyRunDto>;
  /** The default late-fee policy. */
  lateFeeDefault(): Promise<LateFeePolicyDto>;
  lateFeeDefaultSet(policy: LateFeePolicyDto): Promise<LateFeePolicyDto>;
  /** A debtor's late-fee policy (own or default) in words. */
  lateFeeOf(debtorId: number): Promise<DebtorLateFeeDto>;
  /** Sets a debtor's own policy; `null` returns it to the default. */
  lateFeeSet(debtorId: number, policy: LateFeePolicyDto | null): Promise<DebtorLateFeeDto>;
  /** Interest and compensation to date on the debtor's overdue invoices. */
  debtorInterest(debtorId: number, asOf: string): Promise<DebtorInterestDto>;
  /** Books what is claimable as charges. */
  chargesClaim(debtorId: number): Promise<ChargeDto[]>;
  chargesOf(debtorId: number): Promise<ChargeDto[]>;
  chargeReverse(debtorId: number, chargeId: number, date: string, reason: string): Promise<ChargeDto[]>;
  /** The rate table in use. */
  rateTable(): Promise<RateRowDto[]>;
  rateRowAdd(row: RateRowInput): Promise<RateRowDto[]>;
  rateRowDelete(id: number): Promise<RateRowDto[]>;
  /** Reads a publisher's rate file and shows what it changes; `apply` saves it. */
  rateImport(fileName: string, contentBase64: string, apply: boolean): Promise<RateImportDto>;
  /** What the rate table lacks for the current half-year, one sentence per series. */
  rateGaps(): Promise<string[]>;
  /** Open invoices by the last day a claim can be issued, soonest first (today's date;
   * `within` days ahead with time-barred ones, or all; one debtor's or every debtor's). */
  limitation(within: number | null, debtorId: number | null): Promise<LimitationReportDto>;
  /** Collection agencies. */
  agencies(): Promise<AgencyDto[]>;
  agencyAdd(input: AgencyInput): Promise<AgencyDto>;
  /** Hands a claim over: the package goes into a new folder inside the one the user
   * picks (null: cancelled). */
  agencyHandover(request: HandoverRequest): Promise<HandoverDto | null>;
  /** The debtor's open case with an agency, if any. */
  agencyCaseOf(debtorId: number): Promise<AgencyCaseDto | null>;
  agencyCollected(input: CollectedInput): Promise<CollectedDto>;
  agencyRecall(debtorId: number, reason: string): Promise<void>;
  /** Records what the agency reports on the open case; says what was recorded. */
  agencyUpdate(input: AgencyUpdateInput): Promise<string>;
  agencyReport(): Promise<AgencyReportDto[]>;
  /** A court claim's data, to look at (not logged). */
  courtClaimPreview(request: CourtClaimRequest): Promise<CourtClaimDto>;
  /** Prepares the claim (logged) and saves its worksheet (null: cancelled). */
  courtClaimSave(request: CourtClaimRequest): Promise<CourtClaimDto | null>;
  /** Records a step of the court case (issued, judgment, ...) on the timeline. */
  courtStatus(input: CourtStatusInput): Promise<string>;
  /** Books a court fee, lawyer's fee or enforcement cost as a charge; says what was booked. */
  legalCostAdd(input: LegalCostInput): Promise<string>;
  /** The schedule a payment plan for these invoices would have (not stored). */
  planPreview(input: PlanInput): Promise<PlanPreview>;
  /** Agrees a payment plan and stores its schedule. */
  planCreate(input: PlanInput): Promise<PaymentPlanDto>;
  /** A plan with each installment's status today. */
  planGet(id: number): Promise<PaymentPlanDto>;
  /** A debtor's payment plans, newest first. */
  plansOf(debtorId: number): Promise<PaymentPlanDto[]>;
  /** Records a promise to pay (pauses dunning until its date). */
  promiseAdd(input: PromiseInput): Promise<PromiseDto>;
  /** A debtor's promises with kept / broken status. */
  promisesOf(debtorId: number): Promise<PromiseDto[]>;
  /** Records an offer to settle for less. */
  settlementOfferAdd(input: SettlementInput): Promise<SettlementDto>;
  /** Records that the debtor accepted a settlement offer ("" = today). */
  settlementAccept(id: number, date: string, by: string): Promise<SettlementDto>;
  /** A debtor's settlement offers. */
  settlementsOf(debtorId: number): Promise<SettlementDto[]>;
  /** Pauses dunning for a debtor until a date. */
  holdAdd(input: HoldInput): Promise<HoldDto>;
  /** Ends a hold today. */
  holdRelease(id: number, reason: string, by: string): Promise<HoldDto>;
  /** A debtor's holds. */
  holdsOf(debtorId: number): Promise<HoldDto[]>;
  /** The debtor's derived collection state on `asOf` ("" = today). */
  collectionState(debtorId: number, asOf: string): Promise<CollectionStateDto>;
  /** Collection states of several debtors today (the debtor list's column). */
  collectionStates(debtorIds: number[]): Promise<CollectionStateDto[]>;
  /** Resolves a dispute: upheld (credit note for the open balance) or rejected. */
  invoiceDisputeSettle(id: number, date: string, upheld: boolean, creditNoteRef: string): Promise<InvoiceDetailDto>;
  /** Called when a menu action failed. */
  onError(callback: (error: ApiError) => void): Promise<() => void>;
}

/** True for the `{code, message}` shape every backend call rejects with. */
export function isApiError(value: unknown): value is ApiError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { code?: unknown }).code === "string" &&
    typeof (value as { message?: unknown }).message === "string"
  );
}

/** Any rejection as an ApiError, so screens handle one shape. */
export function toApiError(value: unknown): ApiError {
  if (isApiError(value)) return value;
  return { code: "internal", message: value instanceof Error ? value.message : String(value) };
}
