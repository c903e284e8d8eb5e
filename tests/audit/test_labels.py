"""Every action the application writes to the audit log has a Chinese label for the people who read it."""

import ast
import re
from pathlib import Path

from portfolio.audit.display import ACTION_LABELS

ROOT = Path(__file__).resolve().parents[2] / "portfolio"
ACTION = re.compile(r"^[a-z_]+\.[a-z_]+$")


def _recorded_actions() -> set[str]:
    """Actions passed to record(actor, "x.y", …), or written as action="x.y" or {"action": "x.y"}."""
    found = set()
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Dict):
                found |= {
                    v.value
                    for k, v in zip(node.keys, node.values, strict=True)
                    if isinstance(k, ast.Constant) and k.value == "action" and isinstance(v, ast.Constant)
                }
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            candidates = []
            if name == "record" and len(node.args) >= 2:
                candidates.append(node.args[1])
            candidates += [k.value for k in node.keywords if k.arg == "action"]
            found |= {
                c.value
                for c in candidates
                if isinstance(c, ast.Constant) and isinstance(c.value, str) and ACTION.match(c.value)
            }
    return found


def test_every_recorded_action_has_a_label():
    actions = _recorded_actions()
    assert len(actions) > 20  # the scan really finds the application's actions
    assert sorted(actions - ACTION_LABELS.keys()) == []
