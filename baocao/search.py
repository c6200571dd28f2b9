"""Finding a unit's passage by what a person types: "dak ha", "Liên đoàn Lao động huyện Đăk
Hà", "KT-DH" or words of the text itself.

Text and query are folded alike (no diacritics, lower case, "liên đoàn lao động" and "công đoàn
cơ sở" as the abbreviations units write, "lđlđ" and "cđcs") and compared by whole words, so
"ha" finds Đăk Hà and not every "nhà" or "thanh". Matches are ranked: the unit's name said
exactly, then every word in its name or code, then words found only in the text.
"""

from __future__ import annotations

import re

from baocao.text import fold

_ABBREVIATIONS = (
    (re.compile(r"\blien doan lao dong\b"), "ldld"),
    (re.compile(r"\bcong doan co so\b"), "cdcs"),
    (re.compile(r"\btong ldld\b"), "tldld"),
)
_WORD = re.compile(r"\w+")

NAME_EXACT, NAME_WORDS, TEXT_WORDS = 0, 1, 2


def search_text(text: str) -> str:
    """The folded, abbreviated form both sides are compared in."""
    folded = fold(text)
    for pattern, short in _ABBREVIATIONS:
        folded = pattern.sub(short, folded)
    return " ".join(_WORD.findall(folded))


def rank(query: str, name: str, code: str, text: str) -> int | None:
    """NAME_EXACT, NAME_WORDS or TEXT_WORDS (lower is better), None when a word of the query is
    found nowhere. `query` is already `search_text`."""
    words = query.split()
    if not words:
        return TEXT_WORDS
    label = search_text(f"{name} {code}")
    if f" {query} " in f" {search_text(name)} ":
        return NAME_EXACT
    in_label = set(label.split())
    if all(word in in_label for word in words):
        return NAME_WORDS
    everything = in_label | set(search_text(text).split())
    if all(word in everything for word in words):
        return TEXT_WORDS
    return None
