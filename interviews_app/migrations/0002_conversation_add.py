import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('conversations', '0001_initial'),
        ('interviews_app', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='interview',
            name='conversation',
            field=models.OneToOneField(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='interview', to='conversations.conversation'),
        ),
    ]
