"""A multi-layer perceptron as a dict of arrays, with the book's names.

``params`` holds ``W1, b1, W2, b2, ..., WL, bL``. Samples are rows, so layer ``i`` computes
``a_i = z_{i-1} @ W_i + b_i`` and ``z_i = h(a_i)`` with ``z_0 = x``; the last layer applies the
output activation instead of ``h``. A batch of N samples is an (N, D) array; one sample may also be
given as a (D,) vector.
"""

import itertools

import numpy as np

from nnlib import activations
from nnlib._checks import as_float_array, require_ndim

OUTPUT_ACTIVATIONS = ("softmax", "sigmoid", "identity")


def init_params(layer_sizes, *, rng=None, scale="xavier", dtype=np.float32):
    """Random weights and zero biases for a network with the given layer sizes.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``[D, H1, ..., K]``: input size, hidden sizes, output size.
    rng : numpy.random.Generator or int, optional
        Generator or seed for the draws (``np.random.default_rng(rng)``).
    scale : {"xavier", "he"} or float
        Standard deviation of the weights: ``1/sqrt(fan_in)`` (suits sigmoid),
        ``sqrt(2/fan_in)`` (suits ReLU), or a fixed number.
    dtype : numpy dtype
        float32 by default, like the book's pretrained weights.

    Returns
    -------
    dict
        ``W{i}`` of shape (layer_sizes[i-1], layer_sizes[i]) and ``b{i}`` of shape
        (layer_sizes[i],), for i = 1 .. len(layer_sizes) - 1.
    """
    sizes = [int(n) for n in layer_sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"layer_sizes needs at least two positive sizes, got {list(layer_sizes)}")
    rng = np.random.default_rng(rng)
    params = {}
    for i, (fan_in, fan_out) in enumerate(itertools.pairwise(sizes), start=1):
        std = _weight_std(scale, fan_in)
        params[f"W{i}"] = (std * rng.standard_normal((fan_in, fan_out))).astype(dtype)
        params[f"b{i}"] = np.zeros(fan_out, dtype=dtype)
    return params


def _weight_std(scale, fan_in):
    if scale == "xavier":
        return 1.0 / np.sqrt(fan_in)
    if scale == "he":
        return np.sqrt(2.0 / fan_in)
    if isinstance(scale, (int, float)) and scale > 0:
        return float(scale)
    raise ValueError(f"scale must be 'xavier', 'he' or a positive number, got {scale!r}")


def layer_count(params):
    """Number of layers L in ``params``, after checking that the shapes chain.

    Parameters
    ----------
    params : dict
        ``W1, b1, ..., WL, bL``.

    Returns
    -------
    int

    Raises
    ------
    ValueError
        If a key is missing or a shape does not fit the previous layer.
    """
    count = 0
    while f"W{count + 1}" in params:
        count += 1
    if count == 0:
        raise ValueError(f"params must hold W1, b1, ...; got keys {sorted(params)}")
    for i in range(1, count + 1):
        W = params[f"W{i}"]
        b = params.get(f"b{i}")
        if b is None:
            raise ValueError(f"params has W{i} but no b{i}")
        if np.ndim(W) != 2 or np.shape(b) != (np.shape(W)[1],):
            raise ValueError(
                f"W{i} must be 2-D and b{i} must have shape (W{i}.shape[1],); "
                f"got W{i} {np.shape(W)} and b{i} {np.shape(b)}"
            )
        if i > 1 and np.shape(params[f"W{i - 1}"])[1] != np.shape(W)[0]:
            raise ValueError(
                f"W{i - 1} {np.shape(params[f'W{i - 1}'])} and W{i} {np.shape(W)} do not chain: "
                f"W{i - 1} has {np.shape(params[f'W{i - 1}'])[1]} columns, W{i} has "
                f"{np.shape(W)[0]} rows"
            )
    return count


def check_input(params, x):
    """Return ``x`` as a floating (N, D) or (D,) array that fits ``W1``.

    Raises
    ------
    ValueError
        Naming both shapes when ``x``'s last axis is not ``W1``'s first.
    """
    x = as_float_array(x)
    require_ndim(x, (1, 2), "x")
    W1 = params["W1"]
    if x.shape[-1] != W1.shape[0]:
        raise ValueError(
            f"x has shape {x.shape} but W1 has shape {W1.shape}: x @ W1 needs x's last axis "
            f"({x.shape[-1]}) to equal W1's first ({W1.shape[0]})"
        )
    return x


def affine(z, W, b):
    """One layer's pre-activation ``z @ W + b``.

    Parameters
    ----------
    z : (N, D) or (D,) array
    W : (D, H) array
    b : (H,) array

    Returns
    -------
    (N, H) or (H,) array
    """
    a = z @ W
    a += b
    return a


def output_activation(name):
    """The output activation called ``name``: softmax, sigmoid or identity."""
    if name == "softmax":
        return activations.softmax
    if name in ("sigmoid", "identity"):
        return activations.get(name)[0]
    raise ValueError(f"unknown output activation {name!r}; choose one of {OUTPUT_ACTIVATIONS}")


def logits(params, x, hidden="sigmoid"):
    """The last layer's pre-activation ``aL`` (the output before softmax/sigmoid).

    Parameters
    ----------
    params : dict
    x : (N, D) or (D,) array_like
    hidden : {"sigmoid", "relu", "identity", "step"}
        Activation of every hidden layer.

    Returns
    -------
    (N, K) or (K,) array
    """
    count = layer_count(params)
    h = _in_place(hidden)
    z = check_input(params, x)
    for i in range(1, count):
        z = h(affine(z, params[f"W{i}"], params[f"b{i}"]))
    return affine(z, params[f"W{count}"], params[f"b{count}"])


def _in_place(hidden):
    """The hidden activation as a function that overwrites its argument and returns it.

    The forward pass owns each pre-activation (``affine`` returns a new array), so it can
    activate it in place. On a 10,000-image batch, the temporary arrays of the out-of-place
    functions cost more time than the matrix products themselves (benchmarks/inference.py).
    """
    function = activations.get(hidden)[0]  # also rejects unknown names with the usual message
    if hidden in ("sigmoid", "relu"):
        return lambda a: function(a, out=a)
    return function


def forward(params, x, hidden="sigmoid", output="softmax"):
    """Forward pass: the network's output ``y`` for a batch.

    Parameters
    ----------
    params : dict
        ``W1, b1, ..., WL, bL``.
    x : (N, D) or (D,) array_like
    hidden : {"sigmoid", "relu", "identity", "step"}
    output : {"softmax", "sigmoid", "identity"}

    Returns
    -------
    (N, K) or (K,) array
        Class probabilities for softmax; in the dtype of the parameters and ``x``.
    """
    return output_activation(output)(logits(params, x, hidden))


def predict(params, x, hidden="sigmoid"):
    """Predicted class of each sample: the argmax of the logits.

    Softmax keeps the order of its inputs, so the argmax of the probabilities is the argmax of
    the logits, and inference can skip the softmax.

    Parameters
    ----------
    params : dict
    x : (N, D) or (D,) array_like
    hidden : {"sigmoid", "relu", "identity", "step"}

    Returns
    -------
    (N,) int array, or an int for a single (D,) sample.
        For a single sigmoid output (K = 1) the class is 1 where the logit is positive.
    """
    scores = logits(params, x, hidden)
    if scores.shape[-1] == 1:
        return (scores[..., 0] > 0).astype(np.intp)
    return np.argmax(scores, axis=-1)


def labels_of(t):
    """Integer labels from integer labels (N,), one-hot rows (N, K) or 0/1 targets (N, 1)."""
    t = np.asarray(t)
    if t.ndim == 2 and t.shape[1] == 1:
        return np.rint(t[:, 0]).astype(np.intp)
    return np.argmax(t, axis=-1) if t.ndim == 2 else t


def accuracy(params, x, t, hidden="sigmoid"):
    """Fraction of samples whose predicted class equals the target.

    Parameters
    ----------
    params : dict
    x : (N, D) array_like
    t : (N,) integer labels or (N, K) one-hot rows
    hidden : {"sigmoid", "relu", "identity", "step"}

    Returns
    -------
    float in [0, 1]
    """
    x = check_input(params, x)
    require_ndim(x, (2,), "x")
    labels = labels_of(t)
    if labels.shape != (x.shape[0],):
        raise ValueError(
            f"x has shape {x.shape} but t has shape {np.shape(t)}: need one target per row"
        )
    return float(np.mean(predict(params, x, hidden) == labels))


def confusion_matrix(predicted, t, num_classes=None):
    """Counts of (true class, predicted class) pairs.

    Parameters
    ----------
    predicted : (N,) int array_like
    t : (N,) int labels or (N, K) one-hot rows
    num_classes : int, optional
        Defaults to one more than the largest class seen.

    Returns
    -------
    (K, K) int64 array
        Entry ``[i, j]`` counts samples of true class ``i`` predicted as ``j``.
    """
    predicted = np.asarray(predicted)
    labels = labels_of(t)
    if predicted.shape != labels.shape or predicted.ndim != 1:
        raise ValueError(
            f"predicted {predicted.shape} and t {labels.shape} must be 1-D and equal in length"
        )
    if num_classes is None:
        num_classes = int(max(predicted.max(initial=-1), labels.max(initial=-1))) + 1
    counts = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(counts, (labels.astype(np.intp), predicted.astype(np.intp)), 1)
    return counts
