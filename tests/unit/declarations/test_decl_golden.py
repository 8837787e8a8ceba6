"""Golden declarations: every builder gives exactly the recorded message, or refuses with
exactly the recorded text. Stored declarations must be reproducible byte for byte, so any
change here is a change of output.

The expected messages are whole files, one per case, in ``tests/golden/declarations/``
(``<case>.xml``, indented; see :mod:`golden_xml` for how equal files mean equal bytes), and
the refusal texts are ``refusals.txt``. A failing case prints a unified diff.

Re-recording is a deliberate act, for an output change that is intended and named in the
commit that makes it::

    SILKPOST_RECORD_GOLDEN=1 .venv/bin/pytest tests/unit/declarations/test_decl_golden.py

rewrites the files of the cases (those tests then report "skipped: re-recorded"); review
the diff with ``git diff tests/golden/declarations`` before committing it.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import golden_xml
import pytest

RECORD = os.environ.get("SILKPOST_RECORD_GOLDEN") == "1"


def _compare(path: Path, actual: str) -> None:
    if RECORD:
        path.write_text(actual, encoding="utf-8")
        pytest.skip(f"re-recorded {path.name}")
    if not path.is_file():
        pytest.fail(f"{path} is missing; record it with SILKPOST_RECORD_GOLDEN=1")
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            f"{path.name} (recorded)",
            f"{path.name} (built now)",
        )
        pytest.fail("output differs from the recorded one:\n" + "".join(diff), pytrace=False)


@pytest.mark.parametrize("case", sorted(golden_xml.CASES))
def test_message_is_the_recorded_one(ceb_dir, case):
    data = golden_xml.CASES[case](ceb_dir)
    text = golden_xml.pretty(data)
    assert golden_xml.unpretty(text) == data, "the indented form must give the bytes back"
    _compare(golden_xml.GOLDEN / f"{case}.xml", text)


def test_refusals_are_the_recorded_ones(ceb_dir):
    _compare(golden_xml.REFUSALS, golden_xml.refusals(ceb_dir))


def test_every_golden_file_belongs_to_a_case():
    files = {p.stem for p in golden_xml.GOLDEN.glob("*.xml")}
    assert files == set(golden_xml.CASES)


def test_pretty_round_trips_text_with_newlines_and_markup_characters():
    data = (
        b"<?xml version='1.0' encoding='UTF-8'?>\n"
        b'<a x="1&gt;"><b>t &lt;&amp;&gt;\n  x</b><c/><d></d><e><f>1</f></e></a>'
    )
    text = golden_xml.pretty(data)
    assert text.splitlines()[1:3] == ['<a x="1&gt;">', "  <b>t &lt;&amp;&gt;"]
    assert golden_xml.unpretty(text) == data
