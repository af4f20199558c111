/* cache_table.c: "=== Cache ===": per domain LLC refs/s, misses/s and miss
 * ratio over the window, from the metric table's rows XB_MET_LLC_REFS and
 * XB_MET_LLC_MISSES (counters of decode/perf_load.c).  A run whose
 * recorder could not count them has no cache table: the footer's "not
 * recorded:" line says why, once.  It owns this layout only.
 * It must not compute a rate (the metric table and the counters do). */
#include "cache_table.h"

#include "model/names.h"
#include "present/present.h"

#include <math.h>

void xb_cache_table_print(FILE *out, const struct xb_window *w,
                          const struct xb_run_info *info, const unsigned *idx,
                          unsigned n)
{
    if (!info->counters)
        return;
    fputs("=== Cache ===\nVM\trefs/s\tmisses/s\tmiss ratio\tname\n", out);
    char label[48], name[32];
    for (unsigned i = 0; i < (idx ? n : w->ndomain); i++) {
        const struct xb_domain_acc *d = &w->domains[idx ? idx[i] : i];
        if (d->domid == XB_IDLE_DOMID)
            continue;
        xb_present_domlabel(d, label, sizeof label);
        const char *shown = xb_names_show(info->names, d->domid, name, sizeof name);
        double v[XB_METRIC_MAX];
        xb_present_dom_metrics(w, info, d, v);
        double refs = v[XB_MET_LLC_REFS], misses = v[XB_MET_LLC_MISSES];
        if (isnan(refs) || isnan(misses)) {
            fprintf(out, "%s\t-\t-\t-\t%s\n", label, shown);
            continue;
        }
        if (refs > 0)
            fprintf(out, "%s\t%.0f\t%.0f\t%.3f\t%s\n", label, refs, misses,
                    misses / refs, shown);
        else
            fprintf(out, "%s\t%.0f\t%.0f\t-\t%s\n", label, refs, misses, shown);
    }
}
