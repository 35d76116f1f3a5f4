//! Generates `zmq.h` from the Rust declarations with cbindgen into OUT_DIR.
//! The committed `include/zmq.h` must equal it; `make header` refreshes the
//! committed copy and the `header_is_fresh` test fails when they differ.

use std::env;
use std::path::PathBuf;

fn main() {
    let crate_dir = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("zmq.h");
    let config = cbindgen::Config::from_file(PathBuf::from(&crate_dir).join("cbindgen.toml"))
        .expect("cbindgen.toml is valid");
    cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen can generate zmq.h")
        .write_to_file(&out);
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=src");
    // libzmqrs.so keeps a name of its own; the drop-in libzmq.so.5 (SONAME
    // libzmq.so.5) is linked from libzmqrs.a by the Makefile.
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libzmqrs.so");
}
