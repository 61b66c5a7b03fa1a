//! # overdue-domain
//!
//! The pure core of Overdue: the rules of debt collection as plain functions and values.
//!
//! ## House rules
//! - No IO of any kind: no files, no network, no database, no async runtime, no clock.
//!   Every function that depends on "today" takes an `as_of: NaiveDate` argument.
//! - Money is [`Money`]: an exact [`rust_decimal::Decimal`] with an ISO 4217 [`Currency`].
//!   Arithmetic across currencies is an error, never a sum. No `f32`/`f64` anywhere.
//! - Rounding is `ROUND_HALF_UP` to the currency's minor unit, once, at the end of a
//!   calculation (see `../shared/domain/RULES.md`).
//! - Errors are typed (`thiserror`); the API layer turns them into `{code, message}`.
//!
//! ## Glossary
//! - **Debtor**: a company, individual or sole trader who owes the business money.
//! - **Contact**: a person at a debtor who receives reminders (name, role, email, phone).
//! - **Payment terms**: days between an invoice's issue date and its due date.
//! - **Credit limit**: the most the business is willing to have open with a debtor.
//! - **Open balance**: invoice amount less allocated payments, credit notes and write-offs.
//! - **Days past due (DPD)**: as-of date minus due date; negative before the due date.
//! - **Aging bucket**: a band of days past due (`current`, `1-30`, `31-60`, `61-90`, `90+`).
//! - **Dunning level**: one step of the escalation ladder (reminder, final demand, ...).
//! - **Grace period**: days after the due date before a fee or action applies.
//! - **Creditor reference (RF)**: an ISO 11649 payment reference (`RF18 5390 0754 7034`)
//!   printed on an invoice or statement so that the payment can be matched to it.
//! - **Remittance text**: the free text a payer sends with a bank transfer.
//! - **Allocation**: part of an incoming payment applied to one invoice; what is left
//!   over stays **unapplied**, as a credit on the debtor.
//! - **Match proposal**: which invoices a bank credit pays, with a confidence (0-100) and
//!   its reasons in words; applied automatically only when certain (see [`bank`]).

#![deny(missing_docs)]

pub mod agency;
pub mod aging;
pub mod bank;
pub mod collection;
pub mod court;
pub mod debtor;
pub mod dunning;
pub mod interest;
pub mod ledger;
pub mod limitation;
pub mod metrics;
pub mod money;
pub mod plan;
pub mod risk;
pub mod scoring;
pub mod text;

pub use debtor::{
    language_for_country, letter_language, Address, Contact, DebtorDraft, DebtorKind, FieldError,
};
pub use money::{Currency, Money, MoneyError};
