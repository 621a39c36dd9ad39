"""The probabilistic model: which sources best explain a drawing and a set of findings.

A *hypothesis* is one source component (a source, or a portion of one such as the front fibres of
gluteus minimus) on the left, the right or both sides, or a pair of the leading ones. Each
hypothesis gives every region of the body a probability of being marked and, if marked, a
probability for each symptom type; two components combine by noisy-OR, so a pair can explain a
drawing that neither explains alone. Findings enter as likelihoods derived from published
likelihood ratios, also combined by noisy-OR for pairs; unanswered findings contribute nothing.

Everything that does not depend on the person is compiled once into numpy arrays
(:mod:`paintrace.compiled`); pairs are formed only among the leading single hypotheses, so one
assessment (posterior, explanations and the information gain of every open question) costs a few
small matrix products and grows linearly with the knowledge base. docs/engine.md gives the
equations.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import cast

import numpy as np
from numpy.typing import NDArray

from paintrace.compiled import (
    Array,
    Component,
    Model,
    SideConfig,
    Units,
    compiled_model,
    predictive,
)

__all__ = [
    "Array",
    "Component",
    "HypothesisSet",
    "Model",
    "Posterior",
    "SideConfig",
    "Units",
    "compiled_model",
    "entropy",
    "finding_factor",
    "infer",
    "information_gain",
    "partners",
    "source_probabilities",
]


@dataclass(frozen=True)
class HypothesisSet:
    """The hypotheses of one assessment: every unit, plus pairs of the leading units."""

    n_units: int
    unit_comp: NDArray[np.int64]  # (U,)
    pair_a: NDArray[np.int64]  # (P,) unit indices
    pair_b: NDArray[np.int64]
    unit_p_yes: Array  # (U, F) P(yes | unit) for choosing questions
    unit_log_yes: Array  # (U, F) a unit's log ratios of a present / absent sign
    unit_log_no: Array
    base_rate: Array  # (F,)
    pair_comp_a: NDArray[np.int64]  # (P,) components of each pair
    pair_comp_b: NDArray[np.int64]
    by_source: NDArray[np.int64]  # (U,) unit indices ordered by source
    source_starts: NDArray[np.int64]  # (S,)
    trust: float  # 1 - model doubt: the weight of the posterior in the reported ranking
    doubt_base: Array  # (S,) model doubt times the prior ranking (age and sex included)

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
        log_yes, log_no = self.unit_log_yes[:, cols], self.unit_log_no[:, cols]
        pa, pb = self.pair_a, self.pair_b
        pair = predictive(
            self.base_rate[cols],
            np.exp(pair_log_yes(log_yes[pa], log_yes[pb])),
            np.exp(log_no[pa] + log_no[pb]),
        )
        return np.concatenate([self.unit_p_yes[:, cols], pair])


def pair_log_yes(a: Array, b: Array) -> Array:
    """A pair's log ratio for a sign that is present (noisy-OR): the member that explains it
    best explains it. For an absent sign neither member brings it, so the log ratios add."""
    return np.maximum(a, b)


def _onehot(index: NDArray[np.int64], n: int) -> Array:
    out = np.zeros((n, len(index)))
    out[index, np.arange(len(index))] = 1.0
    return out


@functools.cache
def _pair_indices(k: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Every unordered pair of k leading hypotheses (upper triangle), computed once per k."""
    ia, ib = np.triu_indices(k, 1)
    return ia, ib


# ---------------------------------------------------------------------- posterior


# the pairs of two different sources: source a, source b, mass, and the mass in all
_CrossPairs = tuple[NDArray[np.int64], NDArray[np.int64], Array, float]


@dataclass
class Posterior:
    model: Model
    hyps: HypothesisSet
    post: Array  # (H,) normalised over units then pairs
    source_probs: Array  # (S,)
    answered: Mapping[str, bool]
    # computed on first use
    _ranking: list[tuple[str, float]] | None = field(default=None, init=False, repr=False)
    _cross: _CrossPairs | None = field(default=None, init=False, repr=False)

    def ranking(self) -> list[tuple[str, float]]:
        if self._ranking is None:
            order = np.argsort(-self.source_probs, kind="stable").tolist()
            ids, probs = self.model.source_ids, self.source_probs.tolist()
            self._ranking = [(ids[i], probs[i]) for i in order]
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

    def cross_pairs(self) -> _CrossPairs:
        """The pairs of two different sources: their sources, their mass, and the mass in all.

        Computed once per posterior; explanations ask about partners once per ranked source.
        """
        if self._cross is None:
            model, hyps = self.model, self.hyps
            sa = model.comp_source[hyps.pair_comp_a]
            sb = model.comp_source[hyps.pair_comp_b]
            mass = self.post[hyps.n_units :]
            keep = sa != sb
            mass = mass[keep]
            self._cross = (sa[keep], sb[keep], mass, float(mass.sum()))
        return self._cross

    def partner_mass(self, source: int) -> Array:
        """(S,) the mass of this source's pairs with each other source: two bincounts over the
        pairs (a fixed number), not an S x S table, so a large knowledge base stays cheap."""
        sa, sb, mass, _ = self.cross_pairs()
        n = len(self.model.source_ids)
        in_a, in_b = sa == source, sb == source
        totals = np.bincount(sb[in_a], mass[in_a], n) + np.bincount(sa[in_b], mass[in_b], n)
        return cast(Array, totals)  # weighted bincounts are float


def source_probabilities(model: Model, hyps: HypothesisSet, post: Array) -> Array:
    """Share each hypothesis' probability among its sources; works on (H,) or (H, K) posteriors.

    A pair's mass is split between its two members in proportion to how well each explains the
    picture alone (their single-hypothesis posteriors), so the reported probabilities sum to one
    and read as "the probability that this is the main source". Then the prior ranking is mixed
    in with weight `model_doubt`: the model may be wrong, so no source is ever certain. Sums
    over index arrays keep the cost linear in the size of the knowledge base.
    """
    n_u = hyps.n_units
    unit_mass, pair_mass = post[:n_u], post[n_u:]
    if len(hyps.pair_a):
        ga, gb = unit_mass[hyps.pair_a], unit_mass[hyps.pair_b]
        to_a = pair_mass * ((ga + 1e-300) / (ga + gb + 2e-300))
        to_b = pair_mass - to_a
        if post.ndim == 1:  # one posterior: two weighted counts
            unit_mass = (
                unit_mass
                + np.bincount(hyps.pair_a, to_a, n_u)
                + np.bincount(hyps.pair_b, to_b, n_u)
            )
        else:
            unit_mass = unit_mass + hyps.pair_onehot_a @ to_a + hyps.pair_onehot_b @ to_b
    out = np.add.reduceat(unit_mass[hyps.by_source], hyps.source_starts, axis=0)
    doubt_base = hyps.doubt_base if post.ndim == 1 else hyps.doubt_base[:, None]
    return hyps.trust * out + doubt_base


def infer(
    model: Model,
    drawing: Mapping[str, Sequence[str]],
    findings: Mapping[str, bool],
    age: int | None = None,
    sex: str | None = None,
) -> Posterior:
    params = model.knowledge.model
    config = model.side_config(drawing)
    units = model.units(config)
    midx, t_m = model.encode_drawing(drawing)  # marked regions, and their symptom types (M, 4)
    said_yes, said_no = model.answered_columns(findings)
    w_draw, w_find = params.drawing_weight, params.findings_weight
    # Symptom types repeated over many regions are one observation: full weight over at most
    # `type_regions` regions, averaged beyond.
    type_scale = min(1.0, params.type_regions / len(midx)) if len(midx) else 1.0

    # Single hypotheses: every component on every side of the configuration. A unit's logit is
    # what a pair shares with its members (priors, nothing marked, answers no: for an absent
    # sign neither member brings it, so the log ratios add) plus its marks and its answers yes.
    # Symptom types are 0/1, so a type's log-likelihood is log(1 - q) plus log-odds(q) where it
    # was drawn: one product of the marked regions' terms with their weights.
    u_shared = model.unit_base(config, age, sex) + w_find * units.log_no[:, said_no].sum(axis=1)
    terms = units.mark_terms[:, midx].reshape(len(units.comp), -1)
    log_yes_u = units.log_yes[:, said_yes]
    u_logit = u_shared + terms @ model.mark_weights(t_m, type_scale)
    u_logit += w_find * log_yes_u.sum(axis=1)

    # Pairs among the leading single hypotheses, combined by noisy-OR.
    k = min(model.pair_candidates, len(u_logit))
    top = np.argpartition(-u_logit, k - 1)[:k]
    ia, ib = _pair_indices(k)
    pa_u, pb_u = top[ia], top[ib]
    keep = units.comp[pa_u] != units.comp[pb_u]
    pa_u, pb_u = pa_u[keep], pb_u[keep]
    # Only the marked regions need the pair's own probabilities. Over all regions, the noisy-OR
    # of never-marked regions is a sum the units already hold: 1 - p_pair = (1 - pa)(1 - pb) /
    # (1 - leak) exactly, and p stays within [leak, 0.6], so p_pair stays inside (0, 1). (The
    # leak's correction over every region is in Model.pair_base.)
    p_m = units.p[:, midx]
    pa, pb = p_m[pa_u], p_m[pb_u]
    not_pair = (1.0 - pa) * (1.0 - pb) / (1.0 - model.leak)
    p_draw = np.log((1.0 - not_pair) / not_pair).sum(axis=1)
    # A pair's symptom types mix its members' in proportion to how likely each marks the
    # region; for each type the drawn or the not-drawn side enters.
    pq = np.where(t_m, units.pq_yes[:, midx], units.pq_no[:, midx])  # (U, M, 4)
    mix = (pq[pa_u] + pq[pb_u]) / (pa + pb)[:, :, None]
    p_draw += np.log(mix).sum(axis=(1, 2)) * type_scale
    # Noisy-OR for answers (pair_log_yes), on the answered findings only: the interview builds
    # the columns it weighs itself (HypothesisSet.p_yes).
    p_yes = pair_log_yes(log_yes_u[pa_u], log_yes_u[pb_u]).sum(axis=1)
    ca, cb = units.comp[pa_u], units.comp[pb_u]
    key = ca * len(model.components) + cb
    at = np.searchsorted(model.boost_keys, key)
    p_base = np.where(model.boost_keys[at] == key, model.pair_base_boosted[at], model.pair_base)
    p_logit = p_base + u_shared[pa_u] + u_shared[pb_u] + w_draw * p_draw + w_find * p_yes

    logit = np.concatenate([u_logit, p_logit])
    post = np.exp(logit - logit.max())
    post /= post.sum()
    hyps = HypothesisSet(
        n_units=len(units.comp),
        unit_comp=units.comp,
        pair_a=pa_u,
        pair_b=pb_u,
        unit_p_yes=units.p_yes,
        unit_log_yes=units.log_yes,
        unit_log_no=units.log_no,
        base_rate=model.base_rate,
        pair_comp_a=ca,
        pair_comp_b=cb,
        by_source=units.by_source,
        source_starts=units.source_starts,
        trust=1.0 - params.model_doubt,
        doubt_base=model.doubt_base(age, sex),
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


def partners(
    posterior: Posterior, source_id: str, min_mass: float = 1e-6
) -> list[tuple[str, float]]:
    """Other sources that explain the picture together with this one, with the posterior mass
    of those pairs, largest first (a root with secondary gluteal trigger points, say). Pairs
    with no real mass (under `min_mass`) name no partner."""
    if posterior.cross_pairs()[3] < min_mass:  # no pair of two sources holds that much
        return []
    model = posterior.model
    totals = posterior.partner_mass(model.source_index[source_id])
    found = np.nonzero(totals >= min_mass)[0].tolist()
    ranked = sorted(found, key=lambda j: (-totals[j], j))
    return [(model.source_ids[j], float(totals[j])) for j in ranked]


def finding_factor(model: Model, source_id: str, finding_id: str, value: bool) -> float:
    """How much an answer moves a source, as a likelihood ratio against the baseline."""
    return model.answer_factor[(source_id, value)][finding_id]
