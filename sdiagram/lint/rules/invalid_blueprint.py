from __future__ import annotations

from ..findings import Severity
from ..rule import Rule


class InvalidBlueprint(Rule):
    """The blueprint could not be loaded: the compiler's validation errors.

    What it does
    ------------
    Reports every problem the loader and compiler found (YAML syntax,
    unknown keys, unknown kinds, dangling endpoints, duplicate keys,
    suppressions without a reason, ...) as a finding, so they reach every
    output format. No other rule runs on an invalid blueprint, and
    `sdiagram lint` exits with status 2.

    Why it matters
    --------------
    A blueprint that does not compile cannot be checked as an architecture;
    silently skipping it would let a broken file through CI.

    Example
    -------
        components:
          api: {kind: servce}     # unknown kind 'servce' (did you mean 'service'?)

    Fix
    ---
    Correct the file; `sdiagram validate` prints the same problems. This rule
    cannot be deselected or suppressed.

    Use instead:
        components:
          api: {kind: service}
    """

    code = "SD000"
    name = "invalid-blueprint"
    severity = Severity.ERROR
    meta = True
