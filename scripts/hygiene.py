#!/usr/bin/env python3
"""Patchcheck-style hygiene of the patch set: ./build.sh test runs it.

usage: hygiene.py SRCDIR BASE HEAD

Looks at the lines that HEAD adds to BASE in the git repository SRCDIR and
reports, as CPython's Tools/patchcheck and PEP 7 would:

* trailing whitespace in any added line;
* tabs in added C lines (PEP 7: four spaces);
* added C lines longer than 79 columns, outside files that a generator
  writes (Argument Clinic output, the *_generated.h headers) and unless
  the same line is already in BASE's version of the file (upstream's);
* a new C source file that no PCbuild/*.vcxproj lists, which would break
  the Windows build that cannot be tried here.

Exits 1 and prints one line per problem when there is any.
"""

import re
import subprocess
import sys

C_SUFFIXES = ('.c', '.h')
GENERATED = re.compile(r'(^|/)clinic/|_generated\.h$')
# An Argument Clinic class declaration must fit on one line.
CLINIC_CLASS = re.compile(r'^class [\w.]+ "[^"]*" "[^"]*"$')


def git(srcdir, *args):
    return subprocess.run(['git', '-C', srcdir, *args], check=True,
                          capture_output=True, text=True).stdout


def added_lines(srcdir, base, head):
    """Yield (path, line number in HEAD, text) for every added line."""
    diff = git(srcdir, 'diff', '--no-color', '--no-ext-diff', '--no-renames',
               '-U0', base, head)
    path = None
    lineno = 0
    for line in diff.splitlines():
        if line.startswith('+++ '):
            path = None if line == '+++ /dev/null' else line[6:]
        elif line.startswith('@@ '):
            match = re.match(r'@@ -\S+ \+(\d+)', line)
            lineno = int(match.group(1))
        elif line.startswith('+') and path is not None:
            yield path, lineno, line[1:]
            lineno += 1


_base_lines = {}


def base_lines(srcdir, base, path):
    """The lines of PATH in BASE: a long line moved or kept from there is
    upstream's, not ours."""
    if path not in _base_lines:
        try:
            text = git(srcdir, 'show', f'{base}:{path}')
        except subprocess.CalledProcessError:
            text = ''
        _base_lines[path] = set(text.splitlines())
    return _base_lines[path]


def new_c_files(srcdir, base, head):
    out = git(srcdir, 'diff', '--name-only', '--diff-filter=A', base, head)
    return [p for p in out.split() if p.endswith('.c')]


def main(argv):
    if len(argv) != 4:
        sys.exit(__doc__.strip().splitlines()[2])
    srcdir, base, head = argv[1:]
    problems = []
    for path, lineno, text in added_lines(srcdir, base, head):
        where = f'{path}:{lineno}'
        if text != text.rstrip():
            problems.append(f'{where}: trailing whitespace')
        if path.endswith(C_SUFFIXES):
            if '\t' in text:
                problems.append(f'{where}: tab in C code (PEP 7)')
            if (len(text) > 79 and not GENERATED.search(path)
                    and not CLINIC_CLASS.match(text)
                    and text not in base_lines(srcdir, base, path)):
                problems.append(f'{where}: {len(text)} columns in C code '
                                f'(PEP 7: at most 79)')
    if new_c_files(srcdir, base, head):
        # git grep exits 1 when nothing matches: no C file is listed.
        projects = subprocess.run(
            ['git', '-C', srcdir, 'grep', '-h', '-o', r'Include="[^"]*\.c"',
             head, '--', 'PCbuild/*.vcxproj'],
            capture_output=True, text=True).stdout
        listed = {m.replace('\\', '/').split('..', 1)[-1].lstrip('/')
                  for m in re.findall(r'Include="([^"]*)"', projects)}
        for path in new_c_files(srcdir, base, head):
            if path not in listed:
                problems.append(f'{path}: new C file missing from '
                                f'PCbuild/*.vcxproj')
    for problem in problems:
        print(problem)
    print(f'{len(problems)} hygiene problem(s) in {base}..{head}')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
