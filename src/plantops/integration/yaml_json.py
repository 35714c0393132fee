"""The plant file as YAML or JSON text. YAML goes through LibYAML's events (yaml_events) when
the text allows, else through PyYAML's safe loader and dumper (the C ones when available)."""

from __future__ import annotations

import json
from typing import IO, Any

import yaml

from plantops.errors import FieldError, ValidationFailed
from plantops.integration import yaml_events

_Loader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper: type[Any] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _unreadable(source: str, row: int | None, message: str) -> ValidationFailed:
    error = FieldError((), message, source, row)
    return ValidationFailed(f"{source}: {message}", [error])


def load_yaml(stream: IO[bytes] | bytes | str, source: str) -> Any:
    data = stream if isinstance(stream, bytes | str) else stream.read()
    try:
        try:
            return yaml_events.load(data)
        except yaml_events.Unsupported:
            return yaml.load(data, Loader=_Loader)  # a safe loader
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise _unreadable(source, line, f"not valid YAML: {error.problem}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise _unreadable(source, None, f"not valid YAML: {error}") from None


def dump_yaml(document: dict[str, Any], stream: IO[str]) -> None:
    options: dict[str, Any] = {"allow_unicode": True, "width": 120}
    try:
        yaml_events.dump(document, stream, **options)
    except yaml_events.Unsupported:
        yaml.dump(
            document, stream, Dumper=_Dumper, sort_keys=False, default_flow_style=False, **options
        )


def load_json(stream: IO[bytes] | bytes | str, source: str) -> Any:
    try:
        text = stream if isinstance(stream, bytes | str) else stream.read()
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise _unreadable(source, error.lineno, f"not valid JSON: {error.msg}") from None
    except UnicodeDecodeError as error:
        raise _unreadable(source, None, f"not UTF-8 text: {error}") from None


def dump_json(document: dict[str, Any], stream: IO[str]) -> None:
    json.dump(document, stream, ensure_ascii=False, indent=2)
    stream.write("\n")
