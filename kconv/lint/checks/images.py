"""Image reference checks: a mutable `:latest` tag or no tag at all."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kconv.lint.context import LintContext
from kconv.lint.rule import CheckFn, Violation, check
from kconv.model.k8s import K8sObject


def split_image(image: str) -> tuple[str, str | None, str | None]:
    """`registry:5000/app:1.2@sha256:...` -> ("registry:5000/app", "1.2", "sha256:...")."""
    digest = None
    if "@" in image:
        image, digest = image.split("@", 1)
    tag = None
    last_slash = image.rfind("/")
    colon = image.rfind(":")
    if colon > last_slash:
        image, tag = image[:colon], image[colon + 1 :]
    return image, tag, digest


@check(
    "image-tag",
    params={
        "type": "object",
        "properties": {
            "blocked_tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": True}
        },
        "additionalProperties": False,
    },
)
def image_tag(params: Mapping[str, Any]) -> CheckFn:
    """Containers whose image has no tag or a mutable tag (default: latest); digests are fine."""
    blocked = {tag.lower() for tag in params.get("blocked_tags", ["latest"])}

    def run(obj: K8sObject, ctx: LintContext) -> Iterable[Violation]:
        for ref in obj.all_containers():
            image = ref.data.get("image")
            if not isinstance(image, str) or not image.strip():
                continue
            _, tag, digest = split_image(image.strip())
            if digest:
                continue
            pointer = f"{ref.pointer}/image"
            if not tag:
                yield Violation(
                    f'container "{ref.name}" uses image "{image}" without a tag', pointer
                )
            elif tag.lower() in blocked:
                yield Violation(
                    f'container "{ref.name}" uses the mutable tag "{tag}" of image "{image}"',
                    pointer,
                )

    return run
