// Starts a real saker-sidekick with its web UI on free loopback ports and
// feeds it real Falco-format alerts through its HTTP input.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const buildDir = process.env.SAKER_BUILD_DIR || path.resolve('build');

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Polls fn until it returns a truthy value; bounded by tries and time.
export async function until(fn, what, { tries = 100, delayMs = 100 } = {}) {
  let last;
  for (let i = 0; i < tries; i++) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await sleep(delayMs);
  }
  throw new Error(`timed out waiting for ${what} (last: ${last})`);
}

export async function startSidekick(extraWebui = '', extraTop = '') {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'saker-webui-'));
  const inputPort = await freePort();
  const uiPort = await freePort();
  mkdirSync(path.join(dir, 'spool'));
  writeFileSync(path.join(dir, 'sidekick.yaml'), [
    'listenaddress: 127.0.0.1',
    `listenport: ${inputPort}`,
    `plugindir: ${path.join(buildDir, 'lib/saker/plugins')}`,
    'nng:',
    '  listen: ""',
    'spool:',
    `  dir: ${path.join(dir, 'spool')}`,
    'webui:',
    '  enabled: true',
    '  listenaddress: 127.0.0.1',
    `  listenport: ${uiPort}`,
    extraWebui,
    extraTop,
    '',
  ].join('\n'));
  const proc = spawn(path.join(buildDir, 'bin/saker-sidekick'), ['-c', path.join(dir, 'sidekick.yaml')], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise((r) => proc.on('exit', (code, sig) => r({ code, sig })));
  const sk = {
    dir, proc, inputPort, uiPort,
    input: `http://127.0.0.1:${inputPort}`,
    ui: `http://127.0.0.1:${uiPort}`,
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      const killer = setTimeout(() => proc.kill('SIGKILL'), 10000);
      await exited;
      clearTimeout(killer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await until(async () => (await fetch(`${sk.input}/ping`)).ok && (await fetch(`${sk.ui}/api/v1/info`)).status < 500,
    'the sidekick to listen');
  return sk;
}

export function alert({ rule, priority, hostname = 'node-a', container = 'host', tags = [], time = new Date(),
  output, fields = {} }) {
  const iso = time.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
  return {
    hostname,
    output: output || `${iso.slice(11, 29)}: ${priority} ${rule} (container_id=${container})`,
    output_fields: { 'container.id': container, 'evt.time': time.getTime() * 1e6, 'proc.name': 'bash', ...fields },
    priority,
    rule,
    source: 'syscall',
    tags,
    time: iso,
  };
}

export async function post(sk, a) {
  const res = await fetch(`${sk.input}/`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(a),
  });
  if (res.status !== 200) throw new Error(`POST / answered ${res.status}: ${await res.text()}`);
}

// The fixture both suites use: 12 alerts of 4 rules, 3 hosts, 2 containers.
export const FIXTURE = [
  ...Array.from({ length: 5 }, (_, i) => ({ rule: 'Shell in container', priority: 'Notice', hostname: 'node-a',
    container: 'c0ffee000001', tags: ['T1059', 'container', 'shell'], fields: { 'proc.cmdline': `sh -c id #${i}` } })),
  ...Array.from({ length: 4 }, () => ({ rule: 'Read sensitive file', priority: 'Warning', hostname: 'node-b',
    tags: ['T1003', 'filesystem'], fields: { 'fd.name': '/etc/shadow' } })),
  ...Array.from({ length: 2 }, () => ({ rule: 'Kernel module load', priority: 'Critical', hostname: 'node-c',
    tags: ['T1547'] })),
  { rule: 'Packet socket created', priority: 'Error', hostname: 'node-a', container: 'c0ffee000002',
    tags: ['T1040', 'network'], fields: { 'fd.name': 'packet socket' } },
];

export async function feedFixture(sk) {
  const now = Date.now();
  for (let i = 0; i < FIXTURE.length; i++) {
    await post(sk, alert({ ...FIXTURE[i], time: new Date(now - (FIXTURE.length - i) * 1000) }));
  }
  await until(async () => {
    const r = await (await fetch(`${sk.ui}/api/v1/counts?by=priority`)).json();
    return r.total === FIXTURE.length;
  }, 'the index to hold the fixture');
}
