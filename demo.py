"""`make demo`: build the site from the shipped data, serve it, and start the vault.

The site is served on http://127.0.0.1:8000/ and the vault on http://127.0.0.1:8001/
(SQLite and a development keyring under ./vault-data, never committed). Ctrl-C stops both.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SITE_PORT = 8000
VAULT_PORT = 8001


def main() -> int:
    build = subprocess.run([sys.executable, "build.py", "build"], cwd=ROOT, check=False)
    if build.returncode != 0:
        print("La construction du site a échoué : voir les problèmes ci-dessus.", file=sys.stderr)
        return build.returncode
    site = [sys.executable, "build.py", "serve", "--port", str(SITE_PORT), "--no-watch"]
    vault = [sys.executable, "-m", "vault_service", "demo", "--port", str(VAULT_PORT)]
    children = [subprocess.Popen(site, cwd=ROOT), subprocess.Popen(vault, cwd=ROOT)]
    print()
    print(f"  Observatoire (site statique) : http://127.0.0.1:{SITE_PORT}/")
    print(f"  Coffre-fort numérique        : http://127.0.0.1:{VAULT_PORT}/")
    print("  Ctrl-C pour arrêter.")
    print()
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGINT)
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
    print("Arrêté.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
