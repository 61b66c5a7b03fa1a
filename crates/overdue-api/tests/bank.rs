//! Bank statements through the API on a real SQLite file and a real PostgreSQL server:
//! import, automatic and suggested matches, duplicates, review (accept, undo, ignore with
//! a rule), returned payments, the dunning run's holds and warnings, and bad files that
//! write nothing.

#[path = "support/pg.rs"]
mod pg;

use std::sync::Arc;

use chrono::{Days, NaiveDate, TimeZone, Utc};
use overdue_api::bank::{
    BankEntryStatusDto, BankImportOptions, BankImportSummary, BankMatchInput, BankMatchLine,
    BankSideDto,
};
use overdue_api::clock::FixedClock;
use overdue_api::dto::{ContactDto, DebtorInput, DebtorKindDto};
use overdue_api::dunning::{DunningRunMode, DunningRunRequest, DunningRunResult};
use overdue_api::ledger::InvoiceInput;
use overdue_api::{Api, ErrorCode};

const OWN_IBAN: &str = "DE02120300000000202051";
const MUELLER_IBAN: &str = "DE89370400440532013000";
const ACME_IBAN: &str = "GB29NWBK60161331926819";

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

async fn open(target: &str) -> Api {
    if std::env::var("OVERDUE_TEST_KEYRING").is_err() {
        keyring::set_default_credential_builder(keyring::mock::default_credential_builder());
    }
    Api::open(
        target,
        Arc::new(FixedClock(
            Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap(),
        )),
    )
    .await
    .unwrap()
}

async fn debtor(api: &Api, r: &str, name: &str) -> i64 {
    api.debtor_create(DebtorInput {
        kind: DebtorKindDto::Company,
        name: name.into(),
        external_ref: r.into(),
        contacts: vec![ContactDto {
            name: "AP".into(),
            role: String::new(),
            email: format!("ap@{}.test", r.to_lowercase()),
            phone: String::new(),
        }],
        address_lines: "Street 1".into(),
        postal_code: "10115".into(),
        city: "Berlin".into(),
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
    .id
}

async fn invoice(api: &Api, debtor_id: i64, number: &str, due: &str, amount: &str) -> i64 {
    let due_date = d(due);
    api.invoice_create(InvoiceInput {
        debtor_id,
        number: number.into(),
        issue_date: (due_date - Days::new(30)).to_string(),
        due_date: due.into(),
        amount: amount.into(),
        tax: String::new(),
        currency: "EUR".into(),
        description: String::new(),
        override_reason: String::new(),
    })
    .await
    .unwrap()
    .id
}

/// One camt.053 transaction: (side, amount, name, iban, ustrd, strd ref, end-to-end id).
struct Tx<'a> {
    credit: bool,
    amount: &'a str,
    name: &'a str,
    iban: &'a str,
    text: &'a str,
    rf: &'a str,
    e2e: &'a str,
    ret: bool,
}

fn tx_xml(t: &Tx, amount_in_tx: bool) -> String {
    let party = if t.credit { "Dbtr" } else { "Cdtr" };
    let acct = if t.credit { "DbtrAcct" } else { "CdtrAcct" };
    let strd = if t.rf.is_empty() {
        String::new()
    } else {
        format!(
            "<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>ISO</Issr></Tp><Ref>{}</Ref></CdtrRefInf></Strd>",
            t.rf
        )
    };
    let ustrd = if t.text.is_empty() {
        String::new()
    } else {
        format!("<Ustrd>{}</Ustrd>", t.text)
    };
    let ret = if t.ret {
        "<RtrInf><Rsn><Cd>MD06</Cd></Rsn></RtrInf>"
    } else {
        ""
    };
    let amt = if amount_in_tx {
        format!("<Amt Ccy=\"EUR\">{}</Amt>", t.amount)
    } else {
        String::new()
    };
    format!(
        "<TxDtls><Refs><EndToEndId>{}</EndToEndId></Refs>{amt}<RltdPties><{party}><Pty><Nm>{}</Nm></Pty></{party}><{acct}><Id><IBAN>{}</IBAN></Id></{acct}></RltdPties><RmtInf>{ustrd}{strd}</RmtInf>{ret}</TxDtls>",
        if t.e2e.is_empty() { "NOTPROVIDED" } else { t.e2e },
        t.name,
        t.iban
    )
}

/// A camt.053.001.08 statement of `OWN_IBAN` with one `Ntry` per group of transactions (a
/// group of several is a batch entry).
fn camt(id: &str, entries: &[&[Tx]], opening: &str, closing: &str) -> String {
    let mut ntry = String::new();
    for (k, group) in entries.iter().enumerate() {
        let credit = group[0].credit;
        let total: rust_decimal::Decimal = group
            .iter()
            .map(|t| t.amount.parse::<rust_decimal::Decimal>().unwrap())
            .sum();
        let batch = group.len() > 1;
        let txs: String = group.iter().map(|t| tx_xml(t, batch)).collect();
        ntry.push_str(&format!(
            "<Ntry><NtryRef>{id}-{k}</NtryRef><Amt Ccy=\"EUR\">{total}</Amt><CdtDbtInd>{}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>\
             <BookgDt><Dt>2026-02-2{}</Dt></BookgDt><ValDt><Dt>2026-02-2{}</Dt></ValDt><AcctSvcrRef>{id}-SVC-{k}</AcctSvcrRef>\
             <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>\
             <NtryDtls>{}{txs}</NtryDtls></Ntry>",
            if credit { "CRDT" } else { "DBIT" },
            k % 8 + 1,
            k % 8 + 1,
            if batch { format!("<Btch><NbOfTxs>{}</NbOfTxs></Btch>", group.len()) } else { String::new() }
        ));
    }
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
<BkToCstmrStmt><GrpHdr><MsgId>{id}</MsgId><CreDtTm>2026-02-28T06:00:00</CreDtTm></GrpHdr>
<Stmt><Id>{id}</Id><ElctrncSeqNb>12</ElctrncSeqNb><CreDtTm>2026-02-28T06:00:00</CreDtTm>
<FrToDt><FrDtTm>2026-02-21T00:00:00</FrDtTm><ToDtTm>2026-02-28T23:59:59</ToDtTm></FrToDt>
<Acct><Id><IBAN>{OWN_IBAN}</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{opening}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-02-21</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{closing}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-02-28</Dt></Dt></Bal>
{ntry}
</Stmt></BkToCstmrStmt></Document>"#
    )
}

async fn import(
    api: &Api,
    bytes: &[u8],
    dry_run: bool,
) -> Result<BankImportSummary, overdue_api::ApiError> {
    api.bank_import(
        bytes,
        "statement.xml",
        &BankImportOptions {
            dry_run,
            ..Default::default()
        },
        &|_| {},
        &|| false,
    )
    .await
}

async fn preview(api: &Api, as_of: &str) -> DunningRunResult {
    api.dunning_run(DunningRunRequest {
        as_of: as_of.into(),
        mode: DunningRunMode::Preview,
        ..Default::default()
    })
    .await
    .unwrap()
}

async fn open_of(api: &Api, number: &str) -> String {
    api.invoice_by_number(number).await.unwrap().invoice.open
}

async fn story(api: &Api) {
    let mueller = debtor(api, "D-100", "Müller Maschinenbau GmbH").await;
    let acme = debtor(api, "D-200", "Acme Trading Ltd").await;
    invoice(api, mueller, "INV-1001", "2026-01-15", "1190.00").await;
    invoice(api, acme, "INV-2001", "2026-01-20", "300.00").await;
    invoice(api, acme, "INV-2002", "2026-01-25", "200.00").await;
    let rf = api
        .invoice_by_number("INV-1001")
        .await
        .unwrap()
        .payment_reference;
    assert!(
        rf.starts_with("RF"),
        "every invoice carries an ISO 11649 reference: {rf}"
    );

    let before = preview(api, "2026-03-01").await;
    let reminded: Vec<&str> = before.actions.iter().map(|a| a.debtor.as_str()).collect();
    assert!(
        reminded.contains(&"D-100") && reminded.contains(&"D-200"),
        "{reminded:?}"
    );

    let file = camt(
        "STMT-0228",
        &[
            &[Tx {
                credit: true,
                amount: "1190.00",
                name: "Mueller Maschinenbau",
                iban: MUELLER_IBAN,
                text: "",
                rf: &rf,
                e2e: "E2E-MUE-1",
                ret: false,
            }],
            &[Tx {
                credit: true,
                amount: "250.00",
                name: "ACME TRADING LIMITED",
                iban: ACME_IBAN,
                text: "Part payment Rechnung INV-2001",
                rf: "",
                e2e: "",
                ret: false,
            }],
            &[Tx {
                credit: false,
                amount: "1200.00",
                name: "Hausverwaltung Schmidt",
                iban: "DE44500105175407324931",
                text: "Miete Maerz",
                rf: "",
                e2e: "",
                ret: false,
            }],
            &[
                Tx {
                    credit: true,
                    amount: "200.00",
                    name: "Acme Trading",
                    iban: ACME_IBAN,
                    text: "inv 2002",
                    rf: "",
                    e2e: "E2E-ACME-2",
                    ret: false,
                },
                Tx {
                    credit: true,
                    amount: "77.77",
                    name: "Zoe Random",
                    iban: "FR1420041010050500013M02606",
                    text: "Spende",
                    rf: "",
                    e2e: "",
                    ret: false,
                },
            ],
        ],
        "10000.00",
        "10517.77",
    );
    // A dry run reads and matches but writes nothing.
    let dry = import(api, file.as_bytes(), true).await.unwrap();
    assert!(dry.dry_run);
    assert_eq!(
        (dry.entries, dry.matched, dry.suggested, dry.unmatched),
        (5, 2, 1, 2),
        "{dry:?}"
    );
    assert!(
        api.bank_entries(None, None, 0).await.unwrap().is_empty(),
        "a dry run writes nothing"
    );
    assert!(
        api.bank_accounts().await.unwrap().is_empty(),
        "a dry run creates no account"
    );

    let s = import(api, file.as_bytes(), false).await.unwrap();
    assert_eq!(s.format, "camt053");
    assert_eq!(s.statements, 1);
    assert_eq!(
        s.entries, 5,
        "a batch entry counts each of its transactions"
    );
    assert_eq!(s.duplicates, 0);
    assert_eq!(s.credits.get("EUR").map(String::as_str), Some("1717.77"));
    assert_eq!(s.debits.get("EUR").map(String::as_str), Some("1200.00"));
    assert_eq!(
        (s.matched, s.suggested, s.unmatched, s.ignored),
        (2, 1, 2, 0),
        "{s:?}"
    );
    assert_eq!(
        s.new_accounts,
        vec![OWN_IBAN.to_string()],
        "an unknown account is created and reported"
    );
    assert!(
        s.balance_problems.is_empty(),
        "10000.00 + 1717.77 - 1200.00 = 10517.77: {:?}",
        s.balance_problems
    );

    assert_eq!(
        open_of(api, "INV-1001").await,
        "0.00",
        "the RF reference paid INV-1001"
    );
    assert_eq!(
        open_of(api, "INV-2002").await,
        "0.00",
        "the invoice number in the text paid INV-2002"
    );
    assert_eq!(
        open_of(api, "INV-2001").await,
        "300.00",
        "a different amount is only suggested"
    );

    let suggested = api
        .bank_entries(Some(BankEntryStatusDto::Suggested), None, 0)
        .await
        .unwrap();
    assert_eq!(suggested.len(), 1);
    let sug = &suggested[0];
    assert_eq!(sug.debtor_id, Some(acme));
    assert_eq!(
        sug.invoices.first().map(|i| i.number.as_str()),
        Some("INV-2001")
    );
    assert!(!sug.reasons.is_empty(), "a proposal says why");

    // The dunning run: Müller paid everything; Acme has a credit awaiting review from
    // an IBAN it is known to pay from (learned from the automatic match), so it waits.
    let after = preview(api, "2026-03-01").await;
    assert!(
        !after.actions.iter().any(|a| a.debtor == "D-100"),
        "a debtor who paid is not reminded"
    );
    assert!(
        !after.actions.iter().any(|a| a.debtor == "D-200"),
        "an unreviewed credit holds the reminders"
    );
    assert!(
        after
            .skipped
            .iter()
            .any(|s| s.debtor == "D-200" && s.reason.contains("awaits review")),
        "{:?}",
        after.skipped
    );
    assert!(
        after.warnings.is_empty(),
        "the statement is fresh: {:?}",
        after.warnings
    );
    let late = preview(api, "2026-03-20").await;
    assert!(
        late.warnings
            .iter()
            .any(|w| w.contains(OWN_IBAN) && w.contains("before you remind")),
        "an old statement warns: {:?}",
        late.warnings
    );

    // The same file again: nothing new, every entry a duplicate with its stored status.
    let again = import(api, file.as_bytes(), false).await.unwrap();
    assert_eq!((again.entries, again.duplicates), (5, 5));
    assert_eq!((again.matched, again.suggested, again.unmatched), (2, 1, 2));
    assert_eq!(api.bank_entries(None, None, 0).await.unwrap().len(), 5);
    assert_eq!(open_of(api, "INV-1001").await, "0.00");

    // Accept the suggestion, then undo it: the payment is reversed and kept.
    let accepted = api.bank_accept(sug.id, "maria").await.unwrap();
    assert_eq!(accepted.status, BankEntryStatusDto::Matched);
    assert_eq!(open_of(api, "INV-2001").await, "50.00");
    let pid = accepted.payment_id.unwrap();
    let undone = api.bank_unmatch(sug.id, "maria").await.unwrap();
    assert_eq!(
        undone.status,
        BankEntryStatusDto::Suggested,
        "undo proposes again"
    );
    assert_eq!(open_of(api, "INV-2001").await, "300.00");
    let timeline = api.debtor_timeline(acme).await.unwrap();
    let text = format!("{timeline:?}");
    assert!(
        text.contains("Bank match undone") && text.contains(&format!("#{pid}")),
        "{text}"
    );

    // A split by hand: more than is open is refused at its line.
    let err = api
        .bank_match(
            sug.id,
            &BankMatchInput {
                invoices: vec![BankMatchLine {
                    number: "INV-2001".into(),
                    amount: Some("300.01".into()),
                }],
                debtor_id: None,
            },
            "maria",
        )
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
    assert_eq!(err.fields[0].field, "invoices[0]");
    let split = api
        .bank_match(
            sug.id,
            &BankMatchInput {
                invoices: vec![BankMatchLine {
                    number: "INV-2001".into(),
                    amount: Some("240.00".into()),
                }],
                debtor_id: None,
            },
            "maria",
        )
        .await
        .unwrap();
    assert_eq!(
        split.unapplied, "10.00",
        "what no invoice takes stays a credit on the debtor"
    );
    assert_eq!(open_of(api, "INV-2001").await, "60.00");

    // The rent: ignored with a rule.
    let rent = api
        .bank_entries(Some(BankEntryStatusDto::Unmatched), None, 0)
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.side == BankSideDto::Debit)
        .unwrap();
    let ignored = api.bank_ignore(rent.id, true).await.unwrap();
    assert_eq!(ignored[0].status, BankEntryStatusDto::Ignored);
    assert_eq!(api.bank_ignore_rules().await.unwrap().len(), 1);

    // The bank returns Müller's payment (MD06): the payment is reversed, the invoice open.
    let returned = camt(
        "STMT-0305",
        &[
            &[Tx {
                credit: false,
                amount: "1190.00",
                name: "Mueller Maschinenbau",
                iban: MUELLER_IBAN,
                text: "RETOURE",
                rf: "",
                e2e: "E2E-MUE-1",
                ret: true,
            }],
            &[Tx {
                credit: false,
                amount: "1200.00",
                name: "Hausverwaltung Schmidt",
                iban: "DE44500105175407324931",
                text: "Miete April",
                rf: "",
                e2e: "",
                ret: false,
            }],
        ],
        "10517.77",
        "8127.77",
    );
    let r = import(api, returned.as_bytes(), false).await.unwrap();
    assert_eq!((r.entries, r.matched, r.ignored), (2, 1, 1), "{r:?}");
    assert_eq!(
        open_of(api, "INV-1001").await,
        "1190.00",
        "a returned payment is owed again"
    );

    // A broken file writes nothing and says where.
    let broken = file.replace(
        "<Amt Ccy=\"EUR\">1190.00</Amt>",
        "<Amt Ccy=\"EUR\">11x0.00</Amt>",
    );
    let before_count = api.bank_entries(None, None, 0).await.unwrap().len();
    let err = import(
        api,
        broken.replace("STMT-0228", "STMT-BAD").as_bytes(),
        false,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(
        err.message.contains("statement.xml") && err.message.contains("Ntry"),
        "{}",
        err.message
    );
    assert_eq!(
        api.bank_entries(None, None, 0).await.unwrap().len(),
        before_count
    );
}

#[tokio::test]
async fn bank_statement_story_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bank.db");
    let api = open(path.to_str().unwrap()).await;
    story(&api).await;
    api.close().await;
    book_is_consistent(&path).await;
}

/// After the story (imports, automatic matches, accepted and undone matches, returned
/// payments) every balance in the file equals what its rows say, and the allocation
/// triggers still stand (a payment of one debtor cannot pay another's invoice).
async fn book_is_consistent(path: &std::path::Path) {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let scalar = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(
        scalar(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' \
             AND name IN ('allocations_guard', 'allocations_apply')"
        )
        .await,
        2
    );
    assert!(scalar("SELECT count(*) FROM allocations").await > 0);
    assert_eq!(
        scalar(
            "SELECT count(*) FROM invoices i WHERE open_minor <> amount_minor \
             - (SELECT coalesce(sum(amount_minor), 0) FROM allocations a WHERE a.invoice_id = i.id AND a.reversed_on IS NULL) \
             - (SELECT coalesce(sum(amount_minor), 0) FROM invoice_adjustments j WHERE j.invoice_id = i.id)"
        )
        .await,
        0,
        "an invoice's open balance differs from its allocations"
    );
    assert_eq!(
        scalar(
            "SELECT count(*) FROM payments p WHERE unapplied_minor <> CASE WHEN reversed_on IS NOT NULL THEN 0 \
             ELSE amount_minor - (SELECT coalesce(sum(amount_minor), 0) FROM allocations a \
             WHERE a.payment_id = p.id AND a.reversed_on IS NULL) END"
        )
        .await,
        0,
        "a payment's unapplied amount differs from its allocations"
    );
    let crossed = sqlx::query(
        "INSERT INTO allocations (payment_id, invoice_id, amount_minor, allocated_on) \
         SELECT p.id, i.id, 1, '2026-03-06' FROM payments p, invoices i \
         WHERE p.debtor_id <> i.debtor_id AND p.reversed_on IS NULL LIMIT 1",
    )
    .execute(&pool)
    .await;
    assert!(
        crossed
            .as_ref()
            .is_err_and(|e| e.to_string().contains("different debtors")),
        "the guard trigger still refuses a crossed allocation: {crossed:?}"
    );
    pool.close().await;
}

#[tokio::test]
async fn bank_statement_story_postgres() {
    let Some(db) = pg::TestDb::create("bank_story").await else {
        return;
    };
    let api = open(&db.url).await;
    story(&api).await;
    api.close().await;
    db.drop().await;
}

/// Two imports of the same file at once: each entry is stored once and paid once.
#[tokio::test]
async fn concurrent_imports_store_each_entry_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("race.db");
    let api = Arc::new(open(path.to_str().unwrap()).await);
    let m = debtor(&api, "D-1", "Müller GmbH").await;
    invoice(&api, m, "INV-1", "2026-01-15", "100.00").await;
    let rf = api
        .invoice_by_number("INV-1")
        .await
        .unwrap()
        .payment_reference;
    let file = camt(
        "RACE",
        &[&[Tx {
            credit: true,
            amount: "100.00",
            name: "Mueller",
            iban: MUELLER_IBAN,
            text: "",
            rf: &rf,
            e2e: "E1",
            ret: false,
        }]],
        "0.00",
        "100.00",
    );
    let (a, b) = tokio::join!(
        import(&api, file.as_bytes(), false),
        import(&api, file.as_bytes(), false)
    );
    // One of them may be refused by the database (the invoice is already paid), never both
    // pay: nothing is over-allocated and the entry exists once.
    assert!(a.is_ok() || b.is_ok());
    assert_eq!(api.bank_entries(None, None, 0).await.unwrap().len(), 1);
    assert_eq!(open_of(&api, "INV-1").await, "0.00");
}

/// Regression (issue 14): the reminder said "Please transfer the amount to:" with an empty
/// IBAN line and no name although Settings > Letterhead held both. One set of creditor
/// details now serves every message; without a bank account the email is shown but blocked.
#[tokio::test]
async fn reminder_email_has_the_letterhead_iban_and_signature() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(dir.path().join("mail.db").to_str().unwrap()).await;
    let m = debtor(&api, "D-1", "Müller GmbH").await;
    invoice(&api, m, "INV-1", "2026-02-19", "100.00").await;
    let blocked = preview(&api, "2026-03-01").await;
    let a = &blocked.actions[0];
    assert!(!a.body.is_empty(), "the preview shows the message");
    assert!(
        a.error.contains("Settings > Letterhead"),
        "and why it is blocked: {:?}",
        a.error
    );

    api.letterhead_set(overdue_api::documents::LetterheadDto {
        name: "Seller AG".into(),
        address_lines: "Hauptstr. 1".into(),
        postal_code: "10115".into(),
        city: "Berlin".into(),
        country: "DE".into(),
        email: "billing@seller.test".into(),
        iban: "DE02 1203 0000 0000 2020 51".into(),
        bic: "BYLADEM1001".into(),
        signatory: "Anna Schmidt".into(),
        ..Default::default()
    })
    .await
    .unwrap();
    let ok = preview(&api, "2026-03-01").await;
    let a = &ok.actions[0];
    assert!(a.error.is_empty(), "{}", a.error);
    assert!(
        a.body.contains("DE02 1203 0000 0000 2020 51") || a.body.contains("DE02120300000000202051"),
        "{}",
        a.body
    );
    assert!(a.body.contains("Anna Schmidt, Seller AG"), "{}", a.body);
    let rf = api
        .invoice_by_number("INV-1")
        .await
        .unwrap()
        .payment_reference;
    assert!(
        a.body.contains(&overdue_domain::bank::rf::grouped(&rf)),
        "the RF reference to quote: {}",
        a.body
    );
}
