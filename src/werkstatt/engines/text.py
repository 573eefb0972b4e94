"""German text helpers shared by search and duplicate detection. No Django in here."""

from __future__ import annotations

import unicodedata

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ẞ": "ss"})


def fold(text: str) -> str:
    """Lower-case `text` and fold German umlauts and ß ("Müller" -> "mueller", "Maß" -> "mass").

    Other accents are stripped ("Café" -> "cafe"), so that spellings people type without the
    special characters find the same words.
    """
    text = unicodedata.normalize("NFC", text).lower().translate(_FOLD)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
