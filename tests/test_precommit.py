"""The pre-commit hook (`.pre-commit-hooks.yaml`), run by pre-commit itself.

pre-commit installs the hook repository into its own virtualenv with pip (from PyPI),
so this takes tens of seconds; it is marked slow but runs by default.

`pre-commit try-repo <checkout>` would take the checkout's uncommitted changes along, but
only those to tracked files (`git add -u`): a new file, such as the hook file before it
is committed, would be missing. The test therefore snapshots the working tree (tracked
and untracked, minus what .gitignore excludes) into a throwaway repository and points
pre-commit at that, so it tests the files as they are now whatever is committed.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import EXAMPLES, FIXTURES, ROOT

pytestmark = pytest.mark.slow

GIT = shutil.which("git")
# As a module of this interpreter: the console script is only on PATH when the venv is
# activated, and a test that skips for that reason never runs.
PRE_COMMIT = ([sys.executable, "-m", "pre_commit"]
              if importlib.util.find_spec("pre_commit") is not None else None)


def git(*args: str, cwd: Path) -> str:
    assert GIT is not None
    return subprocess.run(
        [GIT, "-c", "user.name=referatgen-test", "-c", "user.email=test@example.invalid",
         "-c", "commit.gpgsign=false", *args],
        cwd=cwd, check=True, capture_output=True, text=True, env=_env(),
    ).stdout


def _env() -> dict[str, str]:
    # No GIT_DIR & co. from a surrounding hook, no style folders of the developer.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("GIT_") and k != "REFERATGEN_STYLE_PATH"}
    return env


def pre_commit(*args: str, cwd: Path, home: Path) -> subprocess.CompletedProcess[str]:
    assert PRE_COMMIT is not None
    env = _env()
    env["PRE_COMMIT_HOME"] = str(home)
    env["PRE_COMMIT_COLOR"] = "never"
    return subprocess.run([*PRE_COMMIT, *args], cwd=cwd, capture_output=True, text=True,
                          env=env, check=False, timeout=900)


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if GIT is None or PRE_COMMIT is None:
        pytest.skip("git and pre-commit are needed (pip install '.[test]')")
    if not (ROOT / ".git").exists():
        pytest.skip(f"{ROOT} is not a git checkout: nothing to snapshot for pre-commit")
    snapshot = tmp_path_factory.mktemp("hook-repo")
    listed = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT)
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():  # listed but deleted in the working tree: gone now
            (snapshot / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, snapshot / name)
    assert (snapshot / ".pre-commit-hooks.yaml").is_file()
    git("init", "-q", cwd=snapshot)
    git("add", "-A", cwd=snapshot)
    git("commit", "-q", "-m", "snapshot", cwd=snapshot)
    return snapshot


def meeting_repo(folder: Path) -> Path:
    folder.mkdir()
    (folder / "moeder").mkdir()
    shutil.copyfile(EXAMPLES / "htk-direktionen-2022-09-05.yaml",
                    folder / "moeder" / "htk-direktionen-2022-09-05.yaml")
    shutil.copyfile(FIXTURES / "check" / "bad-date.yaml", folder / "moeder" / "bad-date.yaml")
    git("init", "-q", cwd=folder)
    return folder


@pytest.fixture(scope="module")
def hook_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One PRE_COMMIT_HOME for the module: pre-commit installs the hook's environment once
    (that install is most of the time these tests take) and both tests run in it."""
    return tmp_path_factory.mktemp("pre-commit-home")


def use_hook(work: Path, hook_repo: Path) -> None:
    """The README's .pre-commit-config.yaml, pointing at the snapshot of this checkout."""
    rev = git("rev-parse", "HEAD", cwd=hook_repo).strip()
    (work / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"  - repo: {hook_repo.as_posix()}\n"
        f"    rev: {rev}\n"
        "    hooks:\n"
        "      - id: referatgen-check\n"
        "        files: ^moeder/.*\\.(ya?ml|md)$\n", "utf-8")


def test_the_hook_reports_the_findings(hook_repo: Path, hook_home: Path, tmp_path: Path) -> None:
    work = meeting_repo(tmp_path / "work")
    use_hook(work, hook_repo)
    git("add", "-A", cwd=work)
    result = pre_commit("run", "--files", "moeder/bad-date.yaml",
                        "moeder/htk-direktionen-2022-09-05.yaml", cwd=work, home=hook_home)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "referatgen check" in output and "Failed" in output
    golden = (FIXTURES / "check" / "bad-date.yaml.expected").read_text("utf-8")
    for line in golden.splitlines():
        assert f"moeder/{line}" in output
    assert "htk-direktionen-2022-09-05.yaml:" not in output
    assert "Traceback" not in output


def test_readme_config_limits_the_hook_to_the_meeting_folder(
    hook_repo: Path, hook_home: Path, tmp_path: Path,
) -> None:
    work = meeting_repo(tmp_path / "work")
    (work / "moeder" / "bad-date.yaml").unlink()
    # Not a meeting file: the hook would fail on it, so the config must keep it out.
    (work / "ci.yaml").write_text("jobs:\n  test:\n    runs-on: ubuntu-latest\n", "utf-8")
    use_hook(work, hook_repo)
    git("add", "-A", cwd=work)
    clean = pre_commit("run", "--all-files", cwd=work, home=hook_home)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "Passed" in clean.stdout

    shutil.copyfile(FIXTURES / "check" / "bad-date.yaml", work / "moeder" / "bad-date.yaml")
    git("add", "-A", cwd=work)
    failing = pre_commit("run", "--all-files", cwd=work, home=hook_home)
    assert failing.returncode == 1
    assert "moeder/bad-date.yaml:2:7: error:" in failing.stdout
    assert "ci.yaml" not in failing.stdout
