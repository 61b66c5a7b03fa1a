//! Integration tests of overdue-bankfile: one binary, one module per source module.
//!
//! Fixtures under `tests/fixtures/` were written for these tests from the specifications
//! (ISO 20022 camt message definitions, SWIFT MT940/MT942 field specs, DFÜ-Abkommen
//! Anlage 3, Dutch bank MT940 layouts, OFX 1.x/2.x). Their entries add up: opening balance
//! plus entries equals the closing balance, which some tests check.

#[path = "bankfile/support.rs"]
mod support;

#[path = "bankfile/camt.rs"]
mod camt;
#[path = "bankfile/csvfile.rs"]
mod csvfile;
#[path = "bankfile/detect.rs"]
mod detect;
#[path = "bankfile/mt940.rs"]
mod mt940;
#[path = "bankfile/ofx.rs"]
mod ofx;
#[path = "bankfile/robustness.rs"]
mod robustness;
