#!/usr/bin/env bash
# Installs ctictl as a tool, under PREFIX (default /usr/local):
#   PREFIX/bin/ctictl                                  the shipped build (scripts/shipped-build.sh)
#   PREFIX/share/ctictl/config-schemas/                the release catalogs, found by the
#                                                      installed ctictl without flags
#   PREFIX/share/man/man1/ctictl.1                     the manual page
#   PREFIX/share/bash-completion/completions/ctictl    completions for bash,
#   PREFIX/share/zsh/site-functions/_ctictl            zsh
#   PREFIX/share/fish/vendor_completions.d/ctictl.fish and fish
# Safe to run again: every file is replaced whole, the catalogs folder as a whole.
#
# The manual page is made by ArgumentParser's generate-manual tool, the tool behind its
# `swift package plugin generate-manual`, run on the very binary being installed (the plugin
# would first build the whole package again in a configuration of its own). The tool is
# built once from the resolved swift-argument-parser checkout, in .build-tools.
#
# Usage: scripts/install.sh [--prefix DIR] [--skip-build] [--bin PATH]
#   --skip-build  install the shipped build that is already there (.build-release)
#   --bin PATH    install this ctictl instead of building one (implies --skip-build)
set -euo pipefail

say() { echo "install: $*"; }
fail() { echo "install: error: $*" >&2; exit 1; }
usage() { sed -n '/^# Usage:/,/^#   --bin/s/^# \{0,1\}//p' "$0"; }

prefix=/usr/local
bin=""
build=true
while (($#)); do
  case "$1" in
    --prefix) [[ $# -ge 2 && -n "$2" ]] || { echo "install: error: --prefix needs a directory" >&2; usage >&2; exit 64; }; prefix="$2"; shift 2 ;;
    --prefix=*) prefix="${1#--prefix=}"; shift ;;
    --bin) [[ $# -ge 2 && -n "$2" ]] || { echo "install: error: --bin needs the path of a ctictl" >&2; usage >&2; exit 64; }; bin="$2"; build=false; shift 2 ;;
    --bin=*) bin="${1#--bin=}"; build=false; shift ;;
    --skip-build) build=false; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install: error: unknown argument \"$1\"" >&2; usage >&2; exit 64 ;;
  esac
done
# Relative paths are the caller's, not the repository's.
[[ "$prefix" == /* ]] || prefix="$PWD/$prefix"
[[ -z "$bin" || "$bin" == /* ]] || bin="$PWD/$bin"
cd "$(dirname "$0")/.."

# Before any build: can we write there at all?
mkdir -p "$prefix" 2>/dev/null && [[ -w "$prefix" ]] \
  || fail "cannot write to $prefix; choose another --prefix (e.g. --prefix ~/.local) or run as a user who may write there"

source scripts/shipped-build.sh
if $build; then
  scripts/setup.sh
  say "building the shipped configuration (release, static Swift runtime; the first build takes several minutes)"
  build_shipped ctictl || fail "the build failed (output above)"
  bin="$(shipped_bin_path)/ctictl"
elif [[ -z "$bin" ]]; then
  bin="$(shipped_bin_path)/ctictl"
  [[ -x "$bin" ]] || fail "--skip-build: no shipped build at $bin; run scripts/install.sh without --skip-build"
fi
[[ -f "$bin" && -x "$bin" ]] || fail "$bin is not an executable file"
"$bin" --version >/dev/null 2>&1 || fail "$bin does not run (\`$bin --version\` failed)"

# ArgumentParser's generate-manual tool, from the checkout SwiftPM resolved.
argument_parser=""
for scratch in .build-release .build; do
  if [[ -f "$scratch/checkouts/swift-argument-parser/Package.swift" ]]; then argument_parser="$scratch/checkouts/swift-argument-parser"; break; fi
done
[[ -n "$argument_parser" ]] || fail "no swift-argument-parser checkout in .build-release or .build; run \`swift package resolve\` first"
tool_log="$(mktemp)"
stage="$(mktemp -d)"
trap 'rm -rf "$stage" "$tool_log"' EXIT
swift build --package-path "$argument_parser" --scratch-path .build-tools --product generate-manual >"$tool_log" 2>&1 \
  || { tail -n 20 "$tool_log" >&2; fail "could not build ArgumentParser's generate-manual tool from $argument_parser"; }
generate_manual="$(swift build --package-path "$argument_parser" --scratch-path .build-tools --show-bin-path)/generate-manual"

# Everything is made in a staging folder first, so a failure installs nothing.
page_date="$(git log -1 --format=%cs 2>/dev/null || date -u +%F)"  # the commit's date: the same page every run
"$generate_manual" "$bin" --date "$page_date" --output-directory "$stage" >/dev/null || fail "generate-manual failed on $bin"
[[ -s "$stage/ctictl.1" ]] || fail "generate-manual wrote no $stage/ctictl.1"
for shell in bash zsh fish; do
  "$bin" --generate-completion-script "$shell" > "$stage/completion.$shell" || fail "\`ctictl --generate-completion-script $shell\` failed"
done
cp -R config-schemas "$stage/config-schemas"

# install_file MODE SOURCE TARGET: replaces TARGET in one rename (a running ctictl keeps its file).
install_file() {
  mkdir -p "$(dirname "$3")"
  install -m "$1" "$2" "$3.new.$$"
  mv -f "$3.new.$$" "$3"
}
share="$prefix/share"
install_file 755 "$bin" "$prefix/bin/ctictl"
install_file 644 "$stage/ctictl.1" "$share/man/man1/ctictl.1"
install_file 644 "$stage/completion.bash" "$share/bash-completion/completions/ctictl"
install_file 644 "$stage/completion.zsh" "$share/zsh/site-functions/_ctictl"
install_file 644 "$stage/completion.fish" "$share/fish/vendor_completions.d/ctictl.fish"
catalogs="$share/ctictl/config-schemas"
mkdir -p "$share/ctictl"
rm -rf "$catalogs.new.$$" "$catalogs.old.$$"
cp -R "$stage/config-schemas" "$catalogs.new.$$"
chmod -R u=rwX,go=rX "$catalogs.new.$$"
[[ -e "$catalogs" ]] && mv "$catalogs" "$catalogs.old.$$"
mv "$catalogs.new.$$" "$catalogs"
rm -rf "$catalogs.old.$$"

# The installed ctictl must find its catalogs without flags, from anywhere.
found="$(cd / && env -u CTICTL_CONFIG_SCHEMAS "$prefix/bin/ctictl" --version)" || fail "the installed $prefix/bin/ctictl --version failed"
grep -qF "release catalogs: $catalogs " <<<"$found" \
  || fail "the installed ctictl does not find $catalogs; it says: $(grep 'release catalogs' <<<"$found")"

say "installed $(head -n 1 <<<"$found") into $prefix:"
say "  $prefix/bin/ctictl, $catalogs/, $share/man/man1/ctictl.1,"
say "  completions in $share/{bash-completion/completions,zsh/site-functions,fish/vendor_completions.d}"
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) say "note: $prefix/bin is not on your PATH" ;;
esac
