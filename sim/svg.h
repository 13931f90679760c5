/* sim/svg.h -- line plots written directly as SVG (no plotting dependency).
 *
 * One plot: a frame with "nice" tick marks and labels on both axes, a
 * title, axis labels, one polyline per series in a fixed palette, and a
 * legend.  Output is a pure function of the input (fixed-precision
 * numbers), so plots are byte-identical across runs with the same seed.
 */
#ifndef SHROUD_SIM_SVG_H
#define SHROUD_SIM_SVG_H

#include <stddef.h>
#include "util/buf.h"
#include "util/err.h"

typedef struct sim_svg_series {
    const char *name;
    const double *x;
    const double *y;
    size_t n;
} sim_svg_series;

typedef struct sim_svg_plot {
    const char *title;
    const char *xlabel;
    const char *ylabel;
    double ymin, ymax;        /* fixed y range when ymax > ymin, else automatic */
} sim_svg_plot;

/* Append the SVG document to out.  Series with n == 0 are listed in the
 * legend only. */
int sim_svg_render(sh_buf *out, const sim_svg_plot *plot,
                   const sim_svg_series *series, size_t n_series) SH_WUR;

#endif
