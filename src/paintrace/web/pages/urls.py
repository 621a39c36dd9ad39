from django.urls import path

from paintrace.web.pages import views

urlpatterns = [
    path("", views.bodymap_page, name="pt-bodymap"),
    path("interview/", views.interview, name="pt-interview"),
    path("a/<str:aid>/", views.result, name="pt-result"),
    path("a/<str:aid>/answer/", views.answer, name="pt-answer"),
    path("a/<str:aid>/delete/", views.delete, name="pt-delete"),
    path("a/<str:aid>/session/", views.session, name="pt-session"),
    path("a/<str:aid>/plan.pdf", views.plan_pdf, name="pt-plan-pdf"),
    path("faq/", views.faq, name="pt-faq"),
]
