// node grpc_e2e.cjs BUILD_DIR: the real saker-sidekick sends two Falco alerts
// to a real OTLP/gRPC server (@grpc/grpc-js, OpenTelemetry's generated
// messages) and to an OTLP/HTTP protobuf receiver:
// - otlp.traces with protocol grpc over TLS (https://, a certificate made
//   by openssl for the run, trusted through tlsclient.cacertfile), its
//   messages gzipped (OTEL_EXPORTER_OTLP_COMPRESSION in extraenvvars): two
//   spans named after the rule, the configured header as gRPC metadata;
//   the server's first answer is a partial success, which the sidekick
//   logs; a span it refuses with INVALID_ARGUMENT is given up, not retried;
// - otlp.logs with protocol http/protobuf, gzipped
//   (OTEL_EXPORTER_OTLP_LOGS_COMPRESSION): two records,
//   application/x-protobuf on /v1/logs;
// - otlp.metrics with no protocol (grpc, Falcosidekick's default) in
//   cleartext (an endpoint without a scheme, tls unset): the server refuses the first call with
//   UNAVAILABLE; the retried alert is counted once, so the last count is 2;
//   with OTEL_METRIC_EXPORT_INTERVAL 300 ms (extraenvvars) the count comes
//   again on that schedule, with no new alert (the sidekick's tick); a
//   refused periodic export is logged and the next ones still come.
// The sidekick must then stop cleanly on SIGTERM (exit 0: no sanitizer
// report). Every wait is bounded (20 s overall). Exits 1 with the reasons.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const http = require('http');
const net = require('net');
const zlib = require('zlib');
const { spawn, execFileSync } = require('child_process');
const grpc = require('@grpc/grpc-js');
const root = require('@opentelemetry/otlp-transformer/build/src/generated/root.js');

const collector = root.opentelemetry.proto.collector;
const services = {
  traces: ['opentelemetry.proto.collector.trace.v1.TraceService', collector.trace.v1],
  metrics: ['opentelemetry.proto.collector.metrics.v1.MetricsService', collector.metrics.v1],
};
const asObject = { longs: String, enums: Number, bytes: String, defaults: false };
const DEADLINE_MS = 20000;

const build = process.argv[2];
if (build === undefined) {
  console.error('usage: node grpc_e2e.cjs BUILD_DIR');
  process.exit(2);
}
const problems = [];
const got = { traces: [], logs: [], metrics: [] };
let metricCalls = 0;
let periodic = false;
let periodicRefused = false;
let refusedCalls = 0;
const snapshot = { records: 0, counts: [] };

function check(ok, what) {
  if (!ok) {
    problems.push(what);
  }
}

function exportService(name, Request, Response) {
  return {
    Export: {
      path: `/${name}/Export`,
      requestStream: false,
      responseStream: false,
      requestSerialize: (m) => Buffer.from(Request.encode(m).finish()),
      requestDeserialize: (b) => Request.toObject(Request.decode(b), asObject),
      responseSerialize: (m) => Buffer.from(Response.encode(Response.fromObject(m)).finish()),
      responseDeserialize: (b) => Response.decode(b),
    },
  };
}

function bind(server, credentials) {
  return new Promise((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', credentials, (err, port) => {
      if (err !== null) {
        reject(err);
      } else {
        resolve(port);
      }
    });
  });
}

// A self-signed certificate for 127.0.0.1, its own CA.
function makeCert(dir) {
  const key = path.join(dir, 'server.key');
  const cert = path.join(dir, 'server.crt');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert,
    '-days', '1', '-subj', '/CN=saker-grpc-e2e', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  return { key: fs.readFileSync(key), cert: fs.readFileSync(cert), certFile: cert };
}

// traces on a TLS server, metrics on a cleartext one
async function startGrpc(tls) {
  const tracesServer = new grpc.Server();
  const server = new grpc.Server();
  const t = services.traces[1];
  tracesServer.addService(exportService(services.traces[0], t.ExportTraceServiceRequest,
    t.ExportTraceServiceResponse), {
    Export: (call, reply) => {
      // a span of the third alert is refused for good: not retried
      if (spansOf({ request: call.request }).some((sp) => sp.name === 'Bad rule')) {
        refusedCalls++;
        reply({ code: grpc.status.INVALID_ARGUMENT, details: 'bad span' });
        return;
      }
      got.traces.push({ request: call.request, metadata: call.metadata.getMap() });
      // the first answer refuses one span of the request
      reply(null, got.traces.length === 1 ? { partialSuccess: { rejectedSpans: 1, errorMessage: 'span quota' } } : {});
    },
  });
  const m = services.metrics[1];
  server.addService(exportService(services.metrics[0], m.ExportMetricsServiceRequest,
    m.ExportMetricsServiceResponse), {
    Export: (call, reply) => {
      metricCalls++;
      if (metricCalls === 1) {
        reply({ code: grpc.status.UNAVAILABLE, details: 'warming up' });
        return;
      }
      // the first periodic export is refused too: logged, and the next one comes anyway
      if (periodic && !periodicRefused) {
        periodicRefused = true;
        reply({ code: grpc.status.UNAVAILABLE, details: 'export refused' });
        return;
      }
      got.metrics.push({ request: call.request, metadata: call.metadata.getMap() });
      reply(null, {});
    },
  });
  const tracesPort = await bind(tracesServer,
    grpc.ServerCredentials.createSsl(null, [{ private_key: tls.key, cert_chain: tls.cert }], false));
  const port = await bind(server, grpc.ServerCredentials.createInsecure());
  return { servers: [tracesServer, server], tracesPort, port };
}

function startHttp() {
  const Request = collector.logs.v1.ExportLogsServiceRequest;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      try {
        const gzipped = req.headers['content-encoding'] === 'gzip';
        const body = gzipped ? zlib.gunzipSync(Buffer.concat(chunks)) : Buffer.concat(chunks);
        got.logs.push({ url: req.url, type: req.headers['content-type'], gzipped,
          request: Request.toObject(Request.decode(body), asObject) });
        res.writeHead(200, { 'Content-Type': 'application/x-protobuf' });
      } catch (e) {
        problems.push(`logs: the body is not an ExportLogsServiceRequest: ${e.message}`);
        res.writeHead(400);
      }
      res.end();
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function request(port, method, urlPath, body) {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, timeout: 2000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
    req.end(body);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(what, cond, deadline) {
  while (Date.now() < deadline) {
    if (await cond()) {
      return true;
    }
    await sleep(50);
  }
  problems.push(`timed out waiting for ${what}`);
  return false;
}

function alert(n, rule = 'Read sensitive file') {
  return JSON.stringify({
    uuid: `grpc-e2e-${n}`, hostname: 'node-1', priority: 'Warning', rule,
    source: 'syscall', time: `2026-12-01T12:00:0${n}.000000001Z`,
    output: `12:00:0${n}.000000001: Warning Sensitive file opened (file=/etc/shadow)`,
    output_fields: { 'fd.name': '/etc/shadow', 'proc.name': 'cat' }, tags: ['filesystem'],
  });
}

const spansOf = (r) => r.request.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
const recordsOf = (r) => r.request.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords));
const pointsOf = (r) => r.request.resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((sm) =>
  sm.metrics.filter((x) => x.name === 'falcosecurity_falco_rules_matches_total').flatMap((x) => x.sum.dataPoints)));

async function main() {
  const deadline = Date.now() + DEADLINE_MS;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'saker-grpc-e2e-'));
  const tls = makeCert(dir);
  const { servers: grpcServers, tracesPort, port: grpcPort } = await startGrpc(tls);
  const httpServer = await startHttp();
  const listen = await freePort();
  const cfg = path.join(dir, 'sidekick.yaml');
  const logFile = path.join(dir, 'sidekick.log');
  fs.writeFileSync(cfg, [
    `listenport: ${listen}`, 'nng:', '  listen: ""', 'spool:', `  dir: ${dir}/spool`,
    'retry:', '  initialms: 50', '  maxms: 200',
    'tlsclient:', `  cacertfile: ${tls.certFile}`,
    'otlp:',
    '  traces:', `    endpoint: https://127.0.0.1:${tracesPort}`, '    protocol: grpc', '    headers: "x-team=blue"',
    '    extraenvvars:', '      OTEL_EXPORTER_OTLP_COMPRESSION: gzip',
    '  logs:', `    endpoint: http://127.0.0.1:${httpServer.address().port}`, '    protocol: http/protobuf',
    '    extraenvvars:', '      OTEL_EXPORTER_OTLP_LOGS_COMPRESSION: gzip',
    '  metrics:', `    endpoint: 127.0.0.1:${grpcPort}`, '    extraenvvars:',
    '      OTEL_METRIC_EXPORT_INTERVAL: 300', '',
  ].join('\n'));
  const log = fs.openSync(logFile, 'w');
  const sidekick = spawn(path.join(build, 'bin/saker-sidekick'),
    ['-c', cfg, '--plugin-dir', path.join(build, 'lib/saker/plugins')], { stdio: ['ignore', log, log] });
  let exited = false;
  let exitCode = null;
  sidekick.on('exit', (code, signal) => {
    exited = true;
    exitCode = code !== null ? code : signal;
  });
  try {
    if (!await until('the sidekick to answer /ping',
      async () => !exited && await request(listen, 'GET', '/ping') === 200, deadline)) {
      return;
    }
    check(await request(listen, 'POST', '/', alert(1)) === 200, 'the first alert was not taken');
    check(await request(listen, 'POST', '/', alert(2)) === 200, 'the second alert was not taken');
    await until('two spans over gRPC', () => got.traces.flatMap(spansOf).length >= 2, deadline);
    await until('two log records over OTLP/HTTP protobuf', () => got.logs.flatMap(recordsOf).length >= 2, deadline);
    await until('a count of 2 over gRPC', () => got.metrics.flatMap(pointsOf).some((p) => p.asInt === '2'),
      deadline);
    // no alert from here on: the periodic export repeats the total
    const before = got.metrics.length;
    periodic = true;
    await until('two periodic metrics exports', () => got.metrics.slice(before).filter(
      (r) => pointsOf(r).some((p) => p.asInt === '2')).length >= 2, deadline);
    // what the first two alerts made, before the third one
    snapshot.records = got.logs.flatMap(recordsOf).length;
    snapshot.counts = got.metrics.flatMap(pointsOf).map((p) => Number(p.asInt));
    // an alert whose span the server refuses with INVALID_ARGUMENT: given up, not retried
    check(await request(listen, 'POST', '/', alert(3, 'Bad rule')) === 200, 'the third alert was not taken');
    await until('the permanent failure in the log', () => fs.readFileSync(logFile, 'utf8').includes(
      'permanent delivery failure'), deadline);
    await sleep(500); // a retry, if any, would come within the 50-200 ms backoff
  } finally {
    sidekick.kill('SIGTERM');
    await until('the sidekick to exit', () => exited, Date.now() + 5000);
    check(exitCode === 0, `the sidekick exited with ${exitCode} after SIGTERM (sanitizer report in its log?)`);
    grpcServers.forEach((g) => g.forceShutdown());
    httpServer.close();
  }

  const spans = got.traces.flatMap(spansOf);
  check(spans.length === 2, `${spans.length} spans, want 2`);
  for (const s of spans) {
    check(s.name === 'Read sensitive file', `span name ${JSON.stringify(s.name)}`);
    check(Buffer.from(s.traceId, 'base64').length === 16 && Buffer.from(s.spanId, 'base64').length === 8,
      'span ids of the wrong length');
    check(s.attributes.some((a) => a.key === 'fd.name' && a.value.stringValue === '/etc/shadow'),
      'no fd.name attribute on a span');
  }
  for (const t of got.traces) {
    check(t.metadata['x-team'] === 'blue', `traces metadata x-team=${t.metadata['x-team']}`);
    check(String(t.metadata['user-agent']).includes('Saker/'), `traces user-agent ${t.metadata['user-agent']}`);
  }
  const records = got.logs.flatMap(recordsOf);
  check(snapshot.records === 2, `${snapshot.records} log records for two alerts, want 2`);
  for (const l of got.logs) {
    check(l.url === '/v1/logs', `logs went to ${l.url}`);
    check(l.type === 'application/x-protobuf', `logs content type ${l.type}`);
    check(l.gzipped, 'logs not gzipped (OTEL_EXPORTER_OTLP_LOGS_COMPRESSION)');
  }
  check(records.every((r) => String(r.body.stringValue).includes('Sensitive file opened')), 'a log body');
  check(metricCalls >= 2, `${metricCalls} metrics calls: the refused one was not retried`);
  const counts = snapshot.counts;
  check(counts.length > 0 && Math.max(...counts) === 2, `metric counts ${JSON.stringify(counts)}: want 2 at most`);
  const text = fs.readFileSync(logFile, 'utf8');
  check(text.includes('the collector refused 1 spans of a request: span quota'),
    'the partial success is not in the log');
  check(text.includes('UNAVAILABLE') && text.includes('warming up'), 'the refused metrics call is not in the log');
  // logged under its own rate limit, not hidden by the refused delivery before it
  check(periodicRefused && text.includes('otlp.metrics: scheduled send failed') && text.includes('export refused'),
    'the refused periodic export is not in the log');
  check(text.includes('gRPC status 3 (INVALID_ARGUMENT)') && text.includes('bad span'),
    'the refused span is not in the log');
  check(refusedCalls === 1, `the refused span was sent ${refusedCalls} times, want 1 (FAIL is not retried)`);
  if (problems.length > 0) {
    console.error(`--- sidekick log\n${text}---`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => problems.push(`error: ${e.stack}`)).finally(() => {
  for (const p of problems) {
    console.error(`FAIL ${p}`);
  }
  console.log(problems.length === 0 ? 'ok grpc_e2e' : 'FAIL grpc_e2e');
  process.exit(problems.length === 0 ? 0 : 1);
});
