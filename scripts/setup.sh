#!/usr/bin/env bash
# Installs what ctictl needs on a fresh Debian machine, and nothing that is already there:
# the system packages libssl-dev and libsqlite3-dev, openssl, and for the tests
# (`--with-python`) nodejs, chromium, a JDK where `javac` is missing, and Python's
# `cryptography` and `jsonschema`. Safe to run again.
set -euo pipefail

need_apt=()
packages=(libssl-dev libsqlite3-dev openssl)
# For the tests only: nodejs checks the JSON Schema validator's regex dialect against
# JavaScript's own; chromium (headless) loads doctor's HTML report.
[[ ${1:-} == "--with-python" ]] && packages+=(nodejs chromium)
# For the tests only: javac compiles the STARFACE module's Java verifier
# (docs/integration/java), which the tests hold against ctictl.
if [[ ${1:-} == "--with-python" ]] && ! command -v javac >/dev/null; then
  packages+=(openjdk-17-jdk-headless)
fi
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || need_apt+=("$package")
done
if ((${#need_apt[@]})); then
  echo "setup: installing ${need_apt[*]}"
  sudo_cmd=""
  [[ $(id -u) -eq 0 ]] || sudo_cmd="sudo"
  # (the sandbox user cannot run gpgv on some images; root can)
  $sudo_cmd apt-get -o APT::Sandbox::User=root update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [[ ${1:-} == "--with-python" ]]; then
  if ! python3 -c 'import cryptography, jsonschema' >/dev/null 2>&1; then
    echo "setup: installing Python packages cryptography and jsonschema (for interoperability tests)"
    python3 -m pip install --quiet 'cryptography>=42' 'jsonschema>=4'
  fi
fi

command -v swift >/dev/null || { echo "setup: swift is not on PATH; install Swift 6.x first" >&2; exit 69; }
