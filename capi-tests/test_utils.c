/* test_utils.c - zmq_stopwatch_*, zmq_sleep, zmq_threadstart/threadclose.
 * Build with -pthread.
 */
#include <zmq.h>

#include "testutil.h"

static void test_stopwatch_basic (void)
{
    void *w = zmq_stopwatch_start ();
    unsigned long t;
    CHECK (w != NULL);
    t = zmq_stopwatch_stop (w);
    /* a few microseconds at most; allow a very noisy machine */
    CHECK (t < 1000000ul);
}

/* Values are microseconds and never go backwards. */
static void test_stopwatch_monotonic (void)
{
    void *w = zmq_stopwatch_start ();
    unsigned long prev = 0, now, end;
    int i;
    CHECK (w != NULL);
    for (i = 0; i < 1000; i++) {
        now = zmq_stopwatch_intermediate (w);
        if (now < prev)
            zmq_stopwatch_stop (w);
        CHECK (now >= prev);
        prev = now;
    }
    end = zmq_stopwatch_stop (w);
    CHECK (end >= prev);
}

static void test_stopwatch_measures_sleep (void)
{
    void *w = zmq_stopwatch_start ();
    unsigned long mid, end;
    CHECK (w != NULL);
    tu_sleep_ms (10);
    mid = zmq_stopwatch_intermediate (w);
    if (mid < 10000ul)
        zmq_stopwatch_stop (w);
    CHECK (mid >= 10000ul);
    tu_sleep_ms (10);
    end = zmq_stopwatch_stop (w);
    CHECK (end >= 20000ul);
    CHECK (end >= mid);
    /* generous upper bound: still microseconds, not nanoseconds */
    CHECK (end < 2000000ul);
}

/* Two watches are independent. */
static void test_stopwatch_independent (void)
{
    void *a = zmq_stopwatch_start ();
    void *b;
    unsigned long ta, tb;
    CHECK (a != NULL);
    tu_sleep_ms (15);
    b = zmq_stopwatch_start ();
    CHECK (b != NULL);
    tb = zmq_stopwatch_stop (b);
    ta = zmq_stopwatch_stop (a);
    CHECK (ta >= 15000ul);
    CHECK (tb < ta);
}

static void test_sleep_zero (void)
{
    void *w = zmq_stopwatch_start ();
    unsigned long t;
    CHECK (w != NULL);
    zmq_sleep (0);
    t = zmq_stopwatch_stop (w);
    CHECK (t < 500000ul);
}

/* zmq_sleep takes whole seconds. */
static void test_sleep_one_second (void)
{
    void *w = zmq_stopwatch_start ();
    unsigned long t;
    CHECK (w != NULL);
    zmq_sleep (1);
    t = zmq_stopwatch_stop (w);
    CHECK (t >= 990000ul);
    CHECK (t < 3000000ul);
}

struct thread_arg
{
    void *counter;
    void *seen_arg;
    int calls;
};

static void thread_fn (void *arg)
{
    struct thread_arg *ta = (struct thread_arg *) arg;
    ta->seen_arg = arg;
    ta->calls++;
    if (ta->counter)
        zmq_atomic_counter_inc (ta->counter);
}

static void test_thread_runs_once (void)
{
    struct thread_arg ta;
    void *th;
    ta.counter = NULL;
    ta.seen_arg = NULL;
    ta.calls = 0;
    th = zmq_threadstart (thread_fn, &ta);
    CHECK (th != NULL);
    zmq_threadclose (th);
    /* threadclose joins, so the result is visible here */
    CHECK_EQ_INT (1, ta.calls);
    CHECK (ta.seen_arg == (void *) &ta);
}

static int null_arg_seen;

static void record_null_fn (void *arg)
{
    null_arg_seen = (arg == NULL) ? 1 : 2;
}

static void test_thread_null_arg (void)
{
    void *th;
    null_arg_seen = 0;
    th = zmq_threadstart (record_null_fn, NULL);
    CHECK (th != NULL);
    zmq_threadclose (th);
    CHECK_EQ_INT (1, null_arg_seen);
}

#define N_THREADS 4

static void test_threads_concurrent (void)
{
    struct thread_arg args[N_THREADS];
    void *threads[N_THREADS];
    void *counter = zmq_atomic_counter_new ();
    int i;
    CHECK (counter != NULL);
    for (i = 0; i < N_THREADS; i++) {
        args[i].counter = counter;
        args[i].seen_arg = NULL;
        args[i].calls = 0;
        threads[i] = zmq_threadstart (thread_fn, &args[i]);
        CHECK (threads[i] != NULL);
    }
    for (i = 0; i < N_THREADS; i++)
        zmq_threadclose (threads[i]);
    for (i = 0; i < N_THREADS; i++) {
        CHECK_EQ_INT (1, args[i].calls);
        CHECK (args[i].seen_arg == (void *) &args[i]);
    }
    CHECK_EQ_INT (N_THREADS, zmq_atomic_counter_value (counter));
    zmq_atomic_counter_destroy (&counter);
}

int main (void)
{
    RUN (test_stopwatch_basic);
    RUN (test_stopwatch_monotonic);
    RUN (test_stopwatch_measures_sleep);
    RUN (test_stopwatch_independent);
    RUN (test_sleep_zero);
    RUN (test_sleep_one_second);
    RUN (test_thread_runs_once);
    RUN (test_thread_null_arg);
    RUN (test_threads_concurrent);
    return test_summary ();
}
