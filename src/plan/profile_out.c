/* profile_out.c: profiles as a table (a header line per VM, a line per
 * metric), CSV (a row per VM and metric) or JSON. */
#include "profile_out.h"

#include <jansson.h>
#include <math.h>
#include <string.h>

static void cell(FILE *out, double v)
{
    if (isnan(v))
        fprintf(out, " %9s", "-");
    else
        fprintf(out, " %9.3f", v);
}

static void print_table(FILE *out, const struct xb_profile *p, size_t n,
                        const char *since, double t0, double t1)
{
    char from[32], to[32];
    xb_utc_text(t0, from, sizeof from);
    xb_utc_text(t1, to, sizeof to);
    fprintf(out, "profiles: look-back %s (%s .. %s), %zu VMs\n", since, from, to, n);
    for (size_t i = 0; i < n; i++) {
        const struct xb_profile *q = &p[i];
        char mem[32] = "?";
        if (!isnan(q->mem_alloc_bytes))
            snprintf(mem, sizeof mem, "%.0f MiB", q->mem_alloc_bytes / 1048576.0);
        fprintf(out, "\n%s on %s (domain %u): %u vCPU, memory %s; %zu samples "
                "(%zu usable), %.1f s measured = %.4f %% of the look-back, "
                "confidence %d*; burstiness (max/mean cpu) ", q->vm->name,
                q->vm->host, q->vm->domid, q->vcpus, mem, q->vm->n, q->used,
                q->covered_s, q->coverage_pct, q->stars);
        if (isnan(q->burstiness))
            fputs("-", out);
        else
            fprintf(out, "%.2f", q->burstiness);
        if (q->contention)
            fprintf(out, "; CONTENTION: waited %.1f %% of vCPU time (>= %.0f %%)",
                    q->m[XB_M_WAITED].mean, XB_WAITED_FLAG_PCT);
        fprintf(out, "\n  %-14s %-11s %9s %9s %9s %9s %9s %9s\n", "metric", "unit",
                "p50", "p90", "p95", "p99", "max", "mean");
        for (int m = 0; m < XB_NMETRICS; m++) {
            const struct xb_stat *s = &q->m[m];
            fprintf(out, "  %-14s %-11s", xb_metrics[m].label, xb_metrics[m].unit);
            cell(out, s->p50);
            cell(out, s->p90);
            cell(out, s->p95);
            cell(out, s->p99);
            cell(out, s->max);
            cell(out, s->mean);
            fputc('\n', out);
        }
    }
}

static void print_csv(FILE *out, const struct xb_profile *p, size_t n)
{
    fputs("host,vm,domid,vcpus,mem_alloc_mib,samples,usable,covered_s,coverage_pct,"
          "stars,burstiness,contention,metric,unit,n,p50,p90,p95,p99,max,mean\n", out);
    for (size_t i = 0; i < n; i++) {
        const struct xb_profile *q = &p[i];
        for (int m = 0; m < XB_NMETRICS; m++) {
            const struct xb_stat *s = &q->m[m];
            xb_csv_field(out, q->vm->host);
            fputc(',', out);
            xb_csv_field(out, q->vm->name);
            fprintf(out, ",%u,%u,", q->vm->domid, q->vcpus);
            xb_csv_num(out, q->mem_alloc_bytes / 1048576.0, 0);
            fprintf(out, ",%zu,%zu,%.3f,%.6f,%d,", q->vm->n, q->used, q->covered_s,
                    q->coverage_pct, q->stars);
            xb_csv_num(out, q->burstiness, 4);
            fprintf(out, ",%d,%s,", q->contention, xb_metrics[m].name);
            xb_csv_field(out, xb_metrics[m].unit);
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

static json_t *jnum(double v)
{
    return isnan(v) || isinf(v) ? json_null() : json_real(v);
}

static int print_json(FILE *out, const struct xb_profile *p, size_t n,
                      const char *since, double t0, double t1)
{
    char from[32], to[32];
    xb_utc_text(t0, from, sizeof from);
    xb_utc_text(t1, to, sizeof to);
    json_t *root = json_object(), *vms = json_array();
    json_object_set_new(root, "since", json_string(since));
    json_object_set_new(root, "lookback_from", json_string(from));
    json_object_set_new(root, "lookback_to", json_string(to));
    for (size_t i = 0; i < n; i++) {
        const struct xb_profile *q = &p[i];
        json_t *o = json_object(), *ms = json_object();
        json_object_set_new(o, "host", json_string(q->vm->host));
        json_object_set_new(o, "vm", json_string(q->vm->name));
        json_object_set_new(o, "domid", json_integer(q->vm->domid));
        json_object_set_new(o, "vcpus", json_integer(q->vcpus));
        json_object_set_new(o, "mem_alloc_mib", jnum(q->mem_alloc_bytes / 1048576.0));
        json_object_set_new(o, "samples", json_integer((json_int_t)q->vm->n));
        json_object_set_new(o, "usable", json_integer((json_int_t)q->used));
        json_object_set_new(o, "covered_s", json_real(q->covered_s));
        json_object_set_new(o, "coverage_pct", json_real(q->coverage_pct));
        json_object_set_new(o, "stars", json_integer(q->stars));
        json_object_set_new(o, "burstiness", jnum(q->burstiness));
        json_object_set_new(o, "contention", json_boolean(q->contention));
        for (int m = 0; m < XB_NMETRICS; m++) {
            const struct xb_stat *s = &q->m[m];
            json_t *e = json_object();
            json_object_set_new(e, "unit", json_string(xb_metrics[m].unit));
            json_object_set_new(e, "n", json_integer((json_int_t)s->n));
            json_object_set_new(e, "p50", jnum(s->p50));
            json_object_set_new(e, "p90", jnum(s->p90));
            json_object_set_new(e, "p95", jnum(s->p95));
            json_object_set_new(e, "p99", jnum(s->p99));
            json_object_set_new(e, "max", jnum(s->max));
            json_object_set_new(e, "mean", jnum(s->mean));
            json_object_set_new(ms, xb_metrics[m].name, e);
        }
        json_object_set_new(o, "metrics", ms);
        json_array_append_new(vms, o);
    }
    json_object_set_new(root, "vms", vms);
    int rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
    fputc('\n', out);
    json_decref(root);
    return rc ? 1 : 0;
}

int xb_profile_print(FILE *out, const struct xb_profile *p, size_t n,
                     const char *since, double t0, double t1, enum xb_format f)
{
    int rc = 0;
    if (f == XB_FMT_TABLE)
        print_table(out, p, n, since, t0, t1);
    else if (f == XB_FMT_CSV)
        print_csv(out, p, n);
    else
        rc = print_json(out, p, n, since, t0, t1);
    return rc || fflush(out) || ferror(out) ? 1 : 0;
}
