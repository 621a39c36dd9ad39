"""{% load paintrace_words %}: `{{ name|in_sentence }}` for a source or muscle name inside a
sentence, "L5 nerve root" kept, "Piriformis" -> "piriformis" (Django's |lower made "l5")."""

from django import template

from paintrace.wording import in_sentence as _in_sentence

register = template.Library()


@register.filter(is_safe=True)
def in_sentence(name: str) -> str:
    return _in_sentence(str(name))
