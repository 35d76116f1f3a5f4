/* app.c - a consumer program: it only uses libzmq's documented API, so it
 * builds against any libzmq. It prints the version of the library it runs
 * on and checks a context and a message round trip. */
#include <zmq.h>
#include <stdio.h>
#include <string.h>

int main (void)
{
    int major, minor, patch;
    zmq_version (&major, &minor, &patch);

    void *ctx = zmq_ctx_new ();
    if (!ctx || zmq_ctx_get (ctx, ZMQ_IO_THREADS) != 1)
        return 1;

    zmq_msg_t a, b;
    if (zmq_msg_init_size (&a, 100) != 0 || zmq_msg_init (&b) != 0)
        return 2;
    memset (zmq_msg_data (&a), 'x', 100);
    if (zmq_msg_copy (&b, &a) != 0 || zmq_msg_size (&b) != 100
        || memcmp (zmq_msg_data (&b), zmq_msg_data (&a), 100) != 0)
        return 3;
    zmq_msg_close (&a);
    zmq_msg_close (&b);
    if (zmq_ctx_term (ctx) != 0)
        return 4;

    printf ("%d.%d.%d\n", major, minor, patch);
    return 0;
}
