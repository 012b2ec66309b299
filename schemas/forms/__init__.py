"""The official report forms, one module per version.

A new form version is one new module here that defines ``FORM``; it is found by name, so nothing else
needs to change for the parser, the validators and the data dictionary to know it.
"""

from __future__ import annotations

import importlib
import pkgutil

from .model import Column, Continuity, FormVersion, Identity, Row, Section

__all__ = ["FORMS", "Column", "Continuity", "FormVersion", "Identity", "Row", "Section", "form"]


def _discover() -> dict[str, FormVersion]:
    found = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("v"):
            module = importlib.import_module(f"{__name__}.{info.name}")
            found[module.FORM.code] = module.FORM
    return found


FORMS: dict[str, FormVersion] = _discover()


def form(code: str) -> FormVersion:
    return FORMS[code]
