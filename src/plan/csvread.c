/* csvread.c: libcsv fed line by line, so each row knows its line number. */
#include "csvread.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct reader {
    struct xb_csv_row row;
    size_t cap;
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
        if (!f) {
            r->rc = xb_err_set(r->err, -ENOMEM, "out of memory");
            return;
        }
        r->row.f = f;
        r->cap = cap;
    }
    char *v = malloc(len + 1);
    if (!v) {
        r->rc = xb_err_set(r->err, -ENOMEM, "out of memory");
        return;
    }
    if (len)
        memcpy(v, s, len);
    v[len] = '\0';
    r->row.f[r->row.n++] = v;
}

static void clear_row(struct reader *r)
{
    for (size_t i = 0; i < r->row.n; i++)
        free(r->row.f[i]);
    r->row.n = 0;
}

static void on_row(int c, void *data)
{
    struct reader *r = data;
    (void)c;
    if (!r->rc) {
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

int xb_csv_read(const char *path, xb_csv_row_fn fn, void *ctx, struct xb_err *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return xb_err_set(err, -XB_EINPUT, "%s: %s", path, strerror(errno));
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)) {
        fclose(f);
        return xb_err_set(err, -ENOMEM, "out of memory");
    }
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
    clear_row(&r);
    free(r.row.f);
    free(line);
    csv_free(&p);
    fclose(f);
    return r.rc;
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
