//! Late fees on the stored book: the UK example as a real invoice, claimed as
//! charges on the account (on the statement and the timeline), reversed, the policy per
//! debtor, the rate table edited and imported, and a missing rate period reported.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use overdue_api::clock::FixedClock;
use overdue_api::import::ImportKind;
use overdue_api::latefees::{LateFeePolicyDto, RateRowInput};
use overdue_api::Api;

async fn api_on(path: &std::path::Path, y: i32, m: u32, d: u32) -> Api {
    let clock = Arc::new(FixedClock(Utc.with_ymd_and_hms(y, m, d, 9, 0, 0).unwrap()));
    Api::open(path.to_str().unwrap(), clock).await.unwrap()
}

#[tokio::test]
async fn uk_interest_is_claimed_as_charges_and_reversed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("l.db");
    let api = api_on(&db, 2026, 6, 15).await;
    api.import_csv(
        ImportKind::Debtors,
        "d.csv",
        b"external_id,name,country,currency\nUK1,Brit Ltd,GB,GBP\nUS1,Yankee Inc,US,USD\nDE1,Deutsch GmbH,DE,EUR\n",
    )
    .await
    .unwrap();
    api.import_csv(
        ImportKind::Invoices,
        "i.csv",
        b"number,debtor_external_id,issue_date,due_date,amount,currency\nG-1,UK1,2026-03-01,2026-03-31,2400.00,GBP\nU-1,US1,2026-03-01,2026-03-31,100.00,USD\nD-1,DE1,2026-03-01,2026-03-31,1000.00,EUR\n",
    )
    .await
    .unwrap();
    let uk = api.debtor_by_ref("UK1").await.unwrap().id;
    let us = api.debtor_by_ref("US1").await.unwrap().id;

    // The example: 2400.00 GBP due 2026-03-31, until 2026-06-15.
    let i = api.debtor_interest(uk, "").await.unwrap();
    assert!(i.policy.contains("uk"), "{}", i.policy);
    assert_eq!(i.invoices.len(), 1);
    assert_eq!(i.interest, "58.72");
    assert_eq!(i.compensation, "70.00");
    assert_eq!(i.claimable, "128.72");
    assert_eq!(i.invoices[0].calculation.segments[0].rate, "11.75");

    // The aging drill-down carries the same interest beside each overdue invoice.
    let q = overdue_api::reports::AgingQuery {
        as_of: String::new(),
        by: overdue_api::reports::AgingBy::Due,
        buckets: "30,60,90".into(),
    };
    let drill = api
        .report_aging_invoices(q, "GBP", "61-90", None)
        .await
        .unwrap();
    assert_eq!(drill.invoices.len(), 1, "{drill:?}");
    assert_eq!(drill.interest_rows, 1);
    assert_eq!(drill.invoices[0].number, "G-1");
    assert_eq!(drill.invoices[0].interest, "58.72");
    assert_eq!(drill.invoices[0].compensation, "70.00");

    // A US debtor without a state: nothing claimed until a policy is chosen.
    let none = api.debtor_interest(us, "").await.unwrap();
    assert!(none.invoices.is_empty());
    assert!(api
        .late_fee_of(us)
        .await
        .unwrap()
        .summary
        .contains("No statutory rule"));
    let ny = api
        .late_fee_set(
            us,
            Some(LateFeePolicyDto {
                kind: "statutory".into(),
                jurisdiction: "us-ny".into(),
                ..LateFeePolicyDto::default()
            }),
        )
        .await
        .unwrap();
    assert!(ny.own);
    let ny_interest = api.debtor_interest(us, "").await.unwrap();
    assert_eq!(ny_interest.invoices.len(), 1);
    assert_ne!(ny_interest.interest, "0.00");

    // Claim now: two charges, on the statement and the timeline; nothing left to claim.
    let charges = api.charges_claim(uk, "Anna").await.unwrap();
    assert_eq!(charges.len(), 2);
    assert_eq!(api.debtor_interest(uk, "").await.unwrap().claimable, "0.00");
    let st = api
        .report_statement("UK1", "2026-01-01", "2026-06-30")
        .await
        .unwrap();
    assert_eq!(
        st.closing_balance, "2528.72",
        "invoice + interest + compensation"
    );
    assert!(st.lines.iter().any(|l| l.kind == "charge"));
    let timeline = api.debtor_timeline(uk).await.unwrap();
    assert!(timeline
        .iter()
        .any(|t| t.kind == "charge" && t.author == "Anna"));
    assert!(
        api.charges_claim(uk, "").await.is_err(),
        "nothing more to claim"
    );

    // Reversed: it is claimable again, and the statement shows the reversal.
    let interest_charge = charges
        .iter()
        .find(|c| c.kind == overdue_api::latefees::ChargeKind::Interest)
        .unwrap()
        .id;
    assert!(
        api.charge_reverse(uk, interest_charge, "", "")
            .await
            .is_err(),
        "a reason is required"
    );
    api.charge_reverse(uk, interest_charge, "", "booked in error")
        .await
        .unwrap();
    assert_eq!(
        api.debtor_interest(uk, "").await.unwrap().claimable,
        "58.72"
    );
    let st = api
        .report_statement("UK1", "2026-01-01", "2026-06-30")
        .await
        .unwrap();
    assert_eq!(st.closing_balance, "2470.00");
    api.close().await;

    // Beyond the rate table (the Basiszinssatz floats by half-year): never guessed; the
    // interest stops at the last day the table covers, and one notice names the gap.
    let later = api_on(&db, 2029, 1, 15).await;
    let de = later.debtor_by_ref("DE1").await.unwrap().id;
    let far = later.debtor_interest(de, "").await.unwrap();
    assert_eq!(far.invoices.len(), 1);
    assert_eq!(far.invoices[0].calculation.interest_to, "2026-06-30");
    assert_eq!(
        far.problems.len(),
        1,
        "one notice per debtor: {:?}",
        far.problems
    );
    assert!(far.problems[0].contains("2026-H2"), "{:?}", far.problems);
    assert!(
        !far.problems[0].contains("--rates"),
        "no advice that names a command-line flag: {:?}",
        far.problems
    );
    later.close().await;
}

#[tokio::test]
async fn the_rate_table_takes_a_new_rate_and_an_imported_table() {
    let dir = tempfile::tempdir().unwrap();
    let api = api_on(&dir.path().join("r.db"), 2026, 6, 15).await;
    let shipped = api.rate_table().await.unwrap();
    assert!(shipped.iter().all(|r| r.user_id.is_none()));
    let series = shipped
        .iter()
        .find(|r| r.series.contains("bas") || r.series.contains("de"))
        .map(|r| r.series.clone())
        .unwrap_or_else(|| shipped[0].series.clone());
    let last = shipped
        .iter()
        .filter(|r| r.series == series)
        .map(|r| r.valid_to.clone())
        .max()
        .unwrap();
    let next_from = chrono::NaiveDate::parse_from_str(&last, "%Y-%m-%d")
        .unwrap()
        .succ_opt()
        .unwrap();
    let next_to = if next_from.format("%m-%d").to_string() == "01-01" {
        format!("{}-06-30", next_from.format("%Y"))
    } else {
        format!("{}-12-31", next_from.format("%Y"))
    };
    let added = api
        .rate_row_add(RateRowInput {
            series: series.clone(),
            valid_from: next_from.to_string(),
            valid_to: next_to,
            rate: "1.50".into(),
            source: "Bundesbank press release".into(),
        })
        .await
        .unwrap();
    assert_eq!(added.len(), shipped.len() + 1);
    assert!(added.iter().any(|r| r.user_id.is_some() && r.rate == "1.5"));
    let no_source = api
        .rate_row_add(RateRowInput {
            series: series.clone(),
            valid_from: "2040-01-01".into(),
            valid_to: "2040-06-30".into(),
            rate: "1".into(),
            source: " ".into(),
        })
        .await
        .unwrap_err();
    assert!(no_source.message.contains("Source"));

    let bad = api
        .rate_import(
            "rates.csv",
            b"series,valid_from,valid_to,rate,source\nnope,2026-01-01,2026-06-30,1,x\n",
            true,
        )
        .await
        .unwrap_err();
    assert!(
        bad.message.starts_with("rates.csv: rate table line 2"),
        "{}",
        bad.message
    );
    assert_eq!(
        api.rate_table().await.unwrap().len(),
        added.len(),
        "nothing changed"
    );
}

/// The calculator's answer prints as a PDF with the whole working (read back with
/// poppler); a calculation with no debtor is not kept, a debtor's is.
#[tokio::test]
async fn the_interest_calculation_prints_as_a_pdf() {
    use overdue_api::calc::InterestCalcRequest;
    use overdue_api::interest_pdf::InterestPrint;
    let dir = tempfile::tempdir().unwrap();
    let api = api_on(&dir.path().join("p.db"), 2026, 6, 15).await;
    let request = InterestCalcRequest {
        jurisdiction: "uk".into(),
        principal: "2400.00".into(),
        currency: "GBP".into(),
        due: "2026-03-31".into(),
        until: "2026-06-15".into(),
        debtor_kind: "business".into(),
        payments: Vec::new(),
        rate: None,
        claim_compensation: true,
        govuk_rounding: false,
        rates_file: None,
        grace_days: None,
        fee: None,
        fee_percent: None,
        cap: None,
    };
    let what = InterestPrint::Calculator {
        request: Box::new(request),
    };
    let out = dir.path().join("calc.pdf");
    let saved = api.interest_pdf_to(&what, &out).await.unwrap();
    assert_eq!(saved.path, out.display().to_string());
    let text = std::process::Command::new("pdftotext")
        .args([out.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext is installed by scripts/install-deps.sh");
    let text = String::from_utf8_lossy(&text.stdout);
    for must in [
        "Late-payment interest",
        "01/04/2026",
        "15/06/2026",
        "76",
        "11.75%",
        "£58.72",
        "£70.00",
        "£2,528.72",
        "Late Payment of Commercial Debts",
    ] {
        assert!(text.contains(must), "must show {must:?}:\n{text}");
    }
    let pdf = api.interest_pdf(&what, true).await.unwrap();
    assert!(
        pdf.document_ids.is_empty(),
        "no debtor, nothing to keep it on"
    );

    // A missing rate period is not guessed: the PDF works interest out to the last day the
    // table covers and names the missing half-year.
    let InterestPrint::Calculator { mut request } = what else {
        unreachable!()
    };
    // (German interest floats: 2026-H2's base rate is not in the shipped table.)
    request.jurisdiction = "de".into();
    request.currency = "EUR".into();
    request.until = "2027-03-01".into();
    let pdf = api
        .interest_pdf(&InterestPrint::Calculator { request }, false)
        .await
        .unwrap();
    let path = dir.path().join("gap.pdf");
    std::fs::write(&path, &pdf.bytes).unwrap();
    let text = std::process::Command::new("pdftotext")
        .args(["-raw", path.to_str().unwrap(), "-"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout).replace('\n', " ");
    assert!(text.contains("2026-H2"), "{text}");
    assert!(text.contains("2026-06-30"), "{text}");
}

/// A German or French debtor's worksheet says the method and the policy in the debtor's
/// language, built from the calculation's facts: the law, each half-year's reference rate
/// and margin, the day count, how a part payment was applied (section 367 BGB) and the
/// rounding, with dates, numbers and rates in the language's conventions; no English
/// sentence of the engine or the policy summary is left in it.
#[tokio::test]
async fn the_worksheets_method_and_policy_are_in_the_debtors_language() {
    use overdue_api::dto::{DebtorInput, DebtorKindDto};
    use overdue_api::interest_pdf::InterestPrint;
    use overdue_api::ledger::PaymentInput;
    let dir = tempfile::tempdir().unwrap();
    let api = api_on(&dir.path().join("w.db"), 2026, 6, 15).await;
    let debtor = |r: &str, language: &str, country: &str| DebtorInput {
        kind: DebtorKindDto::Company,
        name: format!("Debtor {r}"),
        external_ref: r.into(),
        contacts: Vec::new(),
        address_lines: "Street 1".into(),
        postal_code: "12345".into(),
        city: "Town".into(),
        country: country.into(),
        language: language.into(),
        currency: "EUR".into(),
        payment_terms_days: 30,
        credit_limit: String::new(),
        tags: Vec::new(),
        notes: String::new(),
        account_manager: String::new(),
    };
    let de = api
        .debtor_create(debtor("DE1", "de", "DE"))
        .await
        .unwrap()
        .id;
    let fr = api
        .debtor_create(debtor("FR1", "fr", "FR"))
        .await
        .unwrap()
        .id;
    let fr_contract = api
        .debtor_create(debtor("FR2", "fr", "FR"))
        .await
        .unwrap()
        .id;
    let en = api
        .debtor_create(debtor("DE2", "en", "DE"))
        .await
        .unwrap()
        .id;
    api.import_csv(
        ImportKind::Invoices,
        "i.csv",
        b"number,debtor_external_id,issue_date,due_date,amount,currency\n\
          R-1,DE1,2025-09-01,2025-09-30,1200.00,EUR\n\
          F-1,FR1,2025-11-01,2025-11-30,800.00,EUR\n\
          F-2,FR2,2025-11-01,2025-11-30,800.00,EUR\n\
          E-1,DE2,2025-09-01,2025-09-30,1200.00,EUR\n",
    )
    .await
    .unwrap();
    for (d, number) in [(de, "R-1"), (en, "E-1")] {
        api.payment_record(PaymentInput {
            debtor_id: d,
            date: "2026-02-02".into(),
            amount: "300.00".into(),
            currency: "EUR".into(),
            method: "transfer".into(),
            reference: number.into(),
            invoice_id: Some(api.invoice_by_number(number).await.unwrap().invoice.id),
            seen_open: None,
        })
        .await
        .unwrap();
    }
    api.late_fee_set(
        fr_contract,
        Some(LateFeePolicyDto {
            kind: "contract".into(),
            rate: "8".into(),
            fixed_fee: "40.00".into(),
            grace_days: 10,
            cap: "60.00".into(),
            ..LateFeePolicyDto::default()
        }),
    )
    .await
    .unwrap();
    let sheet = |debtor_id: i64| {
        let (api, dir) = (&api, dir.path());
        async move {
            let pdf = api
                .interest_pdf(
                    &InterestPrint::Debtor {
                        debtor_id,
                        as_of: String::new(),
                    },
                    false,
                )
                .await
                .unwrap();
            let path = dir.join(format!("ws-{debtor_id}.pdf"));
            std::fs::write(&path, &pdf.bytes).unwrap();
            let out = std::process::Command::new("pdftotext")
                .args(["-raw", path.to_str().unwrap(), "-"])
                .output()
                .expect("pdftotext is installed by scripts/install-deps.sh");
            String::from_utf8_lossy(&out.stdout).replace('\n', " ")
        }
    };
    let no_english = |text: &str| {
        for english in [
            "Simple interest",
            "Statutory interest",
            "Default interest",
            "Part payments",
            "Rounded",
            "Contractual",
            "a year",
            "grace days",
            "compensation",
            " under ",
            "inclusive",
            "-H1",
            "-H2",
        ] {
            assert!(!text.contains(english), "{english:?} in {text}");
        }
    };

    // German law between businesses, a part payment applied under section 367 BGB.
    let text = sheet(de).await;
    for must in [
        "Grundlage: Gesetzliche Verzugszinsen (§ 288 BGB). Die Regelung richtet sich nach dem \
         Land des Schuldners. Die gesetzliche Pauschale wird geltend gemacht",
        "Methode: Verzugszinsen nach § 288 Abs. 2 BGB: Basiszinssatz (§ 247 BGB) zum 1. Januar",
        "zuzüglich 9 Prozentpunkten",
        "2. Halbjahr 2025: 1,27 % + 9 = 10,27 %; 1. Halbjahr 2026: 1,27 % + 9 = 10,27 %",
        "Einfache Zinsen, taggenau / 365 Tage (auch in Schaltjahren), vom 01.10.2025 bis \
         15.06.2026 einschließlich (258 Tage).",
        "Teilzahlungen werden nach § 367 BGB zuerst auf die Kosten, dann auf die Zinsen und \
         zuletzt auf die Hauptforderung angerechnet",
        "Aufgelaufene Zinsen (bei jeder Zahlung gerundet) 78,97 €",
    ] {
        assert!(text.contains(must), "{must:?} in {text}");
    }
    assert!(
        !text.contains("Kaufmännisch gerundet, einmal") && !text.contains("einmal gerundet"),
        "under section 367 BGB interest is rounded at each payment: {text}"
    );
    no_english(&text);

    // French law, the ECB rate of each half-year, no part payment: rounded once.
    let text = sheet(fr).await;
    for must in [
        "Règle appliquée : Intérêts de retard prévus par la loi (article L441-10 du Code de \
         commerce). La règle applicable est déterminée par le pays du débiteur.",
        "Méthode : Pénalités de retard en application de l'article L441-10 du Code de commerce \
         : taux des opérations principales de refinancement de la BCE",
        "majoré de 10 points",
        "2e semestre 2025 : 2,15 % + 10 = 12,15 % ; 1er semestre 2026 : 2,15 % + 10 = 12,15 %",
        "Intérêts simples, jours exacts / 365 (y compris les années bissextiles), du \
         01/12/2025 au 15/06/2026 inclus (197 jours).",
        "Arrondi une seule fois",
    ] {
        assert!(text.contains(must), "{must:?} in {text}");
    }
    assert!(
        !text.contains("paiements partiels sont"),
        "no payment: {text}"
    );
    no_english(&text);

    // The customer's own terms: grace days, the fee and the cap that limits the interest.
    let text = sheet(fr_contract).await;
    for must in [
        "Conditions contractuelles : intérêts de 8 % l'an, frais de 40,00 €, délai de grâce de \
         10 jours.",
        "Intérêts contractuels selon les conditions convenues : 8,00 % l'an comme convenu",
        "du 11/12/2025 au 15/06/2026 inclus (187 jours)",
        "Les intérêts sont limités à 20,00 € afin que les intérêts et les frais ne dépassent \
         pas ensemble le plafond contractuel de 60,00 €.",
    ] {
        assert!(text.contains(must), "{must:?} in {text}");
    }
    no_english(&text);

    // An English worksheet keeps the engine's and the policy's own sentences.
    let text = sheet(en).await;
    let i = api.debtor_interest(en, "").await.unwrap();
    let basis = &i.invoices[0].calculation.basis;
    assert!(
        basis.contains("Part payments are applied to costs"),
        "{basis}"
    );
    assert!(
        text.contains(&format!("Method: {basis}")),
        "{basis} in {text}"
    );
    assert!(
        text.contains(&format!("Policy: {}", i.policy)),
        "{} in {text}",
        i.policy
    );
}
