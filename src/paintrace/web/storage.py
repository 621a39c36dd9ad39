"""Static file names: hashed once ``collectstatic`` has run, plain before it.

WhiteNoise serves the collected, hashed and compressed copies with far-future caching. Before
anything is collected (tests, a first run, ``runserver``) or when the manifest lacks a file
(a stale collection after an upgrade), the plain name is used and WhiteNoise serves it straight
from the package through its finders. A missing manifest entry is therefore never a 500.
"""

from __future__ import annotations

from typing import Any

from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage

BIG = 256 * 1024


class _QuickCompressor(Compressor):
    """Brotli at its best setting takes 3.5 s on swagger-ui's 1.5 MB bundle alone; one step
    down it takes 0.2 s for a file 9 % larger. Small files, the app's own, still get the best."""

    @staticmethod
    def compress_brotli(data: bytes) -> bytes:
        import brotli

        return bytes(brotli.compress(data, quality=11 if len(data) < BIG else 9))


class StaticStorage(CompressedManifestStaticFilesStorage):
    def stored_name(self, name: str) -> str:
        if not self.hashed_files:
            return name
        try:
            return super().stored_name(name)
        except ValueError:
            return name

    def create_compressor(self, **kwargs: Any) -> Compressor:
        return _QuickCompressor(**kwargs)
