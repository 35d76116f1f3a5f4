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
static const char *program = "reqrep"; /* starts every message it prints */
#include "example.h" /* <zmq.h> and the helpers the examples share */

#define REQUESTS 10

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
