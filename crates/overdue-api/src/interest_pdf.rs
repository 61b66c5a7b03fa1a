//! The printable interest calculation: the calculator's answer, or every overdue invoice
//! of a debtor under its late-fee policy, laid out as a report (law, segments with their
//! reference rates, part payments and how they were applied, compensation and its basis,
//! totals). A debtor's calculation is kept with its SHA-256 and logged on the contact log,
//! like every document exported.

use std::path::Path;

use overdue_docs::{Block, Metadata, PageSize, Report};
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

fn calculation_blocks(title: String, c: &InterestCalcResult, blocks: &mut Vec<Block>) {
    let cur = &c.currency;
    blocks.push(Block::Section {
        title,
        new_page: false,
    });
    blocks.push(Block::Para(format!(
        "Law: {}. Principal {cur} {}, due {}, calculated to {} ({} days late); interest runs from {}.",
        c.law, c.principal, c.due, c.until, c.days_late, c.interest_start
    )));
    if !c.segments.is_empty() {
        let mut rows: Vec<Vec<String>> = c
            .segments
            .iter()
            .map(|s| {
                vec![
                    s.from.clone(),
                    s.to.clone(),
                    s.days.to_string(),
                    s.principal.clone(),
                    s.reference_rate
                        .as_ref()
                        .map_or_else(|| "–".into(), |r| format!("{r}%")),
                    s.reference_date.clone().unwrap_or_else(|| "–".into()),
                    format!("{}%", s.rate),
                    s.daily.clone(),
                    s.interest_exact.clone(),
                ]
            })
            .collect();
        rows.push(vec![
            "Total".into(),
            String::new(),
            c.segments.iter().map(|s| s.days).sum::<i64>().to_string(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            c.interest_exact.clone(),
        ]);
        let bold = rows.len() - 1;
        blocks.push(Block::Table {
            columns: vec![
                ("From".into(), 11, false),
                ("To".into(), 11, false),
                ("Days".into(), 7, true),
                (format!("Principal {cur}"), 15, true),
                ("Ref. rate".into(), 10, true),
                ("Ref. date".into(), 12, false),
                ("Rate".into(), 9, true),
                ("Per day".into(), 9, true),
                ("Interest".into(), 16, true),
            ],
            rows,
            bold_rows: vec![bold],
        });
    }
    if !c.allocations.is_empty() {
        blocks.push(Block::Para(
            "Part payments and how they were applied:".into(),
        ));
        blocks.push(Block::Table {
            columns: vec![
                ("Received".into(), 20, false),
                (format!("Amount {cur}"), 20, true),
                ("To costs".into(), 20, true),
                ("To interest".into(), 20, true),
                ("To principal".into(), 20, true),
            ],
            rows: c
                .allocations
                .iter()
                .map(|a| {
                    vec![
                        a.date.clone(),
                        a.amount.clone(),
                        a.to_costs.clone(),
                        a.to_interest.clone(),
                        a.to_principal.clone(),
                    ]
                })
                .collect(),
            bold_rows: Vec::new(),
        });
    }
    let rows = vec![
        vec![
            "Interest accrued (rounded once)".into(),
            format!("{cur} {}", c.interest),
        ],
        vec!["Compensation".into(), format!("{cur} {}", c.compensation)],
        vec![
            "Principal outstanding".into(),
            format!("{cur} {}", c.principal_outstanding),
        ],
        vec![
            "Interest outstanding".into(),
            format!("{cur} {}", c.interest_outstanding),
        ],
        vec![
            "Compensation outstanding".into(),
            format!("{cur} {}", c.compensation_outstanding),
        ],
        vec![
            format!("Balance due on {}", c.until),
            format!("{cur} {}", c.balance_due),
        ],
    ];
    blocks.push(Block::Table {
        columns: vec![("".into(), 70, false), ("Amount".into(), 30, true)],
        bold_rows: vec![rows.len() - 1],
        rows,
    });
    if !c.daily_interest.trim_start_matches(['0', '.']).is_empty() {
        blocks.push(Block::Para(format!(
            "Interest continues to accrue at {cur} {} a day after {}.",
            c.daily_interest, c.until
        )));
    }
    if !c.compensation_basis.is_empty() {
        blocks.push(Block::Small(format!(
            "Compensation: {}",
            c.compensation_basis
        )));
    }
    blocks.push(Block::Small(format!("Method: {}", c.basis)));
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
                calculation_blocks("Calculation".into(), &c, &mut blocks);
                (
                    "Late-payment interest".to_string(),
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
                let cur = &i.currency;
                blocks.push(Block::Section {
                    title: "Summary".into(),
                    new_page: false,
                });
                blocks.push(Block::Para(format!("Policy: {}", i.policy)));
                let mut rows: Vec<Vec<String>> = i
                    .invoices
                    .iter()
                    .map(|v| {
                        vec![
                            v.number.clone(),
                            v.due_date.clone(),
                            v.open.clone(),
                            v.interest.clone(),
                            v.compensation.clone(),
                            v.claimable.clone(),
                        ]
                    })
                    .collect();
                rows.push(vec![
                    "Total".into(),
                    String::new(),
                    String::new(),
                    i.interest.clone(),
                    i.compensation.clone(),
                    i.claimable.clone(),
                ]);
                blocks.push(Block::Table {
                    columns: vec![
                        ("Invoice".into(), 18, false),
                        ("Due".into(), 13, false),
                        (format!("Open {cur}"), 16, true),
                        ("Interest".into(), 14, true),
                        ("Compensation".into(), 18, true),
                        ("Not yet charged".into(), 21, true),
                    ],
                    bold_rows: vec![rows.len() - 1],
                    rows,
                });
                for p in &i.problems {
                    blocks.push(Block::Para(format!("Note: {p}")));
                }
                for v in &i.invoices {
                    calculation_blocks(
                        format!("Invoice {}", v.number),
                        &v.calculation,
                        &mut blocks,
                    );
                }
                (
                    "Late-payment interest".to_string(),
                    format!(
                        "{} ({}), to {}",
                        d.draft.name, d.draft.external_ref, i.as_of
                    ),
                    Some((*debtor_id, d.draft.name)),
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
