#!/usr/bin/env node
import { main } from '../cli/main.ts';

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  // Every failure is one line: the sentence that says what is wrong and what to do; the stack only on request.
  process.stderr.write(`lfi: ${failureSentence(error)}\n`);
  if (process.env.LFI_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  // A connection that hangs (a server that never answers) must not keep the process alive.
  process.exit(1);
}

function failureSentence(error: unknown): string {
  const text =
    error instanceof Error
      ? error.message
      : typeof error === 'object' && error !== null
        ? JSON.stringify(error)
        : String(error);
  const line = text.replace(/\s*\n\s*/g, '; ').trim() || 'failed without a message';
  return /[.!?]$/.test(line) ? line : `${line}.`;
}
