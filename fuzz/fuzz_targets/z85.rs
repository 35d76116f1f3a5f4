//! Z85 (RFC 32): decoding arbitrary text never panics, and whatever decodes
//! encodes back to the same text; encoding arbitrary bytes decodes back.

#![no_main]

use libfuzzer_sys::fuzz_target;
use zmqrs::z85;

fuzz_target!(|data: &[u8]| {
    if let Some(bytes) = z85::decode(data) {
        assert_eq!(bytes.len(), data.len() / 5 * 4);
        let text = z85::encode(&bytes).expect("a multiple of 4 encodes");
        assert_eq!(text.as_bytes(), data);
    }
    let whole = &data[..data.len() / 4 * 4];
    let text = z85::encode(whole).expect("a multiple of 4 encodes");
    assert_eq!(text.len(), whole.len() / 4 * 5);
    if !whole.is_empty() {
        assert_eq!(z85::decode(text.as_bytes()).as_deref(), Some(whole));
    }
});
