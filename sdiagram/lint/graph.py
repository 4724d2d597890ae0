"""The analysis graph: a blueprint as the rules see it, built once per lint run.

* Nodes are component ids, in source order.
* Every connection becomes directed edges between components:
  - a group endpoint is expanded to the group's members (nested groups
    included). Traffic *into* a group enters at its front members (those no
    other member of the group connects to, e.g. the load balancer of a tier);
    traffic *out of* a group leaves from its back members (those that connect
    to no other member). When that leaves nobody (the members form a loop),
    all members are used;
  - `a <-> b` gives a -> b and a reverse edge b -> a.
* A `dead_letter:` link is an asynchronous edge queue -> dead-letter target.
* An edge is a synchronous *call* when it is not `async: true`, does not
  leave a queue or stream (delivery to a consumer is decoupled by the broker),
  is not a dead-letter link, and is not the reverse half of a bidirectional
  connection -- unless both ends are callers (service, worker, function,
  scheduler), in which case `a <-> b` really is two services calling each
  other. A pub/sub topic delivers like a queue.
* A `reply: true` connection is a response path: it is an edge (drawn,
  counted as a connection) but never a call, and it is left out of
  `successors` and `call_successors`, so reachability, cycles and chains
  ignore it, and it does not make its target a non-entry point.
* Whether an edge reads or writes is its `op:` when written, else inferred
  from the label's words.
* Entry points are the clients; in a blueprint without clients, the
  components with no incoming edge. Pipeline starts are the workers,
  functions and schedulers nothing sends to: they pull work (from a queue, a
  timetable) and start flows of their own.
"""

from __future__ import annotations

import functools
from typing import Mapping, NamedTuple

from ..diagnostics import Span
from ..model import Blueprint, Component, Connection

CLIENT_KINDS = frozenset({"client"})
# The most components a path in a finding's message names (the ones nearest its end).
MAX_PATH_SHOWN = 32
CALLER_KINDS = frozenset({"service", "worker", "function", "scheduler"})
MESSAGING_KINDS = frozenset({"queue", "stream"})
# Kinds whose delivery to a consumer is decoupled by a broker: not a call.
DELIVERY_KINDS = MESSAGING_KINDS | {"pubsub"}
FRONT_DOOR_KINDS = frozenset({"load_balancer", "api_gateway", "cdn", "proxy"})
STATEFUL_KINDS = frozenset({"database", "queue", "stream", "pubsub", "object_storage", "search_index", "vector_db",
                            "warehouse"})
DATASTORE_KINDS = frozenset({"database", "cache", "queue", "stream", "pubsub", "search_index", "vector_db", "warehouse"})
# Kinds off the request path: their failure loses telemetry, not requests.
OFF_PATH_KINDS = frozenset({"observability"})
# Stores a request reads its data from (an origin a cache can stand in front of).
ORIGIN_KINDS = frozenset({"database", "object_storage", "search_index", "vector_db", "warehouse"})
# Kinds that can start work without anything upstream: users, third parties,
# scheduled or self-triggered compute.
SELF_STARTING_KINDS = frozenset({"client", "external", "service", "worker", "function", "scheduler"})
# Compute that pulls its own work (from a queue, on a timetable) when nothing sends to it.
PIPELINE_KINDS = frozenset({"worker", "function", "scheduler"})

# Words in a connection label that say what the connection does (matched as
# whole words, with the usual -s/-es/-ed/-ing endings).
_READ_WORDS = frozenset({"read", "get", "fetch", "query", "queries", "lookup", "load", "search", "select",
                         "scan", "download", "serve", "hit", "miss"})
_WRITE_WORDS = frozenset({"write", "wrote", "written", "store", "save", "insert", "update", "put", "delete",
                          "upsert", "persist", "append", "upload", "publish", "produce", "enqueue", "record",
                          "create", "ingest"})
CONSUME_WORDS = frozenset({"consume", "poll", "subscribe", "pull", "dequeue", "receive", "pop"})
_ENDINGS = ("ing", "es", "ed", "s", "d")


def _stem(token: str) -> tuple[str, ...]:
    return (token,) + tuple(token[: -len(e)] for e in _ENDINGS if token.endswith(e) and len(token) > len(e) + 2)


def _mentions(label: str | None, words: frozenset[str]) -> bool:
    if not label:
        return False
    return _label_mentions(label, words)


@functools.lru_cache(maxsize=4096)
def _label_mentions(label: str, words: frozenset[str]) -> bool:
    return any(stem in words for token in _words(label) for stem in _stem(token))


@functools.lru_cache(maxsize=4096)
def _words(label: str) -> tuple[str, ...]:
    """The runs of ASCII letters in a label, lower-cased."""
    letters = "".join(c if "a" <= c <= "z" else " " for c in label.lower())
    return tuple(letters.split())


class Edge(NamedTuple):
    source: str
    target: str
    span: Span
    label: str | None
    is_async: bool
    # the reverse half of `a <-> b` (b -> a)
    reverse: bool = False
    # a `dead_letter:` link rather than a drawn connection
    dead_letter: bool = False
    # the connection as written (None for dead-letter links)
    connection: Connection | None = None
    # a synchronous call (see the module docstring)
    is_call: bool = False
    # a response path (`reply: true`): not a call, not followed by reachability
    reply: bool = False

    @property
    def ids(self) -> tuple[str, str]:
        """(source, target) of the connection as written, for findings."""
        if self.connection is not None:
            return (self.connection.source, self.connection.target)
        return (self.source, self.target)

    @property
    def op(self) -> str | None:
        """The written `op:` of a forward edge (the reverse half of `a <-> b` infers)."""
        return self.connection.op if self.connection is not None and not self.reverse else None

    @property
    def reads(self) -> bool:
        """`op:` read or read_write; without op, the label does not say write-only (no label: both).
        A reply neither reads nor writes its target."""
        return self._does("write", _READ_WORDS, _WRITE_WORDS, evidence=False)

    @property
    def writes(self) -> bool:
        """`op:` write or read_write; without op, the label does not say read-only (no label: both)."""
        return self._does("read", _WRITE_WORDS, _READ_WORDS, evidence=False)

    @property
    def says_reads(self) -> bool:
        """Evidence that it reads: `op: read` / `read_write`, or a read word in the label."""
        return self._does("write", _READ_WORDS, _WRITE_WORDS, evidence=True)

    @property
    def says_writes(self) -> bool:
        """Evidence that it writes: `op: write` / `read_write`, or a write word in the label."""
        return self._does("read", _WRITE_WORDS, _READ_WORDS, evidence=True)

    def _does(self, other: str, words: frozenset[str], other_words: frozenset[str], evidence: bool) -> bool:
        """The edge reads (or writes): its `op:` is anything but `other`; without op,
        its label uses one of `words`, or (unless only evidence counts) none of
        `other_words`."""
        if self.reply:
            return False
        if self.op is not None:
            return self.op != other
        return _mentions(self.label, words) or (not evidence and not _mentions(self.label, other_words))

    def mentions(self, words: frozenset[str]) -> bool:
        """The label uses one of `words` (with the usual endings)."""
        return _mentions(self.label, words)

    @property
    def consumes(self) -> bool:
        """The source consumes from the target (`worker -> queue: poll`, or `op: read`)."""
        return self.op == "read" or _mentions(self.label, CONSUME_WORDS)


class AnalysisGraph:
    """Components, expanded edges and the derived views the rules share."""

    def __init__(self, blueprint: Blueprint):
        self.blueprint = blueprint
        self.components: Mapping[str, Component] = blueprint.components
        self.order: dict[str, int] = {cid: i for i, cid in enumerate(blueprint.components)}
        self.edges: tuple[Edge, ...] = tuple(self._edges())
        out_edges: dict[str, list[Edge]] = {cid: [] for cid in self.components}
        in_edges: dict[str, list[Edge]] = {cid: [] for cid in self.components}
        for edge in self.edges:
            out_edges[edge.source].append(edge)
            in_edges[edge.target].append(edge)
        self.out_edges = out_edges
        self.in_edges = in_edges
        # successor lists without duplicates, in edge order (replies are not followed)
        self.successors: dict[str, list[str]] = {
            c: list(dict.fromkeys(e.target for e in es if not e.reply)) for c, es in out_edges.items()
        }
        self.call_successors: dict[str, list[str]] = {
            c: list(dict.fromkeys(e.target for e in es if e.is_call)) for c, es in out_edges.items()
        }
        self.connected: frozenset[str] = frozenset(c for c in self.components if out_edges[c] or in_edges[c])
        clients = [cid for cid, c in self.components.items() if c.kind in CLIENT_KINDS]
        self.entry_points: tuple[str, ...] = tuple(clients) if clients else tuple(
            cid for cid in self.components if not self.has_senders(cid)
        )
        self._request_paths: dict[str, str | None] | None = None
        self._request_depths: dict[str, int] = {}
        self._call_sccs: list[tuple[str, ...]] | None = None
        self._call_edges: dict[tuple[str, str], Edge] | None = None
        self.pipeline_starts: tuple[str, ...] = tuple(
            cid for cid, c in self.components.items()
            if c.kind in PIPELINE_KINDS and cid not in self.entry_points and cid in self.connected
            and not self.has_senders(cid)
        )

    def request_paths(self) -> dict[str, str | None]:
        """Every component the clients' requests reach over synchronous calls, with the
        component before it on a shortest such path (None for a client), breadth first
        from the clients. `request_path` spells a path out."""
        if self._request_paths is None:
            parents: dict[str, str | None] = {}
            depths: dict[str, int] = {}
            queue = [cid for cid in self.entry_points if self.kind(cid) in CLIENT_KINDS]
            for cid in queue:
                parents[cid] = None
                depths[cid] = 1
            for node in queue:
                for child in self.call_successors[node]:
                    if child not in parents:
                        parents[child] = node
                        depths[child] = depths[node] + 1
                        queue.append(child)
            self._request_paths = parents
            self._request_depths = depths
        return self._request_paths

    def request_path(self, component_id: str) -> tuple[list[str], int]:
        """A shortest synchronous path from a client to a component the requests reach: its
        last `MAX_PATH_SHOWN` components (client first when it fits), and how many
        components before them are left out."""
        parents = self.request_paths()
        path = [component_id]
        parent = parents[component_id]
        while parent is not None and len(path) < MAX_PATH_SHOWN:
            path.append(parent)
            parent = parents[parent]
        path.reverse()
        return path, self._request_depths[component_id] - len(path)

    def call_sccs(self) -> list[tuple[str, ...]]:
        """The strongly connected components of the call graph, in reverse topological order."""
        if self._call_sccs is None:
            from .algorithms import strongly_connected_components

            self._call_sccs = strongly_connected_components(list(self.components), self.call_successors)
        return self._call_sccs

    def call_edge(self, source: str, target: str) -> Edge:
        """The first synchronous call edge source -> target (KeyError when there is none)."""
        if self._call_edges is None:
            found: dict[tuple[str, str], Edge] = {}
            for edge in self.edges:
                if edge.is_call:
                    found.setdefault((edge.source, edge.target), edge)
            self._call_edges = found
        return self._call_edges[(source, target)]

    def has_senders(self, component_id: str) -> bool:
        """Some edge brings traffic to the component (replies do not)."""
        return any(not e.reply for e in self.in_edges[component_id])

    def senders(self, component_id: str) -> list[Edge]:
        """The edges that bring traffic to a component (replies do not)."""
        return [e for e in self.in_edges[component_id] if not e.reply]

    def kind(self, component_id: str) -> str:
        return self.components[component_id].kind

    def span(self, component_id: str) -> Span:
        return self.components[component_id].span

    def dead_letter_targets(self) -> frozenset[str]:
        return frozenset(c.dead_letter for c in self.components.values() if c.dead_letter)

    # -- construction -------------------------------------------------------------

    def _edges(self) -> list[Edge]:
        blueprint = self.blueprint
        direct = [c for c in blueprint.connections
                  if not c.source_is_group and not c.target_is_group and not c.reply]
        fronts: dict[str, tuple[str, ...]] = {}
        backs: dict[str, tuple[str, ...]] = {}

        def expand(group_id: str, front: bool) -> tuple[str, ...]:
            cache = fronts if front else backs
            if group_id not in cache:
                members = blueprint.members(group_id)
                inside = set(members)
                internal = [(c.source, c.target) for c in direct if c.source in inside and c.target in inside]
                internal += [(c.target, c.source) for c in direct
                             if c.bidirectional and c.source in inside and c.target in inside]
                blocked = {t for _, t in internal} if front else {s for s, _ in internal}
                chosen = tuple(m for m in members if m not in blocked)
                cache[group_id] = chosen or members
            return cache[group_id]

        edges: list[Edge] = []
        for connection in blueprint.connections:
            sources = expand(connection.source, front=False) if connection.source_is_group else (connection.source,)
            targets = expand(connection.target, front=True) if connection.target_is_group else (connection.target,)
            for source in sources:
                for target in targets:
                    if source == target:
                        continue
                    edges.append(self._edge(source, target, connection, reverse=False))
                    if connection.bidirectional:
                        edges.append(self._edge(target, source, connection, reverse=True))
        for component in blueprint.components.values():
            if component.dead_letter and component.dead_letter in blueprint.components:
                edges.append(Edge(component.id, component.dead_letter, component.span, "dead letters",
                                  is_async=True, dead_letter=True))
        return edges

    def _edge(self, source: str, target: str, connection: Connection, reverse: bool) -> Edge:
        source_kind = self.components[source].kind
        target_kind = self.components[target].kind
        is_call = (
            not connection.is_async
            and not connection.reply
            and source_kind not in DELIVERY_KINDS
            and (not reverse or (source_kind in CALLER_KINDS and target_kind in CALLER_KINDS))
        )
        return Edge(source, target, connection.span, connection.label, connection.is_async,
                    reverse=reverse, connection=connection, is_call=is_call, reply=connection.reply)
