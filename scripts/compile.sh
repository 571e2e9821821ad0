# Out-of-tree builds of a source tree: configure once, then incremental make.
# shellcheck shell=bash

# Configure flags of a build variant, by the end of its name: default and ft
# are pydebug builds (GIL and free-threaded), release-* optimised ones,
# asan-default and tsan-ft pydebug builds with a sanitizer.  ASan runs with
# gcc's runtime and without pymalloc, so that it sees every object's
# allocation; TSan with clang, the compiler upstream's suppression lists are
# kept for (gcc's TSan does not model the atomic fences of Python/lock.c).
variant_flags() {
    case "$1" in
        *release-default) echo "" ;;
        *release-ft) echo "--disable-gil" ;;
        *asan-default) echo "--with-pydebug --with-address-sanitizer --without-pymalloc" ;;
        *tsan-ft) echo "--with-pydebug --disable-gil --with-thread-sanitizer CC=clang" ;;
        *default) echo "--with-pydebug" ;;
        *ft) echo "--with-pydebug --disable-gil" ;;
        *) die "unknown build variant $1" ;;
    esac
}

# build_variant NAME SRCDIR: configure (when needed) and make build/NAME.
build_variant() {
    local name=$1 srcdir=$2 dir=$BUILD/$1 flags py
    flags=$(variant_flags "$name")
    py=$(host_python) || die "no python3 >= 3.10 found"
    # A new target (another CPython release) starts from a clean directory.
    local key="$flags|$srcdir|$CPYTHON_VERSION"
    if [ ! -f "$dir/Makefile" ] || [ "$(cat "$dir/.configure-flags" 2>/dev/null)" != "$key" ]; then
        phase "configuring build/$name (${flags:-release})"
        rm -rf "$dir"
        mkdir -p "$dir"
        # shellcheck disable=SC2086
        (cd "$dir" && run_logged "$LOGS/configure-$name.log" "configure of build/$name" \
            "$srcdir/configure" $flags PYTHON_FOR_REGEN="$py") || exit 1
        echo "$key" >"$dir/.configure-flags"
    fi
    phase "building build/$name"
    run_logged "$LOGS/make-$name.log" "make in build/$name" make -C "$dir" -j"$(nproc)" || exit 1
}

# stock_tree: a pristine source tree for the stock builds the benchmark and
# the full-suite comparison measure against.
stock_tree() {
    local dir=$BUILD/stock-src
    if [ "$(git -C "$dir" rev-parse -q --verify HEAD 2>/dev/null)" != "$(srcgit rev-parse pristine)" ]; then
        rm -rf "$dir"
        srcgit worktree prune
        srcgit worktree add -q --detach "$dir" pristine
    fi
    echo "$dir"
}
