"""Answers are worked out a few at a time, first come first served (bot/slack/slots.py)."""

from __future__ import annotations

import threading
import time

from bot.slack.slots import Slots


def _run(slots: Slots, rounds: dict[int, int]) -> tuple[list[int], int]:
    """Threads 0..n-1 arrive 20 ms apart while the first holds its slot; each enters as many
    times as `rounds` says (again straight after leaving). The order they got in, and the most
    inside at once."""
    inside = most = 0
    order: list[int] = []
    lock = threading.Lock()
    hold = threading.Event()

    def work(n: int) -> None:
        nonlocal inside, most
        for _ in range(rounds.get(n, 1)):
            with slots:
                with lock:
                    inside += 1
                    most = max(most, inside)
                    order.append(n)
                hold.wait(5)
                time.sleep(0.002)
                with lock:
                    inside -= 1

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
        time.sleep(0.02)
    hold.set()
    for t in threads:
        t.join(5)
    return order, most


def test_a_freed_slot_goes_to_the_longest_waiting() -> None:
    # The first thread asks again straight after leaving: it waits behind the seven already
    # waiting (a plain semaphore lets it take the slot back ahead of them).
    order, most = _run(Slots(1), {0: 3})
    assert most == 1
    assert order == [0, 1, 2, 3, 4, 5, 6, 7, 0, 0]


def test_never_more_at_once_than_the_slots() -> None:
    order, most = _run(Slots(2), {})
    assert most == 2 and sorted(order) == list(range(8))


def test_a_slot_is_given_back_when_the_answer_fails() -> None:
    slots = Slots(1)
    try:
        with slots:
            raise ValueError("a broken answer")
    except ValueError:
        pass
    done = threading.Event()

    def next_answer() -> None:
        with slots:
            done.set()

    threading.Thread(target=next_answer).start()
    assert done.wait(2)


def test_a_long_answer_lets_one_more_start_beside_it() -> None:
    """One at a time; but once the answer inside has run for `after`, one more starts beside
    it (a digest over 43 forces must not hold up every short answer), and no third."""
    slots = Slots(1, extra=1, after=0.1)
    started: dict[str, float] = {}
    release = threading.Event()
    t0 = time.monotonic()

    def answer(name: str, hold: threading.Event | None) -> None:
        with slots:
            started[name] = time.monotonic() - t0
            if hold is not None:
                hold.wait(5)

    long = threading.Thread(target=answer, args=("long", release))
    long.start()
    time.sleep(0.01)
    second_done, third_done = threading.Event(), threading.Event()
    second = threading.Thread(target=lambda: (answer("second", second_done), None))
    third = threading.Thread(target=lambda: (answer("third", third_done), None))
    second.start()
    time.sleep(0.01)
    third.start()
    time.sleep(0.4)
    # the second started beside the long one once it had run 0.1 s; the third still waits
    assert 0.09 <= started["second"] < 0.3, started
    assert "third" not in started
    second_done.set()  # the second leaves: the third takes its place (the long one still runs)
    third_done.set()
    third.join(2)
    assert "third" in started
    release.set()
    for t in (long, second, third):
        t.join(2)


def test_short_answers_run_one_at_a_time() -> None:
    order, most = _run(Slots(1, extra=1, after=10.0), {})
    assert most == 1 and order == list(range(8))
