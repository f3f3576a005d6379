#![no_main]
//! Identifier and Literal quoting: whatever renders must unquote to the input.

use libfuzzer_sys::fuzz_target;
use pgcast_core::sql::{Composable, Identifier, Literal};

fn unquote_identifier(q: &str) -> String {
    let inner = q.strip_prefix('"').and_then(|s| s.strip_suffix('"')).expect("quoted");
    inner.replace("\"\"", "\"")
}

fn unquote_literal(q: &str) -> String {
    if let Some(e) = q.strip_prefix(" E'") {
        let inner = e.strip_suffix('\'').expect("closing quote");
        inner.replace("''", "'").replace("\\\\", "\\")
    } else {
        let inner = q.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')).expect("quoted");
        inner.replace("''", "'")
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Ok(r) = Identifier::new(s.to_owned()).render() {
        assert_eq!(unquote_identifier(r.text()), s);
        assert!(!s.is_empty() && s.len() <= 63 && !s.contains('\0'));
    } else {
        assert!(s.is_empty() || s.len() > 63 || s.contains('\0'));
    }
    match Literal::new(s.to_owned()).render() {
        Ok(r) => assert_eq!(unquote_literal(r.text()), s),
        Err(_) => assert!(s.contains('\0')),
    }
});
