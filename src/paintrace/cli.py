"""The `paintrace` entry point.

`paintrace assess` is the command scripts and other programs call many times, so it has a fast
path that answers without importing Typer; every other command (and any unusual use of
`assess`, such as `--help`) goes through the Typer app in :mod:`paintrace.commands`. Both paths
run the same `run_assess`. Bad input ends with exit status 2 and one line naming the problem.
"""

from __future__ import annotations

import errno
import io
import json
import os
import stat
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, NoReturn

if TYPE_CHECKING:
    from rich.console import Console

    from paintrace.assessment import Result

LEVEL_STYLE = {
    "emergency": "bold white on red",
    "urgent": "bold black on dark_orange",
    "soon": "bold black on yellow",
    "self-care": "bold white on green4",
}


def fail(message: str) -> NoReturn:
    """One line on stderr and exit status 2: the CLI's answer to any bad input.

    The message may quote the input, so control characters (terminal escape codes) are shown
    as escapes, never sent to the terminal.
    """
    from paintrace.strict_json import printable

    print(f"paintrace: error: {printable(message, limit=400)}", file=sys.stderr)
    raise SystemExit(2)


def _read_bounded(stream: BinaryIO, where: str) -> bytes:
    from paintrace.strict_json import MAX_BYTES

    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        fail(f"{where}: larger than {MAX_BYTES // 1000} kB; an assessment is a few kB")
    return data


def read_json_input(source: str) -> Any:
    """Read one strict JSON document from a regular file or standard input."""
    from paintrace.strict_json import StrictJSONError, loads

    if source == "-":
        where = "standard input"
        if sys.stdin is None:  # started with stdin closed (`<&-`)
            fail("standard input is closed; give a file name instead of -")
        data = _read_bounded(sys.stdin.buffer, where)
    elif not source:  # Path("") is the current folder, which would be "a directory"
        fail("--input: no file name given; use - for standard input")
    else:
        where = source
        path = Path(source)
        try:
            info = path.stat()
        except FileNotFoundError:
            fail(f"{source}: no such file")
        except OSError as exc:
            fail(f"{source}: cannot read: {exc.strerror or exc}")
        if stat.S_ISDIR(info.st_mode):
            fail(f"{source}: is a directory, expected a JSON file")
        if not stat.S_ISREG(info.st_mode):
            fail(f"{source}: not a regular file (a device, pipe or socket); use - for stdin")
        try:
            with path.open("rb") as fh:
                data = _read_bounded(fh, where)
        except OSError as exc:
            fail(f"{source}: cannot read: {exc.strerror or exc}")
    try:
        return loads(data, where)
    except StrictJSONError as exc:
        fail(str(exc))


def assess_source(source: str) -> Result:
    """The assessment of a JSON file (or - for standard input); bad input exits 2 (`fail`)."""
    from paintrace.assessment import InputError, assess_input, parse_outside_input

    data = read_json_input(source)
    try:
        return assess_input(parse_outside_input(data))
    except InputError as exc:
        fail(str(exc))


def run_assess(source: str, as_json: bool) -> None:
    result = assess_source(source)
    if as_json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        from rich.console import Console

        print_result(Console(highlight=False), result)


def print_result(console: Console, result: Result) -> None:
    from rich.panel import Panel
    from rich.table import Table

    from paintrace.knowledge import load_knowledge
    from paintrace.wording import capitalized, fits, join_and

    kb = load_knowledge()
    tri = result.triage
    body = "\n".join([tri.advice, "", *[f"• {r.text}" for r in tri.reasons]])
    console.print(Panel(body, title=tri.title.upper(), style=LEVEL_STYLE[tri.level], expand=True))
    if tri.causes:
        causes = [name for _, name in tri.causes]
        whole = f"First a doctor must rule out {join_and(causes)}."
        if fits(whole):
            console.print(f"[bold]{whole}[/]")
        else:
            console.print("[bold]First a doctor must rule out these causes:[/]")
            for name in causes:
                console.print(f"  • {capitalized(name)}.")
        if tri.level != "emergency":  # at emergency no ranking is shown
            them = "that is" if len(causes) == 1 else "they are"
            console.print(f"The ranking below only applies if {them} ruled out.")
    if tri.level == "emergency":
        return
    if tri.unanswered_red_flags:
        console.print("[bold]Warning-sign questions still open[/] (unknown is not no):")
        for fid in tri.unanswered_red_flags:
            console.print(f"  ? {kb.findings[fid].question}")
    table = Table(title="Likely sources (not a diagnosis)", expand=True)
    table.add_column("Source")
    table.add_column("Probability", justify="right")
    table.add_column("", ratio=1)
    for src in result.sources:
        bar = "█" * round(src.probability * 30)
        table.add_row(kb.sources[src.id].name, f"{src.probability:.0%}", f"[cyan]{bar}[/]")
    console.print(table)
    for src in result.sources[:3]:
        console.print(f"[bold]{kb.sources[src.id].name}[/] ({src.probability:.0%})")
        for line in src.why:
            console.print(f"  [green]+[/] {line}")
        for line in src.why_not:
            console.print(f"  [red]-[/] {line}")
    if result.next_question:
        q = result.next_question
        console.print(f"\n[bold]Next question:[/] {q.text}\n  [dim]{q.why}[/]")
    if result.plan and tri.unanswered_red_flags:
        console.print(
            "\n[bold]Self-care plan on hold:[/] answer the open warning-sign questions first "
            "(add them to the input's findings)."
        )
    elif result.plan:
        muscles = [kb.sources[m["id"]].phrase for m in result.plan.get("muscles", [])]
        if muscles:
            console.print(f"\n[bold]Muscles to work on:[/] {join_and(muscles)}.")
    elif tri.level == "urgent":
        console.print("\n[bold]No self-care plan:[/] see a doctor today first.")


def _fast_assess_args(args: list[str]) -> tuple[str, bool] | None:
    """`assess --input FILE [--json]` in any order, or None for anything else."""
    if not args or args[0] != "assess":
        return None
    source: str | None = None
    as_json = False
    rest = args[1:]
    i = 0
    while i < len(rest):
        arg = rest[i]
        if arg == "--json":
            as_json = True
        elif arg in ("--input", "-i") and i + 1 < len(rest):
            source = rest[i + 1]
            i += 1
        elif arg.startswith("--input="):
            source = arg.partition("=")[2]
        else:
            return None
        i += 1
    return (source, as_json) if source else None


def main(argv: list[str] | None = None) -> None:
    """Ctrl-C and a reader that goes away (`paintrace ... | head -1`) end quietly here, as Click
    and Rich already end the Typer commands: the fast path of `assess` has neither to do it."""
    if isinstance(sys.stdout, io.TextIOWrapper):
        # A terminal or file in a legacy encoding cannot show "•" or "≥": an escape, not a crash
        # (and in --json a \u escape is still JSON).
        sys.stdout.reconfigure(errors="backslashreplace")
    try:
        _main(sys.argv[1:] if argv is None else argv)
    except KeyboardInterrupt:
        raise SystemExit(130) from None  # 128 + SIGINT, as a shell reports it
    except BrokenPipeError:
        _drop_stdout()
        raise SystemExit(1) from None
    except OSError as exc:
        # Reading errors are `fail`ed where they happen; these come from writing the output
        # (`> file` on a full disk). Anything else is a bug and keeps its traceback.
        if exc.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO):
            raise
        _drop_stdout()
        print(f"paintrace: error: cannot write the output: {exc.strerror or exc}", file=sys.stderr)
        raise SystemExit(1) from None


def _drop_stdout() -> None:
    """Python flushes stdout again at exit; with nothing there that would fail once more."""
    if sys.stdout is not None:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _main(args: list[str]) -> None:
    fast = _fast_assess_args(args)
    if fast is not None:
        run_assess(*fast)
        return
    import typer

    from paintrace.commands import app

    try:
        # Not standalone: Typer would print a usage error as a framed panel of several lines.
        # Here it is one line, as every other bad input (`fail`), with where to look for help.
        code = app(args=args, prog_name="paintrace", standalone_mode=False)
    except typer.TyperException as exc:  # usage errors and bad parameters
        message = exc.format_message().rstrip(".")
        if not message:  # `paintrace` alone: the help was the answer
            raise SystemExit(exc.exit_code) from None
        ctx = getattr(exc, "ctx", None)
        fail(f"{message} (see '{ctx.command_path} --help')" if ctx is not None else message)
    except typer.Abort as exc:
        # Ctrl-C at a Click prompt (Typer makes Ctrl-C elsewhere exit 130 itself), or else the
        # input ended at a prompt (`paintrace interview < answers`): that is no Ctrl-C, and says
        # so as Typer does
        if isinstance(exc.__context__, KeyboardInterrupt):
            raise KeyboardInterrupt from None
        print("Aborted.", file=sys.stderr)
        raise SystemExit(1) from None
    if isinstance(code, int) and code:
        raise SystemExit(code)


if __name__ == "__main__":  # pragma: no cover
    main()
