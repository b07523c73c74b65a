"""Fixtures for the session tests: the shared emulator fixtures from cklauto.emulator.testing."""

from cklauto.emulator.testing import emulator, emulator_factory  # noqa: F401  (pytest fixtures)
