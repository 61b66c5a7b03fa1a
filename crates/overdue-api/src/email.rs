//! Email over SMTP (lettre): settings, the password in the OS keyring, building a
//! message with a Message-ID, sending it, and "send test email".
//!
//! The SMTP settings (host, port, security, user, sender) are a setting in the database;
//! the password never is: it lives in the OS keyring under [`config::KEYRING_SERVICE`],
//! keyed by `smtp://user@host:port`. The exact bytes sent are returned so the contact log
//! can keep them with their SHA-256.

// serde's derives expand to code naming f64 in generic content handling; no field here is
// a float.
#![allow(clippy::disallowed_types)]

use std::time::Duration;

use lettre::address::Envelope;
use lettre::message::header::ContentType;
use lettre::message::{Attachment as LettreAttachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{config, Api, ApiError, ErrorCode};

/// Setting key of the SMTP settings (JSON; never the password).
const SMTP_SETTING: &str = "smtp";

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SmtpSecurity {
    /// STARTTLS on the submission port (587): the usual choice.
    #[default]
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only for a server on this computer (127.0.0.1, tests).
    Plain,
}

/// SMTP settings as stored and shown (no password).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SmtpSettings {
    /// Server host name.
    pub host: String,
    /// Port (587 STARTTLS, 465 TLS, 25).
    pub port: u16,
    /// Connection security.
    pub security: SmtpSecurity,
    /// Login user ("" = no login).
    pub username: String,
    /// Sender address.
    pub from_address: String,
    /// Sender name.
    pub from_name: String,
    /// True when a password is stored in the keyring for this server and user (read-only).
    #[serde(default)]
    pub has_password: bool,
}

/// The SMTP form: settings plus an optional new password.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SmtpSettingsInput {
    /// The settings.
    pub settings: SmtpSettings,
    /// A new password to keep in the keyring ("" = keep the stored one).
    #[serde(default)]
    pub password: String,
}

/// A file attached to an email (a PDF letter, a statement, an invoice).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// File name shown to the recipient.
    pub filename: String,
    /// MIME type (`application/pdf`).
    pub content_type: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// An email ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingEmail {
    /// Recipient address.
    pub to: String,
    /// Recipient name.
    pub to_name: String,
    /// Subject.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
    /// Message-ID without angle brackets (`dunning.12@example.com`).
    pub message_id: String,
    /// Attachments.
    pub attachments: Vec<Attachment>,
}

fn keyring_user(s: &SmtpSettings) -> String {
    format!("smtp://{}@{}:{}", s.username.trim(), s.host.trim(), s.port)
}

fn keyring_error(e: keyring::Error) -> ApiError {
    ApiError::new(
        ErrorCode::Keyring,
        format!("The system keyring could not be used ({e}). Unlock your keyring and try again."),
    )
}

/// Stores the SMTP password in the OS keyring.
pub fn store_smtp_password(s: &SmtpSettings, password: &str) -> Result<(), ApiError> {
    keyring::Entry::new(config::KEYRING_SERVICE, &keyring_user(s))
        .and_then(|e| e.set_password(password))
        .map_err(keyring_error)
}

/// Reads the SMTP password from the OS keyring (`None` when none is stored).
pub fn smtp_password(s: &SmtpSettings) -> Result<Option<String>, ApiError> {
    let entry =
        keyring::Entry::new(config::KEYRING_SERVICE, &keyring_user(s)).map_err(keyring_error)?;
    match entry.get_password() {
        Ok(p) => Ok(Some(p)),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(keyring_error(e)),
    }
}

fn mailbox(address: &str, name: &str, field: &str) -> Result<Mailbox, ApiError> {
    let addr = address.trim().parse().map_err(|_| {
        ApiError::validation(vec![overdue_domain::FieldError::new(
            field,
            format!("\"{}\" is not an email address.", address.trim()),
        )])
    })?;
    let name = name.trim();
    Ok(Mailbox::new(
        (!name.is_empty()).then(|| name.to_string()),
        addr,
    ))
}

fn check(s: &SmtpSettings) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    if s.host.trim().is_empty() {
        errors.push(overdue_domain::FieldError::new(
            "host",
            "Enter the SMTP server's host name.",
        ));
    }
    if s.port == 0 {
        errors.push(overdue_domain::FieldError::new(
            "port",
            "Enter the SMTP port (587 for STARTTLS, 465 for TLS).",
        ));
    }
    if s.from_address.trim().parse::<lettre::Address>().is_err() {
        errors.push(overdue_domain::FieldError::new(
            "from_address",
            "Enter the address reminders are sent from.",
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}

/// Builds the RFC 5322 message: the bytes returned are exactly what is sent.
pub fn build_message(
    s: &SmtpSettings,
    email: &OutgoingEmail,
    date: chrono::DateTime<chrono::Utc>,
) -> Result<(Envelope, Vec<u8>), ApiError> {
    let from = mailbox(&s.from_address, &s.from_name, "from_address")?;
    let to = mailbox(&email.to, &email.to_name, "email")?;
    let text = SinglePart::builder()
        .header(ContentType::TEXT_PLAIN)
        .body(email.body.clone());
    let builder = Message::builder()
        .from(from)
        .to(to)
        .subject(email.subject.clone())
        .message_id(Some(format!("<{}>", email.message_id)))
        .date(date.into());
    let message = if email.attachments.is_empty() {
        builder.singlepart(text)
    } else {
        let mut mixed = MultiPart::mixed().singlepart(text);
        for a in &email.attachments {
            let ct = ContentType::parse(&a.content_type)
                .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
            // Attachments travel as base64 whatever they hold: a CSV's semicolons and
            // long lines pass every server unchanged that way.
            let body = lettre::message::Body::new_with_encoding(
                a.bytes.clone(),
                lettre::message::header::ContentTransferEncoding::Base64,
            )
            .map_err(|_| ApiError::new(ErrorCode::Internal, "attachment encoding"))?;
            mixed = mixed.singlepart(LettreAttachment::new(a.filename.clone()).body(body, ct));
        }
        builder.multipart(mixed)
    }
    .map_err(|e| ApiError::invalid(format!("The email could not be built: {e}")))?;
    let mut bytes = message.formatted();
    // The bytes the recipient's server stores end with CRLF (see [`send_raw`]).
    if !bytes.ends_with(b"\r\n") {
        bytes.extend_from_slice(b"\r\n");
    }
    Ok((message.envelope().clone(), bytes))
}

fn transport(
    s: &SmtpSettings,
    password: Option<String>,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, ApiError> {
    let host = s.host.trim();
    let tls = |h: &str| {
        TlsParameters::new(h.to_string())
            .map_err(|e| ApiError::invalid(format!("TLS for {h} could not be set up: {e}")))
    };
    let mut b = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
        .port(s.port)
        .timeout(Some(Duration::from_secs(30)));
    b = match s.security {
        SmtpSecurity::Plain => b.tls(Tls::None),
        SmtpSecurity::Starttls => b.tls(Tls::Required(tls(host)?)),
        SmtpSecurity::Tls => b.tls(Tls::Wrapper(tls(host)?)),
    };
    if !s.username.trim().is_empty() {
        b = b.credentials(Credentials::new(
            s.username.trim().to_string(),
            password.unwrap_or_default(),
        ));
    }
    Ok(b.build())
}

/// Sends the message bytes as built (ending with CRLF); the error is a sentence for the
/// user. lettre always writes CRLF "." CRLF after the data, whose first CRLF ends the
/// message's last line, so the final CRLF is left off here: the server then stores
/// exactly `bytes`, the bytes the contact log keeps.
pub async fn send_raw(s: &SmtpSettings, envelope: &Envelope, bytes: &[u8]) -> Result<(), String> {
    let bytes = bytes.strip_suffix(b"\r\n").unwrap_or(bytes);
    // No login, no keyring: a local relay works without a Secret Service.
    let password = if s.username.trim().is_empty() {
        None
    } else {
        smtp_password(s).map_err(|e| e.message)?
    };
    let t = transport(s, password).map_err(|e| e.message)?;
    t.send_raw(envelope, bytes)
        .await
        .map(|_| ())
        .map_err(|e| format!("{}:{} refused or failed: {e}", s.host.trim(), s.port))
}

/// The domain part of an address, for Message-IDs.
pub fn domain_of(address: &str) -> String {
    address
        .rsplit_once('@')
        .map(|(_, d)| d.trim().to_string())
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| "overdue.invalid".to_string())
}

/// Result of "send test email".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TestEmailResult {
    /// The Message-ID used.
    pub message_id: String,
    /// Where it went.
    pub to: String,
}

impl Api {
    /// The SMTP settings (`None` until configured).
    pub async fn smtp_settings(&self) -> Result<Option<SmtpSettings>, ApiError> {
        let Some(text) = self.store().await.setting(SMTP_SETTING).await? else {
            return Ok(None);
        };
        let mut s: SmtpSettings = serde_json::from_str(&text)
            .map_err(|e| ApiError::new(ErrorCode::Internal, format!("SMTP settings: {e}")))?;
        // Where no keyring can be reached, the settings still show.
        s.has_password =
            !s.username.trim().is_empty() && smtp_password(&s).ok().flatten().is_some();
        Ok(Some(s))
    }

    /// Saves the SMTP settings; a password given goes to the OS keyring only.
    pub async fn smtp_configure(&self, input: SmtpSettingsInput) -> Result<SmtpSettings, ApiError> {
        let mut s = input.settings;
        s.host = s.host.trim().to_string();
        s.username = s.username.trim().to_string();
        s.from_address = s.from_address.trim().to_string();
        s.from_name = s.from_name.trim().to_string();
        s.has_password = false;
        check(&s)?;
        if !input.password.is_empty() {
            store_smtp_password(&s, &input.password)?;
        }
        let text = serde_json::to_string(&s)
            .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
        self.store().await.set_setting(SMTP_SETTING, &text).await?;
        self.smtp_settings()
            .await?
            .ok_or_else(|| ApiError::new(ErrorCode::Internal, "SMTP settings were not saved"))
    }

    /// The configured settings, or an error telling the user to set them up.
    pub(crate) async fn smtp_required(&self) -> Result<SmtpSettings, ApiError> {
        self.smtp_settings().await?.ok_or_else(|| {
            ApiError::invalid("Email is not set up: enter the SMTP server in Settings first.")
        })
    }

    /// Sends a test email to `to` with the current settings.
    pub async fn smtp_send_test(&self, to: &str) -> Result<TestEmailResult, ApiError> {
        let s = self.smtp_required().await?;
        let now = self.clock().now();
        let message_id = format!(
            "test.{}@{}",
            now.timestamp_nanos_opt().unwrap_or_default(),
            domain_of(&s.from_address)
        );
        let email = OutgoingEmail {
            to: to.trim().to_string(),
            to_name: String::new(),
            subject: "Overdue test email".into(),
            body: format!(
                "This is a test email from Overdue, sent through {}:{}.\nIf you can read it, reminders will reach your debtors.\n",
                s.host, s.port
            ),
            message_id: message_id.clone(),
            attachments: Vec::new(),
        };
        let (envelope, bytes) = build_message(&s, &email, now)?;
        send_raw(&s, &envelope, &bytes)
            .await
            .map_err(|m| ApiError::new(ErrorCode::Io, m))?;
        Ok(TestEmailResult {
            message_id,
            to: email.to,
        })
    }
}
