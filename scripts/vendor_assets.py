"""Copy the self-hosted Vega, Vega-Lite, Vega-Embed and Leaflet files from node_modules/.

    python scripts/vendor_assets.py [DESTINATION]

DESTINATION defaults to ``site_src/`` (files land in ``site_src/assets/vendor/``, which
git ignores). The build does the same copy into the site by itself
(``observatory.publish.assets.copy_vendor``); this script is for working on the theme or the
interactive script without a build. Exit code 1 with a French message when
``node_modules`` is incomplete (run ``npm ci``).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from observatory.publish.assets import ROOT, VendorMissing, copy_vendor


def main(argv: list[str]) -> int:
    destination = Path(argv[0]) if argv else ROOT / "site_src"
    try:
        written = copy_vendor(destination)
    except VendorMissing as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
