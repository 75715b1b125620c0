#include "nlhf/resources.h"

#include <fmt/format.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "nlhf/error.h"

namespace nlhf {

double AvailableMemoryBytes() {
  std::ifstream meminfo("/proc/meminfo");
  std::string line;
  while (std::getline(meminfo, line)) {
    if (!line.starts_with("MemAvailable:")) continue;
    std::istringstream fields(line.substr(13));
    double kibibytes = 0;
    if (fields >> kibibytes) return kibibytes * 1024.0;
  }
  return static_cast<double>(::sysconf(_SC_PHYS_PAGES)) * static_cast<double>(::sysconf(_SC_PAGE_SIZE));
}

std::string FormatBytes(double bytes) {
  const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int unit = 0;
  while (bytes >= 1024.0 && unit + 1 < static_cast<int>(std::size(units))) {
    bytes /= 1024.0;
    ++unit;
  }
  return unit == 0 ? fmt::format("{:.0f} bytes", bytes) : fmt::format("{:.3g} {}", bytes, units[unit]);
}

void RequireMemory(std::string_view what, double bytes) {
  const double available = AvailableMemoryBytes();
  if (bytes > available) {
    throw InvalidArgument(fmt::format("{} needs about {} of memory, more than the {} this machine has available",
                                      what, FormatBytes(bytes), FormatBytes(available)));
  }
}

double FreeDiskBytes(const std::string& path) {
  std::filesystem::path folder = std::filesystem::absolute(path);
  std::error_code error;
  while (folder.has_parent_path() && folder != folder.root_path() && !std::filesystem::is_directory(folder, error)) {
    folder = folder.parent_path();
  }
  struct statvfs stats {};
  if (::statvfs(folder.c_str(), &stats) != 0) return std::numeric_limits<double>::infinity();
  return static_cast<double>(stats.f_bavail) * static_cast<double>(stats.f_frsize);
}

void RequireDiskSpace(std::string_view what, const std::string& path, double bytes) {
  const double free = FreeDiskBytes(path);
  if (bytes > free) {
    throw InvalidArgument(fmt::format("{} writes about {}, more than the {} free where '{}' goes", what,
                                      FormatBytes(bytes), FormatBytes(free), path));
  }
}

}  // namespace nlhf
