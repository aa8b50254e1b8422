"""Our overhead above WeasyPrint's own floor, whole processes, same run.

For each example and a generated 150-item meeting: wall time of
`referatgen build X --format pdf` over `python -m weasyprint --pdf-variant pdf/a-3b
--pdf-tags -p X.html X.pdf` on the very HTML, stylesheets and attachments referatgen
used, the style's shipped fonts included (the same @font-face rules as a stylesheet).
Target: median ratio <= 1.10. Also reports the peak memory of the 150-item build and
WeasyPrint's own on the same HTML (target: ours <= theirs + 10%).

The floor subsets fonts as WeasyPrint does by default: with harfbuzz-subset where the
library is installed. referatgen always subsets with the HarfBuzz of the pinned
uharfbuzz wheel (the same bytes on every machine). `--fonttools-floor` also times the
floor with WeasyPrint's own fontTools path forced (as on a machine without
harfbuzz-subset) and prints that ratio beside the first; the target is judged on the
default floor.

    python bench/pdf_speed.py [--runs 5] [--fonttools-floor]
"""

from __future__ import annotations

import argparse
import copy
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
from referatgen.render._fonts import font_face_css  # noqa: E402
from referatgen.render.html import render_html, stylesheet_paths  # noqa: E402

TARGET = 1.10


def generated_meeting(folder: Path, items: int = 150) -> Path:
    """A long meeting made of the seeds' own items, numbered on."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    source = yaml.load((ROOT / "examples" / "htk-direktionen-2018-11-13.yaml").read_text("utf-8"))
    pool = [p for p in source["punkter"] if not p.get("lukket")]
    punkter = []
    for index in range(items):
        item = copy.deepcopy(pool[index % len(pool)])  # shared objects would dump as aliases
        item["titel"] = f"{item['titel']} ({index + 1})"
        punkter.append(item)
    source["punkter"] = punkter
    target = folder / "lang-moede.yaml"
    out = YAML()
    out.width = 4096
    with target.open("w", encoding="utf-8") as handle:
        out.dump(source, handle)
    return target


#: WeasyPrint's command line with its harfbuzz-subset path switched off.
FONTTOOLS_WEASYPRINT = ("import sys; from weasyprint.pdf import fonts; "
                        "fonts.harfbuzz_subset = None; from weasyprint.__main__ import main; "
                        "sys.argv[0] = 'weasyprint'; main()")


def reference_command(meeting: Path, work: Path, fonttools: bool = False) -> list[str]:
    document, _ = prepare(meeting)
    html = work / f"{meeting.stem}.html"
    html.write_text(render_html(document, "print"), "utf-8")
    program = ["-c", FONTTOOLS_WEASYPRINT] if fonttools else ["-m", "weasyprint"]
    command = [sys.executable, *program, "--pdf-variant", "pdf/a-3b", "--pdf-tags",
               "-p", "-u", document.folder.as_uri() + "/", "-q"]
    fonts = work / f"{meeting.stem}-fonts.css"
    fonts.write_text(font_face_css(document.style.fonts), "utf-8")
    command += ["-s", str(fonts)]
    for css in stylesheet_paths(document):
        command += ["-s", str(css)]
    for bilag in document.attachments:
        if bilag.path is not None:
            command += ["-a", str(bilag.path)]
    return [*command, str(html), str(work / f"{meeting.stem}-ref.pdf")]


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def peak_memory_mib(command: list[str]) -> float:
    probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
             "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    result = subprocess.run([sys.executable, "-c", probe, *command], capture_output=True,
                            text=True, check=True)
    return int(result.stdout.strip()) / 1024


def median_times(commands: list[list[str]], runs: int) -> list[float]:
    """Each command's median wall time, the commands taking turns."""
    for command in commands:
        timed(command)  # warm the file cache and font cache
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for command, kept in zip(commands, times, strict=True):
            kept.append(timed(command))
    return [statistics.median(kept) for kept in times]


def compiled_as_installed() -> None:
    """Byte-compile the referatgen being measured, as `pip install` does for a wheel and
    for WeasyPrint: a checkout run with PYTHONDONTWRITEBYTECODE set would otherwise
    compile our modules from source in every run, a cost no installed copy has."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("referatgen")
    if spec is not None and spec.origin is not None:
        compileall.compile_dir(Path(spec.origin).parent, quiet=1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--fonttools-floor", action="store_true",
                        help="also time the floor with WeasyPrint's fontTools subsetting")
    args = parser.parse_args()
    compiled_as_installed()
    work = Path(tempfile.mkdtemp(prefix="pdf-speed-"))
    try:
        meetings = sorted(p for p in (ROOT / "examples").iterdir() if p.suffix in (".yaml", ".md"))
        long_meeting = generated_meeting(work)
        meetings.append(long_meeting)
        rows = []
        for meeting in meetings:
            ours = [sys.executable, "-m", "referatgen", "build", str(meeting), "--format", "pdf",
                    "-o", str(work)]
            commands = [ours, reference_command(meeting, work)]
            if args.fonttools_floor:
                commands.append(reference_command(meeting, work, fonttools=True))
            rows.append((meeting.name, *median_times(commands, args.runs)))
        extra = f" {'fontTools':>11} {'ratio':>7}" if args.fonttools_floor else ""
        print(f"{'meeting':42} {'referatgen':>11} {'weasyprint':>11} {'ratio':>7}{extra}")
        for name, mine, theirs, *fonttools in rows:
            extra = "".join(f" {t:10.3f}s {mine / t:7.3f}" for t in fonttools)
            print(f"{name:42} {mine:10.3f}s {theirs:10.3f}s {mine / theirs:7.3f}{extra}")
        ratios = [row[1] / row[2] for row in rows]
        median = statistics.median(ratios)
        print(f"median ratio {median:.3f}, worst {max(ratios):.3f} (target: median <= {TARGET})")
        if args.fonttools_floor:
            print(f"over the floor with fontTools subsetting: median ratio "
                  f"{statistics.median(row[1] / row[3] for row in rows):.3f}")
        memory = peak_memory_mib([sys.executable, "-m", "referatgen", "build", str(long_meeting),
                                  "--format", "pdf", "-o", str(work)])
        theirs = peak_memory_mib(reference_command(long_meeting, work))
        print(f"peak memory of the 150-item build: {memory:.0f} MiB; WeasyPrint's own on the "
              f"same HTML: {theirs:.0f} MiB (target <= {theirs * 1.1:.0f} MiB)")
        return 0 if median <= TARGET and memory <= theirs * 1.1 else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
