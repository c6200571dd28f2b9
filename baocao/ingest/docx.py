"""A filled report in Word (the downloaded template, or a free-form report that follows the
outline more or less) mapped onto the outline's sections and indicators.

The document is read by `baocao.docx_in` into paragraphs and tables, then:
1. the header block and title at the top, and the signature and recipients at the bottom, are
   set apart (kept in `front_matter`, never taken for text);
2. the outline's own guidance and prompts, which the template prints in grey italics to be
   written over, are recognised by their words and left out (kept in `guidance`);
3. headings are found by `headings.align`: numbering and title words in outline order first,
   then what the order left over (sections written out of order, headings in the unit's own
   words placed by their number under their parent or by what the text under them is about);
   a number alone on its line ("II.") takes the title on the next line;
4. everything between two headings is that section's text, as HTML (`clean_section_text`):
   paragraphs with their bold, italic and underline, lists (Word's bullets and numbers, nested
   by their w:ilvl; typed "- " and "+ " bullets), tables with their merged cells; a table
   whose rows (or, turned over, columns) name indicators and whose columns (rows) name the
   campaign years gives values instead (`values.read_table`); a table that names indicators
   in too few rows stays a table of the text, and says so;
5. what could not be placed (text before the first heading, under a heading of the unit's own,
   rows of a figures table that are not understood) goes to `unassigned`; nothing is dropped;
6. the figures the sentences state are proposed (`prose`), each with its sentence: kept in
   `proposals`, apart from the table figures, for a person to accept.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from baocao.docx_in import NOTE_MARK, Cell, Paragraph, Table, iter_paragraphs, read_docx
from baocao.errors import InputError
from baocao.indicators.numbers import LOCALES, format_number
from baocao.ingest import headings as h
from baocao.ingest.prose import MAX_PARAGRAPHS, ProseReader, propose
from baocao.ingest.result import IngestResult, Placement
from baocao.ingest.values import IndicatorMatcher, read_table
from baocao.officefile import subject_of
from baocao.outline.model import Outline
from baocao.richtext import clean_section_text
from baocao.templatemark import TABLE_INSTRUCTION, TEXT_INSTRUCTION, TemplateMark
from baocao.text import clean_line, fold

_RULE = re.compile(r"^[\W_]{3,}$")
_DATE = re.compile(r"ngay\s*[\d.…_ ]{0,6}\s*thang\s*[\d.…_ ]{0,6}\s*nam\s*[\d.…_ ]{0,6}")
_NUMBER_LINE = re.compile(r"^(?:so|s)\s*[:.]|^so\s*[\d.…_ ]*/")
_SIGNATURE = re.compile(
    r"^(?:noi nhan|t/?m\b|tm\.|kt\.?\s|k/t\b|q\.\s*chu tich|tl\.|chu tich$|pho chu tich$|"
    r"nguoi (?:bao cao|lap|viet)|ban thuong vu$|ban chap hanh$|\(da ky|\(ky[ ,]|thu truong)"
)
_CLOSING = re.compile(r"^tren day la (?:bao cao|ket qua|tinh hinh)|^tren day la")
_APPENDIX = re.compile(
    r"^(?:phu luc|bieu (?:so lieu|thong ke|mau)|bang (?:so lieu|thong ke)|so lieu thong ke)"
)
_SENTENCE_SPLIT = re.compile(r"(?<=[^\s.])(?::|\.(?=\s+[A-ZÀ-ỸĐ]))\s+")
_BULLET_LEAD = re.compile(r"^(?P<marker>[-+•*–—·▪◦○●])\s*(?P<rest>\S.*)$")
_MAX_TITLE_WORDS = 45
CONTENT_CHARS = 1500  # of the text under a heading, read to tell what it is about


@dataclass
class _Item:
    """A paragraph (one line of it) or a table, in reading order."""

    text: str = ""
    paragraph: Paragraph | None = None
    table: Table | None = None
    first_line: bool = True  # the paragraph's first line (Word's number and bold lead-in)
    rich: str = ""  # the line as inline HTML (bold, italic, underline), when Word says
    kind: str = ""  # set as the document is read: front, back, guidance, heading, text, values
    section: str | None = None


@dataclass
class _Entry:
    """A piece of a section's text: `text` as it is placed and read for figures, `html` what
    the section's HTML shows for it (escaped `text` when empty)."""

    text: str
    tag: str = "p"  # p, li, li2 (nested bullet), strong, table
    html: str = ""
    level: int = 0  # a list item's level, 0 the top
    ordered: bool = False  # a numbered list's item
    list_type: str = ""  # a numbered list's kind of number: its ol's type ("", a, A, i, I)
    # The Word paragraph a list item starts (`tag` li) or goes on (a line after a manual line
    # break, `follows`): such a line stays in its item, after a <br>.
    source: Paragraph | None = None
    follows: bool = False


@dataclass
class _Index:
    """What the ingest needs from an outline, computed once per outline."""

    outline: Outline
    keys: list[h.SectionKey] = field(default_factory=list)
    vocabulary: h.Vocabulary | None = None
    profiles: h.Profiles | None = None
    guidance: dict[str, str] = field(default_factory=dict)  # folded -> as written
    guidance_keys: list[str] = field(default_factory=list)
    title: str = ""
    matcher: IndicatorMatcher | None = None
    years: list[int] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    prose: ProseReader | None = None

    def __post_init__(self) -> None:
        outline = self.outline
        self.keys = h.section_keys(outline)
        self.vocabulary = h.Vocabulary(outline)
        self.profiles = h.Profiles(outline)
        texts = [TABLE_INSTRUCTION, TEXT_INSTRUCTION, *outline.preamble]
        for section, _ in outline.walk():
            texts.extend(section.guidance)
            texts.extend(section.prompts)
        for text in texts:
            key = _guidance_key(text)
            if key:
                self.guidance.setdefault(key, text)
        self.guidance_keys = list(self.guidance)
        self.title = fold(outline.title)
        self.matcher = IndicatorMatcher(list(outline.indicators))
        self.years = [int(year) for year in outline.years.values()] if outline.years else []
        self.names = {indicator.code: indicator.name for indicator in outline.indicators}
        self.prose = ProseReader(list(outline.indicators), self.years)


_INDEXES: dict[int, _Index] = {}


def outline_index(outline: Outline) -> _Index:
    """The outline's index, kept while the same outline object is ingested against."""
    index = _INDEXES.get(id(outline))
    if index is None or index.outline is not outline:
        if len(_INDEXES) > 8:
            _INDEXES.clear()
        index = _INDEXES[id(outline)] = _Index(outline)
    return index


def _guidance_key(text: str) -> str:
    text = clean_line(text)
    bullet = _BULLET_LEAD.match(text)
    if bullet:
        text = bullet["rest"]
    return fold(text).strip(" .;:…*").removeprefix("+ ").strip()


def ingest_docx(
    data: bytes, outline: Outline, *, name: str = "tệp", locale: str = "vi"
) -> IngestResult:
    """Map a filled report (.docx) onto `outline`. InputError for a file that cannot be read."""
    if locale not in LOCALES:
        raise ValueError(f"unknown locale {locale!r}")
    content = read_docx(data, name=name, noun="báo cáo")
    index = outline_index(outline)
    reader = _Reader(index, locale)
    reader.flatten(content.blocks)
    subject = subject_of(name)
    if not any(item.text or item.table is not None for item in reader.items):
        if content.has_images:
            raise InputError(
                f"{subject} chỉ có hình ảnh, không có chữ (có thể là bản chụp/scan). Hãy tải lên "
                "tệp Word có nội dung dạng chữ, hoặc gõ nội dung báo cáo vào từng mục."
            )
        raise InputError(
            f"{subject} không có nội dung chữ nào. Hãy kiểm tra lại tệp đã chọn: báo cáo phải "
            "có các đề mục và nội dung dạng chữ."
        )
    result = reader.run()
    result.template = TemplateMark.from_properties(content.properties)
    if result.template is not None and not result.template.fits(outline):
        result.warnings.insert(
            0,
            "Tệp được tạo từ một đề cương khác (hoặc đề cương đã thay đổi sau khi tải mẫu); hãy "
            "kiểm tra kỹ việc xếp nội dung vào các mục.",
        )
    if content.has_images:
        result.warnings.append(
            "Tệp có hình ảnh; hình ảnh không được nhập, hãy đưa vào báo cáo bằng cách khác nếu cần."
        )
    return result


class _Reader:
    def __init__(self, index: _Index, locale: str):
        self.index = index
        self.locale = locale
        self.items: list[_Item] = []
        self.result = IngestResult()
        self.tables = 0
        self._at = 0  # the item being placed: placements are listed in reading order
        self._placed: list[tuple[int, int, Placement]] = []
        self.entries: dict[int, list[_Entry]] = {}  # section index -> its text, in order
        self.paragraphs: list[tuple[str, str | None]] = []  # (text, section id): for figures

    def _place(self, placement: Placement) -> None:
        self._placed.append((self._at, len(self._placed), placement))

    # --- reading order ---------------------------------------------------------------------

    def flatten(self, blocks) -> None:
        for block in blocks:
            if isinstance(block, Table):
                self.items.append(_Item(table=block))
                continue
            first = True
            rich = block.rich if len(block.rich) == len(block.pieces) else []
            for at, piece in enumerate(block.pieces):
                text = clean_line(piece.replace(NOTE_MARK, ""))
                if text:
                    line = rich[at] if rich else ""
                    self.items.append(_Item(text, block, first_line=first, rich=line))
                    first = False
            for box in block.boxes:
                self.flatten(box)

    # --- the whole document ------------------------------------------------------------------

    def run(self) -> IngestResult:
        items = self.items
        start = self._front_matter()
        end, resume = self._back_matter(start)
        body = list(range(start, end)) + list(range(resume, len(items)))
        candidates = self._candidates(body)
        pairs = h.align(candidates, self.index.keys, self._evidence(body, candidates))
        self._assign(body, candidates, pairs)
        self._texts()
        self.result.proposals = propose(
            self.index.prose, self.paragraphs, self.result.indicators, self.locale
        )
        if len(self.paragraphs) > MAX_PARAGRAPHS:
            most = format_number(MAX_PARAGRAPHS)
            self.result.warnings.append(
                f"Tệp có hơn {most} đoạn văn; số liệu trong câu văn chỉ được đọc ở {most} đoạn "
                "đầu. Hãy nhập các số liệu còn lại bằng tay."
            )
        self.result.placements = [placement for _, _, placement in sorted(self._placed)]
        return self.result

    def _front_matter(self) -> int:
        """Index of the first item after the header block and title."""
        items = self.items
        limit = min(len(items), 16)
        report_line = next(
            (
                i
                for i in range(limit)
                if items[i].text and fold(items[i].text).strip(" .:") == "bao cao"
            ),
            None,
        )
        position = 0
        while position < limit:
            item = items[position]
            if item.table is not None:
                if not _front_table(item.table):
                    break
            elif report_line is not None and position < report_line:
                pass
            elif not _front_line(item.text) or (
                report_line is None
                and _caps(item.text)
                and (position >= 6 or self._heading_like(position, item))
            ):
                break
            position += 1
        if report_line is not None and position > report_line:
            # The title: the paragraphs right after "BÁO CÁO" that are bold or capitals or
            # repeat the outline's title.
            first_title = position
            while position < len(items) and position < report_line + 5:
                item = items[position]
                if item.table is not None or not item.text:
                    break
                paragraph = item.paragraph
                looks = (paragraph is not None and paragraph.bold) or _caps(item.text)
                similar = fuzz.token_set_ratio(fold(item.text), self.index.title) >= 70
                if (
                    h.numbering_of(item.text) is not None
                    or _guidance(self.index, item.text)
                    or not (similar or (looks and position == first_title))
                    or self._heading_like(position, item)
                ):
                    break
                position += 1
            while (
                position < len(items)
                and items[position].table is None
                and _title_tail(items[position].text)
            ):
                position += 1
        for at in range(position):
            items[at].kind = "front"
            self._matter(at, "front")
        return position

    def _heading_like(self, at: int, item: _Item) -> bool:
        """Whether a line after "BÁO CÁO" is already a heading of the outline, not the title."""
        candidate = self._candidate(at, item)
        if candidate is None or not candidate.words:
            return False
        best = max(h.score(candidate, key) for key in self.index.keys)
        return best >= max(candidate.threshold, 0.7)

    def _matter(self, at: int, kind: str) -> None:
        """Header block, title, signature: kept to be shown, never taken for text."""
        self._at = at
        item = self.items[at]
        if item.table is None:
            texts = [item.text]
        else:
            texts = [p.text for p in iter_paragraphs([item.table])]
        for text in texts:
            if text:
                self.result.front_matter.append(text)
                self._place(Placement(text, kind))

    def _back_matter(self, start: int) -> tuple[int, int]:
        """(end of the body, where it resumes): the signature block and recipients at the end,
        with a closing "Trên đây là báo cáo ..." before them; an appendix after the signature
        is body again."""
        items = self.items
        n = len(items)
        signature = None
        # From the end back: the earliest signature line of the last block ("TM. BAN THƯỜNG
        # VỤ", "CHỦ TỊCH", "Nơi nhận:"), not beyond the last paragraph of real text.
        for i in range(n - 1, max(start, n - 40) - 1, -1):
            item = items[i]
            if _signature_item(item):
                signature = i
            elif signature is not None and item.table is None and len(item.text.split()) > 25:
                break
        if signature is None:
            return n, n
        resume = signature
        while resume < n:
            item = items[resume]
            if item.table is None and _APPENDIX.match(fold(item.text)):
                break
            if (
                item.table is not None
                and not _signature_item(item)
                and not _front_table(item.table)
            ):
                break
            if item.table is None and len(item.text.split()) > 25:
                break
            resume += 1
        end = signature
        while (
            end > start
            and items[end - 1].table is None
            and _CLOSING.match(fold(items[end - 1].text))
        ):
            end -= 1
        for at in range(end, resume):
            items[at].kind = "back"
            self._matter(at, "back")
        return end, resume

    # --- headings ----------------------------------------------------------------------------

    def _candidates(self, body: list[int]) -> list[h.Candidate]:
        candidates = []
        items = self.items
        skip_next = False
        for position, i in enumerate(body):
            if skip_next:
                skip_next = False
                continue
            item = items[i]
            if item.table is not None or not item.text:
                continue
            if _guidance(self.index, item.text):
                item.kind = "guidance"
                continue
            candidate = self._candidate(i, item)
            if candidate is None:
                continue
            following = items[body[position + 1]] if position + 1 < len(body) else None
            if candidate.numbered and not candidate.words and _title_line(following):
                # "Phần thứ nhất" / "II." on a line of its own: the title is the next line.
                candidate.title = following.text
                candidate.words = self.index.vocabulary.bag(following.text)
                candidate.text = f"{candidate.text} {following.text}"
                following.kind = "title"
                skip_next = True
            candidates.append(candidate)
        return candidates

    def _evidence(self, body: list[int], candidates: list[h.Candidate]) -> h.Evidence:
        """How well the text under each candidate heading (to the next one), and its own
        words, fit each section."""
        starts = {c.item: n for n, c in enumerate(candidates)}
        texts: list[list[str]] = [[] for _ in candidates]
        current = None
        for i in body:
            if i in starts:
                current = starts[i]
                continue
            item = self.items[i]
            if current is None or item.kind in ("guidance", "title"):
                continue
            if item.table is not None:
                texts[current].extend(_table_lines(item.table))
            elif item.text:
                texts[current].append(item.text)
        profiles = self.index.profiles
        # What a text is about shows in its first paragraphs: a long section is not read whole.
        return h.Evidence(
            content=lambda n: (
                profiles.scores(" ".join(texts[n])[:CONTENT_CHARS]) if texts[n] else None
            ),
            about=lambda n: profiles.scores(candidates[n].title) if candidates[n].words else None,
        )

    def _candidate(self, i: int, item: _Item) -> h.Candidate | None:
        paragraph = item.paragraph
        text = item.text
        word_count = len(text.split())
        number = paragraph.number if paragraph is not None and item.first_line else None
        bullet = paragraph is not None and paragraph.bullet and item.first_line
        if bullet or h.is_bullet(text):
            return None
        numbering = h.numbering_of(f"{number} {text}" if number else text)
        if numbering is None and not number:
            bare = h.bare_number(text)  # "II." alone: its title is on the next line
            numbering = (*bare, "") if bare is not None else None
        level = paragraph.level if paragraph is not None and item.first_line else None
        bold = paragraph is not None and paragraph.bold
        caps = _caps(text)
        lead = paragraph.bold_prefix if paragraph is not None and item.first_line else ""
        form, token, rest = numbering if numbering else ("", "", text)
        more, rest = h.split_more_tokens(rest) if numbering else ((), rest)
        title, inline = rest, ""
        if lead and not bold:
            lead_numbering = h.numbering_of(lead)
            lead_rest = lead_numbering[2] if lead_numbering else lead
            if 1 <= len(lead_rest.split()) <= 20 and text.startswith(lead) or lead_numbering:
                title = lead_rest.strip(" :.-–")
                inline = text[len(lead) :].strip(" :.-–") if text.startswith(lead) else ""
        if not inline and (numbering or word_count > 25):
            # "1. Ưu điểm: nhìn chung ..." / "Dự báo tình hình. Thời gian tới ...": a heading
            # and its text in one paragraph.
            split = _SENTENCE_SPLIT.search(title)
            limit = 15 if word_count <= 25 else 25
            if split and len(title[: split.start()].split()) <= limit and title[split.end() :]:
                title, inline = title[: split.start()], title[split.end() :]
        if level is not None:
            threshold = h.STYLED
            form = form or f"level{level}"
        elif numbering and (bold or caps or (word_count <= 30 and not inline)):
            threshold = h.NUMBERED
        elif numbering:
            threshold = h.LEAD_IN
        elif (bold or caps) and word_count <= _MAX_TITLE_WORDS:
            threshold = h.EMPHASISED
            form = "bold" if bold else "caps"
        elif lead and title != rest:
            threshold = h.LEAD_IN
            form = "lead"
        elif word_count <= 12 and not text.endswith((".", ";", ",")):
            threshold = h.PLAIN
            form = "plain"
        else:
            return None
        if inline and threshold < h.LEAD_IN and not (level is not None or bold or caps):
            threshold = h.LEAD_IN
        title = title.strip(" :.-–")
        return h.Candidate(
            item=i,
            text=text,
            title=title,
            form=form,
            token=token,
            more_tokens=more,
            threshold=threshold,
            inline=inline.strip(),
            words=self.index.vocabulary.bag(title),
            numbered=bool(numbering),
            emphasised=bold or caps or level is not None,
        )

    # --- placing every item ------------------------------------------------------------------

    def _assign(self, body: list[int], candidates: list[h.Candidate], pairs) -> None:
        keys = self.index.keys
        by_item = {c.item: c for c in candidates}
        matched = {candidates[ci].item: (key, value) for ci, key, value in pairs}
        result = self.result
        forms: dict[str, int] = {}  # numbering form -> the shallowest depth it matched
        plain_forms: set[str] = set()  # forms whose matched headings are not emphasised
        for ci, key, _ in pairs:
            form = candidates[ci].form
            forms[form] = min(forms.get(form, 99), key.depth)
            if not candidates[ci].emphasised:
                plain_forms.add(form)
        last_tokens: dict[str, str] = {}  # numbering form -> the number of its last heading
        current: int | None = None  # section index receiving text; None: unassigned
        current_depth = -1
        for i in body:
            self._at = i
            item = self.items[i]
            if item.kind in ("guidance", "title"):
                if item.kind == "guidance":
                    result.guidance.append(item.text)
                    self._place(Placement(item.text, "guidance"))
                else:
                    self._place(
                        Placement(
                            item.text, "heading", keys[current].id if current is not None else None
                        )
                    )
                continue
            if item.table is not None:
                self._table(item.table, current)
                continue
            candidate = by_item.get(i)
            if i in matched:
                key, value = matched[i]
                current, current_depth = key.index, key.depth
                result.headings[key.id] = candidate.text
                result.confidence[key.id] = round(min(1.0, value), 3)
                if candidate.token:
                    last_tokens[candidate.form] = candidate.token
                self._place(Placement(candidate.text, "heading", key.id))
                if key.last >= 0:
                    self._merged(candidate, key)
                if candidate.inline:
                    self._text(current, _Entry(candidate.inline), item)
                continue
            previous = last_tokens.get(candidate.form) if candidate is not None else None
            if candidate is not None and self._opens_extra(
                candidate, previous, forms, plain_forms, current, current_depth
            ):
                current = None
                if candidate.token:
                    last_tokens[candidate.form] = candidate.token
                result.warnings.append(
                    f"Đề mục “{_short(candidate.text)}” không có trong đề cương; nội dung dưới đề "
                    "mục này chưa được xếp vào mục nào."
                )
                self._place(Placement(candidate.text, "text", None))
                result.unassigned.append(candidate.text)
                continue
            if (
                candidate is not None
                and (item.paragraph is not None and item.paragraph.bold)
                and current is not None
            ):
                self._text(current, _Entry(candidate.text, "strong"), item)
                continue
            self._text(current, self._entry(item), item)

    def _opens_extra(
        self,
        candidate: h.Candidate,
        previous_token: str | None,
        forms: dict[str, int],
        plain_forms: set[str],
        current: int | None,
        current_depth: int,
    ) -> bool:
        """Whether an unmatched heading-like paragraph starts a section of the unit's own
        (its text is then unassigned) rather than a sub-heading of the current section: it
        must be an appendix, or numbered like the matched headings at this depth or above,
        emphasised like them, and continue their numbering ("IV." after "III.")."""
        if _APPENDIX.match(fold(candidate.title or candidate.text)):
            return True
        if current is None:
            return False
        key = self.index.keys[current]
        if h.score(candidate, key) >= candidate.threshold:
            return False  # the current section split in two headings: still its text
        if not candidate.numbered and not candidate.form.startswith("level"):
            return False
        depth = forms.get(candidate.form)
        if depth is None or depth > current_depth:
            return False  # a numbering the outline's headings do not use here: a sub-heading
        if not candidate.emphasised and candidate.form not in plain_forms:
            return False  # a numbered line in plain text under bold headings: a list item
        if candidate.form.startswith("level"):
            return True
        return _follows(previous_token, candidate.token)

    def _merged(self, candidate: h.Candidate, key: h.SectionKey) -> None:
        """One heading for two sections ("4.1 và 4.2", "Tồn tại, hạn chế và nguyên nhân"):
        the text stays with the first, and the person is told."""
        outline = self.index.outline
        other = self.index.keys[key.last]
        here, there = (_short(outline.section(k.id).label, 60) for k in (key, other))
        self.result.warnings.append(
            f"Đề mục “{_short(candidate.text)}” gộp cả mục “{there}” của đề cương; nội dung "
            f"được xếp vào mục “{here}”, hãy tách sang mục sau nếu cần."
        )
        self.result.confidence.setdefault(other.id, 0.0)

    # --- text ----------------------------------------------------------------------------------

    def _entry(self, item: _Item) -> _Entry:
        paragraph = item.paragraph
        text = item.text
        rich = item.rich
        if paragraph is not None and paragraph.bullet and item.first_line:
            level = paragraph.list_level or 0
            if paragraph.deep and not level:  # "List Bullet 2" numbered with a list of its own
                level = 1
            return _Entry(text, "li", rich, level=level, source=paragraph)
        bullet = _BULLET_LEAD.match(text)
        if bullet and bullet["marker"] != "*":
            marker_level = 1 if bullet["marker"] == "+" else 0
            return _Entry(bullet["rest"], "li", level=marker_level, source=paragraph)
        if paragraph is not None and not item.first_line:
            # A line after a manual line break (Shift+Enter): in a list item, still that item.
            return _Entry(text, html=rich, source=paragraph, follows=True)
        if paragraph is not None and paragraph.number:
            if paragraph.list_level is not None and paragraph.ordered:
                # Word's own numbering: a numbered list item (the number stays in the text
                # placed and read for figures, the list draws it in the HTML).
                return _Entry(
                    f"{paragraph.number} {text}",
                    "li",
                    rich,
                    paragraph.list_level,
                    ordered=True,
                    list_type=paragraph.list_type,
                    source=paragraph,
                )
            return _Entry(f"{paragraph.number} {text}")
        return _Entry(text, html=rich)

    def _text(self, section: int | None, entry: _Entry, item: _Item) -> None:
        section_id = None if section is None else self.index.keys[section].id
        self._place(Placement(entry.text, "text", section_id))
        if item.paragraph is not None:  # a sentence, not a table's row
            self.paragraphs.append((entry.text, section_id))
        notes = item.paragraph.notes if item.paragraph is not None and item.first_line else []
        entries = [entry] + [_Entry(f"({note})") for note in notes]
        if section is None:
            self.result.unassigned.extend(e.text for e in entries)
            return
        self.entries.setdefault(section, []).extend(entries)

    def _table(self, table: Table, section: int | None) -> None:
        self.tables += 1
        grid = table.grid()
        cells = [[cell.text for cell in row] for row in grid]
        merged = {(r, c) for r, row in enumerate(grid) for c, cell in enumerate(row) if cell.merged}
        reading = read_table(
            cells,
            self.index.matcher,
            self.index.years,
            self.locale,
            merged=merged,
            where=f"bảng {self.tables}",
        )
        result = self.result
        if reading.is_indicator_table:
            for code, by_year in reading.values.items():
                for year, value in by_year.items():
                    result.keep_figure(
                        code,
                        year,
                        value,
                        label=self.index.names.get(code, code),
                        place=f"bảng {self.tables}",
                    )
            result.value_notes.extend(reading.notes)
            result.warnings.extend(reading.warnings)
            for row in reading.unmatched_rows:
                result.unassigned.append(row)
                self._place(Placement(row, "text", None))
            self._place(Placement(f"[bảng {self.tables}]", "values"))
            return
        result.warnings.extend(reading.warnings)
        # A narrative table: each row placed as a line (as it reads), the section's text keeps
        # it as a table.
        kept: list[int] = []
        lines = _table_lines(table)
        for row, line in enumerate(lines):
            if line and not _guidance(self.index, line):
                kept.append(row)
                section_id = None if section is None else self.index.keys[section].id
                self._place(Placement(line, "text", section_id))
                if section is None:
                    result.unassigned.append(line)
        if kept and section is not None:
            self.entries.setdefault(section, []).append(
                _Entry(" ".join(lines[row] for row in kept), "table", _table_html(table, kept))
            )

    def _texts(self) -> None:
        keys = self.index.keys
        for section, entries in sorted(self.entries.items()):
            text = _html(entries)
            if text:
                self.result.sections[keys[section].id] = text
        known = len(self.result.headings)
        total = len(keys)
        if known < max(2, total // 4):
            self.result.warnings.insert(
                0,
                f"Chỉ nhận ra {known}/{total} đề mục của đề cương trong tệp; hãy kiểm tra các đề "
                "mục của báo cáo có theo đề cương không, và xếp lại nội dung nếu cần.",
            )


# --- helpers -------------------------------------------------------------------------------------


def _guidance(index: _Index, text: str) -> bool:
    key = _guidance_key(text)
    if not key or len(key) < 12:
        return False
    if key in index.guidance:
        return True
    found = process.extractOne(key, index.guidance_keys, scorer=fuzz.ratio, score_cutoff=92)
    return found is not None


def _caps(text: str) -> bool:
    """Written in capitals: two words or more, no small letter."""
    return text.isupper() and len(text) >= 6 and " " in text


def _title_line(item: _Item | None) -> bool:
    """Whether a paragraph can be the title of a number on the line before it: in bold or in
    capitals, not numbered itself."""
    if item is None or item.table is not None or not item.text:
        return False
    if h.numbering_of(item.text) is not None or h.bare_number(item.text) is not None:
        return False
    paragraph = item.paragraph
    if (paragraph is not None and (paragraph.bold or paragraph.level is not None)) or _caps(
        item.text
    ):
        return True
    # A title typed in plain text under a number in bold ("II." / "Kết quả sau mười năm"): short,
    # no sentence, no list item.
    return (
        len(item.text.split()) <= 20
        and not item.text.rstrip().endswith((".", ";", ",", ":"))
        and not (paragraph is not None and paragraph.bullet)
        and not h.is_bullet(item.text)
    )


def _front_line(text: str) -> bool:
    folded = fold(text).strip()
    if not folded:
        return True
    if _RULE.match(text):
        return True
    if folded.startswith(("cong hoa xa hoi chu nghia", "doc lap", "kinh gui", "v/v", "(kem theo")):
        return True
    if folded.strip(" .:") == "bao cao":
        return True
    if _NUMBER_LINE.match(folded) and len(text.split()) <= 6:
        return True
    if _DATE.search(folded) and len(text.split()) <= 14:
        return True
    return _caps(text) and len(text.split()) <= 14 and h.numbering_of(text) is None


def _title_tail(text: str) -> bool:
    """What may follow a report's title: a rule, "(Kèm theo ...)", "Kính gửi: ..."."""
    folded = fold(text).strip()
    return (
        not folded
        or bool(_RULE.match(text))
        or folded.startswith(("kinh gui", "v/v", "(kem theo", "(giai doan", "(tu nam"))
    )


def _front_table(table: Table) -> bool:
    lines = [line for line in _table_lines(table) if line]
    if not lines or len(lines) > 12:
        return False
    folded = " ".join(fold(line) for line in lines)
    return "cong hoa xa hoi" in folded or "doc lap" in folded or bool(_DATE.search(folded))


def _signature_item(item: _Item) -> bool:
    if item.table is not None:
        lines = [fold(line) for line in _table_lines(item.table) if line]
        return bool(lines) and len(lines) <= 20 and any(_SIGNATURE.match(line) for line in lines)
    return bool(_SIGNATURE.match(fold(item.text))) and len(item.text.split()) <= 12


def _table_lines(table: Table) -> list[str]:
    """A table as text, a line per row: its cells joined by " | ", merged cells once."""
    lines = []
    for row in table.grid():
        cells = [cell.text.replace("\n", " ") for cell in row if not cell.merged and cell.text]
        lines.append(" | ".join(cells))
    return lines


def _follows(previous: str | None, token: str) -> bool:
    """Whether `token` continues a numbering after `previous` ("III" after "II", "5" after
    "4", "2.3" after "2.2"); a numbering that starts again is a list inside the section."""
    if previous is None:
        return True
    if previous.isdigit() and token.isdigit():
        return int(token) == int(previous) + 1
    if "." in previous and "." in token:
        head_p, _, last_p = previous.rpartition(".")
        head_t, _, last_t = token.rpartition(".")
        return (
            head_p == head_t and last_p.isdigit() and last_t.isdigit() and int(last_t) > int(last_p)
        )
    from baocao.outline.numbering import roman_value

    before, after = roman_value(previous), roman_value(token)
    if before and after:
        return after == before + 1
    if len(previous) == 1 and len(token) == 1:
        return ord(token) == ord(previous) + 1
    return token != previous


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


_MAX_LIST_DEPTH = 9


def _html(entries: list[_Entry]) -> str:
    """The section's text as HTML: paragraphs, lists nested by their levels (bulleted or
    numbered, as Word drew them, letters and Roman numerals as the ol's type), an item's lines
    after manual line breaks in that item after a <br>, tables; through `clean_section_text`."""
    parts: list[str] = []
    # The lists open, outermost first, as their opening tags; each has an item open.
    stack: list[str] = []
    item_source: Paragraph | None = None  # the Word paragraph of the item just written

    def close(depth: int) -> None:
        while len(stack) > depth:
            parts.append(f"</li></{stack.pop()[1:3]}>")

    for entry in entries:
        inline = entry.html or html.escape(entry.text, quote=False)
        if entry.follows and stack and entry.source is not None and entry.source is item_source:
            parts.append(f"<br>{inline}")
            continue
        item_source = entry.source if entry.tag in ("li", "li2") else None
        if entry.tag in ("li", "li2"):
            kind = "<ul>"
            if entry.ordered:
                kind = f'<ol type="{entry.list_type}">' if entry.list_type else "<ol>"
            level = 1 if entry.tag == "li2" else entry.level
            # A level deeper than the list open allows (an item at level 2 under level 0) is
            # one level in.
            level = max(0, min(level, len(stack), _MAX_LIST_DEPTH))
            close(level + 1)
            if len(stack) == level + 1 and stack[-1] != kind:
                close(level)
            if len(stack) == level + 1:
                parts.append(f"</li><li>{inline}")
            else:
                parts.append(f"{kind}<li>{inline}")
                stack.append(kind)
            continue
        close(0)
        if entry.tag == "table":
            parts.append(entry.html)
        elif entry.tag == "strong":
            parts.append(f"<p><strong>{inline}</strong></p>")
        else:
            parts.append(f"<p>{inline}</p>")
    close(0)
    return clean_section_text("".join(parts))


def _table_html(table: Table, rows: list[int]) -> str:
    """The rows `rows` of a narrative table as an HTML table: cells merged across (w:gridSpan)
    and down (w:vMerge) kept as colspan/rowspan, Word's header rows as the head, each cell's
    paragraphs as lines."""
    # Grid position of each cell, per row; a vertical merge counted over the rows kept.
    placed: list[list[tuple[int, Cell]]] = []
    for row in rows:
        column, cells = 0, []
        for cell in table.rows[row]:
            cells.append((column, cell))
            column += max(1, min(cell.span, 50))
        placed.append(cells)
    starts = [{column: cell for column, cell in cells} for cells in placed]
    body_parts, head_parts = [], []
    covered: set[tuple[int, int]] = set()  # (row, column) inside a cell merged down
    for index, (row, cells) in enumerate(zip(rows, placed, strict=True)):
        header = row < table.header_rows
        tag = "th" if header else "td"
        out = []
        for column, cell in cells:
            if cell.merge == "continue" and (index, column) in covered:
                continue
            rowspan = 1
            if cell.merge == "restart":
                for below in starts[index + 1 :]:
                    under = below.get(column)
                    if under is None or under.merge != "continue" or rowspan >= 50:
                        break
                    covered.add((index + rowspan, column))
                    rowspan += 1
            attrs = ""
            if cell.span > 1:
                attrs += f' colspan="{min(cell.span, 50)}"'
            if rowspan > 1:
                attrs += f' rowspan="{rowspan}"'
            out.append(f"<{tag}{attrs}>{_cell_html(cell, header)}</{tag}>")
        (head_parts if header else body_parts).append(f"<tr>{''.join(out)}</tr>")
    parts = ["<table>"]
    if head_parts:
        parts.append(f"<thead>{''.join(head_parts)}</thead>")
    if body_parts:
        parts.append(f"<tbody>{''.join(body_parts)}</tbody>")
    parts.append("</table>")
    return "".join(parts)


def _cell_html(cell: Cell, header: bool) -> str:
    """A cell's paragraphs as lines; in a header cell plain (the head is bold anyway)."""
    lines = []
    for paragraph in iter_paragraphs(cell.blocks):
        rich = paragraph.rich if len(paragraph.rich) == len(paragraph.pieces) else []
        for at, piece in enumerate(paragraph.pieces):
            text = clean_line(piece.replace(NOTE_MARK, ""))
            if not text:
                continue
            if header or not rich:
                lines.append(html.escape(text, quote=False))
            else:
                lines.append(rich[at])
    return "<br>".join(lines)
