/* test_sockopts.c - zmq_socket for every stable type and zmq_setsockopt /
 * zmq_getsockopt for every stable option: defaults and their C types, round
 * trips, range and length checks (EINVAL), options that belong to some
 * socket types only, write-only options, ZMQ_FD / ZMQ_EVENTS / ZMQ_RCVMORE,
 * and handle errors (ENOTSOCK, ETERM, EMFILE).
 *
 * The values pinned here are what libzmq 4.3.x does, which is not always
 * what its man pages say (SNDBUF/RCVBUF default -1, SUB/XSUB linger 0, int
 * options demand an exact optvallen, ...). */
#include <zmq.h>
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/types.h>

#include "testutil.h"

static const int stable_types[] = {ZMQ_PAIR,   ZMQ_PUB,    ZMQ_SUB,
                                   ZMQ_REQ,    ZMQ_REP,    ZMQ_DEALER,
                                   ZMQ_ROUTER, ZMQ_PULL,   ZMQ_PUSH,
                                   ZMQ_XPUB,   ZMQ_XSUB,   ZMQ_STREAM};
#define N_STABLE_TYPES ((int) (sizeof stable_types / sizeof stable_types[0]))

/* int getter: 0 on success with *optvallen still sizeof (int). */
static int get_int (void *s, int option, int *value)
{
    size_t len = sizeof (int);
    int rc = zmq_getsockopt (s, option, value, &len);
    if (rc == 0 && len != sizeof (int)) {
        fprintf (stderr, "option %d: optvallen became %zu\n", option, len);
        return -2;
    }
    return rc;
}

/* getsockopt into a buffer; returns rc and the length written back. */
static int get_buf (void *s, int option, void *buf, size_t cap, size_t *len)
{
    *len = cap;
    return zmq_getsockopt (s, option, buf, len);
}

/* ------------------------------------------------------------------ */
/* zmq_socket                                                          */

static void test_socket_every_stable_type (void)
{
    void *ctx = zmq_ctx_new ();
    int i, v;
    CHECK (ctx != NULL);
    for (i = 0; i < N_STABLE_TYPES; i++) {
        void *s = zmq_socket (ctx, stable_types[i]);
        CHECK (s != NULL);
        CHECK_OK (get_int (s, ZMQ_TYPE, &v));
        CHECK_EQ_INT (stable_types[i], v);
        CHECK_OK (get_int (s, ZMQ_THREAD_SAFE, &v));
        CHECK_EQ_INT (0, v);
        CHECK_OK (get_int (s, ZMQ_RCVMORE, &v));
        CHECK_EQ_INT (0, v);
        /* Linger: -1 everywhere except SUB and XSUB, which use 0. */
        CHECK_OK (get_int (s, ZMQ_LINGER, &v));
        if (stable_types[i] == ZMQ_SUB || stable_types[i] == ZMQ_XSUB)
            CHECK_EQ_INT (0, v);
        else
            CHECK_EQ_INT (-1, v);
        CHECK_OK (zmq_close (s));
    }
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_socket_unknown_type (void)
{
    void *ctx = zmq_ctx_new ();
    const int bad[] = {-1, 21, 100, 9999};
    size_t i;
    CHECK (ctx != NULL);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        errno = 0;
        CHECK (zmq_socket (ctx, bad[i]) == NULL);
        CHECK_EQ_INT (EINVAL, errno);
    }
    errno = 0;
    CHECK (zmq_socket (NULL, ZMQ_PAIR) == NULL);
    CHECK_EQ_INT (EFAULT, errno);
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_socket_emfile (void)
{
    void *ctx = zmq_ctx_new ();
    void *s[3];
    int i;
    CHECK (ctx != NULL);
    CHECK_OK (zmq_ctx_set (ctx, ZMQ_MAX_SOCKETS, 3));
    for (i = 0; i < 3; i++) {
        s[i] = zmq_socket (ctx, ZMQ_PAIR);
        CHECK (s[i] != NULL);
    }
    errno = 0;
    CHECK (zmq_socket (ctx, ZMQ_PAIR) == NULL);
    CHECK_EQ_INT (EMFILE, errno);
    /* A full context says EMFILE before looking at the type. */
    errno = 0;
    CHECK (zmq_socket (ctx, 9999) == NULL);
    CHECK_EQ_INT (EMFILE, errno);
    /* The limit was fixed when the context started: raising it now is
     * accepted and readable, but changes nothing. */
    CHECK_OK (zmq_ctx_set (ctx, ZMQ_MAX_SOCKETS, 10));
    CHECK_EQ_INT (10, zmq_ctx_get (ctx, ZMQ_MAX_SOCKETS));
    errno = 0;
    CHECK (zmq_socket (ctx, ZMQ_PAIR) == NULL);
    CHECK_EQ_INT (EMFILE, errno);
    /* The limit is on live sockets: closing one frees its slot (the slot is
     * released asynchronously, so allow a short while). */
    CHECK_OK (zmq_close (s[2]));
    s[2] = NULL;
    for (i = 0; i < 200 && s[2] == NULL; i++) {
        s[2] = zmq_socket (ctx, ZMQ_PAIR);
        if (s[2] == NULL) {
            CHECK_EQ_INT (EMFILE, errno);
            usleep (5000);
        }
    }
    CHECK (s[2] != NULL);
    for (i = 0; i < 3; i++)
        CHECK_OK (zmq_close (s[i]));
    CHECK_OK (zmq_ctx_term (ctx));

    /* Any zmq_socket call starts the context, even one failing with
     * EINVAL: a limit set afterwards is not applied. */
    ctx = zmq_ctx_new ();
    CHECK (ctx != NULL);
    errno = 0;
    CHECK (zmq_socket (ctx, 9999) == NULL);
    CHECK_EQ_INT (EINVAL, errno);
    CHECK_OK (zmq_ctx_set (ctx, ZMQ_MAX_SOCKETS, 1));
    for (i = 0; i < 3; i++) {
        s[i] = zmq_socket (ctx, ZMQ_PAIR);
        CHECK (s[i] != NULL);
    }
    for (i = 0; i < 3; i++)
        CHECK_OK (zmq_close (s[i]));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ------------------------------------------------------------------ */
/* int options                                                         */

struct int_default
{
    int option;
    const char *name;
    int value;
};

static const struct int_default int_defaults[] = {
  {ZMQ_SNDHWM, "SNDHWM", 1000},
  {ZMQ_RCVHWM, "RCVHWM", 1000},
  {ZMQ_RATE, "RATE", 100},
  {ZMQ_RECOVERY_IVL, "RECOVERY_IVL", 10000},
  {ZMQ_SNDBUF, "SNDBUF", -1},
  {ZMQ_RCVBUF, "RCVBUF", -1},
  {ZMQ_TOS, "TOS", 0},
  {ZMQ_LINGER, "LINGER", -1},
  {ZMQ_CONNECT_TIMEOUT, "CONNECT_TIMEOUT", 0},
  {ZMQ_TCP_MAXRT, "TCP_MAXRT", 0},
  {ZMQ_RECONNECT_IVL, "RECONNECT_IVL", 100},
  {ZMQ_RECONNECT_IVL_MAX, "RECONNECT_IVL_MAX", 0},
  {ZMQ_BACKLOG, "BACKLOG", 100},
  {ZMQ_MULTICAST_HOPS, "MULTICAST_HOPS", 1},
  {ZMQ_MULTICAST_MAXTPDU, "MULTICAST_MAXTPDU", 1500},
  {ZMQ_RCVTIMEO, "RCVTIMEO", -1},
  {ZMQ_SNDTIMEO, "SNDTIMEO", -1},
  {ZMQ_IPV4ONLY, "IPV4ONLY", 1},
  {ZMQ_IPV6, "IPV6", 0},
  {ZMQ_IMMEDIATE, "IMMEDIATE", 0},
  {ZMQ_TCP_KEEPALIVE, "TCP_KEEPALIVE", -1},
  {ZMQ_TCP_KEEPALIVE_CNT, "TCP_KEEPALIVE_CNT", -1},
  {ZMQ_TCP_KEEPALIVE_IDLE, "TCP_KEEPALIVE_IDLE", -1},
  {ZMQ_TCP_KEEPALIVE_INTVL, "TCP_KEEPALIVE_INTVL", -1},
  {ZMQ_MECHANISM, "MECHANISM", ZMQ_NULL},
  {ZMQ_PLAIN_SERVER, "PLAIN_SERVER", 0},
  {ZMQ_CONFLATE, "CONFLATE", 0},
  {ZMQ_HANDSHAKE_IVL, "HANDSHAKE_IVL", 30000},
  {ZMQ_INVERT_MATCHING, "INVERT_MATCHING", 0},
  {ZMQ_HEARTBEAT_IVL, "HEARTBEAT_IVL", 0},
  {ZMQ_HEARTBEAT_TTL, "HEARTBEAT_TTL", 0},
  {ZMQ_HEARTBEAT_TIMEOUT, "HEARTBEAT_TIMEOUT", -1},
  {ZMQ_USE_FD, "USE_FD", -1},
  {ZMQ_RCVMORE, "RCVMORE", 0},
  {ZMQ_THREAD_SAFE, "THREAD_SAFE", 0},
  {ZMQ_TYPE, "TYPE", ZMQ_DEALER},
};
#define N_INT_DEFAULTS ((int) (sizeof int_defaults / sizeof int_defaults[0]))

static void test_int_defaults (void)
{
    void *ctx = zmq_ctx_new ();
    void *s;
    int i, v;
    CHECK (ctx != NULL);
    s = zmq_socket (ctx, ZMQ_DEALER);
    CHECK (s != NULL);
    for (i = 0; i < N_INT_DEFAULTS; i++) {
        v = 12345;
        if (get_int (s, int_defaults[i].option, &v) != 0
            || v != int_defaults[i].value) {
            fprintf (stderr, "ZMQ_%s: got %d (errno %d), expected %d\n",
                     int_defaults[i].name, v, errno, int_defaults[i].value);
            CHECK (0);
        }
    }
    /* CURVE_SERVER exists only with CURVE built in. */
    if (zmq_has ("curve")) {
        CHECK_OK (get_int (s, ZMQ_CURVE_SERVER, &v));
        CHECK_EQ_INT (0, v);
    }
    CHECK_OK (zmq_close (s));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ZMQ_BLOCKY and ZMQ_IPV6 on the context seed LINGER and IPV6 of sockets
 * created afterwards. */
static void test_ctx_options_seed_socket_defaults (void)
{
    void *ctx = zmq_ctx_new ();
    void *s;
    int v;
    CHECK (ctx != NULL);
    CHECK_OK (zmq_ctx_set (ctx, ZMQ_BLOCKY, 0));
    CHECK_OK (zmq_ctx_set (ctx, ZMQ_IPV6, 1));
    s = zmq_socket (ctx, ZMQ_PUSH);
    CHECK (s != NULL);
    CHECK_OK (get_int (s, ZMQ_LINGER, &v));
    CHECK_EQ_INT (0, v);
    CHECK_OK (get_int (s, ZMQ_IPV6, &v));
    CHECK_EQ_INT (1, v);
    CHECK_OK (get_int (s, ZMQ_IPV4ONLY, &v));
    CHECK_EQ_INT (0, v);
    CHECK_OK (zmq_close (s));
    CHECK_OK (zmq_ctx_term (ctx));
}

struct int_range
{
    int option;
    const char *name;
    int good;    /* a valid value other than the default */
    int lowest;  /* smallest accepted value */
    int bad;     /* a rejected value */
};

static const struct int_range int_ranges[] = {
  {ZMQ_SNDHWM, "SNDHWM", 5, 0, -1},
  {ZMQ_RCVHWM, "RCVHWM", 5, 0, -1},
  {ZMQ_RATE, "RATE", 200, 1, 0},
  {ZMQ_RECOVERY_IVL, "RECOVERY_IVL", 50, 0, -1},
  {ZMQ_SNDBUF, "SNDBUF", 65536, -1, -2},
  {ZMQ_RCVBUF, "RCVBUF", 65536, -1, -2},
  {ZMQ_TOS, "TOS", 0x28, 0, -1},
  {ZMQ_LINGER, "LINGER", 250, -1, -2},
  {ZMQ_CONNECT_TIMEOUT, "CONNECT_TIMEOUT", 500, 0, -1},
  {ZMQ_TCP_MAXRT, "TCP_MAXRT", 500, 0, -1},
  {ZMQ_RECONNECT_IVL, "RECONNECT_IVL", 500, -1, -2},
  {ZMQ_RECONNECT_IVL_MAX, "RECONNECT_IVL_MAX", 500, 0, -1},
  {ZMQ_BACKLOG, "BACKLOG", 10, 0, -1},
  {ZMQ_MULTICAST_HOPS, "MULTICAST_HOPS", 3, 1, 0},
  {ZMQ_MULTICAST_MAXTPDU, "MULTICAST_MAXTPDU", 9000, 1, 0},
  {ZMQ_RCVTIMEO, "RCVTIMEO", 100, -1, -2},
  {ZMQ_SNDTIMEO, "SNDTIMEO", 100, -1, -2},
  {ZMQ_TCP_KEEPALIVE, "TCP_KEEPALIVE", 1, -1, 2},
  {ZMQ_TCP_KEEPALIVE_CNT, "TCP_KEEPALIVE_CNT", 5, -1, -2},
  {ZMQ_TCP_KEEPALIVE_IDLE, "TCP_KEEPALIVE_IDLE", 60, -1, -2},
  {ZMQ_TCP_KEEPALIVE_INTVL, "TCP_KEEPALIVE_INTVL", 10, -1, -2},
  {ZMQ_IMMEDIATE, "IMMEDIATE", 1, 0, 2},
  {ZMQ_HANDSHAKE_IVL, "HANDSHAKE_IVL", 0, 0, -1},
  {ZMQ_HEARTBEAT_IVL, "HEARTBEAT_IVL", 1000, 0, -1},
  {ZMQ_HEARTBEAT_TIMEOUT, "HEARTBEAT_TIMEOUT", 3000, 0, -1},
  {ZMQ_USE_FD, "USE_FD", 7, -1, -2},
};
#define N_INT_RANGES ((int) (sizeof int_ranges / sizeof int_ranges[0]))

static void test_int_roundtrip_and_ranges (void)
{
    void *ctx = zmq_ctx_new ();
    void *s;
    int i, v;
    CHECK (ctx != NULL);
    s = zmq_socket (ctx, ZMQ_DEALER);
    CHECK (s != NULL);
    for (i = 0; i < N_INT_RANGES; i++) {
        const struct int_range *r = &int_ranges[i];
        int ok = 1;
        if (tu_set_int (s, r->option, r->good) != 0
            || get_int (s, r->option, &v) != 0 || v != r->good)
            ok = 0;
        if (ok
            && (tu_set_int (s, r->option, r->lowest) != 0
                || get_int (s, r->option, &v) != 0 || v != r->lowest))
            ok = 0;
        /* A rejected value leaves the option unchanged. */
        if (ok) {
            errno = 0;
            if (tu_set_int (s, r->option, r->bad) != -1 || errno != EINVAL
                || get_int (s, r->option, &v) != 0 || v != r->lowest)
                ok = 0;
        }
        if (!ok) {
            fprintf (stderr, "ZMQ_%s: value %d errno %d\n", r->name, v, errno);
            CHECK (0);
        }
    }
    /* Upper limits are not checked for plain ints. */
    CHECK_OK (tu_set_int (s, ZMQ_SNDHWM, 0x7fffffff));
    CHECK_OK (get_int (s, ZMQ_SNDHWM, &v));
    CHECK_EQ_INT (0x7fffffff, v);
    CHECK_OK (tu_set_int (s, ZMQ_LINGER, 0x7fffffff));
    /* HEARTBEAT_TIMEOUT defaults to -1 but -1 cannot be set back. */
    CHECK_ERR (EINVAL, tu_set_int (s, ZMQ_HEARTBEAT_TIMEOUT, -1));
    CHECK_OK (zmq_close (s));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* Options stored as int demand optvallen == sizeof (int) both ways; a
 * larger buffer is EINVAL too. */
static void test_int_optvallen_rules (void)
{
    void *ctx = zmq_ctx_new ();
    void *s;
    int v = 10;
    int64_t big = 10;
    char c = 1;
    size_t len;
    CHECK (ctx != NULL);
    s = zmq_socket (ctx, ZMQ_DEALER);
    CHECK (s != NULL);
    CHECK_ERR (EINVAL, zmq_setsockopt (s, ZMQ_LINGER, &c, 1));
    CHECK_ERR (EINVAL, zmq_setsockopt (s, ZMQ_LINGER, &big, sizeof big));
    CHECK_ERR (EINVAL, zmq_setsockopt (s, ZMQ_LINGER, &v, 0));
    CHECK_ERR (EINVAL, zmq_setsockopt (s, ZMQ_SNDHWM, &big, sizeof big));
    CHECK_ERR (EINVAL, zmq_setsockopt (s, ZMQ_IPV6, &big, sizeof big));
    CHECK_ERR (EINVAL, zmq_setsockopt (s, ZMQ_CONFLATE, &c, 1));
    len = sizeof big;
    CHECK_ERR (EINVAL, zmq_getsockopt (s, ZMQ_LINGER, &big, &len));
    CHECK_EQ_INT (sizeof big, len);
    len = 2;
    CHECK_ERR (EINVAL, zmq_getsockopt (s, ZMQ_LINGER, &v, &len));
    len = 0;
    CHECK_ERR (EINVAL, zmq_getsockopt (s, ZMQ_TYPE, &v, &len));
    len = sizeof big;
    CHECK_ERR (EINVAL, zmq_getsockopt (s, ZMQ_TYPE, &big, &len));
    len = sizeof big;
    CHECK_ERR (EINVAL, zmq_getsockopt (s, ZMQ_SNDHWM, &big, &len));
    CHECK_OK (zmq_close (s));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ZMQ_RCVMORE, ZMQ_EVENTS, ZMQ_THREAD_SAFE and ZMQ_FD accept a larger buffer:
 * the int is written, the rest zeroed, optvallen set to sizeof (int). A
 * smaller one is EINVAL. */
static void test_socket_level_ints_accept_larger_buffer (void)
{
    void *ctx = zmq_ctx_new ();
    void *s;
    const int opts[] = {ZMQ_RCVMORE, ZMQ_EVENTS, ZMQ_THREAD_SAFE, ZMQ_FD};
    size_t i, len;
    CHECK (ctx != NULL);
    s = zmq_socket (ctx, ZMQ_PUB);
    CHECK (s != NULL);
    for (i = 0; i < sizeof opts / sizeof opts[0]; i++) {
        unsigned char buf[16];
        int v;
        memset (buf, 0xAA, sizeof buf);
        len = sizeof buf;
        CHECK_OK (zmq_getsockopt (s, opts[i], buf, &len));
        CHECK_EQ_INT (sizeof (int), len);
        CHECK_EQ_INT (0, buf[4] | buf[5] | buf[6] | buf[7] | buf[15]);
        memcpy (&v, buf, sizeof v);
        if (opts[i] == ZMQ_EVENTS)
            CHECK_EQ_INT (ZMQ_POLLOUT, v); /* PUB can always send */
        else if (opts[i] == ZMQ_FD)
            CHECK (v >= 0);
        else
            CHECK_EQ_INT (0, v);
        len = sizeof (int) - 1;
        CHECK_ERR (EINVAL, zmq_getsockopt (s, opts[i], buf, &len));
    }
    CHECK_OK (zmq_close (s));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_bool_options (void)
{
    void *ctx = zmq_ctx_new ();
    void *s;
    int v;
    CHECK (ctx != NULL);
    s = zmq_socket (ctx, ZMQ_SUB);
    CHECK (s != NULL);
    /* Strict booleans: only 0 and 1. */
    CHECK_OK (tu_set_int (s, ZMQ_IPV6, 1));
    CHECK_OK (get_int (s, ZMQ_IPV6, &v));
    CHECK_EQ_INT (1, v);
    CHECK_OK (get_int (s, ZMQ_IPV4ONLY, &v));
    CHECK_EQ_INT (0, v);
    CHECK_ERR (EINVAL, tu_set_int (s, ZMQ_IPV6, 2));
    CHECK_ERR (EINVAL, tu_set_int (s, ZMQ_IPV6, -1));
    /* IPV4ONLY is the inverse view of IPV6. */
    CHECK_OK (tu_set_int (s, ZMQ_IPV4ONLY, 1));
    CHECK_OK (get_int (s, ZMQ_IPV6, &v));
    CHECK_EQ_INT (0, v);
    CHECK_ERR (EINVAL, tu_set_int (s, ZMQ_IPV4ONLY, 2));
    CHECK_OK (tu_set_int (s, ZMQ_CONFLATE, 1));
    CHECK_OK (get_int (s, ZMQ_CONFLATE, &v));
    CHECK_EQ_INT (1, v);
    CHECK_ERR (EINVAL, tu_set_int (s, ZMQ_CONFLATE, 2));
    CHECK_OK (get_int (s, ZMQ_CONFLATE, &v));
    CHECK_EQ_INT (1, v);
    /* Relaxed boolean: any non-zero is true and reads back as 1. */
    CHECK_OK (tu_set_int (s, ZMQ_INVERT_MATCHING, 7));
    CHECK_OK (get_int (s, ZMQ_INVERT_MATCHING, &v));
    CHECK_EQ_INT (1, v);
    CHECK_OK (tu_set_int (s, ZMQ_INVERT_MATCHING, -3));
    CHECK_OK (get_int (s, ZMQ_INVERT_MATCHING, &v));
    CHECK_EQ_INT (1, v);
    CHECK_OK (tu_set_int (s, ZMQ_INVERT_MATCHING, 0));
    CHECK_OK (get_int (s, ZMQ_INVERT_MATCHING, &v));
    CHECK_EQ_INT (0, v);
    CHECK_OK (zmq_close (s));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* HEARTBEAT_TTL is stored in deciseconds: the value is truncated to a
 * multiple of 100 ms and must fit 16 bits once divided. */
static void test_heartbeat_ttl_deciseconds (void)
{
    void *ctx = zmq_ctx_new ();
    void *s;
    int v;
    CHECK (ctx != NULL);
    s = zmq_socket (ctx, ZMQ_DEALER);
    CHECK (s != NULL);
    CHECK_OK (tu_set_int (s, ZMQ_HEARTBEAT_TTL, 12345));
    CHECK_OK (get_int (s, ZMQ_HEARTBEAT_TTL, &v));
    CHECK_EQ_INT (12300, v);
    CHECK_OK (tu_set_int (s, ZMQ_HEARTBEAT_TTL, 99));
    CHECK_OK (get_int (s, ZMQ_HEARTBEAT_TTL, &v));
    CHECK_EQ_INT (0, v);
    CHECK_OK (tu_set_int (s, ZMQ_HEARTBEAT_TTL, 6553599));
    CHECK_OK (get_int (s, ZMQ_HEARTBEAT_TTL, &v));
    CHECK_EQ_INT (6553500, v);
    CHECK_ERR (EINVAL, tu_set_int (s, ZMQ_HEARTBEAT_TTL, 6553600));
    CHECK_ERR (EINVAL, tu_set_int (s, ZMQ_HEARTBEAT_TTL, -100));
    /* -99 / 100 truncates to 0, which is accepted. */
    CHECK_OK (tu_set_int (s, ZMQ_HEARTBEAT_TTL, -99));
    CHECK_OK (get_int (s, ZMQ_HEARTBEAT_TTL, &v));
    CHECK_EQ_INT (0, v);
    CHECK_OK (zmq_close (s));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ------------------------------------------------------------------ */
/* 64-bit options                                                      */

static void test_int64_maxmsgsize (void)
{
    void *ctx = zmq_ctx_new ();
    void *s;
    int64_t v = 0;
    int small = 5;
    size_t len = sizeof v;
    CHECK (ctx != NULL);
    s = zmq_socket (ctx, ZMQ_PULL);
    CHECK (s != NULL);
    CHECK_OK (zmq_getsockopt (s, ZMQ_MAXMSGSIZE, &v, &len));
    CHECK_EQ_INT (sizeof (int64_t), len);
    CHECK_EQ_INT (-1, v);
    v = (int64_t) 1 << 40;
    CHECK_OK (zmq_setsockopt (s, ZMQ_MAXMSGSIZE, &v, sizeof v));
    v = 0;
    CHECK_OK (zmq_getsockopt (s, ZMQ_MAXMSGSIZE, &v, &len));
    CHECK (v == ((int64_t) 1 << 40));
    /* No range check at all. */
    v = -5;
    CHECK_OK (zmq_setsockopt (s, ZMQ_MAXMSGSIZE, &v, sizeof v));
    CHECK_OK (zmq_getsockopt (s, ZMQ_MAXMSGSIZE, &v, &len));
    CHECK_EQ_INT (-5, v);
    /* An int is the wrong size both ways. */
    CHECK_ERR (EINVAL, zmq_setsockopt (s, ZMQ_MAXMSGSIZE, &small, sizeof small));
    len = sizeof small;
    CHECK_ERR (EINVAL, zmq_getsockopt (s, ZMQ_MAXMSGSIZE, &small, &len));
    CHECK_OK (zmq_close (s));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_uint64_affinity (void)
{
    void *ctx = zmq_ctx_new ();
    void *s;
    uint64_t v = 99;
    int small = 1;
    size_t len = sizeof v;
    CHECK (ctx != NULL);
    s = zmq_socket (ctx, ZMQ_PUSH);
    CHECK (s != NULL);
    CHECK_OK (zmq_getsockopt (s, ZMQ_AFFINITY, &v, &len));
    CHECK_EQ_INT (sizeof (uint64_t), len);
    CHECK (v == 0);
    v = 0x8000000000000003ULL;
    CHECK_OK (zmq_setsockopt (s, ZMQ_AFFINITY, &v, sizeof v));
    v = 0;
    CHECK_OK (zmq_getsockopt (s, ZMQ_AFFINITY, &v, &len));
    CHECK (v == 0x8000000000000003ULL);
    CHECK_ERR (EINVAL, zmq_setsockopt (s, ZMQ_AFFINITY, &small, sizeof small));
    len = sizeof small;
    CHECK_ERR (EINVAL, zmq_getsockopt (s, ZMQ_AFFINITY, &small, &len));
    CHECK_OK (zmq_close (s));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ------------------------------------------------------------------ */
/* binary and string options                                           */

static void test_routing_id (void)
{
    void *ctx = zmq_ctx_new ();
    void *s;
    unsigned char buf[300];
    unsigned char id[256];
    size_t len;
    int i;
    CHECK (ctx != NULL);
    s = zmq_socket (ctx, ZMQ_DEALER);
    CHECK (s != NULL);
    /* Default: empty, not even a NUL. */
    CHECK_OK (get_buf (s, ZMQ_ROUTING_ID, buf, sizeof buf, &len));
    CHECK_EQ_INT (0, len);
    len = 0;
    CHECK_OK (zmq_getsockopt (s, ZMQ_ROUTING_ID, buf, &len));
    CHECK_EQ_INT (0, len);
    /* Binary, 1..255 bytes. */
    CHECK_OK (zmq_setsockopt (s, ZMQ_ROUTING_ID, "a\0b", 3));
    memset (buf, 0xAA, sizeof buf);
    CHECK_OK (get_buf (s, ZMQ_ROUTING_ID, buf, sizeof buf, &len));
    CHECK_EQ_INT (3, len);
    CHECK_MEM ("a\0b", buf, 3);
    /* The rest of the caller's buffer is zeroed. */
    CHECK_EQ_INT (0, buf[3] | buf[100] | buf[299]);
    /* Too small a buffer: EINVAL, optvallen unchanged. */
    len = 2;
    CHECK_ERR (EINVAL, zmq_getsockopt (s, ZMQ_ROUTING_ID, buf, &len));
    CHECK_EQ_INT (2, len);
    len = 3;
    CHECK_OK (zmq_getsockopt (s, ZMQ_ROUTING_ID, buf, &len));
    CHECK_EQ_INT (3, len);
    for (i = 0; i < 256; i++)
        id[i] = (unsigned char) (i + 1);
    CHECK_OK (zmq_setsockopt (s, ZMQ_ROUTING_ID, id, 255));
    CHECK_OK (get_buf (s, ZMQ_ROUTING_ID, buf, sizeof buf, &len));
    CHECK_EQ_INT (255, len);
    CHECK_MEM (id, buf, 255);
    CHECK_ERR (EINVAL, zmq_setsockopt (s, ZMQ_ROUTING_ID, id, 256));
    CHECK_ERR (EINVAL, zmq_setsockopt (s, ZMQ_ROUTING_ID, id, 0));
    CHECK_ERR (EINVAL, zmq_setsockopt (s, ZMQ_ROUTING_ID, NULL, 0));
    /* Failed sets leave the old value. */
    CHECK_OK (get_buf (s, ZMQ_ROUTING_ID, buf, sizeof buf, &len));
    CHECK_EQ_INT (255, len);
    CHECK_OK (zmq_close (s));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_last_endpoint (void)
{
    void *ctx = zmq_ctx_new ();
    void *s, *c;
    char buf[64];
    size_t len;
    CHECK (ctx != NULL);
    s = zmq_socket (ctx, ZMQ_PAIR);
    c = zmq_socket (ctx, ZMQ_PAIR);
    CHECK (s != NULL && c != NULL);
    /* Default: the empty string, its NUL counted. */
    memset (buf, 'x', sizeof buf);
    CHECK_OK (get_buf (s, ZMQ_LAST_ENDPOINT, buf, sizeof buf, &len));
    CHECK_EQ_INT (1, len);
    CHECK_EQ_INT (0, buf[0]);
    len = 0;
    CHECK_ERR (EINVAL, zmq_getsockopt (s, ZMQ_LAST_ENDPOINT, buf, &len));
    CHECK_OK (zmq_bind (s, "inproc://sockopts-last-endpoint"));
    CHECK_OK (get_buf (s, ZMQ_LAST_ENDPOINT, buf, sizeof buf, &len));
    CHECK_EQ_INT (strlen ("inproc://sockopts-last-endpoint") + 1, len);
    CHECK_EQ_STR ("inproc://sockopts-last-endpoint", buf);
    /* Exactly strlen is one short. */
    len = strlen ("inproc://sockopts-last-endpoint");
    CHECK_ERR (EINVAL, zmq_getsockopt (s, ZMQ_LAST_ENDPOINT, buf, &len));
    /* connect sets it too. */
    CHECK_OK (zmq_connect (c, "inproc://sockopts-last-endpoint"));
    CHECK_OK (get_buf (c, ZMQ_LAST_ENDPOINT, buf, sizeof buf, &len));
    CHECK_EQ_STR ("inproc://sockopts-last-endpoint", buf);
    /* Read-only. */
    CHECK_ERR (EINVAL, zmq_setsockopt (s, ZMQ_LAST_ENDPOINT, "x", 1));
    CHECK_OK (zmq_close (s));
    CHECK_OK (zmq_close (c));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* A string option: default "", set without NUL, read back with NUL. */
static int string_roundtrip (void *s, int option, const char *value)
{
    char buf[300];
    size_t len = sizeof buf;
    if (zmq_setsockopt (s, option, value, strlen (value)) != 0)
        return -1;
    memset (buf, 'x', sizeof buf);
    if (zmq_getsockopt (s, option, buf, &len) != 0)
        return -2;
    if (len != strlen (value) + 1 || strcmp (buf, value) != 0)
        return -3;
    /* One byte short of the NUL: EINVAL. */
    len = strlen (value);
    errno = 0;
    if (zmq_getsockopt (s, option, buf, &len) != -1 || errno != EINVAL)
        return -4;
    return 0;
}

static int string_is_empty (void *s, int option)
{
    char buf[8];
    size_t len = sizeof buf;
    memset (buf, 'x', sizeof buf);
    if (zmq_getsockopt (s, option, buf, &len) != 0)
        return -1;
    return (len == 1 && buf[0] == 0) ? 0 : -2;
}

static void test_string_options (void)
{
    void *ctx = zmq_ctx_new ();
    void *s;
    char long_str[300];
    CHECK (ctx != NULL);
    s = zmq_socket (ctx, ZMQ_DEALER);
    CHECK (s != NULL);
    memset (long_str, 'a', sizeof long_str);

    /* SOCKS_PROXY: any length; NULL/0 clears; non-NULL with 0 is EINVAL. */
    CHECK_OK (string_is_empty (s, ZMQ_SOCKS_PROXY));
    CHECK_OK (string_roundtrip (s, ZMQ_SOCKS_PROXY, "127.0.0.1:1080"));
    CHECK_ERR (EINVAL, zmq_setsockopt (s, ZMQ_SOCKS_PROXY, "", 0));
    CHECK_OK (zmq_setsockopt (s, ZMQ_SOCKS_PROXY, NULL, 0));
    CHECK_OK (string_is_empty (s, ZMQ_SOCKS_PROXY));
    CHECK_OK (zmq_setsockopt (s, ZMQ_SOCKS_PROXY, long_str, 299));

    /* ZAP_DOMAIN: 1..255 bytes; empty (even NULL/0) is EINVAL. */
    CHECK_OK (string_is_empty (s, ZMQ_ZAP_DOMAIN));
    CHECK_OK (string_roundtrip (s, ZMQ_ZAP_DOMAIN, "global"));
    CHECK_ERR (EINVAL, zmq_setsockopt (s, ZMQ_ZAP_DOMAIN, "", 0));
    CHECK_ERR (EINVAL, zmq_setsockopt (s, ZMQ_ZAP_DOMAIN, NULL, 0));
    CHECK_OK (zmq_setsockopt (s, ZMQ_ZAP_DOMAIN, long_str, 255));
    CHECK_ERR (EINVAL, zmq_setsockopt (s, ZMQ_ZAP_DOMAIN, long_str, 256));

    /* BINDTODEVICE: up to IFNAMSIZ (16) bytes, not checked against real
     * interfaces at set time; NULL/0 clears. */
    CHECK_OK (string_is_empty (s, ZMQ_BINDTODEVICE));
    CHECK_OK (string_roundtrip (s, ZMQ_BINDTODEVICE, "lo"));
    CHECK_OK (zmq_setsockopt (s, ZMQ_BINDTODEVICE, "no-such-device99", 16));
    CHECK_ERR (EINVAL,
               zmq_setsockopt (s, ZMQ_BINDTODEVICE, "no-such-device999", 17));
    CHECK_ERR (EINVAL, zmq_setsockopt (s, ZMQ_BINDTODEVICE, "", 0));
    CHECK_OK (zmq_setsockopt (s, ZMQ_BINDTODEVICE, NULL, 0));
    CHECK_OK (string_is_empty (s, ZMQ_BINDTODEVICE));

    CHECK_OK (zmq_close (s));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_plain_options_and_mechanism (void)
{
    void *ctx = zmq_ctx_new ();
    void *s;
    char long_str[300];
    int v;
    CHECK (ctx != NULL);
    s = zmq_socket (ctx, ZMQ_DEALER);
    CHECK (s != NULL);
    memset (long_str, 'p', sizeof long_str);
    CHECK_OK (string_is_empty (s, ZMQ_PLAIN_USERNAME));
    CHECK_OK (string_is_empty (s, ZMQ_PLAIN_PASSWORD));

    /* Setting a username makes the socket a PLAIN client. */
    CHECK_OK (string_roundtrip (s, ZMQ_PLAIN_USERNAME, "admin"));
    CHECK_OK (get_int (s, ZMQ_MECHANISM, &v));
    CHECK_EQ_INT (ZMQ_PLAIN, v);
    CHECK_OK (get_int (s, ZMQ_PLAIN_SERVER, &v));
    CHECK_EQ_INT (0, v);
    CHECK_OK (string_roundtrip (s, ZMQ_PLAIN_PASSWORD, "secret"));
    CHECK_OK (zmq_setsockopt (s, ZMQ_PLAIN_PASSWORD, long_str, 255));
    CHECK_ERR (EINVAL, zmq_setsockopt (s, ZMQ_PLAIN_PASSWORD, long_str, 256));
    CHECK_ERR (EINVAL, zmq_setsockopt (s, ZMQ_PLAIN_USERNAME, "", 0));
    /* NULL/0 resets the mechanism to NULL but keeps the stored string. */
    CHECK_OK (zmq_setsockopt (s, ZMQ_PLAIN_USERNAME, NULL, 0));
    CHECK_OK (get_int (s, ZMQ_MECHANISM, &v));
    CHECK_EQ_INT (ZMQ_NULL, v);
    {
        char buf[16];
        size_t len = sizeof buf;
        CHECK_OK (zmq_getsockopt (s, ZMQ_PLAIN_USERNAME, buf, &len));
        CHECK_EQ_STR ("admin", buf);
    }

    /* PLAIN_SERVER: 0 or 1; 1 selects PLAIN as server, 0 selects NULL. */
    CHECK_OK (tu_set_int (s, ZMQ_PLAIN_SERVER, 1));
    CHECK_OK (get_int (s, ZMQ_PLAIN_SERVER, &v));
    CHECK_EQ_INT (1, v);
    CHECK_OK (get_int (s, ZMQ_MECHANISM, &v));
    CHECK_EQ_INT (ZMQ_PLAIN, v);
    CHECK_ERR (EINVAL, tu_set_int (s, ZMQ_PLAIN_SERVER, 2));
    /* A username/password makes it a client again. */
    CHECK_OK (zmq_setsockopt (s, ZMQ_PLAIN_PASSWORD, "pw", 2));
    CHECK_OK (get_int (s, ZMQ_PLAIN_SERVER, &v));
    CHECK_EQ_INT (0, v);
    CHECK_OK (tu_set_int (s, ZMQ_PLAIN_SERVER, 1));
    CHECK_OK (tu_set_int (s, ZMQ_PLAIN_SERVER, 0));
    CHECK_OK (get_int (s, ZMQ_MECHANISM, &v));
    CHECK_EQ_INT (ZMQ_NULL, v);
    /* MECHANISM is read-only. */
    CHECK_ERR (EINVAL, tu_set_int (s, ZMQ_MECHANISM, ZMQ_PLAIN));
    CHECK_OK (zmq_close (s));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* CURVE keys: 32 binary bytes or 40 Z85 characters (with or without a
 * trailing NUL) on set; 32 bytes or 41 (Z85 + NUL) on get, nothing else.
 * Without CURVE built in, every CURVE option is EINVAL. */
static void test_curve_options (void)
{
    void *ctx = zmq_ctx_new ();
    void *s;
    const int keys[] = {ZMQ_CURVE_PUBLICKEY, ZMQ_CURVE_SECRETKEY,
                        ZMQ_CURVE_SERVERKEY};
    char pub_z85[41], sec_z85[41], z85[41];
    unsigned char bin[32], zero[32];
    size_t len, i;
    int v;
    CHECK (ctx != NULL);
    s = zmq_socket (ctx, ZMQ_DEALER);
    CHECK (s != NULL);
    memset (zero, 0, sizeof zero);
    /* zmqrs always has the CURVE key options (the mechanism arrives with
       security); real libzmq built with libsodium has them too. */
    CHECK_OK (zmq_curve_keypair (pub_z85, sec_z85));
    for (i = 0; i < 3; i++) {
        /* Default: all zero; its Z85 form is forty '0'. */
        memset (bin, 0xAA, sizeof bin);
        len = 32;
        CHECK_OK (zmq_getsockopt (s, keys[i], bin, &len));
        CHECK_EQ_INT (32, len);
        CHECK_MEM (zero, bin, 32);
        len = 41;
        CHECK_OK (zmq_getsockopt (s, keys[i], z85, &len));
        CHECK_EQ_INT (41, len);
        CHECK_EQ_STR ("0000000000000000000000000000000000000000", z85);
        /* Other lengths are EINVAL, including 40 and 64. */
        len = 40;
        CHECK_ERR (EINVAL, zmq_getsockopt (s, keys[i], z85, &len));
        len = 31;
        CHECK_ERR (EINVAL, zmq_getsockopt (s, keys[i], z85, &len));
        {
            char big[64];
            len = sizeof big;
            CHECK_ERR (EINVAL, zmq_getsockopt (s, keys[i], big, &len));
        }
    }
    /* Z85 with its NUL (41 bytes). */
    CHECK_OK (zmq_setsockopt (s, ZMQ_CURVE_PUBLICKEY, pub_z85, 41));
    len = 41;
    CHECK_OK (zmq_getsockopt (s, ZMQ_CURVE_PUBLICKEY, z85, &len));
    CHECK_EQ_STR (pub_z85, z85);
    /* Z85 without NUL (40 bytes). */
    CHECK_OK (zmq_setsockopt (s, ZMQ_CURVE_SECRETKEY, sec_z85, 40));
    len = 41;
    CHECK_OK (zmq_getsockopt (s, ZMQ_CURVE_SECRETKEY, z85, &len));
    CHECK_EQ_STR (sec_z85, z85);
    /* Binary form round trip and the Z85 view of it. */
    CHECK (zmq_z85_decode (bin, pub_z85) != NULL);
    CHECK_OK (zmq_setsockopt (s, ZMQ_CURVE_SERVERKEY, bin, 32));
    len = 41;
    CHECK_OK (zmq_getsockopt (s, ZMQ_CURVE_SERVERKEY, z85, &len));
    CHECK_EQ_STR (pub_z85, z85);
    memset (bin, 0, sizeof bin);
    len = 32;
    CHECK_OK (zmq_getsockopt (s, ZMQ_CURVE_SERVERKEY, bin, &len));
    CHECK_OK (zmq_getsockopt (s, ZMQ_CURVE_PUBLICKEY, z85, &len));
    CHECK_MEM (z85, bin, 32);
    /* Bad lengths and bad Z85 text. */
    CHECK_ERR (EINVAL, zmq_setsockopt (s, ZMQ_CURVE_PUBLICKEY, bin, 31));
    CHECK_ERR (EINVAL, zmq_setsockopt (s, ZMQ_CURVE_PUBLICKEY, bin, 33));
    CHECK_ERR (EINVAL, zmq_setsockopt (s, ZMQ_CURVE_PUBLICKEY, pub_z85, 39));
    CHECK_ERR (EINVAL, zmq_setsockopt (s, ZMQ_CURVE_PUBLICKEY,
                                       "\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\""
                                       "\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"",
                                       40));
    /* Setting any key selects CURVE. */
    CHECK_OK (get_int (s, ZMQ_MECHANISM, &v));
    CHECK_EQ_INT (ZMQ_CURVE, v);
    CHECK_OK (get_int (s, ZMQ_CURVE_SERVER, &v));
    CHECK_EQ_INT (0, v);
    CHECK_OK (tu_set_int (s, ZMQ_CURVE_SERVER, 1));
    CHECK_OK (get_int (s, ZMQ_CURVE_SERVER, &v));
    CHECK_EQ_INT (1, v);
    CHECK_OK (get_int (s, ZMQ_PLAIN_SERVER, &v));
    CHECK_EQ_INT (0, v);
    CHECK_ERR (EINVAL, tu_set_int (s, ZMQ_CURVE_SERVER, 2));
    /* Setting the server key makes the socket a client. */
    CHECK_OK (zmq_setsockopt (s, ZMQ_CURVE_SERVERKEY, pub_z85, 41));
    CHECK_OK (get_int (s, ZMQ_CURVE_SERVER, &v));
    CHECK_EQ_INT (0, v);
    CHECK_OK (tu_set_int (s, ZMQ_CURVE_SERVER, 0));
    CHECK_OK (get_int (s, ZMQ_MECHANISM, &v));
    CHECK_EQ_INT (ZMQ_NULL, v);
    CHECK_OK (zmq_close (s));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* GSSAPI options exist only when libzmq is built with GSSAPI; otherwise
 * EINVAL both ways. */
static void test_gssapi_options (void)
{
    void *ctx = zmq_ctx_new ();
    void *s;
    int v;
    CHECK (ctx != NULL);
    s = zmq_socket (ctx, ZMQ_DEALER);
    CHECK (s != NULL);
    if (!zmq_has ("gssapi")) {
        char buf[16];
        size_t len = sizeof buf;
        CHECK_ERR (EINVAL, get_int (s, ZMQ_GSSAPI_SERVER, &v));
        CHECK_ERR (EINVAL, tu_set_int (s, ZMQ_GSSAPI_SERVER, 1));
        CHECK_ERR (EINVAL, get_int (s, ZMQ_GSSAPI_PLAINTEXT, &v));
        CHECK_ERR (EINVAL, zmq_getsockopt (s, ZMQ_GSSAPI_PRINCIPAL, buf, &len));
        CHECK_ERR (EINVAL, zmq_setsockopt (s, ZMQ_GSSAPI_PRINCIPAL, "p", 1));
        CHECK_ERR (EINVAL, get_int (s, ZMQ_GSSAPI_PRINCIPAL_NAMETYPE, &v));
    } else {
        CHECK_OK (get_int (s, ZMQ_GSSAPI_SERVER, &v));
        CHECK_EQ_INT (0, v);
        CHECK_OK (get_int (s, ZMQ_GSSAPI_PLAINTEXT, &v));
        CHECK_EQ_INT (0, v);
        CHECK_OK (get_int (s, ZMQ_GSSAPI_PRINCIPAL_NAMETYPE, &v));
        CHECK_EQ_INT (ZMQ_GSSAPI_NT_HOSTBASED, v);
        CHECK_OK (get_int (s, ZMQ_GSSAPI_SERVICE_PRINCIPAL_NAMETYPE, &v));
        CHECK_EQ_INT (ZMQ_GSSAPI_NT_HOSTBASED, v);
        CHECK_OK (string_is_empty (s, ZMQ_GSSAPI_PRINCIPAL));
        CHECK_OK (string_roundtrip (s, ZMQ_GSSAPI_PRINCIPAL, "svc/host"));
        CHECK_OK (get_int (s, ZMQ_MECHANISM, &v));
        CHECK_EQ_INT (ZMQ_GSSAPI, v);
        CHECK_ERR (EINVAL, tu_set_int (s, ZMQ_GSSAPI_PRINCIPAL_NAMETYPE, 3));
    }
    CHECK_OK (zmq_close (s));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ------------------------------------------------------------------ */
/* options for some socket types only                                  */

static void test_subscribe_only_on_sub (void)
{
    void *ctx = zmq_ctx_new ();
    const int others[] = {ZMQ_PAIR,   ZMQ_PUB,  ZMQ_REQ,  ZMQ_REP,
                          ZMQ_DEALER, ZMQ_ROUTER, ZMQ_PULL, ZMQ_PUSH,
                          ZMQ_XPUB,   ZMQ_XSUB, ZMQ_STREAM};
    void *s;
    size_t i;
    CHECK (ctx != NULL);
    s = zmq_socket (ctx, ZMQ_SUB);
    CHECK (s != NULL);
    CHECK_OK (zmq_setsockopt (s, ZMQ_SUBSCRIBE, "topic", 5));
    CHECK_OK (zmq_setsockopt (s, ZMQ_SUBSCRIBE, "", 0));
    CHECK_OK (zmq_setsockopt (s, ZMQ_SUBSCRIBE, NULL, 0));
    CHECK_OK (zmq_setsockopt (s, ZMQ_SUBSCRIBE, "a\0b", 3));
    CHECK_OK (zmq_setsockopt (s, ZMQ_UNSUBSCRIBE, "topic", 5));
    /* Cancelling something never subscribed is fine. */
    CHECK_OK (zmq_setsockopt (s, ZMQ_UNSUBSCRIBE, "never", 5));
    CHECK_OK (zmq_close (s));
    /* XSUB subscribes by sending messages, not by option. */
    for (i = 0; i < sizeof others / sizeof others[0]; i++) {
        s = zmq_socket (ctx, others[i]);
        CHECK (s != NULL);
        CHECK_ERR (EINVAL, zmq_setsockopt (s, ZMQ_SUBSCRIBE, "t", 1));
        CHECK_ERR (EINVAL, zmq_setsockopt (s, ZMQ_UNSUBSCRIBE, "t", 1));
        CHECK_OK (zmq_close (s));
    }
    CHECK_OK (zmq_ctx_term (ctx));
}

/* Sets a type-specific int option on each stable type; `ok_mask` has bit
 * (1 << type) set for the types that accept it. Reports every mismatch. */
static int check_type_specific (void *ctx, int option, int value, int ok_mask)
{
    int i, bad = 0;
    for (i = 0; i < N_STABLE_TYPES; i++) {
        void *s = zmq_socket (ctx, stable_types[i]);
        int rc, expect_ok = (ok_mask >> stable_types[i]) & 1;
        if (s == NULL)
            return -1;
        errno = 0;
        rc = tu_set_int (s, option, value);
        if (expect_ok ? rc != 0 : (rc != -1 || errno != EINVAL)) {
            fprintf (stderr, "option %d on type %d: rc %d errno %d\n", option,
                     stable_types[i], rc, errno);
            bad = 1;
        }
        zmq_close (s);
    }
    return bad ? -1 : 0;
}

#define T(type) (1 << (type))

/* Type-specific options follow libzmq's class tree: REP is a ROUTER, REQ is
 * a DEALER, PUB is an XPUB, SUB is an XSUB (but SUB only takes
 * SUBSCRIBE/UNSUBSCRIBE of its own). */
static void test_type_specific_options (void)
{
    void *ctx = zmq_ctx_new ();
    const int router_like = T (ZMQ_ROUTER) | T (ZMQ_REP);
    const int xpub_like = T (ZMQ_XPUB) | T (ZMQ_PUB);
    CHECK (ctx != NULL);
    CHECK_OK (check_type_specific (ctx, ZMQ_ROUTER_MANDATORY, 1, router_like));
    CHECK_OK (check_type_specific (ctx, ZMQ_ROUTER_HANDOVER, 1, router_like));
    CHECK_OK (check_type_specific (ctx, ZMQ_ROUTER_RAW, 0, router_like));
    CHECK_OK (check_type_specific (ctx, ZMQ_PROBE_ROUTER, 1,
                                   router_like | T (ZMQ_DEALER)
                                     | T (ZMQ_REQ)));
    CHECK_OK (check_type_specific (ctx, ZMQ_REQ_CORRELATE, 1, T (ZMQ_REQ)));
    CHECK_OK (check_type_specific (ctx, ZMQ_REQ_RELAXED, 1, T (ZMQ_REQ)));
    CHECK_OK (check_type_specific (ctx, ZMQ_XPUB_VERBOSE, 1, xpub_like));
    CHECK_OK (check_type_specific (ctx, ZMQ_XPUB_VERBOSER, 1, xpub_like));
    CHECK_OK (check_type_specific (ctx, ZMQ_XPUB_NODROP, 1, xpub_like));
    CHECK_OK (check_type_specific (ctx, ZMQ_XPUB_MANUAL, 1, xpub_like));
    CHECK_OK (check_type_specific (ctx, ZMQ_STREAM_NOTIFY, 0, T (ZMQ_STREAM)));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_type_specific_ranges (void)
{
    void *ctx = zmq_ctx_new ();
    void *router, *req, *dealer, *xpub, *stream;
    int64_t big = 1;
    CHECK (ctx != NULL);
    router = zmq_socket (ctx, ZMQ_ROUTER);
    req = zmq_socket (ctx, ZMQ_REQ);
    dealer = zmq_socket (ctx, ZMQ_DEALER);
    xpub = zmq_socket (ctx, ZMQ_XPUB);
    stream = zmq_socket (ctx, ZMQ_STREAM);
    CHECK (router && req && dealer && xpub && stream);
    /* These take any value >= 0 (non-zero is on). */
    CHECK_OK (tu_set_int (router, ZMQ_ROUTER_MANDATORY, 42));
    CHECK_OK (tu_set_int (router, ZMQ_ROUTER_MANDATORY, 0));
    CHECK_ERR (EINVAL, tu_set_int (router, ZMQ_ROUTER_MANDATORY, -1));
    CHECK_ERR (EINVAL, zmq_setsockopt (router, ZMQ_ROUTER_MANDATORY, &big,
                                       sizeof big));
    CHECK_ERR (EINVAL, tu_set_int (router, ZMQ_ROUTER_HANDOVER, -1));
    CHECK_ERR (EINVAL, tu_set_int (router, ZMQ_PROBE_ROUTER, -1));
    CHECK_ERR (EINVAL, tu_set_int (req, ZMQ_REQ_CORRELATE, -1));
    CHECK_ERR (EINVAL, tu_set_int (req, ZMQ_REQ_RELAXED, -1));
    CHECK_OK (tu_set_int (req, ZMQ_PROBE_ROUTER, 5));
    CHECK_ERR (EINVAL, tu_set_int (dealer, ZMQ_PROBE_ROUTER, -1));
    CHECK_OK (tu_set_int (xpub, ZMQ_XPUB_VERBOSE, 3));
    CHECK_ERR (EINVAL, tu_set_int (xpub, ZMQ_XPUB_VERBOSE, -1));
    CHECK_ERR (EINVAL, tu_set_int (xpub, ZMQ_XPUB_NODROP, -1));
    CHECK_ERR (EINVAL,
               zmq_setsockopt (xpub, ZMQ_XPUB_MANUAL, &big, sizeof big));
    /* The welcome message is any binary, empty clears it. */
    CHECK_OK (zmq_setsockopt (xpub, ZMQ_XPUB_WELCOME_MSG, "hi", 2));
    CHECK_OK (zmq_setsockopt (xpub, ZMQ_XPUB_WELCOME_MSG, NULL, 0));
    /* With XPUB_MANUAL, SUBSCRIBE is accepted on an XPUB. */
    CHECK_ERR (EINVAL, zmq_setsockopt (xpub, ZMQ_SUBSCRIBE, "x", 1));
    CHECK_OK (tu_set_int (xpub, ZMQ_XPUB_MANUAL, 1));
    CHECK_OK (zmq_setsockopt (xpub, ZMQ_SUBSCRIBE, "x", 1));
    CHECK_OK (zmq_setsockopt (xpub, ZMQ_UNSUBSCRIBE, "x", 1));
    /* STREAM_NOTIFY is a strict boolean. */
    CHECK_OK (tu_set_int (stream, ZMQ_STREAM_NOTIFY, 1));
    CHECK_ERR (EINVAL, tu_set_int (stream, ZMQ_STREAM_NOTIFY, 2));
    /* CONNECT_ROUTING_ID: ROUTER and STREAM only, 1+ bytes. */
    CHECK_OK (zmq_setsockopt (router, ZMQ_CONNECT_ROUTING_ID, "peer", 4));
    CHECK_OK (zmq_setsockopt (stream, ZMQ_CONNECT_ROUTING_ID, "peer", 4));
    CHECK_ERR (EINVAL, zmq_setsockopt (router, ZMQ_CONNECT_ROUTING_ID, "", 0));
    CHECK_ERR (EINVAL,
               zmq_setsockopt (router, ZMQ_CONNECT_ROUTING_ID, NULL, 0));
    CHECK_ERR (EINVAL,
               zmq_setsockopt (dealer, ZMQ_CONNECT_ROUTING_ID, "peer", 4));
    CHECK_ERR (EINVAL, zmq_setsockopt (req, ZMQ_CONNECT_ROUTING_ID, "peer", 4));
    /* REP is a ROUTER underneath. */
    {
        void *rep = zmq_socket (ctx, ZMQ_REP);
        CHECK (rep != NULL);
        CHECK_OK (zmq_setsockopt (rep, ZMQ_CONNECT_ROUTING_ID, "peer", 4));
        CHECK_OK (zmq_close (rep));
    }
    /* PUB is an XPUB underneath: with XPUB_MANUAL it takes SUBSCRIBE. */
    {
        void *pub = zmq_socket (ctx, ZMQ_PUB);
        CHECK (pub != NULL);
        CHECK_ERR (EINVAL, zmq_setsockopt (pub, ZMQ_SUBSCRIBE, "x", 1));
        CHECK_OK (tu_set_int (pub, ZMQ_XPUB_MANUAL, 1));
        CHECK_OK (zmq_setsockopt (pub, ZMQ_SUBSCRIBE, "x", 1));
        CHECK_OK (zmq_close (pub));
    }
    CHECK_OK (zmq_close (router));
    CHECK_OK (zmq_close (req));
    CHECK_OK (zmq_close (dealer));
    CHECK_OK (zmq_close (xpub));
    CHECK_OK (zmq_close (stream));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* Options that can be set but not read: getsockopt is EINVAL, even on the
 * socket type that accepts them. */
static void test_write_only_options (void)
{
    void *ctx = zmq_ctx_new ();
    struct
    {
        int type, option;
    } wo[] = {{ZMQ_SUB, ZMQ_SUBSCRIBE},
              {ZMQ_SUB, ZMQ_UNSUBSCRIBE},
              {ZMQ_ROUTER, ZMQ_ROUTER_MANDATORY},
              {ZMQ_ROUTER, ZMQ_ROUTER_RAW},
              {ZMQ_ROUTER, ZMQ_ROUTER_HANDOVER},
              {ZMQ_ROUTER, ZMQ_PROBE_ROUTER},
              {ZMQ_ROUTER, ZMQ_CONNECT_ROUTING_ID},
              {ZMQ_REQ, ZMQ_REQ_CORRELATE},
              {ZMQ_REQ, ZMQ_REQ_RELAXED},
              {ZMQ_XPUB, ZMQ_XPUB_VERBOSE},
              {ZMQ_XPUB, ZMQ_XPUB_VERBOSER},
              {ZMQ_XPUB, ZMQ_XPUB_NODROP},
              {ZMQ_XPUB, ZMQ_XPUB_MANUAL},
              {ZMQ_XPUB, ZMQ_XPUB_WELCOME_MSG},
              {ZMQ_STREAM, ZMQ_STREAM_NOTIFY},
              {ZMQ_DEALER, ZMQ_TCP_ACCEPT_FILTER},
              {ZMQ_DEALER, ZMQ_IPC_FILTER_UID},
              {ZMQ_DEALER, ZMQ_IPC_FILTER_GID},
              {ZMQ_DEALER, ZMQ_IPC_FILTER_PID}};
    size_t i;
    CHECK (ctx != NULL);
    for (i = 0; i < sizeof wo / sizeof wo[0]; i++) {
        void *s = zmq_socket (ctx, wo[i].type);
        char buf[64];
        size_t len = sizeof (int);
        CHECK (s != NULL);
        errno = 0;
        if (zmq_getsockopt (s, wo[i].option, buf, &len) != -1
            || errno != EINVAL) {
            fprintf (stderr, "option %d readable on type %d\n", wo[i].option,
                     wo[i].type);
            CHECK (0);
        }
        len = sizeof buf;
        CHECK_ERR (EINVAL, zmq_getsockopt (s, wo[i].option, buf, &len));
        CHECK_OK (zmq_close (s));
    }
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_unknown_option (void)
{
    void *ctx = zmq_ctx_new ();
    void *s;
    int v = 1;
    size_t len = sizeof v;
    /* 1, 2, 3 are unused; 70 is ZMQ_BLOCKY (a context option); 85..88 are
     * the VMCI options (transport not built). */
    const int bad[] = {-1, 0, 1, 2, 3, 10, 70, 85, 86, 87, 88, 9999};
    size_t i;
    CHECK (ctx != NULL);
    s = zmq_socket (ctx, ZMQ_DEALER);
    CHECK (s != NULL);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        len = sizeof v;
        CHECK_ERR (EINVAL, zmq_setsockopt (s, bad[i], &v, sizeof v));
        CHECK_ERR (EINVAL, zmq_getsockopt (s, bad[i], &v, &len));
    }
    /* Read-only options cannot be set. */
    CHECK_ERR (EINVAL, tu_set_int (s, ZMQ_TYPE, ZMQ_PAIR));
    CHECK_ERR (EINVAL, tu_set_int (s, ZMQ_RCVMORE, 1));
    CHECK_ERR (EINVAL, tu_set_int (s, ZMQ_FD, 3));
    CHECK_ERR (EINVAL, tu_set_int (s, ZMQ_EVENTS, 1));
    CHECK_ERR (EINVAL, tu_set_int (s, ZMQ_THREAD_SAFE, 1));
    CHECK_OK (zmq_close (s));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_accept_and_ipc_filters (void)
{
    void *ctx = zmq_ctx_new ();
    void *s;
    uid_t uid = getuid ();
    gid_t gid = getgid ();
    pid_t pid = getpid ();
    int64_t big = 0;
    CHECK (ctx != NULL);
    s = zmq_socket (ctx, ZMQ_ROUTER);
    CHECK (s != NULL);
    CHECK_OK (zmq_setsockopt (s, ZMQ_TCP_ACCEPT_FILTER, "127.0.0.1", 9));
    CHECK_OK (zmq_setsockopt (s, ZMQ_TCP_ACCEPT_FILTER, "10.0.0.0/8", 10));
    CHECK_ERR (EINVAL,
               zmq_setsockopt (s, ZMQ_TCP_ACCEPT_FILTER, "not-an-ip", 9));
    CHECK_ERR (EINVAL, zmq_setsockopt (s, ZMQ_TCP_ACCEPT_FILTER, "", 0));
    CHECK_OK (zmq_setsockopt (s, ZMQ_TCP_ACCEPT_FILTER, NULL, 0));
    CHECK_OK (zmq_setsockopt (s, ZMQ_IPC_FILTER_UID, &uid, sizeof uid));
    CHECK_OK (zmq_setsockopt (s, ZMQ_IPC_FILTER_UID, NULL, 0));
    CHECK_OK (zmq_setsockopt (s, ZMQ_IPC_FILTER_GID, &gid, sizeof gid));
    CHECK_OK (zmq_setsockopt (s, ZMQ_IPC_FILTER_PID, &pid, sizeof pid));
    CHECK_ERR (EINVAL, zmq_setsockopt (s, ZMQ_IPC_FILTER_PID, &big, sizeof big));
    CHECK_ERR (EINVAL, zmq_setsockopt (s, ZMQ_IPC_FILTER_UID, &big, 2));
    CHECK_OK (zmq_close (s));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ------------------------------------------------------------------ */
/* ZMQ_RCVMORE, ZMQ_FD, ZMQ_EVENTS                                     */

static void test_rcvmore (void)
{
    void *ctx = zmq_ctx_new ();
    void *a, *b;
    char buf[8];
    int v, timeo = 2000;
    CHECK (ctx != NULL);
    a = zmq_socket (ctx, ZMQ_PAIR);
    b = zmq_socket (ctx, ZMQ_PAIR);
    CHECK (a && b);
    CHECK_OK (zmq_setsockopt (b, ZMQ_RCVTIMEO, &timeo, sizeof timeo));
    CHECK_OK (zmq_bind (a, "inproc://sockopts-rcvmore"));
    CHECK_OK (zmq_connect (b, "inproc://sockopts-rcvmore"));
    CHECK_EQ_INT (1, zmq_send (a, "1", 1, ZMQ_SNDMORE));
    CHECK_EQ_INT (1, zmq_send (a, "2", 1, 0));
    CHECK_EQ_INT (1, zmq_recv (b, buf, sizeof buf, 0));
    CHECK_OK (get_int (b, ZMQ_RCVMORE, &v));
    CHECK_EQ_INT (1, v);
    /* The sender's RCVMORE is untouched. */
    CHECK_OK (get_int (a, ZMQ_RCVMORE, &v));
    CHECK_EQ_INT (0, v);
    CHECK_EQ_INT (1, zmq_recv (b, buf, sizeof buf, 0));
    CHECK_OK (get_int (b, ZMQ_RCVMORE, &v));
    CHECK_EQ_INT (0, v);
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_fd_is_valid (void)
{
    void *ctx = zmq_ctx_new ();
    void *a, *b;
    int fd_a = -1, fd_b = -1, fd2 = -1;
    size_t len;
    CHECK (ctx != NULL);
    a = zmq_socket (ctx, ZMQ_PAIR);
    b = zmq_socket (ctx, ZMQ_DEALER);
    CHECK (a && b);
    len = sizeof fd_a;
    CHECK_OK (zmq_getsockopt (a, ZMQ_FD, &fd_a, &len));
    CHECK_EQ_INT (sizeof (int), len);
    len = sizeof fd_b;
    CHECK_OK (zmq_getsockopt (b, ZMQ_FD, &fd_b, &len));
    CHECK (fd_a >= 0 && fd_b >= 0);
    CHECK (fd_a != fd_b);
    CHECK (fcntl (fd_a, F_GETFD) != -1);
    CHECK (fcntl (fd_b, F_GETFL) != -1);
    /* Stable for the socket's life. */
    len = sizeof fd2;
    CHECK_OK (zmq_getsockopt (a, ZMQ_FD, &fd2, &len));
    CHECK_EQ_INT (fd_a, fd2);
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_ctx_term (ctx));
}

static int events_of (void *s)
{
    int v = -1;
    size_t len = sizeof v;
    if (zmq_getsockopt (s, ZMQ_EVENTS, &v, &len) != 0)
        return -1;
    return v;
}

static void test_events_unconnected (void)
{
    void *ctx = zmq_ctx_new ();
    /* Before any peer: sockets that route to a specific or any peer have
     * nowhere to send, except the ones that drop or route by id. */
    struct
    {
        int type, events;
    } t[] = {{ZMQ_PAIR, 0},           {ZMQ_PUB, ZMQ_POLLOUT},
             {ZMQ_SUB, 0},            {ZMQ_REQ, 0},
             {ZMQ_REP, 0},            {ZMQ_DEALER, 0},
             {ZMQ_ROUTER, ZMQ_POLLOUT}, {ZMQ_PULL, 0},
             {ZMQ_PUSH, 0},           {ZMQ_XPUB, ZMQ_POLLOUT},
             {ZMQ_XSUB, ZMQ_POLLOUT}, {ZMQ_STREAM, ZMQ_POLLOUT}};
    size_t i;
    CHECK (ctx != NULL);
    for (i = 0; i < sizeof t / sizeof t[0]; i++) {
        void *s = zmq_socket (ctx, t[i].type);
        int ev;
        CHECK (s != NULL);
        ev = events_of (s);
        if (ev != t[i].events) {
            fprintf (stderr, "type %d: ZMQ_EVENTS %d, expected %d\n",
                     t[i].type, ev, t[i].events);
            CHECK (0);
        }
        CHECK_OK (zmq_close (s));
    }
    /* ROUTER_MANDATORY without peers: not writable. */
    {
        void *r = zmq_socket (ctx, ZMQ_ROUTER);
        CHECK (r != NULL);
        CHECK_OK (tu_set_int (r, ZMQ_ROUTER_MANDATORY, 1));
        CHECK_EQ_INT (0, events_of (r));
        CHECK_OK (zmq_close (r));
    }
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_events_connected (void)
{
    void *ctx = zmq_ctx_new ();
    void *push, *pull, *req, *rep;
    char buf[8];
    int hwm = 2, i;
    CHECK (ctx != NULL);
    push = zmq_socket (ctx, ZMQ_PUSH);
    pull = zmq_socket (ctx, ZMQ_PULL);
    req = zmq_socket (ctx, ZMQ_REQ);
    rep = zmq_socket (ctx, ZMQ_REP);
    CHECK (push && pull && req && rep);
    CHECK_OK (zmq_setsockopt (push, ZMQ_SNDHWM, &hwm, sizeof hwm));
    CHECK_OK (zmq_setsockopt (pull, ZMQ_RCVHWM, &hwm, sizeof hwm));
    CHECK_OK (zmq_bind (pull, "inproc://sockopts-events-pp"));
    CHECK_OK (zmq_connect (push, "inproc://sockopts-events-pp"));
    CHECK_EQ_INT (ZMQ_POLLOUT, events_of (push));
    CHECK_EQ_INT (0, events_of (pull));
    CHECK_EQ_INT (1, zmq_send (push, "x", 1, 0));
    CHECK_EQ_INT (ZMQ_POLLIN, events_of (pull));
    /* Fill the pipe: sndhwm + rcvhwm messages in all, then no POLLOUT. */
    for (i = 1; i < 64 && (events_of (push) & ZMQ_POLLOUT); i++)
        CHECK_EQ_INT (1, zmq_send (push, "x", 1, ZMQ_DONTWAIT));
    CHECK_EQ_INT (0, events_of (push));
    CHECK (i >= hwm);
    CHECK_ERR (EAGAIN, zmq_send (push, "x", 1, ZMQ_DONTWAIT));
    /* Drain: writable again, nothing left to read. */
    while (events_of (pull) & ZMQ_POLLIN)
        CHECK_EQ_INT (1, zmq_recv (pull, buf, sizeof buf, ZMQ_DONTWAIT));
    CHECK_EQ_INT (0, events_of (pull));
    CHECK_EQ_INT (ZMQ_POLLOUT, events_of (push));

    /* REQ/REP: the state machine shows in ZMQ_EVENTS. */
    CHECK_OK (zmq_bind (rep, "inproc://sockopts-events-rr"));
    CHECK_OK (zmq_connect (req, "inproc://sockopts-events-rr"));
    CHECK_EQ_INT (ZMQ_POLLOUT, events_of (req));
    CHECK_EQ_INT (0, events_of (rep));
    CHECK_EQ_INT (1, zmq_send (req, "q", 1, 0));
    CHECK_EQ_INT (0, events_of (req));
    CHECK_EQ_INT (ZMQ_POLLIN, events_of (rep));
    CHECK_EQ_INT (1, zmq_recv (rep, buf, sizeof buf, 0));
    CHECK_EQ_INT (ZMQ_POLLOUT, events_of (rep));
    CHECK_EQ_INT (1, zmq_send (rep, "a", 1, 0));
    CHECK_EQ_INT (0, events_of (rep));
    CHECK_EQ_INT (ZMQ_POLLIN, events_of (req));
    CHECK_EQ_INT (1, zmq_recv (req, buf, sizeof buf, 0));
    CHECK_EQ_INT (ZMQ_POLLOUT, events_of (req));

    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_close (pull));
    CHECK_OK (zmq_close (req));
    CHECK_OK (zmq_close (rep));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ------------------------------------------------------------------ */
/* handle errors                                                       */

static void test_null_socket (void)
{
    int v = 0;
    size_t len = sizeof v;
    CHECK_ERR (ENOTSOCK, zmq_setsockopt (NULL, ZMQ_LINGER, &v, sizeof v));
    CHECK_ERR (ENOTSOCK, zmq_getsockopt (NULL, ZMQ_LINGER, &v, &len));
    CHECK_ERR (ENOTSOCK, zmq_getsockopt (NULL, ZMQ_FD, &v, &len));
    CHECK_ERR (ENOTSOCK, zmq_close (NULL));
}

/* Once a socket has seen the context shut down (any call that processes
 * commands: here a recv), option calls fail with ETERM. */
static void test_options_after_ctx_shutdown (void)
{
    void *ctx = zmq_ctx_new ();
    void *s;
    char buf[4];
    int v = 0;
    size_t len = sizeof v;
    CHECK (ctx != NULL);
    s = zmq_socket (ctx, ZMQ_PULL);
    CHECK (s != NULL);
    CHECK_OK (zmq_ctx_shutdown (ctx));
    CHECK_ERR (ETERM, zmq_recv (s, buf, sizeof buf, ZMQ_DONTWAIT));
    CHECK_ERR (ETERM, zmq_setsockopt (s, ZMQ_LINGER, &v, sizeof v));
    CHECK_ERR (ETERM, zmq_getsockopt (s, ZMQ_LINGER, &v, &len));
    CHECK_ERR (ETERM, zmq_getsockopt (s, ZMQ_EVENTS, &v, &len));
    CHECK_ERR (ETERM, zmq_getsockopt (s, ZMQ_FD, &v, &len));
    CHECK_OK (zmq_close (s));
    CHECK_OK (zmq_ctx_term (ctx));
}

#ifndef ZMQRS_SKIP_DRAFT
/* Draft options (ZMQ_BUILD_DRAFT_API). */
static void test_draft_options (void)
{
    void *ctx = zmq_ctx_new ();
    void *dealer, *router, *xpub, *xsub, *sub;
    int v;
    char buf[300];
    size_t len;
    CHECK (ctx != NULL);
    dealer = zmq_socket (ctx, ZMQ_DEALER);
    router = zmq_socket (ctx, ZMQ_ROUTER);
    xpub = zmq_socket (ctx, ZMQ_XPUB);
    xsub = zmq_socket (ctx, ZMQ_XSUB);
    sub = zmq_socket (ctx, ZMQ_SUB);
    CHECK (dealer && router && xpub && xsub && sub);

    /* Defaults. */
    CHECK_OK (get_int (dealer, ZMQ_IN_BATCH_SIZE, &v));
    CHECK_EQ_INT (8192, v);
    CHECK_OK (get_int (dealer, ZMQ_OUT_BATCH_SIZE, &v));
    CHECK_EQ_INT (8192, v);
    CHECK_OK (get_int (dealer, ZMQ_PRIORITY, &v));
    CHECK_EQ_INT (0, v);
    CHECK_OK (get_int (dealer, ZMQ_ROUTER_NOTIFY, &v));
    CHECK_EQ_INT (0, v);
    CHECK_OK (get_int (dealer, ZMQ_ZAP_ENFORCE_DOMAIN, &v));
    CHECK_EQ_INT (0, v);
    CHECK_OK (get_int (dealer, ZMQ_LOOPBACK_FASTPATH, &v));
    CHECK_EQ_INT (0, v);
    CHECK_OK (get_int (dealer, ZMQ_MULTICAST_LOOP, &v));
    CHECK_EQ_INT (1, v);
    CHECK_OK (get_int (dealer, ZMQ_RECONNECT_STOP, &v));
    CHECK_EQ_INT (0, v);
    CHECK_OK (string_is_empty (dealer, ZMQ_SOCKS_USERNAME));
    CHECK_OK (string_is_empty (dealer, ZMQ_SOCKS_PASSWORD));

    /* Ranges. */
    CHECK_OK (tu_set_int (dealer, ZMQ_IN_BATCH_SIZE, 1));
    CHECK_ERR (EINVAL, tu_set_int (dealer, ZMQ_IN_BATCH_SIZE, 0));
    CHECK_OK (tu_set_int (dealer, ZMQ_OUT_BATCH_SIZE, 100000));
    CHECK_OK (get_int (dealer, ZMQ_OUT_BATCH_SIZE, &v));
    CHECK_EQ_INT (100000, v);
    CHECK_ERR (EINVAL, tu_set_int (dealer, ZMQ_OUT_BATCH_SIZE, -1));
    CHECK_OK (tu_set_int (dealer, ZMQ_PRIORITY, 3));
    CHECK_OK (get_int (dealer, ZMQ_PRIORITY, &v));
    CHECK_EQ_INT (3, v);
    CHECK_ERR (EINVAL, tu_set_int (dealer, ZMQ_PRIORITY, -1));
    CHECK_OK (tu_set_int (dealer, ZMQ_RECONNECT_STOP, -7));
    CHECK_OK (get_int (dealer, ZMQ_RECONNECT_STOP, &v));
    CHECK_EQ_INT (-7, v);
    CHECK_OK (tu_set_int (dealer, ZMQ_ZAP_ENFORCE_DOMAIN, 9));
    CHECK_OK (get_int (dealer, ZMQ_ZAP_ENFORCE_DOMAIN, &v));
    CHECK_EQ_INT (1, v);
    CHECK_OK (tu_set_int (dealer, ZMQ_MULTICAST_LOOP, 0));
    CHECK_OK (get_int (dealer, ZMQ_MULTICAST_LOOP, &v));
    CHECK_EQ_INT (0, v);
#ifdef ZMQ_BUSY_POLL /* new in 4.3.5's draft API, like the ones below */
    /* BUSY_POLL can be set, but 4.3.5 never reports success reading it. */
    CHECK_OK (tu_set_int (dealer, ZMQ_BUSY_POLL, 1));
    CHECK_ERR (EINVAL, get_int (dealer, ZMQ_BUSY_POLL, &v));
#endif

    /* ROUTER_NOTIFY: ROUTER only, 0..3; readable anywhere. */
    CHECK_OK (tu_set_int (router, ZMQ_ROUTER_NOTIFY,
                          ZMQ_NOTIFY_CONNECT | ZMQ_NOTIFY_DISCONNECT));
    CHECK_OK (get_int (router, ZMQ_ROUTER_NOTIFY, &v));
    CHECK_EQ_INT (3, v);
    CHECK_ERR (EINVAL, tu_set_int (router, ZMQ_ROUTER_NOTIFY, 4));
    CHECK_ERR (EINVAL, tu_set_int (dealer, ZMQ_ROUTER_NOTIFY, 1));

    /* SOCKS user/password: up to 255 bytes, NULL or empty clears. */
    CHECK_OK (string_roundtrip (dealer, ZMQ_SOCKS_USERNAME, "user"));
    CHECK_OK (zmq_setsockopt (dealer, ZMQ_SOCKS_USERNAME, "", 0));
    CHECK_OK (string_is_empty (dealer, ZMQ_SOCKS_USERNAME));
    CHECK_OK (string_roundtrip (dealer, ZMQ_SOCKS_PASSWORD, "pw"));
    CHECK_OK (zmq_setsockopt (dealer, ZMQ_SOCKS_PASSWORD, NULL, 0));
    memset (buf, 'u', sizeof buf);
    CHECK_ERR (EINVAL, zmq_setsockopt (dealer, ZMQ_SOCKS_USERNAME, buf, 256));

    /* METADATA: "X-key:value", write-only. */
    CHECK_OK (zmq_setsockopt (dealer, ZMQ_METADATA, "X-color:red", 11));
    CHECK_ERR (EINVAL, zmq_setsockopt (dealer, ZMQ_METADATA, "color:red", 9));
    CHECK_ERR (EINVAL, zmq_setsockopt (dealer, ZMQ_METADATA, "X-color:", 8));
    CHECK_ERR (EINVAL, zmq_setsockopt (dealer, ZMQ_METADATA, ":red", 4));
    CHECK_ERR (EINVAL, zmq_setsockopt (dealer, ZMQ_METADATA, "X-color", 7));
    len = sizeof buf;
    CHECK_ERR (EINVAL, zmq_getsockopt (dealer, ZMQ_METADATA, buf, &len));

    /* HELLO/DISCONNECT/HICCUP messages: any bytes, write-only. */
    CHECK_OK (zmq_setsockopt (dealer, ZMQ_HELLO_MSG, "hello", 5));
    CHECK_OK (zmq_setsockopt (router, ZMQ_DISCONNECT_MSG, "bye", 3));
#ifdef ZMQ_HICCUP_MSG
    CHECK_OK (zmq_setsockopt (dealer, ZMQ_HICCUP_MSG, "oops", 4));
#endif
    CHECK_OK (zmq_setsockopt (dealer, ZMQ_HELLO_MSG, NULL, 0));
    len = sizeof buf;
    CHECK_ERR (EINVAL, zmq_getsockopt (dealer, ZMQ_HELLO_MSG, buf, &len));

    /* XPUB/XSUB extras. */
    CHECK_OK (tu_set_int (xpub, ZMQ_XPUB_MANUAL_LAST_VALUE, 1));
    CHECK_OK (tu_set_int (xpub, ZMQ_ONLY_FIRST_SUBSCRIBE, 1));
    CHECK_OK (tu_set_int (xsub, ZMQ_ONLY_FIRST_SUBSCRIBE, 1));
    CHECK_ERR (EINVAL, tu_set_int (xsub, ZMQ_ONLY_FIRST_SUBSCRIBE, -1));
    CHECK_ERR (EINVAL, tu_set_int (dealer, ZMQ_ONLY_FIRST_SUBSCRIBE, 1));
#ifdef ZMQ_XSUB_VERBOSE_UNSUBSCRIBE
    CHECK_OK (tu_set_int (xsub, ZMQ_XSUB_VERBOSE_UNSUBSCRIBE, 1));
    CHECK_ERR (EINVAL, tu_set_int (xpub, ZMQ_XSUB_VERBOSE_UNSUBSCRIBE, 1));
#endif

#ifdef ZMQ_TOPICS_COUNT
    /* TOPICS_COUNT: XPUB and XSUB (so SUB) only. */
    CHECK_OK (get_int (xpub, ZMQ_TOPICS_COUNT, &v));
    CHECK_EQ_INT (0, v);
    CHECK_OK (get_int (sub, ZMQ_TOPICS_COUNT, &v));
    CHECK_EQ_INT (0, v);
    CHECK_OK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "a", 1));
    CHECK_OK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "b", 1));
    CHECK_OK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "a", 1));
    /* A repeated subscription counts again; a cancel takes one off. */
    CHECK_OK (get_int (sub, ZMQ_TOPICS_COUNT, &v));
    CHECK_EQ_INT (3, v);
    CHECK_OK (zmq_setsockopt (sub, ZMQ_UNSUBSCRIBE, "a", 1));
    CHECK_OK (get_int (sub, ZMQ_TOPICS_COUNT, &v));
    CHECK_EQ_INT (2, v);
    CHECK_ERR (EINVAL, get_int (dealer, ZMQ_TOPICS_COUNT, &v));
#endif

    CHECK_OK (zmq_close (dealer));
    CHECK_OK (zmq_close (router));
    CHECK_OK (zmq_close (xpub));
    CHECK_OK (zmq_close (xsub));
    CHECK_OK (zmq_close (sub));
    CHECK_OK (zmq_ctx_term (ctx));
}
#endif

#ifndef ZMQRS_SKIP_HARDENED
/* libzmq reads freed memory here; zmqrs answers ENOTSOCK. */
static void test_closed_socket (void)
{
    void *ctx = zmq_ctx_new ();
    void *s;
    int v = 0;
    size_t len = sizeof v;
    CHECK (ctx != NULL);
    s = zmq_socket (ctx, ZMQ_PAIR);
    CHECK (s != NULL);
    CHECK_OK (zmq_close (s));
    CHECK_ERR (ENOTSOCK, zmq_setsockopt (s, ZMQ_LINGER, &v, sizeof v));
    CHECK_ERR (ENOTSOCK, zmq_getsockopt (s, ZMQ_LINGER, &v, &len));
    CHECK_ERR (ENOTSOCK, zmq_getsockopt (s, ZMQ_FD, &v, &len));
    CHECK_ERR (ENOTSOCK, zmq_close (s));
    CHECK_OK (zmq_ctx_term (ctx));
    CHECK_ERR (ENOTSOCK, zmq_getsockopt (s, ZMQ_TYPE, &v, &len));
}

/* libzmq dereferences these pointers; zmqrs answers EFAULT. */
static void test_null_option_pointers (void)
{
    void *ctx = zmq_ctx_new ();
    void *s;
    int v = 0;
    size_t len = sizeof v;
    CHECK (ctx != NULL);
    s = zmq_socket (ctx, ZMQ_PAIR);
    CHECK (s != NULL);
    CHECK_ERR (EFAULT, zmq_getsockopt (s, ZMQ_LINGER, &v, NULL));
    CHECK_ERR (EFAULT, zmq_getsockopt (s, ZMQ_LINGER, NULL, &len));
    CHECK_ERR (EFAULT, zmq_setsockopt (s, ZMQ_LINGER, NULL, sizeof v));
    /* NULL with length 0 stays meaningful where libzmq accepts it. */
    CHECK_OK (zmq_setsockopt (s, ZMQ_SOCKS_PROXY, NULL, 0));
    CHECK_OK (zmq_close (s));
    CHECK_OK (zmq_ctx_term (ctx));
}
#endif

int main (void)
{
    RUN (test_socket_every_stable_type);
    RUN (test_socket_unknown_type);
    RUN (test_socket_emfile);
    RUN (test_int_defaults);
    RUN (test_ctx_options_seed_socket_defaults);
    RUN (test_int_roundtrip_and_ranges);
    RUN (test_int_optvallen_rules);
    RUN (test_socket_level_ints_accept_larger_buffer);
    RUN (test_bool_options);
    RUN (test_heartbeat_ttl_deciseconds);
    RUN (test_int64_maxmsgsize);
    RUN (test_uint64_affinity);
    RUN (test_routing_id);
    RUN (test_last_endpoint);
    RUN (test_string_options);
    RUN (test_plain_options_and_mechanism);
    RUN (test_curve_options);
    RUN (test_gssapi_options);
    RUN (test_subscribe_only_on_sub);
    RUN (test_type_specific_options);
    RUN (test_type_specific_ranges);
    RUN (test_write_only_options);
    RUN (test_unknown_option);
    RUN (test_accept_and_ipc_filters);
    RUN (test_rcvmore);
    RUN (test_fd_is_valid);
    RUN (test_events_unconnected);
    RUN (test_events_connected);
    RUN (test_null_socket);
    RUN (test_options_after_ctx_shutdown);
#ifndef ZMQRS_SKIP_DRAFT
    RUN (test_draft_options);
#endif
#ifndef ZMQRS_SKIP_HARDENED
    RUN (test_closed_socket);
    RUN (test_null_option_pointers);
#endif
    return test_summary ();
}
