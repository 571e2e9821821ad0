"""Sort the warnings of a Sphinx HTML build into ours and upstream's.

usage: doc_warnings.py SRCDIR DOCTREEDIR STARTED STATE WARNINGS PAGE...

SRCDIR is the Doc/ directory that was built, DOCTREEDIR Sphinx's doctree
directory, STARTED the time (seconds since the epoch) the build started,
WARNINGS the file Sphinx wrote with -w (STATE is written in the same
format), and PAGE... the pages we touch,
relative to SRCDIR.  A warning located in one of those pages is ours; any
other is upstream's (it is there in the pristine tree, or comes from building
with another Sphinx than upstream asks for).

An incremental build re-reads, and warns about, only the pages that changed.
So that upstream's count does not depend on what changed, STATE keeps the
warnings of earlier builds: a page's warnings are replaced when it is read
again, and those of pages not read again are carried over.  Warnings in no
page of SRCDIR (in an included file, or with no location) come from this
build only.

Prints every warning of ours and a count of upstream's, writes all of them
to STATE, and exits 1 when there is a warning of ours.
"""

import os
import re
import sys

# "LOCATION: LEVEL: message", LOCATION being "file", "file:line" or absent;
# a message may go on over the following lines.
RECORD = re.compile(
    r"^(?:(?P<file>.+?)(?::(?P<line>\d+))?: )?(?P<level>WARNING|ERROR|CRITICAL|SEVERE): ")


def read_records(path):
    records = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            match = RECORD.match(line)
            if match or not records:
                records.append({"file": match and match["file"] or "",
                                "text": line})
            else:
                records[-1]["text"] += "\n" + line
    return records


def docname(srcdir, file):
    """The page a warning's file is, or None for anything else."""
    if not file.endswith(".rst"):
        return None
    rel = os.path.relpath(os.path.realpath(file), srcdir)
    if rel.startswith(".." + os.sep):
        return None
    return rel[:-len(".rst")]


def main(argv):
    if len(argv) < 6:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    srcdir, doctrees, started, state_path, warnings_path = argv[:5]
    srcdir = os.path.realpath(srcdir)
    started = float(started)
    pages = {page[:-len(".rst")] for page in argv[5:]}

    def read_again(name):
        try:
            mtime = os.stat(os.path.join(doctrees, name + ".doctree")).st_mtime
        except FileNotFoundError:
            return False
        return mtime >= started

    records = read_records(warnings_path)
    for record in records:
        record["page"] = docname(srcdir, record["file"])
    try:
        earlier = read_records(state_path)
    except FileNotFoundError:
        earlier = []
    for record in earlier:
        record["page"] = docname(srcdir, record["file"])
    carried = [r for r in earlier
               if r["page"] and not read_again(r["page"])
               and os.path.exists(os.path.join(srcdir, r["page"] + ".rst"))]
    everything = records + carried
    with open(state_path + ".new", "w", encoding="utf-8") as f:
        f.writelines(r["text"] + "\n" for r in everything)
    os.replace(state_path + ".new", state_path)

    ours = [r for r in everything if r["page"] in pages]
    upstream = [r for r in everything if r["page"] not in pages]
    print(f"upstream: {len(upstream)} warnings outside the pages we touch "
          f"({len(carried)} of them carried over from earlier builds of pages "
          f"not read again); they are listed in {state_path}")
    if not ours:
        print(f"ours: no warnings in {', '.join(sorted(argv[5:]))}")
        return 0
    print(f"ours: {len(ours)} warnings in the pages we touch "
          "(treated as errors):")
    for record in ours:
        print("  " + record["text"].replace("\n", "\n  "))
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
