// Errors the library throws. The library never prints or exits: it throws these, and the command
// line alone turns them into messages and exit codes (2 for InvalidArgument, ParseError and Unavailable).
#ifndef NLHF_ERROR_H_
#define NLHF_ERROR_H_

#include <stdexcept>
#include <string>

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

// A feature that is not available in this build or on this machine.
class Unavailable : public Error {
 public:
  using Error::Error;
};

}  // namespace nlhf

#endif  // NLHF_ERROR_H_
