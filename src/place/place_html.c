/* place_html.c: `place -f html`: the placement as one self-contained page
 * (inline CSS and SVG, no script), made from the very JSON object `place -f
 * json` prints (place_out.c), so both show the same numbers: per host its
 * predicted utilisation (P95 and max of each resource's summed demand
 * against capacity) with bars, per VM its host.  Owns the page's layout; it
 * must not compute a figure the JSON does not hold. */
#include "place_html.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "present/page.h"
#include "present/svg.h"

static void fact(FILE *out, json_t *p, const char *key, const char *label, int digits)
{
    fputs(label, out);
    fputs(" <span data-key=\"", out);
    fputs(key, out);
    fputs("\">", out);
    xb_html_json_text(out, json_object_get(p, key), digits);
    fputs("</span>", out);
}

int xb_place_html(FILE *out, json_t *p)
{
    xb_html_begin(out, "xenbench place");
    fputs("<p class=\"facts\">", out);
    fact(out, p, "hosts_used", "hosts used:", 0);
    fact(out, p, "hosts_in_pool", " of", 0);
    fact(out, p, "lower_bound", "; lower bound:", 0);
    fputs(" (", out);
    xb_html_json_text(out, json_object_get(p, "bound_by"), 0);
    fputs(")", out);
    fact(out, p, "gap_pct", "; gap (%):", 1);
    fact(out, p, "moves", "; moves:", 0);
    fact(out, p, "not_placed", "; placed nowhere:", 0);
    fact(out, p, "monthly_cost_usd", "; $/month:", 2);
    fact(out, p, "target_pct", "; target (% of capacity):", 0);
    fact(out, p, "window_s", "; window (s):", 0);
    fputs("</p>\n", out);

    json_t *hosts = json_object_get(p, "hosts");
    size_t nh = json_array_size(hosts), i;
    json_t *h;
    const char **keys = calloc(nh + 1, sizeof *keys);
    double *cpu = calloc(nh + 1, sizeof *cpu);
    fputs("<h2>Hosts: predicted utilisation</h2>\n<table class=\"hosts\"><thead><tr>"
          "<th>host</th><th>state</th><th>VMs</th><th>resource</th><th>P95</th>"
          "<th>max</th><th>capacity</th><th>unit</th></tr></thead><tbody>\n", out);
    json_array_foreach(hosts, i, h) {
        const char *name = json_string_value(json_object_get(h, "host"));
        json_t *series = json_object_get(h, "series"), *s;
        const char *res;
        size_t nres = json_object_size(series), r = 0;
        json_object_foreach(series, res, s) {
            fputs("<tr data-host=\"", out);
            xb_html_text(out, name ? name : "");
            fputs("\" data-resource=\"", out);
            xb_html_text(out, res);
            fputs("\">", out);
            if (r++ == 0) {
                fprintf(out, "<td rowspan=\"%zu\">", nres);
                xb_html_text(out, name ? name : "");
                fprintf(out, "</td><td rowspan=\"%zu\">", nres);
                xb_html_json_text(out, json_object_get(h, "state"), 0);
                fprintf(out, "</td><td rowspan=\"%zu\" class=\"n\">", nres);
                xb_html_json_text(out, json_object_get(h, "vms"), 0);
                fputs("</td>", out);
            }
            fputs("<td>", out);
            xb_html_text(out, res);
            fputs("</td>", out);
            xb_html_cell(out, "p95", json_object_get(s, "p95"), 3);
            xb_html_cell(out, "max", json_object_get(s, "max"), 3);
            xb_html_cell(out, "capacity", json_object_get(s, "capacity"), 3);
            fputs("<td>", out);
            xb_html_json_text(out, json_object_get(s, "unit"), 0);
            fputs("</td></tr>\n", out);
        }
        json_t *c = json_object_get(series, "cpu");
        if (keys && cpu) {
            keys[i] = name ? name : "";
            double p95 = json_number_value(json_object_get(c, "p95"));
            double cap = json_number_value(json_object_get(c, "capacity"));
            cpu[i] = json_is_number(json_object_get(c, "p95")) && cap > 0
                   ? 100.0 * p95 / cap : NAN;
        }
    }
    fputs("</tbody></table>\n<h2>CPU: P95 of the summed demand, % of capacity</h2>\n", out);
    if (keys && cpu)
        xb_svg_bars(out, "cpu_p95_pct", "%", keys, keys, cpu, nh, 100);
    free(keys);
    free(cpu);

    fputs("<h2>Placement: each VM's host</h2>\n<table class=\"placement\"><thead><tr>"
          "<th>VM</th><th>host</th><th>cores</th><th>today</th><th>moved</th>"
          "<th>hot vCPUs</th><th>contended</th><th>cache-heavy</th><th>why not placed</th>"
          "</tr></thead><tbody>\n", out);
    json_t *v;
    json_array_foreach(json_object_get(p, "placement"), i, v) {
        fputs("<tr data-vm=\"", out);
        xb_html_text(out, json_string_value(json_object_get(v, "vm")));
        fputs("\">", out);
        static const char *const cols[] = { "vm", "host", "cores", "today", "moved",
                                            "hot_vcpus", "contended", "cache_heavy",
                                            "reason" };
        for (size_t k = 0; k < sizeof cols / sizeof cols[0]; k++)
            xb_html_cell(out, cols[k], json_object_get(v, cols[k]), 0);
        fputs("</tr>\n", out);
    }
    fputs("</tbody></table>\n", out);
    json_t *notes = json_object_get(p, "notes"), *n;
    if (json_array_size(notes)) {
        fputs("<h2>Notes</h2>\n<ul>", out);
        json_array_foreach(notes, i, n) {
            fputs("<li>", out);
            xb_html_json_text(out, n, 0);
            fputs("</li>", out);
        }
        fputs("</ul>\n", out);
    }
    xb_html_end(out, "xenbench place -f html (the figures of place -f json)");
    return ferror(out) ? 1 : 0;
}
