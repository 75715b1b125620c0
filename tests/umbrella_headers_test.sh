#!/usr/bin/env bash
# Every public header is reachable from an umbrella: nlhf/nlhf.h (all but the LibTorch part) or
# nlhf/neural.h (the neural policies). Prints the headers neither includes.
set -euo pipefail
cd "$(dirname "$0")/../include"
missing=0
for header in $(find nlhf -name '*.h' ! -name nlhf.h ! -name neural.h | sort); do
  if ! grep -qxF "#include \"$header\"" nlhf/nlhf.h nlhf/neural.h; then
    echo "not in nlhf/nlhf.h or nlhf/neural.h: $header"
    missing=1
  fi
done
exit $missing
