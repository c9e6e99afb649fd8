"""What the benchmark scripts share: BLAS thread pinning, interleaved timing, the machine line,
and the book's float64 layer objects that the book-style rows time.

The scripts import it as a sibling module (``python benchmarks/NAME.py`` puts this folder first on
the module search path).
"""

import argparse
import os
import platform
import sys
import time

import numpy as np

THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def pin_blas_threads(threads):
    """BLAS reads its thread count when NumPy is imported: set it and start again if it differs.

    Parameters
    ----------
    threads : int
        0 keeps the libraries' defaults.
    """
    wanted = str(threads)
    if threads and any(os.environ.get(name) != wanted for name in THREAD_VARIABLES):
        os.environ.update(dict.fromkeys(THREAD_VARIABLES, wanted))
        os.execv(sys.executable, [sys.executable, *sys.argv])


def argument_parser(description, target_ratio):
    """A parser with the options every benchmark takes: ``--threads`` and ``--check``.

    Parameters
    ----------
    description : str
    target_ratio : float
        The ratio to the lower bound that ``--check`` enforces.

    Returns
    -------
    argparse.ArgumentParser
        The script adds its own ``--repeats`` options.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--threads", type=int, default=0,
                        help="threads for NumPy's BLAS and for PyTorch (default: their defaults)")
    parser.add_argument("--check", action="store_true",
                        help=f"exit with status 1 if nnlib takes over {target_ratio}x the bound")
    return parser


def time_interleaved(methods, repeats):
    """Run every method ``repeats`` times, round-robin, so a busy machine slows them all alike.

    Parameters
    ----------
    methods : dict
        ``name -> callable`` taking no arguments.
    repeats : int

    Returns
    -------
    dict
        ``name -> list of seconds``, one per run.
    """
    times = {name: [] for name in methods}
    for _ in range(repeats):
        for name, run in methods.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return times


def describe_machine():
    """One line: Python, NumPy and its BLAS, the CPU, and any thread limits in force."""
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        blas = f"{blas['name']} {blas.get('version', '')}".strip()
    except (TypeError, KeyError):  # NumPy 1 has no mode="dicts"
        blas = "BLAS: see numpy.show_config()"
    limits = [f"{v}={os.environ[v]}" for v in THREAD_VARIABLES if v in os.environ]
    return (
        f"Python {platform.python_version()}, NumPy {np.__version__} ({blas}), "
        f"{platform.machine()}, {os.cpu_count()} CPUs"
        + (f", {' '.join(limits)}" if limits else ", default BLAS threads")
    )


class BookLayeredNet:
    """The book's network of layer objects; a subclass sets ``layers`` and ``last_layer``."""

    layers = ()
    last_layer = None

    def loss(self, x, t):
        """Forward through every layer, then the loss layer; returns the loss."""
        for layer in self.layers:
            x = layer.forward(x)
        return self.last_layer.forward(x, t)

    def backpropagate(self, x, t):
        """Forward and backward passes; each layer keeps its own gradients (``dW``, ``db``)."""
        self.loss(x, t)
        dout = self.last_layer.backward()
        for layer in reversed(self.layers):
            dout = layer.backward(dout)


class BookAffine:
    """The book's ``Affine``: ``x @ W + b``, flattening images to rows; keeps ``x``."""

    def __init__(self, W, b):
        self.W, self.b = W, b
        self.x = self.original_x_shape = self.dW = self.db = None

    def forward(self, x):
        self.original_x_shape = x.shape
        self.x = x.reshape(x.shape[0], -1)
        return np.dot(self.x, self.W) + self.b

    def backward(self, dout):
        self.dW = np.dot(self.x.T, dout)
        self.db = np.sum(dout, axis=0)
        return np.dot(dout, self.W.T).reshape(*self.original_x_shape)


class BookRelu:
    """The book's ``Relu``: ``max(x, 0)``; keeps the mask of non-positive inputs."""

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


class BookSoftmaxWithLoss:
    """The book's softmax with cross-entropy (``+ 1e-7`` in the log); backward ``(y - t) / N``."""

    def __init__(self):
        self.y = self.t = None

    def forward(self, x, t):
        shifted = x - x.max(axis=1, keepdims=True)
        self.y = np.exp(shifted) / np.sum(np.exp(shifted), axis=1, keepdims=True)
        self.t = t
        return -np.sum(np.log(self.y[np.arange(len(t)), t] + 1e-7)) / len(t)

    def backward(self):
        dx = self.y.copy()
        dx[np.arange(len(self.t)), self.t] -= 1
        return dx / len(self.t)
