//! Staff and roles of a shared book (PostgreSQL), enforced by the database.
//!
//! Each staff member is a PostgreSQL login of their own. The book has one group role per
//! kind of work, named after its database (`<db>_accountant`, `<db>_collector`,
//! `<db>_viewer`), holding that work's rights (GRANTs); a login is made a member of one.
//! The **owner** is the role that owns the database (an owner added as staff becomes a
//! member of it). Only the owner, who needs CREATEROLE, adds, changes and removes staff;
//! the grants are applied again after every upgrade, so new tables are covered. A staff
//! login that bypasses the app (psql) can do no more than its role: the rights are the
//! database's, not the window's.
//!
//! A SQLite book has one user, the OS user, who is its owner.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{Store, StoreError};

/// What a staff member may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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
    /// Every role, the most rights first.
    pub const ALL: [StaffRole; 4] = [
        StaffRole::Owner,
        StaffRole::Accountant,
        StaffRole::Collector,
        StaffRole::Viewer,
    ];

    /// The name as the CLI and the database's `staff` table write it.
    pub fn as_str(self) -> &'static str {
        match self {
            StaffRole::Owner => "owner",
            StaffRole::Accountant => "accountant",
            StaffRole::Collector => "collector",
            StaffRole::Viewer => "viewer",
        }
    }

    /// From its name.
    pub fn parse(s: &str) -> Option<StaffRole> {
        StaffRole::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }
}

/// Tables every role that writes needs, because its work is logged or derived there.
const LOGGED: &[&str] = &[
    "events",
    "event_hashes",
    "documents",
    "score_history",
    "debtor_risk",
];

/// The accountant's tables (insert and update; `debtor_contacts`, `bank_ignore_rules` also
/// delete, as editing a debtor's contacts and the bank's ignore rules replaces them).
const ACCOUNTANT: &[&str] = &[
    "debtors",
    "debtor_contacts",
    "invoices",
    "payments",
    "allocations",
    "invoice_adjustments",
    "invoice_disputes",
    "bank_accounts",
    "bank_statements",
    "bank_entries",
    "bank_ignore_rules",
    "debtor_ibans",
    "debtor_credit",
    "charges",
    "imports",
];
const ACCOUNTANT_DELETE: &[&str] = &["debtor_contacts", "bank_ignore_rules"];
/// What a payment moves on its own: a promise kept, a plan's installment paid, an offer
/// settled (update only: the accountant does not make promises or plans).
const ACCOUNTANT_UPDATE: &[&str] = &[
    "promises",
    "payment_plans",
    "plan_installments",
    "settlement_offers",
    "collection_holds",
    "dunning_actions",
];

/// The collector's tables (insert and update; a dunning run's own actions also delete, as
/// re-planning a day replaces its planned steps).
const COLLECTOR: &[&str] = &[
    "promises",
    "payment_plans",
    "payment_plan_invoices",
    "plan_installments",
    "settlement_offers",
    "settlement_offer_invoices",
    "collection_holds",
    "dunning_actions",
    "dunning_action_invoices",
    "invoice_disputes",
    "agency_cases",
    "agency_case_invoices",
    "agency_collections",
    "charges",
    "attachments",
];
const COLLECTOR_DELETE: &[&str] = &["dunning_actions", "dunning_action_invoices"];

/// Only a collector is limited to their own debtors: the ledger's and the owner's work is
/// the whole book's.
fn only_for_collectors(role: StaffRole, own: bool) -> Result<(), StoreError> {
    if own && role != StaffRole::Collector {
        return Err(StoreError::Rejected(format!(
            "only a collector can be limited to their own debtors, not the {} role",
            role.as_str()
        )));
    }
    Ok(())
}

/// True for the session of a collector limited to their own debtors (an uncorrelated
/// subquery: PostgreSQL evaluates it once per statement, so every other login pays one
/// lookup, not one per row).
const RESTRICTED: &str =
    "EXISTS (SELECT 1 FROM staff s WHERE s.login = session_user AND s.own_debtors_only)";

/// Row-level security for collectors limited to their own debtors: every table that names
/// a debtor or an invoice (read from the catalog, so tables added by later upgrades are
/// covered when the grants are applied again after them) shows and takes only the rows of
/// debtors whose account manager is the session's login; other logins see every row. The
/// book's owner owns the tables and is not subject to their policies, nor are the audit
/// trail's triggers, which run as the owner.
async fn own_debtors_policies(
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
) -> Result<Vec<String>, StoreError> {
    let tables: Vec<(String, bool)> = sqlx::query_as(
        "SELECT c.relname::text, bool_or(a.attname = 'debtor_id') FROM pg_class c \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped \
         WHERE n.nspname = current_schema() AND c.relkind = 'r' \
           AND (a.attname IN ('debtor_id', 'invoice_id') OR (c.relname = 'debtors' AND a.attname = 'id')) \
         GROUP BY c.relname ORDER BY c.relname",
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut sql = Vec::new();
    for (table, names_debtor) in tables {
        let own = if table == "debtors" {
            "account_manager = session_user".to_string()
        } else if table == "invoices" || names_debtor {
            "debtor_id IN (SELECT id FROM debtors)".to_string()
        } else {
            "invoice_id IN (SELECT id FROM invoices)".to_string()
        };
        let t = ident(&table);
        sql.push(format!("ALTER TABLE {t} ENABLE ROW LEVEL SECURITY"));
        sql.push(format!("DROP POLICY IF EXISTS own_debtors ON {t}"));
        sql.push(format!(
            "CREATE POLICY own_debtors ON {t} USING (NOT {RESTRICTED} OR {own})"
        ));
    }
    Ok(sql)
}

/// One staff member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffRecord {
    /// Their PostgreSQL login.
    pub login: String,
    /// Their name.
    pub name: String,
    /// What they may do.
    pub role: StaffRole,
    /// A collector who works (and sees) only the debtors whose account manager is their
    /// login, by row-level security.
    pub own_debtors_only: bool,
    /// True for the login this store is connected as.
    pub is_you: bool,
}

/// Who this store is connected as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    /// The login (the OS user on SQLite).
    pub login: String,
    /// Its role in this book.
    pub role: StaffRole,
    /// Sees and works only the debtors whose account manager is this login.
    pub own_debtors_only: bool,
}

/// A PostgreSQL identifier, quoted.
fn ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// A PostgreSQL string literal, quoted (for the statements that take no parameters).
fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Whether the server has a role (a login or a group) called `name`.
async fn role_exists<'e, E>(executor: E, name: &str) -> Result<bool, StoreError>
where
    E: sqlx::Executor<'e, Database = sqlx::Postgres>,
{
    Ok(
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)")
            .bind(name)
            .fetch_one(executor)
            .await?,
    )
}

/// A login as Overdue creates them: lower-case letters, digits, `_`, `.` and `-`, starting
/// with a letter, at most 40 characters (so `<login>` never collides with a group role).
pub fn check_login(login: &str) -> Result<(), StoreError> {
    let ok = login.len() <= 40
        && login.starts_with(|c: char| c.is_ascii_lowercase())
        && login
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(StoreError::Rejected(format!(
            "\"{login}\" cannot be a login: use lower-case letters, digits, '_', '.' or '-', starting with a letter (at most 40), e.g. maria.rossi"
        )))
    }
}

impl Store {
    /// The book's role for each of [`StaffRole::ALL`], in that order: the database's owner,
    /// then the group roles `<db>_accountant`, `<db>_collector`, `<db>_viewer`.
    async fn book_roles(&self) -> Result<[(StaffRole, String); 4], StoreError> {
        let Store::Postgres(pool) = self else {
            return Err(StoreError::Unsupported("staff"));
        };
        let (db, owner): (String, String) = sqlx::query_as(
            "SELECT d.datname::text, pg_get_userbyid(d.datdba)::text FROM pg_database d \
             WHERE d.datname = current_database()",
        )
        .fetch_one(pool)
        .await?;
        Ok(StaffRole::ALL.map(|role| {
            let name = match role {
                StaffRole::Owner => owner.clone(),
                other => format!("{db}_{}", other.as_str()),
            };
            (role, name)
        }))
    }

    /// The book's role of `role` (see [`Store::book_roles`]).
    async fn group_role(&self, role: StaffRole) -> Result<String, StoreError> {
        let roles = self.book_roles().await?;
        Ok(roles
            .into_iter()
            .find_map(|(r, name)| (r == role).then_some(name))
            .unwrap_or_default())
    }

    /// Who this store is connected as, and their role in the book. A superuser or the
    /// database's owner (or a member of it) is the owner; a SQLite book's user is its owner.
    pub async fn signed_in(&self) -> Result<Signed, StoreError> {
        let Store::Postgres(pool) = self else {
            return Ok(Signed {
                login: whoami::username().unwrap_or_else(|_| "unknown".into()),
                role: StaffRole::Owner,
                own_debtors_only: false,
            });
        };
        let (login, own_debtors_only): (String, bool) = sqlx::query_as(
            "SELECT session_user::text, COALESCE((SELECT s.own_debtors_only FROM staff s \
             WHERE s.login = session_user), false)",
        )
        .fetch_one(pool)
        .await?;
        for (role, group) in self.book_roles().await? {
            let member: bool = sqlx::query_scalar(
                "SELECT COALESCE((SELECT rolsuper FROM pg_roles WHERE rolname = session_user), false) \
                 OR session_user = $1 \
                 OR EXISTS (SELECT 1 FROM pg_roles g WHERE g.rolname = $1 \
                            AND pg_has_role(session_user, g.oid, 'MEMBER'))",
            )
            .bind(&group)
            .fetch_one(pool)
            .await?;
            if member {
                return Ok(Signed {
                    login,
                    role,
                    own_debtors_only: own_debtors_only && role == StaffRole::Collector,
                });
            }
        }
        // A login with no role here: it can read only what was granted by hand.
        Ok(Signed {
            login,
            role: StaffRole::Viewer,
            own_debtors_only: false,
        })
    }

    /// Creates the book's group roles when missing and gives each its rights, again from
    /// scratch (so tables added by an upgrade are covered and nothing granted earlier
    /// outlives a change). Needs the owner with CREATEROLE.
    pub async fn apply_staff_grants(&self) -> Result<(), StoreError> {
        let Store::Postgres(pool) = self else {
            return Ok(());
        };
        let [_, (_, accountant), (_, collector), (_, viewer)] = self.book_roles().await?;
        let mut tx = pool.begin().await?;
        for group in [&accountant, &collector, &viewer] {
            if !role_exists(&mut *tx, group).await? {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "CREATE ROLE {} NOLOGIN",
                    ident(group)
                )))
                .execute(&mut *tx)
                .await?;
            }
        }
        let (accountant, collector, viewer) =
            (ident(&accountant), ident(&collector), ident(&viewer));
        let all = format!("{accountant}, {collector}, {viewer}");
        let writers = format!("{accountant}, {collector}");
        let mut sql = vec![
            format!("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {all}"),
            format!("REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {all}"),
            format!("GRANT USAGE ON SCHEMA public TO {all}"),
            format!("GRANT SELECT ON ALL TABLES IN SCHEMA public TO {all}"),
            format!("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {writers}"),
            format!("GRANT UPDATE ON event_chain TO {writers}"),
        ];
        let grant = |privs: &str, tables: &[&str], to: &str| {
            format!("GRANT {privs} ON {} TO {to}", tables.join(", "))
        };
        sql.push(grant("INSERT, UPDATE", LOGGED, &writers));
        sql.push(grant("INSERT, UPDATE", ACCOUNTANT, &accountant));
        sql.push(grant("DELETE", ACCOUNTANT_DELETE, &accountant));
        sql.push(grant("UPDATE", ACCOUNTANT_UPDATE, &accountant));
        sql.push(grant("INSERT, UPDATE", COLLECTOR, &collector));
        sql.push(grant("DELETE", COLLECTOR_DELETE, &collector));
        // A settlement writes off the rest and a dispute marks the invoice: a collector
        // changes those columns of an invoice (the balance through its triggers) and
        // nothing else of it.
        sql.push(format!(
            "GRANT UPDATE (open_minor, disputed_at, dispute_reason) ON invoices TO {collector}"
        ));
        sql.push(format!(
            "GRANT INSERT ON invoice_adjustments TO {collector}"
        ));
        sql.extend(own_debtors_policies(&mut tx).await?);
        for s in sql {
            sqlx::query(sqlx::AssertSqlSafe(s))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// After an upgrade by the owner: the grants again, so the new tables are covered (when
    /// the book has staff at all).
    pub(crate) async fn refresh_staff_grants(&self) -> Result<(), StoreError> {
        let Store::Postgres(pool) = self else {
            return Ok(());
        };
        let viewer = self.group_role(StaffRole::Viewer).await?;
        if role_exists(pool, &viewer).await? {
            self.apply_staff_grants().await?;
        }
        Ok(())
    }

    /// The book's staff: the owner first, then by login.
    pub async fn staff_list(&self) -> Result<Vec<StaffRecord>, StoreError> {
        let me = self.signed_in().await?;
        let Store::Postgres(pool) = self else {
            return Ok(vec![StaffRecord {
                name: me.login.clone(),
                login: me.login,
                role: StaffRole::Owner,
                own_debtors_only: false,
                is_you: true,
            }]);
        };
        let mut out = Vec::new();
        for (role, group) in self.book_roles().await? {
            let mut logins: Vec<(String, Option<String>, Option<bool>)> = sqlx::query_as(
                "SELECT r.rolname::text, s.name, s.own_debtors_only FROM pg_roles r \
                 LEFT JOIN staff s ON s.login = r.rolname \
                 WHERE r.rolcanlogin AND (r.rolname = $1 OR EXISTS ( \
                   SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid \
                   WHERE g.rolname = $1 AND m.member = r.oid)) \
                 ORDER BY r.rolname",
            )
            .bind(&group)
            .fetch_all(pool)
            .await?;
            logins.retain(|(l, _, _)| !out.iter().any(|s: &StaffRecord| &s.login == l));
            for (login, name, own) in logins {
                out.push(StaffRecord {
                    is_you: login == me.login,
                    name: name.unwrap_or_else(|| login.clone()),
                    login,
                    role,
                    own_debtors_only: own.unwrap_or(false) && role == StaffRole::Collector,
                });
            }
        }
        Ok(out)
    }

    /// Adds a staff member: a new login (with `password`, when given) in `role`'s group.
    /// A login that exists already on the server joins the book with its own password.
    pub async fn staff_add(
        &self,
        login: &str,
        name: &str,
        role: StaffRole,
        own_debtors_only: bool,
        password: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        check_login(login)?;
        only_for_collectors(role, own_debtors_only)?;
        let Store::Postgres(pool) = self else {
            return Err(StoreError::Unsupported(
                "staff (a SQLite book has one user)",
            ));
        };
        self.apply_staff_grants().await?;
        if self.staff_list().await?.iter().any(|s| s.login == login) {
            return Err(StoreError::Duplicate {
                what: "staff login",
                value: login.to_string(),
            });
        }
        let group = self.group_role(role).await?;
        let mut tx = pool.begin().await?;
        let exists = role_exists(&mut *tx, login).await?;
        let password = password
            .map(|p| format!(" PASSWORD {}", literal(p)))
            .unwrap_or_default();
        if !exists {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "CREATE ROLE {} LOGIN{password}",
                ident(login)
            )))
            .execute(&mut *tx)
            .await?;
        } else if !password.is_empty() {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "ALTER ROLE {}{password}",
                ident(login)
            )))
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "GRANT {} TO {}",
            ident(&group),
            ident(login)
        )))
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO staff (login, name, role, added_at, own_debtors_only) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (login) DO UPDATE SET name = EXCLUDED.name, role = EXCLUDED.role, \
             own_debtors_only = EXCLUDED.own_debtors_only",
        )
        .bind(login)
        .bind(name.trim())
        .bind(role.as_str())
        .bind(now)
        .bind(own_debtors_only)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Moves a staff member to another role.
    pub async fn staff_set_role(&self, login: &str, role: StaffRole) -> Result<(), StoreError> {
        let Store::Postgres(pool) = self else {
            return Err(StoreError::Unsupported(
                "staff (a SQLite book has one user)",
            ));
        };
        let current = self.staff_member(login).await?;
        if current.is_you {
            return Err(StoreError::Rejected(
                "you cannot change your own role: another owner must do it".into(),
            ));
        }
        let from = self.group_role(current.role).await?;
        let to = self.group_role(role).await?;
        let mut tx = pool.begin().await?;
        for s in [
            format!("REVOKE {} FROM {}", ident(&from), ident(login)),
            format!("GRANT {} TO {}", ident(&to), ident(login)),
        ] {
            sqlx::query(sqlx::AssertSqlSafe(s))
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(
            "UPDATE staff SET role = $2, own_debtors_only = own_debtors_only AND $2 = 'collector' \
             WHERE login = $1",
        )
        .bind(login)
        .bind(role.as_str())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Limits a collector to the debtors whose account manager is their login (row-level
    /// security), or lets them see every debtor again.
    pub async fn staff_set_own_debtors(
        &self,
        login: &str,
        own: bool,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let Store::Postgres(pool) = self else {
            return Err(StoreError::Unsupported(
                "staff (a SQLite book has one user)",
            ));
        };
        let current = self.staff_member(login).await?;
        only_for_collectors(current.role, own)?;
        // The row-level policies exist since the first staff member was added (the grants
        // are applied then) and are applied again after every upgrade: setting the flag is
        // all a limit takes.
        let n = sqlx::query("UPDATE staff SET own_debtors_only = $2 WHERE login = $1")
            .bind(login)
            .bind(own)
            .execute(pool)
            .await?
            .rows_affected();
        if n == 0 {
            // A login made a member of the book's role by hand has no row yet.
            sqlx::query(
                "INSERT INTO staff (login, name, role, added_at, own_debtors_only) \
                 VALUES ($1, $1, $2, $4, $3)",
            )
            .bind(login)
            .bind(current.role.as_str())
            .bind(own)
            .bind(now)
            .execute(pool)
            .await?;
        }
        Ok(())
    }

    /// Takes a staff member out of the book: their login loses its role here (the login
    /// itself stays on the server, where other books may use it). What they did stays in
    /// the audit trail under their login.
    pub async fn staff_remove(&self, login: &str) -> Result<(), StoreError> {
        let Store::Postgres(pool) = self else {
            return Err(StoreError::Unsupported(
                "staff (a SQLite book has one user)",
            ));
        };
        let current = self.staff_member(login).await?;
        if current.is_you {
            return Err(StoreError::Rejected(
                "you cannot remove yourself: another owner must do it".into(),
            ));
        }
        let owner = self.group_role(StaffRole::Owner).await?;
        if login == owner {
            return Err(StoreError::Rejected(format!(
                "{login} owns the book's database and cannot be removed from it"
            )));
        }
        let group = self.group_role(current.role).await?;
        let mut tx = pool.begin().await?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "REVOKE {} FROM {}",
            ident(&group),
            ident(login)
        )))
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM staff WHERE login = $1")
            .bind(login)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn staff_member(&self, login: &str) -> Result<StaffRecord, StoreError> {
        self.staff_list()
            .await?
            .into_iter()
            .find(|s| s.login == login)
            .ok_or(StoreError::NotFound {
                entity: "staff login",
                key: login.to_string(),
            })
    }
}
