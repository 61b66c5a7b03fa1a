//! Getting started (issue 16): the first-start setup as a checklist the dashboard shows,
//! each step read from the book itself (so it can be left at any point and resumed, on any
//! computer that opens the book), until every step is done or the owner hides it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Api, ApiError};

/// Settings key: the checklist was hidden (`"1"`).
const HIDDEN: &str = "setup_checklist_hidden";

/// A step of getting started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SetupStep {
    /// Your company's name and address on every letter.
    Company,
    /// The bank account debtors pay into.
    BankAccount,
    /// A logo on letters (optional).
    Logo,
    /// The mail server reminders are sent through.
    Email,
    /// The collection policy, looked at and saved once.
    Policy,
    /// Debtors and invoices, imported or typed in (or demo data).
    Data,
}

/// Where a step is done in the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SetupPlace {
    /// Settings (letterhead, email, collection policies).
    Settings,
    /// The debtor list, with its Import and New debtor.
    Debtors,
}

/// One step and whether the book has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SetupStepDto {
    /// Which step.
    pub step: SetupStep,
    /// What it is, in a few words.
    pub title: String,
    /// What is there now, or what is missing and why it matters.
    pub detail: String,
    /// True when the book has it.
    pub done: bool,
    /// True for a step the book works without.
    pub optional: bool,
    /// Where it is done.
    pub place: SetupPlace,
}

/// The checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SetupStatusDto {
    /// The steps, in the order to take them.
    pub steps: Vec<SetupStepDto>,
    /// How many of the steps that are not optional are done.
    pub done: u32,
    /// How many steps are not optional.
    pub required: u32,
    /// True when the owner hid the checklist.
    pub hidden: bool,
}

impl Api {
    /// Where getting started stands, read from the book.
    pub async fn setup_status(&self) -> Result<SetupStatusDto, ApiError> {
        let lh = self.letterhead_get().await?;
        let smtp = self.smtp_settings().await?;
        let policies = self.dunning_policies().await?;
        let info = self.info().await?;
        let hidden = self.store().await.setting(HIDDEN).await?.as_deref() == Some("1");
        let company = !lh.name.trim().is_empty() && !lh.city.trim().is_empty();
        let account = !lh.iban.trim().is_empty() || !lh.account_number.trim().is_empty();
        let policy_saved =
            policies.len() > 1 || policies.iter().any(|p| p.version.unwrap_or(0) > 0);
        let step = |step, title: &str, detail: String, done, optional, place| SetupStepDto {
            step,
            title: title.to_string(),
            detail,
            done,
            optional,
            place,
        };
        let steps = vec![
            step(
                SetupStep::Company,
                "Your company",
                if company {
                    format!("{}, {} on every letter.", lh.name.trim(), lh.city.trim())
                } else {
                    "Your name and address head every letter; a letter without them is not sent.".into()
                },
                company,
                false,
                SetupPlace::Settings,
            ),
            step(
                SetupStep::BankAccount,
                "Bank account",
                if account {
                    format!(
                        "Debtors are asked to pay into {}.",
                        if lh.iban.trim().is_empty() { lh.account_number.trim() } else { lh.iban.trim() }
                    )
                } else {
                    "Every reminder says where to pay; without an account none is sent.".into()
                },
                account,
                false,
                SetupPlace::Settings,
            ),
            step(
                SetupStep::Logo,
                "Logo",
                if lh.logo_base64.is_empty() {
                    "Optional: printed at the top of letters and invoices.".into()
                } else {
                    "On every letter.".into()
                },
                !lh.logo_base64.is_empty(),
                true,
                SetupPlace::Settings,
            ),
            step(
                SetupStep::Email,
                "Email",
                match &smtp {
                    Some(s) => format!("Reminders go out from {} through {}.", s.from_address, s.host),
                    None => "The mail server reminders are sent through (letters and calls work without it).".into(),
                },
                smtp.is_some(),
                false,
                SetupPlace::Settings,
            ),
            step(
                SetupStep::Policy,
                "Collection policy",
                if policy_saved {
                    "Your reminder steps are saved.".into()
                } else {
                    "Look at the reminder steps (when, how, how firm) and save them as yours.".into()
                },
                policy_saved,
                false,
                SetupPlace::Settings,
            ),
            step(
                SetupStep::Data,
                "Debtors and invoices",
                if info.invoices > 0 {
                    format!("{} debtors, {} invoices.", info.debtors, info.invoices)
                } else {
                    "Import them from your accounting (CSV), type them in, or load demo data to try things first.".into()
                },
                info.invoices > 0,
                false,
                SetupPlace::Debtors,
            ),
        ];
        let required = steps.iter().filter(|s| !s.optional).count() as u32;
        let done = steps.iter().filter(|s| !s.optional && s.done).count() as u32;
        Ok(SetupStatusDto {
            steps,
            done,
            required,
            hidden,
        })
    }

    /// Hides the checklist, or shows it again.
    pub async fn setup_hide(&self, hidden: bool) -> Result<SetupStatusDto, ApiError> {
        self.store()
            .await
            .set_setting(HIDDEN, if hidden { "1" } else { "0" })
            .await?;
        self.setup_status().await
    }
}
