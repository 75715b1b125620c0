// Figures drawn with gnuplot (Debian's gnuplot-nox, pngcairo terminal): nlhf writes the data and a
// script, runs gnuplot, and renames the PNG into place only when gnuplot succeeded.
#ifndef NLHF_IO_GNUPLOT_H_
#define NLHF_IO_GNUPLOT_H_

#include <string>
#include <vector>

#include "nlhf/experiments/comparison.h"

namespace nlhf {

struct GapFigure {
  std::string title;
  std::string y_label = "duality gap (original game)";
  double floor = 1e-16;  // gaps below are drawn at the floor (log scale)
};

struct GapPanel {
  std::string title;
  std::vector<MethodSummary> methods;
};

// Side-by-side panels of gap curves in one PNG (gnuplot multiplot), `figure.title` above them.
void PlotGapPanels(const std::vector<GapPanel>& panels, const GapFigure& figure, const std::string& png_path);

// Writes `script_body` (gnuplot commands that set no output) beside `png_path` as <stem>.gp and runs it
// into a temporary file renamed to `png_path`: the PNG appears whole or not at all.
void RenderGnuplot(const std::string& script_body, const std::string& png_path);

// Writes `png_path` (and beside it `<stem>.dat` and `<stem>.gp`, the data and script that made it): one
// curve per method, the median over seeds, with a shaded min–max band. Throws Unavailable when gnuplot
// is missing and Error when it fails.
void PlotGapCurves(const std::vector<MethodSummary>& methods, const GapFigure& figure, const std::string& png_path);

// Runs gnuplot on a script file (that sets no output itself), writing `output_path`; throws Unavailable
// when gnuplot is missing and Error with gnuplot's message when it fails.
void RunGnuplot(const std::string& script_path, const std::string& output_path);

}  // namespace nlhf

#endif  // NLHF_IO_GNUPLOT_H_
