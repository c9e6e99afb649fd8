"""Gradient checking: central-difference derivatives, and a helper that compares them with
backpropagation's.

A hand-derived gradient is easy to get subtly wrong (a missing transpose, a forgotten ``1 / N``),
and a network with a wrong gradient often still learns a little. Comparing every gradient with a
numerical one catches such mistakes.
"""

import numbers
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from nnlib._checks import (
    _describe,
    as_float_array,
    check_callable,
    check_real,
)


def numerical_gradient(f, x, h=1e-5):
    """Central-difference gradient ``(f(x + h e_i) - f(x - h e_i)) / 2h`` of a scalar function.

    ``x`` is perturbed **in place**, one element at a time, and every element is put back to its
    exact value afterwards (also when ``f`` raises). So both ways of writing ``f`` work:

    - a function of its argument, ``lambda v: loss(v)``;
    - the book's idiom, a closure that ignores its argument and reads the array ``x`` itself,
      e.g. ``numerical_gradient(lambda _: net_loss(), params["W1"])``.

    That is why ``x`` must be a float64 array. A float32 array perturbed in place makes the loss
    float32 too, and its rounding (about 1e-7 of its value) divided by ``2h`` swamps the
    difference: at h = 1e-5 central differences come out tens of percent off. A float64 copy
    would be invisible to a closure, whose gradient would silently be all zeros. So any other
    array is refused, with the conversion to make. Costs two calls of ``f`` per element of ``x``.

    Parameters
    ----------
    f : callable
        ``f(x) -> float`` for an array shaped like ``x``; must return a finite number.
    x : (...) float64 array, or a real number
        Writeable; the point at which to differentiate.
    h : float
        Positive step size; the error of the central difference is of order ``h ** 2``.

    Returns
    -------
    (...) float64 array shaped like ``x``.
    """
    f = check_callable(f, "f")
    h = check_real(h, "h", positive=True)
    point = _float64_in_place(x, "x")
    grad = np.zeros_like(point)
    for index in np.ndindex(point.shape):
        original = point[index]
        try:
            point[index] = original + h
            f_plus = _value_of(f, point, index, "+")
            point[index] = original - h
            f_minus = _value_of(f, point, index, "-")
        finally:
            point[index] = original
        grad[index] = (f_plus - f_minus) / (2 * h)
    return grad


def _float64_in_place(x, name):
    """``x`` itself if it is a writeable float64 array, a new 0-D array for a number, else raise."""
    if isinstance(x, np.ndarray):
        if x.dtype != np.float64:
            raise TypeError(
                f"{name} must be a float64 array, got dtype {x.dtype}: it is perturbed in place "
                "by h, and only in float64 is the loss accurate enough for that (float32 comes "
                "out tens of percent off), while a float64 copy would be invisible to a loss "
                f"that reads the array itself (an all-zero gradient). Convert first: "
                f"{name}.astype(np.float64) (for a network, all of its parameters), and let the "
                "loss read the converted array"
            )
        if not x.flags.writeable:
            raise ValueError(
                f"{name} must be writeable: it is perturbed in place and restored (pass a copy)"
            )
        return x
    if isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_)):
        return np.array(float(x))
    raise TypeError(
        f"{name} must be a float64 NumPy array or a number, got {_describe(x)} "
        "(np.array(x, dtype=np.float64) makes one)"
    )


def _value_of(f, point, index, sign):
    """``f(point)`` as a finite float, or an error that says at which perturbation it failed."""
    value = f(point)
    if not isinstance(value, (float, np.floating)):  # the common case needs no conversion
        array = np.asarray(value)
        if array.size != 1 or not np.issubdtype(array.dtype, np.number):
            raise TypeError(
                f"f must return a single number, got {_describe(value)} at {_where(index, sign)}"
            )
        value = array.reshape(())
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"f must return a finite number, got {value} at {_where(index, sign)}")
    return value


def _where(index, sign):
    return f"x[{', '.join(map(str, index))}] {sign} h"


def numerical_gradients(loss_of_params, params, h=1e-5):
    """:func:`numerical_gradient` of a loss with respect to every array in a parameter dict.

    Each array of ``params`` is perturbed in place and restored, and ``loss_of_params`` is
    called with ``params`` itself, so a loss of its argument (``lambda p: loss(p)``) and the
    book's closure that reads the network's own parameters both get the right gradient.

    Parameters
    ----------
    loss_of_params : callable
        ``loss_of_params(params) -> float``.
    params : dict of float64 arrays
        ``W1, b1, ...``; unchanged on return (every value is restored exactly).
    h : float

    Returns
    -------
    dict of float64 arrays, same keys and shapes as ``params``.
    """
    loss_of_params = check_callable(loss_of_params, "loss_of_params")
    h = check_real(h, "h", positive=True)
    if not isinstance(params, Mapping) or not params:
        raise TypeError(f"params must be a non-empty dict of arrays, got {_describe(params)}")
    for name, value in params.items():
        if not isinstance(value, np.ndarray):
            raise TypeError(f"params[{name!r}] must be a float64 array, got {_describe(value)}")
        _float64_in_place(value, f"params[{name!r}]")

    def loss_ignoring_argument(_):
        return loss_of_params(params)

    return {name: numerical_gradient(loss_ignoring_argument, value, h)
            for name, value in params.items()}


@dataclass(frozen=True)
class Comparison:
    """How an analytic gradient compares with a reference one."""

    name: str
    exact: bool
    close: bool
    max_abs_diff: float

    def __str__(self):
        return (
            f"{self.name:<8} | exact: {self.exact!s:<5} | close: {self.close!s:<5} "
            f"| max abs diff: {_magnitude(self.max_abs_diff)}"
        )


def _magnitude(value):
    """``0`` or ``< 1e-09``: the power of ten just above a difference, stable across machines."""
    if value == 0:
        return "0"
    if not np.isfinite(value):
        return str(value)
    return f"< 1e{int(np.floor(np.log10(value))) + 1:+03d}"


def compare(name, analytic, numeric, rtol=1e-5, atol=1e-7):
    """Compare a gradient with a reference: exactly equal, close, and the largest difference.

    Parameters
    ----------
    name : str
        Printed with the result, e.g. ``"W1"``.
    analytic : (...) array_like
        The gradient under test (e.g. from backprop).
    numeric : (...) array_like, same shape
        The reference (e.g. from :func:`numerical_gradient`).
    rtol, atol : float
        Tolerances of ``np.allclose`` for ``close``.

    Returns
    -------
    Comparison
        Prints as ``W1       | exact: False | close: True  | max abs diff: < 1e-09``.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, got {_describe(name)}")
    analytic = as_float_array(analytic, "analytic")
    numeric = as_float_array(numeric, "numeric")
    if analytic.shape != numeric.shape:
        raise ValueError(
            f"{name}: analytic has shape {analytic.shape} but numeric has {numeric.shape}"
        )
    rtol = check_real(rtol, "rtol", minimum=0)
    atol = check_real(atol, "atol", minimum=0)
    diff = float(np.max(np.abs(analytic - numeric), initial=0.0))
    return Comparison(
        name=name,
        exact=bool(np.array_equal(analytic, numeric)),
        close=bool(np.allclose(analytic, numeric, rtol=rtol, atol=atol)),
        max_abs_diff=diff,
    )
