"""Readers for the back-of-envelope figures (issue 8): fractions and
percentages, positive rates, byte sizes and durations."""

from __future__ import annotations

import math
import re
from typing import Any

from ..yamlsource import YScalar, YValue, describe
from .readers import INVALID, Context, Quantity, Reader, show

_NUMBER = r"[0-9]+(?:\.[0-9]+)?"
_SIZE_UNITS: dict[str, float] = {
    "b": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12, "pb": 1e15,
    "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40,
}
_DAYS: dict[str, float] = {
    "d": 1, "day": 1, "days": 1, "w": 7, "week": 7, "weeks": 7,
    "mo": 30, "month": 30, "months": 30, "y": 365, "yr": 365, "year": 365, "years": 365,
}
_WITH_UNIT = re.compile(rf"\s*({_NUMBER})\s*([A-Za-z]*)\s*")


def _number(value: YValue) -> float | None:
    raw = value.value if isinstance(value, YScalar) else None
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        return None
    try:
        number = float(raw)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


class Fraction(Reader):
    """A fraction in [0, 1], written `0.8` or `80%`. With `percent_numbers`, a
    plain number above 1 is a percentage too (`availability: 99.95`)."""

    __slots__ = ("percent_numbers", "above_zero")
    type_name = "fraction or percentage"

    def __init__(self, percent_numbers: bool = False, above_zero: bool = False):
        self.percent_numbers, self.above_zero = percent_numbers, above_zero

    def read(self, ctx: Context, value: YValue, what: str) -> Any:
        number = _number(value)
        raw = value.value if isinstance(value, YScalar) else None
        if number is not None and self.percent_numbers and number > 1:
            number /= 100
        elif number is None and isinstance(raw, str):
            match = re.fullmatch(rf"\s*({_NUMBER})\s*%\s*", raw)
            number = float(match.group(1)) / 100 if match else None
        if number is None:
            example = "99.95% or 0.9995" if self.percent_numbers else "0.8 or 80%"
            ctx.error(value.span, f"{what} must be a fraction or a percentage like {example}, not {show(value)}")
            return INVALID
        if not (0 < number <= 1 if self.above_zero else 0 <= number <= 1):
            bounds = "above 0 and at most 100%" if self.above_zero else "between 0 and 100%"
            ctx.error(value.span, f"{what} must be {bounds}, not {show(value)}")
            return INVALID
        return number

    def schema(self) -> dict[str, Any]:
        number: dict[str, Any] = {"type": "number", "minimum": 0, "maximum": 100 if self.percent_numbers else 1}
        if self.above_zero:
            number["exclusiveMinimum"] = number.pop("minimum")
        return {"anyOf": [number, {"type": "string", "pattern": rf"^\s*{_NUMBER}\s*%\s*$"}]}


class Rate(Quantity):
    """A number above 0 (a capacity: nothing serves 0 operations/s); `20k` works."""

    __slots__ = ()
    type_name = "number > 0 (`20k` too)"

    def read(self, ctx: Context, value: YValue, what: str) -> Any:
        number = super().read(ctx, value, what)
        if number is not INVALID and number <= 0:
            ctx.error(value.span, f"{what} must be more than 0, not {show(value)}")
            return INVALID
        return number

    def schema(self) -> dict[str, Any]:
        schema = super().schema()
        schema["anyOf"][0] = {"type": "number", "exclusiveMinimum": 0}
        return schema


class _Unit(Reader):
    """A number with a unit from `units` (a plain number is in the base unit)."""

    __slots__ = ("units", "noun", "example")

    def __init__(self, units: dict[str, float], noun: str, example: str):
        self.units, self.noun, self.example = tuple(units.items()), noun, example

    def read(self, ctx: Context, value: YValue, what: str) -> Any:
        number = _number(value)
        raw = value.value if isinstance(value, YScalar) else None
        units = dict(self.units)
        if number is None and isinstance(raw, str):
            match = _WITH_UNIT.fullmatch(raw)
            if match and match.group(2).lower() in units:
                number = float(match.group(1)) * units[match.group(2).lower()]
            elif match and match.group(2):
                ctx.error(value.span, f"unknown unit {match.group(2)!r} in {what}; write {self.example}")
                return INVALID
        if number is None or number < 0:
            shown = show(value) if isinstance(value, YScalar) else describe(value)
            ctx.error(value.span, f"{what} must be {self.noun} like {self.example}, not {shown}")
            return INVALID
        return number

    def schema(self) -> dict[str, Any]:
        names = sorted({name for name, _ in self.units} | {name.upper() for name, _ in self.units}, key=str)
        return {"anyOf": [{"type": "number", "minimum": 0},
                          {"type": "string", "pattern": rf"^\s*{_NUMBER}\s*({'|'.join(names)})?\s*$"}]}


class Size(_Unit):
    """Bytes: `1 KB`, `2.5MB`, `512 B` (decimal units; KiB, MiB, ... binary); a plain number is bytes."""

    __slots__ = ()
    type_name = "size (`1 KB`, `2.5 MB`, bytes)"

    def __init__(self) -> None:
        super().__init__(_SIZE_UNITS, "a size", "`1 KB`, `2.5 MB` or a number of bytes")


class Duration(_Unit):
    """Days: `30d`, `6 months`, `5y`; a plain number is days."""

    __slots__ = ()
    type_name = "duration (`30d`, `5y`, days)"

    def __init__(self) -> None:
        super().__init__(_DAYS, "a duration", "`30d`, `6 months`, `5y` or a number of days")
