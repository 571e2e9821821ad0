"""Sort the warnings of a Sphinx HTML build into ours and upstream's.

A warning located in one of the pages we touch is ours, unless the list of
upstream's warnings in those pages (KNOWN) excuses it; every other warning is
upstream's (in the pristine tree, or from building with Sphinx 8.1 where
upstream asks for 8.2).  Prints ours in full and upstream's as a count, and
exits 1 when there is a warning of ours.

An incremental build warns only about the pages it reads again.  So that
the count does not depend on what changed, STATE keeps the warnings of
earlier builds, in Sphinx's own format: a page's warnings are replaced when
it is read again (its doctree is newer than STARTED) and carried over when
it is not.  Those of a file that is no page (an included file such as
Doc/build/NEWS, or "<unknown>") are replaced when the build warned about
that file at all, and carried over otherwise.
"""

import argparse
import collections
import os
import re
import sys

# "LOCATION: LEVEL: message", LOCATION being "file", "file:line" or absent;
# a message may go on over the following lines.
RECORD = re.compile(r"^(?:(?P<file>.+?)(?::\d+)?: )?"
                    r"(?P<message>(?:WARNING|ERROR|CRITICAL|SEVERE): .*)$")


def read_records(path):
    records = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            match = RECORD.match(line)
            if match or not records:
                records.append({"file": match["file"] if match else None,
                                "message": match["message"] if match else line,
                                "text": line})
            else:
                records[-1]["text"] += "\n" + line
    return records


def page_of(srcdir, file):
    """The page (path relative to srcdir) a warning is in, or None."""
    if not file or not file.endswith(".rst"):
        return None
    rel = os.path.relpath(os.path.realpath(file), srcdir)
    return None if rel.startswith(os.pardir + os.sep) else rel


def read_known(path):
    known = collections.Counter()
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                page, _, message = line.partition(": ")
                known[page, message] += 1
    return known


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--srcdir", required=True, help="the Doc/ that was built")
    parser.add_argument("--doctrees", required=True, help="Sphinx's doctree directory")
    parser.add_argument("--started", required=True, type=float,
                        help="when the build started, seconds since the epoch")
    parser.add_argument("--state", required=True, help="all warnings known so far")
    parser.add_argument("--known", required=True,
                        help="upstream's warnings in our pages: 'PAGE: MESSAGE' lines")
    parser.add_argument("warnings", help="the file sphinx-build -w wrote")
    parser.add_argument("pages", nargs="+", help="our pages, relative to srcdir")
    args = parser.parse_args()
    srcdir = os.path.realpath(args.srcdir)

    def read_again(page):
        doctree = os.path.join(args.doctrees, page[:-len(".rst")] + ".doctree")
        try:
            return os.stat(doctree).st_mtime >= args.started
        except FileNotFoundError:
            return False

    records = read_records(args.warnings)
    try:
        earlier = read_records(args.state)
    except FileNotFoundError:
        earlier = []
    for record in records + earlier:
        record["page"] = page_of(srcdir, record["file"])
    # A page's warnings are replaced when it is read again.  For a file that
    # is no page (an included file, "<unknown>") we cannot tell; its
    # warnings are replaced when this build warned about it at all.
    warned_now = {r["file"] for r in records}
    carried = [r for r in earlier
               if (r["page"] and not read_again(r["page"])
                   and os.path.exists(os.path.join(srcdir, r["page"])))
               or (not r["page"] and r["file"] not in warned_now)]
    everything = records + carried
    with open(args.state + ".new", "w", encoding="utf-8") as f:
        f.writelines(r["text"] + "\n" for r in everything)
    os.replace(args.state + ".new", args.state)

    known = read_known(args.known)
    ours, excused, upstream = [], [], []
    for record in everything:
        key = record["page"], record["message"]
        if record["page"] not in args.pages:
            upstream.append(record)
        elif known[key] > 0:
            known[key] -= 1
            excused.append(record)
        else:
            ours.append(record)

    print(f"upstream: {len(upstream)} warnings in other pages "
          f"({len(carried)} carried over from earlier builds), "
          f"{len(excused)} known ones in ours; all in {args.state}")
    if not ours:
        print(f"ours: none in {', '.join(args.pages)}")
        return 0
    print(f"ours: {len(ours)} warnings in the pages we touch, treated as errors:")
    for record in ours:
        print("  " + record["text"].replace("\n", "\n  "))
    return 1


if __name__ == "__main__":
    sys.exit(main())
