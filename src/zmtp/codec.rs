//! Frames: the decoder and encoder for ZMTP 1.0 framing and for the framing
//! of 2.0 and 3.x (short and long sizes, MORE, COMMAND).
//!
//! ZMTP 1.0: `length flags body`, where the length (1 octet, or FF and 8
//! octets) counts the flags octet; only MORE is meaningful in the flags.
//! ZMTP 2.0/3.x: `flags size body`, where the size is 1 octet or, with the
//! LONG flag, 8 octets, network order.
//!
//! Memory: a frame bigger than ZMQ_MAXMSGSIZE is refused from its header,
//! before anything is allocated. Without a limit, a frame up to
//! `EAGER_BODY` is allocated whole (as libzmq does); a bigger one grows
//! geometrically as its bytes actually arrive, so a peer that claims 2^60
//! octets gets an error only if the allocation really fails, and until
//! then holds at most about twice what it has sent.
//!
//! The encoder keeps the bytes to write as a queue of segments: headers and
//! small bodies copied into one staging buffer, large bodies kept in their
//! `Msg` and handed to `writev` from there.
//!
//! This file knows frames only: not what the frames mean (commands,
//! identities, handshakes).

use super::ProtocolError;
use crate::msg::{flags, Msg, MAX_INLINE};
use bytes::Bytes;
use std::collections::VecDeque;
use std::io::IoSlice;

/// Flag bits of 2.0/3.x framing.
pub const FLAG_MORE: u8 = 0x01;
pub const FLAG_LONG: u8 = 0x02;
pub const FLAG_COMMAND: u8 = 0x04;

/// A body up to this size is allocated whole when its header arrives.
pub const EAGER_BODY: usize = 1 << 20;

/// Frames this long or longer can never be allocated (user address space).
const MAX_FRAME: u64 = 1 << 47;

/// A body at least this large is written from its message (no copy).
pub const ZERO_COPY_MIN: usize = 8192;

/// At most this many slices are handed out for one `writev` (IOV_MAX is
/// 1024 on Linux; a few dozen is plenty per call).
pub const MAX_IOV: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// ZMTP 1.0.
    V1,
    /// ZMTP 2.0 and 3.x.
    V2,
}

/// One decoded frame.
#[derive(Debug)]
pub struct Frame {
    /// The COMMAND flag (never set in 1.0 framing).
    pub command: bool,
    /// The body; `msg.more()` is the MORE flag, and the message also
    /// carries `flags::COMMAND` for a command frame.
    pub msg: Msg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// 2.0/3.x: the flags octet.
    Flags,
    /// 2.0/3.x: one octet of size.
    ShortSize,
    /// 2.0/3.x, and 1.0 after FF: eight octets of size.
    LongSize,
    /// 1.0: the first length octet.
    V1Length,
    /// 1.0: the flags octet.
    V1Flags,
    /// The body.
    Body,
}

/// Turns bytes into frames.
#[derive(Debug)]
pub struct Decoder {
    framing: Framing,
    maxmsgsize: i64,
    state: State,
    /// Size octets gathered so far.
    hdr: [u8; 8],
    hdr_len: usize,
    more: bool,
    command: bool,
    /// Body length announced by the header.
    size: usize,
    /// The body being assembled: its length is what has arrived, its
    /// capacity what has been allocated for the rest.
    body: Vec<u8>,
}

impl Decoder {
    pub fn new(framing: Framing, maxmsgsize: i64) -> Decoder {
        Decoder {
            framing,
            maxmsgsize,
            state: Decoder::first_state(framing),
            hdr: [0; 8],
            hdr_len: 0,
            more: false,
            command: false,
            size: 0,
            body: Vec::new(),
        }
    }

    fn first_state(framing: Framing) -> State {
        match framing {
            Framing::V1 => State::V1Length,
            Framing::V2 => State::Flags,
        }
    }

    pub fn framing(&self) -> Framing {
        self.framing
    }

    /// Octets of the current frame's body still to come (0 outside a body).
    pub fn body_remaining(&self) -> usize {
        if self.state == State::Body {
            self.size.saturating_sub(self.body.len())
        } else {
            0
        }
    }

    /// Makes room in the body being assembled so that `body_buffer` is not
    /// empty. False when not in a body or when memory is short (the copying
    /// path will then report the error).
    pub fn prepare_body_buffer(&mut self) -> bool {
        self.body_remaining() > 0
            && self.reserve_body(1).is_ok()
            && self.body.capacity() > self.body.len()
    }

    /// The allocated, not yet written part of the body being assembled, to
    /// read into directly (call `prepare_body_buffer` first). It is not
    /// initialised: a large body costs no zeroing before the read.
    pub fn body_buffer(&mut self) -> &mut [std::mem::MaybeUninit<u8>] {
        let room = self.size.saturating_sub(self.body.len());
        let spare = self.body.spare_capacity_mut();
        let n = room.min(spare.len());
        &mut spare[..n]
    }

    /// Takes note of `n` octets written into `body_buffer()`; returns the
    /// frame if that completed it.
    ///
    /// # Safety
    /// The first `n` octets of the last `body_buffer()` must have been
    /// written.
    pub unsafe fn body_filled(&mut self, n: usize) -> Option<Frame> {
        if self.state != State::Body {
            return None;
        }
        let len = self.body.len();
        let n = n.min(self.size - len).min(self.body.capacity() - len);
        // SAFETY: n is within the spare capacity body_buffer() handed out,
        // and the caller wrote those octets.
        unsafe { self.body.set_len(len + n) };
        if self.body.len() == self.size {
            Some(self.finish())
        } else {
            None
        }
    }

    /// Decodes from `data` until one frame is complete or `data` runs out.
    /// Returns the octets consumed and the frame, if any; all of `data` is
    /// consumed unless a frame completed first.
    pub fn decode(&mut self, data: &[u8]) -> Result<(usize, Option<Frame>), ProtocolError> {
        self.decode_from(data, None)
    }

    /// As `decode`, from a shared buffer: a body of more than `MAX_INLINE`
    /// octets that lies whole in `data` is a slice of it (reference
    /// counted), not a copy, so small and medium messages read in one batch
    /// cost no allocation each.
    /// Decoding starts at octet `from` of `data`; the octets consumed are
    /// counted from there.
    pub fn decode_shared(
        &mut self,
        data: &Bytes,
        from: usize,
    ) -> Result<(usize, Option<Frame>), ProtocolError> {
        let rest = data.get(from..).unwrap_or_default();
        self.decode_from(rest, Some((data, from)))
    }

    /// The message frame that starts at `data[from..]`, when the decoder
    /// stands between frames and the whole frame is there: its length and
    /// the message, made in one step (a body over `MAX_INLINE` is a slice
    /// of `data`, as `decode_shared` makes it). None for a command, a frame
    /// not all there, one over `maxmsgsize`, or 1.0 framing: `decode_shared`
    /// takes those. The two give the same messages; this one is the fast
    /// way through a batch of small ones.
    #[inline]
    pub fn whole_message(&self, data: &Bytes, from: usize) -> Option<(usize, Msg)> {
        if self.state != State::Flags {
            return None;
        }
        let rest = data.get(from..)?;
        let (&f, tail) = rest.split_first()?;
        if f & FLAG_COMMAND != 0 {
            return None;
        }
        let (size, header) = if f & FLAG_LONG == 0 {
            (u64::from(*tail.first()?), 2)
        } else {
            (u64::from_be_bytes(tail.get(..8)?.try_into().ok()?), 9)
        };
        if self.maxmsgsize >= 0 && size > self.maxmsgsize as u64 {
            return None;
        }
        let end = header + usize::try_from(size).ok().filter(|&s| s <= rest.len())?;
        let body = rest.get(header..end)?;
        let more = if f & FLAG_MORE != 0 { flags::MORE } else { 0 };
        let window = rest.get(header..header + MAX_INLINE);
        let mut msg = match window {
            Some(w) if body.len() <= MAX_INLINE => {
                return Some((end, Msg::inline_from(w.try_into().ok()?, body.len(), more)));
            }
            // A small body near the end of the batch: no whole window.
            None if body.len() <= MAX_INLINE => Msg::from_slice(body).ok()?,
            _ => Msg::from_bytes(data.slice(from + header..from + end)),
        };
        msg.set_flags(more);
        Some((end, msg))
    }

    fn decode_from(
        &mut self,
        data: &[u8],
        shared: Option<(&Bytes, usize)>,
    ) -> Result<(usize, Option<Frame>), ProtocolError> {
        let mut used = 0;
        while used < data.len() {
            let rest = &data[used..];
            // Octets of shared input after a header ending with this octet:
            // a body that fits in them will be a slice, needing no room.
            let avail = if shared.is_some() { rest.len() - 1 } else { 0 };
            match self.state {
                State::Flags => {
                    let f = rest[0];
                    used += 1;
                    self.more = f & FLAG_MORE != 0;
                    self.command = f & FLAG_COMMAND != 0;
                    self.hdr_len = 0;
                    self.state = if f & FLAG_LONG != 0 {
                        State::LongSize
                    } else {
                        State::ShortSize
                    };
                }
                State::ShortSize => {
                    used += 1;
                    if let Some(frame) = self.size_ready(u64::from(rest[0]), avail)? {
                        return Ok((used, Some(frame)));
                    }
                }
                State::LongSize => {
                    let take = (8 - self.hdr_len).min(rest.len());
                    self.hdr[self.hdr_len..self.hdr_len + take].copy_from_slice(&rest[..take]);
                    self.hdr_len += take;
                    used += take;
                    let avail = if shared.is_some() {
                        rest.len() - take
                    } else {
                        0
                    };
                    if self.hdr_len == 8 {
                        let size = u64::from_be_bytes(self.hdr);
                        match self.framing {
                            Framing::V2 => {
                                if let Some(frame) = self.size_ready(size, avail)? {
                                    return Ok((used, Some(frame)));
                                }
                            }
                            Framing::V1 => self.v1_length_ready(size)?,
                        }
                    }
                }
                State::V1Length => {
                    used += 1;
                    self.command = false;
                    if rest[0] == 0xff {
                        self.hdr_len = 0;
                        self.state = State::LongSize;
                    } else {
                        self.v1_length_ready(u64::from(rest[0]))?;
                    }
                }
                State::V1Flags => {
                    used += 1;
                    self.more = rest[0] & FLAG_MORE != 0;
                    if let Some(frame) = self.start_body(avail)? {
                        return Ok((used, Some(frame)));
                    }
                }
                State::Body => {
                    if let Some((b, from)) = shared {
                        if self.body.is_empty() && self.size > MAX_INLINE && rest.len() >= self.size
                        {
                            let start = from + used;
                            let body = b.slice(start..start + self.size);
                            used += self.size;
                            return Ok((used, Some(self.finish_with(Some(body)))));
                        }
                    }
                    let take = self.size.saturating_sub(self.body.len()).min(rest.len());
                    self.reserve_body(take)?;
                    self.body.extend_from_slice(&rest[..take]);
                    used += take;
                    if self.body.len() == self.size {
                        return Ok((used, Some(self.finish())));
                    }
                }
            }
        }
        Ok((used, None))
    }

    /// 2.0/3.x: the size is known.
    fn size_ready(&mut self, size: u64, avail: usize) -> Result<Option<Frame>, ProtocolError> {
        self.set_size(size)?;
        self.start_body(avail)
    }

    /// 1.0: the length (flags octet included) is known; the flags follow.
    fn v1_length_ready(&mut self, length: u64) -> Result<(), ProtocolError> {
        if length == 0 {
            return Err(ProtocolError::ZeroLengthFrame);
        }
        self.set_size(length - 1)?;
        self.state = State::V1Flags;
        Ok(())
    }

    fn set_size(&mut self, size: u64) -> Result<(), ProtocolError> {
        if self.maxmsgsize >= 0 && size > self.maxmsgsize as u64 {
            return Err(ProtocolError::MessageTooLarge {
                size,
                max: self.maxmsgsize,
            });
        }
        // libzmq allocates the whole body when the header arrives, so a
        // length no allocator can satisfy drops the peer at once. Beyond
        // the address space a process can have (2^47 bytes) it never fits.
        if size >= MAX_FRAME {
            return Err(ProtocolError::OutOfMemory { size });
        }
        self.size = usize::try_from(size).map_err(|_| ProtocolError::OutOfMemory { size })?;
        Ok(())
    }

    /// `avail`: octets of shared input that follow the header.
    fn start_body(&mut self, avail: usize) -> Result<Option<Frame>, ProtocolError> {
        self.body.clear();
        if self.size <= MAX_INLINE && self.body.capacity() < MAX_INLINE {
            // Room once for any small body: they reuse this vector.
            let oom = ProtocolError::OutOfMemory {
                size: self.size as u64,
            };
            self.body.try_reserve_exact(MAX_INLINE).map_err(|_| oom)?;
        }
        if self.size == 0 {
            return Ok(Some(self.finish()));
        }
        // A body that will be a slice of the shared input needs no room.
        let sliced = self.size > MAX_INLINE && avail >= self.size;
        if self.size <= EAGER_BODY && !sliced {
            self.reserve_body(self.size)?;
        }
        self.state = State::Body;
        Ok(None)
    }

    /// Makes the body's capacity at least `min(size, len + want)`,
    /// growing geometrically so that large bodies cost amortised O(1) per
    /// octet; memory is claimed as the peer sends, not as it announces.
    fn reserve_body(&mut self, want: usize) -> Result<(), ProtocolError> {
        let need = self.size.min(self.body.len().saturating_add(want));
        let cap = self.body.capacity();
        if cap >= need {
            return Ok(());
        }
        let target = self.size.min(
            need.max(cap.saturating_mul(2))
                .max(EAGER_BODY.min(self.size)),
        );
        let oom = ProtocolError::OutOfMemory {
            size: self.size as u64,
        };
        self.body
            .try_reserve_exact(target - self.body.len())
            .map_err(|_| oom)?;
        Ok(())
    }

    fn finish(&mut self) -> Frame {
        self.finish_with(None)
    }

    /// Completes the frame, with `shared` as its body when given.
    fn finish_with(&mut self, shared: Option<Bytes>) -> Frame {
        self.state = Decoder::first_state(self.framing);
        self.hdr_len = 0;
        let size = self.size.min(self.body.len());
        let mut msg = if let Some(b) = shared {
            Msg::from_bytes(b)
        } else if size <= MAX_INLINE {
            // Small bodies are copied into the message; the scratch vector
            // keeps its capacity for the next frame.
            let m = Msg::from_slice(&self.body[..size]).unwrap_or_default();
            self.body.clear();
            m
        } else {
            let mut v = std::mem::take(&mut self.body);
            v.truncate(size);
            Msg::from_bytes(Bytes::from(v))
        };
        if self.more {
            msg.set_flags(flags::MORE);
        }
        if self.command {
            msg.set_flags(flags::COMMAND);
        }
        Frame {
            command: self.command,
            msg,
        }
    }
}

enum Seg {
    /// This many octets of `staged`.
    Staged(usize),
    /// A body written from its own message.
    Body(Msg),
}

/// Frames to bytes, kept as segments for `writev`.
pub struct Encoder {
    framing: Framing,
    staged: Vec<u8>,
    /// Octets of `staged` already written.
    staged_start: usize,
    segs: VecDeque<Seg>,
    /// Octets of the first segment already written.
    front_off: usize,
    /// Octets still to write.
    pending: usize,
    /// How many `Seg::Staged` are queued.
    staged_segs: usize,
    /// ZWS 2.0: frames go out as WebSocket binary messages.
    ws: Option<WsOut>,
}

/// ZWS 2.0 framing state (see `Encoder::set_ws`).
struct WsOut {
    /// A client masks every frame (RFC 6455, 5.3).
    mask: bool,
    /// Where each frame's masking key comes from (xorshift).
    seed: u32,
    /// The key of the frame being written and the payload octets masked
    /// with it so far.
    key: [u8; 4],
    at: u64,
}

/// ZWS 2.0's flags octet, first in every binary message.
pub const WS_MORE: u8 = 0x01;
pub const WS_COMMAND: u8 = 0x02;

impl Encoder {
    pub fn new(framing: Framing) -> Encoder {
        Encoder {
            framing,
            staged: Vec::new(),
            staged_start: 0,
            segs: VecDeque::new(),
            front_off: 0,
            pending: 0,
            staged_segs: 0,
            ws: None,
        }
    }

    /// From now on frames are ZWS 2.0 WebSocket binary messages: the flags
    /// octet, then the body, masked when `mask` (a client's) with keys
    /// drawn from `seed`.
    pub fn set_ws(&mut self, mask: bool, seed: u32) {
        self.ws = Some(WsOut {
            mask,
            seed: seed | 1,
            key: [0; 4],
            at: 0,
        });
    }

    /// The next masking key, when frames are masked.
    pub fn ws_mask_key(&mut self) -> Option<[u8; 4]> {
        let ws = self.ws.as_mut().filter(|w| w.mask)?;
        // xorshift32: RFC 6455 asks for keys a proxy cannot predict from
        // the payload, not for secrecy; the seed is random.
        let mut x = ws.seed;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        ws.seed = x;
        Some(x.to_ne_bytes())
    }

    fn ws_header(&mut self, more: bool, command: bool, size: usize) {
        let key = self.ws_mask_key();
        let mut h = [0u8; super::ws::MAX_HEADER + 1];
        let mut head = [0u8; super::ws::MAX_HEADER];
        let n = super::ws::header_into(&mut head, true, super::ws::BINARY, size as u64 + 1, key);
        h[..n].copy_from_slice(&head[..n]);
        let mut f = 0;
        if more {
            f |= WS_MORE;
        }
        if command {
            f |= WS_COMMAND;
        }
        h[n] = f ^ key.map_or(0, |k| k[0]);
        if let (Some(ws), Some(k)) = (self.ws.as_mut(), key) {
            ws.key = k;
            ws.at = 1;
        }
        self.raw(&h[..n + 1]);
    }

    /// Whether bodies must be copied to be masked.
    fn masking(&self) -> bool {
        self.ws.as_ref().is_some_and(|w| w.mask)
    }

    /// Queues body octets of the frame whose header was queued last,
    /// masked when frames are.
    fn body(&mut self, bytes: &[u8]) {
        let Some(ws) = self.ws.as_mut().filter(|w| w.mask) else {
            return self.raw(bytes);
        };
        if bytes.is_empty() {
            return;
        }
        let (key, at) = (ws.key, ws.at);
        ws.at += bytes.len() as u64;
        super::ws::extend_masked(&mut self.staged, bytes, key, at);
        self.staged_grew(bytes.len());
    }

    pub fn set_framing(&mut self, framing: Framing) {
        self.framing = framing;
    }

    pub fn framing(&self) -> Framing {
        self.framing
    }

    /// Octets waiting to be written.
    pub fn pending(&self) -> usize {
        self.pending
    }

    pub fn is_empty(&self) -> bool {
        self.pending == 0
    }

    /// Queues raw octets (the greeting).
    pub fn raw(&mut self, bytes: &[u8]) {
        self.staged.extend_from_slice(bytes);
        self.staged_grew(bytes.len());
    }

    /// Takes note that `n` octets were appended to `staged`.
    fn staged_grew(&mut self, n: usize) {
        if n == 0 {
            return;
        }
        self.pending += n;
        if let Some(Seg::Staged(len)) = self.segs.back_mut() {
            *len += n;
        } else {
            self.segs.push_back(Seg::Staged(n));
            self.staged_segs += 1;
        }
    }

    /// Queues a frame header for a body of `size` octets.
    pub fn header(&mut self, more: bool, command: bool, size: usize) {
        if self.ws.is_some() {
            return self.ws_header(more, command, size);
        }
        let mut h = [0u8; 10];
        let n = encode_header(self.framing, more, command, size as u64, &mut h);
        self.raw(&h[..n]);
    }

    /// Queues a whole frame whose body is the concatenation of `parts`
    /// (copied).
    pub fn frame_parts(&mut self, more: bool, command: bool, parts: &[&[u8]]) {
        let size = parts.iter().map(|p| p.len()).sum();
        self.header(more, command, size);
        for p in parts {
            self.body(p);
        }
    }

    /// Queues `msg` as one frame: MORE and COMMAND from its flags; a large
    /// body is written from the message itself.
    pub fn frame_msg(&mut self, msg: Msg) {
        let more = msg.more();
        let command = msg.flags() & flags::COMMAND != 0;
        let size = msg.size();
        self.header(more, command, size);
        if size >= ZERO_COPY_MIN && !self.masking() {
            self.pending += size;
            self.segs.push_back(Seg::Body(msg));
        } else {
            self.body(msg.data());
        }
    }

    /// Fills `out` with the pending octets, in order; returns how many
    /// slices were filled.
    pub fn slices<'a>(&'a self, out: &mut [IoSlice<'a>]) -> usize {
        self.slices_upto(out, usize::MAX)
    }

    /// As `slices`, for at most `limit` octets in all.
    pub fn slices_upto<'a>(&'a self, out: &mut [IoSlice<'a>], mut limit: usize) -> usize {
        let mut count = 0;
        let mut pos = self.staged_start;
        for (i, seg) in self.segs.iter().enumerate() {
            if count >= out.len() || limit == 0 {
                break;
            }
            // The written part of the first segment: `staged_start` already
            // counts it for a staged segment; a body skips it here.
            let skip = if i == 0 { self.front_off } else { 0 };
            let bytes: &[u8] = match seg {
                Seg::Staged(n) => {
                    let len = n.saturating_sub(skip);
                    let s = self.staged.get(pos..pos + len).unwrap_or_default();
                    pos += len;
                    s
                }
                Seg::Body(m) => m.data().get(skip..).unwrap_or_default(),
            };
            let b = &bytes[..bytes.len().min(limit)];
            if let Some(slot) = out.get_mut(count) {
                if !b.is_empty() {
                    *slot = IoSlice::new(b);
                    count += 1;
                    limit -= b.len();
                }
            }
        }
        count
    }

    /// Takes note that the first `n` pending octets were written.
    pub fn consume(&mut self, mut n: usize) {
        n = n.min(self.pending);
        self.pending -= n;
        while n > 0 {
            let Some(front) = self.segs.front() else {
                break;
            };
            let len = match front {
                Seg::Staged(len) => *len,
                Seg::Body(m) => m.size(),
            };
            let left = len - self.front_off;
            if n < left {
                self.front_off += n;
                if matches!(front, Seg::Staged(_)) {
                    self.staged_start += n;
                }
                n = 0;
            } else {
                n -= left;
                if matches!(front, Seg::Staged(_)) {
                    self.staged_start += left;
                    self.staged_segs -= 1;
                }
                self.front_off = 0;
                self.segs.pop_front();
            }
        }
        // Reclaim the staging buffer: all of it when nothing staged is
        // left, else its written prefix once that is the larger half.
        if self.staged_segs == 0 {
            self.staged.clear();
            self.staged_start = 0;
        } else if self.staged_start >= 4096 && self.staged_start * 2 >= self.staged.len() {
            self.staged.drain(..self.staged_start);
            self.staged_start = 0;
        }
    }
}

/// Writes the header of a frame of `size` body octets into `out`; returns
/// its length (2, 9 or, in 1.0 framing, 10).
pub fn encode_header(
    framing: Framing,
    more: bool,
    command: bool,
    size: u64,
    out: &mut [u8; 10],
) -> usize {
    match framing {
        Framing::V2 => {
            let mut f = 0;
            if more {
                f |= FLAG_MORE;
            }
            if command {
                f |= FLAG_COMMAND;
            }
            if size > 255 {
                out[0] = f | FLAG_LONG;
                out[1..9].copy_from_slice(&size.to_be_bytes());
                9
            } else {
                out[0] = f;
                out[1] = size as u8;
                2
            }
        }
        Framing::V1 => {
            // The length counts the flags octet; 1.0 has no COMMAND flag.
            let length = size.saturating_add(1);
            let f = u8::from(more);
            if length < 255 {
                out[0] = length as u8;
                out[1] = f;
                2
            } else {
                out[0] = 0xff;
                out[1..9].copy_from_slice(&length.to_be_bytes());
                out[9] = f;
                10
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(d: &mut Decoder, mut data: &[u8]) -> Result<Vec<Frame>, ProtocolError> {
        let mut frames = Vec::new();
        while !data.is_empty() {
            let (used, f) = d.decode(data)?;
            data = &data[used..];
            frames.extend(f);
        }
        Ok(frames)
    }

    fn flat(e: &Encoder) -> Vec<u8> {
        let mut slots = [IoSlice::new(&[]); MAX_IOV];
        let n = e.slices(&mut slots);
        slots[..n].iter().flat_map(|s| s.iter().copied()).collect()
    }

    /// A write limited to a few octets takes a prefix of the output, and
    /// consuming it leaves the rest as it was.
    #[test]
    fn slices_upto_limits_one_write() {
        let mut e = Encoder::new(Framing::V2);
        let body: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        e.frame_msg(Msg::from_slice(&body).unwrap());
        e.frame_parts(false, false, &[b"tail"]);
        let whole = flat(&e);
        let first: Vec<u8> = {
            let mut slots = [IoSlice::new(&[]); MAX_IOV];
            let n = e.slices_upto(&mut slots, 8192);
            slots[..n].iter().flat_map(|s| s.iter().copied()).collect()
        };
        assert_eq!(first, &whole[..8192]);
        e.consume(first.len());
        assert_eq!(flat(&e), &whole[8192..]);
        let mut slots = [IoSlice::new(&[]); MAX_IOV];
        assert_eq!(e.slices_upto(&mut slots, 0), 0);
    }

    #[test]
    fn short_and_long_v2_frames() {
        let mut d = Decoder::new(Framing::V2, -1);
        let mut wire = vec![0x01, 3, b'a', b'b', b'c', 0x00, 0];
        wire.extend_from_slice(&[0x02, 0, 0, 0, 0, 0, 0, 1, 0]);
        wire.extend(std::iter::repeat_n(7u8, 256));
        wire.extend_from_slice(&[0x04, 5, 5, b'H', b'E', b'L', b'O']);
        let frames = decode_all(&mut d, &wire).unwrap();
        assert_eq!(frames.len(), 4);
        assert_eq!(frames[0].msg.data(), b"abc");
        assert!(frames[0].msg.more() && !frames[0].command);
        assert_eq!(frames[1].msg.size(), 0);
        assert!(!frames[1].msg.more());
        assert_eq!(frames[2].msg.data(), &[7u8; 256][..]);
        assert!(frames[3].command);
        assert_eq!(frames[3].msg.flags() & flags::COMMAND, flags::COMMAND);
    }

    #[test]
    fn v1_frames() {
        let mut d = Decoder::new(Framing::V1, -1);
        // Short: length 4 (flags + 3), MORE; then an empty frame; then long.
        let mut wire = vec![4, 1, b'x', b'y', b'z', 1, 0];
        wire.extend_from_slice(&[0xff, 0, 0, 0, 0, 0, 0, 1, 1, 0]);
        wire.extend(std::iter::repeat_n(9u8, 256));
        // Reserved flag bits are ignored (COMMAND has no meaning in 1.0).
        wire.extend_from_slice(&[2, 0x04, b'q']);
        let frames = decode_all(&mut d, &wire).unwrap();
        assert_eq!(frames.len(), 4);
        assert_eq!(frames[0].msg.data(), b"xyz");
        assert!(frames[0].msg.more());
        assert_eq!(frames[1].msg.size(), 0);
        assert_eq!(frames[2].msg.size(), 256);
        assert!(!frames[3].command);
        assert_eq!(frames[3].msg.data(), b"q");
    }

    #[test]
    fn v1_zero_length_is_an_error() {
        let mut d = Decoder::new(Framing::V1, -1);
        assert_eq!(
            decode_all(&mut d, &[0]).err(),
            Some(ProtocolError::ZeroLengthFrame)
        );
        let mut d = Decoder::new(Framing::V1, -1);
        assert_eq!(
            decode_all(&mut d, &[0xff, 0, 0, 0, 0, 0, 0, 0, 0]).err(),
            Some(ProtocolError::ZeroLengthFrame)
        );
    }

    #[test]
    fn one_byte_at_a_time() {
        let mut wire = vec![0x01, 3, b'a', b'b', b'c'];
        wire.extend_from_slice(&[0x02, 0, 0, 0, 0, 0, 0, 1, 44]);
        wire.extend((0..300u32).map(|i| i as u8));
        let mut d = Decoder::new(Framing::V2, -1);
        let mut frames = Vec::new();
        for b in &wire {
            let (used, f) = d.decode(std::slice::from_ref(b)).unwrap();
            assert_eq!(used, 1);
            frames.extend(f);
        }
        assert_eq!(frames.len(), 2);
        assert_eq!(frames[1].msg.data(), &wire[14..]);
    }

    #[test]
    fn maxmsgsize_refuses_before_allocating() {
        let mut d = Decoder::new(Framing::V2, 100);
        let mut wire = vec![0x02];
        wire.extend_from_slice(&(1u64 << 60).to_be_bytes());
        assert_eq!(
            decode_all(&mut d, &wire).err(),
            Some(ProtocolError::MessageTooLarge {
                size: 1 << 60,
                max: 100
            })
        );
        // Exactly the limit passes; one more fails (also in 1.0 framing).
        let mut d = Decoder::new(Framing::V2, 3);
        assert_eq!(decode_all(&mut d, &[0, 3, 1, 2, 3]).unwrap().len(), 1);
        assert!(decode_all(&mut d, &[0, 4]).is_err());
        let mut d = Decoder::new(Framing::V1, 3);
        assert_eq!(decode_all(&mut d, &[4, 0, 1, 2, 3]).unwrap().len(), 1);
        assert!(decode_all(&mut d, &[5]).is_err());
    }

    #[test]
    fn impossible_claim_is_refused() {
        let mut d = Decoder::new(Framing::V2, -1);
        let mut wire = vec![0x02];
        wire.extend_from_slice(&(1u64 << 60).to_be_bytes());
        assert!(matches!(
            decode_all(&mut d, &wire),
            Err(ProtocolError::OutOfMemory { .. })
        ));
    }

    #[test]
    fn huge_claim_without_limit_allocates_lazily() {
        let mut d = Decoder::new(Framing::V2, -1);
        let mut wire = vec![0x02];
        wire.extend_from_slice(&(1u64 << 40).to_be_bytes());
        wire.extend_from_slice(&[1, 2, 3]);
        assert!(decode_all(&mut d, &wire).unwrap().is_empty());
        assert!(d.body.capacity() <= 2 * EAGER_BODY);
        assert_eq!(d.body_remaining(), (1usize << 40) - 3);
        // The direct path grows geometrically too.
        assert!(d.prepare_body_buffer());
        let n = d.body_buffer().len();
        assert!(n > 0 && n <= 2 * EAGER_BODY);
    }

    #[test]
    fn shared_input_bodies_point_into_it() {
        // Two 64-octet frames and the start of a third (long header, body
        // cut short), in one shared buffer.
        let mut wire = Vec::new();
        for fill in [b'a', b'b'] {
            wire.extend_from_slice(&[0x01, 64]);
            wire.extend_from_slice(&[fill; 64]);
        }
        wire.extend_from_slice(&[0x02, 0, 0, 0, 0, 0, 0, 1, 0x2c]);
        wire.extend_from_slice(&[b'c'; 100]);
        let buf = Bytes::from(wire);
        let base = buf.as_ptr() as usize;
        let inside = |m: &Msg| {
            let p = m.data().as_ptr() as usize;
            p >= base && p + m.size() <= base + buf.len()
        };
        let mut d = Decoder::new(Framing::V2, -1);
        let mut at = 0;
        let mut frames = Vec::new();
        while at < buf.len() {
            let (used, f) = d.decode_shared(&buf, at).unwrap();
            at += used;
            frames.extend(f);
        }
        assert_eq!(frames.len(), 2);
        assert!(frames.iter().all(|f| f.msg.more() && inside(&f.msg)));
        assert_eq!(frames[0].msg.data(), &[b'a'; 64][..]);
        assert_eq!(frames[1].msg.data(), &[b'b'; 64][..]);
        // The third body (300 octets) continues in the next buffer: copied.
        let (_, f) = d.decode(&[b'c'; 200]).unwrap();
        let f = f.expect("third frame");
        assert_eq!(f.msg.data(), &[b'c'; 300][..]);
        assert!(!inside(&f.msg));
        // Small bodies stay inline whatever the input.
        let small = Bytes::from_static(&[0x00, 3, b'x', b'y', b'z']);
        let (_, f) = d.decode_shared(&small, 0).unwrap();
        assert_eq!(f.expect("small").msg.data(), b"xyz");
    }

    #[test]
    fn direct_body_reading() {
        let mut d = Decoder::new(Framing::V2, -1);
        let size = 3 * EAGER_BODY + 5;
        let mut hdr = vec![0x03];
        hdr.extend_from_slice(&(size as u64).to_be_bytes());
        let (used, f) = d.decode(&hdr).unwrap();
        assert_eq!(used, 9);
        assert!(f.is_none());
        let mut written = 0;
        let mut frame = None;
        while frame.is_none() {
            assert!(d.prepare_body_buffer());
            let buf = d.body_buffer();
            let n = buf.len().min(100_000);
            for (i, b) in buf[..n].iter_mut().enumerate() {
                b.write(((written + i) % 251) as u8);
            }
            written += n;
            // SAFETY: the n octets were just written.
            frame = unsafe { d.body_filled(n) };
        }
        let frame = frame.unwrap();
        assert_eq!(written, size);
        assert!(frame.msg.more());
        assert!(frame
            .msg
            .data()
            .iter()
            .enumerate()
            .all(|(i, &b)| b == (i % 251) as u8));
        assert!(!d.prepare_body_buffer());
    }

    #[test]
    fn headers() {
        let mut h = [0u8; 10];
        assert_eq!(encode_header(Framing::V2, false, false, 0, &mut h), 2);
        assert_eq!(&h[..2], &[0, 0]);
        assert_eq!(encode_header(Framing::V2, true, false, 255, &mut h), 2);
        assert_eq!(&h[..2], &[1, 255]);
        assert_eq!(encode_header(Framing::V2, true, true, 256, &mut h), 9);
        assert_eq!(&h[..9], &[7, 0, 0, 0, 0, 0, 0, 1, 0]);
        assert_eq!(encode_header(Framing::V1, true, true, 3, &mut h), 2);
        assert_eq!(&h[..2], &[4, 1]);
        assert_eq!(encode_header(Framing::V1, false, false, 253, &mut h), 2);
        assert_eq!(&h[..2], &[254, 0]);
        assert_eq!(encode_header(Framing::V1, false, false, 254, &mut h), 10);
        assert_eq!(&h[..10], &[0xff, 0, 0, 0, 0, 0, 0, 0, 255, 0]);
    }

    #[test]
    fn encoder_round_trips_and_shares_large_bodies() {
        for framing in [Framing::V1, Framing::V2] {
            let mut e = Encoder::new(framing);
            let mut small = Msg::from_slice(b"hello").unwrap();
            small.set_flags(flags::MORE);
            e.frame_msg(small);
            let big = Msg::from_slice(&vec![3u8; ZERO_COPY_MIN * 2]).unwrap();
            let big_ptr = big.data().as_ptr();
            e.frame_msg(big);
            e.frame_parts(false, false, &[b"ab", b"cd"]);
            let mut slots = [IoSlice::new(&[]); MAX_IOV];
            let n = e.slices(&mut slots);
            assert_eq!(n, 3);
            assert_eq!(slots[1].as_ptr(), big_ptr);
            let bytes = flat(&e);
            assert_eq!(bytes.len(), e.pending());
            let mut d = Decoder::new(framing, -1);
            let frames = decode_all(&mut d, &bytes).unwrap();
            assert_eq!(frames.len(), 3);
            assert_eq!(frames[0].msg.data(), b"hello");
            assert!(frames[0].msg.more());
            assert_eq!(frames[1].msg.size(), ZERO_COPY_MIN * 2);
            assert_eq!(frames[2].msg.data(), b"abcd");
        }
    }

    #[test]
    fn partial_consumption() {
        let mut e = Encoder::new(Framing::V2);
        e.raw(b"0123456789");
        e.frame_msg(Msg::from_slice(&vec![1u8; ZERO_COPY_MIN]).unwrap());
        e.raw(b"tail");
        let all = flat(&e);
        let mut got = Vec::new();
        for step in [3usize, 1, 7, 5000, 2, 100_000] {
            let now = flat(&e);
            let n = step.min(now.len());
            got.extend_from_slice(&now[..n]);
            e.consume(n);
        }
        assert!(e.is_empty());
        assert_eq!(got, all);
        assert!(flat(&e).is_empty());
        // Over-consumption is harmless.
        e.consume(10);
        assert!(e.is_empty());
    }
}
