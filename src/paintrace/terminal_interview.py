"""The interactive terminal interview behind `paintrace interview`.

It walks the same path as the web app: mark where it hurts, answer every warning-sign question,
then the engine's adaptive questions until it says stop, then the result. Answers are typed at
prompts so the whole interview also runs under a test runner that feeds standard input.
"""

from __future__ import annotations

from rich.console import Console
from rich.prompt import Prompt

from paintrace.assessment import AssessmentInput, Patient, assess_input
from paintrace.knowledge import load_knowledge
from paintrace.knowledge.schema import SYMPTOMS
from paintrace.typed_text import whole_number

_SYMPTOM_KEYS = {"p": "pain", "b": "burning", "n": "numbness", "t": "tingling"}
# The prompt offers "I don't know", so a person may type it out; it must not be asked again.
_DONT_KNOW = {"?", "d", "dk", "idk", "i don't know", "i dont know", "don't know", "dont know"}
_DONT_KNOW |= {a.replace("'", "\u2019") for a in _DONT_KNOW} | {"unknown", "not sure"}


def _pick_regions(console: Console) -> dict[str, list[str]]:
    kb = load_knowledge()
    drawing: dict[str, list[str]] = {}
    console.print(
        "[bold]Where do you feel it?[/] Type part of a region name (for example [i]calf[/], "
        "[i]left buttock[/]); press Enter on an empty line when you are done."
    )
    while True:
        query = Prompt.ask("Region", default="", show_default=False, console=console).strip()
        if not query:
            if drawing:
                return drawing
            console.print("[yellow]Mark at least one region.[/]")
            continue
        words = query.lower().split()
        matches = [
            rid
            for rid in kb.regions
            if all(w in f"{rid} {kb.region_name(rid)}".lower() for w in words)
        ]
        if not matches:
            console.print("[yellow]No region matches; try another word.[/]")
            continue
        for i, rid in enumerate(matches[:20], 1):
            console.print(f"  {i:2}. {kb.region_name(rid)}  [dim]{rid}[/]")
        choice = Prompt.ask("Number", default="1", console=console).strip()
        shown = min(len(matches), 20)
        if not whole_number(choice) or not 1 <= int(choice) <= shown:
            console.print("[yellow]Please type one of the numbers shown.[/]")
            continue
        rid = matches[int(choice) - 1]
        keys = Prompt.ask(
            "What do you feel there? p=pain b=burning n=numbness t=tingling (e.g. pn)",
            default="p",
            console=console,
        )
        symptoms = sorted(
            {_SYMPTOM_KEYS[k] for k in keys.lower() if k in _SYMPTOM_KEYS}, key=SYMPTOMS.index
        ) or ["pain"]
        drawing[rid] = symptoms
        console.print(f"  marked {kb.region_name(rid)}: {', '.join(symptoms)}")


def _ask(console: Console, text: str, help_text: str, why: str) -> bool | None:
    console.print(f"\n[bold]{text}[/]\n[dim]{help_text}[/]")
    while True:
        answer = (
            Prompt.ask("y = yes, n = no, ? = I don't know, w = why?", default="?", console=console)
            .strip()
            .lower()
        )
        if answer in ("y", "yes"):
            return True
        if answer in ("n", "no"):
            return False
        if answer in _DONT_KNOW:
            return None
        if answer == "w":
            console.print(f"[italic]{why}[/]")
        else:
            console.print("[yellow]Please type y, n, ? or w.[/]")


def run_interview(console: Console) -> None:
    from paintrace.cli import print_result

    kb = load_knowledge()
    console.print(
        "[bold]paintrace[/]: a few minutes to see where your leg pain may come from. "
        "This is not a diagnosis.\n"
    )
    drawing = _pick_regions(console)
    findings: dict[str, bool] = {}
    skipped: set[str] = set()
    red_flags = [f for f in kb.findings.values() if f.group == "red-flag"]
    console.print("\n[bold]First, warning signs.[/] Do any of these apply to you?")
    for i, f in enumerate(red_flags, 1):
        console.print(f"  {i:2}. {f.question}")
    none = Prompt.ask(
        "Type [bold]none[/] if none of these apply, or [bold]ask[/] to go through them one by one",
        choices=["none", "ask"],
        default="ask",
        console=console,
    )
    if none == "none":
        findings.update({f.id: False for f in red_flags})
    asked = 0
    while True:
        inp = AssessmentInput(drawing, dict(findings), Patient())
        result = assess_input(inp, kb, skip=skipped)
        q = result.next_question
        if q is None:
            break
        asked += 1
        console.print(
            f"\n[dim]Question {asked} · {'warning sign' if q.group == 'red-flag' else 'pattern'}[/]"
        )
        answer = _ask(console, q.text, q.help, q.why)
        if answer is None:
            skipped.add(q.finding)
        else:
            findings[q.finding] = answer
    console.print()
    print_result(console, result)
