import os
import random
import tempfile
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from srccompare.reuse import pipeline as reuse_module
from srccompare.reuse import candidates, schedule, sketch, spill
from srccompare.reuse.align.stage import PassageRows, WorkerContext
from srccompare.engines.base import Engine
from srccompare.model import CleanArticle, Metadata, Passage
from srccompare.reuse.pipeline import find_reuse
from srccompare.reuse.summary import summarise, summarise_pairs, top_partners
from srccompare.reuse.schedule import HEAVY_PAIR_CHARS, guided_chunks, pair_weights
from srccompare.reuse.tokens import body_of, process_hasher, alignment_tokens
from tests.reuse_text import filler


@pytest.fixture(scope="module")
def seed_result(seeds, settings):
    return find_reuse(list(seeds.values()), settings)


def attributions(result):
    return {(a.doc_id[:3], a.agency, a.how) for a in result.attributions}


def test_seed_attributions(seed_result):
    assert attributions(seed_result) == {
        ("000", "Reuters", "explicit"),  # "Reuters contributed to this report."
        # 001: "Source: TRTWorld and agencies" is recorded with no agency, its "(AP)" is a photo
        # credit; the Reuters line it shares with 000 (22 words, score 21) is under min_score
        ("003", "AFP", "explicit"),  # "By ... for AFP"
        ("004", "AFP", "inferred"),  # uncredited, shares AFP reporting with 003
    }


def test_seed_evidence_names_the_credited_article(seed_result, seeds):
    [mt] = [a for a in seed_result.attributions if a.doc_id.startswith("004")]
    assert [e.via_id for e in mt.evidence] == [seeds["mt_afp"].id]
    bodies = {article.id: article.body for article in seeds.values()}
    texts = [bodies[seeds["mt"].id][p.right_start : p.right_end] for i in mt.evidence[0].passages for p in [seed_result.passages[i]]]
    assert any("accused the opposition of attempts" in text for text in texts)
    assert all(seed_result.passages[i].kind == "reporting" for i in mt.evidence[0].passages)


def test_seed_passage_offsets_point_at_similar_text(seed_result, seeds):
    bodies = {article.id: article.body for article in seeds.values()}
    for p in seed_result.passages:
        left = bodies[p.left_id][p.left_start : p.left_end]
        right = bodies[p.right_id][p.right_start : p.right_end]
        assert left[:1].isalnum() and left[-1:].isalnum() and right[:1].isalnum() and right[-1:].isalnum()
        assert min(len(left.split()), len(right.split())) >= p.words * 0.8


def test_seed_summaries(seed_result):
    summary = {d.doc_id[:3]: d for d in seed_result.documents}
    assert summary["004"].top_partner.startswith("003")
    assert summary["003"].top_partner.startswith("004")
    assert 0 < summary["004"].reused_words < summary["004"].words


def test_reused_words_from_token_ranges_are_the_words_in_the_passages_spans(settings):
    """find_reuse counts reused words from the aligned token ranges; by definition they are the words
    of the body inside the union of its passages' character spans."""
    from srccompare.reuse.attribute import words_in_spans

    articles, _ = planted_corpus(40, 7)
    result = find_reuse(articles, settings)
    bodies = {article.id: article.body for article in articles}
    spans = {}
    for p in result.passages:
        spans.setdefault(p.left_id, []).append((p.left_start, p.left_end))
        spans.setdefault(p.right_id, []).append((p.right_start, p.right_end))
    assert sum(d.reused_words > 0 for d in result.documents) > 10
    for document in result.documents:
        assert document.reused_words == words_in_spans(bodies[document.doc_id], spans.get(document.doc_id, []))


def test_summaries_from_passage_rows_equal_those_from_the_passages_and_bodies(settings, seed_result, seeds):
    articles, _ = planted_corpus(40, 7)
    result = find_reuse(articles, settings)
    ordered = sorted(articles, key=lambda a: a.id)
    assert sum(d.top_partner is not None for d in result.documents) > 10
    assert summarise(ordered, result.passages) == result.documents
    # pairs: their words counted from token ranges, against each body scanned for the words in the spans
    assert len(result.pairs) > 10 and summarise_pairs(ordered, result.passages) == result.pairs
    seeds_ordered = sorted(seeds.values(), key=lambda a: a.id)
    assert any(len(pair.passages) > 1 for pair in seed_result.pairs)  # (sides of several passages added up)
    assert summarise_pairs(seeds_ordered, seed_result.passages) == seed_result.pairs


@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 30), st.integers(1, 12), st.integers(0, 30), st.integers(1, 12),
                          st.sampled_from(["reporting", "quote", "mixed"]), st.integers(5000, 10000)), min_size=1, max_size=12))
@hsettings(max_examples=200, deadline=None)
def test_pair_summaries_from_token_ranges_are_those_from_the_bodies(sides):
    """Passages of one pair may overlap on a side (two joined ones covering a third that crosses
    them): counted from token ranges, each side's words are still those of the union of its spans;
    the sums, similarity and ranking are those the passages and bodies give."""
    articles = [CleanArticle(f"d{n}", f"d{n}", "text", Metadata(), (" ".join(f"w{n}x{k}" for k in range(50)),)) for n in range(4)]
    bounds = [alignment_tokens(a.id, a.body, process_hasher(False)) for a in articles]
    found = []  # (left, right, left tokens, right tokens), grouped by pair as find_reuse's rows are
    for pair, left_start, left_size, right_start, right_size, kind, similarity in sorted(sides, key=lambda side: side[0]):
        found.append((pair, pair + 1, (left_start, left_start + left_size), (right_start, right_start + right_size), kind, similarity / 10000))
    passages, rows = [], []
    for left, right, (l0, l1), (r0, r1), kind, similarity in found:
        chars = (int(bounds[left].starts[l0]), int(bounds[left].ends[l1 - 1]), int(bounds[right].starts[r0]), int(bounds[right].ends[r1 - 1]))
        words = min(l1 - l0, r1 - r0)
        passages.append(Passage(f"d{left}", chars[0], chars[1], f"d{right}", chars[2], chars[3], similarity, words, 0.0, kind))
        rows.append((left, right, *chars, l0, l1, r0, r1, words))
    from_tokens = summarise_pairs(articles, passages, PassageRows.of(rows))
    assert from_tokens == summarise_pairs(articles, passages)


@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5), st.integers(0, 4)), max_size=25))
@hsettings(max_examples=200, deadline=None)
def test_top_partner_shares_most_words_ties_to_the_lower_number(passages):
    passages = [(a, b, w) for a, b, w in passages if a != b]
    shared = {}
    for a, b, w in passages:
        for one, other in ((a, b), (b, a)):
            shared.setdefault(one, {}).setdefault(other, 0)
            shared[one][other] += w
    expected = [min(shared[d], key=lambda o: (-shared[d][o], o)) if d in shared else -1 for d in range(6)]
    left, right, words = (np.array([p[k] for p in passages], dtype=np.int64) for k in range(3))
    assert top_partners(6, left, right, words) == expected


def planted_corpus(count, rng_seed):
    """Articles of filler; some pairs share a planted passage. Returns (articles, planted pairs)."""
    rng = random.Random(rng_seed)
    articles, planted = [], set()
    for index in range(count):
        text = filler(300, seed=rng_seed * 1000 + index)
        articles.append(text)
    for number in range(count // 3):
        left, right = rng.sample(range(count), 2)
        passage = filler(50, seed=rng_seed * 7919 + number)
        articles[left] += " " + passage
        articles[right] = passage + " " + articles[right]
        planted.add(tuple(sorted((f"a{left:03d}", f"a{right:03d}"))))
    cleaned = [CleanArticle(f"a{i:03d}", f"a{i:03d}", "text", Metadata(), (text,)) for i, text in enumerate(articles)]
    return cleaned, planted


def test_planted_pairs_are_found(settings):
    articles, planted = planted_corpus(30, 3)
    result = find_reuse(articles, settings)
    assert {(p.left_id, p.right_id) for p in result.passages} == planted


def test_result_does_not_depend_on_input_order_or_workers(settings):
    articles, _ = planted_corpus(24, 4)
    # (compiled, in the workers: a corpus this small would otherwise run here, interpreted)
    small = settings.replace("reuse.engine", chunk_documents=5, chunk_pairs=2, interpret_characters=0)
    one = find_reuse(articles, small)
    shuffled = articles[:]
    random.Random(1).shuffle(shuffled)
    assert find_reuse(shuffled, small) == one
    assert find_reuse(shuffled, small, workers=2) == one


def test_result_does_not_depend_on_how_pairs_are_batched(settings, monkeypatch):
    from srccompare.reuse.align import stage

    articles, planted = planted_corpus(30, 5)
    whole = find_reuse(articles, settings)
    assert {(p.left_id, p.right_id) for p in whole.passages} == planted
    monkeypatch.setattr(stage, "BATCH_PAIRS", 1)
    assert find_reuse(articles, settings) == whole
    monkeypatch.setattr(stage, "BATCH_PAIRS", 3)
    monkeypatch.setattr(stage, "BATCH_TOKENS", 700)  # a batch of two or three documents
    assert find_reuse(articles, settings) == whole


@given(st.integers(0, 5000), st.integers(1, 500), st.integers(1, 16))
@hsettings(max_examples=200, deadline=None)
def test_guided_chunks_cover_every_item_once_largest_first(count, smallest, parallelism):
    chunks = guided_chunks(count, smallest, parallelism)
    assert [start for start, _ in chunks] == ([0] if count else []) + [end for _, end in chunks[:-1]]
    assert (chunks[-1][1] if chunks else 0) == count
    sizes = [end - start for start, end in chunks]
    assert sizes == sorted(sizes, reverse=True)
    assert all(size >= smallest for size in sizes[:-1])
    if count >= 2 * parallelism * smallest:  # the first takes its share of all
        assert sizes[0] == count // (2 * parallelism)


@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12)).filter(lambda p: p[0] != p[1]), max_size=60))
@hsettings(max_examples=200, deadline=None)
def test_next_uses_point_at_the_next_pair_needing_the_document(pairs):
    following = schedule.next_uses(pairs).tolist() if pairs else []
    for place, pair in enumerate(pairs):
        for side, document in enumerate(pair):
            later = [k for k in range(place + 1, len(pairs)) if document in pairs[k]]
            assert following[place][side] == (later[0] if later else schedule.NEVER)


def cache_run(cache, pairs, run="r", tasks=1):
    """Documents made while ``cache`` serves ``pairs`` cut into ``tasks`` tasks of one run."""
    made = []
    following = schedule.next_uses(pairs).tolist()
    bounds = [len(pairs) * k // tasks for k in range(tasks + 1)]
    for first, end in zip(bounds, bounds[1:]):
        cache.start(run, first)
        for place in range(first, end):
            for document, next_use in zip(pairs[place], following[place]):
                assert cache.get(document, next_use, lambda n: made.append(n) or ("prepared", n)) == ("prepared", document)
                assert len(cache) <= cache.capacity
    return made


def lru_misses(pairs, capacity):
    from collections import OrderedDict

    kept, misses = OrderedDict(), 0
    for document in (d for pair in pairs for d in pair):
        if document in kept:
            kept.move_to_end(document)
        else:
            misses += 1
            kept[document] = True
            if len(kept) > capacity:
                kept.popitem(last=False)
    return misses


@given(
    st.lists(st.tuples(st.integers(0, 15), st.integers(0, 15)).filter(lambda p: p[0] != p[1]), min_size=1, max_size=80),
    st.integers(1, 6),
    st.integers(1, 4),
)
@hsettings(max_examples=200, deadline=None)
def test_prepared_cache_makes_no_more_than_keeping_the_latest_used(pairs, capacity, tasks):
    made = cache_run(schedule.PreparedCache(capacity), pairs, tasks=tasks)
    assert len(set(made)) == len({d for pair in pairs for d in pair})  # each at least once
    assert len(made) <= lru_misses(pairs, capacity)  # one stream: the furthest-next-use rule is optimal


def test_prepared_cache_keeps_what_is_needed_again_soonest():
    pairs = [(1, 2), (1, 3), (1, 4), (2, 5)]
    assert lru_misses(pairs, 2) == 6  # 2, the least recently used, went for 3 and then for 4
    cache = schedule.PreparedCache(2)
    assert cache_run(cache, pairs) == [1, 2, 3, 4, 5]  # 3 and 4 are needed once: never kept
    assert len(cache) == 0  # nothing is needed after the last pair
    cache = schedule.PreparedCache(2)
    # at (3, 4), 1 (next at pair 2) stays and 2 (next at 3) goes, then 4 is not kept (next at 4)
    assert cache_run(cache, [(1, 2), (3, 4), (1, 3), (2, 5), (4, 5)]) == [1, 2, 3, 4, 2, 5, 4]


def test_prepared_cache_forgets_other_runs_and_documents_another_worker_took():
    cache = schedule.PreparedCache(4)
    cache.start("a", 0)
    cache.get(1, 5, lambda n: n)
    cache.get(2, 9, lambda n: n)
    cache.start("a", 6)  # pair 5 went to another worker: 1 is not needed here any more
    assert len(cache) == 1
    cache.start("b", 0)
    assert len(cache) == 0


graphs = st.lists(st.tuples(st.integers(0, 14), st.integers(0, 14)).filter(lambda p: p[0] < p[1]), max_size=50).map(lambda ps: sorted(set(ps)))


def csr_of(pairs, documents):
    """Each document's neighbours, the graph as CSR arrays, and the walk's starts (linked documents, least linked first)."""
    neighbours = [set() for _ in range(documents)]
    for left, right in pairs:
        neighbours[left].add(right)
        neighbours[right].add(left)
    degree = np.array([len(n) for n in neighbours], dtype=np.int64)
    indptr = np.concatenate(([0], np.cumsum(degree))).astype(np.int64)
    indices = np.array([n for linked in neighbours for n in sorted(linked)], dtype=np.int64)
    starts = np.argsort(degree, kind="stable")
    return neighbours, indptr, indices, starts[degree[starts] > 0]


@given(graphs)
@hsettings(max_examples=200, deadline=None)
def test_pairs_come_when_the_later_of_their_documents_is_taken(pairs):
    documents = 15
    walk = schedule.locality_order(*csr_of(pairs, documents)[1:]).tolist()
    rank = {document: place for place, document in enumerate(walk)}
    left, right = (np.array(side, dtype=np.int64) for side in zip(*pairs)) if pairs else (np.zeros(0, np.int64),) * 2
    order = schedule.pair_locality_order((left, right, documents)).tolist()
    assert sorted(order) == list(range(len(pairs)))
    keys = [(max(rank[a], rank[b]), min(rank[a], rank[b])) for a, b in (pairs[k] for k in order)]
    assert keys == sorted(keys)


@given(graphs)
@hsettings(max_examples=200, deadline=None)
def test_the_pairs_graph_lists_each_documents_distinct_neighbours_in_order(pairs):
    documents = 15
    _, indptr, indices, _ = csr_of(pairs, documents)
    left, right = (np.array(side, dtype=np.int64) for side in zip(*pairs)) if pairs else (np.zeros(0, np.int64),) * 2
    found = schedule.neighbours(left, right, documents)
    assert found[0].tolist() == indptr.tolist() and found[1].tolist() == indices.tolist()


@given(graphs)
@hsettings(max_examples=200, deadline=None)
def test_locality_order_takes_next_a_document_with_most_neighbours_taken(pairs):
    documents = 15
    neighbours, indptr, indices, starts = csr_of(pairs, documents)
    order = schedule.locality_order(indptr, indices, starts).tolist()
    assert sorted(order) == [d for d in range(documents) if neighbours[d]]
    for place, document in enumerate(order):
        taken = set(order[:place])
        links = {d: len(neighbours[d] & taken) for d in range(documents) if d not in taken and neighbours[d]}
        if max(links.values()) == 0:  # a new walk: from the first start not taken (least linked first)
            assert document == next(d for d in starts.tolist() if d not in taken)
        else:
            assert links[document] == max(links.values())


def test_duplicate_ids_are_refused(settings):
    article = CleanArticle("x", "x", "text", Metadata(), ("Some text.",))
    with pytest.raises(ValueError, match="'x'"):
        find_reuse([article, article], settings)


def test_empty_and_tiny_articles(settings):
    assert find_reuse([], settings).documents == ()
    tiny = [CleanArticle(i, i, "text", Metadata(), (text,)) for i, text in (("a", ""), ("b", "Hi."), ("c", "!!! ..."))]
    result = find_reuse(tiny, settings)
    assert [(d.doc_id, d.words, d.reused_words) for d in result.documents] == [("a", 0, 0), ("b", 1, 0), ("c", 0, 0)]
    assert result.passages == ()


class InProcessEngine(Engine):
    """Tasks in this process, and (like Spark's) without files shared with the caller: postings stay in memory."""

    def map(self, function, tasks, *, on_done=None):
        return [function(task) for task in tasks]


def test_postings_in_files_or_in_memory_give_the_same_result(settings, tmp_path, monkeypatch):
    articles, planted = planted_corpus(40, 5)
    small = settings.replace("reuse.engine", chunk_documents=7, part_rows=500, interpret_characters=0)  # several parts, cut from several chunks
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    in_files = find_reuse(articles, small, workers=2)
    in_memory = find_reuse(articles, small, engine=InProcessEngine())
    assert in_files == in_memory
    assert {(p.left_id, p.right_id) for p in in_files.passages} == planted
    assert list(tmp_path.iterdir()) == []  # the spilled postings are gone
    assert candidates.part_count(40 * 300, small.reuse.engine.part_rows) >= 16  # (the parts really were several)


def test_tokens_left_in_the_sketch_files_read_back_as_the_bodies_tokens(settings, tmp_path):
    texts = [
        ("Łukašenka won.", "Minsk — “quoted” he said. Then"),  # non-ASCII, two paragraphs, a quote, sentences
        "",  # empty: nothing written
        "lone surrogate \udc80 kept",
        "plain ASCII. " * 50,
    ]
    params = sketch.index_parameters(settings.reuse)
    chunk = sketch.sketch_documents(sketch.SketchTask(texts, params, str(tmp_path / "0")))
    places = sketch.token_places([chunk])
    assert [count for _, _, count in places] == chunk.words.tolist()
    hasher = process_hasher(params.fold_names)
    context = WorkerContext()
    for text, (path, start, count) in zip(texts, places):
        read = spill.read_token_record(context.token_file(path), "id", start, count)
        expected = alignment_tokens("id", body_of(text), hasher)
        for field in ("hashes", "starts", "ends", "sentences", "quoted"):
            assert getattr(read, field).dtype == getattr(expected, field).dtype
            assert getattr(read, field).tolist() == getattr(expected, field).tolist()
    assert context.files  # open while a task reads
    context.close_files()
    assert not context.files
    in_memory = sketch.sketch_documents(sketch.SketchTask(texts, params))  # no spill: the tasks carry the bodies
    assert sketch.token_places([chunk, in_memory]) is None
    assert in_memory.words.tolist() == chunk.words.tolist()


def test_align_tasks_reading_tokens_from_files_find_what_tasks_carrying_bodies_find(settings, tmp_path, monkeypatch):
    articles, planted = planted_corpus(30, 8)
    # non-ASCII words in every article: byte and character offsets differ from the first of them on
    accented = [replace(a, paragraphs=(a.paragraphs[0].replace("e", "é").replace("th", "þ"),)) for a in articles]
    small = settings.replace("reuse.engine", chunk_documents=4, chunk_pairs=3, interpret_characters=0)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    from_files = find_reuse(accented, small, workers=2)
    carried = find_reuse(accented, small, engine=InProcessEngine())
    assert from_files == carried
    assert {(p.left_id, p.right_id) for p in from_files.passages} == planted
    bodies = {a.id: a.body for a in accented}
    for passage in from_files.passages[:20]:
        assert "é" in bodies[passage.left_id][passage.left_start : passage.left_end]
    assert list(tmp_path.iterdir()) == []  # the token files went with the postings


def test_the_cycle_collector_is_left_as_it_was(settings):
    import gc

    articles, _ = planted_corpus(6, 7)
    assert gc.isenabled()
    find_reuse(articles, settings)
    assert gc.isenabled()
    gc.disable()
    try:
        find_reuse(articles, settings)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_spill_directory_removes_files_by_suffix_then_all_of_it():
    with spill.SpillDirectory() as directory:
        for name in ("0.shingles.keys", "0.shingles.docs", "0.tokens"):
            with open(os.path.join(directory.path, name), "wb") as file:
                file.write(b"x" * 100)
        directory.remove(spill.POSTINGS_SUFFIXES)
        directory._removers[-1].join()
        assert os.listdir(directory.path) == ["0.tokens"]
    assert not os.path.exists(directory.path)


def test_removing_by_suffix_after_the_whole_directory_went_is_quiet():
    """The two removers of a run are threads: the one for the whole directory may finish first
    (a small corpus aligns in no time), and the other then finds no directory (it raised in its
    thread, which printed a traceback)."""
    with spill.SpillDirectory() as directory:
        directory.remove()
        directory._removers[-1].join()
        directory._remove(spill.POSTINGS_SUFFIXES)  # (in this thread, so that a raise would fail the test)
        assert not os.path.exists(directory.path)


def test_the_spill_directory_goes_when_a_step_fails(settings, tmp_path, monkeypatch):
    articles, _ = planted_corpus(12, 2)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def failing(*args, **kwargs):
        raise RuntimeError("align failed")

    monkeypatch.setattr(reuse_module, "align_candidates", failing)
    with pytest.raises(RuntimeError, match="align failed"):
        find_reuse(articles, settings.replace("reuse.engine", interpret_characters=0), workers=2)
    assert list(tmp_path.iterdir()) == []


def test_guided_chunks_by_weight_give_heavy_pairs_tasks_of_their_own():
    sizes = np.array([600 * 6] * 10 + [48_000 * 6] * 4, np.int64)  # characters: ten news articles, four long ones
    pairs = np.array([(a, b) for a in range(14) for b in range(a + 1, 14)], np.int64)
    weights = pair_weights(sizes, pairs)
    assert set(weights[(pairs < 10).all(axis=1)].tolist()) == {1}  # news pairs weigh one: chunks as by count
    assert weights.max() == (48_000 * 6) ** 2 // HEAVY_PAIR_CHARS**2
    assert guided_chunks(len(pairs), 400, 2, np.ones(len(pairs), np.int64)) == guided_chunks(len(pairs), 400, 2)
    chunks = guided_chunks(len(pairs), 400, 2, weights)
    assert guided_chunks(len(pairs), 400, 2) == [(0, len(pairs))]  # by count, one task: progress 1/1 throughout
    assert len(chunks) >= 3  # the six pairs of long articles (207 each) are spread, two a task
    assert all(weights[start:end].sum() < 400 + weights.max() for start, end in chunks)
    assert [start for start, _ in chunks] == [0] + [end for _, end in chunks[:-1]] and chunks[-1][1] == len(pairs)


def test_prepared_cache_counts_a_long_document_as_several():
    from types import SimpleNamespace

    def document(tokens):
        return lambda n: SimpleNamespace(tokens=[0] * tokens, number=n)

    cache = schedule.PreparedCache(10)
    cache.start("a", 0)
    for number in range(5):  # five short ones (one each) fit
        cache.get(number, 100 + number, document(300))
    assert len(cache) == 5
    cache.get(9, 50, document(6 * schedule.UNIT_TOKENS))  # needed soonest: counts six, so the one needed last goes
    assert sorted(cache._entries) == [0, 1, 2, 3, 9] and cache._used == 10
    cache.get(8, 60, document(20 * schedule.UNIT_TOKENS))  # larger than the whole cache: not kept, nothing dropped
    assert sorted(cache._entries) == [0, 1, 2, 3, 9] and cache._used == 10
