//! The ledger's arithmetic: where a payment goes, and how old the open balances are.
//!
//! Both functions are data in, data out: the store loads the open items, calls
//! [`allocate_payment`] or [`aging_report`], and writes back what they return. Nothing here
//! reads a clock or a database.
//!
//! ## Glossary
//! - **Open item**: an invoice with what is still owed on it ([`OpenItem::open`]).
//! - **Open balance**: invoice amount less allocated payments, credit notes and write-offs,
//!   as of the as-of date.
//! - **Allocation**: the part of a payment applied to one invoice ([`AllocationLine`]).
//! - **Explicit reference**: the invoice the debtor named on the payment (remittance
//!   advice, bank reference); it is paid first.
//! - **Unapplied cash**: what is left of a payment once every open item is paid; it is kept
//!   as a credit on the debtor, never silently dropped.
//! - **Aging bucket**: a band of days past due (or of days since the invoice date), see
//!   [`crate::aging`].
//! - **Aging report**: open balances summed per bucket, per currency and per debtor.
//!
//! ## Conventions
//! - Allocation only moves exact amounts (`min(remaining, open)`), so it needs no rounding:
//!   the lines and the unapplied rest add up to the payment to the last digit.
//! - Order of payment: the explicitly referenced invoice first, then the oldest due date;
//!   ties go to the older issue date, then the lower invoice number (compared naturally, so
//!   `INV-9` comes before `INV-10`), then the lower invoice id.
//! - Aging sums stored balances exactly and rounds nothing, so the buckets always add up to
//!   the total. Amounts are shown with at least the currency's decimals (`0.00`, not `0`).

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::aging::{age_days, AgingBasis, AgingBuckets};
use crate::money::{Currency, Money};

/// Why a payment could not be allocated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    /// The payment is zero or negative; refunds and reversals are not payments.
    #[error("a payment must be more than zero (got {0})")]
    NotPositive(Money),
    /// An open item is in another currency than the payment.
    #[error(
        "the payment is in {payment} but invoice {number} is in {invoice}: \
         a payment can only be applied to invoices in its own currency"
    )]
    CurrencyMismatch {
        /// The invoice's id.
        invoice_id: i64,
        /// The invoice's number, as printed.
        number: String,
        /// The payment's currency.
        payment: Currency,
        /// The invoice's currency.
        invoice: Currency,
    },
    /// The payment names an invoice that is not among the items given.
    #[error("the payment names invoice id {0}, which is not one of this debtor's invoices")]
    UnknownInvoice(i64),
}

/// An invoice with what is still owed on it, as the store loads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenItem {
    /// The invoice's id in the store.
    pub invoice_id: i64,
    /// The invoice number, as printed on the invoice.
    pub number: String,
    /// The date the invoice was issued.
    pub issue_date: NaiveDate,
    /// The date payment was due.
    pub due_date: NaiveDate,
    /// The invoice's original amount.
    pub amount: Money,
    /// What is still owed on it (its open balance).
    pub open: Money,
}

/// The part of a payment applied to one invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllocationLine {
    /// The invoice the amount is applied to.
    pub invoice_id: i64,
    /// The amount applied; never more than the invoice's open balance, never zero.
    pub amount: Money,
}

/// Where a payment goes: invoice by invoice, in the order it was applied, plus the rest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllocationPlan {
    /// One line per invoice that receives money, in the order the payment was applied.
    pub lines: Vec<AllocationLine>,
    /// What no open item could take (an overpayment): kept as a credit on the debtor.
    pub unapplied: Money,
}

impl AllocationPlan {
    /// Sum of the lines (the applied part of the payment).
    pub fn applied(&self) -> Money {
        let amount = self.lines.iter().map(|l| l.amount.amount()).sum();
        Money::new(amount, self.unapplied.currency())
    }
}

/// Applies a payment to a debtor's open items.
///
/// The invoice the payment names (`explicit_invoice`) is paid first, up to its open
/// balance; the rest goes to the other items oldest due date first (ties: issue date, then
/// invoice number, then id). No item receives more than its open balance; items with a
/// zero or negative open balance (paid, or in credit) receive nothing. Whatever is left is
/// [`AllocationPlan::unapplied`].
///
/// Errors: the payment is not above zero; an item is in another currency than the
/// payment (pass the debtor's items in the payment's currency only); the named invoice is
/// not among `items` (pass it even when already paid: it then simply takes nothing).
pub fn allocate_payment(
    payment: &Money,
    items: &[OpenItem],
    explicit_invoice: Option<i64>,
) -> Result<AllocationPlan, LedgerError> {
    if payment.is_negative() || payment.is_zero() {
        return Err(LedgerError::NotPositive(*payment));
    }
    let currency = payment.currency();
    // Checked up front so that a mixed list is refused whole rather than half-allocated.
    if let Some(item) = items.iter().find(|i| i.open.currency() != currency) {
        return Err(LedgerError::CurrencyMismatch {
            invoice_id: item.invoice_id,
            number: item.number.clone(),
            payment: currency,
            invoice: item.open.currency(),
        });
    }

    let explicit_index = match explicit_invoice {
        Some(id) => Some(
            items
                .iter()
                .position(|i| i.invoice_id == id)
                .ok_or(LedgerError::UnknownInvoice(id))?,
        ),
        None => None,
    };
    let mut order: Vec<usize> = (0..items.len())
        .filter(|i| Some(*i) != explicit_index)
        .collect();
    order.sort_by(|a, b| oldest_first(&items[*a], &items[*b]));

    let mut remaining = payment.amount();
    let mut lines = Vec::new();
    for idx in explicit_index.into_iter().chain(order) {
        if remaining.is_zero() {
            break;
        }
        let item = &items[idx];
        let open = item.open.amount();
        if open <= Decimal::ZERO {
            continue;
        }
        let take = remaining.min(open);
        remaining -= take;
        lines.push(AllocationLine {
            invoice_id: item.invoice_id,
            amount: Money::new(take, currency),
        });
    }
    Ok(AllocationPlan {
        lines,
        unapplied: Money::new(remaining, currency),
    })
}

/// Payment order for items without an explicit reference: the debt that has waited
/// longest is settled first, which is also what late-payment interest rewards.
fn oldest_first(a: &OpenItem, b: &OpenItem) -> Ordering {
    a.due_date
        .cmp(&b.due_date)
        .then(a.issue_date.cmp(&b.issue_date))
        .then_with(|| natural_cmp(&a.number, &b.number))
        .then(a.number.cmp(&b.number))
        .then(a.invoice_id.cmp(&b.invoice_id))
}

/// Compares invoice numbers the way people read them: digit runs by value, so `INV-9`
/// sorts before `INV-10` (plain string order would put `INV-10` first).
fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a.chars().peekable(), b.chars().peekable());
    loop {
        match (a.peek().copied(), b.peek().copied()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let take_run = |it: &mut std::iter::Peekable<std::str::Chars<'_>>| {
                    let mut run = String::new();
                    while let Some(c) = it.next_if(|c| c.is_ascii_digit()) {
                        run.push(c);
                    }
                    run
                };
                let (ra, rb) = (take_run(&mut a), take_run(&mut b));
                let (ta, tb) = (ra.trim_start_matches('0'), rb.trim_start_matches('0'));
                // Without leading zeros, a longer run is a larger number.
                match ta.len().cmp(&tb.len()).then_with(|| ta.cmp(tb)) {
                    Ordering::Equal => {}
                    other => return other,
                }
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(&y);
                }
                a.next();
                b.next();
            }
        }
    }
}

/// One open balance to age.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgingItem {
    /// The debtor who owes it.
    pub debtor_id: i64,
    /// The invoice date (the start of age by invoice date).
    pub invoice_date: NaiveDate,
    /// The due date (the start of days past due).
    pub due_date: NaiveDate,
    /// The open balance as of the report date.
    pub open: Money,
}

/// The amount in one aging bucket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketAmount {
    /// The bucket's label, e.g. `current`, `1-30`, `90+` (shared by every row of a
    /// report: a 50,000-debtor aging would otherwise copy each label 50,000 times).
    pub label: Arc<str>,
    /// The open balances that fall in it.
    pub amount: Money,
}

/// Bucket totals for one currency across all debtors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrencyAging {
    /// The currency of every amount in this entry.
    pub currency: Currency,
    /// Every bucket, in label order, zero ones included.
    pub buckets: Vec<BucketAmount>,
    /// Sum of the buckets (equal to the sum of the open balances).
    pub total: Money,
}

impl CurrencyAging {
    /// The amount in the bucket with this label, if there is such a bucket.
    pub fn bucket(&self, label: &str) -> Option<Money> {
        find_bucket(&self.buckets, label)
    }
}

/// Bucket totals for one debtor in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DebtorAging {
    /// The debtor.
    pub debtor_id: i64,
    /// The currency of every amount in this row.
    pub currency: Currency,
    /// Every bucket, in label order, zero ones included.
    pub buckets: Vec<BucketAmount>,
    /// Sum of the buckets (equal to the sum of the debtor's open balances in the currency).
    pub total: Money,
}

impl DebtorAging {
    /// The amount in the bucket with this label, if there is such a bucket.
    pub fn bucket(&self, label: &str) -> Option<Money> {
        find_bucket(&self.buckets, label)
    }
}

fn find_bucket(buckets: &[BucketAmount], label: &str) -> Option<Money> {
    buckets
        .iter()
        .find(|b| &*b.label == label)
        .map(|b| b.amount)
}

/// Open balances by age, as of a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgingReport {
    /// The date ages are measured to.
    pub as_of: NaiveDate,
    /// What ages are measured from (due date or invoice date).
    pub basis: AgingBasis,
    /// The bucket labels, in order; every bucket list in the report follows it.
    pub labels: Vec<String>,
    /// One entry per currency, in currency-code order.
    pub totals: Vec<CurrencyAging>,
    /// One row per debtor and currency, by debtor id then currency code.
    pub rows: Vec<DebtorAging>,
}

/// Sums open balances into aging buckets, per currency and per debtor and currency.
///
/// Items with a zero open balance are left out (they create no row). A negative open
/// balance (a credit on an invoice) is aged like any other, so that each bucket list
/// always adds up to the sum of the open balances it covers. Currencies are never mixed:
/// each gets its own totals and each debtor one row per currency.
pub fn aging_report(
    items: &[AgingItem],
    as_of: NaiveDate,
    basis: AgingBasis,
    buckets: &AgingBuckets,
) -> AgingReport {
    let labels = buckets.labels(basis);
    let shared: Vec<Arc<str>> = labels.iter().map(|l| Arc::from(l.as_str())).collect();
    let width = labels.len();
    // Plain Decimal sums: balances come from i64 minor units, so no sum of them can reach
    // Decimal's range, and grouping by currency first rules out a currency mismatch. Each
    // debtor and currency gets a slot of `width` sums in one vector, found by a hash
    // lookup (a report may have 50,000 debtors and 250,000 items); rows are sorted once.
    let mut slots: HashMap<(i64, Currency), usize> = HashMap::new();
    let mut keys: Vec<(i64, Currency)> = Vec::new();
    let mut sums: Vec<Decimal> = Vec::new();
    for item in items.iter().filter(|i| !i.open.is_zero()) {
        let days = age_days(basis, item.invoice_date, item.due_date, as_of);
        let idx = buckets.index(basis, days);
        let key = (item.debtor_id, item.open.currency());
        let slot = *slots.entry(key).or_insert_with(|| {
            keys.push(key);
            sums.resize(sums.len() + width, Decimal::ZERO);
            keys.len() - 1
        });
        sums[slot * width + idx] += item.open.amount();
    }
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_unstable_by_key(|&i| keys[i]);
    let mut by_currency: BTreeMap<Currency, Vec<Decimal>> = BTreeMap::new();
    let rows = order
        .into_iter()
        .map(|i| {
            let (debtor_id, currency) = keys[i];
            let row = &sums[i * width..(i + 1) * width];
            let total = by_currency
                .entry(currency)
                .or_insert_with(|| vec![Decimal::ZERO; width]);
            for (t, s) in total.iter_mut().zip(row) {
                *t += *s;
            }
            let (buckets, total) = bucket_list(&shared, row, currency);
            DebtorAging {
                debtor_id,
                currency,
                buckets,
                total,
            }
        })
        .collect();
    let totals = by_currency
        .into_iter()
        .map(|(currency, sums)| {
            let (buckets, total) = bucket_list(&shared, &sums, currency);
            CurrencyAging {
                currency,
                buckets,
                total,
            }
        })
        .collect();
    AgingReport {
        as_of,
        basis,
        labels,
        totals,
        rows,
    }
}

fn bucket_list(
    labels: &[Arc<str>],
    sums: &[Decimal],
    currency: Currency,
) -> (Vec<BucketAmount>, Money) {
    let buckets = labels
        .iter()
        .zip(sums)
        .map(|(label, sum)| BucketAmount {
            label: label.clone(),
            amount: display_money(*sum, currency),
        })
        .collect();
    (buckets, display_money(sums.iter().sum(), currency))
}

/// Widens the scale to the currency's decimals so a zero bucket reads `0.00`, not `0`;
/// only ever widens, so the value is unchanged.
fn display_money(amount: Decimal, currency: Currency) -> Money {
    let mut amount = amount;
    if amount.scale() < currency.minor_units() {
        amount.rescale(currency.minor_units());
    }
    Money::new(amount, currency)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    fn eur() -> Currency {
        Currency::from_code("EUR").unwrap()
    }

    fn gbp() -> Currency {
        Currency::from_code("GBP").unwrap()
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn money(text: &str) -> Money {
        Money::parse(text, eur()).unwrap()
    }

    fn item(id: i64, number: &str, issue: &str, due: &str, open: &str) -> OpenItem {
        OpenItem {
            invoice_id: id,
            number: number.to_string(),
            issue_date: d(issue),
            due_date: d(due),
            amount: money(open),
            open: money(open),
        }
    }

    fn amounts(plan: &AllocationPlan) -> Vec<(i64, Decimal)> {
        plan.lines
            .iter()
            .map(|l| (l.invoice_id, l.amount.amount()))
            .collect()
    }

    /// AGE-A1..A7 from vectors.txt: (invoice date, due, open, bucket by due, bucket by invoice).
    const AGE_VECTORS: [(&str, &str, &str, &str, &str); 7] = [
        ("2026-03-20", "2026-04-19", "1000.00", "current", "0-30"),
        ("2026-02-14", "2026-03-16", "2000.00", "1-30", "31-60"),
        ("2026-01-05", "2026-02-04", "3000.00", "31-60", "61-90"),
        ("2025-12-01", "2025-12-31", "4000.00", "61-90", "90+"),
        ("2025-11-15", "2025-12-15", "5000.00", "90+", "90+"),
        ("2026-03-01", "2026-03-31", "600.00", "current", "0-30"),
        ("2025-12-31", "2026-01-30", "700.00", "31-60", "61-90"),
    ];

    fn vector_items() -> Vec<AgingItem> {
        AGE_VECTORS
            .iter()
            .enumerate()
            .map(|(n, (inv, due, open, _, _))| AgingItem {
                debtor_id: n as i64 + 1,
                invoice_date: d(inv),
                due_date: d(due),
                open: money(open),
            })
            .collect()
    }

    fn labelled(buckets: &[BucketAmount]) -> Vec<(String, String)> {
        buckets
            .iter()
            .map(|b| (b.label.to_string(), b.amount.amount().to_string()))
            .collect()
    }

    fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
        expected
            .iter()
            .map(|(l, a)| (l.to_string(), a.to_string()))
            .collect()
    }

    #[test]
    fn age_vectors_land_in_their_buckets_through_the_report() {
        let items = vector_items();
        let as_of = d("2026-03-31");
        let buckets = AgingBuckets::default();
        for (basis, pick) in [(AgingBasis::Due, 3usize), (AgingBasis::Invoice, 4)] {
            let report = aging_report(&items, as_of, basis, &buckets);
            assert_eq!(report.rows.len(), 7, "one row per debtor");
            for (row, vector) in report.rows.iter().zip(AGE_VECTORS.iter()) {
                let expected_label = if pick == 3 { vector.3 } else { vector.4 };
                for b in &row.buckets {
                    let expected = if &*b.label == expected_label {
                        money(vector.2)
                    } else {
                        money("0.00")
                    };
                    assert_eq!(
                        b.amount, expected,
                        "debtor {} by {basis:?}: bucket {} must hold only its vector's item",
                        row.debtor_id, b.label
                    );
                }
                assert_eq!(row.total, money(vector.2));
            }
        }
    }

    #[test]
    fn age_total_by_due_date() {
        let report = aging_report(
            &vector_items(),
            d("2026-03-31"),
            AgingBasis::Due,
            &AgingBuckets::default(),
        );
        assert_eq!(report.totals.len(), 1);
        let eur_totals = &report.totals[0];
        assert_eq!(
            labelled(&eur_totals.buckets),
            pairs(&[
                ("current", "1600.00"),
                ("1-30", "2000.00"),
                ("31-60", "3700.00"),
                ("61-90", "4000.00"),
                ("90+", "5000.00"),
            ]),
            "AGE-TOTAL by_due"
        );
        assert_eq!(eur_totals.total.amount().to_string(), "16300.00");
    }

    #[test]
    fn age_total_by_invoice_date() {
        let report = aging_report(
            &vector_items(),
            d("2026-03-31"),
            AgingBasis::Invoice,
            &AgingBuckets::default(),
        );
        let eur_totals = &report.totals[0];
        assert_eq!(
            labelled(&eur_totals.buckets),
            pairs(&[
                ("0-30", "1600.00"),
                ("31-60", "2000.00"),
                ("61-90", "3700.00"),
                ("90+", "9000.00")
            ]),
            "AGE-TOTAL by_invoice_date"
        );
        assert_eq!(eur_totals.total.amount().to_string(), "16300.00");
        assert_eq!(report.labels, vec!["0-30", "31-60", "61-90", "90+"]);
    }

    #[test]
    fn every_label_is_present_even_when_zero() {
        let items = &vector_items()[..1];
        let report = aging_report(
            items,
            d("2026-03-31"),
            AgingBasis::Due,
            &AgingBuckets::default(),
        );
        assert_eq!(
            labelled(&report.rows[0].buckets),
            pairs(&[
                ("current", "1000.00"),
                ("1-30", "0.00"),
                ("31-60", "0.00"),
                ("61-90", "0.00"),
                ("90+", "0.00"),
            ]),
            "a report must show empty buckets as 0.00 so columns line up"
        );
        assert_eq!(report.totals[0].bucket("90+"), Some(money("0.00")));
        assert_eq!(report.totals[0].bucket("nope"), None);
    }

    #[test]
    fn zero_balances_are_ignored_and_currencies_are_kept_apart() {
        let mut items = vector_items();
        items[0].open = money("0.00");
        items.push(AgingItem {
            debtor_id: 2,
            invoice_date: d("2026-03-01"),
            due_date: d("2026-03-10"),
            open: Money::parse("250.00", gbp()).unwrap(),
        });
        let report = aging_report(
            &items,
            d("2026-03-31"),
            AgingBasis::Due,
            &AgingBuckets::default(),
        );
        assert!(
            report.rows.iter().all(|r| r.debtor_id != 1),
            "a paid item creates no row"
        );
        let codes: Vec<_> = report
            .totals
            .iter()
            .map(|t| t.currency.code().to_string())
            .collect();
        assert_eq!(
            codes,
            vec!["EUR", "GBP"],
            "one total per currency, in code order"
        );
        assert_eq!(report.totals[0].total, money("15300.00"));
        assert_eq!(
            report.totals[1].total,
            Money::parse("250.00", gbp()).unwrap()
        );
        let debtor2: Vec<_> = report.rows.iter().filter(|r| r.debtor_id == 2).collect();
        assert_eq!(
            debtor2.len(),
            2,
            "a debtor owing in two currencies gets two rows"
        );
        assert_eq!(
            debtor2[1].bucket("1-30"),
            Some(Money::parse("250.00", gbp()).unwrap())
        );
    }

    #[test]
    fn custom_buckets_are_used() {
        let buckets = AgingBuckets::parse("15,30").unwrap();
        let report = aging_report(&vector_items(), d("2026-03-31"), AgingBasis::Due, &buckets);
        assert_eq!(
            labelled(&report.totals[0].buckets),
            pairs(&[
                ("current", "1600.00"),
                ("1-15", "2000.00"),
                ("16-30", "0.00"),
                ("30+", "12700.00")
            ])
        );
    }

    #[test]
    fn empty_input_gives_an_empty_report() {
        let report = aging_report(
            &[],
            d("2026-03-31"),
            AgingBasis::Due,
            &AgingBuckets::default(),
        );
        assert!(report.totals.is_empty() && report.rows.is_empty());
        assert_eq!(
            report.labels.len(),
            5,
            "the labels are known even with nothing to age"
        );
    }

    #[test]
    fn explicit_reference_wins_over_age() {
        let items = vec![
            item(1, "INV-1", "2025-12-01", "2025-12-31", "400.00"),
            item(2, "INV-2", "2026-02-01", "2026-03-01", "300.00"),
        ];
        let plan = allocate_payment(&money("500.00"), &items, Some(2)).unwrap();
        assert_eq!(
            amounts(&plan),
            vec![(2, dec!(300.00)), (1, dec!(200.00))],
            "the invoice the debtor named is paid first, the rest goes to the oldest"
        );
        assert!(plan.unapplied.is_zero());
    }

    #[test]
    fn explicit_reference_takes_at_most_its_open_balance_and_a_small_payment_stays_on_it() {
        let items = vec![
            item(1, "INV-1", "2025-12-01", "2025-12-31", "400.00"),
            item(2, "INV-2", "2026-02-01", "2026-03-01", "300.00"),
        ];
        let plan = allocate_payment(&money("120.00"), &items, Some(2)).unwrap();
        assert_eq!(amounts(&plan), vec![(2, dec!(120.00))]);
    }

    #[test]
    fn oldest_due_first_then_issue_date_then_number() {
        let items = vec![
            item(10, "INV-10", "2026-01-01", "2026-02-01", "100.00"),
            item(9, "INV-9", "2026-01-01", "2026-02-01", "100.00"),
            item(8, "INV-8", "2025-12-31", "2026-02-01", "100.00"),
            item(7, "INV-7", "2026-01-15", "2026-03-01", "100.00"),
            item(6, "INV-6", "2025-11-01", "2026-01-01", "100.00"),
        ];
        let plan = allocate_payment(&money("450.00"), &items, None).unwrap();
        assert_eq!(
            amounts(&plan),
            vec![
                (6, dec!(100.00)),
                (8, dec!(100.00)),
                (9, dec!(100.00)),
                (10, dec!(100.00)),
                (7, dec!(50.00))
            ],
            "due date, then issue date, then invoice number read as a number"
        );
    }

    #[test]
    fn overpayment_is_kept_as_unapplied_credit() {
        let items = vec![item(1, "A", "2026-01-01", "2026-02-01", "100.00")];
        let plan = allocate_payment(&money("150.00"), &items, None).unwrap();
        assert_eq!(amounts(&plan), vec![(1, dec!(100.00))]);
        assert_eq!(
            plan.unapplied,
            money("50.00"),
            "an overpayment is the debtor's money"
        );
        assert_eq!(plan.applied(), money("100.00"));
        let none = allocate_payment(&money("80.00"), &[], None).unwrap();
        assert!(none.lines.is_empty());
        assert_eq!(
            none.unapplied,
            money("80.00"),
            "with nothing open, all of it is credit"
        );
    }

    #[test]
    fn paid_and_credit_items_take_nothing() {
        let items = vec![
            item(1, "A", "2025-01-01", "2025-02-01", "0.00"),
            item(2, "B", "2025-01-02", "2025-02-02", "-20.00"),
            item(3, "C", "2025-01-03", "2025-02-03", "50.00"),
        ];
        let plan = allocate_payment(&money("60.00"), &items, Some(1)).unwrap();
        assert_eq!(amounts(&plan), vec![(3, dec!(50.00))]);
        assert_eq!(plan.unapplied, money("10.00"));
    }

    #[test]
    fn refused_payments_say_why() {
        let items = vec![item(1, "INV-1", "2026-01-01", "2026-02-01", "100.00")];
        let err = allocate_payment(&money("0.00"), &items, None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "a payment must be more than zero (got 0.00 EUR)"
        );
        assert!(matches!(
            allocate_payment(&money("-5.00"), &items, None),
            Err(LedgerError::NotPositive(_))
        ));

        let pounds = Money::parse("10.00", gbp()).unwrap();
        let err = allocate_payment(&pounds, &items, None).unwrap_err();
        assert!(
            matches!(err, LedgerError::CurrencyMismatch { invoice_id: 1, .. }),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            "the payment is in GBP but invoice INV-1 is in EUR: \
             a payment can only be applied to invoices in its own currency"
        );

        let err = allocate_payment(&money("10.00"), &items, Some(99)).unwrap_err();
        assert_eq!(err, LedgerError::UnknownInvoice(99));
    }

    #[test]
    fn natural_order_of_invoice_numbers() {
        assert_eq!(natural_cmp("INV-9", "INV-10"), Ordering::Less);
        assert_eq!(natural_cmp("INV-010", "INV-9"), Ordering::Greater);
        assert_eq!(natural_cmp("A", "B"), Ordering::Less);
        assert_eq!(natural_cmp("2026-7", "2026-7a"), Ordering::Less);
        assert_eq!(
            natural_cmp("07", "7"),
            Ordering::Equal,
            "plain order then breaks the tie"
        );
    }

    fn arb_items() -> impl Strategy<Value = Vec<OpenItem>> {
        proptest::collection::vec((0i64..400, 0i64..60, -5_000i64..2_000_000, 0u8..3), 0..12)
            .prop_map(|raw| {
                raw.into_iter()
                    .enumerate()
                    .map(|(n, (issue_offset, terms, cents, kind))| {
                        let issue = d("2025-01-01") + chrono::Duration::days(issue_offset);
                        // Some paid-off items and a few credits, as real ledgers have.
                        let open_cents = match kind {
                            0 => 0,
                            _ => cents,
                        };
                        OpenItem {
                            invoice_id: n as i64 + 1,
                            number: format!("INV-{}", 100 - n),
                            issue_date: issue,
                            due_date: issue + chrono::Duration::days(terms),
                            amount: Money::from_minor_units(cents.abs(), eur()),
                            open: Money::from_minor_units(open_cents, eur()),
                        }
                    })
                    .collect()
            })
    }

    proptest! {
        #[test]
        fn allocation_never_exceeds_open_and_adds_up_to_the_payment(
            items in arb_items(),
            payment_cents in 1i64..5_000_000,
            pick in proptest::option::of(0usize..12),
        ) {
            let payment = Money::from_minor_units(payment_cents, eur());
            let explicit = pick.filter(|p| *p < items.len()).map(|p| items[p].invoice_id);
            let plan = allocate_payment(&payment, &items, explicit).unwrap();

            let mut seen = std::collections::HashSet::new();
            for line in &plan.lines {
                let it = items.iter().find(|i| i.invoice_id == line.invoice_id).unwrap();
                prop_assert!(line.amount.amount() > Decimal::ZERO, "no empty or negative lines");
                prop_assert!(line.amount.amount() <= it.open.amount(),
                    "an invoice must never be paid beyond its open balance");
                prop_assert!(seen.insert(line.invoice_id), "one line per invoice");
            }
            prop_assert!(!plan.unapplied.is_negative());
            prop_assert_eq!(plan.applied().checked_add(&plan.unapplied).unwrap(), payment,
                "every cent of the payment is either applied or kept as credit");

            if let Some(id) = explicit {
                let it = items.iter().find(|i| i.invoice_id == id).unwrap();
                if it.open.amount() > Decimal::ZERO {
                    let want = payment.amount().min(it.open.amount());
                    prop_assert_eq!(plan.lines[0].invoice_id, id, "the named invoice is paid first");
                    prop_assert_eq!(plan.lines[0].amount.amount(), want, "and as fully as possible");
                }
            }
            if !plan.unapplied.is_zero() {
                for it in items.iter().filter(|i| i.open.amount() > Decimal::ZERO) {
                    let got = plan.lines.iter().find(|l| l.invoice_id == it.invoice_id);
                    prop_assert_eq!(got.map(|l| l.amount), Some(it.open),
                        "credit is left over only when every open item is fully paid");
                }
            }
            // Oldest first: every line but the last pays its invoice off completely.
            for line in plan.lines.iter().rev().skip(1) {
                let it = items.iter().find(|i| i.invoice_id == line.invoice_id).unwrap();
                prop_assert_eq!(line.amount, it.open, "only the last line may be partial");
            }
        }

        #[test]
        fn buckets_always_add_up_to_the_open_balances(
            raw in proptest::collection::vec(
                (1i64..5, -200i64..400, 0i64..90, -1_000_000i64..10_000_000, any::<bool>()),
                0..40,
            ),
            by_invoice in any::<bool>(),
        ) {
            let as_of = d("2026-03-31");
            let items: Vec<AgingItem> = raw
                .iter()
                .map(|(debtor, age, terms, cents, pounds)| {
                    let invoice_date = as_of - chrono::Duration::days(*age);
                    AgingItem {
                        debtor_id: *debtor,
                        invoice_date,
                        due_date: invoice_date + chrono::Duration::days(*terms),
                        open: Money::from_minor_units(*cents, if *pounds { gbp() } else { eur() }),
                    }
                })
                .collect();
            let basis = if by_invoice { AgingBasis::Invoice } else { AgingBasis::Due };
            let buckets = AgingBuckets::default();
            let report = aging_report(&items, as_of, basis, &buckets);
            let labels = buckets.labels(basis);

            for t in &report.totals {
                let open: Decimal =
                    items.iter().filter(|i| i.open.currency() == t.currency).map(|i| i.open.amount()).sum();
                let in_buckets: Decimal = t.buckets.iter().map(|b| b.amount.amount()).sum();
                prop_assert_eq!(in_buckets, open, "buckets must add up to the open balances");
                prop_assert_eq!(t.total.amount(), open);
                let got: Vec<_> = t.buckets.iter().map(|b| b.label.to_string()).collect();
                prop_assert_eq!(&got, &labels, "every label, in order");
                let rows: Decimal = report
                    .rows
                    .iter()
                    .filter(|r| r.currency == t.currency)
                    .map(|r| r.total.amount())
                    .sum();
                prop_assert_eq!(rows, open, "debtor rows add up to the currency total");
            }
            for r in &report.rows {
                let open: Decimal = items
                    .iter()
                    .filter(|i| i.debtor_id == r.debtor_id && i.open.currency() == r.currency)
                    .map(|i| i.open.amount())
                    .sum();
                let in_buckets: Decimal = r.buckets.iter().map(|b| b.amount.amount()).sum();
                prop_assert_eq!(in_buckets, open);
                prop_assert_eq!(r.total.amount(), open);
            }
            let covered: usize = items.iter().filter(|i| !i.open.is_zero()).count();
            prop_assert_eq!(report.totals.is_empty(), covered == 0);
        }
    }
}

/// The largest amount one invoice, payment or credit note may carry: 999,999,999,999.99
/// (a trillion less a cent). Sums of a whole book of such amounts stay far inside what the
/// ledger's 64-bit minor units hold, so no total can overflow.
pub const MAX_AMOUNT: rust_decimal::Decimal =
    rust_decimal::Decimal::from_parts(276_447_231, 23_283, 0, false, 2);

/// Why an amount entered or imported is refused as too large, if it is.
pub fn amount_problem(amount: &crate::Money) -> Option<String> {
    (amount.amount().abs() > MAX_AMOUNT).then(|| {
        format!(
            "{} is more than the largest amount Overdue keeps ({} {})",
            amount,
            crate::money::decimal_string(MAX_AMOUNT, 2),
            amount.currency()
        )
    })
}

/// The first and last dates a document may carry (1 January 1900 to 31 December 2199): a
/// date outside is a typing error, not a business date.
pub const DATE_RANGE: (chrono::NaiveDate, chrono::NaiveDate) = (
    match chrono::NaiveDate::from_ymd_opt(1900, 1, 1) {
        Some(d) => d,
        None => chrono::NaiveDate::MIN,
    },
    match chrono::NaiveDate::from_ymd_opt(2199, 12, 31) {
        Some(d) => d,
        None => chrono::NaiveDate::MAX,
    },
);

/// Why a date entered or imported is refused as out of range, if it is.
/// Reads a date typed as `YYYY-MM-DD`; the message says what is wrong: the shape, or a
/// day the calendar does not have ("February 2026 has 28 days"), or a year out of range.
pub fn parse_iso_date(text: &str) -> Result<chrono::NaiveDate, String> {
    use chrono::Datelike;
    let t = text.trim();
    let parts: Vec<&str> = t.split('-').collect();
    let shaped = t.len() == 10
        && parts.len() == 3
        && [4, 2, 2] == [parts[0].len(), parts[1].len(), parts[2].len()]
        && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()));
    if !shaped {
        return Err(format!(
            "\"{t}\" is not a date: write it as YYYY-MM-DD, e.g. 2026-03-31"
        ));
    }
    let (y, m, d): (i32, u32, u32) = (
        parts[0].parse().unwrap_or(0),
        parts[1].parse().unwrap_or(0),
        parts[2].parse().unwrap_or(0),
    );
    let Some(first) = chrono::NaiveDate::from_ymd_opt(y, m.clamp(1, 12), 1) else {
        return Err(format!(
            "{t} is outside the dates Overdue accepts (1900-01-01 to 2199-12-31)"
        ));
    };
    if !(1..=12).contains(&m) {
        return Err(format!(
            "{t} is not a day in the calendar: there is no month {m}"
        ));
    }
    let Some(date) = chrono::NaiveDate::from_ymd_opt(y, m, d) else {
        let days = first
            .checked_add_months(chrono::Months::new(1))
            .and_then(|n| n.pred_opt())
            .map_or(31, |last| last.day());
        return Err(format!(
            "{t} is not a day in the calendar: {} {y} has {days} days",
            first.format("%B")
        ));
    };
    match date_problem(date) {
        Some(p) => Err(p),
        None => Ok(date),
    }
}

/// Why a date is refused, if it is outside the dates Overdue accepts.
pub fn date_problem(date: chrono::NaiveDate) -> Option<String> {
    (date < DATE_RANGE.0 || date > DATE_RANGE.1)
        .then(|| format!("{date} is outside the dates Overdue accepts (1900-01-01 to 2199-12-31)"))
}

#[cfg(test)]
mod bounds {
    use super::*;
    use crate::{Currency, Money};

    #[test]
    fn dates_say_what_is_wrong_with_them() {
        assert_eq!(
            parse_iso_date(" 2026-02-28 ").unwrap(),
            chrono::NaiveDate::from_ymd_opt(2026, 2, 28).unwrap()
        );
        assert_eq!(
            parse_iso_date("2026-02-31").unwrap_err(),
            "2026-02-31 is not a day in the calendar: February 2026 has 28 days"
        );
        assert_eq!(
            parse_iso_date("2028-02-30").unwrap_err(),
            "2028-02-30 is not a day in the calendar: February 2028 has 29 days"
        );
        assert_eq!(
            parse_iso_date("2026-13-01").unwrap_err(),
            "2026-13-01 is not a day in the calendar: there is no month 13"
        );
        assert!(parse_iso_date("31.12.2026")
            .unwrap_err()
            .contains("write it as YYYY-MM-DD"));
        assert!(parse_iso_date("1850-01-01")
            .unwrap_err()
            .contains("outside the dates"));
    }

    #[test]
    fn the_largest_amount_is_a_trillion_less_a_cent() {
        assert_eq!(MAX_AMOUNT.to_string(), "999999999999.99");
        let eur = Currency::from_code("EUR").unwrap();
        assert!(amount_problem(&Money::parse("999999999999.99", eur).unwrap()).is_none());
        assert!(amount_problem(&Money::parse("50000000000000000.00", eur).unwrap()).is_some());
    }

    #[test]
    fn dates_from_1900_to_2199() {
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert!(date_problem(d("1900-01-01")).is_none());
        assert!(date_problem(d("2199-12-31")).is_none());
        assert!(date_problem(d("0000-01-01")).is_some());
        assert!(date_problem(d("9999-12-31")).is_some());
    }
}
