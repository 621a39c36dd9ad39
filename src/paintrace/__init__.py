"""paintrace: where sciatica-like leg pain comes from, how urgent it is, and what to do about it.

The core package is pure Python and never imports Django; ``paintrace.web`` adapts it to the web.
"""

__version__ = "0.1.0"
