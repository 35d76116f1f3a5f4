/* tour.c - a first look at zmqrs through libzmq's C API: the version, a
 * context and its options, messages sharing a buffer, Z85, CURVE keys and a
 * pair of sockets. Prints what it sees and "ok", and exits 0; on any error
 * it says what failed and exits 1. */
static const char *program = "tour"; /* starts every message it prints */
#include "example.h" /* <zmq.h> and the helpers the examples share */

/* Called by the library when the last message using the buffer closes. */
static int released = 0;
static void release (void *data, void *hint)
{
    (void) data;
    released++;
    printf ("  buffer released (hint: %s)\n", (const char *) hint);
}

int main (void)
{
    setvbuf (stdout, NULL, _IOLBF, 0);

    int major, minor, patch;
    zmq_version (&major, &minor, &patch);
    printf ("zmqrs speaking libzmq %d.%d.%d\n", major, minor, patch);

    /* A context holds the I/O threads and the sockets. */
    void *ctx = zmq_ctx_new ();
    if (!ctx)
        check (-1, "zmq_ctx_new");
    check (zmq_ctx_set (ctx, ZMQ_IO_THREADS, 2), "zmq_ctx_set");
    if (zmq_ctx_get (ctx, ZMQ_IO_THREADS) != 2)
        fail ("ZMQ_IO_THREADS did not change");
    printf ("context: io_threads=%d max_sockets=%d\n",
            zmq_ctx_get (ctx, ZMQ_IO_THREADS),
            zmq_ctx_get (ctx, ZMQ_MAX_SOCKETS));

    /* A message over a buffer of ours, without a copy; zmq_msg_copy shares
     * it, and the library calls release() when the last copy is closed. */
    static char text[] = "Hello from a zero-copy buffer, shared by two messages";
    zmq_msg_t a, b;
    check (zmq_msg_init_data (&a, text, strlen (text), release,
                              "last copy closed"),
           "zmq_msg_init_data");
    check (zmq_msg_init (&b), "zmq_msg_init");
    check (zmq_msg_copy (&b, &a), "zmq_msg_copy");
    if (zmq_msg_data (&b) != (void *) text || zmq_msg_size (&b) != strlen (text))
        fail ("the copy does not share the buffer");
    printf ("message: %.*s (%zu bytes, shared=%d)\n", (int) zmq_msg_size (&b),
            (const char *) zmq_msg_data (&b), zmq_msg_size (&b),
            zmq_msg_get (&b, ZMQ_SHARED));
    check (zmq_msg_close (&a), "zmq_msg_close");
    if (released != 0)
        fail ("the buffer was released while a copy was open");
    check (zmq_msg_close (&b), "zmq_msg_close");
    if (released != 1)
        fail ("the buffer was not released");

    /* Z85: binary as printable text, 5 characters for 4 bytes. */
    const unsigned char raw[8] = {0x86, 0x4F, 0xD2, 0x6F,
                                  0xB5, 0x59, 0xF7, 0x5B};
    char z85[11];
    if (!zmq_z85_encode (z85, raw, sizeof raw))
        fail ("zmq_z85_encode");
    unsigned char back[8];
    if (!zmq_z85_decode (back, z85) || memcmp (back, raw, sizeof raw) != 0)
        fail ("zmq_z85_decode does not give the bytes back");
    printf ("z85: 864FD26FB559F75B encodes to %s, and decodes back\n", z85);

    /* CURVE: a key pair, each key a 32-byte key in 40 Z85 characters. */
    if (zmq_has ("curve")) {
        char public_key[41], secret_key[41], derived[41];
        check (zmq_curve_keypair (public_key, secret_key), "zmq_curve_keypair");
        check (zmq_curve_public (derived, secret_key), "zmq_curve_public");
        if (strcmp (derived, public_key) != 0)
            fail ("the public key derived from the secret key differs");
        printf ("curve public key: %s\n", public_key);
    } else
        printf ("curve: not built in\n");

    /* Two sockets: a PAIR talks to exactly one other PAIR. */
    void *left = zmq_socket (ctx, ZMQ_PAIR);
    void *right = zmq_socket (ctx, ZMQ_PAIR);
    if (!left || !right)
        check (-1, "zmq_socket");
    int timeout = 5000;
    check (zmq_setsockopt (right, ZMQ_RCVTIMEO, &timeout, sizeof timeout),
           "ZMQ_RCVTIMEO");
    check (zmq_bind (left, "inproc://tour"), "zmq_bind");
    check (zmq_connect (right, "inproc://tour"), "zmq_connect");
    check (zmq_send (left, "ping", 4, 0), "zmq_send");
    char got[8];
    int n = zmq_recv (right, got, sizeof got, 0);
    check (n, "zmq_recv");
    if (n != 4 || memcmp (got, "ping", 4) != 0)
        fail ("the PAIR socket got something else than \"ping\"");
    printf ("sockets: a PAIR sent \"ping\" over inproc, the other got it\n");

    /* Every socket closed, zmq_ctx_term returns (else it would wait). */
    check (zmq_close (left), "zmq_close");
    check (zmq_close (right), "zmq_close");
    check (zmq_ctx_term (ctx), "zmq_ctx_term");
    printf ("%s: ok\n", program);
    return 0;
}
