//! `overdue book ...`: whole books. Opens its own databases (no `--db`).

use clap::Subcommand;
use overdue_api::{ApiError, SystemClock};

use crate::print_json;

/// Whole books.
#[derive(Subcommand)]
pub enum BookCommand {
    /// Copies a whole book (every record, document, event, setting and template) into a
    /// new, empty database: a SQLite file to a PostgreSQL server, or back. Every table is
    /// read back and compared (rows and checksums) before the copy is committed.
    Copy {
        /// The book to copy: a SQLite file or a postgres:// URL.
        #[arg(long)]
        from: String,
        /// Where to: a new SQLite file, or a postgres:// URL naming an existing, empty
        /// database (a password not in the URL comes from PGPASSWORD or the keyring).
        #[arg(long)]
        to: String,
    },
}

/// Runs a `book` subcommand.
pub async fn run(command: BookCommand, json: bool) -> Result<(), ApiError> {
    match command {
        BookCommand::Copy { from, to } => {
            let copy = overdue_api::book::copy(&from, &to, &SystemClock::from_env()).await?;
            if json {
                return print_json(&copy);
            }
            println!("Copied {} to {}:", copy.from, copy.to);
            let width = copy.tables.iter().map(|t| t.table.len()).max().unwrap_or(5);
            for t in &copy.tables {
                println!("  {:<width$}  {:>9}", t.table, t.rows);
            }
            if !copy.skipped.is_empty() {
                println!(
                    "Not copied (one database's own workings, not the book's data): {}",
                    copy.skipped.join(", ")
                );
            }
            println!(
                "Search index rebuilt for {} debtor(s).",
                copy.search_entries
            );
            println!("{}", copy.verified());
            Ok(())
        }
    }
}
