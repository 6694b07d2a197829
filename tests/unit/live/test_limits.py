"""A socket's inbound budget alone: allowed, then refused unread, then closed."""

from chatsessions.live.limits import MIN_FRAME_COST, InboundBudget, frame_size


def test_within_the_budget_frames_are_allowed_past_it_refused_past_twice_closed():
    budget = InboundBudget(1000, 100, 1.0, now=0.0)
    assert budget.take(1000, 0.1) == InboundBudget.ALLOW
    assert budget.take(500, 0.2) == InboundBudget.REFUSE
    assert budget.take(500, 0.3) == InboundBudget.REFUSE
    assert budget.take(1, 0.4) == InboundBudget.CLOSE


def test_a_new_window_starts_afresh():
    budget = InboundBudget(1000, 100, 1.0, now=0.0)
    assert budget.take(1500, 0.5) == InboundBudget.REFUSE
    assert budget.take(1000, 1.5) == InboundBudget.ALLOW


def test_small_frames_count_against_the_frame_budget_and_cost_at_least_their_minimum():
    budget = InboundBudget(10 * MIN_FRAME_COST, 3, 1.0, now=0.0)
    verdicts = [budget.take(1, 0.1) for _ in range(7)]
    assert verdicts == [InboundBudget.ALLOW] * 3 + [InboundBudget.REFUSE] * 3 + [InboundBudget.CLOSE]
    bytes_only = InboundBudget(2 * MIN_FRAME_COST, 1000, 1.0, now=0.0)
    assert [bytes_only.take(0, 0.1) for _ in range(3)][-1] == InboundBudget.REFUSE


def test_the_budget_says_itself_in_its_refusals():
    assert str(InboundBudget(1000, 10, 2.0, now=0.0)) == "1000 bytes and 10 frames per 2 s"


def test_a_frames_size_is_its_utf8_bytes():
    assert frame_size("abc", None) == 3
    assert frame_size("é", None) == 2
    assert frame_size(None, b"\x00\x01") == 2
    assert frame_size(None, None) == 0
