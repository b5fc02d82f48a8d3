"Tests of the installed `dlworkbook.timeseries` module: data, windows, baselines, bad inputs, a tiny `run`."
import numpy as np
import pandas as pd
import pytest

from dlworkbook import timeseries as ts


@pytest.fixture(scope='module')
def series(): return ts.load_airline()


def test_load_airline(series):
    assert len(series) == 144 and series.sum() == 40363
    assert series.iloc[0] == 112 and series.iloc[-1] == 432
    assert isinstance(series.index, pd.PeriodIndex) and str(series.index[0]) == '1949-01' and str(series.index[-1]) == '1960-12'


@pytest.mark.parametrize('look_back', [1, 3, 12, 13])
@pytest.mark.parametrize('horizon', [1, 2, 12])
def test_make_windows_counts(look_back, horizon):
    X, y = ts.make_windows(np.arange(50.), look_back, horizon)
    n = 50 - look_back - horizon + 1
    assert X.shape == (n, look_back) and y.shape == (n,)
    assert np.all(y - X[:, -1] == horizon) and y[-1] == 49   # the last value is a target


def test_split_and_months(series):
    train, test = ts.split_series(series)
    months = ts.eval_months(series)
    assert (len(train), len(test), len(months)) == (96, 48, 46)
    assert str(months[0]) == '1957-02' and str(months[-1]) == '1960-11'


def test_baselines_reproduce_targets(series):
    train, _ = ts.split_series(series); months = ts.eval_months(series)
    fc = ts.baseline_forecasts(series, train.index[-1], months)
    rmse = {k: ts.score(series, v, months)['rmse'] for k, v in fc.items()}
    assert abs(rmse['persistence'] - 48.7) < 0.1
    assert abs(rmse['seasonal naive'] - 42.3) < 0.1
    assert abs(rmse['SARIMA(0,1,1)(0,1,1)12 log'] - 14.0) < 0.2
    assert all(v.index.equals(months) for v in fc.values())


def test_minmax_on_train_only(series):
    train, test = ts.split_series(series)
    lo, hi = ts.minmax_fit(train)
    assert (lo, hi) == (train.min(), train.max())
    assert ts.minmax_apply(test, lo, hi).max() > 1
    np.testing.assert_allclose(ts.minmax_invert(ts.minmax_apply(test, lo, hi), lo, hi), test.to_numpy())


def test_undiff_roundtrip(series):
    w = ts.seasonal_diff_log(series)
    months = ts.eval_months(series)
    np.testing.assert_allclose(ts.undiff_log(series, w.loc[months]).to_numpy(), series.loc[months].to_numpy())


def test_vs_persistence_words():
    assert 'lower' in ts.vs_persistence(10, 50)
    assert 'worse' in ts.vs_persistence(60, 50)
    assert 'no better' in ts.vs_persistence(49, 50)


@pytest.mark.parametrize('call, msg', [
    (lambda s: ts.check_series(np.ones((4, 2))), '1-D'),
    (lambda s: ts.make_windows(np.ones((4, 2))), '1-D'),
    (lambda s: ts.make_windows([1., np.nan, 3., 4.]), 'NaN'),
    (lambda s: ts.make_windows([1., 2.], look_back=2), 'too short'),
    (lambda s: ts.seasonal_diff_log(s.iloc[:10]), 'too short'),
    (lambda s: ts.holt_winters_forecast(s.iloc[:15]), 'too short'),
    (lambda s: ts.sarima_forecast(s.iloc[:20], s.index[19]), 'too short'),
    (lambda s: ts.sarima_forecast(s.where(s.index != s.index[5], -1.0), '1956-12'), 'non-positive'),
    (lambda s: ts.seasonal_diff_log(s.where(s.index != s.index[5], 0.0)), 'non-positive'),
    (lambda s: ts.persistence_forecast(s.where(s.index != s.index[5]), ts.eval_months(s)), 'NaN'),
    (lambda s: ts.score(s, s.iloc[:100], ts.eval_months(s)), 'no value'),
    (lambda s: ts.seed_model_forecast(s, '1956-12', ts.eval_months(s), 'GRU'), 'must be one of'),
    (lambda s: ts.compare_models(s, n_seeds=0), 'n_seeds'),
])
def test_bad_inputs(series, call, msg):
    with pytest.raises(ValueError, match=msg): call(series)


def test_seed_model_side_by_side(series):
    months = ts.eval_months(series)
    fc = ts.seed_model_forecast(series, '1956-12', months, 'MLP lag 1', n_seeds=2, epochs=2)
    assert fc.shape == (46, 2) and fc.index.equals(months) and np.isfinite(fc.to_numpy()).all()
    assert not np.allclose(fc.iloc[:, 0], fc.iloc[:, 1])


def test_diff_net_and_1960(series):
    model, sd, history = ts.diff_net_fit(series, '1956-12', look_back=13, seed=0, max_epochs=30)
    months = ts.eval_months(series)
    fc = ts.diff_net_forecast(model, sd, series, months, look_back=13)
    assert fc.index.equals(months) and np.isfinite(fc.to_numpy()).all()
    f = ts.diff_net_recursive(model, sd, series.loc[:'1959-12'], 12, look_back=13)
    assert [str(p) for p in f.index[[0, -1]]] == ['1960-01', '1960-12'] and (f > 0).all()
    hw = ts.holt_winters_forecast(series.loc[:'1959-12'])
    assert ts.score(series, hw)['rmse'] < 40


def test_run_tiny(tmp_path):
    metrics, table = ts.run(tmp_path, n_seeds=1, seed_epochs=1)
    for k in ('rmse_persistence', 'rmse_seasonal_naive', 'rmse_sarima', 'rmse_best_nn', 'rmse_best_nn_std', 'best_nn', 'n_test'):
        assert k in metrics
    assert metrics['n_test'] == 46 and metrics['best_nn'] in table.index
    assert 'vs persistence' in table.columns and 'seed reported rmse' in table.columns
    assert sorted(p.name for p in tmp_path.glob('*.png')) == ['forecast_1960.png', 'series_split.png', 'test_forecasts.png']
