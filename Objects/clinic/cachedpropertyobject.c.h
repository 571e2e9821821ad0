/*[clinic input]
preserve
[clinic start generated code]*/

PyDoc_STRVAR(cached_property___reduce____doc__,
"__reduce__($self, /)\n"
"--\n"
"\n"
"Return state information for pickling and copying.");

#define CACHED_PROPERTY___REDUCE___METHODDEF    \
    {"__reduce__", (PyCFunction)cached_property___reduce__, METH_NOARGS, cached_property___reduce____doc__},

static PyObject *
cached_property___reduce___impl(PyObject *self);

static PyObject *
cached_property___reduce__(PyObject *self, PyObject *Py_UNUSED(ignored))
{
    return cached_property___reduce___impl(self);
}
/*[clinic end generated code: output=327522a4c4eeab39 input=a9049054013a1b77]*/
