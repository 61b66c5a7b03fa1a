//! Collection agencies (issue 20): agencies as records; the handover of a debtor's claim
//! (all overdue invoices or chosen ones) as a package in a folder (the case file PDF, the
//! claim as CSV and XLSX, the contact history, the documents on record; a ZIP as well on
//! request), sent by email through the book's SMTP server or saved; our own reminders stop
//! for what was handed over; collections recorded with the commission they cost; recall
//! with a reason; a report per agency.

use std::collections::BTreeMap;
use std::path::PathBuf;

use overdue_domain::{Currency, Money};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::claim::{ClaimScope, Escalation};
use crate::export::{io_error, write_csv, write_xlsx, Table};
use crate::ledger::{money_string, parse_positive};
use crate::{Api, ApiError, ErrorCode};

/// A new agency.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AgencyInput {
    /// Name (unique).
    pub name: String,
    /// Where handovers are sent.
    pub email: String,
    /// Percent of each amount collected ("15.0"; "" = none).
    pub commission: String,
    /// Fee per case, charged with its first collection ("0.00"; "" = none).
    pub fee_per_case: String,
    /// The contract's terms in words.
    pub terms: String,
    /// Countries covered ("DE, AT").
    pub countries: String,
    /// The person at the agency who handles our cases ("" = none named).
    #[serde(default)]
    pub contact: String,
    /// The least a case costs once the agency collects anything ("" = no minimum).
    #[serde(default)]
    pub min_commission: String,
}

/// An agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AgencyDto {
    /// Id.
    #[ts(type = "number")]
    pub id: i64,
    /// Name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Percent of each collection.
    pub commission: String,
    /// Fee per case (in the case's currency).
    pub fee_per_case: String,
    /// Terms.
    pub terms: String,
    /// Countries.
    pub countries: String,
    /// Contact person ("" = none named).
    pub contact: String,
    /// Minimum commission per case ("0.00" = none).
    pub min_commission: String,
}

/// What to hand over.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HandoverRequest {
    /// The debtor.
    #[ts(type = "number")]
    pub debtor_id: i64,
    /// The agency's name.
    pub agency: String,
    /// Invoice numbers (empty = every overdue invoice not paused).
    pub invoices: Vec<String>,
    /// The folder the package is written to (created; must be empty).
    pub out_dir: String,
    /// Also write the package as one ZIP in the folder.
    pub zip: bool,
    /// Email it to the agency through the book's SMTP server.
    pub send: bool,
    /// Why it is handed over without a reminder and a final demand on record ("" =
    /// it had them); logged.
    pub reason: String,
}

/// One invoice handed over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HandoverInvoiceDto {
    /// Number.
    pub number: String,
    /// Due date.
    pub due_date: String,
    /// Open balance.
    pub open: String,
    /// Interest to the day.
    pub interest: String,
    /// Fixed compensation.
    pub compensation: String,
}

/// A handover done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HandoverDto {
    /// The case.
    #[ts(type = "number")]
    pub case_id: i64,
    /// The agency.
    pub agency: String,
    /// The debtor.
    pub debtor: String,
    /// The day.
    pub handed_over_on: String,
    /// Currency.
    pub currency: String,
    /// The invoices.
    pub invoices: Vec<HandoverInvoiceDto>,
    /// Principal.
    pub principal: String,
    /// Interest.
    pub interest: String,
    /// Compensation.
    pub compensation: String,
    /// Principal + interest + compensation.
    pub total: String,
    /// The folder written.
    pub folder: String,
    /// The files in it.
    pub files: Vec<String>,
    /// The ZIP, if asked for.
    pub zip: Option<String>,
    /// Where it was emailed, if sent.
    pub sent_to: Option<String>,
    /// What to know.
    pub warnings: Vec<String>,
}

/// A collection the agency reported.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CollectedInput {
    /// The debtor.
    #[ts(type = "number")]
    pub debtor_id: i64,
    /// What the debtor paid the agency (gross).
    pub amount: String,
    /// When ("" = today).
    pub date: String,
}

/// A collection recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CollectedDto {
    /// The case.
    #[ts(type = "number")]
    pub case_id: i64,
    /// The payment recorded on the debtor's account.
    #[ts(type = "number")]
    pub payment_id: i64,
    /// Collected from the debtor.
    pub gross: String,
    /// The agency's commission (a cost to the business).
    pub commission: String,
    /// What the agency passes on.
    pub net: String,
    /// Currency.
    pub currency: String,
}

/// Where a case at an agency is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AgencyCaseStatus {
    /// With the agency.
    Open,
    /// Taken back from the agency.
    Recalled,
    /// Finished (collected or given up).
    Closed,
}

impl AgencyCaseStatus {
    /// From the stored status (the table's CHECK admits only these three).
    fn parse(s: &str) -> AgencyCaseStatus {
        match s {
            "recalled" => AgencyCaseStatus::Recalled,
            "closed" => AgencyCaseStatus::Closed,
            _ => AgencyCaseStatus::Open,
        }
    }
}

impl std::fmt::Display for AgencyCaseStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(match self {
            AgencyCaseStatus::Open => "open",
            AgencyCaseStatus::Recalled => "recalled",
            AgencyCaseStatus::Closed => "closed",
        })
    }
}

/// One case in the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AgencyCaseDto {
    /// Case id.
    #[ts(type = "number")]
    pub id: i64,
    /// The agency.
    pub agency: String,
    /// The debtor's id.
    #[ts(type = "number")]
    pub debtor_id: i64,
    /// Debtor.
    pub debtor: String,
    /// Where the case is.
    pub status: AgencyCaseStatus,
    /// Day handed over.
    pub handed_over_on: String,
    /// Principal + interest + compensation handed over.
    pub handed_over: String,
    /// Collected (gross).
    pub recovered: String,
    /// Commission.
    pub commission: String,
    /// Recovered less commission.
    pub net: String,
    /// Days from handover to the last collection, once something was collected.
    #[ts(type = "number | null")]
    pub days_to_recover: Option<i64>,
    /// Payments the debtor made directly since the handover, to report to the agency.
    pub direct_payments: Vec<String>,
    /// Why it was recalled.
    pub recall_reason: String,
}

/// One agency's results in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AgencyReportDto {
    /// Agency.
    pub agency: String,
    /// Currency.
    pub currency: String,
    /// Cases handed over.
    #[ts(type = "number")]
    pub cases: i64,
    /// Cases still open.
    #[ts(type = "number")]
    pub open_cases: i64,
    /// Total handed over.
    pub handed_over: String,
    /// Collected (gross).
    pub recovered: String,
    /// Commission paid.
    pub commission: String,
    /// Recovered less commission.
    pub net: String,
    /// Average days from handover to the last collection, over cases with one.
    #[ts(type = "number | null")]
    pub average_days_to_recover: Option<i64>,
    /// The cases.
    pub case_list: Vec<AgencyCaseDto>,
}

fn amount_of(field: &str, text: &str, currency: Currency) -> Result<Money, ApiError> {
    if text.trim().is_empty() {
        return Ok(Money::zero(currency));
    }
    let m = Money::parse(text.trim(), currency).map_err(|_| {
        ApiError::field(
            field,
            format!("{field}: \"{}\" is not an amount", text.trim()),
        )
    })?;
    if m.is_negative() {
        return Err(ApiError::field(
            field,
            format!("{field}: it cannot be negative"),
        ));
    }
    Ok(m)
}

fn agency_dto(a: &overdue_store::AgencyRecord) -> AgencyDto {
    let two_places = |m: i64| format!("{}.{:02}", m / 100, m % 100);
    AgencyDto {
        id: a.id,
        name: a.name.clone(),
        email: a.email.clone(),
        commission: a.commission_pct.clone(),
        fee_per_case: two_places(a.fee_per_case_minor),
        terms: a.terms.clone(),
        countries: a.countries.clone(),
        contact: a.contact.clone(),
        min_commission: two_places(a.min_commission_minor),
    }
}

/// An agency's terms as the commission rule reads them.
fn terms_of(a: &overdue_store::AgencyRecord) -> overdue_domain::agency::Terms {
    overdue_domain::agency::Terms {
        percent: a.commission_pct.parse().unwrap_or(Decimal::ZERO),
        fee_per_case_minor: a.fee_per_case_minor,
        min_commission_minor: a.min_commission_minor,
    }
}

/// What an agency reports about a case while it has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum AgencyStatus {
    /// The agency reached the debtor.
    Contacted,
    /// The debtor promised to pay.
    Promised,
    /// The debtor agreed instalments with the agency.
    Instalments,
    /// The debtor disputes the claim.
    Disputed,
    /// The debtor cannot be found.
    Untraceable,
    /// The debtor is insolvent.
    Insolvent,
    /// The agency advises court action.
    CourtAdvised,
    /// Anything else (the note says what).
    Other,
}

impl AgencyStatus {
    /// In words, for the timeline.
    pub fn words(self) -> &'static str {
        match self {
            AgencyStatus::Contacted => "debtor contacted",
            AgencyStatus::Promised => "debtor promised to pay",
            AgencyStatus::Instalments => "instalments agreed with the agency",
            AgencyStatus::Disputed => "debtor disputes the claim",
            AgencyStatus::Untraceable => "debtor cannot be found",
            AgencyStatus::Insolvent => "debtor insolvent",
            AgencyStatus::CourtAdvised => "court action advised",
            AgencyStatus::Other => "update",
        }
    }
}

/// An update from the agency on a debtor's open case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AgencyUpdateInput {
    /// The debtor.
    #[ts(type = "number")]
    pub debtor_id: i64,
    /// What the agency reports.
    pub status: AgencyStatus,
    /// The day ("" = today).
    pub date: String,
    /// Details in the agency's words.
    pub note: String,
}

fn minor(currency: Currency, m: i64) -> Money {
    Money::from_minor_units(m, currency)
}

impl Api {
    /// Adds an agency.
    pub async fn agency_add(&self, input: &AgencyInput) -> Result<AgencyDto, ApiError> {
        let name = input.name.trim();
        if name.is_empty() {
            return Err(ApiError::field("name", "Name: the agency needs a name."));
        }
        if !input.email.trim().is_empty()
            && !overdue_domain::debtor::plausible_email(input.email.trim())
        {
            return Err(ApiError::field(
                "email",
                format!("Email: \"{}\" is not an email address", input.email.trim()),
            ));
        }
        let pct: Decimal = if input.commission.trim().is_empty() {
            Decimal::ZERO
        } else {
            input
                .commission
                .trim()
                .parse()
                .ok()
                .filter(|p: &Decimal| (Decimal::ZERO..=Decimal::ONE_HUNDRED).contains(p))
                .ok_or_else(|| {
                    ApiError::field(
                        "commission",
                        format!(
                            "Commission: \"{}\" is not a percentage from 0 to 100",
                            input.commission.trim()
                        ),
                    )
                })?
        };
        // The fee is kept in minor units of two decimals (every currency Overdue bills in
        // but JPY-like ones; a per-case fee is a round figure).
        let fee = amount_of(
            "fee_per_case",
            &input.fee_per_case,
            Currency::from_code("EUR")?,
        )?;
        let minimum = amount_of(
            "min_commission",
            &input.min_commission,
            Currency::from_code("EUR")?,
        )?;
        let id = self
            .store()
            .await
            .agency_add(
                &overdue_store::NewAgency {
                    name: name.to_string(),
                    email: input.email.trim().to_string(),
                    commission_pct: pct.normalize().to_string(),
                    fee_per_case_minor: fee
                        .to_minor_units()
                        .map_err(|e| ApiError::invalid(e.to_string()))?,
                    terms: input.terms.clone(),
                    countries: input.countries.clone(),
                    contact: input.contact.trim().to_string(),
                    min_commission_minor: minimum
                        .to_minor_units()
                        .map_err(|e| ApiError::invalid(e.to_string()))?,
                },
                self.clock().now(),
            )
            .await?;
        let all = self.store().await.agencies().await?;
        all.iter()
            .find(|a| a.id == id)
            .map(agency_dto)
            .ok_or_else(|| ApiError::new(ErrorCode::Internal, "agency not found after adding"))
    }

    /// Every agency.
    pub async fn agencies(&self) -> Result<Vec<AgencyDto>, ApiError> {
        Ok(self
            .store()
            .await
            .agencies()
            .await?
            .iter()
            .map(agency_dto)
            .collect())
    }

    async fn agency_named(&self, name: &str) -> Result<overdue_store::AgencyRecord, ApiError> {
        let all = self.store().await.agencies().await?;
        all.iter()
            .find(|a| a.name.eq_ignore_ascii_case(name.trim()))
            .cloned()
            .ok_or_else(|| {
                ApiError::field(
                    "agency",
                    format!(
                        "Agency: \"{}\" is not one of yours ({}); add it first",
                        name.trim(),
                        if all.is_empty() {
                            "none yet".to_string()
                        } else {
                            all.iter()
                                .map(|a| a.name.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        }
                    ),
                )
            })
    }

    /// Hands a debtor's claim over to an agency: writes the package, records the case
    /// (our reminders stop for its invoices), logs it, and emails it when asked.
    pub async fn agency_handover(&self, req: &HandoverRequest) -> Result<HandoverDto, ApiError> {
        let agency = self.agency_named(&req.agency).await?;
        let store = self.store().await;
        let debtor = store.debtor(req.debtor_id).await?;
        let today = self.clock().today();
        let reason = req.reason.trim();
        // The invoices chosen, by number.
        let chosen: Option<Vec<i64>> = if req.invoices.is_empty() {
            None
        } else {
            let mut ids = Vec::new();
            for n in &req.invoices {
                let inv = self
                    .invoice_by_number(n.trim())
                    .await
                    .ok()
                    .filter(|d| d.invoice.debtor_id == req.debtor_id)
                    .ok_or_else(|| {
                        ApiError::field(
                            "invoices",
                            format!(
                                "Invoices: {} has no invoice {}",
                                debtor.draft.name,
                                n.trim()
                            ),
                        )
                    })?;
                ids.push(inv.invoice.id);
            }
            Some(ids)
        };
        let claim = self
            .claim(
                &store,
                req.debtor_id,
                today,
                ClaimScope {
                    only: chosen.as_deref(),
                    interest: true,
                    override_reason: (!reason.is_empty()).then_some(reason),
                    pauses: None,
                },
            )
            .await?;
        if claim.lines.is_empty() {
            return Err(ApiError::invalid(format!(
                "Nothing to hand over for {}: no open invoice{} free of a pause{}.",
                debtor.draft.name,
                if chosen.is_some() {
                    " among those chosen is"
                } else {
                    " is overdue and"
                },
                claim.excluded_list()
            )));
        }
        let mut warnings: Vec<String> = claim
            .excluded
            .iter()
            .map(|e| format!("{} is not handed over: {}", e.number, e.reason))
            .collect();
        let (checked, _) = self
            .escalation_checks(
                &store,
                &claim,
                &debtor.draft.name,
                reason,
                &Escalation {
                    action: "hand over",
                    done: "Handed over",
                },
            )
            .await?;
        warnings.extend(checked);
        let currency = claim.currency;
        let principal = claim.principal();
        let interest = claim.interest();
        let compensation = claim.compensation();
        let total = claim.total();

        // The package, before anything is recorded: a folder that cannot be written
        // leaves no case behind.
        let dir = PathBuf::from(req.out_dir.trim());
        if req.out_dir.trim().is_empty() {
            return Err(ApiError::field(
                "out",
                "Out: name the folder for the package.",
            ));
        }
        if dir.exists()
            && std::fs::read_dir(&dir)
                .map_err(|e| io_error(&dir, e))?
                .next()
                .is_some()
        {
            return Err(ApiError::field(
                "out",
                format!(
                    "Out: {} is not empty: choose a new or empty folder",
                    dir.display()
                ),
            ));
        }
        std::fs::create_dir_all(&dir).map_err(|e| io_error(&dir, e))?;
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        let (case_file, _) = self.case_file(req.debtor_id, false).await?;
        files.push(("case-file.pdf".into(), case_file.bytes.clone()));
        let reference = if debtor.draft.external_ref.is_empty() {
            format!("#{}", req.debtor_id)
        } else {
            debtor.draft.external_ref.clone()
        };
        let mut rows: Vec<Vec<String>> = claim
            .lines
            .iter()
            .map(|l| {
                let line_total = [l.interest, l.compensation]
                    .into_iter()
                    .try_fold(l.open, |a, b| a.checked_add(&b))
                    .unwrap_or(l.open);
                vec![
                    debtor.draft.name.clone(),
                    reference.clone(),
                    l.number.clone(),
                    l.issue_date.to_string(),
                    l.due_date.to_string(),
                    money_string(&l.open),
                    money_string(&l.interest),
                    money_string(&l.compensation),
                    money_string(&line_total),
                    currency.code().to_string(),
                ]
            })
            .collect();
        rows.push(vec![
            debtor.draft.name.clone(),
            reference.clone(),
            "TOTAL".into(),
            String::new(),
            String::new(),
            money_string(&principal),
            money_string(&interest),
            money_string(&compensation),
            money_string(&total),
            currency.code().to_string(),
        ]);
        let table = Table {
            header: [
                "debtor",
                "debtor_ref",
                "invoice",
                "issue_date",
                "due_date",
                "open",
                "interest",
                "compensation",
                "total",
                "currency",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
            rows,
            amount_columns: vec![5, 6, 7, 8],
        };
        let history = self.debtor_timeline(req.debtor_id).await?;
        let history_table = Table {
            header: [
                "at", "kind", "title", "detail", "amount", "currency", "author",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
            rows: history
                .iter()
                .map(|e| {
                    vec![
                        e.at.clone(),
                        e.kind.clone(),
                        e.title.clone(),
                        e.detail.clone(),
                        e.amount.clone().unwrap_or_default(),
                        e.currency.clone(),
                        e.author.clone(),
                    ]
                })
                .collect(),
            amount_columns: vec![4],
        };
        write_csv(&table, &dir.join("claim.csv"))?;
        write_xlsx(&table, &dir.join("claim.xlsx"))?;
        write_csv(&history_table, &dir.join("contact-history.csv"))?;
        for name in ["claim.csv", "claim.xlsx", "contact-history.csv"] {
            let path = dir.join(name);
            files.push((
                name.into(),
                std::fs::read(&path).map_err(|e| io_error(&path, e))?,
            ));
        }
        std::fs::write(dir.join("case-file.pdf"), &case_file.bytes)
            .map_err(|e| io_error(&dir.join("case-file.pdf"), e))?;
        let docs = store.documents_of(req.debtor_id).await?;
        if !docs.is_empty() {
            std::fs::create_dir_all(dir.join("documents")).map_err(|e| io_error(&dir, e))?;
        }
        for d in docs.iter().filter(|d| d.kind != "case-file") {
            let (_, bytes) = store.document(d.id).await?;
            let name = format!("documents/{}-{}", d.id, safe_name(&d.file_name));
            let path = dir.join(&name);
            std::fs::write(&path, &bytes).map_err(|e| io_error(&path, e))?;
            files.push((name, bytes));
        }
        let mut zip_path = None;
        if req.zip {
            let bytes = crate::documents::zip_files(&files, today)?;
            let path = dir.join(format!("handover-{}-{today}.zip", safe_name(&reference)));
            std::fs::write(&path, &bytes).map_err(|e| io_error(&path, e))?;
            zip_path = Some(path);
        }

        let invoice_ids: Vec<i64> = claim.lines.iter().map(|l| l.invoice_id).collect();
        let minor_of = |m: &Money| {
            m.to_minor_units()
                .map_err(|e| ApiError::invalid(e.to_string()))
        };
        let case_id = store
            .agency_case_open(
                &overdue_store::NewAgencyCase {
                    agency_id: agency.id,
                    debtor_id: req.debtor_id,
                    handed_over_on: today,
                    currency: currency.code().to_string(),
                    principal_minor: minor_of(&principal)?,
                    interest_minor: minor_of(&interest)?,
                    compensation_minor: minor_of(&compensation)?,
                    invoice_ids,
                    reason: reason.to_string(),
                    event: overdue_store::NewEvent {
                        debtor_id: req.debtor_id,
                        occurred_at: self.clock().now(),
                        kind: "note".into(),
                        author: self.author(),
                        summary: format!(
                            "Handed over to {}: {} ({} {}){}",
                            agency.name,
                            claim
                                .lines
                                .iter()
                                .map(|l| l.number.as_str())
                                .collect::<Vec<_>>()
                                .join(", "),
                            money_string(&total),
                            currency.code(),
                            if reason.is_empty() {
                                String::new()
                            } else {
                                format!("; reason: {reason}")
                            }
                        ),
                        ..Default::default()
                    },
                },
                self.clock().now(),
            )
            .await?;
        let mut sent_to = None;
        if req.send {
            match self
                .send_handover(&agency, &debtor.draft.name, &files, &total)
                .await
            {
                Ok(to) => sent_to = Some(to),
                Err(e) => warnings.push(format!(
                    "Not sent: {} The package is in {}; send it yourself or try again.",
                    e.message,
                    dir.display()
                )),
            }
        }
        tracing::info!(
            debtor = req.debtor_id,
            case = case_id,
            "handed over to an agency"
        );
        Ok(HandoverDto {
            case_id,
            agency: agency.name,
            debtor: debtor.draft.name.clone(),
            handed_over_on: today.to_string(),
            currency: currency.code().into(),
            invoices: claim
                .lines
                .iter()
                .map(|l| HandoverInvoiceDto {
                    number: l.number.clone(),
                    due_date: l.due_date.to_string(),
                    open: money_string(&l.open),
                    interest: money_string(&l.interest),
                    compensation: money_string(&l.compensation),
                })
                .collect(),
            principal: money_string(&principal),
            interest: money_string(&interest),
            compensation: money_string(&compensation),
            total: money_string(&total),
            folder: dir.display().to_string(),
            files: files.iter().map(|(n, _)| n.clone()).collect(),
            zip: zip_path.map(|p| p.display().to_string()),
            sent_to,
            warnings,
        })
    }

    /// [`Api::agency_handover`] into a new folder `handover-<debtor ref>-<date>` inside
    /// `parent` (the folder the user picked), numbered when one exists already.
    pub async fn agency_handover_into(
        &self,
        req: &HandoverRequest,
        parent: &std::path::Path,
    ) -> Result<HandoverDto, ApiError> {
        let debtor = self.store().await.debtor(req.debtor_id).await?;
        let reference = if debtor.draft.external_ref.is_empty() {
            format!("{}", req.debtor_id)
        } else {
            debtor.draft.external_ref.clone()
        };
        let base = format!(
            "handover-{}-{}",
            safe_name(&reference),
            self.clock().today()
        );
        let mut dir = parent.join(&base);
        let mut k = 1;
        while dir.exists() {
            k += 1;
            dir = parent.join(format!("{base}-{k}"));
        }
        let req = HandoverRequest {
            out_dir: dir.display().to_string(),
            ..req.clone()
        };
        self.agency_handover(&req).await
    }

    /// The debtor's open case, if one is with an agency (read for that debtor only).
    pub async fn agency_case_of(&self, debtor_id: i64) -> Result<Option<AgencyCaseDto>, ApiError> {
        let store = self.store().await;
        let open = store
            .agency_cases(Some(debtor_id))
            .await?
            .into_iter()
            .find(|c| c.status == "open");
        match open {
            Some(c) => Ok(Some(self.case_dto(&store, &c).await?)),
            None => Ok(None),
        }
    }

    async fn send_handover(
        &self,
        agency: &overdue_store::AgencyRecord,
        debtor: &str,
        files: &[(String, Vec<u8>)],
        total: &Money,
    ) -> Result<String, ApiError> {
        if agency.email.trim().is_empty() {
            return Err(ApiError::invalid("the agency has no email address."));
        }
        let s = self.smtp_required().await?;
        let head = self.letterhead_get().await?;
        let now = self.clock().now();
        let email = crate::email::OutgoingEmail {
            to: agency.email.clone(),
            to_name: agency.name.clone(),
            subject: format!("Handover: {debtor}, {} {}", money_string(total), total.currency().code()),
            body: format!(
                "Dear {},\n\nplease find attached our claim against {debtor} ({} {}): the case file, the claim as CSV and XLSX, the contact history and the documents on record.\n\nKind regards,\n{}\n{}\n",
                agency.name,
                money_string(total),
                total.currency().code(),
                if head.signatory.is_empty() { &head.name } else { &head.signatory },
                head.name
            ),
            message_id: format!(
                "handover.{}@{}",
                now.timestamp_nanos_opt().unwrap_or_default(),
                crate::email::domain_of(&s.from_address)
            ),
            attachments: files
                .iter()
                .map(|(name, bytes)| crate::email::Attachment {
                    filename: name.replace('/', "-"),
                    content_type: if name.ends_with(".pdf") {
                        "application/pdf".into()
                    } else if name.ends_with(".csv") {
                        "text/csv".into()
                    } else if name.ends_with(".xlsx") {
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".into()
                    } else {
                        "application/octet-stream".into()
                    },
                    bytes: bytes.clone(),
                })
                .collect(),
        };
        let (envelope, bytes) = crate::email::build_message(&s, &email, now)?;
        crate::email::send_raw(&s, &envelope, &bytes)
            .await
            .map_err(|m| ApiError::new(ErrorCode::Io, m))?;
        Ok(agency.email.clone())
    }

    async fn open_case(&self, debtor_id: i64) -> Result<overdue_store::AgencyCaseRecord, ApiError> {
        let debtor = self.store().await.debtor(debtor_id).await?;
        self.store()
            .await
            .agency_cases(Some(debtor_id))
            .await?
            .into_iter()
            .find(|c| c.status == "open")
            .ok_or_else(|| {
                ApiError::invalid(format!(
                    "{} has no open case with an agency.",
                    debtor.draft.name
                ))
            })
    }

    /// Records what the agency collected from the debtor: a payment on the debtor's
    /// account (the handed-over invoices first) and the commission it cost.
    pub async fn agency_collected(&self, input: &CollectedInput) -> Result<CollectedDto, ApiError> {
        let case = self.open_case(input.debtor_id).await?;
        let currency = Currency::from_code(&case.currency)?;
        let gross = parse_positive(&input.amount, currency)
            .map_err(|m| ApiError::field("amount", format!("Amount: {m}")))?;
        let on = self.day_of_case(&case, &input.date)?;
        let agency = self
            .store()
            .await
            .agencies()
            .await?
            .into_iter()
            .find(|a| a.id == case.agency_id)
            .ok_or_else(|| ApiError::new(ErrorCode::Internal, "the case's agency is missing"))?;
        let gross_minor = gross
            .to_minor_units()
            .map_err(|e| ApiError::invalid(e.to_string()))?;
        let commission = overdue_domain::agency::commission(
            &terms_of(&agency),
            gross_minor,
            case.commission_minor,
            case.collected_minor == 0,
        );
        let open_invoice = {
            let ids = self.store().await.agency_case_invoices(case.id).await?;
            let open = self
                .store()
                .await
                .open_balances(on, Some(input.debtor_id))
                .await?;
            open.into_iter()
                .filter(|o| ids.contains(&o.invoice_id))
                .min_by_key(|o| (o.due_date, o.invoice_id))
                .map(|o| o.invoice_id)
        };
        let payment_id = self
            .store()
            .await
            .agency_collect(
                case.id,
                &overdue_store::NewPayment {
                    debtor_id: input.debtor_id,
                    paid_on: on,
                    amount: gross,
                    method: format!("collected by {}", agency.name),
                    reference: format!("agency case {}", case.id),
                    invoice_id: open_invoice,
                    seen_open: None,
                },
                commission,
                self.clock().now(),
            )
            .await?;
        self.collections_sweep(input.debtor_id).await?;
        self.credit_refresh(Some(input.debtor_id)).await?;
        Ok(CollectedDto {
            case_id: case.id,
            payment_id,
            gross: money_string(&gross),
            commission: money_string(&minor(currency, commission)),
            net: money_string(&minor(currency, gross_minor - commission)),
            currency: currency.code().into(),
        })
    }

    /// The day something happened on an open case ("" = today): not before the handover.
    fn day_of_case(
        &self,
        case: &overdue_store::AgencyCaseRecord,
        date: &str,
    ) -> Result<chrono::NaiveDate, ApiError> {
        let on = self
            .date_or_today("Date", date)
            .map_err(|e| ApiError::field("date", format!("Date: {}", e.message)))?;
        if on < case.handed_over_on {
            return Err(ApiError::field(
                "date",
                format!(
                    "Date: {on} is before the handover on {}",
                    case.handed_over_on
                ),
            ));
        }
        Ok(on)
    }

    /// Records what the agency reports on the debtor's open case (contacted, a promise,
    /// instalments, a dispute, ...) on the debtor's timeline.
    pub async fn agency_update(&self, input: &AgencyUpdateInput) -> Result<String, ApiError> {
        let case = self.open_case(input.debtor_id).await?;
        let on = self.day_of_case(&case, &input.date)?;
        let note = input.note.trim();
        if input.status == AgencyStatus::Other && note.is_empty() {
            return Err(ApiError::field(
                "note",
                "Note: say what the agency reported.",
            ));
        }
        let summary = format!(
            "{} reports: {}{}",
            case.agency,
            input.status.words(),
            if note.is_empty() {
                String::new()
            } else {
                format!(" ({note})")
            }
        );
        let now = self.clock().now();
        self.store()
            .await
            .append_event(
                &overdue_store::NewEvent {
                    debtor_id: input.debtor_id,
                    occurred_at: self.noon_of(on),
                    kind: "note".into(),
                    author: self.author(),
                    summary: summary.clone(),
                    ..Default::default()
                },
                now,
            )
            .await?;
        Ok(summary)
    }

    /// Recalls the debtor's open case; our own reminders resume for its invoices.
    pub async fn agency_recall(&self, debtor_id: i64, reason: &str) -> Result<(), ApiError> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(ApiError::field(
                "reason",
                "Reason: say why the case is recalled.",
            ));
        }
        let case = self.open_case(debtor_id).await?;
        let now = self.clock().now();
        self.store()
            .await
            .agency_case_end(
                case.id,
                "recalled",
                self.clock().today(),
                reason,
                &overdue_store::NewEvent {
                    debtor_id,
                    occurred_at: now,
                    kind: "note".into(),
                    author: self.author(),
                    summary: format!("Recalled from {}: {reason}", case.agency),
                    ..Default::default()
                },
                now,
            )
            .await?;
        Ok(())
    }

    /// One case as the report and the debtor's page show it, with the direct payments to
    /// report to the agency.
    async fn case_dto(
        &self,
        store: &overdue_store::Store,
        c: &overdue_store::AgencyCaseRecord,
    ) -> Result<AgencyCaseDto, ApiError> {
        let currency = Currency::from_code(&c.currency)?;
        let handed = c.principal_minor + c.interest_minor + c.compensation_minor;
        let direct_payments = store
            .agency_direct_payments(c.id)
            .await?
            .into_iter()
            .map(|(id, day, m)| {
                format!(
                    "payment #{id} of {day}: {} {}",
                    money_string(&minor(currency, m)),
                    c.currency
                )
            })
            .collect();
        Ok(AgencyCaseDto {
            id: c.id,
            agency: c.agency.clone(),
            debtor_id: c.debtor_id,
            debtor: c.debtor.clone(),
            status: AgencyCaseStatus::parse(&c.status),
            handed_over_on: c.handed_over_on.to_string(),
            handed_over: money_string(&minor(currency, handed)),
            recovered: money_string(&minor(currency, c.collected_minor)),
            commission: money_string(&minor(currency, c.commission_minor)),
            net: money_string(&minor(currency, c.collected_minor - c.commission_minor)),
            days_to_recover: c
                .last_collected_on
                .map(|d| (d - c.handed_over_on).num_days()),
            direct_payments,
            recall_reason: c.recall_reason.clone(),
        })
    }

    /// Per agency and currency: handed over, recovered, commission, net, time to recover,
    /// and each case with the direct payments to report.
    pub async fn agency_report(&self) -> Result<Vec<AgencyReportDto>, ApiError> {
        let store = self.store().await;
        let cases = store.agency_cases(None).await?;
        let mut groups: BTreeMap<(String, String), Vec<AgencyCaseDto>> = BTreeMap::new();
        let mut sums: BTreeMap<(String, String), Sums> = BTreeMap::new();
        for c in cases.iter().rev() {
            let case = self.case_dto(&store, c).await?;
            let key = (c.agency.clone(), c.currency.clone());
            let s = sums.entry(key.clone()).or_default();
            s.handed += c.principal_minor + c.interest_minor + c.compensation_minor;
            s.recovered += c.collected_minor;
            s.commission += c.commission_minor;
            if let Some(d) = case.days_to_recover {
                s.days.push(d);
            }
            if c.status == "open" {
                s.open += 1;
            }
            groups.entry(key).or_default().push(case);
        }
        let mut out = Vec::new();
        for ((agency, cur), list) in groups {
            let currency = Currency::from_code(&cur)?;
            let Sums {
                handed,
                recovered,
                commission,
                days,
                open,
            } = sums
                .remove(&(agency.clone(), cur.clone()))
                .unwrap_or_default();
            out.push(AgencyReportDto {
                agency,
                currency: cur,
                cases: list.len() as i64,
                open_cases: open,
                handed_over: money_string(&minor(currency, handed)),
                recovered: money_string(&minor(currency, recovered)),
                commission: money_string(&minor(currency, commission)),
                net: money_string(&minor(currency, recovered - commission)),
                average_days_to_recover: (!days.is_empty())
                    .then(|| days.iter().sum::<i64>() / days.len() as i64),
                case_list: list,
            });
        }
        Ok(out)
    }
}

/// One agency's totals in one currency, in minor units.
#[derive(Debug, Default)]
struct Sums {
    handed: i64,
    recovered: i64,
    commission: i64,
    days: Vec<i64>,
    open: i64,
}

/// A file name without folders or characters some systems refuse.
fn safe_name(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() {
        "file".into()
    } else {
        s
    }
}
