//! `overdue pdf ...` and `overdue attach` through the real binary on a real SQLite file:
//! every document kind is read back with poppler (`pdftotext`, `pdffonts`, `pdftoppm`) and
//! `qpdf --check`; refusals exit 2 naming what is missing; what is exported is kept and can
//! be produced again byte for byte (the case file's ZIP holds it with the same SHA-256).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn overdue(db: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_overdue"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("OVERDUE_TODAY", "2026-04-30")
        .output()
        .expect("the overdue binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok(db: &Path, args: &[&str]) -> Value {
    let mut full = args.to_vec();
    full.push("--json");
    let (code, out, err) = overdue(db, &full);
    assert_eq!(code, 0, "overdue {args:?} failed: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"))
}

fn tool(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd} must be installed (scripts/install-deps.sh): {e}"));
    assert!(
        out.status.success(),
        "{cmd} {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The checks every produced PDF must pass; returns its text.
fn check_pdf(path: &Path) -> String {
    let p = path.to_str().unwrap();
    tool("qpdf", &["--check", p]);
    let fonts = tool("pdffonts", &[p]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{p} uses a font");
    assert!(
        rows.iter().all(|l| l.contains(" yes yes yes ")),
        "{p}: fonts must be embedded, subset, with a ToUnicode map:\n{fonts}"
    );
    // Rendered, the first page is not blank: enough dark pixels in a grey render.
    let prefix = path.with_extension("render");
    tool(
        "pdftoppm",
        &[
            "-gray",
            "-r",
            "30",
            "-f",
            "1",
            "-l",
            "1",
            p,
            prefix.to_str().unwrap(),
        ],
    );
    let pgm = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|f| {
            f.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(prefix.file_name().unwrap().to_str().unwrap())
                && f.extension().is_some_and(|x| x == "pgm")
        })
        .expect("pdftoppm wrote a page");
    let img = std::fs::read(&pgm).unwrap();
    let dark = img
        .iter()
        .rev()
        .take(img.len() * 9 / 10)
        .filter(|b| **b < 128)
        .count();
    assert!(
        dark > 500,
        "{p}: the rendered page must not be blank ({dark} dark pixels)"
    );
    std::fs::remove_file(pgm).unwrap();
    tool("pdftotext", &["-layout", p, "-"])
}

struct Book {
    _dir: tempfile::TempDir,
    db: PathBuf,
    root: PathBuf,
}

impl Book {
    fn out(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }
}

fn book() -> Book {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let db = root.join("book.db");
    let write = |name: &str, text: &str| {
        let p = root.join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    };
    let debtors = write(
        "debtors.csv",
        // D1 is in Germany but chose English letters (without the column it would get
        // German, its country's language).
        "external_id,name,kind,email,phone,address,postal_code,city,country,currency,payment_terms_days,credit_limit,language\n\
         D1,Łukasiewicz Øster GmbH,company,ap@lo.de,,Hauptstraße 1,10115,Berlin,DE,EUR,30,,en\n\
         D2,Şahin Dvořák,individual,sd@example.com,,12 Baker Street,NW1 6XE,London,GB,GBP,30,,\n\
         D3,Dvořák Trading LLC,company,ap@dt.example,,500 Main Street,10001,New York,US,USD,30,,\n\
         D4,Nowhere Ltd,company,,,,,,GB,GBP,30,,\n",
    );
    let invoices = write(
        "invoices.csv",
        "number,debtor_external_id,issue_date,due_date,amount,currency,description\n\
         A-1,D1,2026-01-10,2026-02-09,1234.56,EUR,Beratung Januar\n\
         A-2,D1,2026-03-01,2026-03-31,800.00,EUR,Lizenzen\n\
         B-1,D2,2026-02-01,2026-03-03,450.00,GBP,Kitchen fitting\n\
         C-1,D3,2026-03-01,2026-03-20,2000.00,USD,Freight\n\
         E-1,D4,2026-02-01,2026-03-03,99.00,GBP,\n",
    );
    let payments = write(
        "payments.csv",
        "debtor_external_id,date,amount,currency,reference,invoice_number\nD1,2026-04-01,300.00,EUR,P1,A-2\n",
    );
    for (kind, file) in [
        ("debtors", &debtors),
        ("invoices", &invoices),
        ("payments", &payments),
    ] {
        let (code, _, err) = overdue(&db, &["import", kind, file]);
        assert_eq!(code, 0, "import {kind}: {err}");
    }
    let head = write(
        "letterhead.json",
        r#"{"name":"Nordlicht Handels GmbH","address_lines":"Hafenstraße 12","postal_code":"20457",
            "city":"Hamburg","country":"DE","phone":"+49 40 1234567","email":"ar@nordlicht.example",
            "registration":"HRB 123456 Amtsgericht Hamburg","tax_id":"DE123456789",
            "bank_name":"Hamburger Sparkasse","iban":"DE89 3704 0044 0532 0130 00","bic":"COBADEFFXXX",
            "sort_code":"","signatory":"Øster Şahin","dunning_fee":"5.00"}"#,
    );
    ok(&db, &["pdf", "letterhead", "--set", &head]);
    Book {
        _dir: dir,
        db,
        root,
    }
}

#[test]
fn every_document_kind_through_the_cli() {
    let b = book();
    let db = &b.db;
    let run = |args: &[&str], out: &str| -> (Value, String) {
        let path = b.out(out);
        let mut full = args.to_vec();
        let p = path.display().to_string();
        full.extend(["--out", &p]);
        let v = ok(db, &full);
        (v, check_pdf(&path))
    };

    let (_, t) = run(&["pdf", "invoice", "--number", "A-1"], "invoice.pdf");
    for must in [
        "Invoice A-1",
        "Łukasiewicz Øster GmbH",
        "Hauptstraße 1",
        "10115 Berlin",
        "€1,234.56",
        "Beratung Januar",
        "IBAN",
        "Page 1 of 1",
    ] {
        assert!(t.contains(must), "invoice must show {must:?}:\n{t}");
    }

    // A-1 due 9 Feb (80 days late), A-2 due 31 Mar with 300 paid: open 1,234.56 + 500.00.
    for (kind, musts) in [
        (
            "reminder",
            vec!["Payment reminder", "A-1", "A-2", "€1,734.56", "10 May 2026"],
        ),
        (
            "second-reminder",
            vec!["Second payment reminder", "€1,734.56", "7 May 2026"],
        ),
        (
            "final-demand",
            vec![
                "Final demand",
                "Interest on A-1",
                "section 288",
                "Compensation on A-1",
                "€40.00",
                "7 May 2026",
            ],
        ),
        (
            // The debtor reads English: a "Mahnung" is written in its language (issue 14).
            "mahnung",
            vec![
                "Payment reminder",
                "Interest on A-1",
                "Dunning fee",
                "€5.00",
                "section 288(2) BGB",
                "10 May 2026",
            ],
        ),
    ] {
        let (_, t) = run(
            &[
                "pdf",
                "letter",
                "--debtor",
                "D1",
                "--kind",
                kind,
                "--as-of",
                "2026-04-30",
            ],
            &format!("{kind}.pdf"),
        );
        for must in musts.iter().chain(&[
            "Łukasiewicz Øster GmbH",
            "Hauptstraße 1",
            "Nordlicht Handels GmbH",
        ]) {
            assert!(t.contains(must), "{kind} must show {must:?}:\n{t}");
        }
    }
    let (_, t) = run(
        &[
            "pdf",
            "letter",
            "--debtor",
            "D2",
            "--kind",
            "letter-of-claim",
            "--as-of",
            "2026-04-30",
            "--agreement-date",
            "2026-01-15",
        ],
        "loc.pdf",
    );
    for must in [
        "Şahin Dvořák",
        "12 Baker Street",
        "United Kingdom",
        "Pre-Action Protocol",
        "£450.00",
        "15 January 2026",
        "30 May 2026",
        "Information Sheet",
        "Reply Form",
        "Financial Statement",
        "Statement of account",
        "Page 1 of",
    ] {
        assert!(t.contains(must), "letter of claim must show {must:?}:\n{t}");
    }
    let (_, t) = run(
        &[
            "pdf",
            "letter",
            "--debtor",
            "D2",
            "--kind",
            "letter-before-claim",
            "--as-of",
            "2026-04-30",
        ],
        "lbc.pdf",
    );
    assert!(t.contains("14 days") && t.contains("£450.00"), "{t}");
    let (_, t) = run(
        &[
            "pdf",
            "letter",
            "--debtor",
            "D3",
            "--kind",
            "us-demand",
            "--as-of",
            "2026-04-30",
            "--page-size",
            "letter",
        ],
        "us.pdf",
    );
    assert!(
        t.contains("$2,000.00") && t.contains("May 10, 2026") && t.contains("USA"),
        "{t}"
    );
    let size = tool("pdfinfo", &[b.out("us.pdf").to_str().unwrap()]);
    assert!(size.contains("612 x 792"), "US Letter paper: {size}");

    let (_, t) = run(
        &[
            "pdf",
            "statement",
            "--debtor",
            "D1",
            "--from",
            "2026-01-01",
            "--to",
            "2026-04-30",
        ],
        "statement.pdf",
    );
    for must in [
        "Statement of account",
        "Opening balance",
        "Closing balance",
        "P1",
        "€1,734.56",
    ] {
        assert!(t.contains(must), "statement must show {must:?}:\n{t}");
    }
}

#[test]
fn refusals_name_what_is_missing() {
    let b = book();
    let out = b.out("x.pdf").display().to_string();
    let (code, _, err) = overdue(
        &b.db,
        &[
            "pdf",
            "letter",
            "--debtor",
            "D2",
            "--kind",
            "letter-of-claim",
            "--as-of",
            "2026-04-30",
            "--out",
            &out,
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("date of the agreement"),
        "a letter of claim needs the agreement date: {err}"
    );
    let (code, _, err) = overdue(
        &b.db,
        &[
            "pdf",
            "letter",
            "--debtor",
            "D4",
            "--kind",
            "final-demand",
            "--as-of",
            "2026-04-30",
            "--out",
            &out,
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("the debtor's address"), "{err}");
    let (code, _, err) = overdue(
        &b.db,
        &[
            "pdf",
            "letter",
            "--debtor",
            "D3",
            "--kind",
            "validation-notice",
            "--as-of",
            "2026-04-30",
            "--out",
            &out,
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("third-party collector"), "{err}");
    assert!(!b.out("x.pdf").exists(), "nothing is written when refused");
    let (code, _, err) = overdue(
        &b.db,
        &["pdf", "invoice", "--number", "NOPE", "--out", &out],
    );
    assert_eq!(code, 2, "{err}");
}

#[test]
fn batch_case_file_attachments_and_identical_reproduction() {
    let b = book();
    let db = &b.db;
    let contract = b.out("contract.txt");
    std::fs::write(&contract, "Signed terms: 30 days net.").unwrap();
    let att = ok(
        db,
        &["attach", "--debtor", "D1", contract.to_str().unwrap()],
    );
    assert_eq!(att["bytes"], 26);

    // The batch prints the letters the dunning run prints: a policy whose levels are
    // letters (reminder at 7 days, second reminder at 21, final demand at 35 with 10
    // days to pay).
    letter_policy(&b);
    // A run is all or nothing: D4 has no address, so no letter of the run is printed.
    let batch = b.out("run.pdf");
    let (code, _, err) = overdue(
        db,
        &[
            "pdf",
            "batch",
            "--as-of",
            "2026-04-30",
            "--out",
            batch.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("Nowhere Ltd") && err.contains("the debtor's address"),
        "{err}"
    );
    assert!(!batch.exists());
    let (code, _, err) = overdue(
        db,
        &["invoices", "write-off", "E-1", "--date", "2026-04-01"],
    );
    assert_eq!(code, 0, "{err}");
    // D1 (80 days overdue), D2 (58) and D3 (41) get final demands, except that D3 is on
    // hold: the dunning run pauses it, so it gets no letter.
    ok(
        db,
        &[
            "hold",
            "add",
            "--debtor",
            "D3",
            "--reason",
            "Talking to their accountant",
            "--until",
            "2026-05-15",
        ],
    );
    let run = ok(
        db,
        &["dunning", "run", "--as-of", "2026-04-30", "--dry-run"],
    );
    let letters: Vec<&str> = run["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["channel"] == "letter")
        .map(|a| a["debtor"].as_str().unwrap())
        .collect();
    assert_eq!(letters, ["D1", "D2"], "the run prints two letters: {run}");
    assert!(
        run["skipped"].to_string().contains("D3"),
        "D3 is skipped as paused: {run}"
    );
    let v = ok(
        db,
        &[
            "pdf",
            "batch",
            "--as-of",
            "2026-04-30",
            "--out",
            batch.to_str().unwrap(),
        ],
    );
    assert_eq!(v["letters"], 2, "exactly the run's letters: {v}");
    let t = check_pdf(&batch);
    assert!(
        t.contains("Łukasiewicz Øster GmbH") && t.contains("Şahin Dvořák"),
        "{t}"
    );
    assert!(!t.contains("Dvořák Trading LLC"), "D3 is on hold: {t}");
    assert!(
        t.contains("Final demand") && t.contains("10 May 2026"),
        "the level's template (final_demand) decides the letter, its 10 days the deadline: {t}"
    );

    let letter = b.out("fd.pdf");
    let fd = ok(
        db,
        &[
            "pdf",
            "letter",
            "--debtor",
            "D1",
            "--kind",
            "final-demand",
            "--as-of",
            "2026-04-30",
            "--out",
            letter.to_str().unwrap(),
        ],
    );
    let sha = fd["sha256"].as_str().unwrap().to_string();

    let pdf = b.out("case.pdf");
    let zip_path = b.out("case.zip");
    ok(
        db,
        &[
            "pdf",
            "case-file",
            "--debtor",
            "D1",
            "--out",
            pdf.to_str().unwrap(),
            "--zip",
            zip_path.to_str().unwrap(),
        ],
    );
    let t = check_pdf(&pdf);
    for must in [
        "Case file: Łukasiewicz Øster GmbH",
        "Summary of the claim",
        "Interest on A-1",
        "Contact log",
        "Payment history",
        "P1",
        "contract.txt",
        &sha[..20],
    ] {
        assert!(t.contains(must), "case file must show {must:?}:\n{t}");
    }
    let outline = tool(
        "qpdf",
        &["--json", "--json-key=outlines", pdf.to_str().unwrap()],
    );
    for must in ["Summary of the claim", "Contact log", "Invoice A-1"] {
        assert!(outline.contains(must), "bookmark {must:?}: {outline}");
    }
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&zip_path).unwrap()).unwrap();
    let names: Vec<String> = zip.file_names().map(String::from).collect();
    for must in [
        "claim.json",
        "claim.csv",
        "statement.pdf",
        "invoices/invoice-A-1.pdf",
    ] {
        assert!(
            names.iter().any(|n| n == must),
            "ZIP holds {must}: {names:?}"
        );
    }
    let id = fd["document_ids"][0]
        .as_i64()
        .expect("the exported letter is kept");
    let prefix = format!("documents/{id:04}-");
    let kept = names
        .iter()
        .find(|n| n.starts_with(&prefix))
        .expect("the letter as sent is in the ZIP");
    let mut bytes = Vec::new();
    zip.by_name(&kept.clone())
        .unwrap()
        .read_to_end(&mut bytes)
        .unwrap();
    assert!(
        bytes == std::fs::read(&letter).unwrap(),
        "the kept letter is the exported file, byte for byte"
    );
    let mut json = String::new();
    zip.by_name("claim.json")
        .unwrap()
        .read_to_string(&mut json)
        .unwrap();
    let claim: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(claim["principal"], "1734.56");
    let mut attached = String::new();
    zip.by_name("attachments/0001-contract.txt")
        .unwrap()
        .read_to_string(&mut attached)
        .unwrap();
    assert_eq!(attached, "Signed terms: 30 days net.");
}

/// Makes the default dunning policy a ladder of letters: reminder (7 days), second
/// reminder (21) and final demand (35, 10 days to pay).
fn letter_policy(b: &Book) {
    let policies = ok(&b.db, &["dunning", "policy", "show"]);
    let mut policy = policies
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["is_default"] == true)
        .expect("a default policy")
        .clone();
    let level = |number: u32, name: &str, days: i32, template: &str, deadline: u32| {
        serde_json::json!({
            "number": number, "name": name, "trigger_days": days, "min_open": "",
            "min_open_currency": "", "audience": "all", "channel": "letter",
            "template": template, "wait_days": 7, "deadline_days": deadline,
        })
    };
    policy["levels"] = serde_json::json!([
        level(1, "Reminder", 7, "reminder", 0),
        level(2, "Second reminder", 21, "second_reminder", 0),
        level(3, "Final demand", 35, "final_demand", 10),
    ]);
    let file = b.out("policy.json");
    std::fs::write(&file, policy.to_string()).unwrap();
    ok(&b.db, &["dunning", "policy", "set", file.to_str().unwrap()]);
}

/// The number of pages pdfinfo reports.
fn page_count(path: &Path) -> usize {
    tool("pdfinfo", &[path.to_str().unwrap()])
        .lines()
        .find_map(|l| l.strip_prefix("Pages:").map(|n| n.trim().parse().unwrap()))
        .expect("pdfinfo shows the page count")
}

#[test]
fn case_file_appends_attached_pdfs_and_images_in_their_original_form() {
    let b = book();
    let db = &b.db;
    // Without attachments first, to count the case file's own pages.
    let plain = b.out("plain.pdf");
    ok(
        db,
        &[
            "pdf",
            "case-file",
            "--debtor",
            "D1",
            "--out",
            plain.to_str().unwrap(),
        ],
    );
    let own_pages = page_count(&plain);

    // A real PDF (a statement exported earlier), a real PNG (its first page rendered by
    // poppler) and a text file.
    let letter = b.out("signed.pdf");
    ok(
        db,
        &[
            "pdf",
            "statement",
            "--debtor",
            "D2",
            "--from",
            "2026-01-01",
            "--to",
            "2026-04-30",
            "--out",
            letter.to_str().unwrap(),
        ],
    );
    let letter_pages = page_count(&letter);
    let letter_text = tool("pdftotext", &[letter.to_str().unwrap(), "-"]);
    let prefix = b.out("scan");
    tool(
        "pdftoppm",
        &[
            "-png",
            "-gray",
            "-r",
            "40",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            letter.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    let png = prefix.with_extension("png");
    let photo = b.out("photo");
    tool(
        "pdftoppm",
        &[
            "-jpeg",
            "-r",
            "30",
            "-singlefile",
            letter.to_str().unwrap(),
            photo.to_str().unwrap(),
        ],
    );
    let jpg = photo.with_extension("jpg");
    let notes = b.out("notes.txt");
    std::fs::write(&notes, "Called on Monday.").unwrap();
    for f in [&letter, &png, &jpg, &notes] {
        ok(db, &["attach", "--debtor", "D1", f.to_str().unwrap()]);
    }

    let pdf = b.out("case.pdf");
    ok(
        db,
        &[
            "pdf",
            "case-file",
            "--debtor",
            "D1",
            "--out",
            pdf.to_str().unwrap(),
        ],
    );
    let p = pdf.to_str().unwrap();
    tool("qpdf", &["--check", p]);
    let total = page_count(&pdf);
    assert!(
        total >= own_pages + 2 + letter_pages,
        "two image pages and the attached PDF's {letter_pages} pages are appended: {own_pages} -> {total}"
    );
    // The attached PDF's pages are the last ones, with their own text.
    let first_appended = (total - letter_pages + 1).to_string();
    let appended = tool("pdftotext", &["-f", &first_appended, p, "-"]);
    assert!(
        appended.contains("Şahin Dvořák") && letter_text.contains("Şahin Dvořák"),
        "the attached PDF's text: {appended}"
    );
    let image_page = (total - letter_pages - 1).to_string();
    let t = tool("pdftotext", &["-f", &image_page, "-l", &image_page, p, "-"]);
    assert!(t.contains("scan.png"), "the image page is titled: {t}");
    let jpeg_page = (total - letter_pages).to_string();
    let t = tool("pdftotext", &["-f", &jpeg_page, "-l", &jpeg_page, p, "-"]);
    assert!(t.contains("photo.jpg"), "the JPEG's page is titled: {t}");
    let images = tool("pdfimages", &["-list", p]);
    assert!(
        images
            .lines()
            .skip(2)
            .any(|l| l.split_whitespace().next() == Some(image_page.as_str())),
        "the PNG is an image on its page: {images}"
    );
    assert!(
        images.lines().skip(2).any(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            cols.first() == Some(&jpeg_page.as_str()) && cols.contains(&"jpeg")
        }),
        "the JPEG is embedded as it is (DCT): {images}"
    );
    let outline = tool("qpdf", &["--json", "--json-key=outlines", p]);
    for must in [
        "Attachment: signed.pdf",
        "Attachment: scan.png",
        "Attachment: photo.jpg",
        "Summary of the claim",
    ] {
        assert!(outline.contains(must), "bookmark {must:?}: {outline}");
    }
    // The attachments table says what happened to each file, with its SHA-256.
    let text = tool("pdftotext", &["-l", &own_pages.to_string(), p, "-"]);
    for must in ["notes.txt", "ZIP only", "image page", "signed.pdf"] {
        assert!(text.contains(must), "the case file lists {must:?}: {text}");
    }
}

/// Letters claim interest under the debtor's own late-fee policy (the same figures as the
/// debtor's Interest tab), and the calculation prints as a PDF kept on the debtor's record.
#[test]
fn letters_follow_the_debtors_late_fee_policy_and_the_calculation_prints() {
    let b = book();
    let db = &b.db;
    let final_demand = |name: &str| -> String {
        let path = b.out(name);
        let p = path.display().to_string();
        ok(
            db,
            &[
                "pdf",
                "letter",
                "--debtor",
                "D1",
                "--kind",
                "final-demand",
                "--as-of",
                "2026-04-30",
                "--out",
                &p,
            ],
        );
        check_pdf(&path)
    };
    let interest_on_a1 = || -> String {
        let i = ok(
            db,
            &[
                "late-fee",
                "interest",
                "--debtor",
                "D1",
                "--as-of",
                "2026-04-30",
            ],
        );
        assert_eq!(i["invoices"][0]["number"], "A-1", "{i}");
        i["invoices"][0]["interest"].as_str().unwrap().to_string()
    };

    // The default: German statutory interest for a German company, with the €40.
    let statutory = interest_on_a1();
    assert_eq!(statutory, "27.79", "80 days at 1.27% + 9 on 1,234.56");
    let t = final_demand("statutory.pdf");
    assert!(t.contains("Interest on A-1") && t.contains("€27.79"), "{t}");
    assert!(t.contains("Compensation on A-1"), "{t}");

    // Its own contract: 12% a year, no compensation: the letter follows at once.
    let set = ok(
        db,
        &[
            "late-fee",
            "set",
            "--debtor",
            "D1",
            "--kind",
            "contract",
            "--rate",
            "12",
            "--no-compensation",
        ],
    );
    assert_eq!(set["own"], true, "{set}");
    let contract = interest_on_a1();
    assert_eq!(contract, "32.47", "80 days at 12% on 1,234.56");
    let t = final_demand("contract.pdf");
    assert!(t.contains("Interest on A-1") && t.contains("€32.47"), "{t}");
    assert!(!t.contains("€27.79"), "the statutory figure is gone:\n{t}");
    assert!(!t.contains("Compensation on"), "{t}");

    // None: no interest and no compensation lines at all.
    ok(db, &["late-fee", "set", "--debtor", "D1", "--kind", "none"]);
    let t = final_demand("none.pdf");
    assert!(
        !t.contains("Interest on") && !t.contains("Compensation on"),
        "{t}"
    );
    assert!(
        t.contains("€1,734.56"),
        "the principal is still claimed:\n{t}"
    );

    // Back to the default, and the calculation as a PDF.
    ok(
        db,
        &["late-fee", "set", "--debtor", "D1", "--kind", "default"],
    );
    let path = b.out("interest.pdf");
    let p = path.display().to_string();
    let (code, out, err) = overdue(
        db,
        &[
            "late-fee",
            "interest",
            "--debtor",
            "D1",
            "--as-of",
            "2026-04-30",
            "--pdf",
            &p,
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Wrote"), "{out}");
    let t = check_pdf(&path);
    for must in [
        "Late-payment interest",
        "Łukasiewicz Øster GmbH",
        "Invoice A-1",
        "Invoice A-2",
        "10.27%",
        "27.789438",
        "Balance due on 30/04/2026",
        "section 367 BGB",
    ] {
        assert!(t.contains(must), "the calculation must show {must:?}:\n{t}");
    }
    let log = ok(db, &["dunning", "log", "D1"]);
    let kept = log
        .as_array()
        .unwrap()
        .iter()
        .find(|e| {
            e["kind"] == "document"
                && e["detail"]
                    .as_str()
                    .unwrap()
                    .contains("interest-calculation")
        })
        .unwrap_or_else(|| panic!("the printed calculation is on the timeline: {log}"));
    let sha = tool("sha256sum", &[&p]);
    let sha = sha.split_whitespace().next().unwrap();
    assert!(kept["detail"].as_str().unwrap().contains(sha), "{kept}");

    // Bad input names the field.
    let (code, _, err) = overdue(
        db,
        &[
            "late-fee",
            "set",
            "--debtor",
            "D1",
            "--kind",
            "statutory",
            "--jurisdiction",
            "xx",
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.to_lowercase().contains("jurisdiction"), "{err}");
}

/// Agreements come from what is stored: the debtor's payment plan (its schedule) and
/// settlement offer (amount, deadline); both are kept; no plan or offer: exit 2.
#[test]
fn plan_and_settlement_agreements_from_the_stored_plan_and_offer() {
    let b = book();
    let db = &b.db;
    let out = b.out("plan.pdf");
    let (code, _, err) = overdue(
        db,
        &[
            "pdf",
            "plan-agreement",
            "--debtor",
            "D1",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 2, "no plan yet: {err}");
    assert!(err.contains("payment plan"), "{err}");
    assert!(!out.exists());

    let plan = ok(
        db,
        &[
            "plan",
            "create",
            "--debtor",
            "D1",
            "--invoices",
            "A-1,A-2",
            "--installments",
            "3",
            "--first-due",
            "2026-05-31",
            "--agreed-by",
            "Jana",
        ],
    );
    let amounts: Vec<String> = plan["installments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["amount"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(amounts.len(), 3, "{plan}");
    let v = ok(
        db,
        &[
            "pdf",
            "plan-agreement",
            "--debtor",
            "D1",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(v["document_ids"].as_array().unwrap().len(), 1, "kept: {v}");
    let t = check_pdf(&out);
    for must in [
        "Payment plan agreement",
        "Schedule of payments",
        "A-1",
        "A-2",
        "31 May 2026",
        "Łukasiewicz Øster GmbH",
    ] {
        assert!(t.contains(must), "plan agreement shows {must:?}:\n{t}");
    }
    // Each instalment of the stored schedule, as the letters print money (€1,234.56).
    for a in &amounts {
        let (int, frac) = a.split_once('.').unwrap();
        let n: u64 = int.parse().unwrap();
        let grouped = if n >= 1000 {
            format!("{},{:03}", n / 1000, n % 1000)
        } else {
            n.to_string()
        };
        assert!(
            t.contains(&format!("{grouped}.{frac}")),
            "instalment {a} in the schedule:\n{t}"
        );
    }
    let id = plan["id"].as_i64().unwrap().to_string();
    let (code, _, err) = overdue(
        db,
        &[
            "pdf",
            "plan-agreement",
            "--debtor",
            "D2",
            "--plan",
            &id,
            "--out",
            b.out("wrong.pdf").to_str().unwrap(),
        ],
    );
    assert_eq!(code, 2, "another debtor's plan: {err}");

    let offer = ok(
        db,
        &[
            "settlement",
            "offer",
            "--debtor",
            "D2",
            "--percent",
            "50",
            "--deadline",
            "2026-05-31",
        ],
    );
    assert_eq!(offer["amount"], "225.00", "{offer}");
    let out = b.out("settlement.pdf");
    let v = ok(
        db,
        &[
            "pdf",
            "settlement-agreement",
            "--debtor",
            "D2",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(v["document_ids"].as_array().unwrap().len(), 1, "kept: {v}");
    let t = check_pdf(&out);
    for must in [
        "Settlement agreement",
        "full and final settlement",
        "£225.00",
        "£450.00",
        "B-1",
        "31 May 2026",
        "Şahin Dvořák",
    ] {
        assert!(
            t.contains(must),
            "settlement agreement shows {must:?}:\n{t}"
        );
    }
    let (code, _, err) = overdue(
        db,
        &[
            "pdf",
            "settlement-agreement",
            "--debtor",
            "D3",
            "--out",
            b.out("none.pdf").to_str().unwrap(),
        ],
    );
    assert_eq!(code, 2, "no offer: {err}");
    assert!(err.contains("settlement"), "{err}");
}

/// A logo set in the letterhead is printed on letters (an image on page 1, read back with
/// poppler); a file that is not a PNG or JPEG is refused naming the logo.
#[test]
fn the_letterhead_logo_is_printed_and_a_bad_one_refused() {
    let b = book();
    let db = &b.db;
    let invoice = b.out("for-logo.pdf");
    ok(
        db,
        &[
            "pdf",
            "invoice",
            "--number",
            "A-1",
            "--out",
            invoice.to_str().unwrap(),
        ],
    );
    // A real PNG made by poppler (the invoice's first page, tiny).
    let stem = b.out("logo");
    tool(
        "pdftoppm",
        &[
            "-png",
            "-r",
            "8",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            invoice.to_str().unwrap(),
            stem.to_str().unwrap(),
        ],
    );
    let png = std::fs::read(stem.with_extension("png")).unwrap();
    let logo = tool(
        "base64",
        &["-w0", stem.with_extension("png").to_str().unwrap()],
    );
    assert!(png.starts_with(b"\x89PNG"));

    let mut head: Value = ok(db, &["pdf", "letterhead"]);
    head["logo_base64"] = Value::String(logo.trim().to_string());
    let file = b.out("head-with-logo.json");
    std::fs::write(&file, head.to_string()).unwrap();
    ok(db, &["pdf", "letterhead", "--set", file.to_str().unwrap()]);
    let letter = b.out("reminder-with-logo.pdf");
    ok(
        db,
        &[
            "pdf",
            "letter",
            "--debtor",
            "D1",
            "--kind",
            "reminder",
            "--as-of",
            "2026-04-30",
            "--out",
            letter.to_str().unwrap(),
        ],
    );
    check_pdf(&letter);
    let images = tool("pdfimages", &["-list", letter.to_str().unwrap()]);
    let first_page_images = images
        .lines()
        .skip(2)
        .filter(|l| l.split_whitespace().next() == Some("1"))
        .count();
    assert_eq!(first_page_images, 1, "the logo on page 1:\n{images}");

    head["logo_base64"] = Value::String("aGVsbG8gd29ybGQ=".into()); // "hello world"
    std::fs::write(&file, head.to_string()).unwrap();
    let (code, _, err) = overdue(db, &["pdf", "letterhead", "--set", file.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("logo") && err.contains("PNG or JPEG"), "{err}");
}
