"Tests of dlworkbook.speech (chapter 04) against the installed package."
import json, sys
from pathlib import Path
import numpy as np
import pytest
import soundfile as sf
import torch
import dlworkbook.speech as S
import dlworkbook.speech_corpus as C

needs_espeak = pytest.mark.skipif(not S.espeak_available(), reason="optional extra dlworkbook[speech] not installed")


@pytest.fixture(scope='module')
def tiny(tmp_path_factory):
    "5 emotions × 2 speakers × 1 sentence, generated into a temporary folder."
    if not S.espeak_available(): pytest.skip("optional extra dlworkbook[speech] not installed")
    return S.make_corpus(tmp_path_factory.mktemp('c')/'corpus', n_speakers=2, n_sentences=1, seed=1)


def test_import_torchaudio():
    ta = S.import_torchaudio()
    assert S.import_torchaudio() is ta
    assert ta.functional.resample(torch.ones(320), 16000, 8000).shape == (160,)
    for mod in (S, C):
        src = Path(mod.__file__).read_text()
        assert 'import espeakng_loader' not in src.split('_WORKER = ')[0]  # only the worker process imports it


def test_missing_espeak_names_the_extra(monkeypatch):
    monkeypatch.setattr(C, 'espeak_available', lambda: False)
    with pytest.raises(ModuleNotFoundError, match=r"dlworkbook\[speech\]"): S.espeak_synth("hello", "language en")


@needs_espeak
def test_espeak_deterministic():
    a, sr = S.espeak_synth("Good morning.", "language en\n", dict(rate=160, pitch=40), seed=3)
    b, _ = S.espeak_synth("Good morning.", "language en\n", dict(rate=160, pitch=40), seed=3)
    assert sr == 22050 and len(a) > sr // 4 and np.array_equal(a, b)
    with pytest.raises(ValueError, match="prosody keys"): S.espeak_synth("hi", "language en", dict(speed=1))
    with pytest.raises(ValueError, match="non-empty"): S.espeak_synth(" ", "language en")


def test_corpus_layout_and_index(tiny, tmp_path):
    df = S.index_corpus(tiny)
    assert list(df.columns) == ['path', 'emotion', 'speaker', 'sentence']
    assert sorted(df.emotion.unique()) == S.EMOTIONS and len(df) == 10 and df.speaker.nunique() == 2
    info = sf.info(df.path[0])
    assert info.samplerate == 16000 and info.channels == 1
    again = S.make_corpus(tmp_path/'again', n_speakers=2, n_sentences=1, seed=1)
    for p in df.path: assert Path(p).read_bytes() == (again/Path(p).relative_to(tiny)).read_bytes()
    with pytest.raises(ValueError, match="n_sentences"): S.make_corpus(tmp_path/'x', n_sentences=0)
    with pytest.raises(FileNotFoundError): S.index_corpus(tmp_path/'missing')
    (tmp_path/'empty').mkdir()
    with pytest.raises(ValueError, match="no `<emotion>/<file>.wav`"): S.index_corpus(tmp_path/'empty')


def test_speech_corpus_sizes(monkeypatch, tmp_path):
    "The full corpus is 30 speakers × 12 sentences, the default 10 × 2; n_speakers overrides either (nothing generated here)."
    made = []
    monkeypatch.setattr(C, 'data_dir', lambda *parts, create=True: tmp_path.joinpath(*parts))
    monkeypatch.setattr(C, 'make_corpus', lambda path, n_spk, n_sent, seed, replace: made.append((Path(path).name, n_spk, n_sent)))
    S.speech_corpus(full=True); S.speech_corpus(); S.speech_corpus(full=True, n_speakers=12, seed=2)
    assert made == [('espeak-v2-spk30-sent12-seed0', 30, 12), ('espeak-v2-spk10-sent2-seed0', 10, 2),
                    ('espeak-v2-spk12-sent12-seed2', 12, 12)]


def test_folds():
    import pandas as pd
    df = pd.DataFrame(dict(emotion=np.tile(S.EMOTIONS, 20), speaker=np.repeat([f'{i:02d}' for i in range(10)], 10)))
    for tr, te in S.speaker_folds(df, 5):
        assert not set(df.speaker.iloc[tr]) & set(df.speaker.iloc[te])
    assert any(set(df.speaker.iloc[tr]) & set(df.speaker.iloc[te]) for tr, te in S.random_folds(df, 5))
    with pytest.raises(ValueError, match="n_splits must be in 2..10"): S.speaker_folds(df, 11)


def test_load_audio_bad_inputs(tmp_path):
    sf.write(tmp_path/'st.wav', np.stack([np.sin(np.arange(8000) / 5), np.zeros(8000)], 1) * 0.5, 8000)
    assert S.load_audio(tmp_path/'st.wav').shape == (16000,)
    (tmp_path/'empty.wav').write_bytes(b'')
    (tmp_path/'text.wav').write_text('not audio')
    sf.write(tmp_path/'zero.wav', np.zeros(1600), 16000)
    with pytest.raises(ValueError, match="is empty"): S.load_audio(tmp_path/'empty.wav')
    with pytest.raises(ValueError, match="not a readable audio file"): S.load_audio(tmp_path/'text.wav')
    with pytest.raises(ValueError, match="is silent"): S.load_audio(tmp_path/'zero.wav')
    with pytest.raises(FileNotFoundError): S.load_audio(tmp_path/'none.wav')


def test_feature_cache_skips_forward_pass(tiny, tmp_path):
    df = S.index_corpus(tiny)
    fe = S.SpectralFeatures()
    a = S.extract_features(df.path, fe, batch_size=4, cache_dir=tmp_path)
    n = fe.n_forward
    assert n == 3
    b = S.extract_features(df.path, fe, cache_dir=tmp_path)
    assert fe.n_forward == n  # second extraction: cache only
    assert a[0].shape[0] == 3 and a[0].shape[2] == 40
    # the values do not depend on the cache: fresh, cached and uncached extractions are identical
    c = S.extract_features(df.path, fe, cache=False)
    assert all(torch.equal(x, y) and torch.equal(x, z) for x, y, z in zip(a, b, c))
    assert all(x.dtype == torch.float32 and torch.equal(x, x.half().float()) for x in a)  # float16 values
    d = S.extract_features(df.path, fe, batch_size=1, cache=False)
    assert all(torch.equal(x, y) for x, y in zip(c, d))  # a clip's features do not depend on its batch


def test_hubert_shapes_and_offline_error(tiny, monkeypatch, tmp_path):
    ta = S.import_torchaudio()
    torch.manual_seed(0)
    fe = S.HubertFeatures(ta.models.hubert_base(), name='random')
    h = S.extract_features(S.index_corpus(tiny).path[:2], fe, cache=False)
    assert h[0].shape[0] == 12 and h[0].shape[2] == 768
    h1 = S.extract_features(S.index_corpus(tiny).path[:2], fe, batch_size=1, cache=False)
    assert all(torch.equal(a, b) for a, b in zip(h, h1))  # padding in a batch does not reach any clip
    def offline(*a, **k): raise OSError("Name or service not known")
    monkeypatch.setattr(ta.pipelines.HUBERT_BASE, 'get_model', offline)
    monkeypatch.setattr(torch.hub, 'get_dir', lambda: str(tmp_path))
    monkeypatch.delenv(S.DOWNLOAD_ENV, raising=False)
    with pytest.raises(RuntimeError, match="downloads are off"): S.HubertFeatures()  # no download tried
    monkeypatch.setenv(S.DOWNLOAD_ENV, '1')  # allowed, but the network is down
    with pytest.raises(RuntimeError, match="could not load the pretrained HuBERT-base weights"): S.HubertFeatures()


def test_model_collate_and_training(tmp_path):
    g = torch.Generator().manual_seed(0)
    X = [torch.randn(3, int(n), 8, generator=g) + (i % 2) for i, n in enumerate(torch.randint(5, 15, (24,), generator=g))]
    y = np.arange(24) % 2
    x, l, yb = S.pad_collate([(X[0], 0), (X[1], 1)])
    assert x.shape[:2] == (2, 3) and l.tolist() == [X[0].shape[1], X[1].shape[1]]
    model, hist = S.train_model(X[:16], y[:16], X[16:], y[16:], n_classes=2, n_epochs=3, checkpoint=tmp_path/'m.pt')
    assert len(hist) >= 1 and 'val_ua' in hist
    state = torch.load(tmp_path/'m.pt', weights_only=True)
    assert set(state) == set(model.state_dict())
    assert S.predict(model, X[16:]).shape == (8,)
    with pytest.raises(ValueError, match="X_train is empty"): S.train_model([], [], X, y)
    with pytest.raises(ValueError, match="clips but"): S.train_model(X, y[:3], X, y)
    with pytest.raises(ValueError, match="n_epochs must be >= 1"): S.train_model(X, y, X, y, n_epochs=0)
    # the one-cycle schedule anneals the learning rate to almost nothing; every epoch logs train and validation UA
    model, hist = S.train_model(X[:16], y[:16], X[16:], y[16:], n_classes=2, n_epochs=4, layers='concat')
    assert len(hist) == 4 and hist.lr.iloc[-1] < 1e-4 < hist.lr.max() and hist.train_ua.between(0, 1).all()
    assert model.proj.in_features == 3 * 8 and model.layer_weights is None
    with pytest.raises(ValueError, match="layers must be"): S.EmotionCNNLSTM(3, 8, layers='avg')


def test_training_without_validation(tmp_path):
    g = torch.Generator().manual_seed(0)
    X = [torch.randn(3, int(n), 8, generator=g) + (i % 2) for i, n in enumerate(torch.randint(5, 15, (16,), generator=g))]
    y = np.arange(16) % 2
    # no validation data: every epoch runs and the last epoch's weights come back (and go to the checkpoint)
    model, hist = S.train_model(X, y, n_classes=2, n_epochs=3, checkpoint=tmp_path/'last.pt')
    assert len(hist) == 3 and hist.val_ua.isna().all()
    state = torch.load(tmp_path/'last.pt', weights_only=True)
    assert all(torch.equal(state[k], v) for k, v in model.state_dict().items())
    with pytest.raises(ValueError, match="both X_val and y_val"): S.train_model(X, y, X[:4], None)
    with pytest.raises(ValueError, match="patience needs validation"): S.train_model(X, y, patience=3)
    # the same seed gives the same weights, with or without a checkpoint file
    again, _ = S.train_model(X, y, n_classes=2, n_epochs=3)
    assert all(torch.equal(again.state_dict()[k], v) for k, v in model.state_dict().items())


def test_speaker_normalize():
    from sklearn.preprocessing import StandardScaler
    g = torch.Generator().manual_seed(0)
    X = [torch.randn(2, 7 + i, 4, generator=g) * (1 + i % 3) + i % 3 for i in range(9)]
    spk = np.arange(9) % 3
    Z = S.speaker_normalize(X, spk)
    for s in range(3):
        idx = np.flatnonzero(spk == s)
        for layer in range(2):
            frames = torch.cat([X[i][layer] for i in idx]).numpy()
            got = torch.cat([Z[i][layer] for i in idx]).numpy()
            # StandardScaler uses the population std (ddof 0), torch the sample std (ddof 1)
            n = len(frames); np.testing.assert_allclose(got * np.sqrt(n / (n - 1)), StandardScaler().fit_transform(frames), atol=1e-3)
    with pytest.raises(ValueError, match="X has 9 clips but speakers has 2"): S.speaker_normalize(X, spk[:2])
    with pytest.raises(ValueError, match=r"\(layers, frames, dims\) tensors"): S.speaker_normalize([X[0][0]], [0])
    with pytest.raises(ValueError, match=r"speaker '0' has 1 enrolment frame"): S.speaker_normalize([X[0][:, :1]], [0])
    # inductive: the statistics of the enrolment clips only, applied to every clip of the speaker
    enrol = S.enrolment_clips(spk, n_enrol=1, seed=0)
    assert enrol.sum() == 3 and all(enrol[spk == s].sum() == 1 for s in range(3))
    Zi = S.speaker_normalize(X, spk, enrol)
    for i in range(9):
        j = int(np.flatnonzero(enrol & (spk == spk[i]))[0])
        mean, std = X[j].mean(1, keepdim=True), X[j].std(1, keepdim=True) + 1e-5
        assert torch.allclose(Zi[i], (X[i] - mean) / std, atol=1e-4)
    # float16 features stay float16
    assert S.speaker_normalize([x.half() for x in X], spk)[0].dtype == torch.float16


def test_metrics():
    m = S.emotion_metrics([0, 0, 0, 1], [0, 0, 0, 0])
    assert m['wa'] == 0.75 and m['ua'] == 0.5
    with pytest.raises(ValueError, match="non-empty"): S.emotion_metrics([], [])


def test_tuned_logreg_matches_a_plain_grid_search():
    from sklearn.model_selection import GridSearchCV, GroupKFold
    rng = np.random.default_rng(0)
    y = np.arange(60) % 3
    P = rng.normal(size=(60, 6)) + y[:, None] * np.linspace(0, 1, 6)
    groups = np.repeat(np.arange(6), 10)
    gs = S.tuned_logreg(P, y, groups)
    assert gs.best_params_['logisticregression__C'] in (0.03, 0.1, 0.3, 1.0)
    # one C: the same predictions as logreg_baseline with that C, refitted on all rows
    one = S.tuned_logreg(P, y, groups, Cs=(0.1,))
    assert (one.predict(P) == S.logreg_baseline(0.1).fit(P, y).predict(P)).all()
    # the inner folds are grouped by speaker, as scikit-learn's own grid search with GroupKFold does it
    ref = GridSearchCV(S.logreg_baseline(), {'logisticregression__C': [0.03, 0.1, 0.3, 1.0]}, cv=GroupKFold(3),
                       scoring='balanced_accuracy').fit(P, y, groups=groups)
    assert np.allclose(gs.cv_results_['mean_test_score'], ref.cv_results_['mean_test_score'])
    with pytest.raises(ValueError, match="needs at least n_splits=3"): S.tuned_logreg(P[:20], y[:20], groups[:20])


def _own_corpus(root, n_speakers=5, n_sentences=3):
    "Two 'emotions' (low and high tones), each speaker with its own loudness: the chapter's layout, no eSpeak."
    rng = np.random.default_rng(0)
    for e, f in [('calm', 9.0), ('angry', 4.0)]:
        for s in range(n_speakers):
            for t in range(n_sentences):
                n = int(rng.integers(5000, 9000))
                x = (0.05 + 0.05 * s) * np.sin(np.arange(n) / (f * rng.uniform(0.9, 1.1))) + rng.normal(0, 0.01, n)
                p = root/e/f's{s:02d}_t{t:02d}.wav'; p.parent.mkdir(parents=True, exist_ok=True)
                sf.write(p, x.astype(np.float32), 16000)
    return root


def test_run_on_your_own_data(tmp_path, monkeypatch):
    monkeypatch.setattr(S, 'data_dir', lambda *parts, create=True: tmp_path.joinpath('cache', *parts))
    data = _own_corpus(tmp_path/'mine')
    metrics, table = S.run(tmp_path/'out', data=data, n_enrol=2, seed=0)
    for k in ['ua_random_folds_raw', 'ua_speaker_folds_raw', 'ua_inductive', 'ua_transductive', 'ua_duration_rms',
              'ua_mean_logmel', 'peak_rss_gb', 'ua_logreg', 'ua_majority', 'ua_mean', 'ua_std']:
        assert k in metrics and np.isfinite(metrics[k]), k
    assert metrics['n_clips'] == 30 and metrics['n_speakers'] == 5 and metrics['n_classes'] == 2
    assert metrics['n_scored'] == 30 - 5 * 2 and metrics['n_folds'] == 5
    assert len(metrics['ua_folds']) == len(metrics['ua_folds_random_raw']) == 5
    assert np.isclose(np.mean(metrics['ua_folds']), metrics['ua_inductive'])
    assert 0 < metrics['peak_rss_gb'] < 4
    assert sorted(p.name for p in (tmp_path/'out').glob('*.png')) == ['confusion_matrix.png', 'paired_folds.png',
                                                                     'training_curves.png']
    assert len(table) == 3 + 2 * 5
    from dlworkbook.core import write_metrics
    write_metrics(tmp_path/'out'/'metrics.json', metrics)  # flat and finite
    json.loads((tmp_path/'out'/'metrics.json').read_text())


def test_masked_batchnorm_matches_batchnorm_and_ignores_padding():
    torch.manual_seed(0)
    x = torch.randn(3, 4, 20)
    ours, ref = S.MaskedBatchNorm1d(4).train(), torch.nn.BatchNorm1d(4).train()
    for _ in range(3): assert torch.allclose(ours(x, torch.ones(3, 1, 20)), ref(x), atol=1e-5)
    assert torch.allclose(ours.running_mean, ref.running_mean) and torch.allclose(ours.running_var, ref.running_var)
    ours.eval(); ref.eval()
    assert torch.allclose(ours(x, torch.ones(3, 1, 20)), ref(x), atol=1e-5)
    # padding: the valid frames' outputs are those of the unpadded batch
    bn = S.MaskedBatchNorm1d(4).train()
    lengths = torch.tensor([20, 12, 7])
    mask = (torch.arange(20)[None] < lengths[:, None]).float()[:, None]
    x = x * mask
    padded = torch.cat([x, torch.zeros(3, 4, 15)], 2)
    mask2 = torch.cat([mask, torch.zeros(3, 1, 15)], 2)
    assert torch.allclose(bn(x, mask) * mask, bn(padded, mask2)[:, :, :20] * mask, atol=1e-5)


def test_model_padding_changes_neither_outputs_nor_gradients_in_training():
    g = torch.Generator().manual_seed(0)
    xs = [torch.randn(3, n, 8, generator=g) for n in (17, 9, 12)]
    for layers in ('concat', 'sum'):
        model = S.EmotionCNNLSTM(3, 8, layers=layers)
        results = []
        for extra in (0, 25):
            xb, lb, yb = S.pad_collate([(x, i % 2) for i, x in enumerate(xs)])
            xb = torch.nn.functional.pad(xb, (0, 0, 0, extra))
            torch.manual_seed(1); model.train(); model.zero_grad()
            out = model(xb, lb); torch.nn.functional.cross_entropy(out, yb).backward()
            results.append((out.detach(), torch.cat([p.grad.flatten() for p in model.parameters()])))
        (o1, g1), (o2, g2) = results
        assert torch.allclose(o1, o2, atol=1e-5) and torch.allclose(g1, g2, atol=1e-5), layers


def test_device_is_used(monkeypatch):
    "train_model puts the model on `device` (here the CPU, by name and by default) and predict follows the model."
    g = torch.Generator().manual_seed(0)
    X = [torch.randn(3, 10, 4, generator=g) for _ in range(6)]
    y = np.arange(6) % 2
    m, _ = S.train_model(X, y, n_classes=2, n_epochs=1, device='cpu')
    assert next(m.parameters()).device.type == 'cpu' and S.predict(m, X).shape == (6,)
    seen = []
    monkeypatch.setattr(S, 'torch_device', lambda prefer=None: seen.append(1) or torch.device('cpu'))
    S.train_model(X, y, n_classes=2, n_epochs=1)
    assert seen  # the default comes from dlworkbook.core.torch_device


def test_hubert_end_to_end_with_random_weights(tmp_path):
    "HuBERT features (random weights, offline) → EmotionCNNLSTM(layers='sum') trained for an epoch, models returned."
    import pandas as pd
    data = _own_corpus(tmp_path/'mine', n_speakers=3, n_sentences=2)
    df = S.index_corpus(data)
    torch.manual_seed(0)
    fe = S.HubertFeatures(S.import_torchaudio().models.hubert_base(), name='random-test')
    X = S.extract_features(df.path, fe, cache_dir=tmp_path/'cache')
    assert len(X) == 12 and X[0].shape[0] == 12 and X[0].shape[2] == 768 and X[0].dtype == torch.float16
    y = df.emotion.map({'angry': 0, 'calm': 1}).to_numpy()
    model, hist = S.train_model(X, y, n_classes=2, n_epochs=1, layers='sum')
    assert len(hist) == 1 and np.isfinite(hist.loss[0]) and model.layer_weights.weight.shape == (1, 12, 1)
    assert S.predict(model, X).shape == (12,)
    folds = S.speaker_folds(df, 3)
    res, cms, fitted = S.cross_validate(df, X, folds, models=('cnn_lstm',), n_epochs=1, layers='sum',
                                        return_models=True)
    assert len(fitted['models']) == 3 and len(fitted['histories']) == 3
    w = [m.layer_weights.weight.detach().flatten() for m in fitted['models']]
    assert all(v.shape == (12,) for v in w)
    # only the layers asked for are kept, and stored compactly
    fe6 = S.HubertFeatures(fe.model, name='random-test', layers=range(6, 12))
    X6 = S.extract_features(df.path[:2], fe6, cache=False)
    assert X6[0].shape[0] == 6 and X6[0].dtype == torch.float16
    assert torch.equal(X6[0], X[0][6:])


def test_corpus_ceiling():
    from dlworkbook.speech_corpus import corpus_ceiling, EMOTIONS
    acc, cm = corpus_ceiling(n_draws=3000)
    assert 0.95 < acc <= 1 and list(cm.columns) == EMOTIONS and cm.values.sum() == 5 * 3000
    assert corpus_ceiling(['rate', 'pitch', 'range', 'volume'], n_draws=3000)[0] < acc  # prosody alone knows less
    with pytest.raises(ValueError, match='unknown'): corpus_ceiling(['jitter'])
