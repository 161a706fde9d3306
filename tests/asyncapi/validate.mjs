#!/usr/bin/env node
// Validates AsyncAPI documents with the official parser (@asyncapi/parser), offline.
//
//   node validate.mjs FILE...                 JSON or YAML files
//   node validate.mjs --url http://HOST:PORT  a running Herald: /catalog/asyncapi, then
//                                             /catalog/applications/{name}/asyncapi for
//                                             every name in /catalog/applications
//
// Every diagnostic is printed; the exit status is 1 when any document has a diagnostic of
// severity error (0), 2 on bad usage or when a document cannot be fetched or read.
//
// Each document goes through `new Parser().validate(doc)`, then its Avro and Protobuf
// payloads through the official Avro and Protobuf schema parsers, then a full
// `parser.parse(doc)` with those schema parsers registered. (For 3.x documents, `validate`
// alone does not look inside Avro or Protobuf payloads at all.) `--core` skips the schema
// parsers: a bare `new Parser()` validates and parses.
//
// No network: http(s) `$ref`s are refused by the resolver, and every outgoing connection
// other than to the `--url` server is refused (the CI machine has no internet; a
// document that needs it is not self-contained and fails).

import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';

import yaml from 'js-yaml';
import { Parser } from '@asyncapi/parser';
import { AvroSchemaParser } from '@asyncapi/avro-schema-parser';
import { ProtoBuffSchemaParser } from '@asyncapi/protobuf-schema-parser';

const SEVERITY = ['error', 'warning', 'info', 'hint'];

function usage(message) {
  if (message) console.error(`validate.mjs: ${message}`);
  console.error('usage: node validate.mjs [--core] (FILE... | --url BASE_URL)');
  process.exit(2);
}

const args = process.argv.slice(2);
let baseUrl;
let core = false;
const files = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg === '--url') {
    baseUrl = args[++i];
    if (!baseUrl) usage('--url needs a base URL');
  } else if (arg.startsWith('--url=')) {
    baseUrl = arg.slice('--url='.length);
  } else if (arg === '--core') {
    core = true;
  } else if (arg === '-h' || arg === '--help') {
    usage();
  } else if (arg.startsWith('--')) {
    usage(`unknown option ${arg}`);
  } else {
    files.push(arg);
  }
}
if (!baseUrl && files.length === 0) usage('nothing to validate');
if (baseUrl && files.length > 0) usage('give files or --url, not both');

// ---- no network --------------------------------------------------------------------------

const allowed = baseUrl ? new URL(baseUrl) : undefined;
const allowedHost = allowed?.hostname.replace(/^\[|\]$/g, '');
const allowedPort = allowed ? Number(allowed.port || (allowed.protocol === 'https:' ? 443 : 80)) : undefined;
const blocked = [];

function refuse(what) {
  blocked.push(what);
  throw new Error(`network access refused (offline validation): ${what}`);
}

function targetOf(args) {
  const [first, second] = args;
  if (typeof first === 'object' && first !== null) {
    return { host: first.host ?? first.hostname ?? 'localhost', port: Number(first.port) };
  }
  if (typeof first === 'number' || /^\d+$/.test(String(first))) {
    return { host: typeof second === 'string' ? second : 'localhost', port: Number(first) };
  }
  return { host: String(first), port: NaN };
}

function isAllowed({ host, port }) {
  return allowedHost !== undefined && host === allowedHost && port === allowedPort;
}

for (const [module, name] of [[net, 'connect'], [net, 'createConnection'], [tls, 'connect']]) {
  const original = module[name];
  module[name] = function guarded(...args) {
    const target = targetOf(args);
    if (!isAllowed(target)) refuse(`${target.host}:${target.port}`);
    return original.apply(this, args);
  };
}
for (const module of [http, https]) {
  for (const name of ['request', 'get']) {
    module[name] = (...args) => {
      const first = args[0];
      const where = typeof first === 'string' || first instanceof URL ? String(first) : `${first?.hostname ?? first?.host}`;
      refuse(where);
    };
  }
}
const originalFetch = globalThis.fetch;
globalThis.fetch = (input) => refuse(String(input?.url ?? input));

function fetchFromServer(path) {
  // Paths are relative to the base URL's path (Herald may sit behind a prefix).
  const url = new URL(allowed.pathname.replace(/\/$/, '') + path, allowed);
  return originalFetch(url, {
    headers: { accept: 'application/json, application/yaml;q=0.9, text/yaml;q=0.9, */*;q=0.1' },
  }).then(async (response) => {
    const body = await response.text();
    if (!response.ok) {
      throw new Error(`GET ${url}: ${response.status} ${response.statusText}: ${body.slice(0, 500)}`);
    }
    return body;
  });
}

// Remote `$ref`s: refused here (before the parser's own http reader, which would be
// refused by the guard above anyway, with a less clear message).
const offlineResolvers = ['http', 'https'].map((schema) => ({
  schema,
  order: 1,
  canRead: true,
  read: (uri) => refuse(`$ref ${uri.toString()}`),
}));

const avro = AvroSchemaParser();
const protobuf = ProtoBuffSchemaParser();

function newParser() {
  const options = { __unstable: { resolver: { resolvers: offlineResolvers } } };
  if (!core) options.schemaParsers = [avro, protobuf];
  return new Parser(options);
}

// ---- validation ----------------------------------------------------------------------------

function location(diagnostic) {
  const path = (diagnostic.path ?? []).join('/');
  const line = diagnostic.range?.start?.line;
  return `${path ? `/${path}` : '(root)'}${line !== undefined ? ` (line ${line + 1})` : ''}`;
}

function shape(doc) {
  const count = (x) => (x && typeof x === 'object' ? Object.keys(x).length : 0);
  if (!doc || typeof doc !== 'object') return 'not a document';
  return `asyncapi ${doc.asyncapi}, ${count(doc.channels)} channels, ${count(doc.operations)} operations, ` +
    `${count(doc.components?.messages)} messages`;
}

// Every inline multi-format schema (v3: `{schemaFormat, schema}`; v2: a message's
// `{schemaFormat, payload}`) whose format one of the registered schema parsers reads.
function customSchemas(doc) {
  const found = [];
  const v2 = String(doc?.asyncapi ?? '').startsWith('2.');
  const walk = (value, path) => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, [...path, String(i)]));
      return;
    }
    if (!value || typeof value !== 'object') return;
    const format = value.schemaFormat;
    const data = v2 ? value.payload : value.schema;
    const plugin = [avro, protobuf].find((p) => p.getMimeTypes().includes(format));
    if (plugin && data !== undefined) {
      found.push({ plugin, data, path: [...path, v2 ? 'payload' : 'schema'], message: value });
    }
    for (const [key, child] of Object.entries(value)) walk(child, [...path, key]);
  };
  walk(doc, []);
  return found;
}

async function check(label, text) {
  const parser = newParser();
  const before = blocked.length;
  const diagnostics = [];
  const uncaught = (error, code) =>
    diagnostics.push({ severity: 0, code, message: String(error?.message ?? error), path: [] });

  // 1. The document, as `new Parser().validate(doc)` sees it.
  try {
    diagnostics.push(...(await parser.validate(text, { source: label })));
  } catch (error) {
    uncaught(error, 'validate-threw');
  }
  let doc;
  try {
    // JSON is YAML; the core schema keeps `2027-06-30` a string, as the parser does.
    doc = yaml.load(text, { schema: yaml.CORE_SCHEMA });
  } catch {
    // The parser has said what is wrong with it.
  }
  if (!diagnostics.some((d) => d.severity === 0)) {
    // 2. Avro and Protobuf payloads through their official schema parsers. The parser
    //    does this itself for 2.x documents only; for 3.x `validate` leaves them opaque.
    if (!core && doc) {
      for (const { plugin, data, path, message } of customSchemas(doc)) {
        try {
          const input = { data, path, meta: { message }, schemaFormat: message.schemaFormat };
          for (const d of await plugin.validate(input)) {
            diagnostics.push({ severity: 0, code: 'schema-parser', message: d.message, path: d.path ?? path });
          }
        } catch (error) {
          diagnostics.push({ severity: 0, code: 'schema-parser', message: String(error?.message ?? error), path });
        }
      }
    }
    // 3. A full parse (traits, circular references, schema conversion by the registered
    //    schema parsers), when nothing is known to be wrong yet.
    if (!diagnostics.some((d) => d.severity === 0)) {
      try {
        const parsed = await parser.parse(text, { source: label });
        if (!parsed.document) {
          for (const d of parsed.diagnostics.filter((d) => d.severity === 0)) {
            diagnostics.push({ ...d, code: `parse:${d.code}`, message: String(d.message).split('\n')[0] });
          }
        }
      } catch (error) {
        uncaught(error, 'parse-threw');
      }
    }
  }

  const counts = [0, 0, 0, 0];
  for (const d of diagnostics) counts[d.severity] = (counts[d.severity] ?? 0) + 1;
  const networkAttempts = blocked.slice(before);
  const errors = counts[0] + networkAttempts.length;
  console.log(
    `${errors > 0 ? 'FAIL' : 'ok  '} ${label}: ${errors} errors, ${counts[1]} warnings, ${counts[2]} infos, ` +
      `${counts[3]} hints (${doc ? shape(doc) : 'not parsed'})`,
  );
  for (const d of diagnostics) {
    console.log(`     ${SEVERITY[d.severity] ?? d.severity} ${location(d)} ${d.code}: ${d.message}`);
  }
  for (const what of networkAttempts) {
    console.log(`     error network access attempted: ${what}`);
  }
  return errors === 0;
}

async function main() {
  const documents = [];
  if (baseUrl) {
    documents.push(['/catalog/asyncapi', () => fetchFromServer('/catalog/asyncapi')]);
    let list;
    try {
      list = JSON.parse(await fetchFromServer('/catalog/applications'));
    } catch (error) {
      console.error(`FAIL /catalog/applications: ${error.message}`);
      process.exit(2);
    }
    if (!Array.isArray(list?.items) || list.items.some((item) => typeof item?.name !== 'string')) {
      console.error('FAIL /catalog/applications: expected {"items": [{"name": ...}, ...]}');
      process.exit(2);
    }
    for (const item of list.items) {
      const path = `/catalog/applications/${encodeURIComponent(item.name)}/asyncapi`;
      documents.push([path, () => fetchFromServer(path)]);
    }
  } else {
    for (const file of files) documents.push([file, () => fs.promises.readFile(file, 'utf8')]);
  }

  let failed = 0;
  let unreadable = 0;
  for (const [label, read] of documents) {
    let text;
    try {
      text = await read();
    } catch (error) {
      console.log(`FAIL ${label}: ${error.message}`);
      unreadable++;
      continue;
    }
    if (!(await check(label, text))) failed++;
  }
  const total = documents.length;
  console.log(`${total - failed - unreadable}/${total} documents valid (parser ${core ? 'core' : 'core + avro + protobuf'})`);
  process.exit(unreadable > 0 ? 2 : failed > 0 ? 1 : 0);
}

await main();
