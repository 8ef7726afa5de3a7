from django.urls import path

from .views import manage, public

E = "contests/<slug:contest>/<pid:edition>/vote/"
M = "manage/" + E

app_name = "voting"
urlpatterns = [
    path("contests/voting-help/", public.help_page, name="help"),
    path("voting/challenge/", public.challenge, name="challenge"),
    path("projects/<pid:public_id>/vote/", public.cast, name="cast"),
    path("projects/<pid:public_id>/withdraw/", public.withdraw, name="withdraw"),
    path("projects/<pid:public_id>/vote-with-code/", public.code_vote, name="code_vote"),
    path(E + "results/", public.results, name="results"),
    path(E + "mine/", public.my_votes, name="my_votes"),
    path(E + "ballot.csv", public.ballot, name="ballot"),
    path(E + "code/", public.code_page, name="code"),
    path(E + "phone/", public.phone, name="phone"),
    path(M + "fraud/", manage.fraud_panel, name="fraud"),
    path(M + "annul/", manage.annul, name="annul"),
    path(M + "rules/", manage.rules, name="rules"),
    path(M + "codes/", manage.code_batches, name="codes"),
    path(M + "codes/<pid:batch>/revoke/", manage.revoke_batch, name="revoke_batch"),
]
