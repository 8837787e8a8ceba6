"""Byte-for-byte regression: every builder must give exactly the recorded output (or refuse
with exactly the recorded error) for the stored example and hypothesis-drawn snapshots. Stored
declarations must be reproducible, so any change here is a change of output."""

from __future__ import annotations

import golden_cases
import pytest

from declarations import signing
from declarations.snapshot import DeclarationSnapshot


def test_messages_are_byte_identical_to_the_recorded_ones(ceb_dir):
    data = golden_cases.load()
    signer = signing.Signer(data["key_pem"].encode(), data["cert_pem"].encode())
    snaps = [DeclarationSnapshot.from_json(s) for s in data["snapshots"]]
    expected = data["digests"]
    got = {
        name: golden_cases.outcome(fn) for name, fn in golden_cases.cases(snaps, signer, ceb_dir)
    }
    assert got.keys() == expected.keys()
    changed = sorted(k for k in expected if got[k] != expected[k])
    assert not changed, f"{len(changed)} of {len(expected)} outputs changed, e.g. {changed[:10]}"
    assert sum(v.startswith("ok:") for v in expected.values()) > len(expected) // 2


@pytest.mark.parametrize("kind", ["ok:", "IncompleteDataError:", "ConsistencyError:"])
def test_fixture_covers_outputs_and_refusals(kind):
    assert any(v.startswith(kind) for v in golden_cases.load()["digests"].values())
