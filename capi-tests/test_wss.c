/* test_wss.c - the wss:// transport (ZWS 2.0 inside TLS, rustls): round
 * trips with a certificate the client trusts (ZMQ_WSS_CERT_PEM,
 * ZMQ_WSS_KEY_PEM, ZMQ_WSS_TRUST_PEM, ZMQ_WSS_HOSTNAME), a self-signed CA
 * with only a common name trusted as it is (as libzmq on GnuTLS does, and
 * as libzmq's test_wss_transport needs), PUB/SUB, DEALER/ROUTER, 1 MiB
 * messages, every socket type (classic and draft), the send HWM and CURVE
 * over wss; refusals: a wrong host name and an
 * untrusted certificate fail the client's handshake with
 * HANDSHAKE_FAILED_NO_DETAIL, a bind without a certificate is EINVAL, and
 * a stranger's bytes on the server's port are dropped with the same event
 * while a real client keeps working. zmq_has ("WSS").
 * The certificates are in wss_certs.h. Build with -pthread.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <zmq.h>

#include "testutil.h"
#include "rawtcp.h"

#include "wss_certs.h"

/* A socket of `type` bound over wss with cert and key, its endpoint in
 * ep; NULL on failure. */
static void *wss_server (void *ctx, int type, const char *cert,
                         const char *key, char *ep, size_t len)
{
    void *s = tu_socket (ctx, type);
    if (s == NULL || zmq_setsockopt (s, ZMQ_WSS_CERT_PEM, cert, strlen (cert))
        || zmq_setsockopt (s, ZMQ_WSS_KEY_PEM, key, strlen (key))
        || zmq_bind (s, "wss://127.0.0.1:*/secure")
        || tu_last_endpoint (s, ep, len)) {
        if (s)
            zmq_close (s);
        return NULL;
    }
    return s;
}

/* A wss client socket trusting `trust`, checking `hostname` (NULL:
 * none); NULL on failure. */
static void *wss_client (void *ctx, int type, const char *trust,
                         const char *hostname)
{
    void *c = tu_socket (ctx, type);
    if (c == NULL
        || zmq_setsockopt (c, ZMQ_WSS_TRUST_PEM, trust, strlen (trust))
        || (hostname
            && zmq_setsockopt (c, ZMQ_WSS_HOSTNAME, hostname,
                               strlen (hostname)))) {
        if (c)
            zmq_close (c);
        return NULL;
    }
    return c;
}

static void test_capability (void)
{
    CHECK_EQ_INT (1, zmq_has ("WSS"));
}

static void test_round_trip (void)
{
    void *ctx = zmq_ctx_new ();
    char ep[256];
    void *s = wss_server (ctx, ZMQ_REP, good_cert, good_key, ep, sizeof ep);
    void *c = wss_client (ctx, ZMQ_REQ, good_cert, "localhost");
    CHECK (s && c);
    CHECK (strncmp (ep, "wss://127.0.0.1:", 16) == 0);
    CHECK (strstr (ep, "/secure") != NULL);
    CHECK_OK (zmq_connect (c, ep));
    tu_req_rep_rounds (c, s);
    zmq_close (c);
    zmq_close (s);
    zmq_ctx_term (ctx);
}

/* A self-signed CA with only a common name, trusted as it is. */
static void test_common_name_ca (void)
{
    void *ctx = zmq_ctx_new ();
    char ep[256];
    void *s = wss_server (ctx, ZMQ_REP, cn_cert, cn_key, ep, sizeof ep);
    void *c = wss_client (ctx, ZMQ_REQ, cn_cert, "zmqrs.test");
    CHECK (s && c);
    CHECK_OK (zmq_connect (c, ep));
    SEND_STR (c, "by common name", 0);
    RECV_STR (s, "by common name", 0);
    zmq_close (c);
    zmq_close (s);
    zmq_ctx_term (ctx);
}

static void test_patterns (void)
{
    void *ctx = zmq_ctx_new ();
    char ep[256], buf[32];
    int i, got = 0, t = 50;
    void *pub = wss_server (ctx, ZMQ_PUB, good_cert, good_key, ep, sizeof ep);
    void *sub = wss_client (ctx, ZMQ_SUB, good_cert, NULL);
    void *router, *dealer;
    CHECK (pub && sub);
    CHECK_OK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "A", 1));
    CHECK_OK (zmq_setsockopt (sub, ZMQ_RCVTIMEO, &t, sizeof t));
    CHECK_OK (zmq_connect (sub, ep));
    for (i = 0; i < 100 && !got; i++) {
        SEND_STR (pub, "B no", 0);
        SEND_STR (pub, "A yes", 0);
        got = zmq_recv (sub, buf, sizeof buf, 0) == 5;
    }
    CHECK (got);
    CHECK (memcmp (buf, "A yes", 5) == 0);
    zmq_close (sub);
    zmq_close (pub);

    router = wss_server (ctx, ZMQ_ROUTER, good_cert, good_key, ep, sizeof ep);
    dealer = wss_client (ctx, ZMQ_DEALER, good_cert, "localhost");
    CHECK (router && dealer);
    CHECK_OK (zmq_setsockopt (dealer, ZMQ_ROUTING_ID, "d", 1));
    CHECK_OK (zmq_connect (dealer, ep));
    CHECK_OK (tu_send_pattern (dealer, 1 << 20, 3, 0));
    RECV_STR (router, "d", 0);
    CHECK_OK (tu_recv_pattern (router, 1 << 20, 3, 0));
    SEND_STR (router, "d", ZMQ_SNDMORE);
    CHECK_OK (tu_send_pattern (router, 1 << 20, 4, 0));
    CHECK_OK (tu_recv_pattern (dealer, 1 << 20, 4, 0));
    zmq_close (dealer);
    zmq_close (router);
    zmq_ctx_term (ctx);
}

/* Every socket type over wss: a message each way where the pattern has
 * one (the subscription forms and groups as over ws). */
static void test_every_socket_type (void)
{
    static const int pairs[][2] = {
      {ZMQ_PAIR, ZMQ_PAIR},       {ZMQ_PULL, ZMQ_PUSH},
      {ZMQ_REP, ZMQ_REQ},         {ZMQ_ROUTER, ZMQ_DEALER},
      {ZMQ_XPUB, ZMQ_SUB},        {ZMQ_XSUB, ZMQ_PUB},
      {ZMQ_SERVER, ZMQ_CLIENT},   {ZMQ_GATHER, ZMQ_SCATTER},
      {ZMQ_CHANNEL, ZMQ_CHANNEL}, {ZMQ_PEER, ZMQ_PEER},
      {ZMQ_RADIO, ZMQ_DISH},
    };
    size_t i;
    for (i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        void *ctx = zmq_ctx_new ();
        char ep[256], buf[64];
        int b = pairs[i][0], c = pairs[i][1], t = 2000, n;
        void *bound = wss_server (ctx, b, good_cert, good_key, ep, sizeof ep);
        void *conn = wss_client (ctx, c, good_cert, "localhost");
        CHECK (bound && conn);
        CHECK_OK (zmq_setsockopt (bound, ZMQ_RCVTIMEO, &t, sizeof t));
        CHECK_OK (zmq_setsockopt (conn, ZMQ_RCVTIMEO, &t, sizeof t));
        if (c == ZMQ_DISH)
            CHECK_OK (zmq_join (conn, "g"));
        if (c == ZMQ_PEER) {
            uint32_t id = zmq_connect_peer (conn, ep);
            CHECK (id != 0);
            zmq_msg_t m;
            zmq_msg_init_size (&m, 5);
            memcpy (zmq_msg_data (&m), "to b!", 5);
            CHECK_OK (zmq_msg_set_routing_id (&m, id));
            CHECK (zmq_msg_send (&m, conn, 0) == 5);
            RECV_STR (bound, "to b!", 0);
        } else {
            CHECK_OK (zmq_connect (conn, ep));
        }
        switch (b) {
            case ZMQ_PAIR:
            case ZMQ_CHANNEL:
                SEND_STR (conn, "up", 0);
                RECV_STR (bound, "up", 0);
                SEND_STR (bound, "down", 0);
                RECV_STR (conn, "down", 0);
                break;
            case ZMQ_PULL:
            case ZMQ_GATHER:
                SEND_STR (conn, "up", 0);
                RECV_STR (bound, "up", 0);
                break;
            case ZMQ_REP:
                SEND_STR (conn, "q", 0);
                RECV_STR (bound, "q", 0);
                SEND_STR (bound, "a", 0);
                RECV_STR (conn, "a", 0);
                break;
            case ZMQ_ROUTER:
                CHECK_OK (zmq_setsockopt (conn, ZMQ_ROUTING_ID, "r", 1));
                SEND_STR (conn, "q", 0);
                n = zmq_recv (bound, buf, sizeof buf, 0);
                CHECK (n > 0);
                RECV_STR (bound, "q", 0);
                CHECK (zmq_send (bound, buf, (size_t) n, ZMQ_SNDMORE) == n);
                SEND_STR (bound, "a", 0);
                RECV_STR (conn, "a", 0);
                break;
            case ZMQ_XPUB:
                CHECK_OK (zmq_setsockopt (conn, ZMQ_SUBSCRIBE, "", 0));
                RECV_STR (bound, "\1", 0);
                SEND_STR (bound, "news", 0);
                RECV_STR (conn, "news", 0);
                break;
            case ZMQ_XSUB:
                SEND_STR (bound, "\1", 0);
                n = 0;
                for (t = 0; t < 300 && n == 0; t++) {
                    SEND_STR (conn, "news", 0);
                    n = zmq_recv (bound, buf, sizeof buf, ZMQ_DONTWAIT) == 4;
                    tu_sleep_ms (10);
                }
                CHECK (n == 1);
                break;
            case ZMQ_SERVER: {
                zmq_msg_t m;
                SEND_STR (conn, "q", 0);
                zmq_msg_init (&m);
                CHECK (zmq_msg_recv (&m, bound, 0) == 1);
                CHECK (zmq_msg_send (&m, bound, 0) == 1);
                RECV_STR (conn, "q", 0);
                break;
            }
            case ZMQ_PEER:
                break;
            case ZMQ_RADIO:
                n = 0;
                for (t = 0; t < 300 && n == 0; t++) {
                    zmq_msg_t m;
                    zmq_msg_init_size (&m, 2);
                    memcpy (zmq_msg_data (&m), "hi", 2);
                    zmq_msg_set_group (&m, "g");
                    zmq_msg_send (&m, bound, 0);
                    n = zmq_recv (conn, buf, sizeof buf, ZMQ_DONTWAIT) == 2;
                    tu_sleep_ms (10);
                }
                CHECK (n == 1);
                break;
        }
        CHECK_OK (tu_set_int (conn, ZMQ_LINGER, 0));
        CHECK_OK (tu_set_int (bound, ZMQ_LINGER, 0));
        zmq_close (conn);
        zmq_close (bound);
        zmq_ctx_term (ctx);
    }
}

/* The send HWM holds over wss: while a PULL takes 64 KiB messages as fast
 * as it can, the PUSH keeps at most what the two queues and the kernel's
 * buffers hold in flight. Messages must not pile up between the pipe and
 * TLS each time the socket drains (they once did: the whole run, 190 MiB,
 * sat in the sender). Every message arrives, in order. */
enum { HWM_SIZE = 65536, HWM_COUNT = 3000, HWM_BOUND = 400 };
static volatile int hwm_got;

static void *hwm_reader (void *pull)
{
    static char in[HWM_SIZE];
    for (int i = 0; i < HWM_COUNT; i++) {
        if (zmq_recv (pull, in, HWM_SIZE, 0) != HWM_SIZE
            || (unsigned char) in[0] != (i & 0xff))
            break;
        __atomic_store_n (&hwm_got, i + 1, __ATOMIC_RELEASE);
    }
    return NULL;
}

static void test_hwm_holds (void)
{
    void *ctx = zmq_ctx_new ();
    char ep[256];
    int hwm = 10;
    /* The HWM before the bind: a listener's connections take the options
     * it was bound with (as in libzmq). */
    void *s = tu_socket (ctx, ZMQ_PULL);
    CHECK_OK (zmq_setsockopt (s, ZMQ_RCVHWM, &hwm, sizeof hwm));
    CHECK_OK (zmq_setsockopt (s, ZMQ_WSS_CERT_PEM, good_cert, strlen (good_cert)));
    CHECK_OK (zmq_setsockopt (s, ZMQ_WSS_KEY_PEM, good_key, strlen (good_key)));
    CHECK_OK (zmq_bind (s, "wss://127.0.0.1:*/secure"));
    CHECK_OK (tu_last_endpoint (s, ep, sizeof ep));
    void *c = wss_client (ctx, ZMQ_PUSH, good_cert, "localhost");
    CHECK (c != NULL);
    CHECK_OK (zmq_setsockopt (c, ZMQ_SNDHWM, &hwm, sizeof hwm));
    /* A reader that stopped early fails the test instead of hanging it. */
    int timeout = 10000;
    CHECK_OK (zmq_setsockopt (c, ZMQ_SNDTIMEO, &timeout, sizeof timeout));
    CHECK_OK (zmq_setsockopt (s, ZMQ_RCVTIMEO, &timeout, sizeof timeout));
    CHECK_OK (zmq_connect (c, ep));
    hwm_got = 0;
    pthread_t t;
    CHECK_EQ_INT (0, pthread_create (&t, NULL, hwm_reader, s));
    static char out[HWM_SIZE];
    int most = 0;
    for (int i = 0; i < HWM_COUNT; i++) {
        memset (out, i & 0xff, 8);
        CHECK_EQ_INT (HWM_SIZE, zmq_send (c, out, HWM_SIZE, 0));
        int ahead = i + 1 - __atomic_load_n (&hwm_got, __ATOMIC_ACQUIRE);
        if (ahead > most)
            most = ahead;
    }
    pthread_join (t, NULL);
    CHECK_EQ_INT (HWM_COUNT, hwm_got);
    /* HWMs of 10 each and loopback's buffers (a few MiB with Linux's
     * default tcp_rmem and tcp_wmem) hold far fewer than 400 of these. */
    CHECK (most < HWM_BOUND);
    zmq_close (c);
    zmq_close (s);
    zmq_ctx_term (ctx);
}

static void test_curve_inside (void)
{
    void *ctx = zmq_ctx_new ();
    char ep[256], spub[41], ssec[41], cpub[41], csec[41];
    int one = 1;
    void *s, *c;
    CHECK_OK (zmq_curve_keypair (spub, ssec));
    CHECK_OK (zmq_curve_keypair (cpub, csec));
    s = tu_socket (ctx, ZMQ_REP);
    CHECK_OK (zmq_setsockopt (s, ZMQ_CURVE_SERVER, &one, sizeof one));
    CHECK_OK (zmq_setsockopt (s, ZMQ_CURVE_SECRETKEY, ssec, 40));
    CHECK_OK (zmq_setsockopt (s, ZMQ_WSS_CERT_PEM, good_cert, strlen (good_cert)));
    CHECK_OK (zmq_setsockopt (s, ZMQ_WSS_KEY_PEM, good_key, strlen (good_key)));
    CHECK_OK (zmq_bind (s, "wss://127.0.0.1:*"));
    CHECK_OK (tu_last_endpoint (s, ep, sizeof ep));
    c = wss_client (ctx, ZMQ_REQ, good_cert, "localhost");
    CHECK (c != NULL);
    CHECK_OK (zmq_setsockopt (c, ZMQ_CURVE_SERVERKEY, spub, 40));
    CHECK_OK (zmq_setsockopt (c, ZMQ_CURVE_PUBLICKEY, cpub, 40));
    CHECK_OK (zmq_setsockopt (c, ZMQ_CURVE_SECRETKEY, csec, 40));
    CHECK_OK (zmq_connect (c, ep));
    tu_req_rep_rounds (c, s);
    zmq_close (c);
    zmq_close (s);
    zmq_ctx_term (ctx);
}

/* The client refuses: HANDSHAKE_FAILED_NO_DETAIL, nothing delivered. */
static void refused (const char *trust, const char *hostname)
{
    void *ctx = zmq_ctx_new ();
    char ep[256];
    tu_event_t ev;
    void *s = wss_server (ctx, ZMQ_PULL, good_cert, good_key, ep, sizeof ep);
    void *c = wss_client (ctx, ZMQ_PUSH, trust, hostname);
    void *mon = tu_monitor (ctx, c, "inproc://wss-refused",
                            ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL
                              | ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
    CHECK (s && c && mon);
    CHECK_OK (tu_set_int (c, ZMQ_RECONNECT_IVL, -1));
    CHECK_OK (zmq_connect (c, ep));
    CHECK_OK (tu_read_event (mon, &ev, 3000));
    CHECK_EQ_INT (ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL, ev.event);
    CHECK_OK (tu_set_int (c, ZMQ_SNDTIMEO, 0));
    zmq_send (c, "x", 1, 0);
    CHECK_NO_MSG (s);
    zmq_close (mon);
    CHECK_OK (tu_set_int (c, ZMQ_LINGER, 0));
    zmq_close (c);
    zmq_close (s);
    zmq_ctx_term (ctx);
}

static void test_wrong_hostname (void)
{
    refused (good_cert, "not-localhost.example");
}

static void test_untrusted_certificate (void)
{
    refused (other_cert, "localhost");
}

static void test_bind_without_certificate (void)
{
    void *ctx = zmq_ctx_new ();
    void *s = tu_socket (ctx, ZMQ_REP);
    CHECK_ERR (EINVAL, zmq_bind (s, "wss://127.0.0.1:*"));
    CHECK_OK (zmq_setsockopt (s, ZMQ_WSS_CERT_PEM, good_cert, strlen (good_cert)));
    CHECK_ERR (EINVAL, zmq_bind (s, "wss://127.0.0.1:*"));
    CHECK_OK (zmq_setsockopt (s, ZMQ_WSS_KEY_PEM, "junk", 4));
    CHECK_ERR (EINVAL, zmq_bind (s, "wss://127.0.0.1:*"));
    zmq_close (s);
    zmq_ctx_term (ctx);
}

/* A stranger sends the server bytes that are not TLS (and then a TLS
 * record of garbage): each connection is dropped with
 * HANDSHAKE_FAILED_NO_DETAIL; a real client keeps working. */
static void test_stranger (void)
{
    void *ctx = zmq_ctx_new ();
    char ep[256];
    tu_event_t ev;
    int fd, i;
    void *s = wss_server (ctx, ZMQ_PULL, good_cert, good_key, ep, sizeof ep);
    void *mon = tu_monitor (ctx, s, "inproc://wss-stranger",
                            ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL);
    void *c = wss_client (ctx, ZMQ_PUSH, good_cert, "localhost");
    static const unsigned char garbage[][17] = {
      "GET / HTTP/1.1\r\n",
      {0x16, 0x03, 0x01, 0x00, 0x05, 0xde, 0xad, 0xbe, 0xef, 0x00},
    };
    CHECK (s && mon && c);
    CHECK_OK (zmq_connect (c, ep));
    SEND_STR (c, "before", 0);
    RECV_STR (s, "before", 0);
    for (i = 0; i < 2; i++) {
        char junk[64];
        fd = raw_connect (tu_port_of (ep));
        CHECK (fd >= 0);
        CHECK (raw_write (fd, garbage[i], i == 0 ? 16 : 10) > 0);
        CHECK_OK (tu_wait_event (mon, ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL, &ev));
        /* The server closes (after its alert, if any). */
        while (recv (fd, junk, sizeof junk, 0) > 0) {
        }
        close (fd);
    }
    SEND_STR (c, "after", 0);
    RECV_STR (s, "after", 0);
    zmq_close (mon);
    zmq_close (c);
    zmq_close (s);
    zmq_ctx_term (ctx);
}

int main (void)
{
    RUN (test_capability);
    RUN (test_round_trip);
    RUN (test_common_name_ca);
    RUN (test_patterns);
    RUN (test_every_socket_type);
    RUN (test_hwm_holds);
    RUN (test_curve_inside);
    RUN (test_wrong_hostname);
    RUN (test_untrusted_certificate);
    RUN (test_bind_without_certificate);
    RUN (test_stranger);
    return test_summary ();
}
