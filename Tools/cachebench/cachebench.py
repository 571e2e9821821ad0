"""Benchmark functools caching on stock and patched CPython.

Measures functools.cached_property, functools.cached_method and
functools.lru_cache on a method, on the GIL and the free-threaded build, and
compares a stock interpreter with a patched one.  Standard library only; the
same file runs as the driver and inside every interpreter it measures.

    python cachebench.py drive --interp stock-gil=PATH --interp patched-gil=PATH \\
                               --interp stock-ft=PATH --interp patched-ft=PATH
        Run every figure on every interpreter, each measurement in a fresh
        subprocess of the interpreter measured, print one table and write the
        results as JSON.

    python cachebench.py worker FIGURE [--options-json JSON]
        Measure one figure on the running interpreter; print JSON on stdout.
        The driver runs this; it is also handy on its own.

    python cachebench.py show RESULTS.json
        Print the table of an earlier run.

    python cachebench.py smoke
        Run every figure once, tiny, and check the shape of the results (for
        ./build.sh test; it asserts nothing about time).

Timings are medians over many samples taken in several processes, with the
interpreters interleaved so that a burst of load on a shared machine hits
all of them alike.  Quote the ratios; the absolute times depend on the
machine and on what else runs on it.

Features that an interpreter lacks (functools.cached_method on stock
CPython, for example) are detected at run time and shown as "n/a".
"""

import argparse
import collections
import datetime
import functools
import gc
import itertools
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import sysconfig
import threading
import time
import types

# How long a thread may take to finish before the measurement is abandoned.
# Nothing here should come close; it only keeps a broken build from hanging
# the benchmark.
JOIN_TIMEOUT = 120.0

# The contended getter sleeps this long, so that every thread is inside the
# first access at the same time unless the implementation makes them wait.
CONTENDED_SLEEP = 0.05

# Each figure's worker takes these options; the driver passes them all.
DEFAULT_OPTIONS = {
    "samples": 10,            # paired samples per process
    "sample_ms": 10.0,        # calibrated length of one timing sample
    "threads": None,          # parallel figure; None means all usable CPUs
    "contenders": 8,          # threads in the contended first access
    "rounds": 5,              # rounds of the thread figures per process
    "instances": 1_000_000,   # instances created by the memory figure
    "clock": "wall",          # clock of the single-threaded timings
}

# The clocks the single-threaded timings can use.  Wall time is the measure;
# the thread's CPU time leaves out the time the thread waited for a CPU, for
# machines too busy to give a clean wall-clock figure.  The thread figures
# (contended, seed, parallel) always use wall time.
TIMING_CLOCKS = {"wall": time.perf_counter_ns, "cpu": time.thread_time_ns}


# ---------------------------------------------------------------------------
# What the running interpreter offers


def cached_property_impl():
    """'C' or 'Python': how functools.cached_property is implemented."""
    get = getattr(functools.cached_property, "__get__", None)
    return "Python" if isinstance(get, types.FunctionType) else "C"


def cached_method_impl():
    """'C', 'Python', or None when functools has no cached_method."""
    cached_method = getattr(functools, "cached_method", None)
    if cached_method is None:
        return None

    def probe(self):
        pass

    try:
        descriptor = cached_method(probe)
    except Exception as exc:
        return f"present, but cached_method(func) raised {type(exc).__name__}"
    get = getattr(type(descriptor), "__get__", None)
    if isinstance(get, types.FunctionType) or isinstance(descriptor, types.FunctionType):
        return "Python"
    return "C"


def free_threaded():
    return bool(sysconfig.get_config_var("Py_GIL_DISABLED"))


def gil_enabled():
    is_enabled = getattr(sys, "_is_gil_enabled", None)
    return True if is_enabled is None else is_enabled()


def interpreter_info():
    return {
        "executable": sys.executable,
        "version": sys.version.split()[0],
        "version_full": sys.version,
        "free_threaded": free_threaded(),
        "gil_enabled": gil_enabled(),
        "debug": hasattr(sys, "gettotalrefcount"),
        "config_args": sysconfig.get_config_var("CONFIG_ARGS") or "",
        "cached_property": cached_property_impl(),
        "cached_method": cached_method_impl(),
    }


# ---------------------------------------------------------------------------
# Timing helpers


def make_timer(statement, unroll, clock):
    """Compile a function timing `loops` runs of `statement` on `o`, unrolled.

    Unrolling keeps the cost of the for loop small next to what is measured;
    a fresh code object per timer keeps each statement's specialisation to
    itself.
    """
    body = "; ".join([statement] * unroll)
    source = (
        f"def timer(loops, o):\n"
        f"    iterations = repeat(None, loops)\n"
        f"    start = clock()\n"
        f"    for _ in iterations:\n"
        f"        {body}\n"
        f"    return clock() - start\n"
    )
    namespace = {"repeat": itertools.repeat, "clock": clock}
    exec(source, namespace)
    return namespace["timer"]


def calibrate(run, target_ns):
    """The loop count for which run(loops) takes about target_ns.

    Running it is also the warm-up: the code is specialised and the caches
    are filled before the first sample counts.  The fastest of three runs
    counts, so that one stall on a busy machine does not shrink the loop.
    """
    loops = 1
    while True:
        elapsed = min(run(loops) for _ in range(3))
        if elapsed >= 0.8 * target_ns:
            return loops
        if elapsed < target_ns / 50:
            loops *= 10
        else:
            loops = math.ceil(loops * target_ns / elapsed)


def paired_samples(variants, samples, track_cpu=True):
    """Take `samples` rounds of one sample per variant, in rotating order.

    `variants` maps a name to a function returning one sample.  Rotating the
    order keeps any variant from always running first (or just after a
    collection); pairing lets the ratios be taken per round, so that a slow
    moment on the machine cancels out.

    With track_cpu, "cpu_share" records for every sample the CPU time the
    process got over the wall time it took: well below 1, the machine was
    busy and the sample waited for a CPU (for single-threaded samples only).
    """
    names = list(variants)
    results = {name: [] for name in names}
    shares = []
    for index in range(samples):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            cpu = time.process_time_ns()
            wall = time.perf_counter_ns()
            results[name].append(variants[name]())
            wall = time.perf_counter_ns() - wall
            if wall > 0:
                shares.append((time.process_time_ns() - cpu) / wall)
    if track_cpu:
        results["cpu_share"] = shares
    return results


def ratios(numerators, denominators):
    return [a / b for a, b in zip(numerators, denominators)]


def unrolled_variant(statement, unroll, obj, options):
    """A sampler of `statement` on `obj`: nanoseconds per execution."""
    timer = make_timer(statement, unroll, TIMING_CLOCKS[options["clock"]])
    target_ns = options["sample_ms"] * 1e6
    loops = calibrate(lambda loops: timer(loops, obj), target_ns)
    return lambda: timer(loops, obj) / (loops * unroll)


def run_threads(targets, barrier):
    """Run each target in its own thread and wait for all of them.

    The targets start together at `barrier`.  An exception in a thread
    breaks the barrier, so that no other thread waits for it, and is raised
    here; a thread still running at the deadline is an error too.
    """
    errors = []

    def guarded(target):
        try:
            target()
        except BaseException as exc:
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=guarded, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + JOIN_TIMEOUT
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
        if thread.is_alive():
            raise RuntimeError(f"a benchmark thread did not finish in {JOIN_TIMEOUT:.0f} s")
    if errors:
        raise errors[0]


# ---------------------------------------------------------------------------
# Figures.  Each takes the options and returns a dict of lists of samples,
# which the driver merges over processes and summarises by their medians.


def figure_hit(options):
    """A cached hit of cached_property against a plain attribute load."""

    class Plain:
        def __init__(self):
            self.value = 1

    class Cached:
        @functools.cached_property
        def value(self):
            return 1

    plain = Plain()
    cached = Cached()
    cached.value  # the first access; everything timed below is a hit
    got = paired_samples(
        {
            "plain_ns": unrolled_variant("o.value", 32, plain, options),
            "hit_ns": unrolled_variant("o.value", 32, cached, options),
        },
        options["samples"],
    )
    got["hit_over_plain"] = ratios(got["hit_ns"], got["plain_ns"])
    return got


def figure_first(options):
    """The first access of a cached_property on a fresh instance.

    The reference is the least work a hand-written cache must do on a fresh
    instance: call a plain method with the getter's body and store the result
    as an attribute, `o.value = o.compute()`.  Both are timed over a list of
    fresh instances created before the clock starts.
    """

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

    return first_access_samples(Cached, Manual, "", options)


def first_access_samples(cached_cls, manual_cls, prefix, options):
    """Paired samples of `o.value` on fresh instances of cached_cls and of
    `o.value = o.compute()` on fresh instances of manual_cls, created before
    the clock starts: {prefix}first_ns, {prefix}manual_ns and their ratio,
    {prefix}first_over_manual."""
    clock = TIMING_CLOCKS[options["clock"]]
    first_timer = make_timer_over_list("o.value", clock)
    manual_timer = make_timer_over_list("o.value = o.compute()", clock)

    def sampler(cls, timer):
        def run(count):
            objs = [cls() for _ in range(count)]
            return timer(objs)

        return run

    target = options["sample_ms"] * 1e6
    first_run = sampler(cached_cls, first_timer)
    manual_run = sampler(manual_cls, manual_timer)
    first_count = calibrate(first_run, target)
    manual_count = calibrate(manual_run, target)
    first, manual = f"{prefix}first_ns", f"{prefix}manual_ns"
    got = paired_samples(
        {
            first: lambda: first_run(first_count) / first_count,
            manual: lambda: manual_run(manual_count) / manual_count,
        },
        options["samples"],
    )
    got[f"{prefix}first_over_manual"] = ratios(got[first], got[manual])
    return got


def slotted_cached_class():
    """A class that names its cached_property in __slots__, or None where
    cached_property cannot keep its value in a slot (stock CPython)."""
    try:
        class Slotted:
            __slots__ = ("base", "value")

            def __init__(self):
                self.base = 1

            @functools.cached_property
            def value(self):
                return self.base + 1
    except ValueError:  # 'value' in __slots__ conflicts with class variable
        return None
    return Slotted


def figure_slot_hit(options):
    """A cached hit on a slotted instance against a plain slot read."""
    Slotted = slotted_cached_class()
    if Slotted is None:
        return {}

    class PlainSlot:
        __slots__ = ("value",)

        def __init__(self):
            self.value = 2

    plain = PlainSlot()
    cached = Slotted()
    cached.value  # the first access; everything timed below is a hit
    got = paired_samples(
        {
            "slot_plain_ns": unrolled_variant("o.value", 32, plain, options),
            "slot_hit_ns": unrolled_variant("o.value", 32, cached, options),
        },
        options["samples"],
    )
    got["slot_hit_over_plain"] = ratios(got["slot_hit_ns"], got["slot_plain_ns"])
    return got


def figure_slot_first(options):
    """The first access on a slotted instance, against calling a plain
    method with the getter's body and storing into a plain slot."""
    Slotted = slotted_cached_class()
    if Slotted is None:
        return {}

    class Manual:
        __slots__ = ("base", "value")

        def __init__(self):
            self.base = 1

        def compute(self):
            return self.base + 1

    return first_access_samples(Slotted, Manual, "slot_", options)


def make_timer_over_list(statement, clock):
    """Compile a function timing `statement` once for every `o` in a list."""
    source = (
        "def timer(objs):\n"
        "    start = clock()\n"
        "    for o in objs:\n"
        f"        {statement}\n"
        "    return clock() - start\n"
    )
    namespace = {"clock": clock}
    exec(source, namespace)
    return namespace["timer"]


def figure_contended(options):
    """N threads make the first access of one instance at the same moment.

    The getter sleeps, so without a lock every thread runs it.  Counts the
    getter calls, the distinct objects the threads got back, and the wall
    time from the first thread's start to the last thread's end.
    """
    n = options["contenders"]
    got = {"getter_calls": [], "distinct_results": [], "wall_ms": []}
    for _ in range(options["rounds"]):
        calls = []
        calls_lock = threading.Lock()

        class Slow:
            @functools.cached_property
            def value(self):
                with calls_lock:
                    calls.append(None)
                time.sleep(CONTENDED_SLEEP)
                return object()

        obj = Slow()
        barrier = threading.Barrier(n)
        results = [None] * n
        spans = [None] * n

        def access(index):
            barrier.wait(JOIN_TIMEOUT)
            start = time.perf_counter_ns()
            results[index] = obj.value
            spans[index] = (start, time.perf_counter_ns())

        run_threads([functools.partial(access, i) for i in range(n)], barrier)
        got["getter_calls"].append(len(calls))
        got["distinct_results"].append(len({id(r) for r in results}))
        got["wall_ms"].append(wall_ns(spans) / 1e6)
    return got


def figure_method_contended(options):
    """N threads released together call one instance's cached method with
    one key, and the method sleeps.  Counts the calls of the method and the
    distinct objects returned, and times the wall from the first thread's
    start to the last one's end: for lru_cache on the method (all stock has)
    and for cached_method where present."""
    n = options["contenders"]
    decorators = {"lru_cache": functools.lru_cache(maxsize=128)}
    if hasattr(functools, "cached_method"):
        decorators["cached_method"] = functools.cached_method
    got = {}
    for name, decorate in decorators.items():
        for key in ("calls", "distinct_results", "wall_ms"):
            got[f"{name}_{key}"] = []
        for _ in range(options["rounds"]):
            calls = []
            calls_lock = threading.Lock()

            def load(self, key):
                with calls_lock:
                    calls.append(key)
                time.sleep(CONTENDED_SLEEP)
                return object()

            cls = type("Loader", (), {"load": decorate(load)})
            obj = cls()
            barrier = threading.Barrier(n)
            results = [None] * n
            spans = [None] * n

            def call(index):
                barrier.wait(JOIN_TIMEOUT)
                start = time.perf_counter_ns()
                results[index] = obj.load("key")
                spans[index] = (start, time.perf_counter_ns())

            run_threads([functools.partial(call, i) for i in range(n)],
                        barrier)
            got[f"{name}_calls"].append(len(calls))
            got[f"{name}_distinct_results"].append(
                len({id(r) for r in results}))
            got[f"{name}_wall_ms"].append(wall_ns(spans) / 1e6)
    return got


def wall_ns(spans):
    return max(end for _, end in spans) - min(start for start, _ in spans)


def figure_seed(options):
    """Example 1 of the Lazylock seed, as written there: 4 pool threads, two
    instances each asked twice, a getter that counts its calls and sleeps
    0.1 s.  Times the map call (the pool is started before the clock)."""
    from multiprocessing.pool import ThreadPool

    class Foo:
        def __init__(self):
            self.__increment = 0

        @functools.cached_property
        def bar(self):
            self.__increment += 1
            time.sleep(0.1)
            return self.__increment

    got = {"result": [], "wall_s": []}
    with ThreadPool(4) as tpool:
        for _ in range(options["rounds"]):
            objs = [Foo(), Foo()] * 2
            start = time.perf_counter_ns()
            result = tpool.map(lambda foo: foo.bar, objs)
            got["wall_s"].append((time.perf_counter_ns() - start) / 1e9)
            got["result"].append(result)
    return got


def figure_parallel(options):
    """First accesses on distinct instances with a CPU-bound getter: one
    thread against T threads each doing the same amount of work.

    speedup = T * time(1 thread) / time(T threads); perfect scaling gives T,
    one lock per descriptor (Python 3.8-3.11) gives about 1.
    """
    threads = options["threads"] or usable_cpus()

    class Work:
        def __init__(self, n):
            self.n = n

        @functools.cached_property
        def value(self):
            total = 0
            for i in range(self.n):
                total += i
            return total

    def run(nthreads, count):
        batches = [[Work(500) for _ in range(count)] for _ in range(nthreads)]
        barrier = threading.Barrier(nthreads)
        spans = [None] * nthreads

        def worker(index):
            objs = batches[index]
            barrier.wait(JOIN_TIMEOUT)
            start = time.perf_counter_ns()
            for o in objs:
                o.value
            spans[index] = (start, time.perf_counter_ns())

        run_threads([functools.partial(worker, i) for i in range(nthreads)], barrier)
        return wall_ns(spans)

    # Long enough that starting the threads is noise, short enough to repeat.
    count = calibrate(lambda count: run(1, count), 5 * options["sample_ms"] * 1e6)
    got = paired_samples(
        {
            "one_thread_ms": lambda: run(1, count) / 1e6,
            "all_threads_ms": lambda: run(threads, count) / 1e6,
        },
        options["rounds"],
        track_cpu=False,
    )
    got["speedup"] = [threads * one / many for one, many in
                      zip(got["one_thread_ms"], got["all_threads_ms"])]
    got["threads"] = [threads]
    got["getters_per_thread"] = [count]
    return got


# The classes of the parallel_hits figure are defined at the top level, as
# most classes are: 3.13's free-threaded build counts the references of
# top-level functions (and of the C descriptors made for them) without
# contention between threads, and those of nested ones with it.
class ParallelHitsProperty:
    @functools.cached_property
    def value(self):
        return 1


class ParallelHitsMethods:
    def plain(self, x):
        return x

    if hasattr(functools, "cached_method"):
        @functools.cached_method
        def cached(self, x):
            return x


def figure_parallel_hits(options):
    """Cache hits on distinct instances of one class: one thread against T
    threads each making the same number of hits (speedup as for parallel).

    The instances share only the descriptor, so the hits should scale like
    plain method calls, the reference.
    """
    threads = options["threads"] or usable_cpus()
    statements = {
        "cached_property": (ParallelHitsProperty, "o.value"),
        "plain_method": (ParallelHitsMethods, "o.plain(1)"),
    }
    if hasattr(ParallelHitsMethods, "cached"):
        statements["cached_method"] = (ParallelHitsMethods, "o.cached(1)")
    got = {"threads": [threads]}
    for name, (cls, statement) in statements.items():
        timer = make_timer(statement, 16, time.perf_counter_ns)

        def run(nthreads, loops, cls=cls, timer=timer):
            objs = [cls() for _ in range(nthreads)]
            for o in objs:
                timer(1, o)  # the first access fills the caches
            barrier = threading.Barrier(nthreads)
            spans = [None] * nthreads

            def worker(index):
                barrier.wait(JOIN_TIMEOUT)
                start = time.perf_counter_ns()
                timer(loops, objs[index])
                spans[index] = (start, time.perf_counter_ns())

            run_threads([functools.partial(worker, i) for i in range(nthreads)], barrier)
            return wall_ns(spans)

        loops = calibrate(lambda loops: run(1, loops), 5 * options["sample_ms"] * 1e6)
        samples = paired_samples(
            {"one": lambda: run(1, loops), "all": lambda: run(threads, loops)},
            options["rounds"],
            track_cpu=False,
        )
        got[f"{name}_speedup"] = [threads * one / many for one, many in
                                  zip(samples["one"], samples["all"])]
    return got


def usable_cpus():
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def per_instance_cache(func):
    """The pure-Python per-instance method cache used as a reference: a dict
    kept in the instance's __dict__, keyed by the positional arguments."""
    slot = f"_{func.__name__}_cache"

    @functools.wraps(func)
    def wrapper(self, *args):
        try:
            cache = self.__dict__[slot]
        except KeyError:
            cache = self.__dict__[slot] = {}
        try:
            return cache[args]
        except KeyError:
            pass
        result = cache[args] = func(self, *args)
        return result

    return wrapper


def method_classes(refers_back=False):
    """One class per way of caching a method (cached_method only if present).

    With refers_back, the method's result holds the instance, as a child
    object that points to its parent does."""

    if refers_back:
        def meth(self, x):
            return [self, x]
    else:
        def meth(self, x):
            return self.base + x

    decorators = {
        "plain": lambda f: f,
        "lru_cache": functools.lru_cache(maxsize=128),
        "lru_cache_unbounded": functools.lru_cache(maxsize=None),
        "pure_python": per_instance_cache,
    }
    if hasattr(functools, "cached_method"):
        decorators["cached_method"] = functools.cached_method

    classes = {}
    for name, decorate in decorators.items():
        def __init__(self, base=1):
            self.base = base

        classes[name] = type(f"Obj_{name}", (), {
            "__init__": __init__,
            "meth": decorate(meth),
        })
    return classes


def figure_method_hit(options):
    """A cache hit through obj.meth(1) for each way of caching a method."""
    classes = method_classes()
    del classes["lru_cache_unbounded"]
    variants = {}
    for name, cls in classes.items():
        obj = cls()
        obj.meth(1)  # fill the cache
        variants[f"{name}_ns"] = unrolled_variant("o.meth(1)", 16, obj, options)
    return paired_samples(variants, options["samples"])


def figure_memory(options):
    """Peak RSS after creating and dropping many instances, each calling a
    cached method once.  Run in a fresh process per variant (--variant)."""
    import resource

    variant = options["variant"]
    if variant.startswith("cached_property_"):
        return cached_property_memory(options)
    name = variant.removesuffix("_refers_back")
    classes = method_classes(refers_back=name != variant)
    if name not in classes:
        return {"unavailable": True}
    cls = classes[name]
    gc.collect()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for i in range(options["instances"]):
        cls(i).meth(1)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # ru_maxrss is in KiB on Linux (bytes on macOS).
    scale = 1 / 1024 if sys.platform != "darwin" else 1 / 2**20
    return {"peak_mib": [after * scale], "start_mib": [before * scale]}


def cached_property_memory(options):
    """Peak RSS while many instances are alive, each with one computed
    cached_property: kept in __dict__, or in a slot of its name."""
    import resource

    if options["variant"] == "cached_property_slots":
        cls = slotted_cached_class()
        if cls is None:
            return {"unavailable": True}
    else:
        class InDict:
            def __init__(self):
                self.base = 1

            @functools.cached_property
            def value(self):
                return self.base + 1

        cls = InDict
    gc.collect()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    objs = [cls() for _ in range(options["instances"])]
    for obj in objs:
        obj.value
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    scale = 1 / 1024 if sys.platform != "darwin" else 1 / 2**20
    return {"peak_mib": [after * scale], "start_mib": [before * scale]}


FIGURES = {
    "hit": figure_hit,
    "first": figure_first,
    "slot_hit": figure_slot_hit,
    "slot_first": figure_slot_first,
    "contended": figure_contended,
    "seed": figure_seed,
    "parallel": figure_parallel,
    "parallel_hits": figure_parallel_hits,
    "method_hit": figure_method_hit,
    "method_contended": figure_method_contended,
    "memory": figure_memory,
}

# Figures that only make sense on one kind of build.
FREE_THREADED_ONLY = {"parallel", "parallel_hits"}

# The memory figure's variants, each measured in its own process.
MEMORY_VARIANTS = ["plain", "lru_cache_unbounded", "cached_method",
                   "plain_refers_back", "cached_method_refers_back",
                   "cached_property_dict", "cached_property_slots"]


def worker_main(args):
    options = dict(DEFAULT_OPTIONS)
    if args.options_json:
        options.update(json.loads(args.options_json))
    if args.figure == "info":
        result = {"info": interpreter_info()}
    else:
        gc.collect()
        if args.figure != "memory":
            # The collector would add pauses to whichever sample it lands in;
            # the memory figure keeps it, as real programs do.
            gc.disable()
        result = {"values": FIGURES[args.figure](options)}
        result["gil_enabled"] = gil_enabled()
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


# ---------------------------------------------------------------------------
# The driver


INTERPRETER_NAMES = ["stock-gil", "patched-gil", "stock-ft", "patched-ft"]
BUILDS = {"gil": "GIL", "ft": "FT"}


def machine_info():
    info = {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_model": cpu_model(),
        "cpu_count": os.cpu_count(),
        "usable_cpus": usable_cpus(),
        "memory_gib": memory_gib(),
    }
    return info


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key.strip() in ("model name", "Model", "Hardware"):
                    return value.strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_gib():
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return None


def load_average():
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


class Driver:
    def __init__(self, interpreters, options, processes, memory_runs):
        self.interpreters = interpreters  # name -> path
        self.options = options
        self.processes = processes
        self.memory_runs = memory_runs
        self.errors = []

    def run_worker(self, name, figure, options=None):
        command = [self.interpreters[name], "-I", os.path.abspath(__file__),
                   "worker", figure,
                   "--options-json", json.dumps(options or self.options)]
        try:
            proc = subprocess.run(command, capture_output=True, text=True,
                                  timeout=JOIN_TIMEOUT * 5)
        except subprocess.TimeoutExpired:
            self.errors.append(f"{figure} on {name}: timed out")
            return None
        if proc.returncode != 0:
            tail = proc.stderr.strip().splitlines()[-5:]
            self.errors.append(f"{figure} on {name}: exit status {proc.returncode}: "
                               + " | ".join(tail))
            return None
        return json.loads(proc.stdout)

    def applicable(self, name, figure):
        build = name.rsplit("-", 1)[1]
        return not (figure in FREE_THREADED_ONLY and build != "ft")

    def measure(self, figure):
        """Samples of one figure on every interpreter, merged over processes.

        The interpreters take turns, in a rotating order, process by process.
        """
        merged = {name: None for name in self.interpreters}
        names = [n for n in self.interpreters if self.applicable(n, figure)]
        for index in range(self.processes):
            shift = index % len(names)
            for name in names[shift:] + names[:shift]:
                result = self.run_worker(name, figure)
                if result is None:
                    continue
                if merged[name] is None:
                    merged[name] = {"values": {}, "gil_enabled": []}
                merged[name]["gil_enabled"].append(result["gil_enabled"])
                for key, samples in result["values"].items():
                    merged[name]["values"].setdefault(key, []).extend(samples)
        return merged

    def measure_memory(self):
        """One fresh process per interpreter, variant and repetition."""
        merged = {name: {"values": {}, "gil_enabled": []} for name in self.interpreters}
        for index in range(self.memory_runs):
            for variant in MEMORY_VARIANTS:
                for name in self.interpreters:
                    options = dict(self.options, variant=variant)
                    result = self.run_worker(name, "memory", options)
                    if result is None or result["values"].get("unavailable"):
                        continue
                    merged[name]["gil_enabled"].append(result["gil_enabled"])
                    values = merged[name]["values"]
                    for key in ("peak_mib", "start_mib"):
                        values.setdefault(f"{variant}_{key}", []).extend(
                            result["values"][key])
        return merged


def summarize(samples):
    """Median and relative half interquartile range of a list of numbers."""
    if not samples:
        return None
    median = statistics.median(samples)
    if len(samples) >= 4:
        q1, _, q3 = statistics.quantiles(samples, n=4)
        spread = (q3 - q1) / 2 / median if median else 0.0
    else:
        spread = None
    return {"median": median, "spread": spread, "n": len(samples),
            "min": min(samples), "max": max(samples)}


def summarize_results(results):
    """Per figure and interpreter: each metric's summary; for the seed
    example's result lists, the most common list and how often it came."""
    summary = {}
    for figure, per_interp in results.items():
        summary[figure] = {}
        for name, got in per_interp.items():
            if not got:
                summary[figure][name] = None
                continue
            entry = {}
            for key, value in got["values"].items():
                if key == "result":
                    counts = collections.Counter(json.dumps(r) for r in value)
                    common, times = counts.most_common(1)[0]
                    entry[key] = {"most_common": json.loads(common),
                                  "count": times, "n": len(value)}
                else:
                    entry[key] = summarize(value)
            entry["gil_enabled"] = any(got["gil_enabled"])
            summary[figure][name] = entry
    return summary


# The table: one row per figure and build.  A metric names a value in the
# summaries of the stock and the patched interpreter; a pair
# (stock_metric, patched_metric) compares two different things, as for
# cached_method, which stock CPython does not have (None: nothing to show).
# Footnotes explain in words what a short label cannot.

FOOTNOTES = {
    "manual": "getter call + store: `o.value = o.compute()` on a fresh instance, where "
              "compute is a plain method with the getter's body",
    "contended": "N threads released together by a barrier make the first access of one "
                 "instance; the getter sleeps {sleep_ms:.0f} ms; wall: first start to last end",
    "seed": "the Lazylock write-up's example 1: ThreadPool(4) maps foo.bar over "
            "[Foo(), Foo()] * 2; the getter counts its calls and sleeps 0.1 s; the map call "
            "is timed",
    "parallel": "distinct instances, CPU-bound getter; speedup = T * time(1 thread) / "
                "time(T threads each doing the same work)",
    "parallel_hits": "hits on distinct instances of one top-level class; speedup as for "
                     "the parallel first access",
    "best": "stock: lru_cache on the method (stock has no cached_method); "
            "patched: functools.cached_method",
    "pure": "pure-Python per-instance cache: a dict in the instance __dict__ keyed by "
            "the arguments",
    "method_contended": "N threads released together by a barrier call obj.load('key') on "
                        "one instance; the method sleeps {sleep_ms:.0f} ms; stock: lru_cache "
                        "on the method; patched: cached_method; wall: first start to last end",
    "memory": "peak RSS (ru_maxrss) of a fresh process creating and dropping {instances:,} "
              "instances, each calling the cached method once",
    "slots": "a class whose __slots__ name the cached_property (stock CPython refuses "
             "it: n/a); plain slot read: a class with the same slot, set in __init__; "
             "slot store: `o.value = o.compute()` into a plain slot",
    "kept": "peak RSS (ru_maxrss) of a fresh process holding {instances:,} instances, each "
            "with one computed cached_property; stock: __dict__ only",
    "refers_back": "as the other peak RSS rows, but the method returns [self, x], which refers back to the "
                   "instance; the cyclic garbage collector runs as usual",
}


CLOCK_NAMES = {"wall": "wall clock (perf_counter_ns)",
               "cpu": "the thread's CPU time (thread_time_ns), not wall time"}


def rows_spec(config):
    """(figure, metric, label, unit, goal, footnote) for every row."""
    n = config["contenders"]
    t = config["threads"]
    instances = config["instances"]
    m = f"{instances / 1e6:g}M" if instances >= 1e6 else f"{instances:,}"
    sleep_ms = CONTENDED_SLEEP * 1000
    return [
        ("hit", "hit_over_plain", "cached_property hit / plain load", "ratio",
         "<= 1.05 on GIL", None),
        ("hit", "hit_ns", "cached_property hit", "ns", "", None),
        ("first", "first_ns", "first access", "ns", "p/s <= 0.5", None),
        ("first", "first_over_manual", "first access / getter call + store", "ratio",
         "<= 1.25", "manual"),
        ("slot_hit", (None, "slot_hit_over_plain"),
         "slotted: cached_property hit / plain slot read", "ratio", "<= 1.05 on GIL",
         "slots"),
        ("slot_hit", (None, "slot_hit_ns"), "slotted: cached_property hit", "ns", "",
         "slots"),
        ("slot_first", (None, "slot_first_over_manual"),
         "slotted: first access / getter call + slot store", "ratio", "<= 1.25",
         "slots"),
        ("contended", "getter_calls", f"contended, {n} threads: getter calls", "count",
         "1", "contended"),
        ("contended", "distinct_results", f"contended, {n} threads: distinct results",
         "count", "1", "contended"),
        ("contended", "wall_ms", f"contended, {n} threads: wall", "ms",
         f"~{sleep_ms:.0f} ms", "contended"),
        ("seed", "result", "seed example 1: result", "list", "[1, 1, 1, 1]", "seed"),
        ("seed", "wall_s", "seed example 1: wall", "s", "~0.1 s", "seed"),
        ("parallel", "speedup", f"parallel first access, {t} threads: speedup", "x",
         f">= {0.9 * t:.1f}", "parallel"),
        ("parallel_hits", "cached_property_speedup",
         f"parallel hits, {t} threads: cached_property", "x", f">= {0.9 * t:.1f}",
         "parallel_hits"),
        ("parallel_hits", (None, "cached_method_speedup"),
         f"parallel hits, {t} threads: cached_method", "x", f">= {0.9 * t:.1f}",
         "parallel_hits"),
        ("parallel_hits", "plain_method_speedup",
         f"parallel hits, {t} threads: plain method call", "x", "", "parallel_hits"),
        ("method_hit", ("lru_cache_ns", "cached_method_ns"), "method hit: best cache", "ns",
         "p/s <= 1", "best"),
        ("method_hit", "lru_cache_ns", "method hit: lru_cache on a method", "ns", "", None),
        ("method_hit", "pure_python_ns", "method hit: pure-Python cache", "ns", "", "pure"),
        ("method_hit", (None, "cached_method_over_pure_python"),
         "method hit: cached_method / pure-Python", "ratio", "<= 0.33", "pure"),
        ("method_hit", "plain_ns", "method call, no cache", "ns", "", None),
        ("method_contended", ("lru_cache_calls", "cached_method_calls"),
         f"method contended, {n} threads: calls", "count", "1", "method_contended"),
        ("method_contended", ("lru_cache_distinct_results",
                              "cached_method_distinct_results"),
         f"method contended, {n} threads: distinct results", "count", "1",
         "method_contended"),
        ("method_contended", ("lru_cache_wall_ms", "cached_method_wall_ms"),
         f"method contended, {n} threads: wall", "ms", f"~{sleep_ms:.0f} ms",
         "method_contended"),
        ("memory", ("lru_cache_unbounded_peak_mib", "cached_method_peak_mib"),
         f"peak RSS, {m} instances: best cache", "MiB", "~ no cache", "best"),
        ("memory", "lru_cache_unbounded_peak_mib",
         f"peak RSS, {m} instances: lru_cache(None)", "MiB", "", "memory"),
        ("memory", "plain_peak_mib", f"peak RSS, {m} instances: no cache", "MiB", "",
         "memory"),
        ("memory", (None, "cached_method_refers_back_peak_mib"),
         f"peak RSS, {m} instances, result refers back: cached_method", "MiB",
         "~ no cache", "refers_back"),
        ("memory", "plain_refers_back_peak_mib",
         f"peak RSS, {m} instances, result refers back: no cache", "MiB", "",
         "refers_back"),
        ("memory", "cached_property_dict_peak_mib",
         f"peak RSS, {m} instances kept: cached_property in __dict__", "MiB", "",
         "kept"),
        ("memory", (None, "cached_property_slots_peak_mib"),
         f"peak RSS, {m} instances kept: cached_property in a slot", "MiB",
         "< in __dict__", "kept"),
    ]


def add_derived(summary, results):
    """Ratios computed from two figures' samples of one interpreter."""
    per_interp = results.get("method_hit", {})
    for name, got in per_interp.items():
        if not got:
            continue
        values = got["values"]
        if "cached_method_ns" in values and "pure_python_ns" in values:
            summary["method_hit"][name]["cached_method_over_pure_python"] = summarize(
                ratios(values["cached_method_ns"], values["pure_python_ns"]))


def format_value(entry, unit):
    if entry is None:
        return "n/a"
    if unit == "list":
        text = json.dumps(entry["most_common"])
        return f"{text} {entry['count']}/{entry['n']}"
    median = entry["median"]
    if unit == "ratio" or unit == "x":
        text = f"{median:.2f}"
    elif unit == "count":
        text = f"{median:g}"
        if entry["min"] != entry["max"]:
            text += f" ({entry['min']:g}-{entry['max']:g})"
        return text
    elif unit == "s":
        text = f"{median:.3f} s"
    elif unit == "ms":
        text = f"{median:.1f} ms"
    elif unit == "MiB":
        text = f"{median:.0f} MiB"
    else:
        text = f"{median:.1f} {unit}"
    if entry.get("spread") is not None and unit not in ("MiB",):
        text += f" ±{entry['spread'] * 100:.0f}%"
    return text


def build_rows(report):
    """The table's rows and the footnotes they refer to, in order."""
    config = report["config"]
    summary = report["summary"]
    rows = []
    notes = []
    for figure, metric, label, unit, goal, note in rows_spec(config):
        if figure not in summary:
            continue
        if note:
            if note not in notes:
                notes.append(note)
            label += f" [{notes.index(note) + 1}]"
        stock_metric, patched_metric = metric if isinstance(metric, tuple) else (metric, metric)
        for build in ("gil", "ft"):
            if figure in FREE_THREADED_ONLY and build != "ft":
                continue
            cells = []
            for role, key in (("stock", stock_metric), ("patched", patched_metric)):
                got = summary[figure].get(f"{role}-{build}")
                cells.append(None if got is None or key is None else got.get(key))
            stock, patched = cells
            ratio = "n/a"
            if unit != "list" and stock and patched and stock["median"]:
                ratio = f"{patched['median'] / stock['median']:.2f}"
            build_label = "FT only" if figure in FREE_THREADED_ONLY else BUILDS[build]
            rows.append([label, build_label, format_value(stock, unit),
                         format_value(patched, unit), ratio, goal])
    return rows, notes


def render_table(report):
    config = report["config"]
    header = ["figure", "build", "stock", "patched", "p/s", "goal"]
    rows, notes = build_rows(report)
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    machine = report["machine"]
    lines = [
        f"cachebench {report['timestamp']}; {machine['cpu_model']}, "
        f"{machine['cpu_count']} cores ({machine['usable_cpus']} usable), "
        f"{machine['memory_gib']} GiB; {machine['platform']}",
        f"load average before {report['load_before']}, after {report.get('load_after')}; "
        f"{config['processes']} process(es) per interpreter and figure; "
        f"single-threaded timings by {CLOCK_NAMES[config.get('clock', 'wall')]}",
    ]
    shares = report.get("cpu_share") or {}
    if shares:
        lines.append("CPU share of single-threaded timing samples (median): " + ", ".join(
            f"{name} {share:.0%}" for name, share in shares.items() if share is not None))
    for name, info in report["interpreters"].items():
        if info is None:
            lines.append(f"  {name:11} unavailable")
            continue
        lines.append(
            f"  {name:11} {info['version']}"
            f"{' free-threaded' if info['free_threaded'] else ''}"
            f"{' debug' if info['debug'] else ''}; "
            f"cached_property in {info['cached_property']}; "
            f"cached_method: {'in ' + info['cached_method'] if info['cached_method'] else 'n/a'}; "
            f"configure {info['config_args'] or '(no options)'}")
    lines.append("")
    fmt = "  ".join(f"{{:{'<' if i < 2 else '>'}{w}}}" for i, w in enumerate(widths[:-1]))
    fmt += "  {}"
    lines.append(fmt.format(*header))
    lines.append(fmt.format(*("-" * w for w in widths)))
    for row in rows:
        lines.append(fmt.format(*row))
    lines.append("")
    lines.append("Medians over all samples; ±: half the interquartile range relative to the "
                 "median;")
    lines.append("(a-b): range; k/n: the result of k rounds out of n; p/s: patched / stock; "
                 "FT: free-threaded build.")
    values = {"sleep_ms": CONTENDED_SLEEP * 1000, "instances": config["instances"]}
    for index, note in enumerate(notes, 1):
        lines.append(f"[{index}] {FOOTNOTES[note].format(**values)}")
    for warning in report.get("warnings", []):
        lines.append(f"warning: {warning}")
    return "\n".join(line.rstrip() for line in lines)


def drive_main(args):
    interpreters = {}
    for spec in args.interp:
        name, sep, path = spec.partition("=")
        if not sep or name not in INTERPRETER_NAMES:
            sys.exit(f"--interp takes NAME=PATH with NAME one of {', '.join(INTERPRETER_NAMES)}")
        interpreters[name] = os.path.abspath(path)
    missing = [n for n in INTERPRETER_NAMES if n not in interpreters]
    if missing:
        sys.exit(f"missing --interp for {', '.join(missing)}")
    # Keep the canonical order whatever order the options came in.
    interpreters = {n: interpreters[n] for n in INTERPRETER_NAMES}

    options = dict(DEFAULT_OPTIONS)
    processes = args.processes
    memory_runs = args.memory_runs
    if args.quick:
        options.update(samples=5, rounds=3, instances=200_000, sample_ms=5.0)
        processes = memory_runs = 1
    if args.samples:
        options["samples"] = args.samples
    if args.rounds:
        options["rounds"] = args.rounds
    if args.instances:
        options["instances"] = args.instances
    options["threads"] = args.threads or usable_cpus()
    options["contenders"] = args.contenders
    options["clock"] = args.clock

    figures = list(FIGURES)
    if args.only:
        figures = [f for f in args.only.split(",") if f]
        unknown = [f for f in figures if f not in FIGURES]
        if unknown:
            sys.exit(f"unknown figure(s) {', '.join(unknown)}; known: {', '.join(FIGURES)}")

    driver = Driver(interpreters, options, processes, memory_runs)
    report = {
        "format": 1,
        "timestamp": datetime.datetime.now().strftime("%Y-%m-%d %H:%M:%S"),
        "machine": machine_info(),
        "load_before": load_average(),
        "config": dict(options, processes=processes, memory_runs=memory_runs,
                       figures=figures),
        "interpreters": {},
        "warnings": [],
    }
    for name, path in interpreters.items():
        got = driver.run_worker(name, "info")
        report["interpreters"][name] = got and got["info"]
    check_interpreters(report)
    if driver.errors:
        for error in driver.errors:
            print(f"cachebench: {error}", file=sys.stderr)
        sys.exit(1)

    results = {}
    for figure in figures:
        started = time.monotonic()
        runs = memory_runs * len(MEMORY_VARIANTS) if figure == "memory" else processes
        progress(f"measuring {figure} on {len(interpreters)} interpreters "
                 f"({runs} process{'es' if runs != 1 else ''} each)")
        if figure == "memory":
            results[figure] = driver.measure_memory()
        else:
            results[figure] = driver.measure(figure)
        progress(f"  {figure}: {time.monotonic() - started:.0f} s")

    report["load_after"] = load_average()
    report["results"] = results
    report["summary"] = summarize_results(results)
    add_derived(report["summary"], results)
    for name in interpreters:
        if not name.endswith("-ft"):
            continue
        figures_with_gil = [figure for figure, per_interp in report["summary"].items()
                            if (per_interp.get(name) or {}).get("gil_enabled")]
        if figures_with_gil:
            report["warnings"].append(
                f"the GIL was enabled at run time in {name} during {', '.join(figures_with_gil)}")
    report["cpu_share"] = cpu_share_by_interpreter(results)
    busy = [f"{name} {share:.0%}" for name, share in report["cpu_share"].items()
            if share is not None and share < 0.9]
    if busy:
        report["warnings"].append(
            "the machine was busy: single-threaded timing samples got only "
            + ", ".join(busy) + " of a CPU (median); "
            + ("their times are inflated and noisy (--clock cpu leaves the waits out)"
               if options["clock"] == "wall" else "the CPU clock leaves the waits out"))
    report["errors"] = driver.errors
    report["table"] = render_table(report)
    print(report["table"])
    for error in driver.errors:
        print(f"error: {error}")
    if args.json_dir:
        os.makedirs(args.json_dir, exist_ok=True)
        stamp = report["timestamp"].replace(" ", "T").replace(":", "")
        path = os.path.join(args.json_dir, f"{stamp}.json")
        with open(path, "w") as f:
            json.dump(report, f, indent=1)
            f.write("\n")
        print(f"results written to {path}")
    if driver.errors:
        sys.exit(1)


def cpu_share_by_interpreter(results):
    """Median CPU share of every single-threaded timing sample, per interpreter."""
    shares = collections.defaultdict(list)
    for per_interp in results.values():
        for name, got in per_interp.items():
            if got:
                shares[name].extend(got["values"].get("cpu_share", []))
    return {name: statistics.median(values) if values else None
            for name, values in shares.items()}


def check_interpreters(report):
    for name, info in report["interpreters"].items():
        if info is None:
            continue
        wants_ft = name.endswith("-ft")
        if info["free_threaded"] != wants_ft:
            sys.exit(f"{name} ({info['executable']}) is "
                     f"{'' if info['free_threaded'] else 'not '}a free-threaded build")
        if info["debug"]:
            report["warnings"].append(f"{name} is a debug build: its timings mean little")


def progress(message):
    print(f"    {message}", file=sys.stderr, flush=True)


def smoke_main(args):
    """Run every figure once, tiny, on this interpreter and check the shape
    of what comes back.  Checks that the benchmark still works (for
    ./build.sh test); it asserts nothing about time."""
    options = dict(DEFAULT_OPTIONS, samples=2, rounds=1, sample_ms=0.2, threads=2,
                   contenders=3, instances=2000)
    problems = []
    for figure, measure in FIGURES.items():
        variants = MEMORY_VARIANTS if figure == "memory" else [None]
        for variant in variants:
            values = measure(dict(options, variant=variant))
            if values.get("unavailable"):
                continue
            label = figure + (f" ({variant})" if variant else "")
            for key, samples in values.items():
                if not isinstance(samples, list) or not samples:
                    problems.append(f"{label}: {key} is not a non-empty list")
                elif key != "result" and not all(
                        isinstance(x, (int, float)) and x >= 0 for x in samples):
                    problems.append(f"{label}: {key} has a negative or non-numeric sample")
            if figure == "contended":
                for key in ("getter_calls", "distinct_results"):
                    if not all(1 <= x <= options["contenders"] for x in values[key]):
                        problems.append(f"contended: {key} {values[key]} out of range")
            if figure == "seed":
                for result in values["result"]:
                    if len(result) != 4 or not set(result) <= {1, 2}:
                        problems.append(f"seed: unexpected result {result}")
            if figure == "method_contended":
                for key in ("lru_cache_calls", "cached_method_calls"):
                    if not all(1 <= x <= options["contenders"]
                               for x in values.get(key, [1])):
                        problems.append(f"method_contended: {key} {values[key]} "
                                        "out of range")
            if figure == "method_hit" and hasattr(functools, "cached_method"):
                if "cached_method_ns" not in values:
                    problems.append("method_hit: functools.cached_method was not measured")
            print(f"ok {label}: {', '.join(sorted(values))}")
    info = interpreter_info()
    print(f"cached_property in {info['cached_property']}, "
          f"cached_method: {info['cached_method'] or 'n/a'}")
    for problem in problems:
        print(f"problem: {problem}")
    sys.exit(1 if problems else 0)


def show_main(args):
    with open(args.results) as f:
        report = json.load(f)
    print(render_table(report))


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Benchmark functools caching on stock and patched CPython.")
    sub = parser.add_subparsers(dest="mode", required=True)

    drive = sub.add_parser("drive", help="run all figures on four interpreters")
    drive.add_argument("--interp", action="append", default=[], metavar="NAME=PATH",
                       help=f"an interpreter; NAME is one of {', '.join(INTERPRETER_NAMES)}")
    drive.add_argument("--threads", type=int, default=None,
                       help="threads of the parallel figure (default: all usable CPUs)")
    drive.add_argument("--contenders", type=int, default=DEFAULT_OPTIONS["contenders"],
                       help="threads of the contended first access (default: %(default)s)")
    drive.add_argument("--processes", type=int, default=5,
                       help="processes per interpreter and figure (default: %(default)s); "
                            "each process settles into its own speed, so many processes "
                            "with fewer samples each beat the reverse")
    drive.add_argument("--memory-runs", type=int, default=2,
                       help="fresh processes per interpreter and variant of the memory "
                            "figure (default: %(default)s; peak RSS barely varies)")
    drive.add_argument("--samples", type=int, help="samples per process")
    drive.add_argument("--rounds", type=int, help="rounds of the thread figures per process")
    drive.add_argument("--instances", type=int, help="instances of the memory figure")
    drive.add_argument("--clock", choices=sorted(TIMING_CLOCKS), default="wall",
                       help="clock of the single-threaded timings: wall (perf_counter_ns, "
                            "the default) or cpu (thread_time_ns, for a busy machine)")
    drive.add_argument("--only", help="comma-separated figures: " + ",".join(FIGURES))
    drive.add_argument("--quick", action="store_true",
                       help="fewer samples and one process: a smoke run, not a result")
    drive.add_argument("--json-dir", help="write the results to DIR/<timestamp>.json")

    worker = sub.add_parser("worker", help="measure one figure on this interpreter")
    worker.add_argument("figure", choices=list(FIGURES) + ["info"])
    worker.add_argument("--options-json", help="options as a JSON object")

    sub.add_parser("smoke", help="run every figure once, tiny, and check the output's shape")

    show = sub.add_parser("show", help="print the table of a results file")
    show.add_argument("results")

    args = parser.parse_args(argv)
    {"drive": drive_main, "worker": worker_main, "smoke": smoke_main,
     "show": show_main}[args.mode](args)


if __name__ == "__main__":
    main()
