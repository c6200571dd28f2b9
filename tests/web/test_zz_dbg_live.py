from tests.web.test_live_rollup import *  # noqa

def test_dbg(django_user_model):
    admin = django_user_model.objects.create_superuser("quantri", password="x")
    units = build_tree()
    campaign = open_campaign(units, admin)
    report = Report.objects.get(campaign=campaign, unit=units["G11"])
    actions.save_indicator(report, "workers", 2017, "60", admin)
    actions.submit(report, admin, report.version)
    report = Report.objects.get(pk=report.pk)
    try:
        actions.accept(report, admin, report.version)
    except actions.ActionError as e:
        print("ERR", e)
        raise
