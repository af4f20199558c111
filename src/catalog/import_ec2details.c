/* import_ec2details.c: tedivm/ec2details' per-type JSON (the copy in
 * shared/data/) -> catalogue rows, one per current-generation type and
 * region with a Linux shared-tenancy on-demand price.  Region keys that are
 * display names are mapped to their codes where they name a region; Local
 * and Wavelength Zones are counted as skipped.  The file carries no date:
 * --as-of gives it (shared/data/README.md: refreshed 2022-11-22).  It
 * carries no commitment prices either (on-demand only).  It must not write
 * the catalogue (cmd/catalog.c does), nor price for the plan. */
#include "cat_import.h"

#include <jansson.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *str_of(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static int one_type(const char *path, const char *type, json_t *v,
                    const struct xb_cat_import_opts *o, const char *source,
                    struct xb_catalog *out, struct xb_cat_import_stats *st,
                    struct xb_err *err)
{
    char where[4400];
    snprintf(where, sizeof where, "%s: \"%s\"", path, type);
    if (!json_is_object(v))
        return xb_err_set(err, -XB_EINPUT, "%s: expected an object", where);
    json_t *cur = json_object_get(v, "currentGeneration");
    if (!json_is_boolean(cur))
        return xb_err_set(err, -XB_EINPUT, "%s.currentGeneration: expected true "
                          "or false", where);
    if (!json_is_true(cur)) {
        st->skipped_generation++;
        return 0;
    }
    struct xb_cat_row r;
    xb_cat_row_init(&r);
    struct xb_aws_attrs a = {
        .type = type, .processor = str_of(v, "physicalProcessor"),
        .memory = str_of(v, "memory"), .network = str_of(v, "networkPerformance"),
        .ebs = str_of(v, "dedicatedEbsThroughput"),
    };
    int rc = xb_aws_fill(&r, &a, o, st, where, err);
    if (rc)
        return rc < 0 ? rc : 0;
    json_t *vc = json_object_get(v, "vcpu");
    if (!json_is_integer(vc) || json_integer_value(vc) < 1)
        return xb_err_set(err, -XB_EINPUT, "%s.vcpu: expected a whole number >= 1",
                          where);
    r.vcpu = (unsigned)json_integer_value(vc);
    snprintf(r.source, sizeof r.source, "%s", source);
    snprintf(r.as_of, sizeof r.as_of, "%s", o->as_of);

    json_t *linux_prices = json_object_get(json_object_get(v, "prices"), "Linux");
    if (!json_is_object(linux_prices)) {
        st->skipped_terms++;
        return 0;
    }
    const char *key;
    json_t *rv;
    json_object_foreach(linux_prices, key, rv) {
        const char *region = xb_aws_region(key);
        if (!region || (o->region && strcmp(region, o->region))) {
            st->skipped_region++;
            continue;
        }
        json_t *shared = json_object_get(rv, "Shared");
        if (!shared) {
            st->skipped_terms++;
            continue;
        }
        snprintf(where, sizeof where, "%s: \"%s\".prices.Linux.%s.Shared", path,
                 type, key);
        if (!json_is_number(shared))
            return xb_err_set(err, -XB_EINPUT, "%s: expected a number (USD per "
                              "hour)", where);
        r.price_hour = json_number_value(shared);
        snprintf(r.region, sizeof r.region, "%s", region);
        if ((rc = xb_cat_import_add(out, &r, o, st, where, err)))
            return rc;
    }
    return 0;
}

int xb_import_ec2details(const char *path, const struct xb_cat_import_opts *o,
                         struct xb_catalog *out, struct xb_cat_import_stats *st,
                         struct xb_err *err)
{
    if (!o->as_of)
        return xb_err_set(err, -XB_EUSAGE, "%s: the file carries no date: give "
                          "--as-of YYYY-MM-DD (the date its data were fetched)",
                          path);
    json_t *root;
    int rc = xb_json_load_file(path, &root, err);
    if (rc)
        return rc;
    char base[4096], source[200];
    snprintf(base, sizeof base, "%s", path);
    snprintf(source, sizeof source, "tedivm/ec2details %s (AWS Price List data)",
             basename(base));
    const char *type;
    json_t *v;
    json_object_foreach(root, type, v) {
        if ((rc = one_type(path, type, v, o, source, out, st, err)))
            break;
    }
    json_decref(root);
    return rc;
}
