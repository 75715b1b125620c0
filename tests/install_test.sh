#!/usr/bin/env bash
# Installs the build tree BUILD into a temporary prefix, then configures, builds and runs
# tests/install_consumer against it (find_package(nlhf) → nlhf::nlhf): the installed package is usable.
set -euo pipefail
build=$1
source_dir=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" > /dev/null
test -x "$work/prefix/bin/nlhf"
generator=()
if command -v ninja > /dev/null; then generator=(-G Ninja); fi
cmake -S "$source_dir/tests/install_consumer" -B "$work/consumer" "${generator[@]}" \
      -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build "$work/consumer" > "$work/build.log" || { cat "$work/build.log"; exit 1; }
"$work/consumer/consumer"

# The same program through pkg-config, without CMake.
export PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig:$work/prefix/lib/x86_64-linux-gnu/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
pkg-config --exists nlhf || { echo "FAIL: pkg-config does not find the installed nlhf.pc"; exit 1; }
# shellcheck disable=SC2046  # the flags are words
c++ "$source_dir/tests/install_consumer/consumer.cc" -o "$work/pkg_consumer" $(pkg-config --cflags --libs nlhf)
"$work/pkg_consumer"

# The generated bash completion and man page are installed and work.
completion=$(find "$work/prefix" -path '*bash-completion/completions/nlhf')
man_page=$(find "$work/prefix" -name nlhf.1)
test -n "$completion" && test -n "$man_page"
bash -c "source '$completion'
  COMP_WORDS=(nlhf ra); COMP_CWORD=1; _nlhf; [ \"\${COMPREPLY[*]}\" = rank ] || { echo \"FAIL: 'nlhf ra' completes to \${COMPREPLY[*]}\"; exit 1; }
  COMP_WORDS=(nlhf rank --boot); COMP_CWORD=2; _nlhf; [ \"\${COMPREPLY[*]}\" = --bootstrap ] || { echo \"FAIL: 'nlhf rank --boot' completes to \${COMPREPLY[*]}\"; exit 1; }"
grep -q '^\.TH NLHF 1' "$man_page" && grep -q '^\.SS rank' "$man_page" && grep -q -- '--bootstrap' "$man_page" ||
  { echo "FAIL: the man page lacks its title, the rank section or its options"; exit 1; }
echo "PASS: find_package, pkg-config, bash completion and man page"
