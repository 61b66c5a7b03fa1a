//! Free-form reports (the case file's cover summary, contact log, payment history):
//! headings, paragraphs and tables under the company's name, with bookmarks per section.

use crate::font::Face;
use crate::format::Lang;
use crate::layout::{col, printable, width_mm, Align, Flow, Mark, SMALL, TABLE_SIZE};
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
    /// The language of the page footer ("Seite 1 von 2").
    pub lang: Lang,
}

/// Room around a cell's text: `Flow::table` cuts a cell at its width less 2 mm.
const PAD: f32 = 2.05;

/// Smallest font a report table is set in to make its content fit (points).
const TABLE_MIN_SIZE: f32 = 7.0;

/// Column widths in mm and the font size: each column gets what its widest header or cell
/// needs at [`TABLE_SIZE`], and what is left of `total` is shared in proportion to the
/// columns' percentages. When the content is wider than `total`, the table is set smaller
/// (text scales with the font size), down to [`TABLE_MIN_SIZE`]; below that, cells are cut.
fn column_widths(
    columns: &[(String, u8, bool)],
    rows: &[Vec<String>],
    bold_rows: &[usize],
    total: f32,
) -> (Vec<f32>, f32) {
    let need: Vec<f32> = columns
        .iter()
        .enumerate()
        .map(|(j, (title, _, _))| {
            let header = width_mm(Face::Bold, TABLE_SIZE, &printable(title));
            let cells = rows
                .iter()
                .enumerate()
                .filter(|(_, row)| {
                    // A left-aligned cell followed by an empty one may run on over it.
                    let runs_on =
                        !columns[j].2 && row.get(j + 1).is_some_and(|next| next.is_empty());
                    !runs_on
                })
                .filter_map(|(i, row)| {
                    let face = if bold_rows.contains(&i) {
                        Face::Bold
                    } else {
                        Face::Regular
                    };
                    row.get(j)
                        .map(|cell| width_mm(face, TABLE_SIZE, &printable(cell)))
                })
                .fold(0.0_f32, f32::max);
            header.max(cells) + PAD
        })
        .collect();
    let needed: f32 = need.iter().sum();
    if needed > total {
        // Text scales with the font size; the cells' padding does not.
        let pads = PAD * need.len() as f32;
        let scale = ((total - pads) / (needed - pads)).max(0.0);
        let size = TABLE_SIZE * scale;
        if size >= TABLE_MIN_SIZE {
            return (need.iter().map(|n| (n - PAD) * scale + PAD).collect(), size);
        }
        return (
            need.iter().map(|n| total * n / needed).collect(),
            TABLE_MIN_SIZE,
        );
    }
    let shares: f32 = columns.iter().map(|c| f32::from(c.1)).sum::<f32>().max(1.0);
    let widths = need
        .iter()
        .zip(columns)
        .map(|(n, c)| n + (total - needed) * f32::from(c.1) / shares)
        .collect();
    (widths, TABLE_SIZE)
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
                let (widths, size) = column_widths(columns, rows, bold_rows, g.body_width());
                let cols: Vec<_> = columns
                    .iter()
                    .zip(widths)
                    .map(|((t, _, right), w)| {
                        col(t, w, if *right { Align::Right } else { Align::Left })
                    })
                    .collect();
                f.table_sized(&cols, rows, bold_rows, size);
            }
        }
    }
    let n = f.sheets.len();
    let right = g.width - g.right;
    for (i, sheet) in f.sheets.iter_mut().enumerate() {
        let page = r.lang.t(
            "page",
            &[("page", &(i + 1).to_string()), ("pages", &n.to_string())],
        );
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_fit_their_widest_header_or_cell() {
        let columns: Vec<(String, u8, bool)> = [
            ("Von", 12, false),
            ("Bis", 12, false),
            ("Tage", 6, true),
            ("Hauptforderung", 16, true),
            ("Basiszins", 10, true),
            ("Stichtag", 12, false),
            ("Zinssatz", 10, true),
            ("Je Tag", 9, true),
            ("Zinsen", 13, true),
        ]
        .iter()
        .map(|(t, p, r)| (t.to_string(), *p, *r))
        .collect();
        let row = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let rows = vec![
            row(&[
                "01.10.2025",
                "31.12.2025",
                "92",
                "12.500,00 €",
                "1,27%",
                "01.07.2025",
                "10,27%",
                "3,52 €",
                "323,575342",
            ]),
            row(&["Summe", "", "258", "", "", "", "", "", "813,100413"]),
        ];
        let (w, size) = column_widths(&columns, &rows, &[1], 175.0);
        assert_eq!(size, TABLE_SIZE);
        let sum: f32 = w.iter().sum();
        assert!((sum - 175.0).abs() < 0.01, "{w:?}");
        for (j, (title, _, _)) in columns.iter().enumerate() {
            let widest = [
                width_mm(Face::Regular, TABLE_SIZE, &rows[0][j]),
                width_mm(Face::Bold, TABLE_SIZE, &rows[1][j]),
                width_mm(Face::Bold, TABLE_SIZE, title),
            ]
            .into_iter()
            .fold(0.0_f32, f32::max);
            assert!(
                w[j] >= widest + 2.0,
                "column {title}: {} < {widest}: {w:?}",
                w[j]
            );
        }
        // A little too wide (A4's 165 mm): set smaller, every cell still fits at that size.
        let (w, size) = column_widths(&columns, &rows, &[1], 160.0);
        assert!(size < TABLE_SIZE && size > TABLE_MIN_SIZE, "{size}");
        assert!((w.iter().sum::<f32>() - 160.0).abs() < 0.01, "{w:?}");
        for (j, width) in w.iter().enumerate() {
            let cell = width_mm(Face::Regular, size, &rows[0][j]);
            assert!(*width >= cell + 2.0, "{j}: {w:?}");
        }
        // Far too wide: the smallest size, the total width kept.
        let (w, size) = column_widths(&columns, &rows, &[1], 60.0);
        assert_eq!(size, TABLE_MIN_SIZE);
        assert!((w.iter().sum::<f32>() - 60.0).abs() < 0.01, "{w:?}");
    }
}
