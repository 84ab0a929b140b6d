#!/usr/bin/env node
import { main } from '../cli/main.ts';

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  // Expected failures (bad input, bad configuration) print their sentence; the stack only on request.
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  process.stderr.write(`lfi: ${message}\n`);
  if (process.env.LFI_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exitCode = 1;
}
