"""Convert between our patch files and the commits of the patched tree.

A patch file is a DEP-3 header followed by a git diff:

    Description: gh-NNNNN: One-line summary in CPython's commit style
     Longer explanation; continuation lines start with a space and an
     empty line is written " .".
    Author: Name <email>
    Forwarded: no
    Bug: https://github.com/python/cpython/issues/87634
    Overlay: Modules/new_file.c
     Modules/clinic/new_file.c.h
    ---
    diff --git a/Lib/functools.py b/Lib/functools.py
    ...

Overlay lists the files new to CPython (kept whole under Lib/, Modules/, ...
in this repository) that belong to the same change, so that the patched tree
can hold one commit per topic.  Description becomes the commit message's
subject and body, Author the commit's author, and any other field (Forwarded,
Bug, Origin, ...) a trailer at the end of the message, so that a commit can be
written back to exactly the same patch file.

Usage:
    patchset.py split PATCH OUTDIR
        Write OUTDIR/message, OUTDIR/author-name, OUTDIR/author-email,
        OUTDIR/overlay (one path a line) and OUTDIR/diff.
    patchset.py render MESSAGE AUTHOR OVERLAY DIFF
        Print the patch file for a commit: MESSAGE is the commit message
        file, AUTHOR "Name <email>", OVERLAY a file of paths, DIFF the diff.
"""

import os
import re
import sys

FIELD = re.compile(r"^([A-Za-z][A-Za-z0-9-]*):(?: (.*))?$")
# DEP-3 fields other than Description and Author; they travel as trailers.
TRAILER_FIELDS = {
    "forwarded", "bug", "origin", "applied-upstream", "reviewed-by",
    "acked-by", "last-update", "bug-debian",
}


class PatchError(Exception):
    pass


def parse_header(lines):
    """Return [(field, [value lines])] for the DEP-3 header lines."""
    fields = []
    for number, line in enumerate(lines, 1):
        if line.startswith(" ") and fields:
            fields[-1][1].append(line[1:])
            continue
        match = FIELD.match(line)
        if not match:
            raise PatchError(f"header line {number} is not 'Field: value': "
                             f"{line!r}")
        fields.append((match.group(1), [match.group(2) or ""]))
    return fields


# Diffs are read and written with newline="": files with CRLF line ends
# (PCbuild's project files) must keep them in the patch.

def split(patch_path, outdir):
    with open(patch_path, encoding="utf-8", newline="") as f:
        text = f.read()
    lines = text.split("\n")
    for end, line in enumerate(lines):
        if line == "---" or line.startswith("diff --git "):
            break
    else:
        end = len(lines)
    diff = "\n".join(lines[end + 1 if lines[end:end + 1] == ["---"] else end:])
    fields = parse_header(lines[:end])
    names = [name.lower() for name, _ in fields]
    if "description" not in names:
        raise PatchError("no Description: field in its header")

    subject, body, trailers = "", [], []
    author, overlay = "", []
    for name, value in fields:
        key = name.lower()
        if key == "description":
            subject = value[0].strip()
            body = ["" if v.strip() == "." else v for v in value[1:]]
        elif key == "author":
            author = " ".join(v.strip() for v in value)
        elif key == "overlay":
            overlay = " ".join(value).split()
        else:
            trailers.append(f"{name}: " + "\n ".join(value))
    if not subject:
        raise PatchError("its Description: has no summary line")

    message = subject + "\n"
    if body:
        message += "\n" + "\n".join(body).strip("\n") + "\n"
    if trailers:
        message += "\n" + "\n".join(trailers) + "\n"
    match = re.fullmatch(r"\s*(.*?)\s*<([^>]*)>\s*", author)
    name, email = (match.groups() if match else (author.strip(), ""))

    os.makedirs(outdir, exist_ok=True)
    for filename, content in [
        ("message", message), ("author-name", name),
        ("author-email", email), ("overlay", "".join(p + "\n" for p in overlay)),
        ("diff", diff),
    ]:
        with open(os.path.join(outdir, filename), "w", encoding="utf-8",
                  newline="") as f:
            f.write(content)


def split_message(message):
    """Return (subject, body lines, trailer lines) of a commit message."""
    lines = message.rstrip("\n").split("\n")
    subject, rest = lines[0].strip(), lines[1:]
    paragraphs, current = [], []
    for line in rest:
        if line.strip():
            current.append(line)
        elif current:
            paragraphs.append(current)
            current = []
    if current:
        paragraphs.append(current)
    trailers = []
    if paragraphs and all(
        line.startswith(" ")
        or (FIELD.match(line) and
            FIELD.match(line).group(1).lower() in TRAILER_FIELDS)
        for line in paragraphs[-1]
    ) and not paragraphs[-1][0].startswith(" "):
        trailers = paragraphs.pop()
    body = []
    for paragraph in paragraphs:
        if body:
            body.append("")
        body.extend(paragraph)
    return subject, body, trailers


def render(message_path, author, overlay_path, diff_path):
    with open(message_path, encoding="utf-8") as f:
        subject, body, trailers = split_message(f.read())
    with open(overlay_path, encoding="utf-8") as f:
        overlay = f.read().split()
    with open(diff_path, encoding="utf-8", newline="") as f:
        diff = f.read()
    out = [f"Description: {subject}"]
    out += [" ." if not line.strip() else " " + line for line in body]
    out.append(f"Author: {author}")
    out += trailers
    if overlay:
        out.append(f"Overlay: {overlay[0]}")
        out += [" " + path for path in overlay[1:]]
    out.append("---")
    sys.stdout.write("\n".join(out) + "\n" + diff)


def main(argv):
    try:
        if len(argv) == 3 and argv[0] == "split":
            split(argv[1], argv[2])
        elif len(argv) == 5 and argv[0] == "render":
            render(*argv[1:])
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except (OSError, UnicodeDecodeError, PatchError) as exc:
        print(f"{os.path.basename(argv[1])}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
