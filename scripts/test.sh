#!/usr/bin/env bash
# Runs the whole test suite: unit, end-to-end (the built ctictl) and interoperability tests
# (openssl, Python cryptography, the Java verifier). Installs what a fresh machine lacks first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --with-python
swift test "$@"
