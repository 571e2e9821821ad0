#!/usr/bin/env bash
# scripts/greenlet.sh PYTHON OUTDIR [WORKDIR]
#
# Build Debian's greenlet (the python-greenlet source package of
# $DEBIAN_SUITE) for the interpreter PYTHON, and put the importable package
# (greenlet/ with its compiled extension) into OUTDIR, so that
#     PYTHONPATH=OUTDIR PYTHON -c 'import greenlet'
# works.  Nothing is installed: the source and the build tools (Debian's
# pure-Python setuptools of $DEBIAN_SUITE, unpacked from its .deb) live in
# WORKDIR (default OUTDIR/.work).  Needs gcc and g++ (build-essential).
# Idempotent: the download is kept in WORKDIR and reused; the build is
# redone and OUTDIR/greenlet replaced.
#
# GREENLET_SRC=DIR: build the greenlet source tree DIR (the one with
# setup.py; e.g. upstream's 3.1.0, the version $DEBIAN_SUITE packages)
# instead of downloading the source package.  For mirrors that serve the
# binary packages but not this source package.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/common.sh
. "$ROOT/scripts/common.sh"
# shellcheck source=scripts/apt.sh
. "$ROOT/scripts/apt.sh"

die() {
    echo "greenlet.sh: $*" >&2
    exit 1
}

[ $# -ge 2 ] && [ $# -le 3 ] || die "usage: scripts/greenlet.sh PYTHON OUTDIR [WORKDIR]"
PY=$1
mkdir -p "$2" || die "cannot create $2"
OUT=$(cd "$2" && pwd)
WORK=${3:-$OUT/.work}
mkdir -p "$WORK" || die "cannot create $WORK"
WORK=$(cd "$WORK" && pwd)
# run_logged and isolated_apt write their logs here, not into build/.
LOGS=$WORK/logs
mkdir -p "$LOGS"

[ -x "$PY" ] || die "$PY is not an executable"
"$PY" -c 'import sys; sys.exit(sys.version_info[:2] < (3, 9))' 2>/dev/null ||
    die "$PY does not run, or is older than 3.9"
for tool in gcc g++ dpkg-source dpkg-deb apt-get; do
    command -v "$tool" >/dev/null || die "$tool not found (apt-get install build-essential dpkg-dev)"
done

# 1. The source package, unpacked (with Debian's patches) into WORK/src.
SRCDIR=$WORK/src
if [ -n "${GREENLET_SRC:-}" ]; then
    [ -f "$GREENLET_SRC/setup.py" ] && [ -d "$GREENLET_SRC/src/greenlet" ] ||
        die "GREENLET_SRC=$GREENLET_SRC is not a greenlet source tree (no setup.py, src/greenlet)"
    SRCDIR=$(cd "$GREENLET_SRC" && pwd)
elif [ ! -f "$WORK/src/.unpacked" ]; then
    isolated_apt "$WORK/apt-src" deb-src
    rm -rf "$WORK/download" "$WORK/src"
    mkdir -p "$WORK/download"
    (cd "$WORK/download" &&
        run_logged "$LOGS/source.log" "apt-get source python-greenlet" \
            apt-get "${APT_OPTS[@]}" source --download-only python-greenlet) ||
        die "cannot download the python-greenlet source package ($DEBIAN_SUITE) from $APT_MIRROR; set GREENLET_SRC to a greenlet source tree instead"
    dsc=$(ls "$WORK"/download/python-greenlet_*.dsc 2>/dev/null | head -1)
    [ -n "$dsc" ] || die "apt-get source left no python-greenlet .dsc in $WORK/download"
    run_logged "$LOGS/unpack.log" "dpkg-source -x" \
        dpkg-source --no-check -x "$dsc" "$WORK/src" ||
        die "cannot unpack $dsc (see $LOGS/unpack.log)"
    touch "$WORK/src/.unpacked"
    rm -rf "$WORK/apt-src"
fi

# 2. setuptools: Debian's pure-Python package of the same suite (the
# machine's own may be too old for this interpreter), unpacked into
# WORK/deps.
SITE=$WORK/deps/usr/lib/python3/dist-packages
if [ ! -f "$WORK/deps/.unpacked" ]; then
    isolated_apt "$WORK/apt-deb" deb
    rm -rf "$WORK/debs" "$WORK/deps"
    mkdir -p "$WORK/debs" "$WORK/deps"
    (cd "$WORK/debs" &&
        run_logged "$LOGS/debs.log" "apt-get download python3-setuptools" \
            apt-get "${APT_OPTS[@]}" download python3-setuptools python3-pkg-resources) ||
        die "cannot download python3-setuptools ($DEBIAN_SUITE)"
    for deb in "$WORK"/debs/*.deb; do
        dpkg-deb -x "$deb" "$WORK/deps" || die "cannot unpack $deb"
    done
    touch "$WORK/deps/.unpacked"
    rm -rf "$WORK/apt-deb"
fi

# 3. Build for PYTHON, in a build directory of its own (one per extension
# suffix, so that builds for several interpreters do not mix), and copy the
# package into OUTDIR.
suffix=$("$PY" -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')
build=$WORK/build/${suffix#.}
rm -rf "$build"
mkdir -p "$build"
log=$LOGS/build${suffix%.so}.log
(cd "$SRCDIR" &&
    run_logged "$log" "building greenlet with $PY" \
        env PYTHONPATH="$SITE" PYTHONNOUSERSITE=1 SETUPTOOLS_USE_DISTUTILS=local \
        "$PY" setup.py build --build-base "$build" --build-lib "$build/lib" \
        --build-temp "$build/temp") ||
    die "building greenlet with $PY failed (log: $log)"
ls "$build"/lib/greenlet/_greenlet"$suffix" >/dev/null 2>&1 ||
    die "the build made no greenlet/_greenlet$suffix (log: $log)"
rm -rf "$OUT/greenlet"
cp -r "$build/lib/greenlet" "$OUT/greenlet"

err=$LOGS/smoke${suffix%.so}.err
got=$(cd / && PYTHONPATH=$OUT PYTHONNOUSERSITE=1 "$PY" -c \
    'import greenlet; print(greenlet.__version__, greenlet.greenlet(lambda: 42).switch())' 2>"$err") ||
    die "greenlet does not import from $OUT: $(tail -1 "$err")"
# A free-threaded interpreter turns the GIL back on for greenlet (it does
# not declare Py_mod_gil); pass that warning on.
[ -s "$err" ] && sed 's/^/greenlet.sh: warning: /' "$err" >&2
[ "${got##* }" = 42 ] || die "greenlet smoke test printed '$got', expected '... 42'"
echo "greenlet ${got% *} built for $PY in $OUT"
