from __future__ import annotations

from typing import Iterator, Mapping, NamedTuple

from ..findings import Severity
from ..graph import CALLER_KINDS, AnalysisGraph, Edge
from ..rule import Issue, OptionDoc, Rule

STORE_KINDS = frozenset({"database", "search_index", "vector_db"})
# Label words that say writes are grouped before they reach the store.
BATCH_WORDS = frozenset({"batch", "bulk", "buffer", "flush", "micro"})
SPREAD_WRITES = frozenset({"multi-primary", "quorum"})


class WriteHeavySingleStoreOptions(NamedTuple):
    max_read_ratio: float = 1.0


class WriteHeavySingleStore(Rule):
    """A write-heavy design writes straight into one unpartitioned store.

    What it does
    ------------
    Only in a write-heavy design (`traffic.read_write_ratio` below
    `max_read_ratio`, 1:1 by default; no traffic given: never): flags a
    database, search index or vector db that

    - takes all its writes on one node: `shards` is 1 and its copies do not
      share writes (no `replication: multi-primary` or `quorum`), and
    - is written only straight from the request path: every connection that
      writes it (`op: write` / `read_write`, or a write word in the label)
      comes from a service, function or worker that the clients' requests
      call synchronously, with no queue or stream in between and no
      batching (`batch`, `bulk`, `buffer`, `flush` in the label).

    The finding points at the first such write. A store that also takes
    writes through a queue is not reported: the design already buffers its
    heavy writes.

    Why it matters
    --------------
    Reads scale with replicas and caches; writes do not. Every write lands on
    the one primary, so at peak the store's write throughput (a few thousand
    transactions a second for a single SQL node) is the ceiling of the whole
    design, and a burst turns into timeouts on the request path.

    Example
    -------
        traffic: {read_write_ratio: "1:10"}
        components:
          users:  {kind: client}
          lb:     {kind: load_balancer, tech: alb}
          ingest: {kind: service, replicas: 4}
          events: {kind: database, tech: postgresql, replicas: 2, replication: primary-replica, failover: automatic}
        connections:
          - users -> lb
          - lb -> ingest
          - ingest -> events: {label: insert event, op: write}

    Fix
    ---
    Partition the store (`shards: N`, with a partition key), let several
    copies take writes (`replication: multi-primary` or `quorum`, e.g.
    Cassandra), or put a queue or stream in front and write in batches from a
    consumer.

    Use instead:
        traffic: {read_write_ratio: "1:10"}
        components:
          users:  {kind: client}
          lb:     {kind: load_balancer, tech: alb}
          ingest: {kind: service, replicas: 4}
          stream: {kind: stream, tech: kinesis}
          writer: {kind: worker, replicas: 2}
          events: {kind: database, tech: postgresql, replicas: 2, replication: primary-replica, failover: automatic}
        connections:
          - users -> lb
          - lb -> ingest
          - ingest -> stream: {label: publish event, async: true}
          - stream -> writer
          - writer -> events: {label: batch insert, op: write}
    """

    code = "SD302"
    name = "write-heavy-single-store"
    severity = Severity.WARNING
    Options = WriteHeavySingleStoreOptions
    option_docs = {
        "max_read_ratio": OptionDoc("reads per write (traffic.read_write_ratio) below which a design is write-heavy", min=0),
    }

    def check(self, graph: AnalysisGraph, options: WriteHeavySingleStoreOptions) -> Iterator[Issue]:
        traffic = graph.blueprint.traffic
        ratio = traffic.read_write_ratio if traffic is not None else None
        if ratio is None or ratio >= options.max_read_ratio:
            return
        on_request_path = graph.request_paths()
        for cid, component in graph.components.items():
            if component.kind not in STORE_KINDS or component.shards >= 2:
                continue
            if component.replicas >= 2 and component.replication in SPREAD_WRITES:
                continue
            writes = [e for e in graph.senders(cid)
                      if not e.reverse and e.says_writes and graph.kind(e.source) in CALLER_KINDS]
            if not writes or not all(_unbuffered(e, on_request_path) for e in writes):
                continue
            edge = writes[0]
            shape = f"1:{1 / ratio:g}" if ratio else "0:1"
            yield Issue(
                message=(f"'{cid}' ({component.kind}, one write node: {component.shards} shard, "
                         f"replicas: {component.replicas}) takes every write straight from the request path "
                         f"('{edge.source}'), in a write-heavy design (reads:writes is {shape})"),
                span=edge.span,
                components=(cid, *dict.fromkeys(e.source for e in writes)),
                fix=f"partition '{cid}' (`shards: N`), let several copies take writes (`replication: quorum`), "
                    f"or put a queue in front and write in batches",
            )


def _unbuffered(edge: Edge, on_request_path: Mapping[str, str | None]) -> bool:
    """A synchronous write from a caller the clients' requests call, not batched."""
    return edge.is_call and edge.source in on_request_path and not edge.mentions(BATCH_WORDS)
