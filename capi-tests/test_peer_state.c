/* test_peer_state.c - zmq_socket_get_peer_state (draft): a ROUTER reports
 * ZMQ_POLLOUT for a peer that can take a message, 0 for one at its HWM,
 * EHOSTUNREACH for an unknown routing id; other sockets ENOTSUP. */
#include <zmq.h>

#include "testutil.h"

#ifndef ZMQRS_SKIP_DRAFT
static void test_router_peer_state (void)
{
    void *ctx = zmq_ctx_new ();
    void *router = zmq_socket (ctx, ZMQ_ROUTER);
    void *dealer = zmq_socket (ctx, ZMQ_DEALER);
    int hwm = 1, mandatory = 1, i, sent = 0;
    CHECK (router && dealer);
    CHECK_OK (zmq_setsockopt (router, ZMQ_SNDHWM, &hwm, sizeof hwm));
    CHECK_OK (zmq_setsockopt (router, ZMQ_ROUTER_MANDATORY, &mandatory, sizeof mandatory));
    CHECK_OK (zmq_setsockopt (dealer, ZMQ_RCVHWM, &hwm, sizeof hwm));
    CHECK_OK (zmq_setsockopt (dealer, ZMQ_ROUTING_ID, "D", 1));
    CHECK_OK (zmq_bind (router, "inproc://peer-state"));
    CHECK_OK (zmq_connect (dealer, "inproc://peer-state"));
    /* The ROUTER learns of the peer when it processes its commands. */
    for (i = 0; i < 100 && zmq_socket_get_peer_state (router, "D", 1) < 0; i++) {
        int events;
        size_t len = sizeof events;
        zmq_getsockopt (router, ZMQ_EVENTS, &events, &len);
    }
    CHECK_EQ_INT (ZMQ_POLLOUT, zmq_socket_get_peer_state (router, "D", 1));
    CHECK_ERR (EHOSTUNREACH, zmq_socket_get_peer_state (router, "X", 1));
    /* Fill the peer's pipe: then it cannot take more. */
    for (i = 0; i < 10; i++) {
        if (zmq_send (router, "D", 1, ZMQ_SNDMORE | ZMQ_DONTWAIT) != 1)
            break;
        CHECK_EQ_INT (1, zmq_send (router, "m", 1, ZMQ_DONTWAIT));
        sent++;
    }
    CHECK (sent >= 1);
    CHECK_EQ_INT (0, zmq_socket_get_peer_state (router, "D", 1));
    CHECK_ERR (ENOTSUP, zmq_socket_get_peer_state (dealer, "R", 1));
    CHECK_ERR (ENOTSOCK, zmq_socket_get_peer_state (NULL, "D", 1));
    CHECK_OK (zmq_close (dealer));
    CHECK_OK (zmq_close (router));
    CHECK_OK (zmq_ctx_term (ctx));
}
#endif

int main (void)
{
#ifndef ZMQRS_SKIP_DRAFT
    RUN (test_router_peer_state);
#endif
    return test_summary ();
}
