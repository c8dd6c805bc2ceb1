"""Limits a maintainer never meets and an attacker always does.

A few hundred bytes of nested aliases (`&a [*b, *b, ...]`) expand to billions of values when
anything walks them, and a key that is a whole aliased mapping is worse. The shipped content
uses no aliases and its largest file is 50 KB; these limits are far above any real edit. They
are checked on the parser's events, before anything is built, and each is refused at the line
where it is exceeded.

A file without a `*` can hold no alias, so only its depth can be over a limit, and that is
read off the composed nodes instead (`deeper_than`; the event pass says where only when one is
too deep): the event pass, a Python loop over every event, was a fifth of loading 43 forces.
(libyaml itself refuses nesting past 1,000 levels, so composing such a file first is safe.)
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Limits:
    file_bytes: int = 2_000_000  # 40 times the largest shipped file
    aliases: int = 100  # `*name` uses in one file
    expansion: int = 10_000  # values the aliases of one file add when expanded
    depth: int = 40  # mappings and lists inside one another (the content needs 6)


class LimitExceeded(Exception):
    def __init__(self, line: int, column: int, message: str, hint: str):
        super().__init__(message)
        self.line, self.column, self.message, self.hint = line, column, message, hint


def _at(event: yaml.Event, message: str, hint: str) -> LimitExceeded:
    mark = event.start_mark
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    return LimitExceeded(line, column, message, hint)


DEPTH_HINT = "Content needs only a few levels: check the indentation."
ALIAS_HINT = ("Aliases (*name) repeat a block written elsewhere (&name); write the values out "
              "instead.")


def may_alias(text: str) -> bool:
    """Could the text hold an alias? Every alias starts with `*`; a `*` in a quoted value only
    sends the file through the full check."""
    return "*" in text


def deeper_than(node: yaml.Node, depth: int) -> bool:
    """Are collections nested more than `depth` deep under the node? Level by level, looking
    only at whether each child is a collection (a tenth of the event pass's time); where one
    is, the event pass says where (`check_limits`)."""
    level, seen = [node], 0
    while level:
        seen += 1
        if seen > depth:
            return True
        deeper = []
        for parent in level:
            for child in parent.value:
                if child.__class__ is tuple:  # a mapping's (key, value)
                    key, value = child
                    if key.value.__class__ is list:
                        deeper.append(key)
                    if value.value.__class__ is list:
                        deeper.append(value)
                elif child.value.__class__ is list:  # a collection's value is a list
                    deeper.append(child)
        level = deeper
    return False


def check_limits(text: str, file: str, limits: Limits) -> None:
    """Raise LimitExceeded at the first event over a limit; yaml errors pass through."""
    sizes: dict[str, int] = {}  # anchor -> how many values it stands for, aliases expanded
    stack: list[list] = []  # open mappings and lists: [anchor, size so far]
    aliases = added = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.CollectionStartEvent):
            stack.append([event.anchor, 1])
            if len(stack) > limits.depth:
                raise _at(event, f"nested more than {limits.depth} levels deep.", DEPTH_HINT)
        elif isinstance(event, yaml.CollectionEndEvent):
            anchor, size = stack.pop()
            if anchor:
                sizes[anchor] = size
            if stack:
                stack[-1][1] += size
        elif isinstance(event, yaml.ScalarEvent):
            if event.anchor:
                sizes[event.anchor] = 1
            if stack:
                stack[-1][1] += 1
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > limits.aliases:
                raise _at(event, f"more than {limits.aliases} aliases (*name) in one file.",
                          ALIAS_HINT)
            size = sizes.get(event.anchor or "", 1)
            added += size
            if added > limits.expansion:
                raise _at(event, f"the aliases in this file expand to more than "
                                 f"{limits.expansion:,} values.", ALIAS_HINT)
            if stack:
                stack[-1][1] += size
