#!/usr/bin/env bash
# The single entry point of the patch set: fetch, patch, build, test, export.
# Run ./build.sh help for the commands; README.md explains the workflow.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
for part in common deps apt source tree compile test full sanitize export bench docs; do
    # shellcheck source=/dev/null
    . "$ROOT/scripts/$part.sh"
done

usage() {
    cat <<'EOF'
usage: ./build.sh [--target VERSION] [COMMAND] [OPTIONS]

  --target VERSION
                  the CPython release to patch: 3.13.15 (the default, series
                  in patches/) or 3.13.5 (series in patches-3.13.5/); every
                  command works on either.  Switching rebuilds everything.
  (none), build   fetch pristine CPython, lay the overlay and apply
                  the series into build/src, build build/default (GIL) and
                  build/ft (free-threaded), both --with-pydebug
      --release   build optimised, non-debug interpreters instead, in
                  build/release-default and build/release-ft
  test            build what is missing, then run the project's tests on both
                  interpreters (regrtest, refleaks, the doctests of the doc
                  pages we touch) and the patch-set checks;
                  ends with "N passed, N failed"
      --full      then also: build stock CPython (build/stock-default,
                  build/stock-ft), hunt refleaks in test_functools with
                  -u cpu, run the entire regrtest suite on stock and patched
                  (GIL and free-threaded; failures re-run once) and print new
                  and fixed failures; fails on any new failure.  Slow: about
                  three hours on two cores (stock's logs are kept and
                  reused while pristine and its flags are unchanged).
                  Logs in build/logs/full/
      --full --release
                  the same, with the suites run on optimised interpreters
                  (build/stock-release-*, build/release-*): about an hour
  sanitize        build build/asan-default (GIL, AddressSanitizer) and
                  build/tsan-ft (free-threaded, ThreadSanitizer, clang), run
                  the project's test modules on them (-u cpu) and sort every
                  sanitizer report by whether it has a frame in a function
                  the patch set changes; fails on a test failure, any ASan
                  report, or a TSan report with a frame in our code.
                  Logs and reports in build/logs/sanitize/
  refresh [--into PATCH]
                  write edits made in build/src back to the series and the
                  overlay (--into: put all uncommitted edits into PATCH)
  bench [OPTIONS] build optimised stock and patched interpreters (GIL and
                  free-threaded) and run the functools caching benchmark on
                  all four; prints one table, writes build/bench/<time>.json
                  (options: --quick, --threads N, --only FIGURES, ...; see
                  Tools/cachebench/cachebench.py drive --help)
  docs [--release]
                  build the HTML documentation of the patched tree into
                  build/docs/html with Debian's Sphinx and docs theme, run
                  by build/default/python (--release: build/release-default);
                  fails on a warning in a page we touch, counts the others
  export DIR      write the change as a git format-patch series into DIR and
                  verify it: git am onto pristine, every commit builds and
                  passes test_functools
  clean           remove build/ (the downloaded source in cache/ is kept)
  help            this text

environment:
  CPYTHON_TARGET  the target when --target is not given
  CPYTHON_SOURCE  use this CPython 3.13 tarball or source directory (a git
                  checkout works) instead of downloading Debian's; the
                  target's series must apply to it
EOF
}

build_interpreters() {
    local prefix=""
    case "${1:-}" in
        --release) prefix=release- ;;
        "") ;;
        *)
            echo "build.sh: unknown option '$1'" >&2
            usage >&2
            exit 2
            ;;
    esac
    ensure_packages "${BUILD_DEPS[@]}"
    prepare_tree
    build_variant "${prefix}default" "$SRC"
    build_variant "${prefix}ft" "$SRC"
    phase "done: build/${prefix}default/python and build/${prefix}ft/python"
}

main() {
    local command=build target=${CPYTHON_TARGET:-$DEFAULT_TARGET}
    if [ "${1:-}" = --target ]; then
        [ -n "${2:-}" ] || die "--target needs a version: ${TARGETS[*]}"
        target=$2
        shift 2
    fi
    select_target "$target"
    case "${1:-}" in
        "" | --*) ;;   # ./build.sh [--release] builds
        *) command=$1; shift ;;
    esac
    case "$command" in
        build) build_interpreters "$@" ;;
        test)
            local full="" prefix=""
            case "${1:-}" in
                --full) full=1; shift ;;
            esac
            if [ -n "$full" ] && [ "${1:-}" = --release ]; then
                prefix=release-
                shift
            fi
            if [ $# -gt 0 ]; then
                echo "build.sh: test: unknown option '$1' (usage: ./build.sh test [--full [--release]])" >&2
                exit 2
            fi
            build_interpreters
            prepare_docs_toolchain
            if [ -z "$full" ]; then
                run_tests
            else
                local status=0
                run_tests || status=1
                run_full_comparison "$prefix" || status=1
                return $status
            fi
            ;;
        sanitize)
            [ $# -eq 0 ] || { echo "build.sh: sanitize takes no options" >&2; exit 2; }
            run_sanitizers
            ;;
        docs) build_docs "$@" ;;
        refresh) refresh_patches "$@" ;;
        bench) run_bench "$@" ;;
        export)
            [ $# -eq 1 ] || die "usage: ./build.sh export DIR"
            ensure_packages "${BUILD_DEPS[@]}"
            prepare_tree
            export_series "$1"
            ;;
        clean)
            rm -rf "$BUILD"
            echo "removed build/ (cache/ kept)"
            ;;
        help | -h | --help) usage ;;
        *)
            echo "build.sh: unknown command '$command'" >&2
            usage >&2
            exit 2
            ;;
    esac
}

main "$@"
