"""Observatoire social et médico-social de Mayotte: the static site build pipeline."""

__version__ = "0.1.0"
