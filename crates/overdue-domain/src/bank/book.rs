//! [`MatchBook`]: the open invoices and debtors a statement is matched against, indexed
//! once so that matching one entry never walks the whole book.

use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::{Currency, Money};

use super::keys::{name_tokens, normalise_iban, tail_digits};
use super::rf::{self, compress_into};

/// The matcher's hash maps: seeded foldhash, several times faster than SipHash on the
/// short keys they hold.
pub(crate) type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

fn map_with<K, V>(capacity: usize) -> HashMap<K, V> {
    HashMap::with_capacity_and_hasher(capacity, foldhash::fast::RandomState::default())
}

/// One open invoice the matcher may allocate to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenInvoice {
    /// The invoice's database id.
    pub id: i64,
    /// The debtor it is owed by.
    pub debtor_id: i64,
    /// The invoice number as printed (`"INV-1042"`).
    pub number: String,
    /// The invoice's currency; a payment in another currency is never allocated to it.
    pub currency: Currency,
    /// What is still open, in currency units (`120.50`); above zero for an open invoice
    /// (an invoice at zero or below is known to [`MatchBook::open_of`] but never offered).
    pub open: Decimal,
    /// When it is due; older invoices are paid first.
    pub due_date: NaiveDate,
    /// Disputed or on hold: still matchable, but never applied automatically (a reason
    /// says so).
    pub paused: bool,
}

/// A debtor as the matcher knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DebtorProfile {
    /// The debtor's database id.
    pub id: i64,
    /// The debtor's name as kept in Overdue (`"Müller GmbH"`).
    pub name: String,
    /// IBANs the debtor pays from, stored and learned (normalised again on building, so
    /// spaces and lowercase do no harm).
    pub ibans: Vec<String>,
    /// Payment-plan installments due or next due.
    pub installments_due: Vec<Money>,
}

/// A posting list of indices; most keys name one thing, so that case allocates nothing.
#[derive(Debug, Clone)]
pub(crate) enum Postings {
    One(u32),
    Many(Vec<u32>),
}

impl Postings {
    fn push(&mut self, i: u32) {
        match self {
            Postings::One(first) => *self = Postings::Many(vec![*first, i]),
            Postings::Many(v) => v.push(i),
        }
    }

    fn remove(&mut self, i: u32) -> bool {
        match self {
            Postings::One(only) => *only == i,
            Postings::Many(v) => {
                if let Some(pos) = v.iter().position(|x| *x == i) {
                    v.remove(pos);
                }
                v.is_empty()
            }
        }
    }

    pub(crate) fn as_slice(&self) -> &[u32] {
        match self {
            Postings::One(i) => std::slice::from_ref(i),
            Postings::Many(v) => v,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.as_slice().len()
    }
}

fn post<K: std::hash::Hash + Eq>(map: &mut HashMap<K, Postings>, key: K, i: u32) {
    map.entry(key)
        .and_modify(|p| p.push(i))
        .or_insert(Postings::One(i));
}

/// The last digit run of a number (leading zeros stripped) as a hash key: up to 19
/// digits as their value (no leading zero, so the value names one run), longer as text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum TailKey {
    Value(u64),
    Text(Box<str>),
}

impl TailKey {
    fn of(digits: &str) -> TailKey {
        match digits.parse::<u64>() {
            Ok(v) if digits.len() <= 19 => TailKey::Value(v),
            _ => TailKey::Text(Box::from(digits)),
        }
    }
}

/// The amount-index key: the same number of any scale is one key (`120.5` = `120.50`).
pub(crate) fn amount_key(currency: Currency, amount: Decimal) -> (Currency, Decimal) {
    (currency, amount.normalize())
}

/// The book to match a statement against: open invoices and debtors, indexed once.
///
/// Building is linear in the number of invoices and debtors (hash maps keyed by the
/// number's last digit run, IBAN, name token and open amount), plus one sort of the
/// invoice numbers, which serves both RF bodies (an equal number) and numbers cut off at
/// the end of a remittance text (a longer number starting with the text). Matching one entry then costs about the length of its texts
/// plus the candidates they name, never a walk over the book.
///
/// An invoice id given twice keeps the first; so does a debtor id. Invoices of a debtor
/// without a [`DebtorProfile`] are still matched (reasons call it "debtor #id").
pub struct MatchBook {
    pub(crate) invoices: Vec<OpenInvoice>,
    /// Uppercase letters and digits of every invoice number (accents transliterated),
    /// one after the other; invoice `i`'s ends at `number_end[i]`.
    numbers: String,
    number_end: Vec<u32>,
    /// Open balance now, after [`MatchBook::take`].
    pub(crate) open: Vec<Decimal>,
    pub(crate) by_id: HashMap<i64, u32>,
    pub(crate) debtors: Vec<DebtorProfile>,
    pub(crate) debtor_by_id: HashMap<i64, u32>,
    /// Each debtor profile's name tokens (see `keys::name_tokens`).
    pub(crate) debtor_tokens: Vec<Vec<String>>,
    /// All invoices by debtor, each debtor's oldest due first (then by id); a debtor's
    /// run is `debtor_runs[debtor_id]` (start, end).
    by_debtor: Vec<u32>,
    debtor_runs: HashMap<i64, (u32, u32)>,
    /// Last digit run of the number's key -> invoices.
    by_tail: HashMap<TailKey, Postings>,
    /// Invoices sorted by compressed number (then id): RF bodies and numbers cut off.
    pub(crate) by_number: Vec<u32>,
    pub(crate) by_iban: HashMap<String, Postings>,
    pub(crate) by_token: HashMap<String, Postings>,
    /// (currency, open now) -> open invoices with exactly that balance.
    pub(crate) by_amount: HashMap<(Currency, Decimal), Postings>,
}

impl fmt::Debug for MatchBook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MatchBook")
            .field("invoices", &self.invoices.len())
            .field("debtors", &self.debtors.len())
            .finish_non_exhaustive()
    }
}

impl MatchBook {
    /// Indexes the open invoices and debtors.
    pub fn new(invoices: Vec<OpenInvoice>, debtors: Vec<DebtorProfile>) -> MatchBook {
        let mut book = MatchBook {
            invoices: Vec::with_capacity(invoices.len()),
            numbers: String::with_capacity(invoices.len() * 10),
            number_end: Vec::with_capacity(invoices.len()),
            open: Vec::with_capacity(invoices.len()),
            by_id: map_with(invoices.len()),
            debtors: Vec::with_capacity(debtors.len()),
            debtor_by_id: map_with(debtors.len()),
            debtor_tokens: Vec::with_capacity(debtors.len()),
            by_debtor: Vec::new(),
            debtor_runs: map_with(debtors.len()),
            by_tail: map_with(invoices.len()),
            by_number: Vec::with_capacity(invoices.len()),
            by_iban: map_with(debtors.len()),
            by_token: map_with(debtors.len()),
            by_amount: map_with(invoices.len()),
        };
        for invoice in invoices {
            if book.by_id.contains_key(&invoice.id) {
                continue;
            }
            let Ok(i) = u32::try_from(book.invoices.len()) else {
                break; // more than four billion invoices: not a book this app will meet
            };
            let start = book.numbers.len();
            compress_into(&invoice.number, &mut book.numbers);
            let Ok(end) = u32::try_from(book.numbers.len()) else {
                book.numbers.truncate(start);
                break; // four gigabytes of invoice numbers: not a book this app will meet
            };
            if let Some(digits) = tail_digits(&book.numbers[start..]) {
                post(&mut book.by_tail, TailKey::of(digits), i);
            }
            if invoice.open > Decimal::ZERO {
                post(
                    &mut book.by_amount,
                    amount_key(invoice.currency, invoice.open),
                    i,
                );
            }
            book.by_id.insert(invoice.id, i);
            book.open.push(invoice.open);
            book.number_end.push(end);
            book.invoices.push(invoice);
        }
        let all: Vec<u32> = (0..book.invoices.len())
            .filter_map(|i| u32::try_from(i).ok())
            .collect();
        let mut by_debtor = all.clone();
        by_debtor.sort_unstable_by_key(|i| {
            let inv = &book.invoices[*i as usize];
            (inv.debtor_id, inv.due_date, inv.id)
        });
        book.by_debtor = by_debtor;
        let mut k = 0;
        while k < book.by_debtor.len() {
            let debtor = book.invoices[book.by_debtor[k] as usize].debtor_id;
            let start = k;
            while k < book.by_debtor.len()
                && book.invoices[book.by_debtor[k] as usize].debtor_id == debtor
            {
                k += 1;
            }
            // Both fit: there are fewer than four billion invoices (see above).
            let run = (start as u32, k as u32);
            book.debtor_runs.insert(debtor, run);
        }
        let mut by_number = all;
        by_number.sort_unstable_by(|a, b| {
            book.compressed(*a).cmp(book.compressed(*b)).then(
                book.invoices[*a as usize]
                    .id
                    .cmp(&book.invoices[*b as usize].id),
            )
        });
        book.by_number = by_number;
        for debtor in debtors {
            if book.debtor_by_id.contains_key(&debtor.id) {
                continue;
            }
            let Ok(d) = u32::try_from(book.debtors.len()) else {
                break;
            };
            let mut ibans: Vec<String> = debtor
                .ibans
                .iter()
                .map(|x| normalise_iban(x))
                .filter(|x| !x.is_empty())
                .collect();
            ibans.sort();
            ibans.dedup();
            for iban in ibans {
                post(&mut book.by_iban, iban, d);
            }
            let tokens = name_tokens(&debtor.name);
            for t in &tokens {
                post(&mut book.by_token, t.clone(), d);
            }
            book.debtor_tokens.push(tokens);
            book.debtor_by_id.insert(debtor.id, d);
            book.debtors.push(debtor);
        }
        book
    }

    /// Marks `amount` as already taken from an invoice, so that later entries of the same
    /// statement see the reduced open balance and nothing is over-allocated within one
    /// import. The balance never drops below zero; an unknown invoice or an amount of
    /// zero or less changes nothing.
    pub fn take(&mut self, invoice_id: i64, amount: Decimal) {
        let Some(&i) = self.by_id.get(&invoice_id) else {
            return;
        };
        if amount <= Decimal::ZERO {
            return;
        }
        let idx = i as usize;
        let currency = self.invoices[idx].currency;
        let before = self.open[idx];
        let after = (before - amount).max(Decimal::ZERO);
        if before > Decimal::ZERO {
            let key = amount_key(currency, before);
            if let Some(p) = self.by_amount.get_mut(&key) {
                if p.remove(i) {
                    self.by_amount.remove(&key);
                }
            }
        }
        if after > Decimal::ZERO {
            post(&mut self.by_amount, amount_key(currency, after), i);
        }
        self.open[idx] = after;
    }

    /// The open balance now (after [`MatchBook::take`]); `None` for an unknown invoice.
    pub fn open_of(&self, invoice_id: i64) -> Option<Decimal> {
        self.by_id.get(&invoice_id).map(|i| self.open[*i as usize])
    }

    /// Open invoices in the book.
    pub fn len(&self) -> usize {
        self.invoices.len()
    }

    /// True when the book holds no invoice.
    pub fn is_empty(&self) -> bool {
        self.invoices.is_empty()
    }

    /// The debtor's name for reasons, or `"debtor #id"` when no profile was given.
    pub(crate) fn debtor_name(&self, debtor_id: i64) -> String {
        match self.debtor_by_id.get(&debtor_id) {
            Some(d) => self.debtors[*d as usize].name.clone(),
            None => format!("debtor #{debtor_id}"),
        }
    }

    /// The debtor's profile, when one was given.
    pub(crate) fn debtor(&self, debtor_id: i64) -> Option<&DebtorProfile> {
        self.debtor_by_id
            .get(&debtor_id)
            .map(|d| &self.debtors[*d as usize])
    }

    /// True when the book knows the debtor (a profile or at least one invoice).
    pub(crate) fn knows_debtor(&self, debtor_id: i64) -> bool {
        self.debtor_by_id.contains_key(&debtor_id) || self.debtor_runs.contains_key(&debtor_id)
    }

    /// The debtor's invoices, oldest due first (open or not; filter by [`Self::open`]).
    pub(crate) fn invoices_of(&self, debtor_id: i64) -> &[u32] {
        self.debtor_runs
            .get(&debtor_id)
            .map_or(&[], |(a, b)| &self.by_debtor[*a as usize..*b as usize])
    }

    /// Invoice `i`'s number as uppercase letters and digits.
    pub(crate) fn compressed(&self, i: u32) -> &str {
        let i = i as usize;
        let start = if i == 0 {
            0
        } else {
            self.number_end[i - 1] as usize
        };
        &self.numbers[start..self.number_end[i] as usize]
    }

    /// The invoices whose compressed number is `compressed`, then those longer that start
    /// with it (a slice of [`Self::by_number`]: `(equal, longer)`).
    fn numbers_from(&self, compressed: &str) -> (&[u32], &[u32]) {
        let start = self
            .by_number
            .partition_point(|i| self.compressed(*i) < compressed);
        let range = &self.by_number[start..];
        let len = range.partition_point(|i| self.compressed(*i).starts_with(compressed));
        let range = &range[..len];
        // The number itself (same length) sorts first.
        let equal = range.partition_point(|i| self.compressed(*i).len() == compressed.len());
        range.split_at(equal)
    }

    /// Invoices whose RF body ([`rf::invoice_body`]) is `body`.
    pub(crate) fn invoices_by_body(&self, body: &str) -> Vec<u32> {
        let mut out: Vec<u32> = if (1..=rf::MAX_BODY_LEN).contains(&body.len()) {
            self.numbers_from(body).0.to_vec()
        } else {
            Vec::new()
        };
        // The fallback body "I" + id, for numbers that do not fit a body.
        if let Some(id) = rf::id_of_body('I', body) {
            if let Some(&i) = self.by_id.get(&id) {
                let inv = &self.invoices[i as usize];
                if rf::invoice_body(&inv.number, inv.id) == body && !out.contains(&i) {
                    out.push(i);
                }
            }
        }
        out
    }

    /// Invoices whose number's key ends in the digit run `digits` (zeros stripped).
    pub(crate) fn invoices_by_tail(&self, digits: &str) -> &[u32] {
        self.by_tail
            .get(&TailKey::of(digits))
            .map_or(&[], Postings::as_slice)
    }

    /// Invoices whose compressed number starts with `prefix` and is longer than it, when
    /// there are at most `limit` of them; `Err(count)` when there are more.
    pub(crate) fn invoices_by_prefix(&self, prefix: &str, limit: usize) -> Result<&[u32], usize> {
        let (_, longer) = self.numbers_from(prefix);
        if longer.len() > limit {
            Err(longer.len())
        } else {
            Ok(longer)
        }
    }

    /// Debtors that pay from `iban` (normalised).
    pub(crate) fn debtors_by_iban(&self, iban: &str) -> &[u32] {
        self.by_iban.get(iban).map_or(&[], Postings::as_slice)
    }

    /// Open invoices of `currency` whose open balance now is exactly `amount`.
    pub(crate) fn invoices_by_amount(&self, currency: Currency, amount: Decimal) -> &[u32] {
        self.by_amount
            .get(&amount_key(currency, amount))
            .map_or(&[], Postings::as_slice)
    }
}
