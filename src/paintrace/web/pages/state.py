"""The interview's answers, kept in the Django session as an ordered list of steps.

A step is one screen: one theme of the warning-sign checklist (a few answers at once, see
:mod:`.warning_signs`) or one question. Going back to
step k and answering again drops every later step; the engine then recomputes what to ask, so the
questions that follow always fit the answers given. "I don't know" is stored as ``None``: the
finding stays unknown (not false) and is passed to the engine as skipped, so it is not asked again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from django.contrib.sessions.backends.base import SessionBase

from paintrace.assessment import AssessmentInput, Result, assess_input, parse_input
from paintrace.interview import Question
from paintrace.web.pages import warning_signs

SESSION_KEY = "pt_interview"
RED_FLAGS = "red-flags"
QUESTION = "question"
DURATION_FINDING = "duration-over-12-weeks"
# "Since when": the answers asked with the drawing, and what each says about the finding.
SINCE_CHOICES = (
    ("under-6-weeks", "Less than 6 weeks"),
    ("6-to-12-weeks", "6 to 12 weeks"),
    ("over-12-weeks", "More than 12 weeks"),
)
SINCE_FINDING = {"under-6-weeks": False, "6-to-12-weeks": False, "over-12-weeks": True}

Answer = bool | None


@dataclass
class Step:
    kind: str  # RED_FLAGS or QUESTION
    answers: dict[str, Answer]
    theme: str = ""  # the warning-sign theme of a RED_FLAGS step ("" in older sessions: all)

    @property
    def finding(self) -> str | None:
        """The question's finding id (one-question steps only)."""
        return next(iter(self.answers)) if self.kind == QUESTION and self.answers else None


@dataclass(frozen=True)
class Screen:
    """What to show at one step: one theme of warning signs, one question, or nothing (done)."""

    kind: Literal["red-flags", "question", "done"]
    result: Result  # without the plan (Interview.assess)
    question: Question | None = None
    theme: warning_signs.Theme | None = None
    flags: tuple[str, ...] = ()  # the theme's questions that apply to this person
    theme_number: int = 0  # "Warning signs 2 of 4"
    theme_count: int = 0


@dataclass
class Interview:
    drawing: dict[str, list[str]]
    patient: dict[str, Any] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)
    about: dict[str, Any] = field(default_factory=dict)  # pain (0-10), since (SINCE_CHOICES)

    # ------------------------------------------------------------------ session round trip

    @classmethod
    def load(cls, session: SessionBase) -> Interview | None:
        raw = session.get(SESSION_KEY)
        if not isinstance(raw, Mapping):
            return None
        try:
            steps = [
                Step(s["kind"], dict(s["answers"]), str(s.get("theme") or ""))
                for s in raw.get("steps", [])
            ]
            about = dict(raw.get("about") or {})
            return cls(dict(raw["drawing"]), dict(raw.get("patient") or {}), steps, about)
        except (KeyError, TypeError, ValueError):
            return None

    def save(self, session: SessionBase) -> None:
        session[SESSION_KEY] = {
            "drawing": self.drawing,
            "patient": self.patient,
            "steps": [
                {"kind": s.kind, "answers": s.answers, **({"theme": s.theme} if s.theme else {})}
                for s in self.steps
            ],
            "about": self.about,
        }

    @staticmethod
    def clear(session: SessionBase) -> None:
        session.pop(SESSION_KEY, None)

    # ------------------------------------------------------------------ the engine's view

    def findings(self, upto: int | None = None) -> dict[str, bool]:
        out: dict[str, bool] = {}
        since = SINCE_FINDING.get(str(self.about.get("since") or ""))
        if since is not None:
            out[DURATION_FINDING] = since
        for step in self.steps[:upto]:
            out.update({fid: v for fid, v in step.answers.items() if v is not None})
        return out

    def skipped(self, upto: int | None = None) -> set[str]:
        out: set[str] = set()
        for step in self.steps[:upto]:
            out.update(fid for fid, v in step.answers.items() if v is None)
        return out

    def input(self, upto: int | None = None) -> AssessmentInput:
        data = {"drawing": self.drawing, "findings": self.findings(upto), "patient": self.patient}
        return parse_input(data)

    def assess(self, upto: int | None = None) -> Result:
        """The result after the steps before `upto`, without the plan (``plan`` is None).

        A step shows a question, never the plan: whoever saves the result when the interview
        ends (all questions answered, or "show my result now") adds the plan with
        :func:`paintrace.assessment.add_plan`.
        """
        skip = self.skipped(upto) - set(self.findings(upto))
        return assess_input(self.input(upto), skip=skip, with_plan=False)

    def screen(self, step: int) -> Screen:
        """What step `step` shows, given the answers of the steps before it."""
        result = self.assess(step)
        question = result.next_question
        if question is None:
            return Screen("done", result)
        if question.group == "red-flag":
            screen = self._theme_screen(step, result, question)
            if screen is not None:
                return screen
        return Screen("question", result, question)

    def _theme_screen(self, step: int, result: Result, question: Question) -> Screen | None:
        """The next theme of warning signs with a question still open, if any."""
        done = {s.theme for s in self.steps[:step] if s.kind == RED_FLAGS}
        if "" in done:  # an older session answered the whole checklist at once
            return None
        sex = self.patient.get("sex")
        answered = set(self.findings(step)) | self.skipped(step)
        shown = [
            (t, flags)
            for t in warning_signs.themes()
            if (flags := warning_signs.applicable(t, self.drawing, sex))
        ]
        if result.triage.level == "emergency":
            # Only the question that can lift this emergency is asked: show its theme alone.
            shown = [(t, f) for t, f in shown if question.finding in f]
        for number, (t, flags) in enumerate(shown, 1):
            if t.id not in done and any(fid not in answered for fid in flags):
                return Screen("red-flags", result, question, t, flags, number, len(shown))
        return None

    def answer(self, step: int, new: Step) -> None:
        """Answer step `step`: later steps are dropped (the engine recomputes them)."""
        del self.steps[step:]
        self.steps.append(new)

    def questions_answered(self, upto: int | None = None) -> int:
        """One-question steps so far (the checklist is not counted): for the progress bar."""
        return sum(1 for s in self.steps[:upto] if s.kind == QUESTION)


def red_flag_ids() -> list[str]:
    """Every red-flag finding, in the knowledge base's order."""
    return warning_signs.red_flag_ids()
