"""The openai-whisper engine's plumbing, on a tiny checkpoint built here.

No real weights are reachable offline, so the test builds a 1-layer Whisper whose decoder always
produces the same logits (its final LayerNorm has zero weight) and whose text context is 10 tokens
(5 sampled per window): the greedy decoder writes "<|0.00|> hello hello hello hello" in each 30 s
window without temperature fallbacks, which is enough to
exercise loading, language detection, VAD clips, word timestamps and the conversion to a
Transcript quickly. The text is meaningless; the structure is what is checked.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
whisper = pytest.importorskip("whisper")

from toolkit.asr import AsrOptions, load_engine, recognize  # noqa: E402
from toolkit.errors import ModelError  # noqa: E402


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from whisper.model import ModelDimensions, Whisper
    from whisper.tokenizer import get_tokenizer

    torch.manual_seed(0)
    dims = ModelDimensions(
        n_mels=80, n_audio_ctx=1500, n_audio_state=32, n_audio_head=2, n_audio_layer=1,
        n_vocab=51865, n_text_ctx=10, n_text_state=32, n_text_head=2, n_text_layer=1,
    )  # fmt: skip
    model = Whisper(dims)
    tok = get_tokenizer(multilingual=True)
    hello = tok.encode(" hello")[0]
    with torch.no_grad():
        model.decoder.positional_embedding.normal_(0, 0.02)  # created with torch.empty
        model.decoder.ln.weight.zero_()
        model.decoder.ln.bias.zero_()
        model.decoder.ln.bias[0] = 10.0
        emb = model.decoder.token_embedding.weight
        emb[:, 0] = 0.0
        # logits = 10 * emb[:, 0]: " hello" > <|0.00|> > <|endoftext|> > <|en|> > the rest
        emb[hello, 0] = 9.0
        emb[tok.timestamp_begin, 0] = 8.0
        emb[tok.eot, 0] = 7.0
        emb[tok.to_language_token("en"), 0] = 5.0  # language detection: English, surely
    path = tmp_path_factory.mktemp("ckpt") / "tiny-constant.pt"
    torch.save({"dims": dims.__dict__, "model_state_dict": model.state_dict()}, path)
    return path


@pytest.mark.slow  # torch import + numba compiling whisper's DTW: ~15 s
def test_transcribes_with_a_local_checkpoint(checkpoint: Path) -> None:
    audio = (0.05 * np.random.default_rng(0).standard_normal(16000 * 40)).astype(np.float32)
    options = AsrOptions(engine="openai", model=str(checkpoint), vad=False, beam_size=1)
    progress: list[tuple[float, float]] = []
    transcript = recognize(audio, options, on_progress=lambda d, t: progress.append((d, t)))

    assert transcript.kind == "media"
    assert transcript.duration == pytest.approx(40.0)
    assert transcript.meta["engine"] == "openai"
    assert transcript.meta["device"] == "cpu" and transcript.meta["compute_type"] == "float32"
    assert transcript.language == "en" and transcript.meta["language_probability"] > 0.99
    # "hello hello hello hello" in each 30 s window
    assert [w.text for w in transcript.words] == ["hello"] * 8
    previous = 0.0
    for w in transcript.words:
        assert w.start is not None and w.end is not None and w.probability is not None
        assert previous <= w.start <= w.end <= 40.0
        previous = w.start
    assert progress[-1] == pytest.approx((40.0, 40.0))
    assert [d for d, _ in progress] == sorted(d for d, _ in progress)


def test_silence_gives_nothing(checkpoint: Path) -> None:
    options = AsrOptions(engine="openai", model=str(checkpoint), language="en")
    transcript = recognize(np.zeros(16000 * 5, np.float32), options)
    assert transcript.words == () and transcript.language == "en"


def test_missing_checkpoint_and_unknown_name(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no such model checkpoint"):
        load_engine(AsrOptions(engine="openai", model=str(tmp_path / "none.pt")))
    with pytest.raises(ModelError, match="unknown openai-whisper model"):
        load_engine(AsrOptions(engine="openai", model="enormous"))


def test_not_a_checkpoint(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not a checkpoint")
    with pytest.raises(ModelError, match="not a Whisper checkpoint"):
        load_engine(AsrOptions(engine="openai", model=str(bad)))
