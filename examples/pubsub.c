/* pubsub.c - ZeroMQ's publish-subscribe pattern, in one process.
 *
 * A weather station publishes updates, "ZIPCODE TEMPERATURE HUMIDITY", for
 * three zipcodes. Two subscribers, each in a thread of its own, subscribe
 * to one zipcode each: a SUB socket receives only the messages that begin
 * with one of its subscriptions, and the PUB socket drops the others.
 *
 * The slow joiner: a subscriber that connects while the publisher is already
 * sending misses the first messages, and no sleep is ever long enough to be
 * sure. So the publisher synchronises first: it keeps sending a "SYNC" to
 * each zipcode until that zipcode's subscriber reports, over a PUSH-PULL
 * sync socket, that it has received one. From then on that subscriber's
 * subscription is in place, and it gets every update published after.
 *
 * Usage: pubsub [tcp|ipc|inproc]   (tcp when omitted)
 * Prints what it did and "ok", and exits 0; on any error it says what failed
 * and exits 1. */
static const char *program = "pubsub"; /* starts every message it prints */
#include "example.h" /* <zmq.h> and the helpers the examples share */

#define SUBSCRIBERS 2
#define UPDATES 50 /* updates per zipcode, after the sync */

/* The subscribers' zipcodes, then one that nobody subscribes to. */
static const char *const zipcodes[SUBSCRIBERS + 1] = {"10001", "94105",
                                                      "60606"};

/* A subscriber: a SUB socket for one zipcode's updates and a PUSH socket to
 * tell the publisher it is there. */

struct subscriber {
    void *ctx;
    const char *updates_endpoint, *sync_endpoint;
    const char *zipcode;
    int updates;           /* updates received */
    long temperature_sum;  /* the sum of their temperatures */
};

static void subscriber_thread (void *arg)
{
    struct subscriber *self = arg;
    /* "10001 " with its space, so that "100010 ..." would not match. */
    char filter[16];
    snprintf (filter, sizeof filter, "%s ", self->zipcode);
    size_t filter_length = strlen (filter);

    void *updates = new_socket (self->ctx, ZMQ_SUB);
    /* No high-water mark: this demo wants every update, where a real
     * subscriber that falls too far behind would have some dropped. */
    int unlimited = 0;
    check (zmq_setsockopt (updates, ZMQ_RCVHWM, &unlimited, sizeof unlimited),
           "ZMQ_RCVHWM");
    check (zmq_setsockopt (updates, ZMQ_SUBSCRIBE, filter, filter_length),
           "ZMQ_SUBSCRIBE");
    check (zmq_connect (updates, self->updates_endpoint),
           self->updates_endpoint);
    void *sync = new_socket (self->ctx, ZMQ_PUSH);
    check (zmq_connect (sync, self->sync_endpoint), self->sync_endpoint);

    int synced = 0;
    char message[64];
    for (;;) {
        receive_text (updates, message, sizeof message);
        if (strncmp (message, filter, filter_length) != 0)
            fail ("a subscriber got an update for another zipcode");
        const char *body = message + filter_length;
        if (!synced) {
            /* The first message in: the subscription works. Tell. */
            send_text (sync, self->zipcode);
            synced = 1;
        }
        if (strcmp (body, "SYNC") == 0)
            continue; /* sent before our report reached the publisher */
        if (strcmp (body, "END") == 0)
            break;
        int temperature, humidity;
        if (sscanf (body, "%d %d", &temperature, &humidity) != 2)
            fail ("a subscriber got a malformed update");
        self->updates++;
        self->temperature_sum += temperature;
    }
    check (zmq_close (updates), "zmq_close");
    check (zmq_close (sync), "zmq_close");
}

/* The publisher's weather: a small pseudo-random generator of its own, so
 * that every run publishes the same updates. */
static unsigned long weather_state = 12345;

static int weather_between (int low, int high)
{
    weather_state = (weather_state * 1103515245UL + 12345UL) % 2147483648UL;
    return low + (int) ((weather_state >> 8) % (unsigned long) (high - low + 1));
}

int main (int argc, char **argv)
{
    setvbuf (stdout, NULL, _IOLBF, 0);
    const char *transport = transport_argument (argc, argv);
    void *ctx = zmq_ctx_new ();
    if (!ctx)
        check (-1, "zmq_ctx_new");

    /* The publisher (this thread) binds both of its sockets before the
     * subscribers start, so that their endpoints are known. */
    void *publisher = new_socket (ctx, ZMQ_PUB);
    int unlimited = 0;
    check (zmq_setsockopt (publisher, ZMQ_SNDHWM, &unlimited, sizeof unlimited),
           "ZMQ_SNDHWM");
    char updates_endpoint[256], sync_endpoint[256];
    bind_endpoint (publisher, transport, "updates", updates_endpoint,
                   sizeof updates_endpoint);
    void *sync = new_socket (ctx, ZMQ_PULL);
    bind_endpoint (sync, transport, "sync", sync_endpoint, sizeof sync_endpoint);
    printf ("%s: PUB bound to %s, sync PULL to %s\n", program,
            updates_endpoint, sync_endpoint);

    struct subscriber subscribers[SUBSCRIBERS];
    void *threads[SUBSCRIBERS];
    for (int i = 0; i < SUBSCRIBERS; i++) {
        struct subscriber s = {ctx, updates_endpoint, sync_endpoint,
                               zipcodes[i], 0, 0};
        subscribers[i] = s;
        threads[i] = zmq_threadstart (subscriber_thread, &subscribers[i]);
        if (!threads[i])
            fail ("zmq_threadstart");
    }

    /* Synchronise: a SYNC to every zipcode whose subscriber has not yet
     * reported, then wait up to 1 ms for a report; TIMEOUT_MS (example.h)
     * rounds, about 5 s in all. */
    int ready[SUBSCRIBERS] = {0};
    int ready_count = 0, rounds = 0;
    char message[64];
    while (ready_count < SUBSCRIBERS) {
        if (++rounds > TIMEOUT_MS)
            fail ("the subscribers did not report within the timeout");
        for (int i = 0; i < SUBSCRIBERS; i++) {
            if (!ready[i]) {
                snprintf (message, sizeof message, "%s SYNC", zipcodes[i]);
                send_text (publisher, message);
            }
        }
        zmq_pollitem_t item = {sync, 0, ZMQ_POLLIN, 0};
        check (zmq_poll (&item, 1, 1), "zmq_poll");
        if (item.revents & ZMQ_POLLIN) {
            receive_text (sync, message, sizeof message);
            int known = 0;
            for (int i = 0; i < SUBSCRIBERS; i++) {
                if (strcmp (message, zipcodes[i]) == 0 && !ready[i]) {
                    ready[i] = 1;
                    ready_count++;
                    known = 1;
                }
            }
            if (!known)
                fail ("the publisher got an unexpected sync report");
        }
    }
    printf ("%s: both subscribers ready after %d sync round%s\n", program,
            rounds, rounds == 1 ? "" : "s");

    /* Publish: UPDATES rounds of one update per zipcode, then "END". */
    long expected_sum[SUBSCRIBERS + 1] = {0};
    for (int round = 0; round < UPDATES; round++) {
        for (int z = 0; z < SUBSCRIBERS + 1; z++) {
            int temperature = weather_between (-20, 40);
            int humidity = weather_between (10, 90);
            snprintf (message, sizeof message, "%s %d %d", zipcodes[z],
                      temperature, humidity);
            send_text (publisher, message);
            expected_sum[z] += temperature;
        }
    }
    for (int z = 0; z < SUBSCRIBERS + 1; z++) {
        snprintf (message, sizeof message, "%s END", zipcodes[z]);
        send_text (publisher, message);
    }
    printf ("%s: published %d updates for each of %d zipcodes\n", program,
            UPDATES, SUBSCRIBERS + 1);

    /* Every subscriber must have got all of its zipcode's updates. */
    for (int i = 0; i < SUBSCRIBERS; i++) {
        zmq_threadclose (threads[i]);
        struct subscriber *s = &subscribers[i];
        if (s->updates != UPDATES || s->temperature_sum != expected_sum[i])
            fail ("a subscriber missed updates");
        printf ("%s: subscriber %s got its %d updates, average %.1f C\n",
                program, s->zipcode, s->updates,
                (double) s->temperature_sum / s->updates);
    }

    check (zmq_close (publisher), "zmq_close");
    check (zmq_close (sync), "zmq_close");
    remove_ipc_file (updates_endpoint);
    remove_ipc_file (sync_endpoint);
    check (zmq_ctx_term (ctx), "zmq_ctx_term");
    printf ("%s: ok (%s)\n", program, transport);
    return 0;
}
