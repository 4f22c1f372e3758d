"""When two sign-ups are the same person: the identity key behind « one account per person ».

Squatting a person's identity must not be possible by writing her name slightly differently,
so names are folded before they are compared:

1. NFKC (full-width, ligatures, compatibility forms), then format and control characters
   dropped (zero-width space and joiners, bidi marks, soft hyphen);
2. case folded, accents removed (NFKD, combining marks dropped);
3. look-alike letters of other scripts mapped to the Latin letter they imitate (Cyrillic
   « а », Greek « ο »…), and a few Latin letters without decomposition (ł, ø, đ, ı…);
4. every space, punctuation mark and symbol removed (« Saïd-Ali », « said ali », « Said Ali. »);
5. the two names are ordered, so that given and family names swapped are the same person.

The key stored is a SHA-256 digest of the folded names and the birth date: bounded length,
no name in clear in the unique index.
"""

from __future__ import annotations

import hashlib
import unicodedata

# Letters that look Latin (lower case: names are case folded first). Upper-case look-alikes
# are covered by their lower-case forms after folding (Cyrillic « В » → « в » → b).
CONFUSABLES = str.maketrans(
    {
        # Cyrillic
        "а": "a", "в": "b", "г": "r", "д": "d", "е": "e", "ё": "e", "з": "3", "и": "u",
        "к": "k", "л": "n", "м": "m", "н": "h", "о": "o", "п": "n", "р": "p", "с": "c",
        "т": "t", "у": "y", "х": "x", "ь": "b", "ѕ": "s", "і": "i", "ї": "i", "ј": "j",
        "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l", "ү": "y", "ɡ": "g",
        # Greek
        "α": "a", "β": "b", "γ": "y", "ε": "e", "ζ": "z", "η": "n", "ι": "i", "κ": "k",
        "μ": "u", "ν": "v", "ο": "o", "ρ": "p", "σ": "o", "ς": "c", "τ": "t", "υ": "u",
        "χ": "x", "ω": "w",
        # Latin letters without a decomposition
        "ı": "i", "ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe",
        "ŋ": "n", "ħ": "h", "ŧ": "t", "ſ": "s",
    }
)  # fmt: skip


def fold(text: str) -> str:
    """A name as compared for uniqueness (see the module docstring)."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(c for c in text if unicodedata.category(c) not in {"Cf", "Cc", "Co", "Cs"})
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.translate(CONFUSABLES)
    return "".join(c for c in text if unicodedata.category(c)[0] in {"L", "N"})


def key(given_name: str, family_name: str, birth_date: str | None) -> str:
    names = sorted((fold(given_name), fold(family_name)))
    raw = f"vault-identity|{names[0]}|{names[1]}|{birth_date or ''}"
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()
