# ./build.sh sanitize: the project's test modules on a free-threaded build
# with ThreadSanitizer and a GIL build with AddressSanitizer, and every
# sanitizer report sorted by whether it involves code the patch set changes.
# shellcheck shell=bash

# clang and its sanitizer runtimes build the TSan interpreter; llvm brings
# llvm-symbolizer, without which clang's reports have no function names.
SANITIZER_PACKAGES=(clang libclang-rt-dev llvm)
SANITIZE_LOGS=$LOGS/sanitize
# Per test file; a sanitized pydebug build runs 5-15 times slower.
SANITIZE_TIMEOUT=3600

# Runtime options, and why each differs from the sanitizer's default.
#
# ASan (LeakSanitizer stays on: CPython 3.13 frees what it allocates by
# the end of Py_Finalize, and a leak report has stacks as any other):
#   allocator_may_return_null=1  tests that ask for huge allocations expect
#                              MemoryError, not an abort.
#   handle_segv=0              faulthandler and its tests install CPython's own
#                              SIGSEGV handler and check what it prints.
# TSan:
#   suppressions=...           CPython 3.13's own list of known races in the
#                              interpreter (Tools/tsan/suppressions*.txt, as
#                              upstream's TSan CI uses it); nothing of ours is
#                              in it and nothing is added to it.
#   handle_segv=0              as for ASan.
#   exitcode=0                 a report does not change the exit status
#                              (TSan's default is 66): reports are counted
#                              and judged from the report files (see
#                              classify_reports), the exit status is the
#                              tests' own.
#   (both) log_path=DIR/report  each process writes its reports to
#                              report.PID, so that reports from subprocesses
#                              the tests start are counted too.
# Tests left out of the ASan runs, each for a reason outside the patch set.
#   test_detach_materialized_dict_no_memory (test_class): makes an allocation
#     fail on purpose while an instance's dict is detached, and CPython leaks
#     the dict on that path; upstream runs it in a subprocess so that -R does
#     not see the leak (gh-124722), but LeakSanitizer in that subprocess does.
ASAN_IGNORED_TESTS=(test_detach_materialized_dict_no_memory)

asan_options() {
    echo "allocator_may_return_null=1:handle_segv=0${1:+:log_path=$1}"
}
tsan_options() {
    echo "suppressions=$SRC/Tools/tsan/suppressions_free_threading.txt:handle_segv=0:exitcode=0${1:+:log_path=$1}"
}

# suppression_audit: test_functools on build/tsan-ft once more without
# upstream's suppressions.  Those match by function name, and a few name
# functions our code calls (race_top:_PyObject_TryGetInstanceAttribute), so
# a race of ours could hide behind one.  Reports here are expected (the
# races upstream knows of); one with a frame in our code fails the audit.
suppression_audit() {
    local dir=$SANITIZE_LOGS/tsan-ft-unsuppressed/test_functools t0=$SECONDS status=ok
    phase "audit: test_functools on build/tsan-ft without suppressions (${dir#"$ROOT"/})"
    rm -rf "$dir"
    mkdir -p "$dir"
    TSAN_OPTIONS=handle_segv=0:log_path=$dir/report \
        "$BUILD/tsan-ft/python" -m test --timeout "$SANITIZE_TIMEOUT" -u "$TEST_RESOURCES" \
        test_functools >"$dir/regrtest.log" 2>&1 || true
    classify_reports "$dir" >"$dir/reports.txt" || true
    grep -q '^--- report in our code' "$dir/reports.txt" && status=FAILED
    printf '    %-6s %-28s %5s  %s\n' "$status" "test_functools (tsan-ft, unsuppressed)" \
        "$(elapsed_since "$t0")" "$(head -1 "$dir/reports.txt")"
    sed -n '2,$p' "$dir/reports.txt" | head -n 60 | sed 's/^/         | /'
    [ "$status" = ok ] || SANITIZE_FAILED+=("suppression audit: ${dir#"$ROOT"/}/reports.txt")
}

# sanitized_module VARIANT MODULE: run MODULE's tests on build/VARIANT with
# the reports in build/logs/sanitize/VARIANT/MODULE/, then sort them.  One
# line of result.  A test failure fails the module, and so does any ASan
# report and any TSan report with a frame in our code (classify_reports).
# Failures are collected in SANITIZE_FAILED.
sanitized_module() {
    local variant=$1 module=$2 dir=$SANITIZE_LOGS/$1/$2 t0=$SECONDS status=ok verdict rc=0
    local ignore=() test
    case "$variant" in
        asan-*) for test in "${ASAN_IGNORED_TESTS[@]}"; do ignore+=(-i "$test"); done ;;
    esac
    rm -rf "$dir"
    mkdir -p "$dir"
    ASAN_OPTIONS=$(asan_options "$dir/report") TSAN_OPTIONS=$(tsan_options "$dir/report") \
        "$BUILD/$variant/python" -m test --fail-env-changed --timeout "$SANITIZE_TIMEOUT" \
        -u "$TEST_RESOURCES" "${ignore[@]}" "$module" >"$dir/regrtest.log" 2>&1 || rc=$?
    classify_reports "$dir" "$variant" >"$dir/reports.txt" || status=FAILED
    [ "$rc" -eq 0 ] || status=FAILED
    verdict="$(sed -n 's/^Result: //p' "$dir/regrtest.log" | tail -1)"
    printf '    %-6s %-28s %5s  regrtest: %s, exit status %s; %s\n' "$status" "$module ($variant)" \
        "$(elapsed_since "$t0")" "${verdict:-no result (crashed?)}" "$rc" "$(head -1 "$dir/reports.txt")"
    if [ "$status" != ok ]; then
        SANITIZE_FAILED+=("$module ($variant): ${dir#"$ROOT"/}")
        sed -n '2,$p' "$dir/reports.txt" | head -n 60 | sed 's/^/         | /'
    fi
}

# classify_reports DIR [VARIANT]: the reports of DIR/report.*, sorted; a
# non-zero status if there is any on ASan, or any with a frame in our code on
# TSan.  Why TSan's other reports only count: CPython 3.13's free-threaded
# build has races in the interpreter itself that upstream's 3.13 suppression
# list does not name (frame clearing in clear_thread_frame, the refcount read
# in is_dead, ...), and threaded tests run into them.  They are listed by
# kind for review; a report with a frame in a function we add or change
# fails the run.
classify_reports() {
    local files=("$1"/report.*) mode=()
    [ -e "${files[0]}" ] || files=()
    case "${2:-}" in tsan-*) mode=(--ours-only) ;; esac
    "$(host_python)" "$ROOT/scripts/sanitizer_reports.py" classify "${mode[@]}" \
        "$SANITIZE_LOGS/our-functions.txt" "${files[@]}"
}

run_sanitizers() {
    SANITIZE_FAILED=()
    ensure_packages "${BUILD_DEPS[@]}" "${SANITIZER_PACKAGES[@]}"
    prepare_tree
    mkdir -p "$SANITIZE_LOGS"
    # The build runs the programs it builds (_freeze_module, the new
    # interpreter for sysconfig and the extension modules): the same
    # options, but a leak in a build tool does not stop the build.
    ASAN_OPTIONS=detect_leaks=0:$(asan_options) build_variant asan-default "$SRC"
    TSAN_OPTIONS=$(tsan_options) build_variant tsan-ft "$SRC"
    "$(host_python)" "$ROOT/scripts/sanitizer_reports.py" functions "$SRC" \
        >"$SANITIZE_LOGS/our-functions.txt" || die "cannot list the functions the patch set changes"
    phase "our code: $(wc -l <"$SANITIZE_LOGS/our-functions.txt") functions the patch set adds or changes" \
        "(${SANITIZE_LOGS#"$ROOT"/}/our-functions.txt)"

    local variant module
    for variant in asan-default tsan-ft; do
        phase "testing on build/$variant (logs and reports in ${SANITIZE_LOGS#"$ROOT"/}/$variant/)"
        for module in "${TEST_MODULES[@]}"; do
            sanitized_module "$variant" "$module"
        done
    done
    suppression_audit
    echo
    if [ ${#SANITIZE_FAILED[@]} -gt 0 ]; then
        printf 'failed: %s\n' "${SANITIZE_FAILED[@]}"
        return 1
    fi
    echo "sanitizers: all tests pass; no sanitizer reports"
}
