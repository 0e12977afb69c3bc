import json

import numpy as np
from test_chapters import COOKING, FOOTBALL, SPACE

from toolkit.chapters import ChapterOptions, boundary_features
from toolkit.chapters.boundary import FEATURES, BoundaryModel, fit, shipped_model
from toolkit.types import Sentence


def untimed(texts: list[str]) -> list[Sentence]:
    return [Sentence(t, i, i + 1) for i, t in enumerate(texts)]


OPTIONS = ChapterOptions(min_chars=60, min_sentences=2)


def test_features_are_one_finite_row_per_gap():
    sents = untimed(COOKING + FOOTBALL + SPACE)
    features = boundary_features(sents, "zh", OPTIONS)
    assert features.shape == (len(sents) - 1, len(FEATURES))
    assert np.isfinite(features).all()
    full_stop = features[:, FEATURES.index("full_stop")]
    assert full_stop.tolist() == [1.0] * (len(sents) - 1)  # every sentence ends with 。
    # a subject begins: every word after a topic change is new there, as far as two minimum
    # chapters reach
    new = features[:, FEATURES.index("new@2.0")]
    assert new[7] == new[15] == 1.0
    assert new[:7].max() < 1.0 and new[16:].max() < 1.0


def test_the_shipped_model_ranks_the_topic_changes_first():
    sents = untimed(COOKING + FOOTBALL + SPACE)
    chances = shipped_model().chances(boundary_features(sents, "zh", OPTIONS))
    assert ((chances > 0) & (chances < 1)).all()
    assert set(np.argsort(-chances)[:2].tolist()) == {7, 15}


def test_a_clause_end_is_a_weaker_boundary_than_a_full_stop():
    texts = COOKING + FOOTBALL
    full = untimed(texts)
    comma = untimed([*texts[:7], texts[7].replace("。", "，"), *texts[8:]])
    model = shipped_model()
    at_full = model.chances(boundary_features(full, "zh", OPTIONS))[7]
    at_comma = model.chances(boundary_features(comma, "zh", OPTIONS))[7]
    assert at_comma < at_full


def test_no_gaps_no_rows():
    assert boundary_features(untimed(["只有一句。"]), "zh", OPTIONS).shape == (0, len(FEATURES))


def test_fit_finds_the_feature_that_tells_and_ignores_noise():
    rng = np.random.default_rng(0)
    signal, noise = rng.normal(size=2000), rng.normal(size=2000)
    labels = (signal + 0.3 * rng.normal(size=2000) > 1.0).astype(float)
    model = fit(np.stack([signal, noise], axis=1), labels, names=("signal", "noise"))
    assert model.weights[0] > 2.0 and abs(model.weights[1]) < 0.3
    chances = model.chances(np.array([[2.5, 0.0], [-1.0, 0.0]]))
    assert chances[0] > 0.9 and chances[1] < 0.05


def test_a_model_survives_json():
    model = BoundaryModel(("a", "b"), (0.0, 1.0), (1.0, 2.0), (0.5, -0.5), -1.0)
    data = json.loads(model.to_json())
    again = BoundaryModel(tuple(data["features"]), tuple(data["mean"]), tuple(data["scale"]),
                          tuple(data["weights"]), data["bias"])
    assert again == model
