"""The desk's autosaved copies (one per user and article) and presence rows (heartbeats, take-over)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('articles', '0003_bench_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='DraftCopy',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('based_on_version', models.PositiveIntegerField(verbose_name='based on version')),
                ('data', models.JSONField(default=dict, verbose_name='form fields')),
                ('saved_at', models.DateTimeField(verbose_name='saved at')),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='articles.article', verbose_name='article')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='user')),
            ],
            options={
                'verbose_name': 'autosaved copy',
                'verbose_name_plural': 'autosaved copies',
                'constraints': [models.UniqueConstraint(fields=('user', 'article'), name='draftcopy_one_per_user_article')],
            },
        ),
        migrations.CreateModel(
            name='Presence',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('last_seen', models.DateTimeField(verbose_name='last seen')),
                ('editing', models.BooleanField(default=False, verbose_name='may edit')),
                ('taken_over_at', models.DateTimeField(blank=True, null=True, verbose_name='taken over at')),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='articles.article', verbose_name='article')),
                ('taken_over_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='taken over by')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='user')),
            ],
            options={
                'verbose_name': 'presence',
                'verbose_name_plural': 'presences',
                'indexes': [models.Index(fields=['article', 'last_seen'], name='presence_article_seen')],
                'constraints': [models.UniqueConstraint(fields=('user', 'article'), name='presence_one_per_user_article')],
            },
        ),
    ]
