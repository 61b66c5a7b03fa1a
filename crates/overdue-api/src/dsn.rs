//! Reading a bounce: a delivery status notification (RFC 3464, `multipart/report;
//! report-type=delivery-status`) or a plain "undeliverable" message from a mail server,
//! reduced to what Overdue needs: which message it is about (`Original-Message-ID`, the
//! returned message's `Message-ID`, the bounce's `In-Reply-To` / `References`), who could
//! not be reached (`Final-Recipient`, `X-Failed-Recipients`), and why (`Action`, `Status`,
//! `Diagnostic-Code`).

/// What a bounce says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bounce {
    /// Message-IDs it may be about, best first, without `<>`.
    pub message_ids: Vec<String>,
    /// Recipients that failed.
    pub recipients: Vec<String>,
    /// `Action` values of the per-recipient fields (`failed`, `delayed`, ...).
    pub actions: Vec<String>,
    /// The first `Status` (e.g. `5.1.1`), "" when none.
    pub status: String,
    /// The first `Diagnostic-Code` without its type (`smtp; `), "" when none.
    pub diagnostic: String,
}

impl Bounce {
    /// True when the notice reports a failed delivery (not a delay or a success). A
    /// notice without `Action` fields counts when it names failed recipients or a 5.x.x
    /// status.
    pub fn is_failure(&self) -> bool {
        if self.actions.is_empty() {
            !self.recipients.is_empty() || self.status.starts_with('5')
        } else {
            self.actions
                .iter()
                .any(|a| a.eq_ignore_ascii_case("failed"))
        }
    }
}

/// Header-style fields of a block of lines, continuation lines unfolded.
fn fields(block: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in block.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some(last) = out.last_mut() {
                last.1.push(' ');
                last.1.push_str(line.trim());
            }
            continue;
        }
        if let Some((k, v)) = line.split_once(':') {
            let k = k.trim();
            if !k.is_empty() && !k.contains(' ') {
                out.push((k.to_ascii_lowercase(), v.trim().to_string()));
                continue;
            }
        }
        // A line that is not a field ends any folding.
        out.push((String::new(), String::new()));
    }
    out.retain(|(k, _)| !k.is_empty());
    out
}

/// `<a@b> <c@d>` -> `a@b`, `c@d`; a value without brackets is taken whole.
fn ids(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = value;
    while let Some(start) = rest.find('<') {
        let Some(end) = rest[start..].find('>') else {
            break;
        };
        let id = rest[start + 1..start + end].trim();
        if !id.is_empty() {
            out.push(id.to_string());
        }
        rest = &rest[start + end + 1..];
    }
    if out.is_empty() && !value.trim().is_empty() && !value.contains(char::is_whitespace) {
        out.push(value.trim().to_string());
    }
    out
}

/// `rfc822; ap@acme.test` -> `ap@acme.test`.
fn after_type(value: &str) -> String {
    value
        .split_once(';')
        .map(|(_, v)| v)
        .unwrap_or(value)
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_string()
}

/// A DSN status code (`5.1.1`): class 2, 4 or 5, then two numbers (RFC 3463).
fn is_status_code(code: &str) -> bool {
    let mut parts = code.split('.');
    let class_ok = matches!(parts.next(), Some("2" | "4" | "5"));
    let rest: Vec<&str> = parts.collect();
    class_ok
        && rest.len() == 2
        && rest
            .iter()
            .all(|p| (1..=3).contains(&p.len()) && p.bytes().all(|c| c.is_ascii_digit()))
}

/// What the report parts of a message say: the machine-readable delivery status
/// (`message/delivery-status`, RFC 3464, or `message/global-delivery-status`, RFC 6533,
/// whatever its transfer encoding) and the Message-IDs of the returned message or its
/// headers. Nothing else in a message is read, so a person's reply that happens to
/// contain "Status: 50% paid" is no bounce.
fn walk(
    part: &mailparse::ParsedMail<'_>,
    report: &mut Vec<(String, String)>,
    returned: &mut Vec<String>,
) {
    let mimetype = part.ctype.mimetype.to_ascii_lowercase();
    match mimetype.as_str() {
        "message/delivery-status" | "message/global-delivery-status" => {
            if let Ok(body) = part.get_body_raw() {
                report.extend(fields(
                    &String::from_utf8_lossy(&body).replace("\r\n", "\n"),
                ));
            }
        }
        "message/rfc822" | "message/global" | "text/rfc822-headers" | "message/global-headers" => {
            if let Ok(body) = part.get_body_raw() {
                if let Ok((headers, _)) = mailparse::parse_headers(&body) {
                    use mailparse::MailHeaderMap;
                    for v in headers.get_all_values("Message-ID") {
                        returned.extend(ids(&v));
                    }
                }
            }
        }
        _ => {}
    }
    for sub in &part.subparts {
        walk(sub, report, returned);
    }
}

/// Reads a bounce from the raw message bytes, with a MIME parser (`mailparse`): the
/// delivery-status part of a report says who failed and why; the bounce's own
/// `In-Reply-To` / `References` / `X-Failed-Recipients` headers serve the plain
/// "undeliverable" notices some servers send. A message that is not mail at all reads as
/// no bounce.
pub fn parse(raw: &[u8]) -> Bounce {
    use mailparse::MailHeaderMap;
    let mut b = Bounce::default();
    let Ok(mail) = mailparse::parse_mail(raw) else {
        return b;
    };
    let mut report = Vec::new();
    let mut returned = Vec::new();
    walk(&mail, &mut report, &mut returned);
    let push_id = |b: &mut Bounce, id: String| {
        if !b.message_ids.contains(&id) {
            b.message_ids.push(id);
        }
    };
    for (_, v) in report.iter().filter(|(k, _)| k == "original-message-id") {
        ids(v).into_iter().for_each(|id| push_id(&mut b, id));
    }
    returned.into_iter().for_each(|id| push_id(&mut b, id));
    for name in ["In-Reply-To", "References"] {
        for v in mail.headers.get_all_values(name) {
            ids(&v).into_iter().for_each(|id| push_id(&mut b, id));
        }
    }
    for (k, v) in &report {
        match k.as_str() {
            "final-recipient" => {
                let r = after_type(v);
                if !r.is_empty() && !b.recipients.contains(&r) {
                    b.recipients.push(r);
                }
            }
            "action" => b.actions.push(v.trim().to_ascii_lowercase()),
            "status" if b.status.is_empty() => {
                let code = v.split_whitespace().next().unwrap_or_default();
                if is_status_code(code) {
                    b.status = code.to_string();
                }
            }
            "diagnostic-code" if b.diagnostic.is_empty() => b.diagnostic = after_type(v),
            _ => {}
        }
    }
    for v in mail.headers.get_all_values("X-Failed-Recipients") {
        for r in v.split(',').map(str::trim).filter(|r| !r.is_empty()) {
            if !b.recipients.iter().any(|x| x == r) {
                b.recipients.push(r.to_string());
            }
        }
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    const DSN: &str = "From: MAILER-DAEMON@mx.acme.test\r\n\
To: billing@seller.test\r\n\
Subject: Undelivered Mail Returned to Sender\r\n\
Message-ID: <bounce-1@mx.acme.test>\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/report; report-type=delivery-status;\r\n\
\tboundary=\"B1\"\r\n\
\r\n\
--B1\r\n\
Content-Type: text/plain\r\n\
\r\n\
Your message could not be delivered.\r\n\
\r\n\
--B1\r\n\
Content-Type: message/delivery-status\r\n\
\r\n\
Reporting-MTA: dns; mx.acme.test\r\n\
Original-Message-ID: <dunning.1.1.2.1@seller.test>\r\n\
\r\n\
Final-Recipient: rfc822; ap@acme.test\r\n\
Action: failed\r\n\
Status: 5.1.1\r\n\
Diagnostic-Code: smtp; 550 5.1.1 <ap@acme.test>:\r\n\
\tRecipient address rejected: User unknown\r\n\
\r\n\
--B1\r\n\
Content-Type: text/rfc822-headers\r\n\
\r\n\
Message-ID: <dunning.1.1.2.1@seller.test>\r\n\
Subject: Reminder\r\n\
\r\n\
--B1--\r\n";

    #[test]
    fn reads_an_rfc_3464_report() {
        let b = parse(DSN.as_bytes());
        assert_eq!(b.message_ids, ["dunning.1.1.2.1@seller.test"]);
        assert_eq!(b.recipients, ["ap@acme.test"]);
        assert_eq!(b.actions, ["failed"]);
        assert_eq!(b.status, "5.1.1");
        assert_eq!(
            b.diagnostic,
            "550 5.1.1 <ap@acme.test>: Recipient address rejected: User unknown"
        );
        assert!(b.is_failure());
    }

    #[test]
    fn reads_a_plain_bounce_by_in_reply_to_and_x_failed_recipients() {
        let raw = "From: postmaster@x.test\nX-Failed-Recipients: a@x.test, b@x.test\n\
In-Reply-To: <m-1@seller.test>\nSubject: Mail delivery failed\n\nSorry.\n";
        let b = parse(raw.as_bytes());
        assert_eq!(b.message_ids, ["m-1@seller.test"]);
        assert_eq!(b.recipients, ["a@x.test", "b@x.test"]);
        assert!(b.is_failure());
        // The bounce's own Message-ID is not what it is about.
        assert!(!parse(DSN.as_bytes())
            .message_ids
            .contains(&"bounce-1@mx.acme.test".to_string()));
    }

    #[test]
    fn a_delay_is_not_a_bounce() {
        let b = parse(
            DSN.replace("Action: failed", "Action: delayed")
                .replace("Status: 5.1.1", "Status: 4.4.1")
                .as_bytes(),
        );
        assert!(!b.is_failure());
    }

    #[test]
    fn a_reply_that_mentions_a_status_is_no_bounce() {
        let raw = "From: ap@acme.test\r\nTo: billing@seller.test\r\n\
In-Reply-To: <dunning.1.1.2.1@seller.test>\r\nSubject: Re: Reminder\r\n\r\n\
Hello,\r\nStatus: 50% paid, the rest next week.\r\nAction: failed to find the invoice\r\n";
        let b = parse(raw.as_bytes());
        assert_eq!(b.message_ids, ["dunning.1.1.2.1@seller.test"]);
        assert!(b.actions.is_empty() && b.status.is_empty(), "{b:?}");
        assert!(!b.is_failure());
    }

    #[test]
    fn reads_an_rfc_6533_global_report_in_base64() {
        use base64::Engine as _;
        let status = "Reporting-MTA: dns; mx.exemple.test\r\n\r\n\
Final-Recipient: utf-8; comptabilit\u{e9}@exemple.test\r\nAction: failed\r\nStatus: 5.1.1\r\n\
Diagnostic-Code: smtp; 550 5.1.1 Bo\u{ee}te inconnue\r\n";
        let headers = "Message-ID: <dunning.7.3.4.1@seller.test>\r\nSubject: Relance\r\n";
        let b64 = |t: &str| base64::engine::general_purpose::STANDARD.encode(t.as_bytes());
        let raw = format!(
            "From: MAILER-DAEMON@mx.exemple.test\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/report; report-type=global-delivery-status; boundary=\"G\"\r\n\r\n\
--G\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nNon remis.\r\n\
--G\r\nContent-Type: message/global-delivery-status\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n\
--G\r\nContent-Type: message/global-headers\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n\
--G--\r\n",
            b64(status),
            b64(headers)
        );
        let b = parse(raw.as_bytes());
        assert_eq!(b.message_ids, ["dunning.7.3.4.1@seller.test"]);
        assert_eq!(b.recipients, ["comptabilit\u{e9}@exemple.test"]);
        assert_eq!(b.status, "5.1.1");
        assert_eq!(b.diagnostic, "550 5.1.1 Bo\u{ee}te inconnue");
        assert!(b.is_failure());
    }

    #[test]
    fn garbage_is_no_bounce() {
        let b = parse(&[0xff, 0x00, 0x13, b'\n', b'\n', b'S']);
        assert!(!b.is_failure());
    }
}
