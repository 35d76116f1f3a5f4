//! Command bodies: READY, ERROR, PING, PONG, SUBSCRIBE, CANCEL, JOIN and
//! LEAVE (a DISH's groups, as libzmq sends them), encoded
//! and parsed; and property lists (connection metadata).
//!
//! A command body is `name-length name data` (RFC 23/37). Property lists are
//! `name-length name value-length(4 octets, network order) value`, repeated.
//!
//! This file knows command bodies only: not frames (the caller wraps a body
//! in a COMMAND frame), not handshake states, not socket types.

use super::ProtocolError;

pub const READY: &[u8] = b"READY";
pub const ERROR: &[u8] = b"ERROR";
pub const PING: &[u8] = b"PING";
pub const PONG: &[u8] = b"PONG";
pub const SUBSCRIBE: &[u8] = b"SUBSCRIBE";
pub const CANCEL: &[u8] = b"CANCEL";
pub const JOIN: &[u8] = b"JOIN";
pub const LEAVE: &[u8] = b"LEAVE";

/// The longest PING context a PONG echoes (RFC 37).
pub const MAX_PING_CONTEXT: usize = 16;

/// The longest property value we send (RFC 23: 2^31-1).
pub const MAX_PROPERTY_VALUE: usize = i32::MAX as usize;

/// One property: name and value, borrowed from the command.
pub type Property<'a> = (&'a [u8], &'a [u8]);

/// A parsed ZMTP command body, borrowed from the frame (named apart from
/// `crate::command::Command`, the mail threads send each other).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WireCommand<'a> {
    /// READY with its raw property list (see [`parse_properties`]).
    Ready {
        properties: &'a [u8],
    },
    Error {
        reason: &'a [u8],
    },
    Ping {
        ttl_ds: u16,
        context: &'a [u8],
    },
    Pong {
        context: &'a [u8],
    },
    Subscribe {
        topic: &'a [u8],
    },
    Cancel {
        topic: &'a [u8],
    },
    /// A DISH joins a group (the rest of the body, unchecked here).
    Join {
        group: &'a [u8],
    },
    Leave {
        group: &'a [u8],
    },
    /// Any other command (a mechanism's own, or one we do not know).
    Other {
        name: &'a [u8],
        data: &'a [u8],
    },
}

/// Splits a command body into its name and data. Malformed when empty or
/// when the name runs past the body.
pub fn split(body: &[u8]) -> Result<(&[u8], &[u8]), ProtocolError> {
    let (&len, rest) = body.split_first().ok_or(ProtocolError::MalformedCommand)?;
    let len = usize::from(len);
    if rest.len() < len {
        return Err(ProtocolError::MalformedCommand);
    }
    Ok(rest.split_at(len))
}

/// Parses a command body. Names are matched exactly (case matters, as in
/// libzmq). The data of READY is not parsed here.
pub fn parse(body: &[u8]) -> Result<WireCommand<'_>, ProtocolError> {
    let (name, data) = split(body)?;
    Ok(match name {
        READY => WireCommand::Ready { properties: data },
        ERROR => {
            // Trailing octets after the reason are tolerated, as libzmq does.
            let (&len, rest) = data.split_first().ok_or(ProtocolError::MalformedError)?;
            let reason = rest
                .get(..usize::from(len))
                .ok_or(ProtocolError::MalformedError)?;
            WireCommand::Error { reason }
        }
        PING => {
            let ttl = data.get(..2).ok_or(ProtocolError::MalformedCommand)?;
            WireCommand::Ping {
                ttl_ds: u16::from_be_bytes([ttl[0], ttl[1]]),
                context: data.get(2..).unwrap_or_default(),
            }
        }
        PONG => WireCommand::Pong { context: data },
        SUBSCRIBE => WireCommand::Subscribe { topic: data },
        CANCEL => WireCommand::Cancel { topic: data },
        JOIN => WireCommand::Join { group: data },
        LEAVE => WireCommand::Leave { group: data },
        _ => WireCommand::Other { name, data },
    })
}

/// Appends a command body: `name` (cut to 255 octets) then `parts`.
pub fn encode(name: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let name = name.get(..255).unwrap_or(name);
    let mut out = Vec::with_capacity(1 + name.len() + parts.iter().map(|p| p.len()).sum::<usize>());
    out.push(name.len() as u8);
    out.extend_from_slice(name);
    for p in parts {
        out.extend_from_slice(p);
    }
    out
}

/// READY with an encoded property list.
pub fn ready(properties: &[u8]) -> Vec<u8> {
    encode(READY, &[properties])
}

/// ERROR with `reason` (cut to 255 octets).
pub fn error(reason: &[u8]) -> Vec<u8> {
    let reason = reason.get(..255).unwrap_or(reason);
    encode(ERROR, &[&[reason.len() as u8], reason])
}

/// PING with a TTL in tenths of a second and a context (cut to 16 octets).
pub fn ping(ttl_ds: u16, context: &[u8]) -> Vec<u8> {
    let context = context.get(..MAX_PING_CONTEXT).unwrap_or(context);
    encode(PING, &[&ttl_ds.to_be_bytes(), context])
}

/// PONG echoing `context` (cut to 16 octets, as libzmq does).
pub fn pong(context: &[u8]) -> Vec<u8> {
    let context = context.get(..MAX_PING_CONTEXT).unwrap_or(context);
    encode(PONG, &[context])
}

pub fn subscribe(topic: &[u8]) -> Vec<u8> {
    encode(SUBSCRIBE, &[topic])
}

pub fn cancel(topic: &[u8]) -> Vec<u8> {
    encode(CANCEL, &[topic])
}

/// JOIN (`join`) or LEAVE of `group`.
pub fn membership(join: bool, group: &[u8]) -> Vec<u8> {
    encode(if join { JOIN } else { LEAVE }, &[group])
}

/// The ZAP status an ERROR reason carries ("300", "400" or "500"), which
/// libzmq reports as ZMQ_EVENT_HANDSHAKE_FAILED_AUTH with that value.
pub fn zap_status(reason: &[u8]) -> Option<i32> {
    match reason {
        [d @ b'3'..=b'5', b'0', b'0'] => Some(i32::from(d - b'0') * 100),
        _ => None,
    }
}

/// Appends one property. A name outside 1..=255 octets or a value over
/// 2^31-1 octets cannot be encoded and is skipped (returns false); the
/// option layer refuses such metadata first.
pub fn write_property(out: &mut Vec<u8>, name: &[u8], value: &[u8]) -> bool {
    if name.is_empty() || name.len() > 255 || value.len() > MAX_PROPERTY_VALUE {
        return false;
    }
    out.push(name.len() as u8);
    out.extend_from_slice(name);
    out.extend_from_slice(&(value.len() as u32).to_be_bytes());
    out.extend_from_slice(value);
    true
}

/// Parses a property list. Every property must be whole and its name 1 to
/// 255 octets (RFC 23; libzmq tolerates empty names, no peer sends them);
/// anything else is `InvalidMetadata`. Names are returned as sent; compare
/// them without regard to case.
pub fn parse_properties(mut data: &[u8]) -> Result<Vec<Property<'_>>, ProtocolError> {
    let bad = ProtocolError::InvalidMetadata;
    let mut props = Vec::new();
    while let Some((&name_len, rest)) = data.split_first() {
        let name_len = usize::from(name_len);
        if name_len == 0 || rest.len() < name_len + 4 {
            return Err(bad);
        }
        let (name, rest) = rest.split_at(name_len);
        let (len, rest) = rest.split_at(4);
        let value_len = u32::from_be_bytes([len[0], len[1], len[2], len[3]]);
        let value_len = usize::try_from(value_len).map_err(|_| bad.clone())?;
        if rest.len() < value_len {
            return Err(bad);
        }
        let (value, rest) = rest.split_at(value_len);
        props.push((name, value));
        data = rest;
    }
    Ok(props)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The DEALER READY of RFC 37's worked example (body only; the frame
    /// header is 04 29).
    const RFC37_DEALER_READY: &[u8] =
        b"\x05READY\x0bSocket-Type\x00\x00\x00\x06DEALER\x08Identity\x00\x00\x00\x00";

    #[test]
    fn rfc37_ready() {
        let mut props = Vec::new();
        assert!(write_property(&mut props, b"Socket-Type", b"DEALER"));
        assert!(write_property(&mut props, b"Identity", b""));
        let body = ready(&props);
        assert_eq!(body, RFC37_DEALER_READY);
        assert_eq!(body.len(), 41);
        match parse(&body).unwrap() {
            WireCommand::Ready { properties } => {
                let p = parse_properties(properties).unwrap();
                assert_eq!(
                    p,
                    vec![
                        (&b"Socket-Type"[..], &b"DEALER"[..]),
                        (&b"Identity"[..], &b""[..])
                    ]
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn error_ping_pong_sub_cancel() {
        assert_eq!(error(b"400"), b"\x05ERROR\x03400");
        assert_eq!(
            parse(&error(b"400")).unwrap(),
            WireCommand::Error { reason: b"400" }
        );
        assert_eq!(ping(10, b"ctx"), b"\x04PING\x00\x0actx");
        assert_eq!(
            parse(b"\x04PING\x00\x0actx").unwrap(),
            WireCommand::Ping {
                ttl_ds: 10,
                context: b"ctx"
            }
        );
        assert_eq!(ping(1, &[9; 40]).len(), 5 + 2 + 16);
        assert_eq!(pong(&[9; 40]), [&b"\x04PONG"[..], &[9; 16]].concat());
        assert_eq!(
            parse(b"\x04PONG").unwrap(),
            WireCommand::Pong { context: b"" }
        );
        assert_eq!(subscribe(b"A"), b"\x09SUBSCRIBEA");
        assert_eq!(
            parse(b"\x09SUBSCRIBE").unwrap(),
            WireCommand::Subscribe { topic: b"" }
        );
        assert_eq!(cancel(b"AB"), b"\x06CANCELAB");
        assert_eq!(membership(true, b"TV"), b"\x04JOINTV");
        assert_eq!(membership(false, b""), b"\x05LEAVE");
        assert_eq!(
            parse(b"\x04JOINMovies").unwrap(),
            WireCommand::Join { group: b"Movies" }
        );
        assert_eq!(
            parse(b"\x05LEAVEx").unwrap(),
            WireCommand::Leave { group: b"x" }
        );
        assert_eq!(
            parse(b"\x06CANCELAB").unwrap(),
            WireCommand::Cancel { topic: b"AB" }
        );
        assert_eq!(
            parse(b"\x04JOINED").unwrap(),
            WireCommand::Join { group: b"ED" }
        );
        assert_eq!(
            parse(b"\x05JOINg").unwrap(),
            WireCommand::Other {
                name: b"JOINg",
                data: b""
            }
        );
        // Case matters in command names.
        assert!(matches!(
            parse(b"\x05ready").unwrap(),
            WireCommand::Other { .. }
        ));
    }

    #[test]
    fn malformed_commands() {
        assert_eq!(parse(b""), Err(ProtocolError::MalformedCommand));
        assert_eq!(parse(b"\x05REA"), Err(ProtocolError::MalformedCommand));
        assert_eq!(parse(b"\x05ERROR"), Err(ProtocolError::MalformedError));
        assert_eq!(
            parse(b"\x05ERROR\x04abc"),
            Err(ProtocolError::MalformedError)
        );
        assert_eq!(
            parse(b"\x05ERROR\x01ab").unwrap(),
            WireCommand::Error { reason: b"a" }
        );
        assert_eq!(parse(b"\x04PING\x00"), Err(ProtocolError::MalformedCommand));
        assert_eq!(
            parse(b"\x00").unwrap(),
            WireCommand::Other {
                name: b"",
                data: b""
            }
        );
    }

    #[test]
    fn property_limits() {
        let bad = Err(ProtocolError::InvalidMetadata);
        assert_eq!(parse_properties(b""), Ok(vec![]));
        assert_eq!(parse_properties(b"\x01"), bad);
        assert_eq!(parse_properties(b"\x00\x00\x00\x00\x00"), bad);
        assert_eq!(parse_properties(b"\x01A\x00\x00\x00"), bad);
        assert_eq!(parse_properties(b"\x01A\x00\x00\x00\x02x"), bad);
        assert_eq!(parse_properties(b"\x01A\xff\xff\xff\xffx"), bad);
        assert_eq!(parse_properties(b"\x01A\x00\x00\x00\x01xZ"), bad);
        assert_eq!(
            parse_properties(b"\x01A\x00\x00\x00\x01x"),
            Ok(vec![(&b"A"[..], &b"x"[..])])
        );
        let long = vec![b'n'; 255];
        let mut out = Vec::new();
        assert!(write_property(&mut out, &long, b"v"));
        assert!(!write_property(&mut out, &[b'n'; 256], b"v"));
        assert!(!write_property(&mut out, b"", b"v"));
        assert_eq!(
            parse_properties(&out).unwrap(),
            vec![(&long[..], &b"v"[..])]
        );
    }

    #[test]
    fn zap_statuses() {
        assert_eq!(zap_status(b"300"), Some(300));
        assert_eq!(zap_status(b"400"), Some(400));
        assert_eq!(zap_status(b"500"), Some(500));
        assert_eq!(zap_status(b"200"), None);
        assert_eq!(zap_status(b"401"), None);
        assert_eq!(zap_status(b"4000"), None);
    }
}
