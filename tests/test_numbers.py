"""Numbers for people (hoagiai/numbers.py): rounded half up, written as Django writes them."""

import random
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import formats, translation

from hoagiai.numbers import decimal_text, percent, rounded

VALUES = [0, -0.04, 0.05, -0.05, 1, 12.345, 999.95, 1000, 1555, -1555.55, 0.1235, 76.6666]
VALUES += [Decimal("2.5"), Decimal("-1234.5"), 123456789.123, 10**12]


def test_half_up_not_cut_off():
    with translation.override("vi"):
        assert percent(23 / 30) == "76,7%" and percent(0.1235) == "12,4%"
        assert decimal_text(1555, 0, grouping=True) == "1.555"
        assert decimal_text(1234.56, 1, grouping=True) == "1.234,6"
        assert decimal_text(-0.04, 1) == "0,0"  # not "-0,0"


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("thousands", [False, True])
def test_the_same_text_as_djangos_number_format(language, thousands):
    """The pages write their numbers without Django's ``number_format`` (it was a tenth of a
    dashboard request): the text must be the same, separators, grouping and signs."""
    draw = random.Random(7)
    numbers = VALUES + [draw.uniform(-1e7, 1e7) for _ in range(300)]
    with translation.override(language), override_settings(USE_THOUSAND_SEPARATOR=thousands):
        for value in numbers:
            for places in (0, 1, 2):
                for grouping in (False, True):
                    expected = formats.number_format(
                        rounded(value, places), places, force_grouping=grouping
                    )
                    assert decimal_text(value, places, grouping) == expected, (value, places)
