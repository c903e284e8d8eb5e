"""督办 measures: when an item counts as overdue."""

from portfolio.definitions.registry import define

OVERDUE = define(
    "supervision_overdue",
    "督办逾期",
    "督办事项处于“待答复”或“退回重办”（县区的答复仍欠着），且今天（北京时间）已晚于办理期限的，标为“已逾期”；"
    "“已答复待审”和“已办结”的事项不算逾期。",
    "进度与预警",
)
