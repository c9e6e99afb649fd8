"""Shape and dtype checks shared by the nnlib modules (private)."""

import numpy as np


def as_float_array(x, name="x"):
    """Return ``x`` as a floating NumPy array, keeping float32 and float64 as they are.

    Integer and boolean input becomes float64, so that ``sigmoid([1, 2])`` works.
    """
    array = np.asarray(x)
    if not np.issubdtype(array.dtype, np.floating):
        if not (np.issubdtype(array.dtype, np.integer) or array.dtype == np.bool_):
            raise TypeError(f"{name} must hold numbers, got dtype {array.dtype}")
        array = array.astype(np.float64)
    return array


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
