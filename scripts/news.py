"""Create or check NEWS entries the way blurb names them.

A NEWS entry is Misc/NEWS.d/next/<Section>/<date>.gh-issue-<N>.<nonce>.rst,
where the nonce is the first six characters of the URL-safe base64 of the
MD5 digest of the entry's text (blurb's nonceify()).

Usage:
    news.py new SECTION ISSUE FILE   print the path for the entry in FILE
    news.py check TREE               check every entry under TREE/Misc/NEWS.d/next
"""

import base64
import hashlib
import pathlib
import re
import sys
import time

NAME = re.compile(r"^\d{4}(-\d\d){5}\.gh-issue-\d+\.(?P<nonce>[A-Za-z0-9_-]{6})\.rst$")


def nonceify(body):
    digest = hashlib.md5(body.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest)[0:6].decode("ascii")


def check(tree):
    problems = []
    for path in sorted(pathlib.Path(tree, "Misc/NEWS.d/next").glob("*/*.rst")):
        body = path.read_text(encoding="utf-8")
        match = NAME.match(path.name)
        if not match:
            problems.append(f"{path}: name is not <date>.gh-issue-<N>.<nonce>.rst")
            continue
        if match["nonce"] != nonceify(body):
            problems.append(f"{path}: nonce should be {nonceify(body)}")
        for number, line in enumerate(body.splitlines(), 1):
            if len(line) > 80:
                problems.append(f"{path}:{number}: longer than 80 columns")
            if line.lstrip().startswith(("- ", "* ")) and number == 1:
                problems.append(f"{path}:{number}: starts with a bullet")
        if not body.endswith("\n") or body.endswith("\n\n"):
            problems.append(f"{path}: must end with exactly one newline")
    for problem in problems:
        print(problem)
    return 1 if problems else 0


def main(argv):
    if len(argv) == 4 and argv[0] == "new":
        section, issue, file = argv[1:]
        body = pathlib.Path(file).read_text(encoding="utf-8")
        date = time.strftime("%Y-%m-%d-%H-%M-%S", time.localtime())
        print(f"Misc/NEWS.d/next/{section}/{date}.gh-issue-{issue}.{nonceify(body)}.rst")
        return 0
    if len(argv) == 2 and argv[0] == "check":
        return check(argv[1])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
