//! Free-form reports (the case file's cover summary, contact log, payment history):
//! headings, paragraphs and tables under the company's name, with bookmarks per section.

use crate::font::Face;
use crate::layout::{col, Align, Flow, Mark, SMALL};
use crate::model::{Letterhead, PageSize};
use crate::pdf::Bookmark;

/// One piece of a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A section title; starts a bookmark. `new_page` starts it on a fresh page.
    Section {
        /// Title.
        title: String,
        /// Start on a new page.
        new_page: bool,
    },
    /// A paragraph.
    Para(String),
    /// A paragraph in small print (hashes, notes).
    Small(String),
    /// A table: columns (title, share of the width in percent, right-aligned), rows.
    Table {
        /// Columns.
        columns: Vec<(String, u8, bool)>,
        /// Rows (cells in column order).
        rows: Vec<Vec<String>>,
        /// Rows set in bold with a rule above (totals).
        bold_rows: Vec<usize>,
    },
}

/// A report: a title page header and blocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Title (first page).
    pub title: String,
    /// Subtitle (the debtor, the date).
    pub subtitle: String,
    /// Paper size.
    pub page_size: PageSize,
    /// Whose report.
    pub letterhead: Letterhead,
    /// Content.
    pub blocks: Vec<Block>,
}

pub(crate) fn lay_out(r: &Report) -> (Vec<crate::layout::Sheet>, Vec<Bookmark>) {
    let mut f = Flow::new(r.page_size, format!("{} · {}", r.letterhead.name, r.title));
    let g = f.g;
    f.text(g.left, 20.0, 16.0, Face::Bold, &r.letterhead.name);
    f.rule(g.left, g.width - g.right, 24.0, 0.8, 0.15);
    f.y = 30.0;
    f.para_styled(&r.title, 16.0, Face::Bold);
    f.para_styled(&r.subtitle, 10.0, Face::Regular);
    f.gap(3.0);
    let mut bookmarks = Vec::new();
    for b in &r.blocks {
        match b {
            Block::Section { title, new_page } => {
                if *new_page && f.y > g.body_top_next + 1.0 {
                    f.page_break();
                }
                f.heading(title);
                bookmarks.push(Bookmark {
                    title: title.clone(),
                    page: f.sheets.len(),
                });
            }
            Block::Para(t) => f.para(t),
            Block::Small(t) => f.para_styled(t, SMALL, Face::Regular),
            Block::Table {
                columns,
                rows,
                bold_rows,
            } => {
                let w = g.body_width();
                let cols: Vec<_> = columns
                    .iter()
                    .map(|(t, pct, right)| {
                        col(
                            t,
                            w * f32::from(*pct) / 100.0,
                            if *right { Align::Right } else { Align::Left },
                        )
                    })
                    .collect();
                f.table(&cols, rows, bold_rows);
            }
        }
    }
    let n = f.sheets.len();
    let right = g.width - g.right;
    for (i, sheet) in f.sheets.iter_mut().enumerate() {
        let page = format!("Page {} of {}", i + 1, n);
        let pw = crate::layout::width_mm(Face::Regular, 7.0, &page);
        sheet.marks.push(Mark::Text {
            x: right - pw,
            y: g.height - 12.0,
            size: 7.0,
            face: Face::Regular,
            grey: 0.35,
            text: page,
        });
    }
    (f.sheets, bookmarks)
}
