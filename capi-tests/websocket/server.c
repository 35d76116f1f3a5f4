/* server.c - the zmqrs side of the WebSocket client tests (run.sh).
 *
 *   server echo EPFILE     a ROUTER on ws://127.0.0.1:PORT/echo echoes every
 *                          message back to its sender, part by part, until
 *                          one whose last part is "quit"; exit 0
 *   server browser EPFILE  an XPUB on ws://127.0.0.1:PORT/pub and a PULL on
 *                          ws://127.0.0.1:PORT/push: waits for the
 *                          subscription to "news", publishes "news from
 *                          zmqrs" until the PULL gets "browser got: news
 *                          from zmqrs"; exit 0 then, 1 after 60 s
 *
 * EPFILE receives the endpoint(s), one per line, once bound.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

static int die (const char *what)
{
    fprintf (stderr, "server: %s: %s\n", what, zmq_strerror (zmq_errno ()));
    return 1;
}

static int bound (void *s, const char *ep, char *out, size_t len)
{
    return zmq_bind (s, ep) || zmq_getsockopt (s, ZMQ_LAST_ENDPOINT, out, &len);
}

static int echo (void *ctx, FILE *f)
{
    void *r = zmq_socket (ctx, ZMQ_ROUTER);
    char ep[256];
    if (bound (r, "ws://127.0.0.1:*/echo", ep, sizeof ep))
        return die ("bind");
    fprintf (f, "%s\n", ep);
    fclose (f);
    for (;;) {
        zmq_msg_t m;
        int more, quit = 0;
        do {
            zmq_msg_init (&m);
            if (zmq_msg_recv (&m, r, 0) < 0)
                return die ("recv");
            more = zmq_msg_more (&m);
            quit = !more && zmq_msg_size (&m) == 4
                   && !memcmp (zmq_msg_data (&m), "quit", 4);
            if (zmq_msg_send (&m, r, more ? ZMQ_SNDMORE : 0) < 0)
                return die ("send");
        } while (more);
        if (quit)
            break;
    }
    zmq_close (r);
    return 0;
}

static int browser_run (void *pub, void *pull, FILE *f);

static int browser (void *ctx, FILE *f)
{
    void *pub = zmq_socket (ctx, ZMQ_XPUB), *pull = zmq_socket (ctx, ZMQ_PULL);
    int rc = browser_run (pub, pull, f), zero = 0;
    zmq_setsockopt (pub, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt (pull, ZMQ_LINGER, &zero, sizeof zero);
    zmq_close (pub);
    zmq_close (pull);
    return rc;
}

static int browser_run (void *pub, void *pull, FILE *f)
{
    char ep1[256], ep2[256], buf[256];
    const char *want = "browser got: news from zmqrs";
    int t = 100, subscribed = 0;
    time_t end = time (NULL) + 60;
    if (bound (pub, "ws://127.0.0.1:*/pub", ep1, sizeof ep1)
        || bound (pull, "ws://127.0.0.1:*/push", ep2, sizeof ep2))
        return die ("bind");
    fprintf (f, "%s\n%s\n", ep1, ep2);
    fclose (f);
    zmq_setsockopt (pub, ZMQ_RCVTIMEO, &t, sizeof t);
    zmq_setsockopt (pull, ZMQ_RCVTIMEO, &t, sizeof t);
    while (time (NULL) < end) {
        int n;
        if (!subscribed) {
            n = zmq_recv (pub, buf, sizeof buf, 0);
            if (n == 5 && !memcmp (buf, "\1news", 5)) {
                subscribed = 1;
                fprintf (stderr, "server: the browser subscribed to news\n");
            }
            continue;
        }
        zmq_send (pub, "news from zmqrs", 15, 0);
        n = zmq_recv (pull, buf, sizeof buf - 1, 0);
        if (n < 0)
            continue;
        buf[n < (int) sizeof buf - 1 ? n : (int) sizeof buf - 1] = 0;
        fprintf (stderr, "server: the browser sent \"%s\"\n", buf);
        return strcmp (buf, want) != 0;
    }
    fprintf (stderr, "server: nothing from the browser in 60 s\n");
    return 1;
}

int main (int argc, char **argv)
{
    void *ctx;
    FILE *f;
    int rc;
    if (argc != 3 || (strcmp (argv[1], "echo") && strcmp (argv[1], "browser"))) {
        fprintf (stderr, "usage: server echo|browser EPFILE\n");
        return 2;
    }
    f = fopen (argv[2], "w");
    if (!f)
        return 2;
    ctx = zmq_ctx_new ();
    rc = !strcmp (argv[1], "echo") ? echo (ctx, f) : browser (ctx, f);
    zmq_ctx_term (ctx);
    return rc;
}
