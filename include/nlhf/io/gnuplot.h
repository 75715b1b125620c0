// Figures drawn with gnuplot (Debian's gnuplot-nox, pngcairo terminal): nlhf writes the data and a
// script, runs gnuplot, and renames the PNG into place only when gnuplot succeeded.
#ifndef NLHF_IO_GNUPLOT_H_
#define NLHF_IO_GNUPLOT_H_

#include <cstdint>
#include <string>
#include <vector>

namespace nlhf {

// One curve of a gap figure: a center line (a median, or a mean) with a shaded band from `low` to `high`.
struct PlotCurve {
  std::string label;    // legend
  std::string comment;  // written above the curve's block in the data file (e.g. the spec with parameters)
  std::vector<std::int64_t> iterations;
  std::vector<double> center, low, high;
  bool emphasized = false;  // drawn last and thicker (OMWU, the method this project is about)
};

struct PlotPanel {
  std::string title;
  std::vector<PlotCurve> curves;
};

struct GapFigure {
  std::string title;
  std::string y_label = "duality gap (original game)";
  double floor = 1e-16;  // gaps below are drawn at the floor (log scale)
  bool log_x = false;    // iterations on a log scale too (a log–log plot; iteration 0 is left out)
};

// Side-by-side panels of gap curves in one PNG (gnuplot multiplot), `figure.title` above them.
void PlotGapPanels(const std::vector<PlotPanel>& panels, const GapFigure& figure, const std::string& png_path);

// Writes `script_body` (gnuplot commands that set no output) beside `png_path` as <stem>.gp and runs it
// into a temporary file renamed to `png_path`: the PNG appears whole or not at all.
void RenderGnuplot(const std::string& script_body, const std::string& png_path);

// Writes `png_path` (and beside it `<stem>.dat` and `<stem>.gp`, the data and script that made it): one
// line per curve with its shaded band. Throws Unavailable when gnuplot is missing and Error when it fails.
void PlotGapCurves(const std::vector<PlotCurve>& curves, const GapFigure& figure, const std::string& png_path);

// A gnuplot string literal: single quotes, with ' doubled (titles and file names in scripts).
std::string GnuplotQuoted(const std::string& text);

// Throws InvalidArgument when `png_path` names a device or pipe (a figure's data and script go beside it).
void CheckFigurePath(const std::string& png_path);

// Runs gnuplot on a script file (that sets no output itself), writing `output_path`; throws Unavailable
// when gnuplot is missing and Error with gnuplot's message when it fails.
void RunGnuplot(const std::string& script_path, const std::string& output_path);

}  // namespace nlhf

#endif  // NLHF_IO_GNUPLOT_H_
