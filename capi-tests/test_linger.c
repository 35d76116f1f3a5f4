/* test_linger.c - with the default LINGER (-1), zmq_ctx_term waits until
 * what was sent has left: a sender that closes and terminates its context
 * right after sending still delivers everything, over tcp and ipc, even if
 * its connection was not up yet when it closed. */
#include <zmq.h>

#include "testutil.h"

static void send_and_leave (const char *endpoint, int count)
{
    void *ctx = zmq_ctx_new ();
    void *push = zmq_socket (ctx, ZMQ_PUSH);
    int i;
    zmq_connect (push, endpoint);
    for (i = 0; i < count; i++)
        zmq_send (push, &i, sizeof i, 0);
    zmq_close (push);
    zmq_ctx_term (ctx);
}

static void deliver_after_quick_exit (const char *bind_ep)
{
    void *ctx = zmq_ctx_new ();
    void *pull = zmq_socket (ctx, ZMQ_PULL);
    char ep[256];
    int timeo = 3000, i, v;
    CHECK (ctx && pull);
    CHECK_OK (zmq_setsockopt (pull, ZMQ_RCVTIMEO, &timeo, sizeof timeo));
    CHECK_OK (zmq_bind (pull, bind_ep));
    CHECK_OK (tu_last_endpoint (pull, ep, sizeof ep));
    send_and_leave (ep, 5);
    for (i = 0; i < 5; i++) {
        CHECK_EQ_INT (sizeof v, zmq_recv (pull, &v, sizeof v, 0));
        CHECK_EQ_INT (i, v);
    }
    CHECK_OK (zmq_close (pull));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_tcp_quick_exit (void)
{
    deliver_after_quick_exit ("tcp://127.0.0.1:*");
}

static void test_ipc_quick_exit (void)
{
    deliver_after_quick_exit ("ipc://*");
}

int main (void)
{
    int i;
    /* The race it guards against is timing-dependent: repeat. */
    for (i = 0; i < 5; i++) {
        RUN (test_tcp_quick_exit);
        RUN (test_ipc_quick_exit);
    }
    return test_summary ();
}
