import { Channel, invoke } from "@tauri-apps/api/core";
import type { ImportProgress } from "../bindings/ImportProgress";
import { listen } from "@tauri-apps/api/event";
import type { Backend } from "./backend";
import { toApiError } from "./backend";
import { tauriLetters } from "./tauri-letters";
import { tauriBank } from "./tauri-bank";
import type { AppInfo } from "../bindings/AppInfo";
import type { ApiError } from "../bindings/ApiError";
import type { RunDigest } from "../bindings/RunDigest";

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw toApiError(e);
  }
}

export const tauriBackend: Backend = {
  ...tauriLetters,
  ...tauriBank,
  appInfo: () => call("app_info"),
  startupNotice: () => call("startup_notice"),
  debtorsList: (query) => call("debtors_list", { query }),
  debtorGet: (id) => call("debtor_get", { id }),
  debtorCreate: (input) => call("debtor_create", { input }),
  debtorUpdate: (id, input) => call("debtor_update", { id, input }),
  debtorSetArchived: (id, archived) => call("debtor_set_archived", { id, archived }),
  demoLoad: (request) => call("demo_load", { request }),
  demoDecline: () => call("demo_decline"),
  databaseConfigure: (target) => call("database_configure", { target }),
  databasePick: (create) => call("database_pick", { create }),
  calcInterest: (request) => call("calc_interest", { request }),
  calcPlan: (request) => call("calc_plan", { request }),
  calcScore: (request) => call("calc_score", { request }),
  calcCredit: (request) => call("calc_credit", { request }),
  invoicesList: (query) => call("invoices_list", { query }),
  invoiceGet: (id) => call("invoice_get", { id }),
  invoiceDispute: (id, date, reason) => call("invoice_dispute", { id, date, reason }),
  invoiceAdjust: (input) => call("invoice_adjust", { input }),
  invoicesPrint: (ids) => call("invoices_print", { ids }),
  invoiceResolveDispute: (id, date) => call("invoice_resolve_dispute", { id, date }),
  paymentRecord: (input) => call("payment_record", { input }),
  reportAging: (query) => call("report_aging", { query }),
  reportMetrics: (from, to) => call("report_metrics", { from, to }),
  reportStatement: (debtorId, from, to) => call("report_statement", { debtorId, from, to }),
  invoiceCreate: (input) => call("invoice_create", { input }),
  paymentPreview: (input) => call("payment_preview", { input }),
  debtorTimeline: (debtorId) => call("debtor_timeline", { debtorId }),
  creditOf: (debtorId, asOf) => call("credit_of", { debtorId, asOf }),
  creditCheck: (debtorId, amount) => call("credit_check", { debtorId, amount }),
  creditAlerts: (limit) => call("credit_alerts", { limit }),
  creditPolicy: () => call("credit_policy"),
  creditPolicySet: (policy) => call("credit_policy_set", { policy }),
  creditInputsSet: (debtorId, inputs) => call("credit_inputs_set", { debtorId, inputs }),
  planPreview: (input) => call("plan_preview", { input }),
  planCreate: (input) => call("plan_create", { input }),
  planGet: (id) => call("plan_get", { id }),
  plansOf: (debtorId) => call("plans_of", { debtorId }),
  promiseAdd: (input) => call("promise_add", { input }),
  promisesOf: (debtorId) => call("promises_of", { debtorId }),
  settlementOfferAdd: (input) => call("settlement_offer_add", { input }),
  settlementAccept: (id, date, by) => call("settlement_accept", { id, date, by }),
  settlementsOf: (debtorId) => call("settlements_of", { debtorId }),
  holdAdd: (input) => call("hold_add", { input }),
  holdRelease: (id, reason, by) => call("hold_release", { id, reason, by }),
  holdsOf: (debtorId) => call("holds_of", { debtorId }),
  collectionState: (debtorId, asOf) => call("collection_state", { debtorId, asOf }),
  collectionStates: (debtorIds) => call("collection_states", { debtorIds }),
  invoiceDisputeSettle: (id, date, upheld, creditNoteRef) =>
    call("invoice_dispute_settle", { id, date, upheld, creditNoteRef }),
  creditRefresh: () => call("credit_refresh"),
  onCreditRefreshed: (callback) => listen("credit-refreshed", () => callback()),
  importStage: (fileName, content) => call("import_stage", { fileName, content }),
  importPreview: (kind, options) => call("import_preview", { kind, options }),
  importRun: (kind, options, onProgress) => {
    const progress = new Channel<ImportProgress>();
    progress.onmessage = onProgress;
    return call("import_run", { kind, options, progress });
  },
  exportSave: (request, format) => call("export_save", { request, format }),
  interestPdfSave: (what) => call("interest_pdf_save", { what }),
  agreementSave: (debtorId, kind, id) => call("agreement_save", { debtorId, kind, id }),
  statementSave: (debtorId, from, to) => call("statement_save", { debtorId, from, to }),
  reportAgingInvoices: (query, currency, label, debtorId) =>
    call("report_aging_invoices", { query, currency, label, debtorId }),
  dunningRun: (request) => call("dunning_run", { request }),
  dunningActions: (debtorId, states) => call("dunning_actions", { debtorId, states }),
  dunningWorklist: (accountManager) => call("dunning_worklist", { accountManager }),
  dunningTaskDone: (input) => call("dunning_task_done", { input }),
  dunningEscalate: (input) => call("dunning_escalate", { input }),
  dunningPolicies: () => call("dunning_policies"),
  dunningPolicySave: (policy) => call("dunning_policy_save", { policy }),
  dunningPolicyDelete: (id) => call("dunning_policy_delete", { id }),
  dunningPolicySetDefault: (id) => call("dunning_policy_set_default", { id }),
  dunningDebtorPolicy: (debtorId) => call("dunning_debtor_policy", { debtorId }),
  dunningAssignPolicy: (debtorId, policyId) => call("dunning_assign_policy", { debtorId, policyId }),
  dunningBounce: (input) => call("dunning_bounce", { input }),
  dunningTemplates: () => call("dunning_templates"),
  dunningTemplateFields: () => call("dunning_template_fields"),
  dashboard: () => call("dashboard"),
  dunningTemplateSave: (template) => call("dunning_template_save", { template }),
  dunningTemplatePreview: (request) => call("dunning_template_preview", { request }),
  dunningSentMessage: (actionId) => call("dunning_sent_message", { actionId }),
  dunningSettings: () => call("dunning_settings"),
  dunningSettingsSave: (settings) => call("dunning_settings_save", { settings }),
  smtpSettings: () => call("smtp_settings"),
  smtpConfigure: (input) => call("smtp_configure", { input }),
  smtpSendTest: (to) => call("smtp_send_test", { to }),
  onDunningRun: (callback) => listen<RunDigest>("dunning-run", (event) => callback(event.payload)),
  dailyRun: () => call("daily_run"),
  dailyRunSet: (input) => call("daily_run_set", { input }),
  lateFeeDefault: () => call("late_fee_default"),
  lateFeeDefaultSet: (policy) => call("late_fee_default_set", { policy }),
  lateFeeOf: (debtorId) => call("late_fee_of", { debtorId }),
  lateFeeSet: (debtorId, policy) => call("late_fee_set", { debtorId, policy }),
  debtorInterest: (debtorId, asOf) => call("debtor_interest", { debtorId, asOf }),
  chargesClaim: (debtorId) => call("charges_claim", { debtorId }),
  chargesOf: (debtorId) => call("charges_of", { debtorId }),
  chargeReverse: (debtorId, chargeId, date, reason) => call("charge_reverse", { debtorId, chargeId, date, reason }),
  rateTable: () => call("rate_table"),
  rateRowAdd: (row) => call("rate_row_add", { row }),
  rateRowDelete: (id) => call("rate_row_delete", { id }),
  rateImport: (fileName, content, apply) => call("rate_import", { fileName, content, apply }),
  rateGaps: () => call("rate_gaps"),
  limitation: (within, debtorId) => call("limitation", { within, debtorId }),
  agencies: () => call("agencies"),
  agencyAdd: (input) => call("agency_add", { input }),
  agencyHandover: (request) => call("agency_handover", { request }),
  agencyCaseOf: (debtorId) => call("agency_case_of", { debtorId }),
  agencyCollected: (input) => call("agency_collected", { input }),
  agencyRecall: (debtorId, reason) => call("agency_recall", { debtorId, reason }),
  agencyUpdate: (input) => call("agency_update", { input }),
  agencyReport: () => call("agency_report"),
  courtClaimPreview: (request) => call("court_claim_preview", { request }),
  courtClaimSave: (request) => call("court_claim_save", { request }),
  courtStatus: (input) => call("court_status", { input }),
  legalCostAdd: (input) => call("legal_cost_add", { input }),
  onDatabaseChanged: (callback) =>
    listen<AppInfo>("database-changed", (event) => callback(event.payload)),
  onError: (callback) => listen<ApiError>("app-error", (event) => callback(event.payload)),
};
