/* rawtcp.h - plain TCP sockets on 127.0.0.1 for the tests that play a
 * peer by hand (bad greetings, raw STREAM peers, listeners that hang up).
 * Every helper returns -1 on failure. */
#ifndef ZMQRS_RAWTCP_H
#define ZMQRS_RAWTCP_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static inline struct sockaddr_in raw_loopback (int port)
{
    struct sockaddr_in sa;
    memset (&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons ((uint16_t) port);
    sa.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    return sa;
}

/* A socket bound to an ephemeral port (listening if `listening`), the
 * port in *port. */
static inline int raw_bound (int *port, int listening)
{
    struct sockaddr_in sa = raw_loopback (0);
    socklen_t len = sizeof sa;
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    if (bind (fd, (struct sockaddr *) &sa, sizeof sa) != 0
        || (listening && listen (fd, 4) != 0)
        || getsockname (fd, (struct sockaddr *) &sa, &len) != 0) {
        close (fd);
        return -1;
    }
    *port = ntohs (sa.sin_port);
    return fd;
}

/* A listening socket (its port into *port). */
static inline int raw_listen (int *port)
{
    return raw_bound (port, 1);
}

/* A port nobody listens on right now (bound by a plain socket, then
 * released). */
static inline int free_tcp_port (void)
{
    int port = -1;
    int fd = raw_bound (&port, 0);
    if (fd < 0)
        return -1;
    close (fd);
    return port;
}

/* A client connected to 127.0.0.1:port, with a 2 s receive timeout. */
static inline int raw_connect (int port)
{
    struct sockaddr_in sa = raw_loopback (port);
    struct timeval tv = {2, 0};
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect (fd, (struct sockaddr *) &sa, sizeof sa) != 0) {
        close (fd);
        return -1;
    }
    return fd;
}

/* accept() with a 2 s limit and a 2 s receive timeout on the result. */
static inline int raw_accept (int lfd)
{
    struct pollfd pfd;
    struct timeval tv = {2, 0};
    int fd;
    pfd.fd = lfd;
    pfd.events = POLLIN;
    pfd.revents = 0;
    if (poll (&pfd, 1, 2000) != 1)
        return -1;
    fd = accept (lfd, NULL, NULL);
    if (fd >= 0)
        setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
}

/* Reads exactly n bytes within the socket's receive timeout: n, or -1. */
static inline int raw_read (int fd, void *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = recv (fd, (char *) buf + got, n - got, 0);
        if (r <= 0)
            return -1;
        got += (size_t) r;
    }
    return (int) got;
}

/* Writes all n bytes (MSG_NOSIGNAL: no SIGPIPE): n, or -1. */
static inline int raw_write (int fd, const void *buf, size_t n)
{
    size_t done = 0;
    while (done < n) {
        ssize_t w =
          send (fd, (const char *) buf + done, n - done, MSG_NOSIGNAL);
        if (w <= 0)
            return -1;
        done += (size_t) w;
    }
    return (int) n;
}

/* The 64-byte ZMTP 3.<minor> greeting for mechanism (as-server 0) into g. */
static inline void raw_greeting (unsigned char *g, int minor,
                                 const char *mechanism)
{
    memset (g, 0, 64);
    g[0] = 0xff;
    g[8] = 1;
    g[9] = 0x7f;
    g[10] = 3;
    g[11] = (unsigned char) minor;
    memcpy (g + 12, mechanism, strlen (mechanism));
}

#endif
