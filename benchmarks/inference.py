"""How fast is inference with the book's MNIST network, and how close is nnlib to the floor?

Times, on the whole MNIST test set (10,000 images) and in one run:

- the per-sample loop of seeds 000/003 (one image at a time, plain NumPy),
- the batch-of-100 loop of seed 003 (plain NumPy),
- the same plain NumPy code on the whole set in one batch,
- ``nnlib.network.predict`` on the whole set,
- the lower bound: the three matrix products alone, ``((x @ W1) @ W2) @ W3`` — no bias, no
  activation, so no real network can be faster on the same BLAS,
- PyTorch on the CPU, **in a process of its own** (``torch_process.py``), if an interpreter with
  torch is at hand (``--torch-python``): alternating OpenBLAS and PyTorch work in one process
  slowed PyTorch down 1.6-2x.

Each is run several times, interleaved so that a busy machine slows them all alike (the NumPy
methods round-robin in this process, PyTorch once per round in its own); the script prints the
median and minimum of each, the median as a ratio of the lower bound's, and each method's
accuracy, which must be the same 0.9352 for every method that computes the network.

Run from the repository root (see benchmarks/README.md):

    NNLIB_DATA_DIR=/path/to/data python benchmarks/inference.py --torch-python PATH
"""

import statistics
import sys
import tempfile
from functools import partial

import numpy as np
from harness import argument_parser, describe_machine, pin_blas_threads, time_interleaved
from torch_process import TorchProcess, time_rounds, torch_python

from nnlib import datasets, network

TARGET_RATIO = 1.3
BATCH_SIZE = 100
TORCH = "PyTorch CPU, own process"


# --------------------------------------------------------------------------- the methods


def sigmoid(a):
    """The book's sigmoid; silent about exp's overflow, whose limit 1 / inf = 0 is right."""
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-a))


def softmax(a):
    """Softmax over the last axis, largest logit subtracted first."""
    exp_a = np.exp(a - a.max(axis=-1, keepdims=True))
    return exp_a / exp_a.sum(axis=-1, keepdims=True)


def book_forward(params, x):
    """The book's forward pass in plain NumPy, as the seeds write it (bug fixed)."""
    z1 = sigmoid(x @ params["W1"] + params["b1"])
    z2 = sigmoid(z1 @ params["W2"] + params["b2"])
    return softmax(z2 @ params["W3"] + params["b3"])


def per_sample_loop(params, x):
    """One image at a time: 10,000 small vector-matrix products."""
    return np.array([np.argmax(book_forward(params, row)) for row in x])


def batch_loop(params, x, batch_size=BATCH_SIZE):
    """Batches of 100 images: 100 matrix-matrix products per layer."""
    chunks = [book_forward(params, x[i : i + batch_size]) for i in range(0, len(x), batch_size)]
    return np.argmax(np.concatenate(chunks), axis=1)


def one_batch(params, x):
    """The plain NumPy forward pass on all images at once."""
    return np.argmax(book_forward(params, x), axis=1)


def nnlib_predict(params, x):
    return network.predict(params, x)


def matmul_bound(params, x):
    """The three matrix products alone: the floor for any implementation on this BLAS."""
    return ((x @ params["W1"]) @ params["W2"]) @ params["W3"]


# --------------------------------------------------------------------------- timing


def accuracy(predicted, t):
    return float(np.mean(np.asarray(predicted) == t))


def parse_arguments(argv):
    parser = argument_parser(__doc__.split("\n\n")[0], TARGET_RATIO)
    parser.add_argument("--repeats", type=int, default=31,
                        help="runs of each batched method (default: 31)")
    parser.add_argument("--loop-repeats", type=int, default=5,
                        help="runs of the per-sample and batch-of-100 loops (default: 5)")
    parser.add_argument("--torch-python", metavar="PATH",
                        help="an interpreter with torch and numpy for the PyTorch row (default: "
                             "this one, if it has torch; else the row is skipped)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_arguments(argv)
    pin_blas_threads(args.threads)
    x, t = datasets.load_mnist("test")
    params = datasets.load_sample_weights()
    print(describe_machine())
    print(f"MNIST test set: x {x.shape} {x.dtype}; weights "
          + ", ".join(f"{k} {v.shape}" for k, v in params.items() if k.startswith("W")))

    batched = {
        "matmul-only lower bound": partial(matmul_bound, params, x),
        "nnlib.network.predict": partial(nnlib_predict, params, x),
        "plain NumPy, one batch": partial(one_batch, params, x),
    }
    loops = {
        "per-sample loop": partial(per_sample_loop, params, x),
        f"batch-of-{BATCH_SIZE} loop": partial(batch_loop, params, x),
    }

    computed = {**loops, **batched}
    computed.pop("matmul-only lower bound")
    predictions = {name: run() for name, run in computed.items()}
    python, note = torch_python(args.torch_python)
    with tempfile.TemporaryDirectory() as folder:
        if python is None:
            print(note)
            times = time_rounds(batched, args.repeats)
        else:
            with TorchProcess(python, "inference", {"x": x, **params}, args.threads,
                              folder) as torch_side:
                print(f"{torch_side.description} ({python})")
                times = time_rounds(batched, args.repeats, torch_side, TORCH)
                predictions[TORCH] = torch_side.result()["predicted"]
                torch_side.close()
    times.update(time_interleaved(loops, args.loop_repeats))

    bound = statistics.median(times["matmul-only lower bound"])
    bound_min = min(times["matmul-only lower bound"])
    print(f"\n{'method':<26} {'runs':>4} {'median ms':>10} {'x bound':>8} {'min ms':>8} "
          f"{'x bound':>8} {'accuracy':>9}")
    for name, seconds in times.items():
        median, fastest = statistics.median(seconds), min(seconds)
        acc = f"{accuracy(predictions[name], t):.4f}" if name in predictions else "-"
        print(f"{name:<26} {len(seconds):>4} {median * 1e3:>10.2f} {median / bound:>8.2f} "
              f"{fastest * 1e3:>8.2f} {fastest / bound_min:>8.2f} {acc:>9}")

    accuracies = {name: accuracy(p, t) for name, p in predictions.items()}
    if len(set(accuracies.values())) != 1:
        print(f"\nMethods disagree on the accuracy: {accuracies}")
        return 1
    ratio = statistics.median(times["nnlib.network.predict"]) / bound
    verdict = "within" if ratio <= TARGET_RATIO else "NOT within"
    common = next(iter(accuracies.values()))
    print(f"\nnnlib batched predict: {ratio:.2f}x the lower bound, {verdict} the "
          f"{TARGET_RATIO}x target; every method's accuracy is {common:.4f}.")
    if TORCH in times:
        speedup = statistics.median(times[TORCH]) / statistics.median(
            times["nnlib.network.predict"])
        print(f"PyTorch CPU takes {speedup:.2f}x the time of nnlib.network.predict.")
    return 1 if args.check and ratio > TARGET_RATIO else 0


if __name__ == "__main__":
    sys.exit(main())
