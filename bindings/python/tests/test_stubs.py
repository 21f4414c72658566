"""The type stubs (rs_habe.pyi) name exactly what the extension has, and ship in the wheel."""

import ast
import importlib.util
import pathlib

import rs_habe

STUB = pathlib.Path(__file__).resolve().parents[1] / "rs_habe.pyi"


def stub_tree():
    return ast.parse(STUB.read_text())


def public(names):
    return {n for n in names if not n.startswith("_")}


def test_stub_names_match_module():
    tree = stub_tree()
    top = set()
    classes = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            top.add(node.name)
            classes[node.name] = {
                n.name if isinstance(n, (ast.FunctionDef,)) else n.target.id
                for n in node.body
                if isinstance(n, ast.FunctionDef) or (isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name))
            }
        elif isinstance(node, ast.FunctionDef):
            top.add(node.name)
    assert public(top) == public(dir(rs_habe)) - {"rs_habe"}
    for name, members in classes.items():
        cls = getattr(rs_habe, name)
        if issubclass(cls, BaseException):
            continue
        assert public(members) == public(set(vars(cls))), name


def test_stubs_are_installed():
    spec = importlib.util.find_spec("rs_habe")
    folder = pathlib.Path(spec.origin).parent
    assert (folder / "py.typed").exists()
    assert (folder / "__init__.pyi").exists() or (folder / "rs_habe.pyi").exists()
