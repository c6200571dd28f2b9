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

The order is a strong hint, not a law: reports write sections out of order ("4.4" before
"4.3", "I.2" before "I.1"), renumber them in the order written, or word them their own way.
What the ordered alignment leaves over is looked at again (`align`): between two matched
headings, heading-like lines are aligned once more with a lower threshold, their number
counting when it gives the section's place under its parent ("1." right under "II." is II.1);
a line that clearly fits a section nobody took, under the sections open where it stands, is
that section though out of order; a numbered line left over takes the section left under its
parent. Besides its words, a heading is judged by what the text under it is about
(`Profiles`: each section's title, guidance, prompts and indicators), so "Về người lao động
và đoàn viên" followed by members and income is II.1, not 4.1.

Titles are compared word by word, folded (no diacritics, lower case): how much of the heading
is the section's title (precision) matters most, because headings are shortened far more often
than they are padded; each word of the file is first mapped to the outline's closest word, so a
typo costs one word, not the match.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from baocao.ingest.values import ABBREVIATIONS
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
_LEVEL_COST = 0.12
_ORDINAL_BONUS = 0.05
_SKIP_COST = 0.004  # per outline section jumped over: prefer the nearer of two equal matches
_SPAN_COST = 0.08  # one heading for two sections: only when it fits clearly better
# The text under a heading (`Profiles`): counted for headings that fit a title at least this
# much, with this weight (a cosine of 0.4 is a text plainly about the section).
CONTENT_FLOOR, CONTENT_WEIGHT = 0.25, 0.25
# Headings left over by the ordered alignment: taken out of order when they fit a section this
# much above their threshold; between two matched headings, with this lower threshold and a
# bonus for a number that gives the section's place.
REPAIR_MARGIN = 0.1
GAP_THRESHOLD = 0.4
LEFTOVER_THRESHOLD, LEFTOVER_MARGIN = 0.15, 0.05
GAP_EVIDENCE = 0.12
CROSS_DEPTH_EVIDENCE = 0.1
_PLACE_BONUS = 0.15
ABOUT_WEIGHT = 0.25  # a heading's own words against what each section is about


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


_BARE_NUMBER = re.compile(
    r"^(?:(?P<roman>[IVXLC]{1,6})|(?P<multi>\d{1,2}(?:\.\d{1,2})+)|(?P<arabic>\d{1,2})"
    r"|(?P<upper>[A-Z])|(?P<letter>[a-zđ]))\s*(?P<delim>[.):\-–]?)$"
)


def bare_number(text: str) -> tuple[str, str] | None:
    """(form, token) of a heading's number alone on its line ("II.", "1.", "4.3.", "b)"), the
    title being on the next line; None for anything else. A single number or letter needs its
    full stop or bracket ("1" alone may be a page number)."""
    found = _BARE_NUMBER.match(text.strip())
    if found is None:
        return None
    form = next(name for name in ("roman", "multi", "arabic", "upper", "letter") if found[name])
    token = found[form]
    if form == "multi":
        return "multi", token.rstrip(".")
    if not found["delim"]:
        return None
    if form == "roman" and token in ("C", "L"):
        form = "upper"  # "C." is the third of A., B., C. far more often than a hundred
    elif form == "roman" and roman_value(token) is None:
        return None
    return form, token


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
    if candidate.token and not fits and candidate.form != key.form:
        # "I." where this report's Roman numbers are the outline's Roman level: not a 1.
        similarity -= _LEVEL_COST
    return similarity


def _names_both(candidate: Candidate, key: SectionKey) -> bool:
    """One heading for two sections ("4.1 và 4.2", or words of each title): it must name a
    good share of what is each one's own."""
    if key.next_token in candidate.more_tokens:
        return True
    return all(len(candidate.words & part) >= 0.4 * len(part) for part in key.parts if part)


Pair = tuple[int, SectionKey, float]  # (candidate index, section key, score)


class Evidence:
    """What is known of each candidate heading besides its words: how well the text under it
    (`content`) and its own words (`about`) fit each section's `Profiles`, by key index.
    Computed when first asked for (a long report has thousands of heading-like lines that the
    titles already rule out)."""

    def __init__(
        self,
        content: Callable[[int], list[float] | None] | None = None,
        about: Callable[[int], list[float] | None] | None = None,
    ):
        self._sources = {"content": content, "about": about}
        self._rows: dict[tuple[str, int], list[float] | None] = {}

    def row(self, i: int, table: str) -> list[float] | None:
        if (table, i) not in self._rows:
            source = self._sources[table]
            self._rows[(table, i)] = source(i) if source is not None else None
        return self._rows[(table, i)]

    def fit(self, i: int, key: SectionKey, table: str) -> float:
        row = self.row(i, table)
        if not row:
            return 0.0
        return max(row[key.index], row[key.last]) if key.last >= 0 else row[key.index]


def align(
    candidates: list[Candidate],
    keys: list[SectionKey],
    evidence: Evidence | None = None,
) -> list[Pair]:
    """Which candidates are which sections, as (candidate index, section key, score) triples
    in the candidates' order.

    First the best increasing set, in two passes: the second knows at which depth each form
    of heading was matched in the first (a report's bold capitals are its Roman level), and
    lets that decide close calls. A key may span two sections (`merged_spans`) when one
    heading covers both. Then what the order left over: headings in the unit's own words
    between two matched ones (`_fill_gaps`), headings written out of order
    (`_out_of_order`), and a numbered heading that is the section left under its parent
    (`_leftovers`)."""
    evidence = evidence or Evidence()
    options = sorted(keys + merged_spans(keys), key=lambda k: (k.index, k.end))

    def ordered(depths: dict[str, int] | None) -> list[Pair]:
        def row(i: int) -> list[float]:
            candidate = candidates[i]
            values = [score(candidate, key, depths) for key in options]
            content = evidence.row(i, "content") if max(values) >= CONTENT_FLOOR else None
            if content:
                values = [
                    with_content(value, max(content[key.index], content[key.end]))
                    for value, key in zip(values, options, strict=True)
                ]
            return values

        return _align(candidates, options, len(keys), row)

    pairs = ordered(None)
    found: dict[str, list[int]] = {}
    for i, key, _ in pairs:
        found.setdefault(candidates[i].form, []).append(key.depth)
    depths = {
        form: max(sorted(set(seen)), key=seen.count)
        for form, seen in found.items()
        if len(seen) >= 2
    }
    if depths:
        pairs = ordered(depths)

    def said(i: int, key: SectionKey) -> float:
        """What the heading's words and the text under it say of the section, numbers aside."""
        return CONTENT_WEIGHT * evidence.fit(i, key, "content") + ABOUT_WEIGHT * evidence.fit(
            i, key, "about"
        )

    def repair_value(i: int, key: SectionKey) -> float:
        return score(candidates[i], key, depths) + said(i, key)

    def words_value(i: int, key: SectionKey) -> float:
        return title_similarity(candidates[i].words, key.words) + said(i, key)

    pairs = _fill_gaps(candidates, keys, pairs, repair_value, words_value, said, depths)
    pairs = _out_of_order(candidates, keys, pairs, repair_value, depths)
    return _leftovers(candidates, keys, pairs, repair_value, words_value, depths)


def with_content(value: float, fit: float) -> float:
    """A pair's score with what the text under the heading says: a heading whose words fit
    the section at least a little (CONTENT_FLOOR) gains CONTENT_WEIGHT times how well the
    text under it fits the section."""
    return value + CONTENT_WEIGHT * fit if value >= CONTENT_FLOOR else value


def _covered(pairs: list[Pair]) -> set[int]:
    return {index for _, key, _ in pairs for index in range(key.index, key.end + 1)}


def _open_path(keys: list[SectionKey], pairs: list[Pair], position: int) -> list[int]:
    """The sections open at candidate `position`: the last matched before it and its
    ancestors, deepest first."""
    before = [key for i, key, _ in pairs if i < position]
    path: list[int] = []
    at = before[-1].end if before else None
    while at is not None:
        path.append(at)
        at = keys[at].parent
    if before and before[-1].last >= 0:
        path.append(before[-1].index)
    return path


def _fits_path(key: SectionKey, keys: list[SectionKey], covered: set[int], path: list[int]) -> bool:
    """A section found out of order must sit under the sections open where it is written:
    its nearest ancestor that the report has a heading for is one of them."""
    at = key.parent
    while at is not None:
        if at in covered:
            return at in path
        at = keys[at].parent
    return True


def _heading_like(candidate: Candidate) -> bool:
    return candidate.numbered or candidate.emphasised


def _form_depth(candidate: Candidate, key: SectionKey, depths: dict[str, int] | None) -> bool:
    """A numbered heading keeps to the depth its numbering has in this report ("1." at the
    depth of II.1), unless the outline numbers the section the same way."""
    depth = depths.get(candidate.form) if depths and candidate.numbered else None
    return depth is None or key.depth == depth or key.form == candidate.form


def _out_of_order(
    candidates: list[Candidate],
    keys: list[SectionKey],
    pairs: list[Pair],
    value: Callable[[int, SectionKey], float],
    depths: dict[str, int] | None,
) -> list[Pair]:
    """Sections written in another order than the outline's ("4.4" before "4.3", "I.2" before
    "I.1"): the ordered alignment takes only one of two crossing headings. A heading left
    over that fits a section nobody took, clearly (REPAIR_MARGIN above its threshold), under
    the sections open where it stands, is that section; the strongest pairs first."""
    pairs = sorted(pairs, key=lambda pair: pair[0])
    matched = {i for i, _, _ in pairs}
    options = []
    for i, candidate in enumerate(candidates):
        if i in matched or not _heading_like(candidate):
            continue
        for key in keys:
            if not _form_depth(candidate, key, depths):
                continue
            fit = value(i, key)
            if fit >= candidate.threshold + REPAIR_MARGIN:
                options.append((fit, i, key))
    options.sort(key=lambda option: (-option[0], option[1], option[2].index))
    covered = _covered(pairs)
    for fit, i, key in options:
        if i in matched or key.index in covered:
            continue
        if not _fits_path(key, keys, covered, _open_path(keys, pairs, i)):
            continue
        pairs.append((i, key, fit))
        pairs.sort(key=lambda pair: pair[0])
        matched.add(i)
        covered.add(key.index)
    return pairs


def _fill_gaps(
    candidates: list[Candidate],
    keys: list[SectionKey],
    pairs: list[Pair],
    value: Callable[[int, SectionKey], float],
    evidence: Callable[[int, SectionKey], float],
    said: Callable[[int, SectionKey], float],
    depths: dict[str, int] | None,
) -> list[Pair]:
    """Headings in the unit's own words between two matched ones: where the outline has
    sections nobody took between those two, the heading-like lines (numbered, bold, capitals,
    a heading style) there are aligned again, in order, with a lower threshold
    (GAP_THRESHOLD) and their number counting when it gives the section's place: "1." right
    under "II." is II.1 however it is worded, as long as its words or the text under it say
    a little about the section (GAP_EVIDENCE)."""
    pairs = sorted(pairs, key=lambda pair: pair[0])
    covered = sorted(_covered(pairs))
    added: list[Pair] = []
    bounds = [(-1, None), *[(i, key) for i, key, _ in pairs], (len(candidates), None)]
    for (start, before), (stop, _after) in zip(bounds, bounds[1:], strict=False):
        first = before.end + 1 if before is not None else 0
        last = next((index for index in covered if index >= first), len(keys))
        gap_keys = [key for key in keys[first:last] if key.index not in covered]
        gap = [i for i in range(start + 1, stop) if _heading_like(candidates[i])]
        if not gap_keys or not gap:
            continue

        def gap_value(i: int, key: SectionKey, before=before) -> float:
            candidate = candidates[i]
            if evidence(i, key) < GAP_EVIDENCE:
                return 0.0  # "III. MỘT SỐ HOẠT ĐỘNG KHÁC": a number alone is no reason
            if not _form_depth(candidate, key, depths) and said(i, key) < CROSS_DEPTH_EVIDENCE:
                return 0.0  # numbered at another depth: only if its text is plainly that
            fit = value(i, key)
            place = ordinal(candidate.form, candidate.token)
            same = candidate.form == key.form and candidate.token == key.token  # counted
            if place is not None and place == key.ordinal and not same:
                fit += _PLACE_BONUS
            if place == 1 and before is not None and key.parent == before.end:
                fit += _PLACE_BONUS  # the first sub-section right under its parent
            return fit

        local = [
            replace(candidates[i], threshold=min(candidates[i].threshold, GAP_THRESHOLD))
            for i in gap
        ]
        rows = {j: [gap_value(i, key) for key in gap_keys] for j, i in enumerate(gap)}
        # Numbered from the gap's start: jumping over sections costs from there.
        local_keys = [replace(key, index=n) for n, key in enumerate(gap_keys)]
        for j, key, fit in _align(local, local_keys, len(local_keys), rows.__getitem__):
            added.append((gap[j], gap_keys[key.index], fit))
    return sorted(pairs + added, key=lambda pair: pair[0])


def _leftovers(
    candidates: list[Candidate],
    keys: list[SectionKey],
    pairs: list[Pair],
    value: Callable[[int, SectionKey], float],
    evidence: Callable[[int, SectionKey], float],
    depths: dict[str, int] | None,
) -> list[Pair]:
    """A numbered heading still left over, numbered like the matched sections of its depth
    ("4." after "3." = II.3 in a report that writes II.2 last): the section nobody took
    under its open parent that fits it best, if it fits at least LEFTOVER_THRESHOLD and
    better (LEFTOVER_MARGIN) than any other left there. Its low score says so in the
    preview, which does not tick such a section for import."""
    pairs = sorted(pairs, key=lambda pair: pair[0])
    matched = {i for i, _, _ in pairs}
    for i, candidate in enumerate(candidates):
        depth = depths.get(candidate.form) if depths else None
        if i in matched or not candidate.numbered or depth is None or depth < 1:
            continue
        covered = _covered(pairs)
        parent = next(
            (at for at in _open_path(keys, pairs, i) if keys[at].depth == depth - 1), None
        )
        if parent is None:
            continue
        free = sorted(
            (
                (value(i, key), key)
                for key in keys
                if key.parent == parent
                and key.index not in covered
                and evidence(i, key) >= GAP_EVIDENCE
            ),
            key=lambda pair: (-pair[0], pair[1].index),
        )
        if not free or free[0][0] < LEFTOVER_THRESHOLD:
            continue
        if len(free) > 1 and free[0][0] - free[1][0] < LEFTOVER_MARGIN:
            continue
        pairs.append((i, free[0][1], free[0][0]))
        pairs.sort(key=lambda pair: pair[0])
        matched.add(i)
    return pairs


def _align(
    candidates: list[Candidate],
    options: list[SectionKey],
    n: int,
    row: Callable[[int], list[float]],
) -> list[Pair]:
    """Dynamic programme over candidates in order and states "last section covered so far";
    `row(i)` is candidate i's score for each option.

    A pair counts value − threshold (only pairs above their candidate's threshold can be
    chosen); a span of two sections counts a little less than one, and jumping over sections
    costs a hair, so equal titles go to the nearer single section.
    """
    m = len(candidates)
    if not m or not options:
        return []
    scores = [row(i) for i in range(m)]
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


# --- what a section is about: its content, for headings in the unit's own words ---------------

_CONTENT_STOPWORDS = _STOPWORDS | frozenset(
    {"co", "tu", "khi", "cung", "nhu", "de", "thi", "tren", "cac", "hoac", "bang", "sau", "nam"}
)


def content_words(text: str) -> list[str]:
    """Folded words (abbreviations spelled out, no stopwords, no numbers) and their pairs."""
    words: list[str] = []
    for word in _WORD.findall(fold(text)):
        words.extend(ABBREVIATIONS.get(word, word).split())
    words = [w for w in words if w not in _CONTENT_STOPWORDS and not w.isdigit()]
    return words + [f"{a}_{b}" for a, b in zip(words, words[1:], strict=False)]


class Profiles:
    """What each section of the outline is about, as weighted words: its title (twice), its
    guidance and prompts, the names of the indicators it asks for, and all of that of its
    sub-sections. A heading in the unit's
    own words ("Về người lao động và đoàn viên") fits several titles; the text under it (its
    figures of members and income, its words) says which section it is."""

    def __init__(self, outline: Outline):
        by_code = {indicator.code: indicator for indicator in outline.indicators}
        bags: list[Counter[str]] = []
        parents: list[int] = []  # the open sections, by depth
        for section, depth in outline.walk():
            del parents[depth:]
            bag: Counter[str] = Counter()
            for word in content_words(section.title):
                bag[word] += 2
            for text in (*section.guidance, *section.prompts):
                bag.update(content_words(text))
            for code in section.indicators:
                indicator = by_code.get(code)
                if indicator is not None:
                    for text in (indicator.name, *indicator.mentions):
                        bag.update(content_words(text))
            # A section written without its sub-headings holds what they ask for.
            for parent in parents:
                bags[parent].update(bag)
            parents.append(len(bags))
            bags.append(bag)
        documents = Counter(word for bag in bags for word in bag)
        self._idf = {word: math.log(1 + len(bags) / count) for word, count in documents.items()}
        self._vectors = [self._vector(bag) for bag in bags]
        self._postings: dict[str, list[tuple[int, float]]] = {}
        for index, vector in enumerate(self._vectors):
            for word, weight in vector.items():
                self._postings.setdefault(word, []).append((index, weight))
        self.size = len(bags)

    def _vector(self, bag: Counter[str]) -> dict[str, float]:
        vector = {
            word: (1 + math.log(count)) * self._idf[word]
            for word, count in bag.items()
            if word in self._idf
        }
        norm = math.sqrt(sum(weight * weight for weight in vector.values())) or 1.0
        return {word: weight / norm for word, weight in vector.items()}

    def scores(self, text: str) -> list[float]:
        """Cosine similarity of `text` with each section (in outline order), 0 to 1."""
        result = [0.0] * self.size
        for word, weight in self._vector(Counter(content_words(text))).items():
            for index, other in self._postings.get(word, ()):
                result[index] += weight * other
        return result
