/* test_dgram.c - the draft DGRAM socket over udp: it only binds
 * (ENOCOMPATPROTO to connect); each message is the peer's address
 * ("ip:port", received NUL-terminated as libzmq makes it) then the body;
 * a first part without ZMQ_SNDMORE or a third part is EINVAL; a message
 * to an address that does not parse is dropped; plain udp peers. */
#include <stdint.h>
#include <zmq.h>

#include "rawtcp.h"
#include "testutil.h"

/* A free udp port on 127.0.0.1 (bound, read back, released). */
static int free_udp_port (void)
{
    struct sockaddr_in sa = raw_loopback (0);
    socklen_t len = sizeof sa;
    int fd = socket (AF_INET, SOCK_DGRAM, 0), port = -1;
    if (fd < 0)
        return -1;
    if (bind (fd, (struct sockaddr *) &sa, sizeof sa) == 0
        && getsockname (fd, (struct sockaddr *) &sa, &len) == 0)
        port = ntohs (sa.sin_port);
    close (fd);
    return port;
}

/* A DGRAM bound at 127.0.0.1 on a free port; its "ip:port" into name. */
static void *dgram_at (void *ctx, char *name, size_t len)
{
    char ep[64];
    void *s = tu_socket (ctx, ZMQ_DGRAM);
    int port = free_udp_port ();
    if (s == NULL || port < 0)
        return NULL;
    snprintf (name, len, "127.0.0.1:%d", port);
    snprintf (ep, sizeof ep, "udp://%s", name);
    if (zmq_bind (s, ep) != 0) {
        zmq_close (s);
        return NULL;
    }
    return s;
}

static void test_errors (void)
{
    void *ctx = zmq_ctx_new ();
    void *s = tu_socket (ctx, ZMQ_DGRAM);
    int v = -1;
    char name[64];
    void *d;
    CHECK_OK (tu_get_int (s, ZMQ_THREAD_SAFE, &v));
    CHECK_EQ_INT (0, v);
    CHECK_ERR (ENOCOMPATPROTO, zmq_connect (s, "udp://127.0.0.1:5556"));
    zmq_close (s);
    d = dgram_at (ctx, name, sizeof name);
    CHECK (d != NULL);
    /* Address first (with MORE), then the body; nothing else. */
    CHECK_ERR (EINVAL, zmq_send (d, "body", 4, 0));
    CHECK_EQ_INT ((int) strlen (name),
                  zmq_send (d, name, strlen (name), ZMQ_SNDMORE));
    CHECK_ERR (EINVAL, zmq_send (d, "body", 4, ZMQ_SNDMORE));
    CHECK_EQ_INT (4, zmq_send (d, "body", 4, 0));
    zmq_close (d);
    CHECK_OK (zmq_ctx_term (ctx));
}

/* Two DGRAM sockets answer each other by the address they receive. */
static void test_round_trip (void)
{
    void *ctx = zmq_ctx_new ();
    char a_name[64], b_name[64], addr[64], buf[64];
    void *a = dgram_at (ctx, a_name, sizeof a_name);
    void *b = dgram_at (ctx, b_name, sizeof b_name);
    int n;
    CHECK (a != NULL && b != NULL);
    CHECK_OK (zmq_send (a, b_name, strlen (b_name), ZMQ_SNDMORE));
    CHECK_OK (zmq_send (a, "Is someone there?", 17, 0));
    n = zmq_recv (b, addr, sizeof addr, 0);
    /* "127.0.0.1:port" and its NUL. */
    CHECK_EQ_INT ((int) strlen (a_name) + 1, n);
    CHECK_EQ_STR (a_name, addr);
    CHECK_RCVMORE (b, 1);
    RECV_STR (b, "Is someone there?", 0);
    CHECK_RCVMORE (b, 0);
    CHECK_OK (zmq_send (b, addr, (size_t) n, ZMQ_SNDMORE));
    CHECK_OK (zmq_send (b, "Yes", 3, 0));
    n = zmq_recv (a, buf, sizeof buf, 0);
    CHECK_EQ_INT ((int) strlen (b_name) + 1, n);
    CHECK_EQ_STR (b_name, buf);
    RECV_STR (a, "Yes", 0);
    zmq_close (a);
    zmq_close (b);
    CHECK_OK (zmq_ctx_term (ctx));
}

/* A message to an address that does not parse is dropped; the next goes.
 * A plain udp socket talks to a DGRAM both ways. */
static void test_bad_address_and_plain_peer (void)
{
    void *ctx = zmq_ctx_new ();
    char name[64], buf[64];
    void *d = dgram_at (ctx, name, sizeof name);
    struct sockaddr_in sa = raw_loopback (0), to;
    socklen_t len = sizeof sa;
    int fd = socket (AF_INET, SOCK_DGRAM, 0), port;
    struct timeval tv = {2, 0};
    CHECK (d != NULL && fd >= 0);
    CHECK_OK (bind (fd, (struct sockaddr *) &sa, sizeof sa));
    CHECK_OK (getsockname (fd, (struct sockaddr *) &sa, &len));
    CHECK_OK (setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
    port = ntohs (sa.sin_port);
    CHECK_OK (zmq_send (d, "no-address", 10, ZMQ_SNDMORE));
    CHECK_OK (zmq_send (d, "lost", 4, 0));
    CHECK_OK (zmq_send (d, "127.0.0.1:0", 11, ZMQ_SNDMORE));
    CHECK_OK (zmq_send (d, "lost", 4, 0));
    snprintf (buf, sizeof buf, "127.0.0.1:%d", port);
    CHECK_OK (zmq_send (d, buf, strlen (buf), ZMQ_SNDMORE));
    CHECK_OK (zmq_send (d, "found", 5, 0));
    CHECK_EQ_INT (5, (int) recv (fd, buf, sizeof buf, 0));
    CHECK_MEM ("found", buf, 5);
    /* And back: the DGRAM names the plain socket. */
    to = raw_loopback (atoi (strchr (name, ':') + 1));
    CHECK_EQ_INT (5, (int) sendto (fd, "hello", 5, 0, (struct sockaddr *) &to,
                                   sizeof to));
    CHECK_OK (zmq_recv (d, buf, sizeof buf, 0));
    CHECK_EQ_INT (port, atoi (strchr (buf, ':') + 1));
    RECV_STR (d, "hello", 0);
    close (fd);
    zmq_close (d);
    CHECK_OK (zmq_ctx_term (ctx));
}

int main (void)
{
    RUN (test_errors);
    RUN (test_round_trip);
    RUN (test_bad_address_and_plain_peer);
    return test_summary ();
}
