/*[clinic input]
preserve
[clinic start generated code]*/

#if defined(Py_BUILD_CORE) && !defined(Py_BUILD_CORE_MODULE)
#  include "pycore_gc.h"          // PyGC_Head
#  include "pycore_runtime.h"     // _Py_ID()
#endif
#include "pycore_modsupport.h"    // _PyArg_UnpackKeywords()

PyDoc_STRVAR(cached_method_new__doc__,
"_cached_method(user_function, maxsize, typed, cache_info_type)\n"
"--\n"
"\n"
"Create a method descriptor that keeps an lru_cache for each instance.\n"
"\n"
"user_function:      the method being cached\n"
"maxsize, typed:     as lru_cache, for each instance\n"
"cache_info_type:    namedtuple class with the fields:\n"
"                        hits misses currsize maxsize");

static PyObject *
cached_method_new_impl(PyTypeObject *type, PyObject *user_function,
                       PyObject *maxsize, int typed,
                       PyObject *cache_info_type);

static PyObject *
cached_method_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    PyObject *return_value = NULL;
    #if defined(Py_BUILD_CORE) && !defined(Py_BUILD_CORE_MODULE)

    #define NUM_KEYWORDS 4
    static struct {
        PyGC_Head _this_is_not_used;
        PyObject_VAR_HEAD
        PyObject *ob_item[NUM_KEYWORDS];
    } _kwtuple = {
        .ob_base = PyVarObject_HEAD_INIT(&PyTuple_Type, NUM_KEYWORDS)
        .ob_item = { &_Py_ID(user_function), &_Py_ID(maxsize), &_Py_ID(typed), &_Py_ID(cache_info_type), },
    };
    #undef NUM_KEYWORDS
    #define KWTUPLE (&_kwtuple.ob_base.ob_base)

    #else  // !Py_BUILD_CORE
    #  define KWTUPLE NULL
    #endif  // !Py_BUILD_CORE

    static const char * const _keywords[] = {"user_function", "maxsize", "typed", "cache_info_type", NULL};
    static _PyArg_Parser _parser = {
        .keywords = _keywords,
        .fname = "_cached_method",
        .kwtuple = KWTUPLE,
    };
    #undef KWTUPLE
    PyObject *argsbuf[4];
    PyObject * const *fastargs;
    Py_ssize_t nargs = PyTuple_GET_SIZE(args);
    PyObject *user_function;
    PyObject *maxsize;
    int typed;
    PyObject *cache_info_type;

    fastargs = _PyArg_UnpackKeywords(_PyTuple_CAST(args)->ob_item, nargs, kwargs, NULL, &_parser, 4, 4, 0, argsbuf);
    if (!fastargs) {
        goto exit;
    }
    user_function = fastargs[0];
    maxsize = fastargs[1];
    typed = PyObject_IsTrue(fastargs[2]);
    if (typed < 0) {
        goto exit;
    }
    cache_info_type = fastargs[3];
    return_value = cached_method_new_impl(type, user_function, maxsize, typed, cache_info_type);

exit:
    return return_value;
}

PyDoc_STRVAR(_functools__cached_method___reduce____doc__,
"__reduce__($self, /)\n"
"--\n"
"\n"
"Pickle as a reference to the attribute of the class, like a function.");

#define _FUNCTOOLS__CACHED_METHOD___REDUCE___METHODDEF    \
    {"__reduce__", (PyCFunction)_functools__cached_method___reduce__, METH_NOARGS, _functools__cached_method___reduce____doc__},

static PyObject *
_functools__cached_method___reduce___impl(PyObject *self);

static PyObject *
_functools__cached_method___reduce__(PyObject *self, PyObject *Py_UNUSED(ignored))
{
    return _functools__cached_method___reduce___impl(self);
}

PyDoc_STRVAR(_functools__cached_method___copy____doc__,
"__copy__($self, /)\n"
"--\n"
"\n"
"Return self: a cached_method is shared, like a function.");

#define _FUNCTOOLS__CACHED_METHOD___COPY___METHODDEF    \
    {"__copy__", (PyCFunction)_functools__cached_method___copy__, METH_NOARGS, _functools__cached_method___copy____doc__},

static PyObject *
_functools__cached_method___copy___impl(PyObject *self);

static PyObject *
_functools__cached_method___copy__(PyObject *self, PyObject *Py_UNUSED(ignored))
{
    return _functools__cached_method___copy___impl(self);
}

PyDoc_STRVAR(_functools__cached_method___deepcopy____doc__,
"__deepcopy__($self, memo, /)\n"
"--\n"
"\n"
"Return self: a cached_method is shared, like a function.");

#define _FUNCTOOLS__CACHED_METHOD___DEEPCOPY___METHODDEF    \
    {"__deepcopy__", (PyCFunction)_functools__cached_method___deepcopy__, METH_O, _functools__cached_method___deepcopy____doc__},

PyDoc_STRVAR(_functools__bound_cached_method_cache_info__doc__,
"cache_info($self, /)\n"
"--\n"
"\n"
"Report the cache statistics of this instance");

#define _FUNCTOOLS__BOUND_CACHED_METHOD_CACHE_INFO_METHODDEF    \
    {"cache_info", (PyCFunction)_functools__bound_cached_method_cache_info, METH_NOARGS, _functools__bound_cached_method_cache_info__doc__},

static PyObject *
_functools__bound_cached_method_cache_info_impl(PyObject *self);

static PyObject *
_functools__bound_cached_method_cache_info(PyObject *self, PyObject *Py_UNUSED(ignored))
{
    return _functools__bound_cached_method_cache_info_impl(self);
}

PyDoc_STRVAR(_functools__bound_cached_method_cache_clear__doc__,
"cache_clear($self, /)\n"
"--\n"
"\n"
"Clear the cache and cache statistics of this instance");

#define _FUNCTOOLS__BOUND_CACHED_METHOD_CACHE_CLEAR_METHODDEF    \
    {"cache_clear", (PyCFunction)_functools__bound_cached_method_cache_clear, METH_NOARGS, _functools__bound_cached_method_cache_clear__doc__},

static PyObject *
_functools__bound_cached_method_cache_clear_impl(PyObject *self);

static PyObject *
_functools__bound_cached_method_cache_clear(PyObject *self, PyObject *Py_UNUSED(ignored))
{
    return _functools__bound_cached_method_cache_clear_impl(self);
}

PyDoc_STRVAR(_functools__bound_cached_method___reduce____doc__,
"__reduce__($self, /)\n"
"--\n"
"\n"
"Pickle as getattr(instance, name), like a bound method.");

#define _FUNCTOOLS__BOUND_CACHED_METHOD___REDUCE___METHODDEF    \
    {"__reduce__", (PyCFunction)_functools__bound_cached_method___reduce__, METH_NOARGS, _functools__bound_cached_method___reduce____doc__},

static PyObject *
_functools__bound_cached_method___reduce___impl(PyObject *self);

static PyObject *
_functools__bound_cached_method___reduce__(PyObject *self, PyObject *Py_UNUSED(ignored))
{
    return _functools__bound_cached_method___reduce___impl(self);
}

PyDoc_STRVAR(_functools__bound_cached_method___deepcopy____doc__,
"__deepcopy__($self, memo, /)\n"
"--\n"
"\n"
"Bind the method to a deep copy of the instance, like a bound method.\n"
"\n"
"The copy has a cache of its own, empty at first.");

#define _FUNCTOOLS__BOUND_CACHED_METHOD___DEEPCOPY___METHODDEF    \
    {"__deepcopy__", (PyCFunction)_functools__bound_cached_method___deepcopy__, METH_O, _functools__bound_cached_method___deepcopy____doc__},
/*[clinic end generated code: output=f6d3b44fe5546844 input=a9049054013a1b77]*/
