"""nnlib.datasets: lookup order, hash checks, IDX parsing, downloads and the safe unpickler.

Every test runs with its own empty cache and with mirrors that point at a closed local port, so
no test can reach the internet. Download tests serve files from an HTTP server on 127.0.0.1.
Tests on the real files run when NNLIB_DATA_DIR is set and are skipped otherwise.
"""

import gzip
import hashlib
import http.server
import io
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

TEST_IMAGES, TEST_LABELS = datasets.MNIST_FILES["test"]
FAKE_LABELS = np.array([3, 1, 4], dtype=np.uint8)


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


@pytest.fixture
def data_dir(monkeypatch, tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.setenv(datasets.DATA_DIR_ENV, str(folder))
    return folder


@pytest.fixture
def cache_dir(tmp_path):
    return tmp_path / "cache"


class _Handler(http.server.BaseHTTPRequestHandler):
    """Serves ``server.routes[path] = (body, declared_length)``; 404 for other paths."""

    def do_GET(self):
        self.server.requested.append(self.path)
        if self.path not in self.server.routes:
            self.send_error(404)
            return
        body, declared_length = self.server.routes[self.path]
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


def test_cache_is_used_when_no_data_dir_is_set(cache_dir, monkeypatch):
    write_mnist(cache_dir, monkeypatch)
    _, t = datasets.load_mnist("test")
    np.testing.assert_array_equal(t, FAKE_LABELS)


def test_data_dir_is_searched_before_the_cache(data_dir, cache_dir, monkeypatch):
    write_mnist(cache_dir, monkeypatch, labels=np.array([9, 9, 9], dtype=np.uint8))
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
    write_mnist(cache_dir, monkeypatch)
    monkeypatch.setattr(datasets, "MNIST_MIRRORS", (serve_mnist(server, "good", monkeypatch),))
    (cache_dir / TEST_LABELS).write_bytes(b"tampered")
    with pytest.raises(datasets.DataFileError, match=f"{TEST_LABELS}: SHA-256"):
        datasets.load_mnist("test")
    assert (cache_dir / TEST_LABELS).read_bytes() == b"tampered"
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
    with pytest.raises(datasets.DataFileError, match=r"label 10, expected digits 0\.\.9"):
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
    assert str(cache_dir) in message and datasets.SHA256[name] in message
    assert "set NNLIB_DATA_DIR" in message
    assert folder_contents(cache_dir) == []


def test_missing_weights_without_network_are_reported(cache_dir):
    with pytest.raises(FileNotFoundError, match=r"sample_weight\.pkl was not found"):
        datasets.load_sample_weights()
    assert folder_contents(cache_dir) == []


# --------------------------------------------------------------------------- downloads


def test_download_stores_a_verified_copy_in_the_cache(server, cache_dir, monkeypatch):
    monkeypatch.setattr(datasets, "MNIST_MIRRORS", (serve_mnist(server, "good", monkeypatch),))
    _, t = datasets.load_mnist("test")
    np.testing.assert_array_equal(t, FAKE_LABELS)
    assert folder_contents(cache_dir) == sorted([TEST_IMAGES, TEST_LABELS])


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
    assert folder_contents(cache_dir) == sorted([TEST_IMAGES, TEST_LABELS])


def test_corrupted_download_is_refused_and_not_kept(server, cache_dir, monkeypatch):
    url = serve_mnist(server, "corrupt", monkeypatch, damage="corrupt")
    monkeypatch.setattr(datasets, "MNIST_MIRRORS", (url,))
    with pytest.raises(FileNotFoundError) as caught:
        datasets.load_mnist("test")
    message = str(caught.value)
    assert f"{url}{TEST_IMAGES}: DataFileError: served a file with SHA-256" in message
    assert f"expected {datasets.SHA256[TEST_IMAGES]}" in message
    assert folder_contents(cache_dir) == []


def test_download_that_stops_half_way_is_refused_and_not_kept(server, cache_dir, monkeypatch):
    url = serve_mnist(server, "truncated", monkeypatch, damage="truncate")
    monkeypatch.setattr(datasets, "MNIST_MIRRORS", (url,))
    with pytest.raises(FileNotFoundError) as caught:
        datasets.load_mnist("test")
    assert f"{TEST_IMAGES} was not found" in str(caught.value)
    assert f"{url}{TEST_IMAGES}: " in str(caught.value)
    assert folder_contents(cache_dir) == []


def test_weights_are_downloaded_from_the_weights_url(server, cache_dir, monkeypatch):
    weights = book_shaped_weights(0.5)
    content = pickle.dumps(weights, protocol=3)
    monkeypatch.setitem(datasets.SHA256, datasets.WEIGHTS_FILE, hashlib.sha256(content).hexdigest())
    server.routes["/ch03/sample_weight.pkl"] = (content, len(content))
    monkeypatch.setattr(datasets, "WEIGHTS_URLS", (f"{server.base_url}/ch03/sample_weight.pkl",))
    params = datasets.load_sample_weights()
    assert list(params) == list(datasets.WEIGHT_SHAPES)
    np.testing.assert_array_equal(params["W2"], weights["W2"])
    assert folder_contents(cache_dir) == [datasets.WEIGHTS_FILE]


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
