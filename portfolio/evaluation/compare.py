"""Comparing the reports of several rounds of one plan: mid-term against final, and any in between."""

from dataclasses import dataclass

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
    by_project: dict[int, dict] = {}
    for i, (_, data) in enumerate(reports):
        for p in data["projects"]:
            row = by_project.setdefault(
                p["project_id"], {"name": p["name"], "classes": [None] * len(reports)}
            )
            row["classes"][i] = p["final_class"]
    changed = [
        {"name": row["name"], "labels": [LABELS.get(c) for c in row["classes"]]}
        for row in by_project.values()
        if len({c for c in row["classes"] if c is not None}) > 1
    ]
    return Comparison(reports, [by_seq[k] for k in sorted(by_seq)], changed)
