/* rawbench: the physical reference for the zmqrs benchmarks: what two
 * processes get from a plain socket on this machine, with no messaging
 * library in between.
 *
 *   rawbench thr tcp|unix SIZE COUNT   a stream of COUNT messages of SIZE
 *                                      bytes, written in 64 KiB batches
 *                                      (or SIZE at a time when larger),
 *                                      timed at the reader; messages/s
 *   rawbench lat tcp|unix SIZE COUNT   SIZE bytes there and back, COUNT
 *                                      times; one-way latency in us
 *
 * tcp runs over 127.0.0.1 with TCP_NODELAY, as libzmq sets it.  The
 * output line has the form zbench's has (RESULT value=... unit=...). */
#include "common.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/un.h>

#define BATCH (64 * 1024)
#define LAT_WARMUP 100

static int is_tcp(const char *transport)
{
    if (strcmp(transport, "tcp") == 0)
        return 1;
    if (strcmp(transport, "unix") == 0)
        return 0;
    die("unknown transport %s (tcp or unix)", transport);
}

static void set_nodelay(int fd)
{
    int one = 1;
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0)
        die("TCP_NODELAY: %s", strerror(errno));
}

/* Listens on a fresh address; the endpoint string names it for connect_to. */
static int listen_any(int tcp, char *ep)
{
    int fd;
    if (tcp) {
        struct sockaddr_in a;
        memset(&a, 0, sizeof a);
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        fd = socket(AF_INET, SOCK_STREAM, 0);
        socklen_t len = sizeof a;
        if (fd < 0 || bind(fd, (struct sockaddr *) &a, sizeof a) != 0
            || getsockname(fd, (struct sockaddr *) &a, &len) != 0)
            die("tcp bind: %s", strerror(errno));
        snprintf(ep, ENDPOINT_LEN, "%d", ntohs(a.sin_port));
    } else {
        struct sockaddr_un a;
        memset(&a, 0, sizeof a);
        a.sun_family = AF_UNIX;
        snprintf(g_unlink_path, sizeof g_unlink_path, "/tmp/rawbench-%d.sock", (int) getpid());
        snprintf(a.sun_path, sizeof a.sun_path, "%.100s", g_unlink_path);
        fd = socket(AF_UNIX, SOCK_STREAM, 0);
        if (fd < 0 || bind(fd, (struct sockaddr *) &a, sizeof a) != 0)
            die("unix bind: %s", strerror(errno));
        snprintf(ep, ENDPOINT_LEN, "%.100s", g_unlink_path);
    }
    if (listen(fd, 1) != 0)
        die("listen: %s", strerror(errno));
    return fd;
}

static int accept_one(int lfd, int tcp)
{
    int fd = accept(lfd, NULL, NULL);
    if (fd < 0)
        die("accept: %s", strerror(errno));
    if (tcp)
        set_nodelay(fd);
    close(lfd);
    return fd;
}

static int connect_to(int tcp, const char *ep)
{
    int fd;
    if (tcp) {
        struct sockaddr_in a;
        memset(&a, 0, sizeof a);
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons((unsigned short) atoi(ep));
        fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *) &a, sizeof a) != 0)
            die("tcp connect: %s", strerror(errno));
        set_nodelay(fd);
    } else {
        struct sockaddr_un a;
        memset(&a, 0, sizeof a);
        a.sun_family = AF_UNIX;
        snprintf(a.sun_path, sizeof a.sun_path, "%.100s", ep);
        fd = socket(AF_UNIX, SOCK_STREAM, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *) &a, sizeof a) != 0)
            die("unix connect: %s", strerror(errno));
    }
    return fd;
}

struct job {
    int tcp;
    size_t size;
    long count;
};

/* Forks the peer running fn and connects to the address it listens on. */
static int start_peer(peer_fn fn, struct job *j, int *rd)
{
    int wr;
    spawn_peer(fn, j, rd, &wr);
    char ep[ENDPOINT_LEN];
    recv_endpoint(*rd, ep);
    return connect_to(j->tcp, ep);
}

/* Waits for the peer; returns its peak RSS. */
static long finish_peer(int fd)
{
    close(fd);
    long rss = reap_peer();
    g_unlink_path[0] = '\0';
    return rss;
}

/* thr: the peer reads the whole stream and reports the time from its
 * first byte to its last. */
static void thr_peer(int rd, int wr, void *arg)
{
    struct job *j = arg;
    (void) rd;
    char ep[ENDPOINT_LEN];
    int lfd = listen_any(j->tcp, ep);
    send_endpoint(wr, ep);
    int fd = accept_one(lfd, j->tcp);
    size_t cap = j->size > BATCH ? j->size : BATCH;
    char *buf = malloc(cap);
    unsigned long long total = (unsigned long long) j->size * (unsigned long long) j->count;
    unsigned long long got = 0;
    double t0 = 0;
    while (got < total) {
        ssize_t n = read(fd, buf, cap);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            die("thr read: %s", n < 0 ? strerror(errno) : "early end of stream");
        if (got == 0)
            t0 = now_s();
        got += (unsigned long long) n;
    }
    double t = now_s() - t0;
    write_all(wr, &t, sizeof t, "result pipe");
    free(buf);
    close(fd);
}

static double run_thr(struct job *j, long *peer_rss)
{
    int rd;
    int fd = start_peer(thr_peer, j, &rd);
    size_t chunk = j->size > BATCH ? j->size : (BATCH / j->size) * j->size;
    char *buf = calloc(1, chunk);
    unsigned long long left = (unsigned long long) j->size * (unsigned long long) j->count;
    while (left > 0) {
        size_t n = left < chunk ? (size_t) left : chunk;
        write_all(fd, buf, n, "thr write");
        left -= n;
    }
    double t;
    read_all(rd, &t, sizeof t, "result pipe");
    free(buf);
    *peer_rss = finish_peer(fd);
    if (t <= 0)
        t = 1e-9;
    return (double) (j->count - 1) / t;
}

/* lat: the peer echoes SIZE-byte messages back. */
static void lat_peer(int rd, int wr, void *arg)
{
    struct job *j = arg;
    (void) rd;
    char ep[ENDPOINT_LEN];
    int lfd = listen_any(j->tcp, ep);
    send_endpoint(wr, ep);
    int fd = accept_one(lfd, j->tcp);
    char *buf = malloc(j->size);
    for (long i = 0; i < LAT_WARMUP + j->count; i++) {
        read_all(fd, buf, j->size, "echo read");
        write_all(fd, buf, j->size, "echo write");
    }
    free(buf);
    close(fd);
}

static double run_lat(struct job *j, long *peer_rss)
{
    int rd;
    int fd = start_peer(lat_peer, j, &rd);
    char *buf = calloc(1, j->size);
    double t0 = 0;
    for (long i = 0; i < LAT_WARMUP + j->count; i++) {
        if (i == LAT_WARMUP)
            t0 = now_s();
        write_all(fd, buf, j->size, "ping write");
        read_all(fd, buf, j->size, "pong read");
    }
    double t = now_s() - t0;
    free(buf);
    *peer_rss = finish_peer(fd);
    return t * 1e6 / (2.0 * (double) j->count);
}

int main(int argc, char **argv)
{
    g_prog = "rawbench";
    arm_timeout();
    if (argc != 5) {
        fprintf(stderr, "usage: rawbench thr|lat tcp|unix SIZE COUNT\n");
        return 2;
    }
    struct job j;
    j.tcp = is_tcp(argv[2]);
    j.size = (size_t) parse_count(argv[3], "SIZE");
    j.count = parse_count(argv[4], "COUNT");
    if (j.count < 2)
        die("COUNT must be 2 or more");
    long peer_rss = 0;
    if (strcmp(argv[1], "thr") == 0) {
        double rate = run_thr(&j, &peer_rss);
        printf("RESULT version=raw value=%.3f unit=msg/s rss_kb=%ld mbps=%.1f\n", rate,
               max_l(peak_rss_kb(), peer_rss), rate * (double) j.size * 8 / 1e6);
    } else if (strcmp(argv[1], "lat") == 0) {
        double us = run_lat(&j, &peer_rss);
        printf("RESULT version=raw value=%.3f unit=us rss_kb=%ld\n", us,
               max_l(peak_rss_kb(), peer_rss));
    } else {
        die("unknown benchmark %s", argv[1]);
    }
    return 0;
}
