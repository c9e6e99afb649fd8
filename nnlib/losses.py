"""Loss functions for batches, and their gradients.

Conventions: the first axis is the batch (N samples), the last axis the outputs (K). A loss is the
mean over the batch of a per-sample loss (``reduction="mean"``); ``reduction="none"`` returns the
per-sample values and ``"sum"`` their sum. Each ``*_grad`` returns the gradient of the *mean* loss,
so it carries the ``1 / N`` factor.

Cross-entropy targets come in two forms: one-hot rows ``t`` of shape (N, K), or integer labels of
shape (N,). Both give the same loss.
"""

import numpy as np

from nnlib._checks import as_float_array, require_ndim, require_same_shape
from nnlib.activations import sigmoid, softmax

_REDUCTIONS = ("mean", "sum", "none")


def _reduce(per_sample, reduction):
    if reduction == "mean":
        return per_sample.mean(dtype=per_sample.dtype)
    if reduction == "sum":
        return per_sample.sum(dtype=per_sample.dtype)
    if reduction == "none":
        return per_sample
    raise ValueError(f"reduction must be one of {_REDUCTIONS}, got {reduction!r}")


def _batch_size(y):
    return y.shape[0] if y.ndim > 1 else 1


def mean_squared_error(y, t, reduction="mean"):
    """Half the squared error, summed over outputs: ``0.5 * sum((y - t) ** 2)`` per sample.

    The factor 1/2 (the book's) makes the gradient simply ``y - t``.

    Parameters
    ----------
    y : (N, K) or (K,) array_like
        Predictions.
    t : same shape as ``y``
        Targets.
    reduction : {"mean", "sum", "none"}

    Returns
    -------
    float array: scalar, or (N,) for ``reduction="none"``.
    """
    y = as_float_array(y, "y")
    t = np.asarray(t, dtype=y.dtype)
    require_same_shape(y, t, "y", "t")
    per_sample = 0.5 * np.sum((y - t) ** 2, axis=-1)
    return _reduce(per_sample, reduction)


def mean_squared_error_grad(y, t):
    """Gradient of the batch-mean :func:`mean_squared_error` with respect to ``y``.

    Parameters
    ----------
    y : (N, K) or (K,) array_like
    t : same shape as ``y``

    Returns
    -------
    same shape as ``y``: ``(y - t) / N``.
    """
    y = as_float_array(y, "y")
    t = np.asarray(t, dtype=y.dtype)
    require_same_shape(y, t, "y", "t")
    return (y - t) / _batch_size(y)


def one_hot(labels, num_classes, dtype=np.float64):
    """Integer labels to one-hot rows.

    Parameters
    ----------
    labels : (N,) array_like of int
    num_classes : int
    dtype : numpy dtype
        Of the result; float32 for a float32 network, so no float64 copy is made on the way.

    Returns
    -------
    (N, num_classes) array with a single 1 per row.
    """
    labels = np.asarray(labels)
    if not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"labels must be integers, got dtype {labels.dtype}")
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(
            f"labels must lie in [0, {num_classes}), got {labels.min()}..{labels.max()}"
        )
    return (labels[..., None] == np.arange(num_classes)).astype(dtype)


def _targets_as_one_hot(y, t):
    """Return ``t`` as one-hot rows shaped like ``y``, accepting one-hot or integer labels."""
    t = np.asarray(t)
    if t.shape == y.shape:
        return t.astype(y.dtype, copy=False)
    if t.shape == y.shape[:-1] and np.issubdtype(t.dtype, np.integer):
        return one_hot(t, y.shape[-1], dtype=y.dtype)
    raise ValueError(
        f"targets must be one-hot with the shape of the predictions {y.shape} or integer labels "
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
        Probabilities (each row sums to 1).
    t : (N, K) one-hot or (N,) integer labels
    reduction : {"mean", "sum", "none"}
    eps : float

    Returns
    -------
    float array: scalar, or (N,) for ``reduction="none"``.
    """
    y = as_float_array(y, "y")
    require_ndim(y, (1, 2), "y")
    t = _targets_as_one_hot(y, t)
    per_sample = -np.sum(t * np.log(y + eps), axis=-1)
    return _reduce(per_sample, reduction)


def log_softmax(a):
    """``log(softmax(a))`` along the last axis, computed as ``a - logsumexp(a)``.

    Parameters
    ----------
    a : (..., K) array_like

    Returns
    -------
    (..., K) array, all <= 0.
    """
    a = as_float_array(a, "a")
    with np.errstate(over="ignore"):
        shifted = a - np.max(a, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def softmax_cross_entropy(logits, t, reduction="mean"):
    """Cross-entropy of ``softmax(logits)``, computed from the logits with log-sum-exp.

    Stable for any logits: no ``exp`` overflows and no ``log(0)`` occurs.

    Parameters
    ----------
    logits : (N, K) or (K,) array_like
    t : (N, K) one-hot or (N,) integer labels
    reduction : {"mean", "sum", "none"}

    Returns
    -------
    float array: scalar, or (N,) for ``reduction="none"``.
    """
    logits = as_float_array(logits, "logits")
    require_ndim(logits, (1, 2), "logits")
    t = _targets_as_one_hot(logits, t)
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
    logits = as_float_array(logits, "logits")
    require_ndim(logits, (1, 2), "logits")
    t = _targets_as_one_hot(logits, t)
    return (softmax(logits) - t) / _batch_size(logits)


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
    x = as_float_array(x, "x")
    z = np.asarray(z, dtype=x.dtype)
    require_same_shape(x, z, "x", "z")
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
    x = as_float_array(x, "x")
    z = np.asarray(z, dtype=x.dtype)
    require_same_shape(x, z, "x", "z")
    return (sigmoid(x) - z) / x.size
