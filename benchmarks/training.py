"""How fast does nnlib train a small network for one epoch, and how close is it to the floor?

Times, in one run, one epoch of plain SGD over the 60,000 Fashion-MNIST training images (600
steps of 100 images, learning rate 0.1) of a 784-100-10 network with a ReLU hidden layer and
softmax cross-entropy, float32:

- (a) the layered network: ``nnlib.layers.LayerNet`` and ``nnlib.optimizers.SGD``, each step
  ``loss, grads = net.gradient(x, t)`` then ``optimizer.update(net.params, grads)``, exactly the
  step of ``nnlib.training.train``;
- (a') ``nnlib.training.train`` itself, one epoch (it also gathers each batch);
- (b) the functional path: ``nnlib.backprop.sgd_step``, one call per batch;
- (b') ``nnlib.backprop.gradients`` + ``sgd_update``, the same steps with the gradients kept;
- (c) the style of *Deep Learning from Scratch*: float64 layer objects (``Affine``, ``Relu``,
  ``SoftmaxWithLoss``) with ``forward``/``backward`` methods, written below;
- (d) the floor: only the five matrix products one step cannot avoid, ``x @ W1``, ``h @ W2``,
  ``h.T @ d``, ``d @ W2.T`` and ``x.T @ dh`` (no gradient for the input), float32;
- (e) PyTorch on the CPU, float32, **in a process of its own** (``torch_process.py``), if an
  interpreter with torch is at hand (``--torch-python``);
- (a1) only when ``threadpoolctl`` is installed and BLAS has more than one thread: (a) with
  BLAS limited to one thread for the epoch (``threadpool_limits(1, "blas")``), what nnlib would
  gain by doing so itself.

Every implementation starts from the same weights and is fed the same 600 batches, in the order
``train(..., rng=0)`` draws them, gathered before the timing (only (a') gathers its own). Each is
run several times: the NumPy methods round-robin in this process, PyTorch once per round in its
own, so that a busy machine slows them all alike. The script prints the median and minimum of
each, both as ratios to the floor's, and each trained network's loss and accuracy on the 10,000
test images (evaluated alike, in float64). (a) and (a') must end with identical weights, and so
must (b) and (b'); every loss must agree with (c)'s to a tolerance, since float32 and float64
training drift apart by rounding.

Data: ``nnlib.datasets.load_fashion_mnist``. If it cannot be loaded, a seeded synthetic set of
the same shape is used instead, and the output says so.

Run from the repository root (see benchmarks/README.md):

    python benchmarks/training.py --torch-python /path/to/venv-with-torch/bin/python
    python benchmarks/training.py --threads 1
"""

import statistics
import sys
import tempfile

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

from nnlib import backprop, losses, network
from nnlib.layers import LayerNet
from nnlib.optimizers import SGD
from nnlib.training import train

TARGET_RATIO = 1.5
BATCH_SIZE = 100
LEARNING_RATE = 0.1
LAYER_SIZES = (784, 100, 10)
SEED = 0
LAYERED = "(a) nnlib LayerNet + SGD"
TRAIN = "(a') nnlib.training.train"
FUNCTIONAL = "(b) nnlib backprop.sgd_step"
FUNCTIONAL_KEPT = "(b') backprop gradients+sgd_update"
BOOK = "(c) book-style layers, float64"
FLOOR = "(d) matmul-only floor"
TORCH = "(e) PyTorch CPU, own process"
ONE_THREAD = "(a1) (a), BLAS at 1 thread"
# float32 and float64 training drift apart by rounding; a hidden unit whose input is within
# rounding of 0 can switch on in one run and off in the other, which moved a float32 run's loss
# by 1.6e-3 from the float64 one within this epoch. A wrong gradient is off by far more.
LOSS_RTOL = 5e-3


# --------------------------------------------------------------------------- data and batches


def load_data():
    """Fashion-MNIST's training and test splits (float32 in [0, 1]), or a synthetic set."""
    try:
        from nnlib import datasets

        x, t = datasets.load_fashion_mnist("train")
        x_test, t_test = datasets.load_fashion_mnist("test")
        return x, t, x_test, t_test, "Fashion-MNIST"
    except (ImportError, OSError, ValueError) as error:
        rng = np.random.default_rng(SEED)
        x = rng.random((70_000, 784), dtype=np.float32)
        teacher = rng.standard_normal((784, 10)).astype(np.float32)
        t = np.argmax((x - 0.5) @ teacher, axis=1).astype(np.uint8)
        return (x[:60_000], t[:60_000], x[60_000:], t[60_000:],
                f"SYNTHETIC seeded data of Fashion-MNIST's shape (not loaded: {error})")


def epoch_rows(n, batch_size=BATCH_SIZE, seed=SEED):
    """The rows of each batch of one epoch, in the order ``train(..., rng=seed)`` visits them."""
    order = np.random.default_rng(seed).permutation(n)
    return order.reshape(-1, batch_size)


# --------------------------------------------------------------------------- (a) layered


def layered_steps(params0, batches):
    """The step of nnlib.training.train, batch after batch."""
    net = LayerNet.from_params({name: value.copy() for name, value in params0.items()},
                               hidden="relu")
    optimizer = SGD(lr=LEARNING_RATE)
    for x, t in batches:
        _, grads = net.gradient(x, t)
        optimizer.update(net.params, grads)
    return dict(net.params)


def training_loop(params0, x, t):
    net = LayerNet.from_params({name: value.copy() for name, value in params0.items()},
                               hidden="relu")
    train(net, x, t, optimizer=SGD(lr=LEARNING_RATE), epochs=1, batch_size=BATCH_SIZE,
          rng=SEED, accuracy=False)
    return dict(net.params)


def one_thread_layered(params0, batches):
    """(a) with BLAS at one thread, or None without threadpoolctl (or at one thread anyway)."""
    try:
        from threadpoolctl import threadpool_info, threadpool_limits
    except ImportError:
        return None, "threadpoolctl not installed: (a1) skipped"
    blas = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    if not blas or all(pool["num_threads"] == 1 for pool in blas):
        return None, "BLAS runs one thread already: (a1) skipped"

    def run():
        with threadpool_limits(limits=1, user_api="blas"):
            return layered_steps(params0, batches)

    return run, None


# --------------------------------------------------------------------------- (b) functional


def functional_steps(params0, batches):
    params = {name: value.copy() for name, value in params0.items()}
    for x, t in batches:
        backprop.sgd_step(params, x, t, LEARNING_RATE, hidden="relu", output="softmax")
    return params


def functional_gradients_and_update(params0, batches):
    params = {name: value.copy() for name, value in params0.items()}
    for x, t in batches:
        _, grads = backprop.gradients(params, x, t, hidden="relu", output="softmax")
        backprop.sgd_update(params, grads, LEARNING_RATE)
    return params


# --------------------------------------------------------------------------- (c) book style


class TwoLayerNet(BookLayeredNet):
    """The book's two-layer network: a list of layers, float64 parameters in a dict."""

    def __init__(self, params):
        self.params = {name: np.array(value, dtype=np.float64) for name, value in params.items()}
        self.layers = [BookAffine(self.params["W1"], self.params["b1"]), BookRelu(),
                       BookAffine(self.params["W2"], self.params["b2"])]
        self.last_layer = BookSoftmaxWithLoss()

    def gradient(self, x, t):
        self.backpropagate(x, t)
        first, _, second = self.layers
        return {"W1": first.dW, "b1": first.db, "W2": second.dW, "b2": second.db}


def book_steps(params0, batches):
    net = TwoLayerNet(params0)
    for x, t in batches:
        grads = net.gradient(x, t)
        for name in net.params:
            net.params[name] -= LEARNING_RATE * grads[name]
    return net.params


# --------------------------------------------------------------------------- (d) the floor


def matmul_floor(params0, batches):
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
    """Loss and accuracy of trained parameters on the test images, in float64 for every method."""
    params64 = {name: np.asarray(value, dtype=np.float64) for name, value in params.items()}
    logits = network.logits(params64, x.astype(np.float64), hidden="relu")
    loss = float(losses.softmax_cross_entropy(logits, t))
    return loss, float(np.mean(logits.argmax(axis=1) == t))


def parse_arguments(argv):
    parser = argument_parser(__doc__.split("\n\n")[0], TARGET_RATIO)
    parser.add_argument("--repeats", type=int, default=7, help="runs of each method (default: 7)")
    parser.add_argument("--torch-python", metavar="PATH",
                        help="an interpreter with torch and numpy for the PyTorch row (default: "
                             "this one, if it has torch; else the row is skipped)")
    return parser.parse_args(argv)


def print_table(times, results, initial_loss, n_test):
    floor, floor_min = statistics.median(times[FLOOR]), min(times[FLOOR])
    print(f"\n{'method':<36} {'runs':>4} {'median s':>9} {'min s':>7} {'x floor':>8} "
          f"{'(min)':>6} {'loss':>8} {'accuracy':>9}")
    for name, seconds in sorted(times.items(), key=lambda item: statistics.median(item[1])):
        median = statistics.median(seconds)
        loss, acc = results.get(name, (None, None))
        loss_text = "-" if loss is None else f"{loss:.5f}"
        acc_text = "-" if acc is None else f"{acc:.4f}"
        print(f"{name:<36} {len(seconds):>4} {median:>9.3f} {min(seconds):>7.3f} "
              f"{median / floor:>8.2f} {min(seconds) / floor_min:>6.2f} {loss_text:>8} "
              f"{acc_text:>9}")
    print(f"(x floor: median over the floor's median; (min): fastest run over the floor's "
          f"fastest. Loss and\n accuracy on the {n_test:,} test images after the epoch; before "
          f"it the loss is {initial_loss:.5f}.)")


def agreement(trained, results):
    """Print whether the rows computed the same thing; True if they all did."""
    same = {pair: all(np.array_equal(trained[pair[0]][k], trained[pair[1]][k])
                      for k in trained[pair[0]])
            for pair in ((LAYERED, TRAIN), (FUNCTIONAL, FUNCTIONAL_KEPT))
            if pair[1] in trained}
    for (first, second), equal in same.items():
        print(f"{first} and {second} end with identical weights: {equal}")
    reference = results[BOOK][0]
    agree = {name: abs(loss - reference) <= LOSS_RTOL * reference
             for name, (loss, _) in results.items()}
    for name, ok in agree.items():
        gap = abs(results[name][0] - reference) / reference
        print(f"{name:<36} loss within {LOSS_RTOL:g} (relative) of (c)'s: {ok} "
              f"(difference {gap:.1e})")
    return all(same.values()) and all(agree.values())


def main(argv=None):
    args = parse_arguments(argv)
    pin_blas_threads(args.threads)
    x, t, x_test, t_test, source = load_data()
    params0 = network.init_params(LAYER_SIZES, rng=SEED, scale="he")
    rows = epoch_rows(len(x))
    batches = [(np.ascontiguousarray(x[batch]), t[batch]) for batch in rows]
    print(describe_machine())
    print(f"data: {source}, x {x.shape} {x.dtype}; one epoch: {len(batches)} SGD steps of "
          f"{BATCH_SIZE}, learning rate {LEARNING_RATE}, network "
          f"{'-'.join(map(str, LAYER_SIZES))} ReLU, softmax cross-entropy")

    methods = {
        FLOOR: lambda: matmul_floor(params0, batches),
        LAYERED: lambda: layered_steps(params0, batches),
        TRAIN: lambda: training_loop(params0, x, t),
        FUNCTIONAL: lambda: functional_steps(params0, batches),
        FUNCTIONAL_KEPT: lambda: functional_gradients_and_update(params0, batches),
        BOOK: lambda: book_steps(params0, batches),
    }
    one_thread, note = one_thread_layered(params0, batches)
    if one_thread is None:
        print(note)
    else:
        methods[ONE_THREAD] = one_thread
    trained = {name: run() for name, run in methods.items() if name != FLOOR}

    python, note = torch_python(args.torch_python)
    with tempfile.TemporaryDirectory() as folder:
        if python is None:
            print(note)
            times = time_rounds(methods, args.repeats)
        else:
            arrays = {"x": x, "t": t, "rows": rows, "learning_rate": LEARNING_RATE, **params0}
            with TorchProcess(python, "training", arrays, args.threads, folder) as torch_side:
                print(f"{torch_side.description} ({python})")
                times = time_rounds(methods, args.repeats, torch_side, TORCH)
                trained[TORCH] = torch_side.result()
                torch_side.close()
    results = {name: evaluate(params, x_test, t_test) for name, params in trained.items()}
    initial_loss, _ = evaluate(params0, x_test, t_test)
    print_table(times, results, initial_loss, len(x_test))

    print()
    if not agreement(trained, results):
        print("\nThe implementations disagree: the timings above do not compare like with like.")
        return 1
    floor = statistics.median(times[FLOOR])
    ratio = statistics.median(times[LAYERED]) / floor
    verdict = "within" if ratio <= TARGET_RATIO else "NOT within"
    print(f"\nnnlib layered training: {ratio:.2f}x the floor (median; "
          f"{min(times[LAYERED]) / min(times[FLOOR]):.2f}x fastest run to fastest run), "
          f"{verdict} the {TARGET_RATIO}x target.")
    if TORCH in times:
        speedup = statistics.median(times[TORCH]) / statistics.median(times[LAYERED])
        print(f"PyTorch CPU takes {speedup:.2f}x the time of nnlib's layered network "
              f"({'behind' if speedup > 1 else 'AHEAD OF'} nnlib).")
    return 1 if args.check and ratio > TARGET_RATIO else 0


if __name__ == "__main__":
    sys.exit(main())
