//! OFX 1.x (SGML) and 2.x (XML) bank and credit card statements.
//!
//! No well-kept Rust crate reads OFX, and OFX 1.x is not XML (leaf tags have no closing
//! tag: `<TRNAMT>-12.50`), so this is a small hand-written tag reader: a tag followed by
//! text is a leaf; any other tag opens an aggregate, which its closing tag closes (closing
//! any leaf-looking tags left open inside it).

use rust_decimal::Decimal;

use crate::decode::decode;
use crate::model::{Balance, Entry, Format, ParseError, Parsed, Statement};
use crate::text;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok<'a> {
    Open(&'a str),
    Close(&'a str),
    Text(&'a str),
    /// A tag cut off by the end of the file.
    Cut,
}

struct Lexer<'a> {
    s: &'a str,
    pos: usize,
    line: usize,
}

impl<'a> Lexer<'a> {
    fn advance_to(&mut self, end: usize) {
        self.line += self.s.as_bytes()[self.pos..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.pos = end;
    }

    /// The next token and the line it starts on.
    fn next_token(&mut self) -> Option<(Tok<'a>, usize)> {
        loop {
            if self.pos >= self.s.len() {
                return None;
            }
            let rest = &self.s[self.pos..];
            if rest.starts_with('<') {
                let skip_to = if rest.starts_with("<?") {
                    rest.find("?>").map(|i| i + 2)
                } else if rest.starts_with("<!--") {
                    rest.find("-->").map(|i| i + 3)
                } else if rest.starts_with("<!") {
                    rest.find('>').map(|i| i + 1)
                } else {
                    None
                };
                if let Some(n) = skip_to {
                    self.advance_to(self.pos + n);
                    continue;
                }
                let line = self.line;
                let Some(end) = rest.find('>') else {
                    // A tag cut off by the end of the file.
                    self.advance_to(self.s.len());
                    return Some((Tok::Cut, line));
                };
                let inner = rest[1..end].trim();
                self.advance_to(self.pos + end + 1);
                let (tok, name) = match inner.strip_prefix('/') {
                    Some(name) => (true, name.trim()),
                    None => (false, inner.trim_end_matches('/').trim()),
                };
                // Attributes (none in OFX, but XML allows them) are dropped.
                let name = name.split_whitespace().next().unwrap_or("");
                return Some((
                    if tok {
                        Tok::Close(name)
                    } else {
                        Tok::Open(name)
                    },
                    line,
                ));
            }
            let end = rest.find('<').unwrap_or(rest.len());
            let line = self.line;
            let value = rest[..end].trim();
            // The text's line is the line of its first non-blank character.
            let lead = rest[..end].len() - rest[..end].trim_start().len();
            let line = line + rest[..lead].matches('\n').count();
            self.advance_to(self.pos + end);
            if !value.is_empty() {
                return Some((Tok::Text(value), line));
            }
        }
    }
}

#[derive(Debug, Default)]
struct Txn {
    location: String,
    kind: Option<String>,
    posted: Option<chrono::NaiveDate>,
    available: Option<chrono::NaiveDate>,
    amount: Option<Decimal>,
    fitid: Option<String>,
    refnum: Option<String>,
    name: Option<String>,
    payee: Option<String>,
    memo: Option<String>,
    currency: Option<String>,
    other_account: Option<String>,
}

#[derive(Debug, Default)]
struct Stmt {
    location: String,
    currency: Option<String>,
    account: Option<String>,
    start: Option<String>,
    end: Option<String>,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
    balance: Option<Decimal>,
    balance_date: Option<chrono::NaiveDate>,
    entries: Vec<Entry>,
}

struct Frame {
    name: String,
    index: u32,
    counts: Vec<(String, u32)>,
}

struct Ofx<'a> {
    file: &'a str,
    xml: bool,
    stack: Vec<Frame>,
    stmt: Option<Stmt>,
    txn: Option<Txn>,
    statements: Vec<Statement>,
    seen_root: bool,
}

const AGGREGATES: [&str; 13] = [
    "STMTRS",
    "CCSTMTRS",
    "BANKACCTFROM",
    "CCACCTFROM",
    "BANKACCTTO",
    "CCACCTTO",
    "BANKTRANLIST",
    "STMTTRN",
    "PAYEE",
    "LEDGERBAL",
    "AVAILBAL",
    "CURRENCY",
    "ORIGCURRENCY",
];

pub(crate) fn parse(bytes: &[u8], file: &str) -> Result<Parsed, ParseError> {
    let decoded = decode(bytes);
    let source: &str = &decoded.text;
    let head = source.trim_start();
    let mut ofx = Ofx {
        file,
        xml: head.starts_with("<?xml") || head.starts_with("<?OFX"),
        stack: Vec::new(),
        stmt: None,
        txn: None,
        statements: Vec::new(),
        seen_root: false,
    };
    let mut lexer = Lexer {
        s: source,
        pos: 0,
        line: 1,
    };
    let mut pending = lexer.next_token();
    while let Some((tok, line)) = pending.take() {
        pending = lexer.next_token();
        match tok {
            Tok::Cut => {
                return Err(ofx.error_at(line, None, "the file ends inside a tag: it is cut off"))
            }
            Tok::Open("") | Tok::Text(_) => {}
            Tok::Open(name) => {
                let name = name.to_ascii_uppercase();
                if name == "OFX" {
                    ofx.seen_root = true;
                }
                if let Some((Tok::Text(value), _)) = pending {
                    pending = lexer.next_token();
                    if let Some((Tok::Close(close), _)) = pending {
                        if close.eq_ignore_ascii_case(&name) {
                            pending = lexer.next_token();
                        }
                    }
                    ofx.leaf(&name, &decode_entities(value), line)?;
                } else {
                    ofx.open(name, line);
                }
            }
            Tok::Close(name) => ofx.close(&name.to_ascii_uppercase())?,
        }
    }
    if let Some(frame) = ofx.stack.last() {
        let name = frame.name.clone();
        return Err(ofx.error_at(
            lexer.line,
            None,
            &format!("the file ends inside <{name}>: it is cut off (download it again)"),
        ));
    }
    if !ofx.seen_root {
        return Err(ParseError::new(
            file,
            "line 1",
            "not an OFX file: no <OFX> tag",
        ));
    }
    if ofx.statements.is_empty() {
        return Err(ParseError::new(
            file,
            "line 1",
            "the OFX file holds no bank or credit card statement (<STMTRS>/<CCSTMTRS>)",
        ));
    }
    Ok(Parsed {
        format: Format::Ofx,
        encoding: decoded.encoding_name(),
        statements: ofx.statements,
    })
}

impl Ofx<'_> {
    /// "line N" for OFX 1.x; the element path for OFX 2.x XML.
    fn location(&self, line: usize, leaf: Option<&str>) -> String {
        if !self.xml {
            return format!("line {line}");
        }
        let mut path = String::new();
        for frame in &self.stack {
            path.push('/');
            path.push_str(&frame.name);
            if frame.index > 0 {
                path.push_str(&format!("[{}]", frame.index));
            }
        }
        if let Some(leaf) = leaf {
            path.push('/');
            path.push_str(leaf);
        }
        path
    }

    fn error_at(&self, line: usize, leaf: Option<&str>, message: &str) -> ParseError {
        ParseError::new(self.file, self.location(line, leaf), message)
    }

    /// The innermost open aggregate this reader knows.
    fn context(&self) -> &str {
        self.stack
            .iter()
            .rev()
            .map(|f| f.name.as_str())
            .find(|n| AGGREGATES.contains(n))
            .unwrap_or("")
    }

    fn open(&mut self, name: String, line: usize) {
        let index = if matches!(
            name.as_str(),
            "STMTRS" | "CCSTMTRS" | "STMTTRN" | "STMTTRNRS" | "CCSTMTTRNRS"
        ) {
            self.stack.last_mut().map_or(0, |parent| {
                match parent.counts.iter_mut().find(|(n, _)| *n == name) {
                    Some((_, c)) => {
                        *c += 1;
                        *c
                    }
                    None => {
                        parent.counts.push((name.clone(), 1));
                        1
                    }
                }
            })
        } else {
            0
        };
        self.stack.push(Frame {
            name,
            index,
            counts: Vec::new(),
        });
        let location = self.location(line, None);
        match self.stack.last().map(|f| f.name.as_str()) {
            Some("STMTRS" | "CCSTMTRS") => {
                self.stmt = Some(Stmt {
                    location,
                    ..Stmt::default()
                })
            }
            Some("STMTTRN") => {
                self.txn = Some(Txn {
                    location,
                    ..Txn::default()
                })
            }
            _ => {}
        }
    }

    fn close(&mut self, name: &str) -> Result<(), ParseError> {
        if !self.stack.iter().any(|f| f.name == name) {
            return Ok(()); // a stray closing tag of an SGML leaf
        }
        while let Some(frame) = self.stack.last() {
            let done = frame.name == name;
            match frame.name.as_str() {
                "STMTTRN" => self.finish_txn()?,
                "STMTRS" | "CCSTMTRS" => self.finish_statement()?,
                _ => {}
            }
            self.stack.pop();
            if done {
                break;
            }
        }
        Ok(())
    }

    fn leaf(&mut self, name: &str, value: &str, line: usize) -> Result<(), ParseError> {
        let context = self.context().to_string();
        let bad_date = || {
            self.error_at(
                line,
                Some(name),
                &format!(
                    "the date \"{}\" is not an OFX date (expected YYYYMMDD)",
                    text::shown(value)
                ),
            )
        };
        match (context.as_str(), name) {
            ("STMTTRN", "TRNTYPE") => self.txn_mut().kind = Some(value.to_string()),
            ("STMTTRN", "DTPOSTED") => {
                self.txn_mut().posted = Some(text::yyyymmdd(value).ok_or_else(bad_date)?)
            }
            ("STMTTRN", "DTAVAIL") => self.txn_mut().available = text::yyyymmdd(value),
            ("STMTTRN", "TRNAMT") => {
                let amount = ofx_amount(value).ok_or_else(|| {
                    self.error_at(
                        line,
                        Some(name),
                        &format!(
                            "the amount \"{}\" is not an OFX amount (written like -1234.56)",
                            text::shown(value)
                        ),
                    )
                })?;
                self.txn_mut().amount = Some(amount);
            }
            ("STMTTRN", "FITID") => self.txn_mut().fitid = Some(value.to_string()),
            ("STMTTRN", "REFNUM") => self.txn_mut().refnum = Some(value.to_string()),
            ("STMTTRN", "NAME") => self.txn_mut().name = Some(text::collapse_spaces(value)),
            ("STMTTRN", "MEMO") => self.txn_mut().memo = Some(text::collapse_spaces(value)),
            ("PAYEE", "NAME") => self.txn_mut().payee = Some(text::collapse_spaces(value)),
            ("CURRENCY", "CURSYM") if self.txn.is_some() => {
                self.txn_mut().currency = text::currency(value)
            }
            ("BANKACCTTO" | "CCACCTTO", "ACCTID") => {
                self.txn_mut().other_account = Some(value.to_string())
            }
            ("BANKACCTFROM" | "CCACCTFROM", "ACCTID") => {
                self.stmt_mut().account = Some(value.to_string())
            }
            ("STMTRS" | "CCSTMTRS", "CURDEF") => {
                let currency = text::currency(value).ok_or_else(|| {
                    self.error_at(
                        line,
                        Some(name),
                        &format!(
                            "the currency \"{}\" is not a 3-letter code",
                            text::shown(value)
                        ),
                    )
                })?;
                self.stmt_mut().currency = Some(currency);
            }
            ("BANKTRANLIST", "DTSTART") => {
                self.stmt_mut().from = Some(text::yyyymmdd(value).ok_or_else(bad_date)?);
                self.stmt_mut().start = Some(value.chars().take(8).collect());
            }
            ("BANKTRANLIST", "DTEND") => {
                self.stmt_mut().to = Some(text::yyyymmdd(value).ok_or_else(bad_date)?);
                self.stmt_mut().end = Some(value.chars().take(8).collect());
            }
            ("LEDGERBAL", "BALAMT") => {
                let amount = ofx_amount(value).ok_or_else(|| {
                    self.error_at(
                        line,
                        Some(name),
                        &format!(
                            "the balance \"{}\" is not an OFX amount",
                            text::shown(value)
                        ),
                    )
                })?;
                self.stmt_mut().balance = Some(amount);
            }
            ("LEDGERBAL", "DTASOF") => {
                self.stmt_mut().balance_date = Some(text::yyyymmdd(value).ok_or_else(bad_date)?)
            }
            _ => {}
        }
        Ok(())
    }

    fn txn_mut(&mut self) -> &mut Txn {
        self.txn.get_or_insert_with(Txn::default)
    }

    fn stmt_mut(&mut self) -> &mut Stmt {
        self.stmt.get_or_insert_with(Stmt::default)
    }

    fn finish_txn(&mut self) -> Result<(), ParseError> {
        let Some(txn) = self.txn.take() else {
            return Ok(());
        };
        let err = |what: &str| {
            ParseError::new(
                self.file,
                &txn.location,
                format!("the transaction has no {what}"),
            )
        };
        let amount = txn.amount.ok_or_else(|| err("amount (<TRNAMT>)"))?;
        let booking_date = txn.posted.ok_or_else(|| err("date (<DTPOSTED>)"))?;
        let mut remittance = String::new();
        if txn.payee.is_none() {
            if let Some(name) = &txn.name {
                text::push_spaced(&mut remittance, name);
            }
        }
        if let Some(memo) = &txn.memo {
            if !remittance.contains(memo.as_str()) {
                text::push_spaced(&mut remittance, memo);
            }
        }
        let creditor_reference = txn.refnum.as_deref().and_then(text::rf_reference);
        if let (Some(refnum), None) = (&txn.refnum, &creditor_reference) {
            if !remittance.contains(refnum.as_str()) {
                text::push_spaced(&mut remittance, refnum);
            }
        }
        let entry = Entry {
            booking_date,
            value_date: txn.available,
            amount: amount.abs(),
            currency: txn.currency.unwrap_or_default(),
            credit: amount >= Decimal::ZERO,
            reversal: false,
            is_return: false,
            return_reason: None,
            counterparty_name: txn.payee.or(txn.name).unwrap_or_default(),
            counterparty_iban: txn.other_account.as_deref().and_then(text::iban),
            counterparty_bic: None,
            remittance,
            creditor_reference,
            end_to_end_id: None,
            bank_reference: txn.fitid,
            bank_code: txn.kind,
            location: txn.location,
        };
        self.stmt_mut().entries.push(entry);
        Ok(())
    }

    fn finish_statement(&mut self) -> Result<(), ParseError> {
        let Some(stmt) = self.stmt.take() else {
            return Ok(());
        };
        let Some(currency) = stmt.currency else {
            return Err(ParseError::new(
                self.file,
                &stmt.location,
                "the statement has no currency (<CURDEF>)",
            ));
        };
        let mut entries = stmt.entries;
        for entry in &mut entries {
            if entry.currency.is_empty() {
                entry.currency.clone_from(&currency);
            }
        }
        let account = stmt.account.unwrap_or_default();
        let iban = text::iban(&account);
        let closing = match (stmt.balance, stmt.balance_date.or(stmt.to)) {
            (Some(amount), Some(date)) => Some(Balance {
                amount,
                currency: currency.clone(),
                date,
            }),
            _ => None,
        };
        self.statements.push(Statement {
            statement_id: format!(
                "ofx-{}-{}-{}",
                account.split_whitespace().collect::<String>(),
                stmt.start.unwrap_or_default(),
                stmt.end.unwrap_or_default()
            ),
            account_other: if iban.is_none() && !account.trim().is_empty() {
                Some(account.trim().to_string())
            } else {
                None
            },
            account_iban: iban,
            currency: Some(currency),
            sequence: None,
            from: stmt.from,
            to: stmt.to,
            opening: None,
            closing,
            entries,
        });
        Ok(())
    }
}

/// An OFX amount: "-1234.56", "+12", ".5", or with a decimal comma "-12,50" (which the OFX
/// spec allows). Thousands separators ("1.234,56", "1,234.56") are refused: ambiguous.
fn ofx_amount(value: &str) -> Option<Decimal> {
    let value = value.trim();
    let commas = value.matches(',').count();
    let dots = value.matches('.').count();
    match (commas, dots) {
        (0, _) => text::decimal_dot(value),
        (1, 0) => text::decimal_dot(&value.replace(',', ".")),
        _ => None,
    }
}

/// `&amp;`, `&lt;`, `&#233;`...; an unknown or bare `&` stays as written (SGML files have
/// "AT&T").
fn decode_entities(value: &str) -> String {
    if !value.contains('&') {
        return text::collapse_spaces(value);
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').filter(|&e| e <= 10);
        let replaced = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, e))
        });
        match replaced {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    text::collapse_spaces(&out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn amounts() {
        assert_eq!(ofx_amount("-12.50"), Some(dec!(-12.50)));
        assert_eq!(ofx_amount("-12,50"), Some(dec!(-12.50)));
        assert_eq!(ofx_amount("1.234,56"), None);
        assert_eq!(ofx_amount("1,234.56"), None);
    }

    #[test]
    fn entities() {
        assert_eq!(decode_entities("AT&T &amp; Co &#233;"), "AT&T & Co é");
    }
}
