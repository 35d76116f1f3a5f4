/* test_cves.c - the inputs of every published libzmq CVE, played by a
 * hostile peer over raw TCP against a zmqrs socket.  Each case checks that
 * the input is refused (the connection dropped) or ignored, that memory
 * stays bounded where the CVE was about memory, and that a well-behaved
 * peer still exchanges messages with the attacked socket afterwards.
 *
 * The CVEs, their inputs, and the libzmq versions they affect (from
 * libzmq's NEWS, its issues and advisories, and the CVE records):
 *
 * CVE-2014-7202 (libzmq issue #1190): a peer whose greeting names a
 *   different mechanism (NULL to a CURVE socket) was accepted, so a man in
 *   the middle could strip the security.  4.0.0 to 4.0.4; fixed in 4.0.5.
 * CVE-2014-7203 (#1191): the CURVE short-term nonces were not checked, so
 *   a recorded MESSAGE could be replayed.  4.0.x before 4.0.5; fixed in
 *   4.0.5.  Input here: an older MESSAGE replayed after a newer one.
 * CVE-2014-9721 (#1273): a ZMTP 2.0 or 1.0 header made a CURVE/PLAIN
 *   socket talk to the peer without its security mechanism.  Before 4.0.6,
 *   4.1.x before 4.1.1; fixed in 4.0.6 and 4.1.1.
 * CVE-2019-6250 (#3351): after the handshake, a frame with an 8-octet
 *   size close to 2^64 made the bounds check of v2_decoder wrap around,
 *   and the bytes after it were written past the receive buffer (remote
 *   code execution).  4.2.0 to 4.3.0; fixed in 4.3.1.
 * CVE-2019-13132 (#3558): a CURVE INITIATE whose box is longer than the
 *   server's fixed stack buffer (more than 256 octets of metadata) was
 *   copied into it before any authentication: a stack overflow by an
 *   unauthenticated client.  All from 4.0.0: before 4.0.9, 4.1.x before
 *   4.1.7, 4.2.0 to 4.3.1; fixed in 4.0.9, 4.1.7 and 4.3.2.
 * CVE-2020-15166 (GHSA-25wp-cf8g-938m): a peer's pipe was attached to the
 *   socket before its handshake completed, so raw TCP connections to a
 *   CURVE/ZAP endpoint that never finish the handshake kept legitimate
 *   clients from exchanging messages.  Before 4.3.3 (4.1 branch: before
 *   4.1.8); fixed in 4.3.3.  Input here: connections that stop before,
 *   in and after the greeting, next to a PUSH (whose messages must all go
 *   to the authenticated peer) and a PAIR (whose one peer it must be).
 * CVE-2021-20234 (GHSA-wfr2-29gj-5w87): a client leaked the unfinished
 *   part of a multipart message when a (malicious) server hung up in the
 *   middle of it.  Before 4.3.3; fixed in 4.3.3.
 * CVE-2021-20235 (GHSA-fc3w-qxf5-7hp6): ZMTP 1.0 peers are decoded into a
 *   fixed 8 KiB buffer whose recorded size two messages larger than 8 KiB
 *   could change, so the next message overflowed the heap.  Before 4.3.3;
 *   fixed in 4.3.3.  CVE-2020-36400 (OSS-Fuzz 26042, a heap overflow in
 *   tcp_read whose record names 4.3.3 and points at the same fix, libzmq
 *   commit 397ac808) is the same family of input: large ZMTP 1.0 frames.
 * CVE-2021-20236 (GHSA-qq65-x72m-9wr8): PUB/XPUB walked the subscription
 *   trie recursively, one stack frame per topic octet, so a subscription
 *   to a very long topic followed by its cancel (or a disconnect)
 *   overflowed the stack.  Before 4.3.3; fixed in 4.3.3.
 * CVE-2021-20237 (GHSA-4p5v-h92w-6wxw): a PUB socket kept every
 *   non-subscription message a subscriber sent it (with the connection's
 *   metadata) and never freed them: unbounded memory.  4.2.0 to 4.3.2;
 *   fixed in 4.3.3.  Input here: 128 MiB of such messages from a ZMTP 3.1
 *   subscriber with application metadata, 64 MiB from a ZMTP 1.0 one.
 *
 * Memory is measured as the process's resident set (/proc/self/statm):
 * the attacks send (or claim) more than RSS_BOUND octets and growth must
 * stay below it.
 * Build with -pthread.
 */
#include <zmq.h>

#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"
#include "rawtcp.h"

#define MIB (1024L * 1024L)
#define RSS_BOUND (64 * MIB)

/* ---- helpers ------------------------------------------------------------ */

static long ms_now (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The resident set of this process in octets, or -1. */
static long rss_bytes (void)
{
    long total = 0, resident = -1;
    FILE *f = fopen ("/proc/self/statm", "r");
    if (f == NULL)
        return -1;
    if (fscanf (f, "%ld %ld", &total, &resident) != 2)
        resident = -1;
    fclose (f);
    return resident < 0 ? -1 : resident * sysconf (_SC_PAGESIZE);
}

/* Reads what the other end sends until it closes the connection (EOF or
 * reset), for at most ms; the first cap octets are kept in buf (their
 * number in *len) when buf is not NULL.  1 if it closed. */
static int read_until_closed (int fd, int ms, unsigned char *buf, size_t cap,
                              size_t *len)
{
    long end = ms_now () + ms;
    unsigned char tmp[4096];
    if (len != NULL)
        *len = 0;
    for (;;) {
        struct pollfd p;
        long left = end - ms_now ();
        ssize_t r;
        if (left <= 0)
            return 0;
        p.fd = fd;
        p.events = POLLIN;
        p.revents = 0;
        if (poll (&p, 1, (int) left) != 1)
            return 0;
        r = recv (fd, tmp, sizeof tmp, MSG_DONTWAIT);
        if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
            return 1;
        if (r > 0 && buf != NULL && len != NULL && *len < cap) {
            size_t keep = (size_t) r < cap - *len ? (size_t) r : cap - *len;
            memcpy (buf + *len, tmp, keep);
            *len += keep;
        }
    }
}

static int closed_within (int fd, int ms)
{
    return read_until_closed (fd, ms, NULL, 0, NULL);
}

/* Writes n octets before the deadline (ms_now () time) without blocking
 * past it: 0, -1 if the peer closed the connection, -2 at the deadline.
 * While the peer is not reading, `poke` (a socket of ours, or NULL) gets
 * to process its commands, as a socket in use would: a libzmq socket
 * takes in what its peers send only from within a call of the
 * application's. */
static int write_by (int fd, const void *buf, size_t n, long deadline,
                     void *poke)
{
    size_t done = 0;
    while (done < n) {
        struct pollfd p;
        long left;
        ssize_t w = send (fd, (const char *) buf + done, n - done,
                          MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w > 0) {
            done += (size_t) w;
            continue;
        }
        if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            return -1;
        left = deadline - ms_now ();
        if (left <= 0)
            return -2;
        if (poke != NULL) {
            int events;
            size_t len = sizeof events;
            zmq_getsockopt (poke, ZMQ_EVENTS, &events, &len);
            if (left > 5)
                left = 5;
        }
        p.fd = fd;
        p.events = POLLOUT;
        p.revents = 0;
        poll (&p, 1, (int) left);
    }
    return 0;
}

static void put_be64 (unsigned char *p, uint64_t v)
{
    int i;
    for (i = 0; i < 8; i++)
        p[i] = (unsigned char) (v >> (56 - 8 * i));
}

/* A ZMTP 2.0/3.x frame header (8-octet size if long or size > 255): its
 * length. */
static size_t zmtp_header (unsigned char *h, int flags, uint64_t size,
                           int long_form)
{
    if (long_form || size > 255) {
        h[0] = (unsigned char) (flags | 0x02);
        put_be64 (h + 1, size);
        return 9;
    }
    h[0] = (unsigned char) flags;
    h[1] = (unsigned char) size;
    return 2;
}

/* A ZMTP 1.0 frame header: length (body + flags octet; FF and 8 octets
 * from 255 on), then flags.  Its length. */
static size_t v1_header (unsigned char *h, int more, uint64_t body)
{
    uint64_t length = body + 1;
    if (length < 255) {
        h[0] = (unsigned char) length;
        h[1] = (unsigned char) (more ? 1 : 0);
        return 2;
    }
    h[0] = 0xff;
    put_be64 (h + 1, length);
    h[9] = (unsigned char) (more ? 1 : 0);
    return 10;
}

/* Reads monitor events until one of type `event` comes (its value into
 * *value when not NULL): 0, or -1 if none came within ms. */
static int await_event (void *mon, int event, uint32_t *value, int ms)
{
    long end = ms_now () + ms;
    tu_event_t ev;
    for (;;) {
        long left = end - ms_now ();
        if (left <= 0 || tu_read_event (mon, &ev, (int) left) != 0)
            return -1;
        if (ev.event == event) {
            if (value != NULL)
                *value = ev.value;
            return 0;
        }
    }
}

/* Binds s to an ephemeral loopback port, the endpoint into ep. 0 or -1. */
static int bind_local (void *s, char *ep, size_t len)
{
    if (zmq_bind (s, "tcp://127.0.0.1:*") != 0)
        return -1;
    return tu_last_endpoint (s, ep, len);
}

typedef struct
{
    char pub[41], sec[41];
} keypair_t;

/* A tu_socket () that is a CURVE server with the secret key of k. */
static void *curve_server (void *ctx, int type, const keypair_t *k)
{
    int one = 1;
    void *s = tu_socket (ctx, type);
    if (s != NULL
        && (zmq_setsockopt (s, ZMQ_CURVE_SERVER, &one, sizeof one) != 0
            || zmq_setsockopt (s, ZMQ_CURVE_SECRETKEY, k->sec, 40) != 0)) {
        zmq_close (s);
        return NULL;
    }
    return s;
}

/* A tu_socket () that is a CURVE client (own fresh keys) trusting
 * server_pub. */
static void *curve_client (void *ctx, int type, const char *server_pub)
{
    keypair_t mine;
    void *s = tu_socket (ctx, type);
    if (s == NULL)
        return NULL;
    if (zmq_curve_keypair (mine.pub, mine.sec) != 0
        || zmq_setsockopt (s, ZMQ_CURVE_SERVERKEY, server_pub, 40) != 0
        || zmq_setsockopt (s, ZMQ_CURVE_PUBLICKEY, mine.pub, 40) != 0
        || zmq_setsockopt (s, ZMQ_CURVE_SECRETKEY, mine.sec, 40) != 0) {
        zmq_close (s);
        return NULL;
    }
    return s;
}

/* A well-behaved PUSH (a CURVE client of server_pub when not NULL)
 * connects to ep and its message reaches pull; anything an attacker got
 * through before is skipped.  1 on success. */
static int push_reaches (void *ctx, void *pull, const char *ep,
                         const char *server_pub)
{
    return tu_push_reaches (server_pub != NULL
                              ? curve_client (ctx, ZMQ_PUSH, server_pub)
                              : tu_socket (ctx, ZMQ_PUSH),
                            ep, pull);
}

/* A well-behaved SUB connects to the PUB at ep, subscribes to everything
 * and hears it (the PUB repeats until then, 2 s at most).  1 on success. */
static int sub_hears (void *ctx, void *pub, const char *ep)
{
    void *sub = tu_socket (ctx, ZMQ_SUB);
    char buf[32];
    int ok = 0, i, t = 20;
    if (sub == NULL)
        return 0;
    if (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "", 0) == 0
        && zmq_setsockopt (sub, ZMQ_RCVTIMEO, &t, sizeof t) == 0
        && zmq_connect (sub, ep) == 0) {
        for (i = 0; i < 100 && !ok; i++) {
            if (zmq_send (pub, "to-everyone", 11, 0) != 11)
                break;
            ok = zmq_recv (sub, buf, sizeof buf, 0) == 11
                 && memcmp (buf, "to-everyone", 11) == 0;
        }
    }
    zmq_close (sub);
    return ok;
}

/* A raw ZMTP 3.1 subscriber on fd subscribes to "sync" and hears the PUB
 * say so: everything it sent before has been taken in.  1 on success. */
static int raw_sub_synced (int fd, void *pub)
{
    static const unsigned char sub_cmd[] = "\x04\x0e\x09SUBSCRIBEsync";
    unsigned char body[64];
    int i, flags, len;
    if (raw_write (fd, sub_cmd, sizeof sub_cmd - 1) < 0)
        return 0;
    for (i = 0; i < 200; i++) {
        struct pollfd p;
        if (zmq_send (pub, "sync-now", 8, 0) != 8)
            return 0;
        p.fd = fd;
        p.events = POLLIN;
        p.revents = 0;
        if (poll (&p, 1, 20) == 1) {
            len = read_frame (fd, &flags, body, sizeof body);
            return len == 8 && memcmp (body, "sync-now", 8) == 0;
        }
    }
    return 0;
}

/* ---- a man in the middle for CURVE -------------------------------------- */

enum
{
    RELAY_INFLATE_INITIATE, /* the INITIATE grows by `pad` octets */
    RELAY_REPLAY_OLDER      /* MESSAGE 1 again after MESSAGE 2 */
};

typedef struct
{
    int listen_fd;
    int server_port;
    int mode;
    size_t pad;
} relay_t;

#define RELAY_FRAME_MAX (1 << 16)

/* One ZMTP 3.x frame from fd, header and body, into buf: its length, or 0
 * on error (or a frame over cap). */
static size_t relay_read_frame (int fd, unsigned char *buf, size_t cap)
{
    size_t head = 2;
    uint64_t size;
    int i;
    if (raw_read (fd, buf, 2) < 0)
        return 0;
    size = buf[1];
    if (buf[0] & 0x02) {
        if (raw_read (fd, buf + 2, 7) < 0)
            return 0;
        head = 9;
        for (size = 0, i = 1; i < 9; i++)
            size = (size << 8) | buf[i];
    }
    if (size > cap - head)
        return 0;
    if (size > 0 && raw_read (fd, buf + head, (size_t) size) < 0)
        return 0;
    return head + (size_t) size;
}

/* Sends frame with pad octets of noise appended to its body. */
static int send_inflated (int s, const unsigned char *frame, size_t len,
                          size_t pad)
{
    size_t head = (frame[0] & 0x02) ? 9 : 2, i;
    unsigned char hdr[9];
    unsigned char *noise = (unsigned char *) malloc (pad);
    int rc;
    if (noise == NULL)
        return -1;
    for (i = 0; i < pad; i++)
        noise[i] = (unsigned char) (i * 131 + 7);
    zmtp_header (hdr, frame[0] & 0x05, len - head + pad, 1);
    rc = 0;
    if (raw_write (s, hdr, 9) < 0
        || raw_write (s, frame + head, len - head) < 0
        || raw_write (s, noise, pad) < 0)
        rc = -1;
    free (noise);
    return rc;
}

/* One connection: the client's greeting passes as it comes, then its
 * frames one by one (1 HELLO, 2 INITIATE, 3 on MESSAGEs), changed as the
 * mode says; what the server sends passes untouched.  Ends when either
 * side closes. */
static void relay_thread (void *arg)
{
    relay_t *r = (relay_t *) arg;
    unsigned char *frame = (unsigned char *) malloc (RELAY_FRAME_MAX);
    unsigned char *older = (unsigned char *) malloc (RELAY_FRAME_MAX);
    unsigned char buf[4096];
    size_t greeting = 0, older_len = 0;
    int frames = 0, c = -1, s = -1;
    if (frame == NULL || older == NULL)
        goto out;
    c = raw_accept (r->listen_fd);
    if (c < 0 || (s = raw_connect (r->server_port)) < 0)
        goto out;
    for (;;) {
        struct pollfd p[2];
        p[0].fd = c;
        p[0].events = POLLIN;
        p[0].revents = 0;
        p[1].fd = s;
        p[1].events = POLLIN;
        p[1].revents = 0;
        if (poll (p, 2, 3000) <= 0)
            break;
        if (p[1].revents) {
            ssize_t n = recv (s, buf, sizeof buf, 0);
            if (n <= 0 || raw_write (c, buf, (size_t) n) < 0)
                break;
        }
        if (p[0].revents) {
            size_t len;
            if (greeting < 64) {
                ssize_t n = recv (c, frame, 64 - greeting, 0);
                if (n <= 0 || raw_write (s, frame, (size_t) n) < 0)
                    break;
                greeting += (size_t) n;
                continue;
            }
            len = relay_read_frame (c, frame, RELAY_FRAME_MAX);
            if (len == 0)
                break;
            frames++;
            if (r->mode == RELAY_INFLATE_INITIATE && frames == 2) {
                if (send_inflated (s, frame, len, r->pad) < 0)
                    break;
                continue;
            }
            if (raw_write (s, frame, len) < 0)
                break;
            if (r->mode == RELAY_REPLAY_OLDER && frames == 3) {
                memcpy (older, frame, len);
                older_len = len;
            }
            if (r->mode == RELAY_REPLAY_OLDER && frames == 4
                && raw_write (s, older, older_len) < 0)
                break;
        }
    }
out:
    if (c >= 0)
        close (c);
    if (s >= 0)
        close (s);
    free (frame);
    free (older);
}

/* ---- the client side of a downgrade ----------------------------------- */

/* A CURVE PUSH connects to a raw listener that answers with `answer` (a
 * greeting of another mechanism or an older ZMTP) and has "top-secret"
 * queued.  The client must hang up without sending it in clear; then the
 * same socket still reaches a real CURVE server. */
static void client_refuses_downgrade (const unsigned char *answer, size_t n)
{
    void *ctx = zmq_ctx_new ();
    keypair_t k;
    void *push, *server;
    unsigned char seen[4096];
    size_t len = 0;
    char ep[64], good_ep[256], buf[32];
    int lfd, fd, port = 0, i, got = -1, t = 20;
    CHECK_OK (zmq_curve_keypair (k.pub, k.sec));
    push = curve_client (ctx, ZMQ_PUSH, k.pub);
    CHECK (push != NULL);
    CHECK_OK (tu_set_int (push, ZMQ_RECONNECT_IVL, -1));
    lfd = raw_listen (&port);
    CHECK (lfd >= 0);
    snprintf (ep, sizeof ep, "tcp://127.0.0.1:%d", port);
    CHECK_OK (zmq_connect (push, ep));
    /* queued on the pipe libzmq makes at connect time */
    CHECK_EQ_INT (10, zmq_send (push, "top-secret", 10, ZMQ_DONTWAIT));
    fd = raw_accept (lfd);
    CHECK (fd >= 0);
    CHECK_OK (raw_write (fd, answer, n));
    CHECK (read_until_closed (fd, 2000, seen, sizeof seen, &len));
    CHECK (memmem (seen, len, "top-secret", 10) == NULL);
    close (fd);
    close (lfd);

    /* the same socket, now to a real server */
    server = curve_server (ctx, ZMQ_PULL, &k);
    CHECK (server != NULL);
    CHECK_OK (zmq_setsockopt (server, ZMQ_RCVTIMEO, &t, sizeof t));
    CHECK_OK (bind_local (server, good_ep, sizeof good_ep));
    zmq_disconnect (push, ep); /* may be gone already */
    CHECK_OK (zmq_connect (push, good_ep));
    for (i = 0; i < 100 && got != 5; i++) {
        zmq_send (push, "after", 5, ZMQ_DONTWAIT);
        got = zmq_recv (server, buf, sizeof buf, 0);
        if (got == 10)
            CHECK (memcmp (buf, "top-secret", 10) == 0);
    }
    CHECK_EQ_INT (5, got);
    CHECK_MEM ("after", buf, 5);
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_close (server));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ---- CVE-2014-7202: a greeting with another mechanism ----------------- */

static void test_cve_2014_7202_mechanism_downgrade (void)
{
    void *ctx = zmq_ctx_new ();
    keypair_t k;
    void *server, *mon;
    static const char *const mechs[] = {"NULL", "PLAIN"};
    unsigned char g[64], cmd[64], answer[128];
    char ep[256];
    uint32_t value = 0;
    size_t n;
    int fd, i;
    CHECK_OK (zmq_curve_keypair (k.pub, k.sec));
    server = curve_server (ctx, ZMQ_PULL, &k);
    CHECK (server != NULL);
    mon = tu_monitor (ctx, server, "inproc://cve-7202",
                      ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL);
    CHECK (mon != NULL);
    CHECK_OK (bind_local (server, ep, sizeof ep));

    /* a NULL (then PLAIN) client: its READY and message must not count */
    for (i = 0; i < 2; i++) {
        fd = raw_connect (tu_port_of (ep));
        CHECK (fd >= 0);
        raw_greeting (g, 1, mechs[i]);
        CHECK_OK (raw_write (fd, g, 64));
        n = make_ready (cmd, "PUSH", NULL, NULL);
        raw_write (fd, cmd, n); /* the server may be gone already */
        raw_write (fd, "\x00\x06" "sneaky", 8);
        CHECK (closed_within (fd, 2000));
        close (fd);
        CHECK_OK (await_event (mon, ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL,
                               &value, 2000));
        CHECK_EQ_INT (ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH, value);
    }
    CHECK_NO_MSG (server);
    CHECK (push_reaches (ctx, server, ep, k.pub));

    /* a server that answers a CURVE client with NULL */
    raw_greeting (answer, 1, "NULL");
    n = make_ready (answer + 64, "PULL", NULL, NULL);
    CHECK_STEP (client_refuses_downgrade (answer, 64 + n));

    CHECK_OK (zmq_close (mon));
    CHECK_OK (zmq_close (server));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ---- CVE-2014-7203: a replayed CURVE MESSAGE -------------------------- */

static void test_cve_2014_7203_replayed_nonce (void)
{
    void *ctx = zmq_ctx_new ();
    keypair_t k;
    void *server, *client, *mon, *thread;
    relay_t r;
    char ep[256], rep[64], buf[16];
    int relay_port = 0, timeo = 500;
    CHECK_OK (zmq_curve_keypair (k.pub, k.sec));
    server = curve_server (ctx, ZMQ_PULL, &k);
    CHECK (server != NULL);
    CHECK_OK (zmq_setsockopt (server, ZMQ_RCVTIMEO, &timeo, sizeof timeo));
    mon = tu_monitor (ctx, server, "inproc://cve-7203",
                      ZMQ_EVENT_DISCONNECTED);
    CHECK (mon != NULL);
    CHECK_OK (bind_local (server, ep, sizeof ep));

    r.listen_fd = raw_listen (&relay_port);
    CHECK (r.listen_fd >= 0);
    r.server_port = tu_port_of (ep);
    r.mode = RELAY_REPLAY_OLDER;
    r.pad = 0;
    thread = zmq_threadstart (relay_thread, &r);
    CHECK (thread != NULL);

    client = curve_client (ctx, ZMQ_PUSH, k.pub);
    CHECK (client != NULL);
    CHECK_OK (tu_set_int (client, ZMQ_RECONNECT_IVL, -1));
    snprintf (rep, sizeof rep, "tcp://127.0.0.1:%d", relay_port);
    CHECK_OK (zmq_connect (client, rep));
    SEND_STR (client, "m1", 0);
    SEND_STR (client, "m2", 0);
    SEND_STR (client, "m3", 0);
    /* m1 and m2 as sent; the old m1 again is refused with the connection,
     * so neither it nor m3 arrives */
    RECV_STR (server, "m1", 0);
    RECV_STR (server, "m2", 0);
    CHECK_ERR (EAGAIN, zmq_recv (server, buf, sizeof buf, 0));
    CHECK_OK (await_event (mon, ZMQ_EVENT_DISCONNECTED, NULL, 2000));
    CHECK_OK (zmq_close (client));
    zmq_threadclose (thread);
    close (r.listen_fd);

    timeo = TU_TIMEOUT_MS;
    CHECK_OK (zmq_setsockopt (server, ZMQ_RCVTIMEO, &timeo, sizeof timeo));
    CHECK (push_reaches (ctx, server, ep, k.pub));
    CHECK_OK (zmq_close (mon));
    CHECK_OK (zmq_close (server));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ---- CVE-2014-9721: ZMTP 2.0 / 1.0 headers to a secure socket --------- */

static void test_cve_2014_9721_old_zmtp_downgrade (void)
{
    void *ctx = zmq_ctx_new ();
    keypair_t k;
    void *curve, *plain;
    char ep[256], plain_ep[256];
    /* signature, revision 1 (ZMTP 2.0), socket type PUSH; identity; message */
    static const unsigned char v2_peer[] = {
      0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 1, ZMQ_PUSH,
      0x00, 0x00, 0x00, 0x07, 'p', 'a', 'y', 'l', 'o', 'a', 'd'};
    /* ZMTP 1.0: identity frame (length 1, flags 0), message "payload" */
    static const unsigned char v1_peer[] = {0x01, 0x00, 0x08, 0x00, 'p', 'a',
                                            'y',  'l',  'o',  'a',  'd'};
    static const unsigned char v2_server[] = {
      0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 1, ZMQ_PULL, 0x00, 0x00};
    static const unsigned char v1_server[] = {0x01, 0x00};
    void *targets[2];
    const char *eps[2];
    int one = 1, fd, i;
    CHECK_OK (zmq_curve_keypair (k.pub, k.sec));
    curve = curve_server (ctx, ZMQ_PULL, &k);
    plain = tu_socket (ctx, ZMQ_PULL);
    CHECK (curve != NULL && plain != NULL);
    CHECK_OK (zmq_setsockopt (plain, ZMQ_PLAIN_SERVER, &one, sizeof one));
    CHECK_OK (bind_local (curve, ep, sizeof ep));
    CHECK_OK (bind_local (plain, plain_ep, sizeof plain_ep));
    targets[0] = curve;
    targets[1] = plain;
    eps[0] = ep;
    eps[1] = plain_ep;

    for (i = 0; i < 2; i++) {
        fd = raw_connect (tu_port_of (eps[i]));
        CHECK (fd >= 0);
        raw_write (fd, v2_peer, sizeof v2_peer);
        CHECK (closed_within (fd, 2000));
        close (fd);
        fd = raw_connect (tu_port_of (eps[i]));
        CHECK (fd >= 0);
        raw_write (fd, v1_peer, sizeof v1_peer);
        CHECK (closed_within (fd, 2000));
        close (fd);
        CHECK_NO_MSG (targets[i]);
    }
    CHECK (push_reaches (ctx, curve, ep, k.pub));

    /* the client side: a server that answers as ZMTP 2.0, or as 1.0 */
    CHECK_STEP (client_refuses_downgrade (v2_server, sizeof v2_server));
    CHECK_STEP (client_refuses_downgrade (v1_server, sizeof v1_server));

    CHECK_OK (zmq_close (curve));
    CHECK_OK (zmq_close (plain));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ---- CVE-2019-6250: sizes that wrap the decoder's bounds check -------- */

/* A ZMTP 2.0 PUSH peer on ep: greetings and identities exchanged, one
 * message "pre" delivered.  Its fd, or -1. */
static int v2_session (void *server, const char *ep)
{
    static const unsigned char hello[12] = {0xff, 0, 0, 0, 0,    0,
                                            0,    0, 1, 0x7f, 1, ZMQ_PUSH};
    unsigned char buf[64];
    int flags, fd = raw_connect (tu_port_of (ep));
    if (fd < 0)
        return -1;
    if (raw_write (fd, hello, 12) < 0 || raw_read (fd, buf, 12) < 0
        || read_frame (fd, &flags, buf, sizeof buf) != 0
        || raw_write (fd, "\x00\x00\x00\x03pre", 7) < 0
        || zmq_recv (server, buf, sizeof buf, 0) != 3
        || memcmp (buf, "pre", 3) != 0) {
        close (fd);
        return -1;
    }
    return fd;
}

static void test_cve_2019_6250_size_wraparound (void)
{
    void *ctx = zmq_ctx_new ();
    char ep[256];
    void *server = tu_socket (ctx, ZMQ_PULL);
    static const uint64_t wrapping[] = {
      UINT64_MAX, UINT64_MAX - 7, (uint64_t) 1 << 63,
      ((uint64_t) 1 << 63) - 1, (uint64_t) 1 << 47};
    /* claimed, then only partly sent: "gigabytes" */
    static const uint64_t claimed[] = {((uint64_t) 1 << 32) + 1,
                                       (uint64_t) 1 << 40};
    const size_t body_len = 16 * MIB;
    unsigned char *attack = (unsigned char *) malloc (9 + 4096);
    unsigned char *body = (unsigned char *) malloc (body_len);
    unsigned char hdr[9];
    long before, after;
    size_t i;
    int fd, rc;
    CHECK (server != NULL && attack != NULL && body != NULL);
    CHECK_OK (bind_local (server, ep, sizeof ep));
    memset (attack + 9, 'A', 4096); /* what the exploit writes past the end */
    memset (body, 'B', body_len);

    /* header and payload in one write, as the exploit sends them */
    for (i = 0; i < sizeof wrapping / sizeof wrapping[0]; i++) {
        fd = v2_session (server, ep);
        CHECK (fd >= 0);
        zmtp_header (attack, 0, wrapping[i], 1);
        raw_write (fd, attack, 9 + 4096);
        CHECK (closed_within (fd, 2000));
        close (fd);
    }
    /* the same on ZMTP 3.1 */
    fd = raw_connect (tu_port_of (ep));
    CHECK (fd >= 0);
    CHECK_OK (raw_handshake (fd, 1, "PUSH", NULL, NULL));
    zmtp_header (attack, 0, UINT64_MAX - 8191, 1);
    raw_write (fd, attack, 9 + 4096);
    CHECK (closed_within (fd, 2000));
    close (fd);
    CHECK_NO_MSG (server);

    /* a claim of gigabytes (4 GiB, 1 TiB) followed by 16 MiB: refused, or
     * held without memory growing much beyond what came */
    before = rss_bytes ();
    CHECK (before > 0);
    for (i = 0; i < sizeof claimed / sizeof claimed[0]; i++) {
        fd = v2_session (server, ep);
        CHECK (fd >= 0);
        zmtp_header (hdr, 0, claimed[i], 1);
        rc = raw_write (fd, hdr, 9);
        if (rc >= 0)
            rc = write_by (fd, body, body_len, ms_now () + 5000, NULL);
        CHECK (rc != -2);
        after = rss_bytes ();
        CHECK (after - before < RSS_BOUND);
        close (fd);
    }
    CHECK_NO_MSG (server);
    CHECK (push_reaches (ctx, server, ep, NULL));
    free (attack);
    free (body);
    CHECK_OK (zmq_close (server));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ---- CVE-2019-13132: an INITIATE longer than libzmq's stack buffer ---- */

/* A CURVE peer's greeting to ep, the server's read: the fd, or -1. */
static int curve_greeted (const char *ep)
{
    unsigned char g[64], peer[64];
    int fd = raw_connect (tu_port_of (ep));
    if (fd < 0)
        return -1;
    raw_greeting (g, 0, "CURVE");
    if (raw_write (fd, g, 64) < 0 || raw_read (fd, peer, 64) < 0
        || memcmp (peer + 12, "CURVE", 5) != 0) {
        close (fd);
        return -1;
    }
    return fd;
}

static void test_cve_2019_13132_oversized_initiate (void)
{
    void *ctx = zmq_ctx_new ();
    keypair_t k;
    void *server, *mon, *client, *thread;
    static const size_t pads[] = {300, 60000};
    unsigned char hello[9 + 70000], rid[255];
    char ep[256], rep[64], pad_prop[3100], *pad_value;
    uint32_t value = 0;
    relay_t r;
    size_t i, n;
    int fd, relay_port = 0, timeo = 300, with_metadata;
    zmq_msg_t msg;
    CHECK_OK (zmq_curve_keypair (k.pub, k.sec));
    server = curve_server (ctx, ZMQ_ROUTER, &k);
    CHECK (server != NULL);
    CHECK_OK (zmq_setsockopt (server, ZMQ_RCVTIMEO, &timeo, sizeof timeo));
    mon = tu_monitor (ctx, server, "inproc://cve-13132",
                      ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL);
    CHECK (mon != NULL);
    CHECK_OK (bind_local (server, ep, sizeof ep));

    /* HELLO commands before any authentication: too short, the right size
     * with a box that does not open, and 70000 octets long */
    fd = curve_greeted (ep);
    CHECK (fd >= 0);
    raw_write (fd, "\x04\x06\x05HELLO", 8);
    CHECK (closed_within (fd, 2000));
    close (fd);
    CHECK_OK (await_event (mon, ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, &value,
                           2000));
    CHECK_EQ_INT (ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_HELLO, value);

    memset (hello, 0, sizeof hello);
    hello[0] = 0x04;
    hello[1] = 200;
    memcpy (hello + 2, "\x05HELLO\x01\x00", 8);
    for (i = 82; i < 202; i++)
        hello[i] = (unsigned char) (i * 37); /* C', nonce, box: noise */
    fd = curve_greeted (ep);
    CHECK (fd >= 0);
    raw_write (fd, hello, 202);
    CHECK (closed_within (fd, 2000));
    close (fd);
    CHECK_OK (await_event (mon, ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, &value,
                           2000));
    CHECK_EQ_INT (ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC, value);

    n = zmtp_header (hello, 0x04, 70000, 1);
    memset (hello + n, 0x5a, 70000);
    memcpy (hello + n, "\x05HELLO\x01\x00", 8);
    fd = curve_greeted (ep);
    CHECK (fd >= 0);
    raw_write (fd, hello, n + 70000);
    CHECK (closed_within (fd, 2000));
    close (fd);
    CHECK_OK (await_event (mon, ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, &value,
                           2000));
    CHECK_EQ_INT (ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_HELLO, value);

    /* a real client's INITIATE with noise appended to its box by a man in
     * the middle: over libzmq's old 513-octet limit, then 60 kB over */
    for (i = 0; i < sizeof pads / sizeof pads[0]; i++) {
        r.listen_fd = raw_listen (&relay_port);
        CHECK (r.listen_fd >= 0);
        r.server_port = tu_port_of (ep);
        r.mode = RELAY_INFLATE_INITIATE;
        r.pad = pads[i];
        thread = zmq_threadstart (relay_thread, &r);
        CHECK (thread != NULL);
        client = curve_client (ctx, ZMQ_DEALER, k.pub);
        CHECK (client != NULL);
        CHECK_OK (tu_set_int (client, ZMQ_RECONNECT_IVL, -1));
        snprintf (rep, sizeof rep, "tcp://127.0.0.1:%d", relay_port);
        CHECK_OK (zmq_connect (client, rep));
        zmq_send (client, "never", 5, ZMQ_DONTWAIT);
        CHECK_OK (await_event (mon, ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL,
                               &value, 2000));
        CHECK (value == ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC
               || value == ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_INITIATE);
        CHECK_OK (zmq_close (client));
        zmq_threadclose (thread);
        close (r.listen_fd);
    }
    CHECK_NO_MSG (server);

    /* A well-behaved client whose INITIATE is legitimately that long: a
     * 255-octet routing id (and, where ZMQ_METADATA exists, 3000 octets of
     * application metadata) puts more than 256 octets of metadata in the
     * box.  libzmq up to 4.3.1 overflowed its stack on this alone. */
    client = curve_client (ctx, ZMQ_DEALER, k.pub);
    CHECK (client != NULL);
    for (i = 0; i < sizeof rid; i++)
        rid[i] = (unsigned char) ('a' + i % 26);
    CHECK_OK (zmq_setsockopt (client, ZMQ_ROUTING_ID, rid, sizeof rid));
    memcpy (pad_prop, "X-Pad:", 6);
    pad_value = pad_prop + 6;
    memset (pad_value, 'p', 3000);
    pad_value[3000] = '\0';
    with_metadata = zmq_setsockopt (client, ZMQ_METADATA, pad_prop,
                                    strlen (pad_prop))
                    == 0;
    CHECK_OK (zmq_connect (client, ep));
    SEND_STR (client, "long-initiate", 0);
    timeo = 2000;
    CHECK_OK (zmq_setsockopt (server, ZMQ_RCVTIMEO, &timeo, sizeof timeo));
    zmq_msg_init (&msg);
    CHECK_EQ_INT ((int) sizeof rid, zmq_msg_recv (&msg, server, 0));
    CHECK_MEM (rid, zmq_msg_data (&msg), sizeof rid);
    CHECK_EQ_INT (13, zmq_msg_recv (&msg, server, 0));
    CHECK_MEM ("long-initiate", zmq_msg_data (&msg), 13);
    if (with_metadata)
        CHECK_EQ_STR (pad_value, zmq_msg_gets (&msg, "X-Pad"));
    zmq_msg_close (&msg);
    CHECK_EQ_INT ((int) sizeof rid,
                  zmq_send (server, rid, sizeof rid, ZMQ_SNDMORE));
    SEND_STR (server, "answer", 0);
    RECV_STR (client, "answer", 0);
    CHECK_OK (zmq_close (client));
    CHECK_OK (zmq_close (mon));
    CHECK_OK (zmq_close (server));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ---- CVE-2020-15166: handshakes that never complete ------------------- */

static int zap_requests = 0;

static int zap_allow (const tu_zap_request_t *r, tu_zap_verdict_t *v)
{
    (void) r;
    zap_requests++;
    v->status = "200";
    v->text = "OK";
    v->user_id = "cve";
    return 1;
}

#define STALLED 12

/* STALLED raw connections to ep that stop in the handshake: some send
 * nothing, some the signature, some the whole CURVE greeting. */
static int open_stalled (const char *ep, int *fds)
{
    unsigned char g[64];
    int i;
    raw_greeting (g, 0, "CURVE");
    for (i = 0; i < STALLED; i++) {
        fds[i] = raw_connect (tu_port_of (ep));
        if (fds[i] < 0)
            return -1;
        if (i % 3 == 1 && raw_write (fds[i], g, 10) < 0)
            return -1;
        if (i % 3 == 2 && raw_write (fds[i], g, 64) < 0)
            return -1;
    }
    return 0;
}

static void test_cve_2020_15166_unauthenticated_peers (void)
{
    void *ctx = zmq_ctx_new ();
    void *zap = tu_zap_start (ctx, zap_allow);
    keypair_t k;
    void *push, *pair, *pull, *peer;
    char ep[256], pair_ep[256], buf[32];
    int fds[STALLED], pair_fds[STALLED], i;
    zap_requests = 0;
    CHECK (zap != NULL);
    CHECK_OK (zmq_curve_keypair (k.pub, k.sec));
    push = curve_server (ctx, ZMQ_PUSH, &k);
    pair = curve_server (ctx, ZMQ_PAIR, &k);
    CHECK (push != NULL && pair != NULL);
    CHECK_OK (tu_set_int (push, ZMQ_HANDSHAKE_IVL, 500));
    CHECK_OK (tu_set_int (pair, ZMQ_HANDSHAKE_IVL, 500));
    CHECK_OK (bind_local (push, ep, sizeof ep));
    CHECK_OK (bind_local (pair, pair_ep, sizeof pair_ep));
    CHECK_OK (open_stalled (ep, fds));
    CHECK_OK (open_stalled (pair_ep, pair_fds));
    tu_sleep_ms (100); /* the servers have them all by now */

    /* every message goes to the one authenticated peer, none to the
     * stalled ones */
    pull = curve_client (ctx, ZMQ_PULL, k.pub);
    CHECK (pull != NULL);
    CHECK_OK (zmq_connect (pull, ep));
    for (i = 0; i < 20; i++) {
        snprintf (buf, sizeof buf, "msg-%d", i);
        SEND_STR (push, buf, 0);
    }
    for (i = 0; i < 20; i++) {
        snprintf (buf, sizeof buf, "msg-%d", i);
        RECV_STR (pull, buf, 0);
    }
    /* the PAIR's one peer is the authenticated one */
    peer = curve_client (ctx, ZMQ_PAIR, k.pub);
    CHECK (peer != NULL);
    CHECK_OK (zmq_connect (peer, pair_ep));
    SEND_STR (pair, "to-peer", 0);
    RECV_STR (peer, "to-peer", 0);
    SEND_STR (peer, "to-pair", 0);
    RECV_STR (pair, "to-pair", 0);
    CHECK_EQ_INT (2, zap_requests);

    /* and the stalled ones are dropped when ZMQ_HANDSHAKE_IVL expires */
    for (i = 0; i < STALLED; i++) {
        CHECK (closed_within (fds[i], 3000));
        CHECK (closed_within (pair_fds[i], 3000));
        close (fds[i]);
        close (pair_fds[i]);
    }
    SEND_STR (push, "still", 0);
    RECV_STR (pull, "still", 0);
    CHECK_OK (zmq_close (pull));
    CHECK_OK (zmq_close (peer));
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_close (pair));
    CHECK_OK (zmq_ctx_term (ctx));
    zmq_threadclose (zap);
}

/* ---- CVE-2021-20234: a server that hangs up mid-message --------------- */

static void test_cve_2021_20234_unfinished_message (void)
{
    void *ctx = zmq_ctx_new ();
    void *pull = tu_socket (ctx, ZMQ_PULL);
    void *push = tu_socket (ctx, ZMQ_PUSH);
    const size_t part = 4 * MIB;
    unsigned char *first = (unsigned char *) malloc (9 + part);
    char ep[64], good_ep[256];
    long before, after;
    int lfd, fd, port = 0, i;
    CHECK (pull != NULL && push != NULL && first != NULL);
    CHECK_OK (tu_set_int (pull, ZMQ_RECONNECT_IVL, 10));
    zmtp_header (first, 0x01, part, 1); /* MORE */
    memset (first + 9, 'u', part);
    lfd = raw_listen (&port);
    CHECK (lfd >= 0);
    snprintf (ep, sizeof ep, "tcp://127.0.0.1:%d", port);
    CHECK_OK (zmq_connect (pull, ep));

    /* 32 times: a 4 MiB first part and a second one, both with MORE, then
     * the server hangs up (128 MiB of unfinished messages in all) */
    before = rss_bytes ();
    CHECK (before > 0);
    for (i = 0; i < 32; i++) {
        fd = raw_accept (lfd);
        CHECK (fd >= 0);
        CHECK_OK (raw_handshake (fd, 1, "PUSH", NULL, NULL));
        CHECK_EQ_INT (0,
                      write_by (fd, first, 9 + part, ms_now () + 5000, NULL));
        CHECK_OK (raw_write (fd, "\x01\x05" "part2", 7));
        close (fd);
    }
    /* the unfinished parts never show */
    fd = raw_accept (lfd);
    CHECK (fd >= 0);
    CHECK_OK (raw_handshake (fd, 1, "PUSH", NULL, NULL));
    CHECK_NO_MSG (pull);
    after = rss_bytes ();
    CHECK (after - before < RSS_BOUND);
    /* a whole message from the same server is delivered, alone */
    CHECK_OK (raw_write (fd, "\x01\x05" "whole\x00\x04" "tail", 13));
    RECV_STR (pull, "whole", 0);
    CHECK_RCVMORE (pull, 1);
    RECV_STR (pull, "tail", 0);
    CHECK_RCVMORE (pull, 0);
    CHECK_NO_MSG (pull);
    close (fd);
    close (lfd);
    zmq_disconnect (pull, ep);

    /* and a well-behaved PUSH reaches it */
    CHECK_OK (bind_local (push, good_ep, sizeof good_ep));
    CHECK_OK (zmq_connect (pull, good_ep));
    SEND_STR (push, "well-behaved", 0);
    RECV_STR (pull, "well-behaved", 0);
    free (first);
    CHECK_OK (zmq_close (pull));
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ---- CVE-2021-20235: large ZMTP 1.0 frames ----------------------------- */

static const size_t v1_sizes[] = {9000, 20000, 8193, 100,   65536,
                                  8192, 8191,  1,    300000, 16384};

/* The messages of v1_sizes (seeds base + i) as ZMTP 1.0 frames into buf:
 * their length. */
static size_t v1_messages (unsigned char *buf, unsigned base)
{
    size_t n = 0, i, j;
    for (i = 0; i < sizeof v1_sizes / sizeof v1_sizes[0]; i++) {
        n += v1_header (buf + n, 0, v1_sizes[i]);
        for (j = 0; j < v1_sizes[i]; j++)
            buf[n + j] = tu_pattern_byte (j, base + (unsigned) i);
        n += v1_sizes[i];
    }
    return n;
}

/* A ZMTP 1.0 peer sends server (a PULL at ep) the messages of v1_sizes
 * in one write, then again in odd-sized pieces, then a multipart message
 * with large parts: all arrive intact.  Then a frame claiming 2^62 octets
 * drops it. */
static void v1_attack (void *ctx, void *server, const char *ep,
                       unsigned char *buf)
{
    unsigned char sig[10];
    size_t n, off, i, j;
    int fd = raw_connect (tu_port_of (ep));
    CHECK (fd >= 0);
    CHECK_OK (raw_write (fd, "\x01\x00", 2)); /* empty identity */
    CHECK_EQ_INT (10, raw_read (fd, sig, 10));

    n = v1_messages (buf, 10);
    CHECK_EQ_INT (0, write_by (fd, buf, n, ms_now () + 5000, NULL));
    for (i = 0; i < sizeof v1_sizes / sizeof v1_sizes[0]; i++)
        CHECK_OK (tu_recv_pattern (server, v1_sizes[i], 10 + (unsigned) i, 0));

    n = v1_messages (buf, 40);
    for (off = 0; off < n; off += 4097)
        CHECK_EQ_INT (0, write_by (fd, buf + off,
                                   n - off < 4097 ? n - off : 4097,
                                   ms_now () + 5000, NULL));
    for (i = 0; i < sizeof v1_sizes / sizeof v1_sizes[0]; i++)
        CHECK_OK (tu_recv_pattern (server, v1_sizes[i], 40 + (unsigned) i, 0));

    for (n = 0, i = 0; i < 3; i++) {
        size_t size = i < 2 ? 10000 : 10;
        n += v1_header (buf + n, i < 2, size);
        for (j = 0; j < size; j++)
            buf[n + j] = tu_pattern_byte (j, 70 + (unsigned) i);
        n += size;
    }
    CHECK_EQ_INT (0, write_by (fd, buf, n, ms_now () + 5000, NULL));
    CHECK_OK (tu_recv_pattern (server, 10000, 70, 1));
    CHECK_OK (tu_recv_pattern (server, 10000, 71, 1));
    CHECK_OK (tu_recv_pattern (server, 10, 72, 0));

    n = v1_header (buf, 0, (uint64_t) 1 << 62);
    memset (buf + n, 'A', 4096);
    raw_write (fd, buf, n + 4096);
    CHECK (closed_within (fd, 2000));
    close (fd);
    CHECK_NO_MSG (server);
    CHECK (push_reaches (ctx, server, ep, NULL));
}

static void test_cve_2021_20235_zmtp10_large_frames (void)
{
    void *ctx = zmq_ctx_new ();
    void *server = tu_socket (ctx, ZMQ_PULL);
    void *small = tu_socket (ctx, ZMQ_PULL);
    unsigned char *buf = (unsigned char *) malloc (1 * MIB);
    char ep[256], small_ep[256];
    CHECK (server != NULL && small != NULL && buf != NULL);
    CHECK_OK (bind_local (server, ep, sizeof ep));
    CHECK_STEP (v1_attack (ctx, server, ep, buf));
    /* with a small ZMQ_IN_BATCH_SIZE too, where the option exists */
    if (tu_set_int (small, ZMQ_IN_BATCH_SIZE, 1000) == 0) {
        CHECK_OK (bind_local (small, small_ep, sizeof small_ep));
        CHECK_STEP (v1_attack (ctx, small, small_ep, buf));
    }
    free (buf);
    CHECK_OK (zmq_close (server));
    CHECK_OK (zmq_close (small));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ---- CVE-2021-20236: subscriptions to very long topics ---------------- */

/* Writes a subscription command (subscribe or cancel) for topic to the
 * PUB pub. */
static int raw_subscription (int fd, void *pub, int subscribe,
                             const unsigned char *topic, size_t len)
{
    unsigned char hdr[9 + 10];
    const char *name = subscribe ? "\x09SUBSCRIBE" : "\x06" "CANCEL";
    size_t name_len = subscribe ? 10 : 7;
    size_t n = zmtp_header (hdr, 0x04, name_len + len, 1);
    long deadline = ms_now () + 5000;
    memcpy (hdr + n, name, name_len);
    if (write_by (fd, hdr, n + name_len, deadline, pub) != 0
        || write_by (fd, topic, len, deadline, pub) != 0)
        return -1;
    return 0;
}

static void test_cve_2021_20236_deep_subscription (void)
{
    void *ctx = zmq_ctx_new ();
    void *pub = tu_socket (ctx, ZMQ_PUB);
    const size_t deep = 256 * 1024, other = 64 * 1024;
    unsigned char *topic = (unsigned char *) malloc (deep + 1);
    unsigned char hdr[9];
    char ep[256];
    size_t i;
    int fd;
    CHECK (pub != NULL && topic != NULL);
    CHECK_OK (bind_local (pub, ep, sizeof ep));
    for (i = 0; i < deep + 1; i++)
        topic[i] = (unsigned char) ('a' + (i * 7) % 26);

    fd = raw_connect (tu_port_of (ep));
    CHECK (fd >= 0);
    CHECK_OK (raw_handshake (fd, 1, "SUB", NULL, NULL));
    /* 256 KiB deep: subscribe, cancel, subscribe again */
    CHECK_OK (raw_subscription (fd, pub, 1, topic, deep));
    CHECK_OK (raw_subscription (fd, pub, 0, topic, deep));
    CHECK_OK (raw_subscription (fd, pub, 1, topic, deep));
    /* and the 3.0 form: a message "\x01" + topic, 64 KiB deep elsewhere */
    topic[other - 1] = 0x01;
    zmtp_header (hdr, 0, other, 1);
    CHECK_EQ_INT (0, write_by (fd, hdr, 9, ms_now () + 5000, pub));
    CHECK_EQ_INT (0, write_by (fd, topic + other - 1, other,
                               ms_now () + 5000, pub));
    CHECK (raw_sub_synced (fd, pub));
    /* the PUB drops every subscription of the connection at once */
    close (fd);

    CHECK (sub_hears (ctx, pub, ep));
    free (topic);
    CHECK_OK (zmq_close (pub));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ---- CVE-2021-20237: messages a PUB never reads ------------------------ */

#define FLOOD_BODY (16 * 1024)
#define FLOOD_PER_CHUNK 64

/* FLOOD_PER_CHUNK messages of FLOOD_BODY octets 'x' (neither 0 nor 1: not
 * a subscription), ZMTP 1.0 framed if v1, into chunk: its length. */
static size_t flood_chunk (unsigned char *chunk, int v1)
{
    size_t n = 0, i;
    for (i = 0; i < FLOOD_PER_CHUNK; i++) {
        n += v1 ? v1_header (chunk + n, 0, FLOOD_BODY)
                : zmtp_header (chunk + n, 0, FLOOD_BODY, 1);
        memset (chunk + n, 'x', FLOOD_BODY);
        n += FLOOD_BODY;
    }
    return n;
}

/* Sends the chunk `times` times from the subscriber on fd; the PUB must
 * take it all in (more than its queues and the socket buffers hold) with
 * its resident memory growing by less than RSS_BOUND. */
static void flood_pub (void *pub, int fd, const unsigned char *chunk,
                       size_t len, int times)
{
    long before = rss_bytes (), after, deadline = ms_now () + 10000;
    int i;
    CHECK (before > 0);
    for (i = 0; i < times; i++)
        CHECK_EQ_INT (0, write_by (fd, chunk, len, deadline, pub));
    after = rss_bytes ();
    CHECK (after - before < RSS_BOUND);
}

static void test_cve_2021_20237_pub_ignores_messages (void)
{
    void *ctx = zmq_ctx_new ();
    void *pub = tu_socket (ctx, ZMQ_PUB);
    unsigned char *chunk =
      (unsigned char *) malloc (FLOOD_PER_CHUNK * (10 + FLOOD_BODY));
    unsigned char g[64], peer[64], cmd[128], body[256];
    char ep[256];
    size_t n, len;
    int fd, flags, i;
    CHECK (pub != NULL && chunk != NULL);
    CHECK_OK (bind_local (pub, ep, sizeof ep));

    /* a ZMTP 3.1 SUB whose READY carries application metadata sends 128 MiB
     * of messages; a subscription after them still takes effect */
    len = flood_chunk (chunk, 0);
    fd = raw_connect (tu_port_of (ep));
    CHECK (fd >= 0);
    raw_greeting (g, 1, "NULL");
    CHECK_OK (raw_write (fd, g, 64));
    CHECK_EQ_INT (64, raw_read (fd, peer, 64));
    n = make_ready (cmd, "SUB", "X-Leak", "attached-to-every-message");
    CHECK_OK (raw_write (fd, cmd, n));
    CHECK (read_frame (fd, &flags, body, sizeof body) > 6);
    CHECK_STEP (flood_pub (pub, fd, chunk, len, 128));
    CHECK (raw_sub_synced (fd, pub));
    close (fd);

    /* a ZMTP 1.0 peer (which a PUB subscribes to everything) sends 64 MiB;
     * it still hears what is published */
    len = flood_chunk (chunk, 1);
    fd = raw_connect (tu_port_of (ep));
    CHECK (fd >= 0);
    CHECK_OK (raw_write (fd, "\x01\x00", 2));
    CHECK_EQ_INT (10, raw_read (fd, peer, 10));
    CHECK_STEP (flood_pub (pub, fd, chunk, len, 64));
    for (i = 0, n = 0; i < 100 && n == 0; i++) {
        struct pollfd p;
        CHECK_EQ_INT (8, zmq_send (pub, "sync-now", 8, 0));
        p.fd = fd;
        p.events = POLLIN;
        p.revents = 0;
        n = poll (&p, 1, 20) == 1;
    }
    CHECK_EQ_INT (10, raw_read (fd, body, 10));
    CHECK_MEM ("\x09\x00sync-now", body, 10);

    CHECK (sub_hears (ctx, pub, ep));
    close (fd);
    free (chunk);
    CHECK_OK (zmq_close (pub));
    CHECK_OK (zmq_ctx_term (ctx));
}

int main (void)
{
    alarm (120);
    RUN (test_cve_2014_7202_mechanism_downgrade);
    RUN (test_cve_2014_7203_replayed_nonce);
    RUN (test_cve_2014_9721_old_zmtp_downgrade);
    RUN (test_cve_2019_6250_size_wraparound);
    RUN (test_cve_2019_13132_oversized_initiate);
    RUN (test_cve_2020_15166_unauthenticated_peers);
    RUN (test_cve_2021_20234_unfinished_message);
    RUN (test_cve_2021_20235_zmtp10_large_frames);
    RUN (test_cve_2021_20236_deep_subscription);
    RUN (test_cve_2021_20237_pub_ignores_messages);
    return test_summary ();
}
