"""Observatoire social et médico-social de Mayotte — ``python build.py [build|check|serve]``."""

from __future__ import annotations

import sys

from observatory.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
