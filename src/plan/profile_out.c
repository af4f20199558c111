/* profile_out.c: profiles as a table (a header line per VM, a line per
 * metric), CSV (a row per VM and metric) or JSON.  It must not compute a
 * statistic (profile.c), nor print anywhere but the stream it is given. */
#include "profile_out.h"

#include <jansson.h>
#include <math.h>
#include <string.h>

#include "util/json.h"

static void cell(FILE *out, double v)
{
    if (isnan(v))
        fprintf(out, " %9s", "-");
    else
        fprintf(out, " %9.3f", v);
}

static void print_left_out(FILE *out, const struct xb_left_out *lo, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char when[32];
        xb_utc_text(lo[i].end_unix, when, sizeof when);
        fprintf(out, "\nnot in the look-back: %s on %s (its newest data ends %s): "
                "widen --since\n", lo[i].name, lo[i].host, when);
    }
}

static void print_table(FILE *out, const struct xb_profile *p, size_t n,
                        const char *since, enum xb_method method, double t0, double t1,
                        const struct xb_left_out *lo, size_t nlo)
{
    char from[32], to[32];
    xb_utc_text(t0, from, sizeof from);
    xb_utc_text(t1, to, sizeof to);
    fprintf(out, "profiles: look-back %s (%s .. %s), %zu VMs; points: %s\n", since,
            from, to, n, xb_methods[method].what);
    for (size_t i = 0; i < n; i++) {
        const struct xb_profile *q = &p[i];
        char mem[32] = "?";
        if (!isnan(q->mem_alloc_bytes))
            snprintf(mem, sizeof mem, "%.0f MiB", q->mem_alloc_bytes / 1048576.0);
        fprintf(out, "\n%s on %s (domain %u): %u vCPU, memory %s; %zu points "
                "(%zu usable), %.1f s measured = %.1f %% of its span (at least the data minimum); measured: cpu "
                "%.0f %%, memory %.0f %%, disk %.0f %%, network %.0f %%; confidence "
                "%d*%s; burstiness (max/mean cpu) ", q->id.name, q->id.host,
                q->id.domid, q->vcpus, mem, q->id.points, q->used, q->covered_s,
                q->coverage_pct, q->resource_pct[XB_RESOURCE_CPU],
                q->resource_pct[XB_RESOURCE_MEM], q->resource_pct[XB_RESOURCE_DISK],
                q->resource_pct[XB_RESOURCE_NET], q->stars,
                q->insufficient ? " (below the data minimum: InsufficientData)" : "");
        if (isnan(q->burstiness))
            fputs("-", out);
        else
            fprintf(out, "%.2f", q->burstiness);
        if (q->contention)
            fprintf(out, "; CONTENTION: waited %.1f %% of vCPU time (>= %.0f %%)",
                    q->m[XB_PM_WAITED].mean, XB_WAITED_FLAG_PCT);
        fprintf(out, "\n  %-14s %-11s %9s %9s %9s %9s %9s %9s\n", "metric", "unit",
                "p50", "p90", "p95", "p99", "max", "mean");
        for (int m = 0; m < XB_NPMETRICS; m++) {
            const struct xb_stat *s = &q->m[m];
            fprintf(out, "  %-14s %-11s", xb_pmetrics[m].label, xb_pmetrics[m].unit);
            cell(out, s->p50);
            cell(out, s->p90);
            cell(out, s->p95);
            cell(out, s->p99);
            cell(out, s->max);
            cell(out, s->mean);
            fputc('\n', out);
        }
    }
    print_left_out(out, lo, nlo);
}

static void print_csv(FILE *out, const struct xb_profile *p, size_t n)
{
    fputs("host,vm,domid,vcpus,mem_alloc_mib,samples,usable,covered_s,coverage_pct,"
          "confidence_pct,insufficient,stars,burstiness,contention,metric,unit,n,p50,"
          "p90,p95,p99,max,mean\n", out);
    for (size_t i = 0; i < n; i++) {
        const struct xb_profile *q = &p[i];
        for (int m = 0; m < XB_NPMETRICS; m++) {
            const struct xb_stat *s = &q->m[m];
            xb_csv_field(out, q->id.host);
            fputc(',', out);
            xb_csv_field(out, q->id.name);
            fprintf(out, ",%u,%u,", q->id.domid, q->vcpus);
            xb_csv_num(out, q->mem_alloc_bytes / 1048576.0, 0);
            fprintf(out, ",%zu,%zu,%.3f,%.6f,%.6f,%d,%d,", q->id.points, q->used,
                    q->covered_s, q->coverage_pct, q->confidence_pct, q->insufficient,
                    q->stars);
            xb_csv_num(out, q->burstiness, 4);
            fprintf(out, ",%d,%s,", q->contention, xb_pmetrics[m].name);
            xb_csv_field(out, xb_pmetrics[m].unit);
            fprintf(out, ",%zu", s->n);
            const double v[] = { s->p50, s->p90, s->p95, s->p99, s->max, s->mean };
            for (size_t k = 0; k < 6; k++) {
                fputc(',', out);
                xb_csv_num(out, v[k], 6);
            }
            fputc('\n', out);
        }
    }
}


static int print_json(FILE *out, const struct xb_profile *p, size_t n,
                      const char *since, enum xb_method method, double t0, double t1,
                      const struct xb_left_out *lo, size_t nlo)
{
    char from[32], to[32];
    xb_utc_text(t0, from, sizeof from);
    xb_utc_text(t1, to, sizeof to);
    json_t *root = json_object(), *vms = json_array();
    json_object_set_new(root, "since", json_string(since));
    json_object_set_new(root, "lookback_from", json_string(from));
    json_object_set_new(root, "lookback_to", json_string(to));
    json_object_set_new(root, "method", json_string(xb_methods[method].name));
    for (size_t i = 0; i < n; i++) {
        const struct xb_profile *q = &p[i];
        json_t *o = json_object(), *ms = json_object();
        json_object_set_new(o, "host", json_string(q->id.host));
        json_object_set_new(o, "vm", json_string(q->id.name));
        json_object_set_new(o, "domid", json_integer(q->id.domid));
        json_object_set_new(o, "vcpus", json_integer(q->vcpus));
        json_object_set_new(o, "mem_alloc_mib", xb_json_num(q->mem_alloc_bytes / 1048576.0));
        json_object_set_new(o, "samples", json_integer((json_int_t)q->id.points));
        json_object_set_new(o, "usable", json_integer((json_int_t)q->used));
        json_object_set_new(o, "covered_s", json_real(q->covered_s));
        json_object_set_new(o, "coverage_pct", json_real(q->coverage_pct));
        json_object_set_new(o, "confidence_pct", json_real(q->confidence_pct));
        json_t *res = json_object();
        for (int k = 0; k < XB_NRESOURCES; k++)
            json_object_set_new(res, xb_resource_names[k], json_real(q->resource_pct[k]));
        json_object_set_new(o, "measured_pct", res);
        json_object_set_new(o, "insufficient_data", json_boolean(q->insufficient));
        json_object_set_new(o, "stars", json_integer(q->stars));
        json_object_set_new(o, "burstiness", xb_json_num(q->burstiness));
        json_object_set_new(o, "contention", json_boolean(q->contention));
        for (int m = 0; m < XB_NPMETRICS; m++) {
            const struct xb_stat *s = &q->m[m];
            json_t *e = json_object();
            json_object_set_new(e, "unit", json_string(xb_pmetrics[m].unit));
            json_object_set_new(e, "n", json_integer((json_int_t)s->n));
            json_object_set_new(e, "p50", xb_json_num(s->p50));
            json_object_set_new(e, "p90", xb_json_num(s->p90));
            json_object_set_new(e, "p95", xb_json_num(s->p95));
            json_object_set_new(e, "p99", xb_json_num(s->p99));
            json_object_set_new(e, "max", xb_json_num(s->max));
            json_object_set_new(e, "mean", xb_json_num(s->mean));
            json_object_set_new(ms, xb_pmetrics[m].name, e);
        }
        json_object_set_new(o, "metrics", ms);
        json_array_append_new(vms, o);
    }
    json_object_set_new(root, "vms", vms);
    json_t *left = json_array();
    for (size_t i = 0; i < nlo; i++) {
        char when[32];
        xb_utc_text(lo[i].end_unix, when, sizeof when);
        json_t *e = json_object();
        json_object_set_new(e, "host", json_string(lo[i].host));
        json_object_set_new(e, "vm", json_string(lo[i].name));
        json_object_set_new(e, "newest_end", json_string(when));
        json_array_append_new(left, e);
    }
    json_object_set_new(root, "not_in_lookback", left);
    int rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
    fputc('\n', out);
    json_decref(root);
    return rc ? 1 : 0;
}

int xb_profile_print(FILE *out, const struct xb_profile *p, size_t n,
                     const char *since, enum xb_method method, double t0, double t1,
                     const struct xb_left_out *lo, size_t nlo, enum xb_format f)
{
    int rc = 0;
    if (f == XB_FMT_TABLE)
        print_table(out, p, n, since, method, t0, t1, lo, nlo);
    else if (f == XB_FMT_CSV)
        print_csv(out, p, n);   /* what is left out is not a row: the command says it */
    else
        rc = print_json(out, p, n, since, method, t0, t1, lo, nlo);
    return rc || fflush(out) || ferror(out) ? 1 : 0;
}
