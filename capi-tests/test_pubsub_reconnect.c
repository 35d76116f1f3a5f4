/* test_pubsub_reconnect.c - a SUB subscribes again after a reconnect. */
#include <zmq.h>
#include "testutil.h"
static void test_resubscribe_after_reconnect (void)
{
    void *ctx = zmq_ctx_new ();
    void *pub = tu_socket (ctx, ZMQ_PUB);
    CHECK_OK (zmq_bind (pub, "tcp://127.0.0.1:*"));
    char ep[256];
    CHECK_OK (tu_last_endpoint (pub, ep, sizeof ep));
    void *sub = tu_socket (ctx, ZMQ_SUB);
    CHECK_OK (tu_set_int (sub, ZMQ_RECONNECT_IVL, 20));
    CHECK_OK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "T", 1));
    CHECK_OK (zmq_connect (sub, ep));
    tu_sleep_ms (200);
    SEND_STR (pub, "T1", 0);
    RECV_STR (sub, "T1", 0);
    CHECK_OK (zmq_close (pub));
    tu_sleep_ms (100);
    pub = tu_socket (ctx, ZMQ_PUB);
    CHECK_OK (zmq_bind (pub, ep));
    tu_sleep_ms (500);
    /* libzmq's SUB sends its subscriptions again when it handles the
     * reconnect, which it does when called. */
    int ev;
    CHECK_OK (tu_get_int (sub, ZMQ_EVENTS, &ev));
    tu_sleep_ms (200);
    SEND_STR (pub, "T2", 0);
    RECV_STR (sub, "T2", 0);
    CHECK_OK (zmq_close (sub));
    CHECK_OK (zmq_close (pub));
    CHECK_OK (zmq_ctx_term (ctx));
}
int main (void)
{
    RUN (test_resubscribe_after_reconnect);
    return test_summary ();
}
