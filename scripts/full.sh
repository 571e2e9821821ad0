# ./build.sh test --full: the whole regrtest suite on stock CPython and on
# the patched tree, for the GIL and the free-threaded build, compared so
# that a test the patch set breaks cannot hide among the tests that fail
# here for reasons of the environment (running as root, no network).
# shellcheck shell=bash

FULL_BUILDS=(default ft)
FULL_LOGS=$LOGS/full
# Per test file; pydebug builds on two shared cores are slow, and a hung
# test must not stall the run for good.
FULL_TIMEOUT=1200

# full_suite VARIANT: the entire suite on build/VARIANT, its output in
# build/logs/full/VARIANT.log.  Failing tests are re-run once (--rerun) so
# that a flaky test does not read as a failure; the exit status of regrtest
# is not ours to judge here (stock fails some tests too): the log is.
full_suite() {
    local variant=$1 log=$FULL_LOGS/$1.log t0=$SECONDS
    phase "full suite on build/$variant (log: ${log#"$ROOT"/})"
    # A background job of a non-interactive shell starts with SIGINT
    # ignored, and a shell cannot undo that; the suite's processes would
    # inherit it, and every test of KeyboardInterrupt fail (test_signal,
    # test_pdb, the multiprocessing and asyncio runners), or spin until its
    # timeout (test_threading's interrupt_main() recursion).  Restore it.
    "$(host_python)" -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])' \
        "$BUILD/$variant/python" -m test -j"$(nproc)" --rerun --fail-env-changed \
        --timeout "$FULL_TIMEOUT" >"$log" 2>&1 || true
    grep -q '^Result: ' "$log" || {
        tail -n 25 "$log" | sed 's/^/    | /' >&2
        die "the full suite on build/$variant did not finish; see ${log#"$ROOT"/}"
    }
    note "$("$(host_python)" "$ROOT/scripts/regrtest_log.py" summary "$log"); wall time $(elapsed_since "$t0")"
}

# stock_full_suite VARIANT: full_suite on build/stock-VARIANT, unless a
# finished log of the same stock interpreter is already there.  Stock's
# results do not depend on the series, and a debug suite takes about 45
# minutes on two cores: the log is kept, with the key of the tree and the
# configure flags it was made from, and reused while that key holds.
stock_full_suite() {
    local variant=stock-$1 log key
    log=$FULL_LOGS/$variant.log
    key="$(srcgit rev-parse pristine)|$(cat "$BUILD/$variant/.configure-flags")"
    if [ -f "$log.key" ] && [ "$(cat "$log.key")" = "$key" ] && grep -q '^Result: ' "$log"; then
        note "reusing the full suite of build/$variant (${log#"$ROOT"/}, $(date -r "$log" -u '+%Y-%m-%d %H:%M UTC')): $("$(host_python)" "$ROOT/scripts/regrtest_log.py" summary "$log")"
        return
    fi
    rm -f "$log.key"
    full_suite "$variant"
    echo "$key" >"$log.key"
}

# run_full_comparison [PREFIX]: build stock and patched interpreters, hunt
# refleaks in test_functools with the long stress tests on, then run the
# full suite on all four and compare stock with patched for each build.
# Fails on any new failure or leak.  PREFIX "release-" runs the suites on the
# optimised interpreters (the ones ./build.sh bench uses), about four times
# faster than on the pydebug ones, at the price of the debug builds'
# assertions; the refleak hunt needs, and keeps, the pydebug builds.
run_full_comparison() {
    local prefix=${1:-} stock build variant new=0 failed_before=$FAILED
    stock=$(stock_tree)
    for build in "${FULL_BUILDS[@]}"; do
        build_variant "stock-$prefix$build" "$stock"
        [ -z "$prefix" ] || build_variant "$prefix$build" "$SRC"
    done
    mkdir -p "$FULL_LOGS"

    phase "refleak hunt with the long stress tests (logs in ${LOGS#"$ROOT"/}/test/)"
    for build in "${FULL_BUILDS[@]}"; do
        check "test_functools -R 3:3 -u cpu ($build)" regrtest "$build" -R 3:3 -u cpu test_functools
    done

    for build in "${FULL_BUILDS[@]}"; do
        variant=$prefix$build
        stock_full_suite "$variant"
        full_suite "$variant"
        phase "comparing stock-$variant with $variant"
        "$(host_python)" "$ROOT/scripts/regrtest_log.py" compare "$variant" \
            "$FULL_LOGS/stock-$variant.log" "$FULL_LOGS/$variant.log" || new=$((new + 1))
    done
    echo
    if [ "$FAILED" -gt "$failed_before" ]; then
        echo "full suite: the refleak hunt with -u cpu failed (see above)"
    fi
    if [ "$new" -gt 0 ]; then
        echo "full suite: the patched interpreter has new failures (see above)"
    else
        echo "full suite: no new failures on the ${FULL_BUILDS[*]} builds"
    fi
    [ "$new" -eq 0 ] && [ "$FAILED" -eq "$failed_before" ]
}
