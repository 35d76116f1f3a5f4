/* test_router_dealer.c - ZMQ_ROUTER / ZMQ_DEALER over inproc: routing ids
 * (generated, ZMQ_ROUTING_ID, ZMQ_CONNECT_ROUTING_ID), addressed sends,
 * ZMQ_ROUTER_MANDATORY, ZMQ_ROUTER_HANDOVER, ZMQ_PROBE_ROUTER,
 * ZMQ_ROUTER_NOTIFY, DEALER round-robin and fair queueing.
 * Build with -pthread.
 *   -DZMQRS_SKIP_DRAFT  skip cases that need draft options (ROUTER_NOTIFY)
 */
#include <stdint.h>
#include <zmq.h>

#include "testutil.h"

/* Receive one frame into buf (up to cap bytes); CHECKs it arrived and
 * stores its size in *len. */
#define RECV_FRAME(sock, buf, cap, len)                                       \
    do {                                                                      \
        int tu_n_ = zmq_recv ((sock), (buf), (cap), 0);                       \
        CHECK (tu_n_ >= 0);                                                   \
        CHECK (tu_n_ <= (int) (cap));                                         \
        *(len) = (size_t) tu_n_;                                              \
    } while (0)

/* A peer without ZMQ_ROUTING_ID gets a generated one: 5 bytes, a zero byte
 * then a 32-bit big-endian counter, one more for each new peer of this
 * ROUTER.  The ROUTER can answer on it. */
static void test_generated_routing_id (void)
{
    void *ctx = zmq_ctx_new ();
    void *router, *d[3];
    unsigned char id[3][16];
    size_t len;
    int i;
    CHECK (ctx != NULL);
    router = tu_socket (ctx, ZMQ_ROUTER);
    CHECK (router != NULL);
    CHECK_OK (zmq_bind (router, "inproc://rd-genid"));
    for (i = 0; i < 3; i++) {
        d[i] = tu_socket (ctx, ZMQ_DEALER);
        CHECK (d[i] != NULL);
        CHECK_OK (zmq_connect (d[i], "inproc://rd-genid"));
    }
    for (i = 0; i < 3; i++) {
        char body[4];
        sprintf (body, "d%d", i);
        SEND_STR (d[i], body, 0);
    }
    for (i = 0; i < 3; i++) {
        char body[4];
        unsigned char tmp[16];
        int who;
        RECV_FRAME (router, tmp, sizeof tmp, &len);
        CHECK_EQ_INT (5, len);
        CHECK_EQ_INT (0, tmp[0]);
        CHECK_RCVMORE (router, 1);
        CHECK_EQ_INT (2, zmq_recv (router, body, sizeof body, 0));
        CHECK_RCVMORE (router, 0);
        who = body[1] - '0';
        CHECK (who >= 0 && who < 3);
        memcpy (id[who], tmp, 5);
    }
    /* consecutive big-endian counters, in connection order */
    for (i = 1; i < 3; i++) {
        uint32_t a = (uint32_t) id[i - 1][1] << 24
                     | (uint32_t) id[i - 1][2] << 16
                     | (uint32_t) id[i - 1][3] << 8 | id[i - 1][4];
        uint32_t b = (uint32_t) id[i][1] << 24 | (uint32_t) id[i][2] << 16
                     | (uint32_t) id[i][3] << 8 | id[i][4];
        CHECK_EQ_INT (a + 1u, b);
    }
    /* reply to each by its id */
    for (i = 2; i >= 0; i--) {
        char body[4];
        sprintf (body, "r%d", i);
        CHECK_EQ_INT (5, zmq_send (router, id[i], 5, ZMQ_SNDMORE));
        SEND_STR (router, body, 0);
    }
    for (i = 0; i < 3; i++) {
        char body[4];
        sprintf (body, "r%d", i);
        RECV_STR (d[i], body, 0);
        CHECK_RCVMORE (d[i], 0);
        CHECK_NO_MSG (d[i]);
    }
    CHECK_OK (zmq_close (router));
    for (i = 0; i < 3; i++)
        CHECK_OK (zmq_close (d[i]));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ZMQ_ROUTING_ID set before connecting is what the ROUTER sees. */
static void test_routing_id_option (void)
{
    void *ctx = zmq_ctx_new ();
    void *router, *dealer;
    unsigned char id[300], big[255];
    size_t len;
    CHECK (ctx != NULL);
    router = tu_socket (ctx, ZMQ_ROUTER);
    dealer = tu_socket (ctx, ZMQ_DEALER);
    CHECK (router != NULL && dealer != NULL);

    /* default: empty */
    len = sizeof id;
    CHECK_OK (zmq_getsockopt (dealer, ZMQ_ROUTING_ID, id, &len));
    CHECK_EQ_INT (0, len);
    /* 1..255 bytes, any content */
    CHECK_ERR (EINVAL, zmq_setsockopt (dealer, ZMQ_ROUTING_ID, "", 0));
    CHECK_ERR (EINVAL, zmq_setsockopt (dealer, ZMQ_ROUTING_ID, id, 256));
    memset (big, 'z', sizeof big);
    CHECK_OK (zmq_setsockopt (dealer, ZMQ_ROUTING_ID, big, sizeof big));
    len = sizeof id;
    CHECK_OK (zmq_getsockopt (dealer, ZMQ_ROUTING_ID, id, &len));
    CHECK_EQ_INT (255, len);
    len = 10;
    CHECK_ERR (EINVAL, zmq_getsockopt (dealer, ZMQ_ROUTING_ID, id, &len));
    CHECK_OK (zmq_setsockopt (dealer, ZMQ_ROUTING_ID, "\0bin\xff", 5));
    len = sizeof id;
    CHECK_OK (zmq_getsockopt (dealer, ZMQ_ROUTING_ID, id, &len));
    CHECK_EQ_INT (5, len);
    CHECK_MEM ("\0bin\xff", id, 5);
    CHECK_OK (zmq_setsockopt (dealer, ZMQ_ROUTING_ID, "dealer-1", 8));

    CHECK_OK (zmq_bind (router, "inproc://rd-rid"));
    CHECK_OK (zmq_connect (dealer, "inproc://rd-rid"));
    SEND_STR (dealer, "hello", 0);
    RECV_STR (router, "dealer-1", 0);
    CHECK_RCVMORE (router, 1);
    RECV_STR (router, "hello", 0);
    CHECK_RCVMORE (router, 0);
    SEND_STR (router, "dealer-1", ZMQ_SNDMORE);
    SEND_STR (router, "world", 0);
    RECV_STR (dealer, "world", 0);

    /* also when the DEALER connects before the ROUTER binds */
    {
        void *r2 = tu_socket (ctx, ZMQ_ROUTER);
        void *d2 = tu_socket (ctx, ZMQ_DEALER);
        CHECK (r2 != NULL && d2 != NULL);
        CHECK_OK (zmq_setsockopt (d2, ZMQ_ROUTING_ID, "early", 5));
        CHECK_OK (zmq_connect (d2, "inproc://rd-rid-late"));
        SEND_STR (d2, "queued", 0);
        CHECK_OK (zmq_bind (r2, "inproc://rd-rid-late"));
        RECV_STR (r2, "early", 0);
        RECV_STR (r2, "queued", 0);
        SEND_STR (r2, "early", ZMQ_SNDMORE);
        SEND_STR (r2, "back", 0);
        RECV_STR (d2, "back", 0);
        CHECK_OK (zmq_close (r2));
        CHECK_OK (zmq_close (d2));
    }
    CHECK_OK (zmq_close (router));
    CHECK_OK (zmq_close (dealer));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ZMQ_CONNECT_ROUTING_ID on a connecting ROUTER names the peer of its next
 * connect, so it can send at once; the peer's own routing id is ignored for
 * that connection.  The option is consumed by that connect, is write-only,
 * must not be empty, and only ROUTER (and STREAM) take it. */
static void test_connect_routing_id (void)
{
    void *ctx = zmq_ctx_new ();
    void *router, *d1, *d2, *r2, *dealer;
    char buf[16];
    size_t len;
    CHECK (ctx != NULL);
    router = tu_socket (ctx, ZMQ_ROUTER);
    d1 = tu_socket (ctx, ZMQ_DEALER);
    d2 = tu_socket (ctx, ZMQ_DEALER);
    r2 = tu_socket (ctx, ZMQ_ROUTER);
    dealer = tu_socket (ctx, ZMQ_DEALER);
    CHECK (router && d1 && d2 && r2 && dealer);

    CHECK_ERR (EINVAL, zmq_setsockopt (dealer, ZMQ_CONNECT_ROUTING_ID, "x", 1));
    CHECK_ERR (EINVAL, zmq_setsockopt (router, ZMQ_CONNECT_ROUTING_ID, "", 0));
    len = sizeof buf;
    CHECK_ERR (EINVAL,
               zmq_getsockopt (router, ZMQ_CONNECT_ROUTING_ID, buf, &len));

    CHECK_OK (zmq_setsockopt (d1, ZMQ_ROUTING_ID, "own-name", 8));
    CHECK_OK (zmq_bind (d1, "inproc://rd-crid-1"));
    CHECK_OK (zmq_bind (d2, "inproc://rd-crid-2"));
    CHECK_OK (zmq_bind (r2, "inproc://rd-crid-3"));
    CHECK_OK (zmq_setsockopt (router, ZMQ_ROUTING_ID, "the-router", 10));

    CHECK_OK (zmq_setsockopt (router, ZMQ_CONNECT_ROUTING_ID, "peerA", 5));
    CHECK_OK (zmq_connect (router, "inproc://rd-crid-1"));
    CHECK_OK (zmq_setsockopt (router, ZMQ_CONNECT_ROUTING_ID, "peerB", 5));
    CHECK_OK (zmq_connect (router, "inproc://rd-crid-2"));
    /* ROUTER to ROUTER */
    CHECK_OK (zmq_setsockopt (router, ZMQ_CONNECT_ROUTING_ID, "peerC", 5));
    CHECK_OK (zmq_connect (router, "inproc://rd-crid-3"));

    CHECK_OK (tu_set_int (router, ZMQ_ROUTER_MANDATORY, 1));
    /* the peer's own name is not used for this connection */
    CHECK_ERR (EHOSTUNREACH,
               zmq_send (router, "own-name", 8, ZMQ_SNDMORE | ZMQ_DONTWAIT));
    SEND_STR (router, "peerB", ZMQ_SNDMORE);
    SEND_STR (router, "to-B", 0);
    SEND_STR (router, "peerA", ZMQ_SNDMORE);
    SEND_STR (router, "to-A", 0);
    SEND_STR (router, "peerC", ZMQ_SNDMORE);
    SEND_STR (router, "to-C", 0);
    RECV_STR (d1, "to-A", 0);
    RECV_STR (d2, "to-B", 0);
    /* the bound ROUTER sees the connecting ROUTER's own routing id */
    RECV_STR (r2, "the-router", 0);
    RECV_STR (r2, "to-C", 0);

    SEND_STR (d2, "from-B", 0);
    RECV_STR (router, "peerB", 0);
    RECV_STR (router, "from-B", 0);
    SEND_STR (r2, "the-router", ZMQ_SNDMORE);
    SEND_STR (r2, "from-C", 0);
    RECV_STR (router, "peerC", 0);
    RECV_STR (router, "from-C", 0);

    CHECK_OK (zmq_close (router));
    CHECK_OK (zmq_close (d1));
    CHECK_OK (zmq_close (d2));
    CHECK_OK (zmq_close (r2));
    CHECK_OK (zmq_close (dealer));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* A ROUTER connecting to a bound DEALER without CONNECT_ROUTING_ID learns
 * the DEALER's ZMQ_ROUTING_ID (or a generated id) at once, and can send. */
static void test_connecting_router_learns_peer_id (void)
{
    void *ctx = zmq_ctx_new ();
    void *router, *dealer;
    CHECK (ctx != NULL);
    router = tu_socket (ctx, ZMQ_ROUTER);
    dealer = tu_socket (ctx, ZMQ_DEALER);
    CHECK (router != NULL && dealer != NULL);
    CHECK_OK (zmq_setsockopt (dealer, ZMQ_ROUTING_ID, "srv", 3));
    CHECK_OK (zmq_bind (dealer, "inproc://rd-learn"));
    CHECK_OK (tu_set_int (router, ZMQ_ROUTER_MANDATORY, 1));
    CHECK_OK (zmq_connect (router, "inproc://rd-learn"));
    SEND_STR (router, "srv", ZMQ_SNDMORE);
    SEND_STR (router, "job", 0);
    RECV_STR (dealer, "job", 0);
    SEND_STR (dealer, "result", 0);
    RECV_STR (router, "srv", 0);
    RECV_STR (router, "result", 0);
    CHECK_OK (zmq_close (router));
    CHECK_OK (zmq_close (dealer));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* Without ZMQ_ROUTER_MANDATORY a message to an unknown routing id, or a
 * lone frame with no body, is dropped silently: every zmq_send succeeds. */
static void test_unknown_id_dropped (void)
{
    void *ctx = zmq_ctx_new ();
    void *router, *dealer;
    CHECK (ctx != NULL);
    router = tu_socket (ctx, ZMQ_ROUTER);
    dealer = tu_socket (ctx, ZMQ_DEALER);
    CHECK (router != NULL && dealer != NULL);
    CHECK_OK (zmq_bind (router, "inproc://rd-drop"));
    CHECK_OK (zmq_setsockopt (dealer, ZMQ_ROUTING_ID, "D", 1));
    CHECK_OK (zmq_connect (dealer, "inproc://rd-drop"));
    SEND_STR (dealer, "hi", 0);
    RECV_STR (router, "D", 0);
    RECV_STR (router, "hi", 0);

    SEND_STR (router, "nobody", ZMQ_SNDMORE);
    SEND_STR (router, "lost", ZMQ_SNDMORE);
    SEND_STR (router, "lost too", 0);
    SEND_STR (router, "nobody", ZMQ_DONTWAIT);
    /* a lone frame naming a real peer is not a message either */
    SEND_STR (router, "D", 0);
    SEND_STR (router, "D", ZMQ_SNDMORE);
    SEND_STR (router, "delivered", 0);
    RECV_STR (dealer, "delivered", 0);
    CHECK_RCVMORE (dealer, 0);
    CHECK_NO_MSG (dealer);
    CHECK_OK (zmq_close (router));
    CHECK_OK (zmq_close (dealer));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ZMQ_ROUTER_MANDATORY: an unknown routing id fails the first frame with
 * EHOSTUNREACH (blocking or not), and the next frame starts a new message. */
static void test_mandatory_unreachable (void)
{
    void *ctx = zmq_ctx_new ();
    void *router, *dealer;
    int ev = -1;
    CHECK (ctx != NULL);
    router = tu_socket (ctx, ZMQ_ROUTER);
    dealer = tu_socket (ctx, ZMQ_DEALER);
    CHECK (router != NULL && dealer != NULL);
    CHECK_OK (tu_set_int (router, ZMQ_ROUTER_MANDATORY, 1));
    CHECK_ERR (EINVAL, tu_get_int (router, ZMQ_ROUTER_MANDATORY, &ev));
    CHECK_ERR (EINVAL, tu_set_int (router, ZMQ_ROUTER_MANDATORY, -1));
    CHECK_ERR (EINVAL, tu_set_int (dealer, ZMQ_ROUTER_MANDATORY, 1));
    CHECK_OK (zmq_bind (router, "inproc://rd-mand"));
    CHECK_ERR (EHOSTUNREACH, zmq_send (router, "X", 1, ZMQ_SNDMORE));
    CHECK_ERR (EHOSTUNREACH,
               zmq_send (router, "X", 1, ZMQ_SNDMORE | ZMQ_DONTWAIT));

    CHECK_OK (zmq_setsockopt (dealer, ZMQ_ROUTING_ID, "X", 1));
    CHECK_OK (zmq_connect (dealer, "inproc://rd-mand"));
    SEND_STR (dealer, "hi", 0);
    RECV_STR (router, "X", 0);
    RECV_STR (router, "hi", 0);
    CHECK_ERR (EHOSTUNREACH, zmq_send (router, "Y", 1, ZMQ_SNDMORE));
    SEND_STR (router, "X", ZMQ_SNDMORE);
    SEND_STR (router, "for-X", 0);
    RECV_STR (dealer, "for-X", 0);
    /* a lone frame (no SNDMORE) is still dropped silently, even unknown */
    SEND_STR (router, "Y", 0);
    CHECK_NO_MSG (dealer);

    /* after the peer has gone, its id is unreachable again */
    CHECK_OK (zmq_close (dealer));
    {
        int i, rc = 0;
        for (i = 0; i < 100; i++) {
            rc = zmq_send (router, "X", 1, ZMQ_SNDMORE | ZMQ_DONTWAIT);
            if (rc == -1)
                break;
            SEND_STR (router, "void", 0);
            tu_sleep_ms (10);
        }
        CHECK_EQ_INT (-1, rc);
        CHECK_EQ_INT (EHOSTUNREACH, errno);
    }
    CHECK_OK (zmq_close (router));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ZMQ_ROUTER_MANDATORY with a full peer: with ROUTER SNDHWM 1 and DEALER
 * RCVHWM 1 the inproc pipe holds 1 + 1 = 2 messages; the third send's
 * first frame fails with EAGAIN (DONTWAIT), or EAGAIN after SNDTIMEO.
 * Without MANDATORY the ROUTER never blocks: messages to a full peer are
 * dropped silently. */
static void test_mandatory_full_peer (void)
{
    void *ctx = zmq_ctx_new ();
    void *router, *dealer, *watch;
    unsigned long elapsed;
    char body[16];
    int i, sent;
    CHECK (ctx != NULL);
    router = tu_socket (ctx, ZMQ_ROUTER);
    dealer = tu_socket (ctx, ZMQ_DEALER);
    CHECK (router != NULL && dealer != NULL);
    CHECK_OK (tu_set_int (router, ZMQ_ROUTER_MANDATORY, 1));
    CHECK_OK (tu_set_int (router, ZMQ_SNDHWM, 1));
    CHECK_OK (tu_set_int (dealer, ZMQ_RCVHWM, 1));
    CHECK_OK (zmq_setsockopt (dealer, ZMQ_ROUTING_ID, "F", 1));
    CHECK_OK (zmq_bind (router, "inproc://rd-full"));
    CHECK_OK (zmq_connect (dealer, "inproc://rd-full"));
    SEND_STR (dealer, "ready", 0);
    RECV_STR (router, "F", 0);
    RECV_STR (router, "ready", 0);

    for (sent = 0; sent < 100; sent++) {
        if (zmq_send (router, "F", 1, ZMQ_SNDMORE | ZMQ_DONTWAIT) != 1)
            break;
        sprintf (body, "m%d", sent);
        SEND_STR (router, body, ZMQ_DONTWAIT);
    }
    CHECK_EQ_INT (EAGAIN, errno);
    CHECK_EQ_INT (2, sent);

    /* blocking: waits SNDTIMEO, then EAGAIN */
    CHECK_OK (tu_set_int (router, ZMQ_SNDTIMEO, 100));
    watch = zmq_stopwatch_start ();
    errno = 0;
    if (zmq_send (router, "F", 1, ZMQ_SNDMORE) != -1 || errno != EAGAIN) {
        zmq_stopwatch_stop (watch);
        CHECK (0);
    }
    elapsed = zmq_stopwatch_stop (watch);
    CHECK (elapsed >= 90000ul);

    /* non-mandatory: dropped, not blocked */
    CHECK_OK (tu_set_int (router, ZMQ_ROUTER_MANDATORY, 0));
    SEND_STR (router, "F", ZMQ_SNDMORE);
    SEND_STR (router, "dropped", 0);

    for (i = 0; i < sent; i++) {
        sprintf (body, "m%d", i);
        RECV_STR (dealer, body, 0);
    }
    CHECK_NO_MSG (dealer);

    /* drained: sending works again (a blocking send waits for the
     * reader's "room again" notice; libzmq may still refuse a DONTWAIT send
     * until it has processed that notice) */
    CHECK_OK (tu_set_int (router, ZMQ_ROUTER_MANDATORY, 1));
    CHECK_OK (tu_set_int (router, ZMQ_SNDTIMEO, TU_TIMEOUT_MS));
    SEND_STR (router, "F", ZMQ_SNDMORE);
    SEND_STR (router, "after", 0);
    RECV_STR (dealer, "after", 0);
    CHECK_OK (zmq_close (router));
    CHECK_OK (zmq_close (dealer));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* Two peers with the same routing id.  Without ZMQ_ROUTER_HANDOVER the
 * newcomer is ignored: the id keeps naming the first peer and the
 * newcomer's messages never arrive.  With it, the newcomer takes the id
 * over and the first peer is cut off. */
static void test_duplicate_id_no_handover (void)
{
    void *ctx = zmq_ctx_new ();
    void *router, *one, *two;
    int ev = -1;
    CHECK (ctx != NULL);
    router = tu_socket (ctx, ZMQ_ROUTER);
    one = tu_socket (ctx, ZMQ_DEALER);
    two = tu_socket (ctx, ZMQ_DEALER);
    CHECK (router != NULL && one != NULL && two != NULL);
    CHECK_OK (zmq_bind (router, "inproc://rd-dup"));
    CHECK_OK (zmq_setsockopt (one, ZMQ_ROUTING_ID, "X", 1));
    CHECK_OK (zmq_setsockopt (two, ZMQ_ROUTING_ID, "X", 1));
    CHECK_OK (zmq_connect (one, "inproc://rd-dup"));
    SEND_STR (one, "from-one", 0);
    RECV_STR (router, "X", 0);
    RECV_STR (router, "from-one", 0);
    CHECK_OK (zmq_connect (two, "inproc://rd-dup"));
    SEND_STR (two, "from-two", 0);
    tu_sleep_ms (20);
    CHECK_OK (tu_get_int (router, ZMQ_EVENTS, &ev));
    CHECK_EQ_INT (ZMQ_POLLOUT, ev);
    CHECK_NO_MSG (router);
    SEND_STR (router, "X", ZMQ_SNDMORE);
    SEND_STR (router, "to-X", 0);
    RECV_STR (one, "to-X", 0);
    CHECK_NO_MSG (two);
    CHECK_OK (zmq_close (router));
    CHECK_OK (zmq_close (one));
    CHECK_OK (zmq_close (two));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_handover (void)
{
    void *ctx = zmq_ctx_new ();
    void *router, *one, *two;
    int v;
    CHECK (ctx != NULL);
    router = tu_socket (ctx, ZMQ_ROUTER);
    one = tu_socket (ctx, ZMQ_DEALER);
    two = tu_socket (ctx, ZMQ_DEALER);
    CHECK (router != NULL && one != NULL && two != NULL);
    CHECK_OK (tu_set_int (router, ZMQ_ROUTER_HANDOVER, 1));
    CHECK_ERR (EINVAL, tu_get_int (router, ZMQ_ROUTER_HANDOVER, &v));
    CHECK_ERR (EINVAL, tu_set_int (router, ZMQ_ROUTER_HANDOVER, -1));
    CHECK_ERR (EINVAL, tu_set_int (one, ZMQ_ROUTER_HANDOVER, 1));
    CHECK_OK (zmq_bind (router, "inproc://rd-handover"));
    CHECK_OK (zmq_setsockopt (one, ZMQ_ROUTING_ID, "X", 1));
    CHECK_OK (zmq_setsockopt (two, ZMQ_ROUTING_ID, "X", 1));
    CHECK_OK (zmq_connect (one, "inproc://rd-handover"));
    SEND_STR (one, "hello-1", 0);
    RECV_STR (router, "X", 0);
    RECV_STR (router, "hello-1", 0);

    CHECK_OK (zmq_connect (two, "inproc://rd-handover"));
    SEND_STR (two, "hello-2", 0);
    RECV_STR (router, "X", 0);
    RECV_STR (router, "hello-2", 0);

    SEND_STR (router, "X", ZMQ_SNDMORE);
    SEND_STR (router, "to-X", 0);
    RECV_STR (two, "to-X", 0);
    CHECK_OK (tu_set_int (one, ZMQ_RCVTIMEO, 100));
    CHECK_ERR (EAGAIN, zmq_recv (one, &v, sizeof v, 0));
    CHECK_OK (zmq_close (router));
    CHECK_OK (zmq_close (one));
    CHECK_OK (zmq_close (two));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ZMQ_PROBE_ROUTER: on connection the socket sends an empty message, so a
 * ROUTER learns the peer's id before it says anything: [id][""].  A probing
 * bound ROUTER probes its connecting peers the same way. */
static void test_probe_router (void)
{
    void *ctx = zmq_ctx_new ();
    void *router, *dealer, *r2, *prober, *d2;
    int v;
    CHECK (ctx != NULL);
    router = tu_socket (ctx, ZMQ_ROUTER);
    dealer = tu_socket (ctx, ZMQ_DEALER);
    r2 = tu_socket (ctx, ZMQ_ROUTER);
    prober = tu_socket (ctx, ZMQ_ROUTER);
    d2 = tu_socket (ctx, ZMQ_DEALER);
    CHECK (router && dealer && r2 && prober && d2);
    CHECK_OK (zmq_bind (router, "inproc://rd-probe"));

    CHECK_OK (tu_set_int (dealer, ZMQ_PROBE_ROUTER, 1));
    CHECK_ERR (EINVAL, tu_get_int (dealer, ZMQ_PROBE_ROUTER, &v));
    CHECK_ERR (EINVAL, tu_set_int (dealer, ZMQ_PROBE_ROUTER, -1));
    CHECK_OK (zmq_setsockopt (dealer, ZMQ_ROUTING_ID, "probing", 7));
    CHECK_OK (zmq_connect (dealer, "inproc://rd-probe"));
    RECV_STR (router, "probing", 0);
    CHECK_RCVMORE (router, 1);
    RECV_STR (router, "", 0);
    CHECK_RCVMORE (router, 0);
    CHECK_NO_MSG (router);
    SEND_STR (router, "probing", ZMQ_SNDMORE);
    SEND_STR (router, "welcome", 0);
    RECV_STR (dealer, "welcome", 0);
    SEND_STR (dealer, "real", 0);
    RECV_STR (router, "probing", 0);
    RECV_STR (router, "real", 0);

    /* a ROUTER connecting with PROBE_ROUTER */
    CHECK_OK (tu_set_int (r2, ZMQ_PROBE_ROUTER, 1));
    CHECK_OK (zmq_setsockopt (r2, ZMQ_ROUTING_ID, "r2", 2));
    CHECK_OK (zmq_connect (r2, "inproc://rd-probe"));
    RECV_STR (router, "r2", 0);
    RECV_STR (router, "", 0);
    CHECK_RCVMORE (router, 0);

    /* a bound ROUTER with PROBE_ROUTER: the connecting DEALER gets "" once
     * the ROUTER has taken the connection in (ZMQ_EVENTS processes its
     * pending commands) */
    CHECK_OK (tu_set_int (prober, ZMQ_PROBE_ROUTER, 1));
    CHECK_OK (zmq_bind (prober, "inproc://rd-probe-bound"));
    CHECK_OK (zmq_connect (d2, "inproc://rd-probe-bound"));
    CHECK_OK (tu_get_int (prober, ZMQ_EVENTS, &v));
    RECV_STR (d2, "", 0);
    CHECK_RCVMORE (d2, 0);
    CHECK_NO_MSG (prober);

    /* without the option nothing is sent */
    {
        void *quiet = tu_socket (ctx, ZMQ_DEALER);
        CHECK (quiet != NULL);
        CHECK_OK (zmq_connect (quiet, "inproc://rd-probe"));
        tu_sleep_ms (10);
        CHECK_NO_MSG (router);
        CHECK_OK (zmq_close (quiet));
    }
    CHECK_OK (zmq_close (router));
    CHECK_OK (zmq_close (dealer));
    CHECK_OK (zmq_close (r2));
    CHECK_OK (zmq_close (prober));
    CHECK_OK (zmq_close (d2));
    CHECK_OK (zmq_ctx_term (ctx));
}

#ifndef ZMQRS_SKIP_DRAFT
/* ZMQ_ROUTER_NOTIFY (draft): 0..3 (ZMQ_NOTIFY_CONNECT | _DISCONNECT) on a
 * ROUTER, readable on any socket.  libzmq raises the [id][""]
 * notifications from its stream engines (tcp, ipc) only: over inproc no
 * notification is ever delivered. */
static void test_router_notify (void)
{
    void *ctx = zmq_ctx_new ();
    void *router, *dealer;
    int v = -1;
    CHECK (ctx != NULL);
    router = tu_socket (ctx, ZMQ_ROUTER);
    dealer = tu_socket (ctx, ZMQ_DEALER);
    CHECK (router != NULL && dealer != NULL);
    CHECK_OK (tu_get_int (router, ZMQ_ROUTER_NOTIFY, &v));
    CHECK_EQ_INT (0, v);
    CHECK_OK (tu_set_int (router, ZMQ_ROUTER_NOTIFY, ZMQ_NOTIFY_CONNECT));
    CHECK_OK (tu_get_int (router, ZMQ_ROUTER_NOTIFY, &v));
    CHECK_EQ_INT (ZMQ_NOTIFY_CONNECT, v);
    CHECK_ERR (EINVAL, tu_set_int (router, ZMQ_ROUTER_NOTIFY, 4));
    CHECK_ERR (EINVAL, tu_set_int (router, ZMQ_ROUTER_NOTIFY, -1));
    CHECK_OK (tu_set_int (router, ZMQ_ROUTER_NOTIFY,
                          ZMQ_NOTIFY_CONNECT | ZMQ_NOTIFY_DISCONNECT));
    CHECK_OK (tu_get_int (router, ZMQ_ROUTER_NOTIFY, &v));
    CHECK_EQ_INT (3, v);
    CHECK_ERR (EINVAL, tu_set_int (dealer, ZMQ_ROUTER_NOTIFY, 1));
    CHECK_OK (tu_get_int (dealer, ZMQ_ROUTER_NOTIFY, &v));
    CHECK_EQ_INT (0, v);

    CHECK_OK (zmq_setsockopt (dealer, ZMQ_ROUTING_ID, "N", 1));
    CHECK_OK (zmq_bind (router, "inproc://rd-notify"));
    CHECK_OK (zmq_connect (dealer, "inproc://rd-notify"));
    tu_sleep_ms (10);
    CHECK_NO_MSG (router);
    SEND_STR (dealer, "first", 0);
    RECV_STR (router, "N", 0);
    RECV_STR (router, "first", 0);
    CHECK_OK (zmq_close (dealer));
    tu_sleep_ms (20);
    CHECK_NO_MSG (router);
    CHECK_OK (zmq_close (router));
    CHECK_OK (zmq_ctx_term (ctx));
}
#endif

/* DEALER connected to three bound peers: outgoing messages go round-robin
 * in connection order (multipart counts as one); incoming are fair-queued. */
static void test_dealer_round_robin_fair_queue (void)
{
    void *ctx = zmq_ctx_new ();
    void *dealer, *peer[3];
    char ep[64], msg[16], buf[16];
    int i, k, seen[3];
    CHECK (ctx != NULL);
    dealer = tu_socket (ctx, ZMQ_DEALER);
    CHECK (dealer != NULL);
    for (i = 0; i < 3; i++) {
        peer[i] = tu_socket (ctx, ZMQ_DEALER);
        CHECK (peer[i] != NULL);
        sprintf (ep, "inproc://rd-dealer-%d", i);
        CHECK_OK (zmq_bind (peer[i], ep));
        CHECK_OK (zmq_connect (dealer, ep));
    }
    for (i = 0; i < 6; i++) {
        sprintf (msg, "m%d", i);
        SEND_STR (dealer, msg, ZMQ_SNDMORE);
        SEND_STR (dealer, "tail", 0);
    }
    for (i = 0; i < 6; i++) {
        sprintf (msg, "m%d", i);
        RECV_STR (peer[i % 3], msg, 0);
        CHECK_RCVMORE (peer[i % 3], 1);
        RECV_STR (peer[i % 3], "tail", 0);
        CHECK_RCVMORE (peer[i % 3], 0);
    }
    for (i = 0; i < 3; i++)
        CHECK_NO_MSG (peer[i]);

    for (k = 0; k < 2; k++)
        for (i = 0; i < 3; i++) {
            sprintf (msg, "%c%d", 'A' + i, k);
            SEND_STR (peer[i], msg, 0);
        }
    for (k = 0; k < 2; k++) {
        seen[0] = seen[1] = seen[2] = 0;
        for (i = 0; i < 3; i++) {
            int who;
            CHECK_EQ_INT (2, zmq_recv (dealer, buf, sizeof buf, 0));
            who = buf[0] - 'A';
            CHECK (who >= 0 && who < 3);
            CHECK_EQ_INT (0, seen[who]);
            seen[who] = 1;
            CHECK_EQ_INT (k, buf[1] - '0');
        }
    }
    CHECK_NO_MSG (dealer);
    CHECK_OK (zmq_close (dealer));
    for (i = 0; i < 3; i++)
        CHECK_OK (zmq_close (peer[i]));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* A ROUTER fair-queues whole messages from several DEALERs, each prefixed
 * with the sender's id. */
static void test_router_fair_queue (void)
{
    void *ctx = zmq_ctx_new ();
    void *router, *d[3];
    char name[4], buf[16];
    int i, k, seen[3];
    CHECK (ctx != NULL);
    router = tu_socket (ctx, ZMQ_ROUTER);
    CHECK (router != NULL);
    CHECK_OK (zmq_bind (router, "inproc://rd-rfq"));
    for (i = 0; i < 3; i++) {
        d[i] = tu_socket (ctx, ZMQ_DEALER);
        CHECK (d[i] != NULL);
        sprintf (name, "D%d", i);
        CHECK_OK (zmq_setsockopt (d[i], ZMQ_ROUTING_ID, name, 2));
        CHECK_OK (zmq_connect (d[i], "inproc://rd-rfq"));
    }
    for (k = 0; k < 2; k++)
        for (i = 0; i < 3; i++) {
            sprintf (buf, "%d", k);
            SEND_STR (d[i], "x", ZMQ_SNDMORE);
            SEND_STR (d[i], buf, 0);
        }
    for (k = 0; k < 2; k++) {
        seen[0] = seen[1] = seen[2] = 0;
        for (i = 0; i < 3; i++) {
            int who;
            CHECK_EQ_INT (2, zmq_recv (router, buf, sizeof buf, 0));
            CHECK (buf[0] == 'D');
            who = buf[1] - '0';
            CHECK (who >= 0 && who < 3);
            CHECK_EQ_INT (0, seen[who]);
            seen[who] = 1;
            CHECK_RCVMORE (router, 1);
            RECV_STR (router, "x", 0);
            CHECK_RCVMORE (router, 1);
            CHECK_EQ_INT (1, zmq_recv (router, buf, sizeof buf, 0));
            CHECK_EQ_INT ('0' + k, buf[0]);
            CHECK_RCVMORE (router, 0);
        }
    }
    CHECK_NO_MSG (router);
    CHECK_OK (zmq_close (router));
    for (i = 0; i < 3; i++)
        CHECK_OK (zmq_close (d[i]));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* DEALER with no peer: EAGAIN with DONTWAIT; messages sent while connected
 * before the bind are delivered after it. */
static void test_dealer_no_peer (void)
{
    void *ctx = zmq_ctx_new ();
    void *dealer, *router;
    CHECK (ctx != NULL);
    dealer = tu_socket (ctx, ZMQ_DEALER);
    router = tu_socket (ctx, ZMQ_ROUTER);
    CHECK (dealer != NULL && router != NULL);
    CHECK_ERR (EAGAIN, zmq_send (dealer, "x", 1, ZMQ_DONTWAIT));
    CHECK_NO_MSG (dealer);
    CHECK_OK (zmq_setsockopt (dealer, ZMQ_ROUTING_ID, "L", 1));
    CHECK_OK (zmq_connect (dealer, "inproc://rd-nopeer"));
    SEND_STR (dealer, "queued", ZMQ_DONTWAIT);
    CHECK_OK (zmq_bind (router, "inproc://rd-nopeer"));
    RECV_STR (router, "L", 0);
    RECV_STR (router, "queued", 0);
    CHECK_OK (zmq_close (dealer));
    CHECK_OK (zmq_close (router));
    CHECK_OK (zmq_ctx_term (ctx));
}

#ifndef ZMQRS_SKIP_DRAFT
/* A peer dropped in the middle of a multipart message (its second part is
 * over MAXMSGSIZE): the ROUTER never sees the first part, only the
 * disconnect notification as a message of its own. */
static void test_notify_after_partial_message (void)
{
    void *ctx = zmq_ctx_new ();
    void *router = tu_socket (ctx, ZMQ_ROUTER);
    void *dealer = tu_socket (ctx, ZMQ_DEALER);
    char ep[256], big[128];
    int64_t max = 64;
    CHECK_OK (tu_set_int (router, ZMQ_ROUTER_NOTIFY, ZMQ_NOTIFY_DISCONNECT));
    CHECK_OK (zmq_setsockopt (router, ZMQ_MAXMSGSIZE, &max, sizeof max));
    CHECK_OK (zmq_bind (router, "tcp://127.0.0.1:*"));
    CHECK_OK (tu_last_endpoint (router, ep, sizeof ep));
    CHECK_OK (zmq_setsockopt (dealer, ZMQ_ROUTING_ID, "X", 1));
    CHECK_OK (zmq_connect (dealer, ep));
    memset (big, '*', sizeof big);
    CHECK_EQ_INT (6, zmq_send (dealer, "Hello2", 6, ZMQ_SNDMORE));
    CHECK_EQ_INT ((int) sizeof big, zmq_send (dealer, big, sizeof big, 0));
    RECV_STR (router, "X", 0);
    CHECK_RCVMORE (router, 1);
    RECV_STR (router, "", 0);
    CHECK_RCVMORE (router, 0);
    CHECK_OK (zmq_close (dealer));
    CHECK_OK (zmq_close (router));
    CHECK_OK (zmq_ctx_term (ctx));
}
#endif

int main (void)
{
    RUN (test_generated_routing_id);
    RUN (test_routing_id_option);
    RUN (test_connect_routing_id);
    RUN (test_connecting_router_learns_peer_id);
    RUN (test_unknown_id_dropped);
    RUN (test_mandatory_unreachable);
    RUN (test_mandatory_full_peer);
    RUN (test_duplicate_id_no_handover);
    RUN (test_handover);
    RUN (test_probe_router);
#ifndef ZMQRS_SKIP_DRAFT
    RUN (test_router_notify);
    RUN (test_notify_after_partial_message);
#endif
    RUN (test_dealer_round_robin_fair_queue);
    RUN (test_router_fair_queue);
    RUN (test_dealer_no_peer);
    return test_summary ();
}
