/* store_int.h: the store handle, shared by db.c, write.c and read.c only. */
#ifndef XB_STORE_INT_H
#define XB_STORE_INT_H

#include <sqlite3.h>

#include "store/store.h"

struct xb_store {
    sqlite3 *db;
    char path[4096];
    sqlite3_stmt *ins_sample;   /* prepared once, reused per sample */
    sqlite3_stmt *get_vm;
    sqlite3_stmt *ins_vm;
    int64_t host_id;            /* host of the run being written */
};

/* Fill err with SQLite's message for the store's file; returns -XB_EINPUT for
 * a damaged or foreign file, -EIO otherwise. */
int xb_store_sqlerr(struct xb_store *s, int rc, const char *what, struct xb_err *err);

/* Run SQL without results. */
int xb_store_exec(struct xb_store *s, const char *sql, struct xb_err *err);

#endif
