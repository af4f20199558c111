/* replay_out.h: the what-if replay as a table (fleet, hosts, VMs), CSV (one
 * row per host and window) or JSON (summaries; per-window series with
 * windows). */
#ifndef XB_REPLAY_OUT_H
#define XB_REPLAY_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include "place/demand.h"
#include "place/hosts.h"
#include "place/replay.h"
#include "util/format.h"

struct xb_replay_report {
    const struct xb_demand *d;
    const struct xb_hosts *hs;
    const struct xb_replay *r;
    const char *plan_path, *hosts_path;
    double t_from, t_until;
    bool windows;               /* JSON: the per-window series too */
    size_t absent;              /* VMs of the plan without samples in the range */
};

int xb_replay_print(FILE *out, const struct xb_replay_report *rr, enum xb_format f);

#endif
