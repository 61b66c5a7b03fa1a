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

/// Reads a bounce from the raw message bytes.
pub fn parse(raw: &[u8]) -> Bounce {
    let text = String::from_utf8_lossy(raw).replace("\r\n", "\n");
    let (head, body) = text.split_once("\n\n").unwrap_or((&text, ""));
    let top = fields(head);
    let inner = fields(body);
    let mut b = Bounce::default();
    let push_id = |b: &mut Bounce, id: String| {
        if !b.message_ids.contains(&id) {
            b.message_ids.push(id);
        }
    };
    for (k, v) in inner.iter().filter(|(k, _)| k == "original-message-id") {
        let _ = k;
        ids(v).into_iter().for_each(|id| push_id(&mut b, id));
    }
    for (_, v) in inner.iter().filter(|(k, _)| k == "message-id") {
        ids(v).into_iter().for_each(|id| push_id(&mut b, id));
    }
    for (_, v) in top
        .iter()
        .filter(|(k, _)| k == "in-reply-to" || k == "references")
    {
        ids(v).into_iter().for_each(|id| push_id(&mut b, id));
    }
    for (k, v) in &inner {
        match k.as_str() {
            "final-recipient" => {
                let r = after_type(v);
                if !r.is_empty() && !b.recipients.contains(&r) {
                    b.recipients.push(r);
                }
            }
            "action" => b.actions.push(v.trim().to_ascii_lowercase()),
            "status" if b.status.is_empty() => {
                b.status = v.split_whitespace().next().unwrap_or_default().to_string()
            }
            "diagnostic-code" if b.diagnostic.is_empty() => b.diagnostic = after_type(v),
            _ => {}
        }
    }
    for (_, v) in top.iter().filter(|(k, _)| k == "x-failed-recipients") {
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
}
