# The pristine CPython source: download, verify, import into build/src.
# shellcheck shell=bash

# fetch_orig_tarball: put the verified upstream tarball in cache/.
#
# It is the upstream tarball of Debian's python3.13 source package, taken
# from the pool of the Debian mirror this machine's apt already uses, by
# apt's own downloader, which checks the pinned SHA-256.  Not with 'apt-get
# source': a suite's index lists only its newest upload (sid's has moved
# past 3.13.15), and the pool keeps the older tarballs.
fetch_orig_tarball() {
    local tarball=$CACHE/$ORIG_TARBALL part=$CACHE/$ORIG_TARBALL.part
    local py mirror keyring
    if [ -f "$tarball" ]; then
        check_sha256 "$tarball"
        return 0
    fi
    py=$(host_python) || die "no python3 >= 3.10 found (install python3)"
    # The mirror comes from the machine's configuration so that no host
    # name is written into the repository.
    IFS=$'\t' read -r mirror keyring < <("$py" "$ROOT/scripts/debian_mirror.py") ||
        die "cannot find the Debian mirror in the apt configuration"
    local url=$mirror/pool/main/${DEBIAN_SOURCE_PACKAGE:0:1}/$DEBIAN_SOURCE_PACKAGE/$ORIG_TARBALL
    phase "downloading $ORIG_TARBALL (CPython $CPYTHON_VERSION) from $mirror"
    mkdir -p "$CACHE"
    rm -f "$part"
    # As root, apt would hand the download to the _apt user, who cannot
    # write into our cache directory.
    local opts=()
    [ "$(id -u)" -eq 0 ] && opts=(-o "APT::Sandbox::User=root")
    run_logged "$LOGS/fetch-source.log" "downloading $url" \
        /usr/lib/apt/apt-helper "${opts[@]}" download-file "$url" "$part" "SHA256:$ORIG_SHA256" || {
        rm -f "$part"
        die "cannot download $ORIG_TARBALL from the Debian mirror"
    }
    check_sha256 "$part"
    mv "$part" "$tarball"
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
