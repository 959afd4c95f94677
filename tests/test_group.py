from hypothesis import given
from hypothesis import strategies as st

from srccompare.group import group_passages, overlapping_spans
from srccompare.model import Passage, Span


def passage(left, ls, le, right, rs, re_):
    return Passage(left, ls, le, right, rs, re_, similarity=1.0, words=(le - ls) // 5, quote_share=0.0, kind="reporting")


def test_overlapping_spans_join_pairs_into_one_family():
    passages = [
        passage("a", 100, 300, "b", 0, 200),
        passage("b", 10, 190, "c", 500, 680),  # overlaps b's span of the first passage
        passage("a", 1000, 1100, "d", 0, 100),  # another stretch of a: another family
    ]
    families = group_passages(passages)
    assert [f.passages for f in families] == [(0, 1), (2,)]
    assert families[0].spans == (Span("a", 100, 300), Span("b", 0, 200), Span("c", 500, 680))
    assert [f.id for f in families] == ["F1", "F2"]


def test_a_bare_touch_does_not_join():
    passages = [passage("a", 0, 100, "b", 0, 100), passage("a", 95, 400, "c", 0, 305)]
    assert len(group_passages(passages, min_overlap=0.5)) == 2
    assert len(group_passages(passages, min_overlap=0.01)) == 1


def test_order_of_passages_does_not_change_families():
    passages = [passage("a", 0, 100, "b", 0, 100), passage("c", 0, 100, "b", 10, 90), passage("x", 0, 50, "y", 0, 50)]
    forward = group_passages(passages)
    backward = group_passages(passages[::-1])
    assert [f.spans for f in forward] == [f.spans for f in backward]


span_lists = st.lists(
    st.tuples(st.sampled_from("abc"), st.integers(0, 60), st.integers(0, 40)).map(lambda t: Span(t[0], t[1], t[1] + t[2])),
    max_size=25,
)


def brute_overlaps(spans, min_overlap):
    """Every pair (i < j) of spans in one document overlapping by min_overlap of the shorter."""
    found = set()
    for i, one in enumerate(spans):
        for j, other in enumerate(spans[i + 1 :], start=i + 1):
            overlap = min(one.end, other.end) - max(one.start, other.start)
            shorter = min(one.end - one.start, other.end - other.start)
            if one.doc_id == other.doc_id and overlap > 0 and overlap >= min_overlap * shorter:
                found.add((i, j))
    return found


@given(span_lists, st.sampled_from([0.0, 0.3, 0.5, 1.0]))
def test_overlapping_spans_are_every_pair_overlapping_enough(spans, min_overlap):
    found = {tuple(sorted(pair)) for pair in overlapping_spans(spans, min_overlap)}
    assert found == brute_overlaps(spans, min_overlap)


@given(span_lists)
def test_families_are_the_components_of_passages_and_overlaps(spans):
    pairs = [(spans[k], spans[k + 1]) for k in range(0, len(spans) - 1, 2)]
    passages = [passage(a.doc_id, a.start, a.end, b.doc_id, b.start, b.end) for a, b in pairs]
    links = {(i // 2, j // 2) for i, j in brute_overlaps([side for pair in pairs for side in pair], 0.5)}
    # naive oracle: the sets of passages that the links merge
    groups = [{i} for i in range(len(passages))]
    for one, other in sorted(links):
        a, b = next(g for g in groups if one in g), next(g for g in groups if other in g)
        if a is not b:
            groups.remove(b)
            a |= b
    families = group_passages(passages)
    assert sorted(tuple(sorted(g)) for g in groups) == sorted(f.passages for f in families)
    for family in families:
        for doc_spans in [[s for s in family.spans if s.doc_id == d] for d in "abc"]:
            assert all(x.end < y.start for x, y in zip(doc_spans, doc_spans[1:]))  # merged per document


def test_a_family_from_spans_keyed_by_index_as_the_spark_engine_has_them():
    from srccompare.group import _family

    spans = {4: Span("a", 0, 50), 5: Span("b", 10, 60), 9: Span("a", 40, 90)}
    family = _family(spans, [4, 5, 9])
    assert family.spans == (Span("a", 0, 90), Span("b", 10, 60))
    assert family.passages == (2, 4)
