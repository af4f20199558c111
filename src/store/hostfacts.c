/* hostfacts.c: reading the hosts and the VMs' hosts out of the history
 * (hostfacts.h); domain 0 (a Xen control domain, a Linux host itself) is
 * not a VM.  It must not write: the columns of the host's shape and
 * memory are read where the file has them (run.cpu_sockets ..., added by a
 * writer that knows them), NULL otherwise. */
#include "hostfacts.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

static double col_opt(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

static bool has_column(struct xb_store *s, const char *table, const char *col)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM pragma_table_info('%s') WHERE "
             "name = '%s'", table, col);
    sqlite3_stmt *st;
    bool yes = false;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK) {
        yes = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) > 0;
        sqlite3_finalize(st);
    }
    return yes;
}

int xb_store_host_facts(struct xb_store *s, struct xb_host_fact **v, size_t *n,
                        struct xb_err *err)
{
    *v = NULL;
    *n = 0;
    bool shape = has_column(s, "run", "cpu_sockets");
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT h.name, h.cpu_model, h.cpu_mhz, h.host_mflops, max(r.npcpu),"
             " %s, (SELECT count(*) FROM vm WHERE vm.host_id = h.host_id),"
             " count(r.run_id), max(r.cpu_mhz)"
             " FROM host h LEFT JOIN run r ON r.host_id = h.host_id"
             " GROUP BY h.host_id ORDER BY h.name",
             shape ? "max(r.cpu_sockets), max(r.cpu_cores_per_socket),"
                     " max(r.cpu_threads_per_core), max(r.mem_total_mib)"
                   : "NULL, NULL, NULL, NULL");
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return xb_store_sqlerr(s, rc, "reading the hosts", err);
    size_t cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            struct xb_host_fact *nv = realloc(*v, cap * sizeof *nv);
            if (!nv) {
                sqlite3_finalize(st);
                return xb_err_set(err, -ENOMEM, "out of memory");
            }
            *v = nv;
        }
        struct xb_host_fact *h = &(*v)[(*n)++];
        memset(h, 0, sizeof *h);
        const unsigned char *name = sqlite3_column_text(st, 0);
        const unsigned char *model = sqlite3_column_text(st, 1);
        snprintf(h->name, sizeof h->name, "%s", name ? (const char *)name : "");
        snprintf(h->cpu_model, sizeof h->cpu_model, "%s", model ? (const char *)model : "");
        h->cpu_mhz = col_opt(st, 2);
        if (isnan(h->cpu_mhz))
            h->cpu_mhz = col_opt(st, 11);   /* the runs' clock */
        h->host_mflops = col_opt(st, 3);
        h->pcpus = (unsigned)sqlite3_column_int(st, 4);
        h->sockets = (unsigned)sqlite3_column_int(st, 5);
        h->cores_per_socket = (unsigned)sqlite3_column_int(st, 6);
        h->threads_per_core = (unsigned)sqlite3_column_int(st, 7);
        h->mem_total_mib = col_opt(st, 8);
        h->vms = (size_t)sqlite3_column_int64(st, 9);
        h->runs = (size_t)sqlite3_column_int64(st, 10);
        if (!(h->cpu_mhz > 0))
            h->cpu_mhz = NAN;
        if (!(h->host_mflops > 0))
            h->host_mflops = NAN;
        if (!(h->mem_total_mib > 0))
            h->mem_total_mib = NAN;
        if (!h->sockets || !h->cores_per_socket || !h->threads_per_core)
            h->sockets = h->cores_per_socket = h->threads_per_core = 0;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        free(*v);
        *v = NULL;
        *n = 0;
        return xb_store_sqlerr(s, rc, "reading the hosts", err);
    }
    return 0;
}

int xb_store_vm_homes(struct xb_store *s, struct xb_vm_home **v, size_t *n,
                      struct xb_err *err)
{
    *v = NULL;
    *n = 0;
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db,
        "SELECT h.name, v.name, (SELECT count(*) FROM vm w WHERE w.name = v.name)"
        " FROM vm v JOIN host h ON h.host_id = v.host_id"
        " WHERE v.vm_id NOT IN (SELECT vm_id FROM sample WHERE domid = 0)"
        " ORDER BY h.name, v.name",
        -1, &st, NULL);
    if (rc != SQLITE_OK)
        return xb_store_sqlerr(s, rc, "reading the VMs", err);
    size_t cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            struct xb_vm_home *nv = realloc(*v, cap * sizeof *nv);
            if (!nv) {
                sqlite3_finalize(st);
                return xb_err_set(err, -ENOMEM, "out of memory");
            }
            *v = nv;
        }
        struct xb_vm_home *m = &(*v)[(*n)++];
        const char *host = (const char *)sqlite3_column_text(st, 0);
        const char *name = (const char *)sqlite3_column_text(st, 1);
        snprintf(m->host, sizeof m->host, "%s", host ? host : "");
        if (sqlite3_column_int(st, 2) > 1)
            snprintf(m->key, sizeof m->key, "%.127s/%.95s", m->host, name ? name : "");
        else
            snprintf(m->key, sizeof m->key, "%s", name ? name : "");
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        free(*v);
        *v = NULL;
        *n = 0;
        return xb_store_sqlerr(s, rc, "reading the VMs", err);
    }
    return 0;
}
