/* catalog_rows.h: one catalogue row of a test catalogue (test_sizing.c,
 * test_history.c): the provider's default region, source "test", dated
 * 2024-01-01.  Include after cmocka.h. */
#ifndef XB_TEST_CATALOG_ROWS_H
#define XB_TEST_CATALOG_ROWS_H

#include <stdio.h>

#include "catalog/catalog.h"
#include "plan/sizing.h"

static inline void add_type(struct xb_catalog *c, const char *prov, const char *type,
                            enum xb_category cat, unsigned vcpu, double mem,
                            double price)
{
    struct xb_cat_row r;
    xb_cat_row_init(&r);
    snprintf(r.provider, sizeof r.provider, "%s", prov);
    snprintf(r.type, sizeof r.type, "%s", type);
    snprintf(r.region, sizeof r.region, "%s", xb_default_region(prov));
    snprintf(r.source, sizeof r.source, "test");
    snprintf(r.as_of, sizeof r.as_of, "2024-01-01");
    r.category = cat;
    r.vcpu = vcpu;
    r.mem_gib = mem;
    r.price_hour = price;
    assert_int_equal(xb_catalog_add(c, &r), 0);
}

#endif
