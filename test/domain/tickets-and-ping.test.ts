import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { diagnosePing, hostRole, type PingEntry, parseMilliseconds, parsePercent } from '../../server/domain/ping-diagnosis';
import { parseSpeedKbps } from '../../server/domain/speed';
import { catalogueProblems, DEFAULT_SUBJECT_CATALOGUE, matchSubject } from '../../server/domain/ticket-subjects';
import { countActiveByZone, zoneStatus } from '../../server/domain/zone-tickets';
import { readPingResult } from '../../server/wisphub/network';

const subjects = suite('domain: ticket subjects');
subjects('matched case- and accent-insensitively, answered in canonical spelling with its priority', () => {
  assert.equal(matchSubject('internet lento', DEFAULT_SUBJECT_CATALOGUE), { subject: 'Internet Lento', priority: 2, level: 'normal' });
  assert.is(matchSubject('ANTENA DANADA', DEFAULT_SUBJECT_CATALOGUE)?.subject, 'Antena Dañada');
  assert.is(matchSubject('  cambio a fibra optica ', DEFAULT_SUBJECT_CATALOGUE)?.priority, 4);
  assert.is(matchSubject('cancelacion', DEFAULT_SUBJECT_CATALOGUE)?.level, 'low');
});
subjects('"+" and parentheses do not collapse different subjects', () => {
  assert.is(matchSubject('cambio de antena + router wifi', DEFAULT_SUBJECT_CATALOGUE)?.subject, 'Cambio de Antena + Router Wifi');
  assert.is(matchSubject('cambio de antena', DEFAULT_SUBJECT_CATALOGUE)?.subject, 'Cambio de Antena');
  assert.is(matchSubject('Router Wifi Reseteado (Valores de Fábrica)', DEFAULT_SUBJECT_CATALOGUE)?.priority, 3);
});
subjects('unknown, empty and punctuation-only subjects do not match', () => {
  assert.is(matchSubject('pizza', DEFAULT_SUBJECT_CATALOGUE), null);
  assert.is(matchSubject('', DEFAULT_SUBJECT_CATALOGUE), null);
  assert.is(matchSubject(' - ', DEFAULT_SUBJECT_CATALOGUE), null);
  assert.is(matchSubject('internet', DEFAULT_SUBJECT_CATALOGUE), null);
});
subjects('the default catalogue is valid; duplicates after folding are reported', () => {
  assert.equal(catalogueProblems(DEFAULT_SUBJECT_CATALOGUE), []);
  assert.is(catalogueProblems({ 1: ['Cancelación'], 2: ['cancelacion'], 3: ['x'], 4: ['y'] }).length, 1);
});
subjects.run();

const zones = suite('domain: zone ticket counts');
zones('counts active states only, skips tickets without service or zone', () => {
  const counts = countActiveByZone(
    [
      { state: 1, zoneId: 3 },
      { state: 1, zoneId: 3 },
      { state: 2, zoneId: 3 },
      { state: 1, zoneId: null },
      { state: null, zoneId: 3 },
      { state: 1, zoneId: 5 },
    ],
    [1],
  );
  assert.equal([...counts.entries()].sort(), [
    [3, 2],
    [5, 1],
  ]);
  assert.equal(
    countActiveByZone(
      [
        { state: 2, zoneId: 3 },
        { state: 1, zoneId: 3 },
      ],
      [1, 2],
    ).get(3),
    2,
  );
});
zones('blocked at the maximum, unknown zones are empty', () => {
  const counts = new Map([
    [3, 3],
    [4, 2],
  ]);
  assert.equal(zoneStatus(3, counts, 3), { zoneId: 3, activeTickets: 3, maxActiveTickets: 3, blocked: true });
  assert.is(zoneStatus(4, counts, 3).blocked, false);
  assert.equal(zoneStatus(99, counts, 3), { zoneId: 99, activeTickets: 0, maxActiveTickets: 3, blocked: false });
});
zones.run();

const speeds = suite('domain: plan speeds');
speeds('"10M", "10240k", "10 Mbps" are the same speed in kbps', () => {
  assert.is(parseSpeedKbps('10M'), 10240);
  assert.is(parseSpeedKbps('10240k'), 10240);
  assert.is(parseSpeedKbps('10 Mbps'), 10240);
  assert.is(parseSpeedKbps('512K'), 512);
  assert.is(parseSpeedKbps('1G'), 1048576);
  assert.is(parseSpeedKbps('2.5M'), 2560);
  assert.is(parseSpeedKbps('2048'), 2048);
});
speeds('unreadable text is null, never a guess', () => {
  assert.is(parseSpeedKbps(''), null);
  assert.is(parseSpeedKbps(null), null);
  assert.is(parseSpeedKbps('rápido'), null);
  assert.is(parseSpeedKbps('0M'), null);
  assert.is(parseSpeedKbps('10M/2M'), null);
});
speeds.run();

const ping = suite('domain: ping diagnosis');
const host = (h: string, sent: number, received: number): PingEntry => ({ label: h, host: h, sent, received, lossPercent: 0, avgRttMs: 5 });

ping('host roles: RFC 1918, CGNAT, IPv6 ULA/link-local and MAC are the customer side', () => {
  for (const customer of [
    '10.20.1.15',
    '172.16.0.1',
    '172.31.255.1',
    '192.168.88.1',
    '100.64.0.1',
    '100.127.255.254',
    'fd12:3456::1',
    'fc00::1',
    'fe80::1',
    'E4:8D:8C:12:34:56',
    'e4-8d-8c-12-34-56',
  ]) {
    assert.is(hostRole(customer), 'customer', customer);
  }
  for (const antenna of ['181.57.6.7', '172.32.0.1', '100.128.0.1', '8.8.8.8', '2800:e2:1::1', '192.169.0.1', 'not-an-ip']) {
    assert.is(hostRole(antenna), 'antenna', antenna);
  }
});
ping('each outcome', () => {
  assert.is(diagnosePing([host('10.0.0.2', 4, 4), host('181.57.1.1', 4, 4)]).outcome, 'stable');
  assert.is(diagnosePing([host('10.0.0.2', 4, 3), host('181.57.1.1', 4, 4)]).outcome, 'intermittent');
  assert.is(diagnosePing([host('10.0.0.2', 4, 0), host('181.57.1.1', 4, 4)]).outcome, 'antenna_only');
  assert.is(diagnosePing([host('10.0.0.2', 4, 0), host('181.57.1.1', 4, 0)]).outcome, 'no_internet');
  assert.is(diagnosePing([{ label: 'ping-1', error: 'interrupted' }]).outcome, 'router_error');
  assert.is(diagnosePing([]).outcome, 'no_internet');
});
ping('IPv6 and MAC customers, CGNAT, and usable figures beside a router error', () => {
  assert.is(diagnosePing([host('fd00::5', 4, 4), host('2800:e2::1', 4, 4)]).outcome, 'stable');
  assert.is(diagnosePing([host('E4:8D:8C:00:11:22', 4, 0), host('181.57.1.1', 4, 2)]).outcome, 'antenna_only');
  const mixed = diagnosePing([host('100.64.3.4', 4, 4), { label: 'ping-2', error: 'no route to host' }]);
  assert.is(mixed.outcome, 'stable');
  assert.equal(mixed.routerErrors, ['no route to host']);
  assert.match(diagnosePing([host('10.0.0.2', 4, 3)]).message, /intermitente/);
});
ping('upstream result parsing: numbers as strings, summary skipped, string values are router errors', () => {
  const entries = readPingResult([
    {
      'ping-1': {
        host: '10.20.1.15',
        sent: '4',
        received: '3',
        'packet-loss': '25%',
        'min-rtt': '3ms',
        'avg-rtt': '5.5ms',
        'max-rtt': '9ms',
      },
    },
    { 'ping-2': { host: '181.57.6.7', sent: 4, received: 4, 'packet-loss': '0%', 'avg-rtt': '1s' } },
    { 'ping-3': 'failure: could not connect to router' },
    { 'ping-exitoso': '2 de 4' },
    'ruido',
  ]);
  assert.equal(entries, [
    { label: 'ping-1', host: '10.20.1.15', sent: 4, received: 3, lossPercent: 25, avgRttMs: 5.5 },
    { label: 'ping-2', host: '181.57.6.7', sent: 4, received: 4, lossPercent: 0, avgRttMs: 1000 },
    { label: 'ping-3', error: 'failure: could not connect to router' },
  ]);
  assert.is(diagnosePing(entries).outcome, 'intermittent');
  assert.throws(() => readPingResult('not a list'));
});
ping('figure parsers', () => {
  assert.is(parsePercent('25%'), 25);
  assert.is(parsePercent(' 12.5 % '), 12.5);
  assert.is(parsePercent('n/a'), null);
  assert.is(parseMilliseconds('5ms'), 5);
  assert.is(parseMilliseconds('250us'), 0.25);
  assert.is(parseMilliseconds(''), null);
});
ping.run();
