import numpy as np
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from srccompare.reuse import arrays
from srccompare.reuse.group import find_digests, group_passages, overlapping_spans
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


def test_a_long_span_does_not_chain_the_short_texts_inside_it():
    """A whole story copied by b (a's 0-1000) and two quotes a shares with c and d: three texts, three
    families (of the shorter, the quotes would join the story and each other through it)."""
    passages = [passage("a", 0, 1000, "b", 0, 1000), passage("a", 100, 200, "c", 0, 100), passage("a", 700, 800, "d", 0, 100)]
    assert sorted(f.passages for f in group_passages(passages, min_overlap=0.7)) == [(0,), (1,), (2,)]
    edited = [passage("a", 0, 1000, "b", 0, 1000), passage("a", 0, 900, "e", 0, 900)]  # copies of one text
    assert [f.passages for f in group_passages(edited, min_overlap=0.7)] == [(0, 1)]


STORY = " ".join(f"Sentence {n} of the story says something of its own." for n in range(12))


def test_a_page_of_unrelated_stories_is_a_digest_and_a_story_copied_whole_is_not():
    digest = [passage("digest", 0, 300, f"copy{n}", 0, 300) for n in range(3)]
    digest += [passage("digest", 400, 700, f"other{n}", 0, 300) for n in range(3)]
    digest += [passage("digest", 800, 1100, f"third{n}", 0, 300) for n in range(3)]
    bodies = {"digest": STORY * 3}
    assert find_digests(digest, bodies, {}, 3, 20) == ("digest",)
    copied = [passage("copy", 0, 1100, f"copy{n}", 0, 1100) for n in range(5)]
    assert find_digests(copied, {"copy": STORY * 3}, {}, 3, 20) == ()
    # stretches carried by articles credited to two agencies are quotations, not stories
    credited = {"copy0": {"AP"}, "copy1": {"Reuters"}, "other0": {"AP"}, "other1": {"AFP"}}
    assert find_digests(digest, bodies, credited, 3, 20) == ()


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
    """Every pair (i < j) of spans in one document overlapping by min_overlap of the longer."""
    found = set()
    for i, one in enumerate(spans):
        for j, other in enumerate(spans[i + 1 :], start=i + 1):
            overlap = min(one.end, other.end) - max(one.start, other.start)
            longer = max(one.end - one.start, other.end - other.start)
            if one.doc_id == other.doc_id and overlap > 0 and overlap >= min_overlap * longer:
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
    from srccompare.reuse.group import _family

    spans = {4: Span("a", 0, 50), 5: Span("b", 10, 60), 9: Span("a", 40, 90)}
    family = _family(spans, [4, 5, 9])
    assert family.spans == (Span("a", 0, 90), Span("b", 10, 60))
    assert family.passages == (2, 4)


def reference_families(passages, min_overlap):
    """Families the plain way: components of passages linked by overlaps (brute force), each
    component's spans merged per document in id order, largest first, ties by first span then
    by smallest passage index."""
    sides = [side for p in passages for side in (Span(p.left_id, p.left_start, p.left_end), Span(p.right_id, p.right_start, p.right_end))]
    parent = list(range(len(passages)))

    def root(i):
        while parent[i] != i:
            i = parent[i]
        return i

    for i, j in brute_overlaps(sides, min_overlap):
        parent[root(i // 2)] = root(j // 2)
    components = {}
    for index in range(len(passages)):
        components.setdefault(root(index), []).append(index)
    families = []
    for indexes in sorted(components.values()):
        merged = []
        for span in sorted((sides[2 * i + k] for i in indexes for k in (0, 1)), key=lambda s: (s.doc_id, s.start, s.end)):
            if merged and merged[-1].doc_id == span.doc_id and span.start <= merged[-1].end:
                merged[-1] = Span(span.doc_id, merged[-1].start, max(merged[-1].end, span.end))
            else:
                merged.append(span)
        families.append((tuple(merged), tuple(indexes)))
    families.sort(key=lambda f: (-len(f[0]), -sum(s.end - s.start for s in f[0]), f[0][0].doc_id, f[0][0].start))
    return [(f"F{n + 1}", spans, indexes) for n, (spans, indexes) in enumerate(families)]


@given(
    st.lists(
        st.tuples(st.sampled_from(["b", "a", "c10", "c9", "é"]), st.integers(0, 60), st.integers(1, 40),
                  st.sampled_from(["b", "a", "c10", "c9", "é"]), st.integers(0, 60), st.integers(1, 40)),
        max_size=20,
    ),
    st.sampled_from([0.01, 0.5, 1.0]),
)
@hsettings(deadline=None)
def test_families_equal_the_plain_computation_with_ids_order_and_numbering(sides, min_overlap):
    passages = [passage(a, s, s + n, b, t, t + m) for a, s, n, b, t, m in sides]
    families = group_passages(passages, min_overlap=min_overlap)
    assert [(f.id, f.spans, f.passages) for f in families] == reference_families(passages, min_overlap)


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(0, 50), st.integers(1, 30)), max_size=30))
@hsettings(deadline=None)
def test_merged_stretches_are_the_union_of_each_groups_spans_per_document(rows):
    from srccompare.reuse.attribute import disjoint_pieces
    from srccompare.reuse.group import merged_stretches

    group = np.array([r[0] for r in rows], dtype=np.int64)
    doc = np.array([r[1] for r in rows], dtype=np.int64)
    start = np.array([r[2] for r in rows], dtype=np.int64)
    end = start + np.array([r[3] for r in rows], dtype=np.int64)
    found = list(zip(*(part.tolist() for part in merged_stretches(group, doc, start, end))))
    expected = []
    for key in sorted({(g, d) for g, d, _, _ in rows}):
        spans = [(s, s + n) for g, d, s, n in rows if (g, d) == key]
        pieces = list(disjoint_pieces(spans))
        merged = []
        for a, b in pieces:  # pieces that touch are one stretch
            if merged and a <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], b))
            else:
                merged.append((a, b))
        expected += [(*key, a, b) for a, b in merged]
    assert sorted(found) == sorted(expected)


@hsettings(deadline=None, max_examples=100)
@given(st.integers(1, 60), st.lists(st.tuples(st.integers(0, 59), st.integers(0, 59)), max_size=120))
def test_component_labels_same_components_as_scipy(count, edges):
    """component_labels joins on arrays (no scipy import in find_reuse or a diff): it must put
    exactly the nodes together that scipy's connected_components does, the components numbered
    in order of their smallest node."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    rows = np.array([left % count for left, _ in edges], dtype=np.int64)
    columns = np.array([right % count for _, right in edges], dtype=np.int64)
    labels = arrays.component_labels(count, rows, columns)
    graph = coo_matrix((np.ones(len(rows), dtype=np.int32), (rows, columns)), shape=(count, count))
    _, by_scipy = connected_components(graph, directed=False)
    assert np.array_equal(labels[:, None] == labels[None, :], by_scipy[:, None] == by_scipy[None, :])
    firsts = [labels.tolist().index(label) for label in range(labels.max() + 1)]
    assert firsts == sorted(firsts)


def test_component_labels_of_a_long_chain_in_scrambled_order():
    """A path whose node numbers zigzag needs hooks both ways; it is still one component."""
    order = np.random.default_rng(1).permutation(5000)
    labels = arrays.component_labels(5000, order[:-1], order[1:])
    assert set(labels.tolist()) == {0}
