"""Observatoire social et médico-social de Mayotte — ``python build.py [build|check|serve]``."""

from __future__ import annotations

import sys

from observatory.cli import run

if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
