//! Export of what the user sees (aging, a statement, the invoice list) to CSV or XLSX,
//! for the CLI's `export` and the window's Export buttons alike.

use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ledger::{Invoice, InvoiceListQuery};
use crate::reports::{AgingQuery, AgingReportDto, StatementDto};
use crate::{Api, ApiError, ErrorCode};

/// A rectangular table: header, rows, and which columns hold amounts (right-aligned in
/// the terminal, numbers in XLSX).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Column names.
    pub header: Vec<String>,
    /// Rows of cells.
    pub rows: Vec<Vec<String>>,
    /// Columns holding amounts.
    pub amount_columns: Vec<usize>,
}

/// The aging report as a table: one row per debtor, then a total per currency.
pub fn aging_table(r: &AgingReportDto) -> Table {
    let mut header: Vec<String> = ["external_id", "name", "currency"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    header.extend(r.labels.iter().cloned());
    header.push("total".into());
    let amount_columns = (3..header.len()).collect();
    let mut rows = Vec::new();
    for d in &r.debtors {
        let mut row = vec![d.external_id.clone(), d.name.clone(), d.currency.clone()];
        row.extend(d.buckets.0.iter().map(|(_, v)| v.clone()));
        row.push(d.total.clone());
        rows.push(row);
    }
    for (currency, t) in &r.currencies {
        let mut row = vec![
            String::new(),
            format!("TOTAL (as of {})", r.as_of),
            currency.clone(),
        ];
        row.extend(t.buckets.0.iter().map(|(_, v)| v.clone()));
        row.push(t.total.clone());
        rows.push(row);
    }
    Table {
        header,
        rows,
        amount_columns,
    }
}

/// A statement of account as a table, opening and closing balance included.
pub fn statement_table(s: &StatementDto) -> Table {
    let mut rows = vec![vec![
        s.from.clone(),
        "opening_balance".into(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        s.opening_balance.clone(),
    ]];
    for l in &s.lines {
        rows.push(vec![
            l.date.clone(),
            l.kind.clone(),
            l.reference.clone(),
            l.description.clone(),
            l.debit.clone(),
            l.credit.clone(),
            l.balance.clone(),
        ]);
    }
    rows.push(vec![
        s.to.clone(),
        "closing_balance".into(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        s.closing_balance.clone(),
    ]);
    Table {
        header: [
            "date",
            "kind",
            "reference",
            "description",
            "debit",
            "credit",
            "balance",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        rows,
        amount_columns: vec![4, 5, 6],
    }
}

/// Invoices as a table.
pub fn invoice_table(rows: &[Invoice]) -> Table {
    Table {
        header: [
            "number",
            "debtor_external_id",
            "debtor",
            "issue_date",
            "due_date",
            "currency",
            "amount",
            "open",
            "status",
            "description",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        rows: rows
            .iter()
            .map(|i| {
                vec![
                    i.number.clone(),
                    i.debtor_ref.clone(),
                    i.debtor_name.clone(),
                    i.issue_date.clone(),
                    i.due_date.clone(),
                    i.currency.clone(),
                    i.amount.clone(),
                    i.open.clone(),
                    serde_json::to_value(i.status)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default(),
                    i.description.clone(),
                ]
            })
            .collect(),
        amount_columns: vec![6, 7],
    }
}

pub(crate) fn io_error(path: &Path, e: impl std::fmt::Display) -> ApiError {
    ApiError::new(
        ErrorCode::Io,
        format!("Cannot write {}: {e}", path.display()),
    )
}

/// Writes a table as CSV; returns the number of rows.
pub fn write_csv(t: &Table, path: &Path) -> Result<usize, ApiError> {
    let mut w = csv::Writer::from_path(path).map_err(|e| io_error(path, e))?;
    w.write_record(&t.header).map_err(|e| io_error(path, e))?;
    for r in &t.rows {
        // Text cells that a spreadsheet would run as a formula are written as text; the
        // amounts stay numbers (a negative amount is not escaped).
        let cells: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(c, v)| {
                if t.amount_columns.contains(&c) {
                    v.clone()
                } else {
                    overdue_domain::text::spreadsheet_text(v).into_owned()
                }
            })
            .collect();
        w.write_record(cells).map_err(|e| io_error(path, e))?;
    }
    w.flush().map_err(|e| io_error(path, e))?;
    Ok(t.rows.len())
}

/// Writes a table as an XLSX workbook; returns the number of rows.
///
/// XLSX stores every number as an IEEE double: that is the file format, not a choice.
/// Amounts are exact decimal strings up to here and are converted once, per cell, for
/// the spreadsheet to sum them; an amount of up to 15 significant digits (every amount
/// a ledger of i64 cents realistically holds) reads back exactly with the "0.00" format.
#[allow(clippy::disallowed_types)]
pub fn write_xlsx(t: &Table, path: &Path) -> Result<usize, ApiError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    let err = |e: rust_xlsxwriter::XlsxError| io_error(path, e);
    for (c, h) in t.header.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, h, &bold)
            .map_err(err)?;
    }
    for (r, row) in t.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, v) in row.iter().enumerate() {
            let number = if t.amount_columns.contains(&c) {
                v.parse::<f64>().ok()
            } else {
                None
            };
            match number {
                Some(n) => sheet.write_number_with_format(r, c as u16, n, &money),
                None => sheet.write_string(r, c as u16, v),
            }
            .map_err(err)?;
        }
    }
    book.save(path).map_err(err)?;
    Ok(t.rows.len())
}

/// What to export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "report", rename_all = "snake_case")]
#[ts(export)]
pub enum ExportRequest {
    /// The aging report.
    Aging {
        /// Its query.
        query: AgingQuery,
    },
    /// A debtor's statement of account.
    Statement {
        /// The debtor.
        #[ts(type = "number")]
        debtor_id: i64,
        /// First day.
        from: String,
        /// Last day.
        to: String,
    },
    /// The invoice list with its filters (every matching invoice, not one window).
    Invoices {
        /// Its filters.
        query: InvoiceListQuery,
    },
    /// The receivables metrics of a period.
    Metrics {
        /// First day.
        from: String,
        /// Last day.
        to: String,
    },
}

/// File formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ExportFormat {
    /// Comma-separated values.
    Csv,
    /// An Excel workbook.
    Xlsx,
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ExportDone {
    /// Where.
    pub path: String,
    /// Rows written.
    pub rows: u32,
}

impl ExportRequest {
    /// A file name to offer in the save dialog.
    pub fn suggested_name(&self, format: ExportFormat) -> String {
        let base = match self {
            ExportRequest::Aging { query } => format!(
                "aging-{}",
                if query.as_of.is_empty() {
                    "today"
                } else {
                    &query.as_of
                }
            ),
            ExportRequest::Statement {
                debtor_id,
                from,
                to,
            } => {
                format!("statement-{debtor_id}-{from}-{to}")
            }
            ExportRequest::Invoices { .. } => "invoices".to_string(),
            ExportRequest::Metrics { from, to } => format!("metrics-{from}-{to}"),
        };
        match format {
            ExportFormat::Csv => format!("{base}.csv"),
            ExportFormat::Xlsx => format!("{base}.xlsx"),
        }
    }
}

impl Api {
    /// The table an export request stands for.
    pub async fn export_table(&self, request: &ExportRequest) -> Result<Table, ApiError> {
        Ok(match request {
            ExportRequest::Aging { query } => aging_table(&self.report_aging(query.clone()).await?),
            ExportRequest::Statement {
                debtor_id,
                from,
                to,
            } => statement_table(
                &self
                    .report_statement(&format!("#{debtor_id}"), from, to)
                    .await?,
            ),
            ExportRequest::Metrics { from, to } => {
                let m = self.report_metrics(from, to).await?;
                let mut rows = Vec::new();
                for (currency, v) in &m.currencies {
                    for (name, value) in [
                        ("dso", &v.dso),
                        ("dso_countback", &v.dso_countback),
                        ("best_possible_dso", &v.best_possible_dso),
                        ("add", &v.add),
                        ("cei", &v.cei),
                        ("collection_rate", &v.collection_rate),
                        ("bad_debt_ratio", &v.bad_debt_ratio),
                    ] {
                        rows.push(vec![
                            m.from.clone(),
                            m.to.clone(),
                            currency.clone(),
                            name.to_string(),
                            value.clone().unwrap_or_default(),
                        ]);
                    }
                }
                Table {
                    header: ["from", "to", "currency", "metric", "value"]
                        .iter()
                        .map(|s| s.to_string())
                        .collect(),
                    rows,
                    amount_columns: vec![4],
                }
            }
            ExportRequest::Invoices { query } => {
                let mut rows = Vec::new();
                let mut q = InvoiceListQuery {
                    offset: 0,
                    limit: 1000,
                    ..query.clone()
                };
                loop {
                    let page = self.invoices_list(q.clone()).await?;
                    let n = page.rows.len() as u32;
                    rows.extend(page.rows);
                    if n == 0 || rows.len() as u32 >= page.total {
                        break;
                    }
                    q.offset += n;
                }
                invoice_table(&rows)
            }
        })
    }

    /// Writes an export to `path` in `format`.
    pub async fn export_to(
        &self,
        request: &ExportRequest,
        format: ExportFormat,
        path: &Path,
    ) -> Result<ExportDone, ApiError> {
        let table = self.export_table(request).await?;
        let rows = match format {
            ExportFormat::Csv => write_csv(&table, path)?,
            ExportFormat::Xlsx => write_xlsx(&table, path)?,
        };
        Ok(ExportDone {
            path: path.display().to_string(),
            rows: u32::try_from(rows).unwrap_or(u32::MAX),
        })
    }
}
