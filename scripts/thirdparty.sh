#!/usr/bin/env bash
# scripts/thirdparty.sh PYTHON LOGDIR [PROJECT...]
#
# Run the test suites of some pure-Python projects on the interpreter
# PYTHON: attrs, networkx, pint, astroid, pylint (all by default; name some
# to run only those).  One log per project, LOGDIR/PROJECT.log, and one
# summary line per project on stdout (also in LOGDIR/summary.txt):
#     attrs     passed=... failed=... error=... skipped=... xfailed=... xpassed=... (rc=..., ...s)
#
# The sources are Debian $DEBIAN_SUITE's source packages, at the versions
# in PROJECTS below.  pytest and the test dependencies are Debian's binary
# packages of the same suite, unpacked (nothing is installed) and put on
# PYTHONPATH.  Every compiled extension in them (*.so, built for Debian's
# own python3.13) is deleted after unpacking, so that PYTHON never loads a
# module built for another interpreter: packages with a pure-Python
# fallback use the fallback; tests needing numpy and the like skip.
#
# Environment:
#   THIRDPARTY_WORK   downloads, sources, unpacked packages (shared by all
#                     interpreters); default: cache/thirdparty
#   THIRDPARTY_SRC    a directory of unpacked source trees named after the
#                     projects (attrs/, networkx/, ...); a project found
#                     there is taken from there instead of apt-get source
#                     (for mirrors that do not serve these source packages)
#   THIRDPARTY_TIMEOUT  seconds per suite (default 3600)
#   THIRDPARTY_PYTEST_ARGS  extra pytest arguments for every suite (e.g. -x)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/common.sh
. "$ROOT/scripts/common.sh"
# shellcheck source=scripts/apt.sh
. "$ROOT/scripts/apt.sh"

die() {
    echo "thirdparty.sh: $*" >&2
    exit 1
}

# name  Debian source package  upstream version  pytest arguments (run in
# the source tree).  pylint: the benchmarks need pytest-benchmark's fixture
# setup, the primer tests GitPython and the network.  A subset: pass pytest
# selection options in THIRDPARTY_PYTEST_ARGS (e.g. -k) or edit the paths.
PROJECTS=(
    "attrs     python-attrs 25.3.0 tests"
    "networkx  networkx     3.2.1  networkx"
    "pint      python-pint  0.24.4 pint/testsuite"
    "astroid   astroid      3.3.8  tests"
    "pylint    pylint       3.3.4  tests --ignore=tests/benchmark --ignore=tests/testutils/_primer"
)
# What the suites import, besides the projects themselves (Debian
# $DEBIAN_SUITE binary packages; their dependencies come along).
TEST_PACKAGES=(
    python3-pytest python3-hypothesis python3-cloudpickle
    python3-pytest-subtests python3-pytest-benchmark python3-pytest-timeout
    python3-platformdirs python3-typing-extensions python3-flexcache python3-flexparser
    python3-dill python3-isort python3-mccabe python3-tomlkit
    python3-six python3-dateutil python3-requests python3-setuptools python3-py
    python3-decorator
)
PACKAGE_PATTERN='^python3-[a-z0-9][a-z0-9.+-]*$'
PACKAGE_EXCLUDE='^python3-minimal$'

[ $# -ge 2 ] || die "usage: scripts/thirdparty.sh PYTHON LOGDIR [PROJECT...]"
PY=$1
LOGDIR=$2
shift 2
[ -x "$PY" ] || die "$PY is not an executable"
PY=$(cd "$(dirname "$PY")" && pwd)/$(basename "$PY")
"$PY" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' 2>/dev/null ||
    die "$PY does not run, or is not Python 3.13 (the Debian packages are for 3.13)"
mkdir -p "$LOGDIR" || die "cannot create $LOGDIR"
LOGDIR=$(cd "$LOGDIR" && pwd)
WORK=${THIRDPARTY_WORK:-$CACHE/thirdparty}
mkdir -p "$WORK" || die "cannot create $WORK"
WORK=$(cd "$WORK" && pwd)
LOGS=$WORK/logs # for run_logged and isolated_apt
mkdir -p "$LOGS"
TIMEOUT=${THIRDPARTY_TIMEOUT:-3600}
read -r -a EXTRA_ARGS <<<"${THIRDPARTY_PYTEST_ARGS:-}"

selected=()
if [ $# -eq 0 ]; then
    selected=("${PROJECTS[@]}")
else
    for want in "$@"; do
        found=
        for entry in "${PROJECTS[@]}"; do
            [ "${entry%% *}" = "$want" ] && selected+=("$entry") && found=1
        done
        [ -n "$found" ] || die "unknown project '$want' (known: attrs networkx pint astroid pylint)"
    done
fi

# --- the test dependencies: downloaded once, unpacked, *.so removed -----
DEBS=$WORK/debs-$DEBIAN_SUITE
DEPS=$WORK/deps
SITE=$DEPS/usr/lib/python3/dist-packages
fetch_packages() {
    if [ -f "$DEBS/SHA256SUMS" ] &&
        (cd "$DEBS" && sha256sum --quiet --strict -c SHA256SUMS) >/dev/null 2>&1; then
        return 0
    fi
    isolated_apt "$WORK/apt-deb" deb
    run_logged "$LOGS/depends.log" "apt-cache depends" \
        apt-cache "${APT_OPTS[@]}" depends --recurse --no-recommends --no-suggests \
        --no-conflicts --no-breaks --no-replaces --no-enhances "${TEST_PACKAGES[@]}" ||
        die "cannot resolve the dependencies of the test packages in $DEBIAN_SUITE (log: $LOGS/depends.log)"
    local packages tmp
    mapfile -t packages < <(grep -v '^ ' "$LOGS/depends.log" | grep -E "$PACKAGE_PATTERN" |
        grep -vE "$PACKAGE_EXCLUDE" | sort -u)
    [ ${#packages[@]} -gt 0 ] || die "apt-cache depends listed no packages (log: $LOGS/depends.log)"
    phase "downloading ${#packages[@]} packages ($DEBIAN_SUITE) into $DEBS"
    tmp=$(mktemp -d "$WORK/.debs.XXXXXX")
    (cd "$tmp" && run_logged "$LOGS/download.log" "apt-get download" \
        apt-get "${APT_OPTS[@]}" download "${packages[@]}") || {
        rm -rf "$tmp"
        die "cannot download the test packages from $APT_MIRROR (log: $LOGS/download.log)"
    }
    (cd "$tmp" && sha256sum -- *.deb >SHA256SUMS)
    rm -rf "$DEBS" "$WORK/apt-deb"
    mv "$tmp" "$DEBS"
}
unpack_packages() {
    local stamp deb
    stamp=$(sha256sum "$DEBS/SHA256SUMS" | cut -d' ' -f1)
    [ "$(cat "$DEPS/.unpacked" 2>/dev/null)" = "$stamp" ] && return 0
    rm -rf "$DEPS"
    mkdir -p "$DEPS"
    while read -r _ deb; do
        dpkg-deb -x "$DEBS/$deb" "$DEPS" || die "cannot unpack $DEBS/$deb"
    done <"$DEBS/SHA256SUMS"
    [ -d "$SITE" ] || die "the packages left no $SITE"
    # Built for Debian's python3.13, not for PYTHON.
    find "$DEPS" -name '*.so' -print -delete >"$DEPS/removed-extensions.txt"
    echo "$stamp" >"$DEPS/.unpacked"
}
fetch_packages
unpack_packages

# --- the sources -------------------------------------------------------
# source_tree NAME SRCPKG VERSION: print the unpacked source tree.
source_tree() {
    local name=$1 srcpkg=$2 version=$3 dir=$WORK/src/$1
    if [ -n "${THIRDPARTY_SRC:-}" ] && [ -d "$THIRDPARTY_SRC/$name" ]; then
        (cd "$THIRDPARTY_SRC/$name" && pwd)
        return 0
    fi
    if [ ! -f "$dir/.unpacked" ]; then
        [ -n "${APT_SRC_READY:-}" ] || {
            isolated_apt "$WORK/apt-src" deb-src >&2
            APT_SRC_READY=1
        }
        rm -rf "$WORK/download-$name" "$dir"
        mkdir -p "$WORK/download-$name" "$WORK/src"
        (cd "$WORK/download-$name" &&
            run_logged "$LOGS/source-$name.log" "apt-get source $srcpkg" \
                apt-get "${APT_OPTS[@]}" source --download-only "$srcpkg") >&2 ||
            die "cannot download the $srcpkg source package from $APT_MIRROR; put an unpacked $name $version tree in \$THIRDPARTY_SRC/$name instead"
        local dsc
        dsc=$(ls "$WORK/download-$name"/*.dsc | head -1)
        dpkg-source --no-check -x "$dsc" "$dir" >"$LOGS/unpack-$name.log" 2>&1 ||
            die "cannot unpack $dsc (log: $LOGS/unpack-$name.log)"
        touch "$dir/.unpacked"
        rm -rf "$WORK/download-$name"
    fi
    echo "$dir"
}

# --- the runs ----------------------------------------------------------
# counts LOG: the numbers of pytest's last summary line.
counts() {
    local line
    line=$(grep -E '^(=+ )?([0-9]+ [a-z]+(, )?)+.* in [0-9.]+s|no tests ran in' "$1" | tail -1)
    if [ -z "$line" ]; then
        echo "no pytest summary"
        return
    fi
    local k out=""
    for k in passed failed error skipped xfailed xpassed; do
        local n
        n=$(echo "$line" | grep -oE "[0-9]+ ${k}s?\b" | grep -oE '^[0-9]+' || true)
        out+="$k=${n:-0} "
    done
    echo "${out% }"
}

: >"$LOGDIR/summary.txt"
status=0
for entry in "${selected[@]}"; do
    read -r name srcpkg version args <<<"$entry"
    src=$(source_tree "$name" "$srcpkg" "$version")
    log=$LOGDIR/$name.log
    path=$src
    [ "$name" = attrs ] && path=$src/src
    # pylint's suite needs astroid: the one of this list.
    if [ "$name" = pylint ]; then
        path=$path:$(source_tree astroid astroid 3.3.8)
    fi
    read -r -a argv <<<"$args"
    {
        echo "# $name $version: $src"
        echo "# python: $PY ($("$PY" -c 'import sys; print(sys.version.replace(chr(10), " "))'))"
        echo "# PYTHONPATH=$path:$SITE"
        echo "# pytest ${argv[*]} ${EXTRA_ARGS[*]}"
    } >"$log"
    t0=$SECONDS
    rc=0
    (cd "$src" && PYTHONPATH=$path:$SITE PYTHONNOUSERSITE=1 PYTHONDONTWRITEBYTECODE=1 \
        timeout -k 30 "$TIMEOUT" "$PY" -m pytest -p no:cacheprovider -q -rfE \
        "${argv[@]}" "${EXTRA_ARGS[@]}" >>"$log" 2>&1) || rc=$?
    extra=""
    [ $rc -eq 124 ] && extra=", TIMEOUT after ${TIMEOUT}s"
    line=$(printf '%-9s %s (rc=%d, %ds%s)' "$name" "$(counts "$log")" $rc $((SECONDS - t0)) "$extra")
    echo "$line" | tee -a "$LOGDIR/summary.txt"
    # pytest: 0 all passed, 1 some failed; anything else is a broken run.
    [ $rc -le 1 ] || status=1
done
exit $status
