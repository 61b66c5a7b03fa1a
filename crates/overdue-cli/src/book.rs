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
    /// Signs in to a shared book on a PostgreSQL server with your own login and remembers
    /// it: the password goes to the system keyring only (never a file), and later commands
    /// (and the app) without --db use this book.
    Connect {
        /// The book: postgres://LOGIN@HOST:PORT/DATABASE.
        url: String,
        /// Read the password from the first line of standard input (otherwise the one in
        /// the keyring, else PGPASSWORD, is used).
        #[arg(long)]
        password_stdin: bool,
    },
}

/// Runs a `book` subcommand.
pub async fn run(command: BookCommand, json: bool) -> Result<(), ApiError> {
    match command {
        BookCommand::Connect {
            url,
            password_stdin,
        } => {
            let password = if password_stdin {
                crate::staff::password_line()?
            } else {
                String::new()
            };
            let config_file = overdue_api::config::config_path()?;
            let clock = std::sync::Arc::new(SystemClock::from_env());
            let api =
                overdue_api::config::connect_server(&url, &password, &config_file, clock).await?;
            let me = api.signed_in().await?;
            api.close().await;
            if json {
                return print_json(&me);
            }
            println!(
                "Signed in as {} ({}): {}.",
                me.login,
                me.role.as_str(),
                me.duties
            );
            if password_stdin {
                println!("The password is in the system keyring, not in a file.");
            }
            println!("Commands without --db, and the app, now use this book.");
            Ok(())
        }
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
