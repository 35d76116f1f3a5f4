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
 * scenarios:
 *   basic    a 3-part message with an empty middle frame, an empty
 *            message, a 10 MiB message and "END", from the client (from the
 *            server for pullpush); the server echoes them back when the
 *            pattern allows (pair, reqrep, dealerrouter)
 *   seq      <count> messages, each an 8-byte big-endian sequence number
 *            and 24 bytes derived from it, that must arrive exactly once
 *            and in order; then the same from the server for pair and
 *            dealerrouter; reqrep does <count> round trips
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
 * before closing, so no message is still in flight when a socket closes.
 * Exit status 0 on success; on failure a line on stderr and status 1.
 */
#include <dlfcn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#define TIMEOUT_MS 10000
#define BIG_SIZE (10u * 1024u * 1024u)
#define SEQ_SIZE 32
#define RESTART_TAKE 50
#define DEALER_ID "interop-dealer"

static const char *g_role = "?", *g_pattern = "?", *g_scenario = "?";
static void *g_ctx;

static void die (const char *fmt, ...)
{
    va_list ap;
    fprintf (stderr, "peer %s %s %s: ", g_role, g_pattern, g_scenario);
    va_start (ap, fmt);
    vfprintf (stderr, fmt, ap);
    va_end (ap);
    fprintf (stderr, " (errno %d: %s)\n", zmq_errno (),
             zmq_strerror (zmq_errno ()));
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

static void send_big (void *s, unsigned seed, int flags)
{
    zmq_msg_t msg;
    unsigned char *p;
    size_t i;
    if (zmq_msg_init_size (&msg, BIG_SIZE) != 0)
        die ("zmq_msg_init_size big");
    p = (unsigned char *) zmq_msg_data (&msg);
    for (i = 0; i < BIG_SIZE; i++)
        p[i] = pattern_byte (i, seed);
    if (zmq_msg_send (&msg, s, flags) != (int) BIG_SIZE)
        die ("send of the 10 MiB message");
}

/* Receive one frame into msg (initialised by the caller); dies on error or
 * if the more flag differs. */
static void recv_frame (void *s, zmq_msg_t *msg, int more, const char *what)
{
    if (zmq_msg_recv (msg, s, 0) < 0)
        die ("receiving %s", what);
    if (zmq_msg_more (msg) != more)
        die ("%s: more flag %d, expected %d", what, zmq_msg_more (msg), more);
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

static void expect_big (void *s, unsigned seed, int more)
{
    zmq_msg_t msg;
    const unsigned char *p;
    size_t i;
    zmq_msg_init (&msg);
    recv_frame (s, &msg, more, "the 10 MiB message");
    if (zmq_msg_size (&msg) != BIG_SIZE)
        die ("10 MiB message has %zu bytes", zmq_msg_size (&msg));
    p = (const unsigned char *) zmq_msg_data (&msg);
    for (i = 0; i < BIG_SIZE; i++)
        if (p[i] != pattern_byte (i, seed))
            die ("10 MiB message differs at byte %zu", i);
    zmq_msg_close (&msg);
}

/* The routing id frame a ROUTER puts first. */
static void expect_dealer_id (void *router)
{
    expect_str (router, DEALER_ID, 1);
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

static int bind_retry (void *s, const char *ep)
{
    long end = now_ms () + 5000;
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

static int run_server (const char *pattern, const char *bind_ep,
                       const char *scenario, const char *epfile, long count)
{
    int type = server_type (pattern);
    void *s = make_socket (type);
    char ep[512], path[1100];
    if (type == ZMQ_ROUTER)
        set_int (s, ZMQ_ROUTER_MANDATORY, 1);
    if (bind_retry (s, bind_ep) != 0)
        die ("bind %s", bind_ep);
    {
        size_t n = sizeof ep;
        if (zmq_getsockopt (s, ZMQ_LAST_ENDPOINT, ep, &n) != 0)
            die ("ZMQ_LAST_ENDPOINT");
    }
    write_file (epfile, ep);

    if (type == ZMQ_XPUB) {
        if (strcmp (scenario, "basic") != 0)
            die ("xpubsub has the basic scenario only");
        pubsub_server (s);
    } else if (!strcmp (scenario, "basic")) {
        if (type == ZMQ_PUSH)
            basic_sender (s, 0);
        else
            basic_receiver (s, type == ZMQ_ROUTER, type != ZMQ_PULL);
    } else if (!strcmp (scenario, "seq")) {
        if (type == ZMQ_PUSH)
            seq_send_all (s, count, 0);
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
            if (type == ZMQ_PAIR || type == ZMQ_ROUTER)
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
    int type = client_type (pattern);
    void *s;
    char ep[512], path[1100];
    long end = now_ms () + 10000;
    while (read_file (epfile, ep, sizeof ep) != 0) {
        if (now_ms () > end)
            die ("no endpoint in %s after 10 s", epfile);
        sleep_ms (10);
    }
    s = make_socket (type);
    if (type == ZMQ_DEALER)
        zmq_setsockopt (s, ZMQ_ROUTING_ID, DEALER_ID, strlen (DEALER_ID));
    if (!strcmp (scenario, "restart"))
        set_int (s, ZMQ_RECONNECT_IVL, 50);
    if (zmq_connect (s, ep) != 0)
        die ("connect %s", ep);

    if (type == ZMQ_SUB)
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
        } else {
            seq_send_all (s, count, 0);
            if (type == ZMQ_PAIR || type == ZMQ_DEALER)
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
    if (argc < 5) {
        fprintf (stderr,
                 "usage: peer server PATTERN BIND-ENDPOINT SCENARIO EPFILE "
                 "[COUNT]\n"
                 "       peer client PATTERN EPFILE SCENARIO [COUNT]\n"
                 "       peer version\n");
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
        rc = run_server (argv[2], argv[3], argv[4], argv[5],
                         argc > 6 ? atol (argv[6]) : 100000);
    } else if (!strcmp (argv[1], "client")) {
        g_scenario = argv[4];
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
