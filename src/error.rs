//! Errors as libzmq reports them: one errno value, set before a call returns
//! -1 or NULL. Everything below the C boundary returns `Result<T>`.

use libc::c_int;

/// An errno value (POSIX, or one of libzmq's own such as `ETERM`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Error(pub c_int);

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub const EINVAL: Error = Error(libc::EINVAL);
    pub const EFAULT: Error = Error(libc::EFAULT);
    pub const ENOMEM: Error = Error(libc::ENOMEM);
    pub const ENOTSUP: Error = Error(libc::ENOTSUP);
    pub const ENOTSOCK: Error = Error(libc::ENOTSOCK);
    pub const EAGAIN: Error = Error(libc::EAGAIN);
    pub const ETERM: Error = Error(crate::constants::ETERM);
    pub const EFSM: Error = Error(crate::constants::EFSM);
}
