import rules


@rules.predicate
def is_community_leader(user, community):
    if not user.is_authenticated or community is None:
        return False
    return community.leaders.filter(person__user=user).exists()


rules.add_perm("places.add_community", rules.is_staff)
rules.add_perm("places.change_community", rules.is_staff | is_community_leader)
