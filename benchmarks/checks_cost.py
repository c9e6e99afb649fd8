"""What do nnlib's argument checks cost in the training loop?

The validation policy (CONTRIBUTING.md) has every public function check its arguments once per
call. ``nnlib.backprop.sgd_step`` runs 600 times an epoch of MNIST, so its checks must be cheap.
A whole-step benchmark cannot show this (the noise between runs is larger than the effect), so
this script times each check **by itself**, with ``timeit``, on the arguments of one step of the
784-100-10 network of ``benchmarks/training.py`` (a float32 batch of 100 images, ReLU, softmax
cross-entropy), and prints each as microseconds per call and as a share of one ``sgd_step``
timed in the same run.

The checks one ``sgd_step`` makes:

- ``learning_rate``: a real, finite, positive number;
- ``params``: the keys W1, b1, W2, b2 and nothing else, floating arrays whose shapes chain
  (``network.layer_count``);
- the names ``hidden``, ``output``, ``loss`` and the dropout rate;
- ``x``: floating, 2-D, not empty, as wide as ``W1``, and finite (one pass over 78,400 values);
- the logits (100 x 10) finite, which is where a NaN weight shows (instead of a pass over the
  79,510 weights);
- ``t``: integer labels in [0, 10), turned into one-hot rows (the conversion is needed anyway;
  the check is its min/max);
- the loss, one number, finite.

Run from the repository root:

    python benchmarks/checks_cost.py               # BLAS's default threads
    python benchmarks/checks_cost.py --threads 1   # one core
"""

import argparse
import statistics
import timeit

import numpy as np
from harness import describe_machine, pin_blas_threads

from nnlib import backprop, network
from nnlib._checks import check_array, check_labels, require_finite

LAYER_SIZES = (784, 100, 10)
BATCH_SIZE = 100
LEARNING_RATE = 0.1


def parse_arguments(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=0,
                        help="threads for NumPy's BLAS (default: its default)")
    parser.add_argument("--repeats", type=int, default=15,
                        help="rounds of timing, every row once per round (default 15)")
    return parser.parse_args(argv)


def calls_per_run(function, seconds=0.1):
    """How many calls of ``function`` take about ``seconds``."""
    number, _ = timeit.Timer(function).autorange()  # about 0.2 s
    return max(1, round(number * seconds / 0.2))


def time_rounds(methods, repeats):
    """Seconds per call of every method, ``repeats`` rounds, the methods interleaved in each.

    Interleaving, as benchmarks/harness.py does for whole runs, lets a machine that gets busier
    half-way slow every row alike, so the shares below compare like with like.
    """
    timers = {name: (timeit.Timer(f), calls_per_run(f)) for name, f in methods.items()}
    runs = {name: [] for name in methods}
    for _ in range(repeats):
        for name, (timer, number) in timers.items():
            runs[name].append(timer.timeit(number) / number)
    return runs


def main(argv=None):
    args = parse_arguments(argv)
    pin_blas_threads(args.threads)
    rng = np.random.default_rng(0)
    params = network.init_params(LAYER_SIZES, rng=0, scale="he")
    x = rng.random((BATCH_SIZE, LAYER_SIZES[0]), dtype=np.float32)
    t = rng.integers(0, LAYER_SIZES[-1], BATCH_SIZE).astype(np.uint8)
    logits = network.logits(params, x, hidden="relu")
    print(describe_machine())
    print(f"one sgd_step: {'-'.join(map(str, LAYER_SIZES))} ReLU network, softmax cross-entropy, "
          f"float32 batch x {x.shape}, labels t {t.shape} {t.dtype}")

    def train_step():  # a step changes the weights a little; they stay finite and realistic
        backprop.sgd_step(params, x, t, LEARNING_RATE, hidden="relu")

    checks = {
        "learning_rate (check_real)": lambda: backprop._check_learning_rate(LEARNING_RATE),
        "params (layer_count)": lambda: network.layer_count(params),
        "hidden, output, loss, dropout_rate": lambda: backprop._check_options(
            "relu", "softmax", "cross_entropy", 0.0),
        "x: dtype, shape, width, not empty": lambda: check_array(x, "x", ndim=2, nonempty=True),
        "x: finite (require_finite)": lambda: require_finite(x, "x"),
        "logits finite (100 x 10)": lambda: network._require_finite_logits(params, logits),
        "t: labels in [0, 10) (check_labels)": lambda: check_labels(t, "t", 10),
        "loss value finite": lambda: np.isfinite(np.float32(0.3)),
    }
    reference = "(not done) every weight finite, 79,510"
    methods = {
        "one sgd_step": train_step,
        **checks,
        reference: lambda: [require_finite(value, name) for name, value in params.items()],
    }
    runs = time_rounds(methods, args.repeats)
    fastest = {name: min(seconds) for name, seconds in runs.items()}
    median = {name: statistics.median(seconds) for name, seconds in runs.items()}
    step = fastest["one sgd_step"]

    print(f"\n{'check (once per sgd_step call)':<40} {'us/call':>8} {'median':>8} {'% step':>7}")
    for name in [*checks, reference]:
        if name == reference:
            print()
        print(f"{name:<40} {fastest[name] * 1e6:>8.2f} {median[name] * 1e6:>8.2f} "
              f"{100 * fastest[name] / step:>6.2f}%")
    total = sum(fastest[name] for name in checks)
    print(f"\n{'all checks of one sgd_step (sum)':<40} {total * 1e6:>8.2f} {'':>8} "
          f"{100 * total / step:>6.2f}%")
    print(f"{'one sgd_step, checks included':<40} {step * 1e6:>8.1f} "
          f"{median['one sgd_step'] * 1e6:>8.1f} {100:>6.2f}%")
    print("(us/call: the fastest of the rounds, the steadier figure on a busy machine; "
          "% step: fastest / fastest)")


if __name__ == "__main__":
    main()
