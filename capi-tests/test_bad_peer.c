/* test_bad_peer.c - plain BSD sockets speaking (or mangling) ZMTP to a
 * socket over tcp: the exact greeting bytes and when each part is sent;
 * garbage, truncated greetings, wrong signatures, unknown mechanisms,
 * frames with absurd lengths, handshakes that stall (ZMQ_HANDSHAKE_IVL);
 * after each, the socket still serves a well-behaved peer.  Also the
 * peers libzmq downgrades to (ZMTP 3.0, 2.0, 1.0), heartbeats (PING,
 * PONG, HEARTBEAT_TIMEOUT, the peer's TTL) and the SUBSCRIBE command vs
 * the 3.0 subscription message.  Behaviour checked against libzmq 4.3.4 /
 * 4.3.5.
 * Build with -pthread.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "testutil.h"
#include "rawtcp.h"

/* ---- helpers ---------------------------------------------------------- */

static long now_ms (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 1 if nothing at all arrives (and the connection stays open) for ms. */
static int raw_silent (int fd, int ms)
{
    struct pollfd pfd;
    pfd.fd = fd;
    pfd.events = POLLIN;
    pfd.revents = 0;
    return poll (&pfd, 1, ms) == 0;
}

/* Wait up to ms for the other end to close the connection (EOF or reset),
 * discarding whatever it sends before; 1 if it did. */
static int raw_closed_within (int fd, int ms)
{
    long end = now_ms () + ms;
    char buf[4096];
    for (;;) {
        struct pollfd pfd;
        long left = end - now_ms ();
        ssize_t r;
        if (left <= 0)
            return 0;
        pfd.fd = fd;
        pfd.events = POLLIN;
        pfd.revents = 0;
        if (poll (&pfd, 1, (int) left) != 1)
            return 0;
        r = recv (fd, buf, sizeof buf, MSG_DONTWAIT);
        if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
            return 1;
    }
}

/* A PULL bound to tcp://127.0.0.1:* (endpoint into ep); NULL on error. */
static void *pull_server (void *ctx, char *ep, size_t len)
{
    void *s = tu_socket (ctx, ZMQ_PULL);
    if (s == NULL)
        return NULL;
    if (zmq_bind (s, "tcp://127.0.0.1:*") != 0
        || tu_last_endpoint (s, ep, len) != 0) {
        zmq_close (s);
        return NULL;
    }
    return s;
}

/* A well-behaved PUSH still gets a message through to the PULL server:
 * 1 on success. */
static int still_serves (void *ctx, void *server, const char *ep)
{
    return tu_push_reaches (tu_socket (ctx, ZMQ_PUSH), ep, server);
}

/* ---- the greeting ------------------------------------------------------ */

/* The server sends its greeting in three steps: the 10-byte signature at
 * once; the major version (3) only after the peer's whole signature; the
 * rest (minor 1, "NULL" padded to 20 bytes, as-server 0, 31 zero bytes of
 * filler) only after the peer's major version; READY only after the
 * peer's whole greeting, without waiting for the peer's READY.  Then the
 * peer's properties reach zmq_msg_gets. */
static void test_greeting_bytes (void)
{
    void *ctx = zmq_ctx_new ();
    char ep[256];
    void *server = pull_server (ctx, ep, sizeof ep);
    static const unsigned char sig[10] = {0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f};
    static const unsigned char ready_pull[] = {
      0x05, 'R', 'E', 'A', 'D', 'Y', 0x0b, 'S', 'o', 'c', 'k', 'e', 't', '-',
      'T',  'y', 'p', 'e', 0,   0,   0,   4,   'P', 'U', 'L', 'L'};
    unsigned char buf[128], want[53], g[64], cmd[128];
    int fd, flags, len;
    size_t n;
    zmq_msg_t msg;
    CHECK (server != NULL);
    fd = raw_connect (tu_port_of (ep));
    CHECK (fd >= 0);

    CHECK_EQ_INT (10, raw_read (fd, buf, 10));
    CHECK_MEM (sig, buf, 10);
    CHECK (raw_silent (fd, 200));

    raw_greeting (g, 1, "NULL");
    CHECK_OK (raw_write (fd, g, 10));
    CHECK_EQ_INT (1, raw_read (fd, buf, 1));
    CHECK_EQ_INT (3, buf[0]);
    CHECK (raw_silent (fd, 200));

    CHECK_OK (raw_write (fd, g + 10, 1));
    CHECK_EQ_INT (53, raw_read (fd, buf, 53));
    memset (want, 0, sizeof want);
    want[0] = 1;
    memcpy (want + 1, "NULL", 4);
    CHECK_MEM (want, buf, 53);
    CHECK (raw_silent (fd, 200));

    CHECK_OK (raw_write (fd, g + 11, 53));
    len = read_frame (fd, &flags, buf, sizeof buf);
    CHECK_EQ_INT (0x04, flags);
    CHECK_EQ_INT ((int) sizeof ready_pull, len);
    CHECK_MEM (ready_pull, buf, sizeof ready_pull);

    /* our READY, with an application property, then a message */
    n = make_ready (cmd, "PUSH", "X-Hello", "world");
    CHECK_OK (raw_write (fd, cmd, n));
    CHECK_OK (raw_write (fd, "\x00\x05hello", 7));
    zmq_msg_init (&msg);
    CHECK_EQ_INT (5, zmq_msg_recv (&msg, server, 0));
    CHECK_MEM ("hello", zmq_msg_data (&msg), 5);
    CHECK_EQ_STR ("PUSH", zmq_msg_gets (&msg, "Socket-Type"));
    CHECK_EQ_STR ("world", zmq_msg_gets (&msg, "X-Hello"));
    CHECK_EQ_STR ("127.0.0.1", zmq_msg_gets (&msg, "Peer-Address"));
    zmq_msg_close (&msg);
    /* a long frame (8-byte size) and a multipart message */
    CHECK_OK (raw_write (fd, "\x01\x01" "a\x02\0\0\0\0\0\0\0\x03" "bcd", 15));
    RECV_STR (server, "a", 0);
    CHECK_RCVMORE (server, 1);
    RECV_STR (server, "bcd", 0);
    CHECK_RCVMORE (server, 0);
    close (fd);
    CHECK (still_serves (ctx, server, ep));
    CHECK_OK (zmq_close (server));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* The signature's length field is the routing id's size + 1 (a ZMTP 1.0
 * peer reads the signature as the header of the identity frame); ROUTER,
 * DEALER and REQ send their routing id as the Identity property. */
static void test_greeting_routing_id (void)
{
    void *ctx = zmq_ctx_new ();
    void *dealer = tu_socket (ctx, ZMQ_DEALER);
    void *router = tu_socket (ctx, ZMQ_ROUTER);
    char ep[256], ep2[256];
    static const unsigned char ready_dealer[] = {
      0x05, 'R', 'E', 'A', 'D', 'Y', 0x0b, 'S', 'o', 'c', 'k', 'e', 't',
      '-',  'T', 'y', 'p', 'e', 0,   0,   0,   6,   'D', 'E', 'A', 'L',
      'E',  'R', 8,   'I', 'd', 'e', 'n', 't', 'i', 't', 'y', 0,   0,
      0,    4,   'm', 'y', 'i', 'd'};
    static const unsigned char ready_router[] = {
      0x05, 'R', 'E', 'A', 'D', 'Y', 0x0b, 'S', 'o', 'c', 'k', 'e', 't',
      '-',  'T', 'y', 'p', 'e', 0,   0,   0,   6,   'R', 'O', 'U', 'T',
      'E',  'R', 8,   'I', 'd', 'e', 'n', 't', 'i', 't', 'y', 0,   0,
      0,    0};
    unsigned char buf[256];
    int fd, len;
    CHECK (dealer && router);
    CHECK_OK (zmq_setsockopt (dealer, ZMQ_ROUTING_ID, "myid", 4));
    CHECK_OK (zmq_bind (dealer, "tcp://127.0.0.1:*"));
    CHECK_OK (tu_last_endpoint (dealer, ep, sizeof ep));
    fd = raw_connect (tu_port_of (ep));
    CHECK (fd >= 0);
    CHECK_EQ_INT (10, raw_read (fd, buf, 10));
    CHECK_EQ_INT (0xff, buf[0]);
    CHECK_EQ_INT (5, buf[8]);
    CHECK_EQ_INT (0x7f, buf[9]);
    close (fd);

    fd = raw_connect (tu_port_of (ep));
    CHECK (fd >= 0);
    CHECK_OK (raw_handshake (fd, 1, "DEALER", buf, &len));
    CHECK_EQ_INT ((int) sizeof ready_dealer, len);
    CHECK_MEM (ready_dealer, buf, sizeof ready_dealer);
    close (fd);

    CHECK_OK (zmq_bind (router, "tcp://127.0.0.1:*"));
    CHECK_OK (tu_last_endpoint (router, ep2, sizeof ep2));
    fd = raw_connect (tu_port_of (ep2));
    CHECK (fd >= 0);
    CHECK_OK (raw_handshake (fd, 1, "DEALER", buf, &len));
    CHECK_EQ_INT ((int) sizeof ready_router, len);
    CHECK_MEM (ready_router, buf, sizeof ready_router);
    close (fd);
    CHECK_OK (zmq_close (dealer));
    CHECK_OK (zmq_close (router));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ---- garbage and broken greetings -------------------------------------- */

/* Bytes that do not start with 0xff make libzmq take the peer for an
 * unversioned ZMTP 1.0 peer: it sends nothing beyond its signature. */
static void test_garbage_text (void)
{
    void *ctx = zmq_ctx_new ();
    char ep[256];
    void *server = pull_server (ctx, ep, sizeof ep);
    unsigned char buf[16];
    int fd;
    CHECK (server != NULL);
    fd = raw_connect (tu_port_of (ep));
    CHECK (fd >= 0);
    CHECK_OK (raw_write (fd, "GET / HTTP/1.1\r\n\r\n", 18));
    CHECK_EQ_INT (10, raw_read (fd, buf, 10));
    CHECK (raw_silent (fd, 200));
    CHECK (still_serves (ctx, server, ep));
    close (fd);
    CHECK (still_serves (ctx, server, ep));
    CHECK_OK (zmq_close (server));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_garbage_binary (void)
{
    void *ctx = zmq_ctx_new ();
    char ep[256];
    void *server = pull_server (ctx, ep, sizeof ep);
    unsigned char junk[256];
    int fd, i;
    CHECK (server != NULL);
    /* 0xff all along: a "versioned" greeting with nonsense in it */
    fd = raw_connect (tu_port_of (ep));
    CHECK (fd >= 0);
    memset (junk, 0xff, sizeof junk);
    CHECK_OK (raw_write (fd, junk, sizeof junk));
    CHECK (raw_closed_within (fd, 2000));
    close (fd);
    CHECK (still_serves (ctx, server, ep));
    /* pseudo-random bytes after a valid signature */
    fd = raw_connect (tu_port_of (ep));
    CHECK (fd >= 0);
    for (i = 0; i < (int) sizeof junk; i++)
        junk[i] = (unsigned char) (i * 167 + 13);
    raw_greeting (junk, 1, "NULL");
    memset (junk + 12, 0xa5, 20);
    CHECK_OK (raw_write (fd, junk, sizeof junk));
    CHECK (raw_closed_within (fd, 2000));
    close (fd);
    CHECK (still_serves (ctx, server, ep));
    CHECK_OK (zmq_close (server));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* A peer that sends part of a greeting, then closes (or half-closes). */
static void test_truncated_greeting (void)
{
    void *ctx = zmq_ctx_new ();
    char ep[256];
    void *server = pull_server (ctx, ep, sizeof ep);
    unsigned char g[64];
    int fd, cut;
    CHECK (server != NULL);
    raw_greeting (g, 1, "NULL");
    for (cut = 1; cut < 64; cut += 9) {
        fd = raw_connect (tu_port_of (ep));
        CHECK (fd >= 0);
        CHECK_OK (raw_write (fd, g, (size_t) cut));
        close (fd);
    }
    CHECK (still_serves (ctx, server, ep));
    /* half-close: the server closes its side too */
    fd = raw_connect (tu_port_of (ep));
    CHECK (fd >= 0);
    CHECK_OK (raw_write (fd, g, 20));
    CHECK_OK (shutdown (fd, SHUT_WR));
    CHECK (raw_closed_within (fd, 2000));
    close (fd);
    CHECK (still_serves (ctx, server, ep));
    CHECK_OK (zmq_close (server));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* Signatures libzmq rejects: a zero first byte is a ZMTP 1.0 frame of
 * length 0 (invalid); 0xff with the low bit of byte 9 clear is a 1.0
 * frame with an 8-byte length, here 0 (invalid too). */
static void test_wrong_signature (void)
{
    void *ctx = zmq_ctx_new ();
    char ep[256];
    void *server = pull_server (ctx, ep, sizeof ep);
    static const unsigned char zeros[10] = {0};
    static const unsigned char even[10] = {0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0x7e};
    int fd;
    CHECK (server != NULL);
    fd = raw_connect (tu_port_of (ep));
    CHECK (fd >= 0);
    CHECK_OK (raw_write (fd, zeros, 10));
    CHECK (raw_closed_within (fd, 2000));
    close (fd);
    CHECK (still_serves (ctx, server, ep));
    fd = raw_connect (tu_port_of (ep));
    CHECK (fd >= 0);
    CHECK_OK (raw_write (fd, even, 10));
    CHECK (raw_closed_within (fd, 2000));
    close (fd);
    CHECK (still_serves (ctx, server, ep));
    CHECK_OK (zmq_close (server));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_unknown_mechanism (void)
{
    void *ctx = zmq_ctx_new ();
    char ep[256];
    void *server = pull_server (ctx, ep, sizeof ep);
    static const char *const mechs[] = {"FOO", "PLAIN", "CURVE", "GSSAPI",
                                        "null"};
    unsigned char g[64];
    int fd, i;
    CHECK (server != NULL);
    for (i = 0; i < 5; i++) {
        fd = raw_connect (tu_port_of (ep));
        CHECK (fd >= 0);
        raw_greeting (g, 1, mechs[i]);
        CHECK_OK (raw_write (fd, g, 64));
        CHECK (raw_closed_within (fd, 2000));
        close (fd);
    }
    CHECK (still_serves (ctx, server, ep));
    CHECK_OK (zmq_close (server));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* Commands out of place, a READY for an incompatible socket type, a
 * message before READY: the connection is dropped. */
static void test_bad_handshake_commands (void)
{
    void *ctx = zmq_ctx_new ();
    char ep[256];
    void *server = pull_server (ctx, ep, sizeof ep);
    unsigned char g[64], cmd[128], buf[64];
    size_t n;
    int fd, k;
    CHECK (server != NULL);
    raw_greeting (g, 1, "NULL");
    for (k = 0; k < 3; k++) {
        fd = raw_connect (tu_port_of (ep));
        CHECK (fd >= 0);
        CHECK_OK (raw_write (fd, g, 64));
        CHECK_EQ_INT (64, raw_read (fd, buf, 64));
        if (k == 0)
            CHECK_OK (raw_write (fd, "\x04\x06\x05HELLO", 8));
        else if (k == 1) {
            n = make_ready (cmd, "PULL", NULL, NULL); /* PULL-PULL */
            CHECK_OK (raw_write (fd, cmd, n));
        } else
            CHECK_OK (raw_write (fd, "\x00\x03" "abc", 5));
        CHECK (raw_closed_within (fd, 2000));
        close (fd);
    }
    CHECK (still_serves (ctx, server, ep));
    CHECK_OK (zmq_close (server));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* After the handshake, commands other than PING/PONG/SUBSCRIBE/CANCEL
 * are dropped silently: a second READY, an unknown name, even a command
 * too short for its own name.  They never reach the application. */
static void test_commands_after_handshake (void)
{
    void *ctx = zmq_ctx_new ();
    char ep[256];
    void *server = pull_server (ctx, ep, sizeof ep);
    unsigned char cmd[128];
    size_t n;
    int fd;
    CHECK (server != NULL);
    fd = raw_connect (tu_port_of (ep));
    CHECK (fd >= 0);
    CHECK_OK (raw_handshake (fd, 1, "PUSH", NULL, NULL));
    n = make_ready (cmd, "PUSH", NULL, NULL);
    CHECK_OK (raw_write (fd, cmd, n));
    CHECK_OK (raw_write (fd, "\x04\x07\x06" "FOOBAR", 9));
    CHECK_OK (raw_write (fd, "\x00\x05" "still", 7));
    RECV_STR (server, "still", 0);
    CHECK_OK (raw_write (fd, "\x04\x02\x05R", 4));
    CHECK_OK (raw_write (fd, "\x00\x04" "more", 6));
    RECV_STR (server, "more", 0);
    CHECK_NO_MSG (server);
    close (fd);
    CHECK (still_serves (ctx, server, ep));
    CHECK_OK (zmq_close (server));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* A frame whose 8-byte length cannot be allocated (or exceeds
 * ZMQ_MAXMSGSIZE) drops the connection at once, without waiting for the
 * body. */
static void test_huge_frame (void)
{
    void *ctx = zmq_ctx_new ();
    char ep[256];
    void *server = pull_server (ctx, ep, sizeof ep);
    void *limited;
    static const unsigned char huge[9] = {0x02, 0xff, 0xff, 0xff, 0xff,
                                          0xff, 0xff, 0xff, 0xf0};
    static const unsigned char big[9] = {0x02, 0, 0, 0, 0, 0, 0, 0x03, 0xe9};
    char ep2[256];
    int64_t max = 1000;
    int fd;
    CHECK (server != NULL);
    fd = raw_connect (tu_port_of (ep));
    CHECK (fd >= 0);
    CHECK_OK (raw_handshake (fd, 1, "PUSH", NULL, NULL));
    CHECK_OK (raw_write (fd, huge, 9));
    CHECK (raw_closed_within (fd, 2000));
    close (fd);
    CHECK (still_serves (ctx, server, ep));

    limited = tu_socket (ctx, ZMQ_PULL);
    CHECK (limited != NULL);
    CHECK_OK (zmq_setsockopt (limited, ZMQ_MAXMSGSIZE, &max, sizeof max));
    CHECK_OK (zmq_bind (limited, "tcp://127.0.0.1:*"));
    CHECK_OK (tu_last_endpoint (limited, ep2, sizeof ep2));
    fd = raw_connect (tu_port_of (ep2));
    CHECK (fd >= 0);
    CHECK_OK (raw_handshake (fd, 1, "PUSH", NULL, NULL));
    CHECK_OK (raw_write (fd, big, 9)); /* 1001 bytes announced */
    CHECK (raw_closed_within (fd, 2000));
    close (fd);
    CHECK (still_serves (ctx, limited, ep2));
    CHECK_OK (zmq_close (server));
    CHECK_OK (zmq_close (limited));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ZMQ_HANDSHAKE_IVL: a peer that stalls in the greeting (or sends nothing)
 * is dropped once it expires; one that completed the handshake is not. */
static void test_stalled_handshake (void)
{
    void *ctx = zmq_ctx_new ();
    void *server = tu_socket (ctx, ZMQ_PULL);
    char ep[256];
    unsigned char sig[64];
    long start;
    int fd, fd2, fd3;
    CHECK (server != NULL);
    CHECK_OK (tu_set_int (server, ZMQ_HANDSHAKE_IVL, 200));
    CHECK_OK (zmq_bind (server, "tcp://127.0.0.1:*"));
    CHECK_OK (tu_last_endpoint (server, ep, sizeof ep));

    start = now_ms ();
    fd = raw_connect (tu_port_of (ep));
    fd2 = raw_connect (tu_port_of (ep));
    fd3 = raw_connect (tu_port_of (ep));
    CHECK (fd >= 0 && fd2 >= 0 && fd3 >= 0);
    CHECK_EQ_INT (10, raw_read (fd, sig, 10));
    raw_greeting (sig, 1, "NULL");
    CHECK_OK (raw_write (fd, sig, 10)); /* signature only, then silence */
    CHECK_OK (raw_handshake (fd3, 1, "PUSH", NULL, NULL));
    CHECK (raw_closed_within (fd, 3000));
    CHECK (now_ms () - start >= 150);
    CHECK (raw_closed_within (fd2, 3000));
    /* the completed handshake is still up */
    tu_sleep_ms (300);
    CHECK_OK (raw_write (fd3, "\x00\x04" "done", 6));
    RECV_STR (server, "done", 0);
    close (fd);
    close (fd2);
    close (fd3);
    CHECK (still_serves (ctx, server, ep));
    CHECK_OK (zmq_close (server));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ---- older peers ---------------------------------------------------------- */

/* A ZMTP 3.0 peer (minor version 0): the server still announces 3.1 and
 * the exchange works both ways. */
static void test_zmtp30_peer (void)
{
    void *ctx = zmq_ctx_new ();
    void *server = tu_socket (ctx, ZMQ_PAIR);
    char ep[256];
    unsigned char g[64], peer[64], cmd[128], body[64];
    size_t n;
    int fd, flags, len;
    CHECK (server != NULL);
    CHECK_OK (zmq_bind (server, "tcp://127.0.0.1:*"));
    CHECK_OK (tu_last_endpoint (server, ep, sizeof ep));
    fd = raw_connect (tu_port_of (ep));
    CHECK (fd >= 0);
    raw_greeting (g, 0, "NULL");
    CHECK_OK (raw_write (fd, g, 64));
    CHECK_EQ_INT (64, raw_read (fd, peer, 64));
    CHECK_EQ_INT (3, peer[10]);
    CHECK_EQ_INT (1, peer[11]);
    n = make_ready (cmd, "PAIR", NULL, NULL);
    CHECK_OK (raw_write (fd, cmd, n));
    len = read_frame (fd, &flags, body, sizeof body);
    CHECK_EQ_INT (0x04, flags);
    CHECK (len > 6 && memcmp (body, "\x05READY", 6) == 0);
    CHECK_OK (raw_write (fd, "\x00\x04" "v3.0", 6));
    RECV_STR (server, "v3.0", 0);
    SEND_STR (server, "back", 0);
    len = read_frame (fd, &flags, body, sizeof body);
    CHECK_EQ_INT (0, flags);
    CHECK_EQ_INT (4, len);
    CHECK_MEM ("back", body, 4);
    close (fd);
    CHECK_OK (zmq_close (server));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* A ZMTP 2.0 peer: signature, revision 1, socket type.  libzmq answers
 * with its own socket type (instead of a minor version) and then speaks
 * 2.0: identity frames first, no commands, no metadata. */
static void test_zmtp20_peer (void)
{
    void *ctx = zmq_ctx_new ();
    void *server = tu_socket (ctx, ZMQ_PAIR);
    char ep[256];
    static const unsigned char hello[12] = {0xff, 0, 0, 0, 0,    0,
                                            0,    0, 1, 0x7f, 1, ZMQ_PAIR};
    unsigned char buf[64];
    int fd, flags, len;
    zmq_msg_t msg;
    CHECK (server != NULL);
    CHECK_OK (zmq_bind (server, "tcp://127.0.0.1:*"));
    CHECK_OK (tu_last_endpoint (server, ep, sizeof ep));
    fd = raw_connect (tu_port_of (ep));
    CHECK (fd >= 0);
    CHECK_OK (raw_write (fd, hello, 12));
    CHECK_EQ_INT (12, raw_read (fd, buf, 12));
    CHECK_MEM (hello, buf, 10);
    CHECK_EQ_INT (3, buf[10]);
    CHECK_EQ_INT (ZMQ_PAIR, buf[11]);
    /* the server's (empty) identity frame */
    len = read_frame (fd, &flags, buf, sizeof buf);
    CHECK_EQ_INT (0, len);
    CHECK_EQ_INT (0, flags);
    /* ours, then a two-part message */
    CHECK_OK (raw_write (fd, "\x00\x00", 2));
    CHECK_OK (raw_write (fd, "\x01\x02v2\x00\x03" "old", 9));
    zmq_msg_init (&msg);
    CHECK_EQ_INT (2, zmq_msg_recv (&msg, server, 0));
    CHECK_MEM ("v2", zmq_msg_data (&msg), 2);
    CHECK_EQ_INT (1, zmq_msg_more (&msg));
    errno = 0;
    CHECK (zmq_msg_gets (&msg, "Socket-Type") == NULL);
    CHECK_EQ_INT (EINVAL, errno);
    /* no READY, so no metadata at all: not even Peer-Address */
    errno = 0;
    CHECK (zmq_msg_gets (&msg, "Peer-Address") == NULL);
    CHECK_EQ_INT (EINVAL, errno);
    zmq_msg_close (&msg);
    RECV_STR (server, "old", 0);
    CHECK_RCVMORE (server, 0);
    SEND_STR (server, "to v2", 0);
    len = read_frame (fd, &flags, buf, sizeof buf);
    CHECK_EQ_INT (0, flags);
    CHECK_EQ_INT (5, len);
    CHECK_MEM ("to v2", buf, 5);
    close (fd);
    CHECK_OK (zmq_close (server));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* A ZMTP 1.0 peer sends its identity frame straight away: length byte
 * (body + 1), flags byte, body.  libzmq's 10-byte signature doubles as its
 * own (empty) identity frame; messages are 1.0 frames both ways. */
static void test_zmtp10_peer (void)
{
    void *ctx = zmq_ctx_new ();
    void *server = tu_socket (ctx, ZMQ_PAIR);
    char ep[256];
    unsigned char buf[64];
    int fd;
    CHECK (server != NULL);
    CHECK_OK (zmq_bind (server, "tcp://127.0.0.1:*"));
    CHECK_OK (tu_last_endpoint (server, ep, sizeof ep));
    fd = raw_connect (tu_port_of (ep));
    CHECK (fd >= 0);
    CHECK_OK (raw_write (fd, "\x01\x00", 2));            /* identity, empty */
    CHECK_OK (raw_write (fd, "\x03\x01" "v1\x04\x00" "end", 9)); /* 2 parts */
    CHECK_EQ_INT (10, raw_read (fd, buf, 10));
    CHECK_EQ_INT (0xff, buf[0]);
    CHECK_EQ_INT (1, buf[8]);
    CHECK_EQ_INT (0x7f, buf[9]);
    RECV_STR (server, "v1", 0);
    CHECK_RCVMORE (server, 1);
    RECV_STR (server, "end", 0);
    CHECK_RCVMORE (server, 0);
    SEND_STR (server, "to v1", 0);
    CHECK_EQ_INT (7, raw_read (fd, buf, 7));
    CHECK_MEM ("\x06\x00" "to v1", buf, 7);
    close (fd);
    CHECK_OK (zmq_close (server));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ---- heartbeats --------------------------------------------------------- */

/* ZMQ_HEARTBEAT_IVL: PING commands (flags 0x04, size 7, "\4PING", TTL in
 * deciseconds from ZMQ_HEARTBEAT_TTL); a peer that answers nothing is
 * dropped after ZMQ_HEARTBEAT_TIMEOUT. */
static void test_heartbeat_ping_timeout (void)
{
    void *ctx = zmq_ctx_new ();
    void *server = tu_socket (ctx, ZMQ_PULL);
    char ep[256];
    unsigned char buf[64];
    int fd, flags, len;
    CHECK (server != NULL);
    CHECK_OK (tu_set_int (server, ZMQ_HEARTBEAT_IVL, 100));
    CHECK_OK (tu_set_int (server, ZMQ_HEARTBEAT_TTL, 1000));
    CHECK_OK (tu_set_int (server, ZMQ_HEARTBEAT_TIMEOUT, 400));
    CHECK_OK (zmq_bind (server, "tcp://127.0.0.1:*"));
    CHECK_OK (tu_last_endpoint (server, ep, sizeof ep));
    fd = raw_connect (tu_port_of (ep));
    CHECK (fd >= 0);
    CHECK_OK (raw_handshake (fd, 1, "PUSH", NULL, NULL));
    len = read_frame (fd, &flags, buf, sizeof buf);
    CHECK_EQ_INT (0x04, flags);
    CHECK_EQ_INT (7, len);
    CHECK_MEM ("\x04PING\x00\x0a", buf, 7);
    CHECK (raw_closed_within (fd, 3000));
    close (fd);
    CHECK (still_serves (ctx, server, ep));
    CHECK_OK (zmq_close (server));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* Writes the PING frame `ping` (n octets) and CHECKs that the PONG command
 * `pong` (its body, m octets) comes back. */
#define PING_GETS_PONG(fd, ping, n, pong, m)                                  \
    do {                                                                      \
        unsigned char pg_buf_[64];                                            \
        int pg_flags_, pg_len_;                                               \
        CHECK_OK (raw_write ((fd), (ping), (n)));                             \
        pg_len_ = read_frame ((fd), &pg_flags_, pg_buf_, sizeof pg_buf_);     \
        CHECK_EQ_INT (0x04, pg_flags_);                                       \
        CHECK_EQ_INT ((m), pg_len_);                                          \
        CHECK_MEM ((pong), pg_buf_, (m));                                     \
    } while (0)

/* A PING is answered with PONG echoing the context (at most 16 bytes),
 * heartbeats configured or not. */
static void test_heartbeat_pong (void)
{
    void *ctx = zmq_ctx_new ();
    char ep[256];
    void *server = pull_server (ctx, ep, sizeof ep);
    int fd;
    CHECK (server != NULL);
    fd = raw_connect (tu_port_of (ep));
    CHECK (fd >= 0);
    CHECK_OK (raw_handshake (fd, 1, "PUSH", NULL, NULL));
    PING_GETS_PONG (fd, "\x04\x0b\x04PING\x00\x00" "ctx1", 13,
                    "\x04PONGctx1", 9);
    /* a 20-byte context comes back cut to 16 */
    PING_GETS_PONG (fd, "\x04\x1b\x04PING\x00\x00" "0123456789abcdefWXYZ",
                    29, "\x04PONG0123456789abcdef", 21);
    /* without context */
    PING_GETS_PONG (fd, "\x04\x07\x04PING\x00\x00", 9, "\x04PONG", 5);
    /* a TTL cut short (one octet, or none): answered as libzmq answers
     * it, the TTL taken as 0 (libzmq reads it from past the frame) */
    PING_GETS_PONG (fd, "\x04\x06\x04PING\x00", 8, "\x04PONG", 5);
    PING_GETS_PONG (fd, "\x04\x05\x04PING", 7, "\x04PONG", 5);
    /* the connection is fine afterwards */
    CHECK_OK (raw_write (fd, "\x00\x02ok", 4));
    RECV_STR (server, "ok", 0);
    close (fd);
    CHECK_OK (zmq_close (server));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* A command frame with MORE set (flags 0x05) is a command like any other,
 * as in libzmq: a PING is answered, an unknown one dropped, and the MORE
 * does not join the next message to anything. */
static void test_command_with_more (void)
{
    void *ctx = zmq_ctx_new ();
    char ep[256];
    void *server = pull_server (ctx, ep, sizeof ep);
    unsigned char buf[64];
    int fd, flags, len;
    CHECK (server != NULL);
    fd = raw_connect (tu_port_of (ep));
    CHECK (fd >= 0);
    CHECK_OK (raw_handshake (fd, 1, "PUSH", NULL, NULL));
    PING_GETS_PONG (fd, "\x05\x0b\x04PING\x00\x00" "ctx2", 13,
                    "\x04PONGctx2", 9);
    CHECK_OK (raw_write (fd, "\x05\x07\x06" "FOOBAR", 9));
    CHECK_OK (raw_write (fd, "\x00\x03one", 5));
    RECV_STR (server, "one", 0);
    CHECK_RCVMORE (server, 0);
    /* and in the middle of a multipart message */
    CHECK_OK (raw_write (fd, "\x01\x01" "a", 3));
    CHECK_OK (raw_write (fd, "\x05\x07\x04PING\x00\x00", 9));
    len = read_frame (fd, &flags, buf, sizeof buf);
    CHECK_MEM ("\x04PONG", buf, 5);
    CHECK_OK (raw_write (fd, "\x00\x01" "b", 3));
    RECV_STR (server, "a", 0);
    CHECK_RCVMORE (server, 1);
    RECV_STR (server, "b", 0);
    CHECK_RCVMORE (server, 0);
    CHECK_NO_MSG (server);
    close (fd);
    CHECK (still_serves (ctx, server, ep));
    CHECK_OK (zmq_close (server));

    /* A READY with MORE completes the handshake. */
    server = pull_server (ctx, ep, sizeof ep);
    CHECK (server != NULL);
    fd = raw_connect (tu_port_of (ep));
    CHECK (fd >= 0);
    {
        unsigned char g[64], peer[64], cmd[256];
        raw_greeting (g, 1, "NULL");
        CHECK_OK (raw_write (fd, g, 64));
        CHECK_OK (raw_read (fd, peer, 64));
        size_t n = make_ready (cmd, "PUSH", NULL, NULL);
        cmd[0] = 0x05;
        CHECK_OK (raw_write (fd, cmd, n));
        len = read_frame (fd, &flags, buf, sizeof buf);
        CHECK_EQ_INT (0x04, flags);
        CHECK_MEM ("\x05READY", buf, 6);
    }
    CHECK_OK (raw_write (fd, "\x00\x03two", 5));
    RECV_STR (server, "two", 0);
    CHECK_RCVMORE (server, 0);
    close (fd);
    CHECK_OK (zmq_close (server));

    /* A SUBSCRIBE with MORE subscribes. */
    void *pub = tu_socket (ctx, ZMQ_PUB);
    CHECK (pub != NULL);
    CHECK_OK (zmq_bind (pub, "tcp://127.0.0.1:*"));
    CHECK_OK (tu_last_endpoint (pub, ep, sizeof ep));
    fd = raw_connect (tu_port_of (ep));
    CHECK (fd >= 0);
    CHECK_OK (raw_handshake (fd, 1, "SUB", NULL, NULL));
    CHECK_OK (raw_write (fd, "\x05\x0e\x09SUBSCRIBEtopic", 16));
    len = -1;
    for (int i = 0; i < 100 && len < 0; i++) {
        CHECK_OK (zmq_send (pub, "topic-1", 7, 0));
        struct pollfd p = {fd, POLLIN, 0};
        if (poll (&p, 1, 20) == 1)
            len = read_frame (fd, &flags, buf, sizeof buf);
    }
    CHECK_EQ_INT (7, len);
    CHECK_MEM ("topic-1", buf, 7);
    close (fd);
    CHECK_OK (zmq_close (pub));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* The TTL in a peer's PING: if nothing more arrives from the peer within
 * TTL deciseconds, the connection is dropped. */
static void test_heartbeat_peer_ttl (void)
{
    void *ctx = zmq_ctx_new ();
    char ep[256];
    void *server = pull_server (ctx, ep, sizeof ep);
    unsigned char buf[64];
    int fd, flags;
    long start;
    CHECK (server != NULL);
    fd = raw_connect (tu_port_of (ep));
    CHECK (fd >= 0);
    CHECK_OK (raw_handshake (fd, 1, "PUSH", NULL, NULL));
    start = now_ms ();
    CHECK_OK (raw_write (fd, "\x04\x07\x04PING\x00\x03", 9)); /* 300 ms */
    CHECK_EQ_INT (5, read_frame (fd, &flags, buf, sizeof buf));
    CHECK (raw_closed_within (fd, 3000));
    CHECK (now_ms () - start >= 200);
    close (fd);
    CHECK (still_serves (ctx, server, ep));
    CHECK_OK (zmq_close (server));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ---- libzmq as the connecting side ---------------------------------------- */

/* A SUB connecting to a plain "PUB": to a ZMTP 3.1 peer the subscription
 * is a SUBSCRIBE command (flags 0x04, "\x09SUBSCRIBE" + topic); to a 3.0
 * peer it is a message "\x01" + topic.  Published frames reach the SUB. */
static void run_sub_to_raw_pub (int minor)
{
    void *ctx = zmq_ctx_new ();
    void *sub = tu_socket (ctx, ZMQ_SUB);
    char ep[64];
    unsigned char g[64], peer[64], cmd[128], body[128];
    size_t n;
    int lfd, fd, port = 0, flags, len;
    CHECK (sub != NULL);
    lfd = raw_listen (&port);
    CHECK (lfd >= 0);
    snprintf (ep, sizeof ep, "tcp://127.0.0.1:%d", port);
    CHECK_OK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "topic", 5));
    CHECK_OK (zmq_connect (sub, ep));
    fd = raw_accept (lfd);
    CHECK (fd >= 0);
    raw_greeting (g, minor, "NULL");
    CHECK_OK (raw_write (fd, g, 64));
    CHECK_EQ_INT (64, raw_read (fd, peer, 64));
    CHECK_EQ_INT (0xff, peer[0]);
    CHECK_EQ_INT (0x7f, peer[9]);
    CHECK_EQ_INT (3, peer[10]);
    CHECK_EQ_INT (1, peer[11]);
    CHECK_MEM ("NULL", peer + 12, 4);
    CHECK_EQ_INT (0, peer[32]); /* as-server */
    n = make_ready (cmd, "PUB", NULL, NULL);
    CHECK_OK (raw_write (fd, cmd, n));
    len = read_frame (fd, &flags, body, sizeof body);
    CHECK_EQ_INT (0x04, flags);
    CHECK (len > 6 && memcmp (body, "\x05READY", 6) == 0);
    CHECK (memmem (body, (size_t) len, "\x0bSocket-Type\0\0\0\x03SUB", 19)
           != NULL);
    len = read_frame (fd, &flags, body, sizeof body);
    if (minor >= 1) {
        CHECK_EQ_INT (0x04, flags);
        CHECK_EQ_INT (15, len);
        CHECK_MEM ("\x09SUBSCRIBEtopic", body, 15);
    } else {
        CHECK_EQ_INT (0x00, flags);
        CHECK_EQ_INT (6, len);
        CHECK_MEM ("\x01topic", body, 6);
    }
    CHECK_OK (raw_write (fd, "\x00\x08other-tp", 10));
    CHECK_OK (raw_write (fd, "\x00\x08topic-ok", 10));
    RECV_STR (sub, "topic-ok", 0); /* the PUB side does no filtering here */
    close (fd);
    close (lfd);
    CHECK_OK (zmq_close (sub));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_sub_to_zmtp31_pub (void)
{
    run_sub_to_raw_pub (1);
}

static void test_sub_to_zmtp30_pub (void)
{
    run_sub_to_raw_pub (0);
}

int main (void)
{
    alarm (120);
    RUN (test_greeting_bytes);
    RUN (test_greeting_routing_id);
    RUN (test_garbage_text);
    RUN (test_garbage_binary);
    RUN (test_truncated_greeting);
    RUN (test_wrong_signature);
    RUN (test_unknown_mechanism);
    RUN (test_bad_handshake_commands);
    RUN (test_commands_after_handshake);
    RUN (test_huge_frame);
    RUN (test_stalled_handshake);
    RUN (test_zmtp30_peer);
    RUN (test_zmtp20_peer);
    RUN (test_zmtp10_peer);
    RUN (test_heartbeat_ping_timeout);
    RUN (test_heartbeat_pong);
    RUN (test_command_with_more);
    RUN (test_heartbeat_peer_ttl);
    RUN (test_sub_to_zmtp31_pub);
    RUN (test_sub_to_zmtp30_pub);
    return test_summary ();
}
