"""Inverted dropout: drop each unit with probability ``rate`` while training, and scale the kept
ones by ``1 / (1 - rate)`` so that the expected activation is unchanged. At inference nothing is
dropped and nothing is scaled.

Each unit is kept or dropped independently (a Bernoulli mask). Drawing a fixed number of indices
*with replacement*, as seed 004 does, keeps fewer units than asked, because some indices repeat.
"""

import numpy as np

from nnlib._checks import (
    as_float_array,
    check_array,
    check_bool,
    check_float_dtype,
    check_real,
    check_rng,
    check_shape,
    require_same_shape,
)


def _check_rate(rate):
    rate = check_real(rate, "rate")
    if not 0.0 <= rate < 1.0:
        raise ValueError(f"rate (the dropout rate) must be in [0, 1), got {rate}")
    return rate


def dropout_mask(shape, rate, rng, dtype=np.float32):
    """A scaled Bernoulli keep-mask: ``1 / (1 - rate)`` with probability ``1 - rate``, else 0.

    Parameters
    ----------
    shape : tuple of int
        Shape of the activations, e.g. (N, H).
    rate : float in [0, 1)
        Probability of dropping a unit.
    rng : numpy.random.Generator
    dtype : float32 or float64

    Returns
    -------
    array of ``shape`` and ``dtype``
    """
    shape = check_shape(shape)
    rate = _check_rate(rate)
    check_rng(rng)
    dtype = check_float_dtype(dtype)
    draws = rng.random(shape, dtype=dtype)
    keep = draws >= rate
    return keep.astype(dtype) * dtype.type(1.0 / (1.0 - rate))


def dropout(x, rate, rng=None, training=True):
    """Apply inverted dropout to activations ``x``.

    Parameters
    ----------
    x : (N, H) or any-shape array_like
        Activations of a hidden layer.
    rate : float in [0, 1)
        Probability of dropping each unit.
    rng : numpy.random.Generator, optional
        Required when ``training`` and ``rate > 0``.
    training : bool
        At inference (False) ``x`` passes through unchanged.

    Returns
    -------
    y : array shaped like ``x``
        ``x * mask`` while training, ``x`` at inference.
    mask : array shaped like ``x``, or None
        The scaled keep-mask to pass to :func:`dropout_backward`; None when nothing was dropped.
    """
    x = as_float_array(x)
    rate = _check_rate(rate)
    training = check_bool(training, "training")
    if rng is not None:
        check_rng(rng)
    if not training or rate == 0.0:
        return x, None
    if rng is None:
        raise ValueError("dropout while training needs rng (a numpy.random.Generator)")
    mask = dropout_mask(x.shape, rate, rng, dtype=x.dtype)
    return x * mask, mask


def dropout_backward(upstream, mask):
    """Backward pass of :func:`dropout`: the gradient flows only through the kept units.

    Parameters
    ----------
    upstream : array_like
        ``dL/dy``, shaped like the activations.
    mask : array shaped like ``upstream``, or None
        The mask :func:`dropout` returned (None: nothing was dropped).

    Returns
    -------
    array: ``dL/dx = upstream * mask``.
    """
    upstream = as_float_array(upstream, "upstream")
    if mask is None:
        return upstream
    mask = check_array(mask, "mask")
    require_same_shape(mask, upstream, "mask", "upstream")
    return upstream * mask
