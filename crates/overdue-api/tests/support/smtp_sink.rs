#![allow(dead_code)] // shared by the api and cli test crates; each uses part of it
//! A real SMTP server for tests: `scripts/smtp-sink.py` (Python aiosmtpd) on a free port
//! of 127.0.0.1, keeping every delivered message in a folder.
//!
//! Python is `OVERDUE_TEST_PYTHON`, else the venv `scripts/install-deps.sh --test` makes
//! (`.ci-state/smtp-venv`), else `python3`; without aiosmtpd the test fails saying so.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// One delivered message.
#[derive(Debug, Clone)]
pub struct Delivered {
    /// SMTP envelope recipients.
    pub to: Vec<String>,
    /// The bytes received.
    pub raw: Vec<u8>,
}

impl Delivered {
    /// The message as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.raw).into_owned()
    }

    /// A header's value (first occurrence, unfolded).
    pub fn header(&self, name: &str) -> Option<String> {
        let text = self.text();
        let head = text
            .split("\r\n\r\n")
            .next()
            .unwrap_or_default()
            .to_string();
        let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
        unfolded.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }

    /// The attachments of a multipart message: (file name, content type, decoded bytes),
    /// in order.
    pub fn attachments(&self) -> Vec<(String, String, Vec<u8>)> {
        let Some(boundary) = self.header("Content-Type").and_then(|ct| {
            let (_, rest) = ct.split_once("boundary=")?;
            Some(rest.trim_matches('"').split(['"', ';']).next()?.to_string())
        }) else {
            return Vec::new();
        };
        let text = self.text();
        let mut out = Vec::new();
        for part in text.split(&format!("--{boundary}")).skip(1) {
            let Some((head, body)) = part.split_once("\r\n\r\n") else {
                continue;
            };
            let head = head.replace("\r\n ", " ").replace("\r\n\t", " ");
            let field = |name: &str| {
                head.lines().find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.trim()
                        .eq_ignore_ascii_case(name)
                        .then(|| v.trim().to_string())
                })
            };
            let Some(disposition) = field("Content-Disposition") else {
                continue;
            };
            if !disposition.starts_with("attachment") {
                continue;
            }
            // `filename="x"`, or RFC 2231 continuations `filename*0="a"; filename*1="b"`.
            let filename = disposition
                .split(';')
                .filter_map(|p| {
                    let (k, v) = p.trim().split_once('=')?;
                    (k == "filename" || k.starts_with("filename*"))
                        .then(|| v.trim().trim_matches('"').to_string())
                })
                .collect::<String>();
            let content_type = field("Content-Type").unwrap_or_default();
            assert_eq!(
                field("Content-Transfer-Encoding").as_deref(),
                Some("base64"),
                "attachments are base64"
            );
            out.push((filename, content_type, decode_b64_bytes(body)));
        }
        out
    }

    /// The body decoded from quoted-printable or base64 when the message says so.
    pub fn body(&self) -> String {
        let text = self.text();
        let body = text.split_once("\r\n\r\n").map(|x| x.1).unwrap_or_default();
        match self.header("Content-Transfer-Encoding").as_deref() {
            Some("quoted-printable") => decode_qp(body),
            Some("base64") => decode_b64(&body.replace("\r\n", "")),
            _ => body.to_string(),
        }
    }
}

fn decode_qp(s: &str) -> String {
    let s = s.replace("=\r\n", "");
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' {
            if let Some(v) = std::str::from_utf8(&b[i + 1..(i + 3).min(b.len())])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn decode_b64(s: &str) -> String {
    String::from_utf8_lossy(&decode_b64_bytes(s)).into_owned()
}

fn decode_b64_bytes(s: &str) -> Vec<u8> {
    const T: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut buf = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        let Some(v) = T.iter().position(|&t| t == c) else {
            continue;
        };
        buf = (buf << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
            buf &= (1 << bits) - 1;
        }
    }
    out
}

/// The running server; stopped when dropped.
pub struct SmtpSink {
    child: Child,
    /// Its port on 127.0.0.1.
    pub port: u16,
    dir: PathBuf,
    _tmp: tempfile::TempDir,
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .find(|p| p.join("scripts/smtp-sink.py").exists())
        .expect("scripts/smtp-sink.py above the crate")
        .to_path_buf()
}

fn python() -> PathBuf {
    if let Ok(p) = std::env::var("OVERDUE_TEST_PYTHON") {
        return p.into();
    }
    let venv = repo_root().join(".ci-state/smtp-venv/bin/python");
    if venv.exists() {
        venv
    } else {
        "python3".into()
    }
}

impl SmtpSink {
    /// Starts the server and waits until it listens.
    pub fn start() -> SmtpSink {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("mail");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut child = Command::new(python())
            .arg(repo_root().join("scripts/smtp-sink.py"))
            .arg(port.to_string())
            .arg(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 runs");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(
            line.trim(),
            "READY",
            "the test SMTP server needs Python's aiosmtpd: run scripts/install-deps.sh --test"
        );
        SmtpSink {
            child,
            port,
            dir,
            _tmp: tmp,
        }
    }

    /// Every message delivered so far, in order.
    pub fn delivered(&self) -> Vec<Delivered> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
            .into_iter()
            .map(|p| {
                let env: serde_json::Value = serde_json::from_str(
                    &std::fs::read_to_string(p.with_extension("json")).unwrap(),
                )
                .unwrap();
                Delivered {
                    to: env["to"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|v| v.as_str().unwrap().to_string())
                        .collect(),
                    raw: std::fs::read(&p).unwrap(),
                }
            })
            .collect()
    }
}

/// A delivery status notification (RFC 3464) as a receiving server returns it for
/// `message_id` sent to `recipient`: `action` `failed` with `status` 5.x.x, or `delayed`.
pub fn dsn(message_id: &str, recipient: &str, action: &str, status: &str) -> String {
    format!(
        "From: Mail Delivery System <MAILER-DAEMON@mx.acme.test>\r\n\
To: billing@seller.test\r\n\
Subject: Undelivered Mail Returned to Sender\r\n\
Message-ID: <dsn.{status}@mx.acme.test>\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/report; report-type=delivery-status;\r\n\
\tboundary=\"DSN-BOUNDARY\"\r\n\
\r\n\
--DSN-BOUNDARY\r\n\
Content-Type: text/plain; charset=us-ascii\r\n\
\r\n\
This is the mail system at host mx.acme.test. Your message could not be delivered.\r\n\
\r\n\
--DSN-BOUNDARY\r\n\
Content-Type: message/delivery-status\r\n\
\r\n\
Reporting-MTA: dns; mx.acme.test\r\n\
Original-Message-ID: {message_id}\r\n\
\r\n\
Final-Recipient: rfc822; {recipient}\r\n\
Action: {action}\r\n\
Status: {status}\r\n\
Diagnostic-Code: smtp; 550 {status} <{recipient}>:\r\n\
\tRecipient address rejected: User unknown\r\n\
\r\n\
--DSN-BOUNDARY\r\n\
Content-Type: text/rfc822-headers\r\n\
\r\n\
Message-ID: {message_id}\r\n\
From: billing@seller.test\r\n\
To: {recipient}\r\n\
\r\n\
--DSN-BOUNDARY--\r\n"
    )
}

impl SmtpSink {
    /// Delivers `data` (a whole message, CRLF lines) to the server with a plain SMTP
    /// dialogue, as a remote mail server returning a bounce would (null sender).
    pub fn deliver_raw(&self, to: &str, data: &str) {
        use std::io::Write;
        let stream = std::net::TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut w = stream;
        let expect = |code: &str, reader: &mut BufReader<std::net::TcpStream>| loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            assert!(
                line.starts_with(code),
                "SMTP: expected {code}, got {line:?}"
            );
            if line.as_bytes().get(3) != Some(&b'-') {
                break;
            }
        };
        expect("220", &mut reader);
        for (cmd, code) in [
            ("EHLO mx.acme.test".to_string(), "250"),
            ("MAIL FROM:<>".to_string(), "250"),
            (format!("RCPT TO:<{to}>"), "250"),
            ("DATA".to_string(), "354"),
        ] {
            write!(w, "{cmd}\r\n").unwrap();
            expect(code, &mut reader);
        }
        // Dot-stuffing: a line starting with "." gets another.
        let body = data.replace("\r\n.", "\r\n..");
        write!(w, "{body}").unwrap();
        if !body.ends_with("\r\n") {
            write!(w, "\r\n").unwrap();
        }
        write!(w, ".\r\n").unwrap();
        expect("250", &mut reader);
        write!(w, "QUIT\r\n").unwrap();
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
