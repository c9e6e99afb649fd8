"""A multi-layer perceptron as a dict of arrays, with the book's names.

``params`` holds ``W1, b1, W2, b2, ..., WL, bL``. Samples are rows, so layer ``i`` computes
``a_i = z_{i-1} @ W_i + b_i`` and ``z_i = h(a_i)`` with ``z_0 = x``; the last layer applies the
output activation instead of ``h``. A batch of N samples is an (N, D) array; one sample may also be
given as a (D,) vector.

Every function checks its arguments once per call: ``params`` must hold exactly the layers
``1 .. L`` as floating arrays whose shapes chain, ``x`` must be finite and not empty. A NaN or
infinite weight is not looked for in every parameter (that pass would cost more than the
forward pass of a small batch): every activation passes NaN on, so a NaN weight reaches the
logits, and the logits, only (N, K) numbers, are checked instead.
"""

import itertools
from collections.abc import Mapping

import numpy as np

from nnlib import activations
from nnlib._checks import (
    _describe,
    check_array,
    check_choice,
    check_float_dtype,
    check_int,
    check_labels,
    check_real,
    check_seed_or_rng,
    require_finite,
    require_ndim,
)

OUTPUT_ACTIVATIONS = ("softmax", "sigmoid", "identity")
WEIGHT_SCALES = ("xavier", "he")


def init_params(layer_sizes, *, rng=None, scale="xavier", dtype=np.float32):
    """Random weights and zero biases for a network with the given layer sizes.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``[D, H1, ..., K]``: input size, hidden sizes, output size; each at least 1.
    rng : numpy.random.Generator or int, optional
        Generator or seed for the draws (``np.random.default_rng(rng)``).
    scale : {"xavier", "he"} or float
        Standard deviation of the weights: ``1/sqrt(fan_in)`` (suits sigmoid),
        ``sqrt(2/fan_in)`` (suits ReLU), or a fixed positive number.
    dtype : float32 or float64
        float32 by default, like the book's pretrained weights.

    Returns
    -------
    dict
        ``W{i}`` of shape (layer_sizes[i-1], layer_sizes[i]) and ``b{i}`` of shape
        (layer_sizes[i],), for i = 1 .. len(layer_sizes) - 1.
    """
    if isinstance(layer_sizes, (str, bytes, Mapping)) or not hasattr(layer_sizes, "__iter__"):
        raise TypeError(f"layer_sizes must be a sequence of integers, got {_describe(layer_sizes)}")
    sizes = [check_int(n, f"layer_sizes[{i}]", minimum=1) for i, n in enumerate(layer_sizes)]
    if len(sizes) < 2:
        raise ValueError(f"layer_sizes needs at least two sizes (input, output), got {sizes}")
    rng = check_seed_or_rng(rng)
    if isinstance(scale, str):
        check_choice(scale, "scale", WEIGHT_SCALES)
    else:
        scale = check_real(scale, "scale", positive=True)
    dtype = check_float_dtype(dtype)
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
    return scale


def layer_count(params):
    """Number of layers L in ``params``, after checking that it holds exactly layers 1 .. L.

    Parameters
    ----------
    params : dict
        ``W1, b1, ..., WL, bL``: floating NumPy arrays, ``W{i}`` of shape (D_{i-1}, D_i) and
        ``b{i}`` of shape (D_i,).

    Returns
    -------
    int

    Raises
    ------
    TypeError
        If ``params`` is not a dict, or a parameter is not a floating array.
    ValueError
        If a key is missing or unknown (``b2`` without ``W2``, ``W9``), or a shape does not fit
        the previous layer.
    """
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a dict of arrays W1, b1, ..., got {_describe(params)}")
    count = 0
    while f"W{count + 1}" in params:
        count += 1
    if count == 0:
        raise ValueError(f"params must hold W1, b1, ...; got keys {sorted(params, key=str)}")
    for i in range(1, count + 1):
        if f"b{i}" not in params:
            raise ValueError(f"params has W{i} but no b{i}")
    if len(params) != 2 * count:
        _refuse_extra_keys(params, count)
    for i in range(1, count + 1):
        W, b = params[f"W{i}"], params[f"b{i}"]
        for name, value in ((f"W{i}", W), (f"b{i}", b)):
            if not isinstance(value, np.ndarray) or value.dtype.kind != "f":
                raise TypeError(
                    f"params[{name!r}] must be a float32 or float64 NumPy array, got "
                    f"{_describe(value)}"
                )
        if W.ndim != 2 or b.shape != (W.shape[1],):
            raise ValueError(
                f"W{i} must be 2-D and b{i} must have shape (W{i}.shape[1],); "
                f"got W{i} {W.shape} and b{i} {b.shape}"
            )
        if i > 1 and params[f"W{i - 1}"].shape[1] != W.shape[0]:
            raise ValueError(
                f"W{i - 1} {params[f'W{i - 1}'].shape} and W{i} {W.shape} do not chain: "
                f"W{i - 1} has {params[f'W{i - 1}'].shape[1]} columns, W{i} has "
                f"{W.shape[0]} rows"
            )
    return count


def _refuse_extra_keys(params, count):
    """Raise ``ValueError`` naming the keys of ``params`` that are not layers 1 .. count."""
    layers = {f"{kind}{i}" for i in range(1, count + 1) for kind in "Wb"}
    extra = sorted((key for key in params if key not in layers), key=str)
    layers = "W1, b1" if count == 1 else f"W1, b1, ..., W{count}, b{count}"
    raise ValueError(
        f"params holds {extra} besides {layers}: either W{count + 1} is missing (layers are "
        "numbered from 1 without gaps) or these keys do not belong in params"
    )


def check_input(params, x):
    """Return ``x`` as a floating (N, D) or (D,) array that fits ``W1``.

    Also checks ``params`` (see :func:`layer_count`).

    Raises
    ------
    ValueError
        Naming both shapes when ``x``'s last axis is not ``W1``'s first; if ``x`` is empty or
        holds NaN or infinity.
    """
    layer_count(params)
    return _check_input(params, x)


def _check_input(params, x, ndim=(1, 2), name="x"):
    """:func:`check_input` for ``params`` already checked."""
    x = check_array(x, name, ndim=ndim, nonempty=True)
    W1 = params["W1"]
    if x.shape[-1] != W1.shape[0]:
        raise ValueError(
            f"{name} has shape {x.shape} but W1 has shape {W1.shape}: x @ W1 needs x's last axis "
            f"({x.shape[-1]}) to equal W1's first ({W1.shape[0]})"
        )
    require_finite(x, name)
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
    z = check_array(z, "z", ndim=(1, 2), nonempty=True)
    W = check_array(W, "W", ndim=2)
    b = check_array(b, "b", ndim=1)
    if z.shape[-1] != W.shape[0] or b.shape != (W.shape[1],):
        raise ValueError(
            f"z @ W + b needs z's last axis to equal W's first and b to have W's columns, got "
            f"z {z.shape}, W {W.shape} and b {b.shape}"
        )
    return _affine(z, W, b)


def _affine(z, W, b):
    """:func:`affine` without the checks, for the layers of a checked network."""
    a = z @ W
    a += b
    return a


def output_activation(name):
    """The output activation called ``name``: softmax, sigmoid or identity."""
    if name == "softmax":
        return activations.softmax
    if isinstance(name, str) and name in ("sigmoid", "identity"):
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

    Raises
    ------
    ValueError
        If the logits are not finite: a parameter holds NaN or infinity (the error names it),
        or the weights are so large that the logits overflow.
    """
    count = layer_count(params)
    h = _in_place(hidden)
    x = _check_input(params, x)
    return _checked_logits(params, x, count, h)


def _checked_logits(params, x, count, h):
    """The forward pass up to ``aL`` for checked arguments, then ``aL``'s finiteness."""
    z = x
    for i in range(1, count):
        z = h(_affine(z, params[f"W{i}"], params[f"b{i}"]))
    aL = _affine(z, params[f"W{count}"], params[f"b{count}"])
    _require_finite_logits(params, aL)
    return aL


def _require_finite_logits(params, aL):
    """Raise ``ValueError`` if the logits ``aL`` hold NaN or infinity, naming the culprit.

    Checking the (N, K) logits is cheap; only when they are not finite are the parameters
    searched for the NaN or infinite value that caused it.
    """
    if np.isfinite(aL).all():
        return
    for name, value in params.items():
        require_finite(value, f"params[{name!r}]")
    raise ValueError(
        "the logits overflowed to infinity although x and params are finite: the weights are "
        f"too large (largest |weight|: {max(float(np.abs(v).max()) for v in params.values()):.3g})"
    )


def _in_place(hidden):
    """The hidden activation as a function that overwrites its argument and returns it.

    The forward pass owns each pre-activation (``affine`` returns a new array), so it can
    activate it in place. On a 10,000-image batch, the temporary arrays of the out-of-place
    functions cost more time than the matrix products themselves (benchmarks/inference.py).
    """
    function = activations.get(hidden, "hidden")[0]  # also rejects unknown names
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
    return _classes(logits(params, x, hidden))


def _classes(scores):
    if scores.shape[-1] == 1:
        return (scores[..., 0] > 0).astype(np.intp)
    return np.argmax(scores, axis=-1)


def labels_of(t):
    """Integer labels from integer labels (N,), one-hot rows (N, K) or 0/1 targets (N, 1).

    Parameters
    ----------
    t : (N,) int array_like, (N, K) one-hot rows or (N, 1) targets in [0, 1]
        Labels given as floats (``[0.0, 1.0]``) are accepted if they are whole numbers.

    Returns
    -------
    (N,) int array of non-negative labels.
    """
    return _labels(t, "t")


def _labels(t, name):
    array = np.asarray(t)
    if array.ndim == 2:
        values = check_array(array, name, finite=True)
        if values.shape[1] == 1:
            if values.size and (values.min() < 0 or values.max() > 1):
                raise ValueError(
                    f"{name} of shape {values.shape} must hold 0/1 targets in [0, 1], got "
                    f"values from {values.min()} to {values.max()}"
                )
            return np.rint(values[:, 0]).astype(np.intp)
        return np.argmax(values, axis=-1)
    require_ndim(array, (1, 2), name)
    if np.issubdtype(array.dtype, np.floating):
        require_finite(array, name)
        if np.any(array != np.rint(array)):
            raise ValueError(f"{name} must hold whole-number class labels, got {array[:5]} ...")
        array = array.astype(np.intp)
    return check_labels(array, name)


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
    count = layer_count(params)
    h = _in_place(hidden)
    x = _check_input(params, x, ndim=(2,))
    labels = _labels(t, "t")
    if labels.shape != (x.shape[0],):
        raise ValueError(
            f"x has shape {x.shape} but t has shape {np.shape(t)}: need one target per row"
        )
    outputs = params[f"W{count}"].shape[1]
    classes = 2 if outputs == 1 else outputs
    if np.ndim(t) == 2 and np.shape(t)[1] != outputs:
        raise ValueError(
            f"t has shape {np.shape(t)} but the network has {outputs} outputs: one-hot rows "
            "need one column per output"
        )
    if labels.max() >= classes:
        raise ValueError(
            f"t's labels must lie in [0, {classes}) for a network with {outputs} output(s), "
            f"got labels up to {labels.max()}"
        )
    scores = _checked_logits(params, x, count, h)
    return float(np.mean(_classes(scores) == labels))


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
    labels = _labels(t, "t")
    if predicted.shape != labels.shape or predicted.ndim != 1:
        raise ValueError(
            f"predicted {predicted.shape} and t {labels.shape} must be 1-D and equal in length"
        )
    predicted = check_labels(predicted, "predicted")
    if predicted.size == 0:
        raise ValueError("predicted and t must not be empty (an empty batch has no counts)")
    largest = int(max(predicted.max(), labels.max()))
    if num_classes is None:
        num_classes = largest + 1
    else:
        num_classes = check_int(num_classes, "num_classes", minimum=1)
        for name, values in (("predicted", predicted), ("t", labels)):
            if values.max() >= num_classes:
                raise ValueError(
                    f"{name} must lie in [0, {num_classes}) for num_classes={num_classes}, "
                    f"got a label {values.max()}"
                )
    counts = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(counts, (labels.astype(np.intp), predicted.astype(np.intp)), 1)
    return counts
