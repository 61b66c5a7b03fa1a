//! The printable interest calculation: the calculator's answer, or every overdue invoice
//! of a debtor under its late-fee policy, laid out as a report (law, segments with their
//! reference rates, part payments and how they were applied, compensation and its basis,
//! totals). A debtor's calculation is kept with its SHA-256 and logged on the contact log,
//! like every document exported.

use std::path::Path;

use chrono::Datelike;
use overdue_docs::{Block, Lang, Metadata, PageSize, Report};
use overdue_store::NewDocument;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::calc::{InterestCalcRequest, InterestCalcResult};
use crate::documents::PdfFile;
use crate::latefees::{jurisdiction_of, LateFeePolicyDto};
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

    fn day(text: &str) -> Option<chrono::NaiveDate> {
        chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
    }

    /// True when the worksheet is in English: the engine's and the policy's own sentences
    /// are printed as they are.
    fn english(&self) -> bool {
        matches!(self.lang, Lang::En | Lang::Us)
    }
}

/// The catalog key of a jurisdiction's law in words.
fn law_key(jurisdiction: &str) -> Option<&'static str> {
    Some(match jurisdiction {
        "uk" => "ws_law_uk",
        "eu" => "ws_law_eu",
        "ie" => "ws_law_ie",
        "de" => "ws_law_de",
        "fr" => "ws_law_fr",
        "us-ca" => "ws_law_us_ca",
        "us-ny" => "ws_law_us_ny",
        _ => return None,
    })
}

/// The catalog key of a reference rate's name.
fn series_key(series: &str) -> Option<&'static str> {
    Some(match series {
        "boe_base" => "ws_m_series_boe_base",
        "ecb_mro" => "ws_m_series_ecb_mro",
        "de_basiszins" => "ws_m_series_de_basiszins",
        _ => return None,
    })
}

/// How the rate was set, in the worksheet's language (`None` when a fact it needs is
/// missing: the sentence then names the law only).
fn rate_words(sheet: &Sheet, c: &InterestCalcResult, law: Option<&str>) -> Option<String> {
    let m = &c.method;
    let first = c.segments.first()?;
    let rate = sheet.number(&first.rate);
    if c.jurisdiction == "contract" {
        return Some(sheet.t("ws_m_rate_contract", &[("rate", &rate)]));
    }
    if m.agreed_rate {
        return Some(sheet.t("ws_m_rate_agreed", &[("rate", &rate), ("law", law?)]));
    }
    let Some(series) = m.reference_series.as_deref() else {
        // A flat statutory rate (the US states).
        return Some(sheet.t("ws_m_rate_flat", &[("rate", &rate)]));
    };
    let series = sheet.t(series_key(series)?, &[]);
    let margin = sheet.number(m.margin.as_deref()?);
    if m.floating {
        // Each half-year's rate once, in order, so that a reader can check it.
        let mut halves: Vec<String> = Vec::new();
        for s in &c.segments {
            let from = Sheet::day(&s.from)?;
            let key = if from.month() <= 6 {
                "ws_m_half_1"
            } else {
                "ws_m_half_2"
            };
            let text = sheet.t(
                "ws_m_half",
                &[
                    ("half", &sheet.t(key, &[("year", &from.year().to_string())])),
                    ("reference", &sheet.number(s.reference_rate.as_deref()?)),
                    ("margin", &margin),
                    ("rate", &sheet.number(&s.rate)),
                ],
            );
            if !halves.contains(&text) {
                halves.push(text);
            }
        }
        Some(sheet.t(
            "ws_m_rate_floating",
            &[
                ("series", &series),
                ("margin", &margin),
                ("halves", &halves.join(&sheet.t("ws_m_half_sep", &[]))),
            ],
        ))
    } else {
        Some(sheet.t(
            "ws_m_rate_fixed",
            &[
                ("series", &series),
                ("reference", &sheet.number(first.reference_rate.as_deref()?)),
                ("date", &sheet.date(first.reference_date.as_deref()?)),
                ("start", &sheet.date(&c.interest_start)),
                ("margin", &margin),
                ("rate", &rate),
            ],
        ))
    }
}

/// The method of a calculation in the worksheet's language: the engine's own words in
/// English, else sentences built from the calculation's facts (one whose facts are not
/// known is left out, never guessed).
fn method_words(sheet: &Sheet, c: &InterestCalcResult) -> String {
    if sheet.english() {
        return c.basis.clone();
    }
    let m = &c.method;
    let (Some(due), Some(until), Some(start), Some(to)) = (
        Sheet::day(&c.due),
        Sheet::day(&c.until),
        Sheet::day(&c.interest_start),
        Sheet::day(&c.interest_to),
    ) else {
        return String::new();
    };
    let series = m
        .reference_series
        .as_deref()
        .and_then(series_key)
        .map(|k| sheet.t(k, &[]));
    if c.segments.is_empty() {
        // No interest: not late, or the rate for the first day is not published yet.
        return if c.rate_gap.is_some() {
            series.map_or_else(String::new, |series| {
                sheet.t(
                    "ws_m_none_yet",
                    &[
                        ("series", &series),
                        ("start", &sheet.date(&c.interest_start)),
                    ],
                )
            })
        } else if until < start && (start - due).num_days() > 1 {
            sheet.t(
                "ws_m_none_grace",
                &[
                    ("until", &sheet.date(&c.until)),
                    ("grace", &((start - due).num_days() - 1).to_string()),
                    ("due", &sheet.date(&c.due)),
                ],
            )
        } else if until < start {
            sheet.t(
                "ws_m_none_early",
                &[
                    ("until", &sheet.date(&c.until)),
                    ("due", &sheet.date(&c.due)),
                ],
            )
        } else {
            sheet.t(
                "ws_m_none_paid",
                &[("start", &sheet.date(&c.interest_start))],
            )
        };
    }
    let law = law_key(&c.jurisdiction).map(|k| sheet.t(k, &[]));
    let heading = match c.jurisdiction.as_str() {
        "contract" => Some(sheet.t("ws_m_head_contract", &[])),
        _ if m.agreed_rate => Some(sheet.t("ws_m_head_agreed", &[])),
        "de" => Some(sheet.t(
            "ws_m_head_de",
            &[("section", if m.consumer { "1" } else { "2" })],
        )),
        "fr" => Some(sheet.t("ws_m_head_fr", &[])),
        "us-ca" | "us-ny" => law
            .as_deref()
            .map(|l| sheet.t("ws_m_head_us", &[("law", l)])),
        _ => law
            .as_deref()
            .map(|l| sheet.t("ws_m_head_statutory", &[("law", l)])),
    };
    let mut sentences = Vec::new();
    match (heading, rate_words(sheet, c, law.as_deref())) {
        (Some(heading), Some(rate)) => {
            sentences.push(sheet.t("ws_m_first", &[("heading", &heading), ("rate", &rate)]));
        }
        (Some(heading), None) => sentences.push(format!("{heading}.")),
        (None, _) => {}
    }
    sentences.push(sheet.t(
        "ws_m_days",
        &[
            ("start", &sheet.date(&c.interest_start)),
            ("to", &sheet.date(&c.interest_to)),
            ("days", &((to - start).num_days() + 1).to_string()),
        ],
    ));
    let bgb_367 = match m.payment_order.as_str() {
        "costs_interest_principal" => Some(true),
        "principal_first" => Some(false),
        _ => None,
    };
    if !c.allocations.is_empty() {
        match bgb_367 {
            Some(true) => sentences.push(sheet.t("ws_m_bgb367", &[])),
            Some(false) => sentences.push(sheet.t("ws_m_principal_first", &[])),
            None => {}
        }
    }
    if m.govuk_rounding {
        sentences.push(sheet.t("ws_m_govuk", &[]));
    } else if bgb_367 == Some(false) || (bgb_367.is_some() && c.allocations.is_empty()) {
        // Under section 367 BGB with payments the rounding is per payment, said above.
        sentences.push(sheet.t("ws_m_round_once", &[]));
    }
    if let Some(cap) = &m.interest_cap {
        sentences.push(sheet.t(
            "ws_m_cap",
            &[
                ("interest", &sheet.amount(&c.interest)),
                ("cap", &sheet.amount(cap)),
            ],
        ));
    }
    if let (Some(_), Some(series), Some(next)) = (&c.rate_gap, &series, to.succ_opt()) {
        sentences.push(sheet.t(
            "ws_m_gap",
            &[
                ("to", &sheet.date(&c.interest_to)),
                ("series", series),
                ("next", &sheet.date(&next.to_string())),
            ],
        ));
    }
    sentences.join(" ")
}

/// The late-fee policy a debtor's interest was worked out under, in the worksheet's
/// language (`english` is the summary in English, printed as it is on an English sheet).
fn policy_words(sheet: &Sheet, p: &LateFeePolicyDto, country: &str, english: &str) -> String {
    if sheet.english() {
        return english.to_string();
    }
    let rate = p.rate.trim();
    let contract_terms = |fees: bool| {
        let mut terms = vec![if rate.is_empty() {
            sheet.t("ws_pol_no_interest", &[])
        } else {
            sheet.t("ws_pol_rate", &[("rate", &sheet.number(rate))])
        }];
        let fee = p.fixed_fee.trim();
        let percent = p.percentage_fee.trim();
        // Fees are claimed only with the compensation (the calculation adds none without).
        let claimed = fees && p.claim_compensation;
        if claimed && !fee.is_empty() {
            terms.push(sheet.t("ws_pol_fee", &[("fee", &sheet.amount(fee))]));
        }
        if claimed && !percent.is_empty() {
            terms.push(sheet.t("ws_pol_fee_percent", &[("percent", &sheet.number(percent))]));
        }
        if fees && p.grace_days > 0 {
            terms.push(sheet.t("ws_pol_grace", &[("days", &p.grace_days.to_string())]));
        }
        let mut text = sheet.t("ws_pol_contract", &[("terms", &terms.join(", "))]);
        if fees && !claimed && !(fee.is_empty() && percent.is_empty()) {
            text.push(' ');
            text.push_str(&sheet.t("ws_pol_no_fees", &[]));
        }
        text
    };
    match (p.kind.as_str(), jurisdiction_of(p, country)) {
        ("none", _) => sheet.t("ws_pol_none", &[]),
        (_, None) => {
            let not_set = sheet.t("ws_pol_country_not_set", &[]);
            let country = if country.trim().is_empty() {
                not_set.as_str()
            } else {
                country.trim()
            };
            sheet.t("ws_pol_unknown", &[("country", country)])
        }
        ("contract", _) => contract_terms(true),
        (kind, Some(j)) => {
            let Some(law) = law_key(&j) else {
                // A statutory policy naming the contract "jurisdiction": its rate only.
                return contract_terms(false);
            };
            let mut sentences = vec![sheet.t("ws_pol_statutory", &[("law", &sheet.t(law, &[]))])];
            if kind == "auto" {
                sentences.push(sheet.t("ws_pol_auto", &[]));
            }
            if !rate.is_empty() {
                sentences.push(sheet.t("ws_pol_agreed", &[("rate", &sheet.number(rate))]));
            }
            sentences.push(sheet.t(
                if p.claim_compensation {
                    "ws_pol_compensation"
                } else {
                    "ws_pol_no_compensation"
                },
                &[],
            ));
            sentences.join(" ")
        }
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
            // Under section 367 BGB interest is settled and rounded at each part payment.
            sheet.t(
                if c.method.payment_order == "costs_interest_principal" && !c.allocations.is_empty()
                {
                    "ws_interest_accrued_per_payment"
                } else {
                    "ws_interest_accrued"
                },
                &[],
            ),
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
    let method = method_words(sheet, c);
    if !method.is_empty() {
        blocks.push(Block::Small(sheet.t("ws_method", &[("basis", &method)])));
    }
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
        let (title, subtitle, debtor, lang) = match what {
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
                    sheet.lang,
                )
            }
            InterestPrint::Debtor { debtor_id, as_of } => {
                let (i, policy, country) = self.debtor_interest_under(*debtor_id, as_of).await?;
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
                blocks.push(Block::Para(sheet.t(
                    "ws_policy",
                    &[(
                        "policy",
                        &policy_words(&sheet, &policy, &country, &i.policy),
                    )],
                )));
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
                // The rate table's gap is stated in each calculation's method, in the
                // debtor's language; the office's "add the rate" notice is not for the debtor.
                let gap_notices: Vec<String> = i
                    .invoices
                    .iter()
                    .filter_map(|v| v.calculation.rate_gap.as_deref())
                    .map(crate::latefees::gap_notice)
                    .collect();
                for p in i.problems.iter().filter(|p| !gap_notices.contains(p)) {
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
                    sheet.lang,
                )
            }
        };
        let report = Report {
            title: title.clone(),
            subtitle: subtitle.clone(),
            page_size,
            letterhead,
            blocks,
            lang,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calc::{interest, CalcPayment};

    fn calc(
        jurisdiction: &str,
        due: &str,
        until: &str,
        change: impl FnOnce(&mut InterestCalcRequest),
    ) -> InterestCalcResult {
        let mut req = InterestCalcRequest::new(jurisdiction, "1000.00", "", due, until);
        change(&mut req);
        interest(req).unwrap()
    }

    /// The method in German and in French, checked to hold no English sentence and no
    /// unfilled placeholder; the English sheet prints the engine's own words.
    fn method(c: &InterestCalcResult) -> (String, String) {
        let sheet = |lang| Sheet {
            lang,
            currency: &c.currency,
            consumer: c.method.consumer,
        };
        assert_eq!(method_words(&sheet(Lang::En), c), c.basis);
        let (de, fr) = (
            method_words(&sheet(Lang::De), c),
            method_words(&sheet(Lang::Fr), c),
        );
        for text in [&de, &fr] {
            assert!(!text.is_empty() && !text.contains('{'), "{text}");
            for english in ["interest", "Interest ", " a year", " the ", "Rounded", "-H"] {
                assert!(!text.contains(english), "{english:?} in {text}");
            }
        }
        (de, fr)
    }

    #[test]
    fn every_kind_of_method_is_said_in_german_and_french() {
        let (de, fr) = method(&calc("uk", "2026-03-31", "2026-06-15", |_| {}));
        assert!(
            de.contains(
                "Leitzins der Bank of England von 3,75 % am 31.12.2025 (Stichtag für \
                 Zinsen ab dem 01.04.2026) zuzüglich 8 Prozentpunkten = 11,75 % jährlich"
            ),
            "{de}"
        );
        assert!(de.contains("Kaufmännisch gerundet"), "{de}");
        assert!(
            fr.contains("taux directeur de la Banque d'Angleterre"),
            "{fr}"
        );

        let (de, _) = method(&calc("uk", "2026-03-31", "2026-06-15", |r| {
            r.govuk_rounding = true;
        }));
        assert!(de.contains("(Methode von gov.uk)"), "{de}");
        assert!(!de.contains("Kaufmännisch"), "{de}");

        let (de, fr) = method(&calc("us-ny", "2026-03-31", "2026-06-15", |_| {}));
        assert!(
            de.starts_with(
                "Zinsen zum gesetzlichen Zinssatz (New York CPLR § 5004): \
                 gesetzlicher Zinssatz von 9,00 % jährlich, fest."
            ),
            "{de}"
        );
        assert!(fr.starts_with("Intérêts au taux légal"), "{fr}");

        let (de, _) = method(&calc("de", "2026-03-31", "2026-06-15", |r| {
            r.rate = Some("6".into());
        }));
        assert!(
            de.starts_with(
                "Mit dem Schuldner vereinbarte Vertragszinsen: vereinbarter \
                 Zinssatz von 6,00 % jährlich"
            ),
            "{de}"
        );

        let (de, fr) = method(&calc("de", "2026-03-31", "2026-06-15", |r| {
            r.debtor_kind = "consumer".into();
        }));
        assert!(
            de.starts_with("Verzugszinsen nach § 288 Abs. 1 BGB") && de.contains("zuzüglich 5"),
            "{de}"
        );
        assert!(fr.contains("article 288, alinéa 1, du BGB"), "{fr}");

        let (de, fr) = method(&calc("fr", "2026-01-31", "2026-06-15", |r| {
            r.payments = vec![CalcPayment {
                amount: "400.00".into(),
                date: "2026-03-01".into(),
            }];
        }));
        assert!(
            de.contains("Teilzahlungen mindern die Hauptforderung"),
            "{de}"
        );
        assert!(
            fr.contains("Les paiements partiels réduisent le principal"),
            "{fr}"
        );

        // No interest: within the grace days, not after the due date, paid in time.
        let (de, _) = method(&calc("contract", "2026-03-31", "2026-04-05", |r| {
            r.currency = "EUR".into();
            r.rate = Some("8".into());
            r.grace_days = Some("10".into());
        }));
        assert_eq!(
            de,
            "Keine Zinsen: Der 05.04.2026 liegt innerhalb der 10 Karenztage nach Fälligkeit \
             am 31.03.2026."
        );
        let (de, _) = method(&calc("de", "2026-03-31", "2026-03-31", |_| {}));
        assert!(de.contains("liegt nicht nach dem Fälligkeitstag"), "{de}");
        let (de, _) = method(&calc("de", "2026-03-31", "2026-06-15", |r| {
            r.payments = vec![CalcPayment {
                amount: "1000.00".into(),
                date: "2026-03-31".into(),
            }];
        }));
        assert!(
            de.contains("wurde bezahlt, bevor ab dem 01.04.2026"),
            "{de}"
        );

        // A half-year whose rate is not published yet: said, never guessed.
        let (de, fr) = method(&calc("de", "2026-03-31", "2027-03-01", |_| {}));
        assert!(
            de.contains("vom 01.04.2026 bis 30.06.2026 einschließlich (91 Tage)")
                && de.contains(
                    "Die Zinsen sind nur bis zum 30.06.2026 berechnet: Der ab dem \
                     01.07.2026 maßgebliche Basiszinssatz (§ 247 BGB)"
                ),
            "{de}"
        );
        assert!(
            fr.contains("ne sont calculés que jusqu'au 30/06/2026"),
            "{fr}"
        );
        let (de, _) = method(&calc("de", "2026-07-15", "2026-09-01", |_| {}));
        assert!(de.starts_with("Noch keine Zinsen berechnet"), "{de}");
    }

    #[test]
    fn every_kind_of_policy_is_said_in_german_and_french() {
        let words = |lang, p: &LateFeePolicyDto, country: &str| {
            let sheet = Sheet {
                lang,
                currency: "EUR",
                consumer: false,
            };
            policy_words(&sheet, p, country, "the English summary")
        };
        let auto = LateFeePolicyDto::default();
        assert_eq!(words(Lang::En, &auto, "DE"), "the English summary");
        assert_eq!(
            words(Lang::De, &auto, "AT"),
            "Gesetzliche Verzugszinsen (Richtlinie 2011/7/EU zur Bekämpfung von Zahlungsverzug). \
             Die Regelung richtet sich nach dem Land des Schuldners. Die gesetzliche Pauschale \
             wird geltend gemacht, soweit das Gesetz sie vorsieht."
        );
        let agreed = LateFeePolicyDto {
            kind: "statutory".into(),
            jurisdiction: "de".into(),
            rate: "7.5".into(),
            claim_compensation: false,
            ..auto.clone()
        };
        assert_eq!(
            words(Lang::Fr, &agreed, "DE"),
            "Intérêts de retard prévus par la loi (article 288 du BGB). Un taux convenu de 7,5 % \
             l'an remplace le taux légal. Aucune indemnité forfaitaire n'est réclamée."
        );
        assert!(words(Lang::De, &auto, "US").contains("(US)"));
        assert!(words(Lang::Fr, &auto, "").contains("(non renseigné)"));
        let none = LateFeePolicyDto {
            kind: "none".into(),
            ..auto.clone()
        };
        assert_eq!(
            words(Lang::De, &none, "DE"),
            "Es werden weder Zinsen noch Gebühren geltend gemacht."
        );
        let contract = LateFeePolicyDto {
            kind: "contract".into(),
            fixed_fee: "25.00".into(),
            percentage_fee: "5".into(),
            claim_compensation: false,
            ..auto
        };
        assert_eq!(
            words(Lang::De, &contract, "DE"),
            "Vertragliche Bedingungen: keine Zinsen. Die Gebühren werden nicht geltend gemacht."
        );
    }
}
