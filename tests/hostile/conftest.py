"""Fixtures of the hostile corpus: a throwaway non-root user, and a folder every user can reach."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hostile.helpers import OtherUser, shared_folder, throwaway_user


@pytest.fixture(scope="module")
def other_user() -> Iterator[OtherUser]:
    with throwaway_user() as user:
        yield user


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    with shared_folder() as folder:
        yield folder
