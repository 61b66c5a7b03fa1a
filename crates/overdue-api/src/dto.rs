//! Types that cross the IPC boundary and the CLI's `--json` output. TypeScript types are
//! generated from these (ts-rs, `ui/src/lib/bindings/`); amounts are decimal strings and
//! dates ISO 8601 strings, never floats.

// serde's derive for `DebtorInput` (flattened into `Debtor`) expands to code naming
// f32/f64 in its generic content handling; no DTO here has a float field.
#![allow(clippy::disallowed_types)]

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Debtor kind as the UI and CLI spell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum DebtorKindDto {
    /// A limited company or other organisation.
    Company,
    /// A private person (consumer).
    Individual,
    /// A person trading in their own name.
    SoleTrader,
}

/// A contact person.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ContactDto {
    /// Full name.
    pub name: String,
    /// Role ("Accounts payable").
    pub role: String,
    /// Email.
    pub email: String,
    /// Phone.
    pub phone: String,
}

/// The debtor form: what the user enters to create or edit a debtor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DebtorInput {
    /// Company, individual or sole trader.
    pub kind: DebtorKindDto,
    /// Name as printed on letters.
    pub name: String,
    /// The business's own customer number ("" = none).
    pub external_ref: String,
    /// Contacts.
    pub contacts: Vec<ContactDto>,
    /// Street lines of the postal address.
    pub address_lines: String,
    /// Postal code.
    pub postal_code: String,
    /// City.
    pub city: String,
    /// ISO 3166-1 alpha-2 country.
    pub country: String,
    /// Language of letters ("en", "de", ...); in a new or changed debtor `""` = the
    /// country's language (`fr` for FR, English where Overdue has no catalog).
    pub language: String,
    /// ISO 4217 currency code.
    pub currency: String,
    /// Payment terms in days.
    pub payment_terms_days: u32,
    /// Credit limit as a decimal string ("" = no limit).
    pub credit_limit: String,
    /// Tags.
    pub tags: Vec<String>,
    /// Notes.
    pub notes: String,
    /// Responsible staff member.
    pub account_manager: String,
}

/// A stored debtor, as shown on its page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Debtor {
    /// Database id.
    #[ts(type = "number")]
    pub id: i64,
    /// The editable fields.
    #[serde(flatten)]
    #[ts(flatten)]
    pub input: DebtorInput,
    /// True when archived.
    pub archived: bool,
    /// Creation instant (RFC 3339).
    pub created_at: String,
    /// Last change (RFC 3339).
    pub updated_at: String,
    /// Its version, one more with every save: an edit sends the version it was read at and
    /// is refused (code `stale`) when someone saved in between.
    #[ts(type = "number")]
    pub version: i64,
}

/// Sort columns of the debtor list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum DebtorSortDto {
    /// Name.
    #[default]
    Name,
    /// External reference.
    Reference,
    /// City.
    City,
    /// Country.
    Country,
    /// Open balance.
    OpenBalance,
    /// Overdue balance.
    OverdueBalance,
    /// Risk: most credit alerts first, then the lowest score.
    Risk,
}

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SortDirectionDto {
    /// Ascending.
    #[default]
    Asc,
    /// Descending.
    Desc,
}

/// A request for one window of the debtor list.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DebtorListQuery {
    /// Search-as-you-type text.
    pub search: String,
    /// Sort column.
    pub sort: DebtorSortDto,
    /// Sort direction.
    pub direction: SortDirectionDto,
    /// First row (0-based).
    pub offset: u32,
    /// Rows wanted (at most 1000).
    pub limit: u32,
    /// Show archived debtors too.
    pub include_archived: bool,
}

/// One row of the debtor list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DebtorRow {
    /// Database id.
    #[ts(type = "number")]
    pub id: i64,
    /// Kind.
    pub kind: DebtorKindDto,
    /// Name.
    pub name: String,
    /// External reference.
    pub external_ref: String,
    /// City.
    pub city: String,
    /// Country code.
    pub country: String,
    /// First contact's email.
    pub email: String,
    /// Currency of the balances.
    pub currency: String,
    /// Open balance (decimal string).
    pub open_balance: String,
    /// Overdue part of the open balance (decimal string).
    pub overdue_balance: String,
    /// Archived.
    pub archived: bool,
    /// Latest payment score, 1-100 (`null`: unscored or not yet scored).
    pub score: Option<u8>,
    /// Credit alerts: `over_limit`, `past_tolerance`, `score_dropped`.
    pub risk_flags: Vec<String>,
}

/// A window of the debtor list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DebtorPage {
    /// Debtors matching the search, in all.
    pub total: u32,
    /// The first row's position.
    pub offset: u32,
    /// The rows.
    pub rows: Vec<DebtorRow>,
}

/// Which database the app is using, and what is in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AppInfo {
    /// App version.
    pub version: String,
    /// "sqlite" or "postgres".
    pub backend: String,
    /// The file path, or the server URL without its password.
    pub location: String,
    /// Number of debtors.
    pub debtors: u32,
    /// Number of invoices.
    pub invoices: u32,
    /// Number of payments.
    pub payments: u32,
    /// The as-of date the app is working at (today, unless overridden for a demo).
    pub today: String,
    /// True when this database has never been offered demo data (first start).
    pub offer_demo: bool,
}

/// Size of a generated dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DemoRequest {
    /// Number of debtors.
    pub debtors: u32,
    /// Number of invoices (spread over three years).
    pub invoices: u32,
    /// Seed: the same seed gives the same data.
    #[ts(type = "number")]
    pub seed: u64,
    /// Also what makes the demo look used: a demo letterhead (when none is set) and the
    /// reminders of the past months. Off: debtors, invoices and payments only (benchmarks).
    pub as_used: bool,
}

/// What a demo load wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DemoSummary {
    /// Debtors written.
    pub debtors: u32,
    /// Invoices written.
    pub invoices: u32,
    /// Payments written.
    pub payments: u32,
    /// Past dunning steps recorded as sent (the demo's history of reminders).
    pub reminders: u32,
    /// True when the demo letterhead was set (there was none).
    pub letterhead: bool,
}

/// Where to connect: an embedded file or a shared server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum DatabaseTarget {
    /// A SQLite file on this computer.
    Sqlite {
        /// Path of the file (created when missing).
        path: String,
    },
    /// A PostgreSQL server shared by several staff.
    Postgres {
        /// `postgres://user@host:port/db` (a password in the URL is moved to the keyring).
        url: String,
        /// Password; stored in the OS keyring, never in a file ("" = keep the stored one).
        password: String,
    },
}
