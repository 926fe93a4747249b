"""Filters that put GOV.UK Frontend classes on Django's own widget markup.

Used by templates/components/forms/field.html, so Django still renders every
input (name, value, required, checked, aria-invalid) and these only add classes.
"""

from __future__ import annotations

from django import template
from django.forms import BoundField, DecimalField, FloatField, NumberInput, TextInput
from django.forms.boundfield import BoundWidget
from django.utils.safestring import SafeString

register = template.Library()

# Base classes that GOV.UK pairs with an "--error" modifier.
ERROR_MODIFIED = {"govuk-input", "govuk-select", "govuk-textarea", "govuk-file-upload"}

# GOV.UK's fixed input widths, in characters.
INPUT_WIDTHS = (2, 3, 4, 5, 10, 20, 30)


def _join(*classes: str | None) -> str:
    return " ".join(c for c in classes if c)


def _input_width_class(field: BoundField, existing: str) -> str:
    """A width that hints at the expected answer, unless the form chose one."""
    if "width" in existing:
        return ""
    if field.widget_type in {"number", "date", "time"}:
        return "govuk-input--width-10"
    max_length = getattr(field.field, "max_length", None)
    for width in INPUT_WIDTHS:
        if max_length and max_length <= width:
            return f"govuk-input--width-{width}"
    return ""


@register.filter
def govuk_widget(field: BoundField, css_class: str) -> SafeString:
    """Render the field's widget with a GOV.UK class, error modifier and width.

    aria-describedby comes from Django (the ``_helptext`` and ``_error`` ids
    field.html uses), so hint and error stay announced with the input.
    """
    widget = field.field.widget
    existing = widget.attrs.get("class", "")
    classes = [css_class]
    if css_class in ERROR_MODIFIED and field.errors:
        classes.append(f"{css_class}--error")
    if css_class == "govuk-input":
        classes.append(_input_width_class(field, existing))
    attrs = {"class": _join(existing, *classes)}
    if describedby := field.aria_describedby:
        attrs["aria-describedby"] = describedby
    if isinstance(widget, NumberInput):
        # GOV.UK advises against type="number": it rounds, scrolls and
        # accepts "e". Server-side validation still applies the limits.
        numeric = {k: v for k, v in widget.attrs.items() if k not in {"min", "max", "step"}}
        inputmode = "decimal" if isinstance(field.field, (DecimalField, FloatField)) else "numeric"
        plain = TextInput(attrs={**numeric, "inputmode": inputmode, "spellcheck": "false"})
        return field.as_widget(widget=plain, attrs=attrs)
    return field.as_widget(attrs=attrs)


@register.filter
def govuk_choice(choice: BoundWidget, css_class: str) -> SafeString:
    """Render one radio or checkbox of a field's subwidgets with a GOV.UK class."""
    attrs = {**choice.data["attrs"]}
    attrs["class"] = _join(attrs.get("class"), css_class)
    return BoundWidget(choice.parent_widget, {**choice.data, "attrs": attrs}, choice.renderer).tag()


@register.filter
def govuk_error_target(field: BoundField) -> str:
    """The id an error summary link should focus: the first input of the field.

    Radios, checkbox lists and multi-widgets have no single id_for_label, so
    point at the first of their inputs, which Django numbers ``_0``.
    """
    return field.id_for_label or (f"{field.auto_id}_0" if field.auto_id else "")


@register.filter
def govuk_has_errors(form) -> bool:
    """True for a bound form or formset that failed validation; False for anything else."""
    if not getattr(form, "is_bound", False):
        return False
    if hasattr(form, "total_error_count"):
        return form.total_error_count() > 0
    return bool(form.errors)
