import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('conversations', '0001_initial'),
        ('sessions_app', '0002_analysis_run_id'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='session',
            name='conversation',
            field=models.OneToOneField(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='session', to='conversations.conversation'),
        ),
    ]
