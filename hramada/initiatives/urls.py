from django.urls import path

from .views import manage, public

app_name = "initiatives"

M = "manage/initiatives/<slug:slug>/"

urlpatterns = [
    path("initiatives/", public.initiative_list, name="list"),
    path("initiatives/<slug:slug>/", public.initiative_detail, name="detail"),
    path("initiatives/<slug:slug>/shifts/<pid:shift>/sign-up/", public.shift_sign_up, name="sign_up"),
    path("initiatives/from-plan/<pid:plan>/", public.from_plan, name="from_plan"),
    path("me/volunteering/", public.my_volunteering, name="my_volunteering"),
    path("me/volunteering/<pid:signup>/cancel/", public.signup_cancel, name="cancel"),
    path("manage/organisations/<slug:slug>/initiatives/", manage.org_initiatives, name="org_list"),
    path("manage/organisations/<slug:slug>/initiatives/new/", manage.initiative_new, name="new"),
    path("manage/initiatives/from-award/<pid:award>/", manage.from_award, name="from_award"),
    path(M, manage.overview, name="manage"),
    path(M + "edit/", manage.edit, name="edit"),
    path(M + "publish/", manage.publish, name="publish"),
    path(M + "organisers/", manage.organiser_add, name="organiser_add"),
    path(M + "organisers/<int:organiser>/remove/", manage.organiser_remove, name="organiser_remove"),
    path(M + "partners/", manage.partners, name="partners"),
    path(M + "activities/", manage.activities, name="activities"),
    path(M + "activities/<int:activity>/remove/", manage.activity_remove, name="activity_remove"),
    path(M + "budget/", manage.budget, name="budget"),
    path(M + "budget/<pid:expense>/receipt/", manage.receipt, name="receipt"),
    path(M + "budget/<pid:expense>/delete/", manage.expense_delete, name="expense_delete"),
    path(M + "updates/", manage.updates, name="updates"),
    path(M + "updates/<pid:update>/delete/", manage.update_delete, name="update_delete"),
    path(M + "volunteers/", manage.volunteers, name="volunteers"),
    path(M + "volunteers/<pid:signup>/hours/", manage.hours, name="hours"),
    path(M + "volunteers/<pid:signup>/cancel/", manage.signup_cancel, name="signup_cancel"),
]
