"""Shared fixtures for the nnlib tests."""

import numpy as np
import pytest
from hypothesis import settings

# Timing is measured in benchmarks/, never asserted in a test: Hypothesis's default 200 ms
# deadline per example turns a busy machine into a failure, so it is off for every test.
settings.register_profile("nnlib", deadline=None)
settings.load_profile("nnlib")


@pytest.fixture
def seed_001_params():
    """The 3-layer network of seed 001 (the book's section 3.4), with the book's key names."""
    return {
        "W1": np.array([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]]),
        "b1": np.array([0.1, 0.2, 0.3]),
        "W2": np.array([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]]),
        "b2": np.array([0.1, 0.2]),
        "W3": np.array([[0.1, 0.3], [0.2, 0.4]]),
        "b3": np.array([0.1, 0.2]),
    }
