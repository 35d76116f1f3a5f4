/* peer.c - one side of an interop scenario.  Built once against
 * include/zmq.h and linked to libzmq.so.5; run.sh starts a server and a
 * client, each on a library of its choice (LD_LIBRARY_PATH), so that
 * zmqrs talks to real libzmq in both directions.
 *
 *   peer version
 *       print zmq_version() and the path of the libzmq actually loaded
 *   peer server <pattern> <bind-endpoint> <scenario> <epfile> [count]
 *       bind, write ZMQ_LAST_ENDPOINT to <epfile> (atomically), run
 *   peer client <pattern> <epfile> <scenario> [count]
 *       wait for <epfile> (10 s), connect to the endpoint in it, run
 *
 * patterns (server socket / client socket):
 *   pair (PAIR/PAIR), pushpull (PULL/PUSH: client sends), pullpush
 *   (PUSH/PULL: server sends), reqrep (REP/REQ), dealerrouter
 *   (ROUTER/DEALER, the DEALER's routing id checked by the ROUTER),
 *   xpubsub (XPUB/SUB: subscriptions over the wire, publisher-side
 *   filtering with text and binary topics, multipart, unsubscription;
 *   basic scenario only)
 *   gatherscatter (GATHER/SCATTER: client sends), channel (CHANNEL/CHANNEL,
 *   both ways), peer (PEER/PEER: the client connects with zmq_connect_peer
 *   and sends to the routing id it returned, the server echoes as for
 *   clientserver): draft types, seq scenario only
 *   clientserver (SERVER/CLIENT, draft types; seq scenario only: the
 *   SERVER echoes each message to the routing id it came with; the server
 *   side needs zmq_msg_routing_id, which Debian's libzmq 4.3.4 does not
 *   export, so run.sh runs it with our SERVER only; the functions are
 *   looked up at run time so that the program still loads on that library)
 *   radiodish (RADIO/DISH: the RADIO binds, tcp or ipc) and dishradio
 *   (DISH/RADIO: the DISH binds, udp; a bind endpoint ending in ":*" gets
 *   a free port, and a multicast one is skipped, both sides exiting 0,
 *   where multicast does not work): scenario "groups": the DISH joins "A"
 *   and "C"; the RADIO sends probes in "A" until the DISH has one (it
 *   says so with <epfile>.joined), then <count> numbered messages to "A",
 *   "B", "C" in turn (ZMQ_XPUB_NODROP, paced over udp) and "END"; the DISH
 *   must get every "A" and "C" one in order, with its group, and no "B"
 *   proxy (the server runs zmq_proxy between an XSUB bound on the endpoint
 *   and an XPUB bound on a second one; the client is an XPUB publisher
 *   connected to the XSUB and two SUBs, topics "A" and "B", connected to
 *   the XPUB: both subscriptions must reach the publisher through the
 *   proxy before it publishes, each SUB gets only its topic, multipart
 *   messages intact, and the unsubscription comes back; any scenario
 *   name, "basic" by convention)
 * scenarios:
 *   basic    a 3-part message with an empty middle frame, an empty
 *            message, a 10 MiB message and "END", from the client (from the
 *            server for pullpush); the server echoes them back when the
 *            pattern allows (pair, reqrep, dealerrouter)
 *   seq      <count> messages, each an 8-byte big-endian sequence number
 *            and 24 bytes derived from it, that must arrive exactly once
 *            and in order; then the same from the server for pair and
 *            dealerrouter; reqrep does <count> round trips
 *   plain / curve (dealerrouter only): a PLAIN or CURVE server with a ZAP
 *            handler thread (REP at inproc://zeromq.zap.01, domain
 *            "interop") accepting one name/password or one client
 *            public key; every frame the ROUTER receives carries the
 *            handler's User-Id and Socket-Type "DEALER"; a 3-part and an
 *            empty message are echoed, for curve also a 1 MiB message and
 *            10,000 numbered messages each way
 *   plain-wrongpass / curve-wrongkeys (dealerrouter only): refused
 *            clients (a wrong password; a client with a wrong server key
 *            and one whose key the handler refuses): nothing delivered,
 *            no handshake succeeds, the server's monitor reports
 *            HANDSHAKE_FAILED_AUTH 400 (and HANDSHAKE_FAILED_PROTOCOL
 *            ZMTP_CRYPTOGRAPHIC for the wrong server key), the refused
 *            client's HANDSHAKE_FAILED_AUTH 400, the wrong-server-key
 *            client's HANDSHAKE_FAILED_NO_DETAIL and DISCONNECTED (what
 *            libzmq 4.3.4 does on both sides)
 *   restart1 / restart2 / restart (pushpull only): the client sends
 *            numbered messages every millisecond; server 1 takes 50 and
 *            exits (writing the last number to <epfile>.last); server 2
 *            binds the same endpoint, must get 50 more, strictly
 *            increasing and above server 1's last (messages written into
 *            the dead connection may be lost, none may be duplicated or
 *            reordered), then creates <epfile>.done, which stops the
 *            client
 * Except in the restart scenario, both sides meet at a barrier (files
 * <epfile>.server and <epfile>.client) after checking everything and
 * before closing, so no message is still in flight when a socket closes;
 * a side that fails creates its barrier file on the way out, so the other
 * does not wait for it.
 * Exit status 0 on success; on failure a line on stderr and status 1.
 */
#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>
#include "../wss_certs.h"

#define TIMEOUT_MS 10000
#define BIG_SIZE (10u * 1024u * 1024u)
#define SEQ_SIZE 32
#define RESTART_TAKE 50
#define DEALER_ID "interop-dealer"

static const char *g_role = "?", *g_pattern = "?", *g_scenario = "?";
static void *g_ctx;
/* The epfile of a scenario with a barrier, so that a failing side can
 * release the other at once instead of leaving it to time out. */
static const char *g_barrier_epfile;
/* The endpoint is ws://: libzmq reports HANDSHAKE_SUCCEEDED once the
   WebSocket upgrade is done, before the mechanism's handshake, so a client
   that ZAP or CURVE then refuses has seen one. */
static int g_ws;

static void die (const char *fmt, ...)
{
    va_list ap;
    int err = zmq_errno ();
    fprintf (stderr, "peer %s %s %s: ", g_role, g_pattern, g_scenario);
    va_start (ap, fmt);
    vfprintf (stderr, fmt, ap);
    va_end (ap);
    fprintf (stderr, " (errno %d: %s)\n", err, zmq_strerror (err));
    if (g_barrier_epfile != NULL) {
        char path[1100];
        FILE *f;
        snprintf (path, sizeof path, "%s.%s", g_barrier_epfile, g_role);
        g_barrier_epfile = NULL;
        f = fopen (path, "w");
        if (f != NULL)
            fclose (f);
    }
    exit (1);
}

static void sleep_ms (long ms)
{
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    nanosleep (&ts, NULL);
}

static long now_ms (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int file_exists (const char *path)
{
    struct stat st;
    return stat (path, &st) == 0;
}

static void set_int (void *s, int option, int value)
{
    if (zmq_setsockopt (s, option, &value, sizeof value) != 0)
        die ("setsockopt %d", option);
}

static void *make_socket (int type)
{
    void *s = zmq_socket (g_ctx, type);
    if (s == NULL)
        die ("zmq_socket %d", type);
    set_int (s, ZMQ_RCVTIMEO, TIMEOUT_MS);
    set_int (s, ZMQ_SNDTIMEO, TIMEOUT_MS);
    /* enough to flush what was sent before exiting, never forever */
    set_int (s, ZMQ_LINGER, TIMEOUT_MS);
    return s;
}

/* ---- message helpers ------------------------------------------------- */

static unsigned char pattern_byte (size_t i, unsigned seed)
{
    return (unsigned char) ((i * 131u + seed * 7u) ^ (i >> 11));
}

static void send_frame (void *s, const void *data, size_t size, int flags)
{
    zmq_msg_t msg;
    if (zmq_msg_init_size (&msg, size) != 0)
        die ("zmq_msg_init_size %zu", size);
    if (size)
        memcpy (zmq_msg_data (&msg), data, size);
    if (zmq_msg_send (&msg, s, flags) != (int) size)
        die ("send of %zu bytes", size);
}

static void send_str (void *s, const char *str, int flags)
{
    send_frame (s, str, strlen (str), flags);
}

static void send_big_n (void *s, size_t size, unsigned seed, int flags)
{
    zmq_msg_t msg;
    unsigned char *p;
    size_t i;
    if (zmq_msg_init_size (&msg, size) != 0)
        die ("zmq_msg_init_size %zu", size);
    p = (unsigned char *) zmq_msg_data (&msg);
    for (i = 0; i < size; i++)
        p[i] = pattern_byte (i, seed);
    if (zmq_msg_send (&msg, s, flags) != (int) size)
        die ("send of the %zu-byte message", size);
}

static void send_big (void *s, unsigned seed, int flags)
{
    send_big_n (s, BIG_SIZE, seed, flags);
}

/* Receive one frame into msg (initialised by the caller); dies on error or
 * if the more flag differs. */
/* When set (the security scenarios' server), every frame received from
 * the peer must carry these properties: the User-Id the ZAP handler
 * returned and the peer's Socket-Type. */
static const char *g_want_user_id, *g_want_socket_type;

static void check_property (zmq_msg_t *msg, const char *name,
                            const char *want, const char *what)
{
    const char *got;
    if (want == NULL)
        return;
    got = zmq_msg_gets (msg, name);
    if (got == NULL)
        die ("%s: no %s property", what, name);
    if (strcmp (got, want) != 0)
        die ("%s: %s is \"%s\", expected \"%s\"", what, name, got, want);
}

static void check_properties (zmq_msg_t *msg, const char *what)
{
    check_property (msg, "User-Id", g_want_user_id, what);
    check_property (msg, "Socket-Type", g_want_socket_type, what);
}

static void recv_frame (void *s, zmq_msg_t *msg, int more, const char *what)
{
    if (zmq_msg_recv (msg, s, 0) < 0)
        die ("receiving %s", what);
    if (zmq_msg_more (msg) != more)
        die ("%s: more flag %d, expected %d", what, zmq_msg_more (msg), more);
    check_properties (msg, what);
}

static void expect_str (void *s, const char *want, int more)
{
    zmq_msg_t msg;
    size_t n = strlen (want);
    zmq_msg_init (&msg);
    recv_frame (s, &msg, more, want);
    if (zmq_msg_size (&msg) != n || memcmp (zmq_msg_data (&msg), want, n))
        die ("expected \"%s\", got %zu bytes \"%.*s\"", want,
             zmq_msg_size (&msg), (int) (zmq_msg_size (&msg) < 64 ? zmq_msg_size (&msg) : 64),
             (const char *) zmq_msg_data (&msg));
    zmq_msg_close (&msg);
}

static void expect_big_n (void *s, size_t size, unsigned seed, int more)
{
    zmq_msg_t msg;
    const unsigned char *p;
    size_t i;
    zmq_msg_init (&msg);
    recv_frame (s, &msg, more, "a big message");
    if (zmq_msg_size (&msg) != size)
        die ("%zu-byte message has %zu bytes", size, zmq_msg_size (&msg));
    p = (const unsigned char *) zmq_msg_data (&msg);
    for (i = 0; i < size; i++)
        if (p[i] != pattern_byte (i, seed))
            die ("%zu-byte message differs at byte %zu", size, i);
    zmq_msg_close (&msg);
}

static void expect_big (void *s, unsigned seed, int more)
{
    expect_big_n (s, BIG_SIZE, seed, more);
}

/* The routing id frame a ROUTER puts first. */
static void expect_dealer_id (void *router)
{
    /* The ROUTER makes this frame itself: no properties checked on it. */
    const char *user = g_want_user_id, *type = g_want_socket_type;
    g_want_user_id = g_want_socket_type = NULL;
    expect_str (router, DEALER_ID, 1);
    g_want_user_id = user;
    g_want_socket_type = type;
}

static void send_dealer_id (void *router)
{
    send_str (router, DEALER_ID, ZMQ_SNDMORE);
}

/* ---- basic ------------------------------------------------------------ */

/* The four messages of the basic scenario; `router` adds / expects the
 * routing id frame. */
static void basic_send (void *s, int router)
{
    if (router)
        send_dealer_id (s);
    send_str (s, "frame-1", ZMQ_SNDMORE);
    send_str (s, "", ZMQ_SNDMORE);
    send_str (s, "frame-3", 0);
}

static void basic_send_rest (void *s, int router, int which)
{
    if (router)
        send_dealer_id (s);
    if (which == 1)
        send_str (s, "", 0);
    else if (which == 2)
        send_big (s, 42, 0);
    else
        send_str (s, "END", 0);
}

static void basic_expect (void *s, int router, int which)
{
    if (router)
        expect_dealer_id (s);
    if (which == 0) {
        expect_str (s, "frame-1", 1);
        expect_str (s, "", 1);
        expect_str (s, "frame-3", 0);
    } else if (which == 1)
        expect_str (s, "", 0);
    else if (which == 2)
        expect_big (s, 42, 0);
    else
        expect_str (s, "END", 0);
}

static void basic_send_one (void *s, int router, int which)
{
    if (which == 0)
        basic_send (s, router);
    else
        basic_send_rest (s, router, which);
}

/* sender: sends the 4 messages (expecting each echo if echo != 0);
 * receiver: receives them (echoing each if echo != 0). */
static void basic_sender (void *s, int echo)
{
    int which;
    for (which = 0; which < 4; which++) {
        basic_send_one (s, 0, which);
        if (echo)
            basic_expect (s, 0, which);
    }
}

static void basic_receiver (void *s, int router, int echo)
{
    int which;
    for (which = 0; which < 4; which++) {
        basic_expect (s, router, which);
        if (echo)
            basic_send_one (s, router, which);
    }
}

/* ---- seq -------------------------------------------------------------- */

static void seq_fill (unsigned char *p, uint64_t seq)
{
    int i;
    for (i = 0; i < 8; i++)
        p[i] = (unsigned char) (seq >> (56 - 8 * i));
    for (i = 8; i < SEQ_SIZE; i++)
        p[i] = (unsigned char) (seq * 31u + (unsigned) i);
}

static void seq_send (void *s, uint64_t seq, int router)
{
    unsigned char buf[SEQ_SIZE];
    seq_fill (buf, seq);
    if (router)
        send_dealer_id (s);
    send_frame (s, buf, SEQ_SIZE, 0);
}

/* Receive one sequence message; returns its number (content checked). */
static uint64_t seq_recv (void *s, int router)
{
    zmq_msg_t msg;
    unsigned char want[SEQ_SIZE];
    const unsigned char *p;
    uint64_t seq = 0;
    int i;
    if (router)
        expect_dealer_id (s);
    zmq_msg_init (&msg);
    recv_frame (s, &msg, 0, "a sequence message");
    if (zmq_msg_size (&msg) != SEQ_SIZE)
        die ("sequence message of %zu bytes", zmq_msg_size (&msg));
    p = (const unsigned char *) zmq_msg_data (&msg);
    for (i = 0; i < 8; i++)
        seq = (seq << 8) | p[i];
    seq_fill (want, seq);
    if (memcmp (p, want, SEQ_SIZE) != 0)
        die ("sequence message %llu corrupted", (unsigned long long) seq);
    zmq_msg_close (&msg);
    return seq;
}

static void seq_send_all (void *s, long count, int router)
{
    long i;
    for (i = 0; i < count; i++)
        seq_send (s, (uint64_t) i, router);
}

/* count messages numbered 0..count-1 in order, then nothing more. */
static void seq_recv_all (void *s, long count, int router)
{
    long i;
    char junk[64];
    int t = 300;
    for (i = 0; i < count; i++) {
        uint64_t got = seq_recv (s, router);
        if (got != (uint64_t) i)
            die ("message %ld carries sequence number %llu", i,
                 (unsigned long long) got);
    }
    if (zmq_setsockopt (s, ZMQ_RCVTIMEO, &t, sizeof t) != 0)
        die ("setsockopt");
    if (zmq_recv (s, junk, sizeof junk, 0) >= 0)
        die ("a message after the last one");
    t = TIMEOUT_MS;
    zmq_setsockopt (s, ZMQ_RCVTIMEO, &t, sizeof t);
}

/* ---- roles -------------------------------------------------------------- */

static int server_type (const char *pattern)
{
    if (!strcmp (pattern, "pair"))
        return ZMQ_PAIR;
    if (!strcmp (pattern, "pushpull"))
        return ZMQ_PULL;
    if (!strcmp (pattern, "pullpush"))
        return ZMQ_PUSH;
    if (!strcmp (pattern, "reqrep"))
        return ZMQ_REP;
    if (!strcmp (pattern, "dealerrouter"))
        return ZMQ_ROUTER;
    if (!strcmp (pattern, "xpubsub"))
        return ZMQ_XPUB;
    if (!strcmp (pattern, "clientserver"))
        return ZMQ_SERVER;
    if (!strcmp (pattern, "gatherscatter"))
        return ZMQ_GATHER;
    if (!strcmp (pattern, "channel"))
        return ZMQ_CHANNEL;
    if (!strcmp (pattern, "peer"))
        return ZMQ_PEER;
    if (!strcmp (pattern, "radiodish"))
        return ZMQ_RADIO;
    if (!strcmp (pattern, "dishradio"))
        return ZMQ_DISH;
    die ("unknown pattern");
    return -1;
}

static int client_type (const char *pattern)
{
    switch (server_type (pattern)) {
        case ZMQ_PAIR: return ZMQ_PAIR;
        case ZMQ_PULL: return ZMQ_PUSH;
        case ZMQ_PUSH: return ZMQ_PULL;
        case ZMQ_REP: return ZMQ_REQ;
        case ZMQ_XPUB: return ZMQ_SUB;
        case ZMQ_SERVER: return ZMQ_CLIENT;
        case ZMQ_GATHER: return ZMQ_SCATTER;
        case ZMQ_CHANNEL: return ZMQ_CHANNEL;
        case ZMQ_PEER: return ZMQ_PEER;
        case ZMQ_RADIO: return ZMQ_DISH;
        case ZMQ_DISH: return ZMQ_RADIO;
        default: return ZMQ_DEALER;
    }
}

static void write_file (const char *path, const char *text)
{
    char tmp[1024];
    FILE *f;
    snprintf (tmp, sizeof tmp, "%s.tmp%ld", path, (long) getpid ());
    f = fopen (tmp, "w");
    if (f == NULL || fputs (text, f) < 0 || fclose (f) != 0)
        die ("writing %s", tmp);
    if (rename (tmp, path) != 0)
        die ("renaming %s", tmp);
}

static int read_file (const char *path, char *buf, size_t len)
{
    FILE *f = fopen (path, "r");
    size_t n;
    if (f == NULL)
        return -1;
    n = fread (buf, 1, len - 1, f);
    fclose (f);
    buf[n] = '\0';
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        buf[--n] = '\0';
    return n > 0 ? 0 : -1;
}

/* Both sides have checked everything before either closes: libzmq's
 * LINGER waits for the pipe to drain into the connection, not for the
 * bytes to leave the process, so a sender closing at once can lose the
 * tail of its stream (seen over ipc with a slow receiver).  Each side
 * creates <epfile>.<role>, then waits (20 s) for the other's. */
static void barrier (const char *epfile, const char *role)
{
    char mine[1100], theirs[1100];
    long end = now_ms () + 20000;
    snprintf (mine, sizeof mine, "%s.%s", epfile, role);
    snprintf (theirs, sizeof theirs, "%s.%s", epfile,
              strcmp (role, "server") ? "server" : "client");
    write_file (mine, "ok\n");
    while (!file_exists (theirs)) {
        if (now_ms () > end)
            die ("the other side did not finish within 20 s");
        sleep_ms (5);
    }
}

/* wss:// endpoints: the server's certificate, the client's trust and the
   name it checks (the certificates of capi-tests/test_wss.c). */
static void wss_options (void *s, int server)
{
    if (server) {
        zmq_setsockopt (s, ZMQ_WSS_CERT_PEM, good_cert, strlen (good_cert));
        zmq_setsockopt (s, ZMQ_WSS_KEY_PEM, good_key, strlen (good_key));
    } else {
        zmq_setsockopt (s, ZMQ_WSS_TRUST_PEM, good_cert, strlen (good_cert));
        zmq_setsockopt (s, ZMQ_WSS_HOSTNAME, "localhost", 9);
    }
}

static int peer_connect (void *s, const char *ep)
{
    if (strncmp (ep, "wss://", 6) == 0)
        wss_options (s, 0);
    return zmq_connect (s, ep);
}

static int bind_retry (void *s, const char *ep)
{
    long end = now_ms () + 5000;
    g_ws = strncmp (ep, "ws://", 5) == 0 || strncmp (ep, "wss://", 6) == 0;
    if (strncmp (ep, "wss://", 6) == 0)
        wss_options (s, 1);
    for (;;) {
        if (zmq_bind (s, ep) == 0)
            return 0;
        if (zmq_errno () != EADDRINUSE || now_ms () > end)
            return -1;
        sleep_ms (20);
    }
}

/* xpubsub: the SUB's subscriptions reach the XPUB over the wire (ZMTP 3.1
 * SUBSCRIBE commands), and the XPUB sends only what matches: a topic "A",
 * a binary topic "\0B", a multipart message; "X" must be filtered out. */
static void expect_bytes (void *s, const void *want, size_t size, int more)
{
    zmq_msg_t m;
    zmq_msg_init (&m);
    recv_frame (s, &m, more, "pubsub frame");
    if (zmq_msg_size (&m) != size || memcmp (zmq_msg_data (&m), want, size))
        die ("unexpected pubsub frame of %zu bytes", zmq_msg_size (&m));
    zmq_msg_close (&m);
}

static void pubsub_server (void *xpub)
{
    expect_bytes (xpub, "\1A", 2, 0);
    expect_bytes (xpub, "\1\0B", 3, 0);
    send_str (xpub, "X: not wanted", 0);
    send_str (xpub, "A1", 0);
    send_frame (xpub, "\0B2", 3, 0);
    send_str (xpub, "X: not wanted", ZMQ_SNDMORE);
    send_str (xpub, "A: neither", 0);
    send_str (xpub, "A", ZMQ_SNDMORE);
    send_str (xpub, "part", 0);
    send_str (xpub, "AEND", 0);
    /* The unsubscription comes back too. */
    expect_bytes (xpub, "\0A", 2, 0);
}

static void pubsub_client (void *sub)
{
    if (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "A", 1) != 0
        || zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "\0B", 2) != 0)
        die ("subscribe");
    expect_str (sub, "A1", 0);
    expect_bytes (sub, "\0B2", 3, 0);
    expect_str (sub, "A", 1);
    expect_str (sub, "part", 0);
    expect_str (sub, "AEND", 0);
    if (zmq_setsockopt (sub, ZMQ_UNSUBSCRIBE, "A", 1) != 0)
        die ("unsubscribe");
}

/* ---- monitor ------------------------------------------------------------ */

/* Events a socket monitor reported (version 1 format: a 6-byte frame with
 * the 16-bit event and 32-bit value, then the endpoint), remembered as a
 * mask with the first value of each, and as text for error messages. */
struct monitor {
    void *sock;
    unsigned seen;
    uint32_t value[16];
    char log[400];
};

static void monitor_open (struct monitor *m, void *s, const char *name)
{
    char addr[128];
    int zero = 0;
    memset (m, 0, sizeof *m);
    snprintf (addr, sizeof addr, "inproc://interop-monitor-%s", name);
    if (zmq_socket_monitor (s, addr, ZMQ_EVENT_ALL) != 0)
        die ("zmq_socket_monitor");
    m->sock = zmq_socket (g_ctx, ZMQ_PAIR);
    if (m->sock == NULL)
        die ("zmq_socket PAIR");
    zmq_setsockopt (m->sock, ZMQ_LINGER, &zero, sizeof zero);
    if (peer_connect (m->sock, addr) != 0)
        die ("connect %s", addr);
}

/* Reads events until every event in `want` has been seen or `ms` pass;
 * returns 1 if all were seen. */
static int monitor_expect (struct monitor *m, unsigned want, long ms)
{
    long end = now_ms () + ms;
    while ((m->seen & want) != want) {
        zmq_pollitem_t item;
        zmq_msg_t head, addr;
        uint16_t event;
        uint32_t value;
        size_t len;
        int bit;
        long left = end - now_ms ();
        if (left <= 0)
            return 0;
        item.socket = m->sock;
        item.fd = 0;
        item.events = ZMQ_POLLIN;
        item.revents = 0;
        if (zmq_poll (&item, 1, left) < 0)
            die ("zmq_poll on a monitor");
        if (!(item.revents & ZMQ_POLLIN))
            continue;
        zmq_msg_init (&head);
        zmq_msg_init (&addr);
        if (zmq_msg_recv (&head, m->sock, 0) != 6 || !zmq_msg_more (&head)
            || zmq_msg_recv (&addr, m->sock, 0) < 0)
            die ("malformed monitor event");
        memcpy (&event, zmq_msg_data (&head), 2);
        memcpy (&value, (char *) zmq_msg_data (&head) + 2, 4);
        zmq_msg_close (&head);
        zmq_msg_close (&addr);
        for (bit = 0; bit < 16; bit++)
            if (event == (1u << bit) && !(m->seen & event))
                m->value[bit] = value;
        m->seen |= event;
        len = strlen (m->log);
        if (len + 32 < sizeof m->log)
            snprintf (m->log + len, sizeof m->log - len, " %u(%lu)",
                      (unsigned) event, (unsigned long) value);
    }
    return 1;
}

static uint32_t monitor_value (const struct monitor *m, unsigned event)
{
    int bit;
    for (bit = 0; bit < 16; bit++)
        if (event == (1u << bit))
            return m->value[bit];
    return 0;
}

static void monitor_close (struct monitor *m, void *s)
{
    zmq_socket_monitor (s, NULL, 0);
    zmq_close (m->sock);
}

/* ---- security: PLAIN and CURVE with a ZAP handler ----------------------- */

/* Fixed test keys (Z85), made once with zmq_curve_keypair. */
#define SERVER_PUBLIC "2:0g)yuu$ZN?-#xF-hCsnw@rD0G^D]}=Zfrl68dw"
#define SERVER_SECRET "Y9=y:E0B>E-f7x:R<x@w[AKX{]JM:ojNfvY}1znF"
#define CLIENT_PUBLIC "Um+3G^fh$r^N9Uu<DM%4K.nvzq4Rt!M02?&k:V%E"
#define CLIENT_SECRET "7jsHwYxU9iv9zAxB0FBus+s0m]Hg3u7zvO#o+1@4"
/* a client the handler does not know */
#define STRANGER_PUBLIC "+gr$-:}X#29[<CvZVc^wM{8=qwM9a-*)+SZt2m<z"
#define STRANGER_SECRET "f[Z/Sdgj=o5v3961zQggJXWcLPK.:zs@9}BpB!VB"
/* not the server's key */
#define WRONG_SERVER_PUBLIC "wXsLIsXb4C:+:kMT.[4vI6O)QgzYH*d3RQt/{:(p"

#define ZAP_DOMAIN "interop"
#define PLAIN_NAME "interop-name"
#define PLAIN_PASS "interop-pass"
#define PLAIN_USER_ID "plain-user"
#define CURVE_USER_ID "curve-user"
#define SECURE_BIG (1024u * 1024u)
#define SECURE_SEQ 10000

/* 1 for the PLAIN scenarios, 2 for the CURVE ones, 0 otherwise;
 * *bad says whether it is the refused client's. */
static int security_of (const char *scenario, int *bad)
{
    *bad = 0;
    if (!strcmp (scenario, "plain"))
        return 1;
    if (!strcmp (scenario, "curve"))
        return 2;
    *bad = 1;
    if (!strcmp (scenario, "plain-wrongpass"))
        return 1;
    if (!strcmp (scenario, "curve-wrongkeys"))
        return 2;
    return 0;
}

/* The ZAP handler (RFC 27): a REP socket at inproc://zeromq.zap.01 served
 * by a thread, which accepts PLAIN_NAME/PLAIN_PASS or CLIENT_PUBLIC and
 * refuses everyone else with 400.  The first malformed request is
 * remembered in `error` (and answered 500). */
struct zap {
    pthread_t thread;
    pthread_mutex_t lock;
    void *rep;
    int curve, tcp, stop, accepted, refused;
    char error[256];
};

static int frame_is (zmq_msg_t *f, const char *str)
{
    size_t n = strlen (str);
    return zmq_msg_size (f) == n && memcmp (zmq_msg_data (f), str, n) == 0;
}

static void zap_send (void *rep, const void *data, size_t size, int more)
{
    if (zmq_send (rep, data, size, more ? ZMQ_SNDMORE : 0) != (int) size)
        die ("ZAP reply send");
}

static void zap_serve_one (struct zap *z)
{
    zmq_msg_t f[10];
    int n = 0, more = 1, i, ok = 0;
    char error[200] = "";
    const char *status, *text, *user;
    while (more) {
        zmq_msg_t extra, *m = n < 10 ? &f[n] : &extra;
        zmq_msg_init (m);
        if (zmq_msg_recv (m, z->rep, 0) < 0)
            die ("ZAP request receive");
        more = zmq_msg_more (m);
        if (n < 10)
            n++;
        else
            zmq_msg_close (m);
    }
    if (n != (z->curve ? 7 : 8))
        snprintf (error, sizeof error, "ZAP request of %d frames", n);
    else if (!frame_is (&f[0], "1.0"))
        snprintf (error, sizeof error, "ZAP version frame not \"1.0\"");
    else if (!frame_is (&f[2], ZAP_DOMAIN))
        snprintf (error, sizeof error, "ZAP domain \"%.*s\"",
                  (int) zmq_msg_size (&f[2]), (char *) zmq_msg_data (&f[2]));
    else if (z->tcp && !frame_is (&f[3], "127.0.0.1"))
        snprintf (error, sizeof error, "ZAP address \"%.*s\"",
                  (int) zmq_msg_size (&f[3]), (char *) zmq_msg_data (&f[3]));
    else if (!frame_is (&f[5], z->curve ? "CURVE" : "PLAIN"))
        snprintf (error, sizeof error, "ZAP mechanism \"%.*s\"",
                  (int) zmq_msg_size (&f[5]), (char *) zmq_msg_data (&f[5]));
    else if (z->curve) {
        uint8_t key[32];
        if (zmq_msg_size (&f[6]) != 32)
            snprintf (error, sizeof error, "CURVE key frame of %zu bytes",
                      zmq_msg_size (&f[6]));
        else if (zmq_z85_decode (key, CLIENT_PUBLIC) == NULL)
            snprintf (error, sizeof error, "zmq_z85_decode");
        else
            ok = memcmp (zmq_msg_data (&f[6]), key, 32) == 0;
    } else
        ok = frame_is (&f[6], PLAIN_NAME) && frame_is (&f[7], PLAIN_PASS);
    if (error[0]) {
        status = "500";
        text = "malformed request";
        user = "";
    } else if (ok) {
        status = "200";
        text = "OK";
        user = z->curve ? CURVE_USER_ID : PLAIN_USER_ID;
    } else {
        status = "400";
        text = "refused";
        user = "";
    }
    zap_send (z->rep, "1.0", 3, 1);
    if (n >= 2)
        zap_send (z->rep, zmq_msg_data (&f[1]), zmq_msg_size (&f[1]), 1);
    else
        zap_send (z->rep, "", 0, 1);
    zap_send (z->rep, status, 3, 1);
    zap_send (z->rep, text, strlen (text), 1);
    zap_send (z->rep, user, strlen (user), 1);
    zap_send (z->rep, "", 0, 0);
    for (i = 0; i < n; i++)
        zmq_msg_close (&f[i]);
    pthread_mutex_lock (&z->lock);
    if (error[0] && !z->error[0])
        snprintf (z->error, sizeof z->error, "%s", error);
    else if (ok)
        z->accepted++;
    else if (!error[0])
        z->refused++;
    pthread_mutex_unlock (&z->lock);
}

static void *zap_thread (void *arg)
{
    struct zap *z = (struct zap *) arg;
    for (;;) {
        zmq_pollitem_t item;
        int stop;
        pthread_mutex_lock (&z->lock);
        stop = z->stop;
        pthread_mutex_unlock (&z->lock);
        if (stop)
            break;
        item.socket = z->rep;
        item.fd = 0;
        item.events = ZMQ_POLLIN;
        item.revents = 0;
        if (zmq_poll (&item, 1, 50) < 0)
            die ("zmq_poll on the ZAP socket");
        if (item.revents & ZMQ_POLLIN)
            zap_serve_one (z);
    }
    zmq_close (z->rep);
    return NULL;
}

static void zap_start (struct zap *z, int curve, int tcp)
{
    int zero = 0;
    memset (z, 0, sizeof *z);
    z->curve = curve;
    z->tcp = tcp;
    pthread_mutex_init (&z->lock, NULL);
    z->rep = zmq_socket (g_ctx, ZMQ_REP);
    if (z->rep == NULL)
        die ("zmq_socket REP");
    zmq_setsockopt (z->rep, ZMQ_LINGER, &zero, sizeof zero);
    if (zmq_bind (z->rep, "inproc://zeromq.zap.01") != 0)
        die ("bind inproc://zeromq.zap.01");
    if (pthread_create (&z->thread, NULL, zap_thread, z) != 0)
        die ("pthread_create");
}

static void zap_counts (struct zap *z, int *accepted, int *refused)
{
    pthread_mutex_lock (&z->lock);
    *accepted = z->accepted;
    *refused = z->refused;
    if (z->error[0])
        die ("ZAP handler: %s", z->error);
    pthread_mutex_unlock (&z->lock);
}

static void zap_stop (struct zap *z)
{
    pthread_mutex_lock (&z->lock);
    z->stop = 1;
    pthread_mutex_unlock (&z->lock);
    pthread_join (z->thread, NULL);
    if (z->error[0])
        die ("ZAP handler: %s", z->error);
}

static void set_str (void *s, int option, const char *value)
{
    if (zmq_setsockopt (s, option, value, strlen (value)) != 0)
        die ("setsockopt %d", option);
}

/* Binds s and puts its ZMQ_LAST_ENDPOINT in ep. */
static void bind_and_publish (void *s, const char *bind_ep, char *ep,
                              size_t size)
{
    size_t n = size;
    if (bind_retry (s, bind_ep) != 0)
        die ("bind %s", bind_ep);
    if (zmq_getsockopt (s, ZMQ_LAST_ENDPOINT, ep, &n) != 0)
        die ("ZMQ_LAST_ENDPOINT");
}

static void wait_endpoint (const char *epfile, char *ep, size_t size)
{
    long end = now_ms () + 10000;
    while (read_file (epfile, ep, size) != 0) {
        if (now_ms () > end)
            die ("no endpoint in %s after 10 s", epfile);
        sleep_ms (10);
    }
    g_ws = strncmp (ep, "ws://", 5) == 0 || strncmp (ep, "wss://", 6) == 0;
}

/* Nothing arrives on s within ms. */
static void expect_nothing (void *s, int ms, const char *who)
{
    char junk[64];
    set_int (s, ZMQ_RCVTIMEO, ms);
    if (zmq_recv (s, junk, sizeof junk, 0) >= 0)
        die ("%s received a message", who);
    if (zmq_errno () != EAGAIN)
        die ("%s: recv failed otherwise than EAGAIN", who);
    set_int (s, ZMQ_RCVTIMEO, TIMEOUT_MS);
}

/* Server (ROUTER): PLAIN_SERVER or CURVE_SERVER with a ZAP domain.
 * plain / curve: the DEALER's messages carry the handler's User-Id and
 * Socket-Type "DEALER"; a 3-part message and an empty one are echoed, and
 * for curve a 1 MiB message and SECURE_SEQ numbered messages each way.
 * plain-wrongpass / curve-wrongkeys: the handler refuses (400), the
 * monitor reports HANDSHAKE_FAILED_AUTH with 400 (and, for the client
 * holding a wrong server key, HANDSHAKE_FAILED_PROTOCOL with
 * ZMTP_CRYPTOGRAPHIC), and nothing is delivered. */
static int run_secure_server (const char *bind_ep, const char *scenario,
                              const char *epfile)
{
    int bad, sec = security_of (scenario, &bad), accepted, refused;
    void *s = make_socket (ZMQ_ROUTER);
    struct zap zap;
    struct monitor mon;
    char ep[512];
    long end;
    set_int (s, ZMQ_ROUTER_MANDATORY, 1);
    zap_start (&zap, sec == 2, !strncmp (bind_ep, "tcp://", 6));
    set_str (s, ZMQ_ZAP_DOMAIN, ZAP_DOMAIN);
    if (sec == 1)
        set_int (s, ZMQ_PLAIN_SERVER, 1);
    else {
        set_int (s, ZMQ_CURVE_SERVER, 1);
        set_str (s, ZMQ_CURVE_SECRETKEY, SERVER_SECRET);
    }
    monitor_open (&mon, s, "server");
    bind_and_publish (s, bind_ep, ep, sizeof ep);
    write_file (epfile, ep);

    if (!bad) {
        int which;
        g_want_user_id = sec == 1 ? PLAIN_USER_ID : CURVE_USER_ID;
        g_want_socket_type = "DEALER";
        for (which = 0; which < 2; which++) {
            basic_expect (s, 1, which);
            basic_send_one (s, 1, which);
        }
        if (sec == 2) {
            expect_dealer_id (s);
            expect_big_n (s, SECURE_BIG, 7, 0);
            send_dealer_id (s);
            send_big_n (s, SECURE_BIG, 8, 0);
            seq_recv_all (s, SECURE_SEQ, 1);
            seq_send_all (s, SECURE_SEQ, 1);
        }
        basic_expect (s, 1, 3);
        basic_send_one (s, 1, 3);
        g_want_user_id = g_want_socket_type = NULL;
        zap_counts (&zap, &accepted, &refused);
        if (accepted < 1 || refused != 0)
            die ("ZAP handler accepted %d, refused %d", accepted, refused);
        if (!monitor_expect (&mon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, 1000))
            die ("no HANDSHAKE_SUCCEEDED event; events:%s", mon.log);
    } else {
        unsigned want = ZMQ_EVENT_HANDSHAKE_FAILED_AUTH;
        if (sec == 2)
            want |= ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL;
        end = now_ms () + TIMEOUT_MS;
        for (;;) {
            zap_counts (&zap, &accepted, &refused);
            if (accepted)
                die ("the ZAP handler accepted a client");
            if (refused)
                break;
            if (now_ms () > end)
                die ("no request refused by the ZAP handler");
            sleep_ms (10);
        }
        if (!monitor_expect (&mon, want, 5000))
            die ("events wanted %u, seen:%s", want, mon.log);
        if (monitor_value (&mon, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) != 400)
            die ("HANDSHAKE_FAILED_AUTH with %lu, not 400", (unsigned long)
                 monitor_value (&mon, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH));
        if (sec == 2
            && monitor_value (&mon, ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL)
                 != ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC)
            die ("HANDSHAKE_FAILED_PROTOCOL with %#lx, not CRYPTOGRAPHIC",
                 (unsigned long) monitor_value (
                   &mon, ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL));
        expect_nothing (s, 500, "the server");
        monitor_expect (&mon, 0, 0);
        fprintf (stderr, "server: events%s\n", mon.log);
        if (!g_ws && (mon.seen & ZMQ_EVENT_HANDSHAKE_SUCCEEDED))
            die ("a handshake succeeded; events:%s", mon.log);
    }
    barrier (epfile, "server");
    set_int (s, ZMQ_LINGER, 0);
    monitor_close (&mon, s);
    if (zmq_close (s) != 0)
        die ("zmq_close");
    zap_stop (&zap);
    return 0;
}

static void *secure_dealer (int sec, const char *name, const char *pass,
                            const char *server_key, const char *pub,
                            const char *sec_key)
{
    void *s = make_socket (ZMQ_DEALER);
    set_str (s, ZMQ_ROUTING_ID, DEALER_ID);
    if (sec == 1) {
        set_str (s, ZMQ_PLAIN_USERNAME, name);
        set_str (s, ZMQ_PLAIN_PASSWORD, pass);
    } else {
        set_str (s, ZMQ_CURVE_SERVERKEY, server_key);
        set_str (s, ZMQ_CURVE_PUBLICKEY, pub);
        set_str (s, ZMQ_CURVE_SECRETKEY, sec_key);
    }
    return s;
}

/* A refused client: nothing arrives, no handshake succeeds and the
 * monitor reports every event of `want` (the first with value `value`
 * unless 0).  Returns 0, or 1 after saying on stderr what is wrong. */
static int refused_client_check (void *s, struct monitor *mon,
                                 unsigned want, uint32_t value,
                                 const char *who)
{
    char junk[64];
    int failed = 0;
    set_int (s, ZMQ_RCVTIMEO, 300);
    if (zmq_recv (s, junk, sizeof junk, 0) >= 0) {
        fprintf (stderr, "%s: received a message\n", who);
        failed = 1;
    }
    if (!monitor_expect (mon, want, 3000)) {
        fprintf (stderr, "%s: no event %u within 3 s\n", who, want);
        failed = 1;
    } else if (value && monitor_value (mon, want) != value) {
        fprintf (stderr, "%s: event %u with %lu, not %lu\n", who, want,
                 (unsigned long) monitor_value (mon, want),
                 (unsigned long) value);
        failed = 1;
    }
    monitor_expect (mon, 0, 0);
    if (!g_ws && (mon->seen & ZMQ_EVENT_HANDSHAKE_SUCCEEDED)) {
        fprintf (stderr, "%s: a handshake succeeded\n", who);
        failed = 1;
    }
    /* shown by run.sh if the scenario fails */
    fprintf (stderr, "%s: events (event(value)):%s\n", who, mon->log);
    return failed;
}

static int run_secure_client (const char *epfile, const char *scenario)
{
    int bad, sec = security_of (scenario, &bad);
    char ep[512];
    wait_endpoint (epfile, ep, sizeof ep);
    if (!bad) {
        void *s = secure_dealer (sec, PLAIN_NAME, PLAIN_PASS, SERVER_PUBLIC,
                                 CLIENT_PUBLIC, CLIENT_SECRET);
        int which;
        if (peer_connect (s, ep) != 0)
            die ("connect %s", ep);
        for (which = 0; which < 2; which++) {
            basic_send_one (s, 0, which);
            basic_expect (s, 0, which);
        }
        if (sec == 2) {
            send_big_n (s, SECURE_BIG, 7, 0);
            expect_big_n (s, SECURE_BIG, 8, 0);
            seq_send_all (s, SECURE_SEQ, 0);
            seq_recv_all (s, SECURE_SEQ, 0);
        }
        basic_send_one (s, 0, 3);
        basic_expect (s, 0, 3);
        barrier (epfile, "client");
        if (zmq_close (s) != 0)
            die ("zmq_close");
        return 0;
    }
    if (sec == 1) {
        /* the right name, a wrong password */
        void *s = secure_dealer (1, PLAIN_NAME, "wrong-pass", NULL, NULL,
                                 NULL);
        struct monitor mon;
        monitor_open (&mon, s, "client");
        if (peer_connect (s, ep) != 0)
            die ("connect %s", ep);
        if (zmq_send (s, "must not arrive", 15, ZMQ_DONTWAIT) != 15
            && zmq_errno () != EAGAIN)
            die ("send");
        if (refused_client_check (s, &mon, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH,
                                  400, "wrong-password client"))
            die ("the refused client's checks failed");
        barrier (epfile, "client");
        set_int (s, ZMQ_LINGER, 0);
        monitor_close (&mon, s);
        zmq_close (s);
    } else {
        /* one with the wrong server key, one whose key the handler does
         * not know */
        void *wrong = secure_dealer (2, NULL, NULL, WRONG_SERVER_PUBLIC,
                                     CLIENT_PUBLIC, CLIENT_SECRET);
        void *stranger = secure_dealer (2, NULL, NULL, SERVER_PUBLIC,
                                        STRANGER_PUBLIC, STRANGER_SECRET);
        struct monitor mw, ms;
        int failed;
        monitor_open (&mw, wrong, "wrong");
        monitor_open (&ms, stranger, "stranger");
        if (peer_connect (wrong, ep) != 0 || peer_connect (stranger, ep) != 0)
            die ("connect %s", ep);
        if (zmq_send (wrong, "must not arrive", 15, ZMQ_DONTWAIT) != 15
            && zmq_errno () != EAGAIN)
            die ("send");
        if (zmq_send (stranger, "must not arrive", 15, ZMQ_DONTWAIT) != 15
            && zmq_errno () != EAGAIN)
            die ("send");
        failed = refused_client_check (stranger, &ms,
                                       ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, 400,
                                       "unknown-key client");
        failed |= refused_client_check (wrong, &mw,
                                        ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL
                                          | ZMQ_EVENT_DISCONNECTED,
                                        0, "wrong-server-key client");
        if (failed)
            die ("the refused clients' checks failed");
        barrier (epfile, "client");
        set_int (wrong, ZMQ_LINGER, 0);
        set_int (stranger, ZMQ_LINGER, 0);
        monitor_close (&mw, wrong);
        monitor_close (&ms, stranger);
        zmq_close (wrong);
        zmq_close (stranger);
    }
    return 0;
}

/* ---- proxy: XPUB publisher -> (XSUB | zmq_proxy | XPUB) -> SUBs ---------- */

/* Server: zmq_proxy between an XSUB frontend bound on the endpoint and an
 * XPUB backend bound on a second one (the same wildcard for tcp, the path
 * with ".back" for ipc); <epfile> holds both, a line each.  A thread
 * waits for the client's barrier file, then zmq_ctx_shutdown ends the
 * proxy (ETERM). */
struct proxy_stop {
    const char *epfile;
    int timed_out;
};

static void *proxy_stopper (void *arg)
{
    struct proxy_stop *ps = (struct proxy_stop *) arg;
    char path[1100];
    long end = now_ms () + 60000;
    snprintf (path, sizeof path, "%s.client", ps->epfile);
    while (!file_exists (path)) {
        if (now_ms () > end) {
            ps->timed_out = 1;
            break;
        }
        sleep_ms (5);
    }
    zmq_ctx_shutdown (g_ctx);
    return NULL;
}

static int run_proxy_server (const char *bind_ep, const char *epfile)
{
    void *front = make_socket (ZMQ_XSUB), *back = make_socket (ZMQ_XPUB);
    char ep1[512], ep2[512], back_ep[600], both[1100];
    struct proxy_stop ps;
    pthread_t stopper;
    int rc;
    if (!strncmp (bind_ep, "ipc://", 6))
        snprintf (back_ep, sizeof back_ep, "%s.back", bind_ep);
    else
        snprintf (back_ep, sizeof back_ep, "%s", bind_ep);
    /* nothing left to deliver once the client is done */
    set_int (front, ZMQ_LINGER, 0);
    set_int (back, ZMQ_LINGER, 0);
    bind_and_publish (front, bind_ep, ep1, sizeof ep1);
    bind_and_publish (back, back_ep, ep2, sizeof ep2);
    snprintf (both, sizeof both, "%s\n%s\n", ep1, ep2);
    write_file (epfile, both);
    ps.epfile = epfile;
    ps.timed_out = 0;
    if (pthread_create (&stopper, NULL, proxy_stopper, &ps) != 0)
        die ("pthread_create");
    {
        char path[1100];
        snprintf (path, sizeof path, "%s.server", epfile);
        write_file (path, "ok\n");
    }
    rc = zmq_proxy (front, back, NULL);
    if (rc != -1 || zmq_errno () != ETERM)
        die ("zmq_proxy returned %d, not -1 with ETERM", rc);
    pthread_join (stopper, NULL);
    if (ps.timed_out)
        die ("the client did not finish within 60 s");
    zmq_close (front);
    zmq_close (back);
    return 0;
}

/* Client: an XPUB publisher connected to the proxy's XSUB, SUBs "A" and
 * "B" connected to its XPUB.  Both subscriptions must reach the
 * publisher through the proxy before it publishes; each SUB gets exactly
 * its topic's messages, multipart ones intact ("C" goes to nobody); the
 * last unsubscription from "A" reaches the publisher too. */
static int run_proxy_client (const char *epfile)
{
    char both[1100], *back;
    void *pub, *sub_a, *sub_b;
    int seen_a = 0, seen_b = 0;
    wait_endpoint (epfile, both, sizeof both);
    back = strchr (both, '\n');
    if (back == NULL)
        die ("one endpoint only in %s", epfile);
    *back++ = '\0';
    pub = make_socket (ZMQ_XPUB);
    sub_a = make_socket (ZMQ_SUB);
    sub_b = make_socket (ZMQ_SUB);
    if (peer_connect (pub, both) != 0)
        die ("connect %s", both);
    if (peer_connect (sub_a, back) != 0 || peer_connect (sub_b, back) != 0)
        die ("connect %s", back);
    if (zmq_setsockopt (sub_a, ZMQ_SUBSCRIBE, "A", 1) != 0
        || zmq_setsockopt (sub_b, ZMQ_SUBSCRIBE, "B", 1) != 0)
        die ("subscribe");
    while (!seen_a || !seen_b) {
        zmq_msg_t m;
        zmq_msg_init (&m);
        recv_frame (pub, &m, 0, "a subscription through the proxy");
        if (zmq_msg_size (&m) == 2 && !memcmp (zmq_msg_data (&m), "\1A", 2))
            seen_a++;
        else if (zmq_msg_size (&m) == 2
                 && !memcmp (zmq_msg_data (&m), "\1B", 2))
            seen_b++;
        else
            die ("the publisher got a %zu-byte message, not a subscription "
                 "to A or B", zmq_msg_size (&m));
        zmq_msg_close (&m);
    }
    if (seen_a != 1 || seen_b != 1)
        die ("subscriptions A %d times, B %d times", seen_a, seen_b);
    send_str (pub, "C: for nobody", 0);
    send_str (pub, "A1", 0);
    send_str (pub, "B1", 0);
    send_str (pub, "C", ZMQ_SNDMORE);
    send_str (pub, "for nobody either", 0);
    send_str (pub, "A", ZMQ_SNDMORE);
    send_str (pub, "", ZMQ_SNDMORE);
    send_big_n (pub, 100000, 3, ZMQ_SNDMORE);
    send_str (pub, "A-last", 0);
    send_str (pub, "B", ZMQ_SNDMORE);
    send_str (pub, "B-part", 0);
    send_str (pub, "AEND", 0);
    send_str (pub, "BEND", 0);

    expect_str (sub_a, "A1", 0);
    expect_str (sub_a, "A", 1);
    expect_str (sub_a, "", 1);
    expect_big_n (sub_a, 100000, 3, 1);
    expect_str (sub_a, "A-last", 0);
    expect_str (sub_a, "AEND", 0);
    expect_str (sub_b, "B1", 0);
    expect_str (sub_b, "B", 1);
    expect_str (sub_b, "B-part", 0);
    expect_str (sub_b, "BEND", 0);
    expect_nothing (sub_a, 200, "subscriber A");
    expect_nothing (sub_b, 200, "subscriber B");

    if (zmq_setsockopt (sub_a, ZMQ_UNSUBSCRIBE, "A", 1) != 0)
        die ("unsubscribe");
    expect_bytes (pub, "\0A", 2, 0);
    barrier (epfile, "client");
    zmq_close (pub);
    zmq_close (sub_a);
    zmq_close (sub_b);
    return 0;
}

/* A draft function of the loaded libzmq, looked up by name (the program
 * must load on Debian's libzmq too, which has none): ISO C has no cast
 * from dlsym's pointer to a function pointer, so callers copy the address
 * bit for bit. */
static void *draft_symbol (const char *name)
{
    void *sym = dlsym (RTLD_DEFAULT, name);
    if (sym == NULL)
        die ("this libzmq has no %s (draft API)", name);
    return sym;
}

/* peer: connect with zmq_connect_peer, then count numbered messages to
 * the routing id it gave, in windows of 500, each echoed back. */
static void peer_client (void *s, const char *ep, long count)
{
    void *connect_sym = draft_symbol ("zmq_connect_peer");
    void *set_sym = draft_symbol ("zmq_msg_set_routing_id");
    uint32_t (*connect_peer) (void *, const char *);
    int (*set_routing_id) (zmq_msg_t *, uint32_t);
    uint32_t id;
    long done, i;
    memcpy (&connect_peer, &connect_sym, sizeof connect_peer);
    memcpy (&set_routing_id, &set_sym, sizeof set_routing_id);
    if (strncmp (ep, "wss://", 6) == 0)
        wss_options (s, 0);
    id = connect_peer (s, ep);
    if (id == 0)
        die ("zmq_connect_peer %s", ep);
    for (done = 0; done < count; done += 500) {
        long n = count - done < 500 ? count - done : 500;
        for (i = 0; i < n; i++) {
            zmq_msg_t m;
            zmq_msg_init_size (&m, SEQ_SIZE);
            seq_fill ((unsigned char *) zmq_msg_data (&m), (uint64_t) (done + i));
            if (set_routing_id (&m, id) != 0
                || zmq_msg_send (&m, s, 0) != SEQ_SIZE)
                die ("send to peer %u", (unsigned) id);
        }
        for (i = 0; i < n; i++) {
            uint64_t got = seq_recv (s, 0);
            if (got != (uint64_t) (done + i))
                die ("echo %ld carries %llu", done + i,
                     (unsigned long long) got);
        }
    }
}

/* clientserver: the SERVER takes count numbered messages in order, all
 * from one peer (one routing id), and echoes each back to that id. */
static void clientserver_echo (void *server, long count)
{
    void *get_sym = draft_symbol ("zmq_msg_routing_id");
    void *set_sym = draft_symbol ("zmq_msg_set_routing_id");
    uint32_t (*routing_id) (zmq_msg_t *);
    int (*set_routing_id) (zmq_msg_t *, uint32_t);
    uint32_t peer = 0;
    long i;
    memcpy (&routing_id, &get_sym, sizeof routing_id);
    memcpy (&set_routing_id, &set_sym, sizeof set_routing_id);
    for (i = 0; i < count; i++) {
        zmq_msg_t msg;
        unsigned char want[SEQ_SIZE];
        uint32_t id;
        zmq_msg_init (&msg);
        recv_frame (server, &msg, 0, "a request");
        seq_fill (want, (uint64_t) i);
        if (zmq_msg_size (&msg) != SEQ_SIZE
            || memcmp (zmq_msg_data (&msg), want, SEQ_SIZE) != 0)
            die ("request %ld is not the one expected", i);
        id = routing_id (&msg);
        if (id == 0 || (peer != 0 && id != peer))
            die ("request %ld carries routing id %u (first %u)", i,
                 (unsigned) id, (unsigned) peer);
        peer = id;
        if (set_routing_id (&msg, id) != 0
            || zmq_msg_send (&msg, server, 0) != SEQ_SIZE)
            die ("echo %ld", i);
    }
}

/* ---- radio / dish ------------------------------------------------------ */

/* One message in group from the RADIO. */
static void radio_send (void *s, const char *group, const void *data,
                        size_t size)
{
    void *sym = draft_symbol ("zmq_msg_set_group");
    int (*set_group) (zmq_msg_t *, const char *);
    zmq_msg_t m;
    memcpy (&set_group, &sym, sizeof set_group);
    if (zmq_msg_init_size (&m, size) != 0)
        die ("zmq_msg_init_size");
    memcpy (zmq_msg_data (&m), data, size);
    if (set_group (&m, group) != 0 || zmq_msg_send (&m, s, 0) != (int) size)
        die ("send to group %s", group);
}

static const char *group_of (uint64_t seq)
{
    return seq % 3 == 0 ? "A" : seq % 3 == 1 ? "B" : "C";
}

/* The RADIO side of "groups" (see the top of the file). */
static void radio_run (void *s, const char *epfile, long count, int udp)
{
    char joined[1100], skip[1100];
    unsigned char buf[SEQ_SIZE];
    long end = now_ms () + 20000, i;
    snprintf (joined, sizeof joined, "%s.joined", epfile);
    snprintf (skip, sizeof skip, "%s.skip", epfile);
    set_int (s, ZMQ_XPUB_NODROP, 1);
    while (!file_exists (joined)) {
        if (file_exists (skip)) {
            printf ("SKIP: no multicast on this machine\n");
            return;
        }
        if (now_ms () > end)
            die ("the DISH heard no probe in 20 s");
        radio_send (s, "A", "probe", 5);
        sleep_ms (10);
    }
    for (i = 0; i < count; i++) {
        seq_fill (buf, (uint64_t) i);
        radio_send (s, group_of ((uint64_t) i), buf, SEQ_SIZE);
        /* udp has no flow control: keep the receiver's buffer from
         * overflowing. */
        if (udp && i % 16 == 15)
            sleep_ms (1);
    }
    for (i = 0; i < (udp ? 3 : 1); i++)
        radio_send (s, "A", "END", 3);
}

/* The DISH side of "groups". Over udp (`udp`), datagrams the kernel
 * dropped while the receiver was off the CPU are allowed, as udp allows,
 * up to 1% of those due; order, groups and content are not. */
static void dish_run (void *s, const char *epfile, long count, int udp)
{
    long lost = 0;
    void *join_sym = draft_symbol ("zmq_join");
    void *group_sym = draft_symbol ("zmq_msg_group");
    int (*join) (void *, const char *);
    const char *(*group) (zmq_msg_t *);
    char joined[1100];
    uint64_t next = 0;
    int told = 0;
    memcpy (&join, &join_sym, sizeof join);
    memcpy (&group, &group_sym, sizeof group);
    if (join (s, "A") != 0 || join (s, "C") != 0)
        die ("zmq_join");
    snprintf (joined, sizeof joined, "%s.joined", epfile);
    for (;;) {
        zmq_msg_t m;
        const unsigned char *p;
        uint64_t seq = 0;
        unsigned char want[SEQ_SIZE];
        int i;
        zmq_msg_init (&m);
        recv_frame (s, &m, 0, "a group message");
        p = (const unsigned char *) zmq_msg_data (&m);
        if (zmq_msg_size (&m) == 5 && !memcmp (p, "probe", 5)) {
            if (strcmp (group (&m), "A") != 0)
                die ("a probe in group '%s'", group (&m));
            if (!told)
                write_file (joined, "joined\n");
            told = 1;
            zmq_msg_close (&m);
            continue;
        }
        if (zmq_msg_size (&m) == 3 && !memcmp (p, "END", 3)) {
            zmq_msg_close (&m);
            break;
        }
        if (zmq_msg_size (&m) != SEQ_SIZE)
            die ("a message of %zu bytes", zmq_msg_size (&m));
        for (i = 0; i < 8; i++)
            seq = (seq << 8) | p[i];
        seq_fill (want, seq);
        if (memcmp (p, want, SEQ_SIZE) != 0)
            die ("message %llu corrupted", (unsigned long long) seq);
        if (seq % 3 == 1 || strcmp (group (&m), group_of (seq)) != 0)
            die ("message %llu in group '%s'", (unsigned long long) seq,
                 group (&m));
        if (seq != next && !(udp && seq > next))
            die ("message %llu where %llu was due", (unsigned long long) seq,
                 (unsigned long long) next);
        for (; next < seq; next++)
            lost += next % 3 != 1;
        next = seq + (seq % 3 == 0 ? 2 : 1);
        zmq_msg_close (&m);
    }
    if ((long) next < count - (udp ? count / 100 : 0))
        die ("END after %llu of %ld", (unsigned long long) next, count);
    if (lost > count / 100)
        die ("%ld of %ld messages lost", lost, count);
    if (lost > 0)
        printf ("(%ld datagrams lost, as udp may)\n", lost);
}

/* A udp bind endpoint ending in ":*": the same with a free port. */
static void udp_free_port (const char *bind_ep, char *ep, size_t size)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof sa;
    int fd = socket (AF_INET, SOCK_DGRAM, 0);
    size_t n = strlen (bind_ep);
    memset (&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    if (fd < 0 || bind (fd, (struct sockaddr *) &sa, sizeof sa) != 0
        || getsockname (fd, (struct sockaddr *) &sa, &len) != 0)
        die ("no free udp port");
    close (fd);
    if (n < 2 || strcmp (bind_ep + n - 2, ":*") != 0)
        snprintf (ep, size, "%s", bind_ep);
    else
        snprintf (ep, size, "%.*s:%d", (int) (n - 2), bind_ep,
                  ntohs (sa.sin_port));
}

/* Whether a datagram to the multicast group of ep ("udp://G:port") comes
 * back over the loopback here. */
static int multicast_works (const char *ep)
{
    struct sockaddr_in any, to;
    struct ip_mreq mreq;
    struct timeval tv = {0, 300000};
    char host[64], buf[4];
    const char *colon = strrchr (ep, ':');
    int r = socket (AF_INET, SOCK_DGRAM, 0), w = socket (AF_INET, SOCK_DGRAM, 0);
    int one = 1, ok = 0;
    if (colon == NULL || colon - ep - 6 >= (long) sizeof host)
        die ("bad multicast endpoint %s", ep);
    snprintf (host, sizeof host, "%.*s", (int) (colon - ep - 6), ep + 6);
    memset (&any, 0, sizeof any);
    any.sin_family = AF_INET;
    any.sin_port = htons ((uint16_t) atoi (colon + 1));
    to = any;
    any.sin_addr.s_addr = htonl (INADDR_ANY);
    inet_pton (AF_INET, host, &to.sin_addr);
    mreq.imr_multiaddr = to.sin_addr;
    mreq.imr_interface.s_addr = htonl (INADDR_ANY);
    if (r >= 0 && w >= 0
        && setsockopt (r, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0
        && bind (r, (struct sockaddr *) &any, sizeof any) == 0
        && setsockopt (r, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof mreq)
             == 0
        && setsockopt (r, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0
        && sendto (w, "m", 1, 0, (struct sockaddr *) &to, sizeof to) == 1)
        ok = recv (r, buf, sizeof buf, 0) == 1;
    if (r >= 0)
        close (r);
    if (w >= 0)
        close (w);
    return ok;
}

/* dishradio's server: the DISH binds a udp endpoint and publishes it (a
 * udp LAST_ENDPOINT has no scheme, so the endpoint itself). */
static int run_dish_server (const char *bind_ep, const char *scenario,
                            const char *epfile, long count)
{
    char ep[512], skip[1100];
    void *s;
    if (strcmp (scenario, "groups") != 0)
        die ("dishradio has the groups scenario only");
    udp_free_port (bind_ep, ep, sizeof ep);
    if (strncmp (ep, "udp://2", 7) == 0 && !multicast_works (ep)) {
        printf ("SKIP: no multicast on this machine\n");
        snprintf (skip, sizeof skip, "%s.skip", epfile);
        write_file (skip, "skip\n");
        write_file (epfile, ep);
        return 0;
    }
    s = make_socket (ZMQ_DISH);
    /* libzmq drops a datagram its full pipe cannot take. */
    set_int (s, ZMQ_RCVHWM, 0);
    if (bind_retry (s, ep) != 0)
        die ("bind %s", ep);
    write_file (epfile, ep);
    dish_run (s, epfile, count, 1);
    barrier (epfile, "server");
    if (zmq_close (s) != 0)
        die ("zmq_close");
    return 0;
}

static int run_server (const char *pattern, const char *bind_ep,
                       const char *scenario, const char *epfile, long count)
{
    int type, bad;
    void *s;
    char ep[512], path[1100];
    if (!strcmp (pattern, "proxy"))
        return run_proxy_server (bind_ep, epfile);
    if (!strcmp (pattern, "dishradio"))
        return run_dish_server (bind_ep, scenario, epfile, count);
    if (security_of (scenario, &bad)) {
        if (strcmp (pattern, "dealerrouter") != 0)
            die ("the security scenarios need dealerrouter");
        return run_secure_server (bind_ep, scenario, epfile);
    }
    type = server_type (pattern);
    s = make_socket (type);
    if (type == ZMQ_ROUTER)
        set_int (s, ZMQ_ROUTER_MANDATORY, 1);
    bind_and_publish (s, bind_ep, ep, sizeof ep);
    write_file (epfile, ep);

    if (type == ZMQ_XPUB) {
        if (strcmp (scenario, "basic") != 0)
            die ("xpubsub has the basic scenario only");
        pubsub_server (s);
    } else if (type == ZMQ_RADIO) {
        if (strcmp (scenario, "groups") != 0)
            die ("radiodish has the groups scenario only");
        radio_run (s, epfile, count, 0);
    } else if (!strcmp (scenario, "basic")) {
        if (type == ZMQ_PUSH)
            basic_sender (s, 0);
        else
            basic_receiver (s, type == ZMQ_ROUTER, type != ZMQ_PULL);
    } else if (!strcmp (scenario, "seq")) {
        if (type == ZMQ_PUSH)
            seq_send_all (s, count, 0);
        else if (type == ZMQ_SERVER || type == ZMQ_PEER)
            clientserver_echo (s, count);
        else if (type == ZMQ_REP) {
            long i;
            for (i = 0; i < count; i++) {
                uint64_t got = seq_recv (s, 0);
                if (got != (uint64_t) i)
                    die ("request %ld carries %llu", i,
                         (unsigned long long) got);
                seq_send (s, got, 0);
            }
        } else {
            seq_recv_all (s, count, type == ZMQ_ROUTER);
            if (type == ZMQ_PAIR || type == ZMQ_ROUTER || type == ZMQ_CHANNEL)
                seq_send_all (s, count, type == ZMQ_ROUTER);
        }
    } else if (!strcmp (scenario, "restart1")
               || !strcmp (scenario, "restart2")) {
        uint64_t last = 0, got;
        int have_last = 0, i;
        char text[64];
        if (type != ZMQ_PULL)
            die ("restart needs pushpull");
        snprintf (path, sizeof path, "%s.last", epfile);
        if (!strcmp (scenario, "restart2")) {
            if (read_file (path, text, sizeof text) != 0)
                die ("no %s", path);
            last = strtoull (text, NULL, 10);
            have_last = 1;
        }
        for (i = 0; i < RESTART_TAKE; i++) {
            got = seq_recv (s, 0);
            if (have_last && got <= last)
                die ("got %llu after %llu (duplicate or reordered)",
                     (unsigned long long) got, (unsigned long long) last);
            last = got;
            have_last = 1;
        }
        if (!strcmp (scenario, "restart1")) {
            snprintf (text, sizeof text, "%llu\n", (unsigned long long) last);
            write_file (path, text);
        } else {
            snprintf (path, sizeof path, "%s.done", epfile);
            write_file (path, "done\n");
        }
        set_int (s, ZMQ_LINGER, 0);
    } else
        die ("unknown scenario");
    if (strncmp (scenario, "restart", 7) != 0)
        barrier (epfile, "server");
    if (zmq_close (s) != 0)
        die ("zmq_close");
    return 0;
}

static int run_client (const char *pattern, const char *epfile,
                       const char *scenario, long count)
{
    int type, bad;
    void *s;
    char ep[512], path[1100];
    long end;
    if (!strcmp (pattern, "proxy"))
        return run_proxy_client (epfile);
    if (security_of (scenario, &bad)) {
        if (strcmp (pattern, "dealerrouter") != 0)
            die ("the security scenarios need dealerrouter");
        return run_secure_client (epfile, scenario);
    }
    type = client_type (pattern);
    wait_endpoint (epfile, ep, sizeof ep);
    s = make_socket (type);
    if (type == ZMQ_DEALER)
        zmq_setsockopt (s, ZMQ_ROUTING_ID, DEALER_ID, strlen (DEALER_ID));
    if (!strcmp (scenario, "restart"))
        set_int (s, ZMQ_RECONNECT_IVL, 50);
    if (type == ZMQ_PEER) {
        peer_client (s, ep, count);
        barrier (epfile, "client");
        if (zmq_close (s) != 0)
            die ("zmq_close");
        return 0;
    }
    if (peer_connect (s, ep) != 0)
        die ("connect %s", ep);

    if (type == ZMQ_DISH || type == ZMQ_RADIO) {
        char skip[1100];
        if (strcmp (scenario, "groups") != 0)
            die ("radio/dish have the groups scenario only");
        snprintf (skip, sizeof skip, "%s.skip", epfile);
        if (type == ZMQ_DISH)
            dish_run (s, epfile, count, 0);
        else
            radio_run (s, epfile, count, 1);
        if (file_exists (skip)) {
            zmq_close (s);
            return 0;
        }
    } else if (type == ZMQ_SUB)
        pubsub_client (s);
    else if (!strcmp (scenario, "basic")) {
        if (type == ZMQ_PULL)
            basic_receiver (s, 0, 0);
        else
            basic_sender (s, type != ZMQ_PUSH);
    } else if (!strcmp (scenario, "seq")) {
        if (type == ZMQ_PULL)
            seq_recv_all (s, count, 0);
        else if (type == ZMQ_REQ) {
            long i;
            for (i = 0; i < count; i++) {
                uint64_t got;
                seq_send (s, (uint64_t) i, 0);
                got = seq_recv (s, 0);
                if (got != (uint64_t) i)
                    die ("reply %ld carries %llu", i,
                         (unsigned long long) got);
            }
        } else if (type == ZMQ_CLIENT) {
            /* In windows of 500: the echoes must be read while sending,
             * or both sides end up blocked on full queues. */
            long done, i;
            for (done = 0; done < count; done += 500) {
                long n = count - done < 500 ? count - done : 500;
                for (i = 0; i < n; i++)
                    seq_send (s, (uint64_t) (done + i), 0);
                for (i = 0; i < n; i++) {
                    uint64_t got = seq_recv (s, 0);
                    if (got != (uint64_t) (done + i))
                        die ("echo %ld carries %llu", done + i,
                             (unsigned long long) got);
                }
            }
        } else {
            seq_send_all (s, count, 0);
            if (type == ZMQ_PAIR || type == ZMQ_DEALER || type == ZMQ_CHANNEL)
                seq_recv_all (s, count, 0);
        }
    } else if (!strcmp (scenario, "restart")) {
        uint64_t seq = 0;
        unsigned char buf[SEQ_SIZE];
        snprintf (path, sizeof path, "%s.done", epfile);
        end = now_ms () + 40000;
        if (type != ZMQ_PUSH)
            die ("restart needs pushpull");
        while (!file_exists (path)) {
            if (now_ms () > end)
                die ("no %s after 40 s", path);
            seq_fill (buf, seq);
            if (zmq_send (s, buf, SEQ_SIZE, ZMQ_DONTWAIT) == SEQ_SIZE)
                seq++;
            else if (zmq_errno () != EAGAIN)
                die ("send");
            sleep_ms (1);
        }
        set_int (s, ZMQ_LINGER, 0);
    } else
        die ("unknown scenario");
    if (strcmp (scenario, "restart") != 0)
        barrier (epfile, "client");
    if (zmq_close (s) != 0)
        die ("zmq_close");
    return 0;
}

int main (int argc, char **argv)
{
    int rc, major, minor, patch;
    if (argc >= 2 && !strcmp (argv[1], "version")) {
        Dl_info info;
        zmq_version (&major, &minor, &patch);
        memset (&info, 0, sizeof info);
        dladdr ((void *) (uintptr_t) &zmq_version, &info);
        printf ("%d.%d.%d %s\n", major, minor, patch,
                info.dli_fname ? info.dli_fname : "?");
        return 0;
    }
    if (argc >= 3 && !strcmp (argv[1], "has")) {
        printf ("%d\n", zmq_has (argv[2]));
        return 0;
    }
    if (argc < 5) {
        fprintf (stderr,
                 "usage: peer server PATTERN BIND-ENDPOINT SCENARIO EPFILE "
                 "[COUNT]\n"
                 "       peer client PATTERN EPFILE SCENARIO [COUNT]\n"
                 "       peer version\n"
                 "       peer has CAPABILITY\n");
        return 2;
    }
    g_role = argv[1];
    g_pattern = argv[2];
    alarm (120);
    g_ctx = zmq_ctx_new ();
    if (g_ctx == NULL)
        die ("zmq_ctx_new");
    if (!strcmp (argv[1], "server") && argc >= 6) {
        g_scenario = argv[4];
        if (strncmp (argv[4], "restart", 7) != 0)
            g_barrier_epfile = argv[5];
        rc = run_server (argv[2], argv[3], argv[4], argv[5],
                         argc > 6 ? atol (argv[6]) : 100000);
    } else if (!strcmp (argv[1], "client")) {
        g_scenario = argv[4];
        if (strncmp (argv[4], "restart", 7) != 0)
            g_barrier_epfile = argv[3];
        rc = run_client (argv[2], argv[3], argv[4],
                         argc > 5 ? atol (argv[5]) : 100000);
    } else {
        fprintf (stderr, "bad arguments\n");
        return 2;
    }
    if (zmq_ctx_term (g_ctx) != 0)
        die ("zmq_ctx_term");
    return rc;
}
