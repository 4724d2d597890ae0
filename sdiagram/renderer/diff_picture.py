"""The diff picture: NEW's diagram with the changes marked. Pure: Blueprints -> DOT.

Added components, groups and connections are drawn green, changed and renamed
ones amber, and removed ones as red ghosts (dashed outline, no icon) where they
were connected: removed components sit in their old group, removed
connections run between the components they joined. A legend under the title
counts each kind of change. Same inputs, same DOT.

`diff_picture_dot` draws it with the layout variant `sdiagram render` gives
NEW when OLD's image is in the output folder (OLD's variant, unless NEW lays
out much better with another; `candidates.choose`), so the picture has the
shape of the images it compares.
"""

from __future__ import annotations

from typing import Mapping

from ..diff.compare import connection_keys
from ..diff.model import ADDED, CHANGED, REMOVED, RENAMED, BlueprintDiff
from ..model import Blueprint
from .dot import LABEL_WIDTH, DotOptions, html_text, quote, to_dot, wrap

COLORS = {ADDED: "#2CA02C", CHANGED: "#E8A317", RENAMED: "#E8A317", REMOVED: "#D62728"}
GHOST_FILL = "#FDECEA"
LEGEND = ((ADDED, "added"), (CHANGED, "changed"), (REMOVED, "removed"))


def diff_picture(old: Blueprint | None, new: Blueprint, change: BlueprintDiff) -> tuple[Blueprint, DotOptions]:
    """NEW plus the ghosts of what was removed, and the styles that mark every change."""
    renames = {e.old_id: e.id for e in change.elements if e.status == RENAMED and e.old_id}
    status = {(e.element, e.id): e.status for e in change.elements}
    styles: dict[str, dict[str, str | None]] = {}

    groups = dict(new.groups)
    components = dict(new.components)
    connections = list(new.connections)
    if old is not None:
        for group in old.groups.values():
            if status.get(("group", group.id)) == REMOVED:
                parent = renames.get(group.parent, group.parent) if group.parent else None
                groups[group.id] = group._replace(parent=parent)
        for group in list(groups.values()):  # a ghost group whose parent is gone hangs at the top
            if group.parent is not None and group.parent not in groups:
                groups[group.id] = group._replace(parent=None)
        for component in old.components.values():
            if status.get(("component", component.id)) == REMOVED:
                old_group = renames.get(component.group, component.group) if component.group else None
                components[component.id] = component._replace(
                    group=old_group if old_group in groups else None, dead_letter=None, ignore=())
        for key, connection in zip(connection_keys(old.connections, renames), old.connections):
            if status.get(("connection", key)) != REMOVED:
                continue
            ghost = connection._replace(source=renames.get(connection.source, connection.source),
                                         target=renames.get(connection.target, connection.target))
            if _drawable(ghost, components, groups):
                connections.append(ghost)

    combined = new._replace(components=components, groups=groups, connections=tuple(connections))
    for (element, element_id), state in status.items():
        if element == "component" and element_id in components:
            styles[f"node:{element_id}"] = _ghost_node(components[element_id].label) if state == REMOVED \
                else _marked_node(state)
        elif element == "group" and element_id in groups:
            styles[f"cluster:{element_id}"] = _cluster(state)
    for index, key in enumerate(connection_keys(combined.connections)):
        edge_state = REMOVED if index >= len(new.connections) else status.get(("connection", key))
        if edge_state is not None:
            styles[f"edge:{index}"] = _edge(edge_state)
    return combined, DotOptions(styles=styles, label_rows=(_legend(change),))


def diff_picture_dot(old: Blueprint | None, new: Blueprint, change: BlueprintDiff) -> str:
    """The diff picture's DOT, laid out as `render` lays out NEW after OLD (module docstring)."""
    from . import choose_layout, dot_options
    from .candidates import with_variant

    previous = choose_layout(old, dot_options(old)).options.variant.name if old is not None else None
    variant = choose_layout(new, dot_options(new), previous=previous).options.variant
    combined, options = diff_picture(old, new, change)
    return to_dot(combined, with_variant(options, variant))


def _drawable(connection, components: Mapping, groups: Mapping) -> bool:
    """Both ends exist in the picture (a group end needs a member to attach to)."""
    for end, is_group in ((connection.source, connection.source_is_group), (connection.target, connection.target_is_group)):
        if is_group:
            if end not in groups or not any(c.group == end for c in components.values()):
                return False
        elif end not in components:
            return False
    return True


def _marked_node(state: str) -> dict[str, str | None]:
    return {"shape": "box", "style": quote("rounded,bold"), "color": quote(COLORS[state]), "penwidth": "3"}


def _ghost_node(label: str) -> dict[str, str | None]:
    return {
        "image": None,
        "shape": "box",
        "style": quote("rounded,dashed,filled"),
        "color": quote(COLORS[REMOVED]),
        "fillcolor": quote(GHOST_FILL),
        "fontcolor": quote(COLORS[REMOVED]),
        "penwidth": "2",
        "fixedsize": "false",
        "height": "0.6",
        "margin": quote("0.12,0.08"),
        "labelloc": "c",
        "label": quote("\n".join([*wrap(label, LABEL_WIDTH + 4), "(removed)"])),
    }


def _cluster(state: str) -> dict[str, str | None]:
    if state == REMOVED:
        return {"style": quote("rounded,dashed"), "pencolor": quote(COLORS[REMOVED]),
                "fontcolor": quote(COLORS[REMOVED]), "penwidth": "2"}
    return {"pencolor": quote(COLORS[state]), "penwidth": "3"}


def _edge(state: str) -> dict[str, str | None]:
    attributes: dict[str, str | None] = {"color": quote(COLORS[state]), "fontcolor": quote(COLORS[state]),
                                         "penwidth": "2.5"}
    if state == REMOVED:
        attributes["style"] = "dashed"
    return attributes


def _legend(change: BlueprintDiff) -> str:
    counts = {ADDED: change.count(ADDED), CHANGED: change.count(CHANGED) + change.count(RENAMED),
              REMOVED: change.count(REMOVED)}
    cells = "".join(
        f'<td><font point-size="13" color="{COLORS[state]}"><b>■ {html_text(word)} ({counts[state]})</b></font></td>'
        for state, word in LEGEND
    )
    settings = f'<td><font point-size="13"> · {len(change.settings)} setting(s) changed</font></td>' \
        if change.settings else ""
    return (f'<tr><td><table border="0" cellpadding="4" cellspacing="0"><tr>'
            f'<td><font point-size="13"><b>Changes:</b></font></td>{cells}{settings}</tr></table></td></tr>')
