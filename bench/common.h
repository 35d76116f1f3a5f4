/* Helpers shared by the zmqrs benchmark programs (zbench.c, rawbench.c):
 * error exits, the alarm() watchdog, the peer process, pipes, clocks and
 * memory figures.  Each program is one translation unit that includes this
 * header once, so the file-scope state below is per program. */
#ifndef ZMQRS_BENCH_COMMON_H
#define ZMQRS_BENCH_COMMON_H

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>

static const char *g_prog = "bench";
static pid_t g_peer = 0;          /* the forked peer, killed on failure */
static char g_unlink_path[512];   /* an ipc file to remove on any exit */

static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

static inline void bench_cleanup(void)
{
    if (g_peer > 0)
        kill(g_peer, SIGKILL);
    if (g_unlink_path[0])
        unlink(g_unlink_path);
}

static void die(const char *fmt, ...)
{
    va_list ap;
    char line[1024];
    int n = snprintf(line, sizeof line, "%s[%d]: ", g_prog, (int) getpid());
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof line - (size_t) n, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s\n", line);
    fflush(stdout);
    fflush(stderr);
    bench_cleanup();
    _exit(1);
}

static inline void on_alarm(int sig)
{
    static const char msg[] = ": timeout (alarm), giving up\n";
    (void) sig;
    if (write(2, g_prog, strlen(g_prog)) < 0 || write(2, msg, sizeof msg - 1) < 0) {
        /* nothing more to say */
    }
    bench_cleanup();
    _exit(2);
}

/* Arms the watchdog: BENCH_TIMEOUT seconds (default 60). */
static inline void arm_timeout(void)
{
    const char *env = getenv("BENCH_TIMEOUT");
    int secs = env ? atoi(env) : 60;
    if (secs <= 0)
        secs = 60;
    signal(SIGALRM, on_alarm);
    alarm((unsigned) secs);
}

static inline double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

static inline long peak_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* Current resident set in bytes, from /proc/self/statm. */
static inline long current_rss_bytes(void)
{
    long pages_total = 0, pages_res = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f)
        die("open /proc/self/statm: %s", strerror(errno));
    if (fscanf(f, "%ld %ld", &pages_total, &pages_res) != 2)
        die("read /proc/self/statm");
    fclose(f);
    return pages_res * sysconf(_SC_PAGESIZE);
}

static inline void write_all(int fd, const void *buf, size_t len, const char *what)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            die("%s: write: %s", what, n < 0 ? strerror(errno) : "short");
        p += n;
        len -= (size_t) n;
    }
}

/* Reads exactly len bytes; dies on EOF or error. */
static inline void read_all(int fd, void *buf, size_t len, const char *what)
{
    char *p = buf;
    while (len > 0) {
        ssize_t n = read(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            die("%s: read: %s", what, strerror(errno));
        if (n == 0)
            die("%s: unexpected end of stream", what);
        p += n;
        len -= (size_t) n;
    }
}

/* Endpoints travel between the processes as one fixed-size record. */
#define ENDPOINT_LEN 256

static inline void send_endpoint(int fd, const char *ep)
{
    char rec[ENDPOINT_LEN];
    memset(rec, 0, sizeof rec);
    snprintf(rec, sizeof rec, "%s", ep);
    write_all(fd, rec, sizeof rec, "endpoint pipe");
}

static inline void recv_endpoint(int fd, char *ep)
{
    read_all(fd, ep, ENDPOINT_LEN, "endpoint pipe");
    ep[ENDPOINT_LEN - 1] = '\0';
}

/* Forks the peer process.  Must be called before any context or thread
 * exists.  to_peer / from_peer are pipes the two ends may use; the caller
 * gets its own ends back.  In the peer, fn runs and the process _exits with
 * status 0 (fn reports failure through die()). */
typedef void (*peer_fn)(int rd, int wr, void *arg);

static inline void spawn_peer(peer_fn fn, void *arg, int *rd, int *wr)
{
    int down[2], up[2];
    if (pipe(down) != 0 || pipe(up) != 0)
        die("pipe: %s", strerror(errno));
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)
        die("fork: %s", strerror(errno));
    if (pid == 0) {
        g_peer = 0;
        g_unlink_path[0] = '\0';
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() == 1)
            _exit(1);
        arm_timeout();
        close(down[1]);
        close(up[0]);
        fn(down[0], up[1], arg);
        fflush(stdout);
        fflush(stderr);
        _exit(0);
    }
    g_peer = pid;
    close(down[0]);
    close(up[1]);
    *rd = up[0];
    *wr = down[1];
}

/* Waits for the peer; dies unless it exited with status 0.  Returns its
 * peak RSS in KiB. */
static inline long reap_peer(void)
{
    int status = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    pid_t pid = g_peer;
    if (pid <= 0)
        return 0;
    while (wait4(pid, &status, 0, &ru) < 0) {
        if (errno != EINTR)
            die("wait4: %s", strerror(errno));
    }
    g_peer = 0;
    if (WIFSIGNALED(status))
        die("peer process killed by signal %d", WTERMSIG(status));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        die("peer process failed (exit status %d)", WEXITSTATUS(status));
    return ru.ru_maxrss;
}

static inline long max_l(long a, long b) { return a > b ? a : b; }

static inline int parse_count(const char *s, const char *what)
{
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (!end || *end || v < 1 || v > 1000000000L)
        die("bad %s: %s", what, s);
    return (int) v;
}

/* Sequence numbers ride in the first 4 bytes of messages of 4+ bytes. */
static inline void put_seq(unsigned char *p, size_t size, unsigned seq)
{
    if (size >= 4) {
        p[0] = (unsigned char) seq;
        p[1] = (unsigned char) (seq >> 8);
        p[2] = (unsigned char) (seq >> 16);
        p[3] = (unsigned char) (seq >> 24);
    }
}

static inline int seq_ok(const unsigned char *p, size_t size, unsigned seq)
{
    if (size < 4)
        return 1;
    return p[0] == (unsigned char) seq && p[1] == (unsigned char) (seq >> 8)
           && p[2] == (unsigned char) (seq >> 16) && p[3] == (unsigned char) (seq >> 24);
}

#endif
