"""The training loop and saving/loading parameters."""

import numpy as np
import pytest

from nnlib import backprop, network
from nnlib.layers import LayerNet
from nnlib.optimizers import SGD
from nnlib.training import load_params, save_params, train


def blobs(n=150, seed=0):
    """Three Gaussian clusters in the plane, float32, with integer labels."""
    rng = np.random.default_rng(seed)
    centers = np.array([[0.0, 2.0], [2.0, -1.0], [-2.0, -1.0]])
    t = rng.integers(0, 3, n)
    x = (centers[t] + 0.6 * rng.standard_normal((n, 2))).astype(np.float32)
    return x, t


def small_net(seed=1, **options):
    return LayerNet.mlp([2, 8, 3], rng=seed, **options)


def test_training_lowers_the_loss_and_learns_the_blobs():
    x, t = blobs()
    history = train(small_net(), x, t, optimizer=SGD(lr=0.3), epochs=10, batch_size=10, rng=2)
    assert history["loss"][-1] < 0.2 * history["loss"][0]
    assert history["train_accuracy"][-1] > 0.95


def test_training_is_repeatable_from_a_seed():
    x, t = blobs()
    first, second = small_net(), small_net()
    history_1 = train(first, x, t, optimizer=SGD(lr=0.3), epochs=3, batch_size=16, rng=5)
    history_2 = train(second, x, t, optimizer=SGD(lr=0.3), epochs=3, batch_size=16, rng=5)
    assert history_1 == history_2
    for key in first.params:
        np.testing.assert_array_equal(first.params[key], second.params[key])


def test_another_seed_shuffles_differently():
    x, t = blobs()
    history_1 = train(small_net(), x, t, optimizer=SGD(lr=0.3), epochs=1, batch_size=16, rng=5)
    history_2 = train(small_net(), x, t, optimizer=SGD(lr=0.3), epochs=1, batch_size=16, rng=6)
    assert history_1["batch_loss"] != history_2["batch_loss"]


@pytest.mark.parametrize("dropout_rate", [0.0, 0.3])
def test_training_matches_the_functional_loop_step_for_step(dropout_rate):
    x, t = blobs()
    x = x.astype(np.float64)
    params = network.init_params([2, 8, 3], rng=1, dtype=np.float64)
    expected_params, expected = backprop.train_sgd(
        params, x, t, learning_rate=0.3, epochs=3, batch_size=16, hidden="relu",
        dropout_rate=dropout_rate, rng=7, validation=(x[:40], t[:40]),
    )
    generator = np.random.default_rng(7)  # shuffles, then draws the masks, as train_sgd's does
    net = LayerNet.from_params({key: value.copy() for key, value in params.items()},
                               dropout_rate=dropout_rate, rng=generator)
    history = train(net, x, t, optimizer=SGD(lr=0.3), epochs=3, batch_size=16, rng=generator,
                    validation=(x[:40], t[:40]))
    np.testing.assert_allclose(history["loss"], expected["loss"], rtol=1e-10)
    assert history["train_accuracy"] == expected["train_accuracy"]
    assert history["val_accuracy"] == expected["val_accuracy"]
    for key in params:
        np.testing.assert_allclose(net.params[key], expected_params[key], rtol=1e-9, atol=1e-12)


def test_history_has_one_entry_per_epoch_and_one_loss_per_step():
    x, t = blobs(n=50)
    history = train(small_net(), x, t, optimizer=SGD(lr=0.1), epochs=4, batch_size=16, rng=0,
                    validation=(x[:10], t[:10]))
    assert sorted(history) == ["batch_loss", "loss", "train_accuracy", "val_accuracy", "val_loss"]
    assert len(history["batch_loss"]) == 4 * 4  # 50 samples: three batches of 16 and one of 2
    assert all(len(history[key]) == 4 for key in history if key != "batch_loss")
    assert all(type(value) is float for values in history.values() for value in values)


def test_epoch_loss_is_the_mean_of_its_batch_losses():
    x, t = blobs(n=60)
    history = train(small_net(), x, t, optimizer=SGD(lr=0.1), epochs=2, batch_size=20, rng=0)
    assert history["loss"][1] == pytest.approx(np.mean(history["batch_loss"][3:]))


def test_validation_numbers_are_the_trained_networks():
    x, t = blobs()
    net = small_net(seed=np.random.default_rng(3), dropout_rate=0.5)
    history = train(net, x, t, optimizer=SGD(lr=0.3), epochs=2, batch_size=10, rng=2,
                    validation=(x[:30], t[:30]))
    assert history["val_accuracy"][-1] == net.accuracy(x[:30], t[:30])
    assert history["val_loss"][-1] == pytest.approx(net.loss(x[:30], t[:30]))
    assert history["train_accuracy"][-1] == net.accuracy(x, t)


def test_a_regression_trains_without_accuracies():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((40, 3)).astype(np.float32)
    y = (x @ np.array([[1.0], [-2.0], [0.5]]) + 0.3).astype(np.float32)
    net = LayerNet.mlp([3, 1], output="identity", loss="mse", rng=1)
    history = train(net, x, y, optimizer=SGD(lr=0.1), epochs=20, batch_size=8, rng=2,
                    validation=(x[:10], y[:10]), accuracy=False)
    assert sorted(history) == ["batch_loss", "loss", "val_loss"]
    assert history["val_loss"][-1] < 0.01 * history["val_loss"][0]


def test_progress_bar_writes_to_stdout_and_nothing_to_stderr(capsys):
    x, t = blobs(n=20)
    train(small_net(), x, t, optimizer=SGD(lr=0.1), epochs=2, batch_size=5, rng=0,
          progress=True)
    captured = capsys.readouterr()
    assert "epoch 2/2" in captured.out and "8/8" in captured.out
    assert captured.err == ""


def test_no_progress_bar_prints_nothing(capsys):
    x, t = blobs(n=20)
    train(small_net(), x, t, optimizer=SGD(lr=0.1), epochs=1, batch_size=5, rng=0)
    assert capsys.readouterr() == ("", "")


def test_a_diverging_run_stops_with_a_clear_error():
    x, t = blobs()
    with np.errstate(all="ignore"), pytest.raises(ValueError, match="diverged"):
        train(small_net(), 1e3 * x, t, optimizer=SGD(lr=1e6), epochs=5, batch_size=10, rng=0)


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"epochs": 0}, ValueError, "epochs must be at least 1"),
        ({"epochs": 1.5}, TypeError, "epochs must be an integer"),
        ({"batch_size": 151}, ValueError, "batch_size must be at most 150"),
        ({"rng": None}, TypeError, "rng must be a numpy.random.Generator or an integer seed"),
        ({"rng": "seed"}, TypeError, "rng must be a numpy.random.Generator"),
        ({"optimizer": 0.1}, TypeError, "optimizer must have an update"),
        ({"validation": np.ones((3, 2))}, TypeError, "validation must be a pair"),
        ({"progress": 1}, TypeError, "progress must be True or False"),
    ],
)
def test_train_names_a_bad_argument(options, error, message):
    x, t = blobs()
    arguments = {"optimizer": SGD(lr=0.1), "epochs": 1, "batch_size": 10, "rng": 0, **options}
    with pytest.raises(error, match=message):
        train(small_net(), x, t, **arguments)


def test_train_refuses_targets_of_another_length():
    x, t = blobs()
    with pytest.raises(ValueError, match="need one target per row"):
        train(small_net(), x, t[:-1], optimizer=SGD(), epochs=1, rng=0)


def test_train_refuses_nan_inputs():
    x, t = blobs()
    x[3, 1] = np.nan
    with pytest.raises(ValueError, match="x must be finite"):
        train(small_net(), x, t, optimizer=SGD(), epochs=1, rng=0)


def test_train_refuses_something_that_is_not_a_network():
    x, t = blobs()
    with pytest.raises(TypeError, match="network must be a network"):
        train(network.init_params([2, 3]), x, t, optimizer=SGD(), epochs=1, rng=0)


# --------------------------------------------------------------------------- saving and loading


def test_saved_params_load_back_identical_in_order_and_dtype(tmp_path):
    params = small_net().params
    save_params(tmp_path / "net.npz", params)
    loaded = load_params(tmp_path / "net.npz")
    assert list(loaded) == list(params)
    for key in params:
        np.testing.assert_array_equal(loaded[key], params[key])
        assert loaded[key].dtype == np.float32


def test_a_trained_network_predicts_the_same_after_save_and_load(tmp_path):
    x, t = blobs()
    trained = small_net()
    train(trained, x, t, optimizer=SGD(lr=0.3), epochs=2, batch_size=10, rng=0)
    save_params(str(tmp_path / "trained.npz"), trained.params)
    fresh = small_net(seed=9)
    fresh.set_params(load_params(str(tmp_path / "trained.npz")))
    np.testing.assert_array_equal(fresh.predict(x), trained.predict(x))


def test_load_refuses_an_object_array(tmp_path):
    np.savez(tmp_path / "evil.npz", W1=np.array([1.0, "code", None], dtype=object))
    with pytest.raises(ValueError, match="needs pickle"):
        load_params(tmp_path / "evil.npz")


def test_load_refuses_a_single_array_file(tmp_path):
    np.save(tmp_path / "single.npy", np.ones(3))
    (tmp_path / "single.npy").rename(tmp_path / "single.npz")
    with pytest.raises(ValueError, match="single array"):
        load_params(tmp_path / "single.npz")


def test_load_refuses_integer_arrays(tmp_path):
    np.savez(tmp_path / "ints.npz", W1=np.ones((2, 2), dtype=int))
    with pytest.raises(TypeError, match="must be a float32 or float64 array"):
        load_params(tmp_path / "ints.npz")


def test_save_refuses_an_object_array(tmp_path):
    with pytest.raises(TypeError, match=r"params\['W1'\] must be a float32 or float64 array"):
        save_params(tmp_path / "net.npz", {"W1": np.array([None], dtype=object)})


def test_save_refuses_nan_parameters(tmp_path):
    with pytest.raises(ValueError, match=r"params\['b1'\] must be finite"):
        save_params(tmp_path / "net.npz", {"b1": np.array([0.0, np.nan])})


def test_save_needs_the_npz_suffix(tmp_path):
    with pytest.raises(ValueError, match=r"path must end in \.npz"):
        save_params(tmp_path / "net", {"b1": np.zeros(2)})


def test_save_refuses_an_empty_dict(tmp_path):
    with pytest.raises(ValueError, match="holds no parameters"):
        save_params(tmp_path / "net.npz", {})
