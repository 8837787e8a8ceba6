"""Mail categories (UPU code list 115), classes and subclasses (code list 117).

Read once from ``data/mail_codes.yaml``, where every row names its source: the UPU lists are
for members, so the table holds the codes public pages and implementations attest, and it
is swapped for the UPU lists by replacing that one file.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

DATA_FILE = Path(__file__).resolve().parent / "data" / "mail_codes.yaml"


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    name: str
    source: str
    reviewed: bool = True


@dataclass(frozen=True, slots=True)
class MailCodes:
    categories: dict[str, Code]
    classes: dict[str, str]
    subclasses: dict[str, Code]

    def class_name(self, subclass: str) -> str:
        """The mail class a subclass belongs to (its first letter), by name."""
        return self.classes.get(subclass[:1], "")


@cache
def load(path: Path = DATA_FILE) -> MailCodes:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))

    def rows(key: str) -> dict[str, Code]:
        return {
            r["code"]: Code(r["code"], r["name"], r["source"], bool(r.get("reviewed", True)))
            for r in doc[key]
        }

    return MailCodes(rows("categories"), dict(doc["classes"]), rows("subclasses"))
