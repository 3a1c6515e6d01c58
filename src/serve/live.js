// casebook serve's live-reload client. Only the preview server adds it to
// pages (as an external script, so pages keep working under
// `Content-Security-Policy: default-src 'self'`); `casebook build` never does.
//
// It listens to the server's events:
//   hello  {generation, server}  on (re)connecting: reload if the server restarted
//   built  {generation, base, all, changed}
//                                 a rebuild succeeded: hide the error overlay, and
//                                 reload when this page or a file it uses changed
//                                 (on connecting: all that changed since this page)
//   errors {errors, language}     a rebuild failed: show the errors over the page;
//                                 each error is a record as `check --format json`
//                                 prints it (file, line, column, field, message,
//                                 hint, severity, source_line)
(() => {
  'use strict';

  const script = document.currentScript;
  const PREFIX = '/__casebook/';
  const params = new URL(script ? script.src : location.href).searchParams;
  const generation = params.get('generation') ?? '';
  const server = params.get('server') ?? '';

  const stylesheet = document.createElement('link');
  stylesheet.rel = 'stylesheet';
  stylesheet.href = `${PREFIX}live.css`;
  document.head.append(stylesheet);

  const here = decodeURIComponent(location.pathname);

  /** Whether a rebuild that changed `urls` changes what this tab shows. */
  function affectsThisPage(event) {
    if (event.all) return true;
    const folder = here.endsWith('/') ? here : here.slice(0, here.lastIndexOf('/') + 1);
    return event.changed.some((url) => {
      if (url === here || url === `${here}/`) return true;
      // The theme's styles and scripts, and images beside this page.
      if (url.startsWith(`${event.base}static/`)) return true;
      const beside = url.startsWith(folder) && !url.slice(folder.length).includes('/');
      return beside && !/\.(html|json|csv|xml|txt)$/.test(url) && !url.endsWith('/');
    });
  }

  // ---- The error overlay ------------------------------------------------

  const OVERLAY_ID = 'casebook-errors';

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function location_(error) {
    if (!error.line) return error.file;
    return error.column ? `${error.file}:${error.line}:${error.column}` : `${error.file}:${error.line}`;
  }

  /** The line the error points at, with a caret under its column, as the terminal shows it. */
  function excerpt(error) {
    const gutter = String(error.line);
    const pad = ' '.repeat(gutter.length);
    const quoted = element('pre', 'casebook-errors__excerpt', `${pad} |\n${gutter} | ${error.source_line}\n${pad} | `);
    // The characters before the column, laid out but not shown, put the caret
    // under its character whatever their widths in the font.
    const before = [...error.source_line].slice(0, Math.max(0, (error.column ?? 1) - 1)).join('');
    quoted.append(element('span', 'casebook-errors__spacer', before), '^');
    return quoted;
  }

  /** The overlay's own words, in the language of the messages it shows. */
  const LABELS = {
    ja: {
      title: (n) => `サイトを更新できません：エラーが${n}件あります`,
      lead: 'ファイルを直して保存すると、このページは自動で更新されます。',
      hint: 'ヒント',
      close: '閉じる',
    },
    en: {
      title: (n) => `The site cannot be updated: ${n} error${n === 1 ? '' : 's'}`,
      lead: 'Fix the file and save: this page updates by itself.',
      hint: 'hint',
      close: 'Close',
    },
  };

  function showErrors(errors, language) {
    const t = LABELS[language] ?? LABELS.ja;
    hideErrors();
    const overlay = element('div', 'casebook-errors');
    overlay.id = OVERLAY_ID;
    overlay.setAttribute('role', 'alert');
    overlay.setAttribute('aria-labelledby', `${OVERLAY_ID}-title`);
    const panel = element('div', 'casebook-errors__panel');
    const title = element('h2', 'casebook-errors__title', t.title(errors.length));
    title.id = `${OVERLAY_ID}-title`;
    panel.append(title);
    panel.append(element('p', 'casebook-errors__lead', t.lead));
    const list = element('ol', 'casebook-errors__list');
    for (const error of errors) {
      const item = element('li', 'casebook-errors__item');
      const heading = element('p', 'casebook-errors__location');
      heading.append(element('code', '', location_(error)));
      if (error.field) heading.append(' ', element('span', 'casebook-errors__field', `(${error.field})`));
      item.append(heading);
      item.append(element('p', 'casebook-errors__message', error.message));
      if (error.line && error.source_line != null) item.append(excerpt(error));
      if (error.hint) item.append(element('p', 'casebook-errors__hint', `${t.hint}: ${error.hint}`));
      list.append(item);
    }
    panel.append(list);
    const close = element('button', 'casebook-errors__close', t.close);
    close.type = 'button';
    close.addEventListener('click', hideErrors);
    panel.append(close);
    overlay.append(panel);
    document.body.append(overlay);
  }

  function hideErrors() {
    document.getElementById(OVERLAY_ID)?.remove();
  }

  // ---- The event stream -------------------------------------------------

  const events = new EventSource(`${PREFIX}events?since=${encodeURIComponent(generation)}`);
  events.addEventListener('hello', (message) => {
    // Another server now: what it serves may differ in any way.
    if (server && String(JSON.parse(message.data).server) !== server) location.reload();
    hideErrors();
  });
  events.addEventListener('built', (message) => {
    const data = JSON.parse(message.data);
    hideErrors();
    if (affectsThisPage(data)) location.reload();
  });
  events.addEventListener('errors', (message) => {
    const { errors, language } = JSON.parse(message.data);
    showErrors(errors, language);
  });
})();
