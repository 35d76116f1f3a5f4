/* test_reconnect_order.c: PUSH -> PULL over tcp through a relay that cuts the connection
 * every CUT_BYTES (512 KiB) of forwarded data, so that the zmq sockets
 * reconnect again and again.  At the PULL, every message is checked:
 *
 *   integrity   size, content and checksum must match what the sequence
 *               number says was sent (corrupt = 0 required)
 *   duplicates  each sequence number at most once (dup = 0 required)
 *   order       a message numbered below one received earlier is "late"
 *               (an inversion).  Late messages are split into
 *                 - same-connection: earlier message came over the same
 *                   tcp connection (a per-pipe order violation: a bug
 *                   in any implementation), and
 *                 - cross-connection: an earlier connection's backlog
 *                   read after messages of a later connection.
 *   losses      counted, allowed by ZeroMQ semantics (messages in flight
 *               when a connection is cut).
 *
 * The connection a message came over is known from its Peer-Address
 * property: the relay connects onward to a bound PULL from 127.0.0.<2+k%250>
 * for its k-th connection (loopback accepts all of 127/8).  With pushbind
 * the PULL's peer is always the relay's 127.0.0.1: connections are not told
 * apart (same-conn / cross-conn print -1, episodes count 0 or 1).
 *
 * The test (main, at the end) runs two scenarios in child processes:
 *   - the PULL connects with ZMQ_IMMEDIATE (a new pipe per connection),
 *     1,000,000 messages, the reader stalling 150 ms every 20,000: no
 *     message late at all (the old pipe is read to its end first);
 *   - the PULL binds, 200,000 messages, the same stalls: no message late
 *     within a connection. Across connections libzmq and zmqrs both can
 *     deliver an old connection's backlog after the newer connection's
 *     first messages (docs/STATUS.md says when): counted, allowed.
 * Each is bounded in time (60 s). By hand:
 *   test_reconnect_order [pullbind|pushbind] [rst|fin] [seconds=60]
 *            [count=1000000] [pause_every=0] [pause_ms=0]
 *   pullbind  PULL binds, PUSH connects to the relay, relay connects to PULL
 *   pushbind  PUSH binds, PULL connects to the relay, relay connects to PUSH
 *   rst       cut with SO_LINGER 0 + close (RST both ways)
 *   fin       cut with shutdown(SHUT_RDWR) + close (FIN; RST if unread data)
 *   pause_every/pause_ms: the PULL sleeps pause_ms after every pause_every
 *             messages (a deterministic stand-in for a loaded machine).
 *   env IMMEDIATE=1: ZMQ_IMMEDIATE on the connecting socket.
 *
 * Exit status of one scenario: 0 when no corruption, no duplicate and no
 * late message; 1 when late messages across connections only; 4 when a
 * message is late within its connection; 2 on corruption or duplicates;
 * 3 setup error; 5 when the time ran out.
 */
#include <zmq.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CUT_BYTES (512 * 1024)
#define MAX_PAYLOAD 240

static uint64_t count = 1000000;
static int seconds = 60;
static int rst = 1;
static int pullbind = 1;
static long pause_every = 0, pause_ms = 0;

static atomic_int stop_all;      /* deadline or end: everybody stops */
static atomic_int sender_done;   /* PUSH has sent everything */
static atomic_uint_fast64_t sent;
static atomic_int cuts, relay_conns;

static double now_s (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- message format: seq (8, LE) | payload (size from seq) | fnv1a (4) ---- */

static uint64_t mix (uint64_t x)
{
    x ^= x >> 33; x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33; x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static size_t payload_len (uint64_t seq) { return mix (seq) % (MAX_PAYLOAD + 1); }
static size_t msg_len (uint64_t seq) { return 8 + payload_len (seq) + 4; }

static uint32_t fnv1a (const unsigned char *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) { h ^= p[i]; h *= 16777619u; }
    return h;
}

static void fill (unsigned char *buf, uint64_t seq)
{
    for (int i = 0; i < 8; i++) buf[i] = (unsigned char) (seq >> (8 * i));
    size_t pl = payload_len (seq);
    uint64_t s = mix (seq ^ 0x9e3779b97f4a7c15ULL);
    for (size_t i = 0; i < pl; i++) {
        if (i % 8 == 0) s = mix (s + i);
        buf[8 + i] = (unsigned char) (s >> (8 * (i % 8)));
    }
    uint32_t h = fnv1a (buf, 8 + pl);
    memcpy (buf + 8 + pl, &h, 4);
}

/* 0: good; -1: corrupt.  *seq_out set when the sequence number is usable. */
static int check (const unsigned char *p, size_t n, uint64_t *seq_out)
{
    if (n < 12) return -1;
    uint64_t seq = 0;
    for (int i = 0; i < 8; i++) seq |= (uint64_t) p[i] << (8 * i);
    if (seq >= count || n != msg_len (seq)) return -1;
    unsigned char want[8 + MAX_PAYLOAD + 4];
    fill (want, seq);
    if (memcmp (want, p, n) != 0) return -1;
    *seq_out = seq;
    return 0;
}

/* ---- relay ---- */

static int listen_fd = -1;
static int target_port;

static void cut_pair (int a, int b)
{
    if (rst) {
        struct linger l = {1, 0};
        setsockopt (a, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        setsockopt (b, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    } else {
        shutdown (a, SHUT_RDWR);
        shutdown (b, SHUT_RDWR);
    }
    close (a);
    close (b);
}

/* Writes all of buf (blocking fd); -1 when the peer is gone. */
static int write_all (int fd, const char *buf, size_t n)
{
    while (n > 0) {
        ssize_t w = send (fd, buf, n, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) { struct pollfd p = {fd, POLLOUT, 0}; poll (&p, 1, 100); if (stop_all) return -1; continue; }
            return -1;
        }
        buf += w; n -= (size_t) w;
    }
    return 0;
}

static void *relay (void *arg)
{
    (void) arg;
    static char buf[16384];
    while (!stop_all) {
        struct pollfd lp = {listen_fd, POLLIN, 0};
        if (poll (&lp, 1, 100) <= 0) continue;
        int a = accept (listen_fd, NULL, NULL);
        if (a < 0) continue;
        int k = atomic_fetch_add (&relay_conns, 1);
        int b = socket (AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in src = {0}, dst = {0};
        src.sin_family = AF_INET;
        /* A distinct source address per onward connection: the PULL's
         * Peer-Address names the connection (pullbind). */
        src.sin_addr.s_addr = htonl (0x7f000000u | (uint32_t) (2 + k % 250));
        bind (b, (struct sockaddr *) &src, sizeof src);
        dst.sin_family = AF_INET;
        dst.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
        dst.sin_port = htons ((uint16_t) target_port);
        if (connect (b, (struct sockaddr *) &dst, sizeof dst) != 0) {
            close (a); close (b);
            continue;
        }
        int one = 1;
        setsockopt (a, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        setsockopt (b, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        size_t moved = 0;
        int dead = 0;
        while (!stop_all && !dead) {
            struct pollfd p[2] = {{a, POLLIN, 0}, {b, POLLIN, 0}};
            if (poll (p, 2, 100) <= 0) continue;
            for (int i = 0; i < 2 && !dead; i++) {
                if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
                size_t room = sizeof buf;
                if (room > CUT_BYTES - moved) room = CUT_BYTES - moved;
                ssize_t r = recv (p[i].fd, buf, room, 0);
                if (r <= 0) {
                    if (r < 0 && errno == EINTR) continue;
                    dead = 1; /* a zmq side went away by itself */
                    break;
                }
                if (write_all (i == 0 ? b : a, buf, (size_t) r) < 0) { dead = 1; break; }
                moved += (size_t) r;
                if (moved >= CUT_BYTES) { dead = 2; break; }
            }
        }
        if (dead == 2) atomic_fetch_add (&cuts, 1);
        cut_pair (a, b);
    }
    return NULL;
}

/* ---- PUSH ---- */

static void *pusher (void *sock)
{
    unsigned char buf[8 + MAX_PAYLOAD + 4];
    for (uint64_t seq = 0; seq < count && !stop_all;) {
        fill (buf, seq);
        if (zmq_send (sock, buf, msg_len (seq), 0) >= 0) {
            seq++;
            atomic_store (&sent, seq);
        } else if (zmq_errno () != EAGAIN) {
            fprintf (stderr, "zmq_send: %s\n", zmq_strerror (zmq_errno ()));
            break;
        }
    }
    atomic_store (&sender_done, 1);
    return NULL;
}

/* ---- main: setup, PULL side checks ---- */

static int conn_of (zmq_msg_t *m)
{
    const char *pa = zmq_msg_gets (m, "Peer-Address");
    if (!pa) return -1;
    unsigned o[4];
    if (sscanf (pa, "%u.%u.%u.%u", &o[0], &o[1], &o[2], &o[3]) != 4) return -1;
    return (int) o[3];
}

static int cut_main (int argc, char **argv)
{
    if (argc > 1) pullbind = strcmp (argv[1], "pushbind") != 0;
    if (argc > 2) rst = strcmp (argv[2], "fin") != 0;
    if (argc > 3) seconds = atoi (argv[3]);
    if (argc > 4) count = strtoull (argv[4], NULL, 10);
    if (argc > 5) pause_every = atol (argv[5]);
    if (argc > 6) pause_ms = atol (argv[6]);
    setvbuf (stdout, NULL, _IOLBF, 0);

    int major, minor, patch;
    zmq_version (&major, &minor, &patch);

    void *ctx = zmq_ctx_new ();
    void *push = zmq_socket (ctx, ZMQ_PUSH);
    void *pull = zmq_socket (ctx, ZMQ_PULL);
    int tmo = 100, zero = 0;
    zmq_setsockopt (push, ZMQ_SNDTIMEO, &tmo, sizeof tmo);
    zmq_setsockopt (pull, ZMQ_RCVTIMEO, &tmo, sizeof tmo);
    zmq_setsockopt (push, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt (pull, ZMQ_LINGER, &zero, sizeof zero);
    int ivl = 10;
    zmq_setsockopt (push, ZMQ_RECONNECT_IVL, &ivl, sizeof ivl);
    zmq_setsockopt (pull, ZMQ_RECONNECT_IVL, &ivl, sizeof ivl);

    void *binder = pullbind ? pull : push;
    void *connecter = pullbind ? push : pull;
    /* IMMEDIATE=1: the connecting socket makes a new pipe per connection
     * (libzmq's session_base_t::reconnect terminates the old one) */
    if (getenv ("IMMEDIATE") && atoi (getenv ("IMMEDIATE"))) {
        int on = 1;
        zmq_setsockopt (connecter, ZMQ_IMMEDIATE, &on, sizeof on);
    }
    if (zmq_bind (binder, "tcp://127.0.0.1:*") != 0) { perror ("zmq_bind"); return 3; }
    char ep[256]; size_t epl = sizeof ep;
    zmq_getsockopt (binder, ZMQ_LAST_ENDPOINT, ep, &epl);
    target_port = atoi (strrchr (ep, ':') + 1);

    listen_fd = socket (AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt (listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in la = {0};
    la.sin_family = AF_INET;
    la.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    if (bind (listen_fd, (struct sockaddr *) &la, sizeof la) != 0 || listen (listen_fd, 16) != 0) {
        perror ("relay listen"); return 3;
    }
    socklen_t ll = sizeof la;
    getsockname (listen_fd, (struct sockaddr *) &la, &ll);
    char rep[64];
    snprintf (rep, sizeof rep, "tcp://127.0.0.1:%d", ntohs (la.sin_port));

    pthread_t rt, pt;
    pthread_create (&rt, NULL, relay, NULL);
    if (zmq_connect (connecter, rep) != 0) { perror ("zmq_connect"); return 3; }
    pthread_create (&pt, NULL, pusher, push);

    unsigned char *seen = calloc (count, 1);
    uint64_t received = 0, corrupt = 0, dup = 0, late = 0, late_same = 0, late_cross = 0;
    uint64_t max_lag = 0, switches = 0, conns_seen = 0;
    int64_t max_seq = -1;
    int max_conn = -1, prev_conn = -2;
    int64_t conn_max[256];
    unsigned char conn_used[256] = {0};
    for (int i = 0; i < 256; i++) conn_max[i] = -1;
    int episodes = 0, last_late_conn = -1;
    double start = now_s (), deadline = start + seconds, last_msg = start;
    int timed_out = 0;

    zmq_msg_t m;
    zmq_msg_init (&m);
    for (;;) {
        double t = now_s ();
        if (t >= deadline) { timed_out = 1; break; }
        if (sender_done && t - last_msg > 1.5) break; /* the rest was lost */
        if (received == count) break;
        if (zmq_msg_recv (&m, pull, 0) < 0) {
            if (zmq_errno () == EAGAIN) continue;
            fprintf (stderr, "zmq_msg_recv: %s\n", zmq_strerror (zmq_errno ()));
            break;
        }
        last_msg = now_s ();
        uint64_t seq;
        if (check (zmq_msg_data (&m), zmq_msg_size (&m), &seq) != 0) { corrupt++; continue; }
        int c = conn_of (&m) & 255;
        if (seen[seq]) { dup++; continue; }
        seen[seq] = 1;
        received++;
        if (!conn_used[c]) { conn_used[c] = 1; conns_seen++; }
        if (c != prev_conn && prev_conn != -2) switches++;
        prev_conn = c;
        if ((int64_t) seq < max_seq) {
            late++;
            if ((uint64_t) (max_seq - (int64_t) seq) > max_lag) max_lag = (uint64_t) (max_seq - (int64_t) seq);
            if ((int64_t) seq < conn_max[c]) late_same++;
            else late_cross++;
            if (c != last_late_conn) {
                /* the start of an episode: an older connection's backlog
                 * read after messages of a newer connection (one episode
                 * per old connection) */
                episodes++;
                if (episodes <= 5)
                    printf ("  late episode %d: seq %llu (conn .%d) after seq %lld (conn .%d), at %.2fs\n",
                            episodes, (unsigned long long) seq, c, (long long) max_seq, max_conn,
                            last_msg - start);
            }
            last_late_conn = c;
        } else {
            max_seq = (int64_t) seq;
            max_conn = c;
        }
        if ((int64_t) seq > conn_max[c]) conn_max[c] = (int64_t) seq;
        if (pause_every > 0 && received % (uint64_t) pause_every == 0)
            usleep ((useconds_t) pause_ms * 1000);
    }
    double took = now_s () - start;
    atomic_store (&stop_all, 1);
    pthread_join (pt, NULL);
    pthread_join (rt, NULL);
    zmq_msg_close (&m);
    uint64_t nsent = atomic_load (&sent);

    printf ("zmq %d.%d.%d %s %s: sent %llu/%llu, received %llu, %s %llu, "
            "corrupt %llu, dup %llu, late %llu (same-conn %lld, cross-conn %lld, max lag %llu, episodes %d), "
            "conns %d (seen %llu), cuts %d, conn switches %llu, %.1fs%s\n",
            major, minor, patch, pullbind ? "pullbind" : "pushbind", rst ? "rst" : "fin",
            (unsigned long long) nsent, (unsigned long long) count,
            (unsigned long long) received, timed_out ? "not received" : "lost",
            (unsigned long long) (nsent - received),
            (unsigned long long) corrupt, (unsigned long long) dup,
            (unsigned long long) late, pullbind ? (long long) late_same : -1LL,
            pullbind ? (long long) late_cross : -1LL, (unsigned long long) max_lag, episodes,
            atomic_load (&relay_conns), (unsigned long long) conns_seen, atomic_load (&cuts),
            (unsigned long long) switches, took, timed_out ? " TIMED OUT" : "");

    zmq_close (push);
    zmq_close (pull);
    zmq_ctx_term (ctx);
    close (listen_fd);
    free (seen);
    if (corrupt || dup) return 2;
    if (late_same) return 4;
    if (timed_out) return 5;
    if (late) return 1;
    return 0;
}

/* One scenario in a child process: its exit status. */
static int scenario (const char *mode, const char *count, int immediate)
{
    char *args[] = {(char *) "cut", (char *) mode, (char *) "rst",
                    (char *) "60", (char *) count, (char *) "20000",
                    (char *) "150", NULL};
    fflush (stdout);
    pid_t pid = fork ();
    if (pid == 0) {
        if (immediate)
            setenv ("IMMEDIATE", "1", 1);
        else
            unsetenv ("IMMEDIATE");
        _exit (cut_main (7, args));
    }
    int status = 0;
    waitpid (pid, &status, 0);
    return WIFEXITED (status) ? WEXITSTATUS (status) : 128;
}

int main (int argc, char **argv)
{
    if (argc > 1)
        return cut_main (argc, argv);
    int a = scenario ("pushbind", "1000000", 1);
    int b = scenario ("pullbind", "200000", 0);
    printf ("%s (connecting PULL with IMMEDIATE: %d, binding PULL: %d)\n",
            a == 0 && (b == 0 || b == 1) ? "in order" : "FAILED", a, b);
    return a == 0 && (b == 0 || b == 1) ? 0 : 1;
}
