/* place_out.c: the placement as a table (summary, one line per host, one
 * per VM, what was not placed, notes), as CSV (one row per VM) or as JSON
 * (everything; -f html draws it, place_html.c), and the plan file.  Owns
 * wording and layout only.  It must not decide a placement. */
#include "place_out.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "place/place_html.h"
#include "util/atomic_file.h"
#include "util/json.h"

static const char *cls_text(unsigned c)
{
    switch (c) {
    case XB_CLASS_CONTENDED: return "contended";
    case XB_CLASS_CACHE: return "cache-heavy";
    case XB_CLASS_CONTENDED | XB_CLASS_CACHE: return "contended+cache-heavy";
    default: return "-";
    }
}

static void range_text(double t, const char *open, char *buf, size_t len)
{
    if (isfinite(t))
        xb_utc_text(t, buf, len);
    else
        snprintf(buf, len, "%s", open);
}

static const char *res_unit(const struct xb_placement *pl, int r)
{
    return r == XB_RES_CPU ? xb_cpu_unit(pl->basis) : xb_res_unit[r];
}

/* "71.2%" of capacity, or the figure and its unit without one, or "-". */
static void util_text(const struct xb_placement *pl, int r, double v, double cap,
                      char *buf, size_t len)
{
    if (isnan(v))
        snprintf(buf, len, "-");
    else if (!isnan(cap) && cap > 0)
        snprintf(buf, len, "%.1f%%", 100 * v / cap);
    else
        snprintf(buf, len, "%.1f %s", v, res_unit(pl, r));
}

static const char *today_name(const struct xb_place_report *r, size_t v)
{
    const long *cur = r->in->current;
    if (cur && cur[v] >= 0)
        return r->in->hs->v[cur[v]].name;
    if (r->in->on_outside && r->in->on_outside[v])
        return "(outside)";
    return "-";
}

static const char *host_name(const struct xb_place_report *r, size_t v)
{
    long h = r->pl->vm[v].host;
    if (h >= 0)
        return r->in->hs->v[h].name;
    if (h == -2)
        return r->hy ? "cloud" : "(left out)";
    return "(none)";
}

static void print_table(FILE *out, const struct xb_place_report *r)
{
    const struct xb_placement *pl = r->pl;
    const struct xb_pack_in *in = r->in;
    const struct xb_demand *d = in->d;
    const struct xb_pack_opts *o = &in->o;
    char from[40], until[40];
    range_text(r->t_from, "the first sample", from, sizeof from);
    range_text(r->t_until, "the last", until, sizeof until);
    fprintf(out, "place: %zu VMs onto %zu hosts of %s; %zu window%s of %g s, samples "
            "from %s to %s (%s time); cpu in %s (%s basis)\n", d->nvm, in->hs->n,
            r->hosts_path ? r->hosts_path : "(built)", d->nwin, d->nwin == 1 ? "" : "s",
            d->win_s, from, until,
            d->align == XB_ALIGN_START ? "each VM from its own start" : "absolute",
            xb_cpu_unit(pl->basis), xb_cpu_basis_name(pl->basis));
    if (o->peaks_only)
        fprintf(out, "rules: BASELINE: each VM as its peak (not time-aware) <= %.0f %% "
                "of capacity", o->target * 100);
    else
        fprintf(out, "rules: every window <= %.0f %% of capacity (%.1f %% of windows "
                "may be above, never above 100 %%)", o->target * 100,
                o->allow_frac * 100);
    fprintf(out, "; memory allocations <= memory x %.2f; hot vCPUs on cores of their "
            "own%s\n", o->mem_overcommit, o->spare ? "; spare hosts" : "");
    fprintf(out, "hosts used: %zu", pl->used);
    if (pl->standby)
        fprintf(out, " + %zu standing by", pl->standby);
    fprintf(out, " of %zu; lower bound %u (%s); gap %.1f %%\n", pl->nhost,
            pl->lower_bound, pl->bound_by, pl->gap_pct);
    fprintf(out, "moves: %zu; placed new: %zu; not placed: %zu", pl->moves,
            pl->placed_new, pl->unplaced);
    if (in->current)
        fprintf(out, "; hosts freed: %zu of the %zu used today", pl->freed,
                pl->was_used);
    fputc('\n', out);
    if (isnan(pl->cost_usd))
        fputs("monthly cost of the hosts: unknown (monthly_cost_usd missing in the "
              "hosts file)", out);
    else
        fprintf(out, "monthly cost of the hosts: %.2f USD", pl->cost_usd);
    if (in->current)
        fprintf(out, isnan(pl->today_usd) ? "; today: unknown" : "; today: %.2f USD",
                pl->today_usd);
    fputc('\n', out);
    if (r->hy) {
        const struct xb_hybrid *hy = r->hy;
        fprintf(out, "hybrid (%s %s): %zu VMs to the cloud, %zu kept on %u owned "
                "hosts; monthly: owned %.2f + cloud %.2f = %.2f USD; all owned: %.2f "
                "USD on %u hosts", hy->provider, hy->region, hy->moved,
                d->nvm - hy->moved, hy->hosts, hy->owned_usd, hy->cloud_usd,
                hy->owned_usd + hy->cloud_usd, hy->all_owned_usd, hy->all_owned_hosts);
        if (!isnan(hy->today_usd))
            fprintf(out, "; today %.2f USD", hy->today_usd);
        fputc('\n', out);
    }
    fputs("\nhost\tVMs\tcpu p95\tcpu max\tmem alloc\tmem p95\tdisk p95\tnet p95\t"
          "hot/cores\twindows>target\tstate\n", out);
    for (size_t h = 0; h < pl->nhost; h++) {
        const struct xb_host_place *hp = &pl->host[h];
        if (!hp->used && !hp->standby && !hp->was_used)
            continue;
        char c95[32], cmx[32], mal[32], m95[32], d95[32], n95[32];
        util_text(pl, XB_RES_CPU, hp->p95[XB_RES_CPU], hp->cap[XB_RES_CPU], c95, 32);
        util_text(pl, XB_RES_CPU, hp->max[XB_RES_CPU], hp->cap[XB_RES_CPU], cmx, 32);
        util_text(pl, XB_RES_MEM, hp->used ? hp->mem_alloc_gib : NAN,
                  hp->cap[XB_RES_MEM], mal, 32);
        util_text(pl, XB_RES_MEM, hp->p95[XB_RES_MEM], hp->cap[XB_RES_MEM], m95, 32);
        util_text(pl, XB_RES_DISK, hp->p95[XB_RES_DISK], hp->cap[XB_RES_DISK], d95, 32);
        util_text(pl, XB_RES_NET, hp->p95[XB_RES_NET], hp->cap[XB_RES_NET], n95, 32);
        fprintf(out, "%s\t%zu\t%s\t%s\t%s\t%s\t%s\t%s\t%u/%u\t%zu\t%s\n",
                in->hs->v[h].name, hp->nvm, c95, cmx, mal, m95, d95, n95, hp->hot,
                hp->cores, hp->over_target,
                hp->used ? "used" : hp->standby ? "standby (empty)" : "freed");
    }
    fputs("\nVM\thost\tcores\ttoday\tmoved\thot vCPUs\tspread", out);
    if (r->hy)
        fputs("\tdecision\tcloud type\tcloud $/month\towned $/month\tdifference", out);
    fputc('\n', out);
    for (size_t v = 0; v < d->nvm; v++) {
        const struct xb_vm_place *m = &pl->vm[v];
        fprintf(out, "%s\t%s\t%s\t%s\t%s\t%u\t%s", d->vm[v].key, host_name(r, v),
                m->pin[0] ? m->pin : m->host >= 0 ? "shared" : "-", today_name(r, v),
                m->host == -2 ? "-" : m->is_new ? "new" : m->moved ? "yes" : "no",
                m->hot, cls_text(m->cls));
        if (r->hy) {
            const struct xb_hybrid_vm *x = &r->hy->vm[v];
            fprintf(out, "\t%s\t%s", x->to_cloud ? "move" : "keep",
                    x->type[0] ? x->type : "(none fits)");
            if (isnan(x->cloud_usd))
                fputs("\t-", out);
            else
                fprintf(out, "\t%.2f", x->cloud_usd);
            fprintf(out, "\t%.2f", x->owned_usd);
            if (isnan(x->cloud_usd))
                fputs("\t-", out);
            else
                fprintf(out, "\t%+.2f", x->cloud_usd - x->owned_usd);
        }
        fputc('\n', out);
    }
    if (pl->unplaced) {
        fputs("\nnot placed:\n", out);
        for (size_t v = 0; v < d->nvm; v++)
            if (pl->vm[v].host == -1)
                fprintf(out, "  %s: %s\n", d->vm[v].key, pl->vm[v].why);
    }
    fputs("\nnotes:\n", out);
    for (size_t i = 0; i < pl->nnote; i++)
        fprintf(out, "  %s\n", pl->note[i]);
    size_t filled = 0, nofill = 0;
    for (size_t v = 0; v < d->nvm; v++) {
        filled += d->vm[v].nfilled;
        nofill += d->vm[v].nfilled > 0;
    }
    if (filled)
        fprintf(out, "  %zu windows of %zu VMs had no sample between samples: each "
                "took the larger of its neighbours\n", filled, nofill);
    size_t nomem = 0;
    for (size_t v = 0; v < d->nvm; v++)
        nomem += isnan(d->vm[v].mem_alloc_gib) && isnan(d->vm[v].mem_peak_gib);
    if (nomem)
        fprintf(out, "  %zu VMs have no memory figure: they reserve no memory\n", nomem);
    size_t noalloc = 0;
    for (size_t v = 0; v < d->nvm; v++)
        noalloc += isnan(d->vm[v].mem_alloc_gib) && !isnan(d->vm[v].mem_peak_gib);
    if (noalloc)
        fprintf(out, "  %zu VMs have no memory allocation: they reserve their peak "
                "memory in use\n", noalloc);
    if (d->dom0_skipped)
        fprintf(out, "  %zu domain-0 series (a Xen control domain or the Linux host "
                "itself) are not VMs and are not placed\n", d->dom0_skipped);
    if (d->nodata_skipped)
        fprintf(out, "  %zu VMs have no usable sample in the range and are not "
                "placed\n", d->nodata_skipped);
    if (pl->search_cut)
        fprintf(out, "  the local search stopped at its time budget after %u passes\n",
                pl->passes);
    if (pl->ffd_hosts)
        fprintf(out, "  packed in %.3f s (first-fit decreasing: %zu hosts; %u balanced "
                "repack%s; %u local-search pass%s)\n", r->seconds, pl->ffd_hosts,
                pl->rebalance_tries, pl->rebalance_tries == 1 ? "" : "s", pl->passes,
                pl->passes == 1 ? "" : "es");
    else if (r->in->current)
        fprintf(out, "  packed in %.3f s (from today's assignment; %u local-search "
                "pass%s)\n", r->seconds, pl->passes, pl->passes == 1 ? "" : "es");
    else
        fprintf(out, "  decided in %.3f s\n", r->seconds);
}

static void print_csv(FILE *out, const struct xb_place_report *r)
{
    const struct xb_placement *pl = r->pl;
    const struct xb_demand *d = r->in->d;
    fputs("vm,host,cores,today,moved,hot_vcpus,spread,decision,cloud_type,"
          "cloud_usd_month,owned_usd_month,reason\n", out);
    for (size_t v = 0; v < d->nvm; v++) {
        const struct xb_vm_place *m = &pl->vm[v];
        xb_csv_field(out, d->vm[v].key);
        fputc(',', out);
        xb_csv_field(out, m->host >= 0 ? r->in->hs->v[m->host].name : "");
        fputc(',', out);
        xb_csv_field(out, m->pin);
        fputc(',', out);
        xb_csv_field(out, strcmp(today_name(r, v), "-") ? today_name(r, v) : "");
        fprintf(out, ",%s,%u,%s,", m->is_new ? "new" : m->moved ? "yes" : "no",
                m->hot, m->cls ? cls_text(m->cls) : "");
        if (r->hy) {
            const struct xb_hybrid_vm *x = &r->hy->vm[v];
            fprintf(out, "%s,", x->to_cloud ? "move" : "keep");
            xb_csv_field(out, x->type);
            fputc(',', out);
            xb_csv_num(out, x->cloud_usd, 2);
            fputc(',', out);
            xb_csv_num(out, x->owned_usd, 2);
        } else
            fputs(m->host >= 0 ? "keep,,," : ",,,", out);
        fputc(',', out);
        xb_csv_field(out, m->host == -1 ? m->why : "");
        fputc('\n', out);
    }
}

/* The placement as one JSON object: what -f json prints and -f html draws. */
static json_t *place_json(const struct xb_place_report *r)
{
    const struct xb_placement *pl = r->pl;
    const struct xb_pack_in *in = r->in;
    const struct xb_demand *d = in->d;
    json_t *root = json_object(), *hosts = json_array(), *vms = json_array(),
           *notes = json_array();
    char from[40] = "", until[40] = "";
    if (isfinite(r->t_from))
        xb_utc_text(r->t_from, from, sizeof from);
    if (isfinite(r->t_until))
        xb_utc_text(r->t_until, until, sizeof until);
    json_object_set_new(root, "vms", json_integer((json_int_t)d->nvm));
    json_object_set_new(root, "windows", json_integer((json_int_t)d->nwin));
    json_object_set_new(root, "window_s", json_real(d->win_s));
    json_object_set_new(root, "from", from[0] ? json_string(from) : json_null());
    json_object_set_new(root, "until", until[0] ? json_string(until) : json_null());
    json_object_set_new(root, "align", json_string(d->align == XB_ALIGN_START
                                                   ? "start" : "time"));
    json_object_set_new(root, "cpu_basis", json_string(xb_cpu_basis_name(pl->basis)));
    json_object_set_new(root, "cpu_unit", json_string(xb_cpu_unit(pl->basis)));
    json_object_set_new(root, "target_pct", json_real(in->o.target * 100));
    json_object_set_new(root, "allow_pct", json_real(in->o.allow_frac * 100));
    json_object_set_new(root, "mem_overcommit", json_real(in->o.mem_overcommit));
    json_object_set_new(root, "peaks_only", json_boolean(in->o.peaks_only));
    json_object_set_new(root, "spare", json_integer(in->o.spare));
    json_object_set_new(root, "hosts_in_pool", json_integer((json_int_t)pl->nhost));
    json_object_set_new(root, "hosts_used", json_integer((json_int_t)pl->used));
    json_object_set_new(root, "hosts_standby", json_integer((json_int_t)pl->standby));
    json_object_set_new(root, "lower_bound", json_integer(pl->lower_bound));
    json_object_set_new(root, "bound_by", json_string(pl->bound_by));
    json_object_set_new(root, "gap_pct", json_real(pl->gap_pct));
    json_object_set_new(root, "moves", json_integer((json_int_t)pl->moves));
    json_object_set_new(root, "placed_new", json_integer((json_int_t)pl->placed_new));
    json_object_set_new(root, "not_placed", json_integer((json_int_t)pl->unplaced));
    json_object_set_new(root, "hosts_freed", json_integer((json_int_t)pl->freed));
    json_object_set_new(root, "hosts_used_today", json_integer((json_int_t)pl->was_used));
    json_object_set_new(root, "monthly_cost_usd", xb_json_num(pl->cost_usd));
    json_object_set_new(root, "today_monthly_cost_usd", xb_json_num(pl->today_usd));
    json_object_set_new(root, "survives_spare", json_boolean(pl->survives));
    json_object_set_new(root, "search_passes", json_integer(pl->passes));
    json_object_set_new(root, "search_cut", json_boolean(pl->search_cut));
    json_object_set_new(root, "seconds", json_real(r->seconds));
    for (size_t h = 0; h < pl->nhost; h++) {
        const struct xb_host_place *hp = &pl->host[h];
        if (!hp->used && !hp->standby && !hp->was_used)
            continue;
        json_t *o = json_object(), *u = json_object();
        json_object_set_new(o, "host", json_string(in->hs->v[h].name));
        json_object_set_new(o, "vms", json_integer((json_int_t)hp->nvm));
        json_object_set_new(o, "state", json_string(hp->used ? "used" : hp->standby
                                                    ? "standby" : "freed"));
        for (int k = 0; k < XB_NRES; k++) {
            json_t *e = json_object();
            json_object_set_new(e, "unit", json_string(res_unit(pl, k)));
            json_object_set_new(e, "capacity", xb_json_num(hp->cap[k]));
            json_object_set_new(e, "p95", xb_json_num(hp->p95[k]));
            json_object_set_new(e, "max", xb_json_num(hp->max[k]));
            json_object_set_new(u, xb_res_name[k], e);
        }
        json_object_set_new(o, "series", u);
        json_object_set_new(o, "mem_alloc_gib", json_real(hp->mem_alloc_gib));
        json_object_set_new(o, "hot_vcpus", json_integer(hp->hot));
        json_object_set_new(o, "cores", json_integer(hp->cores));
        json_object_set_new(o, "windows_over_target",
                            json_integer((json_int_t)hp->over_target));
        json_array_append_new(hosts, o);
    }
    for (size_t v = 0; v < d->nvm; v++) {
        const struct xb_vm_place *m = &pl->vm[v];
        json_t *o = json_object();
        json_object_set_new(o, "vm", json_string(d->vm[v].key));
        json_object_set_new(o, "host", m->host >= 0
                            ? json_string(in->hs->v[m->host].name) : json_null());
        json_object_set_new(o, "cores", json_string(m->pin));
        json_object_set_new(o, "today", strcmp(today_name(r, v), "-")
                            ? json_string(today_name(r, v)) : json_null());
        json_object_set_new(o, "moved", json_boolean(m->moved));
        json_object_set_new(o, "new", json_boolean(m->is_new));
        json_object_set_new(o, "hot_vcpus", json_integer(m->hot));
        json_object_set_new(o, "contended", json_boolean(m->cls & XB_CLASS_CONTENDED));
        json_object_set_new(o, "cache_heavy", json_boolean(m->cls & XB_CLASS_CACHE));
        if (m->host == -1)
            json_object_set_new(o, "reason", json_string(m->why));
        if (r->hy) {
            const struct xb_hybrid_vm *x = &r->hy->vm[v];
            json_object_set_new(o, "decision", json_string(x->to_cloud ? "move"
                                                           : "keep"));
            json_object_set_new(o, "cloud_type", x->type[0] ? json_string(x->type)
                                                            : json_null());
            json_object_set_new(o, "cloud_usd_month", xb_json_num(x->cloud_usd));
            json_object_set_new(o, "owned_usd_month", xb_json_num(x->owned_usd));
        }
        json_array_append_new(vms, o);
    }
    for (size_t i = 0; i < pl->nnote; i++)
        json_array_append_new(notes, json_string(pl->note[i]));
    json_object_set_new(root, "hosts", hosts);
    json_object_set_new(root, "placement", vms);
    json_object_set_new(root, "notes", notes);
    if (r->hy) {
        const struct xb_hybrid *hy = r->hy;
        json_t *o = json_object();
        json_object_set_new(o, "provider", json_string(hy->provider));
        json_object_set_new(o, "region", json_string(hy->region));
        json_object_set_new(o, "to_cloud", json_integer((json_int_t)hy->moved));
        json_object_set_new(o, "no_type", json_integer((json_int_t)hy->no_type));
        json_object_set_new(o, "owned_hosts", json_integer(hy->hosts));
        json_object_set_new(o, "owned_usd_month", xb_json_num(hy->owned_usd));
        json_object_set_new(o, "cloud_usd_month", xb_json_num(hy->cloud_usd));
        json_object_set_new(o, "total_usd_month", xb_json_num(hy->owned_usd + hy->cloud_usd));
        json_object_set_new(o, "all_owned_usd_month", xb_json_num(hy->all_owned_usd));
        json_object_set_new(o, "all_owned_hosts", json_integer(hy->all_owned_hosts));
        json_object_set_new(o, "today_usd_month", xb_json_num(hy->today_usd));
        json_object_set_new(o, "prefixes_packed", json_integer(hy->steps));
        json_object_set_new(root, "hybrid", o);
    }
    return root;
}

static int print_json(FILE *out, const struct xb_place_report *r, bool html)
{
    json_t *root = place_json(r);
    if (!root)
        return -EIO;
    int rc = html ? xb_place_html(out, root)
                  : json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
                                          JSON_REAL_PRECISION(10));
    if (!html)
        fputc('\n', out);
    json_decref(root);
    return rc ? -EIO : 0;
}

int xb_place_print(FILE *out, const struct xb_place_report *r, enum xb_format f)
{
    int rc = 0;
    switch (f) {
    case XB_FMT_TABLE: print_table(out, r); break;
    case XB_FMT_CSV: print_csv(out, r); break;
    case XB_FMT_JSON: rc = print_json(out, r, false); break;
    case XB_FMT_HTML: rc = print_json(out, r, true); break;
    }
    return rc || ferror(out) ? -EIO : 0;
}

int xb_place_write_plan(const char *path, const struct xb_place_report *r,
                        struct xb_err *err)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return xb_err_set(err, -ENOMEM, "out of memory");
    fputs("vm,host,cores\n", f);
    const struct xb_demand *d = r->in->d;
    for (size_t v = 0; v < d->nvm; v++) {
        long h = r->pl->vm[v].host;
        if (h < 0)
            continue;
        xb_csv_field(f, d->vm[v].key);
        fputc(',', f);
        xb_csv_field(f, r->in->hs->v[h].name);
        fputc(',', f);
        xb_csv_field(f, r->pl->vm[v].pin);
        fputc('\n', f);
    }
    if (fclose(f)) {
        free(buf);
        return xb_err_set(err, -ENOMEM, "out of memory");
    }
    int rc = xb_write_file_atomic(path, buf, len, err);
    free(buf);
    return rc;
}
