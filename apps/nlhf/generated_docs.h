// Documentation generated from the command line's own definition, so that it cannot drift from --help:
// a bash completion script and a man page (`nlhf docs bash-completion`, `nlhf docs man`; the build writes
// both, and `cmake --install` installs them).
#ifndef NLHF_APPS_NLHF_GENERATED_DOCS_H_
#define NLHF_APPS_NLHF_GENERATED_DOCS_H_

#include <CLI/CLI.hpp>
#include <string>

namespace nlhf::cli {

// A bash completion function for `nlhf`: commands first, then each command's options (files elsewhere).
std::string BashCompletion(const CLI::App& app);

// A man page (section 1, roff) holding the program's and every command's --help text.
std::string ManPage(const CLI::App& app, const std::string& version);

}  // namespace nlhf::cli

#endif  // NLHF_APPS_NLHF_GENERATED_DOCS_H_
