"""The clinical knowledge base: YAML data validated by :mod:`paintrace.knowledge.schema`."""

from paintrace.knowledge.schema import Knowledge, KnowledgeError, load_knowledge

__all__ = ["Knowledge", "KnowledgeError", "load_knowledge"]
