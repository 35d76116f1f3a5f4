/* test_poll.c - zmq_poll over sockets (and sockets mixed with plain fds):
 * timeouts, POLLIN/POLLOUT on PAIR, PUSH/PULL and REQ/REP over inproc,
 * wake-ups from another thread, ETERM when the context shuts down under a
 * poll, bad items; and the ZMQ_FD + ZMQ_EVENTS edge-triggered protocol that
 * event-loop integrations (pyzmq's asyncio, czmq's zloop) rely on. */
#include <zmq.h>
#include <poll.h>
#include <unistd.h>

#include "testutil.h"

static void *new_connected (void *ctx, int type, const char *ep)
{
    void *s = zmq_socket (ctx, type);
    int timeo = 5000;
    if (s
        && (zmq_connect (s, ep) != 0
            || zmq_setsockopt (s, ZMQ_RCVTIMEO, &timeo, sizeof timeo) != 0)) {
        zmq_close (s);
        return NULL;
    }
    return s;
}

static void item_socket (zmq_pollitem_t *item, void *s, short events)
{
    memset (item, 0, sizeof *item);
    item->socket = s;
    item->fd = -1;
    item->events = events;
    item->revents = (short) 0x7777; /* zmq_poll must overwrite it */
}

static void test_timeout_zero (void)
{
    void *ctx = zmq_ctx_new ();
    void *pull;
    zmq_pollitem_t item;
    CHECK (ctx != NULL);
    pull = tu_bound (ctx, ZMQ_PULL, "inproc://poll-t0");
    CHECK (pull != NULL);
    item_socket (&item, pull, ZMQ_POLLIN | ZMQ_POLLOUT);
    CHECK_EQ_INT (0, zmq_poll (&item, 1, 0));
    CHECK_EQ_INT (0, item.revents);
    CHECK_OK (zmq_close (pull));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_timeout_elapses (void)
{
    void *ctx = zmq_ctx_new ();
    void *pull, *watch;
    zmq_pollitem_t item;
    unsigned long us;
    CHECK (ctx != NULL);
    pull = tu_bound (ctx, ZMQ_PULL, "inproc://poll-telapse");
    CHECK (pull != NULL);
    item_socket (&item, pull, ZMQ_POLLIN);
    watch = zmq_stopwatch_start ();
    CHECK_EQ_INT (0, zmq_poll (&item, 1, 100));
    us = zmq_stopwatch_stop (watch);
    CHECK (us >= 90000);
    CHECK_EQ_INT (0, item.revents);
    CHECK_OK (zmq_close (pull));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_infinite_timeout_message_waiting (void)
{
    void *ctx = zmq_ctx_new ();
    void *a, *b;
    zmq_pollitem_t item;
    char buf[8];
    CHECK (ctx != NULL);
    a = tu_bound (ctx, ZMQ_PAIR, "inproc://poll-inf");
    b = new_connected (ctx, ZMQ_PAIR, "inproc://poll-inf");
    CHECK (a && b);
    CHECK_EQ_INT (3, zmq_send (a, "abc", 3, 0));
    item_socket (&item, b, ZMQ_POLLIN);
    CHECK_EQ_INT (1, zmq_poll (&item, 1, -1));
    CHECK_EQ_INT (ZMQ_POLLIN, item.revents);
    /* Still there until received: level-triggered. */
    CHECK_EQ_INT (1, zmq_poll (&item, 1, -1));
    CHECK_EQ_INT (3, zmq_recv (b, buf, sizeof buf, 0));
    CHECK_EQ_INT (0, zmq_poll (&item, 1, 0));
    CHECK_EQ_INT (0, item.revents);
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_pair_in_and_out (void)
{
    void *ctx = zmq_ctx_new ();
    void *a, *b;
    zmq_pollitem_t items[2];
    char buf[8];
    CHECK (ctx != NULL);
    a = tu_bound (ctx, ZMQ_PAIR, "inproc://poll-pair");
    b = new_connected (ctx, ZMQ_PAIR, "inproc://poll-pair");
    CHECK (a && b);
    item_socket (&items[0], a, ZMQ_POLLIN | ZMQ_POLLOUT);
    item_socket (&items[1], b, ZMQ_POLLIN | ZMQ_POLLOUT);
    CHECK_EQ_INT (2, zmq_poll (items, 2, 0));
    CHECK_EQ_INT (ZMQ_POLLOUT, items[0].revents);
    CHECK_EQ_INT (ZMQ_POLLOUT, items[1].revents);
    CHECK_EQ_INT (1, zmq_send (a, "x", 1, 0));
    CHECK_EQ_INT (2, zmq_poll (items, 2, 0));
    CHECK_EQ_INT (ZMQ_POLLOUT, items[0].revents);
    CHECK_EQ_INT (ZMQ_POLLIN | ZMQ_POLLOUT, items[1].revents);
    /* Only what was asked for is reported. */
    item_socket (&items[1], b, ZMQ_POLLIN);
    CHECK_EQ_INT (2, zmq_poll (items, 2, 0));
    CHECK_EQ_INT (ZMQ_POLLIN, items[1].revents);
    /* events == 0: never reported, not counted. */
    item_socket (&items[1], b, 0);
    CHECK_EQ_INT (1, zmq_poll (items, 2, 0));
    CHECK_EQ_INT (0, items[1].revents);
    CHECK_EQ_INT (1, zmq_recv (b, buf, sizeof buf, 0));
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_push_pull (void)
{
    void *ctx = zmq_ctx_new ();
    void *push, *pull, *lonely;
    zmq_pollitem_t items[3];
    char buf[8];
    CHECK (ctx != NULL);
    pull = tu_bound (ctx, ZMQ_PULL, "inproc://poll-pushpull");
    push = new_connected (ctx, ZMQ_PUSH, "inproc://poll-pushpull");
    lonely = zmq_socket (ctx, ZMQ_PUSH); /* no peer: never writable */
    CHECK (push && pull && lonely);
    item_socket (&items[0], push, ZMQ_POLLIN | ZMQ_POLLOUT);
    item_socket (&items[1], pull, ZMQ_POLLIN | ZMQ_POLLOUT);
    item_socket (&items[2], lonely, ZMQ_POLLOUT);
    CHECK_EQ_INT (1, zmq_poll (items, 3, 0));
    CHECK_EQ_INT (ZMQ_POLLOUT, items[0].revents);
    CHECK_EQ_INT (0, items[1].revents);
    CHECK_EQ_INT (0, items[2].revents);
    CHECK_EQ_INT (2, zmq_send (push, "hi", 2, 0));
    CHECK_EQ_INT (2, zmq_poll (items, 3, 1000));
    CHECK_EQ_INT (ZMQ_POLLOUT, items[0].revents);
    CHECK_EQ_INT (ZMQ_POLLIN, items[1].revents);
    CHECK_EQ_INT (0, items[2].revents);
    CHECK_EQ_INT (2, zmq_recv (pull, buf, sizeof buf, 0));
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_close (pull));
    CHECK_OK (zmq_close (lonely));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_req_rep_states (void)
{
    void *ctx = zmq_ctx_new ();
    void *req, *rep;
    zmq_pollitem_t items[2];
    char buf[8];
    CHECK (ctx != NULL);
    rep = tu_bound (ctx, ZMQ_REP, "inproc://poll-reqrep");
    req = new_connected (ctx, ZMQ_REQ, "inproc://poll-reqrep");
    CHECK (req && rep);
    item_socket (&items[0], req, ZMQ_POLLIN | ZMQ_POLLOUT);
    item_socket (&items[1], rep, ZMQ_POLLIN | ZMQ_POLLOUT);
    CHECK_EQ_INT (1, zmq_poll (items, 2, 0));
    CHECK_EQ_INT (ZMQ_POLLOUT, items[0].revents);
    CHECK_EQ_INT (0, items[1].revents);
    CHECK_EQ_INT (1, zmq_send (req, "q", 1, 0));
    CHECK_EQ_INT (1, zmq_poll (items, 2, 1000));
    CHECK_EQ_INT (0, items[0].revents);
    CHECK_EQ_INT (ZMQ_POLLIN, items[1].revents);
    CHECK_EQ_INT (1, zmq_recv (rep, buf, sizeof buf, 0));
    CHECK_EQ_INT (1, zmq_poll (items, 2, 0));
    CHECK_EQ_INT (ZMQ_POLLOUT, items[1].revents);
    CHECK_EQ_INT (1, zmq_send (rep, "a", 1, 0));
    CHECK_EQ_INT (1, zmq_poll (items, 2, 1000));
    CHECK_EQ_INT (ZMQ_POLLIN, items[0].revents);
    CHECK_EQ_INT (0, items[1].revents);
    CHECK_EQ_INT (1, zmq_recv (req, buf, sizeof buf, 0));
    CHECK_OK (zmq_close (req));
    CHECK_OK (zmq_close (rep));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* A message sent by another thread wakes a blocked poll. */
struct delayed_send
{
    void *ctx;
    const char *ep;
    int delay_ms;
    int rc;
};

static void delayed_sender (void *arg)
{
    struct delayed_send *d = (struct delayed_send *) arg;
    void *s = zmq_socket (d->ctx, ZMQ_PAIR);
    int linger = 1000;
    d->rc = -1;
    if (!s)
        return;
    zmq_setsockopt (s, ZMQ_LINGER, &linger, sizeof linger);
    if (zmq_connect (s, d->ep) == 0) {
        usleep ((useconds_t) d->delay_ms * 1000);
        d->rc = zmq_send (s, "wake", 4, 0);
    }
    zmq_close (s);
}

static void test_wakeup_from_other_thread (void)
{
    void *ctx = zmq_ctx_new ();
    void *a, *thread, *watch;
    zmq_pollitem_t item;
    struct delayed_send d;
    char buf[8];
    unsigned long us;
    CHECK (ctx != NULL);
    a = tu_bound (ctx, ZMQ_PAIR, "inproc://poll-wakeup");
    CHECK (a != NULL);
    d.ctx = ctx;
    d.ep = "inproc://poll-wakeup";
    d.delay_ms = 100;
    d.rc = 0;
    item_socket (&item, a, ZMQ_POLLIN);
    watch = zmq_stopwatch_start ();
    thread = zmq_threadstart (delayed_sender, &d);
    CHECK (thread != NULL);
    CHECK_EQ_INT (1, zmq_poll (&item, 1, 5000));
    us = zmq_stopwatch_stop (watch);
    CHECK_EQ_INT (ZMQ_POLLIN, item.revents);
    CHECK (us >= 80000);
    zmq_threadclose (thread);
    CHECK_EQ_INT (4, d.rc);
    CHECK_EQ_INT (4, zmq_recv (a, buf, sizeof buf, ZMQ_DONTWAIT));
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_socket_and_fd_mixed (void)
{
    void *ctx = zmq_ctx_new ();
    void *push, *pull;
    int fds[2];
    zmq_pollitem_t items[2];
    char buf[8];
    CHECK (ctx != NULL);
    CHECK_OK (pipe (fds));
    pull = tu_bound (ctx, ZMQ_PULL, "inproc://poll-mixed");
    push = new_connected (ctx, ZMQ_PUSH, "inproc://poll-mixed");
    CHECK (push && pull);
    item_socket (&items[0], pull, ZMQ_POLLIN);
    memset (&items[1], 0, sizeof items[1]);
    items[1].socket = NULL;
    items[1].fd = fds[0];
    items[1].events = ZMQ_POLLIN;
    CHECK_EQ_INT (0, zmq_poll (items, 2, 0));
    CHECK_EQ_INT (1, write (fds[1], "p", 1));
    CHECK_EQ_INT (1, zmq_poll (items, 2, 1000));
    CHECK_EQ_INT (0, items[0].revents);
    CHECK_EQ_INT (ZMQ_POLLIN, items[1].revents);
    CHECK_EQ_INT (1, zmq_send (push, "s", 1, 0));
    CHECK_EQ_INT (2, zmq_poll (items, 2, 1000));
    CHECK_EQ_INT (ZMQ_POLLIN, items[0].revents);
    CHECK_EQ_INT (ZMQ_POLLIN, items[1].revents);
    CHECK_EQ_INT (1, read (fds[0], buf, 1));
    CHECK_EQ_INT (1, zmq_poll (items, 2, 0));
    CHECK_EQ_INT (ZMQ_POLLIN, items[0].revents);
    CHECK_EQ_INT (0, items[1].revents);
    CHECK_EQ_INT (1, zmq_recv (pull, buf, sizeof buf, 0));
    CHECK_EQ_INT (0, zmq_poll (items, 2, 0));
    /* The fd wakes a poll that also waits on a socket. */
    CHECK_EQ_INT (1, write (fds[1], "p", 1));
    CHECK_EQ_INT (1, zmq_poll (items, 2, -1));
    CHECK_EQ_INT (ZMQ_POLLIN, items[1].revents);
    close (fds[0]);
    close (fds[1]);
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_close (pull));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* Round trips where both sides wait in zmq_poll before each receive, as an
 * event loop does: each reply comes while the other side is still in
 * zmq_poll (zmqrs yields there for a while before it sleeps) or after it
 * went to sleep; none may be missed. The echo side also polls an idle pipe
 * fd, so both the poll over sockets only and the one over a socket and an
 * fd are exercised. */
#define PP_ROUNDS 3000

struct pp_echo
{
    void *ctx;
    int fd;
    int rounds;
};

static void pp_echo_fn (void *arg)
{
    struct pp_echo *e = (struct pp_echo *) arg;
    void *s = new_connected (e->ctx, ZMQ_PAIR, "inproc://poll-pingpong");
    zmq_pollitem_t items[2];
    char buf[8];
    e->rounds = 0;
    if (!s)
        return;
    item_socket (&items[0], s, ZMQ_POLLIN);
    memset (&items[1], 0, sizeof items[1]);
    items[1].fd = e->fd;
    items[1].events = ZMQ_POLLIN;
    while (e->rounds < PP_ROUNDS) {
        if (zmq_poll (items, 2, 2000) != 1 || items[0].revents != ZMQ_POLLIN
            || zmq_recv (s, buf, sizeof buf, ZMQ_DONTWAIT) != 4
            || zmq_send (s, buf, 4, 0) != 4)
            break;
        e->rounds++;
    }
    zmq_close (s);
}

static void test_poll_round_trips (void)
{
    void *ctx = zmq_ctx_new ();
    void *a, *thread;
    zmq_pollitem_t item;
    struct pp_echo e;
    int fds[2], i, ok = 1;
    char buf[8];
    CHECK (ctx != NULL);
    CHECK_OK (pipe (fds));
    a = tu_bound (ctx, ZMQ_PAIR, "inproc://poll-pingpong");
    CHECK (a != NULL);
    e.ctx = ctx;
    e.fd = fds[0];
    thread = zmq_threadstart (pp_echo_fn, &e);
    item_socket (&item, a, ZMQ_POLLIN);
    for (i = 0; i < PP_ROUNDS && ok; i++) {
        ok = zmq_send (a, "ping", 4, 0) == 4 && zmq_poll (&item, 1, 2000) == 1
             && item.revents == ZMQ_POLLIN
             && zmq_recv (a, buf, sizeof buf, ZMQ_DONTWAIT) == 4
             && memcmp (buf, "ping", 4) == 0;
    }
    zmq_threadclose (thread);
    CHECK (ok);
    CHECK_EQ_INT (PP_ROUNDS, e.rounds);
    close (fds[0]);
    close (fds[1]);
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* zmq_ctx_shutdown while another thread is blocked in zmq_poll: the poll
 * returns -1/ETERM, then that thread closes its socket. */
struct poller_thread
{
    void *socket;
    int rc;
    int err;
    int close_rc;
};

static void blocked_poller (void *arg)
{
    struct poller_thread *p = (struct poller_thread *) arg;
    zmq_pollitem_t item;
    item_socket (&item, p->socket, ZMQ_POLLIN);
    errno = 0;
    p->rc = zmq_poll (&item, 1, 5000);
    p->err = errno;
    p->close_rc = zmq_close (p->socket);
}

static void test_eterm_on_ctx_shutdown (void)
{
    void *ctx = zmq_ctx_new ();
    void *thread;
    struct poller_thread p;
    CHECK (ctx != NULL);
    p.socket = tu_bound (ctx, ZMQ_PULL, "inproc://poll-eterm");
    CHECK (p.socket != NULL);
    p.rc = 0;
    p.err = 0;
    p.close_rc = -1;
    thread = zmq_threadstart (blocked_poller, &p);
    CHECK (thread != NULL);
    usleep (100 * 1000);
    CHECK_OK (zmq_ctx_shutdown (ctx));
    zmq_threadclose (thread);
    CHECK_EQ_INT (-1, p.rc);
    CHECK_EQ_INT (ETERM, p.err);
    CHECK_EQ_INT (0, p.close_rc);
    CHECK_OK (zmq_ctx_term (ctx));
}

/* Same, the main thread calling zmq_ctx_term: it returns once the polling
 * thread has closed its socket. */
static void test_eterm_on_ctx_term (void)
{
    void *ctx = zmq_ctx_new ();
    void *thread;
    struct poller_thread p;
    CHECK (ctx != NULL);
    p.socket = tu_bound (ctx, ZMQ_SUB, "inproc://poll-eterm2");
    CHECK (p.socket != NULL);
    p.rc = 0;
    p.err = 0;
    p.close_rc = -1;
    thread = zmq_threadstart (blocked_poller, &p);
    CHECK (thread != NULL);
    usleep (100 * 1000);
    CHECK_OK (zmq_ctx_term (ctx));
    zmq_threadclose (thread);
    CHECK_EQ_INT (-1, p.rc);
    CHECK_EQ_INT (ETERM, p.err);
    CHECK_EQ_INT (0, p.close_rc);
}

static void test_bad_items (void)
{
    void *ctx = zmq_ctx_new ();
    void *s;
    zmq_pollitem_t items[2];
    /* Zeroed memory that is not a socket. */
    static unsigned char not_a_socket[65536];
    CHECK (ctx != NULL);
    s = tu_bound (ctx, ZMQ_PULL, "inproc://poll-bad");
    CHECK (s != NULL);
    item_socket (&items[0], s, ZMQ_POLLIN);
    item_socket (&items[1], not_a_socket, ZMQ_POLLIN);
    CHECK_ERR (ENOTSOCK, zmq_poll (items, 2, 0));
    CHECK_ERR (ENOTSOCK, zmq_poll (items, 2, 100));
    item_socket (&items[0], not_a_socket, 0);
    CHECK_ERR (ENOTSOCK, zmq_poll (items, 1, 0));
    /* No items at all: just the timeout. */
    CHECK_EQ_INT (0, zmq_poll (NULL, 0, 0));
    CHECK_EQ_INT (0, zmq_poll (items, 0, 10));
    CHECK_OK (zmq_close (s));
    CHECK_OK (zmq_ctx_term (ctx));
}

#ifndef ZMQRS_SKIP_HARDENED
/* libzmq built with the draft API dereferences these (NULL items, negative
 * count, closed socket); zmqrs answers with an errno. */
static void test_bad_items_hardened (void)
{
    void *ctx = zmq_ctx_new ();
    void *s;
    zmq_pollitem_t item;
    CHECK (ctx != NULL);
    CHECK_ERR (EFAULT, zmq_poll (NULL, 1, 0));
    CHECK_ERR (EFAULT, zmq_poll (NULL, 3, 10));
    s = zmq_socket (ctx, ZMQ_PAIR);
    CHECK (s != NULL);
    item_socket (&item, s, ZMQ_POLLIN);
    CHECK_ERR (EINVAL, zmq_poll (&item, -1, 0));
    CHECK_OK (zmq_close (s));
    CHECK_ERR (ENOTSOCK, zmq_poll (&item, 1, 0));
    CHECK_OK (zmq_ctx_term (ctx));
}
#endif

/* ZMQ_FD edge-triggered protocol: an external poll() on ZMQ_FD, then
 * ZMQ_EVENTS, then drain while ZMQ_EVENTS has POLLIN. 1000 messages from
 * another thread, sent in bursts, must all arrive; the loop never waits on
 * the fd while messages are pending. */
#define FD_MESSAGES 1000

struct burst_sender
{
    void *ctx;
    int rc;
};

static void burst_sender_fn (void *arg)
{
    struct burst_sender *b = (struct burst_sender *) arg;
    void *push = zmq_socket (b->ctx, ZMQ_PUSH);
    int i, linger = 5000;
    b->rc = -1;
    if (!push)
        return;
    zmq_setsockopt (push, ZMQ_LINGER, &linger, sizeof linger);
    if (zmq_connect (push, "inproc://poll-zmqfd") != 0) {
        zmq_close (push);
        return;
    }
    for (i = 0; i < FD_MESSAGES; i++) {
        if (zmq_send (push, &i, sizeof i, 0) != (int) sizeof i) {
            zmq_close (push);
            return;
        }
        /* Bursts of uneven size with pauses between them. */
        if (i % 97 == 0)
            usleep (1000);
    }
    b->rc = 0;
    zmq_close (push);
}

static void test_zmq_fd_edge_triggered (void)
{
    void *ctx = zmq_ctx_new ();
    void *pull, *thread;
    struct burst_sender b;
    int fd = -1, received = 0, stalls = 0, hwm = 10;
    size_t len = sizeof fd;
    CHECK (ctx != NULL);
    pull = zmq_socket (ctx, ZMQ_PULL);
    CHECK (pull != NULL);
    /* A small HWM makes the sender block on the reader, so the reader sees
     * many separate wake-ups. */
    CHECK_OK (zmq_setsockopt (pull, ZMQ_RCVHWM, &hwm, sizeof hwm));
    CHECK_OK (zmq_bind (pull, "inproc://poll-zmqfd"));
    CHECK_OK (zmq_getsockopt (pull, ZMQ_FD, &fd, &len));
    b.ctx = ctx;
    b.rc = 0;
    thread = zmq_threadstart (burst_sender_fn, &b);
    CHECK (thread != NULL);
    while (received < FD_MESSAGES) {
        int events = 0;
        size_t elen = sizeof events;
        CHECK_OK (zmq_getsockopt (pull, ZMQ_EVENTS, &events, &elen));
        if (events & ZMQ_POLLIN) {
            int v = -1;
            int rc = zmq_recv (pull, &v, sizeof v, ZMQ_DONTWAIT);
            if (rc == -1) {
                CHECK_EQ_INT (EAGAIN, errno);
                continue;
            }
            CHECK_EQ_INT (sizeof v, rc);
            CHECK_EQ_INT (received, v);
            received++;
            continue;
        }
        /* Nothing readable per ZMQ_EVENTS: now, and only now, wait on the
         * fd. A correct implementation signals it for whatever arrives. */
        {
            struct pollfd pfd;
            int prc;
            pfd.fd = fd;
            pfd.events = POLLIN;
            pfd.revents = 0;
            prc = poll (&pfd, 1, 3000);
            CHECK (prc >= 0);
            if (prc == 0) {
                /* 3 s without a signal while the sender still has messages
                 * to send means a lost wake-up. */
                stalls++;
                fprintf (stderr, "ZMQ_FD stalled at %d messages\n", received);
                CHECK (stalls == 0);
            }
        }
    }
    zmq_threadclose (thread);
    CHECK_EQ_INT (0, b.rc);
    CHECK_EQ_INT (FD_MESSAGES, received);
    CHECK_OK (zmq_close (pull));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* The fd is a notification, not a level: messages can be waiting while it
 * is silent (libzmq does not signal a reader that has never found its pipe
 * empty), so ZMQ_EVENTS must be read before waiting. Once the reader has
 * drained to EAGAIN and read ZMQ_EVENTS, the next message makes the fd
 * readable, and with everything drained it stays quiet (no busy loop). */
static void test_zmq_fd_protocol (void)
{
    void *ctx = zmq_ctx_new ();
    void *a, *b;
    int fd = -1, events = 0, i, round;
    size_t len = sizeof fd;
    char buf[8];
    struct pollfd pfd;
    CHECK (ctx != NULL);
    a = tu_bound (ctx, ZMQ_PAIR, "inproc://poll-fdproto");
    b = new_connected (ctx, ZMQ_PAIR, "inproc://poll-fdproto");
    CHECK (a && b);
    CHECK_OK (zmq_getsockopt (b, ZMQ_FD, &fd, &len));
    pfd.fd = fd;
    pfd.events = POLLIN;
    for (i = 0; i < 5; i++)
        CHECK_EQ_INT (1, zmq_send (a, "m", 1, 0));
    /* No waiting on the fd: ZMQ_EVENTS already knows. */
    len = sizeof events;
    CHECK_OK (zmq_getsockopt (b, ZMQ_EVENTS, &events, &len));
    CHECK (events & ZMQ_POLLIN);
    for (i = 0; i < 5; i++)
        CHECK_EQ_INT (1, zmq_recv (b, buf, sizeof buf, ZMQ_DONTWAIT));
    for (round = 0; round < 3; round++) {
        CHECK_ERR (EAGAIN, zmq_recv (b, buf, sizeof buf, ZMQ_DONTWAIT));
        len = sizeof events;
        CHECK_OK (zmq_getsockopt (b, ZMQ_EVENTS, &events, &len));
        CHECK_EQ_INT (ZMQ_POLLOUT, events);
        /* Drained: quiet. */
        pfd.revents = 0;
        CHECK_EQ_INT (0, poll (&pfd, 1, 50));
        /* A new message re-arms the edge. */
        CHECK_EQ_INT (1, zmq_send (a, "n", 1, 0));
        pfd.revents = 0;
        CHECK_EQ_INT (1, poll (&pfd, 1, 2000));
        CHECK (pfd.revents & POLLIN);
        len = sizeof events;
        CHECK_OK (zmq_getsockopt (b, ZMQ_EVENTS, &events, &len));
        CHECK_EQ_INT (ZMQ_POLLIN | ZMQ_POLLOUT, events);
        CHECK_EQ_INT (1, zmq_recv (b, buf, sizeof buf, ZMQ_DONTWAIT));
    }
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_ctx_term (ctx));
}

int main (void)
{
    RUN (test_timeout_zero);
    RUN (test_timeout_elapses);
    RUN (test_infinite_timeout_message_waiting);
    RUN (test_pair_in_and_out);
    RUN (test_push_pull);
    RUN (test_req_rep_states);
    RUN (test_wakeup_from_other_thread);
    RUN (test_socket_and_fd_mixed);
    RUN (test_poll_round_trips);
    RUN (test_eterm_on_ctx_shutdown);
    RUN (test_eterm_on_ctx_term);
    RUN (test_bad_items);
#ifndef ZMQRS_SKIP_HARDENED
    RUN (test_bad_items_hardened);
#endif
    RUN (test_zmq_fd_edge_triggered);
    RUN (test_zmq_fd_protocol);
    return test_summary ();
}
