// Reads OTLP/JSON request bodies (files named traces*.json, logs*.json,
// metrics*.json) and checks each against OpenTelemetry's protobuf
// definitions: the body, read into the Export*ServiceRequest message,
// encoded, decoded and written back as JSON, must equal the body. A
// misspelled field is dropped on the way and a value of the wrong type is
// converted or refused, so either shows as a difference. OTLP/JSON's ids
// are hex where protobuf's JSON has base64: traceId and spanId are checked
// for their hex form and left out of the comparison.
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

// Keys sorted, empty arrays and the hex ids left out (after checking them).
function canonical(v, where, problems) {
  if (Array.isArray(v)) {
    return v.map((x, i) => canonical(x, `${where}[${i}]`, problems));
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
      continue;
    }
    if (Array.isArray(v[k]) && v[k].length === 0) {
      continue;
    }
    out[k] = canonical(v[k], `${where}.${k}`, problems);
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
  if (want !== got) {
    let at = 0;
    while (at < want.length && want[at] === got[at]) {
      at++;
    }
    problems.push(`${file}: differs from its ${M.name} round trip at offset ${at}:\n` +
      `  body:  ...${want.slice(Math.max(0, at - 60), at + 60)}\n` +
      `  proto: ...${got.slice(Math.max(0, at - 60), at + 60)}`);
  }
  return problems;
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
