"""Activation functions and their derivatives, for batches of any shape.

Every function keeps the floating dtype it is given (float32 in, float32 out) and is written in a
form that neither overflows nor warns at extreme inputs.
"""

import numpy as np

from nnlib._checks import as_float_array, require_same_shape


def step(x):
    """Step function: 1 where ``x > 0``, else 0.

    Parameters
    ----------
    x : (...) array_like

    Returns
    -------
    (...) array
        0.0 or 1.0, in ``x``'s floating dtype (float64 for integer input).
    """
    x = as_float_array(x)
    return (x > 0).astype(x.dtype)


def step_grad(x):
    """Derivative of :func:`step`: 0 everywhere it is defined (it is undefined at 0).

    This is why a network of steps cannot learn by gradient descent.

    Parameters
    ----------
    x : (...) array_like

    Returns
    -------
    (...) array of zeros, in ``x``'s floating dtype.
    """
    x = as_float_array(x)
    return np.zeros_like(x)


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
    (...) array of ones, in ``x``'s floating dtype.
    """
    return np.ones_like(as_float_array(x))


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
    a = as_float_array(a, "a")
    if a.ndim == 0:
        raise ValueError(f"softmax needs at least one axis, got shape {a.shape}")
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
    a = as_float_array(a, "a")
    upstream = as_float_array(upstream, "upstream")
    require_same_shape(a, upstream, "a", "upstream")
    y = softmax(a, axis=axis)
    return y * (upstream - np.sum(upstream * y, axis=axis, keepdims=True))


ACTIVATIONS = {
    "step": (step, step_grad),
    "sigmoid": (sigmoid, sigmoid_grad),
    "relu": (relu, relu_grad),
    "identity": (identity, identity_grad),
}


def get(name):
    """Look up an element-wise activation and its derivative by name.

    Parameters
    ----------
    name : {"step", "sigmoid", "relu", "identity"}

    Returns
    -------
    (function, derivative) : tuple of callables
    """
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(
            f"unknown activation {name!r}; choose one of {sorted(ACTIVATIONS)}"
        ) from None
