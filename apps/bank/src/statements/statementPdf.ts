import { groupThousands } from '@janus/money';
import PDFDocument from 'pdfkit';
import { monthRange, type StatementView } from './monthlyStatement.js';

export interface StatementPdfOptions {
  /** Printed at the top of every page. Default "Janus Bank". */
  readonly bankName?: string;
  /** ISO instant printed in the footer and kept as the document's creation date (so output is reproducible). */
  readonly generatedAt: string;
}

const PAGE = { width: 595.28, height: 841.89, margin: 50 } as const; // A4, in points
const CONTENT_WIDTH = PAGE.width - 2 * PAGE.margin;
const FOOTER_Y = PAGE.height - PAGE.margin + 15;
const ROW_HEIGHT = 16;

/** The transactions table: x offset, width and alignment of each column. */
const COLUMNS = [
  { title: 'Date (UTC)', x: 0, width: 90, align: 'left' },
  { title: 'Description', x: 95, width: 180, align: 'left' },
  { title: 'Type', x: 280, width: 70, align: 'left' },
  { title: 'Amount', x: 350, width: 70, align: 'right' },
  { title: 'Balance', x: 425, width: 70, align: 'right' },
] as const;

const KIND_LABELS: Record<string, string> = {
  opening_deposit: 'Opening',
  deposit: 'Deposit',
  withdrawal: 'Withdrawal',
  transfer_in: 'Transfer in',
  transfer_out: 'Transfer out',
};

// The standard PDF fonts (no font files to ship) encode WinAnsi only: anything else prints as '?'.
const NOT_WIN_ANSI = /[^\u0020-\u007e\u00a0-\u00ff€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]/gu;
const printable = (text: string): string => text.replace(NOT_WIN_ANSI, '?');

const monthTitle = (month: string): string =>
  new Date(monthRange(month).start).toLocaleDateString('en-GB', {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });

function periodText(month: string): string {
  const { start, end } = monthRange(month);
  const day = (ms: number) =>
    new Date(ms).toLocaleDateString('en-GB', {
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      timeZone: 'UTC',
    });
  return `${day(start)} to ${day(end - 1)} (UTC)`;
}

const dateTime = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;

/**
 * The statement as a printable PDF (A4): the bank's name, customer, account, period, opening and closing
 * balances, the transactions table (its header repeated on every page), totals, and a footer with page
 * numbers. Amounts are the statement's own strings, with thousands separated.
 */
export function statementPdf(statement: StatementView, options: StatementPdfOptions): Promise<Buffer> {
  const bankName = options.bankName ?? 'Janus Bank';
  const generatedAt = new Date(options.generatedAt);
  const money = groupThousands;
  const doc = new PDFDocument({
    size: 'A4',
    margin: PAGE.margin,
    bufferPages: true,
    info: {
      Title: `${bankName} statement ${statement.accountId} ${statement.month}`,
      Author: bankName,
      Subject: `Account ${statement.accountId}, customer ${statement.customerId}, ${statement.month}`,
      CreationDate: generatedAt,
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => {
      resolve(Buffer.concat(chunks));
    });
    doc.on('error', reject);
  });

  const left = PAGE.margin;
  const fit = (text: string, width: number): string => {
    let shown = printable(text);
    if (doc.widthOfString(shown) <= width) return shown;
    while (shown.length > 0 && doc.widthOfString(`${shown}…`) > width) shown = shown.slice(0, -1);
    return `${shown}…`;
  };
  const cells = (values: readonly string[], y: number) => {
    COLUMNS.forEach((column, i) => {
      doc.text(fit(values[i] ?? '', column.width), left + column.x, y, {
        width: column.width,
        align: column.align,
        lineBreak: false,
      });
    });
  };
  const rule = (y: number, weight = 0.5) => {
    doc
      .moveTo(left, y)
      .lineTo(left + CONTENT_WIDTH, y)
      .lineWidth(weight)
      .strokeColor('#999999')
      .stroke();
  };
  const tableHeader = (y: number): number => {
    doc.font('Helvetica-Bold').fontSize(9).fillColor('#000000');
    cells(
      COLUMNS.map((c) => c.title),
      y,
    );
    rule(y + 12);
    doc.font('Helvetica').fontSize(9);
    return y + ROW_HEIGHT;
  };

  // Letterhead
  doc.font('Helvetica-Bold').fontSize(20).fillColor('#000000').text(printable(bankName), left, PAGE.margin);
  doc
    .font('Helvetica')
    .fontSize(12)
    .text(`Account statement - ${monthTitle(statement.month)}`, left, PAGE.margin + 26);
  rule(PAGE.margin + 46, 1);

  // Who, what, when
  const details: [string, string][] = [
    ['Customer', statement.customerId],
    ['Account', statement.accountId],
    ['Currency', statement.currency],
    ['Period', periodText(statement.month)],
  ];
  let y = PAGE.margin + 58;
  for (const [label, value] of details) {
    doc.font('Helvetica-Bold').fontSize(10).text(label, left, y, { width: 90, lineBreak: false });
    doc.font('Helvetica').text(fit(value, CONTENT_WIDTH - 90), left + 90, y, { lineBreak: false });
    y += 15;
  }

  // Summary
  y += 8;
  const summary: [string, string][] = [
    ['Opening balance', statement.openingBalance],
    ['Money in', statement.totalIn],
    ['Money out', statement.totalOut],
    ['Closing balance', statement.closingBalance],
  ];
  doc
    .rect(left, y, CONTENT_WIDTH, summary.length * 15 + 10)
    .lineWidth(0.5)
    .strokeColor('#999999')
    .stroke();
  y += 6;
  for (const [label, value] of summary) {
    const bold = label === 'Closing balance';
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(10);
    doc.text(label, left + 10, y, { width: 200, lineBreak: false });
    doc.text(`${money(value)} ${statement.currency}`, left + 210, y, {
      width: CONTENT_WIDTH - 220,
      align: 'right',
      lineBreak: false,
    });
    y += 15;
  }

  // Transactions
  y += 22;
  doc.font('Helvetica-Bold').fontSize(12).text('Transactions', left, y);
  y = tableHeader(y + 20);
  const lastRowY = FOOTER_Y - 30;
  if (statement.transactions.length === 0) {
    doc
      .font('Helvetica-Oblique')
      .fontSize(9)
      .text('No transactions in this period.', left, y, { lineBreak: false });
    y += ROW_HEIGHT;
  }
  for (const t of statement.transactions) {
    if (y > lastRowY) {
      doc.addPage();
      y = tableHeader(PAGE.margin);
    }
    cells(
      [
        dateTime(t.occurredAt),
        t.description,
        KIND_LABELS[t.kind] ?? t.kind,
        money(t.amount),
        money(t.balanceAfter),
      ],
      y,
    );
    y += ROW_HEIGHT;
  }

  // Totals
  if (y > lastRowY - 3 * ROW_HEIGHT) {
    doc.addPage();
    y = PAGE.margin;
  }
  rule(y - 3);
  doc.font('Helvetica-Bold').fontSize(9);
  const totals: [string, string][] = [
    ['Total in', money(statement.totalIn)],
    ['Total out', money(statement.totalOut)],
    ['Closing balance', money(statement.closingBalance)],
  ];
  for (const [label, value] of totals) {
    doc.text(label, left + COLUMNS[2].x, y + 2, { width: 140, lineBreak: false });
    doc.text(value, left + COLUMNS[4].x, y + 2, {
      width: COLUMNS[4].width,
      align: 'right',
      lineBreak: false,
    });
    y += ROW_HEIGHT;
  }

  // Footer on every page (margins lifted so writing near the edge does not start a new page)
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    doc.page.margins.bottom = 0;
    doc.font('Helvetica').fontSize(8).fillColor('#555555');
    doc.text(
      `${fit(`${bankName} - account ${statement.accountId} - ${statement.month}`, CONTENT_WIDTH - 190)} - generated ${generatedAt.toISOString()}`,
      left,
      FOOTER_Y,
      { width: CONTENT_WIDTH - 70, lineBreak: false },
    );
    doc.text(`page ${i - range.start + 1} of ${range.count}`, left + CONTENT_WIDTH - 70, FOOTER_Y, {
      width: 70,
      align: 'right',
      lineBreak: false,
    });
  }
  doc.end();
  return done;
}
