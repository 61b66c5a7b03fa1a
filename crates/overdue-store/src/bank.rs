//! Bank statements: own accounts, imported statements and their entries, ignore rules,
//! and the IBANs debtors pay from (migration 0014).
//!
//! An import is one transaction ([`Store::bank_import`]): accounts created, statements,
//! entries, the payments (with their allocations) of the entries matched automatically,
//! the reversals of returned payments, learned IBANs and the timeline events; if any of it
//! fails, nothing is kept. A second import of the same entries is skipped by the unique
//! `(account_id, identity)` key, also when two imports race.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::QueryBuilder;

use crate::audit::{close_import, open_import};
use crate::events::{chain_events, insert_event, lock_event_chain, NewEvent};
use crate::{with_pool, Store, StoreError};

/// Records a payment from bank entry `$entry` (a [`NewBankEntry`]) with the explicit
/// allocations of `$p`, marks the entry matched, learns the IBAN and logs it; evaluates to
/// the payment id (returns early with the error).
macro_rules! pay_tx {
    ($tx:expr, $entry:expr, $entry_id:expr, $p:expr, $now:expr) => {{
        let e: &NewBankEntry = $entry;
        let p: &NewBankPayment = $p;
        let reference = payment_reference(e);
        let payment_id: i64 = sqlx::query_scalar(
            "INSERT INTO payments (debtor_id, paid_on, currency, amount_minor, unapplied_minor, method, \
             reference, invoice_id, created_at) VALUES ($1, $2, $3, $4, $4, 'bank transfer', $5, $6, $7) RETURNING id",
        )
        .bind(p.debtor_id)
        .bind(e.booking_date)
        .bind(&e.currency)
        .bind(e.amount_minor)
        .bind(&reference)
        .bind(p.allocations.first().map(|a| a.0))
        .bind($now)
        .fetch_one(&mut *$tx)
        .await?;
        for (invoice_id, minor) in &p.allocations {
            sqlx::query(
                "INSERT INTO allocations (payment_id, invoice_id, amount_minor, allocated_on) VALUES ($1, $2, $3, $4)",
            )
            .bind(payment_id)
            .bind(*invoice_id)
            .bind(*minor)
            .bind(e.booking_date)
            .execute(&mut *$tx)
            .await
            .map_err(|err| {
                StoreError::refused(err, |db| format!("the allocation was refused by the database: {db}"))
            })?;
        }
        for (invoice_id, minor) in &p.write_offs {
            sqlx::query(
                "INSERT INTO invoice_adjustments (invoice_id, kind, reference, issued_on, currency, amount_minor, reason, created_at) \
                 VALUES ($1, 'write_off', $2, $3, $4, $5, 'short payment within the bank tolerance', $6)",
            )
            .bind(*invoice_id)
            .bind(format!("bank entry {}", $entry_id))
            .bind(e.booking_date)
            .bind(&e.currency)
            .bind(*minor)
            .bind($now)
            .execute(&mut *$tx)
            .await
            .map_err(|err| {
                StoreError::refused(err, |db| format!("the write-off was refused by the database: {db}"))
            })?;
        }
        sqlx::query(
            "UPDATE bank_entries SET status = 'matched', payment_id = $2, debtor_id = $3, ignore_rule_id = NULL, \
             proposal = $4, confidence = $5, reasons = $6 WHERE id = $1",
        )
        .bind($entry_id)
        .bind(payment_id)
        .bind(p.debtor_id)
        .bind(&p.proposal)
        .bind(p.confidence)
        .bind(&p.reasons)
        .execute(&mut *$tx)
        .await?;
        if !p.learn_iban.is_empty() {
            sqlx::query(
                "INSERT INTO debtor_ibans (debtor_id, iban, source, created_at) VALUES ($1, $2, 'learned', $3) \
                 ON CONFLICT (debtor_id, iban) DO NOTHING",
            )
            .bind(p.debtor_id)
            .bind(&p.learn_iban)
            .bind($now)
            .execute(&mut *$tx)
            .await?;
        }
        let event = NewEvent {
            debtor_id: p.debtor_id,
            invoice_id: p.allocations.first().map(|a| a.0),
            occurred_at: $now,
            kind: "payment".into(),
            author: p.author.clone(),
            summary: p.summary.clone(),
            detail: payment_detail($entry_id, e),
            ref_table: "payments".into(),
            ref_id: Some(payment_id),
            ..Default::default()
        };
        insert_event!($tx, &event, $now)?;
        payment_id
    }};
}

/// Reverses payment `$id` from `$on` inside the open transaction (the same two statements
/// as [`Store::reverse_payment`]); evaluates to `Result<(), StoreError>`.
macro_rules! reverse_tx {
    ($tx:expr, $id:expr, $on:expr, $reason:expr) => {{
        let id: i64 = $id;
        let on: NaiveDate = $on;
        sqlx::query(
            "UPDATE allocations SET reversed_on = CASE WHEN allocated_on > $2 THEN allocated_on ELSE $2 END \
             WHERE payment_id = $1 AND reversed_on IS NULL",
        )
        .bind(id)
        .bind(on)
        .execute(&mut *$tx)
        .await?;
        let changed = sqlx::query(
            "UPDATE payments SET reversed_on = $2, reversal_reason = $3, unapplied_minor = 0 \
             WHERE id = $1 AND reversed_on IS NULL",
        )
        .bind(id)
        .bind(on)
        .bind($reason.trim())
        .execute(&mut *$tx)
        .await?
        .rows_affected();
        if changed == 1 {
            Ok(())
        } else {
            Err(StoreError::Rejected(format!("payment {id} is already reversed")))
        }
    }};
}

const CHUNK: usize = 500;
/// Bank entries per INSERT: 28 values each, well under SQLite's 32,766 and PostgreSQL's
/// 65,535 parameters.
const ENTRY_CHUNK: usize = 500;

/// One of the business's own bank accounts.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BankAccountRecord {
    /// Id.
    pub id: i64,
    /// IBAN (uppercase, no spaces) or the account as the bank's file names it.
    pub account_key: String,
    /// IBAN when known.
    pub iban: Option<String>,
    /// A name the user gave it.
    pub name: String,
    /// The account's currency.
    pub currency: String,
    /// The CSV mapping last used for it (JSON, "" when none).
    pub csv_mapping: String,
    /// When it was first seen.
    pub created_at: DateTime<Utc>,
}

/// An account to create during an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBankAccount {
    /// IBAN or the file's account id.
    pub account_key: String,
    /// IBAN when known.
    pub iban: Option<String>,
    /// Name ("" = none).
    pub name: String,
    /// Currency.
    pub currency: String,
}

/// A stored statement with its figures.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BankStatementRecord {
    /// Id.
    pub id: i64,
    /// Account id.
    pub account_id: i64,
    /// The account's key (IBAN or file id).
    pub account_key: String,
    /// File format read (`camt053`, `mt940`, ...).
    pub format: String,
    /// File name as given.
    pub file_name: String,
    /// The bank's statement id.
    pub statement_ref: String,
    /// Its sequence number.
    pub sequence: String,
    /// First day covered.
    pub period_from: Option<NaiveDate>,
    /// Last day covered.
    pub period_to: Option<NaiveDate>,
    /// Currency.
    pub currency: String,
    /// Opening balance, minor units.
    pub opening_minor: Option<i64>,
    /// Closing balance, minor units.
    pub closing_minor: Option<i64>,
    /// What did not add up ("" when it did).
    pub balance_problem: String,
    /// Entries the file held for it.
    pub entries: i64,
    /// Of those, already stored before.
    pub duplicates: i64,
    /// When it was imported.
    pub imported_at: DateTime<Utc>,
    /// Money in of the entries stored with it, minor units.
    pub credits_minor: i64,
    /// Money out, minor units.
    pub debits_minor: i64,
    /// Entries stored with it that are matched.
    pub matched: i64,
    /// Entries stored with it.
    pub stored: i64,
}

/// A statement to store during an import, with its new entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBankStatement {
    /// The account's key (an existing account or one in [`BankImport::accounts`]).
    pub account_key: String,
    /// Format read.
    pub format: String,
    /// File name.
    pub file_name: String,
    /// SHA-256 of the whole file.
    pub file_sha256: String,
    /// The bank's statement id.
    pub statement_ref: String,
    /// Sequence.
    pub sequence: String,
    /// Period.
    pub period_from: Option<NaiveDate>,
    /// Period.
    pub period_to: Option<NaiveDate>,
    /// Currency.
    pub currency: String,
    /// Opening balance.
    pub opening_minor: Option<i64>,
    /// Closing balance.
    pub closing_minor: Option<i64>,
    /// What did not add up.
    pub balance_problem: String,
    /// Entries the file held for this statement.
    pub entries_in_file: i64,
    /// Entries already stored (skipped).
    pub duplicates: i64,
    /// The entries to store.
    pub entries: Vec<NewBankEntry>,
}

/// Whether an entry is money in or out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntrySide {
    /// Money in.
    Credit,
    /// Money out.
    Debit,
}

impl EntrySide {
    /// Stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            EntrySide::Credit => "credit",
            EntrySide::Debit => "debit",
        }
    }

    fn parse(s: &str) -> Result<Self, StoreError> {
        match s {
            "credit" => Ok(EntrySide::Credit),
            "debit" => Ok(EntrySide::Debit),
            other => Err(StoreError::Corrupt(format!("bank entry side {other:?}"))),
        }
    }
}

/// Where an entry stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryStatus {
    /// Applied as a payment (or, for a return, the payment it returned reversed).
    Matched,
    /// A proposal waits for review.
    Suggested,
    /// Nothing found, or a debit that is not a return.
    Unmatched,
    /// Not about receivables (rent, salaries, ...).
    Ignored,
}

impl EntryStatus {
    /// Stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryStatus::Matched => "matched",
            EntryStatus::Suggested => "suggested",
            EntryStatus::Unmatched => "unmatched",
            EntryStatus::Ignored => "ignored",
        }
    }

    /// Reads the stored spelling.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "matched" => EntryStatus::Matched,
            "suggested" => EntryStatus::Suggested,
            "unmatched" => EntryStatus::Unmatched,
            "ignored" => EntryStatus::Ignored,
            _ => return None,
        })
    }
}

/// What the import does besides storing an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryAction {
    /// Nothing (suggested, unmatched, ignored).
    None,
    /// Record a payment with these allocations (the rest stays unapplied on the debtor).
    Pay(NewBankPayment),
    /// Reverse this payment (a returned direct debit or chargeback).
    Reverse {
        /// The payment returned.
        payment_id: i64,
        /// The debtor it belongs to.
        debtor_id: i64,
        /// Why (return reason code or text).
        reason: String,
    },
}

/// A payment made from a bank entry, allocated as decided (not oldest-first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBankPayment {
    /// Who paid.
    pub debtor_id: i64,
    /// (invoice id, minor units) in the order applied.
    pub allocations: Vec<(i64, i64)>,
    /// Short payments written off: (invoice id, minor units).
    pub write_offs: Vec<(i64, i64)>,
    /// An IBAN to remember for the debtor ("" = none).
    pub learn_iban: String,
    /// The allocations as JSON (kept on the entry as its proposal).
    pub proposal: String,
    /// Confidence recorded on the entry.
    pub confidence: i64,
    /// Reasons JSON recorded on the entry.
    pub reasons: String,
    /// One line for the timeline.
    pub summary: String,
    /// Who did it (`overdue` for automatic matches).
    pub author: String,
}

/// An entry to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBankEntry {
    /// Identity within the account (see the migration).
    pub identity: String,
    /// Booking date.
    pub booking_date: NaiveDate,
    /// Value date.
    pub value_date: Option<NaiveDate>,
    /// Currency.
    pub currency: String,
    /// Amount, minor units, above zero.
    pub amount_minor: i64,
    /// In or out.
    pub side: EntrySide,
    /// A reversal booking (MT940 RC/RD, camt RvslInd).
    pub reversal: bool,
    /// A returned payment.
    pub is_return: bool,
    /// The return's reason.
    pub return_reason: String,
    /// Counterparty name.
    pub counterparty: String,
    /// Counterparty IBAN.
    pub counterparty_iban: String,
    /// Counterparty BIC.
    pub counterparty_bic: String,
    /// Remittance text.
    pub remittance: String,
    /// Structured creditor reference.
    pub creditor_reference: String,
    /// End-to-end id.
    pub end_to_end_id: String,
    /// The bank's reference.
    pub bank_reference: String,
    /// Bank transaction code.
    pub bank_code: String,
    /// Where in the file it was.
    pub location: String,
    /// Status after the import.
    pub status: EntryStatus,
    /// The debtor named by the match or proposal.
    pub debtor_id: Option<i64>,
    /// Proposal JSON.
    pub proposal: String,
    /// Confidence 0..=100.
    pub confidence: i64,
    /// Reasons JSON.
    pub reasons: String,
    /// The rule that ignored it.
    pub ignore_rule_id: Option<i64>,
    /// What else to do.
    pub action: EntryAction,
}

impl NewBankEntry {
    /// A stored entry as the matcher and the payment writer take it: its facts, reviewed
    /// afresh (unmatched, no proposal, nothing to do).
    pub fn from_stored(e: &BankEntryRecord) -> NewBankEntry {
        NewBankEntry {
            identity: String::new(),
            booking_date: e.booking_date,
            value_date: e.value_date,
            currency: e.currency.clone(),
            amount_minor: e.amount_minor,
            side: e.side,
            reversal: e.reversal,
            is_return: e.is_return,
            return_reason: e.return_reason.clone(),
            counterparty: e.counterparty.clone(),
            counterparty_iban: e.counterparty_iban.clone(),
            counterparty_bic: e.counterparty_bic.clone(),
            remittance: e.remittance.clone(),
            creditor_reference: e.creditor_reference.clone(),
            end_to_end_id: e.end_to_end_id.clone(),
            bank_reference: e.bank_reference.clone(),
            bank_code: e.bank_code.clone(),
            location: e.location.clone(),
            status: EntryStatus::Unmatched,
            debtor_id: None,
            proposal: String::new(),
            confidence: 0,
            reasons: String::new(),
            ignore_rule_id: None,
            action: EntryAction::None,
        }
    }
}

/// Everything one file import writes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BankImport {
    /// Accounts seen for the first time.
    pub accounts: Vec<NewBankAccount>,
    /// Statements with their new entries.
    pub statements: Vec<NewBankStatement>,
    /// A CSV mapping to remember for an account (key, JSON).
    pub csv_mapping: Option<(String, String)>,
    /// The file, audited as one import: the payments and allocations its automatic
    /// matches record are covered by that one entry (see [`crate::ImportRecord`]).
    pub audit: Option<crate::ImportRecord>,
}

/// What an import stored.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BankImportOutcome {
    /// Entries stored.
    pub stored: u64,
    /// Entries skipped because another import stored them meanwhile.
    pub raced: u64,
    /// Payments recorded (id, debtor).
    pub payments: Vec<(i64, i64)>,
    /// Payments reversed (id, debtor).
    pub reversed: Vec<(i64, i64)>,
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankEntryRecord {
    /// Id.
    pub id: i64,
    /// Account id.
    pub account_id: i64,
    /// The account's key.
    pub account_key: String,
    /// Statement id.
    pub statement_id: i64,
    /// Booking date.
    pub booking_date: NaiveDate,
    /// Value date.
    pub value_date: Option<NaiveDate>,
    /// Currency.
    pub currency: String,
    /// Amount, minor units.
    pub amount_minor: i64,
    /// In or out.
    pub side: EntrySide,
    /// Reversal booking.
    pub reversal: bool,
    /// Returned payment.
    pub is_return: bool,
    /// Return reason.
    pub return_reason: String,
    /// Counterparty.
    pub counterparty: String,
    /// Counterparty IBAN.
    pub counterparty_iban: String,
    /// Counterparty BIC.
    pub counterparty_bic: String,
    /// Remittance text.
    pub remittance: String,
    /// Creditor reference.
    pub creditor_reference: String,
    /// End-to-end id.
    pub end_to_end_id: String,
    /// Bank reference.
    pub bank_reference: String,
    /// Bank transaction code.
    pub bank_code: String,
    /// Where in the file.
    pub location: String,
    /// Status.
    pub status: EntryStatus,
    /// Debtor of the match or proposal.
    pub debtor_id: Option<i64>,
    /// The debtor's name.
    pub debtor_name: Option<String>,
    /// The payment made (or reversed).
    pub payment_id: Option<i64>,
    /// Proposal JSON.
    pub proposal: String,
    /// Confidence.
    pub confidence: i64,
    /// Reasons JSON.
    pub reasons: String,
    /// The ignore rule.
    pub ignore_rule_id: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    id: i64,
    account_id: i64,
    account_key: String,
    statement_id: i64,
    booking_date: NaiveDate,
    value_date: Option<NaiveDate>,
    currency: String,
    amount_minor: i64,
    side: String,
    reversal: bool,
    is_return: bool,
    return_reason: String,
    counterparty: String,
    counterparty_iban: String,
    counterparty_bic: String,
    remittance: String,
    creditor_reference: String,
    end_to_end_id: String,
    bank_reference: String,
    bank_code: String,
    location: String,
    status: String,
    debtor_id: Option<i64>,
    debtor_name: Option<String>,
    payment_id: Option<i64>,
    proposal: String,
    confidence: i64,
    reasons: String,
    ignore_rule_id: Option<i64>,
}

impl TryFrom<EntryRow> for BankEntryRecord {
    type Error = StoreError;
    fn try_from(r: EntryRow) -> Result<Self, StoreError> {
        Ok(BankEntryRecord {
            id: r.id,
            account_id: r.account_id,
            account_key: r.account_key,
            statement_id: r.statement_id,
            booking_date: r.booking_date,
            value_date: r.value_date,
            currency: r.currency,
            amount_minor: r.amount_minor,
            side: EntrySide::parse(&r.side)?,
            reversal: r.reversal,
            is_return: r.is_return,
            return_reason: r.return_reason,
            counterparty: r.counterparty,
            counterparty_iban: r.counterparty_iban,
            counterparty_bic: r.counterparty_bic,
            remittance: r.remittance,
            creditor_reference: r.creditor_reference,
            end_to_end_id: r.end_to_end_id,
            bank_reference: r.bank_reference,
            bank_code: r.bank_code,
            location: r.location,
            status: EntryStatus::parse(&r.status)
                .ok_or_else(|| StoreError::Corrupt(format!("bank entry status {:?}", r.status)))?,
            debtor_id: r.debtor_id,
            debtor_name: r.debtor_name,
            payment_id: r.payment_id,
            proposal: r.proposal,
            confidence: r.confidence,
            reasons: r.reasons,
            ignore_rule_id: r.ignore_rule_id,
        })
    }
}

const ENTRY_COLUMNS: &str = "e.id, e.account_id, a.account_key, e.statement_id, e.booking_date, \
     e.value_date, e.currency, e.amount_minor, e.side, e.reversal, e.is_return, e.return_reason, \
     e.counterparty, e.counterparty_iban, e.counterparty_bic, e.remittance, e.creditor_reference, \
     e.end_to_end_id, e.bank_reference, e.bank_code, e.location, e.status, e.debtor_id, \
     d.name AS debtor_name, e.payment_id, e.proposal, e.confidence, e.reasons, e.ignore_rule_id \
     FROM bank_entries e JOIN bank_accounts a ON a.id = e.account_id \
     LEFT JOIN debtors d ON d.id = e.debtor_id";

/// Which entries to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BankEntryQuery {
    /// Only this status.
    pub status: Option<EntryStatus>,
    /// Only this statement.
    pub statement_id: Option<i64>,
    /// Only this account.
    pub account_id: Option<i64>,
    /// At most this many (0 = all).
    pub limit: u32,
}

/// An ignore rule.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct IgnoreRuleRecord {
    /// Id.
    pub id: i64,
    /// Folded counterparty name or IBAN ("" = any).
    pub counterparty: String,
    /// Folded text ("" = any).
    pub text: String,
    /// Label.
    pub label: String,
}

/// The open items and debtors the matcher reads.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MatchInputs {
    /// (invoice id, debtor id, number, currency, open minor, due date, disputed).
    pub invoices: Vec<MatchInvoiceRow>,
    /// (debtor id, name).
    pub debtors: Vec<(i64, String)>,
    /// (debtor id, IBAN).
    pub ibans: Vec<(i64, String)>,
}

/// An open invoice as the matcher reads it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MatchInvoiceRow {
    /// Invoice id.
    pub id: i64,
    /// Debtor id.
    pub debtor_id: i64,
    /// Number.
    pub number: String,
    /// Currency.
    pub currency: String,
    /// Open balance, minor units.
    pub open_minor: i64,
    /// Due date.
    pub due_date: NaiveDate,
    /// Disputed now.
    pub disputed: bool,
}

/// A credit awaiting review from an IBAN a debtor is known to pay from.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BankHold {
    /// The debtor.
    pub debtor_id: i64,
    /// The entry.
    pub entry_id: i64,
    /// Booking date.
    pub booking_date: NaiveDate,
    /// Amount, minor units.
    pub amount_minor: i64,
    /// Currency.
    pub currency: String,
}

/// The newest statement of each account.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AccountFreshness {
    /// Account key.
    pub account_key: String,
    /// Name.
    pub name: String,
    /// The last day any statement covers (None: no statement yet).
    pub latest: Option<NaiveDate>,
}

impl Store {
    /// Every own bank account.
    pub async fn bank_accounts(&self) -> Result<Vec<BankAccountRecord>, StoreError> {
        with_pool!(self, pool => {
            Ok(sqlx::query_as::<_, BankAccountRecord>(
                "SELECT id, account_key, iban, name, currency, csv_mapping, created_at \
                 FROM bank_accounts ORDER BY account_key",
            )
            .fetch_all(pool)
            .await?)
        })
    }

    /// Renames an account.
    pub async fn bank_account_rename(&self, id: i64, name: &str) -> Result<(), StoreError> {
        with_pool!(self, pool => {
            let n = sqlx::query("UPDATE bank_accounts SET name = $2 WHERE id = $1")
                .bind(id)
                .bind(name.trim())
                .execute(pool)
                .await?
                .rows_affected();
            if n == 0 {
                return Err(StoreError::NotFound { entity: "bank account", key: id.to_string() });
            }
            Ok(())
        })
    }

    /// How many entries are in each status (`suggested`, `unmatched`, `matched`, `ignored`).
    pub async fn bank_entry_counts(&self) -> Result<HashMap<String, i64>, StoreError> {
        let rows: Vec<(String, i64)> = with_pool!(self, pool => {
            sqlx::query_as("SELECT status, count(*) FROM bank_entries GROUP BY status")
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().collect())
    }

    /// Statements, newest first, with their figures.
    pub async fn bank_statements(&self) -> Result<Vec<BankStatementRecord>, StoreError> {
        with_pool!(self, pool => {
            Ok(sqlx::query_as::<_, BankStatementRecord>(
                "SELECT s.id, s.account_id, a.account_key, s.format, s.file_name, s.statement_ref, \
                 s.sequence, s.period_from, s.period_to, s.currency, s.opening_minor, s.closing_minor, \
                 s.balance_problem, s.entries, s.duplicates, s.imported_at, \
                 coalesce((SELECT sum(e.amount_minor) FROM bank_entries e WHERE e.statement_id = s.id AND e.side = 'credit'), 0) AS credits_minor, \
                 coalesce((SELECT sum(e.amount_minor) FROM bank_entries e WHERE e.statement_id = s.id AND e.side = 'debit'), 0) AS debits_minor, \
                 (SELECT count(*) FROM bank_entries e WHERE e.statement_id = s.id AND e.status = 'matched') AS matched, \
                 (SELECT count(*) FROM bank_entries e WHERE e.statement_id = s.id) AS stored \
                 FROM bank_statements s JOIN bank_accounts a ON a.id = s.account_id \
                 ORDER BY s.period_to DESC, s.id DESC",
            )
            .fetch_all(pool)
            .await?)
        })
    }

    /// Which of `identities` are already stored for the account `account_key`, with their status.
    pub async fn bank_known_identities(
        &self,
        account_key: &str,
        identities: &[String],
    ) -> Result<HashMap<String, EntryStatus>, StoreError> {
        let mut out = HashMap::new();
        with_pool!(self, pool => {
            for chunk in identities.chunks(CHUNK) {
                let mut qb = QueryBuilder::new(
                    "SELECT e.identity, e.status FROM bank_entries e JOIN bank_accounts a ON a.id = e.account_id \
                     WHERE a.account_key = ",
                );
                qb.push_bind(account_key.to_string());
                qb.push(" AND e.identity IN (");
                let mut sep = qb.separated(", ");
                for i in chunk {
                    sep.push_bind(i.clone());
                }
                qb.push(")");
                let rows: Vec<(String, String)> = qb.build_query_as().fetch_all(pool).await?;
                for (identity, status) in rows {
                    let status = EntryStatus::parse(&status)
                        .ok_or_else(|| StoreError::Corrupt(format!("bank entry status {status:?}")))?;
                    out.insert(identity, status);
                }
            }
            Ok(out)
        })
    }

    /// What the matcher reads: every open invoice, every debtor's name, every known IBAN.
    ///
    /// Each list is read as one JSON array built by the database (`json_group_array` /
    /// `json_agg`) rather than row by row: sqlx hands SQLite rows over one at a time from
    /// its worker thread, which cost about 11 us a row (2.7 s for the 250,000 open
    /// invoices of a million-invoice book) against 0.05 s for the query itself.
    pub async fn bank_match_inputs(&self) -> Result<MatchInputs, StoreError> {
        let (invoices_sql, debtors_sql, ibans_sql) = match self.backend() {
            crate::Backend::Sqlite => (
                "SELECT json_group_array(json_array(id, debtor_id, number, currency, open_minor, due_date)) \
                 FROM invoices WHERE open_minor > 0",
                "SELECT json_group_array(json_array(id, name)) FROM debtors WHERE archived_at IS NULL",
                "SELECT json_group_array(json_array(debtor_id, iban)) FROM \
                 (SELECT debtor_id, iban FROM debtor_ibans ORDER BY debtor_id, iban)",
            ),
            crate::Backend::Postgres => (
                "SELECT coalesce(json_agg(json_build_array(id, debtor_id, number, currency, open_minor, due_date))::text, \
                 '[]') FROM invoices WHERE open_minor > 0",
                "SELECT coalesce(json_agg(json_build_array(id, name))::text, '[]') FROM debtors \
                 WHERE archived_at IS NULL",
                "SELECT coalesce(json_agg(json_build_array(debtor_id, iban) ORDER BY debtor_id, iban)::text, '[]') \
                 FROM debtor_ibans",
            ),
        };
        let (invoices, disputed, debtors, ibans): (String, Vec<i64>, String, String) = with_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let invoices: String = sqlx::query_scalar(invoices_sql).fetch_one(&mut *tx).await?;
            let disputed: Vec<i64> = sqlx::query_scalar(
                "SELECT id FROM invoices WHERE disputed_at IS NOT NULL AND open_minor > 0",
            )
            .fetch_all(&mut *tx)
            .await?;
            let debtors: String = sqlx::query_scalar(debtors_sql).fetch_one(&mut *tx).await?;
            let ibans: String = sqlx::query_scalar(ibans_sql).fetch_one(&mut *tx).await?;
            tx.commit().await?;
            (invoices, disputed, debtors, ibans)
        });
        fn unpack<T: serde::de::DeserializeOwned>(what: &str, json: &str) -> Result<T, StoreError> {
            serde_json::from_str(json)
                .map_err(|e| StoreError::Corrupt(format!("{what} as read for matching: {e}")))
        }
        // The invoice columns all come from the covering index `invoices_open_cover`; the
        // few disputed ones from `invoices_disputed`.
        let disputed: HashSet<i64> = disputed.into_iter().collect();
        type Packed = (i64, i64, String, String, i64, NaiveDate);
        let rows: Vec<Packed> = unpack("open invoices", &invoices)?;
        let invoices = rows
            .into_iter()
            .map(
                |(id, debtor_id, number, currency, open_minor, due_date)| MatchInvoiceRow {
                    id,
                    debtor_id,
                    number,
                    currency,
                    open_minor,
                    due_date,
                    disputed: disputed.contains(&id),
                },
            )
            .collect();
        Ok(MatchInputs {
            invoices,
            debtors: unpack("debtors", &debtors)?,
            ibans: unpack("debtor IBANs", &ibans)?,
        })
    }

    /// A debtor's known IBANs (stored and learned).
    pub async fn debtor_ibans(&self, debtor_id: i64) -> Result<Vec<(String, String)>, StoreError> {
        with_pool!(self, pool => {
            Ok(sqlx::query_as(
                "SELECT iban, source FROM debtor_ibans WHERE debtor_id = $1 ORDER BY iban",
            )
            .bind(debtor_id)
            .fetch_all(pool)
            .await?)
        })
    }

    /// Stores an IBAN the user entered for a debtor.
    pub async fn debtor_iban_add(
        &self,
        debtor_id: i64,
        iban: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        with_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO debtor_ibans (debtor_id, iban, source, created_at) VALUES ($1, $2, 'stored', $3) \
                 ON CONFLICT (debtor_id, iban) DO UPDATE SET source = 'stored'",
            )
            .bind(debtor_id)
            .bind(iban)
            .bind(now)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    /// Entries, newest booking first.
    pub async fn bank_entries(
        &self,
        q: &BankEntryQuery,
    ) -> Result<Vec<BankEntryRecord>, StoreError> {
        let mut sql = format!("SELECT {ENTRY_COLUMNS} WHERE ($1 = '' OR e.status = $1)");
        sql.push_str(" AND ($2 = 0 OR e.statement_id = $2) AND ($3 = 0 OR e.account_id = $3)");
        sql.push_str(" ORDER BY e.booking_date DESC, e.id DESC");
        if q.limit > 0 {
            sql.push_str(&format!(" LIMIT {}", q.limit));
        }
        let status = q.status.map(|s| s.as_str()).unwrap_or("");
        let rows: Vec<EntryRow> = with_pool!(self, pool => {
            sqlx::query_as::<_, EntryRow>(sqlx::AssertSqlSafe(sql))
                .bind(status)
                .bind(q.statement_id.unwrap_or(0))
                .bind(q.account_id.unwrap_or(0))
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(BankEntryRecord::try_from).collect()
    }

    /// One entry.
    pub async fn bank_entry(&self, id: i64) -> Result<BankEntryRecord, StoreError> {
        let sql = format!("SELECT {ENTRY_COLUMNS} WHERE e.id = $1");
        let row: Option<EntryRow> = with_pool!(self, pool => {
            sqlx::query_as::<_, EntryRow>(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(pool)
                .await?
        });
        row.ok_or(StoreError::NotFound {
            entity: "bank entry",
            key: id.to_string(),
        })?
        .try_into()
    }

    /// The entry that made (or reversed) a payment.
    pub async fn bank_entry_of_payment(
        &self,
        payment_id: i64,
    ) -> Result<Option<BankEntryRecord>, StoreError> {
        let sql = format!(
            "SELECT {ENTRY_COLUMNS} WHERE e.payment_id = $1 AND e.side = 'credit' ORDER BY e.id LIMIT 1"
        );
        let row: Option<EntryRow> = with_pool!(self, pool => {
            sqlx::query_as::<_, EntryRow>(sqlx::AssertSqlSafe(sql))
                .bind(payment_id)
                .fetch_optional(pool)
                .await?
        });
        row.map(BankEntryRecord::try_from).transpose()
    }

    /// Ignore rules.
    pub async fn bank_ignore_rules(&self) -> Result<Vec<IgnoreRuleRecord>, StoreError> {
        with_pool!(self, pool => {
            Ok(sqlx::query_as::<_, IgnoreRuleRecord>(
                "SELECT id, counterparty, text, label FROM bank_ignore_rules ORDER BY id",
            )
            .fetch_all(pool)
            .await?)
        })
    }

    /// Deletes an ignore rule (entries it ignored stay ignored).
    pub async fn bank_ignore_rule_delete(&self, id: i64) -> Result<(), StoreError> {
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query("UPDATE bank_entries SET ignore_rule_id = NULL WHERE ignore_rule_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let n = sqlx::query("DELETE FROM bank_ignore_rules WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 0 {
                return Err(StoreError::NotFound { entity: "ignore rule", key: id.to_string() });
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// Credits awaiting review (unmatched or suggested) from an IBAN a debtor pays from:
    /// the debtor's reminders wait until they are reviewed.
    pub async fn bank_holds(&self) -> Result<Vec<BankHold>, StoreError> {
        with_pool!(self, pool => {
            Ok(sqlx::query_as::<_, BankHold>(
                "SELECT DISTINCT i.debtor_id, e.id AS entry_id, e.booking_date, e.amount_minor, e.currency \
                 FROM bank_entries e JOIN debtor_ibans i ON i.iban = e.counterparty_iban \
                 WHERE e.side = 'credit' AND e.status IN ('unmatched', 'suggested') \
                 ORDER BY i.debtor_id, e.id",
            )
            .fetch_all(pool)
            .await?)
        })
    }

    /// The last day covered by each account's statements.
    pub async fn bank_freshness(&self) -> Result<Vec<AccountFreshness>, StoreError> {
        with_pool!(self, pool => {
            Ok(sqlx::query_as::<_, AccountFreshness>(
                "SELECT a.account_key, a.name, \
                 (SELECT max(coalesce(s.period_to, (SELECT max(e.booking_date) FROM bank_entries e WHERE e.statement_id = s.id))) \
                  FROM bank_statements s WHERE s.account_id = a.id) AS latest \
                 FROM bank_accounts a ORDER BY a.account_key",
            )
            .fetch_all(pool)
            .await?)
        })
    }

    /// Stores one file's import in one transaction (see the module docs).
    pub async fn bank_import(
        &self,
        import: &BankImport,
        now: DateTime<Utc>,
    ) -> Result<BankImportOutcome, StoreError> {
        let mut out = BankImportOutcome::default();
        let backend = self.backend();
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            open_import!(tx, import.audit.as_ref(), now, backend);
            for a in &import.accounts {
                sqlx::query(
                    "INSERT INTO bank_accounts (account_key, iban, name, currency, created_at) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (account_key) DO NOTHING",
                )
                .bind(&a.account_key)
                .bind(&a.iban)
                .bind(&a.name)
                .bind(&a.currency)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            if let Some((key, mapping)) = &import.csv_mapping {
                sqlx::query("UPDATE bank_accounts SET csv_mapping = $2 WHERE account_key = $1")
                    .bind(key)
                    .bind(mapping)
                    .execute(&mut *tx)
                    .await?;
            }
            for s in &import.statements {
                let account_id: i64 =
                    sqlx::query_scalar("SELECT id FROM bank_accounts WHERE account_key = $1")
                        .bind(&s.account_key)
                        .fetch_optional(&mut *tx)
                        .await?
                        .ok_or_else(|| StoreError::NotFound {
                            entity: "bank account",
                            key: s.account_key.clone(),
                        })?;
                let statement_id: i64 = sqlx::query_scalar(
                    "INSERT INTO bank_statements (account_id, format, file_name, file_sha256, statement_ref, \
                     sequence, period_from, period_to, currency, opening_minor, closing_minor, balance_problem, \
                     entries, duplicates, imported_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
                )
                .bind(account_id)
                .bind(&s.format)
                .bind(&s.file_name)
                .bind(&s.file_sha256)
                .bind(&s.statement_ref)
                .bind(&s.sequence)
                .bind(s.period_from)
                .bind(s.period_to)
                .bind(&s.currency)
                .bind(s.opening_minor)
                .bind(s.closing_minor)
                .bind(&s.balance_problem)
                .bind(s.entries_in_file)
                .bind(s.duplicates)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                // The payments of the automatic matches first, in bulk, with ids taken
                // now (the transaction holds the write lock), so each entry is stored
                // once, already matched: a few statements per thousand payments instead of
                // several per payment.
                let mut pays: Vec<(usize, &NewBankEntry, &NewBankPayment)> = s
                    .entries
                    .iter()
                    .enumerate()
                    .filter_map(|(k, e)| match &e.action {
                        EntryAction::Pay(p) => Some((k, e, p)),
                        _ => None,
                    })
                    .collect();
                // In the order of the invoices they pay: the allocations' trigger then
                // updates the invoice table and its indexes page after page instead of
                // at random (a third less time on a million-invoice book).
                pays.sort_by_key(|(k, _, p)| (p.allocations.first().map(|a| a.0), *k));
                let payment_ids: Vec<i64> = if pays.is_empty() {
                    Vec::new()
                } else {
                    match self.backend() {
                        crate::Backend::Sqlite => {
                            let max: i64 = sqlx::query_scalar("SELECT coalesce(max(id), 0) FROM payments")
                                .fetch_one(&mut *tx)
                                .await?;
                            (1..=pays.len() as i64).map(|k| max + k).collect()
                        }
                        crate::Backend::Postgres => {
                            sqlx::query_scalar(
                                "SELECT nextval(pg_get_serial_sequence('payments', 'id')) FROM generate_series(1, $1)",
                            )
                            .bind(pays.len() as i64)
                            .fetch_all(&mut *tx)
                            .await?
                        }
                    }
                };
                let paid: Vec<(i64, &NewBankEntry, &NewBankPayment)> = pays
                    .iter()
                    .zip(&payment_ids)
                    .map(|((_, e, p), id)| (*id, *e, *p))
                    .collect();
                for chunk in paid.chunks(CHUNK) {
                    let mut qb = QueryBuilder::new(
                        "INSERT INTO payments (id, debtor_id, paid_on, currency, amount_minor, unapplied_minor, \
                         method, reference, invoice_id, created_at) ",
                    );
                    qb.push_values(chunk, |mut b, (id, e, p)| {
                        b.push_bind(*id)
                            .push_bind(p.debtor_id)
                            .push_bind(e.booking_date)
                            .push_bind(e.currency.clone())
                            .push_bind(e.amount_minor)
                            .push_bind(e.amount_minor)
                            .push_bind("bank transfer")
                            .push_bind(payment_reference(e))
                            .push_bind(p.allocations.first().map(|a| a.0))
                            .push_bind(now);
                    });
                    qb.build().execute(&mut *tx).await?;
                }
                let allocs: Vec<(i64, i64, i64, NaiveDate)> = paid
                    .iter()
                    .flat_map(|(id, e, p)| p.allocations.iter().map(move |(inv, minor)| (*id, *inv, *minor, e.booking_date)))
                    .collect();
                for chunk in allocs.chunks(CHUNK) {
                    let mut qb = QueryBuilder::new(
                        "INSERT INTO allocations (payment_id, invoice_id, amount_minor, allocated_on) ",
                    );
                    qb.push_values(chunk, |mut b, (p, i, a, d)| {
                        b.push_bind(*p).push_bind(*i).push_bind(*a).push_bind(*d);
                    });
                    qb.build().execute(&mut *tx).await.map_err(|err| {
                        StoreError::refused(err, |db| format!("the allocation was refused by the database: {db}"))
                    })?;
                }
                for (_, e, p) in &paid {
                    for (invoice_id, minor) in &p.write_offs {
                        sqlx::query(
                            "INSERT INTO invoice_adjustments (invoice_id, kind, reference, issued_on, currency, amount_minor, reason, created_at) \
                             VALUES ($1, 'write_off', $2, $3, $4, $5, 'short payment within the bank tolerance', $6)",
                        )
                        .bind(*invoice_id)
                        .bind(format!("bank {}", e.identity))
                        .bind(e.booking_date)
                        .bind(&e.currency)
                        .bind(*minor)
                        .bind(now)
                        .execute(&mut *tx)
                        .await
                        .map_err(|err| {
                            StoreError::refused(err, |db| format!("the write-off was refused by the database: {db}"))
                        })?;
                    }
                }
                // Entry position in the statement -> its payment's id.
                let payment_of: HashMap<usize, i64> = pays
                    .iter()
                    .zip(&payment_ids)
                    .map(|((k, _, _), id)| (*k, *id))
                    .collect();
                let mut events: Vec<NewEvent> = Vec::with_capacity(paid.len());
                let mut learned: Vec<(i64, &str)> = Vec::new();
                // The entries in bulk, a few hundred a statement: the ids of those stored
                // come back by identity; one already stored (a concurrent import) comes
                // back not at all.
                let mut stored_ids: HashMap<String, i64> = HashMap::with_capacity(s.entries.len());
                let rows: Vec<(usize, &NewBankEntry)> = s.entries.iter().enumerate().collect();
                for chunk in rows.chunks(ENTRY_CHUNK) {
                    let mut qb = QueryBuilder::new(
                        "INSERT INTO bank_entries (account_id, statement_id, identity, booking_date, value_date, \
                         currency, amount_minor, side, reversal, is_return, return_reason, counterparty, \
                         counterparty_iban, counterparty_bic, remittance, creditor_reference, end_to_end_id, \
                         bank_reference, bank_code, location, status, debtor_id, proposal, confidence, reasons, \
                         ignore_rule_id, created_at, payment_id) ",
                    );
                    qb.push_values(chunk, |mut b, (k, e)| {
                        let pid = payment_of.get(k).copied();
                        let (status, debtor_id, proposal, confidence, reasons) = match (&e.action, pid) {
                            (EntryAction::Pay(p), Some(_)) => {
                                ("matched", Some(p.debtor_id), &p.proposal, p.confidence, &p.reasons)
                            }
                            // A reversal is marked matched once the payment is reversed.
                            (EntryAction::Reverse { .. }, _) => {
                                ("unmatched", e.debtor_id, &e.proposal, e.confidence, &e.reasons)
                            }
                            _ => (e.status.as_str(), e.debtor_id, &e.proposal, e.confidence, &e.reasons),
                        };
                        b.push_bind(account_id)
                            .push_bind(statement_id)
                            .push_bind(e.identity.clone())
                            .push_bind(e.booking_date)
                            .push_bind(e.value_date)
                            .push_bind(e.currency.clone())
                            .push_bind(e.amount_minor)
                            .push_bind(e.side.as_str())
                            .push_bind(e.reversal)
                            .push_bind(e.is_return)
                            .push_bind(e.return_reason.clone())
                            .push_bind(e.counterparty.clone())
                            .push_bind(e.counterparty_iban.clone())
                            .push_bind(e.counterparty_bic.clone())
                            .push_bind(e.remittance.clone())
                            .push_bind(e.creditor_reference.clone())
                            .push_bind(e.end_to_end_id.clone())
                            .push_bind(e.bank_reference.clone())
                            .push_bind(e.bank_code.clone())
                            .push_bind(e.location.clone())
                            .push_bind(status)
                            .push_bind(debtor_id)
                            .push_bind(proposal.clone())
                            .push_bind(confidence)
                            .push_bind(reasons.clone())
                            .push_bind(e.ignore_rule_id)
                            .push_bind(now)
                            .push_bind(pid);
                    });
                    qb.push(" ON CONFLICT (account_id, identity) DO NOTHING RETURNING id, identity");
                    let returned: Vec<(i64, String)> = qb.build_query_as().fetch_all(&mut *tx).await?;
                    stored_ids.extend(returned.into_iter().map(|(id, identity)| (identity, id)));
                }
                for (k, e) in s.entries.iter().enumerate() {
                    let pid = payment_of.get(&k).copied();
                    let Some(&entry_id) = stored_ids.get(e.identity.as_str()) else {
                        if pid.is_some() {
                            // Another import stored this entry since it was read: its
                            // payment must not be recorded twice. Nothing is kept; the
                            // caller imports again and finds the entry stored.
                            return Err(StoreError::Conflict(
                                "another import stored some of these entries at the same time".into(),
                            ));
                        }
                        out.raced += 1;
                        continue;
                    };
                    out.stored += 1;
                    match (&e.action, pid) {
                        (EntryAction::Pay(p), Some(pid)) => {
                            out.payments.push((pid, p.debtor_id));
                            if !p.learn_iban.is_empty() {
                                learned.push((p.debtor_id, p.learn_iban.as_str()));
                            }
                            events.push(NewEvent {
                                debtor_id: p.debtor_id,
                                invoice_id: p.allocations.first().map(|a| a.0),
                                occurred_at: now,
                                kind: "payment".into(),
                                author: p.author.clone(),
                                summary: p.summary.clone(),
                                detail: payment_detail(entry_id, e),
                                ref_table: "payments".into(),
                                ref_id: Some(pid),
                                ..Default::default()
                            });
                        }
                        (EntryAction::Reverse { payment_id, debtor_id, reason }, _) => {
                            reverse_tx!(tx, *payment_id, e.booking_date, reason)?;
                            sqlx::query(
                                "UPDATE bank_entries SET status = 'matched', payment_id = $2, debtor_id = $3 WHERE id = $1",
                            )
                            .bind(entry_id)
                            .bind(*payment_id)
                            .bind(*debtor_id)
                            .execute(&mut *tx)
                            .await?;
                            let event = NewEvent {
                                debtor_id: *debtor_id,
                                occurred_at: now,
                                kind: "payment".into(),
                                author: "overdue".into(),
                                summary: format!(
                                    "Payment #{payment_id} returned by the bank on {} ({}): reversed",
                                    e.booking_date,
                                    if reason.is_empty() { "no reason given" } else { reason }
                                ),
                                ref_table: "bank_entries".into(),
                                ref_id: Some(entry_id),
                                ..Default::default()
                            };
                            insert_event!(tx, &event, now)?;
                            out.reversed.push((*payment_id, *debtor_id));
                        }
                        _ => {}
                    }
                }
                learned.sort_unstable();
                learned.dedup();
                for chunk in learned.chunks(CHUNK) {
                    let mut qb = QueryBuilder::new("INSERT INTO debtor_ibans (debtor_id, iban, source, created_at) ");
                    qb.push_values(chunk, |mut b, (d, iban)| {
                        b.push_bind(*d).push_bind(iban.to_string()).push_bind("learned").push_bind(now);
                    });
                    qb.push(" ON CONFLICT (debtor_id, iban) DO NOTHING");
                    qb.build().execute(&mut *tx).await?;
                }
                if !events.is_empty() {
                    lock_event_chain!(tx)?;
                }
                for chunk in events.chunks(CHUNK) {
                    let mut qb = QueryBuilder::new(
                        "INSERT INTO events (debtor_id, invoice_id, occurred_at, kind, author, summary, detail, \
                         content_type, ref_table, ref_id, created_at, login) ",
                    );
                    qb.push_values(chunk, |mut b, ev| {
                        b.push_bind(ev.debtor_id)
                            .push_bind(ev.invoice_id)
                            .push_bind(crate::events::to_micros(ev.occurred_at))
                            .push_bind(ev.kind.clone())
                            .push_bind(ev.author.clone())
                            .push_bind(ev.summary.clone())
                            .push_bind(ev.detail.clone())
                            .push_bind(String::new())
                            .push_bind(ev.ref_table.clone())
                            .push_bind(ev.ref_id)
                            .push_bind(crate::events::to_micros(now))
                            .push("(SELECT login FROM audit_actor WHERE id = 1)");
                    });
                    qb.build().execute(&mut *tx).await?;
                }
                if !events.is_empty() {
                    chain_events!(tx)?;
                }
            }
            close_import!(tx, import.audit.as_ref(), backend);
            tx.commit().await?;
            Ok(out)
        })
    }

    /// Applies a reviewed match: records the payment with these allocations and marks the
    /// entry matched, in one transaction. Refused when the entry is already matched.
    pub async fn bank_apply_match(
        &self,
        entry_id: i64,
        payment: &NewBankPayment,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let e = self.bank_entry(entry_id).await?;
        if e.side != EntrySide::Credit {
            return Err(StoreError::Rejected(format!(
                "bank entry {entry_id} is money out: only money in can pay invoices"
            )));
        }
        let entry = NewBankEntry {
            status: EntryStatus::Matched,
            debtor_id: Some(payment.debtor_id),
            ..NewBankEntry::from_stored(&e)
        };
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            // Claim the entry first: a second reviewer (or window) finds it matched.
            let claimed = sqlx::query(
                "UPDATE bank_entries SET status = 'unmatched', ignore_rule_id = NULL \
                 WHERE id = $1 AND status <> 'matched'",
            )
            .bind(entry_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if claimed != 1 {
                return Err(StoreError::Rejected(format!(
                    "bank entry {entry_id} is already matched: undo that match first"
                )));
            }
            let pid = pay_tx!(tx, &entry, entry_id, payment, now);
            tx.commit().await?;
            Ok(pid)
        })
    }

    /// Undoes a match: the payment is reversed (kept on record, its allocations stop
    /// counting from `on`) and the entry goes back to review with `status`.
    pub async fn bank_unmatch(
        &self,
        entry_id: i64,
        on: NaiveDate,
        reason: &str,
        author: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let e = self.bank_entry(entry_id).await?;
        let (Some(payment_id), EntryStatus::Matched) = (e.payment_id, e.status) else {
            return Err(StoreError::Rejected(format!(
                "bank entry {entry_id} is not matched"
            )));
        };
        if e.side == EntrySide::Debit {
            return Err(StoreError::Rejected(format!(
                "bank entry {entry_id} is a returned payment: record the payment again instead"
            )));
        }
        let debtor_id = e.debtor_id.unwrap_or_default();
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let n = sqlx::query(
                "UPDATE bank_entries SET status = 'unmatched', payment_id = NULL WHERE id = $1 AND status = 'matched'",
            )
            .bind(entry_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n != 1 {
                return Err(StoreError::Rejected(format!("bank entry {entry_id} was changed meanwhile")));
            }
            reverse_tx!(tx, payment_id, on.max(e.booking_date), reason)?;
            let event = NewEvent {
                debtor_id,
                occurred_at: now,
                kind: "payment".into(),
                author: author.into(),
                summary: format!(
                    "Bank match undone: payment #{payment_id} of {} {} reversed ({reason})",
                    minor_text(e.amount_minor, &e.currency),
                    e.currency
                ),
                ref_table: "bank_entries".into(),
                ref_id: Some(entry_id),
                ..Default::default()
            };
            insert_event!(tx, &event, now)?;
            tx.commit().await?;
            Ok(payment_id)
        })
    }

    /// Marks entries ignored, optionally creating the rule that ignores them (and others
    /// like them in later imports).
    pub async fn bank_ignore(
        &self,
        entry_ids: &[i64],
        rule: Option<(&str, &str, &str)>,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>, StoreError> {
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let rule_id: Option<i64> = match rule {
                Some((counterparty, text, label)) => Some(
                    sqlx::query_scalar(
                        "INSERT INTO bank_ignore_rules (counterparty, text, label, created_at) \
                         VALUES ($1, $2, $3, $4) RETURNING id",
                    )
                    .bind(counterparty)
                    .bind(text)
                    .bind(label)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?,
                ),
                None => None,
            };
            for id in entry_ids {
                let n = sqlx::query(
                    "UPDATE bank_entries SET status = 'ignored', ignore_rule_id = $2 \
                     WHERE id = $1 AND status <> 'matched'",
                )
                .bind(id)
                .bind(rule_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if n != 1 {
                    return Err(StoreError::Rejected(format!(
                        "bank entry {id} is matched: undo the match before ignoring it"
                    )));
                }
            }
            tx.commit().await?;
            Ok(rule_id)
        })
    }

    /// Puts an ignored entry back to review.
    pub async fn bank_unignore(&self, entry_id: i64) -> Result<(), StoreError> {
        with_pool!(self, pool => {
            let n = sqlx::query(
                "UPDATE bank_entries SET status = 'unmatched', ignore_rule_id = NULL WHERE id = $1 AND status = 'ignored'",
            )
            .bind(entry_id)
            .execute(pool)
            .await?
            .rows_affected();
            if n != 1 {
                return Err(StoreError::Rejected(format!("bank entry {entry_id} is not ignored")));
            }
            Ok(())
        })
    }

    /// Replaces an entry's stored proposal (after a re-match).
    pub async fn bank_set_proposal(
        &self,
        entry_id: i64,
        status: EntryStatus,
        debtor_id: Option<i64>,
        proposal: &str,
        confidence: i64,
        reasons: &str,
    ) -> Result<(), StoreError> {
        with_pool!(self, pool => {
            sqlx::query(
                "UPDATE bank_entries SET status = $2, debtor_id = $3, proposal = $4, confidence = $5, reasons = $6 \
                 WHERE id = $1 AND status IN ('suggested', 'unmatched')",
            )
            .bind(entry_id)
            .bind(status.as_str())
            .bind(debtor_id)
            .bind(proposal)
            .bind(confidence)
            .bind(reasons)
            .execute(pool)
            .await?;
            Ok(())
        })
    }
}

/// "1234.50" for minor units in a currency (the currency's own decimals).
fn minor_text(minor: i64, currency: &str) -> String {
    match overdue_domain::Currency::from_code(currency) {
        Ok(c) => overdue_domain::money::decimal_string(
            overdue_domain::Money::from_minor_units(minor, c).amount(),
            c.minor_units(),
        ),
        Err(_) => minor.to_string(),
    }
}

impl Store {
    /// The payment a returned debit takes back: the matched credit with the same end-to-end
    /// id, else the latest matched credit from the same IBAN for the same amount, not yet
    /// reversed. Returns (payment id, debtor id).
    pub async fn bank_returned_payment(
        &self,
        end_to_end_id: &str,
        iban: &str,
        amount_minor: i64,
        currency: &str,
    ) -> Result<Option<(i64, i64)>, StoreError> {
        with_pool!(self, pool => {
            if !end_to_end_id.trim().is_empty() {
                let hit: Option<(i64, i64)> = sqlx::query_as(
                    "SELECT p.id, p.debtor_id FROM bank_entries e JOIN payments p ON p.id = e.payment_id \
                     WHERE e.side = 'credit' AND e.status = 'matched' AND e.end_to_end_id = $1 \
                     AND p.reversed_on IS NULL ORDER BY e.id DESC LIMIT 1",
                )
                .bind(end_to_end_id.trim())
                .fetch_optional(pool)
                .await?;
                if hit.is_some() {
                    return Ok(hit);
                }
            }
            if iban.trim().is_empty() {
                return Ok(None);
            }
            Ok(sqlx::query_as(
                "SELECT p.id, p.debtor_id FROM bank_entries e JOIN payments p ON p.id = e.payment_id \
                 WHERE e.side = 'credit' AND e.status = 'matched' AND e.counterparty_iban = $1 \
                 AND e.amount_minor = $2 AND e.currency = $3 AND p.reversed_on IS NULL \
                 ORDER BY e.booking_date DESC, e.id DESC LIMIT 1",
            )
            .bind(iban.trim())
            .bind(amount_minor)
            .bind(currency)
            .fetch_optional(pool)
            .await?)
        })
    }
}

impl Store {
    /// Debtors with an arrangement a payment may change (an active plan, a promise without
    /// an outcome, a settlement not yet fulfilled): the only ones a sweep after payments
    /// needs to look at.
    pub async fn debtors_with_arrangements(
        &self,
    ) -> Result<std::collections::HashSet<i64>, StoreError> {
        with_pool!(self, pool => {
            let rows: Vec<(i64,)> = sqlx::query_as(
                "SELECT debtor_id FROM payment_plans WHERE recorded_status <> 'completed' \
                 UNION SELECT debtor_id FROM promises WHERE recorded_outcome = '' \
                 UNION SELECT debtor_id FROM settlement_offers WHERE fulfilled_on IS NULL",
            )
            .fetch_all(pool)
            .await?;
            Ok(rows.into_iter().map(|r| r.0).collect())
        })
    }
}

/// The reference a payment from a bank entry keeps: the creditor reference, else the
/// end-to-end id, else the bank's reference.
fn payment_reference(e: &NewBankEntry) -> String {
    entry_reference(&e.creditor_reference, &e.end_to_end_id, &e.bank_reference)
}

/// The reference of a bank entry as shown and kept on its payment: the structured
/// creditor reference, else the end-to-end id, else the bank's own reference.
pub fn entry_reference(
    creditor_reference: &str,
    end_to_end_id: &str,
    bank_reference: &str,
) -> String {
    [creditor_reference, end_to_end_id, bank_reference]
        .into_iter()
        .find(|r| !r.trim().is_empty())
        .unwrap_or_default()
        .to_string()
}

/// The timeline's detail of a payment from a bank entry.
fn payment_detail(entry_id: i64, e: &NewBankEntry) -> String {
    format!(
        "bank entry #{entry_id}: {} {} on {} from {} {}; remittance: {}; reference: {}",
        minor_text(e.amount_minor, &e.currency),
        e.currency,
        e.booking_date,
        e.counterparty,
        e.counterparty_iban,
        e.remittance,
        payment_reference(e)
    )
}
