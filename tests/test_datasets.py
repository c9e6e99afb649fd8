"""nnlib.datasets: lookup order, hash checks, IDX parsing, downloads and the safe unpickler.

Every test runs with its own empty cache, no system Fashion-MNIST folder and mirrors that point at
a closed local port, so no test can reach the internet or the machine's real data. Download tests
serve files from an HTTP server on 127.0.0.1. Tests on the real files run when NNLIB_DATA_DIR is
set (MNIST's test split) or Debian's Fashion-MNIST folder exists, and are skipped otherwise.
"""

import gzip
import hashlib
import http.server
import io
import json
import os
import pickle
import pickletools
import socket
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from nnlib import datasets

REAL_DATA_DIR = os.environ.get(datasets.DATA_DIR_ENV)
needs_real_data = pytest.mark.skipif(
    not REAL_DATA_DIR, reason="set NNLIB_DATA_DIR to a folder with the MNIST test files"
)

REAL_FASHION_DIR = datasets.SYSTEM_FASHION_MNIST_DIR
needs_real_fashion = pytest.mark.skipif(
    not (REAL_FASHION_DIR / "t10k-labels-idx1-ubyte.gz").is_file(),
    reason=f"apt-get install dataset-fashion-mnist to get {REAL_FASHION_DIR}",
)

TEST_IMAGES, TEST_LABELS = datasets.MNIST_FILES["test"]
FAKE_LABELS = np.array([3, 1, 4], dtype=np.uint8)
FASHION_LABELS = np.array([9, 0, 7, 5], dtype=np.uint8)  # not FAKE_LABELS: tells them apart


# --------------------------------------------------------------------------- helpers


def fake_images(count=3):
    """(count, 28, 28) uint8 images whose pixels are all different from image to image."""
    return (np.arange(count * 28 * 28) % 256).astype(np.uint8).reshape(count, 28, 28)


def idx_bytes(magic, dims, values):
    """An uncompressed IDX file: magic, one 4-byte size per dimension, then the values."""
    header = magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in dims)
    return header + np.asarray(values, dtype=np.uint8).tobytes()


def write_file(folder, name, content, monkeypatch, *, register=True):
    """Write ``content`` to ``folder/name`` and, by default, make its hash the expected one."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(content)
    if register:
        monkeypatch.setitem(datasets.SHA256, name, hashlib.sha256(content).hexdigest())
    return path


def mnist_files(images=None, labels=FAKE_LABELS):
    """Gzip-compressed IDX bytes of a small test split: {file name: content}."""
    images = fake_images(len(labels)) if images is None else images
    return {
        TEST_IMAGES: gzip.compress(idx_bytes(2051, images.shape, images)),
        TEST_LABELS: gzip.compress(idx_bytes(2049, labels.shape, labels)),
    }


def write_mnist(folder, monkeypatch, **kwargs):
    for name, content in mnist_files(**kwargs).items():
        write_file(folder, name, content, monkeypatch)


def fashion_contents(labels=FASHION_LABELS):
    """Uncompressed IDX bytes of a small Fashion-MNIST test split: {file name: content}."""
    images = 255 - fake_images(len(labels))
    return {
        TEST_IMAGES: idx_bytes(2051, images.shape, images),
        TEST_LABELS: idx_bytes(2049, labels.shape, labels),
    }


def zalando_gzip(content):
    """Gzip as Zalando's files were: level 9, the original file name in the header."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="data.idx", mode="wb", compresslevel=9, fileobj=buffer,
                       mtime=1_503_000_000) as file:
        file.write(content)
    return buffer.getvalue()


def debian_gzip(content):
    """Gzip as Debian's package did: another level, no file name: other bytes, the same data."""
    return gzip.compress(content, compresslevel=6, mtime=0)


def register_fashion(monkeypatch, contents=None):
    """Make the small split's content hashes and Zalando-style MD5s the expected ones."""
    for name, content in (contents or fashion_contents()).items():
        sha256 = hashlib.sha256(content).hexdigest()
        monkeypatch.setitem(datasets.FASHION_MNIST_SHA256, name, sha256)
        monkeypatch.setitem(
            datasets.FASHION_MNIST_MD5, name, hashlib.md5(zalando_gzip(content)).hexdigest()
        )


def write_fashion(folder, monkeypatch, *, compress=zalando_gzip, register=True, **kwargs):
    """Write the small Fashion-MNIST split, gzipped by ``compress``, into ``folder``."""
    contents = fashion_contents(**kwargs)
    if register:
        register_fashion(monkeypatch, contents)
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in contents.items():
        (folder / name).write_bytes(compress(content))


def book_shaped_weights(value):
    """A dict like the book's weights (float32, the right shapes), every entry ``value``."""
    return {key: np.full(shape, value, np.float32) for key, shape in datasets.WEIGHT_SHAPES.items()}


def closed_port_url():
    """A URL on 127.0.0.1 where nothing listens: any request to it fails at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


class CodeRunningPayload:
    """Unpickling this calls ``function(*arguments)``: what a malicious pickle does."""

    def __init__(self, function, *arguments):
        self.function = function
        self.arguments = arguments

    def __reduce__(self):
        return self.function, self.arguments


def payloads(marker):
    """Two ways a pickle can run code; each would create ``marker``."""
    return {
        "os.mkdir": CodeRunningPayload(os.mkdir, str(marker)),
        "builtins.exec": CodeRunningPayload(exec, f"open({str(marker)!r}, 'w').close()"),
    }


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(autouse=True)
def offline(monkeypatch, tmp_path):
    """No data folder, an empty cache in tmp_path, and mirrors nobody answers on."""
    monkeypatch.delenv(datasets.DATA_DIR_ENV, raising=False)
    monkeypatch.setenv(datasets.CACHE_DIR_ENV, str(tmp_path / "cache"))
    for variable in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy",
                     "ALL_PROXY"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    dead = closed_port_url()
    monkeypatch.setattr(datasets, "MNIST_MIRRORS", (dead,))
    monkeypatch.setattr(datasets, "WEIGHTS_URLS", (dead + datasets.WEIGHTS_FILE,))
    monkeypatch.setattr(datasets, "FASHION_MNIST_MIRRORS", (dead,))
    monkeypatch.setattr(datasets, "SYSTEM_FASHION_MNIST_DIR", tmp_path / "usr-share-datasets")


@pytest.fixture
def data_dir(monkeypatch, tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.setenv(datasets.DATA_DIR_ENV, str(folder))
    return folder


@pytest.fixture
def cache_dir(tmp_path):
    return tmp_path / "cache"


@pytest.fixture
def system_dir(tmp_path):
    """Where the tests' SYSTEM_FASHION_MNIST_DIR points (Debian's folder, in tmp_path)."""
    return tmp_path / "usr-share-datasets"


class _Handler(http.server.BaseHTTPRequestHandler):
    """Serves ``server.routes[path] = (body, declared_length)``; 404 for other paths."""

    def do_GET(self):
        self.server.requested.append(self.path)
        if self.path not in self.server.routes:
            self.send_error(404)
            return
        body, declared_length = self.server.routes[self.path]
        barrier = self.server.barriers.get(self.path)
        if barrier is not None:
            try:  # hold the file until every client has asked for it: the downloads overlap
                barrier.wait()
            except threading.BrokenBarrierError:
                self.send_error(503, "the other client never asked")
                return
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(declared_length))
        self.end_headers()
        self.wfile.write(body)  # HTTP/1.0: the connection closes after this, complete or not

    def log_message(self, format, *args):
        pass


@pytest.fixture
def server():
    """A local HTTP server; tests add routes and read back which paths were requested."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.routes = {}
    httpd.requested = []
    httpd.barriers = {}
    httpd.base_url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def serve_mnist(server, folder_url, monkeypatch, *, damage=None):
    """Serve the small test split under ``/folder_url/``, registering the good files' hashes.

    ``damage`` is ``"corrupt"`` (one byte changed) or ``"truncate"`` (half the body sent, but the
    full Content-Length announced).
    """
    for name, content in mnist_files().items():
        monkeypatch.setitem(datasets.SHA256, name, hashlib.sha256(content).hexdigest())
        body = content
        if damage == "corrupt":
            body = content[:-12] + bytes([content[-12] ^ 0xFF]) + content[-11:]
        elif damage == "truncate":
            body = content[: len(content) // 2]
        server.routes[f"/{folder_url}/{name}"] = (body, len(content))
    return f"{server.base_url}/{folder_url}/"


def folder_contents(folder):
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def files_under(folder):
    """Every file below ``folder`` (hidden temporary files included), as relative paths."""
    if not folder.exists():
        return []
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def serve_fashion(server, folder_url, *, compress=zalando_gzip, damage=None):
    """Serve the small Fashion-MNIST split under ``/folder_url/``; ``damage`` as serve_mnist."""
    for name, content in fashion_contents().items():
        body = compress(content)
        length = len(body)
        if damage == "truncate":
            body = body[: len(body) // 2]
        server.routes[f"/{folder_url}/{name}"] = (body, length)
    return f"{server.base_url}/{folder_url}/"


# --------------------------------------------------------------------------- load_mnist


def test_load_mnist_gives_normalized_flat_float32_images_and_uint8_labels(data_dir, monkeypatch):
    write_mnist(data_dir, monkeypatch)
    x, t = datasets.load_mnist("test")
    assert x.shape == (3, 784) and x.dtype == np.float32
    np.testing.assert_array_equal(x, fake_images().reshape(3, 784) / np.float32(255))
    assert x.min() == 0.0 and x.max() == 1.0
    assert t.dtype == np.uint8
    np.testing.assert_array_equal(t, FAKE_LABELS)


def test_load_mnist_keeps_raw_pixels_when_not_normalized(data_dir, monkeypatch):
    write_mnist(data_dir, monkeypatch)
    x, _ = datasets.load_mnist("test", normalize=False)
    assert x.dtype == np.uint8
    np.testing.assert_array_equal(x, fake_images().reshape(3, 784))


def test_load_mnist_without_flatten_gives_one_channel_images(data_dir, monkeypatch):
    write_mnist(data_dir, monkeypatch)
    x, _ = datasets.load_mnist("test", flatten=False, normalize=False)
    assert x.shape == (3, 1, 28, 28)
    np.testing.assert_array_equal(x[:, 0], fake_images())


def test_one_hot_labels_have_a_single_one_at_the_digit(data_dir, monkeypatch):
    write_mnist(data_dir, monkeypatch)
    _, t = datasets.load_mnist("test", one_hot_label=True)
    assert t.shape == (3, 10) and t.dtype == np.float32
    np.testing.assert_array_equal(t.sum(axis=1), 1)
    np.testing.assert_array_equal(t.argmax(axis=1), FAKE_LABELS)


def test_loaded_arrays_are_writable(data_dir, monkeypatch):
    write_mnist(data_dir, monkeypatch)
    x, t = datasets.load_mnist("test", normalize=False)
    x[0, 0] = 7
    t[0] = 7


def test_unknown_split_is_refused():
    with pytest.raises(ValueError, match="'validation'"):
        datasets.load_mnist("validation")


def test_flags_are_keyword_only(data_dir, monkeypatch):
    write_mnist(data_dir, monkeypatch)
    with pytest.raises(TypeError):
        datasets.load_mnist("test", False)


# --------------------------------------------------------------------------- lookup order


def test_cache_mnist_subfolder_is_used_when_no_data_dir_is_set(cache_dir, monkeypatch):
    write_mnist(cache_dir / "mnist", monkeypatch)
    assert datasets.fetch(TEST_LABELS) == cache_dir / "mnist" / TEST_LABELS
    _, t = datasets.load_mnist("test")
    np.testing.assert_array_equal(t, FAKE_LABELS)


def test_mnist_files_cached_by_nnlib_0_1_in_the_cache_itself_are_still_read(cache_dir, monkeypatch):
    write_mnist(cache_dir, monkeypatch)
    assert datasets.fetch(TEST_LABELS) == cache_dir / TEST_LABELS
    _, t = datasets.load_mnist("test")
    np.testing.assert_array_equal(t, FAKE_LABELS)


def test_data_dir_is_searched_before_the_cache(data_dir, cache_dir, monkeypatch):
    write_mnist(cache_dir / "mnist", monkeypatch, labels=np.array([9, 9, 9], dtype=np.uint8))
    write_mnist(data_dir, monkeypatch)  # registers the data_dir files' hashes last
    assert datasets.fetch(TEST_LABELS) == data_dir / TEST_LABELS
    _, t = datasets.load_mnist("test")
    np.testing.assert_array_equal(t, FAKE_LABELS)


def test_data_dir_that_is_not_a_folder_is_reported(monkeypatch, tmp_path):
    monkeypatch.setenv(datasets.DATA_DIR_ENV, str(tmp_path / "no-such-folder"))
    with pytest.raises(NotADirectoryError, match=r"NNLIB_DATA_DIR.*no-such-folder"):
        datasets.load_mnist("test")


def test_unknown_file_name_is_refused():
    with pytest.raises(ValueError, match=r"unknown data file 'mnist\.npz'"):
        datasets.fetch("mnist.npz")


# --------------------------------------------------------------------------- hash checks


def test_sha256_of_matches_hashlib(tmp_path):
    path = tmp_path / "file"
    path.write_bytes(b"nnlib" * 100_000)
    assert datasets.sha256_of(path) == hashlib.sha256(b"nnlib" * 100_000).hexdigest()


def test_verify_sha256_returns_the_path_of_a_good_file(tmp_path):
    path = tmp_path / "file"
    path.write_bytes(b"good")
    assert datasets.verify_sha256(path, hashlib.sha256(b"good").hexdigest()) == path


def test_wrong_hash_in_data_dir_is_reported_with_file_and_expected_hash(data_dir, monkeypatch):
    write_mnist(data_dir, monkeypatch)
    expected = "0" * 64
    monkeypatch.setitem(datasets.SHA256, TEST_IMAGES, expected)
    with pytest.raises(datasets.DataFileError) as caught:
        datasets.load_mnist("test")
    message = str(caught.value)
    assert TEST_IMAGES in message and f"expected {expected}" in message
    assert hashlib.sha256((data_dir / TEST_IMAGES).read_bytes()).hexdigest() in message


def test_hash_is_checked_before_the_file_is_parsed(data_dir, monkeypatch):
    write_file(data_dir, TEST_IMAGES, b"not gzip at all", monkeypatch, register=False)
    write_file(data_dir, TEST_LABELS, b"not gzip at all", monkeypatch, register=False)
    with pytest.raises(datasets.DataFileError, match="SHA-256"):
        datasets.load_mnist("test")


def test_wrong_hash_in_cache_is_reported_not_replaced(cache_dir, monkeypatch, server):
    write_mnist(cache_dir / "mnist", monkeypatch)
    monkeypatch.setattr(datasets, "MNIST_MIRRORS", (serve_mnist(server, "good", monkeypatch),))
    (cache_dir / "mnist" / TEST_LABELS).write_bytes(b"tampered")
    with pytest.raises(datasets.DataFileError, match=f"mnist/{TEST_LABELS}: SHA-256"):
        datasets.load_mnist("test")
    assert (cache_dir / "mnist" / TEST_LABELS).read_bytes() == b"tampered"
    assert server.requested == []


# --------------------------------------------------------------------------- gzip and IDX checks


def test_truncated_gzip_is_reported(data_dir, monkeypatch):
    write_mnist(data_dir, monkeypatch)
    whole = (data_dir / TEST_IMAGES).read_bytes()
    write_file(data_dir, TEST_IMAGES, whole[: len(whole) // 2], monkeypatch)
    with pytest.raises(datasets.DataFileError, match=f"{TEST_IMAGES}: not a complete gzip file"):
        datasets.load_mnist("test")


def test_corrupted_gzip_is_reported(data_dir, monkeypatch):
    write_mnist(data_dir, monkeypatch)
    whole = bytearray((data_dir / TEST_LABELS).read_bytes())
    whole[-6] ^= 0xFF  # inside the CRC-32 trailer: the data decompresses but fails the check
    write_file(data_dir, TEST_LABELS, bytes(whole), monkeypatch)
    with pytest.raises(datasets.DataFileError, match=f"{TEST_LABELS}: not a complete gzip file"):
        datasets.load_mnist("test")


def test_file_that_is_not_gzip_is_reported(data_dir, monkeypatch):
    write_mnist(data_dir, monkeypatch)
    write_file(data_dir, TEST_LABELS, idx_bytes(2049, (3,), FAKE_LABELS), monkeypatch)
    with pytest.raises(datasets.DataFileError, match="expected a gzip-compressed IDX file"):
        datasets.load_mnist("test")


def test_wrong_magic_number_is_reported(data_dir, monkeypatch):
    write_mnist(data_dir, monkeypatch)
    swapped = gzip.compress(idx_bytes(2049, (3,), FAKE_LABELS))
    write_file(data_dir, TEST_IMAGES, swapped, monkeypatch)
    expected = f"{TEST_IMAGES}: IDX magic number 2049, expected 2051"
    with pytest.raises(datasets.DataFileError, match=expected):
        datasets.load_mnist("test")


def test_wrong_image_size_is_reported(data_dir, monkeypatch):
    images = np.zeros((3, 27, 28), dtype=np.uint8)
    write_mnist(data_dir, monkeypatch)
    content = gzip.compress(idx_bytes(2051, images.shape, images))
    write_file(data_dir, TEST_IMAGES, content, monkeypatch)
    expected = r"items of shape \(27, 28\), expected \(28, 28\)"
    with pytest.raises(datasets.DataFileError, match=expected):
        datasets.load_mnist("test")


@pytest.mark.parametrize("payload_size", [2 * 784, 3 * 784 + 1])
def test_length_that_disagrees_with_the_header_is_reported(data_dir, monkeypatch, payload_size):
    write_mnist(data_dir, monkeypatch)
    content = idx_bytes(2051, (3, 28, 28), np.zeros(payload_size))
    write_file(data_dir, TEST_IMAGES, gzip.compress(content), monkeypatch)
    with pytest.raises(datasets.DataFileError, match=f"{TEST_IMAGES}: .* expected {16 + 3 * 784}"):
        datasets.load_mnist("test")


def test_header_shorter_than_its_dimensions_is_reported(tmp_path):
    path = tmp_path / "short.gz"
    path.write_bytes(gzip.compress((2051).to_bytes(4, "big")))
    with pytest.raises(datasets.DataFileError, match="too short for an IDX header"):
        datasets.read_idx(path, magic=2051, item_shape=(28, 28))


def test_label_count_must_match_image_count(data_dir, monkeypatch):
    write_mnist(data_dir, monkeypatch, images=fake_images(4))
    with pytest.raises(datasets.DataFileError, match="3 labels, expected one per image"):
        datasets.load_mnist("test")


def test_label_outside_0_to_9_is_reported(data_dir, monkeypatch):
    write_mnist(data_dir, monkeypatch, labels=np.array([3, 10, 4], dtype=np.uint8))
    with pytest.raises(datasets.DataFileError, match=r"label 10, expected classes 0\.\.9"):
        datasets.load_mnist("test")


def test_read_idx_reads_labels(tmp_path):
    path = tmp_path / "labels.gz"
    path.write_bytes(gzip.compress(idx_bytes(2049, (3,), FAKE_LABELS)))
    labels = datasets.read_idx(path, magic=2049, item_shape=())
    assert labels.dtype == np.uint8
    np.testing.assert_array_equal(labels, FAKE_LABELS)


# --------------------------------------------------------------------------- missing files


@pytest.mark.parametrize("split", ["train", "test"])
def test_missing_file_without_network_is_reported_and_leaves_no_file(split, data_dir, cache_dir):
    name = datasets.MNIST_FILES[split][0]
    with pytest.raises(FileNotFoundError) as caught:
        datasets.load_mnist(split)
    message = str(caught.value)
    assert f"{name} was not found in NNLIB_DATA_DIR={data_dir}" in message
    assert str(cache_dir / "mnist") in message and datasets.SHA256[name] in message
    assert "set NNLIB_DATA_DIR" in message
    assert files_under(cache_dir) == []


def test_missing_weights_without_network_are_reported(cache_dir):
    with pytest.raises(FileNotFoundError, match=r"sample_weight\.pkl was not found"):
        datasets.load_sample_weights()
    assert files_under(cache_dir) == []


# --------------------------------------------------------------------------- downloads


def test_download_stores_a_verified_copy_in_the_cache_mnist_folder(server, cache_dir, monkeypatch):
    monkeypatch.setattr(datasets, "MNIST_MIRRORS", (serve_mnist(server, "good", monkeypatch),))
    _, t = datasets.load_mnist("test")
    np.testing.assert_array_equal(t, FAKE_LABELS)
    assert files_under(cache_dir) == [f"mnist/{TEST_IMAGES}", f"mnist/{TEST_LABELS}"]


def test_downloaded_files_are_reused_without_network(server, cache_dir, monkeypatch):
    monkeypatch.setattr(datasets, "MNIST_MIRRORS", (serve_mnist(server, "good", monkeypatch),))
    datasets.load_mnist("test")
    server.requested.clear()
    datasets.load_mnist("test")
    assert server.requested == []


def test_mirrors_are_tried_in_order_until_one_serves_a_good_copy(server, cache_dir, monkeypatch):
    corrupt = serve_mnist(server, "corrupt", monkeypatch, damage="corrupt")
    good = serve_mnist(server, "good", monkeypatch)
    missing = f"{server.base_url}/missing/"
    monkeypatch.setattr(datasets, "MNIST_MIRRORS", (missing, corrupt, good))
    _, t = datasets.load_mnist("test")
    np.testing.assert_array_equal(t, FAKE_LABELS)
    tried = [f"/{folder}/{TEST_IMAGES}" for folder in ("missing", "corrupt", "good")]
    assert server.requested[:3] == tried
    assert files_under(cache_dir) == [f"mnist/{TEST_IMAGES}", f"mnist/{TEST_LABELS}"]


def test_corrupted_download_is_refused_and_not_kept(server, cache_dir, monkeypatch):
    url = serve_mnist(server, "corrupt", monkeypatch, damage="corrupt")
    monkeypatch.setattr(datasets, "MNIST_MIRRORS", (url,))
    with pytest.raises(FileNotFoundError) as caught:
        datasets.load_mnist("test")
    message = str(caught.value)
    assert f"{url}{TEST_IMAGES}: DataFileError: served a file with SHA-256" in message
    assert f"expected {datasets.SHA256[TEST_IMAGES]}" in message
    assert files_under(cache_dir) == []


def test_download_that_stops_half_way_is_refused_and_not_kept(server, cache_dir, monkeypatch):
    url = serve_mnist(server, "truncated", monkeypatch, damage="truncate")
    monkeypatch.setattr(datasets, "MNIST_MIRRORS", (url,))
    with pytest.raises(FileNotFoundError) as caught:
        datasets.load_mnist("test")
    assert f"{TEST_IMAGES} was not found" in str(caught.value)
    assert f"{url}{TEST_IMAGES}: " in str(caught.value)
    assert files_under(cache_dir) == []


def test_weights_are_downloaded_from_the_weights_url(server, cache_dir, monkeypatch):
    weights = book_shaped_weights(0.5)
    content = pickle.dumps(weights, protocol=3)
    monkeypatch.setitem(datasets.SHA256, datasets.WEIGHTS_FILE, hashlib.sha256(content).hexdigest())
    server.routes["/ch03/sample_weight.pkl"] = (content, len(content))
    monkeypatch.setattr(datasets, "WEIGHTS_URLS", (f"{server.base_url}/ch03/sample_weight.pkl",))
    params = datasets.load_sample_weights()
    assert list(params) == list(datasets.WEIGHT_SHAPES)
    np.testing.assert_array_equal(params["W2"], weights["W2"])
    assert files_under(cache_dir) == [datasets.WEIGHTS_FILE]


# --------------------------------------------------------------------------- Fashion-MNIST


def test_fashion_mnist_class_names_are_zalandos_ten_in_label_order():
    assert len(datasets.FASHION_MNIST_CLASSES) == 10
    assert datasets.FASHION_MNIST_CLASSES[0] == "T-shirt/top"
    assert datasets.FASHION_MNIST_CLASSES[5] == "Sandal"
    assert datasets.FASHION_MNIST_CLASSES[9] == "Ankle boot"


def test_load_fashion_mnist_gives_normalized_flat_float32_images_and_uint8_labels(
    data_dir, monkeypatch
):
    write_fashion(data_dir / "fashion-mnist", monkeypatch)
    x, t = datasets.load_fashion_mnist("test")
    assert x.shape == (4, 784) and x.dtype == np.float32
    np.testing.assert_array_equal(x, (255 - fake_images(4)).reshape(4, 784) / np.float32(255))
    assert t.dtype == np.uint8
    np.testing.assert_array_equal(t, FASHION_LABELS)


def test_load_fashion_mnist_has_load_mnists_options(data_dir, monkeypatch):
    write_fashion(data_dir / "fashion-mnist", monkeypatch)
    x, t = datasets.load_fashion_mnist("test", normalize=False, flatten=False, one_hot_label=True)
    assert x.shape == (4, 1, 28, 28) and x.dtype == np.uint8
    np.testing.assert_array_equal(x[:, 0], 255 - fake_images(4))
    assert t.shape == (4, 10) and t.dtype == np.float32
    np.testing.assert_array_equal(t.argmax(axis=1), FASHION_LABELS)


def test_fashion_mnist_is_read_from_the_data_dirs_fashion_mnist_folder_first(
    data_dir, system_dir, cache_dir, monkeypatch
):
    write_fashion(cache_dir / "fashion-mnist", monkeypatch, labels=np.array([1, 1, 1, 1], np.uint8))
    write_fashion(system_dir, monkeypatch, labels=np.array([2, 2, 2, 2], np.uint8))
    write_fashion(data_dir / "fashion-mnist", monkeypatch)  # registers its hashes last
    _, t = datasets.load_fashion_mnist("test")
    np.testing.assert_array_equal(t, FASHION_LABELS)


def test_fashion_mnist_is_read_from_debians_folder_before_the_cache(
    data_dir, system_dir, cache_dir, monkeypatch
):
    write_fashion(cache_dir / "fashion-mnist", monkeypatch, labels=np.array([1, 1, 1, 1], np.uint8))
    write_fashion(system_dir, monkeypatch)
    _, t = datasets.load_fashion_mnist("test")
    np.testing.assert_array_equal(t, FASHION_LABELS)


def test_fashion_mnist_is_read_from_debians_folder_without_a_data_dir(system_dir, monkeypatch):
    write_fashion(system_dir, monkeypatch)
    _, t = datasets.load_fashion_mnist("test")
    np.testing.assert_array_equal(t, FASHION_LABELS)


def test_fashion_mnist_is_read_from_the_cache_fashion_mnist_folder_last(
    data_dir, cache_dir, monkeypatch
):
    write_fashion(cache_dir / "fashion-mnist", monkeypatch)
    _, t = datasets.load_fashion_mnist("test")
    np.testing.assert_array_equal(t, FASHION_LABELS)


def test_debian_style_recompressed_copy_is_accepted_by_its_content_hash(system_dir, monkeypatch):
    write_fashion(system_dir, monkeypatch, compress=debian_gzip)
    for name, content in fashion_contents().items():
        local = (system_dir / name).read_bytes()
        assert local != zalando_gzip(content)  # other .gz bytes: other MD5 and .gz SHA-256
        assert hashlib.md5(local).hexdigest() != datasets.FASHION_MNIST_MD5[name]
        assert gzip.decompress(local) == content
    _, t = datasets.load_fashion_mnist("test")
    np.testing.assert_array_equal(t, FASHION_LABELS)


def test_fashion_file_with_other_content_is_refused_naming_file_and_folder(
    system_dir, monkeypatch
):
    write_fashion(system_dir, monkeypatch)
    content = bytearray(fashion_contents()[TEST_IMAGES])
    content[100] ^= 0x01  # one pixel off by one: a valid gzip of different data
    (system_dir / TEST_IMAGES).write_bytes(debian_gzip(bytes(content)))
    expected = datasets.FASHION_MNIST_SHA256[TEST_IMAGES]
    with pytest.raises(datasets.DataFileError) as caught:
        datasets.load_fashion_mnist("test")
    message = str(caught.value)
    assert f"{system_dir / TEST_IMAGES}: the decompressed content has SHA-256" in message
    assert f"expected {expected}" in message and f"in {system_dir}" in message


def test_truncated_fashion_file_is_refused_naming_file_and_folder(data_dir, monkeypatch):
    folder = data_dir / "fashion-mnist"
    write_fashion(folder, monkeypatch)
    whole = (folder / TEST_IMAGES).read_bytes()
    (folder / TEST_IMAGES).write_bytes(whole[: len(whole) // 2])
    expected = f"{folder / TEST_IMAGES}: not a complete gzip file"
    with pytest.raises(datasets.DataFileError, match=expected):
        datasets.load_fashion_mnist("test")


def test_broken_fashion_copy_is_refused_not_replaced_by_a_later_location(
    data_dir, system_dir, monkeypatch
):
    write_fashion(system_dir, monkeypatch)
    write_fashion(data_dir / "fashion-mnist", monkeypatch)
    (data_dir / "fashion-mnist" / TEST_LABELS).write_bytes(b"tampered")
    with pytest.raises(datasets.DataFileError, match=f"fashion-mnist/{TEST_LABELS}: not a"):
        datasets.load_fashion_mnist("test")


def test_missing_fashion_mnist_names_every_place_searched_and_how_to_get_it(
    data_dir, system_dir, cache_dir
):
    with pytest.raises(FileNotFoundError) as caught:
        datasets.load_fashion_mnist("train")
    message = str(caught.value)
    assert "train-images-idx3-ubyte.gz was not found in" in message
    for folder in (data_dir / "fashion-mnist", system_dir, cache_dir / "fashion-mnist"):
        assert str(folder) in message
    assert "dataset-fashion-mnist" in message and "$NNLIB_DATA_DIR/fashion-mnist/" in message
    assert files_under(cache_dir) == []


# --------------------------------------------------------------------------- the name collision


def test_mnist_in_a_flat_data_dir_is_never_read_as_fashion_mnist(data_dir, system_dir,
                                                                 monkeypatch):
    write_mnist(data_dir, monkeypatch)
    write_fashion(system_dir, monkeypatch)
    _, fashion = datasets.load_fashion_mnist("test")
    _, digits = datasets.load_mnist("test")
    np.testing.assert_array_equal(fashion, FASHION_LABELS)
    np.testing.assert_array_equal(digits, FAKE_LABELS)


def test_fashion_mnist_lookup_never_falls_back_to_mnists_flat_folder(data_dir, monkeypatch):
    write_mnist(data_dir, monkeypatch)
    register_fashion(monkeypatch, {
        name: gzip.decompress(content) for name, content in mnist_files().items()
    })  # even if the hashes would accept MNIST's files: their folder is not searched
    with pytest.raises(FileNotFoundError, match="was not found"):
        datasets.load_fashion_mnist("test")


def test_mnist_lookup_never_reads_the_fashion_mnist_folders(data_dir, system_dir, cache_dir,
                                                           monkeypatch):
    write_fashion(data_dir / "fashion-mnist", monkeypatch)
    write_fashion(system_dir, monkeypatch)
    write_fashion(cache_dir / "fashion-mnist", monkeypatch)
    for name, content in mnist_files().items():
        monkeypatch.setitem(datasets.SHA256, name, hashlib.sha256(content).hexdigest())
    with pytest.raises(FileNotFoundError, match="was not found"):
        datasets.load_mnist("test")


def test_fashion_mnist_files_in_a_flat_data_dir_are_refused_as_mnist(data_dir, monkeypatch):
    write_mnist(data_dir / "elsewhere", monkeypatch)  # registers MNIST's hashes
    write_fashion(data_dir, monkeypatch)  # the wrong place: flat
    with pytest.raises(datasets.DataFileError) as caught:
        datasets.load_mnist("test")
    message = str(caught.value)
    assert f"{data_dir / TEST_IMAGES}: SHA-256" in message
    assert "fashion-mnist/ subfolder" in message


def test_mnist_files_in_the_fashion_mnist_folder_are_refused(data_dir, monkeypatch):
    register_fashion(monkeypatch)
    write_mnist(data_dir / "fashion-mnist", monkeypatch)  # the wrong place
    with pytest.raises(datasets.DataFileError, match="decompressed content has SHA-256"):
        datasets.load_fashion_mnist("test")


def test_both_datasets_share_one_cache_in_their_own_folders(cache_dir, monkeypatch):
    write_mnist(cache_dir / "mnist", monkeypatch)
    write_fashion(cache_dir / "fashion-mnist", monkeypatch)
    np.testing.assert_array_equal(datasets.load_mnist("test")[1], FAKE_LABELS)
    np.testing.assert_array_equal(datasets.load_fashion_mnist("test")[1], FASHION_LABELS)


# --------------------------------------------------------------------------- Fashion downloads


def test_fashion_download_stores_a_verified_copy_in_the_cache(server, cache_dir, monkeypatch):
    register_fashion(monkeypatch)
    monkeypatch.setattr(datasets, "FASHION_MNIST_MIRRORS", (serve_fashion(server, "zalando"),))
    _, t = datasets.load_fashion_mnist("test")
    np.testing.assert_array_equal(t, FASHION_LABELS)
    expected = [f"fashion-mnist/{TEST_IMAGES}", f"fashion-mnist/{TEST_LABELS}"]
    assert files_under(cache_dir) == expected
    server.requested.clear()
    datasets.load_fashion_mnist("test")
    assert server.requested == []


def test_fashion_download_with_a_wrong_md5_is_refused_and_not_kept(server, cache_dir, monkeypatch):
    # A recompressed copy has the right content but not Zalando's .gz: a download must be both.
    register_fashion(monkeypatch)
    url = serve_fashion(server, "recompressed", compress=debian_gzip)
    monkeypatch.setattr(datasets, "FASHION_MNIST_MIRRORS", (url,))
    with pytest.raises(FileNotFoundError) as caught:
        datasets.load_fashion_mnist("test")
    message = str(caught.value)
    assert f"{url}{TEST_IMAGES}: DataFileError: served a .gz with MD5" in message
    assert f"expected Zalando's {datasets.FASHION_MNIST_MD5[TEST_IMAGES]}" in message
    assert files_under(cache_dir) == []


def test_fashion_download_with_the_md5_but_wrong_content_is_refused_and_not_kept(
    server, cache_dir, monkeypatch
):
    register_fashion(monkeypatch)
    expected = "0" * 64
    monkeypatch.setitem(datasets.FASHION_MNIST_SHA256, TEST_IMAGES, expected)
    url = serve_fashion(server, "zalando")
    monkeypatch.setattr(datasets, "FASHION_MNIST_MIRRORS", (url,))
    with pytest.raises(FileNotFoundError) as caught:
        datasets.load_fashion_mnist("test")
    message = str(caught.value)
    assert f"{url}{TEST_IMAGES}: DataFileError: served a file whose decompressed content" in message
    assert f"expected {expected}" in message
    assert files_under(cache_dir) == []


def test_fashion_download_that_stops_half_way_is_refused_and_not_kept(
    server, cache_dir, monkeypatch
):
    register_fashion(monkeypatch)
    url = serve_fashion(server, "truncated", damage="truncate")
    monkeypatch.setattr(datasets, "FASHION_MNIST_MIRRORS", (url,))
    with pytest.raises(FileNotFoundError, match=f"{TEST_IMAGES} was not found"):
        datasets.load_fashion_mnist("test")
    assert files_under(cache_dir) == []


def test_fashion_mirrors_are_tried_in_order(server, cache_dir, monkeypatch):
    register_fashion(monkeypatch)
    bad = serve_fashion(server, "recompressed", compress=debian_gzip)
    good = serve_fashion(server, "zalando")
    monkeypatch.setattr(datasets, "FASHION_MNIST_MIRRORS", (bad, good))
    _, t = datasets.load_fashion_mnist("test")
    np.testing.assert_array_equal(t, FASHION_LABELS)
    assert server.requested[:2] == [f"/recompressed/{TEST_IMAGES}", f"/zalando/{TEST_IMAGES}"]


# --------------------------------------------------------------------------- a shared cache

CONCURRENT_LOAD = """
import json, sys
from pathlib import Path
from nnlib import datasets
settings = json.loads(sys.argv[1])
for table, entries in settings["tables"].items():
    getattr(datasets, table).update(entries)
datasets.MNIST_MIRRORS = datasets.FASHION_MNIST_MIRRORS = (settings["url"],)
datasets.SYSTEM_FASHION_MNIST_DIR = Path(settings["system_dir"])
_, t = getattr(datasets, settings["loader"])("test")
print(t.tolist())
"""


@pytest.mark.parametrize(
    ("loader", "folder", "labels"),
    [("load_fashion_mnist", "fashion-mnist", FASHION_LABELS), ("load_mnist", "mnist", FAKE_LABELS)],
)
def test_two_processes_downloading_into_one_cache_at_once_both_succeed(
    loader, folder, labels, server, cache_dir, system_dir, monkeypatch
):
    if loader == "load_fashion_mnist":
        register_fashion(monkeypatch)
        url = serve_fashion(server, "files")
    else:
        url = serve_mnist(server, "files", monkeypatch)
    for path in server.routes:  # each file waits until both processes have asked for it
        server.barriers[path] = threading.Barrier(2, timeout=30)
    tables = {name: dict(getattr(datasets, name))
              for name in ("SHA256", "FASHION_MNIST_SHA256", "FASHION_MNIST_MD5")}
    settings = {"tables": tables, "url": url, "system_dir": str(system_dir), "loader": loader}
    environment = {**os.environ, datasets.CACHE_DIR_ENV: str(cache_dir)}
    command = [sys.executable, "-c", CONCURRENT_LOAD, json.dumps(settings)]
    processes = [
        subprocess.Popen(command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
        for _ in range(2)
    ]
    results = [process.communicate(timeout=90) for process in processes]
    for process, (stdout, stderr) in zip(processes, results, strict=True):
        assert process.returncode == 0, stderr
        assert json.loads(stdout) == labels.tolist()
    assert sorted(server.requested) == sorted(2 * list(server.routes))  # both downloaded
    assert files_under(cache_dir) == [f"{folder}/{TEST_IMAGES}", f"{folder}/{TEST_LABELS}"]
    server.requested.clear()
    np.testing.assert_array_equal(getattr(datasets, loader)("test")[1], labels)
    assert server.requested == []


# --------------------------------------------------------------------------- bad arguments


@pytest.mark.parametrize("loader", [datasets.load_mnist, datasets.load_fashion_mnist])
@pytest.mark.parametrize(
    ("arguments", "error", "names"),
    [
        ({"split": 1}, TypeError, "split"),
        ({"split": "validation"}, ValueError, "split"),
        ({"normalize": "no"}, TypeError, "normalize"),
        ({"normalize": 0}, TypeError, "normalize"),
        ({"flatten": None}, TypeError, "flatten"),
        ({"one_hot_label": 1.0}, TypeError, "one_hot_label"),
    ],
)
def test_loaders_refuse_bad_arguments_naming_them(loader, arguments, error, names):
    arguments = {"split": "test", **arguments}
    split = arguments.pop("split")
    with pytest.raises(error, match=names):
        loader(split, **arguments)


def test_loaders_accept_numpy_bools(data_dir, monkeypatch):
    write_mnist(data_dir, monkeypatch)
    x, _ = datasets.load_mnist("test", normalize=np.bool_(False), flatten=np.True_)
    assert x.dtype == np.uint8 and x.shape == (3, 784)


def labels_file(tmp_path):
    path = tmp_path / "labels.gz"
    path.write_bytes(gzip.compress(idx_bytes(2049, (3,), FAKE_LABELS)))
    return path


@pytest.mark.parametrize(
    ("call", "error", "names"),
    [
        (lambda path: datasets.fetch(3), TypeError, "name"),
        (lambda path: datasets.fetch("mnist.npz"), ValueError, "mnist.npz"),
        (lambda path: datasets.sha256_of(3), TypeError, "path"),
        (lambda path: datasets.verify_sha256(None, "0" * 64), TypeError, "path"),
        (lambda path: datasets.verify_sha256(path, 64), TypeError, "expected"),
        (lambda path: datasets.verify_sha256(path, "abc"), ValueError, "expected"),
        (lambda path: datasets.verify_sha256(path, "A" * 64), ValueError, "expected"),
        (lambda path: datasets.read_idx(3, magic=2049, item_shape=()), TypeError, "path"),
        (lambda path: datasets.read_idx(path, magic="2049", item_shape=()), TypeError, "magic"),
        (lambda path: datasets.read_idx(path, magic=2049.0, item_shape=()), TypeError, "magic"),
        (lambda path: datasets.read_idx(path, magic=-1, item_shape=()), ValueError, "magic"),
        (lambda path: datasets.read_idx(path, magic=2049, item_shape=28), TypeError, "item_shape"),
        (lambda path: datasets.read_idx(path, magic=2049, item_shape=(28.0,)), TypeError,
         "item_shape"),
        (lambda path: datasets.parse_idx("text", path, magic=2049, item_shape=()), TypeError,
         "data"),
        (lambda path: datasets.parse_idx(b"", 3, magic=2049, item_shape=()), TypeError, "source"),
        (lambda path: datasets.safe_unpickle(3), TypeError, "source"),
    ],
)
def test_helpers_refuse_bad_arguments_naming_them(tmp_path, call, error, names):
    with pytest.raises(error, match=names):
        call(labels_file(tmp_path))


def test_read_idx_accepts_numpy_integers(tmp_path):
    labels = datasets.read_idx(labels_file(tmp_path), magic=np.int32(2049), item_shape=[])
    np.testing.assert_array_equal(labels, FAKE_LABELS)


def test_parse_idx_reads_bytes_and_names_the_source_in_errors():
    content = idx_bytes(2049, (3,), FAKE_LABELS)
    np.testing.assert_array_equal(
        datasets.parse_idx(content, "labels", magic=2049, item_shape=()), FAKE_LABELS
    )
    with pytest.raises(datasets.DataFileError, match="somewhere/labels: IDX magic number 2049"):
        datasets.parse_idx(content, Path("somewhere/labels"), magic=2051, item_shape=(28, 28))


# --------------------------------------------------------------------------- safe unpickling


@pytest.mark.parametrize("protocol", [3, 4])
def test_safe_unpickle_rebuilds_a_dict_of_arrays(tmp_path, protocol):
    arrays = {"W": np.arange(6, dtype=np.float32).reshape(2, 3), "t": np.array([1, 2], np.uint8)}
    path = tmp_path / "arrays.pkl"
    path.write_bytes(pickle.dumps(arrays, protocol=protocol))
    loaded = datasets.safe_unpickle(path)
    assert loaded.keys() == arrays.keys()
    for key, value in arrays.items():
        assert loaded[key].dtype == value.dtype
        np.testing.assert_array_equal(loaded[key], value)


@pytest.mark.parametrize("kind", ["os.mkdir", "builtins.exec"])
def test_pickle_that_runs_code_actually_runs_it_with_plain_pickle(tmp_path, kind):
    # The control for the next test: these payloads are real.
    marker = tmp_path / "ran"
    pickle.loads(pickle.dumps(payloads(marker)[kind]))
    assert marker.exists()


@pytest.mark.parametrize("kind", ["os.mkdir", "builtins.exec"])
def test_pickle_that_runs_code_is_refused_before_it_runs(data_dir, monkeypatch, tmp_path, kind):
    marker = tmp_path / "ran"
    content = pickle.dumps({"W1": payloads(marker)[kind]}, protocol=3)
    write_file(data_dir, datasets.WEIGHTS_FILE, content, monkeypatch)  # even with a matching hash
    with pytest.raises(pickle.UnpicklingError, match=rf"{datasets.WEIGHTS_FILE}: refused to load"):
        datasets.load_sample_weights()
    assert not marker.exists()


def test_pickle_with_wrong_hash_is_refused_before_unpickling(data_dir, monkeypatch, tmp_path):
    marker = tmp_path / "ran"
    content = pickle.dumps(payloads(marker)["os.mkdir"], protocol=3)
    write_file(data_dir, datasets.WEIGHTS_FILE, content, monkeypatch, register=False)
    with pytest.raises(datasets.DataFileError, match="SHA-256"):
        datasets.load_sample_weights()
    assert not marker.exists()


def test_refusal_names_the_global_that_was_asked_for(tmp_path):
    path = tmp_path / "evil.pkl"
    path.write_bytes(pickle.dumps(CodeRunningPayload(os.getcwd), protocol=3))
    with pytest.raises(pickle.UnpicklingError, match=rf"refused to load {os.name}\.getcwd"):
        datasets.safe_unpickle(path)


def test_safe_unpickle_reads_an_open_file_and_refuses_code_there_too(tmp_path):
    array = np.linspace(0, 1, 5, dtype=np.float32)
    np.testing.assert_array_equal(datasets.safe_unpickle(io.BytesIO(pickle.dumps(array))), array)
    marker = tmp_path / "ran"
    evil = io.BytesIO(pickle.dumps(payloads(marker)["builtins.exec"], protocol=4))
    refusal = r"pickle data: refused to load builtins\.exec"
    with pytest.raises(pickle.UnpicklingError, match=refusal):
        datasets.safe_unpickle(evil)
    assert not marker.exists()


def test_weights_with_a_wrong_shape_are_refused(data_dir, monkeypatch):
    weights = book_shaped_weights(0.0)
    weights["W2"] = np.zeros((100, 50), dtype=np.float32)
    write_file(data_dir, datasets.WEIGHTS_FILE, pickle.dumps(weights, protocol=3), monkeypatch)
    expected = r"W2 is float32 \(100, 50\), expected a float32 array of shape \(50, 100\)"
    with pytest.raises(datasets.DataFileError, match=expected):
        datasets.load_sample_weights()


def test_weights_with_missing_keys_are_refused(data_dir, monkeypatch):
    weights = {"W1": np.zeros((784, 50), dtype=np.float32)}
    write_file(data_dir, datasets.WEIGHTS_FILE, pickle.dumps(weights, protocol=3), monkeypatch)
    with pytest.raises(datasets.DataFileError, match=r"holds \['W1'\], expected a dict with keys"):
        datasets.load_sample_weights()


# --------------------------------------------------------------------------- imports


def test_importing_nnlib_does_not_import_pooch_or_tqdm():
    code = (
        "import sys, nnlib, nnlib.datasets\n"
        "print(sorted(m for m in ('pooch', 'tqdm', 'requests') if m in sys.modules))"
    )
    command = [sys.executable, "-c", code]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


# --------------------------------------------------------------------------- the real files


@pytest.fixture
def real_data(monkeypatch):
    monkeypatch.setenv(datasets.DATA_DIR_ENV, REAL_DATA_DIR)
    return Path(REAL_DATA_DIR)


@needs_real_data
def test_real_test_split_has_10000_normalized_images(real_data):
    x, t = datasets.load_mnist("test")
    assert x.shape == (10_000, 784) and x.dtype == np.float32
    assert t.shape == (10_000,) and t.dtype == np.uint8
    assert x.min() == 0.0 and x.max() == 1.0
    np.testing.assert_array_equal(np.unique(t), np.arange(10))


@needs_real_data
def test_real_first_labels_are_the_published_ones(real_data):
    _, t = datasets.load_mnist("test")
    np.testing.assert_array_equal(t[:12], [7, 2, 1, 0, 4, 1, 4, 9, 5, 9, 0, 6])


@needs_real_data
def test_real_raw_images_are_uint8_one_channel(real_data):
    x, _ = datasets.load_mnist("test", normalize=False, flatten=False)
    assert x.shape == (10_000, 1, 28, 28) and x.dtype == np.uint8
    assert x.max() == 255


@needs_real_data
def test_real_one_hot_labels_match_the_digits(real_data):
    _, digits = datasets.load_mnist("test")
    _, t = datasets.load_mnist("test", one_hot_label=True)
    assert t.shape == (10_000, 10)
    np.testing.assert_array_equal(t.argmax(axis=1), digits)
    np.testing.assert_array_equal(t.sum(axis=1), 1)


@needs_real_data
def test_real_weights_are_the_books_float32_network(real_data):
    params = datasets.load_sample_weights()
    assert {key: value.shape for key, value in params.items()} == datasets.WEIGHT_SHAPES
    assert all(value.dtype == np.float32 for value in params.values())


@needs_real_data
def test_real_weights_pickle_names_only_the_three_array_globals(real_data):
    content = (real_data / datasets.WEIGHTS_FILE).read_bytes()
    names = {arg for op, arg, _ in pickletools.genops(content) if op.name == "GLOBAL"}
    assert names == {"numpy.core.multiarray _reconstruct", "numpy ndarray", "numpy dtype"}


@needs_real_fashion
def test_real_fashion_mnist_training_set_has_6000_images_per_class(monkeypatch):
    monkeypatch.setattr(datasets, "SYSTEM_FASHION_MNIST_DIR", REAL_FASHION_DIR)
    x, t = datasets.load_fashion_mnist("train", normalize=False)
    assert x.shape == (60_000, 784) and x.dtype == np.uint8
    np.testing.assert_array_equal(np.bincount(t), np.full(10, 6000))
    np.testing.assert_array_equal(t[:10], [9, 0, 0, 3, 0, 2, 7, 2, 5, 5])


@needs_real_fashion
def test_real_fashion_mnist_test_set_passes_its_content_hashes(monkeypatch):
    monkeypatch.setattr(datasets, "SYSTEM_FASHION_MNIST_DIR", REAL_FASHION_DIR)
    x, t = datasets.load_fashion_mnist("test", one_hot_label=True)
    assert x.shape == (10_000, 784) and x.min() == 0.0 and x.max() == 1.0
    np.testing.assert_array_equal(t.sum(axis=0), np.full(10, 1000))
