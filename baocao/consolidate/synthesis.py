"""A consolidated section's draft that synthesises what the units below wrote, with sources.

The officer writing the province's report has, for one section, the passages of ten districts
and hundreds of grassroots unions. Pasting them all (the old draft) gave a 70-page report; this
draft says each point once, with how many units raised it and which:

1. every passage is split into sentences;
2. sentences that say the same thing are grouped: compared on their diacritic-folded words with
   numbers masked and the writing unit's own name left out (so "Huyện ủy Đăk Hà đã ..." and
   "Huyện ủy Sa Thầy đã ..." are one point), by rapidfuzz's token-set ratio;
3. the groups are ranked by how many units raised them, and each is said by its most typical
   sentence, one without figures and without the unit's own name where there is one,
   followed by "(8/10 LĐLĐ huyện và 120/960 CĐCS nêu; nguồn: ...)";
4. a few points raised by a single unit follow, marked with their source;
5. a word budget per section keeps the whole report readable, and a sentence already used in
   another section (a near copy, ratio >= 90) is never used twice.

No Vietnamese word segmenter is used: folded word sets with a fuzzy ratio group the sentences
that matter here (units copying the guidance's wording, templated prose), and pyvi/underthesea
would add a model download and seconds of start-up for little gain on such short sentences.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from baocao.richtext import plain_lines
from baocao.text import fold

# Sentences this alike (0-100, token-set ratio over masked, folded words) make one point.
SAME_POINT = 78
# A sentence this alike to one already in the draft is a near copy and is not said again.
NEAR_COPY = 90
# Words per section, figure sentences included: 23 sections of a province report at about
# 450 words keep its body near 10,000 words (20-25 pages in the official format).
BUDGET_WORDS = 450
MIN_WORDS = 5  # shorter pieces ("Kết quả cụ thể:") are headings, not points
SOURCES_NAMED = 3  # then "và N đơn vị khác"
SINGLE_POINTS = 3  # points raised by one unit, said after the shared ones

_SENTENCE_END = re.compile(r"(?<=[.!?;…])\s+(?=[\"“(]?(\w))|\n+")
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_WORDS = re.compile(r"\w+")
_PARENTHESES = re.compile(r"\s*\([^()]*\)")


@dataclass(frozen=True)
class Source:
    """One unit's passage for the section: its name, its kind as counts say it ("CĐCS") and
    the text (stored HTML or plain)."""

    name: str
    kind: str
    text: str


@dataclass
class Point:
    """One thing said, by the units in `sources`, in the words of `sentence` (written by
    `speaker`)."""

    sentence: str
    sources: list[Source] = field(default_factory=list)
    speaker: Source | None = None
    members: list[tuple[str, str, Source]] = field(default_factory=list)  # (sentence, key, by)


@dataclass(frozen=True)
class Synthesis:
    html: str
    shared: list[Point]  # points raised by two units or more, most raised first
    single: list[Point]  # points raised by one unit
    words: int


def plain_sentences(text: str) -> list[str]:
    """The sentences of a passage (HTML or plain), in order, whitespace folded. A sentence ends
    at a paragraph, list item, line break or table cell (`richtext.plain_lines`: a table's
    cells are sentences of their own, the short ones then too short to be a point), or at
    . ! ? ; … followed by a capital or a digit ("...; đã giải quyết" goes on)."""
    plain = "\n".join(plain_lines(text))
    pieces, start = [], 0
    for match in _SENTENCE_END.finditer(plain):
        first = match.group(1)
        if first is not None and not (first.isupper() or first.isdigit()):
            continue
        pieces.append(plain[start : match.start()])
        start = match.end()
    pieces.append(plain[start:])
    cleaned = (" ".join(piece.split()).strip(" -–•·+*") for piece in pieces)
    return [sentence for sentence in cleaned if sentence]


def _own_words(name: str) -> set[str]:
    """The words of a unit's name that are its own ("dak", "ha"), not its kind ("lien doan")."""
    generic = {
        "lien", "doan", "lao", "dong", "cong", "co", "so", "huyen", "thanh", "pho", "tinh",
        "ldld", "cdcs", "truong", "nganh", "ty", "xa", "thi", "tran", "ban", "chi", "bo",
    }  # fmt: skip
    return set(_WORDS.findall(fold(name))) - generic


def point_key(sentence: str, source_name: str = "") -> str:
    """What two sentences are compared on: folded words, numbers as "#", the writer's own
    name left out."""
    words = _WORDS.findall(_DIGITS.sub(" # ", fold(sentence)))
    own = _own_words(source_name)
    return " ".join(word for word in words if word not in own)


def _word_count(text: str) -> int:
    return len(_WORDS.findall(text))


def group_points(sources: Sequence[Source]) -> list[Point]:
    """Every sentence of every source in a point; points ordered by how many units raised them
    (then by first appearance). Greedy: a sentence joins the first point whose leader it
    matches, else leads a new one."""
    points: list[Point] = []
    leaders: list[str] = []
    for source in sources:
        for sentence in plain_sentences(source.text):
            if _word_count(sentence) < MIN_WORDS:
                continue
            key = point_key(sentence, source.name)
            found = (
                process.extractOne(
                    key, leaders, scorer=fuzz.token_set_ratio, score_cutoff=SAME_POINT
                )
                if leaders
                else None
            )
            if found is None or not _similar_length(key, leaders[found[2]]):
                points.append(Point(sentence))
                leaders.append(key)
                point = points[-1]
            else:
                point = points[found[2]]
            point.members.append((sentence, key, source))
            if all(known is not source for known in point.sources):
                point.sources.append(source)
    order = {id(point): index for index, point in enumerate(points)}
    points.sort(key=lambda point: (-len(point.sources), order[id(point)]))
    for point in points:
        point.sentence, point.speaker = _typical(point)
    return points


def _similar_length(a: str, b: str) -> bool:
    """Token-set ratio calls a short sentence contained in a long one the same: not a point."""
    shorter, longer = sorted((len(a.split()), len(b.split())))
    return longer <= 2 * shorter + 2


def _typical(point: Point) -> tuple[str, Source]:
    """The member most like the others, preferring one without figures and without its
    writer's own name (it will speak for every unit of the point)."""
    members = point.members[:60]
    if len(members) == 1:
        return members[0][0], members[0][2]
    keys = [key for _sentence, key, _source in members]
    scores = process.cdist(keys, keys, scorer=fuzz.token_set_ratio, workers=1)

    def rank(index: int) -> tuple[bool, bool, float]:
        sentence, _key, source = members[index]
        names_itself = bool(_own_words(source.name) & set(_WORDS.findall(fold(sentence))))
        return (not _DIGITS.search(sentence), not names_itself, float(scores[index].sum()))

    best = max(range(len(members)), key=rank)
    return members[best][0], members[best][2]


def count_phrase(sources: Iterable[Source], counted: Mapping[str, int]) -> str:
    """ "8/10 LĐLĐ huyện và 120/960 CĐCS nêu": per kind, in the order of `counted`."""
    by_kind: dict[str, int] = {}
    for source in sources:
        by_kind[source.kind] = by_kind.get(source.kind, 0) + 1
    kinds = [kind for kind in counted if kind in by_kind] + [
        kind for kind in by_kind if kind not in counted
    ]
    parts = []
    for kind in kinds:
        total = counted.get(kind)
        parts.append(f"{by_kind[kind]}/{total} {kind}" if total else f"{by_kind[kind]} {kind}")
    if not parts:
        return ""
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " và " + parts[-1]
    return f"{joined} nêu"


def source_list(sources: Sequence[Source]) -> str:
    names = [source.name for source in sources[:SOURCES_NAMED]]
    rest = len(sources) - len(names)
    return "; ".join(names) + (f" và {rest} đơn vị khác" if rest else "")


def _sentence_end(sentence: str) -> str:
    return sentence.rstrip(" .;:…")


def synthesise(
    figure_sentences: Sequence[str],
    sources: Sequence[Source],
    counted: Mapping[str, int],
    *,
    budget_words: int = BUDGET_WORDS,
    used: list[str] | None = None,
) -> Synthesis:
    """The section's draft in the stored text format (paragraphs and lists).

    `counted` is how many units of each kind are counted below (the denominators);
    `used` collects the keys of every sentence already in the draft (pass one list for a
    whole report so no sentence is said twice); it is extended here.
    """
    used = used if used is not None else []
    parts: list[str] = []
    words = 0
    if figure_sentences:
        text = " ".join(figure_sentences)
        parts.append(f"<p>{html.escape(text, quote=False)}</p>")
        words += _word_count(text)
    points = group_points(sources)
    shared = [point for point in points if len(point.sources) > 1]
    single = [point for point in points if len(point.sources) == 1]
    said_shared: list[Point] = []
    for point in shared:
        sentence = _new_sentence(point, used)
        if sentence is None:
            continue
        said = count_phrase(point.sources, counted)
        if _DIGITS.search(sentence) and point.speaker is not None:
            # The figures are the speaker's own: say whose, and that the others said the like.
            said = f"số liệu của {point.speaker.name}; {said} nội dung tương tự"
        line = f"{_sentence_end(sentence)} ({said}; nguồn: {source_list(point.sources)})."
        cost = _word_count(line)
        if words + cost > budget_words and said_shared:
            break
        parts.append(f"<p>{html.escape(line, quote=False)}</p>")
        words += cost
        said_shared.append(point)
    said_single: list[Point] = []
    items = []
    # With shared points said, a few single ones; alone (a small subtree), all that fit.
    limit = SINGLE_POINTS if said_shared else len(single)
    for point in sorted(single, key=lambda p: -_word_count(p.sentence)):
        if len(said_single) == limit:
            break
        sentence = _new_sentence(point, used)
        if sentence is None:
            continue
        line = f"{_sentence_end(sentence)} ({point.sources[0].name})."
        cost = _word_count(line)
        if words + cost > budget_words and (said_shared or said_single):
            break
        items.append(f"<li>{html.escape(line, quote=False)}</li>")
        words += cost
        said_single.append(point)
    if items:
        parts.append("<p>Một số điểm riêng của từng đơn vị:</p><ul>" + "".join(items) + "</ul>")
    return Synthesis("".join(parts), said_shared, said_single, words)


def said_keys(texts: Iterable[str]) -> list[str]:
    """What `synthesise` keeps in `used` for texts already in a report (drafted or written), so
    a draft made one section at a time says nothing another section already says. What is in
    parentheses is left out: a drafted point's "(8/10 CĐCS nêu; nguồn: ...)" is not its
    sentence."""
    keys = []
    for text in texts:
        plain, bare = None, text
        while plain != bare:  # inner parentheses first: "(nguồn: Công ty (TNHH) A)"
            plain, bare = bare, _PARENTHESES.sub("", bare)
        keys.extend(
            point_key(sentence)
            for sentence in plain_sentences(bare)
            if _word_count(sentence) >= MIN_WORDS
        )
    return keys


def _new_sentence(point: Point, used: list[str]) -> str | None:
    """The point's sentence unless a near copy is already in the draft; remembered as used."""
    key = point_key(point.sentence)
    if used and process.extractOne(key, used, scorer=fuzz.ratio, score_cutoff=NEAR_COPY):
        return None
    used.append(key)
    return point.sentence
