"""The result records' fast constructor (`result._fast_init`) behaves like the dataclass one."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from decimal import Decimal

import pytest

from tariff_tables.result import (
    DutyLine,
    FeeLine,
    Quote,
    Rule,
    TaxLine,
    new_duty_line,
    new_quote,
    new_tax_line,
)


def _quote() -> Quote:
    duty = DutyLine("mfn", Decimal("10.00"), "0.12", Decimal("1.20"))
    tax = TaxLine(kind="vat", base=Decimal("11.20"), rate="0.2", amount=Decimal("2.24"))
    return Quote(
        "EUR", Decimal("10.00"), "CIF", (duty,), (tax,), (FeeLine("handling", Decimal(1)),),
        "border", "recipient", "eu_import", (Rule("r", "text", "src"),), "tt", "EUR",
        {"total": Decimal("3.44")},
    )  # fmt: skip


def test_records_are_their_class_equal_hashable_and_frozen():
    q = _quote()
    assert type(q) is Quote and type(q.duties[0]) is DutyLine
    assert q == _quote() and q.to_json() == _quote().to_json()
    assert hash(q.duties[0]) == hash(_quote().duties[0])
    assert repr(q.taxes[0]) == (
        "TaxLine(kind='vat', base=Decimal('11.20'), rate='0.2', amount=Decimal('2.24'))"
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        q.duties[0].amount = Decimal(0)  # type: ignore[misc]
    with pytest.raises(TypeError):
        DutyLine("mfn", Decimal(1))  # type: ignore[call-arg]


def test_records_copy_pickle_and_replace():
    q = _quote()
    assert pickle.loads(pickle.dumps(q)) == q
    assert copy.copy(q) == q and copy.deepcopy(q) == q
    assert dataclasses.replace(q.duties[0], rate="0.1").rate == "0.1"


def test_hot_path_constructors_give_the_same_records():
    q = _quote()
    d, t = q.duties[0], q.taxes[0]
    d2 = new_duty_line(d.measure, d.base, d.rate, d.amount)
    t2 = new_tax_line(t.kind, t.base, t.rate, t.amount)
    fields = [getattr(q, f.name) for f in dataclasses.fields(Quote)]
    fields[3], fields[4] = (d2,), (t2,)
    q2 = new_quote(*fields)
    assert type(d2) is DutyLine and type(t2) is TaxLine and type(q2) is Quote
    assert (d2, t2, q2) == (d, t, q) and repr(q2) == repr(q)
    with pytest.raises(dataclasses.FrozenInstanceError):
        q2.payer = "sender"  # type: ignore[misc]
