"""How fast does nnlib train the book's ConvNet, and how close is it to the floor?

The network is the book's ``SimpleConvNet`` (chapter 13): convolution with 30 filters 5x5 on
1x28x28 images, ReLU, 2x2 max-pooling with stride 2, affine 4320 -> 100, ReLU, affine 100 -> 10,
softmax cross-entropy; Adam (lr 0.001), batches of 100 Fashion-MNIST training images. Times, per
training step, in one run:

- (a) ``nnlib``: ``nnlib.conv.simple_conv_net`` (a ``LayerNet``) and ``nnlib.optimizers.Adam``,
  float32;
- (a') and (a'') the same, with one layer in the book's form instead, to measure the two places
  where ``nnlib.conv`` departs from it: (a') a ``Convolution`` that returns the book's
  transposed view of its ``(N*OH*OW, FN)`` product (nnlib computes one product per image, in
  ``(N, FN, OH, OW)`` order), (a'') a ``Pooling`` by im2col rows and ``argmax`` (nnlib takes
  the maximum of the window's shifted grids);
- (b) the book's style: float64 layer objects with the book's im2col (filter position by filter
  position), its im2col-based max-pooling with ``argmax``, a ``dx`` for the first layer too, and
  the book's Adam, written below;
- (c) PyTorch on the CPU (``torch.nn.Conv2d``, ``MaxPool2d``, ``Linear``, ``torch.optim.Adam``),
  float32, if an interpreter with torch is available (``--torch-python``). It runs **in its own
  process** (the ``conv_training`` job of ``torch_process.py``), driven through a pipe between
  the other methods' runs: alternating OpenBLAS and PyTorch work in one process slowed PyTorch
  about 2x;
- (d) the floor: the float32 matrix products an im2col step cannot avoid, and nothing else: the
  convolution's forward product ``col @ W`` and its ``dW`` (no ``dx``: the images need no
  gradient), and the forward, ``dW`` and ``dx`` products of both affine layers.

Every method starts from the same weights and trains on the same batches (seeded), several runs
each, round-robin, so that a busy machine slows them all alike. The script prints the median and
fastest time per step, their ratios to the floor's, and each trained network's loss on 1,000
images (evaluated alike, in float64): the methods must agree, or the timings would not compare
like with like and the script exits with status 1. Targets: nnlib at most 2.3x the floor (level
with PyTorch CPU, a stretch) and at least 5x faster than the book's style.

``--full`` trains nnlib's ConvNet on all 60,000 Fashion-MNIST training images for several epochs
with ``nnlib.training.train`` and reports each epoch's time and the test accuracy after it.

Run from the repository root (see benchmarks/README.md):

    python benchmarks/conv_training.py --torch-python /path/to/venv-with-torch/bin/python
    python benchmarks/conv_training.py --full --epochs 5
"""

import statistics
import sys
import tempfile
import time

import numpy as np
from harness import (
    BookAffine,
    BookLayeredNet,
    BookRelu,
    BookSoftmaxWithLoss,
    argument_parser,
    describe_machine,
    pin_blas_threads,
)
from torch_process import TorchProcess, time_rounds, torch_python

TARGET_RATIO = 2.3
TARGET_SPEEDUP = 5.0
BATCH_SIZE = 100
STEPS = 20
LEARNING_RATE = 0.001
SEED = 0
EVAL_IMAGES = 1000
LOSS_RTOL = 0.02  # float32 and float64 Adam (and PyTorch's epsilon placement) drift apart a little
FILTERS, FILTER_SIZE, HIDDEN, CLASSES = 30, 5, 100, 10
NNLIB = "(a) nnlib"
NNLIB_BOOK_CONV = "(a') nnlib, book-form Convolution"
NNLIB_BOOK_POOL = "(a'') nnlib, book-form Pooling"
BOOK = "(b) book-style layers, float64"
TORCH = "(c) PyTorch CPU (own process)"
FLOOR = "(d) matmul-only floor"


# --------------------------------------------------------------------------- data


def load_data(split="train"):
    """Fashion-MNIST as float32 (N, 1, 28, 28) images in [0, 1], or a seeded synthetic set."""
    try:
        from nnlib import datasets

        x, t = datasets.load_fashion_mnist(split, flatten=False)
        return x, t, f"Fashion-MNIST {split} split"
    except (ImportError, OSError, ValueError) as error:
        rng = np.random.default_rng(SEED)
        n = 60_000 if split == "train" else 10_000
        x = rng.random((n, 1, 28, 28), dtype=np.float32)
        t = rng.integers(0, CLASSES, n).astype(np.uint8)
        return x, t, f"SYNTHETIC seeded data of Fashion-MNIST's shape (not loaded: {error})"


def make_batches(x, t, steps=STEPS, seed=SEED):
    """``steps`` batches of ``BATCH_SIZE`` distinct images, each gathered into its own array."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(x))[: steps * BATCH_SIZE].reshape(steps, BATCH_SIZE)
    return [(np.ascontiguousarray(x[rows]), t[rows].astype(np.int64)) for rows in order]


def initial_params():
    """The book's initialisation (std 0.01, zero biases), float32, the same for every method."""
    rng = np.random.default_rng(SEED)
    pooled = FILTERS * 12 * 12
    return {
        "W1": (0.01 * rng.standard_normal((FILTERS, 1, FILTER_SIZE, FILTER_SIZE))).astype(
            np.float32),
        "b1": np.zeros(FILTERS, np.float32),
        "W2": (0.01 * rng.standard_normal((pooled, HIDDEN))).astype(np.float32),
        "b2": np.zeros(HIDDEN, np.float32),
        "W3": (0.01 * rng.standard_normal((HIDDEN, CLASSES))).astype(np.float32),
        "b3": np.zeros(CLASSES, np.float32),
    }


# --------------------------------------------------------------------------- (a) nnlib


def nnlib_steps(params0, batches, layer_forms=None):
    """Adam steps of nnlib's ConvNet; ``layer_forms`` swaps in book-form layers by position."""
    from nnlib import conv, optimizers
    from nnlib.layers import LayerNet

    net = conv.simple_conv_net(rng=SEED)
    if layer_forms:
        layers = list(net.layers)
        for index, make in layer_forms.items():
            layers[index] = make(layers[index])
        net = LayerNet(layers, net.loss_layer)
    net.set_params(params0)
    optimizer = optimizers.Adam(lr=LEARNING_RATE)
    for x, t in batches:
        _, grads = net.gradient(x, t)
        optimizer.update(net.params, grads)
    return dict(net.params)


def book_form_layers():
    """nnlib's Convolution and Pooling written the book's way, for rows (a') and (a'')."""
    from nnlib import conv

    class BookFormConvolution(conv.Convolution):
        """The book's forward: ``col @ col_W + b``, returned as a transposed view."""

        def forward(self, x, training=False):
            filters, _, filter_h, filter_w = self.W.shape
            n, _, height, width = x.shape
            out_h, out_w = height - filter_h + 1, width - filter_w + 1
            self.col = conv.im2col(x, filter_h, filter_w)
            self.x_shape = x.shape
            out = self.col @ self.W.reshape(filters, -1).T + self.b
            return out.reshape(n, out_h, out_w, filters).transpose(0, 3, 1, 2)

        def backward(self, dout, compute_dx=True):
            filters = self.W.shape[0]
            dout_rows = dout.transpose(0, 2, 3, 1).reshape(-1, filters)
            self.db = dout_rows.sum(axis=0)
            self.dW = (dout_rows.T @ self.col).reshape(self.W.shape)
            if not compute_dx:
                return None
            return conv.col2im(dout_rows @ self.W.reshape(filters, -1), self.x_shape,
                               *self.W.shape[2:])

    class BookFormPooling(conv.Pooling):
        """The book's max pooling: im2col rows of pool_h * pool_w values, argmax, col2im."""

        def forward(self, x, training=False):
            n, c, height, width = x.shape
            out_h = (height - self.pool_h) // self.stride + 1
            out_w = (width - self.pool_w) // self.stride + 1
            col = conv.im2col(x, self.pool_h, self.pool_w, self.stride).reshape(
                -1, self.pool_h * self.pool_w)
            self.arg_max = np.argmax(col, axis=1)
            self.x = x
            self.out = np.max(col, axis=1).reshape(n, out_h, out_w, c).transpose(0, 3, 1, 2)
            return self.out

        def backward(self, dout):
            dout = dout.transpose(0, 2, 3, 1)
            dmax = np.zeros((dout.size, self.pool_h * self.pool_w), dout.dtype)
            dmax[np.arange(self.arg_max.size), self.arg_max] = dout.ravel()
            return conv.col2im(dmax.reshape(-1, dout.shape[3] * self.pool_h * self.pool_w),
                               self.x.shape, self.pool_h, self.pool_w, self.stride)

    return {
        NNLIB_BOOK_CONV: {0: lambda layer: BookFormConvolution(layer.W, layer.b)},
        NNLIB_BOOK_POOL: {2: lambda layer: BookFormPooling(2, 2, stride=2)},
    }


# --------------------------------------------------------------------------- (b) book style


def book_im2col(images, filter_h, filter_w, stride=1, pad=0):
    """The book's unrolling: one strided copy per filter position, then a transposing copy."""
    n, c, height, width = images.shape
    out_h = (height + 2 * pad - filter_h) // stride + 1
    out_w = (width + 2 * pad - filter_w) // stride + 1
    img = np.pad(images, [(0, 0), (0, 0), (pad, pad), (pad, pad)])
    col = np.zeros((n, c, filter_h, filter_w, out_h, out_w))
    for y in range(filter_h):
        for x in range(filter_w):
            col[:, :, y, x] = img[:, :, y : y + stride * out_h : stride,
                                  x : x + stride * out_w : stride]
    return col.transpose(0, 4, 5, 1, 2, 3).reshape(n * out_h * out_w, -1)


def book_col2im(col, shape, filter_h, filter_w, stride=1, pad=0):
    """The adjoint of book_im2col, the same way round."""
    n, c, height, width = shape
    out_h = (height + 2 * pad - filter_h) // stride + 1
    out_w = (width + 2 * pad - filter_w) // stride + 1
    col = col.reshape(n, out_h, out_w, c, filter_h, filter_w).transpose(0, 3, 4, 5, 1, 2)
    img = np.zeros((n, c, height + 2 * pad, width + 2 * pad))
    for y in range(filter_h):
        for x in range(filter_w):
            img[:, :, y : y + stride * out_h : stride, x : x + stride * out_w : stride] += (
                col[:, :, y, x])
    return img[:, :, pad : pad + height, pad : pad + width]


class BookConvolution:
    def __init__(self, W, b):
        self.W, self.b = W, b
        self.x = self.col = self.col_W = self.dW = self.db = None

    def forward(self, x):
        filters, _, filter_h, filter_w = self.W.shape
        n, _, height, width = x.shape
        out_h, out_w = height - filter_h + 1, width - filter_w + 1
        self.x, self.col = x, book_im2col(x, filter_h, filter_w)
        self.col_W = self.W.reshape(filters, -1).T
        out = np.dot(self.col, self.col_W) + self.b
        return out.reshape(n, out_h, out_w, -1).transpose(0, 3, 1, 2)

    def backward(self, dout):
        filters, c, filter_h, filter_w = self.W.shape
        dout = dout.transpose(0, 2, 3, 1).reshape(-1, filters)
        self.db = np.sum(dout, axis=0)
        self.dW = np.dot(self.col.T, dout).transpose(1, 0).reshape(filters, c, filter_h, filter_w)
        dcol = np.dot(dout, self.col_W.T)
        return book_col2im(dcol, self.x.shape, filter_h, filter_w)


class BookPooling:
    def __init__(self, pool_h, pool_w, stride):
        self.pool_h, self.pool_w, self.stride = pool_h, pool_w, stride
        self.x = self.arg_max = None

    def forward(self, x):
        n, c, height, width = x.shape
        out_h = (height - self.pool_h) // self.stride + 1
        out_w = (width - self.pool_w) // self.stride + 1
        col = book_im2col(x, self.pool_h, self.pool_w, self.stride).reshape(
            -1, self.pool_h * self.pool_w)
        self.x, self.arg_max = x, np.argmax(col, axis=1)
        out = np.max(col, axis=1)
        return out.reshape(n, out_h, out_w, c).transpose(0, 3, 1, 2)

    def backward(self, dout):
        dout = dout.transpose(0, 2, 3, 1)
        pool_size = self.pool_h * self.pool_w
        dmax = np.zeros((dout.size, pool_size))
        dmax[np.arange(self.arg_max.size), self.arg_max.flatten()] = dout.flatten()
        dcol = dmax.reshape(*dout.shape, pool_size).reshape(
            dout.shape[0] * dout.shape[1] * dout.shape[2], -1)
        return book_col2im(dcol, self.x.shape, self.pool_h, self.pool_w, self.stride)





class BookAdam:
    def __init__(self, lr):
        self.lr, self.beta1, self.beta2, self.iter = lr, 0.9, 0.999, 0
        self.m = self.v = None

    def update(self, params, grads):
        if self.m is None:
            self.m = {key: np.zeros_like(value) for key, value in params.items()}
            self.v = {key: np.zeros_like(value) for key, value in params.items()}
        self.iter += 1
        lr_t = self.lr * np.sqrt(1.0 - self.beta2**self.iter) / (1.0 - self.beta1**self.iter)
        for key in params:
            self.m[key] += (1 - self.beta1) * (grads[key] - self.m[key])
            self.v[key] += (1 - self.beta2) * (grads[key] ** 2 - self.v[key])
            params[key] -= lr_t * self.m[key] / (np.sqrt(self.v[key]) + 1e-7)


class BookSimpleConvNet(BookLayeredNet):
    """conv - relu - pool - affine - relu - affine - softmax, float64, every layer's dx."""

    def __init__(self, params0):
        self.params = {key: value.astype(np.float64) for key, value in params0.items()}
        p = self.params
        self.layers = [BookConvolution(p["W1"], p["b1"]), BookRelu(), BookPooling(2, 2, 2),
                       BookAffine(p["W2"], p["b2"]), BookRelu(), BookAffine(p["W3"], p["b3"])]
        self.last_layer = BookSoftmaxWithLoss()

    def gradient(self, x, t):
        self.backpropagate(x, t)
        conv1, _, _, affine2, _, affine3 = self.layers
        return {"W1": conv1.dW, "b1": conv1.db, "W2": affine2.dW, "b2": affine2.db,
                "W3": affine3.dW, "b3": affine3.db}


def book_steps(params0, batches):
    net = BookSimpleConvNet(params0)
    optimizer = BookAdam(LEARNING_RATE)
    for x, t in batches:
        optimizer.update(net.params, net.gradient(x, t))
    return net.params


def float64_loss(params, x, t):
    """The same evaluation for every method's trained weights: the book's forward in float64."""
    net = BookSimpleConvNet(params)
    return float(net.loss(x.astype(np.float64), t))


# --------------------------------------------------------------------------- (d) the floor


def floor_method(params0, batches):
    """The products of one step, on arrays of the right shapes made outside the timing."""
    from nnlib import conv

    rng = np.random.default_rng(SEED)
    cols = [conv.im2col(x, FILTER_SIZE, FILTER_SIZE) for x, _ in batches]
    rows = cols[0].shape[0]
    W_col = params0["W1"].reshape(FILTERS, -1).T.copy()
    W2, W3 = params0["W2"], params0["W3"]
    dconv = rng.standard_normal((rows, FILTERS), dtype=np.float32)
    pooled = rng.random((BATCH_SIZE, W2.shape[0]), dtype=np.float32)
    hidden = rng.random((BATCH_SIZE, HIDDEN), dtype=np.float32)
    dhidden = rng.standard_normal((BATCH_SIZE, HIDDEN), dtype=np.float32)
    dscores = rng.standard_normal((BATCH_SIZE, CLASSES), dtype=np.float32)

    def run():
        for col in cols:
            col @ W_col  # convolution forward
            dconv.T @ col  # its dW
            pooled @ W2  # affine 1: forward, dW, dx
            pooled.T @ dhidden
            dhidden @ W2.T
            hidden @ W3  # affine 2: forward, dW, dx
            hidden.T @ dscores
            dscores @ W3.T

    return run


# --------------------------------------------------------------------------- timing and report


def per_step(seconds):
    return [value / STEPS for value in seconds]


def report_steps(args):
    x, t, source = load_data("train")
    batches = make_batches(x, t)
    x_eval, t_eval = x[-EVAL_IMAGES:], t[-EVAL_IMAGES:].astype(np.int64)
    del x, t
    params0 = initial_params()
    print(describe_machine())
    print(f"data: {source}; {STEPS} Adam steps (lr {LEARNING_RATE}) of {BATCH_SIZE} images per "
          "run; SimpleConvNet conv 30x5x5 - ReLU - pool 2x2 - affine 100 - ReLU - affine 10")

    methods = {
        FLOOR: floor_method(params0, batches),
        NNLIB: lambda: nnlib_steps(params0, batches),
    }
    for name, forms in book_form_layers().items():
        methods[name] = lambda forms=forms: nnlib_steps(params0, batches, forms)
    methods[BOOK] = lambda: book_steps(params0, batches)
    trained = {name: run() for name, run in methods.items() if name != FLOOR}
    python, note = torch_python(args.torch_python)
    with tempfile.TemporaryDirectory() as folder:
        if python is None:
            print(note)
            times = time_rounds(methods, args.repeats)
        else:
            arrays = {"x": np.stack([x for x, _ in batches]),
                      "t": np.stack([t for _, t in batches]),
                      "learning_rate": LEARNING_RATE, **params0}
            with TorchProcess(python, "conv_training", arrays, args.threads, folder) as torch_side:
                print(f"{torch_side.description} ({python})")
                times = time_rounds(methods, args.repeats, torch_side, TORCH)
                trained[TORCH] = torch_side.result()
                torch_side.close()

    losses = {name: float64_loss(params, x_eval, t_eval) for name, params in trained.items()}
    initial_loss = float64_loss(params0, x_eval, t_eval)
    floor_median = statistics.median(per_step(times[FLOOR]))
    floor_fastest = min(per_step(times[FLOOR]))
    print(f"\n{'method':<32} {'runs':>4} {'ms/step':>8} {'fastest':>8} {'x floor':>8} "
          f"{'(fastest)':>9} {'loss':>8}")
    for name, seconds in sorted(times.items(), key=lambda item: statistics.median(item[1])):
        steps = per_step(seconds)
        loss = f"{losses[name]:.4f}" if name in losses else "-"
        print(f"{name:<32} {len(steps):>4} {1000 * statistics.median(steps):>8.2f} "
              f"{1000 * min(steps):>8.2f} {statistics.median(steps) / floor_median:>8.2f} "
              f"{min(steps) / floor_fastest:>9.2f} {loss:>8}")
    print(f"(x floor: median over the floor's median; (fastest): fastest run over the floor's "
          f"fastest.\n Loss: float64 cross-entropy on {EVAL_IMAGES:,} held-out images after "
          f"the {STEPS} steps; {initial_loss:.4f} before them.)")

    reference = losses[BOOK]
    agree = all(abs(loss - reference) <= LOSS_RTOL * reference for loss in losses.values())
    print(f"\nevery method's loss within {LOSS_RTOL:g} (relative) of (b)'s: {agree}")
    if not agree:
        print("The implementations disagree: the timings above do not compare like with like.")
        return 1
    ratio = statistics.median(times[NNLIB]) / statistics.median(times[FLOOR])
    speedup = statistics.median(times[BOOK]) / statistics.median(times[NNLIB])
    print(f"nnlib: {ratio:.2f}x the floor (target {TARGET_RATIO}x), {speedup:.1f}x faster than "
          f"the book's style (target {TARGET_SPEEDUP:g}x)")
    if TORCH in times:
        versus = statistics.median(times[NNLIB]) / statistics.median(times[TORCH])
        print(f"nnlib takes {versus:.2f}x PyTorch CPU's time per step")
    for name in (NNLIB_BOOK_CONV, NNLIB_BOOK_POOL):
        slower = statistics.median(times[name]) / statistics.median(times[NNLIB]) - 1
        print(f"{name}: the whole step {100 * slower:+.0f} % against (a)")
    missed = ratio > TARGET_RATIO or speedup < TARGET_SPEEDUP
    return 1 if args.check and missed else 0


def report_full(args):
    from nnlib import conv, optimizers, training

    x, t, source = load_data("train")
    x_test, t_test, test_source = load_data("test")
    print(describe_machine())
    print(f"data: {source} ({len(x):,} images), {test_source} ({len(x_test):,} images)")
    net = conv.simple_conv_net(rng=SEED)
    optimizer = optimizers.Adam(lr=LEARNING_RATE)
    rng = np.random.default_rng(SEED)
    print(f"{net!r}\n{optimizer!r}, batch {BATCH_SIZE}\n")
    print(f"{'epoch':>5} {'train s':>8} {'mean loss':>10} {'test accuracy':>14}")
    epoch_times, accuracy = [], None
    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        history = training.train(net, x, t, optimizer=optimizer, epochs=1,
                                 batch_size=BATCH_SIZE, rng=rng, accuracy=False)
        epoch_times.append(time.perf_counter() - start)
        accuracy = net.accuracy(x_test, t_test, batch_size=1000)  # in chunks: little memory
        print(f"{epoch:>5} {epoch_times[-1]:>8.1f} {history['loss'][0]:>10.4f} "
              f"{accuracy:>14.4f}")
    print(f"\none epoch ({len(x) // BATCH_SIZE} steps of {BATCH_SIZE}): median "
          f"{statistics.median(epoch_times):.1f} s, fastest {min(epoch_times):.1f} s; test "
          f"accuracy after {args.epochs} epochs: {accuracy:.4f}")
    return 0


def parse_arguments(argv):
    parser = argument_parser(__doc__.split("\n\n")[0], TARGET_RATIO)
    parser.add_argument("--repeats", type=int, default=7,
                        help=f"runs of {STEPS} steps for each method (default: 7)")
    parser.add_argument("--torch-python", metavar="PATH",
                        help="an interpreter with torch and numpy for the PyTorch row (default: "
                             "this one, if it has torch; else the row is skipped)")
    parser.add_argument("--full", action="store_true",
                        help="train nnlib's ConvNet on all 60,000 images instead of timing steps")
    parser.add_argument("--epochs", type=int, default=5, help="epochs for --full (default: 5)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_arguments(argv)
    pin_blas_threads(args.threads)
    return report_full(args) if args.full else report_steps(args)


if __name__ == "__main__":
    sys.exit(main())
