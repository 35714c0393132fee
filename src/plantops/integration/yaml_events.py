"""YAML through LibYAML's event stream, several times faster than yaml.load / yaml.dump.

PyYAML's C parser and emitter are fast, but its composer, resolver and constructor (the steps
between events and Python objects) run in Python, node by node: a 50,000-item plant spends most
of its time there. Plant files use a small part of YAML (mappings, lists, plain or quoted
scalars), so this module builds objects straight from events, resolving plain scalars with the
SafeLoader's own implicit resolvers and constructors. Anything else (anchors, aliases, explicit
tags, merge keys, complex keys) raises Unsupported and the caller uses the full loader."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import IO, Any

import yaml
from yaml import events as ev
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode
from yaml.representer import SafeRepresenter
from yaml.resolver import Resolver

_STR, _NULL = "tag:yaml.org,2002:str", "tag:yaml.org,2002:null"
_INT, _FLOAT = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_IMPLICIT = Resolver.yaml_implicit_resolvers
_CONSTRUCTOR = SafeConstructor()
_REPRESENTER = SafeRepresenter()
_NO_KEY = object()
_Parser: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Emitter: type[Any] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class Unsupported(Exception):
    """The text uses YAML this module leaves to the full loader."""


def resolve(value: str) -> str:
    """The tag a plain scalar gets (SafeLoader's implicit resolvers, without path resolvers)."""
    for tag, regexp in _IMPLICIT.get(value[:1], ()):
        if regexp.match(value):
            return tag  # type: ignore[no-any-return]
    return _STR


def _scalar(event: Any) -> Any:
    if event.anchor is not None or event.tag not in (None, "!"):
        raise Unsupported
    value: str = event.value
    if not event.implicit[0]:
        return value  # quoted
    tag = resolve(value)
    if tag == _STR:
        return value
    if tag == _INT and value.isdigit() and (value[0] != "0" or value == "0"):
        return int(value)
    if tag == _FLOAT and "_" not in value and ":" not in value and value[-1:].isdigit():
        return float(value)
    if tag == _NULL:
        return None
    if tag not in _CONSTRUCTOR.yaml_constructors or tag == "tag:yaml.org,2002:merge":
        raise Unsupported
    return _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, ScalarNode(tag, value))


def load(stream: IO[bytes] | bytes | str) -> Any:
    """One document built from parser events; raises yaml.YAMLError or Unsupported."""
    stack: list[list[Any]] = []  # [container, pending key] per open mapping or list
    result: Any = None
    documents = 0
    event: Any
    for event in yaml.parse(stream, Loader=_Parser):
        kind = type(event)
        if kind is ev.ScalarEvent:
            value = _scalar(event)
        elif kind is ev.MappingStartEvent or kind is ev.SequenceStartEvent:
            if event.anchor is not None or event.tag not in (None, "!"):
                raise Unsupported
            if stack and stack[-1][1] is _NO_KEY and type(stack[-1][0]) is dict:
                raise Unsupported  # a mapping or list used as a key
            stack.append([{} if kind is ev.MappingStartEvent else [], _NO_KEY])
            continue
        elif kind is ev.MappingEndEvent or kind is ev.SequenceEndEvent:
            value = stack.pop()[0]
        elif kind is ev.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise Unsupported  # let the full loader say "expected a single document"
            continue
        elif kind is ev.AliasEvent:
            raise Unsupported
        else:
            continue
        if not stack:
            result = value
            continue
        frame = stack[-1]
        container = frame[0]
        if type(container) is list:
            container.append(value)
        elif frame[1] is _NO_KEY:
            frame[1] = value
        else:
            container[frame[1]] = value
            frame[1] = _NO_KEY
    return result


def _events(value: Any) -> Iterator[ev.Event]:
    """Events for plain data: dict, list, str, int, float, bool, None (else Unsupported)."""
    kind = type(value)
    if kind is dict:
        yield ev.MappingStartEvent(None, None, True, flow_style=False)
        for key, item in value.items():
            yield from _events(key)
            yield from _events(item)
        yield ev.MappingEndEvent()
    elif kind is list:
        yield ev.SequenceStartEvent(None, None, True, flow_style=False)
        for item in value:
            yield from _events(item)
        yield ev.SequenceEndEvent()
    elif kind is str:
        yield ev.ScalarEvent(None, _STR, (resolve(value) == _STR, True), value)
    elif kind is int:
        text = str(value)
        yield ev.ScalarEvent(None, _INT, (resolve(text) == _INT, False), text)
    elif kind is float:
        text = _REPRESENTER.represent_float(value).value
        yield ev.ScalarEvent(None, _FLOAT, (resolve(text) == _FLOAT, False), text)
    elif kind is bool:
        text = "true" if value else "false"
        yield ev.ScalarEvent(None, _BOOL, (True, False), text)
    elif value is None:
        yield ev.ScalarEvent(None, _NULL, (True, False), "null")
    else:
        raise Unsupported


def dump(document: Any, stream: IO[str], **options: Any) -> None:
    """What yaml.dump(document, stream, Dumper=CSafeDumper, default_flow_style=False,
    sort_keys=False, **options) writes, for plain data. Raises Unsupported, having written
    nothing, if the data holds other types."""

    def everything() -> Iterator[ev.Event]:
        yield ev.StreamStartEvent()
        yield ev.DocumentStartEvent(explicit=False)
        yield from _events(document)
        yield ev.DocumentEndEvent(explicit=False)
        yield ev.StreamEndEvent()

    buffer = io.StringIO()
    yaml.emit(everything(), buffer, Dumper=_Emitter, **options)
    stream.write(buffer.getvalue())
