"""Shared test fixtures: where the reference checklists live, and fresh copies of them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# CI lays shared/ beside the checkout; the reference files are read from there, never copied in.
REFERENCE = (REPO.parent / "shared" / "reference").resolve()
SAMPLES = REPO / "sample_ckl"


def reference_files(kind: str) -> list[Path]:
    """Reference checklists of one kind (``ckl`` or ``cklb``); empty when the folder is absent."""
    folder = REFERENCE / kind
    return sorted(folder.glob(f"*.{kind}")) if folder.is_dir() else []


def require_reference() -> Path:
    if not REFERENCE.is_dir():
        pytest.skip(f"reference data not found at {REFERENCE} (it sits beside the checkout in CI)")
    return REFERENCE


@pytest.fixture(scope="session")
def _empty_config_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("xdg-config-home")


@pytest.fixture(autouse=True)
def _no_user_config(_empty_config_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's own cklauto config file (~/.config/cklauto/config.toml) must not change what tests see."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(_empty_config_home))
    monkeypatch.delenv("CKLAUTO_CONFIG", raising=False)


@pytest.fixture
def reference() -> Path:
    return require_reference()


@pytest.fixture
def copy_of(tmp_path: Path):
    """Copy a file into tmp_path (as a writable file) and return the copy's path."""

    def _copy(source: Path, name: str | None = None) -> Path:
        target = tmp_path / (name or source.name)
        shutil.copyfile(source, target)
        target.chmod(0o644)
        return target

    return _copy
