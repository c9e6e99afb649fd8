"""Argument checks shared by the nnlib modules (private).

The validation policy (CONTRIBUTING.md) in code: every public function checks every argument once
per call, and an error names the argument and what it got. ``TypeError`` is for a value of the
wrong kind (a string for a number, a float for a count), ``ValueError`` for a value of the right
kind that is out of range, of the wrong shape, empty or not finite. NumPy scalars and integer types
are accepted wherever the Python ones are; ``bool`` is never taken for a number.
"""

import numbers

import numpy as np


def _describe(value):
    """A short description of a value for an error message: its repr, or type and shape."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    return text if len(text) <= 60 else f"a {type(value).__name__}"


def as_float_array(x, name="x"):
    """Return ``x`` as a floating NumPy array, keeping float32 and float64 as they are.

    Integer and boolean input becomes float64, so that ``sigmoid([1, 2])`` works.
    """
    array = np.asarray(x)
    kind = array.dtype.kind  # "f" floating, "i"/"u" integer, "b" bool (np.issubdtype is slower)
    if kind != "f":
        if kind not in "iub":
            raise TypeError(f"{name} must hold numbers, got dtype {array.dtype}")
        array = array.astype(np.float64)
    return array


def check_array(x, name, *, ndim=None, finite=False, nonempty=False):
    """Return ``x`` as a floating array after checking its dimensions, size and values.

    Parameters
    ----------
    x : array_like
    name : str
        The argument's name, for the error message.
    ndim : int or tuple of int, optional
        The allowed numbers of dimensions.
    finite : bool
        Refuse NaN and infinity (one ``np.isfinite(...).all()`` pass: use it where a NaN would
        otherwise become a prediction, an accuracy or a loss).
    nonempty : bool
        Refuse an array with no elements along its first axis (an empty batch).
    """
    array = as_float_array(x, name)
    if ndim is not None:
        require_ndim(array, (ndim,) if isinstance(ndim, int) else ndim, name)
    if nonempty and (array.size == 0 or (array.ndim and array.shape[0] == 0)):
        raise ValueError(f"{name} must not be empty (an empty batch has no mean), got shape "
                         f"{array.shape}")
    if finite:
        require_finite(array, name)
    return array


def require_finite(array, name):
    """Raise ``ValueError`` if ``array`` holds NaN or infinity, saying how many and where."""
    finite = np.isfinite(array)
    if not finite.all():
        bad = np.argwhere(~finite)
        first = tuple(int(i) for i in bad[0]) if array.ndim else ()
        raise ValueError(
            f"{name} must be finite, got {len(bad)} NaN or infinite value(s) "
            f"(the first at index {first}: {array[first]})"
        )


def require_ndim(array, ndims, name):
    """Raise ``ValueError`` unless ``array.ndim`` is one of ``ndims``."""
    if array.ndim not in ndims:
        expected = " or ".join(f"{n}-D" for n in ndims)
        raise ValueError(f"{name} must be {expected}, got shape {array.shape}")


def require_same_shape(a, b, name_a, name_b):
    """Raise ``ValueError`` unless two arrays have the same shape."""
    if a.shape != b.shape:
        raise ValueError(
            f"{name_a} and {name_b} must have the same shape, got {a.shape} and {b.shape}"
        )


def check_int(value, name, *, minimum=None, maximum=None):
    """Return ``value`` as an ``int``: Python or NumPy integers only (not bool, not 2.0)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {_describe(value)}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {value}")
    return value


def check_real(value, name, *, minimum=None, maximum=None, positive=False, below=None):
    """Return ``value`` as a finite ``float``: Python or NumPy real numbers only (not bool).

    Parameters
    ----------
    minimum, maximum : float, optional
        Inclusive bounds.
    positive : bool
        Require ``value > 0``.
    below : float, optional
        Exclusive upper bound (``value < below``), e.g. 1 for a dropout rate.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {_describe(value)}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if positive and value <= 0:
        raise ValueError(f"{name} must be positive, got {value}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {value}")
    if below is not None and value >= below:
        raise ValueError(f"{name} must be less than {below}, got {value}")
    return value


def check_bool(value, name):
    """Return ``value`` if it is a Python or NumPy bool (``"no"`` or 0 is not taken for False)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {_describe(value)}")
    return bool(value)


def check_choice(value, name, choices):
    """Return ``value`` if it is one of ``choices`` (strings), else raise naming them all."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {tuple(choices)}, got {_describe(value)}")
    return value


def check_rng(rng, name="rng"):
    """Return ``rng`` if it is a ``numpy.random.Generator``; a seed or None is refused here.

    Functions that also take a seed convert it with ``np.random.default_rng`` before calling this.
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"{name} must be a numpy.random.Generator (np.random.default_rng(seed)), "
            f"got {_describe(rng)}"
        )
    return rng


def check_seed_or_rng(rng, name="rng"):
    """``np.random.default_rng(rng)`` for None, an integer seed or a Generator; else TypeError."""
    if rng is None or isinstance(rng, np.random.Generator):
        return np.random.default_rng(rng)
    if isinstance(rng, (bool, np.bool_)) or not isinstance(rng, numbers.Integral):
        raise TypeError(
            f"{name} must be a numpy.random.Generator, an integer seed or None, got "
            f"{_describe(rng)}"
        )
    return np.random.default_rng(check_int(rng, name, minimum=0))


def check_float_dtype(dtype, name="dtype"):
    """Return ``np.dtype(dtype)`` if it is float32 or float64, else raise naming what it got."""
    try:
        resolved = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{name} must be a floating dtype, got {_describe(dtype)}") from None
    if resolved not in (np.float32, np.float64):
        raise TypeError(f"{name} must be float32 or float64, got {resolved}")
    return resolved


def check_labels(t, name, num_classes=None, *, ndim=1):
    """Return integer class labels ``t`` as an (N,) int array, each in ``[0, num_classes)``.

    Refuses floats, strings and booleans (a string label would compare unequal to every
    prediction and give accuracy 0.0 without an error) and negative labels. ``ndim`` (an int
    or a tuple of them) allows other shapes, e.g. ``(0, 1)`` for one label or a batch of them.
    """
    labels = np.asarray(t)
    if labels.dtype == np.bool_ or not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(f"{name} must hold integer class labels, got dtype {labels.dtype}")
    require_ndim(labels, (ndim,) if isinstance(ndim, int) else ndim, name)
    if labels.size:
        low, high = int(labels.min()), int(labels.max())
        if num_classes is None and low < 0:
            raise ValueError(f"{name} must be non-negative, got labels from {low} to {high}")
        if num_classes is not None and (low < 0 or high >= num_classes):
            raise ValueError(
                f"{name} must lie in [0, {num_classes}), got labels from {low} to {high}"
            )
    return labels


def check_callable(value, name):
    """Return ``value`` if it can be called, else raise ``TypeError`` naming what it got."""
    if not callable(value):
        raise TypeError(f"{name} must be a function, got {_describe(value)}")
    return value


def check_axis(axis, ndim, name="axis"):
    """Return ``axis`` as an ``int`` in ``[0, ndim)``; negative axes count from the end."""
    axis = check_int(axis, name)
    if not -ndim <= axis < ndim:
        raise ValueError(f"{name} must lie in [{-ndim}, {ndim}) for a {ndim}-D array, got {axis}")
    return axis % ndim


def check_shape(shape, name="shape"):
    """Return ``shape`` (an int or a sequence of ints >= 0) as a tuple of ``int``."""
    if isinstance(shape, (numbers.Integral, np.integer)) and not isinstance(shape, bool):
        shape = (shape,)
    if not isinstance(shape, (tuple, list)):
        raise TypeError(f"{name} must be a tuple of integers, got {_describe(shape)}")
    return tuple(check_int(n, f"{name}[{i}]", minimum=0) for i, n in enumerate(shape))


def check_out(out, like, name="out"):
    """Check an ``out=`` argument: None, or an array of ``like``'s shape and dtype.

    NumPy would cast into an ``out`` of another dtype or broadcast into another shape with a
    message that does not name the argument; a float64 result silently rounded into a float32
    ``out`` would break "float32 in, float32 out" the other way round.
    """
    if out is None:
        return None
    if not isinstance(out, np.ndarray):
        raise TypeError(f"{name} must be a NumPy array or None, got {_describe(out)}")
    if out.shape != like.shape or out.dtype != like.dtype:
        raise ValueError(
            f"{name} must have the input's shape {like.shape} and dtype {like.dtype}, got "
            f"{_describe(out)}"
        )
    if not out.flags.writeable:
        raise ValueError(f"{name} must be writeable, got a read-only array")
    return out


# --------------------------------------------------------------------------- the layer protocol


def check_parameter(array, name, ndim):
    """A layer's parameter: a finite float NumPy array of ``ndim`` axes, kept by reference."""
    if not isinstance(array, np.ndarray):
        raise TypeError(
            f"{name} must be a NumPy array (the layer keeps a reference to it, so that an "
            f"optimizer's in-place update is seen), got {_describe(array)}"
        )
    check_float_dtype(array.dtype, f"{name}.dtype")
    require_ndim(array, (ndim,), name)
    require_finite(array, name)
    return array


def require_forward(layer, kept):
    """Raise ``RuntimeError`` if a layer's ``backward`` comes before its ``forward``."""
    if kept is None:
        raise RuntimeError(
            f"{type(layer).__name__}.backward was called before forward: the backward pass "
            "needs what forward keeps"
        )


def check_dout(dout, shape, layer):
    """``dout`` as a floating array shaped like the layer's last output."""
    dout = as_float_array(dout, "dout")
    if dout.shape != shape:
        raise ValueError(
            f"dout must have the shape of {layer!r}'s last output {shape}, got {dout.shape}"
        )
    return dout
