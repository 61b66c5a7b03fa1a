//! [`propose`]: which open invoices one incoming payment pays, with reasons in words.
//! The evidence and the confidence scale are described in the module docs of
//! [`crate::bank`].

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::{decimal_string, Currency, Money};

use super::book::MatchBook;
use super::keys::{name_tokens, normalise_iban, CompressedText, Gap, NumberKey};
use super::rf;

/// At most this many alternatives follow the best proposal.
pub const MAX_ALTERNATIVES: usize = 5;

/// How the matcher decides; [`MatchConfig::default`] applies only exact, unambiguous
/// matches automatically.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchConfig {
    /// Absolute short or over payment still accepted as "the amount" (bank charges), in
    /// currency units. Default 0.00.
    pub tolerance_abs: Decimal,
    /// Short or over payment accepted as a percentage of the credit (`0.5` = 0.5 %).
    /// Default 0. A difference within either tolerance is accepted.
    pub tolerance_pct: Decimal,
    /// The confidence (0..=100) from which a proposal is applied automatically. Default
    /// 100: only unambiguous exact matches.
    pub auto_threshold: u8,
    /// Most invoices tried in one combination (subset sum). Default 4.
    pub max_combination: usize,
    /// Most open invoices of a debtor (oldest due first) considered for combinations.
    /// Default 12.
    pub max_candidates: usize,
}

impl Default for MatchConfig {
    fn default() -> Self {
        MatchConfig {
            tolerance_abs: Decimal::new(0, 2),
            tolerance_pct: Decimal::ZERO,
            auto_threshold: 100,
            max_combination: 4,
            max_candidates: 12,
        }
    }
}

/// The credit (money in) to match: one entry of a bank statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credit {
    /// What came in; above zero (anything else is never matched).
    pub amount: Money,
    /// The payer's name as the bank delivers it.
    pub counterparty_name: String,
    /// The payer's IBAN, in any spacing or case.
    pub counterparty_iban: Option<String>,
    /// The remittance text (often cut at 140 characters).
    pub remittance: String,
    /// The structured creditor reference, when the bank delivers one (an RF reference,
    /// or whatever the payer typed there).
    pub creditor_reference: Option<String>,
}

/// Part of a credit applied to one invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation {
    /// The invoice's database id.
    pub invoice_id: i64,
    /// Its number, for display.
    pub number: String,
    /// The amount applied, in the invoice's (= the credit's) currency; above zero and
    /// never more than the invoice's open balance.
    pub amount: Decimal,
}

/// One reading of a credit: which debtor paid which invoices, and why the matcher thinks
/// so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    /// The debtor the credit is from.
    pub debtor_id: i64,
    /// What goes to which invoice, oldest due first. Never more than an invoice's open
    /// balance (after [`MatchBook::take`]); together never more than the credit.
    pub allocations: Vec<Allocation>,
    /// Credit amount less the allocations (zero or more): left as a credit on the debtor.
    pub unapplied: Decimal,
    /// When the credit is short of the matched invoices' open total by no more than the
    /// tolerance (bank charges): the difference, which stays open on the LAST allocation
    /// (the newest invoice; every other allocated invoice is paid in full), so it can be
    /// written off there. Zero otherwise, also for a partial payment beyond the tolerance
    /// and for an installment paid a little short (their remainder stays open; a reason
    /// says how much).
    pub short_by: Decimal,
    /// 0..=100; see the scale in [`crate::bank`].
    pub confidence: u8,
    /// The evidence in words, strongest first.
    pub reasons: Vec<String>,
    /// Apply without asking: confidence at or above [`MatchConfig::auto_threshold`],
    /// nothing ambiguous, no paused invoice, and something to allocate.
    pub auto: bool,
}

/// Most names a name token may be shared by and still point anywhere (a word used by
/// more debtors than this, like "service", says nothing about who paid).
const NAME_TOKEN_MAX_DEBTORS: usize = 1000;

/// Most invoices a number cut off at the end of a text may be the start of.
const TRUNCATED_MAX_INVOICES: usize = 12;

/// Longest digit run looked up as the end of an invoice number.
const MAX_NUMBER_DIGITS: usize = 32;

/// Longest tail of a text tried as the start of a cut-off invoice number.
const MAX_TRUNCATED_LEN: usize = 40;

/// Shortest invoice-number key (letters and digits, zeros stripped) recognised in text.
const MIN_NUMBER_KEY_LEN: usize = 3;

/// Subsets tried per combination search at most, whatever the configuration.
const COMBINATION_BUDGET: usize = 200_000;

/// Confidence when only the amount points to an invoice (unique in the book).
const AMOUNT_ONLY: u8 = 40;

/// Cap when two readings are equally likely.
const AMBIGUOUS_CAP: u8 = 50;

/// Cap when another debtor has strong evidence too (reference or IBAN).
const CONFLICT_CAP: u8 = 90;

/// Where a piece of text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Source {
    CreditorReference,
    Remittance,
}

impl Source {
    fn words(self) -> &'static str {
        match self {
            Source::CreditorReference => "the creditor reference",
            Source::Remittance => "the remittance text",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameMatch {
    /// Same tokens after folding and dropping legal forms.
    Equal,
    /// Every token of the debtor's name is in the payer's name.
    Contained,
}

/// What points at one debtor.
#[derive(Debug, Default)]
struct Clues {
    /// (invoice, normalised RF) from valid RF references.
    rf_invoices: Vec<(u32, String)>,
    /// Invoice numbers found whole in a text.
    number_invoices: Vec<(u32, Source)>,
    /// (invoice, the cut text) for numbers cut off at the end of a text.
    truncated_invoices: Vec<(u32, String, Source)>,
    /// A valid RF debtor reference.
    rf_debtor: Option<String>,
    /// The payer's IBAN is one of the debtor's.
    iban: Option<String>,
    name: Option<NameMatch>,
}

impl Clues {
    fn named(&self) -> Vec<u32> {
        let mut out: Vec<u32> = Vec::new();
        let all = self
            .rf_invoices
            .iter()
            .map(|(i, _)| *i)
            .chain(self.number_invoices.iter().map(|(i, _)| *i));
        for i in all {
            if !out.contains(&i) {
                out.push(i);
            }
        }
        out
    }

    /// Evidence strong enough to contradict another debtor's proposal.
    fn strong_label(&self) -> Option<&'static str> {
        if !self.rf_invoices.is_empty() {
            Some("the RF reference")
        } else if !self.number_invoices.is_empty() {
            Some("the invoice number")
        } else if self.rf_debtor.is_some() {
            Some("the debtor's RF reference")
        } else if self.iban.is_some() {
            Some("the IBAN")
        } else {
            None
        }
    }
}

/// Who the debtor is known to be by, when no usable invoice is named: sets the
/// confidence of the amount rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Identity {
    RfDebtor,
    Iban,
    NameEqual,
    /// A reference or number named an invoice that cannot take the money (other currency,
    /// or already paid by an earlier entry of the statement).
    Reference,
    NameContained,
}

/// Confidence by identity: (amount = everything the debtor owes, amount = one invoice /
/// combination / installment, within tolerance, nothing fits the amount).
fn tiers(identity: Identity) -> (u8, u8, u8, u8) {
    match identity {
        Identity::RfDebtor => (100, 95, 90, 70),
        Identity::Iban => (90, 90, 85, 60),
        Identity::NameEqual => (80, 80, 75, 60),
        Identity::Reference => (80, 80, 75, 50),
        Identity::NameContained => (75, 75, 70, 55),
    }
}

/// A proposal being built.
#[derive(Debug)]
struct Draft {
    proposal: Proposal,
    ambiguous: bool,
    paused: bool,
}

/// What every rule needs about the credit.
struct Ctx<'a> {
    book: &'a MatchBook,
    config: &'a MatchConfig,
    currency: Currency,
    amount: Decimal,
    tolerance: Decimal,
}

impl Ctx<'_> {
    fn money(&self, value: Decimal) -> String {
        decimal_string(value, self.currency.minor_units())
    }

    fn within_tolerance(&self, target: Decimal) -> bool {
        self.tolerance > Decimal::ZERO && (self.amount - target).abs() <= self.tolerance
    }

    fn number(&self, i: u32) -> &str {
        &self.book.invoices[i as usize].number
    }

    fn open(&self, i: u32) -> Decimal {
        self.book.open[i as usize]
    }

    fn numbers(&self, list: &[u32]) -> String {
        let names: Vec<&str> = list.iter().map(|i| self.number(*i)).collect();
        match names.as_slice() {
            [] => String::new(),
            [one] => (*one).to_string(),
            [init @ .., last] => format!("{} and {last}", init.join(", ")),
        }
    }

    /// "the open balance of INV-1" or "the open total of INV-1 and INV-2".
    fn open_of_words(&self, list: &[u32]) -> String {
        if list.len() == 1 {
            format!("the open balance of {}", self.numbers(list))
        } else {
            format!("the open total of {}", self.numbers(list))
        }
    }

    fn total(&self, list: &[u32]) -> Decimal {
        list.iter().map(|i| self.open(*i)).sum()
    }
}

/// Best proposal first, then at most [`MAX_ALTERNATIVES`] alternatives (other debtors or
/// invoice sets); empty when nothing points anywhere or the credit is not above zero.
///
/// Costs about the length of the credit's texts plus the invoices of the debtors they
/// point to; it never walks the book.
pub fn propose(credit: &Credit, book: &MatchBook, config: &MatchConfig) -> Vec<Proposal> {
    let currency = credit.amount.currency();
    let amount = credit.amount.amount();
    if amount <= Decimal::ZERO {
        return Vec::new();
    }
    let pct_tolerance = amount * config.tolerance_pct / Decimal::ONE_HUNDRED;
    let ctx = Ctx {
        book,
        config,
        currency,
        amount,
        tolerance: config.tolerance_abs.max(pct_tolerance).max(Decimal::ZERO),
    };
    let mut clues: BTreeMap<i64, Clues> = BTreeMap::new();
    let mut notes: Vec<String> = Vec::new();

    // 1. RF references with valid check digits; anything else is read as text.
    let mut references: Vec<(String, String)> = Vec::new();
    let mut remittance = credit.remittance.clone();
    let mut texts: Vec<(Source, &str)> = Vec::new();
    if let Some(reference) = credit
        .creditor_reference
        .as_deref()
        .filter(|r| !r.trim().is_empty())
    {
        match rf::parse_valid(reference) {
            Some(found) => references.push(found),
            None => {
                if looks_like_rf(reference) {
                    notes.push(format!(
                        "the creditor reference {} fails its check digits (cut or changed on \
                         the way), so it was read as plain text",
                        rf::grouped(reference)
                    ));
                }
                texts.push((Source::CreditorReference, reference));
            }
        }
    }
    // The references found in the remittance are blanked out of it before numbers are
    // looked for: the print groups of "RF47 INV1 042" are no invoice number "INV1".
    let spans = rf::find_spans(&credit.remittance);
    for (found, _) in &spans {
        if !references.iter().any(|(r, _)| r == found) {
            if let Some(parsed) = rf::parse_valid(found) {
                references.push(parsed);
            }
        }
    }
    for (_, span) in spans.iter().rev() {
        remittance.replace_range(span.clone(), " ");
    }
    texts.push((Source::Remittance, &remittance));
    for (reference, body) in &references {
        let invoices = book.invoices_by_body(body);
        if !invoices.is_empty() {
            for i in invoices {
                let debtor = book.invoices[i as usize].debtor_id;
                clues
                    .entry(debtor)
                    .or_default()
                    .rf_invoices
                    .push((i, reference.clone()));
            }
        } else if let Some(debtor) = rf::debtor_id_of_body(body).filter(|d| book.knows_debtor(*d)) {
            clues.entry(debtor).or_default().rf_debtor = Some(reference.clone());
        } else {
            notes.push(format!(
                "{} is a valid reference but names no open invoice or debtor",
                rf::grouped(reference)
            ));
        }
    }

    // 2. Invoice numbers in the texts, whole or cut off at the end.
    for (source, text) in texts {
        let compressed = CompressedText::new(text);
        let (whole, cut) = scan_numbers(book, &compressed);
        for i in whole {
            let debtor = book.invoices[i as usize].debtor_id;
            let c = clues.entry(debtor).or_default();
            if !c.number_invoices.iter().any(|(j, _)| *j == i) {
                c.number_invoices.push((i, source));
            }
        }
        if let Some((tail, invoices)) = cut {
            for i in invoices {
                let debtor = book.invoices[i as usize].debtor_id;
                clues
                    .entry(debtor)
                    .or_default()
                    .truncated_invoices
                    .push((i, tail.clone(), source));
            }
        }
    }

    // 3. The payer's IBAN.
    if let Some(iban) = credit.counterparty_iban.as_deref().map(normalise_iban) {
        if !iban.is_empty() {
            for d in book.debtors_by_iban(&iban) {
                let debtor = book.debtors[*d as usize].id;
                clues.entry(debtor).or_default().iban = Some(iban.clone());
            }
        }
    }

    // 4. The payer's name.
    for (debtor, m) in name_matches(book, &credit.counterparty_name) {
        clues.entry(debtor).or_default().name = Some(m);
    }

    // 5. The amount, per debtor pointed at.
    let mut drafts: Vec<Draft> = clues
        .iter()
        .map(|(debtor, c)| evaluate(&ctx, *debtor, c, &credit.counterparty_name))
        .collect();

    // Amount alone: only when exactly one invoice in the book has that open balance.
    if let [only] = book.invoices_by_amount(currency, amount) {
        let inv = &book.invoices[*only as usize];
        if !clues.contains_key(&inv.debtor_id) {
            drafts.push(amount_only(&ctx, *only));
        }
    }

    // Another debtor with strong evidence contradicts a proposal.
    let strong: Vec<(i64, &'static str)> = clues
        .iter()
        .filter_map(|(d, c)| c.strong_label().map(|label| (*d, label)))
        .collect();
    for draft in &mut drafts {
        let others: Vec<&(i64, &str)> = strong
            .iter()
            .filter(|(d, _)| *d != draft.proposal.debtor_id)
            .collect();
        for (other, label) in &others {
            draft.proposal.reasons.push(format!(
                "but {label} points to {}: check before applying",
                book.debtor_name(*other)
            ));
        }
        if !others.is_empty() {
            draft.ambiguous = true;
            draft.proposal.confidence = draft.proposal.confidence.min(CONFLICT_CAP);
        }
    }

    drafts.sort_by(|a, b| {
        let (a, b) = (&a.proposal, &b.proposal);
        b.confidence
            .cmp(&a.confidence)
            .then(a.allocations.is_empty().cmp(&b.allocations.is_empty()))
            .then(a.debtor_id.cmp(&b.debtor_id))
    });

    // Two readings equally likely: nobody can tell which is right without a look.
    if let [first, second, ..] = drafts.as_slice() {
        if first.proposal.confidence == second.proposal.confidence {
            let top = first.proposal.confidence;
            let tied: Vec<i64> = drafts
                .iter()
                .filter(|d| d.proposal.confidence == top)
                .map(|d| d.proposal.debtor_id)
                .collect();
            for draft in &mut drafts {
                if draft.proposal.confidence == top {
                    let others: Vec<String> = tied
                        .iter()
                        .filter(|d| **d != draft.proposal.debtor_id)
                        .map(|d| book.debtor_name(*d))
                        .collect();
                    draft.proposal.reasons.push(format!(
                        "as likely as the proposal for {}: check by hand",
                        others.join(", ")
                    ));
                }
                draft.ambiguous = true;
                draft.proposal.confidence = draft.proposal.confidence.min(AMBIGUOUS_CAP);
            }
        }
    }

    drafts
        .into_iter()
        .take(1 + MAX_ALTERNATIVES)
        .map(|mut d| {
            d.proposal.reasons.extend(notes.iter().cloned());
            d.proposal.auto = d.proposal.confidence >= config.auto_threshold
                && !d.ambiguous
                && !d.paused
                && !d.proposal.allocations.is_empty();
            d.proposal
        })
        .collect()
}

/// `RF` + two digits at the start: meant as an RF reference.
fn looks_like_rf(text: &str) -> bool {
    let compact: Vec<u8> = text
        .bytes()
        .filter(|b| !b.is_ascii_whitespace())
        .take(4)
        .collect();
    compact.len() == 4
        && compact[..2].eq_ignore_ascii_case(b"RF")
        && compact[2..].iter().all(u8::is_ascii_digit)
}

/// Invoice numbers found whole in a text, and the invoices a number cut off at the very
/// end of it may be (with the cut text).
fn scan_numbers(book: &MatchBook, text: &CompressedText) -> (Vec<u32>, Option<(String, Vec<u32>)>) {
    let chars = &text.chars;
    let mut whole: Vec<u32> = Vec::new();
    let mut ends_with_number = false;
    // (prefix, end) of every number found, for "INV 1042, 1043 and 1044".
    let mut listed: Vec<(String, usize)> = Vec::new();
    for (a, b) in text.digit_runs() {
        // Where the run may be cut into separate numbers ("1042, 1043"): only at a
        // word break; "2024/0042" and "17.03.2025" stay one number.
        let mut cuts: Vec<usize> = vec![a];
        cuts.extend((a + 1..b).filter(|k| text.gaps[*k] != Gap::None));
        cuts.push(b);
        for (si, &s) in cuts[..cuts.len() - 1].iter().enumerate() {
            if s > a && text.gaps[s] != Gap::Break {
                continue;
            }
            for &e in &cuts[si + 1..] {
                if e - s > MAX_NUMBER_DIGITS {
                    break;
                }
                if e < b && text.gaps[e] != Gap::Break {
                    continue;
                }
                let segment = std::str::from_utf8(&chars[s..e]).unwrap_or("");
                let trimmed = segment.trim_start_matches('0');
                let digits = if trimmed.is_empty() { "0" } else { trimmed };
                let mut with_suffix: Vec<(u32, usize)> = Vec::new();
                let mut without_suffix: Vec<(u32, usize)> = Vec::new();
                for &i in book.invoices_by_tail(digits) {
                    let Some(key) = NumberKey::of_compressed(book.compressed(i)) else {
                        continue;
                    };
                    if key.len() < MIN_NUMBER_KEY_LEN {
                        continue;
                    }
                    let prefix_ok = key.prefix.is_empty()
                        || text.normalised_before(a).ends_with(key.prefix.as_str())
                        || continues_list(text, &listed, &key.prefix, a);
                    if !prefix_ok {
                        continue;
                    }
                    if key.suffix.is_empty() {
                        without_suffix.push((i, e));
                    } else {
                        let end = b + key.suffix.len();
                        let suffix_ok = e == b
                            && chars[b..].starts_with(key.suffix.as_bytes())
                            && (end == chars.len() || text.gaps[end] != Gap::None);
                        if suffix_ok {
                            with_suffix.push((i, end));
                        }
                    }
                }
                // "INV-1042-B" names INV-1042-B, not also INV-1042.
                let hits = if with_suffix.is_empty() {
                    without_suffix
                } else {
                    with_suffix
                };
                for (i, end) in hits {
                    ends_with_number |= end == chars.len();
                    if let Some(key) = NumberKey::of_compressed(book.compressed(i)) {
                        if !key.prefix.is_empty() {
                            listed.push((key.prefix, end));
                        }
                    }
                    if !whole.contains(&i) {
                        whole.push(i);
                    }
                }
            }
        }
    }
    let cut = if ends_with_number {
        None
    } else {
        truncated_at_end(book, text)
    };
    (whole, cut)
}

/// Words that join the last items of a list of numbers ("INV 1042, 1043 and 1044").
const LIST_WORDS: &[&str] = &["AND", "UND", "ET", "Y", "E", "EN", "OG", "OCH", "I", "ORAZ"];

/// True when the digit run at `a` continues a list of numbers with `prefix`: a number
/// with that prefix ended just before, and only a list word ("and", "und", ...) stands
/// between, as a word of its own.
fn continues_list(
    text: &CompressedText,
    listed: &[(String, usize)],
    prefix: &str,
    a: usize,
) -> bool {
    listed.iter().any(|(p, end)| {
        *end < a
            && p == prefix
            && text.gaps[*end] == Gap::Break
            && text.gaps[a] == Gap::Break
            && std::str::from_utf8(&text.chars[*end..a]).is_ok_and(|w| LIST_WORDS.contains(&w))
    })
}

/// A number cut off at the very end of a text (the bank's 140 characters ran out): the
/// longest tail starting at a word, at least 5 characters with a digit, that is the start
/// of at most a handful of longer invoice numbers.
fn truncated_at_end(book: &MatchBook, text: &CompressedText) -> Option<(String, Vec<u32>)> {
    let n = text.chars.len();
    let starts = (0..n).filter(|k| *k == 0 || text.gaps[*k] != Gap::None);
    for k in starts {
        let len = n - k;
        if len > MAX_TRUNCATED_LEN {
            continue;
        }
        if len < 5 {
            break;
        }
        let tail = &text.chars[k..];
        if !tail.iter().any(u8::is_ascii_digit) {
            continue;
        }
        let tail = std::str::from_utf8(tail).unwrap_or("");
        match book.invoices_by_prefix(tail, TRUNCATED_MAX_INVOICES) {
            Ok([]) => continue,
            Ok(found) => return Some((tail.to_string(), found.to_vec())),
            // Shorter tails would fit even more numbers.
            Err(_) => return None,
        }
    }
    None
}

/// Debtors whose name matches the payer's: all tokens equal, or all the debtor's tokens
/// contained in the payer's.
fn name_matches(book: &MatchBook, payer: &str) -> Vec<(i64, NameMatch)> {
    let tokens = name_tokens(payer);
    if tokens.is_empty() {
        return Vec::new();
    }
    let mut candidates: BTreeSet<u32> = BTreeSet::new();
    for t in &tokens {
        if let Some(p) = book.by_token.get(t) {
            if p.len() <= NAME_TOKEN_MAX_DEBTORS {
                candidates.extend(p.as_slice());
            }
        }
    }
    let mut out = Vec::new();
    for d in candidates {
        let theirs = &book.debtor_tokens[d as usize];
        if theirs.is_empty() {
            continue;
        }
        let m = if *theirs == tokens {
            NameMatch::Equal
        } else if theirs.iter().map(String::len).sum::<usize>() >= 3
            && theirs.iter().all(|t| tokens.binary_search(t).is_ok())
        {
            NameMatch::Contained
        } else {
            continue;
        };
        out.push((book.debtors[d as usize].id, m));
    }
    out
}

/// The proposal for one debtor from its clues.
fn evaluate(ctx: &Ctx<'_>, debtor_id: i64, clues: &Clues, payer: &str) -> Draft {
    let book = ctx.book;
    let name = book.debtor_name(debtor_id);
    let mut reasons: Vec<String> = Vec::new();
    let mut seen_rf: Vec<(u32, &str)> = Vec::new();
    for (i, reference) in &clues.rf_invoices {
        if !seen_rf.contains(&(*i, reference.as_str())) {
            seen_rf.push((*i, reference));
            reasons.push(format!(
                "{} is invoice {}",
                rf::grouped(reference),
                ctx.number(*i)
            ));
        }
    }
    for (i, source) in &clues.number_invoices {
        if clues.rf_invoices.iter().any(|(j, _)| j == i) {
            continue;
        }
        reasons.push(format!(
            "invoice number {} in {}",
            ctx.number(*i),
            source.words()
        ));
    }
    let named = clues.named();
    if named.is_empty() {
        for (i, tail, source) in &clues.truncated_invoices {
            reasons.push(format!(
                "{} ends in \"{tail}\", the start of invoice number {} (the text looks cut off)",
                source.words(),
                ctx.number(*i)
            ));
        }
    }
    if let Some(reference) = &clues.rf_debtor {
        reasons.push(format!(
            "{} is the reference of debtor {name}",
            rf::grouped(reference)
        ));
    }
    if let Some(iban) = &clues.iban {
        reasons.push(format!(
            "IBAN {} is known for {name}",
            rf::group_in_fours(iban)
        ));
    }
    match clues.name {
        Some(NameMatch::Equal) => reasons.push(format!("name \"{payer}\" matches debtor {name}")),
        Some(NameMatch::Contained) => reasons.push(format!(
            "name \"{payer}\" contains the name of debtor {name}"
        )),
        None => {}
    }
    // A second, independent sign of who paid.
    let corroborated = clues.iban.is_some() || clues.name == Some(NameMatch::Equal);

    let usable = |list: &[u32], reasons: &mut Vec<String>| -> Vec<u32> {
        let mut out = Vec::new();
        for &i in list {
            let inv = &book.invoices[i as usize];
            if inv.currency != ctx.currency {
                reasons.push(format!(
                    "{} is in {} but the payment is in {}: never allocated across currencies",
                    inv.number, inv.currency, ctx.currency
                ));
            } else if ctx.open(i) <= Decimal::ZERO {
                reasons.push(format!(
                    "{} has nothing open any more (already paid, perhaps by an earlier entry of \
                     this statement)",
                    inv.number
                ));
            } else {
                out.push(i);
            }
        }
        sort_oldest_first(book, &mut out);
        out
    };

    let mut draft = if !named.is_empty() {
        let open = usable(&named, &mut reasons);
        if open.is_empty() {
            None
        } else {
            Some(named_proposal(
                ctx,
                debtor_id,
                &open,
                true,
                corroborated,
                &mut reasons,
            ))
        }
    } else if !clues.truncated_invoices.is_empty() {
        let cut: Vec<u32> = clues
            .truncated_invoices
            .iter()
            .map(|(i, _, _)| *i)
            .collect();
        let open = usable(&cut, &mut reasons);
        if open.is_empty() {
            None
        } else {
            Some(named_proposal(
                ctx,
                debtor_id,
                &open,
                false,
                corroborated,
                &mut reasons,
            ))
        }
    } else {
        None
    }
    .unwrap_or_else(|| {
        let identity = if clues.rf_debtor.is_some() {
            Identity::RfDebtor
        } else if clues.iban.is_some() {
            Identity::Iban
        } else if clues.name == Some(NameMatch::Equal) {
            Identity::NameEqual
        } else if !named.is_empty() || !clues.truncated_invoices.is_empty() {
            Identity::Reference
        } else {
            Identity::NameContained
        };
        let both = clues.iban.is_some() && clues.name == Some(NameMatch::Equal);
        debtor_proposal(ctx, debtor_id, identity, both, &mut reasons)
    });
    draft.proposal.reasons = reasons;
    draft
}

/// Invoices named by RF or number (`exact`) or by a cut-off number: the amount decides
/// how much each gets.
fn named_proposal(
    ctx: &Ctx<'_>,
    debtor_id: i64,
    open: &[u32],
    exact: bool,
    corroborated: bool,
    reasons: &mut Vec<String>,
) -> Draft {
    let (full, subset, other) = if exact { (100, 90, 80) } else { (85, 80, 70) };
    let bonus = |c: u8| {
        if corroborated && c < 95 {
            (c + 5).min(95)
        } else {
            c
        }
    };
    let total = ctx.total(open);
    let amount = ctx.amount;
    let name = ctx.book.debtor_name(debtor_id);
    let (allocations, confidence, short_by) = if amount == total {
        reasons.push(format!(
            "amount {} equal to {}",
            ctx.money(amount),
            ctx.open_of_words(open)
        ));
        (allocate(ctx, open, amount), full, Decimal::ZERO)
    } else if let Some((allocations, short)) = ctx
        .within_tolerance(total)
        .then(|| settle(ctx, open, total))
        .flatten()
    {
        reasons.push(tolerance_words(ctx, total, &name, false));
        (allocations, full, short)
    } else if amount > total {
        reasons.push(format!(
            "amount {} is {} more than {} ({}): the rest stays unapplied as a credit on {name}",
            ctx.money(amount),
            ctx.money(amount - total),
            ctx.open_of_words(open),
            ctx.money(total)
        ));
        (allocate(ctx, open, amount), bonus(other), Decimal::ZERO)
    } else if let Some(found) = (open.len() > 1).then(|| equal_subset(ctx, open)).flatten() {
        reasons.push(format!(
            "amount {} equal to {} alone, of the invoices named",
            ctx.money(amount),
            ctx.open_of_words(&found)
        ));
        (allocate(ctx, &found, amount), bonus(subset), Decimal::ZERO)
    } else {
        reasons.push(format!(
            "amount {} is less than {} ({}): allocated oldest due first, {} stays open",
            ctx.money(amount),
            ctx.open_of_words(open),
            ctx.money(total),
            ctx.money(total - amount)
        ));
        (allocate(ctx, open, amount), bonus(other), Decimal::ZERO)
    };
    finish(
        ctx,
        debtor_id,
        allocations,
        short_by,
        confidence,
        false,
        reasons,
    )
}

/// One invoice or a combination among the named ones whose open total equals the amount
/// exactly (fewest invoices, then oldest).
fn equal_subset(ctx: &Ctx<'_>, open: &[u32]) -> Option<Vec<u32>> {
    if let Some(i) = open.iter().find(|i| ctx.open(**i) == ctx.amount) {
        return Some(vec![*i]);
    }
    let limited = &open[..open.len().min(ctx.config.max_candidates)];
    combination(ctx, limited, ctx.amount, Decimal::ZERO).map(|(found, _)| found)
}

/// The debtor is known (debtor RF, IBAN, name, or a reference to an invoice that cannot
/// take the money); the amount decides which of its invoices are paid.
fn debtor_proposal(
    ctx: &Ctx<'_>,
    debtor_id: i64,
    identity: Identity,
    iban_and_name: bool,
    reasons: &mut Vec<String>,
) -> Draft {
    let book = ctx.book;
    let name = book.debtor_name(debtor_id);
    let (tier_total, tier_exact, tier_tolerance, tier_none) = tiers(identity);
    let bonus = |c: u8| {
        if iban_and_name && c < 95 {
            (c + 5).min(95)
        } else {
            c
        }
    };
    let mut list: Vec<u32> = Vec::new();
    let mut other_currencies: BTreeSet<Currency> = BTreeSet::new();
    for &i in book.invoices_of(debtor_id) {
        if ctx.open(i) <= Decimal::ZERO {
            continue;
        }
        let inv = &book.invoices[i as usize];
        if inv.currency == ctx.currency {
            list.push(i);
        } else {
            other_currencies.insert(inv.currency);
        }
    }
    if list.is_empty() {
        let confidence = if other_currencies.is_empty() {
            reasons.push(format!(
                "{name} has nothing open in {}: the amount stays unapplied as a credit",
                ctx.currency
            ));
            30
        } else {
            let codes: Vec<&str> = other_currencies.iter().map(Currency::code).collect();
            reasons.push(format!(
                "{name} has open invoices only in {}, the payment is in {}: nothing is \
                 allocated across currencies",
                codes.join(", "),
                ctx.currency
            ));
            20
        };
        return finish(
            ctx,
            debtor_id,
            Vec::new(),
            Decimal::ZERO,
            confidence,
            false,
            reasons,
        );
    }
    let total = ctx.total(&list);
    let amount = ctx.amount;
    let installments: Vec<Decimal> = book
        .debtor(debtor_id)
        .map(|d| {
            d.installments_due
                .iter()
                .filter(|m| m.currency() == ctx.currency && m.amount() > Decimal::ZERO)
                .map(Money::amount)
                .collect()
        })
        .unwrap_or_default();
    let owes_words = |n: usize| {
        if n == 1 {
            format!(
                "{}, all {name} owes in {}",
                ctx.open_of_words(&list),
                ctx.currency
            )
        } else {
            format!(
                "everything {name} owes in {} ({n} open invoices)",
                ctx.currency
            )
        }
    };
    let limited = &list[..list.len().min(ctx.config.max_candidates)];

    // Exact amounts first: everything owed, one invoice, a combination, an installment.
    if amount == total {
        reasons.push(format!(
            "amount {} equal to {}",
            ctx.money(amount),
            owes_words(list.len())
        ));
        let allocations = allocate(ctx, &list, amount);
        return finish(
            ctx,
            debtor_id,
            allocations,
            Decimal::ZERO,
            bonus(tier_total),
            false,
            reasons,
        );
    }
    let singles: Vec<u32> = list
        .iter()
        .copied()
        .filter(|i| ctx.open(*i) == amount)
        .collect();
    if let Some(&first) = singles.first() {
        let ambiguous = singles.len() > 1;
        let mut words = format!(
            "amount {} equal to {}",
            ctx.money(amount),
            ctx.open_of_words(&[first])
        );
        if ambiguous {
            words.push_str(&format!(
                " (the oldest of {} open invoices of that amount)",
                singles.len()
            ));
        }
        reasons.push(words);
        let confidence = penalise(bonus(tier_exact), ambiguous);
        let allocations = allocate(ctx, &[first], amount);
        return finish(
            ctx,
            debtor_id,
            allocations,
            Decimal::ZERO,
            confidence,
            ambiguous,
            reasons,
        );
    }
    if let Some((found, count)) = combination(ctx, limited, amount, Decimal::ZERO) {
        let ambiguous = count > 1;
        let mut words = format!(
            "amount {} = {} ({} open invoices)",
            ctx.money(amount),
            found
                .iter()
                .map(|i| ctx.number(*i))
                .collect::<Vec<_>>()
                .join(" + "),
            count_words(found.len())
        );
        if ambiguous {
            words.push_str(" (the oldest of several combinations with that total)");
        }
        reasons.push(words);
        let confidence = penalise(bonus(tier_exact), ambiguous);
        let allocations = allocate(ctx, &found, amount);
        return finish(
            ctx,
            debtor_id,
            allocations,
            Decimal::ZERO,
            confidence,
            ambiguous,
            reasons,
        );
    }
    if installments.contains(&amount) {
        reasons.push(format!(
            "amount {} equal to an installment of {name}'s payment plan: allocated oldest due \
             first",
            ctx.money(amount)
        ));
        let allocations = allocate(ctx, &list, amount);
        return finish(
            ctx,
            debtor_id,
            allocations,
            Decimal::ZERO,
            bonus(tier_exact),
            false,
            reasons,
        );
    }

    // Then within the tolerance, in the same order.
    if ctx.tolerance > Decimal::ZERO {
        // (invoices, the amount expected, in words, is an installment)
        let mut targets: Vec<(Vec<u32>, Decimal, String, bool)> = Vec::new();
        if ctx.within_tolerance(total) {
            targets.push((list.clone(), total, owes_words(list.len()), false));
        }
        let closest = list
            .iter()
            .copied()
            .filter(|i| ctx.within_tolerance(ctx.open(*i)))
            .min_by_key(|i| (ctx.open(*i) - amount).abs());
        if let Some(i) = closest {
            targets.push((vec![i], ctx.open(i), ctx.open_of_words(&[i]), false));
        }
        if let Some((found, _)) = combination(ctx, limited, amount, ctx.tolerance) {
            let sum = ctx.total(&found);
            let words = format!(
                "{} ({} open invoices)",
                found
                    .iter()
                    .map(|i| ctx.number(*i))
                    .collect::<Vec<_>>()
                    .join(" + "),
                count_words(found.len())
            );
            targets.push((found, sum, words, false));
        }
        let installment = installments
            .iter()
            .copied()
            .filter(|x| ctx.within_tolerance(*x))
            .min_by_key(|x| (*x - amount).abs());
        if let Some(x) = installment {
            let words = format!("an installment of {name}'s payment plan");
            targets.push((list.clone(), x, words, true));
        }
        for (set, expected, words, is_installment) in targets {
            let settled = if is_installment {
                // A plan's shortfall stays open on the plan; nothing to write off.
                Some((allocate(ctx, &list, amount), Decimal::ZERO))
            } else {
                settle(ctx, &set, expected)
            };
            let Some((allocations, short)) = settled else {
                continue;
            };
            reasons.push(format!(
                "amount {} close to {words} ({})",
                ctx.money(amount),
                ctx.money(expected)
            ));
            reasons.push(tolerance_words(ctx, expected, &name, is_installment));
            return finish(
                ctx,
                debtor_id,
                allocations,
                short,
                bonus(tier_tolerance),
                false,
                reasons,
            );
        }
    }

    // Nothing fits: pay the oldest first.
    if amount > total {
        reasons.push(format!(
            "amount {} is more than everything {name} owes in {} ({}): all of it allocated, \
             {} stays unapplied as a credit",
            ctx.money(amount),
            ctx.currency,
            ctx.money(total),
            ctx.money(amount - total)
        ));
    } else {
        reasons.push(format!(
            "no open balance, combination or installment equals amount {}: allocated oldest \
             due first",
            ctx.money(amount)
        ));
    }
    let allocations = allocate(ctx, &list, amount);
    finish(
        ctx,
        debtor_id,
        allocations,
        Decimal::ZERO,
        bonus(tier_none),
        false,
        reasons,
    )
}

/// Only the amount points here: exactly one open invoice in the book has it.
fn amount_only(ctx: &Ctx<'_>, i: u32) -> Draft {
    let inv = &ctx.book.invoices[i as usize];
    let mut reasons = vec![format!(
        "amount {} is the open balance of exactly one invoice in {}: {} of {}; nothing else \
         points to it",
        ctx.money(ctx.amount),
        ctx.currency,
        inv.number,
        ctx.book.debtor_name(inv.debtor_id)
    )];
    let allocations = allocate(ctx, &[i], ctx.amount);
    let mut draft = finish(
        ctx,
        inv.debtor_id,
        allocations,
        Decimal::ZERO,
        AMOUNT_ONLY,
        false,
        &mut reasons,
    );
    draft.proposal.reasons = reasons;
    draft
}

fn penalise(confidence: u8, ambiguous: bool) -> u8 {
    if ambiguous {
        confidence.saturating_sub(5)
    } else {
        confidence
    }
}

fn count_words(n: usize) -> String {
    match n {
        2 => "two".to_string(),
        3 => "three".to_string(),
        4 => "four".to_string(),
        5 => "five".to_string(),
        _ => n.to_string(),
    }
}

/// "short by 1.50 (within the tolerance of 2.00)" or the same for an overpayment.
fn tolerance_words(ctx: &Ctx<'_>, expected: Decimal, name: &str, installment: bool) -> String {
    let tolerance = ctx.money(ctx.tolerance);
    match (ctx.amount < expected, installment) {
        (true, false) => format!(
            "short by {} (within the tolerance of {tolerance}): the difference stays open",
            ctx.money(expected - ctx.amount)
        ),
        (false, false) => format!(
            "over by {} (within the tolerance of {tolerance}): left unapplied as a credit on \
             {name}",
            ctx.money(ctx.amount - expected)
        ),
        (true, true) => format!(
            "short of the installment by {} (within the tolerance of {tolerance}): it stays \
             open on the plan",
            ctx.money(expected - ctx.amount)
        ),
        (false, true) => format!(
            "over the installment by {} (within the tolerance of {tolerance}): allocated too",
            ctx.money(ctx.amount - expected)
        ),
    }
}

/// Pays `set` for an amount within the tolerance of `expected` (its open total). Over:
/// every invoice in full, the rest unapplied. Short: every invoice in full but the newest,
/// which keeps the shortfall open, so that a caller writing the shortfall off (bank
/// charges) writes it off the last allocation. `None` when the shortfall is not below
/// the newest invoice's open balance (then it is no "short payment" of these invoices).
fn settle(ctx: &Ctx<'_>, set: &[u32], expected: Decimal) -> Option<(Vec<Allocation>, Decimal)> {
    if ctx.amount >= expected {
        return Some((allocate(ctx, set, ctx.amount), Decimal::ZERO));
    }
    let short = expected - ctx.amount;
    let mut ordered = set.to_vec();
    sort_oldest_first(ctx.book, &mut ordered);
    let last = *ordered.last()?;
    if short >= ctx.open(last) {
        return None;
    }
    let allocations = ordered
        .iter()
        .map(|i| Allocation {
            invoice_id: ctx.book.invoices[*i as usize].id,
            number: ctx.number(*i).to_string(),
            amount: if *i == last {
                ctx.open(*i) - short
            } else {
                ctx.open(*i)
            },
        })
        .collect();
    Some((allocations, short))
}

fn sort_oldest_first(book: &MatchBook, list: &mut [u32]) {
    list.sort_by_key(|i| {
        let inv = &book.invoices[*i as usize];
        (inv.due_date, inv.id)
    });
}

/// Pays `list` in order (oldest due first), each up to its open balance, until `amount`
/// is used up.
fn allocate(ctx: &Ctx<'_>, list: &[u32], amount: Decimal) -> Vec<Allocation> {
    let mut ordered = list.to_vec();
    sort_oldest_first(ctx.book, &mut ordered);
    let mut left = amount;
    let mut out = Vec::new();
    for i in ordered {
        if left <= Decimal::ZERO {
            break;
        }
        let take = ctx.open(i).min(left);
        if take > Decimal::ZERO {
            out.push(Allocation {
                invoice_id: ctx.book.invoices[i as usize].id,
                number: ctx.number(i).to_string(),
                amount: take,
            });
            left -= take;
        }
    }
    out
}

/// The draft with the figures every proposal carries, and the paused-invoice warning.
fn finish(
    ctx: &Ctx<'_>,
    debtor_id: i64,
    allocations: Vec<Allocation>,
    short_by: Decimal,
    confidence: u8,
    ambiguous: bool,
    reasons: &mut Vec<String>,
) -> Draft {
    let allocated: Decimal = allocations.iter().map(|a| a.amount).sum();
    let mut paused = false;
    for a in &allocations {
        if let Some(&i) = ctx.book.by_id.get(&a.invoice_id) {
            if ctx.book.invoices[i as usize].paused {
                paused = true;
                reasons.push(format!(
                    "{} is disputed or on hold: never applied automatically",
                    a.number
                ));
            }
        }
    }
    Draft {
        proposal: Proposal {
            debtor_id,
            allocations,
            unapplied: ctx.amount - allocated,
            short_by,
            confidence: confidence.min(100),
            reasons: Vec::new(),
            auto: false,
        },
        ambiguous,
        paused,
    }
}

/// The combination of 2..=`max_combination` invoices of `list` (oldest first) whose open
/// total is within `tolerance` of `target`: fewest invoices first, then the closest
/// total, then the oldest (earliest in `list`). Also how many combinations of that size
/// fit (counting stops at 2 for exact searches).
fn combination(
    ctx: &Ctx<'_>,
    list: &[u32],
    target: Decimal,
    tolerance: Decimal,
) -> Option<(Vec<u32>, usize)> {
    let opens: Vec<Decimal> = list.iter().map(|i| ctx.open(*i)).collect();
    let mut budget = COMBINATION_BUDGET;
    for k in 2..=ctx.config.max_combination.min(list.len()) {
        let mut search = Search {
            opens: &opens,
            target,
            tolerance,
            best: None,
            count: 0,
            budget: &mut budget,
            chosen: Vec::with_capacity(k),
        };
        search.run(0, k, Decimal::ZERO);
        if let Some((picked, _)) = search.best {
            let count = search.count;
            return Some((picked.iter().map(|p| list[*p]).collect(), count));
        }
        if budget == 0 {
            break;
        }
    }
    None
}

/// A bounded depth-first subset-sum search over positive amounts, in lexicographic order.
struct Search<'a> {
    opens: &'a [Decimal],
    target: Decimal,
    tolerance: Decimal,
    best: Option<(Vec<usize>, Decimal)>,
    count: usize,
    budget: &'a mut usize,
    chosen: Vec<usize>,
}

impl Search<'_> {
    fn run(&mut self, from: usize, left: usize, sum: Decimal) {
        if left == 0 {
            let diff = (sum - self.target).abs();
            if diff <= self.tolerance {
                self.count += 1;
                if self.best.as_ref().is_none_or(|(_, d)| diff < *d) {
                    self.best = Some((self.chosen.clone(), diff));
                }
            }
            return;
        }
        for i in from..self.opens.len() {
            if self.opens.len() - i < left || *self.budget == 0 {
                return;
            }
            // Exact searches stop at the second fit: one is the answer, two is ambiguity.
            if self.tolerance.is_zero() && self.count >= 2 {
                return;
            }
            *self.budget -= 1;
            let next = sum + self.opens[i];
            // Amounts are positive: past the target plus tolerance nothing comes back.
            if next > self.target + self.tolerance {
                continue;
            }
            self.chosen.push(i);
            self.run(i + 1, left - 1, next);
            self.chosen.pop();
        }
    }
}
