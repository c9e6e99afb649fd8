"""Momentum, Nesterov, AdaGrad, RMSprop and Adam: each step against its rule written out here.

Every rule below is typed from its formula (the optimizer docstrings and the papers), not called
from nnlib, and run on a sequence of different gradients so that the state (velocity, running
averages, step count) matters. Hypothesis checks what must hold for any parameters: a small step
never increases a convex quadratic, the state is keyed like the parameters, float32 stays float32.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlib.layers import LayerNet
from nnlib.optimizers import SGD, AdaGrad, Adam, Momentum, Nesterov, RMSprop
from nnlib.training import train

STATEFUL = (Momentum, Nesterov, AdaGrad, RMSprop, Adam)
ALL = (SGD, *STATEFUL)
STATE_NAMES = {Momentum: ("v",), Nesterov: ("v",), AdaGrad: ("h",), RMSprop: ("h",),
               Adam: ("m", "v")}
STEPS = 6


def gradient_sequence(seed=0, steps=STEPS, dtype=np.float64):
    """Different gradients for W1 (3, 2) and b1 (2,) at every step, of varied sizes."""
    rng = np.random.default_rng(seed)
    return [
        {"W1": (rng.standard_normal((3, 2)) * 10.0 ** rng.uniform(-2, 1)).astype(dtype),
         "b1": rng.standard_normal(2).astype(dtype)}
        for _ in range(steps)
    ]


def start_params(dtype=np.float64, seed=1):
    rng = np.random.default_rng(seed)
    return {"W1": rng.standard_normal((3, 2)).astype(dtype), "b1": np.zeros(2, dtype)}


def run(optimizer, params, grad_steps):
    for grads in grad_steps:
        optimizer.update(params, grads)
    return params


def assert_params_close(actual, expected, rtol=1e-12):
    assert set(actual) == set(expected)
    for key in expected:
        np.testing.assert_allclose(actual[key], expected[key], rtol=rtol, atol=1e-14)


# --------------------------------------------------------------------------- written-out rules


def test_momentum_follows_its_rule_for_several_steps():
    lr, mu = 0.05, 0.8
    grad_steps = gradient_sequence()
    expected = start_params()
    v = {key: np.zeros_like(value) for key, value in expected.items()}
    for grads in grad_steps:
        for key in expected:
            v[key] = mu * v[key] - lr * grads[key]
            expected[key] = expected[key] + v[key]
    actual = run(Momentum(lr=lr, momentum=mu), start_params(), grad_steps)
    assert_params_close(actual, expected)


def test_momentum_equals_pytorchs_buffer_form():
    # torch.optim.SGD(momentum=mu): buf = mu * buf + g (buf = g at the first step); W -= lr * buf
    lr, mu = 0.05, 0.8
    grad_steps = gradient_sequence(seed=3)
    expected = start_params()
    buffers = {}
    for grads in grad_steps:
        for key in expected:
            buffers[key] = grads[key] if key not in buffers else mu * buffers[key] + grads[key]
            expected[key] = expected[key] - lr * buffers[key]
    actual = run(Momentum(lr=lr, momentum=mu), start_params(), grad_steps)
    assert_params_close(actual, expected, rtol=1e-10)


def test_nesterov_follows_the_books_rule_for_several_steps():
    lr, mu = 0.05, 0.8
    grad_steps = gradient_sequence()
    expected = start_params()
    v = {key: np.zeros_like(value) for key, value in expected.items()}
    for grads in grad_steps:
        for key in expected:
            v[key] = mu * v[key] - lr * grads[key]
            expected[key] = expected[key] + mu**2 * v[key] - (1 + mu) * lr * grads[key]
    actual = run(Nesterov(lr=lr, momentum=mu), start_params(), grad_steps)
    assert_params_close(actual, expected)


def test_nesterov_first_step_is_one_plus_mu_plus_mu_squared_times_lr_grad():
    lr, mu = 0.1, 0.9
    params, grads = start_params(), gradient_sequence(steps=1)[0]
    before = {key: value.copy() for key, value in params.items()}
    Nesterov(lr=lr, momentum=mu).update(params, grads)
    for key in params:
        np.testing.assert_allclose(params[key] - before[key], -(1 + mu + mu**2) * lr * grads[key])


def test_nesterov_differs_from_pytorchs_nesterov_form():
    # Bengio et al. (2012) eq. 7 = torch.optim.SGD(nesterov=True): mu**2 times the OLD velocity
    lr, mu = 0.05, 0.8
    grad_steps = gradient_sequence()
    bengio = start_params()
    v = {key: np.zeros_like(value) for key, value in bengio.items()}
    for grads in grad_steps:
        for key in bengio:
            bengio[key] = bengio[key] + mu**2 * v[key] - (1 + mu) * lr * grads[key]
            v[key] = mu * v[key] - lr * grads[key]
    book = run(Nesterov(lr=lr, momentum=mu), start_params(), grad_steps)
    assert not np.allclose(book["W1"], bengio["W1"], rtol=1e-3)


def test_nesterov_settles_to_the_momentum_step_under_a_constant_gradient():
    lr, mu = 0.01, 0.5
    params = {"w": np.zeros(1)}
    grads = {"w": np.ones(1)}
    optimizer = Nesterov(lr=lr, momentum=mu)
    for _ in range(60):
        before = params["w"].copy()
        optimizer.update(params, grads)
    np.testing.assert_allclose(params["w"] - before, -lr / (1 - mu), rtol=1e-12)


def test_adagrad_follows_its_rule_for_several_steps():
    lr, eps = 0.3, 1e-7
    grad_steps = gradient_sequence()
    expected = start_params()
    h = {key: np.zeros_like(value) for key, value in expected.items()}
    for grads in grad_steps:
        for key in expected:
            h[key] = h[key] + grads[key] ** 2
            expected[key] = expected[key] - lr * grads[key] / (np.sqrt(h[key]) + eps)
    actual = run(AdaGrad(lr=lr), start_params(), grad_steps)
    assert_params_close(actual, expected)


def test_adagrad_steps_shrink_like_one_over_root_t_under_a_constant_gradient():
    params, grads = {"w": np.zeros(1)}, {"w": np.full(1, 2.0)}
    optimizer = AdaGrad(lr=1.0)
    steps = []
    for _ in range(16):
        before = params["w"].copy()
        optimizer.update(params, grads)
        steps.append(float(before[0] - params["w"][0]))
    np.testing.assert_allclose(steps, 1 / np.sqrt(np.arange(1, 17)), rtol=1e-6)


def test_rmsprop_follows_its_rule_for_several_steps():
    lr, rho, eps = 0.02, 0.9, 1e-7
    grad_steps = gradient_sequence()
    expected = start_params()
    h = {key: np.zeros_like(value) for key, value in expected.items()}
    for grads in grad_steps:
        for key in expected:
            h[key] = rho * h[key] + (1 - rho) * grads[key] ** 2
            expected[key] = expected[key] - lr * grads[key] / (np.sqrt(h[key]) + eps)
    actual = run(RMSprop(lr=lr, decay_rate=rho), start_params(), grad_steps)
    assert_params_close(actual, expected)


def test_rmsprop_puts_eps_outside_the_square_root():
    params, grads = {"w": np.zeros(1)}, {"w": np.zeros(1)}
    grads["w"][0] = 1e-4  # h = 1e-9 after one step: sqrt(h) + eps differs from sqrt(h + eps)
    RMSprop(lr=1.0, decay_rate=0.9, eps=1e-3).update(params, grads)
    np.testing.assert_allclose(-params["w"], 1e-4 / (np.sqrt(1e-9) + 1e-3), rtol=1e-12)


def test_adam_follows_the_books_rule_for_several_steps():
    lr, b1, b2, eps = 0.01, 0.8, 0.95, 1e-7
    grad_steps = gradient_sequence()
    expected = start_params()
    m = {key: np.zeros_like(value) for key, value in expected.items()}
    v = {key: np.zeros_like(value) for key, value in expected.items()}
    for t, grads in enumerate(grad_steps, start=1):
        lr_t = lr * np.sqrt(1 - b2**t) / (1 - b1**t)
        for key in expected:
            m[key] = b1 * m[key] + (1 - b1) * grads[key]
            v[key] = b2 * v[key] + (1 - b2) * grads[key] ** 2
            expected[key] = expected[key] - lr_t * m[key] / (np.sqrt(v[key]) + eps)
    optimizer = Adam(lr=lr, beta1=b1, beta2=b2)
    actual = run(optimizer, start_params(), grad_steps)
    assert_params_close(actual, expected)
    assert optimizer.t == STEPS


def test_adam_is_algorithm_1_with_eps_divided_by_the_second_correction():
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-3  # a large eps, so that its placement shows
    grad_steps = gradient_sequence(seed=5)
    expected = start_params()
    m = {key: np.zeros_like(value) for key, value in expected.items()}
    v = {key: np.zeros_like(value) for key, value in expected.items()}
    for t, grads in enumerate(grad_steps, start=1):
        for key in expected:
            m[key] = b1 * m[key] + (1 - b1) * grads[key]
            v[key] = b2 * v[key] + (1 - b2) * grads[key] ** 2
            m_hat, v_hat = m[key] / (1 - b1**t), v[key] / (1 - b2**t)
            step_eps = eps / np.sqrt(1 - b2**t)
            expected[key] = expected[key] - lr * m_hat / (np.sqrt(v_hat) + step_eps)
    actual = run(Adam(lr=lr, beta1=b1, beta2=b2, eps=eps), start_params(), grad_steps)
    assert_params_close(actual, expected, rtol=1e-10)


@settings(max_examples=40, deadline=None)
@given(scale=st.floats(1e-3, 1e3), seed=st.integers(0, 2**32 - 1))
def test_adams_first_step_is_lr_whatever_the_gradients_scale(scale, seed):
    # bias correction: m_hat = g and v_hat = g**2 at t = 1, so the step is lr * sign(g)
    rng = np.random.default_rng(seed)
    grads = {"w": scale * rng.choice([-1.0, 1.0], 5) * rng.uniform(0.5, 2.0, 5)}
    params = {"w": np.zeros(5)}
    Adam(lr=0.01).update(params, grads)
    np.testing.assert_allclose(params["w"], -0.01 * np.sign(grads["w"]), rtol=1e-2)


# --------------------------------------------------------------------------- properties


def build(optimizer_class, lr):
    return optimizer_class(lr=lr)


@settings(max_examples=25, deadline=None)
@given(
    optimizer_class=st.sampled_from(ALL),
    curvature=st.lists(st.floats(0.1, 10.0), min_size=1, max_size=6),
    seed=st.integers(0, 2**32 - 1),
)
def test_one_small_step_never_increases_a_convex_quadratic(optimizer_class, curvature, seed):
    # f(w) = 0.5 * sum(a * w**2), a > 0, from a point with every |w_i| >= 0.1 (so that even a
    # sign-like step of RMSprop, about 10 * lr, cannot overshoot the minimum)
    a = np.array(curvature)
    rng = np.random.default_rng(seed)
    w = rng.choice([-1.0, 1.0], a.size) * rng.uniform(0.1, 10.0, a.size)
    params = {"w": w.copy()}

    def f(x):
        return 0.5 * np.sum(a * x**2)

    build(optimizer_class, lr=1e-3).update(params, {"w": a * params["w"]})
    assert f(params["w"]) < f(w)


@settings(max_examples=25, deadline=None)
@given(
    optimizer_class=st.sampled_from(STATEFUL),
    shapes=st.dictionaries(
        st.sampled_from(["W1", "b1", "W2", "b2", "gamma1", "beta1"]),
        st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple),
        min_size=1,
    ),
    seed=st.integers(0, 2**32 - 1),
)
def test_state_is_keyed_and_shaped_like_the_params(optimizer_class, shapes, seed):
    rng = np.random.default_rng(seed)
    params = {key: rng.standard_normal(shape) for key, shape in shapes.items()}
    grads = {key: rng.standard_normal(shape) for key, shape in shapes.items()}
    optimizer = optimizer_class(lr=0.01)
    for name in STATE_NAMES[optimizer_class]:
        assert getattr(optimizer, name) is None  # created lazily, at the first update
    optimizer.update(params, grads)
    optimizer.update(params, grads)
    for name in STATE_NAMES[optimizer_class]:
        state = getattr(optimizer, name)
        assert set(state) == set(params)
        for key in params:
            assert state[key].shape == params[key].shape
            assert state[key].dtype == params[key].dtype


@settings(max_examples=20, deadline=None)
@given(optimizer_class=st.sampled_from(ALL), seed=st.integers(0, 2**32 - 1))
def test_float32_params_stay_float32_with_their_state(optimizer_class, seed):
    params = start_params(np.float32, seed=seed % 1000)
    optimizer = optimizer_class(lr=0.01)
    run(optimizer, params, gradient_sequence(seed, steps=3, dtype=np.float32))
    assert all(value.dtype == np.float32 for value in params.values())
    for name in STATE_NAMES.get(optimizer_class, ()):
        assert all(value.dtype == np.float32 for value in getattr(optimizer, name).values())


@pytest.mark.parametrize("optimizer_class", STATEFUL)
def test_float32_steps_match_float64_steps_to_float32_precision(optimizer_class):
    grad_steps = gradient_sequence()
    wide = run(optimizer_class(lr=0.01), start_params(), grad_steps)
    narrow = run(optimizer_class(lr=0.01), start_params(np.float32),
                 [{k: g.astype(np.float32) for k, g in grads.items()} for grads in grad_steps])
    for key in wide:
        np.testing.assert_allclose(narrow[key], wide[key], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("optimizer_class", STATEFUL)
def test_update_changes_the_arrays_in_place_and_not_the_gradients(optimizer_class):
    params, grads = start_params(), gradient_sequence(steps=1)[0]
    arrays = dict(params)
    saved = {key: value.copy() for key, value in grads.items()}
    optimizer_class(lr=0.1).update(params, grads)
    assert all(params[key] is arrays[key] for key in params)
    assert not np.array_equal(params["W1"], saved["W1"])
    for key in grads:
        np.testing.assert_array_equal(grads[key], saved[key])


@pytest.mark.parametrize("optimizer_class", STATEFUL)
def test_training_a_layernet_lowers_its_loss(optimizer_class):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((200, 4)).astype(np.float32)
    t = (x[:, 0] + x[:, 1] > 0).astype(np.intp)
    net = LayerNet.mlp([4, 8, 2], rng=1, scale="he")
    before = net.loss(x, t)
    lr = 0.001 if optimizer_class is Adam else 0.01
    history = train(net, x, t, optimizer=optimizer_class(lr=lr * 5), epochs=5, batch_size=20,
                    rng=2)
    assert history["loss"][-1] < 0.8 * before
    assert all(value.dtype == np.float32 for value in net.params.values())


# --------------------------------------------------------------------------- errors and repr


@pytest.mark.parametrize("optimizer_class", STATEFUL)
@pytest.mark.parametrize("lr", [0.0, -0.1, float("nan"), float("inf")])
def test_refuses_a_learning_rate_that_is_not_positive_and_finite(optimizer_class, lr):
    with pytest.raises(ValueError, match="lr must be"):
        optimizer_class(lr=lr)


@pytest.mark.parametrize("optimizer_class", STATEFUL)
def test_refuses_a_learning_rate_that_is_not_a_number(optimizer_class):
    with pytest.raises(TypeError, match="lr must be a real number"):
        optimizer_class(lr="0.01")


@pytest.mark.parametrize(
    ("optimizer_class", "name", "value"),
    [
        (Momentum, "momentum", 1.0),
        (Momentum, "momentum", -0.1),
        (Nesterov, "momentum", 1.5),
        (RMSprop, "decay_rate", 1.0),
        (RMSprop, "decay_rate", float("nan")),
        (Adam, "beta1", 1.0),
        (Adam, "beta2", -0.5),
        (AdaGrad, "eps", 0.0),
        (RMSprop, "eps", -1e-7),
        (Adam, "eps", float("inf")),
    ],
)
def test_refuses_a_hyperparameter_out_of_range(optimizer_class, name, value):
    with pytest.raises(ValueError, match=f"{name} must be"):
        optimizer_class(**{name: value})


def test_accepts_numpy_scalars_as_hyperparameters():
    optimizer = Adam(lr=np.float32(0.5), beta1=np.float64(0.5))
    assert (optimizer.lr, optimizer.beta1) == (0.5, 0.5)


@pytest.mark.parametrize("optimizer_class", STATEFUL)
def test_update_names_mismatched_keys(optimizer_class):
    params, grads = start_params(), gradient_sequence(steps=1)[0]
    del grads["b1"]
    with pytest.raises(ValueError, match=r"params has \['W1', 'b1'\], grads has \['W1'\]"):
        optimizer_class().update(params, grads)


@pytest.mark.parametrize("optimizer_class", STATEFUL)
def test_update_names_a_gradient_of_the_wrong_shape(optimizer_class):
    params, grads = start_params(), gradient_sequence(steps=1)[0]
    grads["W1"] = grads["W1"].T
    with pytest.raises(ValueError, match=r"grads\['W1'\] has shape \(2, 3\)"):
        optimizer_class().update(params, grads)


@pytest.mark.parametrize("optimizer_class", STATEFUL)
def test_refuses_parameters_other_than_those_of_its_first_step(optimizer_class):
    optimizer = optimizer_class()
    optimizer.update(start_params(), gradient_sequence(steps=1)[0])
    other = {"W2": np.zeros((3, 2)), "b2": np.zeros(2)}
    with pytest.raises(ValueError, match=r"first used with the parameters \['W1', 'b1'\]"):
        optimizer.update(other, {key: np.ones_like(value) for key, value in other.items()})


@pytest.mark.parametrize("optimizer_class", STATEFUL)
def test_refuses_a_parameter_whose_shape_changed(optimizer_class):
    optimizer = optimizer_class()
    optimizer.update(start_params(), gradient_sequence(steps=1)[0])
    other = {"W1": np.zeros((4, 2)), "b1": np.zeros(2)}
    with pytest.raises(ValueError, match=r"params\['W1'\] has shape \(4, 2\) but"):
        optimizer.update(other, {key: np.ones_like(value) for key, value in other.items()})


def test_adam_does_not_count_a_refused_step():
    optimizer = Adam()
    with pytest.raises(ValueError):
        optimizer.update(start_params(), {"W1": np.zeros((3, 2))})
    assert optimizer.t == 0


@pytest.mark.parametrize(
    ("optimizer", "text"),
    [
        (Momentum(lr=0.1, momentum=0.5), "Momentum(lr=0.1, momentum=0.5)"),
        (Nesterov(), "Nesterov(lr=0.01, momentum=0.9)"),
        (AdaGrad(lr=0.1), "AdaGrad(lr=0.1, eps=1e-07)"),
        (RMSprop(), "RMSprop(lr=0.01, decay_rate=0.99, eps=1e-07)"),
        (Adam(), "Adam(lr=0.001, beta1=0.9, beta2=0.999, eps=1e-07)"),
    ],
)
def test_repr_shows_the_hyperparameters(optimizer, text):
    assert repr(optimizer) == text


@pytest.mark.parametrize(
    ("optimizer_class", "defaults"),
    [
        (Momentum, {"lr": 0.01, "momentum": 0.9}),
        (Nesterov, {"lr": 0.01, "momentum": 0.9}),
        (AdaGrad, {"lr": 0.01}),
        (RMSprop, {"lr": 0.01, "decay_rate": 0.99}),
        (Adam, {"lr": 0.001, "beta1": 0.9, "beta2": 0.999}),
    ],
)
def test_defaults_are_the_books(optimizer_class, defaults):
    optimizer = optimizer_class()
    assert {name: getattr(optimizer, name) for name in defaults} == defaults
