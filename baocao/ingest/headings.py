"""Which paragraphs of a report are the outline's headings: an alignment problem.

A report follows its outline in order, more or less: sections are renumbered, shortened,
typed without diacritics or with typos, merged, split, left out, or joined by sections of the
unit's own. Each paragraph that could be a heading (a Word heading style, a number, bold or
capitals, a bold lead-in) is a candidate; each candidate × section pair gets a score from the
words they share and from their numbering; a dynamic programme then picks the set of
(candidate, section) pairs, increasing in both, that scores best. The order of the outline thus
settles what a title alone cannot ("Kết quả" could be four sections; after 1. it is 2.).
A heading may also stand for two neighbouring sections ("Tồn tại, hạn chế và nguyên nhân"):
such spans are scored as one more kind of key. A second pass knows at which depth of the
outline each form of heading (bold capitals, "1.", Heading 2 ...) was matched in the first,
and lets that decide close calls.

Titles are compared word by word, folded (no diacritics, lower case): how much of the heading
is the section's title (precision) matters most, because headings are shortened far more often
than they are padded; each word of the file is first mapped to the outline's closest word, so a
typo costs one word, not the match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from baocao.outline.model import Outline
from baocao.outline.numbering import Bullet, Heading, classify, roman_value
from baocao.text import fold

_WORD = re.compile(r"[a-z0-9]+")
_STOPWORDS = frozenset(
    {"so", "cua", "cac", "va", "ve", "cho", "o", "tai", "nhung", "voi", "trong", "theo", "da",
     "la", "mot", "duoc", "nay", "do", "the", "den"}
)  # fmt: skip
# "4.1 và 4.2. ...", "III, IV - ...": a heading that covers more than one section.
_MORE_TOKENS = re.compile(
    r"^(?:(?:và|,|;|&|\+|-|–)\s*(?P<token>\d{1,2}(?:\.\d{1,2})*|[IVX]{1,5}|[a-zđ])\s*[.):\-–]?\s*)"
)
_BARE_PART = re.compile(
    r"^phan\s+(?:thu\s+)?(?P<ordinal>nhat|mot|hai|ba|tu|bon|nam|[ivx]{1,4}|\d{1,2})\b\s*[.:\-–]?"
)
_BARE_ORDINALS = {"nhat": 1, "mot": 1, "hai": 2, "ba": 3, "tu": 4, "bon": 4, "nam": 5}
_FORMS = {"arabic)": "arabic", "multi2": "multi", "multi3": "multi", "multi4": "multi"}

# Thresholds a candidate's best score must pass, by how much it looks like a heading.
STYLED, NUMBERED, EMPHASISED, LEAD_IN, PLAIN = 0.5, 0.52, 0.6, 0.72, 0.82
# Numbering agreement: same form and same token ("4.1" = "4.1"; "II" = "II"; Phần thứ nhất = P1).
_TOKEN_BONUS = {"part": 0.35, "roman": 0.3, "multi": 0.3, "arabic": 0.1, "letter": 0.1}
_DEPTH_BONUS = 0.08
_ORDINAL_BONUS = 0.05
_SKIP_COST = 0.004  # per outline section jumped over: prefer the nearer of two equal matches
_SPAN_COST = 0.08  # one heading for two sections: only when it fits clearly better


@dataclass(frozen=True)
class SectionKey:
    index: int
    id: str
    depth: int
    form: str  # part, roman, arabic, multi, letter, upper, plain
    token: str
    words: frozenset[str]
    parent: int | None
    ordinal: int = 0  # its place among its siblings, from 1
    last: int = -1  # a span of two sections under one heading ends here; -1: itself
    leaf: bool = True
    parts: tuple[frozenset[str], ...] = ()  # a span: the words only each section has
    next_token: str = ""  # a span: the second section's number

    @property
    def end(self) -> int:
        return self.index if self.last < 0 else self.last


@dataclass
class Candidate:
    """A paragraph that may be a heading. `title` is the part compared with section titles;
    `inline` what follows it in the same paragraph (text, when the heading is matched)."""

    item: int
    text: str
    title: str
    form: str  # numbering form ("roman", "multi", ...), else "level2", "bold", "caps", "plain"
    token: str = ""
    more_tokens: tuple[str, ...] = ()
    threshold: float = NUMBERED
    inline: str = ""
    words: frozenset[str] = field(default_factory=frozenset)
    numbered: bool = False
    emphasised: bool = False  # bold, capitals or a heading style


def numbering_of(text: str) -> tuple[str, str, str] | None:
    """(form, token, rest) of a numbered heading line, or None. A part typed without
    diacritics ("PHAN THU HAI") is a part too."""
    found = classify(text)
    if not isinstance(found, Heading):
        bare = _BARE_PART.match(fold(text[:40]))
        if bare is None:
            return None
        number = _BARE_ORDINALS.get(bare["ordinal"]) or roman_value(bare["ordinal"].upper())
        if not number:
            return None
        return "part", f"P{number}", text[bare.end() :].strip()
    return _FORMS.get(found.style, found.style), found.token, found.rest


def ordinal(form: str, token: str) -> int | None:
    """The place a number says ("III" is 3, "c" is 3, "4.2" is 2, "P2" is 2)."""
    if not token:
        return None
    if form == "part":
        return int(token[1:]) if token[1:].isdigit() else None
    if form == "roman":
        return roman_value(token)
    last = token.rsplit(".", 1)[-1]
    if last.isdigit():
        return int(last)
    if len(last) == 1 and last.isalpha():
        return ord(last.lower()) - ord("a") + 1
    return None


def split_more_tokens(rest: str) -> tuple[tuple[str, ...], str]:
    tokens: list[str] = []
    while True:
        match = _MORE_TOKENS.match(rest)
        if not match or len(tokens) >= 4:
            return tuple(tokens), rest
        tokens.append(match["token"])
        rest = rest[match.end() :]


def is_bullet(text: str) -> bool:
    return isinstance(classify(text), Bullet)


class Vocabulary:
    """The outline's title words; a word of the file is mapped to the nearest of them."""

    def __init__(self, outline: Outline):
        words: set[str] = set()
        for section, _ in outline.walk():
            words.update(_raw_words(section.title))
        self.words = sorted(words)
        self._known = set(words)
        self._cache: dict[str, str] = {}

    def canonical(self, word: str) -> str:
        if word in self._known or len(word) < 4 or word.isdigit():
            return word
        if word not in self._cache:
            if len(self._cache) > 20_000:
                self._cache.clear()
            found = process.extractOne(
                word, self.words, scorer=Levenshtein.normalized_similarity, score_cutoff=0.75
            )
            self._cache[word] = found[0] if found else word
        return self._cache[word]

    def bag(self, text: str) -> frozenset[str]:
        return frozenset(self.canonical(word) for word in _raw_words(text))


def _raw_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(fold(text)) if w not in _STOPWORDS]


def section_keys(outline: Outline) -> list[SectionKey]:
    keys: list[SectionKey] = []
    parents: list[int] = []
    counts: dict[int | None, int] = {}
    for index, (section, depth) in enumerate(outline.walk()):
        del parents[depth:]
        parent = parents[-1] if parents else None
        counts[parent] = counts.get(parent, 0) + 1
        numbering = numbering_of(f"{section.number}. {section.title or 'x'}")
        form, token = (numbering[0], numbering[1]) if numbering else ("plain", "")
        keys.append(
            SectionKey(
                index=index,
                id=section.id,
                depth=depth,
                form=form,
                token=token,
                words=frozenset(_raw_words(section.title)),
                parent=parent,
                ordinal=counts[parent],
            )
        )
        parents.append(index)
    for key in keys:
        if key.parent is not None:
            keys[key.parent] = replace(keys[key.parent], leaf=False)
    return keys


def merged_spans(keys: list[SectionKey]) -> list[SectionKey]:
    """Two sibling sections without sections of their own under one heading ("Tồn tại, hạn chế
    và nguyên nhân", "4.1 và 4.2"): a key over both, numbered as the first, the second's
    number among its `more` tokens."""
    spans = []
    for key in keys:
        following = key.index + 1
        if following >= len(keys):
            continue
        other = keys[following]
        if key.leaf and other.leaf and other.parent == key.parent:
            parts = (key.words - other.words, other.words - key.words)
            spans.append(
                replace(
                    key,
                    words=key.words | other.words,
                    last=following,
                    parts=parts,
                    next_token=other.token,
                )
            )
    return spans


def title_similarity(words: frozenset[str], title: frozenset[str]) -> float:
    """How well a heading's words stand for a section title: mostly precision (the share of
    the heading that is the title), scaled by how many words they share, plus a little
    recall to tell apart two titles that contain the heading equally."""
    if not words or not title:
        return 0.0
    shared = len(words & title)
    if not shared:
        return 0.0
    precision = shared / len(words)
    recall = shared / len(title)
    return 0.9 * precision * min(1.0, 0.55 + 0.15 * shared) + 0.1 * recall


def score(candidate: Candidate, key: SectionKey, depths: dict[str, int] | None = None) -> float:
    """Title similarity, plus agreement of the numbering: the same form and number, or a
    number that gives the section's place; `depths` (form -> outline depth its headings
    matched at) adds a little where a heading's form fits the section's depth."""
    if key.parts and not _names_both(candidate, key):
        return 0.0
    similarity = title_similarity(candidate.words, key.words)
    if depths and depths.get(candidate.form) == key.depth and similarity > 0.3:
        similarity += _DEPTH_BONUS
    # A form this report uses at another depth ("1." for its Roman level) earns no bonus for
    # the outline's number of the same form.
    fits = not depths or depths.get(candidate.form, key.depth) == key.depth
    same = candidate.token == key.token or key.token in candidate.more_tokens
    if candidate.token and candidate.form == key.form and fits and same:
        # A number alone ("Phần thứ nhất", "II.") is matched by its number.
        if not candidate.words:
            similarity = max(similarity, 0.45)
        return similarity + _TOKEN_BONUS.get(key.form, 0.1)
    place = ordinal(candidate.form, candidate.token)
    if place is not None and place == key.ordinal and similarity > 0.3:
        similarity += _ORDINAL_BONUS  # "1." for the first of Roman I's sections, say
    return similarity


def _names_both(candidate: Candidate, key: SectionKey) -> bool:
    """One heading for two sections ("4.1 và 4.2", or words of each title): it must name a
    good share of what is each one's own."""
    if key.next_token in candidate.more_tokens:
        return True
    return all(len(candidate.words & part) >= 0.4 * len(part) for part in key.parts if part)


def align(
    candidates: list[Candidate], keys: list[SectionKey]
) -> list[tuple[int, SectionKey, float]]:
    """The best increasing set of (candidate index, section key, score) triples, in two
    passes: the second knows at which depth each form of heading was matched in the first
    (a report's bold capitals are its Roman level), and lets that decide close calls. A key
    may span two sections (`merged_spans`) when one heading covers both."""
    options = sorted(keys + merged_spans(keys), key=lambda k: (k.index, k.end))
    pairs = _align(candidates, options, len(keys), None)
    found: dict[str, list[int]] = {}
    for i, key, _ in pairs:
        found.setdefault(candidates[i].form, []).append(key.depth)
    depths = {
        form: max(sorted(set(seen)), key=seen.count)
        for form, seen in found.items()
        if len(seen) >= 2
    }
    return _align(candidates, options, len(keys), depths) if depths else pairs


def _align(
    candidates: list[Candidate],
    options: list[SectionKey],
    n: int,
    depths: dict[str, int] | None,
) -> list[tuple[int, SectionKey, float]]:
    """Dynamic programme over candidates in order and states "last section covered so far".

    A pair counts score − threshold (only pairs above their candidate's threshold can be
    chosen); a span of two sections counts a little less than one, and jumping over sections
    costs a hair, so equal titles go to the nearer single section.
    """
    m = len(candidates)
    if not m or not options:
        return []
    scores = [[score(c, k, depths) for k in options] for c in candidates]
    neg = float("-inf")
    # best[j]: best total with section j covered last; best[n]: nothing matched yet.
    best = [neg] * n + [0.0]
    back: list[dict[int, tuple[int, int]]] = []  # per candidate: state -> (previous, option)
    for i, candidate in enumerate(candidates):
        row: dict[int, tuple[int, int]] = {}
        new = list(best)
        # Jumping from state j to a key starting at k costs _SKIP_COST per section between:
        # best[j] - c (k - j - 1) = (best[j] + c j) - c (k - 1), and "nothing yet" is j = -1.
        run_value, run_state = best[n] - _SKIP_COST, n
        added = 0  # states j < k already in the running maximum
        for o, key in enumerate(options):
            while added < key.index:
                if best[added] > neg and best[added] + _SKIP_COST * added > run_value:
                    run_value, run_state = best[added] + _SKIP_COST * added, added
                added += 1
            weight = scores[i][o] - candidate.threshold - (_SPAN_COST if key.last >= 0 else 0)
            if weight > 0:
                total = run_value - _SKIP_COST * (key.index - 1) + weight
                if total > new[key.end]:
                    new[key.end], row[key.end] = total, (run_state, o)
        best = new
        back.append(row)
    state = max(range(n + 1), key=lambda j: best[j])
    pairs: list[tuple[int, SectionKey, float]] = []
    for i in range(m - 1, -1, -1):
        if state == n:
            break
        if state in back[i]:
            previous, o = back[i][state]
            pairs.append((i, options[o], scores[i][o]))
            state = previous
    pairs.reverse()
    return pairs
