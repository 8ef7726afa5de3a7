"""Registry of personal data held about a Person, so export and erasure reach every app.

Each app registers, in its ``AppConfig.ready``, a section name with an exporter (person -> JSON-able
data) and optionally an eraser (person -> None) that pseudonymises what the app keeps. Lower apps
never import higher ones: the higher app registers itself here.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    name: str
    export: Callable
    erase: Callable | None = None


_sections: dict[str, Section] = {}


def register(name: str, *, export: Callable, erase: Callable | None = None) -> None:
    _sections[name] = Section(name, export, erase)


def sections() -> list[Section]:
    return list(_sections.values())
