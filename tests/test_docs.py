"""The documentation builds without warnings, offline, and documents every public name.

The build runs ``sphinx-build -W`` with ``plot_gallery=0``: the gallery pages are
made but the examples are not run again (``tests/test_examples.py`` runs them).
"""

import ast
import importlib
import pathlib
import re
import subprocess
import sys
import types

import pytest

ROOT = pathlib.Path(__file__).parents[1]
DOC = ROOT / "doc"
# Every namespace whose __all__ is public API.
NAMESPACES = ["skmist", "skmist.estimators", "skmist.functional", "skmist.nn",
              "skmist.datasets", "skmist.benchmark", "skmist.selection",
              "skmist.timeseries"]


def _public(namespace):
    module = importlib.import_module(namespace)
    for name in module.__all__:
        obj = getattr(module, name)
        if not name.startswith("__") and not isinstance(obj, types.ModuleType):
            yield name, obj


def _apigen():
    sys.path.insert(0, str(DOC))
    try:
        return importlib.import_module("_apigen")
    finally:
        sys.path.remove(str(DOC))


def test_api_page_lists_every_public_name():
    """Without Sphinx: the generated API page has an entry for every name in every
    namespace's __all__ (re-exports once, under one of their public paths)."""
    documented = {}
    for _, _, namespace, sections in _apigen().api_entries():
        module = importlib.import_module(namespace)
        for names in sections.values():
            for name in names:
                documented.setdefault((name, id(getattr(module, name))), []).append(
                    f"{namespace}.{name}")
    missing = [f"{namespace}.{name}" for namespace in NAMESPACES
               for name, obj in _public(namespace) if (name, id(obj)) not in documented]
    assert not missing, f"not in the API reference: {missing}"
    twice = {k: v for k, v in documented.items() if len(v) > 1}
    assert not twice, f"documented twice: {twice}"


@pytest.fixture(scope="module")
def html(tmp_path_factory):
    pytest.importorskip("sphinx")
    pytest.importorskip("numpydoc")
    pytest.importorskip("sphinx_gallery")
    out = tmp_path_factory.mktemp("doc")
    build = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html",
         "-D", "plot_gallery=0", "-d", str(out / "doctrees"), str(DOC), str(out / "html")],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )
    assert build.returncode == 0, (build.stdout[-3000:] + build.stderr[-5000:])
    return out / "html"


def test_docs_build_without_warnings(html):
    for page in ["index", "getting_started", "user_guide", "api", "auto_examples/index"]:
        assert (html / f"{page}.html").is_file(), page


def test_every_public_name_has_a_page(html):
    pages = {path.stem for path in (html / "generated").glob("*.html")}
    missing = []
    for namespace in NAMESPACES:
        for name, obj in _public(namespace):
            # Documented under any public path that holds the same object.
            paths = [f"{other}.{name}" for other in NAMESPACES
                     if getattr(importlib.import_module(other), name, None) is obj]
            if not pages.intersection(paths):
                missing.append(f"{namespace}.{name}")
    assert not missing, f"no API page for: {missing}"


def test_every_example_is_in_the_gallery(html):
    examples = sorted((ROOT / "examples").glob("plot_*.py"))
    assert examples
    for path in examples:
        assert (html / "auto_examples" / f"{path.stem}.html").is_file(), path.name


def test_builds_offline():
    """No extension that fetches from the network at build time."""
    tree = ast.parse((DOC / "conf.py").read_text())
    assigned = {target.id: node.value for node in tree.body if isinstance(node, ast.Assign)
                for target in node.targets if isinstance(target, ast.Name)}
    extensions = ast.literal_eval(assigned["extensions"])
    assert not [e for e in extensions if "intersphinx" in e]
    assert "intersphinx_mapping" not in assigned


# --- one source for every figure ---------------------------------------------------------

# A number, as the documents write them: 0.048, -0.49, 2.66e+05, 5.2x, 10,000.
FIGURE = re.compile(r"(?<![\w.])\d+(?:,\d{3})*(?:\.\d+)?(?:e[+-]?\d+)?x?(?![\w])")
# The user guide's own figures, which the README does not repeat.
GUIDE_ONLY = {
    "1889",  # SMILE's score on student-identity-2-2-1 (Cauchy margins)
    "2009",  # a year: Barnett, Barrett and Seth on Granger causality and TE
}


def _figures(text):
    return FIGURE.findall(text)


def _rst_tables(text):
    """``{first cell: [cells]}`` of every list-table row of an RST document."""
    rows, row = {}, None
    for line in text.splitlines():
        cell = re.match(r"\s*(\*)? +- (.*)", line)
        if cell and cell[1]:
            row = [cell[2].strip()]
            rows[row[0]] = row
        elif cell and row is not None:
            row.append(cell[2].strip())
        elif not line.strip().startswith("- "):
            row = None if not line.strip() else row
    return rows


def _markdown_tables(text):
    """``{first cell: [row, ...]}``: a name may head rows of several tables."""
    rows = {}
    for line in text.splitlines():
        if line.startswith("| "):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            rows.setdefault(cells[0], []).append(cells)
    return rows


def test_every_figure_of_the_user_guide_is_the_readmes():
    readme = (ROOT / "README.md").read_text()
    guide = (DOC / "user_guide.rst").read_text()
    # Layout numbers of the RST tables and the code examples' arguments are not figures.
    guide = re.sub(r"^\s*:widths:.*$", "", guide, flags=re.M)
    guide = re.sub(r"\.\. code-block::.*\n\n(?:(?: {3}.*)?\n)+", "", guide)
    known = set(_figures(readme)) | GUIDE_ONLY
    missing = sorted({f for f in _figures(guide) if f not in known})
    assert not missing, f"figures in doc/user_guide.rst that the README does not have: {missing}"


def test_tables_in_both_documents_agree_row_by_row():
    readme = _markdown_tables((ROOT / "README.md").read_text())
    guide = _rst_tables((DOC / "user_guide.rst").read_text())
    compared = 0
    for name, cells in guide.items():
        key = name.replace("``", "`")
        if key in readme:
            # The README's tables may have more columns (fit time), never other values.
            expected = [c.replace("``", "`") for c in cells]
            assert expected in [row[:len(cells)] for row in readme[key]], (key, readme[key])
            compared += 1
    assert compared >= 25  # the accuracy, generative and ground-truth tables
