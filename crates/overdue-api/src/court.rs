//! Court claims (issue 20): the data a claim needs, ready to file, built from the same
//! [`Claim`](crate::claim) as every message: England and Wales' Money Claim Online, the
//! German Mahnantrag and the French requête en injonction de payer. Each lists the form's
//! fields by name, the particulars, the interest with its daily amount and start, the
//! compensation, the court fee where Overdue knows it, and warnings for what the court
//! refuses. Claiming without a reminder and a final demand on record needs a reason,
//! which is logged.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use overdue_docs::{Block, Lang, Metadata, PageSize, Report};
use overdue_domain::court::{self, Court, UkRegion};
use overdue_domain::{DebtorKind, Money};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::claim::{Claim, ClaimScope, Escalation};
use crate::ledger::money_string;
use crate::{Api, ApiError, ErrorCode};

/// What to prepare.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CourtClaimRequest {
    /// The debtor.
    #[ts(type = "number")]
    pub debtor_id: i64,
    /// `uk-mcol`, `de-mahnverfahren` or `fr-injonction`.
    pub court: String,
    /// The date ("" = today).
    pub as_of: String,
    /// Why the claim goes ahead without the usual notice or despite a pause ("" = none);
    /// logged.
    pub reason: String,
    /// `goods` (default) or `services`: the claim's type in the form's catalogue.
    pub claim_type: String,
}

/// The interest claimed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CourtInterestDto {
    /// The first day interest runs (the earliest of the invoices').
    pub from: String,
    /// Interest a day from the date on, in the claim's currency.
    pub daily: String,
    /// Interest accrued up to the date.
    pub to_date: String,
    /// The legal basis in words.
    pub basis: String,
}

/// One invoice claimed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CourtInvoiceDto {
    /// Number.
    pub number: String,
    /// Invoice date.
    pub issue_date: String,
    /// Due date.
    pub due_date: String,
    /// Open balance claimed.
    pub open: String,
    /// Interest to the date.
    pub interest: String,
    /// Fixed compensation.
    pub compensation: String,
}

/// The claim, ready to transfer into the court's form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CourtClaimDto {
    /// The form.
    pub court: String,
    /// The court the claim goes to.
    pub court_name: String,
    /// Why that court.
    pub court_reason: String,
    /// The date.
    pub as_of: String,
    /// The debtor (defendant).
    pub debtor: String,
    /// Currency of every amount.
    pub currency: String,
    /// The particulars of claim (MCOL: at most 24 lines of 45 characters).
    pub particulars: Vec<String>,
    /// The unpaid principal.
    pub principal: String,
    /// The interest claimed.
    pub interest: CourtInterestDto,
    /// Fixed compensation (UK bands, EUR 40 per invoice).
    pub compensation: String,
    /// Pre-court costs claimed beyond the flat sums they are set off against (Germany).
    pub costs: String,
    /// The court's issue fee ("0.00" where the court bills it itself).
    pub court_fee: String,
    /// Principal + interest + compensation + costs + court fee.
    pub total: String,
    /// The form's fields by name.
    pub fields: BTreeMap<String, String>,
    /// The invoices claimed.
    pub invoices: Vec<CourtInvoiceDto>,
    /// Documents to attach or keep ready.
    pub documents: Vec<String>,
    /// What the court would refuse or what to check first.
    pub warnings: Vec<String>,
}

/// What the basis of a legal cost booked as a charge starts with; such charges are court
/// and lawyer's costs, not pre-court dunning costs.
pub const LEGAL_COST: &str = "Legal cost";

/// A court or lawyer's cost to book on the debtor's account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LegalCostInput {
    /// The debtor.
    #[ts(type = "number")]
    pub debtor_id: i64,
    /// What the cost was.
    pub kind: LegalCostKind,
    /// Amount, in the debtor's currency.
    pub amount: String,
    /// The day it arose ("" = today).
    pub date: String,
    /// What it was ("issue fee, claim K12AB345").
    pub note: String,
}

/// A step of the court case for the timeline.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CourtStatusInput {
    /// The debtor.
    #[ts(type = "number")]
    pub debtor_id: i64,
    /// The step.
    pub status: CourtStep,
    /// The day ("" = today).
    pub date: String,
    /// Details (claim number, court, what was ordered).
    pub note: String,
}

/// A legal cost booked as a charge on the debtor's account.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum LegalCostKind {
    /// A court fee.
    #[default]
    CourtFee,
    /// A lawyer's fee.
    Lawyer,
    /// A cost of enforcement.
    Enforcement,
}

impl LegalCostKind {
    /// In words, in the charge's basis.
    pub fn words(self) -> &'static str {
        match self {
            LegalCostKind::CourtFee => "court fee",
            LegalCostKind::Lawyer => "lawyer's fee",
            LegalCostKind::Enforcement => "enforcement cost",
        }
    }
}

/// A step of a court case.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum CourtStep {
    /// The claim was issued.
    #[default]
    Issued,
    /// Judgment was obtained.
    Judgment,
    /// Enforcement started.
    Enforcement,
    /// The judgment was paid.
    Paid,
    /// The claim was withdrawn.
    Withdrawn,
}

impl CourtStep {
    /// In words, on the timeline.
    pub fn words(self) -> &'static str {
        match self {
            CourtStep::Issued => "Claim issued",
            CourtStep::Judgment => "Judgment obtained",
            CourtStep::Enforcement => "Enforcement started",
            CourtStep::Paid => "Judgment paid",
            CourtStep::Withdrawn => "Claim withdrawn",
        }
    }
}

fn add(a: Money, b: Money) -> Result<Money, ApiError> {
    a.checked_add(&b)
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))
}

fn uk_money(m: &Money) -> String {
    // "GBP 1,234.56": plain characters MCOL accepts.
    let s = money_string(m);
    let (int, frac) = s.split_once('.').unwrap_or((&s, "00"));
    let digits: Vec<char> = int.trim_start_matches('-').chars().collect();
    let mut grouped = String::new();
    for (i, c) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(*c);
    }
    format!("{} {grouped}.{frac}", m.currency().code())
}

fn uk_date(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

/// Interest a day on the whole claim: each invoice's unpaid principal at its current rate
/// / 365, summed exactly and rounded half-up once (rounding each invoice's day first would
/// claim up to a penny a day too little per invoice).
fn daily_interest(claim: &Claim) -> Money {
    let exact: Decimal = claim
        .lines
        .iter()
        .filter_map(|l| l.calculation.as_ref())
        .filter_map(|c| {
            let rate: Decimal = c.segments.last()?.rate.parse().ok()?;
            let principal: Decimal = c.principal_outstanding.parse().ok()?;
            Some(principal * rate / Decimal::from(36_500))
        })
        .sum();
    Money::new(
        exact.round_dp_with_strategy(
            claim.currency.minor_units(),
            rust_decimal::RoundingStrategy::MidpointAwayFromZero,
        ),
        claim.currency,
    )
}

impl Api {
    /// The data for a court claim against a debtor's overdue invoices (those not paused),
    /// logged on the debtor's contact log.
    pub async fn court_claim(&self, req: &CourtClaimRequest) -> Result<CourtClaimDto, ApiError> {
        let dto = self.court_claim_preview(req).await?;
        self.court_claim_log(req, &dto).await?;
        Ok(dto)
    }

    /// The suggested file name of a claim's worksheet.
    pub fn court_claim_file_name(claim: &CourtClaimDto) -> String {
        format!("court-claim-{}-{}.pdf", claim.court, claim.as_of)
    }

    /// [`Api::court_claim`] for looking at in the window: the same answer, not logged. An
    /// empty `court` is the form of the debtor's own jurisdiction ([`Court::for_debtor`]).
    pub async fn court_claim_preview(
        &self,
        req: &CourtClaimRequest,
    ) -> Result<CourtClaimDto, ApiError> {
        let court = if req.court.trim().is_empty() {
            let debtor = self.store().await.debtor(req.debtor_id).await?;
            let region = self.late_fee_of(req.debtor_id).await?.policy.uk_region;
            let country = debtor.draft.address.country;
            Court::for_debtor(&country, &region).ok_or_else(|| {
                ApiError::invalid(format!(
                    "Court: {} is in {country}, where Overdue fills no court form: choose England and Wales (uk-mcol), Germany (de-mahnverfahren) or France (fr-injonction)",
                    debtor.draft.name
                ))
            })?
        } else {
            Court::parse(&req.court).ok_or_else(|| {
                ApiError::invalid(format!(
                    "Court: \"{}\" is not a form Overdue fills: use uk-mcol, de-mahnverfahren or fr-injonction",
                    req.court
                ))
            })?
        };
        let as_of = self
            .date_or_today("As of", &req.as_of)
            .map_err(|e| ApiError::invalid(format!("As of: {}", e.message)))?;
        let claim_type = if req.claim_type.trim().is_empty() {
            "goods"
        } else {
            req.claim_type.trim()
        };
        let (catalogue_no, catalogue_name) =
            court::mahn_claim_type(claim_type).ok_or_else(|| {
                ApiError::invalid(format!(
                    "Claim type: \"{claim_type}\" is not one Overdue knows: use goods or services"
                ))
            })?;
        let reason = req.reason.trim();
        let store = self.store().await;
        let debtor = store.debtor(req.debtor_id).await?;
        let head = self.letterhead_get().await?;
        let claim = self
            .claim(
                &store,
                req.debtor_id,
                as_of,
                ClaimScope {
                    only: None,
                    interest: true,
                    override_reason: (!reason.is_empty()).then_some(reason),
                    pauses: None,
                },
            )
            .await?;
        let mut warnings: Vec<String> = Vec::new();
        if claim.lines.is_empty() {
            return Err(ApiError::invalid(format!(
                "Nothing to claim from {}: no overdue invoice is open and free of a pause{}.",
                debtor.draft.name,
                claim.excluded_list()
            )));
        }
        for e in &claim.excluded {
            warnings.push(format!("{} is left out: {}", e.number, e.reason));
        }
        // Rate gaps and the like: the interest claimed is short until they are fixed.
        warnings.extend(claim.notices.iter().cloned());
        let (checked, final_demand) = self
            .escalation_checks(
                &store,
                &claim,
                &debtor.draft.name,
                reason,
                &Escalation {
                    action: "claim",
                    done: "Claimed",
                },
            )
            .await?;
        warnings.extend(checked);

        let currency = claim.currency;
        let principal = claim.principal();
        let interest = claim.interest();
        let compensation = claim.compensation();
        let from = claim
            .lines
            .iter()
            .filter_map(|l| l.calculation.as_ref())
            .map(|c| c.interest_start.clone())
            .filter(|d| !d.is_empty())
            .min()
            .unwrap_or_default();
        let invoices: Vec<CourtInvoiceDto> = claim
            .lines
            .iter()
            .map(|l| CourtInvoiceDto {
                number: l.number.clone(),
                issue_date: l.issue_date.to_string(),
                due_date: l.due_date.to_string(),
                open: money_string(&l.open),
                interest: money_string(&l.interest),
                compensation: money_string(&l.compensation),
            })
            .collect();
        let zero = Money::zero(currency);
        let mut fields = BTreeMap::new();
        let documents: Vec<String>;
        let basis = claim.interest_basis.clone();
        let mut costs = zero;
        let (court_name, court_reason, court_fee, particulars) = match court {
            Court::UkMcol => {
                let region = self.late_fee_of(req.debtor_id).await?.policy.uk_region;
                match region.as_str() {
                    "scotland" => warnings.push(
                        "The debtor's policy puts it under Scots law: Money Claim Online is for England and Wales (use the Scottish simple procedure).".into(),
                    ),
                    "northern-ireland" => warnings.push(
                        "The debtor's policy puts it under the law of Northern Ireland: Money Claim Online is for England and Wales.".into(),
                    ),
                    _ => {}
                }
                let out = self.mcol(
                    &claim,
                    &debtor,
                    &head,
                    final_demand,
                    claim_type,
                    &from,
                    &mut fields,
                    &mut warnings,
                )?;
                documents = vec![
                    "the invoices claimed".to_string(),
                    "the letter of claim (final demand) and the reminders on record".into(),
                    "the contract or terms of business".into(),
                ];
                out
            }
            Court::DeMahnverfahren => {
                let (flat, extra) = court::set_off_flat_sum(
                    compensation.amount(),
                    self.pre_court_costs(&store, req.debtor_id, &claim).await?,
                );
                costs = Money::new(extra, currency);
                let (name, why) = court::mahngericht(&head.country, &head.postal_code);
                if currency.code() != "EUR" {
                    warnings.push(format!(
                        "The Mahnantrag is in euros; this claim is in {}: a claim in another currency goes by the paper form.",
                        currency.code()
                    ));
                }
                fields.insert("antragsteller.name".into(), head.name.clone());
                fields.insert(
                    "antragsteller.strasse".into(),
                    head.address_lines.replace('\n', ", "),
                );
                fields.insert("antragsteller.plz".into(), head.postal_code.clone());
                fields.insert("antragsteller.ort".into(), head.city.clone());
                fields.insert("antragsteller.land".into(), head.country.clone());
                fields.insert("antragsgegner.name".into(), debtor.draft.name.clone());
                fields.insert(
                    "antragsgegner.strasse".into(),
                    debtor.draft.address.lines.replace('\n', ", "),
                );
                fields.insert(
                    "antragsgegner.plz".into(),
                    debtor.draft.address.postal_code.clone(),
                );
                fields.insert(
                    "antragsgegner.ort".into(),
                    debtor.draft.address.city.clone(),
                );
                fields.insert(
                    "antragsgegner.land".into(),
                    debtor.draft.address.country.clone(),
                );
                let lang = Lang::De;
                for (i, l) in claim.lines.iter().enumerate() {
                    let k = format!("hauptforderung.{}", i + 1);
                    fields.insert(format!("{k}.katalognummer"), catalogue_no.to_string());
                    fields.insert(format!("{k}.bezeichnung"), catalogue_name.to_string());
                    fields.insert(
                        format!("{k}.rechnung"),
                        format!(
                            "Rechnung {} vom {}",
                            l.number,
                            lang.short_date(l.issue_date)
                        ),
                    );
                    fields.insert(format!("{k}.datum"), lang.short_date(l.issue_date));
                    fields.insert(format!("{k}.betrag"), lang.number(&l.open));
                    // Interest as the form asks for it: points above the base rate from
                    // a date (it holds without the half-year's figure), or a fixed rate.
                    if let Some(c) = l.calculation.as_ref() {
                        let start = NaiveDate::parse_from_str(&c.interest_start, "%Y-%m-%d")
                            .map(|d| lang.short_date(d))
                            .unwrap_or_else(|_| c.interest_start.clone());
                        let text = match (&c.method.reference_series, &c.method.margin) {
                            (Some(series), Some(m)) if series == "de_basiszins" => Some(format!(
                                "{} Prozentpunkte über dem jeweiligen Basiszinssatz seit dem {start}",
                                m.replace('.', ",")
                            )),
                            _ => c.segments.first().map(|seg| {
                                format!("{} % jährlich seit dem {start}", seg.rate.replace('.', ","))
                            }),
                        };
                        if let Some(text) = text {
                            fields.insert(format!("{k}.zinsen"), text);
                        }
                    }
                }
                fields.insert(
                    "nebenforderung.pauschale_288_5_bgb".into(),
                    lang.number(&Money::new(flat, currency)),
                );
                fields.insert(
                    "nebenforderung.vorgerichtliche_kosten".into(),
                    lang.number(&costs),
                );
                fields.insert("gericht".into(), name.to_string());
                if !costs.is_zero() || flat > Decimal::ZERO {
                    warnings.push(
                        "The EUR 40 flat sums (BGB 288(5)) are set off against the pre-court costs claimed (sentence 3): only costs beyond them are claimed."
                            .into(),
                    );
                }
                documents = vec![
                    "keine: der Mahnantrag wird ohne Belege gestellt; Rechnungen und Mahnungen bereithalten".into(),
                ];
                warnings.push(
                    "The court bills its own fee for the Mahnbescheid (GKG KV 1100, half a fee, at least EUR 36); it is not in this total."
                        .into(),
                );
                let mut lines = vec![format!(
                    "{catalogue_name} ({catalogue_no}): {} Rechnung(en), Hauptforderung {}",
                    claim.lines.len(),
                    lang.money(&principal)
                )];
                for l in &claim.lines {
                    lines.push(format!(
                        "Rechnung {} vom {}, fällig am {}: {}",
                        l.number,
                        lang.short_date(l.issue_date),
                        lang.short_date(l.due_date),
                        lang.money(&l.open)
                    ));
                }
                (name.to_string(), why, zero, lines)
            }
            Court::FrInjonction => {
                let business = debtor.draft.kind != DebtorKind::Individual;
                let city = if debtor.draft.address.city.trim().is_empty() {
                    "(ville du siège du débiteur)".to_string()
                } else {
                    debtor.draft.address.city.trim().to_string()
                };
                let name = if business {
                    format!("Tribunal de commerce de {city}")
                } else {
                    format!("Tribunal judiciaire de {city}")
                };
                let why = if business {
                    "the commercial court of the debtor's seat (Code de procédure civile 1406)"
                        .to_string()
                } else {
                    "the judicial court of the debtor's home (Code de procédure civile 1406)"
                        .to_string()
                };
                if !debtor.draft.address.country.eq_ignore_ascii_case("FR") {
                    warnings.push(
                        "The debtor is not in France: a cross-border claim goes by the European order for payment (Regulation 1896/2006)."
                            .into(),
                    );
                }
                let lang = Lang::Fr;
                fields.insert("creancier.denomination".into(), head.name.clone());
                fields.insert(
                    "creancier.siege".into(),
                    format!(
                        "{}, {} {}",
                        head.address_lines.replace('\n', ", "),
                        head.postal_code,
                        head.city
                    ),
                );
                fields.insert(
                    "creancier.immatriculation".into(),
                    head.registration.clone(),
                );
                fields.insert("debiteur.denomination".into(), debtor.draft.name.clone());
                fields.insert(
                    "debiteur.adresse".into(),
                    format!(
                        "{}, {} {}",
                        debtor.draft.address.lines.replace('\n', ", "),
                        debtor.draft.address.postal_code,
                        debtor.draft.address.city
                    ),
                );
                fields.insert("montant.principal".into(), lang.number(&principal));
                fields.insert("montant.interets".into(), lang.number(&interest));
                fields.insert(
                    "montant.indemnite_forfaitaire".into(),
                    lang.number(&compensation),
                );
                fields.insert("juridiction".into(), name.clone());
                fields.insert(
                    "fondement".into(),
                    if business {
                        "Factures impayées ; intérêts de retard (article L441-10 du Code de commerce) ; indemnité forfaitaire pour frais de recouvrement de 40 € par facture (articles L441-10 et D441-5 du Code de commerce)".into()
                    } else {
                        "Factures impayées ; intérêts au taux légal (article 1231-6 du Code civil)".into()
                    },
                );
                if let Some(d) = final_demand {
                    fields.insert("mise_en_demeure.date".into(), lang.short_date(d));
                }
                documents = vec![
                    "les factures impayées".into(),
                    "la mise en demeure (de préférence par lettre recommandée avec accusé de réception)".into(),
                    "les conditions générales de vente ou le contrat".into(),
                    "les bons de commande et de livraison".into(),
                    "un extrait Kbis du créancier de moins de trois mois".into(),
                ];
                let mut lines = vec![format!(
                    "Décompte de la créance au {} :",
                    lang.short_date(as_of)
                )];
                for l in &claim.lines {
                    lines.push(format!(
                        "Facture {} du {}, échue le {} : {}",
                        l.number,
                        lang.short_date(l.issue_date),
                        lang.short_date(l.due_date),
                        lang.money(&l.open)
                    ));
                }
                lines.push(format!("Principal : {}", lang.money(&principal)));
                if !interest.is_zero() {
                    lines.push(format!(
                        "Intérêts de retard arrêtés au {} : {}",
                        lang.short_date(as_of),
                        lang.money(&interest)
                    ));
                }
                if !claim.interest_basis.is_empty() {
                    // The basis holds without the half-year's figure.
                    lines.push(format!("Intérêts : {}", claim.interest_basis));
                }
                if !compensation.is_zero() {
                    lines.push(format!(
                        "Indemnités forfaitaires pour frais de recouvrement : {}",
                        lang.money(&compensation)
                    ));
                }
                warnings.push(
                    "The court's registry fee (émoluments du greffe) and the bailiff's service are billed separately; they are not in this total."
                        .into(),
                );
                (name, why, zero, lines)
            }
        };
        let total = [interest, compensation, costs, court_fee]
            .into_iter()
            .try_fold(principal, add)?;
        let daily = money_string(&daily_interest(&claim));
        let dto = CourtClaimDto {
            court: court.code().into(),
            court_name,
            court_reason,
            as_of: as_of.to_string(),
            debtor: debtor.draft.name.clone(),
            currency: currency.code().into(),
            particulars,
            principal: money_string(&principal),
            interest: CourtInterestDto {
                from,
                daily,
                to_date: money_string(&interest),
                basis,
            },
            compensation: money_string(&compensation),
            costs: money_string(&costs),
            court_fee: money_string(&court_fee),
            total: money_string(&total),
            fields,
            invoices,
            documents,
            warnings,
        };
        Ok(dto)
    }

    /// Logs a prepared claim on the debtor's contact log (the window logs the claim it
    /// showed once the worksheet is saved, without working it out again).
    pub async fn court_claim_log(
        &self,
        req: &CourtClaimRequest,
        dto: &CourtClaimDto,
    ) -> Result<(), ApiError> {
        let reason = req.reason.trim();
        self.store()
            .await
            .append_event(
                &overdue_store::NewEvent {
                    debtor_id: req.debtor_id,
                    occurred_at: self.clock().now(),
                    kind: "note".into(),
                    author: self.author(),
                    summary: format!(
                        "Court claim prepared ({}, {}): total {} {}{}",
                        dto.court,
                        dto.court_name,
                        dto.total,
                        dto.currency,
                        if reason.is_empty() {
                            String::new()
                        } else {
                            format!("; reason: {reason}")
                        }
                    ),
                    ..Default::default()
                },
                self.clock().now(),
            )
            .await?;
        tracing::info!(
            debtor = req.debtor_id,
            court = dto.court,
            "court claim prepared"
        );
        Ok(())
    }

    /// Books a court fee, lawyer's fee or enforcement cost as a charge on the debtor's
    /// account (against its oldest open invoice), shown on statements and the timeline.
    pub async fn legal_cost_add(&self, input: &LegalCostInput) -> Result<String, ApiError> {
        let words = input.kind.words();
        let store = self.store().await;
        let debtor = store.debtor(input.debtor_id).await?;
        let currency = debtor.draft.currency;
        let amount = crate::ledger::parse_positive(&input.amount, currency)
            .map_err(|m| ApiError::field("amount", format!("Amount: {m}")))?;
        let on = self
            .date_or_today("Date", &input.date)
            .map_err(|e| ApiError::field("date", format!("Date: {}", e.message)))?;
        let oldest = store
            .open_balances(on, Some(input.debtor_id))
            .await?
            .into_iter()
            .min_by_key(|o| (o.due_date, o.invoice_id))
            .ok_or_else(|| {
                ApiError::invalid(format!(
                    "{} has no open invoice to book the cost against.",
                    debtor.draft.name
                ))
            })?;
        let basis = format!(
            "{LEGAL_COST}: {words}{}",
            if input.note.trim().is_empty() {
                String::new()
            } else {
                format!(" ({})", input.note.trim())
            }
        );
        store
            .add_charges(
                &[overdue_store::NewCharge {
                    debtor_id: input.debtor_id,
                    invoice_id: oldest.invoice_id,
                    kind: "fee".into(),
                    charged_on: on,
                    period: None,
                    amount,
                    basis: basis.clone(),
                }],
                &overdue_store::NewEvent {
                    debtor_id: input.debtor_id,
                    occurred_at: self.clock().now(),
                    kind: "note".into(),
                    author: self.author(),
                    summary: format!("{basis}: {} {}", money_string(&amount), currency.code()),
                    ..Default::default()
                },
                self.clock().now(),
            )
            .await?;
        Ok(basis)
    }

    /// Records a step of the court case (issued, judgment, enforcement, paid, withdrawn)
    /// on the debtor's timeline.
    pub async fn court_status(&self, input: &CourtStatusInput) -> Result<String, ApiError> {
        let words = input.status.words();
        let on = self
            .date_or_today("Date", &input.date)
            .map_err(|e| ApiError::field("date", format!("Date: {}", e.message)))?;
        let store = self.store().await;
        store.debtor(input.debtor_id).await?;
        let summary = format!(
            "{words} on {on}{}",
            if input.note.trim().is_empty() {
                String::new()
            } else {
                format!(": {}", input.note.trim())
            }
        );
        store
            .append_event(
                &overdue_store::NewEvent {
                    debtor_id: input.debtor_id,
                    occurred_at: self.noon_of(on),
                    kind: "note".into(),
                    author: self.author(),
                    summary: summary.clone(),
                    ..Default::default()
                },
                self.clock().now(),
            )
            .await?;
        Ok(summary)
    }

    /// Dunning fees booked on the claimed invoices and not reversed (the pre-court costs
    /// of legal pursuit; court and lawyer's costs booked as legal costs are not).
    async fn pre_court_costs(
        &self,
        store: &overdue_store::Store,
        debtor_id: i64,
        claim: &Claim,
    ) -> Result<Decimal, ApiError> {
        let ids: Vec<i64> = claim.lines.iter().map(|l| l.invoice_id).collect();
        Ok(store
            .charges_of(debtor_id)
            .await?
            .iter()
            .filter(|c| {
                c.reversed_on.is_none()
                    && c.kind == "fee"
                    && !c.basis.starts_with(LEGAL_COST)
                    && ids.contains(&c.invoice_id)
            })
            .map(|c| c.amount.amount())
            .sum())
    }

    #[allow(clippy::too_many_arguments)] // each is one part of the form
    fn mcol(
        &self,
        claim: &Claim,
        debtor: &overdue_store::DebtorRecord,
        head: &crate::documents::LetterheadDto,
        final_demand: Option<NaiveDate>,
        claim_type: &str,
        from: &str,
        fields: &mut BTreeMap<String, String>,
        warnings: &mut Vec<String>,
    ) -> Result<(String, String, Money, Vec<String>), ApiError> {
        let currency = claim.currency;
        let principal = claim.principal();
        let interest = claim.interest();
        let compensation = claim.compensation();
        if currency.code() != "GBP" {
            warnings.push(format!(
                "Money Claim Online takes claims in pounds sterling; this claim is in {}.",
                currency.code()
            ));
        }
        let amount = add(principal, compensation)?;
        let claimed = add(amount, interest)?;
        let fee = Money::new(court::uk_issue_fee(claimed.amount()), currency);
        if claimed.amount() >= court::MCOL_LIMIT {
            warnings.push(format!(
                "Money Claim Online refuses claims of GBP 100,000 or more (this one is {}): issue on form N1.",
                uk_money(&claimed)
            ));
        }
        let d = &debtor.draft;
        match (
            d.address.country.trim().to_ascii_uppercase().as_str(),
            court::uk_region(&d.address.postal_code),
        ) {
            ("GB" | "UK", UkRegion::EnglandWales) => {}
            ("GB" | "UK", UkRegion::Scotland) => warnings.push(
                "The defendant's address is in Scotland: Money Claim Online serves only addresses in England and Wales (use the Scottish simple procedure).".into(),
            ),
            ("GB" | "UK", UkRegion::NorthernIreland) => warnings.push(
                "The defendant's address is in Northern Ireland: Money Claim Online serves only addresses in England and Wales.".into(),
            ),
            ("GB" | "UK", _) => warnings.push(format!(
                "The defendant's postcode \"{}\" is not one in England and Wales: Money Claim Online serves only addresses there; check it.",
                d.address.postal_code
            )),
            (other, _) => warnings.push(format!(
                "The defendant's address is outside the United Kingdom ({}): Money Claim Online serves only addresses in England and Wales.",
                if other.is_empty() { "no country set" } else { other }
            )),
        }
        // Pre-Action Protocol for Debt Claims: an individual or sole trader has 30 days to
        // answer the letter of claim before a claim is issued.
        if matches!(d.kind, DebtorKind::Individual | DebtorKind::SoleTrader) {
            match final_demand {
                Some(day) if (claim.as_of - day).num_days() >= 30 => {}
                Some(day) => warnings.push(format!(
                    "Pre-Action Protocol for Debt Claims: the defendant is {} and has 30 days to reply to the letter of claim of {}; they end on {}.",
                    if d.kind == DebtorKind::Individual { "an individual" } else { "a sole trader" },
                    uk_date(day),
                    uk_date(day + chrono::Days::new(30))
                )),
                None => warnings.push(format!(
                    "Pre-Action Protocol for Debt Claims: the defendant is {} and no letter of claim is on record; send one and wait 30 days.",
                    if d.kind == DebtorKind::Individual { "an individual" } else { "a sole trader" }
                )),
            }
        }
        let what = if claim_type == "services" {
            "services provided"
        } else {
            "goods sold and delivered"
        };
        let mut paragraphs = vec![format!(
            "The Claimant claims {} for {what} to the Defendant under {} unpaid invoice{}:",
            uk_money(&principal),
            claim.lines.len(),
            if claim.lines.len() == 1 { "" } else { "s" }
        )];
        let listed: Vec<String> = claim
            .lines
            .iter()
            .map(|l| {
                format!(
                    "{} of {}, due {}: {}",
                    l.number,
                    l.issue_date.format("%d/%m/%Y"),
                    l.due_date.format("%d/%m/%Y"),
                    uk_money(&l.open)
                )
            })
            .collect();
        let mut tail = Vec::new();
        if let Some(day) = final_demand {
            tail.push(format!(
                "Payment was demanded by letter of claim dated {}.",
                uk_date(day)
            ));
        }
        let rate = claim
            .lines
            .iter()
            .filter_map(|l| l.calculation.as_ref())
            .find(|c| !c.segments.is_empty());
        if let Some(c) = rate.filter(|_| !interest.is_zero()) {
            let start = NaiveDate::parse_from_str(from, "%Y-%m-%d")
                .map(uk_date)
                .unwrap_or_else(|_| from.to_string());
            let law = if c.jurisdiction == "uk" {
                format!(
                    "statutory interest under the Late Payment of Commercial Debts (Interest) Act 1998 at {}% a year",
                    c.segments[0].rate
                )
            } else {
                format!("interest at {}% a year", c.segments[0].rate)
            };
            tail.push(format!(
                "The Claimant also claims {law} from {start}: {} to {} and {} a day after that until judgment or payment.",
                uk_money(&interest),
                uk_date(claim.as_of),
                uk_money(&daily_interest(claim))
            ));
        }
        if !compensation.is_zero() {
            tail.push(format!(
                "The Claimant claims fixed compensation of {} under section 5A of that Act.",
                uk_money(&compensation)
            ));
        }
        let mut all = paragraphs.clone();
        all.extend(listed.iter().cloned());
        all.extend(tail.iter().cloned());
        let particulars = match court::mcol_particulars(&all) {
            Some(lines) => lines,
            None => {
                // Too many invoices to list within 24 lines: name them as a range and
                // serve the schedule with the claim.
                let first = claim
                    .lines
                    .first()
                    .map(|l| l.number.clone())
                    .unwrap_or_default();
                let last = claim
                    .lines
                    .last()
                    .map(|l| l.number.clone())
                    .unwrap_or_default();
                paragraphs.push(format!(
                    "Invoices {first} to {last}, listed in the schedule served with the claim form."
                ));
                paragraphs.extend(tail.iter().cloned());
                warnings.push(
                    "The invoices do not fit the particulars' 24 lines: they are named as a range; serve the schedule (the PDF) with the claim."
                        .into(),
                );
                court::mcol_particulars(&paragraphs).ok_or_else(|| {
                    ApiError::invalid(
                        "The particulars of claim do not fit Money Claim Online's 24 lines of 45 characters.",
                    )
                })?
            }
        };
        fields.insert("claimant.name".into(), court::mcol_text(&head.name));
        fields.insert(
            "claimant.address".into(),
            court::mcol_text(&head.address_lines.replace('\n', ", ")),
        );
        fields.insert("claimant.town".into(), court::mcol_text(&head.city));
        fields.insert("claimant.postcode".into(), head.postal_code.clone());
        fields.insert("defendant.name".into(), court::mcol_text(&d.name));
        fields.insert(
            "defendant.type".into(),
            match d.kind {
                DebtorKind::Company => "organisation",
                DebtorKind::Individual => "individual",
                DebtorKind::SoleTrader => "sole trader",
            }
            .into(),
        );
        fields.insert(
            "defendant.address".into(),
            court::mcol_text(&d.address.lines.replace('\n', ", ")),
        );
        fields.insert("defendant.town".into(), court::mcol_text(&d.address.city));
        fields.insert("defendant.postcode".into(), d.address.postal_code.clone());
        fields.insert("amount_claimed".into(), money_string(&amount));
        fields.insert(
            "interest.claimed".into(),
            if interest.is_zero() { "no" } else { "yes" }.into(),
        );
        fields.insert("interest.from".into(), from.to_string());
        fields.insert("interest.to_date".into(), money_string(&interest));
        fields.insert(
            "interest.daily".into(),
            money_string(&daily_interest(claim)),
        );
        if let Some(c) = rate {
            fields.insert("interest.rate".into(), c.segments[0].rate.clone());
        }
        fields.insert("court_fee".into(), money_string(&fee));
        fields.insert("legal_representative_costs".into(), "0.00".into());
        fields.insert("total_amount".into(), money_string(&add(claimed, fee)?));
        fields.insert("your_reference".into(), d.external_ref.clone());
        fields.insert("statement_of_truth.name".into(), head.signatory.clone());
        fields.insert("particulars".into(), particulars.join("\n"));
        Ok((
            "County Court Business Centre (Money Claim Online)".into(),
            "a money claim below GBP 100,000 against a defendant in England and Wales".into(),
            fee,
            particulars,
        ))
    }

    /// Writes the claim as a printable worksheet (fields, particulars, invoices, warnings)
    /// to `path`, for transferring into the court's form; kept on the debtor's record.
    pub async fn court_claim_pdf_to(
        &self,
        claim: &CourtClaimDto,
        debtor_id: i64,
        path: &std::path::Path,
    ) -> Result<(), ApiError> {
        let head = self.letterhead_get().await?;
        let page_size = PageSize::parse(&head.page_size)
            .unwrap_or_else(|| PageSize::for_country(&head.country));
        let mut blocks = vec![
            Block::Section {
                title: "Court".into(),
                new_page: false,
            },
            Block::Para(format!("{} ({})", claim.court_name, claim.court_reason)),
            Block::Table {
                columns: vec![
                    ("Principal".into(), 20, true),
                    ("Interest".into(), 20, true),
                    ("Compensation".into(), 20, true),
                    ("Costs".into(), 13, true),
                    ("Court fee".into(), 13, true),
                    ("Total".into(), 14, true),
                ],
                rows: vec![vec![
                    claim.principal.clone(),
                    claim.interest.to_date.clone(),
                    claim.compensation.clone(),
                    claim.costs.clone(),
                    claim.court_fee.clone(),
                    format!("{} {}", claim.total, claim.currency),
                ]],
                bold_rows: vec![0],
            },
            Block::Para(format!(
                "Interest from {}: {} a day ({}).",
                claim.interest.from, claim.interest.daily, claim.interest.basis
            )),
            Block::Section {
                title: "Particulars".into(),
                new_page: false,
            },
        ];
        blocks.extend(claim.particulars.iter().map(|l| Block::Small(l.clone())));
        blocks.push(Block::Section {
            title: "Fields of the form".into(),
            new_page: false,
        });
        blocks.push(Block::Table {
            columns: vec![("Field".into(), 35, false), ("Value".into(), 65, false)],
            rows: claim
                .fields
                .iter()
                .filter(|(k, _)| k.as_str() != "particulars")
                .map(|(k, v)| vec![k.clone(), v.clone()])
                .collect(),
            bold_rows: Vec::new(),
        });
        blocks.push(Block::Section {
            title: "Invoices".into(),
            new_page: false,
        });
        blocks.push(Block::Table {
            columns: vec![
                ("Invoice".into(), 20, false),
                ("Date".into(), 16, false),
                ("Due".into(), 16, false),
                ("Open".into(), 16, true),
                ("Interest".into(), 16, true),
                ("Compensation".into(), 16, true),
            ],
            rows: claim
                .invoices
                .iter()
                .map(|i| {
                    vec![
                        i.number.clone(),
                        i.issue_date.clone(),
                        i.due_date.clone(),
                        i.open.clone(),
                        i.interest.clone(),
                        i.compensation.clone(),
                    ]
                })
                .collect(),
            bold_rows: Vec::new(),
        });
        if !claim.documents.is_empty() {
            blocks.push(Block::Section {
                title: "Documents".into(),
                new_page: false,
            });
            blocks.extend(
                claim
                    .documents
                    .iter()
                    .map(|d| Block::Para(format!("- {d}"))),
            );
        }
        if !claim.warnings.is_empty() {
            blocks.push(Block::Section {
                title: "Check before filing".into(),
                new_page: false,
            });
            blocks.extend(claim.warnings.iter().map(|w| Block::Para(format!("- {w}"))));
        }
        let title = format!("Court claim: {}", claim.court);
        let subtitle = format!("{}, {}", claim.debtor, claim.as_of);
        let report = Report {
            title: title.clone(),
            subtitle: subtitle.clone(),
            page_size,
            letterhead: head.to_model(),
            blocks,
            lang: Lang::En,
        };
        let meta = Metadata {
            title: format!("{title}: {subtitle}"),
            author: head.name.clone(),
            subject: "Court claim data".into(),
            keywords: vec!["court".into(), claim.court.clone()],
            created_unix: self.clock().now().timestamp(),
        };
        let bytes = overdue_docs::render_report(&report, &[], &meta)
            .map_err(|e| ApiError::new(ErrorCode::Internal, format!("PDF: {e}")))?;
        // The file first: a claim kept on the record was also handed to the user.
        crate::letters_ui::write_atomically(path, &bytes)?;
        self.store()
            .await
            .store_documents(
                &[overdue_store::NewDocument {
                    debtor_id,
                    invoice_id: None,
                    kind: "court-claim".into(),
                    title: meta.title.clone(),
                    file_name: format!("court-claim-{}-{}.pdf", claim.court, claim.as_of),
                    content_type: "application/pdf".into(),
                    content: bytes.clone(),
                    author: "overdue".into(),
                    event_kind: "document".into(),
                }],
                self.clock().now(),
            )
            .await?;
        Ok(())
    }
}
