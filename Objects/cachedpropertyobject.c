/* functools.cached_property: a descriptor whose getter runs once for each
   instance, however many threads ask for the value at the same time.  A
   core type, as property is, because LOAD_ATTR_CACHED_PROPERTY
   (Python/bytecodes.c) runs the simplest first access inline; the
   _functools module re-exports it. */

#include "Python.h"
#include "pycore_call.h"          // _PyObject_CallNoArgs()
#include "pycore_critical_section.h" // Py_BEGIN_CRITICAL_SECTION()
#include "pycore_descrobject.h"   // _PyCachedPropertyObject
#include "pycore_dict.h"          // _PyDictKeys_StringLookup()
#include "pycore_import.h"        // _PyImport_GetModuleAttrString()
#include "pycore_object.h"        // _PyObject_SetDeferredRefcount()
#include "pycore_pyatomic_ft_wrappers.h" // FT_ATOMIC_LOAD_SSIZE_RELAXED()
#include "pycore_pyerrors.h"      // _PyException_AddNote()
#include "pycore_tuple.h"         // _PyTuple_FromArray()
#include "pycore_typeobject.h"    // _PyType_LookupRef()
#include "pycore_unicodeobject.h" // _PyUnicode_Equal()
#include "pycore_weakref.h"       // FT_CLEAR_WEAKREFS()

/*[clinic input]
class cached_property "PyObject *" "&_PyCachedProperty_Type"
[clinic start generated code]*/
/*[clinic end generated code: output=da39a3ee5e6b4b0d input=35405123a1e3e2b7]*/

/* The getter of a cached_property runs once for each instance, and every
   caller receives the object that ended up stored in the instance.

   The first thread to miss registers a record of its computation (a
   flight, see Objects/cacheflight.c) in a list owned by the descriptor,
   calls the getter with no lock held, stores the result in the instance
   unless something is already stored there, and then ends the flight.
   The threads that waited for it look in the instance again: if the getter
   raised, nothing was stored and one of them becomes the next owner and
   tries again, as Python 3.8-3.11 did.

   Critical sections on the descriptor guard its list.  They cover only the
   bookkeeping, never the getter: a critical section is suspended whenever
   its thread blocks, so it cannot make anything run once by itself.

   Once the value is stored nothing of this remains: the instance holds only
   its value, and the record is freed.
*/

/* The object and its records are laid out in pycore_descrobject.h, where
   LOAD_ATTR_CACHED_PROPERTY's inline first access uses them. */
typedef _PyCachedPropertyRecord cp_inflight;
typedef _PyCachedPropertyObject cachedpropertyobject;

#define cachedpropertyobject_CAST(op) ((cachedpropertyobject *)(op))

static PyObject *cached_property_getattro(PyObject *self, PyObject *name);

/* Register a computation of obj's value, to be stored in mapping (NULL:
   the instance's own dict), by the current thread.  Called in a critical
   section on the descriptor.  Return NULL when out of memory. */
static cp_inflight *
cp_inflight_register(cachedpropertyobject *cp, PyObject *obj,
                     PyObject *mapping)
{
    cp_inflight *rec = &cp->first_record;
    // Waiters of an earlier computation may still hold the embedded record.
    if (rec->instance != NULL
        || _Py_atomic_load_ssize(&rec->flight.refcount) != 0)
    {
        rec = PyMem_Malloc(sizeof(cp_inflight));
        if (rec == NULL) {
            return NULL;
        }
        rec->embedded = 0;
    }
    rec->instance = obj;
    rec->mapping = mapping;
    rec->claim = NULL;
    _PyCacheFlight_Begin(&rec->flight);
    rec->sibling_stored = 0;
    rec->next = cp->inflight;
    cp->inflight = rec;
    return rec;
}

/* Remove rec from the descriptor's list.  Called in a critical section on
   the descriptor. */
static void
cp_inflight_unregister(cachedpropertyobject *cp, cp_inflight *rec)
{
    for (cp_inflight **p = &cp->inflight; *p != NULL; p = &(*p)->next) {
        if (*p == rec) {
            *p = rec->next;
            break;
        }
    }
    rec->instance = NULL;
    rec->mapping = NULL;
}

// Drop a waiter's reference to rec.
static void
cp_inflight_decref(cp_inflight *rec)
{
    if (_PyCacheFlight_AddRef(&rec->flight, -1) == 0 && !rec->embedded) {
        PyMem_Free(rec);
    }
}

/* Whether obj keeps its attributes where generic attribute lookup finds them
   (inline values or an instance dict) and shows them as the standard
   '__dict__'.  Values are then read and stored there directly, which lets
   later hits find them without calling __get__, and which never calls a
   __set__ defined by a subclass of cached_property.  Classes (whose
   '__dict__' is a read-only proxy) and objects whose '__dict__' is something
   else take the generic path, which does what the pure-Python version does:
   use whatever obj.__dict__ returns. */
static int
cp_has_plain_dict(cachedpropertyobject *cp, PyObject *obj)
{
    PyTypeObject *tp = Py_TYPE(obj);
    uint32_t version = FT_ATOMIC_LOAD_UINT32_RELAXED(tp->tp_version_tag);
    if (version != 0 &&
        version == FT_ATOMIC_LOAD_UINT32_RELAXED(cp->plain_type_version))
    {
        return 1;
    }
    if (PyType_Check(obj)) {
        return 0;
    }
    if (!(tp->tp_flags & Py_TPFLAGS_MANAGED_DICT) && tp->tp_dictoffset == 0) {
        return 0;
    }
    PyObject *descr = _PyType_LookupRef(tp, &_Py_ID(__dict__));
    /* A getset of the class or a base: one taken from an unrelated class
       would refuse the instance, as it does on stock. */
    int plain = descr != NULL && Py_IS_TYPE(descr, &PyGetSetDescr_Type)
                && PyType_IsSubtype(tp, PyDescr_TYPE(descr));
    Py_XDECREF(descr);
    if (plain && tp->tp_getattro != PyObject_GenericGetAttr) {
        /* A __getattribute__ of the class's own may answer obj.__dict__
           with another mapping, which is where the Python version stores
           the value; a __getattr__ alone is not asked for '__dict__'. */
        PyObject *getattribute = _PyType_LookupRef(
            tp, &_Py_ID(__getattribute__));
        PyObject *generic = _PyType_LookupRef(
            &PyBaseObject_Type, &_Py_ID(__getattribute__));
        plain = getattribute != NULL && getattribute == generic;
        Py_XDECREF(getattribute);
        Py_XDECREF(generic);
    }
    if (plain) {
        /* The tag read before the lookup: if the type changed since, the
           stored tag is an old one that no type carries any more. */
        FT_ATOMIC_STORE_UINT32_RELAXED(cp->plain_type_version, version);
    }
    return plain;
}

/* Replace the exception being raised with a TypeError whose message is
   format with the name of obj's type and name, as the Python version's
   "raise TypeError(...) from None" in an except clause does: the new
   error's __context__ is the old one, and it is suppressed. */
static void
cp_type_error_from_none(PyObject *obj, PyObject *name, const char *format)
{
    PyObject *context = PyErr_GetRaisedException();
    PyObject *tpname = PyType_GetName(Py_TYPE(obj));
    if (tpname == NULL) {
        Py_DECREF(context);
        return;
    }
    PyErr_Format(PyExc_TypeError, format, tpname, name);
    Py_DECREF(tpname);
    PyObject *exc = PyErr_GetRaisedException();
    PyException_SetContext(exc, context);
    ((PyBaseExceptionObject *)exc)->suppress_context = 1;
    PyErr_SetRaisedException(exc);
}

/* A mapping argument that is a member descriptor stands for a slot of the
   instance (see cached_property.__slot_missing__). */
static inline int
cp_is_slot(PyObject *mapping)
{
    return mapping != NULL && Py_IS_TYPE(mapping, &PyMemberDescr_Type);
}

// obj.__dict__ for the generic path, with the errors the Python version gives.
static PyObject *
cp_generic_dict(PyObject *obj, PyObject *name)
{
    PyObject *dict = PyObject_GetAttr(obj, &_Py_ID(__dict__));
    if (dict == NULL && PyErr_ExceptionMatches(PyExc_AttributeError)) {
        cp_type_error_from_none(obj, name,
                                "No '__dict__' attribute on %R instance "
                                "to cache %R property.");
        // How to give the value a place, as the Python version says too.
        PyObject *exc = PyErr_GetRaisedException();
        PyObject *note = PyUnicode_FromFormat(
            "To keep the value in a slot, name %R in the __slots__ of the "
            "class that defines the cached_property.", name);
        if (note == NULL || _PyException_AddNote(exc, note) < 0) {
            Py_DECREF(exc);
            Py_XDECREF(note);
            return NULL;
        }
        Py_DECREF(note);
        PyErr_SetRaisedException(exc);
    }
    else if (cp_is_slot(dict)) {
        /* A __dict__ that answers a member descriptor has no get(): fail
           as the Python version's cache.get() does, rather than take it
           for a slot. */
        PyObject *get = PyObject_GetAttr(dict, &_Py_ID(get));
        assert(get == NULL);
        Py_XDECREF(get);
        Py_CLEAR(dict);
    }
    return dict;
}

/* Read the slot of member: return 1 and set *value (a new reference), 0
   if it is empty, -1 on error.  Through the member descriptor, which checks
   the instance's type (a getter may have changed it), as the Python
   version's slot.__get__(instance) does. */
static int
cp_slot_get(PyObject *obj, PyObject *member, PyObject **value)
{
    return _PyMember_LoadObject(member, obj, value);
}

/* The default that cp_mapping_get() passes to get(): never a value. */
static PyObject cp_not_found = _PyObject_HEAD_INIT(&PyBaseObject_Type);

/* Read name from an instance's '__dict__' that is not an exact dict as the
   Python version does, with cache.get(name, default), so that a mapping or
   a dict subclass sees the read.  Return 1 and set *value (a new
   reference), 0 if absent, or -1 with an exception set. */
static int
cp_mapping_get(PyObject *dict, PyObject *name, PyObject **value)
{
    *value = PyObject_CallMethodObjArgs(dict, &_Py_ID(get), name,
                                        &cp_not_found, NULL);
    if (*value == NULL) {
        return -1;
    }
    if (*value == &cp_not_found) {
        Py_CLEAR(*value);
        return 0;
    }
    return 1;
}

/* Store value in an instance's '__dict__' that is not an exact dict, with
   cache[name] = value, so that the __setitem__ of a dict subclass runs (as
   frameworks that track changes rely on).  Return 0 or -1. */
static int
cp_mapping_store(PyObject *obj, PyObject *dict, PyObject *name,
                 PyObject *value)
{
    int rc = PyObject_SetItem(dict, name, value);
    if (rc < 0 && PyErr_ExceptionMatches(PyExc_TypeError)) {
        cp_type_error_from_none(obj, name,
                                "The '__dict__' attribute on %R instance "
                                "does not support item assignment for "
                                "caching %R property.");
    }
    return rc;
}

/* The index of name in the inline values of instances of tp, or -1.  The
   descriptor keeps the last answer as a hint, which saves looking the name
   up in the keys the instances share. */
static Py_ssize_t
cp_inline_index(cachedpropertyobject *cp, PyTypeObject *tp, PyObject *name)
{
    Py_ssize_t hint = FT_ATOMIC_LOAD_SSIZE_RELAXED(cp->slot_hint);
    Py_ssize_t ix = _PyObject_InlineValuesIndex(tp, name, hint);
    if (ix != hint && ix >= 0) {
        FT_ATOMIC_STORE_SSIZE_RELAXED(cp->slot_hint, ix);
    }
    return ix;
}

/* Where an access finds and stores the value: mapping is NULL for an
   instance whose attributes are plain (see cp_has_plain_dict()), else what
   obj.__dict__ returned, read once per access as the Python version reads
   it, so that a mapping sees one get() before the getter runs and one item
   assignment after it. */

/* Look for a value already stored in the instance.
   Return 1 and set *value (a new reference) if there is one, 0 if not,
   -1 on error.  *ix receives the value's index in the instance's inline
   values, for cp_store(), or -1. */
static int
cp_lookup(cachedpropertyobject *cp, PyObject *obj, PyObject *name,
          PyObject *mapping, PyObject **value, Py_ssize_t *ix)
{
    *value = NULL;
    *ix = -1;
    if (cp_is_slot(mapping)) {
        return cp_slot_get(obj, mapping, value);
    }
    if (mapping != NULL) {
        return cp_mapping_get(mapping, name, value);
    }
    PyTypeObject *tp = Py_TYPE(obj);
    PyObject *dict = NULL;
    if (tp->tp_flags & Py_TPFLAGS_INLINE_VALUES) {
        *ix = cp_inline_index(cp, tp, name);
        if (_PyObject_TryGetInstanceAttributeAt(obj, *ix, value)) {
            return *value != NULL;
        }
        dict = (PyObject *)_PyObject_GetManagedDict(obj);
    }
    else if (tp->tp_flags & Py_TPFLAGS_MANAGED_DICT) {
        dict = (PyObject *)_PyObject_GetManagedDict(obj);
    }
    else {
        PyObject **dictptr = _PyObject_ComputedDictPointer(obj);
        if (dictptr != NULL) {
            dict = FT_ATOMIC_LOAD_PTR_ACQUIRE(*dictptr);
        }
    }
    if (dict == NULL) {
        return 0;
    }
    Py_INCREF(dict);
    int rc = (PyDict_CheckExact(dict) ? PyDict_GetItemRef(dict, name, value)
                                      : cp_mapping_get(dict, name, value));
    Py_DECREF(dict);
    return rc;
}

/* Store value in the instance, replacing whatever the getter's run left
   there, as the pure-Python version always did: a getter that assigns the
   attribute itself, or reads the value of an overridden cached_property of
   the same name with super(), gets its own result stored.  ix is the index
   cp_lookup() found, or -1.  Return 0 or -1. */
static int
cp_store(PyObject *obj, PyObject *name, PyObject *mapping, Py_ssize_t ix,
         PyObject *value)
{
    if (mapping == NULL) {
        PyTypeObject *tp = Py_TYPE(obj);
        // The instance's values, unless __dict__ was set to a dict subclass.
        PyObject *managed = (tp->tp_flags & Py_TPFLAGS_MANAGED_DICT) ?
            (PyObject *)_PyObject_GetManagedDict(obj) : NULL;
        if ((tp->tp_flags & Py_TPFLAGS_INLINE_VALUES) &&
            (managed == NULL || PyDict_CheckExact(managed)))
        {
            return _PyObject_StoreInstanceAttributeAt(obj, name, ix, value);
        }
        PyObject *dict = PyObject_GenericGetDict(obj, NULL);
        if (dict == NULL) {
            return -1;
        }
        int rc = PyDict_CheckExact(dict)
            ? PyDict_SetItem(dict, name, value)
            // A dict subclass assigned to __dict__.
            : cp_mapping_store(obj, dict, name, value);
        Py_DECREF(dict);
        return rc;
    }
    if (cp_is_slot(mapping)) {
        // Type-checked, as slot.__set__(instance, value) in Python.
        return Py_TYPE(mapping)->tp_descr_set(mapping, obj, value);
    }
    return cp_mapping_store(obj, mapping, name, value);
}

/* The owner of rec got value from the getter: store it, unless a greenlet
   of this thread stored its own first (see cp_compute_beside_owner()) or
   another thread assigned one to the slot (_PyCachedProperty_SlotAssigned());
   then that one is kept, if it is still there.  Return the value to give
   the caller, or NULL; consume the reference to value. */
static PyObject *
cp_store_result(cachedpropertyobject *cp, PyObject *obj, PyObject *name,
                PyObject *mapping, Py_ssize_t ix, PyObject *value,
                cp_inflight *rec)
{
    if (FT_ATOMIC_LOAD_INT_RELAXED(rec->sibling_stored)) {
        PyObject *stored;
        int found = cp_lookup(cp, obj, name, mapping, &stored, &ix);
        if (found != 0) {
            Py_DECREF(value);
            return stored;
        }
    }
    if (cp_store(obj, name, mapping, ix, value) < 0) {
        Py_DECREF(value);
        return NULL;
    }
    return value;
}

static PyObject *
cp_error(PyObject *exc, PyObject *obj, PyObject *name, const char *what)
{
    PyObject *tpname = PyType_GetName(Py_TYPE(obj));
    if (tpname != NULL) {
        PyErr_Format(exc, "cached_property %R of %R object: %s",
                     name, tpname, what);
        Py_DECREF(tpname);
    }
    return NULL;
}

/* Wait until the computation of rec has finished.  Return 0, or -1 with an
   exception set: RuntimeError if waiting would deadlock, or whatever a
   signal handler raised (KeyboardInterrupt) while waiting. */
static int
cp_wait(cp_inflight *rec, PyObject *obj, PyObject *name)
{
    int rc = _PyCacheFlight_Wait(&rec->flight);
    if (rc > 0) {
        cp_error(PyExc_RuntimeError, obj, name,
                 "deadlock detected (it is being computed by a thread "
                 "that is waiting for this one)");
        return -1;
    }
    return rc;
}

// Called in a critical section on the descriptor: no other thread counts.
static inline void
cp_count_finish(cachedpropertyobject *cp)
{
    FT_ATOMIC_STORE_SSIZE_RELAXED(cp->finish_count, cp->finish_count + 1);
}

static void cp_slot_unclaim(cp_inflight *rec);
static void cp_slot_end(cp_inflight *rec);

/* Unregister rec (the caller owns it) and wake up its waiters. */
static void
cp_finish(cachedpropertyobject *cp, cp_inflight *rec)
{
    if (rec->claim != NULL) {
        Py_BEGIN_CRITICAL_SECTION(rec->instance);
        cp_slot_unclaim(rec);
        Py_END_CRITICAL_SECTION();
        cp_slot_end(rec);
        return;
    }
    Py_BEGIN_CRITICAL_SECTION(cp);
    /* Counted before the record goes: whoever claims a record after this
       one is gone also sees the new count (see cp_compute()). */
    cp_count_finish(cp);
    cp_inflight_unregister(cp, rec);
    Py_END_CRITICAL_SECTION();
    if (_PyCacheFlight_End(&rec->flight) && !rec->embedded) {
        PyMem_Free(rec);
    }
}

/* As the owner of rec: compute the value, store it, unregister rec.
   seen is the descriptor's finish count that our caller read before it
   last looked for the value, or -1 if it did not look.  Another owner may
   have stored the value and unregistered its record since; it counted its
   finish first, so if the count is still seen, no other computation has
   ended and there is no need to look again (a mapping then sees one get(),
   as in the Python version). */
static PyObject *
cp_compute(cachedpropertyobject *cp, PyObject *obj, PyObject *name,
           PyObject *func, PyObject *mapping, cp_inflight *rec,
           Py_ssize_t seen)
{
    PyObject *result = NULL;
    Py_ssize_t ix = -1;
    int found = 0;
    /* A slot is always looked at again, which is cheap: a value that
       another thread assigned since our caller looked, before we
       registered (and so before it could mark the record), wins. */
    if (seen < 0 || cp_is_slot(mapping) ||
        _Py_atomic_load_ssize(&cp->finish_count) != seen)
    {
        found = cp_lookup(cp, obj, name, mapping, &result, &ix);
    }
    if (found == 0) {
        result = PyObject_CallOneArg(func, obj);
        if (result != NULL) {
            result = cp_store_result(cp, obj, name, mapping, ix, result,
                                     rec);
        }
    }
    cp_finish(cp, rec);
    return result;
}

/* A greenlet of the thread that owns rec reads the value while the owner
   is paused in the getter.  It cannot wait (the owner can only resume on
   this thread, when it gets switched to), so it runs the getter itself, as
   stock Python does; the first value stored is the one everybody gets. */
static PyObject *
cp_compute_beside_owner(cachedpropertyobject *cp, PyObject *obj,
                        PyObject *name, PyObject *func, PyObject *mapping,
                        cp_inflight *rec)
{
    PyObject *result = PyObject_CallOneArg(func, obj);
    if (result == NULL) {
        return NULL;
    }
    PyObject *stored;
    Py_ssize_t ix;
    int found = cp_lookup(cp, obj, name, mapping, &stored, &ix);
    if (found != 0) {
        Py_DECREF(result);
        return stored;
    }
    if (cp_store(obj, name, mapping, ix, result) < 0) {
        Py_DECREF(result);
        return NULL;
    }
    // The record lives as long as its owner computes, on this thread.
    FT_ATOMIC_STORE_INT_RELAXED(rec->sibling_stored, 1);
    return result;
}

/* Find the record of the computation in flight of obj's value for mapping
   (as for cp_inflight_register()) and take a reference to it, or register
   one for the current thread and set *owner.  Called in a critical section
   on the descriptor.  Return NULL when out of memory. */
static cp_inflight *
cp_claim(cachedpropertyobject *cp, PyObject *obj, PyObject *mapping,
         int *owner)
{
    cp_inflight *rec = cp->inflight;
    while (rec != NULL && (rec->instance != obj || rec->mapping != mapping)) {
        rec = rec->next;
    }
    if (rec != NULL && _PyCacheFlight_Orphaned(&rec->flight)) {
        cp_inflight_unregister(cp, rec);
        rec = NULL;
    }
    if (rec != NULL) {
        _PyCacheFlight_AddRef(&rec->flight, 1);
        *owner = 0;
        return rec;
    }
    *owner = 1;
    return cp_inflight_register(cp, obj, mapping);
}

/* Get the value of the property for obj, computing it once.  rec is a
   record the caller claimed (owner: registered) with cp_claim(), or NULL;
   seen is as for cp_compute(). */
static PyObject *
cp_get_or_compute(cachedpropertyobject *cp, PyObject *obj, PyObject *name,
                  PyObject *func, PyObject *mapping, cp_inflight *rec,
                  int owner, Py_ssize_t seen)
{
    for (;;) {
        if (rec == NULL) {
            Py_BEGIN_CRITICAL_SECTION(cp);
            rec = cp_claim(cp, obj, mapping, &owner);
            Py_END_CRITICAL_SECTION();
            if (rec == NULL) {
                return PyErr_NoMemory();
            }
        }
        if (owner) {
            return cp_compute(cp, obj, name, func, mapping, rec, seen);
        }
        if (_PyCacheFlight_Reentered(&rec->flight)) {
            cp_inflight_decref(rec);
            return cp_error(PyExc_RuntimeError, obj, name,
                            "recursive access from its own getter");
        }
        if (rec->flight.owner == _PyThreadState_GET()->thread_id) {
            PyObject *result = cp_compute_beside_owner(cp, obj, name, func,
                                                       mapping, rec);
            cp_inflight_decref(rec);
            return result;
        }
        int rc = cp_wait(rec, obj, name);
        cp_inflight_decref(rec);
        if (rc < 0) {
            return NULL;
        }
        seen = _Py_atomic_load_ssize(&cp->finish_count);
        PyObject *value;
        Py_ssize_t ix;
        int found = cp_lookup(cp, obj, name, mapping, &value, &ix);
        if (found != 0) {
            return value;
        }
        // The getter raised (or the value is gone already): try again.
        rec = NULL;
    }
}

/* Computations registered in the claim word of the slot where the value
   goes (_Py_SLOT_CLAIM_FOLLOWS), rather than in the descriptor's list.
   The word is NULL while nothing computes the value.  A thread claims it
   with one compare-and-swap from NULL to a record of its own, with no lock
   held; every other access to the word holds the critical section on the
   instance: the owner stores the value and clears the word in one, and
   other threads take their reference to the record, or mark it, in one.
   So an uncontended first access costs one atomic operation more than a
   store into a plain slot, and computations of distinct instances share
   no lock. */

static int cp_fields_in_dict(PyObject *self);
static int cp_read_field(PyObject *self, PyObject *key, int in_dict,
                         PyObject **value);

static cp_inflight *
cp_slot_new_record(PyObject *obj, PyObject *member, cp_inflight **claim)
{
    cp_inflight *rec = PyMem_Malloc(sizeof(cp_inflight));
    if (rec == NULL) {
        return NULL;
    }
    rec->instance = obj;
    rec->mapping = member;
    rec->next = NULL;
    rec->claim = claim;
    _PyCacheFlight_Begin(&rec->flight);
    rec->sibling_stored = 0;
    rec->embedded = 0;
    return rec;
}

// Whether rec, a record of the current thread, now claims the word.
static int
cp_slot_try_claim(cp_inflight **claim, cp_inflight *rec)
{
#ifdef Py_GIL_DISABLED
    cp_inflight *expected = NULL;
    return _Py_atomic_compare_exchange_ptr(claim, &expected, rec);
#else
    if (*claim != NULL) {
        return 0;
    }
    *claim = rec;
    return 1;
#endif
}

/* Clear the claim word of rec (the current thread owns it), in a critical
   section on the instance.  The word may hold another record already: one
   of a thread that took over after finding rec orphaned
   (cp_slot_join()). */
static void
cp_slot_unclaim(cp_inflight *rec)
{
    if (FT_ATOMIC_LOAD_PTR_RELAXED(*rec->claim) == rec) {
        FT_ATOMIC_STORE_PTR_RELEASE(*rec->claim, NULL);
    }
}

/* After cp_slot_unclaim(): wake up rec's waiters, and drop the owner's
   reference. */
static void
cp_slot_end(cp_inflight *rec)
{
    rec->claim = NULL;
    rec->instance = NULL;
    if (_PyCacheFlight_End(&rec->flight) && !rec->embedded) {
        PyMem_Free(rec);
    }
}

/* As the owner of rec: store value (a new reference, which is consumed) in
   obj's slot of member and clear the claim word, in one critical section on
   obj.  A value that a greenlet of this thread stored first, or that
   another thread assigned meanwhile (rec->sibling_stored), is kept
   instead, if it is still there.  Return the value to give the caller, or
   NULL with an exception set. */
static PyObject *
cp_slot_store(PyObject *obj, PyObject *member, cp_inflight *rec,
              PyObject *value)
{
    PyMemberDef *def = ((PyMemberDescrObject *)member)->d_member;
    PyObject **addr = (PyObject **)((char *)obj + def->offset);
    PyObject *held = NULL;
    if (!PyObject_TypeCheck(obj, PyDescr_TYPE(member))) {
        /* The getter changed obj's class to one that the member descriptor
           refuses: its TypeError, as slot.__set__(obj, value) gives in the
           Python version. */
        if (Py_TYPE(member)->tp_descr_set(member, obj, value) < 0) {
            Py_CLEAR(value);
        }
        Py_BEGIN_CRITICAL_SECTION(obj);
        cp_slot_unclaim(rec);
        Py_END_CRITICAL_SECTION();
        return value;
    }
    Py_BEGIN_CRITICAL_SECTION(obj);
    PyObject *stored = NULL;
    if (FT_ATOMIC_LOAD_INT_RELAXED(rec->sibling_stored)) {
        stored = *addr;
    }
    if (stored != NULL) {
        held = value;
        value = Py_NewRef(stored);
    }
    else {
        held = *addr;
        FT_ATOMIC_STORE_PTR_RELEASE(*addr, Py_NewRef(value));
    }
    cp_slot_unclaim(rec);
    Py_END_CRITICAL_SECTION();
    // After the critical section: a finalizer may look at obj.
    Py_XDECREF(held);
    return value;
}

/* As the owner of rec: compute obj's value into the slot of member. */
static PyObject *
cp_slot_compute(PyObject *obj, PyObject *func, PyObject *member,
                cp_inflight *rec)
{
    /* A value stored since our caller looked: by an owner that finished
       before we claimed, or by another thread that assigned it before we
       claimed (and so found no record to mark). */
    PyObject *result;
    int found = _PyMember_LoadObject(member, obj, &result);
    if (found == 0) {
        result = PyObject_CallOneArg(func, obj);
        if (result != NULL) {
            result = cp_slot_store(obj, member, rec, result);
            cp_slot_end(rec);
            return result;
        }
    }
    Py_BEGIN_CRITICAL_SECTION(obj);
    cp_slot_unclaim(rec);
    Py_END_CRITICAL_SECTION();
    cp_slot_end(rec);
    return result;
}

// The descriptor that rec, an embedded record, is part of.
static PyObject *
cp_of_embedded(cp_inflight *rec)
{
    assert(rec->embedded);
    return (PyObject *)((char *)rec
                        - offsetof(cachedpropertyobject, first_record));
}

/* A reference to the record that claims the word, taken in a critical
   section on obj, or NULL if none does (any more); drop it with
   cp_slot_leave().  A record orphaned by a fork() is dropped from the
   word: it never ends (and leaks).  The record may be the embedded one of
   another descriptor than the caller's (LOAD_ATTR_CACHED_PROPERTY_SLOT
   registers it, and obj's class may change since, or a hand call of
   __slot_missing__ name another descriptor): a reference to that
   descriptor keeps the record alive while we wait.  Its owner holds one
   until it clears the word, so it is alive now. */
static cp_inflight *
cp_slot_join(PyObject *obj, cp_inflight **claim)
{
    cp_inflight *rec;
    Py_BEGIN_CRITICAL_SECTION(obj);
    rec = FT_ATOMIC_LOAD_PTR_ACQUIRE(*claim);
    if (rec != NULL && _PyCacheFlight_Orphaned(&rec->flight)) {
        FT_ATOMIC_STORE_PTR_RELEASE(*claim, NULL);
        rec = NULL;
    }
    if (rec != NULL) {
        _PyCacheFlight_AddRef(&rec->flight, 1);
        if (rec->embedded) {
            Py_INCREF(cp_of_embedded(rec));
        }
    }
    Py_END_CRITICAL_SECTION();
    return rec;
}

// Drop the references that cp_slot_join() took.
static void
cp_slot_leave(cp_inflight *rec)
{
    PyObject *keeper = rec->embedded ? cp_of_embedded(rec) : NULL;
    cp_inflight_decref(rec);
    Py_XDECREF(keeper);
}

// As cp_error(), for the attribute of self, whose name is read only now.
static PyObject *
cp_slot_error(PyObject *self, PyObject *obj, PyObject *exc, const char *what)
{
    PyObject *name;
    if (cp_read_field(self, &_Py_ID(attrname), cp_fields_in_dict(self),
                      &name) < 0)
    {
        return NULL;
    }
    cp_error(exc, obj, name, what);
    Py_DECREF(name);
    return NULL;
}

/* Get obj's value in the slot of member, whose claim word is claim,
   computing it once with func. */
static PyObject *
cp_slot_get_or_compute(cachedpropertyobject *cp, PyObject *obj,
                       PyObject *func, PyObject *member, cp_inflight **claim)
{
    PyObject *self = (PyObject *)cp;
    for (;;) {
        cp_inflight *rec;
        if (FT_ATOMIC_LOAD_PTR_ACQUIRE(*claim) == NULL) {
            rec = cp_slot_new_record(obj, member, claim);
            if (rec == NULL) {
                return PyErr_NoMemory();
            }
            if (cp_slot_try_claim(claim, rec)) {
                return cp_slot_compute(obj, func, member, rec);
            }
            PyMem_Free(rec);
        }
        rec = cp_slot_join(obj, claim);
        if (rec != NULL) {
            if (_PyCacheFlight_Reentered(&rec->flight)) {
                cp_slot_leave(rec);
                return cp_slot_error(self, obj, PyExc_RuntimeError,
                                     "recursive access from its own getter");
            }
            if (rec->flight.owner == _PyThreadState_GET()->thread_id) {
                PyObject *result = cp_compute_beside_owner(
                    cp, obj, NULL, func, member, rec);
                cp_slot_leave(rec);
                return result;
            }
            int rc = _PyCacheFlight_Wait(&rec->flight);
            cp_slot_leave(rec);
            if (rc > 0) {
                return cp_slot_error(self, obj, PyExc_RuntimeError,
                                     "deadlock detected (it is being "
                                     "computed by a thread that is waiting "
                                     "for this one)");
            }
            if (rc < 0) {
                return NULL;
            }
        }
        PyObject *value;
        int found = _PyMember_LoadObject(member, obj, &value);
        if (found != 0) {
            return value;
        }
        // The getter raised (or the value is gone already): try again.
    }
}

/* Copy func and attrname from cp's __dict__ into the descriptor (see
   _PyCachedPropertyObject), if the dict is a dict with str keys only:
   looking up a str there runs no code of the user's.  Both locks are held,
   so that the entries and the version belong together; the copy is read
   holding the descriptor's lock, or, by cp_copied_func(), without a lock:
   for it the version is a sequence count, 0 while the copy changes. */
static void
cp_copy_fields(cachedpropertyobject *cp)
{
    PyObject *dict, *old_func = NULL, *old_name = NULL;
    Py_BEGIN_CRITICAL_SECTION(cp);
    dict = Py_XNewRef(cp->dict);
    Py_END_CRITICAL_SECTION();
    if (dict == NULL) {
        return;
    }
    PyObject *name = NULL, *func = NULL;
    Py_BEGIN_CRITICAL_SECTION2(cp, dict);
    PyDictObject *mp = (PyDictObject *)dict;
    /* The lookups must not take the dict's lock again: where the lock-free
       read of PyDict_GetItemWithError() fails (a value that another thread
       owns), it locks the dict, which we hold, and blocking on it suspends
       this critical section, letting another thread copy the fields in
       between: both then drop the same old copy. */
    if (cp->dict == dict && PyDict_CheckExact(dict) &&
        DK_IS_UNICODE(mp->ma_keys) &&
        _PyDict_GetItemRef_Unicode_LockHeld(mp, &_Py_ID(attrname),
                                            &name) > 0 &&
        _PyDict_GetItemRef_Unicode_LockHeld(mp, &_Py_ID(func), &func) > 0)
    {
        assert(!PyErr_Occurred());
        if (PyUnicode_CheckExact(name)) {
            old_name = cp->attrname;
            old_func = cp->func;
            FT_ATOMIC_STORE_UINT64_RELAXED(cp->fields_version, 0);
#ifdef Py_GIL_DISABLED
            _Py_atomic_fence_release();
            // For _Py_TryXGetRef() in cp_copied_func().
            _PyObject_SetMaybeWeakref(func);
#endif
            cp->attrname = Py_NewRef(name);
            FT_ATOMIC_STORE_PTR_RELAXED(cp->func, Py_NewRef(func));
#ifdef Py_GIL_DISABLED
            _Py_atomic_store_uint64_release(&cp->fields_version,
                                            mp->ma_version_tag);
#else
            cp->fields_version = mp->ma_version_tag;
#endif
        }
    }
    Py_END_CRITICAL_SECTION2();
    Py_DECREF(dict);
    Py_XDECREF(name);
    Py_XDECREF(func);
    Py_XDECREF(old_name);
    Py_XDECREF(old_func);
}

/* In a critical section on the descriptor: new references to the copies of
   attrname and func, if they are still those of its __dict__.  The dict's
   version is read without its lock: a version that matches means the
   dict has not changed since the copy was made, or is changing right now
   (its writers store the version last). */
static int
cp_copied_fields(cachedpropertyobject *cp, PyObject **name, PyObject **func)
{
    PyDictObject *dict = (PyDictObject *)cp->dict;
    if (dict == NULL || cp->fields_version == 0 ||
        FT_ATOMIC_LOAD_UINT64_RELAXED(dict->ma_version_tag)
            != cp->fields_version)
    {
        return 0;
    }
    *name = Py_NewRef(cp->attrname);
    *func = Py_NewRef(cp->func);
    return 1;
}

/* Without a lock: a new reference to the copy of func, if it is still the
   entry of cp's __dict__, or NULL.  On the free-threaded build the copy may
   change meanwhile, and the old function go; _Py_TryXGetRef() takes a
   reference only to a function that is still alive and still the copy,
   and the version, read again last, says whether the function is the one
   copied with it.  The dict read may be one that __dict__'s setter
   replaced and freed since, but that setter makes the version 0 first, so
   what was read from it is never trusted; reading it is safe as for
   _Py_TryIncrefCompare(): the memory of freed objects stays mapped until
   every thread has passed a quiescent state, and this one has not. */
static PyObject *
cp_copied_func(cachedpropertyobject *cp)
{
#ifdef Py_GIL_DISABLED
    uint64_t version = _Py_atomic_load_uint64_acquire(&cp->fields_version);
    PyDictObject *dict = _Py_atomic_load_ptr_acquire(&cp->dict);
    if (version == 0 || dict == NULL ||
        _Py_atomic_load_uint64_relaxed(&dict->ma_version_tag) != version)
    {
        return NULL;
    }
    PyObject *func = _Py_TryXGetRef(&cp->func);
    if (func == NULL) {
        return NULL;
    }
    _Py_atomic_fence_acquire();
    if (_Py_atomic_load_uint64_relaxed(&cp->fields_version) != version) {
        Py_DECREF(func);
        return NULL;
    }
    return func;
#else
    PyDictObject *dict = (PyDictObject *)cp->dict;
    if (cp->fields_version == 0 || dict == NULL ||
        dict->ma_version_tag != cp->fields_version)
    {
        return NULL;
    }
    return Py_NewRef(cp->func);
#endif
}

/* Whether func and attrname of self are the entries of its __dict__ that
   attribute lookup would find: true for cached_property itself and for
   subclasses that neither define those names nor customise attribute
   lookup.  They are then read from the dict directly.  Other subclasses
   (one that makes attrname a property, say) get them looked up as
   attributes, as the Python version does. */
static int
cp_fields_in_dict(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    if (tp == &_PyCachedProperty_Type) {
        return 1;
    }
    if (tp->tp_getattro != cached_property_getattro) {
        return 0;
    }
    PyObject *func = _PyType_LookupRef(tp, &_Py_ID(func));
    PyObject *attrname = _PyType_LookupRef(tp, &_Py_ID(attrname));
    int in_dict = func == NULL && attrname == NULL;
    Py_XDECREF(func);
    Py_XDECREF(attrname);
    return in_dict;
}

/* Read the field key (func or attrname) of self into *value: from its
   __dict__ if in_dict, else as an attribute.  Return 0, or -1 with the
   AttributeError that self.key raises when it is missing. */
static int
cp_read_field(PyObject *self, PyObject *key, int in_dict, PyObject **value)
{
    if (!in_dict) {
        *value = PyObject_GetAttr(self, key);
        return *value == NULL ? -1 : 0;
    }
    /* Read the dict pointer under the descriptor's lock, which its
       __dict__ setter holds: PyObject_GenericGetDict() takes its reference
       after the load, and a concurrent replacement may free the dict in
       between on the free-threaded build. */
    PyObject *dict;
    Py_BEGIN_CRITICAL_SECTION(self);
    dict = Py_XNewRef(cachedpropertyobject_CAST(self)->dict);
    Py_END_CRITICAL_SECTION();
    if (dict == NULL) {
        dict = PyObject_GenericGetDict(self, NULL);
        if (dict == NULL) {
            *value = NULL;
            return -1;
        }
    }
    int found = PyDict_GetItemRef(dict, key, value);
    Py_DECREF(dict);
    if (found == 0) {
        // Missing: attribute lookup raises the AttributeError stock raises.
        *value = PyObject_GetAttr(self, key);
        return *value == NULL ? -1 : 0;
    }
    return found < 0 ? -1 : 0;
}

/* The claimed slot (Objects/claimedslotobject.c) through which obj's class
   keeps self's values in a slot, as a new reference, or NULL (with an
   exception set on error). */
static PyObject *
cp_claimed_slot(PyObject *self, PyObject *obj)
{
    PyObject *name;
    if (cp_read_field(self, &_Py_ID(attrname), cp_fields_in_dict(self),
                      &name) < 0)
    {
        return NULL;
    }
    /* Searched along the MRO, not looked up: a subclass may claim a slot of
       the same name for a cached_property of its own, and self's values
       are in the slot of the class that defines self. */
    PyObject *slot = NULL;
    PyObject *mro = PyUnicode_Check(name) ? _PyType_GetMRO(Py_TYPE(obj))
                                          : NULL;
    for (Py_ssize_t i = 0; mro != NULL && i < PyTuple_GET_SIZE(mro); i++) {
        PyObject *dict = _PyType_GetDict(
            (PyTypeObject *)PyTuple_GET_ITEM(mro, i));
        if (PyDict_GetItemRef(dict, name, &slot) < 0) {
            break;
        }
        if (slot != NULL && Py_IS_TYPE(slot, &_PyClaimedSlot_Type) &&
            ((_PyClaimedSlotObject *)slot)->claimer == self)
        {
            break;
        }
        Py_CLEAR(slot);
    }
    Py_XDECREF(mro);
    Py_DECREF(name);
    return slot;
}

static PyObject *
cached_property_descr_get(PyObject *self, PyObject *obj, PyObject *type)
{
    cachedpropertyobject *cp = cachedpropertyobject_CAST(self);
    if (obj == NULL || obj == Py_None) {
        return Py_NewRef(self);
    }
    /* Attribute lookup never calls __get__ for a value kept in a slot (the
       claimed slot does), but a call by hand, Cls.x.__get__(obj), must
       find it there too.  Only instances bigger than a plain object can
       have slots. */
    if (Py_TYPE(obj)->tp_basicsize > PyBaseObject_Type.tp_basicsize) {
        PyObject *slot = cp_claimed_slot(self, obj);
        if (slot != NULL) {
            PyObject *value = Py_TYPE(slot)->tp_descr_get(slot, obj, type);
            Py_DECREF(slot);
            return value;
        }
        if (PyErr_Occurred()) {
            return NULL;
        }
    }
    int in_dict = cp_fields_in_dict(self);
    int plain = cp_has_plain_dict(cp, obj);
    /* Attribute lookup calls __get__ only when the instance holds no value,
       unless a subclass made the descriptor a data descriptor: then every
       hit comes here and must be answered without claiming a record.
       Otherwise the record is claimed right away, so that a first access
       locks the descriptor only twice (here and in cp_finish()). */
    int look_first = (!plain || !in_dict ||
                      Py_TYPE(self)->tp_descr_set != NULL);
    PyObject *result = NULL, *mapping = NULL;
    Py_ssize_t seen = -1;
    PyObject *name = NULL, *func = NULL;
    cp_inflight *rec = NULL;
    int owner = 0;
    if (!look_first) {
        /* The usual first access: read the fields and claim the record in
           one critical section, which keeps other threads from replacing
           __dict__ (PyObject_GenericSetDict() takes it) while we read it.
           The __eq__ of a key with a colliding hash can still replace it
           in this thread, hence the reference. */
        int rc = 0, copied = 0;
        Py_BEGIN_CRITICAL_SECTION(cp);
        copied = rc = cp_copied_fields(cp, &name, &func);
        PyObject *dict = copied ? NULL : Py_XNewRef(cp->dict);
        if (dict != NULL) {
            rc = PyDict_GetItemRef(dict, &_Py_ID(attrname), &name);
            if (rc > 0) {
                rc = PyDict_GetItemRef(dict, &_Py_ID(func), &func);
            }
            Py_DECREF(dict);
        }
        if (rc > 0 && PyUnicode_CheckExact(name)) {
            // NULL when out of memory: cp_get_or_compute() tries again.
            rec = cp_claim(cp, obj, NULL, &owner);
        }
        Py_END_CRITICAL_SECTION();
        if (rc < 0) {
            goto done;
        }
        if (!copied) {
            // For the next access.
            cp_copy_fields(cp);
        }
        // A field is missing: the generic path below raises the error.
    }
    if (name == NULL &&
        cp_read_field(self, &_Py_ID(attrname), in_dict, &name) < 0)
    {
        return NULL;
    }

    if (name == Py_None) {
        PyErr_SetString(PyExc_TypeError,
                        "Cannot use cached_property instance without "
                        "calling __set_name__ on it.");
        goto done;
    }
    if (!PyUnicode_CheckExact(name)) {
        // Inline values and dict fast paths take exact str keys only.
        assert(rec == NULL);
        plain = 0;
        look_first = 1;
    }
    if (!plain) {
        mapping = cp_generic_dict(obj, name);
        if (mapping == NULL) {
            goto done;
        }
    }
    if (look_first) {
        seen = _Py_atomic_load_ssize(&cp->finish_count);
        Py_ssize_t ix;
        int found = cp_lookup(cp, obj, name, mapping, &result, &ix);
        if (found != 0) {
            goto done;
        }
    }
    if (func == NULL &&
        cp_read_field(self, &_Py_ID(func), in_dict, &func) < 0)
    {
        goto done;
    }
    result = cp_get_or_compute(cp, obj, name, func, mapping, rec, owner,
                               seen);
done:
    Py_XDECREF(mapping);
    Py_XDECREF(name);
    Py_XDECREF(func);
    return result;
}

/* Compute obj's value into the slot of member, for the claimed slot of
   self that found it empty.  The same run-once machinery as for __dict__,
   with the member descriptor as the mapping (see cp_is_slot()). */
PyObject *
_PyCachedProperty_SlotMissing(PyObject *self, PyObject *obj, PyObject *member)
{
    cachedpropertyobject *cp = cachedpropertyobject_CAST(self);
    assert(Py_IS_TYPE(member, &PyMemberDescr_Type));
    int in_dict = cp_fields_in_dict(self);
    PyObject *name = NULL, *func = NULL, *result = NULL;
    cp_inflight *rec = NULL;
    int owner = 0, copied = 0;
    Py_ssize_t seen = -1;
    // A slot of a class that claimed it (always, but for a call by hand).
    cp_inflight **claim = _PyCachedProperty_ClaimWord(member, obj);
    if (claim != NULL && in_dict) {
        // The usual first access, which takes no lock but obj's.
        func = cp_copied_func(cp);
        if (func != NULL) {
            result = cp_slot_get_or_compute(cp, obj, func, member, claim);
            Py_DECREF(func);
            return result;
        }
    }
    if (in_dict) {
        /* The usual first access, as in __get__: the copied fields, and the
           record claimed in the same critical section. */
        Py_BEGIN_CRITICAL_SECTION(cp);
        copied = cp_copied_fields(cp, &name, &func);
        if (copied && claim == NULL) {
            // NULL when out of memory: cp_get_or_compute() tries again.
            rec = cp_claim(cp, obj, member, &owner);
        }
        Py_END_CRITICAL_SECTION();
        if (!copied) {
            // For the next access.
            cp_copy_fields(cp);
        }
    }
    if (!copied) {
        if (cp_read_field(self, &_Py_ID(attrname), in_dict, &name) < 0) {
            return NULL;
        }
        if (name == Py_None) {
            PyErr_SetString(PyExc_TypeError,
                            "Cannot use cached_property instance without "
                            "calling __set_name__ on it.");
            goto done;
        }
        seen = _Py_atomic_load_ssize(&cp->finish_count);
        Py_ssize_t ix;
        int found = cp_lookup(cp, obj, name, member, &result, &ix);
        if (found != 0) {
            goto done;
        }
        if (cp_read_field(self, &_Py_ID(func), in_dict, &func) < 0) {
            goto done;
        }
    }
    if (claim != NULL) {
        result = cp_slot_get_or_compute(cp, obj, func, member, claim);
    }
    else {
        result = cp_get_or_compute(cp, obj, name, func, member, rec, owner,
                                   seen);
    }
done:
    Py_XDECREF(name);
    Py_XDECREF(func);
    return result;
}

/* A value was assigned to obj's slot of member through the claimed slot
   of self.  A value another thread assigns while this one computes it
   wins, as a greenlet's does: mark the computation in flight.  An
   assignment by the thread that computes it (the getter's own) is replaced
   by the getter's result, also when it replaced another thread's: clear
   the mark.  The claimed slot stores before it calls here, so an owner
   that sees the mark finds the value, unless it is gone already; an
   assignment still in progress when the getter returns may be kept or
   replaced, and every thread gets the value kept. */
void
_PyCachedProperty_SlotAssigned(PyObject *self, PyObject *obj,
                               PyObject *member)
{
    cachedpropertyobject *cp = cachedpropertyobject_CAST(self);
    unsigned long me = _PyThreadState_GET()->thread_id;
    cp_inflight **claim = _PyCachedProperty_ClaimWord(member, obj);
    if (claim != NULL) {
        /* The store before the load of the word: an owner claims the word
           before it looks at the slot, so either it finds the value or we
           find its record.  And the record in a critical section on obj:
           its owner clears the word in one before the record can go. */
#ifdef Py_GIL_DISABLED
        _Py_atomic_fence_seq_cst();
#endif
        Py_BEGIN_CRITICAL_SECTION(obj);
        cp_inflight *rec = FT_ATOMIC_LOAD_PTR_ACQUIRE(*claim);
        if (rec != NULL) {
            FT_ATOMIC_STORE_INT_RELAXED(rec->sibling_stored,
                                        rec->flight.owner != me);
        }
        Py_END_CRITICAL_SECTION();
        return;
    }
    Py_BEGIN_CRITICAL_SECTION(cp);
    for (cp_inflight *rec = cp->inflight; rec != NULL; rec = rec->next) {
        if (rec->instance == obj && rec->mapping == member) {
            FT_ATOMIC_STORE_INT_RELAXED(rec->sibling_stored,
                                        rec->flight.owner != me);
            break;
        }
    }
    Py_END_CRITICAL_SECTION();
}

/* Bind the arguments (instance, slot) of the hooks that a claimed slot
   calls, __slot_missing__ and __slot_assigned__, with the errors that the
   Python version's def gives.  Return 0, or -1 with an exception set. */
static int
cp_bind_slot_hook_args(const char *qualname, PyObject *const *args,
                       Py_ssize_t nargs, PyObject *kwnames, PyObject **obj,
                       PyObject **member)
{
    static const char *const names[] = {"instance", "slot"};
    PyObject *params[2];
    if (_PyDescr_BindArgs(qualname, names, 2, 2, args, nargs, kwnames,
                          args + nargs, params) < 0)
    {
        return -1;
    }
    *obj = params[0];
    *member = params[1];
    return 0;
}

PyDoc_STRVAR(cached_property_slot_missing_doc,
"__slot_missing__($self, instance, slot)\n"
"--\n"
"\n"
"Compute the value for instance into its empty slot.\n"
"\n"
"Called when the attribute is read and its slot is empty, for a\n"
"cached_property named in the __slots__ of the class that defines it.\n"
"slot is the member descriptor that reads and writes the slot.");

static PyObject *
cached_property_slot_missing(PyObject *self, PyObject *const *args,
                             Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *obj, *member;
    if (cp_bind_slot_hook_args("cached_property.__slot_missing__", args,
                               nargs, kwnames, &obj, &member) < 0)
    {
        return NULL;
    }
    /* The member descriptor reads and writes the slot, and checks that obj
       has it: any member will do (a claimed slot that was replaced in the
       class since, say). */
    if (!Py_IS_TYPE(member, &PyMemberDescr_Type)) {
        PyErr_Format(PyExc_TypeError,
                     "cached_property.__slot_missing__(): slot must be a "
                     "member descriptor, not %R", member);
        return NULL;
    }
    return _PyCachedProperty_SlotMissing(self, obj, member);
}

#define CACHED_PROPERTY_SLOT_MISSING_METHODDEF                          \
    {"__slot_missing__", _PyCFunction_CAST(cached_property_slot_missing), \
     METH_FASTCALL | METH_KEYWORDS, cached_property_slot_missing_doc},

PyDoc_STRVAR(cached_property_slot_assigned_doc,
"__slot_assigned__($self, instance, slot)\n"
"--\n"
"\n"
"Note that a value was assigned to instance's slot.\n"
"\n"
"Called by the claimed slot after the assignment, for a cached_property\n"
"named in the __slots__ of the class that defines it.  A value that\n"
"another thread assigns while this thread runs the getter wins over the\n"
"getter's result.");

static PyObject *
cached_property_slot_assigned(PyObject *self, PyObject *const *args,
                              Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *obj, *member;
    if (cp_bind_slot_hook_args("cached_property.__slot_assigned__", args,
                               nargs, kwnames, &obj, &member) < 0)
    {
        return NULL;
    }
    // Only compared with the records' keys: any object will do.
    _PyCachedProperty_SlotAssigned(self, obj, member);
    Py_RETURN_NONE;
}

#define CACHED_PROPERTY_SLOT_ASSIGNED_METHODDEF                           \
    {"__slot_assigned__", _PyCFunction_CAST(cached_property_slot_assigned), \
     METH_FASTCALL | METH_KEYWORDS, cached_property_slot_assigned_doc},

PyDoc_STRVAR(cached_property_init_subclass_doc,
"__init_subclass__($cls, /, **kwargs)\n"
"--\n"
"\n"
"A subclass that overrides __get__, __set__ or __delete__ but not\n"
"__slot_missing__ keeps its values in __dict__, not in slots.");

/* The claimed slot answers hits and calls __slot_missing__ on a miss, and
   so would pass over a subclass's own __get__: such a subclass claims no
   slot unless it says how to fill one. */
static PyObject *
cached_property_init_subclass(PyObject *cls, PyObject *args, PyObject *kwargs)
{
    if (PyTuple_GET_SIZE(args) != 0) {
        PyErr_Format(PyExc_TypeError,
                     "cached_property.__init_subclass__() takes 1 "
                     "positional argument but %zd were given",
                     PyTuple_GET_SIZE(args) + 1);
        return NULL;
    }
    PyObject *super = PyObject_CallFunctionObjArgs(
        (PyObject *)&PySuper_Type, (PyObject *)&_PyCachedProperty_Type, cls,
        NULL);
    if (super == NULL) {
        return NULL;
    }
    PyObject *init = PyObject_GetAttr(super, &_Py_ID(__init_subclass__));
    Py_DECREF(super);
    if (init == NULL) {
        return NULL;
    }
    PyObject *res = PyObject_Call(init, args, kwargs);
    Py_DECREF(init);
    if (res == NULL) {
        return NULL;
    }
    Py_DECREF(res);
    /* Along the MRO, so that a mixin's __set__ counts too; an override
       added to the class later is not seen. */
    PyTypeObject *type = (PyTypeObject *)cls;
    PyTypeObject *base = &_PyCachedProperty_Type;
    int overrides = 0;
    PyObject *hooks[] = {&_Py_ID(__get__), &_Py_ID(__set__),
                         &_Py_ID(__delete__)};
    for (size_t i = 0; i < Py_ARRAY_LENGTH(hooks) && !overrides; i++) {
        PyObject *found = _PyType_LookupRef(type, hooks[i]);
        PyObject *ours = _PyType_LookupRef(base, hooks[i]);
        overrides = found != ours;
        Py_XDECREF(found);
        Py_XDECREF(ours);
    }
    if (overrides) {
        PyObject *found = _PyType_LookupRef(type, &_Py_ID(__slot_missing__));
        PyObject *ours = _PyType_LookupRef(base, &_Py_ID(__slot_missing__));
        int inherited = found == ours;
        Py_XDECREF(found);
        Py_XDECREF(ours);
        if (inherited &&
            PyObject_SetAttr(cls, &_Py_ID(__slot_missing__), Py_None) < 0)
        {
            return NULL;
        }
    }
    Py_RETURN_NONE;
}

/* The first access from specialized code.  LOAD_ATTR_CACHED_PROPERTY
   (Python/bytecodes.c) runs the getter in a frame pushed by the interpreter,
   like LOAD_ATTR_PROPERTY does, instead of calling it from C: a first access
   then costs little more than calling a method and storing its result by
   hand.  Below the getter's frame it pushes a shim frame
   (_Py_CachedPropertyShim in Python/specialize.c) that stores the value and
   ends the computation when the getter returns, or only ends it when the
   getter raises.

   Only the simplest case is done inline, by the functions in
   pycore_descrobject.h: nothing of this descriptor is in flight, so the
   computation takes the embedded record, and the instance keeps its
   attributes in inline values, or the value in a slot the descriptor
   claimed (LOAD_ATTR_CACHED_PROPERTY_SLOT).  Everything else (waiting for
   another thread, re-entry, fork) deoptimizes to the generic path above,
   and the two functions below take over when the inline store or end
   meets anything unusual.  The free-threaded build does not specialize in
   3.13, so none of this runs there. */

/* The specializer (specialize_cached_property() in Python/specialize.c)
   checks the getter and remembers its version in inline_func_version for
   _PyCachedProperty_InlinableGetter().  It must not look the fields up,
   which may run code of the user's (__eq__ of a key, or a finalizer when
   the copy is replaced), code that could change what it relies on: it
   uses the copy that __get__ made on a first access, which the adaptive
   counter lets run before it specializes. */
int
_PyCachedProperty_CopiedFields(cachedpropertyobject *cp, PyObject **func,
                               PyObject **name)
{
    PyDictObject *dict = (PyDictObject *)cp->dict;
    if (dict == NULL || cp->fields_version == 0 ||
        cp->fields_version != dict->ma_version_tag)
    {
        return 0;
    }
    *func = cp->func;
    *name = cp->attrname;
    return 1;
}

int
_PyCachedProperty_HasPlainDict(cachedpropertyobject *cp, PyObject *obj)
{
    return cp_has_plain_dict(cp, obj);
}

/* _PyCachedProperty_StoreInlined() could not store value in owner's inline
   values or slot: store it as __get__ or __slot_missing__ does.  Return the
   value for the caller, or NULL with an exception set; consume the
   reference to value. */
PyObject *
_PyCachedProperty_Store(cachedpropertyobject *cp, PyObject *owner,
                        PyObject *name, PyObject *value)
{
    /* The instance had a plain __dict__ (mapping NULL) or the slot of the
       member descriptor in mapping when the getter began.  If the getter
       changed its class, the value still goes to the instance's own dict,
       which stock 3.13 read before calling the getter, not to whatever
       obj.__dict__ answers for the new class; or through the member
       descriptor, which checks the new class, as __slot_missing__ does. */
    cp_inflight *rec = &cp->first_record;
    return cp_store_result(cp, owner, name, rec->mapping, -1, value, rec);
}

/* End the inline computation that _PyCachedProperty_EndInlined() could not
   end by itself: other records are in flight, or threads wait for this
   one.  The embedded record is ours: it was free when we took it, and it
   stays taken until we release our reference. */
void
_PyCachedProperty_End(cachedpropertyobject *cp)
{
    cp_finish(cp, &cp->first_record);
}

static PyObject *
cached_property_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    cachedpropertyobject *cp = (cachedpropertyobject *)type->tp_alloc(type, 0);
    if (cp == NULL) {
        return NULL;
    }
    cp->slot_hint = -1;
    cp->first_record.embedded = 1;
    if (PyTuple_GET_SIZE(args) > 0) {
        _PyDescr_CountReferencesLike((PyObject *)cp,
                                     PyTuple_GET_ITEM(args, 0));
    }
    return (PyObject *)cp;
}

/* The errors are the ones Python gives for the same def, so that the C
   and the Python versions report bad calls alike. */
int
_PyDescr_BindArgs(const char *qualname, const char *const *names,
                  Py_ssize_t nparams, Py_ssize_t nrequired,
                  PyObject *const *args, Py_ssize_t nargs,
                  PyObject *kwnames, PyObject *const *kwvalues,
                  PyObject **out)
{
    for (Py_ssize_t i = 0; i < nparams; i++) {
        out[i] = i < nargs ? args[i] : NULL;
    }
    // The counts below include self, as Python's do.
    if (nargs > nparams) {
        if (nrequired == nparams) {
            PyErr_Format(PyExc_TypeError,
                         "%s() takes %zd positional arguments but %zd "
                         "were given", qualname, nparams + 1, nargs + 1);
        }
        else {
            PyErr_Format(PyExc_TypeError,
                         "%s() takes from %zd to %zd positional arguments "
                         "but %zd were given",
                         qualname, nrequired + 1, nparams + 1, nargs + 1);
        }
        return -1;
    }
    Py_ssize_t nkw = kwnames == NULL ? 0 : PyTuple_GET_SIZE(kwnames);
    for (Py_ssize_t k = 0; k < nkw; k++) {
        PyObject *key = PyTuple_GET_ITEM(kwnames, k);
        Py_ssize_t i = 0;
        while (i < nparams && !PyUnicode_EqualToUTF8(key, names[i])) {
            i++;
        }
        if (i == nparams) {
            PyErr_Format(PyExc_TypeError,
                         "%s() got an unexpected keyword argument '%S'",
                         qualname, key);
            return -1;
        }
        if (out[i] != NULL) {
            PyErr_Format(PyExc_TypeError,
                         "%s() got multiple values for argument '%s'",
                         qualname, names[i]);
            return -1;
        }
        out[i] = kwvalues[k];
    }
    // These methods have at most two required parameters.
    assert(nrequired <= 2);
    const char *missing[2];
    Py_ssize_t nmissing = 0;
    for (Py_ssize_t i = 0; i < nrequired; i++) {
        if (out[i] == NULL) {
            missing[nmissing++] = names[i];
        }
    }
    if (nmissing == 1) {
        PyErr_Format(PyExc_TypeError,
                     "%s() missing 1 required positional argument: '%s'",
                     qualname, missing[0]);
        return -1;
    }
    if (nmissing == 2) {
        PyErr_Format(PyExc_TypeError,
                     "%s() missing 2 required positional arguments: "
                     "'%s' and '%s'", qualname, missing[0], missing[1]);
        return -1;
    }
    return 0;
}

/* _PyDescr_BindArgs() for tp_init, whose keyword arguments come in a dict. */
static int
cp_bind_dict_args(const char *qualname, const char *const *names,
                  Py_ssize_t nparams, Py_ssize_t nrequired, PyObject *args,
                  PyObject *kwargs, PyObject **out)
{
    Py_ssize_t nargs = PyTuple_GET_SIZE(args);
    if (kwargs == NULL || PyDict_GET_SIZE(kwargs) == 0) {
        return _PyDescr_BindArgs(qualname, names, nparams, nrequired,
                                 _PyTuple_ITEMS(args), nargs, NULL, NULL, out);
    }
    PyObject *kwnames;
    PyObject *const *stack = _PyStack_UnpackDict(
        _PyThreadState_GET(), _PyTuple_ITEMS(args), nargs, kwargs, &kwnames);
    if (stack == NULL) {
        return -1;
    }
    int rc = _PyDescr_BindArgs(qualname, names, nparams, nrequired, stack,
                               nargs, kwnames, stack + nargs, out);
    /* out[] borrows from args and kwargs, which outlive the call, not from
       the stack, which holds new references to the same objects. */
    _PyStack_UnpackDict_Free(stack, nargs, kwnames);
    return rc;
}

PyDoc_STRVAR(cached_property_doc,
"cached_property(func)\n"
"--\n"
"\n"
"Decorator that turns a method into a property computed once per instance.\n"
"\n"
"The first access on an instance calls func(instance) and stores the result\n"
"in the instance's __dict__ under the attribute's name; later accesses find\n"
"it there like any other attribute.  Threads that ask while the value is\n"
"being computed wait for that one call, so func runs once per instance.");

static int
cached_property_init(PyObject *self, PyObject *args, PyObject *kwargs)
{
    static const char *const names[] = {"func"};
    PyObject *func;
    if (cp_bind_dict_args("cached_property.__init__", names, 1, 1, args,
                          kwargs, &func) < 0)
    {
        return -1;
    }
    // As the Python version: plain attributes, kept in __dict__.
    if (PyObject_SetAttr(self, &_Py_ID(func), func) < 0 ||
        PyObject_SetAttr(self, &_Py_ID(attrname), Py_None) < 0)
    {
        return -1;
    }

    PyObject *value = PyObject_GetAttr(func, &_Py_ID(__doc__));
    if (value == NULL ||
        PyObject_SetAttr(self, &_Py_ID(__doc__), value) < 0)
    {
        Py_XDECREF(value);
        return -1;
    }
    Py_SETREF(value, PyObject_GetAttr(func, &_Py_ID(__module__)));
    if (value == NULL ||
        PyObject_SetAttr(self, &_Py_ID(__module__), value) < 0)
    {
        Py_XDECREF(value);
        return -1;
    }
    Py_DECREF(value);
    return 0;
}

PyDoc_STRVAR(cached_property_set_name_doc,
"__set_name__($self, owner, name)\n"
"--\n"
"\n"
"Record the name of the attribute the property is assigned to.");

static PyObject *
cached_property_set_name(PyObject *self, PyObject *const *args,
                         Py_ssize_t nargs, PyObject *kwnames)
{
    static const char *const names[] = {"owner", "name"};
    PyObject *params[2];
    if (_PyDescr_BindArgs("cached_property.__set_name__", names, 2, 2, args,
                          nargs, kwnames, args + nargs, params) < 0)
    {
        return NULL;
    }
    PyObject *name = Py_NewRef(params[1]);
    PyObject *previous = PyObject_GetAttr(self, &_Py_ID(attrname));
    if (previous == NULL ||
        (previous == Py_None &&
         PyObject_SetAttr(self, &_Py_ID(attrname), name) < 0))
    {
        Py_XDECREF(previous);
        Py_DECREF(name);
        return NULL;
    }
    int rc = 0;
    if (previous != Py_None) {
        /* As the Python version: name != previous, with no shortcut for
           identical objects (a NaN name differs from itself). */
        PyObject *ne = PyObject_RichCompare(name, previous, Py_NE);
        rc = ne == NULL ? -1 : PyObject_IsTrue(ne);
        Py_XDECREF(ne);
        if (rc > 0) {
            PyErr_Format(PyExc_TypeError,
                         "Cannot assign the same cached_property to two "
                         "different names (%R and %R).", previous, name);
        }
    }
    Py_DECREF(previous);
    Py_DECREF(name);
    if (rc != 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

#define CACHED_PROPERTY_SET_NAME_METHODDEF                              \
    {"__set_name__", _PyCFunction_CAST(cached_property_set_name),       \
     METH_FASTCALL | METH_KEYWORDS, cached_property_set_name_doc},

PyDoc_STRVAR(cached_property_get_doc,
"__get__($self, instance, owner=None)\n"
"--\n"
"\n"
"Return the value of the property for instance, computing it once.");

/* A method as well as tp_descr_get, which attribute lookup uses, so that
   __get__ takes keyword arguments as the Python version's does; the method
   hides the slot wrapper (METH_COEXIST). */
static PyObject *
cached_property_get_method(PyObject *self, PyObject *const *args,
                           Py_ssize_t nargs, PyObject *kwnames)
{
    static const char *const names[] = {"instance", "owner"};
    PyObject *params[2];
    if (_PyDescr_BindArgs("cached_property.__get__", names, 2, 1, args,
                          nargs, kwnames, args + nargs, params) < 0)
    {
        return NULL;
    }
    return cached_property_descr_get(self, params[0], params[1]);
}

#define CACHED_PROPERTY_GET_METHODDEF                                   \
    {"__get__", _PyCFunction_CAST(cached_property_get_method),          \
     METH_FASTCALL | METH_KEYWORDS | METH_COEXIST, cached_property_get_doc},

#include "clinic/cachedpropertyobject.c.h"

/*[clinic input]
cached_property.__reduce__

Return state information for pickling and copying.
[clinic start generated code]*/

static PyObject *
cached_property___reduce___impl(PyObject *self)
/*[clinic end generated code: output=6676bdb962c60092 input=7e6e2916e8bc79f8]*/
{
    /* What object.__reduce_ex__() gives the Python version for protocol 2
       and up, whatever the protocol: copyreg.__newobj__(cls, *args) (or
       __newobj_ex__), where the arguments are those of __getnewargs_ex__()
       or __getnewargs__() if the class defines one, else none, so that
       subclasses whose __init__ takes other arguments come back too; and
       the state that __getstate__() returns, by default the __dict__ with
       func and attrname, which unpickling puts back into __dict__.  Pickles
       load in the Python version and in stock 3.13. */
    PyObject *args = NULL, *kwargs = NULL, *state = NULL, *result = NULL;
    PyObject *getnewargs = _PyObject_LookupSpecial(
        self, &_Py_ID(__getnewargs_ex__));
    if (getnewargs != NULL) {
        PyObject *pair = _PyObject_CallNoArgs(getnewargs);
        Py_DECREF(getnewargs);
        if (pair == NULL) {
            goto error;
        }
        if (!PyTuple_Check(pair)) {
            PyErr_Format(PyExc_TypeError, "__getnewargs_ex__ should return "
                         "a tuple, not '%.200s'", Py_TYPE(pair)->tp_name);
            Py_DECREF(pair);
            goto error;
        }
        if (PyTuple_GET_SIZE(pair) != 2) {
            PyErr_Format(PyExc_ValueError, "__getnewargs_ex__ should return "
                         "a tuple of length 2, not %zd",
                         PyTuple_GET_SIZE(pair));
            Py_DECREF(pair);
            goto error;
        }
        args = Py_NewRef(PyTuple_GET_ITEM(pair, 0));
        kwargs = Py_NewRef(PyTuple_GET_ITEM(pair, 1));
        Py_DECREF(pair);
        if (!PyTuple_Check(args)) {
            PyErr_Format(PyExc_TypeError, "first item of the tuple returned "
                         "by __getnewargs_ex__ must be a tuple, not '%.200s'",
                         Py_TYPE(args)->tp_name);
            goto error;
        }
        if (!PyDict_Check(kwargs)) {
            PyErr_Format(PyExc_TypeError, "second item of the tuple returned "
                         "by __getnewargs_ex__ must be a dict, not '%.200s'",
                         Py_TYPE(kwargs)->tp_name);
            goto error;
        }
    }
    else if (PyErr_Occurred()) {
        goto error;
    }
    else {
        getnewargs = _PyObject_LookupSpecial(self, &_Py_ID(__getnewargs__));
        if (getnewargs != NULL) {
            args = _PyObject_CallNoArgs(getnewargs);
            Py_DECREF(getnewargs);
            if (args == NULL) {
                goto error;
            }
            if (!PyTuple_Check(args)) {
                PyErr_Format(PyExc_TypeError, "__getnewargs__ should return "
                             "a tuple, not '%.200s'", Py_TYPE(args)->tp_name);
                goto error;
            }
        }
        else if (PyErr_Occurred()) {
            goto error;
        }
        else {
            args = PyTuple_New(0);
            if (args == NULL) {
                goto error;
            }
        }
    }
    state = PyObject_CallMethodNoArgs(self, &_Py_ID(__getstate__));
    if (state == NULL) {
        goto error;
    }
    if (kwargs != NULL && PyDict_GET_SIZE(kwargs) > 0) {
        PyObject *newobj_ex = _PyImport_GetModuleAttrString("copyreg",
                                                            "__newobj_ex__");
        if (newobj_ex != NULL) {
            result = Py_BuildValue("N(OOO)O", newobj_ex, Py_TYPE(self), args,
                                   kwargs, state);
        }
    }
    else {
        PyObject *newobj = _PyImport_GetModuleAttrString("copyreg",
                                                         "__newobj__");
        PyObject *cls = (PyObject *)Py_TYPE(self);
        // (cls, *args)
        PyObject *newargs = _PyTuple_FromArray(&cls, 1);
        if (newobj != NULL && newargs != NULL) {
            PyObject *all = PySequence_Concat(newargs, args);
            if (all != NULL) {
                result = Py_BuildValue("NNO", newobj, all, state);
                newobj = NULL;
            }
        }
        Py_XDECREF(newobj);
        Py_XDECREF(newargs);
    }
error:
    Py_XDECREF(args);
    Py_XDECREF(kwargs);
    Py_XDECREF(state);
    return result;
}

/* cp.__dict__ = d.  The copy of func and attrname is of the old dict: it
   becomes stale (version 0) before that dict can go, so that
   cp_copied_func(), which reads the dict's version without a lock, never
   trusts a version read from a dict that is gone. */
static int
cached_property_set_dict(PyObject *self, PyObject *value, void *context)
{
    cachedpropertyobject *cp = cachedpropertyobject_CAST(self);
    // As for instances of Python classes: del cp.__dict__ empties it.
    if (value != NULL && !PyDict_Check(value)) {
        PyErr_Format(PyExc_TypeError,
                     "__dict__ must be set to a dictionary, not a '%.200s'",
                     Py_TYPE(value)->tp_name);
        return -1;
    }
    PyObject *old;
    Py_BEGIN_CRITICAL_SECTION(self);
    FT_ATOMIC_STORE_UINT64_RELAXED(cp->fields_version, 0);
    old = cp->dict;
    FT_ATOMIC_STORE_PTR_RELEASE(cp->dict, Py_XNewRef(value));
    Py_END_CRITICAL_SECTION();
    Py_XDECREF(old);
    return 0;
}

static PyGetSetDef cached_property_getset[] = {
    {"__dict__", PyObject_GenericGetDict, cached_property_set_dict},
    {NULL}
};

static PyMethodDef cached_property_methods[] = {
    CACHED_PROPERTY_GET_METHODDEF
    CACHED_PROPERTY_SET_NAME_METHODDEF
    CACHED_PROPERTY_SLOT_MISSING_METHODDEF
    CACHED_PROPERTY_SLOT_ASSIGNED_METHODDEF
    CACHED_PROPERTY___REDUCE___METHODDEF
    {"__init_subclass__", _PyCFunction_CAST(cached_property_init_subclass),
     METH_VARARGS | METH_KEYWORDS | METH_CLASS,
     cached_property_init_subclass_doc},
    {"__class_getitem__", Py_GenericAlias, METH_O|METH_CLASS,
     PyDoc_STR("See PEP 585")},
    {NULL}
};

static int
cached_property_traverse(PyObject *self, visitproc visit, void *arg)
{
    cachedpropertyobject *cp = cachedpropertyobject_CAST(self);
    Py_VISIT(cp->dict);
    Py_VISIT(cp->func);
    Py_VISIT(cp->attrname);
    return 0;
}

static int
cached_property_clear(PyObject *self)
{
    cachedpropertyobject *cp = cachedpropertyobject_CAST(self);
    cp->fields_version = 0;
    Py_CLEAR(cp->func);
    Py_CLEAR(cp->attrname);
    Py_CLEAR(cp->dict);
    return 0;
}

static void
cached_property_dealloc(PyObject *self)
{
    cachedpropertyobject *cp = cachedpropertyobject_CAST(self);
    PyObject_GC_UnTrack(self);
#ifdef FT_CLEAR_WEAKREFS
    FT_CLEAR_WEAKREFS(self, cp->weakreflist);
#else
    // 3.13.5, before gh-135607
    if (cp->weakreflist != NULL) {
        PyObject_ClearWeakRefs(self);
    }
#endif
    (void)cached_property_clear(self);
    /* Owners and waiters hold a reference to the descriptor, so only records
       orphaned by a fork() can be left, and nobody can use them. */
    cp_inflight *rec = cp->inflight;
    while (rec != NULL) {
        cp_inflight *next = rec->next;
        if (!rec->embedded) {
            PyMem_Free(rec);
        }
        rec = next;
    }
    Py_TYPE(self)->tp_free(self);
}

/* Attribute lookup on the descriptor itself is generic, but a missing
   __module__ is the class's, and the message of another missing attribute
   names the type as the Python class does,
   'cached_property' (its __name__), where the generic one would give the
   static type's tp_name, 'functools.cached_property'. */
static PyObject *
cached_property_getattro(PyObject *self, PyObject *name)
{
    PyObject *value = _PyObject_GenericGetAttrWithDict(self, name, NULL, 1);
    if (value != NULL || PyErr_Occurred()) {
        return value;
    }
    /* __init__() stores the getter's __module__ in __dict__.  Without it,
       the Python class's own '__module__' is what a lookup finds; a static
       type's __dict__ has none. */
    if (PyUnicode_Check(name) &&
        _PyUnicode_Equal(name, &_Py_ID(__module__)))
    {
        return PyUnicode_FromString("functools");
    }
    PyObject *type_name = PyType_GetName(Py_TYPE(self));
    if (type_name == NULL) {
        return NULL;
    }
    PyErr_Format(PyExc_AttributeError, "'%U' object has no attribute '%U'",
                 type_name, name);
    Py_DECREF(type_name);
    _PyObject_SetAttributeErrorContext(self, name);
    return NULL;
}

PyTypeObject _PyCachedProperty_Type = {
    PyVarObject_HEAD_INIT(&PyType_Type, 0)
    /* The module part gives __module__.  Messages name the type as the
       Python class does, 'cached_property' (see cached_property_getattro). */
    .tp_name = "functools.cached_property",
    .tp_basicsize = sizeof(cachedpropertyobject),
    .tp_dealloc = cached_property_dealloc,
    .tp_getattro = cached_property_getattro,
    .tp_flags = (Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE |
                 Py_TPFLAGS_HAVE_GC),
    .tp_doc = cached_property_doc,
    .tp_traverse = cached_property_traverse,
    .tp_clear = cached_property_clear,
    .tp_weaklistoffset = offsetof(cachedpropertyobject, weakreflist),
    .tp_methods = cached_property_methods,
    .tp_getset = cached_property_getset,
    .tp_descr_get = cached_property_descr_get,
    .tp_dictoffset = offsetof(cachedpropertyobject, dict),
    .tp_init = cached_property_init,
    .tp_alloc = PyType_GenericAlloc,
    .tp_new = cached_property_new,
    .tp_free = PyObject_GC_Del,
};
