"""Batch normalization: a layer that standardizes each feature over the batch, then rescales it.

Ioffe and Szegedy (2015), as the book's chapter 6 presents it. In training mode, each feature
(column) of a batch is shifted and scaled to mean 0 and variance 1 with the batch's own mean and
variance, then multiplied by a learned ``gamma`` and shifted by a learned ``beta``; running
averages of the batch statistics are kept on the side. In inference mode the running averages
replace the batch statistics, so a sample's output no longer depends on the other samples of its
batch, and the layer is a fixed affine map of each feature.

The layer follows the layer protocol of :mod:`nnlib.layers`: ``forward(x, training=False)``,
``backward(dout)``, ``params`` and ``grads`` keyed ``gamma`` and ``beta`` (a
:class:`nnlib.layers.LayerNet` numbers them ``gamma1, beta1, ...``). The running averages are
not parameters (no optimizer may change them); they are in ``buffers``.
"""

import numpy as np

from nnlib._checks import (
    as_float_array,
    check_bool,
    check_dout,
    check_parameter,
    check_real,
    require_forward,
)


def _check_vector(array, name, size=None):
    """A 1-D float NumPy array the layer keeps a reference to (optimizers update it in place)."""
    check_parameter(array, name, 1)
    if size is not None and array.shape != (size,):
        raise ValueError(f"{name} must have the shape of gamma ({size},), got {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} must hold at least one feature, got shape {array.shape}")
    return array


class BatchNormalization:
    """Batch normalization of (N, D) features, or of the channels of (N, C, H, W) images.

    Parameters
    ----------
    gamma : (D,) float array
        The scale, usually ones; kept by reference (an optimizer updates it in place).
    beta : (D,) float array
        The shift, usually zeros; same dtype as ``gamma``.
    momentum : float
        In [0, 1): the fraction of the running averages kept at each training step (the
        book's convention; PyTorch's ``momentum=0.1`` is this class's ``momentum=0.9``).
    running_mean, running_var : (D,) float arrays, optional
        The averages used in inference mode, updated in place while training. By default 0
        and 1, so that an untrained layer is the identity map (the book starts the variance
        at 0).
    eps : float
        Positive; added to the variance under the square root (the book's ``10e-7``).

    Notes
    -----
    Training mode, for a batch ``x`` of N rows (all operations per column)::

        mu  = x.mean(axis=0)
        var = ((x - mu) ** 2).mean(axis=0)          # the biased (1/N) variance
        xn  = (x - mu) / sqrt(var + eps)
        out = gamma * xn + beta
        running_mean <- momentum * running_mean + (1 - momentum) * mu
        running_var  <- momentum * running_var  + (1 - momentum) * var

    Inference mode uses ``running_mean`` and ``running_var`` in place of ``mu`` and ``var``,
    and changes nothing. The running variance averages the biased batch variance, as in the
    book; PyTorch averages the unbiased one (``N / (N - 1)`` times larger).

    For an (N, C, H, W) input, ``gamma`` has shape (C,) and each channel is normalized over
    its N * H * W values (as PyTorch's ``BatchNorm2d``). The book's layer instead flattens
    such an input to (N, C * H * W) and normalizes every position separately.

    Attributes
    ----------
    params : dict
        ``{"gamma": gamma, "beta": beta}``, the layer's own arrays.
    grads : dict
        ``{"gamma": dgamma, "beta": dbeta}`` from the last ``backward``.
    buffers : dict
        ``{"running_mean": ..., "running_var": ...}``, the layer's own arrays: save them with
        the parameters to reuse a trained network.
    """

    def __init__(self, gamma, beta, momentum=0.9, running_mean=None, running_var=None,
                 eps=1e-6):
        self.gamma = _check_vector(gamma, "gamma")
        size = gamma.shape[0]
        self.beta = _check_vector(beta, "beta", size)
        if beta.dtype != gamma.dtype:
            raise TypeError(
                f"gamma and beta must have the same dtype, got {gamma.dtype} and {beta.dtype}"
            )
        self.momentum = check_real(momentum, "momentum", minimum=0.0, below=1.0)
        self.eps = check_real(eps, "eps", positive=True)
        if running_mean is None:
            running_mean = np.zeros(size, dtype=gamma.dtype)
        if running_var is None:
            running_var = np.ones(size, dtype=gamma.dtype)
        self.running_mean = _check_vector(running_mean, "running_mean", size)
        self.running_var = _check_vector(running_var, "running_var", size)
        for name, array in (("running_mean", running_mean), ("running_var", running_var)):
            if array.dtype != gamma.dtype:  # a float64 average would turn float32 output float64
                raise TypeError(
                    f"{name} must have gamma's dtype {gamma.dtype}, got {array.dtype}"
                )
        if self.running_var.min() < 0:
            raise ValueError(
                f"running_var must be non-negative, got a minimum of {self.running_var.min()}"
            )
        self.input_shape = None
        self.training = None
        self.xn = None
        self.std = None
        self.dgamma = None
        self.dbeta = None

    @property
    def params(self):
        return {"gamma": self.gamma, "beta": self.beta}

    @property
    def grads(self):
        return {"gamma": self.dgamma, "beta": self.dbeta}

    @property
    def buffers(self):
        return {"running_mean": self.running_mean, "running_var": self.running_var}

    # ------------------------------------------------------------------ shapes

    def _as_rows(self, x):
        """(N, D) as it is; (N, C, H, W) as (N * H * W, C): one row per value of each channel."""
        if x.ndim == 4:
            return x.transpose(0, 2, 3, 1).reshape(-1, x.shape[1])
        return x

    def _from_rows(self, rows):
        if len(self.input_shape) == 4:
            n, c, h, w = self.input_shape
            return rows.reshape(n, h, w, c).transpose(0, 3, 1, 2)
        return rows

    # ------------------------------------------------------------------ forward and backward

    def forward(self, x, training=False):
        """Normalize with the batch's statistics (training) or the running averages (inference).

        Parameters
        ----------
        x : (N, D) or (N, C, H, W) array
            With D (or C) the size of ``gamma``. In training mode the batch needs at least
            two values per feature (a single value has no variance to divide by).
        training : bool
            True while the network computes gradients: batch statistics, and the running
            averages are updated. False (prediction): the running averages, nothing changes.

        Returns
        -------
        array shaped like ``x``
        """
        training = check_bool(training, "training")
        x = as_float_array(x, "x")
        size = self.gamma.shape[0]
        if x.ndim not in (2, 4) or x.shape[1] != size:
            raise ValueError(
                f"x must have shape (N, {size}) or (N, {size}, H, W) for gamma of shape "
                f"({size},), got {x.shape}"
            )
        if x.shape[0] == 0:
            raise ValueError(f"x must not be an empty batch, got shape {x.shape}")
        rows = self._as_rows(x)
        if training and rows.shape[0] < 2:
            raise ValueError(
                f"x of shape {x.shape} has one value per feature: training mode needs at least "
                "two to compute a variance (use a larger batch)"
            )
        if training:
            mu = rows.mean(axis=0)
            xc = rows - mu
            var = np.mean(xc**2, axis=0)
            if not (np.isfinite(mu).all() and np.isfinite(var).all()):
                # checked on the D statistics, before they reach the running averages
                raise ValueError(
                    f"x must be finite: its batch mean or variance is NaN or infinite in "
                    f"{np.count_nonzero(~np.isfinite(mu + var))} feature(s)"
                )
            self.running_mean *= self.momentum
            self.running_mean += (1 - self.momentum) * mu
            self.running_var *= self.momentum
            self.running_var += (1 - self.momentum) * var
        else:
            xc = rows - self.running_mean
            var = self.running_var
        self.std = np.sqrt(var + self.eps)
        self.xn = xc / self.std
        self.training = training
        self.input_shape = x.shape
        return self._from_rows(self.gamma * self.xn + self.beta)

    def backward(self, dout, compute_dx=True):
        """Fill ``dgamma`` and ``dbeta``; return the gradient with respect to ``x``.

        With ``dxn = gamma * dout`` (per column, means over the N rows)::

            dbeta  = dout.sum(axis=0)
            dgamma = (dout * xn).sum(axis=0)
            training:   dx = (dxn - dxn.mean(axis=0) - xn * (dxn * xn).mean(axis=0)) / std
            inference:  dx = dxn / std

        In training mode every row's ``mu`` and ``var`` depend on every row of ``x``, which
        gives the two mean terms; in inference mode the statistics are constants.

        Parameters
        ----------
        dout : array shaped like the last ``x``
        compute_dx : bool
            False fills ``grads`` only and returns None (for a first layer).

        Returns
        -------
        array shaped like the last ``x``, or None
        """
        require_forward(self, self.xn)
        dout = check_dout(dout, self.input_shape, self)
        compute_dx = check_bool(compute_dx, "compute_dx")
        dout = self._as_rows(dout)
        self.dbeta = dout.sum(axis=0)
        self.dgamma = np.sum(dout * self.xn, axis=0)
        if not compute_dx:
            return None
        dxn = self.gamma * dout
        if self.training:
            dxn = dxn - dxn.mean(axis=0) - self.xn * np.mean(dxn * self.xn, axis=0)
        return self._from_rows(dxn / self.std)

    def __repr__(self):
        return (f"BatchNormalization({self.gamma.shape[0]}, {self.gamma.dtype}, "
                f"momentum={self.momentum})")
