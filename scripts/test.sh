# ./build.sh test: the project's regression tests on both interpreters and
# the patch-set hygiene checks, summarised as "N passed, N failed".
# shellcheck shell=bash

# The test modules this project touches, each run on both builds: ours, and
# CPython's own specialization and descriptor tests, which the LOAD_ATTR
# change must keep passing, and the collector and weak reference tests, which
# the ephemeron (cached_method's cache) must keep passing.  The resources
# they need are enabled for all of them: 'cpu' turns on the long stress
# variants.
TEST_MODULES=(test_functools test_opcache test_descr test_dis test_class
              test_gc test_weakref)
TEST_RESOURCES=cpu
# Refleak hunting (-R) on the modules that exercise our C code: ours, and
# the specialization tests (the LOAD_ATTR paths and the oracle).
REFLEAK_MODULES=(test_functools test_opcache)
TEST_BUILDS=(default ft)

PASSED=0
FAILED=0
FAILURES=()

# check NAME CMD...: run one check, log its output, count it.
check() {
    local name=$1 log
    shift
    log=$LOGS/test/$(echo "$name" | tr -c 'A-Za-z0-9_.\n-' '_').log
    mkdir -p "$LOGS/test"
    local t0=$SECONDS
    if "$@" >"$log" 2>&1; then
        PASSED=$((PASSED + 1))
        printf '    ok     %-44s %4ds\n' "$name" $((SECONDS - t0))
    else
        FAILED=$((FAILED + 1))
        FAILURES+=("$name: ${log#"$ROOT"/}")
        printf '    FAILED %-44s %4ds  (log: %s)\n' "$name" $((SECONDS - t0)) "${log#"$ROOT"/}"
        # The cause first (a crash's header sits far above its tail, which
        # is only the stack of the thread that aborted), then the tail.
        # (A log with no such line must not end the run: hence || true.)
        grep -m 20 -E '^(FAIL|ERROR): |Fatal Python error|Assertion|^[A-Za-z]*Error: |leaked ' "$log" |
            sed 's/^/         > /' || true
        # A hang: the test that was running (-v names it) and the top of
        # every thread's stack in faulthandler's dump.
        if grep -q -E '^(Current thread|Thread) 0x' "$log"; then
            grep -B 3 -m 1 -E '^Timeout \(|^(Current thread|Thread) 0x' "$log" |
                sed 's/^/         > /' || true
            awk '/^(Current thread|Thread) 0x/ { print; n = 6; next }
                 n > 0 && /^  File / { print; n-- }
                 !/^  File / { n = 0 }' "$log" | sed 's/^/         > /'
        fi
        tail -n 15 "$log" | sed 's/^/         | /'
    fi
}

# One module on one build, verbose so that a log names each test.  A module
# of ours runs in up to fifteen minutes (test_functools -u cpu on the
# free-threaded debug build, under heavy load): past twenty, faulthandler dumps
# every thread and the check fails.
regrtest() {
    local build=$1
    shift
    "$BUILD/$build/python" -m test --fail-env-changed --timeout 1200 -v "$@"
}

# What 'make regen-cases' does: the interpreter's instruction tables and
# cases, generated from Python/bytecodes.c.  Run in a source tree.
regen_cases() {
    local py=$1 gen=Tools/cases_generator
    "$py" $gen/opcode_id_generator.py -o Include/opcode_ids.h Python/bytecodes.c &&
        "$py" $gen/target_generator.py -o Python/opcode_targets.h Python/bytecodes.c &&
        "$py" $gen/uop_id_generator.py -o Include/internal/pycore_uop_ids.h Python/bytecodes.c &&
        "$py" $gen/py_metadata_generator.py -o Lib/_opcode_metadata.py Python/bytecodes.c &&
        "$py" $gen/tier1_generator.py -o Python/generated_cases.c.h Python/bytecodes.c &&
        "$py" $gen/tier2_generator.py -o Python/executor_cases.c.h Python/bytecodes.c &&
        "$py" $gen/optimizer_generator.py -o Python/optimizer_cases.c.h \
            Python/optimizer_bytecodes.c Python/bytecodes.c &&
        "$py" $gen/opcode_metadata_generator.py \
            -o Include/internal/pycore_opcode_metadata.h Python/bytecodes.c &&
        "$py" $gen/uop_metadata_generator.py \
            -o Include/internal/pycore_uop_metadata.h Python/bytecodes.c
}

# check_generated_files: Argument Clinic, the global-objects generator and
# the cases generator leave the patched tree unchanged.  Runs on a scratch
# checkout of what patches/ generates, so a failure never edits build/src.
check_generated_files() {
    local py tmp=$BUILD/tmp/regen-check
    py=$(host_python)
    rm -rf "$tmp"
    srcgit worktree prune
    srcgit worktree add -q --detach "$tmp" refs/build/generated
    (
        cd "$tmp" &&
            "$py" Tools/clinic/clinic.py --make --exclude Lib/test/clinic.test.c --srcdir . &&
            "$py" Tools/build/generate_global_objects.py &&
            regen_cases "$py"
    ) || return 1
    local changed
    changed=$(git -C "$tmp" status --porcelain)
    srcgit worktree remove --force "$tmp"
    if [ -n "$changed" ]; then
        echo "regeneration changes these files; run 'make clinic regen-global-objects regen-cases' in build/default and refresh:"
        echo "$changed"
        return 1
    fi
}

run_tests() {
    local build module
    phase "testing (logs in ${LOGS#"$ROOT"/}/test/)"
    if has_local_edits; then
        note "build/src has edits not in patches/: the interpreters are built from them;"
        note "the hygiene checks below look at patches/ only"
    fi
    check "patch round trip (refresh reproduces patches/)" check_round_trip
    check "clinic, global objects and cases up to date" check_generated_files
    check "patchcheck hygiene (whitespace, PEP 7, PCbuild, line endings)" \
        "$(host_python)" "$ROOT/scripts/hygiene.py" "$SRC" pristine refs/build/generated
    check "NEWS entries named and formatted as blurb does" \
        "$(host_python)" "$ROOT/scripts/news.py" check "$ROOT"
    for build in "${TEST_BUILDS[@]}"; do
        for module in "${TEST_MODULES[@]}"; do
            check "$module ($build)" regrtest "$build" -u "$TEST_RESOURCES" "$module"
        done
        for module in "${REFLEAK_MODULES[@]}"; do
            check "$module -R 3:3 ($build)" regrtest "$build" -R 3:3 "$module"
        done
        # The benchmark's figures run once, tiny: the script still works on
        # this build.  No timing is checked (./build.sh bench measures).
        check "cachebench smoke run ($build)" \
            "$BUILD/$build/python" "$SRC/Tools/cachebench/cachebench.py" smoke
        check "doctests of our doc pages ($build)" docs_doctest "$build"
    done
    echo
    if [ "$FAILED" -gt 0 ]; then
        printf 'failed: %s\n' "${FAILURES[@]}"
    fi
    echo "$PASSED passed, $FAILED failed"
    [ "$FAILED" -eq 0 ]
}
