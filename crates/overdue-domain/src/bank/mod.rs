//! Bank payments: RF creditor references for invoices and debtors ([`rf`]), and the
//! matcher that reads an incoming credit and proposes which open invoices it pays
//! ([`propose`]), with every reason in words.
//!
//! The matcher only proposes; the caller applies a proposal (and records it with
//! [`MatchBook::take`], so that later entries of the same statement see what is left).
//!
//! ## Evidence, strongest first
//! 1. **RF reference** with valid check digits, in the structured creditor reference or
//!    anywhere in the remittance text, whose body is an invoice's
//!    [`rf::invoice_body`] (that invoice) or a debtor's [`rf::debtor_body`] (that debtor;
//!    the amount then decides which invoices). A reference whose check digits fail (the
//!    bank cut or reformatted it) is no RF evidence: its text is read as in 2.
//! 2. **Invoice numbers** in the remittance text (and in a creditor reference that is not
//!    a valid RF), tolerant of case, spaces, dashes, slashes and leading zeros
//!    (`"INV-0001042"` is `"inv 1042"`). Several numbers name several invoices
//!    (`"INV 1042, 1043 and 1044"`: a list carries its prefix). A number cut off at the
//!    very end of the text (the bank's 140 characters ran out) counts when at least 5
//!    characters of it are there, with a lower confidence. Dates and amounts are not cut
//!    into numbers: parts joined by `.` `/` `-` stay one number. Keys shorter than 3
//!    characters are not looked for in text.
//! 3. **IBAN** of the payer, among a debtor's stored and learned IBANs.
//! 4. **Name** of the payer against debtor names, folded (`"MUELLER"` = `"Müller"`) with
//!    legal forms (`GmbH`, `Ltd`, `Sp. z o.o.`, ...) and punctuation dropped: the same
//!    words is strong, all of the debtor's words within the payer's is weaker.
//! 5. **Amount**, only within the debtor(s) pointed at and only in the credit's currency
//!    (an invoice in another currency is never allocated): equal to one open invoice, to
//!    a combination of 2..=[`MatchConfig::max_combination`] of the debtor's oldest
//!    [`MatchConfig::max_candidates`] open invoices (fewest invoices, then oldest), to
//!    everything the debtor owes, or to a payment-plan installment; or within the
//!    tolerance of one of those (the shortfall stays open as [`Proposal::short_by`], an
//!    overpayment stays [`Proposal::unapplied`]). Alone, the amount counts only when
//!    exactly one open invoice in the whole book, in that currency, has it.
//!
//! Paying more than the invoices named: each is paid in full and the rest stays
//! unapplied (a credit on the debtor). Paying less: the oldest due is paid first (or,
//! when the amount equals some of the invoices named exactly, those). A short payment
//! within the tolerance pays every invoice but the newest in full; the shortfall stays
//! open on that last allocation. A proposal never allocates more than an invoice's open
//! balance nor more than the credit.
//!
//! ## Confidence (0..=100)
//! - **100**: an RF reference or invoice number names the invoices and the amount equals
//!   their open total exactly (or within the tolerance, when one is set), and nothing
//!   points elsewhere. Also a debtor's RF reference with the amount equal to everything
//!   the debtor owes in the currency. Applied automatically at the default threshold.
//! - **95**: a debtor's RF reference and the amount equals one invoice, a combination or
//!   an installment (90 within the tolerance).
//! - **90**: IBAN and the amount equals exactly one invoice, a combination, the debtor's
//!   total or an installment (85 within the tolerance); or invoice numbers named several
//!   invoices and the amount equals a subset of them.
//! - **85**: a cut-off invoice number and the amount equals its open balance.
//! - **80**: invoice-number evidence with an amount that does not fit (a partial payment,
//!   oldest first, or an overpayment); or the payer's name and the exact amount (75
//!   within the tolerance, 75 when the name only contains the debtor's).
//! - **70**: a debtor's RF reference, or a cut-off number, with an amount that fits
//!   nothing.
//! - **60**: IBAN or name only: allocated oldest due first (55 for a contained name, 50
//!   when the only sign is a reference to an invoice that cannot take the money).
//! - **40**: the amount only, unique across the whole book in that currency.
//! - **30 / 20**: the debtor is known but has nothing open in the currency (20 when its
//!   open invoices are in another currency): nothing is allocated.
//!
//! Adjustments: +5 (never above 95) when an IBAN and an equal name agree with each other
//! or with invoice numbers; -5 when the debtor has several invoices or combinations of
//! that amount and the oldest was taken. When another debtor has an RF, invoice number or
//! IBAN pointing at it, the proposal is capped at 90 and says so. When the best two
//! proposals are equally likely, every proposal is capped at 50. None of these is
//! automatic, nor is a proposal that allocates to a disputed or paused invoice.
//!
//! ## Glossary
//! - **Credit**: one incoming payment on a bank statement.
//! - **Remittance text**: the free text the payer sends with the payment (often cut at
//!   140 characters).
//! - **Creditor reference (RF)**: an ISO 11649 reference, `RF` + 2 check digits + up to
//!   21 letters and digits, that the payer copies from the invoice.
//! - **Allocation**: part of a credit applied to one invoice.
//! - **Unapplied**: the part of a credit left as a credit on the debtor.
//! - **Short payment**: a credit slightly below what it pays (bank charges); within the
//!   tolerance the difference stays open.

mod book;
mod keys;
mod matcher;
pub mod rf;

pub use book::{DebtorProfile, MatchBook, OpenInvoice};
pub use keys::normalise_iban;
pub use matcher::{propose, Allocation, Credit, MatchConfig, Proposal, MAX_ALTERNATIVES};
