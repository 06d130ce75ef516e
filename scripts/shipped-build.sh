# The shipped configuration of ctictl, in one place: scripts/install.sh installs it and
# scripts/bench.sh measures it (docs/performance.md). Sourced, not run; expects the working
# directory to be the package root.
#
# Release, static Swift runtime, linked by lld with packed relative relocations (DT_RELR),
# which cuts process start; position-independent (ASLR kept on). CTICTL_BUILD_INFO compiles
# in Sources/ctictl/GeneratedBuildInfo.swift, which build_shipped writes from git just
# before the build and removes after it (it is git-ignored): `ctictl --version` names the
# commit of a shipped build, and a plain `swift build` says "unknown build".
#
# SwiftPM passes --static-swift-stdlib to the link of executables but not of a dynamic
# library (the client's libCTIStartupCheck.so): its objects, compiled for the static runtime,
# then ask for lib_FoundationCShims and _FoundationCollections, which exist only as static
# libraries, and the link fails. -Xswiftc -static-stdlib reaches that link too: the library
# carries the Swift runtime inside (needing only libc, libm, libstdc++, libgcc_s) and exports
# none of its symbols (the toolchain's static-stdlib-args.lnk: --exclude-libs ALL), so it
# loads into a process that has another Swift runtime, or none (.NET, Java).
shipped_flags=(-c release --static-swift-stdlib --scratch-path .build-release
               -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld -Xlinker -z -Xlinker pack-relative-relocs
               -Xswiftc -static-stdlib -Xswiftc -DCTICTL_BUILD_INFO)

# The commit the sources are at, with "-dirty" when tracked files differ from it; "unknown"
# outside a git checkout.
source_commit() {
  local commit
  commit="$(git rev-parse --short=12 HEAD 2>/dev/null)" || { echo unknown; return; }
  if [[ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]]; then commit+="-dirty"; fi
  echo "$commit"
}

# build_shipped PRODUCT...: builds each product in the shipped configuration; prints the
# build's last line, or its last 40 lines and returns 1 when it fails.
build_shipped() {
  local generated=Sources/ctictl/GeneratedBuildInfo.swift log status=0 product
  log="$(mktemp)"
  printf '// Written by scripts/shipped-build.sh for one build; never committed.\nenum GeneratedBuildInfo {\n    static let commit = "%s"\n}\n' \
    "$(source_commit)" > "$generated"
  for product in "$@"; do
    if swift build "${shipped_flags[@]}" --product "$product" >"$log" 2>&1; then
      tail -n 1 "$log"
    else
      tail -n 40 "$log" >&2
      status=1
      break
    fi
  done
  rm -f "$generated" "$log"
  return "$status"
}

# The directory the shipped build puts its executables in.
shipped_bin_path() {
  swift build "${shipped_flags[@]}" --show-bin-path
}
