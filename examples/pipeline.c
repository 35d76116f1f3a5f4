/* pipeline.c - ZeroMQ's pipeline pattern ("divide and conquer"), in one
 * process.
 *
 * A ventilator hands out tasks through a PUSH socket; several workers, each
 * in a thread of its own, take them from a PULL socket, work, and push their
 * results to a sink, which collects them through a PULL socket. PUSH deals
 * its messages out in turn to the peers connected at the time, and PULL
 * takes them in fairly from all of its peers.
 *
 * The start signal: had the ventilator begun at once, the first worker to
 * connect could have taken every task before the others were there. So each
 * worker, once it has connected, reports "ready" over a PUSH-PULL socket to
 * the ventilator, which waits for all of them before it sends. (Which worker
 * gets which task is still a matter of timing; the sum is what must hold.)
 *
 * Usage: pipeline [tcp|ipc|inproc]   (tcp when omitted)
 * Prints what it did and "ok", and exits 0; on any error it says what failed
 * and exits 1. */
static const char *program = "pipeline"; /* starts every message it prints */
#include "example.h" /* <zmq.h> and the helpers the examples share */

#define WORKERS 4
#define TASKS 100

/* The ventilator: waits for every worker's "ready", then sends TASKS tasks,
 * each a number n for which a worker returns n * n. */

struct ventilator {
    void *tasks;          /* PUSH, bound by main */
    void *ready;          /* PULL, bound by main */
    long expected_sum;    /* what the sink should add up to */
};

static void ventilator_thread (void *arg)
{
    struct ventilator *self = arg;
    char message[32];
    for (int i = 0; i < WORKERS; i++) {
        receive_text (self->ready, message, sizeof message);
        if (strcmp (message, "ready") != 0)
            fail ("the ventilator got something else than \"ready\"");
    }
    for (long n = 1; n <= TASKS; n++) {
        snprintf (message, sizeof message, "%ld", n);
        send_text (self->tasks, message);
        self->expected_sum += n * n;
    }
}

/* A worker: connects to the ventilator, the sink and the ventilator's ready
 * socket, says "ready", then works until the context is shut down. */

struct worker {
    void *ctx;
    const char *tasks_endpoint, *results_endpoint, *ready_endpoint;
    int id;
    int done; /* tasks done */
};

static void worker_thread (void *arg)
{
    struct worker *self = arg;
    void *tasks = new_socket (self->ctx, ZMQ_PULL);
    check (zmq_connect (tasks, self->tasks_endpoint), self->tasks_endpoint);
    void *results = new_socket (self->ctx, ZMQ_PUSH);
    check (zmq_connect (results, self->results_endpoint),
           self->results_endpoint);
    void *ready = new_socket (self->ctx, ZMQ_PUSH);
    check (zmq_connect (ready, self->ready_endpoint), self->ready_endpoint);
    send_text (ready, "ready");

    char message[32];
    for (;;) {
        int n = zmq_recv (tasks, message, sizeof message - 1, 0);
        if (n == -1 && zmq_errno () == ETERM)
            break; /* main shut the context down: the work is over */
        if (n == -1 && zmq_errno () == EAGAIN)
            fail ("a worker got no task within the timeout");
        check (n, "zmq_recv");
        if (n > (int) sizeof message - 1)
            fail ("task too long");
        message[n] = '\0';
        long task = atol (message);
        if (task < 1 || task > TASKS)
            fail ("a worker got a malformed task");
        snprintf (message, sizeof message, "%d %ld", self->id, task * task);
        send_text (results, message);
        self->done++;
    }
    check (zmq_close (tasks), "zmq_close");
    check (zmq_close (results), "zmq_close");
    check (zmq_close (ready), "zmq_close");
}

/* The sink: collects TASKS results and adds them up. */

struct sink {
    void *results;                /* PULL, bound by main */
    long sum;
    int received;
    int per_worker[WORKERS];      /* results received from each worker */
};

static void sink_thread (void *arg)
{
    struct sink *self = arg;
    char message[32];
    while (self->received < TASKS) {
        receive_text (self->results, message, sizeof message);
        int id;
        long result;
        if (sscanf (message, "%d %ld", &id, &result) != 2 || id < 0
            || id >= WORKERS)
            fail ("the sink got a malformed result");
        self->sum += result;
        self->per_worker[id]++;
        self->received++;
    }
}

int main (int argc, char **argv)
{
    setvbuf (stdout, NULL, _IOLBF, 0);
    const char *transport = transport_argument (argc, argv);
    void *ctx = zmq_ctx_new ();
    if (!ctx)
        check (-1, "zmq_ctx_new");

    /* The ventilator and the sink bind; their sockets are made and bound
     * here, before anyone connects, then each moves to its thread. */
    char tasks_endpoint[256], ready_endpoint[256], results_endpoint[256];
    struct ventilator ventilator = {new_socket (ctx, ZMQ_PUSH),
                                    new_socket (ctx, ZMQ_PULL), 0};
    bind_endpoint (ventilator.tasks, transport, "tasks", tasks_endpoint,
                   sizeof tasks_endpoint);
    bind_endpoint (ventilator.ready, transport, "ready", ready_endpoint,
                   sizeof ready_endpoint);
    struct sink sink = {new_socket (ctx, ZMQ_PULL), 0, 0, {0}};
    bind_endpoint (sink.results, transport, "results", results_endpoint,
                   sizeof results_endpoint);
    printf ("%s: ventilator PUSH at %s, sink PULL at %s, %d workers\n",
            program, tasks_endpoint, results_endpoint, WORKERS);

    void *sink_handle = zmq_threadstart (sink_thread, &sink);
    void *ventilator_handle = zmq_threadstart (ventilator_thread, &ventilator);
    struct worker workers[WORKERS];
    void *worker_handles[WORKERS];
    if (!sink_handle || !ventilator_handle)
        fail ("zmq_threadstart");
    for (int i = 0; i < WORKERS; i++) {
        struct worker w = {ctx, tasks_endpoint, results_endpoint,
                           ready_endpoint, i, 0};
        workers[i] = w;
        worker_handles[i] = zmq_threadstart (worker_thread, &workers[i]);
        if (!worker_handles[i])
            fail ("zmq_threadstart");
    }

    zmq_threadclose (ventilator_handle);
    printf ("%s: all %d workers ready; the ventilator sent %d tasks\n",
            program, WORKERS, TASKS);
    zmq_threadclose (sink_handle);

    /* Every result is in: zmq_ctx_shutdown makes the workers' blocking
     * receives return ETERM, and they close their sockets and end. */
    check (zmq_ctx_shutdown (ctx), "zmq_ctx_shutdown");
    int done = 0;
    for (int i = 0; i < WORKERS; i++) {
        zmq_threadclose (worker_handles[i]);
        if (workers[i].done != sink.per_worker[i])
            fail ("a worker's count differs from the sink's");
        done += workers[i].done;
    }
    if (sink.received != TASKS || done != TASKS)
        fail ("tasks went missing");
    if (sink.sum != ventilator.expected_sum)
        fail ("the sum of the results is wrong");
    printf ("%s: the sink got %d results adding up to %ld, as expected\n",
            program, sink.received, sink.sum);
    printf ("%s: tasks per worker:", program);
    for (int i = 0; i < WORKERS; i++)
        printf (" %d", workers[i].done);
    printf ("\n");

    check (zmq_close (ventilator.tasks), "zmq_close");
    check (zmq_close (ventilator.ready), "zmq_close");
    check (zmq_close (sink.results), "zmq_close");
    remove_ipc_file (tasks_endpoint);
    remove_ipc_file (ready_endpoint);
    remove_ipc_file (results_endpoint);
    check (zmq_ctx_term (ctx), "zmq_ctx_term");
    printf ("%s: ok (%s)\n", program, transport);
    return 0;
}
