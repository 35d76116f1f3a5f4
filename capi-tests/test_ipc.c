/* test_ipc.c - the ipc transport (Unix domain sockets): every classic
 * pattern over a path, abstract names ("ipc://@name") and the "ipc://" "*"
 * wildcard; what happens to the socket file (created on bind, left behind
 * by unbind and close of a named path, removed with its directory for a
 * wildcard); a second bind of the same path taking it over; connect before
 * bind; reconnecting to a restarted peer; bad addresses; message
 * properties.  Behaviour checked against libzmq 4.3.4 / 4.3.5.
 *
 * Every path lives under /tmp and carries the process id.
 * Build with -pthread.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <zmq.h>

#include "testutil.h"

/* ---- helpers ---------------------------------------------------------- */

/* "ipc:///tmp/zmqrs-ipc-<pid>-<name>.sock" into ep; the file path is
 * ep + 6. */
static void ipc_endpoint (char *ep, size_t len, const char *name)
{
    snprintf (ep, len, "ipc:///tmp/zmqrs-ipc-%ld-%s.sock", (long) getpid (),
              name);
}

/* 1 if path exists and is a socket, 0 if it does not exist, -1 if it is
 * something else. */
static int socket_file (const char *path)
{
    struct stat st;
    if (lstat (path, &st) != 0)
        return 0;
    return S_ISSOCK (st.st_mode) ? 1 : -1;
}

/* Remove a leftover socket file (never anything else). */
static void remove_socket_file (const char *path)
{
    if (socket_file (path) == 1)
        unlink (path);
}

/* Wait up to 2 s for path to be gone; 1 if it is. */
static int wait_gone (const char *path)
{
    int i;
    struct stat st;
    for (i = 0; i < 100; i++) {
        if (lstat (path, &st) != 0)
            return 1;
        tu_sleep_ms (20);
    }
    return 0;
}

#define MIB (1024u * 1024u)

/* ---- cases ------------------------------------------------------------- */

static void test_pair_path (void)
{
    void *ctx = zmq_ctx_new ();
    char ep[256], got[256];
    void *a, *b;
    ipc_endpoint (ep, sizeof ep, "pair");
    remove_socket_file (ep + 6);
    CHECK (ctx != NULL);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_PAIR, ZMQ_PAIR, ep, &a, &b));
    /* LAST_ENDPOINT is the path as given; the file is a socket */
    CHECK_OK (tu_last_endpoint (a, got, sizeof got));
    CHECK_EQ_STR (ep, got);
    CHECK_OK (tu_last_endpoint (b, got, sizeof got));
    CHECK_EQ_STR (ep, got);
    CHECK_EQ_INT (1, socket_file (ep + 6));

    SEND_STR (b, "from connecter", 0);
    RECV_STR (a, "from connecter", 0);
    SEND_STR (a, "from binder", 0);
    RECV_STR (b, "from binder", 0);
    SEND_STR (b, "m1", ZMQ_SNDMORE);
    SEND_STR (b, "", ZMQ_SNDMORE);
    SEND_STR (b, "m3", 0);
    RECV_STR (a, "m1", 0);
    CHECK_RCVMORE (a, 1);
    RECV_STR (a, "", 0);
    CHECK_RCVMORE (a, 1);
    RECV_STR (a, "m3", 0);
    CHECK_RCVMORE (a, 0);
    SEND_STR (a, "", 0);
    RECV_STR (b, "", 0);
    CHECK_EQ_INT (MIB, tu_send_pattern (b, MIB, 1, 0));
    CHECK_OK (tu_recv_pattern (a, MIB, 1, 0));
    CHECK_EQ_INT (MIB, tu_send_pattern (a, MIB, 2, 0));
    CHECK_OK (tu_recv_pattern (b, MIB, 2, 0));
    CHECK_NO_MSG (a);
    CHECK_NO_MSG (b);
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_ctx_term (ctx));
    remove_socket_file (ep + 6);
}

static void test_patterns (void)
{
    void *ctx = zmq_ctx_new ();
    char ep[256];
    void *push, *pull, *rep, *req, *router, *dealer;
    int i;
    CHECK (ctx != NULL);

    ipc_endpoint (ep, sizeof ep, "pushpull");
    remove_socket_file (ep + 6);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_PULL, ZMQ_PUSH, ep, &pull, &push));
    CHECK_STEP (tu_numbered_in_order (push, pull, 100));
    SEND_STR (push, "a", ZMQ_SNDMORE);
    CHECK_EQ_INT (MIB, tu_send_pattern (push, MIB, 3, 0));
    RECV_STR (pull, "a", 0);
    CHECK_OK (tu_recv_pattern (pull, MIB, 3, 0));
    zmq_close (push);
    zmq_close (pull);
    remove_socket_file (ep + 6);

    ipc_endpoint (ep, sizeof ep, "reqrep");
    remove_socket_file (ep + 6);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_REP, ZMQ_REQ, ep, &rep, &req));
    for (i = 0; i < 3; i++) {
        SEND_STR (req, "ping", 0);
        RECV_STR (rep, "ping", 0);
        SEND_STR (rep, "pong", ZMQ_SNDMORE);
        SEND_STR (rep, "", 0);
        RECV_STR (req, "pong", 0);
        CHECK_RCVMORE (req, 1);
        RECV_STR (req, "", 0);
    }
    zmq_close (rep);
    zmq_close (req);
    remove_socket_file (ep + 6);

    ipc_endpoint (ep, sizeof ep, "router");
    remove_socket_file (ep + 6);
    router = tu_socket (ctx, ZMQ_ROUTER);
    dealer = tu_socket (ctx, ZMQ_DEALER);
    CHECK (router && dealer);
    CHECK_OK (zmq_bind (router, ep));
    CHECK_OK (zmq_setsockopt (dealer, ZMQ_ROUTING_ID, "ipc-dealer", 10));
    CHECK_OK (zmq_connect (dealer, ep));
    SEND_STR (dealer, "hi", ZMQ_SNDMORE);
    SEND_STR (dealer, "there", 0);
    RECV_STR (router, "ipc-dealer", 0);
    RECV_STR (router, "hi", 0);
    RECV_STR (router, "there", 0);
    CHECK_RCVMORE (router, 0);
    SEND_STR (router, "ipc-dealer", ZMQ_SNDMORE);
    SEND_STR (router, "back", 0);
    RECV_STR (dealer, "back", 0);
    zmq_close (router);
    zmq_close (dealer);
    remove_socket_file (ep + 6);
    CHECK_OK (zmq_ctx_term (ctx));
}

/* Abstract names live outside the file system; a second bind of the same
 * name fails with EADDRINUSE (unlike a path, see below). */
static void test_abstract (void)
{
    void *ctx = zmq_ctx_new ();
    char ep[128], got[256];
    void *a, *b, *c;
    snprintf (ep, sizeof ep, "ipc://@zmqrs-ipc-%ld-abstract", (long) getpid ());
    CHECK (ctx != NULL);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_PAIR, ZMQ_PAIR, ep, &a, &b));
    CHECK_OK (tu_last_endpoint (a, got, sizeof got));
    CHECK_EQ_STR (ep, got);
    /* nothing named "@..." appears in the working directory */
    CHECK_EQ_INT (0, socket_file (ep + 6));
    SEND_STR (b, "abstract", 0);
    RECV_STR (a, "abstract", 0);
    SEND_STR (a, "reply", 0);
    RECV_STR (b, "reply", 0);

    c = tu_socket (ctx, ZMQ_PAIR);
    CHECK (c != NULL);
    CHECK_ERR (EADDRINUSE, zmq_bind (c, ep));
    CHECK_ERR (EADDRINUSE, zmq_bind (a, ep));
    /* once unbound (asynchronously), the name is free again */
    CHECK_OK (zmq_unbind (a, ep));
    CHECK_OK (tu_bind_retry (c, ep));
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_close (c));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* The wildcard ("ipc://" followed by "*"): a fresh directory tmpXXXXXX
 * under $TMPDIR holding a file named "socket"; unbinding or closing removes
 * both.  The wildcard itself does not name the endpoint for zmq_unbind. */
static void test_wildcard (void)
{
    void *ctx = zmq_ctx_new ();
    void *a, *b, *c;
    char ep[256], ep2[256], dir[256];
    size_t n;
    CHECK (ctx != NULL);
    CHECK_OK (setenv ("TMPDIR", "/tmp", 1));
    a = tu_socket (ctx, ZMQ_PAIR);
    b = tu_socket (ctx, ZMQ_PAIR);
    c = tu_socket (ctx, ZMQ_PAIR);
    CHECK (a && b && c);
    CHECK_OK (zmq_bind (a, "ipc://*"));
    CHECK_OK (tu_last_endpoint (a, ep, sizeof ep));
    CHECK (strncmp (ep, "ipc:///tmp/tmp", 14) == 0);
    n = strlen (ep);
    CHECK (n > 7 && strcmp (ep + n - 7, "/socket") == 0);
    CHECK_EQ_INT (1, socket_file (ep + 6));
    memcpy (dir, ep + 6, n - 6 - 7);
    dir[n - 6 - 7] = '\0';
    CHECK_OK (zmq_connect (b, ep));
    SEND_STR (b, "wild", 0);
    RECV_STR (a, "wild", 0);

    /* each wildcard bind gets its own directory */
    CHECK_OK (zmq_bind (c, "ipc://*"));
    CHECK_OK (tu_last_endpoint (c, ep2, sizeof ep2));
    CHECK (strcmp (ep, ep2) != 0);

    CHECK_ERR (ENOENT, zmq_unbind (a, "ipc://*"));
    CHECK_OK (zmq_unbind (a, ep));
    CHECK (wait_gone (ep + 6));
    CHECK (wait_gone (dir));
    /* closing the socket cleans up the same way */
    CHECK_EQ_INT (1, socket_file (ep2 + 6));
    CHECK_OK (zmq_close (c));
    CHECK (wait_gone (ep2 + 6));
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* A named path: the file appears on bind and is left behind by unbind and
 * by close (libzmq only unlinks what a wildcard created); a later bind
 * replaces a stale file. */
static void test_path_lifecycle (void)
{
    void *ctx = zmq_ctx_new ();
    void *a, *b;
    char ep[256];
    ipc_endpoint (ep, sizeof ep, "life");
    remove_socket_file (ep + 6);
    CHECK (ctx != NULL);
    a = tu_socket (ctx, ZMQ_PULL);
    CHECK (a != NULL);
    CHECK_EQ_INT (0, socket_file (ep + 6));
    CHECK_OK (zmq_bind (a, ep));
    CHECK_EQ_INT (1, socket_file (ep + 6));
    CHECK_OK (zmq_unbind (a, ep));
    CHECK_ERR (ENOENT, zmq_unbind (a, ep));
    tu_sleep_ms (100);
    CHECK_EQ_INT (1, socket_file (ep + 6));

    /* bind over the stale file; connect; close */
    CHECK_OK (zmq_bind (a, ep));
    b = tu_socket (ctx, ZMQ_PUSH);
    CHECK (b != NULL);
    CHECK_OK (zmq_connect (b, ep));
    SEND_STR (b, "over stale", 0);
    RECV_STR (a, "over stale", 0);
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_ctx_term (ctx));
    CHECK_EQ_INT (1, socket_file (ep + 6));

    /* a stale file nobody listens on: connecting keeps retrying, and a
     * new bind is reached */
    ctx = zmq_ctx_new ();
    CHECK (ctx != NULL);
    b = tu_socket (ctx, ZMQ_PUSH);
    CHECK (b != NULL);
    CHECK_OK (zmq_connect (b, ep));
    SEND_STR (b, "queued", 0);
    tu_sleep_ms (150);
    a = tu_socket (ctx, ZMQ_PULL);
    CHECK (a != NULL);
    CHECK_OK (zmq_bind (a, ep));
    RECV_STR (a, "queued", 0);
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_ctx_term (ctx));
    remove_socket_file (ep + 6);
}

/* Binding a path another socket is bound to succeeds: the file is
 * unlinked and bound anew, so new connections reach the second socket. */
static void test_second_bind_takes_over (void)
{
    void *ctx = zmq_ctx_new ();
    void *first = tu_socket (ctx, ZMQ_PULL);
    void *second = tu_socket (ctx, ZMQ_PULL);
    void *push = tu_socket (ctx, ZMQ_PUSH);
    char ep[256];
    int t = 200;
    ipc_endpoint (ep, sizeof ep, "takeover");
    remove_socket_file (ep + 6);
    CHECK (first && second && push);
    CHECK_OK (zmq_bind (first, ep));
    CHECK_OK (zmq_bind (second, ep));
    CHECK_OK (zmq_connect (push, ep));
    SEND_STR (push, "who", 0);
    RECV_STR (second, "who", 0);
    CHECK_OK (zmq_setsockopt (first, ZMQ_RCVTIMEO, &t, sizeof t));
    {
        char buf[16];
        CHECK_ERR (EAGAIN, zmq_recv (first, buf, sizeof buf, 0));
    }
    /* both still own their endpoint */
    CHECK_OK (zmq_unbind (first, ep));
    CHECK_OK (zmq_unbind (second, ep));
    CHECK_OK (zmq_close (first));
    CHECK_OK (zmq_close (second));
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_ctx_term (ctx));
    remove_socket_file (ep + 6);
}

static void test_connect_before_bind (void)
{
    void *ctx = zmq_ctx_new ();
    void *push = tu_socket (ctx, ZMQ_PUSH);
    void *pull;
    char ep[256];
    ipc_endpoint (ep, sizeof ep, "early");
    remove_socket_file (ep + 6);
    CHECK (push != NULL);
    /* the path does not exist yet: connect still succeeds */
    CHECK_OK (zmq_connect (push, ep));
    SEND_STR (push, "early-1", 0);
    SEND_STR (push, "early-2", 0);
    tu_sleep_ms (150);
    pull = tu_socket (ctx, ZMQ_PULL);
    CHECK (pull != NULL);
    CHECK_OK (zmq_bind (pull, ep));
    RECV_STR (pull, "early-1", 0);
    RECV_STR (pull, "early-2", 0);
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_close (pull));
    CHECK_OK (zmq_ctx_term (ctx));
    remove_socket_file (ep + 6);
}

/* A PUSH connected to a PULL that goes away and comes back on the same
 * path reconnects by itself; later messages arrive. */
static void test_peer_restart (void)
{
    char ep[256];
    ipc_endpoint (ep, sizeof ep, "restart");
    remove_socket_file (ep + 6);
    tu_peer_restart (ep);
    remove_socket_file (ep + 6);
}

static void test_disconnect (void)
{
    void *ctx = zmq_ctx_new ();
    void *pull, *push;
    char ep[256];
    ipc_endpoint (ep, sizeof ep, "disc");
    remove_socket_file (ep + 6);
    CHECK (ctx != NULL);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_PULL, ZMQ_PUSH, ep, &pull, &push));
    SEND_STR (push, "x", 0);
    RECV_STR (pull, "x", 0);
    CHECK_ERR (ENOENT, zmq_disconnect (push, "ipc:///tmp/zmqrs-no-such"));
    CHECK_OK (zmq_disconnect (push, ep));
    CHECK_ERR (ENOENT, zmq_disconnect (push, ep));
    CHECK_EQ_INT (-1, tu_send_until_refused (push));
    CHECK_EQ_INT (EAGAIN, errno);
    CHECK_OK (zmq_close (pull));
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_ctx_term (ctx));
    remove_socket_file (ep + 6);
}

static void test_bad_addresses (void)
{
    void *ctx = zmq_ctx_new ();
    void *s = tu_socket (ctx, ZMQ_PAIR);
    char longep[300];
    size_t i;
    CHECK (s != NULL);
    CHECK_ERR (EINVAL, zmq_bind (s, "ipc://"));
    CHECK_ERR (EINVAL, zmq_connect (s, "ipc://"));
    CHECK_ERR (EINVAL, zmq_bind (s, "ipc://@"));
    CHECK_ERR (EINVAL, zmq_connect (s, "ipc://@"));
    /* a directory that does not exist */
    CHECK_ERR (ENOENT, zmq_bind (s, "ipc:///tmp/zmqrs-no-such-dir/x.sock"));
    /* sun_path holds 107 bytes and a NUL */
    strcpy (longep, "ipc:///tmp/");
    for (i = strlen ("/tmp/"); i < 108; i++)
        strcat (longep, "x");
    CHECK_ERR (ENAMETOOLONG, zmq_bind (s, longep));
    CHECK_ERR (ENAMETOOLONG, zmq_connect (s, longep));
    /* connecting to a path nobody listens on is fine (retried later) */
    CHECK_OK (zmq_connect (s, "ipc:///tmp/zmqrs-ipc-nobody-listens.sock"));
    CHECK_ERR (ENOENT, zmq_unbind (s, "ipc://*"));
    CHECK_OK (zmq_close (s));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* Properties of a message received over ipc: the peer address is
 * "<host>:<uid>:<gid>:<pid>" from the peer's credentials (the host part is
 * what getnameinfo gives for AF_UNIX: "localhost" with glibc). */
static void test_properties (void)
{
    void *ctx = zmq_ctx_new ();
    void *pull, *push;
    char ep[256], want[128];
    zmq_msg_t msg;
    ipc_endpoint (ep, sizeof ep, "props");
    remove_socket_file (ep + 6);
    CHECK (ctx != NULL);
    CHECK_OK (tu_bind_connect (ctx, ZMQ_PULL, ZMQ_PUSH, ep, &pull, &push));
    SEND_STR (push, "p", 0);
    zmq_msg_init (&msg);
    CHECK_EQ_INT (1, zmq_msg_recv (&msg, pull, 0));
    CHECK_EQ_STR ("PUSH", zmq_msg_gets (&msg, "Socket-Type"));
    snprintf (want, sizeof want, "localhost:%u:%u:%ld", (unsigned) getuid (),
              (unsigned) getgid (), (long) getpid ());
    CHECK_EQ_STR (want, zmq_msg_gets (&msg, "Peer-Address"));
    CHECK (zmq_msg_get (&msg, ZMQ_SRCFD) >= 0);
    zmq_msg_close (&msg);
    CHECK_OK (zmq_close (pull));
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_ctx_term (ctx));
    remove_socket_file (ep + 6);
}

int main (void)
{
    alarm (120);
    RUN (test_pair_path);
    RUN (test_patterns);
    RUN (test_abstract);
    RUN (test_wildcard);
    RUN (test_path_lifecycle);
    RUN (test_second_bind_takes_over);
    RUN (test_connect_before_bind);
    RUN (test_peer_restart);
    RUN (test_disconnect);
    RUN (test_bad_addresses);
    RUN (test_properties);
    return test_summary ();
}
