"""Django adapter around the paintrace core: settings, API, saved assessments.

It holds no clinical logic: every answer comes from :mod:`paintrace.assessment`. Importing this
package does not import Django, so ``paintrace.cli`` can import :mod:`paintrace.web.server` lazily.
"""
