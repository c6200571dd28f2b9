"""Figures proposed from a report's sentences: "đến nay có 1.245 đoàn viên", "năm 2017 kết nạp
140 đoàn viên", "thu nhập bình quân 6,2 triệu đồng/người/tháng (năm 2008: 2.400.000 đồng)".

A report that has no figures table still states its figures, in sentences. Each number of a
paragraph is read with what it counts and for which year, and becomes a `ProseFigure`: a
PROPOSAL, with the sentence it came from and a confidence, that a person accepts or not. It
is never stored by itself (`IngestResult.proposals`, apart from the table figures).

What a number counts: the words right after it (its own noun: "1.245 đoàn viên", "45 buổi
tuyên truyền"), then the words before it back to the previous number ("kết nạp 140 đoàn
viên", "số chưa qua đào tạo còn 210 người"), then the rest of its sentence, weakly ("... 25
nhà “Mái ấm Công đoàn” ..., riêng năm 2017 là 4 nhà"); a list item without a noun of its
own ("410 đoàn viên có trình độ đại học trở lên, 95 cao đẳng") borrows the words of the item
before it. Each indicator is named by its name, its row label and its `mentions`; a number
must fit the indicator's kind: a count of people ("người", "lao động", "đồng chí"), of
attendances ("lượt"), of things counted with a word of their own ("buổi", "vụ", "nhà"), or
money ("triệu đồng", converted from "đồng", "nghìn đồng", "tỷ đồng"). The indicator whose
words the number's words cover best wins; a near tie is left alone.

For which year: "năm 2008" after the number ("30 sáng kiến năm 2008"), the year of its bracket
("(năm 2008: 2,5 triệu đồng)", "so với năm 2008 (2.400.000 đồng)"), else the last year said
before it in its sentence ("Năm 2017 có ...", "đến nay", "hiện nay": the campaign's current
year), else the sentence before it in the paragraph, else the current year (less sure).

Not figures, never proposed: changes ("tăng 312", "giảm 5"), percentages (of a count), totals
over a period ("Giai đoạn 2008 - 2017 đã kết nạp 820 đoàn viên", "trong 10 năm", "từ năm 2008
đến nay"), a year between the campaign's ("năm 2013"), approximations ("khoảng 300"),
averages ("mỗi CĐCS"), ranges, durations ("10 năm"), dates and document numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal

from baocao.errors import InputError
from baocao.indicators.catalogue import Indicator
from baocao.indicators.numbers import format_number, parse_number
from baocao.indicators.reading import read_figure
from baocao.indicators.units import conversion, convert, implausible, money_unit
from baocao.ingest.values import ABBREVIATIONS
from baocao.text import clean_line, fold

# A number as reports print it (1.245 / 1,25 / 5.400.000 / 33,4%), not part of a date, a
# document number ("22/HD-LĐLĐ", "20-NQ/TW") or a word.
_NUMBER = re.compile(
    r"(?<![\w/.,\-])(\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?)"
    r"(\s?%)?(?![\w/\-]|[.,]\d)"
)
_YEAR = re.compile(r"^(19[5-9]\d|20\d\d)$")
_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"[a-z0-9]+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-ỸĐ“\"(])|\n")
# Markers of the year what follows is about, folded. Periods first: "từ năm 2008 đến nay" is a
# period, not "năm 2008" and then "đến nay".
_PERIOD = re.compile(
    r"\b(?:giai doan\s+(?:tu\s+)?(?:nam\s+)?\d{4}\s*(?:-|–|den)\s*(?:nam\s+)?\d{4}"
    r"|tu\s+(?:nam\s+)?\d{4}\s+(?:den|toi)\s+(?:nay|nam\s+\d{4}|\d{4}|hien nay)"
    r"|trong\s+(?:\d+|muoi|nhung)\s+nam(?:\s+qua)?|(?:\d+|muoi)\s+nam\s+qua|sau\s+(?:\d+|muoi)\s+nam"
    r"|tong cong|luy ke|ca giai doan|trong giai doan|giai doan nay|tu khi (?:co|thuc hien) nghi quyet)"
)
_COMPARED = re.compile(r"\bso\s+voi\s+(?:nam\s+)?(\d{4})\b")
_A_YEAR = re.compile(r"\bnam\s+(\d{4})\b")
_NOW = re.compile(
    r"\b(?:den nay|hien nay|hien tai|hien co|tinh den nay|den thoi diem (?:nay|hien tai)"
    r"|den thang \d+ nam (\d{4}))\b"
)
_BRACKET_YEAR = re.compile(r"^\(\s*nam\s+(\d{4})\s*[:,]")
# Right after a number: its year ("30 sáng kiến năm 2008"), within its clause.
# Where the words after a number stop being its noun: a semicolon, a bracket, a full stop,
# a comma before a new clause ("1.650 đoàn viên, trong đó nữ 700 người"); a comma inside a
# noun goes on ("2.100 công nhân, viên chức, lao động").
_CLAUSE_END = re.compile(
    r"[;():]|\.(?:\s|$)|,\s*(?=(?:trong do|trong so|tang|giam|dat|chiem|so voi|rieng|nam|con"
    r"|da|duoc|voi|la|co|bang|gom|nhu)\b)"
)
_YEAR_AFTER = re.compile(r"^[^\d;()]{0,40}?\bnam\s+(\d{4})\b")
# Words after which a number is not a year's figure.
_CHANGE = {"tang", "giam", "them", "gap", "chenh"}
_APPROXIMATE = {"khoang", "gan", "hon", "tren", "duoi", "xap", "uoc", "toi"}
# Read with diacritics: folded, "mỗi" (each) would be "mới" (new).
_AVERAGE = re.compile(r"\b(?:mỗi|bình quân mỗi|trung bình mỗi|hằng năm|hàng năm|mỗi năm)\W*$", re.I)
# "tại 30 CĐCS", "ở 12 doanh nghiệp": where something was done, no total of the year.
_WHERE = re.compile(r"(?<!\w)(?:tại|ở|trên địa bàn)\s*$", re.IGNORECASE)
# "lần thứ 4", "Đoạn thứ 51", "khóa 12", "số 22": a rank or a name, no count.
_RANK = re.compile(r"(?<!\w)(?:thứ|khóa|khoá|số|mục|điều|khoản|trang|phần)\s*$", re.IGNORECASE)
# Words after a number that make it a duration, a rank or a date.
_NOT_COUNTED = {"nam", "thang", "ngay", "gio", "tuan", "lan", "tuoi", "ky", "khoa", "phut"}
# Words that count people without naming who ("210 người", "60 đồng chí", "lượt").
_PEOPLE = {"nguoi", "dong chi", "ca nhan", "truong hop"}
_STOPWORDS = frozenset(
    {"cac", "nhung", "cua", "va", "duoc", "da", "la", "cho", "voi", "tai", "co", "trong", "do",
     "so", "tong", "luong", "nay", "mot", "the", "ve", "o", "tu", "den", "cung", "con", "dat",
     "nam", "toan", "deu", "them"}
)  # fmt: skip
_LEADS = ("tong so luot ", "tong so ", "so luong ", "so ")
WINDOW = 8  # words looked at either side of a number
PROPOSE_AT = 0.45  # the least confidence a proposal is made with
PER_FIGURE = 3  # the surest proposals kept for one indicator and year (the rest add nothing)
# Paragraphs read for figures: a report of a few hundred pages has a few thousand; a file of
# tens of thousands of numbered lines is no report to read sentence by sentence.
MAX_PARAGRAPHS = 3000
_NOTHING: tuple = ()  # no indicator fits at all (a near tie is None)
_SPECIFIC = 0.25  # per word of an indicator's name the number's words name
_UNIT_ONLY = 0.55  # the fit of a number known only by its unit word ("5 lớp")
_MARGIN = 0.1  # between the best indicator and the next


@dataclass(frozen=True)
class ProseFigure:
    """A figure read from a sentence, proposed to the person: never stored unless accepted.

    `written` is the number as the sentence writes it, with its unit ("2.400.000 đồng");
    `value` is in the catalogue's unit; `confidence` from 0 to 1 (how surely the words name
    the indicator and the year); `note` what was converted or doubtful; `section` where the
    sentence was placed (None: unplaced text)."""

    code: str
    year: int
    value: Decimal
    written: str
    sentence: str
    confidence: float
    section: str | None = None
    note: str = ""

    @property
    def key(self) -> str:
        return f"{self.code}:{self.year}"

    def to_json(self) -> dict[str, object]:
        return {
            "code": self.code,
            "year": self.year,
            "value": _plain(self.value),
            "written": self.written,
            "sentence": self.sentence,
            "confidence": round(self.confidence, 3),
            "section": self.section,
            "note": self.note,
        }


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def words_of(text: str) -> list[str]:
    """Folded words, abbreviations spelled out ("CNVCLĐ" is "công nhân viên chức lao động")."""
    return _words(fold(text))


def _words(folded: str) -> list[str]:
    """`words_of` for text folded already."""
    found: list[str] = []
    for word in _WORD.findall(folded):
        found.extend(ABBREVIATIONS.get(word, word).split())
    return found


def _content(words: list[str]) -> list[str]:
    return [w for w in words if w not in _STOPWORDS and not w.isdigit()]


@dataclass
class _Kind:
    """What an indicator's figure is counted in: money (convertible), attendances ("lượt"),
    people, or things with a word of their own ("buổi", "vụ", "lá đơn")."""

    money: bool = False
    visits: bool = False
    people: bool = False
    words: frozenset[str] = frozenset()  # the unit's words ("buoi"; "la", "don")


@dataclass
class _Named:
    indicator: Indicator
    phrases: list[frozenset[str]] = field(default_factory=list)
    heads: frozenset[str] = frozenset()  # each phrase's first word
    kind: _Kind = field(default_factory=_Kind)
    own: frozenset[str] = frozenset()  # a part's words its whole does not have ("nu")


class ProseReader:
    """Reads figures from sentences for one catalogue (built once per outline)."""

    def __init__(self, indicators: list[Indicator], years: list[int]):
        self.years = sorted(years)
        self.current = self.years[-1] if self.years else None
        self.named: list[_Named] = []
        for indicator in indicators:
            if indicator.derived or not indicator.numeric or indicator.type == "percent":
                continue
            phrases: list[frozenset[str]] = []
            heads: set[str] = set()
            for text in (indicator.name, indicator.label, *indicator.mentions):
                folded = fold(text).removeprefix("trong do").strip(" :")
                for lead in _LEADS:
                    if folded.startswith(lead):
                        folded = folded[len(lead) :]
                        break
                words = _content(words_of(folded))
                if words and frozenset(words) not in phrases:
                    phrases.append(frozenset(words))
                    heads.add(words[0])
            unit = fold(indicator.unit)
            unit_words = frozenset(_content(words_of(unit.split("/")[0])) or unit.split())
            kind = _Kind(
                money=indicator.type == "money" and money_unit(indicator.unit) is not None,
                visits="luot" in unit.split(),
                people=unit.split()[-1:] == ["nguoi"] or unit == "nguoi",
                words=unit_words,
            )
            self.named.append(_Named(indicator, phrases, frozenset(heads), kind))
        wholes = {named.indicator.code: named for named in self.named}
        for named in self.named:
            whole = wholes.get(named.indicator.part_of or "")
            if whole is not None:
                named.own = frozenset().union(*named.phrases) - frozenset().union(*whole.phrases)

    # --- a paragraph -----------------------------------------------------------------------

    def read(self, text: str, section: str | None = None, locale: str = "vi") -> list[ProseFigure]:
        """The figures proposed from one paragraph."""
        text = clean_line(text)
        if not self.current or not _NUMBER.search(text):
            return []
        found: list[ProseFigure] = []
        carried: tuple[int | None, str] | None = None  # the year the sentence before ended on
        for sentence in _SENTENCE.split(text):
            if not _DIGIT.search(sentence):
                continue  # no number; and no year for the next sentence to take

            figures, carried = self._sentence(sentence.strip(), carried, section, locale)
            found.extend(figures)
        return found

    def _sentence(
        self,
        sentence: str,
        carried: tuple[int | None, str] | None,
        section: str | None,
        locale: str,
    ) -> tuple[list[ProseFigure], tuple[int | None, str] | None]:
        folded = fold(sentence)
        # fold keeps the length of NFC Vietnamese text but not of every character: positions
        # are looked up in the folded text, which is what the markers are read in.
        if len(folded) != len(sentence):
            return [], carried
        markers = _markers(folded, self.current)
        parts = [(m.start(), m.end()) for m in re.finditer(r"[^;]+", sentence)]
        part_words = [set(_content(_words(folded[a:b]))) for a, b in parts]
        whole = set(_content(_words(folded)))
        numbers = [
            m for m in _NUMBER.finditer(sentence) if m.group(2) or not _YEAR.match(m.group(1))
        ]  # a year ("năm 2008") bounds nothing: it is read with the words
        found: list[ProseFigure] = []
        previous_noun: list[str] = []
        previous_end = previous_start = 0
        for n, match in enumerate(numbers):
            raw, percent = match.group(1), bool(match.group(2))
            start, end = match.span()
            following = numbers[n + 1].start() if n + 1 < len(numbers) else len(sentence)
            after_text = folded[end:following]
            before_text = folded[previous_end:start]
            previous_start, previous_end = previous_end, end
            clause_after = _CLAUSE_END.split(after_text)[0]
            if clause_after == after_text and n + 1 < len(numbers) and "," in clause_after:
                # "90 đoàn viên, giới thiệu 20 ...": after the comma, the next number's words.
                clause_after = clause_after[: clause_after.rfind(",")]
            # "25 năm 2008 lên 31": the year dates the number, it is no noun.
            dated_after = clause_after
            clause_after = _A_YEAR.sub(lambda m: " " * len(m.group()), clause_after)
            after = _words(clause_after)[: 2 * WINDOW]
            # Before a number: its clause, back to a comma (what stands before the comma is
            # the previous number's noun: "1.400 công nhân lao động, 1.245 đoàn viên").
            before = _words(re.split(r"[,;:()]", before_text)[-1])[-WINDOW:]
            written_after = sentence[end : end + len(clause_after)]
            noun = _content(_noun_split(clause_after, written_after)[1])
            written_before = re.split(r"[,;:()]", sentence[previous_start:start])[-1]
            if percent or self._not_a_figure(folded, start, end, before, after, written_before):
                previous_noun = noun or previous_noun
                continue
            year, sure = self._year(folded, start, end, dated_after, markers, carried)
            if year is None or year not in self.years:
                previous_noun = noun or previous_noun
                continue
            context = _content(before)
            sentence_words = next(
                (words for (a, b), words in zip(parts, part_words, strict=True) if a <= start < b),
                set(),
            )
            best = self._indicator(
                after, context, [], sentence_words, clause_after, written_after, whole
            )
            if best == _NOTHING and not context and previous_noun:
                # "410 đoàn viên có trình độ đại học trở lên, 95 cao đẳng": a list item
                # without the words of its own borrows those of the item before it.
                best = self._indicator(
                    after,
                    context,
                    previous_noun,
                    sentence_words,
                    clause_after,
                    written_after,
                    whole,
                )
            if best == _NOTHING:
                best = None
            previous_noun = noun or previous_noun
            if best is None:
                continue
            named, fit = best
            figure = self._figure(named.indicator, raw, clause_after, written_after, locale)
            if figure is None:
                continue
            value, written, note = figure
            confidence = round(min(1.0, fit) * sure, 3)
            if confidence < PROPOSE_AT:
                continue
            found.append(
                ProseFigure(
                    code=named.indicator.code,
                    year=year,
                    value=value,
                    written=written,
                    sentence=sentence,
                    confidence=confidence,
                    section=section,
                    note=note,
                )
            )
        last = [m for m in markers if m[0] < len(folded)]
        if last:
            carried = (last[-1][2], last[-1][3])
        return found, carried

    # --- what is not a figure ----------------------------------------------------------------

    def _not_a_figure(
        self,
        folded: str,
        start: int,
        end: int,
        before: list[str],
        after: list[str],
        written_before: str = "",
    ) -> bool:
        last = before[-1] if before else ""
        if folded[end : end + 1] == "/" or (start and folded[start - 1] == "/"):
            return True
        if last in _CHANGE or (len(before) >= 2 and before[-2:] == ["tang", "them"]):
            return True
        if last in _APPROXIMATE and not (last == "tren" and len(before) >= 2 and before[-2]
                                         in ("so", "tong")):  # fmt: skip
            return True
        if any(rule.search(written_before) for rule in (_AVERAGE, _WHERE, _RANK)):
            return True
        if (
            after[:1]
            and after[0] in _NOT_COUNTED
            and not (after[0] == "nam" and len(after) > 1 and _YEAR.match(after[1]))
        ):
            return True  # "10 năm", "3 lần"; not "25 năm 2008"
        if last == "tu" and "den" in after[:3]:
            return True  # "từ 10 đến 15 người"
        return last == "den" and "tu" in before[-4:-1]

    # --- the year -----------------------------------------------------------------------------

    def _year(
        self,
        folded: str,
        start: int,
        end: int,
        clause_after: str,
        markers: list[tuple[int, int, int | None, str]],
        carried: tuple[int | None, str] | None,
    ) -> tuple[int | None, float]:
        """(year, how sure): None for a period total or a year that is no campaign year."""
        after = _YEAR_AFTER.match(clause_after)
        if after and not _COMPARED.search(clause_after[: after.end()]):
            return int(after.group(1)), 1.0
        bracket = _bracket_year(folded, start)
        if bracket is not None:
            return bracket, 1.0
        before = [m for m in markers if m[1] <= start and not _closed_between(folded, m[1], start)]
        if before:
            _start, _end, year, kind = before[-1]
            return (None, 0.0) if kind == "period" else (year, 1.0)
        if carried is not None:
            year, kind = carried
            return (None, 0.0) if kind == "period" else (year, 0.85)
        return self.current, 0.75

    # --- which indicator ----------------------------------------------------------------------

    def _indicator(
        self,
        after: list[str],
        before: list[str],
        inherited: list[str],
        sentence: set[str],
        clause_after: str = "",
        written_after: str = "",
        whole: set[str] | frozenset[str] = frozenset(),
    ) -> tuple[_Named, float] | tuple[()] | None:
        """The indicator the number counts and how well its words fit (0-1), or None.

        Each word of an indicator's name weighs by where the number's sentence has it: in
        the number's own noun or unit (1), among the three words before it (1), further
        before it (0.5), after the noun to a comma (0.75), borrowed from the list item before
        (0.75), in its part of the sentence (0.3, to a semicolon), elsewhere (0.2). An indicator is ranked by the share of its name so named plus
        _SPECIFIC per word named (the more specific name wins: "kết nạp 140 đoàn viên" is new
        members, not members); a near tie is no answer."""
        unit, own_words, rest, far = _noun_split(clause_after, written_after or clause_after)
        own = set(_content(own_words))
        if own and not any(own & phrase for named in self.named for phrase in named.phrases):
            # "4 đề tài, sáng kiến cấp cơ sở": the noun goes on after the comma.
            own |= set(_content(rest or far))
        money = unit is not None and unit.split()[0] in _MONEY_HEADS
        if money:
            unit = _money_words(clause_after) or unit
        weights: dict[str, float] = {}

        def weigh(words, weight: float) -> None:
            for word in words:
                weights[word] = max(weights.get(word, 0.0), weight)

        weigh(whole, 0.2)
        weigh(sentence, 0.3)
        weigh(_content(far), 0.3)
        weigh(_content(rest), 0.75)
        weigh(before[:-3], 0.5)
        weigh(inherited, 0.75)
        weigh(before[-3:], 1.0)
        weigh(own, 1.0)
        unit_words: set[str] = set()
        if unit and not money:
            unit_words = set(_content(unit.split()) or unit.split())
            weigh(unit_words, 1.0)
        # (rank, recall, precision, the words named strongly, _)
        scored: list[tuple[float, float, float, frozenset[str], _Named]] = []
        for named in self.named:
            kind = named.kind
            if kind.money != money:
                continue
            if money and conversion(unit or "", named.indicator.unit) is None:
                continue
            if not money and not self._fits_kind(kind, named, unit, own, set(before[-3:])):
                continue
            best: tuple[float, float, float, frozenset[str]] | None = None
            for phrase in named.phrases:
                hits_own = phrase & own
                if own and not hits_own and not money:
                    continue  # "30 hội nghị" counts no indicator that names no "hội nghị"
                named_words = {w: weights[w] for w in phrase if w in weights}
                strong = {w for w, weight in named_words.items() if weight >= 0.5}
                if not strong - unit_words and not _supported(named, unit_words, weights):
                    continue  # "32 lớp" of a school are no training courses
                if not strong and not money:
                    continue
                if named.own and len(strong & named.own) < min(2, len(named.own)):
                    continue  # a part ("nữ", "ngoài nhà nước") must be named as such
                recall = sum(named_words.values()) / len(phrase)
                precision = len(hits_own) / len(own) if own else 1.0
                rank = recall + _SPECIFIC * sum(named_words[w] for w in strong)
                if best is None or (rank, precision) > (best[0], best[2]):
                    best = (rank, recall, precision, frozenset(strong))
            if best is not None:
                scored.append((*best, named))
        if not scored and money:
            # "năm 2008 là 2.400.000 đồng/người/tháng": a unit only one indicator takes.
            convertible = [
                n
                for n in self.named
                if n.kind.money and conversion(unit or "", n.indicator.unit) is not None
            ]
            if len(convertible) == 1:
                return convertible[0], _UNIT_ONLY
        if not scored and not money and unit:
            # "5 lớp" in a sentence about training: a unit word only one indicator counts
            # in names it, if the sentence says a word of its name too.
            counted = [n for n in self.named if unit in n.kind.words and not n.kind.people]
            if len(counted) == 1 and not own and _supported(counted[0], unit_words, weights):
                return counted[0], _UNIT_ONLY
        if not scored:
            return _NOTHING
        scored.sort(key=lambda item: (item[0], item[2]), reverse=True)
        top = scored[0]
        if len(scored) > 1:
            second = scored[1]
            # The same words name both: the one whose name leaves fewer words unsaid.
            same = top[3] == second[3] and top[1] > second[1] + 0.05
            if top[0] - second[0] < _MARGIN and top[2] <= second[2] and not same:
                return None  # two indicators fit as well: leave it to the person
        fit = 0.35 + 0.5 * min(1.0, top[1]) + 0.15 * top[2]
        return top[4], fit

    @staticmethod
    def _fits_kind(
        kind: _Kind, named: _Named, unit: str | None, own: set[str], before: set[str]
    ) -> bool:
        """A count of attendances needs "lượt"; a count of things its own word ("buổi",
        "vụ", "đơn", or the head of its name: "nhà"); a count of people any noun of people."""
        said = set(_words(unit)) if unit else set()
        if kind.visits:
            return "luot" in said or "luot" in own or "luot" in before
        if "luot" in said:
            return False
        if said and said <= _PEOPLE_WORDS:  # "210 người", "60 đồng chí"
            return kind.people
        if kind.people or not kind.words:
            return not said  # "5 buổi" counts no people
        if said and not said & (kind.words | named.heads):
            return False  # "32 lớp" count no houses
        return bool((said | own | before) & (kind.words | named.heads))

    # --- the value ----------------------------------------------------------------------------

    def _figure(
        self, indicator: Indicator, raw: str, clause_after: str, original: str, locale: str
    ) -> tuple[Decimal, str, str] | None:
        """(value in the catalogue's unit, as written, note) or None when it cannot be.
        `clause_after` is what follows the number in its clause, folded; `original` the same
        as written."""
        unit, _noun = _split_unit(_words(clause_after)[:WINDOW])
        written = raw
        try:
            parsed = parse_number(raw, locale)
        except InputError:
            return None
        note = ""
        value = parsed.value
        if indicator.type == "money":
            said = _money_words(clause_after)
            if said is None:
                return None
            span = _MONEY_SPAN.match(clause_after)
            written = f"{raw} {original[span.start(1) : span.end()].strip()}" if span else raw
            factor = conversion(said, indicator.unit)
            if factor is None:
                return None
            if factor != 1:
                value = convert(value, said, indicator.unit)
                note = (
                    f"Đã đổi {written} thành {format_number(value)} {indicator.unit} (đơn vị "
                    "của đề cương)."
                )
        elif unit:
            shown = original.strip().split()[: len(unit.split())]
            written = " ".join([raw, *shown])
        try:
            value = read_figure(indicator, value, locale).value
        except InputError:
            return None
        doubt = implausible(indicator, value)
        if doubt:
            note = f"{note} {doubt}".strip()
        return value, written, note


_PEOPLE_WORDS = frozenset(w for phrase in _PEOPLE for w in phrase.split())


def _supported(named: _Named, unit_words: set[str], weights: dict[str, float]) -> bool:
    """Whether the number's part of the sentence says a word of the indicator's name besides
    its unit word."""
    words = frozenset().union(*named.phrases) - named.kind.words - unit_words
    return any(weights.get(word, 0.0) >= 0.3 for word in words)


_MONEY_HEADS = {"dong", "nghin", "ngan", "trieu", "ty", "ti"}


def _split_unit(after: list[str]) -> tuple[str | None, list[str]]:
    """The unit word(s) right after a number ("lượt", "người", "triệu đồng", "đồng chí") and
    the noun after them."""
    text = " ".join(after)
    money = re.match(
        r"^((?:nghin|ngan|trieu|ty|ti)\s+dong|dong(?!\s+chi)|trieu|ty)"
        r"((?:\s*(?:nguoi|thang|nam))*)",
        text,
    )
    if money:
        taken = len(money.group(0).split())
        return money.group(0), after[taken:]
    for size in (2, 1):
        head = " ".join(after[:size])
        if head in _PEOPLE or (size == 1 and head in ("luot", "la", "can", "ban", "cuoc",
                                                       "vu", "buoi", "lop")):  # fmt: skip
            rest = after[size:]
            if head == "luot" and rest[:1] == ["nguoi"]:
                return "luot nguoi", rest[1:]
            return head, rest
    return None, after


_MONEY_SPAN = re.compile(
    r"^\s*((?:nghin|ngan|trieu|ty|ti)\s+dong|dong(?!\s+chi)|trieu|ty|ti)\b"
    r"((?:\s*/\s*(?:nguoi|thang|nam|ng|th)\b)*)"
)


# Where a number's own noun ends: what follows says what was done with it ("32 sáng kiến được
# công nhận", "13 đơn kiến nghị của đoàn viên"), or a comma ("76 đoàn viên, giới thiệu ...").
# Read with diacritics: folded, "để" (to) is "đề" of "đề tài", "tại" (at) is "tài".
_NOUN_ENDS = re.compile(
    r"(?<!\w)(?:được|đã|là|cho|với|tại|của|nhằm|để|ở|từ|trong|gồm|bao|tăng|giảm|chiếm|lên"
    r"|xuống|đến)(?!\w)|,",
    re.IGNORECASE,
)


def _noun_split(
    folded_after: str, written_after: str
) -> tuple[str | None, list[str], list[str], list[str]]:
    """(the unit right after a number, its own noun, the rest of its clause to a comma, the
    rest after that), in folded words; `written_after` is the same text as written."""
    words = _words(folded_after)
    unit, noun = _split_unit(words)
    start = _unit_end(folded_after, len(words) - len(noun))
    cut = _NOUN_ENDS.search(written_after, start)
    cut_at = cut.start() if cut else len(folded_after)
    if cut and cut.group() == ",":  # after a comma: another clause, or more of the noun
        return unit, _words(folded_after[start:cut_at]), [], _words(folded_after[cut_at:])
    comma = folded_after.find(",", cut_at)
    rest_end = comma if comma >= 0 else len(folded_after)
    return (
        unit,
        _words(folded_after[start:cut_at]),
        _words(folded_after[cut_at:rest_end]),
        _words(folded_after[rest_end:]),
    )


def _unit_end(folded_after: str, taken: int) -> int:
    """Where the first `taken` words (the unit) of a text end."""
    if not taken:
        return 0
    found = list(re.finditer(r"[a-z0-9]+", folded_after))
    return found[min(taken, len(found)) - 1].end() if found else 0


def _money_words(clause_after: str) -> str | None:
    """The money unit written right after a number, folded, with its "per"
    ("dong/nguoi/thang", "trieu dong", "ty dong"), or None."""
    found = _MONEY_SPAN.match(clause_after)
    if not found:
        return None
    return (found.group(1) + found.group(2).replace(" ", "")).strip()


def _markers(folded: str, current: int | None) -> list[tuple[int, int, int | None, str]]:
    """(start, end, year, kind) of what dates the numbers after it, in order: "year" ("năm
    2017", "đến nay"), "period" ("giai đoạn 2008 - 2017", "trong 10 năm"); a comparison ("so
    với năm 2008") dates nothing after it."""
    found: list[tuple[int, int, int | None, str]] = []
    taken: list[tuple[int, int]] = []
    for match in _PERIOD.finditer(folded):
        found.append((match.start(), match.end(), None, "period"))
        taken.append(match.span())
    for match in _COMPARED.finditer(folded):
        taken.append(match.span())
    for match in _A_YEAR.finditer(folded):
        if any(a <= match.start() < b for a, b in taken):
            continue
        found.append((match.start(), match.end(), int(match.group(1)), "year"))
    for match in _NOW.finditer(folded):
        if any(a <= match.start() < b for a, b in taken):
            continue
        year = int(match.group(1)) if match.group(1) else current
        found.append((match.start(), match.end(), year, "year"))
    return sorted(found)


def _closed_between(folded: str, start: int, end: int) -> bool:
    """Whether a bracket opened and closed between two positions ("(năm 2008: ...)" dates
    nothing after its bracket)."""
    depth = 0
    closed = False
    for char in folded[start:end]:
        if char == "(":
            depth += 1
        elif char == ")":
            if depth:
                depth -= 1
            closed = closed or depth == 0
    return closed and depth == 0 and "(" in folded[start:end]


def _bracket_year(folded: str, start: int) -> int | None:
    """The year the bracket holding the number is about: "(năm 2008: 1,9 triệu)", "so với
    năm 2008 (2.300.000 đồng)"."""
    opened = folded.rfind("(", 0, start)
    if opened < 0 or ")" in folded[opened:start]:
        return None
    inside = _BRACKET_YEAR.match(folded[opened:start])
    if inside:
        return int(inside.group(1))
    before = re.search(r"\bnam\s+(\d{4})\s*$", folded[max(0, opened - 30) : opened])
    return int(before.group(1)) if before else None


def propose(
    reader: ProseReader,
    paragraphs: list[tuple[str, str | None]],
    tables: dict[str, dict[int, Decimal]],
    locale: str = "vi",
) -> list[ProseFigure]:
    """The proposals of a document's paragraphs ((text, section) in reading order): one per
    indicator, year and value, the surest kept, at most PER_FIGURE values for one indicator
    and year; none for a figure a table of the document already gives with the same value
    (one it gives otherwise is proposed, with a note). Only the first MAX_PARAGRAPHS
    paragraphs are read."""
    best: dict[tuple[str, int, Decimal], ProseFigure] = {}
    for text, section in paragraphs[:MAX_PARAGRAPHS]:
        for figure in reader.read(text, section, locale):
            table = tables.get(figure.code, {}).get(figure.year)
            if table is not None and table == figure.value:
                continue
            if table is not None:
                note = f"{figure.note} Bảng số liệu trong tệp ghi {format_number(table)}."
                figure = replace(
                    figure, note=note.strip(), confidence=round(figure.confidence * 0.8, 3)
                )
            key = (figure.code, figure.year, figure.value)
            if key not in best or figure.confidence > best[key].confidence:
                best[key] = figure
    kept: list[ProseFigure] = []
    counts: dict[tuple[str, int], int] = {}
    for figure in sorted(best.values(), key=lambda f: (f.code, f.year, -f.confidence)):
        count = counts[(figure.code, figure.year)] = counts.get((figure.code, figure.year), 0) + 1
        if count <= PER_FIGURE:
            kept.append(figure)
    return kept
