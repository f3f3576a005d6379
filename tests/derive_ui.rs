//! Compile-fail tests of the derives: every misuse has a test of its
//! message. Regenerate the expected output with `TRYBUILD=overwrite` and
//! read every message before committing it.

#[test]
fn derive_misuse_is_a_clear_compile_error() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/derive/*.rs");
}
