/**
 * HTML for the report pages: a tagged template that escapes every value unless it is `raw` (the
 * server-rendered SVG, nested fragments), so a spec's name cannot become markup.
 */
export class Raw {
  constructor(readonly html: string) {}
}

export const raw = (html: string) => new Raw(html);

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

type Value = string | number | null | undefined | Raw | Value[];

function render(v: Value): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Raw) return v.html;
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Raw {
  return raw(strings.reduce((out, s, i) => out + s + (i < values.length ? render(values[i]) : ''), ''));
}

const STYLE = `
  body { font: 15px/1.45 system-ui, sans-serif; color: #111827; max-width: 980px; margin: 2rem auto; padding: 0 1rem; }
  h1 { font-size: 1.5rem; margin-bottom: .2rem; } h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #e5e7eb; }
  .sub { color: #6b7280; margin-top: 0; }
  table { border-collapse: collapse; margin: .5rem 0; } td, th { padding: .25rem .6rem; border-bottom: 1px solid #e5e7eb; text-align: right; }
  th:first-child, td:first-child { text-align: left; } th { background: #f9fafb; }
  .better { color: #15803d; font-weight: 600; } .worse, .FAIL, .FAILED, .ERROR { color: #b91c1c; font-weight: 600; }
  .changed { color: #b45309; } .unchanged, .inconclusive { color: #6b7280; } .PASS, .SUCCEEDED { color: #15803d; font-weight: 600; }
  figure { margin: 1rem 0; } figcaption { color: #6b7280; font-size: .9rem; }
  pre { background: #f9fafb; padding: .75rem; overflow-x: auto; font-size: .85rem; }
  code { font-size: .9em; } a { color: #1d4ed8; }
  @media print { body { margin: 0; max-width: none; } a { color: inherit; text-decoration: none; } h2 { break-after: avoid; } figure, table { break-inside: avoid; } }
`;

/** A whole page: no scripts, styles inline, readable printed. */
export function page(title: string, subtitle: string, body: Raw): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,"><title>${escapeHtml(title)} · iopath</title><style>${STYLE}</style></head>
<body><header><h1>${escapeHtml(title)}</h1><p class="sub">${escapeHtml(subtitle)}</p></header>
${body.html}
<footer><p class="sub">iopath report, made ${new Date().toISOString()}</p></footer></body></html>`;
}

/** A chart with its caption. */
export function figure(svg: string, caption: string, name: string): Raw {
  return html`<figure data-chart="${name}">${raw(svg)}<figcaption>${caption}</figcaption></figure>`;
}

export function num(n: number | null | undefined, digits = 3): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '–';
  return Number(n.toPrecision(digits)).toLocaleString('en-US', { maximumFractionDigits: 3 });
}
