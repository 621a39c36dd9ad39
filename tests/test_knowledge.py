"""The knowledge base holds every contract id and rejects inconsistent data."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from paintrace.knowledge import KnowledgeError, load_knowledge
from paintrace.knowledge.schema import LEVELS, knowledge_root, load_knowledge_from

CONTRACT = Path(__file__).parent / "contract"


def contract(name: str) -> dict:
    return yaml.safe_load((CONTRACT / name).read_text())


def test_every_contract_region_exists():
    atlas = contract("atlas.yaml")
    expected = {f"{side}.{r['id']}" for r in atlas["sided"] for side in atlas["sides"]}
    expected |= {r["id"] for r in atlas["midline"]}
    assert len(expected) == 74
    assert expected == set(load_knowledge().regions)


def test_every_contract_finding_exists_with_its_group():
    kb = load_knowledge()
    for f in contract("findings.yaml")["findings"]:
        assert f["id"] in kb.findings, f["id"]
        assert kb.findings[f["id"]].group == f["group"], f["id"]


def test_every_contract_source_exists_with_its_kind():
    kb = load_knowledge()
    for kind, ids in contract("sources.yaml").items():
        for sid in ids:
            assert kb.sources[sid].kind == kind, sid
    assert len(kb.sources) >= 26


def test_triage_levels_match_the_contract():
    levels = [lv["id"] for lv in contract("triage.yaml")["levels"]]
    assert levels == list(LEVELS)
    assert [lv.id for lv in load_knowledge().triage.levels] == levels


def test_every_muscle_has_trigger_points_and_every_root_its_pattern():
    for source in load_knowledge().sources.values():
        if source.kind == "muscle":
            assert source.trigger_points, source.id
        if source.kind == "nerve_root":
            assert source.root is not None, source.id


def test_every_claim_cites_a_known_reference():
    kb = load_knowledge()
    for source in kb.sources.values():
        assert source.references
        for ev in source.evidence:
            assert ev.references and all(k in kb.references for k in ev.references)
    for rule in kb.triage.rules:
        assert all(k in kb.references for k in rule.references)


def test_gluteus_minimus_has_front_and_back_portions():
    portions = {p.id for p in load_knowledge().sources["gluteus-minimus"].portions}
    assert portions == {"anterior", "posterior"}


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    dest = tmp_path / "kb"
    shutil.copytree(knowledge_root(), dest, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return dest


def test_a_copy_loads(kb_copy: Path):
    assert len(load_knowledge_from(kb_copy).sources) == len(load_knowledge().sources)


def test_unknown_keys_are_rejected(kb_copy: Path):
    path = kb_copy / "sources" / "piriformis.yaml"
    data = yaml.safe_load(path.read_text())
    data["colour"] = "red"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(KnowledgeError, match="piriformis"):
        load_knowledge_from(kb_copy)


def test_unknown_region_in_a_zone_is_rejected(kb_copy: Path):
    path = kb_copy / "sources" / "soleus.yaml"
    path.write_text(path.read_text().replace("region: heel,", "region: elbow,", 1))
    with pytest.raises(KnowledgeError, match="unknown region 'elbow'"):
        load_knowledge_from(kb_copy)


def test_unknown_reference_is_rejected(kb_copy: Path):
    path = kb_copy / "sources" / "soleus.yaml"
    path.write_text(path.read_text().replace("references: [M4, M19, M22]", "references: [Z9]"))
    with pytest.raises(KnowledgeError, match="unknown reference 'Z9'"):
        load_knowledge_from(kb_copy)


def test_unknown_finding_in_a_rule_is_rejected(kb_copy: Path):
    path = kb_copy / "triage.yaml"
    path.write_text(path.read_text().replace("{finding: fever}", "{finding: feverish}", 1))
    with pytest.raises(KnowledgeError, match="unknown finding 'feverish'"):
        load_knowledge_from(kb_copy)


def test_file_name_must_match_id(kb_copy: Path):
    (kb_copy / "sources" / "soleus.yaml").rename(kb_copy / "sources" / "calf.yaml")
    with pytest.raises(KnowledgeError, match="must match the file name"):
        load_knowledge_from(kb_copy)


def test_a_muscle_without_a_technique_is_rejected(kb_copy: Path):
    (kb_copy / "techniques" / "soleus.yaml").unlink()
    with pytest.raises(KnowledgeError, match="every muscle needs its technique"):
        load_knowledge_from(kb_copy)


# The user-facing text of the knowledge base, by file and key path. references.yaml holds
# citations, fhir.yaml codes, and the body map's outlines are SVG paths: none is read as prose.
_NOT_PROSE_FILES = {"references.yaml", "fhir.yaml"}
_NOT_PROSE_KEYS = {"outlines", "references"}


def _prose(node: object, where: str) -> list[tuple[str, str]]:
    if isinstance(node, dict):
        return [
            item
            for key, value in node.items()
            if key not in _NOT_PROSE_KEYS
            for item in _prose(value, f"{where}.{key}")
        ]
    if isinstance(node, list):
        return [item for i, value in enumerate(node) for item in _prose(value, f"{where}[{i}]")]
    if isinstance(node, str) and len(re.findall(r"\b[A-Za-z]+\b", node)) >= 3:
        return [(where, " ".join(node.split()))]
    return []


def _knowledge_prose() -> list[tuple[str, str]]:
    root = knowledge_root()
    return [
        item
        for path in sorted(root.rglob("*.yaml"))
        if path.name not in _NOT_PROSE_FILES
        for item in _prose(yaml.safe_load(path.read_text()), str(path.relative_to(root)))
    ]


def test_no_sentence_in_the_knowledge_base_is_over_25_words():
    # Plain language: short sentences. A colon or semicolon before a capital starts a new one.
    long = [
        f"{where}: {sentence}"
        for where, text in _knowledge_prose()
        for sentence in re.split(r"(?<=[.!?:;])\s+(?=[A-Z\"'(])", text)
        if len(sentence.split()) > 25
    ]
    assert not long, "\n".join(long)


def test_the_knowledge_base_never_speaks_of_a_diagnosis():
    # paintrace does not diagnose: "your pattern fits X", never "confirm the diagnosis".
    said = [f"{where}: {text}" for where, text in _knowledge_prose() if "diagnos" in text.lower()]
    assert not said, "\n".join(said)
