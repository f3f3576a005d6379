//! Spans, the query logger, slow-query reports and tags, in a test binary of
//! their own: tracing caches per call site whether anyone listens, and tests
//! without a subscriber running beside these would teach it "no one".

#[path = "../../../../tests/support/mod.rs"]
mod support;

mod spans;
