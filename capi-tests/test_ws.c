/* test_ws.c - the ws:// transport (ZMTP over WebSocket, ZWS 2.0): every
 * socket type, classic and draft, over ws with multipart and 1 MiB
 * messages; endpoints (wildcard ports, the path in ZMQ_LAST_ENDPOINT, bad
 * addresses, unbind); zmq_has; monitor events as libzmq reports them;
 * reconnect to a restarted peer; heartbeats; PLAIN with ZAP and CURVE;
 * a hand-written WebSocket client on a plain tcp socket (the bare
 * "ZWS2.0" subprotocol); and bad input from such a client: the connection
 * is dropped with libzmq's monitor event while another keeps working.
 * Behaviour checked against libzmq built from zeromq/libzmq's HEAD.
 * Build with -pthread.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <zmq.h>

#include "testutil.h"
#include "rawtcp.h"

#define EP "ws://127.0.0.1:*"

/* ---- helpers ---------------------------------------------------------- */

/* A bound and a connected socket over ws; the test fails when not. */
static void ws_pair (void *ctx, int btype, int ctype, const char *ep,
                     void **b, void **c)
{
    CHECK_OK (tu_bind_connect (ctx, btype, ctype, ep, b, c));
}

/* A 1 MiB message with a pattern goes from a to b intact. */
static void big_message (void *a, void *b)
{
    CHECK_OK (tu_send_pattern (a, 1 << 20, 7, 0));
    CHECK_OK (tu_recv_pattern (b, 1 << 20, 7, 0));
}

/* A WebSocket client on a plain socket: the upgrade for the bare
 * "ZWS2.0" subprotocol, then our routing id (empty). The fd, or -1. */
static int raw_ws_client (int port)
{
    char req[512], resp[1024];
    /* Our (empty) routing id: flags 0, masked with 01 02 03 04. */
    const unsigned char id[7] = {0x82, 0x81, 1, 2, 3, 4, 0 ^ 1};
    int n, got = 0, fd = raw_connect (port);
    if (fd < 0)
        return -1;
    n = snprintf (req, sizeof req,
                  "GET /raw HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
                  "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                  "Sec-WebSocket-Version: 13\r\n"
                  "Sec-WebSocket-Protocol: ZWS2.0\r\n\r\n",
                  port);
    if (raw_write (fd, req, (size_t) n) != n)
        goto fail;
    /* The response's head, octet by octet up to its blank line. */
    while (got < (int) sizeof resp - 1) {
        if (raw_read (fd, resp + got, 1) != 1)
            goto fail;
        got++;
        if (got >= 4 && !memcmp (resp + got - 4, "\r\n\r\n", 4))
            break;
    }
    resp[got] = 0;
    if (!strstr (resp, " 101 ")
        || !strstr (resp, "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        || !strstr (resp, "Sec-WebSocket-Protocol: ZWS2.0\r\n"))
        goto fail;
    if (raw_write (fd, id, sizeof id) != (int) sizeof id)
        goto fail;
    return fd;
fail:
    close (fd);
    return -1;
}

/* Sends `body` as one masked ZWS message with flags 0. */
static int raw_ws_send (int fd, const char *body)
{
    unsigned char f[140];
    const unsigned char mask[4] = {0x11, 0x22, 0x33, 0x44};
    size_t i, n = strlen (body) + 1;
    if (n > 125)
        return -1;
    f[0] = 0x82;
    f[1] = (unsigned char) (0x80 | n);
    memcpy (f + 2, mask, 4);
    f[6] = 0;
    memcpy (f + 7, body, n - 1);
    for (i = 0; i < n; i++)
        f[6 + i] ^= mask[i % 4];
    return raw_write (fd, f, 6 + n) == (int) (6 + n) ? 0 : -1;
}

/* Reads one unmasked binary message from the server: its size after the
 * flags octet (body copied to buf), or -1. */
static int raw_ws_recv (int fd, char *buf, size_t len)
{
    unsigned char h[2], flags;
    size_t n;
    if (raw_read (fd, h, 2) != 2 || h[0] != 0x82 || (h[1] & 0x80)
        || (h[1] & 0x7f) >= 126)
        return -1;
    n = h[1] & 0x7f;
    if (n < 1 || n - 1 >= len || raw_read (fd, &flags, 1) != 1)
        return -1;
    if (n > 1 && raw_read (fd, buf, n - 1) != (int) (n - 1))
        return -1;
    buf[n - 1] = 0;
    return (int) (n - 1);
}

/* 1 when the peer closed fd (a read returns 0 or fails) within 3 s. */
static int closed_by_peer (int fd)
{
    char junk[256];
    long end = 3000;
    struct pollfd p;
    p.fd = fd;
    p.events = POLLIN;
    while (end > 0) {
        ssize_t r;
        if (poll (&p, 1, 100) == 1) {
            r = recv (fd, junk, sizeof junk, MSG_DONTWAIT);
            if (r == 0 || (r < 0 && errno != EAGAIN))
                return 1;
        }
        end -= 100;
    }
    return 0;
}

/* ---- cases ------------------------------------------------------------ */

static void test_capability (void)
{
    CHECK_EQ_INT (1, zmq_has ("WS"));
}

static void test_endpoints (void)
{
    void *ctx = zmq_ctx_new ();
    void *s = tu_socket (ctx, ZMQ_PAIR);
    char ep[256];
    int port;
    CHECK_OK (zmq_bind (s, "ws://127.0.0.1:*/a/path"));
    CHECK_OK (tu_last_endpoint (s, ep, sizeof ep));
    CHECK (strncmp (ep, "ws://127.0.0.1:", 15) == 0);
    port = atoi (ep + 15);
    CHECK (port > 0);
    CHECK (strstr (ep, "/a/path") != NULL);
    /* Without a path: "/". */
    CHECK_OK (zmq_bind (s, "ws://*:*"));
    CHECK_OK (tu_last_endpoint (s, ep, sizeof ep));
    CHECK (strncmp (ep, "ws://0.0.0.0:", 13) == 0);
    CHECK (ep[strlen (ep) - 1] == '/');
    /* Unbind by LAST_ENDPOINT. */
    CHECK_OK (zmq_unbind (s, ep));
    /* No port: EINVAL, as libzmq. */
    CHECK_ERR (EINVAL, zmq_bind (s, "ws://127.0.0.1"));
    CHECK_ERR (EINVAL, zmq_connect (s, "ws://nocolon/path"));
    zmq_close (s);
    zmq_ctx_term (ctx);
}

static void test_classic_patterns (void)
{
    void *ctx = zmq_ctx_new ();
    void *a, *b;
    char buf[64];

    ws_pair (ctx, ZMQ_PAIR, ZMQ_PAIR, EP "/pair", &a, &b);
    tu_pair_in_order (a, b);
    big_message (b, a);
    zmq_close (a);
    zmq_close (b);

    ws_pair (ctx, ZMQ_PULL, ZMQ_PUSH, EP, &a, &b);
    tu_numbered_in_order (b, a, 1000);
    big_message (b, a);
    zmq_close (a);
    zmq_close (b);

    ws_pair (ctx, ZMQ_REP, ZMQ_REQ, EP "/reqrep", &a, &b);
    tu_req_rep_rounds (b, a);
    zmq_close (a);
    zmq_close (b);

    /* ROUTER learns the DEALER's routing id over ws. */
    a = tu_socket (ctx, ZMQ_ROUTER);
    b = tu_socket (ctx, ZMQ_DEALER);
    CHECK_OK (zmq_setsockopt (b, ZMQ_ROUTING_ID, "dealer-1", 8));
    CHECK_OK (zmq_bind (a, EP));
    CHECK_OK (tu_last_endpoint (a, buf, sizeof buf));
    CHECK_OK (zmq_connect (b, buf));
    SEND_STR (b, "hello", 0);
    RECV_STR (a, "dealer-1", 0);
    RECV_STR (a, "hello", 0);
    SEND_STR (a, "dealer-1", ZMQ_SNDMORE);
    SEND_STR (a, "back", 0);
    RECV_STR (b, "back", 0);
    zmq_close (a);
    zmq_close (b);

    /* PUB/SUB: the filter holds over ws. */
    ws_pair (ctx, ZMQ_PUB, ZMQ_SUB, EP, &a, &b);
    CHECK_OK (zmq_setsockopt (b, ZMQ_SUBSCRIBE, "yes", 3));
    {
        int i, got = 0, t = 50;
        CHECK_OK (zmq_setsockopt (b, ZMQ_RCVTIMEO, &t, sizeof t));
        for (i = 0; i < 100 && !got; i++) {
            SEND_STR (a, "no thanks", 0);
            SEND_STR (a, "yes please", 0);
            got = zmq_recv (b, buf, sizeof buf, 0) > 0;
        }
        CHECK (got);
        CHECK (memcmp (buf, "yes", 3) == 0);
    }
    zmq_close (a);
    zmq_close (b);

    /* XPUB sees the subscriptions as libzmq's ws sends them. */
    ws_pair (ctx, ZMQ_XPUB, ZMQ_SUB, EP, &a, &b);
    CHECK_OK (zmq_setsockopt (b, ZMQ_SUBSCRIBE, "A", 1));
    RECV_STR (a, "\1A", 0);
    CHECK_OK (zmq_setsockopt (b, ZMQ_UNSUBSCRIBE, "A", 1));
    CHECK_EQ_INT (2, zmq_recv (a, buf, sizeof buf, 0));
    CHECK (buf[0] == 0 && buf[1] == 'A');
    zmq_close (a);
    zmq_close (b);
    zmq_ctx_term (ctx);
}

static void test_draft_patterns (void)
{
    void *ctx = zmq_ctx_new ();
    void *a, *b;
    zmq_msg_t m;
    uint32_t rid;

    ws_pair (ctx, ZMQ_SERVER, ZMQ_CLIENT, EP, &a, &b);
    SEND_STR (b, "from client", 0);
    zmq_msg_init (&m);
    CHECK (zmq_msg_recv (&m, a, 0) == 11);
    rid = zmq_msg_routing_id (&m);
    CHECK (rid != 0);
    zmq_msg_close (&m);
    zmq_msg_init_size (&m, 4);
    memcpy (zmq_msg_data (&m), "back", 4);
    CHECK_OK (zmq_msg_set_routing_id (&m, rid));
    CHECK (zmq_msg_send (&m, a, 0) == 4);
    RECV_STR (b, "back", 0);
    zmq_close (a);
    zmq_close (b);

    ws_pair (ctx, ZMQ_GATHER, ZMQ_SCATTER, EP, &a, &b);
    SEND_STR (b, "scattered", 0);
    RECV_STR (a, "scattered", 0);
    zmq_close (a);
    zmq_close (b);

    ws_pair (ctx, ZMQ_CHANNEL, ZMQ_CHANNEL, EP, &a, &b);
    SEND_STR (b, "one", 0);
    RECV_STR (a, "one", 0);
    SEND_STR (a, "two", 0);
    RECV_STR (b, "two", 0);
    zmq_close (a);
    zmq_close (b);

    /* RADIO/DISH: JOIN goes over ws; only the joined group arrives. */
    ws_pair (ctx, ZMQ_RADIO, ZMQ_DISH, EP, &a, &b);
    CHECK_OK (zmq_join (b, "grp"));
    {
        int i, got = 0, t = 50;
        char buf[32];
        CHECK_OK (zmq_setsockopt (b, ZMQ_RCVTIMEO, &t, sizeof t));
        for (i = 0; i < 100 && !got; i++) {
            zmq_msg_init_size (&m, 5);
            memcpy (zmq_msg_data (&m), "other", 5);
            zmq_msg_set_group (&m, "nope");
            zmq_msg_send (&m, a, 0);
            zmq_msg_init_size (&m, 5);
            memcpy (zmq_msg_data (&m), "mine!", 5);
            zmq_msg_set_group (&m, "grp");
            zmq_msg_send (&m, a, 0);
            got = zmq_recv (b, buf, sizeof buf, 0) == 5;
            if (got)
                CHECK (memcmp (buf, "mine!", 5) == 0);
        }
        CHECK (got);
    }
    zmq_close (a);
    zmq_close (b);
    zmq_ctx_term (ctx);
}

/* The events libzmq's ws reports: HANDSHAKE_SUCCEEDED twice (the upgrade,
 * then the mechanism), with ws:// endpoints that carry the path. */
static void test_monitor_events (void)
{
    void *ctx = zmq_ctx_new ();
    void *a, *b, *mon;
    tu_event_t ev;
    int succeeded = 0;
    a = tu_socket (ctx, ZMQ_PAIR);
    mon = tu_monitor (ctx, a, "inproc://ws-mon", ZMQ_EVENT_ALL);
    CHECK (mon != NULL);
    b = tu_socket (ctx, ZMQ_PAIR);
    {
        char ep[256];
        CHECK_OK (zmq_bind (a, EP "/mon"));
        CHECK_OK (tu_last_endpoint (a, ep, sizeof ep));
        CHECK_OK (zmq_connect (b, ep));
    }
    SEND_STR (b, "x", 0);
    RECV_STR (a, "x", 0);
    CHECK_OK (tu_wait_event (mon, ZMQ_EVENT_ACCEPTED, &ev));
    CHECK (strncmp (ev.endpoint, "ws://127.0.0.1:", 15) == 0);
    CHECK (strstr (ev.endpoint, "/mon") != NULL);
    while (tu_read_event (mon, &ev, 300) == 0)
        succeeded += ev.event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED;
    CHECK_EQ_INT (2, succeeded);
    zmq_close (b);
    CHECK_OK (tu_wait_event (mon, ZMQ_EVENT_DISCONNECTED, &ev));
    zmq_close (mon);
    zmq_close (a);
    zmq_ctx_term (ctx);
}

static void test_reconnect (void)
{
    tu_peer_restart (EP "/restart");
}

/* Heartbeats are WebSocket pings: they keep an idle connection up, and a
 * peer that stops answering is dropped. */
static void test_heartbeats (void)
{
    void *ctx = zmq_ctx_new ();
    void *a = tu_socket (ctx, ZMQ_PAIR), *b = tu_socket (ctx, ZMQ_PAIR), *mon;
    char ep[256];
    tu_event_t ev;
    int fd, port;
    CHECK_OK (tu_set_int (b, ZMQ_HEARTBEAT_IVL, 20));
    CHECK_OK (tu_set_int (b, ZMQ_RECONNECT_IVL, -1));
    CHECK_OK (zmq_bind (a, EP "/hb"));
    CHECK_OK (tu_last_endpoint (a, ep, sizeof ep));
    CHECK_OK (zmq_connect (b, ep));
    tu_sleep_ms (300);
    SEND_STR (b, "still here", 0);
    RECV_STR (a, "still here", 0);
    zmq_close (a);
    zmq_close (b);

    /* A server with heartbeats, and a raw client that never answers its
     * pings: dropped after HEARTBEAT_TIMEOUT with DISCONNECTED. */
    a = tu_socket (ctx, ZMQ_ROUTER);
    CHECK_OK (tu_set_int (a, ZMQ_HEARTBEAT_IVL, 50));
    CHECK_OK (tu_set_int (a, ZMQ_HEARTBEAT_TIMEOUT, 200));
    mon = tu_monitor (ctx, a, "inproc://ws-hb", ZMQ_EVENT_DISCONNECTED);
    CHECK_OK (zmq_bind (a, EP));
    CHECK_OK (tu_last_endpoint (a, ep, sizeof ep));
    port = tu_port_of (ep);
    fd = raw_ws_client (port);
    CHECK (fd >= 0);
    CHECK_OK (tu_wait_event (mon, ZMQ_EVENT_DISCONNECTED, &ev));
    CHECK (closed_by_peer (fd));
    close (fd);
    zmq_close (mon);
    zmq_close (a);
    zmq_ctx_term (ctx);
}

/* A WebSocket client written here (bare ZWS2.0) talks to a ROUTER. */
static void test_hand_written_client (void)
{
    void *ctx = zmq_ctx_new ();
    void *r = tu_socket (ctx, ZMQ_ROUTER);
    char ep[256], id[64], buf[64];
    int fd, n;
    CHECK_OK (zmq_bind (r, EP "/raw"));
    CHECK_OK (tu_last_endpoint (r, ep, sizeof ep));
    fd = raw_ws_client (tu_port_of (ep));
    CHECK (fd >= 0);
    /* The server's routing id message comes first (empty). */
    CHECK_EQ_INT (0, raw_ws_recv (fd, buf, sizeof buf));
    CHECK_OK (raw_ws_send (fd, "hello from raw"));
    n = zmq_recv (r, id, sizeof id, 0);
    CHECK (n > 0);
    RECV_STR (r, "hello from raw", 0);
    CHECK (zmq_send (r, id, (size_t) n, ZMQ_SNDMORE) == n);
    SEND_STR (r, "hello back", 0);
    CHECK_EQ_INT (10, raw_ws_recv (fd, buf, sizeof buf));
    CHECK (memcmp (buf, "hello back", 10) == 0);
    close (fd);
    zmq_close (r);
    zmq_ctx_term (ctx);
}

/* Bad input from raw clients: each is dropped with libzmq's event, and a
 * real connection made before them keeps working. */
static void test_bad_input (void)
{
    void *ctx = zmq_ctx_new ();
    void *srv = tu_socket (ctx, ZMQ_PULL), *good = tu_socket (ctx, ZMQ_PUSH);
    void *mon;
    char ep[256];
    tu_event_t ev;
    int fd, port, i;
    static const char *bad_heads[] = {
      /* Not HTTP. */
      "\xff\x00\x00\x00\x00\x00\x00\x00\x01\x7f\r\n\r\n",
      /* No subprotocol of ours. */
      "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
      "Connection: Upgrade\r\nSec-WebSocket-Key: a2V5a2V5a2V5a2V5\r\n"
      "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: chat\r\n\r\n",
      /* No key. */
      "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
      "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
      "Sec-WebSocket-Protocol: ZWS2.0\r\n\r\n",
    };
    {
        int64_t max = 1000;
        CHECK_OK (zmq_setsockopt (srv, ZMQ_MAXMSGSIZE, &max, sizeof max));
    }
    mon = tu_monitor (ctx, srv, "inproc://ws-bad",
                      ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL
                        | ZMQ_EVENT_DISCONNECTED);
    CHECK_OK (zmq_bind (srv, EP));
    CHECK_OK (tu_last_endpoint (srv, ep, sizeof ep));
    port = tu_port_of (ep);
    CHECK_OK (zmq_connect (good, ep));
    SEND_STR (good, "before", 0);
    RECV_STR (srv, "before", 0);

    for (i = 0; i < 3; i++) {
        fd = raw_connect (port);
        CHECK (fd >= 0);
        CHECK (raw_write (fd, bad_heads[i], strlen (bad_heads[i])) > 0);
        CHECK_OK (tu_wait_event (mon, ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, &ev));
        CHECK (ev.value == ZMQ_PROTOCOL_ERROR_WS_UNSPECIFIED);
        CHECK (closed_by_peer (fd));
        close (fd);
    }
    /* A head that never ends: refused past 8 KiB, memory stays bounded. */
    fd = raw_connect (port);
    CHECK (fd >= 0);
    CHECK (raw_write (fd, "GET / HTTP/1.1\r\n", 16) == 16);
    for (i = 0; i < 1000; i++) {
        const char *line = "X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n";
        if (raw_write (fd, line, strlen (line)) < 0)
            break;
    }
    CHECK_OK (tu_wait_event (mon, ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, &ev));
    CHECK (closed_by_peer (fd));
    close (fd);

    /* After the upgrade: an unmasked frame, a fragmented ping, a length
     * past ZMQ_MAXMSGSIZE, a length of 2^63: each is a disconnect. */
    {
        static const unsigned char unmasked[] = {0x82, 0x02, 0x00, 'x'};
        static const unsigned char frag_ping[] = {0x09, 0x81, 1, 2, 3, 4, 'p'};
        static const unsigned char too_long[] = {
          0x82, 0xff, 0, 0, 0, 1, 0, 0, 0, 0, 1, 2, 3, 4};
        static const unsigned char huge[] = {
          0x82, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4};
        const unsigned char *frames[] = {unmasked, frag_ping, too_long, huge};
        const size_t sizes[] = {sizeof unmasked, sizeof frag_ping,
                                sizeof too_long, sizeof huge};
        for (i = 0; i < 4; i++) {
            fd = raw_ws_client (port);
            CHECK (fd >= 0);
            CHECK (raw_write (fd, frames[i], sizes[i]) == (int) sizes[i]);
            CHECK_OK (tu_wait_event (mon, ZMQ_EVENT_DISCONNECTED, &ev));
            CHECK (closed_by_peer (fd));
            close (fd);
        }
    }
    /* The good connection never noticed. */
    SEND_STR (good, "after", 0);
    RECV_STR (srv, "after", 0);
    zmq_close (mon);
    zmq_close (good);
    zmq_close (srv);
    zmq_ctx_term (ctx);
}

static int zap_decide (const tu_zap_request_t *r, tu_zap_verdict_t *v)
{
    /* PLAIN needs the password; any CURVE client is welcome. */
    int ok = (r->n >= 8 && !strcmp (r->part[5], "PLAIN")
              && !strcmp (r->part[7], "secret"))
             || !strcmp (r->part[5], "CURVE");
    v->status = ok ? "200" : "400";
    v->text = ok ? "OK" : "no";
    v->user_id = ok ? "user" : "";
    return 1;
}

static void test_plain_and_curve (void)
{
    void *ctx = zmq_ctx_new ();
    void *thread = tu_zap_start (ctx, zap_decide);
    void *srv, *cli;
    char ep[256];
    char spub[41], ssec[41], cpub[41], csec[41];
    int one = 1;
    CHECK (thread != NULL);

    /* PLAIN with ZAP over ws. */
    srv = tu_socket (ctx, ZMQ_REP);
    CHECK_OK (zmq_setsockopt (srv, ZMQ_PLAIN_SERVER, &one, sizeof one));
    CHECK_OK (zmq_bind (srv, EP "/plain"));
    CHECK_OK (tu_last_endpoint (srv, ep, sizeof ep));
    cli = tu_socket (ctx, ZMQ_REQ);
    CHECK_OK (zmq_setsockopt (cli, ZMQ_PLAIN_USERNAME, "admin", 5));
    CHECK_OK (zmq_setsockopt (cli, ZMQ_PLAIN_PASSWORD, "secret", 6));
    CHECK_OK (zmq_connect (cli, ep));
    SEND_STR (cli, "plain hello", 0);
    {
        zmq_msg_t m;
        zmq_msg_init (&m);
        CHECK (zmq_msg_recv (&m, srv, 0) == 11);
        CHECK_EQ_STR ("user", zmq_msg_gets (&m, "User-Id"));
        zmq_msg_close (&m);
    }
    SEND_STR (srv, "ok", 0);
    RECV_STR (cli, "ok", 0);
    zmq_close (cli);
    zmq_close (srv);

    /* CURVE over ws. */
    CHECK_OK (zmq_curve_keypair (spub, ssec));
    CHECK_OK (zmq_curve_keypair (cpub, csec));
    srv = tu_socket (ctx, ZMQ_REP);
    CHECK_OK (zmq_setsockopt (srv, ZMQ_CURVE_SERVER, &one, sizeof one));
    CHECK_OK (zmq_setsockopt (srv, ZMQ_CURVE_SECRETKEY, ssec, 40));
    CHECK_OK (zmq_bind (srv, EP "/curve"));
    CHECK_OK (tu_last_endpoint (srv, ep, sizeof ep));
    cli = tu_socket (ctx, ZMQ_REQ);
    CHECK_OK (zmq_setsockopt (cli, ZMQ_CURVE_SERVERKEY, spub, 40));
    CHECK_OK (zmq_setsockopt (cli, ZMQ_CURVE_PUBLICKEY, cpub, 40));
    CHECK_OK (zmq_setsockopt (cli, ZMQ_CURVE_SECRETKEY, csec, 40));
    CHECK_OK (zmq_connect (cli, ep));
    SEND_STR (cli, "curve hello", 0);
    RECV_STR (srv, "curve hello", 0);
    big_message (srv, cli);
    zmq_close (cli);
    zmq_close (srv);
    zmq_ctx_term (ctx);
    zmq_threadclose (thread);
}

int main (void)
{
    RUN (test_capability);
    RUN (test_endpoints);
    RUN (test_classic_patterns);
    RUN (test_draft_patterns);
    RUN (test_monitor_events);
    RUN (test_reconnect);
    RUN (test_heartbeats);
    RUN (test_hand_written_client);
    RUN (test_bad_input);
    RUN (test_plain_and_curve);
    return test_summary ();
}
