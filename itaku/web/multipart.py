"""A multipart/form-data body read in memory (the body is already bounded by the caller), so that
an uploaded proposal never touches the disk; python-multipart does the parsing."""

from __future__ import annotations

from dataclasses import dataclass

from python_multipart.multipart import MultipartParser, parse_options_header


class BadForm(ValueError):
    """A body that is not a form this page sent."""


@dataclass(frozen=True)
class Part:
    """One part: a field (filename None) or a file."""

    name: str
    filename: str | None
    data: bytes


def parse_multipart(content_type: str, body: bytes, max_parts: int) -> list[Part]:
    """The parts of a multipart/form-data body, in order; BadForm for anything else."""
    kind, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise BadForm("not multipart/form-data")
    parts: list[Part] = []
    headers: dict[bytes, bytes] = {}
    field, value, data = bytearray(), bytearray(), bytearray()

    def on_part_begin() -> None:
        headers.clear()
        data.clear()

    def on_header_field(chunk: bytes, start: int, end: int) -> None:
        field.extend(chunk[start:end])

    def on_header_value(chunk: bytes, start: int, end: int) -> None:
        value.extend(chunk[start:end])

    def on_header_end() -> None:
        headers[bytes(field).lower()] = bytes(value)
        field.clear()
        value.clear()

    def on_part_data(chunk: bytes, start: int, end: int) -> None:
        data.extend(chunk[start:end])

    def on_part_end() -> None:
        disposition, options = parse_options_header(headers.get(b"content-disposition", b""))
        if disposition != b"form-data" or b"name" not in options:
            raise BadForm("a part without a field name")
        if len(parts) >= max_parts:
            raise BadForm("too many parts")
        filename = options.get(b"filename")
        parts.append(Part(
            options[b"name"].decode("utf-8", "replace"),
            None if filename is None else filename.decode("utf-8", "replace"),
            bytes(data),
        ))

    parser = MultipartParser(boundary, {  # type: ignore[arg-type]
        "on_part_begin": on_part_begin,
        "on_header_field": on_header_field,
        "on_header_value": on_header_value,
        "on_header_end": on_header_end,
        "on_part_data": on_part_data,
        "on_part_end": on_part_end,
    })
    try:
        parser.write(body)
        parser.finalize()
    except BadForm:
        raise
    except Exception as exc:  # python-multipart's own errors: a malformed body
        raise BadForm(type(exc).__name__) from None
    return parts
