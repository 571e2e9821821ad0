/* functools.cached_method: a method descriptor that keeps an lru_cache of
   the method for each instance (Modules/_functoolsmodule.c has lru_cache). */

#include "Python.h"
#include "pycore_call.h"          // _PyObject_Call_Prepend()
#include "pycore_ceval.h"         // _PyEval_GetBuiltin()
#include "pycore_critical_section.h" // Py_BEGIN_CRITICAL_SECTION()
#include "pycore_descrobject.h"   // _PyDescr_BindArgs()
#include "pycore_dict.h"          // _PyDict_Pop_KnownHash()
#include "pycore_object.h"        // _PyObject_GC_TRACK
#include "pycore_pyatomic_ft_wrappers.h" // FT_ATOMIC_LOAD_PTR_ACQUIRE()
#include "pycore_pystate.h"       // _PyThreadState_GET()
#include "pycore_weakref.h"       // _PyEphemeron_New()

#include "_functoolsmodule.h"

/* A method descriptor that gives each instance its own lru_cache.

   The descriptor maps the address of every instance that has called the
   method to that instance's cache: an lru_cache_object around a "binder",
   which calls the user function with the instance fetched from a weak
   reference.  So the cache keys never contain the instance, the instance
   need not be hashable, and the cache does not keep it alive.  The callback
   of the weak reference drops the cache, and the cached results with it, as
   soon as the instance dies; nothing is stored on the instance itself.

   That weak reference is an ephemeron (Objects/ephemeronobject.c) that holds
   the cache: the map holds the ephemeron, and the cyclic garbage collector
   counts the cache as reachable only while the instance is.  A cached result
   that refers back to its instance (a child that points to its parent, a
   bound method) then forms a cycle that the collector frees; without a
   cycle, reference counting frees the instance as before.

   The map (cm_map below) is changed only in the critical section of the
   descriptor.  The sections are short: no Python code runs inside them, the
   user function runs outside them, and references are released after them.
   A call that finds its cache there (every call but an instance's first)
   takes no lock: threads calling the method of different instances do not
   contend for the descriptor.

   The cache of an instance runs concurrent calls with equal keys once:
   see lru_cache_miss().

   Instances that cannot be weakly referenced are refused with a TypeError,
   even when they have a __dict__: keeping their cache in it would show up in
   vars(), pickles and copies, and would form a cycle that only the cyclic
   garbage collector frees.
*/

/*[clinic input]
module _functools
class _functools._cached_method "PyObject *" "&cached_method_type_spec"
class _functools._bound_cached_method "PyObject *" "&bound_cached_method_type_spec"
[clinic start generated code]*/
/*[clinic end generated code: output=da39a3ee5e6b4b0d input=5be0f98311261788]*/

#include "clinic/_functools_cached_method.c.h"

typedef struct {
    PyObject_HEAD
    PyObject *func;            /* the user function */
    PyObject *maxsize;         /* None or an int >= 0, as lru_cache takes */
    int typed;
    PyObject *cache_info_type;
    struct cm_map *caches;     /* instance address -> its lru_cache_object;
                                  NULL once cleared */
    PyObject *dict;
    PyObject *weakreflist;
    vectorcallfunc vectorcall;
} cached_method_object;

/* The function of an instance's lru_cache_object. */
typedef struct {
    PyObject_HEAD
    PyObject *func;            /* the user function */
    PyObject *instance_ref;    /* the ephemeron keyed by the instance that
                                  holds the cache; NULL once it has died */
    PyObject *method;          /* the cached_method whose map holds us */
    const void *key;           /* the instance's address: its key there */
} cached_method_binder;

/* What obj.meth returns when it is not called at once. */
typedef struct {
    PyObject_HEAD
    PyObject *method;          /* __func__: the cached_method */
    PyObject *instance;        /* __self__ */
    vectorcallfunc vectorcall;
} bound_cached_method_object;

static PyObject *
cached_method_vectorcall(PyObject *self, PyObject *const *args,
                         size_t nargsf, PyObject *kwnames);
static PyObject *
bound_cached_method_vectorcall(PyObject *self, PyObject *const *args,
                               size_t nargsf, PyObject *kwnames);

/* Return a new reference to the name used in messages and reprs. */
static PyObject *
cached_method_qualname(cached_method_object *self)
{
    PyObject *name;
    if (PyObject_GetOptionalAttr((PyObject *)self, &_Py_ID(__qualname__),
                                 &name) != 0) {
        return name;
    }
    return PyObject_Repr(self->func);
}

PyObject *
_PyFunctools_CachedMethodName(PyObject *binder)
{
    return cached_method_qualname(
        (cached_method_object *)((cached_method_binder *)binder)->method);
}

/* Is cache the cache of instance?  The caller holds a reference to the
   instance, so comparing addresses is enough: the entry of a dead instance
   whose address was reused refers to None by now. */
static int
cached_method_cache_is_for(PyObject *cache, PyObject *instance)
{
    cached_method_binder *binder =
        (cached_method_binder *)((lru_cache_object *)cache)->func;
    if (binder == NULL || binder->instance_ref == NULL) {
        return 0;
    }
    PyWeakReference *ref = (PyWeakReference *)binder->instance_ref;
    return FT_ATOMIC_LOAD_PTR(ref->wr_object) == instance;
}

/* The map from instance addresses to caches.

   An open-addressing table with linear probing, which the hit path reads
   without a lock, while writers hold the critical section of the
   cached_method:

   - A writer never moves an entry.  To grow or to drop removed entries it
     builds a new table, publishes it, and frees the old one with
     cm_map_free_delayed(), that is once no thread can still be reading it.
   - A slot's key, once set, never changes until the table is replaced.
     Removing a cache leaves the key with a NULL cache, so that probes for
     other keys go on past it; a cache stored later for the same address
     reuses that slot.
   - A reader takes its reference with _Py_TryXGetRef() (the writer marks
     each cache with _PyObject_SetMaybeWeakref() for it), and keeps the
     cache only if its table was still the current one afterwards: the cache
     was then really in the map, not a freed object whose memory was reused.
     Any doubt is a miss, and the caller takes the locked path. */

typedef struct {
    const void *key;           /* an instance's address; NULL: never used */
    PyObject *cache;           /* borrowed from owner; NULL: removed */
    PyObject *owner;           /* strong reference to the ephemeron that
                                  holds cache; NULL: removed */
} cm_entry;

typedef struct cm_map {
    size_t mask;               /* the number of slots minus 1 */
    size_t used;               /* slots with a key */
    size_t live;               /* slots with a cache */
    cm_entry entries[];
} cm_map;

#define CM_MAP_MIN_SIZE 8

static cm_map *
cm_map_new(size_t size)
{
    cm_map *map = PyMem_Calloc(1, sizeof(cm_map) + size * sizeof(cm_entry));
    if (map != NULL) {
        map->mask = size - 1;
    }
    return map;
}

/* Free map once no thread can still be reading it. */
static void
cm_map_free_delayed(cm_map *map)
{
    _PyFunctools_FreeDelayed(
        map, sizeof(cm_map) + (map->mask + 1) * sizeof(cm_entry));
}

/* The slot of key, or the free slot where it would go.  The table is never
   full, so the probe ends. */
static cm_entry *
cm_map_slot(cm_map *map, const void *key)
{
    size_t i = (size_t)_Py_HashPointerRaw(key) & map->mask;
    for (;;) {
        cm_entry *entry = &map->entries[i];
        const void *k = FT_ATOMIC_LOAD_PTR_RELAXED(entry->key);
        if (k == key || k == NULL) {
            return entry;
        }
        i = (i + 1) & map->mask;
    }
}

/* The cache of instance (a borrowed reference) or NULL.  Called in the
   critical section of the cached_method. */
static PyObject *
cm_map_get_lock_held(cached_method_object *self, PyObject *instance)
{
    if (self->caches == NULL) {
        return NULL;
    }
    PyObject *cache = cm_map_slot(self->caches, instance)->cache;
    if (cache != NULL && cached_method_cache_is_for(cache, instance)) {
        return cache;
    }
    return NULL;
}

/* The hit path: a new reference to the cache of instance, or NULL (without
   an exception) if the lock-free read found none. */
static PyObject *
cm_map_get(cached_method_object *self, PyObject *instance)
{
#ifdef Py_GIL_DISABLED
    cm_map *map = _Py_atomic_load_ptr_acquire(&self->caches);
    if (map == NULL) {
        return NULL;
    }
    PyObject *cache = _Py_TryXGetRef(&cm_map_slot(map, instance)->cache);
    if (cache == NULL) {
        return NULL;
    }
    if (_Py_atomic_load_ptr_acquire(&self->caches) != map
        || !cached_method_cache_is_for(cache, instance))
    {
        Py_DECREF(cache);
        return NULL;
    }
    return cache;
#else
    return Py_XNewRef(cm_map_get_lock_held(self, instance));
#endif
}

/* The hit path of a call: the cache of instance, borrowed, or NULL (without
   an exception) if this read, which takes no lock, found none.  The caller
   holds instance and the cached_method for the whole call, which keeps the
   cache alive and in the map: only the death of instance (its ephemeron's
   callback) or the clearing of a dead cached_method removes it.  A table
   that a writer replaces meanwhile is freed only once no thread can still be
   reading it.  An entry is ours if its ephemeron refers to instance: the
   entry of a dead instance at the same address is gone before the address
   can be reused, but this check costs two loads and keeps that an
   assumption of cm_map_set_lock_held() only. */
static inline PyObject *
cm_map_get_borrowed(cached_method_object *self, PyObject *instance)
{
    cm_map *map = FT_ATOMIC_LOAD_PTR_ACQUIRE(self->caches);
    if (map == NULL) {
        return NULL;
    }
    cm_entry *entry = cm_map_slot(map, instance);
    // Its owner is written before it, with a release store.
    PyObject *cache = FT_ATOMIC_LOAD_PTR_ACQUIRE(entry->cache);
    PyObject *owner = FT_ATOMIC_LOAD_PTR_RELAXED(entry->owner);
    if (cache == NULL || owner == NULL
        || FT_ATOMIC_LOAD_PTR(((PyWeakReference *)owner)->wr_object)
           != instance)
    {
        return NULL;
    }
    return cache;
}

/* Replace the table by one that has room for one more cache.  Called in
   the critical section of the cached_method.  Return 0 or -1 (out of memory,
   without an exception). */
static int
cm_map_grow_lock_held(cached_method_object *self)
{
    cm_map *old = self->caches;
    size_t size = CM_MAP_MIN_SIZE;
    while (size < 2 * (old->live + 1)) {
        size *= 2;
    }
    cm_map *map = cm_map_new(size);
    if (map == NULL) {
        return -1;
    }
    for (size_t i = 0; i <= old->mask; i++) {
        cm_entry *entry = &old->entries[i];
        if (entry->cache != NULL) {
            *cm_map_slot(map, entry->key) = *entry;
        }
    }
    map->used = map->live = old->live;
    FT_ATOMIC_STORE_PTR_RELEASE(self->caches, map);
    cm_map_free_delayed(old);
    return 0;
}

/* Store owner, the ephemeron that holds cache (the map takes a new
   reference to it), as the cache of key.  The owner of a cache already there
   is returned in *stale for the caller to release after the critical section
   of the cached_method, in which this is called.  Return 0 or -1 (out of
   memory, without an exception). */
static int
cm_map_set_lock_held(cached_method_object *self, const void *key,
                     PyObject *cache, PyObject *owner, PyObject **stale)
{
    cm_map *map = self->caches;
    cm_entry *entry = cm_map_slot(map, key);
    if (entry->key == NULL && 3 * (map->used + 1) > 2 * (map->mask + 1)) {
        if (cm_map_grow_lock_held(self) < 0) {
            return -1;
        }
        map = self->caches;
        entry = cm_map_slot(map, key);
    }
    *stale = entry->owner;
    if (entry->key == NULL) {
        map->used++;
        FT_ATOMIC_STORE_PTR_RELAXED(entry->key, (void *)key);
    }
    if (*stale == NULL) {
        map->live++;
    }
#ifdef Py_GIL_DISABLED
    _PyObject_SetMaybeWeakref(cache);
#endif
    FT_ATOMIC_STORE_PTR_RELAXED(entry->owner, Py_NewRef(owner));
    FT_ATOMIC_STORE_PTR_RELEASE(entry->cache, cache);
    return 0;
}

/* Remove the cache of key if binder is its function (and not the binder of
   a newer instance at the same address), and return the map's reference to
   its owner, or NULL, for the caller to release after the critical section
   of the cached_method, in which this is called. */
static PyObject *
cm_map_pop_lock_held(cached_method_object *self, const void *key,
                     PyObject *binder)
{
    if (self->caches == NULL) {
        return NULL;
    }
    cm_entry *entry = cm_map_slot(self->caches, key);
    PyObject *cache = entry->cache;
    if (cache == NULL || ((lru_cache_object *)cache)->func != binder) {
        return NULL;
    }
    FT_ATOMIC_STORE_PTR_RELAXED(entry->cache, NULL);
    PyObject *owner = entry->owner;
    FT_ATOMIC_STORE_PTR_RELAXED(entry->owner, NULL);
    self->caches->live--;
    return owner;
}

/* Return a new reference to the cache of instance, or NULL, without an
   exception, if it has none. */
static PyObject *
cached_method_find_cache(cached_method_object *self, PyObject *instance)
{
    PyObject *cache = cm_map_get(self, instance);
#ifdef Py_GIL_DISABLED
    if (cache == NULL) {
        /* Not found, or the map changed under the lock-free read. */
        Py_BEGIN_CRITICAL_SECTION(self);
        cache = Py_XNewRef(cm_map_get_lock_held(self, instance));
        Py_END_CRITICAL_SECTION();
    }
#endif
    return cache;
}

static PyMethodDef cached_method_binder_died_def;

/* The binder of instance; its instance_ref is set once its cache exists. */
static PyObject *
cached_method_binder_new(PyTypeObject *type, cached_method_object *method,
                         PyObject *instance)
{
    cached_method_binder *binder = PyObject_GC_New(cached_method_binder,
                                                   type);
    if (binder == NULL) {
        return NULL;
    }
    binder->func = Py_NewRef(method->func);
    binder->instance_ref = NULL;
    binder->method = Py_NewRef(method);
    binder->key = instance;
    PyObject_GC_Track(binder);
    return (PyObject *)binder;
}

/* The ephemeron keyed by instance that holds cache, whose binder learns it:
   a new reference, or NULL with an exception. */
static PyObject *
cached_method_owner_new(PyObject *binder, PyObject *instance, PyObject *cache)
{
    PyObject *callback = PyCFunction_New(&cached_method_binder_died_def,
                                         binder);
    if (callback == NULL) {
        return NULL;
    }
    PyObject *owner = _PyEphemeron_New(instance, cache, callback);
    Py_DECREF(callback);
    if (owner != NULL) {
        ((cached_method_binder *)binder)->instance_ref = Py_NewRef(owner);
    }
    return owner;
}

/* Drop the caches of dead instances from the map when storing the cache of
   instance is about to grow it (the growth then also drops their slots).
   Normally the callback of an instance's ephemeron removes its cache when
   the instance dies, but a weak reference that a finalizer made to garbage
   is cleared by the collector without its callback: the cache of such an
   instance would stay in the map, with the results, until another instance
   takes its address.  Return 0, or -1 (out of memory, without an
   exception). */
static int
cm_map_sweep(cached_method_object *self, PyObject *instance)
{
    PyObject **dead = NULL;
    size_t ndead = 0;
    int err = 0;
    Py_BEGIN_CRITICAL_SECTION(self);
    cm_map *map = self->caches;
    if (map != NULL && 3 * (map->used + 1) > 2 * (map->mask + 1)
        && cm_map_slot(map, instance)->key == NULL)
    {
        dead = PyMem_Malloc((map->live + 1) * sizeof(PyObject *));
        if (dead == NULL) {
            err = -1;
        }
        for (size_t i = 0; dead != NULL && i <= map->mask; i++) {
            cm_entry *entry = &map->entries[i];
            if (entry->owner != NULL && _PyWeakref_IS_DEAD(entry->owner)) {
                FT_ATOMIC_STORE_PTR_RELAXED(entry->cache, NULL);
                dead[ndead++] = entry->owner;
                entry->owner = NULL;
                map->live--;
            }
        }
    }
    Py_END_CRITICAL_SECTION();
    /* Releasing the results can run any code: not under the lock.  Taking
       the value also breaks the cycle ephemeron -> cache -> binder ->
       ephemeron that the callback would have broken. */
    for (size_t i = 0; i < ndead; i++) {
        Py_XDECREF(_PyEphemeron_TakeValue(dead[i]));
        Py_DECREF(dead[i]);
    }
    PyMem_Free(dead);
    return err;
}

/* Create the cache of instance, unless another thread has just done so,
   and return a new reference to the cache that is in the map. */
static PyObject *
cached_method_new_cache(cached_method_object *self, PyObject *instance)
{
    PyObject *binder = NULL, *cache = NULL, *owner = NULL, *stale = NULL;
    PyObject *result = NULL;
    int stored = 0, no_memory = 0;

    if (!_PyType_SUPPORTS_WEAKREFS(Py_TYPE(instance))) {
        PyObject *name = cached_method_qualname(self);
        if (name != NULL) {
            PyErr_Format(PyExc_TypeError,
                         "cached_method %S() needs instances that support "
                         "weak references, and '%s' objects do not "
                         "(add '__weakref__' to __slots__)",
                         name, _PyType_Name(Py_TYPE(instance)));
            Py_DECREF(name);
        }
        return NULL;
    }
    _functools_state *state = _PyFunctools_GetStateByType(Py_TYPE(self));
    if (state == NULL) {
        return NULL;
    }
    binder = cached_method_binder_new(state->cached_method_binder_type,
                                      self, instance);
    if (binder == NULL) {
        goto error;
    }
    cache = _PyFunctools_NewInstanceCache(state, binder, self->maxsize,
                                          self->typed, self->cache_info_type);
    if (cache == NULL) {
        goto error;
    }
    owner = cached_method_owner_new(binder, instance, cache);
    if (owner == NULL) {
        goto error;
    }
    if (cm_map_sweep(self, instance) < 0) {
        PyErr_NoMemory();
        goto error;
    }

    Py_BEGIN_CRITICAL_SECTION(self);
    if (self->caches != NULL) {
        PyObject *found = cm_map_get_lock_held(self, instance);
        if (found != NULL) {
            /* Another thread was first: use its cache. */
            result = Py_NewRef(found);
        }
        /* This replaces the cache of a dead instance at the same address
           whose callback has yet to run, if there is one. */
        else if (cm_map_set_lock_held(self, instance, cache, owner,
                                      &stale) == 0)
        {
            stored = 1;
        }
        else {
            no_memory = 1;
        }
    }
    else {
        /* Only a cached_method that the garbage collector is clearing has
           no map, and nobody can call that one; use the cache anyway. */
        result = Py_NewRef(cache);
    }
    Py_END_CRITICAL_SECTION();

    if (stored) {
        result = Py_NewRef(cache);
    }
    else if (no_memory) {
        PyErr_NoMemory();
    }
error:
    if (binder != NULL && !stored) {
        /* Break the cycle binder -> ephemeron -> callback -> binder of the
           cache that was not stored. */
        Py_CLEAR(((cached_method_binder *)binder)->instance_ref);
    }
    Py_XDECREF(owner);
    if (stale != NULL) {
        /* Its instance is dead, and its callback may never run (see
           cm_map_sweep()): release its results now. */
        Py_XDECREF(_PyEphemeron_TakeValue(stale));
        Py_DECREF(stale);
    }
    Py_XDECREF(cache);
    Py_XDECREF(binder);
    return result;
}

/* Call the cached method of instance. */
static PyObject *
cached_method_call(cached_method_object *self, PyObject *instance,
                   PyObject *const *args, Py_ssize_t nargs,
                   PyObject *kwnames)
{
    /* Every cache is an exact lru_cache: skip the generic dispatch. */
    PyObject *cache = cm_map_get_borrowed(self, instance);
    if (cache != NULL) {
        return _PyFunctools_LruCacheVectorcall(cache, args, nargs, kwnames);
    }
    cache = cached_method_find_cache(self, instance);
    if (cache == NULL) {
        cache = cached_method_new_cache(self, instance);
        if (cache == NULL) {
            return NULL;
        }
    }
    PyObject *result = _PyFunctools_LruCacheVectorcall(cache, args, nargs,
                                                       kwnames);
    Py_DECREF(cache);
    return result;
}

/* The binder: the function that an instance's lru_cache wraps. */

static PyObject *
cached_method_binder_call(PyObject *self, PyObject *args, PyObject *kwargs)
{
    cached_method_binder *binder = (cached_method_binder *)self;
    PyObject *instance;
    if (PyWeakref_GetRef(binder->instance_ref, &instance) < 0) {
        return NULL;
    }
    if (instance == NULL) {
        PyErr_SetString(PyExc_ReferenceError,
                        "the instance of this cached_method no longer exists");
        return NULL;
    }
    PyObject *result = _PyObject_Call_Prepend(_PyThreadState_GET(),
                                              binder->func, instance,
                                              args, kwargs);
    Py_DECREF(instance);
    return result;
}

/* The callback of the ephemeron: the instance has died, so drop its cache
   from the map.  The binder lets go of the ephemeron too, which breaks the
   cycle ephemeron -> cache -> binder -> ephemeron: reference counting then
   frees the cache.  No call can still need it, as the instance is gone. */
static PyObject *
cached_method_binder_died(PyObject *self, PyObject *ref)
{
    cached_method_binder *binder = (cached_method_binder *)self;
    cached_method_object *method = (cached_method_object *)binder->method;
    PyObject *owner = NULL;
    /* Python code can call this too (weakref.getweakrefs() of an instance
       shows its ephemeron and the callback): only the death of the instance
       may drop its cache, which a running call borrows. */
    if (ref != binder->instance_ref || !_PyWeakref_IS_DEAD(ref)) {
        Py_RETURN_NONE;
    }
    if (method != NULL) {
        Py_BEGIN_CRITICAL_SECTION(method);
        owner = cm_map_pop_lock_held(method, binder->key, self);
        Py_END_CRITICAL_SECTION();
    }
    /* This frees the cached results, whose finalizers can run any code:
       not under the lock. */
    Py_XDECREF(owner);
    Py_CLEAR(binder->instance_ref);
    Py_RETURN_NONE;
}

static PyMethodDef cached_method_binder_died_def = {
    "_instance_died", cached_method_binder_died, METH_O, NULL
};

static int
cached_method_binder_traverse(PyObject *self, visitproc visit, void *arg)
{
    cached_method_binder *binder = (cached_method_binder *)self;
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(binder->func);
    Py_VISIT(binder->instance_ref);
    Py_VISIT(binder->method);
    return 0;
}

static int
cached_method_binder_clear(PyObject *self)
{
    cached_method_binder *binder = (cached_method_binder *)self;
    Py_CLEAR(binder->func);
    Py_CLEAR(binder->instance_ref);
    Py_CLEAR(binder->method);
    return 0;
}

static void
cached_method_binder_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    (void)cached_method_binder_clear(self);
    tp->tp_free(self);
    Py_DECREF(tp);
}

static PyType_Slot cached_method_binder_type_slots[] = {
    {Py_tp_dealloc, cached_method_binder_dealloc},
    {Py_tp_call, cached_method_binder_call},
    {Py_tp_traverse, cached_method_binder_traverse},
    {Py_tp_clear, cached_method_binder_clear},
    {0, 0}
};

static PyType_Spec cached_method_binder_type_spec = {
    .name = "functools._cached_method_binder",
    .basicsize = sizeof(cached_method_binder),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC |
             Py_TPFLAGS_DISALLOW_INSTANTIATION | Py_TPFLAGS_IMMUTABLETYPE,
    .slots = cached_method_binder_type_slots
};

/* The descriptor. */

/*[clinic input]
@classmethod
_functools._cached_method.__new__ as cached_method_new

    user_function: object
    maxsize: object
    typed: bool
    cache_info_type: object

Create a method descriptor that keeps an lru_cache for each instance.

user_function:      the method being cached
maxsize, typed:     as lru_cache, for each instance
cache_info_type:    namedtuple class with the fields:
                        hits misses currsize maxsize
[clinic start generated code]*/

static PyObject *
cached_method_new_impl(PyTypeObject *type, PyObject *user_function,
                       PyObject *maxsize, int typed,
                       PyObject *cache_info_type)
/*[clinic end generated code: output=3fa8922bdd42a660 input=825786a8f4b5b7df]*/
{
    /* Check the arguments now, as lru_cache would, not at the first call;
       keep maxsize as the int that each instance's cache is given. */
    Py_ssize_t size;
    if (_PyFunctools_CheckCacheArgs(user_function, maxsize, &size) < 0) {
        return NULL;
    }
    maxsize = size < 0 ? Py_NewRef(Py_None) : PyLong_FromSsize_t(size);
    if (maxsize == NULL) {
        return NULL;
    }

    cm_map *caches = cm_map_new(CM_MAP_MIN_SIZE);
    if (caches == NULL) {
        Py_DECREF(maxsize);
        return PyErr_NoMemory();
    }
    cached_method_object *self = (cached_method_object *)type->tp_alloc(type,
                                                                        0);
    if (self == NULL) {
        PyMem_Free(caches);
        Py_DECREF(maxsize);
        return NULL;
    }
    _PyDescr_CountReferencesLike((PyObject *)self, user_function);
    self->func = Py_NewRef(user_function);
    self->maxsize = maxsize;
    self->typed = typed;
    self->cache_info_type = Py_NewRef(cache_info_type);
    self->caches = caches;
    self->dict = NULL;
    self->weakreflist = NULL;
    self->vectorcall = cached_method_vectorcall;
    return (PyObject *)self;
}

static PyObject *
cached_method_vectorcall(PyObject *self, PyObject *const *args,
                         size_t nargsf, PyObject *kwnames)
{
    /* Called as Cls.meth(obj, ...), and for obj.meth(...) without creating
       a bound object, thanks to Py_TPFLAGS_METHOD_DESCRIPTOR. */
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    if (nargs < 1) {
        PyObject *name = cached_method_qualname((cached_method_object *)self);
        if (name != NULL) {
            PyErr_Format(PyExc_TypeError,
                         "cached_method %S() needs an instance as its "
                         "first argument", name);
            Py_DECREF(name);
        }
        return NULL;
    }
    return cached_method_call((cached_method_object *)self, args[0],
                              args + 1, nargs - 1, kwnames);
}

static PyObject *
cached_method_descr_get(PyObject *self, PyObject *obj, PyObject *type)
{
    if (obj == NULL || obj == Py_None) {
        return Py_NewRef(self);
    }
    _functools_state *state = _PyFunctools_GetStateByType(Py_TYPE(self));
    if (state == NULL) {
        return NULL;
    }
    bound_cached_method_object *bound = PyObject_GC_New(
        bound_cached_method_object, state->bound_cached_method_type);
    if (bound == NULL) {
        return NULL;
    }
    bound->method = Py_NewRef(self);
    bound->instance = Py_NewRef(obj);
    bound->vectorcall = bound_cached_method_vectorcall;
    PyObject_GC_Track(bound);
    return (PyObject *)bound;
}

static PyObject *
cached_method_repr(PyObject *self)
{
    PyObject *name = cached_method_qualname((cached_method_object *)self);
    if (name == NULL) {
        return NULL;
    }
    PyObject *repr = PyUnicode_FromFormat("<cached_method %S at %p>",
                                          name, self);
    Py_DECREF(name);
    return repr;
}

static int
cached_method_traverse(PyObject *op, visitproc visit, void *arg)
{
    cached_method_object *self = (cached_method_object *)op;
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(self->func);
    Py_VISIT(self->maxsize);
    Py_VISIT(self->cache_info_type);
    Py_VISIT(self->dict);
    cm_map *map = self->caches;
    if (map != NULL) {
        for (size_t i = 0; i <= map->mask; i++) {
            Py_VISIT(map->entries[i].owner);
        }
    }
    return 0;
}

static int
cached_method_clear(PyObject *op)
{
    cached_method_object *self = (cached_method_object *)op;
    cm_map *caches;
    Py_BEGIN_CRITICAL_SECTION(self);
    caches = self->caches;
    FT_ATOMIC_STORE_PTR_RELEASE(self->caches, NULL);
    Py_END_CRITICAL_SECTION();
    if (caches != NULL) {
        /* The callbacks that this triggers find no map any more. */
        for (size_t i = 0; i <= caches->mask; i++) {
            Py_XDECREF(caches->entries[i].owner);
        }
        cm_map_free_delayed(caches);
    }
    Py_CLEAR(self->func);
    Py_CLEAR(self->maxsize);
    Py_CLEAR(self->cache_info_type);
    Py_CLEAR(self->dict);
    return 0;
}

static void
cached_method_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
#ifdef FT_CLEAR_WEAKREFS
    FT_CLEAR_WEAKREFS(self, ((cached_method_object *)self)->weakreflist);
#else
    // 3.13.5, before gh-135607
    if (((cached_method_object *)self)->weakreflist != NULL) {
        PyObject_ClearWeakRefs(self);
    }
#endif
    (void)cached_method_clear(self);
    tp->tp_free(self);
    Py_DECREF(tp);
}

/*[clinic input]
_functools._cached_method.__reduce__

Pickle as a reference to the attribute of the class, like a function.
[clinic start generated code]*/

static PyObject *
_functools__cached_method___reduce___impl(PyObject *self)
/*[clinic end generated code: output=4be4e9b0420379dc input=67559b56c8bc8b23]*/
{
    return PyObject_GetAttr(self, &_Py_ID(__qualname__));
}

/*[clinic input]
_functools._cached_method.__copy__

Return self: a cached_method is shared, like a function.
[clinic start generated code]*/

static PyObject *
_functools__cached_method___copy___impl(PyObject *self)
/*[clinic end generated code: output=3c7af28e49faf311 input=5e073331d7d7c8c2]*/
{
    return Py_NewRef(self);
}

/*[clinic input]
_functools._cached_method.__deepcopy__

    memo: object
    /

Return self: a cached_method is shared, like a function.
[clinic start generated code]*/

static PyObject *
_functools__cached_method___deepcopy__(PyObject *self, PyObject *memo)
/*[clinic end generated code: output=1511effab9fd4783 input=81150f6da24e2cdd]*/
{
    return Py_NewRef(self);
}

PyDoc_STRVAR(cached_method_get_doc,
"__get__($self, instance, owner=None)\n"
"--\n"
"\n"
"Return the method bound to instance, with the instance's own cache.");

// As cached_property_get_method(): __get__ with keyword arguments.
static PyObject *
cached_method_get_method(PyObject *self, PyObject *const *args,
                         Py_ssize_t nargs, PyObject *kwnames)
{
    static const char *const names[] = {"instance", "owner"};
    PyObject *params[2];
    if (_PyDescr_BindArgs("cached_method.__get__", names, 2, 1, args,
                          nargs, kwnames, args + nargs, params) < 0)
    {
        return NULL;
    }
    return cached_method_descr_get(self, params[0], params[1]);
}

static PyMethodDef cached_method_methods[] = {
    {"__get__", _PyCFunction_CAST(cached_method_get_method),
     METH_FASTCALL | METH_KEYWORDS | METH_COEXIST, cached_method_get_doc},
    _FUNCTOOLS__CACHED_METHOD___REDUCE___METHODDEF
    _FUNCTOOLS__CACHED_METHOD___COPY___METHODDEF
    _FUNCTOOLS__CACHED_METHOD___DEEPCOPY___METHODDEF
    {NULL}
};

static PyGetSetDef cached_method_getsetlist[] = {
    {"__dict__", PyObject_GenericGetDict, PyObject_GenericSetDict},
    {NULL}
};

static PyMemberDef cached_method_memberlist[] = {
    {"__dictoffset__", Py_T_PYSSIZET,
     offsetof(cached_method_object, dict), Py_READONLY},
    {"__weaklistoffset__", Py_T_PYSSIZET,
     offsetof(cached_method_object, weakreflist), Py_READONLY},
    {"__vectorcalloffset__", Py_T_PYSSIZET,
     offsetof(cached_method_object, vectorcall), Py_READONLY},
    {NULL}  /* Sentinel */
};

static PyType_Slot cached_method_type_slots[] = {
    {Py_tp_dealloc, cached_method_dealloc},
    {Py_tp_repr, cached_method_repr},
    {Py_tp_call, PyVectorcall_Call},
    {Py_tp_doc, (void *)cached_method_new__doc__},
    {Py_tp_traverse, cached_method_traverse},
    {Py_tp_clear, cached_method_clear},
    {Py_tp_methods, cached_method_methods},
    {Py_tp_members, cached_method_memberlist},
    {Py_tp_getset, cached_method_getsetlist},
    {Py_tp_descr_get, cached_method_descr_get},
    {Py_tp_new, cached_method_new},
    {0, 0}
};

static PyType_Spec cached_method_type_spec = {
    .name = "functools._cached_method",
    .basicsize = sizeof(cached_method_object),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC |
             Py_TPFLAGS_HAVE_VECTORCALL | Py_TPFLAGS_METHOD_DESCRIPTOR |
             Py_TPFLAGS_IMMUTABLETYPE,
    .slots = cached_method_type_slots
};

/* The bound object. */

static PyObject *
bound_cached_method_vectorcall(PyObject *self, PyObject *const *args,
                               size_t nargsf, PyObject *kwnames)
{
    bound_cached_method_object *bound = (bound_cached_method_object *)self;
    return cached_method_call((cached_method_object *)bound->method,
                              bound->instance, args,
                              PyVectorcall_NARGS(nargsf), kwnames);
}

static PyObject *
bound_cached_method_getattro(PyObject *self, PyObject *name)
{
    /* As for a bound method: the attributes that the type defines with
       descriptors (cache_info, __self__, ...) come first, everything else
       (__name__, __doc__, __module__, __wrapped__, cache_parameters, ...)
       is the cached_method's, which has the function's. */
    PyTypeObject *tp = Py_TYPE(self);
    PyObject *attr = _PyType_LookupRef(tp, name);
    if (attr != NULL) {
        descrgetfunc get = Py_TYPE(attr)->tp_descr_get;
        if (get != NULL) {
            PyObject *result = get(attr, self, (PyObject *)tp);
            Py_DECREF(attr);
            return result;
        }
        Py_DECREF(attr);
    }
    return PyObject_GetAttr(((bound_cached_method_object *)self)->method,
                            name);
}

static PyObject *
bound_cached_method_richcompare(PyObject *self, PyObject *other, int op)
{
    if ((op != Py_EQ && op != Py_NE) || !Py_IS_TYPE(other, Py_TYPE(self))) {
        Py_RETURN_NOTIMPLEMENTED;
    }
    bound_cached_method_object *a = (bound_cached_method_object *)self;
    bound_cached_method_object *b = (bound_cached_method_object *)other;
    /* Like bound methods, compare the instances by identity. */
    int eq = (a->method == b->method && a->instance == b->instance);
    return PyBool_FromLong(op == Py_EQ ? eq : !eq);
}

static Py_hash_t
bound_cached_method_hash(PyObject *self)
{
    bound_cached_method_object *bound = (bound_cached_method_object *)self;
    Py_hash_t hash = PyObject_Hash(bound->method);
    if (hash == -1) {
        return -1;
    }
    hash ^= Py_HashPointer(bound->instance);
    return hash == -1 ? -2 : hash;
}

static PyObject *
bound_cached_method_repr(PyObject *self)
{
    bound_cached_method_object *bound = (bound_cached_method_object *)self;
    PyObject *name = cached_method_qualname(
        (cached_method_object *)bound->method);
    if (name == NULL) {
        return NULL;
    }
    PyObject *repr = PyUnicode_FromFormat("<bound cached_method %S of %R>",
                                          name, bound->instance);
    Py_DECREF(name);
    return repr;
}

static PyObject *
bound_cached_method_get_signature(PyObject *self, void *Py_UNUSED(closure))
{
    /* The signature of the function bound to the instance: without self. */
    bound_cached_method_object *bound = (bound_cached_method_object *)self;
    PyObject *method = NULL, *result = NULL;
    PyObject *signature = _PyImport_GetModuleAttrString("inspect",
                                                        "signature");
    if (signature == NULL) {
        return NULL;
    }
    method = PyMethod_New(((cached_method_object *)bound->method)->func,
                          bound->instance);
    if (method != NULL) {
        result = PyObject_CallOneArg(signature, method);
    }
    Py_XDECREF(method);
    Py_DECREF(signature);
    return result;
}

/*[clinic input]
_functools._bound_cached_method.cache_info

Report the cache statistics of this instance
[clinic start generated code]*/

static PyObject *
_functools__bound_cached_method_cache_info_impl(PyObject *self)
/*[clinic end generated code: output=f613cfae5f3c0597 input=47268a2ab556f232]*/
{
    bound_cached_method_object *bound = (bound_cached_method_object *)self;
    cached_method_object *method = (cached_method_object *)bound->method;
    PyObject *cache = cached_method_find_cache(method, bound->instance);
    if (cache == NULL) {
        /* Nothing cached yet: report it without creating a cache. */
        return PyObject_CallFunction(method->cache_info_type, "iiOi",
                                     0, 0, method->maxsize, 0);
    }
    PyObject *info = _PyFunctools_LruCacheInfo(cache);
    Py_DECREF(cache);
    return info;
}

/*[clinic input]
_functools._bound_cached_method.cache_clear

Clear the cache and cache statistics of this instance
[clinic start generated code]*/

static PyObject *
_functools__bound_cached_method_cache_clear_impl(PyObject *self)
/*[clinic end generated code: output=ad6589d31334c8ea input=8d0da845d68051fc]*/
{
    bound_cached_method_object *bound = (bound_cached_method_object *)self;
    cached_method_object *method = (cached_method_object *)bound->method;
    PyObject *cache = cached_method_find_cache(method, bound->instance);
    if (cache == NULL) {
        Py_RETURN_NONE;
    }
    PyObject *res = _PyFunctools_LruCacheClear(cache);
    Py_DECREF(cache);
    return res;
}

/*[clinic input]
_functools._bound_cached_method.__reduce__

Pickle as getattr(instance, name), like a bound method.
[clinic start generated code]*/

static PyObject *
_functools__bound_cached_method___reduce___impl(PyObject *self)
/*[clinic end generated code: output=ba8896a6724c3360 input=f79fd939dd8f420f]*/
{
    bound_cached_method_object *bound = (bound_cached_method_object *)self;
    PyObject *name = PyObject_GetAttr(bound->method, &_Py_ID(__name__));
    if (name == NULL) {
        return NULL;
    }
    PyObject *getattr = _PyEval_GetBuiltin(&_Py_ID(getattr));
    if (getattr == NULL) {
        Py_DECREF(name);
        return NULL;
    }
    return Py_BuildValue("N(ON)", getattr, bound->instance, name);
}

/*[clinic input]
_functools._bound_cached_method.__deepcopy__

    memo: object
    /

Bind the method to a deep copy of the instance, like a bound method.

The copy has a cache of its own, empty at first.
[clinic start generated code]*/

static PyObject *
_functools__bound_cached_method___deepcopy__(PyObject *self, PyObject *memo)
/*[clinic end generated code: output=b36e399c66ecaaeb input=a52997334fd1b00e]*/
{
    bound_cached_method_object *bound = (bound_cached_method_object *)self;
    PyObject *result = NULL;
    PyObject *deepcopy = _PyImport_GetModuleAttrString("copy", "deepcopy");
    if (deepcopy == NULL) {
        return NULL;
    }
    PyObject *instance = PyObject_CallFunctionObjArgs(
        deepcopy, bound->instance, memo, NULL);
    if (instance == NULL) {
        goto error;
    }
    result = cached_method_descr_get(bound->method, instance,
                                     (PyObject *)Py_TYPE(instance));
    Py_DECREF(instance);
error:
    Py_DECREF(deepcopy);
    return result;
}

static int
bound_cached_method_traverse(PyObject *self, visitproc visit, void *arg)
{
    bound_cached_method_object *bound = (bound_cached_method_object *)self;
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(bound->method);
    Py_VISIT(bound->instance);
    return 0;
}

static void
bound_cached_method_dealloc(PyObject *self)
{
    bound_cached_method_object *bound = (bound_cached_method_object *)self;
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    Py_CLEAR(bound->method);
    Py_CLEAR(bound->instance);
    tp->tp_free(self);
    Py_DECREF(tp);
}

static PyMethodDef bound_cached_method_methods[] = {
    _FUNCTOOLS__BOUND_CACHED_METHOD_CACHE_INFO_METHODDEF
    _FUNCTOOLS__BOUND_CACHED_METHOD_CACHE_CLEAR_METHODDEF
    _FUNCTOOLS__BOUND_CACHED_METHOD___REDUCE___METHODDEF
    _FUNCTOOLS__BOUND_CACHED_METHOD___DEEPCOPY___METHODDEF
    {NULL}
};

static PyMemberDef bound_cached_method_memberlist[] = {
    {"__func__", _Py_T_OBJECT, offsetof(bound_cached_method_object, method),
     Py_READONLY, "the cached_method"},
    {"__self__", _Py_T_OBJECT,
     offsetof(bound_cached_method_object, instance),
     Py_READONLY, "the instance to which the method is bound"},
    {"__vectorcalloffset__", Py_T_PYSSIZET,
     offsetof(bound_cached_method_object, vectorcall), Py_READONLY},
    {NULL}  /* Sentinel */
};

static PyGetSetDef bound_cached_method_getsetlist[] = {
    {"__signature__", bound_cached_method_get_signature, NULL, NULL},
    {NULL}
};

PyDoc_STRVAR(bound_cached_method_doc,
"A cached_method bound to an instance, with that instance's cache.");

static PyType_Slot bound_cached_method_type_slots[] = {
    {Py_tp_dealloc, bound_cached_method_dealloc},
    {Py_tp_repr, bound_cached_method_repr},
    {Py_tp_hash, bound_cached_method_hash},
    {Py_tp_call, PyVectorcall_Call},
    {Py_tp_getattro, bound_cached_method_getattro},
    {Py_tp_doc, (void *)bound_cached_method_doc},
    {Py_tp_traverse, bound_cached_method_traverse},
    {Py_tp_richcompare, bound_cached_method_richcompare},
    {Py_tp_methods, bound_cached_method_methods},
    {Py_tp_members, bound_cached_method_memberlist},
    {Py_tp_getset, bound_cached_method_getsetlist},
    {0, 0}
};

static PyType_Spec bound_cached_method_type_spec = {
    .name = "functools._bound_cached_method",
    .basicsize = sizeof(bound_cached_method_object),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC |
             Py_TPFLAGS_HAVE_VECTORCALL | Py_TPFLAGS_DISALLOW_INSTANTIATION |
             Py_TPFLAGS_IMMUTABLETYPE,
    .slots = bound_cached_method_type_slots
};



int
_PyFunctools_CachedMethodExec(PyObject *module, _functools_state *state)
{
    PyObject *cached_method_type = PyType_FromModuleAndSpec(module,
        &cached_method_type_spec, NULL);
    if (cached_method_type == NULL) {
        return -1;
    }
    if (PyModule_AddType(module, (PyTypeObject *)cached_method_type) < 0) {
        Py_DECREF(cached_method_type);
        return -1;
    }
    Py_DECREF(cached_method_type);

    // The binder and the bound object are only made by _cached_method.
    state->cached_method_binder_type =
        (PyTypeObject *)PyType_FromModuleAndSpec(
            module, &cached_method_binder_type_spec, NULL);
    if (state->cached_method_binder_type == NULL) {
        return -1;
    }
    state->bound_cached_method_type =
        (PyTypeObject *)PyType_FromModuleAndSpec(
            module, &bound_cached_method_type_spec, NULL);
    if (state->bound_cached_method_type == NULL) {
        return -1;
    }
    return 0;
}
