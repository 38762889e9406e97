"""Compose to Kubernetes conversion: `convert(project, options) -> ConvertResult`.

Each module builds one family of Kubernetes objects as plain dicts (keys in Kubernetes' usual
order); `pipeline` ties them together. Nothing here prints or touches YAML text.
"""

from __future__ import annotations

from kconv.convert.notes import Note
from kconv.convert.options import ConvertOptions
from kconv.convert.pipeline import ConvertResult, convert

__all__ = ["ConvertOptions", "ConvertResult", "Note", "convert"]
