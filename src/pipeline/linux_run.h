/* linux_run.h: domains.json of a Linux run folder, for the pipeline's
 * Linux input (xb_input_linux in pipeline/input.h, linux_run.c). */
#ifndef XB_LINUX_RUN_H
#define XB_LINUX_RUN_H

#include "decode/linux_sched.h"
#include "pipeline/presenter.h"
#include "pipeline/rundir.h"

/* Declare domains.json's domains and threads to the decoder and their names;
 * seeds (threads asleep at the start) are applied to e when e is not NULL;
 * vm[domid] (XB_IDLE_DOMID entries, or NULL) is set for VM domains. */
int xb_linux_load_domains(const char *path, struct xb_lsched *d,
                          struct xb_engine *e, struct xb_names *names,
                          unsigned char *vm, struct xb_err *err);

#endif
