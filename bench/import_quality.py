"""How well and how fast does `referatgen import` bring minutes back? (issue 6)

For every seed (../shared/seeds/*.txt) and for every example built to PDF and to DOCX
with --intern (the round trip), the share of items whose title, case number and
decision came back exactly, and the import time per document. Seeds are compared with
their example in examples/ the way the tests do (whitespace collapsed, emphasis marks
stripped; closed htk items by their closed flag, since their real titles are unknown).
Round trips are compared with the file they were built from, with whitespace collapsed
(emphasis must come back too).

Next to each import time stands a reference from the same run: poppler's `pdftotext`
for a PDF and `pandoc -t plain` for a DOCX, which extract the text and nothing more;
`x ref` is the ratio. There is no speed target: the numbers say what an archive costs.

A second table scores the minutes of other meeting systems in
tests/fixtures/import/systemer (FirstAgenda, eDoc, SBSYS, Acadre layouts, a web page and
working-group minutes), each as HTML, text, PDF and a PDF without Unicode maps, against
forventet.yaml: the front page, and per item the title, case number, closed flag and
decisions; 'hele punktet' adds the bilag and the text the item must contain.

Usage (from the repository root):

    python bench/import_quality.py
    python bench/import_quality.py --runs 3     # median of three imports per document
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from referatgen._api import BuildOptions, build  # noqa: E402
from referatgen.check import check_file  # noqa: E402
from referatgen.importer import import_file  # noqa: E402
from referatgen.model import Meeting  # noqa: E402

SEEDS = ROOT.parent / "shared" / "seeds"
EXAMPLES = sorted(p for p in (ROOT / "examples").iterdir() if p.suffix in (".yaml", ".md"))
EXTRA = ROOT / "tests" / "fixtures" / "import" / "rundtur.yaml"


def seed_norm(text: str | None) -> str:
    return " ".join(re.sub(r"\*+|(?<!\w)_+|_+(?!\w)", "", text or "").split())


def exact_norm(text: str | None) -> str:
    return " ".join((text or "").split())


def meeting_of(path: Path) -> Meeting:
    checked = check_file(path)
    if checked.meeting is None or not checked.ok:
        raise SystemExit(f"{path}: kan ikke læses: {checked.diagnostics[:1]}")
    return checked.meeting


Counts = tuple[int, int, int, int, int, int]


def whole_item(mine: object, theirs: object, norm: Callable[[str | None], str]) -> bool:
    """Every section, decision, bilag and afsnit of the item came back."""
    def parts(item: object) -> list[object]:
        from referatgen.model import Item

        assert isinstance(item, Item)
        return [sorted((k, norm(t.markdown)) for k, t in item.sections.items()),
                [(d.dato, d.organ, norm(d.tekst.markdown)) for d in item.beslutning],
                [(b.titel, b.lukket) for b in item.bilag],
                [(a.overskrift, norm(a.tekst.markdown)) for a in item.afsnit],
                item.deltog_ikke]

    return parts(mine) == parts(theirs)


def scores(got: Meeting, expected: Meeting, norm: Callable[[str | None], str],
           closed_by_flag: bool) -> Counts:
    """(items, titles, case numbers, decisions, all three, whole item) that came back."""
    titles = numbers = decisions = whole = complete = 0
    for mine, theirs in zip(got.punkter, expected.punkter, strict=False):
        if closed_by_flag and theirs.lukket:
            title = mine.lukket
        else:
            title = norm(mine.titel) == norm(theirs.titel)
        number = mine.sagsnr == theirs.sagsnr
        decision = [norm(d.tekst.markdown) for d in mine.beslutning] == \
            [norm(d.tekst.markdown) for d in theirs.beslutning]
        titles += title
        numbers += number
        decisions += decision
        whole += title and number and decision
        complete += title and number and whole_item(mine, theirs, norm)
    return len(expected.punkter), titles, numbers, decisions, whole, complete


def timed(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def reference(path: Path, runs: int) -> float | None:
    if path.suffix == ".pdf" and shutil.which("pdftotext"):
        command = ["pdftotext", str(path), "-"]
    elif path.suffix == ".docx" and shutil.which("pandoc"):
        command = ["pandoc", "-t", "plain", str(path)]
    else:
        return None
    return timed(lambda: subprocess.run(command, capture_output=True, check=True), runs)


def row(name: str, counts: Counts, seconds: float, ref: float | None) -> str:
    items, titles, numbers, decisions, whole, complete = counts

    def share(n: int) -> str:
        return f"{n}/{items} {100 * n / items:5.1f}%" if items else "-"

    ratio = f"{seconds / ref:6.1f}" if ref else "     -"
    ref_text = f"{ref:6.2f}" if ref else "     -"
    return (f"{name:<44} {share(titles):>13} {share(numbers):>13} {share(decisions):>13} "
            f"{share(whole):>13} {share(complete):>13} {seconds:7.2f} {ref_text} {ratio}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=1, help="imports per document (median)")
    parser.add_argument("--systems", action="store_true",
                        help="only the table of other systems' minutes")
    args = parser.parse_args()
    if args.systems:
        systems()
        return 0
    header = (f"{'dokument':<44} {'titel':>13} {'sagsnr':>13} {'beslutning':>13} "
              f"{'alle tre':>13} {'hele punktet':>13} {'import s':>7} {'ref s':>6} "
              f"{'x ref':>6}")
    print(header)
    print("-" * len(header))
    totals = [0, 0, 0, 0, 0, 0]
    total_seconds = 0.0

    def add(counts: Counts, seconds: float) -> None:
        nonlocal total_seconds
        total_seconds += seconds
        for index, value in enumerate(counts):
            totals[index] += value

    if not SEEDS.is_dir():
        print(f"(ingen seeds i {SEEDS})")
    for seed in sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []:
        with tempfile.TemporaryDirectory() as folder:
            seconds = timed(lambda s=seed: import_file(s), args.runs)
            result = import_file(seed)
            target = Path(folder) / "seed.yaml"
            target.write_text(result.text("yaml"), encoding="utf-8")
            got = meeting_of(target)
        expected = next(m for m in map(meeting_of, EXAMPLES)
                        if m.dato == got.dato and m.organ == got.organ)
        counts = scores(got, expected, seed_norm, closed_by_flag=True)
        add(counts, seconds)
        print(row(f"seed {seed.name}", counts, seconds, None))
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        for fmt in ("pdf", "docx"):
            for source in [*EXAMPLES, EXTRA]:
                document = build(source, [fmt], out, BuildOptions.make(intern=True))[0]
                seconds = timed(lambda d=document: import_file(d), args.runs)
                result = import_file(document)
                target = out / f"{document.stem}.yaml"
                target.write_text(result.text("yaml"), encoding="utf-8")
                counts = scores(meeting_of(target), meeting_of(source), exact_norm,
                                closed_by_flag=False)
                add(counts, seconds)
                print(row(f"{fmt} {source.name}", counts, seconds, reference(document, 3)))
    print("-" * len(header))
    print(row("i alt", (totals[0], totals[1], totals[2], totals[3], totals[4], totals[5]),
              total_seconds, None))
    systems()
    print("\n'hele punktet': også alle punktets tekster, bilag og egne afsnit kom tilbage\n"
          "(seeds: uden fremhævning; rundtur: præcist, så en liste skrevet '1)' der trykkes\n"
          "'1.', et billede, der ikke importeres, og ':---' tæller som forskelle).")
    return 0


def systems() -> None:
    """The table of other systems' minutes (tests/fixtures/import/systemer)."""
    from referatgen.diagnostics import ReferatgenError
    from tests.systems import expected, score, sources

    wanted = expected()
    header = (f"{'andre systemer':<30} {'forside':>7} {'titel':>7} {'sagsnr':>7} "
              f"{'lukket':>7} {'beslutning':>10} {'hele punktet':>12}  fejl")
    print()
    print(header)
    print("-" * len(header))
    sums = [0, 0, 0, 0, 0, 0, 0, 0, 0]
    with tempfile.TemporaryDirectory() as folder:
        for name, path in sources(Path(folder)):
            want = wanted[name]
            items = len(want["punkter"])
            form = "pdf uden ToUnicode" if "-cid" in path.name else path.suffix[1:]
            label = f"{name} {form}"
            try:
                result = import_file(path)
                target = Path(folder) / "m.yaml"
                text = result.text("yaml")
                target.write_text(text, encoding="utf-8")
                got = score(meeting_of(target), want, text)
                error = "; ".join(got.wrong[:2])
            except (ReferatgenError, SystemExit) as exc:
                got = None
                error = str(exc).split(": ", 1)[-1][:60]
            expected_decisions = sum(len(p.get("beslutning", [])) for p in want["punkter"])
            values = (0, 0, 0, 0, 0, 0) if got is None else (
                int(got.front), got.titles, got.numbers, got.closed, got.decisions, got.whole)
            for index, value in enumerate((*values, items, expected_decisions, 1)):
                sums[index] += value
            print(f"{label:<30} {values[0]:>7} {values[1]:>3}/{items:<3} {values[2]:>3}/{items:<3} "
                  f"{values[3]:>3}/{items:<3} {values[4]:>4}/{expected_decisions:<5} "
                  f"{values[5]:>5}/{items:<6}  {error[:90]}")
    print("-" * len(header))
    n, d = sums[6], sums[7]
    print(f"{'i alt':<30} {sums[0]:>3}/{sums[8]:<3} {sums[1]:>3}/{n:<3} {sums[2]:>3}/{n:<3} "
          f"{sums[3]:>3}/{n:<3} {sums[4]:>4}/{d:<5} {sums[5]:>5}/{n:<6}")


if __name__ == "__main__":
    raise SystemExit(main())
