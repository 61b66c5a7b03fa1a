//! ISO 20022 camt.053 statements and camt.054 notifications, any version.
//!
//! One pass of quick-xml's pull reader over the decoded text. Elements are recognised by
//! local name (never by namespace), mapped to a small enum on the way in, and handled when
//! they close by matching the tail of the element stack with slice patterns, so the old
//! (`RltdPties/Dbtr/Nm`) and new (`RltdPties/Dbtr/Pty/Nm`) layouts both read.

use std::fmt::Write as _;

use chrono::NaiveDate;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use rust_decimal::Decimal;

use crate::decode::decode;
use crate::model::{Balance, Entry, Format, ParseError, Parsed, Statement};
use crate::text;

macro_rules! tags {
    ($($variant:ident = $name:literal),* $(,)?) => {
        /// The camt elements this reader looks at; everything else is `Other`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        enum T { $($variant,)* Other, Pad }

        impl T {
            fn of(name: &str) -> T {
                match name { $($name => T::$variant,)* _ => T::Other }
            }
        }
    };
}

tags! {
    Stmt = "Stmt", Ntfctn = "Ntfctn", Id = "Id", ElctrncSeqNb = "ElctrncSeqNb",
    LglSeqNb = "LglSeqNb", FrToDt = "FrToDt", FrDtTm = "FrDtTm", ToDtTm = "ToDtTm",
    Acct = "Acct", Iban = "IBAN", Othr = "Othr", Ccy = "Ccy", Bal = "Bal", Tp = "Tp",
    CdOrPrtry = "CdOrPrtry", Cd = "Cd", Amt = "Amt", CdtDbtInd = "CdtDbtInd", Dt = "Dt",
    DtTm = "DtTm", Ntry = "Ntry", RvslInd = "RvslInd", Sts = "Sts", BookgDt = "BookgDt",
    ValDt = "ValDt", AcctSvcrRef = "AcctSvcrRef", BkTxCd = "BkTxCd", Domn = "Domn",
    Fmly = "Fmly", SubFmlyCd = "SubFmlyCd", Prtry = "Prtry", NtryDtls = "NtryDtls",
    Btch = "Btch", NbOfTxs = "NbOfTxs", TxDtls = "TxDtls", Refs = "Refs",
    EndToEndId = "EndToEndId", AmtDtls = "AmtDtls", TxAmt = "TxAmt", InstdAmt = "InstdAmt",
    RltdPties = "RltdPties", Dbtr = "Dbtr", Cdtr = "Cdtr", UltmtDbtr = "UltmtDbtr",
    UltmtCdtr = "UltmtCdtr", Pty = "Pty", Agt = "Agt", Nm = "Nm", DbtrAcct = "DbtrAcct",
    CdtrAcct = "CdtrAcct", RltdAgts = "RltdAgts", DbtrAgt = "DbtrAgt", CdtrAgt = "CdtrAgt",
    FinInstnId = "FinInstnId", Bic = "BIC", Bicfi = "BICFI", RmtInf = "RmtInf",
    Ustrd = "Ustrd", Strd = "Strd", CdtrRefInf = "CdtrRefInf", Ref = "Ref",
    CdtrRef = "CdtrRef", RfrdDocInf = "RfrdDocInf", Nb = "Nb", AddtlRmtInf = "AddtlRmtInf",
    RtrInf = "RtrInf", Rsn = "Rsn",
}

impl T {
    /// Elements that repeat under one parent get an index in paths: `Ntry[3]`.
    fn counter(self) -> Option<usize> {
        match self {
            T::Stmt => Some(0),
            T::Ntfctn => Some(1),
            T::Ntry => Some(2),
            T::TxDtls => Some(3),
            T::Bal => Some(4),
            _ => None,
        }
    }
}

const DEPTH: usize = 6;

#[derive(Debug)]
struct Frame {
    /// The element's local name, as a range of the input.
    name: (usize, usize),
    index: u32,
    counts: [u32; 5],
}

#[derive(Debug, Default)]
struct BankCode {
    domain: String,
    family: String,
    sub_family: String,
    proprietary: String,
}

impl BankCode {
    fn code(&self) -> Option<String> {
        if !self.domain.is_empty() {
            let mut s = self.domain.clone();
            for part in [&self.family, &self.sub_family] {
                if !part.is_empty() {
                    s.push('/');
                    s.push_str(part);
                }
            }
            Some(s)
        } else if !self.proprietary.is_empty() {
            Some(self.proprietary.clone())
        } else {
            None
        }
    }

    fn is_empty(&self) -> bool {
        self.domain.is_empty() && self.proprietary.is_empty()
    }

    /// Return sub-families of the ISO codes (PMNT/RDDT/UPDD, PMNT/IRCT/RRTN, ...), a
    /// proprietary code containing "RTRN", or a German GVC for returns ("NRTI+109+...").
    fn is_return(&self) -> bool {
        matches!(
            self.sub_family.as_str(),
            "UPDD" | "RRTN" | "PRDD" | "RPCR" | "ARET"
        ) || self.proprietary.to_ascii_uppercase().contains("RTRN")
            || self
                .proprietary
                .split('+')
                .nth(1)
                .is_some_and(crate::mt940::is_return_gvc)
    }
}

#[derive(Debug, Default)]
struct Party {
    name: String,
    ultimate: String,
    iban: Option<String>,
    bic: Option<String>,
}

#[derive(Debug, Default)]
struct Tx {
    path: String,
    amount: Option<(Decimal, String)>,
    instructed: Option<(Decimal, String)>,
    credit: Option<bool>,
    end_to_end_id: Option<String>,
    bank_reference: Option<String>,
    code: BankCode,
    debtor: Party,
    creditor: Party,
    unstructured: String,
    creditor_reference: Option<String>,
    document_numbers: Vec<String>,
    additional: String,
    returned: bool,
    return_reason: Option<String>,
}

#[derive(Debug, Default)]
struct Ntry {
    path: String,
    amount: Option<(Decimal, String)>,
    credit: Option<bool>,
    reversal: bool,
    status: String,
    booking: Option<NaiveDate>,
    value: Option<NaiveDate>,
    bank_reference: Option<String>,
    code: BankCode,
    txs: Vec<Tx>,
}

#[derive(Debug, Default)]
struct Bal {
    path: String,
    code: String,
    amount: Option<(Decimal, String)>,
    debit: bool,
    date: Option<NaiveDate>,
}

#[derive(Debug, Default)]
struct Stmt {
    path: String,
    id: Option<String>,
    sequence: Option<String>,
    legal_sequence: Option<String>,
    iban: Option<String>,
    other: Option<String>,
    currency: Option<String>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    opening: Option<(Balance, bool)>,
    closing: Option<Balance>,
    entries: Vec<Entry>,
}

struct Camt<'a> {
    input: &'a str,
    file: &'a str,
    frames: Vec<Frame>,
    tags: Vec<T>,
    text: String,
    currency_attr: Option<String>,
    stmt: Option<Stmt>,
    bal: Option<Bal>,
    ntry: Option<Ntry>,
    tx: Option<Tx>,
    statements: Vec<Statement>,
}

pub(crate) fn parse(bytes: &[u8], file: &str, format: Format) -> Result<Parsed, ParseError> {
    let decoded = decode(bytes);
    let mut camt = Camt {
        input: &decoded.text,
        file,
        frames: Vec::with_capacity(16),
        tags: Vec::with_capacity(16),
        text: String::new(),
        currency_attr: None,
        stmt: None,
        bal: None,
        ntry: None,
        tx: None,
        statements: Vec::new(),
    };
    camt.run()?;
    if camt.statements.is_empty() {
        let what = if format == Format::Camt054 {
            "no <Ntfctn> notification"
        } else {
            "no <Stmt> statement"
        };
        return Err(ParseError::new(
            file,
            "/Document",
            format!("{what} in the file: it is not a camt.053/camt.054 bank statement"),
        ));
    }
    Ok(Parsed {
        format,
        encoding: decoded.encoding_name(),
        statements: camt.statements,
    })
}

impl<'a> Camt<'a> {
    fn run(&mut self) -> Result<(), ParseError> {
        let mut reader = Reader::from_str(self.input);
        loop {
            let event = match reader.read_event() {
                Ok(event) => event,
                Err(e) => {
                    let line = line_of(self.input, reader.error_position());
                    return Err(self.error(format!(
                        "the XML is damaged or cut off near line {line}: {e}"
                    )));
                }
            };
            match event {
                Event::Start(e) => self.open(&e)?,
                Event::Empty(e) => {
                    self.open(&e)?;
                    self.close()?;
                }
                Event::End(_) => self.close()?,
                Event::Text(t) => self.text.push_str(&t),
                Event::CData(t) => self.text.push_str(&t),
                Event::GeneralRef(r) => match r.resolve_char_ref() {
                    Ok(Some(c)) => self.text.push(c),
                    _ => self.text.push_str(match &*r {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "",
                    }),
                },
                Event::Eof => break,
                _ => {}
            }
        }
        if let Some(frame) = self.frames.last() {
            let name = &self.input[frame.name.0..frame.name.1];
            return Err(self.error(format!(
                "the file ends inside <{name}>: it is cut off (download it again)"
            )));
        }
        Ok(())
    }

    fn error(&self, message: impl Into<String>) -> ParseError {
        let path = self.path();
        ParseError::new(
            self.file,
            if path.is_empty() { "/" } else { &path },
            message,
        )
    }

    fn path(&self) -> String {
        let mut path = String::with_capacity(96);
        for frame in &self.frames {
            path.push('/');
            path.push_str(&self.input[frame.name.0..frame.name.1]);
            if frame.index > 0 {
                let _ = write!(path, "[{}]", frame.index);
            }
        }
        path
    }

    /// The last `DEPTH` tags, right-aligned and padded, for slice patterns.
    fn tail(&self) -> [T; DEPTH] {
        let mut tail = [T::Pad; DEPTH];
        let n = self.tags.len().min(DEPTH);
        tail[DEPTH - n..].copy_from_slice(&self.tags[self.tags.len() - n..]);
        tail
    }

    fn open(&mut self, e: &BytesStart<'_>) -> Result<(), ParseError> {
        let local = e.local_name().into_inner();
        let tag = T::of(local);
        let start = (local.as_ptr() as usize).wrapping_sub(self.input.as_ptr() as usize);
        let name = if start <= self.input.len() && start + local.len() <= self.input.len() {
            (start, start + local.len())
        } else {
            (0, 0)
        };
        let index = match (tag.counter(), self.frames.last_mut()) {
            (Some(k), Some(parent)) => {
                parent.counts[k] += 1;
                parent.counts[k]
            }
            _ => 0,
        };
        self.frames.push(Frame {
            name,
            index,
            counts: [0; 5],
        });
        self.tags.push(tag);
        self.text.clear();
        match tag {
            T::Stmt | T::Ntfctn => {
                self.stmt = Some(Stmt {
                    path: self.path(),
                    ..Stmt::default()
                })
            }
            T::Bal => {
                self.bal = Some(Bal {
                    path: self.path(),
                    ..Bal::default()
                })
            }
            T::Ntry => {
                self.ntry = Some(Ntry {
                    path: self.path(),
                    ..Ntry::default()
                })
            }
            T::TxDtls => {
                self.tx = Some(Tx {
                    path: self.path(),
                    ..Tx::default()
                })
            }
            T::Amt => {
                self.currency_attr = match e.try_get_attribute("Ccy") {
                    Ok(Some(a)) => Some(a.value.into_owned()),
                    _ => None,
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn close(&mut self) -> Result<(), ParseError> {
        let text = std::mem::take(&mut self.text);
        let result = self.closed(text.trim());
        self.text = text;
        self.text.clear();
        self.frames.pop();
        self.tags.pop();
        result
    }

    /// Handles the element on top of the stack, which is closing; `v` is its text.
    fn closed(&mut self, v: &str) -> Result<(), ParseError> {
        use T::*;
        match self.tail() {
            [.., Stmt | Ntfctn] => self.finish_statement()?,
            [.., Stmt | Ntfctn, Id] => self.stmt_mut().id = non_empty(v),
            [.., Stmt | Ntfctn, ElctrncSeqNb] => self.stmt_mut().sequence = non_empty(v),
            [.., Stmt | Ntfctn, LglSeqNb] => self.stmt_mut().legal_sequence = non_empty(v),
            [.., Stmt | Ntfctn, FrToDt, FrDtTm] => self.stmt_mut().from = Some(self.date(v)?),
            [.., Stmt | Ntfctn, FrToDt, ToDtTm] => self.stmt_mut().to = Some(self.date(v)?),
            [.., Stmt | Ntfctn, Acct, Id, Iban] => self.stmt_mut().iban = text::iban(v),
            [.., Stmt | Ntfctn, Acct, Id, Othr, Id] => self.stmt_mut().other = non_empty(v),
            [.., Stmt | Ntfctn, Acct, Ccy] => self.stmt_mut().currency = text::currency(v),

            [.., Stmt | Ntfctn, Bal] => self.finish_balance()?,
            [.., Bal, Tp, CdOrPrtry, Cd] => self.bal_mut().code = v.to_ascii_uppercase(),
            [.., Bal, Amt] => {
                let amount = self.amount(v)?;
                self.bal_mut().amount = Some(amount);
            }
            [.., Bal, CdtDbtInd] => {
                let credit = self.direction(v)?;
                self.bal_mut().debit = !credit;
            }
            [.., Bal, Dt, Dt | DtTm] => {
                let date = self.date(v)?;
                self.bal_mut().date = Some(date);
            }

            [.., Ntry] => self.finish_entry()?,
            [.., Ntry, Amt] => {
                let amount = self.amount(v)?;
                self.ntry_mut().amount = Some(amount);
            }
            [.., Ntry, CdtDbtInd] => {
                let credit = self.direction(v)?;
                self.ntry_mut().credit = Some(credit);
            }
            [.., Ntry, RvslInd] => self.ntry_mut().reversal = matches!(v, "true" | "1"),
            [.., Ntry, Sts] | [.., Ntry, Sts, Cd] if !v.is_empty() => {
                self.ntry_mut().status = v.to_ascii_uppercase()
            }
            [.., Ntry, BookgDt, Dt | DtTm] => {
                let date = self.date(v)?;
                self.ntry_mut().booking = Some(date);
            }
            [.., Ntry, ValDt, Dt | DtTm] => {
                let date = self.date(v)?;
                self.ntry_mut().value = Some(date);
            }
            [.., Ntry, AcctSvcrRef] => self.ntry_mut().bank_reference = non_empty(v),
            [.., Ntry, BkTxCd, Domn, Cd] => self.ntry_mut().code.domain = v.to_string(),
            [.., Ntry, BkTxCd, Domn, Fmly, Cd] => self.ntry_mut().code.family = v.to_string(),
            [.., Ntry, BkTxCd, Domn, Fmly, SubFmlyCd] => {
                self.ntry_mut().code.sub_family = v.to_string()
            }
            [.., Ntry, BkTxCd, Prtry, Cd] => self.ntry_mut().code.proprietary = v.to_string(),

            [.., TxDtls] => {
                if let (Some(tx), Some(ntry)) = (self.tx.take(), self.ntry.as_mut()) {
                    ntry.txs.push(tx);
                }
            }
            [.., TxDtls, Amt] | [.., TxDtls, AmtDtls, TxAmt, Amt] => {
                let amount = self.amount(v)?;
                self.tx_mut().amount = Some(amount);
            }
            [.., TxDtls, AmtDtls, InstdAmt, Amt] => {
                let amount = self.amount(v)?;
                self.tx_mut().instructed = Some(amount);
            }
            [.., TxDtls, CdtDbtInd] => {
                let credit = self.direction(v)?;
                self.tx_mut().credit = Some(credit);
            }
            [.., TxDtls, Refs, EndToEndId] => self.tx_mut().end_to_end_id = text::end_to_end(v),
            [.., TxDtls, Refs, AcctSvcrRef] => self.tx_mut().bank_reference = non_empty(v),
            [.., TxDtls, BkTxCd, Domn, Cd] => self.tx_mut().code.domain = v.to_string(),
            [.., TxDtls, BkTxCd, Domn, Fmly, Cd] => self.tx_mut().code.family = v.to_string(),
            [.., TxDtls, BkTxCd, Domn, Fmly, SubFmlyCd] => {
                self.tx_mut().code.sub_family = v.to_string()
            }
            [.., TxDtls, BkTxCd, Prtry, Cd] => self.tx_mut().code.proprietary = v.to_string(),

            [.., RltdPties, Dbtr, Nm]
            | [.., RltdPties, Dbtr, Pty, Nm]
            | [.., RltdPties, Dbtr, Agt, FinInstnId, Nm] => self.tx_mut().debtor.name = clean(v),
            [.., RltdPties, Cdtr, Nm]
            | [.., RltdPties, Cdtr, Pty, Nm]
            | [.., RltdPties, Cdtr, Agt, FinInstnId, Nm] => self.tx_mut().creditor.name = clean(v),
            [.., RltdPties, UltmtDbtr, Nm] | [.., RltdPties, UltmtDbtr, Pty, Nm] => {
                self.tx_mut().debtor.ultimate = clean(v)
            }
            [.., RltdPties, UltmtCdtr, Nm] | [.., RltdPties, UltmtCdtr, Pty, Nm] => {
                self.tx_mut().creditor.ultimate = clean(v)
            }
            [.., RltdPties, DbtrAcct, Id, Iban] => self.tx_mut().debtor.iban = text::iban(v),
            [.., RltdPties, CdtrAcct, Id, Iban] => self.tx_mut().creditor.iban = text::iban(v),
            [.., RltdPties, DbtrAcct, Id, Othr, Id] => {
                let tx = self.tx_mut();
                tx.debtor.iban = tx.debtor.iban.take().or_else(|| text::iban(v));
            }
            [.., RltdPties, CdtrAcct, Id, Othr, Id] => {
                let tx = self.tx_mut();
                tx.creditor.iban = tx.creditor.iban.take().or_else(|| text::iban(v));
            }
            [.., RltdAgts, DbtrAgt, FinInstnId, Bic | Bicfi]
            | [.., RltdPties, Dbtr, Agt, FinInstnId, Bic | Bicfi] => {
                let tx = self.tx_mut();
                tx.debtor.bic = tx.debtor.bic.take().or_else(|| text::bic(v));
            }
            [.., RltdAgts, CdtrAgt, FinInstnId, Bic | Bicfi]
            | [.., RltdPties, Cdtr, Agt, FinInstnId, Bic | Bicfi] => {
                let tx = self.tx_mut();
                tx.creditor.bic = tx.creditor.bic.take().or_else(|| text::bic(v));
            }

            [.., TxDtls, RmtInf, Ustrd] => text::push_spaced(&mut self.tx_mut().unstructured, v),
            [.., RmtInf, Strd, CdtrRefInf, Ref | CdtrRef] => {
                let tx = self.tx_mut();
                if tx.creditor_reference.is_none() && !v.is_empty() {
                    tx.creditor_reference = Some(text::compact_upper(v));
                }
            }
            [.., RmtInf, Strd, RfrdDocInf, Nb] if !v.is_empty() => {
                self.tx_mut().document_numbers.push(v.to_string())
            }
            [.., RmtInf, Strd, AddtlRmtInf] => text::push_spaced(&mut self.tx_mut().additional, v),
            [.., TxDtls, RtrInf] => self.tx_mut().returned = true,
            [.., TxDtls, RtrInf, Rsn, Cd | Prtry] => self.tx_mut().return_reason = non_empty(v),
            _ => {}
        }
        Ok(())
    }

    // The builders exist whenever their element is open; an element found outside its
    // parent (a `Ntry` outside any `Stmt`) writes into a scratch value that is dropped.
    fn stmt_mut(&mut self) -> &mut Stmt {
        self.stmt.get_or_insert_with(Stmt::default)
    }
    fn bal_mut(&mut self) -> &mut Bal {
        self.bal.get_or_insert_with(Bal::default)
    }
    fn ntry_mut(&mut self) -> &mut Ntry {
        self.ntry.get_or_insert_with(Ntry::default)
    }
    fn tx_mut(&mut self) -> &mut Tx {
        self.tx.get_or_insert_with(Tx::default)
    }

    fn amount(&self, v: &str) -> Result<(Decimal, String), ParseError> {
        let amount = text::decimal_dot(v).ok_or_else(|| {
            self.error(format!("the amount \"{}\" is not a number", text::shown(v)))
        })?;
        let currency = match self.currency_attr.as_deref() {
            Some(c) => text::currency(c).ok_or_else(|| {
                self.error(format!(
                    "the currency \"{}\" is not a 3-letter code",
                    text::shown(c)
                ))
            })?,
            None => return Err(self.error("the amount has no currency (Ccy=\"...\")")),
        };
        Ok((amount, currency))
    }

    fn date(&self, v: &str) -> Result<NaiveDate, ParseError> {
        text::iso_date(v).ok_or_else(|| {
            self.error(format!(
                "the date \"{}\" is not a date (expected 2024-03-31)",
                text::shown(v)
            ))
        })
    }

    fn direction(&self, v: &str) -> Result<bool, ParseError> {
        match v {
            "CRDT" => Ok(true),
            "DBIT" => Ok(false),
            _ => Err(self.error(format!(
                "the direction \"{}\" is neither CRDT (credit) nor DBIT (debit)",
                text::shown(v)
            ))),
        }
    }

    fn finish_balance(&mut self) -> Result<(), ParseError> {
        let Some(bal) = self.bal.take() else {
            return Ok(());
        };
        let opening = matches!(bal.code.as_str(), "OPBD" | "PRCD");
        if !opening && bal.code != "CLBD" {
            return Ok(());
        }
        let err = |what: &str| {
            ParseError::new(self.file, &bal.path, format!("the balance has no {what}"))
        };
        let (amount, currency) = bal.amount.clone().ok_or_else(|| err("amount (<Amt>)"))?;
        let date = bal.date.ok_or_else(|| err("date (<Dt>)"))?;
        let balance = Balance {
            amount: if bal.debit { -amount } else { amount },
            currency,
            date,
        };
        let stmt = self.stmt_mut();
        if opening {
            let is_opbd = bal.code == "OPBD";
            if stmt
                .opening
                .as_ref()
                .is_none_or(|(_, had_opbd)| is_opbd && !had_opbd)
            {
                stmt.opening = Some((balance, is_opbd));
            }
        } else if stmt.closing.is_none() {
            stmt.closing = Some(balance);
        }
        Ok(())
    }

    fn finish_statement(&mut self) -> Result<(), ParseError> {
        let Some(stmt) = self.stmt.take() else {
            return Ok(());
        };
        let Some(id) = stmt.id else {
            return Err(ParseError::new(
                self.file,
                &stmt.path,
                "the statement has no identification (<Id>)",
            ));
        };
        let opening = stmt.opening.map(|(b, _)| b);
        let currency = stmt
            .currency
            .or_else(|| opening.as_ref().map(|b| b.currency.clone()))
            .or_else(|| stmt.closing.as_ref().map(|b| b.currency.clone()));
        self.statements.push(Statement {
            account_iban: stmt.iban,
            account_other: stmt.other,
            currency,
            statement_id: id,
            sequence: stmt.sequence.or(stmt.legal_sequence),
            from: stmt.from,
            to: stmt.to,
            opening,
            closing: stmt.closing,
            entries: stmt.entries,
        });
        Ok(())
    }

    fn finish_entry(&mut self) -> Result<(), ParseError> {
        let Some(ntry) = self.ntry.take() else {
            return Ok(());
        };
        // Pending and information-only entries have not moved money (yet).
        if matches!(ntry.status.as_str(), "PDNG" | "INFO" | "FUTR") {
            return Ok(());
        }
        let err = |message: &str| ParseError::new(self.file, &ntry.path, message);
        let (amount, currency) = ntry
            .amount
            .clone()
            .ok_or_else(|| err("the entry has no amount (<Amt>)"))?;
        let credit = ntry
            .credit
            .ok_or_else(|| err("the entry has no direction (<CdtDbtInd>)"))?;
        let booking_date = ntry
            .booking
            .ok_or_else(|| err("missing booking date (<BookgDt>)"))?;
        let Some(stmt) = self.stmt.as_mut() else {
            return Ok(());
        };
        let our_iban = stmt.iban.clone();
        if ntry.txs.is_empty() {
            stmt.entries.push(Entry {
                booking_date,
                value_date: ntry.value,
                amount: amount.abs(),
                currency,
                credit: ((amount >= Decimal::ZERO) == credit) != ntry.reversal,
                reversal: ntry.reversal,
                is_return: ntry.code.is_return(),
                return_reason: None,
                counterparty_name: String::new(),
                counterparty_iban: None,
                counterparty_bic: None,
                remittance: String::new(),
                creditor_reference: None,
                end_to_end_id: None,
                bank_reference: ntry.bank_reference,
                bank_code: ntry.code.code(),
                location: ntry.path,
            });
            return Ok(());
        }
        let single = ntry.txs.len() == 1;
        for tx in ntry.txs {
            let (tx_amount, tx_currency) = match tx.amount.or(if single {
                Some((amount, currency.clone()))
            } else {
                tx.instructed
            }) {
                Some(a) => a,
                None => {
                    return Err(ParseError::new(
                        self.file,
                        &tx.path,
                        "this transaction of a batch entry has no amount (<Amt>)",
                    ))
                }
            };
            let direction = tx.credit.unwrap_or(credit);
            let credit = ((tx_amount >= Decimal::ZERO) == direction) != ntry.reversal;
            let code = if tx.code.is_empty() {
                &ntry.code
            } else {
                &tx.code
            };
            let is_return = tx.returned || code.is_return();
            // Returns and reversals keep the parties of the original payment, whose
            // direction was the other one.
            let original_credit = if is_return || ntry.reversal {
                !credit
            } else {
                credit
            };
            let (first, second) = if original_credit {
                (&tx.debtor, &tx.creditor)
            } else {
                (&tx.creditor, &tx.debtor)
            };
            let party = choose_party(first, second, our_iban.as_deref());
            let mut remittance = tx.unstructured;
            text::push_spaced(&mut remittance, &tx.additional);
            for number in &tx.document_numbers {
                if !remittance.contains(number.as_str()) {
                    text::push_spaced(&mut remittance, number);
                }
            }
            stmt.entries.push(Entry {
                booking_date,
                value_date: ntry.value,
                amount: tx_amount.abs(),
                currency: tx_currency,
                credit,
                reversal: ntry.reversal,
                is_return,
                return_reason: tx.return_reason,
                counterparty_name: if party.name.is_empty() {
                    party.ultimate.clone()
                } else {
                    party.name.clone()
                },
                counterparty_iban: party.iban.clone(),
                counterparty_bic: party.bic.clone(),
                remittance: text::collapse_spaces(&remittance),
                creditor_reference: tx.creditor_reference,
                end_to_end_id: tx.end_to_end_id,
                bank_reference: tx.bank_reference.or_else(|| ntry.bank_reference.clone()),
                bank_code: code.code(),
                location: tx.path,
            });
        }
        Ok(())
    }
}

/// The other party: the preferred side unless it is empty or is our own account.
fn choose_party<'p>(first: &'p Party, second: &'p Party, ours: Option<&str>) -> &'p Party {
    let is_us = |p: &Party| ours.is_some() && p.iban.as_deref() == ours;
    let is_empty = |p: &Party| p.name.is_empty() && p.ultimate.is_empty() && p.iban.is_none();
    if (is_us(first) || is_empty(first)) && !is_us(second) && !is_empty(second) {
        second
    } else {
        first
    }
}

fn non_empty(v: &str) -> Option<String> {
    (!v.is_empty()).then(|| v.to_string())
}

fn clean(v: &str) -> String {
    text::collapse_spaces(v)
}

/// 1-based line of a byte offset.
pub(crate) fn line_of(input: &str, offset: u64) -> usize {
    let end = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(input.len());
    input.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}
