"""Tax and customs identifiers: the worked examples of the cited sources, and each way a
number can be wrong."""

import pytest

from declarations import taxids


def test_cn_resident_id_weights_are_those_of_the_standard():
    # GB 11643-1999: W = 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
    assert taxids._CN_WEIGHTS == (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


@pytest.mark.parametrize("number", ["11010519491231002X", "440524188001010014"])
def test_cn_resident_id_worked_examples(number):
    assert taxids.cn_resident_id_check_char(number[:17]) == number[17]
    assert taxids.check_cn_resident_id(number) is None
    assert taxids.check_cn_resident_id(number.lower()) is None


@pytest.mark.parametrize(
    "number, problem",
    [
        ("110105194912310021", "check character 1 is wrong (ISO 7064 MOD 11-2 gives X)"),
        ("440524188001010015", "check character 5 is wrong (ISO 7064 MOD 11-2 gives 4)"),
        ("110105194913310020", "digits 7-14 (19491331) are not a birth date"),
        ("11010519491231002", "a resident identity number has 17 digits and a check digit or X"),
        ("X10105194912310020", "a resident identity number has 17 digits and a check digit or X"),
        ("", "a resident identity number has 17 digits and a check digit or X"),
        (None, "a resident identity number has 17 digits and a check digit or X"),
    ],
)
def test_cn_resident_id_refusals(number, problem):
    assert taxids.check_cn_resident_id(number) == problem


def test_cpf_worked_example():
    # 111.444.777: S = 162, r = 8, d1 = 3; then d2 = 5
    assert taxids.cpf_check_digits("111444777") == "35"
    assert taxids.check_br_cpf("111.444.777-35") is None
    assert taxids.check_br_cpf("11144477735") is None


@pytest.mark.parametrize(
    "number, problem",
    [
        ("111.444.777-36", "check digits 36 are wrong (mod 11 gives 35)"),
        ("111.444.777-53", "check digits 53 are wrong (mod 11 gives 35)"),
        ("111.111.111-11", "a CPF of eleven equal digits is not issued"),
        ("1114447773", "a CPF has 11 digits (000.000.000-00)"),
        ("ABC.444.777-35", "a CPF has 11 digits (000.000.000-00)"),
    ],
)
def test_cpf_refusals(number, problem):
    assert taxids.check_br_cpf(number) == problem


def test_cpf_remainder_below_two_gives_zero():
    # 000000001: S = 2 → r = 2 → d1 = 9; then over 0000000019 with 11..2: 1*3 + 9*2 = 21,
    # r = 10 → d2 = 1
    assert taxids.cpf_check_digits("000000001") == "91"
    # 000000006: S = 12, r = 1 (< 2) → d1 = 0; then 6*3 + 0*2 = 18, r = 7 → d2 = 4
    assert taxids.cpf_check_digits("000000006") == "04"


@pytest.mark.parametrize(
    "number, problem",
    [
        ("IM2760000011", None),
        ("im 276 000001 1", None),
        ("IM27600000111", "an IOSS number is IM followed by 10 digits (IMxxxyyyyyyz)"),
        ("IN2760000011", "an IOSS number is IM followed by 10 digits (IMxxxyyyyyyz)"),
        ("DE123456789", "an IOSS number is IM followed by 10 digits (IMxxxyyyyyyz)"),
        ("", "an IOSS number is IM followed by 10 digits (IMxxxyyyyyyz)"),
    ],
)
def test_ioss_format(number, problem):
    assert taxids.check_eu_ioss(number) == problem


@pytest.mark.parametrize(
    "number, problem",
    [
        ("DE1234567", None),
        ("NL123456789B01", None),
        ("FR12345678901234X", None),  # 2 + 15 = 17 characters, the most there can be
        ("FR12345678901234XY", "an EORI number is a country code and up to 15 letters or digits"),
        ("D1234567", "an EORI number is a country code and up to 15 letters or digits"),
        ("QQ1234567", "QQ is not an ISO 3166 country code"),
    ],
)
def test_eori_format(number, problem):
    assert taxids.check_eu_eori(number) == problem


@pytest.mark.parametrize(
    "number, problem",
    [
        ("P123123123123", None),
        ("p123123123123", None),
        ("P12312312312", "a personal customs clearance code is P followed by 12 digits"),
        ("8001011234567", "a personal customs clearance code is P followed by 12 digits"),
    ],
)
def test_pccc_format(number, problem):
    assert taxids.check_kr_pccc(number) == problem


def test_every_kind_has_a_check():
    assert set(taxids.CHECKS) == {"cn_resident_id", "br_cpf", "eu_ioss", "eu_eori", "kr_pccc"}
