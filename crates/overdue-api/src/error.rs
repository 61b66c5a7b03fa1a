//! The one error shape that crosses IPC and the CLI: `{code, message, fields}`.
//!
//! `code` only grows when the UI branches on it; the UI never matches message text.

use overdue_domain::{FieldError, MoneyError};
use overdue_store::StoreError;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What kind of failure, for the UI to branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorCode {
    /// One or more fields are invalid; see `fields`.
    Validation,
    /// Input could not be read (a malformed date, amount, file).
    InvalidInput,
    /// The record does not exist.
    NotFound,
    /// A unique value is already taken.
    Duplicate,
    /// The database could not be opened or reached.
    DatabaseUnavailable,
    /// The database failed while working.
    Database,
    /// The OS keyring could not store or read a secret.
    Keyring,
    /// A file could not be read or written.
    Io,
    /// A bug: something that should not happen.
    Internal,
    /// The credit check holds the debtor: a new invoice needs a reason to go ahead.
    CreditHold,
    /// The signed-in login's role does not allow this (the database refused it).
    Forbidden,
    /// Someone else saved the record since it was opened; nothing was written (reload).
    Stale,
}

/// A field-level validation message (mirrors [`overdue_domain::FieldError`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FieldErrorDto {
    /// Field path as the form knows it (`name`, `contacts[0].email`).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// The error every use case returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, thiserror::Error)]
#[error("{message}")]
#[ts(export)]
pub struct ApiError {
    /// What kind of failure.
    pub code: ErrorCode,
    /// A sentence for the user.
    pub message: String,
    /// Per-field problems (validation only; empty otherwise).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(optional, as = "Option<Vec<FieldErrorDto>>")]
    pub fields: Vec<FieldErrorDto>,
}

impl ApiError {
    /// A new error without field details.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
            fields: Vec::new(),
        }
    }

    /// Invalid input (bad date, amount, file).
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidInput, message)
    }

    /// A validation error about one field (`field` as the form or CLI flag knows it).
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self::validation(vec![FieldError::new(field, message)])
    }

    /// A validation error listing each field's problem.
    pub fn validation(errors: Vec<FieldError>) -> Self {
        let message = match errors.as_slice() {
            [one] => one.message.clone(),
            many => format!("{} fields need attention.", many.len()),
        };
        ApiError {
            code: ErrorCode::Validation,
            message,
            fields: errors
                .into_iter()
                .map(|e| FieldErrorDto {
                    field: e.field,
                    message: e.message,
                })
                .collect(),
        }
    }
}

/// How a refusal by the database begins; `Api::explain_refusal` reads what was refused
/// after it.
pub(crate) const FORBIDDEN: &str = "Your role does not allow you to ";

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        let code = match &e {
            StoreError::Open { .. } => ErrorCode::DatabaseUnavailable,
            StoreError::Io { .. } => ErrorCode::Io,
            StoreError::NotFound { .. } => ErrorCode::NotFound,
            StoreError::Stale { .. } => ErrorCode::Stale,
            StoreError::Duplicate { .. } => ErrorCode::Duplicate,
            StoreError::Rejected(_) | StoreError::Conflict(_) => ErrorCode::InvalidInput,
            StoreError::Corrupt(_) | StoreError::Unsupported(_) => ErrorCode::Internal,
            StoreError::Forbidden(what) => {
                return ApiError::new(
                    ErrorCode::Forbidden,
                    format!("{FORBIDDEN}{what}. Ask the book's owner if you need to."),
                )
            }
            StoreError::Migrate(_) | StoreError::Database(_) => ErrorCode::Database,
        };
        let mut message = e.to_string();
        if let Some(first) = message.get(..1) {
            message = first.to_uppercase() + &message[1..];
        }
        ApiError::new(code, message)
    }
}

impl From<MoneyError> for ApiError {
    fn from(e: MoneyError) -> Self {
        ApiError::invalid(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The UI depends on this exact JSON shape; changing it breaks every error dialog.
    #[test]
    fn error_json_shape_is_code_and_message() {
        let e = ApiError::new(ErrorCode::NotFound, "Debtor 7 was not found");
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"code":"not_found","message":"Debtor 7 was not found"}"#
        );
        let v = ApiError::validation(vec![FieldError::new("name", "Enter the debtor's name.")]);
        assert_eq!(
            serde_json::to_value(&v).unwrap(),
            serde_json::json!({"code": "validation", "message": "Enter the debtor's name.",
                "fields": [{"field": "name", "message": "Enter the debtor's name."}]})
        );
    }
}
