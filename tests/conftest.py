"""Shared test setup.

`--regen-golden` rewrites every golden file from the current output (HTML pages in
tests/golden/, check messages in tests/fixtures/check/). Review the diff before committing.

Check messages: `tests/fixtures/check/<rule>[--variant].<yaml|md>` has its expected
`referatgen check` output next to it as `<same name>.expected`. After a deliberate change
of messages or positions, regenerate them and review the diff:

    python -m pytest tests/test_check.py --regen-golden
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regen-golden",
        action="store_true",
        default=False,
        help="rewrite the golden files (HTML, check messages) from the current output",
    )


# Property-based tests: a fixed, small number of derandomized examples by default (CI),
# many random ones with --hypothesis-profile=long.
settings.register_profile(
    "ci", max_examples=3, derandomize=True, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile(
    "long", max_examples=200, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile("ci")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: takes seconds (subprocesses, pre-commit); runs by default")


@pytest.fixture
def regen_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--regen-golden"))


@pytest.fixture(autouse=True)
def _no_style_path(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # Messages list the known styles; a developer's own style folders must not change them.
    monkeypatch.delenv("REFERATGEN_STYLE_PATH", raising=False)
    # The command line's PDF worker is a fresh interpreter per command: the tests that
    # run the command line do it hundreds of times on cores xdist already fills, so it
    # is off here, and tests/test_pdf_worker.py turns it on.
    monkeypatch.setenv("REFERATGEN_PDF_WORKER", "0")
    yield


def referatgen_env() -> dict[str, str]:
    """Environment for a subprocess that runs the checkout's referatgen."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    env.pop("REFERATGEN_STYLE_PATH", None)
    env.pop("REFERATGEN_DEBUG", None)
    env.setdefault("REFERATGEN_PDF_WORKER", "0")
    return env


def run_referatgen(
    args: Sequence[str], cwd: Path | None = None, python_flags: Sequence[str] = ()
) -> subprocess.CompletedProcess[str]:
    """`python -m referatgen ARGS` as a whole process, the way a user or hook runs it."""
    return subprocess.run(
        [sys.executable, *python_flags, "-m", "referatgen", *args],
        cwd=cwd or ROOT, env=referatgen_env(), capture_output=True, text=True,
        encoding="utf-8", check=False, timeout=120,
    )


@pytest.fixture(scope="session")
def example_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every example's public PDF, built once per worker: test_pdf.py and test_pdf_ua.py
    share it (both run in the xdist group "pdf")."""
    from referatgen._api import build

    out = tmp_path_factory.mktemp("example-pdfs")
    examples = sorted(p for p in EXAMPLES.iterdir() if p.suffix in (".yaml", ".md"))
    return {p.name: build(p, ["pdf"], out)[0] for p in examples}


@pytest.fixture(scope="session")
def internal_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Markdown example's internal version, shared like `example_pdfs`."""
    from referatgen._api import BuildOptions, build

    return build(EXAMPLES / "byraadet-2025-03-10.md", ["pdf"],
                 tmp_path_factory.mktemp("intern-pdf"), BuildOptions.make(intern=True))[0]
