"""The rule catalog: one module per rule, listed here in code order.

Rules are named by code (`SD101`) or kebab-case name (`single-point-of-failure`)
everywhere: configuration, suppressions, the command line.
"""

from __future__ import annotations


from ...diagnostics import did_you_mean
from ..rule import Rule
from .availability_below_slo import AvailabilityBelowSlo
from .client_reaches_datastore import ClientReachesDatastore
from .deep_sync_chain import DeepSyncChain
from .failover_overload import FailoverOverload
from .invalid_blueprint import InvalidBlueprint
from .invalid_lint_config import InvalidLintConfig
from .manual_failover_write_path import ManualFailoverWritePath
from .missing_cache import MissingCache
from .latency_over_budget import LatencyOverBudget
from .orphan_component import OrphanComponent
from .over_capacity import OverCapacity
from .queue_without_consumer import QueueWithoutConsumer
from .queue_without_dead_letter import QueueWithoutDeadLetter
from .replicas_without_load_balancer import ReplicasWithoutLoadBalancer
from .shared_database import SharedDatabase
from .single_point_of_failure import SinglePointOfFailure
from .single_zone_copies import SingleZoneCopies
from .static_content_without_cdn import StaticContentWithoutCdn
from .sync_cycle import SyncCycle
from .unprotected_entry import UnprotectedEntry
from .unreachable_component import UnreachableComponent
from .unsharded_hot_store import UnshardedHotStore
from .unused_suppression import UnusedSuppression
from .write_heavy_single_store import WriteHeavySingleStore

ALL_RULES: tuple[type[Rule], ...] = tuple(sorted((
    InvalidBlueprint, InvalidLintConfig, UnusedSuppression,
    SinglePointOfFailure, ReplicasWithoutLoadBalancer, SyncCycle, DeepSyncChain,
    QueueWithoutDeadLetter, QueueWithoutConsumer, ManualFailoverWritePath, SingleZoneCopies,
    ClientReachesDatastore, UnprotectedEntry, StaticContentWithoutCdn,
    MissingCache, WriteHeavySingleStore,
    OrphanComponent, UnreachableComponent, SharedDatabase,
    OverCapacity, AvailabilityBelowSlo, LatencyOverBudget, UnshardedHotStore, FailoverOverload,
), key=lambda rule: rule.code))

BY_CODE: dict[str, type[Rule]] = {rule.code: rule for rule in ALL_RULES}
BY_NAME: dict[str, type[Rule]] = {rule.name: rule for rule in ALL_RULES}
# Rules the engine always runs: they report invalid input.
ALWAYS_ON = frozenset(rule.code for rule in ALL_RULES if rule.code in ("SD000", "SD001"))



class UnknownRule(ValueError):
    """A rule reference that matches no code, name or code prefix."""


def lookup(reference: str) -> type[Rule] | None:
    """The rule a code or name refers to (codes are case-insensitive), or None."""
    text = reference.strip()
    return BY_CODE.get(text.upper()) or BY_NAME.get(text.lower())


def resolve(reference: str) -> tuple[type[Rule], ...]:
    """Rules selected by a code, a name, a code prefix (`SD1`, `SD`) or `ALL`.

    Raises UnknownRule with a "did you mean" hint.
    """
    rule = lookup(reference)
    if rule is not None:
        return (rule,)
    text = reference.strip().upper()
    if text == "ALL":
        return ALL_RULES
    if text.startswith("SD") and len(text) <= 5 and (text[2:].isdigit() or text == "SD"):
        matched = tuple(r for r in ALL_RULES if r.code.startswith(text))
        if matched:
            return matched
    raise UnknownRule(unknown_rule_message(reference))


def unknown_rule_message(reference: str) -> str:
    hint = did_you_mean(reference.strip().lower(), BY_NAME) or did_you_mean(reference.strip().upper(), BY_CODE)
    return f"unknown rule '{reference}'{hint}; `sdiagram rules` lists them"
