//! The document model: everything a document says, gathered by the caller (the API reads
//! the ledger), with no layout in it.

use chrono::NaiveDate;
use overdue_domain::{Currency, Money};

/// Paper size. The default follows the company's country.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PageSize {
    /// ISO A4 (210 x 297 mm), window envelope DIN 5008 form B.
    A4,
    /// US Letter (8.5 x 11 in), #10 window envelope.
    Letter,
}

impl PageSize {
    /// Letter in the United States, Canada, Mexico and the Philippines; A4 elsewhere.
    pub fn for_country(country: &str) -> PageSize {
        match country.trim().to_ascii_uppercase().as_str() {
            "US" | "CA" | "MX" | "PH" | "USA" => PageSize::Letter,
            _ => PageSize::A4,
        }
    }

    /// Parses `a4` or `letter`.
    pub fn parse(text: &str) -> Option<PageSize> {
        match text.trim().to_ascii_lowercase().as_str() {
            "a4" => Some(PageSize::A4),
            "letter" | "us-letter" => Some(PageSize::Letter),
            _ => None,
        }
    }

    /// `a4` or `letter`.
    pub fn as_str(self) -> &'static str {
        match self {
            PageSize::A4 => "a4",
            PageSize::Letter => "letter",
        }
    }
}

/// Where the debtor pays.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BankDetails {
    /// Account holder (defaults to the company name when empty).
    pub account_holder: String,
    /// Bank name.
    pub bank_name: String,
    /// IBAN (spaces allowed).
    pub iban: String,
    /// BIC / SWIFT.
    pub bic: String,
    /// Domestic account number (UK, US).
    pub account_number: String,
    /// UK sort code.
    pub sort_code: String,
    /// US ABA routing number.
    pub routing_number: String,
}

impl BankDetails {
    /// True when a debtor could pay by transfer with these details.
    pub fn is_usable(&self) -> bool {
        !self.iban.trim().is_empty() || !self.account_number.trim().is_empty()
    }
}

/// The creditor's letterhead (from Settings).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Letterhead {
    /// Company name.
    pub name: String,
    /// Postal address lines (street, postal code and city, country).
    pub address: Vec<String>,
    /// ISO 3166 country code (sets the default paper size and the letter conventions).
    pub country: String,
    /// Phone number.
    pub phone: String,
    /// Email address.
    pub email: String,
    /// Web site.
    pub website: String,
    /// Company registration (e.g. "Companies House 01234567", "HRB 12345 Amtsgericht Köln").
    pub registration: String,
    /// VAT / tax number.
    pub tax_id: String,
    /// Bank details for payment instructions.
    pub bank: BankDetails,
    /// Who signs letters.
    pub signatory: String,
    /// The user collects consumer debts for others (US: Regulation F validation notice).
    pub third_party_collector: bool,
    /// Logo image (PNG or JPEG bytes; empty for none), printed at the top right.
    pub logo: Vec<u8>,
}

/// The addressee.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recipient {
    /// Name.
    pub name: String,
    /// Contact person ("Attn."), if any.
    pub attention: String,
    /// Address lines, in the order printed.
    pub address: Vec<String>,
    /// A consumer (individual), not a business.
    pub consumer: bool,
    /// A sole trader (UK letter of claim applies as for individuals).
    pub sole_trader: bool,
    /// Customer number.
    pub customer_ref: String,
    /// The debtor's language (ISO 639-1): the letter is written in it when there is a
    /// catalog for it, else in English.
    pub language: String,
}

/// One invoice on a letter, an invoice's line or a statement's open item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemLine {
    /// Invoice number.
    pub number: String,
    /// Issue date.
    pub issue_date: NaiveDate,
    /// Due date.
    pub due_date: NaiveDate,
    /// Invoice amount.
    pub amount: Money,
    /// Still open.
    pub open: Money,
    /// Description.
    pub description: String,
}

/// Interest, a fee or compensation claimed, with its basis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChargeLine {
    /// What it is ("Interest on INV-1001", "Mahngebühr").
    pub label: String,
    /// Why it is owed (the law or the contract, the rate, the period).
    pub basis: String,
    /// How much.
    pub amount: Money,
}

/// One line of a statement of account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementRow {
    /// Date.
    pub date: NaiveDate,
    /// What it is ("Invoice", "Payment", ...).
    pub kind: String,
    /// Document number or bank reference.
    pub reference: String,
    /// Debit (what the debtor owes more).
    pub debit: Option<Money>,
    /// Credit (payments, credit notes).
    pub credit: Option<Money>,
    /// Running balance.
    pub balance: Money,
}

/// A statement of account over a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// Balance before `from`.
    pub opening: Money,
    /// The lines.
    pub rows: Vec<StatementRow>,
    /// Balance at `to`.
    pub closing: Money,
    /// What of the balance is asked for now, and why the rest is not (a statement sent on
    /// its own; `None` for one enclosed in a letter, which makes its own demand).
    pub payable: Option<StatementPayable>,
}

/// The part of a statement's balance asked for, from the claim on its closing date: only
/// overdue invoices that are not paused by a plan, promise, dispute or hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementPayable {
    /// Overdue and asked for now.
    pub due_now: Money,
    /// The invoices it is made of.
    pub invoices: Vec<String>,
    /// Open but not yet due.
    pub not_yet_due: Money,
    /// Overdue but not asked for now: under an agreed plan, a promise, a dispute or a hold.
    pub paused: Money,
}

/// One instalment of a payment plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instalment {
    /// Due date.
    pub due: NaiveDate,
    /// Amount.
    pub amount: Money,
}

/// Which document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocumentKind {
    /// An invoice.
    Invoice,
    /// A friendly payment reminder.
    Reminder,
    /// A second reminder.
    SecondReminder,
    /// A final demand with a deadline.
    FinalDemand,
    /// UK Pre-Action Protocol letter of claim to an individual or sole trader.
    LetterOfClaim,
    /// UK letter before claim to a company.
    LetterBeforeClaim,
    /// German Mahnung.
    Mahnung,
    /// US first-party demand letter.
    UsDemand,
    /// US Regulation F validation notice (third-party collectors of consumer debts).
    ValidationNotice,
    /// Statement of account.
    Statement,
    /// Payment plan agreement.
    PaymentPlanAgreement,
    /// Settlement agreement.
    SettlementAgreement,
}

impl DocumentKind {
    /// Every kind, in the order the UI lists them.
    pub const ALL: [DocumentKind; 12] = [
        DocumentKind::Invoice,
        DocumentKind::Reminder,
        DocumentKind::SecondReminder,
        DocumentKind::FinalDemand,
        DocumentKind::LetterOfClaim,
        DocumentKind::LetterBeforeClaim,
        DocumentKind::Mahnung,
        DocumentKind::UsDemand,
        DocumentKind::ValidationNotice,
        DocumentKind::Statement,
        DocumentKind::PaymentPlanAgreement,
        DocumentKind::SettlementAgreement,
    ];

    /// The CLI / API / database spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Invoice => "invoice",
            DocumentKind::Reminder => "reminder",
            DocumentKind::SecondReminder => "second-reminder",
            DocumentKind::FinalDemand => "final-demand",
            DocumentKind::LetterOfClaim => "letter-of-claim",
            DocumentKind::LetterBeforeClaim => "letter-before-claim",
            DocumentKind::Mahnung => "mahnung",
            DocumentKind::UsDemand => "us-demand",
            DocumentKind::ValidationNotice => "validation-notice",
            DocumentKind::Statement => "statement",
            DocumentKind::PaymentPlanAgreement => "payment-plan",
            DocumentKind::SettlementAgreement => "settlement",
        }
    }

    /// Parses [`DocumentKind::as_str`] spellings (case-insensitive, `_` for `-`).
    pub fn parse(text: &str) -> Option<DocumentKind> {
        let t = text.trim().to_ascii_lowercase().replace('_', "-");
        DocumentKind::ALL.into_iter().find(|k| k.as_str() == t)
    }

    /// The document's name in words (English), for titles and messages.
    pub fn title(self) -> &'static str {
        match self {
            DocumentKind::Invoice => "Invoice",
            DocumentKind::Reminder => "Payment reminder",
            DocumentKind::SecondReminder => "Second payment reminder",
            DocumentKind::FinalDemand => "Final demand",
            DocumentKind::LetterOfClaim => "Letter of claim",
            DocumentKind::LetterBeforeClaim => "Letter before claim",
            DocumentKind::Mahnung => "Mahnung",
            DocumentKind::UsDemand => "Demand for payment",
            DocumentKind::ValidationNotice => "Validation notice",
            DocumentKind::Statement => "Statement of account",
            DocumentKind::PaymentPlanAgreement => "Payment plan agreement",
            DocumentKind::SettlementAgreement => "Settlement agreement",
        }
    }
}

/// Everything one document says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Which document.
    pub kind: DocumentKind,
    /// Paper size.
    pub page_size: PageSize,
    /// The creditor.
    pub letterhead: Letterhead,
    /// The debtor.
    pub recipient: Recipient,
    /// Our reference (printed in the reference block, and as the payment reference when
    /// there is no `payment_reference`).
    pub reference: String,
    /// The structured creditor reference (ISO 11649 `RF..`) the debtor quotes when paying:
    /// printed in full (grouped in fours) in the payment box and carried in the GiroCode's
    /// structured-reference field. "" = use `reference`.
    pub payment_reference: String,
    /// The document's date.
    pub date: NaiveDate,
    /// The currency of every amount.
    pub currency: Currency,
    /// Invoices concerned (for an invoice document: the invoice itself).
    pub items: Vec<ItemLine>,
    /// Interest, fees and compensation claimed.
    pub charges: Vec<ChargeLine>,
    /// Pay or reply by.
    pub deadline: Option<NaiveDate>,
    /// Date of the agreement (contract, accepted terms) the debt arises from.
    pub agreement_date: Option<NaiveDate>,
    /// Whether interest or charges keep running, in words (empty when they do not).
    pub interest_continues: String,
    /// Statement of account (statement documents, and enclosed with a letter of claim).
    pub statement: Option<Statement>,
    /// Payment plan instalments.
    pub instalments: Vec<Instalment>,
    /// Agreed settlement amount.
    pub settlement_amount: Option<Money>,
    /// US validation notice: the itemisation date.
    pub itemization_date: Option<NaiveDate>,
    /// US validation notice: payments and credits since the itemisation date.
    pub credits_since_itemization: Option<Money>,
    /// Invoice: the tax included in its amount.
    pub tax_included: Option<Money>,
    /// Free text printed after the main paragraph (invoice notes, agreement terms).
    pub notes: String,
    /// Reminders and demands already on record (sent or printed) for these invoices,
    /// oldest first: the wording follows them ("despite our reminders of ...") and never
    /// cites one that is not there.
    pub reminded_on: Vec<NaiveDate>,
    /// Interest a day that keeps accruing after the letter's date (letters in the
    /// debtor's language say so; `interest_continues` is the US wording).
    pub interest_daily: Option<Money>,
    /// Interest is worked out only to this day (the reference rate after it is not yet
    /// published): the letter says so.
    pub interest_to: Option<NaiveDate>,
    /// A payment plan: the days after a due date before an instalment counts as missed
    /// (the agreement states the plan's own figure).
    pub grace_days: Option<u32>,
}

impl Document {
    /// What the debtor is asked to pay: open amounts plus charges (or the settlement).
    pub fn total(&self) -> Money {
        if let Some(s) = self.settlement_amount {
            return s;
        }
        let mut total = Money::zero(self.currency);
        for m in self
            .items
            .iter()
            .map(|i| i.open)
            .chain(self.charges.iter().map(|c| c.amount))
        {
            total = total.checked_add(&m).unwrap_or(total);
        }
        total
    }

    /// The open amounts without charges.
    pub fn principal(&self) -> Money {
        let mut total = Money::zero(self.currency);
        for i in &self.items {
            total = total.checked_add(&i.open).unwrap_or(total);
        }
        total
    }

    /// The charges' sum.
    pub fn charges_total(&self) -> Money {
        let mut total = Money::zero(self.currency);
        for c in &self.charges {
            total = total.checked_add(&c.amount).unwrap_or(total);
        }
        total
    }

    /// The required elements this document lacks, in words; empty when it can be produced.
    pub fn missing(&self) -> Vec<&'static str> {
        use DocumentKind as K;
        let mut missing = Vec::new();
        let k = self.kind;
        if self.letterhead.name.trim().is_empty() {
            missing.push("the company name (Settings > Letterhead)");
        }
        if self.letterhead.address.iter().all(|l| l.trim().is_empty()) {
            missing.push("the company address (Settings > Letterhead)");
        }
        if self.recipient.name.trim().is_empty() {
            missing.push("the debtor's name");
        }
        if self.recipient.address.iter().all(|l| l.trim().is_empty()) {
            missing.push("the debtor's address");
        }
        if self.reference.trim().is_empty() {
            missing.push("a reference");
        }
        let letter = matches!(
            k,
            K::Reminder
                | K::SecondReminder
                | K::FinalDemand
                | K::LetterOfClaim
                | K::LetterBeforeClaim
                | K::Mahnung
                | K::UsDemand
                | K::ValidationNotice
        );
        if (letter || k == K::Invoice) && self.items.is_empty() {
            missing.push("at least one open invoice");
        }
        if (letter
            || k == K::Invoice
            || k == K::PaymentPlanAgreement
            || k == K::SettlementAgreement)
            && !self.letterhead.bank.is_usable()
        {
            missing.push("payment instructions (bank account: Settings > Letterhead)");
        }
        if (letter || k == K::SettlementAgreement) && self.deadline.is_none() {
            missing.push("a deadline");
        }
        if k == K::LetterOfClaim {
            if self.agreement_date.is_none() {
                missing.push("the date of the agreement the debt arises from");
            }
            if self.statement.is_none() {
                missing.push("an up-to-date statement of account");
            }
        }
        if k == K::Statement && self.statement.is_none() {
            missing.push("the statement's period and lines");
        }
        if k == K::ValidationNotice {
            if self.itemization_date.is_none() {
                missing.push("the itemization date");
            }
            if !self.letterhead.third_party_collector {
                missing.push(
                    "the third-party collector setting (a business collecting its own debts \
                     sends a demand letter, not a validation notice)",
                );
            }
        }
        if k == K::PaymentPlanAgreement && self.instalments.is_empty() {
            missing.push("the instalments");
        }
        if k == K::SettlementAgreement && self.settlement_amount.is_none() {
            missing.push("the settlement amount");
        }
        missing
    }
}
