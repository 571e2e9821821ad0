#!/usr/bin/env python3
"""Read the output of a full regrtest run and compare two such runs.

    regrtest_log.py summary LOG
        one line of figures: tests run, test files, failures, duration
    regrtest_log.py compare NAME STOCK_LOG PATCHED_LOG
        print new and fixed failures; exit 1 if the patched run has a
        failure the stock run does not

The logs are regrtest's own output of a run with --rerun.  What counts is
the state after the re-run: regrtest prints its result lists (failed, env
changed, re-run, ...) once after the first pass and once more after the
re-run, and the last such block is the final word.  A test file that failed
and then passed when re-run is flaky, not failed, on that side.

Within a test file that fails on both sides, the individual test cases are
compared too: the re-run prints unittest's "FAIL: test_x (module.Class...)"
lines for every case that failed again, so a new failing case inside an
already failing file is still a new failure.
"""

import re
import sys

RESULT_MARKER = re.compile(r"^== Tests result: (.*) ==$")
# "3 tests failed:", "1 test altered the execution environment (env
# changed):", "2 re-run tests:", "12 tests skipped (resource denied):"
LIST_HEADING = re.compile(r"^(\d+) (re-run tests?|tests?)(?: (.*))?:$")
RERUN_START = re.compile(r"Re-running \d+ failed tests? in verbose mode")
# "0:12:34 load avg: 1.95 [ 3/17/1] test_foo failed (2 errors) -- running..."
PROGRESS = re.compile(r"\[\s*\d+/\d+(?:/\d+)?\] (\S+) (.*?)(?: -- running \(.*)?$")
CASE_FAILURE = re.compile(r"^(FAIL|ERROR|UNEXPECTED SUCCESS): (.+)$")
TOTAL_TESTS = re.compile(r"^Total tests: (.*)$")
TOTAL_FILES = re.compile(r"^Total test files: (.*)$")
TOTAL_DURATION = re.compile(r"^Total duration: (.*)$")
FINAL_RESULT = re.compile(r"^Result: (.*)$")


class Run:
    """The final state of one regrtest run, read from its output."""

    def __init__(self, path):
        self.path = path
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
        self.lists = self._final_lists(lines)
        self.totals = {}
        for key, pattern in (("tests", TOTAL_TESTS), ("files", TOTAL_FILES),
                             ("duration", TOTAL_DURATION),
                             ("result", FINAL_RESULT)):
            for line in lines:
                m = pattern.match(line)
                if m:
                    self.totals[key] = m.group(1)
        if "result" not in self.totals:
            raise SystemExit(f"{path}: no 'Result:' line; the run did not finish")
        self.failing_cases, self.rerun_state = self._rerun_details(lines)

    @staticmethod
    def _final_lists(lines):
        starts = [i for i, line in enumerate(lines) if RESULT_MARKER.match(line)]
        if not starts:
            return {}
        lists = {}
        current = None
        for line in lines[starts[-1] + 1:]:
            m = LIST_HEADING.match(line)
            if m:
                current = "re-run" if m.group(2).startswith("re-run") else m.group(3)
                lists[current] = []
            elif current is not None and line.startswith("    "):
                lists[current].extend(line.split())
            else:
                current = None
        return lists

    @staticmethod
    def _rerun_details(lines):
        """Failing test cases per test file, and each file's last state,
        as printed during the re-run."""
        cases = {}
        states = {}
        start = next((i for i, line in enumerate(lines) if RERUN_START.search(line)), None)
        if start is None:
            return cases, states
        # The re-run's own verdict is the last "== Tests result" line: a
        # re-run subprocess that matched no test prints one of its own
        # ("NO TESTS RAN") in the middle of the re-run.
        end = max((i for i, line in enumerate(lines) if RESULT_MARKER.match(line)),
                  default=len(lines))
        module = None
        for line in lines[start + 1:end]:
            m = PROGRESS.search(line)
            if m:
                module = m.group(1)
                states[module] = m.group(2)
                continue
            m = CASE_FAILURE.match(line)
            if m and module is not None:
                cases.setdefault(module, set()).add(f"{m.group(1)}: {m.group(2)}")
        return cases, states

    def failed(self):
        """Test files failing after the re-run; env changed counts, as it
        does with --fail-env-changed."""
        env = self.lists.get("altered the execution environment (env changed)", [])
        return set(self.lists.get("failed", [])) | set(env)

    def flaky(self):
        return set(self.lists.get("re-run", [])) - self.failed()

    def describe(self, module):
        return self.rerun_state.get(module, "failed")

    def summary(self):
        failed = sorted(self.failed())
        parts = [f"tests: {self.totals.get('tests', '?')}",
                 f"files: {self.totals.get('files', '?')}",
                 f"failing after re-run: {len(failed)}"
                 + (f" ({' '.join(failed)})" if failed else ""),
                 f"passed on re-run: {len(self.flaky())}",
                 f"regrtest time: {self.totals.get('duration', '?')}"]
        return "; ".join(parts)


def compare(name, stock, patched):
    """Print the comparison; return the number of new failures."""
    new = []
    fixed = []
    both = []
    for module in sorted(patched.failed() - stock.failed()):
        new.append(f"{module}: {patched.describe(module)}")
        new.extend(f"    {case}" for case in sorted(patched.failing_cases.get(module, ())))
    for module in sorted(stock.failed() - patched.failed()):
        fixed.append(f"{module}: {stock.describe(module)} on stock")
    for module in sorted(stock.failed() & patched.failed()):
        ours = patched.failing_cases.get(module, set())
        theirs = stock.failing_cases.get(module, set())
        if ours - theirs:
            new.append(f"{module}: fails on both, with new failing cases:")
            new.extend(f"    {case}" for case in sorted(ours - theirs))
        if theirs - ours:
            fixed.append(f"{module}: cases failing on stock only:")
            fixed.extend(f"    {case}" for case in sorted(theirs - ours))
        if not ours - theirs:
            both.append(module)

    print(f"full suite, {name} build: stock   {stock.summary()}")
    print(f"full suite, {name} build: patched {patched.summary()}")
    print("    failing tests are re-run once on each side; a test that passes"
          " when re-run counts as flaky, not failed")
    for label, run in (("stock", stock), ("patched", patched)):
        if run.flaky():
            print(f"    flaky on {label} (failed, then passed on re-run): "
                  + " ".join(sorted(run.flaky())))
    if both:
        print("    failing on both sides (environment; cancel out): " + " ".join(both))
    print(f"    new failures ({name}):" + (" none" if not new else ""))
    for line in new:
        print(f"      {line}")
    print(f"    fixed failures ({name}):" + (" none" if not fixed else ""))
    for line in fixed:
        print(f"      {line}")
    return sum(1 for line in new if not line.startswith("    "))


def main(argv):
    if len(argv) == 3 and argv[1] == "summary":
        print(Run(argv[2]).summary())
        return 0
    if len(argv) == 5 and argv[1] == "compare":
        return 1 if compare(argv[2], Run(argv[3]), Run(argv[4])) else 0
    print("usage: regrtest_log.py summary LOG\n"
          "       regrtest_log.py compare NAME STOCK_LOG PATCHED_LOG", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
