"""Fixtures for the emulator's own tests: the shared ones from cklauto.emulator.testing."""

from cklauto.emulator.testing import emulator, emulator_factory  # noqa: F401  (pytest fixtures)
