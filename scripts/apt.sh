# An apt of our own for Debian's $DEBIAN_SUITE, used to download packages
# (the CPython source, the documentation toolchain) without reading or
# changing the system's sources, package lists or package state.
# shellcheck shell=bash

# isolated_apt DIR TYPE: make DIR an apt configuration whose only source is
# "TYPE $DEBIAN_SUITE main" (TYPE: deb or deb-src) on the Debian mirror this
# machine's apt already uses, and download that suite's index into it.  Sets
# APT_OPTS (the options that make apt-get and apt-cache use DIR) and
# APT_MIRROR.  Dies with one line when there is no mirror or no index.
isolated_apt() {
    local dir=$1 type=$2 py keyring
    py=$(host_python) || die "no python3 >= 3.10 found (install python3)"
    # The mirror comes from the machine's configuration so that no host
    # name is written into the repository.
    IFS=$'\t' read -r APT_MIRROR keyring < <("$py" "$ROOT/scripts/debian_mirror.py") ||
        die "cannot find the Debian mirror in the apt configuration"
    rm -rf "$dir"
    mkdir -p "$dir/lists/partial" "$dir/archives/partial"
    local option=""
    [ -n "$keyring" ] && option="[signed-by=$keyring] "
    echo "$type ${option}$APT_MIRROR $DEBIAN_SUITE main" >"$dir/sources.list"
    APT_OPTS=(
        -o "Dir::Etc::SourceList=$dir/sources.list"
        -o "Dir::Etc::SourceParts=/dev/null"
        -o "Dir::State::Lists=$dir/lists"
        -o "Dir::Cache=$dir"
        -o "Dir::State::status=/dev/null"
    )
    # As root, apt would hand the download to the _apt user, who cannot
    # write into our cache directory.
    [ "$(id -u)" -eq 0 ] && APT_OPTS+=(-o "APT::Sandbox::User=root")
    phase "reading the $DEBIAN_SUITE $type index from $APT_MIRROR"
    run_logged "$LOGS/apt-update-$DEBIAN_SUITE-$type.log" "apt-get update ($DEBIAN_SUITE $type index)" \
        apt-get "${APT_OPTS[@]}" update ||
        die "cannot read the $DEBIAN_SUITE $type index from $APT_MIRROR"
}
