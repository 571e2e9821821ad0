# ./build.sh export DIR: the patch set as a git format-patch series for
# upstream, verified by applying it with git am onto a fresh pristine tree
# and by building and testing every commit of it on its own.
# shellcheck shell=bash

export_series() {
    local dir=${1:-}
    [ -n "$dir" ] || die "usage: ./build.sh export DIR"
    if [ -e "$dir" ] && [ -n "$(ls -A "$dir" 2>/dev/null)" ]; then
        die "export: $dir exists and is not empty"
    fi
    has_local_edits && die "export: build/src has edits not in patches/; run ./build.sh refresh first"
    mkdir -p "$dir"
    dir=$(realpath "$dir")

    # Upstream commit messages carry no DEP-3 trailers: rewrite each commit
    # with the same tree and the message's subject and body only.
    local py parent commit msg
    py=$(host_python)
    parent=$(srcgit rev-parse pristine)
    for commit in $(srcgit rev-list --reverse pristine..refs/build/generated); do
        msg=$(srcgit log -1 --format=%B "$commit" | "$py" -c '
import sys
sys.path.insert(0, sys.argv[1])
from patchset import split_message
subject, body, _ = split_message(sys.stdin.read())
print(subject + ("\n\n" + "\n".join(body) if body else ""))' "$ROOT/scripts")
        # Dated now: the fixed dates of build/src are for reproducibility only.
        parent=$(GIT_AUTHOR_NAME=$(srcgit log -1 --format=%an "$commit") \
            GIT_AUTHOR_EMAIL=$(srcgit log -1 --format=%ae "$commit") \
            GIT_AUTHOR_DATE= GIT_COMMITTER_DATE= \
            srcgit commit-tree "$commit^{tree}" -p "$parent" -m "$msg")
    done
    srcgit update-ref refs/build/export "$parent"
    srcgit format-patch -q --no-signature -o "$dir" pristine..refs/build/export >/dev/null
    phase "wrote $(ls "$dir" | wc -l) patches to $dir"

    # git am onto a fresh pristine tree must give exactly build/src.
    local tree=$BUILD/export-tree
    rm -rf "$tree"
    srcgit worktree prune
    srcgit worktree add -q --detach "$tree" pristine
    # --keep-cr: the PCbuild project files are CRLF, and so are the
    # lines of their hunks; by default git am strips the CRs and the
    # hunks no longer match.
    git -C "$tree" am -q --keep-cr --whitespace=error "$dir"/*.patch >"$LOGS/export-am.log" 2>&1 || {
        git -C "$tree" am --abort 2>/dev/null || true
        die "export: git am onto pristine fails; see ${LOGS#"$ROOT"/}/export-am.log"
    }
    [ "$(git -C "$tree" rev-parse 'HEAD^{tree}')" = "$(srcgit rev-parse 'refs/build/generated^{tree}')" ] ||
        die "export: git am onto pristine gives a different tree than build/src"
    phase "git am onto pristine $CPYTHON_VERSION: applies cleanly, same tree as build/src"

    # Every commit builds and passes test_functools on its own.  A tree
    # that passed before (the same source tree, so the same build and the
    # same tests) is not checked again: after a change to patch N, only the
    # commits from N on are.  EXPORT_RECHECK=1 checks every commit.
    local n=0 total subject build tree_id skipped=0
    local verified=$BUILD/export-verified
    [ "${EXPORT_RECHECK:-0}" = 1 ] && rm -f "$verified"
    total=$(git -C "$tree" rev-list --count pristine..HEAD)
    for commit in $(git -C "$tree" rev-list --reverse pristine..HEAD); do
        n=$((n + 1))
        subject=$(git -C "$tree" log -1 --format=%s "$commit")
        tree_id=$(git -C "$tree" rev-parse "$commit^{tree}")
        if grep -qx "$tree_id" "$verified" 2>/dev/null; then
            phase "commit $n/$total: this tree passed before, not checked again: $subject"
            skipped=$((skipped + 1))
            continue
        fi
        git -C "$tree" checkout -q --detach "$commit"
        for build in default ft; do
            phase "commit $n/$total ($build): $subject"
            build_variant "export-$build" "$tree"
            run_logged "$LOGS/export-test-$n-$build.log" "test_functools at commit $n ($build)" \
                "$BUILD/export-$build/python" -m test --fail-env-changed -u cpu test_functools ||
                die "export: commit $n/$total fails test_functools on the $build build: $subject"
        done
        echo "$tree_id" >>"$verified"
    done
    phase "every commit builds and passes test_functools on both builds ($skipped passed in an earlier run); series in $dir"
}
