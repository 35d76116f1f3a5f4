/* test_hwm.c - ZMQ_SNDHWM / ZMQ_RCVHWM on inproc PUSH/PULL, the
 * low-water-mark that lets a blocked sender go on, ZMQ_CONFLATE and
 * ZMQ_IMMEDIATE over inproc.
 * Build with -pthread.
 *
 * libzmq's inproc queue limits, as measured on libzmq 4.3.4 and 4.3.5
 * (messages counted whole: a multipart message counts once; routing-id
 * frames never count):
 *
 *  - Once both ends exist (bind first, or connect first and bind before
 *    sending), a PUSH can queue  SNDHWM(push) + RCVHWM(pull)  messages
 *    with ZMQ_DONTWAIT before EAGAIN -- if both are > 0.  If either is 0
 *    the queue is unlimited.  Defaults 1000 + 1000 = 2000.
 *  - Connected to a name nobody has bound yet, the PUSH can queue only
 *    SNDHWM(push) (0 = unlimited).  When the PULL binds, the limit grows to
 *    the sum above (unlimited if RCVHWM(pull) is 0) and the PUSH becomes
 *    writable again once it has processed the bind.
 *  - Low-water mark: the reader lets the writer know how much it has read
 *    only every  LWM = (HWM + 1) / 2  messages (HWM = the queue limit
 *    above, integer division), so a full writer becomes writable after
 *    LWM messages are read, and then gets exactly as much room as the
 *    reader has acknowledged: (acknowledged reads) + HWM - (written).
 */
#include <zmq.h>

#include "testutil.h"

#define UNLIMITED_CAP 100000

static int ep_counter = 0;

static void next_endpoint (char *buf)
{
    sprintf (buf, "inproc://hwm-%d", ep_counter++);
}

/* Send empty messages with DONTWAIT until EAGAIN (or cap); the count. */
static int fill (void *push, int cap)
{
    int n = 0;
    while (n < cap && zmq_send (push, NULL, 0, ZMQ_DONTWAIT) == 0)
        n++;
    return n;
}

/* Receive up to max messages with DONTWAIT; the count. */
static int drain (void *pull, int max)
{
    int n = 0;
    while (n < max && zmq_recv (pull, NULL, 0, ZMQ_DONTWAIT) >= 0)
        n++;
    return n;
}

/* A PUSH/PULL pair over a fresh inproc name; hwm < 0 keeps the default.
 * connect_first: PUSH connects before PULL binds (both before sending). */
static int make_pair (void *ctx, int sndhwm, int rcvhwm, int connect_first,
                      void **push, void **pull)
{
    char ep[64];
    next_endpoint (ep);
    *push = tu_socket (ctx, ZMQ_PUSH);
    *pull = tu_socket (ctx, ZMQ_PULL);
    if (*push == NULL || *pull == NULL)
        return -1;
    if (sndhwm >= 0 && tu_set_int (*push, ZMQ_SNDHWM, sndhwm) != 0)
        return -1;
    if (rcvhwm >= 0 && tu_set_int (*pull, ZMQ_RCVHWM, rcvhwm) != 0)
        return -1;
    if (connect_first) {
        if (zmq_connect (*push, ep) != 0 || zmq_bind (*pull, ep) != 0)
            return -1;
    } else {
        if (zmq_bind (*pull, ep) != 0 || zmq_connect (*push, ep) != 0)
            return -1;
    }
    return 0;
}

static void test_options (void)
{
    void *ctx = zmq_ctx_new ();
    void *s;
    int v = -1;
    CHECK (ctx != NULL);
    s = tu_socket (ctx, ZMQ_PUSH);
    CHECK (s != NULL);
    CHECK_OK (tu_get_int (s, ZMQ_SNDHWM, &v));
    CHECK_EQ_INT (1000, v);
    CHECK_OK (tu_get_int (s, ZMQ_RCVHWM, &v));
    CHECK_EQ_INT (1000, v);
    CHECK_OK (tu_set_int (s, ZMQ_SNDHWM, 0));
    CHECK_OK (tu_get_int (s, ZMQ_SNDHWM, &v));
    CHECK_EQ_INT (0, v);
    CHECK_OK (tu_set_int (s, ZMQ_RCVHWM, 7));
    CHECK_OK (tu_get_int (s, ZMQ_RCVHWM, &v));
    CHECK_EQ_INT (7, v);
    CHECK_ERR (EINVAL, tu_set_int (s, ZMQ_SNDHWM, -1));
    CHECK_ERR (EINVAL, tu_set_int (s, ZMQ_RCVHWM, -1));
    CHECK_ERR (EINVAL, zmq_setsockopt (s, ZMQ_SNDHWM, &v, 2));
    CHECK_OK (tu_get_int (s, ZMQ_CONFLATE, &v));
    CHECK_EQ_INT (0, v);
    CHECK_OK (tu_set_int (s, ZMQ_CONFLATE, 1));
    CHECK_OK (tu_get_int (s, ZMQ_CONFLATE, &v));
    CHECK_EQ_INT (1, v);
    CHECK_OK (tu_get_int (s, ZMQ_IMMEDIATE, &v));
    CHECK_EQ_INT (0, v);
    CHECK_OK (tu_set_int (s, ZMQ_IMMEDIATE, 1));
    CHECK_OK (tu_get_int (s, ZMQ_IMMEDIATE, &v));
    CHECK_EQ_INT (1, v);
    CHECK_OK (zmq_close (s));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* Defaults: 1000 + 1000 = 2000 messages, all received. */
static void test_default_limit (void)
{
    void *ctx = zmq_ctx_new ();
    void *push, *pull;
    int sent;
    CHECK (ctx != NULL);
    CHECK_OK (make_pair (ctx, -1, -1, 0, &push, &pull));
    sent = fill (push, UNLIMITED_CAP);
    CHECK_EQ_INT (2000, sent);
    CHECK_EQ_INT (2000, drain (pull, UNLIMITED_CAP));
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_close (pull));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* Finite limits: SNDHWM + RCVHWM, whichever side binds; after draining, a
 * blocking send goes through again. */
static void test_finite_limits (void)
{
    static const int cases[][2] = {{1, 1}, {2, 3}, {5, 3}, {3, 5},
                                   {7, 1}, {100, 50}};
    void *ctx = zmq_ctx_new ();
    size_t i;
    int connect_first;
    CHECK (ctx != NULL);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
        for (connect_first = 0; connect_first < 2; connect_first++) {
            void *push, *pull;
            int snd = cases[i][0], rcv = cases[i][1], sent;
            CHECK_OK (make_pair (ctx, snd, rcv, connect_first, &push, &pull));
            sent = fill (push, UNLIMITED_CAP);
            if (sent != snd + rcv)
                fprintf (stderr, "sndhwm %d rcvhwm %d connect_first %d\n",
                         snd, rcv, connect_first);
            CHECK_EQ_INT (snd + rcv, sent);
            CHECK_EQ_INT (EAGAIN, errno);
            CHECK_EQ_INT (sent, drain (pull, UNLIMITED_CAP));
            SEND_STR (push, "again", 0);
            RECV_STR (pull, "again", 0);
            CHECK_OK (zmq_close (push));
            CHECK_OK (zmq_close (pull));
        }
    CHECK_OK (zmq_ctx_term (ctx));
}

/* A zero on either side makes the inproc queue unlimited. */
static void test_unlimited (void)
{
    static const int cases[][2] = {{0, 0}, {10, 0}, {0, 10}, {1, 0}, {0, 1}};
    void *ctx = zmq_ctx_new ();
    size_t i;
    int connect_first;
    CHECK (ctx != NULL);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
        for (connect_first = 0; connect_first < 2; connect_first++) {
            void *push, *pull;
            int sent;
            CHECK_OK (make_pair (ctx, cases[i][0], cases[i][1], connect_first,
                                 &push, &pull));
            sent = fill (push, UNLIMITED_CAP);
            if (sent != UNLIMITED_CAP)
                fprintf (stderr, "sndhwm %d rcvhwm %d connect_first %d\n",
                         cases[i][0], cases[i][1], connect_first);
            CHECK_EQ_INT (UNLIMITED_CAP, sent);
            CHECK_EQ_INT (UNLIMITED_CAP, drain (pull, UNLIMITED_CAP + 10));
            CHECK_OK (zmq_close (push));
            CHECK_OK (zmq_close (pull));
        }
    CHECK_OK (zmq_ctx_term (ctx));
}

/* Sending before anyone has bound: only the PUSH's SNDHWM applies.  After
 * the bind (ZMQ_EVENTS lets the PUSH process it) the limit is the sum. */
static void test_send_before_bind (void)
{
    void *ctx = zmq_ctx_new ();
    void *push, *pull;
    char ep[64];
    int ev = -1;
    CHECK (ctx != NULL);

    /* 3 + 4 */
    next_endpoint (ep);
    push = tu_socket (ctx, ZMQ_PUSH);
    pull = tu_socket (ctx, ZMQ_PULL);
    CHECK (push != NULL && pull != NULL);
    CHECK_OK (tu_set_int (push, ZMQ_SNDHWM, 3));
    CHECK_OK (tu_set_int (pull, ZMQ_RCVHWM, 4));
    CHECK_OK (zmq_connect (push, ep));
    CHECK_EQ_INT (3, fill (push, UNLIMITED_CAP));
    CHECK_OK (tu_get_int (push, ZMQ_EVENTS, &ev));
    CHECK_EQ_INT (0, ev);
    CHECK_OK (zmq_bind (pull, ep));
    CHECK_OK (tu_get_int (push, ZMQ_EVENTS, &ev));
    CHECK_EQ_INT (ZMQ_POLLOUT, ev);
    CHECK_EQ_INT (4, fill (push, UNLIMITED_CAP));
    CHECK_EQ_INT (7, drain (pull, UNLIMITED_CAP));
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_close (pull));

    /* SNDHWM 0: unlimited even before the bind, whatever RCVHWM */
    next_endpoint (ep);
    push = tu_socket (ctx, ZMQ_PUSH);
    pull = tu_socket (ctx, ZMQ_PULL);
    CHECK (push != NULL && pull != NULL);
    CHECK_OK (tu_set_int (push, ZMQ_SNDHWM, 0));
    CHECK_OK (tu_set_int (pull, ZMQ_RCVHWM, 1));
    CHECK_OK (zmq_connect (push, ep));
    CHECK_EQ_INT (10000, fill (push, 10000));
    CHECK_OK (zmq_bind (pull, ep));
    CHECK_EQ_INT (10000, fill (push, 10000));
    CHECK_EQ_INT (20000, drain (pull, UNLIMITED_CAP));
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_close (pull));

    /* SNDHWM 1 then a PULL with RCVHWM 0: 1 before, unlimited after */
    next_endpoint (ep);
    push = tu_socket (ctx, ZMQ_PUSH);
    pull = tu_socket (ctx, ZMQ_PULL);
    CHECK (push != NULL && pull != NULL);
    CHECK_OK (tu_set_int (push, ZMQ_SNDHWM, 1));
    CHECK_OK (tu_set_int (pull, ZMQ_RCVHWM, 0));
    CHECK_OK (zmq_connect (push, ep));
    CHECK_EQ_INT (1, fill (push, UNLIMITED_CAP));
    CHECK_OK (zmq_bind (pull, ep));
    CHECK_OK (tu_get_int (push, ZMQ_EVENTS, &ev));
    CHECK_EQ_INT (ZMQ_POLLOUT, ev);
    CHECK_EQ_INT (10000, fill (push, 10000));
    CHECK_EQ_INT (10001, drain (pull, UNLIMITED_CAP));
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_close (pull));

    CHECK_OK (zmq_ctx_term (ctx));
}

/* 5 + 5: HWM 10, LWM (10 + 1) / 2 = 5.  Reading 4 of the 10 queued
 * messages does not make room; reading the 5th does, exactly 5. */
static void test_low_water_mark (void)
{
    void *ctx = zmq_ctx_new ();
    void *push, *pull;
    int ev = -1, k;
    CHECK (ctx != NULL);
    CHECK_OK (make_pair (ctx, 5, 5, 0, &push, &pull));
    CHECK_EQ_INT (10, fill (push, UNLIMITED_CAP));
    for (k = 1; k <= 4; k++) {
        CHECK_EQ_INT (1, drain (pull, 1));
        CHECK_OK (tu_get_int (push, ZMQ_EVENTS, &ev));
        CHECK_EQ_INT (0, ev);
        CHECK_ERR (EAGAIN, zmq_send (push, NULL, 0, ZMQ_DONTWAIT));
    }
    CHECK_EQ_INT (1, drain (pull, 1));
    CHECK_OK (tu_get_int (push, ZMQ_EVENTS, &ev));
    CHECK_EQ_INT (ZMQ_POLLOUT, ev);
    CHECK_EQ_INT (5, fill (push, UNLIMITED_CAP));
    /* 10 queued again: drain all, then the whole 10 are free */
    CHECK_EQ_INT (10, drain (pull, UNLIMITED_CAP));
    CHECK_OK (tu_get_int (push, ZMQ_EVENTS, &ev));
    CHECK_EQ_INT (ZMQ_POLLOUT, ev);
    CHECK_EQ_INT (10, fill (push, UNLIMITED_CAP));
    CHECK_EQ_INT (10, drain (pull, UNLIMITED_CAP));
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_close (pull));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* 3 + 4: HWM 7, LWM 4.  The reader reports only at multiples of 4 reads,
 * so after draining all 7 the writer knows of 4 reads and has room for 4;
 * after draining those (11 read, reported 8) it has room for 4 again. */
static void test_low_water_mark_granularity (void)
{
    void *ctx = zmq_ctx_new ();
    void *push, *pull;
    int ev = -1;
    CHECK (ctx != NULL);
    CHECK_OK (make_pair (ctx, 3, 4, 0, &push, &pull));
    CHECK_EQ_INT (7, fill (push, UNLIMITED_CAP));
    CHECK_EQ_INT (3, drain (pull, 3));
    CHECK_OK (tu_get_int (push, ZMQ_EVENTS, &ev));
    CHECK_EQ_INT (0, ev);
    CHECK_EQ_INT (4, drain (pull, UNLIMITED_CAP));
    CHECK_OK (tu_get_int (push, ZMQ_EVENTS, &ev));
    CHECK_EQ_INT (ZMQ_POLLOUT, ev);
    CHECK_EQ_INT (4, fill (push, UNLIMITED_CAP));
    CHECK_EQ_INT (4, drain (pull, UNLIMITED_CAP));
    CHECK_OK (tu_get_int (push, ZMQ_EVENTS, &ev));
    CHECK_EQ_INT (ZMQ_POLLOUT, ev);
    CHECK_EQ_INT (4, fill (push, UNLIMITED_CAP));
    CHECK_EQ_INT (4, drain (pull, UNLIMITED_CAP));
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_close (pull));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* A multipart message counts once, and once its first part is accepted
 * the remaining parts never fail on the HWM. */
static void test_multipart_counts_once (void)
{
    void *ctx = zmq_ctx_new ();
    void *push, *pull;
    int n;
    CHECK (ctx != NULL);
    CHECK_OK (make_pair (ctx, 2, 2, 0, &push, &pull));
    for (n = 0; n < 100; n++) {
        if (zmq_send (push, "a", 1, ZMQ_SNDMORE | ZMQ_DONTWAIT) != 1)
            break;
        CHECK_EQ_INT (1, zmq_send (push, "b", 1, ZMQ_SNDMORE | ZMQ_DONTWAIT));
        CHECK_EQ_INT (1, zmq_send (push, "c", 1, ZMQ_DONTWAIT));
    }
    CHECK_EQ_INT (EAGAIN, errno);
    CHECK_EQ_INT (4, n);
    for (n = 0; n < 4; n++) {
        RECV_STR (pull, "a", 0);
        RECV_STR (pull, "b", 0);
        RECV_STR (pull, "c", 0);
        CHECK_RCVMORE (pull, 0);
    }
    CHECK_NO_MSG (pull);
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_close (pull));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* Round-robin skips a full peer: PUSH (SNDHWM 1) to A (RCVHWM 1, room 2)
 * and B (RCVHWM 3, room 4) queues 6 before EAGAIN: 2 to A, 4 to B. */
static void test_round_robin_skips_full_peer (void)
{
    void *ctx = zmq_ctx_new ();
    void *push, *a, *b;
    CHECK (ctx != NULL);
    push = tu_socket (ctx, ZMQ_PUSH);
    a = tu_socket (ctx, ZMQ_PULL);
    b = tu_socket (ctx, ZMQ_PULL);
    CHECK (push != NULL && a != NULL && b != NULL);
    CHECK_OK (tu_set_int (push, ZMQ_SNDHWM, 1));
    CHECK_OK (tu_set_int (a, ZMQ_RCVHWM, 1));
    CHECK_OK (tu_set_int (b, ZMQ_RCVHWM, 3));
    CHECK_OK (zmq_bind (a, "inproc://hwm-rr-a"));
    CHECK_OK (zmq_bind (b, "inproc://hwm-rr-b"));
    CHECK_OK (zmq_connect (push, "inproc://hwm-rr-a"));
    CHECK_OK (zmq_connect (push, "inproc://hwm-rr-b"));
    CHECK_EQ_INT (6, fill (push, UNLIMITED_CAP));
    CHECK_EQ_INT (2, drain (a, UNLIMITED_CAP));
    CHECK_EQ_INT (4, drain (b, UNLIMITED_CAP));
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_ctx_term (ctx));
}

struct drainer_args
{
    void *pull;
    int received;
};

static void slow_drainer (void *arg)
{
    struct drainer_args *d = (struct drainer_args *) arg;
    tu_sleep_ms (50);
    while (zmq_recv (d->pull, NULL, 0, 0) >= 0) {
        d->received++;
        if (d->received == 3)
            break;
    }
}

/* A full queue: a blocking send waits SNDTIMEO then fails EAGAIN; a
 * blocking send is woken when the reader makes room from another thread. */
static void test_blocking_send (void)
{
    void *ctx = zmq_ctx_new ();
    void *push, *pull, *watch, *thread;
    unsigned long elapsed;
    struct drainer_args d;
    CHECK (ctx != NULL);
    CHECK_OK (make_pair (ctx, 1, 1, 0, &push, &pull));
    CHECK_EQ_INT (2, fill (push, UNLIMITED_CAP));
    CHECK_OK (tu_set_int (push, ZMQ_SNDTIMEO, 100));
    watch = zmq_stopwatch_start ();
    errno = 0;
    if (zmq_send (push, NULL, 0, 0) != -1 || errno != EAGAIN) {
        zmq_stopwatch_stop (watch);
        CHECK (0);
    }
    elapsed = zmq_stopwatch_stop (watch);
    CHECK (elapsed >= 90000ul);

    CHECK_OK (tu_set_int (push, ZMQ_SNDTIMEO, 5000));
    d.pull = pull;
    d.received = 0;
    thread = zmq_threadstart (slow_drainer, &d);
    CHECK (thread != NULL);
    /* blocks until the drainer has read one (LWM of 2 is 1) */
    if (zmq_send (push, NULL, 0, 0) != 0) {
        zmq_threadclose (thread);
        CHECK (0);
    }
    zmq_threadclose (thread);
    CHECK_EQ_INT (3, d.received);
    CHECK_EQ_INT (0, drain (pull, UNLIMITED_CAP));
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_close (pull));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ZMQ_CONFLATE on a PULL that connects: only the newest message is kept,
 * and the queue has no limit (the sender never sees EAGAIN). */
static void test_conflate (void)
{
    void *ctx = zmq_ctx_new ();
    void *push, *pull;
    char msg[16];
    int i;
    CHECK (ctx != NULL);
    push = tu_socket (ctx, ZMQ_PUSH);
    pull = tu_socket (ctx, ZMQ_PULL);
    CHECK (push != NULL && pull != NULL);
    CHECK_OK (tu_set_int (push, ZMQ_SNDHWM, 1));
    CHECK_OK (tu_set_int (pull, ZMQ_RCVHWM, 1));
    CHECK_OK (tu_set_int (pull, ZMQ_CONFLATE, 1));
    CHECK_OK (zmq_bind (push, "inproc://hwm-conflate"));
    CHECK_OK (zmq_connect (pull, "inproc://hwm-conflate"));
    for (i = 0; i < 5000; i++) {
        sprintf (msg, "m%d", i);
        SEND_STR (push, msg, ZMQ_DONTWAIT);
    }
    RECV_STR (pull, "m4999", 0);
    CHECK_NO_MSG (pull);
    SEND_STR (push, "next", 0);
    RECV_STR (pull, "next", 0);
    CHECK_NO_MSG (pull);
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_close (pull));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* Over inproc the pipe is made by zmq_connect from the CONNECTING socket's
 * options: ZMQ_CONFLATE on a PULL that binds has no effect on a PUSH that
 * connects to it -- every message is delivered, and the HWM applies. */
static void test_conflate_on_bound_pull_inproc (void)
{
    void *ctx = zmq_ctx_new ();
    void *push, *pull;
    char msg[16];
    int i;
    CHECK (ctx != NULL);
    push = tu_socket (ctx, ZMQ_PUSH);
    pull = tu_socket (ctx, ZMQ_PULL);
    CHECK (push != NULL && pull != NULL);
    CHECK_OK (tu_set_int (pull, ZMQ_CONFLATE, 1));
    CHECK_OK (tu_set_int (push, ZMQ_SNDHWM, 3));
    CHECK_OK (tu_set_int (pull, ZMQ_RCVHWM, 2));
    CHECK_OK (zmq_bind (pull, "inproc://hwm-conflate-bound"));
    CHECK_OK (zmq_connect (push, "inproc://hwm-conflate-bound"));
    for (i = 0; i < 5; i++) {
        sprintf (msg, "m%d", i);
        SEND_STR (push, msg, ZMQ_DONTWAIT);
    }
    CHECK_ERR (EAGAIN, zmq_send (push, "x", 1, ZMQ_DONTWAIT));
    for (i = 0; i < 5; i++) {
        sprintf (msg, "m%d", i);
        RECV_STR (pull, msg, 0);
    }
    CHECK_NO_MSG (pull);
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_close (pull));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ZMQ_IMMEDIATE does not apply to inproc: a PUSH connected to a name not
 * yet bound still queues (up to its SNDHWM), and all of it is delivered
 * once the PULL binds. */
static void test_immediate_inproc (void)
{
    void *ctx = zmq_ctx_new ();
    void *push, *pull;
    char msg[16];
    int i;
    CHECK (ctx != NULL);
    push = tu_socket (ctx, ZMQ_PUSH);
    pull = tu_socket (ctx, ZMQ_PULL);
    CHECK (push != NULL && pull != NULL);
    CHECK_OK (tu_set_int (push, ZMQ_IMMEDIATE, 1));
    CHECK_OK (tu_set_int (push, ZMQ_SNDHWM, 5));
    CHECK_OK (zmq_connect (push, "inproc://hwm-immediate"));
    for (i = 0; i < 5; i++) {
        sprintf (msg, "m%d", i);
        SEND_STR (push, msg, ZMQ_DONTWAIT);
    }
    CHECK_ERR (EAGAIN, zmq_send (push, "x", 1, ZMQ_DONTWAIT));
    CHECK_OK (zmq_bind (pull, "inproc://hwm-immediate"));
    for (i = 0; i < 5; i++) {
        sprintf (msg, "m%d", i);
        RECV_STR (pull, msg, 0);
    }
    CHECK_NO_MSG (pull);
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_close (pull));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* Over tcp and ipc the queue is bounded too: a PUSH whose PULL does not
 * read blocks once both pipes and the kernel buffers are full (libzmq 4.3.4:
 * about 3,000 messages of 1,000 bytes with HWM 100 and default buffers), and
 * what it queued all arrives, in order, once the PULL reads. */
static void wire_bounded (const char *endpoint)
{
    void *ctx = zmq_ctx_new ();
    void *push = tu_socket (ctx, ZMQ_PUSH);
    void *pull = tu_socket (ctx, ZMQ_PULL);
    char ep[256];
    char buf[1000];
    int sent = 0, got = 0, in_order = 1;
    CHECK_OK (tu_set_int (push, ZMQ_SNDHWM, 100));
    CHECK_OK (tu_set_int (pull, ZMQ_RCVHWM, 100));
    CHECK_OK (tu_set_int (push, ZMQ_SNDBUF, 65536));
    CHECK_OK (tu_set_int (pull, ZMQ_RCVBUF, 65536));
    CHECK_OK (tu_set_int (push, ZMQ_SNDTIMEO, 300));
    CHECK_OK (zmq_bind (pull, endpoint));
    CHECK_OK (tu_last_endpoint (pull, ep, sizeof ep));
    CHECK_OK (zmq_connect (push, ep));
    memset (buf, 0, sizeof buf);
    while (sent < 200000) {
        memcpy (buf, &sent, sizeof sent);
        if (zmq_send (push, buf, sizeof buf, 0) != (int) sizeof buf)
            break;
        sent++;
    }
    CHECK_EQ_INT (EAGAIN, zmq_errno ());
    /* HWMs 100 + 100 and a few hundred KiB in the kernel and the engines. */
    CHECK (sent > 200);
    CHECK (sent < 5000);
    while (got < sent && zmq_recv (pull, buf, sizeof buf, 0) == (int) sizeof buf) {
        int seq;
        memcpy (&seq, buf, sizeof seq);
        if (seq != got)
            in_order = 0;
        got++;
    }
    CHECK_EQ_INT (sent, got);
    CHECK (in_order);
    zmq_close (push);
    zmq_close (pull);
    zmq_ctx_term (ctx);
}

static void test_tcp_queue_bounded (void)
{
    wire_bounded ("tcp://127.0.0.1:*");
}

static void test_ipc_queue_bounded (void)
{
    wire_bounded ("ipc://*");
}

/* RCVHWM changed right after zmq_connect, before the I/O thread has the
 * connection's session: the session still learns the new limit, and the
 * reader keeps returning credit (all 4000 messages arrive; the bug was a
 * stall at the old HWM of 1000). */
static void test_hwm_change_right_after_connect (void)
{
    void *ctx = zmq_ctx_new ();
    void *push = tu_bound (ctx, ZMQ_PUSH, "tcp://127.0.0.1:*");
    void *pull = tu_socket (ctx, ZMQ_PULL);
    char ep[256], buf[8];
    int i, n = 0;
    CHECK (push != NULL);
    CHECK_OK (tu_last_endpoint (push, ep, sizeof ep));
    CHECK_OK (zmq_connect (pull, ep));
    CHECK_OK (tu_set_int (pull, ZMQ_RCVHWM, 0));
    for (i = 0; i < 4000; i++)
        CHECK_EQ_INT (1, zmq_send (push, "x", 1, 0));
    while (n < 4000 && zmq_recv (pull, buf, sizeof buf, 0) == 1)
        n++;
    CHECK_EQ_INT (4000, n);
    zmq_close (pull);
    zmq_close (push);
    CHECK_OK (zmq_ctx_term (ctx));
}

/* A DONTWAIT sender that runs ahead of its peer meets its HWM, as with
 * libzmq, even where the peer's I/O thread drains the pipe as fast as it
 * is filled: a send looks at the credit the reader returns at most once a
 * millisecond (libzmq's command throttle). XPUB with NODROP and SNDHWM
 * 2000, 6000 empty messages (libzmq's test_hwm_pubsub): EAGAIN at least
 * once, and everything sent arrives. */
static void run_sender_meets_hwm (const char *endpoint)
{
    void *ctx = zmq_ctx_new ();
    void *pub = tu_bound (ctx, ZMQ_XPUB, endpoint);
    void *sub = tu_socket (ctx, ZMQ_SUB);
    char ep[256], buf[16];
    int sent = 0, received = 0, blocked = 0, ended = 0, n;
    CHECK (pub != NULL && sub != NULL);
    CHECK_OK (tu_last_endpoint (pub, ep, sizeof ep));
    CHECK_OK (zmq_connect (sub, ep));
    CHECK_OK (tu_set_int (pub, ZMQ_SNDHWM, 2000));
    CHECK_OK (tu_set_int (pub, ZMQ_XPUB_NODROP, 1));
    CHECK_OK (tu_set_int (sub, ZMQ_RCVTIMEO, 10));
    CHECK_OK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, NULL, 0));
    CHECK_EQ_INT (1, zmq_recv (pub, buf, sizeof buf, 0));
    while (sent < 6000) {
        if (zmq_send (pub, NULL, 0, ZMQ_DONTWAIT) == 0) {
            sent++;
            continue;
        }
        CHECK_EQ_INT (EAGAIN, errno);
        blocked++;
        while ((n = zmq_recv (sub, buf, sizeof buf, 0)) >= 0)
            received++;
    }
    CHECK (blocked > 0);
    while ((n = zmq_recv (sub, buf, sizeof buf, 0)) >= 0)
        received++;
    CHECK_EQ_INT (3, zmq_send (pub, "end", 3, 0));
    while (!ended) {
        n = zmq_recv (sub, buf, sizeof buf, 0);
        if (n == 3 && memcmp (buf, "end", 3) == 0)
            ended = 1;
        else if (n >= 0)
            received++;
    }
    CHECK_EQ_INT (sent, received);
    zmq_close (sub);
    zmq_close (pub);
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_sender_meets_hwm (void)
{
    run_sender_meets_hwm ("tcp://127.0.0.1:*");
    run_sender_meets_hwm ("ipc://*");
    run_sender_meets_hwm ("inproc://meets-hwm");
}

/* Credit for a pipe whose connection has ended must not reach the session
 * that takes its place in the I/O thread: a PULL holds 1000 unread
 * messages from a PUSH that has gone, a second PUSH connects, the backlog
 * is read (returning credit for the dead pipe), then the second PUSH's
 * messages arrive (they did not: the stale credit wrapped the new pipe's
 * count and it looked full forever). */
static void test_credit_of_a_dead_pipe (void)
{
    void *ctx = zmq_ctx_new ();
    void *peers = zmq_ctx_new ();
    void *pull = tu_bound (ctx, ZMQ_PULL, "tcp://127.0.0.1:*");
    void *first, *second;
    char ep[256], buf[16];
    int i, backlog = 0;
    CHECK (pull != NULL);
    CHECK_OK (tu_last_endpoint (pull, ep, sizeof ep));
    CHECK_OK (tu_set_int (pull, ZMQ_RCVTIMEO, 2000));
    first = tu_socket (peers, ZMQ_PUSH);
    CHECK_OK (zmq_connect (first, ep));
    for (i = 0; i < 1000; i++)
        CHECK_EQ_INT (7, zmq_send (first, "backlog", 7, 0));
    usleep (300000);
    CHECK_OK (zmq_close (first));
    usleep (300000);
    second = tu_socket (peers, ZMQ_PUSH);
    CHECK_OK (zmq_connect (second, ep));
    usleep (300000);
    while (zmq_recv (pull, buf, sizeof buf, ZMQ_DONTWAIT) == 7)
        backlog++;
    CHECK_EQ_INT (1000, backlog);
    for (i = 0; i < 3; i++)
        CHECK_EQ_INT (5, zmq_send (second, "hello", 5, 0));
    for (i = 0; i < 3; i++)
        RECV_STR (pull, "hello", 0);
    zmq_close (second);
    zmq_close (pull);
    CHECK_OK (zmq_ctx_term (peers));
    CHECK_OK (zmq_ctx_term (ctx));
}

int main (void)
{
    RUN (test_options);
    RUN (test_default_limit);
    RUN (test_finite_limits);
    RUN (test_unlimited);
    RUN (test_send_before_bind);
    RUN (test_low_water_mark);
    RUN (test_low_water_mark_granularity);
    RUN (test_multipart_counts_once);
    RUN (test_round_robin_skips_full_peer);
    RUN (test_blocking_send);
    RUN (test_conflate);
    RUN (test_conflate_on_bound_pull_inproc);
    RUN (test_immediate_inproc);
    RUN (test_tcp_queue_bounded);
    RUN (test_ipc_queue_bounded);
    RUN (test_hwm_change_right_after_connect);
    RUN_UNLESS_SANITIZER ("thread", test_sender_meets_hwm,
                          "a timing case: each send is slower than the "
                          "1 ms between looks at the reader's credit");
    RUN (test_credit_of_a_dead_pipe);
    return test_summary ();
}
