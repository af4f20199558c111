/* load.c: known loads for the Linux ground-truth tests (not installed).
 *
 *   load duty NAME CPU PCT SECONDS   busy PCT % of each 10 ms period, asleep
 *                                    the rest, pinned to CPU
 *   load write NAME FILE MBPS SECONDS  write MBPS MB/s (10^6 bytes) in 1 MB
 *                                    blocks, each followed by fdatasync
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
#include <sys/prctl.h>
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

static int duty(int cpu, double pct, double secs)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) < 0) {
        perror("sched_setaffinity");
        return 1;
    }
    const uint64_t period = 10000000ull;
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

int main(int argc, char **argv)
{
    if (argc == 6 && strcmp(argv[1], "duty") == 0) {
        prctl(PR_SET_NAME, argv[2]);
        return duty(atoi(argv[3]), atof(argv[4]), atof(argv[5]));
    }
    if (argc == 6 && strcmp(argv[1], "write") == 0) {
        prctl(PR_SET_NAME, argv[2]);
        return writer(argv[3], atof(argv[4]), atof(argv[5]));
    }
    fprintf(stderr, "usage: load duty NAME CPU PCT SECONDS | "
            "load write NAME FILE MBPS SECONDS\n");
    return 2;
}
