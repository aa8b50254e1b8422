"""How fast does `referatgen build DIR -o OUT` regenerate an archive? (issue 5)

200 meetings are generated from the examples (years 2010-2025, several organs, the
Markdown example with its bilag and image), then built to PDF as users run it, as whole
processes, in the same run:

- a full build with --jobs 1, and one with --jobs 2 (each into an empty folder);
  target: wall time with 2 jobs <= 0.55 x with 1 job (on 2 cores)
- a rerun with nothing changed (median of 3); target <= 2 % of the full 2-job build

Also reported: pages per second, each worker's peak memory (psutil when installed,
else the largest process's peak from getrusage), the parent's peak memory, and whether
both full builds wrote the same bytes.

Usage (from the repository root):

    python bench/batch_speed.py                  # 200 meetings
    python bench/batch_speed.py --meetings 60    # quicker, same ratios to watch

Exit status 1 when a target is missed, so CI can run it.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
PARALLEL_TARGET = 0.55
NOOP_TARGET = 0.02
ORGANS = ("Direktionen", "Økonomiudvalget", "Teknik- og Miljøudvalget", "Byrådet",
          "Børne- og Skoleudvalget")
SEEDS = ("htk-direktionen-2014-09-30.yaml", "htk-direktionen-2018-11-13.yaml",
         "htk-direktionen-2020-11-16.yaml", "htk-direktionen-2022-09-05.yaml",
         "kalundborg-direktionen-2022-08-29.yaml", "byraadet-2025-03-10.md")


def generate(folder: Path, count: int) -> list[Path]:
    """`count` meetings in year/organ folders; the Markdown ones with their bilag."""
    out: list[Path] = []
    for index in range(count):
        seed = EXAMPLES / SEEDS[index % len(SEEDS)]
        year = 2010 + index % 16
        organ = ORGANS[(index // len(SEEDS)) % len(ORGANS)]
        month, day = 1 + index % 12, 1 + index % 28
        slug = re.sub(r"[^a-z0-9]+", "-", organ.lower().replace("ø", "oe").replace("å", "aa"))
        target = folder / str(year) / slug / f"{slug}-{year}-{month:02d}-{day:02d}-{index:03d}"
        target = target.with_suffix(seed.suffix)
        target.parent.mkdir(parents=True, exist_ok=True)
        text = seed.read_text("utf-8")
        text = re.sub(r"(?m)^organ: .*$", f"organ: {organ}", text, count=1)
        text = re.sub(r"(?m)^dato: .*$", f"dato: {year}-{month:02d}-{day:02d}", text, count=1)
        target.write_text(text, "utf-8")
        if seed.suffix == ".md":
            for sub in ("bilag", "billeder"):
                if not (target.parent / sub).exists():
                    shutil.copytree(EXAMPLES / sub, target.parent / sub)
        out.append(target)
    return out


@dataclass
class Run:
    seconds: float
    stdout: str
    #: CPU seconds (user + system) of the build's processes, workers included.
    cpu: float = 0.0
    worker_peaks: dict[int, int] = field(default_factory=dict)
    parent_peak: int = 0
    rusage_peak: int = 0


def _watch(pid: int, run: Run, stop: threading.Event) -> None:
    try:
        import psutil  # type: ignore[import-untyped]
    except ImportError:
        return
    try:
        parent = psutil.Process(pid)
    except psutil.Error:
        return
    while not stop.is_set():
        try:
            run.parent_peak = max(run.parent_peak, parent.memory_info().rss)
            for child in parent.children():
                try:
                    if "spawn_main" not in " ".join(child.cmdline()):
                        continue  # the resource tracker
                    rss = child.memory_info().rss
                except psutil.Error:
                    continue
                run.worker_peaks[child.pid] = max(run.worker_peaks.get(child.pid, 0), rss)
        except psutil.Error:
            return
        stop.wait(0.05)


def build(source: Path, out: Path, jobs: int, env: dict[str, str]) -> Run:
    command = [sys.executable, "-m", "referatgen", "build", str(source), "-o", str(out),
               "--format", "pdf", "--jobs", str(jobs)]
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu_before = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    run = Run(0.0, "")
    stop = threading.Event()
    watcher = threading.Thread(target=_watch, args=(process.pid, run, stop), daemon=True)
    watcher.start()
    stdout, stderr = process.communicate()
    run.seconds = time.perf_counter() - start
    stop.set()
    watcher.join()
    run.stdout = stdout
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    run.cpu = usage.ru_utime + usage.ru_stime - cpu_before
    # ru_maxrss of waited-for descendants: the largest single process, in KiB on Linux.
    run.rusage_peak = max(before, usage.ru_maxrss) * 1024
    if process.returncode != 0:
        sys.exit(f"{' '.join(command)} gav exit {process.returncode}:\n{stderr[-3000:]}")
    return run


def count_pages(out: Path) -> int:
    import pypdf

    return sum(len(pypdf.PdfReader(path).pages) for path in out.rglob("*.pdf"))


def same_outputs(a: Path, b: Path) -> bool:
    def files(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
                if p.is_file() and not p.name.startswith(".")}

    return files(a) == files(b)


def mib(value: int) -> str:
    return f"{value / (1 << 20):.0f} MiB"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--meetings", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=1,
                        help="pairs of full builds (order alternating); the median ratio counts")
    args = parser.parse_args(argv)

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    with tempfile.TemporaryDirectory(prefix="referatgen-batch-bench-") as temp:
        source = Path(temp) / "arkiv"
        generate(source, args.meetings)
        print(f"python {sys.version.split()[0]}, {args.meetings} møder, PDF, {cores} kerner "
              f"til rådighed, belastning før: {os.getloadavg()[0]:.2f}")
        ones: list[Run] = []
        twos: list[Run] = []
        for round_ in range(args.rounds):
            order = [(1, ones), (2, twos)] if round_ % 2 == 0 else [(2, twos), (1, ones)]
            for jobs, sink in order:
                target = Path(temp) / f"j{jobs}"
                shutil.rmtree(target, ignore_errors=True)
                run = build(source, target, jobs, env)
                sink.append(run)
                print(f"fuld kørsel --jobs {jobs}: {run.seconds:7.1f} s væg, {run.cpu:7.1f} s CPU"
                      f"  (belastning {os.getloadavg()[0]:.2f})")
        noops = [build(source, Path(temp) / "j2", 2, env) for _ in range(3)]
        noop = statistics.median(r.seconds for r in noops)
        if "bygget: 0," not in noops[-1].stdout:
            sys.exit(f"genkørslen byggede noget:\n{noops[-1].stdout}")
        print(f"genkørsel uden ændringer: {noop:7.2f} s (median af 3)")
        pages = count_pages(Path(temp) / "j2")
        identical = same_outputs(Path(temp) / "j1", Path(temp) / "j2")

    one, two = ones[-1], twos[-1]
    parallel = statistics.median(b.seconds / a.seconds for a, b in zip(ones, twos, strict=True))
    rerun = noop / statistics.median(r.seconds for r in twos)
    print(f"\nsider i alt: {pages}; sider pr. sekund: {pages / one.seconds:.1f} (1 job), "
          f"{pages / two.seconds:.1f} (2 jobs)")
    for label, run in (("--jobs 1", one), ("--jobs 2", two)):
        if run.worker_peaks:
            peaks = ", ".join(mib(v) for v in sorted(run.worker_peaks.values()))
            print(f"største hukommelse pr. arbejdsproces, {label}: {peaks}; "
                  f"forælderen: {mib(run.parent_peak)}")
        else:
            print(f"største hukommelse i én proces, {label}: {mib(run.rusage_peak)} "
                  "(getrusage; installér psutil for tal pr. arbejdsproces)")
    # CPU seconds over wall seconds: about 1 and 2 on an idle machine. Much less means
    # other processes took the cores, and the wall-time ratio says little about referatgen.
    print(f"kerner brugt i gennemsnit: {one.cpu / one.seconds:.2f} (1 job), "
          f"{two.cpu / two.seconds:.2f} (2 jobs); CPU-tid 2 jobs / 1 job: "
          f"{two.cpu / one.cpu:.2f}")
    print(f"samme bytes med 1 og 2 jobs: {'ja' if identical else 'NEJ'}")
    print(f"\n--jobs 2 / --jobs 1: {parallel:.2f} (mål <= {PARALLEL_TARGET})   "
          f"genkørsel / fuld: {rerun:.3f} (mål <= {NOOP_TARGET})")
    missed = parallel > PARALLEL_TARGET or rerun > NOOP_TARGET or not identical
    print("MÅL NÅET" if not missed else "MÅL IKKE NÅET")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
