"""Optimizers: rules that update a network's parameters in place from their gradients.

Every optimizer is a small class with the book's hyperparameter names, and one method,
``update(params, grads)``, which changes each array of ``params`` in place (the layers of a
:class:`nnlib.layers.LayerNet` compute with those very arrays) and returns nothing. The pattern,
for each new optimizer:

- ``__init__`` checks every hyperparameter with ``nnlib._checks`` (``check_real(lr, "lr",
  positive=True)``, ...) and keeps it under its book name;
- state that follows each parameter (a velocity, running averages) lives in a dict keyed like
  ``params``, created on the first ``update`` from the parameters' shapes and dtypes;
- ``update`` first calls :func:`check_params_and_grads`, then writes the update rule as the
  docstring states it, with ``params[key] -= ...`` (in place, float32 kept);
- the class docstring writes the update rule out, epsilon placement included, and ``__repr__``
  shows the hyperparameters.
"""

import numpy as np

from nnlib._checks import _describe, check_real


def check_params_and_grads(params, grads):
    """Check that ``grads`` matches ``params``: the same keys, float arrays, the same shapes.

    Gradients are not checked for NaN (a pass over every array, every step): a non-finite step
    makes the next loss non-finite, and the loss layer then stops the training with an error.

    Parameters
    ----------
    params : dict of arrays
        Updated in place by the optimizer, so each must be a floating NumPy array.
    grads : dict of arrays
        One gradient per parameter, shaped like it.

    Raises
    ------
    TypeError
        If either is not a dict, or a parameter is not a floating NumPy array.
    ValueError
        If the keys differ, a gradient's shape differs from its parameter's, or a parameter
        is read-only.
    """
    for name, value in (("params", params), ("grads", grads)):
        if not isinstance(value, dict):
            raise TypeError(f"{name} must be a dict of arrays, got {_describe(value)}")
    if not params:
        raise ValueError("params must not be empty")
    if set(params) != set(grads):
        raise ValueError(
            f"grads must have the keys of params; params has {sorted(params)}, grads has "
            f"{sorted(grads)}"
        )
    for key, param in params.items():
        if not (isinstance(param, np.ndarray) and np.issubdtype(param.dtype, np.floating)):
            raise TypeError(
                f"params[{key!r}] must be a floating NumPy array (it is updated in place), got "
                f"{_describe(param)}"
            )
        if not param.flags.writeable:
            raise ValueError(f"params[{key!r}] must be writeable (it is updated in place), got a "
                             "read-only array")
        grad = grads[key]
        if not (isinstance(grad, np.ndarray) and np.issubdtype(grad.dtype, np.floating)):
            raise TypeError(f"grads[{key!r}] must be a floating NumPy array, got {_describe(grad)}")
        if grad.shape != param.shape:
            raise ValueError(
                f"grads[{key!r}] has shape {grad.shape} but params[{key!r}] has shape "
                f"{param.shape}"
            )


class SGD:
    """Stochastic gradient descent: ``param -= lr * grad`` for every parameter.

    Parameters
    ----------
    lr : float
        The learning rate, positive and finite.

    Notes
    -----
    Update rule, for each key of ``params``::

        W <- W - lr * dL/dW
    """

    def __init__(self, lr=0.01):
        self.lr = check_real(lr, "lr", positive=True)

    def update(self, params, grads):
        """One step, in place.

        Parameters
        ----------
        params : dict of arrays
            ``W1, b1, ...``; each array is changed in place and keeps its dtype.
        grads : dict of arrays
            Same keys and shapes.
        """
        check_params_and_grads(params, grads)
        for key in params:
            params[key] -= self.lr * grads[key]

    def __repr__(self):
        return f"SGD(lr={self.lr})"


# ------------------------------------------------------------------ optimizers with state


def _state_for(state, params, optimizer):
    """The optimizer's per-parameter arrays: zeros shaped like ``params`` on the first step.

    Later steps must bring the same keys and shapes: a velocity or running average made for
    other parameters would otherwise be applied to them without an error.
    """
    if state is None:
        return {key: np.zeros_like(param) for key, param in params.items()}
    if set(state) != set(params):
        raise ValueError(
            f"{optimizer!r} was first used with the parameters {sorted(state)}, but params has "
            f"{sorted(params)}: use a new optimizer for each network"
        )
    for key, value in state.items():
        if value.shape != params[key].shape:
            raise ValueError(
                f"params[{key!r}] has shape {params[key].shape} but {optimizer!r} was first "
                f"used with shape {value.shape}: use a new optimizer for each network"
            )
    return state


class Momentum:
    """Momentum SGD: a velocity that accumulates past gradients, ``v = momentum * v - lr * grad``.

    Parameters
    ----------
    lr : float
        The learning rate, positive and finite.
    momentum : float
        In [0, 1): the fraction of the velocity kept from one step to the next (0 gives SGD).

    Notes
    -----
    Update rule, for each key of ``params``, with ``v`` starting at 0::

        v <- momentum * v - lr * dL/dW
        W <- W + v

    This is PyTorch's ``SGD(lr, momentum=momentum)`` (with ``dampening=0``) written with
    ``v = -lr * buffer``: for a constant learning rate both give the same iterates.

    Attributes
    ----------
    v : dict of arrays or None
        The velocities, keyed like ``params``; None before the first ``update``.
    """

    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = check_real(lr, "lr", positive=True)
        self.momentum = check_real(momentum, "momentum", minimum=0.0, below=1.0)
        self.v = None

    def update(self, params, grads):
        """One step, in place.

        Parameters
        ----------
        params : dict of arrays
            ``W1, b1, ...``; each array is changed in place and keeps its dtype.
        grads : dict of arrays
            Same keys and shapes.
        """
        check_params_and_grads(params, grads)
        self.v = _state_for(self.v, params, self)
        for key in params:
            self.v[key] *= self.momentum
            self.v[key] -= self.lr * grads[key]
            params[key] += self.v[key]

    def __repr__(self):
        return f"{type(self).__name__}(lr={self.lr}, momentum={self.momentum})"


class Nesterov(Momentum):
    """Nesterov's accelerated gradient in the book's form: momentum with a look-ahead correction.

    Parameters
    ----------
    lr : float
        The learning rate, positive and finite.
    momentum : float
        In [0, 1).

    Notes
    -----
    Update rule (the book's ``common/optimizer.py``), for each key of ``params``, with ``v``
    starting at 0::

        v <- momentum * v - lr * dL/dW
        W <- W + momentum**2 * v - (1 + momentum) * lr * dL/dW

    **Which variant.** Nesterov's method evaluates the gradient at the look-ahead point
    ``W + momentum * v``; Bengio et al. (2012, arXiv:1212.0901, eq. 7), whom the book cites,
    rewrite it so that the gradient is taken at the parameters themselves, with the velocity
    *before* this step's update::

        W <- W + momentum**2 * v_old - (1 + momentum) * lr * dL/dW
        v <- momentum * v_old - lr * dL/dW

    PyTorch's ``SGD(lr, momentum, nesterov=True)`` gives exactly those iterates. The book's code
    (above) multiplies ``momentum**2`` by the *new* velocity instead, so the two give
    different iterates from the first step on: the book's first step is
    ``-(1 + momentum + momentum**2) * lr * grad``, the paper's ``-(1 + momentum) * lr * grad``.
    Under a constant gradient both settle to the same step, ``-lr * grad / (1 - momentum)``.
    This class follows the book.

    Attributes
    ----------
    v : dict of arrays or None
        The velocities, keyed like ``params``; None before the first ``update``.
    """

    def update(self, params, grads):
        """One step, in place: :meth:`Momentum.update` with the look-ahead correction above."""
        check_params_and_grads(params, grads)
        self.v = _state_for(self.v, params, self)
        for key in params:
            self.v[key] *= self.momentum
            self.v[key] -= self.lr * grads[key]
            params[key] += self.momentum * self.momentum * self.v[key]
            params[key] -= (1 + self.momentum) * self.lr * grads[key]


class AdaGrad:
    """AdaGrad: each parameter's step shrinks with the sum of its squared gradients so far.

    Parameters
    ----------
    lr : float
        The learning rate, positive and finite.
    eps : float
        Positive; keeps the division finite where ``h`` is 0 (the book's ``1e-7``).

    Notes
    -----
    Update rule, for each key of ``params``, with ``h`` starting at 0 (``*`` and ``/`` are
    element-wise)::

        h <- h + dL/dW * dL/dW
        W <- W - lr * dL/dW / (sqrt(h) + eps)

    ``eps`` is added *after* the square root, as in the book and in PyTorch's ``Adagrad``
    (with ``lr_decay=0`` and ``initial_accumulator_value=0``). Since ``h`` only grows, the
    steps only shrink: AdaGrad can stop learning on a long run.

    Attributes
    ----------
    h : dict of arrays or None
        The sums of squared gradients, keyed like ``params``; None before the first ``update``.
    """

    def __init__(self, lr=0.01, eps=1e-7):
        self.lr = check_real(lr, "lr", positive=True)
        self.eps = check_real(eps, "eps", positive=True)
        self.h = None

    def update(self, params, grads):
        """One step, in place.

        Parameters
        ----------
        params : dict of arrays
            ``W1, b1, ...``; each array is changed in place and keeps its dtype.
        grads : dict of arrays
            Same keys and shapes.
        """
        check_params_and_grads(params, grads)
        self.h = _state_for(self.h, params, self)
        for key in params:
            self.h[key] += grads[key] * grads[key]
            params[key] -= self.lr * grads[key] / (np.sqrt(self.h[key]) + self.eps)

    def __repr__(self):
        return f"AdaGrad(lr={self.lr}, eps={self.eps})"


class RMSprop:
    """RMSprop: AdaGrad with a running average of squared gradients, which forgets old ones.

    Parameters
    ----------
    lr : float
        The learning rate, positive and finite.
    decay_rate : float
        In [0, 1): the fraction of the average kept from one step to the next.
    eps : float
        Positive; keeps the division finite where ``h`` is 0 (the book's ``1e-7``).

    Notes
    -----
    Update rule, for each key of ``params``, with ``h`` starting at 0 (element-wise)::

        h <- decay_rate * h + (1 - decay_rate) * dL/dW * dL/dW
        W <- W - lr * dL/dW / (sqrt(h) + eps)

    ``eps`` is added *after* the square root, as in the book and in PyTorch's ``RMSprop``
    (``alpha=decay_rate``, ``centered=False``, ``momentum=0``).

    Attributes
    ----------
    h : dict of arrays or None
        The running averages of squared gradients, keyed like ``params``; None before the
        first ``update``.
    """

    def __init__(self, lr=0.01, decay_rate=0.99, eps=1e-7):
        self.lr = check_real(lr, "lr", positive=True)
        self.decay_rate = check_real(decay_rate, "decay_rate", minimum=0.0, below=1.0)
        self.eps = check_real(eps, "eps", positive=True)
        self.h = None

    def update(self, params, grads):
        """One step, in place.

        Parameters
        ----------
        params : dict of arrays
            ``W1, b1, ...``; each array is changed in place and keeps its dtype.
        grads : dict of arrays
            Same keys and shapes.
        """
        check_params_and_grads(params, grads)
        self.h = _state_for(self.h, params, self)
        for key in params:
            self.h[key] *= self.decay_rate
            self.h[key] += (1 - self.decay_rate) * grads[key] * grads[key]
            params[key] -= self.lr * grads[key] / (np.sqrt(self.h[key]) + self.eps)

    def __repr__(self):
        return f"RMSprop(lr={self.lr}, decay_rate={self.decay_rate}, eps={self.eps})"


class Adam:
    """Adam: momentum on the gradient and RMSprop's scaling, both bias-corrected.

    Parameters
    ----------
    lr : float
        The learning rate, positive and finite (the book's default is 0.001).
    beta1 : float
        In [0, 1): decay of the running average of gradients ``m``.
    beta2 : float
        In [0, 1): decay of the running average of squared gradients ``v``.
    eps : float
        Positive (the book's ``1e-7``; PyTorch's default is ``1e-8``).

    Notes
    -----
    Update rule at step ``t = 1, 2, ...``, for each key of ``params``, with ``m`` and ``v``
    starting at 0 (element-wise)::

        m <- beta1 * m + (1 - beta1) * dL/dW
        v <- beta2 * v + (1 - beta2) * dL/dW * dL/dW
        lr_t = lr * sqrt(1 - beta2**t) / (1 - beta1**t)
        W <- W - lr_t * m / (sqrt(v) + eps)

    **Which variant.** ``m`` and ``v`` start at 0, so early on they are too small by the
    factors ``1 - beta1**t`` and ``1 - beta2**t``. Kingma and Ba's Algorithm 1 (and PyTorch's
    ``Adam``) divides each by its factor, ``m_hat = m / (1 - beta1**t)`` and
    ``v_hat = v / (1 - beta2**t)``, and steps ``lr * m_hat / (sqrt(v_hat) + eps)``. The book,
    like the "more efficient order" of the paper's section 2, folds both factors into the
    step size ``lr_t`` instead. The two are the same rule with a different epsilon: this one
    equals ``lr * m_hat / (sqrt(v_hat) + eps / sqrt(1 - beta2**t))``, so its epsilon weighs more
    in the first steps. They differ only where ``sqrt(v_hat)`` is not much larger than ``eps``.

    Attributes
    ----------
    t : int
        The number of steps taken (the book's ``iter``).
    m, v : dict of arrays or None
        The running averages, keyed like ``params``; None before the first ``update``.
    """

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7):
        self.lr = check_real(lr, "lr", positive=True)
        self.beta1 = check_real(beta1, "beta1", minimum=0.0, below=1.0)
        self.beta2 = check_real(beta2, "beta2", minimum=0.0, below=1.0)
        self.eps = check_real(eps, "eps", positive=True)
        self.t = 0
        self.m = None
        self.v = None

    def update(self, params, grads):
        """One step, in place.

        Parameters
        ----------
        params : dict of arrays
            ``W1, b1, ...``; each array is changed in place and keeps its dtype.
        grads : dict of arrays
            Same keys and shapes.
        """
        check_params_and_grads(params, grads)
        self.m = _state_for(self.m, params, self)
        self.v = _state_for(self.v, params, self)
        self.t += 1
        # a Python float (not a NumPy float64), so that float32 arrays stay float32
        lr_t = self.lr * (1.0 - self.beta2**self.t) ** 0.5 / (1.0 - self.beta1**self.t)
        for key in params:
            self.m[key] *= self.beta1
            self.m[key] += (1 - self.beta1) * grads[key]
            self.v[key] *= self.beta2
            self.v[key] += (1 - self.beta2) * grads[key] * grads[key]
            params[key] -= lr_t * self.m[key] / (np.sqrt(self.v[key]) + self.eps)

    def __repr__(self):
        return f"Adam(lr={self.lr}, beta1={self.beta1}, beta2={self.beta2}, eps={self.eps})"
