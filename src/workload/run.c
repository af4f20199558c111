/* run.c: the bench flow (start loads, record, stop, keep the scenario);
 * see run.h.  The loads and the recorder do the work; this file orders it
 * and must not print (notes go to the command). */
#include "run.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workload/background.h"
#include "workload/loads.h"
#include "source/record.h"
#include "util/atomic_file.h"

/* Loads start this long before the recording, so their workers all run. */
#define SETTLE_S 1.0
/* ... and are told to last this much longer than their duration, to cover
 * the settle time and the recorder's own start. */
#define EXTRA_NS 10000000000ull

static int keep_scenario(const struct xb_scenario *s, const char *outdir,
                         struct xb_err *err)
{
    FILE *f = fopen(s->path, "rb");
    if (!f)
        return xb_err_set(err, -errno, "%s: %s", s->path, strerror(errno));
    char *buf = malloc(1u << 20);
    size_t n = buf ? fread(buf, 1, 1u << 20, f) : 0;
    fclose(f);
    if (!buf)
        return xb_err_set(err, -ENOMEM, "out of memory");
    char to[PATH_MAX];
    snprintf(to, sizeof to, "%s/scenario.scn", outdir);
    int rc = xb_write_file_atomic(to, buf, n, err);
    free(buf);
    return rc;
}

int xb_bench_run(const struct xb_scenario *s, const struct xb_bench_opts *bo,
                 struct xb_err *err)
{
    const char *outdir = bo->outdir;
    struct xb_loads L;
    int rc = xb_record_check_outdir(outdir, err);
    if (rc || (rc = xb_loads_start(&L, s, EXTRA_NS, err)))
        return rc;
    xb_note(bo->notes, XB_NOTE_PROGRESS, "started %zu domain loads in cgroups "
            "xenbench/%s/", s->n, L.run);
    xb_sleep_s(SETTLE_S, &xb_record_stop);
    rc = xb_loads_check(&L, err);

    char match[96];
    xb_loads_match(&L, match, sizeof match);
    struct xb_record_opts o = {
        .outdir = outdir,
        .duration_ns = s->duration_ns,
        .interval_ns = s->interval_ns,
        .domains = "cgroup",
        .match = match,
        .source = "linux",
        .notes = bo->notes,
        .require = true,
        .progress = bo->progress,
        .progress_ctx = bo->progress_ctx,
    };
    bool recorded = false;
    if (rc == 0 && !xb_record_stop) {
        rc = xb_record(&xb_recorder_linux, &o, err);
        recorded = true;
    }
    if (rc == 0) {
        struct xb_err late = { 0 };
        if (xb_loads_check(&L, &late))
            xb_note(bo->notes, XB_NOTE_WARNING, "%s", late.msg);
    }
    xb_loads_stop(&L, recorded ? outdir : NULL);
    if (recorded) {
        int rc2 = keep_scenario(s, outdir, err);
        if (!rc)
            rc = rc2;
    }
    return rc;
}
