"Bad inputs to `dlworkbook.timeseries`: each is refused before any model is fit, with the argument named."
import numpy as np
import pandas as pd
import pytest

from dlworkbook import timeseries as ts

S = ts.load_airline()
M = ts.eval_months(S)


def _set(i, v):
    s = S.astype(object).copy(); s.iloc[i] = v
    return s


def _csv(tmp_path, text, name='data.csv'):
    p = tmp_path / name; p.write_text(text); return p


CASES = [  # (id, call, exception, message fragment)
    ('months out of order', lambda t: ts.persistence_forecast(S.sample(frac=1, random_state=0), M),
     ValueError, 'series months are out of order'),
    ('non-numeric values', lambda t: ts.sarima_forecast(_set(10, 'n/a'), '1956-12'), TypeError, 'series must hold numbers'),
    ('NumPy array for a Series', lambda t: ts.seasonal_naive_forecast(S.to_numpy(), M), TypeError,
     'series must be a pandas Series'),
    ('list for a Series', lambda t: ts.split_series(list(S)), TypeError, 'series must be a pandas Series'),
    ('integer index', lambda t: ts.zero_param_forecast(S.reset_index(drop=True), M), TypeError, 'monthly PeriodIndex'),
    ('daily PeriodIndex', lambda t: ts.as_monthly(pd.Series(1.0, index=pd.period_range('2000-01-01', periods=5, freq='D'))),
     TypeError, 'frequency D'),
    ('a missing month', lambda t: ts.holt_winters_one_step(S.drop(S.index[30]), '1956-12'), ValueError, 'skips months'),
    ('a month twice', lambda t: ts.as_monthly(pd.concat([S.iloc[:5], S.iloc[4:10]])), ValueError, 'twice'),
    ('NaN value', lambda t: ts.persistence_forecast(S.where(S.index != S.index[3]), M), ValueError, 'missing or infinite'),
    ('train_end after the last month', lambda t: ts.sarima_forecast(S, '1961-06'), ValueError, 'train_end=1961-06'),
    ('train_end at the last month', lambda t: ts.holt_winters_one_step(S, '1960-12'), ValueError, 'nothing is left'),
    ('train_end not a month', lambda t: ts.sarima_forecast(S, 'next year'), ValueError, 'train_end must be a month'),
    ('train_end before the data', lambda t: ts.choose_on_validation(S, '1940-01'), ValueError, 'train_end=1940-01'),
    ('MAPE with a true 0', lambda t: ts.score(_set(60, 0.0).astype(float), S, S.index[50:70]), ValueError, 'truth is 0'),
    ('values <= 0 for a log', lambda t: ts.seasonal_diff_log(_set(7, -3.0).astype(float)), ValueError, 'value <= 0'),
    ('months before enough history', lambda t: ts.zero_param_forecast(S, S.index[2:20]), ValueError,
     'first forecastable month is 1950-02'),
    ('months outside the series', lambda t: ts.persistence_forecast(S, pd.period_range('1961-01', periods=2, freq='M')),
     ValueError, 'not in the series'),
    ('look_back 0', lambda t: ts.make_windows(np.arange(10.), look_back=0), ValueError, 'look_back must be >= 1'),
    ('look_back 2.5', lambda t: ts.DiffLogModel(look_back=2.5), TypeError, 'look_back must be an integer'),
    ('hidden without epochs', lambda t: ts.DiffLogModel(13, hidden=8), ValueError, 'epochs is needed'),
    ('hidden -2', lambda t: ts.make_regressor(hidden=-2), ValueError, 'hidden must be >= -1'),
    ('unknown tutorial model', lambda t: ts.tutorial_model_forecast(S, '1956-12', M, 'GRU'), ValueError,
     'name must be one of'),
    ('unknown pick kind', lambda t: ts.pick(pd.DataFrame({'hidden': [0]}, index=['a']), 'best'), ValueError,
     'kind must be one of'),
    ('train_frac 1.5', lambda t: ts.split_series(S, train_frac=1.5), ValueError, 'train_frac must be <= 0.95'),
    ('DM different lengths', lambda t: ts.diebold_mariano([1, 2, 3], [1, 2]), ValueError, 'e1 has 3, e2 has 2'),
    ('DM text errors', lambda t: ts.diebold_mariano(['a', 'b', 'c'], [1, 2, 3]), TypeError, 'e1 must hold numbers'),
    ('DM horizon 0', lambda t: ts.diebold_mariano([1., 2, 3, 4], [2., 1, 3, 4], h=0), ValueError, 'h must be >= 1'),
    ('series too short for the grid', lambda t: ts.choose_on_validation(S.iloc[:48], '1951-12'), ValueError, 'too few'),
    ('run: seed -1', lambda t: ts.run(t / 'out', seed=-1), ValueError, 'seed must be >= 0'),
    ('run: n_seeds 0', lambda t: ts.run(t / 'out', n_seeds=0), ValueError, 'n_seeds must be >= 1'),
    ('run: missing CSV', lambda t: ts.run(t / 'out', data=t / 'nope.csv'), FileNotFoundError, 'nope.csv does not exist'),
    ('CSV with one column', lambda t: ts.read_series_csv(_csv(t, 'value\n1\n2\n')), ValueError, 'needs a date column'),
    ('CSV with a bad date', lambda t: ts.read_series_csv(_csv(t, 'month,v\n1949-01,1\nsoon,2\n')), ValueError,
     "column 'month', row 3"),
    ('CSV with text values', lambda t: ts.read_series_csv(_csv(t, 'month,v\n1949-01,1\n1949-02,many\n')), ValueError,
     "column 'v', row 3: 'many' is not a number"),
    ('CSV with a repeated month', lambda t: ts.read_series_csv(_csv(t, 'month,v\n1949-01,1\n1949-01,2\n1949-02,3\n')),
     ValueError, 'twice'),
    ('CSV column name wrong', lambda t: ts.read_series_csv(_csv(t, 'month,v\n1949-01,1\n'), value_col='passengers'),
     ValueError, "value_col='passengers'"),
    ('run: CSV too short', lambda t: ts.run(t / 'out', data=_csv(t, 'month,v\n' + ''.join(
        f'{p},{v}\n' for p, v in S.iloc[:60].items()))), ValueError, 'needs at least 96'),
    ('run: CSV with zeros', lambda t: ts.run(t / 'out', data=_csv(t, 'month,v\n' + ''.join(
        f'{p},{0 if i == 5 else v}\n' for i, (p, v) in enumerate(S.items())))), ValueError, 'value <= 0'),
]


@pytest.mark.parametrize('call, exc, msg', [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input(tmp_path, call, exc, msg):
    with pytest.raises(exc) as e: call(tmp_path)
    assert msg in str(e.value), str(e.value)
