"""Issue 11, broadcasts: the pure audience rules (app.domain.broadcasts) the server and the
phone share: each person once, named people added, the sender never, scope, receipts."""

import pytest

from app.domain.access import AccessDenied
from app.domain.broadcasts import Audience, Person, check_may_address, may_follow_receipts, resolve
from app.domain.roles import Actor, Role

AREAS = {"kowloon": ["st-mk", "st-tst"], "hk-island": ["st-cwb", "st-st"]}
PEOPLE = [Person("u-am", Role.AREA_MANAGER, ("st-mk", "st-tst")), Person("u-sm", Role.STORE_MANAGER, ("st-mk",)),
          Person("u-a", Role.STAFF, ("st-mk",)), Person("u-both", Role.STAFF, ("st-tst", "st-mk")),
          Person("u-far", Role.STAFF, ("st-cwb",))]
AREA_MANAGER = Actor("u-am", Role.AREA_MANAGER, frozenset({"st-mk", "st-tst"}))


def test_an_area_reaches_each_person_once_under_their_first_store_and_never_the_sender():
    """Kowloon reaches the MK manager and both staff; the one at two stores once, under MK."""
    assert resolve(AREA_MANAGER, Audience(area="kowloon"), AREAS, PEOPLE) == {
        "u-sm": "st-mk", "u-a": "st-mk", "u-both": "st-mk"}


def test_a_role_narrows_the_places_and_named_people_are_added():
    """Staff of TST is one person; naming someone elsewhere adds them under their own store."""
    audience = Audience(store_ids=("st-tst",), role=Role.STAFF, user_ids=("u-far",))
    assert resolve(AREA_MANAGER, audience, AREAS, PEOPLE) == {"u-both": "st-tst", "u-far": "st-cwb"}


def test_a_role_alone_means_that_role_in_the_senders_stores():
    """"Store managers" with no stores: those of the sender's own stores."""
    assert resolve(AREA_MANAGER, Audience(role=Role.STORE_MANAGER), AREAS, PEOPLE) == {"u-sm": "st-mk"}


@pytest.mark.parametrize("audience", [Audience(store_ids=("st-cwb",)), Audience(area="hk-island"),
                                      Audience(user_ids=("u-far",)), Audience(user_ids=("u-nobody",))])
def test_a_manager_addresses_only_their_own_stores_area_and_people(audience):
    """Another area, its store, a person working only there, or someone unknown: refused."""
    with pytest.raises(AccessDenied) as refused:
        check_may_address(AREA_MANAGER, audience, AREAS, PEOPLE)
    assert refused.value.reason == "forbidden_role"


def test_staff_and_empty_audiences_are_refused_with_their_reasons():
    """Staff cannot send; an audience naming nobody has its own reason."""
    with pytest.raises(AccessDenied) as staff:
        check_may_address(Actor("u-a", Role.STAFF, frozenset({"st-mk"})), Audience(store_ids=("st-mk",)), AREAS, [])
    with pytest.raises(AccessDenied) as empty:
        check_may_address(AREA_MANAGER, Audience(), AREAS, [])
    assert (staff.value.reason, empty.value.reason) == ("forbidden_role", "broadcast_audience_empty")


def test_receipts_are_the_senders_and_their_managers_only():
    """A store manager's broadcast: he, his area manager and HQ follow it; a peer store manager,
    an area manager elsewhere and staff do not."""
    def follows(actor: Actor) -> bool:
        return may_follow_receipts(actor, "u-sm", Role.STORE_MANAGER, ["st-mk"])

    assert follows(Actor("u-sm", Role.STORE_MANAGER, frozenset({"st-mk"})))
    assert follows(AREA_MANAGER) and follows(Actor("u-hq", Role.HQ_ADMIN, frozenset()))
    assert not follows(Actor("u-sm2", Role.STORE_MANAGER, frozenset({"st-mk"})))
    assert not follows(Actor("u-am2", Role.AREA_MANAGER, frozenset({"st-cwb"})))
    assert not follows(Actor("u-a", Role.STAFF, frozenset({"st-mk"})))
