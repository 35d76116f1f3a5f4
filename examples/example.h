/* example.h - the helpers that the examples share, so that each example
 * shows only its own pattern.
 *
 * Use it like this, before anything else in the example:
 *
 *     static const char *program = "reqrep";  (the name messages start with)
 *     #include "example.h"
 *
 * It brings <zmq.h> and the C headers the examples use. The helpers are
 * `static inline`, so an example that does not use one of them builds
 * without an "unused function" warning. */
#ifndef EXAMPLE_H
#define EXAMPLE_H

/* For getpid(); it must come before every system header. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <zmq.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TIMEOUT_MS 5000 /* a receive that waits this long is a failure */

/* These examples stop at the first error, saying what failed. */

/* Prints "PROGRAM: FAILED: WHAT" and exits 1. */
static inline void fail (const char *what)
{
    fprintf (stderr, "%s: FAILED: %s\n", program, what);
    exit (EXIT_FAILURE);
}

/* When a zmq_ call returned RC -1, prints what failed and why, and exits 1. */
static inline void check (int rc, const char *what)
{
    if (rc == -1) {
        fprintf (stderr, "%s: FAILED: %s: %s\n", program, what,
                 zmq_strerror (zmq_errno ()));
        exit (EXIT_FAILURE);
    }
}

/* A socket that never blocks for long and is closed without waiting for
 * unsent messages (ZMQ_LINGER 0): a stuck peer cannot hang the program. */
static inline void *new_socket (void *ctx, int type)
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
static inline void bind_endpoint (void *socket, const char *transport,
                                  const char *name, char *endpoint,
                                  size_t size)
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
static inline void remove_ipc_file (const char *endpoint)
{
    if (strncmp (endpoint, "ipc://", 6) == 0)
        remove (endpoint + 6);
}

/* Sends TEXT, without its '\0', as one message. */
static inline void send_text (void *socket, const char *text)
{
    check (zmq_send (socket, text, strlen (text), 0), "zmq_send");
}

/* Receives one message as a C string into BUFFER. */
static inline void receive_text (void *socket, char *buffer, size_t size)
{
    int n = zmq_recv (socket, buffer, size - 1, 0);
    if (n == -1 && zmq_errno () == EAGAIN)
        fail ("nothing received within the timeout");
    check (n, "zmq_recv");
    if ((size_t) n > size - 1)
        fail ("message too long");
    buffer[n] = '\0';
}

/* The transport named on the command line: tcp (the default), ipc or
 * inproc; anything else prints the usage and exits 2. */
static inline const char *transport_argument (int argc, char **argv)
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

#endif
