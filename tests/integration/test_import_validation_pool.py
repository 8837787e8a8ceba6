"""The validation pool gives the inline results, in order, and survives a dead helper."""

import copy
import os

from support import BASE_EXPORT_ORDER

from app.services import import_validation
from app.services.order_files import OrderGroup


def _group(n: int, bad: bool = False) -> OrderGroup:
    payload = copy.deepcopy(BASE_EXPORT_ORDER)
    payload["order_no"] = f"P-{n}"
    if bad:
        payload["items"][0]["hs_code"] = "12"
    return OrderGroup(order_no=payload["order_no"], rows=[2 * n + 2, 2 * n + 3], payload=payload)


class DiesInAHelper(OrderGroup):
    """Unpickling it ends the helper process, as an OOM kill would."""

    def __reduce__(self):
        return (os._exit, (3,))


def _summary(chunks):
    return [[(c.group.order_no, c.data is not None, c.problems) for c in chunk] for chunk in chunks]


def test_pool_matches_inline_and_keeps_order():
    chunks = [[_group(n, bad=n % 3 == 0) for n in range(k * 4, k * 4 + 4)] for k in range(5)]
    inline = list(import_validation.validated_chunks(chunks, ("CN",), processes=0))
    pooled = list(import_validation.validated_chunks(chunks, ("CN",), processes=1))
    assert _summary(pooled) == _summary(inline)
    assert [c.group.order_no for chunk in pooled for c in chunk] == [f"P-{n}" for n in range(20)]
    assert pooled[0][0].problems == [(2, "hs_code", "'12': must be 6 to 10 digits")]


def test_a_dead_helper_falls_back_to_inline(caplog):
    chunks = [[_group(n)] for n in range(4)]
    victim = DiesInAHelper(**vars(_group(9)))
    chunks[2] = [victim]
    got = list(import_validation.validated_chunks(chunks, ("CN",), processes=1))
    assert [c.group.order_no for chunk in got for c in chunk] == ["P-0", "P-1", "P-9", "P-3"]
    assert all(c.data is not None for chunk in got for c in chunk)
    assert "validation helper process died" in caplog.text
