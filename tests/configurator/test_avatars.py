"""Avatars: every colour-and-symbol pair once, and a free one whenever one is left."""

import itertools

from hypothesis import given
from hypothesis import strategies as st

from configurator.avatars import COLOURS, SYMBOLS, Avatar, every_avatar, first_free

ALL = list(every_avatar())


def test_every_pair_appears_once_and_neighbours_differ_in_colour_and_symbol():
    assert len(ALL) == len(set(ALL)) == len(COLOURS) * len(SYMBOLS)
    for a, b in itertools.pairwise(ALL):
        assert a.colour != b.colour and a.symbol != b.symbol


@given(st.sets(st.sampled_from(ALL)))
def test_first_free_is_never_taken_and_only_none_when_all_are(taken):
    free = first_free(taken)
    assert (free is None) == (len(taken) == len(ALL))
    assert free is None or free not in taken


def test_a_pair_outside_the_set_is_refused():
    import pytest

    with pytest.raises(ValueError):
        Avatar("neon", "star")
    with pytest.raises(ValueError):
        Avatar("teal", "skull")
