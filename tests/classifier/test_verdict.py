"""The verdict's language fields and the needs_human routing rule."""

from maskscreen.classifier.verdict import Verdict, needs_human


def make_verdict(**overrides) -> Verdict:
    fields = {"label": "benign", "score": 0.1, "scores": {}, "flagged": False, "signals": {}}
    fields.update(overrides)
    return Verdict(**fields)


def test_unsupported_language_is_never_silently_benign():
    assert needs_human(make_verdict(language="nl", language_supported=False))
    assert not needs_human(make_verdict(language="en", language_supported=True))


def test_flagged_listings_need_no_extra_routing():
    assert not needs_human(make_verdict(flagged=True, language="nl", language_supported=False))


def test_rate_samples_deterministically_by_key():
    verdict = make_verdict(language="nl", language_supported=False)
    chosen = [needs_human(verdict, rate=0.3, key=f"https://shop/{i}") for i in range(2000)]
    assert chosen == [needs_human(verdict, rate=0.3, key=f"https://shop/{i}") for i in range(2000)]
    assert 0.25 < sum(chosen) / len(chosen) < 0.35
    assert not any(needs_human(verdict, rate=0.0, key=f"k{i}") for i in range(100))
