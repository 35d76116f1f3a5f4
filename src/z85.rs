//! Z85 (ZeroMQ RFC 32): binary <-> printable text, 4 bytes to 5 characters.
//! Pure functions; the C wrappers are in `ffi/util.rs`.

const ALPHABET: &[u8; 85] =
    b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

/// Maps a character (minus 32) to its digit, 0xff when not in the alphabet.
const DECODE: [u8; 96] = {
    let mut t = [0xffu8; 96];
    let mut i = 0;
    while i < 85 {
        t[(ALPHABET[i] - 32) as usize] = i as u8;
        i += 1;
    }
    t
};

/// Encodes `data` (length a multiple of 4) into `out` (`data.len() / 4 * 5`
/// bytes). None when the length is not a multiple of 4.
pub fn encode_into(data: &[u8], out: &mut [u8]) -> Option<()> {
    if data.len() % 4 != 0 || out.len() < data.len() / 4 * 5 {
        return None;
    }
    for (chunk, dst) in data.chunks_exact(4).zip(out.chunks_exact_mut(5)) {
        let mut value = u32::from_be_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        for d in dst.iter_mut().rev() {
            *d = ALPHABET[(value % 85) as usize];
            value /= 85;
        }
    }
    Some(())
}

pub fn encode(data: &[u8]) -> Option<String> {
    let mut out = vec![0u8; data.len() / 4 * 5];
    encode_into(data, &mut out)?;
    String::from_utf8(out).ok()
}

/// Decodes `text` (length a positive multiple of 5) into `out`
/// (`text.len() / 5 * 4` bytes). None on a bad length, a character outside
/// the alphabet, or a group worth more than 32 bits.
pub fn decode_into(text: &[u8], out: &mut [u8]) -> Option<()> {
    if text.is_empty() || text.len() % 5 != 0 || out.len() < text.len() / 5 * 4 {
        return None;
    }
    for (group, dst) in text.chunks_exact(5).zip(out.chunks_exact_mut(4)) {
        let mut value: u32 = 0;
        for &c in group {
            let digit = *DECODE.get(c.checked_sub(32)? as usize)?;
            if digit == 0xff {
                return None;
            }
            value = value.checked_mul(85)?.checked_add(digit as u32)?;
        }
        dst.copy_from_slice(&value.to_be_bytes());
    }
    Some(())
}

pub fn decode(text: &[u8]) -> Option<Vec<u8>> {
    let mut out = vec![0u8; text.len() / 5 * 4];
    decode_into(text, &mut out)?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    // The example of RFC 32.
    const HELLO: [u8; 8] = [0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B];

    #[test]
    fn rfc32_vector() {
        assert_eq!(encode(&HELLO).as_deref(), Some("HelloWorld"));
        assert_eq!(decode(b"HelloWorld").as_deref(), Some(&HELLO[..]));
    }

    #[test]
    fn round_trip_every_byte() {
        let data: Vec<u8> = (0..=255u8).collect();
        assert_eq!(decode(encode(&data).unwrap().as_bytes()).unwrap(), data);
    }

    #[test]
    fn bad_input() {
        assert_eq!(encode(&[1, 2, 3]), None);
        assert_eq!(decode(b""), None);
        assert_eq!(decode(b"Hell"), None);
        assert_eq!(decode(b"Hell\""), None);
        assert_eq!(decode(b"Hell\x7f"), None);
        assert_eq!(decode("Hellé".as_bytes()), None);
        // "%%%%%" is 84 * (85^4 + ... + 1), more than 32 bits.
        assert_eq!(decode(b"%%%%%"), None);
        assert_eq!(decode(b"%nSc0").as_deref(), Some(&[0xff; 4][..]));
    }
}
