"""Finding a unit's passage by what a person types (issue 13: "dak ha" listed Đăk Glei first)."""

from baocao.search import NAME_EXACT, NAME_WORDS, TEXT_WORDS, rank, search_text


def ranked(query, units):
    q = search_text(query)
    found = [(rank(q, name, code, text), n, name) for n, (name, code, text) in enumerate(units)]
    return [name for r, _n, name in sorted(item for item in found if item[0] is not None)]


UNITS = [
    ("LĐLĐ huyện Đăk Glei", "KT-DG", "Liên đoàn Lao động huyện đã phối hợp với nhà trường."),
    ("LĐLĐ huyện Đăk Hà", "KT-DH", "Toàn huyện có 2.747 CNVCLĐ."),
    ("CĐCS Trường Tiểu học Nguyễn Huệ", "KT-DH-02", "Nhà trường phối hợp với LĐLĐ huyện Đăk Hà."),
    ("LĐLĐ huyện Sa Thầy", "KT-ST", "Thanh niên công nhân hăng hái thi đua."),
]


def test_the_unit_named_comes_first_with_or_without_diacritics():
    assert ranked("dak ha", UNITS)[0] == "LĐLĐ huyện Đăk Hà"
    assert ranked("Liên đoàn Lao động huyện Đăk Hà", UNITS)[0] == "LĐLĐ huyện Đăk Hà"
    assert ranked("ĐĂK HÀ", UNITS) == ["LĐLĐ huyện Đăk Hà", "CĐCS Trường Tiểu học Nguyễn Huệ"]


def test_words_are_whole_words_not_pieces_of_others():
    assert "LĐLĐ huyện Sa Thầy" not in ranked("ha", UNITS)  # not in "thanh", "hăng"
    assert "LĐLĐ huyện Đăk Glei" not in ranked("dak ha", UNITS)


def test_ranks_say_where_the_words_were_found():
    q = search_text
    assert rank(q("Đăk Hà"), "LĐLĐ huyện Đăk Hà", "KT-DH", "") == NAME_EXACT
    assert rank(q("dh ldld"), "LĐLĐ huyện Đăk Hà", "KT-DH", "") == NAME_WORDS  # code words
    assert rank(q("2.747 cnvcld"), "LĐLĐ huyện Đăk Hà", "KT-DH", "có 2.747 CNVCLĐ") == TEXT_WORDS
    assert rank(q("không có"), "LĐLĐ huyện Đăk Hà", "KT-DH", "Toàn huyện") is None
