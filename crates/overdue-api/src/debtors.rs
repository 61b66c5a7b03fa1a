//! Debtor use cases: list, search, show, create, edit, archive.

use overdue_domain::money::decimal_string;
use overdue_domain::{
    letter_language, Address, Contact, Currency, DebtorDraft, DebtorKind, FieldError,
};
use overdue_store::{DebtorQuery, DebtorRecord, DebtorSort, SortDirection};
use rust_decimal::Decimal;
use std::str::FromStr;

use crate::dto::{
    ContactDto, Debtor, DebtorInput, DebtorKindDto, DebtorListQuery, DebtorPage, DebtorRow,
    DebtorSortDto, SortDirectionDto,
};
use crate::{clamp_u32, Api, ApiError};

impl From<DebtorKindDto> for DebtorKind {
    fn from(k: DebtorKindDto) -> Self {
        match k {
            DebtorKindDto::Company => DebtorKind::Company,
            DebtorKindDto::Individual => DebtorKind::Individual,
            DebtorKindDto::SoleTrader => DebtorKind::SoleTrader,
        }
    }
}

impl From<DebtorKind> for DebtorKindDto {
    fn from(k: DebtorKind) -> Self {
        match k {
            DebtorKind::Company => DebtorKindDto::Company,
            DebtorKind::Individual => DebtorKindDto::Individual,
            DebtorKind::SoleTrader => DebtorKindDto::SoleTrader,
        }
    }
}

/// Converts the form into a domain draft, collecting every problem (parse and rule
/// errors alike) so the form can show them all at once.
pub(crate) fn to_draft(input: &DebtorInput) -> Result<DebtorDraft, ApiError> {
    let mut errors = Vec::new();
    let currency = match Currency::from_code(&input.currency) {
        Ok(c) => Some(c),
        Err(e) => {
            errors.push(FieldError::new("currency", capitalise(&e.to_string())));
            None
        }
    };
    let limit_text = input.credit_limit.trim();
    let credit_limit = if limit_text.is_empty() {
        None
    } else {
        match Decimal::from_str(limit_text) {
            Ok(d)
                if limit_text
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == '.' || c == '-') =>
            {
                Some(d)
            }
            _ => {
                errors.push(FieldError::new(
                    "credit_limit",
                    format!("\"{limit_text}\" is not an amount: write it like 5000.00."),
                ));
                None
            }
        }
    };
    let draft = DebtorDraft {
        kind: input.kind.into(),
        name: input.name.trim().to_string(),
        external_ref: input.external_ref.trim().to_string(),
        contacts: input
            .contacts
            .iter()
            .map(|c| Contact {
                name: c.name.trim().into(),
                role: c.role.trim().into(),
                email: c.email.trim().into(),
                phone: c.phone.trim().into(),
            })
            .collect(),
        address: Address {
            lines: input.address_lines.trim().into(),
            postal_code: input.postal_code.trim().into(),
            city: input.city.trim().into(),
            country: input.country.trim().to_ascii_uppercase(),
        },
        // No language chosen: the country's, so a French company is not written to in
        // English.
        language: letter_language(&input.language, &input.country),
        currency: currency.unwrap_or_else(|| Currency::from_code("EUR").expect("EUR is known")),
        payment_terms_days: input.payment_terms_days,
        credit_limit,
        tags: input
            .tags
            .iter()
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect(),
        notes: input.notes.clone(),
    };
    errors.extend(draft.validate().into_iter().filter(|e| {
        // A field that failed to parse is reported once, with the parse message.
        !(e.field == "credit_limit" && credit_limit.is_none())
    }));
    if input.account_manager.chars().count() > 100 {
        errors.push(FieldError::new(
            "account_manager",
            "The account manager's name is too long.",
        ));
    }
    if errors.is_empty() {
        Ok(draft)
    } else {
        Err(ApiError::validation(errors))
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

fn to_dto(r: DebtorRecord) -> Debtor {
    let d = r.draft;
    Debtor {
        id: r.id,
        input: DebtorInput {
            kind: d.kind.into(),
            name: d.name,
            external_ref: d.external_ref,
            contacts: d
                .contacts
                .into_iter()
                .map(|c| ContactDto {
                    name: c.name,
                    role: c.role,
                    email: c.email,
                    phone: c.phone,
                })
                .collect(),
            address_lines: d.address.lines,
            postal_code: d.address.postal_code,
            city: d.address.city,
            country: d.address.country,
            language: d.language,
            currency: d.currency.code().to_string(),
            payment_terms_days: d.payment_terms_days,
            credit_limit: d
                .credit_limit
                .map(|l| decimal_string(l, d.currency.minor_units()))
                .unwrap_or_default(),
            tags: d.tags,
            notes: d.notes,
            account_manager: r.account_manager,
        },
        archived: r.archived_at.is_some(),
        created_at: r.created_at.to_rfc3339(),
        updated_at: r.updated_at.to_rfc3339(),
        version: r.version,
    }
}

impl Api {
    /// One window of the debtor list, sorted and filtered by search text.
    pub async fn debtors_list(&self, q: DebtorListQuery) -> Result<DebtorPage, ApiError> {
        let query = DebtorQuery {
            search: q.search,
            sort: match q.sort {
                DebtorSortDto::Name => DebtorSort::Name,
                DebtorSortDto::Reference => DebtorSort::Reference,
                DebtorSortDto::City => DebtorSort::City,
                DebtorSortDto::Country => DebtorSort::Country,
                DebtorSortDto::OpenBalance => DebtorSort::OpenBalance,
                DebtorSortDto::OverdueBalance => DebtorSort::OverdueBalance,
                DebtorSortDto::Risk => DebtorSort::Risk,
            },
            direction: match q.direction {
                SortDirectionDto::Asc => SortDirection::Asc,
                SortDirectionDto::Desc => SortDirection::Desc,
            },
            offset: i64::from(q.offset),
            limit: i64::from(if q.limit == 0 { 100 } else { q.limit }),
            include_archived: q.include_archived,
            as_of: self.clock().today(),
        };
        let (total, rows) = self.store().await.list_debtors(&query).await?;
        Ok(DebtorPage {
            total: clamp_u32(total),
            offset: q.offset,
            rows: rows
                .into_iter()
                .map(|r| {
                    let places = r.open_balance.currency().minor_units();
                    DebtorRow {
                        id: r.id,
                        kind: r.kind.into(),
                        name: r.name,
                        external_ref: r.external_ref,
                        city: r.city,
                        country: r.country,
                        email: r.email,
                        currency: r.open_balance.currency().code().to_string(),
                        open_balance: decimal_string(r.open_balance.amount(), places),
                        overdue_balance: decimal_string(r.overdue_balance.amount(), places),
                        archived: r.archived,
                        score: r.score,
                        risk_flags: r.risk_flags,
                    }
                })
                .collect(),
        })
    }

    /// One debtor by id.
    pub async fn debtor_get(&self, id: i64) -> Result<Debtor, ApiError> {
        Ok(to_dto(self.store().await.debtor(id).await?))
    }

    /// A debtor's id from the way a user names it: `#42` (the id) or its external
    /// reference. A reference that names no debtor is `NotFound`; `#42` is not checked.
    pub(crate) async fn debtor_id_by_key(&self, key: &str) -> Result<i64, ApiError> {
        match key.trim().strip_prefix('#').map(str::parse::<i64>) {
            Some(Ok(id)) => Ok(id),
            _ => Ok(self.store().await.debtor_id_by_ref(key).await?),
        }
    }

    /// One debtor by its external reference.
    pub async fn debtor_by_ref(&self, external_ref: &str) -> Result<Debtor, ApiError> {
        let store = self.store().await;
        let id = store.debtor_id_by_ref(external_ref).await?;
        Ok(to_dto(store.debtor(id).await?))
    }

    /// Checks a debtor form without saving it: every field's problem, as the save would
    /// report it (none: it would be saved). The window calls it as the user types, so the
    /// rules are the domain's, not a copy.
    pub fn debtor_check(&self, input: &DebtorInput) -> Vec<crate::FieldErrorDto> {
        match to_draft(input) {
            Ok(_) => Vec::new(),
            Err(e) if e.fields.is_empty() => vec![crate::FieldErrorDto {
                field: String::new(),
                message: e.message,
            }],
            Err(e) => e.fields,
        }
    }

    /// Creates a debtor after validating every field.
    pub async fn debtor_create(&self, input: DebtorInput) -> Result<Debtor, ApiError> {
        let draft = to_draft(&input)?;
        let store = self.store().await;
        let id = store
            .create_debtor(&draft, input.account_manager.trim(), self.clock().now())
            .await?;
        Ok(to_dto(store.debtor(id).await?))
    }

    /// Replaces a debtor's details after validating every field.
    ///
    /// `version` is the debtor's version as the editor read it: when someone else saved
    /// the debtor since, nothing is written and the error (`stale`) says who changed what
    /// and when. `None` saves over whatever the debtor is now.
    pub async fn debtor_update(
        &self,
        id: i64,
        input: DebtorInput,
        version: Option<i64>,
    ) -> Result<Debtor, ApiError> {
        let draft = to_draft(&input)?;
        let store = self.store().await;
        match store
            .update_debtor_from(
                id,
                &draft,
                input.account_manager.trim(),
                self.clock().now(),
                version,
            )
            .await
        {
            Err(overdue_store::StoreError::Stale { .. }) => Err(self.debtor_changed(id).await),
            other => other.map_err(ApiError::from),
        }?;
        Ok(to_dto(store.debtor(id).await?))
    }

    /// Who changed a debtor last, and what, as the refusal of a save over their change.
    async fn debtor_changed(&self, id: i64) -> ApiError {
        let key = id.to_string();
        // The newest save of the debtor's own fields (a save also rewrites its search key
        // and version in statements of their own: those say nothing to a person).
        let who = self
            .newest_audit(Some(id), 50, |e| {
                if e.table != "debtors" || e.row_key != key {
                    return None;
                }
                let changes = crate::staff::changes(e.old.as_ref(), e.new.as_ref())
                    .into_iter()
                    .filter(|c| {
                        !["updated_at:", "sort_name:", "version:"]
                            .iter()
                            .any(|f| c.starts_with(f))
                    })
                    .collect::<Vec<_>>();
                (!changes.is_empty()).then(|| {
                    format!(
                        "{} changed this debtor at {} UTC ({})",
                        e.login,
                        e.at.format("%Y-%m-%d %H:%M"),
                        changes.join("; ")
                    )
                })
            })
            .await
            .unwrap_or_else(|| "Someone else changed this debtor".to_string());
        crate::staff::stale_refusal(&who, "debtor")
    }

    /// Archives or restores a debtor.
    pub async fn debtor_set_archived(&self, id: i64, archived: bool) -> Result<Debtor, ApiError> {
        let store = self.store().await;
        store
            .set_debtor_archived(id, archived, self.clock().now())
            .await?;
        Ok(to_dto(store.debtor(id).await?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> DebtorInput {
        DebtorInput {
            kind: DebtorKindDto::Company,
            name: "Dvořák s.r.o.".into(),
            external_ref: "CZ-1".into(),
            contacts: vec![],
            address_lines: "Náměstí 1".into(),
            postal_code: "110 00".into(),
            city: "Praha".into(),
            country: "cz".into(),
            language: "cs".into(),
            currency: "CZK".into(),
            payment_terms_days: 14,
            credit_limit: "".into(),
            tags: vec![],
            notes: String::new(),
            account_manager: String::new(),
        }
    }

    #[test]
    fn bad_currency_and_limit_are_reported_against_their_fields() {
        let mut i = input();
        i.currency = "XXQ".into();
        i.credit_limit = "1,000".into();
        let err = to_draft(&i).unwrap_err();
        let fields: Vec<_> = err.fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, vec!["currency", "credit_limit"], "{err:?}");
        assert!(err.fields[0]
            .message
            .starts_with("Unknown currency \"XXQ\""));
    }

    #[test]
    fn country_is_normalised() {
        assert_eq!(to_draft(&input()).unwrap().address.country, "CZ");
    }
}
