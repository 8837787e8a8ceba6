"""Risk checks on a case being prepared: what a broker should look at before filing.

This is the seed of the module: the :class:`Risk` record the cases store and the one
blocking rule CEB filings need before anything else (a China commodity code on every
line). The full set of checks (unit values, HS wording, restricted goods, quota, limits,
duplicates, tax ids) replaces it with the same entry point, :func:`assess`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from declarations.ceb.common import ten_digit_hs

SEVERITIES = ("info", "warning", "blocking")


@dataclass(frozen=True)
class Risk:
    code: str  # e.g. "hs_needs_10_digits", "low_unit_value", "restricted_goods"
    severity: str  # "info" | "warning" | "blocking"
    field: str | None  # field path as in the error envelope, e.g. "items.0.hs_code"
    message: str  # one line a broker reads
    explanation: str  # why: figures, sample size, matched words, source of the rule
    source: str | None = None  # the cited publication for table-driven risks

    def to_json(self) -> dict:
        return asdict(self)


def hs_needs_10_digits(snapshot: dict) -> list[Risk]:
    """CEB messages carry the 10-digit China commodity code (gcode); a 6-digit HS
    subheading cannot be filed until someone chooses the national line."""
    found = []
    for n, line in enumerate(snapshot.get("lines") or []):
        code = line.get("hs_code") or ""
        if ten_digit_hs(code) is None:
            found.append(
                Risk(
                    code="hs_needs_10_digits",
                    severity="blocking",
                    field=f"items.{n}.hs_code",
                    message=f"Line {n + 1}: HS {code} needs an 8/10-digit China commodity code",
                    explanation=(
                        "CEB orders and inventories state the China customs commodity code "
                        "(gcode, 10 digits; 8 digits are padded with 00). A 6-digit HS "
                        "subheading does not say which national tariff line applies."
                    ),
                )
            )
    return found


def assess(order, snapshot: dict, quote: dict | None) -> list[Risk]:  # noqa: ARG001
    """Every risk found on the order as frozen in ``snapshot`` (JSON form)."""
    return hs_needs_10_digits(snapshot)
