/* overhead.c: A/B and A/A pairs of loads with and without a recorder; see
 * overhead.h.  Owns the temporary folder of the tools' output (run folder,
 * perf.data, logs) and removes it on every path out; touches nothing else
 * of the machine but the loads it runs and the tools it starts.  It must
 * not parse options (the command does). */
#define _GNU_SOURCE
#include "overhead.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pipeline/pipeline.h"
#include "util/clock.h"
#include "util/stats.h"
#include "workload/background.h"
#include "workload/linpack.h"
#include "workload/pingpong.h"

const char *const xb_ovh_load_names[XB_NLOADS] = { "idle", "pingpong", "linpack" };

#define MAX_TOOLS 2
static const char PERF_WHAT[] = "perf sched record -a";
#define AA (-1)                 /* a pair's kind: both sides idle */

struct tool {
    const char *label;          /* "record", "perf", "while" */
    char what[300];             /* for messages and the header */
    char exe[PATH_MAX];         /* perf's path */
};

/* What one B side found. */
struct bside {
    double cpu_pct;             /* the tool's CPU while measuring, % of a core */
    double events_per_s;        /* recorded over its life; NaN: not known */
    double lost;                /* NaN: not known */
    double lost_chunks;         /* perf: it lost this many buffers' worth */
};

/* The figures of one (load, kind). */
struct series {
    double *pct, *cpu, *eps, *lost;
    size_t n;
};

struct ovh {
    const struct xb_overhead_opts *o;
    FILE *out;
    char tmp[PATH_MAX];
    char run[PATH_MAX + 16], perfdata[PATH_MAX + 16], log[PATH_MAX + 16];
    struct tool tools[MAX_TOOLS];
    int ntools;
    struct xb_linpack lp;
    unsigned short rng[3];
    struct series s[XB_NLOADS][MAX_TOOLS + 1];   /* [load][tool], [.][ntools]: A/A */
    double life_cpu_s, life_s;  /* the first tool's whole lives (wait4) */
};

static bool stopped(const struct xb_overhead_opts *o)
{
    return o->stop && *o->stop;
}

static struct series *series_of(struct ovh *v, int load, int kind)
{
    return &v->s[load][kind == AA ? v->ntools : kind];
}

static int push(struct series *s, double pct, const struct bside *b, int cap)
{
    if (!s->pct) {
        s->pct = calloc((size_t)cap, sizeof *s->pct);
        s->cpu = calloc((size_t)cap, sizeof *s->cpu);
        s->eps = calloc((size_t)cap, sizeof *s->eps);
        s->lost = calloc((size_t)cap, sizeof *s->lost);
        if (!s->pct || !s->cpu || !s->eps || !s->lost)
            return -ENOMEM;
    }
    s->pct[s->n] = pct;
    s->cpu[s->n] = b ? b->cpu_pct : NAN;
    s->eps[s->n] = b ? b->events_per_s : NAN;
    /* perf's losses counted in chunks only: kept as minus the chunks */
    s->lost[s->n] = !b ? NAN : b->lost_chunks > 0 ? -b->lost_chunks : b->lost;
    s->n++;
    return 0;
}

/* ---- the loads ---- */

static int measure_once(struct ovh *v, int load, double *value, struct xb_err *err)
{
    const struct xb_overhead_opts *o = v->o;
    double s;
    int rc;
    switch (load) {
    case XB_LOAD_IDLE:
        xb_sleep_s(o->idle_s, o->stop);
        *value = 0;
        return 0;
    case XB_LOAD_PINGPONG:
        return xb_pingpong_run(o->pingpong_s, value, err);
    default:
        xb_linpack_reset(&v->lp);
        if ((rc = xb_linpack_solve(&v->lp, &s, err)))
            return rc;
        *value = xb_linpack_mflops(v->lp.n, s);
        return 0;
    }
}

/* One side: the median of K measurements (never the best: the median keeps
 * the solves the recorder's periodic work disturbed as they come). */
static int measure_side(struct ovh *v, int load, double *median, struct xb_err *err)
{
    const struct xb_overhead_opts *o = v->o;
    double m[64];
    int k = o->solves < 1 ? 1 : o->solves > 64 ? 64 : o->solves;
    for (int i = 0; i < k; i++) {
        if (stopped(o))
            return -EINTR;
        int rc = measure_once(v, load, &m[i], err);
        if (rc)
            return rc;
    }
    struct xb_spread sp;
    if (xb_spread_of(m, (size_t)k, &sp))
        return xb_err_set(err, -ENOMEM, "out of memory");
    *median = sp.median;
    return 0;
}

/* ---- the tools ---- */

static bool find_in_path(const char *name, char *out, size_t len)
{
    const char *path = getenv("PATH");
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path && *path ? path : "/usr/bin:/bin");
    for (char *save = NULL, *dir = strtok_r(buf, ":", &save); dir;
         dir = strtok_r(NULL, ":", &save)) {
        snprintf(out, len, "%s/%s", dir, name);
        if (access(out, X_OK) == 0)
            return true;
    }
    return false;
}

static int start_tool(struct ovh *v, const struct tool *t, struct xb_bg *bg,
                      struct xb_err *err)
{
    const struct xb_overhead_opts *o = v->o;
    int rc;
    if (strcmp(t->label, "while") == 0) {
        rc = xb_bg_start_shell(bg, o->while_cmd, v->log, err);
        if (rc == 0)   /* no readiness signal: it must survive the settle time */
            rc = xb_bg_wait_ready(bg, NULL, NULL, o->settle_s, o->stop, err);
        return rc;
    }
    if (strcmp(t->label, "perf") == 0) {
        char *argv[] = { (char *)t->exe, "sched", "record", "-a", "-o", v->perfdata,
                         NULL };
        if ((rc = xb_bg_start(bg, argv, v->log, err)))
            return rc;
        rc = xb_bg_wait_ready(bg, NULL, v->perfdata, o->ready_timeout_s, o->stop,
                              err);
    } else {
        char *argv[] = { (char *)o->self_exe, "record", "-o", v->run, "-d", "86400",
                         NULL };
        if ((rc = xb_bg_start(bg, argv, v->log, err)))
            return rc;
        char manifest[PATH_MAX + 32];
        snprintf(manifest, sizeof manifest, "%s/manifest.json", v->run);
        rc = xb_bg_wait_ready(bg, "recording", manifest, o->ready_timeout_s,
                              o->stop, err);
    }
    if (rc == 0)
        xb_sleep_s(o->settle_s, o->stop);
    snprintf(bg->what, sizeof bg->what, "%s", t->what);
    return rc;
}

/* A presenter that only keeps the counts of the run it is shown. */
struct counts {
    uint64_t records, lost;
};

static int count_end(const struct xb_run_info *info, void *ctx)
{
    struct counts *c = ctx;
    c->records = info->records;
    for (unsigned i = 0; i < info->npcpu; i++)
        c->lost += info->lost[i];
    return 0;
}

/* Events a stopped tool recorded and lost over its life. */
static void life_counts(struct ovh *v, const struct tool *t, struct bside *b)
{
    b->events_per_s = b->lost = NAN;
    if (strcmp(t->label, "record") == 0) {
        static const struct xb_presenter counter = { .end = count_end };
        struct counts c = { 0, 0 };
        struct xb_input_opts in = { .path = v->run };
        struct xb_err e = { 0 };
        if (xb_pipeline_run(&in, &counter, &c, &e) == 0) {
            b->events_per_s = (double)c.records;
            b->lost = (double)c.lost;
        }
    } else if (strcmp(t->label, "perf") == 0) {
        /* perf record ends with "[ perf record: Captured and wrote X MB
         * FILE (N samples) ]" and, when it lost some, "Processed M samples
         * and lost P%!" */
        FILE *f = fopen(v->log, "re");
        char line[1024];
        double processed = 0, pct = 0;
        unsigned long long n;
        while (f && fgets(line, sizeof line, f)) {
            const char *p = strstr(line, "samples)");
            if (strstr(line, "Captured and wrote") && p) {
                const char *q = p;
                while (q > line && q[-1] == ' ')
                    q--;
                while (q > line && q[-1] >= '0' && q[-1] <= '9')
                    q--;
                if (sscanf(q, "%llu", &n) == 1)
                    b->events_per_s = (double)n;
            }
            unsigned long long chunks;
            if ((p = strstr(line, "Processed ")) &&
                sscanf(p, "Processed %lf samples and lost %lf%%", &processed, &pct) == 2)
                b->lost = processed * pct / 100.0;
            else if (p && sscanf(p, "Processed %*f events and lost %llu chunk",
                                 &chunks) == 1 && chunks > 0)
                b->lost_chunks = (double)chunks;
        }
        if (f)
            fclose(f);
        if (!isnan(b->events_per_s) && isnan(b->lost) && !b->lost_chunks)
            b->lost = 0;
    }
}

/* A B side: start the tool, measure, check it still runs, stop it, count. */
static int side_b(struct ovh *v, int load, int ti, double *value, struct bside *b,
                  struct xb_err *err)
{
    const struct xb_overhead_opts *o = v->o;
    const struct tool *t = &v->tools[ti];
    struct xb_bg bg;
    int rc = start_tool(v, t, &bg, err);
    double c0 = 0, t0 = 0, c1 = 0, t1 = 0;
    if (rc == 0 && !stopped(o)) {
        c0 = xb_bg_group_cpu_s(&bg);
        t0 = (double)xb_mono_ns() * 1e-9;
        rc = measure_side(v, load, value, err);
        c1 = xb_bg_group_cpu_s(&bg);
        t1 = (double)xb_mono_ns() * 1e-9;
    }
    if (rc == 0 && !xb_bg_running(&bg)) {
        char tail[300];
        xb_bg_log_tail(&bg, tail, sizeof tail);
        rc = xb_err_set(err, -XB_EINPUT, "'%s' ended during the measurement; "
                        "its output ends: %s", bg.what, tail[0] ? tail : "(nothing)");
    }
    xb_bg_stop(&bg, 10, 5);
    if (rc == 0 && strcmp(t->label, "record") == 0 &&
        !(bg.reaped && WIFEXITED(bg.status) && WEXITSTATUS(bg.status) == 0)) {
        char tail[300];
        xb_bg_log_tail(&bg, tail, sizeof tail);
        rc = xb_err_set(err, -XB_EINPUT, "'%s' did not end cleanly at SIGINT "
                        "(wait status 0x%x); its output ends: %s", bg.what,
                        (unsigned)bg.status, tail[0] ? tail : "(nothing)");
    }
    double life = bg.t_end > bg.t_start ? bg.t_end - bg.t_start : 0;
    if (ti == 0 && bg.reaped) {
        v->life_cpu_s += bg.cpu_s;
        v->life_s += life;
    }
    b->cpu_pct = t1 > t0 ? 100.0 * (c1 - c0) / (t1 - t0) : NAN;
    if (rc == 0) {
        life_counts(v, t, b);
        if (life > 0)
            b->events_per_s /= life;        /* NaN stays NaN */
    }
    xb_rm_tree(v->run);
    unlink(v->perfdata);
    if (rc == 0 && stopped(o))
        rc = -EINTR;
    return rc;
}

/* ---- pairs ---- */

static void print_num(FILE *out, double x, const char *fmt)
{
    if (isnan(x) || x < 0)
        fputs("\t-", out);
    else
        fprintf(out, fmt, x);
}

/* One pair of a load: kind is a tool index or AA; b_first puts the B (or
 * second A) side first. */
static int run_pair(struct ovh *v, int load, int no, int kind, bool b_first,
                    int cap, struct xb_err *err)
{
    const struct xb_overhead_opts *o = v->o;
    double a = 0, b = 0;
    struct bside bs = { NAN, NAN, NAN, 0 };
    int rc = 0;
    for (int side = 0; side < 2 && rc == 0; side++) {
        bool is_b = (side == 0) == b_first;
        xb_sleep_s(o->settle_s, o->stop);
        if (stopped(o))
            return -EINTR;
        if (is_b && kind != AA)
            rc = side_b(v, load, kind, &b, &bs, err);
        else
            rc = measure_side(v, load, is_b ? &b : &a, err);
    }
    if (rc)
        return rc;
    double pct = load == XB_LOAD_IDLE || a <= 0 ? NAN : 100.0 * (a - b) / a;
    if ((rc = push(series_of(v, load, kind), pct, kind == AA ? NULL : &bs, cap)))
        return xb_err_set(err, rc, "out of memory");
    FILE *out = v->out;
    fprintf(out, "%d\t%s\t%s", no, kind == AA ? "A/A" : v->tools[kind].label,
            load == XB_LOAD_IDLE ? "B" : b_first ? "B A" : "A B");
    if (load == XB_LOAD_IDLE)
        fputs("\t-\t-\t-", out);
    else
        fprintf(out, "\t%.1f\t%.1f\t%.2f", a, b, pct);
    print_num(out, bs.cpu_pct, "\t%.2f");
    print_num(out, bs.events_per_s, "\t%.0f");
    if (bs.lost_chunks > 0)
        fprintf(out, "\t%.0f chunks", bs.lost_chunks);
    else
        print_num(out, bs.lost, "\t%.0f");
    fputc('\n', out);
    fflush(out);
    return 0;
}

static void shuffle(int *k, int n, unsigned short *rng)
{
    for (int i = n - 1; i > 0; i--) {
        int j = (int)(nrand48(rng) % (long)(i + 1));
        int t = k[i];
        k[i] = k[j];
        k[j] = t;
    }
}

static int prepare_linpack(struct ovh *v, struct xb_err *err)
{
    const struct xb_overhead_opts *o = v->o;
    int n = o->n, rc;
    double probe_s = 0;
    if (n == 0) {
        if ((rc = xb_linpack_autosize(1.0, 2.0, 500, 20000, &n, &probe_s, err)))
            return rc;
        fprintf(v->out, "N = %d (chosen: one solve took %.2f s)\n", n, probe_s);
    } else {
        fprintf(v->out, "N = %d (--n)\n", n);
    }
    return xb_linpack_init(&v->lp, n, 42, err);
}

static int run_load(struct ovh *v, int load, struct xb_err *err)
{
    const struct xb_overhead_opts *o = v->o;
    FILE *out = v->out;
    int rc;
    fprintf(out, "\n== %s", xb_ovh_load_names[load]);
    if (load == XB_LOAD_IDLE)
        fprintf(out, ": nothing runs; %.1f s per measurement\n", o->idle_s);
    else if (load == XB_LOAD_PINGPONG)
        fprintf(out, ": two threads pass a byte through pipes, %.1f s per "
                "measurement, in round trips/s\n", o->pingpong_s);
    else
        fprintf(out, ": LAPACK dgesv, in MFLOPS\n");
    if (load == XB_LOAD_LINPACK && (rc = prepare_linpack(v, err)))
        return rc;
    /* The schedule: pairs per tool and (not idle) as many A/A pairs. */
    int kinds = v->ntools + (load == XB_LOAD_IDLE ? 0 : 1);
    int n = kinds * o->pairs, *plan = malloc((size_t)n * sizeof *plan);
    if (!plan)
        return xb_err_set(err, -ENOMEM, "out of memory");
    for (int i = 0; i < n; i++)
        plan[i] = i / o->pairs < v->ntools ? i / o->pairs : AA;
    shuffle(plan, n, v->rng);
    fprintf(out, "pair\tkind\torder\tA\tB\toverhead_%%\ttool_cpu_%%core\t"
            "events/s\tlost\n");
    fflush(out);
    rc = 0;
    for (int i = 0; i < n && rc == 0; i++)
        rc = run_pair(v, load, i + 1, plan[i], nrand48(v->rng) & 1, o->pairs, err);
    free(plan);
    if (rc == 0 && load == XB_LOAD_LINPACK) {
        double r = xb_linpack_residual(&v->lp);
        if (!(r < 16.0))
            rc = xb_err_set(err, -XB_EINPUT, "LINPACK: scaled residual %.3g is "
                            "not below 16: the solve is wrong", r);
        else
            fprintf(out, "residual: %.4f (HPL scaled, must be < 16)\n", r);
    }
    return rc;
}

/* ---- the summary ---- */

/* Median of the known (not NaN, >= 0 unless signed) values of v. */
static bool median_of(const double *v, size_t n, bool signed_ok, struct xb_spread *sp)
{
    double w[1000];
    size_t k = 0;
    for (size_t i = 0; i < n && k < 1000; i++)
        if (!isnan(v[i]) && (signed_ok || v[i] >= 0))
            w[k++] = v[i];
    return k && xb_spread_of(w, k, sp) == 0;
}

static void summary(struct ovh *v)
{
    FILE *out = v->out;
    fprintf(out, "\n== summary: overhead = 100 (A - B) / A, median of the pairs "
            "[smallest..largest]; the tool's CPU while measuring (%% of one core) "
            "and events it recorded per second of its life, medians of the B "
            "sides; events it lost, the most of any B side (perf counts some "
            "losses in chunks only)\n");
    fprintf(out, "load\ttool\tpairs\toverhead_%%\tspread_%%\ttool_cpu_%%core\t"
            "events/s\tlost\n");
    for (int l = 0; l < XB_NLOADS; l++) {
        for (int k = v->ntools; k >= 0; k--) {   /* A/A first: the floor */
            struct series *s = &v->s[l][k];
            if (!s->n)
                continue;
            struct xb_spread p, c, e, lo;
            fprintf(out, "%s\t%s\t%zu", xb_ovh_load_names[l],
                    k == v->ntools ? "A/A" : v->tools[k].label, s->n);
            if (median_of(s->pct, s->n, true, &p))
                fprintf(out, "\t%.2f\t%.2f..%.2f", p.median, p.min, p.max);
            else
                fputs("\t-\t-", out);
            print_num(out, median_of(s->cpu, s->n, false, &c) ? c.median : NAN,
                      "\t%.2f");
            print_num(out, median_of(s->eps, s->n, false, &e) ? e.median : NAN,
                      "\t%.0f");
            /* the largest loss of any B side; chunks when perf gave no count */
            double chunks = 0;
            for (size_t i = 0; i < s->n; i++)
                if (s->lost[i] < 0 && -s->lost[i] > chunks)
                    chunks = -s->lost[i];
            if (chunks > 0)
                fprintf(out, "\t%.0f chunks", chunks);
            else
                print_num(out, median_of(s->lost, s->n, false, &lo) ? lo.max : NAN,
                          "\t%.0f");
            fputc('\n', out);
        }
    }
    if (v->life_s > 0)
        fprintf(out, "%s's whole lives (start and stop included, wait4): %.2f s of "
                "CPU in %.1f s = %.2f %% of one core\n", v->tools[0].label,
                v->life_cpu_s, v->life_s, 100.0 * v->life_cpu_s / v->life_s);
    for (int l = XB_LOAD_LINPACK; l > XB_LOAD_IDLE; l--) {
        struct series *s = &v->s[l][0];
        struct xb_spread p;
        if (s->n && median_of(s->pct, s->n, true, &p)) {
            fprintf(out, "overhead: %.2f %% (median of %zu pairs, spread "
                    "%.2f..%.2f %%)\n", p.median, s->n, p.min, p.max);
            break;
        }
    }
    fflush(out);
}

int xb_overhead_run(const struct xb_overhead_opts *o, struct xb_err *err)
{
    struct ovh *v = calloc(1, sizeof *v);
    if (!v)
        return xb_err_set(err, -ENOMEM, "out of memory");
    v->o = o;
    v->out = o->out;
    const char *tmpdir = getenv("TMPDIR");
    snprintf(v->tmp, sizeof v->tmp, "%s/xenbench-overhead-XXXXXX",
             tmpdir && *tmpdir ? tmpdir : "/tmp");
    if (!mkdtemp(v->tmp)) {
        int e = errno;
        xb_err_set(err, -e, "%s: %s", v->tmp, strerror(e));
        free(v);
        return -e;
    }
    snprintf(v->run, sizeof v->run, "%s/run", v->tmp);
    snprintf(v->perfdata, sizeof v->perfdata, "%s/perf.data", v->tmp);
    snprintf(v->log, sizeof v->log, "%s/tool.log", v->tmp);
    FILE *out = v->out;
    int rc = 0;

    unsigned long seed = o->seed_given ? o->seed
                       : (unsigned long)time(NULL) ^ ((unsigned long)getpid() << 16);
    seed &= 0xffffffffffffUL;          /* 48 bits: nrand48's state */
    v->rng[0] = (unsigned short)seed;
    v->rng[1] = (unsigned short)(seed >> 16);
    v->rng[2] = (unsigned short)(seed >> 32);

    struct tool *t = &v->tools[v->ntools++];
    if (o->while_cmd) {
        t->label = "while";
        snprintf(t->what, sizeof t->what, "%s", o->while_cmd);
    } else {
        t->label = "record";
        snprintf(t->what, sizeof t->what, "xenbench record");
    }
    bool noperf = false;
    if (o->perf && !o->while_cmd) {
        t = &v->tools[v->ntools];
        if (find_in_path("perf", t->exe, sizeof t->exe)) {
            t->label = "perf";
            snprintf(t->what, sizeof t->what, "%s", PERF_WHAT);
            v->ntools++;
        } else {
            noperf = true;
        }
    }

    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    if (o->loads & (1u << XB_LOAD_LINPACK)) {
        if ((rc = xb_linpack_load(err)))
            goto out;
        xb_linpack_set_threads(o->threads > 0 ? o->threads
                                              : (int)(ncpu > 0 ? ncpu : 1));
        fprintf(out, "LINPACK: dgesv on %s; %d thread(s) on %ld core(s)\n",
                xb_linpack_backend(), xb_linpack_threads(), ncpu);
    } else {
        fprintf(out, "cores: %ld\n", ncpu);
    }
    fprintf(out, "seed: %lu (--seed %lu repeats this order)\n", seed, seed);
    fprintf(out, "tools: ");
    for (int i = 0; i < v->ntools; i++)
        fprintf(out, "%s%s (%s)", i ? ", " : "", v->tools[i].what, v->tools[i].label);
    fputc('\n', out);
    if (noperf)
        fprintf(out, "perf sched record -a: perf not found in PATH (Debian: "
                "linux-perf), not measured\n");
    fprintf(out, "%d pairs per tool and load, and %d A/A pairs per load (both "
            "sides without a tool), in shuffled order, each pair A B or B A; "
            "a side is the median of %d measurements\n", o->pairs, o->pairs,
            o->solves);
    fflush(out);

    for (int l = 0; l < XB_NLOADS && rc == 0; l++)
        if (o->loads & (1u << l))
            rc = run_load(v, l, err);
    if (rc == 0)
        summary(v);
out:
    xb_linpack_free(&v->lp);
    for (int l = 0; l < XB_NLOADS; l++)
        for (int k = 0; k <= MAX_TOOLS; k++) {
            free(v->s[l][k].pct);
            free(v->s[l][k].cpu);
            free(v->s[l][k].eps);
            free(v->s[l][k].lost);
        }
    xb_rm_tree(v->tmp);
    free(v);
    return rc;
}
