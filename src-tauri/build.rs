//! Declares the app's own commands so Tauri generates an `allow-<command>` permission for
//! each; the main window's capability grants exactly the ones the UI uses.

const COMMANDS: &[&str] = &[
    "app_info",
    "startup_notice",
    "debtors_list",
    "debtor_get",
    "debtor_create",
    "debtor_update",
    "debtor_set_archived",
    "demo_load",
    "demo_decline",
    "database_configure",
    "database_pick",
    "calc_interest",
    "calc_plan",
    "calc_score",
    "calc_credit",
    "invoices_list",
    "invoice_get",
    "invoice_dispute",
    "invoice_resolve_dispute",
    "payment_record",
    "report_aging",
    "report_metrics",
    "report_statement",
    "invoice_create",
    "payment_preview",
    "debtor_timeline",
    "credit_of",
    "credit_check",
    "credit_alerts",
    "credit_policy",
    "credit_refresh",
    "credit_policy_set",
    "credit_inputs_set",
    "import_stage",
    "import_preview",
    "import_run",
    "export_save",
    "report_aging_invoices",
    "late_fee_default",
    "late_fee_default_set",
    "late_fee_of",
    "late_fee_set",
    "debtor_interest",
    "charges_claim",
    "charges_of",
    "charge_reverse",
    "rate_table",
    "rate_row_add",
    "rate_row_delete",
    "rate_table_import",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("failed to run tauri-build");
}
