"""The one training loop of the course, and saving and loading trained parameters.

:func:`train` runs mini-batch training of any network that offers ``params``,
``gradient(x, t) -> (loss, grads)``, ``accuracy`` and ``evaluate`` (a
:class:`nnlib.layers.LayerNet`) with any optimizer that offers ``update(params, grads)``
(:mod:`nnlib.optimizers`). Every later chapter trains with it; a new need (early stopping, a
learning-rate schedule) becomes a keyword argument of :func:`train`, checked once per epoch after
the history is recorded, not a second loop.

Early stopping: ``train(..., validation=(x_val, t_val), early_stopping=patience)`` watches the
validation loss, stops once it has not reached a new minimum for ``patience`` epochs in a row, and
leaves the network with the parameters (and buffers) of its best epoch, copied back into the very
arrays the layers use.

Progress bar: ``progress=True`` shows a plain-text tqdm bar on ``sys.stdout``. tqdm writes to
stderr by default, which a chapter must never do, and its notebook widget carries an id that
changes every run; a text bar on stdout is neither, but its timings change every run, so a cell
that shows it starts with ``# NBVAL_IGNORE_OUTPUT``. tqdm is imported only when a bar is asked for.

:func:`save_params` and :func:`load_params` store a parameter dict in a NumPy ``.npz`` archive
and read it back without pickle, so a file from elsewhere cannot run code when loaded.
"""

import os
import pathlib
import sys

import numpy as np

from nnlib._checks import (
    _describe,
    as_float_array,
    check_bool,
    check_int,
    check_rng,
    require_finite,
)


def _check_generator_or_seed(rng):
    """A Generator, or a Generator made from an integer seed (None is refused: runs repeat)."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        raise TypeError(
            "rng must be a numpy.random.Generator or an integer seed, got None (a seeded run "
            "can be repeated)"
        )
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, (bool, np.bool_)):
        return np.random.default_rng(check_int(rng, "rng", minimum=0))
    return check_rng(rng)


def _check_data(x, t, name_x, name_t):
    x = as_float_array(x, name_x)
    if x.ndim < 2 or x.shape[0] == 0:
        raise ValueError(f"{name_x} must be a non-empty batch (N, ...), got shape {x.shape}")
    require_finite(x, name_x)
    t = np.asarray(t)
    if t.ndim == 0 or t.shape[0] != x.shape[0]:
        raise ValueError(
            f"{name_x} has shape {x.shape} but {name_t} has shape {t.shape}: need one target "
            "per row"
        )
    return x, t


def train(network, x, t, *, optimizer, epochs, batch_size=100, rng, validation=None,
          accuracy=True, progress=False, eval_batch_size=1000, early_stopping=None):
    """Train ``network`` in place by mini-batch gradient descent; return the history.

    Each epoch visits every sample once, in a fresh random order drawn from ``rng`` (no
    shuffling when one batch holds all samples), in batches of ``batch_size`` (the last one
    may be smaller). A step is ``loss, grads = network.gradient(xb, tb)`` followed by
    ``optimizer.update(network.params, grads)``. After each epoch the network is measured in
    inference mode (no dropout).

    The loss recorded for training is the one the optimizer minimises: with weight decay it
    includes the penalty ``0.5 * lambda * sum(W ** 2)``. The validation loss is the loss
    layer's alone (:meth:`LayerNet.evaluate`), so runs with different ``weight_decay`` compare;
    accuracies never depend on the penalty.

    Parameters
    ----------
    network : LayerNet
        Any object with ``params``, ``gradient``, ``accuracy`` and ``evaluate``.
    x : (N, ...) array
        Training inputs; give float32 for a float32 network.
    t : (N,) labels, (N, K) one-hot rows or targets
    optimizer : object with ``update(params, grads)``
        E.g. ``nnlib.optimizers.SGD(lr=0.1)``.
    epochs : int
        At least 1.
    batch_size : int
        In [1, N].
    rng : numpy.random.Generator or int
        The shuffling's source (a seed makes the run repeatable; dropout layers draw from
        their own generator, which may be the same one).
    validation : tuple (x_val, t_val), optional
        Measured after every epoch: ``val_loss``, and ``val_accuracy``.
    accuracy : bool
        Record accuracies after every epoch: ``train_accuracy`` on all of ``x`` (one inference
        pass over the training set, about a third of an epoch's work) and, with
        ``validation``, ``val_accuracy``. False for a regression, whose targets are not
        classes.
    progress : bool
        Show a text progress bar on stdout (see the module docstring).
    eval_batch_size : int
        Rows per batch when measuring accuracy and validation loss.
    early_stopping : int, optional
        The patience: stop when the validation loss has not gone below its lowest value so
        far for this many epochs in a row (at least 1; needs ``validation``). The validation
        loss, not the accuracy, is watched: it changes with every step (the accuracy moves in
        steps of ``1 / N`` and often ties) and exists for a regression too. Whether training
        stops early or runs all ``epochs``, the network ends with the parameters (and buffers,
        e.g. batch-norm running averages) of the epoch with the lowest validation loss,
        copied into its own arrays in place. None (the default): no early stopping, and the
        network keeps its last parameters.

    Returns
    -------
    history : dict of lists
        ``loss``: the mean batch loss of each epoch (training mode, weight-decay penalty
        included); ``batch_loss``: every step's loss; ``train_accuracy``; with
        ``validation``, ``val_loss`` and ``val_accuracy``. One entry per epoch run except
        ``batch_loss``; no accuracies when ``accuracy`` is False. With ``early_stopping``,
        also ``best_epoch`` (int, counted from 1: the epoch whose parameters the network
        holds) and ``stopped_early`` (bool).
    """
    for attribute in ("params", "gradient", "accuracy", "evaluate"):
        if not hasattr(network, attribute):
            raise TypeError(
                f"network must be a network with params, gradient, accuracy and evaluate "
                f"(e.g. nnlib.layers.LayerNet), got {_describe(network)}"
            )
    if not callable(getattr(optimizer, "update", None)):
        raise TypeError(
            f"optimizer must have an update(params, grads) method (e.g. "
            f"nnlib.optimizers.SGD(lr=0.1)), got {_describe(optimizer)}"
        )
    x, t = _check_data(x, t, "x", "t")
    n = x.shape[0]
    epochs = check_int(epochs, "epochs", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1, maximum=n)
    rng = _check_generator_or_seed(rng)
    if validation is not None:
        if not (isinstance(validation, (tuple, list)) and len(validation) == 2):
            raise TypeError(
                f"validation must be a pair (x_val, t_val), got {_describe(validation)}"
            )
        validation = _check_data(*validation, "x_val", "t_val")
    accuracy = check_bool(accuracy, "accuracy")
    progress = check_bool(progress, "progress")
    eval_batch_size = check_int(eval_batch_size, "eval_batch_size", minimum=1)
    patience = None
    if early_stopping is not None:
        patience = check_int(early_stopping, "early_stopping", minimum=1)
        if validation is None:
            raise ValueError(
                f"early_stopping={patience} needs validation=(x_val, t_val): it watches the "
                "validation loss"
            )

    history = {"loss": [], "batch_loss": []}
    if accuracy:
        history["train_accuracy"] = []
    if validation is not None:
        history["val_loss"] = []
        if accuracy:
            history["val_accuracy"] = []
    best_loss, best_epoch, best_state = np.inf, 0, None
    stopped_early = False
    steps_per_epoch = -(-n // batch_size)
    bar = _progress_bar(epochs * steps_per_epoch, f"epoch 1/{epochs}") if progress else None
    try:
        for epoch in range(1, epochs + 1):
            order = rng.permutation(n) if batch_size < n else None
            epoch_losses = []
            for start in range(0, n, batch_size):
                rows = (slice(start, start + batch_size) if order is None
                        else order[start : start + batch_size])
                loss, grads = network.gradient(x[rows], t[rows])
                optimizer.update(network.params, grads)
                epoch_losses.append(loss)
                if bar is not None:
                    bar.update(1)
            history["batch_loss"].extend(epoch_losses)
            history["loss"].append(float(np.mean(epoch_losses)))
            if accuracy:
                history["train_accuracy"].append(
                    network.accuracy(x, t, batch_size=eval_batch_size)
                )
            if validation is not None:
                measured = network.evaluate(*validation, batch_size=eval_batch_size,
                                            accuracy=accuracy)
                history["val_loss"].append(measured["loss"])
                if accuracy:
                    history["val_accuracy"].append(measured["accuracy"])
            if bar is not None:
                bar.set_postfix_str(_summary(history), refresh=False)
                bar.set_description(f"epoch {min(epoch + 1, epochs)}/{epochs}")
            if patience is not None:
                if history["val_loss"][-1] < best_loss:
                    best_loss, best_epoch = history["val_loss"][-1], epoch
                    best_state = _copy_state(network)
                elif epoch - best_epoch >= patience:
                    stopped_early = True
                    break
    finally:
        if bar is not None:
            bar.close()
    if patience is not None:
        _restore_state(network, best_state)
        history["best_epoch"] = best_epoch
        history["stopped_early"] = stopped_early
    return history


def _state_arrays(network):
    """The network's parameters and buffers: every array that training changes."""
    arrays = {("params", key): array for key, array in network.params.items()}
    for key, array in getattr(network, "buffers", {}).items():
        arrays["buffers", key] = array
    return arrays


def _copy_state(network):
    return {name: array.copy() for name, array in _state_arrays(network).items()}


def _restore_state(network, saved):
    """Copy saved values back into the network's own arrays (its layers hold references)."""
    for name, array in _state_arrays(network).items():
        array[...] = saved[name]


def _progress_bar(total, description):
    from tqdm import tqdm  # imported here: `import nnlib` loads NumPy only

    return tqdm(total=total, desc=description, file=sys.stdout, unit="batch", ascii=True)


_SHORT_NAMES = {"loss": "loss", "train_accuracy": "acc", "val_loss": "val loss",
                "val_accuracy": "val acc"}


def _summary(history):
    """The last epoch's numbers, for the progress bar."""
    return ", ".join(f"{short} {history[name][-1]:.4f}" for name, short in _SHORT_NAMES.items()
                     if name in history)


# --------------------------------------------------------------------------- saving


def _check_path(path, name="path"):
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{name} must be a str or a path, got {_describe(path)}")
    path = pathlib.Path(path)
    if path.suffix != ".npz":
        raise ValueError(f"{name} must end in .npz (NumPy adds it otherwise), got {str(path)!r}")
    return path


def _check_saved_arrays(params, what):
    """Every entry a finite float32/float64 array under a str key."""
    if not params:
        raise ValueError(f"{what} holds no parameters")
    for key, value in params.items():
        if not isinstance(key, str) or not key.isidentifier():
            raise ValueError(f"{what} keys must be names like 'W1', got {key!r}")
        if not isinstance(value, np.ndarray) or value.dtype not in (np.float32, np.float64):
            raise TypeError(
                f"{what}[{key!r}] must be a float32 or float64 array, got {_describe(value)}"
            )
        require_finite(value, f"{what}[{key!r}]")


def save_params(path, params):
    """Write a parameter dict to a ``.npz`` file, one array per key, without pickle.

    Parameters
    ----------
    path : str or path-like
        Ends in ``.npz``.
    params : dict of arrays
        E.g. ``network.params``: str keys, finite float32 or float64 arrays (object arrays,
        which would need pickle, are refused).
    """
    path = _check_path(path)
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict of arrays, got {_describe(params)}")
    _check_saved_arrays(params, "params")
    np.savez(path, **params)


def load_params(path):
    """Read a parameter dict written by :func:`save_params`, refusing anything that needs pickle.

    Parameters
    ----------
    path : str or path-like
        A ``.npz`` file.

    Returns
    -------
    dict of arrays
        In the order they were saved; give it to ``network.set_params``.
    """
    path = _check_path(path)
    try:
        loaded = np.load(path, allow_pickle=False)
        if not isinstance(loaded, np.lib.npyio.NpzFile):
            raise ValueError(f"{str(path)!r} holds a single array, not an .npz archive of them")
        with loaded as archive:
            params = {key: archive[key] for key in archive.files}
    except ValueError as error:
        if "pickle" not in str(error):
            raise
        raise ValueError(
            f"{str(path)!r} holds data that needs pickle (e.g. an object array), which "
            f"load_params refuses: {error}"
        ) from None
    _check_saved_arrays(params, f"the file {str(path)!r}")
    return params
