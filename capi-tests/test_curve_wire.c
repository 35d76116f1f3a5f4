/* test_curve_wire.c - CURVE over tcp: a client with the server's public key
 * talks to a CURVE server; a client with a wrong server key gets nothing
 * through (the handshake fails), and the server keeps serving others. */
#include <zmq.h>

#include "testutil.h"

struct server {
    void *ctx, *sock;
    char pub[41], sec[41], ep[256];
};

static int server_start (struct server *s)
{
    int one = 1, timeo = 2000;
    s->ctx = zmq_ctx_new ();
    if (zmq_curve_keypair (s->pub, s->sec) != 0)
        return -1;
    s->sock = zmq_socket (s->ctx, ZMQ_REP);
    if (!s->sock || zmq_setsockopt (s->sock, ZMQ_CURVE_SERVER, &one, sizeof one)
        || zmq_setsockopt (s->sock, ZMQ_CURVE_SECRETKEY, s->sec, 40)
        || zmq_setsockopt (s->sock, ZMQ_RCVTIMEO, &timeo, sizeof timeo)
        || zmq_bind (s->sock, "tcp://127.0.0.1:*"))
        return -1;
    return tu_last_endpoint (s->sock, s->ep, sizeof s->ep);
}

static void *client (void *ctx, const char *ep, const char *server_key)
{
    char pub[41], sec[41];
    int timeo = 500, linger = 0;
    void *c = zmq_socket (ctx, ZMQ_REQ);
    zmq_curve_keypair (pub, sec);
    zmq_setsockopt (c, ZMQ_CURVE_SERVERKEY, server_key, 40);
    zmq_setsockopt (c, ZMQ_CURVE_PUBLICKEY, pub, 40);
    zmq_setsockopt (c, ZMQ_CURVE_SECRETKEY, sec, 40);
    zmq_setsockopt (c, ZMQ_RCVTIMEO, &timeo, sizeof timeo);
    zmq_setsockopt (c, ZMQ_LINGER, &linger, sizeof linger);
    zmq_connect (c, ep);
    return c;
}

static void test_curve_roundtrip_and_wrong_key (void)
{
    struct server s;
    char buf[32], wrong_pub[41], wrong_sec[41];
    void *good, *bad;
    int mech;
    size_t len = sizeof mech;
    CHECK_OK (server_start (&s));
    CHECK_OK (zmq_getsockopt (s.sock, ZMQ_MECHANISM, &mech, &len));
    CHECK_EQ_INT (ZMQ_CURVE, mech);

    /* A client that trusts another key: nothing reaches the server. */
    CHECK_OK (zmq_curve_keypair (wrong_pub, wrong_sec));
    bad = client (s.ctx, s.ep, wrong_pub);
    CHECK_EQ_INT (5, zmq_send (bad, "nope!", 5, 0));
    CHECK_ERR (EAGAIN, zmq_recv (bad, buf, sizeof buf, 0));

    /* The right key: a request and its reply, encrypted both ways. */
    good = client (s.ctx, s.ep, s.pub);
    CHECK_EQ_INT (6, zmq_send (good, "secret", 6, 0));
    CHECK_EQ_INT (6, zmq_recv (s.sock, buf, sizeof buf, 0));
    CHECK_MEM ("secret", buf, 6);
    CHECK_EQ_INT (5, zmq_send (s.sock, "reply", 5, 0));
    CHECK_EQ_INT (5, zmq_recv (good, buf, sizeof buf, 0));
    CHECK_MEM ("reply", buf, 5);

    CHECK_OK (zmq_close (bad));
    CHECK_OK (zmq_close (good));
    CHECK_OK (zmq_close (s.sock));
    CHECK_OK (zmq_ctx_term (s.ctx));
}

int main (void)
{
    RUN (test_curve_roundtrip_and_wrong_key);
    return test_summary ();
}
