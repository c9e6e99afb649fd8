"""Gradients of a multi-layer perceptron by backpropagation, SGD steps, and a training loop.

The network is the one of :mod:`nnlib.network`: ``a_i = z_{i-1} @ W_i + b_i``, ``z_i = h(a_i)``
for the hidden layers, and an output activation on ``aL``. Backpropagation runs the chain rule from
the loss back to ``W1``, one matrix product per step:

- ``delta_L = dLoss/da_L`` (for softmax + cross-entropy and sigmoid + binary cross-entropy the
  activation's derivative cancels, leaving ``(y - t) / N``);
- ``dW_i = z_{i-1}.T @ delta_i`` and ``db_i = sum(delta_i, axis=0)``;
- ``delta_{i-1} = (delta_i @ W_i.T) * h'(a_{i-1})`` (times the dropout mask, if any).

These functions run hundreds of times an epoch, so each checks its arguments once per call and
cheaply: the parameters' keys, types and shapes, one pass over ``x`` for NaN and infinity, and
the (N, K) logits instead of every weight (a NaN weight always reaches the logits, see
:mod:`nnlib.network`). ``benchmarks/checks_cost.py`` measures what the checks cost.
"""

import numpy as np

from nnlib import activations, losses
from nnlib._checks import (
    _describe,
    check_array,
    check_int,
    check_real,
    check_rng,
    check_seed_or_rng,
    require_finite,
)
from nnlib.dropout import dropout
from nnlib.network import (
    _affine,
    _check_input,
    _labels,
    _require_finite_logits,
    accuracy,
    layer_count,
    output_activation,
)

LOSSES = ("cross_entropy", "mse")


def _hidden_derivative(name, a, z):
    """``h'(a)``, from ``a`` or from ``z = h(a)``, whichever is cheaper.

    ``a`` may be None for sigmoid and ReLU, whose derivatives need only ``z``.
    """
    if name == "sigmoid":
        return z * (1 - z)
    if name == "relu":
        return z > 0  # relu(a) > 0 exactly where a > 0
    return activations.get(name)[1](a)


def _hidden_layer(name, a):
    """``(h(a), a or None)``: sigmoid and ReLU overwrite ``a``, which their derivatives do not need.

    The forward pass owns each pre-activation (``affine`` returns a new array), so activating it
    in place, as :func:`nnlib.network.logits` does, saves one array per layer and step.
    """
    if name == "relu":
        return np.maximum(a, 0, out=a), None  # activations.relu(a, out=a) without its input check
    if name == "sigmoid":
        return activations.sigmoid(a, out=a), None
    return activations.get(name)[0](a), a


def _output_loss_and_delta(aL, t, output, loss):
    """The batch-mean loss and ``delta_L = dLoss/daL`` for one output/loss pairing.

    ``aL`` is the caller's own new array, and may be overwritten; ``t`` has been through
    :func:`_targets`.
    """
    n = aL.shape[0]
    if loss == "cross_entropy" and output == "softmax":
        # the operations of softmax_cross_entropy and its gradient, reusing arrays in place
        shifted = aL
        shifted -= np.maximum.reduce(aL, axis=1, keepdims=True)
        exp_a = np.exp(shifted)
        total = np.add.reduce(exp_a, axis=1, keepdims=True)
        log_y = shifted
        log_y -= np.log(total)
        value = -np.add.reduce(np.multiply(t, log_y, out=log_y), axis=None) / n
        delta = np.divide(exp_a, total, out=exp_a)  # the softmax output y
        delta -= t
        delta /= n
        return value, delta
    if loss == "cross_entropy":  # sigmoid: _check_options allows no other output
        value = losses.binary_cross_entropy_with_logits(aL, t)
        return value, losses.binary_cross_entropy_with_logits_grad(aL, t)
    y = output_activation(output)(aL)
    value = losses.mean_squared_error(y, t)
    dy = losses.mean_squared_error_grad(y, t)
    if output == "identity":
        return value, dy
    if output == "sigmoid":
        return value, dy * y * (1 - y)
    return value, activations.softmax_grad(aL, dy)


def _check_options(hidden, output, loss, dropout_rate):
    """Check the names of a training step's activations and loss, and the dropout rate."""
    activations.get(hidden, "hidden")
    output_activation(output)
    if not isinstance(loss, str) or loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; choose one of {LOSSES}")
    if loss == "cross_entropy" and output == "identity":
        raise ValueError(
            f"cross_entropy needs a softmax or sigmoid output, got {output!r} "
            "(use loss='mse' for an identity output)"
        )
    dropout_rate = check_real(dropout_rate, "dropout_rate")
    if not 0 <= dropout_rate < 1:
        raise ValueError(f"dropout_rate must be in [0, 1), got {dropout_rate}")
    return dropout_rate


def _targets(t, aL, output, loss):
    """``t`` as an array shaped like the logits ``aL`` (N, K), in their dtype.

    Integer labels (N,) become one-hot rows for a softmax output; for a single output (K = 1)
    the targets may be a vector (N,). Any other shape is refused, even with the right number of
    elements: reshaping (K, N) targets into (N, K) would scramble them.
    """
    n, k = aL.shape
    if output == "softmax":
        return losses._targets_as_one_hot(aL, t)  # checks the labels or the one-hot rows
    t = check_array(t, "t", finite=True)
    if k == 1 and t.shape == (n,):
        t = t.reshape(n, 1)
    if t.shape != (n, k):
        raise ValueError(
            f"t must have shape (N, K) = {(n, k)}, one target per sample and output, got shape "
            f"{t.shape}" + (" (transposed?)" if t.shape == (k, n) else "")
        )
    if loss == "cross_entropy" and (t.min() < 0 or t.max() > 1):
        raise ValueError(
            f"t must hold targets in [0, 1] for binary cross-entropy, got values from {t.min()} "
            f"to {t.max()}"
        )
    return t.astype(aL.dtype, copy=False)


def gradients(
    params,
    x,
    t,
    *,
    hidden="sigmoid",
    output="softmax",
    loss="cross_entropy",
    dropout_rate=0.0,
    rng=None,
):
    """Loss and its gradient with respect to every parameter, by backpropagation.

    Parameters
    ----------
    params : dict
        ``W1, b1, ..., WL, bL`` (see :mod:`nnlib.network`).
    x : (N, D) array_like
        A batch of inputs, finite.
    t : (N, K) targets, or (N,) integer labels for a softmax output (with either loss)
        A single output (K = 1) also takes its targets as an (N,) vector. Targets of another
        shape are refused, even with N * K elements: they are never reshaped.
    hidden : {"sigmoid", "relu", "identity"}
        Activation of the hidden layers.
    output : {"softmax", "sigmoid", "identity"}
    loss : {"cross_entropy", "mse"}
        ``cross_entropy`` means softmax cross-entropy for a softmax output and binary
        cross-entropy (from logits) for a sigmoid output.
    dropout_rate : float in [0, 1)
        Inverted dropout on every hidden layer's activations; the same mask is applied on the
        way back.
    rng : numpy.random.Generator, optional
        Needed when ``dropout_rate > 0``.

    Returns
    -------
    loss : float
        The batch-mean loss (of the dropped-out network, when dropout is on).
    grads : dict
        ``grads["W1"]`` etc., each shaped like its parameter.
    """
    count = layer_count(params)
    dropout_rate = _check_options(hidden, output, loss, dropout_rate)
    if dropout_rate > 0 and rng is None:
        raise ValueError("dropout_rate > 0 needs rng, a numpy.random.Generator for the masks")
    if rng is not None:
        check_rng(rng)
    x = check_array(x, "x")
    if x.ndim != 2:
        raise ValueError(f"x must be a 2-D batch (N, D), got shape {x.shape}")
    x = _check_input(params, x)

    inputs = [x]  # z_0 .. z_{L-1}: what each layer multiplies
    pre_activations = []  # a_1 .. a_{L-1}, or None where h' needs only h(a)
    activated = []  # h(a_i) before dropout, for h'
    masks = []
    z = x
    for i in range(1, count):
        hz, a = _hidden_layer(hidden, _affine(z, params[f"W{i}"], params[f"b{i}"]))
        if dropout_rate == 0:
            z, mask = hz, None  # what dropout() returns for rate 0, without the call
        else:
            z, mask = dropout(hz, dropout_rate, rng, training=True)
        pre_activations.append(a)
        activated.append(hz)
        masks.append(mask)
        inputs.append(z)
    aL = _affine(z, params[f"W{count}"], params[f"b{count}"])
    _require_finite_logits(params, aL)
    t = _targets(t, aL, output, loss)
    value, delta = _output_loss_and_delta(aL, t, output, loss)
    if not np.isfinite(value):
        raise ValueError(
            f"the loss is {float(value)}: the logits are so far apart that it overflows "
            "(the weights have grown too large; lower the learning rate)"
        )

    grads = {}
    for i in range(count, 0, -1):
        grads[f"W{i}"] = inputs[i - 1].T @ delta
        # delta @ W.T is a new array, so the two factors below are applied in place
        upstream = delta @ params[f"W{i}"].T if i > 1 else None
        grads[f"b{i}"] = np.add.reduce(delta, axis=0)  # delta.sum(axis=0), minus a wrapper
        if upstream is not None:
            if masks[i - 2] is not None:
                upstream *= masks[i - 2]  # dropout_backward: only the kept units pass gradient
            upstream *= _hidden_derivative(hidden, pre_activations[i - 2], activated[i - 2])
            delta = upstream
    return float(value), grads


def sgd_update(params, grads, learning_rate):
    """One gradient-descent step, in place: ``p -= learning_rate * grad`` for every parameter.

    Everything is checked before the first parameter changes, so a refused call leaves
    ``params`` as it was.

    Parameters
    ----------
    params : dict of arrays
        Floating arrays, updated in place (pass a copy to keep the original).
    grads : dict of arrays
        Same keys and shapes as ``params``; finite.
    learning_rate : float
        Positive and finite.
    """
    learning_rate = _check_learning_rate(learning_rate)
    for argument, mapping in (("params", params), ("grads", grads)):
        if not isinstance(mapping, dict):
            raise TypeError(f"{argument} must be a dict of arrays, got {_describe(mapping)}")
    if set(grads) != set(params):
        raise ValueError(
            f"grads must have the keys of params: missing {sorted(set(params) - set(grads))}, "
            f"unknown {sorted(set(grads) - set(params))}"
        )
    for name, param in params.items():
        if not isinstance(param, np.ndarray) or param.dtype.kind != "f":
            raise TypeError(
                f"params[{name!r}] must be a floating NumPy array (it is updated in place), "
                f"got {_describe(param)}"
            )
    _require_writeable(params)
    checked = {}
    for name, grad in grads.items():
        param = params[name]
        grad = check_array(grad, f"grads[{name!r}]")
        if grad.shape != param.shape:
            raise ValueError(
                f"grads[{name!r}] has shape {grad.shape} but params has {param.shape}"
            )
        require_finite(grad, f"grads[{name!r}]")
        checked[name] = grad
    for name, grad in checked.items():
        param = params[name]
        param -= param.dtype.type(learning_rate) * grad


def _require_writeable(params):
    """Refuse read-only parameters before the first one is updated, not half-way through."""
    for name, param in params.items():
        if not param.flags.writeable:
            raise ValueError(f"params[{name!r}] is read-only, so it cannot be updated in place")


def _check_learning_rate(learning_rate):
    """A learning rate of NaN, infinity, None or <= 0 would ruin every parameter: refuse it."""
    return check_real(learning_rate, "learning_rate", positive=True)


def sgd_step(
    params,
    x,
    t,
    learning_rate,
    *,
    hidden="sigmoid",
    output="softmax",
    loss="cross_entropy",
    dropout_rate=0.0,
    rng=None,
):
    """One step of stochastic gradient descent on one batch, in place; returns the batch's loss.

    The same as :func:`gradients` followed by :func:`sgd_update`, to the last bit. As the
    gradients are not returned, each is scaled by the learning rate in its own array, instead of
    into a temporary array the size of its weight matrix.

    Parameters
    ----------
    params : dict of arrays
        ``W1, b1, ...``; updated in place.
    x : (N, D) array_like
        One batch of inputs.
    t : (N, K) targets, or (N,) integer labels for a softmax output
    learning_rate : float
    hidden, output, loss, dropout_rate, rng :
        As in :func:`gradients`.

    Returns
    -------
    float
        The batch-mean loss before the step (of the dropped-out network, when dropout is on).
    """
    learning_rate = _check_learning_rate(learning_rate)
    value, grads = gradients(
        params, x, t, hidden=hidden, output=output, loss=loss, dropout_rate=dropout_rate, rng=rng
    )
    _require_writeable(params)
    for name, grad in grads.items():
        param = params[name]
        grad *= param.dtype.type(learning_rate)  # the product sgd_update computes, in place
        param -= grad
    return value


def train_sgd(
    params,
    x,
    t,
    *,
    learning_rate=0.1,
    epochs=10,
    batch_size=None,
    hidden="sigmoid",
    output="softmax",
    loss="cross_entropy",
    dropout_rate=0.0,
    rng=None,
    validation=None,
):
    """Train by stochastic gradient descent and return the trained parameters and the history.

    Each epoch visits every sample once, in a fresh random order (drawn from ``rng``) when
    ``batch_size`` is smaller than N, in mini-batches of ``batch_size``.

    Parameters
    ----------
    params : dict
        Initial ``W1, b1, ...``; not modified (training works on a copy).
    x : (N, D) array_like
    t : (N, K) targets or (N,) integer labels
    learning_rate : float
    epochs : int
    batch_size : int, optional
        Default: the whole batch (plain gradient descent).
    hidden, output, loss, dropout_rate :
        As in :func:`gradients`.
    rng : numpy.random.Generator or int, optional
        Source of the shuffling and the dropout masks.
    validation : tuple (x_val, t_val), optional
        When given, the history also records ``train_accuracy`` (on all of ``x``) and
        ``val_accuracy`` after every epoch, measured without dropout.

    Returns
    -------
    params : dict
        The trained parameters (new arrays).
    history : dict of lists
        ``loss``: the mean mini-batch loss of every epoch; with ``validation``, also
        ``train_accuracy`` and ``val_accuracy``.
    """
    layer_count(params)  # before copying: params must be a dict of W1, b1, ...
    learning_rate = _check_learning_rate(learning_rate)
    epochs = check_int(epochs, "epochs", minimum=1)
    dropout_rate = _check_options(hidden, output, loss, dropout_rate)
    rng = check_seed_or_rng(rng)
    params = {name: np.array(value, copy=True) for name, value in params.items()}
    x = check_array(x, "x")
    if x.ndim != 2:
        raise ValueError(f"x must be a 2-D batch (N, D), got shape {x.shape}")
    x = _check_input(params, x)
    t = np.asarray(t)
    n = x.shape[0]
    if t.ndim not in (1, 2) or t.shape[0] != n:
        raise ValueError(
            f"x has shape {x.shape} but t has shape {t.shape}: need one target per row"
        )
    if batch_size is None:
        batch_size = n
    batch_size = check_int(batch_size, "batch_size")
    if not 1 <= batch_size <= n:
        raise ValueError(f"batch_size must be in [1, {n}], got {batch_size}")
    if validation is not None:
        _check_validation(params, validation)
    history = {"loss": []}
    if validation is not None:
        history["train_accuracy"] = []
        history["val_accuracy"] = []

    for _ in range(epochs):
        order = rng.permutation(n) if batch_size < n else None
        epoch_losses = []
        for start in range(0, n, batch_size):
            rows = (
                slice(start, start + batch_size)
                if order is None
                else order[start : start + batch_size]
            )
            value = sgd_step(
                params,
                x[rows],
                t[rows],
                learning_rate,
                hidden=hidden,
                output=output,
                loss=loss,
                dropout_rate=dropout_rate,
                rng=rng,
            )
            epoch_losses.append(value)
        history["loss"].append(float(np.mean(epoch_losses)))
        if validation is not None:
            history["train_accuracy"].append(accuracy(params, x, t, hidden))
            history["val_accuracy"].append(accuracy(params, *validation, hidden))
    return params, history


def _check_validation(params, validation):
    """``validation`` must be a pair ``(x_val, t_val)`` that :func:`accuracy` accepts."""
    if not isinstance(validation, (tuple, list)) or len(validation) != 2:
        raise TypeError(f"validation must be a pair (x_val, t_val), got {_describe(validation)}")
    x_val = _check_input(params, validation[0], ndim=(2,), name="validation[0]")
    labels = _labels(validation[1], "validation[1]")
    if labels.shape != (x_val.shape[0],):
        raise ValueError(
            f"validation: x_val has shape {x_val.shape} but t_val has shape "
            f"{np.shape(validation[1])}: need one target per row"
        )
