/* linux_run.h: the pipeline for a Linux run folder (tracefs pages,
 * domains.json, counters) - see linux_run.c. */
#ifndef XB_LINUX_RUN_H
#define XB_LINUX_RUN_H

#include "decode/linux_sched.h"
#include "pipeline/pipeline.h"
#include "pipeline/rundir.h"

/* Declare domains.json's domains and threads to the decoder and their names;
 * seeds (threads asleep at the start) are applied to e when e is not NULL. */
int xb_linux_load_domains(const char *path, struct xb_lsched *d,
                          struct xb_engine *e, struct xb_names *names,
                          struct xb_err *err);

int xb_pipeline_linux(const struct xb_input_opts *o, const struct xb_manifest *m,
                      struct xb_names *names, const struct xb_presenter *p,
                      void *ctx, struct xb_err *err);

#endif
