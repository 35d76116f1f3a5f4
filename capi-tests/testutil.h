/* testutil.h - tiny assertion helpers shared by the zmqrs C API tests.
 *
 * Each test file is one program: main() calls RUN(fn) for each case and
 * returns test_summary().  A failed CHECK prints file:line and the failing
 * expression, marks the case failed and returns from the case function.
 */
#ifndef ZMQRS_TESTUTIL_H
#define ZMQRS_TESTUTIL_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tu_failed_cases = 0;
static int tu_passed_cases = 0;
static int tu_case_failed = 0;

#define CHECK(cond)                                                           \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf (stderr, "%s:%d: CHECK failed: %s (errno %d: %s)\n",      \
                     __FILE__, __LINE__, #cond, errno, strerror (errno));     \
            tu_case_failed = 1;                                               \
            return;                                                           \
        }                                                                     \
    } while (0)

/* CHECK that a call returning int succeeds (>= 0). */
#define CHECK_OK(call)                                                        \
    do {                                                                      \
        int tu_rc_ = (call);                                                  \
        if (tu_rc_ < 0) {                                                     \
            fprintf (stderr, "%s:%d: %s failed: rc %d errno %d (%s)\n",       \
                     __FILE__, __LINE__, #call, tu_rc_, errno,                \
                     strerror (errno));                                       \
            tu_case_failed = 1;                                               \
            return;                                                           \
        }                                                                     \
    } while (0)

/* CHECK that a call returning int fails with -1 and the given errno. */
#define CHECK_ERR(expected_errno, call)                                       \
    do {                                                                      \
        errno = 0;                                                            \
        int tu_rc_ = (call);                                                  \
        int tu_en_ = errno;                                                   \
        if (tu_rc_ != -1 || tu_en_ != (expected_errno)) {                     \
            fprintf (stderr,                                                  \
                     "%s:%d: %s: expected -1/%s, got rc %d errno %d (%s)\n",  \
                     __FILE__, __LINE__, #call, #expected_errno, tu_rc_,      \
                     tu_en_, strerror (tu_en_));                              \
            tu_case_failed = 1;                                               \
            return;                                                           \
        }                                                                     \
    } while (0)

#define CHECK_EQ_INT(expected, actual)                                        \
    do {                                                                      \
        long long tu_e_ = (long long) (expected);                             \
        long long tu_a_ = (long long) (actual);                               \
        if (tu_e_ != tu_a_) {                                                 \
            fprintf (stderr, "%s:%d: %s: expected %lld, got %lld\n",          \
                     __FILE__, __LINE__, #actual, tu_e_, tu_a_);              \
            tu_case_failed = 1;                                               \
            return;                                                           \
        }                                                                     \
    } while (0)

#define CHECK_EQ_STR(expected, actual)                                        \
    do {                                                                      \
        const char *tu_e_ = (expected);                                       \
        const char *tu_a_ = (actual);                                         \
        if (tu_a_ == NULL || strcmp (tu_e_, tu_a_) != 0) {                    \
            fprintf (stderr, "%s:%d: %s: expected \"%s\", got \"%s\"\n",      \
                     __FILE__, __LINE__, #actual, tu_e_,                      \
                     tu_a_ ? tu_a_ : "(null)");                               \
            tu_case_failed = 1;                                               \
            return;                                                           \
        }                                                                     \
    } while (0)

#define CHECK_MEM(expected, actual, len)                                      \
    CHECK (memcmp ((expected), (actual), (len)) == 0)

#define RUN(fn)                                                               \
    do {                                                                      \
        tu_case_failed = 0;                                                   \
        fn ();                                                                \
        if (tu_case_failed) {                                                 \
            tu_failed_cases++;                                                \
            fprintf (stderr, "FAIL %s\n", #fn);                               \
        } else {                                                              \
            tu_passed_cases++;                                                \
            printf ("ok   %s\n", #fn);                                        \
        }                                                                     \
    } while (0)

static int test_summary (void)
{
    printf ("cases: %d passed, %d failed\n", tu_passed_cases,
            tu_failed_cases);
    return tu_failed_cases == 0 ? 0 : 1;
}


/* socket helpers
 *
 * Shared by the socket tests (this section includes <zmq.h>).  All
 * are static inline or macros, so a file that uses none of them still builds
 * warning-free.  The macros CHECK like the ones above: on failure they print
 * file:line, mark the case failed and return from the case function.
 */
#include <time.h>
#include <zmq.h>

/* Receive/send timeout the helpers give sockets: a lost message fails the
 * case after this long instead of hanging the program. */
#define TU_TIMEOUT_MS 2000

static inline void tu_sleep_ms (long ms)
{
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    while (nanosleep (&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* A socket with LINGER 0 and RCVTIMEO = SNDTIMEO = TU_TIMEOUT_MS.
 * NULL (errno set) on failure. */
static inline void *tu_socket (void *ctx, int type)
{
    int linger = 0, timeo = TU_TIMEOUT_MS;
    void *s = zmq_socket (ctx, type);
    if (s == NULL)
        return NULL;
    if (zmq_setsockopt (s, ZMQ_LINGER, &linger, sizeof linger) != 0
        || zmq_setsockopt (s, ZMQ_RCVTIMEO, &timeo, sizeof timeo) != 0
        || zmq_setsockopt (s, ZMQ_SNDTIMEO, &timeo, sizeof timeo) != 0) {
        int err = errno;
        zmq_close (s);
        errno = err;
        return NULL;
    }
    return s;
}

/* tu_socket() of type btype bound to endpoint, then tu_socket() of type
 * ctype connected to it.  0 on success; -1 (errno set, nothing left open)
 * on failure. */
static inline int tu_bind_connect (void *ctx, int btype, int ctype,
                                   const char *endpoint, void **bound,
                                   void **connected)
{
    int err;
    *bound = tu_socket (ctx, btype);
    *connected = NULL;
    if (*bound == NULL)
        return -1;
    if (zmq_bind (*bound, endpoint) != 0)
        goto fail;
    *connected = tu_socket (ctx, ctype);
    if (*connected == NULL)
        goto fail;
    if (zmq_connect (*connected, endpoint) != 0)
        goto fail;
    return 0;
fail:
    err = errno;
    if (*connected != NULL)
        zmq_close (*connected);
    zmq_close (*bound);
    *bound = *connected = NULL;
    errno = err;
    return -1;
}

/* Set / get an int socket option (0 or -1 like zmq_setsockopt). */
static inline int tu_set_int (void *s, int option, int value)
{
    return zmq_setsockopt (s, option, &value, sizeof value);
}

static inline int tu_get_int (void *s, int option, int *value)
{
    size_t len = sizeof *value;
    return zmq_getsockopt (s, option, value, &len);
}

/* Send the bytes of a C string (without its NUL) as one frame; CHECKs that
 * zmq_send returned strlen(str). */
#define SEND_STR(sock, str, flags)                                            \
    do {                                                                      \
        const char *tu_ss_ = (str);                                           \
        int tu_sr_ = zmq_send ((sock), tu_ss_, strlen (tu_ss_), (flags));     \
        if (tu_sr_ != (int) strlen (tu_ss_)) {                                \
            fprintf (stderr,                                                  \
                     "%s:%d: zmq_send (%s, \"%s\"): rc %d errno %d (%s)\n",   \
                     __FILE__, __LINE__, #sock, tu_ss_, tu_sr_, errno,        \
                     strerror (errno));                                       \
            tu_case_failed = 1;                                               \
            return;                                                           \
        }                                                                     \
    } while (0)

/* Receive one frame and CHECK that it holds exactly the bytes of the C
 * string expected (frames up to 1023 bytes). */
#define RECV_STR(sock, expected, flags)                                       \
    do {                                                                      \
        const char *tu_xs_ = (expected);                                      \
        char tu_buf_[1024];                                                   \
        int tu_rr_ = zmq_recv ((sock), tu_buf_, sizeof tu_buf_ - 1, (flags)); \
        if (tu_rr_ < 0) {                                                     \
            fprintf (stderr,                                                  \
                     "%s:%d: zmq_recv (%s) expecting \"%s\": errno %d (%s)\n", \
                     __FILE__, __LINE__, #sock, tu_xs_, errno,                \
                     strerror (errno));                                       \
            tu_case_failed = 1;                                               \
            return;                                                           \
        }                                                                     \
        if (tu_rr_ > (int) sizeof tu_buf_ - 1)                                \
            tu_rr_ = (int) sizeof tu_buf_ - 1;                                \
        tu_buf_[tu_rr_] = '\0';                                               \
        if ((size_t) tu_rr_ != strlen (tu_xs_)                                \
            || memcmp (tu_buf_, tu_xs_, (size_t) tu_rr_) != 0) {              \
            fprintf (stderr,                                                  \
                     "%s:%d: zmq_recv (%s): expected \"%s\", got \"%s\" "     \
                     "(%d bytes)\n",                                          \
                     __FILE__, __LINE__, #sock, tu_xs_, tu_buf_, tu_rr_);     \
            tu_case_failed = 1;                                               \
            return;                                                           \
        }                                                                     \
    } while (0)

/* CHECK the socket's ZMQ_RCVMORE (0 or 1) after a receive. */
#define CHECK_RCVMORE(sock, expected)                                         \
    do {                                                                      \
        int tu_more_ = -1;                                                    \
        CHECK_OK (tu_get_int ((sock), ZMQ_RCVMORE, &tu_more_));               \
        CHECK_EQ_INT ((expected), tu_more_);                                  \
    } while (0)

/* CHECK that nothing arrives: a ZMQ_DONTWAIT receive fails with EAGAIN. */
#define CHECK_NO_MSG(sock)                                                    \
    do {                                                                      \
        char tu_nb_[64];                                                      \
        CHECK_ERR (EAGAIN, zmq_recv ((sock), tu_nb_, sizeof tu_nb_,           \
                                     ZMQ_DONTWAIT));                          \
    } while (0)

/* end of socket helpers */

/* ---- ZAP handlers (RFC 27) ------------------------------------------ */

/* One ZAP request as a handler's REP socket reads it: its frames, each
 * NUL-terminated (cut at 63 octets), and their sizes. The frames are
 * version, request id, domain, address, routing id, mechanism, then the
 * mechanism's credentials. */
#define TU_ZAP_PARTS 9
typedef struct
{
    char part[TU_ZAP_PARTS][64];
    int size[TU_ZAP_PARTS];
    int n;
} tu_zap_request_t;

/* Reads one request: 0, or -1 when the socket fails (the context is
 * terminating). Frames past TU_ZAP_PARTS are left unread. */
static inline int tu_zap_recv (void *handler, tu_zap_request_t *r)
{
    int more = 1;
    size_t len;
    memset (r, 0, sizeof *r);
    while (more && r->n < TU_ZAP_PARTS) {
        int size = zmq_recv (handler, r->part[r->n], 63, 0);
        if (size < 0)
            return -1;
        r->size[r->n] = size;
        r->part[r->n][size < 63 ? size : 63] = 0;
        len = sizeof more;
        zmq_getsockopt (handler, ZMQ_RCVMORE, &more, &len);
        r->n++;
    }
    return 0;
}

/* Answers `r`: version 1.0, its request id, then the status code, status
 * text and user id given, and no metadata. */
static inline void tu_zap_reply (void *handler, const tu_zap_request_t *r,
                                 const char *status, const char *text,
                                 const char *user_id)
{
    zmq_send (handler, "1.0", 3, ZMQ_SNDMORE);
    zmq_send (handler, r->part[1], (size_t) r->size[1], ZMQ_SNDMORE);
    zmq_send (handler, status, strlen (status), ZMQ_SNDMORE);
    zmq_send (handler, text, strlen (text), ZMQ_SNDMORE);
    zmq_send (handler, user_id, strlen (user_id), ZMQ_SNDMORE);
    zmq_send (handler, "", 0, 0);
}

#endif
