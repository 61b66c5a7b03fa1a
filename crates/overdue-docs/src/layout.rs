//! Page geometry and a small flow layout: text is measured with the shipped font's advance
//! widths, wrapped, and placed as marks on sheets (millimetres from the top-left corner).
//! The marks are turned into PDF operators by [`crate::pdf`]; no HTML, no second pass.

use crate::font::{self, Face};
use crate::model::PageSize;

/// Points per millimetre.
pub(crate) const PT_PER_MM: f32 = 72.0 / 25.4;

/// One thing drawn on a sheet. Coordinates in mm from the top-left corner; text `y` is the
/// baseline.
#[derive(Debug, Clone)]
pub(crate) enum Mark {
    Text {
        x: f32,
        y: f32,
        size: f32,
        face: Face,
        grey: f32,
        text: String,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width_pt: f32,
        grey: f32,
    },
    Fill {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        grey: f32,
    },
    Qr {
        x: f32,
        y: f32,
        size: f32,
        width: usize,
        dark: Vec<bool>,
    },
    /// An attached image, `y` its top edge.
    Image {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        image: std::sync::Arc<crate::appendix::Image>,
    },
}

/// One page's marks.
#[derive(Debug, Clone)]
pub(crate) struct Sheet {
    pub size: PageSize,
    pub marks: Vec<Mark>,
}

/// Where things go on a page of a given size.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Geometry {
    pub width: f32,
    pub height: f32,
    pub left: f32,
    pub right: f32,
    /// Window envelope: the return-address line's baseline, the address's first baseline.
    pub return_y: f32,
    pub address_x: f32,
    pub address_y: f32,
    pub address_w: f32,
    /// The reference/date block.
    pub info_x: f32,
    pub info_y: f32,
    /// Body on the first page and on following pages.
    pub body_top_first: f32,
    pub body_top_next: f32,
    pub body_bottom: f32,
    /// Fold marks (and the punch mark on A4).
    pub folds: [f32; 3],
}

impl Geometry {
    pub(crate) fn of(size: PageSize) -> Geometry {
        match size {
            // DIN 5008 form B: address field 45 mm from the top, 20 mm from the left,
            // 85 x 45 mm, the first 17.7 mm for the return address and notes; folds at
            // 105 and 210 mm, punch mark at 148.5 mm.
            PageSize::A4 => Geometry {
                width: 210.0,
                height: 297.0,
                left: 25.0,
                right: 20.0,
                return_y: 59.5,
                address_x: 25.0,
                address_y: 67.0,
                address_w: 80.0,
                info_x: 125.0,
                info_y: 55.0,
                body_top_first: 98.5,
                body_top_next: 30.0,
                body_bottom: 272.0,
                folds: [105.0, 148.5, 210.0],
            },
            // US #10 window envelope, letter folded in thirds: the window shows a 4 x 1 in
            // area about 2 in from the top and 7/8 in from the left edge.
            PageSize::Letter => Geometry {
                width: 215.9,
                height: 279.4,
                left: 25.4,
                right: 22.0,
                return_y: 47.0,
                address_x: 22.2,
                address_y: 54.0,
                address_w: 95.0,
                info_x: 132.0,
                info_y: 50.0,
                body_top_first: 92.0,
                body_top_next: 30.0,
                body_bottom: 254.0,
                folds: [93.13, 139.7, 186.27],
            },
        }
    }

    pub(crate) fn body_width(&self) -> f32 {
        self.width - self.left - self.right
    }
}

/// Table cells' font size in points.
pub(crate) const TABLE_SIZE: f32 = 8.5;

/// Height of a line of text at `size` points, in mm.
pub(crate) fn line_height(size: f32) -> f32 {
    size * 1.38 / PT_PER_MM
}

/// Width of `text` in mm.
pub(crate) fn width_mm(face: Face, size: f32, text: &str) -> f32 {
    font::text_width(face, size, text) / PT_PER_MM
}

/// Replaces characters the font lacks by `?` and control characters by spaces.
pub(crate) fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                ' '
            } else if font::has_glyph(c) {
                c
            } else {
                '?'
            }
        })
        .collect()
}

/// Breaks `text` into lines no wider than `width` mm (explicit newlines kept).
pub(crate) fn wrap(face: Face, size: f32, text: &str, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if width_mm(face, size, &candidate) <= width || line.is_empty() {
                line = candidate;
            } else {
                lines.push(std::mem::take(&mut line));
                line = word.to_string();
            }
        }
        lines.push(line);
    }
    lines
}

/// Shortens `text` with an ellipsis to fit `width` mm.
pub(crate) fn fit(face: Face, size: f32, text: &str, width: f32) -> String {
    if width_mm(face, size, text) <= width {
        return text.to_string();
    }
    let mut s: String = text.to_string();
    while !s.is_empty() && width_mm(face, size, &format!("{s}…")) > width {
        s.pop();
    }
    format!("{s}…")
}

/// Column alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Right,
}

/// A table column: title, width in mm, alignment.
#[derive(Debug, Clone)]
pub(crate) struct Col {
    pub title: String,
    pub width: f32,
    pub align: Align,
}

pub(crate) fn col(title: &str, width: f32, align: Align) -> Col {
    Col {
        title: title.to_string(),
        width,
        align,
    }
}

/// Body text flowing down the pages of one document.
#[derive(Debug)]
pub(crate) struct Flow {
    pub g: Geometry,
    pub size: PageSize,
    pub sheets: Vec<Sheet>,
    pub y: f32,
    /// Printed at the top of following pages.
    pub running_head: String,
}

pub(crate) const BODY: f32 = 9.5;
pub(crate) const SMALL: f32 = 8.0;

impl Flow {
    pub(crate) fn new(size: PageSize, running_head: String) -> Flow {
        let g = Geometry::of(size);
        Flow {
            g,
            size,
            sheets: vec![Sheet {
                size,
                marks: Vec::new(),
            }],
            y: g.body_top_first,
            running_head,
        }
    }

    pub(crate) fn marks(&mut self) -> &mut Vec<Mark> {
        let last = self.sheets.len() - 1;
        &mut self.sheets[last].marks
    }

    pub(crate) fn text(&mut self, x: f32, y: f32, size: f32, face: Face, text: &str) {
        self.grey_text(x, y, size, face, 0.0, text);
    }

    pub(crate) fn grey_text(
        &mut self,
        x: f32,
        y: f32,
        size: f32,
        face: Face,
        grey: f32,
        text: &str,
    ) {
        if text.is_empty() {
            return;
        }
        self.marks().push(Mark::Text {
            x,
            y,
            size,
            face,
            grey,
            text: printable(text),
        });
    }

    pub(crate) fn text_right(&mut self, right: f32, y: f32, size: f32, face: Face, text: &str) {
        let text = printable(text);
        let w = width_mm(face, size, &text);
        self.text(right - w, y, size, face, &text);
    }

    pub(crate) fn rule(&mut self, x1: f32, x2: f32, y: f32, width_pt: f32, grey: f32) {
        self.marks().push(Mark::Line {
            x1,
            y1: y,
            x2,
            y2: y,
            width_pt,
            grey,
        });
    }

    /// Starts a new page (with the running head).
    pub(crate) fn page_break(&mut self) {
        self.sheets.push(Sheet {
            size: self.size,
            marks: Vec::new(),
        });
        let head = self.running_head.clone();
        let (left, right) = (self.g.left, self.g.width - self.g.right);
        self.grey_text(left, 18.0, SMALL, Face::Regular, 0.35, &head);
        self.rule(left, right, 20.0, 0.4, 0.6);
        self.y = self.g.body_top_next;
    }

    /// Makes room for `h` mm, breaking the page when it is not there.
    pub(crate) fn ensure(&mut self, h: f32) {
        if self.y + h > self.g.body_bottom {
            self.page_break();
        }
    }

    pub(crate) fn gap(&mut self, h: f32) {
        self.y += h;
    }

    /// A wrapped paragraph across the body width, followed by half a line of space.
    pub(crate) fn para(&mut self, text: &str) {
        self.para_styled(text, BODY, Face::Regular);
    }

    pub(crate) fn para_styled(&mut self, text: &str, size: f32, face: Face) {
        let width = self.g.body_width();
        self.para_at(self.g.left, width, text, size, face);
        self.y += line_height(size) * 0.35;
    }

    /// Wrapped text at `x`, `width` mm wide, no space after.
    pub(crate) fn para_at(&mut self, x: f32, width: f32, text: &str, size: f32, face: Face) {
        let lh = line_height(size);
        for line in wrap(face, size, &printable(text), width) {
            self.ensure(lh);
            self.y += lh;
            let y = self.y - lh * 0.25;
            self.text(x, y, size, face, &line);
        }
    }

    pub(crate) fn heading(&mut self, text: &str) {
        self.ensure(line_height(11.0) * 3.0);
        self.gap(1.5);
        self.para_styled(text, 11.0, Face::Bold);
    }

    /// A table with a shaded header row; rows in `bold_rows` are set in bold with a rule
    /// above (totals). The header repeats on each new page.
    pub(crate) fn table(&mut self, cols: &[Col], rows: &[Vec<String>], bold_rows: &[usize]) {
        self.table_sized(cols, rows, bold_rows, TABLE_SIZE);
    }

    /// [`Flow::table`] at another font size (a report's wide table set a little smaller so
    /// that every cell fits).
    pub(crate) fn table_sized(
        &mut self,
        cols: &[Col],
        rows: &[Vec<String>],
        bold_rows: &[usize],
        size: f32,
    ) {
        let row_h = line_height(size) + 1.4;
        let left = self.g.left;
        let total_w: f32 = cols.iter().map(|c| c.width).sum();
        let headed = cols.iter().any(|c| !c.title.is_empty());
        self.ensure(row_h * 3.0);
        if headed {
            self.table_header(cols, size, row_h, total_w);
        }
        for (i, row) in rows.iter().enumerate() {
            if self.y + row_h > self.g.body_bottom {
                self.page_break();
                if headed {
                    self.table_header(cols, size, row_h, total_w);
                }
            }
            let bold = bold_rows.contains(&i);
            let face = if bold { Face::Bold } else { Face::Regular };
            if bold {
                self.rule(left, left + total_w, self.y + 0.3, 0.8, 0.0);
            }
            let base = self.y + row_h - 1.6;
            let mut x = left;
            for (j, (c, cell)) in cols.iter().zip(row).enumerate() {
                // A left-aligned cell may run on over the empty cells after it (a charge's
                // label over the date columns).
                let mut room = c.width;
                for (next, next_cell) in cols.iter().zip(row).skip(j + 1) {
                    if c.align != Align::Left || !next_cell.is_empty() {
                        break;
                    }
                    room += next.width;
                }
                let cell = fit(face, size, &printable(cell), room - 2.0);
                match c.align {
                    Align::Left => self.text(x + 1.0, base, size, face, &cell),
                    Align::Right => self.text_right(x + c.width - 1.0, base, size, face, &cell),
                }
                x += c.width;
            }
            self.y += row_h;
            if !bold {
                self.rule(left, left + total_w, self.y, 0.25, 0.8);
            }
        }
        self.y += 3.0;
    }

    fn table_header(&mut self, cols: &[Col], size: f32, row_h: f32, total_w: f32) {
        let left = self.g.left;
        let y = self.y;
        self.marks().push(Mark::Fill {
            x: left,
            y,
            w: total_w,
            h: row_h,
            grey: 0.9,
        });
        let base = y + row_h - 1.6;
        let mut x = left;
        for c in cols {
            match c.align {
                Align::Left => self.text(x + 1.0, base, size, Face::Bold, &c.title),
                Align::Right => {
                    self.text_right(x + c.width - 1.0, base, size, Face::Bold, &c.title)
                }
            }
            x += c.width;
        }
        self.y += row_h;
    }

    /// Label/value pairs in two columns (label grey), e.g. totals or bank details.
    pub(crate) fn pairs(&mut self, x: f32, label_w: f32, pairs: &[(String, String)], size: f32) {
        let lh = line_height(size);
        for (label, value) in pairs {
            self.ensure(lh);
            self.y += lh;
            let y = self.y - lh * 0.25;
            self.grey_text(x, y, size, Face::Regular, 0.35, label);
            self.text(x + label_w, y, size, Face::Regular, value);
        }
    }

    /// Signature lines for two parties side by side.
    pub(crate) fn signatures(&mut self, left_label: &str, right_label: &str) {
        self.ensure(30.0);
        self.gap(18.0);
        let l = self.g.left;
        let half = self.g.body_width() / 2.0;
        self.rule(l, l + half - 10.0, self.y, 0.5, 0.0);
        self.rule(l + half + 5.0, l + 2.0 * half, self.y, 0.5, 0.0);
        self.y += line_height(SMALL);
        let y = self.y;
        self.grey_text(l, y, SMALL, Face::Regular, 0.3, left_label);
        self.grey_text(l + half + 5.0, y, SMALL, Face::Regular, 0.3, right_label);
        self.y += line_height(SMALL);
        let y = self.y;
        self.grey_text(l, y, SMALL, Face::Regular, 0.3, "Name, date, signature");
        self.grey_text(
            l + half + 5.0,
            y,
            SMALL,
            Face::Regular,
            0.3,
            "Name, date, signature",
        );
        self.y += 4.0;
    }

    /// A box to tick, followed by its label (reply forms).
    pub(crate) fn tick_box(&mut self, label: &str) {
        let lh = line_height(BODY);
        let l = self.g.left;
        let lines = wrap(
            Face::Regular,
            BODY,
            &printable(label),
            self.g.body_width() - 8.0,
        );
        self.ensure(lh * lines.len() as f32 + 1.5);
        let top = self.y + 1.2;
        for (x1, y1, x2, y2) in [
            (l, top, l + 3.5, top),
            (l, top + 3.5, l + 3.5, top + 3.5),
            (l, top, l, top + 3.5),
            (l + 3.5, top, l + 3.5, top + 3.5),
        ] {
            self.marks().push(Mark::Line {
                x1,
                y1,
                x2,
                y2,
                width_pt: 0.6,
                grey: 0.0,
            });
        }
        for line in lines {
            self.y += lh;
            let y = self.y - lh * 0.25;
            self.text(l + 7.0, y, BODY, Face::Regular, &line);
        }
        self.y += 1.5;
    }

    /// A line to write on, with its label.
    pub(crate) fn write_line(&mut self, label: &str) {
        let lh = line_height(BODY);
        self.ensure(lh + 4.0);
        self.y += lh + 2.0;
        let l = self.g.left;
        let y = self.y;
        self.text(l, y - lh * 0.25, BODY, Face::Regular, label);
        let start = l + width_mm(Face::Regular, BODY, label) + 3.0;
        let end = self.g.width - self.g.right;
        if start < end - 10.0 {
            self.rule(start, end, y, 0.4, 0.5);
        }
        self.y += 1.5;
    }
}
