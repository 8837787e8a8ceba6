"""The exceptions documents raise, so callers can map each to one response.

Every error carries ``problems``: a list of human-readable lines, one per fault found, because
a seller fixing an order wants all of them at once rather than one per attempt.
"""

from __future__ import annotations

from collections.abc import Iterable


class DeclarationError(ValueError):
    """A document cannot be produced (or read) from the data given."""

    def __init__(self, summary: str, problems: Iterable[str] = ()) -> None:
        self.summary = summary
        self.problems = list(problems)
        text = summary if not self.problems else summary + ":\n- " + "\n- ".join(self.problems)
        super().__init__(text)


class IncompleteDataError(DeclarationError):
    """Required particulars are missing, too long or malformed (project structural checks)."""


class ConsistencyError(DeclarationError):
    """Documents that customs match against each other would disagree (e.g. 三单对碰)."""


class SchemaValidationError(DeclarationError):
    """A generated or received message does not validate against its XSD."""


class WrongFlowError(DeclarationError):
    """The document kind does not fit the order (an import message for an export order…)."""


class UnsafeXmlError(DeclarationError):
    """Untrusted XML refused: entities, DTDs, external references or over the size limit."""


class SignatureError(DeclarationError):
    """A signature is missing, malformed or does not verify."""


class Problems:
    """Collects problems during a check and raises one error listing them all."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, message: str) -> None:
        self.items.append(message)

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self, exc: type[DeclarationError], summary: str) -> None:
        if self.items:
            raise exc(summary, self.items)
