/* dbviews.c: profile, plan and place JSON from this program itself (see
 * dbviews.h).  Owns the worker thread and the child processes; a child's
 * stdout is its view's body, at most MAX_OUT bytes, killed after
 * CHILD_SECONDS.  It must not open the database itself. */
#define _GNU_SOURCE
#include "dbviews.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/clock.h"

#define MAX_OUT (64u << 20)
#define CHILD_SECONDS 120
#define CHECK_MS 2000

extern char **environ;

static const char *const view_cmd[XB_NVIEWS] = { "profile", "plan", "place" };

struct xb_dbviews {
    char *exe, *db, *hosts;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool stop;
    struct xb_body *body[XB_NVIEWS];
    int ok[XB_NVIEWS];          /* 1 made, 0 failed, -1 not yet */
    char why[XB_NVIEWS][256];   /* a failure's first line */
};

static struct xb_body *json_msg(const char *what, const char *detail)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    fprintf(f, "{\"error\":\"%s", what);
    for (const char *s = detail; s && *s; s++) {
        if (*s == '"' || *s == '\\')
            fprintf(f, "\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            fputc(' ', f);
        else
            fputc(*s, f);
    }
    fputs("\"}\n", f);
    fclose(f);
    return xb_body_take("application/json", 503, buf, len);
}

/* Run `exe CMD --db DB [--hosts H] -f json`; its stdout on success, else the
 * reason. */
static struct xb_body *run_view(const char *exe, const char *db, const char *hosts,
                                enum xb_dbview v, bool *ok, char *why, size_t whylen)
{
    *ok = false;
    snprintf(why, whylen, "failed");
    if (v == XB_VIEW_PLACE && !hosts) {
        snprintf(why, whylen, "the placement needs the hosts: start serve with "
                 "--hosts FILE (as for xenbench place)");
        return json_msg(why, "");
    }
    int out[2], errp[2];
    if (pipe2(out, O_CLOEXEC))
        return json_msg("pipe: ", strerror(errno));
    if (pipe2(errp, O_CLOEXEC)) {
        close(out[0]);
        close(out[1]);
        return json_msg("pipe: ", strerror(errno));
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
    char *argv[] = { "xenbench", (char *)view_cmd[v], "--db", (char *)db, "-f", "json",
                     v == XB_VIEW_PLACE ? "--hosts" : NULL, (char *)hosts, NULL };
    pid_t pid;
    int rc = posix_spawn(&pid, exe, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(out[1]);
    close(errp[1]);
    if (rc) {
        close(out[0]);
        close(errp[0]);
        return json_msg("cannot run xenbench: ", strerror(rc));
    }
    char *buf = NULL, errtext[512];
    size_t len = 0, cap = 0, errlen = 0;
    bool too_big = false;
    uint64_t deadline = xb_mono_ns() + CHILD_SECONDS * 1000000000ull;
    struct pollfd pf[2] = { { out[0], POLLIN, 0 }, { errp[0], POLLIN, 0 } };
    while ((pf[0].fd >= 0 || pf[1].fd >= 0) && xb_mono_ns() < deadline) {
        if (poll(pf, 2, 1000) < 0 && errno != EINTR)
            break;
        if (pf[0].fd >= 0 && pf[0].revents) {
            if (len + 65536 > cap) {
                size_t ncap = cap ? 2 * cap : 1 << 16;
                char *n = ncap <= MAX_OUT ? realloc(buf, ncap) : NULL;
                if (!n) {
                    too_big = true;
                    break;
                }
                buf = n;
                cap = ncap;
            }
            ssize_t got = read(out[0], buf + len, cap - len);
            if (got <= 0) {
                close(out[0]);
                pf[0].fd = -1;
            } else {
                len += (size_t)got;
            }
        }
        if (pf[1].fd >= 0 && pf[1].revents) {
            char tmp[512];
            ssize_t got = read(errp[0], tmp, sizeof tmp);
            if (got <= 0) {
                close(errp[0]);
                pf[1].fd = -1;
            } else if (errlen < sizeof errtext - 1) {
                size_t k = (size_t)got < sizeof errtext - 1 - errlen
                         ? (size_t)got : sizeof errtext - 1 - errlen;
                memcpy(errtext + errlen, tmp, k);
                errlen += k;
            }
        }
    }
    errtext[errlen] = 0;
    bool timed_out = pf[0].fd >= 0 || pf[1].fd >= 0;
    if (pf[0].fd >= 0)
        close(pf[0].fd);
    if (pf[1].fd >= 0)
        close(pf[1].fd);
    if (timed_out || too_big)
        kill(pid, SIGKILL);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (too_big || timed_out) {
        free(buf);
        snprintf(why, whylen, "xenbench %s: %s", view_cmd[v],
                 too_big ? "output too large" : "timed out");
        return json_msg(why, "");
    }
    if (!WIFEXITED(st) || WEXITSTATUS(st)) {
        free(buf);
        errtext[strcspn(errtext, "\n")] = 0;
        snprintf(why, whylen, "%.*s", (int)(whylen - 1), errtext[0] ? errtext : "failed");
        return json_msg("", why);
    }
    *ok = true;
    return xb_body_take("application/json", 200, buf, len);
}

static int db_stamp(const char *db, struct timespec *ts, off_t *size)
{
    struct stat st;
    if (stat(db, &st))
        return -1;
    *ts = st.st_mtim;
    *size = st.st_size;
    return 0;
}

static void *worker(void *arg)
{
    struct xb_dbviews *v = arg;
    struct timespec seen = { 0, 0 }, now_ts = { 0, 0 };
    off_t seen_size = -1, size = -1;
    pthread_mutex_lock(&v->lock);
    while (!v->stop) {
        bool changed = db_stamp(v->db, &now_ts, &size) == 0 &&
                       (now_ts.tv_sec != seen.tv_sec || now_ts.tv_nsec != seen.tv_nsec ||
                        size != seen_size);
        if (changed || v->ok[0] < 0) {
            seen = now_ts;
            seen_size = size;
            pthread_mutex_unlock(&v->lock);
            for (int k = 0; k < XB_NVIEWS; k++) {
                bool ok;
                char why[256];
                struct xb_body *b = run_view(v->exe, v->db, v->hosts, (enum xb_dbview)k,
                                             &ok, why, sizeof why);
                pthread_mutex_lock(&v->lock);
                xb_body_unref(v->body[k]);
                v->body[k] = b;
                v->ok[k] = ok;
                snprintf(v->why[k], sizeof v->why[k], "%s", ok ? "" : why);
                pthread_mutex_unlock(&v->lock);
            }
            pthread_mutex_lock(&v->lock);
            continue;
        }
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += (CHECK_MS % 1000) * 1000000L;
        until.tv_sec += CHECK_MS / 1000 + until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&v->cond, &v->lock, &until);
    }
    pthread_mutex_unlock(&v->lock);
    return NULL;
}

int xb_dbviews_start(struct xb_dbviews **out, const char *exe, const char *db,
                     const char *hosts, struct xb_err *err)
{
    *out = NULL;
    struct xb_dbviews *v = calloc(1, sizeof *v);
    if (!v || !(v->exe = strdup(exe)) || !(v->db = strdup(db)) ||
        (hosts && !(v->hosts = strdup(hosts)))) {
        if (v) {
            free(v->exe);
            free(v->db);
        }
        free(v);
        return xb_err_set(err, -ENOMEM, "out of memory");
    }
    for (int k = 0; k < XB_NVIEWS; k++)
        v->ok[k] = -1;
    pthread_mutex_init(&v->lock, NULL);
    pthread_cond_init(&v->cond, NULL);
    int rc = pthread_create(&v->thread, NULL, worker, v);
    if (rc) {
        free(v->exe);
        free(v->db);
        free(v->hosts);
        free(v);
        return xb_err_set(err, -rc, "pthread_create: %s", strerror(rc));
    }
    *out = v;
    return 0;
}

struct xb_body *xb_dbviews_get(struct xb_dbviews *v, enum xb_dbview which)
{
    pthread_mutex_lock(&v->lock);
    struct xb_body *b = xb_body_ref(v->body[which]);
    pthread_mutex_unlock(&v->lock);
    return b ? b : json_msg("being computed, ask again", "");
}

int xb_dbviews_ok(struct xb_dbviews *v, enum xb_dbview which, char *why, size_t len)
{
    pthread_mutex_lock(&v->lock);
    int ok = v->ok[which];
    snprintf(why, len, "%s", ok < 0 ? "being computed" : v->why[which]);
    pthread_mutex_unlock(&v->lock);
    return ok;
}

void xb_dbviews_stop(struct xb_dbviews *v)
{
    if (!v)
        return;
    pthread_mutex_lock(&v->lock);
    v->stop = true;
    pthread_cond_signal(&v->cond);
    pthread_mutex_unlock(&v->lock);
    pthread_join(v->thread, NULL);
    for (int k = 0; k < XB_NVIEWS; k++)
        xb_body_unref(v->body[k]);
    pthread_mutex_destroy(&v->lock);
    pthread_cond_destroy(&v->cond);
    free(v->exe);
    free(v->db);
    free(v->hosts);
    free(v);
}
