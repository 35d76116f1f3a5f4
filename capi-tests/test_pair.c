/* test_pair.c - ZMQ_PAIR over inproc: connecting, sending and receiving in
 * every API flavour, multipart, endpoints (bind, unbind, connect,
 * disconnect, ZMQ_LAST_ENDPOINT, bad addresses) and timeouts.
 * Build with -pthread.
 *   -DZMQRS_SKIP_HARDENED  skip cases where libzmq crashes on bad input
 */
#include <sys/uio.h>
#include <zmq.h>

#include "testutil.h"

static void test_both_directions (void)
{
    void *ctx = zmq_ctx_new ();
    void *a, *b;
    CHECK (ctx != NULL);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_PAIR, ZMQ_PAIR, "inproc://pair-dir",
                               &a, &b));
    SEND_STR (b, "from connecter", 0);
    RECV_STR (a, "from connecter", 0);
    CHECK_RCVMORE (a, 0);
    /* several in a row keep their order */
    CHECK_STEP (tu_pair_in_order (a, b));
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_multipart (void)
{
    void *ctx = zmq_ctx_new ();
    void *a, *b;
    zmq_msg_t msg;
    CHECK (ctx != NULL);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_PAIR, ZMQ_PAIR, "inproc://pair-multi",
                               &a, &b));
    SEND_STR (b, "part1", ZMQ_SNDMORE);
    SEND_STR (b, "part2", ZMQ_SNDMORE);
    SEND_STR (b, "part3", 0);
    SEND_STR (b, "next", 0);

    /* ZMQ_RCVMORE via getsockopt */
    RECV_STR (a, "part1", 0);
    CHECK_RCVMORE (a, 1);
    /* ... and via zmq_msg_more / zmq_msg_get (ZMQ_MORE) */
    CHECK_OK (zmq_msg_init (&msg));
    CHECK_EQ_INT (5, zmq_msg_recv (&msg, a, 0));
    CHECK_MEM ("part2", zmq_msg_data (&msg), 5);
    CHECK_EQ_INT (1, zmq_msg_more (&msg));
    CHECK_EQ_INT (1, zmq_msg_get (&msg, ZMQ_MORE));
    CHECK_RCVMORE (a, 1);
    CHECK_EQ_INT (5, zmq_msg_recv (&msg, a, 0));
    CHECK_MEM ("part3", zmq_msg_data (&msg), 5);
    CHECK_EQ_INT (0, zmq_msg_more (&msg));
    CHECK_EQ_INT (0, zmq_msg_get (&msg, ZMQ_MORE));
    CHECK_RCVMORE (a, 0);
    CHECK_OK (zmq_msg_close (&msg));
    RECV_STR (a, "next", 0);
    CHECK_RCVMORE (a, 0);

    /* zmq_msg_send with ZMQ_SNDMORE */
    CHECK_OK (zmq_msg_init_size (&msg, 2));
    memcpy (zmq_msg_data (&msg), "m1", 2);
    CHECK_EQ_INT (2, zmq_msg_send (&msg, a, ZMQ_SNDMORE));
    CHECK_OK (zmq_msg_close (&msg));
    CHECK_OK (zmq_msg_init_size (&msg, 2));
    memcpy (zmq_msg_data (&msg), "m2", 2);
    CHECK_EQ_INT (2, zmq_msg_send (&msg, a, 0));
    CHECK_OK (zmq_msg_close (&msg));
    RECV_STR (b, "m1", 0);
    CHECK_RCVMORE (b, 1);
    RECV_STR (b, "m2", 0);
    CHECK_RCVMORE (b, 0);

    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* A multipart message becomes visible to the receiver only once its last
 * part is sent: nothing is receivable while parts are still pending. */
static void test_multipart_atomic (void)
{
    void *ctx = zmq_ctx_new ();
    void *a, *b;
    CHECK (ctx != NULL);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_PAIR, ZMQ_PAIR, "inproc://pair-atom",
                               &a, &b));
    SEND_STR (b, "p1", ZMQ_SNDMORE);
    SEND_STR (b, "p2", ZMQ_SNDMORE);
    CHECK_NO_MSG (a);
    SEND_STR (b, "p3", 0);
    RECV_STR (a, "p1", 0);
    RECV_STR (a, "p2", 0);
    RECV_STR (a, "p3", 0);
    CHECK_RCVMORE (a, 0);
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_empty_messages (void)
{
    void *ctx = zmq_ctx_new ();
    void *a, *b;
    zmq_msg_t msg;
    char buf[8];
    CHECK (ctx != NULL);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_PAIR, ZMQ_PAIR, "inproc://pair-empty",
                               &a, &b));
    CHECK_EQ_INT (0, zmq_send (b, NULL, 0, 0));
    CHECK_EQ_INT (0, zmq_send (b, "", 0, ZMQ_SNDMORE));
    CHECK_EQ_INT (0, zmq_send (b, NULL, 0, ZMQ_SNDMORE));
    SEND_STR (b, "after", 0);
    /* NULL buffer with length 0 is allowed */
    CHECK_EQ_INT (0, zmq_recv (a, NULL, 0, 0));
    CHECK_RCVMORE (a, 0);
    CHECK_EQ_INT (0, zmq_recv (a, buf, sizeof buf, 0));
    CHECK_RCVMORE (a, 1);
    CHECK_OK (zmq_msg_init (&msg));
    CHECK_EQ_INT (0, zmq_msg_recv (&msg, a, 0));
    CHECK_EQ_INT (0, zmq_msg_size (&msg));
    CHECK_EQ_INT (1, zmq_msg_more (&msg));
    CHECK_OK (zmq_msg_close (&msg));
    RECV_STR (a, "after", 0);
    CHECK_RCVMORE (a, 0);
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_large_message (void)
{
    const size_t size = 1024 * 1024;
    void *ctx = zmq_ctx_new ();
    void *a, *b;
    zmq_msg_t msg;
    unsigned char *p;
    size_t i;
    CHECK (ctx != NULL);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_PAIR, ZMQ_PAIR, "inproc://pair-large",
                               &a, &b));
    CHECK_OK (zmq_msg_init_size (&msg, size));
    p = (unsigned char *) zmq_msg_data (&msg);
    for (i = 0; i < size; i++)
        p[i] = (unsigned char) (i * 7 + (i >> 11));
    CHECK_EQ_INT ((int) size, zmq_msg_send (&msg, b, 0));
    CHECK_OK (zmq_msg_close (&msg));

    CHECK_OK (zmq_msg_init (&msg));
    CHECK_EQ_INT ((int) size, zmq_msg_recv (&msg, a, 0));
    CHECK_EQ_INT (size, zmq_msg_size (&msg));
    p = (unsigned char *) zmq_msg_data (&msg);
    for (i = 0; i < size; i++)
        if (p[i] != (unsigned char) (i * 7 + (i >> 11)))
            break;
    CHECK_EQ_INT (size, i);
    CHECK_OK (zmq_msg_close (&msg));

    /* zmq_send / zmq_recv of the same size, the other way */
    p = (unsigned char *) malloc (size);
    CHECK (p != NULL);
    memset (p, 0xA5, size);
    if (zmq_send (a, p, size, 0) != (int) size) {
        free (p);
        CHECK (0);
    }
    memset (p, 0, size);
    if (zmq_recv (b, p, size, 0) != (int) size || p[0] != 0xA5
        || p[size - 1] != 0xA5) {
        free (p);
        CHECK (0);
    }
    free (p);
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_ctx_term (ctx));
}

static const char const_data[] = "constant payload";

static void test_send_const (void)
{
    void *ctx = zmq_ctx_new ();
    void *a, *b;
    CHECK (ctx != NULL);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_PAIR, ZMQ_PAIR, "inproc://pair-const",
                               &a, &b));
    CHECK_EQ_INT (5, zmq_send_const (b, const_data, 5, ZMQ_SNDMORE));
    CHECK_EQ_INT ((int) strlen (const_data),
                  zmq_send_const (b, const_data, strlen (const_data), 0));
    CHECK_EQ_INT (0, zmq_send_const (b, const_data, 0, 0));
    RECV_STR (a, "const", 0);
    CHECK_RCVMORE (a, 1);
    RECV_STR (a, const_data, 0);
    CHECK_RCVMORE (a, 0);
    RECV_STR (a, "", 0);
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* zmq_recv copies at most len bytes but returns the full message size. */
static void test_recv_truncation (void)
{
    void *ctx = zmq_ctx_new ();
    void *a, *b;
    char buf[16];
    CHECK (ctx != NULL);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_PAIR, ZMQ_PAIR, "inproc://pair-trunc",
                               &a, &b));
    SEND_STR (b, "0123456789abcdef0123", 0);
    memset (buf, '#', sizeof buf);
    CHECK_EQ_INT (20, zmq_recv (a, buf, 4, 0));
    CHECK_MEM ("0123", buf, 4);
    CHECK (buf[4] == '#');
    /* a zero-length buffer receives (and drops) the whole message */
    SEND_STR (b, "gone", ZMQ_SNDMORE);
    SEND_STR (b, "tail", 0);
    CHECK_EQ_INT (4, zmq_recv (a, NULL, 0, 0));
    CHECK_RCVMORE (a, 1);
    CHECK_EQ_INT (4, zmq_recv (a, buf, 2, 0));
    CHECK_MEM ("ta", buf, 2);
    CHECK (buf[2] == '2');
    CHECK_RCVMORE (a, 0);
    CHECK_NO_MSG (a);
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_msg_send_recv (void)
{
    void *ctx = zmq_ctx_new ();
    void *a, *b, *lonely;
    zmq_msg_t msg;
    CHECK (ctx != NULL);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_PAIR, ZMQ_PAIR, "inproc://pair-msg",
                               &a, &b));
    CHECK_OK (zmq_msg_init_size (&msg, 11));
    memcpy (zmq_msg_data (&msg), "hello world", 11);
    CHECK_EQ_INT (11, zmq_msg_send (&msg, b, 0));
    /* a sent message is left empty (the socket owns the content) */
    CHECK_EQ_INT (0, zmq_msg_size (&msg));
    CHECK_OK (zmq_msg_close (&msg));

    /* zmq_msg_recv into an initialised non-empty message replaces it */
    CHECK_OK (zmq_msg_init_size (&msg, 100));
    CHECK_EQ_INT (11, zmq_msg_recv (&msg, a, 0));
    CHECK_EQ_INT (11, zmq_msg_size (&msg));
    CHECK_MEM ("hello world", zmq_msg_data (&msg), 11);
    CHECK_OK (zmq_msg_close (&msg));

    /* a failed send leaves the message with the caller, unchanged */
    lonely = tu_socket (ctx, ZMQ_PAIR);
    CHECK (lonely != NULL);
    CHECK_OK (zmq_msg_init_size (&msg, 3));
    memcpy (zmq_msg_data (&msg), "abc", 3);
    CHECK_ERR (EAGAIN, zmq_msg_send (&msg, lonely, ZMQ_DONTWAIT));
    CHECK_EQ_INT (3, zmq_msg_size (&msg));
    CHECK_MEM ("abc", zmq_msg_data (&msg), 3);
    /* ... and can be sent again elsewhere */
    CHECK_EQ_INT (3, zmq_msg_send (&msg, a, 0));
    CHECK_OK (zmq_msg_close (&msg));
    RECV_STR (b, "abc", 0);

    /* a failed receive leaves an empty message */
    CHECK_OK (zmq_msg_init (&msg));
    CHECK_ERR (EAGAIN, zmq_msg_recv (&msg, a, ZMQ_DONTWAIT));
    CHECK_EQ_INT (0, zmq_msg_size (&msg));
    CHECK_OK (zmq_msg_close (&msg));

    CHECK_OK (zmq_close (lonely));
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* The deprecated zmq_sendmsg / zmq_recvmsg behave as zmq_msg_send /
 * zmq_msg_recv (arguments in the socket-first order). */
static void test_sendmsg_recvmsg (void)
{
    void *ctx = zmq_ctx_new ();
    void *a, *b;
    zmq_msg_t msg;
    CHECK (ctx != NULL);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_PAIR, ZMQ_PAIR, "inproc://pair-dep",
                               &a, &b));
    CHECK_OK (zmq_msg_init_size (&msg, 4));
    memcpy (zmq_msg_data (&msg), "dep1", 4);
    CHECK_EQ_INT (4, zmq_sendmsg (b, &msg, ZMQ_SNDMORE));
    CHECK_OK (zmq_msg_close (&msg));
    CHECK_OK (zmq_msg_init_size (&msg, 5));
    memcpy (zmq_msg_data (&msg), "dep22", 5);
    CHECK_EQ_INT (5, zmq_sendmsg (b, &msg, 0));
    CHECK_OK (zmq_msg_close (&msg));

    CHECK_OK (zmq_msg_init (&msg));
    CHECK_EQ_INT (4, zmq_recvmsg (a, &msg, 0));
    CHECK_MEM ("dep1", zmq_msg_data (&msg), 4);
    CHECK_EQ_INT (1, zmq_msg_more (&msg));
    CHECK_EQ_INT (5, zmq_recvmsg (a, &msg, 0));
    CHECK_MEM ("dep22", zmq_msg_data (&msg), 5);
    CHECK_EQ_INT (0, zmq_msg_more (&msg));
    CHECK_ERR (EAGAIN, zmq_recvmsg (a, &msg, ZMQ_DONTWAIT));
    CHECK_OK (zmq_msg_close (&msg));
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void free_iov (struct iovec *iov, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        free (iov[i].iov_base);
}

/* zmq_sendiov sends one frame per iovec.  The parts form ONE multipart
 * message only when the caller passes ZMQ_SNDMORE (it is cleared for the
 * last part); with flags 0 every iovec is a separate message.  It returns
 * the size of the LAST part.  zmq_recviov receives up to *count parts of
 * one message, returns the number of parts, sets *count to it and hands out
 * malloc'ed buffers the caller free()s; parts beyond *count stay queued
 * (ZMQ_RCVMORE is 1). */
static void test_sendiov_recviov (void)
{
    void *ctx = zmq_ctx_new ();
    void *a, *b;
    struct iovec out[3], in[8];
    size_t count;
    char p0[] = "first", p1[] = "second part", p2[] = "3rd";
    CHECK (ctx != NULL);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_PAIR, ZMQ_PAIR, "inproc://pair-iov",
                               &a, &b));
    out[0].iov_base = p0;
    out[0].iov_len = 5;
    out[1].iov_base = p1;
    out[1].iov_len = 11;
    out[2].iov_base = p2;
    out[2].iov_len = 3;

    /* one three-part message */
    CHECK_EQ_INT (3, zmq_sendiov (b, out, 3, ZMQ_SNDMORE));
    count = 8;
    memset (in, 0, sizeof in);
    CHECK_EQ_INT (3, zmq_recviov (a, in, &count, 0));
    CHECK_EQ_INT (3, count);
    if (in[0].iov_len != 5 || in[1].iov_len != 11 || in[2].iov_len != 3
        || memcmp (in[0].iov_base, "first", 5) != 0
        || memcmp (in[1].iov_base, "second part", 11) != 0
        || memcmp (in[2].iov_base, "3rd", 3) != 0) {
        free_iov (in, 3);
        CHECK (0);
    }
    free_iov (in, 3);
    CHECK_RCVMORE (a, 0);

    /* without ZMQ_SNDMORE: two single-part messages */
    CHECK_EQ_INT (11, zmq_sendiov (b, out, 2, 0));
    RECV_STR (a, "first", 0);
    CHECK_RCVMORE (a, 0);
    count = 8;
    CHECK_EQ_INT (1, zmq_recviov (a, in, &count, 0));
    CHECK_EQ_INT (1, count);
    if (in[0].iov_len != 11
        || memcmp (in[0].iov_base, "second part", 11) != 0) {
        free_iov (in, 1);
        CHECK (0);
    }
    free_iov (in, 1);

    /* fewer slots than parts: the rest stays for the next receive */
    CHECK_EQ_INT (3, zmq_sendiov (b, out, 3, ZMQ_SNDMORE));
    count = 2;
    CHECK_EQ_INT (2, zmq_recviov (a, in, &count, 0));
    CHECK_EQ_INT (2, count);
    if (in[0].iov_len != 5 || in[1].iov_len != 11) {
        free_iov (in, 2);
        CHECK (0);
    }
    free_iov (in, 2);
    CHECK_RCVMORE (a, 1);
    RECV_STR (a, "3rd", 0);
    CHECK_RCVMORE (a, 0);

    /* zmq_recviov of a message sent with zmq_send parts */
    SEND_STR (b, "x", ZMQ_SNDMORE);
    SEND_STR (b, "yz", 0);
    count = 8;
    CHECK_EQ_INT (2, zmq_recviov (a, in, &count, 0));
    CHECK_EQ_INT (2, count);
    if (in[0].iov_len != 1 || in[1].iov_len != 2
        || memcmp (in[1].iov_base, "yz", 2) != 0) {
        free_iov (in, 2);
        CHECK (0);
    }
    free_iov (in, 2);

    /* bad arguments */
    CHECK_ERR (EINVAL, zmq_sendiov (b, out, 0, 0));
    CHECK_ERR (EINVAL, zmq_sendiov (b, NULL, 1, 0));
    count = 0;
    CHECK_ERR (EINVAL, zmq_recviov (a, in, &count, 0));
    count = 1;
    CHECK_ERR (EINVAL, zmq_recviov (a, NULL, &count, 0));
    CHECK_ERR (EINVAL, zmq_recviov (a, in, NULL, 0));
    /* nothing there: -1/EAGAIN and *count is 0 */
    count = 4;
    CHECK_ERR (EAGAIN, zmq_recviov (a, in, &count, ZMQ_DONTWAIT));
    CHECK_EQ_INT (0, count);
    CHECK_NO_MSG (a);

    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* inproc allows connect before bind; what was sent meanwhile is delivered
 * once the peer binds. */
static void test_connect_before_bind (void)
{
    void *ctx = zmq_ctx_new ();
    void *a, *b;
    CHECK (ctx != NULL);
    b = tu_socket (ctx, ZMQ_PAIR);
    CHECK (b != NULL);
    CHECK_OK (zmq_connect (b, "inproc://pair-late"));
    SEND_STR (b, "early1", 0);
    SEND_STR (b, "early2", ZMQ_SNDMORE);
    SEND_STR (b, "early3", 0);
    a = tu_socket (ctx, ZMQ_PAIR);
    CHECK (a != NULL);
    CHECK_NO_MSG (a);
    CHECK_OK (zmq_bind (a, "inproc://pair-late"));
    RECV_STR (a, "early1", 0);
    RECV_STR (a, "early2", 0);
    CHECK_RCVMORE (a, 1);
    RECV_STR (a, "early3", 0);
    CHECK_RCVMORE (a, 0);
    SEND_STR (a, "reply", 0);
    RECV_STR (b, "reply", 0);
    SEND_STR (b, "late", 0);
    RECV_STR (a, "late", 0);
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_bind_in_use (void)
{
    void *ctx = zmq_ctx_new ();
    void *a, *b;
    int i;
    CHECK (ctx != NULL);
    a = tu_socket (ctx, ZMQ_PAIR);
    b = tu_socket (ctx, ZMQ_PAIR);
    CHECK (a != NULL && b != NULL);
    CHECK_OK (zmq_bind (a, "inproc://pair-inuse"));
    CHECK_ERR (EADDRINUSE, zmq_bind (b, "inproc://pair-inuse"));
    CHECK_ERR (EADDRINUSE, zmq_bind (a, "inproc://pair-inuse"));
    /* names are exact strings: a different name is free */
    CHECK_OK (zmq_bind (b, "inproc://pair-inuse2"));
    /* "*" is not a wildcard for inproc: it is the literal name "*" */
    CHECK_OK (zmq_bind (a, "inproc://*"));
    CHECK_ERR (EADDRINUSE, zmq_bind (b, "inproc://*"));
    CHECK_OK (zmq_close (a));
    /* closing the socket frees its names, possibly asynchronously (libzmq
     * releases them when the reaper destroys the socket) */
    for (i = 0; i < 200; i++) {
        if (zmq_bind (b, "inproc://pair-inuse") == 0)
            break;
        CHECK_EQ_INT (EADDRINUSE, errno);
        tu_sleep_ms (5);
    }
    CHECK (i < 200);
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* Names are per context: two contexts can bind the same inproc name and
 * cannot reach each other. */
static void test_names_per_context (void)
{
    void *ctx1 = zmq_ctx_new ();
    void *ctx2 = zmq_ctx_new ();
    void *a, *b;
    CHECK (ctx1 != NULL && ctx2 != NULL);
    a = tu_socket (ctx1, ZMQ_PAIR);
    b = tu_socket (ctx2, ZMQ_PAIR);
    CHECK (a != NULL && b != NULL);
    CHECK_OK (zmq_bind (a, "inproc://pair-perctx"));
    CHECK_OK (zmq_bind (b, "inproc://pair-perctx"));
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_ctx_term (ctx1));
    CHECK_OK (zmq_ctx_term (ctx2));
}

static void test_last_endpoint (void)
{
    void *ctx = zmq_ctx_new ();
    void *a, *b;
    char buf[64];
    size_t len;
    CHECK (ctx != NULL);
    a = tu_socket (ctx, ZMQ_PAIR);
    b = tu_socket (ctx, ZMQ_PAIR);
    CHECK (a != NULL && b != NULL);
    /* nothing bound yet: the empty string (length 1 with its NUL) */
    len = sizeof buf;
    memset (buf, 'x', sizeof buf);
    CHECK_OK (zmq_getsockopt (a, ZMQ_LAST_ENDPOINT, buf, &len));
    CHECK_EQ_INT (1, len);
    CHECK_EQ_STR ("", buf);

    CHECK_OK (zmq_bind (a, "inproc://pair-lastep"));
    len = sizeof buf;
    CHECK_OK (zmq_getsockopt (a, ZMQ_LAST_ENDPOINT, buf, &len));
    CHECK_EQ_INT (strlen ("inproc://pair-lastep") + 1, len);
    CHECK_EQ_STR ("inproc://pair-lastep", buf);

    /* buffer too small: EINVAL, length untouched */
    len = 5;
    CHECK_ERR (EINVAL, zmq_getsockopt (a, ZMQ_LAST_ENDPOINT, buf, &len));
    CHECK_EQ_INT (5, len);

    /* a failed bind keeps the previous value */
    CHECK_ERR (EADDRINUSE, zmq_bind (b, "inproc://pair-lastep"));
    len = sizeof buf;
    CHECK_OK (zmq_getsockopt (b, ZMQ_LAST_ENDPOINT, buf, &len));
    CHECK_EQ_STR ("", buf);

    /* an inproc connect sets it too */
    CHECK_OK (zmq_connect (b, "inproc://pair-lastep"));
    len = sizeof buf;
    CHECK_OK (zmq_getsockopt (b, ZMQ_LAST_ENDPOINT, buf, &len));
    CHECK_EQ_STR ("inproc://pair-lastep", buf);

    /* the latest bind wins */
    CHECK_OK (zmq_bind (a, "inproc://pair-lastep-2"));
    len = sizeof buf;
    CHECK_OK (zmq_getsockopt (a, ZMQ_LAST_ENDPOINT, buf, &len));
    CHECK_EQ_STR ("inproc://pair-lastep-2", buf);

    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* zmq_unbind of an inproc name only releases the name: connections made
 * through it stay up. */
static void test_unbind_rebind (void)
{
    void *ctx = zmq_ctx_new ();
    void *a, *b, *c;
    CHECK (ctx != NULL);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_PAIR, ZMQ_PAIR, "inproc://pair-unbind",
                               &a, &b));
    c = tu_socket (ctx, ZMQ_PAIR);
    CHECK (c != NULL);
    CHECK_OK (zmq_unbind (a, "inproc://pair-unbind"));
    CHECK_ERR (ENOENT, zmq_unbind (a, "inproc://pair-unbind"));
    CHECK_ERR (ENOENT, zmq_unbind (a, "inproc://never-bound"));

    /* the existing connection survives the unbind */
    SEND_STR (b, "still", 0);
    RECV_STR (a, "still", 0);
    SEND_STR (a, "here", 0);
    RECV_STR (b, "here", 0);

    /* the name is free again */
    CHECK_OK (zmq_bind (c, "inproc://pair-unbind"));
    CHECK_ERR (EADDRINUSE, zmq_bind (a, "inproc://pair-unbind"));
    CHECK_OK (zmq_unbind (c, "inproc://pair-unbind"));
    CHECK_OK (zmq_bind (a, "inproc://pair-unbind"));

    /* bad addresses fail like bind */
    CHECK_ERR (EINVAL, zmq_unbind (a, "inproc"));
    CHECK_ERR (EPROTONOSUPPORT, zmq_unbind (a, "foo://x"));

    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_close (c));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* zmq_unbind of a tcp or ipc endpoint ends the connections accepted on it:
 * a message the connected peer sends right after the unbind is not
 * received, although the peer writes it to the wire itself (libzmq's
 * test_reconnect_ivl).  (What the binder sends right after its unbind is
 * dropped by zmqrs and may still go out on libzmq 4.3.4: not checked.) */
static void unbind_ends_accepted (const char *endpoint)
{
    void *ctx = zmq_ctx_new ();
    void *a, *b;
    char ep[256], buf[16];
    int ivl = -1;
    CHECK (ctx != NULL);
    a = tu_socket (ctx, ZMQ_PAIR);
    b = tu_socket (ctx, ZMQ_PAIR);
    CHECK (a != NULL && b != NULL);
    CHECK_OK (tu_set_int (b, ZMQ_RECONNECT_IVL, ivl));
    CHECK_OK (tu_set_int (a, ZMQ_RCVTIMEO, 300));
    CHECK_OK (tu_set_int (b, ZMQ_RCVTIMEO, 300));
    CHECK_OK (zmq_bind (a, endpoint));
    CHECK_OK (tu_last_endpoint (a, ep, sizeof ep));
    CHECK_OK (zmq_connect (b, ep));
    SEND_STR (b, "ping", 0);
    RECV_STR (a, "ping", 0);
    SEND_STR (a, "pong", 0);
    RECV_STR (b, "pong", 0);
    tu_sleep_ms (20); /* both sides idle: sends go to the wire directly */
    CHECK_OK (zmq_unbind (a, ep));
    zmq_send (b, "late", 4, ZMQ_DONTWAIT);
    CHECK_ERR (EAGAIN, zmq_recv (a, buf, sizeof buf, 0));
    CHECK_OK (tu_set_int (a, ZMQ_LINGER, 0));
    CHECK_OK (tu_set_int (b, ZMQ_LINGER, 0));
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_unbind_ends_accepted (void)
{
    int i;
    for (i = 0; i < 5; i++) {
        unbind_ends_accepted ("tcp://127.0.0.1:*");
        unbind_ends_accepted ("ipc://*");
    }
}

/* zmq_disconnect drops the connection: the disconnecting side can neither
 * send nor receive on it any more; what it sent before is still delivered
 * (PAIR pipes drain to the delimiter).  It can connect again. */
static void test_disconnect (void)
{
    void *ctx = zmq_ctx_new ();
    void *a, *b;
    CHECK (ctx != NULL);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_PAIR, ZMQ_PAIR, "inproc://pair-disc",
                               &a, &b));
    SEND_STR (b, "hi", 0);
    RECV_STR (a, "hi", 0);

    SEND_STR (b, "before", 0);
    SEND_STR (a, "lost", 0);
    CHECK_OK (zmq_disconnect (b, "inproc://pair-disc"));
    CHECK_ERR (ENOENT, zmq_disconnect (b, "inproc://pair-disc"));
    CHECK_ERR (ENOENT, zmq_disconnect (b, "inproc://never-connected"));
    CHECK_ERR (EINVAL, zmq_disconnect (b, "inproc"));
    CHECK_ERR (EPROTONOSUPPORT, zmq_disconnect (b, "foo://x"));

    /* the binder still gets what was sent before the disconnect */
    RECV_STR (a, "before", 0);
    /* the disconnected side lost its inbound queue */
    CHECK_NO_MSG (b);
    CHECK_ERR (EAGAIN, zmq_send (b, "x", 1, ZMQ_DONTWAIT));
    tu_sleep_ms (20);
    CHECK_NO_MSG (a);
    CHECK_ERR (EAGAIN, zmq_send (a, "x", 1, ZMQ_DONTWAIT));

    /* reconnect */
    CHECK_OK (zmq_connect (b, "inproc://pair-disc"));
    SEND_STR (b, "again", 0);
    RECV_STR (a, "again", 0);
    SEND_STR (a, "back", 0);
    RECV_STR (b, "back", 0);

    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* For inproc, zmq_unbind and zmq_disconnect are the same call: unbind on a
 * connecting socket disconnects it; disconnect on the binder unbinds. */
static void test_unbind_disconnect_same (void)
{
    void *ctx = zmq_ctx_new ();
    void *a, *b, *c;
    CHECK (ctx != NULL);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_PAIR, ZMQ_PAIR, "inproc://pair-same",
                               &a, &b));
    CHECK_OK (zmq_unbind (b, "inproc://pair-same"));
    CHECK_ERR (ENOENT, zmq_disconnect (b, "inproc://pair-same"));
    CHECK_OK (zmq_disconnect (a, "inproc://pair-same"));
    CHECK_ERR (ENOENT, zmq_unbind (a, "inproc://pair-same"));
    c = tu_socket (ctx, ZMQ_PAIR);
    CHECK (c != NULL);
    CHECK_OK (zmq_bind (c, "inproc://pair-same"));
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_close (c));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_dontwait (void)
{
    void *ctx = zmq_ctx_new ();
    void *a, *b, *lonely;
    zmq_msg_t msg;
    char buf[8];
    CHECK (ctx != NULL);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_PAIR, ZMQ_PAIR, "inproc://pair-nb",
                               &a, &b));
    CHECK_ERR (EAGAIN, zmq_recv (a, buf, sizeof buf, ZMQ_DONTWAIT));
    CHECK_OK (zmq_msg_init (&msg));
    CHECK_ERR (EAGAIN, zmq_msg_recv (&msg, b, ZMQ_DONTWAIT));
    CHECK_OK (zmq_msg_close (&msg));
    /* with a peer, a DONTWAIT send goes through */
    CHECK_EQ_INT (1, zmq_send (b, "x", 1, ZMQ_DONTWAIT));
    CHECK_EQ_INT (1, zmq_recv (a, buf, sizeof buf, ZMQ_DONTWAIT));
    /* without one it cannot */
    lonely = tu_socket (ctx, ZMQ_PAIR);
    CHECK (lonely != NULL);
    CHECK_ERR (EAGAIN, zmq_send (lonely, "x", 1, ZMQ_DONTWAIT));
    CHECK_ERR (EAGAIN, zmq_recv (lonely, buf, sizeof buf, ZMQ_DONTWAIT));
    /* a bound socket with nobody connected is the same */
    CHECK_OK (zmq_bind (lonely, "inproc://pair-nb-alone"));
    CHECK_ERR (EAGAIN, zmq_send (lonely, "x", 1, ZMQ_DONTWAIT));
    CHECK_OK (zmq_close (lonely));
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_timeouts (void)
{
    void *ctx = zmq_ctx_new ();
    void *s;
    void *watch;
    unsigned long elapsed;
    int timeo = 100, v = 0;
    char buf[8];
    CHECK (ctx != NULL);
    s = zmq_socket (ctx, ZMQ_PAIR);
    CHECK (s != NULL);
    /* defaults: -1 (block forever) */
    CHECK_OK (tu_get_int (s, ZMQ_RCVTIMEO, &v));
    CHECK_EQ_INT (-1, v);
    CHECK_OK (tu_get_int (s, ZMQ_SNDTIMEO, &v));
    CHECK_EQ_INT (-1, v);
    CHECK_OK (tu_set_int (s, ZMQ_RCVTIMEO, timeo));
    CHECK_OK (tu_set_int (s, ZMQ_SNDTIMEO, timeo));
    CHECK_OK (tu_set_int (s, ZMQ_LINGER, 0));
    CHECK_OK (tu_get_int (s, ZMQ_RCVTIMEO, &v));
    CHECK_EQ_INT (timeo, v);
    CHECK_OK (zmq_bind (s, "inproc://pair-timeo"));

    watch = zmq_stopwatch_start ();
    CHECK (watch != NULL);
    errno = 0;
    if (zmq_recv (s, buf, sizeof buf, 0) != -1 || errno != EAGAIN) {
        zmq_stopwatch_stop (watch);
        CHECK (0);
    }
    elapsed = zmq_stopwatch_stop (watch);
    CHECK (elapsed >= 90000ul);

    watch = zmq_stopwatch_start ();
    CHECK (watch != NULL);
    errno = 0;
    if (zmq_send (s, "x", 1, 0) != -1 || errno != EAGAIN) {
        zmq_stopwatch_stop (watch);
        CHECK (0);
    }
    elapsed = zmq_stopwatch_stop (watch);
    CHECK (elapsed >= 90000ul);

    /* a 1 ms timeout still waits (it is not rounded down to 0) */
    CHECK_OK (tu_set_int (s, ZMQ_RCVTIMEO, 1));
    CHECK_OK (tu_set_int (s, ZMQ_SNDTIMEO, 1));
    watch = zmq_stopwatch_start ();
    CHECK (watch != NULL);
    for (v = 0; v < 5; v++) {
        CHECK_ERR (EAGAIN, zmq_recv (s, buf, sizeof buf, 0));
        CHECK_ERR (EAGAIN, zmq_send (s, "x", 1, 0));
    }
    elapsed = zmq_stopwatch_stop (watch);
    CHECK (elapsed >= 9000ul);

    /* timeout 0 behaves as ZMQ_DONTWAIT */
    CHECK_OK (tu_set_int (s, ZMQ_RCVTIMEO, 0));
    CHECK_ERR (EAGAIN, zmq_recv (s, buf, sizeof buf, 0));
    CHECK_OK (zmq_close (s));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* A PAIR takes one peer.  A second PAIR may connect (zmq_connect succeeds)
 * but the bound PAIR drops that connection: whatever the intruder sends is
 * lost and, once the drop has propagated, its sends fail with EAGAIN.  The
 * first pair is unaffected. */
static void test_second_peer_rejected (void)
{
    void *ctx = zmq_ctx_new ();
    void *a, *b, *c;
    int i, rc = 0;
    CHECK (ctx != NULL);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_PAIR, ZMQ_PAIR, "inproc://pair-third",
                               &a, &b));
    SEND_STR (b, "first", 0);
    RECV_STR (a, "first", 0);

    c = tu_socket (ctx, ZMQ_PAIR);
    CHECK (c != NULL);
    CHECK_OK (zmq_connect (c, "inproc://pair-third"));
    zmq_send (c, "intruder", 8, ZMQ_DONTWAIT); /* may succeed; is lost */

    SEND_STR (b, "second", 0);
    RECV_STR (a, "second", 0);
    SEND_STR (a, "to-b", 0);
    RECV_STR (b, "to-b", 0);
    CHECK_NO_MSG (c);

    /* the intruder's connection goes away (bounded wait) */
    for (i = 0; i < 100; i++) {
        rc = zmq_send (c, "intruder", 8, ZMQ_DONTWAIT);
        if (rc == -1)
            break;
        tu_sleep_ms (10);
    }
    CHECK_EQ_INT (-1, rc);
    CHECK_EQ_INT (EAGAIN, errno);
    CHECK_NO_MSG (a);
    CHECK_NO_MSG (c);

    SEND_STR (b, "third", 0);
    RECV_STR (a, "third", 0);
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_close (c));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_bad_endpoints (void)
{
    void *ctx = zmq_ctx_new ();
    void *s;
    CHECK (ctx != NULL);
    s = tu_socket (ctx, ZMQ_PAIR);
    CHECK (s != NULL);
    CHECK_ERR (EPROTONOSUPPORT, zmq_bind (s, "foo://x"));
    CHECK_ERR (EPROTONOSUPPORT, zmq_connect (s, "foo://x"));
    /* no "://" */
    CHECK_ERR (EINVAL, zmq_bind (s, "inproc"));
    CHECK_ERR (EINVAL, zmq_connect (s, "inproc"));
    CHECK_ERR (EINVAL, zmq_bind (s, "inproc:/x"));
    /* empty scheme / empty address */
    CHECK_ERR (EINVAL, zmq_bind (s, "://x"));
    CHECK_ERR (EINVAL, zmq_bind (s, "inproc://"));
    CHECK_ERR (EINVAL, zmq_connect (s, "inproc://"));
    CHECK_ERR (EINVAL, zmq_bind (s, ""));
    /* scheme names are case-sensitive */
    CHECK_ERR (EPROTONOSUPPORT, zmq_bind (s, "INPROC://x"));
    /* NULL endpoint to unbind / disconnect */
    CHECK_ERR (EINVAL, zmq_unbind (s, NULL));
    CHECK_ERR (EINVAL, zmq_disconnect (s, NULL));
    CHECK_OK (zmq_close (s));
    CHECK_OK (zmq_ctx_term (ctx));
}

#ifndef ZMQRS_SKIP_HARDENED
/* libzmq asserts (abort) on a NULL endpoint to bind/connect and crashes on
 * NULL buffers with a non-zero length or a NULL message; zmqrs fails with
 * EINVAL (as libzmq's own zmq_unbind (s, NULL)) and EFAULT, and a refused
 * receive leaves the message queued. */
static void test_null_arguments (void)
{
    void *ctx = zmq_ctx_new ();
    void *a, *b;
    CHECK (ctx != NULL);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_PAIR, ZMQ_PAIR, "inproc://pair-null",
                               &a, &b));
    CHECK_ERR (EINVAL, zmq_bind (a, NULL));
    CHECK_ERR (EINVAL, zmq_connect (a, NULL));
    CHECK_ERR (EFAULT, zmq_send (b, NULL, 5, 0));
    CHECK_ERR (EFAULT, zmq_send_const (b, NULL, 5, 0));
    CHECK_ERR (EFAULT, zmq_msg_send (NULL, b, 0));
    CHECK_ERR (EFAULT, zmq_msg_recv (NULL, a, ZMQ_DONTWAIT));
    CHECK_ERR (EFAULT, zmq_sendmsg (b, NULL, 0));
    CHECK_ERR (EFAULT, zmq_recvmsg (a, NULL, ZMQ_DONTWAIT));
    SEND_STR (b, "kept", 0);
    CHECK_ERR (EFAULT, zmq_recv (a, NULL, 4, 0));
    RECV_STR (a, "kept", 0);
    CHECK_NO_MSG (a);
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_ctx_term (ctx));
}
#endif

int main (void)
{
    RUN (test_both_directions);
    RUN (test_unbind_ends_accepted);
    RUN (test_multipart);
    RUN (test_multipart_atomic);
    RUN (test_empty_messages);
    RUN (test_large_message);
    RUN (test_send_const);
    RUN (test_recv_truncation);
    RUN (test_msg_send_recv);
    RUN (test_sendmsg_recvmsg);
    RUN (test_sendiov_recviov);
    RUN (test_connect_before_bind);
    RUN (test_bind_in_use);
    RUN (test_names_per_context);
    RUN (test_last_endpoint);
    RUN (test_unbind_rebind);
    RUN (test_disconnect);
    RUN (test_unbind_disconnect_same);
    RUN (test_dontwait);
    RUN (test_timeouts);
    RUN (test_second_peer_rejected);
    RUN (test_bad_endpoints);
#ifndef ZMQRS_SKIP_HARDENED
    RUN (test_null_arguments);
#endif
    return test_summary ();
}
