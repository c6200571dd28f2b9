"""The outlines that ship with baocao, kept as YAML files beside this module."""

from importlib import resources

from baocao.outline.model import Outline
from baocao.outline.serialize import load_yaml

DEFAULT_SLUG = "nq20-10-nam"


def builtin_slugs() -> list[str]:
    folder = resources.files("baocao.outline") / "builtin"
    return sorted(
        p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml")
    )


def builtin_yaml(slug: str = DEFAULT_SLUG) -> str:
    path = resources.files("baocao.outline") / "builtin" / f"{slug}.yaml"
    return path.read_text(encoding="utf-8")


def load_builtin(slug: str = DEFAULT_SLUG) -> Outline:
    return load_yaml(builtin_yaml(slug))
