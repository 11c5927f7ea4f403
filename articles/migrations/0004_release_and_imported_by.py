"""An issue's release (整期签发) time, and who imported an article from a print page.

`Issue.released_at`: set by articles/workflow.py when the whole issue is released; today's paper is the newest
released issue whose time has come. `Article.imported_by`: the editor who imported it (printimport/service.py),
whom the four-eyes rule does not count as a writer. Both start empty: issues never released keep today's paper
as before (the newest with a published article), articles imported before keep counting their creator.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_bench_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="issue",
            name="released_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="released at"),
        ),
        migrations.AddField(
            model_name="article",
            name="imported_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="imported by",
            ),
        ),
    ]
