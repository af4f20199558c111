/* replay_out.c: printing a replay (replay_out.h).  Owns wording and
 * layout only.  It must not compute a figure (replay.c). */
#include "replay_out.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <string.h>

static double pct(size_t n, size_t of)
{
    return of ? 100.0 * (double)n / (double)of : 0;
}

static void window_time(const struct xb_replay *r, size_t t, char *buf, size_t len)
{
    if (r->align == XB_ALIGN_TIME)
        xb_utc_text(r->t0 + (double)t * r->win_s, buf, len);
    else
        snprintf(buf, len, "+%.0fs", (double)t * r->win_s);
}

static void print_table(FILE *out, const struct xb_replay_report *rr)
{
    const struct xb_replay *r = rr->r;
    const struct xb_demand *d = rr->d;
    char from[40] = "the first sample", until[40] = "the last";
    if (isfinite(rr->t_from))
        xb_utc_text(rr->t_from, from, sizeof from);
    if (isfinite(rr->t_until))
        xb_utc_text(rr->t_until, until, sizeof until);
    size_t used = 0;
    for (size_t h = 0; h < r->nhost; h++)
        used += r->host[h].nvm > 0;
    fprintf(out, "simulate: %s on %s: %zu VMs on %zu host%s; %zu window%s of %g s, "
            "samples from %s to %s (%s); cpu in %s (%s basis)\n", rr->plan_path,
            rr->hosts_path, r->nvm - r->unplaced, used, used == 1 ? "" : "s", r->nwin,
            r->nwin == 1 ? "" : "s",
            r->win_s, from, until,
            r->align == XB_ALIGN_START ? "each VM from its own start" : "absolute time",
            xb_cpu_unit(d->basis), xb_cpu_basis_name(d->basis));
    fprintf(out, "host-windows: %zu; over target (%.0f %%): %zu (%.2f %%); over "
            "capacity: %zu (%.2f %%)", r->host_windows, r->target * 100,
            r->over_target, pct(r->over_target, r->host_windows), r->over_cap,
            pct(r->over_cap, r->host_windows));
    if (d->series[XB_RES_MEM])
        fprintf(out, "; memory in use over capacity: %zu (%.2f %%)", r->mem_over,
                pct(r->mem_over, r->host_windows));
    fputs("\n\nhost\tVMs\tpCPUs\tcpu mean\tcpu p95\tcpu max\twindows>target\t"
          "windows>capacity\twaited cores (mean)\n", out);
    for (size_t h = 0; h < r->nhost; h++) {
        const struct xb_replay_host *x = &r->host[h];
        if (!x->nvm)
            continue;
        double wsum = 0;
        for (size_t t = 0; t < r->nwin; t++)
            wsum += x->waited[t];
        fprintf(out, "%s\t%zu\t%.0f\t%.1f%%\t%.1f%%\t%.1f%%\t%zu\t%zu\t%.3f\n",
                rr->hs->v[h].name, x->nvm, x->pcpus, x->util_mean * 100,
                x->util_p95 * 100, x->util_max * 100, x->over_target, x->over_cap,
                r->nwin ? wsum / r->nwin : 0);
    }
    fputs("\nVM\thost\tdemand (cores)\tpredicted cpu %\tpredicted waited %\t"
          "worst window waited %\n", out);
    for (size_t v = 0; v < r->nvm; v++) {
        const struct xb_replay_vm *x = &r->vm[v];
        if (x->host < 0)
            continue;
        fprintf(out, "%s\t%s\t%.3f\t%.1f\t%.1f\t%.1f\n", d->vm[v].key,
                rr->hs->v[x->host].name, x->demand_mean, x->cpu_pct, x->waited_pct,
                x->waited_pct_max);
    }
    fputs("\nnotes:\n", out);
    fputs("  demand: each VM's runnable time (running + waited) per window as "
          "recorded, in cores of its host here; waited %: predicted runnable-not-"
          "running time x 100 (as `report`'s waited(%) total per domain)\n", out);
    fputs("  model: vCPUs runnable independently within a window, fair share of the "
          "host's pCPUs (docs/planning.md, \"What-if replay\")\n", out);
    if (r->unplaced)
        fprintf(out, "  %zu VMs of the history are not in the plan: not replayed\n",
                r->unplaced);
    if (rr->absent)
        fprintf(out, "  %zu VMs of the plan have no samples in the range: not "
                "replayed\n", rr->absent);
    size_t filled = 0;
    for (size_t v = 0; v < d->nvm; v++)
        if (r->vm[v].host >= 0)
            filled += d->vm[v].nfilled;
    if (filled)
        fprintf(out, "  %zu VM-windows had no sample: replayed as no demand\n", filled);
}

static void print_csv(FILE *out, const struct xb_replay_report *rr)
{
    const struct xb_replay *r = rr->r;
    fputs("host,window,time,cpu_util_pct,waited_cores,over_target,over_capacity,"
          "mem_util_pct\n", out);
    for (size_t h = 0; h < r->nhost; h++) {
        const struct xb_replay_host *x = &r->host[h];
        if (!x->nvm)
            continue;
        for (size_t t = 0; t < r->nwin; t++) {
            char tt[40];
            window_time(r, t, tt, sizeof tt);
            xb_csv_field(out, rr->hs->v[h].name);
            fprintf(out, ",%zu,%s,%.2f,%.4f,%d,%d,", t, tt, x->util[t] * 100.0,
                    x->waited[t], x->util[t] > r->target * (1 + 1e-9),
                    x->util[t] > 1 + 1e-9);
            if (x->mem)
                fprintf(out, "%.2f", x->mem[t] * 100.0);
            fputc('\n', out);
        }
    }
}

static json_t *jseries(const float *v, size_t n, double scale)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_real(v[i] * scale));
    return a;
}

static int print_json(FILE *out, const struct xb_replay_report *rr)
{
    const struct xb_replay *r = rr->r;
    const struct xb_demand *d = rr->d;
    json_t *root = json_object(), *hosts = json_array(), *vms = json_array();
    json_object_set_new(root, "windows", json_integer((json_int_t)r->nwin));
    json_object_set_new(root, "window_s", json_real(r->win_s));
    json_object_set_new(root, "align", json_string(r->align == XB_ALIGN_START
                                                   ? "start" : "time"));
    json_object_set_new(root, "cpu_basis", json_string(xb_cpu_basis_name(d->basis)));
    json_object_set_new(root, "target_pct", json_real(r->target * 100));
    json_object_set_new(root, "host_windows", json_integer((json_int_t)r->host_windows));
    json_object_set_new(root, "over_target", json_integer((json_int_t)r->over_target));
    json_object_set_new(root, "over_capacity", json_integer((json_int_t)r->over_cap));
    json_object_set_new(root, "over_capacity_pct",
                        json_real(pct(r->over_cap, r->host_windows)));
    json_object_set_new(root, "over_target_pct",
                        json_real(pct(r->over_target, r->host_windows)));
    json_object_set_new(root, "mem_over", json_integer((json_int_t)r->mem_over));
    json_object_set_new(root, "not_in_plan", json_integer((json_int_t)r->unplaced));
    json_object_set_new(root, "plan_without_samples", json_integer((json_int_t)rr->absent));
    for (size_t h = 0; h < r->nhost; h++) {
        const struct xb_replay_host *x = &r->host[h];
        if (!x->nvm)
            continue;
        json_t *o = json_object();
        json_object_set_new(o, "host", json_string(rr->hs->v[h].name));
        json_object_set_new(o, "vms", json_integer((json_int_t)x->nvm));
        json_object_set_new(o, "pcpus", json_real(x->pcpus));
        json_object_set_new(o, "cpu_mean_pct", json_real(x->util_mean * 100));
        json_object_set_new(o, "cpu_p95_pct", json_real(x->util_p95 * 100));
        json_object_set_new(o, "cpu_max_pct", json_real(x->util_max * 100));
        json_object_set_new(o, "over_target", json_integer((json_int_t)x->over_target));
        json_object_set_new(o, "over_capacity", json_integer((json_int_t)x->over_cap));
        json_object_set_new(o, "mem_over", json_integer((json_int_t)x->mem_over));
        if (rr->windows) {
            json_object_set_new(o, "cpu_util_pct", jseries(x->util, r->nwin, 100));
            json_object_set_new(o, "waited_cores", jseries(x->waited, r->nwin, 1));
        }
        json_array_append_new(hosts, o);
    }
    for (size_t v = 0; v < r->nvm; v++) {
        const struct xb_replay_vm *x = &r->vm[v];
        if (x->host < 0)
            continue;
        json_t *o = json_object();
        json_object_set_new(o, "vm", json_string(d->vm[v].key));
        json_object_set_new(o, "host", json_string(rr->hs->v[x->host].name));
        json_object_set_new(o, "demand_cores", json_real(x->demand_mean));
        json_object_set_new(o, "cpu_pct", json_real(x->cpu_pct));
        json_object_set_new(o, "waited_pct", json_real(x->waited_pct));
        json_object_set_new(o, "waited_pct_max", json_real(x->waited_pct_max));
        if (rr->windows)
            json_object_set_new(o, "waited_pct_windows", jseries(x->waited, r->nwin, 1));
        json_array_append_new(vms, o);
    }
    json_object_set_new(root, "hosts", hosts);
    json_object_set_new(root, "vms", vms);
    int rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
                        JSON_REAL_PRECISION(8));
    fputc('\n', out);
    json_decref(root);
    return rc ? -EIO : 0;
}

int xb_replay_print(FILE *out, const struct xb_replay_report *rr, enum xb_format f)
{
    int rc = 0;
    switch (f) {
    case XB_FMT_TABLE: print_table(out, rr); break;
    case XB_FMT_CSV: print_csv(out, rr); break;
    case XB_FMT_JSON: rc = print_json(out, rr); break;
    case XB_FMT_HTML: rc = -EINVAL; break;   /* simulate does not offer it */
    }
    return rc || ferror(out) ? -EIO : 0;
}
