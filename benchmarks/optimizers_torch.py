"""nnlib's optimizers against torch.optim: the same steps from the same start, compared.

Not a timing: a check that each update rule in :mod:`nnlib.optimizers` is the one its docstring
claims, against an independent implementation. PyTorch is not a dependency of the course (nor of
its tests), so this is a script, run with an interpreter that has both ``torch`` and ``nnlib``::

    python benchmarks/optimizers_torch.py              # 200 steps, float64 and float32
    python benchmarks/optimizers_torch.py --steps 1000

Both sides step the same parameters (a weight matrix and a bias) with the gradient of a fixed
quadratic plus a fixed sequence of noise, each computed from its own current parameters, so a
difference that appears at one step is carried into the next gradients. For each optimizer the
script prints the largest difference between the two sides' parameters over all steps, absolute
and relative to the largest parameter, and what was expected:

- ``same rule``: SGD, Momentum, AdaGrad and RMSprop are the same rule as PyTorch's
  (``SGD(momentum=...)``, ``Adagrad``, ``RMSprop(alpha=decay_rate)``) with the same ``eps``, so
  only rounding may separate them;
- ``book's variant``: Nesterov follows the book, which multiplies ``momentum**2`` by the new
  velocity; PyTorch's ``nesterov=True`` is Bengio et al.'s rule with the old one. The two
  differ from the first step; the same rule written out here with the old velocity must match
  PyTorch to rounding, which shows that the variant is the whole difference;
- ``eps placement``: the book's Adam folds the bias corrections into the step size, which
  amounts to PyTorch's ``eps`` divided by ``sqrt(1 - beta2**t)``. With a negligible ``eps``
  on both sides (1e-16) the two must match to rounding.

The script exits with status 1 if an expectation fails. Run it with ``torch`` installed (CPU
build: ``pip install torch --index-url https://download.pytorch.org/whl/cpu``).
"""

import argparse
import sys

import numpy as np

try:
    import torch
except ImportError:  # say so and fail: a comparison that silently does nothing proves nothing
    sys.exit("optimizers_torch.py needs PyTorch: pip install torch (CPU build is enough)")

from nnlib.optimizers import SGD, AdaGrad, Adam, Momentum, Nesterov, RMSprop

SHAPES = {"W": (30, 20), "b": (20,)}
# the largest relative difference allowed where the rules are the same
ROUNDING = {np.float64: 1e-11, np.float32: 1e-5}


def quadratic_problem(seed, steps):
    """Start, minimum, curvatures and a noise sequence for every parameter (float64)."""
    rng = np.random.default_rng(seed)
    return {
        key: {
            "start": rng.standard_normal(shape),
            "target": rng.standard_normal(shape),
            "curvature": 10.0 ** rng.uniform(-1, 1, shape),
            "noise": 0.3 * rng.standard_normal((steps, *shape)),
        }
        for key, shape in SHAPES.items()
    }


def gradient(problem, params, step):
    """``curvature * (p - target) + noise[step]`` for each parameter, in its dtype."""
    return {
        key: (spec["curvature"] * (params[key] - spec["target"]) + spec["noise"][step]).astype(
            params[key].dtype
        )
        for key, spec in problem.items()
    }


def run_nnlib(optimizer, problem, steps, dtype):
    params = {key: spec["start"].astype(dtype) for key, spec in problem.items()}
    trajectory = []
    for step in range(steps):
        optimizer.update(params, gradient(problem, params, step))
        trajectory.append({key: value.copy() for key, value in params.items()})
    return trajectory


def run_torch(make_optimizer, problem, steps, dtype):
    tensors = {key: torch.tensor(spec["start"].astype(dtype), requires_grad=True)
               for key, spec in problem.items()}
    optimizer = make_optimizer(list(tensors.values()))
    trajectory = []
    for step in range(steps):
        current = {key: tensor.detach().numpy() for key, tensor in tensors.items()}
        grads = gradient(problem, current, step)
        for key, tensor in tensors.items():
            tensor.grad = torch.from_numpy(grads[key])
        optimizer.step()
        trajectory.append({key: tensor.detach().numpy().copy() for key, tensor in tensors.items()})
    return trajectory


class BengioNesterov:
    """Bengio et al. (2012) eq. 7, written out here: ``momentum**2`` times the *old* velocity."""

    def __init__(self, lr, momentum):
        self.lr, self.momentum, self.v = lr, momentum, None

    def update(self, params, grads):
        if self.v is None:
            self.v = {key: np.zeros_like(value) for key, value in params.items()}
        for key in params:
            params[key] += (self.momentum**2 * self.v[key]
                            - (1 + self.momentum) * self.lr * grads[key])
            self.v[key] = self.momentum * self.v[key] - self.lr * grads[key]


def largest_difference(ours, theirs):
    """Max |ours - theirs| over all steps and parameters, and that over the largest |param|."""
    absolute = max(np.max(np.abs(a[key].astype(np.float64) - b[key].astype(np.float64)))
                   for a, b in zip(ours, theirs, strict=True) for key in a)
    scale = max(np.max(np.abs(b[key])) for b in theirs for key in b)
    return float(absolute), float(absolute / scale)


def comparisons(lr):
    """(name, nnlib side, torch side, expectation): expectation 'same' or 'differs'."""
    mu = 0.9
    return [
        ("SGD", lambda: SGD(lr=lr), lambda p: torch.optim.SGD(p, lr=lr), "same"),
        ("Momentum", lambda: Momentum(lr=lr, momentum=mu),
         lambda p: torch.optim.SGD(p, lr=lr, momentum=mu), "same"),
        ("Nesterov (book)", lambda: Nesterov(lr=lr, momentum=mu),
         lambda p: torch.optim.SGD(p, lr=lr, momentum=mu, nesterov=True), "differs"),
        ("Nesterov (Bengio, written out)", lambda: BengioNesterov(lr=lr, momentum=mu),
         lambda p: torch.optim.SGD(p, lr=lr, momentum=mu, nesterov=True), "same"),
        ("AdaGrad", lambda: AdaGrad(lr=lr, eps=1e-7),
         lambda p: torch.optim.Adagrad(p, lr=lr, eps=1e-7), "same"),
        ("RMSprop", lambda: RMSprop(lr=lr, decay_rate=0.99, eps=1e-7),
         lambda p: torch.optim.RMSprop(p, lr=lr, alpha=0.99, eps=1e-7), "same"),
        ("Adam, eps 1e-7", lambda: Adam(lr=lr, eps=1e-7),
         lambda p: torch.optim.Adam(p, lr=lr, eps=1e-7), "close"),
        ("Adam, eps 1e-16", lambda: Adam(lr=lr, eps=1e-16),
         lambda p: torch.optim.Adam(p, lr=lr, eps=1e-16), "same"),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200, help="steps per run (default 200)")
    parser.add_argument("--lr", type=float, default=0.01, help="learning rate of every run")
    args = parser.parse_args()
    torch.set_num_threads(1)
    problem = quadratic_problem(0, args.steps)
    print(f"torch {torch.__version__}, NumPy {np.__version__}; {args.steps} steps, lr {args.lr},"
          f" parameters {SHAPES}")
    failures = []
    for dtype in (np.float64, np.float32):
        print(f"\n{np.dtype(dtype).name}: largest difference from torch.optim over all steps")
        print(f"  {'optimizer':<32}{'absolute':>11}{'relative':>11}  expected")
        for name, ours, theirs, expected in comparisons(args.lr):
            absolute, relative = largest_difference(
                run_nnlib(ours(), problem, args.steps, dtype),
                run_torch(theirs, problem, args.steps, dtype),
            )
            rounding = ROUNDING[dtype]
            if expected == "same":
                ok, note = relative <= rounding, f"same rule (rounding, <= {rounding:g})"
            elif expected == "close":
                ok, note = relative <= 1e-3, "eps placement (<= 1e-3)"
            else:
                ok, note = relative > 1e-3, "book's variant (differs by design)"
            print(f"  {name:<32}{absolute:>11.2e}{relative:>11.2e}  {note}"
                  + ("" if ok else "  <-- UNEXPECTED"))
            if not ok:
                failures.append(f"{np.dtype(dtype).name} {name}")
    if failures:
        print("\nunexpected:", ", ".join(failures))
        sys.exit(1)
    print("\nevery comparison as expected")


if __name__ == "__main__":
    main()
