from __future__ import annotations

from ..findings import Severity
from ..rule import Rule


class UnusedSuppression(Rule):
    """A suppression that suppresses nothing.

    What it does
    ------------
    Reports an `ignore: {rule: reason}` entry, on a component or in the
    blueprint's `lint:` block, when its rule ran and found nothing it could
    excuse. Suppressions of rules that did not run (not selected) are not
    judged.

    Why it matters
    --------------
    Stale suppressions outlive the problem they excused; if the problem
    comes back in a different form it is silently hidden. Removing them
    keeps every excuse in the blueprint honest.

    Example
    -------
        components:
          db:
            kind: database
            tech: aurora          # managed: not a single point of failure
            ignore: {single-point-of-failure: "restored from backup"}

    Fix
    ---
    Delete the suppression. Deselect this rule (`--ignore unused-suppression`)
    only while migrating many blueprints at once.

    Use instead:
        components:
          db: {kind: database, tech: aurora}
    """

    code = "SD002"
    name = "unused-suppression"
    severity = Severity.WARNING
    meta = True
