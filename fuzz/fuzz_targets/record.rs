#![no_main]
//! Records (composites and anonymous rows): the text and binary parsers,
//! and tuples loaded from arbitrary bytes.

use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;
use pgcast_core::types::record::{parse_binary, parse_text, write_text};
use pgcast_core::{Format, Type};
use pgcast_fuzz::{load_only, split};

fuzz_target!(|data: &[u8]| {
    let Some((choice, format, raw)) = split(data) else { return };
    match choice % 3 {
        0 => {
            // Whatever parses writes back to text that parses to the same fields.
            if let Ok(fields) = parse_text(raw) {
                let mut out = BytesMut::new();
                write_text(&mut out, fields.iter().map(|f| f.as_deref()));
                let again = parse_text(&out).expect("written text parses");
                assert_eq!(again, fields);
            }
        }
        1 => {
            let _ = parse_binary(raw);
        }
        _ => {
            let ty = Type::RECORD;
            match format {
                Format::Binary => load_only::<(i32, Option<String>)>(&ty, format, raw),
                Format::Text => load_only::<(Option<i64>, String, bool)>(&ty, format, raw),
            }
        }
    }
});
