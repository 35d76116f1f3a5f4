/* test_zap_status.c - what each ZAP verdict does to a connection, on both
 * ends (libzmq's behaviour, checked on libzmq HEAD):
 *  - 400 and 500: the server reports HANDSHAKE_FAILED_AUTH with the code
 *    and sends ERROR; the client reports the same event and code, delivers
 *    nothing, and does not try again;
 *  - 300: the server reports AUTH 300 and says nothing to the client,
 *    which sees no AUTH event;
 *  - a handler that goes away without answering leaves the handshake
 *    standing (no protocol error, nothing delivered; when the client goes,
 *    the server reports NO_DETAIL EPIPE);
 *  - a CURVE server with a ZAP_DOMAIN, ZAP_ENFORCE_DOMAIN and no handler
 *    refuses the client (NO_DETAIL EFAULT).
 * Build with -pthread. */
#include <zmq.h>

#include "testutil.h"

/* Counted by the handler thread, read by the main one: atomic. */
static int requests;

static int requests_seen (void)
{
    return __atomic_load_n (&requests, __ATOMIC_SEQ_CST);
}

/* Answers each request with the status named by its domain ("300",
 * "400", "500"); domain "GONE" makes it leave without answering. */
static int decide (const tu_zap_request_t *r, tu_zap_verdict_t *v)
{
    __atomic_fetch_add (&requests, 1, __ATOMIC_SEQ_CST);
    if (!strcmp (r->part[2], "GONE"))
        return 0;
    v->status = r->part[2];
    v->text = "refused";
    v->user_id = "";
    return 1;
}

/* How many events `wanted` (with `value`) come within timeout_ms of
 * quiet, ignoring the others. */
static int count_events (void *mon, int wanted, int value, int timeout_ms)
{
    tu_event_t ev;
    int n = 0, events = 0;
    /* (at most 100 events: a monitor that never falls quiet ends it too) */
    while (events++ < 100 && tu_read_event (mon, &ev, timeout_ms) == 0)
        if (ev.event == wanted && (int) ev.value == value)
            n++;
    return n;
}

static void *monitored (void *ctx, void *s, const char *name)
{
    void *mon = tu_monitor (ctx, s, name,
                            ZMQ_EVENT_HANDSHAKE_FAILED_AUTH
                              | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL
                              | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL
                              | ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
    if (mon == NULL)
        fprintf (stderr, "monitor %s: %s\n", name, zmq_strerror (errno));
    return mon;
}

typedef struct
{
    void *server, *client, *smon, *cmon;
    int got; /* what the server received: -1 nothing */
} run_t;

/* A NULL DEALER server with `domain` and a monitored DEALER client that
 * sends "hi"; the server waits 500 ms for it. */
static void start (void *ctx, run_t *r, const char *domain, int id)
{
    char ep[256], name[64];
    int timeo = 500, linger = 0;
    r->server = zmq_socket (ctx, ZMQ_DEALER);
    r->client = zmq_socket (ctx, ZMQ_DEALER);
    CHECK_OK (
      zmq_setsockopt (r->server, ZMQ_ZAP_DOMAIN, domain, strlen (domain)));
    CHECK_OK (zmq_setsockopt (r->server, ZMQ_RCVTIMEO, &timeo, sizeof timeo));
    CHECK_OK (zmq_setsockopt (r->server, ZMQ_LINGER, &linger, sizeof linger));
    CHECK_OK (zmq_setsockopt (r->client, ZMQ_LINGER, &linger, sizeof linger));
    /* a client the server drops comes back; slowly, so that the monitors
       fall quiet between its attempts (count_events waits for that) */
    CHECK_OK (tu_set_int (r->client, ZMQ_RECONNECT_IVL, 1000));
    sprintf (name, "inproc://zs-s%d", id);
    r->smon = monitored (ctx, r->server, name);
    sprintf (name, "inproc://zs-c%d", id);
    r->cmon = monitored (ctx, r->client, name);
    CHECK_OK (zmq_bind (r->server, "tcp://127.0.0.1:*"));
    CHECK_OK (tu_last_endpoint (r->server, ep, sizeof ep));
    CHECK_OK (zmq_connect (r->client, ep));
    CHECK_EQ_INT (2, zmq_send (r->client, "hi", 2, 0));
    char buf[8];
    r->got = zmq_recv (r->server, buf, sizeof buf, 0);
}

static void finish (run_t *r)
{
    CHECK_OK (zmq_close (r->client));
    CHECK_OK (zmq_close (r->server));
    CHECK_OK (zmq_close (r->smon));
    CHECK_OK (zmq_close (r->cmon));
}

static void *start_handler (void *ctx)
{
    void *thread;
    __atomic_store_n (&requests, 0, __ATOMIC_SEQ_CST);
    thread = tu_zap_start (ctx, decide);
    if (thread == NULL)
        fprintf (stderr, "zap bind: %s\n", zmq_strerror (errno));
    return thread;
}

static void refused_with (const char *status, int code, int id)
{
    void *ctx = zmq_ctx_new ();
    void *thread = start_handler (ctx);
    run_t r;
    start (ctx, &r, status, id);
    CHECK_EQ_INT (-1, r.got);
    CHECK_EQ_INT (1, count_events (r.smon, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH,
                                   code, 300));
    CHECK_EQ_INT (1, count_events (r.cmon, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH,
                                   code, 300));
    /* the client gave up: one request only */
    CHECK_EQ_INT (1, requests_seen ());
    finish (&r);
    CHECK_OK (zmq_ctx_term (ctx));
    if (thread != NULL)
        zmq_threadclose (thread);
}

static void test_status_400 (void)
{
    refused_with ("400", 400, 1);
}

static void test_status_500 (void)
{
    refused_with ("500", 500, 2);
}

static void test_status_300_is_silent (void)
{
    void *ctx = zmq_ctx_new ();
    void *thread = start_handler (ctx);
    run_t r;
    start (ctx, &r, "300", 3);
    CHECK_EQ_INT (-1, r.got);
    CHECK (count_events (r.smon, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, 300, 300)
           >= 1);
    CHECK_EQ_INT (0, count_events (r.cmon, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH,
                                   300, 100));
    finish (&r);
    CHECK_OK (zmq_ctx_term (ctx));
    if (thread != NULL)
        zmq_threadclose (thread);
}

static void test_handler_gone_stalls (void)
{
    void *ctx = zmq_ctx_new ();
    void *thread = start_handler (ctx);
    run_t r;
    tu_event_t ev;
    int protocol = 0;
    start (ctx, &r, "GONE", 4);
    CHECK_EQ_INT (-1, r.got);
    CHECK_EQ_INT (1, requests_seen ());
    while (tu_read_event (r.smon, &ev, 100) == 0)
        if (ev.event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL)
            protocol++;
    CHECK_EQ_INT (0, protocol);
    /* the client leaves: the server's handshake fails for want of a peer */
    CHECK_OK (zmq_close (r.client));
    CHECK_EQ_INT (1, count_events (r.smon, ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL,
                                   EPIPE, 300));
    CHECK_OK (zmq_close (r.server));
    CHECK_OK (zmq_close (r.smon));
    CHECK_OK (zmq_close (r.cmon));
    CHECK_OK (zmq_ctx_term (ctx));
    if (thread != NULL)
        zmq_threadclose (thread);
}

static void test_curve_enforced_without_handler (void)
{
    void *ctx = zmq_ctx_new ();
    char spub[41], ssec[41], cpub[41], csec[41], ep[256], buf[8];
    int one = 1, timeo = 500, linger = 0;
    void *server = zmq_socket (ctx, ZMQ_DEALER);
    void *client = zmq_socket (ctx, ZMQ_DEALER);
    void *smon = monitored (ctx, server, "inproc://zs-curve");
    CHECK_OK (zmq_curve_keypair (spub, ssec));
    CHECK_OK (zmq_curve_keypair (cpub, csec));
    CHECK_OK (zmq_setsockopt (server, ZMQ_CURVE_SERVER, &one, sizeof one));
    CHECK_OK (zmq_setsockopt (server, ZMQ_CURVE_SECRETKEY, ssec, 40));
    CHECK_OK (
      zmq_setsockopt (server, ZMQ_ZAP_ENFORCE_DOMAIN, &one, sizeof one));
    CHECK_OK (zmq_setsockopt (server, ZMQ_ZAP_DOMAIN, "D", 1));
    CHECK_OK (zmq_setsockopt (server, ZMQ_RCVTIMEO, &timeo, sizeof timeo));
    CHECK_OK (zmq_setsockopt (server, ZMQ_LINGER, &linger, sizeof linger));
    CHECK_OK (zmq_setsockopt (client, ZMQ_LINGER, &linger, sizeof linger));
    /* the refused client comes back; slowly, so that the server's monitor
       falls quiet between its attempts (count_events waits for that) */
    CHECK_OK (tu_set_int (client, ZMQ_RECONNECT_IVL, 1000));
    CHECK_OK (zmq_setsockopt (client, ZMQ_CURVE_SERVERKEY, spub, 40));
    CHECK_OK (zmq_setsockopt (client, ZMQ_CURVE_PUBLICKEY, cpub, 40));
    CHECK_OK (zmq_setsockopt (client, ZMQ_CURVE_SECRETKEY, csec, 40));
    CHECK_OK (zmq_bind (server, "tcp://127.0.0.1:*"));
    CHECK_OK (tu_last_endpoint (server, ep, sizeof ep));
    CHECK_OK (zmq_connect (client, ep));
    CHECK_EQ_INT (2, zmq_send (client, "hi", 2, 0));
    CHECK_EQ_INT (-1, zmq_recv (server, buf, sizeof buf, 0));
    CHECK (count_events (smon, ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL, EFAULT,
                         200)
           >= 1);
    CHECK_OK (zmq_close (client));
    CHECK_OK (zmq_close (server));
    CHECK_OK (zmq_close (smon));
    CHECK_OK (zmq_ctx_term (ctx));
}

int main (void)
{
    RUN (test_status_400);
    RUN (test_status_500);
    RUN (test_status_300_is_silent);
    RUN (test_handler_gone_stalls);
    RUN (test_curve_enforced_without_handler);
    return test_summary ();
}
