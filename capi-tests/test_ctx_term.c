/* test_ctx_term.c - zmq_ctx_term / zmq_ctx_shutdown semantics with live
 * sockets: blocked calls in other threads woken with ETERM, what works and
 * what fails after shutdown, ZMQ_LINGER with inproc, many sockets on one
 * context, several threads sharing a context, a create/use/term stress
 * loop, and a fork()ed child terminating the context it inherited.
 *
 * An alarm bounds the whole program: a hang fails instead of blocking. */
#include <zmq.h>
#include <signal.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>

#include "testutil.h"

/* A socket created by one thread that then blocks in recv or send. */
struct blocked
{
    void *ctx;
    int type;
    const char *endpoint; /* bind here (NULL: connect to nothing) */
    int do_send;          /* block in send instead of recv */
    void *ready;          /* atomic counter, incremented once set up and
                             once more when rc and err are set */
    int rc, err;          /* result of the blocking call */
    int after_send_err;   /* errno of a send after the wake-up */
    int after_opt_err;    /* errno of a setsockopt after the wake-up */
    int close_rc;
    void *hold;           /* atomic counter: close only once it is non-zero */
};

static void blocked_thread (void *arg)
{
    struct blocked *b = (struct blocked *) arg;
    void *s = zmq_socket (b->ctx, b->type);
    char buf[16];
    int timeo = 5000, v = 0;
    b->close_rc = -1;
    if (!s) {
        zmq_atomic_counter_inc (b->ready);
        return;
    }
    /* Bounded: if ETERM never comes, the call fails with EAGAIN. */
    zmq_setsockopt (s, ZMQ_RCVTIMEO, &timeo, sizeof timeo);
    zmq_setsockopt (s, ZMQ_SNDTIMEO, &timeo, sizeof timeo);
    if (b->endpoint)
        zmq_bind (s, b->endpoint);
    zmq_atomic_counter_inc (b->ready);
    {
        int rc;
        errno = 0;
        if (b->do_send)
            rc = zmq_send (s, "x", 1, 0);
        else
            rc = zmq_recv (s, buf, sizeof buf, 0);
        b->err = errno;
        b->rc = rc;
        /* Tells the main thread the result is there (a second count on
         * ready; the counter orders the writes above before its read). */
        zmq_atomic_counter_inc (b->ready);
    }
    errno = 0;
    zmq_send (s, "y", 1, ZMQ_DONTWAIT);
    b->after_send_err = errno;
    errno = 0;
    zmq_setsockopt (s, ZMQ_LINGER, &v, sizeof v);
    b->after_opt_err = errno;
    if (b->hold) {
        int i;
        for (i = 0; i < 500 && !zmq_atomic_counter_value (b->hold); i++)
            usleep (10 * 1000);
    }
    b->close_rc = zmq_close (s);
}

static void init_blocked (struct blocked *b, void *ctx, int type,
                          const char *endpoint, int do_send, void *ready)
{
    memset (b, 0, sizeof *b);
    b->ctx = ctx;
    b->type = type;
    b->endpoint = endpoint;
    b->do_send = do_send;
    b->ready = ready;
    b->rc = 12345;
}

static int wait_ready (void *ready, int n)
{
    int i;
    for (i = 0; i < 500; i++) {
        if (zmq_atomic_counter_value (ready) >= n)
            return 0;
        usleep (10 * 1000);
    }
    return -1;
}

/* zmq_ctx_term in the main thread wakes a zmq_recv blocked in another
 * thread with ETERM; that thread closes its socket and term returns 0. */
static void test_term_wakes_blocked_recv (void)
{
    void *ctx = zmq_ctx_new ();
    void *ready = zmq_atomic_counter_new ();
    void *thread;
    struct blocked b;
    CHECK (ctx != NULL && ready != NULL);
    init_blocked (&b, ctx, ZMQ_PULL, "inproc://term-recv", 0, ready);
    thread = zmq_threadstart (blocked_thread, &b);
    CHECK (thread != NULL);
    CHECK_OK (wait_ready (ready, 1));
    usleep (50 * 1000); /* let it block */
    CHECK_OK (zmq_ctx_term (ctx));
    zmq_threadclose (thread);
    CHECK_EQ_INT (0, b.close_rc);
    CHECK_EQ_INT (-1, b.rc);
    CHECK_EQ_INT (ETERM, b.err);
    CHECK_EQ_INT (ETERM, b.after_send_err);
    CHECK_EQ_INT (ETERM, b.after_opt_err);
    zmq_atomic_counter_destroy (&ready);
}

/* zmq_ctx_shutdown returns at once (sockets still open) and wakes blocked
 * recv and send calls with ETERM. The sockets stay usable only for close. */
static void test_shutdown_wakes_blocked_calls (void)
{
    void *ctx = zmq_ctx_new ();
    void *ready = zmq_atomic_counter_new ();
    void *hold = zmq_atomic_counter_new ();
    void *threads[4];
    struct blocked b[4];
    int i;
    CHECK (ctx != NULL && ready != NULL && hold != NULL);
    init_blocked (&b[0], ctx, ZMQ_PULL, "inproc://shutdown-recv", 0, ready);
    init_blocked (&b[1], ctx, ZMQ_PUSH, NULL, 1, ready); /* no peer */
    init_blocked (&b[2], ctx, ZMQ_REP, "inproc://shutdown-rep", 0, ready);
    init_blocked (&b[3], ctx, ZMQ_DEALER, NULL, 1, ready); /* no peer */
    for (i = 0; i < 4; i++) {
        b[i].hold = hold;
        threads[i] = zmq_threadstart (blocked_thread, &b[i]);
        CHECK (threads[i] != NULL);
    }
    CHECK_OK (wait_ready (ready, 4));
    usleep (50 * 1000);
    CHECK_OK (zmq_ctx_shutdown (ctx));
    /* Shutting down again is harmless. */
    CHECK_OK (zmq_ctx_shutdown (ctx));
    /* The blocked calls return while the sockets are still open. */
    CHECK_OK (wait_ready (ready, 8));
    for (i = 0; i < 4; i++) {
        CHECK_EQ_INT (-1, b[i].rc);
        CHECK_EQ_INT (ETERM, b[i].err);
    }
    /* No new sockets. */
    errno = 0;
    CHECK (zmq_socket (ctx, ZMQ_PAIR) == NULL);
    CHECK_EQ_INT (ETERM, errno);
    zmq_atomic_counter_set (hold, 1);
    for (i = 0; i < 4; i++) {
        zmq_threadclose (threads[i]);
        CHECK_EQ_INT (ETERM, b[i].after_send_err);
        CHECK_EQ_INT (ETERM, b[i].after_opt_err);
        CHECK_EQ_INT (0, b[i].close_rc);
    }
    CHECK_OK (zmq_ctx_term (ctx));
    zmq_atomic_counter_destroy (&ready);
    zmq_atomic_counter_destroy (&hold);
}

/* After shutdown, a socket learns of it when it next processes commands:
 * always in a call that would block or finds nothing to do (recv with
 * nothing queued, ZMQ_EVENTS). libzmq throttles command processing in
 * send, and recv may still hand out an already queued message, so those
 * are not pinned before the socket has seen ETERM. From then on every call
 * but close fails with ETERM. */
static void test_after_shutdown (void)
{
    void *ctx = zmq_ctx_new ();
    void *a, *b;
    char buf[8];
    zmq_msg_t msg;
    int v = 0;
    size_t len = sizeof v;
    CHECK (ctx != NULL);
    a = zmq_socket (ctx, ZMQ_PAIR);
    b = zmq_socket (ctx, ZMQ_PAIR);
    CHECK (a && b);
    CHECK_OK (zmq_bind (a, "inproc://after-shutdown"));
    CHECK_OK (zmq_connect (b, "inproc://after-shutdown"));
    CHECK_EQ_INT (1, zmq_send (b, "m", 1, 0));
    CHECK_OK (zmq_ctx_shutdown (ctx));
    errno = 0;
    CHECK (zmq_socket (ctx, ZMQ_PAIR) == NULL);
    CHECK_EQ_INT (ETERM, errno);
    /* Nothing queued for b: the recv processes commands and sees ETERM. */
    CHECK_ERR (ETERM, zmq_recv (b, buf, sizeof buf, ZMQ_DONTWAIT));
    /* ZMQ_EVENTS always processes commands. */
    CHECK_ERR (ETERM, zmq_getsockopt (a, ZMQ_EVENTS, &v, &len));
    /* Sticky from now on. */
    CHECK_ERR (ETERM, zmq_recv (a, buf, sizeof buf, ZMQ_DONTWAIT));
    CHECK_ERR (ETERM, zmq_recv (a, buf, sizeof buf, 0));
    CHECK_ERR (ETERM, zmq_send (b, "m", 1, 0));
    CHECK_ERR (ETERM, zmq_send (a, "m", 1, ZMQ_DONTWAIT));
    CHECK_ERR (ETERM, zmq_bind (b, "inproc://after-shutdown-2"));
    CHECK_ERR (ETERM, zmq_connect (a, "inproc://after-shutdown-3"));
    CHECK_ERR (ETERM, zmq_unbind (a, "inproc://after-shutdown"));
    CHECK_ERR (ETERM, zmq_disconnect (b, "inproc://after-shutdown"));
    CHECK_ERR (ETERM, zmq_setsockopt (a, ZMQ_LINGER, &v, sizeof v));
    CHECK_ERR (ETERM, zmq_getsockopt (b, ZMQ_LINGER, &v, &len));
    CHECK_OK (zmq_msg_init (&msg));
    CHECK_ERR (ETERM, zmq_msg_recv (&msg, a, ZMQ_DONTWAIT));
    CHECK_ERR (ETERM, zmq_msg_send (&msg, b, 0));
    CHECK_OK (zmq_msg_close (&msg));
    /* Context options stay readable. */
    CHECK_EQ_INT (ZMQ_IO_THREADS_DFLT, zmq_ctx_get (ctx, ZMQ_IO_THREADS));
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_term_without_sockets (void)
{
    void *ctx = zmq_ctx_new ();
    void *s;
    CHECK (ctx != NULL);
    /* Never used. */
    CHECK_OK (zmq_ctx_term (ctx));
    /* Used, everything closed. */
    ctx = zmq_ctx_new ();
    CHECK (ctx != NULL);
    s = zmq_socket (ctx, ZMQ_ROUTER);
    CHECK (s != NULL);
    CHECK_OK (zmq_bind (s, "inproc://term-empty"));
    CHECK_OK (zmq_close (s));
    CHECK_OK (zmq_ctx_term (ctx));
    /* Shutdown then term. */
    ctx = zmq_ctx_new ();
    CHECK (ctx != NULL);
    CHECK_OK (zmq_ctx_shutdown (ctx));
    CHECK_OK (zmq_ctx_term (ctx));
    /* zmq_ctx_destroy and zmq_term are zmq_ctx_term. */
    ctx = zmq_ctx_new ();
    CHECK (ctx != NULL);
    s = zmq_socket (ctx, ZMQ_PUB);
    CHECK_OK (zmq_close (s));
    CHECK_OK (zmq_ctx_destroy (ctx));
    CHECK_ERR (EFAULT, zmq_ctx_shutdown (NULL));
    CHECK_ERR (EFAULT, zmq_ctx_term (NULL));
}

/* ------------------------------------------------------------------ */
/* linger and inproc                                                   */

static int queue_to_nobody (void *ctx, int linger, const char *ep)
{
    void *push = zmq_socket (ctx, ZMQ_PUSH);
    int i;
    if (!push)
        return -1;
    if (linger != -2
        && zmq_setsockopt (push, ZMQ_LINGER, &linger, sizeof linger) != 0)
        return -1;
    /* Connecting to an inproc endpoint nobody has bound yet succeeds and
     * queues messages (up to the HWM). */
    if (zmq_connect (push, ep) != 0)
        return -1;
    for (i = 0; i < 10; i++)
        if (zmq_send (push, "q", 1, ZMQ_DONTWAIT) != 1)
            return -1;
    return zmq_close (push);
}

/* With unsent messages to an inproc endpoint that is never bound, term
 * returns whatever the linger: 0, positive, and the default -1 (libzmq
 * does not block here: term completes pending inproc connections itself). */
static void test_linger_never_bound (void)
{
    const int lingers[] = {0, 200, -1, -2 /* default, not set */};
    size_t i;
    for (i = 0; i < sizeof lingers / sizeof lingers[0]; i++) {
        void *ctx = zmq_ctx_new ();
        CHECK (ctx != NULL);
        CHECK_OK (queue_to_nobody (ctx, lingers[i], "inproc://linger-nobody"));
        CHECK_OK (zmq_ctx_term (ctx));
    }
}

/* Messages queued to a pending inproc endpoint belong to the connection,
 * not to the sender: a socket binding the endpoint after the sender was
 * closed (even with linger 0) still receives them. */
static void test_inproc_queue_survives_sender_close (void)
{
    const int lingers[] = {0, -1};
    size_t i;
    for (i = 0; i < sizeof lingers / sizeof lingers[0]; i++) {
        void *ctx = zmq_ctx_new ();
        void *pull;
        char buf[4];
        int n = 0, timeo = 500;
        CHECK (ctx != NULL);
        CHECK_OK (queue_to_nobody (ctx, lingers[i], "inproc://linger-late"));
        usleep (20 * 1000);
        pull = zmq_socket (ctx, ZMQ_PULL);
        CHECK (pull != NULL);
        CHECK_OK (zmq_setsockopt (pull, ZMQ_RCVTIMEO, &timeo, sizeof timeo));
        CHECK_OK (zmq_bind (pull, "inproc://linger-late"));
        while (n < 10 && zmq_recv (pull, buf, sizeof buf, 0) == 1)
            n++;
        CHECK_EQ_INT (10, n);
        CHECK_OK (zmq_close (pull));
        CHECK_OK (zmq_ctx_term (ctx));
    }
}

/* A linger of 0 on a socket whose peer is alive but never reads: closing
 * the sender and then the reader lets term return. */
static void test_linger_zero_unread (void)
{
    void *ctx = zmq_ctx_new ();
    void *push, *pull;
    int linger = 0, i;
    CHECK (ctx != NULL);
    pull = zmq_socket (ctx, ZMQ_PULL);
    push = zmq_socket (ctx, ZMQ_PUSH);
    CHECK (push && pull);
    CHECK_OK (zmq_setsockopt (push, ZMQ_LINGER, &linger, sizeof linger));
    CHECK_OK (zmq_bind (pull, "inproc://linger-unread"));
    CHECK_OK (zmq_connect (push, "inproc://linger-unread"));
    for (i = 0; i < 100; i++)
        CHECK_EQ_INT (1, zmq_send (push, "u", 1, ZMQ_DONTWAIT));
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_close (pull));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ------------------------------------------------------------------ */
/* scale                                                               */

#define MANY_SOCKETS 1000

static void test_many_sockets (void)
{
    void *ctx = zmq_ctx_new ();
    static void *socks[MANY_SOCKETS];
    struct rlimit rl;
    int i, n = 0;
    char ep[64], buf[16];
    CHECK (ctx != NULL);
    /* Each socket may hold a descriptor: make room for them. */
    if (getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 4096
        && rl.rlim_cur != RLIM_INFINITY) {
        rl.rlim_cur = rl.rlim_max < 4096 ? rl.rlim_max : 4096;
        setrlimit (RLIMIT_NOFILE, &rl);
    }
    CHECK_OK (zmq_ctx_set (ctx, ZMQ_MAX_SOCKETS, MANY_SOCKETS + 10));
    for (i = 0; i < MANY_SOCKETS; i += 2) {
        socks[i] = zmq_socket (ctx, ZMQ_PAIR);
        socks[i + 1] = zmq_socket (ctx, ZMQ_PAIR);
        if (!socks[i] || !socks[i + 1])
            fprintf (stderr, "socket %d: errno %d\n", i, errno);
        CHECK (socks[i] && socks[i + 1]);
        sprintf (ep, "inproc://many-%d", i);
        CHECK_OK (zmq_bind (socks[i], ep));
        CHECK_OK (zmq_connect (socks[i + 1], ep));
    }
    /* All alive at once; every pair carries a message. */
    for (i = 0; i < MANY_SOCKETS; i += 2) {
        int len = sprintf (buf, "%d", i);
        CHECK_EQ_INT (len, zmq_send (socks[i + 1], buf, (size_t) len, 0));
    }
    for (i = 0; i < MANY_SOCKETS; i += 2) {
        char want[16];
        int len = sprintf (want, "%d", i);
        CHECK_EQ_INT (len, zmq_recv (socks[i], buf, sizeof buf, 0));
        CHECK_MEM (want, buf, (size_t) len);
        n++;
    }
    CHECK_EQ_INT (MANY_SOCKETS / 2, n);
    for (i = 0; i < MANY_SOCKETS; i++)
        CHECK_OK (zmq_close (socks[i]));
    CHECK_OK (zmq_ctx_term (ctx));
}

#define N_THREADS 8
#define N_THREAD_MESSAGES 10000

struct pair_worker
{
    void *ctx;
    int id;
    int received;
    int rc;
};

/* Each thread owns a PAIR pair on the shared context and pushes
 * N_THREAD_MESSAGES through it in batches, checking order. */
static void pair_worker_thread (void *arg)
{
    struct pair_worker *w = (struct pair_worker *) arg;
    void *a = zmq_socket (w->ctx, ZMQ_PAIR);
    void *b = zmq_socket (w->ctx, ZMQ_PAIR);
    char ep[64];
    int i, timeo = 5000;
    w->rc = -1;
    w->received = 0;
    if (!a || !b)
        return;
    zmq_setsockopt (b, ZMQ_RCVTIMEO, &timeo, sizeof timeo);
    zmq_setsockopt (a, ZMQ_RCVTIMEO, &timeo, sizeof timeo);
    sprintf (ep, "inproc://threads-%d", w->id);
    if (zmq_bind (a, ep) != 0 || zmq_connect (b, ep) != 0)
        goto out;
    for (i = 0; i < N_THREAD_MESSAGES; i += 100) {
        int j;
        for (j = i; j < i + 100; j++) {
            uint32_t v = (uint32_t) j;
            if (zmq_send (a, &v, sizeof v, 0) != (int) sizeof v)
                goto out;
        }
        for (j = i; j < i + 100; j++) {
            uint32_t v = 0;
            if (zmq_recv (b, &v, sizeof v, 0) != (int) sizeof v
                || v != (uint32_t) j)
                goto out;
            w->received++;
        }
    }
    /* And one answer back the other way. */
    if (zmq_send (b, "done", 4, 0) != 4)
        goto out;
    {
        char buf[8];
        if (zmq_recv (a, buf, sizeof buf, 0) != 4)
            goto out;
    }
    w->rc = 0;
out:
    zmq_close (a);
    zmq_close (b);
}

static void test_threads_share_context (void)
{
    void *ctx = zmq_ctx_new ();
    void *threads[N_THREADS];
    struct pair_worker w[N_THREADS];
    int i;
    CHECK (ctx != NULL);
    for (i = 0; i < N_THREADS; i++) {
        w[i].ctx = ctx;
        w[i].id = i;
        w[i].rc = -1;
        threads[i] = zmq_threadstart (pair_worker_thread, &w[i]);
        CHECK (threads[i] != NULL);
    }
    for (i = 0; i < N_THREADS; i++) {
        zmq_threadclose (threads[i]);
        CHECK_EQ_INT (0, w[i].rc);
        CHECK_EQ_INT (N_THREAD_MESSAGES, w[i].received);
    }
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ------------------------------------------------------------------ */
/* shutdown stress                                                     */

#define STRESS_ITERATIONS 50
#define STRESS_SENDERS 4

struct stress_sender
{
    void *ctx;
    int sent;
    int rc;
};

/* Connects and sends without blocking: when the receiver is closed early,
 * a send may find no peer (EAGAIN), which is fine there. */
static void stress_sender_thread (void *arg)
{
    struct stress_sender *s = (struct stress_sender *) arg;
    void *push = zmq_socket (s->ctx, ZMQ_PUSH);
    int i;
    s->rc = -1;
    s->sent = 0;
    if (!push)
        return;
    if (zmq_connect (push, "inproc://stress") == 0) {
        s->rc = 0;
        for (i = 0; i < 10; i++) {
            if (zmq_send (push, "s", 1, ZMQ_DONTWAIT) == 1)
                s->sent++;
            else if (errno != EAGAIN)
                s->rc = -1;
        }
    }
    zmq_close (push);
}

/* 50 rounds of: new context, a bound PULL, 4 threads that connect PUSH
 * sockets, send and close; then the PULL receives everything, or is closed
 * unread (mode 0: alternate), or is closed at once while the senders are
 * still connecting (mode 1); then term. */
static int shutdown_stress (int mode)
{
    int iter;
    for (iter = 0; iter < STRESS_ITERATIONS; iter++) {
        void *ctx = zmq_ctx_new ();
        void *pull, *threads[STRESS_SENDERS];
        struct stress_sender s[STRESS_SENDERS];
        int i, bad = 0;
        if (!ctx)
            return -1;
        pull = zmq_socket (ctx, ZMQ_PULL);
        if (!pull || zmq_bind (pull, "inproc://stress") != 0)
            return -1;
        for (i = 0; i < STRESS_SENDERS; i++) {
            s[i].ctx = ctx;
            s[i].rc = -1;
            threads[i] = zmq_threadstart (stress_sender_thread, &s[i]);
            if (!threads[i])
                return -1;
        }
        if (mode == 1) {
            zmq_close (pull);
            pull = NULL;
        } else if (iter % 2 == 0) {
            /* Receive everything. */
            int timeo = 5000, n = 0;
            char buf[4];
            zmq_setsockopt (pull, ZMQ_RCVTIMEO, &timeo, sizeof timeo);
            while (n < STRESS_SENDERS * 10
                   && zmq_recv (pull, buf, sizeof buf, 0) == 1)
                n++;
            if (n != STRESS_SENDERS * 10) {
                fprintf (stderr, "round %d: received %d\n", iter, n);
                bad = 1;
            }
        }
        for (i = 0; i < STRESS_SENDERS; i++) {
            zmq_threadclose (threads[i]);
            if (s[i].rc != 0 || (pull && s[i].sent != 10)) {
                fprintf (stderr, "round %d: sender rc %d sent %d\n", iter,
                         s[i].rc, s[i].sent);
                bad = 1;
            }
        }
        if (pull && zmq_close (pull) != 0)
            bad = 1;
        if (zmq_ctx_term (ctx) != 0 || bad)
            return -1;
    }
    return 0;
}

static void test_shutdown_stress (void)
{
    CHECK_OK (shutdown_stress (0));
}

#ifndef ZMQRS_SKIP_HARDENED
/* Closing a bound inproc socket while other threads connect to it now and
 * then crashes libzmq 4.3.x (use after free in pipe_term_ack); zmqrs must
 * survive it. */
static void test_shutdown_stress_close_while_connecting (void)
{
    CHECK_OK (shutdown_stress (1));
}
#endif

struct connect_job {
    void *ctx;
    const char *endpoint;
    int rc;
};

static void connect_and_close (void *arg)
{
    struct connect_job *j = (struct connect_job *) arg;
    void *sub = zmq_socket (j->ctx, ZMQ_SUB);
    j->rc = -1;
    if (sub && zmq_connect (sub, j->endpoint) == 0 && zmq_close (sub) == 0)
        j->rc = 0;
}

#define TCP_STRESS_THREADS 40

/* 20 rounds of: a context with 7 I/O threads, a PUB bound over tcp, 40
 * threads that each connect a SUB and close it at once (connections still
 * starting), the PUB closed, the context terminated. zmq_ctx_term used to
 * hold the context's lock while it waited for the I/O threads, one of
 * which could be starting a connection's engine and need that lock: a hang
 * in about one run of libzmq's test_shutdown_stress in three. */
static void test_term_while_tcp_connections_start (void)
{
    int round, i;
    for (round = 0; round < 20; round++) {
        char endpoint[64];
        void *threads[TCP_STRESS_THREADS];
        struct connect_job jobs[TCP_STRESS_THREADS];
        void *ctx = zmq_ctx_new ();
        void *pub;
        CHECK (ctx != NULL);
        CHECK_OK (zmq_ctx_set (ctx, ZMQ_IO_THREADS, 7));
        pub = zmq_socket (ctx, ZMQ_PUB);
        CHECK (pub != NULL);
        CHECK_OK (zmq_bind (pub, "tcp://127.0.0.1:*"));
        CHECK_OK (tu_last_endpoint (pub, endpoint, sizeof endpoint));
        for (i = 0; i < TCP_STRESS_THREADS; i++) {
            jobs[i].ctx = ctx;
            jobs[i].endpoint = endpoint;
            threads[i] = zmq_threadstart (connect_and_close, &jobs[i]);
        }
        for (i = 0; i < TCP_STRESS_THREADS; i++) {
            zmq_threadclose (threads[i]);
            CHECK_EQ_INT (0, jobs[i].rc);
        }
        CHECK_OK (zmq_close (pub));
        CHECK_OK (zmq_ctx_term (ctx));
    }
}

/* ------------------------------------------------------------------ */
/* fork                                                                */

/* Wait for a child at most 15 s (then kill it); 1 if it exited with 0. */
static int child_succeeded (pid_t pid)
{
    int status = 0, i;
    for (i = 0; i < 1500; i++) {
        if (waitpid (pid, &status, WNOHANG) == pid)
            return WIFEXITED (status) && WEXITSTATUS (status) == 0;
        usleep (10 * 1000);
    }
    kill (pid, SIGKILL);
    waitpid (pid, &status, 0);
    return 0;
}

/* A child of fork() may close the sockets and terminate the context it
 * inherited without hanging (libzmq: zmq_close returns 0, zmq_ctx_term
 * returns -1 with EINTR, and nothing is sent on the parent's behalf), then
 * use a new context of its own. The parent's sockets are unaffected. */
static void test_fork_child_terms_inherited_context (void)
{
    void *ctx = zmq_ctx_new ();
    void *a, *b;
    char buf[8];
    pid_t pid;
    CHECK (ctx != NULL);
    a = zmq_socket (ctx, ZMQ_PAIR);
    b = zmq_socket (ctx, ZMQ_PAIR);
    CHECK (a && b);
    CHECK_OK (zmq_bind (a, "inproc://fork"));
    CHECK_OK (zmq_connect (b, "inproc://fork"));
    CHECK_EQ_INT (6, zmq_send (a, "before", 6, 0));
    fflush (stdout);
    fflush (stderr);
    pid = fork ();
    CHECK (pid >= 0);
    if (pid == 0) {
        void *c2, *x, *y;
        int rc, code = 0;
        alarm (10);
        if (zmq_close (a) != 0 || zmq_close (b) != 0)
            code |= 1;
        errno = 0;
        rc = zmq_ctx_term (ctx);
        if (!(rc == 0 || (rc == -1 && errno == EINTR)))
            code |= 2;
        c2 = zmq_ctx_new ();
        x = c2 ? zmq_socket (c2, ZMQ_PAIR) : NULL;
        y = c2 ? zmq_socket (c2, ZMQ_PAIR) : NULL;
        if (!x || !y || zmq_bind (x, "inproc://fork") != 0
            || zmq_connect (y, "inproc://fork") != 0
            || zmq_send (x, "child", 5, 0) != 5
            || zmq_recv (y, buf, sizeof buf, 0) != 5)
            code |= 4;
        zmq_close (x);
        zmq_close (y);
        if (zmq_ctx_term (c2) != 0)
            code |= 8;
        _exit (code);
    }
    CHECK (child_succeeded (pid));
    /* The parent's sockets and context work as before. */
    CHECK_EQ_INT (6, zmq_recv (b, buf, sizeof buf, 0));
    CHECK_MEM ("before", buf, 6);
    CHECK_EQ_INT (5, zmq_send (b, "after", 5, 0));
    CHECK_EQ_INT (5, zmq_recv (a, buf, sizeof buf, 0));
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* A forked child shares its parent's descriptors, among them the one each
 * socket is signalled on. The child closes an inherited socket that has
 * work pending (a tcp bind leaves a command queued) after the parent has
 * taken that socket's signal: it must not wait for the signal, as it did.
 * Then the child talks to the parent over tcp from a context of its own
 * (libzmq's test_fork). */
static void test_fork_child_closes_signalled_socket (void)
{
    void *ctx = zmq_ctx_new ();
    void *pull = tu_socket (ctx, ZMQ_PULL);
    char ep[256], buf[8];
    int sync[2], events, i;
    size_t ev_len = sizeof events;
    pid_t pid;
    CHECK (pull != NULL);
    CHECK_OK (zmq_bind (pull, "tcp://127.0.0.1:*"));
    CHECK_OK (tu_last_endpoint (pull, ep, sizeof ep));
    CHECK_OK (pipe (sync));
    fflush (stdout);
    fflush (stderr);
    pid = fork ();
    CHECK (pid >= 0);
    if (pid == 0) {
        void *c2, *push;
        int code = 0;
        alarm (10);
        close (sync[1]);
        if (read (sync[0], buf, 1) != 1)
            code |= 1;
        if (zmq_close (pull) != 0)
            code |= 2;
        zmq_ctx_term (ctx);
        c2 = zmq_ctx_new ();
        push = c2 ? zmq_socket (c2, ZMQ_PUSH) : NULL;
        if (!push || zmq_connect (push, ep) != 0)
            code |= 4;
        for (i = 0; i < 5; i++)
            if (zmq_send (push, "Hello", 5, 0) != 5)
                code |= 8;
        zmq_close (push);
        zmq_ctx_term (c2);
        _exit (code);
    }
    close (sync[0]);
    /* take the socket's commands (and signal), then let the child go on */
    CHECK_OK (zmq_getsockopt (pull, ZMQ_EVENTS, &events, &ev_len));
    CHECK_EQ_INT (1, (int) write (sync[1], "x", 1));
    close (sync[1]);
    for (i = 0; i < 5; i++)
        RECV_STR (pull, "Hello", 0);
    CHECK (child_succeeded (pid));
    CHECK_OK (zmq_close (pull));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* The child may also just _exit without touching the context. */
static void test_fork_child_just_exits (void)
{
    void *ctx = zmq_ctx_new ();
    void *s;
    pid_t pid;
    int status = 0;
    CHECK (ctx != NULL);
    s = zmq_socket (ctx, ZMQ_PUB);
    CHECK (s != NULL);
    CHECK_OK (zmq_bind (s, "inproc://fork-exit"));
    pid = fork ();
    CHECK (pid >= 0);
    if (pid == 0)
        _exit (7);
    CHECK_EQ_INT (pid, waitpid (pid, &status, 0));
    CHECK (WIFEXITED (status));
    CHECK_EQ_INT (7, WEXITSTATUS (status));
    CHECK_OK (zmq_close (s));
    CHECK_OK (zmq_ctx_term (ctx));
}

int main (void)
{
    /* Fail rather than hang. */
    alarm (60);
    RUN (test_term_wakes_blocked_recv);
    RUN (test_shutdown_wakes_blocked_calls);
    RUN (test_after_shutdown);
    RUN (test_term_without_sockets);
    RUN (test_linger_never_bound);
    RUN (test_inproc_queue_survives_sender_close);
    RUN (test_linger_zero_unread);
    RUN (test_many_sockets);
    RUN (test_threads_share_context);
    RUN (test_shutdown_stress);
#ifndef ZMQRS_SKIP_HARDENED
    RUN (test_shutdown_stress_close_while_connecting);
#endif
    RUN (test_term_while_tcp_connections_start);
    RUN_UNLESS_SANITIZER ("thread", test_fork_child_terms_inherited_context,
                          "no new threads after a multi-threaded fork");
    RUN_UNLESS_SANITIZER ("thread", test_fork_child_closes_signalled_socket,
                          "no new threads after a multi-threaded fork");
    RUN (test_fork_child_just_exits);
    return test_summary ();
}
