from __future__ import annotations

from typing import Iterator, NamedTuple

from ...catalog import TECHS
from ..findings import Severity
from ..graph import AnalysisGraph
from ..rule import Issue, OptionDoc, Rule

READERS = frozenset({"service", "function"})


class MissingCacheOptions(NamedTuple):
    min_read_ratio: float = 10.0


class MissingCache(Rule):
    """A read-heavy design reads its database with no cache on the path.

    What it does
    ------------
    Flags a synchronous connection from a service (or function) that reads a
    database with no cache on that path, when reads are evidenced:

    - `traffic.read_write_ratio` is at least `min_read_ratio` (10:1 by
      default): every connection that reads counts (no `op` and no label:
      reads and writes). Below the threshold the rule is quiet.
    - No traffic is given: only a connection that says it reads (`op: read` or
      `read_write`, or a read word in its label: `lookup`, `query`, `get`, ...)
      counts, and the finding is one severity lower (info by default), since
      nothing says the design is read-heavy. An unlabelled connection is not
      evidence of reads.

    Write paths never count (`op: write`, or a label that only writes:
    `store`, `insert`, `update`, ...). A cache counts when the service also
    reads a cache (cache-aside) or the database sits behind one (a cache
    connects to it: read-through). A database whose tech keeps its data in
    memory (Redis, Memcached, Hazelcast, ElastiCache, Memorystore) needs no
    cache in front of it and is never reported.

    Why it matters
    --------------
    A simple SQL query costs ~5 ms and a single database node serves a few
    thousand of them per second; a Redis GET costs ~1 ms at a million
    operations per second. In a read-heavy design the database becomes the
    bottleneck long before the services do.

    Example
    -------
        traffic: {read_write_ratio: "100:1"}
        components:
          api: {kind: service, replicas: 3}
          db:  {kind: database, tech: aurora}
        connections:
          - api -> db: lookup

    Fix
    ---
    Add a cache the service reads first (`api -> cache`, `api -> db: miss`),
    or put a read-through cache in front of the database. For a design that
    is not read-heavy, give its `traffic.read_write_ratio`; for a write path,
    say so with `op: write`.

    Use instead:
        traffic: {read_write_ratio: "100:1"}
        components:
          api:   {kind: service, replicas: 3}
          cache: {kind: cache, tech: elasticache}
          db:    {kind: database, tech: aurora}
        connections:
          - api -> cache: get
          - api -> db: miss → lookup
    """

    code = "SD301"
    name = "missing-cache"
    severity = Severity.WARNING
    Options = MissingCacheOptions
    option_docs = {
        "min_read_ratio": OptionDoc("reads per write (traffic.read_write_ratio) from which a design is read-heavy", min=0),
    }

    def check(self, graph: AnalysisGraph, options: MissingCacheOptions) -> Iterator[Issue]:
        traffic = graph.blueprint.traffic
        ratio = traffic.read_write_ratio if traffic is not None else None
        if ratio is not None and ratio < options.min_read_ratio:
            return
        reported: set[tuple[str, str]] = set()
        # who reads a cache (cache-aside), and which caches connect to each component (read-through)
        reads_a_cache = {cid for cid, targets in graph.successors.items()
                         if any(graph.kind(t) == "cache" for t in targets)}
        caches_in_front: dict[str, set[str]] = {}
        for into in graph.edges:
            if graph.kind(into.source) == "cache":
                caches_in_front.setdefault(into.target, set()).add(into.source)
        for edge in graph.edges:
            if not edge.is_call or edge.reverse or graph.kind(edge.source) not in READERS:
                continue
            target = graph.components[edge.target]
            if target.kind != "database" or not edge.reads or (target.tech and TECHS[target.tech].in_memory):
                continue
            if ratio is None and not edge.says_reads:
                continue
            key = (edge.source, edge.target)
            if key in reported:
                continue
            behind_cache = bool(caches_in_front.get(edge.target, set()) - {edge.source})
            if edge.source in reads_a_cache or behind_cache:
                continue
            reported.add(key)
            if ratio is None:
                evidence = "`op: " + edge.op + "`" if edge.op else "its label"
                why = f"it says it reads ({evidence}); no traffic is given, so the read:write ratio is unknown"
            else:
                why = f"in a read-heavy design (reads:writes is {ratio:g}:1)"
            yield Issue(
                message=f"'{edge.source}' reads database '{edge.target}' synchronously with no cache on the path: {why}",
                span=edge.span,
                components=(edge.source, edge.target),
                connection=edge.ids,
                fix=f"add a cache: {edge.source} -> cache, {edge.source} -> {edge.target}: miss",
                demoted=ratio is None,
            )
