/* plan_html.c: `plan -f html`: the plan as one self-contained page (inline
 * CSS and SVG, no script), made from the very JSON object `plan -f json`
 * prints (plan_out.c), so both show the same numbers.  Owns the page's
 * layout; every figure carries its JSON value in a data-v attribute.  It
 * must not compute a figure the JSON does not hold. */
#include "plan_html.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "present/page.h"
#include "present/svg.h"

static void list_items(FILE *out, json_t *a)
{
    size_t i;
    json_t *s;
    fputs("<ul>", out);
    json_array_foreach(a, i, s) {
        fputs("<li>", out);
        xb_html_text(out, json_string_value(s) ? json_string_value(s) : "");
        fputs("</li>", out);
    }
    fputs("</ul>\n", out);
}

int xb_plan_html(FILE *out, json_t *p)
{
    xb_html_begin(out, "xenbench plan");
    fputs("<p class=\"facts\">", out);
    fprintf(out, "data minimum %g h; pricing ",
            json_number_value(json_object_get(p, "min_coverage_h")));
    xb_html_json_text(out, json_object_get(p, "pricing"), 0);
    fputs("; look-back ", out);
    xb_html_json_text(out, json_object_get(p, "since"), 0);
    fputs(" (", out);
    xb_html_json_text(out, json_object_get(p, "lookback_from"), 0);
    fputs(" .. ", out);
    xb_html_json_text(out, json_object_get(p, "lookback_to"), 0);
    fprintf(out, "); %lld catalogue types</p>\n",
            (long long)json_integer_value(json_object_get(p, "catalog_types")));

    json_t *tot = json_object_get(p, "totals");
    size_t np = json_object_size(tot), k = 0;
    const char **keys = calloc(np + 1, sizeof *keys), **labels = calloc(np + 1, sizeof *labels);
    double *usd = calloc(np + 1, sizeof *usd);
    fputs("<h2>Monthly cost per provider</h2>\n<table class=\"totals\"><thead><tr>"
          "<th>provider</th><th>region</th><th>method</th><th>VMs</th>"
          "<th>VMs without a type</th><th>VMs without enough data</th>"
          "<th>$/month</th></tr></thead><tbody>\n", out);
    const char *prov;
    json_t *t;
    json_object_foreach(tot, prov, t) {
        fputs("<tr data-provider=\"", out);
        xb_html_text(out, prov);
        fputs("\"><td>", out);
        xb_html_text(out, prov);
        fputs("</td>", out);
        xb_html_cell(out, "region", json_object_get(t, "region"), 0);
        xb_html_cell(out, "method", json_object_get(t, "method"), 0);
        xb_html_cell(out, "vms", json_object_get(t, "vms"), 0);
        xb_html_cell(out, "vms_without_type", json_object_get(t, "vms_without_type"), 0);
        xb_html_cell(out, "vms_without_data", json_object_get(t, "vms_without_data"), 0);
        xb_html_cell(out, "monthly_usd", json_object_get(t, "monthly_usd"), 2);
        fputs("</tr>\n", out);
        if (keys && labels && usd) {
            keys[k] = labels[k] = prov;
            usd[k++] = json_number_value(json_object_get(t, "monthly_usd"));
        }
    }
    fputs("</tbody></table>\n", out);
    if (keys && labels && usd)
        xb_svg_bars(out, "monthly_usd", "$/month", keys, labels, usd, k, 0);
    free(keys);
    free(labels);
    free(usd);

    fputs("<h2>Per VM: finding and the cheapest covering type of each provider</h2>\n"
          "<table class=\"vms\"><thead><tr><th>VM</th><th>host</th><th>vCPUs</th>"
          "<th>finding</th><th>reasons</th><th>cpu P (cores, highest need)</th><th>cpu need (cores)</th>"
          "<th>memory need (GiB)</th><th>confidence %</th><th>stars</th>", out);
    json_t *vms = json_object_get(p, "vms");
    json_object_foreach(tot, prov, t) {
        fputs("<th>", out);
        xb_html_text(out, prov);
        fputs(" type</th><th>", out);
        xb_html_text(out, prov);
        fputs(" $/month</th><th>risk</th>", out);
    }
    fputs("</tr></thead><tbody>\n", out);
    size_t i;
    json_t *v;
    json_array_foreach(vms, i, v) {
        fputs("<tr data-vm=\"", out);
        xb_html_text(out, json_string_value(json_object_get(v, "vm")));
        fputs("\" data-host=\"", out);
        xb_html_text(out, json_string_value(json_object_get(v, "host")));
        fputs("\">", out);
        static const struct { const char *key; int digits; } cols[] = {
            { "vm", 0 }, { "host", 0 }, { "vcpus", 0 }, { "finding", 0 },
        };
        for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++)
            xb_html_cell(out, cols[c].key, json_object_get(v, cols[c].key), cols[c].digits);
        fputs("<td data-key=\"reasons\">", out);
        size_t r;
        json_t *rs;
        json_array_foreach(json_object_get(v, "reasons"), r, rs) {
            fputs(r ? ", " : "", out);
            xb_html_text(out, json_string_value(rs));
        }
        fputs("</td>", out);
        xb_html_cell(out, "cpu_p_cores", json_object_get(v, "cpu_p_cores"), 3);
        xb_html_cell(out, "cpu_need_cores", json_object_get(v, "cpu_need_cores"), 3);
        xb_html_cell(out, "mem_need_gib", json_object_get(v, "mem_need_gib"), 2);
        xb_html_cell(out, "confidence_pct", json_object_get(v, "confidence_pct"), 1);
        xb_html_cell(out, "stars", json_object_get(v, "stars"), 0);
        json_object_foreach(tot, prov, t) {
            json_t *ch = NULL, *c;
            size_t j;
            json_array_foreach(json_object_get(v, "choices"), j, c)
                if (!ch && strcmp(json_string_value(json_object_get(c, "provider")), prov) == 0)
                    ch = c;
            fputs("<td data-provider=\"", out);
            xb_html_text(out, prov);
            fputs("\" data-key=\"type\">", out);
            xb_html_json_text(out, ch ? json_object_get(ch, "type") : NULL, 0);
            fputs("</td>", out);
            json_t *m = ch ? json_object_get(ch, "monthly_usd") : NULL;
            fputs("<td class=\"n\" data-provider=\"", out);
            xb_html_text(out, prov);
            fputs("\" data-key=\"monthly_usd\"", out);
            if (json_is_number(m))
                fprintf(out, " data-v=\"%.17g\"", json_number_value(m));
            fputs(">", out);
            xb_html_json_text(out, m, 2);
            fputs("</td><td>", out);
            xb_html_json_text(out, ch ? json_object_get(ch, "risk_name") : NULL, 0);
            fputs("</td>", out);
        }
        fputs("</tr>\n", out);
    }
    fputs("</tbody></table>\n", out);
    json_t *skip = json_object_get(p, "not_planned"), *left = json_object_get(p,
                                                                              "providers_left_out");
    if (json_array_size(skip)) {
        fputs("<h2>Not planned</h2>\n", out);
        list_items(out, skip);
    }
    if (json_array_size(left)) {
        fputs("<h2>Providers left out</h2>\n", out);
        list_items(out, left);
    }
    xb_html_end(out, "xenbench plan -f html (the figures of plan -f json)");
    return ferror(out) ? 1 : 0;
}
