/* test_poll_fd.c - zmq_poll and zmq_ppoll over plain file descriptors:
 * readiness, timeouts (0, >0), ZMQ_POLLERR on a closed peer, and argument
 * errors. */
#include <zmq.h>
#include <signal.h>
#include <unistd.h>
#include <sys/socket.h>

#include "testutil.h"

static void test_readable_and_writable (void)
{
    int fds[2];
    zmq_pollitem_t items[2];
    CHECK_OK (pipe (fds));
    memset (items, 0, sizeof items);
    items[0].fd = fds[0];
    items[0].events = ZMQ_POLLIN;
    items[1].fd = fds[1];
    items[1].events = ZMQ_POLLOUT;
    /* Only the write end is ready. */
    CHECK_EQ_INT (1, zmq_poll (items, 2, 0));
    CHECK_EQ_INT (0, items[0].revents);
    CHECK_EQ_INT (ZMQ_POLLOUT, items[1].revents);
    CHECK_EQ_INT (1, write (fds[1], "x", 1));
    CHECK_EQ_INT (2, zmq_poll (items, 2, 100));
    CHECK_EQ_INT (ZMQ_POLLIN, items[0].revents);
    close (fds[0]);
    close (fds[1]);
}

/* A socket's ZMQ_FD turns readable after a tcp bind or connect (libzmq's
 * socket sends itself a command for each), and reading ZMQ_EVENTS takes
 * the commands: the descriptor is quiet again. */
static void test_socket_fd_after_connect (void)
{
    void *ctx = zmq_ctx_new ();
    void *push = tu_socket (ctx, ZMQ_PUSH);
    void *pull = tu_socket (ctx, ZMQ_PULL);
    zmq_pollitem_t item;
    char ep[256];
    int fd, events;
    size_t fd_len = sizeof fd, ev_len = sizeof events;
    CHECK (push && pull);
    CHECK_OK (zmq_bind (push, "tcp://127.0.0.1:*"));
    CHECK_OK (tu_last_endpoint (push, ep, sizeof ep));
    CHECK_OK (zmq_getsockopt (pull, ZMQ_FD, &fd, &fd_len));
    memset (&item, 0, sizeof item);
    item.fd = fd;
    item.events = ZMQ_POLLIN;
    CHECK_EQ_INT (0, zmq_poll (&item, 1, 0));
    CHECK_OK (zmq_connect (pull, ep));
    CHECK_EQ_INT (1, zmq_poll (&item, 1, 500));
    CHECK_EQ_INT (ZMQ_POLLIN, item.revents);
    /* ZMQ_EVENTS takes what is pending: quiet until something happens */
    CHECK_OK (zmq_getsockopt (pull, ZMQ_EVENTS, &events, &ev_len));
    CHECK_EQ_INT (0, events & ZMQ_POLLIN);
    tu_sleep_ms (100); /* the connection is made meanwhile */
    CHECK_OK (zmq_getsockopt (pull, ZMQ_EVENTS, &events, &ev_len));
    CHECK_EQ_INT (0, zmq_poll (&item, 1, 0));
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_close (pull));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_timeout_elapses (void)
{
    int fds[2];
    zmq_pollitem_t item;
    void *watch;
    unsigned long us;
    CHECK_OK (pipe (fds));
    memset (&item, 0, sizeof item);
    item.fd = fds[0];
    item.events = ZMQ_POLLIN;
    watch = zmq_stopwatch_start ();
    CHECK_EQ_INT (0, zmq_poll (&item, 1, 50));
    us = zmq_stopwatch_stop (watch);
    CHECK (us >= 45000);
    CHECK_EQ_INT (0, item.revents);
    close (fds[0]);
    close (fds[1]);
}

static void test_hangup_is_pollerr (void)
{
    int sv[2];
    zmq_pollitem_t item;
    CHECK_OK (socketpair (AF_UNIX, SOCK_STREAM, 0, sv));
    close (sv[1]);
    memset (&item, 0, sizeof item);
    item.fd = sv[0];
    item.events = ZMQ_POLLIN;
    CHECK_EQ_INT (1, zmq_poll (&item, 1, 0));
    CHECK (item.revents & ZMQ_POLLIN);
    CHECK (item.revents & ZMQ_POLLERR);
    close (sv[0]);
}

static void test_argument_errors (void)
{
    zmq_pollitem_t item;
    memset (&item, 0, sizeof item);
#ifndef ZMQRS_SKIP_HARDENED
    /* Draft builds of libzmq read the items before checking these. */
    CHECK_ERR (EINVAL, zmq_poll (&item, -1, 0));
    CHECK_ERR (EFAULT, zmq_poll (NULL, 1, 0));
#endif
    /* No items: nothing to wait for, returns 0 after the timeout. */
    CHECK_EQ_INT (0, zmq_poll (NULL, 0, 0));
    CHECK_EQ_INT (0, zmq_poll (NULL, 0, 10));
}

static void test_ppoll_with_mask (void)
{
    int fds[2];
    zmq_pollitem_t item;
    sigset_t mask;
    CHECK_OK (pipe (fds));
    sigemptyset (&mask);
    memset (&item, 0, sizeof item);
    item.fd = fds[0];
    item.events = ZMQ_POLLIN;
    CHECK_EQ_INT (0, zmq_ppoll (&item, 1, 0, &mask));
    CHECK_EQ_INT (1, write (fds[1], "x", 1));
    CHECK_EQ_INT (1, zmq_ppoll (&item, 1, -1, NULL));
    CHECK_EQ_INT (ZMQ_POLLIN, item.revents);
    close (fds[0]);
    close (fds[1]);
}

int main (void)
{
    RUN (test_readable_and_writable);
    RUN (test_socket_fd_after_connect);
    RUN (test_timeout_elapses);
    RUN (test_hangup_is_pollerr);
    RUN (test_argument_errors);
    RUN (test_ppoll_with_mask);
    return test_summary ();
}
