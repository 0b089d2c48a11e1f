"""Public docstrings match signatures (numpydoc), so they cannot drift."""

import enum
import importlib
import inspect
import pkgutil

import pytest
from numpydoc.validate import validate

import profmon

# Parameters documented and in signature order, every public object documented.
CHECKED = {"GL08", "PR01", "PR02", "PR03", "PR06", "PR08", "RT03", "YD01"}


def _public_objects():
    for module_info in pkgutil.walk_packages(profmon.__path__, "profmon."):
        if module_info.name.endswith("__main__"):
            continue
        module = importlib.import_module(module_info.name)
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            if getattr(obj, "__module__", None) != module.__name__:
                continue  # re-exported: checked where it is defined
            # numpydoc reads an Enum class's signature from EnumType.__call__
            # (value, names, module, qualname, type, start, boundary), which is
            # not the class's API; ruff's D101 still requires its docstring.
            if not (inspect.isclass(obj) and issubclass(obj, enum.Enum)):
                yield f"{module.__name__}.{name}"
            if inspect.isclass(obj):
                for attribute, member in vars(obj).items():
                    if attribute.startswith("_") or not inspect.isfunction(member):
                        continue
                    yield f"{module.__name__}.{name}.{attribute}"


OBJECTS = sorted(set(_public_objects()))


def test_there_are_public_objects_to_check():
    assert len(OBJECTS) > 50


@pytest.mark.parametrize("path", OBJECTS)
def test_docstring_matches_signature(path):
    errors = [
        f"{code}: {message}"
        for code, message in validate(path)["errors"]
        if code in CHECKED
    ]
    assert not errors, "\n".join(errors)
