/* test_winfile.c: an aggregated run (pipeline/winfile.c, windows_run.c)
 * reads back exactly what the engine and the counters gave.  Each recorded
 * Linux fixture (tests/linux-runs/) is reported through the pipeline with
 * a presenter that writes its windows and counter figures into a
 * windows.jsonl.gz, as `record --aggregate` does live; that folder is then
 * reported again, and every window must be the same: every (domain, vCPU,
 * pCPU, state) ns and switch-in count, the pCPUs' unknown time, the
 * contradictions, the final states, and every counter series' figure
 * (within 1e-9 relative: it went through a decimal).  Also at twice the
 * interval and as one window (merged from the 1 s windows), against the
 * raw run reported at those intervals; and the errors a damaged file
 * gives. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>
#include <math.h>

#include "pipeline/pipeline.h"
#include "pipeline/winfile.h"

#ifndef XB_LINUX_RUNS
#error "XB_LINUX_RUNS: the tests/linux-runs directory (tests/meson.build)"
#endif

#define S 1000000000ull

struct cell {
    uint32_t dom, inst, vcpu;
    unsigned pcpu;
    uint64_t ns[XB_NSTATES], execs;
    int final_state;
    uint64_t final_since;
};

struct fig {
    char entity[64], metric[32];
    enum xb_series_kind kind;
    double v;
};

struct win {
    uint64_t t0, t1, mis, punk[8];
    unsigned index, npcpu;
    bool final;
    struct cell *c;
    size_t nc;
    struct fig *f;
    size_t nf;
};

struct cap {
    struct win w[64];
    unsigned n;
    const struct xb_window *cur;
    const struct xb_counters *ctr;
    uint64_t records, span;
    bool no_stats;          /* the run's uncertainty counts are not known */
    uint64_t repaired;      /* the Linux repairs it counted */
};

static int add_fig(const char *entity, const char *metric, enum xb_series_kind kind,
                   void *ctx)
{
    struct cap *c = ctx;
    struct win *w = &c->w[c->n];
    double v;
    if (!xb_counters_rate(c->ctr, entity, metric, c->cur->t_start_ns,
                          c->cur->t_end_ns, &v))
        return 0;
    w->f = realloc(w->f, (w->nf + 1) * sizeof *w->f);
    assert_non_null(w->f);
    struct fig *f = &w->f[w->nf++];
    snprintf(f->entity, sizeof f->entity, "%s", entity);
    snprintf(f->metric, sizeof f->metric, "%s", metric);
    f->kind = kind;
    f->v = v;
    return 0;
}

static int cap_window(const struct xb_window *win, const struct xb_run_info *info,
                      void *ctx)
{
    struct cap *c = ctx;
    assert_true(c->n < 64);
    struct win *w = &c->w[c->n];
    memset(w, 0, sizeof *w);
    w->t0 = win->t_start_ns;
    w->t1 = win->t_end_ns;
    w->index = win->index;
    w->npcpu = win->npcpu;
    w->final = win->final;
    w->mis = win->mismatches;
    assert_true(win->npcpu <= 8);
    memcpy(w->punk, win->pcpu_unknown_ns, win->npcpu * sizeof *w->punk);
    for (unsigned i = 0; i < win->ndomain; i++) {
        const struct xb_domain_acc *d = &win->domains[i];
        for (unsigned k = 0; k < d->nvcpu; k++) {
            const struct xb_vcpu_acc *v = &d->vcpus[k];
            for (unsigned p = 0; p <= win->npcpu; p++) {
                const struct xb_acc *a = &v->pcpu[p];
                bool any = a->execs != 0;
                for (unsigned s = 0; s < XB_NSTATES; s++)
                    any |= a->ns[s] != 0;
                /* every vCPU once (pCPU ~0u), so that empty ones count */
                if (!any && p != 0)
                    continue;
                w->c = realloc(w->c, (w->nc + 1) * sizeof *w->c);
                assert_non_null(w->c);
                struct cell *cl = &w->c[w->nc++];
                *cl = (struct cell){ d->domid, d->instance, v->vcpu, any ? p : ~0u,
                                     { 0 }, a->execs,
                                     win->final ? (int)v->final_state : -1,
                                     win->final ? v->final_since_ns : 0 };
                memcpy(cl->ns, a->ns, sizeof cl->ns);
                if (!any)
                    cl->execs = 0;
            }
        }
    }
    c->cur = win;
    c->ctr = info->counters;
    if (info->counters)
        xb_counters_each_series(info->counters, add_fig, c);
    c->n++;
    return 0;
}

static int cap_end(const struct xb_run_info *info, void *ctx)
{
    struct cap *c = ctx;
    c->records = info->records;
    c->span = info->span_ns;
    c->no_stats = info->no_stats;
    c->repaired = info->repairs.bounded + info->repairs.unbounded;
    return 0;
}

static void cap_free(struct cap *c)
{
    for (unsigned i = 0; i < c->n; i++) {
        free(c->w[i].c);
        free(c->w[i].f);
    }
    c->n = 0;
}

static const struct xb_presenter capture = { .window = cap_window, .end = cap_end };

static void report(const char *path, uint64_t interval, struct cap *c)
{
    struct xb_input_opts o = { .path = path, .interval_ns = interval };
    struct xb_err err = { 0 };
    memset(c, 0, sizeof *c);
    int rc = xb_pipeline_run(&o, &capture, c, &err);
    if (rc)
        fprintf(stderr, "%s: %s\n", path, err.msg);
    assert_int_equal(rc, 0);
}

/* A presenter that writes windows.jsonl.gz as record --aggregate does. */
struct writer {
    struct xb_winfile_w *w;
    char path[600];
};

static int wr_begin(const struct xb_run_info *info, void *ctx)
{
    struct writer *wr = ctx;
    struct xb_err err = { 0 };
    int rc = xb_winfile_create(&wr->w, wr->path, info->npcpu, S,
                               "2026-12-01T00:00:00.000Z", info->names, &err);
    if (rc)
        fprintf(stderr, "%s\n", err.msg);
    return rc ? 1 : 0;
}

static int wr_window(const struct xb_window *win, const struct xb_run_info *info,
                     void *ctx)
{
    struct writer *wr = ctx;
    struct xb_err err = { 0 };
    return xb_winfile_window(wr->w, win, info->counters, &err) ? 1 : 0;
}

static int wr_end(const struct xb_run_info *info, void *ctx)
{
    struct writer *wr = ctx;
    struct xb_winfile_info end = { .npcpu = info->npcpu, .span_ns = info->span_ns,
                                   .records = info->records,
                                   .lost = (uint64_t *)info->lost,
                                   .lost_notices = (uint64_t *)info->lost_notices };
    struct xb_err err = { 0 };
    uint64_t bytes;
    return xb_winfile_finish(wr->w, &end, &bytes, &err) ? 1 : 0;
}

static const struct xb_presenter writer = { .begin = wr_begin, .window = wr_window,
                                            .end = wr_end };

/* An aggregated run folder of the fixture, in a new temporary folder. */
static char *aggregate(const char *fixture)
{
    static char dir[512];
    snprintf(dir, sizeof dir, "%s/xb-winfile-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    assert_non_null(mkdtemp(dir));
    struct writer wr;
    snprintf(wr.path, sizeof wr.path, "%s/%s", dir, XB_WINFILE_NAME);
    struct xb_input_opts o = { .path = fixture, .interval_ns = S };
    struct xb_err err = { 0 };
    assert_int_equal(xb_pipeline_run(&o, &writer, &wr, &err), 0);
    char m[700];
    snprintf(m, sizeof m, "%s/manifest.json", dir);
    FILE *f = fopen(m, "w");
    assert_non_null(f);
    fprintf(f, "{\"format\": \"xenbench-run\", \"version\": 1, \"source\": \"linux\", "
            "\"state\": \"complete\", \"t_stop_mono_ns\": 1, \"trace\": {\"format\": "
            "\"xenbench-windows\", \"file\": \"%s\"}}\n", XB_WINFILE_NAME);
    fclose(f);
    return dir;
}

static void remove_dir(const char *dir)
{
    char p[700];
    snprintf(p, sizeof p, "%s/%s", dir, XB_WINFILE_NAME);
    unlink(p);
    snprintf(p, sizeof p, "%s/manifest.json", dir);
    unlink(p);
    rmdir(dir);
}

static void same(const struct cap *a, const struct cap *b, bool figures)
{
    assert_int_equal(a->n, b->n);
    assert_int_equal(a->records, b->records);
    assert_int_equal(a->span, b->span);
    for (unsigned i = 0; i < a->n; i++) {
        const struct win *x = &a->w[i], *y = &b->w[i];
        assert_int_equal(x->t0, y->t0);
        assert_int_equal(x->t1, y->t1);
        assert_int_equal(x->index, y->index);
        assert_int_equal(x->final, y->final);
        assert_int_equal(x->mis, y->mis);
        assert_memory_equal(x->punk, y->punk, x->npcpu * sizeof *x->punk);
        assert_int_equal(x->nc, y->nc);
        for (size_t k = 0; k < x->nc; k++) {
            const struct cell *p = &x->c[k], *q = &y->c[k];
            assert_int_equal(p->dom, q->dom);
            assert_int_equal(p->inst, q->inst);
            assert_int_equal(p->vcpu, q->vcpu);
            assert_int_equal(p->pcpu, q->pcpu);
            assert_memory_equal(p->ns, q->ns, sizeof p->ns);
            assert_int_equal(p->execs, q->execs);
            assert_int_equal(p->final_state, q->final_state);
            assert_int_equal(p->final_since, q->final_since);
        }
        if (!figures)
            continue;
        /* The aggregated run may carry a gauge's last mean into the final
         * (part) window where the raw run had no sample left: never more. */
        size_t extra = 0;
        for (size_t k = 0; k < y->nf; k++)
            extra += x->final && y->f[k].kind == XB_GAUGE;
        if (!(y->nf >= x->nf && y->nf <= x->nf + extra))
            fail_msg("window %u: %zu figures raw, %zu aggregated", i, x->nf, y->nf);
        for (size_t k = 0; k < x->nf; k++) {
            /* the same series, maybe in another order */
            size_t j = 0;
            while (j < y->nf && (strcmp(y->f[j].entity, x->f[k].entity) ||
                                 strcmp(y->f[j].metric, x->f[k].metric)))
                j++;
            assert_true(j < y->nf);
            double d = fabs(x->f[k].v - y->f[j].v);
            if (d > 1e-9 * fmax(fabs(x->f[k].v), 1.0))
                fail_msg("%s %s window %u: %.12g vs %.12g", x->f[k].entity,
                         x->f[k].metric, i, x->f[k].v, y->f[j].v);
        }
    }
}

/* A figure of a merged window, from the 1 s windows it spans: cumulative
 * series their rates weighted by time, gauges the mean of the windows'
 * means (one sample each); only series every 1 s window has. */
static void merged_figures(const struct cap *one, const struct win *m)
{
    const struct win *first = NULL;
    for (unsigned i = 0; i < one->n && !first; i++)
        if (one->w[i].t0 == m->t0)
            first = &one->w[i];
    assert_non_null(first);
    for (size_t k = 0; k < first->nf; k++) {
        const struct fig *f = &first->f[k];
        bool gauge = f->kind == XB_GAUGE;
        double sum = 0, wsum = 0;
        unsigned n = 0;
        bool all = true;
        for (unsigned i = 0; i < one->n; i++) {
            const struct win *w = &one->w[i];
            if (w->t0 < m->t0 || w->t1 > m->t1)
                continue;
            size_t j = 0;
            while (j < w->nf && (strcmp(w->f[j].entity, f->entity) ||
                                 strcmp(w->f[j].metric, f->metric)))
                j++;
            if (j == w->nf) {
                all = false;
                break;
            }
            double dt = (double)(w->t1 - w->t0);
            sum += gauge ? w->f[j].v : w->f[j].v * dt;
            wsum += gauge ? 1 : dt;
            n++;
        }
        if (!all || !n)
            continue;
        double want = sum / wsum;
        size_t j = 0;
        while (j < m->nf && (strcmp(m->f[j].entity, f->entity) ||
                             strcmp(m->f[j].metric, f->metric)))
            j++;
        if (j == m->nf)
            fail_msg("%s %s: no figure in the merged window %u", f->entity,
                     f->metric, m->index);
        if (fabs(m->f[j].v - want) > 1e-9 * fmax(fabs(want), 1.0))
            fail_msg("%s %s merged window %u: %.12g, its 1 s windows give %.12g",
                     f->entity, f->metric, m->index, m->f[j].v, want);
    }
}

static void round_trip(const char *name)
{
    char fixture[600];
    snprintf(fixture, sizeof fixture, "%s/%s", XB_LINUX_RUNS, name);
    char *dir = aggregate(fixture);
    struct cap raw, agg, one;
    /* At the recording interval: everything the same. */
    report(fixture, S, &one);
    report(dir, S, &agg);
    assert_true(one.n > 1);
    assert_true(one.w[0].nf > 0);               /* the fixture has counters */
    same(&one, &agg, true);
    /* The windows keep no counts of repairs, contradictions or unknown by
     * cause: the aggregated run says it does not know them (never 0). */
    assert_false(one.no_stats);
    assert_true(one.repaired > 0);
    assert_true(agg.no_stats);
    cap_free(&agg);
    /* Merged: the time the same as the raw run at that interval; the
     * counters' figures those of the 1 s windows they span. */
    static const uint64_t intervals[] = { 2 * S, 0 };
    for (size_t i = 0; i < 2; i++) {
        report(fixture, intervals[i], &raw);
        report(dir, intervals[i], &agg);
        same(&raw, &agg, false);
        for (unsigned k = 0; k < agg.n; k++)
            merged_figures(&one, &agg.w[k]);
        cap_free(&raw);
        cap_free(&agg);
    }
    cap_free(&one);
    remove_dir(dir);
}

static void process_run(void **state)
{
    (void)state;
    round_trip("process-2s");
}

static void cgroup_run(void **state)
{
    (void)state;
    round_trip("cgroup-3s");
}

/* Rewrite the fixture's windows file with line `lineno` replaced. */
static void damage(const char *dir, unsigned lineno, const char *text)
{
    char p[700], q[720];
    snprintf(p, sizeof p, "%s/%s", dir, XB_WINFILE_NAME);
    snprintf(q, sizeof q, "%s.new", p);
    gzFile in = gzopen(p, "rb"), out = gzopen(q, "wb");
    assert_non_null(in);
    assert_non_null(out);
    static char line[1 << 20];
    for (unsigned n = 1; gzgets(in, line, sizeof line); n++)
        gzputs(out, n == lineno ? text : line);
    gzclose(in);
    gzclose(out);
    assert_int_equal(rename(q, p), 0);
}

static void errors(void **state)
{
    (void)state;
    char fixture[600];
    snprintf(fixture, sizeof fixture, "%s/process-2s", XB_LINUX_RUNS);
    char *dir = aggregate(fixture);
    struct xb_err err = { 0 };
    struct cap c;
    struct xb_input_opts o = { .path = dir, .interval_ns = S / 2 };
    memset(&c, 0, sizeof c);
    assert_int_equal(xb_pipeline_run(&o, &capture, &c, &err), -XB_EUSAGE);
    assert_non_null(strstr(err.msg, "--interval must be a whole multiple"));
    cap_free(&c);

    damage(dir, 3, "{\"w\": 1, \"t\": [1000000000, 2000000000], \"final\": false}\n");
    memset(&err, 0, sizeof err);
    o.interval_ns = S;
    assert_int_equal(xb_pipeline_run(&o, &capture, &c, &err), -XB_EINPUT);
    char want[800];
    snprintf(want, sizeof want, "%s/%s: line 3: expected a window", dir, XB_WINFILE_NAME);
    if (strncmp(err.msg, want, strlen(want)))
        fail_msg("%s", err.msg);
    cap_free(&c);

    damage(dir, 3, "not json\n");
    memset(&err, 0, sizeof err);
    assert_int_equal(xb_pipeline_run(&o, &capture, &c, &err), -XB_EINPUT);
    snprintf(want, sizeof want, "%s/%s: line 3: column", dir, XB_WINFILE_NAME);
    if (strncmp(err.msg, want, strlen(want)))
        fail_msg("%s", err.msg);
    cap_free(&c);
    remove_dir(dir);
}

/* Sleeping and exited threads ("still" vCPUs): a vCPU in one state on one
 * pCPU for a whole window (blocked, or offline once exited) is written
 * once, left out of the lines after while it stays so, named in "drop" when
 * the engine no longer has it, and listed again in the final window; read
 * back, every window is the one written, at the recording's interval and
 * merged. */
struct gv {                       /* one vCPU's cell in a synthetic window */
    uint32_t vcpu;
    unsigned pcpu;
    uint64_t run, block, off;
};

static void still_window(struct xb_winfile_w *w, unsigned index, bool final,
                        const struct gv *g, unsigned n)
{
    static struct xb_acc acc[8][3];
    struct xb_vcpu_acc v[8];
    memset(acc, 0, sizeof acc);
    for (unsigned i = 0; i < n; i++) {
        acc[i][g[i].pcpu].ns[XB_RUNNING] = g[i].run;
        acc[i][g[i].pcpu].ns[XB_BLOCKED] = g[i].block;
        acc[i][g[i].pcpu].ns[XB_OFFLINE] = g[i].off;
        acc[i][g[i].pcpu].execs = g[i].run ? 1 : 0;
        v[i] = (struct xb_vcpu_acc){ g[i].vcpu, acc[i], XB_OFFLINE, 0 };
    }
    struct xb_domain_acc d = { 5, 0, n, v };
    uint64_t punk[2] = { 0, 0 };
    struct xb_window win = { index * S, (index + 1) * S, index, 2, 1, &d, punk, 0,
                             final };
    struct xb_err err = { 0 };
    assert_int_equal(xb_winfile_window(w, &win, NULL, &err), 0);
}

static const struct xb_acc *acc_of(const struct xb_window *win, uint32_t vcpu)
{
    for (unsigned i = 0; i < win->ndomain; i++)
        for (unsigned k = 0; k < win->domains[i].nvcpu; k++)
            if (win->domains[i].domid == 5 && win->domains[i].vcpus[k].vcpu == vcpu)
                return win->domains[i].vcpus[k].pcpu;
    return NULL;
}

static void still_threads(void **state)
{
    (void)state;
    char dir[512], path[600];
    snprintf(dir, sizeof dir, "%s/xb-winfile-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/%s", dir, XB_WINFILE_NAME);
    struct xb_winfile_w *w;
    struct xb_err err = { 0 };
    assert_int_equal(xb_winfile_create(&w, path, 2, S, "2026-12-01T00:00:00.000Z",
                                       NULL, &err), 0);
    /* vCPU 0 runs throughout; 1 exits half-way through window 0, and the
     * engine lets it go in window 4; 2 is blocked, exits at the start of
     * window 3 and is still there, offline, in the final window 5. */
    const struct gv w0[] = { { 0, 0, S, 0, 0 }, { 1, 1, S / 2, 0, S / 2 },
                             { 2, 1, 0, S, 0 } };
    const struct gv w12[] = { { 0, 0, S, 0, 0 }, { 1, 1, 0, 0, S }, { 2, 1, 0, S, 0 } };
    const struct gv w3[] = { { 0, 0, S, 0, 0 }, { 1, 1, 0, 0, S }, { 2, 1, 0, 0, S } };
    const struct gv w45[] = { { 0, 0, S, 0, 0 }, { 2, 1, 0, 0, S } };
    still_window(w, 0, false, w0, 3);
    still_window(w, 1, false, w12, 3);
    still_window(w, 2, false, w12, 3);
    still_window(w, 3, false, w3, 3);
    still_window(w, 4, false, w45, 2);
    still_window(w, 5, true, w45, 2);
    struct xb_winfile_info end = { .npcpu = 2, .span_ns = 6 * S };
    uint64_t bytes;
    assert_int_equal(xb_winfile_finish(w, &end, &bytes, &err), 0);

    /* The lines: vCPU 1 written in windows 0 and 1 only, dropped in 4;
     * vCPU 2 in 0 (blocked), 3 (offline) and again in the final window. */
    gzFile gz = gzopen(path, "rb");
    assert_non_null(gz);
    static char line[1 << 16];
    assert_non_null(gzgets(gz, line, sizeof line));           /* the header */
    static const bool has1[6] = { true, true, false, false, false, false };
    static const bool has2[6] = { true, false, false, true, false, true };
    for (unsigned i = 0; i < 6; i++) {
        assert_non_null(gzgets(gz, line, sizeof line));
        assert_int_equal(strstr(line, "[1,[[") != NULL, has1[i]);
        assert_int_equal(strstr(line, "[2,[[") != NULL, has2[i]);
        assert_int_equal(strstr(line, "\"drop\":[[5,0,1]]") != NULL, i == 4);
    }
    gzclose(gz);

    /* Read back: each window as written; merged by 2 and as one. */
    static const uint64_t intervals[] = { S, 2 * S, 0 };
    for (unsigned k = 0; k < 3; k++) {
        struct xb_winfile_r *r;
        struct xb_winfile_info info;
        struct xb_names names = { 0 };
        struct xb_counters *c = xb_counters_new();
        assert_int_equal(xb_winfile_open(&r, path, &info, &names, c, &err), 0);
        const struct xb_window *win;
        unsigned n = 0;
        uint64_t off1 = 0, off2 = 0, run0 = 0, blk2 = 0;
        while (xb_winfile_next(r, intervals[k], &win, &err) == 1) {
            uint64_t len = win->t_end_ns - win->t_start_ns;
            const struct xb_acc *a0 = acc_of(win, 0), *a1 = acc_of(win, 1),
                                *a2 = acc_of(win, 2);
            assert_non_null(a0);
            assert_non_null(a2);
            assert_int_equal(a0[0].ns[XB_RUNNING], len);
            run0 += a0[0].ns[XB_RUNNING];
            blk2 += a2[1].ns[XB_BLOCKED];
            off2 += a2[1].ns[XB_OFFLINE];
            assert_int_equal(a2[1].ns[XB_BLOCKED] + a2[1].ns[XB_OFFLINE], len);
            /* vCPU 1: in the windows up to 4, every one of their ns */
            assert_int_equal(a1 != NULL, win->t_start_ns < 4 * S);
            if (a1 && win->t_end_ns <= 4 * S)
                assert_int_equal(a1[1].ns[XB_RUNNING] + a1[1].ns[XB_OFFLINE], len);
            if (a1)
                off1 += a1[1].ns[XB_OFFLINE];
            n++;
        }
        assert_int_equal(n, k == 0 ? 6 : k == 1 ? 3 : 1);
        assert_int_equal(run0, 6 * S);
        assert_int_equal(blk2, 3 * S);
        assert_int_equal(off2, 3 * S);
        /* windows 1, 2, 3 and half of 0: never charged after the drop */
        assert_int_equal(off1, 3 * S + S / 2);
        xb_winfile_close(r);
        xb_winfile_info_free(&info);
        xb_counters_free(c);
        free(names.v);
    }
    unlink(path);
    rmdir(dir);
}

/* A recorder killed: the file ends inside a line (every line is flushed
 * whole as written); the windows before it are read, no error. */
static void cut_short(void **state)
{
    (void)state;
    char fixture[600], p[700];
    snprintf(fixture, sizeof fixture, "%s/process-2s", XB_LINUX_RUNS);
    char *dir = aggregate(fixture);
    snprintf(p, sizeof p, "%s/%s", dir, XB_WINFILE_NAME);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(truncate(p, st.st_size - 12), 0);   /* the trailer and more */
    struct cap raw, agg;
    report(fixture, S, &raw);
    report(dir, S, &agg);
    unsigned n = raw.n;
    assert_int_equal(agg.n, n);
    assert_true(agg.w[agg.n - 1].final);
    cap_free(&raw);
    cap_free(&agg);
    /* inside a window line: the windows before it are read, that one not */
    char q[720];
    snprintf(q, sizeof q, "%s.new", p);
    gzFile in = gzopen(p, "rb"), out = gzopen(q, "wb");
    assert_non_null(in);
    assert_non_null(out);
    static char line[1 << 20];
    for (unsigned k = 0; k < 2 && gzgets(in, line, sizeof line); k++)
        gzputs(out, line);                          /* the header, window 0 */
    assert_int_equal(gzflush(out, Z_SYNC_FLUSH), Z_OK);
    assert_int_equal(stat(q, &st), 0);
    off_t whole = st.st_size;
    assert_non_null(gzgets(in, line, sizeof line));
    gzwrite(out, line, (unsigned)strlen(line) / 2); /* half of window 1 */
    gzclose(out);
    gzclose(in);
    assert_int_equal(truncate(q, whole + 20), 0);
    assert_int_equal(rename(q, p), 0);
    report(dir, S, &agg);
    if (agg.n != 1)
        fail_msg("%u windows after the cut, wanted 1", agg.n);
    cap_free(&agg);
    remove_dir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(process_run),
        cmocka_unit_test(cgroup_run),
        cmocka_unit_test(errors),
        cmocka_unit_test(still_threads),
        cmocka_unit_test(cut_short),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
