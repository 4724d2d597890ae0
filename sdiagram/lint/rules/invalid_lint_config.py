from __future__ import annotations

from ..findings import Severity
from ..rule import Rule


class InvalidLintConfig(Rule):
    """The blueprint's lint settings name a rule, option or severity that does not exist.

    What it does
    ------------
    Checks the `lint:` block (`select`, `ignore`, `rules`) and every
    component's `ignore:` against the rule catalog: unknown rule codes or
    names (with a "did you mean" suggestion), unknown options, option values
    of the wrong type and unknown severities. `sdiagram lint` exits with
    status 2 when it fires.

    Why it matters
    --------------
    A misspelt rule in a suppression suppresses nothing, and a misspelt rule
    in `select` or an unknown option silently changes what is checked. Both
    should fail loudly instead.

    Example
    -------
        lint:
          rules:
            deep-sync-chain: {max_service: 6}   # unknown option (did you mean 'max_services'?)
        components:
          db:
            kind: database
            ignore: {single-point-of-falure: "restored from backup"}   # unknown rule

    Fix
    ---
    Use the names `sdiagram rules` lists (codes such as SD101 work too) and
    the options `sdiagram explain RULE` documents. This rule cannot be
    deselected or suppressed.

    Use instead:
        lint:
          rules:
            deep-sync-chain: {max_services: 6}
        components:
          db:
            kind: database
            ignore: {single-point-of-failure: "restored from backup"}
    """

    code = "SD001"
    name = "invalid-lint-config"
    severity = Severity.ERROR
    meta = True
