"""A time budget for rule checks, so a rule that never returns cannot hang a run.

How: the engine numbers each rule call and writes the number of the call in progress to a
:class:`RuleWatch` (two assignments per call, no system call). A watchdog thread wakes
every ``budget`` seconds while a watch is armed; a call that was in progress at its
previous wake-up too has run for at least ``budget`` seconds, so the watchdog sends
``SIGALRM`` to the main thread, whose handler raises :class:`RuleOvertime` inside the
rule. An interrupted rule ran for at least the budget, and no rule runs for more than
twice it. The engine turns the interruption into an ``error`` finding for that rule, and
the run goes on.

Arming is once per subject run (one case's, one policy's rules) or per batch, and costs a
few Python assignments: no timer is set per case (``setitimer`` twice per case cost more
than all the rule calls' bookkeeping together, and would clash with a host's own timer,
such as a test timeout). The thread sleeps while nothing is armed.

Only the main thread can be interrupted (Python runs signal handlers there), so the
budget is enforced on Unix in the main thread, when no other ``SIGALRM`` handler is
installed; elsewhere (other threads, Windows, a host with its own handler) it is not, as
docs/plugins.md says. The handler, installed on first use, ignores a ``SIGALRM`` it did
not ask for. A check blocked inside C code that does not return to the interpreter (a
blocking read, say) is interrupted only when it returns.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from types import CodeType, FrameType

__all__ = ["DEFAULT_RULE_TIME_BUDGET", "RuleOvertime", "RuleWatch"]

#: Seconds one rule check may run before it is stopped and reported as an error.
DEFAULT_RULE_TIME_BUDGET = 10.0


class RuleOvertime(BaseException):
    """Raised inside a rule check that overran its budget.

    A BaseException, so a rule's own ``except Exception`` cannot swallow it.
    """


class RuleWatch:
    """Watches the rule calls of one engine; see the module docstring for the mechanism.

    The caller marks each rule call, inside :meth:`armed`, by setting ``running`` to a
    number this watch has not used before (``calls`` keeps the last one) before the call,
    and to 0 right after it (first thing in its exception handlers too). ``callers`` are
    the code objects of the functions that make the calls: an alarm that lands in one of
    them (the rule has just returned or raised) interrupts nothing.
    """

    __slots__ = ("_callers", "_depth", "_overdue", "_seen", "budget", "calls", "running")

    def __init__(self, budget: float | None, callers: tuple[CodeType, ...] = ()) -> None:
        if budget is not None and budget < 0:
            raise ValueError(f"a rule time budget is a number of seconds >= 0, not {budget}")
        self.budget = budget if budget else None
        self.calls = 0
        #: the call in progress (0: none)
        self.running = 0
        self._callers = frozenset(callers)
        self._depth = 0
        #: the call seen in progress at the watchdog's last wake-up
        self._seen = -1
        #: the call the watchdog found over budget
        self._overdue = -1

    def armed(self) -> _Armed:
        """Watch the rule calls inside (a context manager); nested uses keep the outer one."""
        return _Armed(self)

    def _tick(self, frame: FrameType | None) -> None:
        running = self.running
        if not running or running != self._overdue:
            return  # the call the watchdog saw has ended
        if frame is not None and frame.f_code in self._callers:
            return
        # The watchdog sends it again a budget later, should the rule swallow it.
        raise RuleOvertime(f"ran for longer than its time budget of {self.budget:g} s")


class _Armed:
    """A watch armed for one subject run or batch (a context manager)."""

    __slots__ = ("_armed", "_watch")

    def __init__(self, watch: RuleWatch) -> None:
        self._watch = watch
        self._armed = False

    def __enter__(self) -> None:
        global _ACTIVE
        watch = self._watch
        watch._depth += 1
        if (
            watch._depth > 1
            or watch.budget is None
            or _ACTIVE is not None
            or threading.current_thread() is not threading.main_thread()
            or not (_STARTED or _start())
        ):
            return
        _ACTIVE = watch
        if not _WAKE.is_set():
            _WAKE.set()
        self._armed = True

    def __exit__(self, *exc: object) -> None:
        global _ACTIVE
        watch = self._watch
        watch._depth -= 1
        if self._armed:
            _ACTIVE = None
            watch.running = 0


#: The armed watch (one at a time: only the main thread is watched).
_ACTIVE: RuleWatch | None = None
#: Whether the handler is installed and the watchdog thread is running in this process.
_STARTED = False
#: Whether the host has a SIGALRM handler of its own (then budgets are not enforced).
_REFUSED = False
#: Set while a watch may be armed; the watchdog waits on it when idle.
_WAKE = threading.Event()


def _start() -> bool:
    global _STARTED, _REFUSED
    if _REFUSED or not hasattr(signal, "pthread_kill"):
        return False
    handler = signal.getsignal(signal.SIGALRM)
    if handler is not _on_alarm:
        if handler not in (signal.SIG_DFL, None):
            _REFUSED = True
            return False
        signal.signal(signal.SIGALRM, _on_alarm)
    threading.Thread(target=_watchdog, name="complaintrules-rule-budget", daemon=True).start()
    _STARTED = True
    return True


def _watchdog() -> None:
    main = threading.main_thread().ident
    assert main is not None
    while True:
        watch = _ACTIVE
        if watch is None:
            _WAKE.clear()
            if _ACTIVE is None:  # an arming after the clear sets the event again
                _WAKE.wait()
            continue
        time.sleep(watch.budget or 1.0)  # an armed watch has a budget
        if _ACTIVE is not watch:
            continue
        running = watch.running
        if running and running == watch._seen:
            watch._overdue = running  # in progress at two wake-ups a budget apart
            if signal.getsignal(signal.SIGALRM) is _on_alarm:
                signal.pthread_kill(main, signal.SIGALRM)
        watch._seen = running


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    watch = _ACTIVE
    if watch is not None:
        watch._tick(frame)


def _after_fork() -> None:
    global _ACTIVE, _STARTED, _WAKE
    _ACTIVE = None
    _STARTED = False  # the watchdog thread does not survive a fork
    _WAKE = threading.Event()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)
