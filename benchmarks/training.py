"""How fast does nnlib train a small MNIST network, and how close is it to the floor?

Times, in one run, 600 steps of plain SGD (batch 100, learning rate 0.1) of a 784-100-10 network
with a ReLU hidden layer and softmax cross-entropy:

- (a) ``nnlib.backprop.sgd_step``, one call per batch, float32;
- (a') ``nnlib.backprop.train_sgd``, the same steps, plus gathering the batches itself;
- (a'') ``nnlib.backprop.gradients`` + ``sgd_update``, the same steps with the gradients kept;
- (b) a straightforward float64 implementation in the style of *Deep Learning from Scratch*: layer
  objects (``Affine``, ``Relu``, ``SoftmaxWithLoss``) with ``forward``/``backward`` methods,
  written below;
- (c) PyTorch on the CPU, float32, if it is installed;
- (d) the lower bound: only the five matrix products one step cannot avoid, ``x @ W1``,
  ``h @ W2``, ``h.T @ d``, ``d @ W2.T`` and ``x.T @ dh`` (no gradient for the input), float32.

Every implementation starts from the same weights and is fed the same 600 batches: six epochs of
the 10,000 images in the order ``train_sgd`` draws them (seeded), gathered before the timing.
Each is run several times, interleaved so that a busy machine slows them all alike; the script
prints the median and minimum of each, the median as a ratio of the bound's, and each trained
network's loss and accuracy on all 10,000 images (evaluated alike, in float64). The three
``nnlib`` rows must end with identical weights, and every loss must agree with (b)'s to a
tolerance, since float32 and float64 training drift apart by rounding.

Data: the MNIST test split (10,000 images) through ``nnlib.datasets``. If it cannot be loaded, a
seeded synthetic set of the same shape is used instead, and the output says so.

Run from the repository root (see benchmarks/README.md):

    NNLIB_DATA_DIR=/path/to/data python benchmarks/training.py
"""

import statistics
import sys

import numpy as np
from harness import argument_parser, describe_machine, pin_blas_threads, time_interleaved

from nnlib import backprop, losses, network

TARGET_RATIO = 1.5
STEPS = 600
BATCH_SIZE = 100
LEARNING_RATE = 0.1
LAYER_SIZES = (784, 100, 10)
SEED = 0
NNLIB = "(a) nnlib sgd_step"
LOSS_RTOL = 2e-3  # float32 and float64 training drift apart by rounding over 600 steps


# --------------------------------------------------------------------------- data and batches


def load_data():
    """The MNIST test split as float32 images in [0, 1] and uint8 labels, or a synthetic set."""
    try:
        from nnlib import datasets

        x, t = datasets.load_mnist("test")
        return x, t, "MNIST test split"
    except (ImportError, OSError, ValueError) as error:
        rng = np.random.default_rng(SEED)
        x = rng.random((10_000, 784), dtype=np.float32)
        teacher = rng.standard_normal((784, 10)).astype(np.float32)
        t = np.argmax((x - 0.5) @ teacher, axis=1).astype(np.uint8)
        return x, t, f"SYNTHETIC seeded data of MNIST's shape (MNIST not loaded: {error})"


def batch_rows(n, steps=STEPS, batch_size=BATCH_SIZE, seed=SEED):
    """The rows of each step's batch, in the order ``train_sgd(..., rng=seed)`` visits them."""
    rng = np.random.default_rng(seed)
    rows = []
    while len(rows) < steps:
        order = rng.permutation(n)
        rows.extend(order[start : start + batch_size] for start in range(0, n, batch_size))
    return rows[:steps]


# --------------------------------------------------------------------------- (a) nnlib


def nnlib_sgd_step(params0, batches):
    params = {name: value.copy() for name, value in params0.items()}
    for x, t in batches:
        backprop.sgd_step(params, x, t, LEARNING_RATE, hidden="relu", output="softmax")
    return params


def nnlib_gradients_and_update(params0, batches):
    params = {name: value.copy() for name, value in params0.items()}
    for x, t in batches:
        _, grads = backprop.gradients(params, x, t, hidden="relu", output="softmax")
        backprop.sgd_update(params, grads, LEARNING_RATE)
    return params


def nnlib_train_sgd(params0, x, t):
    epochs = STEPS * BATCH_SIZE // len(x)
    params, _ = backprop.train_sgd(params0, x, t, learning_rate=LEARNING_RATE, epochs=epochs,
                                   batch_size=BATCH_SIZE, hidden="relu", output="softmax", rng=SEED)
    return params


# --------------------------------------------------------------------------- (b) book style


def book_softmax(x):
    x = x - x.max(axis=1, keepdims=True)
    return np.exp(x) / np.sum(np.exp(x), axis=1, keepdims=True)


def book_cross_entropy_error(y, t):
    batch_size = y.shape[0]
    return -np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size


class Affine:
    """``x @ W + b``; keeps ``x`` for the backward pass."""

    def __init__(self, W, b):
        self.W, self.b = W, b
        self.x = self.dW = self.db = None

    def forward(self, x):
        self.x = x
        return np.dot(x, self.W) + self.b

    def backward(self, dout):
        self.dW = np.dot(self.x.T, dout)
        self.db = np.sum(dout, axis=0)
        return np.dot(dout, self.W.T)


class Relu:
    """``max(x, 0)``; keeps the mask of non-positive inputs."""

    def __init__(self):
        self.mask = None

    def forward(self, x):
        self.mask = x <= 0
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout):
        dx = dout.copy()  # the book overwrites dout itself; a copy leaves the caller's array alone
        dx[self.mask] = 0
        return dx


class SoftmaxWithLoss:
    """Softmax and cross-entropy together, so that the backward pass is ``(y - t) / N``."""

    def __init__(self):
        self.y = self.t = None

    def forward(self, x, t):
        self.t = t
        self.y = book_softmax(x)
        return book_cross_entropy_error(self.y, t)

    def backward(self):
        batch_size = self.t.shape[0]
        dx = self.y.copy()
        dx[np.arange(batch_size), self.t] -= 1
        return dx / batch_size


class TwoLayerNet:
    """The book's two-layer network: a list of layers, float64 parameters in a dict."""

    def __init__(self, params):
        self.params = {name: np.array(value, dtype=np.float64) for name, value in params.items()}
        self.layers = [Affine(self.params["W1"], self.params["b1"]), Relu(),
                       Affine(self.params["W2"], self.params["b2"])]
        self.last_layer = SoftmaxWithLoss()

    def loss(self, x, t):
        for layer in self.layers:
            x = layer.forward(x)
        return self.last_layer.forward(x, t)

    def gradient(self, x, t):
        self.loss(x, t)
        dout = self.last_layer.backward()
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        first, _, second = self.layers
        return {"W1": first.dW, "b1": first.db, "W2": second.dW, "b2": second.db}


def book_steps(params0, batches):
    net = TwoLayerNet(params0)
    for x, t in batches:
        grads = net.gradient(x, t)
        for name in net.params:
            net.params[name] -= LEARNING_RATE * grads[name]
    return net.params


# --------------------------------------------------------------------------- (c) PyTorch


def torch_method(threads):
    """A PyTorch CPU version, or None without torch (tensors made outside the timing)."""
    try:
        import torch
    except ImportError:
        return None, None
    if threads:
        torch.set_num_threads(threads)
    functional = torch.nn.functional

    def prepare(params0, batches):
        initial = {name: torch.from_numpy(value) for name, value in params0.items()}
        tensors = [(torch.from_numpy(x), torch.from_numpy(t.astype(np.int64))) for x, t in batches]
        return initial, tensors

    def steps(prepared):
        initial, tensors = prepared
        params = {name: value.clone().requires_grad_() for name, value in initial.items()}
        order = list(params.values())
        for x, t in tensors:
            h = torch.relu(torch.addmm(params["b1"], x, params["W1"]))
            loss = functional.cross_entropy(torch.addmm(params["b2"], h, params["W2"]), t)
            grads = torch.autograd.grad(loss, order)
            with torch.no_grad():
                for param, grad in zip(order, grads, strict=True):
                    param.sub_(grad, alpha=LEARNING_RATE)
        return {name: value.detach().numpy() for name, value in params.items()}

    info = f"torch {torch.__version__}, {torch.get_num_threads()} threads"
    return (prepare, steps), info


# --------------------------------------------------------------------------- (d) the bound


def matmul_bound(params0, batches):
    """The five products of one step, for every batch: the floor on this BLAS."""
    W1, W2 = params0["W1"], params0["W2"]
    for x, _ in batches:
        h = x @ W1
        d = h @ W2
        h.T @ d
        dh = d @ W2.T
        x.T @ dh


# --------------------------------------------------------------------------- timing and report


def evaluate(params, x, t):
    """Loss and accuracy of trained parameters on all images, in float64 for every method."""
    params64 = {name: np.asarray(value, dtype=np.float64) for name, value in params.items()}
    logits = network.logits(params64, x.astype(np.float64), hidden="relu")
    loss = float(losses.softmax_cross_entropy(logits, t))
    return loss, float(np.mean(logits.argmax(axis=1) == t))


def parse_arguments(argv):
    parser = argument_parser(__doc__.split("\n\n")[0], TARGET_RATIO)
    parser.add_argument("--repeats", type=int, default=11, help="runs of each method (default: 11)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_arguments(argv)
    pin_blas_threads(args.threads)
    x, t, source = load_data()
    params0 = network.init_params(LAYER_SIZES, rng=SEED, scale="he")
    batches = [(np.ascontiguousarray(x[rows]), t[rows]) for rows in batch_rows(len(x))]
    print(describe_machine())
    print(f"data: {source}, x {x.shape} {x.dtype}; {STEPS} SGD steps of {BATCH_SIZE}, "
          f"learning rate {LEARNING_RATE}, network {'-'.join(map(str, LAYER_SIZES))} ReLU, "
          "softmax cross-entropy")

    nnlib_runs = {
        NNLIB: lambda: nnlib_sgd_step(params0, batches),
        "(a') nnlib train_sgd": lambda: nnlib_train_sgd(params0, x, t),
        "(a'') nnlib gradients+sgd_update": lambda: nnlib_gradients_and_update(params0, batches),
    }
    methods = {
        "(d) matmul-only lower bound": lambda: matmul_bound(params0, batches),
        **nnlib_runs,
        "(b) book-style layers, float64": lambda: book_steps(params0, batches),
    }
    torch_parts, torch_info = torch_method(args.threads)
    if torch_parts is not None:
        prepare, steps = torch_parts
        prepared = prepare(params0, batches)
        methods["(c) PyTorch CPU"] = lambda: steps(prepared)
        print(torch_info)
    else:
        print("PyTorch not installed: (c) skipped")

    trained = {name: run() for name, run in nnlib_runs.items()}
    trained["(b) book-style layers, float64"] = book_steps(params0, batches)
    if torch_parts is not None:
        trained["(c) PyTorch CPU"] = steps(prepared)
    results = {name: evaluate(params, x, t) for name, params in trained.items()}
    initial_loss, _ = evaluate(params0, x, t)

    times = time_interleaved(methods, args.repeats)
    bound = statistics.median(times["(d) matmul-only lower bound"])
    bound_min = min(times["(d) matmul-only lower bound"])
    print(f"\n{'method':<34} {'runs':>4} {'median s':>9} {'min s':>7} {'x bound':>8} "
          f"{'(min)':>6} {'loss':>8} {'accuracy':>9}")
    for name, seconds in sorted(times.items(), key=lambda item: statistics.median(item[1])):
        median = statistics.median(seconds)
        loss, acc = results.get(name, (None, None))
        loss_text = "-" if loss is None else f"{loss:.5f}"
        acc_text = "-" if acc is None else f"{acc:.4f}"
        print(f"{name:<34} {len(seconds):>4} {median:>9.3f} {min(seconds):>7.3f} "
              f"{median / bound:>8.2f} {min(seconds) / bound_min:>6.2f} {loss_text:>8} "
              f"{acc_text:>9}")
    print(f"(x bound: median over the bound's median; (min): fastest run over the bound's fastest. "
          f"Loss and accuracy\n on all {len(x):,} images after training; before training the loss "
          f"is {initial_loss:.5f}.)")

    reference = results["(b) book-style layers, float64"][0]
    same_params = all(np.array_equal(trained[NNLIB][name], trained[other][name])
                      for other in nnlib_runs for name in params0)
    agree = {name: abs(loss - reference) <= LOSS_RTOL * reference
             for name, (loss, _) in results.items()}
    print(f"\nthe three nnlib rows end with identical weights: {same_params}")
    for name, ok in agree.items():
        gap = abs(results[name][0] - reference) / reference
        print(f"{name:<34} loss within {LOSS_RTOL:g} (relative) of (b)'s: {ok} "
              f"(difference {gap:.1e})")
    if not (same_params and all(agree.values())):
        print("\nThe implementations disagree: the timings above do not compare like with like.")
        return 1

    ratio = statistics.median(times[NNLIB]) / bound
    verdict = "within" if ratio <= TARGET_RATIO else "NOT within"
    print(f"\nnnlib training (sgd_step): {ratio:.2f}x the lower bound (median; "
          f"{min(times[NNLIB]) / bound_min:.2f}x fastest run to fastest run), {verdict} the "
          f"{TARGET_RATIO}x target.")
    return 1 if args.check and ratio > TARGET_RATIO else 0


if __name__ == "__main__":
    sys.exit(main())
