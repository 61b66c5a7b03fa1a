//! Copying a whole book from one database to another (issue 18, "from one machine to the
//! office, and back"): SQLite to a new PostgreSQL database, PostgreSQL to a new SQLite
//! file, or between two of a kind.
//!
//! The copy knows no table by name. It reads the tables, columns, keys, foreign keys and
//! triggers of both databases at run time, so a new migration is covered without a change
//! here. What it does, all in one transaction on the target:
//!
//! 1. Refuses when the two schemas are at different versions, when a table or column
//!    exists on one side only (data would be lost), and when the target holds more rows in
//!    any table than a new book does (a new book holds only what the migrations put there:
//!    the default dunning policy, the empty event chain).
//! 2. Sets the target's triggers aside: on PostgreSQL `ALTER TABLE .. DISABLE TRIGGER`
//!    (the copier owns the tables; no superuser needed), on SQLite the triggers are
//!    dropped and re-created from their own stored SQL before commit (DDL is
//!    transactional there, so no other connection ever sees them missing). The rows are
//!    copied as they are: the balance triggers would take every allocation off an invoice
//!    whose stored balance already has it taken off, the audit triggers would write an
//!    audit entry for every copied row, and the append-only guards would refuse to remove
//!    the new book's default policy.
//! 3. Replaces the new book's own rows (the migrations' defaults) with the source's and
//!    copies every table in foreign-key order, parents first, keeping ids, streamed from a
//!    snapshot of the source in multi-row inserts under the bind-parameter limits.
//! 4. Rebuilds what each backend derives for search (the SQLite FTS5 table, the
//!    PostgreSQL `tsvector` column) from the copied debtors, and on PostgreSQL moves every
//!    identity sequence past the copied ids.
//! 5. Reads every table back and compares its row count and a SHA-256 over its rows in
//!    key order, each value in one canonical form on both sides ([`canonical`]:
//!    timestamps as RFC 3339 UTC with microseconds, bytes as hex, booleans as true/false,
//!    JSON with sorted keys), before it commits. Any difference names the table, and
//!    nothing is written.
//!
//! A value's type comes from the PostgreSQL side when there is one (SQLite keeps dates,
//! timestamps, booleans and JSON as text and integers); between two SQLite files every
//! value is copied as SQLite stored it. Timestamps keep microseconds, PostgreSQL's
//! precision.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Timelike, Utc};
use futures_util::stream::BoxStream;
use futures_util::{StreamExt, TryStreamExt};
use sha2::{Digest, Sha256};
use sqlx::postgres::PgRow;
use sqlx::query_builder::Separated;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions, SqliteRow};
use sqlx::{AssertSqlSafe, Postgres, QueryBuilder, Row, Sqlite, Transaction, TypeInfo, ValueRef};

use crate::{Store, StoreError, SQLITE_MIGRATIONS};

/// At most this many bind parameters per insert: under SQLite's 32,766 and PostgreSQL's
/// 65,535, and small enough that a statement stays a few hundred kilobytes.
const MAX_PARAMS: usize = 16_000;
/// At most this many rows per insert.
const MAX_ROWS: usize = 2_000;
/// A batch is written once it holds this many bytes (documents and attachments are
/// stored in the book; a thousand of them at once would hold a lot of memory).
const MAX_BATCH_BYTES: usize = 8 << 20;

/// The search structures the store derives from the debtors, rebuilt on the target rather
/// than copied: the SQLite FTS5 table and the PostgreSQL `tsvector` column.
const SQLITE_SEARCH_TABLE: &str = "debtors_fts";
const PG_SEARCH_COLUMN: (&str, &str) = ("debtors", "search");

/// Why a book could not be copied. Nothing was written to the target in any case.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    /// The two databases' schemas are at different versions.
    #[error("the two books are at different schema versions: the source at {from_version}, the target at {to_version}")]
    SchemaVersions {
        /// The source's newest migration.
        from_version: i64,
        /// The target's newest migration.
        to_version: i64,
    },
    /// A table or column exists on one side only, or cannot be copied.
    #[error("the two books' tables differ: {0}")]
    SchemaDiffers(String),
    /// The target already holds data.
    #[error("the target book is not empty: table {table} holds {rows} row(s)")]
    TargetNotEmpty {
        /// The table holding more rows than a new book does that most other tables refer
        /// to (`debtors` rather than `audit_log`).
        table: String,
        /// Its rows.
        rows: i64,
        /// How many more tables hold more rows than a new book does.
        others: usize,
    },
    /// A stored value cannot be read as its column's type on the other database (a date
    /// column holding "2024-13-01" in a SQLite file, say).
    #[error("table {table}, row {row}, column {column}: {problem}")]
    Unreadable {
        /// The table.
        table: String,
        /// The row's key ("id 42").
        row: String,
        /// The column.
        column: String,
        /// What is wrong with the value.
        problem: String,
    },
    /// Reading the copy back found something other than what was read from the source.
    #[error("the copy of table {table} does not match the source: {what}")]
    Mismatch {
        /// The table.
        table: String,
        /// What differs (row counts, checksums).
        what: String,
    },
    /// The target's login may not set the triggers of a table aside.
    #[error("the login {login} does not own table {table} of the target database, and only the owner may copy a book into it")]
    NotOwner {
        /// The table.
        table: String,
        /// Who is signed in.
        login: String,
    },
    /// A database error.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for CopyError {
    fn from(e: sqlx::Error) -> Self {
        CopyError::Store(StoreError::from(e))
    }
}

/// What a copy wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyReport {
    /// Every table copied, in the order written (parents first).
    pub tables: Vec<TableCopied>,
    /// Tables of one database only, which are that backend's own machinery and not the
    /// book's data (SQLite's `audit_actor`, which PostgreSQL has as a view of the
    /// session's login); not copied.
    pub skipped: Vec<String>,
    /// Debtors whose search index entry was rebuilt on the target.
    pub search_entries: u64,
}

/// One table copied and verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCopied {
    /// The table.
    pub table: String,
    /// Rows copied (the same number read back from the target).
    pub rows: u64,
    /// SHA-256 (hex) of its rows in key order in canonical form, the same on both sides.
    pub checksum: String,
}

/// A table's rows in canonical form, each row one line: see [`Store::canonical_rows`].
pub type TableRows = (String, Vec<String>);

impl Store {
    /// Copies the whole book in `from` into `to`, which must hold no more than a new book
    /// does, and verifies it; see the module documentation. Both stores are opened
    /// normally ([`Store::open`]), so each has its backend's schema at this app's version.
    pub async fn copy_book(from: &Store, to: &Store) -> Result<CopyReport, CopyError> {
        let (from_versions, to_versions) =
            (from.applied_versions().await?, to.applied_versions().await?);
        if from_versions != to_versions {
            return Err(CopyError::SchemaVersions {
                from_version: from_versions.iter().copied().max().unwrap_or(0),
                to_version: to_versions.iter().copied().max().unwrap_or(0),
            });
        }
        let mut src = Side::read(from).await?;
        let mut dst = Side::write(to).await?;
        let src_schema = src.schema().await?;
        let dst_schema = dst.schema().await?;
        let plan = Plan::new(&src_schema, &dst_schema)?;

        dst.refuse_unless_new(&dst_schema, &plan).await?;
        let set_aside = dst.set_triggers_aside().await?;
        for table in plan.tables.iter().rev() {
            dst.execute(format!("DELETE FROM {}", quote(&table.name)))
                .await?;
        }

        let mut copied = Vec::with_capacity(plan.tables.len());
        for table in &plan.tables {
            let (rows, checksum) = copy_table(&mut src, &mut dst, table).await?;
            copied.push(TableCopied {
                table: table.name.clone(),
                rows,
                checksum,
            });
        }

        let search_entries = dst.rebuild_search(&dst_schema).await?;
        dst.restore_triggers(set_aside).await?;
        dst.advance_sequences().await?;

        for (table, done) in plan.tables.iter().zip(&copied) {
            let (rows, checksum) = checksum_of(&mut dst, table).await?;
            if rows != done.rows {
                return Err(CopyError::Mismatch {
                    table: table.name.clone(),
                    what: format!(
                        "{} row(s) read from the source, {rows} in the copy",
                        done.rows
                    ),
                });
            }
            if checksum != done.checksum {
                return Err(CopyError::Mismatch {
                    table: table.name.clone(),
                    what: format!(
                        "the checksums differ (source {}, copy {checksum})",
                        done.checksum
                    ),
                });
            }
        }
        dst.commit().await?;
        src.commit().await?;
        Ok(CopyReport {
            tables: copied,
            skipped: plan.skipped,
            search_entries,
        })
    }

    /// Every table this book shares with `typed_like` (the same book on another database,
    /// or the same database), by name, each row as one line of canonical values in key
    /// order: the very form the copy's checksums are computed over, with each value typed
    /// as the PostgreSQL side has it when either is PostgreSQL. Two books whose tables are
    /// equal here hold the same data. For tests and diagnostics: holds every row in memory.
    pub async fn canonical_rows(&self, typed_like: &Store) -> Result<Vec<TableRows>, CopyError> {
        let mut mine = Side::read(self).await?;
        let schema = mine.schema().await?;
        let other_schema = if std::ptr::eq(self, typed_like) {
            schema.clone()
        } else {
            let mut other = Side::read(typed_like).await?;
            let s = other.schema().await?;
            other.commit().await?;
            s
        };
        let mut out = Vec::new();
        for (name, t) in &schema.tables {
            let Some(o) = other_schema.tables.get(name) else {
                continue;
            };
            let columns = t
                .columns
                .iter()
                .filter(|c| !c.derived)
                .map(|c| {
                    let pg = [&schema, &other_schema]
                        .into_iter()
                        .find(|s| s.postgres)
                        .and_then(|s| s.tables.get(name))
                        .and_then(|t| t.columns.iter().find(|x| x.name == c.name))
                        .and_then(|x| x.pg_type.clone());
                    PlannedColumn {
                        name: c.name.clone(),
                        kind: pg.as_deref().map_or(Kind::Dynamic, Kind::of_pg),
                        pg_type: pg,
                    }
                })
                .filter(|c| o.columns.iter().any(|x| x.name == c.name && !x.derived))
                .collect();
            let table = PlannedTable {
                name: name.clone(),
                columns,
                key: t.key.clone(),
            };
            let mut lines = Vec::new();
            let mut rows = mine.rows(&table);
            while let Some(row) = rows.try_next().await? {
                lines.push(canonical(&row, &table));
            }
            drop(rows);
            out.push((name.clone(), lines));
        }
        mine.commit().await?;
        Ok(out)
    }
}

/// Copies one table's rows from `src` to `dst` in batches; returns the rows read and the
/// checksum over them.
async fn copy_table(
    src: &mut Side,
    dst: &mut Side,
    table: &PlannedTable,
) -> Result<(u64, String), CopyError> {
    let per_batch = (MAX_PARAMS / table.columns.len().max(1)).clamp(1, MAX_ROWS);
    let mut hash = Sha256::new();
    let mut count = 0u64;
    let mut batch: Vec<Vec<Value>> = Vec::with_capacity(per_batch);
    let mut bytes = 0usize;
    let mut rows = src.rows(table);
    while let Some(row) = rows.try_next().await? {
        hash.update(canonical(&row, table));
        hash.update(b"\n");
        count += 1;
        bytes += row.iter().map(Value::size).sum::<usize>();
        batch.push(row);
        if batch.len() == per_batch || bytes >= MAX_BATCH_BYTES {
            dst.insert(table, std::mem::take(&mut batch)).await?;
            bytes = 0;
        }
    }
    drop(rows);
    if !batch.is_empty() {
        dst.insert(table, batch).await?;
    }
    Ok((count, hex(&hash.finalize())))
}

/// Reads a table back and returns its rows and checksum, computed as [`copy_table`] does.
async fn checksum_of(side: &mut Side, table: &PlannedTable) -> Result<(u64, String), CopyError> {
    let mut hash = Sha256::new();
    let mut count = 0u64;
    let mut rows = side.rows(table);
    while let Some(row) = rows.try_next().await? {
        hash.update(canonical(&row, table));
        hash.update(b"\n");
        count += 1;
    }
    Ok((count, hex(&hash.finalize())))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `"name"`, with quotes doubled: identifiers come from the database's own catalogue, and
/// are quoted all the same.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

// ---------------------------------------------------------------------------------------
// Values

/// A column's type as the copy reads and writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    /// BIGINT, INTEGER, SMALLINT.
    Int,
    /// TEXT, VARCHAR, CHAR.
    Text,
    /// BYTEA / BLOB.
    Bytes,
    /// BOOLEAN (SQLite: 0 or 1).
    Bool,
    /// DATE (SQLite: `YYYY-MM-DD`).
    Date,
    /// TIMESTAMPTZ (SQLite: RFC 3339 text as sqlx writes it).
    Timestamp,
    /// TIMESTAMP without a zone.
    LocalTimestamp,
    /// JSON or JSONB (SQLite: text); compared with sorted keys.
    Json,
    /// Any other PostgreSQL type (NUMERIC, REAL, UUID, ...): read as its text and
    /// written back with a cast to the type.
    Other,
    /// Both sides are SQLite: each value as SQLite stored it.
    Dynamic,
}

impl Kind {
    /// What a value of this kind is, for a message.
    fn words(&self) -> &'static str {
        match self {
            Kind::Int => "a whole number",
            Kind::Text | Kind::Other | Kind::Dynamic => "text",
            Kind::Bytes => "bytes",
            Kind::Bool => "true or false",
            Kind::Date => "a date",
            Kind::Timestamp | Kind::LocalTimestamp => "a date and time",
            Kind::Json => "JSON",
        }
    }

    /// The kind of a PostgreSQL column, from its `format_type`.
    fn of_pg(pg_type: &str) -> Kind {
        match pg_type {
            "bigint" | "integer" | "smallint" => Kind::Int,
            "text" | "name" | "\"char\"" => Kind::Text,
            "bytea" => Kind::Bytes,
            "boolean" => Kind::Bool,
            "date" => Kind::Date,
            "json" | "jsonb" => Kind::Json,
            t if t.starts_with("character") => Kind::Text,
            t if t.starts_with("timestamp") && t.ends_with("with time zone") => Kind::Timestamp,
            t if t.starts_with("timestamp") => Kind::LocalTimestamp,
            _ => Kind::Other,
        }
    }
}

/// One stored value, typed.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Null,
    Int(i64),
    /// A SQLite REAL, carried bit for bit (never computed with).
    Real(u64),
    Text(String),
    Bytes(Vec<u8>),
    Bool(bool),
    Date(NaiveDate),
    Timestamp(DateTime<Utc>),
    Local(NaiveDateTime),
}

impl Value {
    /// Roughly the memory it holds, for batching.
    fn size(&self) -> usize {
        match self {
            Value::Text(s) => s.len() + 24,
            Value::Bytes(b) => b.len() + 24,
            _ => 16,
        }
    }

    /// The value in the one form both databases are compared in: a type tag and text.
    fn canonical(&self, kind: &Kind) -> Option<String> {
        Some(match self {
            Value::Null => return None,
            Value::Int(n) => format!("i:{n}"),
            #[allow(clippy::disallowed_types)] // carried through, never computed with
            Value::Real(bits) => format!("r:{:?}", f64::from_bits(*bits)),
            Value::Text(s) if *kind == Kind::Json => format!("j:{}", canonical_json(s)),
            Value::Text(s) => format!("t:{s}"),
            Value::Bytes(b) => format!("b:{}", hex(b)),
            Value::Bool(b) => format!("B:{b}"),
            Value::Date(d) => format!("d:{}", d.format("%Y-%m-%d")),
            Value::Timestamp(t) => format!("T:{}", t.format("%Y-%m-%dT%H:%M:%S%.6fZ")),
            Value::Local(t) => format!("L:{}", t.format("%Y-%m-%dT%H:%M:%S%.6f")),
        })
    }
}

/// JSON text with its keys sorted and no spaces (PostgreSQL's `jsonb` reorders keys and
/// adds spaces; SQLite keeps the text as written). Text that is not JSON stays as it is.
fn canonical_json(text: &str) -> String {
    serde_json::from_str::<serde_json::Value>(text)
        .map(|v| v.to_string())
        .unwrap_or_else(|_| text.to_string())
}

/// A row as one line: a JSON array of the canonical values.
fn canonical(row: &[Value], table: &PlannedTable) -> String {
    let values: Vec<Option<String>> = row
        .iter()
        .zip(&table.columns)
        .map(|(v, c)| v.canonical(&c.kind))
        .collect();
    serde_json::to_string(&values).unwrap_or_default()
}

/// Truncated to whole microseconds, PostgreSQL's precision (sqlx's encoding truncates
/// too; doing it here keeps the checksum and the stored value the same before 2000 too).
fn to_micros(t: DateTime<Utc>) -> DateTime<Utc> {
    let nanos = t.nanosecond() / 1_000 * 1_000;
    t.with_nanosecond(nanos).unwrap_or(t)
}

/// A SQLite value (as stored: INTEGER, REAL, TEXT, BLOB) read as `kind`.
fn from_sqlite(v: Value, kind: &Kind) -> Result<Value, String> {
    let text_of = |v: &Value| match v {
        Value::Text(s) => Some(s.clone()),
        Value::Int(n) => Some(n.to_string()),
        #[allow(clippy::disallowed_types)] // carried through, never computed with
        Value::Real(bits) => Some(f64::from_bits(*bits).to_string()),
        _ => None,
    };
    Ok(match (kind, v) {
        (_, Value::Null) => Value::Null,
        (Kind::Dynamic, v) => v,
        (Kind::Int, Value::Int(n)) => Value::Int(n),
        (Kind::Int, Value::Text(s)) => Value::Int(
            s.trim()
                .parse()
                .map_err(|_| format!("\"{s}\" is not a whole number"))?,
        ),
        (Kind::Text | Kind::Json | Kind::Other, v) => {
            Value::Text(text_of(&v).ok_or_else(|| "bytes where text belongs".to_string())?)
        }
        (Kind::Bytes, Value::Bytes(b)) => Value::Bytes(b),
        (Kind::Bytes, Value::Text(s)) => Value::Bytes(s.into_bytes()),
        (Kind::Bool, Value::Int(0)) => Value::Bool(false),
        (Kind::Bool, Value::Int(1)) => Value::Bool(true),
        (Kind::Bool, Value::Text(s)) if matches!(s.as_str(), "true" | "false") => {
            Value::Bool(s == "true")
        }
        (Kind::Date, Value::Text(s)) => Value::Date(
            NaiveDate::parse_from_str(&s, "%Y-%m-%d")
                .map_err(|_| format!("\"{s}\" is not a date (YYYY-MM-DD)"))?,
        ),
        (Kind::Timestamp, Value::Text(s)) => Value::Timestamp(to_micros(
            parse_timestamp(&s).ok_or_else(|| format!("\"{s}\" is not a date and time"))?,
        )),
        (Kind::Timestamp, Value::Int(secs)) => Value::Timestamp(
            DateTime::from_timestamp(secs, 0)
                .ok_or_else(|| format!("{secs} is not a date and time"))?,
        ),
        (Kind::LocalTimestamp, Value::Text(s)) => {
            Value::Local(parse_local(&s).ok_or_else(|| format!("\"{s}\" is not a date and time"))?)
        }
        (kind, v) => {
            return Err(format!(
                "{} where {} belongs",
                text_of(&v).map_or("bytes".to_string(), |t| format!("\"{t}\"")),
                kind.words()
            ))
        }
    })
}

/// A timestamp as SQLite text: RFC 3339 (what sqlx writes), or a date and time without
/// a zone taken as UTC (`YYYY-MM-DD HH:MM:SS[.f]`, SQLite's own `datetime()` form).
fn parse_timestamp(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| parse_local(s).map(|t| t.and_utc()))
}

fn parse_local(s: &str) -> Option<NaiveDateTime> {
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
}

/// A SQLite row's values as stored (each value's own storage class, not the column's).
fn sqlite_values(row: &SqliteRow, n: usize) -> Result<Vec<Value>, sqlx::Error> {
    use sqlx::Decode;
    let decode = |e: sqlx::error::BoxDynError| sqlx::Error::Decode(e);
    (0..n)
        .map(|i| {
            let raw = row.try_get_raw(i)?;
            if raw.is_null() {
                return Ok(Value::Null);
            }
            let class = raw.type_info().name().to_string();
            Ok(match class.as_str() {
                "INTEGER" => Value::Int(<i64 as Decode<Sqlite>>::decode(raw).map_err(decode)?),
                #[allow(clippy::disallowed_types)] // carried through, never computed with
                "REAL" => Value::Real(
                    <f64 as Decode<Sqlite>>::decode(raw)
                        .map_err(decode)?
                        .to_bits(),
                ),
                "BLOB" => Value::Bytes(<Vec<u8> as Decode<Sqlite>>::decode(raw).map_err(decode)?),
                _ => Value::Text(<String as Decode<Sqlite>>::decode(raw).map_err(decode)?),
            })
        })
        .collect()
}

/// A PostgreSQL row's values, read as the columns' kinds (see [`Side::select`]).
fn pg_values(row: &PgRow, columns: &[PlannedColumn]) -> Result<Vec<Value>, sqlx::Error> {
    columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let v = match c.kind {
                Kind::Int => row.try_get::<Option<i64>, _>(i)?.map(Value::Int),
                Kind::Bytes => row.try_get::<Option<Vec<u8>>, _>(i)?.map(Value::Bytes),
                Kind::Bool => row.try_get::<Option<bool>, _>(i)?.map(Value::Bool),
                Kind::Date => row.try_get::<Option<NaiveDate>, _>(i)?.map(Value::Date),
                Kind::Timestamp => row
                    .try_get::<Option<DateTime<Utc>>, _>(i)?
                    .map(Value::Timestamp),
                Kind::LocalTimestamp => row
                    .try_get::<Option<NaiveDateTime>, _>(i)?
                    .map(Value::Local),
                Kind::Text | Kind::Json | Kind::Other | Kind::Dynamic => {
                    row.try_get::<Option<String>, _>(i)?.map(Value::Text)
                }
            };
            Ok(v.unwrap_or(Value::Null))
        })
        .collect()
}

fn bind_sqlite(b: &mut Separated<'_, Sqlite, &'static str>, v: Value) {
    match v {
        Value::Null => b.push_bind(None::<i64>),
        Value::Int(n) => b.push_bind(n),
        #[allow(clippy::disallowed_types)] // carried through, never computed with
        Value::Real(bits) => b.push_bind(f64::from_bits(bits)),
        Value::Text(s) => b.push_bind(s),
        Value::Bytes(x) => b.push_bind(x),
        Value::Bool(x) => b.push_bind(x),
        Value::Date(d) => b.push_bind(d),
        Value::Timestamp(t) => b.push_bind(t),
        Value::Local(t) => b.push_bind(t),
    };
}

/// Binds a value for a PostgreSQL column of `c`'s type: a NULL typed as the column, a
/// value of another type than the parameter's cast to it.
fn bind_pg(b: &mut Separated<'_, Postgres, &'static str>, v: Value, c: &PlannedColumn) {
    let cast = match (&c.kind, c.pg_type.as_deref()) {
        (Kind::Json | Kind::Other, Some(t)) => Some(t),
        (Kind::Int, Some(t)) if t != "bigint" => Some(t),
        _ => None,
    };
    if let Some(t) = cast {
        b.push("CAST(");
        bind_pg_value(b, v, &c.kind, true);
        b.push_unseparated(format_args!(" AS {t})"));
    } else {
        bind_pg_value(b, v, &c.kind, false);
    }
}

fn bind_pg_value(
    b: &mut Separated<'_, Postgres, &'static str>,
    v: Value,
    kind: &Kind,
    inner: bool,
) {
    macro_rules! put {
        ($x:expr) => {
            if inner {
                b.push_bind_unseparated($x);
            } else {
                b.push_bind($x);
            }
        };
    }
    match v {
        Value::Null => match kind {
            Kind::Int => put!(None::<i64>),
            Kind::Bytes => put!(None::<Vec<u8>>),
            Kind::Bool => put!(None::<bool>),
            Kind::Date => put!(None::<NaiveDate>),
            Kind::Timestamp => put!(None::<DateTime<Utc>>),
            Kind::LocalTimestamp => put!(None::<NaiveDateTime>),
            Kind::Text | Kind::Json | Kind::Other | Kind::Dynamic => put!(None::<String>),
        },
        Value::Int(n) => put!(n),
        #[allow(clippy::disallowed_types)] // carried through, never computed with
        Value::Real(bits) => put!(f64::from_bits(bits).to_string()),
        Value::Text(s) => put!(s),
        Value::Bytes(x) => put!(x),
        Value::Bool(x) => put!(x),
        Value::Date(d) => put!(d),
        Value::Timestamp(t) => put!(t),
        Value::Local(t) => put!(t),
    }
}

// ---------------------------------------------------------------------------------------
// Schemas and the plan

/// What a database holds, read from its catalogue.
#[derive(Debug, Clone, Default)]
struct Schema {
    postgres: bool,
    /// Ordinary tables by name (not sqlx's `_sqlx_migrations`, not SQLite's own).
    tables: BTreeMap<String, TableInfo>,
    /// SQLite virtual tables (derived search indexes).
    virtual_tables: BTreeSet<String>,
}

#[derive(Debug, Clone, Default)]
struct TableInfo {
    columns: Vec<ColumnInfo>,
    /// Primary key columns in key order (all columns when there is none).
    key: Vec<String>,
    /// Tables its foreign keys reference.
    parents: BTreeSet<String>,
}

#[derive(Debug, Clone)]
struct ColumnInfo {
    name: String,
    /// `format_type` on PostgreSQL; `None` on SQLite.
    pg_type: Option<String>,
    /// Computed by the database (a generated column, a `tsvector`): never copied.
    derived: bool,
}

/// The tables to copy, parents first, with their columns typed.
#[derive(Debug)]
struct Plan {
    tables: Vec<PlannedTable>,
    skipped: Vec<String>,
}

#[derive(Debug, Clone)]
struct PlannedTable {
    name: String,
    columns: Vec<PlannedColumn>,
    key: Vec<String>,
}

#[derive(Debug, Clone)]
struct PlannedColumn {
    name: String,
    kind: Kind,
    /// The PostgreSQL type when either side is PostgreSQL.
    pg_type: Option<String>,
}

impl Plan {
    fn new(src: &Schema, dst: &Schema) -> Result<Plan, CopyError> {
        let mut skipped = Vec::new();
        let mut tables = BTreeMap::new();
        for name in src.tables.keys().chain(dst.tables.keys()) {
            let (Some(s), Some(d)) = (src.tables.get(name), dst.tables.get(name)) else {
                // A table of one backend only is its machinery (SQLite's audit_actor is a
                // view of the session's login on PostgreSQL), not data of the book.
                if !skipped.contains(name) {
                    skipped.push(name.clone());
                }
                continue;
            };
            let pg = if src.postgres {
                Some(s)
            } else if dst.postgres {
                Some(d)
            } else {
                None
            };
            let mut columns = Vec::new();
            for c in s.columns.iter().filter(|c| !c.derived) {
                if !d.columns.iter().any(|x| x.name == c.name && !x.derived) {
                    return Err(CopyError::SchemaDiffers(format!(
                        "column {name}.{} is in the source only",
                        c.name
                    )));
                }
                let pg_type = pg
                    .and_then(|t| t.columns.iter().find(|x| x.name == c.name))
                    .and_then(|x| x.pg_type.clone());
                columns.push(PlannedColumn {
                    name: c.name.clone(),
                    kind: pg_type.as_deref().map_or(Kind::Dynamic, Kind::of_pg),
                    pg_type,
                });
            }
            if let Some(c) = d
                .columns
                .iter()
                .find(|c| !c.derived && !s.columns.iter().any(|x| x.name == c.name && !x.derived))
            {
                return Err(CopyError::SchemaDiffers(format!(
                    "column {name}.{} is in the target only",
                    c.name
                )));
            }
            tables.insert(
                name.clone(),
                (
                    PlannedTable {
                        name: name.clone(),
                        columns,
                        key: d.key.clone(),
                    },
                    d.parents.clone(),
                ),
            );
        }
        // Parents first (Kahn's order, by name among equals); a table referring to itself
        // is its own parent only, and a cycle (none today) is left in name order, where
        // SQLite checks the keys at commit and PostgreSQL names the table it refuses.
        let mut order = Vec::new();
        let mut done: BTreeSet<String> = BTreeSet::new();
        while done.len() < tables.len() {
            let ready: Vec<String> = tables
                .iter()
                .filter(|(n, (_, parents))| {
                    !done.contains(*n)
                        && parents
                            .iter()
                            .all(|p| p == *n || done.contains(p) || !tables.contains_key(p))
                })
                .map(|(n, _)| n.clone())
                .collect();
            let next = if ready.is_empty() {
                tables
                    .keys()
                    .filter(|n| !done.contains(*n))
                    .cloned()
                    .collect()
            } else {
                ready
            };
            for n in next {
                done.insert(n.clone());
                order.push(n);
            }
        }
        Ok(Plan {
            tables: order
                .into_iter()
                .filter_map(|n| tables.remove(&n).map(|(t, _)| t))
                .collect(),
            skipped,
        })
    }
}

// ---------------------------------------------------------------------------------------
// The two sides

/// A transaction on one of the two databases: a read snapshot of the source or the
/// target's write.
enum Side {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// Runs `$body` with `$tx` bound to either side's transaction, where the same SQL serves
/// both databases (as `with_pool!` does for a store).
macro_rules! on_side {
    ($side:expr, $tx:ident => $body:expr) => {
        match $side {
            Side::Sqlite($tx) => $body,
            Side::Postgres($tx) => $body,
        }
    };
}

/// Triggers set aside while the copy writes, to be put back before it commits.
enum SetAside {
    /// SQLite: each trigger's name and its `CREATE TRIGGER` text.
    Sqlite(Vec<(String, String)>),
    /// PostgreSQL: (table, trigger, how it was enabled: `O`, `A` or `R`).
    Postgres(Vec<(String, String, String)>),
}

impl Side {
    /// A consistent snapshot of `store` for reading.
    async fn read(store: &Store) -> Result<Side, CopyError> {
        Ok(match store {
            // Deferred: the snapshot is taken at the first read and held to the end (WAL).
            Store::Sqlite(pool) => Side::Sqlite(pool.begin().await?),
            Store::Postgres(pool) => Side::Postgres(
                pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?,
            ),
        })
    }

    /// The transaction that writes the copy.
    async fn write(store: &Store) -> Result<Side, CopyError> {
        use crate::BeginWrite;
        Ok(match store {
            Store::Sqlite(pool) => {
                let mut tx = pool.begin_write().await?;
                // A safety net for a foreign-key cycle: checked at commit instead.
                sqlx::query("PRAGMA defer_foreign_keys = ON")
                    .execute(&mut *tx)
                    .await?;
                Side::Sqlite(tx)
            }
            Store::Postgres(pool) => Side::Postgres(pool.begin_write().await?),
        })
    }

    async fn commit(self) -> Result<(), CopyError> {
        on_side!(self, tx => tx.commit().await?);
        Ok(())
    }

    async fn execute(&mut self, sql: String) -> Result<(), CopyError> {
        on_side!(self, tx => {
            sqlx::query(AssertSqlSafe(sql)).execute(&mut **tx).await?;
        });
        Ok(())
    }

    async fn count(&mut self, table: &str) -> Result<i64, CopyError> {
        let sql = format!("SELECT count(*) FROM {}", quote(table));
        Ok(on_side!(self, tx => {
            sqlx::query_scalar(AssertSqlSafe(sql))
                .fetch_one(&mut **tx)
                .await?
        }))
    }

    /// Reads the catalogue.
    async fn schema(&mut self) -> Result<Schema, CopyError> {
        match self {
            Side::Sqlite(tx) => sqlite_schema(tx).await,
            Side::Postgres(tx) => pg_schema(tx).await,
        }
    }

    /// The SELECT reading `table` in key order, each column as its kind reads it.
    fn select(&self, table: &PlannedTable) -> String {
        let postgres = matches!(self, Side::Postgres(_));
        let columns: Vec<String> = table
            .columns
            .iter()
            .map(|c| match (postgres, &c.kind) {
                (true, Kind::Int) => format!("CAST({} AS BIGINT)", quote(&c.name)),
                (true, Kind::Json | Kind::Other) => format!("CAST({} AS TEXT)", quote(&c.name)),
                _ => quote(&c.name),
            })
            .collect();
        // The same order on both databases: text byte by byte (SQLite's BINARY, the "C"
        // collation on PostgreSQL, whatever the server's default), NULLs first.
        let order: Vec<String> = table
            .key
            .iter()
            .map(|k| {
                let kind = table.columns.iter().find(|c| &c.name == k).map(|c| &c.kind);
                match (postgres, kind) {
                    (true, Some(Kind::Text)) => format!("{} COLLATE \"C\" NULLS FIRST", quote(k)),
                    (true, _) => format!("{} NULLS FIRST", quote(k)),
                    (false, _) => format!("{} COLLATE BINARY", quote(k)),
                }
            })
            .collect();
        let mut sql = format!("SELECT {} FROM {}", columns.join(", "), quote(&table.name));
        if !order.is_empty() {
            sql.push_str(" ORDER BY ");
            sql.push_str(&order.join(", "));
        }
        sql
    }

    /// The table's rows in key order, streamed.
    fn rows<'c>(
        &'c mut self,
        table: &PlannedTable,
    ) -> BoxStream<'c, Result<Vec<Value>, CopyError>> {
        let sql = self.select(table);
        let table = table.clone();
        match self {
            Side::Sqlite(tx) => sqlx::query(AssertSqlSafe(sql))
                .fetch(&mut **tx)
                .map(move |row| {
                    let row = row?;
                    let values = sqlite_values(&row, table.columns.len())?;
                    let mut out = Vec::with_capacity(values.len());
                    for (v, c) in values.iter().cloned().zip(&table.columns) {
                        out.push(from_sqlite(v, &c.kind).map_err(|problem| {
                            CopyError::Unreadable {
                                table: table.name.clone(),
                                row: row_key(&table, &values),
                                column: c.name.clone(),
                                problem,
                            }
                        })?);
                    }
                    Ok(out)
                })
                .boxed(),
            Side::Postgres(tx) => sqlx::query(AssertSqlSafe(sql))
                .fetch(&mut **tx)
                .map(move |row| Ok(pg_values(&row?, &table.columns)?))
                .boxed(),
        }
    }

    /// Writes `rows` into `table` in one multi-row INSERT.
    async fn insert(
        &mut self,
        table: &PlannedTable,
        rows: Vec<Vec<Value>>,
    ) -> Result<(), CopyError> {
        let head = format!(
            "INSERT INTO {} ({}) ",
            quote(&table.name),
            table
                .columns
                .iter()
                .map(|c| quote(&c.name))
                .collect::<Vec<_>>()
                .join(", ")
        );
        match self {
            Side::Sqlite(tx) => {
                let mut qb = QueryBuilder::<Sqlite>::new(head);
                qb.push_values(rows, |mut b, row| {
                    for v in row {
                        bind_sqlite(&mut b, v);
                    }
                });
                qb.build().execute(&mut **tx).await?;
            }
            Side::Postgres(tx) => {
                let mut qb = QueryBuilder::<Postgres>::new(head);
                qb.push_values(rows, |mut b, row| {
                    for (v, c) in row.into_iter().zip(&table.columns) {
                        bind_pg(&mut b, v, c);
                    }
                });
                qb.build().execute(&mut **tx).await?;
            }
        }
        Ok(())
    }

    /// Refuses a target holding more rows in any table than a new book of this version
    /// (whose own rows the copy replaces). Names the table among them that most others
    /// refer to, which is what a person recognises: "debtors", not "audit_log".
    async fn refuse_unless_new(&mut self, schema: &Schema, plan: &Plan) -> Result<(), CopyError> {
        let new_book = new_book_counts().await?;
        let names = plan
            .tables
            .iter()
            .map(|t| t.name.clone())
            .chain(schema.tables.keys().cloned());
        let mut seen = BTreeSet::new();
        let mut holding = Vec::new();
        for name in names {
            if !seen.insert(name.clone()) {
                continue;
            }
            let rows = self.count(&name).await?;
            if rows > new_book.get(&name).copied().unwrap_or(0) {
                holding.push((name, rows));
            }
        }
        let referred = |name: &str| {
            schema
                .tables
                .iter()
                .filter(|(n, t)| n.as_str() != name && t.parents.contains(name))
                .count()
        };
        let others = holding.len().saturating_sub(1);
        // The most referred to; the first in copy order among equals.
        let first = holding
            .into_iter()
            .enumerate()
            .max_by_key(|(i, (name, _))| (referred(name), std::cmp::Reverse(*i)));
        match first {
            Some((_, (table, rows))) => Err(CopyError::TargetNotEmpty {
                table,
                rows,
                others,
            }),
            None => Ok(()),
        }
    }

    /// Sets every enabled trigger aside for this transaction.
    async fn set_triggers_aside(&mut self) -> Result<SetAside, CopyError> {
        match self {
            Side::Sqlite(tx) => {
                let triggers: Vec<(String, String)> = sqlx::query_as(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql IS NOT NULL ORDER BY rowid",
                )
                .fetch_all(&mut **tx)
                .await?;
                for (name, _) in &triggers {
                    sqlx::query(AssertSqlSafe(format!("DROP TRIGGER {}", quote(name))))
                        .execute(&mut **tx)
                        .await?;
                }
                Ok(SetAside::Sqlite(triggers))
            }
            Side::Postgres(tx) => {
                let triggers: Vec<(String, String, String)> = sqlx::query_as(
                    "SELECT c.relname::text, t.tgname::text, t.tgenabled::text FROM pg_trigger t \
                     JOIN pg_class c ON c.oid = t.tgrelid \
                     WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' \
                     AND c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema()) \
                     ORDER BY 1, 2",
                )
                .fetch_all(&mut **tx)
                .await?;
                // Only a table's owner (or a member of its owner role) may set its
                // triggers aside: asked first, so the refusal names the table.
                let (login, not_owned): (String, Option<String>) = sqlx::query_as(
                    "SELECT current_user::text, (SELECT c.relname::text FROM pg_class c \
                     WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema()) \
                     AND NOT pg_has_role(current_user, c.relowner, 'USAGE') \
                     AND EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal) \
                     ORDER BY c.relname LIMIT 1)",
                )
                .fetch_one(&mut **tx)
                .await?;
                if let Some(table) = not_owned {
                    return Err(CopyError::NotOwner { table, login });
                }
                for (table, trigger, _) in &triggers {
                    let sql = format!(
                        "ALTER TABLE {} DISABLE TRIGGER {}",
                        quote(table),
                        quote(trigger)
                    );
                    sqlx::query(AssertSqlSafe(sql)).execute(&mut **tx).await?;
                }
                Ok(SetAside::Postgres(triggers))
            }
        }
    }

    /// Puts the triggers back as they were.
    async fn restore_triggers(&mut self, set_aside: SetAside) -> Result<(), CopyError> {
        match set_aside {
            SetAside::Sqlite(triggers) => {
                for (_, sql) in triggers {
                    self.execute(sql).await?;
                }
            }
            SetAside::Postgres(triggers) => {
                for (table, trigger, how) in triggers {
                    let enable = match how.as_str() {
                        "A" => "ENABLE ALWAYS TRIGGER",
                        "R" => "ENABLE REPLICA TRIGGER",
                        _ => "ENABLE TRIGGER",
                    };
                    self.execute(format!(
                        "ALTER TABLE {} {enable} {}",
                        quote(&table),
                        quote(&trigger)
                    ))
                    .await?;
                }
            }
        }
        Ok(())
    }

    /// PostgreSQL: every identity or serial sequence moved past the copied ids, so the
    /// next record gets the next id. (SQLite takes the next rowid from the table itself.)
    async fn advance_sequences(&mut self) -> Result<(), CopyError> {
        let Side::Postgres(tx) = self else {
            return Ok(());
        };
        let sequences: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT quote_ident(n.nspname) || '.' || quote_ident(s.relname), t.relname::text, a.attname::text \
             FROM pg_class s \
             JOIN pg_namespace n ON n.oid = s.relnamespace \
             JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass \
                  AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') \
             JOIN pg_class t ON t.oid = d.refobjid \
             JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid \
             WHERE s.relkind = 'S' \
             AND t.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())",
        )
        .fetch_all(&mut **tx)
        .await?;
        for (sequence, table, column) in sequences {
            let sql = format!(
                "SELECT setval(CAST($1 AS regclass), COALESCE(MAX({}), 0) + 1, false) FROM {}",
                quote(&column),
                quote(&table)
            );
            sqlx::query(AssertSqlSafe(sql))
                .bind(sequence)
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }

    /// Rebuilds the target's search index from its debtors, as every debtor write does.
    /// Returns the debtors indexed.
    async fn rebuild_search(&mut self, schema: &Schema) -> Result<u64, CopyError> {
        let has_index = if schema.postgres {
            schema
                .tables
                .get(PG_SEARCH_COLUMN.0)
                .is_some_and(|t| t.columns.iter().any(|c| c.name == PG_SEARCH_COLUMN.1))
        } else {
            schema.virtual_tables.contains(SQLITE_SEARCH_TABLE)
        };
        if !has_index {
            return Ok(0);
        }
        if let Side::Sqlite(tx) = self {
            sqlx::query("DELETE FROM debtors_fts")
                .execute(&mut **tx)
                .await?;
        }
        const PAGE: i64 = 2_000;
        let mut after = 0i64;
        let mut indexed = 0u64;
        loop {
            let page = self.debtor_page(after, PAGE).await?;
            let Some(last) = page.last() else {
                break;
            };
            after = last.0;
            indexed += page.len() as u64;
            match self {
                Side::Sqlite(tx) => {
                    let mut qb = QueryBuilder::<Sqlite>::new(
                        "INSERT INTO debtors_fts (rowid, name, external_ref, emails, city) ",
                    );
                    qb.push_values(page, |mut b, (id, name, reference, emails, city)| {
                        let (name, reference, emails, city) =
                            crate::debtors::fts_columns_of(&name, &reference, &emails, &city);
                        b.push_bind(id)
                            .push_bind(name)
                            .push_bind(reference)
                            .push_bind(emails)
                            .push_bind(city);
                    });
                    qb.build().execute(&mut **tx).await?;
                }
                Side::Postgres(tx) => {
                    let mut qb = QueryBuilder::<Postgres>::new(
                        "UPDATE debtors AS d SET search = to_tsvector('simple', v.t) FROM (",
                    );
                    qb.push_values(page, |mut b, (id, name, reference, emails, city)| {
                        b.push_bind(id).push_bind(crate::debtors::search_text_of(
                            &name, &reference, &emails, &city,
                        ));
                    });
                    qb.push(") AS v (id, t) WHERE d.id = v.id");
                    qb.build().execute(&mut **tx).await?;
                }
            }
        }
        Ok(indexed)
    }

    /// Debtors after id `after`: (id, name, reference, contact emails, city), as indexed.
    async fn debtor_page(&mut self, after: i64, limit: i64) -> Result<Vec<Indexed>, CopyError> {
        const DEBTORS: &str = "SELECT id, name, COALESCE(external_ref, ''), city FROM debtors \
                               WHERE id > $1 ORDER BY id LIMIT $2";
        const EMAILS: &str = "SELECT debtor_id, email FROM debtor_contacts \
                              WHERE debtor_id > $1 AND debtor_id <= $2 ORDER BY debtor_id, position";
        let (debtors, contacts): (Vec<StoredDebtor>, Vec<(i64, String)>) = on_side!(self, tx => {
            let d: Vec<StoredDebtor> = sqlx::query_as(DEBTORS)
                .bind(after)
                .bind(limit)
                .fetch_all(&mut **tx)
                .await?;
            let last = d.last().map_or(after, |r| r.0);
            let c = sqlx::query_as(EMAILS)
                .bind(after)
                .bind(last)
                .fetch_all(&mut **tx)
                .await?;
            (d, c)
        });
        // The emails as a debtor write joins them (trimmed, empty ones left out).
        let mut emails: HashMap<i64, Vec<String>> = HashMap::new();
        for (id, email) in contacts {
            let email = email.trim();
            if !email.is_empty() {
                emails.entry(id).or_default().push(email.to_string());
            }
        }
        Ok(debtors
            .into_iter()
            .map(|(id, name, reference, city)| {
                let e = emails.remove(&id).unwrap_or_default().join(" ");
                (id, name, reference, e, city)
            })
            .collect())
    }
}

/// A debtor as its search entry is made: (id, name, reference, city).
type StoredDebtor = (i64, String, String, String);
/// (id, name, reference, contact emails, city).
type Indexed = (i64, String, String, String, String);

/// The row's key for a message: "id 42", "debtor_id 3, iban DE89...".
fn row_key(table: &PlannedTable, values: &[Value]) -> String {
    table
        .key
        .iter()
        .filter_map(|k| {
            let i = table.columns.iter().position(|c| &c.name == k)?;
            let v = match &values[i] {
                Value::Null => "NULL".to_string(),
                Value::Int(n) => n.to_string(),
                Value::Text(s) => s.clone(),
                other => other.canonical(&Kind::Dynamic).unwrap_or_default(),
            };
            Some(format!("{k} {v}"))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Rows per table in a new book of this version: the migrations' own (the default dunning
/// policy and its levels, the empty event chain). The migrations seed the same rows on
/// both backends; the SQLite ones are run on a database in memory.
async fn new_book_counts() -> Result<HashMap<String, i64>, CopyError> {
    let options = SqliteConnectOptions::from_str("sqlite::memory:")?.foreign_keys(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await?;
    SQLITE_MIGRATIONS
        .run(&pool)
        .await
        .map_err(StoreError::from)?;
    let mut tx = pool.begin().await?;
    let schema = sqlite_schema(&mut tx).await?;
    let mut counts = HashMap::new();
    for name in schema.tables.keys() {
        let n: i64 = sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT count(*) FROM {}",
            quote(name)
        )))
        .fetch_one(&mut *tx)
        .await?;
        counts.insert(name.clone(), n);
    }
    drop(tx);
    pool.close().await;
    Ok(counts)
}

async fn sqlite_schema(tx: &mut Transaction<'static, Sqlite>) -> Result<Schema, CopyError> {
    let list: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, type FROM pragma_table_list WHERE schema = 'main' \
         AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut schema = Schema::default();
    for (name, kind) in list {
        match kind.as_str() {
            "table" => {}
            "virtual" => {
                if name != SQLITE_SEARCH_TABLE {
                    return Err(CopyError::SchemaDiffers(format!(
                        "virtual table {name} is not one the copy knows how to rebuild"
                    )));
                }
                schema.virtual_tables.insert(name);
                continue;
            }
            // Shadow tables of a virtual table, views: not data.
            _ => continue,
        }
        // hidden: 0 a column, 2 and 3 generated columns.
        let cols: Vec<(String, i64, i64)> =
            sqlx::query_as("SELECT name, pk, hidden FROM pragma_table_xinfo($1) ORDER BY cid")
                .bind(&name)
                .fetch_all(&mut **tx)
                .await?;
        let parents: Vec<(String,)> =
            sqlx::query_as("SELECT DISTINCT \"table\" FROM pragma_foreign_key_list($1)")
                .bind(&name)
                .fetch_all(&mut **tx)
                .await?;
        let mut key: Vec<(i64, String)> = cols
            .iter()
            .filter(|c| c.1 > 0)
            .map(|c| (c.1, c.0.clone()))
            .collect();
        key.sort();
        let columns: Vec<ColumnInfo> = cols
            .iter()
            .filter(|c| c.2 != 1)
            .map(|c| ColumnInfo {
                name: c.0.clone(),
                pg_type: None,
                derived: c.2 >= 2,
            })
            .collect();
        let key = if key.is_empty() {
            columns
                .iter()
                .filter(|c| !c.derived)
                .map(|c| c.name.clone())
                .collect()
        } else {
            key.into_iter().map(|k| k.1).collect()
        };
        schema.tables.insert(
            name,
            TableInfo {
                columns,
                key,
                parents: parents.into_iter().map(|p| p.0).collect(),
            },
        );
    }
    Ok(schema)
}

async fn pg_schema(tx: &mut Transaction<'static, Postgres>) -> Result<Schema, CopyError> {
    const HERE: &str = "(SELECT oid FROM pg_namespace WHERE nspname = current_schema())";
    let columns: Vec<(String, String, String, bool)> = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod), \
         a.attgenerated <> '' \
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
         WHERE c.relnamespace = {HERE} AND c.relkind IN ('r', 'p') AND NOT c.relispartition \
         AND c.relname <> '_sqlx_migrations' AND a.attnum > 0 AND NOT a.attisdropped \
         ORDER BY c.relname, a.attnum"
    )))
    .fetch_all(&mut **tx)
    .await?;
    let keys: Vec<(String, String)> = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT c.relname::text, a.attname::text FROM pg_index i \
         JOIN pg_class c ON c.oid = i.indrelid \
         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) \
         WHERE i.indisprimary AND c.relnamespace = {HERE} \
         ORDER BY c.relname, array_position(i.indkey::int2[], a.attnum)"
    )))
    .fetch_all(&mut **tx)
    .await?;
    let parents: Vec<(String, String)> = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT c.relname::text, p.relname::text FROM pg_constraint k \
         JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid \
         WHERE k.contype = 'f' AND c.relnamespace = {HERE}"
    )))
    .fetch_all(&mut **tx)
    .await?;
    let mut schema = Schema {
        postgres: true,
        ..Default::default()
    };
    for (table, column, pg_type, generated) in columns {
        let derived = generated || pg_type == "tsvector";
        if pg_type == "tsvector" && (table.as_str(), column.as_str()) != PG_SEARCH_COLUMN {
            return Err(CopyError::SchemaDiffers(format!(
                "column {table}.{column} is a search index the copy does not know how to rebuild"
            )));
        }
        schema
            .tables
            .entry(table)
            .or_default()
            .columns
            .push(ColumnInfo {
                name: column,
                pg_type: Some(pg_type),
                derived,
            });
    }
    for (table, column) in keys {
        if let Some(t) = schema.tables.get_mut(&table) {
            t.key.push(column);
        }
    }
    for (table, parent) in parents {
        if let Some(t) = schema.tables.get_mut(&table) {
            t.parents.insert(parent);
        }
    }
    for t in schema.tables.values_mut() {
        if t.key.is_empty() {
            t.key = t
                .columns
                .iter()
                .filter(|c| !c.derived)
                .map(|c| c.name.clone())
                .collect();
        }
    }
    Ok(schema)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_canonical_form_for_both_databases() {
        let table = |kind: Kind| PlannedTable {
            name: "t".into(),
            columns: vec![PlannedColumn {
                name: "c".into(),
                kind,
                pg_type: None,
            }],
            key: vec!["c".into()],
        };
        // sqlx writes nanoseconds to SQLite; PostgreSQL keeps microseconds.
        let sqlite = from_sqlite(
            Value::Text("2026-12-07T15:53:07.438735034+00:00".into()),
            &Kind::Timestamp,
        )
        .unwrap();
        let pg = Value::Timestamp(
            DateTime::parse_from_rfc3339("2026-12-07T15:53:07.438735Z")
                .unwrap()
                .with_timezone(&Utc),
        );
        assert_eq!(
            canonical(&[sqlite], &table(Kind::Timestamp)),
            canonical(&[pg], &table(Kind::Timestamp))
        );
        // The migrations' seed writes 'Z' on SQLite.
        assert_eq!(
            from_sqlite(Value::Text("2026-01-01T00:00:00Z".into()), &Kind::Timestamp).unwrap(),
            from_sqlite(
                Value::Text("2026-01-01T00:00:00+00:00".into()),
                &Kind::Timestamp
            )
            .unwrap()
        );
        assert_eq!(
            from_sqlite(Value::Int(1), &Kind::Bool).unwrap(),
            Value::Bool(true)
        );
        // jsonb reorders keys and adds spaces.
        assert_eq!(
            canonical(
                &[Value::Text(r#"{"b":1,"a":"x"}"#.into())],
                &table(Kind::Json)
            ),
            canonical(
                &[Value::Text(r#"{"a": "x", "b": 1}"#.into())],
                &table(Kind::Json)
            )
        );
        assert!(from_sqlite(Value::Text("2024-13-01".into()), &Kind::Date)
            .unwrap_err()
            .contains("not a date"));
    }

    #[test]
    fn parents_are_copied_before_the_tables_that_refer_to_them() {
        let table = |parents: &[&str]| TableInfo {
            columns: vec![ColumnInfo {
                name: "id".into(),
                pg_type: None,
                derived: false,
            }],
            key: vec!["id".into()],
            parents: parents.iter().map(|p| p.to_string()).collect(),
        };
        let mut schema = Schema::default();
        schema
            .tables
            .insert("allocations".into(), table(&["payments", "invoices"]));
        schema.tables.insert("invoices".into(), table(&["debtors"]));
        schema
            .tables
            .insert("payments".into(), table(&["debtors", "invoices"]));
        schema.tables.insert("debtors".into(), table(&["debtors"]));
        let plan = Plan::new(&schema, &schema).unwrap();
        let order: Vec<&str> = plan.tables.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(order, ["debtors", "invoices", "payments", "allocations"]);
    }
}
