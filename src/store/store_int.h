/* store_int.h: the store handle, shared by db.c, write.c and read.c only. */
#ifndef XB_STORE_INT_H
#define XB_STORE_INT_H

#include <sqlite3.h>
#include <stdbool.h>

#include "model/metric.h"
#include "store/store.h"

struct xb_store {
    sqlite3 *db;
    char path[4096];
    sqlite3_stmt *ins_sample;   /* prepared once, reused per sample */
    sqlite3_stmt *get_vm;
    sqlite3_stmt *ins_vm;
    sqlite3_stmt *ins_rollup;
    sqlite3_stmt *ins_vm_run;
    sqlite3_stmt *samples_st, *rollups_st, *rollups_raw_st;   /* read.c */
    int64_t vr_run, vr_vm;      /* the last (run, VM) noted in vm_run */
    int64_t host_id;            /* host of the run being written */
    bool has_col[XB_METRIC_MAX];    /* the sample table has xb_metrics[i].column */
    bool has_rollup;            /* the file has the rollup table (version 3) */
    int64_t version;            /* of the file as opened */
    bool has_rcol[XB_METRIC_MAX];   /* ... and its <column>_max, _mean */
    char vm_name[96];           /* the last VM looked up, on host_id */
    int64_t vm_id;
};

/* A metric's roll-up integer per unit of its stored figure: the display
 * unit at the metric table's data precision (scale x 10^data_digits). */
double xb_rollup_factor(const struct xb_metric *m);

/* Fill err with SQLite's message for the store's file; returns -XB_EINPUT for
 * a damaged or foreign file, -EIO otherwise. */
int xb_store_sqlerr(struct xb_store *s, int rc, const char *what, struct xb_err *err);

/* Run SQL without results. */
int xb_store_exec(struct xb_store *s, const char *sql, struct xb_err *err);

#endif
