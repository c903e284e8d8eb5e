"""Comparing the reports of several rounds of one plan: mid-term against final, and any in between."""

from dataclasses import dataclass

from portfolio.data_version import remembered
from portfolio.db import session
from portfolio.evaluation.models import EvaluationRound, ProjectClass
from portfolio.evaluation.scope import report_for

LABELS = {k.value: k.label for k in ProjectClass}


@dataclass
class Comparison:
    reports: list[tuple[EvaluationRound, dict]]
    indicator_matrix: list[dict]
    changed: list[dict]


def compare_rounds(rounds: list[EvaluationRound], user) -> Comparison:
    """Each round's report (frozen or live) side by side, the indicators' statuses, and changed projects."""
    reports = [(r, report_for(r, user)) for r in rounds]
    by_seq: dict[int, dict] = {}
    for i, (_, data) in enumerate(reports):
        for ind in data["indicators"]:
            row = by_seq.setdefault(
                ind["seq"],
                {
                    "seq": ind["seq"],
                    "name": ind["name"],
                    "target": ind["target"],
                    "cells": [None] * len(reports),
                },
            )
            row["cells"][i] = ind
    key = ("evaluation.changed", tuple(r.id for r in rounds), user.id)
    changed = remembered(session, key, lambda: _changed([data for _, data in reports]))
    return Comparison(reports, [by_seq[k] for k in sorted(by_seq)], changed)


def _changed(reports: list[dict]) -> list[dict]:
    """Projects whose final class differs between the reports, with their label in each."""
    by_project: dict[int, dict] = {}
    for i, data in enumerate(reports):
        for p in data["projects"]:
            row = by_project.setdefault(
                p["project_id"], {"name": p["name"], "classes": [None] * len(reports)}
            )
            row["classes"][i] = p["final_class"]
    return [
        {"name": row["name"], "labels": [LABELS.get(c) for c in row["classes"]]}
        for row in by_project.values()
        if len({c for c in row["classes"] if c is not None}) > 1
    ]
