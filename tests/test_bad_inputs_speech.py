"Bad inputs to dlworkbook.speech (chapter 4): each is refused with an error that names the argument or the file."
from pathlib import Path
import numpy as np
import pytest
import soundfile as sf
import torch
import dlworkbook.speech as S


def _wav(path, x, sr=16000, subtype='PCM_16'):
    path = Path(path); path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, np.asarray(x, np.float32), sr, subtype=subtype)
    return path


def _tone(n=4000, f=5.0):
    return (0.3 * np.sin(np.arange(n) / f)).astype(np.float32)


def test_wav_with_nan_samples_names_the_file(tmp_path):
    x = _tone(); x[10] = np.nan
    p = _wav(tmp_path/'nan.wav', x, subtype='FLOAT')
    with pytest.raises(ValueError, match=r"nan\.wav holds 1 NaN or infinite sample"): S.load_audio(p)


def test_wav_with_inf_samples_names_the_file(tmp_path):
    x = _tone(); x[:3] = np.inf
    p = _wav(tmp_path/'inf.wav', x, subtype='FLOAT')
    with pytest.raises(ValueError, match=r"inf\.wav holds 3 NaN or infinite"): S.load_audio(p)


def test_clip_shorter_than_the_stft_window_names_the_file(tmp_path):
    p = _wav(tmp_path/'short.wav', _tone(300))
    with pytest.raises(ValueError, match=r"short\.wav has 300 samples .* fewer than the 400-sample analysis window"):
        S.extract_features([p], S.SpectralFeatures(), cache=False)


def test_labels_out_of_range_for_n_classes():
    X = [torch.randn(3, 10, 4) for _ in range(4)]
    with pytest.raises(ValueError, match=r"y_train holds label 7, out of range for n_classes=5"):
        S.train_model(X, [0, 1, 2, 7], n_classes=5, n_epochs=1)
    with pytest.raises(ValueError, match=r"y_val holds label 5, out of range for n_classes=5"):
        S.train_model(X, [0, 1, 2, 3], X[:1], [5], n_classes=5, n_epochs=1)


def test_string_labels():
    X = [torch.randn(3, 10, 4) for _ in range(2)]
    with pytest.raises(TypeError, match="y_train must hold integer class indices"):
        S.train_model(X, ['anger', 'fear'], n_epochs=1)


def test_clips_and_labels_of_different_lengths():
    X = [torch.randn(3, 10, 4) for _ in range(4)]
    with pytest.raises(ValueError, match="X_train has 4 clips but 2 labels"): S.train_model(X, [0, 1], n_epochs=1)


def test_features_of_mixed_shapes():
    X = [torch.randn(3, 10, 4), torch.randn(3, 10, 5)]
    with pytest.raises(ValueError, match="X_train mixes feature shapes"): S.train_model(X, [0, 1], n_epochs=1)


def test_n_epochs_not_an_integer():
    X = [torch.randn(3, 10, 4) for _ in range(2)]
    with pytest.raises(TypeError, match="n_epochs must be an integer"): S.train_model(X, [0, 1], n_epochs=2.5)


def test_missing_empty_and_unreadable_audio(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"missing\.wav not found"): S.load_audio(tmp_path/'missing.wav')
    (tmp_path/'empty.wav').write_bytes(b'')
    with pytest.raises(ValueError, match=r"empty\.wav is empty"): S.load_audio(tmp_path/'empty.wav')
    (tmp_path/'text.wav').write_text('not audio')
    with pytest.raises(ValueError, match=r"text\.wav is not a readable audio file"): S.load_audio(tmp_path/'text.wav')


def test_silent_audio(tmp_path):
    p = _wav(tmp_path/'zero.wav', np.zeros(1600))
    with pytest.raises(ValueError, match=r"zero\.wav is silent"): S.load_audio(p)


def test_file_name_outside_the_layout(tmp_path):
    _wav(tmp_path/'anger'/'a01 (1).wav', _tone())
    with pytest.raises(ValueError, match=r"file name 'a01 \(1\)\.wav' in .*anger does not match pattern"):
        S.index_corpus(tmp_path)


def test_corpus_folder_missing_or_empty(tmp_path):
    with pytest.raises(FileNotFoundError, match="corpus folder .*nothing does not exist"): S.index_corpus(tmp_path/'nothing')
    with pytest.raises(ValueError, match="no `<emotion>/<file>.wav` files found"): S.index_corpus(tmp_path)


def test_run_data_folder_missing(tmp_path):
    with pytest.raises(FileNotFoundError, match="data folder .*nowhere does not exist"): S.run(tmp_path/'o', data=tmp_path/'nowhere')


def test_run_data_with_one_emotion(tmp_path):
    for s in range(5): _wav(tmp_path/'d'/'calm'/f's{s:02d}_t00.wav', _tone())
    with pytest.raises(ValueError, match="holds one emotion folder"): S.run(tmp_path/'o', data=tmp_path/'d')


def test_run_data_speaker_with_too_few_clips(tmp_path):
    for e in ('calm', 'angry'):
        for s in range(5): _wav(tmp_path/'d'/e/f's{s:02d}_t00.wav', _tone())
    with pytest.raises(ValueError, match=r"speaker '00' has 2 clip\(s\): n_enrol=5"):
        S.run(tmp_path/'o', data=tmp_path/'d')


def test_run_bad_settings(tmp_path):
    with pytest.raises(ValueError, match="features must be one of"): S.run(tmp_path, features='mfcc')
    with pytest.raises(ValueError, match="n_enrol must be >= 1"): S.run(tmp_path, n_enrol=0)
    with pytest.raises(TypeError, match="n_enrol must be an integer"): S.run(tmp_path, n_enrol=2.5)
    with pytest.raises(ValueError, match="seed must be >= 0"): S.run(tmp_path, seed=-1)


def test_speaker_normalize_mismatch():
    X = [torch.randn(2, 5, 3) for _ in range(4)]
    with pytest.raises(ValueError, match="X has 4 clips but speakers has 3"): S.speaker_normalize(X, [0, 0, 1])
    with pytest.raises(ValueError, match="X has 4 clips but enrol has 2"): S.speaker_normalize(X, [0, 0, 1, 1], [1, 0])


def test_enrolment_larger_than_a_speaker():
    with pytest.raises(ValueError, match=r"speaker 'b' has 2 clip\(s\): n_enrol=2"):
        S.enrolment_clips(['a', 'a', 'a', 'b', 'b'], n_enrol=2)


def test_model_options():
    with pytest.raises(ValueError, match="pool must be"): S.EmotionCNNLSTM(3, 8, pool='max')
    with pytest.raises(ValueError, match="layers must be"): S.EmotionCNNLSTM(3, 8, layers='mean')


def test_cross_validate_unknown_model_and_short_baseline():
    import pandas as pd
    df = pd.DataFrame(dict(emotion=['anger', 'fear'] * 3, speaker=list('aabbcc'), path=['x'] * 6))
    X = [torch.randn(2, 5, 3) for _ in range(6)]
    folds = [(np.arange(4), np.arange(4, 6))]
    with pytest.raises(ValueError, match=r"unknown models \['svm'\]"): S.cross_validate(df, X, folds, models=('svm',))
    with pytest.raises(ValueError, match="baseline 'b' has 2 rows but df has 6"):
        S.cross_validate(df, X, folds, models=('majority',), baselines={'b': np.zeros((2, 1))})


def test_hubert_without_weights_names_the_switch(monkeypatch, tmp_path):
    monkeypatch.delenv(S.DOWNLOAD_ENV, raising=False)
    monkeypatch.setattr(torch.hub, 'get_dir', lambda: str(tmp_path))
    with pytest.raises(RuntimeError, match="downloads are off: set DLWORKBOOK_DOWNLOAD=1"): S.HubertFeatures()


def test_hubert_layers_out_of_range():
    torch.manual_seed(0)
    m = S.import_torchaudio().models.hubert_base()
    with pytest.raises(ValueError, match=r"layers must be a non-empty subset of 0\.\.11"):
        S.HubertFeatures(m, name='r', layers=[3, 12])
