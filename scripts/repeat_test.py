"""Run one paired test of test_functools many times in one process.

usage: PYTHON scripts/repeat_test.py PATTERN ROUNDS [CLASS...]

Loads the tests whose names match PATTERN (a unittest -k pattern such as
'*thread_local*') from each CLASS (default: TestCachedPropertyC and
TestCachedPropertyPy) and runs them ROUNDS times, stopping a class at its
first failure.  Outside regrtest every resource, 'cpu' included, counts as
enabled.  Exits non-zero if a round failed or the pattern matched nothing.
Used for the stress figures recorded in CONTRIBUTING.md; regrtest's -F does
the same with a process per round, which is far slower.
"""
import io
import sys
import time
import unittest

from test import test_functools


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__.strip().splitlines()[2])
    pattern, rounds = argv[0], int(argv[1])
    names = argv[2:] or ['TestCachedPropertyC', 'TestCachedPropertyPy']
    loader = unittest.TestLoader()
    loader.testNamePatterns = [pattern]
    failed = False
    start = time.monotonic()
    for name in names:
        cls = getattr(test_functools, name)
        done = 0
        for _ in range(rounds):
            result = unittest.TextTestRunner(stream=io.StringIO()).run(
                loader.loadTestsFromTestCase(cls))
            if result.testsRun == 0:
                sys.exit(f'{name}: no test matches {pattern!r}')
            if not result.wasSuccessful():
                failed = True
                print(f'{name}: round {done + 1} failed', file=sys.stderr)
                for _, text in result.failures + result.errors:
                    print(text, file=sys.stderr)
                break
            done += 1
        print(f'{name}: {done}/{rounds} rounds passed '
              f'({result.testsRun} test(s) each)')
    print(f'{time.monotonic() - start:.1f} s')
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main(sys.argv[1:])
