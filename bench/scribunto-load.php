<?php
/**
 * Benchmark glue for bench/run.mjs (not MediaWiki's code): times what a page
 * parse pays before its first {{#invoke:}} — Scribunto_LuaStandaloneEngine::load(),
 * i.e. spawning the interpreter, loading mwInit.lua, mw.lua and every library
 * (mw.site, mw.uri, mw.ustring, mw.language, mw.message, mw.title, mw.text,
 * mw.html, mw.hash) through the real PHP side, and its closing getStatus.
 *
 *   php scribunto-load.php --conf <wiki>/LocalSettings.php --runs N \
 *       --lua /usr/bin/lua5.1 --lua /path/to/mw-lua-standalone
 *
 * Runs alternate between the interpreters so that drift in machine load hits
 * them equally; one untimed warm-up each first fills PHP's autoloader and
 * Scribunto's in-process cache of library source. Prints one JSON array with
 * a list of runs per --lua, in the order given: [ [ { "seconds", "peakRssKb" },
 * ... ], ... ] (by position, so one interpreter may be named twice).
 */

use MediaWiki\Extension\Scribunto\Scribunto;
use MediaWiki\MediaWikiServices;

$mwInstallPath = getenv( 'MW_INSTALL_PATH' ) ?: '/usr/share/mediawiki';
require_once "$mwInstallPath/maintenance/Maintenance.php";

class BenchScribuntoLoad extends Maintenance {
	public function __construct() {
		parent::__construct();
		$this->addDescription( 'Time Scribunto LuaStandalone engine start-up per interpreter' );
		$this->addOption( 'lua', 'Interpreter path (repeat for each)', true, true, false, true );
		$this->addOption( 'runs', 'Timed runs per interpreter', false, true );
		$this->addOption( 'memory-limit', 'Bytes of address space per interpreter (ulimit -v)', false, true );
	}

	public function execute() {
		$luaPaths = $this->getOption( 'lua' );
		$runs = (int)$this->getOption( 'runs', 5 );
		$engineOptions = [
			'luaPath' => null,
			// Node.js cannot start under the default 50 MB ulimit -v; every
			// interpreter gets the same generous limit so the runs are comparable.
			'memoryLimit' => (int)$this->getOption( 'memory-limit', 4000000000 ),
			'cpuLimit' => 60,
			'errorFile' => null,
		];

		$results = array_fill( 0, count( $luaPaths ), [] );
		for ( $run = -1; $run < $runs; $run++ ) {
			foreach ( $luaPaths as $index => $luaPath ) {
				$measurement = $this->measureLoad( [ 'luaPath' => $luaPath ] + $engineOptions );
				if ( $run >= 0 ) {
					$results[$index][] = $measurement;
				}
			}
		}
		echo json_encode( $results, JSON_UNESCAPED_SLASHES ), "\n";
	}

	/**
	 * One page parse's worth of engine start-up, with a fresh parser and engine
	 * as a page view would have.
	 */
	private function measureLoad( array $engineOptions ): array {
		$title = Title::newMainPage();
		$parser = MediaWikiServices::getInstance()->getParserFactory()->create();
		$parser->startExternalParse( $title, ParserOptions::newFromAnon(), Parser::OT_HTML );
		$engine = Scribunto::newDefaultEngine(
			[ 'parser' => $parser, 'title' => $title ] + $engineOptions
		);

		$start = hrtime( true );
		$interpreter = $engine->getInterpreter();
		$seconds = ( hrtime( true ) - $start ) / 1e9;

		$pid = proc_get_status( $interpreter->proc )['pid'];
		$peakRssKb = self::peakRssKb( $pid );
		// What the end of a parse does: the engine is destroyed and the
		// interpreter's destructor terminates the process.
		$interpreter->terminate();
		$engine->destroy();
		return [ 'seconds' => $seconds, 'peakRssKb' => $peakRssKb ];
	}

	/** VmHWM of a live process, or null when /proc does not say. */
	private static function peakRssKb( int $pid ): ?int {
		$status = @file_get_contents( "/proc/$pid/status" );
		if ( $status !== false && preg_match( '/^VmHWM:\s+(\d+) kB/m', $status, $m ) ) {
			return (int)$m[1];
		}
		return null;
	}
}

$maintClass = BenchScribuntoLoad::class;
require_once RUN_MAINTENANCE_IF_MAIN;
