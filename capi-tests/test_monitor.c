/* test_monitor.c - zmq_socket_monitor over tcp and ipc: the events libzmq
 * emits, in order, with their values and endpoint strings, for bind,
 * connect, handshake, disconnect, reconnect and close; BIND_FAILED;
 * handshake failures caused by a plain TCP client; event filtering;
 * stopping and replacing a monitor; argument errors; and (drafts) the
 * version 2 event format of zmq_socket_monitor_versioned.
 *
 * Only what libzmq guarantees is asserted: CONNECT_DELAYED is optional (a
 * non-blocking connect may complete at once), and when two sockets race
 * (who notices a close first) the test waits for one before acting.
 * Behaviour checked against libzmq 4.3.4 / 4.3.5.
 * Build with -pthread.
 *   -DZMQRS_SKIP_DRAFT  skip zmq_socket_monitor_versioned,
 *                       zmq_socket_monitor_pipes_stats and
 *                       ZMQ_RECONNECT_STOP (draft API)
 */
#include <arpa/inet.h>
#include <poll.h>
#include <netinet/in.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <zmq.h>

#include "testutil.h"
#include "rawtcp.h"

/* ---- helpers ---------------------------------------------------------- */

static const char *event_name (int event)
{
    switch (event) {
        case ZMQ_EVENT_CONNECTED: return "CONNECTED";
        case ZMQ_EVENT_CONNECT_DELAYED: return "CONNECT_DELAYED";
        case ZMQ_EVENT_CONNECT_RETRIED: return "CONNECT_RETRIED";
        case ZMQ_EVENT_LISTENING: return "LISTENING";
        case ZMQ_EVENT_BIND_FAILED: return "BIND_FAILED";
        case ZMQ_EVENT_ACCEPTED: return "ACCEPTED";
        case ZMQ_EVENT_ACCEPT_FAILED: return "ACCEPT_FAILED";
        case ZMQ_EVENT_CLOSED: return "CLOSED";
        case ZMQ_EVENT_CLOSE_FAILED: return "CLOSE_FAILED";
        case ZMQ_EVENT_DISCONNECTED: return "DISCONNECTED";
        case ZMQ_EVENT_MONITOR_STOPPED: return "MONITOR_STOPPED";
        case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL: return "HS_FAILED_NO_DETAIL";
        case ZMQ_EVENT_HANDSHAKE_SUCCEEDED: return "HANDSHAKE_SUCCEEDED";
        case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL: return "HS_FAILED_PROTOCOL";
        case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH: return "HS_FAILED_AUTH";
        default: return "?";
    }
}

/* The next event must be `want` (within 2 s); prints what came instead. */
static int next_is (void *mon, int want, tu_event_t *ev)
{
    int rc = tu_read_event (mon, ev, TU_TIMEOUT_MS);
    if (rc != 0) {
        fprintf (stderr, "  expected %s, got %s\n", event_name (want),
                 rc == -1 ? "nothing" : "malformed frames");
        return 0;
    }
    if (ev->event != want) {
        fprintf (stderr, "  expected %s, got %s (value %u, \"%s\")\n",
                 event_name (want), event_name (ev->event),
                 (unsigned) ev->value, ev->endpoint);
        return 0;
    }
    return 1;
}

/* The next event, skipping one optional CONNECT_DELAYED (whose value must
 * be EINPROGRESS), must be `want`. */
static int next_is_after_delay (void *mon, int want, tu_event_t *ev)
{
    if (tu_read_event (mon, ev, TU_TIMEOUT_MS) != 0)
        return 0;
    if (ev->event == ZMQ_EVENT_CONNECT_DELAYED) {
        if (ev->value != EINPROGRESS)
            return 0;
        return next_is (mon, want, ev);
    }
    if (ev->event != want)
        fprintf (stderr, "  expected %s, got %s\n", event_name (want),
                 event_name (ev->event));
    return ev->event == want;
}

/* Read events until `want` arrives (others are skipped); 1 if it did
 * within timeout_ms in total. */
static int wait_for (void *mon, int want, tu_event_t *ev, int timeout_ms)
{
    int waited = 0;
    while (waited < timeout_ms) {
        if (tu_read_event (mon, ev, 50) == 0) {
            if (ev->event == want)
                return 1;
        } else
            waited += 50;
    }
    return 0;
}

/* 1 if no event arrives within ms. */
static int quiet_for (void *mon, int ms)
{
    tu_event_t ev;
    int rc = tu_read_event (mon, &ev, ms);
    if (rc == 0)
        fprintf (stderr, "  unexpected %s (value %u, \"%s\")\n",
                 event_name (ev.event), (unsigned) ev.value, ev.endpoint);
    return rc == -1;
}

/* Close a monitored socket, then read its monitor until MONITOR_STOPPED
 * (within 3 s) before the caller closes the reader: libzmq blocks the
 * thread sending an event (an I/O thread, or the reaper for
 * MONITOR_STOPPED) once the reader is gone, so every event must be
 * consumed first.  1 on success. */
static int close_and_drain (void *s, void *mon)
{
    tu_event_t ev;
    zmq_close (s);
    return wait_for (mon, ZMQ_EVENT_MONITOR_STOPPED, &ev, 3000);
}

/* Bounce one message DEALER->DEALER and back. */
#define BOUNCE(a, b)                                                          \
    do {                                                                      \
        SEND_STR ((b), "ping", 0);                                            \
        RECV_STR ((a), "ping", 0);                                            \
        SEND_STR ((a), "pong", 0);                                            \
        RECV_STR ((b), "pong", 0);                                            \
    } while (0)

/* ---- argument errors ------------------------------------------------- */

static void test_monitor_errors (void)
{
    void *ctx = zmq_ctx_new ();
    void *s = tu_socket (ctx, ZMQ_DEALER);
    void *other = tu_socket (ctx, ZMQ_PAIR);
    CHECK (s && other);
    /* only inproc can carry events */
    CHECK_ERR (EPROTONOSUPPORT,
               zmq_socket_monitor (s, "tcp://127.0.0.1:*", ZMQ_EVENT_ALL));
    CHECK_ERR (EPROTONOSUPPORT,
               zmq_socket_monitor (s, "ipc:///tmp/zmqrs-mon", ZMQ_EVENT_ALL));
    CHECK_ERR (EPROTONOSUPPORT,
               zmq_socket_monitor (s, "foo://bar", ZMQ_EVENT_ALL));
    CHECK_ERR (EINVAL, zmq_socket_monitor (s, "no-scheme", ZMQ_EVENT_ALL));
    /* version 1 carries 16-bit events: a higher bit is refused, before
     * anything else is looked at */
    CHECK_ERR (EINVAL, zmq_socket_monitor (s, "inproc://m-err", 1 << 16));
    CHECK_ERR (EINVAL, zmq_socket_monitor (s, NULL, 1 << 16));
    CHECK_ERR (ENOTSOCK,
               zmq_socket_monitor (NULL, "inproc://m-err", ZMQ_EVENT_ALL));
    /* stopping a monitor that was never started is fine */
    CHECK_OK (zmq_socket_monitor (s, NULL, 0));
    /* the monitor endpoint is bound like any inproc endpoint */
    CHECK_OK (zmq_bind (other, "inproc://m-taken"));
    CHECK_ERR (EADDRINUSE,
               zmq_socket_monitor (s, "inproc://m-taken", ZMQ_EVENT_ALL));
    /* (a mask without MONITOR_STOPPED: libzmq blocks sending an event
     * nobody reads) */
    CHECK_OK (zmq_socket_monitor (s, "inproc://m-ok", ZMQ_EVENT_CONNECTED));
    CHECK_OK (zmq_close (s));
    CHECK_OK (zmq_close (other));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ---- the basic sequence --------------------------------------------------- */

/* bind, connect, exchange, the client closes, then the server closes:
 *   server: LISTENING(fd L) ACCEPTED(fd A) HANDSHAKE_SUCCEEDED(0)
 *           DISCONNECTED(A) CLOSED(L) MONITOR_STOPPED(0, "")
 *   client: [CONNECT_DELAYED(EINPROGRESS)] CONNECTED(fd)
 *           HANDSHAKE_SUCCEEDED(0) MONITOR_STOPPED(0, "")
 * every endpoint but MONITOR_STOPPED's being the bound address. */
static void test_sequence_tcp (void)
{
    void *ctx = zmq_ctx_new ();
    void *server = tu_socket (ctx, ZMQ_DEALER);
    void *client = tu_socket (ctx, ZMQ_DEALER);
    void *smon, *cmon;
    char ep[256];
    tu_event_t ev;
    uint32_t listen_fd, accepted_fd;
    CHECK (server && client);
    CHECK_OK (zmq_socket_monitor (server, "inproc://mon-server", ZMQ_EVENT_ALL));
    CHECK_OK (zmq_socket_monitor (client, "inproc://mon-client", ZMQ_EVENT_ALL));
    smon = tu_monitor_reader (ctx, "inproc://mon-server");
    cmon = tu_monitor_reader (ctx, "inproc://mon-client");
    CHECK (smon && cmon);

    CHECK_OK (zmq_bind (server, "tcp://127.0.0.1:*"));
    CHECK_OK (tu_last_endpoint (server, ep, sizeof ep));
    CHECK_OK (zmq_connect (client, ep));
    BOUNCE (server, client);

    CHECK (next_is (smon, ZMQ_EVENT_LISTENING, &ev));
    CHECK_EQ_STR (ep, ev.endpoint);
    listen_fd = ev.value;
    CHECK (next_is (smon, ZMQ_EVENT_ACCEPTED, &ev));
    CHECK_EQ_STR (ep, ev.endpoint);
    accepted_fd = ev.value;
    CHECK (accepted_fd != listen_fd);
    CHECK (next_is (smon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, &ev));
    CHECK_EQ_INT (0, ev.value);
    CHECK_EQ_STR (ep, ev.endpoint);

    CHECK (next_is_after_delay (cmon, ZMQ_EVENT_CONNECTED, &ev));
    CHECK_EQ_STR (ep, ev.endpoint);
    CHECK (next_is (cmon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, &ev));
    CHECK_EQ_INT (0, ev.value);
    CHECK_EQ_STR (ep, ev.endpoint);
    CHECK (quiet_for (cmon, 100));

    CHECK_OK (zmq_close (client));
    CHECK (next_is (cmon, ZMQ_EVENT_MONITOR_STOPPED, &ev));
    CHECK_EQ_INT (0, ev.value);
    CHECK_EQ_STR ("", ev.endpoint);
    CHECK (next_is (smon, ZMQ_EVENT_DISCONNECTED, &ev));
    CHECK_EQ_INT (accepted_fd, ev.value);
    CHECK_EQ_STR (ep, ev.endpoint);

    CHECK_OK (zmq_close (server));
    CHECK (next_is (smon, ZMQ_EVENT_CLOSED, &ev));
    CHECK_EQ_INT (listen_fd, ev.value);
    CHECK_EQ_STR (ep, ev.endpoint);
    CHECK (next_is (smon, ZMQ_EVENT_MONITOR_STOPPED, &ev));
    CHECK_EQ_INT (0, ev.value);
    CHECK_EQ_STR ("", ev.endpoint);
    CHECK (quiet_for (smon, 100));
    CHECK (quiet_for (cmon, 50));
    CHECK_OK (zmq_close (smon));
    CHECK_OK (zmq_close (cmon));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* The server goes first: closing it emits CLOSED(L) then MONITOR_STOPPED
 * only (no DISCONNECTED for its own connections); the client sees
 * DISCONNECTED(fd) then CONNECT_RETRIED(interval), the interval being
 * RECONNECT_IVL plus a random jitter below RECONNECT_IVL; then each
 * attempt on the dead port is [CONNECT_DELAYED] CLOSED CONNECT_RETRIED. */
static void test_server_closes_first (void)
{
    void *ctx = zmq_ctx_new ();
    void *server = tu_socket (ctx, ZMQ_DEALER);
    void *client = tu_socket (ctx, ZMQ_DEALER);
    void *smon, *cmon;
    char ep[256];
    tu_event_t ev;
    uint32_t listen_fd, client_fd;
    int round;
    CHECK (server && client);
    CHECK_OK (tu_set_int (client, ZMQ_RECONNECT_IVL, 100));
    CHECK_OK (zmq_socket_monitor (server, "inproc://mon-s2", ZMQ_EVENT_ALL));
    CHECK_OK (zmq_socket_monitor (client, "inproc://mon-c2", ZMQ_EVENT_ALL));
    smon = tu_monitor_reader (ctx, "inproc://mon-s2");
    cmon = tu_monitor_reader (ctx, "inproc://mon-c2");
    CHECK (smon && cmon);
    CHECK_OK (zmq_bind (server, "tcp://127.0.0.1:*"));
    CHECK_OK (tu_last_endpoint (server, ep, sizeof ep));
    CHECK_OK (zmq_connect (client, ep));
    BOUNCE (server, client);
    CHECK (next_is (smon, ZMQ_EVENT_LISTENING, &ev));
    listen_fd = ev.value;
    CHECK (next_is (smon, ZMQ_EVENT_ACCEPTED, &ev));
    CHECK (next_is (smon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, &ev));
    CHECK (next_is_after_delay (cmon, ZMQ_EVENT_CONNECTED, &ev));
    client_fd = ev.value;
    CHECK (next_is (cmon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, &ev));

    CHECK_OK (zmq_close (server));
    CHECK (next_is (smon, ZMQ_EVENT_CLOSED, &ev));
    CHECK_EQ_INT (listen_fd, ev.value);
    CHECK_EQ_STR (ep, ev.endpoint);
    CHECK (next_is (smon, ZMQ_EVENT_MONITOR_STOPPED, &ev));

    CHECK (next_is (cmon, ZMQ_EVENT_DISCONNECTED, &ev));
    CHECK_EQ_INT (client_fd, ev.value);
    CHECK_EQ_STR (ep, ev.endpoint);
    CHECK (next_is (cmon, ZMQ_EVENT_CONNECT_RETRIED, &ev));
    CHECK (ev.value >= 100 && ev.value < 200);
    CHECK_EQ_STR (ep, ev.endpoint);
    for (round = 0; round < 2; round++) {
        CHECK (next_is_after_delay (cmon, ZMQ_EVENT_CLOSED, &ev));
        CHECK_EQ_STR (ep, ev.endpoint);
        CHECK (next_is (cmon, ZMQ_EVENT_CONNECT_RETRIED, &ev));
        CHECK (ev.value >= 100 && ev.value < 200);
    }
    CHECK_OK (zmq_close (client));
    CHECK (wait_for (cmon, ZMQ_EVENT_MONITOR_STOPPED, &ev, 2000));
    CHECK_OK (zmq_close (smon));
    CHECK_OK (zmq_close (cmon));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* Connecting to a port nobody listens on, with ZMQ_RECONNECT_IVL_MAX:
 * the retry interval doubles up to the maximum (4.3.5 reports exactly
 * 100, 200, 400, 400; 4.3.4 added a jitter below RECONNECT_IVL). */
static void test_reconnect_backoff (void)
{
    void *ctx = zmq_ctx_new ();
    void *client = tu_socket (ctx, ZMQ_DEALER);
    void *cmon;
    char ep[64];
    tu_event_t ev;
    int port = free_tcp_port ();
    const uint32_t base[] = {100, 200, 400, 400};
    int i;
    CHECK (client && port > 0);
    snprintf (ep, sizeof ep, "tcp://127.0.0.1:%d", port);
    CHECK_OK (tu_set_int (client, ZMQ_RECONNECT_IVL, 100));
    CHECK_OK (tu_set_int (client, ZMQ_RECONNECT_IVL_MAX, 400));
    cmon = tu_monitor (ctx, client, "inproc://mon-bo", ZMQ_EVENT_ALL);
    CHECK (cmon != NULL);
    CHECK_OK (zmq_connect (client, ep));
    for (i = 0; i < 4; i++) {
        CHECK (next_is_after_delay (cmon, ZMQ_EVENT_CLOSED, &ev));
        CHECK_EQ_STR (ep, ev.endpoint);
        CHECK (next_is (cmon, ZMQ_EVENT_CONNECT_RETRIED, &ev));
        CHECK_EQ_STR (ep, ev.endpoint);
        if (ev.value < base[i] || ev.value >= base[i] + 100)
            fprintf (stderr, "  retry %d: interval %u\n", i,
                     (unsigned) ev.value);
        CHECK (ev.value >= base[i] && ev.value < base[i] + 100);
    }
    CHECK_OK (zmq_close (client));
    CHECK (wait_for (cmon, ZMQ_EVENT_MONITOR_STOPPED, &ev, 2000));
    CHECK_OK (zmq_close (cmon));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ZMQ_RECONNECT_IVL -1: a failed attempt or a lost connection is not
 * retried: no CONNECT_RETRIED. */
static void test_no_reconnect (void)
{
    void *ctx = zmq_ctx_new ();
    void *client = tu_socket (ctx, ZMQ_PUSH);
    void *server = tu_socket (ctx, ZMQ_PULL);
    void *client2 = tu_socket (ctx, ZMQ_PUSH);
    void *cmon, *cmon2;
    char ep[64], ep2[256];
    tu_event_t ev;
    int port = free_tcp_port ();
    CHECK (client && server && client2 && port > 0);
    snprintf (ep, sizeof ep, "tcp://127.0.0.1:%d", port);
    CHECK_OK (tu_set_int (client, ZMQ_RECONNECT_IVL, -1));
    cmon = tu_monitor (ctx, client, "inproc://mon-nr", ZMQ_EVENT_ALL);
    CHECK (cmon != NULL);
    CHECK_OK (zmq_connect (client, ep));
    CHECK (next_is_after_delay (cmon, ZMQ_EVENT_CLOSED, &ev));
    CHECK (quiet_for (cmon, 300));

    CHECK_OK (zmq_bind (server, "tcp://127.0.0.1:*"));
    CHECK_OK (tu_last_endpoint (server, ep2, sizeof ep2));
    CHECK_OK (tu_set_int (client2, ZMQ_RECONNECT_IVL, -1));
    cmon2 = tu_monitor (ctx, client2, "inproc://mon-nr2", ZMQ_EVENT_ALL);
    CHECK (cmon2 != NULL);
    CHECK_OK (zmq_connect (client2, ep2));
    SEND_STR (client2, "x", 0);
    RECV_STR (server, "x", 0);
    CHECK (next_is_after_delay (cmon2, ZMQ_EVENT_CONNECTED, &ev));
    CHECK (next_is (cmon2, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, &ev));
    CHECK_OK (zmq_close (server));
    CHECK (next_is (cmon2, ZMQ_EVENT_DISCONNECTED, &ev));
    CHECK (quiet_for (cmon2, 300));
    CHECK (close_and_drain (client, cmon));
    CHECK (close_and_drain (client2, cmon2));
    CHECK_OK (zmq_close (cmon));
    CHECK_OK (zmq_close (cmon2));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* zmq_disconnect emits nothing on the disconnecting socket; the peer sees
 * DISCONNECTED.  zmq_unbind emits CLOSED for the listener. */
static void test_disconnect_unbind (void)
{
    void *ctx = zmq_ctx_new ();
    void *server = tu_socket (ctx, ZMQ_PULL);
    void *client = tu_socket (ctx, ZMQ_PUSH);
    void *smon, *cmon;
    char ep[256];
    tu_event_t ev;
    uint32_t listen_fd, accepted_fd;
    int i;
    CHECK (server && client);
    CHECK_OK (zmq_socket_monitor (server, "inproc://mon-du-s", ZMQ_EVENT_ALL));
    CHECK_OK (zmq_socket_monitor (client, "inproc://mon-du-c", ZMQ_EVENT_ALL));
    smon = tu_monitor_reader (ctx, "inproc://mon-du-s");
    cmon = tu_monitor_reader (ctx, "inproc://mon-du-c");
    CHECK (smon && cmon);
    CHECK_OK (zmq_bind (server, "tcp://127.0.0.1:*"));
    CHECK_OK (tu_last_endpoint (server, ep, sizeof ep));
    CHECK_OK (zmq_connect (client, ep));
    SEND_STR (client, "x", 0);
    RECV_STR (server, "x", 0);
    CHECK (next_is (smon, ZMQ_EVENT_LISTENING, &ev));
    listen_fd = ev.value;
    CHECK (next_is (smon, ZMQ_EVENT_ACCEPTED, &ev));
    accepted_fd = ev.value;
    CHECK (next_is (smon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, &ev));
    CHECK (next_is_after_delay (cmon, ZMQ_EVENT_CONNECTED, &ev));
    CHECK (next_is (cmon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, &ev));

    /* the disconnecting socket must run its command queue for the
     * connection to be closed: poll it while waiting */
    CHECK_OK (zmq_disconnect (client, ep));
    for (i = 0; i < 40; i++) {
        int events;
        CHECK_OK (tu_get_int (client, ZMQ_EVENTS, &events));
        if (tu_read_event (smon, &ev, 50) == 0)
            break;
    }
    CHECK_EQ_INT (ZMQ_EVENT_DISCONNECTED, ev.event);
    CHECK_EQ_INT (accepted_fd, ev.value);
    CHECK (quiet_for (cmon, 200));

    CHECK_OK (zmq_unbind (server, ep));
    CHECK (next_is (smon, ZMQ_EVENT_CLOSED, &ev));
    CHECK_EQ_INT (listen_fd, ev.value);
    CHECK_EQ_STR (ep, ev.endpoint);
    CHECK_OK (zmq_close (client));
    CHECK_OK (zmq_close (server));
    CHECK (next_is (smon, ZMQ_EVENT_MONITOR_STOPPED, &ev));
    CHECK (next_is (cmon, ZMQ_EVENT_MONITOR_STOPPED, &ev));
    CHECK_OK (zmq_close (smon));
    CHECK_OK (zmq_close (cmon));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* A failed bind: BIND_FAILED carries errno and the address without its
 * "tcp://" prefix.  When the socket was already created (EADDRINUSE),
 * libzmq first reports closing it: CLOSED(fd, "").  (zmq_bind's own errno
 * is checked in test_tcp.c: with a monitor attached, libzmq 4.3.5 may
 * return it clobbered by sending the event.) */
static void test_bind_failed (void)
{
    void *ctx = zmq_ctx_new ();
    void *holder = tu_socket (ctx, ZMQ_PULL);
    void *s = tu_socket (ctx, ZMQ_PULL);
    void *mon;
    char ep[256], want[256];
    tu_event_t ev;
    CHECK (holder && s);
    CHECK_OK (zmq_bind (holder, "tcp://127.0.0.1:*"));
    CHECK_OK (tu_last_endpoint (holder, ep, sizeof ep));
    mon = tu_monitor (ctx, s, "inproc://mon-bf", ZMQ_EVENT_ALL);
    CHECK (mon != NULL);

    CHECK_EQ_INT (-1, zmq_bind (s, ep));
    CHECK (next_is (mon, ZMQ_EVENT_CLOSED, &ev));
    CHECK_EQ_STR ("", ev.endpoint);
    CHECK (next_is (mon, ZMQ_EVENT_BIND_FAILED, &ev));
    CHECK_EQ_INT (EADDRINUSE, ev.value);
    CHECK_EQ_STR (ep + 6, ev.endpoint);

    CHECK_EQ_INT (-1, zmq_bind (s, "tcp://nosuchif0:5555"));
    CHECK (next_is (mon, ZMQ_EVENT_BIND_FAILED, &ev));
    CHECK_EQ_INT (ENODEV, ev.value);
    CHECK_EQ_STR ("nosuchif0:5555", ev.endpoint);

    CHECK_EQ_INT (-1, zmq_bind (s, "tcp://127.0.0.1"));
    CHECK (next_is (mon, ZMQ_EVENT_BIND_FAILED, &ev));
    CHECK_EQ_INT (EINVAL, ev.value);
    CHECK_EQ_STR ("127.0.0.1", ev.endpoint);

    /* ipc: a directory that does not exist */
    snprintf (want, sizeof want, "/tmp/zmqrs-no-such-dir-%ld/x.sock",
              (long) getpid ());
    {
        char ipc[300];
        snprintf (ipc, sizeof ipc, "ipc://%s", want);
        CHECK_EQ_INT (-1, zmq_bind (s, ipc));
    }
    CHECK (wait_for (mon, ZMQ_EVENT_BIND_FAILED, &ev, 1000));
    CHECK_EQ_INT (ENOENT, ev.value);
    CHECK_EQ_STR (want, ev.endpoint);
    CHECK (quiet_for (mon, 100));
    CHECK_OK (zmq_close (s));
    CHECK (next_is (mon, ZMQ_EVENT_MONITOR_STOPPED, &ev));
    CHECK_OK (zmq_close (holder));
    CHECK_OK (zmq_close (mon));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* Bound to "tcp://" "*:*": LISTENING reports 0.0.0.0, ACCEPTED the address the
 * connection actually arrived on. */
static void test_wildcard_endpoints (void)
{
    void *ctx = zmq_ctx_new ();
    void *server = tu_socket (ctx, ZMQ_PULL);
    void *client = tu_socket (ctx, ZMQ_PUSH);
    void *mon;
    char ep[256], conn[64];
    tu_event_t ev;
    CHECK (server && client);
    mon = tu_monitor (ctx, server, "inproc://mon-wc", ZMQ_EVENT_ALL);
    CHECK (mon != NULL);
    CHECK_OK (zmq_bind (server, "tcp://*:*"));
    CHECK_OK (tu_last_endpoint (server, ep, sizeof ep));
    snprintf (conn, sizeof conn, "tcp://127.0.0.1:%d", tu_port_of (ep));
    CHECK_OK (zmq_connect (client, conn));
    SEND_STR (client, "x", 0);
    RECV_STR (server, "x", 0);
    CHECK (next_is (mon, ZMQ_EVENT_LISTENING, &ev));
    CHECK_EQ_STR (ep, ev.endpoint);
    CHECK (strncmp (ev.endpoint, "tcp://0.0.0.0:", 14) == 0);
    CHECK (next_is (mon, ZMQ_EVENT_ACCEPTED, &ev));
    CHECK_EQ_STR (conn, ev.endpoint);
    CHECK (next_is (mon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, &ev));
    CHECK_EQ_STR (conn, ev.endpoint);
    CHECK_OK (zmq_close (client));
    CHECK (next_is (mon, ZMQ_EVENT_DISCONNECTED, &ev));
    CHECK_EQ_STR (conn, ev.endpoint);
    CHECK_OK (zmq_close (server));
    CHECK (next_is (mon, ZMQ_EVENT_CLOSED, &ev));
    CHECK_EQ_STR (ep, ev.endpoint);
    CHECK (next_is (mon, ZMQ_EVENT_MONITOR_STOPPED, &ev));
    CHECK_OK (zmq_close (mon));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* The same sequence over ipc (a connect to a Unix socket completes at
 * once, CONNECT_DELAYED is still tolerated). */
static void test_sequence_ipc (void)
{
    void *ctx = zmq_ctx_new ();
    void *server = tu_socket (ctx, ZMQ_PULL);
    void *client = tu_socket (ctx, ZMQ_PUSH);
    void *smon, *cmon;
    char ep[256];
    tu_event_t ev;
    uint32_t listen_fd, accepted_fd;
    snprintf (ep, sizeof ep, "ipc:///tmp/zmqrs-mon-%ld.sock", (long) getpid ());
    CHECK (server && client);
    CHECK_OK (zmq_socket_monitor (server, "inproc://mon-is", ZMQ_EVENT_ALL));
    CHECK_OK (zmq_socket_monitor (client, "inproc://mon-ic", ZMQ_EVENT_ALL));
    smon = tu_monitor_reader (ctx, "inproc://mon-is");
    cmon = tu_monitor_reader (ctx, "inproc://mon-ic");
    CHECK (smon && cmon);
    CHECK_OK (zmq_bind (server, ep));
    CHECK_OK (zmq_connect (client, ep));
    SEND_STR (client, "x", 0);
    RECV_STR (server, "x", 0);
    CHECK (next_is (smon, ZMQ_EVENT_LISTENING, &ev));
    CHECK_EQ_STR (ep, ev.endpoint);
    listen_fd = ev.value;
    CHECK (next_is (smon, ZMQ_EVENT_ACCEPTED, &ev));
    CHECK_EQ_STR (ep, ev.endpoint);
    accepted_fd = ev.value;
    CHECK (next_is (smon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, &ev));
    CHECK_EQ_STR (ep, ev.endpoint);
    CHECK (next_is_after_delay (cmon, ZMQ_EVENT_CONNECTED, &ev));
    CHECK_EQ_STR (ep, ev.endpoint);
    CHECK (next_is (cmon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, &ev));
    CHECK_EQ_STR (ep, ev.endpoint);
    CHECK_OK (zmq_close (client));
    CHECK (next_is (cmon, ZMQ_EVENT_MONITOR_STOPPED, &ev));
    CHECK (next_is (smon, ZMQ_EVENT_DISCONNECTED, &ev));
    CHECK_EQ_INT (accepted_fd, ev.value);
    CHECK_OK (zmq_close (server));
    CHECK (next_is (smon, ZMQ_EVENT_CLOSED, &ev));
    CHECK_EQ_INT (listen_fd, ev.value);
    CHECK_EQ_STR (ep, ev.endpoint);
    CHECK (next_is (smon, ZMQ_EVENT_MONITOR_STOPPED, &ev));
    CHECK_OK (zmq_close (smon));
    CHECK_OK (zmq_close (cmon));
    CHECK_OK (zmq_ctx_term (ctx));
    unlink (ep + 6);
}

/* ---- filtering, stopping, replacing ------------------------------------- */

static void test_event_filter (void)
{
    void *ctx = zmq_ctx_new ();
    void *server = tu_socket (ctx, ZMQ_PULL);
    void *client = tu_socket (ctx, ZMQ_PUSH);
    void *mon;
    char ep[256];
    tu_event_t ev;
    CHECK (server && client);
    CHECK_OK (zmq_socket_monitor (server, "inproc://mon-filter",
                                  ZMQ_EVENT_HANDSHAKE_SUCCEEDED
                                    | ZMQ_EVENT_DISCONNECTED));
    mon = tu_monitor_reader (ctx, "inproc://mon-filter");
    CHECK (mon != NULL);
    CHECK_OK (zmq_bind (server, "tcp://127.0.0.1:*"));
    CHECK_OK (tu_last_endpoint (server, ep, sizeof ep));
    CHECK_OK (zmq_connect (client, ep));
    SEND_STR (client, "x", 0);
    RECV_STR (server, "x", 0);
    CHECK (next_is (mon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, &ev));
    CHECK_OK (zmq_close (client));
    CHECK (next_is (mon, ZMQ_EVENT_DISCONNECTED, &ev));
    /* MONITOR_STOPPED is not in the mask: closing says nothing */
    CHECK_OK (zmq_close (server));
    CHECK (quiet_for (mon, 200));
    CHECK_OK (zmq_close (mon));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* zmq_socket_monitor (s, NULL, 0) stops monitoring (MONITOR_STOPPED is the
 * last event) and frees the inproc name; a second zmq_socket_monitor
 * replaces the first, which gets MONITOR_STOPPED. */
static void test_stop_and_replace (void)
{
    void *ctx = zmq_ctx_new ();
    void *s = tu_socket (ctx, ZMQ_PULL);
    void *mon1, *mon2, *mon3;
    tu_event_t ev;
    CHECK (s != NULL);
    mon1 = tu_monitor (ctx, s, "inproc://mon-stop", ZMQ_EVENT_ALL);
    CHECK (mon1 != NULL);
    CHECK_OK (zmq_bind (s, "tcp://127.0.0.1:*"));
    CHECK (next_is (mon1, ZMQ_EVENT_LISTENING, &ev));
    CHECK_OK (zmq_socket_monitor (s, NULL, 0));
    CHECK (next_is (mon1, ZMQ_EVENT_MONITOR_STOPPED, &ev));
    CHECK_EQ_INT (0, ev.value);
    CHECK_EQ_STR ("", ev.endpoint);
    CHECK_OK (zmq_bind (s, "tcp://127.0.0.1:*"));
    CHECK (quiet_for (mon1, 100));
    CHECK_OK (zmq_close (mon1));

    /* the name can be used again */
    mon2 = tu_monitor (ctx, s, "inproc://mon-stop", ZMQ_EVENT_ALL);
    CHECK (mon2 != NULL);
    CHECK_OK (zmq_bind (s, "tcp://127.0.0.1:*"));
    CHECK (next_is (mon2, ZMQ_EVENT_LISTENING, &ev));
    /* replacing: the old monitor is stopped */
    CHECK_OK (zmq_socket_monitor (s, "inproc://mon-replaced", ZMQ_EVENT_ALL));
    CHECK (next_is (mon2, ZMQ_EVENT_MONITOR_STOPPED, &ev));
    mon3 = tu_monitor_reader (ctx, "inproc://mon-replaced");
    CHECK (mon3 != NULL);
    CHECK_OK (zmq_bind (s, "tcp://127.0.0.1:*"));
    CHECK (next_is (mon3, ZMQ_EVENT_LISTENING, &ev));
    CHECK (quiet_for (mon2, 100));
    CHECK_OK (zmq_close (s));
    /* four listeners closed, then the monitor stops */
    CHECK (next_is (mon3, ZMQ_EVENT_CLOSED, &ev));
    CHECK (next_is (mon3, ZMQ_EVENT_CLOSED, &ev));
    CHECK (next_is (mon3, ZMQ_EVENT_CLOSED, &ev));
    CHECK (next_is (mon3, ZMQ_EVENT_CLOSED, &ev));
    CHECK (next_is (mon3, ZMQ_EVENT_MONITOR_STOPPED, &ev));
    CHECK_OK (zmq_close (mon2));
    CHECK_OK (zmq_close (mon3));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ---- handshake failures from a plain TCP client ---------------------------- */

/* Bind a monitored PULL with the given HANDSHAKE_IVL (0: default), connect
 * a raw client and consume LISTENING and ACCEPTED.  0 or -1. */
static int raw_setup (void *ctx, const char *monep, int hs_ivl, void **server,
                      void **mon, int *fd, uint32_t *accepted_fd)
{
    char ep[256];
    tu_event_t ev;
    *server = tu_socket (ctx, ZMQ_PULL);
    if (*server == NULL)
        return -1;
    if (hs_ivl > 0 && tu_set_int (*server, ZMQ_HANDSHAKE_IVL, hs_ivl) != 0)
        return -1;
    if (zmq_socket_monitor (*server, monep, ZMQ_EVENT_ALL) != 0)
        return -1;
    *mon = tu_monitor_reader (ctx, monep);
    if (*mon == NULL || zmq_bind (*server, "tcp://127.0.0.1:*") != 0
        || tu_last_endpoint (*server, ep, sizeof ep) != 0)
        return -1;
    *fd = raw_connect (tu_port_of (ep));
    if (*fd < 0 || !next_is (*mon, ZMQ_EVENT_LISTENING, &ev)
        || !next_is (*mon, ZMQ_EVENT_ACCEPTED, &ev))
        return -1;
    *accepted_fd = ev.value;
    return 0;
}

static void test_handshake_failed_protocol (void)
{
    void *ctx = zmq_ctx_new ();
    void *server, *mon;
    int fd;
    uint32_t afd;
    unsigned char g[64], junk[64];
    tu_event_t ev;
    CHECK (ctx != NULL);

    /* an unknown security mechanism */
    CHECK_OK (raw_setup (ctx, "inproc://mon-hf1", 0, &server, &mon, &fd, &afd));
    raw_greeting (g, 1, "FOO");
    CHECK_EQ_INT (64, send (fd, g, 64, 0));
    CHECK (next_is (mon, ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, &ev));
    CHECK_EQ_INT (ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH, ev.value);
    CHECK (strncmp (ev.endpoint, "tcp://127.0.0.1:", 16) == 0);
    CHECK (next_is (mon, ZMQ_EVENT_DISCONNECTED, &ev));
    CHECK_EQ_INT (afd, ev.value);
    close (fd);
    CHECK (close_and_drain (server, mon));
    zmq_close (mon);

    /* a mechanism the server is not configured for */
    CHECK_OK (raw_setup (ctx, "inproc://mon-hf2", 0, &server, &mon, &fd, &afd));
    raw_greeting (g, 1, "PLAIN");
    CHECK_EQ_INT (64, send (fd, g, 64, 0));
    CHECK (next_is (mon, ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, &ev));
    CHECK_EQ_INT (ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH, ev.value);
    CHECK (next_is (mon, ZMQ_EVENT_DISCONNECTED, &ev));
    close (fd);
    CHECK (close_and_drain (server, mon));
    zmq_close (mon);

    /* 64 bytes of 0xff: a "greeting" with an unknown mechanism too */
    CHECK_OK (raw_setup (ctx, "inproc://mon-hf3", 0, &server, &mon, &fd, &afd));
    memset (junk, 0xff, sizeof junk);
    CHECK_EQ_INT (64, send (fd, junk, 64, 0));
    CHECK (next_is (mon, ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, &ev));
    CHECK_EQ_INT (ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH, ev.value);
    CHECK (next_is (mon, ZMQ_EVENT_DISCONNECTED, &ev));
    close (fd);
    CHECK (close_and_drain (server, mon));
    zmq_close (mon);

    /* NULL, then a HELLO command where READY belongs */
    CHECK_OK (raw_setup (ctx, "inproc://mon-hf4", 0, &server, &mon, &fd, &afd));
    raw_greeting (g, 1, "NULL");
    CHECK_EQ_INT (64, send (fd, g, 64, 0));
    CHECK_EQ_INT (8, send (fd, "\x04\x06\x05HELLO", 8, 0));
    CHECK (next_is (mon, ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, &ev));
    CHECK_EQ_INT (ZMQ_PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND, ev.value);
    CHECK (next_is (mon, ZMQ_EVENT_DISCONNECTED, &ev));
    close (fd);
    CHECK (close_and_drain (server, mon));
    zmq_close (mon);

    /* NULL, then a message frame where READY belongs */
    CHECK_OK (raw_setup (ctx, "inproc://mon-hf5", 0, &server, &mon, &fd, &afd));
    CHECK_EQ_INT (64, send (fd, g, 64, 0));
    CHECK_EQ_INT (5, send (fd, "\x00\x03" "abc", 5, 0));
    CHECK (next_is (mon, ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, &ev));
    CHECK_EQ_INT (ZMQ_PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND, ev.value);
    CHECK (next_is (mon, ZMQ_EVENT_DISCONNECTED, &ev));
    close (fd);
    CHECK (close_and_drain (server, mon));
    zmq_close (mon);
    CHECK_OK (zmq_ctx_term (ctx));
}

/* A peer that breaks the protocol is not called again: after a bad
 * greeting the connecting socket reports the failure and DISCONNECTED,
 * then neither retries nor reconnects (libzmq ends the session). A peer
 * that only hangs up is called again. */
static void test_protocol_error_ends_connect (void)
{
    void *ctx = zmq_ctx_new ();
    void *client = tu_socket (ctx, ZMQ_DEALER);
    void *mon;
    unsigned char g[64];
    char ep[64];
    tu_event_t ev;
    struct pollfd pfd;
    int port = 0, lfd = raw_listen (&port), fd;
    CHECK (client && lfd >= 0);
    snprintf (ep, sizeof ep, "tcp://127.0.0.1:%d", port);
    CHECK_OK (tu_set_int (client, ZMQ_RECONNECT_IVL, 50));
    mon = tu_monitor (ctx, client, "inproc://mon-pe", ZMQ_EVENT_ALL);
    CHECK (mon != NULL);

    /* first a hang-up: the client comes back */
    CHECK_OK (zmq_connect (client, ep));
    fd = accept (lfd, NULL, NULL);
    CHECK (fd >= 0);
    close (fd);
    CHECK (wait_for (mon, ZMQ_EVENT_CONNECT_RETRIED, &ev, 2000));
    fd = accept (lfd, NULL, NULL);
    CHECK (fd >= 0);
    CHECK (wait_for (mon, ZMQ_EVENT_CONNECTED, &ev, 2000));

    /* then a greeting with an unknown mechanism */
    raw_greeting (g, 1, "FOO");
    CHECK_EQ_INT (64, send (fd, g, 64, 0));
    CHECK (wait_for (mon, ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, &ev, 2000));
    CHECK_EQ_INT (ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH, ev.value);
    CHECK (next_is (mon, ZMQ_EVENT_DISCONNECTED, &ev));
    CHECK (quiet_for (mon, 400));
    pfd.fd = lfd;
    pfd.events = POLLIN;
    pfd.revents = 0;
    CHECK_EQ_INT (0, poll (&pfd, 1, 0));
    close (fd);
    close (lfd);
    CHECK (close_and_drain (client, mon));
    CHECK_OK (zmq_close (mon));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ZMQ_CONNECT_TIMEOUT: a tcp connect the peer never answers (a listener
 * whose backlog is full, so the kernel drops our SYN) is given up after
 * the timeout: CLOSED, then CONNECT_RETRIED. Without it, the connect
 * waits on (the system's timeout is minutes). */
static void run_connect_timeout (int timeout_ms)
{
    void *ctx = zmq_ctx_new ();
    void *client = tu_socket (ctx, ZMQ_DEALER);
    void *mon;
    char ep[64];
    tu_event_t ev;
    int port = 0, lfd = raw_listen (&port), fill[4], i;
    CHECK (client && lfd >= 0);
    CHECK_OK (listen (lfd, 0));
    /* fill the accept queue; nothing is ever accepted */
    for (i = 0; i < 4; i++) {
        fill[i] = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        struct sockaddr_in sa = raw_loopback (port);
        connect (fill[i], (struct sockaddr *) &sa, sizeof sa);
    }
    tu_sleep_ms (100);
    snprintf (ep, sizeof ep, "tcp://127.0.0.1:%d", port);
    if (timeout_ms > 0)
        CHECK_OK (tu_set_int (client, ZMQ_CONNECT_TIMEOUT, timeout_ms));
    CHECK_OK (tu_set_int (client, ZMQ_RECONNECT_IVL, 5000));
    mon = tu_monitor (ctx, client, "inproc://mon-ct", ZMQ_EVENT_ALL);
    CHECK (mon != NULL);
    CHECK_OK (zmq_connect (client, ep));
    CHECK (next_is (mon, ZMQ_EVENT_CONNECT_DELAYED, &ev));
    if (timeout_ms > 0) {
        CHECK (next_is (mon, ZMQ_EVENT_CLOSED, &ev));
        CHECK (next_is (mon, ZMQ_EVENT_CONNECT_RETRIED, &ev));
        /* the interval, plus up to one interval of jitter */
        CHECK (ev.value >= 5000 && ev.value < 10000);
    } else
        CHECK (quiet_for (mon, 1000));
    CHECK (close_and_drain (client, mon));
    CHECK_OK (zmq_close (mon));
    for (i = 0; i < 4; i++)
        close (fill[i]);
    close (lfd);
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_connect_timeout (void)
{
    run_connect_timeout (200);
    run_connect_timeout (0);
}

/* Failures libzmq reports without a HANDSHAKE_FAILED event: a READY
 * announcing an incompatible socket type, or a malformed READY, is only
 * DISCONNECTED. */
static void test_handshake_failed_silent (void)
{
    void *ctx = zmq_ctx_new ();
    void *server, *mon;
    int fd;
    uint32_t afd;
    unsigned char g[64];
    /* READY with Socket-Type PULL (a PULL cannot talk to a PULL) */
    static const unsigned char ready_pull[] = {
      0x04, 0x1a, 0x05, 'R', 'E', 'A', 'D', 'Y', 0x0b, 'S', 'o', 'c', 'k', 'e',
      't',  '-',  'T',  'y', 'p', 'e', 0,   0,   0,   4,   'P', 'U', 'L', 'L'};
    tu_event_t ev;
    CHECK (ctx != NULL);
    raw_greeting (g, 1, "NULL");

    CHECK_OK (raw_setup (ctx, "inproc://mon-hs1", 0, &server, &mon, &fd, &afd));
    CHECK_EQ_INT (64, send (fd, g, 64, 0));
    CHECK_EQ_INT ((int) sizeof ready_pull,
                  send (fd, ready_pull, sizeof ready_pull, 0));
    CHECK (next_is (mon, ZMQ_EVENT_DISCONNECTED, &ev));
    CHECK_EQ_INT (afd, ev.value);
    close (fd);
    CHECK (close_and_drain (server, mon));
    zmq_close (mon);

    /* READY whose property runs past the end of the command */
    CHECK_OK (raw_setup (ctx, "inproc://mon-hs2", 0, &server, &mon, &fd, &afd));
    CHECK_EQ_INT (64, send (fd, g, 64, 0));
    CHECK_EQ_INT (10, send (fd, "\x04\x08\x05READYzz", 10, 0));
    CHECK (next_is (mon, ZMQ_EVENT_DISCONNECTED, &ev));
    close (fd);
    CHECK (close_and_drain (server, mon));
    zmq_close (mon);
    CHECK_OK (zmq_ctx_term (ctx));
}

/* HANDSHAKE_FAILED_NO_DETAIL: the peer closes during the greeting (value:
 * EPIPE, what libzmq reports for end of stream), or never completes it
 * within ZMQ_HANDSHAKE_IVL. */
static void test_handshake_failed_no_detail (void)
{
    void *ctx = zmq_ctx_new ();
    void *server, *mon;
    int fd;
    uint32_t afd;
    unsigned char sig[10];
    tu_event_t ev;
    CHECK (ctx != NULL);

    CHECK_OK (raw_setup (ctx, "inproc://mon-nd1", 0, &server, &mon, &fd, &afd));
    /* read what the server sent, so closing is an orderly FIN */
    CHECK_EQ_INT (10, raw_read (fd, sig, 10));
    CHECK_EQ_INT (3, send (fd, "\xff\0\0", 3, 0));
    tu_sleep_ms (50);
    close (fd);
    CHECK (next_is (mon, ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL, &ev));
    CHECK_EQ_INT (EPIPE, ev.value);
    CHECK (next_is (mon, ZMQ_EVENT_DISCONNECTED, &ev));
    CHECK_EQ_INT (afd, ev.value);
    CHECK (close_and_drain (server, mon));
    zmq_close (mon);

    /* a stalled greeting: the handshake timer fires */
    CHECK_OK (
      raw_setup (ctx, "inproc://mon-nd2", 200, &server, &mon, &fd, &afd));
    CHECK_EQ_INT (3, send (fd, "\xff\0\0", 3, 0));
    CHECK (next_is (mon, ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL, &ev));
    CHECK (next_is (mon, ZMQ_EVENT_DISCONNECTED, &ev));
    CHECK_EQ_INT (afd, ev.value);
    close (fd);
    CHECK (close_and_drain (server, mon));
    zmq_close (mon);
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ---- version 2 (draft) ------------------------------------------------------ */

#ifndef ZMQRS_SKIP_DRAFT
typedef struct
{
    uint64_t event;
    uint64_t count;
    uint64_t values[4];
    char local[256];
    char remote[256];
} event2_t;

/* Receive one version 2 event: u64 event, u64 value count, that many u64
 * values, local endpoint, remote endpoint (the last frame without MORE).
 * 0, -1 on timeout, -2 if malformed. */
static int read_event2 (void *mon, event2_t *ev, int timeout_ms)
{
    zmq_msg_t msg;
    uint64_t i;
    size_t n;
    if (zmq_setsockopt (mon, ZMQ_RCVTIMEO, &timeout_ms, sizeof timeout_ms))
        return -2;
    zmq_msg_init (&msg);
    if (zmq_msg_recv (&msg, mon, 0) < 0) {
        zmq_msg_close (&msg);
        return -1;
    }
    if (zmq_msg_size (&msg) != 8 || !zmq_msg_more (&msg))
        goto bad;
    memcpy (&ev->event, zmq_msg_data (&msg), 8);
    if (zmq_msg_recv (&msg, mon, 0) != 8 || !zmq_msg_more (&msg))
        goto bad;
    memcpy (&ev->count, zmq_msg_data (&msg), 8);
    if (ev->count > 4)
        goto bad;
    for (i = 0; i < ev->count; i++) {
        if (zmq_msg_recv (&msg, mon, 0) != 8 || !zmq_msg_more (&msg))
            goto bad;
        memcpy (&ev->values[i], zmq_msg_data (&msg), 8);
    }
    if (zmq_msg_recv (&msg, mon, 0) < 0 || !zmq_msg_more (&msg))
        goto bad;
    n = zmq_msg_size (&msg) < 255 ? zmq_msg_size (&msg) : 255;
    memcpy (ev->local, zmq_msg_data (&msg), n);
    ev->local[n] = '\0';
    if (zmq_msg_recv (&msg, mon, 0) < 0 || zmq_msg_more (&msg))
        goto bad;
    n = zmq_msg_size (&msg) < 255 ? zmq_msg_size (&msg) : 255;
    memcpy (ev->remote, zmq_msg_data (&msg), n);
    ev->remote[n] = '\0';
    zmq_msg_close (&msg);
    return 0;
bad:
    zmq_msg_close (&msg);
    return -2;
}

static int next2_is (void *mon, uint64_t want, event2_t *ev)
{
    int rc = read_event2 (mon, ev, TU_TIMEOUT_MS);
    if (rc != 0 || ev->event != want) {
        fprintf (stderr, "  expected event %llu, got %s %llu\n",
                 (unsigned long long) want, rc ? "error" : "event",
                 rc ? 0ULL : (unsigned long long) ev->event);
        return 0;
    }
    return 1;
}

/* ZMQ_RECONNECT_STOP: CONN_REFUSED ends the retries after a refused
 * connection (CLOSED is the last event); HANDSHAKE_FAILED after a peer
 * that drops the connection during the handshake (DISCONNECTED last). */
static void test_reconnect_stop (void)
{
    void *ctx = zmq_ctx_new ();
    void *client = tu_socket (ctx, ZMQ_DEALER);
    void *client2 = tu_socket (ctx, ZMQ_DEALER);
    void *mon, *mon2;
    char ep[64];
    tu_event_t ev;
    int port = free_tcp_port (), lfd, fd, lport = 0;
    CHECK (client && client2 && port > 0);
    snprintf (ep, sizeof ep, "tcp://127.0.0.1:%d", port);
    CHECK_OK (tu_set_int (client, ZMQ_RECONNECT_STOP,
                          ZMQ_RECONNECT_STOP_CONN_REFUSED));
    mon = tu_monitor (ctx, client, "inproc://mon-rs", ZMQ_EVENT_ALL);
    CHECK (mon != NULL);
    CHECK_OK (zmq_connect (client, ep));
    CHECK (next_is_after_delay (mon, ZMQ_EVENT_CLOSED, &ev));
    CHECK (quiet_for (mon, 400));

    /* a listener that accepts and closes at once */
    lfd = raw_listen (&lport);
    CHECK (lfd >= 0);
    snprintf (ep, sizeof ep, "tcp://127.0.0.1:%d", lport);
    CHECK_OK (tu_set_int (client2, ZMQ_RECONNECT_STOP,
                          ZMQ_RECONNECT_STOP_HANDSHAKE_FAILED));
    mon2 = tu_monitor (ctx, client2, "inproc://mon-rs2", ZMQ_EVENT_ALL);
    CHECK (mon2 != NULL);
    CHECK_OK (zmq_connect (client2, ep));
    fd = accept (lfd, NULL, NULL);
    CHECK (fd >= 0);
    close (fd);
    CHECK (next_is_after_delay (mon2, ZMQ_EVENT_CONNECTED, &ev));
    CHECK (next_is (mon2, ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL, &ev));
    CHECK (next_is (mon2, ZMQ_EVENT_DISCONNECTED, &ev));
    CHECK (quiet_for (mon2, 400));
    close (lfd);
    CHECK (close_and_drain (client, mon));
    CHECK (close_and_drain (client2, mon2));
    CHECK_OK (zmq_close (mon));
    CHECK_OK (zmq_close (mon2));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* Events for `endpoint` over ms, the others skipped: how many, and the
 * last one's kind (0 if none). */
static int events_for (void *mon, const char *endpoint, int ms, int *last)
{
    tu_event_t ev;
    int n = 0, waited = 0;
    *last = 0;
    while (waited < ms) {
        if (tu_read_event (mon, &ev, 50) != 0) {
            waited += 50;
            continue;
        }
        if (strcmp (ev.endpoint, endpoint) == 0) {
            n++;
            *last = ev.event;
        }
    }
    return n;
}

/* ZMQ_RECONNECT_STOP_AFTER_DISCONNECT is socket-wide, as libzmq's: once
 * zmq_disconnect has been called for one endpoint, a refused ipc connect
 * to another is not retried (CLOSED is its last event). Without the flag,
 * it is retried on. */
static void run_stop_after_disconnect (int stop)
{
    void *ctx = zmq_ctx_new ();
    void *s = tu_socket (ctx, ZMQ_DEALER);
    void *mon;
    char a[64], b[64];
    int last = 0;
    CHECK (s != NULL);
    snprintf (a, sizeof a, "ipc://@zmqrs-rsad-a-%d-%d", (int) getpid (), stop);
    snprintf (b, sizeof b, "ipc://@zmqrs-rsad-b-%d-%d", (int) getpid (), stop);
    CHECK_OK (tu_set_int (s, ZMQ_RECONNECT_IVL, 50));
    if (stop)
        CHECK_OK (tu_set_int (s, ZMQ_RECONNECT_STOP,
                              ZMQ_RECONNECT_STOP_AFTER_DISCONNECT));
    mon = tu_monitor (ctx, s, "inproc://mon-rsad", ZMQ_EVENT_ALL);
    CHECK (mon != NULL);
    CHECK_OK (zmq_connect (s, a));
    CHECK_OK (zmq_connect (s, b));
    /* both are refused and retried: CLOSED, then CONNECT_RETRIED */
    CHECK (events_for (mon, b, 300, &last) >= 2);
    CHECK_OK (zmq_disconnect (s, a));
    /* what was under way settles; then b's story has ended, or not */
    events_for (mon, b, 300, &last);
    if (stop) {
        CHECK (last == ZMQ_EVENT_CLOSED);
        CHECK (events_for (mon, b, 400, &last) == 0);
    } else
        CHECK (events_for (mon, b, 400, &last) >= 2);
    CHECK (close_and_drain (s, mon));
    CHECK_OK (zmq_close (mon));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_reconnect_stop_after_disconnect (void)
{
    run_stop_after_disconnect (1);
    run_stop_after_disconnect (0);
}

/* The endpoint disconnected itself, with ZMQ_RECONNECT_STOP_AFTER_DISCONNECT:
 * the retry it was waiting for still happens and, refused, reports CLOSED
 * once more, then nothing (libzmq's connecter lives until the socket
 * acknowledges the disconnect; test_reconnect_options waits for that
 * CLOSED). */
static void test_disconnect_retrying_ipc_reports_closed (void)
{
    void *ctx = zmq_ctx_new ();
    void *s = tu_socket (ctx, ZMQ_SUB);
    void *mon;
    char a[64];
    int last = 0;
    tu_event_t ev;
    CHECK (s != NULL);
    snprintf (a, sizeof a, "ipc://@zmqrs-drc-%d", (int) getpid ());
    CHECK_OK (tu_set_int (s, ZMQ_RECONNECT_STOP,
                          ZMQ_RECONNECT_STOP_AFTER_DISCONNECT));
    mon = tu_monitor (ctx, s, "inproc://mon-drc", ZMQ_EVENT_ALL);
    CHECK (mon != NULL);
    CHECK_OK (zmq_connect (s, a));
    CHECK (next_is (mon, ZMQ_EVENT_CLOSED, &ev));
    CHECK (next_is (mon, ZMQ_EVENT_CONNECT_RETRIED, &ev));
    CHECK_OK (zmq_disconnect (s, a));
    CHECK (events_for (mon, a, 600, &last) == 1);
    CHECK_EQ_INT (ZMQ_EVENT_CLOSED, last);
    CHECK (events_for (mon, a, 400, &last) == 0);
    CHECK (close_and_drain (s, mon));
    CHECK_OK (zmq_close (mon));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_versioned_errors (void)
{
    void *ctx = zmq_ctx_new ();
    void *s = tu_socket (ctx, ZMQ_DEALER);
    CHECK (s != NULL);
    /* the monitor socket must be PAIR, PUB or PUSH */
    CHECK_ERR (EINVAL, zmq_socket_monitor_versioned (
                         s, "inproc://m2-bad", ZMQ_EVENT_ALL_V2, 2, ZMQ_DEALER));
    CHECK_ERR (EINVAL, zmq_socket_monitor_versioned (
                         s, "inproc://m2-bad", ZMQ_EVENT_ALL_V2, 2, ZMQ_SUB));
    /* version 1 cannot carry the events above bit 15 */
    CHECK_ERR (EINVAL, zmq_socket_monitor_versioned (
                         s, "inproc://m2-bad", ZMQ_EVENT_ALL_V2, 1, ZMQ_PAIR));
    CHECK_ERR (EPROTONOSUPPORT,
               zmq_socket_monitor_versioned (s, "tcp://127.0.0.1:*",
                                             ZMQ_EVENT_ALL_V2, 2, ZMQ_PAIR));
    /* (masks without MONITOR_STOPPED: replacing or closing a monitor
     * nobody reads would block in libzmq) */
    CHECK_OK (zmq_socket_monitor_versioned (s, "inproc://m2-ok",
                                            ZMQ_EVENT_CONNECTED, 1, ZMQ_PAIR));
    /* pipe statistics need a version 2 monitor... */
    CHECK_ERR (ENOTSOCK, zmq_socket_monitor_pipes_stats (NULL));
    CHECK_OK (zmq_socket_monitor_versioned (s, "inproc://m2-ok2",
                                            ZMQ_EVENT_PIPES_STATS, 2, ZMQ_PAIR));
    /* ... and at least one pipe */
    CHECK_ERR (EAGAIN, zmq_socket_monitor_pipes_stats (s));
    CHECK_OK (zmq_close (s));
    s = tu_socket (ctx, ZMQ_DEALER);
    CHECK (s != NULL);
    CHECK_ERR (EINVAL, zmq_socket_monitor_pipes_stats (s));
    CHECK_OK (zmq_close (s));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* The basic tcp sequence in format 2: every event has one value; the
 * local/remote endpoints are those of the connection (empty where there
 * is none: LISTENING and CLOSED have no remote, CONNECT_DELAYED no local,
 * MONITOR_STOPPED neither). */
static void run_versioned_tcp (int mon_type, int reader_type)
{
    void *ctx = zmq_ctx_new ();
    void *server = tu_socket (ctx, ZMQ_DEALER);
    void *client = tu_socket (ctx, ZMQ_DEALER);
    void *smon, *cmon;
    char ep[256], client_addr[256];
    event2_t ev;
    uint64_t listen_fd, accepted_fd;
    CHECK (server && client);
    CHECK_OK (zmq_socket_monitor_versioned (server, "inproc://m2-s",
                                            ZMQ_EVENT_ALL_V2, 2, mon_type));
    CHECK_OK (zmq_socket_monitor_versioned (client, "inproc://m2-c",
                                            ZMQ_EVENT_ALL_V2, 2, mon_type));
    smon = tu_socket (ctx, reader_type);
    cmon = tu_socket (ctx, reader_type);
    CHECK (smon && cmon);
    if (reader_type == ZMQ_SUB) {
        CHECK_OK (zmq_setsockopt (smon, ZMQ_SUBSCRIBE, "", 0));
        CHECK_OK (zmq_setsockopt (cmon, ZMQ_SUBSCRIBE, "", 0));
    }
    CHECK_OK (zmq_connect (smon, "inproc://m2-s"));
    CHECK_OK (zmq_connect (cmon, "inproc://m2-c"));
    if (reader_type == ZMQ_SUB)
        tu_sleep_ms (50); /* let the subscriptions reach the PUB */

    CHECK_OK (zmq_bind (server, "tcp://127.0.0.1:*"));
    CHECK_OK (tu_last_endpoint (server, ep, sizeof ep));
    CHECK_OK (zmq_connect (client, ep));
    BOUNCE (server, client);

    CHECK (read_event2 (cmon, &ev, TU_TIMEOUT_MS) == 0);
    if (ev.event == ZMQ_EVENT_CONNECT_DELAYED) {
        CHECK_EQ_INT (1, ev.count);
        CHECK_EQ_INT (EINPROGRESS, ev.values[0]);
        CHECK_EQ_STR ("", ev.local);
        CHECK_EQ_STR (ep, ev.remote);
        CHECK (read_event2 (cmon, &ev, TU_TIMEOUT_MS) == 0);
    }
    CHECK_EQ_INT (ZMQ_EVENT_CONNECTED, ev.event);
    CHECK_EQ_INT (1, ev.count);
    CHECK_EQ_STR (ep, ev.remote);
    CHECK (strncmp (ev.local, "tcp://127.0.0.1:", 16) == 0);
    CHECK (strcmp (ev.local, ep) != 0);
    strcpy (client_addr, ev.local);
    CHECK (next2_is (cmon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, &ev));
    CHECK_EQ_INT (1, ev.count);
    CHECK_EQ_INT (0, ev.values[0]);
    CHECK_EQ_STR (client_addr, ev.local);
    CHECK_EQ_STR (ep, ev.remote);

    CHECK (next2_is (smon, ZMQ_EVENT_LISTENING, &ev));
    CHECK_EQ_INT (1, ev.count);
    listen_fd = ev.values[0];
    CHECK_EQ_STR (ep, ev.local);
    CHECK_EQ_STR ("", ev.remote);
    CHECK (next2_is (smon, ZMQ_EVENT_ACCEPTED, &ev));
    accepted_fd = ev.values[0];
    CHECK_EQ_STR (ep, ev.local);
    CHECK_EQ_STR (client_addr, ev.remote);
    CHECK (next2_is (smon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, &ev));
    CHECK_EQ_INT (0, ev.values[0]);
    CHECK_EQ_STR (ep, ev.local);
    CHECK_EQ_STR (client_addr, ev.remote);

    CHECK_OK (zmq_close (client));
    CHECK (next2_is (cmon, ZMQ_EVENT_MONITOR_STOPPED, &ev));
    CHECK_EQ_INT (1, ev.count);
    CHECK_EQ_INT (0, ev.values[0]);
    CHECK_EQ_STR ("", ev.local);
    CHECK_EQ_STR ("", ev.remote);
    CHECK (next2_is (smon, ZMQ_EVENT_DISCONNECTED, &ev));
    CHECK_EQ_INT (accepted_fd, ev.values[0]);
    CHECK_EQ_STR (ep, ev.local);
    CHECK_EQ_STR (client_addr, ev.remote);
    CHECK_OK (zmq_close (server));
    CHECK (next2_is (smon, ZMQ_EVENT_CLOSED, &ev));
    CHECK_EQ_INT (listen_fd, ev.values[0]);
    CHECK_EQ_STR (ep, ev.local);
    CHECK_EQ_STR ("", ev.remote);
    CHECK (next2_is (smon, ZMQ_EVENT_MONITOR_STOPPED, &ev));
    CHECK_EQ_STR ("", ev.local);
    CHECK_EQ_STR ("", ev.remote);
    CHECK_OK (zmq_close (smon));
    CHECK_OK (zmq_close (cmon));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_versioned_tcp_pair (void)
{
    run_versioned_tcp (ZMQ_PAIR, ZMQ_PAIR);
}

static void test_versioned_tcp_push (void)
{
    run_versioned_tcp (ZMQ_PUSH, ZMQ_PULL);
}

static void test_versioned_tcp_pub (void)
{
    run_versioned_tcp (ZMQ_PUB, ZMQ_SUB);
}

/* Over ipc the connecting side's address is unnamed: "ipc://". */
static void test_versioned_ipc (void)
{
    void *ctx = zmq_ctx_new ();
    void *server = tu_socket (ctx, ZMQ_PULL);
    void *client = tu_socket (ctx, ZMQ_PUSH);
    void *smon, *cmon;
    char ep[256];
    event2_t ev;
    snprintf (ep, sizeof ep, "ipc:///tmp/zmqrs-mon2-%ld.sock", (long) getpid ());
    CHECK (server && client);
    CHECK_OK (zmq_socket_monitor_versioned (server, "inproc://m2i-s",
                                            ZMQ_EVENT_ALL_V2, 2, ZMQ_PAIR));
    CHECK_OK (zmq_socket_monitor_versioned (client, "inproc://m2i-c",
                                            ZMQ_EVENT_ALL_V2, 2, ZMQ_PAIR));
    smon = tu_monitor_reader (ctx, "inproc://m2i-s");
    cmon = tu_monitor_reader (ctx, "inproc://m2i-c");
    CHECK (smon && cmon);
    CHECK_OK (zmq_bind (server, ep));
    CHECK_OK (zmq_connect (client, ep));
    SEND_STR (client, "x", 0);
    RECV_STR (server, "x", 0);
    CHECK (next2_is (smon, ZMQ_EVENT_LISTENING, &ev));
    CHECK_EQ_STR (ep, ev.local);
    CHECK_EQ_STR ("", ev.remote);
    CHECK (next2_is (smon, ZMQ_EVENT_ACCEPTED, &ev));
    CHECK_EQ_STR (ep, ev.local);
    CHECK_EQ_STR ("ipc://", ev.remote);
    CHECK (read_event2 (cmon, &ev, TU_TIMEOUT_MS) == 0);
    if (ev.event == ZMQ_EVENT_CONNECT_DELAYED)
        CHECK (read_event2 (cmon, &ev, TU_TIMEOUT_MS) == 0);
    CHECK_EQ_INT (ZMQ_EVENT_CONNECTED, ev.event);
    CHECK_EQ_STR ("ipc://", ev.local);
    CHECK_EQ_STR (ep, ev.remote);
    /* drain both monitors up to MONITOR_STOPPED before closing them */
    CHECK_OK (zmq_close (client));
    do
        CHECK (read_event2 (cmon, &ev, TU_TIMEOUT_MS) == 0);
    while (ev.event != ZMQ_EVENT_MONITOR_STOPPED);
    CHECK_OK (zmq_close (server));
    do
        CHECK (read_event2 (smon, &ev, TU_TIMEOUT_MS) == 0);
    while (ev.event != ZMQ_EVENT_MONITOR_STOPPED);
    CHECK_OK (zmq_close (smon));
    CHECK_OK (zmq_close (cmon));
    CHECK_OK (zmq_ctx_term (ctx));
    unlink (ep + 6);
}

/* ZMQ_EVENT_PIPES_STATS: one event per pipe, two values (messages queued
 * outbound, inbound: nothing was sent), the connection's endpoints. */
static void test_pipes_stats (void)
{
    void *ctx = zmq_ctx_new ();
    void *push = tu_socket (ctx, ZMQ_PUSH);
    void *pull = tu_socket (ctx, ZMQ_PULL);
    void *mon;
    char ep[256];
    event2_t ev;
    int i, rc = -1;
    CHECK (push && pull);
    CHECK_OK (zmq_socket_monitor_versioned (push, "inproc://m2-stats",
                                            ZMQ_EVENT_PIPES_STATS, 2, ZMQ_PAIR));
    mon = tu_monitor_reader (ctx, "inproc://m2-stats");
    CHECK (mon != NULL);
    CHECK_OK (zmq_bind (push, "tcp://127.0.0.1:*"));
    CHECK_OK (tu_last_endpoint (push, ep, sizeof ep));
    CHECK_OK (zmq_connect (pull, ep));
    /* EAGAIN until the connection's pipe is attached (the socket learns
     * of it when it runs its command queue, e.g. for ZMQ_EVENTS) */
    for (i = 0; i < 100; i++) {
        int events;
        tu_get_int (push, ZMQ_EVENTS, &events);
        rc = zmq_socket_monitor_pipes_stats (push);
        if (rc == 0 || errno != EAGAIN)
            break;
        tu_sleep_ms (20);
    }
    CHECK_EQ_INT (0, rc);
    rc = -1;
    /* the reply travels through the socket's command queue: keep the
     * socket busy while waiting */
    for (i = 0; i < 40 && rc != 0; i++) {
        int events;
        tu_get_int (push, ZMQ_EVENTS, &events);
        rc = read_event2 (mon, &ev, 50);
    }
    CHECK_EQ_INT (0, rc);
    CHECK_EQ_INT (ZMQ_EVENT_PIPES_STATS, ev.event);
    CHECK_EQ_INT (2, ev.count);
    CHECK_EQ_INT (0, ev.values[0]);
    CHECK_EQ_INT (0, ev.values[1]);
    CHECK_EQ_STR (ep, ev.local);
    CHECK (strncmp (ev.remote, "tcp://127.0.0.1:", 16) == 0);
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_close (pull));
    CHECK_OK (zmq_close (mon));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* PIPES_STATS counts what the connection's session has not taken yet, in
 * credit steps: with SNDHWM 500 and 8 KiB messages, a PUSH that fills two
 * connections and whose first PULL drains everything reports 0 queued for
 * the first pipe and 500 for the stalled second (as libzmq). */
static void test_pipes_stats_queued (void)
{
    void *ctx = zmq_ctx_new ();
    void *push = tu_socket (ctx, ZMQ_PUSH);
    void *pulls[2];
    void *mon;
    char ep[256];
    static char data[8192];
    event2_t ev;
    int i, n, events;
    CHECK_OK (zmq_socket_monitor_versioned (push, "inproc://m2-queued",
                                            ZMQ_EVENT_PIPES_STATS, 2, ZMQ_PAIR));
    mon = tu_monitor_reader (ctx, "inproc://m2-queued");
    CHECK (mon != NULL);
    CHECK_OK (tu_set_int (push, ZMQ_SNDHWM, 500));
    CHECK_OK (tu_set_int (push, ZMQ_SNDBUF, 4096));
    CHECK_OK (zmq_bind (push, "tcp://127.0.0.1:*"));
    CHECK_OK (tu_last_endpoint (push, ep, sizeof ep));
    for (i = 0; i < 2; i++) {
        pulls[i] = tu_socket (ctx, ZMQ_PULL);
        CHECK_OK (tu_set_int (pulls[i], ZMQ_RCVHWM, 500));
        CHECK_OK (tu_set_int (pulls[i], ZMQ_RCVBUF, 4096));
        CHECK_OK (tu_set_int (pulls[i], ZMQ_RCVTIMEO, 100));
        CHECK_OK (zmq_connect (pulls[i], ep));
    }
    /* both connections up before sending, so the round robin is even */
    tu_sleep_ms (300);
    tu_get_int (push, ZMQ_EVENTS, &events);
    for (n = 0; n < 2000; n++)
        CHECK_EQ_INT ((int) sizeof data, zmq_send (push, data, sizeof data, 0));
    for (n = 0; n < 1000; n++)
        CHECK_EQ_INT ((int) sizeof data,
                      zmq_recv (pulls[0], data, sizeof data, 0));
    tu_sleep_ms (200);
    tu_get_int (push, ZMQ_EVENTS, &events);
    CHECK_OK (zmq_socket_monitor_pipes_stats (push));
    for (i = 0; i < 2; i++) {
        int rc = -1, tries;
        for (tries = 0; tries < 40 && rc != 0; tries++) {
            tu_get_int (push, ZMQ_EVENTS, &events);
            rc = read_event2 (mon, &ev, 50);
        }
        CHECK_EQ_INT (0, rc);
        CHECK_EQ_INT (ZMQ_EVENT_PIPES_STATS, ev.event);
        CHECK_EQ_INT (i == 0 ? 0 : 500, ev.values[0]);
        CHECK_EQ_INT (0, ev.values[1]);
    }
    CHECK_OK (zmq_close (push));
    for (i = 0; i < 2; i++)
        CHECK_OK (zmq_close (pulls[i]));
    CHECK_OK (zmq_close (mon));
    CHECK_OK (zmq_ctx_term (ctx));
}
#endif

int main (void)
{
    alarm (120);
    RUN (test_monitor_errors);
    RUN (test_sequence_tcp);
    RUN (test_server_closes_first);
    RUN (test_reconnect_backoff);
    RUN (test_no_reconnect);
    RUN (test_disconnect_unbind);
    RUN (test_bind_failed);
    RUN (test_wildcard_endpoints);
    RUN (test_sequence_ipc);
    RUN (test_event_filter);
    RUN (test_stop_and_replace);
    RUN (test_handshake_failed_protocol);
    RUN (test_protocol_error_ends_connect);
    RUN (test_connect_timeout);
    RUN (test_handshake_failed_silent);
    RUN (test_handshake_failed_no_detail);
#ifndef ZMQRS_SKIP_DRAFT
    RUN (test_reconnect_stop);
    RUN (test_reconnect_stop_after_disconnect);
    RUN (test_disconnect_retrying_ipc_reports_closed);
    RUN (test_versioned_errors);
    RUN (test_versioned_tcp_pair);
    RUN (test_versioned_tcp_push);
    RUN (test_versioned_tcp_pub);
    RUN (test_versioned_ipc);
    RUN (test_pipes_stats);
    RUN (test_pipes_stats_queued);
#endif
    return test_summary ();
}
