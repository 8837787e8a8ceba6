"""Pure risk rules: the figures they compare and the records they give."""

from datetime import date
from decimal import Decimal

import pytest

from app.services.risk_rules import Risk, limits, values
from tariff_tables.model import Parameter
from tariff_tables.quota import QuotaCheck

D = Decimal
LIMITS = values.Thresholds(min_sample=4, ratio=D("0.2"))


def sample(*numbers, converted=0, note=""):
    return values.Sample("6109", "piece", "USD", tuple(D(n) for n in numbers), converted, note)


def test_low_unit_value_uses_the_median_of_the_sample():
    # median of 8, 9, 10, 100 is 9.5: an outlier does not drag it
    found = values.low_unit_value(2, D("1.80"), sample(8, 9, 10, 100), LIMITS)
    assert found.field == "items.2.unit_value"
    assert found.explanation == (
        "Median unit value of 4 stored lines of heading 6109 per piece in USD: 9.50 USD; "
        "this line's 1.80 is 0.189 of it (flagged below 0.2, with at least 4 lines)."
    )


def test_low_unit_value_threshold_is_strict():
    assert values.low_unit_value(0, D("1.90"), sample(8, 9, 10, 100), LIMITS) is None  # 0.2
    assert values.low_unit_value(0, D("1.89"), sample(8, 9, 10, 100), LIMITS) is not None


def test_low_unit_value_needs_the_minimum_sample_and_a_positive_median():
    assert values.low_unit_value(0, D("0.01"), sample(8, 9, 10), LIMITS) is None
    assert values.low_unit_value(0, D("0.00"), sample(0, 0, 0, 0), LIMITS) is None


def test_low_unit_value_names_converted_lines():
    found = values.low_unit_value(
        0, D("1"), sample(8, 9, 10, 11, converted=2, note="converted from SAR at X"), LIMITS
    )
    assert "in USD, 2 of them converted from SAR at X: 9.50 USD" in found.explanation


ORDER_LIMIT = Parameter(
    valid_from=date(2019, 1, 1),
    valid_to=None,
    destination="CN",
    name="cbec_order_limit",
    value=D("5000"),
    unit="CNY",
    source="MOF/GAC/STA 财关税〔2018〕49号",
)


def test_single_order_limit_reaching_it_is_allowed():
    assert limits.single_order_limit(D("5000.00"), ORDER_LIMIT, "cn_cbec", None) is None
    over = limits.single_order_limit(D("5000.01"), ORDER_LIMIT, "cn_cbec", None)
    assert (over.severity, over.source) == ("blocking", "MOF/GAC/STA 财关税〔2018〕49号")
    assert over.explanation == (
        "The order's customs value 5000.01 CNY is over the single-order limit of 5000 CNY "
        "(from 2019-01-01). It is not one indivisible item (only a single indivisible item "
        "may exceed it). Split the order."
    )


def test_single_order_limit_single_item_path_is_a_warning():
    found = limits.single_order_limit(D("7000"), ORDER_LIMIT, limits.SINGLE_ITEM_REGIME, None)
    assert found.severity == "warning"
    assert found.message == (
        "Over the CBEC single-order limit: one indivisible item, full tax applies"
    )


def quota_check(used, amount, limit="26000"):
    used, amount, limit = D(used), D(amount), D(limit)
    return QuotaCheck(limit, used, max(limit - used, D(0)), used + amount > limit)


@pytest.mark.parametrize(
    "used, amount, expected",
    [
        ("0", "20799.99", None),  # 79.99 %
        ("20000", "800", ("quota_near", "warning")),  # exactly 80 %
        ("25000", "1000", ("quota_near", "warning")),  # reaching the limit is allowed
        ("25000", "1000.01", ("quota_over", "blocking")),
    ],
)
def test_annual_quota_near_and_over(used, amount, expected):
    found = limits.annual_quota(quota_check(used, amount), D(amount), 2026, D("0.8"), "src")
    assert (None if found is None else (found.code, found.severity)) == expected


def test_annual_quota_figures():
    found = limits.annual_quota(quota_check("25000", "1000"), D("1000"), 2026, D("0.8"), "src")
    assert found.message == "The buyer is near the annual CBEC quota (100.0 % used with this order)"
    assert found.explanation == (
        "The buyer has used 25000.00 CNY of the 26000 CNY annual limit for 2026; this order "
        "adds 1000.00 CNY, 26000.00 CNY in all (100.0 %). Warned from 80 %."
    )


def test_risk_severity_is_checked_and_the_record_round_trips():
    with pytest.raises(ValueError, match="severity 'fatal'"):
        Risk("x", "fatal", None, "m", "e")
    r = Risk("quota_near", "warning", "recipient.id_number", "m", "e", "s")
    assert Risk.from_json(r.to_json()) == r and not r.blocking


@pytest.mark.parametrize(
    "amount, text",
    [("1.00000", "1.00"), ("10", "10.00"), ("0.125", "0.125"), ("8.5", "8.50"), ("1E+2", "100.00")],
)
def test_amounts_read_the_same_whatever_scale_the_database_returns(amount, text):
    assert values.shown(D(amount)) == text
