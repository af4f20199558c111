/* import_ec2details.c: tedivm/ec2details' per-type JSON (the copy in
 * shared/data/) -> catalogue rows, one per type and region with a Linux
 * shared-tenancy on-demand price.  The file carries no date: --as-of gives it
 * (shared/data/README.md: refreshed 2022-11-22). */
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
    if (!json_is_object(v))
        return xb_err_set(err, -XB_EINPUT, "%s: \"%s\": expected an object",
                          path, type);
    struct xb_cat_row r;
    xb_cat_row_init(&r);
    const char *arch;
    if (xb_aws_category(type, str_of(v, "physicalProcessor"), &r.category, &arch)) {
        st->skipped_family++;
        return 0;
    }
    json_t *vc = json_object_get(v, "vcpu");
    if (!json_is_integer(vc) || json_integer_value(vc) < 1)
        return xb_err_set(err, -XB_EINPUT, "%s: \"%s\".vcpu: expected a whole "
                          "number >= 1", path, type);
    r.vcpu = (unsigned)json_integer_value(vc);
    const char *mem = str_of(v, "memory");
    r.mem_gib = xb_aws_gib(mem);
    if (isnan(r.mem_gib))
        return xb_err_set(err, -XB_EINPUT, "%s: \"%s\".memory: '%s' is not a "
                          "size like \"8 GiB\"", path, type, mem ? mem : "(none)");
    r.clock_ghz = xb_aws_ghz(str_of(v, "clockSpeed"));
    r.net_gbps = xb_aws_gbps(str_of(v, "networkPerformance"));
    r.disk_mbps = xb_aws_ebs_mbps(str_of(v, "dedicatedEbsThroughput"));
    snprintf(r.provider, sizeof r.provider, "aws");
    snprintf(r.arch, sizeof r.arch, "%s", arch);
    snprintf(r.source, sizeof r.source, "%s", source);
    snprintf(r.as_of, sizeof r.as_of, "%s", o->as_of);
    if (snprintf(r.type, sizeof r.type, "%s", type) >= (int)sizeof r.type)
        return xb_err_set(err, -XB_EINPUT, "%s: \"%s\": type name too long", path,
                          type);

    json_t *linux_prices = json_object_get(json_object_get(v, "prices"), "Linux");
    if (!json_is_object(linux_prices)) {
        st->skipped_terms++;
        return 0;
    }
    const char *region;
    json_t *rv;
    json_object_foreach(linux_prices, region, rv) {
        if (!xb_is_region_code(region) || (o->region && strcmp(region, o->region))) {
            st->skipped_region++;
            continue;
        }
        json_t *shared = json_object_get(rv, "Shared");
        if (!shared) {
            st->skipped_terms++;
            continue;
        }
        if (!json_is_number(shared))
            return xb_err_set(err, -XB_EINPUT, "%s: \"%s\".prices.Linux.%s.Shared: "
                              "expected a number (USD per hour)", path, type, region);
        r.price_hour = json_number_value(shared);
        snprintf(r.region, sizeof r.region, "%s", region);
        char where[4400];
        snprintf(where, sizeof where, "%s: \"%s\".prices.Linux.%s", path, type,
                 region);
        int rc = xb_cat_import_add(out, &r, o, st, where, err);
        if (rc)
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
