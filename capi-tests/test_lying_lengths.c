/* test_lying_lengths.c - a length from the caller that is larger than its
 * buffer (SIZE_MAX, 2^62, 2^40, 2^34: a negative int cast to size_t, a
 * length read from the wrong variable) ends in an errno, never in an
 * abort, a panic or a read or write past the buffer, and the socket keeps
 * working. libzmq 4.3.4 aborts or crashes on most of these.
 *
 * The caller's buffer sits at the end of a mapped page with an
 * inaccessible page after it, so any access past the buffer would fault. Every case
 * runs in a child process whose stderr is captured: the host's stderr must
 * stay empty. */
#include <zmq.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

#define BUF_LEN 64

static const size_t lies[] = {SIZE_MAX, (size_t) 1 << 62, (size_t) 1 << 40,
                              (size_t) 1 << 34, 1 << 20};

/* BUF_LEN bytes right before a page nobody may touch (PROT_NONE: an
 * unmapped hole could be reused by another thread's mmap meanwhile). */
static char *edge_buffer (void)
{
    long page = sysconf (_SC_PAGESIZE);
    char *m = mmap (NULL, 2 * page, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return NULL;
    if (mprotect (m + page, page, PROT_NONE) != 0)
        return NULL;
    return m + page - BUF_LEN;
}

/* A refused length: -1 with EINVAL (the range cannot exist or the option
 * takes no such length), ENOMEM (no room for a copy) or EFAULT (the copy
 * met the inaccessible page). SIZE_MAX is always EINVAL. */
#define CHECK_REFUSED(len, call)                                              \
    do {                                                                      \
        errno = 0;                                                            \
        int rc_ = (call);                                                     \
        int en_ = errno;                                                      \
        if ((len) == SIZE_MAX)                                                \
            CHECK (rc_ == -1 && en_ == EINVAL);                               \
        else                                                                  \
            CHECK (rc_ == -1                                                  \
                   && (en_ == EINVAL || en_ == ENOMEM || en_ == EFAULT));     \
    } while (0)

/* The options that take values of any length, each given lying lengths. */
static void test_setsockopt_long_options (void)
{
    struct
    {
        int type, option;
    } cases[] = {
      {ZMQ_SUB, ZMQ_SUBSCRIBE},
      {ZMQ_SUB, ZMQ_UNSUBSCRIBE},
      {ZMQ_ROUTER, ZMQ_CONNECT_ROUTING_ID},
      {ZMQ_DEALER, ZMQ_SOCKS_PROXY},
      {ZMQ_XPUB, ZMQ_XPUB_WELCOME_MSG},
      {ZMQ_DEALER, ZMQ_HELLO_MSG},
      {ZMQ_ROUTER, ZMQ_DISCONNECT_MSG},
      {ZMQ_DEALER, ZMQ_HICCUP_MSG},
      {ZMQ_DEALER, ZMQ_METADATA},
    };
    char *buf = edge_buffer ();
    CHECK (buf != NULL);
    memset (buf, 'x', BUF_LEN);
    void *ctx = zmq_ctx_new ();
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        void *s = zmq_socket (ctx, cases[c].type);
        CHECK (s != NULL);
        for (size_t l = 0; l < sizeof lies / sizeof lies[0]; l++)
            CHECK_REFUSED (lies[l],
                           zmq_setsockopt (s, cases[c].option, buf, lies[l]));
        /* The whole buffer is still a valid value. */
        if (cases[c].option != ZMQ_METADATA)
            CHECK_OK (zmq_setsockopt (s, cases[c].option, buf, BUF_LEN));
        CHECK_OK (zmq_close (s));
    }
    CHECK_OK (zmq_ctx_term (ctx));
}

/* Options of a fixed size or a short limit refuse a long length with
 * EINVAL before reading anything, as libzmq does; XSUB's
 * VERBOSE_UNSUBSCRIBE reads an int from the front, as libzmq does. */
static void test_setsockopt_short_options (void)
{
    int opts[] = {ZMQ_SNDHWM,       ZMQ_AFFINITY,   ZMQ_ROUTING_ID,
                  ZMQ_ZAP_DOMAIN,   ZMQ_PLAIN_USERNAME, ZMQ_CURVE_SERVERKEY,
                  ZMQ_BINDTODEVICE, ZMQ_TCP_ACCEPT_FILTER, ZMQ_LINGER};
    char *buf = edge_buffer ();
    CHECK (buf != NULL);
    memset (buf, 0, BUF_LEN);
    void *ctx = zmq_ctx_new ();
    void *s = zmq_socket (ctx, ZMQ_DEALER);
    for (size_t o = 0; o < sizeof opts / sizeof opts[0]; o++)
        for (size_t l = 0; l < sizeof lies / sizeof lies[0]; l++)
            CHECK_ERR (EINVAL, zmq_setsockopt (s, opts[o], buf, lies[l]));
    void *xsub = zmq_socket (ctx, ZMQ_XSUB);
    buf[0] = 1;
    CHECK_OK (zmq_setsockopt (xsub, ZMQ_XSUB_VERBOSE_UNSUBSCRIBE, buf,
                              (size_t) 1 << 40));
    CHECK_OK (zmq_close (xsub));
    CHECK_OK (zmq_close (s));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* zmq_getsockopt with a *optvallen far beyond the buffer writes the value
 * (and its NUL) only; a value that does not fit in the real buffer is
 * EFAULT. */
static void test_getsockopt_long_length (void)
{
    char *buf = edge_buffer ();
    CHECK (buf != NULL);
    void *ctx = zmq_ctx_new ();
    void *s = zmq_socket (ctx, ZMQ_ROUTER);
    CHECK_OK (zmq_setsockopt (s, ZMQ_ROUTING_ID, "abc", 3));
    CHECK_OK (zmq_setsockopt (s, ZMQ_SOCKS_PROXY, "proxy:1080", 10));
    CHECK_OK (zmq_bind (s, "tcp://127.0.0.1:*"));
    for (size_t l = 0; l < sizeof lies / sizeof lies[0]; l++) {
        size_t len = lies[l];
        memset (buf, 'x', BUF_LEN);
        if (len == SIZE_MAX) {
            CHECK_ERR (EINVAL, zmq_getsockopt (s, ZMQ_ROUTING_ID, buf, &len));
            continue;
        }
        CHECK_OK (zmq_getsockopt (s, ZMQ_ROUTING_ID, buf, &len));
        CHECK_EQ_INT (3, len);
        CHECK (memcmp (buf, "abcx", 4) == 0);
        len = lies[l];
        CHECK_OK (zmq_getsockopt (s, ZMQ_SOCKS_PROXY, buf, &len));
        CHECK_EQ_INT (11, len);
        CHECK_EQ_STR ("proxy:1080", buf);
        CHECK_EQ_INT ('x', buf[11]);
        len = lies[l];
        CHECK_OK (zmq_getsockopt (s, ZMQ_LAST_ENDPOINT, buf, &len));
        CHECK (strncmp (buf, "tcp://127.0.0.1:", 16) == 0);
        CHECK_EQ_INT (strlen (buf) + 1, len);
        /* An int wants exactly sizeof (int). */
        len = lies[l];
        CHECK_ERR (EINVAL, zmq_getsockopt (s, ZMQ_SNDHWM, buf, &len));
    }
    /* A value longer than what is really there. */
    char proxy[200];
    memset (proxy, 'p', sizeof proxy);
    CHECK_OK (zmq_setsockopt (s, ZMQ_SOCKS_PROXY, proxy, sizeof proxy));
    size_t len = (size_t) 1 << 40;
    CHECK_ERR (EFAULT, zmq_getsockopt (s, ZMQ_SOCKS_PROXY, buf, &len));
    CHECK_OK (zmq_close (s));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* The context's options, Z85 and messages. */
static void test_other_lengths (void)
{
    char *buf = edge_buffer ();
    CHECK (buf != NULL);
    memset (buf, 'a', BUF_LEN);
    void *ctx = zmq_ctx_new ();
    for (size_t l = 0; l < sizeof lies / sizeof lies[0]; l++)
        CHECK_ERR (EINVAL, zmq_ctx_set_ext (ctx, ZMQ_THREAD_NAME_PREFIX, buf,
                                             lies[l]));
    size_t len = (size_t) 1 << 40;
    CHECK_OK (zmq_ctx_set_ext (ctx, ZMQ_THREAD_NAME_PREFIX, "zq", 2));
    CHECK_OK (zmq_ctx_get_ext (ctx, ZMQ_THREAD_NAME_PREFIX, buf, &len));
    CHECK (memcmp (buf, "zq", 2) == 0);

    /* Z85: the input is read through a checked copy. */
    char out[128];
    errno = 0;
    CHECK (zmq_z85_encode (out, (uint8_t *) buf, (size_t) 1 << 40) == NULL);
    CHECK (errno == ENOMEM || errno == EFAULT);
    errno = 0;
    CHECK (zmq_z85_encode (out, (uint8_t *) buf, SIZE_MAX - 3) == NULL);
    CHECK_EQ_INT (EINVAL, errno);

    /* Messages: a size nobody can have is ENOMEM, as libzmq says. */
    zmq_msg_t msg;
    CHECK_ERR (ENOMEM, zmq_msg_init_size (&msg, SIZE_MAX));
    CHECK_ERR (ENOMEM, zmq_msg_init_size (&msg, (size_t) 1 << 62));
    void *s = zmq_socket (ctx, ZMQ_PAIR);
    CHECK_OK (zmq_bind (s, "inproc://lying"));
    CHECK_ERR (ENOMEM, zmq_send (s, buf, SIZE_MAX, ZMQ_DONTWAIT));
    CHECK_ERR (ENOMEM, zmq_send (s, buf, (size_t) 1 << 62, ZMQ_DONTWAIT));
    CHECK_OK (zmq_close (s));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* After all that, subscriptions and messages still flow. */
static void test_socket_still_works (void)
{
    char *buf = edge_buffer ();
    CHECK (buf != NULL);
    void *ctx = zmq_ctx_new ();
    void *pub = zmq_socket (ctx, ZMQ_PUB);
    void *sub = zmq_socket (ctx, ZMQ_SUB);
    CHECK_OK (zmq_bind (pub, "inproc://still"));
    CHECK_OK (zmq_connect (sub, "inproc://still"));
    memcpy (buf, "topic", 5);
    CHECK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, buf, SIZE_MAX) == -1);
    CHECK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, buf, (size_t) 1 << 40) == -1);
    CHECK_OK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, buf, 5));
    int timeout = 2000;
    CHECK_OK (zmq_setsockopt (sub, ZMQ_RCVTIMEO, &timeout, sizeof timeout));
    char got[16];
    int n = -1;
    for (int i = 0; i < 200 && n < 0; i++) {
        CHECK_OK (zmq_send (pub, "topic-1", 7, 0));
        n = zmq_recv (sub, got, sizeof got, ZMQ_DONTWAIT);
        if (n < 0)
            usleep (10000);
    }
    CHECK_EQ_INT (7, n);
    CHECK (memcmp (got, "topic-1", 7) == 0);
    CHECK_OK (zmq_close (sub));
    CHECK_OK (zmq_close (pub));
    CHECK_OK (zmq_ctx_term (ctx));
}

static int run_cases (void)
{
    RUN (test_setsockopt_long_options);
    RUN (test_setsockopt_short_options);
    RUN (test_getsockopt_long_length);
    RUN (test_other_lengths);
    RUN (test_socket_still_works);
    return test_summary ();
}

int main (void)
{
    /* The cases run in a child whose stderr comes back here: a panic
     * message, an allocation failure or a CHECK failure all show. */
    unsetenv ("ZMQRS_PANIC_TRACE");
    int err[2];
    if (pipe (err) != 0)
        return 1;
    fflush (stdout);
    pid_t pid = fork ();
    if (pid == 0) {
        close (err[0]);
        dup2 (err[1], 2);
        int rc = run_cases ();
        fflush (stdout);
        _exit (rc);
    }
    close (err[1]);
    char text[8192];
    size_t got = 0;
    ssize_t n;
    while ((n = read (err[0], text + got, sizeof text - 1 - got)) > 0)
        got += (size_t) n;
    text[got] = 0;
    int status = 0;
    waitpid (pid, &status, 0);
    if (got > 0)
        printf ("the child's stderr:\n%s\n", text);
    if (!WIFEXITED (status)) {
        printf ("the child died: signal %d\n",
                WIFSIGNALED (status) ? WTERMSIG (status) : 0);
        return 1;
    }
    printf ("stderr %s\n", got == 0 ? "clean" : "NOT clean");
    return WEXITSTATUS (status) == 0 && got == 0 ? 0 : 1;
}
