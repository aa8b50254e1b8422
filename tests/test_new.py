"""`referatgen new`: the next meeting from the last one, or a skeleton; never stale text."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from referatgen.check import check_file
from referatgen.model import Meeting

from .conftest import EXAMPLES, run_referatgen

EXAMPLE_FILES = sorted(p.name for p in EXAMPLES.iterdir() if p.suffix in (".yaml", ".md"))


def _copy_examples(folder: Path) -> None:
    for path in EXAMPLES.iterdir():
        if path.is_dir():
            shutil.copytree(path, folder / path.name)
        else:
            shutil.copyfile(path, folder / path.name)


def _meeting(path: Path) -> Meeting:
    result = check_file(path)
    assert result.ok, [d.format() for d in result.diagnostics]
    assert result.meeting is not None
    return result.meeting


def _words(meeting: Meeting) -> set[str]:
    """Every longer word of the items' texts, decisions and bilag titles."""
    text = " ".join(
        [t.markdown for item in meeting.punkter for _k, t in item.texts()]
        + [b.titel for item in meeting.punkter for b in item.bilag]
        + [item.sagsnr or "" for item in meeting.punkter])
    return {w for w in text.split() if len(w) > 8}


@pytest.mark.parametrize("example", EXAMPLE_FILES)
def test_new_from_each_example(tmp_path: Path, example: str) -> None:
    _copy_examples(tmp_path)
    previous = _meeting(tmp_path / example)
    result = run_referatgen(["new", "--fra", str(tmp_path / example)], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    target = Path(result.stdout.strip())
    assert target.parent == tmp_path and target.suffix == Path(example).suffix
    later = previous.dato + dt.timedelta(days=7)
    assert later.isoformat() in target.name and "en uge efter" in result.stderr
    new = _meeting(target)
    assert (new.organ, new.stil, new.kommune, new.sted, new.tid) == (
        previous.organ, previous.stil, previous.kommune, previous.sted, previous.tid)
    assert new.type == "dagsorden" and new.dato == later and new.afbud == []
    assert [(p.navn, p.rolle) for p in new.deltagere] == [
        (p.navn, p.rolle) for p in previous.deltagere]
    standing = [i.titel for i in previous.punkter if i.fast] or ["Eventuelt"]
    assert [i.titel for i in new.punkter] == standing
    assert all(i.fast and not i.texts() and not i.bilag and not i.sagsnr for i in new.punkter)
    written = target.read_text("utf-8")
    kept = " ".join([previous.organ, previous.sted or "", *standing,
                     *(p.label() for p in previous.deltagere)])
    stale = _words(previous) - set(kept.split()) - {"dagsorden", "dagsorden."}
    assert stale and not stale & set(written.split())


def test_numbering_on_through_the_year_and_the_new_year(tmp_path: Path) -> None:
    source = tmp_path / "byraad-2024-12-09.yaml"
    source.write_text(
        "organ: Byrådet\ndato: 2024-12-09\nførste_punkt: 412\npunkter:\n"
        "  - titel: Eventuelt\n    fast: true\n    beslutning: Intet.\n"
        "  - titel: Skolestruktur\n    beslutning: Godkendt.\n", "utf-8")
    same_year = run_referatgen(["new", "--fra", str(source), "--dato", "2024-12-16"])
    assert same_year.returncode == 0, same_year.stderr
    assert _meeting(tmp_path / "byraad-2024-12-16.yaml").første_punkt == 414
    # The default date is one week on: 2024-12-16 again, which exists now.
    again = run_referatgen(["new", "--fra", str(source)])
    assert again.returncode == 1 and "findes allerede" in again.stderr


def test_a_new_year_starts_at_one(tmp_path: Path) -> None:
    source = tmp_path / "byraad-2024-12-30.yaml"
    source.write_text(
        "organ: Byrådet\ndato: 2024-12-30\nførste_punkt: 412\npunkter:\n"
        "  - titel: Eventuelt\n    fast: true\n    beslutning: Intet.\n", "utf-8")
    result = run_referatgen(["new", "--fra", str(source)])
    assert result.returncode == 0, result.stderr
    assert "første_punkt: 1, fordi 2025 er et nyt år" in result.stderr
    assert _meeting(tmp_path / "byraad-2025-01-06.yaml").første_punkt == 1


def test_a_body_that_numbers_from_one_is_left_so(tmp_path: Path) -> None:
    source = tmp_path / "udvalg.yaml"
    source.write_text("organ: Udvalget\ndato: 2024-03-04\npunkter:\n"
                      "  - titel: Eventuelt\n    fast: true\n    beslutning: Intet.\n", "utf-8")
    result = run_referatgen(["new", "--fra", str(source), "-o", str(tmp_path / "ny.md")])
    assert result.returncode == 0, result.stderr
    new = _meeting(tmp_path / "ny.md")
    assert new.første_punkt == 1 and "første_punkt" not in (tmp_path / "ny.md").read_text()


@pytest.mark.parametrize("name", ["moede.yaml", "moede.md"])
def test_the_skeleton_passes_check(tmp_path: Path, name: str) -> None:
    result = run_referatgen(["new", "--dato", "2025-03-17", "-o", str(tmp_path / name)])
    assert result.returncode == 0, result.stderr
    checked = run_referatgen(["check", str(tmp_path / name)])
    assert checked.returncode == 0, checked.stdout
    text = (tmp_path / name).read_text("utf-8")
    # A comment on every key it writes, in Danish.
    for key in ("organ", "dato", "sted", "deltagere", "tid"):
        assert f"# {key}: " in text


def test_new_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "moede.yaml"
    target.write_text("min egen fil\n", "utf-8")
    result = run_referatgen(["new", "-o", str(target)])
    assert result.returncode == 1 and "findes allerede" in result.stderr
    assert target.read_text("utf-8") == "min egen fil\n"


def test_a_previous_file_with_errors_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "forrige.yaml"
    source.write_text("organ: Udvalget\ndato: 2024-13-04\npunkter:\n  - titel: A\n", "utf-8")
    result = run_referatgen(["new", "--fra", str(source)])
    assert result.returncode == 1 and "[bad-date]" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["forrige.yaml"]


def test_a_bad_date_option_is_a_message(tmp_path: Path) -> None:
    result = run_referatgen(["new", "--dato", "17-03-2025", "-o", str(tmp_path / "x.yaml")])
    assert result.returncode == 1 and "år-måned-dag" in result.stderr


def test_fast_does_not_print(tmp_path: Path) -> None:
    from referatgen._api import build

    source = tmp_path / "moede.yaml"
    outputs = []
    for index, line in enumerate(("", "    fast: true\n")):
        source.write_text("organ: Udvalget\ndato: 2024-03-04\npunkter:\n  - titel: Eventuelt\n"
                          f"{line}    beslutning: Intet.\n", "utf-8")
        written = build(source, ["html", "docx"], tmp_path / str(index))
        outputs.append([p.read_bytes() for p in written])
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize("dato", ["9999-12-31", "0001-01-01"])
def test_a_date_no_meeting_file_may_have_is_refused(tmp_path: Path, dato: str) -> None:
    result = run_referatgen(["new", "--dato", dato, "-o", str(tmp_path / "x.yaml")])
    assert result.returncode == 1 and "1900-2100" in result.stderr
    assert not (tmp_path / "x.yaml").exists()


def test_the_week_after_2100_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "forrige.yaml"
    source.write_text("organ: Udvalget\ndato: 2100-12-30\npunkter:\n  - titel: A\n"
                      "    beslutning: Intet.\n", "utf-8")
    result = run_referatgen(["new", "--fra", str(source)])
    assert result.returncode == 1 and "1900-2100" in result.stderr
