/* csvread.c: libcsv fed line by line, so each row knows its line number.  It
 * must not know what a column means. */
#include "csvread.h"

#include "util/parse.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct reader {
    struct xb_csv_row row;
    size_t cap;             /* of row.f */
    char *buf;              /* the row's fields, each NUL-terminated */
    size_t used, bufcap;
    size_t *off;            /* each field's offset in buf (row.f is rebuilt
                             * from them once the row is complete: buf moves
                             * when it grows) */
    size_t header_n;        /* fields of the header, 0 before it */
    xb_csv_row_fn fn;
    void *ctx;
    struct xb_err *err;
    int rc;                 /* first failure: stops the callbacks */
};

static void on_field(void *s, size_t len, void *data)
{
    struct reader *r = data;
    if (r->rc)
        return;
    if (r->row.n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 32;
        char **f = realloc(r->row.f, cap * sizeof *f);
        size_t *off = f ? realloc(r->off, cap * sizeof *off) : NULL;
        if (f)
            r->row.f = f;
        if (!f || !off) {
            r->rc = xb_err_set(r->err, -ENOMEM, "out of memory");
            return;
        }
        r->off = off;
        r->cap = cap;
    }
    if (r->used + len + 1 > r->bufcap) {
        size_t cap = r->bufcap ? r->bufcap : 256;
        while (cap < r->used + len + 1)
            cap *= 2;
        char *b = realloc(r->buf, cap);
        if (!b) {
            r->rc = xb_err_set(r->err, -ENOMEM, "out of memory");
            return;
        }
        r->buf = b;
        r->bufcap = cap;
    }
    if (len)
        memcpy(r->buf + r->used, s, len);
    r->buf[r->used + len] = '\0';
    r->off[r->row.n++] = r->used;
    r->used += len + 1;
}

static void clear_row(struct reader *r)
{
    r->row.n = 0;
    r->used = 0;
}

static void on_row(int c, void *data)
{
    struct reader *r = data;
    (void)c;
    if (!r->rc) {
        for (size_t i = 0; i < r->row.n; i++)
            r->row.f[i] = r->buf + r->off[i];
        if (!r->header_n)
            r->header_n = r->row.n;
        else if (r->row.n != r->header_n)
            r->rc = xb_err_set(r->err, -XB_EINPUT, "%s: line %u: %zu fields, the "
                               "header has %zu", r->row.path, r->row.line,
                               r->row.n, r->header_n);
        if (!r->rc)
            r->rc = r->fn(&r->row, r->ctx);
    }
    clear_row(r);
}

int xb_csv_read_delim(const char *path, char delim, xb_csv_row_fn fn, void *ctx,
                      struct xb_err *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return xb_err_set(err, -XB_EINPUT, "%s: %s", path, strerror(errno));
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)) {
        fclose(f);
        return xb_err_set(err, -ENOMEM, "out of memory");
    }
    csv_set_delim(&p, (unsigned char)delim);
    struct reader r = { .row = { .path = path }, .fn = fn, .ctx = ctx, .err = err };
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while (!r.rc && (len = getline(&line, &cap, f)) >= 0) {
        r.row.line++;
        const char *s = line;
        if (r.row.line == 1 && len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
            s += 3;     /* UTF-8 byte order mark, as spreadsheet exports have */
            len -= 3;
        }
        if (csv_parse(&p, s, (size_t)len, on_field, on_row, &r) != (size_t)len &&
            !r.rc)
            r.rc = xb_err_set(err, -XB_EINPUT, "%s: line %u: malformed CSV (%s)",
                              path, r.row.line, csv_strerror(csv_error(&p)));
    }
    if (!r.rc && ferror(f))
        r.rc = xb_err_set(err, -XB_EINPUT, "%s: read error", path);
    if (!r.rc && csv_fini(&p, on_field, on_row, &r) && !r.rc)
        r.rc = xb_err_set(err, -XB_EINPUT, "%s: line %u: malformed CSV (%s)",
                          path, r.row.line, csv_strerror(csv_error(&p)));
    if (!r.rc && r.header_n == 0)
        r.rc = xb_err_set(err, -XB_EINPUT, "%s: empty file: expected a header row",
                          path);
    free(r.row.f);
    free(r.off);
    free(r.buf);
    free(line);
    csv_free(&p);
    fclose(f);
    return r.rc;
}

int xb_csv_read(const char *path, xb_csv_row_fn fn, void *ctx, struct xb_err *err)
{
    return xb_csv_read_delim(path, ',', fn, ctx, err);
}

int xb_csv_map(const struct xb_csv_row *h, struct xb_csv_col *cols, size_t n,
               struct xb_err *err)
{
    for (size_t i = 0; i < n; i++) {
        cols[i].idx = -1;
        for (size_t k = 0; k < h->n; k++)
            if (strcmp(h->f[k], cols[i].name) == 0)
                cols[i].idx = (int)k;
        if (cols[i].idx < 0 && cols[i].required)
            return xb_err_set(err, -XB_EINPUT, "%s: line %u: the header has no "
                              "column \"%s\"", h->path, h->line, cols[i].name);
    }
    return 0;
}

const char *xb_csv_get(const struct xb_csv_row *r, const struct xb_csv_col *c)
{
    return c->idx >= 0 && (size_t)c->idx < r->n ? r->f[c->idx] : "";
}

int xb_csv_get_num(const struct xb_csv_row *r, const struct xb_csv_col *c,
                   bool optional, double *v, struct xb_err *err)
{
    const char *s = xb_csv_get(r, c);
    if (optional && !*s) {
        *v = NAN;
        return 0;
    }
    if (!*s)
        return xb_err_set(err, -XB_EINPUT, "%s: line %u: field \"%s\": empty",
                          r->path, r->line, c->name);
    if (xb_parse_num(s, v) || *v < 0)
        return xb_err_set(err, -XB_EINPUT, "%s: line %u: field \"%s\": '%s' is "
                          "not a number >= 0", r->path, r->line, c->name, s);
    return 0;
}
