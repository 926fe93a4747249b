from django.db import migrations


def load(apps, schema_editor):
    from oversight.question_bank import load as load_bank

    load_bank(apps)


class Migration(migrations.Migration):
    dependencies = [("oversight", "0002_question_bank")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
