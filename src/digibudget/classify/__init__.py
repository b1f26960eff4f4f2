"""Classification of budget lines into the four digital themes, and recognition of their executors.

Rules are data (themes.toml, executors.toml), reviewed decisions override them (decisions.toml), and the
matching runs inside the database as set-based SQL. Every tag keeps its evidence: rule id, field and matched text.
"""

from .engine import THRESHOLD, run
from .rules import RuleSet, load_rules

__all__ = ["THRESHOLD", "RuleSet", "load_rules", "run"]
