import gc

from srccompare.engines.base import cycle_collection_paused
from srccompare.engines.local import WORKER_YOUNG_OBJECTS, LocalEngine


def _square(value: int) -> int:
    return value * value


def _frozen_objects(_: int) -> int:
    return gc.get_freeze_count()


def _collector(_: int) -> tuple[bool, int]:
    return gc.isenabled(), gc.get_threshold()[0]


def test_results_come_in_task_order_whatever_the_workers():
    for workers in (1, 2):
        done: list[int] = []
        with LocalEngine(workers) as engine:
            assert engine.map(_square, list(range(20)), on_done=done.append) == [n * n for n in range(20)]
        assert done == list(range(1, 21))


def test_workers_set_the_objects_they_inherit_apart_from_the_collector():
    inherited = [[n] for n in range(10_000)]  # objects this process holds when the workers start
    with LocalEngine(2) as engine:
        counts = engine.map(_frozen_objects, [0, 1, 2, 3])
    assert min(counts) >= len(inherited)
    assert gc.get_freeze_count() == 0  # not this process's


def test_workers_collect_even_when_started_while_collection_is_paused():
    with cycle_collection_paused(), LocalEngine(2) as engine:
        assert engine.map(_collector, [0, 1, 2, 3]) == [(True, WORKER_YOUNG_OBJECTS)] * 4


def test_collection_paused_then_restored_as_it_was():
    assert gc.isenabled()
    with cycle_collection_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with cycle_collection_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # it was off before: stays off
    finally:
        gc.enable()
