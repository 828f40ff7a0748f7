"""docs/security.md names the test that proves each claim: every test it names must exist, so that the
walk-through cannot point at a test that was renamed or deleted."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECURITY_DOC = ROOT / "docs" / "security.md"
# `tests/integration/test_sign_in.py::test_name` (a parametrised id in brackets is allowed), a test file
# on its own, or a test's bare name in backticks.
QUALIFIED = re.compile(r"(tests/[\w/]+\.py)::(test_\w+)")
TEST_FILE = re.compile(r"(tests/[\w/]+\.py)(?!::)\b")
BARE_NAME = re.compile(r"`(test_\w+)`")


@cache
def defined_tests(path: Path) -> frozenset[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return frozenset(
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test_")
    )


def every_test_name() -> frozenset[str]:
    return frozenset().union(*(defined_tests(path) for path in (ROOT / "tests").rglob("test_*.py")))


def unresolved_references(text: str) -> list[str]:
    """The references in ``text`` that name no test file, or no test in the file they name."""
    problems = []
    for file, name in QUALIFIED.findall(text):
        path = ROOT / file
        if not path.is_file():
            problems.append(f"{file}::{name}: no such file")
        elif name not in defined_tests(path):
            problems.append(f"{file}::{name}: no such test in that file")
    problems += [f"{file}: no such file" for file in TEST_FILE.findall(text) if not (ROOT / file).is_file()]
    known = every_test_name()
    problems += [f"{name}: no such test anywhere" for name in BARE_NAME.findall(text) if name not in known]
    return problems


def test_every_test_the_security_page_names_exists() -> None:
    text = SECURITY_DOC.read_text(encoding="utf-8")
    assert len(QUALIFIED.findall(text)) >= 50  # the ASVS walk-through is there, with its tests
    assert unresolved_references(text) == []


def test_a_renamed_or_deleted_test_is_caught() -> None:
    text = """
    - 3.3.1: `tests/integration/test_sign_in.py::test_sign_out_revokes_the_session_on_the_server`
    - renamed: `tests/integration/test_sign_in.py::test_sign_out_used_to_be_called_this`
    - moved: `tests/integration/test_no_such_file.py::test_sign_out_revokes_the_session_on_the_server`
    - a file: `tests/unit/test_gone.py`, a bare name: `test_that_was_deleted`
    - one that exists: `test_no_hash_never_verifies`
    """
    assert unresolved_references(text) == [
        "tests/integration/test_sign_in.py::test_sign_out_used_to_be_called_this: no such test in that file",
        "tests/integration/test_no_such_file.py::test_sign_out_revokes_the_session_on_the_server: no such file",
        "tests/unit/test_gone.py: no such file",
        "test_that_was_deleted: no such test anywhere",
    ]
