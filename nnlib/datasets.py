"""MNIST and the book's pretrained weights, found locally or downloaded, and always hash-checked.

Each file is looked up by its official name:

1. in the folder named by the ``NNLIB_DATA_DIR`` environment variable (offline use, CI);
2. in a per-user cache: ``pooch.os_cache("nnlib")``, or the folder named by ``NNLIB_CACHE_DIR``;
3. otherwise it is downloaded into that cache with pooch, trying the mirrors below in order.

Every file, local or downloaded, must match its published SHA-256 before it is parsed, so a
truncated download or a tampered copy is reported instead of silently changing a chapter's numbers.
A download goes to a temporary file that only takes the file's real name once its hash matches.
The weights are unpickled by an unpickler that can rebuild NumPy arrays and nothing else, so
even a file that passed the hash check cannot run code.

pooch and tqdm are imported only when a download is needed.
"""

import gzip
import hashlib
import os
import pickle
import tempfile
import zlib
from pathlib import Path

import numpy as np

from nnlib.losses import one_hot

DATA_DIR_ENV = "NNLIB_DATA_DIR"
CACHE_DIR_ENV = "NNLIB_CACHE_DIR"

MNIST_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
WEIGHTS_FILE = "sample_weight.pkl"
WEIGHTS_URLS = (
    "https://github.com/oreilly-japan/deep-learning-from-scratch/raw/master/ch03/sample_weight.pkl",
)

# file name -> SHA-256, as published (see the course's data PROVENANCE notes)
SHA256 = {
    "train-images-idx3-ubyte.gz":
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train-labels-idx1-ubyte.gz":
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte.gz":
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz":
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
    WEIGHTS_FILE:
        "b7f55a27988ba34c3777b0f1bbd464817c8a4db855723e6ff26f703501917a13",
}

MNIST_FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
IMAGES_MAGIC = 2051  # 0x0803: unsigned bytes, 3 dimensions (N, rows, cols)
LABELS_MAGIC = 2049  # 0x0801: unsigned bytes, 1 dimension (N,)
IMAGE_SHAPE = (28, 28)
NUM_CLASSES = 10

WEIGHT_SHAPES = {
    "W1": (784, 50),
    "b1": (50,),
    "W2": (50, 100),
    "b2": (100,),
    "W3": (100, 10),
    "b3": (10,),
}


class DataFileError(ValueError):
    """A data file exists but is not the file the course expects (hash, gzip, header, content)."""


# --------------------------------------------------------------------------- public loaders


def load_mnist(split, *, normalize=True, flatten=True, one_hot_label=False):
    """Load one split of MNIST as arrays, from verified copies of the official files.

    Parameters
    ----------
    split : {"train", "test"}
        The 60,000 training or the 10,000 test images.
    normalize : bool
        Scale pixels to float32 in [0, 1] (``x / 255``), the input the book's network was
        trained on; otherwise keep the raw uint8 values 0..255.
    flatten : bool
        Give each image as a row of 784 pixels, the shape ``x @ W1`` needs; otherwise as a
        (1, 28, 28) single-channel image, the shape convolutional layers take.
    one_hot_label : bool
        Give each label as a row of 10 with a single 1 (float32), the target shape of the
        cross-entropy loss; otherwise as its digit (uint8).

    Returns
    -------
    x : (N, 784) or (N, 1, 28, 28) array
        float32 when ``normalize``, else uint8.
    t : (N,) uint8 array or (N, 10) float32 array
        The digit of each image.

    Raises
    ------
    ValueError
        If ``split`` is not "train" or "test".
    DataFileError
        If a file fails its SHA-256 check, is not a complete gzip file or is not the IDX file
        expected (magic number, dimensions, length).
    FileNotFoundError
        If a file is neither found locally nor downloadable.
    """
    if split not in MNIST_FILES:
        raise ValueError(f"split must be one of {sorted(MNIST_FILES)}, got {split!r}")
    images_name, labels_name = MNIST_FILES[split]
    images = read_idx(fetch(images_name), magic=IMAGES_MAGIC, item_shape=IMAGE_SHAPE)
    labels = read_idx(fetch(labels_name), magic=LABELS_MAGIC, item_shape=())
    _check_labels(labels, len(images), labels_name)
    x = images.astype(np.float32) / np.float32(255) if normalize else images
    x = x.reshape(len(x), -1) if flatten else x.reshape(len(x), 1, *IMAGE_SHAPE)
    t = one_hot(labels, NUM_CLASSES, dtype=np.float32) if one_hot_label else labels
    return x, t


def load_sample_weights():
    """Load the pretrained 784-50-100-10 sigmoid network of *Deep Learning from Scratch*.

    The file ``sample_weight.pkl`` is found like the MNIST files, checked against its SHA-256,
    and unpickled without running any code from it: only NumPy arrays can be rebuilt.

    Returns
    -------
    dict of float32 arrays
        ``W1`` (784, 50), ``b1`` (50,), ``W2`` (50, 100), ``b2`` (100,), ``W3`` (100, 10),
        ``b3`` (10,): the parameter dict that :mod:`nnlib.network` takes.

    Raises
    ------
    DataFileError
        If the file fails its SHA-256 check or does not hold exactly these six float32 arrays.
    pickle.UnpicklingError
        If the pickle asks for anything but NumPy's array-rebuilding functions.
    FileNotFoundError
        If the file is neither found locally nor downloadable.
    """
    path = fetch(WEIGHTS_FILE)
    params = safe_unpickle(path)
    _check_weights(params, path)
    return {key: params[key] for key in WEIGHT_SHAPES}


# --------------------------------------------------------------------------- finding files


def fetch(name):
    """Path to a verified copy of the data file ``name``, downloading it if needed.

    Parameters
    ----------
    name : str
        An official file name, a key of :data:`SHA256`.

    Returns
    -------
    pathlib.Path
        A file whose SHA-256 matches :data:`SHA256[name] <SHA256>`.
    """
    expected = _expected_sha256(name)
    searched = []
    data_dir = _data_dir()
    if data_dir is not None:
        if (data_dir / name).is_file():
            return verify_sha256(data_dir / name, expected)
        searched.append(f"{DATA_DIR_ENV}={data_dir}")
    cache_dir = _cache_dir()
    if (cache_dir / name).is_file():
        return verify_sha256(cache_dir / name, expected)
    searched.append(f"the cache {cache_dir}")
    return _download(name, _urls(name), cache_dir, expected, searched=searched)


def _expected_sha256(name):
    try:
        return SHA256[name]
    except KeyError:
        raise ValueError(f"unknown data file {name!r}; known files: {sorted(SHA256)}") from None


def _urls(name):
    if name == WEIGHTS_FILE:
        return list(WEIGHTS_URLS)
    return [mirror + name for mirror in MNIST_MIRRORS]


def _data_dir():
    """The folder named by NNLIB_DATA_DIR, or None when the variable is unset or empty."""
    value = os.environ.get(DATA_DIR_ENV)
    if not value:
        return None
    folder = Path(value).expanduser()
    if not folder.is_dir():
        raise NotADirectoryError(f"{DATA_DIR_ENV} is set to {value!r}, which is not a folder")
    return folder


def _cache_dir():
    value = os.environ.get(CACHE_DIR_ENV)
    if value:
        return Path(value).expanduser()
    import pooch  # only needed when a file is not in NNLIB_DATA_DIR

    return Path(pooch.os_cache("nnlib")).expanduser()


def sha256_of(path):
    """Hex SHA-256 of a file, read in blocks so that large files need little memory."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_sha256(path, expected):
    """Return ``path`` if its SHA-256 is ``expected``; raise :class:`DataFileError` if not."""
    actual = sha256_of(path)
    if actual != expected:
        raise DataFileError(
            f"{path}: SHA-256 is {actual}, expected {expected}. The file is truncated, corrupted "
            f"or not the published version; delete it (it is then downloaded again) or replace "
            f"it with a good copy."
        )
    return Path(path)


# --------------------------------------------------------------------------- downloading


def _download(name, urls, folder, expected, *, searched=()):
    """Download ``name`` into ``folder`` from the first of ``urls`` that serves a good copy.

    Each attempt writes to a temporary file in ``folder``; it is renamed to ``name`` only once
    its SHA-256 matches, and deleted otherwise, so the folder never holds a partial file.

    Parameters
    ----------
    name : str
        File name inside ``folder``.
    urls : sequence of str
        Mirrors, tried in order.
    folder : pathlib.Path
        Created if missing.
    expected : str
        Hex SHA-256 the file must have.
    searched : sequence of str
        Places already searched, for the error message.

    Returns
    -------
    pathlib.Path
        ``folder / name``.

    Raises
    ------
    FileNotFoundError
        If no mirror served a copy with the expected hash; the message gives each mirror's
        reason.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    failures = []
    for url in urls:
        try:
            return _download_one(url, folder / name, expected)
        except (OSError, ValueError) as error:  # requests' errors are OSErrors
            failures.append(f"  {url}: {type(error).__name__}: {error}")
    places = " or ".join(searched) if searched else str(folder)
    reasons = "\n".join(failures) if failures else "  (no mirror configured)"
    raise FileNotFoundError(
        f"{name} was not found in {places}, and no mirror served a copy with SHA-256 {expected}:\n"
        f"{reasons}\nTo work offline, set {DATA_DIR_ENV} to a folder holding {name}."
    )


def _download_one(url, target, expected):
    """Download ``url`` to ``target`` through a temporary file that must pass the hash check."""
    import pooch
    from tqdm import tqdm

    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    os.close(handle)
    temporary = Path(name)
    # pooch only uses a bar that is truthy, which for tqdm means total > 0; it then sets the
    # real total from the Content-Length header.
    progress = tqdm(total=1, desc=target.name, unit="B", unit_scale=True, leave=True)
    try:
        downloader = pooch.HTTPDownloader(progressbar=progress, chunk_size=1 << 16, timeout=60)
        downloader(url, str(temporary), None)
        actual = sha256_of(temporary)
        if actual != expected:
            raise DataFileError(f"served a file with SHA-256 {actual}, expected {expected}")
        os.replace(temporary, target)
    finally:
        progress.close()
        temporary.unlink(missing_ok=True)
    return target


# --------------------------------------------------------------------------- parsing


def read_idx(path, *, magic, item_shape):
    """Read a gzip-compressed IDX file of unsigned bytes, checking its header and length.

    An IDX file is a 4-byte big-endian magic number (0x08 = unsigned byte, then the number of
    dimensions), one 4-byte size per dimension, then the values in C order.

    Parameters
    ----------
    path : str or pathlib.Path
    magic : int
        Expected magic number: 2051 for images (N, rows, cols), 2049 for labels (N,).
    item_shape : tuple of int
        Expected shape of one item: (28, 28) for MNIST images, () for labels.

    Returns
    -------
    (N, *item_shape) uint8 array

    Raises
    ------
    DataFileError
        Naming the file and what was expected, if it is not a complete gzip file, or its magic
        number, dimensions or length are wrong.
    """
    data = _gunzip(path)
    ndim = 1 + len(item_shape)
    header = 4 + 4 * ndim
    found = int.from_bytes(data[:4], "big")
    if found != magic:
        raise DataFileError(f"{path}: IDX magic number {found}, expected {magic}")
    if len(data) < header:
        raise DataFileError(
            f"{path}: {len(data)} bytes, too short for an IDX header ({header} bytes)"
        )
    dims = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    if dims[1:] != tuple(item_shape):
        raise DataFileError(f"{path}: items of shape {dims[1:]}, expected {tuple(item_shape)}")
    expected_length = header + int(np.prod(dims))
    if len(data) != expected_length:
        raise DataFileError(
            f"{path}: {len(data)} bytes after decompression, expected {expected_length} "
            f"(a {header}-byte header and {int(np.prod(dims))} values for dimensions {dims})"
        )
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(dims).copy()


def _gunzip(path):
    try:
        with gzip.open(path, "rb") as file:
            return file.read()
    except (OSError, EOFError, zlib.error) as error:
        raise DataFileError(
            f"{path}: not a complete gzip file ({error}); expected a gzip-compressed IDX file"
        ) from error


def _check_labels(labels, count, name):
    if len(labels) != count:
        raise DataFileError(f"{name}: {len(labels)} labels, expected one per image ({count})")
    if labels.size and labels.max() >= NUM_CLASSES:
        raise DataFileError(f"{name}: label {labels.max()}, expected digits 0..{NUM_CLASSES - 1}")


# --------------------------------------------------------------------------- safe unpickling


def _array_globals():
    """The only globals a pickle of NumPy arrays needs, resolved without importing anything.

    Pickles written by NumPy 1 name ``numpy.core.multiarray``, which NumPy 2 renamed
    ``numpy._core`` (the old name still works but warns), so both names map to the function of
    the NumPy that is running.
    """
    if np.lib.NumpyVersion(np.__version__) >= "2.0.0":
        from numpy._core.multiarray import _reconstruct
    else:  # pragma: no cover - NumPy 1
        from numpy.core.multiarray import _reconstruct
    return {
        ("numpy.core.multiarray", "_reconstruct"): _reconstruct,
        ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
        ("numpy", "ndarray"): np.ndarray,
        ("numpy", "dtype"): np.dtype,
    }


class _ArrayUnpickler(pickle.Unpickler):
    """An unpickler that rebuilds NumPy arrays and refuses every other global.

    A pickle runs code by naming a global (say ``os.system``) and calling it; ``find_class`` is
    asked for each global before anything is called, so refusing there means nothing runs.
    """

    def __init__(self, file, source):
        super().__init__(file)
        self._source = source
        self._allowed = _array_globals()

    def find_class(self, module, name):
        try:
            return self._allowed[(module, name)]
        except KeyError:
            allowed = ", ".join(f"{m}.{n}" for m, n in self._allowed)
            raise pickle.UnpicklingError(
                f"{self._source}: refused to load {module}.{name}; this loader only rebuilds "
                f"NumPy arrays ({allowed})"
            ) from None

    def persistent_load(self, pid):
        raise pickle.UnpicklingError(f"{self._source}: refused persistent id {pid!r}")


def safe_unpickle(source):
    """Unpickle data that may only hold NumPy arrays (in dicts, lists, tuples, numbers, str).

    Arrays pickled with protocols 3 and 4 (the book's file uses 3) are rebuilt; protocol 5's
    out-of-band buffers and pickles of any other class are refused.

    Parameters
    ----------
    source : str, pathlib.Path or binary file object
        A file name, or an open file such as ``io.BytesIO(data)``.

    Returns
    -------
    object
        The unpickled object.

    Raises
    ------
    pickle.UnpicklingError
        Before running anything, if the pickle names any global other than NumPy's
        array-rebuilding ones.
    """
    if hasattr(source, "read"):
        return _ArrayUnpickler(source, getattr(source, "name", "pickle data")).load()
    with open(source, "rb") as file:
        return _ArrayUnpickler(file, source).load()


def _check_weights(params, path):
    if not isinstance(params, dict) or set(params) != set(WEIGHT_SHAPES):
        keys = sorted(params) if isinstance(params, dict) else type(params).__name__
        raise DataFileError(
            f"{path}: holds {keys}, expected a dict with keys {list(WEIGHT_SHAPES)}"
        )
    for key, shape in WEIGHT_SHAPES.items():
        value = params[key]
        if not isinstance(value, np.ndarray) or value.shape != shape or value.dtype != np.float32:
            got = f"{value.dtype} {value.shape}" if isinstance(value, np.ndarray) else type(value)
            raise DataFileError(
                f"{path}: {key} is {got}, expected a float32 array of shape {shape}"
            )
