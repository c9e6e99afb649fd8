"""Gradient checking: central-difference derivatives, and a helper that compares them with
backpropagation's.

A hand-derived gradient is easy to get subtly wrong (a missing transpose, a forgotten ``1 / N``),
and a network with a wrong gradient often still learns a little. Comparing every gradient with a
numerical one catches such mistakes.
"""

from dataclasses import dataclass

import numpy as np


def numerical_gradient(f, x, h=1e-5):
    """Central-difference gradient ``(f(x + h e_i) - f(x - h e_i)) / 2h`` of a scalar function.

    Works in float64 on a copy of ``x`` (float32 rounding would swamp the differences), so the
    caller's array is never modified. Costs two calls of ``f`` per element of ``x``.

    Parameters
    ----------
    f : callable
        ``f(x) -> float`` for an array shaped like ``x``.
    x : (...) array_like
    h : float
        Step size; the error of the central difference is of order ``h ** 2``.

    Returns
    -------
    (...) float64 array shaped like ``x``.
    """
    point = np.array(x, dtype=np.float64, copy=True)
    grad = np.zeros_like(point)
    for index in np.ndindex(point.shape):
        original = point[index]
        point[index] = original + h
        f_plus = float(f(point))
        point[index] = original - h
        f_minus = float(f(point))
        point[index] = original
        grad[index] = (f_plus - f_minus) / (2 * h)
    return grad


def numerical_gradients(loss_of_params, params, h=1e-5):
    """:func:`numerical_gradient` of a loss with respect to every array in a parameter dict.

    Parameters
    ----------
    loss_of_params : callable
        ``loss_of_params(params) -> float``.
    params : dict of arrays
        ``W1, b1, ...``; not modified (each entry is perturbed in a float64 copy).
    h : float

    Returns
    -------
    dict of float64 arrays, same keys and shapes as ``params``.
    """
    point = {name: np.array(value, dtype=np.float64, copy=True) for name, value in params.items()}
    grads = {}
    for name in point:

        def loss_of_one(value, name=name):
            return loss_of_params({**point, name: value})

        grads[name] = numerical_gradient(loss_of_one, point[name], h)
    return grads


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
    analytic = np.asarray(analytic)
    numeric = np.asarray(numeric)
    if analytic.shape != numeric.shape:
        raise ValueError(
            f"{name}: analytic has shape {analytic.shape} but numeric has {numeric.shape}"
        )
    diff = float(np.max(np.abs(analytic - numeric), initial=0.0))
    return Comparison(
        name=name,
        exact=bool(np.array_equal(analytic, numeric)),
        close=bool(np.allclose(analytic, numeric, rtol=rtol, atol=atol)),
        max_abs_diff=diff,
    )
