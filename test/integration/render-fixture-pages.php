<?php
/**
 * Integration-test glue (our own code, not MediaWiki's): renders the fixture
 * pages of test/integration/fixtures through the real MediaWiki parser and
 * Scribunto, with whatever LuaStandalone interpreter the wiki's settings name.
 *
 *   MWLS_DATA_DIR=... MWLS_LUA_PATH=... MWLS_ERROR_FILE=... \
 *     php render-fixture-pages.php --conf <wiki>/LocalSettings.php --fixtures <dir> [--pages <dir>] [--save-only]
 *   php render-fixture-pages.php --conf ... --warm-languages en,de   (localisation cache only)
 *
 * The interpreter (luaPath, memoryLimit, cpuLimit, errorFile) and the SQLite
 * data directory are chosen by environment variables that the LocalSettings.php
 * written by wiki.ts reads, so one wiki installation serves every interpreter.
 *
 * Steps with --fixtures:
 *  1. saves fixtures/modules/<Name>.lua as Module:<Name> and
 *     fixtures/templates/<Name>.wikitext as Template:<Name> (a real edit, so
 *     Scribunto validates each module with the interpreter, as on a wiki);
 *     pages already saved with the same text are left alone;
 *  2. unless --save-only, renders each <name>.wikitext of --pages (default
 *     fixtures/pages; the pages for tight limits are in another folder) as the page
 *     "Integration test/<name>" the way a page view does: ContentRenderer ->
 *     Parser::parse with canonical parser options (no limit report, whose
 *     timings would differ between runs), then ParserOutput::getText();
 *  3. prints one JSON object on stdout:
 *     { "fixturePages": { "<name>": { "htmlBase64", "scribuntoErrors",
 *       "exception", "interpreterStderr", "seconds" } },
 *       "saveErrors": { "<page>": "<why>" } }
 *     saveErrors lists the fixtures that were not saved, e.g. a module that
 *     Scribunto refused because the interpreter reported a syntax error.
 *     HTML is base64 so that any byte sequence survives JSON unchanged.
 * Each test page is rendered by a fresh parse, so Scribunto starts a new
 * interpreter process for it, as it would for a page view.
 */

use MediaWiki\MediaWikiServices;

$mwInstallPath = getenv( 'MW_INSTALL_PATH' ) ?: '/usr/share/mediawiki';
require_once "$mwInstallPath/maintenance/Maintenance.php";

class RenderFixturePages extends Maintenance {
	public function __construct() {
		parent::__construct();
		$this->addDescription( 'Render Scribunto integration-test fixture pages as JSON' );
		$this->addOption( 'fixtures', 'Fixture folder (modules/, templates/, pages/)', false, true );
		$this->addOption( 'interpreter-stderr-dir', 'Folder for one stderr log (errorFile) per ' .
			'rendered page, whose content is also returned in the JSON', false, true );
		$this->addOption( 'pages', 'Folder of the pages to render (default: pages/ of --fixtures)',
			false, true );
		$this->addOption( 'save-only', 'Only save the fixture modules and templates ' .
			'(wiki.ts does it once into the pristine database, see there)' );
		$this->addOption( 'warm-languages', 'Comma-separated language codes: only fill the ' .
			'localisation cache for them and exit', false, true );
	}

	public function execute() {
		$warmLanguages = $this->getOption( 'warm-languages' );
		if ( $warmLanguages !== null ) {
			$this->warmLocalisationCache( explode( ',', $warmLanguages ) );
			return;
		}
		$fixturesDir = $this->getOption( 'fixtures' );
		if ( $fixturesDir === null || !is_dir( $fixturesDir ) ) {
			$this->fatalError( "--fixtures must name the fixture folder" );
		}

		// Anything MediaWiki prints would corrupt the JSON on stdout: buffer it
		// and pass it on to stderr instead.
		ob_start();
		$saveErrors = $this->saveFixturePages( $fixturesDir );
		$renderedPages = $this->hasOption( 'save-only' ) ? [] :
			$this->renderTestPages( $this->getOption( 'pages', "$fixturesDir/pages" ) );
		$strayOutput = ob_get_clean();
		if ( $strayOutput !== '' ) {
			fwrite( STDERR, "stray output while rendering:\n$strayOutput\n" );
		}

		echo json_encode(
			[ 'fixturePages' => $renderedPages, 'saveErrors' => (object)$saveErrors ],
			JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE | JSON_THROW_ON_ERROR
		), "\n";
	}

	/**
	 * Fill the (shared, file-based) localisation cache once per test run, so
	 * that renders can run in parallel without racing to rebuild it.
	 * @param string[] $languageCodes
	 */
	private function warmLocalisationCache( array $languageCodes ): void {
		$localisationCache = MediaWikiServices::getInstance()->getLocalisationCache();
		foreach ( $languageCodes as $code ) {
			$localisationCache->getItem( trim( $code ), 'fallback' );
		}
	}

	/**
	 * @param string $fixturesDir
	 * @return array<string,string> page name => why it was not saved
	 */
	private function saveFixturePages( string $fixturesDir ): array {
		$services = MediaWikiServices::getInstance();
		$user = User::newSystemUser( 'Integration test', [ 'steal' => true ] );
		$pagesToSave = [];
		foreach ( glob( "$fixturesDir/modules/*.lua" ) as $file ) {
			$pagesToSave[ 'Module:' . basename( $file, '.lua' ) ] = $file;
		}
		foreach ( glob( "$fixturesDir/templates/*.wikitext" ) as $file ) {
			$pagesToSave[ 'Template:' . basename( $file, '.wikitext' ) ] = $file;
		}
		$errors = [];
		foreach ( $pagesToSave as $pageName => $file ) {
			try {
				$title = Title::newFromText( $pageName );
				$content = ContentHandler::makeContent( file_get_contents( $file ), $title );
				$page = $services->getWikiPageFactory()->newFromTitle( $title );
				// Even a null edit has Scribunto check the module (two interpreter
				// processes): skip pages that are already up to date. Saved text
				// is pre-save-transformed (trailing newline trimmed etc.).
				$currentContent = $page->getContent();
				$contentAsSaved = $services->getContentTransformer()->preSaveTransform(
					$content, $title, $user, ParserOptions::newFromUser( $user ) );
				if ( $currentContent !== null && $currentContent->equals( $contentAsSaved ) ) {
					continue;
				}
				$status = $page->doUserEditContent( $content, $user, 'integration test fixture' );
				if ( !$status->isOK() ) {
					$errors[$pageName] = $status->getWikiText( false, false, 'en' );
				}
			} catch ( Throwable $e ) {
				$errors[$pageName] = get_class( $e ) . ': ' . $e->getMessage();
			}
		}
		// Settle site statistics, links tables etc. before rendering, so every
		// interpreter sees the same wiki state (mw.site.stats, title.exists).
		DeferredUpdates::doUpdates();
		return $errors;
	}

	/**
	 * @param string $pagesDir
	 * @return array<string,array> page name => rendering
	 */
	private function renderTestPages( string $pagesDir ): array {
		$contentRenderer = MediaWikiServices::getInstance()->getContentRenderer();
		$stderrDir = $this->getOption( 'interpreter-stderr-dir' );
		$renderedPages = [];
		foreach ( glob( "$pagesDir/*.wikitext" ) as $file ) {
			$name = basename( $file, '.wikitext' );
			$startTime = microtime( true );
			$rendering = [ 'htmlBase64' => null, 'scribuntoErrors' => [], 'exception' => null,
				'interpreterStderr' => null ];
			$stderrFile = $stderrDir === null ? null : "$stderrDir/$name.log";
			if ( $stderrFile !== null ) {
				// The engine reads its configuration whenever a parse creates
				// one, so each page gets its own stderr log.
				$GLOBALS['wgScribuntoEngineConf']['luastandalone']['errorFile'] = $stderrFile;
			}
			try {
				$title = Title::newFromText( "Integration test/$name" );
				$content = ContentHandler::makeContent( file_get_contents( $file ), $title );
				$parserOptions = ParserOptions::newCanonical( 'canonical' );
				$parserOutput = $contentRenderer->getParserOutput( $content, $title, null, $parserOptions );
				$rendering['htmlBase64'] = base64_encode( $parserOutput->getText() );
				// Script errors: the HTML only shows the message; the detail
				// with the backtrace goes to the page's JS config.
				$rendering['scribuntoErrors'] = $parserOutput->getJsConfigVars()['ScribuntoErrors'] ?? [];
			} catch ( Throwable $e ) {
				$rendering['exception'] = get_class( $e ) . ': ' . $e->getMessage() . "\n" .
					$e->getTraceAsString();
			}
			$rendering['seconds'] = round( microtime( true ) - $startTime, 3 );
			if ( $stderrFile !== null && is_readable( $stderrFile ) ) {
				$rendering['interpreterStderr'] = file_get_contents( $stderrFile );
			}
			$renderedPages[$name] = $rendering;
		}
		return $renderedPages;
	}
}

$maintClass = RenderFixturePages::class;
require_once RUN_MAINTENANCE_IF_MAIN;
