"""Text from data files and imported programmes, as every output can hold it.

Titles, names, rooms and tracks go into calendars, spreadsheets, XML, HTML, Markdown and the terminal. The
characters below act in some of them or cannot be written at all, so a data file cannot hold them (the data model
refuses them with one line naming the item, scheduler.data), and importers remove them (:func:`clean`):

- control characters other than tab, line feed and carriage return: NUL, BEL, ESC (terminal escapes such as
  ``\\x1b[31m``), DEL, and the C1 controls U+0080-U+009F (U+009B starts a terminal escape too). RFC 5545 forbids
  them in calendar text, XML 1.0 cannot hold them, and a worksheet cannot store them;
- U+FFFE and U+FFFF, which are not characters (XML, and so XLSX, cannot hold them), and lone surrogates.

Tab and line breaks are text (an abstract has paragraphs); each output writes them its own way: calendars and CSV
escape or quote them, Markdown tables and one-line terminal output show them as spaces or ``\\n``
(:func:`markdown`, scheduler.errors.one_line).
"""

from __future__ import annotations

import re

NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
"""The characters no text in a data file may hold."""


def describe(character: str) -> str:
    """What a character of NOT_TEXT is, for a message: 'the control character U+001B'."""
    code = f"U+{ord(character):04X}"
    if "\ud800" <= character <= "\udfff":
        return f"{code}, half of a surrogate pair, which is not a character"
    if character in "\ufffe\uffff":
        return f"{code}, which is not a character"
    return f"the control character {code}"


def refusal(text: str) -> str:
    """Why `text` cannot be in a data file, or '' when it can."""
    found = NOT_TEXT.search(text)
    if found is None:
        return ""
    what = describe(found.group())
    if what.startswith("the control character"):
        return f"contains {what}; text may hold tabs and line breaks, but no other control characters"
    return f"contains {what}"


def clean(text: str) -> tuple[str, int]:
    """`text` without the characters of NOT_TEXT, and how many there were: a form feed, vertical tab or other
    control that separates words becomes a space, any other is dropped."""
    replaced = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal replaced
        replaced += 1
        return " " if match.group().isspace() else ""

    return NOT_TEXT.sub(replace, text), replaced


# Markdown (CommonMark and GitHub's tables): a backslash before any ASCII punctuation shows it as itself. These are
# the characters that would start markup inside a line: emphasis and strike-through, code, links (and so images),
# raw HTML and autolinks, entities, table cells. '#', '>', '+', '-' and digits act only at the start of a line,
# where this text never stands alone.
_MARKDOWN = re.compile(r"([\\`*_~\[\]<&|])")
_LINE_BREAKS = re.compile("\r\n|[\r\n\u2028\u2029\x85]")


def markdown(text: str) -> str:
    """`text` as it should read inside a Markdown line or table cell: every character that would act is escaped
    (so ``<script>`` shows as text in every renderer, and '|' stays inside its cell), and a line break, which would
    end the line or the table row, is a space."""
    return _MARKDOWN.sub(r"\\\1", _LINE_BREAKS.sub(" ", text))
