import type { AccessRecord } from './access-record';

/** Columns of the CSV export, in order. */
export const CSV_COLUMNS = [
  'id',
  'recordedAt',
  'userId',
  'role',
  'patientId',
  'category',
  'action',
  'outcome',
  'status',
  'method',
  'route',
  'clientAddress',
  'correlationId',
  'detail',
  'previousHash',
  'hash',
] as const satisfies ReadonlyArray<keyof AccessRecord>;

export type ExportFormat = 'csv' | 'ndjson';

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson',
};

export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\r\n`;
}

/**
 * One RFC 4180 line. A cell starting with = + - @ (or a tab / carriage
 * return) gets a leading apostrophe so a spreadsheet never runs it as a
 * formula (CSV injection).
 */
export function csvLine(record: AccessRecord): string {
  return `${CSV_COLUMNS.map((column) => csvCell(column === 'detail' ? JSON.stringify(record.detail) : record[column])).join(',')}\r\n`;
}

export function ndjsonLine(record: AccessRecord): string {
  return `${JSON.stringify(record)}\n`;
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
