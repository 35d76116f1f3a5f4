/* test_tcp.c - the tcp transport on 127.0.0.1 (and ::1): every classic
 * pattern with multipart, empty and 1 MiB messages; endpoints (wildcard
 * ports, ZMQ_LAST_ENDPOINT, "*" and interface names, IPv6, connect before
 * bind, EADDRINUSE, unbind and rebind, disconnect, bad addresses); routing
 * ids and message properties over the wire; ZMQ_MAXMSGSIZE; reconnecting
 * to a restarted peer; ZMQ_IMMEDIATE; STREAM sockets talking to plain BSD
 * sockets.  Behaviour checked against libzmq 4.3.4 / 4.3.5.
 * Build with -pthread.
 *   -DZMQRS_SKIP_DRAFT  skip the draft options (ROUTER_NOTIFY, HELLO_MSG,
 *                       DISCONNECT_MSG)
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

/* ---- helpers ---------------------------------------------------------- */

/* 1 when a tcp socket can bind ::1 on this machine. */
static int have_ipv6_loopback (void)
{
    struct sockaddr_in6 sa;
    int ok;
    int fd = socket (AF_INET6, SOCK_STREAM, 0);
    if (fd < 0)
        return 0;
    memset (&sa, 0, sizeof sa);
    sa.sin6_family = AF_INET6;
    sa.sin6_addr = in6addr_loopback;
    ok = bind (fd, (struct sockaddr *) &sa, sizeof sa) == 0;
    close (fd);
    return ok;
}

/* Receive one frame into buf (NUL-terminated, truncated to len-1); the
 * frame size or -1. */
static int recv_frame (void *s, char *buf, size_t len, int *more)
{
    zmq_msg_t msg;
    int n;
    size_t copy;
    zmq_msg_init (&msg);
    n = zmq_msg_recv (&msg, s, 0);
    if (n < 0) {
        zmq_msg_close (&msg);
        return -1;
    }
    copy = (size_t) n < len - 1 ? (size_t) n : len - 1;
    memcpy (buf, zmq_msg_data (&msg), copy);
    buf[copy] = '\0';
    if (more)
        *more = zmq_msg_more (&msg);
    zmq_msg_close (&msg);
    return n;
}

#define MIB (1024u * 1024u)

/* ---- PAIR, endpoints ------------------------------------------------- */

static void test_pair_last_endpoint (void)
{
    void *ctx = zmq_ctx_new ();
    char ep[256], ep2[256];
    size_t len = sizeof ep;
    void *a, *b;
    int port;
    CHECK (ctx != NULL);
    a = tu_socket (ctx, ZMQ_PAIR);
    CHECK (a != NULL);
    CHECK_OK (zmq_bind (a, "tcp://127.0.0.1:*"));
    /* the bound side reports the real port; the length counts the NUL */
    CHECK_OK (zmq_getsockopt (a, ZMQ_LAST_ENDPOINT, ep, &len));
    CHECK_EQ_INT (strlen (ep) + 1, len);
    CHECK (strncmp (ep, "tcp://127.0.0.1:", 16) == 0);
    port = tu_port_of (ep);
    CHECK (port > 0 && port < 65536);

    b = tu_socket (ctx, ZMQ_PAIR);
    CHECK (b != NULL);
    CHECK_OK (zmq_connect (b, ep));
    /* the connecting side reports the string it connected to */
    CHECK_OK (tu_last_endpoint (b, ep2, sizeof ep2));
    CHECK_EQ_STR (ep, ep2);

    SEND_STR (b, "from connecter", 0);
    RECV_STR (a, "from connecter", 0);
    CHECK_STEP (tu_pair_in_order (a, b));
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_pair_multipart_empty_large (void)
{
    void *ctx = zmq_ctx_new ();
    void *a, *b;
    CHECK (ctx != NULL);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_PAIR, ZMQ_PAIR,
                               "tcp://127.0.0.1:*", &a, &b));
    /* multipart with an empty frame in the middle and at the end */
    SEND_STR (b, "head", ZMQ_SNDMORE);
    SEND_STR (b, "", ZMQ_SNDMORE);
    SEND_STR (b, "tail", ZMQ_SNDMORE);
    SEND_STR (b, "", 0);
    RECV_STR (a, "head", 0);
    CHECK_RCVMORE (a, 1);
    RECV_STR (a, "", 0);
    CHECK_RCVMORE (a, 1);
    RECV_STR (a, "tail", 0);
    CHECK_RCVMORE (a, 1);
    RECV_STR (a, "", 0);
    CHECK_RCVMORE (a, 0);

    /* a single empty message */
    SEND_STR (a, "", 0);
    RECV_STR (b, "", 0);
    CHECK_RCVMORE (b, 0);

    /* 1 MiB both ways, then a 1 MiB frame inside a multipart message */
    CHECK_EQ_INT (MIB, tu_send_pattern (b, MIB, 7, 0));
    CHECK_OK (tu_recv_pattern (a, MIB, 7, 0));
    CHECK_EQ_INT (MIB, tu_send_pattern (a, MIB, 9, 0));
    CHECK_OK (tu_recv_pattern (b, MIB, 9, 0));
    SEND_STR (b, "before", ZMQ_SNDMORE);
    CHECK_EQ_INT (MIB, tu_send_pattern (b, MIB, 11, ZMQ_SNDMORE));
    SEND_STR (b, "after", 0);
    RECV_STR (a, "before", 0);
    CHECK_OK (tu_recv_pattern (a, MIB, 11, 1));
    RECV_STR (a, "after", 0);
    CHECK_RCVMORE (a, 0);

    /* sizes around the one-byte / eight-byte length boundary of ZMTP */
    CHECK_EQ_INT (255, tu_send_pattern (b, 255, 1, 0));
    CHECK_EQ_INT (256, tu_send_pattern (b, 256, 2, 0));
    CHECK_EQ_INT (254, tu_send_pattern (b, 254, 3, 0));
    CHECK_OK (tu_recv_pattern (a, 255, 1, 0));
    CHECK_OK (tu_recv_pattern (a, 256, 2, 0));
    CHECK_OK (tu_recv_pattern (a, 254, 3, 0));
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ---- the other patterns ------------------------------------------------ */

static void test_pushpull (void)
{
    void *ctx = zmq_ctx_new ();
    void *push, *pull;
    char buf[32];
    CHECK (ctx != NULL);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_PUSH, ZMQ_PULL,
                               "tcp://127.0.0.1:*", &push, &pull));
    CHECK_STEP (tu_numbered_in_order (push, pull, 200));
    SEND_STR (push, "a", ZMQ_SNDMORE);
    SEND_STR (push, "", ZMQ_SNDMORE);
    CHECK_EQ_INT (MIB, tu_send_pattern (push, MIB, 5, 0));
    RECV_STR (pull, "a", 0);
    CHECK_RCVMORE (pull, 1);
    RECV_STR (pull, "", 0);
    CHECK_RCVMORE (pull, 1);
    CHECK_OK (tu_recv_pattern (pull, MIB, 5, 0));
    /* PULL cannot send, PUSH cannot receive, whatever the transport */
    CHECK_ERR (ENOTSUP, zmq_send (pull, "x", 1, 0));
    CHECK_ERR (ENOTSUP, zmq_recv (push, buf, sizeof buf, 0));
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_close (pull));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_reqrep (void)
{
    void *ctx = zmq_ctx_new ();
    void *rep, *req;
    CHECK (ctx != NULL);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_REP, ZMQ_REQ,
                               "tcp://127.0.0.1:*", &rep, &req));
    CHECK_STEP (tu_req_rep_rounds (req, rep));
    /* a multipart reply, with an empty frame */
    SEND_STR (rep, "", ZMQ_SNDMORE);
    SEND_STR (rep, "r2", 0);
    RECV_STR (req, "", 0);
    CHECK_RCVMORE (req, 1);
    RECV_STR (req, "r2", 0);
    CHECK_RCVMORE (req, 0);
    /* a 1 MiB request and an empty reply */
    CHECK_EQ_INT (MIB, tu_send_pattern (req, MIB, 3, 0));
    CHECK_OK (tu_recv_pattern (rep, MIB, 3, 0));
    SEND_STR (rep, "", 0);
    RECV_STR (req, "", 0);
    /* the state machine is unchanged by the transport */
    CHECK_ERR (EFSM, zmq_send (rep, "x", 1, 0));
    CHECK_OK (zmq_close (rep));
    CHECK_OK (zmq_close (req));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_dealer_router (void)
{
    void *ctx = zmq_ctx_new ();
    void *router = tu_socket (ctx, ZMQ_ROUTER);
    void *dealer = tu_socket (ctx, ZMQ_DEALER);
    void *anon = tu_socket (ctx, ZMQ_DEALER);
    char ep[256], id[256];
    int more = 0, n;
    CHECK (router && dealer && anon);
    CHECK_OK (zmq_bind (router, "tcp://127.0.0.1:*"));
    CHECK_OK (tu_last_endpoint (router, ep, sizeof ep));
    CHECK_OK (zmq_setsockopt (dealer, ZMQ_ROUTING_ID, "dealer-1", 8));
    CHECK_OK (zmq_connect (dealer, ep));
    CHECK_OK (zmq_connect (anon, ep));

    /* the ROUTER sees the routing id the DEALER set before connecting */
    SEND_STR (dealer, "hello", ZMQ_SNDMORE);
    SEND_STR (dealer, "", ZMQ_SNDMORE);
    SEND_STR (dealer, "world", 0);
    RECV_STR (router, "dealer-1", 0);
    CHECK_RCVMORE (router, 1);
    RECV_STR (router, "hello", 0);
    RECV_STR (router, "", 0);
    RECV_STR (router, "world", 0);
    CHECK_RCVMORE (router, 0);
    SEND_STR (router, "dealer-1", ZMQ_SNDMORE);
    SEND_STR (router, "reply", 0);
    RECV_STR (dealer, "reply", 0);
    CHECK_RCVMORE (dealer, 0);

    /* without ZMQ_ROUTING_ID: a generated 5-byte id starting with 0 */
    SEND_STR (anon, "anon", 0);
    n = recv_frame (router, id, sizeof id, &more);
    CHECK_EQ_INT (5, n);
    CHECK_EQ_INT (0, id[0]);
    CHECK_EQ_INT (1, more);
    RECV_STR (router, "anon", 0);
    CHECK_EQ_INT (5, zmq_send (router, id, 5, ZMQ_SNDMORE));
    SEND_STR (router, "to anon", 0);
    RECV_STR (anon, "to anon", 0);

    /* 1 MiB through the ROUTER */
    SEND_STR (router, "dealer-1", ZMQ_SNDMORE);
    CHECK_EQ_INT (MIB, tu_send_pattern (router, MIB, 13, 0));
    CHECK_OK (tu_recv_pattern (dealer, MIB, 13, 0));
    CHECK_OK (zmq_close (router));
    CHECK_OK (zmq_close (dealer));
    CHECK_OK (zmq_close (anon));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ZMQ_CONNECT_ROUTING_ID: a connecting ROUTER names the peer itself, and
 * can address it at once; the bound ROUTER sees the connecter's own
 * ZMQ_ROUTING_ID. */
static void test_connect_routing_id (void)
{
    void *ctx = zmq_ctx_new ();
    void *server = tu_socket (ctx, ZMQ_ROUTER);
    void *client = tu_socket (ctx, ZMQ_ROUTER);
    char ep[256];
    CHECK (server && client);
    CHECK_OK (zmq_setsockopt (server, ZMQ_ROUTING_ID, "server", 6));
    CHECK_OK (zmq_bind (server, "tcp://127.0.0.1:*"));
    CHECK_OK (tu_last_endpoint (server, ep, sizeof ep));
    CHECK_OK (tu_set_int (client, ZMQ_ROUTER_MANDATORY, 1));
    CHECK_OK (zmq_setsockopt (client, ZMQ_ROUTING_ID, "client", 6));
    CHECK_OK (zmq_setsockopt (client, ZMQ_CONNECT_ROUTING_ID, "to-srv", 6));
    CHECK_OK (zmq_connect (client, ep));
    /* the pipe exists from connect on: addressable before the handshake */
    SEND_STR (client, "to-srv", ZMQ_SNDMORE);
    SEND_STR (client, "hello", 0);
    RECV_STR (server, "client", 0);
    RECV_STR (server, "hello", 0);
    SEND_STR (server, "client", ZMQ_SNDMORE);
    SEND_STR (server, "back", 0);
    RECV_STR (client, "to-srv", 0);
    RECV_STR (client, "back", 0);
    /* the option is consumed by that connect: unknown names still fail */
    CHECK_ERR (EHOSTUNREACH, zmq_send (client, "server", 6, ZMQ_SNDMORE));
    CHECK_OK (zmq_close (server));
    CHECK_OK (zmq_close (client));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_wildcard_interfaces (void)
{
    void *ctx = zmq_ctx_new ();
    void *a = tu_socket (ctx, ZMQ_PAIR);
    void *b = tu_socket (ctx, ZMQ_PAIR);
    void *c = tu_socket (ctx, ZMQ_PAIR);
    char ep[256], conn[64];
    CHECK (a && b && c);
    /* "*" host: all IPv4 interfaces, reported as 0.0.0.0 */
    CHECK_OK (zmq_bind (a, "tcp://*:*"));
    CHECK_OK (tu_last_endpoint (a, ep, sizeof ep));
    CHECK (strncmp (ep, "tcp://0.0.0.0:", 14) == 0);
    CHECK (tu_port_of (ep) > 0);
    snprintf (conn, sizeof conn, "tcp://127.0.0.1:%d", tu_port_of (ep));
    CHECK_OK (zmq_connect (b, conn));
    SEND_STR (b, "via *", 0);
    RECV_STR (a, "via *", 0);
    /* unbinding takes the reported address, not the wildcard */
    CHECK_ERR (ENOENT, zmq_unbind (a, "tcp://*:*"));
    CHECK_OK (zmq_unbind (a, ep));

    /* an interface name: "lo" is 127.0.0.1 */
    CHECK_OK (zmq_bind (c, "tcp://lo:*"));
    CHECK_OK (tu_last_endpoint (c, ep, sizeof ep));
    CHECK (strncmp (ep, "tcp://127.0.0.1:", 16) == 0);
    /* port 0 is the same as "*" */
    CHECK_OK (zmq_bind (c, "tcp://127.0.0.1:0"));
    CHECK_OK (tu_last_endpoint (c, ep, sizeof ep));
    CHECK (strncmp (ep, "tcp://127.0.0.1:", 16) == 0);
    CHECK (tu_port_of (ep) > 0);
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_close (c));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_ipv6 (void)
{
    void *ctx, *a, *b, *c;
    char ep[256], conn[64];
    zmq_msg_t msg;
    const char *peer;
    if (!have_ipv6_loopback ()) {
        printf ("     (no ::1 here: IPv6 part skipped)\n");
        return;
    }
    ctx = zmq_ctx_new ();
    a = tu_socket (ctx, ZMQ_PAIR);
    b = tu_socket (ctx, ZMQ_PAIR);
    CHECK (a && b);
    /* without ZMQ_IPV6 an IPv6 address does not resolve */
    CHECK_ERR (ENODEV, zmq_bind (a, "tcp://[::1]:*"));
    CHECK_OK (tu_set_int (a, ZMQ_IPV6, 1));
    CHECK_OK (zmq_bind (a, "tcp://[::1]:*"));
    CHECK_OK (tu_last_endpoint (a, ep, sizeof ep));
    CHECK (strncmp (ep, "tcp://[::1]:", 12) == 0);
    CHECK (tu_port_of (ep) > 0);
    CHECK_OK (tu_set_int (b, ZMQ_IPV6, 1));
    CHECK_OK (zmq_connect (b, ep));
    SEND_STR (b, "over ::1", 0);
    zmq_msg_init (&msg);
    CHECK_EQ_INT (8, zmq_msg_recv (&msg, a, 0));
    peer = zmq_msg_gets (&msg, "Peer-Address");
    CHECK_EQ_STR ("::1", peer);
    zmq_msg_close (&msg);
    SEND_STR (a, "back", 0);
    RECV_STR (b, "back", 0);
    CHECK_OK (zmq_unbind (a, ep));
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));

    /* "*" with ZMQ_IPV6 is the dual-stack [::], which accepts IPv4 peers
     * (seen as IPv4-mapped addresses) */
    a = tu_socket (ctx, ZMQ_PAIR);
    c = tu_socket (ctx, ZMQ_PAIR);
    CHECK (a && c);
    CHECK_OK (tu_set_int (a, ZMQ_IPV6, 1));
    CHECK_OK (zmq_bind (a, "tcp://*:*"));
    CHECK_OK (tu_last_endpoint (a, ep, sizeof ep));
    CHECK (strncmp (ep, "tcp://[::]:", 11) == 0);
    snprintf (conn, sizeof conn, "tcp://127.0.0.1:%d", tu_port_of (ep));
    CHECK_OK (zmq_connect (c, conn));
    SEND_STR (c, "v4 to [::]", 0);
    zmq_msg_init (&msg);
    CHECK_EQ_INT (10, zmq_msg_recv (&msg, a, 0));
    CHECK_EQ_STR ("::ffff:127.0.0.1", zmq_msg_gets (&msg, "Peer-Address"));
    zmq_msg_close (&msg);
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (c));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* A connecting PUSH/PAIR gets its pipe at once: messages sent before the
 * peer binds are queued and delivered, in order, once it does. */
static void test_connect_before_bind (void)
{
    void *ctx = zmq_ctx_new ();
    void *push = tu_socket (ctx, ZMQ_PUSH);
    void *pair = tu_socket (ctx, ZMQ_PAIR);
    void *pull, *pair2;
    char ep[64], ep2[64];
    int port = free_tcp_port (), port2 = free_tcp_port ();
    CHECK (push && pair);
    CHECK (port > 0 && port2 > 0);
    snprintf (ep, sizeof ep, "tcp://127.0.0.1:%d", port);
    snprintf (ep2, sizeof ep2, "tcp://127.0.0.1:%d", port2);
    CHECK_OK (zmq_connect (push, ep));
    CHECK_OK (zmq_connect (pair, ep2));
    SEND_STR (push, "early-1", 0);
    SEND_STR (push, "early-2", ZMQ_SNDMORE);
    SEND_STR (push, "early-3", 0);
    SEND_STR (pair, "queued", ZMQ_DONTWAIT);
    tu_sleep_ms (250); /* a few failed connection attempts */

    pull = tu_socket (ctx, ZMQ_PULL);
    pair2 = tu_socket (ctx, ZMQ_PAIR);
    CHECK (pull && pair2);
    CHECK_OK (zmq_bind (pull, ep));
    CHECK_OK (zmq_bind (pair2, ep2));
    RECV_STR (pull, "early-1", 0);
    RECV_STR (pull, "early-2", 0);
    CHECK_RCVMORE (pull, 1);
    RECV_STR (pull, "early-3", 0);
    CHECK_RCVMORE (pull, 0);
    RECV_STR (pair2, "queued", 0);
    SEND_STR (pair2, "answer", 0);
    RECV_STR (pair, "answer", 0);
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_close (pull));
    CHECK_OK (zmq_close (pair));
    CHECK_OK (zmq_close (pair2));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ZMQ_IMMEDIATE: no pipe before the connection is up, so a send with
 * DONTWAIT has nowhere to go. */
static void test_immediate (void)
{
    void *ctx = zmq_ctx_new ();
    void *push = tu_socket (ctx, ZMQ_PUSH);
    void *pull;
    char ep[64];
    int port = free_tcp_port (), i, rc = -1;
    CHECK (push != NULL && port > 0);
    snprintf (ep, sizeof ep, "tcp://127.0.0.1:%d", port);
    CHECK_OK (tu_set_int (push, ZMQ_IMMEDIATE, 1));
    CHECK_OK (zmq_connect (push, ep));
    CHECK_ERR (EAGAIN, zmq_send (push, "x", 1, ZMQ_DONTWAIT));
    pull = tu_socket (ctx, ZMQ_PULL);
    CHECK (pull != NULL);
    CHECK_OK (zmq_bind (pull, ep));
    for (i = 0; i < 100 && rc < 0; i++) {
        rc = zmq_send (push, "now", 3, ZMQ_DONTWAIT);
        if (rc < 0) {
            CHECK_EQ_INT (EAGAIN, errno);
            tu_sleep_ms (20);
        }
    }
    CHECK_EQ_INT (3, rc);
    RECV_STR (pull, "now", 0);
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_close (pull));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_eaddrinuse (void)
{
    void *ctx = zmq_ctx_new ();
    void *a = tu_socket (ctx, ZMQ_PULL);
    void *b = tu_socket (ctx, ZMQ_PULL);
    char ep[256], conn[64];
    int lfd, port = 0;
    CHECK (a && b);
    CHECK_OK (zmq_bind (a, "tcp://127.0.0.1:*"));
    CHECK_OK (tu_last_endpoint (a, ep, sizeof ep));
    CHECK_ERR (EADDRINUSE, zmq_bind (b, ep));
    CHECK_ERR (EADDRINUSE, zmq_bind (a, ep));
    /* the failed binds changed nothing: b is still unbound */
    CHECK_ERR (ENOENT, zmq_unbind (b, ep));

    /* a port held by a plain listening socket */
    lfd = raw_listen (&port);
    CHECK (lfd >= 0);
    snprintf (conn, sizeof conn, "tcp://127.0.0.1:%d", port);
    CHECK_ERR (EADDRINUSE, zmq_bind (b, conn));
    close (lfd);
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_unbind_rebind (void)
{
    void *ctx = zmq_ctx_new ();
    void *pull = tu_socket (ctx, ZMQ_PULL);
    void *push = tu_socket (ctx, ZMQ_PUSH);
    char ep[256], again[256];
    int fd = -1, i;
    CHECK (pull && push);
    CHECK_OK (zmq_bind (pull, "tcp://127.0.0.1:*"));
    CHECK_OK (tu_last_endpoint (pull, ep, sizeof ep));
    /* the wildcard string used to bind does not name the endpoint */
    CHECK_ERR (ENOENT, zmq_unbind (pull, "tcp://127.0.0.1:*"));
    CHECK_OK (zmq_unbind (pull, ep));
    CHECK_ERR (ENOENT, zmq_unbind (pull, ep));
    /* soon nobody listens there any more (the listener is closed
     * asynchronously) */
    for (i = 0; i < 100; i++) {
        fd = raw_connect (tu_port_of (ep));
        if (fd < 0)
            break;
        close (fd);
        tu_sleep_ms (20);
    }
    CHECK (fd < 0);
    /* the same port can be bound again (SO_REUSEADDR: no TIME_WAIT
     * trouble) */
    CHECK_OK (tu_bind_retry (pull, ep));
    CHECK_OK (tu_last_endpoint (pull, again, sizeof again));
    CHECK_EQ_STR (ep, again);
    CHECK_OK (zmq_connect (push, ep));
    SEND_STR (push, "rebound", 0);
    RECV_STR (pull, "rebound", 0);
    /* an explicit endpoint unbinds by its own string */
    CHECK_OK (zmq_unbind (pull, ep));
    /* unknown or malformed endpoints */
    CHECK_ERR (ENOENT, zmq_unbind (pull, "tcp://127.0.0.1:1"));
    CHECK_ERR (ENOENT, zmq_unbind (pull, "tcp://nosuchif0:1"));
    CHECK_ERR (EPROTONOSUPPORT, zmq_unbind (pull, "foo://x"));
    CHECK_ERR (EINVAL, zmq_unbind (pull, "tcp:/x"));
    CHECK_OK (zmq_close (pull));
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* Unbinding also closes the connections accepted on that endpoint: the
 * PUSH ends up with no pipe (EAGAIN). */
static void test_unbind_drops_connections (void)
{
    void *ctx = zmq_ctx_new ();
    void *push, *pull;
    char ep[256];
    CHECK (ctx != NULL);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_PUSH, ZMQ_PULL,
                               "tcp://127.0.0.1:*", &push, &pull));
    CHECK_OK (tu_last_endpoint (push, ep, sizeof ep));
    SEND_STR (push, "before", 0);
    RECV_STR (pull, "before", 0);
    CHECK_OK (zmq_unbind (push, ep));
    CHECK_EQ_INT (-1, tu_send_until_refused (push));
    CHECK_EQ_INT (EAGAIN, errno);
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_close (pull));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_disconnect (void)
{
    void *ctx = zmq_ctx_new ();
    void *push, *pull;
    char ep[256];
    CHECK (ctx != NULL);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_PULL, ZMQ_PUSH,
                               "tcp://127.0.0.1:*", &pull, &push));
    CHECK_OK (tu_last_endpoint (pull, ep, sizeof ep));
    SEND_STR (push, "connected", 0);
    RECV_STR (pull, "connected", 0);
    CHECK_ERR (ENOENT, zmq_disconnect (push, "tcp://127.0.0.1:1"));
    CHECK_ERR (ENOENT, zmq_disconnect (push, "tcp://127.0.0.1:*"));
    CHECK_ERR (ENOENT, zmq_disconnect (push, "tcp://127.0.0.1"));
    CHECK_OK (zmq_disconnect (push, ep));
    CHECK_ERR (ENOENT, zmq_disconnect (push, ep));
    CHECK_EQ_INT (-1, tu_send_until_refused (push));
    CHECK_EQ_INT (EAGAIN, errno);
    /* connecting again works */
    CHECK_OK (zmq_connect (push, ep));
    SEND_STR (push, "again", 0);
    for (;;) {
        char buf[16];
        int n = zmq_recv (pull, buf, sizeof buf, 0);
        CHECK (n >= 0);
        if (n == 5 && memcmp (buf, "again", 5) == 0)
            break;
        CHECK (n == 1 && buf[0] == 'x'); /* one sent before the drop */
    }
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_close (pull));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_bad_addresses (void)
{
    void *ctx = zmq_ctx_new ();
    void *s = tu_socket (ctx, ZMQ_PAIR);
    char ep[256];
    CHECK (s != NULL);
    /* bind: missing or empty port, non-numeric port */
    CHECK_ERR (EINVAL, zmq_bind (s, "tcp://127.0.0.1"));
    CHECK_ERR (EINVAL, zmq_bind (s, "tcp://127.0.0.1:"));
    CHECK_ERR (EINVAL, zmq_bind (s, "tcp://127.0.0.1:abc"));
    CHECK_ERR (EINVAL, zmq_bind (s, "tcp://"));
    CHECK_ERR (EINVAL, zmq_bind (s, "tcp:/127.0.0.1:5555"));
    /* bind: hosts that are neither an address nor an interface */
    CHECK_ERR (ENODEV, zmq_bind (s, "tcp://nosuchif0:5555"));
    CHECK_ERR (ENODEV, zmq_bind (s, "tcp://256.1.1.1:5555"));
    CHECK_ERR (ENODEV, zmq_bind (s, "tcp://:5555"));
    CHECK_ERR (ENODEV, zmq_bind (s, "tcp://[::1]:5555")); /* no ZMQ_IPV6 */
    CHECK_ERR (EPROTONOSUPPORT, zmq_bind (s, "foo://127.0.0.1:5555"));
    /* connect: a wildcard or missing port, or a wildcard host */
    CHECK_ERR (EINVAL, zmq_connect (s, "tcp://127.0.0.1:*"));
    CHECK_ERR (EINVAL, zmq_connect (s, "tcp://127.0.0.1"));
    CHECK_ERR (EINVAL, zmq_connect (s, "tcp://127.0.0.1:"));
    CHECK_ERR (EINVAL, zmq_connect (s, "tcp://*:5555"));
    CHECK_ERR (EINVAL, zmq_connect (s, "tcp://127.0.0.1:abc"));
    CHECK_ERR (EINVAL, zmq_connect (s, "tcp://"));
    /* a source address with a wildcard remote port */
    CHECK_ERR (EINVAL, zmq_connect (s, "tcp://127.0.0.1:6666;127.0.0.1:*"));
    CHECK_OK (zmq_close (s));

    /* connect resolves host names later: an unknown one is accepted at
     * once, and LAST_ENDPOINT is the string as given */
    s = tu_socket (ctx, ZMQ_PAIR);
    CHECK (s != NULL);
    CHECK_OK (zmq_connect (s, "tcp://nosuchif0:5555"));
    CHECK_OK (tu_last_endpoint (s, ep, sizeof ep));
    CHECK_EQ_STR ("tcp://nosuchif0:5555", ep);
    CHECK_OK (zmq_close (s));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* "source;destination": the connection leaves from the given address. */
static void test_source_address (void)
{
    void *ctx = zmq_ctx_new ();
    void *pull = tu_socket (ctx, ZMQ_PULL);
    void *push = tu_socket (ctx, ZMQ_PUSH);
    char ep[256], conn[128];
    int src = free_tcp_port ();
    zmq_msg_t msg;
    int fd;
    struct sockaddr_in sa;
    socklen_t len = sizeof sa;
    CHECK (pull && push && src > 0);
    CHECK_OK (zmq_bind (pull, "tcp://127.0.0.1:*"));
    CHECK_OK (tu_last_endpoint (pull, ep, sizeof ep));
    snprintf (conn, sizeof conn, "tcp://127.0.0.1:%d;127.0.0.1:%d", src,
              tu_port_of (ep));
    CHECK_OK (zmq_connect (push, conn));
    SEND_STR (push, "from src", 0);
    zmq_msg_init (&msg);
    CHECK_EQ_INT (8, zmq_msg_recv (&msg, pull, 0));
    fd = zmq_msg_get (&msg, ZMQ_SRCFD);
    CHECK (fd >= 0);
    CHECK_OK (getpeername (fd, (struct sockaddr *) &sa, &len));
    CHECK_EQ_INT (src, ntohs (sa.sin_port));
    zmq_msg_close (&msg);
    CHECK_OK (zmq_close (pull));
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ---- message properties from the wire ------------------------------------ */

static void test_msg_properties (void)
{
    void *ctx = zmq_ctx_new ();
    void *pull, *push, *router, *dealer, *rep, *req;
    char ep[256];
    zmq_msg_t msg;
    CHECK (ctx != NULL);

    pull = tu_socket (ctx, ZMQ_PULL);
    push = tu_socket (ctx, ZMQ_PUSH);
    CHECK (pull && push);
    CHECK_OK (zmq_bind (pull, "tcp://127.0.0.1:*"));
    CHECK_OK (tu_last_endpoint (pull, ep, sizeof ep));
    /* set, but a PUSH does not announce it */
    CHECK_OK (zmq_setsockopt (push, ZMQ_ROUTING_ID, "push-id", 7));
    CHECK_OK (zmq_connect (push, ep));
    SEND_STR (push, "props", 0);
    zmq_msg_init (&msg);
    CHECK_EQ_INT (5, zmq_msg_recv (&msg, pull, 0));
    /* the peer's socket type and address */
    CHECK_EQ_STR ("PUSH", zmq_msg_gets (&msg, "Socket-Type"));
    CHECK_EQ_STR ("127.0.0.1", zmq_msg_gets (&msg, "Peer-Address"));
    /* names are matched exactly */
    errno = 0;
    CHECK (zmq_msg_gets (&msg, "socket-type") == NULL);
    CHECK_EQ_INT (EINVAL, errno);
    /* a PUSH sends no Identity property; there is no User-Id with NULL */
    errno = 0;
    CHECK (zmq_msg_gets (&msg, "Identity") == NULL);
    CHECK_EQ_INT (EINVAL, errno);
    errno = 0;
    CHECK (zmq_msg_gets (&msg, "User-Id") == NULL);
    CHECK_EQ_INT (EINVAL, errno);
    errno = 0;
    CHECK (zmq_msg_gets (&msg, "X-Unknown") == NULL);
    CHECK_EQ_INT (EINVAL, errno);
    /* ZMQ_SRCFD: the connection's file descriptor */
    CHECK (zmq_msg_get (&msg, ZMQ_SRCFD) >= 0);
    zmq_msg_close (&msg);
    zmq_close (pull);
    zmq_close (push);

    /* DEALER, ROUTER and REQ send their routing id as "Identity" */
    router = tu_socket (ctx, ZMQ_ROUTER);
    dealer = tu_socket (ctx, ZMQ_DEALER);
    CHECK (router && dealer);
    CHECK_OK (zmq_bind (router, "tcp://127.0.0.1:*"));
    CHECK_OK (tu_last_endpoint (router, ep, sizeof ep));
    CHECK_OK (zmq_setsockopt (dealer, ZMQ_ROUTING_ID, "dealer-1", 8));
    CHECK_OK (zmq_connect (dealer, ep));
    SEND_STR (dealer, "x", 0);
    RECV_STR (router, "dealer-1", 0);
    zmq_msg_init (&msg);
    CHECK_EQ_INT (1, zmq_msg_recv (&msg, router, 0));
    CHECK_EQ_STR ("DEALER", zmq_msg_gets (&msg, "Socket-Type"));
    CHECK_EQ_STR ("dealer-1", zmq_msg_gets (&msg, "Identity"));
    CHECK_EQ_STR ("127.0.0.1", zmq_msg_gets (&msg, "Peer-Address"));
    zmq_msg_close (&msg);
    /* ... and the DEALER sees the ROUTER's (empty) one */
    SEND_STR (router, "dealer-1", ZMQ_SNDMORE);
    SEND_STR (router, "y", 0);
    zmq_msg_init (&msg);
    CHECK_EQ_INT (1, zmq_msg_recv (&msg, dealer, 0));
    CHECK_EQ_STR ("ROUTER", zmq_msg_gets (&msg, "Socket-Type"));
    CHECK_EQ_STR ("", zmq_msg_gets (&msg, "Identity"));
    zmq_msg_close (&msg);
    zmq_close (router);
    zmq_close (dealer);

    CHECK_OK (tu_bind_connect (ctx, ZMQ_REP, ZMQ_REQ,
                               "tcp://127.0.0.1:*", &rep, &req));
    SEND_STR (req, "q", 0);
    zmq_msg_init (&msg);
    CHECK_EQ_INT (1, zmq_msg_recv (&msg, rep, 0));
    CHECK_EQ_STR ("REQ", zmq_msg_gets (&msg, "Socket-Type"));
    CHECK_EQ_STR ("", zmq_msg_gets (&msg, "Identity"));
    zmq_msg_close (&msg);
    SEND_STR (rep, "a", 0);
    zmq_msg_init (&msg);
    CHECK_EQ_INT (1, zmq_msg_recv (&msg, req, 0));
    CHECK_EQ_STR ("REP", zmq_msg_gets (&msg, "Socket-Type"));
    zmq_msg_close (&msg);
    zmq_close (rep);
    zmq_close (req);
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ---- limits and reconnection --------------------------------------------- */

/* ZMQ_MAXMSGSIZE on the receiver: a frame up to the limit passes, a larger
 * one makes the receiver drop that connection (the message is lost);
 * other peers are unaffected. */
static void test_maxmsgsize (void)
{
    void *ctx = zmq_ctx_new ();
    void *pull = tu_socket (ctx, ZMQ_PULL);
    void *push = tu_socket (ctx, ZMQ_PUSH);
    void *other = tu_socket (ctx, ZMQ_PUSH);
    char ep[256];
    int64_t max = 1000;
    char buf[2048];
    int t = 300;
    CHECK (pull && push && other);
    CHECK_OK (zmq_setsockopt (pull, ZMQ_MAXMSGSIZE, &max, sizeof max));
    CHECK_OK (zmq_bind (pull, "tcp://127.0.0.1:*"));
    CHECK_OK (tu_last_endpoint (pull, ep, sizeof ep));
    CHECK_OK (zmq_connect (push, ep));
    CHECK_EQ_INT (1000, tu_send_pattern (push, 1000, 1, 0));
    CHECK_OK (tu_recv_pattern (pull, 1000, 1, 0));
    CHECK_EQ_INT (1001, tu_send_pattern (push, 1001, 2, 0));
    CHECK_OK (zmq_setsockopt (pull, ZMQ_RCVTIMEO, &t, sizeof t));
    CHECK_ERR (EAGAIN, zmq_recv (pull, buf, sizeof buf, 0));
    /* the limit is per frame, not per message */
    CHECK_OK (zmq_connect (other, ep));
    CHECK_EQ_INT (600, tu_send_pattern (other, 600, 3, ZMQ_SNDMORE));
    CHECK_EQ_INT (600, tu_send_pattern (other, 600, 4, 0));
    t = TU_TIMEOUT_MS;
    CHECK_OK (zmq_setsockopt (pull, ZMQ_RCVTIMEO, &t, sizeof t));
    CHECK_OK (tu_recv_pattern (pull, 600, 3, 1));
    CHECK_OK (tu_recv_pattern (pull, 600, 4, 0));
    CHECK_OK (zmq_close (pull));
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_close (other));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* A PUSH connected to a PULL that goes away and comes back on the same
 * port reconnects by itself; later messages arrive. */
static void test_peer_restart (void)
{
    tu_peer_restart ("tcp://127.0.0.1:*");
}

/* Messages queued while a connection is down all go out once it is back:
 * the first of them is not taken for the rest of one the lost connection
 * cut short. */
static void test_reconnect_keeps_queue (void)
{
    void *ctx = zmq_ctx_new ();
    void *pull = tu_socket (ctx, ZMQ_PULL);
    void *push = tu_socket (ctx, ZMQ_PUSH);
    char ep[256];
    CHECK (pull && push);
    CHECK (tu_push_to_vanishing_pull (push, pull, "tcp://127.0.0.1:*",
                                      ep, sizeof ep));
    tu_sleep_ms (300); /* the PUSH has seen the connection end */
    SEND_STR (push, "a", ZMQ_DONTWAIT);
    SEND_STR (push, "b", ZMQ_SNDMORE | ZMQ_DONTWAIT);
    SEND_STR (push, "c", ZMQ_DONTWAIT);
    pull = tu_socket (ctx, ZMQ_PULL);
    CHECK (pull != NULL);
    CHECK_OK (tu_bind_retry (pull, ep));
    RECV_STR (pull, "a", 0);
    CHECK_RCVMORE (pull, 0);
    RECV_STR (pull, "b", 0);
    CHECK_RCVMORE (pull, 1);
    RECV_STR (pull, "c", 0);
    CHECK_OK (zmq_close (pull));
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ---- STREAM --------------------------------------------------------------- */

/* A STREAM server and a plain TCP client: connect and disconnect
 * notifications ([id, ""]), raw bytes both ways, closing a connection by
 * sending an empty frame, EHOSTUNREACH for unknown ids. */
static void test_stream_server (void)
{
    void *ctx = zmq_ctx_new ();
    void *stream = tu_socket (ctx, ZMQ_STREAM);
    char ep[256], id[256], id2[256], buf[256];
    int fd, fd2, more = 0, n, idlen, i;
    CHECK (stream != NULL);
    CHECK_OK (zmq_bind (stream, "tcp://127.0.0.1:*"));
    CHECK_OK (tu_last_endpoint (stream, ep, sizeof ep));
    fd = raw_connect (tu_port_of (ep));
    CHECK (fd >= 0);

    /* connect notification: generated 5-byte id, then an empty frame */
    idlen = recv_frame (stream, id, sizeof id, &more);
    CHECK_EQ_INT (5, idlen);
    CHECK_EQ_INT (0, id[0]);
    CHECK_EQ_INT (1, more);
    RECV_STR (stream, "", 0);
    CHECK_RCVMORE (stream, 0);

    /* raw bytes arrive as [id, data]; the greeting-free STREAM sends
     * nothing of its own */
    CHECK_EQ_INT (5, send (fd, "hello", 5, 0));
    n = recv_frame (stream, id2, sizeof id2, &more);
    CHECK_EQ_INT (5, n);
    CHECK_MEM (id, id2, 5);
    RECV_STR (stream, "hello", 0);
    CHECK_RCVMORE (stream, 0);

    CHECK_EQ_INT (5, zmq_send (stream, id, 5, ZMQ_SNDMORE));
    SEND_STR (stream, "world", 0);
    CHECK_EQ_INT (5, raw_read (fd, buf, 5));
    CHECK_MEM ("world", buf, 5);

    /* unknown peer */
    CHECK_ERR (EHOSTUNREACH, zmq_send (stream, "nosuch", 6, ZMQ_SNDMORE));

    /* the client goes away: disconnect notification [id, ""] */
    close (fd);
    n = recv_frame (stream, id2, sizeof id2, &more);
    CHECK_EQ_INT (5, n);
    CHECK_MEM (id, id2, 5);
    RECV_STR (stream, "", 0);
    CHECK_RCVMORE (stream, 0);

    /* the server closes a connection by sending an empty frame */
    fd2 = raw_connect (tu_port_of (ep));
    CHECK (fd2 >= 0);
    idlen = recv_frame (stream, id, sizeof id, &more);
    CHECK_EQ_INT (5, idlen);
    CHECK (memcmp (id, id2, 5) != 0); /* a new id per connection */
    RECV_STR (stream, "", 0);
    CHECK_EQ_INT (5, zmq_send (stream, id, 5, ZMQ_SNDMORE));
    CHECK_EQ_INT (0, zmq_send (stream, "", 0, 0));
    /* keep the socket busy (command processing) while waiting for EOF */
    n = -1;
    for (i = 0; i < 40 && n != 0; i++) {
        struct pollfd pfd;
        char junk[64];
        zmq_recv (stream, junk, sizeof junk, ZMQ_DONTWAIT);
        pfd.fd = fd2;
        pfd.events = POLLIN;
        pfd.revents = 0;
        if (poll (&pfd, 1, 50) == 1)
            n = (int) recv (fd2, buf, sizeof buf, 0);
    }
    CHECK_EQ_INT (0, n);
    close (fd2);
    CHECK_OK (zmq_close (stream));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* A STREAM client connecting to a plain TCP listener, naming the
 * connection with ZMQ_CONNECT_ROUTING_ID. */
static void test_stream_client (void)
{
    void *ctx = zmq_ctx_new ();
    void *stream = tu_socket (ctx, ZMQ_STREAM);
    char ep[64], buf[64];
    int lfd, cfd, port = 0;
    CHECK (stream != NULL);
    lfd = raw_listen (&port);
    CHECK (lfd >= 0);
    snprintf (ep, sizeof ep, "tcp://127.0.0.1:%d", port);
    CHECK_OK (zmq_setsockopt (stream, ZMQ_CONNECT_ROUTING_ID, "conn-1", 6));
    CHECK_OK (zmq_connect (stream, ep));
    cfd = raw_accept (lfd);
    CHECK (cfd >= 0);
    /* connect notification under the chosen id */
    RECV_STR (stream, "conn-1", 0);
    CHECK_RCVMORE (stream, 1);
    RECV_STR (stream, "", 0);
    CHECK_RCVMORE (stream, 0);
    CHECK_EQ_INT (6, zmq_send (stream, "conn-1", 6, ZMQ_SNDMORE));
    SEND_STR (stream, "abc", 0);
    CHECK_EQ_INT (3, raw_read (cfd, buf, 3));
    CHECK_MEM ("abc", buf, 3);
    CHECK_EQ_INT (3, send (cfd, "xyz", 3, 0));
    RECV_STR (stream, "conn-1", 0);
    RECV_STR (stream, "xyz", 0);
    close (cfd);
    RECV_STR (stream, "conn-1", 0);
    RECV_STR (stream, "", 0);
    close (lfd);
    CHECK_OK (zmq_close (stream));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* STREAM to STREAM: the connecting side's pipe exists from zmq_connect
 * (as libzmq's), so a message to its ZMQ_CONNECT_ROUTING_ID may be sent
 * at once and goes out when the connection is made; a connect without one
 * has its generated id readable as ZMQ_ROUTING_ID right away. */
static void test_stream_to_stream (void)
{
    void *ctx = zmq_ctx_new ();
    void *server = tu_socket (ctx, ZMQ_STREAM);
    void *client = tu_socket (ctx, ZMQ_STREAM);
    void *client2 = tu_socket (ctx, ZMQ_STREAM);
    char ep[256], id[256], rid[256];
    size_t rid_len = sizeof rid;
    int more = 0;
    CHECK (server && client && client2);
    CHECK_OK (tu_set_int (server, ZMQ_STREAM_NOTIFY, 0));
    CHECK_OK (zmq_bind (server, "tcp://127.0.0.1:*"));
    CHECK_OK (tu_last_endpoint (server, ep, sizeof ep));
    CHECK_OK (zmq_setsockopt (client, ZMQ_CONNECT_ROUTING_ID, "Y", 1));
    CHECK_OK (zmq_connect (client, ep));
    SEND_STR (client, "Y", ZMQ_SNDMORE);
    SEND_STR (client, "hi 1", 0);
    CHECK_EQ_INT (5, recv_frame (server, id, sizeof id, &more));
    CHECK_EQ_INT (0, id[0]);
    CHECK_EQ_INT (1, more);
    RECV_STR (server, "hi 1", 0);
    /* the client heard of its connection: [Y, ""] */
    RECV_STR (client, "Y", 0);
    RECV_STR (client, "", 0);

    CHECK_OK (zmq_connect (client2, ep));
    CHECK_OK (zmq_getsockopt (client2, ZMQ_ROUTING_ID, rid, &rid_len));
    CHECK_EQ_INT (5, (int) rid_len);
    CHECK_EQ_INT (0, rid[0]);
    CHECK_EQ_INT (5, zmq_send (client2, rid, 5, ZMQ_SNDMORE));
    SEND_STR (client2, "hi 2", 0);
    CHECK_EQ_INT (5, recv_frame (server, id, sizeof id, &more));
    RECV_STR (server, "hi 2", 0);
    CHECK_OK (zmq_close (client));
    CHECK_OK (zmq_close (client2));
    CHECK_OK (zmq_close (server));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ---- draft options on the wire -------------------------------------------- */

#ifndef ZMQRS_SKIP_DRAFT
/* ZMQ_ROUTER_NOTIFY: over tcp the ROUTER gets [id, ""] when a peer's
 * handshake completes and again when it goes away. */
static void test_router_notify (void)
{
    void *ctx = zmq_ctx_new ();
    void *router = tu_socket (ctx, ZMQ_ROUTER);
    void *dealer = tu_socket (ctx, ZMQ_DEALER);
    char ep[256];
    CHECK (router && dealer);
    CHECK_OK (tu_set_int (router, ZMQ_ROUTER_NOTIFY,
                          ZMQ_NOTIFY_CONNECT | ZMQ_NOTIFY_DISCONNECT));
    CHECK_OK (zmq_bind (router, "tcp://127.0.0.1:*"));
    CHECK_OK (tu_last_endpoint (router, ep, sizeof ep));
    CHECK_OK (zmq_setsockopt (dealer, ZMQ_ROUTING_ID, "d1", 2));
    CHECK_OK (zmq_connect (dealer, ep));
    RECV_STR (router, "d1", 0);
    CHECK_RCVMORE (router, 1);
    RECV_STR (router, "", 0);
    CHECK_RCVMORE (router, 0);
    SEND_STR (dealer, "hi", 0);
    RECV_STR (router, "d1", 0);
    RECV_STR (router, "hi", 0);
    CHECK_OK (zmq_close (dealer));
    RECV_STR (router, "d1", 0);
    CHECK_RCVMORE (router, 1);
    RECV_STR (router, "", 0);
    CHECK_RCVMORE (router, 0);
    CHECK_OK (zmq_close (router));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ZMQ_HELLO_MSG: sent to every new peer; ZMQ_DISCONNECT_MSG: received
 * from a peer whose connection is lost. */
static void test_hello_disconnect_msg (void)
{
    void *ctx = zmq_ctx_new ();
    void *router = tu_socket (ctx, ZMQ_ROUTER);
    void *dealer = tu_socket (ctx, ZMQ_DEALER);
    char ep[256];
    CHECK (router && dealer);
    CHECK_OK (zmq_setsockopt (router, ZMQ_HELLO_MSG, "H", 1));
    CHECK_OK (zmq_setsockopt (router, ZMQ_DISCONNECT_MSG, "D", 1));
    CHECK_OK (zmq_bind (router, "tcp://127.0.0.1:*"));
    CHECK_OK (tu_last_endpoint (router, ep, sizeof ep));
    CHECK_OK (zmq_setsockopt (dealer, ZMQ_ROUTING_ID, "d2", 2));
    CHECK_OK (zmq_connect (dealer, ep));
    RECV_STR (dealer, "H", 0);
    SEND_STR (dealer, "x", 0);
    RECV_STR (router, "d2", 0);
    RECV_STR (router, "x", 0);
    CHECK_OK (zmq_close (dealer));
    RECV_STR (router, "d2", 0);
    RECV_STR (router, "D", 0);
    CHECK_RCVMORE (router, 0);
    CHECK_OK (zmq_close (router));
    CHECK_OK (zmq_ctx_term (ctx));
}
#endif

int main (void)
{
    alarm (120);
    RUN (test_pair_last_endpoint);
    RUN (test_pair_multipart_empty_large);
    RUN (test_pushpull);
    RUN (test_reqrep);
    RUN (test_dealer_router);
    RUN (test_connect_routing_id);
    RUN (test_wildcard_interfaces);
    RUN (test_ipv6);
    RUN (test_connect_before_bind);
    RUN (test_immediate);
    RUN (test_eaddrinuse);
    RUN (test_unbind_rebind);
    RUN (test_unbind_drops_connections);
    RUN (test_disconnect);
    RUN (test_bad_addresses);
    RUN (test_source_address);
    RUN (test_msg_properties);
    RUN (test_maxmsgsize);
    RUN (test_peer_restart);
    RUN (test_reconnect_keeps_queue);
    RUN (test_stream_server);
    RUN (test_stream_client);
    RUN (test_stream_to_stream);
#ifndef ZMQRS_SKIP_DRAFT
    RUN (test_router_notify);
    RUN (test_hello_disconnect_msg);
#endif
    return test_summary ();
}
