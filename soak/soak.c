/*
 * soak.c: a bounded-time soak test of a libzmq-compatible library (zmqrs's
 * drop-in libzmq.so.5, or the system's libzmq for comparison). Built and run
 * by soak/run.sh (`make soak`).
 *
 * Knobs (environment):
 *   SOAK_SECONDS   how long to run (600)
 *   SOAK_WARMUP    when the warm-up RSS is taken, in seconds (10% of the run,
 *                  at least 20 s)
 *   SOAK_STUCK     seconds without progress after which a scenario counts
 *                  as stuck, a failure (30)
 *   SOAK_RSS_SLACK allowed RSS growth from warm-up to end, percent (10)
 *   SOAK_TRIM      1 (default): malloc_trim(0) before each RSS sample, so
 *                  that memory already freed but cached by malloc does not
 *                  count; 0: raw VmRSS
 *   SOAK_SEED      seed of the pseudo-random plan (default: from the clock;
 *                  printed at start)
 *   SOAK_ONLY      comma-separated substrings: only scenarios whose name
 *                  ("push/pull tcp", ...) contains one of them
 *   SOAK_IMMEDIATE_RECONNECT  1: also zmq_disconnect + zmq_connect sockets
 *                  that have ZMQ_IMMEDIATE (0 by default: libzmq 4.3.4
 *                  loses messages there, see cycle_restart)
 *   SOAK_ACTIONS   the restarts to use, a list of none, connector, binder,
 *                  reconnect (default: all), to narrow a problem down
 *   SOAK_RSS_EVERY also an RSS sample (same pause point) every so many
 *                  seconds after the warm-up, to see a trend (0: off)
 *   SOAK_DEBUG     1: a line per cycle, restart and socket; 2: also exit
 *                  at once after the end sample (a heap profiler then
 *                  sees as leaked everything live at that point)
 *
 * Scenarios. One per (pattern, transport): PUSH/PULL, REQ/REP, DEALER/ROUTER,
 * PUB/SUB, PAIR and, when the library has the draft API, CLIENT/SERVER, each
 * over inproc, ipc (a fresh temporary directory) and tcp (127.0.0.1, port
 * chosen by the kernel at the first bind). A scenario is two threads sharing
 * one context with all the others: the *driver* owns one socket (PUSH, PUB,
 * the binding PAIR, REQ, DEALER, CLIENT) and runs the cycles; the *passive*
 * side owns the peer socket (PULL, SUB, the connecting PAIR, REP, ROUTER,
 * SERVER), receives or serves, and performs restarts of its own socket when
 * the driver asks for them. They coordinate through a mutex-protected record,
 * never through the sockets under test.
 *
 * A cycle (both threads derive its plan from the seed and the cycle number):
 *   1. sync: the driver sends probes (not counted) until one of this cycle
 *      has crossed: one-way, the receiver reports it; request-reply, the
 *      probe's reply comes back. After that the connection of this cycle
 *      is established end to end (and for PUB/SUB the subscription has
 *      reached the publisher).
 *   2. steady: N numbered messages (one-way) or N requests with up to W in
 *      flight (request-reply). Blocking sends; with a "slow" plan the
 *      receiver or server sleeps now and then, and some sockets have tiny
 *      HWMs (1..32), so the high-water mark is reached and sends block.
 *      The phase ends only when the receiver has every message (or every
 *      reply has come back): a gap here is "lost-steady", a failure.
 *   3. restart window: M more messages/requests sent without waiting, then
 *      immediately one restart: close the connecting socket and open a new
 *      one, close the binding socket and bind a new one to the same
 *      endpoint, zmq_disconnect + zmq_connect, or (rarely) nothing. All
 *      sockets have ZMQ_LINGER 0, so what was in flight may be lost:
 *      "lost-at-restart", allowed.
 *
 * Every message carries a header (scenario, kind, sender incarnation: a new
 * one per socket created, cycle, sequence number, payload length, request
 * it answers) and a checksum over header and payload; payloads are 1 B to
 * 64 KiB, mostly small. The receiving side checks each one:
 *   corrupt  bad checksum, size, magic, kind, scenario, or a reply to a
 *            request never made / made by another incarnation
 *   dup      a sequence number of the same sender incarnation seen before
 *            (a reply received twice counts here too)
 *   reorder  a sequence number lower than one already seen from the same
 *            sender incarnation *in the same cycle*: the messages of one
 *            cycle all travel one connection, and ZeroMQ keeps order per
 *            connection. Across a restart/reconnect the old connection's
 *            leftovers may legitimately arrive after the new one's first
 *            messages (they are fair-queued), so that is not a reorder.
 *
 * Loss rules (what ZeroMQ allows):
 *   - around a restart (the restart-window messages): allowed, counted as
 *     lost-at-restart;
 *   - PUB/SUB: a publisher with a small SNDHWM drops when the subscriber
 *     falls behind ("lost-hwm", allowed, kind LOSSY); a publisher with
 *     SNDHWM 0 never drops, so those cycles are held to the steady rule;
 *     before the subscription reaches the publisher only probes are sent;
 *   - everything else (steady messages of PUSH/PULL, PAIR, and all steady
 *     requests/replies of REQ/REP, DEALER/ROUTER, CLIENT/SERVER): must
 *     arrive, lost-steady must be 0. Request-reply windows are kept at a
 *     quarter of the HWM or less so that a ROUTER/SERVER never has to
 *     drop a reply for a full pipe.
 * REQ sockets are either relaxed + correlated (a lost reply is simply
 * abandoned) or strict, recreated when a reply does not come (the "lazy
 * pirate"); those recreations count as restarts. PAIR does not reconnect
 * (zmq_socket(3)): when a cycle's probes do not reach the connecting PAIR
 * (or an inproc SUB) within a second, it starts over with a new socket
 * ("resync" in the table), as a PAIR application must. A connecting socket
 * with ZMQ_IMMEDIATE is restarted instead of disconnected and connected
 * again, which loses messages in libzmq 4.3.4 (see cycle_restart).
 *
 * RSS: at the warm-up time and at the end every driver parks at the same
 * point of its cycle (right after a steady phase: two sockets per scenario
 * open, connected, queues drained); after half a second of settling (and
 * malloc_trim unless SOAK_TRIM=0) VmRSS is read. End RSS may exceed the
 * warm-up RSS by SOAK_RSS_SLACK percent at most. Like with like: the
 * test's own memory is allocated and touched before the start; message
 * bodies of every size are allocated and freed once before the start, so
 * that a library's free lists of bodies are full from the beginning; and
 * soak/run.sh turns glibc's per-thread caches of freed chunks (tcache) off
 * (GLIBC_TUNABLES=glibc.malloc.tcache_count=0): with ~40 threads they fill
 * for minutes (up to ~240 KiB a thread), malloc_trim cannot empty them,
 * and they made RSS creep by 10% in 70 s with a live heap that did not
 * grow at all (heaptrack), which is not what this check is after. Each
 * sample also shows malloc's bytes in use, the open descriptors and the
 * threads.
 *
 * Anything that does not make progress within SOAK_STUCK seconds (a send
 * that never unblocks, a probe that never arrives, a reply that never
 * comes, a restart that never completes) is a failure of that scenario,
 * which then stops; a watchdog ends the whole program if it hangs anyway.
 * Output: a table per scenario, the RSS line, then "soak: PASS" or
 * "soak: FAIL (reasons)"; exit status 0 only on pass.
 */
#include <zmq.h>

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------------ knobs */

static int opt_seconds = 600;
static int opt_warmup = -1;
static int opt_stuck = 30;
static int opt_rss_slack = 10;
static int opt_trim = 1;
static uint64_t opt_seed;
static const char *opt_only;
static int opt_debug;
static int opt_imm_reconnect;
static int opt_rss_every;
static int opt_actions = 15; /* bit per RS_*: the restarts the plans may pick */

static int env_int(const char *name, int dflt)
{
    const char *v = getenv(name);
    if (v == NULL || *v == '\0')
        return dflt;
    return atoi(v);
}

/* ------------------------------------------------------------ time, rand */

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void sleep_ms(unsigned ms)
{
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static uint64_t t_start;

static double elapsed_s(void)
{
    return (double)(now_ms() - t_start) / 1000.0;
}

static uint64_t mix64(uint64_t x)
{
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

struct rng {
    uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
    r->s += 0x9e3779b97f4a7c15ull;
    return mix64(r->s);
}

static uint32_t rnd_below(struct rng *r, uint32_t n)
{
    return (uint32_t)(rnd(r) % n);
}

/* A condition variable wait of at most ms milliseconds (monotonic clock). */
static void cond_wait_ms(pthread_cond_t *cv, pthread_mutex_t *mu, unsigned ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(cv, mu, &ts);
}

static void cond_init(pthread_cond_t *cv)
{
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(cv, &ca);
    pthread_condattr_destroy(&ca);
}

/* Touch every page of a block so that it is resident from the start (the
 * RSS comparison must not see the test's own first-touch growth). */
static void *alloc_touched(size_t n)
{
    volatile unsigned char *p = malloc(n);
    size_t i;
    if (p == NULL) {
        fprintf(stderr, "soak: out of memory\n");
        exit(2);
    }
    for (i = 0; i < n; i += 1024)
        p[i] = 0;
    memset((void *)p, 0, n);
    return (void *)p;
}

/* --------------------------------------------------------------- messages */

#define MAGIC 0x4b414f53u /* "SOAK" in memory order on little endian */
#define MAX_PAYLOAD 65536u

enum { K_PROBE = 1, K_STEADY, K_LOSSY, K_RW, K_REPLY };

/* Fixed layout, no implicit padding: 56 bytes. */
struct hdr {
    uint32_t magic;
    uint16_t kind;
    uint16_t flags;
    uint32_t scen;    /* scenario index */
    uint32_t inc;     /* incarnation of the sending socket */
    uint32_t cycle;   /* sender's cycle (request's cycle for a reply) */
    uint32_t len;     /* payload length */
    uint64_t seq;     /* sequence number within the incarnation */
    uint32_t req_inc; /* reply: incarnation that sent the request */
    uint32_t req_sum; /* reply: the request's checksum */
    uint64_t req_seq; /* reply: the request's sequence number */
    uint32_t sum;     /* checksum of header (sum = 0) and payload */
    uint32_t pad;
};
typedef char hdr_size_is_56[(sizeof(struct hdr) == 56) ? 1 : -1];

#define HSEED 0xcbf29ce484222325ull

static uint64_t hash_update(uint64_t h, const unsigned char *p, size_t n)
{
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0x100000001b3ull;
        h ^= h >> 29;
        p += 8;
        n -= 8;
    }
    while (n > 0) {
        h = (h ^ *p++) * 0x100000001b3ull;
        n--;
    }
    return h;
}

static uint32_t fold(uint64_t h)
{
    h = mix64(h);
    return (uint32_t)(h ^ (h >> 32));
}

static void fill_payload(unsigned char *p, size_t n, uint64_t seed)
{
    uint64_t x = seed | 1u;
    while (n >= 8) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        memcpy(p, &x, 8);
        p += 8;
        n -= 8;
    }
    if (n > 0) {
        x ^= x << 13;
        memcpy(p, &x, n);
    }
}

/* Mostly small, sometimes up to 64 KiB. */
static uint32_t pick_len(struct rng *r)
{
    uint32_t x = rnd_below(r, 100);
    if (x < 60)
        return 1 + rnd_below(r, 64);
    if (x < 85)
        return 65 + rnd_below(r, 960);
    if (x < 97)
        return 1025 + rnd_below(r, 15360);
    return 16385 + rnd_below(r, MAX_PAYLOAD - 16384);
}

/* Builds a message from *h (its magic, len and sum are filled in here). */
static int make_msg(zmq_msg_t *m, struct hdr *h, struct rng *r)
{
    unsigned char *p;
    uint64_t hh;
    uint32_t len = pick_len(r);
    h->magic = MAGIC;
    h->len = len;
    h->flags = 0;
    h->pad = 0;
    h->sum = 0;
    if (zmq_msg_init_size(m, sizeof *h + len) != 0)
        return -1;
    p = zmq_msg_data(m);
    fill_payload(p + sizeof *h, len, rnd(r));
    hh = hash_update(HSEED, (const unsigned char *)h, sizeof *h);
    hh = hash_update(hh, p + sizeof *h, len);
    h->sum = fold(hh);
    memcpy(p, h, sizeof *h);
    return 0;
}

/* 0: intact; -1: corrupt (size, magic, kind or checksum). */
static int parse_msg(zmq_msg_t *m, struct hdr *h)
{
    size_t n = zmq_msg_size(m);
    const unsigned char *p = zmq_msg_data(m);
    struct hdr z;
    uint64_t hh;
    if (n < sizeof *h)
        return -1;
    memcpy(h, p, sizeof *h);
    if (h->magic != MAGIC || h->len != n - sizeof *h || h->kind < K_PROBE || h->kind > K_REPLY)
        return -1;
    z = *h;
    z.sum = 0;
    hh = hash_update(HSEED, (const unsigned char *)&z, sizeof z);
    hh = hash_update(hh, p + sizeof z, h->len);
    return fold(hh) == h->sum ? 0 : -1;
}

/* --------------------------------------------------- sequence checking */

/* Per sender incarnation: a sliding bitmap of the last WIN_BITS sequence
 * numbers (duplicates) and the last sequence number per recent cycle
 * (order within one cycle = within one connection). */
#define WIN_BITS 65536u
#define NREC 6
#define NCYC 8

struct srec {
    int used;
    uint32_t inc;
    uint64_t max;
    uint64_t lru;
    uint32_t cyc[NCYC];
    uint64_t last[NCYC];
    uint64_t bits[WIN_BITS / 64];
};

struct checker {
    uint64_t tick;
    struct srec r[NREC];
};

enum { CK_OK, CK_DUP, CK_REORDER };

static void bit_set(struct srec *r, uint64_t s)
{
    r->bits[(s % WIN_BITS) / 64] |= 1ull << (s % 64);
}

static void bit_clear(struct srec *r, uint64_t s)
{
    r->bits[(s % WIN_BITS) / 64] &= ~(1ull << (s % 64));
}

static int bit_test(const struct srec *r, uint64_t s)
{
    return (r->bits[(s % WIN_BITS) / 64] >> (s % 64)) & 1u;
}

static int check_seq(struct checker *ck, uint32_t inc, uint32_t cycle, uint64_t seq)
{
    struct srec *r = NULL, *victim = NULL;
    int i, res = CK_OK, slot = -1;
    for (i = 0; i < NREC; i++) {
        struct srec *x = &ck->r[i];
        if (x->used && x->inc == inc) {
            r = x;
            break;
        }
        if (victim == NULL || !x->used || (victim->used && x->lru < victim->lru))
            victim = x;
    }
    if (r == NULL) {
        r = victim;
        memset(r, 0, sizeof *r);
        r->used = 1;
        r->inc = inc;
    }
    r->lru = ++ck->tick;
    if (seq > r->max) {
        if (seq - r->max >= WIN_BITS) {
            memset(r->bits, 0, sizeof r->bits);
        } else {
            uint64_t s;
            for (s = r->max + 1; s < seq; s++)
                bit_clear(r, s);
        }
        r->max = seq;
    } else if (r->max - seq >= WIN_BITS) {
        return CK_REORDER; /* far too old to be anything but out of order */
    } else if (bit_test(r, seq)) {
        return CK_DUP;
    }
    bit_set(r, seq);
    for (i = 0; i < NCYC; i++) {
        if (r->cyc[i] == cycle) {
            slot = i;
            break;
        }
    }
    if (slot >= 0) {
        if (seq <= r->last[slot])
            res = CK_REORDER;
        else
            r->last[slot] = seq;
    } else {
        int old = 0;
        for (i = 1; i < NCYC; i++)
            if (r->cyc[i] < r->cyc[old])
                old = i;
        if (r->cyc[old] < cycle) { /* else: a cycle older than all tracked */
            r->cyc[old] = cycle;
            r->last[old] = seq;
        }
    }
    return res;
}

/* -------------------------------------------------------------- scenarios */

enum { PAT_PUSHPULL, PAT_REQREP, PAT_DEALERROUTER, PAT_PUBSUB, PAT_PAIR, PAT_CLIENTSERVER, PAT_N };
enum { TR_INPROC, TR_IPC, TR_TCP, TR_N };
static const char *const tr_name[TR_N] = {"inproc", "ipc", "tcp"};

struct patinfo {
    const char *name;
    int dtype;        /* the driver's socket type */
    int ptype;        /* the passive side's socket type */
    int driver_binds; /* else the passive side binds */
    int rr;           /* request-reply (else one-way) */
    int draft;
};

#ifdef ZMQ_CLIENT
#define T_CLIENT ZMQ_CLIENT
#define T_SERVER ZMQ_SERVER
#else
#define T_CLIENT (-1)
#define T_SERVER (-2)
#endif

static const struct patinfo pats[PAT_N] = {
    {"push/pull", ZMQ_PUSH, ZMQ_PULL, 0, 0, 0},
    {"req/rep", ZMQ_REQ, ZMQ_REP, 0, 1, 0},
    {"dealer/router", ZMQ_DEALER, ZMQ_ROUTER, 0, 1, 0},
    {"pub/sub", ZMQ_PUB, ZMQ_SUB, 1, 0, 0},
    {"pair", ZMQ_PAIR, ZMQ_PAIR, 1, 0, 0},
    {"client/server", T_CLIENT, T_SERVER, 0, 1, 1},
};

enum { RS_NONE, RS_CONNECTOR, RS_BINDER, RS_RECONNECT };
static const char *const rs_name[] = {"none", "connector restart", "binder restart", "reconnect"};
enum { PH_START, PH_SYNC, PH_STEADY, PH_RW, PH_RESTART };
static const char *const ph_name[] = {"start", "sync", "steady", "restart-window", "restart"};

struct plan {
    uint32_t n;      /* steady messages / requests */
    uint32_t m;      /* restart-window messages / requests */
    uint32_t window; /* request-reply: requests in flight */
    int slow;        /* receiver / server sleeps now and then */
    int action;      /* RS_* */
};

struct scen {
    int idx;
    int pat, tr;
    const struct patinfo *pi;
    char name[40];
    pthread_t drv_thread, pas_thread;
    int started;
    pthread_mutex_t mu;
    pthread_cond_t cv;

    /* control, under mu */
    int stop;         /* the passive side must finish */
    int passive_done;
    int driver_done;
    uint32_t cycle;
    int phase;
    uint32_t cur_n;
    int cur_lossy;
    int slow;
    uint32_t synced;      /* one-way: last cycle whose probe arrived */
    uint32_t steady_sent; /* one-way: cycle whose steady messages are all sent */
    uint32_t steady_ok;   /* one-way: cycle whose steady phase the receiver closed */
    uint32_t steady_got;
    uint32_t restart_req; /* cycle whose restart the passive side must do */
    int restart_kind;
    uint32_t restart_done;
    char ep[256]; /* the endpoint the binder is bound to */
    uint32_t ep_gen;
    uint32_t fallback_n;

    /* statistics, under mu */
    uint64_t cycles, restarts, pirates, resyncs, fallbacks;
    uint64_t sent_steady, sent_lossy, sent_rw;
    uint64_t recv_steady, recv_lossy, recv_rw;
    uint64_t dup, reorder, corrupt, dropped, served;
    int nfail;
    char fail[240];
    int nreports; /* per-message anomaly lines printed */

    /* under g.mu */
    unsigned paused_gen;
    int running;

    struct checker *chk_drv, *chk_pas;
};

#define MAX_SCEN (PAT_N * TR_N)
static struct scen scens[MAX_SCEN];
static int nscen;
static void *g_ctx;
static char g_tmpdir[64];
static int g_draft;

static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int running; /* drivers still cycling */
    int pause_req;
    int stop;
    unsigned pause_gen;
    int paused;
    uint32_t next_inc;
    int finished; /* main is done: the watchdog stands down */
} g;

static void lock(struct scen *sc)
{
    pthread_mutex_lock(&sc->mu);
}

static void unlock(struct scen *sc)
{
    pthread_mutex_unlock(&sc->mu);
}

static void add(struct scen *sc, uint64_t *field, uint64_t n)
{
    lock(sc);
    *field += n;
    unlock(sc);
}

static int global_stop(void)
{
    int s;
    pthread_mutex_lock(&g.mu);
    s = g.stop;
    pthread_mutex_unlock(&g.mu);
    return s;
}

static uint32_t next_inc(void)
{
    uint32_t v;
    pthread_mutex_lock(&g.mu);
    v = ++g.next_inc;
    pthread_mutex_unlock(&g.mu);
    return v;
}

/* A failure of the scenario: kept (the first one is shown in the table)
 * and printed at once. */
static void scen_fail(struct scen *sc, const char *fmt, ...)
{
    char buf[240];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    lock(sc);
    sc->nfail++;
    if (sc->fail[0] == '\0')
        snprintf(sc->fail, sizeof sc->fail, "%s", buf);
    unlock(sc);
    printf("soak: [%6.1f s] FAIL %s: %s\n", elapsed_s(), sc->name, buf);
    fflush(stdout);
}

/* A per-message anomaly (dup, reorder, corrupt): counted by the caller,
 * and the first few are described. */
static void anomaly(struct scen *sc, const char *fmt, ...)
{
    char buf[240];
    int n;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    lock(sc);
    n = ++sc->nreports;
    if (sc->fail[0] == '\0')
        snprintf(sc->fail, sizeof sc->fail, "%s", buf);
    unlock(sc);
    if (n <= 5) {
        printf("soak: [%6.1f s] %s: %s\n", elapsed_s(), sc->name, buf);
        fflush(stdout);
    }
}

static void dbg(struct scen *sc, const char *fmt, ...)
{
    char buf[240];
    va_list ap;
    if (!opt_debug)
        return;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    printf("soak: [%6.1f s] %s: %s\n", elapsed_s(), sc->name, buf);
    fflush(stdout);
}

static struct plan make_plan(const struct scen *sc, uint32_t c)
{
    struct plan p;
    struct rng r;
    uint32_t a;
    r.s = mix64(opt_seed ^ ((uint64_t)sc->idx << 40) ^ ((uint64_t)c * 0x2545f4914f6cdd1dull));
    if (sc->pi->rr) {
        p.n = 20 + rnd_below(&r, 200);
        p.window = sc->pat == PAT_REQREP ? 1 : 1 + rnd_below(&r, 8);
        p.m = sc->pat == PAT_REQREP ? rnd_below(&r, 2) : rnd_below(&r, 9);
    } else {
        p.n = 100 + rnd_below(&r, 900);
        p.window = 0;
        p.m = rnd_below(&r, 33);
    }
    p.slow = rnd_below(&r, 100) < 30;
    a = rnd_below(&r, 100);
    p.action = a < 5 ? RS_NONE : a < 40 ? RS_CONNECTOR : a < 70 ? RS_BINDER : RS_RECONNECT;
    while (!(opt_actions & (1 << p.action)))
        p.action = (p.action + 1) % 4;
    return p;
}

/* ------------------------------------------------------------------ sides */

#define OUT_MAX 64
#define EV_MAX 256

struct outreq {
    uint64_t seq;
    uint32_t sum;
    uint32_t cycle;
    int kind;
};

struct side {
    struct scen *sc;
    int is_driver;
    int binds;
    int type;
    void *s;
    uint32_t inc;
    uint64_t seq;  /* last sequence number sent */
    uint64_t rseq; /* server: last reply number */
    struct rng rng;
    char ep[256]; /* connector: the endpoint it is connected to */
    uint32_t ep_gen;
    int lossy;      /* PUB with a small SNDHWM */
    int immediate;  /* ZMQ_IMMEDIATE set */
    int strict_req; /* REQ without REQ_RELAXED: lazy pirate */
    int req_waiting;
    int threadsafe;
    struct checker *chk;
    /* request-reply driver: requests awaiting a reply; ev: requests of
     * earlier cycles, a late reply to which is still fine */
    struct outreq out[OUT_MAX];
    int nout;
    struct outreq ev[EV_MAX];
    int ev_pos;
};

static int setopt_int(struct side *sd, int opt, int v, const char *what)
{
    if (zmq_setsockopt(sd->s, opt, &v, sizeof v) != 0) {
        scen_fail(sd->sc, "zmq_setsockopt(%s): %s", what, zmq_strerror(zmq_errno()));
        return -1;
    }
    return 0;
}

static void publish_ep(struct scen *sc, const char *ep)
{
    lock(sc);
    snprintf(sc->ep, sizeof sc->ep, "%s", ep);
    sc->ep_gen++;
    pthread_cond_broadcast(&sc->cv);
    unlock(sc);
}

static void first_endpoint(struct scen *sc, char *ep, size_t n, uint32_t k)
{
    const char *pn = sc->pi->name;
    char tag[24];
    size_t i;
    for (i = 0; pn[i] != '\0' && i + 1 < sizeof tag; i++)
        tag[i] = pn[i] == '/' ? '-' : pn[i];
    tag[i] = '\0';
    switch (sc->tr) {
    case TR_INPROC:
        if (k == 0)
            snprintf(ep, n, "inproc://soak-%s", tag);
        else
            snprintf(ep, n, "inproc://soak-%s-%u", tag, (unsigned)k);
        break;
    case TR_IPC:
        if (k == 0)
            snprintf(ep, n, "ipc://%s/%s.sock", g_tmpdir, tag);
        else
            snprintf(ep, n, "ipc://%s/%s-%u.sock", g_tmpdir, tag, (unsigned)k);
        break;
    default:
        snprintf(ep, n, "tcp://127.0.0.1:*");
        break;
    }
}

/* Binds a fresh endpoint (the first bind, or the fallback when the old one
 * cannot be bound again) and publishes it. */
static int bind_fresh(struct side *sd, uint32_t k)
{
    struct scen *sc = sd->sc;
    char ep[256];
    first_endpoint(sc, ep, sizeof ep, k);
    if (zmq_bind(sd->s, ep) != 0) {
        scen_fail(sc, "zmq_bind(%s): %s", ep, zmq_strerror(zmq_errno()));
        return -1;
    }
    if (sc->tr == TR_TCP) {
        size_t len = sizeof ep;
        if (zmq_getsockopt(sd->s, ZMQ_LAST_ENDPOINT, ep, &len) != 0) {
            scen_fail(sc, "ZMQ_LAST_ENDPOINT: %s", zmq_strerror(zmq_errno()));
            return -1;
        }
    }
    publish_ep(sc, ep);
    return 0;
}

/* The binder comes back on the endpoint it had. The old socket's listener
 * is closed asynchronously, so EADDRINUSE is retried for 3 s; after that
 * (the port taken meanwhile, say) a fresh endpoint is bound and the
 * connecting side follows it. An inproc connection does not reconnect by
 * itself: the new generation tells the connector to connect again. */
static int bind_again(struct side *sd)
{
    struct scen *sc = sd->sc;
    char ep[256];
    uint64_t deadline = now_ms() + 3000;
    uint32_t k;
    lock(sc);
    snprintf(ep, sizeof ep, "%s", sc->ep);
    unlock(sc);
    for (;;) {
        if (zmq_bind(sd->s, ep) == 0) {
            if (sc->tr == TR_INPROC)
                publish_ep(sc, ep);
            return 0;
        }
        if (zmq_errno() != EADDRINUSE) {
            scen_fail(sc, "rebind %s: %s", ep, zmq_strerror(zmq_errno()));
            return -1;
        }
        if (now_ms() >= deadline)
            break;
        sleep_ms(10);
    }
    lock(sc);
    k = ++sc->fallback_n;
    sc->fallbacks++;
    unlock(sc);
    printf("soak: [%6.1f s] %s: note: %s still in use after 3 s, binding a fresh endpoint\n",
           elapsed_s(), sc->name, ep);
    fflush(stdout);
    return bind_fresh(sd, k);
}

static int connect_current(struct side *sd)
{
    struct scen *sc = sd->sc;
    uint64_t deadline = now_ms() + (uint64_t)opt_stuck * 1000u;
    lock(sc);
    while (sc->ep_gen == 0 && !sc->stop && !sc->passive_done && now_ms() < deadline)
        cond_wait_ms(&sc->cv, &sc->mu, 100);
    snprintf(sd->ep, sizeof sd->ep, "%s", sc->ep);
    sd->ep_gen = sc->ep_gen;
    unlock(sc);
    if (sd->ep_gen == 0)
        return -1;
    if (zmq_connect(sd->s, sd->ep) != 0) {
        scen_fail(sc, "zmq_connect(%s): %s", sd->ep, zmq_strerror(zmq_errno()));
        return -1;
    }
    return 0;
}

/* zmq_disconnect from the current endpoint, zmq_connect to the newest. The
 * disconnect may find nothing to end (ENOENT): an inproc peer that was
 * closed took its pipe with it. */
static int reconnect(struct side *sd)
{
    if (zmq_disconnect(sd->s, sd->ep) != 0 && zmq_errno() != ENOENT) {
        scen_fail(sd->sc, "zmq_disconnect(%s): %s", sd->ep, zmq_strerror(zmq_errno()));
        return -1;
    }
    return connect_current(sd);
}

/* Connector: follow the binder to a new endpoint (or, inproc, to its new
 * socket). */
static int check_ep(struct side *sd)
{
    struct scen *sc = sd->sc;
    int changed;
    lock(sc);
    changed = sc->ep_gen != sd->ep_gen;
    unlock(sc);
    return changed ? reconnect(sd) : 0;
}

/* Creates the side's socket with this incarnation's options, then binds or
 * connects. */
static int side_open(struct side *sd, int first)
{
    struct scen *sc = sd->sc;
    struct rng *r = &sd->rng;
    int t = sd->type;
    sd->s = zmq_socket(g_ctx, t);
    if (sd->s == NULL) {
        scen_fail(sc, "zmq_socket: %s", zmq_strerror(zmq_errno()));
        return -1;
    }
    sd->inc = next_inc();
    sd->seq = 0;
    sd->rseq = 0;
    sd->req_waiting = 0;
    sd->lossy = 0;
    sd->strict_req = 0;
    sd->immediate = 0;
    if (setopt_int(sd, ZMQ_LINGER, 0, "LINGER") || setopt_int(sd, ZMQ_RCVTIMEO, 20, "RCVTIMEO") ||
        setopt_int(sd, ZMQ_SNDTIMEO, 1000, "SNDTIMEO") ||
        setopt_int(sd, ZMQ_RECONNECT_IVL, 20 + (int)rnd_below(r, 81), "RECONNECT_IVL"))
        return -1;
    if (sc->pi->rr) {
        /* windows are at most 8: a HWM of 32 is never reached, even
         * counting what the writer has not yet heard was read */
        if (rnd_below(r, 4) == 0 &&
            (setopt_int(sd, ZMQ_SNDHWM, 32, "SNDHWM") || setopt_int(sd, ZMQ_RCVHWM, 32, "RCVHWM")))
            return -1;
    } else if (t == ZMQ_PUB) {
        /* lossy: a small SNDHWM drops for a slow subscriber; otherwise
         * SNDHWM 0 (no limit): nothing may be dropped */
        sd->lossy = rnd_below(r, 10) < 3;
        if (setopt_int(sd, ZMQ_SNDHWM, sd->lossy ? 1 + (int)rnd_below(r, 32) : 0, "SNDHWM"))
            return -1;
    } else if (rnd_below(r, 4) == 0) {
        int hwm = 1 + (int)rnd_below(r, 32);
        dbg(sc, "%s socket: HWM %d", sd->is_driver ? "driver" : "passive", hwm);
        if (setopt_int(sd, ZMQ_SNDHWM, hwm, "SNDHWM") || setopt_int(sd, ZMQ_RCVHWM, hwm, "RCVHWM"))
            return -1;
    }
    if (t == ZMQ_SUB) {
        uint32_t magic = MAGIC;
        if (zmq_setsockopt(sd->s, ZMQ_SUBSCRIBE, &magic, 4) != 0 ||
            zmq_setsockopt(sd->s, ZMQ_SUBSCRIBE, "zz", 2) != 0) {
            scen_fail(sc, "ZMQ_SUBSCRIBE: %s", zmq_strerror(zmq_errno()));
            return -1;
        }
    }
    if (t == ZMQ_REQ) {
        sd->strict_req = rnd_below(r, 2) == 0;
        if (!sd->strict_req &&
            (setopt_int(sd, ZMQ_REQ_RELAXED, 1, "REQ_RELAXED") ||
             setopt_int(sd, ZMQ_REQ_CORRELATE, 1, "REQ_CORRELATE")))
            return -1;
    }
    if (t == ZMQ_ROUTER && setopt_int(sd, ZMQ_ROUTER_MANDATORY, 1, "ROUTER_MANDATORY"))
        return -1;
    if (!sd->binds && (t == ZMQ_PUSH || t == ZMQ_REQ || t == ZMQ_DEALER || t == T_CLIENT) &&
        rnd_below(r, 4) == 0) {
        sd->immediate = 1;
        if (setopt_int(sd, ZMQ_IMMEDIATE, 1, "IMMEDIATE"))
            return -1;
    }
    dbg(sc, "%s socket, incarnation %u%s%s%s%s", sd->is_driver ? "driver" : "passive", (unsigned)sd->inc,
        sd->lossy ? ", lossy" : "", sd->strict_req ? ", strict" : "", sd->immediate ? ", immediate" : "",
        first ? ", first" : "");
    if (sd->binds)
        return first ? bind_fresh(sd, 0) : bind_again(sd);
    return connect_current(sd);
}

static void side_close(struct side *sd)
{
    if (sd->s != NULL) {
        zmq_close(sd->s);
        sd->s = NULL;
    }
}

static void rr_clear(struct side *sd)
{
    sd->nout = 0;
    memset(sd->ev, 0, sizeof sd->ev);
    sd->ev_pos = 0;
}

/* Close the socket (linger 0) and open a new incarnation. */
static int side_restart(struct side *sd)
{
    side_close(sd);
    rr_clear(sd);
    if (side_open(sd, 0) != 0)
        return -1;
    add(sd->sc, &sd->sc->restarts, 1);
    return 0;
}

static int do_restart_own(struct side *sd, int kind)
{
    if (kind == RS_RECONNECT) {
        if (reconnect(sd) != 0)
            return -1;
        add(sd->sc, &sd->sc->restarts, 1);
        return 0;
    }
    return side_restart(sd);
}

static void side_init(struct side *sd, struct scen *sc, int driver)
{
    memset(sd, 0, sizeof *sd);
    sd->sc = sc;
    sd->is_driver = driver;
    sd->binds = driver ? sc->pi->driver_binds : !sc->pi->driver_binds;
    sd->type = driver ? sc->pi->dtype : sc->pi->ptype;
    sd->rng.s = mix64(opt_seed ^ (uint64_t)(sc->idx * 2 + driver) * 0x9e3779b97f4a7c15ull);
    sd->threadsafe = sc->pat == PAT_CLIENTSERVER;
    sd->chk = driver ? sc->chk_drv : sc->chk_pas;
}

/* The driver's pause point (after a steady phase): parks while main takes
 * an RSS sample. Returns 1 when the run is over. */
static int pause_point(struct scen *sc)
{
    int stop;
    pthread_mutex_lock(&g.mu);
    if (g.pause_req && sc->paused_gen != g.pause_gen) {
        sc->paused_gen = g.pause_gen;
        g.paused++;
        pthread_cond_broadcast(&g.cv);
        while (g.pause_req && !g.stop)
            pthread_cond_wait(&g.cv, &g.mu);
    }
    stop = g.stop;
    pthread_mutex_unlock(&g.mu);
    return stop;
}

enum { CY_OK, CY_FAIL, CY_STOP };

/* The driver hands a restart of the peer's socket to the passive side. */
static int restart_peer(struct side *sd, uint32_t c, int kind)
{
    struct scen *sc = sd->sc;
    uint64_t deadline = now_ms() + (uint64_t)opt_stuck * 1000u;
    int done;
    lock(sc);
    sc->restart_kind = kind;
    sc->restart_req = c;
    pthread_cond_broadcast(&sc->cv);
    while (sc->restart_done < c && !sc->passive_done && now_ms() < deadline)
        cond_wait_ms(&sc->cv, &sc->mu, 100);
    done = sc->restart_done >= c;
    unlock(sc);
    if (!done) {
        scen_fail(sc, "cycle %u: the peer's %s did not complete within %d s", (unsigned)c,
                  rs_name[kind], opt_stuck);
        return -1;
    }
    return 0;
}

/* The end of a cycle: the plan's restart.
 *
 * A connecting socket with ZMQ_IMMEDIATE (only drivers have it here) is
 * restarted instead of disconnected and connected again, unless
 * SOAK_IMMEDIATE_RECONNECT=1: libzmq 4.3.4 (Debian's, and the same source
 * built with drafts) loses messages there. A PUSH or DEALER with
 * ZMQ_IMMEDIATE that still has messages queued when it calls zmq_disconnect
 * and then zmq_connect to the same endpoint delivers the first message
 * after the reconnection and silently drops every later one, on a live
 * connection; with a pause of 200 ms between the two calls, or with
 * nothing queued, it does not happen. That is a libzmq bug, not a ZeroMQ
 * guarantee, so the default keeps it out of the way of a comparison run;
 * zmqrs passes with the knob on. */
static int cycle_restart(struct side *sd, uint32_t c, const struct plan *p)
{
    int own, action = p->action;
    lock(sd->sc);
    sd->sc->phase = PH_RESTART;
    unlock(sd->sc);
    if (action == RS_RECONNECT && sd->immediate && !sd->binds && !opt_imm_reconnect)
        action = RS_CONNECTOR;
    own = (action == RS_BINDER) == (sd->binds != 0);
    dbg(sd->sc, "cycle %u: %s (%s side)", (unsigned)c, rs_name[action], own ? "driver" : "passive");
    if (action == RS_NONE)
        return CY_OK;
    if (own)
        return do_restart_own(sd, action) == 0 ? CY_OK : CY_FAIL;
    return restart_peer(sd, c, action) == 0 ? CY_OK : CY_FAIL;
}

static void set_phase(struct scen *sc, int ph)
{
    lock(sc);
    sc->phase = ph;
    pthread_cond_broadcast(&sc->cv);
    unlock(sc);
}

/* ------------------------------------------------------- one-way driver */

static int ow_send(struct side *sd, int kind, uint32_t c, int flags, uint64_t *progress)
{
    struct hdr h;
    zmq_msg_t m;
    memset(&h, 0, sizeof h);
    h.kind = (uint16_t)kind;
    h.scen = (uint32_t)sd->sc->idx;
    h.inc = sd->inc;
    h.cycle = c;
    h.seq = kind == K_PROBE ? 0 : sd->seq + 1;
    if (make_msg(&m, &h, &sd->rng) != 0) {
        scen_fail(sd->sc, "zmq_msg_init_size: %s", zmq_strerror(zmq_errno()));
        return -1;
    }
    for (;;) {
        int e;
        if (zmq_msg_send(&m, sd->s, flags) >= 0)
            break;
        e = zmq_errno();
        if (e == EINTR)
            continue;
        if (e == EAGAIN && !(flags & ZMQ_DONTWAIT)) {
            /* blocked at the HWM for SNDTIMEO: fine unless it lasts */
            if (global_stop()) {
                zmq_msg_close(&m);
                return 2;
            }
            if (now_ms() - *progress > (uint64_t)opt_stuck * 1000u) {
                zmq_msg_close(&m);
                scen_fail(sd->sc, "cycle %u: a send stayed blocked for %d s", (unsigned)c, opt_stuck);
                return -1;
            }
            continue;
        }
        zmq_msg_close(&m);
        if (e == EAGAIN)
            return 1;
        scen_fail(sd->sc, "zmq_msg_send: %s", zmq_strerror(e));
        return -1;
    }
    *progress = now_ms();
    if (kind != K_PROBE)
        sd->seq++;
    return 0;
}

static int ow_cycle(struct side *sd, uint32_t c, const struct plan *p)
{
    struct scen *sc = sd->sc;
    uint64_t progress = now_ms(), deadline = progress + (uint64_t)opt_stuck * 1000u;
    int kind = sd->lossy ? K_LOSSY : K_STEADY, ok;
    uint32_t i, got;

    /* sync: probes until one of this cycle has arrived */
    for (;;) {
        int synced;
        zmq_pollitem_t it;
        if (ow_send(sd, K_PROBE, c, ZMQ_DONTWAIT, &progress) < 0)
            return CY_FAIL;
        /* A PAIR that only sends learns that its peer has gone only when
         * it looks at its input (libzmq ends the pipe when the reader
         * meets the peer's delimiter); until then it refuses the new
         * peer. Polling for input lets it notice. */
        it.socket = sd->s;
        it.fd = 0;
        it.events = ZMQ_POLLIN;
        it.revents = 0;
        if (zmq_poll(&it, 1, 0) < 0 && zmq_errno() != EINTR) {
            scen_fail(sc, "zmq_poll: %s", zmq_strerror(zmq_errno()));
            return CY_FAIL;
        }
        lock(sc);
        if (sc->synced < c)
            cond_wait_ms(&sc->cv, &sc->mu, 20);
        synced = sc->synced >= c;
        unlock(sc);
        if (synced)
            break;
        if (global_stop())
            return CY_STOP;
        if (now_ms() > deadline) {
            scen_fail(sc, "cycle %u: no probe reached the receiver within %d s", (unsigned)c, opt_stuck);
            return CY_FAIL;
        }
    }

    /* steady: every message must arrive (lossy publisher excepted) */
    set_phase(sc, PH_STEADY);
    progress = now_ms();
    for (i = 0; i < p->n; i++) {
        int rc = ow_send(sd, kind, c, 0, &progress);
        if (rc < 0)
            return CY_FAIL;
        if (rc == 2)
            return CY_STOP;
        add(sc, kind == K_LOSSY ? &sc->sent_lossy : &sc->sent_steady, 1);
    }
    lock(sc);
    sc->steady_sent = c;
    pthread_cond_broadcast(&sc->cv);
    deadline = now_ms() + (uint64_t)opt_stuck * 1000u;
    while (sc->steady_ok < c && !sc->passive_done && now_ms() < deadline) {
        unlock(sc);
        if (global_stop())
            return CY_STOP;
        lock(sc);
        cond_wait_ms(&sc->cv, &sc->mu, 100);
    }
    ok = sc->steady_ok >= c;
    got = sc->steady_got;
    unlock(sc);
    if (!ok) {
        scen_fail(sc, "cycle %u: the receiver has %u of the %u steady messages after %d s",
                  (unsigned)c, (unsigned)got, (unsigned)p->n, opt_stuck);
        return CY_FAIL;
    }
    if (pause_point(sc))
        return CY_STOP;

    /* restart window: sent without waiting, then the restart */
    set_phase(sc, PH_RW);
    for (i = 0; i < p->m; i++) {
        int rc = ow_send(sd, K_RW, c, ZMQ_DONTWAIT, &progress);
        if (rc < 0)
            return CY_FAIL;
        if (rc != 0)
            break;
        add(sc, &sc->sent_rw, 1);
    }
    return cycle_restart(sd, c, p);
}

/* ------------------------------------------------ request-reply driver */

static void ev_put(struct side *sd, const struct outreq *o)
{
    sd->ev[sd->ev_pos] = *o;
    sd->ev_pos = (sd->ev_pos + 1) % EV_MAX;
}

static void out_add(struct side *sd, uint64_t seq, uint32_t sum, uint32_t c, int kind)
{
    struct outreq *o;
    if (sd->nout == OUT_MAX) { /* oldest (a probe, in practice) to the late list */
        ev_put(sd, &sd->out[0]);
        memmove(&sd->out[0], &sd->out[1], (OUT_MAX - 1) * sizeof sd->out[0]);
        sd->nout--;
    }
    o = &sd->out[sd->nout++];
    o->seq = seq;
    o->sum = sum;
    o->cycle = c;
    o->kind = kind;
}

/* Moves the requests still unanswered from earlier cycles to the late
 * list: they were sent before a restart, a reply may or may not come. */
static void out_age(struct side *sd)
{
    int i;
    for (i = 0; i < sd->nout; i++)
        ev_put(sd, &sd->out[i]);
    sd->nout = 0;
}

/* 0 sent, 1 would block, 2 EFSM (REQ state), -1 failure */
static int rr_send(struct side *sd, int kind, uint32_t c)
{
    struct scen *sc = sd->sc;
    struct hdr h;
    zmq_msg_t m;
    memset(&h, 0, sizeof h);
    h.kind = (uint16_t)kind;
    h.scen = (uint32_t)sc->idx;
    h.inc = sd->inc;
    h.cycle = c;
    h.seq = sd->seq + 1;
    if (make_msg(&m, &h, &sd->rng) != 0) {
        scen_fail(sc, "zmq_msg_init_size: %s", zmq_strerror(zmq_errno()));
        return -1;
    }
    for (;;) {
        int e;
        if (zmq_msg_send(&m, sd->s, ZMQ_DONTWAIT) >= 0)
            break;
        e = zmq_errno();
        if (e == EINTR)
            continue;
        zmq_msg_close(&m);
        if (e == EAGAIN)
            return 1;
        if (e == EFSM)
            return 2;
        scen_fail(sc, "zmq_msg_send: %s", zmq_strerror(e));
        return -1;
    }
    sd->seq++;
    out_add(sd, h.seq, h.sum, c, kind);
    if (sd->strict_req)
        sd->req_waiting = 1;
    if (kind == K_STEADY)
        add(sc, &sc->sent_steady, 1);
    else if (kind == K_RW)
        add(sc, &sc->sent_rw, 1);
    return 0;
}

/* Checks a reply against the requests made. Returns 1 and the request's
 * kind and cycle when it answers one, else 0. */
static int rr_match(struct side *sd, zmq_msg_t *m, int *kind, uint32_t *cyc)
{
    struct scen *sc = sd->sc;
    struct hdr h;
    int i, ck;
    if (parse_msg(m, &h) != 0 || h.kind != K_REPLY || h.scen != (uint32_t)sc->idx) {
        add(sc, &sc->corrupt, 1);
        anomaly(sc, "corrupt reply (%u bytes)", (unsigned)zmq_msg_size(m));
        return 0;
    }
    ck = check_seq(sd->chk, h.inc, h.cycle, h.seq);
    if (ck == CK_DUP) {
        add(sc, &sc->dup, 1);
        anomaly(sc, "duplicate reply %" PRIu64 " of server incarnation %u", h.seq, (unsigned)h.inc);
        return 0;
    }
    if (ck == CK_REORDER) {
        add(sc, &sc->reorder, 1);
        anomaly(sc, "reply %" PRIu64 " of server incarnation %u (cycle %u) out of order", h.seq,
                (unsigned)h.inc, (unsigned)h.cycle);
    }
    if (h.req_inc != sd->inc) {
        add(sc, &sc->corrupt, 1);
        anomaly(sc, "reply for incarnation %u arrived at incarnation %u", (unsigned)h.req_inc,
                (unsigned)sd->inc);
        return 0;
    }
    for (i = 0; i < sd->nout; i++) {
        if (sd->out[i].seq == h.req_seq)
            break;
    }
    if (i < sd->nout) {
        struct outreq o = sd->out[i];
        memmove(&sd->out[i], &sd->out[i + 1], (size_t)(sd->nout - i - 1) * sizeof sd->out[0]);
        sd->nout--;
        if (o.sum != h.req_sum) {
            add(sc, &sc->corrupt, 1);
            anomaly(sc, "reply to request %" PRIu64 " carries another request's checksum", h.req_seq);
            return 0;
        }
        *kind = o.kind;
        *cyc = o.cycle;
    } else {
        for (i = 0; i < EV_MAX; i++) {
            if (sd->ev[i].kind != 0 && sd->ev[i].seq == h.req_seq)
                break;
        }
        if (i == EV_MAX) {
            add(sc, &sc->dup, 1);
            anomaly(sc, "reply to request %" PRIu64 ", which is not awaiting one", h.req_seq);
            return 0;
        }
        if (sd->ev[i].sum != h.req_sum) {
            add(sc, &sc->corrupt, 1);
            anomaly(sc, "late reply to request %" PRIu64 " carries another checksum", h.req_seq);
            return 0;
        }
        *kind = sd->ev[i].kind;
        *cyc = sd->ev[i].cycle;
        sd->ev[i].kind = 0;
    }
    if (*kind == K_STEADY)
        add(sc, &sc->recv_steady, 1);
    else if (*kind == K_RW)
        add(sc, &sc->recv_rw, 1);
    return 1;
}

/* Waits up to RCVTIMEO (20 ms) for a reply. 1: a reply matching a
 * request (kind, cycle set); 0: nothing usable; -1: failure. */
static int rr_recv(struct side *sd, int *kind, uint32_t *cyc)
{
    zmq_msg_t m;
    int r;
    zmq_msg_init(&m);
    if (zmq_msg_recv(&m, sd->s, 0) < 0) {
        int e = zmq_errno();
        zmq_msg_close(&m);
        if (e == EAGAIN || e == EINTR)
            return 0;
        if (e == EFSM && sd->type == ZMQ_REQ) { /* REQ with nothing asked */
            sleep_ms(5);
            return 0;
        }
        scen_fail(sd->sc, "zmq_msg_recv: %s", zmq_strerror(e));
        return -1;
    }
    if (zmq_msg_more(&m)) {
        add(sd->sc, &sd->sc->corrupt, 1);
        anomaly(sd->sc, "a reply of more than one frame");
        while (zmq_msg_more(&m) && zmq_msg_recv(&m, sd->s, 0) >= 0) {
        }
        zmq_msg_close(&m);
        return 0;
    }
    if (sd->type == ZMQ_REQ)
        sd->req_waiting = 0;
    r = rr_match(sd, &m, kind, cyc);
    zmq_msg_close(&m);
    return r;
}

/* Lazy pirate: a strict REQ whose reply did not come is recreated. */
static int pirate(struct side *sd)
{
    if (side_restart(sd) != 0)
        return -1;
    add(sd->sc, &sd->sc->pirates, 1);
    return 0;
}

static int rr_cycle(struct side *sd, uint32_t c, const struct plan *p)
{
    struct scen *sc = sd->sc;
    uint64_t deadline = now_ms() + (uint64_t)opt_stuck * 1000u, progress;
    uint32_t sent = 0, got = 0, inflight = 0, i, w, m, dbg_eagain = 0, dbg_idle = 0;
    int kind, synced = 0, rc;
    uint32_t cyc;

    /* a strict REQ still awaiting the restart window's reply: a little
     * grace, then the pirate's way */
    if (sd->strict_req && sd->req_waiting) {
        uint64_t until = now_ms() + 100;
        while (sd->req_waiting && now_ms() < until)
            if (rr_recv(sd, &kind, &cyc) < 0)
                return CY_FAIL;
        if (sd->req_waiting && pirate(sd) != 0)
            return CY_FAIL;
    }
    out_age(sd);

    /* sync: a probe's round trip */
    while (!synced) {
        uint64_t until;
        rc = rr_send(sd, K_PROBE, c);
        if (rc < 0)
            return CY_FAIL;
        if (rc == 2 && pirate(sd) != 0)
            return CY_FAIL;
        until = now_ms() + 250;
        while (!synced && now_ms() < until) {
            rc = rr_recv(sd, &kind, &cyc);
            if (rc < 0)
                return CY_FAIL;
            if (rc == 1 && kind == K_PROBE && cyc == c)
                synced = 1;
        }
        if (synced)
            break;
        if (sd->strict_req && sd->req_waiting && pirate(sd) != 0)
            return CY_FAIL;
        if (global_stop())
            return CY_STOP;
        if (now_ms() > deadline) {
            scen_fail(sc, "cycle %u: no probe got a reply within %d s", (unsigned)c, opt_stuck);
            return CY_FAIL;
        }
    }

    dbg(sc, "cycle %u: synced after %u ms", (unsigned)c,
        (unsigned)(now_ms() + (uint64_t)opt_stuck * 1000u - deadline));

    /* steady: every request must be answered */
    set_phase(sc, PH_STEADY);
    w = p->window;
    progress = now_ms();
    while (got < p->n) {
        while (sent < p->n && inflight < w) {
            rc = rr_send(sd, K_STEADY, c);
            if (rc < 0)
                return CY_FAIL;
            if (rc == 2) {
                scen_fail(sc, "cycle %u: REQ refused a request after its reply (EFSM)", (unsigned)c);
                return CY_FAIL;
            }
            if (rc == 1) {
                dbg_eagain++;
                break;
            }
            sent++;
            inflight++;
        }
        rc = rr_recv(sd, &kind, &cyc);
        if (rc == 0)
            dbg_idle++;
        if (rc < 0)
            return CY_FAIL;
        if (rc == 1 && kind == K_STEADY && cyc == c) {
            got++;
            inflight--;
            progress = now_ms();
        }
        if (now_ms() - progress > (uint64_t)opt_stuck * 1000u) {
            scen_fail(sc, "cycle %u: %u of %u steady replies, none for %d s (%u in flight)", (unsigned)c,
                      (unsigned)got, (unsigned)p->n, opt_stuck, (unsigned)inflight);
            return CY_FAIL;
        }
        if (global_stop())
            return CY_STOP;
    }
    dbg(sc, "cycle %u: %u steady requests (window %u) done, %u EAGAIN, %u empty receives", (unsigned)c,
        (unsigned)p->n, (unsigned)w, dbg_eagain, dbg_idle);
    if (pause_point(sc))
        return CY_STOP;

    /* restart window */
    set_phase(sc, PH_RW);
    m = p->m;
    for (i = 0; i < m; i++) {
        rc = rr_send(sd, K_RW, c);
        if (rc < 0)
            return CY_FAIL;
        if (rc != 0)
            break;
    }
    return cycle_restart(sd, c, p);
}

static void *driver_main(void *arg)
{
    struct scen *sc = arg;
    struct side *sd = alloc_touched(sizeof *sd);
    uint32_t c = 0;
    side_init(sd, sc, 1);
    if (side_open(sd, 1) == 0) {
        while (!global_stop()) {
            struct plan p = make_plan(sc, ++c);
            int rc;
            lock(sc);
            sc->cycle = c;
            sc->phase = PH_SYNC;
            sc->cur_n = p.n;
            sc->cur_lossy = sd->lossy;
            sc->slow = p.slow;
            sc->steady_got = 0;
            pthread_cond_broadcast(&sc->cv);
            unlock(sc);
            if (!sd->binds && check_ep(sd) != 0)
                break;
            rc = sc->pi->rr ? rr_cycle(sd, c, &p) : ow_cycle(sd, c, &p);
            if (rc != CY_OK)
                break;
            add(sc, &sc->cycles, 1);
        }
    }
    pthread_mutex_lock(&g.mu);
    sc->running = 0;
    g.running--;
    pthread_cond_broadcast(&g.cv);
    pthread_mutex_unlock(&g.mu);
    side_close(sd);
    lock(sc);
    sc->stop = 1;
    sc->driver_done = 1;
    pthread_cond_broadcast(&sc->cv);
    unlock(sc);
    free(sd);
    return NULL;
}

/* ------------------------------------------------------------ passive */

/* One-way receiver: checks a message, counts it, closes the steady phase
 * when it has them all. */
static void ow_handle(struct side *sd, zmq_msg_t *m)
{
    struct scen *sc = sd->sc;
    struct hdr h;
    int ck;
    if (zmq_msg_more(m) || parse_msg(m, &h) != 0 || h.scen != (uint32_t)sc->idx || h.kind == K_REPLY) {
        add(sc, &sc->corrupt, 1);
        anomaly(sc, "corrupt message (%u bytes)", (unsigned)zmq_msg_size(m));
        return;
    }
    if (h.kind == K_PROBE) {
        lock(sc);
        if (h.cycle == sc->cycle && sc->synced < h.cycle) {
            sc->synced = h.cycle;
            pthread_cond_broadcast(&sc->cv);
        }
        unlock(sc);
        return;
    }
    ck = check_seq(sd->chk, h.inc, h.cycle, h.seq);
    if (ck == CK_DUP) {
        add(sc, &sc->dup, 1);
        anomaly(sc, "duplicate message %" PRIu64 " of incarnation %u (cycle %u)", h.seq, (unsigned)h.inc,
                (unsigned)h.cycle);
        return;
    }
    if (ck == CK_REORDER) {
        add(sc, &sc->reorder, 1);
        anomaly(sc, "message %" PRIu64 " of incarnation %u (cycle %u) out of order", h.seq,
                (unsigned)h.inc, (unsigned)h.cycle);
    }
    lock(sc);
    if (h.kind == K_STEADY)
        sc->recv_steady++;
    else if (h.kind == K_LOSSY)
        sc->recv_lossy++;
    else
        sc->recv_rw++;
    if (h.kind != K_RW && h.cycle == sc->cycle) {
        if (++sc->steady_got == sc->cur_n && sc->steady_ok < h.cycle) {
            sc->steady_ok = h.cycle;
            pthread_cond_broadcast(&sc->cv);
        }
    }
    unlock(sc);
}

/* A reply leaves without blocking, retried for at most 20 ms: a reply to
 * a requester that has just gone can wait for a pipe that ends only once
 * this very thread reads that pipe's leftovers (libzmq's terminate-after-
 * delimiter), so a blocking send would just sit out SNDTIMEO while the
 * live requester waits. A live requester's pipe never fills (windows are
 * at most a quarter of the HWM), so a drop here cannot hit it. */
static int send_reply_frame(struct side *sd, zmq_msg_t *m, int flags)
{
    uint64_t until = now_ms() + 20;
    for (;;) {
        int e;
        if (zmq_msg_send(m, sd->s, flags | ZMQ_DONTWAIT) >= 0)
            return 0;
        e = zmq_errno();
        if (e == EINTR)
            continue;
        if (e != EAGAIN || now_ms() >= until)
            return e;
        sleep_ms(1);
    }
}

/* Server: receives a request, checks it, replies. 1 served, 0 nothing,
 * -1 failure. */
static int serve_one(struct side *sd, int flags)
{
    struct scen *sc = sd->sc;
    zmq_msg_t id, m, rm;
    struct hdr h, r;
    int have_id = 0, ok, e;
    uint32_t rid = 0;
    (void)rid; /* only CLIENT/SERVER, a draft, uses it */
    if (sd->type == ZMQ_ROUTER) {
        zmq_msg_init(&id);
        if (zmq_msg_recv(&id, sd->s, flags) < 0) {
            e = zmq_errno();
            zmq_msg_close(&id);
            if (e == EAGAIN || e == EINTR)
                return 0;
            scen_fail(sc, "zmq_msg_recv: %s", zmq_strerror(e));
            return -1;
        }
        have_id = 1;
        if (!zmq_msg_more(&id)) {
            zmq_msg_close(&id);
            add(sc, &sc->corrupt, 1);
            anomaly(sc, "a request without a body frame");
            return 1;
        }
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, sd->s, 0) < 0) {
            zmq_msg_close(&m);
            zmq_msg_close(&id);
            add(sc, &sc->corrupt, 1);
            anomaly(sc, "a request's body frame did not follow its routing id");
            return 1;
        }
    } else {
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, sd->s, flags) < 0) {
            e = zmq_errno();
            zmq_msg_close(&m);
            if (e == EAGAIN || e == EINTR)
                return 0;
            scen_fail(sc, "zmq_msg_recv: %s", zmq_strerror(e));
            return -1;
        }
#ifdef ZMQ_CLIENT
        if (sd->type == ZMQ_SERVER)
            rid = zmq_msg_routing_id(&m);
#endif
    }
    ok = !zmq_msg_more(&m) && parse_msg(&m, &h) == 0 && h.scen == (uint32_t)sc->idx &&
         (h.kind == K_PROBE || h.kind == K_STEADY || h.kind == K_RW);
    zmq_msg_close(&m);
    if (!ok) {
        add(sc, &sc->corrupt, 1);
        anomaly(sc, "corrupt request");
        memset(&h, 0, sizeof h); /* REP must answer anyway: with a reply nobody asked for */
        if (sd->type != ZMQ_REP) {
            if (have_id)
                zmq_msg_close(&id);
            return 1;
        }
    } else if (h.kind != K_PROBE) {
        int ck = check_seq(sd->chk, h.inc, h.cycle, h.seq);
        if (ck == CK_DUP) {
            add(sc, &sc->dup, 1);
            anomaly(sc, "duplicate request %" PRIu64 " of incarnation %u", h.seq, (unsigned)h.inc);
        } else if (ck == CK_REORDER) {
            add(sc, &sc->reorder, 1);
            anomaly(sc, "request %" PRIu64 " of incarnation %u (cycle %u) out of order", h.seq,
                    (unsigned)h.inc, (unsigned)h.cycle);
        }
    }
    memset(&r, 0, sizeof r);
    r.kind = K_REPLY;
    r.scen = (uint32_t)sc->idx;
    r.inc = sd->inc;
    r.seq = ++sd->rseq;
    r.cycle = h.cycle;
    r.req_inc = h.inc;
    r.req_seq = h.seq;
    r.req_sum = h.sum;
    if (make_msg(&rm, &r, &sd->rng) != 0) {
        if (have_id)
            zmq_msg_close(&id);
        scen_fail(sc, "zmq_msg_init_size: %s", zmq_strerror(zmq_errno()));
        return -1;
    }
    if (have_id) {
        e = send_reply_frame(sd, &id, ZMQ_SNDMORE);
        if (e != 0) {
            /* EHOSTUNREACH: the requester is gone (mandatory routing) */
            zmq_msg_close(&id);
            zmq_msg_close(&rm);
            if (e != EHOSTUNREACH && e != EAGAIN) {
                scen_fail(sc, "zmq_msg_send(routing id): %s", zmq_strerror(e));
                return -1;
            }
            add(sc, &sc->dropped, 1);
            return 1;
        }
    }
#ifdef ZMQ_CLIENT
    if (sd->type == ZMQ_SERVER)
        zmq_msg_set_routing_id(&rm, rid);
#endif
    e = sd->type == ZMQ_REP ? (zmq_msg_send(&rm, sd->s, 0) < 0 ? zmq_errno() : 0)
                            : send_reply_frame(sd, &rm, 0);
    if (e != 0) {
        zmq_msg_close(&rm);
        if ((e == EHOSTUNREACH || e == EAGAIN) && sd->type != ZMQ_REP) {
            add(sc, &sc->dropped, 1);
            return 1;
        }
        scen_fail(sc, "zmq_msg_send(reply): %s", zmq_strerror(e));
        return -1;
    }
    add(sc, &sc->served, 1);
    return 1;
}

static void *passive_main(void *arg)
{
    struct scen *sc = arg;
    struct side *sd = alloc_touched(sizeof *sd);
    uint64_t last_rx = now_ms(), sent_seen = 0, sync_since = now_ms();
    uint32_t seen_cycle = 0, seen_sent = 0;
    int failed = 0;
    side_init(sd, sc, 0);
    if (side_open(sd, 1) != 0)
        failed = 1;
    while (!failed) {
        int stop, rkind = 0, phase, slow, lossy, n;
        uint32_t rq = 0, cycle, synced, steady_sent, steady_ok;
        lock(sc);
        stop = sc->stop;
        if (sc->restart_req > sc->restart_done) {
            rq = sc->restart_req;
            rkind = sc->restart_kind;
        }
        cycle = sc->cycle;
        phase = sc->phase;
        synced = sc->synced;
        slow = sc->slow;
        lossy = sc->cur_lossy;
        steady_sent = sc->steady_sent;
        steady_ok = sc->steady_ok;
        unlock(sc);
        if (stop)
            break;
        if (rq != 0) {
            if (do_restart_own(sd, rkind) != 0)
                break;
            lock(sc);
            sc->restart_done = rq;
            pthread_cond_broadcast(&sc->cv);
            unlock(sc);
            continue;
        }
        if (cycle != seen_cycle) {
            seen_cycle = cycle;
            sync_since = now_ms();
        }
        if (!sd->binds) {
            if (check_ep(sd) != 0)
                break;
            /* PAIR does not implement reconnection (zmq_socket(3)): a
             * PAIR still holding its previous peer refuses a new one for
             * good, and over tcp/ipc the refused connection even stays
             * open, without a pipe; a disconnect + connect races the same
             * way on the connecting PAIR itself. Nor is an inproc
             * connection ever re-established by the library. So when the
             * probes do not arrive within a second, the connecting side
             * starts over with a new socket, as a PAIR application has
             * to (the binder has noticed its old peer's end by then). */
            if (!sc->pi->rr && (sc->tr == TR_INPROC || sc->pat == PAT_PAIR) && phase == PH_SYNC &&
                synced < cycle && now_ms() - sync_since > 1000) {
                side_close(sd);
                if (side_open(sd, 0) != 0)
                    break;
                add(sc, &sc->resyncs, 1);
                sync_since = now_ms();
            }
        }
        /* wait for input: zmq_poll, or RCVTIMEO for thread-safe sockets */
        if (!sd->threadsafe) {
            zmq_pollitem_t it;
            it.socket = sd->s;
            it.fd = 0;
            it.events = ZMQ_POLLIN;
            it.revents = 0;
            if (zmq_poll(&it, 1, 20) < 0 && zmq_errno() != EINTR) {
                scen_fail(sc, "zmq_poll: %s", zmq_strerror(zmq_errno()));
                break;
            }
            if (!(it.revents & ZMQ_POLLIN))
                goto idle;
        }
        for (n = 0; n < 64; n++) {
            int flags = (n == 0 && sd->threadsafe) ? 0 : ZMQ_DONTWAIT;
            if (sc->pi->rr) {
                int rc = serve_one(sd, flags);
                if (rc < 0) {
                    failed = 1;
                    break;
                }
                if (rc == 0)
                    break;
            } else {
                zmq_msg_t m;
                zmq_msg_init(&m);
                if (zmq_msg_recv(&m, sd->s, flags) < 0) {
                    int e = zmq_errno();
                    zmq_msg_close(&m);
                    if (e == EAGAIN || e == EINTR)
                        break;
                    scen_fail(sc, "zmq_msg_recv: %s", zmq_strerror(e));
                    failed = 1;
                    break;
                }
                ow_handle(sd, &m);
                zmq_msg_close(&m);
            }
            last_rx = now_ms();
            /* the slow consumer: now and then a nap, so HWMs fill up */
            if (slow && rnd_below(&sd->rng, 16) == 0) {
                sleep_ms(1 + rnd_below(&sd->rng, 20));
                last_rx = now_ms();
                break;
            }
        }
    idle:
        /* a lossy publisher's steady phase ends when it has sent all and
         * nothing has come for 200 ms: what is missing was dropped */
        if (!sc->pi->rr && lossy && steady_sent == cycle && steady_ok < cycle) {
            uint64_t t = now_ms(), since;
            if (seen_sent != cycle) {
                seen_sent = cycle;
                sent_seen = t;
            }
            since = last_rx > sent_seen ? last_rx : sent_seen;
            if (t - since >= 200) {
                lock(sc);
                if (sc->cycle == cycle && sc->steady_ok < cycle) {
                    sc->steady_ok = cycle;
                    pthread_cond_broadcast(&sc->cv);
                }
                unlock(sc);
            }
        }
    }
    side_close(sd);
    lock(sc);
    sc->passive_done = 1;
    pthread_cond_broadcast(&sc->cv);
    unlock(sc);
    free(sd);
    return NULL;
}

/* ------------------------------------------------------------------- main */

static long read_rss_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;
    if (f == NULL)
        return -1;
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "VmRSS:", 6) == 0) {
            v = strtol(line + 6, NULL, 10);
            break;
        }
    }
    fclose(f);
    return v;
}

/* Open file descriptors and threads of the process (shown next to RSS). */
static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    int n = 0;
    if (d == NULL)
        return -1;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n - 1; /* the directory's own descriptor */
}

static int count_threads(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    int v = -1;
    if (f == NULL)
        return -1;
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "Threads:", 8) == 0) {
            v = atoi(line + 8);
            break;
        }
    }
    fclose(f);
    return v;
}

/* Which libzmq the dynamic linker gave us (from /proc/self/maps). */
static void print_library(void)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[1024];
    if (f == NULL)
        return;
    while (fgets(line, sizeof line, f) != NULL) {
        char *p = strstr(line, "/");
        if (p != NULL && strstr(p, "libzmq") != NULL) {
            printf("soak: library %s", p);
            break;
        }
    }
    fclose(f);
}

/* Brings the library's message allocator to its steady state before the
 * run: a library may keep freed message bodies for reuse (zmqrs keeps up
 * to about half a MiB of them, per size class), and under traffic those
 * free lists fill only slowly, a random walk over minutes, which a short
 * run would see as RSS growth after the warm-up. Allocating many bodies of
 * every size at once and freeing them fills them now. */
static void prewarm_messages(void)
{
    enum { PER_SIZE = 256 };
    static zmq_msg_t msgs[PER_SIZE];
    size_t size;
    int i;
    for (size = 32; size <= MAX_PAYLOAD; size *= 2) {
        for (i = 0; i < PER_SIZE; i++) {
            if (zmq_msg_init_size(&msgs[i], size) != 0)
                break;
            memset(zmq_msg_data(&msgs[i]), 0, size);
        }
        while (i > 0)
            zmq_msg_close(&msgs[--i]);
    }
}

/* Parks every driver at its pause point, samples RSS; resumes unless this
 * is the final sample. */
static long rss_sample(const char *what, int final)
{
    uint64_t deadline = now_ms() + (uint64_t)(opt_stuck + 10) * 1000u;
    long rss;
    int i, missing = 0;
    pthread_mutex_lock(&g.mu);
    g.pause_req = 1;
    g.pause_gen++;
    g.paused = 0;
    pthread_cond_broadcast(&g.cv);
    while (g.paused < g.running && now_ms() < deadline)
        cond_wait_ms(&g.cv, &g.mu, 200);
    pthread_mutex_unlock(&g.mu);
    for (i = 0; i < nscen; i++) {
        struct scen *sc = &scens[i];
        int late;
        pthread_mutex_lock(&g.mu);
        late = sc->running && sc->paused_gen != g.pause_gen;
        pthread_mutex_unlock(&g.mu);
        if (late) {
            missing++;
            scen_fail(sc, "did not reach the %s RSS pause point within %d s", what, opt_stuck + 10);
        }
    }
    sleep_ms(500);
    if (opt_trim)
        malloc_trim(0);
    rss = read_rss_kib();
    {
        /* malloc's view: bytes in use (a leak grows these) and free but
         * kept (fragmentation grows these) */
        struct mallinfo2 mi = mallinfo2();
        printf("soak: [%6.1f s] RSS at %s: %ld KiB (malloc: %zu KiB in use, %zu KiB free; %d fds, %d "
               "threads)%s\n",
               elapsed_s(), what, rss, (mi.uordblks + mi.hblkhd) / 1024, mi.fordblks / 1024, count_fds(),
               count_threads(), missing ? " (not every scenario paused)" : "");
    }
    fflush(stdout);
    if (!final) {
        pthread_mutex_lock(&g.mu);
        g.pause_req = 0;
        pthread_cond_broadcast(&g.cv);
        pthread_mutex_unlock(&g.mu);
    }
    return rss;
}

static void progress_line(void)
{
    uint64_t cycles = 0, restarts = 0, sent = 0, recv = 0;
    int fails = 0, i;
    for (i = 0; i < nscen; i++) {
        struct scen *sc = &scens[i];
        lock(sc);
        cycles += sc->cycles;
        restarts += sc->restarts;
        sent += sc->sent_steady + sc->sent_lossy + sc->sent_rw;
        recv += sc->recv_steady + sc->recv_lossy + sc->recv_rw;
        fails += sc->nfail + (int)(sc->dup + sc->reorder + sc->corrupt);
        unlock(sc);
    }
    printf("soak: [%6.1f s] cycles %" PRIu64 ", restarts %" PRIu64 ", sent %" PRIu64 ", received %" PRIu64
           ", failures %d, RSS %ld KiB\n",
           elapsed_s(), cycles, restarts, sent, recv, fails, read_rss_kib());
    fflush(stdout);
}

static int watchdog_limit_s;

static void *watchdog_main(void *arg)
{
    int i;
    (void)arg;
    for (;;) {
        int done;
        sleep_ms(1000);
        pthread_mutex_lock(&g.mu);
        done = g.finished;
        pthread_mutex_unlock(&g.mu);
        if (done)
            return NULL;
        if (elapsed_s() > watchdog_limit_s)
            break;
    }
    printf("soak: watchdog: still running after %d s; scenario states:\n", watchdog_limit_s);
    for (i = 0; i < nscen; i++) {
        struct scen *sc = &scens[i];
        printf("  %-22s cycle %u phase %s driver %s passive %s\n", sc->name, (unsigned)sc->cycle,
               ph_name[sc->phase], sc->driver_done ? "done" : "running",
               sc->passive_done ? "done" : "running");
    }
    printf("soak: FAIL (hung: the watchdog ended the run)\n");
    fflush(stdout);
    _exit(3);
}

static int join_within(pthread_t t, unsigned ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return pthread_timedjoin_np(t, NULL, &ts);
}

static int selected(const char *name)
{
    const char *p = opt_only;
    char tok[64];
    if (p == NULL || *p == '\0')
        return 1;
    while (*p != '\0') {
        size_t n = strcspn(p, ",");
        if (n > 0 && n < sizeof tok) {
            memcpy(tok, p, n);
            tok[n] = '\0';
            if (strstr(name, tok) != NULL)
                return 1;
        }
        p += n;
        if (*p == ',')
            p++;
    }
    return 0;
}

static void remove_tmpdir(void)
{
    DIR *d = opendir(g_tmpdir);
    struct dirent *e;
    char path[512];
    if (d != NULL) {
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(path, sizeof path, "%s/%s", g_tmpdir, e->d_name);
            unlink(path);
        }
        closedir(d);
    }
    rmdir(g_tmpdir);
}

int main(void)
{
    pthread_t wd;
    long rss_warm = -1, rss_end = -1;
    int i, major, minor, patch, warm_done = 0, hung = 0, pass = 1;
    uint64_t next_progress, next_sample = 0;
    char reasons[2048] = "";

    signal(SIGPIPE, SIG_IGN);
    opt_seconds = env_int("SOAK_SECONDS", 600);
    if (opt_seconds < 5)
        opt_seconds = 5;
    opt_warmup = env_int("SOAK_WARMUP", -1);
    if (opt_warmup < 0) {
        opt_warmup = opt_seconds / 10;
        if (opt_warmup < 20)
            opt_warmup = 20;
    }
    if (opt_warmup >= opt_seconds)
        opt_warmup = opt_seconds / 2;
    opt_stuck = env_int("SOAK_STUCK", 30);
    if (opt_stuck < 2)
        opt_stuck = 2;
    opt_rss_slack = env_int("SOAK_RSS_SLACK", 10);
    opt_trim = env_int("SOAK_TRIM", 1);
    opt_only = getenv("SOAK_ONLY");
    opt_debug = env_int("SOAK_DEBUG", 0);
    opt_imm_reconnect = env_int("SOAK_IMMEDIATE_RECONNECT", 0);
    opt_rss_every = env_int("SOAK_RSS_EVERY", 0);
    if (getenv("SOAK_ACTIONS") != NULL && *getenv("SOAK_ACTIONS") != '\0') {
        const char *a = getenv("SOAK_ACTIONS");
        opt_actions = (strstr(a, "none") ? 1 << RS_NONE : 0) | (strstr(a, "connector") ? 1 << RS_CONNECTOR : 0) |
                      (strstr(a, "binder") ? 1 << RS_BINDER : 0) | (strstr(a, "reconnect") ? 1 << RS_RECONNECT : 0);
        if (opt_actions == 0) {
            fprintf(stderr, "soak: SOAK_ACTIONS=%s names none of none, connector, binder, reconnect\n", a);
            return 2;
        }
    }
    if (getenv("SOAK_SEED") != NULL && *getenv("SOAK_SEED") != '\0')
        opt_seed = strtoull(getenv("SOAK_SEED"), NULL, 0);
    else
        opt_seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 20);

    t_start = now_ms();
    pthread_mutex_init(&g.mu, NULL);
    cond_init(&g.cv);
    zmq_version(&major, &minor, &patch);
    g_draft = zmq_has("draft") != 0;
#ifndef ZMQ_CLIENT
    g_draft = 0;
#endif
    print_library();
    printf("soak: zmq %d.%d.%d, draft API %s; %d s, warm-up RSS at %d s, stuck after %d s, "
           "seed %" PRIu64 ", malloc tcache %s\n",
           major, minor, patch, g_draft ? "yes" : "no (client/server skipped)", opt_seconds, opt_warmup,
           opt_stuck, opt_seed,
           getenv("GLIBC_TUNABLES") != NULL && strstr(getenv("GLIBC_TUNABLES"), "tcache_count=0") != NULL
               ? "off"
               : "on");

    snprintf(g_tmpdir, sizeof g_tmpdir, "/tmp/zmq-soak-XXXXXX");
    if (mkdtemp(g_tmpdir) == NULL) {
        perror("soak: mkdtemp");
        return 2;
    }
    g_ctx = zmq_ctx_new();
    if (g_ctx == NULL || zmq_ctx_set(g_ctx, ZMQ_IO_THREADS, 2) != 0) {
        fprintf(stderr, "soak: zmq_ctx_new: %s\n", zmq_strerror(zmq_errno()));
        return 2;
    }

    for (i = 0; i < PAT_N * TR_N; i++) {
        int pat = i / TR_N, tr = i % TR_N;
        struct scen *sc = &scens[nscen];
        char name[40];
        if (pats[pat].draft && !g_draft)
            continue;
        snprintf(name, sizeof name, "%s %s", pats[pat].name, tr_name[tr]);
        if (!selected(name))
            continue;
        memset(sc, 0, sizeof *sc);
        sc->idx = nscen;
        sc->pat = pat;
        sc->tr = tr;
        sc->pi = &pats[pat];
        snprintf(sc->name, sizeof sc->name, "%s", name);
        pthread_mutex_init(&sc->mu, NULL);
        cond_init(&sc->cv);
        sc->chk_drv = alloc_touched(sizeof(struct checker));
        sc->chk_pas = alloc_touched(sizeof(struct checker));
        nscen++;
    }
    if (nscen == 0) {
        fprintf(stderr, "soak: SOAK_ONLY=%s selects no scenario\n", opt_only);
        return 2;
    }
    prewarm_messages();
    watchdog_limit_s = opt_seconds + 3 * (opt_stuck + 10) + 120;
    pthread_create(&wd, NULL, watchdog_main, NULL);

    g.running = nscen;
    for (i = 0; i < nscen; i++) {
        struct scen *sc = &scens[i];
        sc->running = 1;
        if (pthread_create(&sc->pas_thread, NULL, passive_main, sc) != 0 ||
            pthread_create(&sc->drv_thread, NULL, driver_main, sc) != 0) {
            fprintf(stderr, "soak: pthread_create failed\n");
            return 2;
        }
        sc->started = 1;
    }
    printf("soak: %d scenarios running\n", nscen);
    fflush(stdout);

    next_progress = t_start + 60000;
    for (;;) {
        uint64_t t = now_ms();
        if (!warm_done && t - t_start >= (uint64_t)opt_warmup * 1000u) {
            rss_warm = rss_sample("warm-up", 0);
            warm_done = 1;
            next_sample = now_ms() + (uint64_t)opt_rss_every * 1000u;
        } else if (warm_done && opt_rss_every > 0 && t >= next_sample &&
                   t + (uint64_t)opt_rss_every * 500u < t_start + (uint64_t)opt_seconds * 1000u) {
            rss_sample("sample", 0);
            next_sample = now_ms() + (uint64_t)opt_rss_every * 1000u;
        }
        if (t >= next_progress) {
            progress_line();
            next_progress += 60000;
        }
        if (t - t_start >= (uint64_t)opt_seconds * 1000u)
            break;
        sleep_ms(200);
    }
    rss_end = rss_sample("end", 1);
    if (opt_debug >= 2) /* for a heap profiler: what is live at the end */
        _exit(0);

    pthread_mutex_lock(&g.mu);
    g.stop = 1;
    pthread_cond_broadcast(&g.cv);
    pthread_mutex_unlock(&g.mu);
    for (i = 0; i < nscen; i++) {
        struct scen *sc = &scens[i];
        if (join_within(sc->drv_thread, (unsigned)(opt_stuck + 10) * 1000u) != 0 ||
            join_within(sc->pas_thread, (unsigned)(opt_stuck + 10) * 1000u) != 0) {
            scen_fail(sc, "a thread did not finish after the end (blocked in the library?)");
            hung = 1;
        }
    }
    if (!hung)
        zmq_ctx_term(g_ctx);
    remove_tmpdir();

    /* ------------------------------------------------------ the table */
    printf("\n%-22s %7s %8s %9s %9s %8s %8s %8s %5s %5s %7s  %s\n", "scenario", "cycles", "restarts",
           "sent", "received", "lost@rst", "lost-hwm", "lost-std", "dup", "reord", "corrupt", "result");
    for (i = 0; i < nscen; i++) {
        struct scen *sc = &scens[i];
        uint64_t sent, recv, lost_rst, lost_hwm, lost_std;
        int ok;
        char extra[160] = "";
        lock(sc);
        sent = sc->sent_steady + sc->sent_lossy + sc->sent_rw;
        recv = sc->recv_steady + sc->recv_lossy + sc->recv_rw;
        lost_rst = sc->sent_rw - sc->recv_rw;
        lost_hwm = sc->sent_lossy - sc->recv_lossy;
        lost_std = sc->sent_steady - sc->recv_steady;
        ok = sc->nfail == 0 && lost_std == 0 && sc->dup == 0 && sc->reorder == 0 && sc->corrupt == 0 &&
             sc->cycles > 0;
        if (sc->pirates || sc->resyncs || sc->fallbacks || sc->dropped)
            snprintf(extra, sizeof extra, " (pirate %" PRIu64 ", resync %" PRIu64 ", rebind fallback %" PRIu64
                     ", replies to gone peers %" PRIu64 ")",
                     sc->pirates, sc->resyncs, sc->fallbacks, sc->dropped);
        printf("%-22s %7" PRIu64 " %8" PRIu64 " %9" PRIu64 " %9" PRIu64 " %8" PRIu64 " %8" PRIu64 " %8" PRIu64
               " %5" PRIu64 " %5" PRIu64 " %7" PRIu64 "  %s%s\n",
               sc->name, sc->cycles, sc->restarts, sent, recv, lost_rst, lost_hwm, lost_std, sc->dup,
               sc->reorder, sc->corrupt, ok ? "ok" : "FAIL", extra);
        if (!ok) {
            char r[300];
            pass = 0;
            if (sc->cycles == 0 && sc->nfail == 0)
                snprintf(r, sizeof r, "%s: no cycle completed", sc->name);
            else if (lost_std != 0 && sc->nfail == 0)
                snprintf(r, sizeof r, "%s: lost-steady %" PRIu64, sc->name, lost_std);
            else
                snprintf(r, sizeof r, "%s: %s", sc->name, sc->fail[0] ? sc->fail : "failed");
            if (strlen(reasons) + strlen(r) + 3 < sizeof reasons) {
                if (reasons[0] != '\0')
                    strcat(reasons, "; ");
                strcat(reasons, r);
            }
        }
        unlock(sc);
    }
    if (rss_warm > 0 && rss_end > 0) {
        double pct = 100.0 * (double)(rss_end - rss_warm) / (double)rss_warm;
        int rss_ok = rss_end * 100 <= rss_warm * (100 + opt_rss_slack);
        printf("\nRSS: warm-up %ld KiB (at %d s), end %ld KiB (at %d s): %+.1f%% (limit +%d%%) %s\n",
               rss_warm, opt_warmup, rss_end, opt_seconds, pct, opt_rss_slack, rss_ok ? "ok" : "FAIL");
        if (!rss_ok) {
            char r[120];
            pass = 0;
            snprintf(r, sizeof r, "RSS grew %+.1f%% from warm-up to end", pct);
            if (strlen(reasons) + strlen(r) + 3 < sizeof reasons) {
                if (reasons[0] != '\0')
                    strcat(reasons, "; ");
                strcat(reasons, r);
            }
        }
    } else {
        pass = 0;
        strcat(reasons, reasons[0] ? "; RSS not measured" : "RSS not measured");
    }
    if (hung)
        pass = 0;
    if (pass)
        printf("soak: PASS\n");
    else
        printf("soak: FAIL (%s)\n", reasons);
    fflush(stdout);
    pthread_mutex_lock(&g.mu);
    g.finished = 1;
    pthread_mutex_unlock(&g.mu);
    if (hung)
        _exit(1);
    pthread_join(wd, NULL);
    return pass ? 0 : 1;
}
