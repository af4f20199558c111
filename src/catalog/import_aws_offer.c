/* import_aws_offer.c: the AWS Price List bulk offer file for AmazonEC2 ->
 * catalogue rows.  products.<sku> gives the type's attributes;
 * terms.OnDemand.<sku>.<offer>.priceDimensions.<rate> with unit "Hrs" gives
 * pricePerUnit.USD.  Kept: productFamily "Compute Instance", Linux, Shared
 * tenancy, preInstalledSw NA, capacitystatus Used and licenseModel "No
 * License required" where the file has those attributes, currentGeneration
 * "Yes" and locationType "AWS Region" where present (Local and Wavelength
 * Zones are not regions).  terms.Reserved gives the 1- and 3-year prices:
 * the standard offering with no upfront payment, whose hourly rate is the
 * whole price.  The as-of date is the file's publicationDate.  jansson reads the whole file: use the
 * per-region offer file (.../AmazonEC2/current/REGION/index.json) rather
 * than the multi-GB global one.  It must not write the catalogue
 * (cmd/catalog.c does), nor price for the plan. */
#include "cat_import.h"

#include <jansson.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util/parse.h"

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

/* The "Hrs" rate of one offer of terms.TERM.SKU: 0 and *price, 1 when the
 * offer has no hourly rate, or an error naming the JSON path. */
static int offer_hourly(const char *path, const char *term, const char *sku,
                        const char *ok, json_t *offer, double *price,
                        struct xb_err *err)
{
    const char *dk;
    json_t *dim;
    json_object_foreach(json_object_get(offer, "priceDimensions"), dk, dim) {
        const char *unit = attr(dim, "unit");
        if (!unit || strcmp(unit, "Hrs") != 0)
            continue;
        const char *usd = attr(json_object_get(dim, "pricePerUnit"), "USD");
        if (!usd || xb_parse_num(usd, price) || *price < 0)
            return xb_err_set(err, -XB_EINPUT, "%s: terms.%s.%s.%s.priceDimensions."
                              "%s.pricePerUnit.USD: expected a price as a string of "
                              "digits", path, term, sku, ok, dk);
        return 0;
    }
    return 1;
}

static int hourly_price(const char *path, const char *sku, json_t *offers,
                        double *price, struct xb_err *err)
{
    const char *ok;
    json_t *offer;
    json_object_foreach(offers, ok, offer) {
        int rc = offer_hourly(path, "OnDemand", sku, ok, offer, price, err);
        if (rc <= 0)
            return rc;
    }
    return xb_err_set(err, -XB_EINPUT, "%s: terms.OnDemand.%s: no hourly (\"Hrs\") "
                      "price", path, sku);
}

/* The hourly rate of the standard, no-upfront reservation of `lease`
 * ("1yr", "3yr"); NAN when the file has none. */
static int reserved_price(const char *path, const char *sku, json_t *offers,
                          const char *lease, double *price, struct xb_err *err)
{
    const char *ok;
    json_t *offer;
    *price = NAN;
    json_object_foreach(offers, ok, offer) {
        json_t *ta = json_object_get(offer, "termAttributes");
        if (!attr_is(ta, "LeaseContractLength", lease, 0) ||
            !attr_is(ta, "OfferingClass", "standard", 0) ||
            !attr_is(ta, "PurchaseOption", "No Upfront", 0))
            continue;
        int rc = offer_hourly(path, "Reserved", sku, ok, offer, price, err);
        if (rc > 0)
            *price = NAN;
        return rc < 0 ? rc : 0;
    }
    return 0;
}

static int one_product(const char *path, const char *sku, json_t *p, json_t *terms,
                       json_t *reserved, const struct xb_cat_import_opts *o,
                       const char *source, const char *as_of, struct xb_catalog *out,
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
    if (!attr_is(a, "currentGeneration", "Yes", 1)) {
        st->skipped_generation++;
        return 0;
    }
    if (!attr_is(a, "locationType", "AWS Region", 1)) {
        st->skipped_region++;
        return 0;
    }
    char where[4400];
    snprintf(where, sizeof where, "%s: products.%s.attributes", path, sku);
    struct xb_cat_row r;
    xb_cat_row_init(&r);
    struct xb_aws_attrs aa = {
        .type = attr(a, "instanceType"), .processor = attr(a, "physicalProcessor"),
        .memory = attr(a, "memory"), .network = attr(a, "networkPerformance"),
        .ebs = attr(a, "dedicatedEbsThroughput"),
    };
    int rc = xb_aws_fill(&r, &aa, o, st, where, err);
    if (rc)
        return rc < 0 ? rc : 0;
    const char *region = attr(a, "regionCode");
    if (!region || !xb_aws_region(region))
        return xb_err_set(err, -XB_EINPUT, "%s.regionCode: %s", where,
                          region ? "not a region code"
                          : "missing (offer files before 2021 lack it: use a "
                            "current one)");
    if (o->region && strcmp(region, o->region) != 0) {
        st->skipped_region++;
        return 0;
    }
    const char *vcpu = attr(a, "vcpu");
    if (!vcpu || xb_parse_count(vcpu, &r.vcpu))
        return xb_err_set(err, -XB_EINPUT, "%s.vcpu: '%s' is not a whole number "
                          ">= 1", where, vcpu ? vcpu : "(none)");
    json_t *offers = json_object_get(terms, sku);
    if (!json_is_object(offers)) {
        st->skipped_terms++;        /* no on-demand offer for this product */
        return 0;
    }
    rc = hourly_price(path, sku, offers, &r.price_hour, err);
    json_t *res = json_object_get(reserved, sku);
    if (!rc && json_is_object(res))
        rc = reserved_price(path, sku, res, "1yr", &r.price_1y_hour, err);
    if (!rc && json_is_object(res))
        rc = reserved_price(path, sku, res, "3yr", &r.price_3y_hour, err);
    if (rc)
        return rc;
    snprintf(r.region, sizeof r.region, "%s", region);
    snprintf(r.source, sizeof r.source, "%s", source);
    snprintf(r.as_of, sizeof r.as_of, "%s", as_of);
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
    json_t *reserved = json_object_get(json_object_get(root, "terms"), "Reserved");
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
            if ((rc = one_product(path, sku, p, terms, reserved, o, source, as_of,
                                  out, st, err)))
                break;
        }
    }
    json_decref(root);
    return rc;
}
