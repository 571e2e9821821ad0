/* Claimed slots: a name in __slots__ that the class body also binds to an
   object that asks to keep its value in that slot.

   Stock CPython refuses

       class C:
           __slots__ = ('x',)
           @cached_property
           def x(self): ...

   with "'x' in __slots__ conflicts with class variable".  An object whose
   type defines __slot_missing__ (not None) claims the slot instead:
   type.__new__ makes the slot as usual and puts in the class a claimed
   slot, which holds the slot's member descriptor and the claimer.  It is a
   data descriptor:

   - C.x is what the claimer gives for the class (the cached_property);
   - obj.x reads the slot, and calls
     claimer.__slot_missing__(obj, member) only when the slot is empty,
     so a hit is a slot read (the specializer turns it into LOAD_ATTR_SLOT);
   - obj.x = v and del obj.x write the slot, as the member descriptor does;
     after an assignment, claimer.__slot_assigned__(obj, member) is called
     if the claimer's type defines it (the specializer leaves stores to a
     claimed slot to this descriptor, so that every assignment is seen).

   The member descriptor handed to __slot_missing__ reads and writes the
   slot itself (member.__get__(obj) raises AttributeError while it is
   empty), which is how the claimer stores the value it computed.

   object.__getstate__() reads claimed slots without calling the claimer,
   so pickling and copying carry computed values and compute nothing. */

#include "Python.h"
#include "pycore_descrobject.h"   // _PyClaimedSlotObject
#include "pycore_object.h"        // _PyObject_GC_TRACK()
#include "pycore_call.h"          // _PyObject_LookupSpecial()
#include "pycore_critical_section.h" // Py_BEGIN_CRITICAL_SECTION()
#include "pycore_pyatomic_ft_wrappers.h" // FT_ATOMIC_LOAD_PTR()
#include "pycore_typeobject.h"    // _PyType_LookupRef()

typedef _PyClaimedSlotObject claimedslotobject;

#define claimedslotobject_CAST(op) ((claimedslotobject *)(op))

int
_PyClaimedSlot_Claims(PyObject *value)
{
    PyObject *hook = _PyType_LookupRef(Py_TYPE(value),
                                       &_Py_ID(__slot_missing__));
    /* None opts out, as __hash__ = None does: a subclass of a claimer can
       keep its values elsewhere. */
    int claims = hook != NULL && hook != Py_None;
    Py_XDECREF(hook);
    return claims;
}

/* Put a claimed slot in place of each class variable of type that claims
   the slot of its name.  type.__new__ calls it after __set_name__, so that
   __set_name__ is called on the claimer itself.  A name whose variable in
   the namespace ns claimed the slot (which spared it the "conflicts with
   class variable" error) but no longer does, because __set_name__ replaced
   it, gets that error now: the slot would be unreachable. */
int
_PyClaimedSlot_ClaimAll(PyTypeObject *type, PyObject *ns)
{
    PyHeapTypeObject *et = (PyHeapTypeObject *)type;
    if (et->ht_slots == NULL) {
        return 0;
    }
    PyObject *dict = _PyType_GetDict(type);
    // type_new_descriptors() made one member for each name of ht_slots.
    PyMemberDef *mp = type->tp_members;
    Py_ssize_t nslot = PyTuple_GET_SIZE(et->ht_slots);
    int changed = 0;
    for (Py_ssize_t i = 0; i < nslot; i++, mp++) {
        PyObject *name = PyTuple_GET_ITEM(et->ht_slots, i);
        PyObject *value;
        if (PyDict_GetItemRef(ns, name, &value) < 0) {
            return -1;
        }
        int claimed = value != NULL && _PyClaimedSlot_Claims(value);
        Py_XDECREF(value);
        if (!claimed) {
            continue;
        }
        if (PyDict_GetItemRef(dict, name, &value) < 0) {
            return -1;
        }
        if (value == NULL || !_PyClaimedSlot_Claims(value)) {
            Py_XDECREF(value);
            PyErr_Format(PyExc_ValueError,
                         "%R in __slots__ conflicts with class variable",
                         name);
            return -1;
        }
        PyObject *member = PyDescr_NewMember(type, mp);
        if (member == NULL) {
            Py_DECREF(value);
            return -1;
        }
        claimedslotobject *slot = PyObject_GC_New(claimedslotobject,
                                                  &_PyClaimedSlot_Type);
        if (slot == NULL) {
            Py_DECREF(member);
            Py_DECREF(value);
            return -1;
        }
        slot->member = member;
        slot->claimer = value;
        _PyObject_GC_TRACK(slot);
        int rc = PyDict_SetItem(dict, name, (PyObject *)slot);
        Py_DECREF(slot);
        if (rc < 0) {
            return -1;
        }
        changed = 1;
    }
    if (changed) {
        PyType_Modified(type);
    }
    return 0;
}

int
_PyMember_LoadObject(PyObject *member, PyObject *obj, PyObject **value)
{
    PyMemberDef *def = ((PyMemberDescrObject *)member)->d_member;
    if (def->type != Py_T_OBJECT_EX ||
        (def->flags & (Py_RELATIVE_OFFSET | Py_AUDIT_READ)) ||
        !PyObject_TypeCheck(obj, PyDescr_TYPE(member)))
    {
        // Not a plain object slot of obj: the descriptor's own errors.
        *value = Py_TYPE(member)->tp_descr_get(member, obj,
                                               (PyObject *)Py_TYPE(obj));
        if (*value != NULL) {
            return 1;
        }
        if (PyErr_ExceptionMatches(PyExc_AttributeError)) {
            PyErr_Clear();
            return 0;
        }
        return -1;
    }
    /* As PyMember_GetOne() reads it, without the AttributeError that it
       raises for an empty slot: a first access would pay for making one. */
    PyObject **addr = (PyObject **)((char *)obj + def->offset);
    PyObject *v = FT_ATOMIC_LOAD_PTR(*addr);
#ifdef Py_GIL_DISABLED
    if (v != NULL && !_Py_TryIncrefCompare(addr, v)) {
        Py_BEGIN_CRITICAL_SECTION(obj);
        v = Py_XNewRef(*addr);
        Py_END_CRITICAL_SECTION();
    }
#else
    Py_XINCREF(v);
#endif
    *value = v;
    return v != NULL;
}

/* Read the slot without calling the claimer.  Return 1 and set *value (a
   new reference), 0 if the slot is empty, -1 on error. */
int
_PyClaimedSlot_Read(PyObject *self, PyObject *obj, PyObject **value)
{
    return _PyMember_LoadObject(claimedslotobject_CAST(self)->member, obj,
                                value);
}

static PyObject *
claimed_slot_descr_get(PyObject *self, PyObject *obj, PyObject *type)
{
    claimedslotobject *slot = claimedslotobject_CAST(self);
    PyObject *claimer = slot->claimer;
    if (obj == NULL || obj == Py_None) {
        // The class attribute is the claimer, as if no slot were there.
        descrgetfunc get = Py_TYPE(claimer)->tp_descr_get;
        if (get == NULL) {
            return Py_NewRef(claimer);
        }
        return get(claimer, obj, type);
    }
    PyObject *value;
    int found = _PyClaimedSlot_Read(self, obj, &value);
    if (found != 0) {
        return value;
    }
    /* Strong references: the getter may replace the class attribute, and
       the records of a computation compare the member while it runs. */
    PyObject *result;
    claimer = Py_NewRef(claimer);
    PyObject *member = Py_NewRef(slot->member);
    if (Py_IS_TYPE(claimer, &_PyCachedProperty_Type)) {
        result = _PyCachedProperty_SlotMissing(claimer, obj, member);
        goto done;
    }
    // Looked up as special methods are, and bound.
    PyObject *hook = _PyObject_LookupSpecial(claimer,
                                             &_Py_ID(__slot_missing__));
    if (hook == NULL || hook == Py_None) {
        /* The class of the claimer gave up its claim since: the slot is a
           plain one, and empty. */
        Py_XDECREF(hook);
        result = PyErr_Occurred() ? NULL
            : Py_TYPE(member)->tp_descr_get(member, obj, type);
        goto done;
    }
    PyObject *args[2] = {obj, member};
    result = PyObject_Vectorcall(hook, args, 2, NULL);
    Py_DECREF(hook);
done:
    Py_DECREF(member);
    Py_DECREF(claimer);
    return result;
}

/* Write the slot through the member descriptor; after an assignment (not
   a deletion), call claimer.__slot_assigned__(obj, member) if the
   claimer's type defines it (not as None).  cached_property uses it to let
   a value that another thread assigns while the getter runs win over the
   getter's result. */
static int
claimed_slot_descr_set(PyObject *self, PyObject *obj, PyObject *value)
{
    claimedslotobject *slot = claimedslotobject_CAST(self);
    // Strong references: the store may run a finalizer that changes the class.
    PyObject *member = Py_NewRef(slot->member);
    PyObject *claimer = Py_NewRef(slot->claimer);
    int rc = Py_TYPE(member)->tp_descr_set(member, obj, value);
    if (rc < 0 || value == NULL) {
        goto done;
    }
    if (Py_IS_TYPE(claimer, &_PyCachedProperty_Type)) {
        _PyCachedProperty_SlotAssigned(claimer, obj, member);
        goto done;
    }
    PyObject *hook = _PyObject_LookupSpecial(claimer,
                                             &_Py_ID(__slot_assigned__));
    if (hook == NULL) {
        rc = PyErr_Occurred() ? -1 : 0;
        goto done;
    }
    if (hook != Py_None) {
        PyObject *args[2] = {obj, member};
        PyObject *res = PyObject_Vectorcall(hook, args, 2, NULL);
        rc = res == NULL ? -1 : 0;
        Py_XDECREF(res);
    }
    Py_DECREF(hook);
done:
    Py_DECREF(claimer);
    Py_DECREF(member);
    return rc;
}

static PyObject *
claimed_slot_repr(PyObject *self)
{
    PyMemberDescrObject *member = (PyMemberDescrObject *)
        claimedslotobject_CAST(self)->member;
    return PyUnicode_FromFormat("<claimed slot '%V' of '%s' objects>",
                                PyDescr_NAME(member), "?",
                                PyDescr_TYPE(member)->tp_name);
}

static int
claimed_slot_traverse(PyObject *self, visitproc visit, void *arg)
{
    claimedslotobject *slot = claimedslotobject_CAST(self);
    Py_VISIT(slot->member);
    Py_VISIT(slot->claimer);
    return 0;
}

static int
claimed_slot_clear(PyObject *self)
{
    claimedslotobject *slot = claimedslotobject_CAST(self);
    Py_CLEAR(slot->member);
    Py_CLEAR(slot->claimer);
    return 0;
}

static void
claimed_slot_dealloc(PyObject *self)
{
    PyObject_GC_UnTrack(self);
    (void)claimed_slot_clear(self);
    PyObject_GC_Del(self);
}

static PyMemberDef claimed_slot_members[] = {
    {"member", _Py_T_OBJECT, offsetof(claimedslotobject, member), Py_READONLY,
     PyDoc_STR("The member descriptor that reads and writes the slot.")},
    {"claimer", _Py_T_OBJECT, offsetof(claimedslotobject, claimer),
     Py_READONLY,
     PyDoc_STR("The class variable that claimed the slot.")},
    {NULL}
};

PyDoc_STRVAR(claimed_slot_doc,
"A slot of __slots__ claimed by the class variable of the same name.\n"
"\n"
"Reading an empty slot calls claimer.__slot_missing__(instance, member);\n"
"an assignment calls claimer.__slot_assigned__(instance, member) after it,\n"
"if the claimer's type defines it.");

PyTypeObject _PyClaimedSlot_Type = {
    PyVarObject_HEAD_INIT(&PyType_Type, 0)
    .tp_name = "claimed_slot",
    .tp_basicsize = sizeof(claimedslotobject),
    .tp_dealloc = claimed_slot_dealloc,
    .tp_repr = claimed_slot_repr,
    .tp_getattro = PyObject_GenericGetAttr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = claimed_slot_doc,
    .tp_traverse = claimed_slot_traverse,
    .tp_clear = claimed_slot_clear,
    .tp_members = claimed_slot_members,
    .tp_descr_get = claimed_slot_descr_get,
    .tp_descr_set = claimed_slot_descr_set,
};
