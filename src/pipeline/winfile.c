/* winfile.c: windows.jsonl.gz written and read (see winfile.h).  It owns
 * the file's layout: jansson for every line, zlib for the compression; it
 * must not decide which windows there are (the engine does) nor present
 * them.
 *
 * A window line:
 *   {"w": INDEX, "t": [T_START_NS, T_END_NS], "final": BOOL, "mis": N,
 *    "punk": [NS of each pCPU without a known occupant],
 *    "dom": [[DOMID, INSTANCE, [[VCPU, [[PCPU, RUN, WAIT, BLOCK, OFF, UNK,
 *             EXECS], ...](, FINAL_STATE, FINAL_SINCE_NS)], ...]], ...],
 *    "ctr": {ENTITY: {COUNTER: FIGURE, ...}, ...},
 *    "kinds": {COUNTER: "c" | "g", ...},       (counters first seen here)
 *    "drop": [[DOMID, INSTANCE, VCPU], ...]}   (still vCPUs no longer kept)
 * PCPU npcpu is "unplaced"; a cell all zero is left out; FIGURE is the
 * counter's rate per second (cumulative) or mean (gauge) over the window.
 *
 * Still vCPUs: a thread that sleeps through a window is blocked on one pCPU
 * for all of it, and one that has exited stays in the engine's windows,
 * offline on its last pCPU for the whole of every window after; on a busy
 * host they are most of a window, and the exited ones pile up.  A vCPU
 * written as in one state on one pCPU for its whole window (one cell, one
 * state, no switch-in) is "still"; in the windows after, while it stays
 * in that state there, it is left out, and the reader charges it that
 * whole window in that state on that pCPU, until a line lists it again (the
 * final window lists every vCPU) or names it in "drop" (the engine kept it
 * no more).  The file then grows with the threads that run, not with all
 * those that ever did.
 */
#define _GNU_SOURCE
#include "winfile.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "util/grow.h"

/* ---- a small string set/map (counter kinds, synthetic series state) ---- */

struct sent {
    char *key;            /* NULL: empty */
    int kind;             /* kinds map: enum xb_series_kind */
    uint64_t t;           /* series: time of its last sample */
    double v;             /*         its value there (cumulative) */
    bool any;
};

struct smap {
    struct sent *e;
    size_t n, cap;
};

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* The entry for key, added when absent (NULL: out of memory). */
static struct sent *smap_get(struct smap *m, const char *key, bool add, bool *added)
{
    if (added)
        *added = false;
    if (add && 2 * (m->n + 1) > m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 64;
        struct sent *e = calloc(cap, sizeof *e);
        if (!e)
            return NULL;
        for (size_t i = 0; i < m->cap; i++) {
            if (!m->e[i].key)
                continue;
            size_t j = hash_str(m->e[i].key) & (cap - 1);
            while (e[j].key)
                j = (j + 1) & (cap - 1);
            e[j] = m->e[i];
        }
        free(m->e);
        m->e = e;
        m->cap = cap;
    }
    if (!m->cap)
        return NULL;
    size_t i = hash_str(key) & (m->cap - 1);
    for (; m->e[i].key; i = (i + 1) & (m->cap - 1))
        if (strcmp(m->e[i].key, key) == 0)
            return &m->e[i];
    if (!add || !(m->e[i].key = strdup(key)))
        return NULL;
    m->n++;
    if (added)
        *added = true;
    return &m->e[i];
}

static void smap_free(struct smap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->e[i].key);
    free(m->e);
    memset(m, 0, sizeof *m);
}

/* ---- writing ---- */

struct xb_winfile_w {
    gzFile gz;
    char path[4096];
    unsigned npcpu;
    unsigned count;
    struct smap kinds;        /* counters declared so far */
    struct smap still;        /* "DOMID.INST.VCPU": any = still (kind: its
                               * cell, PCPU * XB_NSTATES + STATE), t = the
                               * last window it was in + 1 */
    /* one window's counters, gathered by each_series() */
    json_t *ctr, *newkinds;
    const struct xb_window *win;
    const struct xb_counters *c;
    bool oom;
};

static int put_line(struct xb_winfile_w *w, json_t *o, struct xb_err *err)
{
    char *s = o ? json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(10)) : NULL;
    json_decref(o);
    if (!s)
        return xb_err_set(err, -ENOMEM, "out of memory");
    size_t len = strlen(s);
    /* Each line flushed whole (the compression's history kept): a recorder
     * killed leaves every line written before readable. */
    int ok = gzwrite(w->gz, s, (unsigned)len) == (int)len && gzputc(w->gz, '\n') == '\n' &&
             gzflush(w->gz, Z_SYNC_FLUSH) == Z_OK;
    free(s);
    if (!ok) {
        int e = 0;
        const char *why = gzerror(w->gz, &e);
        return xb_err_set(err, -(errno ? errno : EIO), "%s: %s", w->path,
                          e == Z_ERRNO ? strerror(errno ? errno : EIO) : why);
    }
    return 0;
}

int xb_winfile_create(struct xb_winfile_w **out, const char *path, unsigned npcpu,
                      uint64_t interval_ns, const char *start_utc,
                      const struct xb_names *names, struct xb_err *err)
{
    *out = NULL;
    struct xb_winfile_w *w = calloc(1, sizeof *w);
    if (!w)
        return xb_err_set(err, -ENOMEM, "out of memory");
    snprintf(w->path, sizeof w->path, "%s", path);
    w->npcpu = npcpu;
    /* "x": a new file only; level 6 (zlib's default) keeps the recorder's
     * CPU small and the file about a quarter of its JSON. */
    if (!(w->gz = gzopen(path, "wbx6"))) {
        int e = errno ? errno : EIO;
        free(w);
        return xb_err_set(err, -e, "%s: %s", path, strerror(e));
    }
    json_t *nm = json_object();
    for (size_t i = 0; names && i < names->n; i++) {
        char id[16];
        snprintf(id, sizeof id, "%u", names->v[i].domid);
        json_object_set_new(nm, id, json_string(names->v[i].name));
    }
    json_t *h = json_pack("{s:s, s:i, s:i, s:I, s:s, s:o}", "format",
                          XB_WINFILE_FORMAT, "version", XB_WINFILE_VERSION,
                          "npcpu", (int)npcpu, "interval_ns", (json_int_t)interval_ns,
                          "start_utc", start_utc ? start_utc : "", "names", nm);
    int rc = put_line(w, h, err);
    if (rc) {
        xb_winfile_abort(w);
        return rc;
    }
    *out = w;
    return 0;
}

static int one_series(const char *entity, const char *metric,
                      enum xb_series_kind kind, void *ctx)
{
    struct xb_winfile_w *w = ctx;
    double v;
    if (!xb_counters_rate(w->c, entity, metric, w->win->t_start_ns,
                          w->win->t_end_ns, &v))
        return 0;
    json_t *e = json_object_get(w->ctr, entity);
    if (!e) {
        e = json_object();
        if (!e || json_object_set_new(w->ctr, entity, e)) {
            w->oom = true;
            return 1;
        }
    }
    bool added;
    struct sent *k = smap_get(&w->kinds, metric, true, &added);
    if (!k || json_object_set_new(e, metric, json_real(v))) {
        w->oom = true;
        return 1;
    }
    if (added && json_object_set_new(w->newkinds, metric,
                                     json_string(kind == XB_GAUGE ? "g" : "c"))) {
        w->oom = true;
        return 1;
    }
    return 0;
}

/* A vCPU in one state on one pCPU for the whole window of len ns (one
 * cell, one state, no switch-in): PCPU * XB_NSTATES + STATE; else -1. */
static int still_cell(const struct xb_vcpu_acc *v, unsigned npcpu, uint64_t len)
{
    int at = -1;
    for (unsigned p = 0; p <= npcpu; p++) {
        const struct xb_acc *a = &v->pcpu[p];
        bool any = a->execs != 0;
        for (unsigned s = 0; s < XB_NSTATES; s++)
            any |= a->ns[s] != 0;
        if (!any)
            continue;
        if (at >= 0 || a->execs || len == 0)
            return -1;
        for (unsigned s = 0; s < XB_NSTATES; s++)
            if (a->ns[s] == len)
                at = (int)(p * XB_NSTATES + s);
            else if (a->ns[s])
                return -1;
    }
    return at;
}

static void still_key(char *key, size_t len, uint32_t domid, uint32_t inst, uint32_t vcpu)
{
    snprintf(key, len, "%u.%u.%u", domid, inst, vcpu);
}

static json_t *cells(const struct xb_vcpu_acc *v, unsigned npcpu)
{
    json_t *arr = json_array();
    for (unsigned p = 0; arr && p <= npcpu; p++) {
        const struct xb_acc *a = &v->pcpu[p];
        bool any = a->execs != 0;
        for (unsigned s = 0; s < XB_NSTATES; s++)
            any |= a->ns[s] != 0;
        if (!any)
            continue;
        json_t *c = json_pack("[i, I, I, I, I, I, I]", (int)p,
                              (json_int_t)a->ns[XB_RUNNING],
                              (json_int_t)a->ns[XB_RUNNABLE],
                              (json_int_t)a->ns[XB_BLOCKED],
                              (json_int_t)a->ns[XB_OFFLINE],
                              (json_int_t)a->ns[XB_UNKNOWN], (json_int_t)a->execs);
        if (!c || json_array_append_new(arr, c)) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

int xb_winfile_window(struct xb_winfile_w *w, const struct xb_window *win,
                      const struct xb_counters *c, struct xb_err *err)
{
    json_t *punk = json_array(), *dom = json_array(), *drop = json_array();
    bool oom = !punk || !dom || !drop;
    uint64_t len = win->t_end_ns - win->t_start_ns, mark = (uint64_t)win->index + 1;
    for (unsigned p = 0; !oom && p < win->npcpu; p++)
        oom = json_array_append_new(punk, json_integer((json_int_t)win->pcpu_unknown_ns[p]));
    for (unsigned i = 0; !oom && i < win->ndomain; i++) {
        const struct xb_domain_acc *d = &win->domains[i];
        json_t *vs = json_array();
        oom = !vs;
        for (unsigned k = 0; !oom && k < d->nvcpu; k++) {
            const struct xb_vcpu_acc *v = &d->vcpus[k];
            int gp = still_cell(v, win->npcpu, len);
            char key[48];
            still_key(key, sizeof key, d->domid, d->instance, v->vcpu);
            struct sent *g = smap_get(&w->still, key, gp >= 0, NULL);
            if (gp >= 0 && !g) {
                oom = true;
                break;
            }
            bool skip = !win->final && g && gp >= 0 && g->any && g->kind == gp;
            if (g) {
                g->t = mark;
                g->any = gp >= 0;
                g->kind = gp;
            }
            if (skip)
                continue;             /* still, as before: the reader knows */
            json_t *cs = cells(v, win->npcpu);
            json_t *e = cs ? (win->final
                              ? json_pack("[i, o, i, I]", (int)v->vcpu, cs,
                                          (int)v->final_state,
                                          (json_int_t)v->final_since_ns)
                              : json_pack("[i, o]", (int)v->vcpu, cs))
                           : NULL;
            oom = !e || json_array_append_new(vs, e);
        }
        json_t *de = oom ? NULL : json_pack("[i, i, o]", (int)d->domid,
                                            (int)d->instance, vs);
        if (!de)
            json_decref(oom ? vs : NULL);
        oom = !de || json_array_append_new(dom, de);
    }
    /* Still vCPUs the engine no longer has: the reader stops charging them. */
    for (size_t i = 0; !oom && i < w->still.cap; i++) {
        struct sent *g = &w->still.e[i];
        unsigned did, inst, vcpu;
        if (!g->key || !g->any || g->t == mark)
            continue;
        g->any = false;
        oom = sscanf(g->key, "%u.%u.%u", &did, &inst, &vcpu) != 3 ||
              json_array_append_new(drop, json_pack("[i, i, I]", (int)did, (int)inst,
                                                    (json_int_t)vcpu));
    }
    w->ctr = json_object();
    w->newkinds = json_object();
    w->win = win;
    w->c = c;
    w->oom = false;
    oom |= !w->ctr || !w->newkinds;
    if (!oom && c)
        xb_counters_each_series(c, one_series, w);
    oom |= w->oom;
    json_t *o = oom ? NULL
              : json_pack("{s:i, s:[I, I], s:b, s:I, s:o, s:o, s:o}", "w",
                          (int)win->index, "t", (json_int_t)win->t_start_ns,
                          (json_int_t)win->t_end_ns, "final", win->final, "mis",
                          (json_int_t)win->mismatches, "punk", punk, "dom", dom,
                          "ctr", w->ctr);
    if (o && json_object_size(w->newkinds))
        json_object_set(o, "kinds", w->newkinds);
    json_decref(w->newkinds);
    if (o && json_array_size(drop))
        json_object_set(o, "drop", drop);
    json_decref(drop);
    if (!o) {
        json_decref(punk);
        json_decref(dom);
        json_decref(w->ctr);
        return xb_err_set(err, -ENOMEM, "out of memory");
    }
    int rc = put_line(w, o, err);
    if (!rc)
        w->count++;
    return rc;
}

unsigned xb_winfile_count(const struct xb_winfile_w *w) { return w->count; }

uint64_t xb_winfile_bytes(const struct xb_winfile_w *w)
{
    z_off_t off = gzoffset(w->gz);
    return off > 0 ? (uint64_t)off : 0;
}

int xb_winfile_finish(struct xb_winfile_w *w, const struct xb_winfile_info *end,
                      uint64_t *bytes, struct xb_err *err)
{
    json_t *lost = json_array(), *notices = json_array();
    for (unsigned i = 0; lost && notices && i < w->npcpu; i++) {
        json_array_append_new(lost, json_integer(end->lost ? (json_int_t)end->lost[i] : 0));
        json_array_append_new(notices, json_integer(end->lost_notices
                                                    ? (json_int_t)end->lost_notices[i] : 0));
    }
    json_t *e = json_pack("{s:{s:I, s:I, s:o, s:o, s:s}}", "end", "span_ns",
                          (json_int_t)end->span_ns, "records",
                          (json_int_t)end->records, "lost", lost, "lost_notices",
                          notices, "warning", end->warning);
    int rc = put_line(w, e, err);
    int zrc = gzclose(w->gz);
    w->gz = NULL;
    if (!rc && zrc != Z_OK)
        rc = xb_err_set(err, -(errno ? errno : EIO), "%s: %s", w->path,
                        strerror(errno ? errno : EIO));
    struct stat st;
    *bytes = stat(w->path, &st) == 0 ? (uint64_t)st.st_size : 0;
    smap_free(&w->kinds);
    smap_free(&w->still);
    free(w);
    return rc;
}

void xb_winfile_abort(struct xb_winfile_w *w)
{
    if (!w)
        return;
    if (w->gz)
        gzclose(w->gz);
    smap_free(&w->kinds);
    smap_free(&w->still);
    free(w);
}

/* ---- reading ---- */

struct mvcpu {
    uint32_t vcpu;
    uint64_t t_first;         /* start of the first window it was in */
    struct xb_acc *acc;       /* [npcpu + 1] */
    enum xb_state final_state;
    uint64_t final_since;
};

struct mdom {
    uint32_t domid, instance;
    struct mvcpu *v;          /* in the order first met; sorted by emit() */
    size_t n, cap;
    uint32_t *h;              /* vCPU id -> index in v + 1 (0: free) */
    size_t hcap;
};

struct xb_winfile_r {
    gzFile gz;
    char path[4096];
    unsigned npcpu;
    uint64_t interval;        /* the recording's */
    unsigned lineno;
    char *line;
    size_t linecap;
    bool eof;
    /* the window being merged */
    struct mdom *d;
    size_t nd, dcap;
    uint64_t *punk, mis, t0, t1;
    bool open, final;
    unsigned index;
    /* the still vCPUs (as the writer's), t = the last line listing it */
    struct smap still;
    uint64_t wlines;          /* window lines read */
    /* what next() hands out */
    struct xb_domain_acc *view;
    size_t viewcap;
    struct xb_vcpu_acc *vview;
    size_t vviewcap;
    struct xb_window w;
};

/* The next line into r->line (NUL-terminated, newline cut).  1, 0 at the
 * end, or a negative code with err set. */
static int get_line(struct xb_winfile_r *r, struct xb_err *err)
{
    size_t len = 0;
    for (;;) {
        if (len + 2 >= r->linecap) {
            size_t cap = r->linecap ? 2 * r->linecap : 65536;
            char *b = realloc(r->line, cap);
            if (!b)
                return xb_err_set(err, -ENOMEM, "out of memory");
            r->line = b;
            r->linecap = cap;
        }
        if (!gzgets(r->gz, r->line + len, (int)(r->linecap - len))) {
            int e = 0;
            const char *why = gzerror(r->gz, &e);
            if (e == Z_BUF_ERROR)
                return 0;             /* cut short (killed): a part line is not read */
            if (e != Z_OK && e != Z_STREAM_END)
                return xb_err_set(err, -XB_EINPUT, "%s: after line %u: %s", r->path,
                                  r->lineno, e == Z_ERRNO ? strerror(errno) : why);
            if (len == 0)
                return 0;
            break;
        }
        len += strlen(r->line + len);
        if (len && r->line[len - 1] == '\n') {
            r->line[--len] = 0;
            break;
        }
    }
    r->lineno++;
    return 1;
}

static int bad(const struct xb_winfile_r *r, struct xb_err *err, const char *what)
{
    return xb_err_set(err, -XB_EINPUT, "%s: line %u: %s", r->path, r->lineno, what);
}

/* A JSON line; *o NULL at the end. */
static int next_json(struct xb_winfile_r *r, json_t **o, struct xb_err *err)
{
    *o = NULL;
    int rc = get_line(r, err);
    if (rc <= 0)
        return rc;
    json_error_t je;
    if (!(*o = json_loads(r->line, 0, &je))) {
        char msg[300];
        snprintf(msg, sizeof msg, "column %d: %s", je.column, je.text);
        return bad(r, err, msg);
    }
    if (!json_is_object(*o)) {
        json_decref(*o);
        *o = NULL;
        return bad(r, err, "not a JSON object");
    }
    return 1;
}

static bool u64_of(json_t *v, uint64_t *out)
{
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return false;
    *out = (uint64_t)json_integer_value(v);
    return true;
}

static int read_header(struct xb_winfile_r *r, struct xb_winfile_info *info,
                       struct xb_names *names, struct xb_err *err)
{
    json_t *h;
    int rc = next_json(r, &h, err);
    if (rc <= 0)
        return rc < 0 ? rc : bad(r, err, "empty: no header");
    json_t *f = json_object_get(h, "format"), *v = json_object_get(h, "version");
    json_t *np = json_object_get(h, "npcpu"), *nm = json_object_get(h, "names");
    json_t *su = json_object_get(h, "start_utc");
    uint64_t n = 0;
    if (!json_is_string(f) || strcmp(json_string_value(f), XB_WINFILE_FORMAT) ||
        !json_is_integer(v) || json_integer_value(v) != XB_WINFILE_VERSION) {
        json_decref(h);
        return bad(r, err, "not a " XB_WINFILE_FORMAT " header of version 1");
    }
    if (!u64_of(np, &n) || n < 1 || n > 4096 ||
        !u64_of(json_object_get(h, "interval_ns"), &info->interval_ns) ||
        info->interval_ns == 0 ||
        (nm && !json_is_object(nm)) || (su && !json_is_string(su))) {
        json_decref(h);
        return bad(r, err, "header: expected npcpu 1..4096, interval_ns > 0, "
                   "names {ID: NAME}");
    }
    info->npcpu = r->npcpu = (unsigned)n;
    r->interval = info->interval_ns;
    snprintf(info->start_utc, sizeof info->start_utc, "%s",
             su ? json_string_value(su) : "");
    const char *key;
    json_t *val;
    json_object_foreach(nm, key, val) {
        char *end;
        unsigned long id = strtoul(key, &end, 10);
        if (*end || !json_is_string(val) || id > 0xffff) {
            json_decref(h);
            return bad(r, err, "header: names: expected {\"ID\": \"NAME\"}");
        }
        if (xb_names_set(names, (uint32_t)id, json_string_value(val))) {
            json_decref(h);
            return xb_err_set(err, -ENOMEM, "out of memory");
        }
    }
    json_decref(h);
    return 0;
}

/* The last line: the run's counts. */
static int read_end(struct xb_winfile_r *r, json_t *e, struct xb_winfile_info *info,
                    struct xb_err *err)
{
    json_t *lost = json_object_get(e, "lost"), *no = json_object_get(e, "lost_notices");
    json_t *wn = json_object_get(e, "warning");
    if (!u64_of(json_object_get(e, "span_ns"), &info->span_ns) ||
        !u64_of(json_object_get(e, "records"), &info->records) ||
        !json_is_array(lost) || json_array_size(lost) != r->npcpu ||
        !json_is_array(no) || json_array_size(no) != r->npcpu)
        return bad(r, err, "end: expected span_ns, records, lost and lost_notices "
                   "of each pCPU");
    if (!(info->lost = calloc(r->npcpu, sizeof *info->lost)) ||
        !(info->lost_notices = calloc(r->npcpu, sizeof *info->lost_notices)))
        return xb_err_set(err, -ENOMEM, "out of memory");
    for (unsigned i = 0; i < r->npcpu; i++)
        if (!u64_of(json_array_get(lost, i), &info->lost[i]) ||
            !u64_of(json_array_get(no, i), &info->lost_notices[i]))
            return bad(r, err, "end: lost counts must be whole numbers");
    snprintf(info->warning, sizeof info->warning, "%s",
             json_is_string(wn) ? json_string_value(wn) : "");
    info->ended = true;
    return 0;
}

/* Samples whose rate (cumulative) or mean (gauge) over [t0, t1) is each
 * figure of the line's "ctr"; a series' gap reads as no use. */
static int add_figures(struct xb_winfile_r *r, json_t *o, struct smap *kinds,
                       struct smap *series, struct xb_counters *c,
                       struct xb_err *err)
{
    json_t *kn = json_object_get(o, "kinds"), *ctr = json_object_get(o, "ctr");
    json_t *t = json_object_get(o, "t");
    uint64_t t0, t1;
    if (!u64_of(json_array_get(t, 0), &t0) || !u64_of(json_array_get(t, 1), &t1) ||
        t1 < t0 || (kn && !json_is_object(kn)) || (ctr && !json_is_object(ctr)))
        return bad(r, err, "expected \"t\": [START_NS, END_NS], \"ctr\" and "
                   "\"kinds\" objects");
    const char *key, *metric;
    json_t *val, *fig;
    json_object_foreach(kn, key, val) {
        const char *k = json_is_string(val) ? json_string_value(val) : "";
        struct sent *s = smap_get(kinds, key, true, NULL);
        if (!s)
            return xb_err_set(err, -ENOMEM, "out of memory");
        if (strcmp(k, "c") && strcmp(k, "g"))
            return bad(r, err, "kinds: expected \"c\" or \"g\"");
        s->kind = k[0] == 'g' ? XB_GAUGE : XB_CUMULATIVE;
    }
    char skey[600];
    json_object_foreach(ctr, key, val) {
        if (!json_is_object(val))
            return bad(r, err, "ctr: expected {ENTITY: {COUNTER: FIGURE}}");
        json_object_foreach(val, metric, fig) {
            struct sent *k = smap_get(kinds, metric, false, NULL);
            if (!k || !json_is_number(fig))
                return bad(r, err, "ctr: a counter with no kind, or a figure "
                           "that is not a number");
            double v = json_number_value(fig);
            snprintf(skey, sizeof skey, "%s\t%s", key, metric);
            struct sent *s = smap_get(series, skey, true, NULL);
            if (!s)
                return xb_err_set(err, -ENOMEM, "out of memory");
            int rc = 0;
            if (k->kind == XB_GAUGE) {
                rc = xb_counters_add(c, key, metric, XB_GAUGE, t0 + (t1 - t0) / 2, v);
            } else {
                if (!s->any || s->t != t0)
                    rc = xb_counters_add(c, key, metric, XB_CUMULATIVE, t0, s->v);
                s->v += v * (double)(t1 - t0) / 1e9;
                if (!rc)
                    rc = xb_counters_add(c, key, metric, XB_CUMULATIVE, t1, s->v);
            }
            if (rc)
                return xb_err_set(err, -ENOMEM, "out of memory");
            s->any = true;
            s->t = t1;
        }
    }
    return 0;
}

int xb_winfile_open(struct xb_winfile_r **out, const char *path,
                    struct xb_winfile_info *info, struct xb_names *names,
                    struct xb_counters *c, struct xb_err *err)
{
    *out = NULL;
    memset(info, 0, sizeof *info);
    struct xb_winfile_r *r = calloc(1, sizeof *r);
    if (!r)
        return xb_err_set(err, -ENOMEM, "out of memory");
    snprintf(r->path, sizeof r->path, "%s", path);
    if (!(r->gz = gzopen(path, "rb"))) {
        int e = errno ? errno : EIO;
        free(r);
        return xb_err_set(err, -XB_EINPUT, "%s: %s", path, strerror(e));
    }
    gzbuffer(r->gz, 1 << 17);
    int rc = read_header(r, info, names, err);
    struct smap kinds = { 0 }, series = { 0 };
    json_t *o = NULL;
    while (!rc && (rc = next_json(r, &o, err)) == 1) {
        json_t *e = json_object_get(o, "end");
        rc = e ? (json_is_object(e) ? read_end(r, e, info, err)
                                    : bad(r, err, "end: expected an object"))
               : add_figures(r, o, &kinds, &series, c, err);
        json_decref(o);
        o = NULL;
    }
    smap_free(&kinds);
    smap_free(&series);
    if (rc < 0) {
        xb_winfile_close(r);
        return rc;
    }
    /* Again from the start for the windows. */
    gzrewind(r->gz);
    r->lineno = 0;
    if ((rc = get_line(r, err)) < 0 ||
        !(r->punk = calloc(r->npcpu, sizeof *r->punk))) {
        xb_winfile_close(r);
        return rc < 0 ? rc : xb_err_set(err, -ENOMEM, "out of memory");
    }
    *out = r;
    return 0;
}

static struct mdom *dom_of(struct xb_winfile_r *r, uint32_t domid, uint32_t inst)
{
    size_t lo = 0, hi = r->nd;
    while (lo < hi) {                 /* sorted by (domid, instance) */
        size_t mid = (lo + hi) / 2;
        struct mdom *m = &r->d[mid];
        if (m->domid < domid || (m->domid == domid && m->instance < inst))
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < r->nd && r->d[lo].domid == domid && r->d[lo].instance == inst)
        return &r->d[lo];
    if (xb_grow_zeroed(&r->d, &r->dcap, r->nd, sizeof *r->d, 16))
        return NULL;
    /* keep the spare vCPU arrays of the slots moved up */
    struct mdom spare = r->d[r->nd];
    memmove(r->d + lo + 1, r->d + lo, (r->nd - lo) * sizeof *r->d);
    r->d[lo] = spare;
    r->d[lo].domid = domid;
    r->d[lo].instance = inst;
    r->d[lo].n = 0;
    if (r->d[lo].h)
        memset(r->d[lo].h, 0, r->d[lo].hcap * sizeof *r->d[lo].h);
    r->nd++;
    return &r->d[lo];
}

static size_t hash_u32(uint32_t x, size_t cap)
{
    return (size_t)(((uint64_t)x * 0x9e3779b97f4a7c15ull) >> 32) & (cap - 1);
}

/* The merged window's entry of a vCPU, added when absent (NULL: out of
 * memory).  A hash finds it: a window of a busy host holds many thousand. */
static struct mvcpu *vcpu_of(struct xb_winfile_r *r, struct mdom *d, uint32_t vcpu,
                             uint64_t t0)
{
    if (2 * (d->n + 1) > d->hcap) {
        size_t cap = d->hcap ? 2 * d->hcap : 16;
        uint32_t *h = calloc(cap, sizeof *h);
        if (!h)
            return NULL;
        free(d->h);
        d->h = h;
        d->hcap = cap;
        for (size_t k = 0; k < d->n; k++) {
            size_t j = hash_u32(d->v[k].vcpu, cap);
            while (h[j])
                j = (j + 1) & (cap - 1);
            h[j] = (uint32_t)k + 1;
        }
    }
    size_t j = hash_u32(vcpu, d->hcap);
    for (; d->h[j]; j = (j + 1) & (d->hcap - 1))
        if (d->v[d->h[j] - 1].vcpu == vcpu)
            return &d->v[d->h[j] - 1];
    if (xb_grow_zeroed(&d->v, &d->cap, d->n, sizeof *d->v, 4))
        return NULL;
    struct mvcpu *v = &d->v[d->n];
    if (!v->acc && !(v->acc = calloc(r->npcpu + 1, sizeof *v->acc)))
        return NULL;
    memset(v->acc, 0, (r->npcpu + 1) * sizeof *v->acc);
    v->vcpu = vcpu;
    v->t_first = t0;
    v->final_state = XB_UNKNOWN;
    v->final_since = 0;
    d->h[j] = (uint32_t)++d->n;
    return v;
}

static int by_vcpu(const void *a, const void *b)
{
    uint32_t x = ((const struct mvcpu *)a)->vcpu, y = ((const struct mvcpu *)b)->vcpu;
    return x < y ? -1 : x > y;
}

/* Add one window line to the window being merged. */
static int merge(struct xb_winfile_r *r, json_t *o, struct xb_err *err)
{
    json_t *t = json_object_get(o, "t"), *punk = json_object_get(o, "punk");
    json_t *dom = json_object_get(o, "dom"), *fin = json_object_get(o, "final");
    uint64_t t0, t1, mis = 0;
    if (!u64_of(json_array_get(t, 0), &t0) || !u64_of(json_array_get(t, 1), &t1) ||
        t1 < t0 || !json_is_array(punk) || json_array_size(punk) != r->npcpu ||
        !json_is_array(dom) || !json_is_boolean(fin) ||
        !u64_of(json_object_get(o, "mis"), &mis))
        return bad(r, err, "expected a window: \"t\", \"final\", \"mis\", \"punk\" "
                   "of each pCPU, \"dom\"");
    if (!r->open) {
        r->open = true;
        r->t0 = t0;
    } else if (t0 != r->t1) {
        return bad(r, err, "the window does not start where the last one ended");
    }
    r->t1 = t1;
    r->final = json_is_true(fin);
    r->mis += mis;
    uint64_t mark = ++r->wlines;
    for (unsigned p = 0; p < r->npcpu; p++) {
        uint64_t v;
        if (!u64_of(json_array_get(punk, p), &v))
            return bad(r, err, "punk: expected whole numbers");
        r->punk[p] += v;
    }
    size_t i, k, j;
    json_t *de, *ve, *ce;
    json_array_foreach(dom, i, de) {
        uint64_t did, inst;
        json_t *vs = json_array_get(de, 2);
        if (!u64_of(json_array_get(de, 0), &did) || did > 0xffff ||
            !u64_of(json_array_get(de, 1), &inst) || inst > 0xffffff ||
            !json_is_array(vs))
            return bad(r, err, "dom: expected [DOMID, INSTANCE, [VCPU...]]");
        struct mdom *d = dom_of(r, (uint32_t)did, (uint32_t)inst);
        if (!d)
            return xb_err_set(err, -ENOMEM, "out of memory");
        json_array_foreach(vs, k, ve) {
            uint64_t vid;
            json_t *cs = json_array_get(ve, 1);
            if (!u64_of(json_array_get(ve, 0), &vid) || vid > 0xffffffffu ||
                !json_is_array(cs))
                return bad(r, err, "dom: expected [VCPU, [[PCPU, ...], ...]]");
            struct mvcpu *v = vcpu_of(r, d, (uint32_t)vid, t0);
            if (!v)
                return xb_err_set(err, -ENOMEM, "out of memory");
            int gp = -1, ncell = 0;   /* still: one cell, one state, all of it */
            json_array_foreach(cs, j, ce) {
                uint64_t f[8];
                bool ok = json_is_array(ce) && json_array_size(ce) == 7;
                for (size_t x = 0; ok && x < 7; x++)
                    ok = u64_of(json_array_get(ce, x), &f[x]);
                if (!ok || f[0] > r->npcpu)
                    return bad(r, err, "dom: a cell is [PCPU 0..npcpu, 5 times "
                               "in ns, switch-ins]");
                struct xb_acc *a = &v->acc[f[0]];
                bool any = false;
                for (unsigned s = 0; s < XB_NSTATES; s++) {
                    a->ns[s] += f[1 + s];
                    any |= f[1 + s] != 0;
                }
                a->execs += f[6];
                if (!any && !f[6])
                    continue;         /* the writer leaves these out */
                ncell++;
                gp = -1;
                unsigned nst = 0;
                for (unsigned s = 0; s < XB_NSTATES; s++) {
                    nst += f[1 + s] != 0;
                    if (f[1 + s] == t1 - t0)
                        gp = (int)(f[0] * XB_NSTATES + s);
                }
                if (nst != 1 || f[6] || t1 == t0)
                    gp = -1;
            }
            if (ncell != 1)
                gp = -1;
            char key[48];
            still_key(key, sizeof key, (uint32_t)did, (uint32_t)inst, (uint32_t)vid);
            struct sent *g = smap_get(&r->still, key, gp >= 0, NULL);
            if (gp >= 0 && !g)
                return xb_err_set(err, -ENOMEM, "out of memory");
            if (g) {
                g->t = mark;
                g->any = gp >= 0;
                g->kind = gp;
            }
            uint64_t fs, since;
            if (json_array_size(ve) == 4 && u64_of(json_array_get(ve, 2), &fs) &&
                fs < XB_NSTATES && u64_of(json_array_get(ve, 3), &since)) {
                v->final_state = (enum xb_state)fs;
                v->final_since = since;
            }
        }
    }
    json_t *drop = json_object_get(o, "drop");
    if (drop && !json_is_array(drop))
        return bad(r, err, "drop: expected [[DOMID, INSTANCE, VCPU], ...]");
    json_array_foreach(drop, i, de) {
        uint64_t did, inst, vid;
        if (!u64_of(json_array_get(de, 0), &did) || !u64_of(json_array_get(de, 1), &inst) ||
            !u64_of(json_array_get(de, 2), &vid) || did > 0xffff || inst > 0xffffff ||
            vid > 0xffffffffu)
            return bad(r, err, "drop: expected [[DOMID, INSTANCE, VCPU], ...]");
        char key[48];
        still_key(key, sizeof key, (uint32_t)did, (uint32_t)inst, (uint32_t)vid);
        struct sent *g = smap_get(&r->still, key, false, NULL);
        if (g)
            g->any = false;
    }
    /* The still vCPUs this line leaves out: all of it as before. */
    for (size_t x = 0; x < r->still.cap; x++) {
        struct sent *g = &r->still.e[x];
        unsigned did, inst, vid;
        if (!g->key || !g->any || g->t == mark)
            continue;
        if (sscanf(g->key, "%u.%u.%u", &did, &inst, &vid) != 3)
            continue;
        struct mdom *d = dom_of(r, did, inst);
        struct mvcpu *v = d ? vcpu_of(r, d, vid, t0) : NULL;
        if (!v)
            return xb_err_set(err, -ENOMEM, "out of memory");
        v->acc[g->kind / XB_NSTATES].ns[g->kind % XB_NSTATES] += t1 - t0;
    }
    return 0;
}

/* Hand out the merged window and start the next one. */
static int emit(struct xb_winfile_r *r, const struct xb_window **win, struct xb_err *err)
{
    size_t nv = 0;
    for (size_t i = 0; i < r->nd; i++)
        nv += r->d[i].n;
    if (r->nd > r->viewcap) {
        struct xb_domain_acc *v = realloc(r->view, r->nd * sizeof *v);
        if (!v)
            return xb_err_set(err, -ENOMEM, "out of memory");
        r->view = v;
        r->viewcap = r->nd;
    }
    if (nv > r->vviewcap) {
        struct xb_vcpu_acc *v = realloc(r->vview, nv * sizeof *v);
        if (!v)
            return xb_err_set(err, -ENOMEM, "out of memory");
        r->vview = v;
        r->vviewcap = nv;
    }
    size_t at = 0;
    for (size_t i = 0; i < r->nd; i++) {
        struct mdom *d = &r->d[i];
        qsort(d->v, d->n, sizeof *d->v, by_vcpu);    /* the engine's order */
        /* A vCPU first seen after the merged window's start: the engine,
         * with windows this long, would have charged it unknown (unplaced)
         * from the window's start, as it does before anyone's first event. */
        for (size_t k = 0; k < d->n; k++)
            if (d->v[k].t_first > r->t0)
                d->v[k].acc[r->npcpu].ns[XB_UNKNOWN] += d->v[k].t_first - r->t0;
        r->view[i] = (struct xb_domain_acc){ d->domid, d->instance, (uint32_t)d->n,
                                             r->vview + at };
        for (size_t k = 0; k < d->n; k++)
            r->vview[at++] = (struct xb_vcpu_acc){ d->v[k].vcpu, d->v[k].acc,
                                                   d->v[k].final_state,
                                                   d->v[k].final_since };
    }
    r->w = (struct xb_window){
        .t_start_ns = r->t0, .t_end_ns = r->t1, .index = r->index++,
        .npcpu = r->npcpu, .ndomain = (unsigned)r->nd, .domains = r->view,
        .pcpu_unknown_ns = r->punk, .mismatches = r->mis, .final = r->final,
    };
    *win = &r->w;
    return 1;
}

/* Empty the window that was handed out (its arrays stay for the next). */
static void reset(struct xb_winfile_r *r)
{
    r->nd = 0;
    r->mis = 0;
    r->open = false;
    memset(r->punk, 0, r->npcpu * sizeof *r->punk);
}

int xb_winfile_next(struct xb_winfile_r *r, uint64_t interval_ns,
                    const struct xb_window **win, struct xb_err *err)
{
    if (r->w.final && r->index)
        return 0;             /* the final window has been handed out */
    if (r->index)
        reset(r);
    if (interval_ns && interval_ns % r->interval)
        return xb_err_set(err, -XB_EUSAGE, "%s: the recording holds windows of "
                          "%.3f s: --interval must be a whole multiple of it",
                          r->path, (double)r->interval / 1e9);
    uint64_t edge = interval_ns ? (uint64_t)r->index * interval_ns + interval_ns
                                : UINT64_MAX;
    while (!r->eof) {
        json_t *o;
        int rc = next_json(r, &o, err);
        if (rc < 0)
            return rc;
        if (rc == 0 || json_object_get(o, "end")) {
            json_decref(o);
            r->eof = true;
            break;
        }
        rc = merge(r, o, err);
        json_decref(o);
        if (rc)
            return rc;
        if (r->final || r->t1 >= edge)
            return emit(r, win, err);
    }
    if (!r->open)
        return 0;
    r->final = true;          /* cut short: the last window read is the last */
    return emit(r, win, err);
}

void xb_winfile_close(struct xb_winfile_r *r)
{
    if (!r)
        return;
    if (r->gz)
        gzclose(r->gz);
    for (size_t i = 0; i < r->dcap; i++) {
        for (size_t k = 0; k < r->d[i].cap; k++)
            free(r->d[i].v[k].acc);
        free(r->d[i].v);
        free(r->d[i].h);
    }
    free(r->d);
    free(r->punk);
    free(r->view);
    free(r->vview);
    free(r->line);
    smap_free(&r->still);
    free(r);
}

void xb_winfile_info_free(struct xb_winfile_info *info)
{
    free(info->lost);
    free(info->lost_notices);
    info->lost = info->lost_notices = NULL;
}
