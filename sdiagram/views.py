"""Views: a named subset of one model, as a Blueprint of its own (pure).

A view keeps the components it selects, the connections between them (and
to groups that still have members), and the groups that still hold a
component, with their parents. Its name is `<blueprint>.<view>`, so it
renders to `<blueprint>.<view>.<format>`. Lint is never run on a view: the
findings are about the whole model.
"""

from __future__ import annotations

from collections import deque

from .model import Blueprint, View


def selected(blueprint: Blueprint, view: View) -> set[str]:
    """The ids of the components a view selects."""
    chosen = set(view.components)
    for group in view.groups:
        chosen.update(blueprint.members(group))
    if view.tags:
        wanted = set(view.tags)
        chosen.update(c.id for c in blueprint.components.values() if wanted.intersection(c.tags))
    if view.around is not None:
        chosen.update(_neighbourhood(blueprint, view.around, view.depth))
    return chosen


def _neighbourhood(blueprint: Blueprint, start: str, depth: int) -> set[str]:
    """Components at most `depth` connections from `start`, following edges both ways
    (an edge to a group reaches each of its members)."""
    neighbours: dict[str, set[str]] = {}
    for connection in blueprint.connections:
        sources = blueprint.members(connection.source) if connection.source_is_group else (connection.source,)
        targets = blueprint.members(connection.target) if connection.target_is_group else (connection.target,)
        for source in sources:
            for target in targets:
                neighbours.setdefault(source, set()).add(target)
                neighbours.setdefault(target, set()).add(source)
    distance = {start: 0}
    queue = deque([start])
    while queue:
        current = queue.popleft()
        if distance[current] == depth:
            continue
        for following in sorted(neighbours.get(current, ())):
            if following not in distance:
                distance[following] = distance[current] + 1
                queue.append(following)
    return set(distance)


def view_blueprint(blueprint: Blueprint, view: View) -> Blueprint:
    """The blueprint restricted to what `view` selects, named `<name>.<view>`."""
    keep = selected(blueprint, view)
    components = {i: c for i, c in blueprint.components.items() if i in keep}
    groups_in_use: set[str] = set()
    for component in components.values():
        group = component.group
        while group is not None and group not in groups_in_use:
            groups_in_use.add(group)
            group = blueprint.groups[group].parent
    groups = {i: g for i, g in blueprint.groups.items() if i in groups_in_use}

    def present(endpoint: str, is_group: bool) -> bool:
        return endpoint in groups if is_group else endpoint in components

    connections = tuple(
        c for c in blueprint.connections
        if present(c.source, c.source_is_group) and present(c.target, c.target_is_group)
    )
    return blueprint._replace(
        name=f"{blueprint.name}.{view.name}",
        title=view.title or f"{blueprint.title}: {view.name}",
        components=components,
        groups=groups,
        connections=connections,
        views={},
    )


def every_view(blueprint: Blueprint) -> list[Blueprint]:
    """The whole model first, then each of its views."""
    return [blueprint, *(view_blueprint(blueprint, view) for view in blueprint.views.values())]
