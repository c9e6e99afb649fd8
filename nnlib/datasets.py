"""MNIST, Fashion-MNIST and the book's pretrained weights: found locally or downloaded, and always
hash-checked.

MNIST and Fashion-MNIST files have the **same names** (``train-images-idx3-ubyte.gz``, ...), so
each dataset has folders of its own, and no folder is ever searched for the other dataset:

- MNIST and the weights: the folder named by ``NNLIB_DATA_DIR`` itself (offline use, CI), then
  the user cache's ``mnist/`` subfolder (the weights: the cache itself), then a download.
- Fashion-MNIST: ``$NNLIB_DATA_DIR/fashion-mnist/``, then :data:`SYSTEM_FASHION_MNIST_DIR`
  (where Debian's ``dataset-fashion-mnist`` package puts the files), then the user cache's
  ``fashion-mnist/`` subfolder, then a download from Zalando's published locations.

The user cache is ``pooch.os_cache("nnlib")`` (``~/.cache/nnlib`` on Linux), or the folder named
by ``NNLIB_CACHE_DIR``.

Every copy is checked before it is used, so a truncated download or a tampered copy is reported
instead of silently changing a chapter's numbers. MNIST and the weights: the published SHA-256 of
the file. Fashion-MNIST: the SHA-256 of the *decompressed* content, because Debian recompressed
the files (other ``.gz`` bytes, the same data); a download must also match the MD5 that Zalando
publishes for its ``.gz``. A download goes to a temporary file that takes the file's real name only
once it has passed, in one atomic rename, so a folder never holds a partial file, and several
processes (a class on one JupyterHub) can fill the same cache at once. The weights are unpickled by
an unpickler that can rebuild NumPy arrays and nothing else, so even a file that passed the hash
check cannot run code.

pooch and tqdm are imported only when a download is needed.
"""

import gzip
import hashlib
import os
import pickle
import re
import tempfile
import zlib
from pathlib import Path

import numpy as np

from nnlib._checks import check_bool, check_choice, check_int
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
MNIST_SUBDIR = "mnist"  # in the cache; NNLIB_DATA_DIR holds MNIST's files directly

# Fashion-MNIST (Zalando, MIT licence): the same file names as MNIST, hence folders of its own.
FASHION_MNIST_FILES = MNIST_FILES
FASHION_MNIST_SUBDIR = "fashion-mnist"  # in NNLIB_DATA_DIR and in the cache
# where `apt-get install dataset-fashion-mnist` (Debian, Ubuntu) puts the four files
SYSTEM_FASHION_MNIST_DIR = Path("/usr/share/datasets/fashion-mnist")
FASHION_MNIST_MIRRORS = (
    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    "https://github.com/zalandoresearch/fashion-mnist/raw/master/data/fashion/",
)
FASHION_MNIST_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
# file name -> SHA-256 of the decompressed IDX content: the same for Zalando's and Debian's copies
FASHION_MNIST_SHA256 = {
    "train-images-idx3-ubyte.gz":
        "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    "train-labels-idx1-ubyte.gz":
        "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    "t10k-images-idx3-ubyte.gz":
        "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    "t10k-labels-idx1-ubyte.gz":
        "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
}
# file name -> MD5 of Zalando's .gz, as Zalando publishes it (checked on downloads)
FASHION_MNIST_MD5 = {
    "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
    "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
    "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
    "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
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

_SAME_NAMES = (
    "MNIST and Fashion-MNIST files have the same names: MNIST's belong in NNLIB_DATA_DIR "
    "itself, Fashion-MNIST's in its fashion-mnist/ subfolder."
)


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
    TypeError
        If ``split`` is not a string or a flag is not a bool.
    ValueError
        If ``split`` is not "train" or "test".
    DataFileError
        If a file fails its SHA-256 check, is not a complete gzip file or is not the IDX file
        expected (magic number, dimensions, length).
    FileNotFoundError
        If a file is neither found locally nor downloadable.
    """
    _check_load_arguments(split, normalize, flatten, one_hot_label)
    images_name, labels_name = MNIST_FILES[split]
    images_path, labels_path = fetch(images_name), fetch(labels_name)
    images = read_idx(images_path, magic=IMAGES_MAGIC, item_shape=IMAGE_SHAPE)
    labels = read_idx(labels_path, magic=LABELS_MAGIC, item_shape=())
    _check_labels(labels, len(images), labels_path)
    return _as_arrays(images, labels, normalize, flatten, one_hot_label)


def load_fashion_mnist(split, *, normalize=True, flatten=True, one_hot_label=False):
    """Load one split of Fashion-MNIST (Zalando's clothing images) as arrays, from verified copies.

    The same format, sizes and options as :func:`load_mnist`; the labels are the classes of
    :data:`FASHION_MNIST_CLASSES` (0 T-shirt/top ... 9 Ankle boot). Each file is looked up in
    ``$NNLIB_DATA_DIR/fashion-mnist/``, then :data:`SYSTEM_FASHION_MNIST_DIR`, then the user
    cache's ``fashion-mnist/`` subfolder, and downloaded there otherwise: never in a folder that
    holds MNIST's files of the same names. The SHA-256 of every file's decompressed content is
    checked while it is read (one decompression for both).

    Parameters
    ----------
    split : {"train", "test"}
        The 60,000 training or the 10,000 test images (6,000 and 1,000 of each class).
    normalize : bool
        Scale pixels to float32 in [0, 1] (``x / 255``); otherwise keep the raw uint8 values.
    flatten : bool
        Give each image as a row of 784 pixels; otherwise as a (1, 28, 28) image.
    one_hot_label : bool
        Give each label as a float32 row of 10 with a single 1; otherwise as its class (uint8).

    Returns
    -------
    x : (N, 784) or (N, 1, 28, 28) array
        float32 when ``normalize``, else uint8.
    t : (N,) uint8 array or (N, 10) float32 array
        The class of each image: ``FASHION_MNIST_CLASSES[t[i]]`` names it.

    Raises
    ------
    TypeError
        If ``split`` is not a string or a flag is not a bool.
    ValueError
        If ``split`` is not "train" or "test".
    DataFileError
        Naming the file and its folder, if a local copy's decompressed content fails its SHA-256
        check, is not a complete gzip file or is not the IDX file expected.
    FileNotFoundError
        If a file is found nowhere and no location served a copy that passed both checks.
    """
    _check_load_arguments(split, normalize, flatten, one_hot_label)
    images_name, labels_name = FASHION_MNIST_FILES[split]
    content, source = _fashion_mnist_content(images_name)
    images = parse_idx(content, source, magic=IMAGES_MAGIC, item_shape=IMAGE_SHAPE)
    del content  # the images are parsed into their own array; free the 47 MB of bytes now
    content, labels_source = _fashion_mnist_content(labels_name)
    labels = parse_idx(content, labels_source, magic=LABELS_MAGIC, item_shape=())
    _check_labels(labels, len(images), labels_source)
    return _as_arrays(images, labels, normalize, flatten, one_hot_label)


def _check_load_arguments(split, normalize, flatten, one_hot_label):
    if not isinstance(split, str):
        raise TypeError(f"split must be 'train' or 'test', got {split!r}")
    check_choice(split, "split", tuple(MNIST_FILES))
    check_bool(normalize, "normalize")
    check_bool(flatten, "flatten")
    check_bool(one_hot_label, "one_hot_label")


def _as_arrays(images, labels, normalize, flatten, one_hot_label):
    """The (x, t) pair that the loaders' options ask for, from uint8 images and labels."""
    x = images
    if normalize:
        x = images.astype(np.float32)
        x /= np.float32(255)  # in place: no second 188 MB array for the 60,000 training images
    x = x.reshape(len(x), -1) if flatten else x.reshape(len(x), 1, *IMAGE_SHAPE)
    t = one_hot(labels, NUM_CLASSES, dtype=np.float32) if one_hot_label else labels
    return x, t


def load_sample_weights():
    """Load the pretrained 784-50-100-10 sigmoid network of *Deep Learning from Scratch*.

    The file ``sample_weight.pkl`` is found like the MNIST files (in the cache itself rather than
    its ``mnist/`` subfolder), checked against its SHA-256, and unpickled without running any code
    from it: only NumPy arrays can be rebuilt.

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
    """Path to a verified copy of the MNIST or weights file ``name``, downloading it if needed.

    Looks in ``NNLIB_DATA_DIR`` itself, then in the cache (``mnist/`` for MNIST's files; the
    cache itself for the weights, and for MNIST files that nnlib 0.1 cached there), then
    downloads into the cache. Fashion-MNIST's files, which have the same names, are never
    looked for here: :func:`load_fashion_mnist` has folders of its own.

    Parameters
    ----------
    name : str
        An official file name, a key of :data:`SHA256`.

    Returns
    -------
    pathlib.Path
        A file whose SHA-256 matches :data:`SHA256[name] <SHA256>`.

    Raises
    ------
    TypeError
        If ``name`` is not a string.
    ValueError
        If ``name`` is not a key of :data:`SHA256`.
    DataFileError
        If the first copy found fails its SHA-256 check (it is reported, not replaced).
    FileNotFoundError
        If no copy is found and no mirror serves one that passes the check.
    """
    expected = _expected_sha256(name)
    hint = _SAME_NAMES if name != WEIGHTS_FILE else ""
    searched = []
    data_dir = _data_dir()
    if data_dir is not None:
        if (data_dir / name).is_file():
            return _verify_local_sha256(data_dir / name, expected, hint)
        searched.append(f"{DATA_DIR_ENV}={data_dir}")
    cache = _cache_dir()
    folder = cache if name == WEIGHTS_FILE else cache / MNIST_SUBDIR
    # then the cache itself, where nnlib 0.1 put MNIST's files, so that no one downloads them
    # again (a Fashion-MNIST file there would fail the hash check, loudly)
    for candidate in [folder] if folder == cache else [folder, cache]:
        if (candidate / name).is_file():
            return _verify_local_sha256(candidate / name, expected, hint)
        searched.append(f"the cache {candidate}")
    _download(
        name,
        _urls(name),
        folder,
        lambda path: _require_download_sha256(path, expected),
        searched=searched,
        how=f"with SHA-256 {expected}",
    )
    return folder / name


def _expected_sha256(name):
    if not isinstance(name, str):
        raise TypeError(f"name must be a file name (str), got {name!r}")
    try:
        return SHA256[name]
    except KeyError:
        raise ValueError(
            f"name: unknown data file {name!r}; known files: {sorted(SHA256)}"
        ) from None


def _urls(name):
    if name == WEIGHTS_FILE:
        return list(WEIGHTS_URLS)
    return [mirror + name for mirror in MNIST_MIRRORS]


def _fashion_mnist_content(name):
    """Verified, decompressed IDX bytes of the Fashion-MNIST file ``name``, and their source.

    The first copy found is used (and refused, not skipped, if it fails its check), so a
    broken copy is reported rather than hidden behind another one.
    """
    expected = FASHION_MNIST_SHA256[name]
    folders = []
    data_dir = _data_dir()
    if data_dir is not None:
        folders.append(data_dir / FASHION_MNIST_SUBDIR)
    folders.append(Path(SYSTEM_FASHION_MNIST_DIR))
    for folder in folders:
        if (folder / name).is_file():
            return _verified_content(folder / name, expected), folder / name
    cache = _cache_dir() / FASHION_MNIST_SUBDIR
    folders.append(cache)
    if (cache / name).is_file():
        return _verified_content(cache / name, expected), cache / name
    content = _download(
        name,
        [mirror + name for mirror in FASHION_MNIST_MIRRORS],
        cache,
        lambda path: _verified_download(path, FASHION_MNIST_MD5[name], expected),
        searched=[str(folder) for folder in folders],
        how=f"with Zalando's MD5 {FASHION_MNIST_MD5[name]} and content SHA-256 {expected}",
        offline=(
            f"To work offline, install Debian's dataset-fashion-mnist package, or copy the four "
            f"Fashion-MNIST files into $NNLIB_DATA_DIR/{FASHION_MNIST_SUBDIR}/."
        ),
    )
    return content, cache / name


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


# --------------------------------------------------------------------------- hash checks


def sha256_of(path):
    """Hex SHA-256 of a file, read in blocks so that large files need little memory.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    str
        64 lowercase hex digits.
    """
    path = _check_path(path, "path")
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_sha256(path, expected):
    """Return ``path`` if its SHA-256 is ``expected``; raise :class:`DataFileError` if not.

    Parameters
    ----------
    path : str or os.PathLike
    expected : str
        64 hex digits.

    Returns
    -------
    pathlib.Path
    """
    path = _check_path(path, "path")
    expected = _check_hex_digest(expected, "expected", 64)
    return _verify_local_sha256(path, expected, "")


def _verify_local_sha256(path, expected, hint):
    actual = sha256_of(path)
    if actual != expected:
        raise DataFileError(
            f"{path}: SHA-256 is {actual}, expected {expected}. The file is truncated, corrupted "
            f"or not the published version; delete it (it is then downloaded again) or replace "
            f"it with a good copy. {hint}".rstrip()
        )
    return path


def _verified_content(path, expected):
    """The decompressed bytes of a local ``.gz`` copy, if their SHA-256 is ``expected``.

    One decompression serves both the check and the parsing: for Fashion-MNIST's 47 MB of
    training images it takes about 0.2 s, and hashing the result 0.03 s.
    """
    content = _gunzip(path)
    actual = hashlib.sha256(content).hexdigest()
    if actual != expected:
        raise DataFileError(
            f"{path}: the decompressed content has SHA-256 {actual}, expected {expected}. The "
            f"file in {path.parent} is corrupted or not the published data; delete it or "
            f"replace it with a good copy. {_SAME_NAMES}"
        )
    return content


def _require_download_sha256(path, expected):
    actual = sha256_of(path)
    if actual != expected:
        raise DataFileError(f"served a file with SHA-256 {actual}, expected {expected}")


def _verified_download(path, expected_md5, expected_sha256):
    """Decompressed bytes of a downloaded ``.gz``: its MD5 must be Zalando's, its content's
    SHA-256 the data's."""
    with open(path, "rb") as file:
        actual = hashlib.md5(file.read(), usedforsecurity=False).hexdigest()
    if actual != expected_md5:
        raise DataFileError(f"served a .gz with MD5 {actual}, expected Zalando's {expected_md5}")
    content = _gunzip(path)
    actual = hashlib.sha256(content).hexdigest()
    if actual != expected_sha256:
        raise DataFileError(
            f"served a file whose decompressed content has SHA-256 {actual}, "
            f"expected {expected_sha256}"
        )
    return content


def _check_path(path, name):
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{name} must be a str or os.PathLike file name, got {path!r}")
    return Path(path)


def _check_hex_digest(value, name, length):
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a hex digest (str), got {value!r}")
    if not re.fullmatch(f"[0-9a-f]{{{length}}}", value):
        raise ValueError(f"{name} must be {length} lowercase hex digits, got {value!r}")
    return value


# --------------------------------------------------------------------------- downloading


def _download(name, urls, folder, verify, *, searched, how, offline=None):
    """Download ``name`` into ``folder`` from the first of ``urls`` that serves a good copy.

    Each attempt writes to a temporary file of its own in ``folder``; the copy takes the name
    ``name`` only once ``verify`` has accepted it, and is deleted otherwise, so the folder never
    holds a partial file. The rename is atomic: when two processes download the same file at
    once, each renames its own complete, verified copy, and the last one stays.

    Parameters
    ----------
    name : str
        File name inside ``folder``.
    urls : sequence of str
        Mirrors, tried in order.
    folder : pathlib.Path
        Created if missing.
    verify : callable
        ``verify(path)`` raises :class:`DataFileError` saying what is wrong with a downloaded
        copy, or returns what the caller wants from it (e.g. its decompressed content).
    searched : sequence of str
        Places already searched, for the error message.
    how : str
        What a good copy must match, for the error message.
    offline : str, optional
        How to get the file without a network, for the error message.

    Returns
    -------
    object
        What ``verify`` returned for the copy that was kept.

    Raises
    ------
    FileNotFoundError
        If no mirror served a copy that ``verify`` accepted; the message gives each mirror's
        reason.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    failures = []
    for url in urls:
        try:
            return _download_one(url, folder / name, verify)
        except (OSError, ValueError) as error:  # requests' errors are OSErrors
            failures.append(f"  {url}: {type(error).__name__}: {error}")
    places = " or ".join(searched) if searched else str(folder)
    reasons = "\n".join(failures) if failures else "  (no mirror configured)"
    offline = offline or f"To work offline, set {DATA_DIR_ENV} to a folder holding {name}."
    raise FileNotFoundError(
        f"{name} was not found in {places}, and no mirror served a copy {how}:\n"
        f"{reasons}\n{offline}"
    )


def _download_one(url, target, verify):
    """Download ``url`` to ``target`` through a temporary file that ``verify`` must accept."""
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
        result = verify(temporary)
        os.replace(temporary, target)
    finally:
        progress.close()
        temporary.unlink(missing_ok=True)
    return result


# --------------------------------------------------------------------------- parsing


def read_idx(path, *, magic, item_shape):
    """Read a gzip-compressed IDX file of unsigned bytes, checking its header and length.

    Parameters
    ----------
    path : str or os.PathLike
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
    path = _check_path(path, "path")
    magic, item_shape = _check_idx_format(magic, item_shape)
    return parse_idx(_gunzip(path), path, magic=magic, item_shape=item_shape)


def parse_idx(data, source, *, magic, item_shape):
    """Parse the bytes of an (uncompressed) IDX file of unsigned bytes, checking header and length.

    An IDX file is a 4-byte big-endian magic number (0x08 = unsigned byte, then the number of
    dimensions), one 4-byte size per dimension, then the values in C order.

    Parameters
    ----------
    data : bytes
        The whole file, decompressed.
    source : str or os.PathLike
        Where the bytes came from, for error messages.
    magic : int
        Expected magic number: 2051 for images (N, rows, cols), 2049 for labels (N,).
    item_shape : tuple of int
        Expected shape of one item: (28, 28) for images, () for labels.

    Returns
    -------
    (N, *item_shape) uint8 array
        A writable array of its own (not a view of ``data``).

    Raises
    ------
    DataFileError
        Naming ``source``, if the magic number, dimensions or length are wrong.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"data must be bytes, got {type(data).__name__}")
    source = _check_path(source, "source")
    magic, item_shape = _check_idx_format(magic, item_shape)
    ndim = 1 + len(item_shape)
    header = 4 + 4 * ndim
    found = int.from_bytes(data[:4], "big")
    if found != magic:
        raise DataFileError(f"{source}: IDX magic number {found}, expected {magic}")
    if len(data) < header:
        raise DataFileError(
            f"{source}: {len(data)} bytes, too short for an IDX header ({header} bytes)"
        )
    dims = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    if dims[1:] != item_shape:
        raise DataFileError(f"{source}: items of shape {dims[1:]}, expected {item_shape}")
    expected_length = header + int(np.prod(dims))
    if len(data) != expected_length:
        raise DataFileError(
            f"{source}: {len(data)} bytes after decompression, expected {expected_length} "
            f"(a {header}-byte header and {int(np.prod(dims))} values for dimensions {dims})"
        )
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(dims).copy()


def _check_idx_format(magic, item_shape):
    magic = check_int(magic, "magic", minimum=0)
    if not isinstance(item_shape, (tuple, list)):
        raise TypeError(f"item_shape must be a tuple of ints, got {item_shape!r}")
    return magic, tuple(check_int(n, "item_shape", minimum=0) for n in item_shape)


def _gunzip(path):
    try:
        with gzip.open(path, "rb") as file:
            return file.read()
    except (OSError, EOFError, zlib.error) as error:
        raise DataFileError(
            f"{path}: not a complete gzip file ({error}); expected a gzip-compressed IDX file"
        ) from error


def _check_labels(labels, count, source):
    if len(labels) != count:
        raise DataFileError(f"{source}: {len(labels)} labels, expected one per image ({count})")
    if labels.size and labels.max() >= NUM_CLASSES:
        raise DataFileError(
            f"{source}: label {labels.max()}, expected classes 0..{NUM_CLASSES - 1}"
        )


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
    TypeError
        If ``source`` is neither a file name nor an open file.
    pickle.UnpicklingError
        Before running anything, if the pickle names any global other than NumPy's
        array-rebuilding ones.
    """
    if hasattr(source, "read"):
        return _ArrayUnpickler(source, getattr(source, "name", "pickle data")).load()
    source = _check_path(source, "source")
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
