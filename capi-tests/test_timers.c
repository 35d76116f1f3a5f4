/* test_timers.c - zmq_timers_* API.
 *
 * Timing bounds are deliberately loose: sleeps are 2-3x the timer interval
 * and upper bounds on zmq_timers_timeout are the configured interval.
 *
 * Build flags:
 *   -DZMQRS_SKIP_HARDENED  skip cases where libzmq crashes on bad input
 */
#include <zmq.h>

#include "testutil.h"

/* Handler log: records (timer id, arg) of each call in order. */
#define MAX_LOG 32
static int log_ids[MAX_LOG];
static void *log_args[MAX_LOG];
static int log_len;

static void reset_log (void)
{
    log_len = 0;
}

static void record (int timer_id, void *arg)
{
    if (log_len < MAX_LOG) {
        log_ids[log_len] = timer_id;
        log_args[log_len] = arg;
    }
    log_len++;
}

static void test_new_destroy (void)
{
    void *t = zmq_timers_new ();
    CHECK (t != NULL);
    CHECK_EQ_INT (0, zmq_timers_destroy (&t));
    CHECK (t == NULL);
    /* the pointer is now NULL, so a second destroy is EFAULT */
    CHECK_ERR (EFAULT, zmq_timers_destroy (&t));
}

/* Ids start at 1 for each timers object and increase by one. */
static void test_add_ids (void)
{
    void *t = zmq_timers_new ();
    void *t2 = zmq_timers_new ();
    CHECK (t != NULL && t2 != NULL);
    CHECK_EQ_INT (1, zmq_timers_add (t, 1000, record, NULL));
    CHECK_EQ_INT (2, zmq_timers_add (t, 1000, record, NULL));
    CHECK_EQ_INT (3, zmq_timers_add (t, 500, record, NULL));
    CHECK_EQ_INT (1, zmq_timers_add (t2, 1000, record, NULL));
    /* cancelled ids are not reused */
    CHECK_EQ_INT (0, zmq_timers_cancel (t, 3));
    CHECK_EQ_INT (4, zmq_timers_add (t, 1000, record, NULL));
    CHECK_EQ_INT (0, zmq_timers_destroy (&t));
    CHECK_EQ_INT (0, zmq_timers_destroy (&t2));
}

static void test_add_null_handler (void)
{
    void *t = zmq_timers_new ();
    CHECK (t != NULL);
    CHECK_ERR (EFAULT, zmq_timers_add (t, 10, NULL, NULL));
    CHECK_EQ_INT (-1, zmq_timers_timeout (t));
    /* a failed add does not consume an id */
    CHECK_EQ_INT (1, zmq_timers_add (t, 10, record, NULL));
    CHECK_EQ_INT (0, zmq_timers_destroy (&t));
}

static void test_timeout (void)
{
    void *t = zmq_timers_new ();
    long to;
    int id;
    CHECK (t != NULL);
    CHECK_EQ_INT (-1, zmq_timers_timeout (t));
    id = zmq_timers_add (t, 1000, record, NULL);
    CHECK (id > 0);
    to = zmq_timers_timeout (t);
    CHECK (to >= 500 && to <= 1000);
    /* the earliest timer decides */
    CHECK (zmq_timers_add (t, 300, record, NULL) > 0);
    to = zmq_timers_timeout (t);
    CHECK (to >= 100 && to <= 300);
    CHECK_EQ_INT (0, zmq_timers_destroy (&t));
}

/* An interval of 0 is accepted and is due immediately.  (It is cancelled
 * without executing: libzmq's execute loops forever on a 0 interval timer
 * because the re-armed entry is due again within the same pass.) */
static void test_zero_interval (void)
{
    void *t = zmq_timers_new ();
    int id;
    CHECK (t != NULL);
    id = zmq_timers_add (t, 0, record, NULL);
    CHECK (id > 0);
    CHECK_EQ_INT (0, zmq_timers_timeout (t));
    CHECK_EQ_INT (0, zmq_timers_cancel (t, id));
    CHECK_EQ_INT (-1, zmq_timers_timeout (t));
    CHECK_EQ_INT (0, zmq_timers_destroy (&t));
}

static void test_overdue_timeout_is_zero (void)
{
    void *t = zmq_timers_new ();
    CHECK (t != NULL);
    CHECK (zmq_timers_add (t, 5, record, NULL) > 0);
    tu_sleep_ms (25);
    CHECK_EQ_INT (0, zmq_timers_timeout (t));
    CHECK_EQ_INT (0, zmq_timers_destroy (&t));
}

static void test_execute_nothing_due (void)
{
    void *t = zmq_timers_new ();
    CHECK (t != NULL);
    reset_log ();
    CHECK_EQ_INT (0, zmq_timers_execute (t));
    CHECK (zmq_timers_add (t, 1000, record, NULL) > 0);
    CHECK_EQ_INT (0, zmq_timers_execute (t));
    CHECK_EQ_INT (0, log_len);
    CHECK_EQ_INT (0, zmq_timers_destroy (&t));
}

/* Due handlers get their id and arg; timers repeat until cancelled. */
static void test_execute_calls_handler (void)
{
    void *t = zmq_timers_new ();
    int arg_target = 0;
    int id;
    long to;
    CHECK (t != NULL);
    reset_log ();
    id = zmq_timers_add (t, 10, record, &arg_target);
    CHECK (id > 0);
    tu_sleep_ms (30);
    CHECK_EQ_INT (0, zmq_timers_execute (t));
    CHECK_EQ_INT (1, log_len);
    CHECK_EQ_INT (id, log_ids[0]);
    CHECK (log_args[0] == (void *) &arg_target);
    /* re-armed for another interval after running */
    to = zmq_timers_timeout (t);
    CHECK (to >= 0 && to <= 10);
    /* only one call per execute even if several intervals passed */
    tu_sleep_ms (35);
    CHECK_EQ_INT (0, zmq_timers_execute (t));
    CHECK_EQ_INT (2, log_len);
    CHECK_EQ_INT (id, log_ids[1]);
    CHECK_EQ_INT (0, zmq_timers_destroy (&t));
}

static void test_fire_order (void)
{
    void *t = zmq_timers_new ();
    int late, mid, early, same1, same2;
    CHECK (t != NULL);
    reset_log ();
    late = zmq_timers_add (t, 45, record, NULL);
    mid = zmq_timers_add (t, 30, record, NULL);
    early = zmq_timers_add (t, 15, record, NULL);
    CHECK (late > 0 && mid > 0 && early > 0);
    tu_sleep_ms (80);
    CHECK_EQ_INT (0, zmq_timers_execute (t));
    CHECK_EQ_INT (3, log_len);
    CHECK_EQ_INT (early, log_ids[0]);
    CHECK_EQ_INT (mid, log_ids[1]);
    CHECK_EQ_INT (late, log_ids[2]);
    CHECK_EQ_INT (0, zmq_timers_destroy (&t));

    /* equal intervals fire in the order they were added */
    t = zmq_timers_new ();
    CHECK (t != NULL);
    reset_log ();
    same1 = zmq_timers_add (t, 10, record, NULL);
    same2 = zmq_timers_add (t, 10, record, NULL);
    tu_sleep_ms (30);
    CHECK_EQ_INT (0, zmq_timers_execute (t));
    CHECK_EQ_INT (2, log_len);
    CHECK_EQ_INT (same1, log_ids[0]);
    CHECK_EQ_INT (same2, log_ids[1]);
    CHECK_EQ_INT (0, zmq_timers_destroy (&t));
}

static void test_cancel (void)
{
    void *t = zmq_timers_new ();
    int keep, gone;
    CHECK (t != NULL);
    reset_log ();
    keep = zmq_timers_add (t, 10, record, NULL);
    gone = zmq_timers_add (t, 10, record, NULL);
    CHECK_EQ_INT (0, zmq_timers_cancel (t, gone));
    /* cancelling again is EINVAL, before and after execute */
    CHECK_ERR (EINVAL, zmq_timers_cancel (t, gone));
    tu_sleep_ms (30);
    CHECK_EQ_INT (0, zmq_timers_execute (t));
    CHECK_EQ_INT (1, log_len);
    CHECK_EQ_INT (keep, log_ids[0]);
    CHECK_ERR (EINVAL, zmq_timers_cancel (t, gone));
    /* unknown ids */
    CHECK_ERR (EINVAL, zmq_timers_cancel (t, 9999));
    CHECK_ERR (EINVAL, zmq_timers_cancel (t, 0));
    CHECK_ERR (EINVAL, zmq_timers_cancel (t, -1));
    CHECK_EQ_INT (0, zmq_timers_destroy (&t));
}

static void test_timeout_all_cancelled (void)
{
    void *t = zmq_timers_new ();
    int a, b;
    CHECK (t != NULL);
    a = zmq_timers_add (t, 100, record, NULL);
    b = zmq_timers_add (t, 200, record, NULL);
    CHECK_EQ_INT (0, zmq_timers_cancel (t, a));
    /* the cancelled earlier timer is ignored */
    CHECK (zmq_timers_timeout (t) > 100);
    CHECK_EQ_INT (0, zmq_timers_cancel (t, b));
    CHECK_EQ_INT (-1, zmq_timers_timeout (t));
    /* a purged timer is unknown afterwards */
    CHECK_ERR (EINVAL, zmq_timers_reset (t, a));
    CHECK_ERR (EINVAL, zmq_timers_set_interval (t, b, 10));
    CHECK_EQ_INT (0, zmq_timers_destroy (&t));
}

static int cancel_target;
static void *cancel_timers;

static void cancel_other (int timer_id, void *arg)
{
    record (timer_id, arg);
    zmq_timers_cancel (cancel_timers, cancel_target);
}

static void cancel_self (int timer_id, void *arg)
{
    record (timer_id, arg);
    zmq_timers_cancel (cancel_timers, timer_id);
}

/* A handler may cancel another due timer (it then does not run in the same
 * execute) or itself (it then never runs again). */
static void test_cancel_from_handler (void)
{
    void *t = zmq_timers_new ();
    int first, victim, self;
    CHECK (t != NULL);
    cancel_timers = t;
    reset_log ();
    first = zmq_timers_add (t, 5, cancel_other, NULL);
    victim = zmq_timers_add (t, 15, record, NULL);
    cancel_target = victim;
    tu_sleep_ms (40);
    CHECK_EQ_INT (0, zmq_timers_execute (t));
    CHECK_EQ_INT (1, log_len);
    CHECK_EQ_INT (first, log_ids[0]);
    CHECK_EQ_INT (0, zmq_timers_cancel (t, first));
    CHECK_EQ_INT (0, zmq_timers_destroy (&t));

    t = zmq_timers_new ();
    CHECK (t != NULL);
    cancel_timers = t;
    reset_log ();
    self = zmq_timers_add (t, 5, cancel_self, NULL);
    tu_sleep_ms (20);
    CHECK_EQ_INT (0, zmq_timers_execute (t));
    CHECK_EQ_INT (1, log_len);
    CHECK_EQ_INT (self, log_ids[0]);
    tu_sleep_ms (20);
    CHECK_EQ_INT (0, zmq_timers_execute (t));
    CHECK_EQ_INT (1, log_len);
    CHECK_EQ_INT (-1, zmq_timers_timeout (t));
    CHECK_EQ_INT (0, zmq_timers_destroy (&t));
}

static void test_set_interval (void)
{
    void *t = zmq_timers_new ();
    int id;
    long to;
    CHECK (t != NULL);
    reset_log ();
    id = zmq_timers_add (t, 1000, record, NULL);
    CHECK (id > 0);
    CHECK_EQ_INT (0, zmq_timers_set_interval (t, id, 10));
    to = zmq_timers_timeout (t);
    CHECK (to >= 0 && to <= 10);
    tu_sleep_ms (30);
    CHECK_EQ_INT (0, zmq_timers_execute (t));
    CHECK_EQ_INT (1, log_len);
    CHECK_EQ_INT (id, log_ids[0]);
    /* the new interval is used for re-arming too */
    to = zmq_timers_timeout (t);
    CHECK (to >= 0 && to <= 10);
    /* and it can be made longer again */
    CHECK_EQ_INT (0, zmq_timers_set_interval (t, id, 1000));
    to = zmq_timers_timeout (t);
    CHECK (to >= 500 && to <= 1000);
    CHECK_ERR (EINVAL, zmq_timers_set_interval (t, 9999, 10));
    CHECK_ERR (EINVAL, zmq_timers_set_interval (t, 0, 10));
    CHECK_EQ_INT (0, zmq_timers_destroy (&t));
}

static void test_reset (void)
{
    void *t = zmq_timers_new ();
    int id;
    long before, after;
    CHECK (t != NULL);
    reset_log ();
    id = zmq_timers_add (t, 80, record, NULL);
    CHECK (id > 0);
    tu_sleep_ms (50);
    before = zmq_timers_timeout (t);
    CHECK (before >= 0 && before <= 30);
    CHECK_EQ_INT (0, zmq_timers_reset (t, id));
    after = zmq_timers_timeout (t);
    CHECK (after > before);
    CHECK (after >= 40 && after <= 80);
    CHECK_EQ_INT (0, log_len);
    CHECK_ERR (EINVAL, zmq_timers_reset (t, 9999));
    CHECK_ERR (EINVAL, zmq_timers_reset (t, -3));
    CHECK_EQ_INT (0, zmq_timers_destroy (&t));
}

static void test_null_timers (void)
{
    void *t = NULL;
    CHECK_ERR (EFAULT, zmq_timers_add (NULL, 10, record, NULL));
    CHECK_ERR (EFAULT, zmq_timers_cancel (NULL, 1));
    CHECK_ERR (EFAULT, zmq_timers_set_interval (NULL, 1, 10));
    CHECK_ERR (EFAULT, zmq_timers_reset (NULL, 1));
    CHECK_ERR (EFAULT, zmq_timers_execute (NULL));
    errno = 0;
    CHECK_EQ_INT (-1, zmq_timers_timeout (NULL));
    CHECK_EQ_INT (EFAULT, errno);
    CHECK_ERR (EFAULT, zmq_timers_destroy (&t));
}

#ifndef ZMQRS_SKIP_HARDENED
/* libzmq dereferences the NULL pointer-to-pointer (crash); zmqrs: EFAULT. */
static void test_destroy_null_pointer_pointer (void)
{
    CHECK_ERR (EFAULT, zmq_timers_destroy (NULL));
}

/* A destroyed timers object must be rejected (libzmq reads freed memory;
 * its tag check usually catches it). */
static void test_use_after_destroy (void)
{
    void *t = zmq_timers_new ();
    void *stale = t;
    CHECK (t != NULL);
    CHECK_EQ_INT (0, zmq_timers_destroy (&t));
    CHECK_ERR (EFAULT, zmq_timers_add (stale, 10, record, NULL));
    CHECK_ERR (EFAULT, zmq_timers_execute (stale));
    CHECK_ERR (EFAULT, zmq_timers_destroy (&stale));
}
#endif

int main (void)
{
    RUN (test_new_destroy);
    RUN (test_add_ids);
    RUN (test_add_null_handler);
    RUN (test_timeout);
    RUN (test_zero_interval);
    RUN (test_overdue_timeout_is_zero);
    RUN (test_execute_nothing_due);
    RUN (test_execute_calls_handler);
    RUN (test_fire_order);
    RUN (test_cancel);
    RUN (test_timeout_all_cancelled);
    RUN (test_cancel_from_handler);
    RUN (test_set_interval);
    RUN (test_reset);
    RUN (test_null_timers);
#ifndef ZMQRS_SKIP_HARDENED
    RUN (test_destroy_null_pointer_pointer);
    RUN (test_use_after_destroy);
#endif
    return test_summary ();
}
