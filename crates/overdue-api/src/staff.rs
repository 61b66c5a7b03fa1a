//! Staff, roles and who did what (issue 18): the staff of a shared book, the login the app
//! is signed in as, the audit trail the database writes, and the check of the contact
//! log's hash chain. The rights themselves are the database's (GRANTs per role, see
//! `overdue_store::staff`); this module says in words who may do what.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use overdue_store::{AuditQuery, StaffRole as StoreRole};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Api, ApiError, ErrorCode};

/// What a staff member may do in a book.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum StaffRole {
    /// Everything: staff, settings, policies, templates, upgrades.
    Owner,
    /// The ledger: debtors, invoices, payments, credit notes, write-offs, imports, bank.
    Accountant,
    /// Collections: dunning, calls, notes, promises, plans, settlements, disputes.
    Collector,
    /// Reads everything, changes nothing.
    Viewer,
}

impl StaffRole {
    fn to_store(self) -> StoreRole {
        match self {
            StaffRole::Owner => StoreRole::Owner,
            StaffRole::Accountant => StoreRole::Accountant,
            StaffRole::Collector => StoreRole::Collector,
            StaffRole::Viewer => StoreRole::Viewer,
        }
    }

    fn of(r: StoreRole) -> StaffRole {
        match r {
            StoreRole::Owner => StaffRole::Owner,
            StoreRole::Accountant => StaffRole::Accountant,
            StoreRole::Collector => StaffRole::Collector,
            StoreRole::Viewer => StaffRole::Viewer,
        }
    }

    /// The role's name ("collector").
    pub fn as_str(self) -> &'static str {
        self.to_store().as_str()
    }

    /// From its name, or a sentence listing the roles.
    pub fn parse(s: &str) -> Result<StaffRole, ApiError> {
        StoreRole::parse(s).map(StaffRole::of).ok_or_else(|| {
            ApiError::invalid(format!(
                "\"{s}\" is not a role: choose owner, accountant, collector or viewer."
            ))
        })
    }

    /// What the role may do, in a line (Settings > Staff and `staff list` show it).
    pub fn duties(self) -> &'static str {
        match self {
            StaffRole::Owner => "everything: staff, settings, policies, templates, upgrades",
            StaffRole::Accountant => {
                "debtors, invoices, payments, credit notes, write-offs, imports, bank statements"
            }
            StaffRole::Collector => {
                "dunning runs, calls, notes, promises, payment plans, settlements, disputes"
            }
            StaffRole::Viewer => "reads everything, changes nothing",
        }
    }
}

/// What a role may change, for the window to disable the rest up front (the database
/// refuses it anyway).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StaffMay {
    /// Debtors, invoices, payments, credit notes, write-offs, imports, bank statements.
    pub ledger: bool,
    /// Dunning, promises, plans, settlements, holds, disputes, agencies.
    pub collections: bool,
    /// Settings, policies, templates, staff.
    pub settings: bool,
}

impl StaffRole {
    /// What the role may change.
    pub fn may(self) -> StaffMay {
        StaffMay {
            ledger: matches!(self, StaffRole::Owner | StaffRole::Accountant),
            collections: matches!(self, StaffRole::Owner | StaffRole::Collector),
            settings: self == StaffRole::Owner,
        }
    }
}

/// Who the app is signed in as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SignedInDto {
    /// The login (the OS user for a SQLite book).
    pub login: String,
    /// Its role in this book.
    pub role: StaffRole,
    /// What the role may do, in words.
    pub duties: String,
    /// True on a shared book (PostgreSQL), where staff and roles exist.
    pub shared: bool,
    /// What the role may change.
    pub may: StaffMay,
    /// Sees and works only the debtors whose account manager is this login.
    pub own_debtors_only: bool,
}

/// One staff member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StaffDto {
    /// Their PostgreSQL login.
    pub login: String,
    /// Their name.
    pub name: String,
    /// What they may do.
    pub role: StaffRole,
    /// A collector who sees and works only the debtors whose account manager is their
    /// login (the database's row-level security).
    pub own_debtors_only: bool,
    /// True for the login the app is signed in as.
    pub is_you: bool,
}

/// A new staff member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StaffInput {
    /// Their login on the server (lower-case letters, digits, `_ . -`).
    pub login: String,
    /// Their name.
    pub name: String,
    /// What they may do.
    pub role: StaffRole,
    /// A collector limited to the debtors whose account manager is their login.
    #[serde(default)]
    pub own_debtors_only: bool,
    /// Their first password; none: one is made up and shown once.
    pub password: Option<String>,
}

/// A staff member added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StaffAdded {
    /// The login.
    pub login: String,
    /// The password made up for them, to hand over (shown once, stored nowhere), when
    /// none was given.
    pub password: Option<String>,
}

/// What kind of change an audit entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AuditAction {
    /// A row was added.
    Insert,
    /// A row was changed.
    Update,
    /// A row was removed.
    Delete,
}

/// Which audit entries to read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AuditLogQuery {
    /// Only changes concerning this debtor (its reference, or `#id`).
    pub debtor: Option<String>,
    /// Only changes made on or after this day.
    #[ts(type = "string | null")]
    pub since: Option<NaiveDate>,
    /// Only the newest this many (newest first); none: all, oldest first.
    pub limit: Option<u32>,
}

/// One change in the audit trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AuditEntryDto {
    /// Its number, increasing in the order changes were written.
    #[ts(type = "number")]
    pub id: i64,
    /// When (UTC, RFC 3339).
    #[ts(type = "string")]
    pub at: DateTime<Utc>,
    /// Who: the login that made the change.
    pub login: String,
    /// The table changed.
    pub table: String,
    /// Added, changed or removed.
    pub action: AuditAction,
    /// The row's id (a setting's key).
    pub key: String,
    /// The debtor it concerns (its reference), when one.
    pub debtor: Option<String>,
    /// The row before (none for an insert).
    #[ts(type = "Record<string, unknown> | null")]
    pub old: Option<serde_json::Value>,
    /// The row after (none for a delete).
    #[ts(type = "Record<string, unknown> | null")]
    pub new: Option<serde_json::Value>,
    /// What an update changed, field by field, as "field: old -> new" (empty for an
    /// insert or delete).
    pub changes: Vec<String>,
}

/// The fields an update changed, as "field: old -> new".
pub(crate) fn changes(
    old: Option<&serde_json::Value>,
    new: Option<&serde_json::Value>,
) -> Vec<String> {
    let (Some(old), Some(new)) = (
        old.and_then(|v| v.as_object()),
        new.and_then(|v| v.as_object()),
    ) else {
        return Vec::new();
    };
    new.iter()
        .filter(|(k, v)| old.get(*k) != Some(*v))
        .map(|(k, v)| {
            let before = old.get(k).map_or("-".to_string(), show);
            format!("{k}: {before} -> {}", show(v))
        })
        .collect()
}

/// True when the audit entry's row (after, else before) has `field` = `id` (a number in
/// PostgreSQL's JSON, a number or text in SQLite's).
pub(crate) fn audit_field_is(e: &overdue_store::AuditRecord, field: &str, id: i64) -> bool {
    [&e.new, &e.old].into_iter().flatten().any(|row| {
        row.get(field)
            .is_some_and(|v| v.as_i64() == Some(id) || v.as_str() == Some(&id.to_string()))
    })
}

/// The refusal of a save over someone else's change: `who` ("maria changed this debtor at
/// ... UTC (...)"), then that nothing was saved and what to do.
pub(crate) fn stale_refusal(who: &str, what: &str) -> ApiError {
    ApiError::new(
        ErrorCode::Stale,
        format!(
            "{who} after you opened it. Nothing of yours was saved: reload to see the {what} as it is now, then make your change again."
        ),
    )
}

fn show(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => format!("\"{s}\""),
        other => other.to_string(),
    }
}

/// The first event that does not fit the contact log's chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ChainBreakDto {
    /// The event's number.
    #[ts(type = "number | null")]
    pub event: Option<i64>,
    /// Its debtor's reference.
    pub debtor: Option<String>,
    /// What does not fit, in words.
    pub why: String,
}

/// What `audit verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AuditVerifyDto {
    /// True when every event fits the chain.
    pub intact: bool,
    /// Events checked.
    #[ts(type = "number")]
    pub events: u64,
    /// The chain's newest hash (write it down to prove later that nothing was rewritten).
    pub head: Option<String>,
    /// The first break.
    pub broken: Option<ChainBreakDto>,
}

/// Settings key of the collectors' settlement limit (percent off the claim, a JSON number):
/// the database's settlement trigger reads it (migration 0019).
const SETTLEMENT_LIMIT: &str = "collector_settlement_limit_percent";
/// Until the owner sets one.
const DEFAULT_SETTLEMENT_LIMIT: &str = "10";

/// A password to hand over: 20 letters and digits (no look-alikes), from the OS's random
/// numbers.
fn new_password() -> Result<String, ApiError> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes)
        .map_err(|e| ApiError::new(ErrorCode::Internal, format!("no random numbers: {e}")))?;
    Ok(bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect())
}

impl Api {
    /// What `pick` makes of the newest entry of the audit trail it describes, among the
    /// `limit` newest (of `debtor_id`, or of the whole book): who changed a record last.
    pub(crate) async fn newest_audit<T>(
        &self,
        debtor_id: Option<i64>,
        limit: i64,
        pick: impl Fn(&overdue_store::AuditRecord) -> Option<T>,
    ) -> Option<T> {
        self.store()
            .await
            .audit_log(&AuditQuery {
                debtor_id,
                since: None,
                limit: Some(limit),
            })
            .await
            .unwrap_or_default()
            .iter()
            .find_map(pick)
    }

    /// Who the app is signed in as, and what their role may do.
    pub async fn signed_in(&self) -> Result<SignedInDto, ApiError> {
        let store = self.store().await;
        let me = store.signed_in().await?;
        let role = StaffRole::of(me.role);
        let duties = if me.own_debtors_only {
            format!(
                "{}, for the debtors whose account manager is {}",
                role.duties(),
                me.login
            )
        } else {
            role.duties().to_string()
        };
        Ok(SignedInDto {
            login: me.login,
            role,
            duties,
            shared: matches!(store, overdue_store::Store::Postgres(_)),
            may: role.may(),
            own_debtors_only: me.own_debtors_only,
        })
    }

    /// A refusal by the database, said with who is signed in and what their role may do
    /// ("You are signed in as maria (collector), and a collector may not change invoices
    /// ..."); any other error as it is.
    pub async fn explain_refusal(&self, e: ApiError) -> ApiError {
        // A debtor a collector limited to their own cannot see does not exist for them:
        // say why, instead of leaving them to doubt the reference.
        if e.code == ErrorCode::NotFound && e.message.to_lowercase().starts_with("debtor") {
            return match self.signed_in().await {
                Ok(me) if me.own_debtors_only => ApiError::new(
                    ErrorCode::NotFound,
                    format!(
                        "{}. You are signed in as {}, who sees only the debtors whose account manager is {}: ask the book's owner if this one should be yours.",
                        e.message.trim_end().trim_end_matches('.'),
                        me.login,
                        me.login
                    ),
                ),
                _ => e,
            };
        }
        if e.code != ErrorCode::Forbidden {
            return e;
        }
        let Ok(me) = self.signed_in().await else {
            return e;
        };
        let Some(what) = e
            .message
            .strip_prefix(crate::error::FORBIDDEN)
            .and_then(|m| m.split_once(". ").map(|(w, _)| w))
        else {
            return e;
        };
        let role = me.role.as_str();
        let a = if matches!(me.role, StaffRole::Owner | StaffRole::Accountant) {
            "An"
        } else {
            "A"
        };
        ApiError::new(
            ErrorCode::Forbidden,
            format!(
                "You are signed in as {} ({role}): {} {role} may not {what}. {a} {role}'s work: {}. Ask the book's owner if you need more.",
                me.login,
                a.to_lowercase(),
                me.duties
            ),
        )
    }

    async fn owner_only(&self, action: &str) -> Result<(), ApiError> {
        let me = self.signed_in().await?;
        if !me.shared {
            return Err(ApiError::invalid(
                "Staff need a shared book on a PostgreSQL server: a SQLite book has one user, you. Move the book to a server first (overdue book copy).",
            ));
        }
        if me.role != StaffRole::Owner {
            return Err(ApiError::new(
                ErrorCode::Forbidden,
                format!(
                    "You are signed in as {} ({}): only the book's owner may {action}.",
                    me.login,
                    me.role.as_str()
                ),
            ));
        }
        Ok(())
    }

    /// The book's staff, the owner first.
    pub async fn staff_list(&self) -> Result<Vec<StaffDto>, ApiError> {
        Ok(self
            .store()
            .await
            .staff_list()
            .await?
            .into_iter()
            .map(|s| StaffDto {
                login: s.login,
                name: s.name,
                role: StaffRole::of(s.role),
                own_debtors_only: s.own_debtors_only,
                is_you: s.is_you,
            })
            .collect())
    }

    /// Adds a staff member with their own login (owner only).
    pub async fn staff_add(&self, input: StaffInput) -> Result<StaffAdded, ApiError> {
        self.owner_only("add staff").await?;
        let login = input.login.trim().to_string();
        overdue_store::check_login(&login).map_err(|e| ApiError::invalid(format!("Login: {e}")))?;
        if input.name.trim().is_empty() {
            return Err(ApiError::invalid("Name: enter the staff member's name."));
        }
        let made_up =
            match input.password.as_deref().map(str::trim) {
                Some("") | None => Some(new_password()?),
                Some(p) if p.len() < 8 => return Err(ApiError::invalid(
                    "Password: use at least 8 characters (or leave it empty to have one made up).",
                )),
                Some(_) => None,
            };
        let password = made_up.as_deref().or(input.password.as_deref());
        self.store()
            .await
            .staff_add(
                &login,
                &input.name,
                input.role.to_store(),
                input.own_debtors_only,
                password,
                self.clock().now(),
            )
            .await
            .map_err(|e| match e {
                overdue_store::StoreError::Forbidden(_) => ApiError::new(
                    ErrorCode::Forbidden,
                    "The server refused to create the login: the book's owner needs the CREATEROLE right (ALTER ROLE owner CREATEROLE, as the server's administrator).",
                ),
                other => other.into(),
            })?;
        tracing::info!(login = %login, role = input.role.as_str(), "staff added");
        Ok(StaffAdded {
            login,
            password: made_up,
        })
    }

    /// Gives a staff member another role (owner only).
    pub async fn staff_set_role(&self, login: &str, role: StaffRole) -> Result<(), ApiError> {
        self.owner_only("change a staff member's role").await?;
        self.store()
            .await
            .staff_set_role(login.trim(), role.to_store())
            .await?;
        tracing::info!(login, role = role.as_str(), "staff role changed");
        Ok(())
    }

    /// Limits a collector to the debtors whose account manager is their login, or lets
    /// them see every debtor again (owner only). The database enforces it (row-level
    /// security), also for the collector's own psql.
    pub async fn staff_set_own_debtors(&self, login: &str, own: bool) -> Result<(), ApiError> {
        self.owner_only("limit a collector to their own debtors")
            .await?;
        self.store()
            .await
            .staff_set_own_debtors(login.trim(), own, self.clock().now())
            .await?;
        tracing::info!(login, own, "collector's debtors set");
        Ok(())
    }

    /// How much off the claim a collector may give in a settlement, in percent (the
    /// owner's limit; 10 until set). The database holds collectors to it.
    pub async fn collector_settlement_limit(&self) -> Result<String, ApiError> {
        let stored = self.store().await.setting(SETTLEMENT_LIMIT).await?;
        Ok(stored.unwrap_or_else(|| DEFAULT_SETTLEMENT_LIMIT.to_string()))
    }

    /// Sets how much off the claim a collector may give in a settlement (owner only), a
    /// percentage from 0 to 100 ("12.5" or "12,5").
    pub async fn collector_settlement_limit_set(&self, percent: &str) -> Result<String, ApiError> {
        self.owner_only("set the collectors' settlement limit")
            .await?;
        let text = percent
            .trim()
            .trim_end_matches('%')
            .trim()
            .replace(',', ".");
        let value: rust_decimal::Decimal = text.parse().map_err(|_| {
            ApiError::invalid(format!(
                "\"{percent}\" is not a percentage: write a number from 0 to 100, e.g. 15"
            ))
        })?;
        if value < rust_decimal::Decimal::ZERO || value > rust_decimal::Decimal::ONE_HUNDRED {
            return Err(ApiError::invalid(format!(
                "{value} % is not a limit: write a number from 0 to 100, e.g. 15"
            )));
        }
        let value = value.normalize().to_string();
        self.store()
            .await
            .set_setting(SETTLEMENT_LIMIT, &value)
            .await?;
        tracing::info!(percent = %value, "collectors' settlement limit set");
        Ok(value)
    }

    /// Takes a staff member out of the book (owner only); what they did stays on record.
    pub async fn staff_remove(&self, login: &str) -> Result<(), ApiError> {
        self.owner_only("remove staff").await?;
        self.store().await.staff_remove(login.trim()).await?;
        tracing::info!(login, "staff removed");
        Ok(())
    }

    /// The audit trail: who changed what, when, with the old and new values.
    pub async fn audit_log(&self, q: &AuditLogQuery) -> Result<Vec<AuditEntryDto>, ApiError> {
        let debtor_id = match q.debtor.as_deref().map(str::trim) {
            Some(key) if !key.is_empty() => Some(self.debtor_id_by_key(key).await?),
            _ => None,
        };
        let store = self.store().await;
        let rows = store
            .audit_log(&AuditQuery {
                debtor_id,
                since: q
                    .since
                    .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc()),
                limit: q.limit.map(i64::from),
            })
            .await?;
        let mut refs: HashMap<i64, Option<String>> = HashMap::new();
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let debtor = match r.debtor_id {
                Some(id) => match refs.get(&id) {
                    Some(known) => known.clone(),
                    None => {
                        let reference = store.debtor(id).await.ok().map(|d| d.draft.external_ref);
                        refs.insert(id, reference.clone());
                        reference
                    }
                },
                None => None,
            };
            out.push(AuditEntryDto {
                id: r.id,
                at: r.at,
                login: r.login,
                table: r.table,
                action: match r.action.as_str() {
                    "insert" => AuditAction::Insert,
                    "delete" => AuditAction::Delete,
                    _ => AuditAction::Update,
                },
                key: r.row_key,
                debtor,
                changes: changes(r.old.as_ref(), r.new.as_ref()),
                old: r.old,
                new: r.new,
            });
        }
        Ok(out)
    }

    /// Checks the contact log against its hash chain and names the first event that does
    /// not fit.
    pub async fn audit_verify(&self) -> Result<AuditVerifyDto, ApiError> {
        let store = self.store().await;
        let report = store.verify_event_chain().await?;
        let broken = match report.broken {
            Some(b) => {
                let debtor = match b.debtor_id {
                    Some(id) => store.debtor(id).await.ok().map(|d| d.draft.external_ref),
                    None => None,
                };
                Some(ChainBreakDto {
                    event: b.event_id,
                    debtor,
                    why: b.why,
                })
            }
            None => None,
        };
        if let Some(b) = &broken {
            tracing::warn!(event = ?b.event, why = %b.why, "the contact log does not fit its chain");
        }
        Ok(AuditVerifyDto {
            intact: broken.is_none(),
            events: report.events,
            head: report.head,
            broken,
        })
    }
}
