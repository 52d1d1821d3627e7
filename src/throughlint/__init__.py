"""throughlint: find throughput anti-patterns in Python code before they reach production."""

__version__ = "0.1.0"
