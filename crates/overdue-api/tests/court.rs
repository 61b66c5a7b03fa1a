//! Court claims (issue 20) against hand-worked cases, on a real SQLite file and a real
//! PostgreSQL server: Money Claim Online (particulars within 24 lines of 45 plain
//! characters, Late Payment Act interest with its daily amount, compensation bands, the
//! fee table, the warnings MCOL's rules call for), the German Mahnantrag (the central
//! court for the applicant's seat, interest as points above the base rate, the EUR 40 flat
//! sums set off against pre-court costs) and the French injonction de payer; claiming
//! without notice on record needs a reason, which is logged.

#[path = "support/book.rs"]
mod book;
#[path = "support/pg.rs"]
mod pg;

use book::{debtor_at, invoice, open, pdf_text, print_letter, uk_creditor};
use overdue_api::court::CourtClaimRequest;
use overdue_api::documents::LetterheadDto;
use overdue_api::dto::DebtorKindDto::{Company, SoleTrader};

fn request(debtor_id: i64, court: &str, reason: &str) -> CourtClaimRequest {
    CourtClaimRequest {
        debtor_id,
        court: court.into(),
        as_of: String::new(),
        reason: reason.into(),
        claim_type: String::new(),
    }
}

/// The book as it stood on each day: invoices in summer, a reminder in September, the
/// letter of claim in October; the claim is prepared on 10 January 2027.
async fn story(target: &str) {
    let api = open(target, (2026, 9, 15)).await;
    uk_creditor(&api).await;
    let gb = ("en", "GB", "GBP");
    let harper = debtor_at(
        &api,
        Company,
        "UK1",
        "Harper & Sons Ltd",
        gb,
        ("1 High Street", "M1 1AA", "Manchester"),
    )
    .await;
    let fiona = debtor_at(
        &api,
        SoleTrader,
        "UK2",
        "Fiona MacLeod",
        gb,
        ("3 Rose Street", "EH2 2PR", "Edinburgh"),
    )
    .await;
    let silent = debtor_at(
        &api,
        Company,
        "UK3",
        "Quiet Traders Ltd",
        gb,
        ("9 King Street", "BS1 4DJ", "Bristol"),
    )
    .await;
    invoice(
        &api,
        harper,
        "BW-2026-101",
        "2026-06-01",
        "2026-07-01",
        "1840.00",
    )
    .await;
    invoice(
        &api,
        harper,
        "BW-2026-118",
        "2026-07-15",
        "2026-08-14",
        "560.50",
    )
    .await;
    invoice(
        &api,
        fiona,
        "BW-2026-120",
        "2026-07-01",
        "2026-07-31",
        "300.00",
    )
    .await;
    invoice(
        &api,
        silent,
        "BW-2026-130",
        "2026-07-01",
        "2026-07-31",
        "95000.00",
    )
    .await;
    print_letter(&api, harper, "reminder").await;
    print_letter(&api, fiona, "reminder").await;
    api.close().await;
    let api = open(target, (2026, 12, 20)).await;
    print_letter(&api, harper, "final-demand").await;
    print_letter(&api, fiona, "final-demand").await;
    api.close().await;
    let api = open(target, (2027, 1, 10)).await;

    // Harper: every figure worked by hand.
    let c = api
        .court_claim(&request(harper, "uk-mcol", ""))
        .await
        .unwrap();
    assert_eq!(c.principal, "2400.50");
    // 1840.00 x 12% / 365 x 193 days (2 July 2026 to 10 January 2027) = 116.75;
    // 560.50 x 12% / 365 x 149 days (15 August to 10 January) = 27.46.
    assert_eq!(c.interest.to_date, "144.21");
    assert_eq!(c.interest.from, "2026-07-02");
    // 2400.50 x 12% / 365 = 0.7892 a day.
    assert_eq!(c.interest.daily, "0.79");
    // GBP 70 for a debt of 1,000 to 9,999.99; GBP 40 below 1,000.
    assert_eq!(c.compensation, "110.00");
    // 2,510.50 claimed + 144.21 interest = 2,654.71: the band 1,500.01 to 3,000.
    assert_eq!(c.court_fee, "115.00");
    assert_eq!(c.total, "2769.71");
    assert_eq!(c.fields["amount_claimed"], "2510.50");
    assert_eq!(c.fields["interest.daily"], "0.79");
    assert_eq!(c.fields["interest.rate"], "12.00");
    assert_eq!(c.fields["defendant.postcode"], "M1 1AA");
    assert_eq!(c.fields["statement_of_truth.name"], "Jane Porter");
    assert!(c.particulars.len() <= 24, "{:?}", c.particulars);
    for line in &c.particulars {
        assert!(line.chars().count() <= 45, "{line:?}");
        assert!(
            line.chars()
                .all(|ch| ch.is_ascii_alphanumeric() || " .,'-()/&:;?!\"%+".contains(ch)),
            "{line:?}"
        );
    }
    let text = c.particulars.join(" ");
    assert!(
        text.contains("BW-2026-101") && text.contains("GBP 1,840.00"),
        "{text}"
    );
    assert!(
        text.contains("Late Payment of Commercial Debts (Interest) Act 1998"),
        "{text}"
    );
    assert!(text.contains("GBP 0.79 a day"), "{text}");
    assert!(
        text.contains("letter of claim dated 20 December 2026"),
        "{text}"
    );
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    let logged = api.debtor_timeline(harper).await.unwrap();
    assert!(
        logged
            .iter()
            .any(|e| format!("{} {}", e.title, e.detail).contains("Court claim prepared (uk-mcol")),
        "{logged:?}"
    );

    // Fiona: a sole trader in Edinburgh, 21 days after the letter of claim.
    let c = api
        .court_claim(&request(fiona, "uk-mcol", ""))
        .await
        .unwrap();
    let w = c.warnings.join(" | ");
    assert!(w.contains("Scotland"), "{w}");
    assert!(
        w.contains("Pre-Action Protocol") && w.contains("19 January 2027"),
        "{w}"
    );

    // No notice on record: refused, naming the reason flag; with a reason, a warning and
    // the reason on the contact log. A claim of GBP 100,000 or more: MCOL refuses it.
    let e = api
        .court_claim(&request(silent, "uk-mcol", ""))
        .await
        .unwrap_err();
    assert!(
        e.message.contains("no reminder and no final demand"),
        "{}",
        e.message
    );
    assert_eq!(e.fields[0].field, "reason");
    let c = api
        .court_claim(&request(
            silent,
            "uk-mcol",
            "Debtor is insolvent: filing now",
        ))
        .await
        .unwrap();
    let w = c.warnings.join(" | ");
    assert!(w.contains("reason logged"), "{w}");
    assert!(w.contains("GBP 100,000 or more"), "{w}");
    // 5% of the claim above GBP 10,000, rounded down to the penny.
    let claimed: rust_decimal::Decimal = c.fields["amount_claimed"]
        .parse::<rust_decimal::Decimal>()
        .unwrap()
        + c.interest.to_date.parse::<rust_decimal::Decimal>().unwrap();
    assert_eq!(
        c.court_fee,
        (claimed * rust_decimal::Decimal::new(5, 2))
            .trunc_with_scale(2)
            .to_string()
    );
    let logged = api.debtor_timeline(silent).await.unwrap();
    assert!(
        logged
            .iter()
            .any(|e| format!("{} {}", e.title, e.detail).contains("reason: Debtor is insolvent")),
        "{logged:?}"
    );

    // Bad input names the field.
    let e = api
        .court_claim(&request(harper, "uk-small-claims", ""))
        .await
        .unwrap_err();
    assert!(e.message.starts_with("Court:"), "{}", e.message);
    let mut r = request(harper, "uk-mcol", "");
    r.as_of = "2027-02-30".into();
    let e = api.court_claim(&r).await.unwrap_err();
    assert!(e.message.starts_with("As of:"), "{}", e.message);
    api.close().await;
}

/// The German and French forms on a Hamburg creditor's book.
async fn continental(target: &str) {
    let api = open(target, (2026, 9, 15)).await;
    api.letterhead_set(LetterheadDto {
        name: "Nordlicht Handels GmbH".into(),
        address_lines: "Hafenstraße 12".into(),
        postal_code: "20457".into(),
        city: "Hamburg".into(),
        country: "DE".into(),
        iban: "DE89 3704 0044 0532 0130 00".into(),
        registration: "HRB 12345".into(),
        ..Default::default()
    })
    .await
    .unwrap();
    let de = debtor_at(
        &api,
        Company,
        "DE1",
        "Bäckerei Lindner GmbH",
        ("de", "DE", "EUR"),
        ("Hauptstraße 1", "10115", "Berlin"),
    )
    .await;
    let fr = debtor_at(
        &api,
        Company,
        "FR1",
        "Dupont Matériaux SARL",
        ("fr", "FR", "EUR"),
        ("5 rue de la Paix", "69002", "Lyon"),
    )
    .await;
    invoice(
        &api,
        de,
        "NL-2026-201",
        "2026-06-01",
        "2026-07-01",
        "1200.00",
    )
    .await;
    invoice(
        &api,
        de,
        "NL-2026-230",
        "2026-07-01",
        "2026-07-31",
        "800.00",
    )
    .await;
    invoice(
        &api,
        fr,
        "NL-2026-240",
        "2026-06-15",
        "2026-07-15",
        "4800.00",
    )
    .await;
    for d in [de, fr] {
        print_letter(&api, d, "reminder").await;
        print_letter(&api, d, "final-demand").await;
    }
    api.close().await;
    let api = open(target, (2027, 1, 10)).await;

    let c = api
        .court_claim(&request(de, "de-mahnverfahren", ""))
        .await
        .unwrap();
    assert_eq!(c.court_name, "Amtsgericht Hamburg");
    assert_eq!(c.principal, "2000.00");
    assert_eq!(c.compensation, "80.00");
    assert_eq!(c.fields["hauptforderung.1.katalognummer"], "11");
    assert_eq!(c.fields["hauptforderung.1.bezeichnung"], "Kaufvertrag");
    assert_eq!(
        c.fields["hauptforderung.1.rechnung"],
        "Rechnung NL-2026-201 vom 01.06.2026"
    );
    assert_eq!(c.fields["hauptforderung.2.betrag"], "800,00");
    assert_eq!(
        c.fields["hauptforderung.1.zinsen"],
        "9 Prozentpunkte über dem jeweiligen Basiszinssatz seit dem 02.07.2026"
    );
    assert_eq!(c.fields["nebenforderung.pauschale_288_5_bgb"], "80,00");
    assert_eq!(c.fields["nebenforderung.vorgerichtliche_kosten"], "0,00");
    assert!(
        c.warnings.iter().any(|w| w.contains("BGB 288(5)")),
        "{:?}",
        c.warnings
    );
    let mut services = request(de, "de-mahnverfahren", "");
    services.claim_type = "services".into();
    let c = api.court_claim(&services).await.unwrap();
    assert_eq!(c.fields["hauptforderung.1.katalognummer"], "5");

    // Court and lawyer's costs go on the account (and the statement), not into the
    // pre-court costs a Mahnantrag claims; the case's steps go on the timeline.
    api.legal_cost_add(&overdue_api::court::LegalCostInput {
        debtor_id: de,
        kind: overdue_api::court::LegalCostKind::CourtFee,
        amount: "36.00".into(),
        date: "2027-01-10".into(),
        note: "Mahnbescheid".into(),
    })
    .await
    .unwrap();
    let e = api
        .legal_cost_add(&overdue_api::court::LegalCostInput {
            debtor_id: de,
            kind: overdue_api::court::LegalCostKind::Lawyer,
            amount: "-1".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(e.fields[0].field, "amount");
    // A kind outside the set does not get past the boundary (IPC or the CLI).
    assert!(serde_json::from_str::<overdue_api::court::LegalCostKind>("\"bribe\"").is_err());
    let charges = api.charges_of(de).await.unwrap();
    assert!(
        charges.iter().any(
            |c| c.basis.starts_with("Legal cost: court fee (Mahnbescheid)") && c.amount == "36.00"
        ),
        "{charges:?}"
    );
    let c = api
        .court_claim(&request(de, "de-mahnverfahren", ""))
        .await
        .unwrap();
    assert_eq!(c.fields["nebenforderung.vorgerichtliche_kosten"], "0,00");
    let statement = api
        .statement_pdf(de, "2026-01-01", "2027-01-10", false)
        .await
        .unwrap();
    let text = pdf_text(&statement.bytes);
    assert!(text.contains("36,00"), "{text}");
    api.court_status(&overdue_api::court::CourtStatusInput {
        debtor_id: de,
        status: overdue_api::court::CourtStep::Judgment,
        date: "2027-03-01".into(),
        note: "Vollstreckungsbescheid AG Hamburg".into(),
    })
    .await
    .unwrap();
    let log = api.debtor_timeline(de).await.unwrap();
    assert!(
        log.iter().any(
            |e| format!("{} {}", e.title, e.detail).contains("Judgment obtained on 2027-03-01")
        ),
        "{log:?}"
    );

    let c = api
        .court_claim(&request(fr, "fr-injonction", ""))
        .await
        .unwrap();
    assert_eq!(c.court_name, "Tribunal de commerce de Lyon");
    assert_eq!(c.fields["montant.principal"], "4 800,00");
    assert_eq!(c.fields["montant.indemnite_forfaitaire"], "40,00");
    assert!(c.fields["fondement"].contains("L441-10"));
    assert!(c.documents.iter().any(|d| d.contains("mise en demeure")));
    assert!(c
        .particulars
        .iter()
        .any(|l| l.contains("Facture NL-2026-240 du 15/06/2026")));

    // No court named: the form of the debtor's own country, the same claim.
    let own = api.court_claim_preview(&request(fr, "", "")).await.unwrap();
    assert_eq!(
        (own.court.as_str(), own.total.as_str()),
        ("fr-injonction", c.total.as_str())
    );
    let own = api.court_claim_preview(&request(de, "", "")).await.unwrap();
    assert_eq!(own.court, "de-mahnverfahren");
    let pl = debtor_at(
        &api,
        Company,
        "PL1",
        "Kowalski Sp. z o.o.",
        ("pl", "PL", "EUR"),
        ("ul. Długa 1", "00-001", "Warszawa"),
    )
    .await;
    let e = api
        .court_claim_preview(&request(pl, "", ""))
        .await
        .unwrap_err();
    assert!(
        e.message
            .contains("is in PL, where Overdue fills no court form"),
        "{}",
        e.message
    );
    api.close().await;
}

#[tokio::test]
async fn court_claims_are_filled_from_the_book_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    story(dir.path().join("c.db").to_str().unwrap()).await;
    continental(dir.path().join("d.db").to_str().unwrap()).await;
}

#[tokio::test]
async fn court_claims_are_filled_from_the_book_postgres() {
    let Some(db) = pg::TestDb::create("court_story").await else {
        return;
    };
    story(&db.url).await;
    db.drop().await;
    let Some(db) = pg::TestDb::create("court_continental").await else {
        return;
    };
    continental(&db.url).await;
    db.drop().await;
}
