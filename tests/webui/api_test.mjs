// API tests of /api/v1: search, counts, timeline, and bad parameters.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSidekick, feedFixture, FIXTURE, freePort, post, alert, until } from './harness.mjs';

let sk;
before(async () => { sk = await startSidekick(); await feedFixture(sk); });
after(async () => { await sk?.stop(); });

const get = async (q) => {
  const res = await fetch(`${sk.ui}/api/v1/${q}`);
  return { status: res.status, body: await res.json() };
};

test('events: newest first, total, paging', async () => {
  const { status, body } = await get('events?limit=5');
  assert.equal(status, 200);
  assert.equal(body.total, FIXTURE.length);
  assert.equal(body.events.length, 5);
  assert.equal(body.events[0].rule, 'Packet socket created');
  const page2 = (await get('events?limit=5&offset=10')).body;
  assert.equal(page2.events.length, FIXTURE.length - 10);
  assert.equal(page2.events.at(-1).rule, 'Shell in container');
});

test('events: every filter narrows', async () => {
  assert.equal((await get('events?priority=Warning')).body.total, 7); // Warning, Error, Critical
  assert.equal((await get('events?rule=Read%20sensitive%20file')).body.total, 4);
  assert.equal((await get('events?tag=container')).body.total, 5);
  assert.equal((await get('events?hostname=node-a')).body.total, 6);
  assert.equal((await get('events?container=c0ffee000002')).body.total, 1);
  assert.equal((await get('events?source=syscall')).body.total, FIXTURE.length);
  assert.equal((await get('events?source=k8s_audit')).body.total, 0);
  const text = (await get('events?q=SH%20-C%20ID%20%233')).body; // case-insensitive free text
  assert.equal(text.total, 1);
  assert.equal(text.events[0].output_fields['proc.cmdline'], 'sh -c id #3');
  assert.equal((await get('events?since=5m&hostname=node-a&priority=error')).body.total, 1);
});

test('counts by each dimension', async () => {
  const rule = (await get('counts?by=rule')).body;
  assert.equal(rule.total, FIXTURE.length);
  assert.deepEqual(rule.counts[0], { key: 'Shell in container', count: 5 });
  const prio = Object.fromEntries((await get('counts?by=priority')).body.counts.map((c) => [c.key, c.count]));
  assert.deepEqual(prio, { Notice: 5, Warning: 4, Critical: 2, Error: 1 });
  const tags = Object.fromEntries((await get('counts?by=tags')).body.counts.map((c) => [c.key, c.count]));
  assert.equal(tags.T1059, 5);
  assert.equal(tags.network, 1);
  const hosts = (await get('counts?by=hostname&priority=critical')).body;
  assert.deepEqual(hosts.counts, [{ key: 'node-c', count: 2 }]);
  const cont = Object.fromEntries((await get('counts?by=container')).body.counts.map((c) => [c.key, c.count]));
  assert.equal(cont.c0ffee000001, 5);
  assert.equal(cont.host, 6);
});

test('timeline sums to the total', async () => {
  const { body } = await get('timeline?since=15m&buckets=30');
  assert.equal(body.buckets, 30);
  let sum = 0;
  for (const series of Object.values(body.series)) sum += series.reduce((a, b) => a + b, 0);
  assert.equal(sum, FIXTURE.length);
  assert.equal(body.series.Critical.reduce((a, b) => a + b, 0), 2);
});

test('bad parameters answer 400 with a reason', async () => {
  const cases = [
    ['events?since=yesterday', /since/],
    ['events?since=400d', /since/],
    ['events?limit=0', /limit/],
    ['events?limit=abc', /limit/],
    ['events?offset=-1', /offset/],
    ['events?priority=urgent', /priority/],
    ['events?colour=red', /unknown parameter 'colour'/],
    ['counts', /by:/],
    ['counts?by=colour', /by:/],
    ['timeline?buckets=100000', /buckets/],
  ];
  for (const [q, reason] of cases) {
    const { status, body } = await get(q);
    assert.equal(status, 400, q);
    assert.match(body.error, reason, q);
  }
  assert.equal((await fetch(`${sk.ui}/api/v1/nope`)).status, 404);
  assert.equal((await fetch(`${sk.ui}/api/v1/events`, { method: 'POST' })).status, 405);
});

test('info masks secrets; outputs list health', async () => {
  const info = (await get('info')).body;
  assert.match(info.version, /^\d+\.\d+\.\d+/);
  assert.equal(info.config.webui.enabled, 'true');
  const outs = (await get('outputs')).body;
  assert.ok(Array.isArray(outs.outputs));
  assert.ok(outs.spool_bytes > 0);
});

test('outputs report queue depth and the newest delivery error', async () => {
  // A webhook output whose receiver is down: alerts wait in the spool, the
  // error shows on the Info page.
  const deadPort = await freePort();
  const down = await startSidekick('', `webhook:\n  address: http://127.0.0.1:${deadPort}/\n`);
  try {
    await post(down, alert({ rule: 'Queued while down', priority: 'Error' }));
    const out = await until(async () => {
      const o = (await (await fetch(`${down.ui}/api/v1/outputs`)).json()).outputs.find((x) => x.name === 'webhook');
      return o && o.last_error && o.queue_depth >= 1 ? o : null;
    }, 'the webhook output to report its error');
    assert.equal(out.sent, 0);
    assert.ok(out.retries >= 1);
    assert.match(out.last_error, /retry/);
  } finally {
    await down.stop();
  }
});

test('token protects the API', async () => {
  const guarded = await startSidekick('  token: s3cret-token');
  try {
    assert.equal((await fetch(`${guarded.ui}/api/v1/events`)).status, 401);
    const ok = await fetch(`${guarded.ui}/api/v1/events`, { headers: { Authorization: 'Bearer s3cret-token' } });
    assert.equal(ok.status, 200);
    const info = await (await fetch(`${guarded.ui}/api/v1/info?token=s3cret-token`)).json();
    assert.equal(info.config.webui.token, '***');
    assert.equal((await fetch(`${guarded.ui}/`)).status, 200); // the page itself loads to ask for the token
  } finally {
    await guarded.stop();
  }
});
