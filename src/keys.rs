//! CURVE key pairs (X25519) in Z85 text, for `zmq_curve_keypair` and
//! `zmq_curve_public`. The curve arithmetic is x25519-dalek's.

use crate::error::{Error, Result};
use crate::z85;
use x25519_dalek::{PublicKey, StaticSecret};

/// Length of a key in Z85, without the NUL.
pub(crate) const Z85_KEY_LEN: usize = 40;

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

/// A fresh key pair as (public, secret) Z85 texts.
pub fn keypair() -> Result<([u8; Z85_KEY_LEN], [u8; Z85_KEY_LEN])> {
    let mut secret = [0u8; 32];
    random_bytes(&mut secret)?;
    let public = PublicKey::from(&StaticSecret::from(secret));
    let mut out = ([0u8; Z85_KEY_LEN], [0u8; Z85_KEY_LEN]);
    z85::encode_into(public.as_bytes(), &mut out.0).ok_or(Error::EINVAL)?;
    z85::encode_into(&secret, &mut out.1).ok_or(Error::EINVAL)?;
    Ok(out)
}

/// The public key (Z85) of a Z85 secret key; EINVAL when it is not 40
/// valid Z85 characters.
pub fn public_of(secret_z85: &[u8]) -> Result<[u8; Z85_KEY_LEN]> {
    let mut secret = [0u8; 32];
    if secret_z85.len() != Z85_KEY_LEN {
        return Err(Error::EINVAL);
    }
    z85::decode_into(secret_z85, &mut secret).ok_or(Error::EINVAL)?;
    let public = PublicKey::from(&StaticSecret::from(secret));
    let mut out = [0u8; Z85_KEY_LEN];
    z85::encode_into(public.as_bytes(), &mut out).ok_or(Error::EINVAL)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7748_alice() {
        // RFC 7748 section 6.1: Alice's private and public keys.
        let secret: [u8; 32] = [
            0x77, 0x07, 0x6d, 0x0a, 0x73, 0x18, 0xa5, 0x7d, 0x3c, 0x16, 0xc1, 0x72, 0x51, 0xb2,
            0x66, 0x45, 0xdf, 0x4c, 0x2f, 0x87, 0xeb, 0xc0, 0x99, 0x2a, 0xb1, 0x77, 0xfb, 0xa5,
            0x1d, 0xb9, 0x2c, 0x2a,
        ];
        let public: [u8; 32] = [
            0x85, 0x20, 0xf0, 0x09, 0x89, 0x30, 0xa7, 0x54, 0x74, 0x8b, 0x7d, 0xdc, 0xb4, 0x3e,
            0xf7, 0x5a, 0x0d, 0xbf, 0x3a, 0x0d, 0x26, 0x38, 0x1a, 0xf4, 0xeb, 0xa4, 0xa9, 0x8e,
            0xaa, 0x9b, 0x4e, 0x6a,
        ];
        let secret_z85 = z85::encode(&secret).unwrap();
        let got = public_of(secret_z85.as_bytes()).unwrap();
        assert_eq!(z85::decode(&got).unwrap(), public);
    }

    #[test]
    fn keypair_is_consistent() {
        let (public, secret) = keypair().unwrap();
        assert_eq!(public_of(&secret).unwrap(), public);
        let (other, _) = keypair().unwrap();
        assert_ne!(other, public);
    }
}
