//! `include/zmq.h` is committed; it must be what cbindgen makes from the
//! current Rust declarations (`make header` refreshes it).

#[test]
fn header_is_fresh() {
    let generated = include_str!(concat!(env!("OUT_DIR"), "/zmq.h"));
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/include/zmq.h"))
        .expect("include/zmq.h exists");
    assert!(
        generated == committed,
        "include/zmq.h is stale: run `make header` and commit it"
    );
}
