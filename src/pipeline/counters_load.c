/* counters_load.c: load every counters file a run folder lists, by format.
 * It must not know a format's content (the decoders do). */
#include "counters_load.h"

#include <errno.h>
#include <string.h>

#include "decode/libvirt_stats_load.h"
#include "decode/perf_load.h"
#include "decode/procfs_load.h"
#include "decode/xenstat_load.h"

static xb_counters_loader loader_for(const char *format)
{
    if (strcmp(format, "procfs") == 0)
        return xb_procfs_load;
    if (strcmp(format, "libvirt") == 0)
        return xb_libvirt_stats_load;
    if (strcmp(format, "perf") == 0)
        return xb_perf_load;
    if (strcmp(format, "xenstat") == 0)
        return xb_xenstat_load;
    return NULL;
}

int xb_counters_load_all(const struct xb_manifest *m, const struct xb_timebase *tb,
                         struct xb_counters **out, char *warning, size_t wlen,
                         struct xb_err *err)
{
    *out = NULL;
    warning[0] = '\0';
    if (!m->ncounters)
        return 0;
    struct xb_counters *c = xb_counters_new();
    if (!c)
        return xb_err_set(err, -ENOMEM, "out of memory");
    /* procfs last: where another source (libvirt's block stats, balloon)
     * already gave a domain's figure, procfs leaves that metric alone. */
    unsigned order[XB_MAX_COUNTER_FILES], n = 0;
    for (int pass = 0; pass < 2; pass++)
        for (unsigned i = 0; i < m->ncounters; i++)
            if ((strcmp(m->counters[i].format, "procfs") == 0) == (pass == 1))
                order[n++] = i;
    for (unsigned j = 0; j < n; j++) {
        unsigned i = order[j];
        xb_counters_loader load = loader_for(m->counters[i].format);
        if (!load) {
            xb_counters_free(c);
            return xb_err_set(err, -XB_EINPUT, "%s: counters format \"%s\" is "
                              "not known to this version", m->counters[i].path,
                              m->counters[i].format);
        }
        int rc;
        if (load == xb_procfs_load) {
            struct xb_procfs_damage dmg;
            rc = xb_procfs_load_checked(m->counters[i].path, tb, c, &dmg, err);
            size_t used = strlen(warning);
            if (!rc && (dmg.lines || dmg.cut) && used + 2 < wlen) {
                if (used)
                    strcat(warning, "; ");
                xb_procfs_damage_warning(&dmg, m->counters[i].path, warning + strlen(warning),
                                      wlen - strlen(warning));
            }
        } else {
            rc = load(m->counters[i].path, tb, c, err);
        }
        if (rc) {
            xb_counters_free(c);
            return rc;
        }
    }
    *out = c;
    return 0;
}
