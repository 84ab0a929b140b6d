import { describe, expect, it } from 'vitest';
import { wrapText } from '../../../cli/table.ts';

describe('text for a terminal', () => {
  it('breaks a long line at its last space that fits, the rest indented by two', () => {
    const wrapped = wrapText(
      '48 budgets lowered, 1 raised, 8 left alone: 4 at the minimum budget, 2 at the economic limit.',
      40,
    );
    for (const line of wrapped.split('\n')) expect(line.length).toBeLessThanOrEqual(40);
    expect(wrapped).toBe(
      '48 budgets lowered, 1 raised, 8 left\n  alone: 4 at the minimum budget, 2 at\n  the economic limit.',
    );
    expect(wrapped.replace(/\n {2}/g, ' ')).toBe(
      '48 budgets lowered, 1 raised, 8 left alone: 4 at the minimum budget, 2 at the economic limit.',
    );
  });

  it('leaves lines that fit, and a word longer than a line, as they are', () => {
    expect(wrapText('short\nlines', 10)).toBe('short\nlines');
    expect(wrapText('https://example.invalid/a/very/long/path', 10)).toBe(
      'https://example.invalid/a/very/long/path',
    );
  });
});
