"""Criteria read out of a reply that is still arriving: generated replies, cut at every character and fed in pieces.

At every cut the scanner reports exactly the rubric criteria whose objects are complete in what arrived, in the
order written, each once; it never raises, whatever text it is fed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support import scoring_fixtures
from tests.support.openai_server import score_payload
from tpm_coach.domain import Competency
from tpm_coach.scoring.partial import CriteriaScanner, CriterionProgress, ScoringProgress, StreamProgress
from tpm_coach.scoring.reply import parse_reply

PROPERTY_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SCORES = range(1, 6)

bank = scoring_fixtures.bank
question = scoring_fixtures.question
competency = scoring_fixtures.competency


@dataclass(frozen=True)
class Written:
    """A reply and, for each criterion the scanner should report, where its object ends."""

    text: str
    expected: list[tuple[int, CriterionProgress]]  # (offset just past the closing brace, criterion)
    ids: frozenset[str]

    def complete_at(self, length: int) -> list[CriterionProgress]:
        return [criterion for end, criterion in self.expected if end <= length]


# Text a model might put anywhere a string goes: quotes, backslashes, braces and brackets included.
tricky_text = st.text(alphabet=st.sampled_from(list('ab {}[]",:\\\n\t/é✓')), max_size=12)
criterion_id = st.text(alphabet=st.sampled_from(list('abc-_"\\{}é')), min_size=1, max_size=6)
space = st.sampled_from(["", " ", "\n  ", "\t"])


@st.composite
def replies(draw: st.DrawFn) -> Written:
    ids = draw(st.lists(criterion_id, min_size=1, max_size=4, unique=True))
    unknown = draw(st.lists(criterion_id.filter(lambda i: i not in ids), max_size=2, unique=True))
    order = draw(st.permutations(ids + unknown))
    as_list = draw(st.booleans())
    ascii_only = draw(st.booleans())
    gap = draw(space)
    parts: list[str] = []
    expected: list[tuple[int, CriterionProgress]] = []
    length = 0

    def put(piece: str) -> None:
        nonlocal length
        parts.append(piece)
        length += len(piece)

    def dumps(value: object) -> str:
        return json.dumps(value, ensure_ascii=ascii_only)

    put(draw(st.sampled_from(["", "```json\n", "  "])) + "{" + gap)
    if draw(st.booleans()):  # a schema-less model may put other keys first
        put(f'"strengths":{gap}{dumps([draw(tricky_text)])},{gap}')
    put('"criteria":' + gap + ("[" if as_list else "{") + gap)
    written = [*order, *draw(st.lists(st.sampled_from(order), max_size=1))]  # perhaps one id twice
    for index, cid in enumerate(written):
        score = draw(st.integers(0, 6))
        body: dict[str, object] = {
            "sentences": draw(st.lists(st.integers(1, 30), max_size=3)),
            "score": score,
            "rationale": draw(tricky_text),
        }
        if as_list:
            body = {"id": cid, **body}
        put(("," + gap if index else "") + ("" if as_list else dumps(cid) + ":" + gap))
        put(dumps(body))
        reported = {c.id for _, c in expected}
        if cid in ids and score in SCORES and cid not in reported:
            sentences = tuple(body["sentences"])  # type: ignore[arg-type]
            expected.append((length, CriterionProgress(cid, score, sentences)))
    put(gap + ("]" if as_list else "}"))
    put(f',{gap}"follow_up":{gap}{dumps(draw(tricky_text))}{gap}}}')
    put(draw(st.sampled_from(["", "\n```", ' {"criteria": {}}'])))
    return Written("".join(parts), expected, frozenset(ids))


@PROPERTY_SETTINGS
@given(replies())
def test_at_every_cut_exactly_the_complete_criteria_are_reported(written: Written) -> None:
    for length in range(len(written.text) + 1):
        scanner = CriteriaScanner(written.ids, SCORES)
        reported = scanner.feed(written.text[:length])
        assert reported == written.complete_at(length), written.text[:length]
        assert list(scanner.done) == reported


@PROPERTY_SETTINGS
@given(replies(), st.lists(st.integers(1, 9), min_size=1, max_size=40))
def test_fed_in_pieces_each_criterion_is_reported_once_when_it_completes(written: Written, sizes: list[int]) -> None:
    scanner = CriteriaScanner(written.ids, SCORES)
    seen: list[CriterionProgress] = []
    fed = 0
    index = 0
    while fed < len(written.text):
        size = sizes[index % len(sizes)]
        index += 1
        seen += scanner.feed(written.text[fed : fed + size])
        fed = min(fed + size, len(written.text))
        assert seen == written.complete_at(fed)
    assert seen == [criterion for _, criterion in written.expected]
    assert scanner.feed("}") == []


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=30), max_size=20))
def test_any_text_is_read_without_an_error(pieces: list[str]) -> None:
    scanner = CriteriaScanner({"a", "b"}, SCORES)
    for piece in pieces:
        scanner.feed(piece)
    assert all(c.id in {"a", "b"} for c in scanner.done)


NOISE = [*'{}[]":,\\ ', '"criteria"', '"a"', '"id"', '"score"', "3", '"sentences"', "[1]"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(NOISE), max_size=60))
def test_json_like_noise_is_read_the_same_whole_or_in_pieces(tokens: list[str]) -> None:
    whole = CriteriaScanner({"a"}, SCORES)
    whole.feed("".join(tokens))
    pieces = CriteriaScanner({"a"}, SCORES)
    for token in tokens:
        pieces.feed(token)
    assert pieces.done == whole.done
    assert len(whole.done) <= 1
    assert all(c.id == "a" and c.score == 3 for c in whole.done)


def test_a_real_reply_streams_its_criteria_in_rubric_order(competency: Competency) -> None:
    ids = [c.id for c in competency.rubric.criteria]
    scores = {cid: 1 + i % 5 for i, cid in enumerate(ids)}
    text = json.dumps(score_payload(ids, scores, sentences={cid: [i + 1] for i, cid in enumerate(ids)}), indent=2)
    progress: list[ScoringProgress] = []
    stream = StreamProgress(competency, progress.append)
    stream.restart()
    for start in range(0, len(text), 7):
        stream.add(text[start : start + 7])

    assert progress[0] == ScoringProgress(0, ())
    assert [p.tokens for p in progress] == list(range(len(progress)))
    final = progress[-1].criteria_done
    assert [(c.id, c.score, c.sentences) for c in final] == [(cid, scores[cid], (i + 1,)) for i, cid in enumerate(ids)]
    counts = [len(p.criteria_done) for p in progress]
    assert counts == sorted(counts)  # criteria only ever arrive
    reply = parse_reply(text, competency)  # what is shown provisionally is what the whole reply says
    assert {cid: c.score for cid, c in reply.criteria.items()} == {c.id: c.score for c in final}
    # The last criterion is known well before the reply ends: the feedback text comes after it.
    first_complete = counts.index(len(ids))
    assert first_complete < len(progress) - 5


def test_a_restart_forgets_the_previous_reply(competency: Competency) -> None:
    ids = [c.id for c in competency.rubric.criteria]
    progress: list[ScoringProgress] = []
    stream = StreamProgress(competency, progress.append)
    stream.restart()
    stream.add(json.dumps(score_payload(ids, 2)))
    assert len(progress[-1].criteria_done) == len(ids)
    stream.restart()
    assert progress[-1] == ScoringProgress(0, ())
