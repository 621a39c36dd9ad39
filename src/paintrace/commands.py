"""The Typer commands of the paintrace CLI (entry point and `assess`: :mod:`paintrace.cli`).

Every command reads and writes the contract's JSON or a readable summary; none of them holds
clinical logic. Bad input ends with exit status 2 and one line naming the problem, never a
traceback. Heavy modules are imported inside the commands so that listing help stays quick.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from paintrace.cli import fail, run_assess

if TYPE_CHECKING:
    from rich.console import Console

app = typer.Typer(
    name="paintrace",
    help="Where sciatica-like leg pain comes from: triage, likely sources and a self-care plan.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        from paintrace import __version__

        print(f"paintrace {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="print the version and exit"
        ),
    ] = False,
) -> None:
    """Where sciatica-like leg pain comes from: triage, likely sources and a self-care plan."""


def _console() -> Console:
    from rich.console import Console

    return Console(highlight=False)


@app.command()
def assess(
    input: Annotated[
        str, typer.Option("--input", "-i", help="assessment JSON file, or - for standard input")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="print the contract JSON")] = False,
) -> None:
    """Assess a drawing and findings: triage, ranked sources, next question and plan."""
    run_assess(input, as_json)


@app.command()
def plan(
    input: Annotated[
        str, typer.Option("--input", "-i", help="assessment JSON file, or - for standard input")
    ],
    pdf: Annotated[Path | None, typer.Option("--pdf", help="write the printable plan here")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the plan as JSON")] = False,
) -> None:
    """The self-care plan for an assessment, as text, JSON or a printable PDF."""
    from paintrace.cli import assess_source
    from paintrace.knowledge import load_knowledge
    from paintrace.triage import open_questions

    result = assess_source(input)
    if result.plan is None:
        typer.echo(
            f"paintrace: no self-care plan: {result.triage.title}. {result.triage.advice}",
            err=True,
        )
        raise typer.Exit(1)
    # Unknown is not no: while a warning sign is unanswered the routine is held back, as on the
    # result page and in the web handout. --json stays the engine's plan, for programs that
    # read `triage.unanswered` beside it (`paintrace assess --json`).
    kb = load_knowledge()
    questions = open_questions(kb, result.triage.unanswered_red_flags)
    if pdf is not None:
        from paintrace.handout import plan_pdf
        from paintrace.strict_json import printable

        try:
            # is_dir() itself raises for some errors (permission denied, a name too long).
            if pdf.is_dir():
                fail(f"{pdf}: is a directory, expected a file name for the PDF")
            pdf.write_bytes(plan_pdf(result.plan, kb, open_warning_signs=questions))
        except OSError as exc:
            fail(f"{pdf}: cannot write: {exc.strerror or exc}")
        held = " (the routine is held back: warning-sign questions are open)"
        # The name is the user's own, but may hold escape codes (a pasted or generated name).
        typer.echo(f"wrote {printable(str(pdf), limit=400)}{held if questions else ''}")
        return
    if as_json:
        if questions:
            typer.echo(
                "paintrace: note: warning-sign questions are open; show no routine until they "
                "are answered (`paintrace assess --json`: triage.unanswered)",
                err=True,
            )
        typer.echo(json.dumps(result.plan, indent=2, ensure_ascii=False))
        return
    if questions:
        typer.echo(
            "paintrace: self-care plan on hold: answer these warning-sign questions first "
            "(add them to the input's findings; unknown is not no):",
            err=True,
        )
        for question in questions:
            typer.echo(f"  ? {question}", err=True)
        raise typer.Exit(1)
    print_plan(_console(), result.plan)


def print_plan(console: Console, plan_data: dict[str, object]) -> None:
    from rich.markdown import Markdown

    from paintrace.handout import render_plan_markdown

    console.print(Markdown(render_plan_markdown(plan_data)))


@app.command()
def regions() -> None:
    """List every body region id with its name and landmarks."""
    from rich.table import Table

    from paintrace.knowledge import load_knowledge

    kb = load_knowledge()
    table = Table(title=f"{len(kb.regions)} regions")
    for col in ("id", "name", "landmarks"):
        table.add_column(col)
    for rid, region in kb.regions.items():
        table.add_row(rid, kb.region_name(rid), region.landmarks)
    _console().print(table)


@app.command()
def findings() -> None:
    """List every finding id with its group and question."""
    from rich.table import Table

    from paintrace.knowledge import load_knowledge

    kb = load_knowledge()
    table = Table(title=f"{len(kb.findings)} findings")
    for col in ("id", "group", "question"):
        table.add_column(col)
    for f in kb.findings.values():
        table.add_row(f.id, f.group, f.question)
    _console().print(table)


@app.command()
def sources(
    source_id: Annotated[str | None, typer.Argument(help="show one source in detail")] = None,
) -> None:
    """List the sources, or show one: referral zones, trigger points, evidence, references."""
    from rich.table import Table

    from paintrace.knowledge import load_knowledge

    kb = load_knowledge()
    console = _console()
    if source_id is None:
        table = Table(title=f"{len(kb.sources)} sources")
        for col in ("id", "kind", "name", "prior"):
            table.add_column(col)
        for s in kb.sources.values():
            table.add_row(s.id, s.kind, s.name, f"{s.prior:.3f}")
        console.print(table)
        return
    if source_id not in kb.sources:
        fail(f"unknown source {source_id!r} (see `paintrace sources`)")
    s = kb.sources[source_id]
    console.print(f"[bold]{s.name}[/] ({s.kind})\n{s.description}\n")
    for portion in s.portions:
        if len(s.portions) > 1:
            console.print(f"[bold]{portion.name}[/]")
        for level in ("essential", "spillover"):
            names = [kb.base_regions[z.region].name for z in portion.zones if z.level == level]
            console.print(f"  {level}: {', '.join(names)}")
    if s.trigger_points:
        console.print("\n[bold]Trigger points[/]")
        for tp in s.trigger_points:
            console.print(f"  {tp.name}: {tp.landmarks}")
    if s.root:
        console.print(
            f"\n[bold]Root pattern[/]\n  motor: {s.root.motor}\n  reflex: {s.root.reflex}\n"
            f"  sensory: {s.root.sensory}"
        )
    if s.evidence:
        table = Table(title="Findings (likelihood ratios)")
        for col in ("finding", "LR+", "LR-", "basis", "references"):
            table.add_column(col)
        for ev in s.evidence:
            table.add_row(
                ev.finding,
                f"{ev.lr_pos:g}",
                "" if ev.lr_neg is None else f"{ev.lr_neg:g}",
                "expert estimate" if ev.estimate else "published",
                ", ".join(ev.references),
            )
        console.print(table)
    console.print("\n[bold]References[/]")
    for key in s.references:
        console.print(f"  [{key}] {kb.references[key].citation}")


@app.command()
def evaluate(
    directory: Annotated[Path, typer.Argument(help="folder of vignette JSON files")],
    as_json: Annotated[bool, typer.Option("--json", help="print scores as JSON")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="one row per case")] = False,
    calibration: Annotated[
        bool,
        typer.Option(
            "--calibration", help="reliability table of the first source's probability, and Brier"
        ),
    ] = False,
    robust: Annotated[
        bool,
        typer.Option(
            "--robustness", help="top-1 when each case keeps only its 1-3 most specific regions"
        ),
    ] = False,
) -> None:
    """Score a folder of vignettes: top-1, top-3, triage exact, under- and over-triage."""
    from rich.table import Table

    from paintrace.assessment import InputError
    from paintrace.evaluate import VignetteError, evaluate_dir, robustness

    if not directory.is_dir():
        fail(f"{directory}: not a directory")
    try:
        scores = evaluate_dir(directory)
        robust_scores = robustness(directory) if robust else None
    except (VignetteError, InputError) as exc:
        fail(str(exc))
    if as_json:
        out: dict[str, Any] = {
            "summary": scores.summary(),
            "cases": [c.to_dict() for c in scores.cases],
        }
        if calibration:
            out["calibration"] = scores.calibration()
        if robust_scores is not None:
            out["robustness"] = robust_scores
        typer.echo(json.dumps(out, indent=2))
        return
    console = _console()
    if verbose:
        table = Table(title="cases")
        for col in ("id", "triage (expected)", "top sources", "expected", "top-1", "top-3"):
            table.add_column(col)
        for c in scores.cases:
            mark = {None: "-", True: "yes", False: "[red]NO[/]"}
            tri = c.level if c.triage_exact else f"[red]{c.level}[/] ({c.expected_level})"
            table.add_row(
                c.id,
                tri,
                ", ".join(c.ranked[:3]),
                ", ".join(c.expected_sources),
                mark[c.top1],
                mark[c.top3],
            )
        console.print(table)
    s = scores.summary()
    table = Table(title=f"{s['cases']} vignettes ({s['ranked_cases']} with expected sources)")
    for col in ("top-1", "top-3", "triage exact", "under-triage", "over-triage"):
        table.add_column(col, justify="right")
    table.add_row(
        f"{s['top1']:.1%}",
        f"{s['top3']:.1%}",
        f"{s['triage_exact']:.1%}",
        str(s["under_triage"]),
        f"{s['over_triage']:.1%}",
    )
    console.print(table)
    if calibration:
        cal = scores.calibration()
        table = Table(title=f"calibration of the first source (Brier score {cal['brier']})")
        for col in ("predicted", "cases", "mean predicted", "observed top-1"):
            table.add_column(col, justify="right")
        for row in cal["bins"]:
            mean, seen = row["mean_predicted"], row["observed"]
            table.add_row(
                f"{row['from']:.0%}-{row['to']:.0%}",
                str(row["cases"]),
                "-" if mean is None else f"{mean:.1%}",
                "-" if seen is None else f"{seen:.1%}",
            )
        console.print(table)
    if robust_scores is not None:
        table = Table(title="robustness: top-1 with sparser drawings")
        for col in robust_scores:
            table.add_column(col, justify="right")
        table.add_row(*(f"{v:.1%}" for v in robust_scores.values()))
        console.print(table)


@app.command()
def interview() -> None:
    """An interactive interview in the terminal: mark regions, answer questions, see the result."""
    from paintrace.terminal_interview import run_interview

    run_interview(_console())


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on", min=1, max=65535)] = 8000,
) -> None:
    """Run the web app with its embedded SQLite database (or DATABASE_URL)."""
    try:
        from paintrace.web.server import serve as run_server
    except ImportError as exc:  # pragma: no cover - the web extra is part of the package
        fail(f"the web app is not available: {exc}")
    run_server(host, port)
