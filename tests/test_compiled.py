"""The compiled model's invariants that inference relies on."""

from __future__ import annotations

import numpy as np

from paintrace.compiled import EPS, compiled_model
from paintrace.knowledge import load_knowledge


def test_pair_probabilities_never_reach_the_clipping_bounds() -> None:
    """inference sums a pair's unmarked regions from the units' precomputed sums, which is exact
    only while 1 - p_pair = (1 - p_a)(1 - p_b) / (1 - leak) stays inside (EPS, 1 - EPS)."""
    model = compiled_model(load_knowledge())
    for config in ("left", "right", "bilateral"):
        p = model.units(config).p
        lo, hi = float(p.min()), float(p.max())
        worst_high = 1.0 - (1.0 - hi) ** 2 / (1.0 - model.leak)
        worst_low = 1.0 - (1.0 - lo) ** 2 / (1.0 - model.leak)
        assert EPS < worst_low <= worst_high < 1.0 - EPS
        assert lo >= model.leak - 1e-12


def test_answer_factors_are_the_published_likelihood_ratios() -> None:
    """Each source's factor for an answer is the knowledge base's LR+ (yes) or LR- (no), for
    every piece of evidence; a finding a source has no evidence on moves it by 1."""
    kb = load_knowledge()
    model = compiled_model(kb)
    exact = 0
    for sid, source in kb.sources.items():
        yes = model.answer_factor[(sid, True)]
        no = model.answer_factor[(sid, False)]
        cited = {ev.finding: ev for ev in source.evidence}
        for fid in model.finding_ids:
            ev = cited.get(fid)
            if ev is None:
                assert (yes[fid], no[fid]) == (1.0, 1.0), (sid, fid)
                continue
            base = float(model.base_rate[model.finding_index[fid]])
            # LR+ as published unless base * LR+ would not be a probability
            assert np.isclose(yes[fid], min(ev.lr_pos, 0.97 / base)), (sid, fid)
            exact += ev.lr_pos <= 0.97 / base
            if ev.lr_neg is not None:
                assert np.isclose(no[fid], ev.lr_neg), (sid, fid)
            else:  # the LR- that P(yes | source) = base * LR+ implies
                assert no[fid] < 1.0 if ev.lr_pos > 1 else no[fid] >= 1.0, (sid, fid)
    assert exact > 50  # most evidence is used exactly as published
