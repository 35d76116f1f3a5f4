//! CURVE keys and the NaCl primitives CURVE is built from, all from
//! libsodium (the library libzmq itself uses): X25519 key pairs in Z85 text
//! for `zmq_curve_keypair` and `zmq_curve_public`, and the precomputed
//! crypto_box (X25519 + HSalsa20, then XSalsa20-Poly1305) that
//! `zmtp::curve` seals and opens its boxes with.
//!
//! Every call into libsodium is here, behind safe functions whose lengths
//! are fixed by their types or taken from the slices they are given.

use crate::error::{Error, Result};
use crate::z85;
use libsodium_sys as na;
use std::sync::OnceLock;

/// Length of a key in Z85, without the NUL.
pub(crate) const Z85_KEY_LEN: usize = 40;
/// A box's nonce.
pub(crate) const NONCE_LEN: usize = 24;
/// A box's authenticator, which precedes its ciphertext.
pub(crate) const MAC_LEN: usize = 16;

/// libsodium is initialised (once per process; it picks its fastest
/// implementations there). False only if it could not be.
fn ready() -> bool {
    static READY: OnceLock<bool> = OnceLock::new();
    // SAFETY: sodium_init takes no arguments and may be called from any
    // thread; it returns 0, or 1 when already done, or -1 on failure.
    *READY.get_or_init(|| unsafe { na::sodium_init() } >= 0)
}

/// Fills `buf` from the kernel's random source.
pub fn random_bytes(buf: &mut [u8]) -> Result<()> {
    let mut filled = 0;
    while filled < buf.len() {
        // SAFETY: writes at most the remaining length into `buf`.
        let n =
            unsafe { libc::getrandom(buf[filled..].as_mut_ptr().cast(), buf.len() - filled, 0) };
        if n < 0 {
            let e = errno::errno().0;
            if e == libc::EINTR {
                continue;
            }
            return Err(Error(e));
        }
        filled += n as usize;
    }
    Ok(())
}

/// Constant-time equality of two secrets (false when the lengths differ).
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    // SAFETY: both pointers are valid for `a.len()` octets, as the lengths
    // are equal.
    a.len() == b.len()
        && unsafe { na::sodium_memcmp(a.as_ptr().cast(), b.as_ptr().cast(), a.len()) } == 0
}

/// Zeroes `buf` in a way the optimiser keeps.
pub(crate) fn wipe(buf: &mut [u8]) {
    // SAFETY: `buf` is valid for its length.
    unsafe { na::sodium_memzero(buf.as_mut_ptr().cast(), buf.len()) }
}

/// An X25519 secret key, wiped when dropped.
pub struct SecretKey([u8; 32]);

impl SecretKey {
    pub fn from_bytes(bytes: [u8; 32]) -> SecretKey {
        SecretKey(bytes)
    }

    /// A fresh random secret key.
    pub fn generate() -> Result<SecretKey> {
        let mut k = SecretKey([0; 32]);
        random_bytes(&mut k.0)?;
        Ok(k)
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The matching public key.
    pub fn public(&self) -> Result<[u8; 32]> {
        if !ready() {
            return Err(Error::EINVAL);
        }
        let mut public = [0u8; 32];
        // SAFETY: both buffers are crypto_scalarmult_BYTES (32) long.
        if unsafe { na::crypto_scalarmult_base(public.as_mut_ptr(), self.0.as_ptr()) } != 0 {
            return Err(Error::EINVAL);
        }
        Ok(public)
    }
}

impl Drop for SecretKey {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

/// A symmetric XSalsa20-Poly1305 key, wiped when dropped: either the
/// precomputed key of a crypto_box between two parties (`agree`), or a
/// fresh secretbox key (`random`, the CURVE server's cookie key). A box
/// sealed with it is the authenticator then the ciphertext, as CURVE puts
/// it on the wire.
pub struct SharedKey([u8; 32]);

impl SharedKey {
    /// The crypto_box key between `public` and `secret`; None when
    /// libsodium refuses the pair (a public key of small order, whose
    /// shared secret would be all zeroes).
    pub fn agree(public: &[u8; 32], secret: &SecretKey) -> Option<SharedKey> {
        if !ready() {
            return None;
        }
        let mut k = SharedKey([0; 32]);
        // SAFETY: the key buffers are crypto_box_PUBLICKEYBYTES,
        // crypto_box_SECRETKEYBYTES and crypto_box_BEFORENMBYTES (32) long.
        let rc = unsafe {
            na::crypto_box_beforenm(k.0.as_mut_ptr(), public.as_ptr(), secret.0.as_ptr())
        };
        (rc == 0).then_some(k)
    }

    /// A fresh random key.
    pub fn random() -> Option<SharedKey> {
        if !ready() {
            return None;
        }
        let mut k = SharedKey([0; 32]);
        random_bytes(&mut k.0).ok()?;
        Some(k)
    }

    /// `plain` sealed: MAC_LEN octets of authenticator, then the ciphertext.
    pub fn seal(&self, nonce: &[u8; NONCE_LEN], plain: &[u8]) -> Vec<u8> {
        let mut out = vec![0u8; MAC_LEN + plain.len()];
        out[MAC_LEN..].copy_from_slice(plain);
        let (mac, body) = out.split_at_mut(MAC_LEN);
        self.seal_detached(nonce, body, mac.try_into().expect("MAC_LEN"));
        out
    }

    /// Encrypts `buf` where it lies and writes its authenticator to `mac`.
    pub fn seal_detached(&self, nonce: &[u8; NONCE_LEN], buf: &mut [u8], mac: &mut [u8; MAC_LEN]) {
        // SAFETY: `buf` is both the plaintext and the ciphertext, which
        // libsodium allows; the nonce, key and MAC have their fixed lengths.
        let p = buf.as_mut_ptr();
        unsafe {
            na::crypto_box_detached_afternm(
                p,
                mac.as_mut_ptr(),
                p,
                buf.len() as u64,
                nonce.as_ptr(),
                self.0.as_ptr(),
            );
        }
    }

    /// The plaintext of `boxed` (authenticator then ciphertext), or None
    /// when it is too short or does not authenticate.
    pub fn open(&self, nonce: &[u8; NONCE_LEN], boxed: &[u8]) -> Option<Vec<u8>> {
        let mut out = vec![0u8; boxed.len().checked_sub(MAC_LEN)?];
        self.open_into(nonce, boxed, &mut out).then_some(out)
    }

    /// Opens `boxed` into `out`, which must be exactly MAC_LEN shorter;
    /// false when it is not or the box does not authenticate (`out` then
    /// holds nothing of the plaintext).
    pub fn open_into(&self, nonce: &[u8; NONCE_LEN], boxed: &[u8], out: &mut [u8]) -> bool {
        let Some((mac, cipher)) = boxed.split_first_chunk::<MAC_LEN>() else {
            return false;
        };
        if cipher.len() != out.len() {
            return false;
        }
        // SAFETY: `out` and `cipher` have the same length and do not
        // overlap; the MAC, nonce and key have their fixed lengths.
        let rc = unsafe {
            na::crypto_box_open_detached_afternm(
                out.as_mut_ptr(),
                cipher.as_ptr(),
                mac.as_ptr(),
                cipher.len() as u64,
                nonce.as_ptr(),
                self.0.as_ptr(),
            )
        };
        rc == 0
    }
}

/// One direction of a CURVE MESSAGE stream: a `SharedKey` bound to the
/// 16-octet nonce prefix that every box of that direction shares, so that
/// only the last 8 octets (the counter) change from box to box.
///
/// XSalsa20 begins each box by deriving a Salsa20 key from the shared key
/// and the nonce's first 16 octets (HSalsa20). With the prefix fixed, that
/// key is the same for every message, so it is derived once here; each box
/// is then Salsa20 under it with the counter as nonce, and Poly1305 keyed
/// by the stream's first 32 octets: the boxes `SharedKey` makes, octet for
/// octet (the unit tests compare them), without HSalsa20 per message.
pub struct PrefixedKey([u8; 32]);

impl PrefixedKey {
    pub fn new(key: &SharedKey, prefix: &[u8; 16]) -> Option<PrefixedKey> {
        if !ready() {
            return None;
        }
        let mut k = PrefixedKey([0; 32]);
        // SAFETY: out and key are 32 octets, the input 16; a null constant
        // selects Salsa20's own.
        let rc = unsafe {
            na::crypto_core_hsalsa20(
                k.0.as_mut_ptr(),
                prefix.as_ptr(),
                key.0.as_ptr(),
                std::ptr::null(),
            )
        };
        (rc == 0).then_some(k)
    }

    /// XORs `buf` with the key stream for `tail` from octet 32 on, and
    /// returns the stream's first 32 octets (the Poly1305 key).
    fn xor(&self, tail: &[u8; 8], buf: &mut [u8]) -> [u8; 64] {
        // Block 0: the Poly1305 key, then the first 32 octets of the box.
        let head = buf.len().min(32);
        let mut block0 = [0u8; 64];
        block0[32..32 + head].copy_from_slice(&buf[..head]);
        // SAFETY: each call reads and writes within the given buffer and
        // length (the same buffer in and out, which libsodium allows); the
        // nonce is 8 octets and the key 32.
        let b = block0.as_mut_ptr();
        unsafe {
            na::crypto_stream_salsa20_xor(b, b, (32 + head) as u64, tail.as_ptr(), self.0.as_ptr());
            if buf.len() > head {
                let rest = &mut buf[head..];
                let r = rest.as_mut_ptr();
                na::crypto_stream_salsa20_xor_ic(
                    r,
                    r,
                    rest.len() as u64,
                    tail.as_ptr(),
                    1,
                    self.0.as_ptr(),
                );
            }
        }
        buf[..head].copy_from_slice(&block0[32..32 + head]);
        block0
    }

    /// Encrypts `buf` where it lies under the nonce prefix + `tail` and
    /// writes its authenticator to `mac`.
    pub fn seal_detached(&self, tail: &[u8; 8], buf: &mut [u8], mac: &mut [u8; MAC_LEN]) {
        let mut block0 = self.xor(tail, buf);
        // SAFETY: `buf` is valid for its length, the key is 32 octets and
        // the output 16.
        unsafe {
            na::crypto_onetimeauth_poly1305(
                mac.as_mut_ptr(),
                buf.as_ptr(),
                buf.len() as u64,
                block0.as_ptr(),
            );
        }
        wipe(&mut block0);
    }

    /// The ciphertext of `boxed` (authenticator then ciphertext) if it
    /// authenticates under `tail`.
    fn verify<'a>(&self, tail: &[u8; 8], boxed: &'a [u8]) -> Option<&'a [u8]> {
        let (mac, cipher) = boxed.split_first_chunk::<MAC_LEN>()?;
        let mut poly = [0u8; 32];
        // SAFETY: `poly` is 32 octets, the nonce 8 and the key 32; the
        // verification reads `cipher` within its length.
        let ok = unsafe {
            na::crypto_stream_salsa20(poly.as_mut_ptr(), 32, tail.as_ptr(), self.0.as_ptr());
            na::crypto_onetimeauth_poly1305_verify(
                mac.as_ptr(),
                cipher.as_ptr(),
                cipher.len() as u64,
                poly.as_ptr(),
            ) == 0
        };
        wipe(&mut poly);
        ok.then_some(cipher)
    }

    /// The plaintext of `boxed` (authenticator then ciphertext), or None
    /// when it is too short or does not authenticate (checked before
    /// anything is decrypted).
    pub fn open(&self, tail: &[u8; 8], boxed: &[u8]) -> Option<Vec<u8>> {
        let mut out = self.verify(tail, boxed)?.to_vec();
        wipe(&mut self.xor(tail, &mut out));
        Some(out)
    }

    /// Opens `boxed` into `out`, which must be exactly MAC_LEN shorter;
    /// false when it is not or the box does not authenticate (`out` is
    /// then left as it was).
    pub fn open_into(&self, tail: &[u8; 8], boxed: &[u8], out: &mut [u8]) -> bool {
        match self.verify(tail, boxed) {
            Some(cipher) if cipher.len() == out.len() => {
                out.copy_from_slice(cipher);
                wipe(&mut self.xor(tail, out));
                true
            }
            _ => false,
        }
    }
}

impl Drop for PrefixedKey {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

impl Drop for SharedKey {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

/// A fresh key pair as (public, secret) Z85 texts.
pub fn keypair() -> Result<([u8; Z85_KEY_LEN], [u8; Z85_KEY_LEN])> {
    let secret = SecretKey::generate()?;
    let public = secret.public()?;
    let mut out = ([0u8; Z85_KEY_LEN], [0u8; Z85_KEY_LEN]);
    z85::encode_into(&public, &mut out.0).ok_or(Error::EINVAL)?;
    z85::encode_into(secret.as_bytes(), &mut out.1).ok_or(Error::EINVAL)?;
    Ok(out)
}

/// The public key (Z85) of a Z85 secret key; EINVAL when it is not 40
/// valid Z85 characters.
pub fn public_of(secret_z85: &[u8]) -> Result<[u8; Z85_KEY_LEN]> {
    let mut secret = SecretKey([0u8; 32]);
    if secret_z85.len() != Z85_KEY_LEN {
        return Err(Error::EINVAL);
    }
    z85::decode_into(secret_z85, &mut secret.0).ok_or(Error::EINVAL)?;
    let public = secret.public()?;
    let mut out = [0u8; Z85_KEY_LEN];
    z85::encode_into(&public, &mut out).ok_or(Error::EINVAL)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 7748 section 6.1: Alice's and Bob's keys.
    const ALICE_SECRET: [u8; 32] = [
        0x77, 0x07, 0x6d, 0x0a, 0x73, 0x18, 0xa5, 0x7d, 0x3c, 0x16, 0xc1, 0x72, 0x51, 0xb2, 0x66,
        0x45, 0xdf, 0x4c, 0x2f, 0x87, 0xeb, 0xc0, 0x99, 0x2a, 0xb1, 0x77, 0xfb, 0xa5, 0x1d, 0xb9,
        0x2c, 0x2a,
    ];
    const ALICE_PUBLIC: [u8; 32] = [
        0x85, 0x20, 0xf0, 0x09, 0x89, 0x30, 0xa7, 0x54, 0x74, 0x8b, 0x7d, 0xdc, 0xb4, 0x3e, 0xf7,
        0x5a, 0x0d, 0xbf, 0x3a, 0x0d, 0x26, 0x38, 0x1a, 0xf4, 0xeb, 0xa4, 0xa9, 0x8e, 0xaa, 0x9b,
        0x4e, 0x6a,
    ];
    const BOB_SECRET: [u8; 32] = [
        0x5d, 0xab, 0x08, 0x7e, 0x62, 0x4a, 0x8a, 0x4b, 0x79, 0xe1, 0x7f, 0x8b, 0x83, 0x80, 0x0e,
        0xe6, 0x6f, 0x3b, 0xb1, 0x29, 0x26, 0x18, 0xb6, 0xfd, 0x1c, 0x2f, 0x8b, 0x27, 0xff, 0x88,
        0xe0, 0xeb,
    ];
    const BOB_PUBLIC: [u8; 32] = [
        0xde, 0x9e, 0xdb, 0x7d, 0x7b, 0x7d, 0xc1, 0xb4, 0xd3, 0x5b, 0x61, 0xc2, 0xec, 0xe4, 0x35,
        0x37, 0x3f, 0x83, 0x43, 0xc8, 0x5b, 0x78, 0x67, 0x4d, 0xad, 0xfc, 0x7e, 0x14, 0x6f, 0x88,
        0x2b, 0x4f,
    ];

    #[test]
    fn rfc7748_alice() {
        let secret_z85 = z85::encode(&ALICE_SECRET).unwrap();
        let got = public_of(secret_z85.as_bytes()).unwrap();
        assert_eq!(z85::decode(&got).unwrap(), ALICE_PUBLIC);
        assert_eq!(
            SecretKey::from_bytes(BOB_SECRET).public().unwrap(),
            BOB_PUBLIC
        );
    }

    #[test]
    fn keypair_is_consistent() {
        let (public, secret) = keypair().unwrap();
        assert_eq!(public_of(&secret).unwrap(), public);
        let (other, _) = keypair().unwrap();
        assert_ne!(other, public);
    }

    #[test]
    fn both_sides_agree_and_boxes_authenticate() {
        let a = SharedKey::agree(&BOB_PUBLIC, &SecretKey::from_bytes(ALICE_SECRET)).unwrap();
        let b = SharedKey::agree(&ALICE_PUBLIC, &SecretKey::from_bytes(BOB_SECRET)).unwrap();
        let nonce = [7u8; NONCE_LEN];
        let boxed = a.seal(&nonce, b"hello, Bob");
        assert_eq!(boxed.len(), MAC_LEN + 10);
        assert_eq!(b.open(&nonce, &boxed).unwrap(), b"hello, Bob");
        // In place and detached, the same box.
        let mut buf = *b"hello, Bob";
        let mut mac = [0u8; MAC_LEN];
        a.seal_detached(&nonce, &mut buf, &mut mac);
        assert_eq!(&boxed[..MAC_LEN], &mac);
        assert_eq!(&boxed[MAC_LEN..], &buf);
        // Any flipped bit, a wrong nonce, or a short box: refused.
        for i in 0..boxed.len() {
            let mut bad = boxed.clone();
            bad[i] ^= 1;
            assert!(b.open(&nonce, &bad).is_none(), "bit in octet {i}");
        }
        assert!(b.open(&[8u8; NONCE_LEN], &boxed).is_none());
        assert!(b.open(&nonce, &boxed[..MAC_LEN - 1]).is_none());
        assert!(b.open(&nonce, &boxed[..MAC_LEN]).is_none());
        let mut short = [0u8; 3];
        assert!(!b.open_into(&nonce, &boxed, &mut short));
    }

    #[test]
    fn nacl_box_vector() {
        // NaCl's box test vector (Bernstein, "Cryptography in NaCl",
        // section 10): Alice to Bob. The ciphertext is the plaintext XORed
        // with the key stream, so its first octets do not depend on the
        // rest of the message (the authenticator does).
        let k = SharedKey::agree(&BOB_PUBLIC, &SecretKey::from_bytes(ALICE_SECRET)).unwrap();
        let nonce: [u8; NONCE_LEN] = [
            0x69, 0x69, 0x6e, 0xe9, 0x55, 0xb6, 0x2b, 0x73, 0xcd, 0x62, 0xbd, 0xa8, 0x75, 0xfc,
            0x73, 0xd6, 0x82, 0x19, 0xe0, 0x03, 0x6b, 0x7a, 0x0b, 0x37,
        ];
        let plain: [u8; 8] = [0xbe, 0x07, 0x5f, 0xc5, 0x3c, 0x81, 0xf2, 0xd5];
        let boxed = k.seal(&nonce, &plain);
        assert_eq!(
            &boxed[MAC_LEN..],
            &[0x8e, 0x99, 0x3b, 0x9f, 0x48, 0x68, 0x12, 0x73][..]
        );
    }

    #[test]
    fn prefixed_boxes_are_the_same_boxes() {
        let k = SharedKey::agree(&BOB_PUBLIC, &SecretKey::from_bytes(ALICE_SECRET)).unwrap();
        let mut prefix = [0u8; 16];
        random_bytes(&mut prefix).unwrap();
        let p = PrefixedKey::new(&k, &prefix).unwrap();
        let mut data = vec![0u8; 1100];
        random_bytes(&mut data).unwrap();
        for len in (0..=200).chain([255, 256, 257, 1023, 1100]) {
            let tail = (len as u64 * 7919 + 1).to_be_bytes();
            let mut nonce = [0u8; NONCE_LEN];
            nonce[..16].copy_from_slice(&prefix);
            nonce[16..].copy_from_slice(&tail);
            let want = k.seal(&nonce, &data[..len]);
            let mut buf = data[..len].to_vec();
            let mut mac = [0u8; MAC_LEN];
            p.seal_detached(&tail, &mut buf, &mut mac);
            assert_eq!(&want[..MAC_LEN], &mac, "mac, length {len}");
            assert_eq!(&want[MAC_LEN..], &buf[..], "ciphertext, length {len}");
            assert_eq!(p.open(&tail, &want).unwrap(), &data[..len], "length {len}");
            for at in [
                0,
                MAC_LEN - 1,
                MAC_LEN + len / 2,
                MAC_LEN + len.saturating_sub(1),
            ] {
                let mut bad = want.clone();
                let Some(octet) = bad.get_mut(at) else {
                    continue;
                };
                *octet ^= 0x80;
                assert!(p.open(&tail, &bad).is_none(), "length {len}, octet {at}");
            }
            let other = (len as u64 * 7919 + 2).to_be_bytes();
            assert!(p.open(&other, &want).is_none());
            let mut out = vec![0u8; len];
            assert!(p.open_into(&tail, &want, &mut out));
            assert_eq!(out, &data[..len]);
            let mut out = vec![0u8; len + 1];
            assert!(!p.open_into(&tail, &want, &mut out), "wrong length");
            assert!(out.iter().all(|&b| b == 0), "left as it was");
        }
        assert!(p.open(&[0; 8], &[0u8; MAC_LEN - 1]).is_none());
    }

    #[test]
    fn small_order_keys_are_refused() {
        let secret = SecretKey::from_bytes(ALICE_SECRET);
        assert!(SharedKey::agree(&[0u8; 32], &secret).is_none());
        let mut one = [0u8; 32];
        one[0] = 1;
        assert!(SharedKey::agree(&one, &secret).is_none());
    }

    #[test]
    fn constant_time_equality() {
        assert!(ct_eq(b"abc", b"abc"));
        assert!(!ct_eq(b"abc", b"abd"));
        assert!(!ct_eq(b"abc", b"ab"));
        assert!(ct_eq(b"", b""));
    }
}
