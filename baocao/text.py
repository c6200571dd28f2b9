"""Text helpers shared by every reader of user text: one normalisation, applied everywhere."""

import re
import unicodedata

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")


def nfc(text: str) -> str:
    """Vietnamese arrives both precomposed and decomposed (the seed has one such word): use NFC."""
    return unicodedata.normalize("NFC", text)


def clean_line(text: str) -> str:
    """NFC, all kinds of spaces folded to one, no space at the ends."""
    return _SPACES.sub(" ", nfc(text)).strip()


def fold(text: str) -> str:
    """Comparison key: no diacritics, lower case, single spaces ("Đoàn  viên" -> "doan vien")."""
    text = clean_line(text).lower().replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
