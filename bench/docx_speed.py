"""Our DOCX against pandoc's, whole processes, same run.

For each example: wall time of `python -m referatgen build X --format docx
--no-libreoffice` over `pandoc X.md -o X.docx`, where X.md is the same meeting written
out as plain Markdown from the planned document (title, meeting rows, every item with
its case number, section headings and texts, bilag lists). Target: median ratio <= 4.
The LibreOffice pass that measures the TOC's page numbers is timed separately: the
extra wall time of the same build without --no-libreoffice.

    python bench/docx_speed.py [--runs 5] [--lo-runs 2]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from referatgen._api import prepare  # noqa: E402
from referatgen.plan import Document  # noqa: E402
from referatgen.plan import PlannedBlock as Block  # noqa: E402

TARGET = 4.0


def equivalent_markdown(document: Document) -> str:
    """The planned document as one Markdown file with the same text for pandoc."""
    lines = [f"# {document.title}", ""]
    for label, value in document.front:
        lines += [f"**{label}** {value}", ""]
    counter = 0

    def text(markdown: str) -> None:
        nonlocal counter
        counter += 1
        # Footnote labels are per text in referatgen; one file needs them unique.
        lines.extend([re.sub(r"\[\^([^\]]+)\]", rf"[^t{counter}-\1]", markdown), ""])

    def block(item_block: Block, level: int) -> None:
        if item_block.heading:
            lines.extend([f"{'#' * level} {item_block.heading}", ""])
        if item_block.text is not None:
            text(item_block.text.markdown)
        if item_block.note:
            lines.extend([item_block.note, ""])
        lines.extend(f"- {b.title}" for b in item_block.bilag)
        if item_block.bilag:
            lines.append("")
        for child in item_block.children:
            block(child, level + 1)

    for item in document.items:
        lines.extend([f"# {item.heading}", ""])
        if item.sagsnr:
            lines.extend([item.sagsnr, ""])
        for item_block in item.blocks:
            block(item_block, 2)
    return "\n".join(lines)


def timed(command: list[str], cwd: Path | None = None) -> float:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per example (median)")
    parser.add_argument("--lo-runs", type=int, default=2,
                        help="runs with the LibreOffice pass per example (0: skip)")
    args = parser.parse_args()
    if shutil.which("pandoc") is None:
        print("pandoc er ikke installeret: intet at sammenligne med.", file=sys.stderr)
        return 1
    examples = sorted(p for p in (ROOT / "examples").iterdir() if p.suffix in (".yaml", ".md"))
    soffice = shutil.which("soffice")
    ratios: list[float] = []
    with tempfile.TemporaryDirectory(prefix="docx-speed-") as folder:
        work = Path(folder)
        print(f"{'eksempel':42} {'referatgen':>10} {'pandoc':>8} {'forhold':>8} "
              f"{'+LibreOffice':>13}")
        for example in examples:
            document, _ = prepare(example)
            markdown = work / f"{example.stem}.md"
            markdown.write_text(equivalent_markdown(document), "utf-8")
            build_command = [sys.executable, "-m", "referatgen", "build", str(example),
                             "--format", "docx"]
            ours_command = [*build_command, "--no-libreoffice", "-o", str(work / "ours")]
            pandoc_command = ["pandoc", str(markdown), "-o", str(work / f"{example.stem}.docx"),
                              f"--resource-path={document.meeting.folder}"]
            ours: list[float] = []
            reference: list[float] = []
            # Alternate the two, so a busy moment of the machine hits both alike.
            for _ in range(args.runs):
                ours.append(timed(ours_command))
                reference.append(timed(pandoc_command))
            ratio = statistics.median(ours) / statistics.median(reference)
            ratios.append(ratio)
            extra = ""
            if soffice and args.lo_runs:
                with_lo = [timed([*build_command, "-o", str(work / "lo")])
                           for _ in range(args.lo_runs)]
                extra = f"{statistics.median(with_lo) - statistics.median(ours):+12.2f}s"
            print(f"{example.name:42} {statistics.median(ours):9.3f}s "
                  f"{statistics.median(reference):7.3f}s {ratio:8.2f} {extra:>13}")
    median = statistics.median(ratios)
    verdict = "OK" if median <= TARGET else "FOR LANGSOM"
    print(f"\nmedian af forholdene: {median:.2f} (mål <= {TARGET:g}): {verdict}")
    if not soffice:
        print("LibreOffice (soffice) er ikke installeret: opmålingens tid er ikke målt.")
    return 0 if median <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
