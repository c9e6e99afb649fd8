"""PyTorch's side of ``inference.py``, ``training.py`` and ``conv_training.py``, in its own process.

Alternating OpenBLAS (NumPy) and PyTorch work in one process slowed PyTorch down 1.6-2x on a
two-core machine, which is where earlier figures showing nnlib ahead of PyTorch came from. So a
benchmark times NumPy in its own interpreter and PyTorch in another one, started from this file
(``--torch-python PATH`` chooses it: any interpreter with ``torch`` and ``numpy``; nnlib is not
needed there). The two take turns, one PyTorch run per round of the NumPy methods, with a short
pause at each switch so that the idle library's threads stop spinning before the other one runs.

The benchmark writes its arrays to an ``.npz`` file and starts ``python torch_process.py JOB
FILE --threads N``. Over the worker's stdin and stdout, one line each:

- the worker prints ``ready <description>`` once its tensors are made (outside any timing);
- ``run``: one timed run; the worker prints the seconds it took (measured in the worker);
- ``save PATH``: the worker writes the last run's result to the ``.npz`` file PATH, prints
  ``saved``;
- ``quit`` (or the end of its input): the worker exits.

Jobs: ``inference`` (the book's 784-50-100-10 sigmoid network on a batch: ``addmm`` and
``sigmoid``; result ``predicted``) and ``training`` (SGD steps of a 784-100-10 ReLU network with
softmax cross-entropy: ``addmm``, ``relu``, ``cross_entropy`` and ``autograd.grad``; result the
trained ``W1, b1, W2, b2``) and ``conv_training`` (Adam steps of the book's ConvNet: ``Conv2d``
30 5x5, ``ReLU``, ``MaxPool2d`` 2x2, ``Linear`` 100, ``ReLU``, ``Linear`` 10,
``CrossEntropyLoss`` and ``torch.optim.Adam`` with the book's epsilon 1e-7; result the trained
``W1, b1, W2, b2, W3, b3`` in nnlib's layout).
"""

import argparse
import importlib.util
import os
import subprocess
import sys
import time

import numpy as np

SETTLE_SECONDS = 0.25  # longer than OpenBLAS's and OpenMP's spinning before their threads sleep


# --------------------------------------------------------------------------- the benchmark's side


def torch_python(requested):
    """The interpreter for PyTorch, or ``(None, note)`` when there is none.

    Parameters
    ----------
    requested : str or None
        ``--torch-python``; None means this interpreter, if it has torch (looked up without
        importing it, which would load PyTorch's libraries into the NumPy process).
    """
    if requested is None:
        if importlib.util.find_spec("torch") is None:
            return None, ("PyTorch is not installed for this interpreter: the PyTorch row is "
                          "skipped (--torch-python PATH names an interpreter that has it)")
        return sys.executable, None
    check = subprocess.run([requested, "-c", "import torch, numpy"], capture_output=True,
                           text=True, check=False)
    if check.returncode != 0:
        return None, (f"{requested} cannot import torch and numpy: the PyTorch row is skipped "
                      f"({check.stderr.strip().splitlines()[-1] if check.stderr else 'no output'})")
    return requested, None


class TorchProcess:
    """A worker process running one PyTorch job; ``run()`` returns the seconds of one run."""

    def __init__(self, python, job, arrays, threads, folder):
        data = os.path.join(folder, f"torch_{job}_input.npz")
        np.savez(data, **arrays)
        command = [python, os.path.abspath(__file__), job, data, "--threads", str(threads)]
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True, bufsize=1)
        line = self._read()
        if not line.startswith("ready "):
            raise RuntimeError(f"the PyTorch process said {line!r} instead of 'ready ...'")
        self.description = line.removeprefix("ready ")
        self.folder = folder

    def _read(self):
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(
                f"the PyTorch process ended (exit status {self.process.wait()}); see above")
        return line.strip()

    def _send(self, command):
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()

    def run(self):
        self._send("run")
        return float(self._read())

    def result(self):
        """The last run's result, as a dict of arrays."""
        path = os.path.join(self.folder, "torch_result.npz")
        self._send(f"save {path}")
        if self._read() != "saved":
            raise RuntimeError("the PyTorch process did not save its result")
        with np.load(path) as saved:
            return {name: saved[name] for name in saved.files}

    def close(self):
        if self.process.poll() is None:
            self._send("quit")
            self.process.wait(timeout=60)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def time_rounds(methods, repeats, torch_process=None, torch_name=None):
    """Time every NumPy method once per round, round-robin, then one PyTorch run in its process.

    Parameters
    ----------
    methods : dict
        ``name -> callable`` taking no arguments, run in this process.
    repeats : int
        Rounds.
    torch_process : TorchProcess or None
    torch_name : str
        The PyTorch row's name.

    Returns
    -------
    dict
        ``name -> list of seconds``, one per round.
    """
    times = {name: [] for name in methods}
    if torch_process is not None:
        times[torch_name] = []
    for _ in range(repeats):
        for name, run in methods.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
        if torch_process is not None:
            time.sleep(SETTLE_SECONDS)
            times[torch_name].append(torch_process.run())
            time.sleep(SETTLE_SECONDS)
    return times


# --------------------------------------------------------------------------- the worker's side


def inference_job(torch, data):
    """The book's sigmoid network on the whole batch; returns the predicted classes."""
    params = {name: torch.from_numpy(data[name]) for name in ("W1", "b1", "W2", "b2", "W3", "b3")}
    x = torch.from_numpy(data["x"])

    def run():
        with torch.inference_mode():
            z1 = torch.sigmoid(torch.addmm(params["b1"], x, params["W1"]))
            z2 = torch.sigmoid(torch.addmm(params["b2"], z1, params["W2"]))
            scores = torch.addmm(params["b3"], z2, params["W3"])
            return {"predicted": scores.argmax(dim=1).numpy()}

    return run


def training_job(torch, data):
    """SGD steps, one per row of ``rows``; returns the trained parameters."""
    x, t, rows = data["x"], data["t"].astype(np.int64), data["rows"]
    learning_rate = float(data["learning_rate"])
    batches = [(torch.from_numpy(np.ascontiguousarray(x[batch])), torch.from_numpy(t[batch]))
               for batch in rows]
    initial = {name: torch.from_numpy(data[name]) for name in ("W1", "b1", "W2", "b2")}
    cross_entropy = torch.nn.functional.cross_entropy

    def run():
        params = {name: value.clone().requires_grad_() for name, value in initial.items()}
        order = list(params.values())
        for xb, tb in batches:
            h = torch.relu(torch.addmm(params["b1"], xb, params["W1"]))
            loss = cross_entropy(torch.addmm(params["b2"], h, params["W2"]), tb)
            grads = torch.autograd.grad(loss, order)
            with torch.no_grad():
                for param, grad in zip(order, grads, strict=True):
                    param.sub_(grad, alpha=learning_rate)
        return {name: value.detach().numpy() for name, value in params.items()}

    return run


def conv_training_job(torch, data):
    """Adam steps of the book's ConvNet, one per batch of ``x``; returns the trained parameters.

    ``W1`` is ``(FN, C, FH, FW)``, ``W2`` and ``W3`` are ``(in, out)`` as in nnlib; ``x`` is
    ``(steps, N, C, H, W)`` and ``t`` is ``(steps, N)``.
    """
    nn = torch.nn
    filters, channels, filter_size, _ = data["W1"].shape
    pooled, hidden = data["W2"].shape
    classes = data["W3"].shape[1]
    learning_rate = float(data["learning_rate"])
    batches = [(torch.from_numpy(x), torch.from_numpy(t.astype(np.int64)))
               for x, t in zip(data["x"], data["t"], strict=True)]
    loss_function = nn.CrossEntropyLoss()

    def run():
        model = nn.Sequential(nn.Conv2d(channels, filters, filter_size), nn.ReLU(),
                              nn.MaxPool2d(2, 2), nn.Flatten(), nn.Linear(pooled, hidden),
                              nn.ReLU(), nn.Linear(hidden, classes))
        conv, affine1, affine2 = model[0], model[4], model[6]
        with torch.no_grad():
            for layer, key in ((conv, "1"), (affine1, "2"), (affine2, "3")):
                weight = data["W" + key]
                layer.weight.copy_(torch.from_numpy(weight if layer is conv else weight.T))
                layer.bias.copy_(torch.from_numpy(data["b" + key]))
        optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate, eps=1e-7)  # the book's
        for x, t in batches:
            optimizer.zero_grad(set_to_none=True)
            loss_function(model(x), t).backward()
            optimizer.step()
        trained = {"W1": conv.weight, "b1": conv.bias, "W2": affine1.weight.T, "b2": affine1.bias,
                   "W3": affine2.weight.T, "b3": affine2.bias}
        return {name: value.detach().numpy() for name, value in trained.items()}

    return run


JOBS = {"inference": inference_job, "training": training_job, "conv_training": conv_training_job}


def serve(job, data_path, threads):
    import torch

    if threads:
        torch.set_num_threads(threads)
    with np.load(data_path) as saved:
        data = {name: saved[name] for name in saved.files}
    run = JOBS[job](torch, data)
    print(f"ready torch {torch.__version__}, {torch.get_num_threads()} threads", flush=True)
    result = None
    for line in sys.stdin:
        command = line.strip()
        if command == "run":
            start = time.perf_counter()
            result = run()
            print(time.perf_counter() - start, flush=True)
        elif command.startswith("save "):
            np.savez(command.removeprefix("save "), **result)
            print("saved", flush=True)
        elif command == "quit":
            break
        else:
            raise ValueError(f"unknown command {command!r}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="PyTorch worker of the benchmarks")
    parser.add_argument("job", choices=sorted(JOBS))
    parser.add_argument("data", help="the .npz file of the job's arrays")
    parser.add_argument("--threads", type=int, default=0)
    arguments = parser.parse_args()
    serve(arguments.job, arguments.data, arguments.threads)
