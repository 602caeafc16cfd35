/**
 * lua.c 5.1's command-line grammar (its `collectargs` and `runargs`), parsed
 * by hand: the options are order-sensitive (`-e` and `-l` run in the order
 * given), take their value attached or as the next word, end at the first
 * word that is not an option, and a bad one means the usage text and status 1.
 * A general option parser (yargs) fits none of that, so none is used.
 */

/** An `-e stat` or `-l name`, run in command-line order before the script. */
export interface CommandLineStep {
  readonly kind: 'execute' | 'require';
  readonly text: string;
}

export interface LuaCommandLine {
  readonly steps: readonly CommandLineStep[];
  /** `-i`: the prompt after the script. lua.c's `-i` also shows the version. */
  readonly interactive: boolean;
  /** `-v` (or `-i`). */
  readonly version: boolean;
  /** Whether any `-e` was given: then no script means nothing more to run. */
  readonly execute: boolean;
  /** argv index of the script (`-` included), or 0 for none: its arguments follow it, arg[0] is it. */
  readonly script: number;
}

/**
 * `argv` as C has it, argv[0] being the program name. Null for an invalid
 * option or an option missing its value, where lua.c prints its usage.
 */
export function parseLuaCommandLine(argv: readonly string[]): LuaCommandLine | null {
  const steps: CommandLineStep[] = [];
  let interactive = false;
  let version = false;
  let execute = false;
  let i = 1;
  let script = 0;
  for (; i < argv.length; i++) {
    const word = argv[i]!;
    if (!word.startsWith('-') || word === '-') {
      script = i;
      break;
    }
    const option = word[1];
    const attached = word.slice(2);
    if (option === '-') {
      if (attached !== '') return null;
      // lua.c: `--` as the last word means no script, not a script named by nothing.
      script = i + 1 < argv.length ? i + 1 : 0;
      break;
    } else if (option === 'i' || option === 'v') {
      if (attached !== '') return null;
      if (option === 'i') interactive = true;
      version = true;
    } else if (option === 'e' || option === 'l') {
      let text = attached;
      if (text === '') {
        if (++i >= argv.length) return null;
        text = argv[i]!;
      }
      if (option === 'e') execute = true;
      steps.push({ kind: option === 'e' ? 'execute' : 'require', text });
    } else {
      return null;
    }
  }
  return { steps, interactive, version, execute, script };
}

/**
 * Whether the script at `script` is standard input: `-`, unless the word
 * before it is `--` (then `-` is a file of that name, as in lua.c).
 */
export function scriptIsStandardInput(argv: readonly string[], script: number): boolean {
  return argv[script] === '-' && argv[script - 1] !== '--';
}
