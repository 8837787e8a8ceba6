"""EMSEVT files from partner posts: read once, in any order, bad files quarantined."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from support import headers
from tracking_support import journey, make_parcel, write_file

from app.extensions import db
from app.models import PartnerPostFile, TrackingEvent
from app.services import partner_posts


@pytest.fixture
def two_parcels(client, make_user, order_payload):
    seller = make_user("seller")
    return seller, [make_parcel(client, seller, order_payload, f"PP-{n}") for n in (1, 2)]


@pytest.fixture
def inbox(app) -> Path:
    return partner_posts.inbox().inbox


def _files(inbox: Path, parcels: list[dict]) -> dict[str, Path]:
    """Two overlapping files: A has each item's first events, B the rest and a few of A's."""
    one, two = (journey(p["item_id"]) for p in parcels)
    staging = inbox.parent / "staging"
    staging.mkdir(exist_ok=True)
    return {
        "A": write_file(staging, "DEA-0001.xml", one[:4] + two[:2]),
        "B": write_file(staging, "DEA-0002.xml", one[2:] + two[1:]),
    }


def _timeline(client, seller, parcel) -> list[dict]:
    r = client.get(f"/api/v1/parcels/{parcel['id']}/events", headers=headers(seller))
    assert r.status_code == 200, r.json
    return [
        {k: v for k, v in e.items() if k not in ("id", "recorded_at")} for e in r.json["events"]
    ]


EXPECTED_FIRST = [
    ("EMD", "2026-12-03T08:00:00+01:00", "DEFRAA", None, None),
    ("EDB", "2026-12-03T09:00:00+01:00", "DEFRAA", None, None),
    ("EME", "2026-12-03T10:00:00+01:00", "DEFRAA", "duties", None),
    ("EDC", "2026-12-04T04:00:00+01:00", "DEFRAA", None, None),
    ("EMF", "2026-12-04T05:00:00+01:00", "DEFRAA", None, None),
    ("EMI", "2026-12-05T08:00:00+01:00", "DE10115", None, "Left with neighbour"),
]


@pytest.mark.parametrize("order", ["AB", "BA"])
def test_files_read_twice_and_out_of_order_give_the_same_timeline(
    client, two_parcels, inbox, order
):
    seller, parcels = two_parcels
    files = _files(inbox, parcels)
    counts = []
    for key in order + order:  # each file twice, the second time under another name
        name = files[key].name if len(counts) < 2 else f"again-{files[key].name}"
        shutil.copy(files[key], inbox / name)
        counts.append(partner_posts.poll())
    assert [c["done"] for c in counts] == [1, 1, 0, 0]
    assert [c["repeated"] for c in counts] == [0, 0, 1, 1]
    assert sum(c["new_events"] for c in counts) == 12  # 6 per item, overlaps stored once

    first = _timeline(client, seller, parcels[0])
    got = [(e["code"], e["time"], e["office"], e["reason"], e["note"]) for e in first]
    assert got == EXPECTED_FIRST
    assert {e["source"] for e in first} == {"partner"}
    assert [e["code"] for e in _timeline(client, seller, parcels[1])] == [
        "EMD",
        "EDB",
        "EME",
        "EDC",
        "EMF",
        "EMI",
    ]
    assert sorted(p.name for p in (inbox / "done").iterdir()) == sorted(
        [files["A"].name, files["B"].name, f"again-{files['A'].name}", f"again-{files['B'].name}"]
    )
    assert list(inbox.glob("*.xml")) == []


def test_a_file_found_again_after_a_crash_is_only_moved(client, two_parcels, inbox):
    seller, parcels = two_parcels
    files = _files(inbox, parcels)
    shutil.copy(files["A"], inbox / files["A"].name)
    assert partner_posts.poll()["new_events"] == 6
    shutil.copy(files["A"], inbox / files["A"].name)  # as if the move had not happened
    assert partner_posts.poll() == {
        "done": 0,
        "repeated": 1,
        "quarantined": 0,
        "events": 0,
        "new_events": 0,
    }
    assert (inbox / "done" / f"{files['A'].name}.1").is_file()
    assert db.session.query(TrackingEvent).count() == 6


BAD_FILES = {
    "not-xml.xml": (b"EMD,RR473124829GB", "not well-formed"),
    "xxe.xml": (
        b'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<EMSEVT xmlns="urn:silkpost:emsevt:1">&x;</EMSEVT>',
        "declares a DTD or entities",
    ),
    "wrong-code.xml": ("EMD", "not an element of the set"),
    "check-digit.xml": ("check", "check digit is"),
}


def _bad_file(kind: str, item_id: str) -> bytes:
    content, _ = BAD_FILES[kind]
    if isinstance(content, bytes):
        return content
    text = (
        '<?xml version="1.0" encoding="UTF-8"?><EMSEVT xmlns="urn:silkpost:emsevt:1" '
        'version="1" messageId="2061378b-1812-5112-8069-b56dddf95978" '
        f'created="2026-12-03T10:00:00+01:00"><Event><ItemId>{item_id}</ItemId>'
        "<Code>EMD</Code><Time>2026-12-03T08:15:00+01:00</Time><Office>DEFRAA</Office>"
        "</Event></EMSEVT>"
    )
    if content == "EMD":
        return text.replace("<Code>EMD", "<Code>EZZ").encode()
    digit = item_id[10]
    wrong = item_id[:10] + str((int(digit) + 1) % 10) + item_id[11:]
    return text.replace(item_id, wrong).encode()


def test_bad_files_are_quarantined_with_the_reason_and_good_ones_read(client, two_parcels, inbox):
    seller, parcels = two_parcels
    for kind in BAD_FILES:
        (inbox / kind).write_bytes(_bad_file(kind, parcels[0]["item_id"]))
    good = _files(inbox, parcels)["A"]
    shutil.copy(good, inbox / "z-good.xml")
    counts = partner_posts.poll()
    assert (counts["done"], counts["quarantined"], counts["new_events"]) == (1, 4, 6)
    quarantine = inbox / "quarantine"
    for kind, (_, reason) in BAD_FILES.items():
        assert (quarantine / kind).is_file()
        assert reason in (quarantine / f"{kind}.reason.txt").read_text(), kind
    states = dict(db.session.query(PartnerPostFile.name, PartnerPostFile.state))
    assert states == {**dict.fromkeys(BAD_FILES, "quarantined"), "z-good.xml": "done"}
    assert db.session.query(TrackingEvent).count() == 6

    (inbox / "xxe-again.xml").write_bytes(_bad_file("xxe.xml", ""))
    assert partner_posts.poll()["quarantined"] == 1
    assert "declares a DTD" in (quarantine / "xxe-again.xml.reason.txt").read_text()


def test_hidden_files_being_written_wait(client, two_parcels, inbox):
    seller, parcels = two_parcels
    shutil.copy(_files(inbox, parcels)["A"], inbox / ".DEA-0001.xml.tmp")
    assert partner_posts.poll()["done"] == 0
    assert (inbox / ".DEA-0001.xml.tmp").is_file()


def test_the_command_and_the_job_read_the_inbox(app, client, two_parcels, inbox):
    seller, parcels = two_parcels
    files = _files(inbox, parcels)
    shutil.copy(files["A"], inbox / files["A"].name)
    result = app.test_cli_runner().invoke(args=["posts", "poll"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.strip().splitlines()[-1]) == {
        "done": 1,
        "repeated": 0,
        "quarantined": 0,
        "events": 6,
        "new_events": 6,
        "webhooks_due": 0,
    }

    from app.jobs.runner import make_worker
    from app.jobs.tracking import enqueue_poll

    shutil.copy(files["B"], inbox / files["B"].name)
    job = enqueue_poll()
    make_worker(app, simple=True).work(burst=True)
    assert job.return_value()["new_events"] == 6
    assert db.session.query(TrackingEvent).count() == 12
