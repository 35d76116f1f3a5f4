/* demo.c - a first look at zmqrs through libzmq's C API: the version, a
 * context and its options, messages sharing a buffer, Z85 and CURVE keys. */
#include <zmq.h>
#include <stdio.h>
#include <string.h>

static void release (void *data, void *hint)
{
    (void) data;
    printf ("  buffer released (hint: %s)\n", (const char *) hint);
}

int main (void)
{
    int major, minor, patch;
    zmq_version (&major, &minor, &patch);
    printf ("zmqrs speaking libzmq %d.%d.%d\n", major, minor, patch);

    void *ctx = zmq_ctx_new ();
    zmq_ctx_set (ctx, ZMQ_IO_THREADS, 2);
    printf ("context: io_threads=%d max_sockets=%d\n",
            zmq_ctx_get (ctx, ZMQ_IO_THREADS), zmq_ctx_get (ctx, ZMQ_MAX_SOCKETS));

    static char text[] = "Hello from a zero-copy buffer, shared by two messages";
    zmq_msg_t a, b;
    zmq_msg_init_data (&a, text, strlen (text), release, "last copy closed");
    zmq_msg_init (&b);
    zmq_msg_copy (&b, &a);
    printf ("message: %.*s (%zu bytes, shared=%d)\n", (int) zmq_msg_size (&b),
            (const char *) zmq_msg_data (&b), zmq_msg_size (&b),
            zmq_msg_get (&b, ZMQ_SHARED));
    zmq_msg_close (&a);
    zmq_msg_close (&b);

    const unsigned char raw[8] = {0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B};
    char z85[11];
    printf ("z85: %s\n", zmq_z85_encode (z85, raw, sizeof raw));

    char public_key[41], secret_key[41];
    if (zmq_curve_keypair (public_key, secret_key) == 0)
        printf ("curve public key: %s\n", public_key);

    void *s = zmq_socket (ctx, ZMQ_PAIR);
    printf ("sockets: %s\n", s ? "yes" : zmq_strerror (zmq_errno ()));

    return zmq_ctx_term (ctx) == 0 ? 0 : 1;
}
