"""Shared fixtures. Each block is owned by the module whose tests use it."""

from __future__ import annotations

import pytest

# --- intake and validation (tests/test_intake.py, test_validation.py, ...) ---


@pytest.fixture
def intake_data_dir(tmp_path):
    """An empty data folder with ``raw/`` in it; files go in ``raw/<year>/``."""
    (tmp_path / "raw").mkdir()
    return tmp_path


# --- warm kernel (tests/test_warm_kernel.py, test_warm_engine.py) ---


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    """A warm kernel, shared by the tests of one module, with the engine registered."""
    from profmon.warm_engine import register_engine
    from profmon.warm_kernel import WarmKernel

    register_engine()
    with WarmKernel(cwd=tmp_path_factory.mktemp("kernel-cwd")) as instance:
        yield instance
