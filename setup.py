"""Build hook: the sample checklists ship inside the package, as cklauto/samples/, so that ``cklauto demo`` works
from any folder after a plain ``pip install``.  The repository keeps them once, in sample_ckl/ at the top level;
an editable install (or a source tree) reads them from there.  Everything else is in pyproject.toml."""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SAMPLES = Path(__file__).resolve().parent / "sample_ckl"


class BuildPyWithSamples(build_py):
    """build_py, plus sample_ckl/*.ckl and *.cklb copied to cklauto/samples/ in the build."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install finds sample_ckl/ in the source tree
        target = Path(self.build_lib) / "cklauto" / "samples"
        self.mkpath(str(target))
        samples = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".ckl", ".cklb"))
        if not samples:
            raise SystemExit(f"no sample checklists in {SAMPLES}: cklauto demo would have nothing to show")
        for sample in samples:
            self.copy_file(str(sample), str(target / sample.name))


setup(cmdclass={"build_py": BuildPyWithSamples})
