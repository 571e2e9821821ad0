# ./build.sh bench: optimised builds of stock and patched CPython, GIL and
# free-threaded, and the functools caching benchmark run on all four.
# shellcheck shell=bash

# The benchmark is part of the patch set (an overlay file); it is run from
# the patched tree so that edits not yet refreshed are measured too.
BENCH_SCRIPT=Tools/cachebench/cachebench.py
BENCH_RESULTS=$BUILD/bench

# run_bench [DRIVER OPTIONS...]: build what is missing, then measure.  The
# options go to the driver (cachebench.py drive --help lists them).
run_bench() {
    local stock arg
    for arg in "$@"; do
        case "$arg" in
            -h | --help)
                "$(host_python)" "$ROOT/$BENCH_SCRIPT" drive --help
                return 0
                ;;
        esac
    done
    ensure_packages "${BUILD_DEPS[@]}"
    prepare_tree
    [ -f "$SRC/$BENCH_SCRIPT" ] || die "bench: $BENCH_SCRIPT is missing from build/src"
    stock=$(stock_tree)
    # Plain optimised builds (-O3, no PGO or LTO): PGO would more than double
    # the cold build time on a small machine, and it affects stock and
    # patched alike.
    build_variant stock-release-default "$stock"
    build_variant stock-release-ft "$stock"
    build_variant release-default "$SRC"
    build_variant release-ft "$SRC"
    phase "benchmarking stock and patched, GIL and free-threaded (results in ${BENCH_RESULTS#"$ROOT"/}/)"
    "$BUILD/release-default/python" "$SRC/$BENCH_SCRIPT" drive \
        --interp stock-gil="$BUILD/stock-release-default/python" \
        --interp patched-gil="$BUILD/release-default/python" \
        --interp stock-ft="$BUILD/stock-release-ft/python" \
        --interp patched-ft="$BUILD/release-ft/python" \
        --json-dir "$BENCH_RESULTS" "$@" ||
        die "bench: the benchmark failed (see the errors above)"
    phase "benchmark done"
}
