/* test_pushpull.c - ZMQ_PUSH / ZMQ_PULL over inproc: round-robin
 * distribution, fair queueing, multipart atomicity, a million messages in
 * order across threads, and the errors of the one-way sockets; over tcp
 * and ipc, messages sent in bursts and after pauses, in order.
 * Build with -pthread.
 */
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "testutil.h"

/* One PUSH connected to three bound PULLs: messages go to the peers in turn,
 * in the order the connections were made (a connecting socket attaches its
 * pipe during zmq_connect). */
static void test_round_robin_connecting_push (void)
{
    void *ctx = zmq_ctx_new ();
    void *push, *pull[3];
    char ep[64], msg[16];
    int i;
    CHECK (ctx != NULL);
    push = tu_socket (ctx, ZMQ_PUSH);
    CHECK (push != NULL);
    for (i = 0; i < 3; i++) {
        pull[i] = tu_socket (ctx, ZMQ_PULL);
        CHECK (pull[i] != NULL);
        sprintf (ep, "inproc://pp-rr-%d", i);
        CHECK_OK (zmq_bind (pull[i], ep));
        CHECK_OK (zmq_connect (push, ep));
    }
    for (i = 0; i < 9; i++) {
        sprintf (msg, "m%d", i);
        SEND_STR (push, msg, 0);
    }
    for (i = 0; i < 9; i++) {
        sprintf (msg, "m%d", i);
        RECV_STR (pull[i % 3], msg, 0);
    }
    for (i = 0; i < 3; i++)
        CHECK_NO_MSG (pull[i]);
    CHECK_OK (zmq_close (push));
    for (i = 0; i < 3; i++)
        CHECK_OK (zmq_close (pull[i]));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* Bound PUSH, three PULLs connect: once the PUSH has seen the connections
 * (ZMQ_EVENTS processes pending commands) every peer gets its share, one
 * message each per round, multipart messages counting as one. */
static void test_round_robin_bound_push (void)
{
    void *ctx = zmq_ctx_new ();
    void *push, *pull[3];
    char msg[16];
    int i, j, ev, counts[3];
    CHECK (ctx != NULL);
    push = tu_socket (ctx, ZMQ_PUSH);
    CHECK (push != NULL);
    CHECK_OK (zmq_bind (push, "inproc://pp-rr-bound"));
    for (i = 0; i < 3; i++) {
        pull[i] = tu_socket (ctx, ZMQ_PULL);
        CHECK (pull[i] != NULL);
        CHECK_OK (zmq_connect (pull[i], "inproc://pp-rr-bound"));
    }
    CHECK_OK (tu_get_int (push, ZMQ_EVENTS, &ev));
    CHECK_EQ_INT (ZMQ_POLLOUT, ev);
    for (i = 0; i < 6; i++) {
        sprintf (msg, "m%d", i);
        SEND_STR (push, "head", ZMQ_SNDMORE);
        SEND_STR (push, msg, 0);
    }
    /* each PULL gets two whole messages, in sending order */
    for (i = 0; i < 3; i++) {
        int last = -1;
        counts[i] = 0;
        for (;;) {
            char buf[16];
            int n;
            n = zmq_recv (pull[i], buf, sizeof buf - 1, ZMQ_DONTWAIT);
            if (n < 0)
                break;
            CHECK_EQ_INT (4, n);
            CHECK_MEM ("head", buf, 4);
            CHECK_RCVMORE (pull[i], 1);
            n = zmq_recv (pull[i], buf, sizeof buf - 1, ZMQ_DONTWAIT);
            CHECK_EQ_INT (2, n);
            CHECK (buf[0] == 'm');
            j = buf[1] - '0';
            CHECK (j > last);
            last = j;
            counts[i]++;
        }
        CHECK_EQ_INT (EAGAIN, errno);
    }
    for (i = 0; i < 3; i++)
        CHECK_EQ_INT (2, counts[i]);
    CHECK_OK (zmq_close (push));
    for (i = 0; i < 3; i++)
        CHECK_OK (zmq_close (pull[i]));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* Three PUSHes into one bound PULL, each with 4 messages queued: the PULL
 * takes one message from each in turn, so every window of three consecutive
 * messages holds one from each sender, and each sender's messages keep
 * their order. */
static void test_fair_queue (void)
{
    void *ctx = zmq_ctx_new ();
    void *pull, *push[3];
    char msg[16], buf[16];
    int i, k, seen[3], next[3] = {0, 0, 0};
    CHECK (ctx != NULL);
    pull = tu_socket (ctx, ZMQ_PULL);
    CHECK (pull != NULL);
    CHECK_OK (zmq_bind (pull, "inproc://pp-fq"));
    for (i = 0; i < 3; i++) {
        push[i] = tu_socket (ctx, ZMQ_PUSH);
        CHECK (push[i] != NULL);
        CHECK_OK (zmq_connect (push[i], "inproc://pp-fq"));
    }
    for (k = 0; k < 4; k++)
        for (i = 0; i < 3; i++) {
            sprintf (msg, "%c%d", 'A' + i, k);
            SEND_STR (push[i], msg, 0);
        }
    for (k = 0; k < 4; k++) {
        seen[0] = seen[1] = seen[2] = 0;
        for (i = 0; i < 3; i++) {
            int n = zmq_recv (pull, buf, sizeof buf, 0);
            int who;
            CHECK_EQ_INT (2, n);
            who = buf[0] - 'A';
            CHECK (who >= 0 && who < 3);
            CHECK_EQ_INT (0, seen[who]);
            seen[who] = 1;
            CHECK_EQ_INT (next[who], buf[1] - '0');
            next[who]++;
        }
    }
    CHECK_NO_MSG (pull);
    CHECK_OK (zmq_close (pull));
    for (i = 0; i < 3; i++)
        CHECK_OK (zmq_close (push[i]));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* A PULL connecting to three bound PUSHes fair-queues too. */
static void test_fair_queue_connecting_pull (void)
{
    void *ctx = zmq_ctx_new ();
    void *pull, *push[3];
    char ep[64], msg[16], buf[16];
    int i, k, seen[3];
    CHECK (ctx != NULL);
    pull = tu_socket (ctx, ZMQ_PULL);
    CHECK (pull != NULL);
    for (i = 0; i < 3; i++) {
        push[i] = tu_socket (ctx, ZMQ_PUSH);
        CHECK (push[i] != NULL);
        sprintf (ep, "inproc://pp-fq-c%d", i);
        CHECK_OK (zmq_bind (push[i], ep));
        CHECK_OK (zmq_connect (pull, ep));
    }
    for (k = 0; k < 3; k++)
        for (i = 0; i < 3; i++) {
            sprintf (msg, "%c%d", 'A' + i, k);
            SEND_STR (push[i], msg, 0);
        }
    for (k = 0; k < 3; k++) {
        seen[0] = seen[1] = seen[2] = 0;
        for (i = 0; i < 3; i++) {
            int who;
            CHECK_EQ_INT (2, zmq_recv (pull, buf, sizeof buf, 0));
            who = buf[0] - 'A';
            CHECK (who >= 0 && who < 3);
            CHECK_EQ_INT (0, seen[who]);
            seen[who] = 1;
            CHECK_EQ_INT (k, buf[1] - '0');
        }
    }
    CHECK_NO_MSG (pull);
    CHECK_OK (zmq_close (pull));
    for (i = 0; i < 3; i++)
        CHECK_OK (zmq_close (push[i]));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* Senders interleave their parts frame by frame; the PULL still sees every
 * multipart message whole, never parts of two senders mixed. */
static void test_multipart_atomic (void)
{
    void *ctx = zmq_ctx_new ();
    void *pull, *push[3];
    char part[16], buf[16];
    int i, p, r, got[3] = {0, 0, 0};
    CHECK (ctx != NULL);
    pull = tu_socket (ctx, ZMQ_PULL);
    CHECK (pull != NULL);
    CHECK_OK (zmq_bind (pull, "inproc://pp-atomic"));
    for (i = 0; i < 3; i++) {
        push[i] = tu_socket (ctx, ZMQ_PUSH);
        CHECK (push[i] != NULL);
        CHECK_OK (zmq_connect (push[i], "inproc://pp-atomic"));
    }
    /* two rounds of 4-part messages, parts interleaved across senders */
    for (r = 0; r < 2; r++)
        for (p = 0; p < 4; p++)
            for (i = 0; i < 3; i++) {
                sprintf (part, "%c%d", 'A' + i, p);
                SEND_STR (push[i], part, p < 3 ? ZMQ_SNDMORE : 0);
            }
    for (r = 0; r < 6; r++) {
        int who = -1;
        for (p = 0; p < 4; p++) {
            CHECK_EQ_INT (2, zmq_recv (pull, buf, sizeof buf, 0));
            if (p == 0)
                who = buf[0] - 'A';
            CHECK (who >= 0 && who < 3);
            CHECK_EQ_INT ('A' + who, buf[0]);
            CHECK_EQ_INT ('0' + p, buf[1]);
            CHECK_RCVMORE (pull, p < 3 ? 1 : 0);
        }
        got[who]++;
    }
    CHECK_EQ_INT (2, got[0]);
    CHECK_EQ_INT (2, got[1]);
    CHECK_EQ_INT (2, got[2]);
    CHECK_NO_MSG (pull);
    CHECK_OK (zmq_close (pull));
    for (i = 0; i < 3; i++)
        CHECK_OK (zmq_close (push[i]));
    CHECK_OK (zmq_ctx_term (ctx));
}

#define MILLION 1000000u

struct sender_args
{
    void *push;
    unsigned sent;
    int err;
};

static void million_sender (void *arg)
{
    struct sender_args *a = (struct sender_args *) arg;
    unsigned i;
    unsigned char buf[8];
    for (i = 0; i < MILLION; i++) {
        buf[0] = (unsigned char) (i >> 24);
        buf[1] = (unsigned char) (i >> 16);
        buf[2] = (unsigned char) (i >> 8);
        buf[3] = (unsigned char) i;
        buf[4] = buf[5] = buf[6] = buf[7] = (unsigned char) (i * 13);
        if (zmq_send (a->push, buf, 8, 0) != 8) {
            a->err = errno;
            break;
        }
    }
    a->sent = i;
}

/* A million small messages from a sender thread (blocking on the HWM) to
 * the main thread: all arrive, in order, intact. */
static void test_million_in_order (void)
{
    void *ctx = zmq_ctx_new ();
    void *pull, *push, *thread;
    struct sender_args args;
    unsigned i, bad = 0, got = 0;
    unsigned char buf[16];
    int timeo = 10000;
    CHECK (ctx != NULL);
    pull = tu_socket (ctx, ZMQ_PULL);
    push = tu_socket (ctx, ZMQ_PUSH);
    CHECK (pull != NULL && push != NULL);
    CHECK_OK (tu_set_int (pull, ZMQ_RCVTIMEO, timeo));
    CHECK_OK (tu_set_int (push, ZMQ_SNDTIMEO, timeo));
    CHECK_OK (zmq_bind (pull, "inproc://pp-million"));
    CHECK_OK (zmq_connect (push, "inproc://pp-million"));
    args.push = push;
    args.sent = 0;
    args.err = 0;
    thread = zmq_threadstart (million_sender, &args);
    CHECK (thread != NULL);
    for (i = 0; i < MILLION; i++) {
        int n = zmq_recv (pull, buf, sizeof buf, 0);
        if (n != 8)
            break;
        got++;
        if (((unsigned) buf[0] << 24 | (unsigned) buf[1] << 16
             | (unsigned) buf[2] << 8 | buf[3])
              != i
            || buf[7] != (unsigned char) (i * 13))
            bad++;
    }
    zmq_threadclose (thread);
    CHECK_EQ_INT (0, args.err);
    CHECK_EQ_INT (MILLION, args.sent);
    CHECK_EQ_INT (MILLION, got);
    CHECK_EQ_INT (0, bad);
    CHECK_NO_MSG (pull);
    CHECK_OK (zmq_close (pull));
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* With no peer a PUSH cannot send: EAGAIN at once with ZMQ_DONTWAIT, after
 * SNDTIMEO without.  Nothing is queued for a later peer by those failed
 * sends. */
static void test_push_no_peer (void)
{
    void *ctx = zmq_ctx_new ();
    void *push, *pull, *watch;
    unsigned long elapsed;
    int ev = -1;
    CHECK (ctx != NULL);
    push = tu_socket (ctx, ZMQ_PUSH);
    CHECK (push != NULL);
    CHECK_OK (tu_get_int (push, ZMQ_EVENTS, &ev));
    CHECK_EQ_INT (0, ev);
    CHECK_ERR (EAGAIN, zmq_send (push, "x", 1, ZMQ_DONTWAIT));
    CHECK_OK (zmq_bind (push, "inproc://pp-nopeer"));
    CHECK_ERR (EAGAIN, zmq_send (push, "x", 1, ZMQ_DONTWAIT));
    CHECK_ERR (EAGAIN, zmq_send (push, "x", 1, ZMQ_DONTWAIT | ZMQ_SNDMORE));

    CHECK_OK (tu_set_int (push, ZMQ_SNDTIMEO, 100));
    watch = zmq_stopwatch_start ();
    errno = 0;
    if (zmq_send (push, "x", 1, 0) != -1 || errno != EAGAIN) {
        zmq_stopwatch_stop (watch);
        CHECK (0);
    }
    elapsed = zmq_stopwatch_stop (watch);
    CHECK (elapsed >= 90000ul);

    pull = tu_socket (ctx, ZMQ_PULL);
    CHECK (pull != NULL);
    CHECK_OK (zmq_connect (pull, "inproc://pp-nopeer"));
    SEND_STR (push, "first", 0);
    RECV_STR (pull, "first", 0);
    CHECK_NO_MSG (pull);
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_close (pull));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* One-way sockets: receiving on PUSH and sending on PULL is ENOTSUP, even
 * with ZMQ_DONTWAIT and even with a peer; PULL never reports POLLOUT. */
static void test_wrong_direction (void)
{
    void *ctx = zmq_ctx_new ();
    void *pull, *push;
    zmq_msg_t msg;
    char buf[8];
    int ev = -1;
    CHECK (ctx != NULL);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_PULL, ZMQ_PUSH, "inproc://pp-dir",
                               &pull, &push));
    CHECK_ERR (ENOTSUP, zmq_recv (push, buf, sizeof buf, 0));
    CHECK_ERR (ENOTSUP, zmq_recv (push, buf, sizeof buf, ZMQ_DONTWAIT));
    CHECK_ERR (ENOTSUP, zmq_send (pull, "x", 1, 0));
    CHECK_ERR (ENOTSUP, zmq_send (pull, "x", 1, ZMQ_DONTWAIT));
    CHECK_ERR (ENOTSUP, zmq_send (pull, "x", 1, ZMQ_SNDMORE));
    CHECK_ERR (ENOTSUP, zmq_send_const (pull, "x", 1, 0));
    CHECK_OK (zmq_msg_init (&msg));
    CHECK_ERR (ENOTSUP, zmq_msg_recv (&msg, push, 0));
    CHECK_ERR (ENOTSUP, zmq_msg_send (&msg, pull, 0));
    CHECK_OK (zmq_msg_close (&msg));
    SEND_STR (push, "ok", 0);
    CHECK_OK (tu_get_int (pull, ZMQ_EVENTS, &ev));
    CHECK_EQ_INT (ZMQ_POLLIN, ev);
    CHECK_OK (tu_get_int (push, ZMQ_EVENTS, &ev));
    CHECK_EQ_INT (ZMQ_POLLOUT, ev);
    RECV_STR (pull, "ok", 0);
    CHECK_OK (tu_get_int (pull, ZMQ_EVENTS, &ev));
    CHECK_EQ_INT (0, ev);
    CHECK_OK (zmq_close (pull));
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* PUSH may connect before the PULL binds; queued messages arrive. */
static void test_connect_before_bind (void)
{
    void *ctx = zmq_ctx_new ();
    void *pull, *push;
    CHECK (ctx != NULL);
    push = tu_socket (ctx, ZMQ_PUSH);
    CHECK (push != NULL);
    CHECK_OK (zmq_connect (push, "inproc://pp-late"));
    SEND_STR (push, "one", 0);
    SEND_STR (push, "two", ZMQ_SNDMORE);
    SEND_STR (push, "three", 0);
    pull = tu_socket (ctx, ZMQ_PULL);
    CHECK (pull != NULL);
    CHECK_OK (zmq_bind (pull, "inproc://pp-late"));
    RECV_STR (pull, "one", 0);
    RECV_STR (pull, "two", 0);
    CHECK_RCVMORE (pull, 1);
    RECV_STR (pull, "three", 0);
    CHECK_NO_MSG (pull);
    CHECK_OK (zmq_close (pull));
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* When one of two PULLs goes away the PUSH sends everything to the other. */
static void test_peer_gone (void)
{
    void *ctx = zmq_ctx_new ();
    void *push, *a, *b;
    char msg[16];
    int i;
    CHECK (ctx != NULL);
    push = tu_socket (ctx, ZMQ_PUSH);
    a = tu_socket (ctx, ZMQ_PULL);
    b = tu_socket (ctx, ZMQ_PULL);
    CHECK (push != NULL && a != NULL && b != NULL);
    CHECK_OK (zmq_bind (a, "inproc://pp-gone-a"));
    CHECK_OK (zmq_bind (b, "inproc://pp-gone-b"));
    CHECK_OK (zmq_connect (push, "inproc://pp-gone-a"));
    CHECK_OK (zmq_connect (push, "inproc://pp-gone-b"));
    SEND_STR (push, "to-a", 0);
    SEND_STR (push, "to-b", 0);
    RECV_STR (a, "to-a", 0);
    RECV_STR (b, "to-b", 0);
    CHECK_OK (zmq_close (b));
    tu_sleep_ms (100);
    for (i = 0; i < 5; i++) {
        sprintf (msg, "x%d", i);
        SEND_STR (push, msg, 0);
    }
    for (i = 0; i < 5; i++) {
        sprintf (msg, "x%d", i);
        RECV_STR (a, msg, 0);
    }
    CHECK_NO_MSG (a);
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* A peer that goes while a multipart message is on its way to it takes
 * that message's rest with it, and only that: the next message, refused
 * at first because the other peer is full, is delivered whole once there
 * is room (zmqrs lost it, reporting success, until the routing fuzz target
 * found it). */
static void test_peer_gone_mid_message (void)
{
    void *ctx = zmq_ctx_new ();
    void *push, *a, *b;
    int i;
    CHECK (ctx != NULL);
    push = tu_socket (ctx, ZMQ_PUSH);
    a = tu_socket (ctx, ZMQ_PULL);
    b = tu_socket (ctx, ZMQ_PULL);
    CHECK (push != NULL && a != NULL && b != NULL);
    /* inproc: push -> b holds 1 + 1 messages, push -> a many */
    CHECK_OK (tu_set_int (push, ZMQ_SNDHWM, 1));
    CHECK_OK (tu_set_int (a, ZMQ_RCVHWM, 1000));
    CHECK_OK (tu_set_int (b, ZMQ_RCVHWM, 1));
    CHECK_OK (tu_set_int (push, ZMQ_SNDTIMEO, 2000));
    CHECK_OK (tu_set_int (b, ZMQ_RCVTIMEO, 2000));
    CHECK_OK (zmq_bind (a, "inproc://pp-mid-a"));
    CHECK_OK (zmq_bind (b, "inproc://pp-mid-b"));
    CHECK_OK (zmq_connect (push, "inproc://pp-mid-a"));
    CHECK_OK (zmq_connect (push, "inproc://pp-mid-b"));
    /* round robin: a, b, a, b; b is now full */
    for (i = 0; i < 4; i++)
        SEND_STR (push, i % 2 ? "to-b" : "to-a", 0);
    /* a message begins on a, and a goes */
    SEND_STR (push, "lost-1", ZMQ_SNDMORE);
    CHECK_OK (zmq_close (a));
    tu_sleep_ms (50);
    SEND_STR (push, "lost-2", 0);
    /* b is full: refused, not lost */
    CHECK_ERR (EAGAIN, zmq_send (push, "next-1", 6, ZMQ_SNDMORE | ZMQ_DONTWAIT));
    RECV_STR (b, "to-b", 0);
    RECV_STR (b, "to-b", 0);
    SEND_STR (push, "next-1", ZMQ_SNDMORE);
    SEND_STR (push, "next-2", 0);
    RECV_STR (b, "next-1", 0);
    CHECK_RCVMORE (b, 1);
    RECV_STR (b, "next-2", 0);
    CHECK_RCVMORE (b, 0);
    CHECK_NO_MSG (b);
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* Messages that come after a pause are written to the connection by the
 * sending thread itself, those in a burst by the I/O thread; a large one
 * after a pause starts on the sending thread and is finished by the I/O
 * thread.  Whatever the mix, the receiver gets every part, intact and in
 * order, over tcp and ipc. */
#define GAPPED 1500

struct gapped_args
{
    void *push;
    int err;
};

static size_t gapped_size (unsigned i)
{
    if (i % 250 == 7)
        return 1 << 20; /* more than the kernel takes in one write */
    return (size_t) (i * 37 % 3000) + 1;
}

static void gapped_sender (void *arg)
{
    struct gapped_args *a = arg;
    unsigned i;
    for (i = 0; i < GAPPED && !a->err; i++) {
        unsigned char head[4] = {(unsigned char) (i >> 24), (unsigned char) (i >> 16),
                                 (unsigned char) (i >> 8), (unsigned char) i};
        if (zmq_send (a->push, head, sizeof head, ZMQ_SNDMORE) != 4
            || tu_send_pattern (a->push, gapped_size (i), i, ZMQ_SNDMORE) < 0
            || zmq_send (a->push, "end", 3, 0) != 3)
            a->err = zmq_errno ();
        /* bursts of 1-8 messages, then a pause of 30-230 us */
        if (i % 8 >= i % 5)
            usleep (30 + (i * 7919) % 200);
    }
}

static void gapped_over (const char *endpoint)
{
    void *ctx = zmq_ctx_new ();
    void *pull, *push, *thread;
    struct gapped_args args = {NULL, 0};
    unsigned i, bad = 0;
    CHECK (ctx != NULL);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_PULL, ZMQ_PUSH, endpoint, &pull, &push));
    CHECK_OK (tu_set_int (pull, ZMQ_RCVTIMEO, 10000));
    CHECK_OK (tu_set_int (push, ZMQ_SNDTIMEO, 10000));
    args.push = push;
    thread = zmq_threadstart (gapped_sender, &args);
    CHECK (thread != NULL);
    for (i = 0; i < GAPPED; i++) {
        unsigned char head[4];
        char tail[4];
        if (zmq_recv (pull, head, sizeof head, 0) != 4)
            break;
        CHECK_RCVMORE (pull, 1);
        if (((unsigned) head[0] << 24 | (unsigned) head[1] << 16
             | (unsigned) head[2] << 8 | head[3])
            != i)
            bad++;
        if (tu_recv_pattern (pull, gapped_size (i), i, 1) != 0)
            bad++;
        if (zmq_recv (pull, tail, sizeof tail, 0) != 3 || memcmp (tail, "end", 3) != 0)
            bad++;
    }
    zmq_threadclose (thread);
    CHECK_EQ_INT (0, args.err);
    CHECK_EQ_INT (GAPPED, i);
    CHECK_EQ_INT (0, bad);
    CHECK_NO_MSG (pull);
    CHECK_OK (zmq_close (pull));
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_gaps_and_bursts_in_order (void)
{
    gapped_over ("tcp://127.0.0.1:*");
    gapped_over ("ipc://*");
}

int main (void)
{
    RUN (test_round_robin_connecting_push);
    RUN (test_round_robin_bound_push);
    RUN (test_fair_queue);
    RUN (test_fair_queue_connecting_pull);
    RUN (test_multipart_atomic);
    RUN (test_million_in_order);
    RUN (test_push_no_peer);
    RUN (test_wrong_direction);
    RUN (test_connect_before_bind);
    RUN (test_peer_gone);
    RUN (test_peer_gone_mid_message);
    RUN (test_gaps_and_bursts_in_order);
    return test_summary ();
}
