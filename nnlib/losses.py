"""Loss functions for batches, and their gradients.

Conventions: the first axis is the batch (N samples), the last axis the outputs (K). A loss is the
mean over the batch of a per-sample loss (``reduction="mean"``); ``reduction="none"`` returns the
per-sample values and ``"sum"`` their sum. Each ``*_grad`` returns the gradient of the *mean* loss,
so it carries the ``1 / N`` factor.

Cross-entropy targets come in two forms: one-hot rows ``t`` of shape (N, K), or integer labels of
shape (N,). Both give the same loss.

Every function refuses an empty batch and NaN or infinity in its predictions and targets (a loss
of NaN is never returned for bad input): the checks are one pass over the (N, K) outputs, which is
small next to the matrix products that produced them.
"""

import numpy as np

from nnlib._checks import (
    as_float_array,
    check_array,
    check_choice,
    check_float_dtype,
    check_int,
    check_labels,
    check_real,
    require_finite,
    require_same_shape,
)
from nnlib.activations import sigmoid, softmax

_REDUCTIONS = ("mean", "sum", "none")


def _reduce(per_sample, reduction):
    if reduction == "mean":
        return per_sample.mean(dtype=per_sample.dtype)
    if reduction == "sum":
        return per_sample.sum(dtype=per_sample.dtype)
    return per_sample


def _predictions(y, name, ndim=None):
    """``y`` as a floating, finite, non-empty array (with at least one output per sample)."""
    y = check_array(y, name, ndim=ndim, finite=True, nonempty=True)
    if y.ndim == 0:
        raise ValueError(f"{name} must have an output axis (K,), got a scalar")
    return y


def _targets_like(y, t, name_y, name_t):
    """Float targets ``t`` of ``y``'s shape and dtype, finite."""
    t = as_float_array(t, name_t)
    require_same_shape(y, t, name_y, name_t)
    require_finite(t, name_t)
    return t.astype(y.dtype, copy=False)


def _samples(y):
    """The number of samples N of a batch ``y`` of shape (..., K): every axis but the last."""
    return y.size // y.shape[-1]


def mean_squared_error(y, t, reduction="mean"):
    """Half the squared error, summed over outputs: ``0.5 * sum((y - t) ** 2)`` per sample.

    The factor 1/2 (the book's) makes the gradient simply ``y - t``.

    Parameters
    ----------
    y : (N, K) or (K,) array_like
        Predictions (any leading axes (..., K) are samples too).
    t : same shape as ``y``
        Targets.
    reduction : {"mean", "sum", "none"}

    Returns
    -------
    float array: scalar, or (N,) for ``reduction="none"``.
    """
    y = _predictions(y, "y")
    t = _targets_like(y, t, "y", "t")
    check_choice(reduction, "reduction", _REDUCTIONS)
    per_sample = 0.5 * np.sum((y - t) ** 2, axis=-1)
    return _reduce(per_sample, reduction)


def mean_squared_error_grad(y, t):
    """Gradient of the batch-mean :func:`mean_squared_error` with respect to ``y``.

    Parameters
    ----------
    y : (N, K) or (K,) array_like
        Or (..., K): every axis but the last counts samples, as in :func:`mean_squared_error`.
    t : same shape as ``y``

    Returns
    -------
    same shape as ``y``: ``(y - t) / N``, N the number of samples (1 for a single (K,) one).
    """
    y = _predictions(y, "y")
    t = _targets_like(y, t, "y", "t")
    return (y - t) / _samples(y)


def one_hot(labels, num_classes, dtype=np.float64):
    """Integer labels to one-hot rows.

    Parameters
    ----------
    labels : (N,) array_like of int
        Each in ``[0, num_classes)``; a single label (a 0-D array) gives a single row.
    num_classes : int
    dtype : float32 or float64
        Of the result; float32 for a float32 network, so no float64 copy is made on the way.

    Returns
    -------
    (N, num_classes) array with a single 1 per row.
    """
    num_classes = check_int(num_classes, "num_classes", minimum=1)
    labels = check_labels(labels, "labels", num_classes, ndim=(0, 1))
    dtype = check_float_dtype(dtype)
    return (labels[..., None] == np.arange(num_classes)).astype(dtype)


def _targets_as_one_hot(y, t):
    """Return ``t`` as one-hot rows shaped like ``y``, accepting one-hot or integer labels.

    ``y`` is a checked floating (N, K) or (K,) array; ``t`` is checked here.
    """
    t = np.asarray(t)
    if t.shape == y.shape:
        return _targets_like(y, t, "predictions", "t")
    if t.shape == y.shape[:-1]:
        if np.issubdtype(t.dtype, np.floating):
            raise TypeError(
                f"t has the shape of labels {t.shape} but dtype {t.dtype}: class labels must be "
                "integers (t.astype(int)), or give one-hot rows of the predictions' shape "
                f"{y.shape}"
            )
        labels = check_labels(t, "t's labels", y.shape[-1], ndim=(0, 1))
        return (labels[..., None] == np.arange(y.shape[-1])).astype(y.dtype)
    raise ValueError(
        f"t must be one-hot rows with the shape of the predictions {y.shape} or integer labels "
        f"of shape {y.shape[:-1]}, got shape {t.shape} (dtype {t.dtype})"
    )


def cross_entropy_error(y, t, reduction="mean", eps=1e-7):
    """Cross-entropy ``-sum(t * log(y))`` of predicted probabilities ``y``.

    This is the book's form, for a network whose output is already a softmax. ``eps`` keeps
    ``log(0)`` finite when a probability underflows to 0; prefer :func:`softmax_cross_entropy`,
    which works on logits and needs no ``eps``.

    Parameters
    ----------
    y : (N, K) or (K,) array_like
        Probabilities (each row sums to 1), in [0, 1].
    t : (N, K) one-hot or (N,) integer labels
    reduction : {"mean", "sum", "none"}
    eps : float in [0, 1)

    Returns
    -------
    float array: scalar, or (N,) for ``reduction="none"``.
    """
    y = _predictions(y, "y", ndim=(1, 2))
    if y.min() < 0 or y.max() > 1:
        raise ValueError(
            f"y must hold probabilities in [0, 1], got values from {y.min()} to {y.max()} "
            "(for logits use softmax_cross_entropy)"
        )
    t = _targets_as_one_hot(y, t)
    check_choice(reduction, "reduction", _REDUCTIONS)
    eps = check_real(eps, "eps", minimum=0, below=1)
    per_sample = -np.sum(t * np.log(y + eps), axis=-1)
    return _reduce(per_sample, reduction)


def log_softmax(a):
    """``log(softmax(a))`` along the last axis, computed as ``a - logsumexp(a)``.

    Like :func:`nnlib.activations.softmax`, NaN in gives NaN out.

    Parameters
    ----------
    a : (..., K) array_like

    Returns
    -------
    (..., K) array, all <= 0.
    """
    a = as_float_array(a, "a")
    if a.ndim == 0 or a.shape[-1] == 0:
        raise ValueError(f"a must have at least one class along its last axis, got shape {a.shape}")
    with np.errstate(over="ignore"):
        shifted = a - np.max(a, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def softmax_cross_entropy(logits, t, reduction="mean"):
    """Cross-entropy of ``softmax(logits)``, computed from the logits with log-sum-exp.

    Stable for any finite logits: no ``exp`` overflows and no ``log(0)`` occurs.

    Parameters
    ----------
    logits : (N, K) or (K,) array_like
    t : (N, K) one-hot or (N,) integer labels
    reduction : {"mean", "sum", "none"}

    Returns
    -------
    float array: scalar, or (N,) for ``reduction="none"``.
    """
    logits = _predictions(logits, "logits", ndim=(1, 2))
    t = _targets_as_one_hot(logits, t)
    check_choice(reduction, "reduction", _REDUCTIONS)
    per_sample = -np.sum(t * log_softmax(logits), axis=-1)
    return _reduce(per_sample, reduction)


def softmax_cross_entropy_grad(logits, t):
    """Gradient of the batch-mean :func:`softmax_cross_entropy` with respect to the logits.

    The softmax Jacobian and the ``1 / y`` of the logarithm cancel, leaving ``(y - t) / N``.

    Parameters
    ----------
    logits : (N, K) or (K,) array_like
    t : (N, K) one-hot or (N,) integer labels

    Returns
    -------
    same shape as ``logits``.
    """
    logits = _predictions(logits, "logits", ndim=(1, 2))
    t = _targets_as_one_hot(logits, t)
    return (softmax(logits) - t) / _samples(logits)


def _binary_targets(x, z):
    """Targets ``z`` of ``x``'s shape and dtype, each in [0, 1]."""
    z = _targets_like(x, z, "x", "z")
    if z.min() < 0 or z.max() > 1:
        raise ValueError(f"z must hold targets in [0, 1], got values from {z.min()} to {z.max()}")
    return z


def binary_cross_entropy_with_logits(x, z, reduction="mean"):
    """Binary cross-entropy ``-z log sigmoid(x) - (1 - z) log(1 - sigmoid(x))``, from logits.

    Computed in the stable form ``max(x, 0) - x z + log(1 + exp(-|x|))``, which equals the naive
    one wherever that is finite and never overflows (``exp`` only sees ``-|x|``).

    Parameters
    ----------
    x : (N, K) or (N,) array_like
        Logits.
    z : same shape as ``x``
        Targets in [0, 1].
    reduction : {"mean", "sum", "none"}
        ``"none"`` returns the element-wise losses, shaped like ``x``.

    Returns
    -------
    float array: scalar, or shaped like ``x`` for ``reduction="none"``.
    """
    x = check_array(x, "x", finite=True, nonempty=True)
    z = _binary_targets(x, z)
    check_choice(reduction, "reduction", _REDUCTIONS)
    elementwise = np.maximum(x, 0) - x * z + np.log1p(np.exp(-np.abs(x)))
    return _reduce(elementwise, reduction)


def binary_cross_entropy_with_logits_grad(x, z):
    """Gradient of the mean :func:`binary_cross_entropy_with_logits` with respect to ``x``.

    Element-wise the derivative is ``sigmoid(x) - z`` (the ``sigma'`` factor cancels); dividing
    by the number of elements matches ``reduction="mean"``.

    Parameters
    ----------
    x : (N, K) or (N,) array_like
    z : same shape as ``x``

    Returns
    -------
    same shape as ``x``.
    """
    x = check_array(x, "x", finite=True, nonempty=True)
    z = _binary_targets(x, z)
    return (sigmoid(x) - z) / x.size
