from srccompare.group import group_passages
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
