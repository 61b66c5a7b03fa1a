//! Payment plan and settlement agreements as PDFs, from what is stored: a payment plan
//! (issue 6, `payment_plans` with its schedule) or a settlement offer. Like every other
//! document, an agreement that is produced is kept with its SHA-256 and logged on the
//! debtor's contact log (`document` event).

use std::collections::HashMap;

use overdue_docs::{ChargeLine, Document, DocumentKind, Instalment, ItemLine};
use overdue_domain::Money;
use overdue_store::{InvoiceQuery, InvoiceRecord, Store};

use crate::documents::{docs_error, file_stem, recipient, PdfFile};
use crate::{Api, ApiError, ErrorCode};

impl Api {
    /// The debtor's invoices by id (for the agreement's invoice table).
    async fn invoices_by_id(
        store: &Store,
        debtor_id: i64,
        as_of: chrono::NaiveDate,
    ) -> Result<HashMap<i64, InvoiceRecord>, ApiError> {
        Ok(store
            .list_invoices(&InvoiceQuery::of_debtor(debtor_id, as_of, 10_000))
            .await?
            .1
            .into_iter()
            .map(|i| (i.id, i))
            .collect())
    }

    /// A payment plan agreement from a stored plan: `plan_id`, or the debtor's most recent
    /// plan. The schedule is the plan's (the down payment first); interest the plan adds
    /// is shown as a charge so the total equals the schedule's sum. `record` keeps it.
    pub async fn plan_agreement_pdf(
        &self,
        debtor_id: i64,
        plan_id: Option<i64>,
        record: bool,
    ) -> Result<PdfFile, ApiError> {
        let store = self.store().await;
        let debtor = store.debtor(debtor_id).await?;
        let plan = match plan_id {
            Some(id) => {
                let p = store.plan(id).await?;
                if p.debtor_id != debtor_id {
                    return Err(ApiError::new(
                        ErrorCode::NotFound,
                        format!("plan: payment plan {id} is not {}'s", debtor.draft.name),
                    ));
                }
                p
            }
            None => store
                .plans_of(Some(debtor_id))
                .await?
                .into_iter()
                .next()
                .ok_or_else(|| {
                    ApiError::new(
                        ErrorCode::NotFound,
                        format!(
                            "plan: {} has no payment plan; agree one first (overdue plan ...)",
                            debtor.draft.name
                        ),
                    )
                })?,
        };
        let head = self.letterhead_get().await?;
        let c = plan.currency;
        let invoices = Self::invoices_by_id(&store, debtor_id, plan.agreed_on).await?;
        let mut items: Vec<ItemLine> = plan
            .invoices
            .iter()
            .filter_map(|pi| {
                invoices.get(&pi.invoice_id).map(|inv| ItemLine {
                    number: pi.number.clone(),
                    issue_date: inv.issue_date,
                    due_date: inv.due_date,
                    amount: inv.amount,
                    open: Money::from_minor_units(pi.open_minor, c),
                    description: inv.description.clone(),
                })
            })
            .collect();
        items.sort_by_key(|i| (i.due_date, i.number.clone()));
        let lang = crate::claim::debtor_lang(&debtor, &head.country);
        let mut charges = Vec::new();
        if plan.interest_minor != 0 {
            charges.push(ChargeLine {
                label: lang.t("plan_interest", &[]),
                basis: lang.t(
                    "plan_interest_basis",
                    &[("rate", &plan.rate.replace('.', lang.decimal_mark()))],
                ),
                amount: Money::from_minor_units(plan.interest_minor, c),
            });
        }
        let instalments: Vec<Instalment> = plan
            .installments
            .iter()
            .map(|i| Instalment {
                due: i.due_on,
                amount: Money::from_minor_units(i.amount_minor, c),
            })
            .collect();
        let mut notes = Vec::new();
        if plan.down_payment_minor > 0 {
            notes.push(lang.t("plan_down_payment", &[]));
        }
        if !plan.note.trim().is_empty() {
            notes.push(plan.note.trim().to_string());
        }
        let doc = Document {
            kind: DocumentKind::PaymentPlanAgreement,
            page_size: head.page_size(),
            letterhead: head.for_currency(c.code()).to_model(),
            recipient: recipient(&debtor, &head.country),
            payment_reference: overdue_domain::bank::rf::for_debtor(debtor_id),
            reference: format!(
                "{}-P{}",
                reference_of(&debtor.draft.external_ref, debtor_id),
                plan.id
            ),
            date: plan.agreed_on,
            currency: c,
            items,
            charges,
            deadline: instalments.first().map(|i| i.due),
            agreement_date: None,
            interest_continues: String::new(),
            statement: None,
            instalments,
            settlement_amount: None,
            itemization_date: None,
            credits_since_itemization: None,
            tax_included: None,
            notes: notes.join(" "),
            reminded_on: Vec::new(),
            interest_daily: None,
            interest_to: None,
            grace_days: Some(plan.grace_days),
        };
        let bytes = overdue_docs::render(&doc, &self.metadata(&doc)).map_err(docs_error)?;
        let title = overdue_docs::metadata_for(&doc, 0).title;
        let file_name = format!("payment-plan-agreement-{}.pdf", file_stem(&doc.reference));
        self.finish(
            &store,
            debtor_id,
            None,
            DocumentKind::PaymentPlanAgreement.as_str(),
            title,
            file_name,
            bytes,
            record,
            "document",
        )
        .await
    }

    /// A settlement agreement from a stored settlement offer: `settlement_id`, or the
    /// debtor's most recent offer. The invoices are those the offer covers, with their
    /// open balance on the day it was offered. `record` keeps it.
    pub async fn settlement_agreement_pdf(
        &self,
        debtor_id: i64,
        settlement_id: Option<i64>,
        record: bool,
    ) -> Result<PdfFile, ApiError> {
        let store = self.store().await;
        let debtor = store.debtor(debtor_id).await?;
        let offers = store.settlements_of(debtor_id).await?;
        let offer = match settlement_id {
            Some(id) => offers.into_iter().find(|s| s.id == id).ok_or_else(|| {
                ApiError::new(
                    ErrorCode::NotFound,
                    format!("settlement: offer {id} is not {}'s", debtor.draft.name),
                )
            })?,
            None => offers.into_iter().next().ok_or_else(|| {
                ApiError::new(
                    ErrorCode::NotFound,
                    format!(
                        "settlement: {} has no settlement offer; record one first",
                        debtor.draft.name
                    ),
                )
            })?,
        };
        let head = self.letterhead_get().await?;
        let c = offer.amount.currency();
        let invoices = Self::invoices_by_id(&store, debtor_id, offer.offered_on).await?;
        let open = store
            .open_balances(offer.offered_on, Some(debtor_id))
            .await?;
        let mut items: Vec<ItemLine> = open
            .iter()
            .filter(|o| offer.invoice_ids.contains(&o.invoice_id))
            .filter_map(|o| {
                invoices.get(&o.invoice_id).map(|inv| ItemLine {
                    number: o.number.clone(),
                    issue_date: o.issue_date,
                    due_date: o.due_date,
                    amount: inv.amount,
                    open: o.open,
                    description: inv.description.clone(),
                })
            })
            .collect();
        items.sort_by_key(|i| (i.due_date, i.number.clone()));
        // What the claim held beyond the invoices' open balances (charges) when offered.
        let mut charges = Vec::new();
        let listed = items
            .iter()
            .try_fold(Money::zero(c), |a, i| a.checked_add(&i.open))
            .unwrap_or(Money::zero(c));
        if let Ok(rest) = offer.claim.checked_sub(&listed) {
            if !rest.is_zero() && !rest.is_negative() {
                charges.push(ChargeLine {
                    label: "Interest and charges".into(),
                    basis: format!("claimed when the offer was made on {}", offer.offered_on),
                    amount: rest,
                });
            }
        }
        let doc = Document {
            kind: DocumentKind::SettlementAgreement,
            page_size: head.page_size(),
            letterhead: head.for_currency(debtor.draft.currency.code()).to_model(),
            recipient: recipient(&debtor, &head.country),
            payment_reference: overdue_domain::bank::rf::for_debtor(debtor_id),
            reference: format!(
                "{}-S{}",
                reference_of(&debtor.draft.external_ref, debtor_id),
                offer.id
            ),
            date: offer.accepted_on.unwrap_or(offer.offered_on),
            currency: c,
            items,
            charges,
            deadline: Some(offer.deadline),
            agreement_date: None,
            interest_continues: String::new(),
            statement: None,
            instalments: Vec::new(),
            settlement_amount: Some(offer.amount),
            itemization_date: None,
            credits_since_itemization: None,
            tax_included: None,
            notes: offer.note.trim().to_string(),
            reminded_on: Vec::new(),
            interest_daily: None,
            interest_to: None,
            grace_days: None,
        };
        let bytes = overdue_docs::render(&doc, &self.metadata(&doc)).map_err(docs_error)?;
        let title = overdue_docs::metadata_for(&doc, 0).title;
        let file_name = format!("settlement-agreement-{}.pdf", file_stem(&doc.reference));
        self.finish(
            &store,
            debtor_id,
            None,
            DocumentKind::SettlementAgreement.as_str(),
            title,
            file_name,
            bytes,
            record,
            "document",
        )
        .await
    }
}

/// The debtor's reference for a document: the external reference, or `D{id}`.
fn reference_of(external_ref: &str, debtor_id: i64) -> String {
    let r = external_ref.trim().trim_start_matches('#');
    if r.is_empty() {
        format!("D{debtor_id}")
    } else {
        r.to_string()
    }
}

/// Which agreement to produce in the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AgreementKind {
    /// A payment plan agreement.
    Plan,
    /// A settlement agreement.
    Settlement,
}

impl AgreementKind {
    /// A file name to offer in the save dialog.
    pub fn suggested_name(self, debtor_id: i64, id: Option<i64>) -> String {
        let what = match self {
            AgreementKind::Plan => "payment-plan-agreement",
            AgreementKind::Settlement => "settlement-agreement",
        };
        match id {
            Some(id) => format!("{what}-{debtor_id}-{id}.pdf"),
            None => format!("{what}-{debtor_id}.pdf"),
        }
    }
}

impl Api {
    /// Checks an agreement as Save would make it, without keeping it: an error (no
    /// account to pay into, no plan) before the window opens a file dialog.
    pub async fn agreement_check(
        &self,
        debtor_id: i64,
        kind: AgreementKind,
        id: Option<i64>,
    ) -> Result<(), ApiError> {
        match kind {
            AgreementKind::Plan => self.plan_agreement_pdf(debtor_id, id, false).await?,
            AgreementKind::Settlement => {
                self.settlement_agreement_pdf(debtor_id, id, false).await?
            }
        };
        Ok(())
    }

    /// Save As of an agreement (the plan `id` or offer `id`, else the debtor's latest):
    /// produced and kept on the debtor's record, then exactly those bytes written to `path`.
    pub async fn agreement_save_to(
        &self,
        debtor_id: i64,
        kind: AgreementKind,
        id: Option<i64>,
        path: &std::path::Path,
    ) -> Result<crate::interest_pdf::SavedPdf, ApiError> {
        let pdf = match kind {
            AgreementKind::Plan => self.plan_agreement_pdf(debtor_id, id, true).await?,
            AgreementKind::Settlement => self.settlement_agreement_pdf(debtor_id, id, true).await?,
        };
        crate::letters_ui::write_atomically(path, &pdf.bytes)?;
        Ok(crate::interest_pdf::SavedPdf {
            path: path.display().to_string(),
            sha256: pdf.sha256,
        })
    }
}
