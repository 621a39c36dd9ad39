"""The validated knowledge base as one object, with the checks that cross files.

Each file's types check themselves on load; what only the whole can check (every id one file
names exists in another) is checked here, once all files are read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from paintrace.knowledge.atlas import Atlas, Region
from paintrace.knowledge.care import CareRules, SelfManagement, Technique
from paintrace.knowledge.findings import (
    AllOf,
    AnyOf,
    Condition,
    DrawingMarked,
    Finding,
    FindingIs,
    Triage,
)
from paintrace.knowledge.model_params import ModelParams
from paintrace.knowledge.pain_sources import Source
from paintrace.knowledge.vocabulary import LEVELS, SIDES, KnowledgeError, Reference


class Knowledge:
    """The validated knowledge base, with lookups the engine and the adapters need."""

    def __init__(
        self,
        *,
        references: dict[str, Reference],
        atlas: Atlas,
        findings: list[Finding],
        sources: list[Source],
        triage: Triage,
        model: ModelParams,
        techniques: list[Technique],
        self_management: list[SelfManagement],
        care: CareRules,
    ) -> None:
        self.techniques = {t.source: t for t in techniques}
        self.self_management = {m.source: m for m in self_management}
        self.care = care
        self.references = references
        self.atlas = atlas
        self.findings = {f.id: f for f in findings}
        self.sources = {s.id: s for s in sources}
        self.triage = triage
        self.model = model
        self.base_regions = {r.id: r for r in [*atlas.sided, *atlas.midline]}
        self.regions: dict[str, Region] = {}
        for base in atlas.sided:
            for side in SIDES:
                rid = f"{side}.{base.id}"
                self.regions[rid] = Region(
                    rid,
                    base.id,
                    side,
                    base.name,
                    base.landmarks,
                    base.view,
                    base.below_knee,
                    base.leg,
                )
        for base in atlas.midline:
            self.regions[base.id] = Region(
                base.id,
                base.id,
                None,
                base.name,
                base.landmarks,
                base.view,
                base.below_knee,
                base.leg,
            )
        self.check()

    # The checks live here rather than in validators because they cross files.
    def check(self) -> None:
        problems: list[str] = []
        refs = self.references

        def need_refs(where: str, keys: Iterable[str]) -> None:
            for key in keys:
                if key not in refs:
                    problems.append(f"{where}: unknown reference {key!r}")

        def need_base_region(where: str, rid: str) -> None:
            if rid not in self.base_regions:
                problems.append(f"{where}: unknown region {rid!r}")

        def need_finding(where: str, fid: str) -> None:
            if fid not in self.findings:
                problems.append(f"{where}: unknown finding {fid!r}")

        for f in self.findings.values():
            need_refs(f"findings.yaml {f.id}", f.references)
        profiles = self.model.profiles
        if self.model.leak_profile not in profiles:
            problems.append(f"model.yaml: unknown profile {self.model.leak_profile!r}")
        for kind, name in self.model.default_profile.items():
            if name not in profiles:
                problems.append(f"model.yaml: default profile for {kind}: unknown {name!r}")
        for s in self.sources.values():
            where = f"sources/{s.id}.yaml"
            need_refs(where, s.references)
            need_refs(where, s.patient.references)
            if s.profile and s.profile not in profiles:
                problems.append(f"{where}: unknown profile {s.profile!r}")
            for portion in s.portions:
                seen: set[str] = set()
                for z in portion.zones:
                    need_base_region(where, z.region)
                    if z.region in seen:
                        problems.append(f"{where}: region {z.region!r} listed twice")
                    seen.add(z.region)
                    if z.profile and z.profile not in profiles:
                        problems.append(f"{where}: unknown profile {z.profile!r}")
                for tp in portion.trigger_points:
                    need_base_region(where, tp.region)
            for ev in s.evidence:
                need_finding(where, ev.finding)
                need_refs(where, ev.references)
            if s.kind == "nerve_root" and s.root is None:
                problems.append(f"{where}: a nerve root needs its root pattern")
            if s.kind == "muscle" and not s.trigger_points:
                problems.append(f"{where}: a muscle needs trigger point landmarks")
        for fid in self.model.base_rates:
            need_finding("model.yaml base_rates", fid)
        for boost in self.model.pair_boosts:
            for sid in [*boost.a, *boost.b]:
                if sid not in self.sources:
                    problems.append(f"model.yaml: pair boost names unknown source {sid!r}")
            need_refs("model.yaml", boost.references)

        for tech in self.techniques.values():
            where = f"techniques/{tech.source}.yaml"
            source = self.sources.get(tech.source)
            if source is None or source.kind != "muscle":
                problems.append(f"{where}: {tech.source!r} is not a muscle source")
            need_refs(where, tech.references)
            need_refs(where, tech.massage.references)
            for stretch in tech.stretches:
                need_refs(where, stretch.references)
        for sm in self.self_management.values():
            where = f"self_management/{sm.source}.yaml"
            if sm.source not in self.sources or self.sources[sm.source].kind == "muscle":
                problems.append(f"{where}: {sm.source!r} is not a non-muscle source")
            need_refs(where, sm.references)
        for source in self.sources.values():
            if source.kind == "muscle" and source.id not in self.techniques:
                problems.append(f"techniques/{source.id}.yaml: every muscle needs its technique")
            if source.kind != "muscle" and source.id not in self.self_management:
                problems.append(f"self_management/{source.id}.yaml: missing for {source.id!r}")
        need_refs("care.yaml", self.care.references)
        for entry in self.care.faq:
            need_refs("care.yaml faq", entry.references)
        for mod in self.care.modifiers:
            need_finding("care.yaml modifiers", mod.finding)
            need_refs("care.yaml modifiers", mod.references)
            for sid in mod.no_massage:
                if sid not in self.techniques:
                    problems.append(f"care.yaml modifiers: {sid!r} has no technique")
        for site in self.care.nerve_sites:
            for rid in site.regions:
                need_base_region("care.yaml", rid)

        def walk(where: str, cond: Condition) -> None:
            if isinstance(cond, FindingIs):
                need_finding(where, cond.finding)
            elif isinstance(cond, DrawingMarked):
                for rid in cond.marked:
                    need_base_region(where, rid)
            elif isinstance(cond, AllOf):
                for c in cond.all:
                    walk(where, c)
            elif isinstance(cond, AnyOf):
                for c in cond.any:
                    walk(where, c)

        level_ids = [lv.id for lv in self.triage.levels]
        if level_ids != list(LEVELS):
            problems.append(f"triage.yaml: levels must be {list(LEVELS)}, got {level_ids}")
        for f in self.findings.values():
            for fid in f.implies:
                need_finding(f"findings.yaml {f.id} implies", fid)
            if f.applies_when is not None:
                walk(f"findings.yaml {f.id} applies_when", f.applies_when)
        for rule in self.triage.rules:
            where = f"triage.yaml {rule.id}"
            walk(where, rule.when)
            for fid in rule.unless_false:
                need_finding(where, fid)
            if rule.cause is not None and rule.cause not in self.triage.causes:
                problems.append(f"{where}: unknown cause {rule.cause!r}")
            need_refs(where, rule.references)
        if problems:
            raise KnowledgeError("knowledge base is inconsistent:\n  " + "\n  ".join(problems))

    def with_implied(self, findings: Mapping[str, bool]) -> dict[str, bool]:
        """The answers with what they imply (contract v2: a finding may imply another).

        An explicit answer always wins; only unanswered findings are filled in.
        """
        out = dict(findings)
        for f in self.findings.values():
            for fid in f.implies:
                if findings.get(f.id) is True and fid not in findings:
                    out[fid] = True
                if findings.get(fid) is False and f.id not in findings:
                    out[f.id] = False
        return out

    def concrete(self, base: str, sides: Iterable[str]) -> list[str]:
        """The drawing's ids for a base region on the given sides (a midline id as it is)."""
        if base in self.regions:  # midline regions have no side
            return [base]
        return [rid for side in sides if (rid := f"{side}.{base}") in self.regions]

    def drawn_sides(self, drawing: Iterable[str]) -> list[str]:
        """The sides a drawing marks, left before right; empty for a midline-only drawing."""
        sides = {self.regions[rid].side for rid in drawing if rid in self.regions}
        return [side for side in SIDES if side in sides]

    def region_name(self, rid: str) -> str:
        region = self.regions[rid]
        if region.side is None:
            return region.name
        return f"{region.name} ({region.side})"
