// Reads OTLP/JSON request bodies (files named traces*.json, logs*.json,
// metrics*.json) and checks each against OpenTelemetry's protobuf
// definitions: the body, read into the Export*ServiceRequest message,
// encoded, decoded and written back as JSON, must equal the body. A
// misspelled field is dropped on the way and a value of the wrong type is
// converted or refused, so either shows as a difference. OTLP/JSON's ids
// are hex where protobuf's JSON has base64: traceId and spanId are checked
// for their hex form and left out of that comparison.
//
// A body's protobuf encoding (the same name ending in .pb, as otlp_pb.c
// writes it for OTLP/HTTP with protobuf and OTLP/gRPC), decoded by the
// same message, must equal the body too, ids included: a wrong field
// number or wire type shows as a difference or a refusal.
'use strict';
const fs = require('fs');
const path = require('path');
const root = require('@opentelemetry/otlp-transformer/build/src/generated/root.js');

const proto = root.opentelemetry.proto.collector;
const messages = {
  traces: proto.trace.v1.ExportTraceServiceRequest,
  logs: proto.logs.v1.ExportLogsServiceRequest,
  metrics: proto.metrics.v1.ExportMetricsServiceRequest,
};
const ids = { traceId: /^[0-9a-f]{32}$/, spanId: /^[0-9a-f]{16}$/ };

// Keys sorted, empty arrays and the hex ids left out (after checking them)
// unless keepIds.
function canonical(v, where, problems, keepIds = false) {
  if (Array.isArray(v)) {
    return v.map((x, i) => canonical(x, `${where}[${i}]`, problems, keepIds));
  }
  if (v === null || typeof v !== 'object') {
    return v;
  }
  const out = {};
  for (const k of Object.keys(v).sort()) {
    if (ids[k] !== undefined) {
      if (problems !== null && !ids[k].test(v[k])) {
        problems.push(`${where}.${k}: ${JSON.stringify(v[k])} is not ${ids[k]}`);
      }
      if (!keepIds) {
        continue;
      }
    }
    if (Array.isArray(v[k]) && v[k].length === 0) {
      continue;
    }
    out[k] = canonical(v[k], `${where}.${k}`, problems, keepIds);
  }
  return out;
}

function check(file) {
  const signal = Object.keys(messages).find((s) => path.basename(file).startsWith(s));
  if (signal === undefined) {
    return [`${file}: the name starts with none of ${Object.keys(messages).join(', ')}`];
  }
  const M = messages[signal];
  const problems = [];
  let body;
  try {
    body = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    return [`${file}: not JSON: ${e.message}`];
  }
  let back;
  try {
    const wire = M.encode(M.fromObject(body)).finish();
    back = M.toObject(M.decode(wire), { longs: String, enums: Number, bytes: String, defaults: false });
  } catch (e) {
    return [`${file}: refused by ${M.name}: ${e.message}`];
  }
  const want = JSON.stringify(canonical(body, signal, problems));
  const got = JSON.stringify(canonical(back, signal, null));
  compare(want, got, `${file}: differs from its ${M.name} round trip`, problems);

  const pbFile = file.replace(/\.json$/, '.pb');
  if (fs.existsSync(pbFile)) {
    let decoded;
    try {
      decoded = M.toObject(M.decode(fs.readFileSync(pbFile)),
        { longs: String, enums: Number, bytes: String, defaults: false });
    } catch (e) {
      return problems.concat([`${pbFile}: refused by ${M.name}: ${e.message}`]);
    }
    compare(JSON.stringify(canonical(body, signal, null, true)),
      JSON.stringify(canonical(hexIds(decoded), signal, null, true)),
      `${pbFile}: its ${M.name} differs from ${path.basename(file)}`, problems);
  }
  return problems;
}

function compare(want, got, what, problems) {
  if (want === got) {
    return;
  }
  let at = 0;
  while (at < want.length && want[at] === got[at]) {
    at++;
  }
  problems.push(`${what} at offset ${at}:\n` +
    `  json:  ...${want.slice(Math.max(0, at - 60), at + 60)}\n` +
    `  proto: ...${got.slice(Math.max(0, at - 60), at + 60)}`);
}

// protobufjs writes bytes as base64; OTLP/JSON's ids are hex.
function hexIds(v) {
  if (Array.isArray(v)) {
    return v.map(hexIds);
  }
  if (v === null || typeof v !== 'object') {
    return v;
  }
  const out = {};
  for (const [k, x] of Object.entries(v)) {
    out[k] = ids[k] !== undefined ? Buffer.from(x, 'base64').toString('hex') : hexIds(x);
  }
  return out;
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node schema_check.cjs FILE.json...');
  process.exit(2);
}
let failed = 0;
for (const f of files) {
  const problems = check(f);
  for (const p of problems) {
    console.error(p);
  }
  failed += problems.length > 0 ? 1 : 0;
  console.log(`${problems.length === 0 ? 'ok' : 'FAIL'} ${path.basename(f)}`);
}
process.exit(failed === 0 ? 0 : 1);
