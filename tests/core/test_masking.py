"""Masking properties (hypothesis): what a masked value keeps, what it hides, and that
no identity or mobile number survives in masked free text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from center.core.pii import (
    ID_NUMBER_PATTERN,
    MOBILE_PATTERN,
    mask_id_number,
    mask_name,
    mask_phone,
    mask_pi_numbers,
)

DIGITS = "0123456789"
id_numbers = st.builds(
    lambda body, last: body + last,
    st.text(DIGITS, min_size=17, max_size=17),
    st.sampled_from(DIGITS + "X"),
)
mobiles = st.builds(
    lambda second, rest: "1" + second + rest,
    st.sampled_from("3456789"),
    st.text(DIGITS, min_size=9, max_size=9),
)
names = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=6)


@given(id_numbers)
def test_an_id_number_keeps_its_first_3_and_last_4_only(number):
    masked = mask_id_number(number)
    assert len(masked) == len(number) == 18
    assert masked[:3] == number[:3] and masked[-4:] == number[-4:]
    assert masked[3:-4] == "*" * 11
    assert not ID_NUMBER_PATTERN.search(masked)


@given(mobiles)
def test_a_mobile_keeps_its_first_3_and_last_4_only(number):
    masked = mask_phone(number)
    assert masked == number[:3] + "****" + number[-4:]
    assert not MOBILE_PATTERN.search(masked)


@given(names)
def test_a_name_keeps_its_first_character_only(name):
    masked = mask_name(name)
    assert masked[0] == name[0]
    assert set(masked[1:]) == {"*"} and len(masked) == max(2, len(name))


@given(
    st.lists(
        st.one_of(id_numbers, mobiles, st.text(alphabet="居民反映暖气不热 ，。", max_size=8)),
        max_size=6,
    )
)
def test_no_id_or_mobile_number_survives_in_masked_text(parts):
    text = " ".join(parts)
    masked = mask_pi_numbers(text)
    assert not ID_NUMBER_PATTERN.search(masked)
    assert not MOBILE_PATTERN.search(masked)
    for part in parts:
        if not (ID_NUMBER_PATTERN.fullmatch(part) or MOBILE_PATTERN.fullmatch(part)):
            assert part in masked  # other words are left as they were
