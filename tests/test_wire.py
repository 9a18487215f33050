"""The grader <-> worker channel: plain data only, functions by name, in-place changes carried back."""

import numpy as np
import pytest

from autograder.checks.compare import call
from autograder import wire
from autograder.grading.student.remote import RemoteFunction


def roundtrip(message, fixtures=False):
    data = wire.pack(message)
    pos = [0]

    def read(n):
        pos[0] += n
        return data[pos[0] - n:pos[0]]
    return wire.read_message(read, fixtures=fixtures)


def test_nested_values_survive():
    value = {"a": (np.arange(3.0), [1, 2.5, None, "s"]), "b": np.float32(2.0), "c": np.array(True)}
    back = roundtrip({"v": value})["v"]
    assert wire.same(back["a"], value["a"]) and back["b"] == 2.0 and back["c"].dtype == bool


@pytest.mark.parametrize("bad", [object(), np.array([object()]), {1: 2}, lambda x: x])
def test_non_data_is_refused(bad):
    with pytest.raises(wire.Unserializable):
        wire.pack({"v": bad})


def test_fixture_is_rebuilt_only_in_the_worker():
    f = wire.Fixture("quadratic", np.eye(2), np.ones(2))
    assert callable(roundtrip({"f": f}, fixtures=True)["f"])
    with pytest.raises(ValueError, match="only by the worker"):
        roundtrip({"f": f})


def test_same_sees_nested_changes():
    a = [(np.zeros(2), np.ones(2))]
    b = [(np.zeros(2), np.array([1.0, 2.0]))]
    assert wire.same(a, a) and not wire.same(a, b)
    assert wire.same(float("nan"), float("nan")) and not wire.same(1, 1.0)


def _mutate_nested(params):
    params[0][1][0] = 99.0
    return 0.0


def test_call_rejects_mutation_of_nested_arrays():
    with pytest.raises(AssertionError, match="changed its argument params in place"):
        call(_mutate_nested, "f(params)", params=[(np.zeros(2), np.zeros(2))])


def test_remote_calls_carry_back_nested_changes_and_fixtures(make_worker):
    worker = make_worker(timeout=20, allow_weak=True)  # the channel, in whichever sandbox is here
    try:
        assert worker.run("def mutate(params):\n    params[0][1][0] = 99.0\n    return 1\n"
                          "def grad_at_zero(f, x):\n    return f(x)\n") is None
        params = [(np.zeros(2), np.zeros(2))]
        with pytest.raises(AssertionError, match="changed its argument params"):
            call(RemoteFunction(worker, "mutate"), "mutate(params)", params=params)
        f = wire.Fixture("sin_sum", 2.0)
        x = np.array([0.1, 0.2])
        assert RemoteFunction(worker, "grad_at_zero")(f, x) == pytest.approx(f(x))
    finally:
        worker.close()
