/* What the two files of the _functools module share:
   Modules/_functoolsmodule.c (partial, cmp_to_key, reduce, lru_cache and the
   module itself) and Modules/_functools_cached_method.c (cached_method,
   which keeps an lru_cache for each instance). */

#ifndef Py_FUNCTOOLSMODULE_H
#define Py_FUNCTOOLSMODULE_H

typedef struct _functools_state {
    /* this object is used delimit args and keywords in the cache keys */
    PyObject *kwd_mark;
    PyTypeObject *partial_type;
    PyTypeObject *keyobject_type;
    PyTypeObject *lru_list_elem_type;
    PyTypeObject *lru_cache_type;
    PyTypeObject *cached_method_binder_type;
    PyTypeObject *bound_cached_method_type;
} _functools_state;

/* The state of the _functools module that defined type, or of the module
   that defined a base of type; NULL with an exception set if none did. */
extern _functools_state *_PyFunctools_GetStateByType(PyTypeObject *type);

/* lru_cache's object, whose fields cached_method reads (the function of an
   instance's cache). */
struct lru_list_elem;
struct lru_cache_object;

typedef struct lru_list_elem {
    PyObject_HEAD
    struct lru_list_elem *prev, *next;  /* borrowed links */
    Py_hash_t hash;
    PyObject *key, *result;
} lru_list_elem;

typedef PyObject *(*lru_cache_ternaryfunc)(struct lru_cache_object *,
                                           PyObject *, PyObject *);

typedef struct lru_cache_object {
    lru_list_elem root;  /* includes PyObject_HEAD */
    lru_cache_ternaryfunc wrapper;
    int typed;
    PyObject *cache;
    Py_ssize_t hits;
    PyObject *func;
    Py_ssize_t maxsize;
    Py_ssize_t misses;
    /* the kwd_mark is used delimit args and keywords in the cache keys */
    PyObject *kwd_mark;
    PyTypeObject *lru_list_elem_type;
    PyObject *cache_info_type;
    PyObject *dict;
    PyObject *weakreflist;
    vectorcallfunc vectorcall;
    /* NULL, except in a cached_method's cache for one instance, which runs
       the function once for concurrent calls with equal keys: the calls in
       flight, key -> capsule of their lru_flight (see lru_cache_miss()). */
    PyObject *flights;
#ifdef Py_GIL_DISABLED
    /* The hits counted by the thread that owns the object (see
       lru_cache_count_hit()), and their number at the last cache_clear(). */
    Py_ssize_t owner_hits;
    Py_ssize_t owner_hits_cleared;
#endif
} lru_cache_object;

/* Check the arguments that lru_cache and cached_method share: func must be
   callable, maxsize None or an integer.  Set *size to the bound (negative
   values count as 0), or to -1 for None.  Return 0, or -1 with the error
   lru_cache raises. */
extern int _PyFunctools_CheckCacheArgs(PyObject *func, PyObject *maxsize,
                                       Py_ssize_t *size);

/* The cache of one instance of a cached_method: an lru_cache of func that
   runs concurrent calls with equal arguments once (see lru_cache_miss()).
   Return a new reference, or NULL with an exception set. */
extern PyObject *_PyFunctools_NewInstanceCache(
    _functools_state *state, PyObject *func, PyObject *maxsize, int typed,
    PyObject *cache_info_type);
// lru_cache's vectorcall, and its cache_info() and cache_clear().
extern PyObject *_PyFunctools_LruCacheVectorcall(
    PyObject *cache, PyObject *const *args, size_t nargsf, PyObject *kwnames);
extern PyObject *_PyFunctools_LruCacheInfo(PyObject *cache);
extern PyObject *_PyFunctools_LruCacheClear(PyObject *cache);

/* The name of the cached_method whose instance cache calls binder (the
   function of that lru_cache), for messages: a new reference, or NULL with
   an exception set. */
extern PyObject *_PyFunctools_CachedMethodName(PyObject *binder);

/* Free ptr, a block of size bytes, once no thread of the free-threaded
   build can still be reading it (_PyMem_FreeDelayed()). */
extern void _PyFunctools_FreeDelayed(void *ptr, size_t size);

/* Add cached_method to module and its helper types to state: called by the
   module's exec function.  Return 0, or -1 with an exception set. */
extern int _PyFunctools_CachedMethodExec(PyObject *module,
                                         _functools_state *state);

#endif  // !Py_FUNCTOOLSMODULE_H
