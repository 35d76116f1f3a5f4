/* test_reqrep.c - ZMQ_REQ / ZMQ_REP over inproc: the send/receive state
 * machines (EFSM), envelopes as seen by ROUTER and DEALER peers, routing of
 * replies, ZMQ_REQ_RELAXED and ZMQ_REQ_CORRELATE.
 * Build with -pthread.
 */
#include <stdint.h>
#include <zmq.h>

#include "testutil.h"

static void test_basic_roundtrip (void)
{
    void *ctx = zmq_ctx_new ();
    void *rep, *req;
    CHECK (ctx != NULL);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_REP, ZMQ_REQ, "inproc://rr-basic",
                               &rep, &req));
    CHECK_STEP (tu_req_rep_rounds (req, rep));
    /* a multipart reply */
    SEND_STR (rep, "x", ZMQ_SNDMORE);
    SEND_STR (rep, "y", 0);
    RECV_STR (req, "x", 0);
    CHECK_RCVMORE (req, 1);
    RECV_STR (req, "y", 0);
    CHECK_RCVMORE (req, 0);
    CHECK_OK (zmq_close (rep));
    CHECK_OK (zmq_close (req));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* REQ: send, recv, send, recv...  A second send before the reply and a
 * receive before any send are EFSM and change nothing.
 * REP: recv, send, recv, send...  A send before a request and a second
 * receive before replying are EFSM. */
static void test_state_machine (void)
{
    void *ctx = zmq_ctx_new ();
    void *rep, *req;
    char buf[16];
    zmq_msg_t msg;
    CHECK (ctx != NULL);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_REP, ZMQ_REQ, "inproc://rr-fsm",
                               &rep, &req));
    CHECK_ERR (EFSM, zmq_recv (req, buf, sizeof buf, 0));
    CHECK_ERR (EFSM, zmq_recv (req, buf, sizeof buf, ZMQ_DONTWAIT));
    CHECK_ERR (EFSM, zmq_send (rep, "x", 1, 0));
    CHECK_ERR (EFSM, zmq_send (rep, "x", 1, ZMQ_DONTWAIT));
    CHECK_OK (zmq_msg_init (&msg));
    CHECK_ERR (EFSM, zmq_msg_recv (&msg, req, 0));
    CHECK_ERR (EFSM, zmq_msg_send (&msg, rep, 0));
    CHECK_OK (zmq_msg_close (&msg));

    SEND_STR (req, "q1", 0);
    CHECK_ERR (EFSM, zmq_send (req, "q2", 2, 0));
    CHECK_ERR (EFSM, zmq_send (req, "q2", 2, ZMQ_DONTWAIT));
    /* REP has nothing to reply to yet, and a REP with a pending request
     * cannot receive another one */
    CHECK_ERR (EFSM, zmq_send (rep, "x", 1, 0));
    RECV_STR (rep, "q1", 0);
    CHECK_ERR (EFSM, zmq_recv (rep, buf, sizeof buf, 0));
    CHECK_ERR (EFSM, zmq_recv (rep, buf, sizeof buf, ZMQ_DONTWAIT));
    SEND_STR (rep, "r1", 0);
    CHECK_ERR (EFSM, zmq_send (rep, "r2", 2, 0));
    RECV_STR (req, "r1", 0);
    CHECK_ERR (EFSM, zmq_recv (req, buf, sizeof buf, 0));

    /* in the middle of a multipart request the REQ keeps sending */
    SEND_STR (req, "p1", ZMQ_SNDMORE);
    SEND_STR (req, "p2", 0);
    CHECK_ERR (EFSM, zmq_send (req, "p3", 2, 0));
    RECV_STR (rep, "p1", 0);
    /* ... and the REP keeps receiving until the request is complete */
    CHECK_ERR (EFSM, zmq_send (rep, "x", 1, 0));
    RECV_STR (rep, "p2", 0);
    SEND_STR (rep, "done", ZMQ_SNDMORE);
    CHECK_ERR (EFSM, zmq_recv (rep, buf, sizeof buf, ZMQ_DONTWAIT));
    SEND_STR (rep, "!", 0);
    RECV_STR (req, "done", 0);
    CHECK_ERR (EFSM, zmq_send (req, "x", 1, 0));
    RECV_STR (req, "!", 0);
    SEND_STR (req, "again", 0);
    RECV_STR (rep, "again", 0);
    SEND_STR (rep, "ok", 0);
    RECV_STR (req, "ok", 0);
    CHECK_OK (zmq_close (rep));
    CHECK_OK (zmq_close (req));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ZMQ_EVENTS follows the state machine: a strict REQ waiting for its reply
 * is not writable; a REP is writable only with a request to answer. */
static void test_events (void)
{
    void *ctx = zmq_ctx_new ();
    void *rep, *req;
    int ev = -1;
    CHECK (ctx != NULL);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_REP, ZMQ_REQ, "inproc://rr-events",
                               &rep, &req));
    CHECK_OK (tu_get_int (req, ZMQ_EVENTS, &ev));
    CHECK_EQ_INT (ZMQ_POLLOUT, ev);
    CHECK_OK (tu_get_int (rep, ZMQ_EVENTS, &ev));
    CHECK_EQ_INT (0, ev);
    SEND_STR (req, "q", 0);
    CHECK_OK (tu_get_int (req, ZMQ_EVENTS, &ev));
    CHECK_EQ_INT (0, ev);
    CHECK_OK (tu_get_int (rep, ZMQ_EVENTS, &ev));
    CHECK_EQ_INT (ZMQ_POLLIN, ev);
    RECV_STR (rep, "q", 0);
    CHECK_OK (tu_get_int (rep, ZMQ_EVENTS, &ev));
    CHECK_EQ_INT (ZMQ_POLLOUT, ev);
    SEND_STR (rep, "r", 0);
    CHECK_OK (tu_get_int (rep, ZMQ_EVENTS, &ev));
    CHECK_EQ_INT (0, ev);
    CHECK_OK (tu_get_int (req, ZMQ_EVENTS, &ev));
    CHECK_EQ_INT (ZMQ_POLLIN, ev);
    RECV_STR (req, "r", 0);
    CHECK_OK (tu_get_int (req, ZMQ_EVENTS, &ev));
    CHECK_EQ_INT (ZMQ_POLLOUT, ev);
    CHECK_OK (zmq_close (rep));
    CHECK_OK (zmq_close (req));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* A REQ send that fails (no peer) leaves the REQ able to send. */
static void test_req_failed_send_keeps_state (void)
{
    void *ctx = zmq_ctx_new ();
    void *rep, *req;
    char buf[8];
    CHECK (ctx != NULL);
    req = tu_socket (ctx, ZMQ_REQ);
    CHECK (req != NULL);
    CHECK_ERR (EAGAIN, zmq_send (req, "q", 1, ZMQ_DONTWAIT));
    CHECK_ERR (EFSM, zmq_recv (req, buf, sizeof buf, ZMQ_DONTWAIT));
    CHECK_ERR (EAGAIN, zmq_send (req, "q", 1, ZMQ_DONTWAIT));
    rep = tu_socket (ctx, ZMQ_REP);
    CHECK (rep != NULL);
    CHECK_OK (zmq_bind (rep, "inproc://rr-nopeer"));
    CHECK_OK (zmq_connect (req, "inproc://rr-nopeer"));
    SEND_STR (req, "q", 0);
    RECV_STR (rep, "q", 0);
    CHECK_ERR (EFSM, zmq_recv (rep, buf, sizeof buf, ZMQ_DONTWAIT));
    SEND_STR (rep, "r", 0);
    RECV_STR (req, "r", 0);
    CHECK_OK (zmq_close (rep));
    CHECK_OK (zmq_close (req));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* A REQ talking to a ROUTER: the ROUTER sees [routing id][empty][body...];
 * replying with [routing id][empty][body...] reaches the REQ, which strips
 * the delimiter. */
static void test_req_to_router_envelope (void)
{
    void *ctx = zmq_ctx_new ();
    void *router, *req;
    char buf[16];
    CHECK (ctx != NULL);
    router = tu_socket (ctx, ZMQ_ROUTER);
    req = tu_socket (ctx, ZMQ_REQ);
    CHECK (router != NULL && req != NULL);
    CHECK_OK (zmq_setsockopt (req, ZMQ_ROUTING_ID, "client", 6));
    CHECK_OK (zmq_bind (router, "inproc://rr-router"));
    CHECK_OK (zmq_connect (req, "inproc://rr-router"));

    SEND_STR (req, "body1", ZMQ_SNDMORE);
    SEND_STR (req, "body2", 0);
    RECV_STR (router, "client", 0);
    CHECK_RCVMORE (router, 1);
    RECV_STR (router, "", 0);
    CHECK_RCVMORE (router, 1);
    RECV_STR (router, "body1", 0);
    CHECK_RCVMORE (router, 1);
    RECV_STR (router, "body2", 0);
    CHECK_RCVMORE (router, 0);

    SEND_STR (router, "client", ZMQ_SNDMORE);
    SEND_STR (router, "", ZMQ_SNDMORE);
    SEND_STR (router, "reply", 0);
    RECV_STR (req, "reply", 0);
    CHECK_RCVMORE (req, 0);
    CHECK_ERR (EFSM, zmq_recv (req, buf, sizeof buf, ZMQ_DONTWAIT));
    CHECK_OK (zmq_close (router));
    CHECK_OK (zmq_close (req));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* A reply without the empty delimiter (or with a non-empty first frame) is
 * malformed: the REQ drops it whole and keeps waiting. */
static void test_req_drops_malformed_reply (void)
{
    void *ctx = zmq_ctx_new ();
    void *router, *req;
    CHECK (ctx != NULL);
    router = tu_socket (ctx, ZMQ_ROUTER);
    req = tu_socket (ctx, ZMQ_REQ);
    CHECK (router != NULL && req != NULL);
    CHECK_OK (zmq_setsockopt (req, ZMQ_ROUTING_ID, "R", 1));
    CHECK_OK (zmq_bind (router, "inproc://rr-malformed"));
    CHECK_OK (zmq_connect (req, "inproc://rr-malformed"));
    SEND_STR (req, "q", 0);
    RECV_STR (router, "R", 0);
    RECV_STR (router, "", 0);
    RECV_STR (router, "q", 0);

    /* no delimiter */
    SEND_STR (router, "R", ZMQ_SNDMORE);
    SEND_STR (router, "bad1", 0);
    /* non-empty first frame */
    SEND_STR (router, "R", ZMQ_SNDMORE);
    SEND_STR (router, "x", ZMQ_SNDMORE);
    SEND_STR (router, "bad2", 0);
    /* delimiter as the only (last) frame */
    SEND_STR (router, "R", ZMQ_SNDMORE);
    SEND_STR (router, "", 0);
    /* well formed */
    SEND_STR (router, "R", ZMQ_SNDMORE);
    SEND_STR (router, "", ZMQ_SNDMORE);
    SEND_STR (router, "good", 0);
    RECV_STR (req, "good", 0);
    CHECK_RCVMORE (req, 0);
    CHECK_OK (zmq_close (router));
    CHECK_OK (zmq_close (req));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* A DEALER talking to a REP must add the empty delimiter itself; the REP
 * hands out only the body and puts the whole envelope (everything up to
 * and including the delimiter) back in front of its reply. */
static void test_dealer_to_rep_envelope (void)
{
    void *ctx = zmq_ctx_new ();
    void *rep, *dealer;
    CHECK (ctx != NULL);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_REP, ZMQ_DEALER, "inproc://rr-dealer",
                               &rep, &dealer));
    SEND_STR (dealer, "", ZMQ_SNDMORE);
    SEND_STR (dealer, "request", 0);
    RECV_STR (rep, "request", 0);
    CHECK_RCVMORE (rep, 0);
    SEND_STR (rep, "reply", 0);
    RECV_STR (dealer, "", 0);
    CHECK_RCVMORE (dealer, 1);
    RECV_STR (dealer, "reply", 0);
    CHECK_RCVMORE (dealer, 0);

    /* a deeper envelope comes back unchanged */
    SEND_STR (dealer, "hop1", ZMQ_SNDMORE);
    SEND_STR (dealer, "hop2", ZMQ_SNDMORE);
    SEND_STR (dealer, "", ZMQ_SNDMORE);
    SEND_STR (dealer, "req2", 0);
    RECV_STR (rep, "req2", 0);
    CHECK_RCVMORE (rep, 0);
    SEND_STR (rep, "rep2a", ZMQ_SNDMORE);
    SEND_STR (rep, "rep2b", 0);
    RECV_STR (dealer, "hop1", 0);
    RECV_STR (dealer, "hop2", 0);
    RECV_STR (dealer, "", 0);
    RECV_STR (dealer, "rep2a", 0);
    CHECK_RCVMORE (dealer, 1);
    RECV_STR (dealer, "rep2b", 0);
    CHECK_RCVMORE (dealer, 0);
    CHECK_OK (zmq_close (rep));
    CHECK_OK (zmq_close (dealer));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* A request without an empty delimiter frame is dropped by the REP. */
static void test_rep_drops_malformed_request (void)
{
    void *ctx = zmq_ctx_new ();
    void *rep, *dealer;
    CHECK (ctx != NULL);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_REP, ZMQ_DEALER,
                               "inproc://rr-rep-malformed", &rep, &dealer));
    SEND_STR (dealer, "no-delimiter", 0);
    SEND_STR (dealer, "a", ZMQ_SNDMORE);
    SEND_STR (dealer, "still-none", 0);
    SEND_STR (dealer, "", ZMQ_SNDMORE);
    SEND_STR (dealer, "fine", 0);
    RECV_STR (rep, "fine", 0);
    SEND_STR (rep, "ack", 0);
    RECV_STR (dealer, "", 0);
    RECV_STR (dealer, "ack", 0);
    CHECK_NO_MSG (dealer);
    CHECK_OK (zmq_close (rep));
    CHECK_OK (zmq_close (dealer));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* One REP serving three REQs: requests are fair-queued, each reply goes
 * back to the REQ that asked. */
static void test_rep_routes_replies (void)
{
    void *ctx = zmq_ctx_new ();
    void *rep, *req[3];
    char buf[16];
    int i, n, got[3] = {0, 0, 0};
    CHECK (ctx != NULL);
    rep = tu_socket (ctx, ZMQ_REP);
    CHECK (rep != NULL);
    CHECK_OK (zmq_bind (rep, "inproc://rr-three"));
    for (i = 0; i < 3; i++) {
        req[i] = tu_socket (ctx, ZMQ_REQ);
        CHECK (req[i] != NULL);
        CHECK_OK (zmq_connect (req[i], "inproc://rr-three"));
    }
    for (i = 0; i < 3; i++) {
        char q[8];
        sprintf (q, "q%d", i);
        SEND_STR (req[i], q, 0);
    }
    for (i = 0; i < 3; i++) {
        char r[8];
        int who;
        n = zmq_recv (rep, buf, sizeof buf, 0);
        CHECK_EQ_INT (2, n);
        CHECK (buf[0] == 'q');
        who = buf[1] - '0';
        CHECK (who >= 0 && who < 3);
        CHECK_EQ_INT (0, got[who]);
        got[who] = 1;
        sprintf (r, "r%d", who);
        SEND_STR (rep, r, 0);
    }
    /* read the replies in reverse order: each is where it belongs */
    for (i = 2; i >= 0; i--) {
        char r[8];
        sprintf (r, "r%d", i);
        RECV_STR (req[i], r, 0);
        /* back in the sending state */
        CHECK_ERR (EFSM, zmq_recv (req[i], buf, sizeof buf, ZMQ_DONTWAIT));
    }
    CHECK_OK (zmq_close (rep));
    for (i = 0; i < 3; i++)
        CHECK_OK (zmq_close (req[i]));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* One REQ connected to three REPs: requests go round-robin, in connection
 * order; each reply comes from the REP that got the request. */
static void test_req_round_robin (void)
{
    void *ctx = zmq_ctx_new ();
    void *req, *rep[3];
    char ep[64], q[8];
    int i;
    CHECK (ctx != NULL);
    req = tu_socket (ctx, ZMQ_REQ);
    CHECK (req != NULL);
    for (i = 0; i < 3; i++) {
        rep[i] = tu_socket (ctx, ZMQ_REP);
        CHECK (rep[i] != NULL);
        sprintf (ep, "inproc://rr-rrobin-%d", i);
        CHECK_OK (zmq_bind (rep[i], ep));
        CHECK_OK (zmq_connect (req, ep));
    }
    for (i = 0; i < 6; i++) {
        sprintf (q, "q%d", i);
        SEND_STR (req, q, 0);
        RECV_STR (rep[i % 3], q, 0);
        SEND_STR (rep[i % 3], q, 0);
        RECV_STR (req, q, 0);
    }
    for (i = 0; i < 3; i++)
        CHECK_NO_MSG (rep[i]);
    CHECK_OK (zmq_close (req));
    for (i = 0; i < 3; i++)
        CHECK_OK (zmq_close (rep[i]));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* A REP whose requester vanished: the reply is dropped silently (send
 * succeeds) and the REP serves the next requester. */
static void test_rep_requester_gone (void)
{
    void *ctx = zmq_ctx_new ();
    void *rep, *req1, *req2;
    CHECK (ctx != NULL);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_REP, ZMQ_REQ, "inproc://rr-gone",
                               &rep, &req1));
    SEND_STR (req1, "q1", 0);
    RECV_STR (rep, "q1", 0);
    CHECK_OK (zmq_close (req1));
    tu_sleep_ms (20);
    SEND_STR (rep, "lost", 0);
    req2 = tu_socket (ctx, ZMQ_REQ);
    CHECK (req2 != NULL);
    CHECK_OK (zmq_connect (req2, "inproc://rr-gone"));
    SEND_STR (req2, "q2", 0);
    RECV_STR (rep, "q2", 0);
    SEND_STR (rep, "r2", 0);
    RECV_STR (req2, "r2", 0);
    CHECK_OK (zmq_close (rep));
    CHECK_OK (zmq_close (req2));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* The REQ options are write-only: ints >= 0, anything else EINVAL;
 * reading them is EINVAL.  Other socket types refuse them. */
static void test_req_options (void)
{
    void *ctx = zmq_ctx_new ();
    void *req, *rep;
    int v = 0;
    char c = 1;
    CHECK (ctx != NULL);
    req = tu_socket (ctx, ZMQ_REQ);
    rep = tu_socket (ctx, ZMQ_REP);
    CHECK (req != NULL && rep != NULL);
    CHECK_OK (tu_set_int (req, ZMQ_REQ_RELAXED, 1));
    CHECK_OK (tu_set_int (req, ZMQ_REQ_RELAXED, 0));
    CHECK_OK (tu_set_int (req, ZMQ_REQ_CORRELATE, 1));
    CHECK_OK (tu_set_int (req, ZMQ_REQ_CORRELATE, 0));
    CHECK_OK (tu_set_int (req, ZMQ_REQ_CORRELATE, 7));
    CHECK_ERR (EINVAL, tu_set_int (req, ZMQ_REQ_RELAXED, -1));
    CHECK_ERR (EINVAL, tu_set_int (req, ZMQ_REQ_CORRELATE, -1));
    CHECK_ERR (EINVAL, zmq_setsockopt (req, ZMQ_REQ_RELAXED, &c, 1));
    CHECK_ERR (EINVAL, tu_get_int (req, ZMQ_REQ_RELAXED, &v));
    CHECK_ERR (EINVAL, tu_get_int (req, ZMQ_REQ_CORRELATE, &v));
    CHECK_ERR (EINVAL, tu_set_int (rep, ZMQ_REQ_RELAXED, 1));
    CHECK_ERR (EINVAL, tu_set_int (rep, ZMQ_REQ_CORRELATE, 1));
    CHECK_OK (zmq_close (req));
    CHECK_OK (zmq_close (rep));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ZMQ_REQ_RELAXED: a new request may be sent without waiting for the
 * reply (the REQ stays writable).  The new request goes to the next peer
 * and only a reply from that peer is accepted: a late reply to the earlier
 * request, arriving from the other peer, is discarded. */
static void test_req_relaxed (void)
{
    void *ctx = zmq_ctx_new ();
    void *req, *rep[2];
    char ep[64];
    int i, ev = -1;
    CHECK (ctx != NULL);
    req = tu_socket (ctx, ZMQ_REQ);
    CHECK (req != NULL);
    CHECK_OK (tu_set_int (req, ZMQ_REQ_RELAXED, 1));
    for (i = 0; i < 2; i++) {
        rep[i] = tu_socket (ctx, ZMQ_REP);
        CHECK (rep[i] != NULL);
        sprintf (ep, "inproc://rr-relaxed-%d", i);
        CHECK_OK (zmq_bind (rep[i], ep));
        CHECK_OK (zmq_connect (req, ep));
    }
    SEND_STR (req, "A", 0);
    RECV_STR (rep[0], "A", 0);
    CHECK_OK (tu_get_int (req, ZMQ_EVENTS, &ev));
    CHECK_EQ_INT (ZMQ_POLLOUT, ev);
    SEND_STR (req, "B", 0);
    RECV_STR (rep[1], "B", 0);
    /* the late reply to A is discarded */
    SEND_STR (rep[0], "reply-A", 0);
    SEND_STR (rep[1], "reply-B", 0);
    RECV_STR (req, "reply-B", 0);
    CHECK_ERR (EFSM, zmq_recv (req, ep, sizeof ep, ZMQ_DONTWAIT));
    /* the connection to rep[0] survived: the next request goes there */
    SEND_STR (req, "C", 0);
    RECV_STR (rep[0], "C", 0);
    SEND_STR (rep[0], "reply-C", 0);
    RECV_STR (req, "reply-C", 0);
    /* a relaxed REQ still cannot receive before sending */
    CHECK_ERR (EFSM, zmq_recv (req, ep, sizeof ep, ZMQ_DONTWAIT));
    CHECK_OK (zmq_close (req));
    for (i = 0; i < 2; i++)
        CHECK_OK (zmq_close (rep[i]));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ZMQ_REQ_RELAXED: replies already waiting when a new request is sent are
 * thrown away before the new request goes out. */
static void test_req_relaxed_discards_queued (void)
{
    void *ctx = zmq_ctx_new ();
    void *req, *router;
    CHECK (ctx != NULL);
    req = tu_socket (ctx, ZMQ_REQ);
    router = tu_socket (ctx, ZMQ_ROUTER);
    CHECK (req != NULL && router != NULL);
    CHECK_OK (tu_set_int (req, ZMQ_REQ_RELAXED, 1));
    CHECK_OK (zmq_setsockopt (req, ZMQ_ROUTING_ID, "Q", 1));
    CHECK_OK (zmq_bind (router, "inproc://rr-relaxed-q"));
    CHECK_OK (zmq_connect (req, "inproc://rr-relaxed-q"));
    SEND_STR (req, "first", 0);
    RECV_STR (router, "Q", 0);
    RECV_STR (router, "", 0);
    RECV_STR (router, "first", 0);
    SEND_STR (router, "Q", ZMQ_SNDMORE);
    SEND_STR (router, "", ZMQ_SNDMORE);
    SEND_STR (router, "stale", 0);
    tu_sleep_ms (20);
    SEND_STR (req, "second", 0);
    RECV_STR (router, "Q", 0);
    RECV_STR (router, "", 0);
    RECV_STR (router, "second", 0);
    SEND_STR (router, "Q", ZMQ_SNDMORE);
    SEND_STR (router, "", ZMQ_SNDMORE);
    SEND_STR (router, "fresh", 0);
    RECV_STR (req, "fresh", 0);
    CHECK_OK (zmq_close (req));
    CHECK_OK (zmq_close (router));
    CHECK_OK (zmq_ctx_term (ctx));
}

static uint32_t get_u32 (const void *p)
{
    uint32_t v;
    memcpy (&v, p, sizeof v);
    return v;
}

/* ZMQ_REQ_CORRELATE: every request starts with a 4-byte request id (host
 * byte order, one more than the previous request's) before the empty
 * delimiter; only a reply carrying the current id is accepted. */
static void test_req_correlate (void)
{
    void *ctx = zmq_ctx_new ();
    void *req, *router;
    unsigned char id1[8], id2[8];
    uint32_t bad;
    CHECK (ctx != NULL);
    req = tu_socket (ctx, ZMQ_REQ);
    router = tu_socket (ctx, ZMQ_ROUTER);
    CHECK (req != NULL && router != NULL);
    CHECK_OK (tu_set_int (req, ZMQ_REQ_CORRELATE, 1));
    CHECK_OK (zmq_setsockopt (req, ZMQ_ROUTING_ID, "C", 1));
    CHECK_OK (zmq_bind (router, "inproc://rr-correlate"));
    CHECK_OK (zmq_connect (req, "inproc://rr-correlate"));

    SEND_STR (req, "one", 0);
    RECV_STR (router, "C", 0);
    CHECK_EQ_INT (4, zmq_recv (router, id1, sizeof id1, 0));
    CHECK_RCVMORE (router, 1);
    RECV_STR (router, "", 0);
    CHECK_RCVMORE (router, 1);
    RECV_STR (router, "one", 0);
    CHECK_RCVMORE (router, 0);

    /* wrong id: dropped */
    bad = get_u32 (id1) + 1000u;
    SEND_STR (router, "C", ZMQ_SNDMORE);
    CHECK_EQ_INT (4, zmq_send (router, &bad, 4, ZMQ_SNDMORE));
    SEND_STR (router, "", ZMQ_SNDMORE);
    SEND_STR (router, "wrong", 0);
    /* no id at all: dropped */
    SEND_STR (router, "C", ZMQ_SNDMORE);
    SEND_STR (router, "", ZMQ_SNDMORE);
    SEND_STR (router, "no-id", 0);
    /* right id */
    SEND_STR (router, "C", ZMQ_SNDMORE);
    CHECK_EQ_INT (4, zmq_send (router, id1, 4, ZMQ_SNDMORE));
    SEND_STR (router, "", ZMQ_SNDMORE);
    SEND_STR (router, "right", 0);
    RECV_STR (req, "right", 0);
    CHECK_RCVMORE (req, 0);

    /* the next request carries the next id */
    SEND_STR (req, "two", 0);
    RECV_STR (router, "C", 0);
    CHECK_EQ_INT (4, zmq_recv (router, id2, sizeof id2, 0));
    CHECK_EQ_INT (get_u32 (id1) + 1u, get_u32 (id2));
    RECV_STR (router, "", 0);
    RECV_STR (router, "two", 0);
    /* replying with the previous id does not count */
    SEND_STR (router, "C", ZMQ_SNDMORE);
    CHECK_EQ_INT (4, zmq_send (router, id1, 4, ZMQ_SNDMORE));
    SEND_STR (router, "", ZMQ_SNDMORE);
    SEND_STR (router, "old", 0);
    SEND_STR (router, "C", ZMQ_SNDMORE);
    CHECK_EQ_INT (4, zmq_send (router, id2, 4, ZMQ_SNDMORE));
    SEND_STR (router, "", ZMQ_SNDMORE);
    SEND_STR (router, "new", 0);
    RECV_STR (req, "new", 0);
    CHECK_OK (zmq_close (req));
    CHECK_OK (zmq_close (router));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* RELAXED + CORRELATE with a single peer: two requests are outstanding on
 * the same connection; the reply to the first is discarded by its id. */
static void test_req_relaxed_correlate (void)
{
    void *ctx = zmq_ctx_new ();
    void *req, *router;
    unsigned char id1[4], id2[4];
    CHECK (ctx != NULL);
    req = tu_socket (ctx, ZMQ_REQ);
    router = tu_socket (ctx, ZMQ_ROUTER);
    CHECK (req != NULL && router != NULL);
    CHECK_OK (tu_set_int (req, ZMQ_REQ_RELAXED, 1));
    CHECK_OK (tu_set_int (req, ZMQ_REQ_CORRELATE, 1));
    CHECK_OK (zmq_setsockopt (req, ZMQ_ROUTING_ID, "RC", 2));
    /* connect first, bind later: both requests are queued */
    CHECK_OK (zmq_connect (req, "inproc://rr-relcor"));
    SEND_STR (req, "to-be-discarded", 0);
    SEND_STR (req, "to-be-answered", 0);
    CHECK_OK (zmq_bind (router, "inproc://rr-relcor"));

    RECV_STR (router, "RC", 0);
    CHECK_EQ_INT (4, zmq_recv (router, id1, sizeof id1, 0));
    RECV_STR (router, "", 0);
    RECV_STR (router, "to-be-discarded", 0);
    RECV_STR (router, "RC", 0);
    CHECK_EQ_INT (4, zmq_recv (router, id2, sizeof id2, 0));
    RECV_STR (router, "", 0);
    RECV_STR (router, "to-be-answered", 0);
    CHECK_EQ_INT (get_u32 (id1) + 1u, get_u32 (id2));

    SEND_STR (router, "RC", ZMQ_SNDMORE);
    CHECK_EQ_INT (4, zmq_send (router, id1, 4, ZMQ_SNDMORE));
    SEND_STR (router, "", ZMQ_SNDMORE);
    SEND_STR (router, "answer-1", 0);
    SEND_STR (router, "RC", ZMQ_SNDMORE);
    CHECK_EQ_INT (4, zmq_send (router, id2, 4, ZMQ_SNDMORE));
    SEND_STR (router, "", ZMQ_SNDMORE);
    SEND_STR (router, "answer-2", 0);
    RECV_STR (req, "answer-2", 0);
    CHECK_OK (zmq_close (req));
    CHECK_OK (zmq_close (router));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* A REQ without CORRELATE accepts any well-formed reply on the pipe its
 * request went to; a REP answers a correlated REQ transparently (the id is
 * part of the envelope it echoes). */
static void test_correlate_with_rep (void)
{
    void *ctx = zmq_ctx_new ();
    void *rep, *req;
    int i;
    CHECK (ctx != NULL);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_REP, ZMQ_REQ, "inproc://rr-cor-rep",
                               &rep, &req));
    CHECK_OK (tu_set_int (req, ZMQ_REQ_CORRELATE, 1));
    for (i = 0; i < 3; i++) {
        SEND_STR (req, "q", 0);
        RECV_STR (rep, "q", 0);
        CHECK_RCVMORE (rep, 0);
        SEND_STR (rep, "r", 0);
        RECV_STR (req, "r", 0);
    }
    CHECK_OK (zmq_close (rep));
    CHECK_OK (zmq_close (req));
    CHECK_OK (zmq_ctx_term (ctx));
}

int main (void)
{
    RUN (test_basic_roundtrip);
    RUN (test_state_machine);
    RUN (test_events);
    RUN (test_req_failed_send_keeps_state);
    RUN (test_req_to_router_envelope);
    RUN (test_req_drops_malformed_reply);
    RUN (test_dealer_to_rep_envelope);
    RUN (test_rep_drops_malformed_request);
    RUN (test_rep_routes_replies);
    RUN (test_req_round_robin);
    RUN (test_rep_requester_gone);
    RUN (test_req_options);
    RUN (test_req_relaxed);
    RUN (test_req_relaxed_discards_queued);
    RUN (test_req_correlate);
    RUN (test_req_relaxed_correlate);
    RUN (test_correlate_with_rep);
    return test_summary ();
}
