"""Making a big drawing small: one box per Module call, and a cut at ``max_nodes``.

``collapse_modules=True`` reads the :class:`~autograd.viz.scope.ScopeFrame` that
``nn.Module.__call__`` stamped on every node it made (``node.tag``) and draws each call as one
mauve 3-d box; ``max_nodes`` keeps the items nearest the root and a note for the rest.
"""

from __future__ import annotations

from . import labels

__all__ = ["boxes", "collapse_modules", "truncate"]


def boxes(g):
    """node -> the Module call (a scope frame) it is drawn inside with ``collapse_modules``."""
    found, frame_box = {}, {}
    for node in g.order:
        frame = getattr(node, "tag", None)
        if frame is None:
            continue
        if frame not in frame_box:
            frame_box[frame] = _frame_box(g, frame)
        if frame_box[frame] is not None:
            found[node] = frame_box[frame]
    for node in g.order:  # a parameter used only inside one call goes into its box
        if not node._parents and node in g.consumers:
            inside = {found.get(child) for child, _ in g.consumers[node]}
            if len(inside) == 1 and None not in inside:
                found[node] = inside.pop()
    return found


def _frame_box(g, frame):
    path = frame.path()
    if g.child_ids:  # params is the model: one box per call of one of its children
        for outer in path:
            if id(outer.owner) in g.child_ids:
                return outer
        return None
    return path[1] if len(path) > 1 else path[0]  # below the outermost (root model) call


def box_title(g, frame):
    """``0: Linear`` when ``params`` names the module, else its class name (or the owner string)."""
    owner = frame.owner
    if isinstance(owner, str):
        return owner
    name = g.module_names.get(id(owner))
    return f"{name}: {type(owner).__name__}" if name else type(owner).__name__


def collapse_modules(b):
    """Replace the items drawn inside each Module call by one box, and merge their edges."""
    g = b.g
    found = boxes(g)
    if not found:
        return
    items, remap, box_item, members = [], [], {}, {}
    for i, (owner, attrs) in enumerate(b.items):
        box = found.get(owner) if owner is not None and i not in b.outside else None
        if box is None:
            remap.append(len(items))
            items.append([owner, attrs])
            continue
        if box not in box_item:
            box_item[box] = len(items)
            items.append([box, None])
            members[box] = []
        remap.append(box_item[box])
        if not members[box] or members[box][-1] is not owner:
            members[box].append(owner)
    edges, seen = [], set()
    box_indices = set(box_item.values())
    for tail, head, attrs in b.edges:
        tail, head = remap[tail], remap[head]
        if tail == head:
            continue
        if tail in box_indices or head in box_indices:
            if (tail, head) in seen:
                continue
            seen.add((tail, head))
            if b.mode == "forward":  # an argument name means nothing on a box
                attrs = None
        edges.append((tail, head, attrs))
    calls, seen_owners = {}, {}
    for box in reversed(list(box_item)):  # number repeated calls in the order they ran
        calls[box] = seen_owners[id(box.owner)] = seen_owners.get(id(box.owner), 0) + 1
    for box, i in box_item.items():
        items[i][1] = _box_attrs(b, box, members[box], calls[box])
    b.items, b.edges, b.box_items = items, edges, box_indices


def _box_attrs(b, frame, members, call):
    g = b.g
    title = box_title(g, frame) + (f" (call {call})" if call > 1 else "")
    unique = list(dict.fromkeys(members))
    ops = [n for n in unique if n._parents]
    leaves = [n for n in unique if not n._parents]
    rows = [f"{len(ops)} op" + ("s" if len(ops) != 1 else "")]
    if ops:
        rows[0] += f" \u2192 {labels.shape_text(b.nodes.shape(ops[0]))}"
    if leaves:
        relative = {}
        if hasattr(frame.owner, "named_parameters"):
            # the module's own names, in the order it declares its parameters
            relative = {id(t): name for name, t in frame.owner.named_parameters()}
            rank = {key: i for i, key in enumerate(relative)}
            leaves.sort(key=lambda t: rank.get(id(t), len(rank)))
        names = [relative.get(id(t)) or g.name(t) or labels.shape_text(b.nodes.shape(t)) for t in leaves]
        rows.append(("grads: " if b.mode == "backward" else "params: ") + ", ".join(names))
    if b.mode == "backward":
        title += " backward"
    attrs = labels.box(title, rows, labels.BOX, root=any(n is g.top for n in unique), shape="box3d")
    states = {b.state(n) for n in unique}
    if "current" in states:
        attrs.update(fillcolor=labels.CURRENT, color=labels.CURRENT_BORDER, penwidth="3")
    elif states == {"done"}:
        attrs.update(fillcolor=labels.DONE)
    elif "pending" in states and "done" not in states:
        attrs.update(fillcolor="white", color=labels.PENDING_INK, fontcolor=labels.PENDING_INK)
    return attrs


def truncate(b):
    """Keep the first ``max_nodes`` items (those nearest the root) and a note saying how many were left out."""
    if b.max_nodes is None or len(b.items) <= b.max_nodes:
        return
    kept = b.max_nodes  # items come root first, and a node's consumers before it: the kept part hangs together
    dropped = len(b.items) - kept
    note = kept
    b.items = b.items[:kept] + [[None, {
        "shape": "note", "style": "filled", "fillcolor": labels.NOTE,
        "label": f"\u2026 {dropped} more nodes not drawn (max_nodes={b.max_nodes})"}]]  # fmt: skip
    edges, cut = [], []
    for tail, head, attrs in b.edges:
        if tail < kept and head < kept:
            edges.append((tail, head, attrs))
        elif tail < kept or head < kept:
            pair = (note, head) if head < kept else (tail, note)
            if pair not in cut:
                cut.append(pair)
    edges.extend((tail, head, {"style": "dashed"}) for tail, head in cut)
    b.edges = edges
