/* pingpong.c: two threads passing a byte through pipes (see pingpong.h).
 * Owns its pipes and partner thread for one run; it must not touch anything
 * else (no files, no other threads). */
#include "pingpong.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct pp {
    int there[2], back[2];   /* main -> partner, partner -> main */
};

/* The partner: echo every byte until 'q' (or the pipe closes). */
static void *partner(void *arg)
{
    struct pp *p = arg;
    char c;
    while (read(p->there[0], &c, 1) == 1 && c != 'q')
        if (write(p->back[1], &c, 1) != 1)
            break;
    return NULL;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int xb_pingpong_run(double seconds, double *rate, struct xb_err *err)
{
    struct pp p = { { -1, -1 }, { -1, -1 } };
    pthread_t th;
    *rate = 0;
    if (pipe(p.there) < 0 || pipe(p.back) < 0) {
        int e = errno;
        for (int i = 0; i < 2; i++) {
            if (p.there[i] >= 0)
                close(p.there[i]);
            if (p.back[i] >= 0)
                close(p.back[i]);
        }
        return xb_err_set(err, -e, "ping-pong: pipe: %s", strerror(e));
    }
    int e = pthread_create(&th, NULL, partner, &p);
    if (e) {
        for (int i = 0; i < 2; i++) {
            close(p.there[i]);
            close(p.back[i]);
        }
        return xb_err_set(err, -e, "ping-pong: thread: %s", strerror(e));
    }
    unsigned long long trips = 0;
    double t0 = now_s(), t = t0, end = t0 + seconds;
    int rc = 0;
    char c = 'x';
    while (t < end) {
        for (int i = 0; i < 64; i++, trips++)
            if (write(p.there[1], &c, 1) != 1 || read(p.back[0], &c, 1) != 1) {
                rc = xb_err_set(err, -EIO, "ping-pong: %s",
                                strerror(errno ? errno : EIO));
                goto out;
            }
        t = now_s();
    }
    *rate = (double)trips / (t - t0);
out:
    c = 'q';
    if (write(p.there[1], &c, 1) != 1) {
        close(p.there[1]);           /* the partner then reads EOF */
        p.there[1] = -1;
    }
    pthread_join(th, NULL);
    for (int i = 0; i < 2; i++) {
        if (p.there[i] >= 0)
            close(p.there[i]);
        close(p.back[i]);
    }
    return rc;
}
