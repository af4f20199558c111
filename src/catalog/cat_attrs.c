/* cat_attrs.c: what the importers share: the unit-bearing strings of AWS attributes, and the families of AWS and
 * Azure type names (which decide category and architecture).  It must not
 * read files nor build rows (the importers do). */
#include "cat_import.h"

#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util/parse.h"

/* The number in s after an optional "Up to " (thousands commas removed)
 * times the factor of the unit word after it; NAN for anything else. */
static double with_unit(const char *s, const char *u1, double f1, const char *u2,
                        double f2, bool *up_to)
{
    char buf[64];
    size_t k = 0;
    if (up_to)
        *up_to = false;
    if (!s)
        return NAN;
    if (strncmp(s, "Up to ", 6) == 0) {
        s += 6;
        if (up_to)
            *up_to = true;
    }
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

double xb_aws_gib(const char *s)
{
    return with_unit(s, "GiB", 1, "MiB", 1.0 / 1024, NULL);
}

double xb_aws_gbps(const char *s, bool *up_to)
{
    return with_unit(s, "Gigabit", 1, "Megabit", 1e-3, up_to);
}

double xb_aws_ebs_mbps(const char *s, bool *up_to)
{
    return with_unit(s, "Mbps", 1.0 / 8, "Gbps", 125, up_to);
}

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
    /* The family letters before the generation digit, as AWS names them
     * (instance type naming: the first letters are the family). */
    static const struct { const char *fam; enum xb_category cat; } map[] = {
        { "t", XB_CAT_BURSTABLE }, { "m", XB_CAT_GENERAL }, { "a", XB_CAT_GENERAL },
        { "c", XB_CAT_COMPUTE }, { "r", XB_CAT_MEMORY }, { "x", XB_CAT_MEMORY },
        { "z", XB_CAT_MEMORY }, { "u", XB_CAT_MEMORY }, { "i", XB_CAT_STORAGE },
        { "im", XB_CAT_STORAGE }, { "is", XB_CAT_STORAGE }, { "d", XB_CAT_STORAGE },
        { "h", XB_CAT_STORAGE }, { "hpc", XB_CAT_HPC }, { "p", XB_CAT_ACCELERATED },
        { "g", XB_CAT_ACCELERATED }, { "f", XB_CAT_ACCELERATED },
        { "inf", XB_CAT_ACCELERATED }, { "dl", XB_CAT_ACCELERATED },
        { "trn", XB_CAT_ACCELERATED }, { "vt", XB_CAT_ACCELERATED },
    };
    size_t i = 0;
    while (i < sizeof map / sizeof map[0] && strcmp(map[i].fam, fam) != 0)
        i++;
    if (i == sizeof map / sizeof map[0])
        return -1;      /* mac (macOS on dedicated hosts), unknown families */
    *cat = map[i].cat;
    *arch = processor && strstr(processor, "Graviton") ? "arm64" : "x86_64";
    return 0;
}

int xb_aws_fill(struct xb_cat_row *r, const struct xb_aws_attrs *a,
                const struct xb_cat_import_opts *o, struct xb_cat_import_stats *st,
                const char *where, struct xb_err *err)
{
    const char *arch;
    if (!a->type || snprintf(r->type, sizeof r->type, "%s", a->type) >=
                        (int)sizeof r->type)
        return xb_err_set(err, -XB_EINPUT, "%s: instanceType: expected a type name",
                          where);
    if (xb_aws_category(a->type, a->processor, &r->category, &arch)) {
        st->skipped_family++;
        return 1;
    }
    r->mem_gib = xb_aws_gib(a->memory);
    if (isnan(r->mem_gib))
        return xb_err_set(err, -XB_EINPUT, "%s.memory: '%s' is not a size like "
                          "\"8 GiB\"", where, a->memory ? a->memory : "(none)");
    bool up_to;
    double net = xb_aws_gbps(a->network, &up_to);
    *(up_to ? &r->net_burst_gbps : &r->net_gbps) = net;
    double ebs = xb_aws_ebs_mbps(a->ebs, &up_to);
    *(up_to ? &r->disk_burst_mbps : &r->disk_mbps) = ebs;
    snprintf(r->provider, sizeof r->provider, "aws");
    snprintf(r->arch, sizeof r->arch, "%s", arch);
    (void)o;
    return 0;
}

const char *xb_aws_region(const char *key)
{
    /* Regions whose prices the Price List gives under the display name
     * (AWS General Reference, "Regions and Zones"). */
    static const struct { const char *name, *code; } names[] = {
        { "Asia Pacific (Osaka)", "ap-northeast-3" },
        { "Asia Pacific (Hyderabad)", "ap-south-2" },
        { "Europe (Spain)", "eu-south-2" },
        { "Europe (Zurich)", "eu-central-2" },
        { "Middle East (UAE)", "me-central-1" },
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(key, names[i].name) == 0)
            return names[i].code;
    /* A region code: two letters, an optional "-gov", a word, a digit
     * ("us-east-1", "us-gov-west-1"); Local Zones add a suffix
     * ("us-west-2-lax-1a") and are not regions. */
    const char *p = key;
    if (!(islower((unsigned char)p[0]) && islower((unsigned char)p[1]) && p[2] == '-'))
        return NULL;
    p += 3;
    if (strncmp(p, "gov-", 4) == 0)
        p += 4;
    if (!islower((unsigned char)*p))
        return NULL;
    while (islower((unsigned char)*p))
        p++;
    if (*p++ != '-' || !isdigit((unsigned char)*p))
        return NULL;
    while (isdigit((unsigned char)*p))
        p++;
    return *p ? NULL : key;
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
    /* One clock for every row: the table's, never a price list's own. */
    const struct xb_clock_rule *ck = xb_clock_rule_find(o->clocks, r->provider,
                                                        r->type);
    r->clock_ghz = ck ? ck->ghz : NAN;
    st->no_clock += isnan(r->clock_ghz);
    int rc = xb_cat_row_check(r, where, err);
    if (rc)
        return rc;
    if (xb_catalog_add(out, r))
        return xb_err_set(err, -ENOMEM, "out of memory");
    st->rows++;
    return 0;
}
