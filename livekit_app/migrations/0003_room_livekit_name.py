"""Rooms get `livekit_name`, their name on the LiveKit server (0004 makes names unique per owner).

Existing rooms keep their name on the LiveKit server (livekit_name = name), so rooms that are open,
tokens already handed out and passes already issued keep working.
"""

from django.db import migrations, models


def copy_names(apps, schema_editor):
    Room = apps.get_model("livekit_app", "Room")
    Room.objects.update(livekit_name=models.F("name"))


class Migration(migrations.Migration):

    dependencies = [
        ('livekit_app', '0002_verbose_names'),
    ]

    operations = [
        migrations.AddField(
            model_name='room',
            name='livekit_name',
            field=models.CharField(default='', editable=False, max_length=96, verbose_name='LiveKit room name'),
            preserve_default=False,
        ),
        migrations.RunPython(copy_names, migrations.RunPython.noop),
    ]
