"""The Python quick starts of the READMEs run as written."""

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[3]


def python_blocks(path):
    return re.findall(r"```python\n(.*?)```", path.read_text(), re.S)


def test_quick_starts_run():
    for readme in [ROOT / "README.md", ROOT / "bindings" / "python" / "README.md"]:
        blocks = python_blocks(readme)
        assert blocks, readme
        for block in blocks:
            exec(compile(block, str(readme), "exec"), {})
