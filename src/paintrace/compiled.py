"""The knowledge base compiled into numpy arrays, once per knowledge base.

Everything about a source that does not depend on the person: its components (a source, or a
portion of one) on each side, the probability that each region is marked and each symptom type
drawn, the answers' likelihood ratios completed from their base rates, the priors and the pair
boosts. :mod:`paintrace.inference` combines these with one person's drawing and answers.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from paintrace.knowledge.schema import SIDES, SYMPTOMS, Knowledge

Array = NDArray[np.float64]
SideConfig = str  # "left", "right" or "bilateral"
EPS = 1e-9


@dataclass(frozen=True)
class Component:
    source: str
    portion: str
    index: int


@dataclass(frozen=True)
class Units:
    """Single-component hypotheses for one side configuration, compiled once."""

    comp: NDArray[np.int64]  # (U,) component of each unit
    side: tuple[str, ...]  # (U,) left | right | both
    log_prior: Array  # (U,)
    p: Array  # (U, R) P(region marked)
    q: Array  # (U, R, 4) P(type drawn | marked)
    # (U, R, 6) what a marked region adds to a unit's log-likelihood, as six terms that the
    # drawing weighs (Model.mark_weights): log-odds of marking it, log P(no type drawn | marked)
    # summed over the types, and each type's log-odds of being drawn.
    mark_terms: Array
    sum_log_not_p: Array  # (U,) log P(nothing marked)
    pq_yes: Array  # (U, R, 4) P(marked) P(type drawn | marked)
    pq_no: Array  # (U, R, 4) P(marked) P(type not drawn | marked)
    p_yes: Array  # (U, F)
    log_yes: Array
    log_no: Array
    source: NDArray[np.int64]  # (U,) source of each unit
    by_source: NDArray[np.int64]  # (U,) unit indices ordered by source
    source_starts: NDArray[np.int64]  # (S,) where each source's units begin in by_source


class Model:
    """The knowledge base compiled for fast inference."""

    #: pairs are formed among this many leading single hypotheses, so the cost of an
    #: assessment grows linearly with the size of the knowledge base, not with its square
    pair_candidates = 12

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        params = knowledge.model
        self.region_ids: list[str] = list(knowledge.regions)
        self.region_index = {rid: i for i, rid in enumerate(self.region_ids)}
        self.finding_ids: list[str] = list(knowledge.findings)
        self.finding_index = {fid: i for i, fid in enumerate(self.finding_ids)}
        self.n_findings = len(self.finding_ids)
        self.source_ids: list[str] = list(knowledge.sources)
        self.source_index = {sid: i for i, sid in enumerate(self.source_ids)}
        self.components: list[Component] = []
        for source in knowledge.sources.values():
            for portion in source.portions:
                self.components.append(Component(source.id, portion.id, len(self.components)))
        self.comp_source = np.array(
            [self.source_index[c.source] for c in self.components], dtype=np.int64
        )

        n_r, n_c = len(self.region_ids), len(self.components)
        leak_q = _profile_vector(knowledge, params.leak_profile)
        # Per side: P(marked) and P(type | marked) of each component for each region.
        self._p: dict[str, Array] = {}
        self._q: dict[str, Array] = {}
        for side in (*SIDES, "both"):
            p = np.full((n_c, n_r), params.p_marked["leak"])
            q = np.tile(leak_q, (n_c, n_r, 1))
            for comp in self.components:
                source = knowledge.sources[comp.source]
                portion = next(pt for pt in source.portions if pt.id == comp.portion)
                default = source.profile or params.default_profile[source.kind]
                for zone in portion.zones:
                    prof = _profile_vector(knowledge, zone.profile or default)
                    for rid in self._concrete(zone.region, side):
                        r = self.region_index[rid]
                        p[comp.index, r] = params.p_marked[zone.level]
                        q[comp.index, r] = prof
            self._p[side] = p
            self._q[side] = q
        self.leak = params.p_marked["leak"]

        # Findings enter as their published likelihood ratios, against a baseline source that
        # says nothing about them (ratio 1 both ways). Where only LR+ is known, LR- follows
        # from the finding's base rate. P(yes | component) is kept for choosing questions.
        self.base_rate = np.array(
            [params.base_rates.get(fid, params.finding_base_rate) for fid in self.finding_ids]
        )
        lr_yes = np.ones((n_c, self.n_findings))
        lr_no = np.ones((n_c, self.n_findings))
        for comp in self.components:
            for ev in knowledge.sources[comp.source].evidence:
                f = self.finding_index[ev.finding]
                lr_yes[comp.index, f], lr_no[comp.index, f] = _ratios(
                    float(self.base_rate[f]), ev.lr_pos, ev.lr_neg
                )
        self.comp_log_yes = np.log(lr_yes)
        self.comp_log_no = np.log(lr_no)
        # The explanations' "how much did this answer move this source", as plain floats per
        # source (its first component) and finding: read a dozen times per assessment.
        first: dict[str, int] = {}
        for comp in self.components:
            first.setdefault(comp.source, comp.index)
        self.answer_factor: dict[tuple[str, bool], dict[str, float]] = {}
        tables = ((True, np.exp(self.comp_log_yes)), (False, np.exp(self.comp_log_no)))
        for sid, c in first.items():
            for value, table in tables:
                self.answer_factor[(sid, value)] = dict(
                    zip(self.finding_ids, table[c].tolist(), strict=True)
                )
        self.comp_p_yes = predictive(self.base_rate, lr_yes, lr_no)

        # A portion's share of its source's prior is tempered like the drawing it explains:
        # choosing a portion is part of explaining the drawing, so a source split into portions
        # keeps most of its prior for the pattern that fits (share ** drawing_weight).
        share = np.array(
            [
                next(pt.share for pt in knowledge.sources[c.source].portions if pt.id == c.portion)
                for c in self.components
            ]
        )
        source_prior = np.array([knowledge.sources[sid].prior for sid in self.source_ids])
        self.source_prior = source_prior / source_prior.sum()
        prior = source_prior[self.comp_source] * share**params.drawing_weight
        self.comp_prior = prior / source_prior.sum()
        self.comp_bilateral = np.array(
            [knowledge.sources[c.source].bilateral for c in self.components]
        )
        # Sparse: only the listed pairs of sources have a boost (a dense table would grow with
        # the square of the knowledge base).
        self.pair_boost: dict[tuple[int, int], float] = {}
        for boost in params.pair_boosts:
            for a in boost.a:
                for b in boost.b:
                    for ca in self._components_of(a):
                        for cb in self._components_of(b):
                            self.pair_boost[ca, cb] = self.pair_boost[cb, ca] = boost.factor
        # The same pairs as sorted keys (a * C + b) for a vectorised lookup; the last key is
        # larger than any pair's, so a search always lands on a key.
        keys = sorted((a * n_c + b, f) for (a, b), f in self.pair_boost.items())
        keys.append((n_c * n_c, 1.0))
        self.boost_keys = np.array([k for k, _ in keys], dtype=np.int64)
        # What every pair's logit starts from: its prior, and the drawing's correction for the
        # leak (noisy-OR of two units counts the leak twice in every region; this takes one
        # out). pair_base_boosted: the same for each boosted pair, boost included.
        log_not_leak = float(np.log(1.0 - self.leak) * len(self.region_ids))
        self.pair_base = math.log(params.pair_prior) - params.drawing_weight * log_not_leak
        self.pair_base_boosted = self.pair_base + np.log(np.array([f for _, f in keys]))
        self._units: dict[SideConfig, Units] = {}
        # (age, sex) -> (log prior factor per source, model doubt times the prior ranking)
        self._patient_cache: dict[tuple[int | None, str | None], tuple[Array, Array]] = {}
        # (side configuration, age, sex) -> each unit's logit before the drawing's marks and
        # the answers (Model.unit_base)
        self._unit_base: dict[tuple[SideConfig, int | None, str | None], Array] = {}

    def _components_of(self, source_id: str) -> list[int]:
        return [c.index for c in self.components if c.source == source_id]

    def _concrete(self, base: str, side: str) -> list[str]:
        return self.knowledge.concrete(base, SIDES if side == "both" else (side,))

    # ------------------------------------------------------------------ single hypotheses

    def units(self, config: SideConfig) -> Units:
        if config not in self._units:
            self._units[config] = self._build_units(config)
        return self._units[config]

    def _build_units(self, config: SideConfig) -> Units:
        sides = [config] if config in SIDES else [*SIDES, "both"]
        n_c = len(self.components)
        comp = np.tile(np.arange(n_c), len(sides))
        side_of = tuple(side for side in sides for _ in range(n_c))
        bil = self.comp_bilateral
        log_prior_parts = []
        for side in sides:
            # The side factor is the source's chance of a one-sided or a two-sided picture.
            one_sided = config in SIDES
            factor = 1.0 - bil if one_sided else (bil if side == "both" else (1.0 - bil) / 2.0)
            log_prior_parts.append(np.log(self.comp_prior * factor))
        p = np.concatenate([self._p[side] for side in sides])
        q = np.clip(np.concatenate([self._q[side] for side in sides]), EPS, 1 - EPS)
        p_yes = self.comp_p_yes[comp]
        source = self.comp_source[comp]
        by_source = np.argsort(source, kind="stable")
        source_starts = np.searchsorted(source[by_source], np.arange(len(self.source_ids)))
        log_odds_p = np.log(np.clip(p, EPS, 1 - EPS)) - np.log(np.clip(1.0 - p, EPS, 1.0))
        mark_terms = np.concatenate(
            [
                log_odds_p[:, :, None],
                np.log(1.0 - q).sum(axis=2)[:, :, None],
                np.log(q) - np.log(1.0 - q),
            ],
            axis=2,
        )
        return Units(
            comp=comp,
            side=side_of,
            log_prior=np.concatenate(log_prior_parts),
            p=p,
            q=q,
            mark_terms=mark_terms,
            sum_log_not_p=np.log(np.clip(1.0 - p, EPS, 1.0)).sum(axis=1),
            pq_yes=p[:, :, None] * q,
            pq_no=p[:, :, None] * (1.0 - q),
            p_yes=p_yes,
            log_yes=self.comp_log_yes[comp],
            log_no=self.comp_log_no[comp],
            source=source,
            by_source=by_source,
            source_starts=source_starts,
        )

    # ------------------------------------------------------------------ encoding inputs

    def side_config(self, drawing: Mapping[str, Sequence[str]]) -> SideConfig:
        drawn = self.knowledge.drawn_sides(drawing)
        if len(drawn) == 2:
            return "bilateral"
        return drawn[0] if drawn else "left"  # midline only: both sides are symmetric

    def encode_drawing(
        self, drawing: Mapping[str, Sequence[str]]
    ) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
        """The marked regions' indices, in region order, and their symptom types (M, 4)."""
        marks = sorted(
            (self.region_index[rid], [sym in symptoms for sym in SYMPTOMS])
            for rid, symptoms in drawing.items()
        )
        midx = np.array([r for r, _ in marks], dtype=np.int64)
        types = np.array([t for _, t in marks], dtype=bool).reshape(len(marks), len(SYMPTOMS))
        return midx, types

    def mark_weights(self, types: NDArray[np.bool_], type_scale: float) -> Array:
        """(M * 6,) the weights of Units.mark_terms for these marked regions, times the
        drawing's weight: 1 for marking, and `type_scale` for the types (the absent-types sum,
        and each type drawn)."""
        w_draw = self.knowledge.model.drawing_weight
        weights = np.empty((len(types), 6))
        weights[:, 0] = w_draw
        weights[:, 1] = w_draw * type_scale
        weights[:, 2:] = types * (w_draw * type_scale)
        return weights.reshape(-1)

    def answered_columns(
        self, findings: Mapping[str, bool]
    ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Column indices of the findings answered yes and of those answered no."""
        index = self.finding_index
        said_yes = [index[fid] for fid, value in findings.items() if value]
        said_no = [index[fid] for fid, value in findings.items() if not value]
        return np.array(said_yes, dtype=np.int64), np.array(said_no, dtype=np.int64)

    def patient_log_factor(self, age: int | None, sex: str | None) -> Array:
        """Log prior adjustment per source from age and sex (published or estimated ratios)."""
        return self._patient(age, sex)[0]

    def doubt_base(self, age: int | None, sex: str | None) -> Array:
        """The prior ranking of sources for this age and sex, normalised, times model doubt:
        what the reported ranking mixes in because the model may be wrong."""
        return self._patient(age, sex)[1]

    def _patient(self, age: int | None, sex: str | None) -> tuple[Array, Array]:
        key = (age, sex)
        if key not in self._patient_cache:
            log_factor = self._patient_log_factor(age, sex)
            base = self.source_prior * np.exp(log_factor)
            doubt = self.knowledge.model.model_doubt
            self._patient_cache[key] = (log_factor, doubt * (base / base.sum()))
        return self._patient_cache[key]

    def unit_base(self, config: SideConfig, age: int | None, sex: str | None) -> Array:
        """(U,) each unit's log prior for this age and sex plus the weighted log probability
        that it marks nothing: the part of its logit that no mark or answer changes. Pairs share
        it too (inference.infer)."""
        key = (config, age, sex)
        cached = self._unit_base.get(key)
        if cached is None:
            units = self.units(config)
            cached = (
                units.log_prior
                + self.patient_log_factor(age, sex)[units.source]
                + self.knowledge.model.drawing_weight * units.sum_log_not_p
            )
            self._unit_base[key] = cached
        return cached

    def _patient_log_factor(self, age: int | None, sex: str | None) -> Array:
        out = np.zeros(len(self.source_ids))
        for i, sid in enumerate(self.source_ids):
            effects = self.knowledge.sources[sid].patient
            if age is not None:
                for eff in effects.age:
                    if (eff.min is None or age >= eff.min) and (eff.max is None or age <= eff.max):
                        out[i] += math.log(eff.lr)
            if sex is not None and sex in effects.sex:
                out[i] += math.log(effects.sex[sex])
        return out


def _profile_vector(knowledge: Knowledge, name: str) -> Array:
    prof = knowledge.model.profiles[name]
    return np.array([getattr(prof, s) for s in SYMPTOMS])


def _ratios(base: float, lr_pos: float, lr_neg: float | None) -> tuple[float, float]:
    """(LR+, LR-) of a finding for a source: as published, completed from the base rate.

    P(yes | source) = base * LR+ must stay a probability, so LR+ is capped; a missing LR- is
    what that P implies, (1 - base * LR+) / (1 - base).
    """
    pos = min(lr_pos, 0.97 / base)
    neg = lr_neg if lr_neg is not None else max((1.0 - base * pos) / (1.0 - base), 0.03)
    return pos, neg


def predictive(base: Array, lr_yes: Array, lr_no: Array) -> Array:
    """P(yes | hypothesis) for choosing questions: the two ratios normalised against the base."""
    yes = base * lr_yes
    return np.asarray(np.clip(yes / (yes + (1.0 - base) * lr_no), 0.005, 0.995))


@functools.cache
def compiled_model(knowledge: Knowledge) -> Model:
    return Model(knowledge)
