"""What a file is, from its content: the type a file's name claims is taken only where
the bytes agree with it (the filetype library knows the signatures of binary formats).
"""

from __future__ import annotations

import mimetypes

import filetype

#: How much of a file is read to know its type.
HEAD_BYTES = 8192

#: The types whose files carry a signature filetype knows: a name claiming one of them
#: must have the content to match.
SIGNED = frozenset(kind.mime for kind in filetype.types) - {"application/octet-stream"}

# Formats that share a container: a .docx is a zip, a .xls and a .doc are both OLE files;
# filetype cannot always tell them apart, so any of a family stands for any other.
_FAMILIES = {
    "zip": {
        "application/zip",
        "application/epub+zip",
        "application/vnd.oasis.opendocument.presentation",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/java-archive",
    },
    "ole": {"application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint"},
    "mp4": {"video/mp4", "audio/mp4", "video/x-m4v", "video/quicktime"},
}


class WrongType(ValueError):
    """A file whose content is not what its name says; the message says what it is."""


def _same_kind(claimed: str, found: str) -> bool:
    return claimed == found or any(claimed in family and found in family for family in _FAMILIES.values())


def _claimed_type(name: str) -> str | None:
    """The type a file name claims by its extension, if any."""
    return mimetypes.guess_type(name, strict=False)[0]


def type_of(name: str, head: bytes) -> str:
    """The type of a file named name that starts with head, or WrongType if its name
    claims a type its content does not have."""
    claimed = _claimed_type(name)
    kind = filetype.guess(head) if head else None
    found = kind.mime if kind is not None else None
    if found is not None:
        if claimed is not None and claimed in SIGNED and not _same_kind(claimed, found):
            raise WrongType(f"{name} is {found}, not {claimed} as its name says")
        # A name the server has no signature for (.bin, .dat) cannot overrule the content.
        return claimed if claimed is not None and _same_kind(claimed, found) else found
    if claimed is not None and claimed in SIGNED:
        raise WrongType(f"{name} does not have the content its name says ({claimed})")
    if claimed is not None:
        if b"\x00" in head and claimed.startswith("text/"):
            raise WrongType(f"{name} is not text, as its name says")
        return claimed
    return "application/octet-stream" if b"\x00" in head else "text/plain"


def matches(mime: str, name: str, accepted: list[str] | dict[str, list[str]]) -> bool:
    """Whether a file is one of accepted: types ("text/csv"), families ("image/*") and
    extensions (".csv"), as Chainlit's AskFileMessage takes them (a list, or a dict of
    types to extensions)."""
    for pattern in accepted:
        pattern = pattern.strip().lower()
        if pattern in ("*", "*/*") or pattern == mime:
            return True
        if pattern.startswith(".") and name.lower().endswith(pattern):
            return True
        if pattern.endswith("/*") and mime.startswith(pattern[:-1]):
            return True
    return False
