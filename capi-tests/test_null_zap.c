/* test_null_zap.c - the NULL mechanism with ZMQ_ZAP_DOMAIN: a bound ZAP
 * handler is asked (mechanism "NULL", the domain given) and its 200 lets
 * the peer in with the User-Id it names, while a 400 lets nothing through;
 * with no domain the handler is not asked; with ZMQ_ZAP_ENFORCE_DOMAIN and
 * no handler bound the connection is refused. */
#include <zmq.h>

#include "testutil.h"

static int requests;

/* Lets in domain GOOD as user "anon"; refuses (400) anything else. */
static int decide (const tu_zap_request_t *r, tu_zap_verdict_t *v)
{
    requests++;
    /* NULL carries no credentials: six frames */
    int ok = r->n == 6 && !strcmp (r->part[2], "GOOD")
             && !strcmp (r->part[5], "NULL");
    v->status = ok ? "200" : "400";
    v->text = "";
    v->user_id = ok ? "anon" : "";
    return 1;
}

/* A DEALER server with `domain` (or none) and `enforce`, a DEALER client
 * sending "hi"; *got is what the server received (-1: nothing in time) and
 * user_id the User-Id it carried. */
static void exchange (void *ctx, const char *domain, int enforce, int *got,
                      char *user_id)
{
    void *server = zmq_socket (ctx, ZMQ_DEALER);
    void *client = zmq_socket (ctx, ZMQ_DEALER);
    int timeo = 500, linger = 0, rc;
    char ep[256];
    zmq_msg_t msg;
    CHECK (server && client);
    if (domain)
        CHECK_OK (
          zmq_setsockopt (server, ZMQ_ZAP_DOMAIN, domain, strlen (domain)));
    CHECK_OK (zmq_setsockopt (server, ZMQ_ZAP_ENFORCE_DOMAIN, &enforce,
                              sizeof enforce));
    CHECK_OK (zmq_setsockopt (server, ZMQ_RCVTIMEO, &timeo, sizeof timeo));
    CHECK_OK (zmq_setsockopt (server, ZMQ_LINGER, &linger, sizeof linger));
    CHECK_OK (zmq_setsockopt (client, ZMQ_LINGER, &linger, sizeof linger));
    CHECK_OK (zmq_bind (server, "tcp://127.0.0.1:*"));
    CHECK_OK (tu_last_endpoint (server, ep, sizeof ep));
    CHECK_OK (zmq_connect (client, ep));
    CHECK_EQ_INT (2, zmq_send (client, "hi", 2, 0));
    zmq_msg_init (&msg);
    rc = zmq_msg_recv (&msg, server, 0);
    user_id[0] = 0;
    if (rc >= 0) {
        const char *uid = zmq_msg_gets (&msg, "User-Id");
        if (uid)
            strcpy (user_id, uid);
    } else
        CHECK_EQ_INT (EAGAIN, zmq_errno ());
    zmq_msg_close (&msg);
    CHECK_OK (zmq_close (client));
    CHECK_OK (zmq_close (server));
    *got = rc;
}

static void test_null_with_zap (void)
{
    void *ctx = zmq_ctx_new ();
    void *thread = tu_zap_start (ctx, decide);
    char uid[64];
    int got;
    CHECK (thread != NULL);

    /* No domain: the handler is not asked and the message gets through. */
    exchange (ctx, NULL, 0, &got, uid);
    CHECK_EQ_INT (2, got);
    CHECK_EQ_INT (0, requests);
    /* The handler accepts domain GOOD and names the user. */
    exchange (ctx, "GOOD", 0, &got, uid);
    CHECK_EQ_INT (2, got);
    CHECK_EQ_STR ("anon", uid);
    CHECK (requests >= 1);
    /* It refuses any other domain: nothing gets through. */
    exchange (ctx, "WRONG", 0, &got, uid);
    CHECK_EQ_INT (-1, got);

    CHECK_OK (zmq_ctx_term (ctx));
    zmq_threadclose (thread);
}

static void test_enforced_domain_without_handler (void)
{
    void *ctx = zmq_ctx_new ();
    char uid[64];
    int got;
    /* Not enforced: no handler means no check. */
    exchange (ctx, "ANY", 0, &got, uid);
    CHECK_EQ_INT (2, got);
    /* Enforced: the handshake fails. */
    exchange (ctx, "ANY", 1, &got, uid);
    CHECK_EQ_INT (-1, got);
    CHECK_OK (zmq_ctx_term (ctx));
}

int main (void)
{
    RUN (test_null_with_zap);
    RUN (test_enforced_domain_without_handler);
    return test_summary ();
}
