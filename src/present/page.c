/* page.c: the frame every HTML page of xenbench shares (report -f html,
 * plan -f html, place -f html): the head with the inline style, the end,
 * and table cells of JSON values with the value in data-v (see page.h).  It
 * must not know what a page shows. */
#include "page.h"

#include <stdbool.h>

#include "present/svg.h"

static const char xb_html_style[] =
    "body{font-family:system-ui,sans-serif;margin:1.5em;color:#1b1f24}"
    "h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.6em}"
    "table{border-collapse:collapse}th,td{border:1px solid #d0d7de;padding:.15em .5em;"
    "font-size:.85em}th{background:#eaeef2}td.n{text-align:right;"
    "font-variant-numeric:tabular-nums}.facts{color:#57606a}.legend{font-size:.8em;"
    "display:flex;flex-wrap:wrap;gap:.2em 1.2em;max-width:900px}"
    "pre{background:#f6f8fa;padding:.6em;font-size:.8em}svg.chart{border:1px solid #d0d7de}";

void xb_html_begin(FILE *out, const char *title)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>", out);
    xb_html_text(out, title);
    fprintf(out, "</title><style>%s</style></head><body>\n<h1>", xb_html_style);
    xb_html_text(out, title);
    fputs("</h1>\n", out);
}

void xb_html_end(FILE *out, const char *made_by)
{
    fputs("<p class=\"facts\">Made by ", out);
    xb_html_text(out, made_by);
    fputs(".</p>\n</body></html>\n", out);
}

void xb_html_json_text(FILE *out, json_t *v, int digits)
{
    if (json_is_string(v))
        xb_html_text(out, json_string_value(v));
    else if (json_is_integer(v))
        fprintf(out, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        fprintf(out, "%.*f", digits, json_real_value(v));
    else if (json_is_true(v))
        fputs("yes", out);
    else if (json_is_false(v))
        fputs("no", out);
    else
        fputs("-", out);
}

void xb_html_cell(FILE *out, const char *key, json_t *v, int digits)
{
    bool num = json_is_number(v);
    fprintf(out, "<td%s data-key=\"%s\"", num ? " class=\"n\"" : "", key);
    if (num)
        fprintf(out, " data-v=\"%.17g\"", json_number_value(v));
    fputs(">", out);
    xb_html_json_text(out, v, digits);
    fputs("</td>", out);
}

