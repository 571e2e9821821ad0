"""First accesses of a cached_property on fresh instances, for callgrind.

    valgrind --tool=callgrind PYTHON Tools/cachebench/first_access_loop.py MODE N

MODE c reads a cached_property once on each of N fresh instances; MODE m
does what a hand-written cache does instead (calls a plain method with the
getter's body and stores the result: the reference of the benchmark's
"first access" figure).  Instructions per first access are the difference
between the counts for two values of N, divided by the difference of the N:
that cancels start-up and shutdown, and leaves what one instance costs,
including making and freeing it.  Run it with PYTHONHASHSEED=0 so that both
runs hash alike.
"""
import functools
import sys


# The classes of cachebench.py's figure_first, copied rather than imported
# (they are local to that function), so that these counts explain that
# figure.
class Cached:
    def __init__(self):
        self.base = 1

    @functools.cached_property
    def value(self):
        return self.base + 1


class Manual:
    def __init__(self):
        self.base = 1

    def compute(self):
        return self.base + 1


def first_access(objs):
    for o in objs:
        o.value


def by_hand(objs):
    for o in objs:
        o.value = o.compute()


def main():
    mode, count = sys.argv[1], int(sys.argv[2])
    cls, run = {'c': (Cached, first_access), 'm': (Manual, by_hand)}[mode]
    for _ in range(20):  # specialize the loops
        run([cls() for _ in range(100)])
    run([cls() for _ in range(count)])


if __name__ == '__main__':
    main()
