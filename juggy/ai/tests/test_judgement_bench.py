"""The floors of bench/interviewer_judgement.py: its labelled candidates, played through the conversation
core, must keep meeting the issue's targets (follow-ups on thin answers, redirects, moving on, no repeated
phrase, scores that rank the bands, no weak candidate recommended for hire)."""

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[3] / "bench" / "interviewer_judgement.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("interviewer_judgement", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


@pytest.mark.django_db
def test_the_labelled_candidates_meet_the_floors(bench, settings):
    settings.AI_PROVIDER = "builtin"
    development, second = bench.datasets()
    results = bench.play_all(development)
    figures = bench.metrics(results)
    assert figures["candidates"] >= 30 and figures["jobs"] >= 4
    assert all(p.analysis for p in results)  # every interview was analysed by its analysis job
    missed = {key: figures[key] for key in bench.TARGETS if not bench.meets(figures, key)}
    assert not missed, (missed, bench.misjudged(results))
    # The second set (a fifth job, written after tuning) holds the same floors.
    results = bench.play_all(second)
    figures = bench.metrics(results)
    missed = {key: figures[key] for key in bench.TARGETS if not bench.meets(figures, key)}
    assert not missed, (missed, bench.misjudged(results))
