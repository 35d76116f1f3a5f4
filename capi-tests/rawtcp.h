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

/* Read one ZMTP 2.0/3.x frame: flags, then a 1-byte or (flag 0x02) 8-byte
 * big-endian size, then the body (up to max bytes kept).  Body size or -1;
 * *flags gets the flags byte. */
static inline int read_frame (int fd, int *flags, unsigned char *body, size_t max)
{
    unsigned char hdr[9];
    uint64_t size = 0;
    int i;
    if (raw_read (fd, hdr, 1) < 0)
        return -1;
    *flags = hdr[0];
    if (hdr[0] & 0x02) {
        if (raw_read (fd, hdr + 1, 8) < 0)
            return -1;
        for (i = 1; i <= 8; i++)
            size = (size << 8) | hdr[i];
    } else {
        if (raw_read (fd, hdr + 1, 1) < 0)
            return -1;
        size = hdr[1];
    }
    if (size > max)
        return -1;
    if (size > 0 && raw_read (fd, body, (size_t) size) < 0)
        return -1;
    return (int) size;
}

/* A READY command frame with Socket-Type and, if name != NULL, one more
 * property; its length. */
static inline size_t make_ready (unsigned char *buf, const char *type,
                          const char *name, const char *value)
{
    size_t n = 2, len;
    buf[n++] = 5;
    memcpy (buf + n, "READY", 5);
    n += 5;
    buf[n++] = 11;
    memcpy (buf + n, "Socket-Type", 11);
    n += 11;
    len = strlen (type);
    buf[n++] = 0;
    buf[n++] = 0;
    buf[n++] = 0;
    buf[n++] = (unsigned char) len;
    memcpy (buf + n, type, len);
    n += len;
    if (name != NULL) {
        size_t nl = strlen (name), vl = strlen (value);
        buf[n++] = (unsigned char) nl;
        memcpy (buf + n, name, nl);
        n += nl;
        buf[n++] = 0;
        buf[n++] = 0;
        buf[n++] = 0;
        buf[n++] = (unsigned char) vl;
        memcpy (buf + n, value, vl);
        n += vl;
    }
    buf[0] = 0x04;
    buf[1] = (unsigned char) (n - 2);
    return n;
}

/* Complete a NULL handshake as a ZMTP 3.<minor> peer of the given type:
 * send the greeting, read the server's, send READY, read the server's
 * READY (its body into ready/ready_len when not NULL).  0 or -1. */
static inline int raw_handshake (int fd, int minor, const char *type,
                          unsigned char *ready, int *ready_len)
{
    unsigned char g[64], peer[64], cmd[256], body[256];
    size_t n;
    int flags, len;
    raw_greeting (g, minor, "NULL");
    if (raw_write (fd, g, 64) < 0 || raw_read (fd, peer, 64) < 0)
        return -1;
    n = make_ready (cmd, type, NULL, NULL);
    if (raw_write (fd, cmd, n) < 0)
        return -1;
    len = read_frame (fd, &flags, body, sizeof body);
    if (len < 6 || flags != 0x04 || memcmp (body, "\x05READY", 6) != 0)
        return -1;
    if (ready != NULL) {
        memcpy (ready, body, (size_t) len);
        *ready_len = len;
    }
    return 0;
}

#endif
