"""How the peer answers a trainee message: pure functions, no Rasa types.

The peer keeps a rapport number per conversation (actions/peer/rapport.py). Collaborative moves raise
it and directive ones lower it; how deep the peer discloses follows it. Open questions and reflections
take the peer a layer deeper once rapport reaches that layer's need and the peer has stayed at the
current layer for a couple of turns; at the last layer the peer stays with the step they named. After a
directive turn the peer holds back (withdrawn replies) until a collaborative move or a repair, and after
a repair thaws (thawing replies) until rapport is back; the last layer, the peer's own next step, stays
closed after a directive turn until the trainee repairs or has listened for a while. No line repeats
while an unused alternative remains, and lines that fit what the trainee said come first.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from actions.peer.moves import Move, classify, is_not_shared, speaks_of_self, turns_back
from actions.peer.relevance import overlap
from actions.peer.scenarios import Scenario
from actions.peer.schema import GENERAL, OPENING_MOVES

#: When the peer has just asked about the trainee's experience, these moves answering in the first
#: person are read as the trainee's share.
ANSWER_KINDS = frozenset({"other", "closed_question", "small_talk"})
#: ... and these, starting with an honest "no" ("No, I haven't. What's it like for you?"), as saying so.
NOT_SHARED_KINDS = frozenset({*ANSWER_KINDS, "open_question", "self_disclosure", "reassurance", "validation"})
#: At the last layer, once the peer has named their step, only a line sharing this many content words with
#: the trainee's message takes them to another plan or back to earlier material.
STRONG_FIT = 2
#: After the peer agreed to hear an idea, a statement longer than this that no move fits is the idea.
IDEA_MIN_WORDS = 3
#: Never said as a fallback: the peer always has one of these.
LAST_RESORT = ("reactions.neutral#-1", "Mm.")


@dataclass
class PeerState:
    """The peer's state in one conversation, stored in the ``peer_state`` slot (a small dict).

    Attributes:
        layer: Index of the deepest layer opened so far (0 = surface).
        rapport: The rapport number.
        dwell: Trainee turns since the current layer opened.
        guard: Collaborative moves still needed before a listening move opens anything again.
        locked: The last layer is closed: a directive turn has not been repaired or listened past.
        debt: Rapport lost to directive turns since the last repair (what a repair can win back).
        streak: Collaborative moves in a row.
        asked: The layer whose question about the trainee's experience the peer just asked, if any.
        asks_done: Layers whose question has been asked.
        permission: The trainee's last move asked permission to share something.
        thaw: After a repair, while rapport is below the current layer's need: 1 until the first thawing
            reply, then 2; 0 otherwise.
        turns: Trainee turns so far.
        move: The last move's kind (for the record and the tests).
    """

    layer: int = 0
    rapport: int = 0
    dwell: int = 1
    guard: int = 0
    locked: bool = False
    debt: int = 0
    streak: int = 0
    asked: str | None = None
    asks_done: list[str] = field(default_factory=list)
    permission: bool = False
    thaw: int = 0
    turns: int = 0
    move: str | None = None

    @classmethod
    def from_dict(cls, value: dict[str, Any] | None, scenario: Scenario) -> PeerState:
        """The state stored on the tracker, with anything missing or malformed at its start value."""
        value = value if isinstance(value, dict) else {}
        state = cls(rapport=scenario.rapport.start)
        for name, default in asdict(state).items():
            got = value.get(name, default)
            if isinstance(default, bool):
                setattr(state, name, bool(got))
            elif isinstance(default, int):
                setattr(state, name, int(got) if isinstance(got, (int, float)) else default)
            elif isinstance(default, list):
                setattr(state, name, [str(x) for x in got] if isinstance(got, list) else [])
            else:
                setattr(state, name, str(got) if got is not None else None)
        state.layer = max(0, min(state.layer, scenario.deepest))
        return state

    def to_dict(self) -> dict[str, Any]:
        """The state as stored on the tracker."""
        return asdict(self)


def start_state(scenario: Scenario) -> dict[str, Any]:
    """The peer state at the start of a conversation."""
    return PeerState.from_dict(None, scenario).to_dict()


@dataclass
class PeerReply:
    """What the peer says, the keys of the lines said, and the state to store afterwards."""

    text: str
    keys: list[str]
    reaction: str
    state: dict[str, Any]
    move: Move
    opened: str | None = None


def pick_line(
    scenario: Scenario, pool_keys: Sequence[str], used: Iterable[str], seed: str, about: str = ""
) -> tuple[str, str] | None:
    """Pick a line, never one already said while an unsaid line remains in the given pools.

    Pools are tried in order; the first with an unsaid line wins. Among its unsaid lines, those sharing
    the most content words with ``about`` (the trainee's message) are preferred, and the choice between
    equals is a stable hash of ``seed``. A line counts as said when its key or its exact text was used.
    Only when every line of every pool has been said does one repeat: the one of the first non-empty
    pool said longest ago.

    Args:
        scenario: The scenario whose lines are used.
        pool_keys: Pool keys, best first (see ``Scenario.lines``).
        used: Keys ("<pool>#<index>") of the lines already said in this conversation, oldest first.
        seed: Varies the choice between conversations and turns, e.g. "<sender>:<turn>".
        about: The trainee's message, to prefer lines that fit it.

    Returns:
        ``(line_key, text)``, or None when none of the pools has any lines.
    """
    said = _Said(scenario, used)
    first_pool: list[tuple[str, str]] = []
    for pool_key in dict.fromkeys(pool_keys):
        first_pool = first_pool or said.items(pool_key)
        fresh = said.fresh(pool_key)
        if fresh:
            if about:
                scores = [overlap(about, line) for _, line in fresh]
                best = max(scores)
                fresh = [item for item, score in zip(fresh, scores, strict=True) if score == best]
            return fresh[_stable_index(seed, len(fresh))]
    if not first_pool:
        return None
    return min(first_pool, key=lambda item: said.last_use.get(item[0], -1))


class _Said:
    """The lines said so far in a conversation, by key and by text."""

    def __init__(self, scenario: Scenario, used: Iterable[str]) -> None:
        self.scenario = scenario
        self.last_use = {key: i for i, key in enumerate(used)}
        self.texts = {_text_of(scenario, key) for key in self.last_use}

    def items(self, pool_key: str) -> list[tuple[str, str]]:
        return [(f"{pool_key}#{i}", line) for i, line in enumerate(self.scenario.lines(pool_key))]

    def fresh(self, pool_key: str) -> list[tuple[str, str]]:
        return [item for item in self.items(pool_key) if item[0] not in self.last_use
                and item[1] not in self.texts]

    def best_fit(self, pool_keys: Iterable[str], about: str, *, labels: bool = True) -> int:
        """The most content words an unsaid line of these layer pools (or its label) shares with ``about``."""
        best = 0
        for pool_key in pool_keys:
            label = self.scenario.label_of(pool_key) if labels else ""
            for _, line in self.fresh(pool_key):
                best = max(best, overlap(about, line, label))
        return best


def _text_of(scenario: Scenario, key: str) -> str | None:
    pool, _, index = key.rpartition("#")
    lines = scenario.lines(pool)
    return lines[int(index)] if index.isdigit() and int(index) < len(lines) else None


def _stable_index(seed: str, size: int) -> int:
    digest = hashlib.sha256(seed.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % size


def peer_reply(
    scenario: Scenario,
    *,
    text: str,
    analysis: dict[str, Any] | None,
    moves: Sequence[str],
    state: dict[str, Any] | None,
    used: Sequence[str],
    seed: str,
    intent: str | None = None,
    confidence: float = 1.0,
) -> PeerReply:
    """The peer's answer to one trainee message.

    Args:
        scenario: The scenario being practised.
        text: The trainee's message.
        analysis: The coach's analysis of the message, or None.
        moves: The coach's listening moves for the message.
        state: The peer state so far (the ``peer_state`` slot).
        used: Line keys already said in this conversation, oldest first.
        seed: Deterministic variation, e.g. "<sender>:<turn>".
        intent: The NLU intent of the message, if known.
        confidence: The NLU confidence of that intent.

    Returns:
        The reply (without the peer's name), the keys of the lines said this turn and the new state.
    """
    st = PeerState.from_dict(state, scenario)
    move = classify(text, analysis, moves, intent, confidence)
    asked, st.asked = st.asked, None
    if asked and move.kind in NOT_SHARED_KINDS and is_not_shared(text):
        move = Move(kind="not_shared", source="answer", question=move.question, words=move.words)
    elif asked and move.kind in ANSWER_KINDS and speaks_of_self(text):
        move = Move(kind="self_disclosure", source="answer", question=move.question, words=move.words)
    elif st.permission and move.kind == "other" and move.words > IDEA_MIN_WORDS:
        # The peer just agreed to hear something: an unrecognised statement now is most likely the idea.
        move = Move(kind="directive", category="advising", source="idea", question=move.question,
                    words=move.words)
    turn = _Turn(scenario, st, move, asked, _Said(scenario, used), text)
    pools = turn.react()
    picked = pick_line(scenario, [*pools, *scenario.scoped("reactions", "neutral", st.layer)], used, seed,
                       about=text)
    key, line = picked or LAST_RESORT
    keys = [key]
    if turn.follow:
        # The trainee's share asked the peer something back: the peer answers it too.
        answer = pick_line(scenario, turn.follow, [*used, *keys], seed + ":answer", about=text)
        if answer:
            keys.append(answer[0])
            line = f"{line} {answer[1]}"
    if turn.opened is not None:
        ask = _ask(scenario, st, turn.opened, [*used, *keys], seed)
        if ask:
            keys.append(ask[0])
            line = f"{line} {ask[1]}"
    st.dwell += 1
    st.turns += 1
    st.move = turn.reaction
    return PeerReply(text=line, keys=keys, reaction=turn.reaction, state=st.to_dict(), move=move,
                     opened=turn.opened)


def _ask(scenario: Scenario, st: PeerState, layer_id: str, used: Sequence[str],
         seed: str) -> tuple[str, str] | None:
    """The peer's question about the trainee's experience, once, when the layer it follows opens."""
    if layer_id not in scenario.asks or layer_id in st.asks_done:
        return None
    picked = pick_line(scenario, [f"asks.{layer_id}"], used, seed + ":ask")
    if picked:
        st.asks_done.append(layer_id)
        st.asked = layer_id
    return picked


class _Turn:
    """One turn's arithmetic: updates the state and says which pools the reply comes from."""

    def __init__(self, scenario: Scenario, st: PeerState, move: Move, asked: str | None, said: _Said,
                 text: str) -> None:
        self.scenario, self.st, self.move, self.asked = scenario, st, move, asked
        self.said, self.text = said, text
        self.rules = scenario.rapport
        self.reaction = move.kind
        self.opened: str | None = None
        #: Pools of a second line that answers a question the trainee's share asked the peer.
        self.follow: list[str] = []

    def react(self) -> list[str]:
        kind = self.move.kind
        if kind == "directive":
            return self._directive()
        if kind == "repair":
            return self._repair()
        if kind in ("self_disclosure", "not_shared"):
            return self._share()
        if kind in OPENING_MOVES:
            return self._opening(kind)
        if kind in ("empty", "long", "goodbye", "other"):
            self._change(self.rules.move_delta("other"))
            return self.scenario.scoped("reactions", "neutral" if kind == "other" else kind, self.st.layer)
        self._change(self.rules.move_delta(kind))
        return self.scenario.scoped("moves", kind, self.st.layer)

    def _change(self, delta: int) -> None:
        st = self.st
        st.rapport = self.rules.clamp(st.rapport + delta)
        st.permission = self.move.kind == "ask_permission"
        if delta > 0:
            st.guard = max(0, st.guard - 1)
            st.streak += 1
            if st.locked and st.streak >= self.rules.relisten_turns:
                st.locked, st.debt = False, 0

    def _directive(self) -> list[str]:
        st, rules, scenario = self.st, self.rules, self.scenario
        category = self.move.category or GENERAL
        before = st.rapport
        idea = st.permission and category == "advising"
        if idea:
            # The peer agreed to hear an idea: it still isn't theirs, but it doesn't shut them down.
            delta = rules.advice_after_permission
            self.reaction = "idea"
        else:
            delta = rules.directive_delta(category)
            st.guard = min(st.guard + rules.guard_turns, rules.guard_max)
        self._change(delta)
        st.debt += before - st.rapport
        st.locked, st.streak, st.thaw = True, 0, 0
        pools = [*scenario.scoped("directive", category, st.layer),
                 *scenario.scoped("directive", GENERAL, st.layer)]
        return [*scenario.scoped("reactions", "idea", st.layer), *pools] if idea else pools

    def _repair(self) -> list[str]:
        st, rules = self.st, self.rules
        if not (st.debt or st.guard or st.locked):
            self.reaction = "other"
            self._change(rules.move_delta("other"))
            return self.scenario.scoped("reactions", "neutral", st.layer)
        # Half of what was lost since the last repair (repair_percent), at least moves.repair, never more.
        share = -(-st.debt * rules.repair_percent // 100)
        restore = min(max(rules.move_delta("repair"), share), st.debt)
        st.guard, st.locked, st.debt = 0, False, 0
        self._change(restore)
        st.streak = max(st.streak, 1)
        st.thaw = 1
        return self.scenario.scoped("moves", "repair", st.layer)

    def _share(self) -> list[str]:
        rules, st = self.rules, self.st
        good = self.move.words <= rules.share_max_words and turns_back(self.move, rules.share_short_words)
        if not good:
            self.reaction = "long_share"
            self._change(rules.move_delta("long_share"))
            return self.scenario.scoped("reactions", "long_share", st.layer)
        held_back = st.guard > 0
        self._change(rules.move_delta("self_disclosure_asked" if self.asked else "self_disclosure"))
        if self.move.question:
            reaction = self.reaction
            self.follow = self._disclose("open_question", held_back=held_back, fallback=False)
            self.reaction = "opened" if self.opened else reaction
        if self.move.kind == "not_shared":
            return self.scenario.scoped("reactions", "not_shared", st.layer)
        return self.scenario.scoped("moves", "self_disclosure", st.layer)

    def _opening(self, kind: str) -> list[str]:
        held_back = self.st.guard > 0
        self._change(self.rules.move_delta(kind))
        return self._disclose(kind, held_back=held_back, fallback=True)

    def _disclose(self, kind: str, *, held_back: bool, fallback: bool) -> list[str]:
        """Pools for what the peer tells when asked or reflected: new disclosure if they are ready.

        Args:
            kind: The listening move ("open_question" or "reflection"); its own lines are the fallback.
            held_back: The peer was holding back before this turn (a directive turn not yet listened past).
            fallback: Add the move's own lines (and withdrawn or thawing lines) after the layer lines.

        Returns:
            Pool keys, best first; without ``fallback`` only layer pools, maybe none.
        """
        st, scenario = self.st, self.scenario
        moves = scenario.scoped("moves", kind, st.layer) if fallback else []
        if st.thaw and not held_back and st.rapport < scenario.need(st.layer):
            return self._thawing(moves, fallback)
        if held_back or st.rapport < scenario.need(st.layer):
            self.reaction = "withdrawn"
            return scenario.scoped("reactions", "withdrawn", st.layer) if fallback else []
        first_after_repair, st.thaw = st.thaw == 1, 0
        pools = self._ready(kind, moves, fallback)
        thawing = scenario.scoped("reactions", "thawing", st.layer)
        if first_after_repair and fallback and any(scenario.lines(key) for key in thawing):
            # Back where they were, the peer still finds their feet first, then goes on.
            self.follow = [key for key in pools if key.startswith("layers.")]
            self.reaction = "opened" if self.opened else "thawing"
            return [*thawing, *pools]
        return pools

    def _ready(self, kind: str, moves: list[str], fallback: bool) -> list[str]:
        """Pools for a peer ready to talk at their depth: a deeper layer, what fits here, or their step."""
        st, scenario = self.st, self.scenario
        # Unsaid lines of this layer and the ones above it (a listening trainee never hears filler while
        # the peer still has something to say; surface small talk would read as closing up again), the
        # one that fits the message best first, then the move's own lines for when there is nothing new.
        here = self._layers(range(st.layer, 0, -1)) or self._layers([0])
        if st.layer == scenario.deepest and self._step_named():
            # The peer has named their own step: they stay with it rather than list more plans, unless
            # the trainee asks about something particular they haven't said yet.
            step = self._fitting([f"layers.{scenario.layers[-1].id}"], 1, labels=False)
            earlier = self._fitting(here, STRONG_FIT, labels=False)
            if step and earlier and self._fit(earlier[0], labels=False) <= self._fit(step[0], labels=False):
                earlier = []
            return [*earlier, *step, *moves]
        deeper = st.layer + 1
        if (deeper <= scenario.deepest and st.rapport >= scenario.need(deeper)
                and st.dwell >= self.rules.turns_per_layer and not (deeper == scenario.deepest and st.locked)
                and not self._fits_here_better(here, f"layers.{scenario.layers[deeper].id}")):
            st.layer, st.dwell = deeper, 0
            self.opened = scenario.layers[deeper].id
            self.reaction = "opened"
            moves = scenario.scoped("moves", kind, st.layer) if fallback else []
            return [f"layers.{self.opened}", *here, *moves]
        return [*self._fitting(here, 1), *here, *moves]

    def _thawing(self, moves: list[str], fallback: bool) -> list[str]:
        """After a repair, while rapport is below the current layer's need: the peer comes back gradually.

        The first listening move after the repair gets a thawing line and, when rapport lets the peer say
        something of an earlier layer again, that too; later ones get what the peer is ready to say
        first, then thawing lines.
        """
        st, scenario = self.st, self.scenario
        self.reaction = "thawing"
        reachable = self._layers(i for i in range(st.layer, 0, -1) if scenario.need(i) <= st.rapport)
        reachable = [*self._fitting(reachable, 1), *reachable]
        thawing = scenario.scoped("reactions", "thawing", st.layer)
        first, st.thaw = st.thaw == 1, 2
        if not fallback:
            return reachable
        if not first:
            return [*reachable, *thawing, *moves]
        if any(scenario.lines(key) for key in thawing):
            self.follow = reachable
        return [*thawing, *reachable, *moves]

    def _layers(self, indexes: Iterable[int]) -> list[str]:
        return [f"layers.{self.scenario.layers[i].id}" for i in indexes]

    def _fitting(self, pools: list[str], least: int, *, labels: bool = True) -> list[str]:
        """The pool whose unsaid line fits the message best (at least ``least`` shared words), if any."""
        best, where = least - 1, []
        for pool_key in pools:
            fit = self._fit(pool_key, labels=labels)
            if fit > best:
                best, where = fit, [pool_key]
        return where

    def _fit(self, pool_key: str, *, labels: bool = True) -> int:
        return self.said.best_fit([pool_key], self.text, labels=labels)

    def _step_named(self) -> bool:
        prefix = f"layers.{self.scenario.layers[-1].id}#"
        return any(key.startswith(prefix) for key in self.said.last_use)

    def _fits_here_better(self, here: list[str], deeper: str) -> bool:
        """Whether the trainee asked about something the peer has still to say at this depth."""
        fit_here = self.said.best_fit(here, self.text)
        return fit_here > 0 and fit_here > self.said.best_fit([deeper], self.text)


def closing_line(scenario: Scenario, state: dict[str, Any] | None, used: Sequence[str],
                 seed: str) -> tuple[str, str] | None:
    """How the peer closes the conversation: warmer once they have opened up and still trust the trainee.

    Args:
        scenario: The scenario being practised.
        state: The peer state (the ``peer_state`` slot).
        used: Line keys already said.
        seed: Deterministic variation.

    Returns:
        ``(line_key, text)``, or None when the scenario has no closing lines.
    """
    st = PeerState.from_dict(state, scenario)
    feelings = min(2, scenario.deepest)
    opened = st.layer >= feelings and st.guard == 0 and st.rapport >= scenario.need(feelings)
    pools = ["closing.open", "closing.guarded"] if opened else ["closing.guarded", "closing.open"]
    return pick_line(scenario, pools, used, seed)
