"""exhibit: an engine for an immersive party-history hall."""

__version__ = "0.1.0"
