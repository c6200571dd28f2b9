"""/viec-nen/<id>/: a background job's progress page, and its file when it made one."""

from django.urls import path

from baocao.apps.jobs import views

app_name = "jobs"

urlpatterns = [
    path("<int:job_id>/", views.job_page, name="detail"),
    path("<int:job_id>/tai-ve/", views.job_file, name="file"),
]
