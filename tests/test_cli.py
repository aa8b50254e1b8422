"""The command line: exit codes, JSON output, internal failures, `convert`."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from referatgen import _cli, dump, write
from referatgen.check import check_file
from referatgen.meetingfile.nodes import Format

from .conftest import EXAMPLES, FIXTURES, referatgen_env, run_referatgen

CHECK_FIXTURES = FIXTURES / "check"
CLEAN = EXAMPLES / "htk-direktionen-2022-09-05.yaml"
WARNS = CHECK_FIXTURES / "missing-decision.yaml"
ERRS = CHECK_FIXTURES / "bad-date.yaml"


# -- exit codes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["check", str(CLEAN)], 0),
        (["check", "--strict", str(CLEAN)], 0),
        (["check", str(WARNS)], 0),
        (["check", "--strict", str(WARNS)], 1),
        (["check", str(ERRS)], 1),
        (["check", str(CLEAN), str(ERRS)], 1),
        (["check", "--format", "json", str(WARNS)], 0),
    ],
)
def test_check_exit_codes(args: list[str], code: int, capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli.run(args) == code
    capsys.readouterr()


@pytest.mark.parametrize(
    "args",
    [[], ["check"], ["check", "--format", "xml", str(CLEAN)], ["tjek", str(CLEAN)],
     ["check", "--strikt", str(CLEAN)], ["convert", str(CLEAN)]],
)
def test_usage_errors_exit_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        code = _cli.run(args)
        raise SystemExit(code)
    assert exited.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.slow
def test_whole_process_exit_codes_and_streams() -> None:
    ok = run_referatgen(["check", str(CLEAN)])
    assert (ok.returncode, ok.stdout, ok.stderr) == (0, "", "")
    bad = run_referatgen(["check", str(ERRS), str(WARNS)])
    assert bad.returncode == 1 and bad.stderr == ""
    assert [line.split(":")[0] for line in bad.stdout.splitlines()] == [str(ERRS)] * 3 + [
        str(WARNS)]
    usage = run_referatgen(["check"])
    assert usage.returncode == 2 and "usage" in usage.stderr.lower()
    version = run_referatgen(["--version"])
    assert version.returncode == 0 and version.stdout.startswith("referatgen ")


@pytest.mark.slow
def test_internal_failure_exits_3_with_a_short_report(tmp_path: Path) -> None:
    # A bug in referatgen (simulated: the checker raises) must not show a bare traceback.
    script = (
        "import sys\n"
        "import referatgen.commands.check as command\n"
        "def broken(*args, **kwargs):\n"
        "    raise ValueError('simulated bug')\n"
        "command.check_file = broken\n"
        "from referatgen._cli import main\n"
        "sys.exit(main())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, "check", str(CLEAN)], env=referatgen_env(),
        capture_output=True, text=True, check=False, timeout=60,
    )
    assert result.returncode == 3
    assert "Traceback" not in result.stderr
    assert "intern fejl" in result.stderr and "simulated bug" in result.stderr
    assert len(result.stderr.splitlines()) <= 3


# -- JSON ------------------------------------------------------------------------------


def test_json_output_is_a_list_of_findings(capsys: pytest.CaptureFixture[str]) -> None:
    names = [str(ERRS), str(WARNS), str(CHECK_FIXTURES / "not-utf8.yaml")]
    assert _cli.run(["check", *names]) == 1
    text_lines = capsys.readouterr().out.splitlines()
    assert _cli.run(["check", "--format", "json", *names]) == 1
    findings = json.loads(capsys.readouterr().out)
    assert isinstance(findings, list) and len(findings) == len(text_lines) == 5
    for finding, line in zip(findings, text_lines, strict=True):
        assert set(finding) == {"path", "line", "column", "severity", "message", "rule"}
        assert isinstance(finding["line"], int) and isinstance(finding["column"], int)
        assert line == (f"{finding['path']}:{finding['line']}:{finding['column']}: "
                        f"{finding['severity']}: {finding['message']} [{finding['rule']}]")
    assert {f["rule"] for f in findings} == {"bad-date", "missing-decision", "not-utf8"}


def test_json_output_when_all_is_well(capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli.run(["check", "--format", "json", str(CLEAN)]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_path_is_printed_as_given(capsys: pytest.CaptureFixture[str],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    _cli.run(["check", "check/../check/bad-time.yaml"])
    assert all(line.startswith("check/../check/bad-time.yaml:")
               for line in capsys.readouterr().out.splitlines())


# -- convert ---------------------------------------------------------------------------


def copy_example(name: str, folder: Path) -> Path:
    for sub in ("bilag", "billeder"):
        if (EXAMPLES / sub).is_dir() and not (folder / sub).exists():
            shutil.copytree(EXAMPLES / sub, folder / sub)
    target = folder / name
    shutil.copyfile(EXAMPLES / name, target)
    return target


def test_convert_yaml_to_markdown_and_back(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    source = copy_example("kalundborg-direktionen-2022-08-29.yaml", tmp_path)
    assert _cli.run(["convert", str(source), "--to", "md"]) == 0
    markdown = source.with_suffix(".md")
    assert capsys.readouterr().out.strip() == str(markdown)
    text = markdown.read_text("utf-8")
    assert text.startswith("---\n") and "\n# Punkt 1: " in text
    back = tmp_path / "back.yaml"
    assert _cli.run(["convert", str(markdown), "--to", "yaml", "-o", str(back)]) == 0
    for path in (markdown, back):
        result = check_file(path)
        assert result.ok and result.diagnostics == [], [d.format() for d in result.diagnostics]
    # The YAML is block scalars for multi-line text, not escaped one-liners.
    written = back.read_text("utf-8")
    assert "sagsfremstilling: |\n" in written and "\\n" not in written


def test_convert_refuses_to_overwrite_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    source = copy_example("htk-direktionen-2022-09-05.yaml", tmp_path)
    target = source.with_suffix(".md")
    target.write_text("mine", "utf-8")
    assert _cli.run(["convert", str(source), "--to", "md"]) == 1
    err = capsys.readouterr().err
    assert "findes allerede" in err and "--force" in err
    assert target.read_text("utf-8") == "mine"
    assert _cli.run(["convert", str(source), "--to", "md", "--force"]) == 0
    assert target.read_text("utf-8").startswith("---\n")


def test_convert_writes_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    source = copy_example("htk-direktionen-2022-09-05.yaml", tmp_path)
    calls: list[Path] = []
    real = write.write_atomic

    def recording(target: Path, data: bytes) -> None:
        calls.append(target)
        real(target, data)

    monkeypatch.setattr(write, "write_atomic", recording)
    assert _cli.run(["convert", str(source), "--to", "md", "-o", str(tmp_path / "x.md")]) == 0
    assert calls == [tmp_path / "x.md"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == [source.name, "x.md"]
    capsys.readouterr()


def test_convert_refuses_a_file_with_errors(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "bad.yaml"
    shutil.copyfile(ERRS, source)
    assert _cli.run(["convert", str(source), "--to", "md"]) == 1
    err = capsys.readouterr().err
    assert "[bad-date]" in err and "ikke omsat" in err
    assert not source.with_suffix(".md").exists()


def test_convert_refuses_what_markdown_cannot_hold(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    source = tmp_path / "m.yaml"
    # An afsnit named like a standard section would come back as that section.
    source.write_text(
        "organ: Direktionen\ndato: 2022-09-05\npunkter:\n  - titel: Sag\n"
        "    beslutning: Godkendt.\n    afsnit:\n      - overskrift: Baggrund\n"
        "        tekst: Noget.\n", "utf-8")
    assert _cli.run(["convert", str(source), "--to", "md"]) == 1
    err = capsys.readouterr().err
    assert "punkt 1" in err and "Intet er skrevet" in err
    assert not source.with_suffix(".md").exists()


def test_the_writer_round_trips_what_it_writes(tmp_path: Path) -> None:
    # The check that guards every write of convert, on its own.
    result = check_file(copy_example("byraadet-2025-03-10.md", tmp_path))
    assert result.meeting is not None
    text = dump.dump(result.meeting, result.style, "yaml")
    dump.verify(result.meeting, text, "yaml", tmp_path / "x.yaml")
    with pytest.raises(Exception, match="uden at ændre"):
        dump.verify(result.meeting, text.replace("Indstillingen blev godkendt.", "Noget andet."),
                    "yaml", tmp_path / "x.yaml")


@pytest.mark.parametrize("to", ["yaml", "md"])
def test_convert_names_the_schema_on_the_first_line(
    tmp_path: Path, to: str, capsys: pytest.CaptureFixture[str],
) -> None:
    source = copy_example("htk-direktionen-2022-09-05.yaml", tmp_path)
    target = tmp_path / f"x.{to}"
    assert _cli.run(["convert", str(source), "--to", to, "-o", str(target),
                     "--schema", "../moede.schema.json"]) == 0
    capsys.readouterr()
    comment = "# yaml-language-server: $schema=../moede.schema.json\n"
    text = target.read_text("utf-8")
    # In Markdown the comment is the front matter's first line: the front matter is YAML.
    assert text.startswith(comment if to == "yaml" else "---\n" + comment)
    original = check_file(source)
    assert original.meeting is not None
    fmt: Format = "md" if to == "md" else "yaml"
    assert text.replace(comment, "", 1) == dump.dump(original.meeting, original.style, fmt)
    result = check_file(target)
    assert result.ok and result.diagnostics == []
