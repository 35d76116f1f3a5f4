/* test_pubsub.c - PUB / SUB: subscriptions, matching, HWM, transports. */
#include <zmq.h>
#include "testutil.h"

#define SETTLE 100

/* ZMQ_TOPICS_COUNT is a draft option (libzmq 4.3.5 with drafts). */
#ifdef ZMQ_TOPICS_COUNT
#define TOPICS(s, expected)                                                   \
    do {                                                                      \
        int tn_ = -1;                                                         \
        CHECK_OK (tu_get_int ((s), ZMQ_TOPICS_COUNT, &tn_));                  \
        CHECK_EQ_INT ((expected), tn_);                                       \
    } while (0)
#else
#define TOPICS(s, expected)                                                   \
    do {                                                                      \
    } while (0)
#endif

/* Receives one frame into buf; its size, or -1. */
static int recv_buf (void *s, char *buf, size_t len, int flags)
{
    int n = zmq_recv (s, buf, len, flags);
    return n;
}

static void sub_pub_case (const char *endpoint)
{
    void *ctx = zmq_ctx_new ();
    void *pub, *sub;
    CHECK_OK (tu_bind_connect (ctx, ZMQ_PUB, ZMQ_SUB, endpoint, &pub, &sub));
    CHECK_OK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "ab", 2));
    CHECK_OK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "\0\xff", 2));
    tu_sleep_ms (SETTLE);
    SEND_STR (pub, "a", 0);
    SEND_STR (pub, "abc", 0);
    SEND_STR (pub, "xab", 0);
    CHECK (zmq_send (pub, "\0\xff\0", 3, 0) == 3);
    CHECK (zmq_send (pub, "\0\xfe", 2, 0) == 2);
    SEND_STR (pub, "ab", 0);
    RECV_STR (sub, "abc", 0);
    char buf[8];
    CHECK (recv_buf (sub, buf, sizeof buf, 0) == 3);
    CHECK (memcmp (buf, "\0\xff\0", 3) == 0);
    RECV_STR (sub, "ab", 0);
    CHECK_NO_MSG (sub);
    /* Unsubscribing stops the flow. */
    CHECK_OK (zmq_setsockopt (sub, ZMQ_UNSUBSCRIBE, "ab", 2));
    tu_sleep_ms (SETTLE);
    SEND_STR (pub, "abc", 0);
    CHECK (zmq_send (pub, "\0\xff", 2, 0) == 2);
    CHECK (recv_buf (sub, buf, sizeof buf, 0) == 2);
    CHECK_NO_MSG (sub);
    CHECK_OK (zmq_close (sub));
    CHECK_OK (zmq_close (pub));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_prefix_inproc (void)
{
    sub_pub_case ("inproc://ps");
}

static void test_prefix_tcp (void)
{
    sub_pub_case ("tcp://127.0.0.1:*");
}

static void test_prefix_ipc (void)
{
    sub_pub_case ("ipc://*");
}

static void test_empty_subscription_and_none (void)
{
    void *ctx = zmq_ctx_new ();
    void *pub, *sub, *sub2;
    CHECK_OK (tu_bind_connect (ctx, ZMQ_PUB, ZMQ_SUB, "tcp://127.0.0.1:*",
                               &pub, &sub));
    char last[256];
    CHECK_OK (tu_last_endpoint (pub, last, sizeof last));
    sub2 = tu_socket (ctx, ZMQ_SUB);
    CHECK_OK (zmq_connect (sub2, last));
    CHECK_OK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, NULL, 0));
    tu_sleep_ms (SETTLE);
    SEND_STR (pub, "", 0);
    SEND_STR (pub, "anything", 0);
    RECV_STR (sub, "", 0);
    RECV_STR (sub, "anything", 0);
    /* No subscription: nothing. */
    CHECK_NO_MSG (sub2);
    CHECK_OK (zmq_close (sub2));
    CHECK_OK (zmq_close (sub));
    CHECK_OK (zmq_close (pub));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_duplicate_subscriptions (void)
{
    void *ctx = zmq_ctx_new ();
    void *pub, *sub;
    CHECK_OK (tu_bind_connect (ctx, ZMQ_PUB, ZMQ_SUB, "inproc://dup", &pub,
                               &sub));
    CHECK_OK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "A", 1));
    CHECK_OK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "A", 1));
    /* Counted twice, as in libzmq's draft build (radix tree). */
    TOPICS (sub, 2);
    /* One unsubscription leaves one subscription. */
    CHECK_OK (zmq_setsockopt (sub, ZMQ_UNSUBSCRIBE, "A", 1));
    TOPICS (sub, 1);
    tu_sleep_ms (SETTLE);
    SEND_STR (pub, "A1", 0);
    RECV_STR (sub, "A1", 0);
    CHECK_OK (zmq_setsockopt (sub, ZMQ_UNSUBSCRIBE, "A", 1));
    TOPICS (sub, 0);
    /* Unknown unsubscription: fine. */
    CHECK_OK (zmq_setsockopt (sub, ZMQ_UNSUBSCRIBE, "zz", 2));
    tu_sleep_ms (SETTLE);
    SEND_STR (pub, "A2", 0);
    CHECK_NO_MSG (sub);
    CHECK_OK (zmq_close (sub));
    CHECK_OK (zmq_close (pub));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_topics_count (void)
{
    void *ctx = zmq_ctx_new ();
    void *pub, *sub;
    CHECK_OK (tu_bind_connect (ctx, ZMQ_XPUB, ZMQ_SUB, "inproc://tc", &pub,
                               &sub));
    CHECK_OK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "a", 1));
    CHECK_OK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "b", 1));
    CHECK_OK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "", 0));
    TOPICS (sub, 3);
    char buf[8];
    for (int i = 0; i < 3; i++)
        CHECK (zmq_recv (pub, buf, sizeof buf, 0) >= 1);
    TOPICS (pub, 3);
    CHECK_OK (zmq_setsockopt (sub, ZMQ_UNSUBSCRIBE, "a", 1));
    CHECK (zmq_recv (pub, buf, sizeof buf, 0) == 2);
    TOPICS (pub, 2);
    /* Not on a PUSH. */
    void *push = tu_socket (ctx, ZMQ_PUSH);
#ifdef ZMQ_TOPICS_COUNT
    int n;
    CHECK_ERR (EINVAL, tu_get_int (push, ZMQ_TOPICS_COUNT, &n));
#endif
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_close (sub));
    CHECK_OK (zmq_close (pub));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_invert_matching (void)
{
    void *ctx = zmq_ctx_new ();
    void *pub = tu_socket (ctx, ZMQ_PUB);
    void *sub = tu_socket (ctx, ZMQ_SUB);
    CHECK_OK (tu_set_int (pub, ZMQ_INVERT_MATCHING, 1));
    CHECK_OK (tu_set_int (sub, ZMQ_INVERT_MATCHING, 1));
    CHECK_OK (zmq_bind (pub, "inproc://inv"));
    CHECK_OK (zmq_connect (sub, "inproc://inv"));
    CHECK_OK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "no", 2));
    tu_sleep_ms (SETTLE);
    SEND_STR (pub, "no thanks", 0);
    SEND_STR (pub, "yes please", 0);
    RECV_STR (sub, "yes please", 0);
    CHECK_NO_MSG (sub);
    CHECK_OK (zmq_close (sub));
    CHECK_OK (zmq_close (pub));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_multipart_filtered_whole (void)
{
    void *ctx = zmq_ctx_new ();
    void *pub, *sub;
    CHECK_OK (tu_bind_connect (ctx, ZMQ_PUB, ZMQ_SUB, "inproc://mp", &pub,
                               &sub));
    CHECK_OK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "T", 1));
    tu_sleep_ms (SETTLE);
    SEND_STR (pub, "X", ZMQ_SNDMORE);
    SEND_STR (pub, "T but not first", 0);
    SEND_STR (pub, "T", ZMQ_SNDMORE);
    SEND_STR (pub, "body", 0);
    RECV_STR (sub, "T", 0);
    CHECK_RCVMORE (sub, 1);
    RECV_STR (sub, "body", 0);
    CHECK_RCVMORE (sub, 0);
    CHECK_NO_MSG (sub);
    CHECK_OK (zmq_close (sub));
    CHECK_OK (zmq_close (pub));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* A SUB polls readable only for a message it will deliver. */
static void test_poll_only_matching (void)
{
    void *ctx = zmq_ctx_new ();
    void *pub = tu_socket (ctx, ZMQ_PUB);
    void *sub = tu_socket (ctx, ZMQ_XSUB);
    void *fsub = tu_socket (ctx, ZMQ_SUB);
    CHECK_OK (zmq_bind (pub, "inproc://poll"));
    CHECK_OK (zmq_connect (fsub, "inproc://poll"));
    CHECK_OK (zmq_setsockopt (fsub, ZMQ_SUBSCRIBE, "yes", 3));
    /* An XSUB that subscribes to everything but filters nothing. */
    CHECK_OK (zmq_connect (sub, "inproc://poll"));
    CHECK (zmq_send (sub, "\1", 1, 0) == 1);
    tu_sleep_ms (SETTLE);
    SEND_STR (pub, "no", 0);
    zmq_pollitem_t item = {fsub, 0, ZMQ_POLLIN, 0};
    CHECK_EQ_INT (0, zmq_poll (&item, 1, 100));
    SEND_STR (pub, "yes", 0);
    CHECK_EQ_INT (1, zmq_poll (&item, 1, 1000));
    RECV_STR (fsub, "yes", 0);
    RECV_STR (sub, "no", 0);
    RECV_STR (sub, "yes", 0);
    CHECK_OK (zmq_close (fsub));
    CHECK_OK (zmq_close (sub));
    CHECK_OK (zmq_close (pub));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_wrong_direction (void)
{
    void *ctx = zmq_ctx_new ();
    void *pub = tu_socket (ctx, ZMQ_PUB);
    void *sub = tu_socket (ctx, ZMQ_SUB);
    char buf[4];
    CHECK_ERR (ENOTSUP, zmq_recv (pub, buf, sizeof buf, ZMQ_DONTWAIT));
    CHECK_ERR (ENOTSUP, zmq_send (sub, "x", 1, ZMQ_DONTWAIT));
    /* SUBSCRIBE is for SUB (and manual XPUB) only. */
    CHECK_ERR (EINVAL, zmq_setsockopt (pub, ZMQ_SUBSCRIBE, "a", 1));
    void *xsub = tu_socket (ctx, ZMQ_XSUB);
    CHECK_ERR (EINVAL, zmq_setsockopt (xsub, ZMQ_SUBSCRIBE, "a", 1));
    CHECK_OK (zmq_close (xsub));
    CHECK_OK (zmq_close (sub));
    CHECK_OK (zmq_close (pub));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* PUB never blocks: at the HWM a subscriber misses messages, and a slow
 * subscriber does not hold back a fast one. */
static void test_hwm_per_subscriber (void)
{
    void *ctx = zmq_ctx_new ();
    void *pub = tu_socket (ctx, ZMQ_PUB);
    CHECK_OK (tu_set_int (pub, ZMQ_SNDHWM, 10));
    CHECK_OK (zmq_bind (pub, "inproc://hwm"));
    void *slow = tu_socket (ctx, ZMQ_SUB);
    void *fast = tu_socket (ctx, ZMQ_SUB);
    CHECK_OK (tu_set_int (slow, ZMQ_RCVHWM, 10));
    CHECK_OK (tu_set_int (fast, ZMQ_RCVHWM, 10));
    CHECK_OK (zmq_connect (slow, "inproc://hwm"));
    CHECK_OK (zmq_connect (fast, "inproc://hwm"));
    CHECK_OK (zmq_setsockopt (slow, ZMQ_SUBSCRIBE, "", 0));
    CHECK_OK (zmq_setsockopt (fast, ZMQ_SUBSCRIBE, "", 0));
    tu_sleep_ms (SETTLE);
    int got_fast = 0;
    char buf[16];
    for (int i = 0; i < 1000; i++) {
        CHECK (zmq_send (pub, "m", 1, 0) == 1); /* never blocks */
        while (zmq_recv (fast, buf, sizeof buf, ZMQ_DONTWAIT) == 1)
            got_fast++;
        /* libzmq's PUB looks at HWM credit from readers at most about
         * once a millisecond. */
        if (i % 5 == 4)
            tu_sleep_ms (2);
    }
    tu_sleep_ms (SETTLE);
    while (zmq_recv (fast, buf, sizeof buf, ZMQ_DONTWAIT) == 1)
        got_fast++;
    int got_slow = 0;
    while (zmq_recv (slow, buf, sizeof buf, ZMQ_DONTWAIT) == 1)
        got_slow++;
    CHECK_EQ_INT (1000, got_fast);
    /* inproc HWMs add up: SNDHWM + RCVHWM. */
    CHECK_EQ_INT (20, got_slow);
    CHECK_OK (zmq_close (slow));
    CHECK_OK (zmq_close (fast));
    CHECK_OK (zmq_close (pub));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* Subscribe, then publish at once (as pyzmq's log handler does): over
 * inproc the subscription is in the PUB's pipe before setsockopt returns,
 * and the PUB's next send takes it in, even right after a send that
 * looked at its commands. (libzmq looks at a PUB's commands at most about
 * once a millisecond, and may drop such a send.) */
static void test_subscribe_then_publish_at_once (void)
{
    void *ctx = zmq_ctx_new ();
    void *pub, *sub;
    CHECK_OK (tu_bind_connect (ctx, ZMQ_PUB, ZMQ_SUB, "inproc://at-once",
                               &pub, &sub));
    char topic[16];
    for (int i = 0; i < 50; i++) {
        snprintf (topic, sizeof topic, "t%03d", i);
        CHECK_OK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, topic, 4));
        CHECK (zmq_send (pub, topic, 4, 0) == 4);
        char buf[8];
        CHECK (zmq_recv (sub, buf, sizeof buf, ZMQ_DONTWAIT) == 4);
        CHECK (memcmp (buf, topic, 4) == 0);
        /* and gone as soon, for the next round */
        CHECK_OK (zmq_setsockopt (sub, ZMQ_UNSUBSCRIBE, topic, 4));
        CHECK (zmq_send (pub, topic, 4, 0) == 4);
        CHECK_NO_MSG (sub);
    }
    CHECK_OK (zmq_close (sub));
    CHECK_OK (zmq_close (pub));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* A PUB over tcp with a stalled subscriber keeps sending. */
static void test_pub_never_blocks_tcp (void)
{
    void *ctx = zmq_ctx_new ();
    void *pub, *sub;
    CHECK_OK (tu_bind_connect (ctx, ZMQ_PUB, ZMQ_SUB, "tcp://127.0.0.1:*",
                               &pub, &sub));
    CHECK_OK (tu_set_int (pub, ZMQ_SNDHWM, 5));
    CHECK_OK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "", 0));
    tu_sleep_ms (SETTLE);
    char big[1024] = {0};
    for (int i = 0; i < 20000; i++)
        CHECK (zmq_send (pub, big, sizeof big, 0) == (int) sizeof big);
    CHECK_OK (zmq_close (sub));
    CHECK_OK (zmq_close (pub));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_conflate_sub (void)
{
    void *ctx = zmq_ctx_new ();
    void *pub = tu_socket (ctx, ZMQ_PUB);
    void *sub = tu_socket (ctx, ZMQ_SUB);
    CHECK_OK (tu_set_int (sub, ZMQ_CONFLATE, 1));
    CHECK_OK (zmq_bind (pub, "tcp://127.0.0.1:*"));
    char last[256];
    CHECK_OK (tu_last_endpoint (pub, last, sizeof last));
    CHECK_OK (zmq_connect (sub, last));
    CHECK_OK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "", 0));
    tu_sleep_ms (SETTLE);
    char msg[16];
    for (int i = 0; i < 100; i++) {
        snprintf (msg, sizeof msg, "%d", i);
        SEND_STR (pub, msg, 0);
    }
    tu_sleep_ms (SETTLE * 2);
    RECV_STR (sub, "99", 0);
    CHECK_NO_MSG (sub);
    CHECK_OK (zmq_close (sub));
    CHECK_OK (zmq_close (pub));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* A late joiner gets what was published after its subscription reached the
 * publisher, and subscriptions made before connecting are sent on connect. */
static void test_late_joiner (void)
{
    void *ctx = zmq_ctx_new ();
    void *pub = tu_socket (ctx, ZMQ_PUB);
    CHECK_OK (zmq_bind (pub, "tcp://127.0.0.1:*"));
    char last[256];
    CHECK_OK (tu_last_endpoint (pub, last, sizeof last));
    SEND_STR (pub, "before", 0);
    void *sub = tu_socket (ctx, ZMQ_SUB);
    CHECK_OK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "", 0));
    CHECK_OK (zmq_connect (sub, last));
    tu_sleep_ms (SETTLE * 2);
    SEND_STR (pub, "after", 0);
    RECV_STR (sub, "after", 0);
    CHECK_NO_MSG (sub);
    CHECK_OK (zmq_close (sub));
    CHECK_OK (zmq_close (pub));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* Many subscriptions: each filters, and they cost little. */
static void test_many_subscriptions (void)
{
    void *ctx = zmq_ctx_new ();
    void *pub, *sub;
    CHECK_OK (tu_bind_connect (ctx, ZMQ_XPUB, ZMQ_SUB, "inproc://many", &pub,
                               &sub));
    CHECK_OK (tu_set_int (sub, ZMQ_SNDHWM, 0));
    char topic[32];
    for (int i = 0; i < 100000; i++) {
        int n = snprintf (topic, sizeof topic, "t%06d", i);
        CHECK_OK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, topic, n));
    }
    TOPICS (sub, 100000);
    char buf[32];
    for (int i = 0; i < 100000; i++)
        CHECK (zmq_recv (pub, buf, sizeof buf, 0) == 8);
    TOPICS (pub, 100000);
    SEND_STR (pub, "t054321 hello", 0);
    SEND_STR (pub, "t54321", 0);
    RECV_STR (sub, "t054321 hello", 0);
    CHECK_NO_MSG (sub);
    CHECK_OK (zmq_close (sub));
    CHECK_OK (zmq_close (pub));
    CHECK_OK (zmq_ctx_term (ctx));
}

int main (void)
{
    RUN (test_prefix_inproc);
    RUN (test_prefix_tcp);
    RUN (test_prefix_ipc);
    RUN (test_empty_subscription_and_none);
    RUN (test_duplicate_subscriptions);
    RUN (test_topics_count);
    RUN (test_invert_matching);
    RUN (test_multipart_filtered_whole);
    RUN (test_poll_only_matching);
    RUN (test_wrong_direction);
    RUN (test_hwm_per_subscriber);
    RUN (test_subscribe_then_publish_at_once);
    RUN (test_pub_never_blocks_tcp);
    RUN (test_conflate_sub);
    RUN (test_late_joiner);
    RUN (test_many_subscriptions);
    return test_summary ();
}
