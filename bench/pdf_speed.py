"""Our overhead above WeasyPrint's own floor, whole processes, same run.

For each example and a generated 150-item meeting: wall time of
`referatgen build X --format pdf` over `python -m weasyprint --pdf-variant pdf/a-3b
--pdf-tags -p X.html X.pdf` on the very HTML, stylesheets and attachments referatgen
used. Target: ratio <= 1.15. Also reports the peak memory of the 150-item build.

    python bench/pdf_speed.py [--runs 5]
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
from referatgen.render.html import render_html, stylesheet_paths  # noqa: E402

TARGET = 1.15


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


def reference_command(meeting: Path, work: Path) -> list[str]:
    document, _ = prepare(meeting)
    html = work / f"{meeting.stem}.html"
    html.write_text(render_html(document, "print"), "utf-8")
    command = [sys.executable, "-m", "weasyprint", "--pdf-variant", "pdf/a-3b", "--pdf-tags",
               "-p", "-u", document.folder.as_uri() + "/", "-q"]
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pdf-speed-"))
    try:
        meetings = sorted(p for p in (ROOT / "examples").iterdir() if p.suffix in (".yaml", ".md"))
        long_meeting = generated_meeting(work)
        meetings.append(long_meeting)
        rows = []
        for meeting in meetings:
            ours = [sys.executable, "-m", "referatgen", "build", str(meeting), "--format", "pdf",
                    "-o", str(work)]
            reference = reference_command(meeting, work)
            timed(ours), timed(reference)  # warm the file cache and font cache
            our_times, ref_times = [], []
            for _ in range(args.runs):
                our_times.append(timed(ours))
                ref_times.append(timed(reference))
            mine, theirs = statistics.median(our_times), statistics.median(ref_times)
            rows.append((meeting.name, mine, theirs, mine / theirs))
        print(f"{'meeting':42} {'referatgen':>11} {'weasyprint':>11} {'ratio':>7}")
        for name, mine, theirs, ratio in rows:
            print(f"{name:42} {mine:10.3f}s {theirs:10.3f}s {ratio:7.3f}")
        worst = max(r[3] for r in rows)
        print(f"median ratio {statistics.median(r[3] for r in rows):.3f}, worst {worst:.3f} "
              f"(target <= {TARGET})")
        memory = peak_memory_mib([sys.executable, "-m", "referatgen", "build", str(long_meeting),
                                  "--format", "pdf", "-o", str(work)])
        print(f"peak memory of the 150-item build: {memory:.0f} MiB")
        return 0 if worst <= TARGET else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
