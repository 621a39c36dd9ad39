from django.urls import path

from paintrace.web.pages import account_views as acc
from paintrace.web.pages import entry_views as entries
from paintrace.web.pages import interview_views, views
from paintrace.web.pages import share_views as share
from paintrace.web.pages import time_zone_views as tz
from paintrace.web.pages import view_link_views as vl

urlpatterns = [
    path("", views.bodymap_page, name="pt-bodymap"),
    path("interview/", interview_views.interview, name="pt-interview"),
    path("a/<str:aid>/", views.result, name="pt-result"),
    path("a/<str:aid>/answer/", views.answer, name="pt-answer"),
    path("a/<str:aid>/delete/", views.delete, name="pt-delete"),
    path("a/<str:aid>/session/", views.session, name="pt-session"),
    path("a/<str:aid>/plan.pdf", views.plan_pdf, name="pt-plan-pdf"),
    path("a/<str:aid>/save/", acc.save_to_account, name="pt-save"),
    path("a/<str:aid>/views/", vl.view_links_page, name="pt-view-links"),
    path("v/<str:token>/", vl.view_only, name="pt-view-only"),
    path("v/<str:token>/plan.pdf", vl.view_only_pdf, name="pt-view-only-pdf"),
    path("faq/", views.faq, name="pt-faq"),
    path("accounts/signup/", acc.signup, name="pt-signup"),
    path("accounts/login/", acc.login_page, name="pt-login"),
    path("accounts/logout/", acc.logout_page, name="pt-logout"),
    path("accounts/password/", acc.password_page, name="pt-password"),
    path("accounts/delete/", acc.delete_account_page, name="pt-account-delete"),
    path("accounts/time-zone/", tz.time_zone_page, name="pt-time-zone"),
    path("accounts/", acc.account_page, name="pt-account"),
    path("journal/", acc.progress_page, name="pt-progress"),
    path("journal/check-in/", acc.checkin_page, name="pt-checkin"),
    path("journal/entries/", entries.entries_page, name="pt-entries"),
    path("journal/entries/<int:entry_id>/", entries.change_entry_page, name="pt-entry"),
    path(
        "journal/entries/<int:entry_id>/delete/",
        entries.delete_entry_page,
        name="pt-entry-delete",
    ),
    path("journal/share/", share.shares_page, name="pt-shares"),
    path("journal/activities/", acc.activities_page, name="pt-activities"),
    path("journal/summary.pdf", share.summary_pdf, name="pt-summary-pdf"),
    path("s/<str:token>/", share.shared_page, name="pt-shared"),
    path("s/<str:token>/summary.pdf", share.shared_pdf, name="pt-shared-pdf"),
]
