/* plan_out.c: the plan as a table (one line per VM, one per provider's
 * choice under it), as CSV (one row per VM and provider) or as JSON (jansson),
 * each with totals per provider that count every VM, and the notes on
 * assumptions; -f html draws the JSON object (plan_html.c).  It must not
 * size or price (sizing.c). */
#include "plan_out.h"

#include <jansson.h>
#include <stdbool.h>
#include <math.h>
#include <string.h>

#include "util/json.h"
#include "plan/plan_html.h"

static void reasons_text(unsigned reasons, char *buf, size_t len, char sep)
{
    buf[0] = '\0';
    size_t used = 0;
    for (unsigned b = 0; b < XB_R_NREASONS; b++) {
        if (!(reasons & (1u << b)))
            continue;
        int n = snprintf(buf + used, len - used, "%s%s", used ? (char[]){ sep, 0 } : "",
                         xb_reason_name(1u << b));
        if (n < 0 || (size_t)n >= len - used)
            break;
        used += (size_t)n;
    }
    if (!used)
        snprintf(buf, len, "-");
}

static void mem_text(double bytes, char *buf, size_t len)
{
    if (isnan(bytes))
        snprintf(buf, len, "?");
    else if (bytes >= 1073741824.0)
        snprintf(buf, len, "%.1f GiB", bytes / 1073741824.0);
    else
        snprintf(buf, len, "%.0f MiB", bytes / 1048576.0);
}

/* Totals per provider: every VM counted once, as priced, as one no type
 * covers, or as without (enough) data. */
struct totals {
    double usd[XB_MAX_PROVIDERS];
    size_t vms[XB_MAX_PROVIDERS], none[XB_MAX_PROVIDERS];
    size_t nodata;
    unsigned bases;     /* bit per enum xb_basis used */
};

static void sum_totals(const struct xb_plan_report *r, struct totals *t)
{
    memset(t, 0, sizeof *t);
    for (size_t i = 0; i < r->n; i++) {
        if (r->vm[i].finding == XB_F_NODATA) {
            t->nodata++;
            continue;
        }
        for (size_t k = 0; k < r->vm[i].nchoice; k++) {
            const struct xb_choice *c = &r->vm[i].choice[k];
            if (c->type) {
                t->usd[k] += c->monthly_usd;
                t->vms[k]++;
                t->bases |= 1u << c->basis;
            } else
                t->none[k]++;
        }
    }
}

static const char *pricing_text(enum xb_pricing p)
{
    return p == XB_PRICING_ONDEMAND ? "on-demand"
         : p == XB_PRICING_1Y ? "1-year commitment" : "3-year commitment";
}

/* A list of VM names after a lead, on one line, only when there is one. */
static void name_list(FILE *out, const struct xb_plan_report *r, const char *lead,
                      bool (*pick)(const struct xb_vm_plan *))
{
    const char *sep = lead;
    for (size_t i = 0; i < r->n; i++) {
        if (!pick(&r->vm[i]))
            continue;
        fprintf(out, "%s%s", sep, r->vm[i].prof->id.name);
        sep = ", ";
    }
    if (sep != lead)
        fputc('\n', out);
}

static bool mem_as_is(const struct xb_vm_plan *v)
{
    return v->finding != XB_F_NODATA && v->need.mem_from &&
           strcmp(v->need.mem_from, "allocation") == 0;
}

static bool short_history(const struct xb_vm_plan *v)
{
    return v->reasons & XB_R_SHORT_HISTORY;
}

static bool mem_unknown(const struct xb_vm_plan *v)
{
    return (v->reasons & XB_R_MEM_UNKNOWN) && !(v->reasons & XB_R_SHORT_HISTORY);
}

static void print_notes(FILE *out, const struct xb_plan_report *r,
                        const struct totals *t)
{
    fputs("notes:\n", out);
    char mincov[160];
    snprintf(mincov, sizeof mincov, "  less than %.3g h of data (InsufficientData, not "
             "priced; --min-coverage): ", r->min_coverage_s / 3600);
    name_list(out, r, mincov, short_history);
    name_list(out, r, "  memory neither measured nor known (InsufficientData, not "
              "priced): ", mem_unknown);
    name_list(out, r, "  memory use not measured, sized on the allocation (as-is, never "
              "above it): ", mem_as_is);
    if (t->bases & (1u << XB_BASIS_MFLOPS))
        fputs("  cpu basis mflops: host cores wanted x host LINPACK MFLOPS per core / "
              "the type's MFLOPS per vCPU\n", out);
    if (t->bases & (1u << XB_BASIS_CLOCK))
        fputs("  cpu basis clock: host cores wanted x host core MHz (nominal) / the "
              "type's all-core turbo GHz as its provider publishes it "
              "(rules/clocks.csv; no MFLOPS figure for host or type)\n", out);
    if (t->bases & (1u << XB_BASIS_CORE))
        fputs("  cpu basis core: one host core = one vCPU of the type (the host has "
              "no clock in the data, or the type's provider publishes no all-core "
              "clock)\n", out);
    fputs("  cpu wanted = running + waited time per window, before the roll-up (a "
          "source without waited time: the use)\n", out);
    const struct xb_size_opts *o = &r->z->o;
    unsigned arch = o->arch_mask ? o->arch_mask : XB_ARCH_X86_64;
    fprintf(out, "  architectures offered: %s%s%s; prices: %s, USD, x 730 h a month\n",
            arch & XB_ARCH_X86_64 ? "x86_64" : "",
            arch == (XB_ARCH_X86_64 | XB_ARCH_ARM64) ? ", " : "",
            arch & XB_ARCH_ARM64 ? "arm64 (software must be built for Arm; a host "
                                   "core is compared with an Arm vCPU by clock)" : "",
            pricing_text(o->pricing));
    for (size_t k = 0; k < r->z->nleft_out; k++)
        fprintf(out, "  provider %s\n", r->z->left_out[k]);
    for (size_t i = 0; i < r->n; i++) {
        const struct xb_vm_plan *v = &r->vm[i];
        const struct xb_profile *p = v->prof;
        if (p->contention)
            fprintf(out, "  %s: waited %.1f %% of its vCPU time (flag at %.0f %%): "
                    "sized on what it wanted, never sized down\n", p->id.name,
                    p->m[XB_PM_WAITED].mean, XB_WAITED_FLAG_PCT);
        for (size_t k = 0; k < v->nchoice; k++) {
            const struct xb_choice *c = &v->choice[k];
            if (!c->type && v->finding != XB_F_NODATA)
                fprintf(out, "  %s: no %s type in %s covers the need\n",
                        p->id.name, c->provider, c->region);
            else if (c->type && c->type->category == XB_CAT_BURSTABLE)
                fprintf(out, "  %s: %s %s is burstable: %s %.2f\n", p->id.name,
                        c->provider, c->type->type,
                        isnan(c->type->burst_credits_per_hour)
                            ? "no credit rules published; spare baseline (vCPUs) at "
                              "the busiest point"
                            : "lowest modelled credit balance",
                        c->min_credits);
        }
    }
    for (size_t i = 0; i < r->nskipped; i++)
        fprintf(out, "  %s\n", r->skipped[i]);
    fputs("  confidence: the measured time of CPU, memory, disk and network over the "
          "VM's span in the look-back (at least the data minimum), averaged; Azure "
          "Migrate's bands: <=20 % 1*, <=40 % 2*, <=60 % 3*, <=80 % 4*, else 5*\n", out);
}

static void print_methods(FILE *out, const struct xb_sizer *z)
{
    bool seen[XB_NMETHODS] = { false };
    for (size_t b = 0; b < z->nblk; b++) {
        enum xb_method m = z->blk[b].method;
        double p = isnan(z->o.percentile) ? xb_methods[m].percentile : z->o.percentile;
        double h = isnan(z->o.headroom) ? xb_methods[m].headroom : z->o.headroom;
        if (seen[m])
            continue;
        seen[m] = true;
        fprintf(out, "method %s: %s", xb_methods[m].name, xb_methods[m].what);
        if (!isnan(z->o.percentile) || !isnan(z->o.headroom))
            fprintf(out, "; here P%g + %g %%", p, h * 100);
        fprintf(out, "; for");
        for (size_t k = 0; k < z->nblk; k++)
            if (z->blk[k].method == m)
                fprintf(out, " %s", z->blk[k].provider);
        fputc('\n', out);
    }
}

static void print_table(FILE *out, const struct xb_plan_report *r)
{
    const struct xb_sizer *z = r->z;
    char from[32], to[32];
    xb_utc_text(r->t_begin, from, sizeof from);
    xb_utc_text(r->t_end, to, sizeof to);
    fprintf(out, "plan: look-back %s (%s .. %s); data minimum %.3g h; catalogue: %zu "
            "types from %zu files\n", r->since_text, from, to, r->min_coverage_s / 3600,
            z->cat->n, z->cat->files);
    print_methods(out, z);
    int w = 8;
    for (size_t i = 0; i < r->n; i++)
        if ((int)strlen(r->vm[i].prof->id.name) > w)
            w = (int)strlen(r->vm[i].prof->id.name);
    fprintf(out, "\n%-*s  %-8s %4s %9s %-18s %-17s %-16s %s\n", w, "VM", "host",
            "vCPU", "memory", "memory need", "finding", "confidence", "reasons");
    fprintf(out, "%-*s  %-8s %-12s %-20s %-9s %4s %8s %10s  %-8s %s\n", w, "", "provider",
            "region", "type", "category", "vCPU", "mem GiB", "$/month", "risk",
            "method P: cpu wanted -> need (host cores); basis: vCPUs per host core -> "
            "vCPUs needed");
    for (size_t i = 0; i < r->n; i++) {
        const struct xb_vm_plan *v = &r->vm[i];
        const struct xb_profile *p = v->prof;
        char mem[32], rs[200], conf[32], mneed[40];
        mem_text(p->mem_alloc_bytes, mem, sizeof mem);
        reasons_text(v->reasons, rs, sizeof rs, ',');
        snprintf(conf, sizeof conf, "%d* %.0f%%", p->stars, p->confidence_pct);
        if (v->need.mem_from)
            snprintf(mneed, sizeof mneed, "%.2f GiB %s", v->need.mem_gib,
                     strcmp(v->need.mem_from, "used") == 0 ? "used" : "as-is");
        else
            snprintf(mneed, sizeof mneed, "unknown");
        fprintf(out, "%-*s  %-8s %4u %9s %-18s %-17s %-16s %s\n", w, p->id.name,
                p->id.host, p->vcpus, mem, mneed, xb_finding_name(v->finding), conf,
                rs);
        if (v->finding == XB_F_NODATA)
            continue;
        for (size_t k = 0; k < v->nchoice; k++) {
            const struct xb_choice *c = &v->choice[k];
            char method[96];
            snprintf(method, sizeof method, "%s P%g: %.3f -> %.3f",
                     xb_methods[c->method].name, c->percentile, c->need.cpu_p,
                     c->need.cpu_cores);
            if (!c->type) {
                fprintf(out, "%-*s  %-8s %-12s %-20s %-9s %4s %8s %10s  %-8s %s\n", w,
                        "", c->provider, c->region, "(none fits)", "", "", "", "",
                        "", method);
                continue;
            }
            fprintf(out, "%-*s  %-8s %-12s %-20s %-9s %4u %8.1f %10.2f  %-8s "
                    "%s; %s x%.2f -> %.2f\n", w, "", c->provider, c->region,
                    c->type->type, xb_category_name(c->type->category),
                    c->type->vcpu, c->type->mem_gib, c->monthly_usd,
                    xb_risk_name(c->risk), method, xb_basis_name(c->basis), c->factor,
                    c->vcpu_need);
        }
    }
    struct totals t;
    sum_totals(r, &t);
    if (r->nlookback)
        fprintf(out, "\ntotals ($/month, %zu VMs: %zu planned, %zu with no data in the "
                "look-back):", r->n + r->nlookback, r->n, r->nlookback);
    else
        fprintf(out, "\ntotals ($/month, %zu VMs):", r->n);
    for (size_t k = 0; k < z->nblk; k++) {
        fprintf(out, "  %s %.2f (%zu VMs priced", z->blk[k].provider, t.usd[k],
                t.vms[k]);
        if (t.none[k])
            fprintf(out, ", %zu no type covers", t.none[k]);
        if (t.nodata)
            fprintf(out, ", %zu InsufficientData", t.nodata);
        if (r->nlookback)
            fprintf(out, ", %zu not in the look-back", r->nlookback);
        fputc(')', out);
    }
    fputs("\n", out);
    print_notes(out, r, &t);
}

static void print_csv(FILE *out, const struct xb_plan_report *r)
{
    fputs("host,vm,domid,vcpus,mem_alloc_mib,mem_need_gib,mem_need_from,finding,"
          "reasons,covered_h,coverage_pct,confidence_pct,mem_pct,disk_pct,net_pct,"
          "stars,waited_pct,contention,provider,region,method,percentile,headroom_pct,"
          "cpu_p_cores,cpu_need_cores,type,category,type_vcpu,type_mem_gib,cpu_basis,"
          "factor,vcpu_need,pricing,price_usd_hour,monthly_usd,risk,price_source,"
          "catalog_source,catalog_as_of\n", out);
    for (size_t i = 0; i < r->n; i++) {
        const struct xb_vm_plan *v = &r->vm[i];
        const struct xb_profile *p = v->prof;
        char rs[200];
        reasons_text(v->reasons, rs, sizeof rs, ';');
        for (size_t k = 0; k < v->nchoice; k++) {
            const struct xb_choice *c = &v->choice[k];
            xb_csv_field(out, p->id.host);
            fputc(',', out);
            xb_csv_field(out, p->id.name);
            fprintf(out, ",%u,%u,", p->id.domid, p->vcpus);
            xb_csv_num(out, p->mem_alloc_bytes / 1048576.0, 0);
            fputc(',', out);
            xb_csv_num(out, v->need.mem_gib, 6);
            fprintf(out, ",%s,%s,%s,%.3f,%.4f,%.4f,%.4f,%.4f,%.4f,%d,",
                    v->need.mem_from ? v->need.mem_from : "",
                    xb_finding_name(v->finding), rs, p->covered_s / 3600,
                    p->coverage_pct, p->confidence_pct, p->resource_pct[XB_RESOURCE_MEM],
                    p->resource_pct[XB_RESOURCE_DISK], p->resource_pct[XB_RESOURCE_NET],
                    p->stars);
            xb_csv_num(out, p->m[XB_PM_WAITED].mean, 3);
            fprintf(out, ",%d,%s,%s,%s,%g,%g,", p->contention, c->provider, c->region,
                    xb_methods[c->method].name, c->percentile, c->headroom * 100);
            xb_csv_num(out, c->need.cpu_p, 6);
            fputc(',', out);
            xb_csv_num(out, c->need.cpu_cores, 6);
            fputc(',', out);
            if (c->type) {
                xb_csv_field(out, c->type->type);
                fprintf(out, ",%s,%u,%g,%s,%.4f,%.4f,%s,%.6g,%.2f,%d,",
                        xb_category_name(c->type->category), c->type->vcpu,
                        c->type->mem_gib, xb_basis_name(c->basis), c->factor,
                        c->vcpu_need, xb_pricing_name(r->z->o.pricing),
                        c->price_hour, c->monthly_usd, c->risk);
                xb_csv_field(out, c->price_from ? c->price_from : "");
                fputc(',', out);
                xb_csv_field(out, c->type->source);
                fprintf(out, ",%s\n", c->type->as_of);
            } else
                fprintf(out, ",,,,,,,,,,%d,,,\n", c->risk);
        }
    }
}


/* The plan as one JSON object: what -f json prints and -f html draws. */
static json_t *plan_json(const struct xb_plan_report *r)
{
    const struct xb_sizer *z = r->z;
    char from[32], to[32];
    xb_utc_text(r->t_begin, from, sizeof from);
    xb_utc_text(r->t_end, to, sizeof to);
    json_t *root = json_object(), *vms = json_array(), *tot = json_object();
    json_object_set_new(root, "percentile", xb_json_num(z->o.percentile));
    json_object_set_new(root, "headroom_pct", xb_json_num(z->o.headroom * 100));
    json_object_set_new(root, "since", json_string(r->since_text));
    json_object_set_new(root, "lookback_from", json_string(from));
    json_object_set_new(root, "lookback_to", json_string(to));
    json_object_set_new(root, "min_coverage_h", json_real(r->min_coverage_s / 3600));
    json_object_set_new(root, "catalog_types", json_integer((json_int_t)z->cat->n));
    for (size_t i = 0; i < r->n; i++) {
        const struct xb_vm_plan *v = &r->vm[i];
        const struct xb_profile *p = v->prof;
        json_t *o = json_object(), *rs = json_array(), *ch = json_array();
        json_object_set_new(o, "host", json_string(p->id.host));
        json_object_set_new(o, "vm", json_string(p->id.name));
        json_object_set_new(o, "domid", json_integer(p->id.domid));
        json_object_set_new(o, "vcpus", json_integer(p->vcpus));
        json_object_set_new(o, "mem_alloc_mib", xb_json_num(p->mem_alloc_bytes / 1048576.0));
        /* The VM's CPU figures: those of its highest need over the providers'
         * methods (what its finding is on); each choice has its own. */
        double cpu_p = NAN, cpu_need = NAN;
        for (size_t k = 0; k < v->nchoice; k++)
            if (isnan(cpu_need) || v->choice[k].need.cpu_cores > cpu_need) {
                cpu_need = v->choice[k].need.cpu_cores;
                cpu_p = v->choice[k].need.cpu_p;
            }
        json_object_set_new(o, "cpu_p_cores", xb_json_num(cpu_p));
        json_object_set_new(o, "cpu_need_cores", xb_json_num(cpu_need));
        json_object_set_new(o, "mem_need_gib", xb_json_num(v->need.mem_gib));
        json_object_set_new(o, "mem_need_from", v->need.mem_from
                            ? json_string(v->need.mem_from) : json_null());
        json_object_set_new(o, "finding", json_string(xb_finding_name(v->finding)));
        for (unsigned b = 0; b < XB_R_NREASONS; b++)
            if (v->reasons & (1u << b))
                json_array_append_new(rs, json_string(xb_reason_name(1u << b)));
        json_object_set_new(o, "reasons", rs);
        json_object_set_new(o, "covered_h", json_real(p->covered_s / 3600));
        json_object_set_new(o, "coverage_pct", json_real(p->coverage_pct));
        json_object_set_new(o, "confidence_pct", json_real(p->confidence_pct));
        json_t *res = json_object();
        for (int k = 0; k < XB_NRESOURCES; k++)
            json_object_set_new(res, xb_resource_names[k], json_real(p->resource_pct[k]));
        json_object_set_new(o, "measured_pct", res);
        json_object_set_new(o, "stars", json_integer(p->stars));
        json_object_set_new(o, "waited_pct", xb_json_num(p->m[XB_PM_WAITED].mean));
        json_object_set_new(o, "contention", json_boolean(p->contention));
        for (size_t k = 0; k < v->nchoice; k++) {
            const struct xb_choice *c = &v->choice[k];
            json_t *e = json_object();
            json_object_set_new(e, "provider", json_string(c->provider));
            json_object_set_new(e, "region", json_string(c->region));
            json_object_set_new(e, "method", json_string(xb_methods[c->method].name));
            json_object_set_new(e, "percentile", xb_json_num(c->percentile));
            json_object_set_new(e, "headroom_pct", xb_json_num(c->headroom * 100));
            json_object_set_new(e, "cpu_p_cores", xb_json_num(c->need.cpu_p));
            json_object_set_new(e, "cpu_need_cores", xb_json_num(c->need.cpu_cores));
            json_object_set_new(e, "risk", json_integer(c->risk));
            json_object_set_new(e, "risk_name", json_string(xb_risk_name(c->risk)));
            if (c->type) {
                json_object_set_new(e, "type", json_string(c->type->type));
                json_object_set_new(e, "category",
                                    json_string(xb_category_name(c->type->category)));
                json_object_set_new(e, "vcpu", json_integer(c->type->vcpu));
                json_object_set_new(e, "mem_gib", json_real(c->type->mem_gib));
                json_object_set_new(e, "cpu_basis", json_string(xb_basis_name(c->basis)));
                json_object_set_new(e, "factor", xb_json_num(c->factor));
                json_object_set_new(e, "vcpu_need", xb_json_num(c->vcpu_need));
                json_object_set_new(e, "pricing",
                                    json_string(xb_pricing_name(r->z->o.pricing)));
                json_object_set_new(e, "price_usd_hour", json_real(c->price_hour));
                json_object_set_new(e, "price_source", c->price_from
                                    ? json_string(c->price_from) : json_null());
                json_object_set_new(e, "monthly_usd", json_real(c->monthly_usd));
                json_object_set_new(e, "catalog_source", json_string(c->type->source));
                json_object_set_new(e, "catalog_as_of", json_string(c->type->as_of));
            } else
                json_object_set_new(e, "type", json_null());
            json_array_append_new(ch, e);
        }
        json_object_set_new(o, "choices", ch);
        json_array_append_new(vms, o);
    }
    struct totals t;
    sum_totals(r, &t);
    for (size_t k = 0; k < z->nblk; k++) {
        json_t *e = json_object();
        json_object_set_new(e, "region", json_string(z->blk[k].region));
        json_object_set_new(e, "method", json_string(xb_methods[z->blk[k].method].name));
        json_object_set_new(e, "monthly_usd", json_real(t.usd[k]));
        json_object_set_new(e, "vms", json_integer((json_int_t)t.vms[k]));
        json_object_set_new(e, "vms_without_type", json_integer((json_int_t)t.none[k]));
        json_object_set_new(e, "vms_without_data", json_integer((json_int_t)t.nodata));
        json_object_set_new(e, "vms_outside_lookback",
                            json_integer((json_int_t)r->nlookback));
        json_object_set_new(tot, z->blk[k].provider, e);
    }
    json_object_set_new(root, "vms", vms);
    json_object_set_new(root, "totals", tot);
    json_t *sk = json_array();
    for (size_t i = 0; i < r->nskipped; i++)
        json_array_append_new(sk, json_string(r->skipped[i]));
    json_object_set_new(root, "not_planned", sk);
    json_t *lo = json_array();
    for (size_t k = 0; k < z->nleft_out; k++)
        json_array_append_new(lo, json_string(z->left_out[k]));
    json_object_set_new(root, "providers_left_out", lo);
    json_object_set_new(root, "pricing", json_string(xb_pricing_name(z->o.pricing)));
    return root;
}

static int print_json(FILE *out, const struct xb_plan_report *r, bool html)
{
    json_t *root = plan_json(r);
    if (!root)
        return 1;
    int rc = html ? xb_plan_html(out, root)
                  : json_dumpf(root, out, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
    if (!html)
        fputc('\n', out);
    json_decref(root);
    return rc ? 1 : 0;
}

int xb_plan_print(FILE *out, const struct xb_plan_report *r, enum xb_format f)
{
    int rc = 0;
    if (f == XB_FMT_TABLE)
        print_table(out, r);
    else if (f == XB_FMT_CSV)
        print_csv(out, r);
    else
        rc = print_json(out, r, f == XB_FMT_HTML);
    return rc || fflush(out) || ferror(out) ? 1 : 0;
}
