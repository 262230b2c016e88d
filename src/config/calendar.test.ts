/** Working hours and school holidays settings (droit à la déconnexion): validation and the client configuration. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, ConfigError } from './load.ts';
import { clientConfig } from '../http/web-static.ts';

test('schoolHolidays and workingHours: defaults, parsing, exposure to the webmail', () => {
  const d = loadConfig({});
  assert.equal(d.schoolHolidays, '');
  assert.equal(d.workingHours, '08:00-18:30');
  const c = loadConfig({ PREAU_SCHOOL_HOLIDAYS: '2026-12-19..2027-01-03, 2027-02-06..2027-02-21', PREAU_WORKING_HOURS: '07:45-17:30' });
  const pub = clientConfig(c);
  assert.deepEqual(pub.schoolHolidays, [{ start: '2026-12-19', end: '2027-01-03' }, { start: '2027-02-06', end: '2027-02-21' }]);
  assert.deepEqual(pub.workingTime, { start: '07:45', end: '17:30', days: [1, 2, 3, 4, 5] });
});

test('bad school holidays or working hours are refused with a clear message', () => {
  const bad = (env: Record<string, string>, re: RegExp) => assert.throws(() => loadConfig(env), (e: Error) => e instanceof ConfigError && re.test(e.message));
  bad({ PREAU_SCHOOL_HOLIDAYS: '19/12/2026-03/01/2027' }, /PREAU_SCHOOL_HOLIDAYS.*date ranges such as 2026-12-19\.\.2027-01-03/);
  bad({ PREAU_SCHOOL_HOLIDAYS: '2027-01-03..2026-12-19' }, /PREAU_SCHOOL_HOLIDAYS.*not after the second/);
  bad({ PREAU_SCHOOL_HOLIDAYS: '2027-02-30..2027-03-01' }, /PREAU_SCHOOL_HOLIDAYS.*real dates/);
  bad({ PREAU_WORKING_HOURS: '8h-18h' }, /PREAU_WORKING_HOURS.*08:00-18:30/);
  bad({ PREAU_WORKING_HOURS: '18:00-08:00' }, /PREAU_WORKING_HOURS.*after its start/);
});
