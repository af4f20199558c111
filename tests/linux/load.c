/* load.c: known loads for the Linux ground-truth tests (not installed).
 *
 *   load duty NAME CPUS PCT SECONDS [PERIOD_MS]
 *                                    busy PCT % of each period (default 10 ms),
 *                                    asleep the rest, pinned to CPUS ("1", "0-1")
 *   load write NAME FILE MBPS SECONDS  write MBPS MB/s (10^6 bytes) in 1 MB
 *                                    blocks, each followed by fdatasync
 *   load pingpong NAME SECONDS       two processes passing a byte through
 *                                    pipes: a context-switch storm
 *   load send NAME ADDR MBPS SECONDS  UDP datagrams of 1000 bytes to ADDR
 *                                    (IPv4, port 9), MBPS MB/s of payload
 * NAME becomes the process's comm, so `record --domains process --match`
 * can pick it.  Times are wall-clock (CLOCK_MONOTONIC).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void sleep_until(uint64_t t)
{
    struct timespec ts = { (time_t)(t / 1000000000ull), (long)(t % 1000000000ull) };
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
        ;
}

static int duty(const char *cpus, double pct, double secs, double period_ms)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    int lo = atoi(cpus), hi = lo;
    const char *dash = strchr(cpus, '-');
    if (dash)
        hi = atoi(dash + 1);
    for (int c = lo; c <= hi; c++)
        CPU_SET(c, &set);
    if (sched_setaffinity(0, sizeof set, &set) < 0) {
        perror("sched_setaffinity");
        return 1;
    }
    const uint64_t period = (uint64_t)(period_ms * 1e6);
    uint64_t busy = (uint64_t)(period * pct / 100.0);
    uint64_t end = now_ns() + (uint64_t)(secs * 1e9);
    for (uint64_t t = now_ns(); t < end; t += period) {
        while (now_ns() < t + busy)
            ;
        if (busy < period)
            sleep_until(t + period);
    }
    return 0;
}

static int writer(const char *file, double mbps, double secs)
{
    int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        perror(file);
        return 1;
    }
    static char block[1000000];
    memset(block, 'x', sizeof block);
    uint64_t step = (uint64_t)(1e9 / mbps);   /* one 1 MB block per step */
    uint64_t t0 = now_ns(), end = t0 + (uint64_t)(secs * 1e9);
    for (uint64_t t = t0; t < end; t += step) {
        if (write(fd, block, sizeof block) != (ssize_t)sizeof block ||
            fdatasync(fd) < 0) {
            perror("write");
            return 1;
        }
        sleep_until(t + step);
    }
    close(fd);
    unlink(file);
    return 0;
}

static int pingpong(double secs)
{
    int there[2], back[2];
    if (pipe(there) < 0 || pipe(back) < 0) {
        perror("pipe");
        return 1;
    }
    pid_t child = fork();
    if (child < 0) {
        perror("fork");
        return 1;
    }
    char c = 'x';
    if (child == 0) {                  /* echo until the pipe closes */
        close(there[1]);
        close(back[0]);
        while (read(there[0], &c, 1) == 1 && write(back[1], &c, 1) == 1)
            ;
        _exit(0);
    }
    close(there[0]);
    close(back[1]);
    uint64_t end = now_ns() + (uint64_t)(secs * 1e9);
    while (now_ns() < end)
        for (int i = 0; i < 100; i++)
            if (write(there[1], &c, 1) != 1 || read(back[0], &c, 1) != 1)
                return 1;
    close(there[1]);
    int st;
    waitpid(child, &st, 0);
    return 0;
}

/* Payload only: each datagram also takes 8 bytes of UDP, 20 of IPv4 and 14
 * of Ethernet header on the wire (what an interface counts). */
static int sender(const char *addr, double mbps, double secs)
{
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9) };
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || inet_pton(AF_INET, addr, &to.sin_addr) != 1) {
        fprintf(stderr, "load: send: bad address '%s' or no socket\n", addr);
        return 1;
    }
    static char dgram[1000];
    uint64_t step = (uint64_t)(1e9 * sizeof dgram / (mbps * 1e6));
    uint64_t t0 = now_ns(), end = t0 + (uint64_t)(secs * 1e9);
    for (uint64_t t = t0; t < end; t += step) {
        if (sendto(fd, dgram, sizeof dgram, 0, (struct sockaddr *)&to, sizeof to) < 0 &&
            errno != ECONNREFUSED) {
            perror("sendto");
            return 1;
        }
        sleep_until(t + step);
    }
    close(fd);
    return 0;
}

int main(int argc, char **argv)
{
    if ((argc == 6 || argc == 7) && strcmp(argv[1], "duty") == 0) {
        prctl(PR_SET_NAME, argv[2]);
        double period = argc == 7 ? atof(argv[6]) : 10;
        if (!(period >= 1 && period <= 10000)) {
            fprintf(stderr, "load: PERIOD_MS %s is not 1..10000\n", argv[6]);
            return 2;
        }
        return duty(argv[3], atof(argv[4]), atof(argv[5]), period);
    }
    if (argc == 6 && strcmp(argv[1], "write") == 0) {
        prctl(PR_SET_NAME, argv[2]);
        return writer(argv[3], atof(argv[4]), atof(argv[5]));
    }
    if (argc == 4 && strcmp(argv[1], "pingpong") == 0) {
        prctl(PR_SET_NAME, argv[2]);
        return pingpong(atof(argv[3]));
    }
    if (argc == 6 && strcmp(argv[1], "send") == 0) {
        prctl(PR_SET_NAME, argv[2]);
        return sender(argv[3], atof(argv[4]), atof(argv[5]));
    }
    fprintf(stderr, "usage: load duty NAME CPUS PCT SECONDS [PERIOD_MS] | "
            "load write NAME FILE MBPS SECONDS | load pingpong NAME SECONDS | "
            "load send NAME ADDR MBPS SECONDS\n");
    return 2;
}
