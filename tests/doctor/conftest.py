"""Fixtures: the shared emulator ones from cklauto.emulator.testing."""

from cklauto.emulator.testing import emulator, emulator_factory  # noqa: F401  (pytest fixtures)
