// Errors the library throws. The library never prints or exits: it throws these, and the command
// line alone turns them into messages and exit codes (2 for InvalidArgument, ParseError and Unavailable).
#ifndef NLHF_ERROR_H_
#define NLHF_ERROR_H_

#include <stdexcept>
#include <string>
#include <string_view>

namespace nlhf {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A value that breaks a stated rule: an option out of range, a matrix that is not a preference matrix.
// The message names the value, where it came from and the rule it breaks.
class InvalidArgument : public Error {
 public:
  using Error::Error;
};

// Input that cannot be read: the message starts with `path:line:column:` (or the element) and says
// what was expected.
class ParseError : public Error {
 public:
  using Error::Error;
};

// A solver that stopped at its time limit before it had an answer (an LP's simplex, say): the caller
// reports Termination::kTimeLimit.
class TimeLimitReached : public Error {
 public:
  using Error::Error;
};

// A feature that is not available in this build or on this machine.
class Unavailable : public Error {
 public:
  using Error::Error;
};

// At most `limit` bytes of `text` for quoting in a message ("abc..." when cut): a 5 MB field must not
// become a 5 MB error message.
inline std::string Excerpt(std::string_view text, size_t limit = 60) {
  if (text.size() <= limit) return std::string(text);
  size_t cut = limit - 3;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
  return std::string(text.substr(0, cut)) + "...";
}

}  // namespace nlhf

#endif  // NLHF_ERROR_H_
