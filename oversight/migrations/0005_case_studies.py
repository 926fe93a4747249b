from django.db import migrations


def load(apps, schema_editor):
    from oversight.case_studies import load as load_studies

    load_studies(apps)


def unload(apps, schema_editor):
    from oversight.case_studies import unload as unload_studies

    unload_studies(apps)


class Migration(migrations.Migration):
    dependencies = [("oversight", "0004_scrutiny_and_apcc")]

    operations = [migrations.RunPython(load, unload)]
