/* zbench: the ZeroMQ side of the zmqrs benchmarks.  Built once against
 * include/zmq.h and linked by SONAME, so one binary runs on zmqrs or on
 * the system's libzmq depending on the library path (bench/run.sh swaps it).
 *
 *   zbench thr    TRANSPORT SIZE COUNT   PUSH -> PULL, messages/s and Mb/s
 *   zbench lat    TRANSPORT SIZE COUNT   REQ <-> REP, one-way latency in us
 *   zbench latpoll TRANSPORT SIZE COUNT  the same, each side waiting in
 *                                        zmq_poll before each receive (as
 *                                        programs with event loops do)
 *   zbench fanout TRANSPORT SIZE COUNT   PUB -> 10 SUBs, deliveries/s
 *   zbench pthr   TRANSPORT RATE COUNT   PUSH -> PULL, 64 B messages sent
 *                                        at RATE per second: messages/s (the
 *                                        row is for its CPU per message)
 *   zbench plat   TRANSPORT RATE COUNT   REQ <-> REP, a 64 B request every
 *                                        1/RATE s: one-way latency in us
 *   zbench conn   TRANSPORT SIZE COUNT   COUNT connections one after another:
 *                                        a fresh REQ connects to a REP, does
 *                                        its handshake (CURVE over "curve"),
 *                                        one SIZE-byte round trip, and closes;
 *                                        connections/s
 *   zbench scale  TRANSPORT SIZE COUNT   COUNT DEALERs (in two processes)
 *                                        connect at once to one ROUTER in a
 *                                        third process, each
 *                                        sends one SIZE-byte message and gets
 *                                        it back: seconds until all have
 *                                        (per_conn= the resident memory all
 *                                        processes grew by, per connection,
 *                                        the DEALER socket included)
 *   zbench fanout1k TRANSPORT SIZE COUNT an XPUB in another process sends
 *                                        COUNT messages to 1000 SUBs (two
 *                                        receiving threads), nothing dropped:
 *                                        deliveries/s
 *   zbench subreach TRANSPORT LOAD COUNT a SUB connected to a PUB in the same
 *                                        thread subscribes to a fresh topic,
 *                                        and the PUB sends that topic at once
 *                                        and again until the SUB has one:
 *                                        median microseconds from the
 *                                        subscribe call to the delivery, over
 *                                        COUNT topics (p10= and p90= too, and
 *                                        first= the topics whose first send
 *                                        was the one delivered);
 *                                        LOAD 1 keeps both cores busy with
 *                                        two spinning processes meanwhile
 *   zbench mem    TRANSPORT N            bytes per idle socket / connection
 *   zbench subset inproc SIZE COUNT      a SUB subscribes to COUNT topics of
 *                                        SIZE bytes, until its XPUB has them:
 *                                        milliseconds
 *   zbench submem inproc SIZE COUNT      the same: resident bytes added per
 *                                        byte of topic in each of the two
 *                                        subscription tries
 *
 * Built with -DZMQ_BUILD_DRAFT_API (as zbench-draft, run against a libzmq
 * with the draft API) it also has the draft socket types:
 *
 *   zbench csthr  TRANSPORT SIZE COUNT   CLIENT -> SERVER, messages/s
 *   zbench cslat  TRANSPORT SIZE COUNT   CLIENT <-> SERVER round trips,
 *                                        one-way latency in us
 *   zbench rdthr  TRANSPORT SIZE COUNT   RADIO -> DISH (one group), messages
 *                                        received/s; TRANSPORT tcp (no loss:
 *                                        XPUB_NODROP) or udp (lossy: the
 *                                        receiver counts what came, and
 *                                        the lost share is printed)
 *
 * TRANSPORT is inproc, ipc, tcp, curve (tcp with CURVE security: the
 * bound side is the server, keys made at start-up, no ZAP handler), ws or
 * wss (ZMTP over WebSocket, wss with capi-tests/wss_certs.h's
 * certificate; libzmq's ws is a draft).  For ipc, tcp, curve, ws and
 * wss the two ends of thr and lat live in two processes (a forked peer with its own context), as real
 * programs do; inproc and fanout use threads of one process.  Each run
 * prints one line:
 *
 *   RESULT version=4.3.5 value=... unit=... rss_kb=... [cpu_us=...]
 *
 * value is the row's figure (messages/s, deliveries/s, connections/s or
 * microseconds) and rss_kb the larger peak resident set of the two
 * processes. cpu_us (thr, lat, latpoll, csthr, cslat, rdthr, pthr, plat,
 * conn) is the CPU time, user and system, of the whole run (this process
 * with all its threads, and the forked peer, reaped by then) per message
 * sent (per round trip for the latency rows, per connection for conn);
 * the run's set-up and tear-down are in it, a few milliseconds. */
#include "common.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <zmq.h>

#define FANOUT_SUBS 10

static void check(int rc, const char *what)
{
    if (rc != 0)
        die("%s: %s", what, zmq_strerror(zmq_errno()));
}

static void *new_socket(void *ctx, int type)
{
    void *s = zmq_socket(ctx, type);
    if (!s)
        die("zmq_socket: %s", zmq_strerror(zmq_errno()));
    return s;
}

static void set_int(void *s, int opt, int value)
{
    check(zmq_setsockopt(s, opt, &value, sizeof value), "zmq_setsockopt");
}

/* The "curve" transport's keys, made once in main (the forked peer
 * inherits them). */
static char g_server_public[41], g_server_secret[41];
static char g_client_public[41], g_client_secret[41];

static int is_curve(const char *transport)
{
    return strcmp(transport, "curve") == 0;
}

static void make_curve_keys(void)
{
    check(zmq_curve_keypair(g_server_public, g_server_secret), "zmq_curve_keypair");
    check(zmq_curve_keypair(g_client_public, g_client_secret), "zmq_curve_keypair");
}

static void set_str(void *s, int opt, const char *value)
{
    check(zmq_setsockopt(s, opt, value, strlen(value)), "zmq_setsockopt");
}

/* ws:// and wss:// (draft options; numbered here for a build without
 * the draft API). wss uses the test certificates of capi-tests. */
#ifndef ZMQ_WSS_KEY_PEM
#define ZMQ_WSS_KEY_PEM 103
#define ZMQ_WSS_CERT_PEM 104
#define ZMQ_WSS_TRUST_PEM 105
#define ZMQ_WSS_HOSTNAME 106
#endif
#include "../capi-tests/wss_certs.h"

static int is_wss(const char *transport)
{
    return strcmp(transport, "wss") == 0;
}

/* The connecting side of a "curve" run is the CURVE client; of a "wss"
 * run, the TLS client trusting the test certificate. */
static void secure_client(void *s, const char *transport)
{
    if (is_wss(transport)) {
        set_str(s, ZMQ_WSS_TRUST_PEM, good_cert);
        set_str(s, ZMQ_WSS_HOSTNAME, "localhost");
        return;
    }
    if (!is_curve(transport))
        return;
    set_str(s, ZMQ_CURVE_SERVERKEY, g_server_public);
    set_str(s, ZMQ_CURVE_PUBLICKEY, g_client_public);
    set_str(s, ZMQ_CURVE_SECRETKEY, g_client_secret);
}

/* Binds to a fresh endpoint of the transport and returns it in ep. */
static void bind_any(void *s, const char *transport, char *ep, size_t len)
{
    static int inproc_n = 0;
    if (is_curve(transport)) {
        set_int(s, ZMQ_CURVE_SERVER, 1);
        set_str(s, ZMQ_CURVE_SECRETKEY, g_server_secret);
        check(zmq_bind(s, "tcp://127.0.0.1:*"), "zmq_bind tcp");
    } else if (strcmp(transport, "tcp") == 0) {
        check(zmq_bind(s, "tcp://127.0.0.1:*"), "zmq_bind tcp");
    } else if (strcmp(transport, "ws") == 0) {
        check(zmq_bind(s, "ws://127.0.0.1:*/zbench"), "zmq_bind ws");
    } else if (is_wss(transport)) {
        set_str(s, ZMQ_WSS_CERT_PEM, good_cert);
        set_str(s, ZMQ_WSS_KEY_PEM, good_key);
        check(zmq_bind(s, "wss://127.0.0.1:*/zbench"), "zmq_bind wss");
    } else if (strcmp(transport, "ipc") == 0) {
        snprintf(g_unlink_path, sizeof g_unlink_path, "/tmp/zbench-%d-%d.ipc",
                 (int) getpid(), inproc_n++);
        char addr[600];
        snprintf(addr, sizeof addr, "ipc://%s", g_unlink_path);
        check(zmq_bind(s, addr), "zmq_bind ipc");
    } else if (strcmp(transport, "inproc") == 0) {
        char addr[64];
        snprintf(addr, sizeof addr, "inproc://zbench-%d", inproc_n++);
        check(zmq_bind(s, addr), "zmq_bind inproc");
    } else {
        die("unknown transport %s", transport);
    }
    size_t n = len;
    check(zmq_getsockopt(s, ZMQ_LAST_ENDPOINT, ep, &n), "ZMQ_LAST_ENDPOINT");
}

static void send_buf(void *s, const void *buf, size_t size, int flags)
{
    while (zmq_send(s, buf, size, flags) < 0) {
        if (zmq_errno() != EINTR)
            die("zmq_send: %s", zmq_strerror(zmq_errno()));
    }
}

static void recv_msg(void *s, zmq_msg_t *m)
{
    while (zmq_msg_recv(m, s, 0) < 0) {
        if (zmq_errno() != EINTR)
            die("zmq_msg_recv: %s", zmq_strerror(zmq_errno()));
    }
}

static const char *version_string(void)
{
    static char v[32];
    int a, b, c;
    zmq_version(&a, &b, &c);
    snprintf(v, sizeof v, "%d.%d.%d", a, b, c);
    return v;
}

/* Messages (round trips for the latency rows) the run moved; report()
 * divides the run's CPU time by it. 0: the row has no CPU figure. */
static long g_msgs;

static double tv_s(struct timeval t)
{
    return (double) t.tv_sec + (double) t.tv_usec / 1e6;
}

/* User and system CPU of this process and of its reaped children. */
static double cpu_s(void)
{
    struct rusage self, kids;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &kids);
    return tv_s(self.ru_utime) + tv_s(self.ru_stime) + tv_s(kids.ru_utime) + tv_s(kids.ru_stime);
}

static void report(double value, const char *unit, long rss_kb, const char *extra)
{
    char cpu[48] = "";
    if (g_msgs > 0)
        snprintf(cpu, sizeof cpu, " cpu_us=%.3f", cpu_s() * 1e6 / (double) g_msgs);
    printf("RESULT version=%s value=%.3f unit=%s rss_kb=%ld%s%s%s\n", version_string(), value,
           unit, rss_kb, extra[0] ? " " : "", extra, cpu);
    fflush(stdout);
}

struct job {
    const char *transport;
    size_t size;
    int count;
    char ep[ENDPOINT_LEN];
    void *ctx;
    double elapsed;
};

/* The socket types of thr (sender, receiver) and lat (requester,
 * replier): PUSH/PULL and REQ/REP, or CLIENT/SERVER for csthr/cslat. */
static int g_send_type = ZMQ_PUSH, g_recv_type = ZMQ_PULL;
static int g_req_type = ZMQ_REQ, g_rep_type = ZMQ_REP;

/* Paced rows (pthr, plat): messages or requests per second, 0 for as
 * fast as possible. */
static long g_rate = 0;

/* Waits until message `i` of a paced run that started at `t0` is due. */
static void pace(double t0, int i)
{
    if (g_rate <= 0)
        return;
    double due = t0 + (double) i / (double) g_rate;
    struct timespec ts = {(time_t) due, (long) ((due - (double) (time_t) due) * 1e9)};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
    }
}

/* ---- throughput: PULL receives COUNT messages, timed from the first ---- */

static double pull_run(void *pull, size_t size, int count)
{
    zmq_msg_t m;
    zmq_msg_init(&m);
    recv_msg(pull, &m);
    double t0 = now_s();
    for (int i = 1; i < count; i++) {
        recv_msg(pull, &m);
        if (zmq_msg_size(&m) != size)
            die("thr: message %d has %zu bytes, want %zu", i, zmq_msg_size(&m), size);
    }
    double t = now_s() - t0;
    zmq_msg_close(&m);
    return t;
}

static void push_run(void *push, size_t size, int count)
{
    /* A new message per send, every byte written, as a program sending
     * fresh data does (left unwritten, a large message costs libzmq only
     * its malloc, which measures the allocator more than messaging). */
    double t0 = now_s();
    for (int i = 0; i < count; i++) {
        zmq_msg_t m;
        pace(t0, i);
        check(zmq_msg_init_size(&m, size), "zmq_msg_init_size");
        memset(zmq_msg_data(&m), (unsigned char) i, size);
        put_seq(zmq_msg_data(&m), size, (unsigned) i);
        while (zmq_msg_send(&m, push, 0) < 0) {
            if (zmq_errno() != EINTR)
                die("zmq_msg_send: %s", zmq_strerror(zmq_errno()));
        }
    }
}

static void *pull_thread(void *arg)
{
    struct job *j = arg;
    void *pull = new_socket(j->ctx, g_recv_type);
    /* bound before the thread started (inproc needs the bind first) */
    check(zmq_connect(pull, j->ep), "zmq_connect");
    j->elapsed = pull_run(pull, j->size, j->count);
    zmq_close(pull);
    return NULL;
}

/* The peer process: binds PULL, tells the parent the endpoint, receives,
 * sends back the elapsed time. */
static void thr_peer(int rd, int wr, void *arg)
{
    struct job *j = arg;
    (void) rd;
    void *ctx = zmq_ctx_new();
    void *pull = new_socket(ctx, g_recv_type);
    char ep[ENDPOINT_LEN];
    bind_any(pull, j->transport, ep, sizeof ep);
    send_endpoint(wr, ep);
    double t = pull_run(pull, j->size, j->count);
    write_all(wr, &t, sizeof t, "result pipe");
    zmq_close(pull);
    zmq_ctx_term(ctx);
}

static void run_thr(struct job *j)
{
    double elapsed;
    long peer_rss = 0;
    if (strcmp(j->transport, "inproc") == 0) {
        void *ctx = zmq_ctx_new();
        void *push = new_socket(ctx, g_send_type);
        bind_any(push, "inproc", j->ep, sizeof j->ep);
        j->ctx = ctx;
        pthread_t t;
        pthread_create(&t, NULL, pull_thread, j);
        push_run(push, j->size, j->count);
        pthread_join(t, NULL);
        elapsed = j->elapsed;
        zmq_close(push);
        zmq_ctx_term(ctx);
    } else {
        int rd, wr;
        spawn_peer(thr_peer, j, &rd, &wr);
        char ep[ENDPOINT_LEN];
        recv_endpoint(rd, ep);
        void *ctx = zmq_ctx_new();
        void *push = new_socket(ctx, g_send_type);
        secure_client(push, j->transport);
        check(zmq_connect(push, ep), "zmq_connect");
        push_run(push, j->size, j->count);
        read_all(rd, &elapsed, sizeof elapsed, "result pipe");
        zmq_close(push);
        zmq_ctx_term(ctx);
        peer_rss = reap_peer();
        g_unlink_path[0] = '\0';
    }
    if (elapsed <= 0)
        elapsed = 1e-9;
    double rate = (double) (j->count - 1) / elapsed;
    char extra[64];
    snprintf(extra, sizeof extra, "mbps=%.1f", rate * (double) j->size * 8 / 1e6);
    report(rate, "msg/s", max_l(peak_rss_kb(), peer_rss), extra);
}

/* ---- latency: REQ/REP round trips, reported one way as libzmq's tools do ---- */

/* latpoll: wait in zmq_poll before each receive. */
static int g_poll_first = 0;

static void wait_readable(void *s)
{
    if (!g_poll_first)
        return;
    zmq_pollitem_t item = {s, 0, ZMQ_POLLIN, 0};
    while (zmq_poll(&item, 1, -1) != 1) {
        if (zmq_errno() != EINTR)
            die("zmq_poll: %s", zmq_strerror(zmq_errno()));
    }
}

static void rep_run(void *rep, int rounds)
{
    zmq_msg_t m;
    zmq_msg_init(&m);
    for (int i = 0; i < rounds; i++) {
        wait_readable(rep);
        recv_msg(rep, &m);
        while (zmq_msg_send(&m, rep, 0) < 0) {
            if (zmq_errno() != EINTR)
                die("zmq_msg_send: %s", zmq_strerror(zmq_errno()));
        }
    }
    zmq_msg_close(&m);
}

#define LAT_WARMUP 100

static double req_run(void *req, size_t size, int count)
{
    char *buf = calloc(1, size ? size : 1);
    zmq_msg_t m;
    zmq_msg_init(&m);
    double t0 = 0, paced_t0 = now_s(), in_flight = 0;
    for (int i = 0; i < LAT_WARMUP + count; i++) {
        if (i == LAT_WARMUP)
            t0 = now_s();
        pace(paced_t0, i);
        double sent = now_s();
        send_buf(req, buf, size, 0);
        wait_readable(req);
        recv_msg(req, &m);
        if (i >= LAT_WARMUP)
            in_flight += now_s() - sent;
        if (zmq_msg_size(&m) != size)
            die("lat: reply of %zu bytes, want %zu", zmq_msg_size(&m), size);
    }
    /* paced: the round trips alone, not the waits between them */
    double t = g_rate > 0 ? in_flight : now_s() - t0;
    zmq_msg_close(&m);
    free(buf);
    return t;
}

static void *rep_thread(void *arg)
{
    struct job *j = arg;
    void *rep = new_socket(j->ctx, g_rep_type);
    check(zmq_connect(rep, j->ep), "zmq_connect");
    rep_run(rep, LAT_WARMUP + j->count);
    zmq_close(rep);
    return NULL;
}

static void lat_peer(int rd, int wr, void *arg)
{
    struct job *j = arg;
    (void) rd;
    void *ctx = zmq_ctx_new();
    void *rep = new_socket(ctx, g_rep_type);
    char ep[ENDPOINT_LEN];
    bind_any(rep, j->transport, ep, sizeof ep);
    send_endpoint(wr, ep);
    rep_run(rep, LAT_WARMUP + j->count);
    zmq_close(rep);
    zmq_ctx_term(ctx);
}

static void run_lat(struct job *j)
{
    double elapsed;
    long peer_rss = 0;
    void *ctx, *req;
    pthread_t t;
    int inproc = strcmp(j->transport, "inproc") == 0;
    if (inproc) {
        ctx = zmq_ctx_new();
        req = new_socket(ctx, g_req_type);
        bind_any(req, "inproc", j->ep, sizeof j->ep);
        j->ctx = ctx;
        pthread_create(&t, NULL, rep_thread, j);
    } else {
        /* the peer is forked before this process has a context */
        int rd, wr;
        spawn_peer(lat_peer, j, &rd, &wr);
        char ep[ENDPOINT_LEN];
        recv_endpoint(rd, ep);
        ctx = zmq_ctx_new();
        req = new_socket(ctx, g_req_type);
        secure_client(req, j->transport);
        check(zmq_connect(req, ep), "zmq_connect");
    }
    elapsed = req_run(req, j->size, j->count);
    if (inproc)
        pthread_join(t, NULL);
    zmq_close(req);
    zmq_ctx_term(ctx);
    if (!inproc) {
        peer_rss = reap_peer();
        g_unlink_path[0] = '\0';
    }
    double one_way_us = elapsed * 1e6 / (2.0 * j->count);
    report(one_way_us, "us", max_l(peak_rss_kb(), peer_rss), "");
}

/* ---- connections: connect, handshake, one round trip, close ---- */

static void conn_peer(int rd, int wr, void *arg)
{
    struct job *j = arg;
    (void) rd;
    void *ctx = zmq_ctx_new();
    void *rep = new_socket(ctx, ZMQ_REP);
    char ep[ENDPOINT_LEN];
    bind_any(rep, j->transport, ep, sizeof ep);
    send_endpoint(wr, ep);
    rep_run(rep, j->count);
    zmq_close(rep);
    zmq_ctx_term(ctx);
}

static void run_conn(struct job *j)
{
    if (strcmp(j->transport, "inproc") == 0)
        die("conn: tcp, ipc or curve");
    int rd, wr;
    spawn_peer(conn_peer, j, &rd, &wr);
    char ep[ENDPOINT_LEN];
    recv_endpoint(rd, ep);
    void *ctx = zmq_ctx_new();
    char *buf = calloc(1, j->size ? j->size : 1);
    zmq_msg_t m;
    zmq_msg_init(&m);
    double t0 = now_s();
    for (int i = 0; i < j->count; i++) {
        void *req = new_socket(ctx, ZMQ_REQ);
        set_int(req, ZMQ_LINGER, 0);
        secure_client(req, j->transport);
        check(zmq_connect(req, ep), "zmq_connect");
        send_buf(req, buf, j->size, 0);
        recv_msg(req, &m);
        if (zmq_msg_size(&m) != j->size)
            die("conn: reply of %zu bytes, want %zu", zmq_msg_size(&m), j->size);
        zmq_close(req);
    }
    double elapsed = now_s() - t0;
    zmq_msg_close(&m);
    free(buf);
    zmq_ctx_term(ctx);
    long peer_rss = reap_peer();
    g_unlink_path[0] = '\0';
    report(j->count / elapsed, "conn/s", max_l(peak_rss_kb(), peer_rss), "");
}

/* ---- scale: many connections at once ---- */

/* Raises the open-file limit as far as this process may (the hard limit
 * too, when privileged): the scale rows need more descriptors than a
 * default shell gives. */
static void raise_fd_limit(rlim_t want)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return;
    if (rl.rlim_max < want) {
        struct rlimit up = {want, want};
        if (setrlimit(RLIMIT_NOFILE, &up) == 0)
            return;
    }
    rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
    setrlimit(RLIMIT_NOFILE, &rl);
}

static void *scale_ctx(int sockets)
{
    void *ctx = zmq_ctx_new();
    check(zmq_ctx_set(ctx, ZMQ_MAX_SOCKETS, sockets + 16), "ZMQ_MAX_SOCKETS");
    return ctx;
}

static void scale_peer(int rd, int wr, void *arg)
{
    struct job *j = arg;
    void *ctx = scale_ctx(1);
    void *router = new_socket(ctx, ZMQ_ROUTER);
    set_int(router, ZMQ_BACKLOG, 4096);
    set_int(router, ZMQ_SNDHWM, 0);
    set_int(router, ZMQ_RCVHWM, 0);
    char ep[ENDPOINT_LEN];
    bind_any(router, j->transport, ep, sizeof ep);
    long base = current_rss_bytes();
    send_endpoint(wr, ep);
    zmq_msg_t id, body;
    zmq_msg_init(&id);
    zmq_msg_init(&body);
    for (int i = 0; i < j->count; i++) {
        recv_msg(router, &id);
        recv_msg(router, &body);
        if (zmq_msg_send(&id, router, ZMQ_SNDMORE) < 0 || zmq_msg_send(&body, router, 0) < 0)
            die("scale: reply: %s", zmq_strerror(zmq_errno()));
    }
    long grown = current_rss_bytes() - base;
    write_all(wr, &grown, sizeof grown, "scale pipe");
    char done;
    read_all(rd, &done, 1, "scale pipe");
    zmq_msg_close(&id);
    zmq_msg_close(&body);
    set_int(router, ZMQ_LINGER, 0);
    zmq_close(router);
    zmq_ctx_term(ctx);
}

/* The DEALERs are spread over this many client processes: each socket
 * holds two descriptors (its mailbox and its connection) on both
 * libraries, and an unprivileged process may not go past its hard limit. */
#define SCALE_PROCS 2

/* One client process: waits for "go", connects its n DEALERs, sends one
 * message on each, receives every reply, reports how much its resident
 * set grew, and keeps the connections until told to close. */
static void scale_client(const struct job *j, const char *ep, int n, int go, int back)
{
    char byte;
    read_all(go, &byte, 1, "scale pipe");
    void *ctx = scale_ctx(n);
    char *buf = calloc(1, j->size ? j->size : 1);
    void **s = calloc((size_t) n, sizeof *s);
    long base = current_rss_bytes();
    for (int i = 0; i < n; i++) {
        s[i] = new_socket(ctx, ZMQ_DEALER);
        secure_client(s[i], j->transport);
        check(zmq_connect(s[i], ep), "zmq_connect");
        send_buf(s[i], buf, j->size, 0);
    }
    zmq_msg_t m;
    zmq_msg_init(&m);
    for (int i = 0; i < n; i++) {
        recv_msg(s[i], &m);
        if (zmq_msg_size(&m) != j->size)
            die("scale: reply of %zu bytes, want %zu", zmq_msg_size(&m), j->size);
    }
    long grown = current_rss_bytes() - base;
    write_all(back, &grown, sizeof grown, "scale pipe");
    read_all(go, &byte, 1, "scale pipe");
    zmq_msg_close(&m);
    for (int i = 0; i < n; i++) {
        set_int(s[i], ZMQ_LINGER, 0);
        zmq_close(s[i]);
    }
    free(s);
    free(buf);
    zmq_ctx_term(ctx);
}

static void run_scale(struct job *j)
{
    if (strcmp(j->transport, "inproc") == 0)
        die("scale: tcp, ipc or curve");
    raise_fd_limit((rlim_t) j->count + 1024);
    int rd, wr;
    spawn_peer(scale_peer, j, &rd, &wr);
    char ep[ENDPOINT_LEN];
    recv_endpoint(rd, ep);
    int go[SCALE_PROCS][2], back[SCALE_PROCS][2];
    pid_t kids[SCALE_PROCS];
    for (int k = 0; k < SCALE_PROCS; k++) {
        if (pipe(go[k]) != 0 || pipe(back[k]) != 0)
            die("pipe: %s", strerror(errno));
        fflush(stdout);
        kids[k] = fork();
        if (kids[k] < 0)
            die("fork: %s", strerror(errno));
        if (kids[k] == 0) {
            g_peer = 0;
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            int n = j->count / SCALE_PROCS + (k < j->count % SCALE_PROCS);
            scale_client(j, ep, n, go[k][0], back[k][1]);
            _exit(0);
        }
    }
    double t0 = now_s();
    for (int k = 0; k < SCALE_PROCS; k++)
        write_all(go[k][1], "g", 1, "scale pipe");
    long grown = 0;
    for (int k = 0; k < SCALE_PROCS; k++) {
        long g = 0;
        read_all(back[k][0], &g, sizeof g, "scale pipe");
        grown += g;
    }
    double elapsed = now_s() - t0;
    long peer_grown = 0;
    read_all(rd, &peer_grown, sizeof peer_grown, "scale pipe");
    long kids_rss = 0;
    for (int k = 0; k < SCALE_PROCS; k++) {
        write_all(go[k][1], "c", 1, "scale pipe");
        int status = 0;
        struct rusage ru;
        while (wait4(kids[k], &status, 0, &ru) < 0)
            if (errno != EINTR)
                die("wait4: %s", strerror(errno));
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            die("scale: a client process failed");
        kids_rss = max_l(kids_rss, ru.ru_maxrss);
    }
    write_all(wr, "x", 1, "scale pipe");
    long peer_rss = reap_peer();
    g_unlink_path[0] = '\0';
    char extra[64];
    snprintf(extra, sizeof extra, "per_conn=%.0f", (double) (grown + peer_grown) / j->count);
    report(elapsed, "s", max_l(kids_rss, peer_rss), extra);
}

/* ---- fan-out to 1000 subscribers in another process ---- */

#define FANOUT1K_SUBS 1000
#define FANOUT1K_THREADS 2

static void fanout1k_peer(int rd, int wr, void *arg)
{
    struct job *j = arg;
    void *ctx = scale_ctx(1);
    void *xpub = new_socket(ctx, ZMQ_XPUB);
    set_int(xpub, ZMQ_XPUB_VERBOSE, 1);
    set_int(xpub, ZMQ_SNDHWM, 0);
    set_int(xpub, ZMQ_BACKLOG, 4096);
    char ep[ENDPOINT_LEN];
    bind_any(xpub, j->transport, ep, sizeof ep);
    send_endpoint(wr, ep);
    /* every subscriber has subscribed once its subscription is here */
    zmq_msg_t m;
    zmq_msg_init(&m);
    for (int i = 0; i < FANOUT1K_SUBS; i++)
        recv_msg(xpub, &m);
    zmq_msg_close(&m);
    write_all(wr, "s", 1, "fanout pipe");
    char *buf = calloc(1, j->size ? j->size : 1);
    for (int i = 0; i < j->count; i++)
        send_buf(xpub, buf, j->size, 0);
    free(buf);
    char done;
    read_all(rd, &done, 1, "fanout pipe");
    set_int(xpub, ZMQ_LINGER, 0);
    zmq_close(xpub);
    zmq_ctx_term(ctx);
}

struct fan_job {
    void **subs;
    int n, count;
    size_t size;
};

/* Receives `count` messages on each of its subscribers: a pass over all
 * of them without waiting, and zmq_poll only when a pass found nothing. */
static void *fanout1k_thread(void *arg)
{
    struct fan_job *f = arg;
    int *got = calloc((size_t) f->n, sizeof *got);
    zmq_pollitem_t *items = calloc((size_t) f->n, sizeof *items);
    for (int i = 0; i < f->n; i++)
        items[i] = (zmq_pollitem_t){f->subs[i], 0, ZMQ_POLLIN, 0};
    zmq_msg_t m;
    zmq_msg_init(&m);
    int left = f->n;
    while (left > 0) {
        int any = 0;
        for (int i = 0; i < f->n; i++) {
            while (got[i] < f->count && zmq_msg_recv(&m, f->subs[i], ZMQ_DONTWAIT) >= 0) {
                if (zmq_msg_size(&m) != f->size)
                    die("fanout1k: %zu bytes, want %zu", zmq_msg_size(&m), f->size);
                any = 1;
                if (++got[i] == f->count)
                    left--;
            }
        }
        if (!any && left > 0 && zmq_poll(items, f->n, 100) < 0 && zmq_errno() != EINTR)
            die("zmq_poll: %s", zmq_strerror(zmq_errno()));
    }
    zmq_msg_close(&m);
    free(items);
    free(got);
    return NULL;
}

static void run_fanout1k(struct job *j)
{
    if (strcmp(j->transport, "inproc") == 0)
        die("fanout1k: tcp, ipc or curve");
    raise_fd_limit(FANOUT1K_SUBS * 3 + 1024);
    int rd, wr;
    spawn_peer(fanout1k_peer, j, &rd, &wr);
    char ep[ENDPOINT_LEN];
    recv_endpoint(rd, ep);
    void *ctx = scale_ctx(FANOUT1K_SUBS);
    void **subs = calloc(FANOUT1K_SUBS, sizeof *subs);
    for (int i = 0; i < FANOUT1K_SUBS; i++) {
        subs[i] = new_socket(ctx, ZMQ_SUB);
        set_int(subs[i], ZMQ_RCVHWM, 0);
        check(zmq_setsockopt(subs[i], ZMQ_SUBSCRIBE, "", 0), "ZMQ_SUBSCRIBE");
        secure_client(subs[i], j->transport);
        check(zmq_connect(subs[i], ep), "zmq_connect");
    }
    char ready;
    read_all(rd, &ready, 1, "fanout pipe");
    double t0 = now_s();
    struct fan_job f[FANOUT1K_THREADS];
    pthread_t t[FANOUT1K_THREADS];
    int per = FANOUT1K_SUBS / FANOUT1K_THREADS;
    for (int k = 0; k < FANOUT1K_THREADS; k++) {
        f[k] = (struct fan_job){subs + k * per, per, j->count, j->size};
        pthread_create(&t[k], NULL, fanout1k_thread, &f[k]);
    }
    for (int k = 0; k < FANOUT1K_THREADS; k++)
        pthread_join(t[k], NULL);
    double elapsed = now_s() - t0;
    write_all(wr, "x", 1, "fanout pipe");
    for (int i = 0; i < FANOUT1K_SUBS; i++) {
        set_int(subs[i], ZMQ_LINGER, 0);
        zmq_close(subs[i]);
    }
    free(subs);
    zmq_ctx_term(ctx);
    long peer_rss = reap_peer();
    g_unlink_path[0] = '\0';
    report((double) FANOUT1K_SUBS * j->count / elapsed, "deliveries/s",
           max_l(peak_rss_kb(), peer_rss), "");
}

/* ---- fan-out: one PUB, FANOUT_SUBS SUB threads, nothing dropped ---- */

struct sub_job {
    struct job *j;
    int delivered;
};

static void *sub_thread(void *arg)
{
    struct sub_job *sj = arg;
    struct job *j = sj->j;
    void *sub = new_socket(j->ctx, ZMQ_SUB);
    set_int(sub, ZMQ_RCVHWM, 0);
    check(zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "", 0), "ZMQ_SUBSCRIBE");
    secure_client(sub, j->transport);
    check(zmq_connect(sub, j->ep), "zmq_connect");
    void *ready = new_socket(j->ctx, ZMQ_PUSH);
    check(zmq_connect(ready, "inproc://zbench-ready"), "zmq_connect ready");
    zmq_msg_t m;
    zmq_msg_init(&m);
    /* The publisher sends 'P' probes until every subscriber has seen one,
     * so no data message goes out before a subscription has arrived. */
    int said_ready = 0;
    for (;;) {
        recv_msg(sub, &m);
        const char *p = zmq_msg_data(&m);
        if (zmq_msg_size(&m) == 1 && p[0] == 'P') {
            if (!said_ready) {
                send_buf(ready, "R", 1, 0);
                said_ready = 1;
            }
            continue;
        }
        if (zmq_msg_size(&m) != j->size)
            die("fanout: message of %zu bytes, want %zu", zmq_msg_size(&m), j->size);
        if (++sj->delivered == j->count)
            break;
    }
    zmq_msg_close(&m);
    zmq_close(ready);
    zmq_close(sub);
    return NULL;
}

static void run_fanout(struct job *j)
{
    if (j->size < 2)
        die("fanout needs messages of 2 bytes or more (1-byte ones are its probes)");
    void *ctx = zmq_ctx_new();
    void *pub = new_socket(ctx, ZMQ_PUB);
    set_int(pub, ZMQ_SNDHWM, 0);
    bind_any(pub, j->transport, j->ep, sizeof j->ep);
    void *ready = new_socket(ctx, ZMQ_PULL);
    check(zmq_bind(ready, "inproc://zbench-ready"), "zmq_bind ready");
    set_int(ready, ZMQ_RCVTIMEO, 1);
    j->ctx = ctx;
    pthread_t t[FANOUT_SUBS];
    struct sub_job sj[FANOUT_SUBS];
    for (int i = 0; i < FANOUT_SUBS; i++) {
        sj[i].j = j;
        sj[i].delivered = 0;
        pthread_create(&t[i], NULL, sub_thread, &sj[i]);
    }
    int readies = 0;
    char r;
    while (readies < FANOUT_SUBS) {
        send_buf(pub, "P", 1, 0);
        if (zmq_recv(ready, &r, 1, 0) == 1)
            readies++;
    }
    char *buf = calloc(1, j->size);
    memset(buf, 'D', j->size);
    double t0 = now_s();
    for (int i = 0; i < j->count; i++) {
        zmq_msg_t m;
        check(zmq_msg_init_size(&m, j->size), "zmq_msg_init_size");
        memcpy(zmq_msg_data(&m), buf, j->size);
        while (zmq_msg_send(&m, pub, 0) < 0) {
            if (zmq_errno() != EINTR)
                die("zmq_msg_send: %s", zmq_strerror(zmq_errno()));
        }
    }
    for (int i = 0; i < FANOUT_SUBS; i++)
        pthread_join(t[i], NULL);
    double elapsed = now_s() - t0;
    free(buf);
    zmq_close(ready);
    zmq_close(pub);
    zmq_ctx_term(ctx);
    g_unlink_path[0] = '\0';
    double rate = (double) j->count * FANOUT_SUBS / elapsed;
    char extra[64];
    snprintf(extra, sizeof extra, "mbps=%.1f", rate * (double) j->size * 8 / 1e6);
    report(rate, "deliveries/s", peak_rss_kb(), extra);
}

#ifdef ZMQ_BUILD_DRAFT_API
/* ---- RADIO -> DISH: one group, the DISH in the peer process ---- */

static void radio_send(void *radio, const void *buf, size_t size)
{
    zmq_msg_t m;
    check(zmq_msg_init_size(&m, size), "zmq_msg_init_size");
    memcpy(zmq_msg_data(&m), buf, size);
    check(zmq_msg_set_group(&m, "g"), "zmq_msg_set_group");
    while (zmq_msg_send(&m, radio, 0) < 0) {
        if (zmq_errno() != EINTR)
            die("zmq_msg_send: %s", zmq_strerror(zmq_errno()));
    }
}

/* Results the DISH sends back. */
struct rd_result {
    double elapsed;
    int received;
};

/* The DISH: joins "g", binds, answers the first probe ('P', 1 byte) with
 * 'R' on the pipe, then counts data messages from the first until COUNT
 * came or an end marker ('E', 1 byte; udp may lose data). */
static void dish_peer(int rd, int wr, void *arg)
{
    struct job *j = arg;
    (void) rd;
    void *ctx = zmq_ctx_new();
    void *dish = new_socket(ctx, ZMQ_DISH);
    set_int(dish, ZMQ_RCVHWM, 0);
    check(zmq_join(dish, "g"), "zmq_join");
    char ep[ENDPOINT_LEN];
    if (strcmp(j->transport, "udp") == 0) {
        /* a udp LAST_ENDPOINT has no scheme: a free port, found here */
        struct sockaddr_in sa;
        socklen_t len = sizeof sa;
        int fd = socket(AF_INET, SOCK_DGRAM, 0);
        memset(&sa, 0, sizeof sa);
        sa.sin_family = AF_INET;
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (fd < 0 || bind(fd, (struct sockaddr *) &sa, sizeof sa) != 0
            || getsockname(fd, (struct sockaddr *) &sa, &len) != 0)
            die("no free udp port");
        close(fd);
        snprintf(ep, sizeof ep, "udp://127.0.0.1:%d", ntohs(sa.sin_port));
        check(zmq_bind(dish, ep), "zmq_bind udp");
    } else {
        bind_any(dish, j->transport, ep, sizeof ep);
    }
    send_endpoint(wr, ep);
    zmq_msg_t m;
    zmq_msg_init(&m);
    int ready = 0;
    struct rd_result r = {0, 0};
    double t0 = 0, last = 0;
    while (r.received < j->count) {
        recv_msg(dish, &m);
        const char *p = zmq_msg_data(&m);
        if (zmq_msg_size(&m) == 1 && p[0] == 'P') {
            if (!ready)
                write_all(wr, "R", 1, "ready pipe");
            ready = 1;
            continue;
        }
        if (zmq_msg_size(&m) == 1 && p[0] == 'E')
            break;
        if (zmq_msg_size(&m) != j->size)
            die("rdthr: message of %zu bytes, want %zu", zmq_msg_size(&m), j->size);
        last = now_s();
        if (r.received++ == 0)
            t0 = last;
    }
    r.elapsed = last - t0;
    write_all(wr, &r, sizeof r, "result pipe");
    zmq_msg_close(&m);
    zmq_close(dish);
    zmq_ctx_term(ctx);
}

static void run_rdthr(struct job *j)
{
    int rd, wr, udp = strcmp(j->transport, "udp") == 0;
    spawn_peer(dish_peer, j, &rd, &wr);
    char ep[ENDPOINT_LEN];
    recv_endpoint(rd, ep);
    void *ctx = zmq_ctx_new();
    void *radio = new_socket(ctx, ZMQ_RADIO);
    set_int(radio, ZMQ_XPUB_NODROP, 1);
    check(zmq_connect(radio, ep), "zmq_connect");
    /* Probes until the DISH has one: its JOIN has reached us. */
    struct pollfd pfd = {rd, POLLIN, 0};
    char r;
    do
        radio_send(radio, "P", 1);
    while (poll(&pfd, 1, 2) == 0);
    read_all(rd, &r, 1, "ready pipe");
    char *buf = calloc(1, j->size);
    memset(buf, 'D', j->size);
    for (int i = 0; i < j->count; i++) {
        radio_send(radio, buf, j->size);
    }
    struct rd_result res;
    if (udp) {
        /* what got lost is lost: end markers until the DISH answers */
        do
            radio_send(radio, "E", 1);
        while (poll(&pfd, 1, 20) == 0);
    }
    read_all(rd, &res, sizeof res, "result pipe");
    free(buf);
    zmq_close(radio);
    zmq_ctx_term(ctx);
    long peer_rss = reap_peer();
    g_unlink_path[0] = '\0';
    if (res.elapsed <= 0)
        res.elapsed = 1e-9;
    double rate = (double) (res.received > 1 ? res.received - 1 : 0) / res.elapsed;
    char extra[96];
    snprintf(extra, sizeof extra, "mbps=%.1f lost=%.1f%%", rate * (double) j->size * 8 / 1e6,
             100.0 * (j->count - res.received) / j->count);
    report(rate, "msg/s", max_l(peak_rss_kb(), peer_rss), extra);
}
#endif

/* ---- memory: N idle sockets, then N connections to one ROUTER ---- */

static void run_mem(const char *transport, int n)
{
    void *ctx = zmq_ctx_new();
    /* One socket first so the context's threads and buffers are counted
     * out of the per-socket figure. */
    void *router = new_socket(ctx, ZMQ_ROUTER);
    char ep[ENDPOINT_LEN];
    bind_any(router, transport, ep, sizeof ep);
    long base = current_rss_bytes();
    void **s = calloc((size_t) n, sizeof *s);
    for (int i = 0; i < n; i++)
        s[i] = new_socket(ctx, ZMQ_DEALER);
    long sockets = current_rss_bytes();
    for (int i = 0; i < n; i++) {
        check(zmq_connect(s[i], ep), "zmq_connect");
        send_buf(s[i], "x", 1, 0);
    }
    /* every connection is up once its message has reached the ROUTER */
    zmq_msg_t m;
    zmq_msg_init(&m);
    for (int i = 0; i < n; i++) {
        recv_msg(router, &m); /* routing id */
        recv_msg(router, &m); /* "x" */
    }
    zmq_msg_close(&m);
    long connected = current_rss_bytes();
    double per_socket = (double) (sockets - base) / n;
    double per_conn = (double) (connected - sockets) / n;
    for (int i = 0; i < n; i++) {
        set_int(s[i], ZMQ_LINGER, 0);
        zmq_close(s[i]);
    }
    free(s);
    set_int(router, ZMQ_LINGER, 0);
    zmq_close(router);
    zmq_ctx_term(ctx);
    g_unlink_path[0] = '\0';
    char extra[64];
    snprintf(extra, sizeof extra, "per_conn=%.0f", per_conn);
    report(per_socket, "B/socket", peak_rss_kb(), extra);
}

/* ---- subscription reach: subscribe, then publish at once ---- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return (x > y) - (x < y);
}

#define SUBREACH_LOADERS 2

static void run_subreach(struct job *j)
{
    pid_t load[SUBREACH_LOADERS] = {0};
    if (j->size) {
        for (int k = 0; k < SUBREACH_LOADERS; k++) {
            fflush(stdout);
            load[k] = fork();
            if (load[k] < 0)
                die("fork: %s", strerror(errno));
            if (load[k] == 0) {
                prctl(PR_SET_PDEATHSIG, SIGKILL);
                volatile unsigned long spin = 0;
                for (;;)
                    spin++;
            }
        }
    }
    void *ctx = zmq_ctx_new();
    void *pub = new_socket(ctx, ZMQ_PUB);
    void *sub = new_socket(ctx, ZMQ_SUB);
    char ep[ENDPOINT_LEN];
    bind_any(pub, j->transport, ep, sizeof ep);
    check(zmq_connect(sub, ep), "zmq_connect");
    /* connected and subscribed once a first topic gets through */
    check(zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "warm", 4), "ZMQ_SUBSCRIBE");
    char buf[64];
    for (;;) {
        zmq_send(pub, "warm", 4, ZMQ_DONTWAIT);
        if (zmq_recv(sub, buf, sizeof buf, ZMQ_DONTWAIT) == 4)
            break;
        usleep(1000);
    }
    check(zmq_setsockopt(sub, ZMQ_UNSUBSCRIBE, "warm", 4), "ZMQ_UNSUBSCRIBE");
    double *us = calloc((size_t) j->count, sizeof *us);
    int first = 0;
    for (int i = 0; i < j->count; i++) {
        char topic[16];
        snprintf(topic, sizeof topic, "r%07d", i);
        double t0 = now_s();
        check(zmq_setsockopt(sub, ZMQ_SUBSCRIBE, topic, 8), "ZMQ_SUBSCRIBE");
        for (long sent = 0;;) {
            zmq_send(pub, topic, 8, ZMQ_DONTWAIT);
            sent++;
            int n = zmq_recv(sub, buf, sizeof buf, ZMQ_DONTWAIT);
            if (n == 8 && memcmp(buf, topic, 8) == 0) {
                /* the message came: was it the first one sent? */
                first += buf[0] == 'r' && sent == 1;
                break;
            }
            if (now_s() - t0 > 5)
                die("subreach: topic %s never arrived", topic);
        }
        us[i] = (now_s() - t0) * 1e6;
        check(zmq_setsockopt(sub, ZMQ_UNSUBSCRIBE, topic, 8), "ZMQ_UNSUBSCRIBE");
        /* what was sent for this topic before the unsubscribe took effect */
        usleep(2000);
        while (zmq_recv(sub, buf, sizeof buf, ZMQ_DONTWAIT) >= 0) {
        }
    }
    for (int k = 0; k < SUBREACH_LOADERS; k++)
        if (load[k] > 0) {
            kill(load[k], SIGKILL);
            waitpid(load[k], NULL, 0);
        }
    qsort(us, (size_t) j->count, sizeof *us, cmp_double);
    double p10 = us[j->count / 10], p50 = us[j->count / 2], p90 = us[j->count * 9 / 10];
    free(us);
    set_int(sub, ZMQ_LINGER, 0);
    set_int(pub, ZMQ_LINGER, 0);
    zmq_close(sub);
    zmq_close(pub);
    zmq_ctx_term(ctx);
    g_unlink_path[0] = '\0';
    char extra[64];
    snprintf(extra, sizeof extra, "p10=%.1f p90=%.1f first=%d", p10, p90, first);
    report(p50, "us", peak_rss_kb(), extra);
}

/* A SUB subscribes to COUNT topics of SIZE bytes each (distinct from the
 * first byte on) over inproc to an XPUB, which receives every one: both
 * ends hold the whole set in their subscription tries.  subset reports the
 * milliseconds until the XPUB has them all, submem the resident memory
 * this added per byte of topic in each trie (growth / (2 * SIZE * COUNT)). */
static void run_sub(struct job *j, int memory)
{
    void *ctx = zmq_ctx_new();
    void *xpub = new_socket(ctx, ZMQ_XPUB);
    void *sub = new_socket(ctx, ZMQ_SUB);
    /* (libzmq's setsockopt never reads the credit its peer returns: with
     * a limit, its subscriptions past the HWM would be dropped) */
    set_int(sub, ZMQ_SNDHWM, 0);
    set_int(xpub, ZMQ_RCVHWM, 0);
    check(zmq_bind(xpub, "inproc://zbench-sub"), "zmq_bind");
    check(zmq_connect(sub, "inproc://zbench-sub"), "zmq_connect");
    char *topic = malloc(j->size);
    if (!topic)
        die("out of memory");
    memset(topic, 'x', j->size);
    zmq_msg_t m;
    zmq_msg_init(&m);
    long before = current_rss_bytes();
    double t0 = now_s();
    for (long i = 0; i < j->count; i++) {
        char head[16];
        snprintf(head, sizeof head, "%08x", (unsigned) ((unsigned long) i * 2654435761u));
        memcpy(topic, head, j->size < 8 ? j->size : 8);
        check(zmq_setsockopt(sub, ZMQ_SUBSCRIBE, topic, j->size), "ZMQ_SUBSCRIBE");
        recv_msg(xpub, &m);
    }
    double ms = (now_s() - t0) * 1000;
    long after = current_rss_bytes();
    zmq_msg_close(&m);
    double per_byte = (double) (after - before) / (2.0 * (double) j->size * (double) j->count);
    free(topic);
    set_int(sub, ZMQ_LINGER, 0);
    set_int(xpub, ZMQ_LINGER, 0);
    zmq_close(sub);
    zmq_close(xpub);
    zmq_ctx_term(ctx);
    char extra[64];
    snprintf(extra, sizeof extra, "ms=%.1f", ms);
    if (memory)
        report(per_byte, "B/topic-byte", peak_rss_kb(), extra);
    else
        report(ms, "ms", peak_rss_kb(), extra);
}

int main(int argc, char **argv)
{
    g_prog = "zbench";
    arm_timeout();
    if (argc == 4 && strcmp(argv[1], "mem") == 0) {
        run_mem(argv[2], parse_count(argv[3], "N"));
        return 0;
    }
    if (argc != 5) {
        fprintf(stderr, "usage: zbench thr|lat|latpoll|fanout|conn|scale|fanout1k TRANSPORT SIZE COUNT\n"
                        "       zbench subreach TRANSPORT LOAD COUNT\n"
                        "       zbench pthr|plat TRANSPORT RATE COUNT\n"
                        "       zbench mem TRANSPORT N\n");
        return 2;
    }
    struct job j;
    memset(&j, 0, sizeof j);
    j.transport = argv[2];
    j.size = (size_t) atol(argv[3]);
    j.count = parse_count(argv[4], "COUNT");
    if (j.count < 2)
        die("COUNT must be 2 or more");
    if (is_curve(j.transport))
        make_curve_keys();
    if (strcmp(argv[1], "pthr") == 0 || strcmp(argv[1], "plat") == 0) {
        /* paced: SIZE is the rate (messages or requests per second) of 64 B messages */
        g_rate = atol(argv[3]);
        if (g_rate <= 0)
            die("RATE must be positive");
        j.size = 64;
    }
    static const char *const per_msg[] = {"thr",   "lat",  "latpoll", "csthr", "cslat",
                                          "rdthr", "pthr", "plat",    "conn"};
    for (size_t k = 0; k < sizeof per_msg / sizeof per_msg[0]; k++)
        if (strcmp(argv[1], per_msg[k]) == 0)
            g_msgs = j.count;
    if (strcmp(argv[1], "scale") == 0)
        g_msgs = j.count; /* per connection */
    if (strcmp(argv[1], "fanout1k") == 0)
        g_msgs = (long) j.count * FANOUT1K_SUBS; /* per delivery */
    if (strcmp(argv[1], "thr") == 0)
        run_thr(&j);
    else if (strcmp(argv[1], "lat") == 0)
        run_lat(&j);
    else if (strcmp(argv[1], "pthr") == 0)
        run_thr(&j);
    else if (strcmp(argv[1], "plat") == 0)
        run_lat(&j);
    else if (strcmp(argv[1], "latpoll") == 0) {
        g_poll_first = 1;
        run_lat(&j);
    }
    else if (strcmp(argv[1], "fanout") == 0)
        run_fanout(&j);
    else if (strcmp(argv[1], "conn") == 0)
        run_conn(&j);
    else if (strcmp(argv[1], "scale") == 0)
        run_scale(&j);
    else if (strcmp(argv[1], "subreach") == 0)
        run_subreach(&j);
    else if (strcmp(argv[1], "fanout1k") == 0)
        run_fanout1k(&j);
    else if (strcmp(argv[1], "subset") == 0)
        run_sub(&j, 0);
    else if (strcmp(argv[1], "submem") == 0)
        run_sub(&j, 1);
#ifdef ZMQ_BUILD_DRAFT_API
    else if (strcmp(argv[1], "csthr") == 0) {
        g_send_type = ZMQ_CLIENT;
        g_recv_type = ZMQ_SERVER;
        run_thr(&j);
    } else if (strcmp(argv[1], "cslat") == 0) {
        g_req_type = ZMQ_CLIENT;
        g_rep_type = ZMQ_SERVER;
        run_lat(&j);
    } else if (strcmp(argv[1], "rdthr") == 0)
        run_rdthr(&j);
#endif
    else
        die("unknown benchmark %s", argv[1]);
    return 0;
}
