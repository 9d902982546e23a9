"""The real-grounded records and their fixed dev split."""

from maskscreen.classifier.grounded import DEV_FRACTION, grounded_split, in_dev, load_grounded


def test_dev_set_is_large_enough_and_a_third():
    train, dev = grounded_split(load_grounded())
    assert len(dev) >= 400
    assert abs(len(dev) / (len(train) + len(dev)) - DEV_FRACTION) < 0.05


def test_dev_split_is_by_page_and_never_shares_one():
    train, dev = grounded_split(load_grounded())
    assert not {e.source_url for e in train} & {e.source_url for e in dev}
    assert all(in_dev(e.source_url) for e in dev)
    assert not {e.id for e in train} & {e.id for e in dev}


def test_borderline_records_are_kept_out_of_both():
    records = load_grounded()
    train, dev = grounded_split(records)
    borderline = {e.id for e in records if e.borderline}
    assert borderline
    assert not borderline & {e.id for e in train + dev}


def test_policy_relabels_apply_to_small_scale_figurines():
    by_id = {e.id: e for e in load_grounded()}
    figurine = by_id["g-it-0019"]  # a 10-35 cm 3D selfie statuette
    assert (figurine.label, figurine.family) == ("benign", "figurine")
    assert figurine.signals["made_to_order"]


def test_every_supported_language_has_grounded_dev_records():
    _, dev = grounded_split(load_grounded())
    assert {e.language for e in dev} == {"en", "zh", "ja", "ko", "ru", "es", "de", "fr", "pt", "it"}
