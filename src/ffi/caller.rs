//! The caller's memory when its length may lie.
//!
//! A C caller hands us a pointer and a length. Small ones are taken on
//! trust, as libzmq takes them all (checking each one would cost a system
//! call on every option read). A length past [`TRUSTED_LEN`] is where lies
//! live (SIZE_MAX, 2^40, a negative int cast to size_t): such a value is
//! first checked against the address space (EINVAL when the range would
//! wrap), then allocated fallibly (ENOMEM), then copied by the kernel with
//! `process_vm_readv` / `process_vm_writev` on our own process, which stop
//! at the first unmapped page instead of faulting (EFAULT). No slice longer
//! than the caller's real buffer is ever formed.

use crate::error::{Error, Result};
pub(crate) use crate::socket::options::LongValue;
use libc::{c_void, iovec};

/// Lengths up to this are read and written directly, as libzmq does.
pub(crate) const TRUSTED_LEN: usize = 4096;

/// The most a getsockopt-style call fills in for a caller whose buffer is
/// longer than [`TRUSTED_LEN`]: no option value comes near it.
const MAX_OUT: usize = 1 << 20;

/// EINVAL unless `[p, p + len)` lies inside the address space.
pub(crate) fn check_range(p: *const c_void, len: usize) -> Result<()> {
    match (p as usize).checked_add(len) {
        Some(end) if len <= isize::MAX as usize && end <= isize::MAX as usize + 1 => Ok(()),
        _ => Err(Error::EINVAL),
    }
}

/// Moves `len` bytes between our own memory at `local` and the caller's
/// at `remote` through the kernel (`to_caller`: local to remote), which
/// stops at the first unmapped page: EFAULT when it could not move them
/// all, `Ok(false)` when the kernel refuses such calls on ourselves (a
/// seccomp filter, an old kernel) and nothing was moved yet.
///
/// # Safety
/// `local` must be `len` bytes of ours (writable unless `to_caller`).
unsafe fn kernel_copy(local: *mut u8, remote: usize, len: usize, to_caller: bool) -> Result<bool> {
    let mut done = 0;
    while done < len {
        let ours = iovec {
            // SAFETY: within the `len` bytes of `local`.
            iov_base: unsafe { local.add(done) } as *mut c_void,
            iov_len: len - done,
        };
        let theirs = iovec {
            iov_base: (remote + done) as *mut c_void,
            iov_len: len - done,
        };
        // SAFETY: `ours` is our own memory; the kernel checks `theirs`.
        let n = unsafe {
            if to_caller {
                libc::process_vm_writev(libc::getpid(), &ours, 1, &theirs, 1, 0)
            } else {
                libc::process_vm_readv(libc::getpid(), &ours, 1, &theirs, 1, 0)
            }
        };
        match n {
            n if n > 0 => done += n as usize,
            0 => return Err(Error::EFAULT),
            _ => match errno::errno().0 {
                libc::EINTR => {}
                libc::ENOSYS | libc::EPERM if done == 0 => return Ok(false),
                _ => return Err(Error::EFAULT),
            },
        }
    }
    Ok(true)
}

/// Copies `len` bytes from the caller's `p` into memory of our own.
/// EFAULT for NULL or a buffer shorter than `len`, EINVAL for a range
/// that cannot exist, ENOMEM when `len` bytes cannot be had.
///
/// # Safety
/// None beyond the call itself: the kernel reads `p`, so a lying `p` or
/// `len` ends in EFAULT, never in a fault. (Where the kernel refuses the
/// call on ourselves, e.g. under a seccomp filter, the copy falls back to
/// reading directly, and then `p` must hold `len` bytes.)
pub(crate) unsafe fn copy_in(p: *const c_void, len: usize) -> Result<Vec<u8>> {
    if len == 0 {
        return Ok(Vec::new());
    }
    if p.is_null() {
        return Err(Error::EFAULT);
    }
    check_range(p, len)?;
    let mut out = Vec::new();
    out.try_reserve_exact(len).map_err(|_| Error::ENOMEM)?;
    // SAFETY: the spare capacity holds `len` bytes.
    if unsafe { kernel_copy(out.as_mut_ptr(), p as usize, len, false) }? {
        // SAFETY: the kernel wrote all `len` bytes.
        unsafe { out.set_len(len) };
    } else {
        // SAFETY: no checked copy here: the caller's word.
        out.extend_from_slice(unsafe { std::slice::from_raw_parts(p as *const u8, len) });
    }
    Ok(out)
}

/// Writes `data` at the caller's `dest` (EFAULT when it does not fit in
/// the caller's mapped memory; what fitted may have been written).
///
/// # Safety
/// As [`copy_in`]: the kernel writes, so a lying `dest` ends in EFAULT;
/// on the fallback path `dest` must have room for `data`.
pub(crate) unsafe fn copy_out(dest: *mut c_void, data: &[u8]) -> Result<()> {
    if data.is_empty() {
        return Ok(());
    }
    if dest.is_null() {
        return Err(Error::EFAULT);
    }
    check_range(dest, data.len())?;
    // SAFETY: `data` is ours; the kernel only reads it.
    if !unsafe { kernel_copy(data.as_ptr() as *mut u8, dest as usize, data.len(), true) }? {
        // SAFETY: no checked copy here: the caller's word.
        unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), dest as *mut u8, data.len()) };
    }
    Ok(())
}

/// An option value handed in as pointer and length (zmq_setsockopt,
/// zmq_ctx_set_ext): `None` for NULL with length 0, EFAULT for NULL with
/// a length. A trusted length is read in place; a longer one is copied
/// in through [`copy_in`] when `takes_long(len)` says how much of it
/// the option reads (`None`: the option refuses such a length, EINVAL,
/// as libzmq refuses it before reading anything).
pub(crate) enum OptionValue<'a> {
    Borrowed(&'a [u8]),
    Owned(Vec<u8>),
}

impl OptionValue<'_> {
    pub(crate) fn as_slice(&self) -> &[u8] {
        match self {
            OptionValue::Borrowed(b) => b,
            OptionValue::Owned(v) => v,
        }
    }
}

/// Reads an option value; see [`OptionValue`].
///
/// # Safety
/// A non-NULL `p` with a length up to [`TRUSTED_LEN`] must point to that
/// many readable bytes; longer ones are checked.
pub(crate) unsafe fn option_value<'a>(
    p: *const c_void,
    len: usize,
    long: impl FnOnce() -> LongValue,
) -> Result<Option<OptionValue<'a>>> {
    if p.is_null() {
        return if len == 0 {
            Ok(None)
        } else {
            Err(Error::EFAULT)
        };
    }
    if len == 0 {
        return Ok(Some(OptionValue::Borrowed(&[])));
    }
    if len <= TRUSTED_LEN {
        // SAFETY: a trusted length, per the contract.
        return Ok(Some(OptionValue::Borrowed(unsafe {
            std::slice::from_raw_parts(p as *const u8, len)
        })));
    }
    let read = match long() {
        LongValue::Refused => return Err(Error::EINVAL),
        LongValue::Prefix(n) => n.min(len),
        LongValue::Whole => len,
    };
    // SAFETY: checked copy.
    unsafe { copy_in(p, read) }.map(|v| Some(OptionValue::Owned(v)))
}

/// Runs a getsockopt-style `fill(out) -> reported length` for a caller's
/// buffer of `*len` bytes at `p`. A trusted length is filled in place
/// (libzmq's way: the value, then zeros to the end); a longer buffer gets
/// the value only (strings with their NUL), written through [`copy_out`],
/// so a lying length costs nothing past the value.
///
/// # Safety
/// A non-NULL `p` with a `*len` up to [`TRUSTED_LEN`] must point to that
/// many writable bytes; longer ones are checked.
pub(crate) unsafe fn fill_out(
    p: *mut c_void,
    len: usize,
    fill: impl FnOnce(&mut [u8]) -> Result<usize>,
) -> Result<usize> {
    if len == 0 {
        return fill(&mut []);
    }
    if p.is_null() {
        return Err(Error::EFAULT);
    }
    if len <= TRUSTED_LEN {
        // SAFETY: a trusted length, per the contract.
        return fill(unsafe { std::slice::from_raw_parts_mut(p as *mut u8, len) });
    }
    check_range(p, len)?;
    let room = len.min(MAX_OUT);
    let mut local = Vec::new();
    local.try_reserve_exact(room).map_err(|_| Error::ENOMEM)?;
    local.resize(room, 0);
    let n = fill(&mut local)?;
    // SAFETY: checked copy.
    unsafe { copy_out(p, &local[..n.min(room)]) }?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_what_is_there() {
        let data: Vec<u8> = (0..10_000u32).map(|i| i as u8).collect();
        // SAFETY: a real buffer of that length.
        let got = unsafe { copy_in(data.as_ptr() as *const c_void, data.len()) }.unwrap();
        assert_eq!(got, data);
    }

    #[test]
    fn lying_lengths_are_errors() {
        let data = [7u8; 64];
        let p = data.as_ptr() as *const c_void;
        // SAFETY: each length is checked before anything is read.
        unsafe {
            assert_eq!(copy_in(p, usize::MAX).unwrap_err(), Error::EINVAL);
            assert_eq!(copy_in(p, isize::MAX as usize).unwrap_err(), Error::EINVAL);
            assert_eq!(copy_in(p, 1 << 62).unwrap_err(), Error::ENOMEM);
            assert_eq!(copy_in(std::ptr::null(), 5).unwrap_err(), Error::EFAULT);
        }
    }

    #[test]
    fn unmapped_memory_is_efault() {
        // One page followed by one nobody may touch (PROT_NONE rather than
        // a hole, which another test thread's mmap could fill meanwhile).
        // SAFETY: an anonymous mapping of our own.
        unsafe {
            let page = 4096;
            let m = libc::mmap(
                std::ptr::null_mut(),
                2 * page,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            );
            assert_ne!(m, libc::MAP_FAILED);
            let guard = (m as usize + page) as *mut c_void;
            assert_eq!(libc::mprotect(guard, page, libc::PROT_NONE), 0);
            let start = (m as usize + page - 100) as *mut c_void;
            assert_eq!(copy_in(start, 100).unwrap().len(), 100);
            assert_eq!(copy_in(start, 10_000).unwrap_err(), Error::EFAULT);
            assert_eq!(copy_out(start, &[1; 200]).unwrap_err(), Error::EFAULT);
            assert_eq!(*(start as *const u8), 1);
            libc::munmap(m, 2 * page);
        }
    }

    #[test]
    fn long_option_values() {
        let data = [1u8, 0, 0, 0, 9, 9];
        let p = data.as_ptr() as *const c_void;
        // SAFETY: the lengths past TRUSTED_LEN are checked; only a prefix
        // within `data` is read.
        unsafe {
            let v = option_value(p, 1 << 40, || LongValue::Prefix(4)).unwrap();
            assert_eq!(v.unwrap().as_slice(), &[1, 0, 0, 0]);
            assert!(option_value(p, 1 << 40, || LongValue::Refused).is_err());
            assert_eq!(
                option_value(p, usize::MAX, || LongValue::Whole).err(),
                Some(Error::EINVAL)
            );
            assert!(option_value(std::ptr::null(), 0, || LongValue::Whole)
                .unwrap()
                .is_none());
        }
    }

    #[test]
    fn long_buffers_get_the_value_only() {
        let mut buf = [0xAAu8; 8192];
        let p = buf.as_mut_ptr() as *mut c_void;
        // SAFETY: a length past TRUSTED_LEN is checked; what is written
        // stays inside `buf`.
        let n = unsafe {
            fill_out(p, 1 << 40, |out| {
                out[..3].copy_from_slice(b"abc");
                Ok(3)
            })
        }
        .unwrap();
        assert_eq!(n, 3);
        assert_eq!(&buf[..3], b"abc");
        assert!(buf[3..].iter().all(|&b| b == 0xAA));
    }
}
