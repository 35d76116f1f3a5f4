/* test_radio_dish.c - the draft RADIO and DISH socket types: groups
 * (zmq_msg_set_group / zmq_msg_group, 255 octets at most), zmq_join and
 * zmq_leave with libzmq's errno, a RADIO sending each message only to the
 * DISHes that joined its group, over inproc, ipc, tcp (JOIN / LEAVE
 * commands, sent again after a reconnect) and udp (unicast, multicast,
 * ZMQ_MULTICAST_LOOP); bad input: multipart sends, malformed or oversized
 * datagrams (dropped, the next one delivered), a JOIN naming a group of
 * 256 octets (the connection is dropped, others keep working). */
#include <pthread.h>
#include <stdint.h>
#include <zmq.h>

#include "rawtcp.h"
#include "testutil.h"

/* Sends body in group from the RADIO; the zmq_msg_send result. */
static int radio_send (void *radio, const char *group, const char *body)
{
    zmq_msg_t m;
    size_t n = strlen (body);
    int rc;
    if (zmq_msg_init_size (&m, n) != 0)
        return -1;
    memcpy (zmq_msg_data (&m), body, n);
    if (zmq_msg_set_group (&m, group) != 0) {
        zmq_msg_close (&m);
        return -1;
    }
    rc = zmq_msg_send (&m, radio, 0);
    if (rc < 0) {
        int err = errno;
        zmq_msg_close (&m);
        errno = err;
    }
    return rc;
}

/* Receives one message on the DISH (flags: 0 or ZMQ_DONTWAIT) and checks
 * its group and body. 0, or -1 with nothing (or something else) there. */
static int dish_recv (void *dish, const char *group, const char *body,
                      int flags)
{
    zmq_msg_t m;
    int rc, ok;
    zmq_msg_init (&m);
    rc = zmq_msg_recv (&m, dish, flags);
    ok = rc == (int) strlen (body)
         && memcmp (zmq_msg_data (&m), body, strlen (body)) == 0
         && strcmp (zmq_msg_group (&m), group) == 0 && !zmq_msg_more (&m);
    zmq_msg_close (&m);
    return ok ? 0 : -1;
}

/* Sends probes in group until the DISH hears one (its JOIN reached the
 * RADIO), then drains what else came. 0, or -1 after 5 s. */
static int await_join (void *radio, void *dish, const char *group)
{
    int i;
    for (i = 0; i < 500; i++) {
        if (radio_send (radio, group, "probe") < 0)
            return -1;
        tu_sleep_ms (10);
        if (dish_recv (dish, group, "probe", ZMQ_DONTWAIT) == 0) {
            while (dish_recv (dish, group, "probe", ZMQ_DONTWAIT) == 0)
                ;
            return 0;
        }
    }
    return -1;
}

/* Nothing arrives on the DISH within 100 ms. */
static int dish_quiet (void *dish)
{
    char buf[16];
    tu_sleep_ms (100);
    return zmq_recv (dish, buf, sizeof buf, ZMQ_DONTWAIT) < 0 && errno == EAGAIN
             ? 0
             : -1;
}

/* A free udp port on 127.0.0.1 (bound, read back, released). */
static int free_udp_port (void)
{
    struct sockaddr_in sa = raw_loopback (0);
    socklen_t len = sizeof sa;
    int fd = socket (AF_INET, SOCK_DGRAM, 0), port = -1;
    if (fd < 0)
        return -1;
    if (bind (fd, (struct sockaddr *) &sa, sizeof sa) == 0
        && getsockname (fd, (struct sockaddr *) &sa, &len) == 0)
        port = ntohs (sa.sin_port);
    close (fd);
    return port;
}

/* One datagram to 127.0.0.1:port. */
static void udp_send_raw (int port, const void *data, size_t len)
{
    struct sockaddr_in to = raw_loopback (port);
    int fd = socket (AF_INET, SOCK_DGRAM, 0);
    CHECK (fd >= 0);
    CHECK_EQ_INT ((int) len, (int) sendto (fd, data, len, 0,
                                           (struct sockaddr *) &to, sizeof to));
    close (fd);
}

static void test_errors (void)
{
    void *ctx = zmq_ctx_new ();
    void *radio = tu_socket (ctx, ZMQ_RADIO), *dish = tu_socket (ctx, ZMQ_DISH);
    void *pub = tu_socket (ctx, ZMQ_PUB);
    char long_group[258];
    int v = 0;
    zmq_msg_t m;
    CHECK (zmq_has ("draft"));
    CHECK_OK (tu_get_int (radio, ZMQ_THREAD_SAFE, &v));
    CHECK_EQ_INT (1, v);
    CHECK_OK (tu_get_int (dish, ZMQ_THREAD_SAFE, &v));
    CHECK_EQ_INT (1, v);
    CHECK_OK (tu_get_int (dish, ZMQ_LINGER, &v));
    CHECK_EQ_INT (0, v);
    /* Joining: 255 octets at most, once; leaving what was joined. */
    memset (long_group, 'g', 256);
    long_group[256] = '\0';
    CHECK_ERR (EINVAL, zmq_join (dish, long_group));
    long_group[255] = '\0';
    CHECK_OK (zmq_join (dish, long_group));
    CHECK_OK (zmq_join (dish, "Movies"));
    CHECK_ERR (EINVAL, zmq_join (dish, "Movies"));
    CHECK_ERR (EINVAL, zmq_leave (dish, "TV"));
    CHECK_OK (zmq_leave (dish, "Movies"));
    CHECK_ERR (EINVAL, zmq_leave (dish, "Movies"));
    CHECK_ERR (EFAULT, zmq_join (dish, NULL));
    CHECK_ERR (ENOTSUP, zmq_join (radio, "TV"));
    CHECK_ERR (ENOTSUP, zmq_leave (pub, "TV"));
    /* One direction each, single part. */
    CHECK_ERR (ENOTSUP, zmq_send (dish, "x", 1, ZMQ_DONTWAIT));
    CHECK_ERR (ENOTSUP, zmq_recv (radio, long_group, 8, ZMQ_DONTWAIT));
    CHECK_ERR (EINVAL, zmq_send (radio, "x", 1, ZMQ_SNDMORE));
    /* udp: a DISH or DGRAM binds, a RADIO connects; no other type. */
    CHECK_ERR (ENOCOMPATPROTO, zmq_bind (radio, "udp://127.0.0.1:5556"));
    CHECK_ERR (ENOCOMPATPROTO, zmq_connect (dish, "udp://127.0.0.1:5556"));
    CHECK_ERR (ENOCOMPATPROTO, zmq_bind (pub, "udp://127.0.0.1:5556"));
    CHECK_ERR (EINVAL, zmq_connect (radio, "udp://127.0.0.1"));
    CHECK_ERR (EINVAL, zmq_connect (radio, "udp://lo;127.0.0.1:5556"));
    /* A group is cut at 255 octets, as libzmq does. */
    zmq_msg_init (&m);
    memset (long_group, 'h', 257);
    long_group[257] = '\0';
    CHECK_OK (zmq_msg_set_group (&m, long_group));
    CHECK_EQ_INT (255, (int) strlen (zmq_msg_group (&m)));
    CHECK_OK (zmq_msg_set_group (&m, "TV"));
    CHECK_EQ_STR ("TV", zmq_msg_group (&m));
    zmq_msg_close (&m);
    zmq_close (pub);
    zmq_close (dish);
    zmq_close (radio);
    CHECK_OK (zmq_ctx_term (ctx));
}

/* RADIO bound at endpoint (or the DISH bound, when dish_binds), a DISH
 * connected: only joined groups arrive; join and leave while connected. */
static void exchange (const char *endpoint, int dish_binds)
{
    void *ctx = zmq_ctx_new (), *radio, *dish;
    char group[201];
    memset (group, 'G', 200);
    group[200] = '\0';
    if (dish_binds)
        CHECK_OK (tu_bind_connect (ctx, ZMQ_DISH, ZMQ_RADIO, endpoint, &dish,
                                   &radio));
    else
        CHECK_OK (tu_bind_connect (ctx, ZMQ_RADIO, ZMQ_DISH, endpoint, &radio,
                                   &dish));
    CHECK_OK (zmq_join (dish, "Movies"));
    CHECK_OK (await_join (radio, dish, "Movies"));
    CHECK_EQ_INT (7, radio_send (radio, "TV", "Friends"));
    CHECK_EQ_INT (9, radio_send (radio, "Movies", "Godfather"));
    CHECK_OK (dish_recv (dish, "Movies", "Godfather", 0));
    CHECK_OK (dish_quiet (dish));
    /* Join while connected; a long group. */
    CHECK_OK (zmq_join (dish, "TV"));
    CHECK_OK (zmq_join (dish, group));
    CHECK_OK (await_join (radio, dish, "TV"));
    CHECK_OK (await_join (radio, dish, group));
    CHECK_EQ_INT (7, radio_send (radio, "TV", "Friends"));
    CHECK_EQ_INT (4, radio_send (radio, group, "long"));
    CHECK_OK (dish_recv (dish, "TV", "Friends", 0));
    CHECK_OK (dish_recv (dish, group, "long", 0));
    /* Leave: TV stops, Movies goes on (in order, nothing lost). */
    CHECK_OK (zmq_leave (dish, "TV"));
    tu_sleep_ms (100);
    CHECK_EQ_INT (7, radio_send (radio, "TV", "Friends"));
    CHECK_EQ_INT (5, radio_send (radio, "Movies", "Alien"));
    CHECK_OK (dish_recv (dish, "Movies", "Alien", 0));
    CHECK_OK (dish_quiet (dish));
    zmq_close (dish);
    zmq_close (radio);
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_inproc (void)
{
    exchange ("inproc://radio-dish", 0);
}
static void test_ipc (void)
{
    exchange ("ipc://*", 0);
}
static void test_tcp (void)
{
    exchange ("tcp://127.0.0.1:*", 0);
}
static void test_tcp_dish_binds (void)
{
    exchange ("tcp://127.0.0.1:*", 1);
}

/* Two DISHes with different groups hear only their own; zmq_poll sees a
 * DISH readable only for a joined group. */
static void test_two_dishes_and_poll (void)
{
    void *ctx = zmq_ctx_new ();
    void *radio = tu_bound (ctx, ZMQ_RADIO, "tcp://127.0.0.1:*");
    void *a = tu_socket (ctx, ZMQ_DISH), *b = tu_socket (ctx, ZMQ_DISH);
    char ep[256];
    zmq_pollitem_t items[2];
    CHECK (radio != NULL);
    CHECK_OK (tu_last_endpoint (radio, ep, sizeof ep));
    CHECK_OK (zmq_join (a, "A"));
    CHECK_OK (zmq_join (b, "B"));
    CHECK_OK (zmq_connect (a, ep));
    CHECK_OK (zmq_connect (b, ep));
    CHECK_OK (await_join (radio, a, "A"));
    CHECK_OK (await_join (radio, b, "B"));
    CHECK_EQ_INT (2, radio_send (radio, "B", "to"));
    CHECK_EQ_INT (2, radio_send (radio, "A", "to"));
    items[0].socket = a;
    items[1].socket = b;
    items[0].events = items[1].events = ZMQ_POLLIN;
    CHECK_EQ_INT (2, zmq_poll (items, 2, 2000));
    CHECK_OK (dish_recv (a, "A", "to", 0));
    CHECK_OK (dish_recv (b, "B", "to", 0));
    CHECK_OK (dish_quiet (a));
    CHECK_OK (dish_quiet (b));
    CHECK_EQ_INT (0, zmq_poll (items, 2, 50));
    zmq_close (a);
    zmq_close (b);
    zmq_close (radio);
    CHECK_OK (zmq_ctx_term (ctx));
}

/* The RADIO goes away and comes back on the same port: the DISH tells the
 * new one its groups again. */
static void test_joins_survive_reconnect (void)
{
    void *ctx = zmq_ctx_new ();
    void *radio = tu_bound (ctx, ZMQ_RADIO, "tcp://127.0.0.1:*");
    void *dish = tu_socket (ctx, ZMQ_DISH);
    char ep[256];
    CHECK (radio != NULL);
    CHECK_OK (tu_last_endpoint (radio, ep, sizeof ep));
    CHECK_OK (tu_set_int (dish, ZMQ_RECONNECT_IVL, 20));
    CHECK_OK (zmq_join (dish, "news"));
    CHECK_OK (zmq_connect (dish, ep));
    CHECK_OK (await_join (radio, dish, "news"));
    zmq_close (radio);
    tu_sleep_ms (50);
    radio = tu_socket (ctx, ZMQ_RADIO);
    CHECK_OK (tu_bind_retry (radio, ep));
    CHECK_OK (await_join (radio, dish, "news"));
    CHECK_EQ_INT (5, radio_send (radio, "news", "again"));
    CHECK_OK (dish_recv (dish, "news", "again", 0));
    zmq_close (dish);
    zmq_close (radio);
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ZMQ_XPUB_NODROP: a RADIO whose joined DISH does not read gets EAGAIN
 * instead of dropping. */
static void test_nodrop (void)
{
    void *ctx = zmq_ctx_new (), *radio, *dish;
    int i, rc = 0;
    CHECK_OK (tu_bind_connect (ctx, ZMQ_RADIO, ZMQ_DISH, "inproc://nodrop",
                               &radio, &dish));
    CHECK_OK (tu_set_int (radio, ZMQ_XPUB_NODROP, 1));
    CHECK_OK (tu_set_int (radio, ZMQ_SNDHWM, 10));
    CHECK_OK (zmq_join (dish, ""));
    CHECK_OK (await_join (radio, dish, ""));
    for (i = 0; i < 10000 && rc >= 0; i++)
        rc = radio_send (radio, "", "x");
    CHECK_EQ_INT (-1, rc);
    CHECK_EQ_INT (EAGAIN, errno);
    CHECK (i > 1 && i < 10000);
    zmq_close (dish);
    zmq_close (radio);
    CHECK_OK (zmq_ctx_term (ctx));
}

/* udp unicast: the DISH hears every group on the wire but delivers only
 * its own; the largest datagram (8192 octets) passes, a larger message is
 * not sent. */
static void test_udp_unicast (void)
{
    void *ctx = zmq_ctx_new ();
    void *radio = tu_socket (ctx, ZMQ_RADIO), *dish = tu_socket (ctx, ZMQ_DISH);
    char ep[64], last[64];
    static char big[8192];
    int port = free_udp_port ();
    zmq_msg_t m;
    CHECK (port > 0);
    snprintf (ep, sizeof ep, "udp://127.0.0.1:%d", port);
    CHECK_OK (zmq_bind (dish, ep));
    CHECK_OK (tu_last_endpoint (dish, last, sizeof last));
    CHECK_EQ_STR (ep + 6, last);
    CHECK_OK (zmq_connect (radio, ep));
    CHECK_OK (zmq_join (dish, "TV"));
    CHECK_OK (await_join (radio, dish, "TV"));
    CHECK_EQ_INT (6, radio_send (radio, "Movies", "Aliens"));
    CHECK_EQ_INT (7, radio_send (radio, "TV", "Friends"));
    CHECK_OK (dish_recv (dish, "TV", "Friends", 0));
    /* 1 + 2 (group) + 8189 = 8192 passes; one octet more is dropped. */
    memset (big, 'b', sizeof big);
    big[8189] = '\0';
    CHECK_EQ_INT (8189, radio_send (radio, "TV", big));
    zmq_msg_init (&m);
    CHECK_EQ_INT (8189, zmq_msg_recv (&m, dish, 0));
    zmq_msg_close (&m);
    big[8189] = 'b';
    big[8190] = '\0';
    CHECK_EQ_INT (8190, radio_send (radio, "TV", big));
    CHECK_EQ_INT (2, radio_send (radio, "TV", "ok"));
    CHECK_OK (dish_recv (dish, "TV", "ok", 0));
    zmq_close (dish);
    zmq_close (radio);
    CHECK_OK (zmq_ctx_term (ctx));
}

/* Datagrams from a stranger: empty, a group running past the end, a group
 * with a NUL, one over 8192 octets. Each is dropped whole; the good one
 * after them is delivered. */
static void test_udp_bad_datagrams (void)
{
    void *ctx = zmq_ctx_new ();
    void *dish = tu_socket (ctx, ZMQ_DISH);
    static unsigned char huge[9000];
    char ep[64];
    int port = free_udp_port ();
    CHECK (port > 0);
    snprintf (ep, sizeof ep, "udp://127.0.0.1:%d", port);
    CHECK_OK (zmq_bind (dish, ep));
    CHECK_OK (zmq_join (dish, "TV"));
    CHECK_OK (zmq_join (dish, ""));
    tu_sleep_ms (50);
    udp_send_raw (port, "", 0);
    udp_send_raw (port, "\x05TV", 3);
    udp_send_raw (port, "\x03T\0V!", 5);
    huge[0] = 2;
    memcpy (huge + 1, "TV", 2);
    memset (huge + 3, 'h', sizeof huge - 3);
    udp_send_raw (port, huge, sizeof huge);
    udp_send_raw (port, "\x02TVgood", 7);
    CHECK_OK (dish_recv (dish, "TV", "good", 0));
    CHECK_OK (dish_quiet (dish));
    /* An empty group and an empty body are a valid datagram. */
    udp_send_raw (port, "\x00", 1);
    CHECK_OK (dish_recv (dish, "", "", 0));
    zmq_close (dish);
    CHECK_OK (zmq_ctx_term (ctx));
}

/* Whether a multicast datagram to group:port comes back over loopback
 * here (CI machines may have no multicast route). */
static int multicast_available (const char *group, int port)
{
    struct sockaddr_in any = raw_loopback (port), to = raw_loopback (port);
    struct ip_mreq mreq;
    struct timeval tv = {0, 200000};
    char buf[8];
    int r = socket (AF_INET, SOCK_DGRAM, 0), s = socket (AF_INET, SOCK_DGRAM, 0);
    int one = 1, ok = 0;
    any.sin_addr.s_addr = htonl (INADDR_ANY);
    inet_pton (AF_INET, group, &to.sin_addr);
    mreq.imr_multiaddr = to.sin_addr;
    mreq.imr_interface.s_addr = htonl (INADDR_ANY);
    if (r >= 0 && s >= 0
        && setsockopt (r, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0
        && bind (r, (struct sockaddr *) &any, sizeof any) == 0
        && setsockopt (r, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof mreq)
             == 0
        && setsockopt (r, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0
        && sendto (s, "m", 1, 0, (struct sockaddr *) &to, sizeof to) == 1)
        ok = recv (r, buf, sizeof buf, 0) == 1;
    if (r >= 0)
        close (r);
    if (s >= 0)
        close (s);
    return ok;
}

/* udp multicast on loopback: delivered with ZMQ_MULTICAST_LOOP (the
 * default), not without; ZMQ_MULTICAST_HOPS is accepted. */
static void test_udp_multicast (void)
{
    int loop;
    for (loop = 1; loop >= 0; loop--) {
        void *ctx = zmq_ctx_new ();
        void *radio = tu_socket (ctx, ZMQ_RADIO);
        void *dish = tu_socket (ctx, ZMQ_DISH);
        char ep[64];
        int port = free_udp_port ();
        CHECK (port > 0);
        if (!multicast_available ("239.0.0.7", port)) {
            printf ("SKIP test_udp_multicast: no multicast on this machine\n");
            zmq_close (dish);
            zmq_close (radio);
            zmq_ctx_term (ctx);
            return;
        }
        snprintf (ep, sizeof ep, "udp://239.0.0.7:%d", port);
        CHECK_OK (tu_set_int (radio, ZMQ_MULTICAST_LOOP, loop));
        CHECK_OK (tu_set_int (radio, ZMQ_MULTICAST_HOPS, 2));
        CHECK_OK (zmq_bind (dish, ep));
        CHECK_OK (zmq_connect (radio, ep));
        CHECK_OK (zmq_join (dish, "TV"));
        if (loop) {
            CHECK_OK (await_join (radio, dish, "TV"));
            CHECK_EQ_INT (7, radio_send (radio, "TV", "Friends"));
            CHECK_OK (dish_recv (dish, "TV", "Friends", 0));
        } else {
            CHECK_EQ_INT (7, radio_send (radio, "TV", "Friends"));
            CHECK_OK (dish_quiet (dish));
        }
        zmq_close (dish);
        zmq_close (radio);
        CHECK_OK (zmq_ctx_term (ctx));
    }
}

/* A peer that says it is a DISH and sends a JOIN of 256 octets loses its
 * connection (ZMQ_EVENT_DISCONNECTED); a real DISH keeps being served. */
static void test_bad_join_drops_connection (void)
{
    void *ctx = zmq_ctx_new ();
    void *radio = tu_bound (ctx, ZMQ_RADIO, "tcp://127.0.0.1:*");
    void *mon, *dish = tu_socket (ctx, ZMQ_DISH);
    unsigned char cmd[300];
    char ep[256], buf[64];
    tu_event_t ev;
    int fd, got = 0;
    CHECK (radio != NULL);
    CHECK_OK (tu_last_endpoint (radio, ep, sizeof ep));
    mon = tu_monitor (ctx, radio, "inproc://radio-mon",
                      ZMQ_EVENT_DISCONNECTED);
    CHECK (mon != NULL);
    fd = raw_connect (tu_port_of (ep));
    CHECK (fd >= 0);
    CHECK_OK (raw_handshake (fd, 1, "DISH", NULL, NULL));
    /* A long command frame: \4JOIN and 256 octets of group. */
    memset (cmd, 0, 9);
    cmd[0] = 0x06;
    cmd[7] = 1; /* 261 = 0x0105 */
    cmd[8] = 5;
    memcpy (cmd + 9, "\x04JOIN", 5);
    memset (cmd + 14, 'g', 256);
    CHECK_EQ_INT (9 + 5 + 256, raw_write (fd, cmd, 9 + 5 + 256));
    CHECK_OK (tu_read_event (mon, &ev, TU_TIMEOUT_MS));
    CHECK_EQ_INT (ZMQ_EVENT_DISCONNECTED, ev.event);
    /* The socket closed on our side too. */
    CHECK (recv (fd, buf, sizeof buf, 0) <= 0);
    close (fd);
    CHECK_OK (zmq_join (dish, "ok"));
    CHECK_OK (zmq_connect (dish, ep));
    CHECK_OK (await_join (radio, dish, "ok"));
    CHECK_EQ_INT (2, radio_send (radio, "ok", "hi"));
    got = dish_recv (dish, "ok", "hi", 0) == 0;
    CHECK (got);
    zmq_close (mon);
    zmq_close (dish);
    zmq_close (radio);
    CHECK_OK (zmq_ctx_term (ctx));
}

typedef struct
{
    void *radio;
    int from;
} sender_t;

#define PER_THREAD 2000

static void *send_numbers (void *arg)
{
    sender_t *s = (sender_t *) arg;
    char body[16];
    int i;
    for (i = 0; i < PER_THREAD; i++) {
        snprintf (body, sizeof body, "%d", s->from + i);
        if (radio_send (s->radio, "n", body) < 0)
            break;
    }
    return NULL;
}

/* Two threads send on one RADIO (thread-safe): the DISH gets every
 * message once, whole. */
static void test_thread_safe_radio (void)
{
    void *ctx = zmq_ctx_new (), *radio, *dish;
    static char seen[2 * PER_THREAD];
    pthread_t t[2];
    sender_t s[2];
    int i, n = 0;
    memset (seen, 0, sizeof seen);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_RADIO, ZMQ_DISH, "tcp://127.0.0.1:*",
                               &radio, &dish));
    CHECK_OK (tu_set_int (radio, ZMQ_XPUB_NODROP, 1));
    CHECK_OK (tu_set_int (radio, ZMQ_SNDHWM, 0));
    CHECK_OK (tu_set_int (dish, ZMQ_RCVHWM, 0));
    CHECK_OK (zmq_join (dish, "n"));
    CHECK_OK (zmq_join (dish, "probe"));
    CHECK_OK (await_join (radio, dish, "probe"));
    for (i = 0; i < 2; i++) {
        s[i].radio = radio;
        s[i].from = i * PER_THREAD;
        CHECK (pthread_create (&t[i], NULL, send_numbers, &s[i]) == 0);
    }
    for (i = 0; i < 2; i++)
        pthread_join (t[i], NULL);
    CHECK_OK (tu_set_int (dish, ZMQ_RCVTIMEO, TU_TIMEOUT_MS));
    for (n = 0; n < 2 * PER_THREAD; n++) {
        char buf[16];
        int len = zmq_recv (dish, buf, sizeof buf - 1, 0), v;
        if (len <= 0)
            break;
        buf[len] = '\0';
        v = atoi (buf);
        CHECK (v >= 0 && v < 2 * PER_THREAD && !seen[v]);
        if (v >= 0 && v < 2 * PER_THREAD)
            seen[v] = 1;
    }
    CHECK_EQ_INT (2 * PER_THREAD, n);
    CHECK_OK (dish_quiet (dish));
    zmq_close (dish);
    zmq_close (radio);
    CHECK_OK (zmq_ctx_term (ctx));
}

int main (void)
{
    RUN (test_errors);
    RUN (test_inproc);
    RUN (test_ipc);
    RUN (test_tcp);
    RUN (test_tcp_dish_binds);
    RUN (test_two_dishes_and_poll);
    RUN (test_joins_survive_reconnect);
    RUN (test_nodrop);
    RUN (test_udp_unicast);
    RUN (test_udp_bad_datagrams);
    RUN (test_udp_multicast);
    RUN (test_bad_join_drops_connection);
    RUN (test_thread_safe_radio);
    return test_summary ();
}
