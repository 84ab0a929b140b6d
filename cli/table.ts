/** A plain text table for the terminal: columns padded to their widest cell, numbers right-aligned. */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  rightAligned: readonly number[] = [],
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) =>
        rightAligned.includes(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/**
 * Text for a terminal of `width` columns: each longer line broken at its last space that fits,
 * the rest indented by two. Lines that fit, and words longer than a line, stay as they are.
 */
export function wrapText(text: string, width: number): string {
  return text
    .split('\n')
    .flatMap((line) => {
      const lines: string[] = [];
      let rest = line;
      while (rest.length > width) {
        const at = rest.lastIndexOf(' ', width);
        if (at <= 2) break;
        lines.push(rest.slice(0, at));
        rest = `  ${rest.slice(at + 1)}`;
      }
      return [...lines, rest];
    })
    .join('\n');
}
