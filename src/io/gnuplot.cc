#include "nlhf/io/gnuplot.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sys/wait.h>

#include "nlhf/error.h"
#include "nlhf/io/atomic_file.h"

namespace nlhf {
namespace {

namespace fs = std::filesystem;

// Distinguishable on white, OMWU first.
constexpr const char* kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
                                   "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#000000", "#aec7e8"};

// A POSIX shell word: single quotes, with ' written as '\''.
std::string ShellQuoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

void CheckFigurePath(const std::string& png_path) {
  // The data and the script are written beside the figure: beside /dev/null they would become files in /dev.
  if (IsSpecialFile(png_path)) {
    throw InvalidArgument(fmt::format("cannot draw '{}': it is a device or pipe, and a figure is written with "
                                      "its data and script beside it; name a regular file", png_path));
  }
}

void RunGnuplot(const std::string& script_path, const std::string& output_path) {
  if (std::system("command -v gnuplot > /dev/null 2>&1") != 0) {
    throw Unavailable("gnuplot is not installed: figures need Debian's gnuplot-nox (make deps installs it)");
  }
  const std::string errors = script_path + ".err";
  // Run from the script's folder, so that the script names its data file relative to itself.
  const fs::path script = fs::absolute(script_path);
  const std::string command =
      fmt::format("cd {} && gnuplot -e {} {} 2> {}", ShellQuoted(script.parent_path().string()),
                  ShellQuoted("set output " + GnuplotQuoted(fs::absolute(output_path).string())),
                  ShellQuoted(script.filename().string()), ShellQuoted(fs::absolute(errors).string()));
  const int status = std::system(command.c_str());
  std::string message;
  if (status != 0) message = ReadWholeFile(errors);
  std::remove(errors.c_str());
  if (status != 0) throw Error(fmt::format("gnuplot failed on {}: {}", script_path, message));
}

std::string GnuplotQuoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

void RenderGnuplot(const std::string& script_body, const std::string& png_path) {
  CheckFigurePath(png_path);
  const fs::path png = ResolveOutputPath(png_path);
  const fs::path script = fs::path(png).replace_extension(".gp");
  WriteFileAtomically(script.string(),
                      fmt::format("# Made by nlhf. Redraw from this folder with: gnuplot -e \"set output '{}'\" {}\n{}",
                                  png.filename().string(), script.filename().string(), script_body));
  const fs::path temporary = TemporaryPathBeside(png, ".png");
  try {
    RunGnuplot(script.string(), fs::absolute(temporary).string());
  } catch (...) {
    fs::remove(temporary);
    throw;
  }
  std::error_code error;
  fs::rename(temporary, png, error);
  if (error) {
    fs::remove(temporary);
    throw InvalidArgument(fmt::format("cannot write '{}': {}", png_path, error.message()));
  }
}

void PlotGapPanels(const std::vector<PlotPanel>& panels, const GapFigure& figure, const std::string& png_path) {
  CheckFigurePath(png_path);
  const fs::path png = ResolveOutputPath(png_path);
  const fs::path data = fs::path(png).replace_extension(".dat");
  std::string table;
  std::string body = fmt::format(
      "set terminal pngcairo size {},{} enhanced font 'DejaVu Sans,13'\n"
      "set logscale y\nset format y '10^{{%L}}'\nset xlabel 'iteration'\nset ylabel {}\n"
      "set grid xtics ytics mytics lc rgb '#dddddd'\nset yrange [{}:*]\nset key outside right top spacing 1.1\n",
      panels.size() > 1 ? 2000 : 1280, 800, GnuplotQuoted(figure.y_label), figure.floor / 2);
  if (figure.log_x) body += "set logscale x\nset xrange [1:*]\n";
  if (panels.size() > 1) body += fmt::format("set multiplot layout 1,{} title {} noenhanced\n", panels.size(), GnuplotQuoted(figure.title));
  int block = 0;
  for (const PlotPanel& panel : panels) {
    const std::vector<PlotCurve>& curves = panel.curves;
    const int first_block = block;
    for (const PlotCurve& c : curves) {
      table += fmt::format("# {}: {}\n# iteration center low high\n", panel.title, c.comment);
      for (size_t k = 0; k < c.iterations.size(); ++k) {
        table += fmt::format("{} {:.6e} {:.6e} {:.6e}\n", c.iterations[k], std::max(c.center[k], figure.floor),
                             std::max(c.low[k], figure.floor), std::max(c.high[k], figure.floor));
      }
      table += "\n\n";
      ++block;
    }
    // Emphasized curves are drawn last, on top of those whose lines they share (OMWU over EGPO, prox).
    std::vector<size_t> order(curves.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_partition(order.begin(), order.end(), [&](size_t i) { return !curves[i].emphasized; });
    std::string plot;
    for (size_t k = 0; k < order.size(); ++k) {
      const size_t i = order[k];
      const PlotCurve& c = curves[i];
      const char* color = kColors[i % std::size(kColors)];
      plot += fmt::format("{}{} index {} using 1:3:4 with filledcurves lc rgb '{}' fs transparent solid 0.10 "
                          "noborder notitle, \\\n  '' index {} using 1:2 with lines lw {} lc rgb '{}' title {} noenhanced",
                          k == 0 ? "plot " : ", \\\n  ", GnuplotQuoted(data.filename().string()), first_block + i, color,
                          first_block + i, c.emphasized ? 3.5 : 1.8, color, GnuplotQuoted(c.label));
    }
    body += fmt::format("set title {} noenhanced\n{}\n", GnuplotQuoted(panels.size() > 1 ? panel.title : figure.title), plot);
  }
  if (panels.size() > 1) body += "unset multiplot\n";
  WriteFileAtomically(data.string(), table);
  RenderGnuplot(body, png_path);
}

void PlotGapCurves(const std::vector<PlotCurve>& curves, const GapFigure& figure, const std::string& png_path) {
  PlotGapPanels({{figure.title, curves}}, figure, png_path);
}

}  // namespace nlhf
