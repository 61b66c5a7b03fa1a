//! Any text as a dunning template a user edits (subject on the first line, the body
//! after it), rendered by the engine as Overdue sets it up (`overdue-api/src/
//! template_env.rs`, compiled in by path) against the sample context the template editor
//! checks with: never a panic, an error or a message; a subject renders on one line
//! once the app joins it.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "../../crates/overdue-api/src/template_env.rs"]
mod template_env;

fuzz_target!(|text: &str| {
    let (subject, body) = text.split_once('\n').unwrap_or((text, ""));
    let ctx: serde_json::Value =
        serde_json::from_str(include_str!("../template_sample.json")).expect("the sample");
    let env = template_env::environment();
    for source in [subject, body] {
        if let Ok(out) = env.render_str(source, &ctx) {
            let one_line = out.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(!one_line.contains('\n'));
        }
    }
});
