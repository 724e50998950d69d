"""Rule messages as sandboxed jinja2 templates that can neither hang nor grow without bound.

A profile's rules are written by a municipality, not by us, and their messages are templates: one
with nested loops ran for ever, one with a huge repetition took ~820 MB. jinja2's sandbox keeps a
template from reaching Python's internals, not from spending time or memory, so every message runs
here under three limits:
- steps and time: the template's own code is traced while it renders (sys.settrace, this thread
  only), and stops after MAX_STEPS lines, whatever loops it runs; all the messages of one proposal
  share a budget of BUDGET_STEPS lines and MAX_SECONDS (`budget`), so that many findings of a slow
  message cannot add up to a hang either;
- size: repetition (`*`), concatenation (`+`, `~`) and powers are checked before they compute, every
  number given to a filter, method or `range` is at most MAX_NUMBER, the filters and text methods
  that can build large text from small arguments are the bounded ones listed below, lists and
  dictionaries cannot be changed in place (jinja2's immutable sandbox), and the message itself is
  at most MAX_TEXT characters;
- a message that crosses a limit is a TemplateLimit, which the evaluator reports as an error of the
  rule's file (exit 2), never a hang.

jinja2 is imported when the first message with a placeholder is rendered, as before.
"""

from __future__ import annotations

import contextlib
import functools
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

MAX_STEPS = 200_000  # traced lines one message may run (a bundled one runs about 200)
BUDGET_STEPS = 3_000_000  # traced lines all the messages of one proposal may run (500 findings: ~200,000)
MAX_SECONDS = 3.0  # the time all the messages of one proposal may take
MAX_TEXT = 100_000  # characters (or items) of any text or list a message builds beyond what it was given
MAX_NUMBER = 10_000  # the largest number a filter, a method or `range` may be given
MAX_POWER = 128  # the largest exponent of `**`
MAX_BITS = 4096  # the largest whole number a message may compute

# Filters whose result is at most a small multiple of what they are given; the others (center,
# indent, wordwrap, format, batch, slice, and the like) are not available in a message.
FILTERS = (
    "abs", "attr", "capitalize", "count", "d", "default", "dictsort", "e", "escape", "first", "float", "int",
    "items", "join", "last", "length", "list", "lower", "map", "max", "min", "reject", "rejectattr", "replace",
    "reverse", "round", "select", "selectattr", "sort", "string", "sum", "title", "trim", "truncate", "unique",
    "upper", "wordcount",
)
# Methods of text a message may call (join and replace checked as the filters are).
TEXT_METHODS = frozenset({
    "capitalize", "count", "endswith", "find", "join", "lower", "lstrip", "replace", "rfind", "rstrip", "split",
    "startswith", "strip", "title", "upper",
})


class TemplateLimit(Exception):
    """A message template went past one of the limits (the message says which)."""


def _size(value: Any) -> int:
    return len(value) if isinstance(value, (str, list, tuple, dict)) else 0


def _check_numbers(values: Any) -> None:
    for value in values:
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_NUMBER:
            raise TemplateLimit(f"the number {value} is larger than {MAX_NUMBER}")


def _check_grown(result: Any, given: int) -> Any:
    if _size(result) > MAX_TEXT + given:
        raise TemplateLimit(f"a text or list of more than {MAX_TEXT:,} characters or items")
    return result


def _join_size(items: list[Any], sep: Any) -> int:
    return sum(len(str(x)) for x in items) + len(str(sep)) * max(len(items) - 1, 0)


def _replace_size(text: str, old: str, new: str, count: int = -1) -> int:
    found = text.count(old) if count < 0 else min(count, text.count(old))
    return len(text) + found * (len(new) - len(old))


def _bounded_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """`func` with its numbers and the size of what it builds checked."""
    skip = 1 if hasattr(func, "jinja_pass_arg") else 0  # the environment or context comes first

    @functools.wraps(func)  # keeps jinja_pass_arg: jinja2 still passes what the filter asks for
    def bounded(*args: Any, **kwargs: Any) -> Any:
        value, rest = args[skip], args[skip + 1:]
        _check_numbers((*rest, *kwargs.values()))
        if name == "join":
            value = list(value)
            if _join_size(value, rest[0] if rest else kwargs.get("d", "")) > MAX_TEXT + _size(value):
                raise TemplateLimit(f"a text of more than {MAX_TEXT:,} characters")
            args = (*args[:skip], value, *rest)
        elif name == "replace" and isinstance(value, str) and len(rest) >= 2:
            if _replace_size(value, str(rest[0]), str(rest[1]), *rest[2:3]) > MAX_TEXT + len(value):
                raise TemplateLimit(f"a text of more than {MAX_TEXT:,} characters")
        return _check_grown(func(*args, **kwargs), _size(value))

    return bounded


def _bounded_range(*args: int) -> range:
    _check_numbers(args)
    found = range(*args)
    if len(found) > MAX_NUMBER:
        raise TemplateLimit(f"a range of more than {MAX_NUMBER} numbers")
    return found


@functools.cache
def bounded_environment(finalize: Callable[[Any], Any]) -> Any:
    """The sandboxed jinja2 environment of rule messages, with the limits of this module; `finalize`
    is applied to every value a message prints."""
    from jinja2 import StrictUndefined, nodes
    from jinja2.compiler import CodeGenerator, Frame
    from jinja2.sandbox import ImmutableSandboxedEnvironment
    from jinja2.utils import Cycler, Joiner, Namespace

    class Generator(CodeGenerator):
        """jinja2's code generator, with `~` checked like `+`."""

        def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
            self.write("environment.bounded_concat((")
            for arg in node.nodes:
                self.visit(arg, frame)
                self.write(", ")
            self.write("))")

    class Bounded(ImmutableSandboxedEnvironment):
        """The sandbox, its operators, calls and filters bounded."""

        code_generator_class = Generator
        intercepted_binops = frozenset({"*", "**", "+", "%"})

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            if operator == "*":
                for seq, times in ((left, right), (right, left)):
                    if _size(seq) and isinstance(times, int) and _size(seq) * times > MAX_TEXT:
                        raise TemplateLimit(f"a repetition of more than {MAX_TEXT:,} characters or items")
            if operator == "+" and _size(left) + _size(right) > MAX_TEXT + max(_size(left), _size(right)):
                raise TemplateLimit(f"a text or list of more than {MAX_TEXT:,} characters or items")
            if operator == "**" and isinstance(right, (int, float)) and abs(right) > MAX_POWER:
                raise TemplateLimit(f"a power larger than {MAX_POWER}")
            if operator == "%" and isinstance(left, str):
                raise TemplateLimit("a text formatted with %: write the values in {{ }} instead")
            if operator in ("*", "**") and isinstance(left, int) and isinstance(right, int):
                bits = left.bit_length() * (right if operator == "**" else 1) + right.bit_length()
                if bits > MAX_BITS:
                    raise TemplateLimit(f"a number of more than {MAX_BITS} bits")
            return super().call_binop(context, operator, left, right)

        def wrap_str_format(self, value: Any) -> None:
            return None  # str.format and format_map are not among TEXT_METHODS: a width builds any size

        def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
            if isinstance(obj, str) and callable(value) and attr not in TEXT_METHODS:
                return False  # center, ljust, zfill, format...: large text from a small number
            return bool(super().is_safe_attribute(obj, attr, value))

        def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
            _check_numbers((*args, *kwargs.values()))
            owner = getattr(__obj, "__self__", None)
            given = _size(owner) + sum(_size(a) for a in args)
            if isinstance(owner, str) and getattr(__obj, "__name__", "") == "join" and args:
                items = list(args[0])
                if _join_size(items, owner) > MAX_TEXT + given:
                    raise TemplateLimit(f"a text of more than {MAX_TEXT:,} characters")
                args = (items, *args[1:])
            replacing = isinstance(owner, str) and getattr(__obj, "__name__", "") == "replace" and len(args) >= 2
            if replacing and _replace_size(owner, str(args[0]), str(args[1]), *args[2:3]) > MAX_TEXT + given:
                raise TemplateLimit(f"a text of more than {MAX_TEXT:,} characters")
            return _check_grown(super().call(__context, __obj, *args, **kwargs), given)

        def from_string(self, source: Any, *args: Any, **kwargs: Any) -> Any:
            """The template, marked `straight` when it has no loop and no macro: its run is then as
            long as its text, and it is rendered without tracing (most messages are `{{ item.name }}`)."""
            template = super().from_string(source, *args, **kwargs)
            tree = self.parse(source) if isinstance(source, str) else source
            template.straight = tree.find(nodes.For) is None and tree.find(nodes.Macro) is None
            return template

        def bounded_concat(self, parts: tuple[Any, ...]) -> str:
            texts = [str(p) for p in parts]
            return _check_grown("".join(texts), max(map(len, texts), default=0))

    env = Bounded(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False, finalize=finalize)
    env.filters = {name: _bounded_filter(name, env.filters[name]) for name in FILTERS}
    env.globals = {"range": _bounded_range, "dict": dict, "namespace": Namespace, "cycler": Cycler, "joiner": Joiner}
    return env


class _Budget:
    """Steps and seconds left to the messages rendered in this thread."""

    def __init__(self) -> None:
        self.steps = BUDGET_STEPS
        self.seconds = MAX_SECONDS


_current = threading.local()


@contextlib.contextmanager
def budget() -> Iterator[None]:
    """Let every message rendered inside (in this thread) share one budget of steps and time: the
    evaluator opens one per proposal."""
    previous = getattr(_current, "budget", None)
    _current.budget = _Budget()
    try:
        yield
    finally:
        _current.budget = previous


@contextlib.contextmanager
def _steps_and_time() -> Iterator[None]:
    """Trace the code run inside (in this thread) and stop it when the budget's steps or seconds
    are spent (a message rendered outside `budget` has one of its own)."""
    spending = getattr(_current, "budget", None) or _Budget()
    if spending.seconds <= 0:
        raise TemplateLimit(f"more than {MAX_SECONDS:g} seconds")
    previous = sys.gettrace()
    started = time.monotonic()
    deadline = started + spending.seconds
    steps = 0
    allowed = min(MAX_STEPS, spending.steps)

    def trace(frame: Any, event: str, arg: Any) -> Any:
        nonlocal steps
        steps += 1
        if steps > allowed:
            raise TemplateLimit(f"more than {allowed:,} steps")
        if steps % 1024 == 0 and time.monotonic() > deadline:
            raise TemplateLimit(f"more than {MAX_SECONDS:g} seconds")
        return trace

    sys.settrace(trace)
    try:
        yield
    finally:
        sys.settrace(previous)
        spending.steps -= steps
        spending.seconds -= time.monotonic() - started


def render_bounded(template: Any, context: dict[str, Any]) -> str:
    """Render a template of `bounded_environment` under the limits; TemplateLimit past one."""
    out: list[str] = []
    total = 0
    traced = contextlib.nullcontext() if getattr(template, "straight", False) else _steps_and_time()
    try:
        with traced:
            for chunk in template.generate(**context):
                total += len(chunk)
                if total > MAX_TEXT:
                    raise TemplateLimit(f"a message of more than {MAX_TEXT:,} characters")
                out.append(chunk)
    except (RecursionError, MemoryError):
        raise TemplateLimit("a message that calls itself without end") from None
    return "".join(out)
