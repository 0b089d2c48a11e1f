"""The docs say what the code does: contract table and commands."""

import re
from pathlib import Path

from profmon.contract_doc import BEGIN, END, contract_markdown

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_contract_table_is_generated_from_the_fields():
    block = README[README.index(BEGIN) + len(BEGIN) : README.index(END)]
    assert block.strip() == contract_markdown().strip()


def test_ci_runs_the_readme_test_command():
    commands = re.findall(r"```sh\n(.+?)\n```", README, flags=re.S)
    assert "make all" in commands and "make check" in commands
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make check$", ci, flags=re.M)


def test_makefile_has_the_readme_targets():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("all", "check", "help"):
        assert re.search(rf"^{target}:", makefile, flags=re.M), target
