/* import_aws_offer.c: the AWS Price List bulk offer file for AmazonEC2 ->
 * catalogue rows.  products.<sku> gives the type's attributes;
 * terms.OnDemand.<sku>.<offer>.priceDimensions.<rate> with unit "Hrs" gives
 * pricePerUnit.USD.  Kept: productFamily "Compute Instance", Linux, Shared
 * tenancy, preInstalledSw NA, capacitystatus Used and licenseModel "No
 * License required" where the file has those attributes.  The as-of date is
 * the file's publicationDate.  jansson reads the whole file: use the
 * per-region offer file (.../AmazonEC2/current/REGION/index.json) rather
 * than the multi-GB global one. */
#include "cat_import.h"

#include <jansson.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plan/parse.h"

static const char *attr(json_t *a, const char *key)
{
    json_t *v = json_object_get(a, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Equal, or absent when optional. */
static int attr_is(json_t *a, const char *key, const char *want, int optional)
{
    const char *v = attr(a, key);
    return v ? strcmp(v, want) == 0 : optional;
}

static int hourly_price(const char *path, const char *sku, json_t *offers,
                        double *price, struct xb_err *err)
{
    const char *ok, *dk;
    json_t *offer, *dim;
    json_object_foreach(offers, ok, offer) {
        json_object_foreach(json_object_get(offer, "priceDimensions"), dk, dim) {
            const char *unit = attr(dim, "unit");
            if (!unit || strcmp(unit, "Hrs") != 0)
                continue;
            const char *usd = attr(json_object_get(dim, "pricePerUnit"), "USD");
            if (!usd || xb_parse_num(usd, price) || *price < 0)
                return xb_err_set(err, -XB_EINPUT, "%s: terms.OnDemand.%s.%s."
                                  "priceDimensions.%s.pricePerUnit.USD: expected "
                                  "a price as a string of digits", path, sku, ok, dk);
            return 0;
        }
    }
    return xb_err_set(err, -XB_EINPUT, "%s: terms.OnDemand.%s: no hourly (\"Hrs\") "
                      "price", path, sku);
}

static int one_product(const char *path, const char *sku, json_t *p, json_t *terms,
                       const struct xb_cat_import_opts *o, const char *source,
                       const char *as_of, struct xb_catalog *out,
                       struct xb_cat_import_stats *st, struct xb_err *err)
{
    const char *fam = attr(p, "productFamily");
    if (!fam || strcmp(fam, "Compute Instance") != 0) {
        st->skipped_terms++;
        return 0;
    }
    json_t *a = json_object_get(p, "attributes");
    if (!json_is_object(a))
        return xb_err_set(err, -XB_EINPUT, "%s: products.%s.attributes: expected "
                          "an object", path, sku);
    if (!attr_is(a, "operatingSystem", "Linux", 0) ||
        !attr_is(a, "tenancy", "Shared", 0) ||
        !attr_is(a, "preInstalledSw", "NA", 1) ||
        !attr_is(a, "capacitystatus", "Used", 1) ||
        !attr_is(a, "licenseModel", "No License required", 1)) {
        st->skipped_terms++;
        return 0;
    }
    struct xb_cat_row r;
    xb_cat_row_init(&r);
    const char *type = attr(a, "instanceType"), *arch;
    if (!type || snprintf(r.type, sizeof r.type, "%s", type) >= (int)sizeof r.type)
        return xb_err_set(err, -XB_EINPUT, "%s: products.%s.attributes."
                          "instanceType: expected a type name", path, sku);
    if (xb_aws_category(type, attr(a, "physicalProcessor"), &r.category, &arch)) {
        st->skipped_family++;
        return 0;
    }
    const char *region = attr(a, "regionCode");
    if (!region || !xb_is_region_code(region))
        return xb_err_set(err, -XB_EINPUT, "%s: products.%s.attributes.regionCode: "
                          "%s", path, sku, region ? "not a region code"
                          : "missing (offer files before 2021 lack it: use a "
                            "current one)");
    if (o->region && strcmp(region, o->region) != 0) {
        st->skipped_region++;
        return 0;
    }
    const char *vcpu = attr(a, "vcpu"), *mem = attr(a, "memory");
    if (!vcpu || xb_parse_count(vcpu, &r.vcpu))
        return xb_err_set(err, -XB_EINPUT, "%s: products.%s.attributes.vcpu: '%s' "
                          "is not a whole number >= 1", path, sku,
                          vcpu ? vcpu : "(none)");
    r.mem_gib = xb_aws_gib(mem);
    if (isnan(r.mem_gib))
        return xb_err_set(err, -XB_EINPUT, "%s: products.%s.attributes.memory: '%s' "
                          "is not a size like \"8 GiB\"", path, sku,
                          mem ? mem : "(none)");
    json_t *offers = json_object_get(terms, sku);
    if (!json_is_object(offers)) {
        st->skipped_terms++;        /* no on-demand offer for this product */
        return 0;
    }
    int rc = hourly_price(path, sku, offers, &r.price_hour, err);
    if (rc)
        return rc;
    r.clock_ghz = xb_aws_ghz(attr(a, "clockSpeed"));
    r.net_gbps = xb_aws_gbps(attr(a, "networkPerformance"));
    r.disk_mbps = xb_aws_ebs_mbps(attr(a, "dedicatedEbsThroughput"));
    snprintf(r.provider, sizeof r.provider, "aws");
    snprintf(r.region, sizeof r.region, "%s", region);
    snprintf(r.arch, sizeof r.arch, "%s", arch);
    snprintf(r.source, sizeof r.source, "%s", source);
    snprintf(r.as_of, sizeof r.as_of, "%s", as_of);
    char where[4400];
    snprintf(where, sizeof where, "%s: products.%s", path, sku);
    return xb_cat_import_add(out, &r, o, st, where, err);
}

int xb_import_aws_offer(const char *path, const struct xb_cat_import_opts *o,
                        struct xb_catalog *out, struct xb_cat_import_stats *st,
                        struct xb_err *err)
{
    json_t *root;
    int rc = xb_json_load_file(path, &root, err);
    if (rc)
        return rc;
    json_t *products = json_object_get(root, "products");
    json_t *terms = json_object_get(json_object_get(root, "terms"), "OnDemand");
    const char *pub = attr(root, "publicationDate");
    char as_of[11] = "", base[4096], source[200];
    if (o->as_of)
        snprintf(as_of, sizeof as_of, "%s", o->as_of);
    else if (pub && strlen(pub) >= 10)
        snprintf(as_of, sizeof as_of, "%.10s", pub);
    if (!json_is_object(products) || !json_is_object(terms))
        rc = xb_err_set(err, -XB_EINPUT, "%s: not an AWS Price List offer file: "
                        "no \"%s\" object", path,
                        !json_is_object(products) ? "products" : "terms.OnDemand");
    else if (!xb_is_date(as_of))
        rc = xb_err_set(err, -XB_EINPUT, "%s: publicationDate: '%s' does not start "
                        "with a date YYYY-MM-DD (or give --as-of)", path,
                        pub ? pub : "(none)");
    snprintf(base, sizeof base, "%s", path);
    snprintf(source, sizeof source, "AWS Price List offer file %s (publicationDate "
             "%s)", basename(base), pub ? pub : "none");
    const char *sku;
    json_t *p;
    if (!rc) {
        json_object_foreach(products, sku, p) {
            if ((rc = one_product(path, sku, p, terms, o, source, as_of, out, st,
                                  err)))
                break;
        }
    }
    json_decref(root);
    return rc;
}
