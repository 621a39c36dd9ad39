"""The interview's answers, kept in the Django session as an ordered list of steps.

A step is one screen: the red-flag checklist (many answers at once) or one question. Going back to
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
from paintrace.knowledge import load_knowledge

SESSION_KEY = "pt_interview"
RED_FLAGS = "red-flags"
QUESTION = "question"

Answer = bool | None


@dataclass
class Step:
    kind: str  # RED_FLAGS or QUESTION
    answers: dict[str, Answer]

    @property
    def finding(self) -> str | None:
        """The question's finding id (one-question steps only)."""
        return next(iter(self.answers)) if self.kind == QUESTION and self.answers else None


@dataclass(frozen=True)
class Screen:
    """What to show at one step: the red-flag checklist, one question, or nothing (done)."""

    kind: Literal["red-flags", "question", "done"]
    result: Result
    question: Question | None = None


@dataclass
class Interview:
    drawing: dict[str, list[str]]
    patient: dict[str, Any] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)

    # ------------------------------------------------------------------ session round trip

    @classmethod
    def load(cls, session: SessionBase) -> Interview | None:
        raw = session.get(SESSION_KEY)
        if not isinstance(raw, Mapping):
            return None
        try:
            steps = [Step(s["kind"], dict(s["answers"])) for s in raw.get("steps", [])]
            return cls(dict(raw["drawing"]), dict(raw.get("patient") or {}), steps)
        except (KeyError, TypeError, ValueError):
            return None

    def save(self, session: SessionBase) -> None:
        session[SESSION_KEY] = {
            "drawing": self.drawing,
            "patient": self.patient,
            "steps": [{"kind": s.kind, "answers": s.answers} for s in self.steps],
        }

    @staticmethod
    def clear(session: SessionBase) -> None:
        session.pop(SESSION_KEY, None)

    # ------------------------------------------------------------------ the engine's view

    def findings(self, upto: int | None = None) -> dict[str, bool]:
        out: dict[str, bool] = {}
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
        skip = self.skipped(upto) - set(self.findings(upto))
        return assess_input(self.input(upto), skip=skip)

    def screen(self, step: int) -> Screen:
        """What step `step` shows, given the answers of the steps before it."""
        result = self.assess(step)
        question = result.next_question
        if question is None:
            return Screen("done", result)
        had_checklist = any(s.kind == RED_FLAGS for s in self.steps[:step])
        if question.group == "red-flag" and not had_checklist:
            return Screen("red-flags", result, question)
        return Screen("question", result, question)

    def answer(self, step: int, new: Step) -> None:
        """Answer step `step`: later steps are dropped (the engine recomputes them)."""
        del self.steps[step:]
        self.steps.append(new)

    def questions_answered(self, upto: int | None = None) -> int:
        """One-question steps so far (the checklist is not counted): for the progress bar."""
        return sum(1 for s in self.steps[:upto] if s.kind == QUESTION)


def red_flag_ids() -> list[str]:
    """Every red-flag finding, in the knowledge base's order: the checklist's rows."""
    return [f.id for f in load_knowledge().findings.values() if f.group == "red-flag"]
