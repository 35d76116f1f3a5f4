/* test_plain_zap.c - PLAIN over tcp with a ZAP handler (RFC 27) on
 * inproc://zeromq.zap.01: the right password gets through and the handler
 * sees PLAIN's credentials; a wrong one (status 400) gets nothing through.
 * The User-Id the handler gives is readable on received messages. */
#include <zmq.h>

#include "testutil.h"

/* Lets in user admin with password secret as "admin-id"; refuses (400)
 * anything else. */
static int decide (const tu_zap_request_t *r, tu_zap_verdict_t *v)
{
    /* PLAIN's credentials: username, password */
    int ok = r->n == 8 && !strcmp (r->part[5], "PLAIN")
             && !strcmp (r->part[6], "admin") && !strcmp (r->part[7], "secret");
    v->status = ok ? "200" : "400";
    v->text = ok ? "OK" : "NO";
    v->user_id = ok ? "admin-id" : "";
    return 1;
}

static void *client (void *ctx, const char *ep, const char *password)
{
    int timeo = 700, linger = 0;
    void *c = zmq_socket (ctx, ZMQ_DEALER);
    zmq_setsockopt (c, ZMQ_PLAIN_USERNAME, "admin", 5);
    zmq_setsockopt (c, ZMQ_PLAIN_PASSWORD, password, strlen (password));
    zmq_setsockopt (c, ZMQ_RCVTIMEO, &timeo, sizeof timeo);
    zmq_setsockopt (c, ZMQ_LINGER, &linger, sizeof linger);
    zmq_connect (c, ep);
    return c;
}

static void test_plain_with_zap (void)
{
    void *ctx = zmq_ctx_new ();
    void *thread = tu_zap_start (ctx, decide);
    void *server = zmq_socket (ctx, ZMQ_ROUTER);
    void *good, *bad;
    int one = 1, timeo = 2000, linger = 0;
    char ep[256], buf[64];
    zmq_msg_t id, body;
    CHECK (thread && server);
    CHECK_OK (zmq_setsockopt (server, ZMQ_PLAIN_SERVER, &one, sizeof one));
    CHECK_OK (zmq_setsockopt (server, ZMQ_RCVTIMEO, &timeo, sizeof timeo));
    CHECK_OK (zmq_setsockopt (server, ZMQ_LINGER, &linger, sizeof linger));
    CHECK_OK (zmq_bind (server, "tcp://127.0.0.1:*"));
    CHECK_OK (tu_last_endpoint (server, ep, sizeof ep));

    bad = client (ctx, ep, "wrong");
    CHECK_EQ_INT (3, zmq_send (bad, "bad", 3, 0));
    good = client (ctx, ep, "secret");
    CHECK_EQ_INT (4, zmq_send (good, "good", 4, 0));

    /* Only the good client's message arrives, with the handler's User-Id. */
    zmq_msg_init (&id);
    zmq_msg_init (&body);
    CHECK (zmq_msg_recv (&id, server, 0) >= 0);
    CHECK_EQ_INT (4, zmq_msg_recv (&body, server, 0));
    CHECK_MEM ("good", zmq_msg_data (&body), 4);
    CHECK_EQ_STR ("admin-id", zmq_msg_gets (&body, "User-Id"));
    zmq_msg_close (&id);
    zmq_msg_close (&body);
    CHECK_ERR (EAGAIN, zmq_recv (server, buf, sizeof buf, ZMQ_DONTWAIT));

    CHECK_OK (zmq_close (bad));
    CHECK_OK (zmq_close (good));
    CHECK_OK (zmq_close (server));
    /* Term wakes the handler (ETERM), which closes its socket. */
    CHECK_OK (zmq_ctx_term (ctx));
    zmq_threadclose (thread);
}

int main (void)
{
    RUN (test_plain_with_zap);
    return test_summary ();
}
