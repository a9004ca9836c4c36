"""Room names are unique per owner; `livekit_name` is the globally unique one (filled by 0003).

Apart from 0003 so that no schema change shares a PostgreSQL transaction with 0003's row updates.
"""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('livekit_app', '0003_room_livekit_name'),
    ]

    operations = [
        migrations.AlterField(
            model_name='room',
            name='livekit_name',
            field=models.CharField(editable=False, max_length=96, unique=True, verbose_name='LiveKit room name'),
        ),
        migrations.AlterField(
            model_name='room',
            name='name',
            field=models.CharField(max_length=64, validators=[django.core.validators.RegexValidator('^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$', "Room names are 1-64 characters: letters, digits, '-' and '_', starting with a letter or digit.", code='invalid_room_name')]),
        ),
        migrations.AddConstraint(
            model_name='room',
            constraint=models.UniqueConstraint(fields=('owner', 'name'), name='livekit_unique_owner_room_name'),
        ),
    ]
