//! `overdue calc ...`: the calculators, no database needed.

use clap::Subcommand;
use overdue_api::ApiError;

/// Calculators.
#[derive(Subcommand)]
pub enum CalcCommand {}

/// Runs a calculator and prints its result.
pub fn run(command: CalcCommand, _json: bool) -> Result<(), ApiError> {
    match command {}
}
