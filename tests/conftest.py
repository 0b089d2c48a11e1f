"""Shared fixtures. Each block is owned by the module whose tests use it."""

from __future__ import annotations

import pytest

# --- intake and validation (tests/test_intake.py, test_validation.py, ...) ---


@pytest.fixture
def intake_data_dir(tmp_path):
    """An empty data folder with ``raw/`` in it; files go in ``raw/<year>/``."""
    (tmp_path / "raw").mkdir()
    return tmp_path
