"""Reading the knowledge base from its YAML files, and the cache that spares doing it per call.

YAML and pydantic are imported only when the knowledge base is (re)built: a cached, already
validated knowledge base is unpickled without them, which is what keeps `paintrace assess` quick
to start.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
from importlib import resources
from pathlib import Path
from typing import Any

from paintrace.knowledge.atlas import Atlas
from paintrace.knowledge.care import CareRules, SelfManagement, Technique
from paintrace.knowledge.findings import Finding, Triage
from paintrace.knowledge.knowledge_base import Knowledge
from paintrace.knowledge.model_params import ModelParams
from paintrace.knowledge.pain_sources import Source
from paintrace.knowledge.vocabulary import KnowledgeError, Reference


def read_yaml(path: Path) -> Any:
    """One YAML file of the knowledge base; a syntax error names the file."""
    import yaml  # imported on first use: a cached knowledge base needs no YAML

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=loader)
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{path.name}: not valid YAML: {exc}") from exc


def _validated(kind: Any, data: Any, where: str) -> Any:
    from pydantic import TypeAdapter  # only when (re)building: the cache needs no pydantic

    try:
        return TypeAdapter(kind).validate_python(data)
    except ValueError as exc:
        raise KnowledgeError(f"{where}: {exc}") from exc


def load_knowledge_from(root: Path) -> Knowledge:
    """Load and validate a knowledge base from a folder (tests use this on modified copies)."""
    refs_raw = read_yaml(root / "references.yaml") or {}
    references = {k: _validated(Reference, v, f"references.yaml {k}") for k, v in refs_raw.items()}
    atlas = _validated(Atlas, read_yaml(root / "atlas.yaml"), "atlas.yaml")
    findings = [
        _validated(Finding, f, f"findings.yaml #{i}")
        for i, f in enumerate(read_yaml(root / "findings.yaml")["findings"])
    ]
    sources = []
    for path in sorted((root / "sources").glob("*.yaml")):
        source = _validated(Source, Source.normalise(read_yaml(path)), f"sources/{path.name}")
        if source.id != path.stem:
            raise KnowledgeError(f"sources/{path.name}: id {source.id!r} must match the file name")
        sources.append(source)
    triage = _validated(Triage, read_yaml(root / "triage.yaml"), "triage.yaml")
    model = _validated(ModelParams, read_yaml(root / "model.yaml"), "model.yaml")
    techniques = [
        _validated(Technique, read_yaml(path), f"techniques/{path.name}")
        for path in sorted((root / "techniques").glob("*.yaml"))
    ]
    self_management = [
        _validated(SelfManagement, read_yaml(path), f"self_management/{path.name}")
        for path in sorted((root / "self_management").glob("*.yaml"))
    ]
    care = _validated(CareRules, read_yaml(root / "care.yaml"), "care.yaml")
    return Knowledge(
        references=references,
        atlas=atlas,
        findings=findings,
        sources=sources,
        triage=triage,
        model=model,
        techniques=techniques,
        self_management=self_management,
        care=care,
    )


def knowledge_root() -> Path:
    return Path(str(resources.files("paintrace.knowledge")))


def fingerprint(root: Path) -> str:
    """A hash of a knowledge base and its schema, so a cache never outlives an edit."""
    digest = hashlib.sha256()
    # The schema's code is part of what a pickle means, so it is hashed with the data.
    for path in sorted([*root.rglob("*.yaml"), *root.glob("*.py")]):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


def _cache_dir() -> Path:
    explicit = os.environ.get("PAINTRACE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "paintrace"


@functools.cache
def load_knowledge() -> Knowledge:
    """The shipped knowledge base, loaded once per process.

    Validating the YAML costs more than the rest of a CLI call, so the validated object is
    pickled in the user's cache folder under a fingerprint of the files, and rebuilt whenever a
    file changes. A cache that cannot be read or written is simply ignored.
    """
    root = knowledge_root()
    path = _cache_dir() / f"knowledge-{fingerprint(root)}.pickle"
    try:
        with path.open("rb") as fh:
            cached = pickle.load(fh)
        if isinstance(cached, Knowledge):
            return cached
    except Exception:
        pass
    knowledge = load_knowledge_from(root)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(knowledge, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except OSError:
        pass
    return knowledge
