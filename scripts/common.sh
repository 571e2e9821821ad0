# Shared settings and helpers for build.sh and the scripts it sources.
# shellcheck shell=bash

ROOT=${ROOT:?}
BUILD=$ROOT/build
CACHE=$ROOT/cache
SRC=$BUILD/src
LOGS=$BUILD/logs

# Debian's suite for everything this project downloads (the documentation
# toolchain, greenlet, third-party test suites) except the CPython source.
DEBIAN_SUITE=trixie
DEBIAN_SOURCE_PACKAGE=python3.13

# The CPython releases the patch set targets, each with its own series:
# the newest 3.13 release Debian has (the default), and 3.13.5, which the
# series was first written for (./build.sh --target 3.13.5 ...).
DEFAULT_TARGET=3.13.15
TARGETS=(3.13.15 3.13.5)

# select_target VERSION: set what the rest of build.sh reads of the target:
# CPYTHON_VERSION, the upstream tarball of Debian's source package and its
# SHA-256, and SERIES, the directory of its patches.
select_target() {
    CPYTHON_VERSION=$1
    case "$1" in
        3.13.15)
            ORIG_SHA256=1e66a7945a48390ee4c2a4268a0e4185884059a13c4aab6d148aa208deea4a76
            SERIES=patches
            ;;
        3.13.5)
            ORIG_SHA256=93e583f243454e6e9e4588ca2c2662206ad961659863277afcdb96801647d640
            SERIES=patches-3.13.5
            ;;
        *) die "unknown target '$1' (the targets are: ${TARGETS[*]})" ;;
    esac
    ORIG_TARBALL=python3.13_${CPYTHON_VERSION}.orig.tar.xz
}

# Directories of this repository whose files are laid over the pristine tree.
OVERLAY_DIRS=(Lib Modules Objects Misc Doc Tools)

# Fixed dates make the commits of the patched tree reproducible: the same
# patches always give the same commit ids, so "nothing changed" is cheap.
export GIT_AUTHOR_DATE='2000-01-01T00:00:00+0000'
export GIT_COMMITTER_DATE='2000-01-01T00:00:00+0000'
export GIT_COMMITTER_NAME='build.sh'
export GIT_COMMITTER_EMAIL='build.sh@localhost'

START_SECONDS=$SECONDS

die() {
    echo "build.sh: $*" >&2
    exit 1
}

# One line per phase, with the time elapsed since build.sh started.
phase() {
    local t=$((SECONDS - START_SECONDS))
    printf '==> [%3d:%02d] %s\n' $((t / 60)) $((t % 60)) "$*"
}

# elapsed_since T0: the time since SECONDS was T0, as 12m05s.
elapsed_since() {
    local t=$((SECONDS - $1))
    printf '%dm%02ds' $((t / 60)) $((t % 60))
}

note() {
    echo "    $*"
}

# git on the patched tree.
srcgit() {
    git -C "$SRC" "$@"
}

# run_logged LOGFILE WHAT CMD...: run CMD with its output in LOGFILE; on
# failure name WHAT and the log, show its tail, and fail.
run_logged() {
    local log=$1 what=$2
    shift 2
    mkdir -p "$(dirname "$log")"
    if ! "$@" >"$log" 2>&1; then
        echo "build.sh: $what failed; full log: ${log#"$ROOT"/}" >&2
        tail -n 25 "$log" | sed 's/^/    | /' >&2
        return 1
    fi
}

# The interpreter that runs our helper scripts and CPython's generators
# (PYTHON_FOR_REGEN).  Debian's /usr/bin/python3 is preferred over whatever
# shim happens to be first on PATH.
host_python() {
    local p
    for p in /usr/bin/python3 "$(command -v python3 || true)"; do
        if [ -x "$p" ] && "$p" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    return 1
}
