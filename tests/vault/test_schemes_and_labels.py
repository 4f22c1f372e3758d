"""The vault's own lists stay true: its schemes follow the observatory's inventory of
dispositifs (the vault never reads that file itself), and every journal action the code writes
has a plain-French label in « Qui a consulté mes documents »."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from vault_service import history
from vault_service.schemes import OBSERVATORY_SCHEMES, SCHEMES, SHARE_SCHEMES

ROOT = Path(__file__).resolve().parents[2]


def test_every_shipped_scheme_is_in_the_vault_with_its_name():
    with (ROOT / "datapackages" / "dispositifs" / "dispositifs.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert sorted(OBSERVATORY_SCHEMES) == sorted(row["id"] for row in rows)
    for row in rows:
        label = OBSERVATORY_SCHEMES[row["id"]]
        assert label in {row["nom"], f"{row['nom']} ({row['sigle']})"}, row["id"]
    assert set(OBSERVATORY_SCHEMES) <= set(SHARE_SCHEMES) <= set(SCHEMES)
    assert "aucun" in SCHEMES and "aucun" not in SHARE_SCHEMES


def test_the_vault_does_not_read_the_observatory_files():
    for path in (ROOT / "vault_service").rglob("*.py"):
        assert not re.search(r"[\"']datapackages", path.read_text(encoding="utf-8")), path


ACTION = re.compile(r'audit\.record\(\s*conn,\s*"([a-z_]+\.[a-z_.]+)"')


def test_every_journaled_action_reads_in_french():
    actions = set()
    for path in (ROOT / "vault_service").rglob("*.py"):
        actions |= set(ACTION.findall(path.read_text(encoding="utf-8")))
    actions |= {"code.issue.activation", "code.issue.recovery", "account.totp_on"}
    assert len(actions) > 20
    missing = sorted(a for a in actions if a not in history.LABELS and not a.startswith("keys."))
    assert missing == [], "ajoutez ces actions à history.LABELS (en français)"
