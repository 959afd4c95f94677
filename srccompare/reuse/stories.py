"""After grouping, for every engine alike: digest pages, family sizes, attributions.

The local pipeline, the index query and the Spark engine (on its driver) all
call ``stories``, so that one corpus gets one answer from each.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace

from srccompare.model import Attribution, CleanArticle, Family, Passage
from srccompare.reuse.attribute import explicit_attributions, in_order, inferred_attributions
from srccompare.reuse.group import find_digests
from srccompare.settings import AttributeParameters, GroupParameters


@dataclass(frozen=True)
class Stories:
    families: tuple[Family, ...]  # with their sizes (labels: report.stories)
    digests: tuple[str, ...]
    attributions: tuple[Attribution, ...]


def stories(
    articles: Sequence[CleanArticle],
    passages: Sequence[Passage],
    families: Sequence[Family],
    wire: Mapping[str, str],
    group: GroupParameters,
    params: AttributeParameters,
) -> Stories:
    """Digest pages, labelled families and attributions of grouped passages."""
    bodies = _Bodies({article.id: article for article in articles})
    explicit = explicit_attributions(articles, wire)
    credited: dict[str, set[str]] = defaultdict(set)
    for attribution in explicit:
        credited[attribution.doc_id].add(attribution.agency)
    digests = find_digests(passages, bodies, credited, group.digest_min_stories, group.digest_min_words)
    inferred = inferred_attributions(articles, passages, explicit, params, digests)
    # (labels are the reports' job, report.stories: labelling every family here cost 3 s at 10k articles)
    # (families_of_sides gives the sizes; the Spark engine's families come without)
    sized = tuple(f if f.size else replace(f, size=len({s.doc_id for s in f.spans})) for f in families)
    return Stories(sized, digests, in_order(explicit + inferred))


class _Bodies(Mapping[str, str]):
    """Articles' bodies by id, each joined when asked for: find_digests reads a few hundred of 10k."""

    def __init__(self, articles: Mapping[str, CleanArticle]) -> None:
        self.articles = articles

    def __getitem__(self, doc_id: str) -> str:
        return self.articles[doc_id].body

    def __iter__(self) -> Iterator[str]:
        return iter(self.articles)

    def __len__(self) -> int:
        return len(self.articles)
