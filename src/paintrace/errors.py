"""The one error type for bad input, shared by every reader of untrusted data.

It lives below the modules that raise it (assessment, journal, import) so none of them has to
import another to report a bad field the same way.
"""

from __future__ import annotations


class InputError(ValueError):
    """Bad input; `field` names the offending field (e.g. ``drawing.left.calf``).

    `kind` is the machine-readable class of the problem the API reports beside the message.
    """

    def __init__(self, field: str, message: str, kind: str = "value_error") -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.kind = kind
