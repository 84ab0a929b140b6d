import { parseArgs } from 'node:util';
import { UsageError } from './usage-error.ts';

/** An option of an lfi command; `value` names what a string option takes, for the messages. */
export type OptionSpec =
  | { readonly type: 'boolean' }
  | { readonly type: 'string'; readonly value: string; readonly default?: string };

type Values<O extends Record<string, OptionSpec>> = {
  [K in keyof O]: O[K] extends { type: 'boolean' }
    ? boolean
    : O[K] extends { default: string }
      ? string
      : string | undefined;
};

/**
 * `node:util` parseArgs for one lfi command, with its TypeErrors ("Option '--date <value>'
 * argument missing") turned into a sentence naming the option, the command and what to type.
 */
export function parseCommandArgs<O extends Record<string, OptionSpec>>(
  command: string,
  args: readonly string[],
  options: O,
): Values<O> {
  const config = Object.fromEntries(
    Object.entries(options).map(([name, spec]) => [
      name,
      spec.type === 'boolean'
        ? { type: 'boolean' as const, default: false }
        : { type: 'string' as const, ...(spec.default === undefined ? {} : { default: spec.default }) },
    ]),
  );
  try {
    return parseArgs({ args: [...args], options: config, allowPositionals: false }).values as Values<O>;
  } catch (error) {
    throw new UsageError(describeParseError(command, options, error), { cause: error });
  }
}

function describeParseError(command: string, options: Record<string, OptionSpec>, error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const quoted = /'([^']*)'/.exec(message)?.[1] ?? '';
  const name = quoted.replace(/^-+/, '').replace(/[ =].*$/, '');
  const takes = Object.entries(options)
    .map(([option, spec]) => (spec.type === 'string' ? `--${option} ${spec.value}` : `--${option}`))
    .join(', ');
  const known = options[name];
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return takes
        ? `Unknown option ${quoted} for lfi ${command}: it takes ${takes} (see \`lfi help\`).`
        : `Unknown option ${quoted}: lfi ${command} takes no options (see \`lfi help\`).`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `lfi ${command} takes no argument "${quoted}": options start with -- (see \`lfi help\`).`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (known?.type === 'string')
        return `--${name} needs a value: lfi ${command} --${name} ${known.value}.`;
      if (known?.type === 'boolean') return `--${name} takes no value: write --${name} alone.`;
      return `Cannot read the options of lfi ${command}: ${message.split('\n')[0]} (see \`lfi help\`).`;
    default:
      return `Cannot read the options of lfi ${command}: ${message.split('\n')[0]} (see \`lfi help\`).`;
  }
}

/** A whole number from `min` to `max`, or a sentence naming the option and its range. */
export function wholeNumber(value: string, flag: string, min: number, max: number): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}; got "${value}".`);
  return n;
}
