/* Ephemerons: weak references that hold a value for their referent.

   An ephemeron refers weakly to its key (the referent of the weak reference
   it is) and strongly to its value.  For the cyclic garbage collector, the
   value is reachable through the ephemeron only while the key is reachable
   from elsewhere: a value that refers back to its key does not keep the key
   alive.  That is the ephemeron table of other runtimes (JavaScript's
   WeakMap, .NET's ConditionalWeakTable), one entry per object.

   The collectors (Python/gc.c, Python/gc_free_threading.c) see the value as
   owned by the key: when they find an object reachable, they visit the values
   of the ephemerons in its list of weak references, and when they find an
   ephemeron reachable, they visit its value only if its key is already known
   to be reachable (or is dead: the value then lives as long as the
   ephemeron, as with any container).  When a collection finds the key
   unreachable and the ephemeron reachable, it clears the ephemeron, calls
   its callback, and then releases the value (_PyEphemeron_TakeValue()):
   otherwise the live ephemeron would keep the value, and through it the
   key, alive.  Reference counting is unchanged: when the key dies by
   reference counting, the ephemeron keeps its value until it is itself
   deallocated.

   functools.cached_method keeps each instance's cache in an ephemeron keyed
   by the instance, so that a cached result that refers back to its instance
   does not keep the instance alive. */

#include "Python.h"
#include "pycore_critical_section.h" // Py_BEGIN_CRITICAL_SECTION()
#include "pycore_modsupport.h"    // _PyArg_NoKeywords()
#include "pycore_object.h"        // _PyObject_GET_WEAKREFS_LISTPTR()
#include "pycore_pyatomic_ft_wrappers.h"
#include "pycore_weakref.h"       // _PyEphemeronObject

#define EPHEMERON(op) ((_PyEphemeronObject *)(op))

/* How many ephemerons exist, in all interpreters.  The collectors walk lists
   of weak references only when there is one. */
Py_ssize_t _PyEphemeron_Alive = 0;

PyObject *
_PyEphemeron_New(PyObject *key, PyObject *value, PyObject *callback)
{
    PyObject *args = PyTuple_Pack(2, key, callback ? callback : Py_None);
    if (args == NULL) {
        return NULL;
    }
    // weakref's __new__ inserts a new weak reference of a subtype in the
    // key's list; it never reuses one.
    PyObject *self = _PyWeakref_RefType.tp_new(&_PyEphemeron_Type, args,
                                               NULL);
    Py_DECREF(args);
    if (self == NULL) {
        return NULL;
    }
    assert(_PyEphemeron_CheckExact(self));
    EPHEMERON(self)->value = Py_NewRef(value);
    _Py_atomic_add_ssize(&_PyEphemeron_Alive, 1);
    return self;
}

static PyObject *
ephemeron_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    PyObject *key, *value, *callback = NULL;
    if (!_PyArg_NoKeywords("ephemeron", kwargs) ||
        !PyArg_UnpackTuple(args, "ephemeron", 2, 3, &key, &value, &callback))
    {
        return NULL;
    }
    return _PyEphemeron_New(key, value, callback);
}

static int
ephemeron_init(PyObject *self, PyObject *args, PyObject *kwargs)
{
    // Everything was done by ephemeron_new().
    return 0;
}

/* Visit what the ephemeron holds, except its value: its callback. */
int
_PyEphemeron_TraverseExceptValue(PyObject *self, visitproc visit, void *arg)
{
    return _PyWeakref_RefType.tp_traverse(self, visit, arg);
}

static int
ephemeron_traverse(PyObject *self, visitproc visit, void *arg)
{
    Py_VISIT(EPHEMERON(self)->value);
    return _PyEphemeron_TraverseExceptValue(self, visit, arg);
}

/* Visit the values of the ephemerons whose key is op. */
int
_PyEphemeron_VisitValuesOwnedBy(PyObject *op, visitproc visit, void *arg)
{
    if (!_PyType_SUPPORTS_WEAKREFS(Py_TYPE(op))) {
        return 0;
    }
    PyWeakReference *wr =
        (PyWeakReference *)*_PyObject_GET_WEAKREFS_LISTPTR(op);
    for (; wr != NULL; wr = wr->wr_next) {
        if (_PyEphemeron_CheckExact(wr)) {
            Py_VISIT(EPHEMERON(wr)->value);
        }
    }
    return 0;
}

/* Both leave the key's list before they release the value, whose
   destruction may destroy the key: the key's callbacks must not find a
   weak reference that is being destroyed. */
static int
ephemeron_clear(PyObject *self)
{
    (void)_PyWeakref_RefType.tp_clear(self);
    Py_CLEAR(EPHEMERON(self)->value);
    return 0;
}

static void
ephemeron_dealloc(PyObject *self)
{
    PyObject *value = EPHEMERON(self)->value;
    EPHEMERON(self)->value = NULL;
    _Py_atomic_add_ssize(&_PyEphemeron_Alive, -1);
    // It untracks, leaves the key's list and frees.
    _PyWeakref_RefType.tp_dealloc(self);
    Py_XDECREF(value);
}

/* Take the ephemeron's reference to its value (NULL if it has none left),
   for the collector, once it has found the key unreachable. */
PyObject *
_PyEphemeron_TakeValue(PyObject *self)
{
    PyObject *value;
    Py_BEGIN_CRITICAL_SECTION(self);
    value = EPHEMERON(self)->value;
    FT_ATOMIC_STORE_PTR_RELAXED(EPHEMERON(self)->value, NULL);
    Py_END_CRITICAL_SECTION();
    return value;
}

static PyObject *
ephemeron_get_value(PyObject *self, void *Py_UNUSED(closure))
{
    PyObject *value;
    Py_BEGIN_CRITICAL_SECTION(self);
    value = Py_XNewRef(EPHEMERON(self)->value);
    Py_END_CRITICAL_SECTION();
    return value != NULL ? value : Py_NewRef(Py_None);
}

static PyGetSetDef ephemeron_getset[] = {
    {"value", ephemeron_get_value, NULL,
     PyDoc_STR("the value; None once the garbage collector has found the "
               "key unreachable")},
    {NULL}
};

PyDoc_STRVAR(ephemeron_doc,
"ephemeron(key, value, callback=None, /)\n\
--\n\
\n\
A weak reference to key that holds value for it.\n\
\n\
The garbage collector counts value as reachable through the ephemeron only\n\
while key is reachable from elsewhere, so a value that refers back to its\n\
key does not keep the key alive.  When it finds key unreachable, it clears\n\
the reference, calls callback, then releases value.");

PyTypeObject _PyEphemeron_Type = {
    PyVarObject_HEAD_INIT(&PyType_Type, 0)
    .tp_name = "_weakref.ephemeron",
    .tp_basicsize = sizeof(_PyEphemeronObject),
    .tp_base = &_PyWeakref_RefType,
    .tp_dealloc = ephemeron_dealloc,
    .tp_vectorcall_offset = offsetof(PyWeakReference, vectorcall),
    .tp_call = PyVectorcall_Call,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC |
                Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_doc = ephemeron_doc,
    .tp_traverse = ephemeron_traverse,
    .tp_clear = ephemeron_clear,
    .tp_getset = ephemeron_getset,
    .tp_init = ephemeron_init,
    .tp_new = ephemeron_new,
};
