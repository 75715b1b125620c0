// What a run may take from this machine, checked before the work: a flag that implies more memory than
// the machine has (bench --batch 2000000000, train --width 2000000000) gets a message with the estimate,
// naming the flag, instead of an allocation failure minutes in.
#ifndef NLHF_RESOURCES_H_
#define NLHF_RESOURCES_H_

#include <string>
#include <string_view>

namespace nlhf {

// Memory a new run can use: MemAvailable of /proc/meminfo, or the physical memory where that is absent.
double AvailableMemoryBytes();

// "1.5 GiB", "320 MiB", "12 KiB".
std::string FormatBytes(double bytes);

// Throws InvalidArgument "`what` needs about X, more than the Y this machine has available" when `bytes`
// (an estimate of what the run will hold at once) is above AvailableMemoryBytes().
void RequireMemory(std::string_view what, double bytes);

// Free space for an unprivileged writer in the file system that holds `path` (or its nearest existing
// folder); infinity when it cannot be told.
double FreeDiskBytes(const std::string& path);

// Throws InvalidArgument "`what` writes about X, more than the Y free where 'path' goes" when `bytes`
// exceed FreeDiskBytes(path).
void RequireDiskSpace(std::string_view what, const std::string& path, double bytes);

}  // namespace nlhf

#endif  // NLHF_RESOURCES_H_
