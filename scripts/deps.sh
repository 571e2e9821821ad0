# Build dependencies: checked with dpkg, installed with apt-get when root.
# shellcheck shell=bash

# What a CPython build with the usual optional modules needs, plus the tools
# build.sh itself uses.  python3 is the host interpreter for our scripts and
# for CPython's code generators.
BUILD_DEPS=(
    build-essential pkg-config git xz-utils python3
    libffi-dev zlib1g-dev libssl-dev libbz2-dev liblzma-dev libsqlite3-dev
    libreadline-dev libncurses-dev uuid-dev libgdbm-dev libgdbm-compat-dev
)

missing_packages() {
    local pkg
    for pkg in "$@"; do
        if [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" != "install ok installed" ]; then
            echo "$pkg"
        fi
    done
}

# ensure_packages PKG...: install what is missing, or say how to.
ensure_packages() {
    local missing
    mapfile -t missing < <(missing_packages "$@")
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        die "missing packages; run: sudo apt-get install -y ${missing[*]}"
    fi
    phase "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    run_logged "$LOGS/apt-install.log" "apt-get install" \
        sh -c "apt-get update -q && apt-get install -y -q --no-install-recommends ${missing[*]}" ||
        die "could not install: ${missing[*]}"
}
