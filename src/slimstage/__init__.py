"""slimstage: measure and apply multi-stage container builds for Python services."""

__version__ = "0.1.0"
