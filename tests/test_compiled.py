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


def test_answer_factors_are_the_likelihood_ratios() -> None:
    model = compiled_model(load_knowledge())
    for comp in model.components[:5]:
        yes = model.answer_factor[(comp.source, True)]
        no = model.answer_factor[(comp.source, False)]
        first = next(c for c in model.components if c.source == comp.source).index
        for fid, f in list(model.finding_index.items())[:10]:
            assert np.isclose(yes[fid], np.exp(model.comp_log_yes[first, f]))
            assert np.isclose(no[fid], np.exp(model.comp_log_no[first, f]))
