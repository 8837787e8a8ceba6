"""The customs simulator's answers to CUSITM: the rules in order, seeded draws, same bytes
for the same file."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from test_decl_cusitm import WHEN, _presentations

from app.gateway.simulator import postal
from app.gateway.simulator.config import SimConfig
from declarations import cusitm, cusrsp


def _cusitm(risks: tuple = ()) -> bytes:
    items = _presentations()
    items[0] = dataclasses.replace(items[0], risks=risks)
    return cusitm.build(items, created=WHEN, sender_operator="CNA", recipient="CNCUS")


def _outcomes(config: SimConfig, data: bytes) -> list[tuple]:
    name, content = postal.answer(config, "CUSITM_x_v1.xml", data)
    assert name == "CUSRSP_x_v1.xml"
    return [(d.decision, d.reason, d.tax) for d in cusrsp.parse(content).decisions]


@pytest.fixture
def config(tmp_path: Path) -> SimConfig:
    return SimConfig(gateway_dir=tmp_path, delay_seconds=2)


def test_released_with_the_assessed_tax_and_not_assessed_referred(config):
    got = _outcomes(config, _cusitm())
    assert got == [("release", "", 160), ("refer", "documents", None)]
    content = postal.answer(config, "CUSITM_x_v1.xml", _cusitm())[1]
    assert content == postal.answer(config, "CUSITM_x_v1.xml", _cusitm())[1]
    assert cusrsp.parse(content).decisions[0].at == WHEN.replace(second=2)


def test_blocking_risk_held_and_rates(config):
    flag = cusitm.RiskFlag("restricted_goods", "blocking", "prohibited")
    assert _outcomes(config, _cusitm((flag,)))[0] == ("hold", "restricted", None)
    returned = dataclasses.replace(config, postal_return_rate=1.0)
    assert _outcomes(returned, _cusitm())[0] == ("return", "", None)
    held = dataclasses.replace(config, postal_hold_rate=1.0)
    assert _outcomes(held, _cusitm())[0] == ("hold", "inspection", None)
