//! Receivables ledger use cases: invoices, credit notes and write-offs, payments with
//! their allocation and reversal, disputes. DTOs for them live here too (exported to
//! TypeScript like those of [`crate::dto`]).

// serde's derives expand to code naming f64 in generic content handling; no DTO here has
// a float field.
#![allow(clippy::disallowed_types)]

use chrono::NaiveDate;
use overdue_domain::money::decimal_string;
use overdue_domain::{Currency, Money};
use overdue_store::{
    AdjustmentKind, InvoiceDetail, InvoiceQuery, InvoiceRecord, InvoiceSort, InvoiceStatus,
    NewAdjustment, NewEvent, NewInvoice, NewPayment,
};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::dto::SortDirectionDto;
use crate::{clamp_u32, Api, ApiError};

/// The invoice form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct InvoiceInput {
    /// The debtor's database id.
    #[ts(type = "number")]
    pub debtor_id: i64,
    /// Invoice number, unique in the book.
    pub number: String,
    /// Issue date (YYYY-MM-DD).
    pub issue_date: String,
    /// Due date (YYYY-MM-DD); "" = issue date + the debtor's payment terms.
    pub due_date: String,
    /// Total amount, tax included (decimal string).
    pub amount: String,
    /// Tax included in the amount ("" = none).
    pub tax: String,
    /// Currency; "" = the debtor's (any other is refused).
    pub currency: String,
    /// Description.
    pub description: String,
    /// Why the invoice goes out although the credit check holds the debtor ("" = none
    /// given: a held debtor's invoice is refused with the hold's reasons).
    #[serde(default)]
    pub override_reason: String,
}

/// Invoice status as the list shows and filters it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum InvoiceStatusDto {
    /// Owed, not yet due.
    Open,
    /// Owed past the due date.
    Overdue,
    /// Disputed by the debtor (dunning pauses).
    Disputed,
    /// Nothing owed any more.
    Settled,
}

impl From<InvoiceStatus> for InvoiceStatusDto {
    fn from(s: InvoiceStatus) -> Self {
        match s {
            InvoiceStatus::Open => InvoiceStatusDto::Open,
            InvoiceStatus::Overdue => InvoiceStatusDto::Overdue,
            InvoiceStatus::Disputed => InvoiceStatusDto::Disputed,
            InvoiceStatus::Settled => InvoiceStatusDto::Settled,
        }
    }
}

impl From<InvoiceStatusDto> for InvoiceStatus {
    fn from(s: InvoiceStatusDto) -> Self {
        match s {
            InvoiceStatusDto::Open => InvoiceStatus::Open,
            InvoiceStatusDto::Overdue => InvoiceStatus::Overdue,
            InvoiceStatusDto::Disputed => InvoiceStatus::Disputed,
            InvoiceStatusDto::Settled => InvoiceStatus::Settled,
        }
    }
}

/// A stored invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Invoice {
    /// Database id.
    #[ts(type = "number")]
    pub id: i64,
    /// The debtor's id.
    #[ts(type = "number")]
    pub debtor_id: i64,
    /// The debtor's name.
    pub debtor_name: String,
    /// The debtor's external reference.
    pub debtor_ref: String,
    /// Invoice number.
    pub number: String,
    /// Issue date.
    pub issue_date: String,
    /// Due date.
    pub due_date: String,
    /// Currency.
    pub currency: String,
    /// Amount (decimal string).
    pub amount: String,
    /// Tax included.
    pub tax: String,
    /// Open balance today.
    pub open: String,
    /// Description.
    pub description: String,
    /// Status as of today.
    pub status: InvoiceStatusDto,
    /// When the current dispute was raised ("" when not disputed).
    pub disputed_on: String,
    /// The dispute's reason.
    pub dispute_reason: String,
    /// The structured creditor reference (ISO 11649 `RF..`) printed on the invoice,
    /// reminders and the payment QR code; bank statements carrying it match this invoice.
    pub payment_reference: String,
}

/// A request for one window of the invoice list.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct InvoiceListQuery {
    /// Only this debtor's invoices.
    #[ts(type = "number | null")]
    pub debtor_id: Option<i64>,
    /// Only invoices in this status.
    pub status: Option<InvoiceStatusDto>,
    /// Only invoices with something owed past the due date.
    pub overdue: bool,
    /// Only disputed invoices.
    pub disputed: bool,
    /// Search-as-you-type text: only invoices whose number, debtor name or debtor
    /// reference contains it (case and accents ignored); empty: all.
    #[serde(default)]
    pub search: String,
    /// Sort column (default: the due date).
    #[serde(default)]
    pub sort: InvoiceSortDto,
    /// Sort direction.
    #[serde(default)]
    pub direction: SortDirectionDto,
    /// First row (0-based).
    pub offset: u32,
    /// Rows wanted (at most 1000).
    pub limit: u32,
}

/// The column the invoice list is ordered by (ties by entry order, so pages never
/// overlap).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum InvoiceSortDto {
    /// Due date.
    #[default]
    Due,
    /// Invoice number.
    Number,
    /// Debtor name.
    Debtor,
    /// Issue date.
    Issued,
    /// Amount, within each currency (currencies are never compared as numbers).
    Amount,
    /// Open balance, within each currency.
    Open,
    /// Status: overdue, disputed, open, settled.
    Status,
}

impl From<InvoiceSortDto> for InvoiceSort {
    fn from(s: InvoiceSortDto) -> Self {
        match s {
            InvoiceSortDto::Due => InvoiceSort::Due,
            InvoiceSortDto::Number => InvoiceSort::Number,
            InvoiceSortDto::Debtor => InvoiceSort::Debtor,
            InvoiceSortDto::Issued => InvoiceSort::Issued,
            InvoiceSortDto::Amount => InvoiceSort::Amount,
            InvoiceSortDto::Open => InvoiceSort::Open,
            InvoiceSortDto::Status => InvoiceSort::Status,
        }
    }
}

/// A window of the invoice list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct InvoicePage {
    /// Invoices matching, in all.
    pub total: u32,
    /// The first row's position.
    pub offset: u32,
    /// The rows.
    pub rows: Vec<Invoice>,
}

/// A payment applied to an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AllocationDto {
    /// The payment's id.
    #[ts(type = "number")]
    pub payment_id: i64,
    /// The invoice's id.
    #[ts(type = "number")]
    pub invoice_id: i64,
    /// The invoice's number.
    pub invoice_number: String,
    /// Amount applied.
    pub amount: String,
    /// From when it counts.
    pub date: String,
    /// When it stopped counting (payment reversed), "" otherwise.
    pub reversed_on: String,
    /// The payment's bank reference.
    pub payment_reference: String,
}

/// Credit note or write-off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AdjustmentKindDto {
    /// A credit note.
    CreditNote,
    /// A write-off.
    WriteOff,
}

/// A credit note or write-off to record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AdjustmentInput {
    /// The invoice it reduces.
    #[ts(type = "number")]
    pub invoice_id: i64,
    /// Credit note or write-off.
    pub kind: AdjustmentKindDto,
    /// Document number ("" = none).
    pub reference: String,
    /// Its date ("" = today).
    pub date: String,
    /// Amount, at most the open balance.
    pub amount: String,
    /// Why.
    pub reason: String,
    /// The invoice's open balance as the form showed it (`"1234.50"`): when someone else
    /// changed it since, nothing is written and the error (`stale`) says who and how.
    /// `null`: whatever is open when it is written.
    #[serde(default)]
    pub seen_open: Option<String>,
}

/// A stored credit note or write-off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Adjustment {
    /// Database id.
    #[ts(type = "number")]
    pub id: i64,
    /// Credit note or write-off.
    pub kind: AdjustmentKindDto,
    /// Document number.
    pub reference: String,
    /// Its date.
    pub date: String,
    /// Amount.
    pub amount: String,
    /// Why.
    pub reason: String,
}

/// One dispute of an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Dispute {
    /// Raised on.
    pub opened_on: String,
    /// The debtor's reason.
    pub reason: String,
    /// Resolved on ("" while open).
    pub resolved_on: String,
}

/// An invoice with its history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct InvoiceDetailDto {
    /// The invoice.
    pub invoice: Invoice,
    /// Payments applied to it.
    pub allocations: Vec<AllocationDto>,
    /// Credit notes and write-offs.
    pub adjustments: Vec<Adjustment>,
    /// Disputes.
    pub disputes: Vec<Dispute>,
    /// The invoice's structured creditor reference (`RF..`, the same as
    /// `invoice.payment_reference`), at the top for scripts.
    pub payment_reference: String,
}

/// The payment form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PaymentInput {
    /// The debtor who paid.
    #[ts(type = "number")]
    pub debtor_id: i64,
    /// Payment date ("" = today).
    pub date: String,
    /// Amount received.
    pub amount: String,
    /// Currency ("" = the debtor's).
    pub currency: String,
    /// Method.
    pub method: String,
    /// Bank reference.
    pub reference: String,
    /// The invoice the payment names, paid first.
    #[ts(type = "number | null")]
    pub invoice_id: Option<i64>,
    /// The named invoice's open balance as the form showed it (`"1234.50"`): when someone
    /// else paid, credited or wrote it off since, nothing is written and the error
    /// (`stale`) says who and what is open now. `null`: pay whatever is open then.
    #[serde(default)]
    pub seen_open: Option<String>,
}

/// Part of a payment applied to one invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PaymentLine {
    /// The invoice.
    #[ts(type = "number")]
    pub invoice_id: i64,
    /// Amount applied.
    pub amount: String,
}

/// A recorded payment and where it went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PaymentResult {
    /// The payment's id.
    #[ts(type = "number")]
    pub id: i64,
    /// Currency.
    pub currency: String,
    /// Allocations in the order applied.
    pub allocations: Vec<PaymentLine>,
    /// Left over: a credit on the debtor.
    pub unapplied: String,
}

/// Parses an ISO date, naming the field in the message.
pub(crate) fn parse_date(field: &str, text: &str) -> Result<NaiveDate, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(format!("{field} is missing (write it as YYYY-MM-DD)"));
    }
    overdue_domain::ledger::parse_iso_date(t)
}

/// The open balance a form showed (`"1234.50"`, as the API sent it), or none.
fn seen_balance(text: &Option<String>, currency: Currency) -> Result<Option<Money>, ApiError> {
    match text.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => Money::parse(t, currency)
            .map(Some)
            .map_err(|_| ApiError::invalid(format!("\"{t}\" is not an open balance"))),
    }
}

impl Api {
    /// An invoice's balance moved since a form showed it (`seen`): who moved it and how,
    /// from the audit trail, and what is open now, as the refusal of what the form asked.
    pub(crate) async fn invoice_moved(
        &self,
        invoice_id: i64,
        seen: Option<&Money>,
        payment: bool,
    ) -> ApiError {
        let store = self.store().await;
        let inv = match store.invoice(invoice_id).await {
            Ok(d) => d.invoice,
            Err(e) => return e.into(),
        };
        // The newest change of its balance (newest first): a payment applied or reversed,
        // a credit note or a write-off.
        let last = self
            .newest_audit(Some(inv.debtor_id), 100, |e| {
                if !crate::staff::audit_field_is(e, "invoice_id", invoice_id) {
                    return None;
                }
                let kind = match (e.table.as_str(), e.action.as_str()) {
                    ("allocations", "insert") => "paid",
                    ("allocations", "update") => "reversed",
                    ("invoice_adjustments", "insert") => {
                        match e
                            .new
                            .as_ref()
                            .and_then(|n| n.get("kind"))
                            .and_then(|k| k.as_str())
                        {
                            Some("write_off") => "written off",
                            _ => "credited",
                        }
                    }
                    _ => return None,
                };
                Some((
                    kind,
                    format!("by {} at {} UTC", e.login, e.at.format("%H:%M")),
                ))
            })
            .await;
        let number = &inv.number;
        let open = format!("{} {}", money_string(&inv.open), inv.open.currency());
        let seen = seen
            .map(|s| format!(", not the {} you saw", money_string(s)))
            .unwrap_or_default();
        let happened = match &last {
            Some(("reversed", who)) => format!("A payment on {number} was just reversed {who}"),
            Some((kind, who)) if inv.open.is_zero() => {
                format!("{number} was just {kind} in full {who}")
            }
            Some((kind, who)) => format!("{number} was just {kind} in part {who}"),
            None => format!("{number} was just changed by someone else"),
        };
        let next = if payment {
            "check that the payment you were recording is not the same one before you record it again"
        } else {
            "look at the invoice as it is now before you try again"
        };
        let message = format!(
            "{happened}; its open balance is {open}{seen}. Nothing of yours was written: {next}."
        );
        ApiError::new(crate::ErrorCode::Stale, message)
    }
}

/// Parses an amount above zero in `currency`, typed by a person: as the window shows
/// amounts ("5,000.00", "5.000,00", "5 000,00") or plainly ("5000.00"), when it has one
/// reading ([`overdue_domain::money::typed_amount`]).
pub(crate) fn parse_positive(text: &str, currency: Currency) -> Result<Money, String> {
    let canonical = overdue_domain::money::typed_amount(text)?;
    parse_positive_exact(&canonical, currency).map_err(|e| {
        if e.contains("is not an amount") {
            format!(
                "\"{}\" is not an amount: write it like 1234.50 or 1,234.50",
                text.trim()
            )
        } else {
            e
        }
    })
}

/// Parses an amount above zero in `currency` written plainly (`1234.50`), as files must
/// (an import column whose separators are unknown is never guessed).
pub(crate) fn parse_positive_exact(text: &str, currency: Currency) -> Result<Money, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("the amount is missing".into());
    }
    let m = Money::parse(t, currency).map_err(|e| match e {
        overdue_domain::MoneyError::InvalidAmount(_) => {
            format!("\"{t}\" is not an amount: write it like 1234.50 (dot for decimals, no thousands separators)")
        }
        other => other.to_string(),
    })?;
    if m.is_negative() {
        return Err(format!("{t} is negative: amounts must be more than zero"));
    }
    if m.is_zero() {
        return Err("the amount must be more than zero".into());
    }
    if let Some(p) = overdue_domain::ledger::amount_problem(&m) {
        return Err(p);
    }
    Ok(m)
}

fn invalid(e: String) -> ApiError {
    ApiError::invalid(capitalise(&e))
}

pub(crate) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

pub(crate) fn money_string(m: &Money) -> String {
    decimal_string(m.amount(), m.currency().minor_units())
}

pub(crate) fn to_invoice(r: InvoiceRecord, as_of: NaiveDate) -> Invoice {
    Invoice {
        payment_reference: overdue_domain::bank::rf::for_invoice(&r.number, r.id),
        id: r.id,
        debtor_id: r.debtor_id,
        status: r.status(as_of).into(),
        debtor_name: r.debtor_name,
        debtor_ref: r.debtor_ref,
        number: r.number,
        issue_date: r.issue_date.to_string(),
        due_date: r.due_date.to_string(),
        currency: r.amount.currency().code().to_string(),
        amount: money_string(&r.amount),
        tax: money_string(&r.tax),
        open: money_string(&r.open),
        description: r.description,
        disputed_on: r.disputed_on.map(|d| d.to_string()).unwrap_or_default(),
        dispute_reason: r.dispute_reason,
    }
}

fn to_detail(d: InvoiceDetail, as_of: NaiveDate) -> InvoiceDetailDto {
    InvoiceDetailDto {
        payment_reference: overdue_domain::bank::rf::for_invoice(&d.invoice.number, d.invoice.id),
        invoice: to_invoice(d.invoice, as_of),
        allocations: d
            .allocations
            .into_iter()
            .map(|a| AllocationDto {
                payment_id: a.payment_id,
                invoice_id: a.invoice_id,
                invoice_number: a.invoice_number,
                amount: money_string(&a.amount),
                date: a.allocated_on.to_string(),
                reversed_on: a.reversed_on.map(|d| d.to_string()).unwrap_or_default(),
                payment_reference: a.payment_reference,
            })
            .collect(),
        adjustments: d
            .adjustments
            .into_iter()
            .map(|a| Adjustment {
                id: a.id,
                kind: match a.kind {
                    AdjustmentKind::CreditNote => AdjustmentKindDto::CreditNote,
                    AdjustmentKind::WriteOff => AdjustmentKindDto::WriteOff,
                },
                reference: a.reference,
                date: a.issued_on.to_string(),
                amount: money_string(&a.amount),
                reason: a.reason,
            })
            .collect(),
        disputes: d
            .disputes
            .into_iter()
            .map(|x| Dispute {
                opened_on: x.opened_on.to_string(),
                reason: x.reason,
                resolved_on: x.resolved_on.map(|d| d.to_string()).unwrap_or_default(),
            })
            .collect(),
    }
}

impl Api {
    pub(crate) fn date_or_today(&self, field: &str, text: &str) -> Result<NaiveDate, ApiError> {
        if text.trim().is_empty() {
            Ok(self.clock().today())
        } else {
            parse_date(field, text).map_err(invalid)
        }
    }

    /// When a step dated `day` (a court step, an agency's report) goes on the timeline:
    /// noon of that day, so it sorts within the day it happened.
    pub(crate) fn noon_of(&self, day: NaiveDate) -> chrono::DateTime<chrono::Utc> {
        day.and_hms_opt(12, 0, 0)
            .map_or_else(|| self.clock().now(), |t| t.and_utc())
    }

    /// Creates an invoice; the due date follows the debtor's terms unless given.
    pub async fn invoice_create(&self, input: InvoiceInput) -> Result<Invoice, ApiError> {
        let store = self.store().await;
        let debtor = store.debtor(input.debtor_id).await?;
        let currency = debtor.draft.currency;
        // Each problem names its field, so the form shows it next to the box.
        let field = |name: &'static str| move |e: String| ApiError::field(name, capitalise(&e));
        if !input.currency.trim().is_empty() && input.currency.trim() != currency.code() {
            return Err(ApiError::field(
                "currency",
                format!(
                    "{} is invoiced in {currency}, not {}.",
                    debtor.draft.name,
                    input.currency.trim()
                ),
            ));
        }
        let number = input.number.trim();
        if let Some(p) = overdue_domain::text::identifier_problem(number) {
            return Err(ApiError::field(
                "number",
                format!("The invoice number cannot be used: {p}."),
            ));
        }
        if number.is_empty() || number.chars().count() > 64 {
            return Err(ApiError::field(
                "number",
                "Give the invoice a number of 1 to 64 characters.",
            ));
        }
        let issue_date =
            parse_date("the issue date", &input.issue_date).map_err(field("issue_date"))?;
        let due_date = if input.due_date.trim().is_empty() {
            None
        } else {
            Some(parse_date("the due date", &input.due_date).map_err(field("due_date"))?)
        };
        if let Some(due) = due_date.filter(|due| *due < issue_date) {
            return Err(ApiError::field(
                "due_date",
                format!("The due date {due} is before the issue date {issue_date}."),
            ));
        }
        let amount = parse_positive(&input.amount, currency).map_err(field("amount"))?;
        let tax = if input.tax.trim().is_empty() {
            Money::zero(currency)
        } else {
            Money::parse(&input.tax, currency).map_err(|e| field("tax")(e.to_string()))?
        };
        let hold = self.hold_reasons(input.debtor_id, &amount).await?;
        let override_reason = input.override_reason.trim();
        if let Some(reasons) = &hold {
            if override_reason.is_empty() {
                return Err(ApiError::new(
                    crate::ErrorCode::CreditHold,
                    format!(
                        "{} is on credit hold: {} Give a reason to issue the invoice anyway.",
                        debtor.draft.name,
                        reasons.join(" ")
                    ),
                ));
            }
        }
        let id = store
            .create_invoice(
                &NewInvoice {
                    debtor_id: input.debtor_id,
                    number: number.to_string(),
                    issue_date,
                    due_date,
                    amount,
                    tax,
                    description: input.description.trim().to_string(),
                },
                self.clock().now(),
            )
            .await?;
        if let Some(reasons) = hold {
            store
                .append_event(
                    &NewEvent {
                        debtor_id: input.debtor_id,
                        invoice_id: Some(id),
                        occurred_at: self.clock().now(),
                        kind: "credit".into(),
                        author: "overdue".into(),
                        summary: format!(
                            "Invoice {number} issued despite a credit hold: {override_reason}"
                        ),
                        detail: reasons.join("\n"),
                        ref_table: "invoices".into(),
                        ref_id: Some(id),
                        ..NewEvent::default()
                    },
                    self.clock().now(),
                )
                .await?;
        }
        self.credit_refresh(Some(input.debtor_id)).await?;
        Ok(self.invoice_get(id).await?.invoice)
    }

    /// The hold reasons of a credit check of a new invoice of `amount`, or `None` when the
    /// debtor is released (or has no limit set).
    async fn hold_reasons(
        &self,
        debtor_id: i64,
        amount: &Money,
    ) -> Result<Option<Vec<String>>, ApiError> {
        let debtor = self.store().await.debtor(debtor_id).await?;
        if debtor.draft.credit_limit.is_none() {
            return Ok(None);
        }
        let check = self
            .credit_check(debtor_id, &money_string(amount), "")
            .await?;
        Ok((check.decision == "HOLD").then(|| {
            check
                .reasons
                .into_iter()
                .filter(|r| !r.contains("within"))
                .collect()
        }))
    }

    /// One invoice with its payments, credits, write-offs and disputes.
    pub async fn invoice_get(&self, id: i64) -> Result<InvoiceDetailDto, ApiError> {
        let d = self.store().await.invoice(id).await?;
        Ok(to_detail(d, self.clock().today()))
    }

    /// One invoice by its number.
    pub async fn invoice_by_number(&self, number: &str) -> Result<InvoiceDetailDto, ApiError> {
        let id = self.store().await.invoice_id_by_number(number).await?;
        self.invoice_get(id).await
    }

    /// A window of the invoice list (by due date), filtered.
    pub async fn invoices_list(&self, q: InvoiceListQuery) -> Result<InvoicePage, ApiError> {
        let as_of = self.clock().today();
        let (total, rows) = self
            .store()
            .await
            .list_invoices(&InvoiceQuery {
                debtor_id: q.debtor_id,
                status: q.status.map(Into::into),
                overdue: q.overdue,
                disputed: q.disputed,
                search: q.search,
                sort: q.sort.into(),
                descending: q.direction == SortDirectionDto::Desc,
                as_of,
                offset: i64::from(q.offset),
                limit: i64::from(q.limit.max(1)),
            })
            .await?;
        Ok(InvoicePage {
            total: clamp_u32(total),
            offset: q.offset,
            rows: rows.into_iter().map(|r| to_invoice(r, as_of)).collect(),
        })
    }

    /// Records a credit note or write-off against an invoice (at most its open balance).
    pub async fn adjustment_add(
        &self,
        input: AdjustmentInput,
    ) -> Result<InvoiceDetailDto, ApiError> {
        let store = self.store().await;
        let inv = store.invoice(input.invoice_id).await?.invoice;
        let seen_open = seen_balance(&input.seen_open, inv.amount.currency())?;
        if seen_open.as_ref().is_some_and(|seen| *seen != inv.open) {
            return Err(self
                .invoice_moved(input.invoice_id, seen_open.as_ref(), false)
                .await);
        }
        if inv.open.is_zero() {
            return Err(ApiError::field(
                "amount",
                format!(
                    "Invoice {} is settled: nothing is open to {}.",
                    inv.number,
                    match input.kind {
                        AdjustmentKindDto::CreditNote => "credit",
                        AdjustmentKindDto::WriteOff => "write off",
                    }
                ),
            ));
        }
        let amount = parse_positive(&input.amount, inv.amount.currency()).map_err(invalid)?;
        let issued_on = self.date_or_today("the date", &input.date)?;
        let written = store
            .add_adjustment(
                &NewAdjustment {
                    invoice_id: input.invoice_id,
                    kind: match input.kind {
                        AdjustmentKindDto::CreditNote => AdjustmentKind::CreditNote,
                        AdjustmentKindDto::WriteOff => AdjustmentKind::WriteOff,
                    },
                    reference: input.reference,
                    issued_on,
                    amount,
                    reason: input.reason,
                    seen_open,
                },
                self.clock().now(),
            )
            .await;
        match written {
            Err(overdue_store::StoreError::Stale { .. }) => {
                return Err(self
                    .invoice_moved(input.invoice_id, seen_open.as_ref(), false)
                    .await)
            }
            other => other?,
        };
        self.invoice_get(input.invoice_id).await
    }

    /// Records a payment and allocates it: the named invoice first, then oldest due first;
    /// an overpayment stays as unapplied credit on the debtor.
    pub async fn payment_record(&self, input: PaymentInput) -> Result<PaymentResult, ApiError> {
        let store = self.store().await;
        let debtor = store.debtor(input.debtor_id).await?;
        let currency = debtor.draft.currency;
        if !input.currency.trim().is_empty() && input.currency.trim() != currency.code() {
            return Err(ApiError::invalid(format!(
                "{} pays in {currency}, not {}.",
                debtor.draft.name,
                input.currency.trim()
            )));
        }
        let amount = parse_positive(&input.amount, currency).map_err(invalid)?;
        let paid_on = self.date_or_today("the payment date", &input.date)?;
        let seen_open = seen_balance(&input.seen_open, currency)?;
        let recorded = store
            .record_payments(
                &[NewPayment {
                    debtor_id: input.debtor_id,
                    paid_on,
                    amount,
                    method: input.method,
                    reference: input.reference,
                    invoice_id: input.invoice_id,
                    seen_open,
                }],
                self.clock().now(),
            )
            .await;
        let recorded = match (recorded, input.invoice_id) {
            (Err(overdue_store::StoreError::Stale { .. }), Some(id)) => {
                return Err(self.invoice_moved(id, seen_open.as_ref(), true).await)
            }
            (other, _) => other?,
        };
        let p = recorded
            .into_iter()
            .next()
            .ok_or_else(|| ApiError::new(crate::ErrorCode::Internal, "no payment recorded"))?;
        // A payment can keep a promise, complete a plan or pay a settlement.
        self.collections_sweep(input.debtor_id).await?;
        self.credit_refresh(Some(input.debtor_id)).await?;
        Ok(PaymentResult {
            id: p.id,
            currency: currency.code().to_string(),
            allocations: p
                .allocations
                .iter()
                .map(|l| PaymentLine {
                    invoice_id: l.invoice_id,
                    amount: money_string(&l.amount),
                })
                .collect(),
            unapplied: money_string(&p.unapplied),
        })
    }

    /// Reverses a payment from `date` ("" = today): the invoices it paid are owed again.
    pub async fn payment_reverse(&self, id: i64, date: &str, reason: &str) -> Result<(), ApiError> {
        let on = self.date_or_today("the reversal date", date)?;
        self.store().await.reverse_payment(id, on, reason).await?;
        Ok(())
    }

    /// Marks an invoice disputed from `date` ("" = today) with the debtor's reason.
    pub async fn invoice_dispute(
        &self,
        invoice_id: i64,
        date: &str,
        reason: &str,
    ) -> Result<InvoiceDetailDto, ApiError> {
        if reason.trim().is_empty() {
            return Err(ApiError::invalid(
                "Say why the debtor disputes the invoice.",
            ));
        }
        let on = self.date_or_today("the dispute date", date)?;
        self.store()
            .await
            .set_dispute(invoice_id, on, Some(reason), self.clock().now())
            .await?;
        self.invoice_get(invoice_id).await
    }

    /// Resolves an invoice's open dispute on `date` ("" = today).
    pub async fn invoice_resolve_dispute(
        &self,
        invoice_id: i64,
        date: &str,
    ) -> Result<InvoiceDetailDto, ApiError> {
        let on = self.date_or_today("the resolution date", date)?;
        self.store()
            .await
            .set_dispute(invoice_id, on, None, self.clock().now())
            .await?;
        self.invoice_get(invoice_id).await
    }
}
