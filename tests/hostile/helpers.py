"""Tools for the hostile corpus: run cklauto as a user would, then prove that no checklist was damaged.

The central promise checked here: after any run, every checklist is either byte-identical to
what it was, or a complete, valid new version whose bytes differ only inside the target rule's
review values (STATUS, FINDING_DETAILS, COMMENTS; CKLB also that rule's ``updatedAt``).

The check does not trust cklauto's own parser to find the target: it locates the review values
with independent code (expat byte offsets for CKL, a small JSON span scanner for CKLB), so a
bug in cklauto's rule lookup cannot hide itself.

Typical use in a new hostile case::

    folder = tmp_path / "checklists"
    ...build hostile files in folder...
    result = run_then_show([folder], evidence=write_evidence(tmp_path / "sc.json"))
    assert result.run.returncode == 1 and "what the user must read" in result.run.stderr
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import stat
import subprocess
import sys
import tempfile
import xml.parsers.expat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cklauto.checks.ex13_mb_000120 import CHECK
from cklauto.formats import parse_checklist
from cklauto.formats.atomic import is_temp_file

ALIASES = CHECK.ids.names()
BENCHMARK_ID = CHECK.benchmark_id

REPO = Path(__file__).resolve().parents[2]
DOMAIN = "contoso.mil"
COMPLIANT = [
    {"Name": "Internal Relay", "Identity": "Internal Relay", "TlsDomain": "contoso.mil"},
    {"Name": "To Site B", "Identity": "To Site B", "TlsDomain": "CONTOSO.MIL."},
]
NONCOMPLIANT = [
    {"Name": "Internal Relay", "Identity": "Internal Relay", "TlsDomain": "contoso.mil"},
    {"Name": "Legacy Scan-to-Mail", "Identity": "Legacy Scan-to-Mail", "TlsDomain": None},
]
CHECKLIST_SUFFIXES = (".ckl", ".cklb")
#: The review values cklauto may change in the target rule, per format.
CKL_REVIEW_ELEMENTS = frozenset({"STATUS", "FINDING_DETAILS", "COMMENTS"})
CKLB_REVIEW_KEYS = frozenset({"status", "finding_details", "comments", "updatedAt"})


# ----------------------------------------------------------------------------------------- other users
@dataclass(frozen=True)
class OtherUser:
    """A throwaway non-root user, member of its own group and of the shared group ``team``."""

    name: str
    uid: int
    gid: int
    team: str
    team_gid: int

    def wrap(self, argv: Sequence[str]) -> list[str]:
        """``argv`` run as this user (with its supplementary groups)."""
        return ["setpriv", f"--reuid={self.uid}", f"--regid={self.gid}", "--init-groups", *argv]


@contextlib.contextmanager
def throwaway_user() -> Iterator[OtherUser]:
    """Create a non-root user and a shared group for one test module; remove both afterwards.

    Skips (pytest.skip) with the reason when that is impossible: not root, no useradd/setpriv,
    or the test interpreter is not reachable by another user (e.g. a Python under /root).
    """
    import grp
    import pwd

    import pytest

    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("needs root to create a throwaway non-root user (CI runs as root)")
    missing = [tool for tool in ("useradd", "groupadd", "userdel", "groupdel", "setpriv") if not shutil.which(tool)]
    if missing:
        pytest.skip(f"cannot create a throwaway user: {', '.join(missing)} not installed")
    suffix = secrets.token_hex(3)
    team, name = f"ckl-team-{suffix}", f"ckl-user-{suffix}"
    subprocess.run(["groupadd", team], check=True, capture_output=True)
    try:
        subprocess.run(
            ["useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", "--user-group", "-G", team, name],
            check=True,
            capture_output=True,
        )
        try:
            entry = pwd.getpwnam(name)
            user = OtherUser(name, entry.pw_uid, entry.pw_gid, team, grp.getgrnam(team).gr_gid)
            probe = subprocess.run(
                user.wrap([sys.executable, "-c", "import cklauto.cli, lxml, click"]),
                capture_output=True,
                text=True,
                cwd="/",
                env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
            )
            if probe.returncode != 0:
                pytest.skip(
                    f"the test interpreter {sys.executable} cannot be run by a non-root user "
                    f"(install the project in a venv other users can read): {probe.stderr.strip()[-200:]}"
                )
            yield user
        finally:
            subprocess.run(["userdel", name], capture_output=True)
            with contextlib.suppress(KeyError):
                grp.getgrnam(name)
                subprocess.run(["groupdel", name], capture_output=True)
    finally:
        subprocess.run(["groupdel", team], capture_output=True)


@contextlib.contextmanager
def shared_folder() -> Iterator[Path]:
    """A fresh folder under the system temp dir that every user can reach (pytest's tmp_path is private)."""
    root = Path(tempfile.mkdtemp(prefix="cklauto-hostile-"))
    try:
        root.chmod(0o755)
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


# ----------------------------------------------------------------------------------------- running cklauto
def cklauto(
    *args: str | Path,
    timeout: float = 120,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    user: OtherUser | None = None,
) -> subprocess.CompletedProcess[str]:
    """``python -m cklauto ARGS`` as a separate process (as ``user`` if given); TimeoutExpired if it hangs."""
    environment = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})}
    environment.setdefault("PYTHONPATH", str(REPO))
    argv = [sys.executable, "-m", "cklauto", *map(str, args)]
    return subprocess.run(
        user.wrap(argv) if user is not None else argv,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=environment,
        cwd=cwd or REPO,
        stdin=subprocess.DEVNULL,
    )


def write_evidence(path: Path, connectors: Sequence[dict[str, Any]] = COMPLIANT) -> Path:
    """A JSON Send connector export, as ``ConvertTo-Json`` writes it."""
    path.write_text(json.dumps(list(connectors), indent=2), encoding="utf-8")
    return path


@dataclass
class HostileRun:
    run: subprocess.CompletedProcess[str]
    show: subprocess.CompletedProcess[str]
    #: ``identical`` or ``updated`` for every checklist that existed before the run.
    outcomes: dict[Path, str]


def run_then_show(
    paths: Sequence[Path],
    *run_args: str | Path,
    evidence: Path | None = None,
    timeout: float = 120,
    env: dict[str, str] | None = None,
    user: OtherUser | None = None,
    global_args: Sequence[str] = (),
) -> HostileRun:
    """``cklauto run PATHS`` (evidence and --domain added), then ``cklauto show PATHS``, as subprocesses.

    ``user`` runs both as another (non-root) user; ``global_args`` go before the command (``-v``).
    Asserts what must hold whatever the input: both end on their own with exit code 0 or 1 and
    no traceback, no temporary file is left behind, and every checklist is intact or cleanly
    updated (:func:`assert_intact_or_cleanly_updated`).
    """
    before = snapshot(*paths)
    args: list[str | Path] = [*global_args, "run", *paths, "--rule", "EX13-MB-000120", "--domain", DOMAIN]
    if evidence is not None:
        args += ["--evidence", evidence]
    run = cklauto(*args, *run_args, timeout=timeout, env=env, user=user)
    show = cklauto("show", *paths, timeout=timeout, env=env, user=user)
    for name, result in (("run", run), ("show", show)):
        text = result.stdout + result.stderr
        assert result.returncode in (0, 1), f"cklauto {name} exited {result.returncode}:\n{text}"
        assert "Traceback" not in text, f"cklauto {name} crashed:\n{text}"
    outcomes = assert_intact_or_cleanly_updated(before)
    assert_no_temporaries(*paths)
    return HostileRun(run=run, show=show, outcomes=outcomes)


# ----------------------------------------------------------------------------------------- the checks
def snapshot(*roots: Path) -> dict[Path, bytes]:
    """The bytes of every regular checklist file under ``roots`` (files or folders).

    FIFOs, devices and sockets are never opened (reading one could block the test).
    """
    found: dict[Path, bytes] = {}
    for root in roots:
        files = sorted(root.rglob("*")) if root.is_dir() else [root]
        for path in files:
            try:
                mode = os.stat(path).st_mode
            except OSError:
                continue
            if stat.S_ISREG(mode) and path.suffix.lower() in CHECKLIST_SUFFIXES and not is_temp_file(path):
                found[path] = path.read_bytes()
    return found


def assert_intact_or_cleanly_updated(before: dict[Path, bytes]) -> dict[Path, str]:
    """Each file of ``before`` is byte-identical now, or a valid checklist differing only in target review values."""
    outcomes = {}
    for path, old in before.items():
        assert path.exists(), f"{path} disappeared"
        new = path.read_bytes()
        if new == old:
            outcomes[path] = "identical"
            continue
        assert_clean_update(old, new, str(path))
        outcomes[path] = "updated"
    return outcomes


def assert_clean_update(old: bytes, new: bytes, name: str = "checklist") -> None:
    """``new`` is a complete, valid checklist whose bytes outside the target review values equal ``old``'s."""
    parse_checklist(Path(name), new)  # cklauto itself can read it again
    kept_old, targets_old = non_target_bytes(old)
    kept_new, targets_new = non_target_bytes(new)
    assert targets_new == targets_old, f"{name}: target rules {targets_old} became {targets_new}"
    assert targets_new >= 1, f"{name} changed although it holds no target rule"
    if kept_new != kept_old:
        at = next(i for i, (a, b) in enumerate(zip(kept_old + b"\0", kept_new + b"\1")) if a != b)
        raise AssertionError(
            f"{name}: bytes outside the target review changed near offset {at} of the masked file: "
            f"{kept_old[max(0, at - 60) : at + 60]!r} -> {kept_new[max(0, at - 60) : at + 60]!r}"
        )


def assert_no_temporaries(*roots: Path) -> None:
    for root in roots:
        folder = root if root.is_dir() else root.parent
        leftovers = [p for p in folder.rglob("*") if is_temp_file(p)]
        assert not leftovers, f"temporary files left behind: {leftovers}"


def non_target_bytes(data: bytes) -> tuple[bytes, int]:
    """``data`` with the review values of every target rule masked out, and how many target rules it holds.

    A target rule is a rule of the Exchange 2013 Mailbox STIG answering to one of the rule's
    names (its Group ID, Rule ID with or without revision, STIG ID, legacy IDs).  Raises
    AssertionError when the bytes are not a well-formed CKL or CKLB.
    """
    text_start = data.lstrip(b"\xef\xbb\xbf").lstrip()[:1]
    spans = _ckl_review_spans(data) if text_start == b"<" else _cklb_review_spans(data)
    masked = bytearray(data)
    for start, end in sorted((s for rule in spans for s in rule), reverse=True):
        masked[start:end] = b"\0REVIEW\0"
    return bytes(masked), len(spans)


_TARGET = {name.upper() for name in ALIASES}


def _is_target_id(value: str) -> bool:
    value = value.strip().upper()
    if value.endswith("_RULE"):
        value = value[: -len("_RULE")]
    base = value.split("R", 1)[0] if value.startswith("SV-") else value
    return value in _TARGET or base in _TARGET or value + "_RULE" in _TARGET


def _is_target_stig(stig_id: str) -> bool:
    return stig_id.strip().lower().removeprefix("xccdf_mil.disa.stig_benchmark_") == BENCHMARK_ID.lower()


# CKL ------------------------------------------------------------------------------------------------
def _ckl_review_spans(data: bytes) -> list[list[tuple[int, int]]]:
    """Byte spans of the review elements of each target VULN (a VULN directly in an Exchange iSTIG)."""
    parser = xml.parsers.expat.ParserCreate()
    stack: list[str] = []
    text: list[str] = []
    istig: dict[str, Any] = {}
    vuln: dict[str, Any] = {}
    found: list[list[tuple[int, int]]] = []
    starts: list[int] = []

    def start(tag: str, _attrs: dict[str, str]) -> None:
        nonlocal istig, vuln
        parent = stack[-1] if stack else ""
        stack.append(tag)
        starts.append(parser.CurrentByteIndex)
        text.clear()
        if tag == "iSTIG":
            istig = {"stig_id": "", "pending": ""}
        elif tag == "VULN" and parent == "iSTIG":
            vuln = {"ids": [], "spans": [], "depth": len(stack)}

    def end(tag: str) -> None:
        nonlocal vuln
        begin = starts.pop()
        stack.pop()
        value = "".join(text)
        text.clear()
        depth = len(stack)
        if tag == "SID_NAME":
            istig["pending"] = value.strip()
        elif tag == "SID_DATA" and istig.get("pending") == "stigid":
            istig["stig_id"] = value
        elif vuln and tag == "ATTRIBUTE_DATA" and depth == vuln["depth"] + 1:
            vuln["ids"].append(value)
        elif vuln and tag in CKL_REVIEW_ELEMENTS and depth == vuln["depth"]:
            close = data.index(b">", parser.CurrentByteIndex) + 1
            vuln["spans"].append((begin, close))
        elif vuln and tag == "VULN" and depth == vuln["depth"] - 1:
            if _is_target_stig(istig.get("stig_id", "")) and any(_is_target_id(i) for i in vuln["ids"]):
                found.append(vuln["spans"])
            vuln = {}

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text.append
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        raise AssertionError(f"not well-formed XML: {exc}") from None
    return found


# CKLB -----------------------------------------------------------------------------------------------
_WS = re.compile(r"[ \t\n\r]*")
_SCALAR = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|true|false|null")


@dataclass
class _Node:
    start: int
    end: int
    members: list[tuple[str, _Node]] | None = None  # objects, duplicates kept
    items: list[_Node] | None = None  # arrays
    value: Any = None  # strings

    def get(self, key: str) -> list[_Node]:
        return [node for name, node in self.members or [] if name == key]


def _scan(text: str, i: int) -> _Node:
    i = _WS.match(text, i).end()  # type: ignore[union-attr]
    if i >= len(text):
        raise AssertionError("JSON ends early")
    char = text[i]
    if char == "{":
        node = _Node(i, i, members=[])
        i = _WS.match(text, i + 1).end()  # type: ignore[union-attr]
        if text[i] == "}":
            node.end = i + 1
            return node
        while True:
            i = _WS.match(text, i).end()  # type: ignore[union-attr]
            key, i = json.decoder.scanstring(text, i + 1)  # type: ignore[attr-defined]
            i = _WS.match(text, i).end()  # type: ignore[union-attr]
            assert text[i] == ":", f"expected ':' at {i}"
            value = _scan(text, i + 1)
            node.members.append((key, value))  # type: ignore[union-attr]
            i = _WS.match(text, value.end).end()  # type: ignore[union-attr]
            if text[i] == "}":
                node.end = i + 1
                return node
            assert text[i] == ",", f"expected ',' at {i}"
            i += 1
    if char == "[":
        node = _Node(i, i, items=[])
        i = _WS.match(text, i + 1).end()  # type: ignore[union-attr]
        if text[i] == "]":
            node.end = i + 1
            return node
        while True:
            value = _scan(text, i)
            node.items.append(value)  # type: ignore[union-attr]
            i = _WS.match(text, value.end).end()  # type: ignore[union-attr]
            if text[i] == "]":
                node.end = i + 1
                return node
            assert text[i] == ",", f"expected ',' at {i}"
            i += 1
    if char == '"':
        value, end = json.decoder.scanstring(text, i + 1)  # type: ignore[attr-defined]
        return _Node(i, end, value=value)
    match = _SCALAR.match(text, i)
    if not match:
        raise AssertionError(f"not JSON at {i}: {text[i : i + 20]!r}")
    return _Node(i, match.end())


def _cklb_review_spans(data: bytes) -> list[list[tuple[int, int]]]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise AssertionError(f"not UTF-8: {exc}") from None
    offset = 1 if text.startswith("\ufeff") else 0
    try:
        root = _scan(text, offset)
    except (ValueError, IndexError) as exc:
        raise AssertionError(f"not valid JSON: {exc}") from None
    assert not text[root.end :].strip(), "data after the JSON document"
    found = []
    for stigs in root.get("stigs"):
        for stig in stigs.items or []:
            stig_ids = [n.value for n in stig.get("stig_id") if isinstance(n.value, str)]
            if not any(_is_target_stig(s) for s in stig_ids):
                continue
            for rules in stig.get("rules"):
                for rule in rules.items or []:
                    if any(_is_target_id(i) for i in _rule_ids(rule)):
                        found.append([_byte_span(text, n) for key in CKLB_REVIEW_KEYS for n in rule.get(key)])
    return found


def _rule_ids(rule: _Node) -> Iterable[str]:
    for key in ("group_id", "group_id_src", "rule_id", "rule_id_src", "rule_version"):
        yield from (n.value for n in rule.get(key) if isinstance(n.value, str))
    for legacy in rule.get("legacy_ids"):
        yield from (n.value for n in legacy.items or [] if isinstance(n.value, str))


def _byte_span(text: str, node: _Node) -> tuple[int, int]:
    return len(text[: node.start].encode("utf-8")), len(text[: node.end].encode("utf-8"))
