"""Benchmarks behind `make bench`: engine speed, how it scales, and the CLI's cold start.

Speed targets live here, not in unit tests: timings on a shared 2-core machine vary too much to
fail a build on, but the table makes regressions visible. Targets (DESIGN.md): one assessment with
its next question ≤ 2 ms median in process; `paintrace assess` cold start ≤ 300 ms.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from rich.console import Console
from rich.table import Table

from paintrace.assessment import AssessmentInput, assess_input, parse_input
from paintrace.inference import Model
from paintrace.knowledge import Knowledge, load_knowledge
from paintrace.knowledge.schema import knowledge_root, load_knowledge_from

ROOT = Path(__file__).resolve().parent.parent
VIGNETTES = sorted((ROOT / "tests" / "vignettes").glob("*.json"))


def inputs(kb: Knowledge) -> list[AssessmentInput]:
    """Every vignette with its unanswered warning signs answered "no", so the information-gain
    search for the next question runs (it is skipped while a red flag is still open)."""
    out = []
    red_flags = {f.id: False for f in kb.findings.values() if f.group == "red-flag"}
    for path in VIGNETTES:
        data = json.loads(path.read_text())
        data["findings"] = {**red_flags, **data["findings"]}
        inp = parse_input(data, kb)
        out.append(inp)
    return out


def time_assessments(kb: Knowledge, rounds: int) -> tuple[float, float, int]:
    cases = inputs(kb)
    for inp in cases:  # warm caches: compiled model, unit sets
        assess_input(inp, kb)
    samples = []
    asked = 0
    for _ in range(rounds):
        for inp in cases:
            t0 = time.perf_counter()
            result = assess_input(inp, kb)
            samples.append(time.perf_counter() - t0)
            asked += result.next_question is not None
    samples.sort()
    return statistics.median(samples) * 1e3, samples[int(0.95 * len(samples))] * 1e3, asked


def synthetic_knowledge(factor: int) -> Knowledge:
    """The shipped knowledge base with every source copied `factor` times under new ids, each
    copy with its own technique or self-management, as the loader requires."""
    tmp = Path(tempfile.mkdtemp(prefix="paintrace-kb-"))
    try:
        shutil.copytree(knowledge_root(), tmp / "kb", ignore=shutil.ignore_patterns("*.py"))
        for folder, key in (
            ("sources", "id"),
            ("techniques", "source"),
            ("self_management", "source"),
        ):
            where = tmp / "kb" / folder
            for path in sorted(where.glob("*.yaml")):
                sid = path.stem
                text = path.read_text()
                for k in range(1, factor):
                    copy = text.replace(f"{key}: {sid}\n", f"{key}: {sid}-copy{k}\n", 1)
                    (where / f"{sid}-copy{k}.yaml").write_text(copy)
        return load_knowledge_from(tmp / "kb")
    finally:
        shutil.rmtree(tmp)


def model_memory(kb: Knowledge) -> float:
    tracemalloc.start()
    model = Model(kb)
    for config in ("left", "right", "bilateral"):
        model.units(config)
    size, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return size / 1e6


def cli_cold_start(runs: int) -> tuple[float, float]:
    exe = Path(sys.executable).with_name("paintrace")
    cmd = [str(exe), "assess", "--input", str(VIGNETTES[0]), "--json"]
    subprocess.run(cmd, capture_output=True, check=True)  # builds the knowledge cache once
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True, env=os.environ.copy())
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples) * 1e3, min(samples) * 1e3


def main() -> None:
    console = Console()
    kb = load_knowledge()
    rows = []
    sizes = [
        ("shipped (1x)", lambda: kb, 40),
        ("synthetic 10x", lambda: synthetic_knowledge(10), 6),
    ]
    sizes.append(("synthetic 100x", lambda: synthetic_knowledge(100), 1))
    for label, make, rounds in sizes:
        knowledge = make()
        median, p95, asked = time_assessments(knowledge, rounds)
        model = Model(knowledge)
        rows.append(
            (
                label,
                str(len(knowledge.sources)),
                str(len(model.components)),
                f"{median:.2f}",
                f"{p95:.2f}",
                f"{model_memory(knowledge):.1f}",
                f"{asked / (rounds * len(VIGNETTES)):.0%}",
            )
        )
    table = Table(title="One assessment with its next question (in process)")
    columns = ("knowledge base", "sources", "components", "median ms", "p95 ms", "model MB")
    for col in (*columns, "with a next question"):
        table.add_column(col, justify="right")
    for row in rows:
        table.add_row(*row)
    console.print(table)
    median, fastest = cli_cold_start(15)
    cli = Table(title="CLI cold start (15 runs; the minimum shows the cost without machine noise)")
    cli.add_column("command")
    cli.add_column("median ms", justify="right")
    cli.add_column("min ms", justify="right")
    cli.add_column("target", justify="right")
    cli.add_row(
        "paintrace assess --input dev-001.json --json", f"{median:.0f}", f"{fastest:.0f}", "≤ 300"
    )
    console.print(cli)


if __name__ == "__main__":
    main()
