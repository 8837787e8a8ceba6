"""Make the tariff test helpers importable as `tariff_test_helpers` (importlib mode)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_NAME = "tariff_test_helpers"
if _NAME not in sys.modules:
    _spec = importlib.util.spec_from_file_location(
        _NAME, Path(__file__).with_name("helpers_tariff.py")
    )
    assert _spec and _spec.loader
    _mod = importlib.util.module_from_spec(_spec)
    sys.modules[_NAME] = _mod
    _spec.loader.exec_module(_mod)
