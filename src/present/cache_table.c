/* cache_table.c: "=== Cache ===": per domain LLC refs/s, misses/s and miss
 * ratio over the window, from llc_refs / llc_misses (decode/perf_load.c);
 * n/a with the reason when the recorder could not count them. */
#include "cache_table.h"

#include "model/names.h"
#include "present/present.h"

#define IDLE_DOMID 32767u

void xb_cache_table_print(FILE *out, const struct xb_window *w,
                          const struct xb_run_info *info, const char *na_reason)
{
    const struct xb_counters *c = info->counters;
    if (!na_reason && !c)
        return;
    fputs("=== Cache ===\nVM\trefs/s\tmisses/s\tmiss ratio\tname\n", out);
    char key[48], label[48], name[32];
    for (unsigned i = 0; i < w->ndomain; i++) {
        const struct xb_domain_acc *d = &w->domains[i];
        if (d->domid == IDLE_DOMID)
            continue;
        xb_present_domlabel(d, label, sizeof label);
        const char *shown = xb_names_show(info->names, d->domid, name, sizeof name);
        if (na_reason) {
            fprintf(out, "%s\tn/a\tn/a\tn/a\t%s\n", label, shown);
            continue;
        }
        double refs, misses;
        xb_counters_domkey(key, sizeof key, d->domid, d->instance);
        if (!xb_counters_rate(c, key, "llc_refs", w->t_start_ns, w->t_end_ns, &refs) ||
            !xb_counters_rate(c, key, "llc_misses", w->t_start_ns, w->t_end_ns,
                              &misses)) {
            fprintf(out, "%s\t-\t-\t-\t%s\n", label, shown);
            continue;
        }
        if (refs > 0)
            fprintf(out, "%s\t%.0f\t%.0f\t%.3f\t%s\n", label, refs, misses,
                    misses / refs, shown);
        else
            fprintf(out, "%s\t%.0f\t%.0f\t-\t%s\n", label, refs, misses, shown);
    }
    if (na_reason)
        fprintf(out, "cache counters n/a: %s\n", na_reason);
}
