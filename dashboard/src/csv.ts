import { h } from './dom.ts';

type Cell = string | number | boolean | null | undefined;

/** RFC 4180 text: a header row, then one row per record; fields with , " or a line break quoted. */
export function toCsv(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const field = (value: Cell) => {
    const text = value === null || value === undefined ? '' : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return `${[headers, ...rows].map((row) => row.map(field).join(',')).join('\r\n')}\r\n`;
}

/**
 * A link that downloads the CSV the moment it is clicked (so it holds the data as shown then).
 * Values are the API's own: dates YYYY-MM-DD, money as euros with two decimals, for any spreadsheet.
 */
export function csvLink(label: string, fileName: string, build: () => string): HTMLElement {
  const link = h('a', { class: 'csv', href: '#', download: fileName }, label) as HTMLAnchorElement;
  link.addEventListener('click', () => {
    if (link.href.startsWith('blob:')) URL.revokeObjectURL(link.href);
    link.href = URL.createObjectURL(new Blob([build()], { type: 'text/csv;charset=utf-8' }));
  });
  return link;
}
