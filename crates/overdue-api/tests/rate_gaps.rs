//! The rate table's gaps are named only for the reference rates the book's debtors are
//! charged on (issue 14): a German-only office is told about the Basiszinssatz, not about
//! the Bank of England's rate; a British debtor brings the BoE rate in; a debtor with no
//! interest claimed brings nothing.

#[path = "support/book.rs"]
mod book;

use book::{debtor, open};
use overdue_api::dto::DebtorKindDto::Company;
use overdue_api::latefees::LateFeePolicyDto;

#[tokio::test]
async fn only_the_rates_the_book_uses_are_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(dir.path().join("g.db").to_str().unwrap(), (2027, 1, 5)).await;
    let day = chrono::NaiveDate::from_ymd_opt(2027, 1, 5).unwrap();
    assert!(
        api.rate_gaps(day).await.unwrap().is_empty(),
        "an empty book uses no rate"
    );
    debtor(&api, Company, "D1", "Müller GmbH", "de", "DE", "EUR").await;
    let gaps = api.rate_gaps(day).await.unwrap();
    assert_eq!(gaps.len(), 1, "{gaps:?}");
    assert!(gaps[0].contains("Basiszinssatz"), "{gaps:?}");
    let gb = debtor(&api, Company, "G1", "Taylor Ltd", "en", "GB", "GBP").await;
    let gaps = api.rate_gaps(day).await.unwrap();
    assert_eq!(gaps.len(), 2, "{gaps:?}");
    assert!(
        gaps.iter().any(|g| g.contains("Bank of England")),
        "{gaps:?}"
    );
    // No interest claimed from the British debtor: its rate is not needed.
    api.late_fee_set(
        gb,
        Some(LateFeePolicyDto {
            kind: "none".into(),
            ..Default::default()
        }),
    )
    .await
    .unwrap();
    let gaps = api.rate_gaps(day).await.unwrap();
    assert_eq!(gaps.len(), 1, "{gaps:?}");
    assert!(gaps[0].contains("Basiszinssatz"), "{gaps:?}");
}
