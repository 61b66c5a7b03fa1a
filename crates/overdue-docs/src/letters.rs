//! What each document says and where: the letter frame (letterhead, window address,
//! reference block, fold marks, footer) and each kind's body.

use overdue_domain::Money;

use crate::font::Face;
use crate::format::{validation_period_end, Lang};
use crate::layout::{col, line_height, Align, Flow, Mark, SMALL};
use crate::model::{Document, DocumentKind as K, Statement};
use crate::qr;

/// The language a document is written in.
///
/// The debtor's language decides, whatever the kind is called (a "Mahnung" to a French
/// debtor is in French); the US forms are US English by law.
pub(crate) fn lang_of(doc: &Document) -> Lang {
    match doc.kind {
        K::UsDemand | K::ValidationNotice => Lang::Us,
        // Texts of these kinds are not in the catalogs yet: English (US English for a US
        // creditor), as before.
        K::LetterOfClaim | K::LetterBeforeClaim => {
            if doc.letterhead.country.eq_ignore_ascii_case("US") {
                Lang::Us
            } else {
                Lang::En
            }
        }
        K::Invoice
        | K::Reminder
        | K::SecondReminder
        | K::FinalDemand
        | K::Mahnung
        | K::Statement
        | K::PaymentPlanAgreement
        | K::SettlementAgreement => {
            let country = if doc.letterhead.country.eq_ignore_ascii_case("US") {
                "US"
            } else {
                ""
            };
            Lang::for_language(&doc.recipient.language, country)
        }
    }
}

/// The subject line.
pub(crate) fn subject(doc: &Document) -> String {
    let lang = lang_of(doc);
    let translated = |key: &str| format!("{} – {}", lang.t(key, &[]), doc.reference);
    match doc.kind {
        K::Invoice => lang.t("invoice_title", &[("number", &doc.reference)]),
        K::Reminder => translated("subject_reminder"),
        K::SecondReminder => translated("subject_second_reminder"),
        K::FinalDemand => translated("subject_final_demand"),
        K::Mahnung => translated("subject_mahnung"),
        K::Statement => lang.t("subject_statement", &[]),
        K::PaymentPlanAgreement => translated("subject_plan"),
        K::SettlementAgreement => translated("subject_settlement"),
        k => format!("{} – {}", k.title(), doc.reference),
    }
}

/// Lays out one document on its pages.
pub(crate) fn lay_out(doc: &Document) -> Flow {
    let lang = lang_of(doc);
    let head = format!(
        "{} · {} · {}",
        doc.letterhead.name,
        subject(doc),
        doc.recipient.name
    );
    let mut f = Flow::new(doc.page_size, head);
    frame(&mut f, doc, lang);
    match doc.kind {
        K::Invoice => invoice(&mut f, doc, lang),
        K::Reminder | K::SecondReminder | K::FinalDemand | K::UsDemand => {
            reminder(&mut f, doc, lang)
        }
        K::Mahnung => mahnung(&mut f, doc, lang),
        K::LetterOfClaim => letter_of_claim(&mut f, doc, lang),
        K::LetterBeforeClaim => letter_before_claim(&mut f, doc, lang),
        K::ValidationNotice => validation_notice(&mut f, doc, lang),
        K::Statement => statement_doc(&mut f, doc, lang),
        K::PaymentPlanAgreement => payment_plan(&mut f, doc, lang),
        K::SettlementAgreement => settlement(&mut f, doc, lang),
    }
    footer(&mut f, doc, lang);
    f
}

/// The logo at the top right, above the rule, at most 45 x 16 mm, keeping its proportions.
/// Bytes that are not a readable PNG or JPEG print nothing (Settings checks them first).
pub(crate) fn logo(f: &mut Flow, bytes: &[u8], right: f32) {
    if bytes.is_empty() {
        return;
    }
    let Ok(Some(image)) = crate::appendix::image(bytes) else {
        return;
    };
    let (iw, ih) = (image.width.max(1) as f32, image.height.max(1) as f32);
    let scale = (45.0 / iw).min(16.0 / ih);
    let (w, h) = (iw * scale, ih * scale);
    f.marks().push(Mark::Image {
        x: right - w,
        y: 31.0 - h,
        w,
        h,
        image: std::sync::Arc::new(image),
    });
}

/// Letterhead, return address, window address, reference block, fold marks, subject.
fn frame(f: &mut Flow, doc: &Document, lang: Lang) {
    let g = f.g;
    let lh = &doc.letterhead;
    let right = g.width - g.right;
    f.text(g.left, 20.0, 16.0, Face::Bold, &lh.name);
    let addr = lh
        .address
        .iter()
        .filter(|l| !l.trim().is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join(" · ");
    f.grey_text(g.left, 26.0, SMALL, Face::Regular, 0.3, &addr);
    let contact: Vec<String> = [("Tel. ", &lh.phone), ("", &lh.email), ("", &lh.website)]
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(p, v)| format!("{p}{v}"))
        .collect();
    f.grey_text(
        g.left,
        30.0,
        SMALL,
        Face::Regular,
        0.3,
        &contact.join(" · "),
    );
    f.rule(g.left, right, 34.0, 0.8, 0.15);
    logo(f, &lh.logo, right);

    // Return address in the envelope window, small and underlined.
    let ret = format!("{} · {}", lh.name, addr);
    let ret = crate::layout::fit(Face::Regular, 6.0, &ret, g.address_w);
    f.grey_text(g.address_x, g.return_y, 6.0, Face::Regular, 0.25, &ret);
    let ret_w = crate::layout::width_mm(Face::Regular, 6.0, &ret);
    f.rule(g.address_x, g.address_x + ret_w, g.return_y + 0.8, 0.3, 0.4);
    let mut y = g.address_y;
    let alh = line_height(10.0);
    let mut lines = vec![doc.recipient.name.clone()];
    if !doc.recipient.attention.trim().is_empty() {
        lines.push(format!(
            "{} {}",
            lang.t("attn", &[]),
            doc.recipient.attention
        ));
    }
    lines.extend(
        doc.recipient
            .address
            .iter()
            .filter(|l| !l.trim().is_empty())
            .cloned(),
    );
    // A name or line too long for the window wraps onto the next line (never cut); the
    // type shrinks instead when wrapping would not leave room for the whole address.
    let mut size = 10.0;
    let wrapped = loop {
        let out: Vec<String> = lines
            .iter()
            .flat_map(|l| crate::layout::wrap(Face::Regular, size, l, g.address_w))
            .collect();
        if out.len() <= 7 || size <= 7.0 {
            break out;
        }
        size -= 0.5;
    };
    let alh = if size < 10.0 { line_height(size) } else { alh };
    for line in &wrapped {
        f.text(g.address_x, y, size, Face::Regular, line);
        y += alh;
    }

    // Reference and date block.
    let l = |key: &str| lang.t(key, &[]);
    let mut info: Vec<(String, String)> = Vec::new();
    info.push((l("date"), lang.date(doc.date)));
    let ref_label = match doc.kind {
        K::Invoice => l("invoice_no"),
        _ => l("our_reference"),
    };
    info.push((ref_label, doc.reference.clone()));
    if !doc.recipient.customer_ref.trim().is_empty() {
        info.push((l("customer_no"), doc.recipient.customer_ref.clone()));
    }
    if doc.kind == K::Invoice {
        if let Some(i) = doc.items.first() {
            info.push((l("due_date"), lang.date(i.due_date)));
        }
    }
    if let Some(d) = doc.deadline {
        let label = match doc.kind {
            K::LetterOfClaim | K::LetterBeforeClaim => l("reply_by"),
            _ => l("pay_by"),
        };
        info.push((label, lang.date(d)));
    }
    if !lh.phone.trim().is_empty() {
        info.push((l("phone"), lh.phone.clone()));
    }
    let mut iy = g.info_y;
    for (label, value) in &info {
        f.grey_text(g.info_x, iy, SMALL, Face::Regular, 0.35, label);
        let v = crate::layout::fit(Face::Regular, 8.5, value, right - g.info_x - 27.0);
        f.text(g.info_x + 27.0, iy, 8.5, Face::Regular, &v);
        iy += line_height(8.5) + 0.3;
    }

    // Fold marks (and the punch mark in the middle).
    for (i, y) in g.folds.iter().enumerate() {
        let len = if i == 1 { 7.0 } else { 4.0 };
        f.rule(3.0, 3.0 + len, *y, 0.4, 0.45);
    }

    f.y = g.body_top_first.max(iy + 4.0);
    f.para_styled(&subject(doc), 11.5, Face::Bold);
    f.gap(1.0);
}

/// "Page i of N" and the company's legal and bank details at the foot of every page.
fn footer(f: &mut Flow, doc: &Document, lang: Lang) {
    let g = f.g;
    let n = f.sheets.len();
    let lh = &doc.letterhead;
    let right = g.width - g.right;
    let mut legal = Vec::new();
    if !lh.registration.trim().is_empty() {
        legal.push(lh.registration.clone());
    }
    if !lh.tax_id.trim().is_empty() {
        legal.push(format!("{} {}", lang.t("vat_id", &[]), lh.tax_id));
    }
    let bank = bank_line(doc);
    for (i, sheet) in f.sheets.iter_mut().enumerate() {
        let y0 = g.height - 16.0;
        let mut push = |x: f32, y: f32, text: String| {
            sheet.marks.push(Mark::Text {
                x,
                y,
                size: 7.0,
                face: Face::Regular,
                grey: 0.35,
                text: crate::layout::printable(&text),
            });
        };
        let page = lang.t(
            "page",
            &[("page", &(i + 1).to_string()), ("pages", &n.to_string())],
        );
        let pw = crate::layout::width_mm(Face::Regular, 7.0, &page);
        push(right - pw, y0 - 5.0, page);
        push(g.left, y0, format!("{} · {}", lh.name, legal.join(" · ")));
        push(g.left, y0 + 3.2, bank.clone());
        sheet.marks.push(Mark::Line {
            x1: g.left,
            y1: y0 - 3.2,
            x2: right,
            y2: y0 - 3.2,
            width_pt: 0.3,
            grey: 0.6,
        });
    }
}

fn bank_line(doc: &Document) -> String {
    let b = &doc.letterhead.bank;
    let mut parts = Vec::new();
    if !b.bank_name.trim().is_empty() {
        parts.push(b.bank_name.clone());
    }
    if !b.iban.trim().is_empty() {
        parts.push(format!("IBAN {}", b.iban));
    }
    if !b.bic.trim().is_empty() {
        parts.push(format!("BIC {}", b.bic));
    }
    if !b.sort_code.trim().is_empty() {
        parts.push(format!("Sort code {}", b.sort_code));
    }
    if !b.routing_number.trim().is_empty() {
        parts.push(format!("Routing {}", b.routing_number));
    }
    if !b.account_number.trim().is_empty() {
        parts.push(format!("Account {}", b.account_number));
    }
    parts.join(" · ")
}

fn salutation(f: &mut Flow, doc: &Document, lang: Lang) {
    let named = |name: &str| lang.t("salutation_named", &[("name", name)]);
    let s = if doc.recipient.attention.trim().is_empty() {
        if doc.recipient.consumer || doc.recipient.sole_trader {
            named(&doc.recipient.name)
        } else {
            lang.t("salutation_generic", &[])
        }
    } else {
        named(&doc.recipient.attention)
    };
    f.para(&s);
}

fn closing(f: &mut Flow, doc: &Document, lang: Lang) {
    f.ensure(line_height(9.5) * 4.0 + 4.0);
    let closing = match lang {
        Lang::Us => "Sincerely,".to_string(),
        _ => lang.t("closing", &[]),
    };
    f.para(&closing);
    f.gap(4.0);
    if !doc.letterhead.signatory.trim().is_empty() {
        let s = doc.letterhead.signatory.clone();
        f.para_at(f.g.left, f.g.body_width(), &s, 9.5, Face::Regular);
    }
    let n = doc.letterhead.name.clone();
    f.para_at(f.g.left, f.g.body_width(), &n, 9.5, Face::Bold);
}

/// Open invoices, charges with their basis, and the total.
fn claim_table(f: &mut Flow, doc: &Document, lang: Lang) {
    let w = f.g.body_width();
    let l = |key: &str| lang.t(key, &[]);
    let (c_inv, c_date, c_due, c_amount, c_open) = (
        l("col_invoice"),
        l("col_date"),
        l("col_due"),
        l("col_amount"),
        l("col_open"),
    );
    let cols = [
        col(&c_inv, w * 0.24, Align::Left),
        col(&c_date, w * 0.17, Align::Left),
        col(&c_due, w * 0.17, Align::Left),
        col(&c_amount, w * 0.21, Align::Right),
        col(&c_open, w * 0.21, Align::Right),
    ];
    let mut rows: Vec<Vec<String>> = doc
        .items
        .iter()
        .map(|i| {
            vec![
                i.number.clone(),
                lang.short_date(i.issue_date),
                lang.short_date(i.due_date),
                lang.money(&i.amount),
                lang.money(&i.open),
            ]
        })
        .collect();
    let mut bold = Vec::new();
    if !doc.charges.is_empty() {
        bold.push(rows.len());
        rows.push(vec![
            l("invoices_outstanding"),
            String::new(),
            String::new(),
            String::new(),
            lang.money(&doc.principal()),
        ]);
        for c in &doc.charges {
            rows.push(vec![
                c.label.clone(),
                String::new(),
                String::new(),
                String::new(),
                lang.money(&c.amount),
            ]);
        }
    }
    bold.push(rows.len());
    rows.push(vec![
        l("total_due"),
        String::new(),
        String::new(),
        String::new(),
        lang.money(&doc.total()),
    ]);
    f.table(&cols, &rows, &bold);
    if !doc.charges.is_empty() {
        let label = l("basis");
        // Charges on the same basis (the flat fee on each invoice) are explained once.
        let mut groups: Vec<(Vec<&str>, &str)> = Vec::new();
        for c in &doc.charges {
            match groups.iter_mut().find(|(_, b)| *b == c.basis.as_str()) {
                Some((labels, _)) => labels.push(&c.label),
                None => groups.push((vec![&c.label], &c.basis)),
            }
        }
        for (labels, basis) in groups {
            let t = format!("{label} – {}: {basis}", labels.join(", "));
            f.para_at(f.g.left, f.g.body_width(), &t, 7.5, Face::Regular);
        }
        f.gap(2.0);
    }
}

/// What the debtor quotes when paying: the RF reference when there is one.
fn payment_reference(doc: &Document) -> &str {
    if doc.payment_reference.is_empty() {
        &doc.reference
    } else {
        &doc.payment_reference
    }
}

/// Bank details, amount, reference, and a GiroCode for EUR transfers.
fn payment_box(f: &mut Flow, doc: &Document, lang: Lang, amount: &Money) {
    let l = |key: &str| lang.t(key, &[]);
    let b = &doc.letterhead.bank;
    let holder = if b.account_holder.trim().is_empty() {
        doc.letterhead.name.clone()
    } else {
        b.account_holder.clone()
    };
    let mut pairs: Vec<(String, String)> = vec![(l("account_holder"), holder.clone())];
    let mut push = |l: &str, v: &str| {
        if !v.trim().is_empty() {
            pairs.push((l.to_string(), v.to_string()));
        }
    };
    push("IBAN", &b.iban);
    push("BIC", &b.bic);
    push(&l("bank"), &b.bank_name);
    push(&l("sort_code"), &b.sort_code);
    push("Routing number", &b.routing_number);
    push(&l("account_number"), &b.account_number);
    let qr = if amount.currency().code() == "EUR" && !b.iban.trim().is_empty() {
        qr::epc(&holder, &b.iban, &b.bic, amount, payment_reference(doc))
    } else {
        None
    };
    // Bank details on the left; amount and reference, large, in the middle; QR on the right.
    let lh = line_height(8.5);
    let box_h = (lh * (pairs.len() as f32 + 1.0) + 4.0).max(if qr.is_some() { 31.0 } else { 0.0 });
    f.ensure(box_h + 2.0);
    let top = f.y;
    let (left, r) = (f.g.left, f.g.width - f.g.right);
    f.marks().push(Mark::Fill {
        x: left,
        y: top,
        w: r - left,
        h: box_h,
        grey: 0.96,
    });
    f.rule(left, r, top, 0.5, 0.5);
    f.rule(left, r, top + box_h, 0.5, 0.5);
    f.y = top + 1.0;
    let title = lang.t("how_to_pay", &[]);
    f.para_at(left + 3.0, 80.0, &title, 9.0, Face::Bold);
    // The label column as wide as the longest label in the letter's language.
    let label_w = pairs
        .iter()
        .map(|(l, _)| crate::layout::width_mm(Face::Regular, 8.5, l) + 3.0)
        .fold(26.0_f32, f32::max);
    f.pairs(left + 3.0, label_w, &pairs, 8.5);
    let mid = left + 92.0;
    let mut y = top + 6.0;
    for (label, value, size) in [
        (l("amount"), lang.money(amount), 11.0),
        (
            l("payment_reference"),
            if doc.payment_reference.is_empty() {
                payment_reference(doc).to_string()
            } else {
                overdue_domain::bank::rf::grouped(payment_reference(doc))
            },
            9.5,
        ),
    ] {
        f.grey_text(mid, y, 7.5, Face::Regular, 0.35, &label);
        y += line_height(size) + 0.5;
        // Never cut a reference: shrink the type until it fits (down to 6 pt).
        let width = r - mid - 34.0;
        let mut size = size;
        while size > 6.0 && crate::layout::fit(Face::Bold, size, &value, width) != value {
            size -= 0.5;
        }
        f.text(mid, y, size, Face::Bold, &value);
        y += line_height(8.5) + 1.0;
    }
    if let Some((width, dark)) = qr {
        let size = 25.0;
        f.marks().push(Mark::Qr {
            x: r - size - 4.0,
            y: top + 1.5,
            size,
            width,
            dark,
        });
        let cap = l("girocode");
        let cw = crate::layout::width_mm(Face::Regular, 6.0, &cap);
        let cx = (r - size / 2.0 - 4.0 - cw / 2.0).min(r - cw - 1.0);
        f.grey_text(cx, top + size + 4.0, 6.0, Face::Regular, 0.3, &cap);
    }
    f.y = top + box_h + 4.0;
}

fn deadline_text(doc: &Document, lang: Lang) -> String {
    doc.deadline.map(|d| lang.date(d)).unwrap_or_default()
}

fn invoice(f: &mut Flow, doc: &Document, lang: Lang) {
    let w = f.g.body_width();
    let cols = [
        col(&lang.t("col_description", &[]), w * 0.5, Align::Left),
        col(&lang.t("col_invoice_date", &[]), w * 0.25, Align::Left),
        col(&lang.t("col_amount", &[]), w * 0.25, Align::Right),
    ];
    let mut rows = Vec::new();
    let mut bold = Vec::new();
    for i in &doc.items {
        let desc = if i.description.trim().is_empty() {
            lang.t("invoice_title", &[("number", &i.number)])
        } else {
            i.description.clone()
        };
        rows.push(vec![
            desc,
            lang.short_date(i.issue_date),
            lang.money(&i.amount),
        ]);
    }
    let total: Money = doc
        .items
        .iter()
        .try_fold(Money::zero(doc.currency), |a, i| a.checked_add(&i.amount))
        .unwrap_or(Money::zero(doc.currency));
    bold.push(rows.len());
    rows.push(vec![
        lang.t("invoice_total", &[]),
        String::new(),
        lang.money(&total),
    ]);
    if let Some(tax) = doc.tax_included.filter(|t| !t.is_zero()) {
        rows.push(vec![
            lang.t("of_which_tax", &[]),
            String::new(),
            lang.money(&tax),
        ]);
    }
    let open = doc.principal();
    if open != total {
        bold.push(rows.len());
        rows.push(vec![
            lang.t("amount_due", &[]),
            String::new(),
            lang.money(&open),
        ]);
    }
    f.table(&cols, &rows, &bold);
    if open.is_zero() {
        // A copy of a settled invoice asks for nothing: no amount to pay, no payment box.
        f.para(&lang.t("invoice_paid_in_full", &[]));
        if !doc.notes.trim().is_empty() {
            let n = doc.notes.clone();
            f.para(&n);
        }
        f.para_styled(&lang.t("invoice_thanks", &[]), 9.5, Face::Regular);
        return;
    }
    if let Some(i) = doc.items.first() {
        // The same reference the payment box and the GiroCode carry.
        let quote = if doc.payment_reference.is_empty() {
            lang.t("quote_invoice_number", &[("number", &doc.reference)])
        } else {
            lang.t(
                "quote_payment_reference",
                &[
                    (
                        "reference",
                        &overdue_domain::bank::rf::grouped(&doc.payment_reference),
                    ),
                    ("number", &doc.reference),
                ],
            )
        };
        f.para(&lang.t(
            "invoice_pay_by",
            &[
                ("amount", &lang.money(&open)),
                ("date", &lang.date(i.due_date)),
                ("quote", &quote),
            ],
        ));
    }
    if doc.recipient.consumer && doc.letterhead.country.eq_ignore_ascii_case("DE") {
        f.para(&lang.t("consumer_default_notice", &[]));
    }
    if !doc.notes.trim().is_empty() {
        let n = doc.notes.clone();
        f.para(&n);
    }
    payment_box(f, doc, lang, &open);
    f.para_styled(&lang.t("invoice_thanks", &[]), 9.5, Face::Regular);
}

fn reminder(f: &mut Flow, doc: &Document, lang: Lang) {
    salutation(f, doc, lang);
    let total = lang.money(&doc.total());
    let deadline = deadline_text(doc, lang);
    let dates = lang.dates(&doc.reminded_on);
    let history = |with: &str, without: &str| {
        if doc.reminded_on.is_empty() {
            lang.t(without, &[])
        } else {
            lang.t(with, &[("dates", &dates)])
        }
    };
    let intro = match doc.kind {
        K::Reminder => lang.t("reminder_intro", &[]),
        K::SecondReminder => history("second_intro_history", "second_intro_none"),
        K::UsDemand => format!(
            "This letter is a formal demand for payment of {total} that you owe to {} for the \
             invoices listed below, which remain unpaid after their due dates{}.",
            doc.letterhead.name,
            if doc.reminded_on.is_empty() {
                String::new()
            } else {
                format!(" despite our earlier requests of {dates}")
            }
        ),
        _ => history("final_intro_history", "final_intro_none"),
    };
    f.para(&intro);
    claim_table(f, doc, lang);
    let values = [("total", total.as_str()), ("deadline", deadline.as_str())];
    let ask = match doc.kind {
        K::Reminder => lang.t("reminder_ask", &values),
        K::SecondReminder => lang.t("second_ask", &values),
        K::UsDemand => format!(
            "Please pay {total} by {deadline}. If we do not receive payment or hear from you by \
             that date, we may refer this account for further collection action or file suit \
             to recover the amount owed, without further notice."
        ),
        _ => lang.t("final_ask", &values),
    };
    f.para(&ask);
    interest_notes(f, doc, lang);
    if doc.kind != K::UsDemand {
        f.para(&lang.t("options", &[]));
    } else {
        f.para("If you are unable to pay in full, please contact us before that date to discuss the options, such as a payment plan.");
    }
    payment_box(f, doc, lang, &doc.total());
    closing(f, doc, lang);
}

/// Whether interest keeps running, and up to when it is worked out, in the letter's
/// language.
fn interest_notes(f: &mut Flow, doc: &Document, lang: Lang) {
    if let Some(from) = doc.interest_to.and_then(|d| d.succ_opt()) {
        f.para(&lang.t("interest_partial", &[("date", &lang.date(from))]));
    }
    if lang == Lang::Us {
        if !doc.interest_continues.trim().is_empty() {
            let t = doc.interest_continues.clone();
            f.para(&t);
        }
    } else if let Some(daily) = doc.interest_daily.filter(|d| !d.is_zero()) {
        f.para(&lang.t("interest_continues", &[("daily", &lang.money(&daily))]));
    }
}

fn mahnung(f: &mut Flow, doc: &Document, lang: Lang) {
    salutation(f, doc, lang);
    let total = lang.money(&doc.total());
    let oldest_due = doc.items.iter().map(|i| i.due_date).min();
    let since = oldest_due
        .and_then(|d| d.succ_opt())
        .map(|d| {
            format!(
                " {}",
                lang.t("mahnung_default_since", &[("date", &lang.date(d))])
            )
        })
        .unwrap_or_default();
    f.para(&format!("{}{since}", lang.t("mahnung_intro", &[])));
    claim_table(f, doc, lang);
    let deadline = deadline_text(doc, lang);
    let mut ask = lang.t(
        "mahnung_ask",
        &[("total", total.as_str()), ("deadline", deadline.as_str())],
    );
    if doc.charges.iter().any(|c| c.basis.contains("288")) {
        ask = format!("{ask} {}", lang.t("interest_law_de", &[]));
    }
    f.para(&ask);
    interest_notes(f, doc, lang);
    payment_box(f, doc, lang, &doc.total());
    f.para(&lang.t("crossed", &[]));
    closing(f, doc, lang);
}

/// A ledger line's kind in the statement's language (the API names them in English).
fn entry_label(lang: Lang, kind: &str) -> String {
    let key = match kind {
        "Invoice" => "entry_invoice",
        "Payment" => "entry_payment",
        "Payment reversed" => "entry_payment_reversal",
        "Credit note" => "entry_credit_note",
        "Write-off" => "entry_write_off",
        "Interest / fee charged" => "entry_charge",
        "Charge reversed" => "entry_charge_reversal",
        other => return other.to_string(),
    };
    lang.t(key, &[])
}

fn statement_table(f: &mut Flow, s: &Statement, lang: Lang) {
    let w = f.g.body_width();
    let l = |key: &str| lang.t(key, &[]);
    let heads = [
        l("col_date"),
        l("col_type"),
        l("col_reference"),
        l("col_debit"),
        l("col_credit"),
        l("col_balance"),
    ];
    let cols = [
        col(&heads[0], w * 0.14, Align::Left),
        col(&heads[1], w * 0.16, Align::Left),
        col(&heads[2], w * 0.25, Align::Left),
        col(&heads[3], w * 0.15, Align::Right),
        col(&heads[4], w * 0.15, Align::Right),
        col(&heads[5], w * 0.15, Align::Right),
    ];
    let mut rows = vec![vec![
        lang.short_date(s.from),
        l("opening_balance"),
        String::new(),
        String::new(),
        String::new(),
        lang.money(&s.opening),
    ]];
    for r in &s.rows {
        rows.push(vec![
            lang.short_date(r.date),
            entry_label(lang, &r.kind),
            r.reference.clone(),
            r.debit.map(|m| lang.money(&m)).unwrap_or_default(),
            r.credit.map(|m| lang.money(&m)).unwrap_or_default(),
            lang.money(&r.balance),
        ]);
    }
    let last = rows.len();
    rows.push(vec![
        lang.short_date(s.to),
        l("closing_balance"),
        String::new(),
        String::new(),
        String::new(),
        lang.money(&s.closing),
    ]);
    f.table(&cols, &rows, &[last]);
}

fn statement_doc(f: &mut Flow, doc: &Document, lang: Lang) {
    if let Some(s) = &doc.statement {
        f.para(&lang.t(
            "statement_intro",
            &[
                ("creditor", &doc.letterhead.name),
                ("from", &lang.date(s.from)),
                ("to", &lang.date(s.to)),
            ],
        ));
        statement_table(f, s, lang);
        let closing_balance = s.closing;
        if closing_balance.amount() <= rust_decimal::Decimal::ZERO {
            f.para(&lang.t("statement_nothing", &[]));
            return;
        }
        let Some(p) = &s.payable else {
            f.para(&lang.t(
                "statement_due",
                &[("amount", &lang.money(&closing_balance))],
            ));
            if doc.letterhead.bank.is_usable() {
                payment_box(f, doc, lang, &closing_balance);
            }
            return;
        };
        // The balance, then only what is asked for now; the rest says why it is not.
        f.para(&lang.t(
            "statement_balance",
            &[
                ("date", &lang.date(s.to)),
                ("amount", &lang.money(&closing_balance)),
            ],
        ));
        if !p.not_yet_due.is_zero() {
            f.para(&lang.t(
                "statement_not_due",
                &[("amount", &lang.money(&p.not_yet_due))],
            ));
        }
        if !p.paused.is_zero() {
            f.para(&lang.t("statement_paused", &[("amount", &lang.money(&p.paused))]));
        }
        if p.due_now.is_zero() {
            f.para(&lang.t("statement_nothing_now", &[]));
        } else {
            f.para(&lang.t(
                "statement_payable",
                &[
                    ("amount", &lang.money(&p.due_now)),
                    ("invoices", &p.invoices.join(", ")),
                ],
            ));
            if doc.letterhead.bank.is_usable() {
                payment_box(f, doc, lang, &p.due_now);
            }
        }
        f.para(&lang.t("statement_differ", &[]));
    }
}

fn letter_of_claim(f: &mut Flow, doc: &Document, lang: Lang) {
    salutation(f, doc, lang);
    let total = lang.money(&doc.total());
    let deadline = deadline_text(doc, lang);
    let lh = &doc.letterhead;
    f.para(&format!(
        "We are writing to you under the Pre-Action Protocol for Debt Claims about the debt of \
         {total} that you owe to {}. The amount is made up as set out below and in the enclosed \
         up-to-date statement of account.",
        lh.name
    ));
    let agreement = doc.agreement_date.map(|d| lang.date(d)).unwrap_or_default();
    f.para(&format!(
        "The debt arises from the agreement between {} and {} dated {agreement}, under which we \
         supplied the goods or services invoiced below. A copy of the agreement is available on \
         request.",
        lh.name, doc.recipient.name
    ));
    claim_table(f, doc, lang);
    let continuing = if doc.interest_continues.trim().is_empty() {
        "No further interest or charges will be added to this amount.".to_string()
    } else {
        doc.interest_continues.clone()
    };
    f.para(&format!("Interest and charges: {continuing}"));
    let mut contact = vec![lh.address.join(", ")];
    if !lh.phone.trim().is_empty() {
        contact.push(format!("by telephone on {}", lh.phone));
    }
    if !lh.email.trim().is_empty() {
        contact.push(format!("by email to {}", lh.email));
    }
    f.para(&format!(
        "How to pay: by bank transfer using the details below. If you cannot pay the full amount \
         now, or would like to discuss paying by instalments, please contact us at {}.",
        contact.join(", ")
    ));
    f.para(&format!(
        "Please reply within 30 days of the date of this letter, that is by {deadline}, using the \
         enclosed Reply Form, to {} at the address at the top of this letter. If you do not \
         reply or pay within 30 days, we may start court proceedings against you without \
         further notice, which may increase the amount you owe.",
        lh.name
    ));
    f.para(
        "You can get free independent advice about debt from, for example, Citizens Advice \
         (www.citizensadvice.org.uk), National Debtline (0808 808 4000, www.nationaldebtline.org) \
         or StepChange Debt Charity (0800 138 1111, www.stepchange.org).",
    );
    payment_box(f, doc, lang, &doc.total());
    f.para_styled(
        "Enclosures: statement of account; Information Sheet; Reply Form; Financial Statement.",
        SMALL,
        Face::Regular,
    );
    closing(f, doc, lang);

    // Enclosure pages.
    if let Some(s) = &doc.statement {
        f.page_break();
        f.heading("Statement of account");
        f.para(&format!(
            "{} – account of {} from {} to {}.",
            lh.name,
            doc.recipient.name,
            lang.date(s.from),
            lang.date(s.to)
        ));
        statement_table(f, s, lang);
    }
    f.page_break();
    f.heading("Information Sheet");
    for p in [
        "You have received this information sheet because a business is asking you to pay a debt. \
         The letter of claim tells you how much the business says you owe and why.",
        "You should read the letter of claim carefully. If you do not reply within 30 days, the \
         business may start court proceedings against you. A court judgment against you could \
         make it harder for you to get credit.",
        "If you agree that you owe the debt, you can pay it, or offer to pay it in instalments. \
         If you need time, tell the business by filling in the Reply Form, and send it back \
         together with the Financial Statement, so that they can consider your offer.",
        "If you do not agree that you owe the debt, or not all of it, say so on the Reply Form and \
         explain why. You can ask for copies of any documents you need, such as the agreement.",
        "If you need more time to get debt advice, ask for it on the Reply Form; the business \
         should allow you a reasonable period before starting court proceedings.",
        "Free independent debt advice: Citizens Advice, National Debtline (0808 808 4000), \
         StepChange Debt Charity (0800 138 1111), and the Money Advice Service.",
    ] {
        f.para(p);
    }
    f.page_break();
    f.heading("Reply Form");
    f.para(&format!(
        "To {}, reference {}. Please complete this form and return it by {deadline}.",
        lh.name, doc.reference
    ));
    for b in [
        "I agree that I owe the debt and will pay it in full by the date given in the letter.",
        "I agree that I owe the debt but I need time to pay. I enclose my Financial Statement and offer to pay the instalments below.",
        "I agree that I owe part of the debt but not all of it, for the reasons I give below.",
        "I do not agree that I owe the debt, for the reasons I give below.",
        "I need more time to get debt advice. I have asked for advice from the organisation named below.",
        "Please send me a copy of the agreement and the documents listed below.",
    ] {
        f.tick_box(b);
    }
    for l in [
        "I offer to pay per month:",
        "Reasons / documents I need:",
        "",
        "Adviser (if any):",
        "Name:",
        "Signature and date:",
    ] {
        f.write_line(l);
    }
    f.page_break();
    f.heading("Financial Statement");
    f.para("Please fill in your monthly income and outgoings so that we can consider an offer to pay by instalments.");
    for l in [
        "Income: wages or salary (after tax)",
        "Income: benefits and pensions",
        "Income: other",
        "Outgoings: rent or mortgage",
        "Outgoings: council tax, gas, electricity, water",
        "Outgoings: food and housekeeping",
        "Outgoings: travel",
        "Outgoings: other debts and court orders",
        "Outgoings: other",
        "Amount left each month",
    ] {
        f.write_line(l);
    }
}

fn letter_before_claim(f: &mut Flow, doc: &Document, lang: Lang) {
    salutation(f, doc, lang);
    let total = lang.money(&doc.total());
    let lh = &doc.letterhead;
    f.para(&format!(
        "We write about the sum of {total} owed by {} to {}. This is a letter before claim.",
        doc.recipient.name, lh.name
    ));
    let agreement = doc
        .agreement_date
        .map(|d| format!(" under the agreement dated {}", lang.date(d)))
        .unwrap_or_default();
    f.para(&format!(
        "Basis of the claim: we supplied goods or services to you{agreement} and invoiced you as \
         set out below. Each invoice was payable by its due date and remains unpaid. The amount \
         claimed is calculated as follows:"
    ));
    claim_table(f, doc, lang);
    if !doc.interest_continues.trim().is_empty() {
        let t = doc.interest_continues.clone();
        f.para(&t);
    }
    f.para(&format!(
        "Unless we receive payment of {total}, or a reasoned response setting out why you dispute \
         the claim, within 14 days of the date of this letter, that is by {}, we will issue court \
         proceedings against you without further notice. We will ask the court to order you to \
         pay our costs and further interest.",
        deadline_text(doc, lang)
    ));
    payment_box(f, doc, lang, &doc.total());
    closing(f, doc, lang);
}

fn validation_notice(f: &mut Flow, doc: &Document, lang: Lang) {
    let lh = &doc.letterhead;
    let end = lang.date(validation_period_end(doc.date));
    let item_date = doc
        .itemization_date
        .map(|d| lang.date(d))
        .unwrap_or_default();
    f.para(&format!(
        "{} is a debt collector. We are trying to collect a debt that you owe to {}. We will use \
         any information you give us to help collect the debt.",
        lh.name,
        if doc.notes.trim().is_empty() {
            lh.name.clone()
        } else {
            doc.notes.clone()
        }
    ));
    f.heading("Our information shows:");
    f.para(&format!(
        "You had an account with account number {}.",
        doc.recipient.customer_ref.clone()
            + if doc.recipient.customer_ref.is_empty() {
                &doc.reference
            } else {
                ""
            }
    ));
    let zero = Money::zero(doc.currency);
    let mut interest = zero;
    let mut fees = zero;
    for c in &doc.charges {
        if c.label.to_ascii_lowercase().contains("interest") {
            interest = interest.checked_add(&c.amount).unwrap_or(interest);
        } else {
            fees = fees.checked_add(&c.amount).unwrap_or(fees);
        }
    }
    let credits = doc.credits_since_itemization.unwrap_or(zero);
    let at_itemization = doc
        .principal()
        .checked_add(&credits)
        .unwrap_or(doc.principal());
    let w = f.g.body_width();
    let cols = [
        col("", w * 0.7, Align::Left),
        col("", w * 0.3, Align::Right),
    ];
    let rows = vec![
        vec![
            format!("As of {item_date}, you owed:"),
            lang.money(&at_itemization),
        ],
        vec![format!("Between {item_date} and today:"), String::new()],
        vec![
            "You were charged this amount in interest:".into(),
            format!("+ {}", lang.money(&interest)),
        ],
        vec![
            "You were charged this amount in fees:".into(),
            format!("+ {}", lang.money(&fees)),
        ],
        vec![
            "You paid or were credited this amount toward the debt:".into(),
            format!("– {}", lang.money(&credits)),
        ],
        vec![
            "Total amount of the debt now:".into(),
            lang.money(&doc.total()),
        ],
    ];
    f.table(&cols, &rows, &[5]);
    f.heading("How can you dispute the debt?");
    f.para(&format!(
        "Call or write to us by {end} to dispute all or part of the debt. If you do not, we will \
         assume that our information is correct. If you write to us by {end}, we must stop \
         collection on any amount you dispute until we send you information that shows you owe \
         the debt. You may use the form below or write to us without the form. You may also \
         include supporting documents."
    ));
    f.heading("What else can you do?");
    f.para(&format!(
        "Write to ask for the name and address of the original creditor, if different from the \
         current creditor. If you write by {end}, we must stop collection until we send you that \
         information. Go to www.cfpb.gov/debt-collection to learn more about your rights under \
         federal law. Contact us about your payment options."
    ));
    payment_box(f, doc, lang, &doc.total());
    f.ensure(70.0);
    f.rule(f.g.left, f.g.width - f.g.right, f.y + 2.0, 0.5, 0.3);
    f.gap(3.0);
    f.heading(&format!(
        "How do you want to respond? Mail this form to {}",
        lh.address.join(", ")
    ));
    for b in [
        "I want to dispute the debt because I think: this is not my debt.",
        "I want to dispute the debt because I think: the amount is wrong.",
        "I want to dispute the debt because I think: other (please describe on reverse or attach additional information).",
        "I want you to send me the name and address of the original creditor.",
        "I enclosed this amount:",
    ] {
        f.tick_box(b);
    }
    f.para_styled(
        &format!("Reference {} · {}", doc.reference, doc.recipient.name),
        SMALL,
        Face::Regular,
    );
}

fn payment_plan(f: &mut Flow, doc: &Document, lang: Lang) {
    let lh = &doc.letterhead;
    let date = lang.date(doc.date);
    f.para(&lang.t(
        "agreement_intro",
        &[
            ("date", &date),
            ("creditor", &lh.name),
            ("debtor", &doc.recipient.name),
        ],
    ));
    f.para(&lang.t("plan_1", &[("amount", &lang.money(&doc.total()))]));
    if !doc.items.is_empty() {
        claim_table(f, doc, lang);
    }
    f.heading(&lang.t("plan_schedule", &[]));
    let w = f.g.body_width();
    let heads = [
        lang.t("col_no", &[]),
        lang.t("col_due_date", &[]),
        lang.t("col_amount", &[]),
    ];
    let cols = [
        col(&heads[0], w * 0.15, Align::Left),
        col(&heads[1], w * 0.45, Align::Left),
        col(&heads[2], w * 0.4, Align::Right),
    ];
    let mut rows: Vec<Vec<String>> = doc
        .instalments
        .iter()
        .enumerate()
        .map(|(i, p)| vec![(i + 1).to_string(), lang.date(p.due), lang.money(&p.amount)])
        .collect();
    let sum = doc
        .instalments
        .iter()
        .try_fold(Money::zero(doc.currency), |a, p| a.checked_add(&p.amount))
        .unwrap_or(Money::zero(doc.currency));
    let last = rows.len();
    rows.push(vec!["".into(), lang.t("total", &[]), lang.money(&sum)]);
    f.table(&cols, &rows, &[last]);
    // The days of grace the plan was agreed with (what the app waits before it counts an
    // instalment as missed), so the letter and the collection state never disagree.
    let days = doc.grace_days.unwrap_or(14).to_string();
    for p in [
        lang.t("plan_2", &[]),
        lang.t("plan_3", &[]),
        lang.t("plan_4", &[("days", &days)]),
        lang.t("plan_5", &[]),
    ] {
        f.para(&p);
    }
    if !doc.notes.trim().is_empty() {
        let n = doc.notes.clone();
        f.para(&n);
    }
    payment_box(f, doc, lang, &sum);
    f.signatures(
        &lang.t("signature_for", &[("name", &lh.name)]),
        &doc.recipient.name,
    );
}

fn settlement(f: &mut Flow, doc: &Document, lang: Lang) {
    let lh = &doc.letterhead;
    let amount = doc.total();
    let date = lang.date(doc.date);
    f.para(&lang.t(
        "settlement_intro",
        &[
            ("date", &date),
            ("creditor", &lh.name),
            ("debtor", &doc.recipient.name),
        ],
    ));
    let owed = doc
        .principal()
        .checked_add(&doc.charges_total())
        .unwrap_or(doc.principal());
    f.para(&lang.t("settle_1", &[("amount", &lang.money(&owed))]));
    let mut shown = doc.clone();
    shown.settlement_amount = None;
    claim_table(f, &shown, lang);
    f.para(&lang.t(
        "settle_2",
        &[
            ("amount", &lang.money(&amount)),
            ("deadline", &deadline_text(doc, lang)),
        ],
    ));
    for key in ["settle_3", "settle_4", "settle_5"] {
        f.para(&lang.t(key, &[]));
    }
    payment_box(f, doc, lang, &amount);
    f.signatures(
        &lang.t("signature_for", &[("name", &lh.name)]),
        &doc.recipient.name,
    );
}
