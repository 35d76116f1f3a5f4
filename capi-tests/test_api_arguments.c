/* test_api_arguments.c - socket-taking functions check their handle as
 * libzmq does: a NULL or non-socket handle (here: a context) is ENOTSOCK
 * (EFAULT for proxies given NULL), a bad context is EFAULT, an unknown
 * socket type EINVAL. */
#include <zmq.h>
#include <sys/uio.h>

#include "testutil.h"

static void test_socket_checks_context_and_type (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx != NULL);
    errno = 0;
    CHECK (zmq_socket (NULL, ZMQ_PAIR) == NULL);
    CHECK_EQ_INT (EFAULT, errno);
    errno = 0;
    CHECK (zmq_socket (ctx, 9999) == NULL);
    CHECK_EQ_INT (EINVAL, errno);
    errno = 0;
    CHECK (zmq_socket (ctx, -1) == NULL);
    CHECK_EQ_INT (EINVAL, errno);
    CHECK_OK (zmq_ctx_shutdown (ctx));
    errno = 0;
    CHECK (zmq_socket (ctx, ZMQ_PAIR) == NULL);
    CHECK_EQ_INT (ETERM, errno);
    CHECK_OK (zmq_ctx_term (ctx));
    errno = 0;
    CHECK (zmq_socket (ctx, ZMQ_PAIR) == NULL);
    CHECK_EQ_INT (EFAULT, errno);
}

static void test_not_a_socket (void)
{
    /* A context handle is a live handle, but not a socket. */
    void *ctx = zmq_ctx_new ();
    void *handles[2] = {NULL, ctx};
    char buf[16];
    size_t len = sizeof buf;
    int i;
    zmq_msg_t msg;
    struct iovec iov = {buf, sizeof buf};
    size_t count = 1;
    CHECK_OK (zmq_msg_init (&msg));
    for (i = 0; i < 2; i++) {
        void *s = handles[i];
        CHECK_ERR (ENOTSOCK, zmq_close (s));
        CHECK_ERR (ENOTSOCK, zmq_setsockopt (s, ZMQ_LINGER, buf, sizeof (int)));
        CHECK_ERR (ENOTSOCK, zmq_getsockopt (s, ZMQ_LINGER, buf, &len));
        CHECK_ERR (ENOTSOCK, zmq_bind (s, "inproc://x"));
        CHECK_ERR (ENOTSOCK, zmq_connect (s, "inproc://x"));
        CHECK_ERR (ENOTSOCK, zmq_unbind (s, "inproc://x"));
        CHECK_ERR (ENOTSOCK, zmq_disconnect (s, "inproc://x"));
        CHECK_ERR (ENOTSOCK, zmq_send (s, buf, 1, 0));
        CHECK_ERR (ENOTSOCK, zmq_send_const (s, buf, 1, 0));
        CHECK_ERR (ENOTSOCK, zmq_recv (s, buf, sizeof buf, 0));
        CHECK_ERR (ENOTSOCK, zmq_msg_send (&msg, s, 0));
        CHECK_ERR (ENOTSOCK, zmq_msg_recv (&msg, s, 0));
        CHECK_ERR (ENOTSOCK, zmq_sendmsg (s, &msg, 0));
        CHECK_ERR (ENOTSOCK, zmq_recvmsg (s, &msg, 0));
        CHECK_ERR (ENOTSOCK, zmq_sendiov (s, &iov, 1, 0));
        CHECK_ERR (ENOTSOCK, zmq_recviov (s, &iov, &count, 0));
        CHECK_ERR (ENOTSOCK, zmq_socket_monitor (s, "inproc://m", ZMQ_EVENT_ALL));
        /* Proxies answer EFAULT for NULL sockets, as libzmq. */
        CHECK_ERR (s ? ENOTSOCK : EFAULT, zmq_proxy (s, s, NULL));
        CHECK_ERR (s ? ENOTSOCK : EFAULT, zmq_proxy_steerable (s, s, NULL, NULL));
        CHECK_ERR (s ? ENOTSOCK : EFAULT, zmq_device (ZMQ_QUEUE, s, s));
        CHECK_ERR (ENOTSOCK, zmq_join (s, "group"));
        CHECK_ERR (ENOTSOCK, zmq_leave (s, "group"));
        CHECK_ERR (ENOTSOCK, zmq_disconnect_peer (s, 1));
        CHECK_ERR (ENOTSOCK, zmq_socket_get_peer_state (s, "id", 2));
        CHECK_ERR (ENOTSOCK, zmq_socket_monitor_versioned (s, "inproc://m", ZMQ_EVENT_ALL, 1, ZMQ_PAIR));
        CHECK_ERR (ENOTSOCK, zmq_socket_monitor_pipes_stats (s));
        errno = 0;
        CHECK (zmq_connect_peer (s, "tcp://127.0.0.1:5555") == 0);
        CHECK_EQ_INT (ENOTSOCK, errno);
    }
    CHECK_OK (zmq_msg_close (&msg));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_poller_handles (void)
{
    void *p = NULL;
    zmq_poller_event_t ev;
    zmq_fd_t fd;
    CHECK_ERR (EFAULT, zmq_poller_destroy (NULL));
    CHECK_ERR (EFAULT, zmq_poller_destroy (&p));
    CHECK_ERR (EFAULT, zmq_poller_size (NULL));
    CHECK_ERR (EFAULT, zmq_poller_add (NULL, NULL, NULL, ZMQ_POLLIN));
    CHECK_ERR (EFAULT, zmq_poller_modify (NULL, NULL, ZMQ_POLLIN));
    CHECK_ERR (EFAULT, zmq_poller_remove (NULL, NULL));
    CHECK_ERR (EFAULT, zmq_poller_wait (NULL, &ev, 0));
    CHECK_ERR (EFAULT, zmq_poller_wait_all (NULL, &ev, 1, 0));
    CHECK_ERR (EFAULT, zmq_poller_fd (NULL, &fd));
    CHECK_ERR (EFAULT, zmq_poller_add_fd (NULL, 0, NULL, ZMQ_POLLIN));
    CHECK_ERR (EFAULT, zmq_poller_modify_fd (NULL, 0, ZMQ_POLLIN));
    CHECK_ERR (EFAULT, zmq_poller_remove_fd (NULL, 0));
}

int main (void)
{
    RUN (test_socket_checks_context_and_type);
    RUN (test_not_a_socket);
    RUN (test_poller_handles);
    return test_summary ();
}
