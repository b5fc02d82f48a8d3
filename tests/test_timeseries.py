"Tests of the installed `dlworkbook.timeseries` module: data, windows, baselines, choice on validation, DM, `run`."
import json
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.preprocessing import MinMaxScaler

from dlworkbook import timeseries as ts


@pytest.fixture(scope='module')
def series(): return ts.load_airline()


@pytest.fixture(scope='module')
def months(series): return ts.eval_months(series)


def test_load_airline(series):
    assert len(series) == 144 and series.sum() == 40363
    assert series.iloc[0] == 112 and series.iloc[-1] == 432
    assert isinstance(series.index, pd.PeriodIndex) and str(series.index[0]) == '1949-01'


@pytest.mark.parametrize('look_back', [1, 3, 12, 13])
@pytest.mark.parametrize('horizon', [1, 2, 12])
def test_make_windows_counts(look_back, horizon):
    X, y = ts.make_windows(np.arange(50.), look_back, horizon)
    n = 50 - look_back - horizon + 1
    assert X.shape == (n, look_back) and y.shape == (n,)
    assert np.all(y - X[:, -1] == horizon) and y[-1] == 49   # the last value is a target


def test_split_and_months(series, months):
    train, test = ts.split_series(series)
    assert (len(train), len(test), len(months)) == (96, 48, 46)
    assert str(months[0]) == '1957-02' and str(months[-1]) == '1960-11'
    assert len(ts.tutorial_months(series, 1)) == 46 and len(ts.tutorial_months(series, 3)) == 44


def test_as_monthly_converts_datetime_and_keeps_order(series):
    assert ts.as_monthly(series.to_timestamp()).equals(series)
    assert ts.as_monthly(series.to_timestamp(how='end')).index.equals(series.index)


def test_baselines(series, months):
    fc = ts.baseline_forecasts(series, '1956-12', months)
    rmse = {k: ts.score(series, v, months)['rmse'] for k, v in fc.items()}
    assert abs(rmse['persistence'] - 48.66) < 0.01 and abs(rmse['seasonal naive'] - 42.32) < 0.01
    assert abs(rmse[ts.SARIMA] - 14.0) < 0.05
    # the zero-parameter forecast is undiff_log of w = 0
    zero = ts.undiff_log(series, pd.Series(0.0, index=months))
    np.testing.assert_allclose(fc['Δ12-log, no parameters'].to_numpy(), zero.to_numpy())
    assert rmse['Δ12-log, no parameters'] < rmse['seasonal naive']
    assert all(v.index.equals(months) for v in fc.values())


def test_holt_winters_one_step_uses_fixed_parameters(series, months):
    # fitted on 1956-12, the first test month's forecast equals the in-sample model's one-step forecast
    hw = ts.holt_winters_one_step(series, '1956-12', months)
    hw_short = ts.holt_winters_one_step(series.loc[:'1957-03'], '1956-12')
    np.testing.assert_allclose(hw.loc['1957-02':'1957-03'].to_numpy(), hw_short.loc['1957-02':].to_numpy())


def test_score_matches_sklearn_and_mase(series, months):
    from sklearn.metrics import mean_absolute_error, mean_absolute_percentage_error
    f = series.shift(1)
    sc = ts.score(series, f, months)
    assert np.isclose(sc['mae'], mean_absolute_error(series[months], f[months]))
    assert np.isclose(sc['mape'], 100 * mean_absolute_percentage_error(series[months], f[months]))
    train, _ = ts.split_series(series)
    scale = np.mean(np.abs(train.to_numpy()[12:] - train.to_numpy()[:-12]))
    assert np.isclose(ts.mase(series, f, months, train), sc['mae'] / scale)


def test_training_months_scaler_leaves_test_above_one(series):
    train, test = ts.split_series(series)
    sc = MinMaxScaler().fit(train.to_frame())
    assert sc.transform(test.to_frame()).max() > 1


def test_undiff_roundtrip(series, months):
    w = ts.seasonal_diff_log(series)
    np.testing.assert_allclose(ts.undiff_log(series, w.loc[months]).to_numpy(), series.loc[months].to_numpy())


def test_ols_ar_matches_linear_regression(series, months):
    from sklearn.linear_model import LinearRegression
    m = ts.DiffLogModel(13, hidden=-1).fit(series, '1956-12')
    X, y = ts.diff_windows(series, '1956-12', 13)
    lr = LinearRegression().fit(X, y)
    Xt = ts.diff_inputs(series, months, 13)
    np.testing.assert_allclose(m.predict_w(Xt), lr.predict(Xt), atol=1e-10)


def test_recursive_zero_model_is_seasonal_growth(series):
    hist = series.loc[:'1959-12']
    f = ts.diff_recursive(hist, lambda x: np.zeros(1), 1, 12)
    expect = hist.loc['1959'].to_numpy() * hist.loc['1959-12'] / hist.loc['1958-12']
    np.testing.assert_allclose(f.to_numpy(), expect)
    assert str(f.index[0]) == '1960-01'


def test_diebold_mariano_by_hand_and_paired_t():
    e1, e2 = np.array([1., -2, 3, -1]), np.array([2., 1, -1, 0])
    stat, p = ts.diebold_mariano(e1, e2)
    by_hand = 2.25 / np.sqrt(62.75 / 16) * np.sqrt(3 / 4)
    assert np.isclose(stat, by_hand) and np.isclose(p, 2 * stats.t.sf(by_hand, 3))
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=40), rng.normal(size=40) * 1.3
    t = stats.ttest_rel(a ** 2, b ** 2)
    assert np.allclose(ts.diebold_mariano(a, b), (t.statistic, t.pvalue))
    assert 'no detectable' in ts.verdict(*ts.diebold_mariano(a, a + 1e-3 * rng.normal(size=40)))


def test_choice_uses_only_validation_months(series):
    # changing the test months must not change the choice
    choice = ts.choose_on_validation(series, '1956-12', look_backs=(13,), hiddens=(0, 4), n_seeds=2, max_epochs=30)
    changed = series.copy(); changed.loc['1957-01':] *= 1.5
    choice2 = ts.choose_on_validation(changed, '1956-12', look_backs=(13,), hiddens=(0, 4), n_seeds=2, max_epochs=30)
    pd.testing.assert_frame_equal(choice, choice2)
    assert choice.attrs['chosen_on'] == '1956-01..1956-12'
    assert set(choice['hidden']) == {-1, 0, 4}
    assert ts.pick(choice, 'hidden')[1]['hidden'] == 4 and ts.pick(choice, 'ols')[1]['hidden'] == -1


def test_rolling_origin_blocks(series):
    fcs, table = ts.rolling_origin(series, '1958-12', {'zero': lambda s, te, m: ts.zero_param_forecast(s, m)})
    assert list(table.columns) == ['1959', '1960', 'all'] and len(fcs['zero']) == 24


def test_tutorial_model_side_by_side(series, months):
    fc = ts.tutorial_model_forecast(series, '1956-12', months, 'MLP lag 1', n_seeds=2, epochs=2)
    assert fc.shape == (46, 2) and fc.index.equals(months) and np.isfinite(fc.to_numpy()).all()
    assert not np.allclose(fc.iloc[:, 0], fc.iloc[:, 1])


def test_run_on_a_csv(tmp_path, series):
    csv = tmp_path / 'mine.csv'
    series.iloc[::-1].to_timestamp().rename_axis('date').rename('value').to_csv(csv)   # unsorted
    with pytest.warns(UserWarning, match='not in date order'):
        metrics, table = ts.run(tmp_path / 'out', data=csv, n_seeds=1)
    for k in ('rmse_ols_ar', 'rmse_zero_param', 'rmse_holt_winters_one_step', 'dm_pvalue_best_vs_sarima',
              'chosen_on', 'rmse_persistence', 'rmse_sarima', 'rmse_best_nn'):
        assert k in metrics, k
    json.dumps(metrics)
    assert all(k.isascii() for k in metrics)
    for k in ('rmse_rolling_sarima', 'rmse_rolling_ols_ar', 'rmse_rolling_best_model', 'rmse_last_year_best_model'):
        assert k in metrics, k
    assert metrics['chosen_on'] == '1956-01..1956-12' and metrics['n_test'] == 46
    assert metrics['best_nn'].startswith('MLP') and 0 <= metrics['dm_pvalue_best_vs_sarima'] <= 1
    assert abs(metrics['rmse_sarima'] - 14.0) < 0.05
    assert sorted(p.name for p in (tmp_path / 'out').glob('*.png')) == [
        'forecast_last_year.png', 'series_split.png', 'test_forecasts.png']
