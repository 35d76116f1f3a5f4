/* test_errno.c - zmq_errno, zmq_strerror, zmq_version and zmq_has.
 *
 * Build flags:
 *   -DZMQRS_SKIP_HARDENED  skip cases where libzmq crashes on bad input
 */
#include <zmq.h>

#include "testutil.h"

static void test_errno_after_failure (void)
{
    zmq_msg_t msg;
    errno = 0;
    CHECK_EQ_INT (-1, zmq_ctx_get (NULL, ZMQ_IO_THREADS));
    CHECK_EQ_INT (EFAULT, zmq_errno ());

    CHECK_EQ_INT (0, zmq_msg_init (&msg));
    CHECK_EQ_INT (-1, zmq_msg_set (&msg, ZMQ_MORE, 1));
    CHECK_EQ_INT (EINVAL, zmq_errno ());
    CHECK_EQ_INT (0, zmq_msg_close (&msg));
    CHECK_EQ_INT (-1, zmq_msg_close (&msg));
    CHECK_EQ_INT (EFAULT, zmq_errno ());
}

/* zmq_errno simply reports the calling thread's errno. */
static void test_errno_is_errno (void)
{
    errno = EAGAIN;
    CHECK_EQ_INT (EAGAIN, zmq_errno ());
    errno = ETERM;
    CHECK_EQ_INT (ETERM, zmq_errno ());
    errno = 0;
    CHECK_EQ_INT (0, zmq_errno ());
}

/* Texts of the 0MQ-specific error numbers. */
static void test_strerror_zmq_codes (void)
{
    CHECK_EQ_STR ("Operation cannot be accomplished in current state",
                  zmq_strerror (EFSM));
    CHECK_EQ_STR ("The protocol is not compatible with the socket type",
                  zmq_strerror (ENOCOMPATPROTO));
    CHECK_EQ_STR ("Context was terminated", zmq_strerror (ETERM));
    CHECK_EQ_STR ("No thread available", zmq_strerror (EMTHREAD));
}

/* The 0MQ-specific numbers are fixed offsets from ZMQ_HAUSNUMERO. */
static void test_zmq_errno_values (void)
{
    CHECK_EQ_INT (156384712, ZMQ_HAUSNUMERO);
    CHECK_EQ_INT (ZMQ_HAUSNUMERO + 51, EFSM);
    CHECK_EQ_INT (ZMQ_HAUSNUMERO + 52, ENOCOMPATPROTO);
    CHECK_EQ_INT (ZMQ_HAUSNUMERO + 53, ETERM);
    CHECK_EQ_INT (ZMQ_HAUSNUMERO + 54, EMTHREAD);
}

/* EHOSTUNREACH has its own text in libzmq even though the platform defines
 * it ("No route to host" from glibc strerror). */
static void test_strerror_ehostunreach (void)
{
    CHECK_EQ_STR ("Host unreachable", zmq_strerror (EHOSTUNREACH));
}

static int same_as_strerror (int e)
{
    char expected[256];
    const char *got;
    strncpy (expected, strerror (e), sizeof expected - 1);
    expected[sizeof expected - 1] = '\0';
    got = zmq_strerror (e);
    return got != NULL && strcmp (expected, got) == 0;
}

/* Everything else is delegated to the system strerror(). */
static void test_strerror_system_codes (void)
{
    static const int codes[] = {
      0,           EPERM,        ENOENT,      EINTR,        EAGAIN,
      ENOMEM,      EFAULT,       EINVAL,      EMFILE,       ENOTSUP,
      EPROTONOSUPPORT, ENOBUFS,  ENETDOWN,    EADDRINUSE,   EADDRNOTAVAIL,
      ECONNREFUSED, EINPROGRESS, ENOTSOCK,    EMSGSIZE,     EAFNOSUPPORT,
      ENETUNREACH, ECONNABORTED, ECONNRESET,  ENOTCONN,     ETIMEDOUT,
      ENETRESET,   ENODEV,       EBADF,       EACCES,       ENOSPC};
    size_t i;
    for (i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        if (!same_as_strerror (codes[i])) {
            fprintf (stderr, "zmq_strerror(%d) = \"%s\", strerror = \"%s\"\n",
                     codes[i], zmq_strerror (codes[i]), strerror (codes[i]));
        }
        CHECK (same_as_strerror (codes[i]));
    }
}

/* Unknown numbers also go to strerror() ("Unknown error N" on glibc). */
static void test_strerror_unknown (void)
{
    CHECK (same_as_strerror (99999));
    CHECK (same_as_strerror (-1));
    CHECK (same_as_strerror (ZMQ_HAUSNUMERO + 99));
}

static void test_version (void)
{
    int major = -1, minor = -1, patch = -1;
    zmq_version (&major, &minor, &patch);
    CHECK_EQ_INT (ZMQ_VERSION_MAJOR, major);
    CHECK_EQ_INT (ZMQ_VERSION_MINOR, minor);
    CHECK_EQ_INT (ZMQ_VERSION_PATCH, patch);
    CHECK_EQ_INT (ZMQ_VERSION,
                  ZMQ_MAKE_VERSION (ZMQ_VERSION_MAJOR, ZMQ_VERSION_MINOR,
                                    ZMQ_VERSION_PATCH));
    CHECK_EQ_INT (ZMQ_VERSION, ZMQ_MAKE_VERSION (major, minor, patch));
    CHECK_EQ_INT (major * 10000 + minor * 100 + patch, ZMQ_VERSION);
    CHECK_EQ_INT (4, major);
}

static int is_bool (int v)
{
    return v == 0 || v == 1;
}

static void test_has (void)
{
    CHECK (is_bool (zmq_has ("ipc")));
    CHECK (is_bool (zmq_has ("pgm")));
    CHECK (is_bool (zmq_has ("tipc")));
    CHECK (is_bool (zmq_has ("norm")));
    CHECK (is_bool (zmq_has ("curve")));
    CHECK (is_bool (zmq_has ("gssapi")));
    CHECK (is_bool (zmq_has ("vmci")));
    CHECK (is_bool (zmq_has ("draft")));
    CHECK (is_bool (zmq_has ("WS")));
    CHECK (is_bool (zmq_has ("WSS")));
    /* What this build has: libzmq's test_capabilities asks the same
     * (there, "tipc" is 1 when built with TIPC, which zmqrs is not). */
    CHECK_EQ_INT (1, zmq_has ("ipc"));
    CHECK_EQ_INT (1, zmq_has ("curve"));
    CHECK_EQ_INT (1, zmq_has ("draft"));
    CHECK_EQ_INT (0, zmq_has ("pgm"));
    CHECK_EQ_INT (0, zmq_has ("tipc"));
    CHECK_EQ_INT (0, zmq_has ("norm"));
    CHECK_EQ_INT (0, zmq_has ("gssapi"));
    CHECK_EQ_INT (0, zmq_has ("vmci"));
    CHECK_EQ_INT (0, zmq_has ("vsock"));
    CHECK_EQ_INT (0, zmq_has ("udp"));
    CHECK_EQ_INT (0, zmq_has ("nonsense"));
    CHECK_EQ_INT (0, zmq_has (""));
    /* transports that exist but are not capability names */
    CHECK_EQ_INT (0, zmq_has ("tcp"));
    CHECK_EQ_INT (0, zmq_has ("inproc"));
    /* names are case-sensitive */
    CHECK_EQ_INT (0, zmq_has ("IPC"));
    CHECK_EQ_INT (0, zmq_has ("Curve"));
    CHECK_EQ_INT (0, zmq_has ("curve "));
}

#ifndef ZMQRS_SKIP_HARDENED
/* libzmq passes NULL to strcmp (crash); zmqrs answers 0. */
static void test_has_null (void)
{
    CHECK_EQ_INT (0, zmq_has (NULL));
}
#endif

int main (void)
{
    RUN (test_errno_after_failure);
    RUN (test_errno_is_errno);
    RUN (test_strerror_zmq_codes);
    RUN (test_zmq_errno_values);
    RUN (test_strerror_ehostunreach);
    RUN (test_strerror_system_codes);
    RUN (test_strerror_unknown);
    RUN (test_version);
    RUN (test_has);
#ifndef ZMQRS_SKIP_HARDENED
    RUN (test_has_null);
#endif
    return test_summary ();
}
