//! Dunning storage: policies and their levels, which policy a debtor follows, the outbox of
//! dunning actions, and user-edited templates (migration 0006).
//!
//! The outbox (`dunning_actions`) holds one row per (debtor, level, cycle), UNIQUE, so a
//! second run can never plan the same step twice. States: `planned` (decided, not yet
//! performed), `sending` (the message and its Message-ID are recorded and it is about to
//! leave), `sent`, `failed` (may be tried again) and `cancelled` (superseded by a higher
//! level before it was performed). Every performed or failed action appends an event to
//! the contact log in the same transaction.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use overdue_domain::dunning::{Audience, Channel, Level, Policy};
use overdue_domain::{Currency, DebtorKind, Money};

use crate::events::{
    chain_events, insert_event, insert_event_unchained, lock_event_chain, NewEvent,
};
use crate::{with_pool, Store, StoreError};

/// A stored policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyRecord {
    /// Database id.
    pub id: i64,
    /// Debtors without an assignment follow the default policy.
    pub is_default: bool,
    /// The policy.
    pub policy: Policy,
    /// One more with every save, so a save read at an older one is refused.
    pub version: i64,
}

/// A debtor as the run needs it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DunningDebtor {
    /// Id.
    pub id: i64,
    /// `company`, `individual` or `sole_trader`.
    pub kind: String,
    /// Name.
    pub name: String,
    /// External reference ("" when none).
    pub external_ref: String,
    /// Letter language.
    pub language: String,
    /// Currency code.
    pub currency: String,
    /// Account manager ("" when none).
    pub account_manager: String,
    /// Street lines.
    pub address_lines: String,
    /// Postal code.
    pub postal_code: String,
    /// City.
    pub city: String,
    /// Country code.
    pub country: String,
    /// First contact with an email: name ("" when none).
    pub contact_name: String,
    /// First contact with an email: email ("" when none).
    pub contact_email: String,
    /// First contact's phone ("" when none).
    pub contact_phone: String,
    /// Policy assigned to the debtor, if any.
    pub policy_id: Option<i64>,
}

impl DunningDebtor {
    /// True for a private person.
    pub fn consumer(&self) -> bool {
        self.kind == DebtorKind::Individual.as_str()
    }
}

/// What a run decided, to be written to the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAction {
    /// Debtor.
    pub debtor_id: i64,
    /// Policy it came from.
    pub policy_id: i64,
    /// Level number.
    pub level: u32,
    /// Level name.
    pub level_name: String,
    /// Channel.
    pub channel: Channel,
    /// Cycle.
    pub cycle: u32,
    /// Run date.
    pub as_of: NaiveDate,
    /// Open total named.
    pub amount: Money,
    /// Deadline printed in the message.
    pub deadline: Option<NaiveDate>,
    /// (invoice id, open balance named).
    pub invoices: Vec<(i64, Money)>,
}

/// A row of the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionRecord {
    /// Id.
    pub id: i64,
    /// Debtor.
    pub debtor_id: i64,
    /// Level number.
    pub level: u32,
    /// Cycle.
    pub cycle: u32,
    /// Level name.
    pub level_name: String,
    /// Channel.
    pub channel: Channel,
    /// `planned`, `sending`, `sent`, `failed`, `cancelled`.
    pub state: String,
    /// Run date.
    pub as_of: NaiveDate,
    /// Amount named.
    pub amount: Money,
    /// Deadline.
    pub deadline: Option<NaiveDate>,
    /// Where it went (an email address).
    pub recipient: String,
    /// Subject line.
    pub subject: String,
    /// Message-ID of the email.
    pub message_id: Option<String>,
    /// Last error ("" when none).
    pub error: String,
    /// Send attempts.
    pub attempts: u32,
    /// A remark (how a `sending` row was reconciled, a call's outcome).
    pub note: String,
    /// When a task (call, legal review) was marked done.
    pub done_at: Option<DateTime<Utc>>,
    /// When it was sent or performed.
    pub sent_at: Option<DateTime<Utc>>,
    /// When a bounce of the sent email was recorded.
    pub bounced_at: Option<DateTime<Utc>>,
    /// What the bounce said ("" when none).
    pub bounce: String,
    /// Invoices it named: (invoice id, number, open minor units named).
    pub invoices: Vec<(i64, String, i64)>,
}

#[derive(sqlx::FromRow)]
struct LevelRow {
    policy_id: i64,
    number: i64,
    name: String,
    trigger_days: i64,
    min_open_minor: Option<i64>,
    min_open_currency: String,
    audience: String,
    channel: String,
    template: String,
    wait_days: i64,
    deadline_days: i64,
    attach: String,
}

#[derive(sqlx::FromRow)]
struct ActionRow {
    id: i64,
    debtor_id: i64,
    level: i64,
    cycle: i64,
    level_name: String,
    channel: String,
    state: String,
    as_of: NaiveDate,
    currency: String,
    amount_minor: i64,
    deadline: Option<NaiveDate>,
    recipient: String,
    subject: String,
    message_id: Option<String>,
    error: String,
    attempts: i64,
    note: String,
    done_at: Option<DateTime<Utc>>,
    sent_at: Option<DateTime<Utc>>,
    bounced_at: Option<DateTime<Utc>>,
    bounce: String,
}

const ACTION_COLUMNS: &str = "id, debtor_id, level, cycle, level_name, channel, state, as_of, \
     currency, amount_minor, deadline, recipient, subject, message_id, error, attempts, note, \
     done_at, sent_at, bounced_at, bounce";

fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("unknown {what} {value:?}"))
}

fn u32_of(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

impl ActionRow {
    fn into_record(self, invoices: Vec<(i64, String, i64)>) -> Result<ActionRecord, StoreError> {
        let currency =
            Currency::from_code(&self.currency).map_err(|_| corrupt("currency", &self.currency))?;
        Ok(ActionRecord {
            id: self.id,
            debtor_id: self.debtor_id,
            level: u32_of(self.level),
            cycle: u32_of(self.cycle),
            level_name: self.level_name,
            channel: Channel::parse(&self.channel)
                .ok_or_else(|| corrupt("channel", &self.channel))?,
            state: self.state,
            as_of: self.as_of,
            amount: Money::from_minor_units(self.amount_minor, currency),
            deadline: self.deadline,
            recipient: self.recipient,
            subject: self.subject,
            message_id: self.message_id,
            error: self.error,
            attempts: u32_of(self.attempts),
            note: self.note,
            done_at: self.done_at,
            sent_at: self.sent_at,
            bounced_at: self.bounced_at,
            bounce: self.bounce,
            invoices,
        })
    }
}

/// Which outbox rows to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionQuery {
    /// Only this debtor.
    pub debtor_id: Option<i64>,
    /// Only these states (empty = all).
    pub states: Vec<String>,
    /// Only these channels (empty = all).
    pub channels: Vec<Channel>,
    /// Only tasks not marked done.
    pub open_tasks_only: bool,
    /// Only debtors of this account manager ("" = all).
    pub account_manager: String,
}

/// A user-edited template.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TemplateRecord {
    /// Template key (`reminder`, `final_demand`, ...).
    pub key: String,
    /// Language code.
    pub language: String,
    /// Subject template.
    pub subject: String,
    /// Body template.
    pub body: String,
    /// Last saved.
    pub updated_at: DateTime<Utc>,
    /// One more with every save (0 before the first), so a save read at an older one is
    /// refused.
    pub version: i64,
}

/// Cancels the debtor's planned or failed steps other than `$id`, saying why.
macro_rules! supersede_others {
    ($tx:expr, $debtor_id:expr, $id:expr, $why:expr, $now:expr) => {
        sqlx::query(
            "UPDATE dunning_actions SET state = 'cancelled', updated_at = $3, note = $4 \
             WHERE debtor_id = $1 AND id <> $2 AND state IN ('planned', 'failed')",
        )
        .bind($debtor_id)
        .bind($id)
        .bind($now)
        .bind($why)
        .execute(&mut *$tx)
        .await?
    };
}

/// Inserts a step into the outbox with the invoices it names, in `$state` (`planned`, or
/// `sent` for a step performed by hand with `$note` and `$sent_at`); evaluates to its id.
macro_rules! insert_action {
    ($tx:expr, $a:expr, $state:expr, $note:expr, $sent_at:expr, $now:expr) => {{
        let a = $a;
        let amount = a
            .amount
            .to_minor_units()
            .map_err(|e| StoreError::Rejected(e.to_string()))?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO dunning_actions (debtor_id, level, cycle, policy_id, level_name, channel, \
             state, as_of, currency, amount_minor, deadline, note, sent_at, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id",
        )
        .bind(a.debtor_id)
        .bind(i64::from(a.level))
        .bind(i64::from(a.cycle))
        .bind(a.policy_id)
        .bind(&a.level_name)
        .bind(a.channel.as_str())
        .bind($state)
        .bind(a.as_of)
        .bind(a.amount.currency().code())
        .bind(amount)
        .bind(a.deadline)
        .bind($note)
        .bind($sent_at)
        .bind($now)
        .fetch_one(&mut *$tx)
        .await?;
        for (invoice_id, open) in &a.invoices {
            sqlx::query(
                "INSERT INTO dunning_action_invoices (action_id, invoice_id, open_minor) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(invoice_id)
            .bind(open.to_minor_units().map_err(|e| StoreError::Rejected(e.to_string()))?)
            .execute(&mut *$tx)
            .await?;
        }
        id
    }};
}

/// Inserts a policy's levels inside an open transaction (`$tx`), for policy `$id`.
macro_rules! insert_levels {
    ($tx:expr, $id:expr, $policy:expr) => {{
        let policy: &Policy = $policy;
        for l in &policy.levels {
            let (minor, code) = match &l.min_open {
                Some(m) => (
                    Some(
                        m.to_minor_units()
                            .map_err(|e| StoreError::Rejected(e.to_string()))?,
                    ),
                    m.currency().code().to_string(),
                ),
                None => (None, String::new()),
            };
            sqlx::query(
                "INSERT INTO dunning_levels (policy_id, number, name, trigger_days, min_open_minor, \
                 min_open_currency, audience, channel, template, wait_days, deadline_days, attach) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind($id)
            .bind(i64::from(l.number))
            .bind(l.name.trim())
            .bind(i64::from(l.trigger_days))
            .bind(minor)
            .bind(code)
            .bind(l.audience.as_str())
            .bind(l.channel.as_str())
            .bind(l.template.trim())
            .bind(i64::from(l.wait_days))
            .bind(i64::from(l.deadline_days))
            .bind(
                [(l.attach_letter, "letter"), (l.attach_statement, "statement")]
                    .iter()
                    .filter(|(on, _)| *on)
                    .map(|(_, what)| *what)
                    .collect::<Vec<_>>()
                    .join(","),
            )
            .execute(&mut *$tx)
            .await?;
        }
    }};
}

impl Store {
    /// Every policy with its levels, the default first.
    pub async fn dunning_policies(&self) -> Result<Vec<PolicyRecord>, StoreError> {
        // id, name, is_default, version.
        type PolicyRow = (i64, String, bool, i64);
        let (policies, levels): (Vec<PolicyRow>, Vec<LevelRow>) = with_pool!(self, pool => {
            let p = sqlx::query_as(
                "SELECT id, name, is_default, version FROM dunning_policies ORDER BY is_default DESC, id",
            )
            .fetch_all(pool)
            .await?;
            let l = sqlx::query_as(
                "SELECT policy_id, number, name, trigger_days, min_open_minor, min_open_currency, \
                 audience, channel, template, wait_days, deadline_days, attach FROM dunning_levels \
                 ORDER BY policy_id, number",
            )
            .fetch_all(pool)
            .await?;
            (p, l)
        });
        let mut out = Vec::with_capacity(policies.len());
        for (id, name, is_default, version) in policies {
            let mut ladder = Vec::new();
            for l in levels.iter().filter(|l| l.policy_id == id) {
                let min_open = match (l.min_open_minor, l.min_open_currency.as_str()) {
                    (Some(minor), code) if !code.is_empty() => Some(Money::from_minor_units(
                        minor,
                        Currency::from_code(code).map_err(|_| corrupt("currency", code))?,
                    )),
                    _ => None,
                };
                ladder.push(Level {
                    number: u32_of(l.number),
                    name: l.name.clone(),
                    trigger_days: i32::try_from(l.trigger_days).unwrap_or(i32::MAX),
                    min_open,
                    audience: Audience::parse(&l.audience)
                        .ok_or_else(|| corrupt("audience", &l.audience))?,
                    channel: Channel::parse(&l.channel)
                        .ok_or_else(|| corrupt("channel", &l.channel))?,
                    template: l.template.clone(),
                    wait_days: u32_of(l.wait_days),
                    deadline_days: u32_of(l.deadline_days),
                    attach_letter: l.attach.split(',').any(|a| a.trim() == "letter"),
                    attach_statement: l.attach.split(',').any(|a| a.trim() == "statement"),
                });
            }
            out.push(PolicyRecord {
                id,
                is_default,
                policy: Policy {
                    name,
                    levels: ladder,
                },
                version,
            });
        }
        Ok(out)
    }

    /// Replaces a policy's levels (and name) in one transaction; the caller validated it.
    /// `read` is the version the editor read: when someone saved the policy since, nothing
    /// is written ([`StoreError::Stale`]); `None` saves over whatever it is now.
    pub async fn save_dunning_policy(
        &self,
        id: i64,
        policy: &Policy,
        read: Option<i64>,
    ) -> Result<(), StoreError> {
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let n = sqlx::query(
                "UPDATE dunning_policies SET name = $1, version = version + 1 \
                 WHERE id = $2 AND ($3 IS NULL OR version = $3)",
            )
            .bind(policy.name.trim())
            .bind(id)
            .bind(read)
            .execute(&mut *tx)
            .await
            .map_err(|e| StoreError::unique(e, "policy name", policy.name.trim()))?
            .rows_affected();
            if n == 0 {
                let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM dunning_policies WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
                return Err(match exists {
                    Some(_) => StoreError::Stale { entity: "policy", key: id.to_string() },
                    None => StoreError::NotFound { entity: "policy", key: id.to_string() },
                });
            }
            sqlx::query("DELETE FROM dunning_levels WHERE policy_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            insert_levels!(tx, id, policy);
            tx.commit().await?;
            Ok(())
        })
    }

    /// Creates a policy (not the default) with its levels in one transaction; the caller
    /// validated it. Returns the new id.
    pub async fn create_dunning_policy(
        &self,
        policy: &Policy,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO dunning_policies (name, is_default, created_at) VALUES ($1, $2, $3) RETURNING id",
            )
            .bind(policy.name.trim())
            .bind(false)
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| StoreError::unique(e, "policy name", policy.name.trim()))?;
            insert_levels!(tx, id, policy);
            tx.commit().await?;
            Ok(id)
        })
    }

    /// Deletes a policy. Refused for the default policy and for a policy debtors follow;
    /// past outbox rows keep their history and lose only the link to the policy.
    pub async fn delete_dunning_policy(&self, id: i64) -> Result<(), StoreError> {
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let row: Option<(String, bool)> =
                sqlx::query_as("SELECT name, is_default FROM dunning_policies WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some((name, is_default)) = row else {
                return Err(StoreError::NotFound { entity: "policy", key: id.to_string() });
            };
            if is_default {
                return Err(StoreError::Rejected(format!(
                    "\"{name}\" is the default policy: make another policy the default before deleting it."
                )));
            }
            let followers: i64 = sqlx::query_scalar(
                "SELECT CAST(count(*) AS BIGINT) FROM debtor_dunning_policy WHERE policy_id = $1",
            )
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            if followers > 0 {
                return Err(StoreError::Rejected(format!(
                    "{followers} debtor(s) follow \"{name}\": assign them another policy before deleting it."
                )));
            }
            sqlx::query("UPDATE dunning_actions SET policy_id = NULL WHERE policy_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM dunning_policies WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// Makes a policy the default (the one debtors without an assignment follow).
    pub async fn set_default_dunning_policy(&self, id: i64) -> Result<(), StoreError> {
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let found: Option<i64> = sqlx::query_scalar("SELECT id FROM dunning_policies WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            if found.is_none() {
                return Err(StoreError::NotFound { entity: "policy", key: id.to_string() });
            }
            sqlx::query("UPDATE dunning_policies SET is_default = $1 WHERE is_default = $2")
                .bind(false)
                .bind(true)
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE dunning_policies SET is_default = $1 WHERE id = $2")
                .bind(true)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// The policy a debtor is assigned (`None`: it follows the default).
    pub async fn dunning_policy_of(&self, debtor_id: i64) -> Result<Option<i64>, StoreError> {
        with_pool!(self, pool => {
            Ok(sqlx::query_scalar("SELECT policy_id FROM debtor_dunning_policy WHERE debtor_id = $1")
                .bind(debtor_id)
                .fetch_optional(pool)
                .await?)
        })
    }

    /// Makes a debtor follow a policy (`None`: the default again), and logs the change on
    /// the debtor's timeline in the same transaction.
    pub async fn assign_dunning_policy(
        &self,
        debtor_id: i64,
        policy_id: Option<i64>,
        event: &NewEvent,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query("DELETE FROM debtor_dunning_policy WHERE debtor_id = $1")
                .bind(debtor_id)
                .execute(&mut *tx)
                .await?;
            if let Some(p) = policy_id {
                sqlx::query("INSERT INTO debtor_dunning_policy (debtor_id, policy_id) VALUES ($1, $2)")
                    .bind(debtor_id)
                    .bind(p)
                    .execute(&mut *tx)
                    .await?;
            }
            insert_event!(tx, event, now)?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// Debtors (not archived) with what the run needs, optionally of one account manager
    /// or one debtor.
    pub async fn dunning_debtors(
        &self,
        account_manager: &str,
        debtor_id: Option<i64>,
    ) -> Result<Vec<DunningDebtor>, StoreError> {
        with_pool!(self, pool => {
            Ok(sqlx::query_as::<_, DunningDebtor>(
                "SELECT d.id, d.kind, d.name, COALESCE(d.external_ref, '') AS external_ref, d.language, \
                 d.currency, d.account_manager, d.address_lines, d.postal_code, d.city, d.country, \
                 COALESCE((SELECT c.name FROM debtor_contacts c WHERE c.debtor_id = d.id AND c.email <> '' ORDER BY c.position LIMIT 1), '') AS contact_name, \
                 COALESCE((SELECT c.email FROM debtor_contacts c WHERE c.debtor_id = d.id AND c.email <> '' ORDER BY c.position LIMIT 1), '') AS contact_email, \
                 COALESCE((SELECT c.phone FROM debtor_contacts c WHERE c.debtor_id = d.id ORDER BY c.position LIMIT 1), '') AS contact_phone, \
                 p.policy_id \
                 FROM debtors d LEFT JOIN debtor_dunning_policy p ON p.debtor_id = d.id \
                 WHERE d.archived_at IS NULL AND ($1 = '' OR d.account_manager = $1) \
                 AND ($2 = CAST(0 AS BIGINT) OR d.id = $2) ORDER BY d.id",
            )
            .bind(account_manager.trim())
            .bind(debtor_id.unwrap_or(0))
            .fetch_all(pool)
            .await?)
        })
    }

    /// Invoices in dispute on `as_of`, with the reason.
    pub async fn disputed_on(&self, as_of: NaiveDate) -> Result<HashMap<i64, String>, StoreError> {
        let rows: Vec<(i64, String)> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT invoice_id, reason FROM invoice_disputes WHERE opened_on <= $1 \
                 AND (resolved_on IS NULL OR resolved_on > $1)",
            )
            .bind(as_of)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().collect())
    }

    /// Outbox rows, newest first.
    pub async fn dunning_actions(&self, q: &ActionQuery) -> Result<Vec<ActionRecord>, StoreError> {
        let mut sql = format!(
            "SELECT {} FROM dunning_actions a JOIN debtors d ON d.id = a.debtor_id WHERE ($1 = CAST(0 AS BIGINT) OR a.debtor_id = $1) \
             AND ($2 = '' OR d.account_manager = $2)",
            ACTION_COLUMNS
                .split(", ")
                .map(|c| format!("a.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        // States and channels come from fixed vocabularies, checked here before they reach SQL.
        let states: Vec<&str> = q
            .states
            .iter()
            .map(String::as_str)
            .filter(|s| ["planned", "sending", "sent", "failed", "cancelled"].contains(s))
            .collect();
        if !q.states.is_empty() {
            sql.push_str(&format!(
                " AND a.state IN ({})",
                states
                    .iter()
                    .map(|s| format!("'{s}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if !q.channels.is_empty() {
            sql.push_str(&format!(
                " AND a.channel IN ({})",
                q.channels
                    .iter()
                    .map(|c| format!("'{}'", c.as_str()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if q.open_tasks_only {
            sql.push_str(" AND a.done_at IS NULL");
        }
        sql.push_str(" ORDER BY a.id DESC");
        let rows: Vec<ActionRow> = with_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(q.debtor_id.unwrap_or(0))
                .bind(q.account_manager.trim())
                .fetch_all(pool)
                .await?
        });
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut named = self.action_invoices(&ids).await?;
        rows.into_iter()
            .map(|r| {
                let inv = named.remove(&r.id).unwrap_or_default();
                r.into_record(inv)
            })
            .collect()
    }

    /// One outbox row.
    pub async fn dunning_action(&self, id: i64) -> Result<ActionRecord, StoreError> {
        let sql = format!("SELECT {ACTION_COLUMNS} FROM dunning_actions WHERE id = $1");
        let row: Option<ActionRow> = with_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?
        });
        let row = row.ok_or(StoreError::NotFound {
            entity: "dunning action",
            key: id.to_string(),
        })?;
        let inv = self
            .action_invoices(&[id])
            .await?
            .remove(&id)
            .unwrap_or_default();
        row.into_record(inv)
    }

    async fn action_invoices(
        &self,
        ids: &[i64],
    ) -> Result<HashMap<i64, Vec<(i64, String, i64)>>, StoreError> {
        let mut out: HashMap<i64, Vec<(i64, String, i64)>> = HashMap::new();
        for chunk in ids.chunks(500) {
            let list = chunk
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "SELECT x.action_id, x.invoice_id, i.number, x.open_minor FROM dunning_action_invoices x \
                 JOIN invoices i ON i.id = x.invoice_id WHERE x.action_id IN ({list}) \
                 ORDER BY i.due_date, i.number"
            );
            let rows: Vec<(i64, i64, String, i64)> = with_pool!(self, pool => {
                sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await?
            });
            for (a, i, n, m) in rows {
                out.entry(a).or_default().push((i, n, m));
            }
        }
        Ok(out)
    }

    /// Records steps performed in the past (the demo book's history of reminders), each
    /// `sent` on its own date (a task also done that day) with its event on the contact
    /// log, in one transaction.
    pub async fn record_past_dunning(
        &self,
        steps: &[(NewAction, DateTime<Utc>, NewEvent)],
        note: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            lock_event_chain!(tx)?;
            for (a, sent_at, event) in steps {
                let id = insert_action!(tx, a, "sent", note, Some(*sent_at), now);
                // A task of the past (a call, a legal review) was done that day.
                if a.channel.is_task() {
                    sqlx::query("UPDATE dunning_actions SET done_at = $2 WHERE id = $1")
                        .bind(id)
                        .bind(*sent_at)
                        .execute(&mut *tx)
                        .await?;
                }
                insert_event_unchained!(tx, event, now)?;
            }
            chain_events!(tx)?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// Writes a planned action unless its (debtor, level, cycle) is already in the outbox;
    /// either way returns the row. Planned or failed rows of the same debtor for other
    /// steps are cancelled (this one supersedes them).
    pub async fn plan_dunning_action(
        &self,
        a: &NewAction,
        now: DateTime<Utc>,
    ) -> Result<ActionRecord, StoreError> {
        let id: i64 = with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            // Two sessions planning the same step: the second waits and finds the first's.
            crate::locks::lock_debtor!(self, tx, a.debtor_id);
            let existing: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM dunning_actions WHERE debtor_id = $1 AND level = $2 AND cycle = $3",
            )
            .bind(a.debtor_id)
            .bind(i64::from(a.level))
            .bind(i64::from(a.cycle))
            .fetch_optional(&mut *tx)
            .await?;
            let id = match existing {
                Some(id) => id,
                None => insert_action!(tx, a, "planned", "", None::<DateTime<Utc>>, now),
            };
            supersede_others!(tx, a.debtor_id, id, "superseded by a later step", now);
            tx.commit().await?;
            id
        });
        self.dunning_action(id).await
    }

    /// Claims a planned or failed action for sending: records the recipient, subject and
    /// Message-ID and sets `sending`, all before the message leaves. `false` when the
    /// action is not in a state that may be sent (another run took it, or it was sent).
    pub async fn claim_dunning_action(
        &self,
        id: i64,
        recipient: &str,
        subject: &str,
        message_id: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        with_pool!(self, pool => {
            let n = sqlx::query(
                "UPDATE dunning_actions SET state = 'sending', recipient = $2, subject = $3, \
                 message_id = $4, attempts = attempts + 1, error = '', updated_at = $5 \
                 WHERE id = $1 AND state IN ('planned', 'failed')",
            )
            .bind(id)
            .bind(recipient)
            .bind(subject)
            .bind(message_id)
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected();
            Ok(n == 1)
        })
    }

    /// Marks an action performed (`sent`) and appends its event, in one transaction. For
    /// an email the action must be `sending`; other channels go from planned or failed.
    pub async fn complete_dunning_action(
        &self,
        id: i64,
        event: &NewEvent,
        note: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let n = sqlx::query(
                "UPDATE dunning_actions SET state = 'sent', sent_at = $2, updated_at = $2, note = $3 \
                 WHERE id = $1 AND state IN ('planned', 'sending', 'failed')",
            )
            .bind(id)
            .bind(now)
            .bind(note)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n != 1 {
                return Err(StoreError::Rejected(format!("dunning action {id} is not waiting to be performed")));
            }
            insert_event!(tx, event, now)?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// The outbox row of a sent email, by its Message-ID (with or without `<>`).
    pub async fn dunning_action_by_message_id(
        &self,
        message_id: &str,
    ) -> Result<Option<ActionRecord>, StoreError> {
        let bare = message_id
            .trim()
            .trim_start_matches('<')
            .trim_end_matches('>');
        let id: Option<i64> = with_pool!(self, pool => {
            sqlx::query_scalar("SELECT id FROM dunning_actions WHERE message_id = $1")
                .bind(bare)
                .fetch_optional(pool)
                .await?
        });
        match id {
            Some(id) => Ok(Some(self.dunning_action(id).await?)),
            None => Ok(None),
        }
    }

    /// Records a bounce of a sent email and appends its event, once: a second notice for
    /// the same action changes nothing and returns false.
    pub async fn bounce_dunning_action(
        &self,
        id: i64,
        bounce: &str,
        event: &NewEvent,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let n = sqlx::query(
                "UPDATE dunning_actions SET bounced_at = $2, bounce = $3, updated_at = $2 \
                 WHERE id = $1 AND bounced_at IS NULL AND message_id IS NOT NULL",
            )
            .bind(id)
            .bind(now)
            .bind(bounce)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                return Ok(false);
            }
            insert_event!(tx, event, now)?;
            tx.commit().await?;
            Ok(true)
        })
    }

    /// Records a failure (the action may be tried again) and appends its event.
    pub async fn fail_dunning_action(
        &self,
        id: i64,
        error: &str,
        event: &NewEvent,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query(
                "UPDATE dunning_actions SET state = 'failed', error = $2, updated_at = $3 \
                 WHERE id = $1 AND state IN ('planned', 'sending', 'failed')",
            )
            .bind(id)
            .bind(error)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            insert_event!(tx, event, now)?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// Records an escalation made by hand: the step as performed today (`sent`, so that a
    /// task such as a legal review is on the worklist and the ladder goes on from it), with
    /// the user's reason as its note and on the contact log; planned or failed steps of the
    /// debtor are cancelled. One transaction.
    pub async fn escalate_dunning(
        &self,
        a: &NewAction,
        reason: &str,
        event: &NewEvent,
        now: DateTime<Utc>,
    ) -> Result<ActionRecord, StoreError> {
        let id: i64 = with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let existing: Option<(i64, String)> = sqlx::query_as(
                "SELECT id, state FROM dunning_actions WHERE debtor_id = $1 AND level = $2 AND cycle = $3",
            )
            .bind(a.debtor_id)
            .bind(i64::from(a.level))
            .bind(i64::from(a.cycle))
            .fetch_optional(&mut *tx)
            .await?;
            if let Some((old, state)) = existing {
                if state == "sent" || state == "sending" {
                    return Err(StoreError::Rejected(format!(
                        "level {} ({}) is already on record for this debtor",
                        a.level, a.level_name
                    )));
                }
                // A planned, failed or cancelled row of the same step gives way to the
                // step performed by hand.
                sqlx::query("DELETE FROM dunning_action_invoices WHERE action_id = $1")
                    .bind(old)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM dunning_actions WHERE id = $1")
                    .bind(old)
                    .execute(&mut *tx)
                    .await?;
            }
            let id = insert_action!(tx, a, "sent", reason, Some(now), now);
            supersede_others!(tx, a.debtor_id, id, "superseded by an escalation by hand", now);
            let mut event = event.clone();
            event.ref_id = Some(id);
            insert_event!(tx, &event, now)?;
            tx.commit().await?;
            id
        });
        self.dunning_action(id).await
    }

    /// Marks a task (call, legal review) done with its outcome, and logs it.
    pub async fn finish_dunning_task(
        &self,
        id: i64,
        event: &NewEvent,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let n = sqlx::query(
                "UPDATE dunning_actions SET done_at = $2, updated_at = $2, note = $3 \
                 WHERE id = $1 AND state = 'sent' AND done_at IS NULL",
            )
            .bind(id)
            .bind(now)
            .bind(&event.summary)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n != 1 {
                return Err(StoreError::Rejected(format!("task {id} is not open")));
            }
            insert_event!(tx, event, now)?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// Every edited template (a run reads them once).
    pub async fn dunning_templates_edited(&self) -> Result<Vec<TemplateRecord>, StoreError> {
        with_pool!(self, pool => {
            Ok(sqlx::query_as(
                "SELECT key, language, subject, body, updated_at, version FROM dunning_templates ORDER BY key, language",
            )
            .fetch_all(pool)
            .await?)
        })
    }

    /// A user-edited template, if one was saved for this key and language.
    pub async fn dunning_template(
        &self,
        key: &str,
        language: &str,
    ) -> Result<Option<TemplateRecord>, StoreError> {
        with_pool!(self, pool => {
            Ok(sqlx::query_as(
                "SELECT key, language, subject, body, updated_at, version FROM dunning_templates \
                 WHERE key = $1 AND language = $2",
            )
            .bind(key)
            .bind(language)
            .fetch_optional(pool)
            .await?)
        })
    }

    /// Saves (inserts or replaces) a template. `read` is the version the editor read (0:
    /// the shipped text, never saved): when someone saved the template since, nothing is
    /// written ([`StoreError::Stale`]); `None` saves over whatever it is now.
    pub async fn save_dunning_template(
        &self,
        key: &str,
        language: &str,
        subject: &str,
        body: &str,
        now: DateTime<Utc>,
        read: Option<i64>,
    ) -> Result<(), StoreError> {
        let sql = match read {
            None => {
                "INSERT INTO dunning_templates (key, language, subject, body, updated_at, version) \
                 VALUES ($1, $2, $3, $4, $5, 1) ON CONFLICT (key, language) DO UPDATE SET \
                 subject = excluded.subject, body = excluded.body, updated_at = excluded.updated_at, \
                 version = dunning_templates.version + 1"
            }
            // Read as shipped: saved only if nobody saved it first.
            Some(..=0) => {
                "INSERT INTO dunning_templates (key, language, subject, body, updated_at, version) \
                 VALUES ($1, $2, $3, $4, $5, 1) ON CONFLICT (key, language) DO NOTHING"
            }
            Some(_) => {
                "UPDATE dunning_templates SET subject = $3, body = $4, updated_at = $5, \
                 version = version + 1 WHERE key = $1 AND language = $2 AND version = $6"
            }
        };
        with_pool!(self, pool => {
            let mut q = sqlx::query(sql)
                .bind(key.trim())
                .bind(language.trim())
                .bind(subject)
                .bind(body)
                .bind(now);
            if let Some(v @ 1..) = read {
                q = q.bind(v);
            }
            let n = q.execute(pool).await?.rows_affected();
            if n == 0 {
                return Err(StoreError::Stale {
                    entity: "template",
                    key: format!("{}/{}", key.trim(), language.trim()),
                });
            }
            Ok(())
        })
    }
}
