//! The frame decoder (1.0 and 2.0/3.x framing) fed arbitrary bytes, along
//! both the copying and the zero-copy (direct body) paths; every frame is
//! parsed as a command and as a property list, and must re-encode to a
//! frame that decodes the same.
//!
//! The first octet picks the framing, ZMQ_MAXMSGSIZE and the read path.

#![no_main]

use libfuzzer_sys::fuzz_target;
use zmqrs::zmtp::codec::{Decoder, Encoder, Frame, Framing};
use zmqrs::zmtp::command::{self, WireCommand};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, mut rest)) = data.split_first() else {
        return;
    };
    let framing = if mode & 1 == 0 {
        Framing::V2
    } else {
        Framing::V1
    };
    let max = if mode & 2 != 0 {
        i64::from(mode >> 3) * 8
    } else {
        -1
    };
    let direct = mode & 4 != 0;
    let mut d = Decoder::new(framing, max);
    while !rest.is_empty() {
        if direct && d.prepare_body_buffer() {
            let buf = d.body_buffer();
            let n = buf.len().min(rest.len());
            for (dst, &b) in buf[..n].iter_mut().zip(rest) {
                dst.write(b);
            }
            rest = &rest[n..];
            // SAFETY: the n octets were just written.
            if let Some(f) = unsafe { d.body_filled(n) } {
                check(framing, f);
            }
            continue;
        }
        match d.decode(rest) {
            Ok((used, frame)) => {
                assert!(used <= rest.len());
                assert!(used > 0 || frame.is_some());
                rest = &rest[used..];
                if let Some(f) = frame {
                    check(framing, f);
                }
            }
            Err(e) => {
                let _ = e.code();
                break;
            }
        }
    }
});

fn check(framing: Framing, f: Frame) {
    let body = f.msg.data().to_vec();
    let more = f.msg.more();
    if let Ok(WireCommand::Ready { properties }) = command::parse(&body) {
        let _ = command::parse_properties(properties);
    }
    let _ = command::parse_properties(&body);
    let _ = command::zap_status(&body);

    let mut e = Encoder::new(framing);
    e.frame_msg(f.msg);
    let mut wire = Vec::new();
    let mut slots = [std::io::IoSlice::new(&[]); 8];
    let n = e.slices(&mut slots);
    for s in &slots[..n] {
        wire.extend_from_slice(s);
    }
    let mut d = Decoder::new(framing, -1);
    let (used, again) = d.decode(&wire).expect("our own frame decodes");
    assert_eq!(used, wire.len());
    let again = again.expect("one whole frame");
    assert_eq!(again.msg.data(), &body[..]);
    assert_eq!(again.msg.more(), more);
    assert_eq!(again.command, f.command && framing == Framing::V2);
}
