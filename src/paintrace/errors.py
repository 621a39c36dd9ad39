"""The one error type for bad input, shared by every reader of untrusted data.

It lives below the modules that raise it (assessment, journal, import) so none of them has to
import another to report a bad field the same way.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping


class InputError(ValueError):
    """Bad input; `field` names the offending field (e.g. ``drawing.left.calf``).

    `kind` is the machine-readable class of the problem the API reports beside the message.
    """

    def __init__(self, field: str, message: str, kind: str = "value_error") -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.kind = kind


def refuse_unknown(data: Mapping[str, object], allowed: Collection[str], where: str = "") -> None:
    """Refuse a field this reader does not know, naming the first (in sorted order) and the
    allowed ones.

    A misspelt field ignored would silently drop what the person said (``saddle_numbness`` for
    ``saddle-numbness``). Every reader of outside JSON, the engine's input, the journal and the
    API's small bodies, words the refusal the same way so clients can show it the same way.
    `where` prefixes the field for nested objects (``patient.``).
    """
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        names = ", ".join(sorted(allowed))
        raise InputError(f"{where}{unknown[0]}", f"unknown field; allowed fields: {names}")
