/* test_client_server.c - the draft CLIENT and SERVER socket types: single
 * part messages, the SERVER naming each peer by the routing id a received
 * message carries (zmq_msg_routing_id) and a reply names
 * (zmq_msg_set_routing_id), EHOSTUNREACH for an unknown peer, ZMQ_SNDMORE
 * refused with EINVAL; over inproc, ipc and tcp. */
#include <poll.h>
#include <stdint.h>
#include <zmq.h>

#include "testutil.h"

/* Receives one message on the SERVER, checks its text, returns its
 * routing id through *id. */
static void server_recv (void *server, const char *text, uint32_t *id)
{
    zmq_msg_t m;
    size_t n = strlen (text);
    zmq_msg_init (&m);
    CHECK_EQ_INT ((int) n, zmq_msg_recv (&m, server, 0));
    CHECK_MEM (text, zmq_msg_data (&m), n);
    CHECK (!zmq_msg_more (&m));
    *id = zmq_msg_routing_id (&m);
    CHECK_OK (zmq_msg_close (&m));
    CHECK (*id != 0);
}

/* Sends text from the SERVER to the peer `id`. */
static int server_send (void *server, uint32_t id, const char *text)
{
    zmq_msg_t m;
    size_t n = strlen (text);
    int rc;
    if (zmq_msg_init_size (&m, n) != 0)
        return -1;
    memcpy (zmq_msg_data (&m), text, n);
    if (zmq_msg_set_routing_id (&m, id) != 0) {
        zmq_msg_close (&m);
        return -1;
    }
    rc = zmq_msg_send (&m, server, 0);
    if (rc < 0) {
        int err = errno;
        zmq_msg_close (&m);
        errno = err;
    }
    return rc;
}

/* A CLIENT to SERVER round trip over `endpoint` (a wildcard is fine). */
static void round_trip (const char *endpoint)
{
    void *ctx = zmq_ctx_new (), *server, *client;
    uint32_t id;
    CHECK (ctx != NULL);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_SERVER, ZMQ_CLIENT, endpoint, &server,
                               &client));
    SEND_STR (client, "hello", 0);
    CHECK_STEP (server_recv (server, "hello", &id));
    CHECK_EQ_INT (5, server_send (server, id, "world"));
    RECV_STR (client, "world", 0);
    /* The id stays the peer's for the life of its connection. */
    SEND_STR (client, "again", 0);
    {
        uint32_t again;
        CHECK_STEP (server_recv (server, "again", &again));
        CHECK_EQ_INT (id, again);
    }
    CHECK_OK (zmq_close (client));
    CHECK_OK (zmq_close (server));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_round_trip_inproc (void)
{
    round_trip ("inproc://client-server");
}

static void test_round_trip_ipc (void)
{
    round_trip ("ipc://*");
}

static void test_round_trip_tcp (void)
{
    round_trip ("tcp://127.0.0.1:*");
}

static void test_types_read_back (void)
{
    void *ctx = zmq_ctx_new (), *server, *client;
    int type;
    CHECK (ctx != NULL);
    server = zmq_socket (ctx, ZMQ_SERVER);
    client = zmq_socket (ctx, ZMQ_CLIENT);
    CHECK (server != NULL && client != NULL);
    CHECK_OK (tu_get_int (server, ZMQ_TYPE, &type));
    CHECK_EQ_INT (ZMQ_SERVER, type);
    CHECK_OK (tu_get_int (client, ZMQ_TYPE, &type));
    CHECK_EQ_INT (ZMQ_CLIENT, type);
    CHECK_OK (zmq_close (client));
    CHECK_OK (zmq_close (server));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* Multipart is refused with EINVAL on both sides; the sockets go on. */
static void test_sndmore_refused (void)
{
    void *ctx = zmq_ctx_new (), *server, *client;
    uint32_t id;
    CHECK (ctx != NULL);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_SERVER, ZMQ_CLIENT,
                               "inproc://sndmore", &server, &client));
    CHECK_ERR (EINVAL, zmq_send (client, "a", 1, ZMQ_SNDMORE));
    SEND_STR (client, "whole", 0);
    CHECK_STEP (server_recv (server, "whole", &id));
    {
        zmq_msg_t m;
        zmq_msg_init_size (&m, 1);
        CHECK_OK (zmq_msg_set_routing_id (&m, id));
        CHECK_ERR (EINVAL, zmq_msg_send (&m, server, ZMQ_SNDMORE));
        CHECK_OK (zmq_msg_close (&m));
    }
    CHECK_EQ_INT (2, server_send (server, id, "ok"));
    RECV_STR (client, "ok", 0);
    CHECK_OK (zmq_close (client));
    CHECK_OK (zmq_close (server));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* A reply to no known peer, or without a routing id, is EHOSTUNREACH. */
static void test_unknown_peer (void)
{
    void *ctx = zmq_ctx_new (), *server, *client;
    uint32_t id;
    CHECK (ctx != NULL);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_SERVER, ZMQ_CLIENT, "tcp://127.0.0.1:*",
                               &server, &client));
    CHECK_ERR (EHOSTUNREACH, zmq_send (server, "x", 1, 0));
    SEND_STR (client, "hi", 0);
    CHECK_STEP (server_recv (server, "hi", &id));
    CHECK_ERR (EHOSTUNREACH, server_send (server, id + 1, "nobody"));
    CHECK_EQ_INT (2, server_send (server, id, "hi"));
    RECV_STR (client, "hi", 0);
    /* Once the client is gone, its id is unknown again. */
    CHECK_OK (zmq_close (client));
    {
        int i, rc = 0;
        for (i = 0; i < 200; i++) {
            rc = server_send (server, id, "late");
            if (rc < 0)
                break;
            tu_sleep_ms (10);
        }
        CHECK_EQ_INT (-1, rc);
        CHECK_EQ_INT (EHOSTUNREACH, errno);
    }
    CHECK_OK (zmq_close (server));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* Several clients: each reply reaches the client that asked. */
static void test_replies_reach_their_client (void)
{
    enum { CLIENTS = 3 };
    void *ctx = zmq_ctx_new (), *server, *clients[CLIENTS];
    char ep[256], text[16];
    uint32_t ids[CLIENTS];
    int i, j;
    CHECK (ctx != NULL);
    server = tu_socket (ctx, ZMQ_SERVER);
    CHECK (server != NULL);
    CHECK_OK (zmq_bind (server, "tcp://127.0.0.1:*"));
    CHECK_OK (tu_last_endpoint (server, ep, sizeof ep));
    for (i = 0; i < CLIENTS; i++) {
        clients[i] = tu_socket (ctx, ZMQ_CLIENT);
        CHECK (clients[i] != NULL);
        CHECK_OK (zmq_connect (clients[i], ep));
        snprintf (text, sizeof text, "client %d", i);
        SEND_STR (clients[i], text, 0);
        CHECK_STEP (server_recv (server, text, &ids[i]));
        for (j = 0; j < i; j++)
            CHECK (ids[j] != ids[i]);
    }
    for (i = CLIENTS - 1; i >= 0; i--) {
        snprintf (text, sizeof text, "for %d", i);
        CHECK_EQ_INT ((int) strlen (text), server_send (server, ids[i], text));
    }
    for (i = 0; i < CLIENTS; i++) {
        snprintf (text, sizeof text, "for %d", i);
        RECV_STR (clients[i], text, 0);
        CHECK_NO_MSG (clients[i]);
        CHECK_OK (zmq_close (clients[i]));
    }
    CHECK_OK (zmq_close (server));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* A CLIENT load-balances over its servers and fair-queues their answers;
 * connect before bind works over inproc. */
static void test_client_balances (void)
{
    void *ctx = zmq_ctx_new (), *client, *s1, *s2;
    uint32_t id1, id2;
    CHECK (ctx != NULL);
    client = tu_socket (ctx, ZMQ_CLIENT);
    CHECK (client != NULL);
    CHECK_OK (zmq_connect (client, "inproc://lb-1"));
    CHECK_OK (zmq_connect (client, "inproc://lb-2"));
    s1 = tu_socket (ctx, ZMQ_SERVER);
    s2 = tu_socket (ctx, ZMQ_SERVER);
    CHECK (s1 != NULL && s2 != NULL);
    CHECK_OK (zmq_bind (s1, "inproc://lb-1"));
    CHECK_OK (zmq_bind (s2, "inproc://lb-2"));
    SEND_STR (client, "one", 0);
    SEND_STR (client, "two", 0);
    CHECK_STEP (server_recv (s1, "one", &id1));
    CHECK_STEP (server_recv (s2, "two", &id2));
    CHECK_EQ_INT (3, server_send (s2, id2, "two"));
    CHECK_EQ_INT (3, server_send (s1, id1, "one"));
    {
        char a[8] = {0}, b[8] = {0};
        CHECK_EQ_INT (3, zmq_recv (client, a, sizeof a, 0));
        CHECK_EQ_INT (3, zmq_recv (client, b, sizeof b, 0));
        CHECK ((strcmp (a, "one") == 0 && strcmp (b, "two") == 0)
               || (strcmp (a, "two") == 0 && strcmp (b, "one") == 0));
    }
    CHECK_OK (zmq_close (client));
    CHECK_OK (zmq_close (s1));
    CHECK_OK (zmq_close (s2));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* CLIENT and SERVER talk only to each other. */
static void test_only_each_other (void)
{
    void *ctx = zmq_ctx_new (), *server, *dealer;
    CHECK (ctx != NULL);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_SERVER, ZMQ_DEALER,
                               "tcp://127.0.0.1:*", &server, &dealer));
    SEND_STR (dealer, "ignored", 0);
    tu_sleep_ms (100);
    CHECK_NO_MSG (server);
    CHECK_OK (zmq_close (dealer));
    CHECK_OK (zmq_close (server));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* zmq_poll sees a request waiting on the SERVER; a SERVER is always
 * writable. */
static void test_poll (void)
{
    void *ctx = zmq_ctx_new (), *server, *client;
    zmq_pollitem_t item;
    uint32_t id;
    CHECK (ctx != NULL);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_SERVER, ZMQ_CLIENT, "ipc://*", &server,
                               &client));
    item.socket = server;
    item.fd = -1;
    item.events = ZMQ_POLLIN | ZMQ_POLLOUT;
    item.revents = 0;
    CHECK_EQ_INT (1, zmq_poll (&item, 1, 0));
    CHECK_EQ_INT (ZMQ_POLLOUT, item.revents);
    SEND_STR (client, "knock", 0);
    item.events = ZMQ_POLLIN;
    CHECK_EQ_INT (1, zmq_poll (&item, 1, TU_TIMEOUT_MS));
    CHECK_EQ_INT (ZMQ_POLLIN, item.revents);
    CHECK_STEP (server_recv (server, "knock", &id));
    CHECK_OK (zmq_close (client));
    CHECK_OK (zmq_close (server));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* Draft HELLO_MSG / DISCONNECT_MSG over inproc: the SERVER hears of a
 * client that connected (its hello) and of its going (the server's own
 * disconnect message), whether the client closes or disconnects, and
 * whether it connected before or after the SERVER bound. */
static void hello_and_disconnect (int by_close, int connect_first)
{
    void *ctx = zmq_ctx_new (), *server, *client;
    uint32_t id, gone;
    CHECK (ctx != NULL);
    server = tu_socket (ctx, ZMQ_SERVER);
    client = tu_socket (ctx, ZMQ_CLIENT);
    CHECK (server != NULL && client != NULL);
    CHECK_OK (zmq_setsockopt (server, ZMQ_DISCONNECT_MSG, "bye", 3));
    CHECK_OK (zmq_setsockopt (client, ZMQ_HELLO_MSG, "hi", 2));
    if (connect_first)
        CHECK_OK (zmq_connect (client, "inproc://hello-bye"));
    CHECK_OK (zmq_bind (server, "inproc://hello-bye"));
    if (!connect_first)
        CHECK_OK (zmq_connect (client, "inproc://hello-bye"));
    CHECK_STEP (server_recv (server, "hi", &id));
    if (by_close)
        CHECK_OK (zmq_close (client));
    else
        CHECK_OK (zmq_disconnect (client, "inproc://hello-bye"));
    CHECK_STEP (server_recv (server, "bye", &gone));
    CHECK_EQ_INT (id, gone);
    CHECK_NO_MSG (server);
    if (!by_close)
        CHECK_OK (zmq_close (client));
    CHECK_OK (zmq_close (server));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_hello_and_disconnect_by_close (void)
{
    hello_and_disconnect (1, 0);
}

static void test_hello_and_disconnect_by_disconnect (void)
{
    hello_and_disconnect (0, 0);
}

static void test_hello_and_disconnect_connect_first (void)
{
    hello_and_disconnect (1, 1);
    hello_and_disconnect (0, 1);
}

/* Thread safety: ZMQ_THREAD_SAFE reads 1, ZMQ_FD is refused (EINVAL, as
 * libzmq); then several threads send on one CLIENT while several others
 * receive on it, and several threads receive on one SERVER and answer each
 * message to its sender, all at once, for a bounded count: every message
 * arrives once, whole. */
enum { TS_THREADS = 4, TS_PER_THREAD = 2000 };

struct ts_shared {
    void *client, *server;
    int sent_ok, served, received[TS_THREADS * TS_PER_THREAD];
};

static void ts_sender (void *arg)
{
    static int next_id = 0;
    struct ts_shared *t = (struct ts_shared *) arg;
    int me = __sync_fetch_and_add (&next_id, 1) % TS_THREADS, i;
    char buf[32];
    for (i = 0; i < TS_PER_THREAD; i++) {
        int n = snprintf (buf, sizeof buf, "%d", me * TS_PER_THREAD + i);
        if (zmq_send (t->client, buf, (size_t) n, 0) != n)
            return;
        __sync_fetch_and_add (&t->sent_ok, 1);
    }
}

/* Takes requests on the SERVER and sends each back to its sender, until
 * no request comes for a while. */
static void ts_server (void *arg)
{
    struct ts_shared *t = (struct ts_shared *) arg;
    for (;;) {
        zmq_msg_t m;
        zmq_msg_init (&m);
        if (zmq_msg_recv (&m, t->server, 0) < 0) {
            zmq_msg_close (&m);
            return;
        }
        __sync_fetch_and_add (&t->served, 1);
        if (zmq_msg_set_routing_id (&m, zmq_msg_routing_id (&m)) != 0
            || zmq_msg_send (&m, t->server, 0) < 0) {
            zmq_msg_close (&m);
            return;
        }
    }
}

/* Takes echoes on the CLIENT and counts each number seen. */
static void ts_receiver (void *arg)
{
    struct ts_shared *t = (struct ts_shared *) arg;
    char buf[32];
    for (;;) {
        int n = zmq_recv (t->client, buf, sizeof buf - 1, 0), v;
        if (n < 0)
            return;
        buf[n] = '\0';
        v = atoi (buf);
        if (v >= 0 && v < TS_THREADS * TS_PER_THREAD)
            __sync_fetch_and_add (&t->received[v], 1);
    }
}

static void test_thread_safe_sockets (void)
{
    struct ts_shared t;
    void *ctx = zmq_ctx_new (), *threads[3 * TS_THREADS];
    int i, v = 0, timeout = 1000;
    size_t len = sizeof v;
    char fd_buf[16];
    size_t fd_len = sizeof fd_buf;
    memset (&t, 0, sizeof t);
    CHECK (ctx != NULL);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_SERVER, ZMQ_CLIENT, "tcp://127.0.0.1:*",
                               &t.server, &t.client));
    CHECK_OK (zmq_getsockopt (t.server, ZMQ_THREAD_SAFE, &v, &len));
    CHECK_EQ_INT (1, v);
    CHECK_OK (zmq_getsockopt (t.client, ZMQ_THREAD_SAFE, &v, &len));
    CHECK_EQ_INT (1, v);
    CHECK_ERR (EINVAL, zmq_getsockopt (t.client, ZMQ_FD, fd_buf, &fd_len));
    /* Receivers stop once nothing comes for a second. */
    CHECK_OK (zmq_setsockopt (t.client, ZMQ_RCVTIMEO, &timeout, sizeof timeout));
    CHECK_OK (zmq_setsockopt (t.server, ZMQ_RCVTIMEO, &timeout, sizeof timeout));
    for (i = 0; i < TS_THREADS; i++) {
        threads[i] = zmq_threadstart (ts_server, &t);
        threads[TS_THREADS + i] = zmq_threadstart (ts_receiver, &t);
    }
    for (i = 0; i < TS_THREADS; i++)
        threads[2 * TS_THREADS + i] = zmq_threadstart (ts_sender, &t);
    for (i = 0; i < 3 * TS_THREADS; i++)
        zmq_threadclose (threads[i]);
    CHECK_EQ_INT (TS_THREADS * TS_PER_THREAD, t.sent_ok);
    CHECK_EQ_INT (TS_THREADS * TS_PER_THREAD, t.served);
    for (i = 0; i < TS_THREADS * TS_PER_THREAD; i++)
        CHECK_EQ_INT (1, t.received[i]);
    CHECK_OK (zmq_close (t.client));
    CHECK_OK (zmq_close (t.server));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* One thread waits in zmq_poll (or zmq_poller_wait) on a SERVER; the
 * main thread meanwhile uses the same SERVER (as libzmq allows), then the
 * CLIENT sends. The wait must end with POLLIN: had it held the SERVER
 * while waiting, the main thread's calls would have waited for its 5 s
 * timeout, and it would have reported nothing. */
struct poll_waiter
{
    void *server;
    int use_poller;
    int rc;
    short revents;
};

static void poll_waiter_run (void *arg)
{
    struct poll_waiter *w = (struct poll_waiter *) arg;
    if (w->use_poller) {
        void *poller = zmq_poller_new ();
        zmq_poller_event_t ev;
        zmq_poller_add (poller, w->server, NULL, ZMQ_POLLIN);
        w->rc = zmq_poller_wait (poller, &ev, 5000);
        w->revents = ev.events;
        zmq_poller_destroy (&poller);
    } else {
        zmq_pollitem_t item = {w->server, 0, ZMQ_POLLIN, 0};
        w->rc = zmq_poll (&item, 1, 5000);
        w->revents = item.revents;
    }
}

/* Two threads in blocking sends on one CLIENT, far past the HWM, over tcp
 * (libzmq's test_thread_safe): the sends wait for the credit the peer
 * returns and all arrive (a send skipping its commands for a while must
 * still look at them before it waits). */
#define FLOOD_COUNT 15000
static void flood_sender (void *client)
{
    for (int i = 0; i < FLOOD_COUNT; i++)
        zmq_send (client, "0", 1, 0);
    zmq_send (client, "1", 1, 0);
}

static void test_two_threads_flood_one_client (void)
{
    void *ctx = zmq_ctx_new ();
    void *server = tu_bound (ctx, ZMQ_SERVER, "tcp://127.0.0.1:*");
    void *client = tu_socket (ctx, ZMQ_CLIENT);
    char ep[256], data;
    int ended = 0, got = 0;
    CHECK (server != NULL && client != NULL);
    CHECK_OK (tu_last_endpoint (server, ep, sizeof ep));
    CHECK_OK (zmq_connect (client, ep));
    CHECK_OK (tu_set_int (server, ZMQ_RCVTIMEO, 5000));
    void *t1 = zmq_threadstart (flood_sender, client);
    void *t2 = zmq_threadstart (flood_sender, client);
    while (ended < 2) {
        CHECK_EQ_INT (1, zmq_recv (server, &data, 1, 0));
        if (data == '1')
            ended++;
        else
            got++;
    }
    zmq_threadclose (t1);
    zmq_threadclose (t2);
    CHECK_EQ_INT (2 * FLOOD_COUNT, got);
    zmq_close (client);
    zmq_close (server);
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_poll_does_not_hold_the_socket (void)
{
    int use_poller;
    for (use_poller = 0; use_poller < 2; use_poller++) {
        void *ctx = zmq_ctx_new (), *server, *client, *thread;
        struct poll_waiter w;
        int v = 0, hwm = 500;
        size_t len = sizeof v;
        uint32_t id;
        CHECK_OK (tu_bind_connect (ctx, ZMQ_SERVER, ZMQ_CLIENT,
                                   "inproc://poll-shared", &server, &client));
        w.server = server;
        w.use_poller = use_poller;
        w.rc = -2;
        w.revents = 0;
        thread = zmq_threadstart (poll_waiter_run, &w);
        tu_sleep_ms (100);
        /* The SERVER is free for this thread while the other one waits. */
        CHECK_OK (zmq_setsockopt (server, ZMQ_SNDHWM, &hwm, sizeof hwm));
        CHECK_OK (zmq_getsockopt (server, ZMQ_SNDHWM, &v, &len));
        CHECK_EQ_INT (500, v);
        CHECK_ERR (EHOSTUNREACH, server_send (server, 12345, "nobody"));
        CHECK_EQ_INT (-2, w.rc);
        SEND_STR (client, "wake", 0);
        zmq_threadclose (thread);
        /* zmq_poll counts the ready items; zmq_poller_wait returns 0. */
        CHECK_EQ_INT (use_poller ? 0 : 1, w.rc);
        CHECK_EQ_INT (ZMQ_POLLIN, w.revents);
        CHECK_STEP (server_recv (server, "wake", &id));
        zmq_close (client);
        zmq_close (server);
        CHECK_OK (zmq_ctx_term (ctx));
    }
}

/* zmq_poller_fd: a poller holding a thread-safe socket has an fd, which
 * turns readable when something comes for the socket; zmq_poller_wait then
 * reports it. A poller of classic sockets has none (EINVAL). */
static void test_poller_fd (void)
{
    void *ctx = zmq_ctx_new (), *server, *client, *poller, *pair;
    zmq_fd_t fd = -1;
    zmq_poller_event_t ev;
    struct pollfd pfd;
    uint32_t id;
    CHECK (ctx != NULL);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_SERVER, ZMQ_CLIENT, "tcp://127.0.0.1:*",
                               &server, &client));
    pair = tu_socket (ctx, ZMQ_PAIR);
    CHECK (pair != NULL);
    poller = zmq_poller_new ();
    CHECK (poller != NULL);
    CHECK_OK (zmq_poller_add (poller, pair, NULL, ZMQ_POLLIN));
    CHECK_ERR (EINVAL, zmq_poller_fd (poller, &fd));
    CHECK_OK (zmq_poller_add (poller, server, NULL, ZMQ_POLLIN));
    CHECK_OK (zmq_poller_fd (poller, &fd));
    CHECK (fd >= 0);
    /* Whatever the connection's set-up raised is taken back by a wait. */
    zmq_poller_wait (poller, &ev, 0);
    pfd.fd = fd;
    pfd.events = POLLIN;
    pfd.revents = 0;
    CHECK_EQ_INT (0, poll (&pfd, 1, 0));
    SEND_STR (client, "ping", 0);
    CHECK_EQ_INT (1, poll (&pfd, 1, TU_TIMEOUT_MS));
    CHECK_OK (zmq_poller_wait (poller, &ev, TU_TIMEOUT_MS));
    CHECK (ev.socket == server);
    CHECK_EQ_INT (ZMQ_POLLIN, ev.events);
    CHECK_STEP (server_recv (server, "ping", &id));
    CHECK_OK (zmq_poller_remove (poller, server));
    CHECK_OK (zmq_poller_destroy (&poller));
    CHECK_OK (zmq_close (pair));
    CHECK_OK (zmq_close (client));
    CHECK_OK (zmq_close (server));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* PEER: zmq_connect_peer gives the new peer's routing id at once, both
 * sides talk by routing id, zmq_disconnect_peer ends one peer. */
static void peer (const char *endpoint)
{
    void *ctx = zmq_ctx_new (), *p1, *p2, *server;
    char ep[256];
    uint32_t id1, id2;
    CHECK (ctx != NULL);
    p1 = tu_socket (ctx, ZMQ_PEER);
    p2 = tu_socket (ctx, ZMQ_PEER);
    server = tu_socket (ctx, ZMQ_SERVER);
    CHECK (p1 != NULL && p2 != NULL && server != NULL);
    CHECK_OK (zmq_bind (p1, endpoint));
    CHECK_OK (tu_last_endpoint (p1, ep, sizeof ep));
    id1 = zmq_connect_peer (p2, ep);
    CHECK (id1 != 0);
    CHECK_EQ_INT (2, server_send (p2, id1, "hi"));
    CHECK_STEP (server_recv (p1, "hi", &id2));
    CHECK_EQ_INT (5, server_send (p1, id2, "hello"));
    CHECK_STEP (server_recv (p2, "hello", &id1));
    /* Not a PEER: ENOTSUP (and 0 for connect_peer). */
    errno = 0;
    CHECK_EQ_INT (0, zmq_connect_peer (server, ep));
    CHECK_EQ_INT (ENOTSUP, errno);
    CHECK_ERR (ENOTSUP, zmq_disconnect_peer (server, id1));
    /* An unknown peer, then a real one. */
    CHECK_ERR (EHOSTUNREACH, zmq_disconnect_peer (p1, id2 + 1));
    CHECK_OK (zmq_disconnect_peer (p1, id2));
    CHECK_ERR (EHOSTUNREACH, server_send (p1, id2, "gone"));
    CHECK_OK (zmq_close (server));
    CHECK_OK (zmq_close (p2));
    CHECK_OK (zmq_close (p1));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_peer_inproc (void)
{
    peer ("inproc://peer");
}

static void test_peer_tcp (void)
{
    peer ("tcp://127.0.0.1:*");
}

/* zmq_connect_peer needs its pipe at once: EFAULT under ZMQ_IMMEDIATE. */
static void test_peer_immediate (void)
{
    void *ctx = zmq_ctx_new (), *p;
    CHECK (ctx != NULL);
    p = tu_socket (ctx, ZMQ_PEER);
    CHECK (p != NULL);
    CHECK_OK (tu_set_int (p, ZMQ_IMMEDIATE, 1));
    errno = 0;
    CHECK_EQ_INT (0, zmq_connect_peer (p, "tcp://127.0.0.1:5555"));
    CHECK_EQ_INT (EFAULT, errno);
    CHECK_OK (zmq_close (p));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* A send blocked for want of a peer goes through once another thread
 * connects the (thread-safe) socket. */
struct late_connect {
    void *client;
    const char *endpoint;
    int rc;
};

static void late_connect_thread (void *arg)
{
    struct late_connect *lc = (struct late_connect *) arg;
    tu_sleep_ms (100);
    lc->rc = zmq_connect (lc->client, lc->endpoint);
}

static void test_blocked_send_woken_by_connect (void)
{
    void *ctx = zmq_ctx_new (), *server, *client, *thread;
    char ep[256];
    struct late_connect lc;
    uint32_t id;
    CHECK (ctx != NULL);
    server = tu_socket (ctx, ZMQ_SERVER);
    client = tu_socket (ctx, ZMQ_CLIENT);
    CHECK (server != NULL && client != NULL);
    CHECK_OK (zmq_bind (server, "tcp://127.0.0.1:*"));
    CHECK_OK (tu_last_endpoint (server, ep, sizeof ep));
    lc.client = client;
    lc.endpoint = ep;
    lc.rc = -1;
    thread = zmq_threadstart (late_connect_thread, &lc);
    SEND_STR (client, "waited", 0);
    zmq_threadclose (thread);
    CHECK_OK (lc.rc);
    CHECK_STEP (server_recv (server, "waited", &id));
    CHECK_OK (zmq_close (client));
    CHECK_OK (zmq_close (server));
    CHECK_OK (zmq_ctx_term (ctx));
}

int main (void)
{
    RUN (test_types_read_back);
    RUN (test_round_trip_inproc);
    RUN (test_round_trip_ipc);
    RUN (test_round_trip_tcp);
    RUN (test_sndmore_refused);
    RUN (test_unknown_peer);
    RUN (test_replies_reach_their_client);
    RUN (test_client_balances);
    RUN (test_only_each_other);
    RUN (test_poll);
    RUN (test_hello_and_disconnect_by_close);
    RUN (test_hello_and_disconnect_by_disconnect);
    RUN (test_hello_and_disconnect_connect_first);
    RUN (test_thread_safe_sockets);
    RUN (test_poller_fd);
    RUN (test_poll_does_not_hold_the_socket);
    RUN (test_two_threads_flood_one_client);
    RUN (test_peer_inproc);
    RUN (test_peer_tcp);
    RUN (test_peer_immediate);
    RUN (test_blocked_send_woken_by_connect);
    return test_summary ();
}
