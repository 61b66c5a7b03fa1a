//! The printable interest calculation: the calculator's answer, or every overdue invoice
//! of a debtor under its late-fee policy, laid out as a report (law, segments with their
//! reference rates, part payments and how they were applied, compensation and its basis,
//! totals). A debtor's calculation is kept with its SHA-256 and logged on the contact log,
//! like every document exported.

use std::path::Path;

use overdue_docs::{Block, Lang, Metadata, PageSize, Report};
use overdue_store::NewDocument;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::calc::{InterestCalcRequest, InterestCalcResult};
use crate::documents::PdfFile;
use crate::{Api, ApiError, ErrorCode};

/// What to print.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "source", rename_all = "snake_case")]
#[ts(export)]
pub enum InterestPrint {
    /// The calculator's inputs (on the rate table in use, the user's rows included).
    Calculator {
        /// The inputs.
        request: Box<InterestCalcRequest>,
    },
    /// A debtor's overdue invoices under its late-fee policy.
    Debtor {
        /// The debtor.
        #[ts(type = "number")]
        debtor_id: i64,
        /// The date ("" = today).
        as_of: String,
    },
}

/// A PDF written to a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SavedPdf {
    /// Where.
    pub path: String,
    /// Hex SHA-256 of the bytes written.
    pub sha256: String,
}

impl InterestPrint {
    /// A file name to offer in the save dialog.
    pub fn suggested_name(&self) -> String {
        match self {
            InterestPrint::Calculator { request } => format!(
                "interest-{}-{}-{}.pdf",
                request.jurisdiction, request.due, request.until
            ),
            InterestPrint::Debtor { debtor_id, as_of } => format!(
                "interest-debtor-{debtor_id}-{}.pdf",
                if as_of.is_empty() { "today" } else { as_of }
            ),
        }
    }
}

/// The worksheet's words and figures in one language: amounts with the currency, dates and
/// rates in the language's conventions.
struct Sheet<'a> {
    lang: Lang,
    currency: &'a str,
    /// The debtor is a consumer (German law: 5 points over the base rate, not 9).
    consumer: bool,
}

impl Sheet<'_> {
    fn t(&self, key: &str, values: &[(&str, &str)]) -> String {
        self.lang.t(key, values)
    }

    fn amount(&self, text: &str) -> String {
        match (
            text.parse::<rust_decimal::Decimal>(),
            overdue_domain::Currency::from_code(self.currency),
        ) {
            (Ok(d), Ok(c)) => self.lang.money(&overdue_domain::Money::new(d, c)),
            _ => text.to_string(),
        }
    }

    fn number(&self, text: &str) -> String {
        text.replace('.', self.lang.decimal_mark())
    }

    fn date(&self, text: &str) -> String {
        chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_or_else(|_| text.to_string(), |d| self.lang.short_date(d))
    }
}

fn calculation_blocks(
    title: String,
    c: &InterestCalcResult,
    sheet: &Sheet,
    blocks: &mut Vec<Block>,
) {
    blocks.push(Block::Section {
        title,
        new_page: false,
    });
    blocks.push(Block::Para(sheet.t(
        "ws_law",
        &[
            (
                "law",
                &crate::claim::interest_words(sheet.lang, c, sheet.consumer),
            ),
            ("principal", &sheet.amount(&c.principal)),
            ("due", &sheet.date(&c.due)),
            ("until", &sheet.date(&c.until)),
            ("days", &c.days_late.to_string()),
            ("start", &sheet.date(&c.interest_start)),
        ],
    )));
    if !c.segments.is_empty() {
        let mut rows: Vec<Vec<String>> = c
            .segments
            .iter()
            .map(|s| {
                vec![
                    sheet.date(&s.from),
                    sheet.date(&s.to),
                    s.days.to_string(),
                    sheet.amount(&s.principal),
                    s.reference_rate
                        .as_ref()
                        .map_or_else(|| "–".into(), |r| format!("{}%", sheet.number(r))),
                    s.reference_date
                        .as_deref()
                        .map_or_else(|| "–".into(), |d| sheet.date(d)),
                    format!("{}%", sheet.number(&s.rate)),
                    sheet.amount(&s.daily),
                    sheet.number(&s.interest_exact),
                ]
            })
            .collect();
        rows.push(vec![
            sheet.t("total", &[]),
            String::new(),
            c.segments.iter().map(|s| s.days).sum::<i64>().to_string(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            sheet.number(&c.interest_exact),
        ]);
        let bold = rows.len() - 1;
        blocks.push(Block::Table {
            columns: vec![
                (sheet.t("ws_from", &[]), 12, false),
                (sheet.t("ws_to", &[]), 12, false),
                (sheet.t("ws_days", &[]), 6, true),
                (sheet.t("ws_principal", &[]), 16, true),
                (sheet.t("ws_ref_rate", &[]), 10, true),
                (sheet.t("ws_ref_date", &[]), 12, false),
                (sheet.t("ws_rate", &[]), 10, true),
                (sheet.t("ws_per_day", &[]), 9, true),
                (sheet.t("col_interest", &[]), 13, true),
            ],
            rows,
            bold_rows: vec![bold],
        });
    }
    if !c.allocations.is_empty() {
        blocks.push(Block::Para(sheet.t("ws_payments", &[])));
        blocks.push(Block::Table {
            columns: vec![
                (sheet.t("ws_received", &[]), 20, false),
                (sheet.t("col_amount", &[]), 20, true),
                (sheet.t("ws_to_costs", &[]), 20, true),
                (sheet.t("ws_to_interest", &[]), 20, true),
                (sheet.t("ws_to_principal", &[]), 20, true),
            ],
            rows: c
                .allocations
                .iter()
                .map(|a| {
                    vec![
                        sheet.date(&a.date),
                        sheet.amount(&a.amount),
                        sheet.amount(&a.to_costs),
                        sheet.amount(&a.to_interest),
                        sheet.amount(&a.to_principal),
                    ]
                })
                .collect(),
            bold_rows: Vec::new(),
        });
    }
    let rows = vec![
        vec![
            sheet.t("ws_interest_accrued", &[]),
            sheet.amount(&c.interest),
        ],
        vec![
            sheet.t("col_compensation", &[]),
            sheet.amount(&c.compensation),
        ],
        vec![
            sheet.t("ws_principal_outstanding", &[]),
            sheet.amount(&c.principal_outstanding),
        ],
        vec![
            sheet.t("ws_interest_outstanding", &[]),
            sheet.amount(&c.interest_outstanding),
        ],
        vec![
            sheet.t("ws_compensation_outstanding", &[]),
            sheet.amount(&c.compensation_outstanding),
        ],
        vec![
            sheet.t("ws_balance_due", &[("date", &sheet.date(&c.until))]),
            sheet.amount(&c.balance_due),
        ],
    ];
    blocks.push(Block::Table {
        columns: vec![
            ("".into(), 70, false),
            (sheet.t("col_amount", &[]), 30, true),
        ],
        bold_rows: vec![rows.len() - 1],
        rows,
    });
    if !c.daily_interest.trim_start_matches(['0', '.']).is_empty() {
        blocks.push(Block::Para(sheet.t(
            "ws_continues",
            &[
                ("daily", &sheet.amount(&c.daily_interest)),
                ("date", &sheet.date(&c.until)),
            ],
        )));
    }
    let compensation = c
        .compensation
        .parse::<rust_decimal::Decimal>()
        .ok()
        .zip(overdue_domain::Currency::from_code(sheet.currency).ok())
        .map(|(d, cur)| overdue_domain::Money::new(d, cur))
        .filter(|m| !m.is_zero());
    let compensation_basis = match compensation {
        // The statute in the worksheet's language; the engine's own words otherwise.
        Some(m) => crate::claim::compensation_words(sheet.lang, c, &m),
        None => c.compensation_basis.clone(),
    };
    if !compensation_basis.is_empty() {
        blocks.push(Block::Small(
            sheet.t("ws_compensation", &[("basis", &compensation_basis)]),
        ));
    }
    blocks.push(Block::Small(sheet.t("ws_method", &[("basis", &c.basis)])));
}

impl Api {
    /// The interest calculation as a PDF. A debtor's is kept and logged when `record`.
    pub async fn interest_pdf(
        &self,
        what: &InterestPrint,
        record: bool,
    ) -> Result<PdfFile, ApiError> {
        let head = self.letterhead_get().await?;
        let letterhead = head.to_model();
        let page_size = PageSize::parse(&head.page_size)
            .unwrap_or_else(|| PageSize::for_country(&head.country));
        let mut blocks = Vec::new();
        let (title, subtitle, debtor) = match what {
            InterestPrint::Calculator { request } => {
                let c = self.calc_interest((**request).clone()).await?;
                let sheet = Sheet {
                    lang: Lang::En,
                    currency: &c.currency,
                    consumer: request.debtor_kind.trim() == "consumer",
                };
                calculation_blocks(sheet.t("ws_calculation", &[]), &c, &sheet, &mut blocks);
                (
                    sheet.t("ws_title", &[]),
                    format!(
                        "{} {} due {}, to {}",
                        c.currency, c.principal, c.due, c.until
                    ),
                    None,
                )
            }
            InterestPrint::Debtor { debtor_id, as_of } => {
                let i = self.debtor_interest(*debtor_id, as_of).await?;
                let d = self.store().await.debtor(*debtor_id).await?;
                // The debtor's language: the worksheet may go with a claim.
                let sheet = Sheet {
                    lang: crate::claim::debtor_lang(&d, &head.country),
                    currency: &i.currency,
                    consumer: d.draft.kind == overdue_domain::DebtorKind::Individual,
                };
                blocks.push(Block::Section {
                    title: sheet.t("ws_summary", &[]),
                    new_page: false,
                });
                blocks.push(Block::Para(sheet.t("ws_policy", &[("policy", &i.policy)])));
                let mut rows: Vec<Vec<String>> = i
                    .invoices
                    .iter()
                    .map(|v| {
                        vec![
                            v.number.clone(),
                            sheet.date(&v.due_date),
                            sheet.amount(&v.open),
                            sheet.amount(&v.interest),
                            sheet.amount(&v.compensation),
                            sheet.amount(&v.claimable),
                        ]
                    })
                    .collect();
                rows.push(vec![
                    sheet.t("total", &[]),
                    String::new(),
                    String::new(),
                    sheet.amount(&i.interest),
                    sheet.amount(&i.compensation),
                    sheet.amount(&i.claimable),
                ]);
                blocks.push(Block::Table {
                    columns: vec![
                        (sheet.t("col_invoice", &[]), 18, false),
                        (sheet.t("col_due", &[]), 13, false),
                        (sheet.t("col_open", &[]), 16, true),
                        (sheet.t("col_interest", &[]), 14, true),
                        (sheet.t("col_compensation", &[]), 18, true),
                        (sheet.t("ws_not_yet_charged", &[]), 21, true),
                    ],
                    bold_rows: vec![rows.len() - 1],
                    rows,
                });
                for p in &i.problems {
                    blocks.push(Block::Para(sheet.t("ws_note", &[("note", p)])));
                }
                for v in &i.invoices {
                    calculation_blocks(
                        sheet.t("ws_invoice", &[("number", &v.number)]),
                        &v.calculation,
                        &sheet,
                        &mut blocks,
                    );
                }
                let as_of_text = sheet.date(&i.as_of);
                (
                    sheet.t("ws_title", &[]),
                    format!("{} ({}), {as_of_text}", d.draft.name, d.draft.external_ref),
                    Some((*debtor_id, d.draft.name.clone())),
                )
            }
        };
        let report = Report {
            title: title.clone(),
            subtitle: subtitle.clone(),
            page_size,
            letterhead,
            blocks,
        };
        let meta = Metadata {
            title: format!("{title}: {subtitle}"),
            author: head.name.clone(),
            subject: "Calculation of late-payment interest and compensation".into(),
            keywords: vec!["interest".into()],
            created_unix: self.clock().now().timestamp(),
        };
        let bytes = overdue_docs::render_report(&report, &[], &meta)
            .map_err(|e| ApiError::new(ErrorCode::Internal, format!("PDF: {e}")))?;
        let file_name = what.suggested_name();
        let mut document_ids = Vec::new();
        if let (true, Some((debtor_id, _))) = (record, &debtor) {
            document_ids = self
                .store()
                .await
                .store_documents(
                    &[NewDocument {
                        debtor_id: *debtor_id,
                        invoice_id: None,
                        kind: "interest-calculation".into(),
                        title: meta.title.clone(),
                        file_name: file_name.clone(),
                        content_type: "application/pdf".into(),
                        content: bytes.clone(),
                        author: "overdue".into(),
                        event_kind: "document".into(),
                    }],
                    self.clock().now(),
                )
                .await?
                .into_iter()
                .map(|(id, _)| id)
                .collect();
        }
        Ok(PdfFile {
            document_ids,
            title: meta.title,
            file_name,
            sha256: overdue_store::sha256_hex(&bytes),
            bytes,
            letters: 0,
            notes: Vec::new(),
        })
    }

    /// Writes the interest calculation to `path` (the path chosen in a native dialog or
    /// on the command line) and keeps a debtor's on its record.
    pub async fn interest_pdf_to(
        &self,
        what: &InterestPrint,
        path: &Path,
    ) -> Result<SavedPdf, ApiError> {
        let pdf = self.interest_pdf(what, true).await?;
        crate::letters_ui::write_atomically(path, &pdf.bytes)?;
        Ok(SavedPdf {
            path: path.display().to_string(),
            sha256: pdf.sha256,
        })
    }
}
