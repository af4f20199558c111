/* svg.c: line charts and heatmaps as inline SVG (see svg.h).  Owns the
 * geometry, the colours and the data attributes; it must not know of
 * windows or domains. */
#include "svg.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

static const char *const colours[] = { "#0969da", "#cf222e", "#1a7f37", "#9a6700",
                                       "#8250df", "#bf3989", "#0550ae", "#bc4c00",
                                       "#116329", "#6e7781" };
#define NCOLOURS (sizeof colours / sizeof colours[0])

void xb_html_text(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&#39;", out); break;
        default: fputc(*s, out);
        }
    }
}

void xb_svg_lines(FILE *out, const char *metric, const char *unit, const double *t,
                  size_t n, const struct xb_svg_line *s, size_t ns)
{
    const double W = 900, H = 280, L = 60, R = 10, T = 10, B = 30;
    double max = 0;
    for (size_t k = 0; k < ns; k++)
        for (size_t i = 0; i < n; i++)
            if (!isnan(s[k].v[i]) && s[k].v[i] > max)
                max = s[k].v[i];
    double step = max <= 1 ? 0.25 : max <= 10 ? 2.5 : max <= 100 ? 25 : 50;
    max = max > 0 ? ceil(max / step) * step : 1;
    double t0 = n ? t[0] : 0, t1 = n ? t[n - 1] : 1;
    if (t1 <= t0)
        t1 = t0 + 1;
    fprintf(out, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
            "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" data-metric=\"", W, H, W, H);
    xb_html_text(out, metric);
    fputs("\" role=\"img\">\n", out);
    for (double g = 0; g <= max + 1e-9; g += max / step > 8 ? 2 * step : step) {
        double y = T + (1 - g / max) * (H - T - B);
        fprintf(out, "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\" "
                "stroke=\"#d0d7de\"/><text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\" "
                "font-size=\"11\" fill=\"#57606a\">%g %s</text>\n", L, W - R, y, y, L - 6,
                y + 4, g, unit);
    }
    fprintf(out, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\" fill=\"#57606a\">%.0f s"
            "</text><text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\" font-size=\"11\" "
            "fill=\"#57606a\">%.0f s</text>\n", L, H - 8, t0, W - R, H - 8, t1);
    for (size_t k = 0; k < ns; k++) {
        fprintf(out, "<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"%s\" "
                "data-domain=\"", colours[k % NCOLOURS]);
        xb_html_text(out, s[k].key);
        fputs("\" data-t=\"", out);
        for (size_t i = 0; i < n; i++)
            fprintf(out, "%s%.6f", i ? "," : "", t[i]);
        fputs("\" data-v=\"", out);
        for (size_t i = 0; i < n; i++) {
            if (i)
                fputc(',', out);
            if (!isnan(s[k].v[i]))
                fprintf(out, "%.3f", s[k].v[i]);
        }
        fputs("\" points=\"", out);
        bool first = true;
        for (size_t i = 0; i < n; i++) {
            if (isnan(s[k].v[i]))
                continue;
            fprintf(out, "%s%.1f,%.1f", first ? "" : " ",
                    L + (t[i] - t0) / (t1 - t0) * (W - L - R),
                    T + (1 - s[k].v[i] / max) * (H - T - B));
            first = false;
        }
        fputs("\"><title>", out);
        xb_html_text(out, s[k].label);
        fputs("</title></polyline>\n", out);
    }
    fputs("</svg>\n<div class=\"legend\">", out);
    for (size_t k = 0; k < ns; k++) {
        fprintf(out, "<span><svg width=\"10\" height=\"10\"><rect width=\"10\" height=\"10\" "
                "fill=\"%s\"/></svg> ", colours[k % NCOLOURS]);
        xb_html_text(out, s[k].label);
        fputs("</span>", out);
    }
    fputs("</div>\n", out);
}

void xb_svg_heatmap(FILE *out, const char *metric, const char *const *row_keys,
                    const char *const *row_labels, size_t rows,
                    const char *const *col_labels, size_t cols, const double *v,
                    double max)
{
    const double CW = 64, CH = 22, L = 200, T = 24;
    double W = L + CW * (double)cols + 10, H = T + CH * (double)rows + 6;
    fprintf(out, "<svg class=\"heatmap\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
            "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" data-metric=\"", W, H, W, H);
    xb_html_text(out, metric);
    fputs("\" role=\"img\">\n", out);
    for (size_t c = 0; c < cols; c++) {
        fprintf(out, "<text x=\"%.1f\" y=\"16\" text-anchor=\"middle\" font-size=\"12\" "
                "font-weight=\"600\">", L + CW * ((double)c + 0.5));
        xb_html_text(out, col_labels[c]);
        fputs("</text>\n", out);
    }
    for (size_t r = 0; r < rows; r++) {
        double y = T + CH * (double)r;
        fprintf(out, "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\" font-size=\"12\">",
                L - 8, y + 15);
        xb_html_text(out, row_labels[r]);
        fputs("</text>\n", out);
        for (size_t c = 0; c < cols; c++) {
            double x = v[r * cols + c];
            double f = max > 0 ? x / max : 0;
            f = f < 0 ? 0 : f > 1 ? 1 : f;
            int red = (int)lround(255 + (9 - 255) * f), green = (int)lround(255 + (105 - 255) * f),
                blue = (int)lround(255 + (218 - 255) * f);
            fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.0f\" height=\"%.0f\" "
                    "fill=\"rgb(%d,%d,%d)\" stroke=\"#d0d7de\" data-row=\"",
                    L + CW * (double)c, y, CW, CH, red, green, blue);
            xb_html_text(out, row_keys[r]);
            fputs("\" data-col=\"", out);
            xb_html_text(out, col_labels[c]);
            fprintf(out, "\" data-v=\"%.3f\"/><text x=\"%.1f\" y=\"%.1f\" "
                    "text-anchor=\"middle\" font-size=\"11\" fill=\"%s\">%.1f</text>\n", x,
                    L + CW * ((double)c + 0.5), y + 15, f > 0.6 ? "#fff" : "#1b1f24", x);
        }
    }
    fputs("</svg>\n", out);
}

void xb_svg_bars(FILE *out, const char *metric, const char *unit,
                 const char *const *keys, const char *const *labels, const double *v,
                 size_t n, double max)
{
    const double L = 220, W = 700, BH = 18, GAP = 6, T = 6;
    for (size_t i = 0; max <= 0 && i < n; i++)
        if (!isnan(v[i]) && v[i] > max)
            max = v[i];
    if (max <= 0)
        max = 1;
    double H = T + (BH + GAP) * (double)n + 6;
    fprintf(out, "<svg class=\"bars\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
            "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" data-metric=\"", W, H, W, H);
    xb_html_text(out, metric);
    fputs("\" role=\"img\">\n", out);
    for (size_t i = 0; i < n; i++) {
        double y = T + (BH + GAP) * (double)i, x = isnan(v[i]) ? 0 : v[i];
        double w = (W - L - 120) * (x / max > 1 ? 1 : x / max);
        fprintf(out, "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\" font-size=\"12\">",
                L - 8, y + 13);
        xb_html_text(out, labels[i]);
        fprintf(out, "</text><rect x=\"%.0f\" y=\"%.1f\" width=\"%.1f\" height=\"%.0f\" "
                "fill=\"%s\" data-key=\"", L, y, w, BH, colours[i % NCOLOURS]);
        xb_html_text(out, keys[i]);
        if (isnan(v[i]))
            fputs("\" data-v=\"\"/>", out);
        else
            fprintf(out, "\" data-v=\"%.3f\"/>", v[i]);
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\">", L + w + 6, y + 13);
        if (isnan(v[i]))
            fputs("-", out);
        else
            fprintf(out, "%.2f ", v[i]);
        xb_html_text(out, unit);
        fputs("</text>\n", out);
    }
    fputs("</svg>\n", out);
}
