/* test_curve_tamper.c - CURVE against a man in the middle: a relay between
 * a CURVE client and server passes the handshake through untouched, then
 * either flips one bit of the first MESSAGE or sends it twice. The server
 * must deliver nothing it cannot authenticate (the tampered message, the
 * replayed copy) and drop the connection; what came before is delivered.
 * Build with -pthread. */
#include <zmq.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testutil.h"

enum { TAMPER, REPLAY, PASS };

typedef struct
{
    int listen_fd;
    int server_port;
    int mode;
} relay_t;

/* Reads exactly n bytes; 0 on success. */
static int read_full (int fd, unsigned char *buf, size_t n)
{
    while (n > 0) {
        ssize_t r = read (fd, buf, n);
        if (r <= 0)
            return -1;
        buf += r;
        n -= (size_t) r;
    }
    return 0;
}

static int write_full (int fd, const unsigned char *buf, size_t n)
{
    while (n > 0) {
        ssize_t w = write (fd, buf, n);
        if (w <= 0)
            return -1;
        buf += w;
        n -= (size_t) w;
    }
    return 0;
}

/* Client-to-server: the 64-byte greeting, then frame by frame (HELLO and
 * INITIATE as they are, the first message altered); server-to-client is
 * copied as it comes. Ends when either side closes. */
static void relay_thread (void *arg)
{
    relay_t *r = (relay_t *) arg;
    struct sockaddr_in sa;
    static unsigned char frame[1 << 16];
    unsigned char buf[4096];
    int c = accept (r->listen_fd, NULL, NULL);
    int s = socket (AF_INET, SOCK_STREAM, 0);
    int frames = 0;
    size_t greeting = 0;
    memset (&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons ((uint16_t) r->server_port);
    sa.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    if (c < 0 || connect (s, (struct sockaddr *) &sa, sizeof sa) != 0)
        goto out;
    for (;;) {
        struct pollfd p[2] = {{c, POLLIN, 0}, {s, POLLIN, 0}};
        if (poll (p, 2, 5000) <= 0)
            break;
        if (p[1].revents) {
            ssize_t n = read (s, buf, sizeof buf);
            if (n <= 0 || write_full (c, buf, (size_t) n) != 0)
                break;
        }
        if (p[0].revents) {
            size_t head, size;
            if (greeting < 64) {
                /* passed on as it comes: each side waits for the other's
                 * first bytes */
                ssize_t n = read (c, frame, 64 - greeting);
                if (n <= 0 || write_full (s, frame, (size_t) n) != 0)
                    break;
                greeting += (size_t) n;
                frames = greeting == 64;
                continue;
            }
            if (read_full (c, frame, 2) != 0)
                break;
            head = 2;
            size = frame[1];
            if (frame[0] & 0x02) { /* long frame */
                int i;
                if (read_full (c, frame + 2, 7) != 0)
                    break;
                head = 9;
                for (size = 0, i = 1; i < 9; i++)
                    size = (size << 8) | frame[i];
            }
            if (head + size > sizeof frame
                || read_full (c, frame + head, size) != 0)
                break;
            frames++;
            /* frames 2 and 3: HELLO, INITIATE; 4: the first message */
            if (frames == 4 && r->mode == TAMPER)
                frame[head + size - 1] ^= 0x01;
            if (write_full (s, frame, head + size) != 0)
                break;
            if (frames == 4 && r->mode == REPLAY
                && write_full (s, frame, head + size) != 0)
                break;
        }
    }
out:
    if (c >= 0)
        close (c);
    close (s);
}

static void run (int mode)
{
    void *ctx = zmq_ctx_new ();
    void *server = tu_socket (ctx, ZMQ_PULL);
    void *client = tu_socket (ctx, ZMQ_PUSH);
    void *mon = zmq_socket (ctx, ZMQ_PAIR);
    char spub[41], ssec[41], cpub[41], csec[41], ep[256], buf[16];
    size_t len = sizeof ep;
    int one = 1, timeo = 500, port, disconnected = 0;
    struct sockaddr_in sa;
    socklen_t salen = sizeof sa;
    relay_t r;
    void *thread;
    CHECK_OK (zmq_curve_keypair (spub, ssec));
    CHECK_OK (zmq_curve_keypair (cpub, csec));
    CHECK_OK (zmq_setsockopt (server, ZMQ_CURVE_SERVER, &one, sizeof one));
    CHECK_OK (zmq_setsockopt (server, ZMQ_CURVE_SECRETKEY, ssec, 40));
    CHECK_OK (zmq_setsockopt (server, ZMQ_RCVTIMEO, &timeo, sizeof timeo));
    CHECK_OK (zmq_socket_monitor (server, "inproc://tamper-mon",
                                  ZMQ_EVENT_DISCONNECTED));
    CHECK_OK (zmq_connect (mon, "inproc://tamper-mon"));
    CHECK_OK (zmq_bind (server, "tcp://127.0.0.1:*"));
    CHECK_OK (zmq_getsockopt (server, ZMQ_LAST_ENDPOINT, ep, &len));
    port = atoi (strrchr (ep, ':') + 1);

    /* the relay listens on a port of its own */
    memset (&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    r.listen_fd = socket (AF_INET, SOCK_STREAM, 0);
    CHECK_OK (bind (r.listen_fd, (struct sockaddr *) &sa, sizeof sa));
    CHECK_OK (listen (r.listen_fd, 1));
    CHECK_OK (getsockname (r.listen_fd, (struct sockaddr *) &sa, &salen));
    r.server_port = port;
    r.mode = mode;
    thread = zmq_threadstart (relay_thread, &r);

    CHECK_OK (zmq_setsockopt (client, ZMQ_CURVE_SERVERKEY, spub, 40));
    CHECK_OK (zmq_setsockopt (client, ZMQ_CURVE_PUBLICKEY, cpub, 40));
    CHECK_OK (zmq_setsockopt (client, ZMQ_CURVE_SECRETKEY, csec, 40));
    /* one connection only: the relay serves one */
    CHECK_OK (tu_set_int (client, ZMQ_RECONNECT_IVL, -1));
    sprintf (ep, "tcp://127.0.0.1:%d", ntohs (sa.sin_port));
    CHECK_OK (zmq_connect (client, ep));
    CHECK_EQ_INT (5, zmq_send (client, "first", 5, 0));
    CHECK_EQ_INT (6, zmq_send (client, "second", 6, 0));

    if (mode == PASS) {
        /* the relay itself changes nothing */
        CHECK_EQ_INT (5, zmq_recv (server, buf, sizeof buf, 0));
        CHECK_EQ_INT (6, zmq_recv (server, buf, sizeof buf, 0));
        CHECK_OK (zmq_close (client));
        CHECK_OK (zmq_close (server));
        CHECK_OK (zmq_close (mon));
        CHECK_OK (zmq_ctx_term (ctx));
        zmq_threadclose (thread);
        close (r.listen_fd);
        return;
    }
    if (mode == REPLAY) {
        /* the genuine copy arrives; its replay does not, nor what follows */
        CHECK_EQ_INT (5, zmq_recv (server, buf, sizeof buf, 0));
        CHECK_MEM ("first", buf, 5);
    }
    CHECK_EQ_INT (-1, zmq_recv (server, buf, sizeof buf, 0));
    CHECK_EQ_INT (EAGAIN, zmq_errno ());
    {
        zmq_msg_t m;
        int t = 2000;
        zmq_setsockopt (mon, ZMQ_RCVTIMEO, &t, sizeof t);
        zmq_msg_init (&m);
        if (zmq_msg_recv (&m, mon, 0) >= 0) {
            uint16_t ev;
            memcpy (&ev, zmq_msg_data (&m), 2);
            disconnected = ev == ZMQ_EVENT_DISCONNECTED;
            zmq_msg_recv (&m, mon, 0);
        }
        zmq_msg_close (&m);
    }
    CHECK (disconnected);

    CHECK_OK (zmq_close (client));
    CHECK_OK (zmq_close (server));
    CHECK_OK (zmq_close (mon));
    CHECK_OK (zmq_ctx_term (ctx));
    zmq_threadclose (thread);
    close (r.listen_fd);
}

static void test_relay_passes_through (void)
{
    run (PASS);
}

static void test_tampered_message_dropped (void)
{
    run (TAMPER);
}

static void test_replayed_message_dropped (void)
{
    run (REPLAY);
}

int main (void)
{
    alarm (60);
    RUN (test_relay_passes_through);
    RUN (test_tampered_message_dropped);
    RUN (test_replayed_message_dropped);
    return test_summary ();
}
