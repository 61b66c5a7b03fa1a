//! The policy editor's API on both backends (a SQLite file, and PostgreSQL when
//! `OVERDUE_TEST_PG_URL` is set): create, replace, default, delete, assign; every bad
//! field reported with its name; a refused write leaves the policies as they were.

#[path = "support/pg.rs"]
mod pg;

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use overdue_api::clock::FixedClock;
use overdue_api::dto::{DebtorInput, DebtorKindDto};
use overdue_api::dunning::{DunningLevelDto, DunningPolicyDto};
use overdue_api::{Api, ErrorCode};

async fn open(target: &str) -> Api {
    Api::open(
        target,
        Arc::new(FixedClock(
            Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap(),
        )),
    )
    .await
    .unwrap()
}

fn level(
    number: u32,
    name: &str,
    trigger_days: i32,
    channel: &str,
    template: &str,
) -> DunningLevelDto {
    DunningLevelDto {
        number,
        name: name.into(),
        trigger_days,
        min_open: String::new(),
        min_open_currency: String::new(),
        audience: "all".into(),
        channel: channel.into(),
        template: template.into(),
        wait_days: 7,
        deadline_days: 0,
        attach_letter: false,
        attach_statement: false,
    }
}

fn fields(e: &overdue_api::ApiError) -> Vec<String> {
    e.fields.iter().map(|f| f.field.clone()).collect()
}

async fn story(api: &Api) {
    let before = api.dunning_policies().await.unwrap();
    assert_eq!(before.len(), 1);
    let standard = before[0].clone();
    assert!(standard.is_default);

    // Every problem at once, each with its field; nothing written.
    let mut bad = DunningPolicyDto {
        id: 0,
        name: "  ".into(),
        is_default: false,
        version: None,
        levels: vec![
            level(1, "", 5, "email", "reminder"),
            DunningLevelDto {
                min_open: "ten".into(),
                min_open_currency: "EUR".into(),
                ..level(2, "Two", 10, "call", "")
            },
            DunningLevelDto {
                audience: "robots".into(),
                ..level(3, "Three", 20, "fax", "")
            },
        ],
    };
    let e = api.dunning_policy_save(bad.clone()).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Validation);
    assert_eq!(
        fields(&e),
        [
            "name",
            "levels[0].name",
            "levels[1].min_open",
            "levels[2].audience"
        ]
    );
    // The ladder's own rules point at the level that breaks them.
    bad.name = "Bad".into();
    bad.levels = vec![
        level(1, "One", 5, "email", "reminder"),
        level(2, "Two", 10, "letter", " "),
    ];
    let e = api.dunning_policy_save(bad.clone()).await.unwrap_err();
    assert_eq!(fields(&e), ["levels[1].template"]);
    bad.levels = vec![
        level(1, "One", 5, "call", ""),
        level(1, "Again", 9, "call", ""),
    ];
    let e = api.dunning_policy_save(bad.clone()).await.unwrap_err();
    assert_eq!(fields(&e), ["levels[1].number"]);
    bad.levels = vec![];
    let e = api.dunning_policy_save(bad).await.unwrap_err();
    assert_eq!(fields(&e), ["levels"]);
    assert_eq!(api.dunning_policies().await.unwrap(), before);

    // Create, then replace its levels.
    let created = api
        .dunning_policy_save(DunningPolicyDto {
            id: 0,
            name: "Key accounts".into(),
            is_default: true, // ignored: the default changes only through set_default
            version: None,
            levels: vec![
                level(1, "Reminder", 14, "email", "reminder"),
                DunningLevelDto {
                    audience: "business".into(),
                    min_open: "1000.00".into(),
                    min_open_currency: "EUR".into(),
                    ..level(2, "Call", 30, "call", "")
                },
            ],
        })
        .await
        .unwrap();
    assert!(created.id > 0 && created.id != standard.id);
    assert!(!created.is_default);
    assert_eq!(created.levels[1].min_open, "1000.00");
    assert_eq!(created.levels[1].audience, "business");
    let mut edited = created.clone();
    edited.levels.push(level(3, "Legal", 60, "legal", ""));
    edited.levels[0].trigger_days = 10;
    let saved = api.dunning_policy_save(edited.clone()).await.unwrap();
    assert_eq!(
        saved.version,
        created.version.map(|v| v + 1),
        "a save is one more version"
    );
    assert_eq!(
        DunningPolicyDto {
            version: edited.version,
            ..saved.clone()
        },
        edited
    );
    // Saved again from the version read before that save: refused, naming who saved.
    let mut late = edited.clone();
    late.name = "Key accounts (late)".into();
    let e = api.dunning_policy_save(late).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Stale, "{e:?}");
    let login = api.signed_in().await.unwrap().login;
    assert!(
        e.message
            .starts_with(&format!("{login} saved this policy at ")),
        "{}",
        e.message
    );
    assert!(
        e.message.contains("Nothing of yours was saved: reload"),
        "{}",
        e.message
    );
    assert_eq!(
        api.dunning_policy(created.id).await.unwrap(),
        saved,
        "nothing of it written"
    );

    // A second policy of the same name is a duplicate.
    let e = api
        .dunning_policy_save(DunningPolicyDto {
            id: 0,
            ..created.clone()
        })
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Duplicate);

    // Assign to a debtor; the debtor page reads which policy it follows.
    let debtor = api
        .debtor_create(DebtorInput {
            kind: DebtorKindDto::Company,
            name: "Acme GmbH".into(),
            external_ref: "D1".into(),
            contacts: vec![],
            address_lines: String::new(),
            postal_code: String::new(),
            city: String::new(),
            country: "DE".into(),
            language: "en".into(),
            currency: "EUR".into(),
            payment_terms_days: 30,
            credit_limit: String::new(),
            tags: vec![],
            notes: String::new(),
            account_manager: String::new(),
        })
        .await
        .unwrap()
        .id;
    let p = api.dunning_debtor_policy(debtor).await.unwrap();
    assert!(!p.assigned);
    assert_eq!(p.policy.unwrap().id, standard.id);
    api.dunning_assign_policy(debtor, Some(saved.id))
        .await
        .unwrap();
    let p = api.dunning_debtor_policy(debtor).await.unwrap();
    assert!(p.assigned);
    assert_eq!(p.policy.unwrap().name, "Key accounts");
    let e = api
        .dunning_assign_policy(debtor, Some(9999))
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    let timeline = api.debtor_timeline(debtor).await.unwrap();
    assert!(timeline
        .iter()
        .any(|e| e.title.contains("Dunning now follows Key accounts")));

    // A followed policy and the default cannot be deleted.
    let e = api.dunning_policy_delete(saved.id).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    let e = api.dunning_policy_delete(standard.id).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);

    // Move the default; exactly one default remains.
    api.dunning_policy_set_default(saved.id).await.unwrap();
    let list = api.dunning_policies().await.unwrap();
    assert_eq!(list.iter().filter(|p| p.is_default).count(), 1);
    assert_eq!(list[0].id, saved.id);
    let e = api.dunning_policy_set_default(9999).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);

    // Back to the default (now Key accounts), then the old standard can go.
    api.dunning_assign_policy(debtor, None).await.unwrap();
    api.dunning_policy_delete(standard.id).await.unwrap();
    let list = api.dunning_policies().await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(
        api.dunning_policy_named("key ACCOUNTS").await.unwrap().id,
        saved.id
    );
}

#[tokio::test]
async fn policy_editor_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(dir.path().join("a.db").to_str().unwrap()).await;
    story(&api).await;
}

#[tokio::test]
async fn policy_editor_postgres() {
    let Some(db) = pg::TestDb::create("dunning_policy").await else {
        return;
    };
    let api = open(&db.url).await;
    story(&api).await;
    api.close().await;
    db.drop().await;
}
