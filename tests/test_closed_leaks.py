"""A closed item never leaks into the public version: a property, tried on generated meetings.

Every field of a closed item carries a unique marker: its title (unless the style
publishes closed titles), every section, decisions in list form (organ and text), bilag
titles and file names, a footnote, an image's alt text and file name, a table cell,
`deltog_ikke`, a free section's heading and text; an open item's closed bilag carries one
too. Each generated meeting is written in YAML or Markdown, in one of the three styles,
as a referat or a dagsorden, and built to PDF, DOCX and HTML, public and internal. The
marker must appear nowhere in the public outputs (see tests/leaks.py for what "nowhere"
covers) and where it belongs in the internal ones.

CI runs a fixed, small number of examples (the `ci` profile, derandomized). Run it longer:

    python -m pytest tests/test_closed_leaks.py --hypothesis-profile=long
"""

from __future__ import annotations

import dataclasses
import io
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from hypothesis import given
from hypothesis import strategies as st

from referatgen._api import prepare, render_all
from referatgen.check import check_file
from referatgen.options import BuildOptions

from .conftest import EXAMPLES
from .leaks import found_in

FORMATS = ("pdf", "docx", "html")
SAGSNR = {"standard": "2022-0042", "htk": "22/1234", "kalundborg": "22-010739"}
WORDS = ("budget", "skole", "vej", "plan", "møde", "byråd", "sag", "borger", "drift",
         "område", "udvalg", "forslag", "økonomi", "anlæg")


@dataclasses.dataclass(frozen=True)
class Case:
    marker: str
    style: str
    fmt: str
    kind: str
    public_title: bool
    open_before: tuple[str, ...]
    open_after: tuple[str, ...]
    text: str


_sentence = st.lists(st.sampled_from(WORDS), min_size=2, max_size=8).map(
    lambda words: " ".join(words).capitalize() + ".")


@st.composite
def cases(draw: st.DrawFn) -> Case:
    marker = "Qx" + draw(st.text("BCDFGHJKLMNPRSTVWZ", min_size=6, max_size=6))
    return Case(
        marker=marker,
        style=draw(st.sampled_from(sorted(SAGSNR))),
        fmt=draw(st.sampled_from(["yaml", "md"])),
        kind=draw(st.sampled_from(["referat", "dagsorden"])),
        public_title=draw(st.booleans()),
        open_before=tuple(draw(st.lists(_sentence, max_size=2))),
        open_after=tuple(draw(st.lists(_sentence, max_size=1))),
        text=draw(_sentence),
    )


def _fields(case: Case) -> dict[str, str]:
    """Field name -> the marker it carries."""
    return {name: f"{case.marker}{code}" for name, code in (
        ("titel", "Ti"), ("resume", "Re"), ("baggrund", "Ba"), ("indstilling", "In"),
        ("behandling", "Be"), ("sagsfremstilling", "Sf"), ("økonomi", "Ok"),
        ("beslutning_organ", "Bo"), ("beslutning_tekst", "Bt"), ("bilag_titel", "Bi"),
        ("bilag_fil", "Bf"), ("fodnote", "Fn"), ("billede_alt", "Al"), ("billede_fil", "If"),
        ("tabelcelle", "Tc"), ("deltog_ikke", "Dp"), ("afsnit_overskrift", "Ao"),
        ("afsnit_tekst", "At"), ("lukket_bilag_titel", "Lb"), ("lukket_bilag_fil", "Lf"))}


def _closed_item(case: Case, folder: Path) -> dict[str, Any]:
    f = _fields(case)
    shutil.copyfile(EXAMPLES / "bilag" / "budgetnotat-2025.pdf",
                    folder / "bilag" / f"{f['bilag_fil']}.pdf")
    shutil.copyfile(EXAMPLES / "billeder" / "kort.png", folder / f"{f['billede_fil']}.png")
    publishes_title = case.style == "kalundborg" and not case.public_title
    item: dict[str, Any] = {
        # Kalundborg publishes a closed item's title ("Lukket: <titel>"): no marker there.
        "titel": "Køb af ejendom" if publishes_title else f"Køb af {f['titel']}",
        "sagsnr": SAGSNR[case.style],
        "lukket": True,
    }
    if case.public_title:
        item["offentlig_titel"] = "Ejendomssag"
    item.update({
        "resume": f"{case.text} {f['resume']}\n",
        "baggrund": (f"{f['baggrund']} med note[^1].\n\n![{f['billede_alt']}]"
                     f"({f['billede_fil']}.png)\n\n| A | B |\n| - | - |\n"
                     f"| {f['tabelcelle']} | 2 |\n\n[^1]: {f['fodnote']}\n"),
        "indstilling": f"- {f['indstilling']}\n",
        "behandling": f"*{f['behandling']}*\n",
        "sagsfremstilling": f"{f['sagsfremstilling']}\n",
        "økonomi": f"{f['økonomi']}\n",
        "beslutning": [{"dato": "2022-09-05", "organ": f"{f['beslutning_organ']}udvalget",
                        "tekst": f"{f['beslutning_tekst']}\n"}],
        "bilag": [{"titel": f["bilag_titel"], "fil": f"bilag/{f['bilag_fil']}.pdf"}],
        "deltog_ikke": [f"{f['deltog_ikke']} Hansen"],
        "afsnit": [{"overskrift": f["afsnit_overskrift"], "tekst": f"{f['afsnit_tekst']}\n"}],
    })
    return item


def _open_item(title: str, text: str) -> dict[str, Any]:
    return {"titel": title.rstrip("."), "baggrund": text + "\n", "beslutning": "Godkendt.\n"}


def _write_meeting(case: Case, folder: Path) -> Path:
    from ruamel.yaml import YAML

    (folder / "bilag").mkdir()
    f = _fields(case)
    shutil.copyfile(EXAMPLES / "bilag" / "budgetnotat-2025.pdf",
                    folder / "bilag" / f"{f['lukket_bilag_fil']}.pdf")
    last_open = _open_item("Eventuelt", case.text)
    last_open["bilag"] = [{"titel": f["lukket_bilag_titel"],
                           "fil": f"bilag/{f['lukket_bilag_fil']}.pdf", "lukket": True}]
    data = {
        "type": case.kind, "stil": case.style, "organ": "Direktionen",
        "dato": "2022-09-05", "tid": "10:00",
        "punkter": [*(_open_item(t, case.text) for t in case.open_before),
                    _closed_item(case, folder),
                    *(_open_item(t, case.text) for t in case.open_after), last_open],
    }
    path = folder / "moede.yaml"
    yaml = YAML()
    with path.open("w", encoding="utf-8") as handle:
        yaml.dump(data, handle)
    if case.fmt == "md":
        from referatgen.dump import dump

        result = check_file(path)
        assert result.meeting is not None, [d.format() for d in result.diagnostics]
        markdown = folder / "moede.md"
        markdown.write_text(dump(result.meeting, result.style, "md"), "utf-8")
        path.unlink()
        path = markdown
    checked = check_file(path)
    assert checked.ok, [d.format() for d in checked.diagnostics]
    return path


def _build(path: Path, case: Case, intern: bool) -> dict[str, bytes]:
    options = BuildOptions.make(intern=intern, som=case.kind,  # type: ignore[arg-type]
                                libreoffice=False)
    document, _ = prepare(path, options)
    return {f"{document.output_name(fmt)}": r.data
            for fmt, r in render_all(document, FORMATS, options).items()}


def _printed_in_intern(case: Case) -> list[str]:
    """The fields the internal version prints as text, in every format."""
    names = ["titel", "resume", "baggrund", "indstilling", "behandling", "sagsfremstilling",
             "økonomi", "bilag_titel", "tabelcelle", "afsnit_overskrift", "afsnit_tekst"]
    if case.kind == "referat":
        names += ["beslutning_tekst"]
    if case.style == "kalundborg" and not case.public_title:
        names.remove("titel")
    return names


@pytest.mark.slow
@given(cases())
def test_no_closed_item_leaks_into_the_public_version(case: Case) -> None:
    with tempfile.TemporaryDirectory() as temp:
        path = _write_meeting(case, Path(temp))
        public = _build(path, case, intern=False)
        for name, data in public.items():
            assert case.marker not in name
            leaked = [field for field, marker in _fields(case).items()
                      if found_in(name, data, marker)]
            assert leaked == [], f"{name} ({case}) holds {leaked}"
        internal = _build(path, case, intern=True)
    for name, data in internal.items():
        missing = [field for field in _printed_in_intern(case)
                   if not found_in(name, data, _fields(case)[field])]
        assert missing == [], f"the internal {name} lacks {missing}"


# -- the search itself finds a leak -------------------------------------------------------------


@pytest.fixture(scope="module")
def clean_build(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    case = Case("QxPLANT", "htk", "yaml", "referat", False, (), (), "Budget plan.")
    folder = tmp_path_factory.mktemp("plant")
    return _build(_write_meeting(case, folder), case, intern=False)


def _one(build: dict[str, bytes], suffix: str) -> tuple[str, bytes]:
    return next((n, d) for n, d in build.items() if n.endswith(suffix))


def test_a_clean_build_has_no_marker(clean_build: dict[str, bytes]) -> None:
    for name, data in clean_build.items():
        assert not found_in(name, data, "QxPLANT")


@pytest.mark.parametrize("where", ["docinfo", "xmp", "stream", "outline", "attachment",
                                   "array"])
def test_the_search_finds_a_leak_planted_in_a_pdf(
        clean_build: dict[str, bytes], where: str) -> None:
    name, data = _one(clean_build, ".pdf")
    marker = "QxPLANTED"
    with pikepdf.open(io.BytesIO(data)) as pdf:
        if where == "docinfo":
            pdf.docinfo["/Subject"] = pikepdf.String(f"Om {marker}")  # stored as UTF-16BE
        elif where == "xmp":
            with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
                meta["dc:description"] = marker
        elif where == "stream":
            page = pdf.pages[0]
            page.contents_add(pdf.make_stream(f"% {marker}\n".encode()), prepend=False)
        elif where == "outline":
            with pdf.open_outline() as outline:
                outline.root.append(pikepdf.OutlineItem(f"Punkt 9: {marker}", 0))
        elif where == "attachment":
            pdf.attachments[f"{marker}.txt"] = pikepdf.AttachedFileSpec(pdf, b"x")
        else:
            pdf.Root.Planted = pikepdf.Array([pikepdf.Array([pikepdf.String(marker)])])
        out = io.BytesIO()
        pdf.save(out)
    assert found_in(name, out.getvalue(), marker)


def test_the_search_finds_a_leak_planted_in_a_docx_part(
        clean_build: dict[str, bytes]) -> None:
    name, data = _one(clean_build, ".docx")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "docProps/app.xml":
                content = content.replace(b"</Properties>", b"<Note>QxPLANTED</Note></Properties>")
            target.writestr(item, content)
    assert found_in(name, out.getvalue(), "QxPLANTED")


@pytest.mark.slow
@given(cases())
def test_no_closed_item_leaks_into_a_published_archive(case: Case) -> None:
    """The output folder of an archive build (outputs, index.html, index.json, the
    manifest) and `find`'s answer name and fingerprint nothing of a closed item."""
    from referatgen.archive import ArchiveConfig, run_archive

    from .conftest import run_referatgen
    from .leaks import leaks

    with tempfile.TemporaryDirectory() as temp:
        source, out = Path(temp) / "moeder", Path(temp) / "udgivet"
        source.mkdir()
        _write_meeting(case, source)
        config = ArchiveConfig(inputs=(str(source),), output=out, formats=("html",),
                               options=BuildOptions.make(som=case.kind,  # type: ignore[arg-type]
                                                         libreoffice=False), jobs=1)
        summary = run_archive(config)
        assert summary.exit_code == 0 and len(summary.built) == 1, summary
        assert (out / "index.json").is_file() and any(out.glob(".*manifest*"))
        for field, marker in _fields(case).items():
            assert leaks(out, marker) == [], field
        found = run_referatgen(["find", SAGSNR[case.style], str(out)])
        assert found.returncode == 0 and "Punkt" in found.stdout
        assert case.marker not in found.stdout + found.stderr
