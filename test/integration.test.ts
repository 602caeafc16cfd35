/**
 * Integration test: the real Scribunto (Debian's MediaWiki 1.39 package)
 * renders the fixture pages of test/integration/fixtures once with the
 * reference interpreter /usr/bin/lua5.1 and once with the interpreter under
 * test; every page must come out byte for byte the same.
 *
 *   npx vitest run test/integration.test.ts
 *   MW_LUA_UNDER_TEST=/usr/bin/lua5.1 npx vitest run test/integration.test.ts   (harness self-check)
 *   MWLS_KEEP_WIKI=1 ...   keeps the temp wiki (renders, interpreter stderr) for inspection
 *
 * Needs php-cli, php-sqlite3, php-mbstring, php-intl, php-xml, mediawiki and lua5.1.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createThrowawayWiki,
  fixturesDir,
  renderFixturePages,
  type FixtureRendering,
  type RenderedPage,
  type ThrowawayWiki,
} from './integration/wiki.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const referenceLuaPath = '/usr/bin/lua5.1';
const luaPathUnderTest = process.env.MW_LUA_UNDER_TEST ?? join(repoRoot, 'bin/mw-lua-standalone');

interface PageSet {
  readonly pagesDir: string;
  readonly cpuLimitSeconds: number;
  /** Scribunto's memoryLimit for lua5.1 and for the interpreter under test. */
  readonly memoryLimitBytes: { readonly reference: number; readonly underTest: number };
}

const MiB = 1024 * 1024;
/** What Lua may use on the memory-limit pages: lua5.1 gets it plus its own few MiB, we get it plus Node's 800 MiB (see the README). */
const LUA_MEMORY_BUDGET = 224 * MiB;

const PAGE_SETS = {
  /**
   * Scribunto runs the interpreter under `ulimit -v memoryLimit/1024`; Node.js
   * reserves far more address space than lua5.1 (about 1 GB to start), so the
   * limit is raised for both. The CPU limit is generous, so that a loaded CI
   * machine does not turn into a time-out diff.
   */
  pages: {
    pagesDir: join(fixturesDir, 'pages'),
    cpuLimitSeconds: 30,
    memoryLimitBytes: { reference: 4_000_000_000, underTest: 4_000_000_000 },
  },
  /** Pages that only the CPU limit ends; our start-up takes about 1.5 s of it. */
  'cpu-limit-pages': {
    pagesDir: join(fixturesDir, 'cpu-limit-pages'),
    cpuLimitSeconds: 4,
    memoryLimitBytes: { reference: 4_000_000_000, underTest: 4_000_000_000 },
  },
  /** Pages that only the memory limit ends, with the same room for Lua under each interpreter. */
  'memory-limit-pages': {
    pagesDir: join(fixturesDir, 'memory-limit-pages'),
    cpuLimitSeconds: 30,
    memoryLimitBytes: { reference: 4 * MiB + LUA_MEMORY_BUDGET, underTest: 800 * MiB + LUA_MEMORY_BUDGET },
  },
} as const satisfies Record<string, PageSet>;
type PageSetName = keyof typeof PAGE_SETS;
const PAGE_SET_NAMES = Object.keys(PAGE_SETS) as PageSetName[];

interface FixturePage {
  readonly name: string;
  /** From the page's first line, `<!-- covers: ... -->`. */
  readonly covers: string;
}

function listFixturePages(pagesDir: string): FixturePage[] {
  return readdirSync(pagesDir)
    .filter((file) => file.endsWith('.wikitext'))
    .sort()
    .map((file) => {
      const name = file.slice(0, -'.wikitext'.length);
      const firstLine = readFileSync(join(pagesDir, file), 'utf8').split('\n', 1)[0] ?? '';
      const covers = /<!--\s*covers:\s*(.*?)\s*-->/.exec(firstLine)?.[1] ?? name;
      return { name, covers };
    });
}

/**
 * HTML as text for assertion diffs, with bytes that are not valid UTF-8
 * shown as \xNN, so that a byte difference never hides behind U+FFFD.
 */
function readableBytes(bytes: Buffer): string {
  let text = '';
  let start = 0;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (let i = 0; i < bytes.length; ) {
    const lead = bytes[i]!;
    const sequenceLength =
      lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    let valid = sequenceLength > 0 && i + sequenceLength <= bytes.length;
    if (valid && sequenceLength > 1) {
      try {
        decoder.decode(bytes.subarray(i, i + sequenceLength));
      } catch {
        valid = false;
      }
    }
    if (valid) {
      i += sequenceLength;
      continue;
    }
    text += bytes.subarray(start, i).toString('utf8') + `\\x${lead.toString(16).toUpperCase().padStart(2, '0')}`;
    i += 1;
    start = i;
  }
  return text + bytes.subarray(start).toString('utf8');
}

/** Pages up to this size are diffed whole; larger ones around the first difference. */
const wholeDiffLimitBytes = 20_000;
const diffContextBytes = 400;

/**
 * The parts of two renderings to show in an assertion diff, and where they
 * are. A diff of two 1 MB strings would be slow and unreadable, so large
 * pages are cut to a window around the first differing byte.
 */
function differingParts(underTest: Buffer, reference: Buffer): [Buffer, Buffer, string] {
  if (underTest.length <= wholeDiffLimitBytes && reference.length <= wholeDiffLimitBytes) {
    return [underTest, reference, ''];
  }
  let firstDifference = 0;
  while (
    firstDifference < underTest.length &&
    firstDifference < reference.length &&
    underTest[firstDifference] === reference[firstDifference]
  ) {
    firstDifference += 1;
  }
  const start = Math.max(0, firstDifference - diffContextBytes);
  const end = firstDifference + diffContextBytes;
  return [
    underTest.subarray(start, end),
    reference.subarray(start, end),
    ` (first at byte ${firstDifference} of ${underTest.length} vs ${reference.length} bytes; ` +
      `showing bytes ${start}-${end})`,
  ];
}

const fixturePages = Object.fromEntries(
  PAGE_SET_NAMES.map((set) => [set, listFixturePages(PAGE_SETS[set].pagesDir)]),
) as Record<PageSetName, FixturePage[]>;
let wiki: ThrowawayWiki | undefined;
const referenceRenderings = new Map<PageSetName, FixtureRendering>();
/** The renderings with the interpreter under test, or why there is none. */
const renderingsUnderTest = new Map<PageSetName, FixtureRendering | Error>();

function render(
  installedWiki: ThrowawayWiki,
  set: PageSetName,
  interpreter: keyof PageSet['memoryLimitBytes'],
): Promise<FixtureRendering> {
  const { pagesDir, cpuLimitSeconds, memoryLimitBytes } = PAGE_SETS[set];
  const luaPath = interpreter === 'reference' ? referenceLuaPath : luaPathUnderTest;
  const settings = { luaPath, cpuLimitSeconds, memoryLimitBytes: memoryLimitBytes[interpreter] };
  return renderFixturePages(installedWiki, settings, `${set}-${interpreter}`, pagesDir);
}

function renderUnderTest(installedWiki: ThrowawayWiki, set: PageSetName): Promise<FixtureRendering | Error> {
  if (!existsSync(luaPathUnderTest)) {
    return Promise.resolve(
      new Error(
        `The interpreter under test ${luaPathUnderTest} does not exist: build bin/mw-lua-standalone ` +
          'or point MW_LUA_UNDER_TEST at an interpreter.',
      ),
    );
  }
  return render(installedWiki, set, 'underTest').catch((error: unknown) =>
    error instanceof Error ? error : new Error(String(error)),
  );
}

beforeAll(async () => {
  wiki = await createThrowawayWiki();
  const installedWiki = wiki;
  // Every render runs at once: each has its own copy of the database.
  await Promise.all(
    PAGE_SET_NAMES.flatMap((set) => [
      render(installedWiki, set, 'reference').then((rendering) => referenceRenderings.set(set, rendering)),
      renderUnderTest(installedWiki, set).then((rendering) => renderingsUnderTest.set(set, rendering)),
    ]),
  );
  const timing = (rendering: FixtureRendering | Error | undefined): string =>
    rendering === undefined || rendering instanceof Error ? 'not rendered' : `${rendering.wallSeconds.toFixed(1)} s`;
  const { install, localisationCache, fixtureSaves } = installedWiki.setupSeconds;
  const renders = PAGE_SET_NAMES.map(
    (set) =>
      `${fixturePages[set].length} ${set}: lua5.1 ${timing(referenceRenderings.get(set))}, ` +
      `${luaPathUnderTest} ${timing(renderingsUnderTest.get(set))}`,
  );
  console.info(
    `integration: wiki in ${installedWiki.rootDir} (install ${install.toFixed(1)} s, ` +
      `localisation cache ${localisationCache.toFixed(1)} s, fixture saves ${fixtureSaves.toFixed(1)} s); ` +
      `rendered in parallel: ${renders.join('; ')}`,
  );
}, 600_000);

afterAll(async () => {
  if (wiki !== undefined && process.env.MWLS_KEEP_WIKI === undefined) {
    await wiki.dispose();
  }
});

function requireRenderingUnderTest(set: PageSetName): FixtureRendering {
  const renderingUnderTest = renderingsUnderTest.get(set);
  if (renderingUnderTest === undefined) {
    throw new Error('The rendering with the interpreter under test did not run (see the beforeAll error)');
  }
  if (renderingUnderTest instanceof Error) {
    throw renderingUnderTest;
  }
  return renderingUnderTest;
}

/**
 * What the interpreter under test said on stderr, for failure messages. The
 * reference server (MWServer.lua) logs every message it sends and receives
 * ("RX <== call", "TX ==> return"); those lines are left out.
 */
function interpreterStderrHint(stderr: string): string {
  const meaningfulLines = stderr.split('\n').filter((line) => line !== '' && !/^(RX <==|TX ==>) \w+$/.test(line));
  if (meaningfulLines.length === 0) {
    return '';
  }
  const lastLines = meaningfulLines.slice(-30);
  return `\ninterpreter stderr (last ${lastLines.length} lines):\n${lastLines.join('\n')}\n--- end of stderr`;
}

function requireReferencePage(name: string, set: PageSetName = 'pages'): RenderedPage {
  const referenceRendering = referenceRenderings.get(set);
  if (referenceRendering === undefined) {
    throw new Error('The lua5.1 reference rendering did not run (see the beforeAll error)');
  }
  const page = referenceRendering.pages.get(name);
  if (page === undefined) {
    throw new Error(`The lua5.1 rendering has no page ${name}`);
  }
  return page;
}

describe('integration harness (reference interpreter lua5.1)', () => {
  it('renders a simple #invoke page with the expected text', () => {
    const page = requireReferencePage('sanity');
    expect(page.exception).toBeNull();
    const html = page.html.toString('utf8');
    expect(html).toContain('<div class="mw-parser-output">');
    expect(html).toContain('Greeting: Hello from Lua, integration test!');
  });

  it('saves every fixture but Module:SyntaxError, and renders every page without a PHP exception', () => {
    const saveErrors = referenceRenderings.get('pages')?.saveErrors ?? {};
    expect(Object.keys(saveErrors)).toEqual(['Module:SyntaxError']);
    expect(saveErrors['Module:SyntaxError']).toContain('Lua error at line 6: unexpected symbol near');
    const failures = fixturePages.pages
      .map(({ name }) => [name, requireReferencePage(name).exception] as const)
      .filter(([, exception]) => exception !== null);
    expect(failures).toEqual([]);
  });

  it('shows a real Lua error as Scribunto\'s "Lua error" HTML', () => {
    const page = requireReferencePage('script-error');
    expect(page.html.toString('utf8')).toContain(
      '<strong class="error"><span class="scribunto-error" id="mw-scribunto-error-0">Lua error in Module:Errors at line 5: boom from the module.</span></strong>',
    );
    expect(page.scribuntoErrors.length).toBe(3);
  });
});

describe('the sandbox holds (reference interpreter lua5.1)', () => {
  it('Module:SandboxEscapes makes at least 50 escape attempts, each shown on the page', () => {
    const html = requireReferencePage('sandbox-escapes').html.toString('utf8');
    expect(html.match(/<li>/g)?.length).toBeGreaterThanOrEqual(50);
  });
});

describe('the limits end a runaway module as Scribunto expects (reference interpreter lua5.1)', () => {
  it('a runaway loop shows the time-out message', () => {
    const html = requireReferencePage('cpu-runaway-loop', 'cpu-limit-pages').html.toString('utf8');
    expect(html).toContain('The time allocated for running scripts has expired.');
  });

  it('each memory bomb is a catchable "not enough memory", and the page goes on', () => {
    const html = requireReferencePage('memory-bombs', 'memory-limit-pages').html.toString('utf8');
    expect(html.match(/: false, not enough memory/g)).toHaveLength(4);
    expect(html).toContain('still running: zzz');
    expect(html).toContain('Lua error: not enough memory.');
    expect(html).toContain('Hello from Lua, after the bombs!');
  });
});

describe(`${luaPathUnderTest} renders every page exactly like lua5.1`, () => {
  it('saving the fixture modules: the syntax check Scribunto runs on save (a syntax error message)', () => {
    const underTest = requireRenderingUnderTest('pages');
    expect(underTest.saveErrors, `saving the fixtures differs${interpreterStderrHint(underTest.saveInterpreterStderr)}`).toEqual(
      referenceRenderings.get('pages')?.saveErrors,
    );
  });

  for (const set of PAGE_SET_NAMES) {
    for (const { name, covers } of fixturePages[set]) {
      it(`${set}/${name}: ${covers}`, () => {
        const reference = requireReferencePage(name, set);
        const underTest = requireRenderingUnderTest(set).pages.get(name);
        if (underTest === undefined) {
          throw new Error(`The rendering with ${luaPathUnderTest} has no page ${name}`);
        }
        const stderrHint = interpreterStderrHint(underTest.interpreterStderr);
        expect(underTest.exception, `PHP exception while rendering ${name}${stderrHint}`).toBe(reference.exception);
        if (!underTest.html.equals(reference.html)) {
          const [shownUnderTest, shownReference, where] = differingParts(underTest.html, reference.html);
          expect(readableBytes(shownUnderTest), `HTML of ${name} differs${where}${stderrHint}`).toBe(
            readableBytes(shownReference),
          );
          // Same text but different bytes can only mean different invalid bytes.
          expect(shownUnderTest.toString('hex'), `HTML bytes of ${name} differ${where}`).toBe(
            shownReference.toString('hex'),
          );
        }
        // Script errors: the message is in the HTML, the backtrace only here.
        expect(underTest.scribuntoErrors, `script error details of ${name} differ${stderrHint}`).toEqual(
          reference.scribuntoErrors,
        );
      });
    }
  }
});
