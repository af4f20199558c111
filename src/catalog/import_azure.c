/* import_azure.c: Azure Retail Prices API responses + a VM sizes CSV ->
 * catalogue rows.
 *
 * The prices ({"Items": [...]} pages of prices.azure.com/api/retail/prices)
 * carry no vCPU or memory; the sizes CSV does, with the property names of
 * the Virtual Machine Sizes API (`az vm list-sizes`): name, numberOfCores,
 * memoryInMB (required), osDiskSizeInMB, resourceDiskSizeInMB,
 * maxDataDiskCount (ignored).  Items are joined to sizes by armSkuName.  The
 * responses carry no retrieval date, so --as-of is required.
 * It must not write the catalogue (cmd/catalog.c does), nor price for the
 * plan.
 */
#include "cat_import.h"

#include <errno.h>
#include <jansson.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/csvread.h"
#include "util/parse.h"

struct size {
    char name[64];
    unsigned cores;
    double mem_gib;
};

struct sizes {
    struct size *v;
    size_t n, cap;
    struct xb_csv_col cols[3];
    struct xb_err *err;
};

static int on_size(const struct xb_csv_row *row, void *ctx)
{
    struct sizes *S = ctx;
    if (row->line == 1)
        return xb_csv_map(row, S->cols, 3, S->err);
    struct size z = { 0 };
    const char *name = xb_csv_get(row, &S->cols[0]);
    const char *cores = xb_csv_get(row, &S->cols[1]);
    const char *mem = xb_csv_get(row, &S->cols[2]);
    double mb;
    if (!*name || strlen(name) >= sizeof z.name)
        return xb_err_set(S->err, -XB_EINPUT, "%s: line %u: field \"name\": "
                          "expected a size name", row->path, row->line);
    if (xb_parse_count(cores, &z.cores))
        return xb_err_set(S->err, -XB_EINPUT, "%s: line %u: field \"numberOfCores\":"
                          " '%s' is not a whole number >= 1", row->path, row->line,
                          cores);
    if (xb_parse_num(mem, &mb) || !(mb > 0))
        return xb_err_set(S->err, -XB_EINPUT, "%s: line %u: field \"memoryInMB\": "
                          "'%s' is not a number > 0", row->path, row->line, mem);
    snprintf(z.name, sizeof z.name, "%s", name);
    z.mem_gib = mb / 1024.0;
    if (S->n == S->cap) {
        size_t cap = S->cap ? S->cap * 2 : 64;
        struct size *v = realloc(S->v, cap * sizeof *v);
        if (!v)
            return xb_err_set(S->err, -ENOMEM, "out of memory");
        S->v = v;
        S->cap = cap;
    }
    S->v[S->n++] = z;
    return 0;
}

static const struct size *find_size(const struct sizes *S, const char *name)
{
    for (size_t i = 0; i < S->n; i++)
        if (strcmp(S->v[i].name, name) == 0)
            return &S->v[i];
    return NULL;
}

static const char *sval(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static int is(json_t *o, const char *key, const char *want)
{
    const char *v = sval(o, key);
    return v && strcmp(v, want) == 0;
}

static int has(json_t *o, const char *key, const char *part)
{
    const char *v = sval(o, key);
    return v && strstr(v, part);
}

static int one_item(const char *path, size_t i, json_t *it, const struct sizes *S,
                    const struct xb_cat_import_opts *o, const char *source,
                    struct xb_catalog *out, struct xb_cat_import_stats *st,
                    struct xb_err *err)
{
    if (!json_is_object(it))
        return xb_err_set(err, -XB_EINPUT, "%s: Items[%zu]: expected an object",
                          path, i);
    if (!is(it, "serviceName", "Virtual Machines") || !is(it, "type", "Consumption") ||
        !is(it, "unitOfMeasure", "1 Hour") || has(it, "productName", "Windows") ||
        has(it, "skuName", "Spot") || has(it, "skuName", "Low Priority")) {
        st->skipped_terms++;
        return 0;
    }
    const char *sku = sval(it, "armSkuName"), *region = sval(it, "armRegionName");
    const char *cur = sval(it, "currencyCode");
    json_t *price = json_object_get(it, "retailPrice");
    const char *bad = !sku || !*sku ? "armSkuName: expected a size name"
                    : !region || !xb_is_region_code(region)
                          ? "armRegionName: expected a region name like eastus"
                    : !json_is_number(price) || json_number_value(price) < 0
                          ? "retailPrice: expected a number >= 0"
                    : !cur || strcmp(cur, "USD") != 0
                          ? "currencyCode: the catalogue holds USD prices (ask the "
                            "API with currencyCode='USD')"
                          : NULL;
    if (bad)
        return xb_err_set(err, -XB_EINPUT, "%s: Items[%zu].%s", path, i, bad);
    if (o->region && strcmp(region, o->region) != 0) {
        st->skipped_region++;
        return 0;
    }
    struct xb_cat_row r;
    xb_cat_row_init(&r);
    const char *arch;
    if (xb_azure_category(sku, &r.category, &arch)) {
        st->skipped_family++;
        return 0;
    }
    const struct size *z = find_size(S, sku);
    if (!z) {
        st->no_size++;
        return 0;
    }
    snprintf(r.provider, sizeof r.provider, "azure");
    snprintf(r.type, sizeof r.type, "%s", sku);
    snprintf(r.region, sizeof r.region, "%s", region);
    snprintf(r.arch, sizeof r.arch, "%s", arch);
    snprintf(r.source, sizeof r.source, "%s", source);
    snprintf(r.as_of, sizeof r.as_of, "%s", o->as_of);
    r.vcpu = z->cores;
    r.mem_gib = z->mem_gib;
    r.price_hour = json_number_value(price);
    char where[4400];
    snprintf(where, sizeof where, "%s: Items[%zu]", path, i);
    return xb_cat_import_add(out, &r, o, st, where, err);
}

int xb_import_azure_retail(const char *const *paths, size_t npaths,
                           const struct xb_cat_import_opts *o,
                           struct xb_catalog *out, struct xb_cat_import_stats *st,
                           struct xb_err *err)
{
    if (!o->sizes_csv)
        return xb_err_set(err, -XB_EUSAGE, "Azure prices carry no vCPU or memory: "
                          "give --sizes FILE.csv (columns name, numberOfCores, "
                          "memoryInMB)");
    if (!o->as_of)
        return xb_err_set(err, -XB_EUSAGE, "Azure Retail Prices responses carry no "
                          "retrieval date: give --as-of YYYY-MM-DD");
    struct sizes S = { .err = err, .cols = { { "name", true, -1 },
                       { "numberOfCores", true, -1 }, { "memoryInMB", true, -1 } } };
    int rc = xb_csv_read(o->sizes_csv, on_size, &S, err);
    char sbase[4096];
    snprintf(sbase, sizeof sbase, "%s", o->sizes_csv);
    for (size_t k = 0; !rc && k < npaths; k++) {
        json_t *root;
        if ((rc = xb_json_load_file(paths[k], &root, err)))
            break;
        json_t *items = json_object_get(root, "Items");
        if (!json_is_array(items))
            rc = xb_err_set(err, -XB_EINPUT, "%s: no \"Items\" array: not a Retail "
                            "Prices API response", paths[k]);
        char base[4096], source[200];
        snprintf(base, sizeof base, "%s", paths[k]);
        snprintf(source, sizeof source, "Azure Retail Prices API %s + sizes %s",
                 basename(base), basename(sbase));
        size_t i;
        json_t *it;
        if (!rc) {
            json_array_foreach(items, i, it) {
                if ((rc = one_item(paths[k], i, it, &S, o, source, out, st, err)))
                    break;
            }
        }
        json_decref(root);
    }
    free(S.v);
    return rc;
}
