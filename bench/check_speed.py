"""How fast is `referatgen check` next to pre-commit-hooks' `check-yaml`?

Both run as whole processes on the same files in the same run, interleaved, and the
script prints the median wall times and their ratio. The reference is check-yaml as
`pip install pre-commit-hooks` installs it, pure-Python ruamel.yaml without libyaml: where
ruamel.yaml.clib is installed here anyway, a sitecustomize on the reference's PYTHONPATH
hides it. referatgen runs as installed (it depends on ruamel.yaml.clib and uses libyaml
when present); `--pure` hides libyaml from referatgen too, to time its fallback.

Targets (issue 9):

- one seed-sized file: referatgen check <= 2 x check-yaml
- 200 seed-sized files in one call: referatgen check <= 1.5 x check-yaml

Usage (from the repository root):

    python bench/check_speed.py                 # default: 15 single runs, 5 batch runs
    python bench/check_speed.py --runs 31 --batch-runs 9
    python bench/check_speed.py --checkout      # time the checkout as it is (see below)
    python bench/check_speed.py --pure          # referatgen without libyaml as well

By default referatgen is timed as a wheel would install it: the package (with styles/
inside, as pyproject's force-include puts them) is copied to a temporary folder with a
dist-info and compiled to bytecode, exactly like the installed ruamel.yaml that
check-yaml imports. `--checkout` runs the source tree instead; with
PYTHONDONTWRITEBYTECODE set that recompiles every module on every run and says more
about the environment than about referatgen.

Exit status 1 when a target is missed, so CI can run it.
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SINGLE_TARGET = 2.0
BATCH_TARGET = 1.5
BATCH_SIZE = 200


def seed_files() -> list[Path]:
    # The YAML examples are the five seeds transcribed; check-yaml cannot read the
    # Markdown example, and both tools must read the same bytes.
    files = sorted(EXAMPLES.glob("*-direktionen-*.yaml"))
    if not files:
        sys.exit(f"Ingen eksempler fundet i {EXAMPLES}.")
    return files


def check_yaml_command() -> list[str]:
    # The console script next to this interpreter, not a pyenv/asdf shim that would add
    # a shell start to the reference and flatter referatgen.
    beside = Path(sys.executable).parent / "check-yaml"
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("check-yaml")
    if found is None:
        sys.exit("check-yaml findes ikke: pip install pre-commit-hooks")
    return [found]


def install_copy(target: Path) -> Path:
    """referatgen laid out as its wheel installs it, compiled to bytecode."""
    site = target / "site"
    package = site / "referatgen"
    shutil.copytree(ROOT / "referatgen", package,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for resource in ("styles", "templates"):
        if (ROOT / resource).is_dir():
            shutil.copytree(ROOT / resource, package / resource)
    version = _project_version()
    info = site / f"referatgen-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: referatgen\nVersion: {version}\n", "utf-8")
    if not compileall.compile_dir(str(package), quiet=1):
        sys.exit("Kunne ikke oversætte referatgen til bytecode.")
    return site


def _project_version() -> str:
    # pyproject reads the version from referatgen/_version.py (hatch's dynamic version).
    match = re.search(r"__version__\s*=\s*[\"']([^\"']+)",
                      (ROOT / "referatgen" / "_version.py").read_text("utf-8"))
    return match.group(1) if match else "0.0.0"


HIDE_LIBYAML = """\
# Written by bench/check_speed.py: ruamel.yaml falls back to its pure-Python parser.
import sys

sys.modules["_ruamel_yaml"] = None
sys.modules["_ruamel_yaml_clibz"] = None
"""

PROBE = "from ruamel.yaml import YAML; print(YAML(typ='safe').Parser.__module__)"


def hide_libyaml(target: Path) -> Path:
    folder = target / "pure"
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(HIDE_LIBYAML, "utf-8")
    return folder


def with_path(env: dict[str, str], *folders: Path) -> dict[str, str]:
    out = dict(env)
    out["PYTHONPATH"] = os.pathsep.join(
        [*(str(f) for f in folders), *filter(None, [env.get("PYTHONPATH")])])
    return out


def parser_of(env: dict[str, str]) -> str:
    result = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True,
                            text=True, check=True)
    module = result.stdout.strip()
    return "libyaml (C)" if "clib" in module or "_ruamel_yaml" in module else "pure Python"


def make_batch(folder: Path, files: Sequence[Path], count: int) -> list[Path]:
    folder.mkdir()
    out: list[Path] = []
    for index in range(count):
        source = files[index % len(files)]
        target = folder / f"{index:03d}-{source.name}"
        shutil.copyfile(source, target)
        out.append(target)
    return out


def timed(command: Sequence[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{' '.join(command[:4])} ... gav exit {result.returncode}:\n"
                 f"{result.stderr.decode(errors='replace')}")
    return elapsed


@dataclass(frozen=True)
class Tool:
    """One of the two timed programs: its command (files are appended) and environment."""

    command: list[str]
    env: dict[str, str]

    def on(self, names: Sequence[str]) -> list[str]:
        return [*self.command, *names]


def compare(label: str, files: Sequence[Path], runs: int, ours: Tool, reference: Tool) -> float:
    names = [str(f) for f in files]
    ours_cmd, ref_cmd = ours.on(names), reference.on(names)
    # One untimed run each fills the OS file cache and writes nothing else.
    timed(ours_cmd, ours.env)
    timed(ref_cmd, reference.env)
    ours_times: list[float] = []
    ref_times: list[float] = []
    for run in range(runs):
        # Alternate who goes first so drift (thermal, other load) hits both alike.
        pair = [(ours_times, ours_cmd, ours.env), (ref_times, ref_cmd, reference.env)]
        for sink, command, env in pair if run % 2 == 0 else reversed(pair):
            sink.append(timed(command, env))
    ours_median, ref_median = statistics.median(ours_times), statistics.median(ref_times)
    ratio = ours_median / ref_median
    print(f"{label:<46} referatgen {ours_median * 1000:8.1f} ms   "
          f"check-yaml {ref_median * 1000:8.1f} ms   ratio {ratio:5.2f}")
    return ratio


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="timed runs per single file")
    parser.add_argument("--batch-runs", type=int, default=5,
                        help=f"timed runs of the {BATCH_SIZE}-file call")
    parser.add_argument("--checkout", action="store_true",
                        help="time the source tree instead of an installed copy")
    parser.add_argument("--pure", action="store_true",
                        help="hide libyaml from referatgen too (its fallback)")
    args = parser.parse_args(argv)

    reference = check_yaml_command()
    files = seed_files()
    with tempfile.TemporaryDirectory(prefix="referatgen-bench-") as temp:
        base = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        pure = hide_libyaml(Path(temp))
        ref_env = with_path(base, pure)
        package = ROOT if args.checkout else install_copy(Path(temp))
        ours_env = with_path(base, *([pure] if args.pure else []), package)
        referatgen = [sys.executable, "-m", "referatgen", "check"]
        print(f"python {sys.version.split()[0]}; referatgen: "
              f"{'checkout' if args.checkout else 'installed copy, bytecode compiled'}, "
              f"{parser_of(ours_env)}; check-yaml: {parser_of(ref_env)}; "
              f"medians of {args.runs} (single) and {args.batch_runs} (batch) runs")
        ours = Tool(referatgen, ours_env)
        ref = Tool(reference, ref_env)
        single = [compare(f"1 fil: {f.name}", [f], args.runs, ours, ref) for f in files]
        batch = compare(f"{BATCH_SIZE} filer i ét kald",
                        make_batch(Path(temp) / "batch", files, BATCH_SIZE),
                        args.batch_runs, ours, ref)
    worst = max(single)
    print(f"\nstørste ratio, 1 fil: {worst:.2f} (mål <= {SINGLE_TARGET})"
          f"   {BATCH_SIZE} filer: {batch:.2f} (mål <= {BATCH_TARGET})")
    missed = worst > SINGLE_TARGET or batch > BATCH_TARGET
    print("MÅL NÅET" if not missed else "MÅL IKKE NÅET")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
