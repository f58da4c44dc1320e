"""The documentation's shape: README.md is a short front door, and the MkDocs site of docs/
lists every page it has and has every page it lists (``tox -e docs`` builds it with --strict).
"""

from __future__ import annotations

import re

from tests.support import files

#: The front door's length: set-up, the three workflows, the zoo, and links to the rest.
README_MAX_LINES = 250
#: .ci/run reads CI's test command from between these markers, byte for byte.
TEST_COMMAND = ('<!-- test-command -->\n```bash\npython -m pip install ".[tf,test,history]" && '
                'python -m pytest\n```\n<!-- /test-command -->\n')


def nav_pages(mkdocs_yml: str) -> list[str]:
    """The Markdown pages the ``nav:`` of ``mkdocs_yml`` lists (``- Title: page.md`` or
    ``- page.md``, at any depth); read without a YAML parser, which the test extra lacks."""
    nav = re.search(r"^nav:\n((?:[ \t]+.*\n?|\n)*)", mkdocs_yml, re.MULTILINE)
    assert nav, "mkdocs.yml has no nav"
    return re.findall(r"^\s*-\s+(?:[^:\n]*:\s+)?([\w./-]+\.md)\s*$", nav.group(1), re.MULTILINE)


def test_readme_is_a_short_front_door():
    lines = files.README.read_text().count("\n")
    assert lines <= README_MAX_LINES, (
        f"README.md has {lines} lines, more than {README_MAX_LINES}: move the deep material to "
        "a page of docs/")


def test_readme_keeps_the_test_command_ci_runs():
    assert TEST_COMMAND in files.README.read_text()


def test_every_nav_page_exists_and_every_page_is_in_the_nav():
    listed = nav_pages(files.MKDOCS.read_text())
    assert listed, "mkdocs.yml's nav lists no page"
    assert len(listed) == len(set(listed)), f"a page is listed twice: {listed}"
    missing = [page for page in listed if not (files.DOCS / page).is_file()]
    assert not missing, f"mkdocs.yml lists pages docs/ does not have: {missing}"
    pages = sorted(path.relative_to(files.DOCS).as_posix() for path in files.DOCS.rglob("*.md"))
    unlisted = sorted(set(pages) - set(listed))
    assert not unlisted, f"pages of docs/ missing from mkdocs.yml's nav: {unlisted}"


def test_the_site_builds_strictly_from_docs():
    text = files.MKDOCS.read_text()
    assert re.search(r"^strict:\s*true\s*$", text, re.MULTILINE)
    assert re.search(r"^theme:\n\s+name:\s*material\s*$", text, re.MULTILINE)


def test_readme_links_every_page_of_the_site():
    readme = files.README.read_text()
    for page in nav_pages(files.MKDOCS.read_text()):
        assert f"(docs/{page}" in readme, f"README.md does not link docs/{page}"


def test_nav_pages_reads_titled_and_bare_entries():
    yml = ("site_name: x\nnav:\n  - Home: index.md\n  - Guide:\n    - a/b.md\n"
           "    - C d: c.md\ntheme:\n  name: material\n")
    assert nav_pages(yml) == ["index.md", "a/b.md", "c.md"]
