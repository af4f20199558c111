/* cat_attrs.c: what the importers share: loading a JSON file with jansson,
 * the unit-bearing strings of AWS attributes, and the families of AWS and
 * Azure type names (which decide category and architecture). */
#include "cat_import.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plan/parse.h"

int xb_json_load_file(const char *path, json_t **root, struct xb_err *err)
{
    json_error_t je;
    *root = json_load_file(path, 0, &je);
    if (!*root) {
        if (je.line <= 0)
            return xb_err_set(err, -XB_EINPUT, "%s: %s", path, je.text);
        return xb_err_set(err, -XB_EINPUT, "%s: line %d column %d: %s", path,
                          je.line, je.column, je.text);
    }
    if (!json_is_object(*root)) {
        json_decref(*root);
        *root = NULL;
        return xb_err_set(err, -XB_EINPUT, "%s: expected a JSON object at the "
                          "top level", path);
    }
    return 0;
}

/* The number in s after an optional "Up to " (thousands commas removed)
 * times the factor of the unit word after it; NAN for anything else. */
static double with_unit(const char *s, const char *u1, double f1, const char *u2,
                        double f2)
{
    char buf[64];
    size_t k = 0;
    if (!s)
        return NAN;
    if (strncmp(s, "Up to ", 6) == 0)
        s += 6;
    for (; *s; s++) {
        if (k + 1 == sizeof buf)
            return NAN;
        if (*s != ',')
            buf[k++] = *s;
    }
    buf[k] = '\0';
    double v;
    const char *unit;
    if (xb_parse_lead_num(buf, &v, &unit) || v < 0)
        return NAN;
    while (*unit == ' ')
        unit++;
    if (u1 && strcmp(unit, u1) == 0)
        return v * f1;
    if (u2 && strcmp(unit, u2) == 0)
        return v * f2;
    return NAN;
}

double xb_aws_gib(const char *s) { return with_unit(s, "GiB", 1, "MiB", 1.0 / 1024); }
double xb_aws_gbps(const char *s) { return with_unit(s, "Gigabit", 1, "Megabit", 1e-3); }
double xb_aws_ebs_mbps(const char *s) { return with_unit(s, "Mbps", 1.0 / 8, "Gbps", 125); }
double xb_aws_ghz(const char *s) { return with_unit(s, "GHz", 1, "MHz", 1e-3); }

int xb_aws_category(const char *type, const char *processor,
                    enum xb_category *cat, const char **arch)
{
    char fam[16];
    size_t k = 0;
    while (k + 1 < sizeof fam && islower((unsigned char)type[k])) {
        fam[k] = type[k];
        k++;
    }
    fam[k] = '\0';
    if (!isdigit((unsigned char)type[k]) && type[k] != '-')
        return -1;
    if (strcmp(fam, "t") == 0)
        *cat = XB_CAT_BURSTABLE;
    else if (strcmp(fam, "m") == 0 || strcmp(fam, "a") == 0)
        *cat = XB_CAT_GENERAL;
    else if (strcmp(fam, "c") == 0)
        *cat = XB_CAT_COMPUTE;
    else if (strcmp(fam, "r") == 0 || strcmp(fam, "x") == 0 ||
             strcmp(fam, "z") == 0 || strcmp(fam, "u") == 0)
        *cat = XB_CAT_MEMORY;
    else
        return -1;
    *arch = processor && strstr(processor, "Graviton") ? "arm64" : "x86_64";
    return 0;
}

int xb_azure_category(const char *sku, enum xb_category *cat, const char **arch)
{
    if (strncmp(sku, "Standard_", 9) != 0)
        return -1;
    const char *p = sku + 9;
    char fam[8];
    size_t k = 0;
    while (k + 1 < sizeof fam && isupper((unsigned char)p[k])) {
        fam[k] = p[k];
        k++;
    }
    fam[k] = '\0';
    if (!isdigit((unsigned char)p[k]))
        return -1;
    static const struct { const char *fam; enum xb_category cat; } map[] = {
        { "B", XB_CAT_BURSTABLE }, { "A", XB_CAT_GENERAL }, { "D", XB_CAT_GENERAL },
        { "DC", XB_CAT_GENERAL }, { "F", XB_CAT_COMPUTE }, { "FX", XB_CAT_COMPUTE },
        { "E", XB_CAT_MEMORY }, { "EC", XB_CAT_MEMORY }, { "M", XB_CAT_MEMORY },
    };
    size_t i = 0;
    while (i < sizeof map / sizeof map[0] && strcmp(map[i].fam, fam) != 0)
        i++;
    if (i == sizeof map / sizeof map[0])
        return -1;
    *cat = map[i].cat;
    /* Feature letters after the vCPU count: 'p' marks an Arm (Ampere) size. */
    const char *f = p + k;
    while (isdigit((unsigned char)*f))
        f++;
    size_t flen = strcspn(f, "_");
    *arch = memchr(f, 'p', flen) ? "arm64" : "x86_64";
    return 0;
}

int xb_is_region_code(const char *s)
{
    if (!islower((unsigned char)*s))
        return 0;
    for (; *s; s++)
        if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '-')
            return 0;
    return 1;
}

int xb_cat_import_add(struct xb_catalog *out, struct xb_cat_row *r,
                      const struct xb_cat_import_opts *o,
                      struct xb_cat_import_stats *st, const char *where,
                      struct xb_err *err)
{
    if (r->category == XB_CAT_BURSTABLE) {
        const struct xb_burst_rule *rule =
            o->rules ? xb_burst_rule_find(o->rules, r->provider, r->type) : NULL;
        if (!rule) {
            st->no_rule++;
            return 0;
        }
        xb_burst_apply(rule, r);
    }
    int rc = xb_cat_row_check(r, where, err);
    if (rc)
        return rc;
    if (xb_catalog_add(out, r))
        return xb_err_set(err, -ENOMEM, "out of memory");
    st->rows++;
    return 0;
}
