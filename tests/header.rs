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

/// Every macro zmq.h defines is libzmq's: a `ZMQ` name, an errno value,
/// or the include guard. An internal constant of ours that cbindgen picked
/// up (it exports every `pub const` it parses) could clash with a name of
/// the program that includes the header; cbindgen.toml's exclude list is
/// where such names go.
#[test]
fn header_defines_only_libzmqs_names() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/include/zmq.h"))
        .expect("include/zmq.h exists");
    let strays: Vec<&str> = committed
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("#define "))
        .filter_map(|rest| {
            rest.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .next()
        })
        .filter(|name| {
            let errno = name.starts_with('E') && !name.contains('_');
            !(name.starts_with("ZMQ") || errno || *name == "__ZMQ_H_INCLUDED__")
        })
        .collect();
    assert!(
        strays.is_empty(),
        "zmq.h defines names that are not libzmq's: {strays:?}"
    );
}
