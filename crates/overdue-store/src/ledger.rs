//! The receivables ledger: invoices, credit notes and write-offs, payments with their
//! allocations and reversals, disputes, and the reads the reports are built from.
//!
//! Balances: `invoices.open_minor` and `payments.unapplied_minor` are maintained by
//! database triggers (migration 0003) on every allocation and adjustment, and the CHECKs
//! of 0001 keep them from going below zero, so an allocation above an open balance fails in
//! the database whatever wrote it. This module never writes either column itself, except
//! a reversed payment's `unapplied_minor`, set to zero: nothing of it is left to apply.
//!
//! Balances as of a past date: today's stored balance, with everything dated after that
//! date undone (allocations made or reversed later, credit notes and write-offs issued
//! later). Only open items and the later activity are read, both through indexes.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use overdue_domain::ledger::{allocate_payment, AgingItem, AllocationLine, OpenItem};
use overdue_domain::{Currency, Money};
use sqlx::{AssertSqlSafe, QueryBuilder};

use crate::audit::{close_import, open_import};
use crate::bulk::{
    date_column, int_column, opt_text_column, read_sqlite, sqlite_error, text_column,
};
use crate::{with_pool, Backend, ImportRecord, Store, StoreError};

/// Rows per multi-row INSERT or IN list (well below both backends' bind limits).
const CHUNK: usize = 1000;

/// A credit note or write-off that passed [`Store::check_adjustment`].
pub(crate) struct CheckedAdjustment {
    pub(crate) amount_minor: i64,
    pub(crate) open: Money,
    pub(crate) number: String,
}

/// Inserts a checked adjustment (`$adj: &NewAdjustment`, `$checked: CheckedAdjustment`)
/// through `$exec` (a pool or `&mut *tx`); evaluates to `Result<i64, StoreError>`. The
/// database refuses one above the open balance (triggers of migration 0003).
macro_rules! insert_adjustment {
    ($exec:expr, $adj:expr, $checked:expr, $now:expr) => {{
        let adj: &$crate::NewAdjustment = $adj;
        let checked: $crate::ledger::CheckedAdjustment = $checked;
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO invoice_adjustments (invoice_id, kind, reference, issued_on, currency, \
             amount_minor, reason, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(adj.invoice_id)
        .bind(adj.kind.as_str())
        .bind(adj.reference.trim())
        .bind(adj.issued_on)
        .bind(adj.amount.currency().code())
        .bind(checked.amount_minor)
        .bind(adj.reason.trim())
        .bind($now)
        .fetch_one($exec)
        .await
        .map_err(|e| {
            let mut currency = false;
            let refusal = $crate::StoreError::refused(e, |db| {
                if db.contains("currency") {
                    currency = true;
                    format!(
                        "invoice {} is in {}, not {}",
                        checked.number,
                        checked.open.currency(),
                        adj.amount.currency()
                    )
                } else {
                    format!(
                        "{} is more than the open balance of invoice {} ({})",
                        adj.amount, checked.number, checked.open
                    )
                }
            });
            match refusal {
                // The balance the person saw was taken since the check (by another login,
                // a moment before): a race, not a mistake in what they typed.
                $crate::StoreError::Rejected(_) if adj.seen_open.is_some() && !currency => {
                    $crate::StoreError::Stale {
                        entity: "invoice",
                        key: adj.invoice_id.to_string(),
                    }
                }
                other => other,
            }
        })
    }};
}
pub(crate) use insert_adjustment;

/// Called with the number of records written so far during a long write.
pub type Progress<'a> = &'a (dyn Fn(u64) + Send + Sync);

/// A new invoice. The amount's currency must be the debtor's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInvoice {
    /// The debtor who owes it.
    pub debtor_id: i64,
    /// Invoice number, unique in the book.
    pub number: String,
    /// Issue date.
    pub issue_date: NaiveDate,
    /// Due date; `None` = issue date + the debtor's payment terms.
    pub due_date: Option<NaiveDate>,
    /// Total amount (tax included), above zero.
    pub amount: Money,
    /// Tax included in the amount.
    pub tax: Money,
    /// Free text.
    pub description: String,
}

/// Whether an invoice is still owed, late, in dispute or settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InvoiceStatus {
    /// Something is owed and it is not yet due.
    Open,
    /// Something is owed past the due date.
    Overdue,
    /// Marked as disputed (dunning pauses), whatever its due date.
    Disputed,
    /// Nothing is owed any more (paid, credited or written off).
    Settled,
}

impl InvoiceStatus {
    /// The status word used by the API and CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            InvoiceStatus::Open => "open",
            InvoiceStatus::Overdue => "overdue",
            InvoiceStatus::Disputed => "disputed",
            InvoiceStatus::Settled => "settled",
        }
    }
}

/// A stored invoice with its current balance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceRecord {
    /// Database id.
    pub id: i64,
    /// The debtor.
    pub debtor_id: i64,
    /// The debtor's name.
    pub debtor_name: String,
    /// The debtor's external reference ("" when none).
    pub debtor_ref: String,
    /// Invoice number.
    pub number: String,
    /// Issue date.
    pub issue_date: NaiveDate,
    /// Due date.
    pub due_date: NaiveDate,
    /// Total amount.
    pub amount: Money,
    /// Tax included in the amount.
    pub tax: Money,
    /// What is still owed today.
    pub open: Money,
    /// Free text.
    pub description: String,
    /// When the current dispute was opened, if the invoice is disputed.
    pub disputed_on: Option<NaiveDate>,
    /// The current dispute's reason ("" when not disputed).
    pub dispute_reason: String,
    /// When it was entered.
    pub created_at: DateTime<Utc>,
}

impl InvoiceRecord {
    /// The status as of a date (for overdue).
    pub fn status(&self, as_of: NaiveDate) -> InvoiceStatus {
        if self.open.is_zero() {
            InvoiceStatus::Settled
        } else if self.disputed_on.is_some() {
            InvoiceStatus::Disputed
        } else if self.due_date < as_of {
            InvoiceStatus::Overdue
        } else {
            InvoiceStatus::Open
        }
    }
}

/// What kind of document reduces an invoice's balance without cash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AdjustmentKind {
    /// A credit note (goods returned, price corrected).
    CreditNote,
    /// A write-off (the debt is given up as uncollectable).
    WriteOff,
}

impl AdjustmentKind {
    /// Storage and API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            AdjustmentKind::CreditNote => "credit_note",
            AdjustmentKind::WriteOff => "write_off",
        }
    }

    fn parse(s: &str) -> Result<Self, StoreError> {
        match s {
            "credit_note" => Ok(AdjustmentKind::CreditNote),
            "write_off" => Ok(AdjustmentKind::WriteOff),
            other => Err(StoreError::Corrupt(format!("unknown adjustment {other:?}"))),
        }
    }
}

/// A new credit note or write-off against one invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAdjustment {
    /// The invoice it reduces.
    pub invoice_id: i64,
    /// Credit note or write-off.
    pub kind: AdjustmentKind,
    /// Document number ("" when none).
    pub reference: String,
    /// Its date (counts toward balances from this date on).
    pub issued_on: NaiveDate,
    /// Amount, in the invoice's currency; at most the open balance.
    pub amount: Money,
    /// Why.
    pub reason: String,
    /// The invoice's open balance as the person saw it: when it differs when the credit
    /// note or write-off is written, nothing is written ([`StoreError::Stale`]).
    pub seen_open: Option<Money>,
}

/// A stored credit note or write-off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdjustmentRecord {
    /// Database id.
    pub id: i64,
    /// The invoice.
    pub invoice_id: i64,
    /// Credit note or write-off.
    pub kind: AdjustmentKind,
    /// Document number.
    pub reference: String,
    /// Its date.
    pub issued_on: NaiveDate,
    /// Amount.
    pub amount: Money,
    /// Why.
    pub reason: String,
}

/// A new payment to record and allocate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPayment {
    /// The debtor who paid.
    pub debtor_id: i64,
    /// Payment date.
    pub paid_on: NaiveDate,
    /// Amount received, above zero.
    pub amount: Money,
    /// Method ("bank transfer", ...).
    pub method: String,
    /// Bank reference.
    pub reference: String,
    /// The invoice the payment names (paid first), if any.
    pub invoice_id: Option<i64>,
    /// The named invoice's open balance as the person recording the payment saw it: when
    /// someone else paid, credited or wrote it off since (the balance differs when the
    /// payment is written), nothing is written and the error is [`StoreError::Stale`].
    /// `None` pays whatever is open then (an import, a bank match, the CLI).
    pub seen_open: Option<Money>,
}

/// A recorded payment and where it went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedPayment {
    /// The payment's id.
    pub id: i64,
    /// Allocations, in the order applied.
    pub allocations: Vec<AllocationLine>,
    /// What no open item took: a credit on the debtor.
    pub unapplied: Money,
}

/// A stored payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRecord {
    /// Database id.
    pub id: i64,
    /// The debtor.
    pub debtor_id: i64,
    /// Payment date.
    pub paid_on: NaiveDate,
    /// Amount.
    pub amount: Money,
    /// Not allocated to any invoice (zero once reversed).
    pub unapplied: Money,
    /// Method.
    pub method: String,
    /// Bank reference.
    pub reference: String,
    /// The invoice the payment named.
    pub invoice_id: Option<i64>,
    /// When it was reversed, if it was.
    pub reversed_on: Option<NaiveDate>,
    /// Why it was reversed.
    pub reversal_reason: String,
}

/// One allocation of a payment to an invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllocationRecord {
    /// Database id.
    pub id: i64,
    /// The payment.
    pub payment_id: i64,
    /// The invoice.
    pub invoice_id: i64,
    /// The invoice's number.
    pub invoice_number: String,
    /// Amount applied.
    pub amount: Money,
    /// From when it counts.
    pub allocated_on: NaiveDate,
    /// When it stopped counting (the payment was reversed).
    pub reversed_on: Option<NaiveDate>,
    /// The payment's bank reference.
    pub payment_reference: String,
}

/// One dispute of an invoice (open or resolved).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisputeRecord {
    /// When it was raised.
    pub opened_on: NaiveDate,
    /// The debtor's reason.
    pub reason: String,
    /// When it was resolved, if it was.
    pub resolved_on: Option<NaiveDate>,
    /// How it was resolved.
    pub resolution: String,
}

/// An invoice with everything that happened to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceDetail {
    /// The invoice.
    pub invoice: InvoiceRecord,
    /// Payments applied to it (reversed ones included, marked).
    pub allocations: Vec<AllocationRecord>,
    /// Credit notes and write-offs.
    pub adjustments: Vec<AdjustmentRecord>,
    /// Disputes, oldest first.
    pub disputes: Vec<DisputeRecord>,
}

/// A page of the invoice list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceQuery {
    /// Only this debtor's invoices.
    pub debtor_id: Option<i64>,
    /// Only invoices in this status (as of `as_of`).
    pub status: Option<InvoiceStatus>,
    /// Only invoices with something owed past their due date.
    pub overdue: bool,
    /// Only disputed invoices.
    pub disputed: bool,
    /// Only invoices whose number, debtor name or debtor reference contains this text
    /// (case and accents ignored); empty: all.
    pub search: String,
    /// The order of the rows.
    pub sort: InvoiceSort,
    /// Largest, latest or last first.
    pub descending: bool,
    /// The date "overdue" is measured at.
    pub as_of: NaiveDate,
    /// Rows to skip.
    pub offset: i64,
    /// Rows to return (at most 1000).
    pub limit: i64,
}

impl InvoiceQuery {
    /// Every invoice of one debtor (up to `limit`), by due date.
    pub fn of_debtor(debtor_id: i64, as_of: NaiveDate, limit: i64) -> Self {
        InvoiceQuery {
            debtor_id: Some(debtor_id),
            status: None,
            overdue: false,
            disputed: false,
            search: String::new(),
            sort: InvoiceSort::Due,
            descending: false,
            as_of,
            offset: 0,
            limit,
        }
    }
}

/// The column the invoice list is ordered by; ties go by id, so pages never overlap.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum InvoiceSort {
    /// Due date (the default: what falls due first).
    #[default]
    Due,
    /// Invoice number.
    Number,
    /// Debtor name (folded, as the debtor list sorts).
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

impl InvoiceSort {
    /// The ORDER BY keys; `$1` is the as-of date.
    fn keys(self) -> &'static [&'static str] {
        match self {
            InvoiceSort::Due => &["i.due_date"],
            InvoiceSort::Number => &["i.number"],
            InvoiceSort::Debtor => &["d.sort_name", "i.due_date"],
            InvoiceSort::Issued => &["i.issue_date"],
            InvoiceSort::Amount => &["i.currency", "i.amount_minor"],
            InvoiceSort::Open => &["i.currency", "i.open_minor"],
            InvoiceSort::Status => &[
                "CASE WHEN i.open_minor = 0 THEN 3 WHEN i.disputed_at IS NOT NULL THEN 1 \
                 WHEN i.due_date < $1 THEN 0 ELSE 2 END",
                "i.due_date",
            ],
        }
    }
}

/// A LIKE pattern that finds `text` anywhere, with `%`, `_` and `\` taken literally
/// (the statement says `ESCAPE '\'`).
pub(crate) fn contains_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// An invoice's open balance as of a date, for aging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenBalance {
    /// The invoice.
    pub invoice_id: i64,
    /// The debtor.
    pub debtor_id: i64,
    /// Invoice number.
    pub number: String,
    /// Issue date.
    pub issue_date: NaiveDate,
    /// Due date.
    pub due_date: NaiveDate,
    /// The open balance as of the date asked (never zero in results).
    pub open: Money,
    /// The invoice's amount.
    pub amount: Money,
    /// The invoice's description.
    pub description: String,
}

/// What a line of a debtor's account is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EntryKind {
    /// An invoice (a debit).
    Invoice,
    /// A payment received (a credit).
    Payment,
    /// A payment taken back (a debit).
    PaymentReversal,
    /// A credit note (a credit).
    CreditNote,
    /// A write-off (a credit).
    WriteOff,
    /// Interest, compensation or a fee claimed on an invoice (a debit of its own).
    Charge,
    /// A charge taken back.
    ChargeReversal,
}

impl EntryKind {
    /// The API and CSV spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Invoice => "invoice",
            EntryKind::Payment => "payment",
            EntryKind::PaymentReversal => "payment_reversal",
            EntryKind::CreditNote => "credit_note",
            EntryKind::WriteOff => "write_off",
            EntryKind::Charge => "charge",
            EntryKind::ChargeReversal => "charge_reversal",
        }
    }
}

/// One line of a debtor's account: a dated debit (positive) or credit (negative).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountEntry {
    /// Its date.
    pub date: NaiveDate,
    /// What it is.
    pub kind: EntryKind,
    /// Invoice number, bank reference or document number.
    pub reference: String,
    /// Description, method or reason.
    pub description: String,
    /// Signed amount: debits (what the debtor owes more) positive.
    pub amount: Money,
}

/// A debtor as reports name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebtorLabel {
    /// Name.
    pub name: String,
    /// External reference ("" when none).
    pub external_ref: String,
    /// The debtor's currency.
    pub currency: Currency,
    /// Payment terms in days.
    pub payment_terms_days: u32,
}

/// A period's totals for one currency, from which the receivables metrics are computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodFigures {
    /// Invoices issued per day of the period (only days with sales).
    pub sales_by_day: BTreeMap<NaiveDate, i64>,
    /// Payments received in the period and not reversed by its end, minor units.
    pub cash_minor: i64,
    /// Write-offs issued in the period, minor units.
    pub write_offs_minor: i64,
}

#[derive(sqlx::FromRow)]
struct InvoiceRow {
    id: i64,
    debtor_id: i64,
    debtor_name: String,
    debtor_ref: Option<String>,
    number: String,
    issue_date: NaiveDate,
    due_date: NaiveDate,
    currency: String,
    amount_minor: i64,
    tax_minor: i64,
    open_minor: i64,
    description: String,
    disputed_at: Option<DateTime<Utc>>,
    dispute_reason: String,
    created_at: DateTime<Utc>,
}

const INVOICE_COLUMNS: &str =
    "i.id, i.debtor_id, d.name AS debtor_name, d.external_ref AS debtor_ref, \
     i.number, i.issue_date, i.due_date, i.currency, i.amount_minor, i.tax_minor, i.open_minor, \
     i.description, i.disputed_at, i.dispute_reason, i.created_at \
     FROM invoices i JOIN debtors d ON d.id = i.debtor_id";

pub(crate) fn currency(code: &str) -> Result<Currency, StoreError> {
    Currency::from_code(code).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn minor(m: &Money) -> Result<i64, StoreError> {
    m.to_minor_units()
        .map_err(|e| StoreError::Rejected(e.to_string()))
}

impl InvoiceRow {
    fn into_record(self) -> Result<InvoiceRecord, StoreError> {
        let c = currency(&self.currency)?;
        Ok(InvoiceRecord {
            id: self.id,
            debtor_id: self.debtor_id,
            debtor_name: self.debtor_name,
            debtor_ref: self.debtor_ref.unwrap_or_default(),
            number: self.number,
            issue_date: self.issue_date,
            due_date: self.due_date,
            amount: Money::from_minor_units(self.amount_minor, c),
            tax: Money::from_minor_units(self.tax_minor, c),
            open: Money::from_minor_units(self.open_minor, c),
            description: self.description,
            disputed_on: self.disputed_at.map(|t| t.date_naive()),
            dispute_reason: self.dispute_reason,
            created_at: self.created_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct PaymentRow {
    id: i64,
    debtor_id: i64,
    paid_on: NaiveDate,
    currency: String,
    amount_minor: i64,
    unapplied_minor: i64,
    method: String,
    reference: String,
    invoice_id: Option<i64>,
    reversed_on: Option<NaiveDate>,
    reversal_reason: String,
}

impl PaymentRow {
    fn into_record(self) -> Result<PaymentRecord, StoreError> {
        let c = currency(&self.currency)?;
        Ok(PaymentRecord {
            id: self.id,
            debtor_id: self.debtor_id,
            paid_on: self.paid_on,
            amount: Money::from_minor_units(self.amount_minor, c),
            unapplied: Money::from_minor_units(self.unapplied_minor, c),
            method: self.method,
            reference: self.reference,
            invoice_id: self.invoice_id,
            reversed_on: self.reversed_on,
            reversal_reason: self.reversal_reason,
        })
    }
}

#[derive(sqlx::FromRow)]
struct OpenRow {
    id: i64,
    debtor_id: i64,
    number: String,
    issue_date: NaiveDate,
    due_date: NaiveDate,
    currency: String,
    amount_minor: i64,
    /// Its description (read for letters; not by the payment allocation).
    #[sqlx(default)]
    description: String,
    open_minor: i64,
    /// The latest reversal on the invoice: the balance it freed exists only from then.
    #[sqlx(default)]
    freed_on: Option<NaiveDate>,
}

/// An allocation row: id, payment, invoice, number, currency, amount, from, until, reference.
type AllocTuple = (
    i64,
    i64,
    i64,
    String,
    String,
    i64,
    NaiveDate,
    Option<NaiveDate>,
    String,
);
/// An adjustment row: id, invoice, kind, reference, date, currency, amount, reason.
type AdjTuple = (i64, i64, String, String, NaiveDate, String, i64, String);
/// Sums per currency code.
type Totals = Vec<(String, i64)>;

/// Today's open balance plus what was taken off it after `$1`: allocations made after it
/// (and not reversed since), minus allocations that counted at `$1` but were reversed
/// after it, plus credit notes and write-offs issued after it. Open items come through the
/// partial index; closed invoices only when later activity touched them. `by` may name
/// the index the later allocations are read through (empty: the planner's choice),
/// `debtor` is a further condition on the invoices. The closed invoices are looked up from
/// the later activity (CROSS JOIN keeps SQLite from walking every invoice issued by the
/// date instead).
fn open_as_of_sql(by: &str, debtor: &str) -> String {
    OPEN_AS_OF_SQL
        .replace("{by}", by)
        .replace("{debtor}", debtor)
}

/// The text of [`open_as_of_sql`].
const OPEN_AS_OF_SQL: &str = "\
WITH later AS (\
    SELECT invoice_id, amount_minor AS d FROM allocations {by} WHERE reversed_on IS NULL AND allocated_on > $1 \
    UNION ALL \
    SELECT invoice_id, -amount_minor FROM allocations WHERE reversed_on > $1 AND allocated_on <= $1 \
    UNION ALL \
    SELECT invoice_id, amount_minor FROM invoice_adjustments WHERE issued_on > $1\
), delta AS (SELECT invoice_id, CAST(sum(d) AS BIGINT) AS d FROM later GROUP BY invoice_id) \
SELECT i.id, i.debtor_id, i.number, i.issue_date, i.due_date, i.currency, i.amount_minor, i.description, \
       i.open_minor + coalesce(delta.d, 0) AS open_minor \
FROM invoices i LEFT JOIN delta ON delta.invoice_id = i.id \
WHERE i.open_minor > 0 AND i.issue_date <= $1 {debtor} \
UNION ALL \
SELECT i.id, i.debtor_id, i.number, i.issue_date, i.due_date, i.currency, i.amount_minor, i.description, \
       i.open_minor + delta.d AS open_minor \
FROM delta CROSS JOIN invoices i \
WHERE i.id = delta.invoice_id AND i.open_minor <= 0 AND i.issue_date <= $1 {debtor}";

/// Whether a row of [`open_as_of_sql`] is open (a settled one is left out); an open
/// balance below zero or above the invoice's amount is refused, naming the invoice.
fn still_open(
    open_minor: i64,
    amount_minor: i64,
    as_of: NaiveDate,
    invoice: impl FnOnce() -> String,
) -> Result<bool, StoreError> {
    if open_minor < 0 || open_minor > amount_minor {
        return Err(StoreError::Corrupt(format!(
            "{} would have had an open balance of {open_minor} minor units on {as_of}",
            invoice()
        )));
    }
    Ok(open_minor != 0)
}

/// The open balances of rows of [`open_as_of_sql`]: settled ones left out, impossible
/// ones refused.
fn open_balances_of(rows: Vec<OpenRow>, as_of: NaiveDate) -> Result<Vec<OpenBalance>, StoreError> {
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        if !still_open(r.open_minor, r.amount_minor, as_of, || {
            format!("invoice {}", r.number)
        })? {
            continue;
        }
        let c = currency(&r.currency)?;
        out.push(OpenBalance {
            invoice_id: r.id,
            debtor_id: r.debtor_id,
            number: r.number,
            issue_date: r.issue_date,
            due_date: r.due_date,
            open: Money::from_minor_units(r.open_minor, c),
            amount: Money::from_minor_units(r.amount_minor, c),
            description: r.description,
        });
    }
    Ok(out)
}

/// [`Store::open_aging_items`] as they are read: settled ones left out, impossible ones
/// refused, a currency looked up once per run of equal codes.
struct LeanItems {
    as_of: NaiveDate,
    out: Vec<AgingItem>,
    last: Option<(String, Currency)>,
}

impl LeanItems {
    fn push(
        &mut self,
        debtor_id: i64,
        invoice_date: NaiveDate,
        due_date: NaiveDate,
        code: &str,
        amount_minor: i64,
        open_minor: i64,
    ) -> Result<(), StoreError> {
        if !still_open(open_minor, amount_minor, self.as_of, || {
            format!("an invoice of debtor {debtor_id}")
        })? {
            return Ok(());
        }
        let c = match &self.last {
            Some((k, c)) if k == code => *c,
            _ => {
                let c = currency(code)?;
                self.last = Some((code.to_string(), c));
                c
            }
        };
        self.out.push(AgingItem {
            debtor_id,
            invoice_date,
            due_date,
            open: Money::from_minor_units(open_minor, c),
        });
        Ok(())
    }
}

impl Store {
    /// Stores a new invoice and returns its id. Its open balance starts at its amount.
    pub async fn create_invoice(
        &self,
        inv: &NewInvoice,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let labels = self.debtor_labels(&[inv.debtor_id]).await?;
        let debtor = labels.get(&inv.debtor_id).ok_or(StoreError::NotFound {
            entity: "debtor",
            key: inv.debtor_id.to_string(),
        })?;
        let row = invoice_values(inv, debtor)?;
        with_pool!(self, pool => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO invoices (debtor_id, number, issue_date, due_date, currency, \
                 amount_minor, tax_minor, open_minor, description, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $6, $8, $9) RETURNING id",
            )
            .bind(inv.debtor_id)
            .bind(inv.number.trim())
            .bind(inv.issue_date)
            .bind(row.due_date)
            .bind(inv.amount.currency().code())
            .bind(row.amount_minor)
            .bind(row.tax_minor)
            .bind(&inv.description)
            .bind(now)
            .fetch_one(pool)
            .await
            .map_err(|e| StoreError::unique(e, "invoice number", inv.number.trim()))?;
            Ok(id)
        })
    }

    /// Stores many invoices in one transaction (import): all or none.
    pub async fn insert_invoices(
        &self,
        invoices: &[NewInvoice],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.insert_invoices_reporting(invoices, now, &|_| {}, None)
            .await
    }

    /// [`Store::insert_invoices`], calling `progress` with the number of invoices written
    /// so far after every batch (the transaction commits only after the last). With an
    /// `import`, the invoices are audited as that one import (see [`ImportRecord`]).
    pub async fn insert_invoices_reporting(
        &self,
        invoices: &[NewInvoice],
        now: DateTime<Utc>,
        progress: Progress<'_>,
        import: Option<&ImportRecord>,
    ) -> Result<(), StoreError> {
        let ids: Vec<i64> = invoices.iter().map(|i| i.debtor_id).collect();
        let labels = self.debtor_labels(&ids).await?;
        let mut rows = Vec::with_capacity(invoices.len());
        for inv in invoices {
            let debtor = labels.get(&inv.debtor_id).ok_or(StoreError::NotFound {
                entity: "debtor",
                key: inv.debtor_id.to_string(),
            })?;
            rows.push((inv, invoice_values(inv, debtor)?));
        }
        let mut written = 0u64;
        let backend = self.backend();
        let sqlite = backend == Backend::Sqlite;
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            open_import!(tx, import, now, backend);
            // A large import into a smaller book (the first load of a ledger): on SQLite the
            // invoice table's secondary indexes are set aside and built again from the
            // finished table before the commit, in the same transaction: building an index
            // from a sorted pass costs a fraction of placing a million entries one by one
            // (38 s against 15 s + 3 s for the harness's million invoices). The uniqueness
            // of invoice numbers is checked throughout (its index stays). If anything
            // fails, the rollback brings the indexes back with the rest.
            let mut set_aside: Vec<(String, String)> = Vec::new();
            if sqlite && rows.len() >= 10_000 {
                let existing: i64 = sqlx::query_scalar("SELECT coalesce(max(id), 0) FROM invoices")
                    .fetch_one(&mut *tx)
                    .await?;
                if rows.len() as i64 >= existing {
                    set_aside = sqlx::query_as(
                        "SELECT name, sql FROM sqlite_master \
                         WHERE type = 'index' AND tbl_name = 'invoices' AND sql IS NOT NULL",
                    )
                    .fetch_all(&mut *tx)
                    .await?;
                    for (name, _) in &set_aside {
                        sqlx::query(AssertSqlSafe(format!("DROP INDEX \"{name}\"")))
                            .execute(&mut *tx)
                            .await?;
                    }
                }
            }
            for chunk in rows.chunks(CHUNK) {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO invoices (debtor_id, number, issue_date, due_date, currency, \
                     amount_minor, tax_minor, open_minor, description, created_at) ",
                );
                qb.push_values(chunk, |mut b, (inv, v)| {
                    b.push_bind(inv.debtor_id)
                        .push_bind(inv.number.trim().to_string())
                        .push_bind(inv.issue_date)
                        .push_bind(v.due_date)
                        .push_bind(inv.amount.currency().code().to_string())
                        .push_bind(v.amount_minor)
                        .push_bind(v.tax_minor)
                        .push_bind(v.amount_minor)
                        .push_bind(inv.description.clone())
                        .push_bind(now);
                });
                qb.build()
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| StoreError::unique(e, "invoice number", "(one of the imported numbers)"))?;
                written += chunk.len() as u64;
                progress(written);
            }
            for (_, sql) in &set_aside {
                sqlx::query(AssertSqlSafe(sql.clone())).execute(&mut *tx).await?;
            }
            close_import!(tx, import, backend);
            tx.commit().await?;
            Ok(())
        })
    }

    /// One invoice with its payments, credit notes, write-offs and disputes.
    pub async fn invoice(&self, id: i64) -> Result<InvoiceDetail, StoreError> {
        let sql = format!("SELECT {INVOICE_COLUMNS} WHERE i.id = $1");
        let (row, allocs, adjs, disputes) = with_pool!(self, pool => {
            let row: Option<InvoiceRow> = sqlx::query_as(AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(pool)
                .await?;
            let allocs: Vec<AllocTuple> =
                sqlx::query_as(
                    "SELECT a.id, a.payment_id, a.invoice_id, i.number, i.currency, a.amount_minor, \
                     a.allocated_on, a.reversed_on, p.reference \
                     FROM allocations a JOIN invoices i ON i.id = a.invoice_id \
                     JOIN payments p ON p.id = a.payment_id \
                     WHERE a.invoice_id = $1 ORDER BY a.allocated_on, a.id",
                )
                .bind(id)
                .fetch_all(pool)
                .await?;
            let adjs: Vec<AdjTuple> = sqlx::query_as(
                "SELECT id, invoice_id, kind, reference, issued_on, currency, amount_minor, reason \
                 FROM invoice_adjustments WHERE invoice_id = $1 ORDER BY issued_on, id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
            let disputes: Vec<(NaiveDate, String, Option<NaiveDate>, String)> = sqlx::query_as(
                "SELECT opened_on, reason, resolved_on, resolution FROM invoice_disputes \
                 WHERE invoice_id = $1 ORDER BY opened_on, id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
            (row, allocs, adjs, disputes)
        });
        let invoice = row
            .ok_or_else(|| StoreError::NotFound {
                entity: "invoice",
                key: id.to_string(),
            })?
            .into_record()?;
        let allocations = allocs
            .into_iter()
            .map(
                |(id, payment_id, invoice_id, number, cur, amount, on, rev, pref)| {
                    Ok(AllocationRecord {
                        id,
                        payment_id,
                        invoice_id,
                        invoice_number: number,
                        amount: Money::from_minor_units(amount, currency(&cur)?),
                        allocated_on: on,
                        reversed_on: rev,
                        payment_reference: pref,
                    })
                },
            )
            .collect::<Result<_, StoreError>>()?;
        let adjustments = adjs
            .into_iter()
            .map(
                |(id, invoice_id, kind, reference, on, cur, amount, reason)| {
                    Ok(AdjustmentRecord {
                        id,
                        invoice_id,
                        kind: AdjustmentKind::parse(&kind)?,
                        reference,
                        issued_on: on,
                        amount: Money::from_minor_units(amount, currency(&cur)?),
                        reason,
                    })
                },
            )
            .collect::<Result<_, StoreError>>()?;
        let disputes = disputes
            .into_iter()
            .map(
                |(opened_on, reason, resolved_on, resolution)| DisputeRecord {
                    opened_on,
                    reason,
                    resolved_on,
                    resolution,
                },
            )
            .collect();
        Ok(InvoiceDetail {
            invoice,
            allocations,
            adjustments,
            disputes,
        })
    }

    /// The id of the invoice with this number.
    pub async fn invoice_id_by_number(&self, number: &str) -> Result<i64, StoreError> {
        let id: Option<i64> = with_pool!(self, pool => {
            sqlx::query_scalar("SELECT id FROM invoices WHERE number = $1")
                .bind(number.trim())
                .fetch_optional(pool)
                .await?
        });
        id.ok_or_else(|| StoreError::NotFound {
            entity: "invoice",
            key: number.to_string(),
        })
    }

    /// Invoices with these numbers (those that exist), by number.
    pub async fn invoices_by_numbers(
        &self,
        numbers: &[String],
    ) -> Result<HashMap<String, InvoiceRecord>, StoreError> {
        let mut out = HashMap::new();
        for chunk in numbers.chunks(CHUNK) {
            let rows: Vec<InvoiceRow> = with_pool!(self, pool => {
                let mut qb = QueryBuilder::new(format!("SELECT {INVOICE_COLUMNS} WHERE i.number IN ("));
                let mut sep = qb.separated(", ");
                for n in chunk {
                    sep.push_bind(n.clone());
                }
                qb.push(")");
                qb.build_query_as().fetch_all(pool).await?
            });
            for r in rows {
                let rec = r.into_record()?;
                out.insert(rec.number.clone(), rec);
            }
        }
        Ok(out)
    }

    /// A page of invoices, by due date then id, with the number that match in all.
    pub async fn list_invoices(
        &self,
        q: &InvoiceQuery,
    ) -> Result<(i64, Vec<InvoiceRecord>), StoreError> {
        let mut filters: Vec<&str> = vec!["$1 = $1"];
        if q.debtor_id.is_some() {
            filters.push("i.debtor_id = $2");
        } else {
            filters.push("$2 = $2");
        }
        if q.overdue {
            filters.push("i.open_minor > 0 AND i.due_date < $1");
        }
        if q.disputed {
            filters.push("i.disputed_at IS NOT NULL");
        }
        match q.status {
            None => {}
            Some(InvoiceStatus::Settled) => filters.push("i.open_minor = 0"),
            Some(InvoiceStatus::Disputed) => {
                filters.push("i.open_minor > 0 AND i.disputed_at IS NOT NULL")
            }
            Some(InvoiceStatus::Overdue) => {
                filters.push("i.open_minor > 0 AND i.disputed_at IS NULL AND i.due_date < $1")
            }
            Some(InvoiceStatus::Open) => {
                filters.push("i.open_minor > 0 AND i.disputed_at IS NULL AND i.due_date >= $1")
            }
        }
        let search = overdue_domain::text::fold_for_search(q.search.trim());
        if search.is_empty() {
            filters.push("$5 = $5");
        } else {
            // Number, folded name or reference; the name through the debtors' own sort key.
            filters.push(
                "(lower(i.number) LIKE $5 ESCAPE '\\' OR d.sort_name LIKE $5 ESCAPE '\\' \
                 OR lower(coalesce(d.external_ref, '')) LIKE $5 ESCAPE '\\')",
            );
        }
        let pattern = contains_pattern(&search);
        let where_sql = filters.join(" AND ");
        let direction = if q.descending { " DESC" } else { "" };
        let order: Vec<String> = q
            .sort
            .keys()
            .iter()
            .chain(std::iter::once(&"i.id"))
            .map(|k| format!("{k}{direction}"))
            .collect();
        let list_sql = format!(
            "SELECT {INVOICE_COLUMNS} WHERE {where_sql} ORDER BY {} LIMIT $3 OFFSET $4",
            order.join(", ")
        );
        // The count reads the debtors only when the search needs their names.
        let from = if search.is_empty() {
            "invoices i"
        } else {
            "invoices i JOIN debtors d ON d.id = i.debtor_id"
        };
        let count_sql =
            format!("SELECT count(*) FROM {from} WHERE {where_sql} AND $3 = $3 AND $4 = $4");
        let debtor = q.debtor_id.unwrap_or(0);
        let limit = q.limit.clamp(1, 1000);
        let offset = q.offset.max(0);
        let (total, rows): (i64, Vec<InvoiceRow>) = with_pool!(self, pool => {
            let total: i64 = sqlx::query_scalar(AssertSqlSafe(count_sql))
                .bind(q.as_of)
                .bind(debtor)
                .bind(limit)
                .bind(offset)
                .bind(&pattern)
                .fetch_one(pool)
                .await?;
            let rows: Vec<InvoiceRow> = sqlx::query_as(AssertSqlSafe(list_sql))
                .bind(q.as_of)
                .bind(debtor)
                .bind(limit)
                .bind(offset)
                .bind(&pattern)
                .fetch_all(pool)
                .await?;
            (total, rows)
        });
        let rows = rows
            .into_iter()
            .map(InvoiceRow::into_record)
            .collect::<Result<Vec<_>, _>>()?;
        Ok((total, rows))
    }

    /// Records a credit note or write-off. The database refuses one above the open balance.
    pub async fn add_adjustment(
        &self,
        adj: &NewAdjustment,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let checked = self.check_adjustment(adj).await?;
        with_pool!(self, pool => {
            let id = insert_adjustment!(pool, adj, checked, now)?;
            Ok(id)
        })
    }

    /// Checks a credit note or write-off before it is written (inside or outside a
    /// transaction, with [`insert_adjustment!`]).
    pub(crate) async fn check_adjustment(
        &self,
        adj: &NewAdjustment,
    ) -> Result<CheckedAdjustment, StoreError> {
        let amount = minor(&adj.amount)?;
        if amount <= 0 {
            return Err(StoreError::Rejected(format!(
                "a {} must be more than zero",
                adj.kind.as_str().replace('_', " ")
            )));
        }
        let detail = self.invoice(adj.invoice_id).await?;
        if let Some(seen) = &adj.seen_open {
            if *seen != detail.invoice.open {
                return Err(StoreError::Stale {
                    entity: "invoice",
                    key: adj.invoice_id.to_string(),
                });
            }
        }
        if adj.issued_on < detail.invoice.issue_date {
            return Err(StoreError::Rejected(format!(
                "the {} is dated {} but invoice {} was issued on {}",
                adj.kind.as_str().replace('_', " "),
                adj.issued_on,
                detail.invoice.number,
                detail.invoice.issue_date
            )));
        }
        // Balance freed by a reversal exists only from the reversal's date (see
        // `plan_allocations`); a credit dated earlier could take it twice in between.
        if let Some(freed) = detail
            .allocations
            .iter()
            .filter_map(|a| a.reversed_on)
            .max()
        {
            if adj.issued_on < freed {
                return Err(StoreError::Rejected(format!(
                    "a payment on invoice {} was reversed on {freed}: date the {} on or after that day",
                    detail.invoice.number,
                    adj.kind.as_str().replace('_', " ")
                )));
            }
        }
        Ok(CheckedAdjustment {
            amount_minor: amount,
            open: detail.invoice.open,
            number: detail.invoice.number,
        })
    }

    /// Records payments and allocates each one (the invoice it names first, then the oldest
    /// due), all in one transaction and in the order given, so that later payments see the
    /// balances earlier ones left. What no open item takes stays unapplied on the payment.
    pub async fn record_payments(
        &self,
        payments: &[NewPayment],
        now: DateTime<Utc>,
    ) -> Result<Vec<RecordedPayment>, StoreError> {
        self.record_payments_reporting(payments, now, &|_| {}, None)
            .await
    }

    /// [`Store::record_payments`], calling `progress` with the number of payments written
    /// so far after every batch (the transaction commits only after the last).
    pub async fn record_payments_reporting(
        &self,
        payments: &[NewPayment],
        now: DateTime<Utc>,
        progress: Progress<'_>,
        import: Option<&ImportRecord>,
    ) -> Result<Vec<RecordedPayment>, StoreError> {
        if payments.is_empty() {
            return Ok(Vec::new());
        }
        let backend = self.backend();
        let mut debtor_ids: Vec<i64> = payments.iter().map(|p| p.debtor_id).collect();
        debtor_ids.sort_unstable();
        debtor_ids.dedup();
        let named: Vec<i64> = payments.iter().filter_map(|p| p.invoice_id).collect();
        // PostgreSQL: the open items are read locked, so a payment recorded at the same
        // moment by another login waits, and this one then reads the balance it left (an
        // unlocked read let both allocate the same open amount and the second was refused
        // by the balance check). SQLite: the write lock taken at BEGIN does the same.
        let lock = match backend {
            Backend::Postgres => " ORDER BY id FOR UPDATE",
            Backend::Sqlite => "",
        };
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            // Open items of every debtor concerned, plus the named invoices even when settled
            // (the allocation engine then gives them nothing instead of refusing), in one
            // statement so that PostgreSQL locks them in one order, by id: two statements
            // (the open items, then the named invoices) locked a settled named invoice
            // after an open one, and two payments at once could deadlock.
            // The ids are chosen by a subquery each side of a UNION, so both keep their
            // index (an OR of the two would scan the whole table on PostgreSQL).
            let (debtor_in, debtor_json) = self.among("o.debtor_id", 1, &debtor_ids);
            let (named_in, named_json) = self.among("n.id", 2, &named);
            // Only the column names and `$n` placeholders of `among` are formatted in.
            let rows: Vec<OpenRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT id, debtor_id, number, issue_date, due_date, currency, amount_minor, \
                 open_minor, (SELECT max(a.reversed_on) FROM allocations a WHERE a.invoice_id = invoices.id) \
                 AS freed_on FROM invoices WHERE id IN (\
                 SELECT o.id FROM invoices o WHERE o.open_minor > 0 AND {debtor_in} \
                 UNION SELECT n.id FROM invoices n WHERE {named_in}){lock}"
            )))
            .bind(debtor_json)
            .bind(named_json)
            .fetch_all(&mut *tx)
            .await?;
            seen_as_is(payments, &rows)?;
            let plan = plan_allocations(payments, rows)?;
            open_import!(tx, import, now, backend);
            let ids: Vec<i64> = match backend {
                Backend::Sqlite => {
                    // The transaction holds SQLite's only write lock from its first write on,
                    // and the ids are used at once, so max + 1.. cannot collide.
                    let max: i64 = sqlx::query_scalar("SELECT coalesce(max(id), 0) FROM payments")
                        .fetch_one(&mut *tx)
                        .await?;
                    (1..=payments.len() as i64).map(|k| max + k).collect()
                }
                Backend::Postgres => {
                    sqlx::query_scalar(
                        "SELECT nextval(pg_get_serial_sequence('payments', 'id')) FROM generate_series(1, $1)",
                    )
                    .bind(payments.len() as i64)
                    .fetch_all(&mut *tx)
                    .await?
                }
            };
            let mut written = 0u64;
            let numbered: Vec<(i64, &NewPayment, i64)> = payments
                .iter()
                .zip(&ids)
                .map(|(p, id)| Ok((*id, p, minor(&p.amount)?)))
                .collect::<Result<_, StoreError>>()?;
            for chunk in numbered.chunks(CHUNK) {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO payments (id, debtor_id, paid_on, currency, amount_minor, \
                     unapplied_minor, method, reference, invoice_id, created_at) ",
                );
                qb.push_values(chunk, |mut b, (id, p, amount)| {
                    b.push_bind(*id)
                        .push_bind(p.debtor_id)
                        .push_bind(p.paid_on)
                        .push_bind(p.amount.currency().code().to_string())
                        .push_bind(*amount)
                        .push_bind(*amount)
                        .push_bind(p.method.trim().to_string())
                        .push_bind(p.reference.trim().to_string())
                        .push_bind(p.invoice_id)
                        .push_bind(now);
                });
                qb.build().execute(&mut *tx).await?;
                written += chunk.len() as u64;
                progress(written);
            }
            let allocs: Vec<(i64, i64, i64, NaiveDate)> = plan
                .iter()
                .zip(&ids)
                .flat_map(|(lines, pid)| lines.allocations.iter().map(move |a| (*pid, a.0, a.1, a.2)))
                .collect();
            for chunk in allocs.chunks(CHUNK) {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO allocations (payment_id, invoice_id, amount_minor, allocated_on) ",
                );
                qb.push_values(chunk, |mut b, (p, i, a, d)| {
                    b.push_bind(*p).push_bind(*i).push_bind(*a).push_bind(*d);
                });
                qb.build().execute(&mut *tx).await.map_err(|e| {
                    StoreError::refused(e, |db| format!("the allocation was refused by the database: {db}"))
                })?;
            }
            close_import!(tx, import, backend);
            tx.commit().await?;
            Ok(plan
                .into_iter()
                .zip(ids)
                .zip(payments)
                .map(|((p, id), np)| {
                    let c = np.amount.currency();
                    RecordedPayment {
                        id,
                        allocations: p
                            .allocations
                            .iter()
                            .map(|a| AllocationLine { invoice_id: a.0, amount: Money::from_minor_units(a.1, c) })
                            .collect(),
                        unapplied: Money::from_minor_units(p.unapplied, c),
                    }
                })
                .collect())
        })
    }

    /// Reverses a payment (bounced, charged back, entered by mistake): its allocations stop
    /// counting from `on`, which restores the invoices' balances; the payment and its
    /// allocations stay on record, so balances before `on` are unchanged.
    pub async fn reverse_payment(
        &self,
        id: i64,
        on: NaiveDate,
        reason: &str,
    ) -> Result<(), StoreError> {
        let p = self.payment(id).await?;
        if let Some(done) = p.reversed_on {
            return Err(StoreError::Rejected(format!(
                "payment {id} was already reversed on {done}"
            )));
        }
        if on < p.paid_on {
            return Err(StoreError::Rejected(format!(
                "a payment received on {} cannot be reversed on {on}, before it was received",
                p.paid_on
            )));
        }
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            // An allocation that only started counting after `on` (to an invoice issued
            // later) ends the day it started.
            sqlx::query(
                "UPDATE allocations SET reversed_on = CASE WHEN allocated_on > $2 THEN allocated_on ELSE $2 END \
                 WHERE payment_id = $1 AND reversed_on IS NULL",
            )
            .bind(id)
            .bind(on)
            .execute(&mut *tx)
            .await?;
            let changed = sqlx::query(
                "UPDATE payments SET reversed_on = $2, reversal_reason = $3, unapplied_minor = 0 \
                 WHERE id = $1 AND reversed_on IS NULL",
            )
            .bind(id)
            .bind(on)
            .bind(reason.trim())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed != 1 {
                return Err(StoreError::Rejected(format!("payment {id} was reversed meanwhile")));
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// One payment.
    pub async fn payment(&self, id: i64) -> Result<PaymentRecord, StoreError> {
        let row: Option<PaymentRow> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, debtor_id, paid_on, currency, amount_minor, unapplied_minor, method, \
                 reference, invoice_id, reversed_on, reversal_reason FROM payments WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?
        });
        row.ok_or_else(|| StoreError::NotFound {
            entity: "payment",
            key: id.to_string(),
        })?
        .into_record()
    }

    /// A debtor's payments, newest first (reversed ones included).
    pub async fn payments_of(&self, debtor_id: i64) -> Result<Vec<PaymentRecord>, StoreError> {
        let rows: Vec<PaymentRow> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, debtor_id, paid_on, currency, amount_minor, unapplied_minor, method, \
                 reference, invoice_id, reversed_on, reversal_reason FROM payments \
                 WHERE debtor_id = $1 ORDER BY paid_on DESC, id DESC",
            )
            .bind(debtor_id)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter().map(PaymentRow::into_record).collect()
    }

    /// The payments of these debtors, newest first per debtor (reversed ones included), in
    /// one statement.
    pub async fn payments_among(
        &self,
        debtor_ids: &[i64],
    ) -> Result<HashMap<i64, Vec<PaymentRecord>>, StoreError> {
        let (among, json) = self.among("debtor_id", 1, debtor_ids);
        let rows: Vec<PaymentRow> = with_pool!(self, pool => {
            sqlx::query_as(AssertSqlSafe(format!(
                "SELECT id, debtor_id, paid_on, currency, amount_minor, unapplied_minor, method, \
                 reference, invoice_id, reversed_on, reversal_reason FROM payments \
                 WHERE {among} ORDER BY debtor_id, paid_on DESC, id DESC"
            )))
            .bind(&json)
            .fetch_all(pool)
            .await?
        });
        let mut out: HashMap<i64, Vec<PaymentRecord>> = HashMap::new();
        for r in rows {
            out.entry(r.debtor_id).or_default().push(r.into_record()?);
        }
        Ok(out)
    }

    /// Invoices under dispute now, of these debtors: invoice id to (debtor, the day the
    /// dispute was opened, the reason).
    pub async fn disputes_among(
        &self,
        debtor_ids: &[i64],
    ) -> Result<HashMap<i64, (i64, NaiveDate, String)>, StoreError> {
        let (among, json) = self.among("debtor_id", 1, debtor_ids);
        let rows: Vec<(i64, i64, DateTime<Utc>, String)> = with_pool!(self, pool => {
            sqlx::query_as(AssertSqlSafe(format!(
                "SELECT id, debtor_id, disputed_at, dispute_reason FROM invoices \
                 WHERE disputed_at IS NOT NULL AND {among}"
            )))
            .bind(&json)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, debtor, at, reason)| (id, (debtor, at.date_naive(), reason)))
            .collect())
    }

    /// Payments of these debtors that are not reversed (import compares against them).
    pub async fn active_payments_of(
        &self,
        debtor_ids: &[i64],
    ) -> Result<Vec<PaymentRecord>, StoreError> {
        let mut out = Vec::new();
        for chunk in debtor_ids.chunks(CHUNK) {
            let rows: Vec<PaymentRow> = with_pool!(self, pool => {
                let mut qb = QueryBuilder::new(
                    "SELECT id, debtor_id, paid_on, currency, amount_minor, unapplied_minor, method, \
                     reference, invoice_id, reversed_on, reversal_reason FROM payments \
                     WHERE reversed_on IS NULL AND debtor_id IN (",
                );
                let mut sep = qb.separated(", ");
                for id in chunk {
                    sep.push_bind(*id);
                }
                qb.push(")");
                qb.build_query_as().fetch_all(pool).await?
            });
            for r in rows {
                out.push(r.into_record()?);
            }
        }
        Ok(out)
    }

    /// Marks an invoice as disputed from `on` (dunning pauses) or, with `reason` `None`,
    /// resolves its open dispute on `on`.
    pub async fn set_dispute(
        &self,
        invoice_id: i64,
        on: NaiveDate,
        reason: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let detail = self.invoice(invoice_id).await?;
        let number = detail.invoice.number;
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            match reason {
                Some(reason) => {
                    sqlx::query(
                        "INSERT INTO invoice_disputes (invoice_id, opened_on, reason, created_at) \
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(invoice_id)
                    .bind(on)
                    .bind(reason.trim())
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| match &e {
                        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Rejected(
                            format!("invoice {number} is already disputed"),
                        ),
                        _ => StoreError::from(e),
                    })?;
                    let at = on.and_time(chrono::NaiveTime::MIN).and_utc();
                    sqlx::query("UPDATE invoices SET disputed_at = $1, dispute_reason = $2 WHERE id = $3")
                        .bind(at)
                        .bind(reason.trim())
                        .bind(invoice_id)
                        .execute(&mut *tx)
                        .await?;
                }
                None => {
                    let changed = sqlx::query(
                        "UPDATE invoice_disputes SET resolved_on = $2 WHERE invoice_id = $1 AND resolved_on IS NULL",
                    )
                    .bind(invoice_id)
                    .bind(on)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if changed == 0 {
                        return Err(StoreError::Rejected(format!("invoice {number} is not disputed")));
                    }
                    sqlx::query("UPDATE invoices SET disputed_at = NULL, dispute_reason = '' WHERE id = $1")
                        .bind(invoice_id)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// Open balances as of a date (exact for any past date), optionally of one debtor.
    pub async fn open_balances(
        &self,
        as_of: NaiveDate,
        debtor_id: Option<i64>,
    ) -> Result<Vec<OpenBalance>, StoreError> {
        let debtor = if debtor_id.is_some() {
            "AND i.debtor_id = $2"
        } else {
            "AND $2 = $2"
        };
        let sql = open_as_of_sql("", debtor);
        let rows: Vec<OpenRow> = with_pool!(self, pool => {
            sqlx::query_as(AssertSqlSafe(sql))
                .bind(as_of)
                .bind(debtor_id.unwrap_or(0))
                .fetch_all(pool)
                .await?
        });
        open_balances_of(rows, as_of)
    }

    /// [`Store::open_balances`] of these debtors, in one statement.
    pub async fn open_balances_among(
        &self,
        as_of: NaiveDate,
        debtor_ids: &[i64],
    ) -> Result<Vec<OpenBalance>, StoreError> {
        let (among, json) = self.among("i.debtor_id", 2, debtor_ids);
        let sql = open_as_of_sql("", &format!("AND {among}"));
        let rows: Vec<OpenRow> = with_pool!(self, pool => {
            sqlx::query_as(AssertSqlSafe(sql))
                .bind(as_of)
                .bind(&json)
                .fetch_all(pool)
                .await?
        });
        open_balances_of(rows, as_of)
    }

    /// What the aging report needs of every item open on `as_of` (the same rows as
    /// [`Store::open_balances`], without numbers): read through the open-items index,
    /// decoded without a string per row. The aging of a 50,000-debtor book spends its time
    /// here, so it stays lean.
    pub async fn open_aging_items(&self, as_of: NaiveDate) -> Result<Vec<AgingItem>, StoreError> {
        let sql = |by: &str| {
            open_as_of_sql(by, "AND $2 = $2").replace(
                "i.id, i.debtor_id, i.number, i.issue_date, i.due_date, i.currency, i.amount_minor, i.description,",
                "i.debtor_id, i.issue_date, i.due_date, i.currency, i.amount_minor,",
            )
        };
        let mut items = LeanItems {
            as_of,
            out: Vec::new(),
            last: None,
        };
        match self {
            Store::Sqlite(pool) => {
                read_sqlite(pool, |db| {
                    // A date long past: most allocations came after it, and the sum of
                    // them reads the covering index by invoice from end to end (0.6 s on
                    // a million invoices) instead of visiting each one's row from the date
                    // index (2.8 s). A recent date: the few later ones by the date index.
                    let later: i64 = db
                        .query_row(
                            "SELECT count(*) FROM (SELECT 1 FROM allocations WHERE allocated_on > ?1 LIMIT 20000)",
                            [as_of.to_string()],
                            |r| r.get(0),
                        )
                        .map_err(sqlite_error)?;
                    let by = if later >= 20000 {
                        "INDEXED BY allocations_invoice"
                    } else {
                        ""
                    };
                    let mut st = db.prepare(&sql(by)).map_err(sqlite_error)?;
                    let mut rows = st.query((as_of.to_string(), 0_i64)).map_err(sqlite_error)?;
                    while let Some(r) = rows.next().map_err(sqlite_error)? {
                        items.push(
                            int_column(r, 0)?,
                            date_column(r, 1)?,
                            date_column(r, 2)?,
                            text_column(r, 3)?,
                            int_column(r, 4)?,
                            int_column(r, 5)?,
                        )?;
                    }
                    Ok(())
                })
                .await?
            }
            Store::Postgres(pool) => {
                type Lean = (i64, NaiveDate, NaiveDate, String, i64, i64);
                let rows: Vec<Lean> = sqlx::query_as(AssertSqlSafe(sql("")))
                    .bind(as_of)
                    .bind(0_i64)
                    .fetch_all(pool)
                    .await?;
                for (debtor_id, invoice_date, due_date, code, amount_minor, open_minor) in rows {
                    items.push(
                        debtor_id,
                        invoice_date,
                        due_date,
                        &code,
                        amount_minor,
                        open_minor,
                    )?;
                }
            }
        }
        Ok(items.out)
    }

    /// Everything on a debtor's account dated up to `to`, oldest first (invoices before
    /// credits on the same day).
    pub async fn account_entries(
        &self,
        debtor_id: i64,
        to: NaiveDate,
    ) -> Result<Vec<AccountEntry>, StoreError> {
        type Row = (NaiveDate, i64, String, String, String, i64, i64);
        let rows: Vec<Row> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT issue_date AS d, CAST(0 AS BIGINT) AS k, number AS r, description AS t, currency, amount_minor AS a, id \
                 FROM invoices WHERE debtor_id = $1 AND issue_date <= $2 \
                 UNION ALL \
                 SELECT paid_on, CAST(1 AS BIGINT), reference, method, currency, -amount_minor, id \
                 FROM payments WHERE debtor_id = $1 AND paid_on <= $2 \
                 UNION ALL \
                 SELECT reversed_on, CAST(2 AS BIGINT), reference, reversal_reason, currency, amount_minor, id \
                 FROM payments WHERE debtor_id = $1 AND reversed_on <= $2 \
                 UNION ALL \
                 SELECT x.issued_on, CAST(CASE WHEN x.kind = 'credit_note' THEN 3 ELSE 4 END AS BIGINT), \
                        CASE WHEN x.reference = '' THEN i.number ELSE x.reference || ' (' || i.number || ')' END, \
                        x.reason, x.currency, -x.amount_minor, x.id \
                 FROM invoice_adjustments x JOIN invoices i ON i.id = x.invoice_id \
                 WHERE i.debtor_id = $1 AND x.issued_on <= $2 \
                 UNION ALL \
                 SELECT c.charged_on, CAST(5 AS BIGINT), i.number, c.kind || ': ' || c.basis, c.currency, c.amount_minor, c.id \
                 FROM charges c JOIN invoices i ON i.id = c.invoice_id \
                 WHERE c.debtor_id = $1 AND c.charged_on <= $2 \
                 UNION ALL \
                 SELECT c.reversed_on, CAST(6 AS BIGINT), i.number, c.kind || ': ' || c.reversal_reason, c.currency, -c.amount_minor, c.id \
                 FROM charges c JOIN invoices i ON i.id = c.invoice_id \
                 WHERE c.debtor_id = $1 AND c.reversed_on <= $2 \
                 ORDER BY 1, 2, 7",
            )
            .bind(debtor_id)
            .bind(to)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(date, k, reference, description, cur, amount, _)| {
                let kind = match k {
                    0 => EntryKind::Invoice,
                    1 => EntryKind::Payment,
                    2 => EntryKind::PaymentReversal,
                    3 => EntryKind::CreditNote,
                    4 => EntryKind::WriteOff,
                    5 => EntryKind::Charge,
                    _ => EntryKind::ChargeReversal,
                };
                Ok(AccountEntry {
                    date,
                    kind,
                    reference,
                    description,
                    amount: Money::from_minor_units(amount, currency(&cur)?),
                })
            })
            .collect()
    }

    /// Names, references and currencies of these debtors (those that exist), by id.
    pub async fn debtor_labels(
        &self,
        ids: &[i64],
    ) -> Result<HashMap<i64, DebtorLabel>, StoreError> {
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        let mut out = HashMap::with_capacity(ids.len());
        fn label(
            name: String,
            external_ref: Option<String>,
            cur: &str,
            terms: i64,
        ) -> Result<DebtorLabel, StoreError> {
            Ok(DebtorLabel {
                name,
                external_ref: external_ref.unwrap_or_default(),
                currency: currency(cur)?,
                payment_terms_days: u32::try_from(terms)
                    .map_err(|_| StoreError::Corrupt("negative payment terms".into()))?,
            })
        }
        // Thousands of debtors on SQLite (an aging report of the whole book): one pass over
        // the table, stepped through on the reader of `bulk`, costs less than a lookup per
        // id handed over row by row.
        if let (Store::Sqlite(pool), true) = (self, ids.len() > 1000) {
            read_sqlite(pool, |db| {
                let mut st = db
                    .prepare(
                        "SELECT id, name, external_ref, currency, payment_terms_days FROM debtors",
                    )
                    .map_err(sqlite_error)?;
                let mut rows = st.query([]).map_err(sqlite_error)?;
                while let Some(r) = rows.next().map_err(sqlite_error)? {
                    let id = int_column(r, 0)?;
                    if ids.binary_search(&id).is_err() {
                        continue;
                    }
                    let l = label(
                        text_column(r, 1)?.to_string(),
                        opt_text_column(r, 2)?.map(str::to_string),
                        text_column(r, 3)?,
                        int_column(r, 4)?,
                    )?;
                    out.insert(id, l);
                }
                Ok(())
            })
            .await?;
            return Ok(out);
        }
        // One statement however many debtors.
        let (among, json) = self.among("id", 1, &ids);
        let rows: Vec<(i64, String, Option<String>, String, i64)> = with_pool!(self, pool => {
            sqlx::query_as(AssertSqlSafe(format!(
                "SELECT id, name, external_ref, currency, payment_terms_days FROM debtors WHERE {among}"
            )))
            .bind(&json)
            .fetch_all(pool)
            .await?
        });
        for (id, name, external_ref, cur, terms) in rows {
            out.insert(id, label(name, external_ref, &cur, terms)?);
        }
        Ok(out)
    }

    /// Every debtor's external reference with its id (import resolves references with it).
    pub async fn debtor_refs(&self) -> Result<HashMap<String, i64>, StoreError> {
        let rows: Vec<(String, i64)> = with_pool!(self, pool => {
            sqlx::query_as("SELECT external_ref, id FROM debtors WHERE external_ref IS NOT NULL")
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().collect())
    }

    /// Sales, cash and write-offs of a period (both ends included), per currency.
    pub async fn period_figures(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<BTreeMap<Currency, PeriodFigures>, StoreError> {
        let (sales, cash, write_offs): (Vec<(String, NaiveDate, i64)>, Totals, Totals) = with_pool!(self, pool => {
            let sales = sqlx::query_as(
                "SELECT currency, issue_date, CAST(sum(amount_minor) AS BIGINT) FROM invoices \
                 WHERE issue_date >= $1 AND issue_date <= $2 GROUP BY currency, issue_date",
            )
            .bind(from)
            .bind(to)
            .fetch_all(pool)
            .await?;
            // A payment reversed after the period still was cash of the period.
            let cash = sqlx::query_as(
                "SELECT currency, CAST(sum(amount_minor) AS BIGINT) FROM payments \
                 WHERE paid_on >= $1 AND paid_on <= $2 AND (reversed_on IS NULL OR reversed_on > $2) \
                 GROUP BY currency",
            )
            .bind(from)
            .bind(to)
            .fetch_all(pool)
            .await?;
            let write_offs = sqlx::query_as(
                "SELECT currency, CAST(sum(amount_minor) AS BIGINT) FROM invoice_adjustments \
                 WHERE kind = 'write_off' AND issued_on >= $1 AND issued_on <= $2 GROUP BY currency",
            )
            .bind(from)
            .bind(to)
            .fetch_all(pool)
            .await?;
            (sales, cash, write_offs)
        });
        let mut out: BTreeMap<Currency, PeriodFigures> = BTreeMap::new();
        let blank = || PeriodFigures {
            sales_by_day: BTreeMap::new(),
            cash_minor: 0,
            write_offs_minor: 0,
        };
        for (cur, day, amount) in sales {
            *out.entry(currency(&cur)?)
                .or_insert_with(blank)
                .sales_by_day
                .entry(day)
                .or_default() += amount;
        }
        for (cur, amount) in cash {
            out.entry(currency(&cur)?).or_insert_with(blank).cash_minor += amount;
        }
        for (cur, amount) in write_offs {
            out.entry(currency(&cur)?)
                .or_insert_with(blank)
                .write_offs_minor += amount;
        }
        Ok(out)
    }
}

struct InvoiceValues {
    due_date: NaiveDate,
    amount_minor: i64,
    tax_minor: i64,
}

fn invoice_values(inv: &NewInvoice, debtor: &DebtorLabel) -> Result<InvoiceValues, StoreError> {
    if inv.amount.currency() != debtor.currency {
        return Err(StoreError::Rejected(format!(
            "invoice {} is in {} but the debtor {} is invoiced in {}",
            inv.number.trim(),
            inv.amount.currency(),
            debtor.name,
            debtor.currency
        )));
    }
    let amount_minor = minor(&inv.amount)?;
    let tax_minor = minor(&inv.tax)?;
    if amount_minor <= 0 {
        return Err(StoreError::Rejected(format!(
            "invoice {}: the amount must be more than zero",
            inv.number.trim()
        )));
    }
    if tax_minor < 0 || tax_minor > amount_minor {
        return Err(StoreError::Rejected(format!(
            "invoice {}: the tax must be between zero and the amount",
            inv.number.trim()
        )));
    }
    let due_date = match inv.due_date {
        Some(d) => d,
        None => inv
            .issue_date
            .checked_add_days(chrono::Days::new(u64::from(debtor.payment_terms_days)))
            .ok_or_else(|| StoreError::Rejected("the due date is out of range".into()))?,
    };
    if due_date < inv.issue_date {
        return Err(StoreError::Rejected(format!(
            "invoice {}: the due date {due_date} is before the issue date {}",
            inv.number.trim(),
            inv.issue_date
        )));
    }
    Ok(InvoiceValues {
        due_date,
        amount_minor,
        tax_minor,
    })
}

/// Where each payment goes, in minor units: `(invoice id, amount, counts from)`.
struct PlannedPayment {
    allocations: Vec<(i64, i64, NaiveDate)>,
    unapplied: i64,
}

/// Runs the domain's allocation over the loaded open items, payment after payment,
/// lowering the in-memory balances as it goes.
/// Refuses payments whose named invoice is no longer open by what the person saw (read
/// under the write lock, so no one can change it before the payments are written).
fn seen_as_is(payments: &[NewPayment], rows: &[OpenRow]) -> Result<(), StoreError> {
    for p in payments {
        let (Some(id), Some(seen)) = (p.invoice_id, &p.seen_open) else {
            continue;
        };
        if let Some(row) = rows.iter().find(|r| r.id == id) {
            if row.open_minor != minor(seen)? {
                return Err(StoreError::Stale {
                    entity: "invoice",
                    key: id.to_string(),
                });
            }
        }
    }
    Ok(())
}

fn plan_allocations(
    payments: &[NewPayment],
    rows: Vec<OpenRow>,
) -> Result<Vec<PlannedPayment>, StoreError> {
    struct Item {
        row: OpenRow,
        currency: Currency,
        open: i64,
    }
    let mut by_id: HashMap<i64, Item> = HashMap::with_capacity(rows.len());
    let mut by_debtor: HashMap<i64, Vec<i64>> = HashMap::new();
    for r in rows {
        if by_id.contains_key(&r.id) {
            continue;
        }
        by_debtor.entry(r.debtor_id).or_default().push(r.id);
        let c = currency(&r.currency)?;
        by_id.insert(
            r.id,
            Item {
                open: r.open_minor,
                currency: c,
                row: r,
            },
        );
    }
    let mut out = Vec::with_capacity(payments.len());
    for p in payments {
        let c = p.amount.currency();
        if let Some(named) = p.invoice_id {
            match by_id.get(&named) {
                None => {
                    return Err(StoreError::NotFound {
                        entity: "invoice",
                        key: named.to_string(),
                    })
                }
                Some(item) if item.row.debtor_id != p.debtor_id => {
                    return Err(StoreError::Rejected(format!(
                        "invoice {} belongs to another debtor than the payment",
                        item.row.number
                    )))
                }
                Some(item) if item.currency != c => {
                    return Err(StoreError::Rejected(format!(
                        "invoice {} is in {}, the payment in {c}",
                        item.row.number, item.currency
                    )))
                }
                Some(_) => {}
            }
        }
        let items: Vec<OpenItem> = by_debtor
            .get(&p.debtor_id)
            .map(|ids| {
                ids.iter()
                    .map(|id| &by_id[id])
                    .filter(|i| i.currency == c && (i.open > 0 || Some(i.row.id) == p.invoice_id))
                    .map(|i| OpenItem {
                        invoice_id: i.row.id,
                        number: i.row.number.clone(),
                        issue_date: i.row.issue_date,
                        due_date: i.row.due_date,
                        amount: Money::from_minor_units(i.row.amount_minor, c),
                        open: Money::from_minor_units(i.open, c),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let plan = allocate_payment(&p.amount, &items, p.invoice_id)
            .map_err(|e| StoreError::Rejected(e.to_string()))?;
        let mut allocations = Vec::with_capacity(plan.lines.len());
        for line in &plan.lines {
            let amount = minor(&line.amount)?;
            let item = by_id
                .get_mut(&line.invoice_id)
                .ok_or_else(|| StoreError::Corrupt("allocation to an unknown invoice".into()))?;
            item.open -= amount;
            // A payment received before the invoice was issued (a prepayment) counts
            // against it from the issue date: before that there was nothing to pay. Nor
            // can it take, before a reversal, the balance that reversal freed: counting it
            // earlier would put the balance below zero between the two dates.
            let from = p
                .paid_on
                .max(item.row.issue_date)
                .max(item.row.freed_on.unwrap_or(p.paid_on));
            allocations.push((line.invoice_id, amount, from));
        }
        out.push(PlannedPayment {
            allocations,
            unapplied: minor(&plan.unapplied)?,
        });
    }
    Ok(out)
}
