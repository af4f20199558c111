/* plan_out.c: the plan as a table (one line per VM, one per provider's
 * choice under it), as CSV (one row per VM and provider) or as JSON (jansson),
 * each with totals per provider and the notes on assumptions. */
#include "plan_out.h"

#include <jansson.h>
#include <math.h>
#include <string.h>

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

struct totals {
    double usd[XB_MAX_PROVIDERS];
    size_t vms[XB_MAX_PROVIDERS], none[XB_MAX_PROVIDERS];
    unsigned bases;     /* bit per enum xb_basis used */
};

static void sum_totals(const struct xb_plan_report *r, struct totals *t)
{
    memset(t, 0, sizeof *t);
    for (size_t i = 0; i < r->n; i++) {
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

static void print_notes(FILE *out, const struct xb_plan_report *r,
                        const struct totals *t)
{
    fputs("notes:\n", out);
    const char *sep = "  memory use not measured, sized on the allocation (as-is): ";
    for (size_t i = 0; i < r->n; i++) {
        const struct xb_need *nd = &r->vm[i].need;
        if (nd->mem_from && strcmp(nd->mem_from, "allocation") == 0) {
            fprintf(out, "%s%s", sep, r->vm[i].prof->vm->name);
            sep = ", ";
        }
    }
    if (*sep == ',')
        fputc('\n', out);
    if (t->bases & (1u << XB_BASIS_MFLOPS))
        fputs("  cpu basis mflops: host cores used x host LINPACK MFLOPS per core / "
              "the type's MFLOPS per vCPU\n", out);
    if (t->bases & (1u << XB_BASIS_CLOCK))
        fputs("  cpu basis clock: host cores used x host core MHz / the type's "
              "sustained clock (no MFLOPS figure for host or type)\n", out);
    if (t->bases & (1u << XB_BASIS_CORE))
        fputs("  cpu basis core: one host core = one vCPU of the type (the type or "
              "the host has no clock in the data)\n", out);
    fputs("  only x86_64 types are offered (the measured hosts are x86); prices "
          "are on-demand, USD, x 730 h a month\n", out);
    for (size_t i = 0; i < r->n; i++) {
        const struct xb_vm_plan *v = &r->vm[i];
        const struct xb_profile *p = v->prof;
        if (p->contention)
            fprintf(out, "  %s: waited %.1f %% of its vCPU time (flag at %.0f %%): "
                    "its measured use understates its need\n", p->vm->name,
                    p->m[XB_M_WAITED].mean, XB_WAITED_FLAG_PCT);
        if (!v->need.mem_from && v->finding != XB_F_NODATA)
            fprintf(out, "  %s: memory neither measured nor known: not a "
                    "constraint\n", p->vm->name);
        if (v->finding == XB_F_NODATA)
            fprintf(out, "  %s: no usable samples in the look-back: not sized\n",
                    p->vm->name);
        for (size_t k = 0; k < v->nchoice; k++) {
            const struct xb_choice *c = &v->choice[k];
            if (!c->type && v->finding != XB_F_NODATA)
                fprintf(out, "  %s: no %s type in %s covers the need\n",
                        p->vm->name, c->provider, c->region);
            else if (c->type && c->type->category == XB_CAT_BURSTABLE)
                fprintf(out, "  %s: %s %s is burstable: %s %.2f\n", p->vm->name,
                        c->provider, c->type->type,
                        isnan(c->type->burst_credits_per_hour)
                            ? "no credit rules published; spare baseline (vCPUs) at "
                              "the busiest window"
                            : "lowest modelled credit balance",
                        c->min_credits);
        }
    }
    for (size_t i = 0; i < r->nskipped; i++)
        fprintf(out, "  %s\n", r->skipped[i]);
    fputs("  confidence: share of the look-back covered by samples; Azure Migrate's "
          "bands: <=20 % 1*, <=40 % 2*, <=60 % 3*, <=80 % 4*, else 5*\n", out);
}

static void print_table(FILE *out, const struct xb_plan_report *r)
{
    const struct xb_sizer *z = r->z;
    char from[32], to[32];
    xb_utc_text(r->t_begin, from, sizeof from);
    xb_utc_text(r->t_end, to, sizeof to);
    fprintf(out, "plan: cpu P%g + %g %% headroom; look-back %s (%s .. %s); "
            "catalogue: %zu types from %zu files\n", z->o.percentile,
            z->o.headroom * 100, r->since_text, from, to, z->cat->n, z->cat->files);
    int w = 8;
    for (size_t i = 0; i < r->n; i++)
        if ((int)strlen(r->vm[i].prof->vm->name) > w)
            w = (int)strlen(r->vm[i].prof->vm->name);
    char pcol[32];
    snprintf(pcol, sizeof pcol, "cpu p%g", z->o.percentile);
    fprintf(out, "\n%-*s  %-8s %4s %9s %8s %7s  %-17s %-10s %s\n", w, "VM", "host",
            "vCPU", "memory", pcol, "need", "finding", "confidence", "reasons");
    fprintf(out, "%-*s  %-8s %-12s %-20s %-9s %4s %8s %10s  %-8s %s\n", w, "", "provider",
            "region", "type", "category", "vCPU", "mem GiB", "$/month", "risk",
            "cpu basis: type vCPUs per host core -> vCPUs needed");
    for (size_t i = 0; i < r->n; i++) {
        const struct xb_vm_plan *v = &r->vm[i];
        const struct xb_profile *p = v->prof;
        char mem[32], rs[160], conf[32];
        mem_text(p->mem_alloc_bytes, mem, sizeof mem);
        reasons_text(v->reasons, rs, sizeof rs, ',');
        snprintf(conf, sizeof conf, "%d* %.1f%%", p->stars, p->coverage_pct);
        fprintf(out, "%-*s  %-8s %4u %9s %8.3f %7.3f  %-17s %-10s %s\n", w,
                p->vm->name, p->vm->host, p->vcpus, mem, v->need.cpu_p,
                v->need.cpu_cores, xb_finding_name(v->finding), conf, rs);
        for (size_t k = 0; k < v->nchoice; k++) {
            const struct xb_choice *c = &v->choice[k];
            if (!c->type) {
                fprintf(out, "%-*s  %-8s %-12s %-20s\n", w, "", c->provider,
                        c->region, "(none fits)");
                continue;
            }
            fprintf(out, "%-*s  %-8s %-12s %-20s %-9s %4u %8.1f %10.2f  %-8s "
                    "%s x%.2f -> %.2f\n", w, "", c->provider, c->region,
                    c->type->type, xb_category_name(c->type->category),
                    c->type->vcpu, c->type->mem_gib, c->monthly_usd,
                    xb_risk_name(c->risk), xb_basis_name(c->basis), c->factor,
                    c->vcpu_need);
        }
    }
    struct totals t;
    sum_totals(r, &t);
    fputs("\ntotals ($/month):", out);
    for (size_t k = 0; k < z->nblk; k++)
        fprintf(out, "  %s %.2f (%zu VMs%s)", z->blk[k].provider, t.usd[k], t.vms[k],
                t.none[k] ? ", some without a fitting type" : "");
    fputs("\n", out);
    print_notes(out, r, &t);
}

static void print_csv(FILE *out, const struct xb_plan_report *r)
{
    fputs("host,vm,domid,vcpus,mem_alloc_mib,percentile,headroom_pct,cpu_p_cores,"
          "cpu_need_cores,mem_need_gib,mem_need_from,finding,reasons,coverage_pct,"
          "stars,waited_pct,contention,provider,region,type,category,type_vcpu,"
          "type_mem_gib,cpu_basis,factor,vcpu_need,price_usd_hour,monthly_usd,"
          "risk,catalog_source,catalog_as_of\n", out);
    for (size_t i = 0; i < r->n; i++) {
        const struct xb_vm_plan *v = &r->vm[i];
        const struct xb_profile *p = v->prof;
        char rs[160];
        reasons_text(v->reasons, rs, sizeof rs, ';');
        for (size_t k = 0; k < v->nchoice; k++) {
            const struct xb_choice *c = &v->choice[k];
            xb_csv_field(out, p->vm->host);
            fputc(',', out);
            xb_csv_field(out, p->vm->name);
            fprintf(out, ",%u,%u,", p->vm->domid, p->vcpus);
            xb_csv_num(out, p->mem_alloc_bytes / 1048576.0, 0);
            fprintf(out, ",%g,%g,%.6f,%.6f,", r->z->o.percentile,
                    r->z->o.headroom * 100, v->need.cpu_p, v->need.cpu_cores);
            xb_csv_num(out, v->need.mem_gib, 6);
            fprintf(out, ",%s,%s,%s,%.4f,%d,", v->need.mem_from ? v->need.mem_from : "",
                    xb_finding_name(v->finding), rs, p->coverage_pct, p->stars);
            xb_csv_num(out, p->m[XB_M_WAITED].mean, 3);
            fprintf(out, ",%d,%s,%s,", p->contention, c->provider, c->region);
            if (c->type) {
                xb_csv_field(out, c->type->type);
                fprintf(out, ",%s,%u,%g,%s,%.4f,%.4f,%.6g,%.2f,%d,",
                        xb_category_name(c->type->category), c->type->vcpu,
                        c->type->mem_gib, xb_basis_name(c->basis), c->factor,
                        c->vcpu_need, c->type->price_hour, c->monthly_usd, c->risk);
                xb_csv_field(out, c->type->source);
                fprintf(out, ",%s\n", c->type->as_of);
            } else
                fprintf(out, ",,,,,,,,,%d,,\n", c->risk);
        }
    }
}

static json_t *jnum(double v)
{
    return isnan(v) || isinf(v) ? json_null() : json_real(v);
}

static int print_json(FILE *out, const struct xb_plan_report *r)
{
    const struct xb_sizer *z = r->z;
    char from[32], to[32];
    xb_utc_text(r->t_begin, from, sizeof from);
    xb_utc_text(r->t_end, to, sizeof to);
    json_t *root = json_object(), *vms = json_array(), *tot = json_object();
    json_object_set_new(root, "percentile", json_real(z->o.percentile));
    json_object_set_new(root, "headroom_pct", json_real(z->o.headroom * 100));
    json_object_set_new(root, "since", json_string(r->since_text));
    json_object_set_new(root, "lookback_from", json_string(from));
    json_object_set_new(root, "lookback_to", json_string(to));
    json_object_set_new(root, "catalog_types", json_integer((json_int_t)z->cat->n));
    for (size_t i = 0; i < r->n; i++) {
        const struct xb_vm_plan *v = &r->vm[i];
        const struct xb_profile *p = v->prof;
        json_t *o = json_object(), *rs = json_array(), *ch = json_array();
        json_object_set_new(o, "host", json_string(p->vm->host));
        json_object_set_new(o, "vm", json_string(p->vm->name));
        json_object_set_new(o, "domid", json_integer(p->vm->domid));
        json_object_set_new(o, "vcpus", json_integer(p->vcpus));
        json_object_set_new(o, "mem_alloc_mib", jnum(p->mem_alloc_bytes / 1048576.0));
        json_object_set_new(o, "cpu_p_cores", jnum(v->need.cpu_p));
        json_object_set_new(o, "cpu_need_cores", jnum(v->need.cpu_cores));
        json_object_set_new(o, "mem_need_gib", jnum(v->need.mem_gib));
        json_object_set_new(o, "mem_need_from", v->need.mem_from
                            ? json_string(v->need.mem_from) : json_null());
        json_object_set_new(o, "finding", json_string(xb_finding_name(v->finding)));
        for (unsigned b = 0; b < XB_R_NREASONS; b++)
            if (v->reasons & (1u << b))
                json_array_append_new(rs, json_string(xb_reason_name(1u << b)));
        json_object_set_new(o, "reasons", rs);
        json_object_set_new(o, "coverage_pct", json_real(p->coverage_pct));
        json_object_set_new(o, "stars", json_integer(p->stars));
        json_object_set_new(o, "waited_pct", jnum(p->m[XB_M_WAITED].mean));
        json_object_set_new(o, "contention", json_boolean(p->contention));
        for (size_t k = 0; k < v->nchoice; k++) {
            const struct xb_choice *c = &v->choice[k];
            json_t *e = json_object();
            json_object_set_new(e, "provider", json_string(c->provider));
            json_object_set_new(e, "region", json_string(c->region));
            json_object_set_new(e, "risk", json_integer(c->risk));
            json_object_set_new(e, "risk_name", json_string(xb_risk_name(c->risk)));
            if (c->type) {
                json_object_set_new(e, "type", json_string(c->type->type));
                json_object_set_new(e, "category",
                                    json_string(xb_category_name(c->type->category)));
                json_object_set_new(e, "vcpu", json_integer(c->type->vcpu));
                json_object_set_new(e, "mem_gib", json_real(c->type->mem_gib));
                json_object_set_new(e, "cpu_basis", json_string(xb_basis_name(c->basis)));
                json_object_set_new(e, "factor", jnum(c->factor));
                json_object_set_new(e, "vcpu_need", jnum(c->vcpu_need));
                json_object_set_new(e, "price_usd_hour", json_real(c->type->price_hour));
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
        json_object_set_new(e, "monthly_usd", json_real(t.usd[k]));
        json_object_set_new(e, "vms", json_integer((json_int_t)t.vms[k]));
        json_object_set_new(e, "vms_without_type", json_integer((json_int_t)t.none[k]));
        json_object_set_new(tot, z->blk[k].provider, e);
    }
    json_object_set_new(root, "vms", vms);
    json_object_set_new(root, "totals", tot);
    json_t *sk = json_array();
    for (size_t i = 0; i < r->nskipped; i++)
        json_array_append_new(sk, json_string(r->skipped[i]));
    json_object_set_new(root, "not_planned", sk);
    int rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
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
        rc = print_json(out, r);
    return rc || fflush(out) || ferror(out) ? 1 : 0;
}
