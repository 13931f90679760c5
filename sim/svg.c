/* sim/svg.c -- minimal SVG line plots. */
#include "sim/svg.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define W 720.0
#define H 440.0
#define ML 80.0      /* margins: left, right, top, bottom */
#define MR 170.0
#define MT 40.0
#define MB 60.0

static const char *const palette[] = {
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
};

static int put(sh_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int put(sh_buf *b, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0)
        return SH_ERR_INTERNAL;
    if ((size_t)n >= sizeof line)
        n = (int)sizeof line - 1;
    return sh_buf_append(b, line, (size_t)n);
}

/* Text with XML special characters escaped (labels come from scenarios). */
static int put_text(sh_buf *b, const char *s)
{
    int rc = 0;
    for (; rc == 0 && *s; s++) {
        switch (*s) {
        case '<': rc = sh_buf_append_str(b, "&lt;"); break;
        case '>': rc = sh_buf_append_str(b, "&gt;"); break;
        case '&': rc = sh_buf_append_str(b, "&amp;"); break;
        case '"': rc = sh_buf_append_str(b, "&quot;"); break;
        default: rc = sh_buf_append_u8(b, (uint8_t)*s);
        }
    }
    return rc;
}

/* A "nice" tick step for a span, about 5 ticks. */
static double nice_step(double span)
{
    if (!(span > 0))
        return 1;
    double raw = span / 5, mag = pow(10, floor(log10(raw))), f = raw / mag;
    double nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
    return nf * mag;
}

static void range(const sim_svg_series *s, size_t ns, int want_x, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t i = 0; i < ns; i++)
        for (size_t k = 0; k < s[i].n; k++) {
            double v = want_x ? s[i].x[k] : s[i].y[k];
            if (!isfinite(v))
                continue;
            if (v < *lo) *lo = v;
            if (v > *hi) *hi = v;
        }
    if (!isfinite(*lo)) {
        *lo = 0;
        *hi = 1;
    }
    if (*hi <= *lo)
        *hi = *lo + 1;
}

static int axis_label(sh_buf *b, double v)
{
    if (fabs(v) >= 1e6 || (fabs(v) < 1e-3 && v != 0))
        return put(b, "%.3g", v);
    return put(b, "%.6g", v);
}

int sim_svg_render(sh_buf *b, const sim_svg_plot *p, const sim_svg_series *s, size_t ns)
{
    double x0, x1, y0, y1;
    range(s, ns, 1, &x0, &x1);
    if (p->ymax > p->ymin) {
        y0 = p->ymin;
        y1 = p->ymax;
    } else {
        range(s, ns, 0, &y0, &y1);
        if (y0 > 0)
            y0 = 0;
        double st = nice_step(y1 - y0);
        y1 = ceil(y1 / st) * st;
    }
    double pw = W - ML - MR, ph = H - MT - MB;
#define PX(x) (ML + ((x) - x0) / (x1 - x0) * pw)
#define PY(y) (MT + ph - ((y) - y0) / (y1 - y0) * ph)
    int rc = put(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
                    "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"12\">\n"
                    "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n", W, H, W, H);
    if (rc == 0) rc = put(b, "<text x=\"%.1f\" y=\"24\" font-size=\"15\" text-anchor=\"middle\">", ML + pw / 2);
    if (rc == 0) rc = put_text(b, p->title);
    if (rc == 0) rc = put(b, "</text>\n<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                             "fill=\"none\" stroke=\"#444\"/>\n", ML, MT, pw, ph);
    /* ticks and grid */
    double xs = nice_step(x1 - x0), ys = nice_step(y1 - y0);
    for (double t = ceil(x0 / xs) * xs; rc == 0 && t <= x1 + xs * 1e-9; t += xs) {
        rc = put(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n"
                    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
                 PX(t), MT, PX(t), MT + ph, PX(t), MT + ph + 16);
        if (rc == 0) rc = axis_label(b, fabs(t) < xs * 1e-9 ? 0 : t);
        if (rc == 0) rc = put(b, "</text>\n");
    }
    for (double t = ceil(y0 / ys) * ys; rc == 0 && t <= y1 + ys * 1e-9; t += ys) {
        rc = put(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n"
                    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">",
                 ML, PY(t), ML + pw, PY(t), ML - 6, PY(t) + 4);
        if (rc == 0) rc = axis_label(b, fabs(t) < ys * 1e-9 ? 0 : t);
        if (rc == 0) rc = put(b, "</text>\n");
    }
    if (rc == 0) rc = put(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", ML + pw / 2, H - 16);
    if (rc == 0) rc = put_text(b, p->xlabel);
    if (rc == 0) rc = put(b, "</text>\n<text transform=\"translate(18 %.1f) rotate(-90)\" "
                             "text-anchor=\"middle\">", MT + ph / 2);
    if (rc == 0) rc = put_text(b, p->ylabel);
    if (rc == 0) rc = put(b, "</text>\n");
    /* series */
    for (size_t i = 0; rc == 0 && i < ns; i++) {
        const char *col = palette[i % (sizeof palette / sizeof palette[0])];
        if (s[i].n > 0) {
            rc = put(b, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"", col);
            for (size_t k = 0; rc == 0 && k < s[i].n; k++) {
                double y = s[i].y[k];
                if (!isfinite(y) || !isfinite(s[i].x[k]))
                    continue;
                if (y < y0) y = y0;
                if (y > y1) y = y1;
                rc = put(b, "%.1f,%.1f ", PX(s[i].x[k]), PY(y));
            }
            if (rc == 0) rc = put(b, "\"/>\n");
        }
        double ly = MT + 14 + 18.0 * (double)i;
        if (rc == 0) rc = put(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                                 "stroke=\"%s\" stroke-width=\"3\"/>\n<text x=\"%.1f\" y=\"%.1f\">",
                              ML + pw + 12, ly, ML + pw + 32, ly, col, ML + pw + 38, ly + 4);
        if (rc == 0) rc = put_text(b, s[i].name);
        if (rc == 0) rc = put(b, "</text>\n");
    }
    if (rc == 0) rc = put(b, "</svg>\n");
#undef PX
#undef PY
    return rc;
}
