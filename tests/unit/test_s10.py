import pytest

from declarations import s10


@pytest.mark.parametrize(
    "ident",
    ["RR473124829GB", "EE471108151FR", "RB123456785GB", "RR287043775IN", "LX806576725TW"],
)
def test_domain_vectors_are_valid(ident):
    assert str(s10.parse(ident)) == ident


def test_weighted_sum_and_special_cases():
    assert s10.check_digit("47312482") == 9  # S = 200
    assert s10.check_digit("28704377") == 5  # S mod 11 = 0 -> 11 -> 5
    assert s10.check_digit("96633102") == 0  # S mod 11 = 1 -> 10 -> 0


def test_bad_check_digit_rejected():
    with pytest.raises(s10.S10Error, match="expected 5"):
        s10.parse("EB000717594HK")


@pytest.mark.parametrize("letter", list("JKSTW"))
def test_reserved_service_letters_rejected(letter):
    serial = "47312482"
    ident = f"{letter}A{serial}{s10.check_digit(serial)}GB"
    with pytest.raises(s10.S10Error, match="reserved"):
        s10.parse(ident)


def test_unallocated_letters_warn():
    ident = str(s10.build("XA", 47312482, "GB"))
    assert s10.warnings_for(ident)
    assert s10.warnings_for("RR473124829GB") == []


@pytest.mark.parametrize(
    "bad", ["", "RR47312482GB", "RR4731248290GB", "1R473124829GB", "RR473124829G1"]
)
def test_malformed_rejected(bad):
    assert not s10.is_valid(bad)


def test_build_and_grouped():
    ident = s10.build("RR", 47312482, "GB")
    assert str(ident) == "RR473124829GB"
    assert ident.grouped == "RR 473 124 829 GB"
