"""A file's type from its content: the name's claim is taken only where the content agrees."""

import pytest

from chatsessions.storage.sniffing import WrongType, matches, type_of

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24
PDF = b"%PDF-1.7\n"


def test_content_and_name_that_agree_give_the_names_type():
    assert type_of("chart.png", PNG) == "image/png"
    assert type_of("paper.pdf", PDF) == "application/pdf"
    assert type_of("table.csv", b"a,b\n1,2\n") == "text/csv"


def test_content_decides_where_the_name_claims_nothing_it_can_check():
    assert type_of("blob.bin", PNG) == "image/png"
    assert type_of("noextension", b"plain words") == "text/plain"
    assert type_of("noextension", b"\x00\x01\x02") == "application/octet-stream"


@pytest.mark.parametrize(
    ("name", "head"),
    [("photo.png", PDF), ("paper.pdf", b"just text"), ("notes.txt", b"\x00\x01binary")],
)
def test_a_name_that_lies_about_its_content_is_refused(name, head):
    with pytest.raises(WrongType):
        type_of(name, head)


def test_accepted_types_take_types_families_and_extensions_in_any_case():
    assert matches("text/csv", "a.csv", ["text/csv"])
    assert matches("image/png", "a.png", ["image/*"])
    assert matches("text/plain", "A.LOG", [".log"])
    assert matches("application/zip", "a.zip", ["*/*"])
    assert matches("text/csv", "a.csv", {"text/csv": [".csv"]})
    assert not matches("image/png", "a.png", ["text/*", ".csv"])
