/* test_xpub.c - XPUB / XSUB: subscriptions as messages, XPUB's options,
 * forwarding through an XSUB <-> XPUB proxy. */
#include <zmq.h>
#include "testutil.h"

#define SETTLE 100

/* Receives one (un)subscription on an XPUB and checks it. */
#define RECV_SUB(sock, flag, topic)                                           \
    do {                                                                      \
        char rs_buf_[64];                                                     \
        const char *rs_t_ = (topic);                                          \
        int rs_n_ = zmq_recv ((sock), rs_buf_, sizeof rs_buf_, 0);            \
        CHECK (rs_n_ == (int) strlen (rs_t_) + 1);                            \
        CHECK (rs_buf_[0] == (flag));                                         \
        CHECK (memcmp (rs_buf_ + 1, rs_t_, strlen (rs_t_)) == 0);             \
    } while (0)

static void test_first_only_then_verbose (void)
{
    void *ctx = zmq_ctx_new ();
    void *xpub = tu_socket (ctx, ZMQ_XPUB);
    CHECK_OK (zmq_bind (xpub, "inproc://v"));
    void *s1 = tu_socket (ctx, ZMQ_SUB);
    void *s2 = tu_socket (ctx, ZMQ_SUB);
    CHECK_OK (zmq_connect (s1, "inproc://v"));
    CHECK_OK (zmq_connect (s2, "inproc://v"));
    CHECK_OK (zmq_setsockopt (s1, ZMQ_SUBSCRIBE, "A", 1));
    CHECK_OK (zmq_setsockopt (s2, ZMQ_SUBSCRIBE, "A", 1));
    RECV_SUB (xpub, 1, "A");
    CHECK_NO_MSG (xpub);
    /* Verbose: every subscription. */
    CHECK_OK (tu_set_int (xpub, ZMQ_XPUB_VERBOSE, 1));
    CHECK_OK (zmq_setsockopt (s1, ZMQ_SUBSCRIBE, "B", 1));
    CHECK_OK (zmq_setsockopt (s2, ZMQ_SUBSCRIBE, "B", 1));
    RECV_SUB (xpub, 1, "B");
    RECV_SUB (xpub, 1, "B");
    /* Unsubscriptions: only the last one, unless VERBOSER. */
    CHECK_OK (zmq_setsockopt (s1, ZMQ_UNSUBSCRIBE, "B", 1));
    CHECK_OK (zmq_setsockopt (s2, ZMQ_UNSUBSCRIBE, "B", 1));
    RECV_SUB (xpub, 0, "B");
    CHECK_NO_MSG (xpub);
    CHECK_OK (tu_set_int (xpub, ZMQ_XPUB_VERBOSER, 1));
    CHECK_OK (zmq_setsockopt (s1, ZMQ_UNSUBSCRIBE, "A", 1));
    CHECK_OK (zmq_setsockopt (s2, ZMQ_UNSUBSCRIBE, "A", 1));
    RECV_SUB (xpub, 0, "A");
    RECV_SUB (xpub, 0, "A");
    CHECK_ERR (EINVAL, tu_set_int (xpub, ZMQ_XPUB_VERBOSE, -1));
    CHECK_OK (zmq_close (s1));
    CHECK_OK (zmq_close (s2));
    CHECK_OK (zmq_close (xpub));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_unsubscribe_on_close (void)
{
    void *ctx = zmq_ctx_new ();
    void *xpub = tu_socket (ctx, ZMQ_XPUB);
    CHECK_OK (zmq_bind (xpub, "inproc://close"));
    void *s1 = tu_socket (ctx, ZMQ_SUB);
    void *s2 = tu_socket (ctx, ZMQ_SUB);
    CHECK_OK (zmq_connect (s1, "inproc://close"));
    CHECK_OK (zmq_connect (s2, "inproc://close"));
    CHECK_OK (zmq_setsockopt (s1, ZMQ_SUBSCRIBE, "A", 1));
    CHECK_OK (zmq_setsockopt (s1, ZMQ_SUBSCRIBE, "B", 1));
    CHECK_OK (zmq_setsockopt (s2, ZMQ_SUBSCRIBE, "A", 1));
    RECV_SUB (xpub, 1, "A");
    RECV_SUB (xpub, 1, "B");
    CHECK_OK (zmq_close (s1));
    /* "A" is still wanted by s2. */
    RECV_SUB (xpub, 0, "B");
    CHECK_NO_MSG (xpub);
    CHECK_OK (zmq_close (s2));
    RECV_SUB (xpub, 0, "A");
    CHECK_OK (zmq_close (xpub));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_manual (void)
{
    void *ctx = zmq_ctx_new ();
    void *xpub = tu_socket (ctx, ZMQ_XPUB);
    CHECK_OK (tu_set_int (xpub, ZMQ_XPUB_MANUAL, 1));
    CHECK_OK (zmq_bind (xpub, "inproc://manual"));
    void *sub = tu_socket (ctx, ZMQ_SUB);
    CHECK_OK (zmq_connect (sub, "inproc://manual"));
    /* SUB filters too: it takes everything, the XPUB decides. */
    CHECK_OK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "", 0));
    RECV_SUB (xpub, 1, "");
    /* Subscribe the peer to "B" instead. */
    CHECK_OK (zmq_setsockopt (xpub, ZMQ_SUBSCRIBE, "B", 1));
    SEND_STR (xpub, "A", 0);
    SEND_STR (xpub, "B", 0);
    RECV_STR (sub, "B", 0);
    CHECK_NO_MSG (sub);
    CHECK_OK (zmq_close (sub));
    /* Its manual subscriptions are cancelled when it goes. */
    RECV_SUB (xpub, 0, "");
    CHECK_OK (zmq_close (xpub));
    CHECK_OK (zmq_ctx_term (ctx));
}

#ifdef ZMQ_XPUB_MANUAL_LAST_VALUE
static void test_manual_last_value (void)
{
    void *ctx = zmq_ctx_new ();
    void *xpub = tu_socket (ctx, ZMQ_XPUB);
    CHECK_OK (tu_set_int (xpub, ZMQ_XPUB_MANUAL_LAST_VALUE, 1));
    CHECK_OK (zmq_bind (xpub, "inproc://lvc"));
    void *s1 = tu_socket (ctx, ZMQ_SUB);
    void *s2 = tu_socket (ctx, ZMQ_SUB);
    CHECK_OK (zmq_connect (s1, "inproc://lvc"));
    CHECK_OK (zmq_setsockopt (s1, ZMQ_SUBSCRIBE, "T", 1));
    RECV_SUB (xpub, 1, "T");
    CHECK_OK (zmq_setsockopt (xpub, ZMQ_SUBSCRIBE, "T", 1));
    /* The last value goes to the new subscriber only. */
    SEND_STR (xpub, "T1", 0);
    RECV_STR (s1, "T1", 0);
    CHECK_OK (zmq_connect (s2, "inproc://lvc"));
    CHECK_OK (zmq_setsockopt (s2, ZMQ_SUBSCRIBE, "T", 1));
    RECV_SUB (xpub, 1, "T");
    CHECK_OK (zmq_setsockopt (xpub, ZMQ_SUBSCRIBE, "T", 1));
    SEND_STR (xpub, "T1", 0);
    RECV_STR (s2, "T1", 0);
    CHECK_NO_MSG (s1);
    /* Then both get what follows. */
    SEND_STR (xpub, "T2", 0);
    RECV_STR (s1, "T2", 0);
    RECV_STR (s2, "T2", 0);
    CHECK_OK (zmq_close (s1));
    CHECK_OK (zmq_close (s2));
    CHECK_OK (zmq_close (xpub));
    CHECK_OK (zmq_ctx_term (ctx));
}
#endif

static void test_welcome_msg (void)
{
    void *ctx = zmq_ctx_new ();
    void *xpub = tu_socket (ctx, ZMQ_XPUB);
    CHECK_OK (zmq_setsockopt (xpub, ZMQ_XPUB_WELCOME_MSG, "W", 1));
    CHECK_OK (zmq_bind (xpub, "tcp://127.0.0.1:*"));
    char ep[256];
    CHECK_OK (tu_last_endpoint (xpub, ep, sizeof ep));
    void *sub = tu_socket (ctx, ZMQ_SUB);
    CHECK_OK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "W", 1));
    CHECK_OK (zmq_connect (sub, ep));
    RECV_SUB (xpub, 1, "W");
    RECV_STR (sub, "W", 0);
    CHECK_OK (zmq_close (sub));
    CHECK_OK (zmq_close (xpub));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_nodrop (void)
{
    void *ctx = zmq_ctx_new ();
    void *xpub = tu_socket (ctx, ZMQ_XPUB);
    CHECK_OK (tu_set_int (xpub, ZMQ_XPUB_NODROP, 1));
    CHECK_OK (tu_set_int (xpub, ZMQ_SNDHWM, 5));
    CHECK_OK (zmq_bind (xpub, "inproc://nodrop"));
    void *sub = tu_socket (ctx, ZMQ_SUB);
    CHECK_OK (tu_set_int (sub, ZMQ_RCVHWM, 5));
    CHECK_OK (zmq_connect (sub, "inproc://nodrop"));
    CHECK_OK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "", 0));
    RECV_SUB (xpub, 1, "");
    int sent = 0;
    while (zmq_send (xpub, "m", 1, ZMQ_DONTWAIT) == 1)
        sent++;
    CHECK (errno == EAGAIN);
    CHECK_EQ_INT (10, sent);
    /* A message nobody wants is never refused. */
    int received = 0;
    char buf[4];
    while (zmq_recv (sub, buf, sizeof buf, ZMQ_DONTWAIT) == 1)
        received++;
    CHECK_EQ_INT (10, received);
    /* Room again (a blocking send waits for the reader's credit). */
    CHECK (zmq_send (xpub, "m", 1, 0) == 1);
    CHECK_OK (zmq_close (sub));
    CHECK_OK (zmq_close (xpub));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* XSUB sends its subscriptions as messages, and other messages upstream. */
static void test_xsub_upstream (void)
{
    void *ctx = zmq_ctx_new ();
    void *xpub = tu_socket (ctx, ZMQ_XPUB);
    CHECK_OK (zmq_bind (xpub, "inproc://up"));
    void *xsub = tu_socket (ctx, ZMQ_XSUB);
    CHECK_OK (zmq_connect (xsub, "inproc://up"));
    CHECK (zmq_send (xsub, "\1A", 2, 0) == 2);
    RECV_SUB (xpub, 1, "A");
    SEND_STR (xsub, "hello", 0);
    RECV_STR (xpub, "hello", 0);
    SEND_STR (xpub, "A!", 0);
    SEND_STR (xpub, "B!", 0);
    RECV_STR (xsub, "A!", 0);
    CHECK_NO_MSG (xsub);
    /* A second subscription to A, then two unsubscriptions: only the last
     * goes upstream. */
    CHECK (zmq_send (xsub, "\1A", 2, 0) == 2);
    CHECK (zmq_send (xsub, "\0A", 2, 0) == 2);
    CHECK (zmq_send (xsub, "\0A", 2, 0) == 2);
    RECV_SUB (xpub, 0, "A");
    CHECK_NO_MSG (xpub);
    CHECK_OK (zmq_close (xsub));
    CHECK_OK (zmq_close (xpub));
    CHECK_OK (zmq_ctx_term (ctx));
}

#ifdef ZMQ_XSUB_VERBOSE_UNSUBSCRIBE
static void test_xsub_verbose_unsubscribe (void)
{
    void *ctx = zmq_ctx_new ();
    void *xpub = tu_socket (ctx, ZMQ_XPUB);
    CHECK_OK (tu_set_int (xpub, ZMQ_XPUB_VERBOSER, 1));
    CHECK_OK (zmq_bind (xpub, "inproc://xv"));
    void *xsub = tu_socket (ctx, ZMQ_XSUB);
    CHECK_OK (tu_set_int (xsub, ZMQ_XSUB_VERBOSE_UNSUBSCRIBE, 1));
    CHECK_OK (zmq_connect (xsub, "inproc://xv"));
    CHECK (zmq_send (xsub, "\0Z", 2, 0) == 2);
    RECV_SUB (xpub, 0, "Z");
    CHECK_OK (zmq_close (xsub));
    CHECK_OK (zmq_close (xpub));
    CHECK_OK (zmq_ctx_term (ctx));
}
#endif

/* PUB -> XSUB <-proxy-> XPUB -> SUB: subscriptions flow up, data down. */
static void *proxy_thread_ctx;
static void proxy_thread (void *arg)
{
    (void) arg;
    void *xsub = zmq_socket (proxy_thread_ctx, ZMQ_XSUB);
    void *xpub = zmq_socket (proxy_thread_ctx, ZMQ_XPUB);
    int zero = 0;
    zmq_setsockopt (xsub, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt (xpub, ZMQ_LINGER, &zero, sizeof zero);
    zmq_connect (xsub, "inproc://front");
    zmq_bind (xpub, "inproc://back");
    zmq_proxy (xsub, xpub, NULL);
    zmq_close (xsub);
    zmq_close (xpub);
}

static void test_proxy_forwarding (void)
{
    void *ctx = zmq_ctx_new ();
    proxy_thread_ctx = ctx;
    void *pub = tu_socket (ctx, ZMQ_XPUB);
    CHECK_OK (zmq_bind (pub, "inproc://front"));
    void *t = zmq_threadstart (proxy_thread, NULL);
    tu_sleep_ms (SETTLE);
    void *sub = tu_socket (ctx, ZMQ_SUB);
    CHECK_OK (zmq_connect (sub, "inproc://back"));
    CHECK_OK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "news", 4));
    /* The subscription reaches the publisher through the proxy. */
    RECV_SUB (pub, 1, "news");
    SEND_STR (pub, "weather", 0);
    SEND_STR (pub, "news: ok", 0);
    RECV_STR (sub, "news: ok", 0);
    CHECK_NO_MSG (sub);
    CHECK_OK (zmq_close (sub));
    RECV_SUB (pub, 0, "news");
    CHECK_OK (zmq_close (pub));
    zmq_ctx_shutdown (ctx);
    zmq_threadclose (t);
    CHECK_OK (zmq_ctx_term (ctx));
}

int main (void)
{
    RUN (test_first_only_then_verbose);
    RUN (test_unsubscribe_on_close);
    RUN (test_manual);
#ifdef ZMQ_XPUB_MANUAL_LAST_VALUE
    RUN (test_manual_last_value);
#endif
    RUN (test_welcome_msg);
    RUN (test_nodrop);
    RUN (test_xsub_upstream);
#ifdef ZMQ_XSUB_VERBOSE_UNSUBSCRIBE
    RUN (test_xsub_verbose_unsubscribe);
#endif
    RUN (test_proxy_forwarding);
    return test_summary ();
}
