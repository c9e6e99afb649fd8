"""Layers with a forward and a backward pass, and a network built as a list of them.

Backpropagation as the book's chapter 5 teaches it: a computation is a graph of small nodes, each
knowing only its own local derivative. Going forward, a node computes its output and keeps what
its derivative needs; going backward, it multiplies the gradient arriving from above (``dout``) by
that local derivative and passes the result (``dx``) down. :class:`MulLayer` and
:class:`AddLayer` are the nodes of the book's shopping example; :class:`Affine`, :class:`Relu`,
:class:`Sigmoid`, :class:`Dropout` and the loss layers are the nodes of a neural network, and
:class:`LayerNet` chains them. The same network written as one function is
:func:`nnlib.backprop.gradients`; the tests show that both give the same loss and gradients.

The layer protocol (what :class:`LayerNet` and :mod:`nnlib.training` rely on)
-----------------------------------------------------------------------------
A layer (``Affine``, ``Relu``, ..., and later ``BatchNormalization``, ``Convolution``,
``Pooling``) is an object with:

- ``forward(x, training=False) -> out``: keeps what ``backward`` needs. ``training`` is True only
  while the network computes gradients; a layer that behaves the same either way accepts it and
  ignores it. A layer that draws random numbers takes a ``numpy.random.Generator`` when built.
- ``backward(dout) -> dx``: ``dout`` is the gradient of the loss with respect to the last
  ``forward``'s output (same shape); returns the gradient with respect to its input (same shape as
  ``x``). It never modifies ``dout``, ``x`` or any other array of the caller's, and raises
  ``RuntimeError`` when called before ``forward``.
- ``params``: a dict ``{local name: array}`` of the very arrays the layer computes with (e.g.
  ``{"W": self.W, "b": self.b}``, the same objects on every access); optimizers update them in
  place, and the layer sees that. A layer without parameters may leave ``params`` out. What is
  not trained (e.g. running averages for inference) stays out of ``params``, so that no
  optimizer touches it.
- ``grads``: a dict with the same local names, holding the gradients of the last ``backward``
  (e.g. ``{"W": self.dW, "b": self.db}``), each shaped like its parameter.
- A layer with parameters should also accept ``backward(dout, compute_dx=False)``: it then fills
  ``grads`` and returns None. The network asks this of its first parameter layer, whose ``dx``
  (the gradient with respect to the input images) nobody needs; a layer without the option
  still works, at the cost of that product.
- A layer that keeps arrays which training changes but no optimizer may (e.g.
  ``BatchNormalization``'s running averages) may list them in ``buffers``, a dict
  ``{local name: array}`` of its own arrays like ``params``; :class:`LayerNet` numbers them the
  same way, and :func:`nnlib.training.train` saves and restores them with the parameters.
- A one-line docstring, the shapes in each method's docstring, and a ``__repr__``.

:class:`LayerNet` numbers the parameters in layer order, each local name on its own: the k-th
layer that has a parameter called ``W`` gives ``W{k}``. So ``Affine, Relu, Affine`` has ``W1, b1,
W2, b2``; a ``BatchNormalization`` (``gamma``, ``beta``) after the first ``Affine`` gives
``gamma1, beta1``; a ``Convolution`` (``W``, ``b``) followed by two ``Affine`` layers gives ``W1``
to ``W3``, as in the book. Local names must not end in a digit.

Weight decay (L2 regularization)
--------------------------------
``LayerNet(..., weight_decay=lam)`` adds the book's penalty ``0.5 * lam * sum(W ** 2)`` over
every parameter whose local name is ``W`` (the weights of ``Affine`` and ``Convolution``; not
the biases ``b``, nor ``BatchNormalization``'s ``gamma`` and ``beta``) to the loss, and its
gradient ``lam * W`` to each such ``W``'s gradient. Large weights then cost something, so the
network prefers small ones, which fit the noise of a small training set less.

A loss layer (``SoftmaxWithLoss``, ``SigmoidWithLoss``, ``MeanSquaredErrorLoss``) has
``forward(x, t) -> float`` (the batch-mean loss), ``backward(dout=1.0) -> dx`` and
``predict_labels(scores) -> (N,) int``, the class each row of scores stands for.
"""

import inspect
import numbers
import re

import numpy as np

from nnlib import activations, losses
from nnlib._checks import (
    _describe,
    as_float_array,
    check_bool,
    check_choice,
    check_dout,
    check_float_dtype,
    check_int,
    check_labels,
    check_parameter,
    check_real,
    check_rng,
    check_seed_or_rng,
    require_finite,
    require_forward,
    require_ndim,
)
from nnlib.backprop import LOSSES
from nnlib.dropout import dropout, dropout_backward
from nnlib.network import OUTPUT_ACTIVATIONS as OUTPUTS
from nnlib.network import init_params, labels_of, layer_count

HIDDEN_LAYERS = ("sigmoid", "relu", "identity")


# --------------------------------------------------------------------------- shared checks


def _check_batch(x, name="x", min_ndim=2):
    """``x`` as a floating array with a non-empty batch axis first."""
    x = as_float_array(x, name)
    if x.ndim < min_ndim:
        hint = f" (one sample: {name}.reshape(1, -1))" if x.ndim == 1 else ""
        raise ValueError(
            f"{name} must be a batch with at least {min_ndim} axes (N, ...), got shape "
            f"{x.shape}{hint}"
        )
    if x.shape[0] == 0:
        raise ValueError(f"{name} must not be an empty batch, got shape {x.shape}")
    return x


def _check_scores(x, layer, name="x"):
    """A loss layer's input: a finite (N, K) batch. NaN here means the training diverged."""
    x = _check_batch(x, name)
    require_ndim(x, (2,), name)
    if not np.isfinite(x).all():
        raise ValueError(
            f"{type(layer).__name__}: the scores {name} must be finite, got "
            f"{np.count_nonzero(~np.isfinite(x))} NaN or infinite value(s) (if this happens "
            "while training, the parameters diverged: lower the learning rate)"
        )
    return x


def _check_targets_like(t, x):
    """Real-valued targets shaped like the scores ``x`` (N, K), or (N,) when K is 1."""
    t = as_float_array(t, "t")
    if t.shape == x.shape[:1] and x.shape[1] == 1:
        t = t.reshape(x.shape)
    if t.shape != x.shape:
        raise ValueError(
            f"t must have the shape of the scores {x.shape}"
            + (" or (N,)" if x.shape[1] == 1 else "")
            + f", got {t.shape} (for class labels, use nnlib.losses.one_hot)"
        )
    require_finite(t, "t")
    return t.astype(x.dtype, copy=False)


def _finite_loss(value, layer):
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(
            f"{type(layer).__name__}: the loss is {value} (the scores are too large for the "
            "data type: the training diverged, lower the learning rate)"
        )
    return value


# --------------------------------------------------------------------------- graph nodes


def _check_node_input(value, name):
    """A graph node's input: a real number (kept as it is) or a numeric array."""
    if isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)):
        return value
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a number or an array of numbers, got {value!r}")
    return as_float_array(value, name)


class MulLayer:
    """Multiplication node ``out = x * y`` of a computational graph (numbers or arrays)."""

    def __init__(self):
        self.x = None
        self.y = None

    def forward(self, x, y):
        """Return ``x * y`` and keep both inputs: each one's derivative is the other.

        Parameters
        ----------
        x, y : float or (...) arrays of the same shape
        """
        x = _check_node_input(x, "x")
        y = _check_node_input(y, "y")
        if np.shape(x) != np.shape(y):
            raise ValueError(
                "x and y must have the same shape (backward returns one gradient shaped like "
                f"each input), got {np.shape(x)} and {np.shape(y)}"
            )
        self.x, self.y = x, y
        return x * y

    def backward(self, dout):
        """Return ``(dx, dy) = (dout * y, dout * x)``: the inputs swap places.

        Parameters
        ----------
        dout : float or array shaped like the output
        """
        require_forward(self, self.x)
        dout = _check_node_input(dout, "dout")
        if np.shape(dout) != np.shape(self.x):
            raise ValueError(
                f"dout must have the output's shape {np.shape(self.x)}, got {np.shape(dout)}"
            )
        dx = dout * self.y
        dy = dout * self.x
        return dx, dy

    def __repr__(self):
        return "MulLayer()"


class AddLayer:
    """Addition node ``out = x + y`` of a computational graph (numbers or same-shape arrays)."""

    def __init__(self):
        self.shape = None

    def forward(self, x, y):
        """Return ``x + y``.

        Parameters
        ----------
        x, y : float or (...) arrays of the same shape
        """
        x = _check_node_input(x, "x")
        y = _check_node_input(y, "y")
        if np.shape(x) != np.shape(y):
            raise ValueError(
                "x and y must have the same shape (backward returns one gradient shaped like "
                f"each input), got {np.shape(x)} and {np.shape(y)}"
            )
        self.shape = np.shape(x)
        return x + y

    def backward(self, dout):
        """Return ``(dx, dy) = (dout, dout)``: addition passes the gradient on unchanged.

        Parameters
        ----------
        dout : float or array shaped like the output
        """
        require_forward(self, self.shape)
        dout = _check_node_input(dout, "dout")
        if np.shape(dout) != self.shape:
            raise ValueError(
                f"dout must have the output's shape {self.shape}, got {np.shape(dout)}"
            )
        dx = dout * 1
        dy = dout * 1
        return dx, dy

    def __repr__(self):
        return "AddLayer()"


# --------------------------------------------------------------------------- network layers


class Affine:
    """Fully connected layer ``out = x @ W + b``, with ``W`` (D, H) and ``b`` (H,) by reference."""

    def __init__(self, W, b):
        check_parameter(W, "W", 2)
        check_parameter(b, "b", 1)
        if b.shape != (W.shape[1],):
            raise ValueError(
                f"b must have shape (W.shape[1],) = ({W.shape[1]},), got {b.shape} "
                f"(W has shape {W.shape})"
            )
        if b.dtype != W.dtype:
            raise TypeError(f"W and b must have the same dtype, got {W.dtype} and {b.dtype}")
        self.W = W
        self.b = b
        self.x = None
        self.x_shape = None
        self.dW = None
        self.db = None

    @property
    def params(self):
        return {"W": self.W, "b": self.b}

    @property
    def grads(self):
        return {"W": self.dW, "b": self.db}

    def forward(self, x, training=False):
        """Return ``x @ W + b``.

        Parameters
        ----------
        x : (N, D) array, or (N, d1, d2, ...) with ``d1 * d2 * ... = D``
            A batch; images from a convolution or pooling layer are flattened row by row, as
            in the book.
        training : bool
            Ignored (an affine layer computes the same in both modes).

        Returns
        -------
        (N, H) array
        """
        check_bool(training, "training")
        x = _check_batch(x)
        features = x[0].size
        if features != self.W.shape[0]:
            axes = "x.shape[1]" if x.ndim == 2 else "the product of x's axes after the first"
            raise ValueError(
                f"x has shape {x.shape} but W has shape {self.W.shape}: x @ W needs {axes} "
                f"({features}) to equal W.shape[0] ({self.W.shape[0]})"
            )
        self.x_shape = x.shape
        self.x = x.reshape(x.shape[0], features)
        return self.x @ self.W + self.b

    def backward(self, dout, compute_dx=True):
        """Fill ``dW = x.T @ dout`` and ``db = dout.sum(axis=0)``; return ``dx = dout @ W.T``.

        Parameters
        ----------
        dout : (N, H) array
        compute_dx : bool
            False skips ``dx`` (and returns None) for a first layer, whose input needs no
            gradient.

        Returns
        -------
        array shaped like the last ``x``, or None
        """
        require_forward(self, self.x)
        dout = check_dout(dout, (self.x.shape[0], self.W.shape[1]), self)
        check_bool(compute_dx, "compute_dx")
        self.dW = self.x.T @ dout
        self.db = dout.sum(axis=0)
        if not compute_dx:
            return None
        dx = dout @ self.W.T
        return dx.reshape(self.x_shape)

    def __repr__(self):
        return f"Affine({self.W.shape[0]} -> {self.W.shape[1]}, {self.W.dtype})"


class Relu:
    """Rectified linear unit ``out = max(x, 0)``, element-wise; the gradient passes where x > 0."""

    def __init__(self):
        self.mask = None

    def forward(self, x, training=False):
        """Return ``max(x, 0)`` and keep where ``x > 0``.

        Parameters
        ----------
        x : (N, ...) array
        training : bool
            Ignored.

        Returns
        -------
        array shaped like ``x``
        """
        check_bool(training, "training")
        x = _check_batch(x, min_ndim=1)
        self.mask = x > 0
        return activations.relu(x)

    def backward(self, dout):
        """Return ``dout`` where ``x > 0`` and 0 elsewhere (0 at ``x == 0``, as ``relu_grad``).

        The book writes the zeros into ``dout`` itself; here a new array is returned.

        Parameters
        ----------
        dout : array shaped like the last ``x``
        """
        require_forward(self, self.mask)
        dout = check_dout(dout, self.mask.shape, self)
        return dout * self.mask

    def __repr__(self):
        return "Relu()"


class Sigmoid:
    """Logistic sigmoid ``out = 1 / (1 + exp(-x))``, element-wise; derivative ``out (1 - out)``."""

    def __init__(self):
        self.out = None

    def forward(self, x, training=False):
        """Return ``sigmoid(x)`` (stable form) and keep it.

        Parameters
        ----------
        x : (N, ...) array
        training : bool
            Ignored.
        """
        check_bool(training, "training")
        x = _check_batch(x, min_ndim=1)
        self.out = activations.sigmoid(x)
        return self.out

    def backward(self, dout):
        """Return ``dout * out * (1 - out)``.

        Parameters
        ----------
        dout : array shaped like the last ``x``
        """
        require_forward(self, self.out)
        dout = check_dout(dout, self.out.shape, self)
        return dout * self.out * (1.0 - self.out)

    def __repr__(self):
        return "Sigmoid()"


class Identity:
    """Identity ``out = x``: a linear hidden layer, whose backward passes ``dout`` on unchanged."""

    def __init__(self):
        self.shape = None

    def forward(self, x, training=False):
        """Return ``x`` itself.

        Parameters
        ----------
        x : (N, ...) array
        training : bool
            Ignored.
        """
        check_bool(training, "training")
        x = _check_batch(x, min_ndim=1)
        self.shape = x.shape
        return x

    def backward(self, dout):
        """Return ``dout`` itself.

        Parameters
        ----------
        dout : array shaped like the last ``x``
        """
        require_forward(self, self.shape)
        return check_dout(dout, self.shape, self)

    def __repr__(self):
        return "Identity()"


class Softmax:
    """Softmax over the last axis, as a layer of its own (for softmax output with squared error)."""

    def __init__(self):
        self.x = None

    def forward(self, x, training=False):
        """Return ``softmax(x)`` along the last axis.

        Parameters
        ----------
        x : (N, K) array
        training : bool
            Ignored.
        """
        check_bool(training, "training")
        self.x = _check_batch(x)
        return activations.softmax(self.x)

    def backward(self, dout):
        """Return the vector-Jacobian product ``y * (dout - sum(dout * y))``, ``y = softmax(x)``.

        Parameters
        ----------
        dout : (N, K) array
        """
        require_forward(self, self.x)
        dout = check_dout(dout, self.x.shape, self)
        return activations.softmax_grad(self.x, dout)

    def __repr__(self):
        return "Softmax()"


class Dropout:
    """Inverted dropout: while training, drop units with probability ``rate``, scale the rest."""

    def __init__(self, rate, rng):
        self.rate = check_real(rate, "rate", minimum=0.0, below=1.0)
        self.rng = check_rng(rng)
        self.mask = None
        self.shape = None

    def forward(self, x, training=False):
        """Return ``x * mask`` while training (a fresh mask from ``rng``), ``x`` at inference.

        Parameters
        ----------
        x : (N, ...) array
        training : bool
            Only ``LayerNet.gradient`` (and ``loss(..., training=True)``) drop units;
            ``predict`` and ``accuracy`` never do.
        """
        check_bool(training, "training")
        x = _check_batch(x, min_ndim=1)
        out, self.mask = dropout(x, self.rate, self.rng, training=training)
        self.shape = x.shape
        return out

    def backward(self, dout):
        """Return ``dout * mask``: only the units kept in the last forward pass get a gradient.

        Parameters
        ----------
        dout : array shaped like the last ``x``
        """
        require_forward(self, self.shape)
        dout = check_dout(dout, self.shape, self)
        return dropout_backward(dout, self.mask)

    def __repr__(self):
        return f"Dropout(rate={self.rate})"


# --------------------------------------------------------------------------- loss layers


def _argmax_or_threshold(scores, threshold):
    """Classes from scores: the argmax of each row, or ``score > threshold`` for one column."""
    scores = _check_batch(scores, "scores")
    require_ndim(scores, (2,), "scores")
    require_finite(scores, "scores")  # NaN > 0 is False, and argmax picks a NaN: no class
    if scores.shape[1] == 1:
        return (scores[:, 0] > threshold).astype(np.intp)
    return np.argmax(scores, axis=1)


class SoftmaxWithLoss:
    """Softmax output with cross-entropy loss; its backward is ``(y - t) / N``."""

    def __init__(self):
        self.y = None
        self.t = None

    def forward(self, x, t):
        """Return the batch-mean cross-entropy ``-sum(t * log(y)) / N`` of ``y = softmax(x)``.

        ``log(y)`` is computed from the logits as ``log_softmax(x)``, which never takes the log
        of a probability that underflowed to 0 (the book adds ``1e-7`` instead).

        Parameters
        ----------
        x : (N, K) array
            Logits (scores).
        t : (N,) integer labels or (N, K) one-hot rows

        Returns
        -------
        float
        """
        x = _check_scores(x, self)
        labels = np.asarray(t)
        if labels.ndim == 1:
            labels = check_labels(labels, "t", num_classes=x.shape[1])
            if labels.shape[0] != x.shape[0]:
                raise ValueError(f"t has {labels.shape[0]} labels but x has {x.shape[0]} rows")
            t = losses.one_hot(labels, x.shape[1], dtype=x.dtype)
        else:
            t = _check_targets_like(t, x)
        log_y = losses.log_softmax(x)  # log(softmax(x)) without a log of 0
        self.y = np.exp(log_y)
        self.t = t
        batch_size = x.shape[0]
        return _finite_loss(-np.sum(t * log_y) / batch_size, self)

    def backward(self, dout=1.0):
        """Return ``dout * (y - t) / N``: softmax's Jacobian and the log's ``1/y`` cancel.

        Parameters
        ----------
        dout : float
            The gradient arriving from above (1 for the loss itself).

        Returns
        -------
        (N, K) array
        """
        require_forward(self, self.y)
        dout = check_real(dout, "dout")
        batch_size = self.y.shape[0]
        return dout * (self.y - self.t) / batch_size

    def predict_labels(self, scores):
        """The predicted class of each row: the argmax (softmax keeps the order of the logits).

        Parameters
        ----------
        scores : (N, K) array

        Returns
        -------
        (N,) int array
        """
        return _argmax_or_threshold(scores, 0.0)

    def __repr__(self):
        return "SoftmaxWithLoss()"


class SigmoidWithLoss:
    """Sigmoid output with binary cross-entropy from the logits; backward ``(y - t) / t.size``."""

    def __init__(self):
        self.y = None
        self.t = None

    def forward(self, x, t):
        """Return the mean binary cross-entropy of ``sigmoid(x)`` over all N * K outputs.

        Parameters
        ----------
        x : (N, K) array
            Logits (K = 1 for a yes/no answer).
        t : (N, K) targets in [0, 1], or (N,) when K is 1

        Returns
        -------
        float
        """
        x = _check_scores(x, self)
        t = _check_targets_like(t, x)
        if t.min() < 0 or t.max() > 1:
            raise ValueError(f"t must lie in [0, 1], got values from {t.min()} to {t.max()}")
        self.y = activations.sigmoid(x)
        self.t = t
        return _finite_loss(losses.binary_cross_entropy_with_logits(x, t), self)

    def backward(self, dout=1.0):
        """Return ``dout * (y - t) / (N * K)``: the sigmoid's derivative cancels.

        Parameters
        ----------
        dout : float

        Returns
        -------
        (N, K) array
        """
        require_forward(self, self.y)
        dout = check_real(dout, "dout")
        return dout * (self.y - self.t) / self.y.size

    def predict_labels(self, scores):
        """Class 1 where the logit is positive (probability above 1/2); argmax for K > 1.

        Parameters
        ----------
        scores : (N, K) array

        Returns
        -------
        (N,) int array
        """
        return _argmax_or_threshold(scores, 0.0)

    def __repr__(self):
        return "SigmoidWithLoss()"


class MeanSquaredErrorLoss:
    """Squared error ``0.5 * sum((y - t) ** 2)`` per sample, batch mean; backward ``(y - t) / N``.

    Put directly after the last ``Affine`` it is the book's identity output with squared error;
    after a ``Sigmoid`` or ``Softmax`` layer it scores their probabilities.
    """

    def __init__(self):
        self.y = None
        self.t = None

    def forward(self, y, t):
        """Return the batch mean of half the squared error (the book's ``mean_squared_error``).

        Parameters
        ----------
        y : (N, K) array
            The network's output.
        t : (N, K) targets, or (N,) when K is 1

        Returns
        -------
        float
        """
        y = _check_scores(y, self, "y")
        t = _check_targets_like(t, y)
        self.y = y
        self.t = t
        return _finite_loss(losses.mean_squared_error(y, t), self)

    def backward(self, dout=1.0):
        """Return ``dout * (y - t) / N``.

        Parameters
        ----------
        dout : float

        Returns
        -------
        (N, K) array
        """
        require_forward(self, self.y)
        dout = check_real(dout, "dout")
        batch_size = self.y.shape[0]
        return dout * (self.y - self.t) / batch_size

    def predict_labels(self, scores):
        """The argmax of each row; for one output (0/1 targets), class 1 where it exceeds 1/2.

        Parameters
        ----------
        scores : (N, K) array

        Returns
        -------
        (N,) int array
        """
        return _argmax_or_threshold(scores, 0.5)

    def __repr__(self):
        return "MeanSquaredErrorLoss()"


# --------------------------------------------------------------------------- the network


class _Parameters(dict):
    """The network's parameter dict: the very arrays its layers use, so values change in place only.

    ``params["W1"] -= step`` works (the array is updated in place and stored again); replacing an
    entry by another array would leave the layer computing with the old one, so it raises.
    """

    def __setitem__(self, key, value):
        if key in self and value is self[key]:
            return
        raise TypeError(
            f"params[{key!r}] cannot be replaced: the network's layers compute with that very "
            f"array. Change it in place (params[{key!r}] -= step, or "
            f"params[{key!r}][...] = values), or use set_params"
        )

    def _refuse_change_of_keys(self, *args, **kwargs):
        raise TypeError("the network's params cannot gain or lose entries: its layers fix them")

    __delitem__ = pop = popitem = clear = update = setdefault = __ior__ = _refuse_change_of_keys

    def __reduce__(self):
        return (type(self), (dict(self),))


_LOCAL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?<![0-9])")


class LayerNet:
    """A network as a list of layers and a loss layer, with parameters keyed ``W1, b1, W2, ...``.

    Named for what it is built from: the book's ``TwoLayerNet`` and ``MultiLayerNet`` make their
    own layers from sizes, whereas a ``LayerNet`` takes any layers (and later a ``Convolution``
    or ``BatchNormalization``) without a change to this class; :meth:`LayerNet.mlp` builds the
    book's ``MultiLayerNet`` from sizes. ``params`` and ``grads`` are dicts keyed as in the
    functional network of :mod:`nnlib.network`, holding the very arrays the layers use, so
    :mod:`nnlib.gradcheck`, the optimizers and the plots work on them unchanged. Prediction and
    evaluation always run the layers in inference mode; only :meth:`gradient` trains.

    Parameters
    ----------
    layers : list of layers
        Applied in order (see the module docstring for the layer protocol).
    loss_layer : loss layer
        E.g. ``SoftmaxWithLoss()``, applied to the last layer's output.
    weight_decay : float
        The L2 strength ``lambda >= 0`` (the book's ``weight_decay_lambda``): :meth:`loss` and
        :meth:`gradient` include the penalty ``0.5 * lambda * sum(W ** 2)`` over every weight
        ``W1, W2, ...`` (not the biases, nor ``gamma``/``beta``), and each weight's gradient
        gains ``lambda * W``. 0 (the default) turns it off.

    Attributes
    ----------
    params : dict
        ``W1, b1, ...``: the layers' own arrays (update them in place).
    grads : dict
        Same keys; the gradients of the last :meth:`gradient` call (empty before it).
    buffers : dict
        The layers' ``buffers`` (e.g. ``running_mean1``), numbered like ``params``: arrays the
        layers change while training that no optimizer updates. Empty for most networks.
    weight_decay : float
        As above; may be changed between training runs (it is checked again).

    Notes
    -----
    **Weight decay and PyTorch.** With plain SGD, ``W <- W - lr * (dL/dW + lambda * W)``: the
    same step as ``torch.optim.SGD(..., weight_decay=lambda)``, which adds ``lambda * W`` to
    the gradient before stepping, provided the biases sit in a parameter group with
    ``weight_decay=0`` (PyTorch decays every parameter of a group). The same holds with
    momentum. With Adam it is no longer the same thing as *decoupled* weight decay (AdamW,
    Loshchilov and Hutter): here ``lambda * W`` enters the gradient, so Adam divides it by
    ``sqrt(v)`` like the rest of the gradient, and weights with large gradients are decayed
    less; AdamW instead shrinks every weight by ``lr * lambda * W`` outside the adaptive step.
    ``torch.optim.Adam(weight_decay=...)`` is the former, ``torch.optim.AdamW`` the latter.
    """

    def __init__(self, layers, loss_layer, *, weight_decay=0.0):
        if not isinstance(layers, (list, tuple)):
            raise TypeError(f"layers must be a list of layers, got {_describe(layers)}")
        if not layers:
            raise ValueError("layers must hold at least one layer, got an empty list")
        for index, layer in enumerate(layers):
            if not (callable(getattr(layer, "forward", None))
                    and callable(getattr(layer, "backward", None))):
                raise TypeError(
                    f"layers[{index}] must be a layer with forward and backward methods, got "
                    f"{_describe(layer)}"
                )
            if hasattr(layer, "predict_labels"):
                raise ValueError(
                    f"layers[{index}] is a loss layer ({layer!r}): pass it as loss_layer"
                )
        if len({id(layer) for layer in layers}) != len(layers):
            raise ValueError(
                "layers holds the same layer object twice; each place needs its own layer "
                "(a layer keeps what its backward needs from its last forward)"
            )
        for method in ("forward", "backward", "predict_labels"):
            if not callable(getattr(loss_layer, method, None)):
                raise TypeError(
                    f"loss_layer must be a loss layer with forward, backward and "
                    f"predict_labels (e.g. SoftmaxWithLoss()), got {_describe(loss_layer)}"
                )
        self.layers = tuple(layers)
        self.loss_layer = loss_layer
        self._slots = self._number_parameters()
        self.params = _Parameters(
            (key, layer.params[local]) for layer, local, key in self._slots
        )
        self.grads = {}
        self.buffers = self._collect_buffers()
        self._weight_keys = [key for _, local, key in self._slots if local == "W"]
        self.weight_decay = weight_decay
        has_params = [bool(getattr(layer, "params", None)) for layer in self.layers]
        # backward stops at the first parameter layer: nothing below it has gradients to fill
        self._first = has_params.index(True) if any(has_params) else len(self.layers)
        first = self.layers[self._first] if self._first < len(self.layers) else None
        self._skip_first_dx = first is not None and (
            "compute_dx" in inspect.signature(first.backward).parameters
        )

    @property
    def weight_decay(self):
        """The L2 strength lambda of the penalty ``0.5 * lambda * sum(W ** 2)`` (0: none)."""
        return self._weight_decay

    @weight_decay.setter
    def weight_decay(self, value):
        value = check_real(value, "weight_decay", minimum=0.0)
        if value > 0 and not self._weight_keys:
            raise ValueError(
                f"weight_decay decays the parameters named W, and this network has none "
                f"(its parameters: {list(self.params)}); got weight_decay={value}"
            )
        self._weight_decay = value

    def _collect_buffers(self):
        """The layers' ``buffers``, numbered per local name like the parameters."""
        counts = {}
        buffers = {}
        for index, layer in enumerate(self.layers):
            layer_buffers = getattr(layer, "buffers", None) or {}
            if not isinstance(layer_buffers, dict):
                raise TypeError(
                    f"layers[{index}].buffers must be a dict of arrays, got "
                    f"{_describe(layer_buffers)}"
                )
            for local, array in layer_buffers.items():
                if not (isinstance(local, str) and _LOCAL_NAME.fullmatch(local)):
                    raise ValueError(
                        f"layers[{index}] has a buffer named {local!r}: a name must be an "
                        "identifier that does not end in a digit (the network appends one)"
                    )
                if not isinstance(array, np.ndarray):
                    raise TypeError(
                        f"layers[{index}].buffers[{local!r}] must be a NumPy array, got "
                        f"{_describe(array)}"
                    )
                counts[local] = counts.get(local, 0) + 1
                buffers[f"{local}{counts[local]}"] = array
        return buffers

    def _number_parameters(self):
        """``(layer, local name, key)`` for every parameter, numbered per local name."""
        counts = {}
        slots = []
        arrays = {}
        for index, layer in enumerate(self.layers):
            layer_params = getattr(layer, "params", None) or {}
            if not isinstance(layer_params, dict):
                raise TypeError(
                    f"layers[{index}].params must be a dict of arrays, got "
                    f"{_describe(layer_params)}"
                )
            again = getattr(layer, "params", None) or {}
            for local, array in layer_params.items():
                if not (isinstance(local, str) and _LOCAL_NAME.fullmatch(local)):
                    raise ValueError(
                        f"layers[{index}] has a parameter named {local!r}: a name must be an "
                        "identifier that does not end in a digit (the network appends one)"
                    )
                if not isinstance(array, np.ndarray) or again.get(local) is not array:
                    raise TypeError(
                        f"layers[{index}].params[{local!r}] must be the layer's own array, the "
                        "same object on every access (not a copy)"
                    )
                if id(array) in arrays:
                    raise ValueError(
                        f"layers[{index}].params[{local!r}] is the same array as "
                        f"{arrays[id(array)]}: a shared array would be updated twice per step"
                    )
                counts[local] = counts.get(local, 0) + 1
                key = f"{local}{counts[local]}"
                arrays[id(array)] = key
                slots.append((layer, local, key))
        return slots

    # ------------------------------------------------------------------ construction helpers

    @classmethod
    def from_params(cls, params, *, hidden="relu", output="softmax", loss="cross_entropy",
                    dropout_rate=0.0, rng=None, weight_decay=0.0):
        """A multi-layer perceptron whose ``Affine`` layers use the arrays of ``params`` themselves.

        The layered form of :func:`nnlib.backprop.gradients` with the same arguments: each
        hidden layer is ``Affine``, the activation, and ``Dropout`` if ``dropout_rate > 0``.

        Parameters
        ----------
        params : dict
            ``W1, b1, ..., WL, bL`` (see :mod:`nnlib.network`); not copied.
        hidden : {"relu", "sigmoid", "identity"}
        output : {"softmax", "sigmoid", "identity"}
        loss : {"cross_entropy", "mse"}
            Cross-entropy needs a softmax (``SoftmaxWithLoss``) or sigmoid (``SigmoidWithLoss``)
            output; ``mse`` gives ``MeanSquaredErrorLoss``, after a ``Softmax`` or ``Sigmoid``
            layer unless the output is the identity.
        dropout_rate : float in [0, 1)
        rng : numpy.random.Generator
            The dropout masks' source; needed when ``dropout_rate > 0``.
        weight_decay : float
            The L2 strength, at least 0 (see the class docstring).

        Returns
        -------
        LayerNet
        """
        if not isinstance(params, dict):
            raise TypeError(f"params must be a dict of arrays W1, b1, ..., got {_describe(params)}")
        count = layer_count(params)
        for key, value in params.items():  # named here, not as the Affine layer's W or b
            require_finite(value, f"params[{key!r}]")
        check_choice(hidden, "hidden", HIDDEN_LAYERS)
        check_choice(output, "output", OUTPUTS)
        check_choice(loss, "loss", LOSSES)
        dropout_rate = check_real(dropout_rate, "dropout_rate", minimum=0.0, below=1.0)
        weight_decay = check_real(weight_decay, "weight_decay", minimum=0.0)
        if dropout_rate > 0:
            rng = check_rng(rng)
        if loss == "cross_entropy" and output == "identity":
            raise ValueError(
                "cross_entropy needs a softmax or sigmoid output, got output='identity' "
                "(use loss='mse' for an identity output)"
            )
        hidden_layer = {"relu": Relu, "sigmoid": Sigmoid, "identity": Identity}[hidden]
        layers = []
        for i in range(1, count + 1):
            layers.append(Affine(params[f"W{i}"], params[f"b{i}"]))
            if i < count:
                layers.append(hidden_layer())
                if dropout_rate > 0:
                    layers.append(Dropout(dropout_rate, rng))
        if loss == "cross_entropy":
            loss_layer = SoftmaxWithLoss() if output == "softmax" else SigmoidWithLoss()
        else:
            if output != "identity":
                layers.append(Softmax() if output == "softmax" else Sigmoid())
            loss_layer = MeanSquaredErrorLoss()
        return cls(layers, loss_layer, weight_decay=weight_decay)

    @classmethod
    def mlp(cls, layer_sizes, *, hidden="relu", output="softmax", loss="cross_entropy",
            dropout_rate=0.0, rng=None, scale="xavier", dtype=np.float32, weight_decay=0.0):
        """A multi-layer perceptron with new weights, drawn by :func:`nnlib.network.init_params`.

        ``LayerNet.mlp([784, 100, 10], rng=0)`` is the book's ``MultiLayerNet`` (ReLU by
        default), with the same initial weights as ``init_params([784, 100, 10], rng=0)``.

        Parameters
        ----------
        layer_sizes : sequence of int
            ``[D, H1, ..., K]``.
        hidden, output, loss, dropout_rate, weight_decay :
            As in :meth:`from_params`.
        rng : numpy.random.Generator or int, optional
            Draws the weights, then the dropout masks.
        scale : {"xavier", "he"} or float
            The weights' standard deviation, as in ``init_params``.
        dtype : float32 or float64

        Returns
        -------
        LayerNet
        """
        rng = check_seed_or_rng(rng)
        dtype = check_float_dtype(dtype)
        weight_decay = check_real(weight_decay, "weight_decay", minimum=0.0)
        if not isinstance(layer_sizes, (list, tuple)):
            raise TypeError(f"layer_sizes must be a list of ints, got {_describe(layer_sizes)}")
        sizes = [check_int(n, f"layer_sizes[{i}]", minimum=1) for i, n in enumerate(layer_sizes)]
        params = init_params(sizes, rng=rng, scale=scale, dtype=dtype)
        return cls.from_params(params, hidden=hidden, output=output, loss=loss,
                               dropout_rate=dropout_rate, rng=rng, weight_decay=weight_decay)

    # ------------------------------------------------------------------ forward and backward

    def _forward(self, x, training):
        for layer in self.layers:
            x = layer.forward(x, training=training)
        return x

    def predict(self, x):
        """The last layer's output, always in inference mode (no unit is dropped).

        Parameters
        ----------
        x : (N, ...) array
            A batch of inputs.

        Returns
        -------
        (N, K) array
            The scores the loss layer receives: logits for ``SoftmaxWithLoss`` and
            ``SigmoidWithLoss`` (the class is their argmax, or ``> 0`` for one output).
        """
        x = _check_batch(x)
        scores = self._forward(x, training=False)
        if not np.isfinite(scores).all():
            suspects = {"x": x, **{f"params[{key!r}]": value for key, value in self.params.items()}}
            for name, array in suspects.items():  # searched only once the scores are not finite
                try:
                    require_finite(array, name)
                except ValueError as error:
                    message = f"the network's scores hold NaN or infinity: {error}"
                    raise ValueError(message) from None
            raise ValueError(
                "the network's scores hold NaN or infinity: check that x and the parameters "
                "are finite (a diverged training run leaves NaN parameters)"
            )
        return scores

    def penalty(self):
        """The weight-decay term ``0.5 * weight_decay * sum(W ** 2)``, summed over ``W1, W2, ...``.

        Returns
        -------
        float
            0.0 when ``weight_decay`` is 0.
        """
        if self.weight_decay == 0:
            return 0.0
        squares = sum(float(np.sum(self.params[key] ** 2)) for key in self._weight_keys)
        return 0.5 * self.weight_decay * squares

    def loss(self, x, t, training=False):
        """The batch-mean loss of ``x`` against targets ``t``, plus the weight-decay penalty.

        The objective that :meth:`gradient` differentiates: the loss layer's batch mean, plus
        :meth:`penalty` when ``weight_decay > 0`` (the penalty does not depend on the batch).

        Parameters
        ----------
        x : (N, ...) array
        t : targets for the loss layer, e.g. (N,) labels for ``SoftmaxWithLoss``
        training : bool
            True runs the layers in training mode (dropout drops units), as :meth:`gradient`
            does; the default measures the network as it predicts.

        Returns
        -------
        float
        """
        check_bool(training, "training")
        x = _check_batch(x)
        scores = self._forward(x, training)
        try:
            loss = self.loss_layer.forward(scores, t)
        except ValueError:
            require_finite(x, "x")  # a NaN input, not a diverged training, when x holds one
            raise
        return loss + self.penalty()

    def gradient(self, x, t):
        """The loss and its gradient with respect to every parameter, by backpropagation.

        A forward pass in training mode, then every layer's ``backward`` in reverse order; with
        weight decay, each weight's gradient is the layer's plus ``weight_decay * W``.

        Parameters
        ----------
        x : (N, ...) array
        t : targets for the loss layer

        Returns
        -------
        loss : float
            The batch-mean loss (of the dropped-out network, with dropout), plus the
            weight-decay penalty: :meth:`loss` in training mode.
        grads : dict
            ``self.grads``: ``W1, b1, ...``, each shaped like its parameter.
        """
        loss = self.loss(x, t, training=True)
        dout = self.loss_layer.backward()
        for layer in reversed(self.layers[self._first + 1 :]):
            dout = layer.backward(dout)
        if self._first < len(self.layers):
            first = self.layers[self._first]
            if self._skip_first_dx:  # the input's gradient is one matrix product nobody needs
                first.backward(dout, compute_dx=False)
            else:
                first.backward(dout)
        for layer, local, key in self._slots:
            grad = layer.grads[local]
            if np.shape(grad) != self.params[key].shape:
                raise RuntimeError(
                    f"{layer!r}.grads[{local!r}] has shape {np.shape(grad)} but its parameter "
                    f"{key} has shape {self.params[key].shape}"
                )
            self.grads[key] = grad
        if self.weight_decay > 0:
            for key in self._weight_keys:  # a new array: the layer's own gradient stays as it is
                self.grads[key] = self.grads[key] + self.weight_decay * self.params[key]
        return loss, self.grads

    # ------------------------------------------------------------------ evaluation

    def _check_evaluation(self, x, t, batch_size):
        x = _check_batch(x)
        require_finite(x, "x")  # here, so that the error gives the index in x, not in a batch
        t = np.asarray(t)
        if t.ndim == 0 or t.shape[0] != x.shape[0]:
            raise ValueError(
                f"x has shape {x.shape} but t has shape {t.shape}: need one target per row"
            )
        batch_size = check_int(batch_size, "batch_size", minimum=1)
        return x, t, batch_size

    def accuracy(self, x, t, batch_size=1000):
        """Fraction of samples whose predicted class is the target's, in inference mode.

        Evaluated ``batch_size`` rows at a time, so a large test set needs little memory.

        Parameters
        ----------
        x : (N, ...) array
        t : (N,) integer labels, (N, K) one-hot rows, or (N, 1) 0/1 targets
        batch_size : int

        Returns
        -------
        float in [0, 1]
        """
        x, t, batch_size = self._check_evaluation(x, t, batch_size)
        labels = labels_of(t)
        correct = 0
        for start in range(0, x.shape[0], batch_size):
            rows = slice(start, start + batch_size)
            predicted = self.loss_layer.predict_labels(self.predict(x[rows]))
            correct += int(np.count_nonzero(predicted == labels[rows]))
        return correct / x.shape[0]

    def evaluate(self, x, t, batch_size=1000, accuracy=True):
        """Mean loss and accuracy on a data set, in inference mode, ``batch_size`` rows at a time.

        Parameters
        ----------
        x : (N, ...) array
        t : targets, as for :meth:`loss` (and :meth:`accuracy`)
        batch_size : int
        accuracy : bool
            False for a regression, whose targets are not classes.

        Returns
        -------
        dict
            ``{"loss": float, "accuracy": float}`` (no accuracy when it is not asked for);
            the loss is the loss layer's mean over all N samples, *without* the weight-decay
            penalty: how well the network fits these data, comparable between networks
            trained with different ``weight_decay`` (``loss - penalty()`` for one batch).
        """
        x, t, batch_size = self._check_evaluation(x, t, batch_size)
        accuracy = check_bool(accuracy, "accuracy")
        labels = labels_of(t) if accuracy else None
        n = x.shape[0]
        total_loss = 0.0
        correct = 0
        for start in range(0, n, batch_size):
            rows = slice(start, start + batch_size)
            scores = self.predict(x[rows])
            total_loss += self.loss_layer.forward(scores, t[rows]) * scores.shape[0]
            if accuracy:
                predicted = self.loss_layer.predict_labels(scores)
                correct += int(np.count_nonzero(predicted == labels[rows]))
        measured = {"loss": total_loss / n}
        if accuracy:
            measured["accuracy"] = correct / n
        return measured

    # ------------------------------------------------------------------ parameters

    def set_params(self, params):
        """Copy new values into the network's parameter arrays, in place (e.g. loaded ones).

        Parameters
        ----------
        params : dict
            Exactly the keys of ``self.params``, each array shaped like its parameter and
            finite; values are cast to the parameter's dtype.
        """
        if not isinstance(params, dict):
            raise TypeError(f"params must be a dict of arrays, got {_describe(params)}")
        if set(params) != set(self.params):
            missing = sorted(set(self.params) - set(params))
            extra = sorted(set(params) - set(self.params))
            raise ValueError(
                f"params must have the keys {list(self.params)}; missing {missing}, "
                f"unexpected {extra}"
            )
        values = {}
        for key, target in self.params.items():
            value = as_float_array(params[key], f"params[{key!r}]")
            if value.shape != target.shape:
                raise ValueError(
                    f"params[{key!r}] has shape {value.shape} but the network's {key} has "
                    f"shape {target.shape}"
                )
            require_finite(value, f"params[{key!r}]")
            values[key] = value
        for key, value in values.items():  # copy only once every entry has passed
            self.params[key][...] = value

    def __repr__(self):
        lines = [f"  {layer!r}" for layer in self.layers]
        lines.append(f"  loss: {self.loss_layer!r}")
        if self.weight_decay > 0:
            lines.append(f"  weight_decay: {self.weight_decay}")
        return "LayerNet(\n" + "\n".join(lines) + "\n)"
