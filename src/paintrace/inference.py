"""The probabilistic model: which sources best explain a drawing and a set of findings.

A *hypothesis* is one source component (a source, or a portion of one such as the front fibres of
gluteus minimus) on the left, the right or both sides, or a pair of the leading ones. Each
hypothesis gives every region of the body a probability of being marked and, if marked, a
probability for each symptom type; two components combine by noisy-OR, so a pair can explain a
drawing that neither explains alone. Findings enter as likelihoods derived from published
likelihood ratios, also combined by noisy-OR for pairs; unanswered findings contribute nothing.

Everything that does not depend on the person is compiled once into numpy arrays; pairs are
formed only among the leading single hypotheses, so one assessment (posterior, explanations and
the information gain of every open question) costs a few small matrix products and grows linearly
with the knowledge base. docs/engine.md gives the equations.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

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
class Units:
    """Single-component hypotheses for one side configuration, compiled once."""

    comp: NDArray[np.int64]  # (U,) component of each unit
    side: tuple[str, ...]  # (U,) left | right | both
    log_prior: Array  # (U,)
    p: Array  # (U, R) P(region marked)
    q: Array  # (U, R, 4) P(type drawn | marked)
    log_p: Array
    log_not_p: Array
    log_q_gain: Array  # (U, R, 4) log_q - log_not_q: what drawing a type adds
    sum_log_not_q: Array  # (U, R) log P(no type drawn | marked), summed over the types
    sum_log_not_p: Array  # (U,) log P(nothing marked)
    p_yes: Array  # (U, F)
    log_yes: Array
    log_no: Array
    source: NDArray[np.int64]  # (U,) source of each unit
    by_source: NDArray[np.int64]  # (U,) unit indices ordered by source
    source_starts: NDArray[np.int64]  # (S,) where each source's units begin in by_source


@dataclass(frozen=True)
class HypothesisSet:
    """The hypotheses of one assessment: every unit, plus pairs of the leading units."""

    n_units: int
    unit_comp: NDArray[np.int64]  # (U,)
    pair_a: NDArray[np.int64]  # (P,) unit indices
    pair_b: NDArray[np.int64]
    unit_p_yes: Array  # (U, F) P(yes | unit) for choosing questions
    pair_log_yes: Array  # (P, F) a pair's log ratios of a present / absent sign (noisy-OR)
    pair_log_no: Array
    base_rate: Array  # (F,)
    pair_comp_a: NDArray[np.int64]  # (P,) components of each pair
    pair_comp_b: NDArray[np.int64]
    by_source: NDArray[np.int64]  # (U,) unit indices ordered by source
    source_starts: NDArray[np.int64]  # (S,)
    base: Array  # (S,) the prior ranking (age and sex included) that model doubt mixes in
    doubt: float

    @functools.cached_property
    def pair_onehot_a(self) -> Array:
        """(U, P): pair -> its first unit, to share many posteriors' pair mass at once (the
        interview's); one posterior uses bincount. Pairs are few, so this stays linear in U."""
        return _onehot(self.pair_a, self.n_units)

    @functools.cached_property
    def pair_onehot_b(self) -> Array:
        return _onehot(self.pair_b, self.n_units)

    def p_yes(self, cols: NDArray[np.int64]) -> Array:
        """(U+P, K) P(yes | hypothesis) for these findings only: the interview asks about a
        few candidates, so the pairs' predictive table is not built for every finding."""
        pair = _predictive(
            self.base_rate[cols],
            np.exp(self.pair_log_yes[:, cols]),
            np.exp(self.pair_log_no[:, cols]),
        )
        return np.concatenate([self.unit_p_yes[:, cols], pair])


def _onehot(index: NDArray[np.int64], n: int) -> Array:
    out = np.zeros((n, len(index)))
    out[index, np.arange(len(index))] = 1.0
    return out


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
        self.comp_p_yes = _predictive(self.base_rate, lr_yes, lr_no)

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
        # The same pairs as sorted keys (a * C + b) for a vectorised lookup.
        keys = sorted((a * n_c + b, f) for (a, b), f in self.pair_boost.items())
        self.boost_keys = np.array([k for k, _ in keys] or [-1], dtype=np.int64)
        self.boost_log = np.log(np.array([f for _, f in keys] or [1.0]))
        self.log_pair_prior = math.log(params.pair_prior)
        self._units: dict[SideConfig, Units] = {}
        self._patient_cache: dict[tuple[int | None, str | None], Array] = {}

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
        q = np.clip(np.concatenate([self._q[side] for side in sides]), _EPS, 1 - _EPS)
        p_yes = self.comp_p_yes[comp]
        source = self.comp_source[comp]
        by_source = np.argsort(source, kind="stable")
        source_starts = np.searchsorted(source[by_source], np.arange(len(self.source_ids)))
        return Units(
            comp=comp,
            side=side_of,
            log_prior=np.concatenate(log_prior_parts),
            p=p,
            q=q,
            log_p=np.log(np.clip(p, _EPS, 1 - _EPS)),
            log_not_p=np.log(np.clip(1.0 - p, _EPS, 1.0)),
            log_q_gain=np.log(q) - np.log(1.0 - q),
            sum_log_not_q=np.log(1.0 - q).sum(axis=2),
            sum_log_not_p=np.log(np.clip(1.0 - p, _EPS, 1.0)).sum(axis=1),
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
        key = (age, sex)
        if key not in self._patient_cache:
            self._patient_cache[key] = self._patient_log_factor(age, sex)
        return self._patient_cache[key]

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


def _predictive(base: Array, lr_yes: Array, lr_no: Array) -> Array:
    """P(yes | hypothesis) for choosing questions: the two ratios normalised against the base."""
    yes = base * lr_yes
    return np.asarray(np.clip(yes / (yes + (1.0 - base) * lr_no), 0.005, 0.995))


@functools.cache
def _pair_indices(k: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Every unordered pair of k leading hypotheses (upper triangle), computed once per k."""
    ia, ib = np.triu_indices(k, 1)
    return ia, ib


@functools.cache
def compiled_model(knowledge: Knowledge) -> Model:
    return Model(knowledge)


# ---------------------------------------------------------------------- posterior


@dataclass
class Posterior:
    model: Model
    hyps: HypothesisSet
    post: Array  # (H,) normalised over units then pairs
    source_probs: Array  # (S,)
    answered: Mapping[str, bool]
    # computed on first use
    _ranking: list[tuple[str, float]] | None = field(default=None, init=False, repr=False)
    _partners: tuple[NDArray[np.int64], NDArray[np.int64], Array] | None = field(
        default=None, init=False, repr=False
    )

    def ranking(self) -> list[tuple[str, float]]:
        if self._ranking is None:
            order = np.argsort(-self.source_probs, kind="stable")
            ids = self.model.source_ids
            self._ranking = [(ids[i], float(self.source_probs[i])) for i in order]
        return self._ranking

    def top_hypothesis(self) -> set[str]:
        """The sources of the single most probable hypothesis (one or two)."""
        h = int(np.argmax(self.post))
        n_u = self.hyps.n_units
        comps = (
            [int(self.hyps.unit_comp[h])]
            if h < n_u
            else [int(self.hyps.pair_comp_a[h - n_u]), int(self.hyps.pair_comp_b[h - n_u])]
        )
        return {self.model.components[c].source for c in comps}

    def partner_mass(self) -> tuple[NDArray[np.int64], NDArray[np.int64], Array]:
        """(source a, source b, posterior mass) of every pair of two different sources.

        Computed once per posterior and kept as the few pair arrays (a fixed number), not an
        S x S table: explanations ask for it once per ranked source, and a large knowledge
        base would make a table the biggest allocation of the assessment.
        """
        if self._partners is None:
            model, hyps = self.model, self.hyps
            sa = model.comp_source[hyps.pair_comp_a]
            sb = model.comp_source[hyps.pair_comp_b]
            mass = self.post[hyps.n_units :]
            distinct = sa != sb
            self._partners = (sa[distinct], sb[distinct], mass[distinct])
        return self._partners


def source_probabilities(model: Model, hyps: HypothesisSet, post: Array) -> Array:
    """Share each hypothesis' probability among its sources; works on (H,) or (H, K) posteriors.

    A pair's mass is split between its two members in proportion to how well each explains the
    picture alone (their single-hypothesis posteriors), so the reported probabilities sum to one
    and read as "the probability that this is the main source". Then the prior ranking is mixed
    in with weight `model_doubt`: the model may be wrong, so no source is ever certain. Sums
    over index arrays keep the cost linear in the size of the knowledge base.
    """
    post2 = post if post.ndim == 2 else post[:, None]
    n_u = hyps.n_units
    unit_mass = post2[:n_u].copy()
    pair_mass = post2[n_u:]
    if len(hyps.pair_a):
        ga, gb = unit_mass[hyps.pair_a], unit_mass[hyps.pair_b]
        share_a = (ga + 1e-300) / (ga + gb + 2e-300)
        to_a, to_b = pair_mass * share_a, pair_mass * (1.0 - share_a)
        if post.ndim == 1:
            n_units = len(unit_mass)
            unit_mass[:, 0] += np.bincount(hyps.pair_a, to_a[:, 0], n_units)
            unit_mass[:, 0] += np.bincount(hyps.pair_b, to_b[:, 0], n_units)
        else:
            unit_mass += hyps.pair_onehot_a @ to_a + hyps.pair_onehot_b @ to_b
    out = np.add.reduceat(unit_mass[hyps.by_source], hyps.source_starts, axis=0)
    out = (1.0 - hyps.doubt) * out + hyps.doubt * hyps.base[:, None]
    return out if post.ndim == 2 else out[:, 0]


def infer(
    model: Model,
    drawing: Mapping[str, Sequence[str]],
    findings: Mapping[str, bool],
    age: int | None = None,
    sex: str | None = None,
) -> Posterior:
    params = model.knowledge.model
    units = model.units(model.side_config(drawing))
    marked, types = model.encode_drawing(drawing)
    midx = np.nonzero(marked)[0]
    t_m = types[midx]  # (M, 4) symptom types of the marked regions
    yes, no = model.encode_findings(findings)
    w_draw, w_find = params.drawing_weight, params.findings_weight
    # Symptom types repeated over many regions are one observation: full weight over at most
    # `type_regions` regions, averaged beyond.
    type_scale = min(1.0, params.type_regions / len(midx)) if len(midx) else 1.0
    log_patient_s = model.patient_log_factor(age, sex)

    # Single hypotheses: every component on every side of the configuration. Symptom types
    # are 0/1, so a type's log-likelihood is log(1 - q) plus log-odds(q) where it was drawn.
    n_units = len(units.comp)
    u_draw = units.sum_log_not_p + (units.log_p[:, midx] - units.log_not_p[:, midx]).sum(axis=1)
    u_type = units.sum_log_not_q[:, midx].sum(axis=1)
    u_type += units.log_q_gain[:, midx].reshape(n_units, -1) @ t_m.reshape(-1)
    u_draw += u_type * type_scale
    u_find = units.log_yes @ yes + units.log_no @ no
    u_prior = units.log_prior + log_patient_s[units.source]
    u_logit = u_prior + w_draw * u_draw + w_find * u_find

    # Pairs among the leading single hypotheses, combined by noisy-OR.
    k = min(model.pair_candidates, len(u_logit))
    top = np.argpartition(-u_logit, k - 1)[:k]
    ia, ib = _pair_indices(k)
    pa_u, pb_u = top[ia], top[ib]
    keep = units.comp[pa_u] != units.comp[pb_u]
    pa_u, pb_u = pa_u[keep], pb_u[keep]
    # Only the marked regions need the pair's own probabilities. Over all regions, the noisy-OR
    # of never-marked regions is a sum the units already hold: 1 - p_pair = (1 - pa)(1 - pb) /
    # (1 - leak) exactly, and p stays within [leak, 0.6], far from the clipping bounds.
    p_m = units.p[:, midx]
    pa, pb = p_m[pa_u], p_m[pb_u]
    p_pair = np.clip(1.0 - (1.0 - pa) * (1.0 - pb) / (1.0 - model.leak), _EPS, 1 - _EPS)
    wa, wb = pa[:, :, None], pb[:, :, None]
    q_m = units.q[:, midx]
    q_pair = (wa * q_m[pa_u] + wb * q_m[pb_u]) / (wa + wb)
    # Noisy-OR for answers: a sign is absent only if neither member brings it (the ratios of
    # absence multiply); a present sign is explained by the member that explains it best.
    pair_log_no = units.log_no[pa_u] + units.log_no[pb_u]
    pair_log_yes = np.maximum(units.log_yes[pa_u], units.log_yes[pb_u])
    log_not_leak = np.log(1.0 - model.leak) * len(model.region_ids)
    p_draw = units.sum_log_not_p[pa_u] + units.sum_log_not_p[pb_u] - log_not_leak
    p_draw += (np.log(p_pair) - np.log(1.0 - p_pair)).sum(axis=1)
    drawn = t_m[None, :, :] > 0.5
    p_draw += np.log(np.where(drawn, q_pair, 1.0 - q_pair)).sum(axis=(1, 2)) * type_scale
    p_find = pair_log_yes @ yes + pair_log_no @ no
    ca, cb = units.comp[pa_u], units.comp[pb_u]
    key = ca * len(model.components) + cb
    at = np.minimum(np.searchsorted(model.boost_keys, key), len(model.boost_keys) - 1)
    log_boost = np.where(model.boost_keys[at] == key, model.boost_log[at], 0.0)
    p_prior = model.log_pair_prior + log_boost + u_prior[pa_u] + u_prior[pb_u]
    p_logit = p_prior + w_draw * p_draw + w_find * p_find

    logit = np.concatenate([u_logit, p_logit])
    post = np.exp(logit - logit.max())
    post /= post.sum()
    base = model.source_prior * np.exp(log_patient_s)
    hyps = HypothesisSet(
        n_units=len(units.comp),
        unit_comp=units.comp,
        pair_a=pa_u,
        pair_b=pb_u,
        unit_p_yes=units.p_yes,
        pair_log_yes=pair_log_yes,
        pair_log_no=pair_log_no,
        base_rate=model.base_rate,
        pair_comp_a=ca,
        pair_comp_b=cb,
        by_source=units.by_source,
        source_starts=units.source_starts,
        base=base / base.sum(),
        doubt=params.model_doubt,
    )
    return Posterior(model, hyps, post, source_probabilities(model, hyps, post), findings)


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
    like = hyps.p_yes(cols)  # (H, K)
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
    """Base region -> strongest level over the source's portions (computed once per source)."""
    cached = _ZONE_LEVELS.get(source.id)
    if cached is not None and cached[0] is source:
        return cached[1]
    levels: dict[str, str] = {}
    for portion in source.portions:
        for zone in portion.zones:
            if levels.get(zone.region) != "essential":
                levels[zone.region] = zone.level
    _ZONE_LEVELS[source.id] = (source, levels)
    return levels


_ZONE_LEVELS: dict[str, tuple[Source, dict[str, str]]] = {}


def partners(
    posterior: Posterior, source_id: str, min_mass: float = 1e-6
) -> list[tuple[str, float]]:
    """Other sources that explain the picture together with this one, with the posterior mass
    of those pairs, largest first (a root with secondary gluteal trigger points, say). Pairs
    with no real mass (under `min_mass`) name no partner."""
    model = posterior.model
    sa, sb, mass = posterior.partner_mass()
    me = model.source_index[source_id]
    mine = (sa == me) | (sb == me)
    totals: dict[int, float] = {}
    for other, m in zip(
        np.where(sa[mine] == me, sb[mine], sa[mine]).tolist(), mass[mine].tolist(), strict=True
    ):
        totals[other] = totals.get(other, 0.0) + m
    ranked = sorted((j for j, m in totals.items() if m >= min_mass), key=lambda j: (-totals[j], j))
    return [(model.source_ids[j], totals[j]) for j in ranked]


def finding_factor(model: Model, source_id: str, finding_id: str, value: bool) -> float:
    """How much an answer moves a source, as a likelihood ratio against the baseline."""
    return model.answer_factor[(source_id, value)][finding_id]
