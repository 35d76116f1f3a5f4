/* testutil.h - the helpers shared by the zmqrs C API tests: assertions,
 * socket helpers, monitor events, ZAP handlers, and scenarios that several
 * transports' tests run (raw TCP peers are in rawtcp.h).
 *
 * Each test file is one program: main() calls RUN(fn) for each case and
 * returns test_summary().  A failed CHECK prints file:line and the failing
 * expression, marks the case failed and returns from the function it is
 * in: call a helper that CHECKs with CHECK_STEP, so that the case stops too.
 */
#ifndef ZMQRS_TESTUTIL_H
#define ZMQRS_TESTUTIL_H

#include <errno.h>
#include <stdint.h>
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

/* Runs a void helper that CHECKs; returns from the case too if it failed. */
#define CHECK_STEP(call)                                                      \
    do {                                                                      \
        call;                                                                 \
        if (tu_case_failed)                                                   \
            return;                                                           \
    } while (0)

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

/* 1 when `make sanitize` runs this test under the named sanitizer
 * ("address", "thread"; from ZMQRS_SANITIZER). */
static inline int tu_under_sanitizer (const char *name)
{
    const char *s = getenv ("ZMQRS_SANITIZER");
    return s != NULL && strcmp (s, name) == 0;
}

/* RUN, except under the named sanitizer, where the case cannot run
 * (`why` says why); a skipped case counts as neither passed nor failed. */
#define RUN_UNLESS_SANITIZER(san, fn, why)                                    \
    do {                                                                      \
        if (tu_under_sanitizer (san))                                         \
            printf ("skip %s under %s sanitizer: %s\n", #fn, san, why);      \
        else                                                                  \
            RUN (fn);                                                         \
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

/* A plain zmq_socket () (no options set) bound to endpoint, or NULL. */
static inline void *tu_bound (void *ctx, int type, const char *endpoint)
{
    void *s = zmq_socket (ctx, type);
    if (s && zmq_bind (s, endpoint) != 0) {
        zmq_close (s);
        return NULL;
    }
    return s;
}

/* ZMQ_LAST_ENDPOINT of s into buf; 0 or -1. */
/* A well-behaved PUSH (made by the caller, closed here) connects to ep and
 * gets "well-behaved" through to pull, skipping whatever a bad peer
 * managed to deliver before it (20 messages at most; pull's RCVTIMEO
 * bounds the wait).  1 on success. */
static inline int tu_push_reaches (void *push, const char *ep, void *pull)
{
    char buf[32];
    int ok = 0, i;
    if (push == NULL)
        return 0;
    if (zmq_connect (push, ep) == 0
        && zmq_send (push, "well-behaved", 12, 0) == 12) {
        for (i = 0; i < 20 && !ok; i++) {
            int n = zmq_recv (pull, buf, sizeof buf, 0);
            if (n < 0)
                break;
            ok = n == 12 && memcmp (buf, "well-behaved", 12) == 0;
        }
    }
    zmq_close (push);
    return ok;
}

static inline int tu_last_endpoint (void *s, char *buf, size_t len)
{
    size_t n = len;
    return zmq_getsockopt (s, ZMQ_LAST_ENDPOINT, buf, &n);
}

/* The port after the last ':' of a tcp endpoint, or -1. */
static inline int tu_port_of (const char *endpoint)
{
    const char *colon = strrchr (endpoint, ':');
    if (colon == NULL || colon[1] == '\0')
        return -1;
    return atoi (colon + 1);
}

/* tu_socket() of type btype bound to endpoint (a wildcard is fine), then
 * tu_socket() of type ctype connected to what it bound (its
 * ZMQ_LAST_ENDPOINT).  0 on success; -1 (errno set, nothing left open) on
 * failure. */
static inline int tu_bind_connect (void *ctx, int btype, int ctype,
                                   const char *endpoint, void **bound,
                                   void **connected)
{
    char ep[256];
    int err;
    *bound = tu_socket (ctx, btype);
    *connected = NULL;
    if (*bound == NULL)
        return -1;
    if (zmq_bind (*bound, endpoint) != 0
        || tu_last_endpoint (*bound, ep, sizeof ep) != 0)
        goto fail;
    *connected = tu_socket (ctx, ctype);
    if (*connected == NULL)
        goto fail;
    if (zmq_connect (*connected, ep) != 0)
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

/* zmq_bind, retried for 2 s while EADDRINUSE (listeners close lazily). */
static inline int tu_bind_retry (void *s, const char *endpoint)
{
    int i, rc = -1;
    for (i = 0; i < 100; i++) {
        rc = zmq_bind (s, endpoint);
        if (rc == 0 || errno != EADDRINUSE)
            break;
        tu_sleep_ms (20);
    }
    return rc;
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

/* Sends "x" (DONTWAIT) every 20 ms until that fails, 2 s at most: last rc. */
static inline int tu_send_until_refused (void *s)
{
    int i, rc = 0;
    for (i = 0; i < 100; i++) {
        rc = zmq_send (s, "x", 1, ZMQ_DONTWAIT);
        if (rc < 0)
            break;
        tu_sleep_ms (20);
    }
    return rc;
}

/* Byte i of the test pattern derived from seed. */
static inline unsigned char tu_pattern_byte (size_t i, unsigned seed)
{
    return (unsigned char) ((i * 31u + seed) ^ (i >> 8));
}

/* Sends one frame of size bytes of the pattern of seed; size or -1. */
static inline int tu_send_pattern (void *s, size_t size, unsigned seed,
                                   int flags)
{
    zmq_msg_t msg;
    unsigned char *p;
    size_t i;
    int rc;
    if (zmq_msg_init_size (&msg, size) != 0)
        return -1;
    p = (unsigned char *) zmq_msg_data (&msg);
    for (i = 0; i < size; i++)
        p[i] = tu_pattern_byte (i, seed);
    rc = zmq_msg_send (&msg, s, flags);
    if (rc < 0)
        zmq_msg_close (&msg);
    return rc;
}

/* 0 if the next frame is size bytes of seed's pattern with MORE `more`. */
static inline int tu_recv_pattern (void *s, size_t size, unsigned seed,
                                   int more)
{
    zmq_msg_t msg;
    const unsigned char *p;
    size_t i;
    int ok;
    zmq_msg_init (&msg);
    if (zmq_msg_recv (&msg, s, 0) < 0) {
        zmq_msg_close (&msg);
        return -1;
    }
    p = (const unsigned char *) zmq_msg_data (&msg);
    ok = zmq_msg_size (&msg) == size && zmq_msg_more (&msg) == more;
    for (i = 0; ok && i < size; i++)
        ok = p[i] == tu_pattern_byte (i, seed);
    zmq_msg_close (&msg);
    return ok ? 0 : -1;
}

/* end of socket helpers */

/* ---- socket monitors (version 1 events) ------------------------------- */

/* One version 1 event: 6 bytes (uint16 event, uint32 value), endpoint. */
typedef struct
{
    int event;
    uint32_t value;
    char endpoint[256];
} tu_event_t;

/* Receives one event within timeout_ms: 0, -1 (timeout) or -2 (malformed). */
static inline int tu_read_event (void *mon, tu_event_t *ev, int timeout_ms)
{
    zmq_msg_t msg;
    uint16_t event;
    size_t n;
    if (zmq_setsockopt (mon, ZMQ_RCVTIMEO, &timeout_ms, sizeof timeout_ms))
        return -2;
    zmq_msg_init (&msg);
    if (zmq_msg_recv (&msg, mon, 0) < 0) {
        zmq_msg_close (&msg);
        return -1;
    }
    if (zmq_msg_size (&msg) != 6 || !zmq_msg_more (&msg)) {
        zmq_msg_close (&msg);
        return -2;
    }
    memcpy (&event, zmq_msg_data (&msg), 2);
    memcpy (&ev->value, (char *) zmq_msg_data (&msg) + 2, 4);
    ev->event = event;
    if (zmq_msg_recv (&msg, mon, 0) < 0 || zmq_msg_more (&msg)) {
        zmq_msg_close (&msg);
        return -2;
    }
    n = zmq_msg_size (&msg);
    if (n >= sizeof ev->endpoint)
        n = sizeof ev->endpoint - 1;
    memcpy (ev->endpoint, zmq_msg_data (&msg), n);
    ev->endpoint[n] = '\0';
    zmq_msg_close (&msg);
    return 0;
}

/* Reads the events of mon until `want` comes, within 3 s each: 0, or -1. */
static inline int tu_wait_event (void *mon, int want, tu_event_t *ev)
{
    for (;;) {
        if (tu_read_event (mon, ev, 3000) != 0)
            return -1;
        if (ev->event == want)
            return 0;
    }
}

/* A tu_socket () PAIR connected to a monitor endpoint, or NULL. */
static inline void *tu_monitor_reader (void *ctx, const char *endpoint)
{
    void *m = tu_socket (ctx, ZMQ_PAIR);
    if (m != NULL && zmq_connect (m, endpoint) != 0) {
        zmq_close (m);
        return NULL;
    }
    return m;
}

/* Monitors `events` of s at endpoint; the PAIR reading them, or NULL. */
static inline void *tu_monitor (void *ctx, void *s, const char *endpoint,
                                int events)
{
    if (zmq_socket_monitor (s, endpoint, events) != 0)
        return NULL;
    return tu_monitor_reader (ctx, endpoint);
}

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

/* What a ZAP handler answers to one request. */
typedef struct
{
    const char *status, *text, *user_id;
} tu_zap_verdict_t;

/* Fills *v and returns 1, or returns 0: stop serving, leave r unanswered. */
typedef int (*tu_zap_decide_fn) (const tu_zap_request_t *r,
                                 tu_zap_verdict_t *v);

/* A handler thread's socket and decision callback. */
typedef struct
{
    void *socket;
    tu_zap_decide_fn decide;
} tu_zap_handler_t;

/* Thread body (arg: malloc'ed tu_zap_handler_t): serves until ETERM or 0. */
static inline void tu_zap_serve (void *arg)
{
    tu_zap_handler_t *h = (tu_zap_handler_t *) arg;
    tu_zap_request_t r;
    tu_zap_verdict_t v;
    while (tu_zap_recv (h->socket, &r) == 0) {
        if (!h->decide (&r, &v))
            break;
        tu_zap_reply (h->socket, &r, v.status, v.text, v.user_id);
    }
    zmq_close (h->socket);
    free (h);
}

/* Starts a ZAP handler thread for ctx deciding with decide; it, or NULL. */
static inline void *tu_zap_start (void *ctx, tu_zap_decide_fn decide)
{
    tu_zap_handler_t *h = (tu_zap_handler_t *) malloc (sizeof *h);
    int linger = 0;
    if (h == NULL)
        return NULL;
    h->decide = decide;
    h->socket = zmq_socket (ctx, ZMQ_REP);
    if (h->socket == NULL
        || zmq_setsockopt (h->socket, ZMQ_LINGER, &linger, sizeof linger)
             != 0
        || zmq_bind (h->socket, "inproc://zeromq.zap.01") != 0) {
        if (h->socket != NULL)
            zmq_close (h->socket);
        free (h);
        return NULL;
    }
    return zmq_threadstart (tu_zap_serve, h);
}

/* ---- scenarios shared by the transport tests ------------------------- */

/* push connects to pull (bound to bind_ep, then to ep), 1 message, pull
 * closed; 1 on success.  push gets ZMQ_RECONNECT_IVL 50. */
static inline int tu_push_to_vanishing_pull (void *push, void *pull,
                                             const char *bind_ep, char *ep,
                                             size_t len)
{
    char buf[8];
    if (tu_set_int (push, ZMQ_RECONNECT_IVL, 50) != 0
        || zmq_bind (pull, bind_ep) != 0
        || tu_last_endpoint (pull, ep, len) != 0
        || zmq_connect (push, ep) != 0 || zmq_send (push, "first", 5, 0) != 5
        || zmq_recv (pull, buf, sizeof buf, 0) != 5
        || memcmp (buf, "first", 5) != 0)
        return 0;
    return zmq_close (pull) == 0;
}

/* a sends "from binder", "1", "2", "3" to b in order; then nothing is left. */
static inline void tu_pair_in_order (void *a, void *b)
{
    SEND_STR (a, "from binder", 0);
    RECV_STR (b, "from binder", 0);
    SEND_STR (a, "1", 0);
    SEND_STR (a, "2", 0);
    SEND_STR (a, "3", 0);
    RECV_STR (b, "1", 0);
    RECV_STR (b, "2", 0);
    RECV_STR (b, "3", 0);
    CHECK_NO_MSG (a);
    CHECK_NO_MSG (b);
}

/* push sends n messages "msg-<i>"; pull receives them in that order. */
static inline void tu_numbered_in_order (void *push, void *pull, int n)
{
    char buf[32];
    int i;
    for (i = 0; i < n; i++) {
        snprintf (buf, sizeof buf, "msg-%d", i);
        SEND_STR (push, buf, 0);
    }
    for (i = 0; i < n; i++) {
        snprintf (buf, sizeof buf, "msg-%d", i);
        RECV_STR (pull, buf, 0);
    }
}

/* 3 ping/pong rounds, then a 3-part request (empty middle) rep must answer. */
static inline void tu_req_rep_rounds (void *req, void *rep)
{
    int i;
    for (i = 0; i < 3; i++) {
        SEND_STR (req, "ping", 0);
        RECV_STR (rep, "ping", 0);
        CHECK_RCVMORE (rep, 0);
        SEND_STR (rep, "pong", 0);
        RECV_STR (req, "pong", 0);
        CHECK_RCVMORE (req, 0);
    }
    SEND_STR (req, "p1", ZMQ_SNDMORE);
    SEND_STR (req, "", ZMQ_SNDMORE);
    SEND_STR (req, "p3", 0);
    RECV_STR (rep, "p1", 0);
    CHECK_RCVMORE (rep, 1);
    RECV_STR (rep, "", 0);
    CHECK_RCVMORE (rep, 1);
    RECV_STR (rep, "p3", 0);
    CHECK_RCVMORE (rep, 0);
}

/* Case: a PUSH reconnects to a PULL that comes back on bind_ep's endpoint. */
static inline void tu_peer_restart (const char *bind_ep)
{
    void *ctx = zmq_ctx_new ();
    void *pull = tu_socket (ctx, ZMQ_PULL);
    void *push = tu_socket (ctx, ZMQ_PUSH);
    char ep[256], buf[32];
    int i, n = -1, t = 100;
    CHECK (pull && push);
    CHECK (tu_push_to_vanishing_pull (push, pull, bind_ep, ep, sizeof ep));

    pull = tu_socket (ctx, ZMQ_PULL);
    CHECK (pull != NULL);
    CHECK_OK (zmq_setsockopt (pull, ZMQ_RCVTIMEO, &t, sizeof t));
    CHECK_OK (tu_bind_retry (pull, ep));
    /* messages written into the dead connection may be lost; keep sending
     * until one gets through */
    for (i = 0; i < 50 && n < 0; i++) {
        snprintf (buf, sizeof buf, "ping-%d", i);
        SEND_STR (push, buf, ZMQ_DONTWAIT);
        n = zmq_recv (pull, buf, sizeof buf, 0);
    }
    CHECK (n > 0);
    SEND_STR (push, "last", 0);
    for (;;) {
        n = zmq_recv (pull, buf, sizeof buf, 0);
        CHECK (n > 0);
        if (n == 4 && memcmp (buf, "last", 4) == 0)
            break;
        CHECK (n >= 5 && memcmp (buf, "ping-", 5) == 0);
    }
    CHECK_OK (zmq_close (pull));
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_ctx_term (ctx));
}

#endif
