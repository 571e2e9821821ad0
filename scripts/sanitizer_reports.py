#!/usr/bin/env python3
"""Find the functions the patch set changes, and sort sanitizer reports by
whether they involve them.

    sanitizer_reports.py functions SRCDIR
        print "FILE FUNCTION" for every C function of SRCDIR that the patch
        set adds or changes (git diff pristine, work tree included)
    sanitizer_reports.py classify [--ours-only] FUNCTIONS_FILE REPORT_FILE...
        read ASan/TSan report files (written through log_path=), print how
        many reports there are, a count of each kind, and in full every
        report that has one of those functions anywhere in its stacks; exit 1
        if there is any report (--ours-only: any report of ours)

Files are not fine enough: Objects/dictobject.c is in almost every stack,
and the patch set changes a few functions of it.  A report is "ours" when a
frame of any of its stacks (the access, the previous access, the allocation,
the thread creation) is in a function that the patch set added or edited.
Functions are found the PEP 7 way: the name at the start of a line, the body
between a "{" and a "}" at the start of a line.
"""

import collections
import re
import subprocess
import sys

HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
SIGNATURE = re.compile(r"^([A-Za-z_]\w*)\s*\(")
# "#3 func /path/file.c:12:5 (python+0x1)" (TSan, clang) or
# "#3 0x55d0 in func /path/file.c:12" (ASan, gcc).
FRAME = re.compile(r"^\s*#\d+\s+(?:0x[0-9a-f]+ in )?(\S+)\s+(\S+?):\d+")
REPORT_START = re.compile(
    r"WARNING: ThreadSanitizer:|ERROR: AddressSanitizer:|ERROR: LeakSanitizer:"
    r"|FATAL: ThreadSanitizer|ThreadSanitizer: CHECK failed|AddressSanitizer: CHECK failed")
SUMMARY = re.compile(r"^SUMMARY: (.*)$")


def changed_lines(srcdir):
    """{file: set of line numbers in the work tree that differ from pristine}"""
    diff = subprocess.run(
        ["git", "-C", srcdir, "diff", "-U0", "--no-color", "--no-ext-diff", "pristine",
         "--", "*.c", "*.h"],
        check=True, capture_output=True, text=True).stdout
    lines = collections.defaultdict(set)
    path = None
    for line in diff.splitlines():
        if line.startswith("+++ "):
            path = line[6:] if line.startswith("+++ b/") else None
            continue
        m = HUNK.match(line)
        if m and path:
            start, count = int(m.group(1)), int(m.group(2) or 1)
            # A pure deletion (count 0) is marked on the line after it.
            lines[path].update(range(start, start + max(count, 1)))
    return lines


def function_extents(text):
    """(name, first line, last line) of each function body in C source."""
    name = None
    name_line = 0
    start = None
    for number, line in enumerate(text.splitlines(), 1):
        m = SIGNATURE.match(line)
        if m and start is None:
            name, name_line = m.group(1), number
        elif line.startswith("{") and name is not None:
            start = name_line
        elif line.startswith("}") and start is not None:
            yield name, start, number
            name = None
            start = None


def changed_functions(srcdir):
    for path, numbers in sorted(changed_lines(srcdir).items()):
        with open(f"{srcdir}/{path}", encoding="utf-8", errors="replace") as f:
            text = f.read()
        for name, first, last in function_extents(text):
            if any(first <= n <= last for n in numbers):
                yield path, name


def split_reports(text):
    """Each report as its list of lines, from its first line to SUMMARY."""
    report = None
    for line in text.splitlines():
        if REPORT_START.search(line):
            if report:
                yield report
            report = [line]
        elif report is not None:
            report.append(line)
            if SUMMARY.match(line):
                yield report
                report = None
    if report:
        yield report


# Reports that CPython 3.13 itself causes, whatever code the stack passes
# through, each with the upstream issue that explains it.  A report that
# matches is counted and printed with its reason; it does not fail the run.
KNOWN_UPSTREAM = [
    # Py_Finalize() clears and frees the thread states of daemon threads
    # while they may still be detaching from them (drop_gil reads the thread
    # state after giving the GIL up; the free-threaded detach writes its
    # state field), so a daemon thread that blocks at that moment, in any
    # blocking call, touches a state being cleared or freed: ASan reports a
    # use after free, TSan a data race with PyThreadState_Clear (gh-121751,
    # which upstream's TSan suppressions cover).  Fixed in 3.14 by reference
    # counted thread states (gh-124878, PR 130649).  Our shutdown test has a
    # daemon thread start waiting for a value while the main thread exits.
    ("gh-124878/gh-121751: a daemon thread's state cleared and freed by "
     "Py_Finalize() while the thread detaches from it",
     re.compile(r"heap-use-after-free|ThreadSanitizer: data race"),
     re.compile(r"^\s*#\d+ .*\b_PyThreadState_DeleteList\b")),
]


def known_upstream(report):
    """The reason of the KNOWN_UPSTREAM entry that REPORT matches, or None:
    the first line must match the kind, and any line the stack pattern."""
    for reason, kind, frame in KNOWN_UPSTREAM:
        if kind.search(report[0]) and any(frame.match(line) for line in report):
            return reason
    return None


def is_ours(report, functions):
    for line in report:
        m = FRAME.match(line)
        if m and any(m.group(2).endswith("/" + path) and m.group(1) == name
                     for path, name in functions):
            return True
    return False


def classify(functions_file, report_files, ours_only=False):
    functions = set()
    with open(functions_file, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                path, name = line.split()
                functions.add((path, name))
    reports = []
    for path in report_files:
        with open(path, encoding="utf-8", errors="replace") as f:
            reports.extend((path, r) for r in split_reports(f.read()))
    upstream = [(path, r, known_upstream(r)) for path, r in reports
                if known_upstream(r)]
    reports = [(path, r) for path, r in reports if not known_upstream(r)]
    ours = [(path, r) for path, r in reports if is_ours(r, functions)]
    kinds = collections.Counter()
    for _, report in reports:
        summary = next((SUMMARY.match(line).group(1) for line in report if SUMMARY.match(line)),
                       report[0].strip())
        kinds[summary] += 1
    print(f"{len(reports)} sanitizer reports, {len(ours)} with a frame in a function the patch set changes")
    for summary, n in kinds.most_common():
        print(f"  {n:4d} x {summary}")
    for path, report, reason in upstream:
        print(f"  known upstream, not counted above ({path}): {reason}")
    for path, report in ours:
        print(f"--- report in our code ({path}):")
        print("\n".join(report))
    return 1 if (ours if ours_only else reports) else 0


def main(argv):
    if len(argv) == 3 and argv[1] == "functions":
        for path, name in changed_functions(argv[2]):
            print(path, name)
        return 0
    if len(argv) >= 4 and argv[1:3] == ["classify", "--ours-only"]:
        return classify(argv[3], argv[4:], ours_only=True)
    if len(argv) >= 3 and argv[1] == "classify":
        return classify(argv[2], argv[3:])
    print("usage: sanitizer_reports.py functions SRCDIR\n"
          "       sanitizer_reports.py classify [--ours-only] FUNCTIONS_FILE REPORT_FILE...", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
