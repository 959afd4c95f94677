from dataclasses import replace

from hypothesis import given, settings as hsettings
from hypothesis import strategies as st

from srccompare.reuse.attribute import AttributeParameters, attribute, count_words, passage_weight, words_in_spans
from srccompare.model import CleanArticle, Credit, Metadata, Passage
from tests.reuse_text import filler

PARAMS = AttributeParameters(quote_weight=0.25, min_passage_words=12, min_score=25, min_share=0.02, high_score=150,
                             common_min_carriers=3, common_ratio=0.5, strong_share=0.3)


def article(doc_id, credits=(), photo=()):
    return CleanArticle(doc_id, doc_id, "text", Metadata(credits=credits, photo_credits=photo), (filler(300, seed=len(doc_id)),))


def shared(left, right, words, quote_share=0.0):
    kind = "quote" if quote_share >= 0.8 else "reporting" if quote_share <= 0.2 else "mixed"
    return Passage(left, 0, words * 6, right, 0, words * 6, 1.0, words, quote_share, kind)


AFP = Credit("AFP", "byline", "By Jane Doe for AFP")


def test_photo_credits_do_not_count():
    articles = [article("a", photo=(Credit("Reuters", "photo", "Name / Reuters"),)), article("b")]
    assert attribute(articles, [shared("a", "b", 60)], {}, PARAMS) == ()


def test_reporting_shared_with_a_credited_article_is_inferred_with_evidence():
    articles = [article("credited", credits=(AFP,)), article("copier"), article("other")]
    result = attribute(articles, [shared("copier", "credited", 60), shared("copier", "other", 60)], {}, PARAMS)
    inferred, explicit = result  # ordered by article id
    assert (explicit.doc_id, explicit.agency, explicit.how, explicit.credits) == ("credited", "AFP", "explicit", (AFP,))
    assert (inferred.doc_id, inferred.agency, inferred.how) == ("copier", "AFP", "inferred")
    assert [(e.via_id, e.passages, e.words) for e in inferred.evidence] == [("credited", (0,), 60)]
    body = articles[1].body
    assert inferred.share == round(len(body[: 60 * 6].split()) / len(body.split()), 4)


def test_shared_quotes_weigh_less_than_reporting():
    articles = [article("credited", credits=(AFP,)), article("quoter")]
    assert passage_weight(shared("a", "b", 60, quote_share=1.0), 0.25) == 15
    assert [a.doc_id for a in attribute(articles, [shared("quoter", "credited", 60, 1.0)], {}, PARAMS)] == ["credited"]


def test_wire_copy_given_by_the_user_is_a_source():
    articles = [article("wire1"), article("paper")]
    result = attribute(articles, [shared("paper", "wire1", 40)], {"wire1": "Reuters"}, PARAMS)
    assert [(a.doc_id, a.agency, a.how) for a in result] == [("paper", "Reuters", "inferred"), ("wire1", "Reuters", "explicit")]
    assert result[1].credits[0].how == "wire"


def test_unnamed_agencies_are_no_agency_and_make_nobody_else_anything():
    agencies = Credit(None, "source_line", "Source: TRT World and agencies")
    articles = [article("trt", credits=(agencies,)), article("copier")]
    assert attribute(articles, [shared("copier", "trt", 80)], {}, PARAMS) == ()


AP = Credit("AP", "byline", "By Jane Doe, Associated Press")
REUTERS = Credit("Reuters", "dateline", "HELSINKI (Reuters) -")


def test_text_carried_by_two_agencies_is_common_source():
    """The same remarks in an AP story and a Reuters story are nobody's copy."""
    articles = [article("ap", credits=(AP,)), article("reuters", credits=(REUTERS,)), article("quoter")]
    passages = [shared("quoter", "ap", 60), shared("quoter", "reuters", 60), shared("ap", "reuters", 60)]
    assert [(a.doc_id, a.how) for a in attribute(articles, passages, {}, PARAMS)] == [("ap", "explicit"), ("reuters", "explicit")]


def test_text_carried_mostly_by_independent_articles_is_common_source():
    """A statement one AP story carries and five unrelated articles carry too is not AP's."""
    others = [f"indep{n}" for n in range(5)]
    articles = [article("ap", credits=(AP,)), *(article(o) for o in others)]
    passages = [shared(o, "ap", 60) for o in others] + [shared(a, b, 60) for a in others for b in others if a < b]
    assert [a.doc_id for a in attribute(articles, passages, {}, PARAMS)] == ["ap"]


def test_a_story_carried_by_its_copies_stays_the_agencys_with_confidence_and_reason():
    """Credited and masked copies of one story: the masked ones are the agency's, through every credited copy."""
    credited = [f"ap{n}" for n in range(3)]
    masked = ["copy1", "copy2"]
    articles = [*(article(c, credits=(AP,)) for c in credited), *(article(m) for m in masked)]
    ids = credited + masked
    passages = [shared(a, b, 200) for a in ids for b in ids if a < b]
    params = replace(PARAMS, high_score=100)
    inferred = [a for a in attribute(articles, passages, {}, params) if a.how == "inferred"]
    assert [(a.doc_id, a.agency, a.confidence) for a in inferred] == [("copy1", "AP", "high"), ("copy2", "AP", "high")]
    assert sorted(e.via_id for e in inferred[0].evidence) == credited
    assert inferred[0].score >= 100 and "credited to AP" in inferred[0].reason
    one_source = [a for a in attribute(articles[2:], passages[-3:], {}, params) if a.how == "inferred"]
    assert [(a.doc_id, a.confidence) for a in one_source] == [("copy1", "medium"), ("copy2", "medium")]


def test_a_digest_page_is_not_a_source():
    articles = [article("digest", credits=(AP,)), article("story")]
    assert [a.how for a in attribute(articles, [shared("story", "digest", 60)], {}, PARAMS, digests=("digest",))] == ["explicit"]


def _regex_words_in_spans(body, spans):
    """words_in_spans by its definition: count_words of each stretch of the spans' union."""
    total = reach = 0
    for start, end in sorted(spans):
        start = max(start, reach)
        if end > start:
            total += count_words(body[start:end])
            reach = end
    return total


@given(
    st.text(alphabet=st.sampled_from("ab É7_ .,\n\u201c\u201d\U0001d518\u00a0-"), max_size=80),
    st.lists(st.tuples(st.integers(0, 90), st.integers(0, 90)), max_size=6),
)
@hsettings(max_examples=300, deadline=None)
def test_words_in_spans_counts_what_the_regex_finds_in_the_spans(body, spans):
    assert words_in_spans(body, spans) == _regex_words_in_spans(body, spans)


@given(
    st.text(alphabet=st.sampled_from("ab É7_ .,\n\u201c\u201d\U0001d518\u00a0-"), max_size=80),
    st.lists(st.lists(st.tuples(st.integers(0, 90), st.integers(0, 90)), max_size=4), max_size=5),
)
@hsettings(max_examples=300, deadline=None)
def test_words_in_each_list_of_spans_are_words_in_spans_of_it(body, span_lists):
    from srccompare.reuse.attribute import word_bounds, words_in_each

    assert words_in_each(*word_bounds(body), span_lists) == [words_in_spans(body, spans) for spans in span_lists]
