"""Files' pure parts: names fit to show, sizes in words, how a type is shown."""

from chatsessions.storage.files import clean_name, element_type, mebibytes


def test_a_name_loses_its_folders_and_control_characters():
    assert clean_name("../../etc/passwd") == "passwd"
    assert clean_name("C:\\Users\\me\\report.pdf") == "report.pdf"
    assert clean_name("a\x00b\u202ec.txt") == "abc.txt"
    assert clean_name("   ") == "file"
    assert len(clean_name("x" * 300 + ".txt")) == 255 and clean_name("x" * 300 + ".txt").endswith(".txt")


def test_sizes_read_in_mebibytes():
    assert mebibytes(10 * 1024 * 1024) == "10 MiB"
    assert mebibytes(512 * 1024) == "0.5 MiB"


def test_images_and_pdfs_show_inline_and_anything_else_downloads():
    assert element_type("image/png") == "image"
    assert element_type("application/pdf") == "pdf"
    assert element_type("image/svg+xml") == "file"  # an SVG may carry script
    assert element_type("text/html") == "file"
