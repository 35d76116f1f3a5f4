//! WebSocket framing (RFC 6455, section 5) without I/O: octets in, events
//! out; frames out as octets. The ws:// and wss:// transports (issue #22)
//! carry ZMTP in the binary messages this module delimits.
//!
//! The decoder takes what the peer sent in pieces of any size, unmasks it,
//! joins a fragmented message and hands out whole binary messages and the
//! control frames (ping, pong, close), which may come between a message's
//! fragments. What RFC 6455 says a receiver must fail the connection for
//! is an error here, and after one the decoder takes nothing more:
//! reserved bits or opcodes, a frame masked the wrong way for our role, a
//! control frame that is fragmented or longer than 125 octets, a
//! continuation with no message begun or a new message inside one, a
//! close of one octet. A text message is an error too: ZeroMQ over
//! WebSocket is binary only, as in libzmq.
//!
//! Memory stays bounded by what came: past 1 MiB (what the ZMTP codec
//! also takes on trust) a message's buffer grows with the octets that
//! arrive, never from the length a header claims, and a
//! message longer than the decoder's limit (ZMQ_MAXMSGSIZE) fails at the
//! header that would take it past.

use std::collections::VecDeque;

/// Opcodes (RFC 6455, 5.2).
pub const CONTINUATION: u8 = 0x0;
pub const TEXT: u8 = 0x1;
pub const BINARY: u8 = 0x2;
pub const CLOSE: u8 = 0x8;
pub const PING: u8 = 0x9;
pub const PONG: u8 = 0xA;

/// The longest payload of a control frame.
pub const MAX_CONTROL: usize = 125;

/// The longest header: two octets, an 8-octet length, a 4-octet mask.
pub const MAX_HEADER: usize = 14;

/// Which end of the connection we are: a server's peer masks every frame
/// it sends, a client's peer never does (RFC 6455, 5.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Client,
    Server,
}

/// What the peer sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A whole binary message, its fragments joined.
    Binary(Vec<u8>),
    Ping(Vec<u8>),
    Pong(Vec<u8>),
    /// The peer closes: its status code and reason, when it gave them.
    Close(Option<u16>, Vec<u8>),
}

/// Why the peer's octets are not a WebSocket stream we take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameError {
    /// A reserved bit (no extension is negotiated) or a reserved opcode.
    Reserved,
    /// A text message.
    Text,
    /// A frame masked when it must not be, or not masked when it must.
    Masking,
    /// A control frame longer than 125 octets.
    ControlTooLong,
    /// A control frame without FIN.
    ControlFragmented,
    /// A continuation with no message begun, or a new message inside one.
    Continuation,
    /// A message longer than the limit, or a length of 2^63 or more.
    TooLarge,
    /// A close frame of one octet (a status code takes two).
    BadClose,
}

impl FrameError {
    /// The status code of the close frame that answers it (RFC 6455, 7.4.1).
    pub fn close_code(self) -> u16 {
        match self {
            FrameError::Text => 1003,
            FrameError::TooLarge => 1009,
            _ => 1002,
        }
    }
}

/// The frame whose payload is being read.
#[derive(Clone, Copy, Debug)]
struct Frame {
    fin: bool,
    opcode: u8,
    mask: Option<[u8; 4]>,
    /// Payload octets still to come.
    left: u64,
    /// Payload octets taken so far (the mask's position).
    done: u64,
}

/// A whole binary frame found by `Decoder::whole_binary`.
#[derive(Debug)]
pub struct WholeFrame<'a> {
    /// Octets of input the frame takes, header included.
    pub used: usize,
    /// The payload, masked with `mask` when there is one.
    pub payload: &'a [u8],
    pub mask: Option<[u8; 4]>,
}

/// The receiving half of a WebSocket connection.
#[derive(Debug)]
pub struct Decoder {
    role: Role,
    max: u64,
    head: [u8; MAX_HEADER],
    head_len: usize,
    frame: Option<Frame>,
    /// The payload of the control frame being read.
    control: Vec<u8>,
    /// The data message being joined, and whether one is begun.
    message: Vec<u8>,
    in_message: bool,
    events: VecDeque<Event>,
    failed: Option<FrameError>,
}

/// Above this, a message's buffer is not reserved from its header's length
/// in one go but grows as octets come.
/// (1 MiB, as the ZMTP codec's `EAGER_BODY`: a 64 KiB message plus its
/// flags octet then takes one allocation, not a second that copies it.)
const RESERVE_MAX: u64 = 1 << 20;

impl Decoder {
    /// A decoder for our `role`; `max` is the longest message taken
    /// (ZMQ_MAXMSGSIZE), None for no limit but the protocol's (2^63 - 1).
    pub fn new(role: Role, max: Option<u64>) -> Decoder {
        Decoder {
            role,
            max: max.unwrap_or(u64::MAX >> 1).min(u64::MAX >> 1),
            head: [0; MAX_HEADER],
            head_len: 0,
            frame: None,
            control: Vec::new(),
            message: Vec::new(),
            in_message: false,
            events: VecDeque::new(),
            failed: None,
        }
    }

    /// Takes the peer's octets. After an error it takes nothing more and
    /// returns that error again.
    pub fn feed(&mut self, mut data: &[u8]) -> Result<(), FrameError> {
        while !data.is_empty() {
            let n = self.feed_frame(data)?;
            data = &data[n..];
        }
        Ok(())
    }

    /// As `feed`, but stops where a frame ends: returns the octets taken
    /// (all of `data` when no frame ends in it), so that what follows can
    /// go by `whole_binary`.
    pub fn feed_frame(&mut self, data: &[u8]) -> Result<usize, FrameError> {
        if let Some(e) = self.failed {
            return Err(e);
        }
        let mut at = 0;
        while at < data.len() {
            let step = match self.frame {
                None => self.header(&data[at..]),
                Some(_) => Ok(self.payload(&data[at..])),
            };
            match step {
                Ok(n) => at += n,
                Err(e) => {
                    self.failed = Some(e);
                    return Err(e);
                }
            }
            if self.frame.is_some_and(|f| f.left == 0) {
                if let Err(e) = self.frame_done() {
                    self.failed = Some(e);
                    return Err(e);
                }
                return Ok(at);
            }
        }
        Ok(at)
    }

    /// A whole, unfragmented binary frame at the start of `data`, when
    /// nothing is half-read and the frame breaks no rule: the octets it
    /// takes and its payload, still masked with the key given. The caller
    /// skips those octets; anything else (None) goes through `feed`, which
    /// also reports what is wrong with a frame refused here. A fast path
    /// for the common case: no copy into a joining buffer.
    pub fn whole_binary<'a>(&self, data: &'a [u8]) -> Option<WholeFrame<'a>> {
        if self.failed.is_some() || self.frame.is_some() || self.head_len != 0 || self.in_message {
            return None;
        }
        let (&b0, &b1) = (data.first()?, data.get(1)?);
        let masked = b1 & 0x80 != 0;
        if b0 != 0x80 | BINARY || masked != (self.role == Role::Server) {
            return None;
        }
        let hl = header_len(b1);
        let head = data.get(..hl)?;
        let len = match b1 & 0x7F {
            126 => u64::from(u16::from_be_bytes([head[2], head[3]])),
            127 => u64::from_be_bytes(head[2..10].try_into().ok()?),
            n => u64::from(n),
        };
        if len > self.max {
            return None;
        }
        let end = hl.checked_add(usize::try_from(len).ok()?)?;
        let payload = data.get(hl..end)?;
        let mask = masked.then(|| [head[hl - 4], head[hl - 3], head[hl - 2], head[hl - 1]]);
        Some(WholeFrame {
            used: end,
            payload,
            mask,
        })
    }

    /// Where the rest of a long data frame's payload may be read straight
    /// into (memory not yet initialised), when one is under way with at
    /// least `min` octets to come: a read then costs no copy. The buffer
    /// grows as octets arrive (at most doubling what the message holds,
    /// or 1 MiB at first), never past 1 MiB from the length the header
    /// claims.
    pub fn direct_buffer(&mut self, min: usize) -> Option<&mut [std::mem::MaybeUninit<u8>]> {
        let f = self.frame.as_ref()?;
        if self.failed.is_some() || f.opcode >= CLOSE || f.left < min as u64 {
            return None;
        }
        let left = usize::try_from(f.left).unwrap_or(usize::MAX);
        if self.message.capacity() == self.message.len() {
            let grow = self.message.len().max(RESERVE_MAX as usize).min(left);
            self.message.try_reserve(grow).ok()?;
        }
        let spare = self.message.spare_capacity_mut();
        let n = spare.len().min(left);
        Some(&mut spare[..n])
    }

    /// Takes note that `n` octets were read into the last `direct_buffer()`.
    ///
    /// # Safety
    /// The first `n` octets of that buffer must have been written.
    pub unsafe fn direct_filled(&mut self, n: usize) -> Result<(), FrameError> {
        let Some(f) = self.frame.as_mut() else {
            return Ok(());
        };
        let start = self.message.len();
        let n = n
            .min(self.message.capacity() - start)
            .min(usize::try_from(f.left).unwrap_or(usize::MAX));
        // SAFETY: within the spare capacity direct_buffer() handed out,
        // and the caller wrote those octets.
        unsafe { self.message.set_len(start + n) };
        if let Some(mask) = f.mask {
            apply_mask(&mut self.message[start..], mask, f.done);
        }
        f.left -= n as u64;
        f.done += n as u64;
        if f.left == 0 {
            if let Err(e) = self.frame_done() {
                self.failed = Some(e);
                return Err(e);
            }
        }
        Ok(())
    }

    /// The next event, in the order the peer sent them.
    pub fn poll(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// Whether a fragmented message is begun and not finished.
    pub fn in_message(&self) -> bool {
        self.in_message
    }

    /// Gathers header octets; once the header is whole, checks it and
    /// starts its frame. Returns the octets taken.
    fn header(&mut self, data: &[u8]) -> Result<usize, FrameError> {
        let mut taken = 0;
        loop {
            // The first two octets tell the whole header's length.
            let want = if self.head_len < 2 {
                2
            } else {
                header_len(self.head[1])
            };
            if self.head_len == want {
                self.start_frame()?;
                self.head_len = 0;
                return Ok(taken);
            }
            let rest = &data[taken..];
            if rest.is_empty() {
                return Ok(taken);
            }
            let n = (want - self.head_len).min(rest.len());
            self.head[self.head_len..self.head_len + n].copy_from_slice(&rest[..n]);
            self.head_len += n;
            taken += n;
        }
    }

    fn start_frame(&mut self) -> Result<(), FrameError> {
        let h = &self.head;
        let fin = h[0] & 0x80 != 0;
        if h[0] & 0x70 != 0 {
            return Err(FrameError::Reserved);
        }
        let opcode = h[0] & 0x0F;
        let masked = h[1] & 0x80 != 0;
        if masked != (self.role == Role::Server) {
            return Err(FrameError::Masking);
        }
        let (len, at) = match h[1] & 0x7F {
            126 => (u64::from(u16::from_be_bytes([h[2], h[3]])), 4),
            127 => {
                let mut b = [0u8; 8];
                b.copy_from_slice(&h[2..10]);
                (u64::from_be_bytes(b), 10)
            }
            n => (u64::from(n), 2),
        };
        if len > u64::MAX >> 1 {
            return Err(FrameError::TooLarge);
        }
        let mask = masked.then(|| [h[at], h[at + 1], h[at + 2], h[at + 3]]);
        match opcode {
            CLOSE | PING | PONG => {
                if !fin {
                    return Err(FrameError::ControlFragmented);
                }
                if len > MAX_CONTROL as u64 {
                    return Err(FrameError::ControlTooLong);
                }
                self.control.clear();
            }
            BINARY | CONTINUATION => {
                if (opcode == CONTINUATION) != self.in_message {
                    return Err(FrameError::Continuation);
                }
                let total = self.message.len() as u64;
                if len > self.max.saturating_sub(total) {
                    return Err(FrameError::TooLarge);
                }
                self.message.reserve(len.min(RESERVE_MAX) as usize);
                self.in_message = true;
            }
            TEXT => return Err(FrameError::Text),
            _ => return Err(FrameError::Reserved),
        }
        self.frame = Some(Frame {
            fin,
            opcode,
            mask,
            left: len,
            done: 0,
        });
        Ok(())
    }

    /// Takes payload octets of the current frame; returns how many.
    fn payload(&mut self, data: &[u8]) -> usize {
        let Some(f) = self.frame.as_mut() else {
            return 0;
        };
        let n = (f.left.min(data.len() as u64)) as usize;
        let to = if f.opcode >= CLOSE {
            &mut self.control
        } else {
            &mut self.message
        };
        let start = to.len();
        to.extend_from_slice(&data[..n]);
        if let Some(mask) = f.mask {
            apply_mask(&mut to[start..], mask, f.done);
        }
        f.left -= n as u64;
        f.done += n as u64;
        n
    }

    /// The current frame's payload is all in.
    fn frame_done(&mut self) -> Result<(), FrameError> {
        let Some(f) = self.frame.take() else {
            return Ok(());
        };
        if f.opcode >= CLOSE {
            let p = std::mem::take(&mut self.control);
            let ev = match f.opcode {
                PING => Event::Ping(p),
                PONG => Event::Pong(p),
                _ => match p.len() {
                    0 => Event::Close(None, Vec::new()),
                    1 => return Err(FrameError::BadClose),
                    _ => Event::Close(Some(u16::from_be_bytes([p[0], p[1]])), p[2..].to_vec()),
                },
            };
            self.events.push_back(ev);
            return Ok(());
        }
        if f.fin {
            self.in_message = false;
            let m = std::mem::take(&mut self.message);
            self.events.push_back(Event::Binary(m));
        }
        Ok(())
    }
}

/// A header's whole length from its second octet.
fn header_len(second: u8) -> usize {
    let ext = match second & 0x7F {
        126 => 2,
        127 => 8,
        _ => 0,
    };
    let mask = if second & 0x80 != 0 { 4 } else { 0 };
    2 + ext + mask
}

/// The key as it lines up with a payload's octet `offset`, alone and
/// twice over in a u64 (masking goes eight octets at a time).
fn lined_up(mask: [u8; 4], offset: u64) -> ([u8; 4], u64) {
    let shift = (offset % 4) as usize;
    let key = [
        mask[shift],
        mask[(shift + 1) % 4],
        mask[(shift + 2) % 4],
        mask[(shift + 3) % 4],
    ];
    let wide = u64::from_ne_bytes([
        key[0], key[1], key[2], key[3], key[0], key[1], key[2], key[3],
    ]);
    (key, wide)
}

/// XORs `data` with `mask`, `data` starting at octet `offset` of its
/// payload (RFC 6455, 5.3). Masking twice unmasks.
pub fn apply_mask(data: &mut [u8], mask: [u8; 4], offset: u64) {
    let (key, wide) = lined_up(mask, offset);
    let mut chunks = data.chunks_exact_mut(8);
    for c in &mut chunks {
        let v = u64::from_ne_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]) ^ wide;
        c.copy_from_slice(&v.to_ne_bytes());
    }
    for (i, b) in chunks.into_remainder().iter_mut().enumerate() {
        *b ^= key[i % 4];
    }
}

/// Appends `data` masked with `mask` (`data` starting at octet `offset`
/// of its payload): the copy and the masking in one pass.
pub fn extend_masked(out: &mut Vec<u8>, data: &[u8], mask: [u8; 4], offset: u64) {
    let (key, wide) = lined_up(mask, offset);
    out.reserve(data.len());
    let start = out.len();
    let spare = &mut out.spare_capacity_mut()[..data.len()];
    let mut src = data.chunks_exact(8);
    let mut dst = spare.chunks_exact_mut(8);
    for (s, d) in (&mut src).zip(&mut dst) {
        let v = u64::from_ne_bytes([s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]]) ^ wide;
        for (d, b) in d.iter_mut().zip(v.to_ne_bytes()) {
            d.write(b);
        }
    }
    for (i, (d, &b)) in dst
        .into_remainder()
        .iter_mut()
        .zip(src.remainder())
        .enumerate()
    {
        d.write(b ^ key[i % 4]);
    }
    // SAFETY: every one of the data.len() spare octets was written above.
    unsafe { out.set_len(start + data.len()) };
}

/// Writes the header of a frame of `len` payload octets into `out`: FIN
/// when `fin`, masked with `mask` when given (a client's frames are).
/// Returns its length.
pub fn header_into(
    out: &mut [u8; MAX_HEADER],
    fin: bool,
    opcode: u8,
    len: u64,
    mask: Option<[u8; 4]>,
) -> usize {
    out[0] = if fin { 0x80 } else { 0 } | (opcode & 0x0F);
    let m = if mask.is_some() { 0x80 } else { 0 };
    let mut n = if len < 126 {
        out[1] = m | len as u8;
        2
    } else if len <= u64::from(u16::MAX) {
        out[1] = m | 126;
        out[2..4].copy_from_slice(&(len as u16).to_be_bytes());
        4
    } else {
        out[1] = m | 127;
        out[2..10].copy_from_slice(&len.to_be_bytes());
        10
    };
    if let Some(k) = mask {
        out[n..n + 4].copy_from_slice(&k);
        n += 4;
    }
    n
}

/// Appends the header of a frame (see `header_into`).
pub fn encode_header(out: &mut Vec<u8>, fin: bool, opcode: u8, len: u64, mask: Option<[u8; 4]>) {
    let mut h = [0u8; MAX_HEADER];
    let n = header_into(&mut h, fin, opcode, len, mask);
    out.extend_from_slice(&h[..n]);
}

/// Appends a whole frame, its payload masked with `mask` when given.
pub fn encode_frame(
    out: &mut Vec<u8>,
    fin: bool,
    opcode: u8,
    payload: &[u8],
    mask: Option<[u8; 4]>,
) {
    encode_header(out, fin, opcode, payload.len() as u64, mask);
    let start = out.len();
    out.extend_from_slice(payload);
    if let Some(k) = mask {
        apply_mask(&mut out[start..], k, 0);
    }
}

/// Appends a close frame with `code` and `reason` (a reason is cut to fit
/// a control frame).
pub fn encode_close(out: &mut Vec<u8>, code: u16, reason: &[u8], mask: Option<[u8; 4]>) {
    let mut p = code.to_be_bytes().to_vec();
    p.extend_from_slice(&reason[..reason.len().min(MAX_CONTROL - 2)]);
    encode_frame(out, true, CLOSE, &p, mask);
}

#[cfg(test)]
mod tests {
    use super::*;

    const MASK: [u8; 4] = [0x37, 0xfa, 0x21, 0x3d];

    fn decode_all(
        role: Role,
        max: Option<u64>,
        wire: &[u8],
        piece: usize,
    ) -> Result<Vec<Event>, FrameError> {
        let mut d = Decoder::new(role, max);
        for chunk in wire.chunks(piece.max(1)) {
            d.feed(chunk)?;
        }
        Ok(std::iter::from_fn(|| d.poll()).collect())
    }

    #[test]
    fn masked_copies_match_masking_in_place() {
        for len in [0, 1, 7, 8, 9, 63, 1000] {
            for offset in 0..5u64 {
                let data: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
                let mut want = data.clone();
                apply_mask(&mut want, MASK, offset);
                let mut got = vec![0xEE];
                extend_masked(&mut got, &data, MASK, offset);
                assert_eq!(got[0], 0xEE);
                assert_eq!(&got[1..], &want[..], "len {len} offset {offset}");
            }
        }
    }

    #[test]
    fn rfc_6455_examples() {
        // Section 5.7, with the binary opcode where the RFC sends text.
        let unmasked = [0x82, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f];
        let masked = [
            0x82, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
        ];
        let hello = Event::Binary(b"Hello".to_vec());
        assert_eq!(
            decode_all(Role::Client, None, &unmasked, 100),
            Ok(vec![hello.clone()])
        );
        assert_eq!(decode_all(Role::Server, None, &masked, 1), Ok(vec![hello]));
        let mut out = Vec::new();
        encode_frame(&mut out, true, BINARY, b"Hello", Some(MASK));
        assert_eq!(out, masked);
        // A fragmented message, a ping, a masked pong.
        let frags = [
            0x02, 0x03, 0x48, 0x65, 0x6c, 0x89, 0x00, 0x80, 0x02, 0x6c, 0x6f,
        ];
        assert_eq!(
            decode_all(Role::Client, None, &frags, 2),
            Ok(vec![
                Event::Ping(Vec::new()),
                Event::Binary(b"Hello".to_vec())
            ])
        );
        let pong = [
            0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
        ];
        assert_eq!(
            decode_all(Role::Server, None, &pong, 3),
            Ok(vec![Event::Pong(b"Hello".to_vec())])
        );
        // 256 octets in one frame, 65536 in another: their headers.
        let mut h = Vec::new();
        encode_header(&mut h, true, BINARY, 256, None);
        assert_eq!(h, [0x82, 0x7e, 0x01, 0x00]);
        h.clear();
        encode_header(&mut h, true, BINARY, 65536, None);
        assert_eq!(h, [0x82, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0]);
    }

    #[test]
    fn every_length_class_round_trips_in_any_pieces() {
        for len in [0usize, 1, 125, 126, 127, 65535, 65536, 70000] {
            let body: Vec<u8> = (0..len).map(|i| (i * 7) as u8).collect();
            for (role, mask) in [(Role::Server, Some(MASK)), (Role::Client, None)] {
                let mut wire = Vec::new();
                encode_frame(&mut wire, true, BINARY, &body, mask);
                for piece in [1, 3, 4096, wire.len()] {
                    if len > 1000 && piece < 100 {
                        continue;
                    }
                    assert_eq!(
                        decode_all(role, None, &wire, piece),
                        Ok(vec![Event::Binary(body.clone())]),
                        "len {len} piece {piece} {role:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn fragments_join_around_control_frames() {
        let mut wire = Vec::new();
        encode_frame(&mut wire, false, BINARY, b"ab", Some(MASK));
        encode_frame(&mut wire, true, PING, b"p", Some(MASK));
        encode_frame(&mut wire, false, CONTINUATION, b"cd", Some([1, 2, 3, 4]));
        encode_frame(&mut wire, true, CONTINUATION, b"", Some(MASK));
        encode_close(&mut wire, 1000, b"bye", Some(MASK));
        let got = decode_all(Role::Server, None, &wire, 5).unwrap();
        assert_eq!(
            got,
            vec![
                Event::Ping(b"p".to_vec()),
                Event::Binary(b"abcd".to_vec()),
                Event::Close(Some(1000), b"bye".to_vec()),
            ]
        );
        let mut d = Decoder::new(Role::Server, None);
        let mut first = Vec::new();
        encode_frame(&mut first, false, BINARY, b"ab", Some(MASK));
        d.feed(&first).unwrap();
        assert!(d.in_message());
        assert_eq!(d.poll(), None);
    }

    #[test]
    fn what_a_receiver_must_refuse() {
        let frame = |b0: u8, payload: &[u8], mask: Option<[u8; 4]>| {
            let mut w = Vec::new();
            encode_frame(&mut w, true, 0, payload, mask);
            w[0] = b0;
            w
        };
        let cases: Vec<(Role, Vec<u8>, FrameError)> = vec![
            (Role::Server, frame(0x82, b"x", None), FrameError::Masking),
            (
                Role::Client,
                frame(0x82, b"x", Some(MASK)),
                FrameError::Masking,
            ),
            (Role::Client, frame(0xC2, b"x", None), FrameError::Reserved),
            (Role::Client, frame(0x83, b"x", None), FrameError::Reserved),
            (Role::Client, frame(0x8B, b"x", None), FrameError::Reserved),
            (Role::Client, frame(0x81, b"x", None), FrameError::Text),
            (
                Role::Client,
                frame(0x09, b"x", None),
                FrameError::ControlFragmented,
            ),
            (
                Role::Client,
                frame(0x89, &[0; 126], None),
                FrameError::ControlTooLong,
            ),
            (
                Role::Client,
                frame(0x80, b"x", None),
                FrameError::Continuation,
            ),
            (Role::Client, frame(0x88, b"x", None), FrameError::BadClose),
        ];
        for (role, wire, want) in cases {
            assert_eq!(decode_all(role, None, &wire, 1), Err(want), "{wire:02x?}");
        }
        // A new message inside a fragmented one.
        let mut w = Vec::new();
        encode_frame(&mut w, false, BINARY, b"a", None);
        encode_frame(&mut w, true, BINARY, b"b", None);
        assert_eq!(
            decode_all(Role::Client, None, &w, 100),
            Err(FrameError::Continuation)
        );
    }

    #[test]
    fn lengths_past_the_limit_fail_at_the_header() {
        // 2^63: fails on the header alone, nothing reserved.
        let mut w = vec![0x82, 0x7f];
        w.extend_from_slice(&(1u64 << 63).to_be_bytes());
        let mut d = Decoder::new(Role::Client, None);
        assert_eq!(d.feed(&w), Err(FrameError::TooLarge));
        assert_eq!(d.feed(b"more"), Err(FrameError::TooLarge), "stays failed");
        // A header that claims 2^62 reserves no more than RESERVE_MAX.
        let mut w = vec![0x82, 0x7f];
        w.extend_from_slice(&(1u64 << 62).to_be_bytes());
        let mut d = Decoder::new(Role::Client, None);
        d.feed(&w).unwrap();
        assert!(d.message.capacity() as u64 <= RESERVE_MAX * 2);
        // ZMQ_MAXMSGSIZE over fragments.
        let mut w = Vec::new();
        encode_frame(&mut w, false, BINARY, &[1; 60], None);
        encode_frame(&mut w, true, CONTINUATION, &[2; 41], None);
        assert_eq!(
            decode_all(Role::Client, Some(100), &w, 7),
            Err(FrameError::TooLarge)
        );
        let mut w = Vec::new();
        encode_frame(&mut w, false, BINARY, &[1; 60], None);
        encode_frame(&mut w, true, CONTINUATION, &[2; 40], None);
        assert_eq!(
            decode_all(Role::Client, Some(100), &w, 7).map(|v| v.len()),
            Ok(1)
        );
    }

    #[test]
    fn close_codes_for_errors() {
        assert_eq!(FrameError::TooLarge.close_code(), 1009);
        assert_eq!(FrameError::Text.close_code(), 1003);
        assert_eq!(FrameError::Masking.close_code(), 1002);
        let mut w = Vec::new();
        encode_close(&mut w, 1002, &[b'x'; 200], None);
        assert_eq!(w.len(), 2 + MAX_CONTROL);
        assert_eq!(
            decode_all(Role::Client, None, &w, 9),
            Ok(vec![Event::Close(Some(1002), vec![b'x'; MAX_CONTROL - 2])])
        );
    }
}
