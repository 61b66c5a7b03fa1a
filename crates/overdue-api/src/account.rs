//! A debtor's account as the debtor page shows it: the timeline of everything that
//! happened (ledger documents and the contact log, merged) and the allocation preview of a
//! payment before it is recorded.

use overdue_domain::ledger::{allocate_payment, OpenItem};
use overdue_domain::Money;
use overdue_store::EntryKind;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ledger::{money_string, parse_positive, PaymentInput};
use crate::{Api, ApiError};

/// One thing that happened on a debtor's account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TimelineEntryDto {
    /// When: a date (YYYY-MM-DD) for ledger documents, an RFC 3339 instant for contacts.
    pub at: String,
    /// `invoice`, `payment`, `payment_reversal`, `credit_note`, `write_off`, or the contact
    /// log's kind (`email`, `letter`, `call`, `note`, `promise`, `credit`, ...).
    pub kind: String,
    /// One line.
    pub title: String,
    /// More (description, reason, notes).
    pub detail: String,
    /// Signed amount for ledger documents (debits positive), with its currency.
    pub amount: Option<String>,
    /// Currency of `amount`.
    pub currency: String,
    /// Who (contact log entries).
    pub author: String,
    /// SHA-256 of what was sent, when the log keeps it.
    pub sha256: Option<String>,
}

/// Where a payment would go, before it is recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PaymentPreviewDto {
    /// Currency.
    pub currency: String,
    /// Invoice by invoice, in the order they would be paid.
    pub lines: Vec<PaymentPreviewLine>,
    /// What would stay as unapplied credit on the debtor.
    pub unapplied: String,
}

/// One invoice a payment would pay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PaymentPreviewLine {
    /// The invoice.
    #[ts(type = "number")]
    pub invoice_id: i64,
    /// Amount the payment would apply to it.
    pub amount: String,
    /// Invoice number.
    pub number: String,
    /// Its due date.
    pub due_date: String,
    /// Open before the payment.
    pub open_before: String,
    /// Open after it.
    pub open_after: String,
}

fn entry_title(k: EntryKind, reference: &str) -> String {
    let what = match k {
        EntryKind::Invoice => "Invoice",
        EntryKind::Payment => "Payment received",
        EntryKind::PaymentReversal => "Payment reversed",
        EntryKind::CreditNote => "Credit note",
        EntryKind::WriteOff => "Write-off",
        EntryKind::Charge => "Charge on",
        EntryKind::ChargeReversal => "Charge reversed on",
    };
    if reference.is_empty() {
        what.to_string()
    } else {
        format!("{what} {reference}")
    }
}

impl Api {
    /// Everything that happened on a debtor's account, newest first: invoices, payments,
    /// reversals, credit notes and write-offs from the ledger, and every entry of the
    /// contact log.
    pub async fn debtor_timeline(&self, debtor_id: i64) -> Result<Vec<TimelineEntryDto>, ApiError> {
        let store = self.store().await;
        store.debtor(debtor_id).await?;
        // Everything ever dated (9999-12-31 compares as text and as a date on both backends).
        let far = chrono::NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(chrono::NaiveDate::MAX);
        let mut out: Vec<TimelineEntryDto> = store
            .account_entries(debtor_id, far)
            .await?
            .into_iter()
            .map(|e| TimelineEntryDto {
                at: e.date.to_string(),
                kind: e.kind.as_str().to_string(),
                title: entry_title(e.kind, &e.reference),
                detail: e.description,
                amount: Some(money_string(&e.amount)),
                currency: e.amount.currency().code().to_string(),
                author: String::new(),
                sha256: None,
            })
            .collect();
        out.extend(store.events_of(debtor_id).await?.into_iter().map(|e| {
            TimelineEntryDto {
                at: e
                    .occurred_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                kind: e.kind,
                title: e.summary,
                detail: e.detail,
                amount: None,
                currency: String::new(),
                author: e.author,
                sha256: e.sha256,
            }
        }));
        // Dates sort before instants of the same day ("2026-05-01" < "2026-05-01T..."), so
        // a day's documents come before that day's contacts; newest first overall.
        out.sort_by(|a, b| b.at.cmp(&a.at));
        Ok(out)
    }

    /// Where a payment would go if recorded now: the named invoice first, then oldest due
    /// first; nothing is written.
    pub async fn payment_preview(
        &self,
        input: PaymentInput,
    ) -> Result<PaymentPreviewDto, ApiError> {
        let store = self.store().await;
        let debtor = store.debtor(input.debtor_id).await?;
        let currency = debtor.draft.currency;
        let amount = parse_positive(&input.amount, currency).map_err(ApiError::invalid)?;
        let today = self.clock().today();
        let mut items: Vec<OpenItem> = store
            .open_balances(today, Some(input.debtor_id))
            .await?
            .into_iter()
            .filter(|b| b.open.currency() == currency)
            .map(|b| OpenItem {
                invoice_id: b.invoice_id,
                number: b.number,
                issue_date: b.issue_date,
                due_date: b.due_date,
                amount: b.open,
                open: b.open,
            })
            .collect();
        if let Some(id) = input.invoice_id {
            if !items.iter().any(|i| i.invoice_id == id) {
                let inv = store.invoice(id).await?.invoice;
                if inv.debtor_id != input.debtor_id {
                    return Err(ApiError::invalid(format!(
                        "Invoice {} belongs to another debtor.",
                        inv.number
                    )));
                }
                items.push(OpenItem {
                    invoice_id: id,
                    number: inv.number,
                    issue_date: inv.issue_date,
                    due_date: inv.due_date,
                    amount: inv.amount,
                    open: Money::zero(currency),
                });
            }
        }
        let plan = allocate_payment(&amount, &items, input.invoice_id)
            .map_err(|e| ApiError::invalid(e.to_string()))?;
        let lines = plan
            .lines
            .iter()
            .filter_map(|l| {
                let item = items.iter().find(|i| i.invoice_id == l.invoice_id)?;
                let after = item.open.checked_sub(&l.amount).ok()?;
                Some(PaymentPreviewLine {
                    invoice_id: l.invoice_id,
                    amount: money_string(&l.amount),
                    number: item.number.clone(),
                    due_date: item.due_date.to_string(),
                    open_before: money_string(&item.open),
                    open_after: money_string(&after),
                })
            })
            .collect();
        Ok(PaymentPreviewDto {
            currency: currency.code().to_string(),
            lines,
            unapplied: money_string(&plan.unapplied),
        })
    }
}
