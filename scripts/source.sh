# The pristine CPython source: download, verify, import into build/src.
# shellcheck shell=bash

# fetch_orig_tarball: put the verified upstream tarball in cache/.
fetch_orig_tarball() {
    local tarball=$CACHE/$ORIG_TARBALL
    if [ -f "$tarball" ]; then
        check_sha256 "$tarball"
        return 0
    fi
    local apt=$CACHE/apt
    isolated_apt "$apt" deb-src
    phase "downloading $DEBIAN_SOURCE_PACKAGE source ($DEBIAN_SUITE)"
    mkdir -p "$apt/download"
    (cd "$apt/download" &&
        run_logged "$LOGS/fetch-source.log" "apt-get source" \
            apt-get "${APT_OPTS[@]}" source --download-only "$DEBIAN_SOURCE_PACKAGE") ||
        die "cannot download the $DEBIAN_SOURCE_PACKAGE source package"
    [ -f "$apt/download/$ORIG_TARBALL" ] ||
        die "the $DEBIAN_SUITE source package has no $ORIG_TARBALL (it moved to another upstream version?)"
    check_sha256 "$apt/download/$ORIG_TARBALL"
    mv "$apt/download/$ORIG_TARBALL" "$tarball"
    rm -rf "$apt"
}

check_sha256() {
    local got
    got=$(sha256sum "$1" | cut -d' ' -f1)
    [ "$got" = "$ORIG_SHA256" ] ||
        die "${1#"$ROOT"/}: SHA-256 is $got, expected $ORIG_SHA256 (corrupt download? delete it and rerun)"
}

# cpython_version DIR: print X.Y.Z of a CPython tree, or nothing.
cpython_version() {
    sed -n 's/^#define PY_VERSION[[:space:]]*"\([0-9]*\.[0-9]*\.[0-9]*\).*"/\1/p' \
        "$1/Include/patchlevel.h" 2>/dev/null || true
}

check_cpython_tree() {
    local dir=$1 what=$2 version
    version=$(cpython_version "$dir")
    case "$version" in
        3.13.*)
            [ -f "$dir/Lib/functools.py" ] && [ -f "$dir/Modules/_functoolsmodule.c" ] &&
                [ -f "$dir/configure" ] ||
                die "$what is not a CPython 3.13 source tree (files are missing)"
            ;;
        "") die "$what is not a CPython 3.13 source tree (no Include/patchlevel.h)" ;;
        *) die "$what is not a CPython 3.13 source tree (it is CPython $version)" ;;
    esac
}

# import_pristine: make the tag 'pristine' of build/src hold the source
# named by $CPYTHON_SOURCE (a tarball or a source directory, a git checkout
# works) or, by default, the verified Debian tarball.
import_pristine() {
    local source=${CPYTHON_SOURCE:-} kind id
    if [ -z "$source" ]; then
        fetch_orig_tarball
        source=$CACHE/$ORIG_TARBALL
        kind=tarball
    elif [ -f "$source" ]; then
        kind=tarball
    elif [ -d "$source" ]; then
        kind=dir
        check_cpython_tree "$source" "$source"
    else
        die "CPYTHON_SOURCE=$source: no such file or directory"
    fi
    source=$(realpath "$source")

    init_src_repo
    if [ $kind = tarball ]; then
        id="tarball $(sha256sum "$source" | cut -d' ' -f1)"
        if [ "$(cat "$SRC/.git/pristine-source" 2>/dev/null)" = "$id" ] &&
            srcgit rev-parse -q --verify pristine >/dev/null; then
            return 0
        fi
    else
        id="dir $source"
    fi

    phase "importing pristine source from ${source#"$ROOT"/}"
    local tmp=$BUILD/tmp/pristine
    rm -rf "$tmp"
    mkdir -p "$tmp"
    if [ $kind = tarball ]; then
        tar -xf "$source" -C "$tmp" --strip-components=1 2>"$BUILD/tmp/tar.err" ||
            die "${source#"$ROOT"/}: cannot unpack: $(head -1 "$BUILD/tmp/tar.err") (corrupt or truncated?)"
        check_cpython_tree "$tmp" "${source#"$ROOT"/}"
    elif git -C "$source" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        # A git checkout: take its tracked files, not its build products.
        (cd "$source" && git ls-files -z | tar --null -T - -cf -) | tar -xf - -C "$tmp"
    else
        tar -C "$source" --exclude=.git -cf - . | tar -xf - -C "$tmp"
    fi

    local tree version
    rm -f "$SRC/.git/pristine.index"
    tree=$(export GIT_INDEX_FILE=$SRC/.git/pristine.index
        git --git-dir="$SRC/.git" --work-tree="$tmp" -C "$tmp" add -A -f . &&
            srcgit write-tree)
    rm -f "$SRC/.git/pristine.index"
    version=$(cpython_version "$tmp")
    if [ "$(srcgit rev-parse -q --verify 'pristine^{tree}' 2>/dev/null)" != "$tree" ]; then
        local commit
        commit=$(echo "Pristine CPython $version" | srcgit commit-tree "$tree")
        srcgit tag -f pristine "$commit" >/dev/null
    fi
    echo "$id" >"$SRC/.git/pristine-source"
    rm -rf "$tmp"
}

init_src_repo() {
    [ -d "$SRC/.git" ] && return 0
    mkdir -p "$SRC"
    git init -q "$SRC"
    srcgit config core.autocrlf false
    srcgit config user.name "${GIT_AUTHOR_NAME:-$(git config user.name || echo developer)}"
    srcgit config user.email "${GIT_AUTHOR_EMAIL:-$(git config user.email || echo developer@localhost)}"
    # Byte-code caches written when the interpreters run their Lib/.
    printf '%s\n' '__pycache__/' '*.pyc' >>"$SRC/.git/info/exclude"
}
