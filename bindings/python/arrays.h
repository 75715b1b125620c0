// What the Python modules `nlhf` and `nlhf_neural` share: NumPy arrays to and from Eigen, and nlhf's
// errors as Python exceptions.
#ifndef NLHF_BINDINGS_PYTHON_ARRAYS_H_
#define NLHF_BINDINGS_PYTHON_ARRAYS_H_

#include <fmt/format.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <Eigen/Dense>
#include <string>

#include "nlhf/error.h"

namespace nlhf::python {

namespace py = pybind11;

// A 2-D NumPy array of any real dtype, order and strides, as an Eigen matrix. `single_precision` tells
// whether it was float32.
// `given` as a NumPy array of `ndim` dimensions holding real numbers (a PyTorch tensor — which NumPy refuses
// while it requires grad, or while it lives on a GPU — by its values); `shape` says what is expected in
// the message ("2-D").
inline py::array RealArray(const py::handle& given, const char* what, py::ssize_t ndim, const std::string& shape) {
  py::object object = py::reinterpret_borrow<py::object>(given);
  if (py::hasattr(object, "detach") && py::hasattr(object, "cpu")) object = object.attr("detach")().attr("cpu")().attr("numpy")();
  py::array array = py::array::ensure(object);
  if (!array) throw InvalidArgument(fmt::format("{} must be a {} NumPy array (or convertible to one)", what, shape));
  if (array.ndim() != ndim) {
    throw InvalidArgument(fmt::format("{} must be {}, got {} dimension(s)", what, shape, array.ndim()));
  }
  const py::dtype dtype = array.dtype();
  if (dtype.kind() != 'f' && dtype.kind() != 'i' && dtype.kind() != 'u' && dtype.kind() != 'b') {
    throw InvalidArgument(fmt::format("{} must hold real numbers, got dtype {}", what, static_cast<std::string>(py::str(static_cast<const py::handle&>(dtype)))));
  }
  return array;
}

inline Eigen::MatrixXd ToMatrix(const py::handle& given, const char* what, bool* single_precision = nullptr) {
  py::array array = RealArray(given, what, 2, "2-D");
  const py::dtype dtype = array.dtype();
  if (!dtype.is(py::dtype::of<double>()) && !dtype.is(py::dtype::of<float>())) {
    array = py::array_t<double, py::array::forcecast>::ensure(array);
  }
  const auto rows = array.shape(0), columns = array.shape(1);
  const auto row_stride = array.strides(0), column_stride = array.strides(1);
  const char* data = static_cast<const char*>(array.data());
  Eigen::MatrixXd matrix(rows, columns);
  const bool single = array.dtype().is(py::dtype::of<float>());
  if (single_precision != nullptr) *single_precision = single;
  for (py::ssize_t i = 0; i < rows; ++i) {
    for (py::ssize_t j = 0; j < columns; ++j) {
      const char* entry = data + i * row_stride + j * column_stride;
      matrix(i, j) = single ? static_cast<double>(*reinterpret_cast<const float*>(entry))
                            : *reinterpret_cast<const double*>(entry);
    }
  }
  return matrix;
}

inline Eigen::VectorXd ToVector(const py::handle& object, const char* what) {
  const auto array = py::array_t<double, py::array::forcecast>::ensure(object);
  if (!array || array.ndim() != 1) throw InvalidArgument(fmt::format("{} must be a 1-D array of numbers", what));
  Eigen::VectorXd v(array.shape(0));
  for (py::ssize_t i = 0; i < array.shape(0); ++i) v[i] = array.at(i);
  return v;
}

inline py::array_t<double> ToArray(const Eigen::VectorXd& v) {
  py::array_t<double> out(v.size());
  std::copy(v.data(), v.data() + v.size(), out.mutable_data());
  return out;
}

// InvalidArgument and ParseError become ValueError, Unavailable RuntimeError, each with its message.
inline void RegisterErrorTranslator() {
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const InvalidArgument& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const ParseError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const Unavailable& e) {
      PyErr_SetString(PyExc_RuntimeError, e.what());
    }
  });
}

}  // namespace nlhf::python

#endif  // NLHF_BINDINGS_PYTHON_ARRAYS_H_
