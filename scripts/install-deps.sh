#!/usr/bin/env bash
# Installs the Debian packages nlhf needs to build and test, and nothing else.
# Idempotent: packages already present are left alone, and apt-get runs only when something is missing.
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config    # build
  ccache                              # rebuilds of unchanged files (the Makefile uses it when present)
  libeigen3-dev                       # dense linear algebra
  libglpk-dev                         # exact LP reference solver
  coinor-libclp-dev                   # second exact LP reference (dual simplex, barrier)
  libcli11-dev                        # command line
  nlohmann-json3-dev                  # JSON input/output
  libsimdjson-dev                     # fast path for large JSON Lines batches (nlhf batch)
  libyaml-cpp-dev                     # experiment files (nlhf run)
  libfmt-dev                          # formatting
  libgtest-dev libgmock-dev           # unit tests
  libbenchmark-dev                    # benchmarks
  gnuplot-nox fonts-dejavu-core       # figures (pngcairo with DejaVu fonts)
  python3 python3-dev pybind11-dev    # the Python module
  python3-numpy python3-pytest        # its tests (Debian's /usr/bin/python3)
  python3-pandas                      # nlhf.rank's data frames, in and out
  python3-setuptools python3-pip      # pip install . (setup.py drives CMake)
  libopenmpi-dev openmpi-bin          # mpirun -np K nlhf batch (docs/scale-out.md) and its tests
  libtorch-dev                        # neural policies (nlhf train), CPU LibTorch
  libgloo-dev                         # Gloo's headers for LibTorch's c10d: nlhf train --world-size K
  python3-torch                       # the PyTorch loop `make bench` measures nlhf train against
  clang libclang-rt-dev libomp-dev    # the ASan+UBSan build and libFuzzer harnesses (make sanitize, fuzz)
  chromium-headless-shell             # renders `nlhf rank --html` pages in their test
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "nlhf: installing missing packages: ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
