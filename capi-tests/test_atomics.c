/* test_atomics.c - zmq_atomic_counter_* (build with -pthread).
 *
 * Build flags:
 *   -DZMQRS_SKIP_HARDENED  skip cases where libzmq crashes on bad input
 */
#include <limits.h>
#include <pthread.h>
#include <zmq.h>

#include "testutil.h"

static void test_new_is_zero (void)
{
    void *c = zmq_atomic_counter_new ();
    CHECK (c != NULL);
    CHECK_EQ_INT (0, zmq_atomic_counter_value (c));
    zmq_atomic_counter_destroy (&c);
    CHECK (c == NULL);
}

/* inc returns the value before the increment. */
static void test_inc_returns_old_value (void)
{
    void *c = zmq_atomic_counter_new ();
    CHECK (c != NULL);
    CHECK_EQ_INT (0, zmq_atomic_counter_inc (c));
    CHECK_EQ_INT (1, zmq_atomic_counter_inc (c));
    CHECK_EQ_INT (2, zmq_atomic_counter_inc (c));
    CHECK_EQ_INT (3, zmq_atomic_counter_value (c));
    zmq_atomic_counter_destroy (&c);
}

/* dec returns 1 while the new value is nonzero, 0 when it reaches zero. */
static void test_dec_return_values (void)
{
    void *c = zmq_atomic_counter_new ();
    CHECK (c != NULL);
    zmq_atomic_counter_set (c, 3);
    CHECK_EQ_INT (3, zmq_atomic_counter_value (c));
    CHECK_EQ_INT (1, zmq_atomic_counter_dec (c));
    CHECK_EQ_INT (2, zmq_atomic_counter_value (c));
    CHECK_EQ_INT (1, zmq_atomic_counter_dec (c));
    CHECK_EQ_INT (1, zmq_atomic_counter_value (c));
    CHECK_EQ_INT (0, zmq_atomic_counter_dec (c));
    CHECK_EQ_INT (0, zmq_atomic_counter_value (c));
    zmq_atomic_counter_destroy (&c);
}

/* The counter is a wrapping 32-bit value: decrementing 0 gives -1 and
 * returns 1 (nonzero result); incrementing INT_MAX wraps to INT_MIN. */
static void test_wraparound (void)
{
    void *c = zmq_atomic_counter_new ();
    CHECK (c != NULL);
    CHECK_EQ_INT (1, zmq_atomic_counter_dec (c));
    CHECK_EQ_INT (-1, zmq_atomic_counter_value (c));
    CHECK_EQ_INT (-1, zmq_atomic_counter_inc (c));
    CHECK_EQ_INT (0, zmq_atomic_counter_value (c));

    zmq_atomic_counter_set (c, -5);
    CHECK_EQ_INT (-5, zmq_atomic_counter_value (c));
    CHECK_EQ_INT (1, zmq_atomic_counter_dec (c));
    CHECK_EQ_INT (-6, zmq_atomic_counter_value (c));

    zmq_atomic_counter_set (c, INT_MAX);
    CHECK_EQ_INT (INT_MAX, zmq_atomic_counter_inc (c));
    CHECK_EQ_INT (INT_MIN, zmq_atomic_counter_value (c));
    CHECK_EQ_INT (1, zmq_atomic_counter_dec (c));
    CHECK_EQ_INT (INT_MAX, zmq_atomic_counter_value (c));

    zmq_atomic_counter_set (c, -1);
    CHECK_EQ_INT (-1, zmq_atomic_counter_inc (c));
    CHECK_EQ_INT (0, zmq_atomic_counter_value (c));
    zmq_atomic_counter_destroy (&c);
}

static void test_set (void)
{
    void *c = zmq_atomic_counter_new ();
    CHECK (c != NULL);
    zmq_atomic_counter_set (c, 42);
    CHECK_EQ_INT (42, zmq_atomic_counter_value (c));
    zmq_atomic_counter_set (c, 0);
    CHECK_EQ_INT (0, zmq_atomic_counter_value (c));
    zmq_atomic_counter_set (c, INT_MIN);
    CHECK_EQ_INT (INT_MIN, zmq_atomic_counter_value (c));
    zmq_atomic_counter_destroy (&c);
}

static void test_independent_counters (void)
{
    void *a = zmq_atomic_counter_new ();
    void *b = zmq_atomic_counter_new ();
    CHECK (a != NULL && b != NULL && a != b);
    zmq_atomic_counter_inc (a);
    zmq_atomic_counter_inc (a);
    zmq_atomic_counter_set (b, 10);
    CHECK_EQ_INT (2, zmq_atomic_counter_value (a));
    CHECK_EQ_INT (10, zmq_atomic_counter_value (b));
    zmq_atomic_counter_destroy (&a);
    CHECK (a == NULL);
    CHECK_EQ_INT (10, zmq_atomic_counter_value (b));
    zmq_atomic_counter_destroy (&b);
    CHECK (b == NULL);
}

/* Destroying through a pointer that is already NULL is a harmless no-op. */
static void test_destroy_null_counter (void)
{
    void *c = NULL;
    zmq_atomic_counter_destroy (&c);
    CHECK (c == NULL);
}

#ifndef ZMQRS_SKIP_HARDENED
/* libzmq dereferences the NULL pointer-to-pointer (crash); zmqrs ignores
 * it. */
static void test_destroy_null_pointer_pointer (void)
{
    zmq_atomic_counter_destroy (NULL);
    CHECK (1);
}
#endif

#define N_THREADS 4
#define N_OPS 100000

static void *inc_worker (void *arg)
{
    int i;
    for (i = 0; i < N_OPS; i++)
        zmq_atomic_counter_inc (arg);
    return NULL;
}

struct dec_job
{
    void *counter;
    int zero_hits;
};

static void *dec_worker (void *arg)
{
    struct dec_job *job = (struct dec_job *) arg;
    int i;
    for (i = 0; i < N_OPS; i++)
        if (zmq_atomic_counter_dec (job->counter) == 0)
            job->zero_hits++;
    return NULL;
}

static void test_threaded_inc (void)
{
    pthread_t th[N_THREADS];
    void *c = zmq_atomic_counter_new ();
    int i;
    CHECK (c != NULL);
    for (i = 0; i < N_THREADS; i++)
        CHECK_EQ_INT (0, pthread_create (&th[i], NULL, inc_worker, c));
    for (i = 0; i < N_THREADS; i++)
        CHECK_EQ_INT (0, pthread_join (th[i], NULL));
    CHECK_EQ_INT (N_THREADS * N_OPS, zmq_atomic_counter_value (c));
    zmq_atomic_counter_destroy (&c);
}

/* Concurrent decrements from N*M down to 0: exactly one call sees zero. */
static void test_threaded_dec (void)
{
    pthread_t th[N_THREADS];
    struct dec_job jobs[N_THREADS];
    void *c = zmq_atomic_counter_new ();
    int i, hits = 0;
    CHECK (c != NULL);
    zmq_atomic_counter_set (c, N_THREADS * N_OPS);
    for (i = 0; i < N_THREADS; i++) {
        jobs[i].counter = c;
        jobs[i].zero_hits = 0;
        CHECK_EQ_INT (0, pthread_create (&th[i], NULL, dec_worker, &jobs[i]));
    }
    for (i = 0; i < N_THREADS; i++) {
        CHECK_EQ_INT (0, pthread_join (th[i], NULL));
        hits += jobs[i].zero_hits;
    }
    CHECK_EQ_INT (0, zmq_atomic_counter_value (c));
    CHECK_EQ_INT (1, hits);
    zmq_atomic_counter_destroy (&c);
}

int main (void)
{
    RUN (test_new_is_zero);
    RUN (test_inc_returns_old_value);
    RUN (test_dec_return_values);
    RUN (test_wraparound);
    RUN (test_set);
    RUN (test_independent_counters);
    RUN (test_destroy_null_counter);
#ifndef ZMQRS_SKIP_HARDENED
    RUN (test_destroy_null_pointer_pointer);
#endif
    RUN (test_threaded_inc);
    RUN (test_threaded_dec);
    return test_summary ();
}
