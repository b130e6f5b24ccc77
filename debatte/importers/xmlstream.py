"""Safe, streaming XML reading shared by the Disqus and WordPress importers.

`defusedxml` forbids DTDs with entity declarations and external entities, so neither entity
expansion bombs nor external resources can be used against the importer (an external DTD is
never read); elements nested deeper than MAX_DEPTH stop the import. Elements are handed
out one at a time (`iterparse`) and cleared by the caller, so memory stays flat however large
the file.

The reader repairs two faults found in real exports before the parser sees them, and reports
each repair: bytes before the XML declaration (a stray character, a newline), and an attribute
value without quotes (`<thread dsq:id=247937687/>`). Anything else that is not well-formed
stops the import with the line and column.
"""

import functools
import re
from collections.abc import Callable, Iterator
from typing import IO, Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from debatte.importers.records import ImportFormatError, Problem

# Exports nest five levels at most; a deeper document is an attack on memory and time.
MAX_DEPTH = 64
_SUSPECT = re.compile(rb"=[^\"'\s]")
_UNQUOTED = re.compile(
    rb"(<[A-Za-z][\w:.-]*(?:\s+[\w:.-]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*\s+[\w:.-]+=)([^\s\"'<>/]+)"
)


class RepairingReader:
    """A binary file-like object over `raw` that fixes the faults above, line by line."""

    def __init__(
        self,
        raw: IO[bytes],
        problems: list[Problem],
        progress: Callable[[int], None] | None = None,
    ) -> None:
        self.raw = raw
        self.problems = problems
        self.progress = progress
        self.buffer = b""
        self.line = 0
        self.in_cdata = False

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self.buffer) < size:
            line = self.raw.readline(1 << 20)
            if not line:
                break
            self.buffer += self._repair(line)
        if size < 0:
            size = len(self.buffer)
        chunk, self.buffer = self.buffer[:size], self.buffer[size:]
        return chunk

    def _repair(self, line: bytes) -> bytes:
        self.line += 1
        if self.progress:
            self.progress(len(line))
        if self.line == 1:
            line = self._strip_leading_junk(line)
        if b"CDATA[" in line or self.in_cdata:
            self.in_cdata = line.rfind(b"<![CDATA[") > line.rfind(b"]]>")
            return line
        if _SUSPECT.search(line):
            fixed = _UNQUOTED.sub(rb'\1"\2"', line)
            if fixed != line:
                self.problems.append(
                    Problem(f"line {self.line}", "attribute value without quotes; quoted it")
                )
                return fixed
        return line

    def _strip_leading_junk(self, line: bytes) -> bytes:
        bom = b"\xef\xbb\xbf" if line.startswith(b"\xef\xbb\xbf") else b""
        body = line[len(bom) :]
        start = body.find(b"<")
        if start > 0 or (start < 0 and body.strip()):
            shown = body[: max(start, 0) or len(body)][:20]
            self.problems.append(
                Problem("line 1", f"ignored {len(shown)} stray byte(s) {shown!r} before the XML")
            )
            return bom + (body[start:] if start >= 0 else b"")
        if start < 0:  # a blank first line before the declaration
            self.problems.append(Problem("line 1", "ignored a blank line before the XML"))
            return b""
        return line


def iter_elements(
    raw: IO[bytes],
    problems: list[Problem],
    *,
    progress: Callable[[int], None] | None = None,
) -> Iterator[tuple[str, Element, Any]]:
    """Yield ("start"|"end", element, reader) events; the reader knows the current line."""
    reader = RepairingReader(raw, problems, progress)
    depth = 0
    try:
        for event, element in iterparse(reader, events=("start", "end"), forbid_dtd=False):
            depth += 1 if event == "start" else -1
            if depth > MAX_DEPTH:
                raise ImportFormatError(
                    f"line {reader.line}",
                    f"elements nested deeper than {MAX_DEPTH} levels: not a comment export",
                )
            yield event, element, reader
    except ParseError as error:
        line, column = getattr(error, "position", (reader.line, 0))
        reason = str(error).split(":")[0]
        raise ImportFormatError(
            f"line {line}, column {column}", f"not well-formed XML ({reason})"
        ) from None
    except LookupError as error:  # <?xml encoding="TF-8"?>: Python knows no such codec
        raise ImportFormatError("line 1", f"not readable XML ({error})") from None
    except DefusedXmlException as error:
        raise ImportFormatError(f"line {reader.line}", f"refused unsafe XML: {error}") from None


@functools.cache
def local(tag: str) -> str:
    """The tag name without its namespace: "{http://disqus.com}post" -> "post"."""
    return tag.rsplit("}", 1)[-1]


def child_text(element: Element, name: str) -> str:
    """The text of the first child with this local name ("" when missing)."""
    for child in element:
        if local(child.tag) == name:
            return (child.text or "").strip()
    return ""


def find_child(element: Element, name: str) -> Element | None:
    for child in element:
        if local(child.tag) == name:
            return child
    return None


def attribute(element: Element | None, name: str) -> str:
    """An attribute by local name, whatever its namespace ("dsq:id" -> "id")."""
    if element is None:
        return ""
    for key, value in element.attrib.items():
        if local(key) == name:
            return value.strip()
    return ""
