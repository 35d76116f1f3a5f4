//! Socket options as zmq_setsockopt / zmq_getsockopt hand them over: any
//! option number, any value of any length, on every socket type, is
//! accepted or refused with an errno, never a panic; and a value that was
//! accepted reads back without a panic into a buffer of any length.
//!
//! Input: socket type octet, option octet, read-back length octet, then
//! the value (NULL when the input is exactly three octets).

#![no_main]

use libfuzzer_sys::fuzz_target;
use zmqrs::socket::options::Options;

fuzz_target!(|data: &[u8]| {
    let [ty, opt, out_len, value @ ..] = data else {
        return;
    };
    let socket_type = i32::from(*ty % 21);
    let option = i32::from(*opt % 128);
    let mut o = Options::new(socket_type, false);
    let value = if data.len() == 3 { None } else { Some(value) };
    let _ = o.set_maybe_null(option, value);
    let mut out = vec![0u8; usize::from(*out_len)];
    if let Ok(n) = o.get(option, &mut out) {
        assert!(n <= out.len(), "{option}: {n} of {}", out.len());
    }
});
