//! Any bytes as mail returned to us: the bounce reader (RFC 3464 / 6533 delivery status
//! notifications, read with mailparse) never panics, and a notice it calls a failure
//! names a recipient, a 5.x.x status or a failed action.
#![no_main]
use libfuzzer_sys::fuzz_target;

// The reader itself, as the app compiles it (it needs nothing of the API but mailparse).
#[path = "../../crates/overdue-api/src/dsn.rs"]
#[allow(dead_code)]
mod dsn;

fuzz_target!(|data: &[u8]| {
    let b = dsn::parse(data);
    if b.is_failure() {
        assert!(
            !b.recipients.is_empty()
                || b.status.starts_with('5')
                || b.actions.iter().any(|a| a.eq_ignore_ascii_case("failed")),
            "{b:?}"
        );
    }
});
