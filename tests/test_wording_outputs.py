"""Plain language of the text the engine builds, measured on real outputs.

The knowledge base's own sentences are held to 25 words by tests/test_knowledge.py, but much of
what a person reads is put together by code from those pieces: the reasons for each ranked
source, the triage reasons, the next question's rationale, the plan's summary. This runs the
engine on every vignette and on versions of each (only its first one or two regions and no
answers; every warning sign answered no, so that the interview's own questions and the plan
come), collects every text of the result, splits it into sentences and lists those over 25
words and the slips that assembling text makes: a doubled word or mark, a verb that does not
agree with its subject, empty brackets, a leftover template marker, a name that lost its
capital, a sentence that starts in lower case or a text without its final full stop, and any
word of diagnosing or curing. The same checks read the handout (its HTML and the terminal's
Markdown) and the terminal's summary of a result, block by block.

Run it as a script for the list: ``.venv/bin/python tests/test_wording_outputs.py``.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from collections.abc import Iterator
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from rich.console import Console

from paintrace.assessment import Result, assess_input, parse_input
from paintrace.cli import print_result
from paintrace.handout import render_plan_html, render_plan_markdown
from paintrace.knowledge import load_knowledge

VIGNETTES = Path(__file__).parent / "vignettes"
MAX_WORDS = 25  # as the knowledge base's own sentences (tests/test_knowledge.py)

# Keys whose values are identifiers, codes or file names, not prose.
_NOT_PROSE_KEYS = frozenset(
    {
        "id",
        "finding",
        "rule",
        "level",
        "kind",
        "group",
        "figure",
        "region",
        "regions",
        "tool",
        "side",
        "sides",
        "state",
        "technique",
        "muscle",
        "unanswered",
        "references",
        "posture",
        "adapted_for",
        "source",
    }
)
# Keys whose values are headings, labels or names: not sentences, so they need no capital or
# full stop (a cause's or a trigger point's name is written to be read inside a sentence).
_HEADING_KEYS = frozenset({"title", "name", "site"})

# A sentence ends at . ! or ? before a space, except after these abbreviations.
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "approx.", "vs.", "cf.", "Dr.", "St.", "no.")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')”’]?\s+")
# A colon or semicolon before a capital starts a new sentence too (as tests/test_knowledge.py
# counts them), or before a quotation ("What to tell them: “I have …”").
_CLAUSE_END = re.compile(r"(?<=[:;])\s+(?=[A-Z\"'(“‘])")

_PLURAL_NOUNS = (
    "muscles|hamstrings|adductors|calves|joints|nerves|roots|points|tendons|legs|feet|"
    "symptoms|questions|signs|answers|stretches"
)
_SINGULAR_NOUNS = "muscle|joint|nerve|root|tendon|pain|numbness|burning|question|answer|stretch"
_PLURAL_VERBS = "refer|send|are|have|match|follow|fit|point|speak|lie|sit|come|cause|suggest"
_SINGULAR_VERBS = (
    "refers|sends|is|has|matches|follows|fits|points|speaks|lies|sits|comes|causes|suggests"
)
_BRACKETED = r"(?: \([^)]*\))?"
_NOT_AFTER_PREPOSITION = "".join(
    f"(?<!{p} )" for p in ("of", "on", "to", "for", "in", "at", "by", "from", "with", "beside")
)

DEFECTS: dict[str, re.Pattern[str]] = {
    "doubled word": re.compile(r"\b(\w+)\s+\1\b", re.IGNORECASE),
    "doubled punctuation": re.compile(
        r"([.,;:!?])\s*\1|[,;:]\s*[.!?]|\.\s*[,;:]|\s[,.;:!?]|\(\s|\s\)"
    ),
    # a subject named with "the" and a verb that does not agree ("the hamstrings refers"); not
    # after a preposition, where the noun is not the subject ("damage to the nerves sends")
    "broken agreement": re.compile(
        rf"{_NOT_AFTER_PREPOSITION}\bthe (?:[a-z]+ ){{0,3}}(?:{_PLURAL_NOUNS}){_BRACKETED} "
        rf"(?:{_SINGULAR_VERBS})\b"
        rf"|{_NOT_AFTER_PREPOSITION}\bthe (?:[a-z]+ ){{0,3}}(?:{_SINGULAR_NOUNS}){_BRACKETED} "
        rf"(?:{_PLURAL_VERBS})\b"
        # the reasons' "Your pain in the calf matches ...": the subject is the symptoms
        r"|^Your (?:pain|burning|numbness) in the [^.]*? (?:match|follow) "
        r"|^Your [a-z]+(?:, [a-z]+)* and (?:pain|burning|numbness) in the [^.]*? "
        r"(?:matches|follows) "
        # a count of one with a plural ("1 points")
        r"|\b1 (?:points|times|days|weeks|minutes|seconds|stretches|repetitions)\b"
    ),
    "empty brackets": re.compile(r"\(\s*\)|\[\s*\]"),
    # paintrace names likely sources and offers self-care: it neither diagnoses nor cures
    # (saying that it is not one is the point of "This is not a diagnosis")
    "diagnosis or cure": re.compile(
        r"(?<!not a )(?<!does not )\bdiagnos|\bcur(?:e|es|ed|ing)\b", re.IGNORECASE
    ),
    "name without its capital": re.compile(r"\bachilles\b"),
    "template marker": re.compile(
        r"[{}]|%[sdr(]|\$\w|\bNone\b(?! of)|\bnull\b|\bnan\b|<[a-z/]|__|\w\(s\)"
    ),
}


def sentences(text: str) -> list[str]:
    """The sentences of a text, as a reader takes them."""
    text = " ".join(text.split())
    out: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        head = text[start : match.start()]
        if head.endswith(_ABBREVIATIONS) or not head:
            continue
        out.append(head)
        start = match.end()
    out.append(text[start:])
    return [
        clause.strip()
        for sentence in out
        for clause in _CLAUSE_END.split(sentence)
        if clause.strip()
    ]


def prose(node: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """Every text of a result with where it sits (``sources[0].why[1]``), prose only."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in _NOT_PROSE_KEYS:
                yield from prose(value, f"{where}.{key}" if where else key)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from prose(value, f"{where}[{i}]")
    elif isinstance(node, str) and len(re.findall(r"[A-Za-z]+", node)) >= 3:
        yield where, node


def _is_heading(where: str) -> bool:
    return re.sub(r"\[\d+\]$", "", where).rsplit(".", 1)[-1] in _HEADING_KEYS


@cache  # the plan's texts come back case after case
def defects(text: str, heading: bool = False) -> tuple[tuple[str, str], ...]:
    """(kind, sentence) for each slip in one text; a heading or a name needs no capital and no
    full stop."""
    found: list[tuple[str, str]] = []
    text = text.replace("...", "…")  # an ellipsis is one mark, not three full stops
    for sentence in sentences(text):
        words = len(sentence.split())
        if words > MAX_WORDS:
            found.append((f"over {MAX_WORDS} words", f"({words}) {sentence}"))
        for kind, pattern in DEFECTS.items():
            if pattern.search(sentence):
                found.append((kind, sentence))
        first = re.search(r"[A-Za-z0-9]", sentence)  # "112 is the emergency number." is fine
        if first and first.group().islower() and not heading:
            found.append(("lowercase start", sentence))
    # a list's lead-in ends with a colon or an ellipsis
    if not heading and not re.search(r"[.!?:…][\"')”’]?$", text.strip()):
        found.append(("no final full stop", text))
    return tuple(found)


def cases() -> Iterator[tuple[str, dict[str, Any]]]:
    """Every vignette as written, and versions of it: its first region, its first two, with no
    answers (a person at the start of the interview); the case and its first two regions with
    every warning sign answered no (the interview's own questions and the plan come next); and
    the case with every warning sign answered yes (the emergency, with every serious cause: too
    many for one sentence, so the terminal lists them, which no vignette as written reaches).
    """
    kb = load_knowledge()
    no_flags = {fid: False for fid, f in kb.findings.items() if f.group == "red-flag"}
    all_flags = dict.fromkeys(no_flags, True)
    for path in sorted([*VIGNETTES.glob("*.json"), *(VIGNETTES / "real").glob("*.json")]):
        case = json.loads(path.read_text())
        name = case.get("id", path.stem)
        patient = case.get("patient", {})
        findings = case.get("findings", {})
        regions = list(case.get("drawing", {}).items())
        yield name, {"drawing": dict(regions), "findings": findings, "patient": patient}
        for n in (1, 2):
            if len(regions) >= n:
                sparse = {"drawing": dict(regions[:n]), "patient": patient}
                yield f"{name} (first {n} region{'s' if n > 1 else ''})", sparse
        yield (
            f"{name} (no warning signs)",
            {"drawing": dict(regions), "findings": {**no_flags, **findings}, "patient": patient},
        )
        if len(regions) >= 2:
            yield (
                f"{name} (first 2 regions, no warning signs)",
                {"drawing": dict(regions[:2]), "findings": no_flags, "patient": patient},
            )
        yield (
            f"{name} (every warning sign)",
            {"drawing": dict(regions), "findings": {**findings, **all_flags}, "patient": patient},
        )


@cache
def report() -> tuple[tuple[str, str, str, str], ...]:
    """(kind, sentence, where, case) for every slip, each sentence once per kind and place."""
    seen: set[tuple[str, str, str]] = set()
    out: list[tuple[str, str, str, str]] = []
    for name, payload in cases():
        for where, text, heading in _texts(name, payload):
            place = re.sub(r"\[\d+\]", "[]", where)
            for kind, sentence in defects(text, heading):
                if (kind, sentence, place) not in seen:
                    seen.add((kind, sentence, place))
                    out.append((kind, sentence, place, name))
    return tuple(out)


def _texts(name: str, payload: dict[str, Any]) -> Iterator[tuple[str, str, bool]]:
    """(where, text, whether it is a heading) of the result, and for the case as written, with
    no warning sign open and with every one answered yes also of the terminal's summary and of
    the handout."""
    assessed = assess_input(parse_input(payload))
    result = assessed.to_dict()
    for where, text in prose(result):
        yield where, text, _is_heading(where)
    if "(" in name and not name.endswith(("(no warning signs)", "(every warning sign)")):
        return
    for text, heading in terminal(assessed):
        yield "terminal", text, heading
    if result["plan"] and not result["triage"]["unanswered"]:
        plan = {**result["plan"], "references": []}  # citations are not our sentences
        for text, heading in markdown_blocks(render_plan_markdown(plan)):
            yield "handout.md", text, heading
        for tag, text in html_blocks(render_plan_html(plan)):
            yield "handout.html", text, tag.split(".")[0] in _NOT_SENTENCES


_BOX = "│╭╮╰╯─━┃┏┓┗┛┡┩└┘┌┐├┤┼╇╈"


def terminal(result: Result) -> list[tuple[str, bool]]:
    """The lines of `paintrace assess` as a person reads them: no frames, no table rows (the
    ranking's names and bars), no bullet marks; the banner's title is a heading."""
    out = io.StringIO()
    console = Console(file=out, width=2000, color_system=None, highlight=False)
    print_result(console, result)
    lines: list[tuple[str, bool]] = []
    for line in out.getvalue().splitlines():
        if "█" in line or "─" * 3 in line or "━" in line or "┃" in line or line.count("│") > 2:
            if "─" * 3 in line and line.startswith("╭"):  # the banner: its title
                lines.append((line.strip(_BOX + " "), True))
            continue
        text = line.strip(_BOX + " ").removeprefix("• ").removeprefix("? ")
        text = re.sub(r"^[+-] ", "", text)
        if text:
            # a label ends in a colon; the ranking's title and each source's name are headings
            heading = text.endswith(":") or text.startswith("Likely sources (")
            lines.append((text, heading or bool(re.search(r"\(\d+%\)$", text))))
    return lines


def markdown_blocks(text: str) -> list[tuple[str, bool]]:
    """The handout's Markdown, line by line: a heading, a list item, a paragraph."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line:
            heading = line.startswith("#")
            out.append((re.sub(r"^(#+|-|\d+\.)\s+", "", line).replace("**", ""), heading))
    return out


# HTML blocks that hold headings and labels, not sentences
_NOT_SENTENCES = frozenset({"h1", "h2", "h3", "h4", "td", "th", "a", "label", "legend", "summary"})


class _Blocks(HTMLParser):
    """The text of an HTML page, block by block, each with the tag that holds it."""

    SKIP = frozenset({"style", "script", "svg", "title", "template"})
    BLOCK = frozenset(
        {"p", "li", "h1", "h2", "h3", "h4", "td", "th", "div", "ul", "ol", "section", "dl"}
        | {"dt", "dd", "figcaption", "summary", "details", "label", "legend", "a"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[tuple[str, str]] = []
        self.text: list[str] = []
        self.open: list[str] = []
        self.skipping = 0

    def _flush(self) -> None:
        text = " ".join("".join(self.text).split())
        if text:
            self.out.append((self.open[-1] if self.open else "", text))
        self.text = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCK:
            self._flush()
            classes = (dict(attrs).get("class") or "").split()
            self.open.append(".".join([tag, *classes]))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping -= 1
        elif tag in self.BLOCK:
            self._flush()
            while self.open and self.open.pop().split(".")[0] != tag:
                pass

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.text.append(data)


def html_blocks(html: str) -> list[tuple[str, str]]:
    """(tag, text) of each block of an HTML page: a paragraph, a list item, a heading; the tag
    with its classes ("p.kind")."""
    parser = _Blocks()
    parser.feed(html)
    parser._flush()
    return parser.out


def _listing(found: tuple[tuple[str, str, str, str], ...]) -> str:
    return "\n".join(
        f"{kind}: {place} ({name}): {sentence}" for kind, sentence, place, name in found
    )


def test_the_sentence_splitter_reads_like_a_person():
    assert sentences("One. two: Three; Four; five! Press, e.g. here? Six") == [
        "One.",
        "two:",
        "Three;",
        "Four; five!",
        "Press, e.g. here?",
        "Six",
    ]


def test_the_checks_catch_the_slips_they_name():
    def kinds(text: str, heading: bool = False) -> set[str]:
        return {kind for kind, _ in defects(text, heading)}

    long = "Your pain in the " + ", ".join(f"place {n}" for n in range(10)) + " fits it."
    assert kinds(long) == {"over 25 words"}
    assert kinds("It fits the the piriformis.") == {"doubled word"}
    assert kinds("It fits the piriformis..") == {"doubled punctuation"}
    assert kinds("It fits , the piriformis.") == {"doubled punctuation"}
    assert kinds("Your pain in the calf match where the soleus refers pain.") == {
        "broken agreement"
    }
    assert kinds("Your pain and numbness in the calf matches where it refers pain.") == {
        "broken agreement"
    }
    assert kinds("Where the lumbar paraspinal muscles (multifidus) refers pain.") == {
        "broken agreement"
    }
    assert kinds("It fits the piriformis ().") == {"empty brackets"}
    assert kinds("It fits {source}.") == {"template marker"}
    assert kinds("Do it 2 time(s) a day.") == {"template marker"}
    assert kinds("Press 1 points.") == {"broken agreement"}
    assert kinds("It does not usually explain the achilles tendon.") == {"name without its capital"}
    assert kinds("This confirms the diagnosis.") == {"diagnosis or cure"}
    assert kinds("Massage will cure it.") == {"diagnosis or cure"}
    assert kinds("It fits. the piriformis.") == {"lowercase start"}
    assert kinds("It fits the piriformis") == {"no final full stop"}
    assert kinds("a heading without a stop", heading=True) == set()
    assert kinds("112 is the emergency number.") == set()
    assert kinds("If a doctor rules this out, the pain may come from ...") == set()
    assert kinds("What to tell them: “I have pain in the calf.”") == set()
    assert kinds("Your pins and needles in the calf match where the soleus refers pain.") == set()


def test_every_sentence_the_engine_builds_is_plain():
    found = report()
    assert not found, _listing(found)


def test_the_terminal_lists_every_serious_cause_as_a_sentence():
    """Too many causes for one sentence are listed one a line, each with its capital and, as
    every other sentence of the summary, its full stop (they had none)."""
    kb = load_knowledge()
    flags = {fid: True for fid, f in kb.findings.items() if f.group == "red-flag"}
    result = assess_input(
        parse_input({"drawing": {"left.calf-upper": ["pain"]}, "findings": flags})
    )
    lines = [text for text, _ in terminal(result)]
    lead = lines.index("First a doctor must rule out these causes:")
    causes = lines[lead + 1 : lead + 1 + len(result.triage.causes)]
    assert len(causes) == len(result.triage.causes) > 1
    assert all(c[0].isupper() and c.endswith(".") for c in causes), causes


if __name__ == "__main__":
    found = report()
    print(_listing(found))
    print()
    for kind, count in sorted(Counter(kind for kind, *_ in found).items()):
        print(f"{count:5d}  {kind}")
