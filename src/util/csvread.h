/* csvread.h: reading CSV files (RFC 4180, via libcsv) row by row, with the
 * line number of each row and columns found by their header names.
 *
 * Used by the catalogue loader, its rule tables, the Azure sizes importer and
 * the history importers (GWA traces, generic CSV), so every CSV error reads
 * "FILE: line N: ...".  Nothing is allocated per field: a row's fields live
 * in one buffer reused from row to row.
 */
#ifndef XB_CSVREAD_H
#define XB_CSVREAD_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

struct xb_csv_row {
    const char *path;
    unsigned line;          /* line where the row ends (1 = header) */
    size_t n;               /* fields */
    char **f;
};

/* Called for each row, the header included (row->line of the first row).
 * A non-zero return stops the reading and is returned. */
typedef int (*xb_csv_row_fn)(const struct xb_csv_row *row, void *ctx);

/* Errors: the file cannot be read, malformed CSV, a row whose field count
 * differs from the header's. */
int xb_csv_read(const char *path, xb_csv_row_fn fn, void *ctx, struct xb_err *err);
/* The same with another field separator (';' for the GWA traces).  Blanks
 * (spaces, tabs) around an unquoted field are dropped, as libcsv does. */
int xb_csv_read_delim(const char *path, char delim, xb_csv_row_fn fn, void *ctx,
                      struct xb_err *err);

struct xb_csv_col {
    const char *name;
    bool required;
    int idx;                /* set by xb_csv_map: -1 when absent */
};

/* Find each column in the header row; a missing required one is an error
 * naming it.  Unknown header names are ignored. */
int xb_csv_map(const struct xb_csv_row *header, struct xb_csv_col *cols, size_t n,
               struct xb_err *err);
/* The field of column c in row r, "" when the column is absent. */
const char *xb_csv_get(const struct xb_csv_row *r, const struct xb_csv_col *c);
/* The field as a number >= 0; an empty field is NAN when optional, else an
 * error.  Errors read "FILE: line N: field "NAME": 'TEXT' is not a number
 * >= 0". */
int xb_csv_get_num(const struct xb_csv_row *r, const struct xb_csv_col *c,
                   bool optional, double *v, struct xb_err *err);

#endif
