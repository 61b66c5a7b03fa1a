//! # overdue-api
//!
//! The application layer: every use case the desktop shell and the `overdue` CLI offer,
//! as `async` methods on [`Api`]. Both front ends are thin: a Tauri command or a CLI
//! subcommand is one call here.
//!
//! ## House rules
//! - DTOs ([`dto`]) live at this boundary and convert to domain types here; amounts are
//!   decimal strings, dates ISO 8601 strings.
//! - One error type, [`ApiError`] `{code, message, fields}`, for every use case.
//! - Input is validated here even when the UI already did (the UI can be bypassed).
//! - The wall clock is read only through [`Clock`]; everything below takes dates as
//!   arguments.
//! - Secrets (database and SMTP passwords) live only in the OS keyring ([`config`]).
//!
//! ## Glossary
//! - **Location**: where the database is — a SQLite file path or a PostgreSQL URL.
//! - **Demo data**: a deterministic synthetic book ([`demo`]) for first start and benchmarks.
//! - **Ledger**: invoices, credit notes, write-offs, payments and their allocations
//!   ([`ledger`]); **import** of debtors, invoices and payments from CSV, all or nothing
//!   ([`import`]); **reports**: aging, statement of account, metrics ([`reports`]).

#![deny(missing_docs)]

pub mod account;
pub mod agencies;
pub mod agreements;
pub mod bank;
pub mod bench;
pub mod book;
pub mod calc;
mod claim;
pub mod clock;
pub mod collections;
pub mod config;
pub mod court;
pub mod credit;
pub mod csv_rows;
pub mod daily_run;
pub mod dashboard;
mod debtors;
pub mod demo;
pub mod documents;
pub mod dsn;
pub mod dto;
pub mod dunning;
pub mod email;
mod error;
pub mod export;
pub mod import;
pub mod interest_pdf;
pub mod latefees;
pub mod ledger;
pub mod letters_ui;
pub mod limitation;
pub mod logging;
pub mod reports;
pub mod schedule;
pub mod setup;
pub mod staff;
mod template_env;
pub mod templates;

use std::sync::Arc;

use overdue_store::{redact_url, Backend, Store};
use tokio::sync::RwLock;

pub use clock::{Clock, SystemClock};
pub use error::{ApiError, ErrorCode, FieldErrorDto};

/// The value of [`Api`]'s switch counter once it is closed: a change watcher returns.
const CLOSED: u64 = u64::MAX;

/// Setting key: demo data was offered (accepted or declined) for this database.
const DEMO_OFFERED: &str = "demo_offered";

/// The application: an open database plus a clock.
#[derive(Debug)]
pub struct Api {
    store: RwLock<(Store, String)>,
    clock: Arc<dyn Clock>,
    /// The file the import wizard is working on (name, bytes).
    staged: std::sync::Mutex<Option<(String, Vec<u8>)>>,
    /// Counts the book switches and the close: a change watcher lets its connection go
    /// when it moves, before the old pool is closed (which waits for every connection).
    switched: tokio::sync::watch::Sender<u64>,
}

impl Api {
    /// Opens (creating and migrating when needed) the database at `target`: a SQLite file
    /// path or a `postgres://` URL.
    pub async fn open(target: &str, clock: Arc<dyn Clock>) -> Result<Api, ApiError> {
        let (store, location) = open_store(target, clock.as_ref()).await?;
        Ok(Api {
            store: RwLock::new((store, location)),
            clock,
            staged: std::sync::Mutex::new(None),
            switched: tokio::sync::watch::Sender::new(0),
        })
    }

    /// Switches to another database (File > New / Open, Settings > Database). The old one
    /// stays open until the new one has opened and migrated successfully.
    pub async fn switch(&self, target: &str) -> Result<dto::AppInfo, ApiError> {
        let (store, location) = open_store(target, self.clock.as_ref()).await?;
        let old = std::mem::replace(&mut *self.store.write().await, (store, location));
        self.switched.send_modify(|n| *n += 1);
        old.0.close().await;
        self.info().await
    }

    /// A handle on the current store (a cheap pool clone).
    pub(crate) async fn store(&self) -> Store {
        self.store.read().await.0.clone()
    }

    /// The clock.
    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    /// What database is open and what it holds.
    pub async fn info(&self) -> Result<dto::AppInfo, ApiError> {
        let (store, location) = self.store.read().await.clone();
        let (debtors, invoices, payments) = store.counts().await?;
        let offered = store.setting(DEMO_OFFERED).await?.is_some();
        Ok(dto::AppInfo {
            version: env!("CARGO_PKG_VERSION").to_string(),
            backend: match store.backend() {
                Backend::Sqlite => "sqlite",
                Backend::Postgres => "postgres",
            }
            .to_string(),
            location,
            debtors: clamp_u32(debtors),
            invoices: clamp_u32(invoices),
            payments: clamp_u32(payments),
            today: self.clock.today().to_string(),
            offer_demo: !offered && debtors == 0,
        })
    }

    /// Records that demo data was offered and declined, so the offer is not repeated.
    pub async fn decline_demo(&self) -> Result<(), ApiError> {
        self.store()
            .await
            .set_setting(DEMO_OFFERED, "\"declined\"")
            .await?;
        Ok(())
    }

    /// Closes the database cleanly.
    pub async fn close(&self) {
        self.switched.send_replace(CLOSED);
        self.store.read().await.0.close().await;
    }

    /// Calls `on_change` with the table's name whenever another session commits a change
    /// to the shared book (PostgreSQL LISTEN/NOTIFY: the database tells, nothing polls),
    /// across book switches, until the app closes. A SQLite book has one user and no
    /// notifications: the watcher then waits for a switch.
    pub async fn watch_changes(&self, on_change: impl Fn(&str) + Send + Sync) {
        let mut switched = self.switched.subscribe();
        loop {
            if *switched.borrow_and_update() == CLOSED {
                return;
            }
            let store = self.store().await;
            let listener = match store.change_listener().await {
                Ok(l) => l,
                Err(e) => {
                    tracing::warn!(error = %e, "changes by others will not show until the book is opened again");
                    None
                }
            };
            match listener {
                None => {
                    if switched.changed().await.is_err() {
                        return;
                    }
                }
                Some(mut listener) => loop {
                    tokio::select! {
                        n = listener.recv() => match n {
                            Ok(n) => on_change(n.payload()),
                            Err(e) => {
                                tracing::warn!(error = %e, "the change notifications stopped");
                                drop(listener);
                                if switched.changed().await.is_err() {
                                    return;
                                }
                                break;
                            }
                        },
                        r = switched.changed() => {
                            drop(listener);
                            if r.is_err() {
                                return;
                            }
                            break;
                        }
                    }
                },
            }
        }
    }
}

async fn open_store(target: &str, clock: &dyn Clock) -> Result<(Store, String), ApiError> {
    let target = target.trim();
    if target.is_empty() {
        return Err(ApiError::invalid(
            "Choose a database file or enter a server URL.",
        ));
    }
    let (store, _report) = Store::open(target, clock.now()).await?;
    let location = match store.backend() {
        Backend::Sqlite => target.to_string(),
        Backend::Postgres => redact_url(target),
    };
    Ok((store, location))
}

pub(crate) fn clamp_u32(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}
