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
  type InterpreterSettings,
  type RenderedPage,
  type ThrowawayWiki,
} from './integration/wiki.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const referenceLuaPath = '/usr/bin/lua5.1';
const luaPathUnderTest = process.env.MW_LUA_UNDER_TEST ?? join(repoRoot, 'bin/mw-lua-standalone');

/**
 * Scribunto runs the interpreter under `ulimit -v memoryLimit/1024`; Node.js
 * reserves far more address space than lua5.1 (about 1 GB to start), so the
 * limit is raised for both, to keep the comparison fair.
 */
const memoryLimitBytes = 4_000_000_000;
/** Generous, so that a loaded CI machine does not turn into a timeout diff. */
const cpuLimitSeconds = 30;

const interpreterSettings = (luaPath: string): InterpreterSettings => ({
  luaPath,
  memoryLimitBytes,
  cpuLimitSeconds,
});

interface FixturePage {
  readonly name: string;
  /** From the page's first line, `<!-- covers: ... -->`. */
  readonly covers: string;
}

function listFixturePages(): FixturePage[] {
  const pagesDir = join(fixturesDir, 'pages');
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

const fixturePages = listFixturePages();
let wiki: ThrowawayWiki | undefined;
let referenceRendering: FixtureRendering | undefined;
/** The rendering with the interpreter under test, or why there is none. */
let renderingUnderTest: FixtureRendering | Error | undefined;

beforeAll(async () => {
  wiki = await createThrowawayWiki();
  const installedWiki = wiki;
  // Both renders run at once: each has its own copy of the database.
  const underTestPromise: Promise<FixtureRendering | Error> = existsSync(luaPathUnderTest)
    ? renderFixturePages(installedWiki, interpreterSettings(luaPathUnderTest), 'under-test').catch(
        (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
      )
    : Promise.resolve(
        new Error(
          `The interpreter under test ${luaPathUnderTest} does not exist: build bin/mw-lua-standalone ` +
            'or point MW_LUA_UNDER_TEST at an interpreter.',
        ),
      );
  const [reference, underTest] = await Promise.all([
    renderFixturePages(installedWiki, interpreterSettings(referenceLuaPath), 'lua5.1'),
    underTestPromise,
  ]);
  referenceRendering = reference;
  renderingUnderTest = underTest;
  const timing = (rendering: FixtureRendering | Error): string =>
    rendering instanceof Error ? 'not rendered' : `${rendering.wallSeconds.toFixed(1)} s`;
  const { install, localisationCache, fixtureSaves } = installedWiki.setupSeconds;
  console.info(
    `integration: wiki in ${installedWiki.rootDir} (install ${install.toFixed(1)} s, ` +
      `localisation cache ${localisationCache.toFixed(1)} s, fixture saves ${fixtureSaves.toFixed(1)} s); ` +
      `rendered ${fixturePages.length} pages in parallel: lua5.1 ${timing(reference)}, ` +
      `${luaPathUnderTest} ${timing(underTest)}`,
  );
}, 600_000);

afterAll(async () => {
  if (wiki !== undefined && process.env.MWLS_KEEP_WIKI === undefined) {
    await wiki.dispose();
  }
});

function requireRenderingUnderTest(): FixtureRendering {
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

function requireReferencePage(name: string): RenderedPage {
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
    const saveErrors = referenceRendering?.saveErrors ?? {};
    expect(Object.keys(saveErrors)).toEqual(['Module:SyntaxError']);
    expect(saveErrors['Module:SyntaxError']).toContain('Lua error at line 6: unexpected symbol near');
    const failures = fixturePages
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

describe(`${luaPathUnderTest} renders every page exactly like lua5.1`, () => {
  it('saving the fixture modules: the syntax check Scribunto runs on save (a syntax error message)', () => {
    const underTest = requireRenderingUnderTest();
    expect(underTest.saveErrors, `saving the fixtures differs${interpreterStderrHint(underTest.saveInterpreterStderr)}`).toEqual(
      referenceRendering?.saveErrors,
    );
  });

  for (const { name, covers } of fixturePages) {
    it(`${name}: ${covers}`, () => {
      const reference = requireReferencePage(name);
      const renderingWithInterpreterUnderTest = requireRenderingUnderTest();
      const underTest = renderingWithInterpreterUnderTest.pages.get(name);
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
});
