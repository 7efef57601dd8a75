"""The `applicant-bot faq check` and `faq ask` commands (argparse wiring lives in bot/cli.py)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from faq.call import CallPhase
from faq.loader import FaqValidationError, load_knowledge_base
from faq.matcher import MatchResult, MatchThresholds, match_question
from faq.model import KnowledgeBase
from faq.rendercheck import date_variant_count, render_every_phase
from faq.selftest import self_test

EXIT_OK = 0
EXIT_PROBLEMS = 1
JSON_CANDIDATES = 3


def _load(directory: Path, out: TextIO) -> KnowledgeBase | None:
    try:
        return load_knowledge_base(directory)
    except FaqValidationError as error:
        for problem in error.problems:
            print(problem, file=out)
        for note in error.notes:
            print(note, file=out)
        files = len({problem.file for problem in error.problems})
        print(
            f"FAQ invalid: {len(error.problems)} problem(s) in {files} file(s); "
            "fix them and run the check again.",
            file=out,
        )
        return None


def check_command(directory: Path, thresholds: MatchThresholds, out: TextIO) -> int:
    """Validate the FAQ folder, render every entry in every phase and date variant, then
    self-test it; exit 0 when clean, 1 otherwise."""
    kb = _load(directory, out)
    if kb is None:
        return EXIT_PROBLEMS
    unrenderable = render_every_phase(kb)
    for problem in unrenderable:
        print(problem, file=out)
    report = self_test(kb, thresholds)
    for misrouted in report.misrouted:
        print(misrouted, file=out)
    for competing in report.competing:
        print(competing, file=out)
    summary = (
        f"{len(kb.entries)} entries rendered in {len(CallPhase)} phases and "
        f"{date_variant_count(kb)} date variants ({len(unrenderable)} failing), "
        f"{report.phrasings} phrasings: "
        f"{len(report.misrouted)} misrouted, {len(report.competing)} competing"
    )
    if report.ok and not unrenderable:
        print(f"FAQ OK: {summary}.", file=out)
        return EXIT_OK
    print(f"FAQ needs work: {summary}; fix the entries listed above.", file=out)
    return EXIT_PROBLEMS


def result_json(result: MatchResult) -> str:
    """One result as the JSON line `faq ask --json` prints."""
    return json.dumps(
        {
            "question": result.question,
            "decision": result.decision,
            "id": result.entry_id if result.decision == "answer" else None,
            "score": result.score,
            "suggestions": list(result.suggestions),
            # The meaning cosine (0..1) of the best candidate, beside the blended score.
            "semantic": round(result.semantic, 3),
            # The other programme a fallback question named ("Interreg"), or null.
            "out_of_scope": result.out_of_scope,
            # True when a fallback message asked for work (write, translate), not a question.
            "asks_for_work": result.asks_for_work,
            # The country (alpha-2) an answer speaks of, from the eligibility rules, or null.
            "country": result.country,
            # The first three entries by score, best first, whatever the decision.
            "candidates": [
                {"id": entry_id, "score": score}
                for entry_id, score in result.candidates[:JSON_CANDIDATES]
            ],
        },
        ensure_ascii=False,
    )


def _describe(result: MatchResult) -> str:
    if result.decision == "answer" and result.country:
        outcome = f"answer {result.entry_id} for {result.country} (score {result.score:.1f})"
    elif result.decision == "answer":
        outcome = f"answer {result.entry_id} (score {result.score:.1f})"
    elif result.decision == "suggest":
        outcome = f"suggest {', '.join(result.suggestions)} (best score {result.score:.1f})"
    elif result.decision == "not_english":
        outcome = "not English: asked to write in English"
    elif result.out_of_scope:
        outcome = f"fallback: about {result.out_of_scope}, not this call (best {result.score:.1f})"
    elif result.asks_for_work:
        outcome = f"fallback: asks for work, not about this call (best {result.score:.1f})"
    else:
        outcome = f"fallback: I don't know (best score {result.score:.1f})"
    ranked = ", ".join(f"{entry_id} {score:.1f}" for entry_id, score in result.candidates)
    return f"? {result.question}\n  → {outcome}\n  candidates: {ranked or 'none'}"


def ask_command(
    directory: Path,
    questions: Iterable[str],
    as_json: bool,
    thresholds: MatchThresholds,
    out: TextIO,
) -> int:
    """Show what the bot would do with each question; exit 1 if the FAQ folder is invalid."""
    kb = _load(directory, out)
    if kb is None:
        return EXIT_PROBLEMS
    for line in questions:
        question = line.strip()
        if not question:
            continue
        result = match_question(question, kb, thresholds)
        print(result_json(result) if as_json else _describe(result), file=out)
    return EXIT_OK
