/* test_eintr.c - a blocking zmq_recv / zmq_poll interrupted by a signal
 * (installed without SA_RESTART) returns -1 with errno EINTR, as libzmq. */
#include <zmq.h>
#include <signal.h>
#include <sys/time.h>

#include "testutil.h"

static volatile sig_atomic_t alarms;

static void on_alarm (int sig)
{
    (void) sig;
    alarms++;
}

static void arm_alarm_ms (int ms)
{
    struct sigaction sa;
    struct itimerval t;
    memset (&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigemptyset (&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART */
    sigaction (SIGALRM, &sa, NULL);
    memset (&t, 0, sizeof t);
    t.it_value.tv_usec = ms * 1000;
    setitimer (ITIMER_REAL, &t, NULL);
}

static void test_recv_interrupted (void)
{
    void *ctx = zmq_ctx_new ();
    void *s;
    char buf[8];
    int timeo = 5000;
    CHECK (ctx != NULL);
    s = zmq_socket (ctx, ZMQ_PULL);
    CHECK (s != NULL);
    CHECK_OK (zmq_setsockopt (s, ZMQ_RCVTIMEO, &timeo, sizeof timeo));
    CHECK_OK (zmq_bind (s, "inproc://eintr-recv"));
    alarms = 0;
    arm_alarm_ms (50);
    CHECK_ERR (EINTR, zmq_recv (s, buf, sizeof buf, 0));
    CHECK_EQ_INT (1, alarms);
    CHECK_OK (zmq_close (s));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void test_poll_interrupted (void)
{
    void *ctx = zmq_ctx_new ();
    void *s;
    zmq_pollitem_t item;
    CHECK (ctx != NULL);
    s = zmq_socket (ctx, ZMQ_PULL);
    CHECK (s != NULL);
    CHECK_OK (zmq_bind (s, "inproc://eintr-poll"));
    memset (&item, 0, sizeof item);
    item.socket = s;
    item.events = ZMQ_POLLIN;
    alarms = 0;
    arm_alarm_ms (50);
    CHECK_ERR (EINTR, zmq_poll (&item, 1, 5000));
    CHECK_EQ_INT (1, alarms);
    CHECK_OK (zmq_close (s));
    CHECK_OK (zmq_ctx_term (ctx));
}

int main (void)
{
    RUN (test_recv_interrupted);
    RUN (test_poll_interrupted);
    return test_summary ();
}
