//! # overdue-app
//!
//! The desktop shell: window, menu, and one-line Tauri commands over [`overdue_api::Api`].
//! No business logic lives here; errors cross IPC as `{code, message}` ([`ApiError`]).

use std::path::PathBuf;
use std::sync::Arc;

use overdue_api::account::{PaymentPreviewDto, TimelineEntryDto};
use overdue_api::agencies::{
    AgencyCaseDto, AgencyDto, AgencyInput, AgencyReportDto, AgencyUpdateInput, CollectedDto,
    CollectedInput, HandoverDto, HandoverRequest,
};
use overdue_api::agreements::AgreementKind;
use overdue_api::bank::{
    BankAccountDto, BankCsvPreviewDto, BankEntryDto, BankEntryStatusDto, BankIgnoreRuleDto,
    BankImportOptions, BankImportProgress, BankImportSummary, BankMatchInput, BankSettingsDto,
    BankStatementDto,
};
use overdue_api::calc::{
    self, CreditCalcRequest, CreditCalcResult, InterestCalcRequest, InterestCalcResult,
    PlanCalcRequest, PlanCalcResult, ScoreRequest, ScoreResult,
};
use overdue_api::collections::{
    CollectionStateDto, HoldDto, HoldInput, PaymentPlanDto, PlanInput, PlanPreview, PromiseDto,
    PromiseInput, SettlementDto, SettlementInput,
};
use overdue_api::court::{CourtClaimDto, CourtClaimRequest, CourtStatusInput, LegalCostInput};
use overdue_api::credit::{CreditAlertsDto, CreditInputsDto, CreditPolicyDto, DebtorCreditDto};
use overdue_api::daily_run::{DailyRunDto, DailyRunInput, JobTarget};
use overdue_api::documents::{LetterRequest, LetterheadDto, ProducedDocument};
use overdue_api::dto::{
    AppInfo, DatabaseTarget, Debtor, DebtorInput, DebtorListQuery, DebtorPage, DemoRequest,
    DemoSummary,
};
use overdue_api::dunning::{
    DunningActionDto, DunningBounceInput, DunningBounceResult, DunningDebtorPolicy,
    DunningEscalate, DunningPolicyDto, DunningRunRequest, DunningRunResult, DunningSentMessage,
    DunningSettings, DunningTaskDone, DunningTemplatePreview,
};
use overdue_api::email::{SmtpSettings, SmtpSettingsInput, TestEmailResult};
use overdue_api::export::{ExportDone, ExportFormat, ExportRequest};
use overdue_api::import::{
    ImportKind, ImportOptions, ImportPreview, ImportProgress, ImportSummary, StagedFile,
};
use overdue_api::interest_pdf::{InterestPrint, SavedPdf};
use overdue_api::latefees::{
    ChargeDto, DebtorInterestDto, DebtorLateFeeDto, LateFeePolicyDto, RateImportDto, RateRowDto,
    RateRowInput,
};
use overdue_api::ledger::{AdjustmentInput, Invoice, InvoiceInput};
use overdue_api::ledger::{
    InvoiceDetailDto, InvoiceListQuery, InvoicePage, PaymentInput, PaymentResult,
};
use overdue_api::letters_ui::{
    AttachmentDto, BatchDone, CaseFilesDone, JobProgress, LetterKindDto, SavedDocument,
    StoredDocumentDto,
};
use overdue_api::reports::{
    AgingDrillDto, AgingQuery, AgingReportDto, MetricsReportDto, StatementDto,
};
use overdue_api::templates::{DunningMessage, DunningTemplateDto};
use overdue_api::{config, Api, ApiError, ErrorCode, SystemClock};
use tauri::ipc::Channel;
use tauri::menu::{MenuBuilder, MenuItemBuilder, SubmenuBuilder};
use tauri::{AppHandle, Emitter, Manager, State};
use tauri_plugin_dialog::DialogExt;

/// What the shell keeps: the API and where the config file is.
struct Shell {
    api: Api,
    config_file: PathBuf,
    startup_notice: Option<String>,
}

type Res<T> = Result<T, ApiError>;

#[tauri::command]
async fn app_info(s: State<'_, Shell>) -> Res<AppInfo> {
    s.api.info().await
}

#[tauri::command]
fn startup_notice(s: State<'_, Shell>) -> Option<String> {
    s.startup_notice.clone()
}

#[tauri::command]
async fn debtors_list(s: State<'_, Shell>, query: DebtorListQuery) -> Res<DebtorPage> {
    s.api.debtors_list(query).await
}

#[tauri::command]
async fn debtor_get(s: State<'_, Shell>, id: i64) -> Res<Debtor> {
    s.api.debtor_get(id).await
}

#[tauri::command]
async fn debtor_create(s: State<'_, Shell>, input: DebtorInput) -> Res<Debtor> {
    s.api.debtor_create(input).await
}

/// Saves an edited debtor; `version` is its version as the form read it (a save over
/// someone else's change is refused, naming who changed what).
#[tauri::command]
async fn debtor_update(
    s: State<'_, Shell>,
    id: i64,
    input: DebtorInput,
    version: Option<i64>,
) -> Res<Debtor> {
    s.api.debtor_update(id, input, version).await
}

#[tauri::command]
async fn debtor_set_archived(s: State<'_, Shell>, id: i64, archived: bool) -> Res<Debtor> {
    s.api.debtor_set_archived(id, archived).await
}

#[tauri::command]
async fn demo_load(s: State<'_, Shell>, request: DemoRequest) -> Res<DemoSummary> {
    s.api.demo_load(request).await
}

#[tauri::command]
async fn demo_decline(s: State<'_, Shell>) -> Res<()> {
    s.api.decline_demo().await
}

#[tauri::command]
async fn database_configure(s: State<'_, Shell>, target: DatabaseTarget) -> Res<AppInfo> {
    s.api.configure_database(target, &s.config_file).await
}

/// Settings > Database "Move this book to a server": the open file copied to a new, empty
/// PostgreSQL database, checked, and the window on the server from then on.
#[tauri::command]
async fn book_move_to_server(
    s: State<'_, Shell>,
    url: String,
    password: String,
) -> Res<overdue_api::book::BookMoved> {
    s.api
        .move_book_to_server(&url, &password, &s.config_file)
        .await
}

#[tauri::command]
async fn invoices_list(s: State<'_, Shell>, query: InvoiceListQuery) -> Res<InvoicePage> {
    s.api.invoices_list(query).await
}

#[tauri::command]
async fn invoice_get(s: State<'_, Shell>, id: i64) -> Res<InvoiceDetailDto> {
    s.api.invoice_get(id).await
}

#[tauri::command]
async fn invoice_dispute(
    s: State<'_, Shell>,
    id: i64,
    date: String,
    reason: String,
) -> Res<InvoiceDetailDto> {
    s.api.invoice_dispute(id, &date, &reason).await
}

/// The dashboard: receivables per currency with their aging, six months of invoicing and
/// collection, the day's work.
#[tauri::command]
async fn dashboard(s: State<'_, Shell>) -> Res<overdue_api::dashboard::DashboardDto> {
    s.api.dashboard().await
}

/// Checks a debtor form without saving it (every field's problem, as the save would say).
#[tauri::command]
fn debtor_check(
    s: State<'_, Shell>,
    input: overdue_api::dto::DebtorInput,
) -> Vec<overdue_api::FieldErrorDto> {
    s.api.debtor_check(&input)
}

/// Checks a policy being edited without saving it (every problem with its field).
#[tauri::command]
fn dunning_policy_check(
    s: State<'_, Shell>,
    policy: overdue_api::dunning::DunningPolicyDto,
) -> Vec<overdue_api::FieldErrorDto> {
    s.api.dunning_policy_check(&policy)
}

/// Getting started: the setup checklist, read from the book.
#[tauri::command]
async fn setup_status(s: State<'_, Shell>) -> Res<overdue_api::setup::SetupStatusDto> {
    s.api.setup_status().await
}

/// Hides the setup checklist, or shows it again.
#[tauri::command]
async fn setup_hide(s: State<'_, Shell>, hidden: bool) -> Res<overdue_api::setup::SetupStatusDto> {
    s.api.setup_hide(hidden).await
}

/// Who the app is signed in as, and what their role may do.
#[tauri::command]
async fn signed_in(s: State<'_, Shell>) -> Res<overdue_api::staff::SignedInDto> {
    s.api.signed_in().await
}

/// The shared book's staff and their roles.
#[tauri::command]
async fn staff_list(s: State<'_, Shell>) -> Res<Vec<overdue_api::staff::StaffDto>> {
    s.api.staff_list().await
}

/// Adds a staff member with their own login (owner only).
#[tauri::command]
async fn staff_add(
    s: State<'_, Shell>,
    input: overdue_api::staff::StaffInput,
) -> Res<overdue_api::staff::StaffAdded> {
    s.api.staff_add(input).await
}

/// Gives a staff member another role (owner only).
#[tauri::command]
async fn staff_set_role(
    s: State<'_, Shell>,
    login: String,
    role: overdue_api::staff::StaffRole,
) -> Res<()> {
    s.api.staff_set_role(&login, role).await
}

/// Limits a collector to the debtors whose account manager is their login, or lets them
/// see every debtor again (owner only).
#[tauri::command]
async fn staff_set_own_debtors(s: State<'_, Shell>, login: String, own: bool) -> Res<()> {
    s.api.staff_set_own_debtors(&login, own).await
}

/// Takes a staff member out of the book (owner only).
#[tauri::command]
async fn staff_remove(s: State<'_, Shell>, login: String) -> Res<()> {
    s.api.staff_remove(&login).await
}

/// How much off the claim a collector may give in a settlement, in percent.
#[tauri::command]
async fn collector_settlement_limit(s: State<'_, Shell>) -> Res<String> {
    s.api.collector_settlement_limit().await
}

/// Sets the collectors' settlement limit (owner only).
#[tauri::command]
async fn collector_settlement_limit_set(s: State<'_, Shell>, percent: String) -> Res<String> {
    s.api.collector_settlement_limit_set(&percent).await
}

/// The audit trail: who changed what, when, old and new values.
#[tauri::command]
async fn audit_log(
    s: State<'_, Shell>,
    query: overdue_api::staff::AuditLogQuery,
) -> Res<Vec<overdue_api::staff::AuditEntryDto>> {
    s.api.audit_log(&query).await
}

/// Checks the contact log against its hash chain.
#[tauri::command]
async fn audit_verify(s: State<'_, Shell>) -> Res<overdue_api::staff::AuditVerifyDto> {
    s.api.audit_verify().await
}

/// A credit note or write-off against an invoice (at most its open balance).
#[tauri::command]
async fn invoice_adjust(s: State<'_, Shell>, input: AdjustmentInput) -> Res<InvoiceDetailDto> {
    s.api.adjustment_add(input).await
}

/// Save As of several invoices in one PDF; `None` when the user cancelled. Rendered first,
/// so a refusal (no account to pay into) comes before the file dialog.
#[tauri::command]
async fn invoices_print(
    app: AppHandle,
    s: State<'_, Shell>,
    ids: Vec<i64>,
) -> Res<Option<SavedPdf>> {
    let file = s.api.invoices_pdf(&ids, false).await?;
    match letters_save_path(&app, &file.file_name).await {
        Some(path) => s.api.invoices_pdf_save_to(&ids, &path).await.map(Some),
        None => Ok(None),
    }
}

#[tauri::command]
async fn invoice_resolve_dispute(
    s: State<'_, Shell>,
    id: i64,
    date: String,
) -> Res<InvoiceDetailDto> {
    s.api.invoice_resolve_dispute(id, &date).await
}

#[tauri::command]
async fn payment_record(s: State<'_, Shell>, input: PaymentInput) -> Res<PaymentResult> {
    s.api.payment_record(input).await
}

#[tauri::command]
async fn report_aging(s: State<'_, Shell>, query: AgingQuery) -> Res<AgingReportDto> {
    s.api.report_aging(query).await
}

#[tauri::command]
async fn report_metrics(s: State<'_, Shell>, from: String, to: String) -> Res<MetricsReportDto> {
    s.api.report_metrics(&from, &to).await
}

#[tauri::command]
async fn report_statement(
    s: State<'_, Shell>,
    debtor_id: i64,
    from: String,
    to: String,
) -> Res<StatementDto> {
    s.api
        .report_statement(&format!("#{debtor_id}"), &from, &to)
        .await
}

#[tauri::command]
async fn invoice_create(s: State<'_, Shell>, input: InvoiceInput) -> Res<Invoice> {
    s.api.invoice_create(input).await
}

#[tauri::command]
async fn payment_preview(s: State<'_, Shell>, input: PaymentInput) -> Res<PaymentPreviewDto> {
    s.api.payment_preview(input).await
}

#[tauri::command]
async fn debtor_timeline(s: State<'_, Shell>, debtor_id: i64) -> Res<Vec<TimelineEntryDto>> {
    s.api.debtor_timeline(debtor_id).await
}

#[tauri::command]
async fn credit_of(s: State<'_, Shell>, debtor_id: i64, as_of: String) -> Res<DebtorCreditDto> {
    s.api.credit_of(debtor_id, &as_of).await
}

#[tauri::command]
async fn credit_check(
    s: State<'_, Shell>,
    debtor_id: i64,
    amount: String,
) -> Res<CreditCalcResult> {
    s.api.credit_check(debtor_id, &amount, "").await
}

#[tauri::command]
async fn credit_alerts(s: State<'_, Shell>, limit: i64) -> Res<CreditAlertsDto> {
    s.api.credit_alerts(limit).await
}

#[tauri::command]
async fn credit_refresh(s: State<'_, Shell>) -> Res<usize> {
    s.api.credit_refresh_if_stale().await
}

#[tauri::command]
async fn credit_policy(s: State<'_, Shell>) -> Res<CreditPolicyDto> {
    s.api.credit_policy().await
}

#[tauri::command]
async fn credit_policy_set(s: State<'_, Shell>, policy: CreditPolicyDto) -> Res<CreditPolicyDto> {
    s.api.credit_policy_set(policy).await
}

#[tauri::command]
async fn credit_inputs_set(
    s: State<'_, Shell>,
    debtor_id: i64,
    inputs: CreditInputsDto,
) -> Res<DebtorCreditDto> {
    s.api.credit_inputs_set(debtor_id, inputs).await
}

#[tauri::command]
async fn report_aging_invoices(
    s: State<'_, Shell>,
    query: AgingQuery,
    currency: String,
    label: String,
    debtor_id: Option<i64>,
) -> Res<AgingDrillDto> {
    s.api
        .report_aging_invoices(query, &currency, &label, debtor_id)
        .await
}

/// The wizard's file arrives as base64 text: the webview reads it (a file input), so no
/// path and no file-system permission crosses IPC.
#[tauri::command]
fn import_stage(s: State<'_, Shell>, file_name: String, content: String) -> Res<StagedFile> {
    s.api.import_stage(&file_name, &content)
}

#[tauri::command]
async fn import_preview(
    s: State<'_, Shell>,
    kind: ImportKind,
    options: ImportOptions,
) -> Res<ImportPreview> {
    s.api.import_staged_preview(kind, options).await
}

#[tauri::command]
async fn import_run(
    s: State<'_, Shell>,
    kind: ImportKind,
    options: ImportOptions,
    progress: Channel<ImportProgress>,
) -> Res<ImportSummary> {
    s.api
        .import_staged_run(kind, options, &|p| drop(progress.send(p)))
        .await
}

/// Save As: the native dialog is Rust's; `None` when the user cancelled.
#[tauri::command]
async fn export_save(
    app: AppHandle,
    s: State<'_, Shell>,
    request: ExportRequest,
    format: ExportFormat,
) -> Res<Option<ExportDone>> {
    match save_path(&app, &request.suggested_name(format)).await {
        Some(path) => s.api.export_to(&request, format, &path).await.map(Some),
        None => Ok(None),
    }
}

async fn save_path(app: &AppHandle, suggested: &str) -> Option<PathBuf> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_file_name(suggested)
        .save_file(move |p| {
            let _ = tx.send(p.and_then(|p| p.into_path().ok()));
        });
    rx.await.ok().flatten()
}

/// Save As of the interest calculation as a PDF; `None` when the user cancelled.
#[tauri::command]
async fn interest_pdf_save(
    app: AppHandle,
    s: State<'_, Shell>,
    what: InterestPrint,
) -> Res<Option<SavedPdf>> {
    match save_path(&app, &what.suggested_name()).await {
        Some(path) => s.api.interest_pdf_to(&what, &path).await.map(Some),
        None => Ok(None),
    }
}

/// On the rate table in use (the user's rows included); the window never names a rates
/// file: that would let the webview read any path.
#[tauri::command]
async fn calc_interest(
    s: State<'_, Shell>,
    request: InterestCalcRequest,
) -> Res<InterestCalcResult> {
    s.api.calc_interest(request).await.map_err(calc::in_words)
}

#[tauri::command]
async fn late_fee_default(s: State<'_, Shell>) -> Res<LateFeePolicyDto> {
    s.api.late_fee_default().await
}

#[tauri::command]
async fn late_fee_default_set(
    s: State<'_, Shell>,
    policy: LateFeePolicyDto,
) -> Res<LateFeePolicyDto> {
    s.api.late_fee_default_set(policy).await
}

#[tauri::command]
async fn late_fee_of(s: State<'_, Shell>, debtor_id: i64) -> Res<DebtorLateFeeDto> {
    s.api.late_fee_of(debtor_id).await
}

#[tauri::command]
async fn late_fee_set(
    s: State<'_, Shell>,
    debtor_id: i64,
    policy: Option<LateFeePolicyDto>,
) -> Res<DebtorLateFeeDto> {
    s.api.late_fee_set(debtor_id, policy).await
}

#[tauri::command]
async fn debtor_interest(
    s: State<'_, Shell>,
    debtor_id: i64,
    as_of: String,
) -> Res<DebtorInterestDto> {
    s.api.debtor_interest(debtor_id, &as_of).await
}

#[tauri::command]
async fn charges_claim(s: State<'_, Shell>, debtor_id: i64) -> Res<Vec<ChargeDto>> {
    s.api.charges_claim(debtor_id, "").await
}

#[tauri::command]
async fn charges_of(s: State<'_, Shell>, debtor_id: i64) -> Res<Vec<ChargeDto>> {
    s.api.charges_of(debtor_id).await
}

#[tauri::command]
async fn charge_reverse(
    s: State<'_, Shell>,
    debtor_id: i64,
    charge_id: i64,
    date: String,
    reason: String,
) -> Res<Vec<ChargeDto>> {
    s.api
        .charge_reverse(debtor_id, charge_id, &date, &reason)
        .await
}

#[tauri::command]
async fn rate_table(s: State<'_, Shell>) -> Res<Vec<RateRowDto>> {
    s.api.rate_table().await
}

#[tauri::command]
async fn rate_row_add(s: State<'_, Shell>, row: RateRowInput) -> Res<Vec<RateRowDto>> {
    s.api.rate_row_add(row).await
}

#[tauri::command]
async fn rate_row_delete(s: State<'_, Shell>, id: i64) -> Res<Vec<RateRowDto>> {
    s.api.rate_row_delete(id).await
}

#[tauri::command]
async fn rate_gaps(s: State<'_, Shell>) -> Res<Vec<String>> {
    s.api.rate_gaps_today().await
}

// Agencies and courts (issue 20).

#[tauri::command]
async fn agencies(s: State<'_, Shell>) -> Res<Vec<AgencyDto>> {
    s.api.agencies().await
}

#[tauri::command]
async fn agency_add(s: State<'_, Shell>, input: AgencyInput) -> Res<AgencyDto> {
    s.api.agency_add(&input).await
}

/// Hands a claim over into a new folder inside the one the user picks; `None` when the
/// user cancelled.
#[tauri::command]
async fn agency_handover(
    app: AppHandle,
    s: State<'_, Shell>,
    request: HandoverRequest,
) -> Res<Option<HandoverDto>> {
    match letters_folder(&app).await {
        Some(dir) => s.api.agency_handover_into(&request, &dir).await.map(Some),
        None => Ok(None),
    }
}

#[tauri::command]
async fn agency_case_of(s: State<'_, Shell>, debtor_id: i64) -> Res<Option<AgencyCaseDto>> {
    s.api.agency_case_of(debtor_id).await
}

#[tauri::command]
async fn agency_collected(s: State<'_, Shell>, input: CollectedInput) -> Res<CollectedDto> {
    s.api.agency_collected(&input).await
}

/// Records what the agency reports on the debtor's open case, on its timeline.
#[tauri::command]
async fn agency_update(s: State<'_, Shell>, input: AgencyUpdateInput) -> Res<String> {
    s.api.agency_update(&input).await
}

/// Recalls the debtor's open case; our reminders resume.
#[tauri::command]
async fn agency_recall(s: State<'_, Shell>, debtor_id: i64, reason: String) -> Res<()> {
    s.api.agency_recall(debtor_id, &reason).await
}

#[tauri::command]
async fn agency_report(s: State<'_, Shell>) -> Res<Vec<AgencyReportDto>> {
    s.api.agency_report().await
}

/// The claim as the form needs it, to look at (not logged).
#[tauri::command]
async fn court_claim_preview(
    s: State<'_, Shell>,
    request: CourtClaimRequest,
) -> Res<CourtClaimDto> {
    s.api.court_claim_preview(&request).await
}

/// Prepares the claim (logged) and saves its worksheet; `None` when the user cancelled.
#[tauri::command]
async fn court_claim_save(
    app: AppHandle,
    s: State<'_, Shell>,
    request: CourtClaimRequest,
) -> Res<Option<CourtClaimDto>> {
    let preview = s.api.court_claim_preview(&request).await?;
    match letters_save_path(&app, &overdue_api::Api::court_claim_file_name(&preview)).await {
        Some(path) => {
            // The claim shown is the one saved and logged: worked out once.
            s.api
                .court_claim_pdf_to(&preview, request.debtor_id, &path)
                .await?;
            s.api.court_claim_log(&request, &preview).await?;
            Ok(Some(preview))
        }
        None => Ok(None),
    }
}

/// Records a step of the court case (issued, judgment, enforcement, paid, withdrawn) on
/// the debtor's timeline.
#[tauri::command]
async fn court_status(s: State<'_, Shell>, input: CourtStatusInput) -> Res<String> {
    s.api.court_status(&input).await
}

/// Books a court fee, lawyer's fee or enforcement cost as a charge on the debtor's
/// account; returns what was booked, in words.
#[tauri::command]
async fn legal_cost_add(s: State<'_, Shell>, input: LegalCostInput) -> Res<String> {
    s.api.legal_cost_add(&input).await
}

/// Open invoices by the last day a claim can be issued (today's date; `within` days ahead,
/// time-barred ones included; one debtor's or all).
#[tauri::command]
async fn limitation(
    s: State<'_, Shell>,
    within: Option<i64>,
    debtor_id: Option<i64>,
) -> Res<overdue_api::limitation::LimitationReportDto> {
    s.api.limitation("", within, debtor_id).await
}

#[tauri::command]
async fn rate_import(
    s: State<'_, Shell>,
    file_name: String,
    content: String,
    apply: bool,
) -> Res<RateImportDto> {
    let bytes = overdue_api::import::decode_upload(&file_name, &content)?;
    s.api.rate_import(&file_name, &bytes, apply).await
}

#[tauri::command]
fn calc_plan(request: PlanCalcRequest) -> Res<PlanCalcResult> {
    calc::plan(request).map_err(calc::in_words)
}

#[tauri::command]
fn calc_score(request: ScoreRequest) -> Res<ScoreResult> {
    calc::score(request).map_err(calc::in_words)
}

#[tauri::command]
fn calc_credit(request: CreditCalcRequest) -> Res<CreditCalcResult> {
    calc::credit(request).map_err(calc::in_words)
}

/// File > New / Open: a native dialog, then the same switch as Settings > Database.
#[tauri::command]
async fn database_pick(app: AppHandle, s: State<'_, Shell>, create: bool) -> Res<Option<AppInfo>> {
    match pick_database_file(&app, create).await {
        Some(path) => s
            .api
            .configure_database(DatabaseTarget::Sqlite { path }, &s.config_file)
            .await
            .map(Some),
        None => Ok(None),
    }
}

async fn pick_database_file(app: &AppHandle, create: bool) -> Option<String> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let dialog = app
        .dialog()
        .file()
        .add_filter("Overdue database", &["db", "sqlite", "overdue"]);
    let send = move |p: Option<tauri_plugin_dialog::FilePath>| {
        let _ = tx.send(
            p.and_then(|p| p.into_path().ok())
                .map(|p| p.display().to_string()),
        );
    };
    if create {
        dialog.set_file_name("overdue.db").save_file(send);
    } else {
        dialog.pick_file(send);
    }
    rx.await.ok().flatten()
}

fn build_menu(app: &tauri::App) -> tauri::Result<()> {
    let new = MenuItemBuilder::with_id("db-new", "New Database…")
        .accelerator("CmdOrCtrl+N")
        .build(app)?;
    let open = MenuItemBuilder::with_id("db-open", "Open Database…")
        .accelerator("CmdOrCtrl+O")
        .build(app)?;
    // The window opens its own file picker (it reads the file itself; no path crosses IPC).
    let bank = MenuItemBuilder::with_id("import-bank", "Import bank statement…")
        .accelerator("CmdOrCtrl+B")
        .build(app)?;
    let file = SubmenuBuilder::new(app, "File")
        .item(&new)
        .item(&open)
        .separator()
        .item(&bank)
        .separator()
        .quit()
        .build()?;
    let log = MenuItemBuilder::with_id("help-log", "Open log folder").build(app)?;
    let help = SubmenuBuilder::new(app, "Help").item(&log).build()?;
    let menu = MenuBuilder::new(app).item(&file).item(&help).build()?;
    app.set_menu(menu)?;
    app.on_menu_event(|app, event| {
        let create = match event.id().as_ref() {
            "db-new" => true,
            "db-open" => false,
            "import-bank" => {
                let _ = app.emit("menu-import-bank", ());
                return;
            }
            "help-log" => {
                if let Err(e) = overdue_api::logging::open_log_folder() {
                    tracing::warn!(error = %e.message, "the log folder could not be opened");
                }
                return;
            }
            _ => return,
        };
        let app = app.clone();
        tauri::async_runtime::spawn(async move {
            let shell = app.state::<Shell>();
            let outcome = match pick_database_file(&app, create).await {
                Some(path) => {
                    shell
                        .api
                        .configure_database(DatabaseTarget::Sqlite { path }, &shell.config_file)
                        .await
                }
                None => return,
            };
            let _ = match outcome {
                Ok(info) => app.emit("database-changed", info),
                Err(e) => app.emit("app-error", e),
            };
        });
    });
    Ok(())
}

// Dunning (issue 7): the run, outbox, worklist, templates, settings and email.

#[tauri::command]
async fn dunning_run(s: State<'_, Shell>, request: DunningRunRequest) -> Res<DunningRunResult> {
    s.api.dunning_run(request).await
}

#[tauri::command]
async fn dunning_actions(
    s: State<'_, Shell>,
    debtor_id: Option<i64>,
    states: Vec<String>,
) -> Res<Vec<DunningActionDto>> {
    s.api.dunning_actions(debtor_id, states).await
}

#[tauri::command]
async fn dunning_worklist(
    s: State<'_, Shell>,
    account_manager: String,
) -> Res<Vec<DunningActionDto>> {
    s.api.dunning_worklist(account_manager).await
}

#[tauri::command]
async fn dunning_task_done(s: State<'_, Shell>, input: DunningTaskDone) -> Res<()> {
    s.api.dunning_task_done(input).await
}

#[tauri::command]
async fn dunning_escalate(s: State<'_, Shell>, input: DunningEscalate) -> Res<DunningActionDto> {
    s.api.dunning_escalate(input).await
}

#[tauri::command]
async fn dunning_policies(s: State<'_, Shell>) -> Res<Vec<DunningPolicyDto>> {
    s.api.dunning_policies().await
}

#[tauri::command]
async fn dunning_policy_save(
    s: State<'_, Shell>,
    policy: DunningPolicyDto,
) -> Res<DunningPolicyDto> {
    s.api.dunning_policy_save(policy).await
}

#[tauri::command]
async fn dunning_policy_delete(s: State<'_, Shell>, id: i64) -> Res<()> {
    s.api.dunning_policy_delete(id).await
}

#[tauri::command]
async fn dunning_policy_set_default(s: State<'_, Shell>, id: i64) -> Res<DunningPolicyDto> {
    s.api.dunning_policy_set_default(id).await
}

#[tauri::command]
async fn dunning_debtor_policy(s: State<'_, Shell>, debtor_id: i64) -> Res<DunningDebtorPolicy> {
    s.api.dunning_debtor_policy(debtor_id).await
}

#[tauri::command]
async fn dunning_assign_policy(
    s: State<'_, Shell>,
    debtor_id: i64,
    policy_id: Option<i64>,
) -> Res<()> {
    s.api.dunning_assign_policy(debtor_id, policy_id).await
}

#[tauri::command]
async fn dunning_bounce(
    s: State<'_, Shell>,
    input: DunningBounceInput,
) -> Res<DunningBounceResult> {
    s.api.dunning_bounce(input).await
}

#[tauri::command]
async fn dunning_templates(s: State<'_, Shell>) -> Res<Vec<DunningTemplateDto>> {
    s.api.dunning_templates().await
}

#[tauri::command]
async fn dunning_template_save(
    s: State<'_, Shell>,
    template: DunningTemplateDto,
) -> Res<DunningTemplateDto> {
    s.api.dunning_template_save(template).await
}

/// The fields a template may use, for the editor's list.
#[tauri::command]
fn dunning_template_fields() -> Vec<overdue_api::templates::MergeFieldDto> {
    overdue_api::templates::merge_fields()
}

#[tauri::command]
async fn dunning_template_preview(
    s: State<'_, Shell>,
    request: DunningTemplatePreview,
) -> Res<DunningMessage> {
    s.api.dunning_template_preview(request).await
}

#[tauri::command]
async fn dunning_sent_message(s: State<'_, Shell>, action_id: i64) -> Res<DunningSentMessage> {
    s.api.dunning_sent_message(action_id).await
}

#[tauri::command]
async fn dunning_settings(s: State<'_, Shell>) -> Res<DunningSettings> {
    s.api.dunning_settings().await
}

#[tauri::command]
async fn dunning_settings_save(
    s: State<'_, Shell>,
    settings: DunningSettings,
) -> Res<DunningSettings> {
    s.api.dunning_settings_save(settings).await
}

#[tauri::command]
async fn daily_run(s: State<'_, Shell>) -> Res<DailyRunDto> {
    s.api.daily_run().await
}

/// Saves Settings > Daily run; the scheduled job runs the `overdue` tool installed beside
/// this program on the book open now.
#[tauri::command]
async fn daily_run_set(s: State<'_, Shell>, input: DailyRunInput) -> Res<DailyRunDto> {
    let target = if input.when_closed {
        let exe = std::env::current_exe()
            .map_err(|e| ApiError::new(ErrorCode::Io, format!("this program's path: {e}")))?;
        Some(JobTarget {
            program: overdue_api::daily_run::program_beside(&exe)?,
            db: s.api.info().await?.location,
            activate: std::env::var_os("OVERDUE_NO_SYSTEMCTL").is_none(),
        })
    } else {
        None
    };
    s.api.daily_run_set(input, target).await
}

#[tauri::command]
async fn smtp_settings(s: State<'_, Shell>) -> Res<Option<SmtpSettings>> {
    s.api.smtp_settings().await
}

#[tauri::command]
async fn smtp_configure(s: State<'_, Shell>, input: SmtpSettingsInput) -> Res<SmtpSettings> {
    s.api.smtp_configure(input).await
}

#[tauri::command]
async fn smtp_send_test(s: State<'_, Shell>, to: String) -> Res<TestEmailResult> {
    s.api.smtp_send_test(&to).await
}

// Collections (payment plans, promises, settlements, holds, collection state).
#[tauri::command]
async fn plan_preview(s: State<'_, Shell>, input: PlanInput) -> Res<PlanPreview> {
    s.api.plan_preview(input).await.map_err(calc::in_words)
}

#[tauri::command]
async fn plan_create(s: State<'_, Shell>, input: PlanInput) -> Res<PaymentPlanDto> {
    s.api.plan_create(input).await.map_err(calc::in_words)
}

#[tauri::command]
async fn plan_get(s: State<'_, Shell>, id: i64) -> Res<PaymentPlanDto> {
    s.api.plan_get(id).await
}

#[tauri::command]
async fn plans_of(s: State<'_, Shell>, debtor_id: i64) -> Res<Vec<PaymentPlanDto>> {
    s.api.plans_of(debtor_id).await
}

#[tauri::command]
async fn promise_add(s: State<'_, Shell>, input: PromiseInput) -> Res<PromiseDto> {
    s.api.promise_add(input).await
}

#[tauri::command]
async fn promises_of(s: State<'_, Shell>, debtor_id: i64) -> Res<Vec<PromiseDto>> {
    s.api.promises_of(debtor_id).await
}

#[tauri::command]
async fn settlement_offer_add(s: State<'_, Shell>, input: SettlementInput) -> Res<SettlementDto> {
    s.api.settlement_offer_add(input).await
}

#[tauri::command]
async fn settlement_accept(
    s: State<'_, Shell>,
    id: i64,
    date: String,
    by: String,
) -> Res<SettlementDto> {
    s.api.settlement_accept(id, &date, &by).await
}

#[tauri::command]
async fn settlements_of(s: State<'_, Shell>, debtor_id: i64) -> Res<Vec<SettlementDto>> {
    s.api.settlements_of(debtor_id).await
}

#[tauri::command]
async fn hold_add(s: State<'_, Shell>, input: HoldInput) -> Res<HoldDto> {
    s.api.hold_add(input).await
}

#[tauri::command]
async fn hold_release(s: State<'_, Shell>, id: i64, reason: String, by: String) -> Res<HoldDto> {
    s.api.hold_release(id, &reason, &by).await
}

#[tauri::command]
async fn holds_of(s: State<'_, Shell>, debtor_id: i64) -> Res<Vec<HoldDto>> {
    s.api.holds_of(debtor_id).await
}

#[tauri::command]
async fn collection_state(
    s: State<'_, Shell>,
    debtor_id: i64,
    as_of: String,
) -> Res<CollectionStateDto> {
    s.api.collection_state(debtor_id, &as_of).await
}

#[tauri::command]
async fn collection_states(
    s: State<'_, Shell>,
    debtor_ids: Vec<i64>,
) -> Res<Vec<CollectionStateDto>> {
    s.api.collection_states(debtor_ids).await
}

#[tauri::command]
async fn invoice_dispute_settle(
    s: State<'_, Shell>,
    id: i64,
    date: String,
    upheld: bool,
    credit_note_ref: String,
) -> Res<InvoiceDetailDto> {
    s.api
        .invoice_dispute_settle(id, &date, upheld, &credit_note_ref, "")
        .await
}

// Letters (issue 8): preview, Save As, Print, the run's letters and case files as jobs,
// documents kept, attachments, the letterhead and its live sample. Paths come from
// native dialogs opened here; `OVERDUE_E2E_SAVE_DIR` (tests only) stands in for them.

#[tauri::command]
fn letter_kinds(s: State<'_, Shell>) -> Vec<LetterKindDto> {
    s.api.letter_kinds()
}

#[tauri::command]
async fn letter_preview(s: State<'_, Shell>, request: LetterRequest) -> Res<ProducedDocument> {
    s.api.letter_preview(request).await
}

/// Save As: rendered first (so the dialog suggests the letter's file name), then written
/// and kept; `None` when the user cancelled.
#[tauri::command]
async fn letter_save(
    app: AppHandle,
    s: State<'_, Shell>,
    request: LetterRequest,
) -> Res<Option<SavedDocument>> {
    let file = s.api.letter_pdf(&request, false).await?;
    match letters_save_path(&app, &file.file_name).await {
        Some(path) => s.api.letter_keep(&request, file, &path).await.map(Some),
        None => Ok(None),
    }
}

#[tauri::command]
async fn letter_print(s: State<'_, Shell>, request: LetterRequest) -> Res<SavedDocument> {
    let test_dir = std::env::var_os("OVERDUE_E2E_SAVE_DIR").map(PathBuf::from);
    let open = test_dir.is_none();
    s.api.letter_print(&request, test_dir, open).await
}

#[tauri::command]
async fn letters_batch(
    app: AppHandle,
    s: State<'_, Shell>,
    as_of: String,
    job: String,
    progress: Channel<JobProgress>,
) -> Res<Option<BatchDone>> {
    // Refused before the file dialog when there is nothing to print or no letterhead.
    s.api.letters_batch_check(&as_of).await?;
    let name = format!("dunning-run-{}.pdf", as_of.trim());
    match letters_save_path(&app, &name).await {
        Some(path) => s
            .api
            .letters_batch_to(&as_of, &path, &job, &|p| drop(progress.send(p)))
            .await
            .map(Some),
        None => Ok(None),
    }
}

#[tauri::command]
fn job_cancel(job: String) {
    overdue_api::letters_ui::job_cancel(&job);
}

#[tauri::command]
async fn case_files_export(
    app: AppHandle,
    s: State<'_, Shell>,
    debtor_ids: Vec<i64>,
    job: String,
    progress: Channel<JobProgress>,
) -> Res<Option<CaseFilesDone>> {
    match letters_folder(&app).await {
        Some(dir) => s
            .api
            .case_files_to(&debtor_ids, &dir, &job, &|p| drop(progress.send(p)))
            .await
            .map(Some),
        None => Ok(None),
    }
}

#[tauri::command]
async fn documents_of(s: State<'_, Shell>, debtor_id: i64) -> Res<Vec<StoredDocumentDto>> {
    s.api.stored_documents(debtor_id).await
}

#[tauri::command]
async fn document_save(app: AppHandle, s: State<'_, Shell>, id: i64) -> Res<Option<SavedDocument>> {
    let name = s.api.stored_document_name(id).await?;
    match letters_save_path(&app, &name).await {
        Some(path) => s.api.stored_document_to(id, &path).await.map(Some),
        None => Ok(None),
    }
}

#[tauri::command]
async fn attachments_of(s: State<'_, Shell>, debtor_id: i64) -> Res<Vec<AttachmentDto>> {
    s.api.attachments_list(debtor_id).await
}

#[tauri::command]
async fn attachment_add(
    app: AppHandle,
    s: State<'_, Shell>,
    debtor_id: i64,
) -> Res<Option<AttachmentDto>> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog().file().pick_file(move |p| {
        let _ = tx.send(p.and_then(|p| p.into_path().ok()));
    });
    match rx.await.ok().flatten() {
        Some(path) => s.api.attach_path(debtor_id, &path).await.map(Some),
        None => Ok(None),
    }
}

#[tauri::command]
async fn letterhead_get(s: State<'_, Shell>) -> Res<LetterheadDto> {
    s.api.letterhead_get().await
}

#[tauri::command]
async fn letterhead_set(s: State<'_, Shell>, letterhead: LetterheadDto) -> Res<LetterheadDto> {
    s.api.letterhead_set(letterhead).await
}

#[tauri::command]
async fn letterhead_sample(
    s: State<'_, Shell>,
    letterhead: LetterheadDto,
) -> Res<ProducedDocument> {
    s.api.letterhead_sample(letterhead).await
}

/// The Save As dialog, or the test folder when `OVERDUE_E2E_SAVE_DIR` is set (WebDriver
/// cannot drive a native dialog).
/// Save As of a payment plan or settlement agreement; `None` when the user cancelled.
#[tauri::command]
async fn agreement_save(
    app: AppHandle,
    s: State<'_, Shell>,
    debtor_id: i64,
    kind: AgreementKind,
    id: Option<i64>,
) -> Res<Option<SavedPdf>> {
    // Checked first: a refusal (no account to pay into) comes before any file dialog.
    s.api.agreement_check(debtor_id, kind, id).await?;
    match letters_save_path(&app, &kind.suggested_name(debtor_id, id)).await {
        Some(path) => s
            .api
            .agreement_save_to(debtor_id, kind, id, &path)
            .await
            .map(Some),
        None => Ok(None),
    }
}

/// Save As of a statement of account as PDF; `None` when the user cancelled. Rendered
/// first, so a refusal (it asks for payment and the letterhead has no account) comes
/// before the file dialog.
#[tauri::command]
async fn statement_save(
    app: AppHandle,
    s: State<'_, Shell>,
    debtor_id: i64,
    from: String,
    to: String,
) -> Res<Option<SavedPdf>> {
    let file = s.api.statement_pdf(debtor_id, &from, &to, false).await?;
    match letters_save_path(&app, &file.file_name).await {
        Some(path) => s
            .api
            .statement_save_to(debtor_id, &from, &to, &path)
            .await
            .map(Some),
        None => Ok(None),
    }
}

async fn letters_save_path(app: &AppHandle, suggested: &str) -> Option<PathBuf> {
    match std::env::var_os("OVERDUE_E2E_SAVE_DIR") {
        Some(dir) => Some(PathBuf::from(dir).join(suggested)),
        None => save_path(app, suggested).await,
    }
}

async fn letters_folder(app: &AppHandle) -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("OVERDUE_E2E_SAVE_DIR") {
        return Some(PathBuf::from(dir));
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog().file().pick_folder(move |p| {
        let _ = tx.send(p.and_then(|p| p.into_path().ok()));
    });
    rx.await.ok().flatten()
}

// Bank statements (issue 13): the window reads the file itself and sends it base64, as
// the import wizard does, so no path crosses IPC.

/// Who is at the keyboard (the OS user), for the contact log, as the CLI records it.
fn whoami() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "app".to_string())
}

/// Imports a statement with progress over a channel; `job_cancel(job)` stops it before
/// anything is written.
#[tauri::command]
async fn bank_import(
    s: State<'_, Shell>,
    file_name: String,
    content: String,
    options: BankImportOptions,
    job: String,
    progress: Channel<BankImportProgress>,
) -> Res<BankImportSummary> {
    let bytes = overdue_api::import::decode_upload(&file_name, &content)?;
    drop(content);
    let out = s
        .api
        .bank_import(
            &bytes,
            &file_name,
            &options,
            &|p| drop(progress.send(p)),
            &|| overdue_api::letters_ui::job_cancelled(&job),
        )
        .await;
    overdue_api::letters_ui::job_end(&job);
    out
}

#[tauri::command]
async fn bank_csv_preview(
    s: State<'_, Shell>,
    file_name: String,
    content: String,
    account: Option<String>,
    skip_rows: u32,
) -> Res<BankCsvPreviewDto> {
    let bytes = overdue_api::import::decode_upload(&file_name, &content)?;
    s.api
        .bank_csv_preview(&bytes, &file_name, account.as_deref(), skip_rows)
        .await
}

#[tauri::command]
async fn bank_entries(
    s: State<'_, Shell>,
    status: Option<BankEntryStatusDto>,
    statement_id: Option<i64>,
    limit: u32,
) -> Res<Vec<BankEntryDto>> {
    s.api.bank_entries(status, statement_id, limit).await
}

#[tauri::command]
async fn bank_entry(s: State<'_, Shell>, id: i64) -> Res<BankEntryDto> {
    s.api.bank_entry(id).await
}

#[tauri::command]
async fn bank_accept(s: State<'_, Shell>, id: i64) -> Res<BankEntryDto> {
    s.api.bank_accept(id, &whoami()).await
}

#[tauri::command]
async fn bank_match(s: State<'_, Shell>, id: i64, input: BankMatchInput) -> Res<BankEntryDto> {
    s.api.bank_match(id, &input, &whoami()).await
}

#[tauri::command]
async fn bank_unmatch(s: State<'_, Shell>, id: i64) -> Res<BankEntryDto> {
    s.api.bank_unmatch(id, &whoami()).await
}

#[tauri::command]
async fn bank_ignore(s: State<'_, Shell>, id: i64, rule: bool) -> Res<Vec<BankEntryDto>> {
    s.api.bank_ignore(id, rule).await
}

#[tauri::command]
async fn bank_unignore(s: State<'_, Shell>, id: i64) -> Res<BankEntryDto> {
    s.api.bank_unignore(id).await
}

#[tauri::command]
async fn bank_accounts(s: State<'_, Shell>) -> Res<Vec<BankAccountDto>> {
    s.api.bank_accounts().await
}

#[tauri::command]
async fn bank_account_rename(s: State<'_, Shell>, id: i64, name: String) -> Res<()> {
    s.api.bank_account_rename(id, &name).await
}

#[tauri::command]
async fn bank_statements(s: State<'_, Shell>) -> Res<Vec<BankStatementDto>> {
    s.api.bank_statements().await
}

#[tauri::command]
async fn bank_settings(s: State<'_, Shell>) -> Res<BankSettingsDto> {
    s.api.bank_settings().await
}

#[tauri::command]
async fn bank_settings_set(s: State<'_, Shell>, settings: BankSettingsDto) -> Res<BankSettingsDto> {
    s.api.bank_settings_set(settings).await
}

#[tauri::command]
async fn bank_ignore_rules(s: State<'_, Shell>) -> Res<Vec<BankIgnoreRuleDto>> {
    s.api.bank_ignore_rules().await
}

#[tauri::command]
async fn bank_ignore_rule_delete(s: State<'_, Shell>, id: i64) -> Res<()> {
    s.api.bank_ignore_rule_delete(id).await
}

#[tauri::command]
async fn debtor_iban_add(s: State<'_, Shell>, debtor_id: i64, iban: String) -> Res<Vec<String>> {
    s.api.debtor_iban_add(debtor_id, &iban).await
}

/// What of the window is remembered: size, position and whether it was maximized.
fn window_state_flags() -> tauri_plugin_window_state::StateFlags {
    use tauri_plugin_window_state::StateFlags;
    StateFlags::SIZE | StateFlags::POSITION | StateFlags::MAXIMIZED
}

/// Writes the window's size and position half a second after it last moved or changed
/// size (the plugin itself writes only when the app exits normally, so a crash or a killed
/// process would forget it).
fn save_window_state_soon(app: &tauri::AppHandle) {
    use std::sync::atomic::{AtomicU64, Ordering};
    use tauri_plugin_window_state::AppHandleExt;
    static LATEST: AtomicU64 = AtomicU64::new(0);
    let mine = LATEST.fetch_add(1, Ordering::SeqCst) + 1;
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        if LATEST.load(Ordering::SeqCst) == mine {
            if let Err(e) = app.save_window_state(window_state_flags()) {
                tracing::warn!(error = %e, "the window's size and position were not saved");
            }
        }
    });
}

/// Starts the app: opens the remembered database (or the default file), then the window.
pub fn run() {
    // The log file a user can find (Help > Open log folder); without it the app still runs.
    let log = match overdue_api::logging::init() {
        Ok((guard, _)) => Some(guard),
        Err(e) => {
            eprintln!("Overdue cannot write its log: {}", e.message);
            None
        }
    };
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "the app starts");
    let clock = Arc::new(SystemClock::from_env());
    let opened = tauri::async_runtime::block_on(config::open_remembered(clock));
    let (api, config_file, notice) = match opened {
        Ok(v) => v,
        Err(e) => {
            tracing::error!(code = ?e.code, error = %e.message, "the app cannot start");
            eprintln!("Overdue cannot start: {}", e.message);
            drop(log); // flushes the log before the process ends
            std::process::exit(1);
        }
    };
    // Single instance first: a second launch hands over to the open window (brought to
    // the front) and ends before anything else starts. Without a D-Bus session on Linux it
    // launches normally.
    tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            tracing::info!("a second launch: the open window is brought to the front");
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }))
        .plugin(
            tauri_plugin_window_state::Builder::new()
                .with_state_flags(window_state_flags())
                .build(),
        )
        .plugin(tauri_plugin_dialog::init())
        .on_window_event(|window, event| {
            if matches!(
                event,
                tauri::WindowEvent::Moved(_) | tauri::WindowEvent::Resized(_)
            ) {
                save_window_state_soon(window.app_handle());
            }
        })
        .manage(Shell {
            api,
            config_file,
            startup_notice: notice,
        })
        .setup(|app| {
            build_menu(app)?;
            // Scores and credit alerts once a day, in the background (at start).
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                let refreshed = handle.state::<Shell>().api.credit_refresh_if_stale().await;
                let _ = match refreshed {
                    Ok(n) => handle.emit("credit-refreshed", n),
                    Err(e) => handle.emit("app-error", e),
                };
            });
            // Other staff's changes to a shared book, as the database announces them.
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                let shell = handle.state::<Shell>();
                shell
                    .api
                    .watch_changes(|table| {
                        let _ = handle.emit("book-changed", table);
                    })
                    .await;
            });
            // The daily dunning run at the configured time, reported to the window.
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                let shell = handle.state::<Shell>();
                shell
                    .api
                    .dunning_daily_loop(|r| {
                        let _ = match r {
                            Ok(event) => {
                                // The scheduled job notified the desktop itself.
                                if !event.by_job {
                                    overdue_api::daily_run::notify_desktop(&event.digest);
                                }
                                handle.emit("dunning-run", event.digest)
                            }
                            Err(e) => handle.emit("app-error", e),
                        };
                    })
                    .await;
            });
            Ok(())
        })
        // The handler list is generated by build.rs from its one list of commands (the same list
        // the permission set is written from).
        .invoke_handler(include!(concat!(env!("OUT_DIR"), "/handlers.rs")))
        .build(tauri::generate_context!())
        .expect("error while building the Overdue window")
        .run(|app, event| {
            if let tauri::RunEvent::Exit = event {
                let shell = app.state::<Shell>();
                tauri::async_runtime::block_on(shell.api.close());
            }
        });
}
