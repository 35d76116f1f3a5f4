/* test_curve_tamper.c - CURVE against a man in the middle: a relay between
 * a CURVE client and server passes the handshake through untouched, then
 * either flips one bit of the first MESSAGE or sends it twice. The server
 * must deliver nothing it cannot authenticate (the tampered message, the
 * replayed copy) and drop the connection; what came before is delivered.
 * Build with -pthread. */
#include <zmq.h>

#include <poll.h>

#include "testutil.h"
#include "rawtcp.h"

enum { TAMPER, REPLAY, PASS };

typedef struct
{
    int listen_fd;
    int server_port;
    int mode;
} relay_t;

/* Client-to-server: the 64-byte greeting, then frame by frame (HELLO and
 * INITIATE as they are, the first message altered); server-to-client is
 * copied as it comes. Ends when either side closes. */
static void relay_thread (void *arg)
{
    relay_t *r = (relay_t *) arg;
    static unsigned char frame[1 << 16];
    unsigned char buf[4096];
    int c = accept (r->listen_fd, NULL, NULL);
    int s = -1;
    int frames = 0;
    size_t greeting = 0;
    if (c < 0 || (s = raw_connect (r->server_port)) < 0)
        goto out;
    for (;;) {
        struct pollfd p[2] = {{c, POLLIN, 0}, {s, POLLIN, 0}};
        if (poll (p, 2, 5000) <= 0)
            break;
        if (p[1].revents) {
            ssize_t n = read (s, buf, sizeof buf);
            if (n <= 0 || raw_write (c, buf, (size_t) n) < 0)
                break;
        }
        if (p[0].revents) {
            size_t head, size;
            if (greeting < 64) {
                /* passed on as it comes: each side waits for the other's
                 * first bytes */
                ssize_t n = read (c, frame, 64 - greeting);
                if (n <= 0 || raw_write (s, frame, (size_t) n) < 0)
                    break;
                greeting += (size_t) n;
                frames = greeting == 64;
                continue;
            }
            if (raw_read (c, frame, 2) < 0)
                break;
            head = 2;
            size = frame[1];
            if (frame[0] & 0x02) { /* long frame */
                int i;
                if (raw_read (c, frame + 2, 7) < 0)
                    break;
                head = 9;
                for (size = 0, i = 1; i < 9; i++)
                    size = (size << 8) | frame[i];
            }
            if (head + size > sizeof frame
                || raw_read (c, frame + head, size) < 0)
                break;
            frames++;
            /* frames 2 and 3: HELLO, INITIATE; 4: the first message */
            if (frames == 4 && r->mode == TAMPER)
                frame[head + size - 1] ^= 0x01;
            if (raw_write (s, frame, head + size) < 0)
                break;
            if (frames == 4 && r->mode == REPLAY
                && raw_write (s, frame, head + size) < 0)
                break;
        }
    }
out:
    if (c >= 0)
        close (c);
    if (s >= 0)
        close (s);
}

static void run (int mode)
{
    void *ctx = zmq_ctx_new ();
    void *server = tu_socket (ctx, ZMQ_PULL);
    void *client = tu_socket (ctx, ZMQ_PUSH);
    void *mon = zmq_socket (ctx, ZMQ_PAIR);
    char spub[41], ssec[41], cpub[41], csec[41], ep[256], buf[16];
    int one = 1, timeo = 500, relay_port = 0;
    tu_event_t ev;
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
    CHECK_OK (tu_last_endpoint (server, ep, sizeof ep));

    /* the relay listens on a port of its own */
    r.listen_fd = raw_listen (&relay_port);
    CHECK (r.listen_fd >= 0);
    r.server_port = tu_port_of (ep);
    r.mode = mode;
    thread = zmq_threadstart (relay_thread, &r);

    CHECK_OK (zmq_setsockopt (client, ZMQ_CURVE_SERVERKEY, spub, 40));
    CHECK_OK (zmq_setsockopt (client, ZMQ_CURVE_PUBLICKEY, cpub, 40));
    CHECK_OK (zmq_setsockopt (client, ZMQ_CURVE_SECRETKEY, csec, 40));
    /* one connection only: the relay serves one */
    CHECK_OK (tu_set_int (client, ZMQ_RECONNECT_IVL, -1));
    sprintf (ep, "tcp://127.0.0.1:%d", relay_port);
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
    CHECK (tu_read_event (mon, &ev, 2000) == 0
           && ev.event == ZMQ_EVENT_DISCONNECTED);

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
