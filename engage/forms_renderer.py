from django.forms.renderers import TemplatesSetting


class GovukFormRenderer(TemplatesSetting):
    """Renders every form field in the GOV.UK form-group, hint and error-message patterns."""

    form_template_name = "components/forms/form.html"
    field_template_name = "components/forms/field.html"
