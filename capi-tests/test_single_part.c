/* test_single_part.c - the draft SCATTER, GATHER and CHANNEL socket types:
 * SCATTER load-balances to its GATHER peers, which fair-queue; CHANNEL
 * talks to one CHANNEL peer; all three are single-part (ZMQ_SNDMORE is
 * EINVAL) and thread-safe (ZMQ_THREAD_SAFE reads 1); over inproc, ipc and
 * tcp. */
#include <zmq.h>

#include "testutil.h"

static void scatter_gather (const char *endpoint)
{
    void *ctx = zmq_ctx_new (), *gather, *scatter;
    int v = 0;
    size_t len = sizeof v;
    CHECK (ctx != NULL);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_GATHER, ZMQ_SCATTER, endpoint, &gather,
                               &scatter));
    CHECK_OK (zmq_getsockopt (scatter, ZMQ_THREAD_SAFE, &v, &len));
    CHECK_EQ_INT (1, v);
    CHECK_ERR (EINVAL, zmq_send (scatter, "a", 1, ZMQ_SNDMORE));
    SEND_STR (scatter, "one", 0);
    SEND_STR (scatter, "two", 0);
    RECV_STR (gather, "one", 0);
    RECV_STR (gather, "two", 0);
    /* One way only. */
    CHECK_ERR (ENOTSUP, zmq_send (gather, "x", 1, 0));
    {
        char buf[8];
        CHECK_ERR (ENOTSUP, zmq_recv (scatter, buf, sizeof buf, ZMQ_DONTWAIT));
    }
    CHECK_OK (zmq_close (scatter));
    CHECK_OK (zmq_close (gather));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_scatter_gather_inproc (void)
{
    scatter_gather ("inproc://scatter");
}

static void test_scatter_gather_ipc (void)
{
    scatter_gather ("ipc://*");
}

static void test_scatter_gather_tcp (void)
{
    scatter_gather ("tcp://127.0.0.1:*");
}

/* Two GATHERs share a SCATTER's messages in turn. */
static void test_scatter_balances (void)
{
    void *ctx = zmq_ctx_new (), *scatter, *g1, *g2;
    CHECK (ctx != NULL);
    scatter = tu_socket (ctx, ZMQ_SCATTER);
    g1 = tu_socket (ctx, ZMQ_GATHER);
    g2 = tu_socket (ctx, ZMQ_GATHER);
    CHECK (scatter != NULL && g1 != NULL && g2 != NULL);
    CHECK_OK (zmq_bind (g1, "inproc://g1"));
    CHECK_OK (zmq_bind (g2, "inproc://g2"));
    CHECK_OK (zmq_connect (scatter, "inproc://g1"));
    CHECK_OK (zmq_connect (scatter, "inproc://g2"));
    SEND_STR (scatter, "a", 0);
    SEND_STR (scatter, "b", 0);
    RECV_STR (g1, "a", 0);
    RECV_STR (g2, "b", 0);
    CHECK_OK (zmq_close (scatter));
    CHECK_OK (zmq_close (g1));
    CHECK_OK (zmq_close (g2));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void channel (const char *endpoint)
{
    void *ctx = zmq_ctx_new (), *a, *b;
    int v = 0;
    size_t len = sizeof v;
    CHECK (ctx != NULL);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_CHANNEL, ZMQ_CHANNEL, endpoint, &a, &b));
    CHECK_OK (zmq_getsockopt (a, ZMQ_THREAD_SAFE, &v, &len));
    CHECK_EQ_INT (1, v);
    CHECK_ERR (EINVAL, zmq_send (b, "a", 1, ZMQ_SNDMORE));
    SEND_STR (b, "ping", 0);
    RECV_STR (a, "ping", 0);
    SEND_STR (a, "pong", 0);
    RECV_STR (b, "pong", 0);
    CHECK_NO_MSG (a);
    CHECK_NO_MSG (b);
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_channel_inproc (void)
{
    channel ("inproc://channel");
}

static void test_channel_ipc (void)
{
    channel ("ipc://*");
}

static void test_channel_tcp (void)
{
    channel ("tcp://127.0.0.1:*");
}

/* Only their own kind: a CHANNEL ignores a PAIR, a GATHER a PUSH. */
static void test_only_their_kind (void)
{
    void *ctx = zmq_ctx_new (), *channel_s, *pair, *gather, *push;
    CHECK (ctx != NULL);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_CHANNEL, ZMQ_PAIR, "tcp://127.0.0.1:*",
                               &channel_s, &pair));
    CHECK_OK (tu_bind_connect (ctx, ZMQ_GATHER, ZMQ_PUSH, "tcp://127.0.0.1:*",
                               &gather, &push));
    zmq_send (pair, "x", 1, ZMQ_DONTWAIT);
    zmq_send (push, "x", 1, ZMQ_DONTWAIT);
    tu_sleep_ms (100);
    CHECK_NO_MSG (channel_s);
    CHECK_NO_MSG (gather);
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_close (gather));
    CHECK_OK (zmq_close (pair));
    CHECK_OK (zmq_close (channel_s));
    CHECK_OK (zmq_ctx_term (ctx));
}

int main (void)
{
    RUN (test_scatter_gather_inproc);
    RUN (test_scatter_gather_ipc);
    RUN (test_scatter_gather_tcp);
    RUN (test_scatter_balances);
    RUN (test_channel_inproc);
    RUN (test_channel_ipc);
    RUN (test_channel_tcp);
    RUN (test_only_their_kind);
    return test_summary ();
}
