# ./build.sh docs, and the doctests of the pages we touch in ./build.sh test.
#
# Sphinx and the CPython documentation theme come from Debian's
# $DEBIAN_SUITE as .deb files, downloaded with our isolated apt into cache/,
# unpacked into build/docs-deps/ (nothing is installed), and run by the
# patched interpreter with PYTHONPATH pointing at the unpacked packages.
# shellcheck shell=bash

# The pages this patch set changes: a warning located in one of them fails
# ./build.sh docs, and their examples run in ./build.sh test.  Relative to
# Doc/.
DOCS_PAGES=(library/functools.rst whatsnew/3.13.rst faq/programming.rst)

# What Doc/conf.py uses: Sphinx, the theme, and the two optional extensions
# that docs.python.org is built with.
DOCS_PACKAGES=(python3-sphinx python3-docs-theme python3-sphinxext-opengraph python3-sphinx-notfound-page)

# Of the dependency closure of DOCS_PACKAGES we take the Python libraries
# and the data packages they reach through relative symlinks or hard-coded
# /usr/share paths (Sphinx's themes and JavaScript, docutils' data, babel's
# locale data).  The rest of the closure (python3.13, libc6, perl, ...) is
# the interpreter and system the patched build replaces or the machine has.
DOCS_PACKAGE_PATTERN='^(python3?-[a-z0-9][a-z0-9.+-]*|sphinx-common|docutils-common|libjs-[a-z0-9.+-]+)$'
DOCS_PACKAGE_EXCLUDE='^python3-minimal$'

# 3.13.5's Doc/conf.py asks for Sphinx 8.2 (needs_sphinx); $DEBIAN_SUITE
# has 8.1.  We build with 8.1 on purpose and say so on the command line;
# a warning this costs elsewhere is counted apart from ours.
DOCS_NEEDS_SPHINX=8.1

DOCS_DEBS=$CACHE/docs-debs-$DEBIAN_SUITE
DOCS_DEPS=$BUILD/docs-deps
DOCS_SITE=$DOCS_DEPS/usr/lib/python3/dist-packages
DOCS_OUT=$BUILD/docs

# fetch_docs_packages: the .deb files in cache/, with a SHA256SUMS that lists
# them.  A complete cache is used as it is, without the network.
fetch_docs_packages() {
    if [ -f "$DOCS_DEBS/SHA256SUMS" ] &&
        (cd "$DOCS_DEBS" && sha256sum --quiet --strict -c SHA256SUMS) >/dev/null 2>&1; then
        return 0
    fi
    local apt=$BUILD/tmp/apt-docs
    mkdir -p "$BUILD/tmp" "$CACHE"
    isolated_apt "$apt" deb
    run_logged "$LOGS/docs-depends.log" "apt-cache depends ${DOCS_PACKAGES[*]}" \
        apt-cache "${APT_OPTS[@]}" depends --recurse --no-recommends --no-suggests \
        --no-conflicts --no-breaks --no-replaces --no-enhances "${DOCS_PACKAGES[@]}" ||
        die "cannot resolve the dependencies of ${DOCS_PACKAGES[*]} in $DEBIAN_SUITE"
    local packages
    mapfile -t packages < <(grep -v '^ ' "$LOGS/docs-depends.log" | grep -E "$DOCS_PACKAGE_PATTERN" |
        grep -vE "$DOCS_PACKAGE_EXCLUDE" | sort -u)
    [ ${#packages[@]} -gt 0 ] || die "apt-cache depends listed no packages; see ${LOGS#"$ROOT"/}/docs-depends.log"
    phase "downloading ${#packages[@]} documentation packages ($DEBIAN_SUITE) into ${DOCS_DEBS#"$ROOT"/}"
    note "${packages[*]}"
    # Downloaded next to the cache and moved into place when complete, so an
    # interrupted download never looks like a complete cache.
    local tmp
    tmp=$(mktemp -d "$CACHE/.docs-debs.XXXXXX")
    (cd "$tmp" && run_logged "$LOGS/docs-download.log" "apt-get download" \
        apt-get "${APT_OPTS[@]}" download "${packages[@]}") || {
        rm -rf "$tmp"
        die "cannot download the documentation packages from $APT_MIRROR"
    }
    (cd "$tmp" && sha256sum -- *.deb >SHA256SUMS)
    rm -rf "$DOCS_DEBS"
    mv "$tmp" "$DOCS_DEBS"
    rm -rf "$apt"
}

# unpack_docs_packages: build/docs-deps/ holds exactly the cached packages.
unpack_docs_packages() {
    local stamp
    stamp=$(sha256sum "$DOCS_DEBS/SHA256SUMS" | cut -d' ' -f1)
    [ "$(cat "$DOCS_DEPS/.unpacked" 2>/dev/null)" = "$stamp" ] && return 0
    phase "unpacking the documentation packages into ${DOCS_DEPS#"$ROOT"/}"
    rm -rf "$DOCS_DEPS"
    mkdir -p "$DOCS_DEPS"
    local deb
    while read -r _ deb; do
        dpkg-deb -x "$DOCS_DEBS/$deb" "$DOCS_DEPS" 2>"$BUILD/tmp/dpkg.err" ||
            die "cannot unpack ${DOCS_DEBS#"$ROOT"/}/$deb: $(head -1 "$BUILD/tmp/dpkg.err")"
    done <"$DOCS_DEBS/SHA256SUMS"
    # Debian's Sphinx and docutils find their data under /usr/share, which
    # we did not install to: point them at the unpacked copy.
    relocate "$DOCS_SITE/sphinx/__init__.py" "package_dir = '/usr/share/sphinx'" \
        "package_dir = '$DOCS_DEPS/usr/share/sphinx'"
    relocate "$DOCS_SITE/docutils/__init__.py" "os.path.join('/usr/share/docutils/', suffix)" \
        "os.path.join('$DOCS_DEPS/usr/share/docutils/', suffix)"
    echo "$stamp" >"$DOCS_DEPS/.unpacked"
}

# relocate FILE OLD NEW: replace the line part OLD by NEW in FILE, and fail
# when OLD is not there (the packaging changed; the build would quietly use
# the machine's /usr/share, or nothing).
relocate() {
    local file=$1 old=$2 new=$3
    grep -qF -- "$old" "$file" ||
        die "cannot point ${file#"$DOCS_DEPS"/} at build/docs-deps: it has no \"$old\" (Debian changed the package?)"
    OLD=$old NEW=$new perl -pi -e 's/\Q$ENV{OLD}\E/$ENV{NEW}/' "$file"
}

# prepare_docs_toolchain: what a Sphinx run needs, from the cache or the
# network.
prepare_docs_toolchain() {
    fetch_docs_packages
    unpack_docs_packages
}

# docs_sphinx BUILD ARGS...: sphinx-build run by build/BUILD/python on the
# unpacked packages, with the Sphinx version choice made explicit.
docs_sphinx() {
    local build=$1
    shift
    PYTHONPATH=$DOCS_SITE PYTHONNOUSERSITE=1 "$BUILD/$build/python" -m sphinx \
        -D needs_sphinx="$DOCS_NEEDS_SPHINX" "$@"
}

# build_docs [--release]: ./build.sh docs.  HTML of the patched tree in
# build/docs/html, built by build/default/python (build/release-default
# with --release: same patches, optimised, several times faster).  Fails on
# a warning located in one of DOCS_PAGES; counts the others.
build_docs() {
    local build=default usage="usage: ./build.sh docs [--release]"
    [ $# -le 1 ] || die "docs: too many arguments ($usage)"
    case "${1:-}" in
        --release) build=release-default ;;
        "") ;;
        *) die "docs: unknown option '$1' ($usage)" ;;
    esac
    ensure_packages "${BUILD_DEPS[@]}"
    prepare_tree
    build_variant "$build" "$SRC"
    prepare_docs_toolchain

    local doc=$SRC/Doc py started verdict=0
    py=$(host_python) || die "no python3 >= 3.10 found"
    # whatsnew/changelog.rst includes Doc/build/NEWS, which Doc/Makefile
    # copies from Misc/NEWS (only when it changed: a new copy makes Sphinx
    # read the changelog again); git in build/src is told to ignore it.
    mkdir -p "$doc/build"
    cmp -s "$SRC/Misc/NEWS" "$doc/build/NEWS" || cp "$SRC/Misc/NEWS" "$doc/build/NEWS"
    grep -qx '/Doc/build/' "$SRC/.git/info/exclude" || echo '/Doc/build/' >>"$SRC/.git/info/exclude"
    # Sphinx reads again only the pages that changed; ours are read every
    # time, so that their warnings are always complete.
    (cd "$doc" && touch -- "${DOCS_PAGES[@]}")
    mkdir -p "$DOCS_OUT"
    started=$(date +%s.%N)
    phase "building the HTML documentation with build/$build/python (Sphinx log: ${LOGS#"$ROOT"/}/docs-html.log)"
    run_logged "$LOGS/docs-html.log" "sphinx-build -b html" \
        docs_sphinx "$build" -b html -n -j "$(nproc)" -d "$DOCS_OUT/doctrees" \
        -w "$DOCS_OUT/warnings-last-build.txt" "$doc" "$DOCS_OUT/html" || exit 1
    "$py" "$ROOT/scripts/doc_warnings.py" --srcdir "$doc" --doctrees "$DOCS_OUT/doctrees" \
        --started "$started" --state "$DOCS_OUT/warnings.txt" \
        --known "$ROOT/scripts/docs-known-warnings.txt" \
        "$DOCS_OUT/warnings-last-build.txt" "${DOCS_PAGES[@]}" >"$DOCS_OUT/verdict.txt" || verdict=$?
    sed "s|$ROOT/||g; s/^/    /" "$DOCS_OUT/verdict.txt"
    [ "$verdict" -eq 0 ] || die "docs: warnings in the pages we touch (listed above)"
    phase "done: build/docs/html/index.html"
}

# docs_doctest BUILD: the examples of DOCS_PAGES, run by build/BUILD/python
# as make -C Doc doctest runs them (doctest blocks and the doctest
# directives; examples in '::' literal blocks are not run, as upstream).
# Only our pages are read.  Fails on a wrong example, and when a page ran
# no example at all (the page moved, or the run read nothing).
docs_doctest() {
    local build=$1 out=$BUILD/docs-doctest/$1 include page
    rm -rf "$out"
    # Sphinx insists on reading the root document too.
    include=contents.rst
    for page in "${DOCS_PAGES[@]}"; do include+=",$page"; done
    docs_sphinx "$build" -b doctest -q -E -d "$out/doctrees" -D include_patterns="$include" \
        -D suppress_warnings=toc.not_readable \
        "$SRC/Doc" "$out" || return 1
    for page in "${DOCS_PAGES[@]}"; do
        grep -qx "Document: ${page%.rst}" "$out/output.txt" || {
            echo "doctest: no example of Doc/$page ran"
            return 1
        }
    done
    sed -n '/^Doctest summary/,$p' "$out/output.txt"
}
