"""The probabilistic model: which sources best explain a drawing and a set of findings.

A *hypothesis* is one source component (a source, or a portion of one such as the front fibres of
gluteus minimus) or a pair of them, on the left, the right or both sides. Each hypothesis gives
every region of the body a probability of being marked and, if marked, a probability for each
symptom type; two components combine by noisy-OR, so a pair can explain a drawing that neither
explains alone. Findings enter as likelihoods derived from published likelihood ratios, also
combined by noisy-OR for pairs; unanswered findings contribute nothing.

Everything that does not depend on the person is compiled once into numpy arrays, so one
assessment (posterior, explanations and the information gain of every open question) costs a few
matrix products. docs/engine.md gives the equations.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from paintrace.knowledge.schema import SIDES, SYMPTOMS, Knowledge, Source

Array = NDArray[np.float64]
SideConfig = str  # "left", "right" or "bilateral"
_EPS = 1e-9


@dataclass(frozen=True)
class Component:
    source: str
    portion: str
    index: int


@dataclass(frozen=True)
class HypothesisSet:
    """The compiled hypotheses for one side configuration of a drawing."""

    members: NDArray[np.int64]  # (H, 2) component indices; the second is -1 for a singleton
    sides: tuple[str, ...]  # (H,) left | right | both
    log_prior: Array  # (H,)
    source_count: Array  # (H, S): how many members of h belong to source s
    log_p: Array  # (H, R)   log P(region marked)
    log_not_p: Array  # (H, R) log P(region not marked)
    log_q: Array  # (H, R*4) log P(type drawn | marked)
    log_not_q: Array  # (H, R*4)
    p_yes: Array  # (H, F) P(finding true)
    single_rows: NDArray[np.int64]  # rows of singleton hypotheses
    single_comp: NDArray[np.int64]  # their component
    pair_rows: NDArray[np.int64]
    pair_a: NDArray[np.int64]
    pair_b: NDArray[np.int64]
    single_to_comp: Array  # (C, n_single) indicator
    pair_a_to_comp: Array  # (C, n_pair) indicator
    pair_b_to_comp: Array  # (C, n_pair) indicator


class Model:
    """The knowledge base compiled for fast inference."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        params = knowledge.model
        self.region_ids: list[str] = list(knowledge.regions)
        self.region_index = {rid: i for i, rid in enumerate(self.region_ids)}
        self.finding_ids: list[str] = list(knowledge.findings)
        self.finding_index = {fid: i for i, fid in enumerate(self.finding_ids)}
        self.source_ids: list[str] = list(knowledge.sources)
        self.source_index = {sid: i for i, sid in enumerate(self.source_ids)}
        self.components: list[Component] = []
        for source in knowledge.sources.values():
            for portion in source.portions:
                self.components.append(Component(source.id, portion.id, len(self.components)))
        self.comp_source = np.array(
            [self.source_index[c.source] for c in self.components], dtype=np.int64
        )
        self.comp_to_source = np.zeros((len(self.source_ids), len(self.components)))
        self.comp_to_source[self.comp_source, np.arange(len(self.components))] = 1.0

        n_r, n_c, n_f = len(self.region_ids), len(self.components), len(self.finding_ids)
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

        # Findings: P(true | component), from likelihood ratios against the base rate.
        self.base_rate = np.array(
            [params.base_rates.get(fid, params.finding_base_rate) for fid in self.finding_ids]
        )
        p_yes = np.tile(self.base_rate, (n_c, 1))
        for comp in self.components:
            for ev in knowledge.sources[comp.source].evidence:
                f = self.finding_index[ev.finding]
                p_yes[comp.index, f] = _p_true(float(self.base_rate[f]), ev.lr_pos, ev.lr_neg)
        self.comp_p_yes = p_yes

        # Priors (log), per component, before patient adjustments.
        prior = np.array(
            [
                knowledge.sources[c.source].prior
                * next(
                    pt.share for pt in knowledge.sources[c.source].portions if pt.id == c.portion
                )
                for c in self.components
            ]
        )
        self.comp_prior = prior / prior.sum()
        self.comp_bilateral = np.array(
            [knowledge.sources[c.source].bilateral for c in self.components]
        )
        self.pair_boost = np.ones((n_c, n_c))
        for boost in params.pair_boosts:
            for a in boost.a:
                for b in boost.b:
                    for ca in self._components_of(a):
                        for cb in self._components_of(b):
                            self.pair_boost[ca, cb] = self.pair_boost[cb, ca] = boost.factor
        self._sets: dict[SideConfig, HypothesisSet] = {}
        self.n_findings = n_f

    def _components_of(self, source_id: str) -> list[int]:
        return [c.index for c in self.components if c.source == source_id]

    def _concrete(self, base: str, side: str) -> list[str]:
        region = self.knowledge.base_regions[base]
        if any(base == m.id for m in self.knowledge.atlas.midline):
            return [region.id]
        return [f"{s}.{base}" for s in SIDES] if side == "both" else [f"{side}.{base}"]

    # ------------------------------------------------------------------ hypothesis sets

    def hypotheses(self, config: SideConfig) -> HypothesisSet:
        if config not in self._sets:
            self._sets[config] = self._build(config)
        return self._sets[config]

    def _build(self, config: SideConfig) -> HypothesisSet:
        params = self.knowledge.model
        sides = [config] if config in SIDES else [*SIDES, "both"]
        n_c = len(self.components)
        rows: list[tuple[int, int, str]] = []
        for side in sides:
            for a in range(n_c):
                rows.append((a, -1, side))
            for a in range(n_c):
                for b in range(a + 1, n_c):
                    rows.append((a, b, side))
        members = np.array([(a, b) for a, b, _ in rows], dtype=np.int64)
        side_of = tuple(s for _, _, s in rows)
        single = members[:, 1] < 0
        a_idx = members[:, 0]
        b_idx = np.where(single, 0, members[:, 1])

        # Priors: singletons by prevalence; pairs by the product, damped, boosted where two
        # sources are known to occur together. Side: the source's chance of being bilateral.
        def side_factor(comp: NDArray[np.int64], side: str) -> Array:
            bil = self.comp_bilateral[comp]
            if config in SIDES:
                return np.asarray(1.0 - bil)
            return np.asarray(bil if side == "both" else (1.0 - bil) / 2.0)

        log_prior = np.empty(len(rows))
        for i, (a, b, side) in enumerate(rows):
            pa = self.comp_prior[a] * float(side_factor(np.array(a), side))
            if b < 0:
                log_prior[i] = math.log(pa)
            else:
                pb = self.comp_prior[b] * float(side_factor(np.array(b), side))
                log_prior[i] = math.log(params.pair_prior * self.pair_boost[a, b] * pa * pb)

        p = np.empty((len(rows), len(self.region_ids)))
        q = np.empty((len(rows), len(self.region_ids), len(SYMPTOMS)))
        for side in sides:
            mask = np.array([s == side for s in side_of])
            ps, qs = self._p[side], self._q[side]
            pa, pb = ps[a_idx[mask]], ps[b_idx[mask]]
            qa, qb = qs[a_idx[mask]], qs[b_idx[mask]]
            sm = single[mask][:, None]
            pair_p = 1.0 - (1.0 - pa) * (1.0 - pb) / (1.0 - self.leak)
            p[mask] = np.where(sm, pa, pair_p)
            wa, wb = pa[:, :, None], pb[:, :, None]
            pair_q = (wa * qa + wb * qb) / (wa + wb)
            q[mask] = np.where(sm[:, :, None], qa, pair_q)

        ya, yb = self.comp_p_yes[a_idx], self.comp_p_yes[b_idx]
        pair_yes = 1.0 - (1.0 - ya) * (1.0 - yb) / (1.0 - self.base_rate)
        p_yes = np.clip(np.where(single[:, None], ya, pair_yes), 0.005, 0.995)

        n_s = len(self.source_ids)
        source_count = np.zeros((len(rows), n_s))
        np.add.at(source_count, (np.arange(len(rows)), self.comp_source[a_idx]), 1.0)
        pair_rows = np.nonzero(~single)[0]
        np.add.at(source_count, (pair_rows, self.comp_source[members[pair_rows, 1]]), 1.0)

        q = np.clip(q, _EPS, 1 - _EPS)
        single_rows = np.nonzero(single)[0]

        def indicator(comp_of_row: NDArray[np.int64]) -> Array:
            m = np.zeros((n_c, len(comp_of_row)))
            m[comp_of_row, np.arange(len(comp_of_row))] = 1.0
            return m

        return HypothesisSet(
            members=members,
            sides=side_of,
            log_prior=log_prior,
            source_count=source_count,
            log_p=np.log(np.clip(p, _EPS, 1 - _EPS)),
            log_not_p=np.log(np.clip(1.0 - p, _EPS, 1.0)),
            log_q=np.log(q).reshape(len(rows), -1),
            log_not_q=np.log(1.0 - q).reshape(len(rows), -1),
            p_yes=p_yes,
            single_rows=single_rows,
            single_comp=a_idx[single],
            pair_rows=pair_rows,
            pair_a=members[pair_rows, 0],
            pair_b=members[pair_rows, 1],
            single_to_comp=indicator(a_idx[single]),
            pair_a_to_comp=indicator(members[pair_rows, 0]),
            pair_b_to_comp=indicator(members[pair_rows, 1]),
        )

    # ------------------------------------------------------------------ encoding inputs

    def side_config(self, drawing: Mapping[str, Sequence[str]]) -> SideConfig:
        drawn = {self.knowledge.regions[rid].side for rid in drawing} - {None}
        if drawn == {"left", "right"}:
            return "bilateral"
        if drawn == {"right"}:
            return "right"
        return "left"  # left, or midline only (both sides are then symmetric)

    def encode_drawing(self, drawing: Mapping[str, Sequence[str]]) -> tuple[Array, Array]:
        marked = np.zeros(len(self.region_ids))
        types = np.zeros((len(self.region_ids), len(SYMPTOMS)))
        for rid, symptoms in drawing.items():
            r = self.region_index[rid]
            marked[r] = 1.0
            for sym in symptoms:
                types[r, SYMPTOMS.index(sym)] = 1.0
        return marked, types

    def encode_findings(self, findings: Mapping[str, bool]) -> tuple[Array, Array]:
        yes = np.zeros(self.n_findings)
        no = np.zeros(self.n_findings)
        for fid, value in findings.items():
            (yes if value else no)[self.finding_index[fid]] = 1.0
        return yes, no

    def patient_log_factor(self, age: int | None, sex: str | None) -> Array:
        """Log prior adjustment per source from age and sex (published or estimated ratios)."""
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


def _p_true(base: float, lr_pos: float, lr_neg: float | None) -> float:
    """P(finding true | source) that reproduces the published ratios as closely as one number can.

    Against a shared base rate b, P(true|s) = b·LR+ reproduces LR+ and 1 − (1−b)·LR− reproduces
    LR−; when both are published we take the mean of the two estimates.
    """
    from_pos = base * lr_pos
    estimates = [from_pos]
    if lr_neg is not None:
        estimates.append(1.0 - (1.0 - base) * lr_neg)
    return float(min(max(sum(estimates) / len(estimates), 0.01), 0.97))


@functools.cache
def compiled_model(knowledge: Knowledge) -> Model:
    return Model(knowledge)


# ---------------------------------------------------------------------- posterior


@dataclass
class Posterior:
    model: Model
    hyps: HypothesisSet
    post: Array  # (H,) normalised
    log_draw: Array  # (H,) drawing log-likelihood
    source_probs: Array  # (S,)
    answered: Mapping[str, bool]

    def ranking(self) -> list[tuple[str, float]]:
        order = np.argsort(-self.source_probs, kind="stable")
        return [(self.model.source_ids[i], float(self.source_probs[i])) for i in order]


def source_probabilities(model: Model, hyps: HypothesisSet, post: Array) -> Array:
    """Share each hypothesis' probability among its sources; works on (H,) or (H, K) posteriors.

    A pair's mass is split between its two members in proportion to how well each explains the
    picture alone (their singleton posteriors), so the reported probabilities sum to one and read
    as "the probability that this is the main source".
    """
    post2 = post if post.ndim == 2 else post[:, None]
    single = hyps.single_to_comp @ post2[hyps.single_rows]  # (C, K)
    ga, gb = single[hyps.pair_a], single[hyps.pair_b]
    share_a = (ga + 1e-300) / (ga + gb + 2e-300)
    pair_mass = post2[hyps.pair_rows]
    comp_mass = (
        single
        + hyps.pair_a_to_comp @ (pair_mass * share_a)
        + hyps.pair_b_to_comp @ (pair_mass * (1.0 - share_a))
    )
    out = model.comp_to_source @ comp_mass
    return out if post.ndim == 2 else out[:, 0]


def infer(
    model: Model,
    drawing: Mapping[str, Sequence[str]],
    findings: Mapping[str, bool],
    age: int | None = None,
    sex: str | None = None,
) -> Posterior:
    hyps = model.hypotheses(model.side_config(drawing))
    marked, types = model.encode_drawing(drawing)
    tm = (types * marked[:, None]).ravel()
    ntm = ((1.0 - types) * marked[:, None]).ravel()
    log_draw = (
        hyps.log_p @ marked
        + hyps.log_not_p @ (1.0 - marked)
        + hyps.log_q @ tm
        + hyps.log_not_q @ ntm
    )
    yes, no = model.encode_findings(findings)
    log_find = np.log(hyps.p_yes) @ yes + np.log(1.0 - hyps.p_yes) @ no
    log_patient = hyps.source_count @ model.patient_log_factor(age, sex)
    weight = model.knowledge.model.evidence_weight
    logit = hyps.log_prior + log_patient + weight * (log_draw + log_find)
    post = np.exp(logit - logit.max())
    post /= post.sum()
    probs = source_probabilities(model, hyps, post)
    return Posterior(model, hyps, post, log_draw, probs, findings)


def entropy(p: Array) -> Array:
    """Shannon entropy in bits along axis 0."""
    p = np.clip(p, 1e-12, 1.0)
    return np.asarray(-(p * np.log2(p)).sum(axis=0))


def information_gain(posterior: Posterior, candidates: Sequence[str]) -> dict[str, float]:
    """Expected reduction (bits) in the entropy of the ranking, per candidate question."""
    if not candidates:
        return {}
    model, hyps, post = posterior.model, posterior.hyps, posterior.post
    cols = np.array([model.finding_index[f] for f in candidates])
    like = hyps.p_yes[:, cols]  # (H, K)
    joint_yes = post[:, None] * like
    joint_no = post[:, None] * (1.0 - like)
    p_yes = joint_yes.sum(axis=0)
    p_no = 1.0 - p_yes
    h_yes = entropy(source_probabilities(model, hyps, joint_yes / p_yes))
    h_no = entropy(source_probabilities(model, hyps, joint_no / p_no))
    gain = entropy(posterior.source_probs) - (p_yes * h_yes + p_no * h_no)
    return {fid: float(g) for fid, g in zip(candidates, gain, strict=True)}


# ---------------------------------------------------------------------- explanations


def zone_levels(source: Source) -> dict[str, str]:
    """Base region -> strongest level over the source's portions."""
    levels: dict[str, str] = {}
    for portion in source.portions:
        for zone in portion.zones:
            if levels.get(zone.region) != "essential":
                levels[zone.region] = zone.level
    return levels


def best_component(posterior: Posterior, source_id: str) -> Component:
    """The portion of a source that best explains this person's picture."""
    model, hyps = posterior.model, posterior.hyps
    comps = [c for c in model.components if c.source == source_id]
    if len(comps) == 1:
        return comps[0]
    scores = []
    for comp in comps:
        rows = hyps.single_rows[hyps.single_comp == comp.index]
        scores.append(float(posterior.post[rows].sum()))
    return comps[int(np.argmax(scores))]


def finding_factor(model: Model, source_id: str, finding_id: str, value: bool) -> float:
    """How much an answer moves a source, as a likelihood ratio against the baseline."""
    comp = next(c for c in model.components if c.source == source_id)
    f = model.finding_index[finding_id]
    p = float(model.comp_p_yes[comp.index, f])
    b = float(model.base_rate[f])
    return p / b if value else (1.0 - p) / (1.0 - b)
