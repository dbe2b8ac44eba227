"""Timed words grouped into segments, and language names and codes normalised to ISO 639-1."""

from __future__ import annotations

import pytest

from mcp_ai_hub.capabilities.transcription import Segment, Word, group_words, language_code


def spaced(*words: tuple[str, float, float, str | None]) -> list[Word]:
    out = []
    for text, start, end, speaker in words:
        if out:
            out.append(Word(" ", out[-1].end, start, speaker, spacing=True))
        out.append(Word(text, start, end, speaker))
    return out


def test_a_new_segment_starts_when_the_speaker_changes_or_after_a_pause():
    words = spaced(("Hi", 0.0, 0.2, "a"), ("you.", 0.25, 0.5, "a"), ("Yes", 0.6, 0.8, "b"),
                   ("later", 2.0, 2.3, "b"), ("on.", 2.35, 2.6, "b"))
    assert group_words(words) == [Segment(0.0, 0.5, "Hi you.", "a"), Segment(0.6, 0.8, "Yes", "b"),
                                  Segment(2.0, 2.6, "later on.", "b")]


def test_a_long_monologue_is_cut_at_a_sentence_end():
    words = []
    for i in range(80):  # one word every 0.5 s, a sentence end every 10 words
        words.append((f"w{i}{'.' if i % 10 == 9 else ''}", i * 0.5, i * 0.5 + 0.4, None))
    segments = group_words(spaced(*words))
    assert len(segments) == 2
    # the first sentence end once the segment is 30 s long is w69 (ending at 34.9 s)
    assert segments[0].text.endswith("w68 w69.") and segments[1].text.startswith("w70 ")
    assert (segments[0].end, segments[1].start, segments[1].end) == (34.9, 35.0, 79 * 0.5 + 0.4)


def test_spacing_before_the_first_word_and_untimed_words_are_handled():
    words = [
        Word(" ", None, None, None, spacing=True),
        Word("(music)", None, None, None),
        Word("Hello", 1.0, 1.2),
    ]
    assert group_words(words) == [Segment(1.0, 1.2, "(music)Hello", None)]


@pytest.mark.parametrize(
    "value, code",
    [
        ("english", "en"),
        ("eng", "en"),
        ("en-US", "en"),
        ("EN", "en"),
        ("deu", "de"),
        ("ger", "de"),
        ("German", "de"),
        ("cmn", "zh"),
        ("mandarin", "zh"),
        ("pt_BR", "pt"),
        ("klingon", "klingon"),
        ("", None),
        (None, None),
    ],
)
def test_language_codes_are_normalised_to_iso_639_1(value, code):
    assert language_code(value) == code
