"Bad inputs to dlworkbook.tuning: each is refused before any training, with an error that names the argument or file."
import re, shutil
import numpy as np, pandas as pd, pytest
from PIL import Image
from dlworkbook.tuning import (GRID, QUICK_SPACE, split_data, check_data, digits_data, letters_data, load_folder,
                               check_params, param_grid, build_cnn, train_trial, grid_search, successive_halving,
                               summarize_search, retrain_seeds, plot_effects, pixel_baseline, tutorial_regime, run)

ONE = dict(kernel_size=3, filters1=10, filters2=50, lr=0.005, optimizer='adam', activation='relu')


from test_tuning import write_folder as folder  # a tiny image folder in the original tutorial's layout


@pytest.fixture(scope='module')
def data():
    X = np.random.default_rng(0).integers(0, 256, (60, 8, 8), dtype=np.uint8)
    return split_data(X, np.arange(60) % 3, val=0.2, test=0.2)


def _raises(exc, pattern, fn):
    with pytest.raises(exc) as e: fn()
    assert re.search(pattern, str(e.value)), f"{str(e.value)!r} does not match {pattern!r}"


# --- your own folder ------------------------------------------------------------------------------------------

def test_folder_with_a_single_class(tmp_path):
    root = folder(tmp_path/'one', classes=('alif',))
    _raises(ValueError, r"train has 1 class sub-folder\(s\) \['alif'\]; at least 2", lambda: load_folder(root))


def test_folder_with_a_truncated_image(tmp_path):
    root = folder(tmp_path/'r')
    png = (root/'validation'/'b'/'0.png').read_bytes()
    (root/'validation'/'b'/'0.png').write_bytes(png[:len(png) // 2])
    _raises(ValueError, r"validation/b/0\.png could not be read as an image", lambda: load_folder(root))


def test_folder_with_a_text_file(tmp_path):
    root = folder(tmp_path/'r'); (root/'test'/'a'/'notes.txt').write_text('x')
    _raises(ValueError, r"test/a/notes\.txt is not an image file", lambda: load_folder(root))


def test_folder_with_a_class_missing_from_one_split(tmp_path):
    root = folder(tmp_path/'r', classes=('a', 'b', 'c')); shutil.rmtree(root/'test'/'c')
    _raises(ValueError, r"class folders in .*test \['a', 'b'\] differ", lambda: load_folder(root))


def test_folder_without_a_split(tmp_path):
    root = folder(tmp_path/'r'); shutil.rmtree(root/'validation')
    _raises(FileNotFoundError, r"split folder .*validation does not exist", lambda: load_folder(root))


def test_folder_that_does_not_exist(tmp_path):
    _raises(FileNotFoundError, r"image folder .*nope does not exist", lambda: load_folder(tmp_path/'nope'))


def test_folder_with_images_of_two_sizes(tmp_path):
    root = folder(tmp_path/'r'); Image.fromarray(np.zeros((20, 20), np.uint8)).save(root/'train'/'a'/'big.png')
    _raises(ValueError, r"images differ in size: .*big\.png|big\.png.*differ", lambda: load_folder(root))


def test_run_on_a_single_class_folder(tmp_path):
    root = folder(tmp_path/'one', classes=('alif',))
    _raises(ValueError, r"at least 2", lambda: run(tmp_path/'out', data=root, space=QUICK_SPACE, max_epochs=1))


# --- arrays and labels ----------------------------------------------------------------------------------------

@pytest.mark.parametrize('fn, exc, pattern', [
    (lambda: split_data(np.zeros((6, 4, 4), np.uint8), list('aabbcc')), TypeError, r"^y must hold integer class indices"),
    (lambda: split_data(np.zeros((6, 4, 4), np.uint8), [0] * 6), ValueError, r"^y holds 1 distinct class"),
    (lambda: split_data(np.zeros((40, 4, 4), np.uint8), [0, 1] * 19), ValueError, r"X has 40, y has 38"),
    (lambda: split_data(np.full((40, 4, 4), 2.0), [0, 1] * 20), ValueError, r"^X holds float pixels"),
    (lambda: split_data(np.zeros((40, 4, 4, 3), np.uint8), [0, 1] * 20), ValueError, r"^X must be grey images"),
    (lambda: split_data(np.zeros((40, 4, 4), np.uint8), np.eye(2)[[0, 1] * 20]), ValueError, r"^y must be 1-D.*one-hot"),
    (lambda: split_data(np.zeros((40, 4, 4), np.uint8), [0, 1] * 20, val=1.5), ValueError, r"^val must be <= 1"),
    (lambda: split_data(np.zeros((40, 4, 4), np.uint8), [0, 1] * 20, test='0.2'), TypeError, r"^test must be a number"),
    (lambda: split_data(np.zeros((41, 4, 4), np.uint8), [0, 1] * 20 + [2]), ValueError, r"^class 2 has 1 image"),
    (lambda: split_data(np.zeros((40, 4, 4), np.uint8), [0, 1] * 20, classes=['a']), ValueError, r"^classes has 1 names"),
    (lambda: digits_data(n=2.5), TypeError, r"^n must be an integer"),
    (lambda: letters_data(n_per_class='10'), TypeError, r"^n_per_class must be an integer"),
    (lambda: letters_data(n_per_class=5, holdout_font=-1), ValueError, r"^holdout_font must be >= 0"),
])
def test_bad_arrays_and_labels(fn, exc, pattern):
    _raises(exc, pattern, fn)


# --- search spaces and configurations -------------------------------------------------------------------------

@pytest.mark.parametrize('fn, exc, pattern', [
    (lambda: check_params(dict(ONE, lr=0.1), GRID), ValueError, r"^lr=0\.1 is not a value of the given space"),
    (lambda: check_params(dict(ONE, kernel_size=5), QUICK_SPACE), ValueError, r"^kernel_size=5 is not a value"),
    (lambda: check_params(dict(ONE, dropout=0.5)), ValueError, r"unknown hyperparameter\(s\) \['dropout'\]"),
    (lambda: check_params([('lr', 0.1)]), TypeError, r"^params must be a dict"),
    (lambda: param_grid({**GRID, 'momentum': [0.9]}), ValueError, r"\['momentum'\] in space"),
    (lambda: param_grid({'lr': []}), ValueError, r"space\['lr'\] must be a non-empty list"),
    (lambda: param_grid({'lr': [0.01, 0.01]}), ValueError, r"space\['lr'\] lists a value twice"),
    (lambda: param_grid({'filters1': [10, 2.5]}), TypeError, r"^filters1 must be an integer"),
    (lambda: param_grid({'lr': [-0.1]}), ValueError, r"^lr must be >= "),
    (lambda: build_cnn((28, 28, 1), 10, optimizer='rmsprop'), ValueError, r"^optimizer must be one of"),
    (lambda: build_cnn((28, 28, 1), 1), ValueError, r"^n_classes must be >= 2"),
])
def test_bad_spaces(fn, exc, pattern):
    _raises(exc, pattern, fn)


# --- searches: refused before the first epoch -----------------------------------------------------------------

@pytest.mark.parametrize('call, exc, pattern', [
    (lambda d: grid_search(d, QUICK_SPACE, max_epochs=0), ValueError, r"^max_epochs must be >= 1"),
    (lambda d: grid_search(d, QUICK_SPACE, patience=1.5), TypeError, r"^patience must be an integer"),
    (lambda d: grid_search(d, QUICK_SPACE, augment='yes'), ValueError, r"^augment must be one of"),
    (lambda d: grid_search(d, QUICK_SPACE, n_jobs=0), ValueError, r"^n_jobs must not be 0"),
    (lambda d: grid_search(d['X_train'], QUICK_SPACE), TypeError, r"^data must be split_data's dict"),
    (lambda d: grid_search({k: v for k, v in d.items() if k != 'y_val'}, QUICK_SPACE), ValueError, r"data lacks \['y_val'\]"),
    (lambda d: grid_search(dict(d, X_val=d['X_val'][..., 0]), QUICK_SPACE), ValueError, r"data\['X_val'\] must be float32 images"),
    (lambda d: grid_search(dict(d, y_test=d['y_test'] + 5), QUICK_SPACE), ValueError, r"data\['y_test'\] holds label"),
    (lambda d: successive_halving(d, QUICK_SPACE, eta=1), ValueError, r"^eta must be >= 2"),
    (lambda d: successive_halving(d, QUICK_SPACE, min_epochs=4, max_epochs=2), ValueError, r"max_epochs=2 is below min_epochs=4"),
    (lambda d: train_trial(dict(ONE, momentum=0.9), d), ValueError, r"unknown hyperparameter\(s\) \['momentum'\]"),
    (lambda d: retrain_seeds(ONE, d, seeds=[-1]), ValueError, r"^seeds must be >= 0"),
    (lambda d: retrain_seeds(ONE, d, test=False), ValueError, r"sets \['test'\] itself"),
    (lambda d: pixel_baseline(d, Cs=[0]), ValueError, r"^Cs must be >= "),
    (lambda d: tutorial_regime(d, 'adam', raw='yes'), ValueError, r"^raw must be one of"),
])
def test_bad_search_arguments(data, call, exc, pattern):
    _raises(exc, pattern, lambda: call(data))


def test_save_is_a_folder(data, tmp_path):
    _raises(IsADirectoryError, r"save=.* is a folder", lambda: grid_search(data, QUICK_SPACE, save=tmp_path))
    one = {k: v[0] for k, v in QUICK_SPACE.items()}
    _raises(IsADirectoryError, r"save=.* is a folder", lambda: retrain_seeds(one, data, seeds=[1], save=tmp_path))


def test_summaries_need_a_search():
    _raises(ValueError, r"grid_search or successive_halving", lambda: summarize_search(pd.DataFrame({'a': [1]})))
    trials = pd.DataFrame(dict(lr=[0.01, 0.005], optimizer='adam', val_accuracy=[0.5, 0.6], f1_macro=[0.5, 0.6]))
    _raises(ValueError, r"^metric must be one of \['val_accuracy', 'val_f1_macro'\]", lambda: plot_effects(trials, 'f1_macro'))


def test_run_arguments(tmp_path):
    _raises(ValueError, r"^dataset must be one of", lambda: run(tmp_path, dataset='cifar'))
    _raises(ValueError, r"^n_seeds must be >= 0", lambda: run(tmp_path, n_seeds=-1))
    _raises(ValueError, r"^full must be one of", lambda: run(tmp_path, full='yes'))
    (tmp_path/'file').write_text('x')
    _raises(NotADirectoryError, r"out=.*file exists and is not a folder", lambda: run(tmp_path/'file'))
    _raises(FileNotFoundError, r"image folder .*missing does not exist", lambda: run(tmp_path/'o', data=tmp_path/'missing'))
