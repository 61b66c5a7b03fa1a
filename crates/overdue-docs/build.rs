//! Lists the translation catalogs under `i18n/` so that a new language is a new file there,
//! not a code change.

use std::fmt::Write as _;

fn main() {
    let dir = std::path::Path::new("i18n");
    println!("cargo:rerun-if-changed=i18n");
    let mut codes: Vec<String> = std::fs::read_dir(dir)
        .expect("crates/overdue-docs/i18n exists")
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            name.strip_suffix(".toml").map(str::to_string)
        })
        .collect();
    codes.sort();
    let mut out = String::from("&[\n");
    for code in &codes {
        let path = std::fs::canonicalize(dir.join(format!("{code}.toml"))).expect("catalog path");
        let _ = writeln!(
            out,
            "    ({code:?}, include_str!({:?})),",
            path.display().to_string()
        );
    }
    out.push(']');
    let target =
        std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("catalogs.rs");
    std::fs::write(target, out).expect("write catalogs.rs");
}
