//! The case file with attachments in their original form: a PDF from another producer is
//! merged in page by page, a PNG is placed on a page, other files are not appended; the
//! result passes `qpdf --check`, has the right page count, bookmarks, and the appended
//! pages' text is extractable.

use std::path::PathBuf;
use std::process::Command;

use overdue_docs::appendix::classify;
use overdue_docs::{
    render_case_file, Appended, Appendix, Block, Letterhead, Metadata, PageSize, Report,
};

fn out_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("overdue-docs-case-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn tool(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd}: {e}"));
    assert!(
        out.status.success(),
        "{cmd} {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A two-page PDF as another program would write it: a standard font, the MediaBox and
/// Resources inherited from the page tree, uncompressed content.
fn foreign_pdf() -> Vec<u8> {
    let content = |text: &str| format!("BT /F1 18 Tf 72 700 Td ({text}) Tj ET");
    let c1 = content("Signed contract page one");
    let c2 = content("Signed contract page two");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 /MediaBox [0 0 612 792] \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_string(),
        "<< /Type /Page /Parent 2 0 R /Contents 6 0 R >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /Contents 7 0 R >>".to_string(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
        format!("<< /Length {} >>\nstream\n{c1}\nendstream", c1.len()),
        format!("<< /Length {} >>\nstream\n{c2}\nendstream", c2.len()),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A 40 x 30 RGBA PNG: a dark square on a transparent background.
fn png_file() -> Vec<u8> {
    let (w, h) = (40u32, 30u32);
    let mut px = Vec::new();
    for y in 0..h {
        for x in 0..w {
            let dark = (10..30).contains(&x) && (5..25).contains(&y);
            px.extend_from_slice(if dark {
                &[20, 20, 20, 255]
            } else {
                &[0, 0, 0, 0]
            });
        }
    }
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Eight);
    enc.write_header().unwrap().write_image_data(&px).unwrap();
    out
}

fn report() -> Report {
    Report {
        title: "Case file: Łukasiewicz s.r.o.".into(),
        subtitle: "Prepared 20 November 2026".into(),
        page_size: PageSize::A4,
        lang: overdue_docs::Lang::En,
        letterhead: Letterhead {
            name: "Nordlicht Handels GmbH".into(),
            ..Default::default()
        },
        blocks: vec![
            Block::Section {
                title: "Summary of the claim".into(),
                new_page: false,
            },
            Block::Para("The claim.".into()),
        ],
    }
}

#[test]
fn attached_pdf_pages_and_images_are_appended_with_bookmarks() {
    let pdf = foreign_pdf();
    let png = png_file();
    assert_eq!(classify(&pdf), Appended::Pages(2));
    assert_eq!(classify(&png), Appended::Image);
    assert!(matches!(classify(b"just some notes"), Appended::No(_)));
    assert!(matches!(classify(b"%PDF-1.4 broken"), Appended::No(_)));

    let meta = Metadata {
        title: "Case file".into(),
        created_unix: 1_795_000_000,
        ..Default::default()
    };
    let base = render_case_file(&report(), &[], &[], &meta).unwrap();
    let bytes = render_case_file(
        &report(),
        &[],
        &[
            Appendix {
                title: "contract.pdf".into(),
                bytes: pdf,
            },
            Appendix {
                title: "delivery-note.png".into(),
                bytes: png,
            },
            Appendix {
                title: "notes.txt".into(),
                bytes: b"just some notes".to_vec(),
            },
        ],
        &meta,
    )
    .unwrap();
    let dir = out_dir();
    let (base_path, path) = (dir.join("base.pdf"), dir.join("case.pdf"));
    std::fs::write(&base_path, base).unwrap();
    std::fs::write(&path, bytes).unwrap();
    let p = path.to_str().unwrap();
    tool("qpdf", &["--check", p]);
    let pages = |f: &str| {
        tool("pdfinfo", &[f])
            .lines()
            .find_map(|l| {
                l.strip_prefix("Pages:")
                    .map(|n| n.trim().parse::<usize>().unwrap())
            })
            .unwrap()
    };
    let n = pages(base_path.to_str().unwrap());
    assert_eq!(
        pages(p),
        n + 1 + 2,
        "one image page and the PDF's two pages"
    );

    // The image page comes first, then the PDF's pages with their own text.
    let last = (n + 3).to_string();
    let text = tool("pdftotext", &["-f", &last, "-l", &last, p, "-"]);
    assert!(text.contains("Signed contract page two"), "{text}");
    let img = (n + 1).to_string();
    let text = tool("pdftotext", &["-f", &img, "-l", &img, p, "-"]);
    assert!(text.contains("delivery-note.png"), "{text}");
    let images = tool("pdfimages", &["-list", p]);
    assert!(
        images
            .lines()
            .any(|l| l.contains(" 40 ") && l.contains(" 30 ") && l.contains("rgb")),
        "the PNG is embedded at its own size: {images}"
    );

    let outlines = tool("qpdf", &["--json", "--json-key=outlines", p]);
    for title in [
        "Summary of the claim",
        "Attachment: contract.pdf",
        "Attachment: delivery-note.png",
    ] {
        assert!(outlines.contains(title), "bookmark {title}: {outlines}");
    }
    assert!(
        !outlines.contains("notes.txt"),
        "a text file is not appended: {outlines}"
    );
    // Our own fonts stay embedded and subset.
    let fonts = tool("pdffonts", &[p]);
    assert!(
        fonts
            .lines()
            .any(|l| l.contains("DejaVuSans") && l.contains(" yes yes yes ")),
        "{fonts}"
    );
}
