"""STIG Manager's own checklist parser (``@nuwcdivnpt/stig-manager-client-modules``), run with node.

The package is fetched once with npm (``npm pack``, the exact pinned release, its SHA-512 checked against the value
pinned here) and unpacked into a cache folder outside the checkout (``$CKLAUTO_TEST_CACHE``, default
``~/.cache/cklauto-tests``); nothing is installed into the repository.  Without node and npm, or without the npm
registry, the tests that need it are skipped with the reason.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import pytest

PACKAGE = "@nuwcdivnpt/stig-manager-client-modules"
VERSION = "1.6.7"
#: The registry's dist.integrity of that release (npm view @nuwcdivnpt/stig-manager-client-modules@1.6.7 dist).
INTEGRITY = "sha512-g1/wm/sjod+B61NIQz7u0E85TwWMOm+e0aWxDa4PIbmUlU29j8yQvrh9xVCkoMnenz/hCmK9AJUh8pRAs5Jj3g=="
DRIVER = Path(__file__).with_name("stig_manager_parse.mjs")
INSTALL_HINT = "CI: apt-get install -y nodejs npm"


def _cache_root() -> Path:
    return Path(os.environ.get("CKLAUTO_TEST_CACHE") or Path.home() / ".cache" / "cklauto-tests")


#: Why the package cannot be had, once known: the other tests skip at once instead of asking npm again.
_unavailable: list[str] = []


def stig_manager_module() -> Path:
    """The folder holding the package's index.js; skips the calling test when it cannot be had."""
    if _unavailable:
        pytest.skip(_unavailable[0])
    try:
        return _fetch()
    except pytest.skip.Exception as skipped:
        _unavailable.append(str(skipped.msg))
        raise


def _fetch() -> Path:
    if not shutil.which("node") or not shutil.which("npm"):
        pytest.skip(f"node and npm are needed to run STIG Manager's checklist parser ({INSTALL_HINT})")
    target = _cache_root() / f"stig-manager-client-modules-{VERSION}"
    if (target / "index.js").is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        env = {
            **os.environ,
            "npm_config_update_notifier": "false",
            "npm_config_fund": "false",
            "npm_config_audit": "false",
            "npm_config_fetch_retries": "1",
            "npm_config_fetch_retry_mintimeout": "2000",
            "npm_config_fetch_retry_maxtimeout": "4000",
            "npm_config_fetch_timeout": "30000",
        }
        try:
            packed = subprocess.run(
                ["npm", "pack", f"{PACKAGE}@{VERSION}", "--pack-destination", tmp],
                cwd=tmp,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
        except subprocess.TimeoutExpired:
            pytest.skip(f"npm could not fetch {PACKAGE}@{VERSION} within 120 s (is the npm registry reachable?)")
        tarballs = list(Path(tmp).glob("*.tgz"))
        if packed.returncode != 0 or not tarballs:
            errors = [line for line in packed.stderr.splitlines() if "ERR" in line or "error" in line.lower()]
            reason = (errors or packed.stderr.strip().splitlines() or ["no output"])[0].strip()
            pytest.skip(f"npm could not fetch {PACKAGE}@{VERSION} (is the npm registry reachable?): {reason}")
        data = tarballs[0].read_bytes()
        digest = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")
        assert digest == INTEGRITY, f"{PACKAGE}@{VERSION} from the registry is not the pinned release ({digest})"
        unpacked = Path(tmp) / "unpacked"
        _unpack(tarballs[0], unpacked)
        try:
            (unpacked / "package").rename(target)
        except OSError:  # another test process unpacked it first
            if not (target / "index.js").is_file():
                raise
    return target


def _unpack(tarball: Path, folder: Path) -> None:
    """Only plain files and folders under ``folder`` (Python's "data" filter, where this Python has it)."""
    with tarfile.open(tarball) as archive:
        members = archive.getmembers()
        for member in members:
            parts = Path(member.name).parts
            if not (member.isfile() or member.isdir()) or member.name.startswith("/") or ".." in parts:
                raise AssertionError(f"{tarball.name}: unexpected member {member.name!r}")
        if hasattr(tarfile, "data_filter"):
            archive.extractall(folder, members, filter="data")
        else:  # pragma: no cover - Pythons before the extraction filters; members were checked above
            archive.extractall(folder, members)


def parse_with_stig_manager(files: list[Path]) -> dict[str, Any]:
    """Each file as STIG Manager's reviewsFromCkl / reviewsFromCklb returns it (or {"error": message})."""
    module = stig_manager_module()
    done = subprocess.run(
        ["node", str(DRIVER), str(module), *(str(f) for f in files)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)
