/* Computations in flight: how functools.cached_property and
   functools.cached_method make the threads that ask for a value being
   computed wait for it.

   cached_property (Objects/cachedpropertyobject.c) computes a value once per
   instance, and cached_method (Modules/_functoolsmodule.c) once per instance
   and key, however many threads ask for it at the same time.

   The first thread to miss registers a flight (_PyCacheFlight) in a table
   of its own (the descriptor's list of records, the cache's dict of
   flights) and computes with no lock held; the others find the flight
   there, take a reference to it and block on its event with their thread
   detached: they hold neither the GIL nor a critical section, cannot stall
   a stop-the-world pause, and a signal interrupts them.  The owner
   unregisters the flight when it has finished, whether it succeeded or
   raised, and then wakes the waiters up.

   Two ways to wait forever become a RuntimeError instead.  A thread that
   asks for a result that it is computing itself, below on its stack (the
   callers check _PyCacheFlight_Reentered()), and a cycle of threads that
   each wait for a result that another one computes.  Cycles are found with
   a wait-for graph in the interpreter state, as importlib finds them for
   module locks: before waiting, a thread follows flight -> owner -> flight
   that owner waits for -> ... and refuses to wait if it gets back to
   itself.

   After fork() only the forking thread exists in the child, so flights
   begun before the fork would never end.  PyOS_AfterFork_Child() bumps the
   interpreter's fork generation; a flight of an older generation counts as
   absent (_PyCacheFlight_Orphaned()), unless the thread that forked owns
   it.  So does, once the interpreter finalizes, a flight of a thread other
   than the finalizing one. */

#include "Python.h"
#include "pycore_descrobject.h"   // _PyCacheFlight
#include "pycore_frame.h"         // _PyInterpreterFrame
#include "pycore_lock.h"          // PyEvent
#include "pycore_pystate.h"       // _PyThreadState_GET()


// A node of the wait-for graph, on the stack of the thread that waits.
typedef struct _PyCacheFlightWaiter {
    unsigned long thread;
    _PyCacheFlight *waiting_for;
    struct _PyCacheFlightWaiter *next;
} flight_waiter;

static inline struct _Py_cache_flights *
current_flights(void)
{
    return &_PyInterpreterState_GET()->cache_flights;
}

/* The current thread's identifier, the value PyThread_get_thread_ident()
   returns, without a call. */
static inline unsigned long
current_thread_id(void)
{
    return _PyThreadState_GET()->thread_id;
}

void
_PyCacheFlight_Begin(_PyCacheFlight *flight)
{
    PyThreadState *tstate = _PyThreadState_GET();
    flight->done = (PyEvent){0};
    flight->owner = tstate->thread_id;
    flight->owner_frame = tstate->current_frame;
    flight->fork_generation = _Py_atomic_load_uint64_relaxed(
        &tstate->interp->cache_flights.fork_generation);
    flight->refcount = 1;
}

/* Once the interpreter finalizes, only the finalizing thread runs Python
   code: any other thread, a daemon thread inside a getter for instance,
   stops where it next attaches.  Its flights never end, and the finalizing
   thread (a __del__ or weakref callback of the last garbage) must not wait
   for them, much as a forked child must not. */
static int
finalizing_without_owner(_PyCacheFlight *flight)
{
    PyInterpreterState *interp = _PyInterpreterState_GET();
    return _PyInterpreterState_GetFinalizing(interp) != NULL &&
           flight->owner != current_thread_id();
}

/* The thread that forked lives on in the child, so a flight of its own is
   still running, and the threads that the child starts wait for it as
   they would in the parent; the threads that waited for it are gone with
   their references.  Its own: begun by the thread that made every fork()
   since (a flight of a thread of the parent that is gone, whose identifier
   the forking thread happens to reuse, is an orphan).  The first caller in
   the child takes it over for the child's generation, holding the lock of
   the flight's table, before which its owner cannot end it. */
int
_PyCacheFlight_Orphaned(_PyCacheFlight *flight)
{
    struct _Py_cache_flights *flights = current_flights();
    uint64_t generation = _Py_atomic_load_uint64_relaxed(
        &flights->fork_generation);
    if (flight->fork_generation == generation) {
        return finalizing_without_owner(flight);
    }
    if (flight->owner == flights->fork_thread &&
        flight->fork_generation + 1 >= flights->fork_thread_since)
    {
        flight->fork_generation = generation;
        _Py_atomic_store_ssize_relaxed(&flight->refcount, 1);
        return 0;
    }
    return 1;
}

/* Whether frame is on the current thread's stack.  NULL (the owner began
   with no frame running) counts as present. */
static int
frame_on_stack(_PyInterpreterFrame *frame)
{
    if (frame == NULL) {
        return 1;
    }
    _PyInterpreterFrame *f = _PyThreadState_GET()->current_frame;
    for (; f != NULL; f = f->previous) {
        if (f == frame) {
            return 1;
        }
    }
    return 0;
}

/* Greenlets switch stacks within one thread, and a greenlet's stack does
   not hold the frames of another one that is paused in the computation:
   that greenlet may not wait (the owner can only resume on this thread)
   but is no re-entry. */
int
_PyCacheFlight_Reentered(_PyCacheFlight *flight)
{
    return flight->owner == current_thread_id() &&
           frame_on_stack(flight->owner_frame);
}

/* Whether waiting for flight would close a cycle of threads that wait for
   each other.  Called with flights->mutex held.  Each step goes to a
   thread that is itself waiting, so the walk ends within as many steps as
   there are waiters.  A flight that has finished, the one we are about to
   wait for included, ends the walk: whoever waits for it is no longer
   waiting, even if it has not woken up yet to take its node out of the
   list.  (The thread that finished a flight set its event before it could
   ask to wait for anything else.) */
static int
would_deadlock(struct _Py_cache_flights *flights, _PyCacheFlight *flight,
               unsigned long me)
{
    Py_ssize_t nwaiters = 0;
    for (flight_waiter *w = flights->waiters; w != NULL; w = w->next) {
        nwaiters++;
    }
    for (Py_ssize_t step = 0; step <= nwaiters; step++) {
        if (_PyEvent_IsSet(&flight->done)) {
            return 0;
        }
        if (flight->owner == me) {
            return 1;
        }
        flight_waiter *w = flights->waiters;
        while (w != NULL && w->thread != flight->owner) {
            w = w->next;
        }
        if (w == NULL) {
            return 0;
        }
        flight = w->waiting_for;
    }
    return 0;
}

/* Put node in the wait-for graph unless waiting for node->waiting_for
   would close a cycle; return whether it would. */
static int
waiter_add(struct _Py_cache_flights *flights, flight_waiter *node)
{
    PyMutex_Lock(&flights->mutex);
    int deadlock = would_deadlock(flights, node->waiting_for, node->thread);
    if (!deadlock) {
        node->next = flights->waiters;
        flights->waiters = node;
    }
    PyMutex_Unlock(&flights->mutex);
    return deadlock;
}

static void
waiter_remove(struct _Py_cache_flights *flights, flight_waiter *node)
{
    PyMutex_Lock(&flights->mutex);
    // After a fork() the list may have been reset; then node is not in it.
    for (flight_waiter **p = &flights->waiters; *p != NULL; p = &(*p)->next)
    {
        if (*p == node) {
            *p = node->next;
            break;
        }
    }
    PyMutex_Unlock(&flights->mutex);
}

/* Whether a signal handler of this thread called fork() since flight was
   registered: in the child its owner, another thread, is gone, and the
   flight never ends.  The waiter returns as if it had ended without a
   result; its caller then finds it orphaned and takes it over. */
static int
forsaken(struct _Py_cache_flights *flights, _PyCacheFlight *flight)
{
    return (_Py_atomic_load_uint64_relaxed(&flights->fork_generation)
            != flight->fork_generation) ||
           finalizing_without_owner(flight);
}

int
_PyCacheFlight_Wait(_PyCacheFlight *flight)
{
    // A signal handler already pending ends the wait before it begins.
    if (PyErr_CheckSignals() < 0) {
        return -1;
    }
    struct _Py_cache_flights *flights = current_flights();
    if (forsaken(flights, flight)) {
        return 0;
    }
    flight_waiter node = {current_thread_id(), flight, NULL};
    if (waiter_add(flights, &node)) {
        return 1;
    }

    /* A signal that arrives while we wait wakes us up; its Python handler
       runs here, in the main thread, and what it raises
       (KeyboardInterrupt) ends the wait, as it ends lock.acquire().  While
       the handler runs this thread waits for nothing: the handler may
       compute what another thread waits for, and that thread must not see
       a cycle through us.  So our node leaves the graph around it, and
       comes back, checked again, if the wait goes on.  A handler that
       became pending without waking us up, as _thread.interrupt_main()
       makes one, runs once the result arrives: otherwise it would run only
       after the call has returned, outside the caller's try statement
       around it. */
    for (;;) {
        int done = PyEvent_WaitTimed(&flight->done, -1, /*detach=*/1);
        waiter_remove(flights, &node);
        if (PyErr_CheckSignals() < 0) {
            return -1;
        }
        if (done) {
            return 0;
        }
        if (forsaken(flights, flight)) {
            return 0;
        }
        if (waiter_add(flights, &node)) {
            return 1;
        }
    }
}

/* Waiters take their reference with the lock of the table held, so once
   the flight is unregistered the count says whether any exist; if none
   does, none will, and no wake-up or atomic update is needed. */
int
_PyCacheFlight_End(_PyCacheFlight *flight)
{
    if (_Py_atomic_load_ssize_acquire(&flight->refcount) == 1) {
        _Py_atomic_store_ssize_release(&flight->refcount, 0);
        return 1;
    }
    _PyEvent_Notify(&flight->done);
    return _PyCacheFlight_AddRef(flight, -1) == 0;
}

#ifdef HAVE_FORK
/* The threads that owned or waited for flights are gone; the nodes of the
   graph were on their stacks.  Only the calling thread runs. */
void
_PyCacheFlight_AfterForkChild(PyInterpreterState *interp)
{
    struct _Py_cache_flights *flights = &interp->cache_flights;
    uint64_t generation = _Py_atomic_add_uint64(&flights->fork_generation,
                                                1) + 1;
    unsigned long me = PyThread_get_thread_ident();
    if (flights->fork_thread != me) {
        flights->fork_thread_since = generation;
    }
    flights->fork_thread = me;
    _PyMutex_at_fork_reinit(&flights->mutex);
    flights->waiters = NULL;
}
#endif
