#![no_main]
//! The runtime format parser of `Sql::format`, and rendering what it makes.

use libfuzzer_sys::fuzz_target;
use pgcast_core::sql::{Args, HoleRef, Identifier, Segment, Sql, bind, parse_format};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(segments) = parse_format(text) else { return };
    // Every hole points at a `{` of the input; text segments are slices of it.
    let mut autos = 0;
    for seg in &segments {
        match seg {
            Segment::Hole { offset, arg } => {
                assert_eq!(text.as_bytes().get(*offset), Some(&b'{'));
                if let HoleRef::Auto(_) = arg {
                    autos += 1;
                }
            }
            Segment::Text(t) => assert!(text.contains(t)),
        }
    }
    // Fill the auto holes and render: errors are fine, panics are not.
    let mut args = Args::new();
    for i in 0..autos {
        args = if i % 2 == 0 { args.arg(bind(i as i64)) } else { args.arg(Identifier::new(format!("c{i}"))) };
    }
    if let Ok(q) = Sql::from_runtime_unchecked(text.to_owned()).format(args) {
        let _ = q.render();
        let _ = q.render_inline();
    }
});
