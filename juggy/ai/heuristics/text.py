"""Tokenising and small word lists shared by the heuristics."""

from __future__ import annotations

import functools
import re

WORD_RE = re.compile(r"[A-Za-z][A-Za-z0-9+#./-]*[A-Za-z0-9+#]|[A-Za-z]|\d[\d,.]*%?")
SENTENCE_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'])")
SPACE_RE = re.compile(r"\s+")

STOPWORDS = frozenset(
    ["a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "let", "me", "more", "most", "my", "myself", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours", "yourself", "yourselves", "really", "well", "much", "many", "get", "got", "make", "made", "us", "etc", "via", "per", "one", "two", "able", "within", "across", "around", "including", "include", "includes", "new", "use", "used", "using", "work", "working", "worked", "ensure", "ensuring", "strong", "excellent", "good", "great", "experience", "experienced", "years", "year", "role", "team", "teams", "candidate", "candidates", "ideal", "looking", "join", "responsibilities", "requirements", "required", "preferred", "plus", "bonus", "skills", "skill", "knowledge", "ability", "understanding", "company", "job", "position", "opportunity", "we're", "you'll", "you're", "day", "days", "based", "help", "helping", "like", "want", "need", "needs", "part", "tell", "time", "describe", "walk", "think", "thing", "things", "something", "way", "ways", "kind", "sort", "lot", "bit", "okay", "yes", "yeah", "know"]
)

FILLER_PATTERNS = (
    r"\bum+\b",
    r"\buh+\b",
    r"\berm+\b",
    r"\bhmm+\b",
    r"\byou know\b",
    r"\bsort of\b",
    r"\bkind of\b",
    r"\bbasically\b",
    r"\bi mean\b",
    r"\bliterally\b",
    r"\b(?:like),",
)
FILLER_RE = re.compile("|".join(FILLER_PATTERNS), re.IGNORECASE)

HEDGE_RE = re.compile(
    r"\b(i guess|maybe|probably|not sure|i suppose|i think so|stuff like that|and so on|things like that|"
    r"whatever|somehow|i don't remember|i can't remember)\b",
    re.IGNORECASE,
)


def normalise_space(text: str) -> str:
    """Collapse whitespace and unify typographic quotes, the normal form used to compare quotes."""
    text = (text or "").replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return SPACE_RE.sub(" ", text).strip()


def words(text: str) -> list[str]:
    return WORD_RE.findall(text or "")


@functools.lru_cache(maxsize=65536)  # a pure function of a word, asked for the same words on every turn
def stem(word: str) -> str:
    """A crude suffix stripper: enough to match 'deploying' with 'deployments' and 'patients' with 'patient'."""
    w = word.lower().strip(".-/")
    for suffix in ("ations", "ation", "ments", "ment", "ings", "ing", "ies", "ied", "ers", "er", "ed", "es", "s", "ly"):
        if len(w) > len(suffix) + 3 and w.endswith(suffix):
            return w[: -len(suffix)] + ("y" if suffix in ("ies", "ied") else "")
    return w


def content_stems(text: str) -> set[str]:
    return {stem(w) for w in words(text) if w.lower() not in STOPWORDS and len(w) > 2 and not w[0].isdigit()}


def sentences(text: str) -> list[str]:
    text = normalise_space(text)
    return [s.strip() for s in SENTENCE_RE.split(text) if s.strip()] if text else []
