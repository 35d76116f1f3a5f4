/* reqrep.c - ZeroMQ's request-reply pattern, in one process.
 *
 * A REP server answers "World" to each "Hello" that a REQ client sends, ten
 * times over. The server runs in a thread of its own, the client in the main
 * thread. A REQ socket must alternate send and receive, and a REP socket
 * receive and send: each request gets exactly one reply.
 *
 * Usage: reqrep [tcp|ipc|inproc]   (tcp when omitted)
 * Prints what it did and "ok", and exits 0; on any error it says what failed
 * and exits 1. */
#define _POSIX_C_SOURCE 200809L
#include <zmq.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define REQUESTS 10
#define TIMEOUT_MS 5000 /* a receive that waits this long is a failure */

static const char *program = "reqrep";

/* Helpers: these examples stop at the first error, saying what failed. */

static void fail (const char *what)
{
    fprintf (stderr, "%s: FAILED: %s\n", program, what);
    exit (EXIT_FAILURE);
}

static void check (int rc, const char *what)
{
    if (rc == -1) {
        fprintf (stderr, "%s: FAILED: %s: %s\n", program, what,
                 zmq_strerror (zmq_errno ()));
        exit (EXIT_FAILURE);
    }
}

/* A socket that never blocks for long and is closed without waiting for
 * unsent messages (ZMQ_LINGER 0): a stuck peer cannot hang the program. */
static void *new_socket (void *ctx, int type)
{
    void *socket = zmq_socket (ctx, type);
    if (!socket)
        check (-1, "zmq_socket");
    int linger = 0, timeout = TIMEOUT_MS;
    check (zmq_setsockopt (socket, ZMQ_LINGER, &linger, sizeof linger),
           "ZMQ_LINGER");
    check (zmq_setsockopt (socket, ZMQ_RCVTIMEO, &timeout, sizeof timeout),
           "ZMQ_RCVTIMEO");
    check (zmq_setsockopt (socket, ZMQ_SNDTIMEO, &timeout, sizeof timeout),
           "ZMQ_SNDTIMEO");
    return socket;
}

/* Binds SOCKET on the transport under NAME and returns, in ENDPOINT, the
 * address peers connect to: for tcp it tells the port the system chose. */
static void bind_endpoint (void *socket, const char *transport,
                           const char *name, char *endpoint, size_t size)
{
    char address[256];
    if (strcmp (transport, "tcp") == 0)
        snprintf (address, sizeof address, "tcp://127.0.0.1:*");
    else if (strcmp (transport, "ipc") == 0)
        snprintf (address, sizeof address, "ipc:///tmp/zmqrs-%s-%s-%ld.ipc",
                  program, name, (long) getpid ());
    else
        snprintf (address, sizeof address, "inproc://%s-%s", program, name);
    check (zmq_bind (socket, address), address);
    check (zmq_getsockopt (socket, ZMQ_LAST_ENDPOINT, endpoint, &size),
           "ZMQ_LAST_ENDPOINT");
}

/* A bound ipc endpoint is a file, left behind by zmq_close: remove it. */
static void remove_ipc_file (const char *endpoint)
{
    if (strncmp (endpoint, "ipc://", 6) == 0)
        remove (endpoint + 6);
}

static void send_text (void *socket, const char *text)
{
    check (zmq_send (socket, text, strlen (text), 0), "zmq_send");
}

/* Receives one message as a C string into BUFFER. */
static void receive_text (void *socket, char *buffer, size_t size)
{
    int n = zmq_recv (socket, buffer, size - 1, 0);
    if (n == -1 && zmq_errno () == EAGAIN)
        fail ("nothing received within the timeout");
    check (n, "zmq_recv");
    if ((size_t) n > size - 1)
        fail ("message too long");
    buffer[n] = '\0';
}

static const char *transport_argument (int argc, char **argv)
{
    const char *transport = argc > 1 ? argv[1] : "tcp";
    if (argc > 2
        || (strcmp (transport, "tcp") != 0 && strcmp (transport, "ipc") != 0
            && strcmp (transport, "inproc") != 0)) {
        fprintf (stderr, "usage: %s [tcp|ipc|inproc]\n", program);
        exit (2);
    }
    return transport;
}

/* The server: a REP socket, bound by main, answering REQUESTS requests. */

struct server {
    void *socket;
    int answered;
};

static void server_thread (void *arg)
{
    struct server *server = arg;
    char request[32];
    for (int i = 0; i < REQUESTS; i++) {
        receive_text (server->socket, request, sizeof request);
        if (strcmp (request, "Hello") != 0)
            fail ("the server got something else than \"Hello\"");
        send_text (server->socket, "World");
        server->answered++;
    }
}

int main (int argc, char **argv)
{
    setvbuf (stdout, NULL, _IOLBF, 0);
    const char *transport = transport_argument (argc, argv);
    void *ctx = zmq_ctx_new ();
    if (!ctx)
        check (-1, "zmq_ctx_new");

    /* Bind before anyone connects, so the endpoint (and, for tcp, the port)
     * is known. The bound socket then moves to the server's thread: a socket
     * may change threads, but only one thread uses it at a time. */
    struct server server = {new_socket (ctx, ZMQ_REP), 0};
    char endpoint[256];
    bind_endpoint (server.socket, transport, "server", endpoint,
                   sizeof endpoint);
    printf ("%s: REP server bound to %s\n", program, endpoint);
    void *thread = zmq_threadstart (server_thread, &server);
    if (!thread)
        fail ("zmq_threadstart");

    /* The client, in this thread. */
    void *client = new_socket (ctx, ZMQ_REQ);
    check (zmq_connect (client, endpoint), endpoint);
    char reply[32];
    int replies = 0;
    for (int i = 0; i < REQUESTS; i++) {
        send_text (client, "Hello");
        receive_text (client, reply, sizeof reply);
        if (strcmp (reply, "World") != 0)
            fail ("the client got something else than \"World\"");
        replies++;
    }
    printf ("%s: REQ client sent %d x \"Hello\" and got %d x \"World\"\n",
            program, REQUESTS, replies);

    zmq_threadclose (thread);
    if (server.answered != REQUESTS)
        fail ("the server did not answer every request");
    check (zmq_close (client), "zmq_close");
    check (zmq_close (server.socket), "zmq_close");
    remove_ipc_file (endpoint);
    check (zmq_ctx_term (ctx), "zmq_ctx_term");
    printf ("%s: ok (%s)\n", program, transport);
    return 0;
}
