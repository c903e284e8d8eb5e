"""The one check on a planned breakdown: does it add up to the total investment?"""

from decimal import Decimal

ZERO = Decimal(0)
# Rounding in annexes: a breakdown within half a 万元 of the total is taken to agree with it.
TOLERANCE_WAN = Decimal("0.5")


def breakdown_warning(total_wan: Decimal | None, amounts: dict) -> str | None:
    """A warning (never a refusal) when the planned breakdown does not add up to the total investment."""
    filled = [a for a in amounts.values() if a is not None]
    if not filled:
        return None
    planned = sum(filled, ZERO)
    if total_wan is None:
        return f"资金来源合计 {planned.normalize():f} 万元，但项目未填写总投资。"
    if abs(planned - total_wan) > TOLERANCE_WAN:
        return f"资金来源合计 {planned.normalize():f} 万元，与总投资 {total_wan.normalize():f} 万元不一致。"
    return None
