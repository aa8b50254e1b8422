"""Archive runs: discovery, parallel workers, incremental rebuilds, interruption, index, find.

The archive is generated in tmp_path from the examples: several years and organs, the
HTK meetings on a copied style referenced by path, one broken file, one meeting whose
bilag is missing, and files that must be passed over (hidden, ignored, not meetings).
Most runs build HTML only, which is fast; the runs that are killed build PDF, which is
slow enough to be caught in the middle.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from referatgen import _cli
from referatgen.archive.discover import discover, sniff
from referatgen.archive.job import Job, JobResult, run_job
from referatgen.archive.manifest import MANIFEST_NAME
from referatgen.check import check_file

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SECRET_TITLE = "HEMMELIG-TITEL-4711"
MD_CLOSED_TITLE = "Køb af ejendom, Stationsvej 12"
SUMMARY = re.compile(r"bygget: (\d+), allerede opdateret: (\d+), fejlede: (\d+)")

#: The good meetings of the generated archive, relative to its root.
GOOD = (
    "2014/direktionen/htk-direktionen-2014-09-30.yaml",
    "2018/direktionen/htk-direktionen-2018-11-13.yaml",
    "2020/oekonomiudvalget/oekonomiudvalget-2020-11-16.yaml",
    "2022/direktionen/htk-direktionen-2022-09-05.yaml",
    "2022/kalundborg/kalundborg-direktionen-2022-08-29.yaml",
    "2025/oekonomiudvalget/byraadet-2025-03-10.md",
)
BROKEN = "2019/direktionen/htk-direktionen-2019-02-30.yaml"
MISSING_BILAG = "2024/byraad/byraad-2024-06-03.md"
#: The meetings that use the archive's copy of the htk style (2014 names `htk-2014`).
HTK = tuple(p for p in GOOD if ("htk-" in p and "2014" not in p) or "oekonomiudvalget-2020" in p)


def _copy_meeting(source: Path, target: Path, *, replace: dict[str, str] | None = None,
                  style: Path | None = None) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    text = source.read_text("utf-8")
    for old, new in (replace or {}).items():
        assert old in text, old
        text = text.replace(old, new, 1)
    if style is not None:
        text = re.sub(r"(?m)^stil: htk$",
                      f"stil: {os.path.relpath(style, target.parent)}", text, count=1)
    target.write_text(text, "utf-8")


def make_archive(base: Path) -> Path:
    """An archive like a municipality keeps: years, organs, its own copy of a house style."""
    root = base / "arkiv"
    style = base / "stilarter" / "htk-kopi"
    shutil.copytree(ROOT / "styles" / "htk", style)
    for rel in GOOD[:2] + GOOD[3:4]:
        _copy_meeting(EXAMPLES / Path(rel).name, root / rel, style=style)
    _copy_meeting(EXAMPLES / "htk-direktionen-2020-11-16.yaml", root / GOOD[2], style=style,
                  replace={"organ: Direktionen": "organ: Økonomiudvalget",
                           "Lukket punkt (titlen er ikke offentliggjort)": SECRET_TITLE})
    _copy_meeting(EXAMPLES / Path(GOOD[4]).name, root / GOOD[4])
    md = root / GOOD[5]
    _copy_meeting(EXAMPLES / md.name, md)
    shutil.copytree(EXAMPLES / "bilag", md.parent / "bilag")
    shutil.copytree(EXAMPLES / "billeder", md.parent / "billeder")
    # Broken: a date that is not in the calendar.
    _copy_meeting(EXAMPLES / "htk-direktionen-2022-09-05.yaml", root / BROKEN, style=style,
                  replace={"dato: 2022-09-05": "dato: 2019-02-30"})
    # The bilag folder was not copied along.
    _copy_meeting(EXAMPLES / md.name, root / MISSING_BILAG,
                  replace={"dato: 2025-03-10": "dato: 2024-06-03",
                           "organ: Økonomiudvalget": "organ: Byrådet"})
    # Passed over: not meetings, hidden, ignored.
    (root / "2022" / "direktionen" / "noter.txt").write_text("husk kaffe\n", "utf-8")
    (root / "indstillinger.yaml").write_text("farver:\n  - blå\n", "utf-8")
    _copy_meeting(EXAMPLES / Path(GOOD[0]).name, root / ".git" / "gammel.yaml", style=style)
    _copy_meeting(EXAMPLES / Path(GOOD[0]).name, root / "udkast" / "kladde.yaml", style=style)
    (root / ".referatgenignore").write_text("udkast/\n", "utf-8")
    return root


def build(*argv: str) -> int:
    return _cli.run(["build", *argv])


def summary(text: str) -> tuple[int, int, int]:
    match = SUMMARY.search(text)
    assert match, text
    return int(match[1]), int(match[2]), int(match[3])


def visible_files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(out).parts)}


def identities(out: Path) -> dict[str, tuple[int, int]]:
    # write_atomic renames a new file over the old: a rebuilt output has a new inode.
    return {p.relative_to(out).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in out.rglob("*.html") if p.name != "index.html"}


def output_of(rel: str, fmt: str = "html") -> str:
    return str(Path(rel).with_suffix(f".{fmt}").as_posix())


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    return make_archive(tmp_path)


# -- discovery ------------------------------------------------------------------------


def test_sniffing_reads_the_top_level_only(tmp_path: Path) -> None:
    cases = {
        "møde.yaml": ("organ: X\npunkter:\n  - titel: A\n", True),
        "quoted.yml": ('"punkter": []\n', True),
        "nested.yaml": ("data:\n  punkter: []\n", False),
        "front.md": ("---\norgan: Byrådet\n---\n# Punkt 1: A\n", True),
        "dato.md": ("\ufeff---\ndato: 2024-01-01\n---\n", True),
        "readme.md": ("# Overskrift\norgan: nej\n", False),
        "late.md": ("---\ntitle: x\n---\norgan: nej\n", False),
        "data.json": ('{"punkter": []}', False),
    }
    for name, (text, _) in cases.items():
        (tmp_path / name).write_text(text, "utf-8")
    assert {name: sniff(tmp_path / name) for name in cases} == \
        {name: want for name, (_, want) in cases.items()}


def test_discovery_mirrors_skips_hidden_and_ignored(archive: Path) -> None:
    found = discover([str(archive)])
    assert sorted(m.rel.as_posix() for m in found.meetings) == sorted(
        [*GOOD, BROKEN, MISSING_BILAG])
    skipped = {Path(p).name: why for p, why in found.skipped}
    assert "noter.txt" in skipped and "indstillinger.yaml" in skipped
    assert "udkast" in "".join(p for p, _ in found.skipped)
    assert not any("gammel" in p or "kladde" in p for p, _ in found.skipped
                   if "udkast" not in p)


def test_ignore_files_follow_gitignore_rules(tmp_path: Path) -> None:
    root = tmp_path / "arkiv"
    for rel in ("a/gammel.yaml", "a/ny.yaml", "b/x.yaml", "b/y.yaml", "c/z.yaml"):
        _copy_meeting(EXAMPLES / "kalundborg-direktionen-2022-08-29.yaml", root / rel)
    (root / ".referatgenignore").write_text("# kladder\nb/\ngammel.yaml\n", "utf-8")
    (root / "c" / ".referatgenignore").write_text("*.yaml\n", "utf-8")
    (root / "a" / ".referatgenignore").write_text("!gammel.yaml\n", "utf-8")
    found = discover([str(root)])
    # The nearer file wins: a/ takes gammel.yaml back; c/ leaves nothing; b/ is pruned.
    assert [m.rel.as_posix() for m in found.meetings] == ["a/gammel.yaml", "a/ny.yaml"]


def test_glob_and_collisions(archive: Path, tmp_path: Path) -> None:
    found = discover([str(archive / "20*" / "direktionen" / "*.yaml")])
    assert sorted(m.rel.as_posix() for m in found.meetings) == sorted(
        [GOOD[0], GOOD[1], GOOD[3], BROKEN])
    twin = archive / "2022" / "direktionen" / "htk-direktionen-2022-09-05.md"
    shutil.copyfile(EXAMPLES / "byraadet-2025-03-10.md", twin)
    found = discover([str(archive)])
    # The first in name order is built; the other is refused, naming the first.
    assert [display for display, _ in found.problems] == [str(twin.with_suffix(".yaml"))]
    assert str(twin) in found.problems[0][1]
    assert "samme filnavne" in found.problems[0][1]


# -- a whole archive ------------------------------------------------------------------


def test_archive_builds_good_reports_bad_and_mirrors_the_tree(
        archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "ud"
    assert build(str(archive), "-o", str(out), "--format", "html", "-j", "2",
                 "--verbose") == 1
    captured = capsys.readouterr()
    assert summary(captured.out) == (len(GOOD), 0, 2)
    built = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html")
                   if p.name != "index.html")
    assert built == sorted(output_of(rel) for rel in GOOD)
    # Each failure is named with its messages, pointing into the file.
    assert f"{archive / BROKEN}:4:" in captured.err and "[bad-date]" in captured.err
    assert f"{archive / MISSING_BILAG}:" in captured.err and "[bilag-missing]" in captured.err
    assert "Traceback" not in captured.err
    assert "passer over:" in captured.out and "noter.txt" in captured.out
    # Bilag are not copied; nothing hidden is left behind; the manifest is valid JSON.
    assert not (out / "2025" / "oekonomiudvalget" / "bilag").exists()
    assert not [p for p in out.rglob(".*.tmp")]
    manifest = json.loads((out / MANIFEST_NAME).read_text("utf-8"))
    assert sorted(manifest["meetings"]) == sorted(GOOD)


def test_second_run_rebuilds_nothing_and_a_change_rebuilds_only_its_meeting(
        archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "ud"
    build(str(archive), "-o", str(out), "--format", "html")
    first = identities(out)
    capsys.readouterr()

    assert build(str(archive), "-o", str(out), "--format", "html") == 1
    assert summary(capsys.readouterr().out) == (0, len(GOOD), 2)
    assert identities(out) == first

    changed = archive / GOOD[3]
    changed.write_text(changed.read_text("utf-8") + "# rettet efter mødet\n", "utf-8")
    touched = archive / GOOD[0]  # a new mtime, the same content: judged by content
    os.utime(touched, (time.time() + 5, time.time() + 5))
    assert build(str(archive), "-o", str(out), "--format", "html") == 1
    assert summary(capsys.readouterr().out) == (1, len(GOOD) - 1, 2)
    after = identities(out)
    assert [rel for rel in after if after[rel] != first[rel]] == [output_of(GOOD[3])]


def test_changing_a_style_file_rebuilds_its_meetings(
        archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "ud"
    build(str(archive), "-o", str(out), "--format", "html")
    first = identities(out)
    capsys.readouterr()
    css = tmp_path / "stilarter" / "htk-kopi" / "htk.css"
    css.write_text(css.read_text("utf-8") + "\nh1 { letter-spacing: .01em; }\n", "utf-8")
    build(str(archive), "-o", str(out), "--format", "html")
    assert summary(capsys.readouterr().out) == (len(HTK), len(GOOD) - len(HTK), 2)
    after = identities(out)
    assert sorted(rel for rel in after if after[rel] != first[rel]) == \
        sorted(output_of(rel) for rel in HTK)
    # A bilag is an input too, and so is a file added to the style folder.
    bilag = archive / "2025" / "oekonomiudvalget" / "bilag" / "budgetnotat-2025.pdf"
    bilag.write_bytes(bilag.read_bytes() + b"\n%")
    build(str(archive), "-o", str(out), "--format", "html")
    assert summary(capsys.readouterr().out)[0] == 1
    (css.parent / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', "utf-8")
    build(str(archive), "-o", str(out), "--format", "html")
    assert summary(capsys.readouterr().out)[0] == len(HTK)


def test_force_and_new_format(archive: Path, tmp_path: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "ud"
    build(str(archive), "-o", str(out), "--format", "html")
    capsys.readouterr()
    build(str(archive), "-o", str(out), "--format", "html", "--force")
    assert summary(capsys.readouterr().out) == (len(GOOD), 0, 2)


def test_stale_temp_files_are_removed_and_a_bad_manifest_means_a_full_build(
        archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "ud"
    build(str(archive), "-o", str(out), "--format", "html")
    stale = out / "2014" / "direktionen" / ".htk-direktionen-2014-09-30.html.x1y2.tmp"
    stale.write_bytes(b"halv")
    (out / MANIFEST_NAME).write_text('{"format": 1, "meetings": {"a": ', "utf-8")
    capsys.readouterr()
    build(str(archive), "-o", str(out), "--format", "html")
    captured = capsys.readouterr()
    assert not stale.exists()
    assert "ødelagt" in captured.err and "Traceback" not in captured.err
    assert summary(captured.out) == (len(GOOD), 0, 2)
    json.loads((out / MANIFEST_NAME).read_text("utf-8"))


def test_usage_and_output_errors(archive: Path, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert build(str(archive)) == 2
    assert "-o MAPPE" in capsys.readouterr().err
    assert build(str(archive), "-o", str(tmp_path / "u"), "--executor", "dask") == 2
    assert "--scheduler" in capsys.readouterr().err
    a_file = tmp_path / "fil"
    a_file.write_text("x", "utf-8")
    assert build(str(archive), "-o", str(a_file)) == 1
    err = capsys.readouterr().err
    assert "er en fil, ikke en mappe" in err and "Traceback" not in err
    assert build(str(tmp_path / "findes-ikke"), "-o", str(tmp_path / "u")) == 1
    assert "findes ikke" in capsys.readouterr().err


def test_a_meeting_that_would_overwrite_the_index_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "arkiv"
    _copy_meeting(EXAMPLES / "kalundborg-direktionen-2022-08-29.yaml", root / "index.yaml")
    _copy_meeting(EXAMPLES / "kalundborg-direktionen-2022-08-29.yaml", root / "sub" / "index.yaml")
    out = tmp_path / "ud"
    assert build(str(root), "-o", str(out), "--format", "html") == 1
    captured = capsys.readouterr()
    assert "index.html" in captured.err and "arkivets indeks" in captured.err
    assert summary(captured.out) == (1, 0, 1)
    index = json.loads((out / "index.json").read_text("utf-8"))
    assert [m["path"] for m in index["meetings"]] == ["sub/index.yaml"]
    assert (out / "index.html").read_text("utf-8").startswith("<!DOCTYPE html>")


def test_a_full_disk_stops_the_run_with_a_clear_message(
        archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    # Workers are other processes; here the jobs run in this one, so the write can fail.
    from referatgen.archive import job as batch_job
    from referatgen.archive import run as archive_run
    from referatgen.diagnostics import ReferatgenError

    calls: list[str] = []

    def full(target: Path, data: bytes) -> None:
        calls.append(target.name)
        raise ReferatgenError(f"Kan ikke skrive {target}: No space left on device.") from \
            OSError(errno.ENOSPC, "No space left on device")

    class Serial:
        def results(self, jobs: list[Job], stop: Callable[[], int]) -> Iterator[JobResult]:
            for job in jobs:
                if stop():
                    return
                yield run_job(job)

        def kill(self) -> None: ...

    monkeypatch.setattr(batch_job, "write_atomic", full)
    monkeypatch.setattr(archive_run, "make_executor", lambda config, count: Serial())
    assert build(str(archive), "-o", str(tmp_path / "ud"), "--format", "html") == 1
    err = capsys.readouterr().err
    assert "No space left on device" in err and "stoppet" in err and "Traceback" not in err
    assert len(calls) == 1  # the run stopped instead of failing every meeting alike


def test_jobs_default_to_the_cores_this_process_may_use(monkeypatch: pytest.MonkeyPatch) -> None:
    from referatgen.archive import available_cores

    if not hasattr(os, "sched_getaffinity"):
        pytest.skip("os.sched_getaffinity findes ikke på denne platform")
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {3})
    assert available_cores() == 1


# -- index and find -------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf_archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Four good meetings built to PDF once: the reference for the kill tests and find."""
    base = tmp_path_factory.mktemp("pdfarkiv")
    root = make_archive(base)
    for rel in (BROKEN, MISSING_BILAG, GOOD[1], GOOD[5]):
        (root / rel).unlink()  # the two largest go too: keep the PDF runs short
    out = base / "ud"
    assert build(str(root), "-o", str(out), "--format", "pdf", "-j", "2") == 0
    return root, out


def test_index_lists_every_case_number_and_only_public_titles(archive: Path,
                                                              tmp_path: Path) -> None:
    out = tmp_path / "ud"
    build(str(archive), "-o", str(out), "--format", "html")
    index = json.loads((out / "index.json").read_text("utf-8"))
    meetings = index["meetings"]
    assert [m["dato"] for m in meetings] == sorted((m["dato"] for m in meetings), reverse=True)
    assert sorted(m["path"] for m in meetings) == sorted(GOOD)
    for meeting in meetings:
        assert list(meeting) == ["path", "dato", "organ", "kommune", "type", "files", "punkter"]
        assert meeting["files"] == [output_of(meeting["path"])]
        for item in meeting["punkter"]:
            assert list(item) == ["nr", "titel", "sagsnr", "lukket"]
    expected = set()
    for rel in GOOD:
        result = check_file(archive / rel)
        assert result.meeting is not None
        expected |= {i.sagsnr for i in result.meeting.punkter if i.sagsnr}
    listed = {i["sagsnr"] for m in meetings for i in m["punkter"] if i["sagsnr"]}
    assert listed == expected
    html = (out / "index.html").read_text("utf-8")
    for sagsnr in expected:
        assert sagsnr in html
    for text in (index_json := (out / "index.json").read_text("utf-8"), html):
        assert SECRET_TITLE not in text and MD_CLOSED_TITLE not in text
    assert '"titel": "Lukket"' in index_json
    organs = {m["organ"] for m in meetings}
    assert {"Direktionen", "Økonomiudvalget"} <= organs


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def test_index_html_works_without_a_server(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "ud"
    build(str(archive), "-o", str(out), "--format", "html")
    page = _Page()
    page.feed((out / "index.html").read_text("utf-8"))
    tags = page.tags
    assert ("html", {"lang": "da"}) in tags
    # Nothing fetched: no external script, stylesheet or image; links are relative.
    assert not [a for t, a in tags if t in ("script", "link", "img") and (a.get("src")
                                                                         or a.get("href"))]
    hrefs = [a["href"] for t, a in tags if t == "a" and a.get("href")]
    assert all(h.startswith("#") or not re.match(r"^[a-z]+:|^/", h) for h in hrefs)
    for rel in GOOD:
        assert output_of(rel).replace("ø", "%C3%B8") in hrefs
    # Accessible: a labelled search field, column headers, sort state.
    search = [a for t, a in tags if t == "input" and a.get("type") == "search"]
    assert search and any(t == "label" and a.get("for") == search[0]["id"] for t, a in tags)
    assert any(t == "th" and a.get("aria-sort") == "descending" for t, a in tags)
    assert all(a.get("scope") == "col" for t, a in tags if t == "th")
    assert any(a.get("role") == "status" for _, a in tags)
    rows = [a for t, a in tags if t == "tr" and a.get("data-dato")]
    assert [r["data-dato"] for r in rows] == sorted((r["data-dato"] for r in rows), reverse=True)
    node = shutil.which("node")
    if node is None:
        pytest.skip("node mangler: indeksets script kan ikke køres")
    script = tmp_path / "index.js"
    script.write_text(_DOM_SHIM + "\n".join(page.scripts) + _DOM_CHECK, "utf-8")
    rows_json = json.dumps([{"dato": r["data-dato"], "search": r["data-search"]} for r in rows])
    result = subprocess.run([node, str(script), rows_json], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["search"] == [r["data-dato"] for r in rows if "18/3151" in r["data-search"]]
    assert report["status"] == f"Viser {len(report['search'])} af {len(rows)} møder."
    assert report["ascending"] == sorted(r["data-dato"] for r in rows)
    assert report["sort"] == "ascending"


# A DOM with just what the index's script touches, to run it in node.
_DOM_SHIM = r"""
const rowsData = JSON.parse(process.argv[2]);
function el(tag) {
  const e = { tag, hidden: false, dataset: {}, attrs: {}, children: [], listeners: {},
    textContent: "", value: "",
    setAttribute(k, v) { this.attrs[k] = String(v); },
    getAttribute(k) { return k in this.attrs ? this.attrs[k] : null; },
    appendChild(c) { const i = this.children.indexOf(c); if (i >= 0) this.children.splice(i, 1);
      this.children.push(c); return c; },
    addEventListener(type, f) { this.listeners[type] = f; },
  };
  return e;
}
const body = el("tbody");
for (const r of rowsData) { const row = el("tr"); row.dataset.dato = r.dato;
  row.dataset.search = r.search; body.appendChild(row); }
body.rows = body.children;
const ids = { "soeg-form": el("form"), soeg: el("input"), antal: el("p"), ingen: el("p"),
  moeder: Object.assign(el("table"), { tBodies: [body] }), "th-dato": el("th") };
ids["th-dato"].setAttribute("aria-sort", "descending");
ids["soeg-form"].hidden = true;
globalThis.document = { getElementById: (id) => ids[id], createElement: (t) => el(t) };
"""

_DOM_CHECK = r"""
const out = {};
if (ids["soeg-form"].hidden) throw new Error("search form stays hidden");
ids.soeg.value = "18/3151";
ids.soeg.listeners.input();
out.search = body.children.filter((r) => !r.hidden).map((r) => r.dataset.dato);
out.status = ids.antal.textContent;
const button = ids["th-dato"].children[0];
button.listeners.click();
out.ascending = body.children.map((r) => r.dataset.dato);
out.sort = ids["th-dato"].getAttribute("aria-sort");
console.log(JSON.stringify(out));
"""


def test_find_prints_items_newest_first(pdf_archive: tuple[Path, Path],
                                        capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    _root, out = pdf_archive
    capsys.readouterr()
    # 19/24995: two items of the 2020 meeting (organ changed to Økonomiudvalget).
    assert _cli.run(["find", "19/24995", str(out)]) == 0
    pdf = out / output_of(GOOD[2], "pdf")
    assert capsys.readouterr().out.splitlines() == [
        f"16-11-2020  Økonomiudvalget  Punkt {nr}: {title}  {pdf}"
        for nr, title in _items(_root / GOOD[2], "19/24995")]
    monkeypatch.chdir(out)
    assert _cli.run(["find", "21/24696"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("05-09-2022  Direktionen  Punkt 1: Øvrige sager")
    assert lines[0].endswith(f"  {output_of(GOOD[3], 'pdf')}")
    dates = [line[6:10] + line[3:5] + line[:2] for line in lines]
    assert dates == sorted(dates, reverse=True)
    assert _cli.run(["find", "99/99999"]) == 1
    assert "står ikke i" in capsys.readouterr().err
    assert _cli.run(["find", "1/1", str(out / "intet")]) == 1
    assert "intet index.json" in capsys.readouterr().err


def _items(path: Path, sagsnr: str) -> list[tuple[int, str]]:
    """(number, public title) of the items with this case number, read from the source."""
    from referatgen.plan import public_title

    result = check_file(path)
    assert result.meeting is not None and result.style is not None
    meeting = result.meeting
    found = [(meeting.første_punkt + i, public_title(item, result.style))
             for i, item in enumerate(meeting.punkter) if item.sagsnr == sagsnr]
    assert len(found) >= 2
    return found


# -- interruption and workers ---------------------------------------------------------


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def _start(root: Path, out: Path, *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "referatgen", "build", str(root), "-o", str(out),
         "--format", "pdf", "-j", "2", *extra],
        env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: kill parent and workers at once
    )


def _wait_for(condition: object, timeout: float = 120.0) -> None:
    assert callable(condition)
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def _children(pid: int) -> list[int]:
    out: list[int] = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid and b"multiprocessing" in cmdline and b"spawn_main" in cmdline:
            out.append(int(stat.parent.name))
    return out


def test_killed_run_then_rerun_gives_the_same_outputs(pdf_archive: tuple[Path, Path],
                                                      tmp_path: Path) -> None:
    root, reference = pdf_archive
    out = tmp_path / "ud"
    process = _start(root, out)
    try:
        _wait_for(lambda: any(out.rglob("*.pdf")) or process.poll() is not None)
        assert process.poll() is None, "the run ended before it could be interrupted"
        os.killpg(process.pid, signal.SIGKILL)  # parent and workers, mid-run
    finally:
        process.wait()
    manifest = out / MANIFEST_NAME
    if manifest.exists():
        json.loads(manifest.read_text("utf-8"))  # never half-written
    done = {p for p in out.rglob("*.pdf")}
    assert len(done) < 4
    for path in done:  # what is there is whole: the same bytes as an uninterrupted run
        assert path.read_bytes() == (reference / path.relative_to(out)).read_bytes()
    rerun = subprocess.run(
        [sys.executable, "-m", "referatgen", "build", str(root), "-o", str(out), "--format",
         "pdf", "-j", "2"], env=_env(), capture_output=True, text=True, check=False)
    assert rerun.returncode == 0, rerun.stderr
    assert visible_files(out) == visible_files(reference)
    assert not list(out.rglob(".*.tmp"))


def test_a_killed_worker_is_replaced_and_the_run_completes(pdf_archive: tuple[Path, Path],
                                                           tmp_path: Path) -> None:
    if not Path("/proc/self/stat").exists():
        pytest.skip("kræver /proc for at finde arbejdsprocesserne")
    root, reference = pdf_archive
    out = tmp_path / "ud"
    process = _start(root, out)
    try:
        _wait_for(lambda: _children(process.pid) or process.poll() is not None)
        _wait_for(lambda: any(out.rglob("*.pdf")) or process.poll() is not None)
        workers = _children(process.pid)
        assert workers and process.poll() is None
        os.kill(workers[0], signal.SIGKILL)
        stdout, stderr = process.communicate(timeout=300)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode == 0, stderr.decode()
    assert summary(stdout.decode()) == (4, 0, 0)
    assert visible_files(out) == visible_files(reference)
    assert not list(out.rglob(".*.tmp"))  # the dead worker's temporary file is gone too


def test_sigterm_keeps_what_finished_and_the_rerun_does_the_rest(tmp_path: Path) -> None:
    root = tmp_path / "arkiv"
    count = 8
    for number in range(count):
        _copy_meeting(EXAMPLES / "kalundborg-direktionen-2022-08-29.yaml",
                      root / f"udvalg-{number}" / f"moede-{number}.yaml")
    out = tmp_path / "ud"
    process = _start(root, out, "-j", "1")
    try:
        _wait_for(lambda: any(out.rglob("*.pdf")) or process.poll() is not None)
        process.send_signal(signal.SIGTERM)  # the parent only, as a service manager does
        stdout, stderr = process.communicate(timeout=300)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode == 130, stderr.decode()
    assert "afbrudt" in stderr.decode() and b"Traceback" not in stderr
    built, _fresh, failed = summary(stdout.decode())
    assert 0 < built < count and failed == 0
    manifest = json.loads((out / MANIFEST_NAME).read_text("utf-8"))
    kept = sorted(manifest["meetings"])
    assert len(kept) == built
    pdfs = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.pdf"))
    assert pdfs == [output_of(rel, "pdf") for rel in kept]
    assert not list(out.rglob(".*.tmp"))
    index = json.loads((out / "index.json").read_text("utf-8"))
    assert sorted(m["path"] for m in index["meetings"]) == kept
    before = {rel: (out / rel).stat().st_ino for rel in pdfs}

    rerun = subprocess.run(
        [sys.executable, "-m", "referatgen", "build", str(root), "-o", str(out), "--format",
         "pdf", "-j", "2"], env=_env(), capture_output=True, text=True, check=False)
    assert rerun.returncode == 0, rerun.stderr
    assert summary(rerun.stdout) == (count - built, built, 0)
    assert {rel: (out / rel).stat().st_ino for rel in pdfs} == before
    assert len(list(out.rglob("*.pdf"))) == count


def test_the_parent_does_not_import_the_engine(tmp_path: Path) -> None:
    root = tmp_path / "arkiv"
    _copy_meeting(EXAMPLES / "kalundborg-direktionen-2022-08-29.yaml", root / "a.yaml")
    code = ("import sys; from referatgen import _cli; "
            f"rc = _cli.run(['build', {str(root)!r}, '-o', {str(tmp_path / 'ud')!r}, "
            "'--format', 'pdf', '-j', '1']); "
            "print('ENGINE' if 'weasyprint' in sys.modules else 'LIGHT'); sys.exit(rc)")
    result = subprocess.run([sys.executable, "-c", code], env=_env(), capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "LIGHT"
    assert (tmp_path / "ud" / "a.pdf").read_bytes().startswith(b"%PDF")


def test_dask_executor_gives_the_same_outputs(archive: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    distributed = pytest.importorskip("distributed")
    local = tmp_path / "lokal"
    build(str(archive), "-o", str(local), "--format", "html")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  protocol="tcp", host="127.0.0.1", dashboard_address=None) \
            as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        out = tmp_path / "dask"
        capsys.readouterr()
        code = build(str(archive), "-o", str(out), "--format", "html", "--executor", "dask",
                     "--scheduler", cluster.scheduler_address)
        captured = capsys.readouterr()
        assert code == 1, captured.err
        assert summary(captured.out) == (len(GOOD), 0, 2)
        assert visible_files(out) == visible_files(local)
        build(str(archive), "-o", str(out), "--format", "html", "--executor", "dask",
              "--scheduler", cluster.scheduler_address)
        assert summary(capsys.readouterr().out) == (0, len(GOOD), 2)
        # Dask workers outlive a run and styles are cached per process: a changed
        # style.yaml must still reach the output.
        style = tmp_path / "stilarter" / "htk-kopi" / "style.yaml"
        style.write_text(style.read_text("utf-8").replace("lukket_titel: Lukket",
                                                          "lukket_titel: Lukket sag"), "utf-8")
        build(str(archive), "-o", str(out), "--format", "html", "--executor", "dask",
              "--scheduler", cluster.scheduler_address)
        assert summary(capsys.readouterr().out)[0] == len(HTK)
        index = (out / "index.json").read_text("utf-8")
        assert '"titel": "Lukket sag"' in index and '"titel": "Lukket"' not in index
        assert "Lukket sag" in (out / output_of(GOOD[1])).read_text("utf-8")


# -- the API and its warnings ---------------------------------------------------------


def _small_archive(root: Path, count: int) -> Path:
    for number in range(count):
        _copy_meeting(EXAMPLES / "kalundborg-direktionen-2022-08-29.yaml",
                      root / f"udvalg-{number}" / f"moede-{number}.yaml")
    return root


def test_run_archive_takes_a_config_not_command_line_arguments(tmp_path: Path) -> None:
    from referatgen.archive import ArchiveConfig, ArchiveSummary, run_archive
    from referatgen.options import BuildOptions

    root = _small_archive(tmp_path / "arkiv", 2)
    config = ArchiveConfig(inputs=(str(root),), output=tmp_path / "ud", formats=("html",),
                           options=BuildOptions.make(intern=True), jobs=1)
    summary = run_archive(config)
    assert isinstance(summary, ArchiveSummary)
    assert sorted(summary.built) == [str(root / "udvalg-0" / "moede-0.yaml"),
                                     str(root / "udvalg-1" / "moede-1.yaml")]
    assert (summary.up_to_date, summary.failed, summary.exit_code) == ((), (), 0)
    assert (tmp_path / "ud" / "udvalg-0" / "moede-0-intern.html").is_file()
    assert len(run_archive(config).up_to_date) == 2
    with pytest.raises(ValueError):
        ArchiveConfig(inputs=(str(root),), output=tmp_path / "ud", jobs=0)
    with pytest.raises(ValueError):
        ArchiveConfig(inputs=(str(root),), output=tmp_path / "ud", executor="dask")


def test_the_same_warning_from_several_meetings_prints_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from referatgen.archive import run as archive_run
    from referatgen.diagnostics import Diagnostic
    from referatgen.plan import Document
    from referatgen.render import RENDERERS, Rendered

    class Serial:  # the jobs in this process, where the renderer is replaced
        def results(self, jobs: list[Job], stop: Callable[[], int]) -> Iterator[JobResult]:
            yield from (run_job(job) for job in jobs)

        def kill(self) -> None: ...

    def html(document: Document, options: object) -> Rendered:
        font = Diagnostic(document.source_name, 1, 1, "warning",
                          "skrifttypen 'Carlito' er ikke installeret", "missing-font")
        return Rendered(b"<!DOCTYPE html>", (font, font))

    monkeypatch.setattr(archive_run, "make_executor", lambda config, count: Serial())
    monkeypatch.setitem(RENDERERS, "html", html)
    root = _small_archive(tmp_path / "arkiv", 3)
    assert build(str(root), "-o", str(tmp_path / "ud"), "--format", "html") == 0
    err = capsys.readouterr().err
    assert err.count("skrifttypen 'Carlito' er ikke installeret") == 1
    assert "(samme advarsel i 2 andre filer)" in err


def test_a_pool_that_cannot_start_says_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    import multiprocessing

    from referatgen.archive.executors import local

    def no_semaphores(method: str) -> object:
        raise OSError(38, "Function not implemented")

    monkeypatch.setattr(multiprocessing, "get_context", no_semaphores)
    root = _small_archive(tmp_path / "arkiv", 1)
    assert build(str(root), "-o", str(tmp_path / "ud"), "--format", "html") == 1
    err = capsys.readouterr().err
    assert "Arbejdsprocesserne kunne ikke starte" in err and "Function not implemented" in err
    assert "Traceback" not in err

    class Started:  # what a worker that failed in its initializer leaves on the queue
        def __init__(self) -> None:
            self.items = [f"{local._INIT_FAILED}RuntimeError: ingen skrifttyper"]

        def empty(self) -> bool:
            return not self.items

        def get(self) -> str:
            return self.items.pop()

    round_ = local._Round(None, Started(), [], 1)  # type: ignore[arg-type]
    with pytest.raises(Exception, match="kunne ikke starte: RuntimeError: ingen skrifttyper"):
        round_.suspects()
