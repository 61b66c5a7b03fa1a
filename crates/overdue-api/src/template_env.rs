//! The template engine as Overdue sets it up for dunning messages: strict about unknown
//! fields, no HTML escaping (the messages are plain text). Kept apart, with nothing but
//! minijinja, so the `template` fuzz target compiles this very file.

use minijinja::{Environment, UndefinedBehavior};

/// A fresh environment for rendering one message.
pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    // Plain-text messages: nothing is HTML-escaped.
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env
}
