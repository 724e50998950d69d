"""Judging a department's response: what it commits to, and what only promises to look into it.

A response that only promises to look into something (「確認し、検討する」「検討します」「今後確認する」)
answers nothing yet: it never closes a finding, whatever keywords it contains. A response is read
sentence by sentence; a sentence whose predicate is such a promise is set aside, and only the
sentences that commit to something are searched for what the rule says an answer must mention.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from itaku.engine.wording import words


def _alternatives(key: str) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words(key)), key=len, reverse=True))


@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], str]:
    """(sentence ends, promises, closing marks), from the reading vocabularies of the catalogue."""
    ending = f"(?:{_alternatives('read.promise.endings')})?"
    promise = re.compile("|".join((
        # 検討・研究・協議・調整 as the predicate: the matter is still open
        f"(?:{_alternatives('read.promise.verbs')}){ending}$",
        # 確認 promised for later (今後確認する, 改めて確認します); 「確認し、検討する」 ends in 検討 above
        f"(?:{_alternatives('read.promise.later_words')}).*?(?:{_alternatives('read.promise.later_verbs')}){ending}$",
        rf"\b(?:{_alternatives('read.promise.phrases')})\b",
    )))
    ends = re.compile(f"(?:{_alternatives('read.sentence_ends')}|\n)+")
    return ends, promise, " \t" + "".join(words("read.closing_marks"))


def _sentences(text: str) -> list[str]:
    ends, _, closing = _patterns()
    normal = unicodedata.normalize("NFKC", text)
    return [s.strip(closing) for s in ends.split(normal) if s.strip(closing)]


def is_promise(sentence: str) -> bool:
    """Whether a sentence only promises to look into something (its predicate is 検討 and the like)."""
    _, promise, closing = _patterns()
    return promise.search(unicodedata.normalize("NFKC", sentence).strip(closing).lower()) is not None


def read_answer(answer: str) -> tuple[bool, str]:
    """(promise_only, committed_text) of an answer, its sentences split once: a long answer is read
    once per topic, not once for every finding it answers."""
    sentences = _sentences(answer)
    committed = [s for s in sentences if not is_promise(s)]
    return bool(sentences) and not committed, "\n".join(committed)


def committed_text(answer: str) -> str:
    """The sentences of an answer that commit to something (promises to look into it left out)."""
    return read_answer(answer)[1]


def promise_only(answer: str) -> bool:
    """Whether every sentence of a (non-empty) answer only promises to look into the matter."""
    return read_answer(answer)[0]
