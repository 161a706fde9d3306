#!/usr/bin/env node
// Browser crawl of the Herald portal in headless Debian Chromium, driven by playwright-core.
//
//   node crawl.mjs --base http://127.0.0.1:8081 --out target/browser-shots
//   node crawl.mjs --self-test [--out DIR]
//
// Starting from /ui/, it follows every internal link breadth-first (URLs without fragments,
// deduplicated, at most --max-urls). Every URL is fetched once for its HTTP status; HTML
// pages under /ui/ are also rendered in Chromium, where a console error, an uncaught
// exception, a failed or >= 400 sub-request, or any request to another host fails the run.
// Pages are grouped into page types by path (see PAGE_TYPES); the first --per-type pages of
// each type are also checked with axe-core (serious and critical violations fail, moderate
// and minor ones are warnings) and the first one of each type is screenshotted at 1280x900
// and 390x844. Then: a keyboard check (skip link first, Tab reaches the site nav), a
// JavaScript-off check of three page types, and dark-mode screenshots (with axe) of the home
// page and a topic page. It prints a summary, writes summary.json into --out and exits 1 on
// any failure.
//
// --self-test serves a handful of deliberately broken pages from a tiny local HTTP server,
// crawls them, and asserts that every planted problem is reported (and none on the good
// pages): the proof that this crawl can fail.

import { chromium, request as playwrightRequest } from 'playwright-core';
import { readFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const AXE_VERSION = require('axe-core/package.json').version;
const PLAYWRIGHT_VERSION = require('playwright-core/package.json').version;

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--dns-prefetch-disable',
];
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const NAV_TIMEOUT_MS = 30_000;

// Page types by path; the first match wins. A query string adds its sorted parameter names
// ("topics-list+domain", "search+q"), so a filtered list is a type of its own.
const COLLECTIONS = [
  ['topics', 'topic'],
  ['applications', 'application'],
  ['events', 'event'],
  ['domains', 'domain'],
  ['teams', 'team'],
];
const PAGE_TYPES = [
  ['home', /^\/ui\/?$/],
  ['subjects-list', /^\/ui\/subjects\/?$/],
  ['subject-version-download', /^\/ui\/subjects\/[^/]+\/versions\/[^/]+\/download\/?$/],
  ['subject-version', /^\/ui\/subjects\/[^/]+\/versions\/[^/]+\/?$/],
  ['subject-diff', /^\/ui\/subjects\/[^/]+\/diff\/?$/],
  ['subject', /^\/ui\/subjects\/[^/]+\/?$/],
  ['schema', /^\/ui\/schemas\/[^/]+\/?$/],
  ['search', /^\/ui\/search\/?$/],
  ['catalog-overview', /^\/ui\/catalog\/?$/],
  ['catalog-fields', /^\/ui\/catalog\/fields\/?$/],
  ...COLLECTIONS.flatMap(([plural, singular]) => [
    [`${plural}-list`, new RegExp(`^/ui/${plural}/?$`)],
    [singular, new RegExp(`^/ui/${plural}/[^/]+/?$`)],
  ]),
  ['static', /^\/ui\/static\//],
  ['not-found', /^\/ui\/this-page-does-not-exist$/],
];
// Path segments kept in the names of other types (the rest are names and ids).
const ROUTE_WORDS = new Set([
  'ui', 'subjects', 'versions', 'schema', 'schemas', 'ids', 'guids', 'types', 'referencedby',
  'config', 'mode', 'contexts', 'compatibility', 'metadata', 'catalog', 'applications',
  'events', 'domains', 'teams', 'topics', 'fields', 'asyncapi', 'export', 'apply', 'download',
  'raw', 'diff', 'search', 'static', 'health', 'ready', 'live', 'latest', 'api-docs',
  'openapi.json', 'schema.json', 'produces', 'consumes', 'owns', 'members',
]);
// What the demo landscape should show; a type not reached is a warning (the portal grows).
const EXPECTED_TYPES = [
  'home', 'subjects-list', 'subject', 'subject-version', 'subject-diff', 'schema',
  'search', 'search+q', 'catalog-overview', 'catalog-fields',
  ...COLLECTIONS.flatMap(([plural, singular]) => [`${plural}-list`, singular]),
  'not-found',
];
// Page types loaded with JavaScript off (the first three present).
const NO_JS_PREFERENCE = ['subjects-list', 'subject-version', 'topic', 'event', 'topics-list', 'home'];

function pageType(url) {
  const u = new URL(url);
  let path = u.pathname;
  let name = null;
  for (const [type, pattern] of PAGE_TYPES) {
    if (pattern.test(path)) {
      name = type;
      break;
    }
  }
  if (name === null) {
    // Elsewhere: the first segment (two under /ui) and the route words, other segments as
    // "_" ("subjects-_-versions-_-schema", "catalog-applications-_-asyncapi", "ui-graphs").
    const segments = path.split('/').filter(Boolean);
    const kept = segments[0] === 'ui' ? 2 : 1;
    name = segments.map((seg, i) => (i < kept || ROUTE_WORDS.has(seg) ? seg : '_')).join('-') || 'root';
    name = name.replace(/[^A-Za-z0-9_.-]/g, '_');
  }
  const params = [...new Set([...u.searchParams.keys()])].sort();
  if (params.length) name += '+' + params.map((p) => p.replace(/[^A-Za-z0-9_.-]/g, '_')).join('-');
  return name;
}

function parseArgs(argv) {
  const opts = {
    base: null,
    out: null,
    maxUrls: 2000,
    perType: 3,
    concurrency: 4,
    timeoutSeconds: 1200,
    selfTest: false,
    requireTypes: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${arg} needs a value`);
      return argv[++i];
    };
    switch (arg) {
      case '--base': opts.base = value().replace(/\/+$/, ''); break;
      case '--out': opts.out = value(); break;
      case '--max-urls': opts.maxUrls = Number(value()); break;
      case '--per-type': opts.perType = Number(value()); break;
      case '--concurrency': opts.concurrency = Number(value()); break;
      case '--timeout-seconds': opts.timeoutSeconds = Number(value()); break;
      case '--require-types': opts.requireTypes = true; break;
      case '--self-test': opts.selfTest = true; break;
      case '-h': case '--help': usage(null); break;
      default: usage(`unknown argument ${arg}`);
    }
  }
  for (const key of ['maxUrls', 'perType', 'concurrency', 'timeoutSeconds']) {
    if (!Number.isInteger(opts[key]) || opts[key] < 1) usage(`--${key} must be a positive integer`);
  }
  if (!opts.selfTest && !opts.base) usage('--base is required');
  return opts;
}

function usage(problem) {
  const text = [
    'usage: node crawl.mjs --base URL [--out DIR] [--max-urls N] [--per-type N]',
    '                      [--concurrency N] [--timeout-seconds N] [--require-types]',
    '       node crawl.mjs --self-test [--out DIR]',
  ].join('\n');
  if (problem) {
    console.error(`crawl.mjs: ${problem}\n${text}`);
    process.exit(2);
  }
  console.log(text);
  process.exit(0);
}

async function mapLimit(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function normalise(href, from) {
  let u;
  try {
    u = new URL(href, from);
  } catch {
    return null;
  }
  u.hash = '';
  return u;
}

/** One crawl; returns the summary (never throws for problems found in the site). */
export async function crawl(options) {
  const { base, out, maxUrls, perType, concurrency } = options;
  const seeds = options.seeds ?? ['/ui/', '/ui/search?q=order'];
  const expectedStatus = options.expectedStatus ?? { '/ui/this-page-does-not-exist': 404 };
  const expectedTypes = options.expectedTypes ?? EXPECTED_TYPES;
  const noJsPreference = options.noJsPreference ?? NO_JS_PREFERENCE;
  const origin = new URL(base).origin;
  const baseHost = new URL(base).hostname;
  const rel = (url) => (url.startsWith(origin) ? url.slice(origin.length) || '/' : url);

  mkdirSync(out, { recursive: true });
  for (const file of readdirSync(out)) {
    if (file.endsWith('.png') || file === 'summary.json') rmSync(join(out, file));
  }

  const failures = []; // { kind, url, detail }
  const warnings = []; // { kind, url, detail }
  const fail = (kind, url, detail, resource = null) =>
    failures.push({ kind, url: rel(url), detail, ...(resource ? { resource: rel(resource) } : {}) });
  const warn = (kind, url, detail) => warnings.push({ kind, url: rel(url), detail });
  const violations = []; // { impact, id, help, helpUrl, url, type, context, targets }
  const screenshots = [];
  const referrers = new Map(); // url -> { count, examples: [page urls linking to it] }
  const externalLinks = new Map(); // url -> first page linking to it
  const fragmentChecks = []; // { target, id, from }
  const idsByUrl = new Map();
  const rendered = new Map(); // type -> [{ url, tables, mainText }]
  const typesSeen = new Map(); // type -> number of URLs
  const checks = new Map(); // check name -> failed? (for the closing count line)
  const brokenResources = new Set(); // sub-resources that answered >= 400
  const brokenLinks = new Set(); // URLs whose status check failed
  const reportedResources = new Map(); // page url -> resources already reported for it
  const checkedUrls = [];
  let renderedCount = 0;
  let capped = 0;

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // playwright-core gives every launch a new, empty user-data-dir of its own (and
    // deletes it on close); it refuses a --user-data-dir argument to launch().
    args: [...CHROMIUM_ARGS, `--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE ${baseHost}`],
  });
  // Signed in (--sign-in): the portal's own form is filled once, and every context of the
  // crawl carries the session it set.
  const storageState = options.signIn ? await signInThroughTheForm(browser, base, options.signIn, out, screenshots) : undefined;
  const api = await playwrightRequest.newContext({ timeout: NAV_TIMEOUT_MS, storageState });
  const desktop = await browser.newContext({ viewport: DESKTOP, storageState });
  const phone = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, storageState });
  const dark = await browser.newContext({ viewport: DESKTOP, colorScheme: 'dark', storageState });
  const noJs = await browser.newContext({ viewport: DESKTOP, javaScriptEnabled: false, storageState });

  // A page whose problems are recorded against `url`: console errors, uncaught exceptions,
  // failed requests, sub-requests answered >= 400, and any request leaving the server
  // (aborted before it reaches the network).
  async function openPage(context, url, { expect = null, label = '' } = {}) {
    const page = await context.newPage();
    const where = label ? `${url} [${label}]` : url;
    const state = { axeRunning: false };
    const problems = [];
    const problem = (kind, detail, about = null) => problems.push({ kind, detail, about });
    await page.route('**/*', (route) => {
      const req = route.request();
      let reqOrigin = null;
      try {
        reqOrigin = new URL(req.url()).origin;
      } catch {}
      if (reqOrigin === origin) return route.continue();
      problem('external-request', `${req.resourceType()} ${req.url()} was requested (blocked: nothing may load from another host)`, req.url());
      return route.abort('blockedbyclient');
    });
    page.on('console', (msg) => {
      const loc = msg.location();
      const at = loc?.url ? ` (at ${rel(loc.url)}${loc.lineNumber ? `:${loc.lineNumber}` : ''})` : '';
      // Messages of axe's own code (evaluated, so without a URL), e.g. when its stylesheet
      // preload stumbles on a broken stylesheet the page's own messages already report.
      if (state.axeRunning && !loc?.url) {
        warn('axe-console', where, `${msg.type()} while axe ran: ${msg.text().split('\n')[0]}`);
        return;
      }
      if (msg.type() === 'error') {
        // The browser's own note about the document's status, when that status is expected.
        if (expect && loc?.url === url && msg.text().includes(`status of ${expect}`)) return;
        // "Failed to load resource" names the resource as its location; "Refused to apply
        // style from 'URL'" / "Refused to execute script from 'URL'" name it in the text.
        const named = /^Refused to \w+ \w+ from '([^']+)'/.exec(msg.text())?.[1];
        const about = msg.text().startsWith('Failed to load resource') ? loc?.url : named ?? null;
        problem('console-error', msg.text() + at, about);
      } else if (msg.type() === 'warning') {
        warn('console-warning', where, msg.text() + at);
      }
    });
    page.on('pageerror', (error) => problem('page-error', String(error?.stack || error)));
    // Requests of axe's own (it fetches stylesheets for its CSS rules) are not the page's.
    const axeOwn = (req) => state.axeRunning && ['xhr', 'fetch'].includes(req.resourceType());
    page.on('requestfailed', (req) => {
      if (axeOwn(req)) return;
      const text = req.failure()?.errorText ?? 'failed';
      let reqOrigin = null;
      try {
        reqOrigin = new URL(req.url()).origin;
      } catch {}
      if (text.includes('ERR_BLOCKED_BY_CLIENT') && reqOrigin !== origin) return; // reported above
      problem('request-failed', `${req.method()} ${rel(req.url())}: ${text}`, req.url());
    });
    page.on('response', (res) => {
      if (res.status() < 400) return;
      const req = res.request();
      if (req.isNavigationRequest() && req.frame() === page.mainFrame()) return; // checked by caller
      if (axeOwn(req)) return;
      brokenResources.add(res.url());
      problem('subresource-status', `${req.resourceType()} ${rel(res.url())} answered ${res.status()}`, res.url());
    });
    // One failure per broken resource and page: the first of its HTTP status, its blocking
    // or its failure; the browser's console lines about it only when nothing else named it.
    // A re-render of the page (phone, dark, keyboard, no JavaScript) adds only what is new.
    const flush = () => {
      const taken = problems.splice(0);
      const rank = { 'subresource-status': 0, 'external-request': 1, 'request-failed': 2, 'console-error': 3 };
      taken.sort((a, b) => (rank[a.kind] ?? 4) - (rank[b.kind] ?? 4));
      const seenHere = reportedResources.get(url) ?? new Set();
      reportedResources.set(url, seenHere);
      // The console's "Failed to load resource" line names the script that asked (not the
      // resource) for requests made by script: redundant once a network problem is known.
      const networkProblem = seenHere.size > 0 || taken.some((p) => p.kind !== 'console-error' && p.about);
      for (const p of taken) {
        if (p.kind === 'console-error' && p.detail.startsWith('Failed to load resource') && networkProblem && p.about === url) continue;
        if (p.about) {
          if (seenHere.has(p.about)) continue;
          if (p.kind === 'console-error' && brokenResources.has(p.about)) continue;
          seenHere.add(p.about);
        }
        if (label && failures.some((f) => f.kind === p.kind && f.url === rel(url) && f.detail === p.detail)) continue;
        fail(p.kind, where, p.detail, p.about);
      }
    };
    let response = null;
    try {
      response = await page.goto(url, { waitUntil: 'load', timeout: NAV_TIMEOUT_MS });
    } catch (error) {
      fail('navigation-error', where, String(error.message || error).split('\n')[0]);
    }
    if (response) {
      const status = response.status();
      if (expect ? status !== expect : status >= 400) {
        fail('http-status', where, `page answered ${status}${expect ? `, expected ${expect}` : ''}`);
      }
    }
    page.herald = state;
    return { page, response, flush };
  }

  async function runAxe(page, url, type, context) {
    try {
      // Not addScriptTag: the portal's Content-Security-Policy (script-src 'self') blocks
      // inline scripts, and bypassing CSP would hide the portal's own CSP violations.
      // Evaluating through the DevTools protocol is not subject to the page's CSP.
      if (page.herald) page.herald.axeRunning = true;
      let result;
      try {
        await page.evaluate(AXE_SOURCE);
        result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
      } finally {
        if (page.herald) page.herald.axeRunning = false;
      }
      for (const v of result.violations) {
        const targets = v.nodes.map((n) =>
          (Array.isArray(n.target) ? n.target : [n.target]).flat().join(' >>> '),
        );
        // axe's own explanation for the first element ("insufficient color contrast of
        // 3.9 (foreground color: …)", "Element's label does not contain its visible text").
        const why = (v.nodes[0]?.failureSummary ?? '')
          .split('\n')
          .map((l) => l.trim())
          .filter((l) => l && !/^Fix (any|all) of the following:?$/.test(l))
          .slice(0, 2)
          .join('; ');
        const entry = { impact: v.impact ?? 'unknown', id: v.id, help: v.help, helpUrl: v.helpUrl, url: rel(url), type, context, targets, why, html: v.nodes[0]?.html?.slice(0, 300) ?? '' };
        violations.push(entry);
        const detail = `${v.impact} ${v.id}: ${v.help} — ${targets.length} element(s): ${targets.slice(0, 10).join(' | ')}${targets.length > 10 ? ` | … ${targets.length - 10} more` : ''}${why ? ` — first: ${why}` : ''}`;
        const where = context ? `${url} [${context}]` : url;
        if (v.impact === 'serious' || v.impact === 'critical') fail('axe', where, detail);
        else warn('axe', where, detail);
      }
    } catch (error) {
      fail('axe-error', url, `axe did not run: ${String(error.message || error).split('\n')[0]}`);
    }
  }

  async function screenshot(page, name) {
    const path = join(out, `${name}.png`);
    await page.screenshot({ path, fullPage: true });
    screenshots.push(`${name}.png`);
  }

  function addLink(href, from, next, seen) {
    const u = normalise(href, from);
    if (!u) {
      fail('bad-link', from, `unparseable href ${JSON.stringify(href)}`);
      return;
    }
    if (u.protocol === 'mailto:' || u.protocol === 'tel:') return;
    if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      warn('odd-link', from, `link to ${href}`);
      return;
    }
    if (u.origin !== origin) {
      if (!externalLinks.has(u.href)) externalLinks.set(u.href, rel(from));
      return;
    }
    const key = u.href;
    const refs = referrers.get(key) ?? { count: 0, examples: [], from: new Set() };
    if (!refs.from.has(from)) {
      refs.from.add(from);
      refs.count++;
      if (refs.examples.length < 3) refs.examples.push(rel(from));
    }
    referrers.set(key, refs);
    if (seen.has(key)) return;
    if (seen.size >= maxUrls) {
      capped++;
      return;
    }
    seen.add(key);
    next.push(key);
  }

  // Phase 1 of a level: the status of one URL, without a browser.
  async function check(url) {
    const type = pageType(url);
    typesSeen.set(type, (typesSeen.get(type) ?? 0) + 1);
    checkedUrls.push(rel(url));
    const expect = expectedStatus[new URL(url).pathname] ?? null;
    // Filled in after the crawl, when every page linking here is known.
    const linkedFrom = () => '';
    let res;
    try {
      // No redirects followed here: one could lead off this machine.
      res = await api.get(url, { failOnStatusCode: false, maxRedirects: 0 });
    } catch (error) {
      brokenLinks.add(url);
      fail('link-error', url, `${String(error.message || error).split('\n')[0]}${linkedFrom()}`);
      failures.at(-1).linkTarget = url;
      return { url, type, render: false, links: [] };
    }
    const status = res.status();
    const contentType = (res.headers()['content-type'] ?? '').toLowerCase();
    const links = [];
    if (expect ? status !== expect : status >= 400) {
      brokenLinks.add(url);
      fail('http-status', url, `answered ${status}${expect ? `, expected ${expect}` : ''}${linkedFrom()}`);
      failures.at(-1).linkTarget = url;
    } else if (status >= 300 && status < 400) {
      const location = res.headers()['location'];
      if (location) links.push(location);
      else fail('http-status', url, `answered ${status} without a Location${linkedFrom()}`);
    } else if (contentType.includes('json')) {
      try {
        JSON.parse(await res.text());
      } catch (error) {
        fail('bad-json', url, `content-type ${contentType} but the body is not JSON: ${error.message}${linkedFrom()}`);
      }
    }
    await res.dispose();
    const path = new URL(url).pathname;
    const isPortal = (path === '/ui' || path.startsWith('/ui/')) && !path.startsWith('/ui/static/');
    const render = isPortal && contentType.includes('text/html') && (status < 400 || expect !== null);
    return { url, type, render, links, expect };
  }

  // Phase 2 of a level: render an HTML page, check it, collect its links.
  async function renderPage(item) {
    const { url, type, expect, full, first } = item;
    const { page, flush } = await openPage(desktop, url, { expect });
    const links = [];
    try {
      const facts = await page.evaluate(() => {
        const main = document.querySelector('main');
        return {
          h1: document.querySelectorAll('h1').length,
          h1Text: document.querySelector('h1')?.textContent.trim() ?? '',
          mains: document.querySelectorAll('main').length,
          title: document.title.trim(),
          lang: document.documentElement.getAttribute('lang')?.trim() ?? '',
          // Raw attributes resolved here: an SVG <a>'s .href is not a string.
          links: Array.from(document.querySelectorAll('a[href], a[*|href]'), (a) => {
            const raw = a.getAttribute('href') ?? a.getAttributeNS('http://www.w3.org/1999/xlink', 'href') ?? '';
            try {
              return new URL(raw, document.baseURI).href;
            } catch {
              return raw;
            }
          }),
          // Sub-resources are status-checked like links (then reported once, not per page).
          resources: Array.from(
            document.querySelectorAll('link[href], script[src], img[src], source[src], iframe[src], object[data]'),
            (e) => {
              const raw = e.getAttribute('href') ?? e.getAttribute('src') ?? e.getAttribute('data') ?? '';
              try {
                return new URL(raw, document.baseURI).href;
              } catch {
                return raw;
              }
            },
          ),
          ids: Array.from(document.querySelectorAll('[id]'), (e) => e.id),
          names: Array.from(document.querySelectorAll('a[name]'), (e) => e.getAttribute('name')),
          tables: main ? main.querySelectorAll('table').length : 0,
          mainText: main ? main.innerText.length : 0,
        };
      });
      if (facts.h1 !== 1) fail('structure', url, `${facts.h1} <h1> elements (exactly one expected)`);
      if (facts.mains !== 1) fail('structure', url, `${facts.mains} <main> elements (exactly one expected)`);
      if (!facts.title) fail('structure', url, 'no <title> text');
      if (!facts.lang) fail('structure', url, 'no lang attribute on <html>');
      idsByUrl.set(url, new Set([...facts.ids, ...facts.names]));
      for (const href of facts.resources) {
        const u = normalise(href, url);
        if (u && u.origin === origin) links.push(u.href);
      }
      for (const href of facts.links) {
        links.push(href);
        const u = normalise(href, url);
        const hash = u ? new URL(href).hash : '';
        if (u && u.origin === origin && hash.length > 1) {
          fragmentChecks.push({ target: u.href, id: decodeURIComponent(hash.slice(1)), from: url });
        }
      }
      if (!expect) {
        const list = rendered.get(type) ?? [];
        list.push({ url, tables: facts.tables, mainText: facts.mainText });
        rendered.set(type, list);
      }
      if (full) await runAxe(page, url, type, '');
      if (first) {
        await screenshot(page, `${type}--desktop`);
        flush(); // before the phone render, which reports only what this one did not
        const shot = await openPage(phone, url, { expect, label: 'phone' });
        try {
          const overflow = await shot.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          if (overflow > 1) fail('phone-overflow', `${url} [phone]`, `the page scrolls sideways by ${overflow}px at ${PHONE.width}x${PHONE.height}`);
          await screenshot(shot.page, `${type}--phone`);
        } finally {
          await shot.page.close();
          shot.flush();
        }
      }
    } catch (error) {
      fail('crawl-error', url, String(error.message || error).split('\n')[0]);
    } finally {
      await page.close();
      flush();
    }
    renderedCount++;
    return links;
  }

  // The breadth-first crawl, one level at a time so that the pages chosen for axe and
  // screenshots (the first of each type in discovery order) are the same on every run.
  const seen = new Set();
  let level = [];
  for (const seed of [...seeds, ...Object.keys(expectedStatus)]) {
    const key = normalise(seed, base).href;
    if (!seen.has(key)) {
      seen.add(key);
      level.push(key);
    }
  }
  const fullPerType = new Map();
  while (level.length) {
    const checked = await mapLimit(level, concurrency, check);
    const toRender = [];
    for (const item of checked) {
      if (!item.render) continue;
      const done = fullPerType.get(item.type) ?? 0;
      fullPerType.set(item.type, done + 1);
      toRender.push({ ...item, full: done < perType, first: done === 0 });
    }
    const pageLinks = await mapLimit(toRender, concurrency, renderPage);
    const next = [];
    checked.forEach((item) => item.links.forEach((href) => addLink(href, item.url, next, seen)));
    toRender.forEach((item, i) => pageLinks[i].forEach((href) => addLink(href, item.url, next, seen)));
    level = next;
  }
  if (capped) warn('url-cap', base, `${capped} more link(s) not checked: the crawl stops at ${maxUrls} URLs (--max-urls)`);

  for (const { target, id, from } of fragmentChecks) {
    const ids = idsByUrl.get(target);
    if (ids && !ids.has(id)) fail('broken-fragment', from, `link to ${rel(target)}#${id}: no element with that id`);
  }

  const firstOf = (type) => rendered.get(type)?.[0];

  // Keyboard: the first Tab lands on a visible skip link, more Tabs reach a link in the
  // site nav, and following the skip link puts the next Tab inside its target.
  const home = firstOf('home');
  if (home) {
    const before = failures.length;
    const { page, flush } = await openPage(desktop, home.url, { label: 'keyboard' });
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement;
        const r = el?.getBoundingClientRect();
        return {
          tag: el?.tagName ?? '',
          href: el?.getAttribute('href') ?? '',
          text: (el?.textContent ?? '').trim().slice(0, 60),
          inNav: !!el?.closest('nav'),
          visible: !!r && r.width > 1 && r.height > 1 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth,
        };
      });
    try {
      await page.keyboard.press('Tab');
      const skip = await focused();
      if (skip.tag !== 'A' || !skip.href.startsWith('#') || !/skip/i.test(skip.text)) {
        fail('keyboard', home.url, `the first Tab focuses <${skip.tag.toLowerCase()}> "${skip.text}" (href ${skip.href || 'none'}), not a skip link`);
      } else {
        if (!skip.visible) fail('keyboard', home.url, `the skip link "${skip.text}" is not visible when focused`);
        await page.screenshot({ path: join(out, 'home--keyboard-skip-link.png') });
        screenshots.push('home--keyboard-skip-link.png');
      }
      let reached = null;
      for (let i = 2; i <= 30 && !reached; i++) {
        await page.keyboard.press('Tab');
        const now = await focused();
        if (now.tag === 'A' && now.inNav) reached = { tabs: i, text: now.text };
      }
      if (!reached) fail('keyboard', home.url, '30 presses of Tab never focused a link inside <nav>');
      if (skip.href.startsWith('#') && skip.href.length > 1) {
        // Following the skip link moves focus (or at least the sequential-navigation
        // starting point) to its target: focus is on or in it, or the next Tab lands past it.
        const id = decodeURIComponent(skip.href.slice(1));
        const where = () =>
          page.evaluate((id) => {
            const target = document.getElementById(id);
            const el = document.activeElement;
            if (!target) return 'missing';
            if (target === el || target.contains(el)) return 'inside';
            return el && el !== document.body && target.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING ? 'after' : 'before';
          }, id);
        await page.goto(home.url, { waitUntil: 'load' });
        await page.keyboard.press('Tab');
        await page.keyboard.press('Enter');
        let at = await where();
        if (at === 'before') {
          await page.keyboard.press('Tab');
          at = await where();
        }
        if (at === 'missing') fail('keyboard', home.url, `the skip link points to ${skip.href}, which does not exist`);
        else if (at === 'before') fail('keyboard', home.url, `after following the skip link, Tab goes back before ${skip.href}`);
      }
      if (reached) console.log(`keyboard: skip link first, a nav link ("${reached.text}") after ${reached.tabs} Tabs`);
    } catch (error) {
      fail('keyboard', home.url, String(error.message || error).split('\n')[0]);
    } finally {
      await page.close();
      flush();
    }
    checks.set('keyboard', failures.length > before);
  } else {
    fail('keyboard', base, 'no home page was rendered, so the keyboard check could not run');
  }

  // JavaScript off: the main content is server-rendered.
  const noJsTypes = [
    ...noJsPreference.filter((t) => firstOf(t)),
    ...[...rendered.keys()].filter((t) => !noJsPreference.includes(t)),
  ].slice(0, 3);
  for (const type of noJsTypes) {
    const before = failures.length;
    const ref = firstOf(type);
    const { page, flush } = await openPage(noJs, ref.url, { label: 'javascript off' });
    try {
      const facts = await page.evaluate(() => {
        const main = document.querySelector('main');
        return {
          h1: (document.querySelector('h1')?.textContent ?? '').trim(),
          main: !!main,
          tables: main ? main.querySelectorAll('table').length : 0,
          mainText: main ? main.innerText.length : 0,
        };
      });
      const where = `${ref.url} [javascript off]`;
      if (!facts.h1) fail('no-js', where, 'no <h1> text with JavaScript off');
      if (!facts.main) fail('no-js', where, 'no <main> with JavaScript off');
      if (facts.tables < ref.tables) fail('no-js', where, `${facts.tables} table(s) in <main> with JavaScript off, ${ref.tables} with it on`);
      if (facts.mainText < 0.9 * ref.mainText) fail('no-js', where, `<main> holds ${facts.mainText} characters of text with JavaScript off, ${ref.mainText} with it on`);
    } catch (error) {
      fail('no-js', ref.url, String(error.message || error).split('\n')[0]);
    } finally {
      await page.close();
      flush();
    }
    checks.set(`no-js ${type}`, failures.length > before);
    console.log(`javascript off: ${type} (${rel(ref.url)}) ${failures.length > before ? 'FAILED' : 'ok'}`);
  }

  // Dark mode: screenshots and axe (contrast differs) of the home and a topic page.
  for (const type of ['home', 'topic']) {
    const ref = firstOf(type);
    if (!ref) {
      warn('dark-mode', base, `no ${type} page was rendered: no dark-mode screenshot of it`);
      continue;
    }
    const before = failures.length;
    const { page, flush } = await openPage(dark, ref.url, { label: 'dark' });
    try {
      await runAxe(page, ref.url, type, 'dark');
      await screenshot(page, `${type}--dark`);
    } catch (error) {
      fail('crawl-error', `${ref.url} [dark]`, String(error.message || error).split('\n')[0]);
    } finally {
      await page.close();
      flush();
    }
    checks.set(`dark ${type}`, failures.length > before);
  }

  if (options.signIn) {
    const before = failures.length;
    await anonymousSeesNothing({ browser, base, origin, checkedUrls, expectedStatus, fail, out, screenshots });
    checks.set('anonymous visitor of a locked-down portal', failures.length > before);
  }

  const chromiumVersion = browser.version();
  await api.dispose();
  await browser.close();

  // A broken sub-resource is reported once, by its status check with the pages using it,
  // rather than once per page that loads it.
  for (let i = failures.length - 1; i >= 0; i--) {
    const f = failures[i];
    if (f.resource && f.kind !== 'external-request' && brokenLinks.has(origin + f.resource)) failures.splice(i, 1);
  }

  for (const f of failures) {
    if (!f.linkTarget) continue;
    const refs = referrers.get(f.linkTarget);
    delete f.linkTarget;
    if (!refs?.count) continue;
    const more = refs.count > refs.examples.length ? ` and ${refs.count - refs.examples.length} more` : '';
    f.detail += ` (linked from ${refs.count} page(s): ${refs.examples.join(', ')}${more})`;
    f.linkedFrom = [...refs.from].map(rel);
  }

  const typesCovered = [...typesSeen.keys()].sort();
  const missing = expectedTypes.filter((t) => ![...typesSeen.keys()].some((k) => k === t || (!t.includes('+') && k.startsWith(`${t}+`))));
  for (const t of missing) {
    (options.requireTypes ? fail : warn)('coverage', base, `no page of type ${t} was reached`);
  }
  for (const [url, from] of externalLinks) warn('external-link', from, `links to ${url} (not followed)`);

  const byImpact = {};
  for (const v of violations) {
    const b = (byImpact[v.impact] ??= { rules: 0, elements: 0 });
    b.rules++;
    b.elements += v.targets.length;
  }
  // Pass/fail per checked URL (a failure on "URL [phone]" counts against URL), plus the
  // keyboard, no-JS and dark-mode checks.
  const failedUrls = new Set(failures.map((f) => f.url.replace(/ \[[^\]]*\]$/, '')));
  let passed = 0;
  let failed = 0;
  for (const url of checkedUrls) failedUrls.has(url) ? failed++ : passed++;
  for (const bad of checks.values()) bad ? failed++ : passed++;

  const summary = {
    base,
    chromium: chromiumVersion,
    playwrightCore: PLAYWRIGHT_VERSION,
    axeCore: AXE_VERSION,
    pagesRendered: renderedCount,
    linksChecked: checkedUrls.length,
    pageTypes: Object.fromEntries(typesCovered.map((t) => [t, typesSeen.get(t)])),
    pageTypesAxeChecked: [...fullPerType.keys()].sort(),
    noJsChecked: noJsTypes.map((t) => rel(firstOf(t).url)),
    missingPageTypes: missing,
    violationsByImpact: byImpact,
    violations,
    failures,
    warnings,
    screenshots: screenshots.sort(),
    externalLinks: Object.fromEntries(externalLinks),
    checks: { passed, failed },
  };
  writeFileSync(join(out, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  return summary;
}

// Signs in through /ui/sign-in as a person would (types the name and password, presses the
// button), checks that the portal says who is signed in and that the session cookie is
// HttpOnly, and answers the browser state carrying the session. Throws when any of it fails:
// a crawl that is not signed in would check the sign-in page a thousand times.
async function signInThroughTheForm(browser, base, credentials, out, screenshots) {
  const split = credentials.indexOf(':');
  const [name, password] = [credentials.slice(0, split), credentials.slice(split + 1)];
  const context = await browser.newContext({ viewport: DESKTOP });
  try {
    const page = await context.newPage();
    // A locked page sends the anonymous visitor to the form, with the way back.
    await page.goto(`${base}/ui/topics`, { timeout: NAV_TIMEOUT_MS });
    const at = new URL(page.url());
    if (at.pathname !== '/ui/sign-in' || at.searchParams.get('next') !== '/ui/topics') {
      throw new Error(`a locked page did not lead to the sign-in form: ended at ${page.url()}`);
    }
    await page.screenshot({ path: join(out, 'sign-in--form.png') });
    screenshots.push('sign-in--form.png');
    await page.getByLabel('Name').fill(name);
    await page.getByLabel('Password').fill(password);
    await Promise.all([
      page.waitForURL((url) => url.pathname === '/ui/topics', { timeout: NAV_TIMEOUT_MS }),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    const who = (await page.locator('.who').innerText()).trim();
    if (!who.includes(`Signed in as ${name}`)) throw new Error(`after signing in the page says "${who}", not who is signed in`);
    await page.screenshot({ path: join(out, 'sign-in--signed-in.png') });
    screenshots.push('sign-in--signed-in.png');
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'herald_session');
    if (!session) throw new Error(`no herald_session cookie after signing in (cookies: ${cookies.map((c) => c.name).join(', ')})`);
    if (!session.httpOnly || !['Lax', 'Strict'].includes(session.sameSite)) {
      throw new Error(`the session cookie is not HttpOnly with SameSite: ${JSON.stringify({ httpOnly: session.httpOnly, sameSite: session.sameSite })}`);
    }
    console.log(`crawl: signed in as ${name} through /ui/sign-in`);
    return await context.storageState();
  } finally {
    await context.close();
  }
}

// What the signed-in crawl reached, asked again without a session: every portal page must
// send the visitor to the sign-in form (303) and every API answer must ask for credentials
// (401), with no data in the body; public pages (static files, sign-in, API documents,
// health) are left out. Then Chromium itself opens the home page and must land on the form,
// naming no subject the crawl saw.
async function anonymousSeesNothing({ browser, base, origin, checkedUrls, expectedStatus, fail, out, screenshots }) {
  const publicPath = (path) =>
    path.startsWith('/ui/static/') || path.startsWith('/ui/sign-in') || path.startsWith('/ui/auth/') ||
    path.startsWith('/api-docs') || path === '/openapi.json' || path.startsWith('/health/') ||
    path === '/catalog/schema.json' || path in expectedStatus;
  const subjects = new Set();
  for (const url of checkedUrls) {
    const m = /^\/ui\/subjects\/([^/?#]+)/.exec(url);
    if (m) subjects.add(decodeURIComponent(m[1]));
  }
  const anonymous = await playwrightRequest.newContext({ timeout: NAV_TIMEOUT_MS });
  let asked = 0;
  try {
    const urls = [...new Set(checkedUrls)].filter((u) => u.startsWith('/') && !publicPath(new URL(origin + u).pathname));
    await mapLimit(urls, 4, async (url) => {
      const path = new URL(origin + url).pathname;
      const portal = path === '/ui' || path.startsWith('/ui/');
      const res = await anonymous.get(origin + url, { failOnStatusCode: false, maxRedirects: 0 });
      const body = await res.text();
      await res.dispose();
      asked++;
      const location = res.headers()['location'] ?? '';
      if (portal) {
        if (res.status() !== 303 || !location.startsWith('/ui/sign-in')) {
          fail('anonymous-sees', url, `without a session answered ${res.status()}${location ? ` to ${location}` : ''}, not 303 to the sign-in form`);
        }
      } else if (res.status() !== 401) {
        fail('anonymous-sees', url, `without credentials answered ${res.status()}, not 401`);
      }
      const leaked = [...subjects].find((subject) => body.includes(subject));
      if (leaked) fail('anonymous-sees', url, `the anonymous answer names subject ${leaked}`);
    });
  } finally {
    await anonymous.dispose();
  }
  const context = await browser.newContext({ viewport: DESKTOP });
  try {
    const page = await context.newPage();
    await page.goto(`${base}/ui/`, { timeout: NAV_TIMEOUT_MS });
    if (new URL(page.url()).pathname !== '/ui/sign-in') fail('anonymous-sees', '/ui/', `Chromium without a session ended at ${page.url()}, not the sign-in form`);
    const text = await page.locator('body').innerText();
    const leaked = [...subjects].find((subject) => text.includes(subject));
    if (leaked) fail('anonymous-sees', '/ui/', `the page an anonymous visitor sees names subject ${leaked}`);
    await page.screenshot({ path: join(out, 'locked-down--anonymous.png') });
    screenshots.push('locked-down--anonymous.png');
  } finally {
    await context.close();
  }
  console.log(`crawl: ${asked} URL(s) of the signed-in crawl asked again without a session; ${subjects.size} subject name(s) looked for`);
  if (subjects.size === 0) fail('anonymous-sees', '/ui/subjects', 'the signed-in crawl reached no subject page: nothing to look for');
}

// The same problem on many pages (a layout bug) is printed once, with its pages.
function printGrouped(entries, word, order) {
  const groups = new Map();
  for (const e of entries) {
    const detail = e.detail
      .split('\n')[0]
      .replace(/ \(at [^)]*\)$/, '')
      .replace(/'sha256-[^']+'/g, "'sha256-…'")
      .replace(/^links to https?:\/\/([^/]+)\/.*/, 'links to https://$1/…');
    const key = `${e.kind}\u0000${detail}`;
    const g = groups.get(key) ?? { kind: e.kind, detail, urls: [] };
    g.urls.push(e.url);
    groups.set(key, g);
  }
  const rank = (k) => (order.includes(k) ? order.indexOf(k) : order.length);
  for (const g of [...groups.values()].sort((a, b) => rank(a.kind) - rank(b.kind))) {
    if (g.urls.length === 1) {
      console.log(`  ${word} ${g.kind} ${g.urls[0]}: ${g.detail}`);
    } else {
      console.log(`  ${word} ${g.kind} on ${g.urls.length} pages: ${g.detail}`);
      console.log(`       ${g.urls.slice(0, 6).join(', ')}${g.urls.length > 6 ? `, … ${g.urls.length - 6} more` : ''}`);
    }
  }
}

function printSummary(s, out, { countLine = true } = {}) {
  const line = '-'.repeat(78);
  console.log(line);
  console.log(`pages rendered: ${s.pagesRendered}`);
  console.log(`links checked:  ${s.linksChecked} unique URLs`);
  console.log(`page types (${Object.keys(s.pageTypes).length}):`);
  for (const [t, n] of Object.entries(s.pageTypes)) {
    console.log(`  ${t.padEnd(30)} ${String(n).padStart(4)} URL(s)${s.pageTypesAxeChecked.includes(t) ? '  axe+screenshot' : ''}`);
  }
  if (s.missingPageTypes.length) console.log(`page types not reached: ${s.missingPageTypes.join(', ')}`);
  const impacts = ['critical', 'serious', 'moderate', 'minor', 'unknown'];
  const parts = impacts.filter((i) => s.violationsByImpact[i]).map((i) => `${i} ${s.violationsByImpact[i].rules} (${s.violationsByImpact[i].elements} elements)`);
  console.log(`axe violations (rule x page): ${parts.length ? parts.join(', ') : 'none'}`);
  const byRule = new Map();
  for (const v of s.violations) {
    const key = `${v.impact} ${v.id}`;
    const e = byRule.get(key) ?? { pages: new Set(), targets: new Set() };
    e.pages.add(v.url + (v.context ? ` [${v.context}]` : ''));
    v.targets.forEach((t) => e.targets.add(t));
    byRule.set(key, e);
  }
  for (const [key, e] of [...byRule].sort()) {
    console.log(`  ${key}: ${e.pages.size} page(s); selectors: ${[...e.targets].slice(0, 8).join(' | ')}${e.targets.size > 8 ? ` | … ${e.targets.size - 8} more` : ''}`);
  }
  console.log(`screenshots: ${s.screenshots.length} in ${out}`);
  if (s.warnings.length) {
    console.log(line);
    const counts = {};
    for (const w of s.warnings) counts[w.kind] = (counts[w.kind] ?? 0) + 1;
    console.log(`warnings: ${Object.entries(counts).map(([k, n]) => `${k} ${n}`).join(', ')}`);
    printGrouped(s.warnings, 'WARN', ['coverage', 'url-cap', 'axe', 'console-warning', 'external-link', 'axe-console']);
  }
  console.log(line);
  if (s.failures.length) {
    console.log(`FAILURES: ${s.failures.length} (every one in summary.json)`);
    printGrouped(s.failures, 'FAIL', ['http-status', 'link-error', 'bad-json', 'navigation-error', 'structure', 'axe', 'console-error', 'page-error', 'subresource-status', 'request-failed', 'external-request', 'broken-fragment', 'keyboard', 'no-js', 'phone-overflow']);
  } else {
    console.log('failures: none');
  }
  if (countLine) console.log(`crawl: ${s.checks.passed} passed, ${s.checks.failed} failed`);
}

// ---------------------------------------------------------------------------------------
// Self-test: a tiny server with planted problems, and the findings that must come out.

const LAYOUT = (title, body, { lang = 'en', head = '' } = {}) => `<!doctype html>
<html${lang ? ` lang="${lang}"` : ''}>
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">${title === null ? '' : `<title>${title}</title>`}
<style>.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px}</style>${head}</head>
<body>
<a class="skip" href="#main">Skip to main content</a>
<header><p>Self-test site</p></header>
<nav aria-label="Site"><ul>
<li><a href="/ui/">Home</a></li>
<li><a href="/ui/ok">A good page</a></li>
<li><a href="/ui/broken">A broken page</a></li>
<li><a href="/ui/structure">A badly built page</a></li>
<li><a href="/ui/subresources">Broken sub-resources</a></li>
<li><a href="/ui/jsonly">Needs JavaScript</a></li>
<li><a href="/ui/missing-page">A dead link</a></li>
<li><a href="/catalog/ok.json">Good JSON</a></li>
<li><a href="/catalog/broken.json">Broken JSON endpoint</a></li>
<li><a href="https://example.com/elsewhere">Elsewhere</a></li>
</ul></nav>
<main id="main" tabindex="-1">${body}</main>
</body></html>`;

const SELF_TEST_PAGES = {
  '/ui/': () => LAYOUT('Home', '<h1>Home</h1><table><caption>Numbers</caption><tr><th scope="col">n</th></tr><tr><td>1</td></tr></table>'),
  '/ui/ok': () => LAYOUT('Good', '<h1>A good page</h1><p>Nothing wrong here. <a href="/ui/ok#main">Top</a></p>'),
  '/ui/broken': () =>
    LAYOUT(
      'Broken',
      `<h1>A broken page</h1>
<p><img src="/ui/static/pixel.png" width="10" height="10"></p>
<p><a href="#nowhere">A link to a missing anchor</a></p>
<script>console.error('self-test console error');</script>
<script>throw new Error('self-test uncaught exception');</script>`,
      { head: '<script src="https://cdn.example.com/library.js"></script>' },
    ),
  '/ui/structure': () =>
    LAYOUT(null, '<h1>One</h1><h1>Two</h1>', { lang: '' }).replace('<main id="main" tabindex="-1">', '<div id="main">').replace('</main>', '</div>'),
  '/ui/subresources': () =>
    LAYOUT(
      'Sub-resources',
      `<h1>Sub-resources</h1><p><img src="/ui/static/reset.png" alt="Reset"></p>
<script>
// Requests made by script, not named in the markup: only the browser sees them (synchronous,
// so that they finish before the load event).
var gone = new XMLHttpRequest(); gone.open('GET', '/ui/static/gone.json', false); gone.send();
try { var reset = new XMLHttpRequest(); reset.open('GET', '/ui/static/reset.json', false); reset.send(); } catch (e) {}
</script>`,
      { head: '<link rel="stylesheet" href="/ui/static/missing.css">' },
    ),
  '/ui/jsonly': () =>
    LAYOUT('Needs JavaScript', '<div id="app"></div><script>document.getElementById("app").innerHTML = "<h1>Rendered by script</h1><table><caption>t</caption><tr><th>a</th></tr></table>";</script>'),
};
const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

function startSelfTestServer() {
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (SELF_TEST_PAGES[path]) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(SELF_TEST_PAGES[path]());
    }
    if (path === '/ui/static/pixel.png') {
      res.writeHead(200, { 'content-type': 'image/png' });
      return res.end(PIXEL);
    }
    if (path === '/ui/static/reset.png' || path === '/ui/static/reset.json') return req.socket.destroy(); // a failed request
    if (path === '/catalog/ok.json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end('{"ok":true}');
    }
    if (path === '/catalog/broken.json') {
      res.writeHead(500, { 'content-type': 'application/json' });
      return res.end('{"error_code":500}');
    }
    res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(LAYOUT('Not found', '<h1>Not found</h1><p>There is no page at this address.</p>'));
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

async function selfTest(opts) {
  const server = await startSelfTestServer();
  const base = `http://127.0.0.1:${server.address().port}`;
  const out = opts.out ?? mkdtempSync(join(tmpdir(), 'herald-crawl-self-test-'));
  console.log(`self-test: crawling planted problems at ${base}`);
  let s;
  try {
    s = await crawl({
      ...opts,
      base,
      out,
      seeds: ['/ui/'],
      expectedTypes: [],
      noJsPreference: ['ui-jsonly', 'home', 'ui-ok'],
    });
  } finally {
    server.close();
  }
  printSummary(s, out, { countLine: false });
  const has = (kind, url, text) =>
    s.failures.some((f) => f.kind === kind && f.url.startsWith(url) && (!text || f.detail.includes(text)));
  const expectations = [
    ['image without alt text is a critical axe violation', () => has('axe', '/ui/broken', 'image-alt')],
    ['console.error is reported', () => has('console-error', '/ui/broken', 'self-test console error')],
    ['an uncaught exception is reported', () => has('page-error', '/ui/broken', 'self-test uncaught exception')],
    ['a script from another host is blocked and reported', () => has('external-request', '/ui/broken', 'https://cdn.example.com/library.js')],
    ['a link to a missing page (404) is reported with its referrer', () => has('http-status', '/ui/missing-page', 'answered 404 (linked from 7 page(s): /ui/,')],
    ['a JSON link answering 500 is reported', () => has('http-status', '/catalog/broken.json', '500')],
    ['a link to a missing #anchor is reported', () => has('broken-fragment', '/ui/broken', '#nowhere')],
    ['two <h1> are reported', () => has('structure', '/ui/structure', '2 <h1>')],
    ['a missing <main> is reported', () => has('structure', '/ui/structure', '0 <main>')],
    ['a missing <title> is reported', () => has('structure', '/ui/structure', '<title>')],
    ['a missing lang is reported', () => has('structure', '/ui/structure', 'lang')],
    ['a stylesheet answering 404 is reported once, with the page using it', () => has('http-status', '/ui/static/missing.css', 'linked from 1 page(s): /ui/subresources') && !s.failures.some((f) => f.url.startsWith('/ui/subresources') && f.detail.includes('missing.css'))],
    ['an image whose connection is reset is reported', () => has('link-error', '/ui/static/reset.png', '/ui/subresources')],
    ['a request by script answering 404 is reported', () => has('subresource-status', '/ui/subresources', 'xhr /ui/static/gone.json answered 404')],
    ['a request by script that fails outright is reported', () => has('request-failed', '/ui/subresources', '/ui/static/reset.json')],
    ['content rendered only by JavaScript fails the no-JS check', () => has('no-js', '/ui/jsonly', 'no <h1>')],
    ['the external link is a warning, never fetched', () => s.warnings.some((w) => w.kind === 'external-link' && w.detail.includes('https://example.com/elsewhere')) && !s.failures.some((f) => f.detail.includes('example.com/elsewhere'))],
    ['the expected 404 page is rendered without failures', () => !s.failures.some((f) => f.url.startsWith('/ui/this-page-does-not-exist'))],
    ['the keyboard check passes on a page with a skip link', () => !s.failures.some((f) => f.kind === 'keyboard')],
    ['no failure on the good pages', () => !s.failures.some((f) => /^\/ui\/(ok)?( |$)/.test(f.url) || f.url.startsWith('/catalog/ok.json'))],
    ['screenshots were written', () => s.screenshots.includes('home--desktop.png') && s.screenshots.includes('home--phone.png') && s.screenshots.includes('home--dark.png')],
  ];
  console.log('self-test findings (expected to fail):');
  for (const f of s.failures) console.log(`  found ${f.kind} ${f.url}: ${f.detail.split('\n')[0]}`);
  let passed = 0;
  let failed = 0;
  for (const [name, test] of expectations) {
    const ok = test();
    ok ? passed++ : failed++;
    console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${name}`);
  }
  if (!opts.out) rmSync(out, { recursive: true, force: true });
  console.log(`self-test: ${passed} passed, ${failed} failed`);
  return failed === 0;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const watchdog = setTimeout(() => {
    console.error(`crawl.mjs: gave up after ${opts.timeoutSeconds} s (--timeout-seconds)`);
    process.exit(2);
  }, opts.timeoutSeconds * 1000);
  watchdog.unref();
  if (opts.selfTest) {
    process.exit((await selfTest(opts)) ? 0 : 1);
  }
  const out = resolve(opts.out ?? 'browser-shots');
  console.log(`crawl: ${opts.base} with Chromium at ${CHROMIUM} (playwright-core ${PLAYWRIGHT_VERSION}, axe-core ${AXE_VERSION}); screenshots to ${out}`);
  const started = Date.now();
  // NAME:PASSWORD from the environment (not argv, which every process can read).
  const signIn = process.env.CRAWL_SIGN_IN || null;
  const summary = await crawl({ ...opts, out, signIn });
  printSummary(summary, out);
  console.log(`crawl took ${((Date.now() - started) / 1000).toFixed(1)} s; summary in ${join(out, 'summary.json')}`);
  process.exit(summary.failures.length ? 1 : 0);
}

main().catch((error) => {
  console.error(`crawl.mjs: ${error?.stack || error}`);
  process.exit(2);
});
