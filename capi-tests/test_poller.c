/* test_poller.c - the draft zmq_poller_* API and zmq_ppoll over sockets:
 * registration rules and errno, wait / wait_all return values and the
 * events they fill (user_data, trailing entries cleared), timeouts,
 * wake-ups from another thread, ETERM, zmq_poller_fd, and zmq_ppoll with
 * a NULL sigmask behaving as zmq_poll.
 *
 * Everything here is draft API: with ZMQRS_SKIP_DRAFT the file runs no
 * case. */
#include <zmq.h>
#include <signal.h>
#include <unistd.h>
#include <sys/socket.h>

#include "testutil.h"

#ifndef ZMQRS_SKIP_DRAFT

/* Zeroed memory that is not a socket. */
static unsigned char not_a_socket[65536];

static int ensure_pair (void *ctx, const char *ep, void **a, void **b)
{
    int timeo = 5000;
    *a = zmq_socket (ctx, ZMQ_PAIR);
    *b = zmq_socket (ctx, ZMQ_PAIR);
    if (!*a || !*b || zmq_bind (*a, ep) != 0 || zmq_connect (*b, ep) != 0)
        return -1;
    zmq_setsockopt (*a, ZMQ_RCVTIMEO, &timeo, sizeof timeo);
    zmq_setsockopt (*b, ZMQ_RCVTIMEO, &timeo, sizeof timeo);
    return 0;
}

static int event_is_cleared (const zmq_poller_event_t *e)
{
    return e->socket == NULL && e->fd == -1 && e->user_data == NULL
           && e->events == 0;
}

static void test_new_destroy_size (void)
{
    void *poller = zmq_poller_new ();
    void *null_poller = NULL;
    CHECK (poller != NULL);
    CHECK_EQ_INT (0, zmq_poller_size (poller));
    CHECK_OK (zmq_poller_destroy (&poller));
    CHECK (poller == NULL);
    /* Destroying through a NULL handle or a NULL pointer: EFAULT. */
    CHECK_ERR (EFAULT, zmq_poller_destroy (&poller));
    CHECK_ERR (EFAULT, zmq_poller_destroy (NULL));
    CHECK_ERR (EFAULT, zmq_poller_size (NULL));
    CHECK_ERR (EFAULT, zmq_poller_destroy (&null_poller));
}

static void test_null_poller (void)
{
    void *ctx = zmq_ctx_new ();
    void *s;
    zmq_poller_event_t ev;
    zmq_fd_t fd;
    CHECK (ctx != NULL);
    s = zmq_socket (ctx, ZMQ_PAIR);
    CHECK (s != NULL);
    CHECK_ERR (EFAULT, zmq_poller_add (NULL, s, NULL, ZMQ_POLLIN));
    CHECK_ERR (EFAULT, zmq_poller_modify (NULL, s, ZMQ_POLLIN));
    CHECK_ERR (EFAULT, zmq_poller_remove (NULL, s));
    CHECK_ERR (EFAULT, zmq_poller_add_fd (NULL, 0, NULL, ZMQ_POLLIN));
    CHECK_ERR (EFAULT, zmq_poller_modify_fd (NULL, 0, ZMQ_POLLIN));
    CHECK_ERR (EFAULT, zmq_poller_remove_fd (NULL, 0));
    CHECK_ERR (EFAULT, zmq_poller_wait (NULL, &ev, 0));
    CHECK_ERR (EFAULT, zmq_poller_wait_all (NULL, &ev, 1, 0));
    CHECK_ERR (EFAULT, zmq_poller_fd (NULL, &fd));
    /* Something that is not a poller. */
    CHECK_ERR (EFAULT, zmq_poller_size (not_a_socket));
    CHECK_ERR (EFAULT, zmq_poller_add (not_a_socket, s, NULL, ZMQ_POLLIN));
    CHECK_OK (zmq_close (s));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_socket_registration (void)
{
    void *ctx = zmq_ctx_new ();
    void *poller = zmq_poller_new ();
    void *a, *b;
    CHECK (ctx != NULL && poller != NULL);
    a = zmq_socket (ctx, ZMQ_PAIR);
    b = zmq_socket (ctx, ZMQ_PAIR);
    CHECK (a && b);
    CHECK_OK (zmq_poller_add (poller, a, NULL, ZMQ_POLLIN));
    CHECK_EQ_INT (1, zmq_poller_size (poller));
    /* Twice: EINVAL, even with other events or user data. */
    CHECK_ERR (EINVAL, zmq_poller_add (poller, a, NULL, ZMQ_POLLIN));
    CHECK_ERR (EINVAL, zmq_poller_add (poller, a, &a, ZMQ_POLLOUT));
    CHECK_EQ_INT (1, zmq_poller_size (poller));
    /* Not sockets: ENOTSOCK. */
    CHECK_ERR (ENOTSOCK, zmq_poller_add (poller, NULL, NULL, ZMQ_POLLIN));
    CHECK_ERR (ENOTSOCK,
               zmq_poller_add (poller, not_a_socket, NULL, ZMQ_POLLIN));
    CHECK_ERR (ENOTSOCK, zmq_poller_modify (poller, NULL, ZMQ_POLLIN));
    CHECK_ERR (ENOTSOCK, zmq_poller_remove (poller, not_a_socket));
    /* Events outside IN|OUT|ERR|PRI: EINVAL. */
    CHECK_ERR (EINVAL, zmq_poller_add (poller, b, NULL, 0x10));
    CHECK_ERR (EINVAL, zmq_poller_modify (poller, a, 0x100));
    /* Every valid bit and no bit at all are fine. */
    CHECK_OK (zmq_poller_add (poller, b, NULL,
                              ZMQ_POLLIN | ZMQ_POLLOUT | ZMQ_POLLERR
                                | ZMQ_POLLPRI));
    CHECK_OK (zmq_poller_modify (poller, b, 0));
    CHECK_EQ_INT (2, zmq_poller_size (poller));
    /* Unknown to this poller: EINVAL. */
    CHECK_OK (zmq_poller_remove (poller, b));
    CHECK_ERR (EINVAL, zmq_poller_remove (poller, b));
    CHECK_ERR (EINVAL, zmq_poller_modify (poller, b, ZMQ_POLLIN));
    CHECK_EQ_INT (1, zmq_poller_size (poller));
    /* Re-adding after removal works. */
    CHECK_OK (zmq_poller_add (poller, b, NULL, ZMQ_POLLIN));
    CHECK_EQ_INT (2, zmq_poller_size (poller));
    CHECK_OK (zmq_poller_destroy (&poller));
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_fd_registration (void)
{
    void *ctx = zmq_ctx_new ();
    void *poller = zmq_poller_new ();
    void *s;
    int fds[2];
    CHECK (ctx != NULL && poller != NULL);
    CHECK_OK (pipe (fds));
    s = zmq_socket (ctx, ZMQ_PAIR);
    CHECK (s != NULL);
    CHECK_OK (zmq_poller_add_fd (poller, fds[0], NULL, ZMQ_POLLIN));
    CHECK_ERR (EINVAL, zmq_poller_add_fd (poller, fds[0], NULL, ZMQ_POLLOUT));
    CHECK_ERR (EBADF, zmq_poller_add_fd (poller, -1, NULL, ZMQ_POLLIN));
    CHECK_ERR (EBADF, zmq_poller_modify_fd (poller, -1, ZMQ_POLLIN));
    CHECK_ERR (EBADF, zmq_poller_remove_fd (poller, -1));
    CHECK_ERR (EINVAL, zmq_poller_add_fd (poller, fds[1], NULL, 0x40));
    CHECK_ERR (EINVAL, zmq_poller_modify_fd (poller, fds[1], ZMQ_POLLOUT));
    CHECK_ERR (EINVAL, zmq_poller_remove_fd (poller, fds[1]));
    CHECK_OK (zmq_poller_add_fd (poller, fds[1], NULL, ZMQ_POLLOUT));
    /* Sockets and fds share the count. */
    CHECK_OK (zmq_poller_add (poller, s, NULL, ZMQ_POLLIN));
    CHECK_EQ_INT (3, zmq_poller_size (poller));
    CHECK_OK (zmq_poller_modify_fd (poller, fds[1], ZMQ_POLLIN));
    CHECK_OK (zmq_poller_remove_fd (poller, fds[1]));
    CHECK_ERR (EINVAL, zmq_poller_remove_fd (poller, fds[1]));
    CHECK_EQ_INT (2, zmq_poller_size (poller));
    CHECK_OK (zmq_poller_destroy (&poller));
    close (fds[0]);
    close (fds[1]);
    CHECK_OK (zmq_close (s));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* Nothing to wait for: a finite timeout is EAGAIN (after sleeping it), an
 * infinite one is EFAULT instead of sleeping forever. */
static void test_wait_with_nothing_registered (void)
{
    void *ctx = zmq_ctx_new ();
    void *poller = zmq_poller_new ();
    void *s, *watch;
    zmq_poller_event_t ev[2];
    unsigned long us;
    CHECK (ctx != NULL && poller != NULL);
    CHECK_ERR (EAGAIN, zmq_poller_wait (poller, &ev[0], 0));
    CHECK (event_is_cleared (&ev[0]));
    CHECK_ERR (EAGAIN, zmq_poller_wait_all (poller, ev, 2, 0));
    watch = zmq_stopwatch_start ();
    CHECK_ERR (EAGAIN, zmq_poller_wait (poller, &ev[0], 50));
    us = zmq_stopwatch_stop (watch);
    CHECK (us >= 40000);
    CHECK_ERR (EFAULT, zmq_poller_wait (poller, &ev[0], -1));
    CHECK_ERR (EFAULT, zmq_poller_wait_all (poller, ev, 2, -1));
    /* Registered with no events counts as nothing to wait for. */
    s = zmq_socket (ctx, ZMQ_PUB);
    CHECK (s != NULL);
    CHECK_OK (zmq_poller_add (poller, s, NULL, 0));
    CHECK_ERR (EAGAIN, zmq_poller_wait (poller, &ev[0], 0));
    CHECK_ERR (EFAULT, zmq_poller_wait (poller, &ev[0], -1));
    /* ... until events are asked for (PUB is always writable). */
    CHECK_OK (zmq_poller_modify (poller, s, ZMQ_POLLOUT));
    CHECK_OK (zmq_poller_wait (poller, &ev[0], -1));
    CHECK (ev[0].socket == s);
    CHECK_EQ_INT (ZMQ_POLLOUT, ev[0].events);
    CHECK_OK (zmq_poller_destroy (&poller));
    CHECK_OK (zmq_close (s));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_wait_event_and_user_data (void)
{
    void *ctx = zmq_ctx_new ();
    void *poller = zmq_poller_new ();
    void *a, *b, *watch;
    int tag = 42;
    zmq_poller_event_t ev;
    char buf[8];
    unsigned long us;
    CHECK (ctx != NULL && poller != NULL);
    CHECK_OK (ensure_pair (ctx, "inproc://poller-ud", &a, &b));
    CHECK_OK (zmq_poller_add (poller, b, &tag, ZMQ_POLLIN));
    /* Timeout: -1/EAGAIN and the event is cleared. */
    memset (&ev, 0x55, sizeof ev);
    CHECK_ERR (EAGAIN, zmq_poller_wait (poller, &ev, 0));
    CHECK (event_is_cleared (&ev));
    memset (&ev, 0x55, sizeof ev);
    watch = zmq_stopwatch_start ();
    CHECK_ERR (EAGAIN, zmq_poller_wait (poller, &ev, 100));
    us = zmq_stopwatch_stop (watch);
    CHECK (us >= 90000);
    CHECK (event_is_cleared (&ev));
    /* A message: wait returns 0 (not a count). */
    CHECK_EQ_INT (2, zmq_send (a, "hi", 2, 0));
    memset (&ev, 0x55, sizeof ev);
    CHECK_EQ_INT (0, zmq_poller_wait (poller, &ev, 1000));
    CHECK (ev.socket == b);
    CHECK (ev.user_data == &tag);
    CHECK_EQ_INT (ZMQ_POLLIN, ev.events);
    CHECK_EQ_INT (-1, ev.fd);
    CHECK_EQ_INT (0, zmq_poller_wait (poller, &ev, -1));
    CHECK_EQ_INT (2, zmq_recv (b, buf, sizeof buf, 0));
    CHECK_ERR (EAGAIN, zmq_poller_wait (poller, &ev, 0));
    CHECK_OK (zmq_poller_destroy (&poller));
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_wait_all (void)
{
    void *ctx = zmq_ctx_new ();
    void *poller = zmq_poller_new ();
    void *a, *b, *c, *d, *pub;
    int fds[2], i;
    int tags[5] = {0, 1, 2, 3, 4};
    zmq_poller_event_t ev[8];
    char buf[8];
    CHECK (ctx != NULL && poller != NULL);
    CHECK_OK (pipe (fds));
    CHECK_OK (ensure_pair (ctx, "inproc://poller-all1", &a, &b));
    CHECK_OK (ensure_pair (ctx, "inproc://poller-all2", &c, &d));
    pub = zmq_socket (ctx, ZMQ_PUB);
    CHECK (pub != NULL);
    CHECK_OK (zmq_poller_add (poller, b, &tags[0], ZMQ_POLLIN));
    CHECK_OK (zmq_poller_add_fd (poller, fds[0], &tags[1], ZMQ_POLLIN));
    CHECK_OK (zmq_poller_add (poller, d, &tags[2], ZMQ_POLLIN | ZMQ_POLLOUT));
    CHECK_OK (zmq_poller_add (poller, pub, &tags[3], ZMQ_POLLIN));
    CHECK_OK (zmq_poller_add_fd (poller, fds[1], &tags[4], ZMQ_POLLOUT));
    /* Now ready: d (POLLOUT), fds[1] (POLLOUT). */
    CHECK_EQ_INT (2, zmq_poller_wait_all (poller, ev, 8, 0));
    CHECK (ev[0].socket == d && ev[0].user_data == &tags[2]);
    CHECK_EQ_INT (ZMQ_POLLOUT, ev[0].events);
    CHECK (ev[1].socket == NULL && ev[1].fd == fds[1]);
    CHECK (ev[1].user_data == &tags[4]);
    CHECK_EQ_INT (ZMQ_POLLOUT, ev[1].events);
    for (i = 2; i < 8; i++)
        CHECK (event_is_cleared (&ev[i]));
    /* Make b, fds[0] and d readable: reported in registration order. */
    CHECK_EQ_INT (1, zmq_send (a, "1", 1, 0));
    CHECK_EQ_INT (1, zmq_send (c, "2", 1, 0));
    CHECK_EQ_INT (1, write (fds[1], "3", 1));
    CHECK_EQ_INT (4, zmq_poller_wait_all (poller, ev, 8, 1000));
    CHECK (ev[0].socket == b && ev[0].user_data == &tags[0]);
    CHECK_EQ_INT (ZMQ_POLLIN, ev[0].events);
    CHECK (ev[1].socket == NULL && ev[1].fd == fds[0]);
    CHECK (ev[1].user_data == &tags[1]);
    CHECK_EQ_INT (ZMQ_POLLIN, ev[1].events);
    CHECK (ev[2].socket == d);
    CHECK_EQ_INT (ZMQ_POLLIN | ZMQ_POLLOUT, ev[2].events);
    CHECK (ev[3].fd == fds[1]);
    CHECK (event_is_cleared (&ev[4]));
    /* Fewer slots than ready items: the first ones only. */
    CHECK_EQ_INT (2, zmq_poller_wait_all (poller, ev, 2, 0));
    CHECK (ev[0].socket == b);
    CHECK (ev[1].fd == fds[0]);
    /* Argument errors. */
    CHECK_ERR (EFAULT, zmq_poller_wait_all (poller, NULL, 2, 0));
    CHECK_ERR (EINVAL, zmq_poller_wait_all (poller, ev, -1, 0));
    /* Zero slots: nothing can be reported, so it times out. */
    CHECK_ERR (EAGAIN, zmq_poller_wait_all (poller, ev, 0, 0));
    /* Modify narrows what is reported. */
    CHECK_OK (zmq_poller_modify (poller, d, ZMQ_POLLOUT));
    CHECK_OK (zmq_poller_modify_fd (poller, fds[1], 0));
    CHECK_OK (zmq_poller_remove (poller, b));
    CHECK_EQ_INT (2, zmq_poller_wait_all (poller, ev, 8, 0));
    CHECK (ev[0].fd == fds[0]);
    CHECK (ev[1].socket == d);
    CHECK_EQ_INT (ZMQ_POLLOUT, ev[1].events);
    CHECK_EQ_INT (1, zmq_recv (b, buf, sizeof buf, 0));
    CHECK_EQ_INT (1, zmq_recv (d, buf, sizeof buf, 0));
    CHECK_OK (zmq_poller_destroy (&poller));
    close (fds[0]);
    close (fds[1]);
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_close (c));
    CHECK_OK (zmq_close (d));
    CHECK_OK (zmq_close (pub));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_fd_hangup_is_pollerr (void)
{
    void *poller = zmq_poller_new ();
    int sv[2];
    zmq_poller_event_t ev;
    CHECK (poller != NULL);
    CHECK_OK (socketpair (AF_UNIX, SOCK_STREAM, 0, sv));
    CHECK_OK (zmq_poller_add_fd (poller, sv[0], NULL, ZMQ_POLLIN));
    CHECK_ERR (EAGAIN, zmq_poller_wait (poller, &ev, 0));
    close (sv[1]);
    CHECK_OK (zmq_poller_wait (poller, &ev, 1000));
    CHECK_EQ_INT (sv[0], ev.fd);
    CHECK (ev.events & ZMQ_POLLIN);
    CHECK (ev.events & ZMQ_POLLERR);
    CHECK_OK (zmq_poller_destroy (&poller));
    close (sv[0]);
}

/* zmq_poller_fd exists only when a thread-safe socket is registered; with
 * classic sockets (or none) it is EINVAL. */
static void test_poller_fd_classic_sockets (void)
{
    void *ctx = zmq_ctx_new ();
    void *poller = zmq_poller_new ();
    void *s;
    zmq_fd_t fd = 12345;
    CHECK (ctx != NULL && poller != NULL);
    CHECK_ERR (EINVAL, zmq_poller_fd (poller, &fd));
    s = zmq_socket (ctx, ZMQ_DEALER);
    CHECK (s != NULL);
    CHECK_OK (zmq_poller_add (poller, s, NULL, ZMQ_POLLIN));
    CHECK_ERR (EINVAL, zmq_poller_fd (poller, &fd));
    CHECK_EQ_INT (12345, fd);
    CHECK_OK (zmq_poller_destroy (&poller));
    CHECK_OK (zmq_close (s));
    CHECK_OK (zmq_ctx_term (ctx));
}

struct delayed_send
{
    void *socket;
    int rc;
};

static void delayed_sender (void *arg)
{
    struct delayed_send *d = (struct delayed_send *) arg;
    usleep (100 * 1000);
    d->rc = zmq_send (d->socket, "wake", 4, 0);
}

static void test_wait_wakes_from_thread (void)
{
    void *ctx = zmq_ctx_new ();
    void *poller = zmq_poller_new ();
    void *a, *b, *thread;
    struct delayed_send d;
    zmq_poller_event_t ev;
    char buf[8];
    CHECK (ctx != NULL && poller != NULL);
    CHECK_OK (ensure_pair (ctx, "inproc://poller-wake", &a, &b));
    CHECK_OK (zmq_poller_add (poller, b, NULL, ZMQ_POLLIN));
    d.socket = a; /* the thread only uses a, we only use b */
    d.rc = 0;
    thread = zmq_threadstart (delayed_sender, &d);
    CHECK (thread != NULL);
    CHECK_OK (zmq_poller_wait (poller, &ev, 5000));
    CHECK (ev.socket == b);
    zmq_threadclose (thread);
    CHECK_EQ_INT (4, d.rc);
    CHECK_EQ_INT (4, zmq_recv (b, buf, sizeof buf, 0));
    CHECK_OK (zmq_poller_destroy (&poller));
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_ctx_term (ctx));
}

struct poller_thread
{
    void *poller;
    void *socket;
    int rc;
    int err;
};

static void blocked_wait (void *arg)
{
    struct poller_thread *p = (struct poller_thread *) arg;
    zmq_poller_event_t ev;
    errno = 0;
    p->rc = zmq_poller_wait (p->poller, &ev, 5000);
    p->err = errno;
    zmq_close (p->socket);
}

static void test_wait_eterm (void)
{
    void *ctx = zmq_ctx_new ();
    void *thread;
    struct poller_thread p;
    CHECK (ctx != NULL);
    p.poller = zmq_poller_new ();
    p.socket = zmq_socket (ctx, ZMQ_PULL);
    CHECK (p.poller && p.socket);
    CHECK_OK (zmq_bind (p.socket, "inproc://poller-eterm"));
    CHECK_OK (zmq_poller_add (p.poller, p.socket, NULL, ZMQ_POLLIN));
    p.rc = 0;
    p.err = 0;
    thread = zmq_threadstart (blocked_wait, &p);
    CHECK (thread != NULL);
    usleep (100 * 1000);
    CHECK_OK (zmq_ctx_shutdown (ctx));
    zmq_threadclose (thread);
    CHECK_EQ_INT (-1, p.rc);
    CHECK_EQ_INT (ETERM, p.err);
    CHECK_OK (zmq_poller_destroy (&p.poller));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* zmq_ppoll with a NULL sigmask is zmq_poll. */
static void test_ppoll_null_sigmask (void)
{
    void *ctx = zmq_ctx_new ();
    void *a, *b, *watch;
    zmq_pollitem_t items[2];
    int fds[2];
    char buf[8];
    unsigned long us;
    sigset_t empty;
    CHECK (ctx != NULL);
    CHECK_OK (pipe (fds));
    CHECK_OK (ensure_pair (ctx, "inproc://poller-ppoll", &a, &b));
    memset (items, 0, sizeof items);
    items[0].socket = b;
    items[0].events = ZMQ_POLLIN;
    items[1].fd = fds[0];
    items[1].events = ZMQ_POLLIN;
    CHECK_EQ_INT (0, zmq_ppoll (items, 2, 0, NULL));
    CHECK_EQ_INT (0, items[0].revents);
    watch = zmq_stopwatch_start ();
    CHECK_EQ_INT (0, zmq_ppoll (items, 2, 100, NULL));
    us = zmq_stopwatch_stop (watch);
    CHECK (us >= 90000);
    CHECK_EQ_INT (1, zmq_send (a, "x", 1, 0));
    CHECK_EQ_INT (1, zmq_ppoll (items, 2, -1, NULL));
    CHECK_EQ_INT (ZMQ_POLLIN, items[0].revents);
    CHECK_EQ_INT (0, items[1].revents);
    CHECK_EQ_INT (1, write (fds[1], "y", 1));
    sigemptyset (&empty);
    CHECK_EQ_INT (2, zmq_ppoll (items, 2, 1000, &empty));
    CHECK_EQ_INT (ZMQ_POLLIN, items[1].revents);
    CHECK_EQ_INT (1, zmq_recv (b, buf, sizeof buf, 0));
    items[0].events = ZMQ_POLLOUT;
    CHECK_EQ_INT (2, zmq_ppoll (items, 2, 0, NULL));
    CHECK_EQ_INT (ZMQ_POLLOUT, items[0].revents);
    CHECK_EQ_INT (0, zmq_ppoll (NULL, 0, 0, NULL));
    items[0].socket = not_a_socket;
    CHECK_ERR (ENOTSOCK, zmq_ppoll (items, 1, 0, NULL));
    close (fds[0]);
    close (fds[1]);
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_ctx_term (ctx));
}

#endif /* ZMQRS_SKIP_DRAFT */

int main (void)
{
#ifndef ZMQRS_SKIP_DRAFT
    RUN (test_new_destroy_size);
    RUN (test_null_poller);
    RUN (test_socket_registration);
    RUN (test_fd_registration);
    RUN (test_wait_with_nothing_registered);
    RUN (test_wait_event_and_user_data);
    RUN (test_wait_all);
    RUN (test_fd_hangup_is_pollerr);
    RUN (test_poller_fd_classic_sockets);
    RUN (test_wait_wakes_from_thread);
    RUN (test_wait_eterm);
    RUN (test_ppoll_null_sigmask);
#else
    (void) tu_case_failed; /* no case without the draft API */
#endif
    return test_summary ();
}
