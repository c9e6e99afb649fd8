"""Convolution and max pooling layers, and im2col, the unrolling that makes them matrix products.

Images are batches in the book's layout ``(N, C, H, W)``: N images of C channels (1 for a grey
image, 3 for colour, the filter count after a convolution), H rows and W columns. A convolution
slides FN filters of shape ``(C, FH, FW)`` over every image, so ``W`` is ``(FN, C, FH, FW)``, and
at each of ``OH x OW`` places it takes the sum of the window times the filter, plus a bias::

    out[n, f, i, j] = b[f] + sum over c, y, x of W[f, c, y, x] * x_padded[n, c, i*s + y, j*s + x]

The output size along each axis is the book's formula, with stride ``s`` and padding ``pad``::

    OH = (H + 2*pad - FH) // stride + 1        OW = (W + 2*pad - FW) // stride + 1

As in the book, the windows must tile the padded image exactly: ``(H + 2*pad - FH)`` must be a
multiple of ``stride`` (and at least 0), or the layer raises ``ValueError`` naming the sizes and
the formula, rather than silently dropping the last rows or columns.

:func:`im2col` writes every window as one row of a matrix (``N * OH * OW`` rows of
``C * FH * FW`` values), so that the whole convolution is **one** matrix product with the filters
laid out as columns; :func:`col2im` is its adjoint (it adds each row back where it came from),
which the backward pass needs. Both use NumPy's ``sliding_window_view``: a view of every window
without a copy, so the only copy is the one that lays the windows out as rows (the book copies
twice, filter position by filter position).

The layers follow the layer protocol of :mod:`nnlib.layers` (``forward(x, training=False)``,
``backward(dout)`` that never modifies the caller's arrays, ``params``/``grads`` keyed ``W`` and
``b``), so a :class:`nnlib.layers.LayerNet` chains them with ``Relu`` and ``Affine`` (which
flattens each image's ``C x H x W`` values into one row); :func:`simple_conv_net` builds the book's
``SimpleConvNet`` that way.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from nnlib._checks import (
    _describe,
    as_float_array,
    check_bool,
    check_choice,
    check_dout,
    check_float_dtype,
    check_int,
    check_real,
    check_seed_or_rng,
    require_finite,
    require_forward,
)
from nnlib.layers import Affine, LayerNet, Relu, SoftmaxWithLoss

# --------------------------------------------------------------------------- sizes and checks


def _output_length(size, window, stride, pad, axis, size_name, window_name, name=None):
    """``(size + 2*pad - window) // stride + 1``; ValueError if the windows do not tile exactly.

    ``name`` is the argument whose shape gave ``size`` (``"x"``), put first in the message.
    """
    span = size + 2 * pad - window
    where = f"{name}: " if name else ""
    formula = (f"({size_name} + 2*pad - {window_name}) / stride + 1 = "
               f"({size} + 2*{pad} - {window}) / {stride} + 1")
    if span < 0:
        raise ValueError(
            f"{where}the {axis} {size_name}={size} with pad={pad} is smaller than the window "
            f"{window_name}={window}: the output {axis} {formula} would be below 1 (pad the "
            "input or use a smaller window)"
        )
    if span % stride:
        raise ValueError(
            f"{where}the {axis} {size_name}={size} does not fit {window_name}={window} with "
            f"stride={stride} and pad={pad}: the output {axis} {formula} = "
            f"{span / stride + 1:g} must be a whole number, i.e. ({size_name} + 2*pad - "
            f"{window_name}) must be a multiple of stride (as in the book; change pad or stride)"
        )
    return span // stride + 1


def output_size(input_size, filter_size, stride=1, pad=0):
    """The output length ``(input_size + 2*pad - filter_size) // stride + 1`` along one axis.

    Parameters
    ----------
    input_size : int
        H or W of the input, at least 1.
    filter_size : int
        FH or FW of the filter (or the pooling window), at least 1.
    stride : int
        At least 1: how far the window moves between two outputs.
    pad : int
        At least 0: zeros added on each side of the input.

    Returns
    -------
    int
        OH or OW.

    Raises
    ------
    ValueError
        If the padded input is smaller than the filter, or ``input_size + 2*pad - filter_size``
        is not a multiple of ``stride`` (the windows would not tile the input exactly).
    """
    input_size = check_int(input_size, "input_size", minimum=1)
    filter_size = check_int(filter_size, "filter_size", minimum=1)
    stride = check_int(stride, "stride", minimum=1)
    pad = check_int(pad, "pad", minimum=0)
    return _output_length(input_size, filter_size, stride, pad, "length", "input_size",
                          "filter_size")


def _check_images(x, name="x"):
    """``x`` as a floating (N, C, H, W) batch with at least one image."""
    x = as_float_array(x, name)
    if x.ndim != 4:
        raise ValueError(
            f"{name} must be a 4-D batch of images (N, C, H, W), got shape {x.shape} (a batch "
            "of flat rows (N, 784) becomes (N, 1, 28, 28) with x.reshape(-1, 1, 28, 28))"
        )
    if 0 in x.shape:
        raise ValueError(f"{name} must hold at least one image of at least one pixel, got "
                         f"shape {x.shape}")
    return x


def _check_geometry(stride, pad):
    return check_int(stride, "stride", minimum=1), check_int(pad, "pad", minimum=0)


def _output_hw(shape, window_h, window_w, stride, pad, window_names, name):
    """(OH, OW) of an (N, C, H, W) input ``name``, with errors that name both axes' sizes."""
    _, _, height, width = shape
    out_h = _output_length(height, window_h, stride, pad, "height", "H", window_names[0], name)
    out_w = _output_length(width, window_w, stride, pad, "width", "W", window_names[1], name)
    return out_h, out_w


def _check_shape_tuple(shape, name):
    if not (isinstance(shape, tuple) and len(shape) == 4):
        raise TypeError(f"{name} must be a tuple (N, C, H, W), got {_describe(shape)}")
    return tuple(check_int(size, f"{name}[{i}]", minimum=1) for i, size in enumerate(shape))


# --------------------------------------------------------------------------- im2col and col2im


def _windows(x, window_h, window_w, stride, pad, fill=0.0):
    """A read-only view (N, C, OH, OW, window_h, window_w) of every window of the padded ``x``.

    ``windows[n, c, i, j]`` is the window whose top-left corner is at row ``i * stride``,
    column ``j * stride`` of the padded image. Only the padding (if any) is copied.
    """
    if pad:
        x = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), constant_values=fill)
    every_window = sliding_window_view(x, (window_h, window_w), axis=(2, 3))
    return every_window[:, :, ::stride, ::stride]


def im2col(x, filter_h, filter_w, stride=1, pad=0):
    """Unroll every filter-sized window of a batch of images into one row of a matrix.

    Row ``(n * OH + i) * OW + j`` holds the window of image ``n`` whose output lands at
    ``(i, j)``, its values in the order ``(c, y, x)``: the order of ``W[f].ravel()``, so a
    convolution is ``im2col(x, FH, FW) @ W.reshape(FN, -1).T``. The windows come from
    ``numpy.lib.stride_tricks.sliding_window_view`` (a view, no copy); the reshape into rows
    is the one copy. Windows overlap when ``stride < filter``, so the matrix is up to
    ``FH * FW`` times larger than ``x``.

    Parameters
    ----------
    x : (N, C, H, W) array
    filter_h, filter_w : int
        The window's height FH and width FW.
    stride : int
        At least 1.
    pad : int
        Zeros added around each image, at least 0.

    Returns
    -------
    (N * OH * OW, C * FH * FW) array
        In ``x``'s floating dtype; ``OH, OW`` as in :func:`output_size`.
    """
    x = _check_images(x)
    filter_h = check_int(filter_h, "filter_h", minimum=1)
    filter_w = check_int(filter_w, "filter_w", minimum=1)
    stride, pad = _check_geometry(stride, pad)
    n, c = x.shape[:2]
    out_h, out_w = _output_hw(x.shape, filter_h, filter_w, stride, pad, ("filter_h", "filter_w"),
                              "x")
    windows = _windows(x, filter_h, filter_w, stride, pad)  # (N, C, OH, OW, FH, FW)
    return windows.transpose(0, 2, 3, 1, 4, 5).reshape(n * out_h * out_w, c * filter_h * filter_w)


def col2im(col, x_shape, filter_h, filter_w, stride=1, pad=0):
    """Add every row of ``col`` back onto the window of the image it came from: im2col's adjoint.

    Where windows overlap, their values are summed, which is what the gradient of a pixel
    used by several windows needs: ``sum(im2col(x) * col) == sum(x * col2im(col))`` for every
    ``x`` and ``col``. (So ``col2im(im2col(x))`` is ``x`` times the number of windows holding
    each pixel, not ``x``.) Loops over the ``FH * FW`` filter positions, each adding one strided
    slice of the image at once; the padding is cut off at the end.

    Parameters
    ----------
    col : (N * OH * OW, C * FH * FW) array
    x_shape : tuple (N, C, H, W)
        The shape of the images ``col`` was unrolled from.
    filter_h, filter_w, stride, pad : int
        As for :func:`im2col`.

    Returns
    -------
    (N, C, H, W) array
        In ``col``'s floating dtype.
    """
    col = as_float_array(col, "col")
    x_shape = _check_shape_tuple(x_shape, "x_shape")
    filter_h = check_int(filter_h, "filter_h", minimum=1)
    filter_w = check_int(filter_w, "filter_w", minimum=1)
    stride, pad = _check_geometry(stride, pad)
    n, c, height, width = x_shape
    out_h, out_w = _output_hw(x_shape, filter_h, filter_w, stride, pad, ("filter_h", "filter_w"),
                              "x_shape")
    expected = (n * out_h * out_w, c * filter_h * filter_w)
    if col.shape != expected:
        raise ValueError(
            f"col must have shape (N*OH*OW, C*FH*FW) = {expected} for x_shape {x_shape}, "
            f"filter {filter_h}x{filter_w}, stride={stride}, pad={pad}; got {col.shape}"
        )
    windows = col.reshape(n, out_h, out_w, c, filter_h, filter_w).transpose(0, 3, 1, 2, 4, 5)
    padded = np.zeros((n, c, height + 2 * pad, width + 2 * pad), dtype=col.dtype)
    for y in range(filter_h):
        for x in range(filter_w):
            rows = slice(y, y + stride * out_h, stride)
            cols = slice(x, x + stride * out_w, stride)
            padded[:, :, rows, cols] += windows[:, :, :, :, y, x]
    return padded[:, :, pad : pad + height, pad : pad + width]


# --------------------------------------------------------------------------- layers


class Convolution:
    """Convolution layer: FN filters ``W`` (FN, C, FH, FW) and biases ``b`` (FN,), by im2col."""

    def __init__(self, W, b, stride=1, pad=0):
        if not isinstance(W, np.ndarray) or not isinstance(b, np.ndarray):
            bad, value = ("W", W) if not isinstance(W, np.ndarray) else ("b", b)
            raise TypeError(
                f"{bad} must be a NumPy array (the layer keeps a reference to it, so that an "
                f"optimizer's in-place update is seen), got {_describe(value)}"
            )
        check_float_dtype(W.dtype, "W.dtype")
        if W.ndim != 4 or 0 in W.shape:
            raise ValueError(f"W must be a 4-D array of filters (FN, C, FH, FW), got shape "
                             f"{W.shape}")
        if b.shape != (W.shape[0],):
            raise ValueError(f"b must have shape (FN,) = ({W.shape[0]},), one bias per filter, "
                             f"got {b.shape} (W has shape {W.shape})")
        if b.dtype != W.dtype:
            raise TypeError(f"W and b must have the same dtype, got {W.dtype} and {b.dtype}")
        require_finite(W, "W")
        require_finite(b, "b")
        self.W = W
        self.b = b
        self.stride, self.pad = _check_geometry(stride, pad)
        self.x_shape = None
        self.col = None
        self.dW = None
        self.db = None

    @property
    def params(self):
        return {"W": self.W, "b": self.b}

    @property
    def grads(self):
        return {"W": self.dW, "b": self.db}

    def forward(self, x, training=False):
        """Return the convolution of every image with every filter, plus the filter's bias.

        Parameters
        ----------
        x : (N, C, H, W) array
            C must equal ``W.shape[1]``.
        training : bool
            Ignored (a convolution computes the same in both modes).

        Returns
        -------
        (N, FN, OH, OW) array
            ``OH = (H + 2*pad - FH) // stride + 1`` and likewise ``OW``.
        """
        check_bool(training, "training")
        x = _check_images(x)
        require_finite(x, "x")  # one pass, small beside im2col and the product
        filters, channels, filter_h, filter_w = self.W.shape
        if x.shape[1] != channels:
            raise ValueError(
                f"x has {x.shape[1]} channel(s) (shape {x.shape}) but the filters W "
                f"{self.W.shape} expect C={channels}"
            )
        n = x.shape[0]
        out_h, out_w = _output_hw(x.shape, filter_h, filter_w, self.stride, self.pad,
                                  ("FH", "FW"), "x")
        self.col = im2col(x, filter_h, filter_w, self.stride, self.pad)  # (N*OH*OW, C*FH*FW)
        self.x_shape = x.shape
        windows = self.col.reshape(n, out_h * out_w, -1)  # each image's windows, one per row
        # the book's col @ col_W, one product per image, W (FN, C*FH*FW) @ windows.T, so that
        # the output comes out in (N, FN, OH, OW) order: no transposed view for the next
        # layers to read (a training step ~20 % faster: benchmarks/conv_training.py, (a'))
        out = self.W.reshape(filters, -1) @ windows.transpose(0, 2, 1)  # (N, FN, OH*OW)
        out += self.b[:, np.newaxis]
        return out.reshape(n, filters, out_h, out_w)

    def backward(self, dout, compute_dx=True):
        """Fill ``dW`` and ``db``; return ``dx``, the gradient col2im adds back onto the images.

        The Affine layer's gradients with ``col`` as its input, image by image: with
        ``dout[n]`` the (FN, OH*OW) gradient of image n's output and ``windows[n]`` its
        (OH*OW, C*FH*FW) rows of ``col``, ``db = sum of dout[n] over n and positions``,
        ``dW = sum over n of dout[n] @ windows[n]`` (reshaped to the filters' shape) and
        ``dcol[n] = dout[n].T @ W_flat``, whose rows col2im adds back where im2col took them.

        Parameters
        ----------
        dout : (N, FN, OH, OW) array
        compute_dx : bool
            False skips ``dx`` (and returns None) for a first layer, whose input images need
            no gradient.

        Returns
        -------
        (N, C, H, W) array, or None
        """
        require_forward(self, self.col)
        filters = self.W.shape[0]
        n = self.x_shape[0]
        out_h, out_w = _output_hw(self.x_shape, *self.W.shape[2:], self.stride, self.pad,
                                  ("FH", "FW"), "x")
        dout = check_dout(dout, (n, filters, out_h, out_w), self)
        check_bool(compute_dx, "compute_dx")
        dout = dout.reshape(n, filters, out_h * out_w)
        windows = self.col.reshape(n, out_h * out_w, -1)
        self.db = dout.sum(axis=(0, 2))
        self.dW = (dout @ windows).sum(axis=0).reshape(self.W.shape)  # sum over the images
        if not compute_dx:
            return None
        dcol = dout.transpose(0, 2, 1) @ self.W.reshape(filters, -1)  # (N, OH*OW, C*FH*FW)
        return col2im(dcol.reshape(self.col.shape), self.x_shape, *self.W.shape[2:],
                      self.stride, self.pad)

    def __repr__(self):
        filters, channels, filter_h, filter_w = self.W.shape
        return (f"Convolution({filters} filters {channels}x{filter_h}x{filter_w}, "
                f"stride={self.stride}, pad={self.pad}, {self.W.dtype})")


class Pooling:
    """Max pooling: every ``pool_h x pool_w`` window of each channel becomes its largest value."""

    def __init__(self, pool_h, pool_w, stride=1, pad=0):
        self.pool_h = check_int(pool_h, "pool_h", minimum=1)
        self.pool_w = check_int(pool_w, "pool_w", minimum=1)
        self.stride, self.pad = _check_geometry(stride, pad)
        if self.pad >= min(self.pool_h, self.pool_w):
            raise ValueError(
                f"pad must be smaller than the pool window ({self.pool_h}x{self.pool_w}), got "
                f"pad={self.pad}: a window could then hold only padding"
            )
        self.x = None
        self.out = None

    def forward(self, x, training=False):
        """Return the maximum of every window, channel by channel.

        The padding (if any) is ``-inf``, so it never wins a window's maximum (the book pads
        with zeros, which differs only where a border window holds only negative values).

        Parameters
        ----------
        x : (N, C, H, W) array
        training : bool
            Ignored.

        Returns
        -------
        (N, C, OH, OW) array
            ``OH = (H + 2*pad - pool_h) // stride + 1`` and likewise ``OW``.
        """
        check_bool(training, "training")
        x = _check_images(x)
        _output_hw(x.shape, self.pool_h, self.pool_w, self.stride, self.pad,
                   ("pool_h", "pool_w"), "x")
        windows = self._windows(x)  # (N, C, OH, OW, pool_h, pool_w)
        # the maximum of the pool_h * pool_w shifted grids, one element-wise np.maximum per
        # window position: the book's argmax over im2col rows (or max(axis=(4, 5))) reduces
        # a few values at a time and makes a training step ~2.5x slower (benchmark's (a''))
        out = windows[:, :, :, :, 0, 0].copy()
        for y, x_ in self._positions()[1:]:
            np.maximum(out, windows[:, :, :, :, y, x_], out=out)
        self.x = x
        self.out = out
        return out

    def backward(self, dout):
        """Send each window's gradient to its maximum only; every other input gets 0.

        Ties: when several values of a window equal its maximum, the first in row-major order
        within the window gets the whole gradient (as ``np.argmax`` in the book, and PyTorch),
        so each window passes on exactly ``dout`` in total. Where windows overlap
        (``stride < pool``), an input that is the maximum of several windows gets their sum.

        Parameters
        ----------
        dout : (N, C, OH, OW) array

        Returns
        -------
        (N, C, H, W) array
        """
        require_forward(self, self.out)
        dout = check_dout(dout, self.out.shape, self)
        n, c, height, width = self.x.shape
        out_h, out_w = self.out.shape[2:]
        windows = self._windows(self.x)
        dtype = np.result_type(self.x.dtype, dout.dtype)
        dx = np.zeros((n, c, height + 2 * self.pad, width + 2 * self.pad), dtype=dtype)
        taken = np.zeros(self.out.shape, dtype=bool)  # windows whose maximum is already found
        for y, x_ in self._positions():
            is_max = windows[:, :, :, :, y, x_] == self.out
            is_max &= ~taken
            taken |= is_max
            rows = slice(y, y + self.stride * out_h, self.stride)
            cols = slice(x_, x_ + self.stride * out_w, self.stride)
            dx[:, :, rows, cols] += dout * is_max
        return dx[:, :, self.pad : self.pad + height, self.pad : self.pad + width]

    def _windows(self, x):
        return _windows(x, self.pool_h, self.pool_w, self.stride, self.pad, fill=-np.inf)

    def _positions(self):
        """The (row, column) offsets inside a window, in row-major order."""
        return [(y, x) for y in range(self.pool_h) for x in range(self.pool_w)]

    def __repr__(self):
        return (f"Pooling({self.pool_h}x{self.pool_w}, stride={self.stride}, pad={self.pad}, "
                "max)")


# --------------------------------------------------------------------------- the book's ConvNet


def simple_conv_net(input_shape=(1, 28, 28), *, filter_num=30, filter_size=5, stride=1, pad=0,
                    hidden_size=100, output_size=10, scale="he", rng=None, dtype=np.float32):
    """The book's ``SimpleConvNet``: conv - ReLU - 2x2 max-pool - affine - ReLU - affine - softmax.

    Built as a :class:`nnlib.layers.LayerNet`: ``Convolution(W1, b1)``, ``Relu``,
    ``Pooling(2, 2, stride=2)``, ``Affine(W2, b2)`` (which flattens each pooled image into one
    row), ``Relu``, ``Affine(W3, b3)`` and ``SoftmaxWithLoss``. The weights are drawn from a
    normal distribution, the biases are 0.

    Parameters
    ----------
    input_shape : tuple (C, H, W)
        One image's shape.
    filter_num, filter_size, stride, pad : int
        The convolution's FN, FH = FW, stride and padding. Its output side
        ``(H + 2*pad - filter_size) // stride + 1`` must be whole and even (2x2 pooling).
    hidden_size, output_size : int
        Units of the hidden affine layer, and classes.
    scale : {"he", "xavier"} or float
        The weights' standard deviation, as in :func:`nnlib.network.init_params`, with a
        filter's fan-in ``C * FH * FW``: ``sqrt(2 / fan_in)`` (He, for ReLU, the default),
        ``1 / sqrt(fan_in)``, or one fixed positive number for every layer (the book's
        ``SimpleConvNet`` uses 0.01, which starts much slower: after two epochs of Adam on
        6,000 Fashion-MNIST images, about 0.74 test accuracy against 0.85 with He's).
    rng : numpy.random.Generator or int, optional
        Draws the weights.
    dtype : float32 or float64

    Returns
    -------
    LayerNet
        ``params`` keyed ``W1, b1`` (the filters), ``W2, b2``, ``W3, b3``.
    """
    if not (isinstance(input_shape, tuple) and len(input_shape) == 3):
        raise TypeError(f"input_shape must be a tuple (C, H, W), got {_describe(input_shape)}")
    channels, height, width = (check_int(size, f"input_shape[{i}]", minimum=1)
                               for i, size in enumerate(input_shape))
    filter_num = check_int(filter_num, "filter_num", minimum=1)
    filter_size = check_int(filter_size, "filter_size", minimum=1)
    stride, pad = _check_geometry(stride, pad)
    hidden_size = check_int(hidden_size, "hidden_size", minimum=1)
    output_size_ = check_int(output_size, "output_size", minimum=2)
    if isinstance(scale, str):
        check_choice(scale, "scale", ("he", "xavier"))
    else:
        scale = check_real(scale, "scale", positive=True)
    rng = check_seed_or_rng(rng)
    dtype = check_float_dtype(dtype)
    conv_h, conv_w = _output_hw((1, channels, height, width), filter_size, filter_size, stride,
                                pad, ("filter_size", "filter_size"), "input_shape")
    if conv_h % 2 or conv_w % 2:
        raise ValueError(
            f"the convolution's output is {conv_h}x{conv_w}, which 2x2 pooling with stride 2 "
            "cannot tile: both sides must be even (change filter_size, stride or pad)"
        )
    pooled = filter_num * (conv_h // 2) * (conv_w // 2)
    shapes = {
        "W1": (filter_num, channels, filter_size, filter_size), "b1": (filter_num,),
        "W2": (pooled, hidden_size), "b2": (hidden_size,),
        "W3": (hidden_size, output_size_), "b3": (output_size_,),
    }
    params = {}
    for key, shape in shapes.items():
        if key.startswith("b"):
            params[key] = np.zeros(shape, dtype=dtype)
            continue
        fan_in = int(np.prod(shape[1:])) if len(shape) == 4 else shape[0]
        std = {"he": np.sqrt(2.0 / fan_in), "xavier": 1.0 / np.sqrt(fan_in)}.get(scale, scale)
        params[key] = (std * rng.standard_normal(shape)).astype(dtype)
    layers = [
        Convolution(params["W1"], params["b1"], stride=stride, pad=pad),
        Relu(),
        Pooling(2, 2, stride=2),
        Affine(params["W2"], params["b2"]),
        Relu(),
        Affine(params["W3"], params["b3"]),
    ]
    return LayerNet(layers, SoftmaxWithLoss())
