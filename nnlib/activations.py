"""Activation functions and their derivatives, for batches of any shape.

Every function keeps the floating dtype it is given (float32 in, float32 out) and is written in a
form that neither overflows nor warns at extreme inputs. NaN in gives NaN out, at the same place:
no function here turns a NaN into a number (the step function included), so a NaN weight always
reaches a network's logits, where :mod:`nnlib.network` and :mod:`nnlib.backprop` catch it. The
functions work element-wise on arrays of any shape, an empty one included.
"""

import numpy as np

from nnlib._checks import as_float_array, check_axis, check_out, require_same_shape


def step(x):
    """Step function: 1 where ``x > 0``, else 0.

    Parameters
    ----------
    x : (...) array_like

    Returns
    -------
    (...) array
        0.0 or 1.0, in ``x``'s floating dtype (float64 for integer input); NaN where ``x`` is
        NaN (``(x > 0).astype(float)`` would make it 0).
    """
    x = as_float_array(x)
    return np.heaviside(x, 0).astype(x.dtype, copy=False)


def step_grad(x):
    """Derivative of :func:`step`: 0 everywhere it is defined (it is undefined at 0).

    This is why a network of steps cannot learn by gradient descent.

    Parameters
    ----------
    x : (...) array_like

    Returns
    -------
    (...) array of zeros, in ``x``'s floating dtype (NaN where ``x`` is NaN).
    """
    x = as_float_array(x)
    return np.where(np.isnan(x), x, 0).astype(x.dtype, copy=False)


def sigmoid(x, out=None):
    """Logistic sigmoid ``1 / (1 + exp(-x))``, stable for any mix of signs.

    ``exp`` is only ever taken of ``-|x|``, so it cannot overflow: with ``e = exp(-|x|)``, the
    sigmoid is ``1 / (1 + e)`` for ``x >= 0`` and the equal ``e / (1 + e)`` for ``x < 0``. The
    numerator, 1 or ``e``, is picked without a branch as ``max(e, x >= 0)`` (``e <= 1``), which
    is several times faster than ``np.where`` on a large batch.

    Parameters
    ----------
    x : (...) array_like
    out : (...) array, optional
        Where to write the result, as in NumPy's ufuncs; may be ``x`` itself, which spares a
        large batch a temporary array (the forward pass of :mod:`nnlib.network` does this).

    Returns
    -------
    (...) array
        Values in [0, 1], in ``x``'s floating dtype (``out``, when given).
    """
    x = as_float_array(x)
    check_out(out, x)
    e = np.exp(-np.abs(x))
    numerator = np.maximum(e, x >= 0, out=out)
    e += 1
    return np.divide(numerator, e, out=out)


def sigmoid_grad(x):
    """Derivative of :func:`sigmoid`: ``sigmoid(x) * (1 - sigmoid(x))``.

    Parameters
    ----------
    x : (...) array_like
        The sigmoid's input (not its output).

    Returns
    -------
    (...) array, in ``x``'s floating dtype.
    """
    s = sigmoid(x)
    return s * (1 - s)


def relu(x, out=None):
    """Rectified linear unit ``max(0, x)``, element-wise (``np.maximum``, not ``max``).

    Parameters
    ----------
    x : (...) array_like
    out : (...) array, optional
        Where to write the result, as in NumPy's ufuncs; may be ``x`` itself.

    Returns
    -------
    (...) array, in ``x``'s floating dtype (``out``, when given).
    """
    x = as_float_array(x)
    check_out(out, x)
    return np.maximum(x, 0, out=out)


def relu_grad(x):
    """Derivative of :func:`relu`: 1 where ``x > 0``, else 0 (we take 0 at ``x == 0``).

    The same convention is used by :mod:`nnlib.backprop`, so the two never disagree.

    Parameters
    ----------
    x : (...) array_like
        ReLU's input.

    Returns
    -------
    (...) array, in ``x``'s floating dtype.
    """
    return step(x)


def identity(x):
    """Identity function, the output activation for regression.

    Parameters
    ----------
    x : (...) array_like

    Returns
    -------
    (...) array: ``x`` itself, as a floating array.
    """
    return as_float_array(x)


def identity_grad(x):
    """Derivative of :func:`identity`: ones.

    Parameters
    ----------
    x : (...) array_like

    Returns
    -------
    (...) array of ones, in ``x``'s floating dtype (NaN where ``x`` is NaN).
    """
    x = as_float_array(x)
    return np.where(np.isnan(x), x, 1).astype(x.dtype, copy=False)


def softmax(a, axis=-1):
    """Softmax along ``axis``: ``exp(a) / sum(exp(a))``, with the maximum subtracted first.

    Subtracting each row's own maximum leaves the result unchanged (softmax is shift-invariant)
    and makes every exponent <= 0, so ``exp`` cannot overflow. Where a logit is so far below the
    maximum that the difference itself overflows to ``-inf`` (e.g. -1e308 - 1e308), ``exp`` gives
    the right answer, 0, so that overflow is silenced on purpose.

    Parameters
    ----------
    a : (..., K) array_like
        Logits; each slice along ``axis`` is one distribution.
    axis : int
        The class axis (default: the last).

    Returns
    -------
    (..., K) array
        Non-negative, summing to 1 along ``axis``, in ``a``'s floating dtype.
    """
    a = _check_class_axis(a, axis)
    with np.errstate(over="ignore"):
        shifted = a - np.max(a, axis=axis, keepdims=True)
    exp_a = np.exp(shifted)
    return exp_a / np.sum(exp_a, axis=axis, keepdims=True)


def softmax_grad(a, upstream, axis=-1):
    """Backward pass of :func:`softmax`: the vector-Jacobian product ``J^T @ upstream``.

    With ``y = softmax(a)``, ``dL/da = y * (upstream - sum(upstream * y))`` along ``axis``; this
    never builds the (K, K) Jacobian.

    Parameters
    ----------
    a : (..., K) array_like
        Softmax's input.
    upstream : (..., K) array_like
        ``dL/dy``, the gradient of a loss with respect to softmax's output.
    axis : int
        The class axis.

    Returns
    -------
    (..., K) array
        ``dL/da``.
    """
    a = _check_class_axis(a, axis)
    upstream = as_float_array(upstream, "upstream")
    require_same_shape(a, upstream, "a", "upstream")
    y = softmax(a, axis=axis)
    return y * (upstream - np.sum(upstream * y, axis=axis, keepdims=True))


def _check_class_axis(a, axis):
    """``a`` as a floating array with at least one axis, ``axis`` one of them and not empty."""
    a = as_float_array(a, "a")
    if a.ndim == 0:
        raise ValueError(f"a must have at least one axis (the classes), got shape {a.shape}")
    axis = check_axis(axis, a.ndim)
    if a.shape[axis] == 0:
        raise ValueError(f"a must have at least one class along axis {axis}, got shape {a.shape}")
    return a


ACTIVATIONS = {
    "step": (step, step_grad),
    "sigmoid": (sigmoid, sigmoid_grad),
    "relu": (relu, relu_grad),
    "identity": (identity, identity_grad),
}


def get(name, argument="name"):
    """Look up an element-wise activation and its derivative by name.

    Parameters
    ----------
    name : {"step", "sigmoid", "relu", "identity"}
    argument : str
        What the caller calls ``name`` (e.g. ``"hidden"``), for the error message.

    Returns
    -------
    (function, derivative) : tuple of callables
    """
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise ValueError(
            f"{argument}: unknown activation {name!r}; choose one of {sorted(ACTIVATIONS)}"
        )
    return ACTIVATIONS[name]
